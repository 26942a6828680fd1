/**
 * INSERT, UPDATE and DELETE over @pg/planner's plan tree (PostgreSQL's
 * ModifyTable over its subplan), and data-modifying WITH queries.
 *
 * UPDATE/DELETE find their rows with a SELECT (the "row-finding query"):
 * the target joined with the FROM/USING items, filtered by WHERE, whose
 * output is
 *
 *   [ctid] [the target's columns 1..n] [SET values] [other entries' Vars]
 *
 * `ctid` is a pseudo column n+1 of the target (float8: block * 65536 +
 * offset): the planner is shown the target's descriptor with it appended,
 * the plan-tree executor a heap that appends each row's TID. The query is
 * planned like any SELECT (sub-SELECTs become SubPlans, joins are chosen
 * by cost) and run to completion first; then each row is changed with
 * @pg/heap's modifyRow (row locks, waits, READ COMMITTED re-check,
 * 40001 under REPEATABLE READ), so no row is changed twice (the rows are
 * fixed before the first change; a second join partner of an already
 * changed row is skipped, as PostgreSQL's TM_SelfModified).
 *
 * Re-check (EvalPlanQual, reduced): on a newer version of a target row,
 * the WHERE conjuncts without sub-SELECTs are evaluated on the new version
 * (with the other entries' values as first joined), and SET expressions
 * without sub-SELECTs are recomputed from it; conditions and SET values
 * with sub-SELECTs keep their first result (PostgreSQL re-runs them).
 *
 * RETURNING, and VALUES rows with sub-SELECTs, are evaluated per row with
 * the row's values as extra parameters (`$P+1..`, after the statement's
 * own): compiled directly when they have no sub-SELECT, else as a planned
 * `SELECT <exprs>` without FROM whose SubPlans see those parameters.
 *
 * Data-modifying WITH: each such WITH query runs first (in order, with the
 * statement's command id, so none sees another's changes and the main
 * query sees none of them); its RETURNING rows replace the WITH query's
 * stand-in (as constant VALUES) and the main statement is planned with
 * them and run. The command counter is bumped once, at the end.
 */
import type { Tid } from '@pg/access';
import type { ColumnDesc, RelationDesc } from '@pg/catalog';
import { modifyRow, sessionWriter, xactLockTableWait } from '@pg/heap';
import { type PlannedSelect, type PlannerContext, planSelect } from '@pg/planner';
import type {
  CommonTableExpr,
  Const,
  DeleteQuery,
  Expr,
  InsertQuery,
  Query,
  SelectQuery,
  TargetEntry,
  UpdateQuery,
  ValuesRte,
  Var,
} from '@pg/sql';
import { builtins, SqlError } from '@pg/types';
import type { EvalEnv, ExecContext, ExecRelations, OpenRelation, OpenTable } from './context.js';
import {
  checkNotNull,
  type ExecResult,
  insertIndexEntries,
  type RunOptions,
  tableOf,
} from './execute.js';
import { type Compiled, compileExpr } from './expr.js';
import { indexReferencedColumns } from './index-keys.js';
import { executeSelect } from './run.js';
import { systemColumnReader } from './scan-nodes.js'; // issue 9 (F)
import { type OnConflictPlan, planOnConflict } from './upsert.js';
import { type PlannedViewCheck, planViewChecks, runViewChecks } from './view-check.js'; // issue 9 (D)

const FLOAT8 = 701;
const TID_SCALE = 65536;

/** Expressions over a row given as parameters after the statement's own. */
export interface RowExprs {
  /** The expressions with the row's Vars replaced by Params. */
  readonly exprs: readonly Expr[];
  /** When they have sub-SELECTs: `SELECT exprs` planned (else compiled directly). */
  readonly planned?: PlannedSelect;
  /**
   * issue 9 (F): they read the target's system columns (ctid, xmin, ...):
   * the row's parameters are followed by SYSTEM_SLOTS' values of the row
   * version written (read from its tuple header).
   */
  readonly system?: true;
}

/** issue 9 (F): the system columns' order among a RETURNING row's parameters. */
const SYSTEM_SLOTS: readonly number[] = [-1, -3, -4, -5, -6, -7];

