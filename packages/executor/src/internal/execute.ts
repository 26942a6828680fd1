/**
 * Runs a {@link Plan} (PostgreSQL's executor for one table: SeqScan or
 * IndexScan, then Sort, Unique, LockRows and Limit, or ModifyTable).
 *
 * A statement:
 *   1. takes its relation locks (the range table's modes) before reading;
 *   2. takes the statement snapshot (READ COMMITTED: new; REPEATABLE READ:
 *      the transaction's) — which also refuses a failed block (25P02);
 *   3. reads every qualifying row first, then changes them one by one
 *      (@pg/heap's modifyRow: waits, EvalPlanQual, 40001), so no row is
 *      changed twice: the scan's rows are fixed before the first change,
 *      and the snapshot's command id hides the statement's own versions
 *      (the Halloween problem);
 *   4. after a change, bumps the command counter, so the next statement
 *      sees it.
 * Index entries: an INSERT adds one to every index; an UPDATE does when
 * the heap did not make a HOT update. A unique index that finds an equal
 * entry of a transaction still running waits for it and tries again, as
 * _bt_check_unique does; a live one is 23505.
 */
import { type IndexAccessMethod, scanKey, type Tid } from '@pg/access';
import type { ColumnDesc, IndexDesc, RelationDesc } from '@pg/catalog';
import { lockRow, sessionUpdateContext, sessionWriter, xactLockTableWait } from '@pg/heap';
import { LockMode, relationLockTag, type UpdateContext } from '@pg/mvcc';
import type { NodeInstrumentation, PlanNode } from '@pg/planner';
import type { Query, SelectQuery } from '@pg/sql';
import { builtins, type Registry, SqlError, type TypeContext } from '@pg/types';
import type { EvalEnv, ExecContext, OpenRelation, OpenTable } from './context.js';
import { type Compiled, compileExpr, compileQual } from './expr.js';
import { indexEntryOf } from './index-keys.js';
import { pullDownCtes, returningRow, runUpdateDelete, valuesRow, withRows } from './modify.js';
import type { Plan } from './plan.js';
import { executeSelect } from './run.js';
import { heapTupleStatus } from './unique.js';
import { upsertRow } from './upsert.js';
import { runViewChecks } from './view-check.js'; // issue 9 (D)

/** What a statement returns. */
export interface ExecResult {
  /** Output rows (SELECT, or RETURNING): JavaScript values, null for NULL. */
  readonly rows: unknown[][];
  /** Rows returned (SELECT) or changed (INSERT/UPDATE/DELETE). */
  readonly rowCount: number;
  readonly command: 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  /** EXPLAIN ANALYZE's per-node counters (plan-tree SELECTs run with `instrument`). */
  readonly instrumentation?: Map<PlanNode, NodeInstrumentation>;
}

type Qual = (row: readonly unknown[], env: EvalEnv) => boolean;

interface SortKey {
  readonly index: number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
  readonly compare: (a: unknown, b: unknown) => number;
}

/** A plan's expressions, compiled once. */
interface CompiledPlan {
  readonly where: Qual;
  readonly filter: Qual;
  readonly indexQuals: readonly { column: number; strategy: 1 | 2 | 3 | 4 | 5; value: Compiled }[];
  readonly targets: readonly Compiled[];
  /** Target indexes that are output (not junk). */
  readonly output: readonly number[];
  readonly sortKeys: readonly SortKey[];
  readonly limit: Compiled | undefined;
  readonly offset: Compiled | undefined;
  readonly insertRows: readonly (readonly Compiled[])[];
  readonly set: readonly { readonly index: number; readonly value: Compiled }[];
}

/** A row of a scan: a heap row (tid undefined: a row of a system view). */
interface ScanRow {
  readonly tid: Tid | undefined;
  readonly values: unknown[];
}

const compiledPlans = new WeakMap<Plan, CompiledPlan>();
const NO_ROW: readonly unknown[] = [];