/** How an INSERT/UPDATE/DELETE runs (Plan.modify). */
export interface ModifyPlan {
  readonly command: 'insert' | 'update' | 'delete';
  readonly targetOid: number;
  /** The target relation's name (EXPLAIN's `Update on <name> <alias>`). */
  readonly targetName: string;
  /** The target's column count n (ctid is column n+1 of the row-finding query). */
  readonly width: number;
  /** UPDATE/DELETE: the row-finding query and its plan. */
  readonly find?: { readonly query: SelectQuery; readonly planned: PlannedSelect };
  /** UPDATE: the attnums SET assigns, in the row-finding query's order. */
  readonly setColumns: readonly number[];
  /** Other range-table entries' Vars RETURNING and the re-check read, in output order. */
  readonly otherVars: readonly Var[];
  /** RETURNING over [target row, other Vars]. */
  readonly returning?: RowExprs;
  /** Re-check: WHERE conjuncts without sub-SELECTs, and per SET column its expression when it has none. */
  readonly recheck?: {
    readonly where: readonly Expr[];
    readonly set: readonly (Expr | undefined)[];
  };
  /** INSERT ... VALUES rows with sub-SELECTs: each row's values computed by a plan. */
  readonly valuesRows?: readonly (RowExprs | undefined)[];
  /** issue 9 (upsert): INSERT ... ON CONFLICT (upsert.ts). */
  readonly onConflict?: OnConflictPlan;
  /** issue 9 (D, views): WITH CHECK OPTION checks on each new row (view-check.ts). */
  readonly viewChecks?: readonly PlannedViewCheck[];
}

/** What planning a statement needs: the relations and the planner's context for them. */
export interface ModifyPlanning {
  readonly relations: ExecRelations<OpenRelation>;
  readonly planner: (targetOid?: number) => PlannerContext;
}

// ---------------------------------------------------------------- planning

/** The descriptor the planner sees for the target: its columns and the ctid pseudo column. */
const extendedDescs = new WeakMap<RelationDesc, RelationDesc>();
export function withCtid(desc: RelationDesc): RelationDesc {
  let d = extendedDescs.get(desc);
  if (d === undefined) {
    const ctid: ColumnDesc = {
      attnum: desc.columns.length + 1,
      name: 'ctid',
      typeOid: FLOAT8,
      typmod: -1,
      notNull: true,
      hasDefault: false,
      dropped: false,
      storage: 'p',
    };
    d = { ...desc, columns: [...desc.columns, ctid] };
    extendedDescs.set(desc, d);
  }
  return d;
}

function targetOidOf(q: Query, rt: number): number {
  const rte = q.rtable[rt];
  if (rte?.kind !== 'relation')
    throw new SqlError('XX000', `range-table entry ${rt} is not a relation`);
  return rte.relationOid;
}

const te = (expr: Expr, name: string): TargetEntry => ({ expr, name, junk: false });

/** Plans an UPDATE or DELETE: the row-finding query, RETURNING and the re-check. */
export function planUpdateDelete(q: UpdateQuery | DeleteQuery, p: ModifyPlanning): ModifyPlan {
  const targetOid = targetOidOf(q, q.target);
  const desc = p.relations.open(targetOid).desc;
  const n = desc.columns.length;
  const setEntries = q.command === 'update' ? [...q.set] : [];
  const setColumns = setEntries.map(([attnum]) => attnum);
  const whereConjuncts = q.where === undefined ? [] : conjuncts(q.where);
  const otherVars = collectVars(
    [...q.targetList.map((t) => t.expr), ...whereConjuncts, ...setEntries.map(([, e]) => e)],
    q.target,
  );
  const targetList: TargetEntry[] = [
    te({ kind: 'var', rt: q.target, attnum: n + 1, type: FLOAT8, typmod: -1 }, 'ctid'),
    ...desc.columns.map((c) =>
      te(
        c.dropped
          ? constOf(23, -1, null)
          : { kind: 'var', rt: q.target, attnum: c.attnum, type: c.typeOid, typmod: c.typmod },
        c.name,
      ),
    ),
    ...setEntries.map(([attnum, e]) => te(e, `set${attnum}`)),
    ...otherVars.map((v) => te(v, 'other')),
  ];
  const query: SelectQuery = {
    command: 'select',
    rtable: q.rtable,
    from: q.from,
    ...(q.where === undefined ? {} : { where: q.where }),
    targetList,
    paramTypes: q.paramTypes,
    sort: [],
    rowMarks: [],
    ...(q.ctes === undefined ? {} : { ctes: q.ctes }),
  };
  const planned = planSelect(query, p.planner(targetOid));
  const rowVars = { target: q.target, width: n, others: otherVars, base: q.paramTypes.length };
  const returning =
    q.targetList.length === 0
      ? undefined
      : rowExprs(
          q.targetList.map((t) => t.expr),
          rowVars,
          q,
          p,
        );
  const simple = (e: Expr) => !hasSubLink(e);
  const recheck = {
    where: whereConjuncts.filter(simple).map((e) => substitute(e, rowVars)),
    set: setEntries.map(([, e]) => (simple(e) ? substitute(e, rowVars) : undefined)),
  };
  return {
    command: q.command,
    targetOid,
    targetName: desc.name,
    width: n,
    find: { query, planned },
    setColumns,
    otherVars,
    ...(returning === undefined ? {} : { returning }),
    recheck,
    ...(q.command === 'update' ? planViewChecks(q, rowVars, p) : {}), // issue 9 (D)
  };
}

/** Plans an INSERT's RETURNING and its VALUES rows with sub-SELECTs. */
export function planInsert(q: InsertQuery, p: ModifyPlanning): ModifyPlan {
  const targetOid = targetOidOf(q, q.target);
  const desc = p.relations.open(targetOid).desc;
  const rowVars = {
    target: q.target,
    width: desc.columns.length,
    others: [],
    base: q.paramTypes.length,
  };
  const returning =
    q.targetList.length === 0
      ? undefined
      : rowExprs(
          q.targetList.map((t) => t.expr),
          rowVars,
          q,
          p,
        );
  const valuesRows =
    q.source === undefined && q.rows.some((r) => r.some(hasSubLink))
      ? q.rows.map((r) => (r.some(hasSubLink) ? rowExprs(r, rowVars, q, p) : undefined))
      : undefined;
  return {
    command: 'insert',
    targetOid,
    targetName: desc.name,
    width: desc.columns.length,
    setColumns: [],
    otherVars: [],
    ...(returning === undefined ? {} : { returning }),
    ...(valuesRows === undefined ? {} : { valuesRows }),
    ...onConflictOf(q, p, desc), // issue 9 (upsert)
    ...planViewChecks(q, rowVars, p), // issue 9 (D)
  };
}

/** issue 9 (upsert): the ON CONFLICT part of an INSERT's plan. */
function onConflictOf(
  q: InsertQuery,
  p: ModifyPlanning,
  desc: RelationDesc,
): Pick<ModifyPlan, 'onConflict'> {
  const onConflict = planOnConflict(q, p, desc, p.planner().registry);
  return onConflict === undefined ? {} : { onConflict };
}

export interface RowVars {
  readonly target: number;
  readonly width: number;
  readonly others: readonly Var[];
  /** The statement's own parameter count: the row's start at $base+1. */
  readonly base: number;
}

export function rowExprs(
  exprs: readonly Expr[],
  rv: RowVars,
  q: Query,
  p: ModifyPlanning,
): RowExprs {
  const substituted = exprs.map((e) => substitute(e, rv));
  // issue 9 (F): the target's system columns
  let system = false;
  walk(exprs, 0, (v, depth) => {
    if ((v.levelsUp ?? 0) === depth && v.rt === rv.target && v.attnum < 0) system = true;
  });
  const sys = system ? ({ system: true } as const) : {};
  if (!substituted.some(hasSubLink)) return { exprs: substituted, ...sys };
  const paramTypes = [
    ...q.paramTypes,
    ...Array.from(
      { length: rv.width + rv.others.length + (system ? SYSTEM_SLOTS.length : 0) },
      () => 0,
    ),
  ];
  const select: SelectQuery = {
    command: 'select',
    rtable: [],
    from: [],
    targetList: substituted.map((e, i) => te(e, `r${i}`)),
    paramTypes,
    sort: [],
    rowMarks: [],
    ...(q.ctes === undefined ? {} : { ctes: q.ctes }),
  };
  return { exprs: substituted, planned: planSelect(select, p.planner()), ...sys };
}