function compilePlan(plan: Plan, registry: Registry): CompiledPlan {
  const cached = compiledPlans.get(plan);
  if (cached !== undefined) return cached;
  const q = plan.query;
  const c = (e: Parameters<typeof compileExpr>[0]) => compileExpr(e, registry);
  // INSERT/UPDATE/DELETE evaluate RETURNING (and VALUES rows with sub-SELECTs) in modify.ts
  const targets = plan.modify === undefined ? q.targetList.map((t) => c(t.expr)) : [];
  const output = q.targetList.flatMap((t, i) => (t.junk ? [] : [i]));
  let sortKeys: SortKey[] = [];
  let limit: Compiled | undefined;
  let offset: Compiled | undefined;
  if (q.command === 'select') {
    const key = (index: number, descending: boolean, nullsFirst: boolean): SortKey => {
      const t = q.targetList[index];
      if (t === undefined) throw new SqlError('XX000', `ORDER BY refers to target ${index}`);
      return { index, descending, nullsFirst, compare: registry.mustType(t.expr.type).compare };
    };
    sortKeys = q.sort.map((s) => key(s.index, s.descending, s.nullsFirst));
    if (q.limit !== undefined) limit = c(q.limit);
    if (q.offset !== undefined) offset = c(q.offset);
  }
  const scan = plan.scan;
  const compiled: CompiledPlan = {
    where: compileQual(q.where, registry),
    filter: compileQual(scan?.filter, registry),
    indexQuals:
      scan?.kind === 'indexscan'
        ? scan.indexQuals.map((iq) => ({
            column: iq.column,
            strategy: iq.strategy,
            value: c(iq.value),
          }))
        : [],
    targets,
    output,
    sortKeys,
    limit,
    offset,
    insertRows:
      q.command === 'insert'
        ? q.rows.map((r, i) => (plan.modify?.valuesRows?.[i] === undefined ? r.map(c) : []))
        : [],
    set:
      q.command === 'update'
        ? [...q.set].map(([attnum, e]) => ({ index: attnum - 1, value: c(e) }))
        : [],
  };
  compiledPlans.set(plan, compiled);
  return compiled;
}

/** How a plan-tree SELECT runs: memory, temporary files, interrupts, EXPLAIN ANALYZE. */
export interface RunOptions {
  /** work_mem in kB (default 4096). */
  readonly workMemKb?: number;
  /** Where sorts and hashes past work_mem spill (default: the OS temporary directory). */
  readonly tempDir?: string;
  /** Throws 57014 when the statement is canceled or past statement_timeout. */
  readonly checkInterrupts?: () => void;
  /** Collect per-node counters (EXPLAIN ANALYZE); they come back in `instrumentation`. */
  readonly instrument?: boolean;
}

/** Runs `plan` in the session of `ctx`. */
export function executePlan(
  plan: Plan,
  ctx: ExecContext,
  options: RunOptions = {},
): Promise<ExecResult> {
  return executeIn(plan, ctx, options, true);
}

/**
 * Runs `plan`; `bump`: increment the command counter after a change (not
 * for the parts of a statement with data-modifying WITH queries, which
 * must not see each other's changes).
 */
async function executeIn(
  plan: Plan,
  ctx: ExecContext,
  options: RunOptions,
  bump: boolean,
): Promise<ExecResult> {
  if (plan.withModify !== undefined) return runWithModify(plan, plan.withModify, ctx, options);
  if (plan.modify !== undefined && plan.query.command !== 'insert') {
    return runUpdateDelete(plan.modify, ctx, options, bump);
  }
  if (plan.planned !== undefined) {
    const { rows, instrumentation } = await executeSelect(plan.planned, ctx, options);
    return {
      rows,
      rowCount: rows.length,
      command: 'SELECT',
      ...(instrumentation === undefined ? {} : { instrumentation }),
    };
  }
  const registry = ctx.registry ?? builtins;
  const cp = compilePlan(plan, registry);
  const env: EvalEnv = {
    params: ctx.params ?? [],
    tctx: ctx.typeContext,
    user: ctx.user ?? 'postgres',
    database: ctx.database ?? 'postgres',
    settings: ctx.settings,
  };
  const q = plan.query;
  await lockRelations(q, ctx);
  switch (q.command) {
    case 'select':
      return select(plan, q, cp, ctx, env);
    case 'insert':
      return insert(plan, targetOid(q, q.target), cp, ctx, env, options, bump);
    case 'update':
    case 'delete':
      throw new SqlError('XX000', `${q.command} without its plan`);
  }
}