/** The conjuncts of a WHERE. */
function conjuncts(e: Expr): Expr[] {
  if (e.kind === 'bool' && e.op === 'and') return e.args.flatMap(conjuncts);
  return [e];
}

function constOf(type: number, typmod: number, value: unknown): Const {
  return { kind: 'const', type, typmod, value };
}

const SHARED_KEYS = new Set(['fn', 'op', 'cast']);

/** Walks a query-tree value: `depth` counts the Query objects entered (levelsUp is relative to it). */
function walk(x: unknown, depth: number, visit: (v: Var, depth: number) => void): void {
  if (x === null || typeof x !== 'object') return;
  if (Array.isArray(x)) {
    for (const e of x) walk(e, depth, visit);
    return;
  }
  if (x instanceof Map) {
    for (const v of x.values()) walk(v, depth, visit);
    return;
  }
  const o = x as Record<string, unknown>;
  if (o.kind === 'var') {
    visit(o as unknown as Var, depth);
    return;
  }
  const d = 'command' in o ? depth + 1 : depth;
  for (const k in o) if (!SHARED_KEYS.has(k)) walk(o[k], d, visit);
}

/** Whether `e` has a sub-SELECT. */
function hasSubLink(e: unknown): boolean {
  if (e === null || typeof e !== 'object') return false;
  if (Array.isArray(e)) return e.some(hasSubLink);
  const o = e as Record<string, unknown>;
  if (o.kind === 'sublink' || o.kind === 'subplan') return true;
  if (o.kind === 'var' || o.kind === 'const') return false;
  for (const k in o) if (!SHARED_KEYS.has(k) && hasSubLink(o[k])) return true;
  return false;
}

/** The distinct Vars of this query level (any sub-SELECT depth) not of `target`, as level-0 Vars. */
function collectVars(exprs: readonly Expr[], target: number): Var[] {
  const out = new Map<string, Var>();
  walk(exprs, 0, (v, depth) => {
    if ((v.levelsUp ?? 0) !== depth || v.rt === target) return;
    const key = `${v.rt}.${v.attnum}`;
    if (!out.has(key))
      out.set(key, { kind: 'var', rt: v.rt, attnum: v.attnum, type: v.type, typmod: v.typmod });
  });
  return [...out.values()];
}

/** `e` with this level's Vars (at any sub-SELECT depth) replaced by the row's parameters. */
function substitute<T>(e: T, rv: RowVars): T {
  const others = new Map(rv.others.map((v, i) => [`${v.rt}.${v.attnum}`, i]));
  const go = (x: unknown, depth: number): unknown => {
    if (x === null || typeof x !== 'object') return x;
    if (Array.isArray(x)) return x.map((y) => go(y, depth));
    if (x instanceof Map) return new Map([...x].map(([k, v]) => [k, go(v, depth)]));
    const o = x as Record<string, unknown>;
    if (o.kind === 'var') {
      const v = o as unknown as Var;
      if ((v.levelsUp ?? 0) !== depth) return v;
      let index: number;
      if (v.rt === rv.target && v.attnum < 0)
        // issue 9 (F): a system column, after the row's and the other entries' values
        index = rv.base + rv.width + rv.others.length + SYSTEM_SLOTS.indexOf(v.attnum) + 1;
      else if (v.rt === rv.target) index = rv.base + v.attnum;
      else {
        const j = others.get(`${v.rt}.${v.attnum}`);
        if (j === undefined) return v;
        index = rv.base + rv.width + j + 1;
      }
      return { kind: 'param', index, type: v.type, typmod: v.typmod };
    }
    const d = 'command' in o ? depth + 1 : depth;
    const copy: Record<string, unknown> = {};
    for (const k in o) copy[k] = SHARED_KEYS.has(k) ? o[k] : go(o[k], d);
    return copy;
  };
  return go(e, 0) as T;
}

// ---------------------------------------------------------------- running

const compiledExprs = new WeakMap<object, Compiled[]>();
const compiledSets = new WeakMap<object, (Compiled | undefined)[]>();

function compiledOf(key: object, exprs: readonly Expr[], ctx: ExecContext): Compiled[] {
  let c = compiledExprs.get(key);
  if (c === undefined) {
    const registry = ctx.registry ?? builtins;
    c = exprs.map((e) => compileExpr(e, registry));
    compiledExprs.set(key, c);
  }
  return c;
}

function envOf(ctx: ExecContext, params: readonly unknown[]): EvalEnv {
  return {
    params,
    tctx: ctx.typeContext,
    user: ctx.user ?? 'postgres',
    database: ctx.database ?? 'postgres',
    settings: ctx.settings,
  };
}

const NO_ROW: readonly unknown[] = [];

/** Evaluates `re` with the row's values as parameters after the statement's. */
export async function evaluate(
  re: RowExprs,
  row: readonly unknown[],
  ctx: ExecContext,
  options: RunOptions,
): Promise<unknown[]> {
  const params = [...(ctx.params ?? []), ...row];
  if (re.planned === undefined) {
    const env = envOf(ctx, params);
    return compiledOf(re, re.exprs, ctx).map((c) => c(NO_ROW, env));
  }
  const { instrument: _, ...rest } = options;
  const { rows } = await executeSelect(re.planned, { ...ctx, params }, rest);
  const r = rows[0];
  if (r === undefined) throw new SqlError('XX000', 'a one-row projection returned no row');
  return r;
}