/**
 * A statement with data-modifying WITH queries: each runs once, to
 * completion, in order, with the statement's command id (so none sees the
 * others' changes); its RETURNING rows take its stand-in's place; then the
 * statement runs, and the command counter is bumped once.
 */
async function runWithModify(
  plan: Plan,
  wm: NonNullable<Plan['withModify']>,
  ctx: ExecContext,
  options: RunOptions,
): Promise<ExecResult> {
  const q = plan.query;
  const ctes = [...(q.ctes ?? [])];
  const { instrument: _, ...inner } = options;
  for (let i = 0; i < ctes.length; i++) {
    const cte = ctes[i]!;
    if (cte.modify === undefined) continue;
    // its references to the other WITH queries (one level up) become its own
    // (the ones not run yet are read as their stand-ins: no rows)
    const others = ctes.map(({ modify: _m, ...c }, j) => (j === i ? { ...c, refCount: 0 } : c));
    const sub = wm.replan(pullDownCtes(cte.modify, others));
    const r = await executeIn(sub, ctx, inner, false);
    ctes[i] = withRows(cte, r.rows);
  }
  const main = wm.replan({ ...q, ctes });
  const result = await executeIn(main, ctx, options, false);
  ctx.manager.commandCounterIncrement(ctx.session);
  return result;
}

/** The statement's table locks, in range-table order (granted at once unless a conflicting lock is held). */
async function lockRelations(q: Query, ctx: ExecContext): Promise<void> {
  for (const rte of q.rtable) {
    if (rte.kind === 'subquery') {
      await lockRelations(rte.query, ctx);
      continue;
    }
    if (rte.kind !== 'relation') continue;
    const tag = relationLockTag(ctx.dbOid, rte.relationOid);
    const mode = LockMode[rte.lockMode];
    if (!ctx.locks.tryAcquire(ctx.session, tag, mode)) {
      await ctx.locks.acquire(ctx.session, tag, mode);
    }
  }
}

/** The relation OID of rtable[rt], which analysis made a relation. */
function targetOid(q: Query, rt: number): number {
  const rte = q.rtable[rt];
  if (rte?.kind !== 'relation')
    throw new SqlError('XX000', `range-table entry ${rt} is not a relation`);
  return rte.relationOid;
}

/** The relation a heap or index scan reads (undefined for VALUES, function and subquery scans). */
function scannedRelation(plan: Plan, ctx: ExecContext): OpenRelation | undefined {
  const scan = plan.scan;
  if (scan === undefined || (scan.kind !== 'seqscan' && scan.kind !== 'indexscan')) {
    return undefined;
  }
  return ctx.relations.open(scan.relationOid);
}

/** The rows of the plan's table that pass its filter, under the statement snapshot. */
function scanRows(
  plan: Plan,
  rel: OpenRelation | undefined,
  cp: CompiledPlan,
  ctx: ExecContext,
  env: EvalEnv,
  vctx: UpdateContext,
): ScanRow[] {
  const out: ScanRow[] = [];
  forEachRow(plan, rel, cp, ctx, env, vctx, (row) => out.push(row));
  return out;
}