/** The target, opened with rows that carry their TID as column n+1 (for the row-finding query). */
function withTids(rel: OpenTable): OpenTable {
  const heap = rel.heap;
  const addTid = <R extends { tid: Tid; values: unknown[] }>(r: R): R => ({
    ...r,
    values: [...r.values, r.tid.block * TID_SCALE + r.tid.offset],
  });
  const proxy = new Proxy(heap, {
    get(target, prop) {
      if (prop === 'scan') {
        return function* (...args: Parameters<typeof heap.scan>) {
          for (const r of target.scan(...args)) yield addTid(r);
        };
      }
      if (prop === 'scanPage') {
        return (...args: Parameters<typeof heap.scanPage>) => target.scanPage(...args).map(addTid);
      }
      if (prop === 'fetch') {
        return (...args: Parameters<typeof heap.fetch>) => {
          const r = target.fetch(...args);
          return r === null ? null : addTid(r);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { desc: withCtid(rel.desc), heap: proxy, indexes: rel.indexes };
}

/** Runs an UPDATE or DELETE (`bump`: increment the command counter at the end). */
export async function runUpdateDelete(
  mp: ModifyPlan,
  ctx: ExecContext,
  options: RunOptions,
  bump: boolean,
): Promise<ExecResult> {
  const command = mp.command as 'update' | 'delete';
  const find = mp.find;
  if (find === undefined) throw new SqlError('XX000', `${command} without its row-finding plan`);
  const rel = tableOf(ctx.relations.open(mp.targetOid), command);
  const scanning = withTids(rel);
  const fctx: ExecContext = {
    ...ctx,
    relations: { open: (oid) => (oid === mp.targetOid ? scanning : ctx.relations.open(oid)) },
  };
  const found = await executeSelect(find.planned, fctx, options);
  const registry = ctx.registry ?? builtins;
  const n = mp.width;
  const k = mp.setColumns.length;
  const repeatableRead = ctx.manager.isolation(ctx.session) !== 'read committed';
  const indexedColumns = new Set(
    rel.indexes.flatMap((i) => indexReferencedColumns(rel.desc, i.desc, registry)),
  );
  const recheck = mp.recheck;
  const recheckWhere = recheck === undefined ? [] : compiledOf(recheck.where, recheck.where, ctx);
  let recheckSet = recheck === undefined ? undefined : compiledSets.get(recheck.set);
  if (recheck !== undefined && recheckSet === undefined) {
    recheckSet = recheck.set.map((e) => (e === undefined ? undefined : compileExpr(e, registry)));
    compiledSets.set(recheck.set, recheckSet);
  }
  const userParams = ctx.params ?? [];
  const st = ctx.stats?.relation(mp.targetOid); // issue 11 (pgstat): n_tup_upd/del/hot_upd
  const rows: unknown[][] = [];
  const seen = new Set<number>();
  let count = 0;
  for (const r of found.rows) {
    const key = r[0] as number;
    // a target row joined to several FROM rows is changed once, by the first
    if (seen.has(key)) continue;
    seen.add(key);
    const tid: Tid = { block: Math.floor(key / TID_SCALE), offset: key % TID_SCALE };
    const values = r.slice(1, 1 + n);
    const setValues = r.slice(1 + n, 1 + n + k);
    const others = r.slice(1 + n + k);
    const envFor = (v: readonly unknown[]) => envOf(ctx, [...userParams, ...v, ...others]);
    const change =
      command === 'delete'
        ? undefined
        : (old: readonly unknown[]) => {
            const next = old.slice();
            const env = old === values ? undefined : envFor(old);
            mp.setColumns.forEach((attnum, i) => {
              const c = recheckSet?.[i];
              next[attnum - 1] =
                env !== undefined && c !== undefined ? c(NO_ROW, env) : setValues[i];
            });
            ctx.rowTriggers?.generate?.(rel.desc, next); // issue 9 (H): generated columns
            checkNotNull(rel.desc, next, ctx.typeContext, registry);
            ctx.rowTriggers?.check(rel.desc, next); // H8: CHECK constraints
            return next;
          };
    const res = await modifyRow({
      heap: rel.heap,
      tid,
      values,
      change,
      recheck: (v) => {
        const env = envFor(v);
        return recheckWhere.every((c) => c(NO_ROW, env) === true);
      },
      writer: () => sessionWriter(ctx, ctx.session, ctx.comboCids),
      wait: (xid) => xactLockTableWait(ctx, ctx.session, xid),
      repeatableRead,
      indexedColumns,
    });
    if (res.kind !== 'done') continue;
    count++;
    if (st !== undefined) {
      if (command === 'delete') st.tuplesDeleted++;
      else {
        st.tuplesUpdated++;
        if (res.indexesNeedUpdate === false) st.tuplesHotUpdated++;
      }
    }
    if (res.newValues !== undefined && res.newTid !== undefined && res.indexesNeedUpdate === true) {
      await insertIndexEntries(rel, res.newValues, res.newTid, ctx, envOf(ctx, userParams));
    }
    // H8: foreign-key events of the changed row
    if (res.newValues !== undefined && res.newTid !== undefined)
      ctx.rowTriggers?.updated(rel.desc, res.oldValues, res.newValues, res.newTid, res.tid);
    else if (command === 'delete') ctx.rowTriggers?.deleted(rel.desc, res.oldValues, res.tid);
    // issue 9 (D): WITH CHECK OPTION on the new version
    if (res.newValues !== undefined)
      await runViewChecks(mp.viewChecks, rel.desc, [...res.newValues, ...others], ctx, options);
    if (mp.returning !== undefined) {
      rows.push(
        await evaluate(
          mp.returning,
          [
            ...(res.newValues ?? res.oldValues),
            ...others,
            // issue 9 (F): the system columns of the new version (UPDATE) or the deleted one
            ...systemValues(mp.returning, rel, res.newTid ?? res.tid),
          ],
          ctx,
          options,
        ),
      );
    }
  }
  if (bump) ctx.manager.commandCounterIncrement(ctx.session);
  const result: ExecResult = {
    rows,
    rowCount: count,
    command: command === 'update' ? 'UPDATE' : 'DELETE',
    ...(found.instrumentation === undefined ? {} : { instrumentation: found.instrumentation }),
  };
  return result;
}

/** An INSERT VALUES row's values: compiled (`exprs`) or, with sub-SELECTs, planned. */
export async function valuesRow(
  mp: ModifyPlan,
  i: number,
  ctx: ExecContext,
  options: RunOptions,
): Promise<unknown[] | undefined> {
  const re = mp.valuesRows?.[i];
  return re === undefined ? undefined : evaluate(re, NO_ROW, ctx, options);
}

/** RETURNING of one inserted row (`at`: where it was written, for its system columns). */
export function returningRow(
  mp: ModifyPlan,
  values: readonly unknown[],
  ctx: ExecContext,
  options: RunOptions,
  at?: { readonly rel: OpenTable; readonly tid: Tid; readonly lockedBy?: number },
): Promise<unknown[]> {
  if (mp.returning === undefined) throw new SqlError('XX000', 'no RETURNING list');
  if (mp.returning.system === true && at !== undefined) {
    const sys = systemValues(mp.returning, at.rel, at.tid);
    // ON CONFLICT DO UPDATE: PostgreSQL's new version keeps the conflict's row lock as its
    // xmax (heap_update's locker_remains), which @pg/heap's update does not carry over yet:
    // xmax is shown as that lock's holder, so `RETURNING (xmax = 0)` tells an update apart
    if (at.lockedBy !== undefined) sys[SYSTEM_SLOTS.indexOf(-5)] = at.lockedBy;
    return evaluate(mp.returning, [...values, ...sys], ctx, options);
  }
  return evaluate(mp.returning, values, ctx, options);
}

/** issue 9 (F): SYSTEM_SLOTS' values of the row version at `tid`, when `re` reads them. */
function systemValues(re: RowExprs, rel: OpenTable, tid: Tid): unknown[] {
  return re.system === true ? systemColumnReader(rel, SYSTEM_SLOTS)(tid) : [];
}

// ---------------------------------------------------------------- WITH

/** Whether the statement's WITH list has a data-modifying query. */
export function hasModifyingCte(q: Query): boolean {
  return q.ctes?.some((c) => c.modify !== undefined) ?? false;
}

/** A WITH query's stand-in replaced by constant rows (the data-modifying statement's RETURNING rows). */
export function withRows(cte: CommonTableExpr, rows: readonly unknown[][]): CommonTableExpr {
  const { modify: _, ...rest } = cte;
  if (rows.length === 0) return rest;
  const outputs = cte.query.targetList.filter((t) => !t.junk);
  const columnTypes = outputs.map((t) => ({ type: t.expr.type, typmod: t.expr.typmod }));
  const values: ValuesRte = {
    kind: 'values',
    alias: '*VALUES*',
    columnNames: outputs.map((t) => t.name),
    rows: rows.map((r) => columnTypes.map((c, i) => constOf(c.type, c.typmod, r[i] ?? null))),
    columnTypes,
  };
  const query: SelectQuery = {
    command: 'select',
    rtable: [values],
    from: [0],
    targetList: outputs.map((t, i) =>
      te({ kind: 'var', rt: 0, attnum: i + 1, type: t.expr.type, typmod: t.expr.typmod }, t.name),
    ),
    paramTypes: cte.query.paramTypes,
    sort: [],
    rowMarks: [],
  };
  return { ...rest, query };
}

/**
 * A sub-query (an INSERT's source SELECT, a data-modifying WITH query)
 * with the enclosing query's WITH list moved into it: its references one
 * level up become its own.
 */
export function pullDownCtes<Q extends Query>(source: Q, ctes: readonly CommonTableExpr[]): Q {
  if (source.ctes !== undefined && source.ctes.length > 0) {
    throw new SqlError('0A000', 'WITH on both INSERT and its SELECT is not supported yet');
  }
  const go = (x: unknown, depth: number): unknown => {
    if (x === null || typeof x !== 'object') return x;
    if (Array.isArray(x)) return x.map((y) => go(y, depth));
    if (x instanceof Map) return new Map([...x].map(([k, v]) => [k, go(v, depth)]));
    const o = x as Record<string, unknown>;
    if (o.kind === 'var' || o.kind === 'const') return o;
    if (o.kind === 'cte' && o.levelsUp === depth + 1) {
      return { ...o, levelsUp: depth };
    }
    const d = 'command' in o ? depth + 1 : depth;
    const copy: Record<string, unknown> = {};
    for (const k in o) copy[k] = SHARED_KEYS.has(k) ? o[k] : go(o[k], d);
    return copy;
  };
  // the source itself is depth 0: its own CteRtes have levelsUp 0, the INSERT's 1
  const { command, ...top } = source;
  const body = go(top, 0) as Omit<Q, 'command'>;
  return { ...body, command, ctes } as unknown as Q;
}