/** Calls `visit` on each row of the plan's table that passes its filter, in scan order. */
function forEachRow(
  plan: Plan,
  rel: OpenRelation | undefined,
  cp: CompiledPlan,
  ctx: ExecContext,
  env: EvalEnv,
  vctx: UpdateContext,
  visit: (row: ScanRow) => void,
): void {
  const scan = plan.scan;
  const filter = cp.filter;
  if (rel === undefined || scan === undefined) {
    throw new SqlError('XX000', 'a row-by-row plan without a table to scan');
  }
  const snapshot = ctx.manager.statementSnapshot(ctx.session);
  if (rel.heap === undefined) {
    // a system view: its rows computed now (it has no indexes, so this is a seqscan)
    for (const values of rel.rows()) if (filter(values, env)) visit({ tid: undefined, values });
    return;
  }
  if (scan.kind === 'seqscan') {
    const st = ctx.stats?.relation(rel.desc.oid); // issue 11 (pgstat)
    if (st !== undefined) st.numScans++;
    for (const row of rel.heap.scan(snapshot, vctx)) {
      if (st !== undefined) st.tuplesReturned++;
      if (filter(row.values, env)) visit(row);
    }
    return;
  }
  const entry = rel.indexes.find((i) => i.desc.oid === scan.indexOid);
  if (entry === undefined) {
    throw new SqlError('XX000', `index ${scan.indexName} of relation "${rel.desc.name}" is gone`);
  }
  const keys = [];
  for (const iq of cp.indexQuals) {
    const v = iq.value(NO_ROW, env);
    if (v === null) return; // a strict comparison with NULL holds for no row
    keys.push(scanKey(iq.column, iq.strategy, v));
  }
  const s = entry.index.beginScan();
  const ist = ctx.stats?.relation(entry.desc.oid); // issue 11 (pgstat)
  try {
    s.rescan(keys);
    if (ist !== undefined) ist.numScans++;
    for (let r = s.next('forward'); r !== null; r = s.next('forward')) {
      const row = rel.heap.fetch(r.tid, snapshot, vctx);
      if (ist !== undefined) {
        ist.tuplesReturned++;
        if (row !== null) ist.tuplesFetched++;
      }
      if (row !== null && filter(row.values, env)) visit(row);
    }
  } finally {
    s.end();
  }
}

function project(cp: CompiledPlan, values: readonly unknown[], env: EvalEnv): unknown[] {
  const t = cp.targets;
  const out = new Array<unknown>(t.length);
  for (let i = 0; i < t.length; i++) out[i] = t[i]!(values, env);
  return out;
}

function outputOf(cp: CompiledPlan, projected: readonly unknown[]): unknown[] {
  if (cp.output.length === projected.length) return projected as unknown[];
  return cp.output.map((i) => projected[i]);
}

/** LIMIT / OFFSET as a count (null: none), with PostgreSQL's errors for negative values. */
function countOf(c: Compiled | undefined, env: EvalEnv, what: 'LIMIT' | 'OFFSET'): number | null {
  if (c === undefined) return null;
  const v = c(NO_ROW, env);
  if (v === null) return null;
  const n = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
  if (n < 0n) {
    throw new SqlError(what === 'LIMIT' ? '2201W' : '2201X', `${what} must not be negative`);
  }
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}

interface Item {
  readonly tid: Tid | undefined;
  readonly values: readonly unknown[];
  projected: unknown[];
}

function compareItems(keys: readonly SortKey[], a: Item, b: Item): number {
  for (const k of keys) {
    const x = a.projected[k.index];
    const y = b.projected[k.index];
    let c: number;
    if (x === null || y === null) {
      if (x === y) continue;
      c = (x === null) === k.nullsFirst ? -1 : 1;
    } else {
      c = k.compare(x, y);
      if (k.descending) c = -c;
    }
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * SELECT ... FOR UPDATE/SHARE's rows before LockRows: scanned, projected
 * and sorted; LIMIT and OFFSET evaluated, not applied.
 */
function selectItems(
  plan: Plan,
  cp: CompiledPlan,
  ctx: ExecContext,
  env: EvalEnv,
): { items: Item[]; rel: OpenRelation | undefined; limit: number | null; offset: number } {
  const rel = scannedRelation(plan, ctx);
  const vctx = sessionUpdateContext(ctx, ctx.session, ctx.comboCids);
  const items: Item[] = scanRows(plan, rel, cp, ctx, env, vctx).map((r) => ({
    tid: r.tid,
    values: r.values,
    projected: [],
  }));
  const limit = countOf(cp.limit, env, 'LIMIT');
  const offset = countOf(cp.offset, env, 'OFFSET') ?? 0;
  for (const it of items) it.projected = project(cp, it.values, env);
  if (cp.sortKeys.length > 0) items.sort((a, b) => compareItems(cp.sortKeys, a, b));
  return { items, rel, limit, offset };
}

async function select(
  plan: Plan,
  q: SelectQuery,
  cp: CompiledPlan,
  ctx: ExecContext,
  env: EvalEnv,
): Promise<ExecResult> {
  // only SELECT ... FOR UPDATE/SHARE comes here (planQuery gives other SELECTs a plan tree)
  if (q.rowMarks.length === 0) throw new SqlError('XX000', 'a SELECT without its plan tree');
  if (q.aggregates !== undefined) {
    throw new SqlError('0A000', `FOR ${lockStrength(q)} is not allowed with aggregate functions`);
  }
  if (q.distinct !== undefined) {
    throw new SqlError('0A000', 'FOR UPDATE is not allowed with DISTINCT clause');
  }
  const { items, rel, limit, offset } = selectItems(plan, cp, ctx, env);
  const rows: unknown[][] = [];
  // LockRows under Limit: only rows that are locked (and still match) count
  const mark = q.rowMarks[0]!;
  const heapRel = rel!;
  if (heapRel.heap === undefined) {
    throw new SqlError(
      '0A000',
      `FOR ${lockStrength(q)} on the system view "${heapRel.desc.name}" is not supported yet`,
    );
  }
  const heap = heapRel.heap;
  const repeatableRead = ctx.manager.isolation(ctx.session) !== 'read committed';
  let skipped = 0;
  for (const it of items) {
    if (limit !== null && rows.length >= limit) break;
    const r = await lockRow({
      heap,
      tid: it.tid!,
      values: it.values,
      strength: mark.strength,
      recheck: (v) => cp.where(v, env),
      writer: () => sessionWriter(ctx, ctx.session, ctx.comboCids),
      wait: (xid) => xactLockTableWait(ctx, ctx.session, xid),
      repeatableRead,
      relationName: heapRel.desc.name,
      ...(mark.wait === 'nowait' ? { nowait: true } : {}),
      ...(mark.wait === 'skip locked' ? { skipLocked: true } : {}),
    });
    if (r.kind !== 'locked') continue;
    if (skipped < offset) {
      skipped++;
      continue;
    }
    const projected = r.values === it.values ? it.projected : project(cp, r.values, env);
    rows.push(outputOf(cp, projected));
  }
  ctx.manager.commandCounterIncrement(ctx.session);
  return { rows, rowCount: rows.length, command: 'SELECT' };
}

/** FOR UPDATE / FOR NO KEY UPDATE / ... as the error texts name it. */
function lockStrength(q: SelectQuery): string {
  return (q.rowMarks[0]?.strength ?? 'update').toUpperCase();
}

async function insert(
  plan: Plan,
  relationOid: number,
  cp: CompiledPlan,
  ctx: ExecContext,
  env: EvalEnv,
  options: RunOptions,
  bump: boolean,
): Promise<ExecResult> {
  const rel = tableOf(ctx.relations.open(relationOid), 'insert');
  const mp = plan.modify;
  ctx.manager.statementSnapshot(ctx.session);
  // INSERT ... SELECT: every source row is read before the first insert
  if (plan.source !== undefined && plan.source.planned === undefined) {
    // INSERT ... SELECT ... FOR UPDATE
    throw new SqlError('0A000', 'this subquery is not supported yet');
  }
  const source =
    plan.source?.planned === undefined
      ? undefined
      : await executeSelect(plan.source.planned, ctx, options);
  const sourceRows = source?.rows;
  const returning = plan.query.targetList.length > 0;
  const rows: unknown[][] = [];
  let count = 0;
  const n = sourceRows === undefined ? cp.insertRows.length : sourceRows.length;
  const st = ctx.stats?.relation(relationOid); // issue 11 (pgstat): n_tup_ins
  for (let i = 0; i < n; i++) {
    const exprs = sourceRows === undefined ? cp.insertRows[i]! : cp.insertRows[0]!;
    const input = sourceRows === undefined ? NO_ROW : sourceRows[i]!;
    const planned =
      mp === undefined || sourceRows !== undefined
        ? undefined
        : await valuesRow(mp, i, ctx, options);
    const values = planned ?? exprs.map((e) => e(input, env));
    ctx.rowTriggers?.generate?.(rel.desc, values); // issue 9 (H): generated columns
    checkNotNull(rel.desc, values, env.tctx, ctx.registry ?? builtins);
    ctx.rowTriggers?.check(rel.desc, values); // H8: CHECK constraints
    if (mp?.onConflict !== undefined) {
      // issue 9 (upsert): speculative insertion (upsert.ts)
      const r = await upsertRow(mp.onConflict, rel, values, ctx, env, options);
      if (r.kind === 'skipped') continue;
      count++;
      if (returning) {
        // issue 9 (F): where the row was written (and, updated, who holds its lock)
        const lockedBy =
          r.kind === 'updated' ? sessionWriter(ctx, ctx.session, ctx.comboCids).xid : undefined;
        const at =
          r.tid === undefined
            ? undefined
            : { rel, tid: r.tid, ...(lockedBy === undefined ? {} : { lockedBy }) };
        rows.push(await returningRow(mp, r.values, ctx, options, at));
      }
      continue;
    }
    const w = sessionWriter(ctx, ctx.session, ctx.comboCids);
    const tid = rel.heap.insert(values, w.xid, w.cid);
    if (st !== undefined) st.tuplesInserted++; // issue 11 (pgstat)
    await insertIndexEntries(rel, values, tid, ctx, env);
    ctx.rowTriggers?.inserted(rel.desc, values, tid); // H8: foreign-key events
    await runViewChecks(mp?.viewChecks, rel.desc, values, ctx, options); // issue 9 (D): WITH CHECK OPTION
    count++;
    if (returning) {
      rows.push(
        mp === undefined
          ? outputOf(cp, project(cp, values, env))
          : await returningRow(mp, values, ctx, options, { rel, tid }), // issue 9 (F): tid
      );
    }
  }
  if (bump) ctx.manager.commandCounterIncrement(ctx.session);
  const instrumentation = source?.instrumentation;
  return {
    rows,
    rowCount: count,
    command: 'INSERT',
    ...(instrumentation === undefined ? {} : { instrumentation }),
  };
}

/** The table a statement changes; a view is PostgreSQL's 55000 (analysis refuses it first). */
export function tableOf(rel: OpenRelation, command: 'insert' | 'update' | 'delete'): OpenTable {
  if (rel.heap !== undefined) return rel;
  const verb = { insert: 'insert into', update: 'update', delete: 'delete from' }[command];
  throw new SqlError('55000', `cannot ${verb} view "${rel.desc.name}"`);
}

/**
 * aminsert for every index (no entry when a partial index's predicate is
 * not true for the row; expression columns computed); a unique index waits
 * for an in-progress duplicate's transaction, then checks again.
 */
export async function insertIndexEntries(
  rel: OpenTable,
  values: readonly unknown[],
  tid: Tid,
  ctx: ExecContext,
  env: EvalEnv,
): Promise<void> {
  const tctx = env.tctx;
  const registry = ctx.registry ?? builtins;
  for (const { desc, index } of rel.indexes) {
    const key = indexEntryOf(rel.desc, desc, registry)(values, env);
    if (key === undefined) continue;
    for (;;) {
      const r = insertOne(index, key, tid, desc, rel, ctx, tctx);
      if (r === undefined) break;
      await xactLockTableWait(ctx, ctx.session, r);
    }
  }
}

/** One index insert: undefined when done, else the xid to wait for. */
function insertOne(
  index: IndexAccessMethod, // issue 12: any AM (B-tree, hash, gin, brin)
  key: readonly unknown[],
  tid: Tid,
  desc: IndexDesc,
  rel: OpenTable,
  ctx: ExecContext,
  tctx: TypeContext,
): number | undefined {
  if (!desc.unique) {
    index.insert(key, tid, { unique: 'no' });
    return undefined;
  }
  const uctx = sessionUpdateContext(ctx, ctx.session, ctx.comboCids);
  try {
    const r = index.insert(key, tid, {
      unique: 'yes',
      heapStatus: (other) => heapTupleStatus(rel.heap, other, uctx),
    });
    return r.kind === 'wait' ? r.xid : undefined;
  } catch (e) {
    if (e instanceof SqlError && e.code === '23505')
      throw uniqueViolation(rel.desc, desc, key, tctx, ctx.registry ?? builtins);
    throw e;
  }
}

/** PostgreSQL's 23505 with BuildIndexValueDescription's detail. */
function uniqueViolation(
  rel: RelationDesc,
  index: IndexDesc,
  key: readonly unknown[],
  tctx: TypeContext,
  registry: Registry,
): SqlError {
  // BuildIndexValueDescription: an expression column by its text, typed by its result
  let e = 0;
  const cols = index.columns.slice(0, index.nkeys).map((attnum) => {
    if (attnum !== 0) return rel.columns[attnum - 1]!;
    const x = index.expressions?.[e++];
    return { name: x?.text ?? 'expr', typeOid: x?.typeOid ?? 25 };
  });
  const names = cols.map((c) => c.name).join(', ');
  const vals = cols.map((c, i) => valueText(c, key[i] ?? null, tctx, registry)).join(', ');
  return new SqlError('23505', `duplicate key value violates unique constraint "${index.name}"`, {
    detail: `Key (${names})=(${vals}) already exists.`,
    schema: rel.namespaceName,
    table: rel.name,
    constraint: index.name,
  });
}

function valueText(
  col: Pick<ColumnDesc, 'typeOid'>,
  v: unknown,
  tctx: TypeContext,
  registry: Registry,
): string {
  return v === null ? 'null' : registry.mustType(col.typeOid).output(v, tctx);
}

/** ExecConstraints' NOT NULL check: 23502 with the failing row (ExecBuildSlotValueDescription). */
export function checkNotNull(
  rel: RelationDesc,
  values: readonly unknown[],
  tctx: TypeContext,
  registry: Registry,
): void {
  const cols = rel.columns;
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    if (!c.notNull || c.dropped || (values[i] ?? null) !== null) continue;
    const shown = cols
      .filter((col) => !col.dropped)
      .map((col) => clip(valueText(col, values[col.attnum - 1] ?? null, tctx, registry)));
    throw new SqlError(
      '23502',
      `null value in column "${c.name}" of relation "${rel.name}" violates not-null constraint`,
      {
        detail: `Failing row contains (${shown.join(', ')}).`,
        schema: rel.namespaceName,
        table: rel.name,
        column: c.name,
      },
    );
  }
}

/** issue 9 (D, views): ExecBuildSlotValueDescription's "(v1, v2, ...)" of a row (view-check.ts). */
export function rowDescription(
  rel: RelationDesc,
  values: readonly unknown[],
  tctx: TypeContext,
  registry: Registry,
): string {
  const shown = rel.columns
    .filter((col) => !col.dropped)
    .map((col) => clip(valueText(col, values[col.attnum - 1] ?? null, tctx, registry)));
  return `(${shown.join(', ')})`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** ExecBuildSlotValueDescription's maxfieldlen: values past 64 bytes are cut (at a character) and get "...". */
function clip(text: string): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= 64) return text;
  let end = 64;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return `${decoder.decode(bytes.subarray(0, end))}...`;
}
