/**
 * INSERT ... ON CONFLICT (issue 9, upsert): PostgreSQL's speculative
 * insertion (ExecInsert with ON CONFLICT, ExecOnConflictUpdate,
 * ExecCheckIndexConstraints, ExecCheckTupleVisible), one proposed row at a
 * time, after its NOT NULL and CHECK constraints passed:
 *
 *   1. Pre-check: each arbiter index (all unique indexes for DO NOTHING
 *      without a target) is searched for an entry equal to the row's key
 *      (a partial index only when its predicate holds for the row), and
 *      the heap chain behind each entry is looked at with a dirty
 *      snapshot (unique.ts's heapChainMember): a live member is the
 *      conflict; a member whose inserter or deleter still runs makes us
 *      wait for that transaction (XactLockTableWait) and start again.
 *   2. No conflict: the heap tuple and the arbiters' index entries are
 *      written in the same synchronous step as the pre-check. Sessions
 *      interleave only where one awaits (design decision 3), so no other
 *      session can insert an equal key between the check and our entries:
 *      this takes the place of PostgreSQL's speculative token and
 *      super-deletion (a racing inserter either saw our entry — and waits
 *      for our transaction — or inserted before our check, which then saw
 *      it). The other indexes' entries follow (a non-arbiter unique index
 *      may still wait and fail with 23505, as in PostgreSQL).
 *   3. Conflict, DO NOTHING: the row is skipped; under REPEATABLE READ or
 *      SERIALIZABLE a conflicting row our snapshot cannot see (and that
 *      our transaction did not insert) is 40001 (ExecCheckTIDVisible).
 *   4. Conflict, DO UPDATE: the conflicting version is locked
 *      (heap_lock_tuple in FOR UPDATE, or FOR NO KEY UPDATE when SET
 *      changes no key column, without following the update chain):
 *        TM_Ok            go on;
 *        TM_BeingModified wait for the holder, lock the same version again;
 *        TM_Invisible     inserted (or updated) by this very command:
 *                         21000 "cannot affect row a second time";
 *        TM_Updated/Deleted READ COMMITTED: start again from 1 (the newer
 *                         version is found by the pre-check);
 *                         REPEATABLE READ: 40001.
 *      Then ExecCheckTupleVisible (REPEATABLE READ: a locked version our
 *      snapshot cannot see is 40001), the DO UPDATE WHERE over (existing,
 *      EXCLUDED) — not true leaves the row locked and unchanged — then the
 *      SET values, NOT NULL, CHECK, the heap update, index entries and the
 *      row-trigger events of an UPDATE.
 *
 * A serial column's nextval() is part of the proposed row, so it is
 * consumed whether or not the row conflicts, as in PostgreSQL.
 */
import { Strategy, scanKey, type Tid } from '@pg/access';
import type { RelationDesc } from '@pg/catalog';
import {
  heapLockTuple,
  modifyRow,
  type RowLockStrength,
  readTupleAt,
  sessionUpdateContext,
  sessionWriter,
  tupleCid,
  tupleInfomask,
  tupleXmax,
  tupleXmin,
  xactLockTableWait,
} from '@pg/heap';
import { heapTupleSatisfiesMVCC, TM_Result, type UpdateContext } from '@pg/mvcc';
import { LP_NORMAL, Page } from '@pg/page';
import { explainOnConflict, inferArbiterIndexes } from '@pg/planner';
import type { Expr, InsertQuery, Var } from '@pg/sql';
import { builtins, type Registry, SqlError } from '@pg/types';
import type { EvalEnv, ExecContext, OpenTable } from './context.js';
import { checkNotNull, insertIndexEntries, type RunOptions } from './execute.js';
import { indexEntryOf, indexReferencedColumns } from './index-keys.js';
import {
  evaluate as evaluateRowExprs,
  type ModifyPlanning,
  type RowExprs,
  rowExprs,
} from './modify.js';
import { heapChainMember } from './unique.js';

/** How an INSERT ... ON CONFLICT resolves a conflict (ModifyPlan.onConflict). */
export interface OnConflictPlan {
  readonly action: 'nothing' | 'update';
  /** The arbiter indexes' OIDs (empty: every unique index arbitrates). */
  readonly arbiterIndexes: readonly number[];
  /** Their names, for EXPLAIN. */
  readonly arbiterNames: readonly string[];
  /** DO UPDATE: the SET columns (attnums) and values over [existing row, EXCLUDED row]. */
  readonly setColumns: readonly number[];
  readonly set?: RowExprs;
  /** DO UPDATE ... WHERE over [existing row, EXCLUDED row]. */
  readonly where?: RowExprs;
}

/** Plans the ON CONFLICT part of `q` (undefined for a plain INSERT). */
export function planOnConflict(
  q: InsertQuery,
  p: ModifyPlanning,
  desc: RelationDesc,
  registry: Registry,
): OnConflictPlan | undefined {
  const oc = q.onConflict;
  if (oc === undefined) return undefined;
  const arbiterIndexes = inferArbiterIndexes(q, desc, registry);
  const arbiterNames = arbiterIndexes.map(
    (oid) => desc.indexes.find((i) => i.oid === oid)?.name ?? String(oid),
  );
  const base = { action: oc.action, arbiterIndexes, arbiterNames };
  if (oc.action === 'nothing' || oc.excluded === undefined) return { ...base, setColumns: [] };
  const n = desc.columns.length;
  const excludedVars: Var[] = desc.columns.map((c) => ({
    kind: 'var',
    rt: oc.excluded!,
    attnum: c.attnum,
    type: c.typeOid,
    typmod: c.typmod,
  }));
  const rv = { target: q.target, width: n, others: excludedVars, base: q.paramTypes.length };
  const setEntries = [...(oc.set ?? new Map<number, Expr>())];
  return {
    ...base,
    setColumns: setEntries.map(([attnum]) => attnum),
    set: rowExprs(
      setEntries.map(([, e]) => e),
      rv,
      q,
      p,
    ),
    ...(oc.where === undefined ? {} : { where: rowExprs([oc.where], rv, q, p) }),
  };
}

/** EXPLAIN's lines for the plan's ON CONFLICT (none for a plain INSERT). */
export function explainOnConflictLines(
  q: InsertQuery,
  plan: OnConflictPlan | undefined,
  registry: Registry,
): string[] {
  if (plan === undefined) return [];
  return explainOnConflict(q, plan.arbiterNames, registry);
}

type TableIndex = OpenTable['indexes'][number];

/** What happened to one proposed row. */
export type UpsertOutcome =
  // issue 9 (F): `tid` the row version written (RETURNING's system columns)
  | { readonly kind: 'inserted'; readonly values: readonly unknown[]; readonly tid?: Tid }
  | { readonly kind: 'updated'; readonly values: readonly unknown[]; readonly tid?: Tid }
  | { readonly kind: 'skipped' };

type Conflict =
  | { readonly kind: 'none' }
  | { readonly kind: 'wait'; readonly xid: number }
  | { readonly kind: 'conflict'; readonly tid: Tid };

/**
 * One proposed row of an INSERT ... ON CONFLICT (its NOT NULL and CHECK
 * constraints already checked): inserted, the conflicting row updated, or
 * skipped.
 */
export async function upsertRow(
  plan: OnConflictPlan,
  rel: OpenTable,
  values: readonly unknown[],
  ctx: ExecContext,
  env: EvalEnv,
  options: RunOptions,
): Promise<UpsertOutcome> {
  const registry = ctx.registry ?? builtins;
  const arbiters = rel.indexes.filter((i) =>
    plan.arbiterIndexes.length === 0
      ? i.desc.unique && i.desc.valid
      : plan.arbiterIndexes.includes(i.desc.oid),
  );
  const repeatableRead = ctx.manager.isolation(ctx.session) !== 'read committed';
  const st = ctx.stats?.relation(rel.desc.oid); // issue 11 (pgstat)
  for (;;) {
    const uctx = sessionUpdateContext(ctx, ctx.session, ctx.comboCids);
    const found = findConflict(rel, arbiters, values, uctx, env, registry);
    if (found.kind === 'wait') {
      await xactLockTableWait(ctx, ctx.session, found.xid);
      continue;
    }
    if (found.kind === 'none') {
      // 2: no await from the pre-check to the arbiters' entries
      const w = sessionWriter(ctx, ctx.session, ctx.comboCids);
      const tid = rel.heap.insert(values, w.xid, w.cid);
      if (st !== undefined) st.tuplesInserted++;
      for (const a of arbiters) insertArbiterEntry(rel, a, values, tid, uctx, env, registry);
      const others = rel.indexes.filter((i) => !arbiters.includes(i));
      await insertIndexEntries({ ...rel, indexes: others }, values, tid, ctx, env);
      ctx.rowTriggers?.inserted(rel.desc, values, tid); // H8: foreign-key events
      return { kind: 'inserted', values, tid };
    }
    if (plan.action === 'nothing') {
      checkTupleVisible(rel, found.tid, ctx, uctx, repeatableRead);
      return { kind: 'skipped' };
    }
    const r = await updateConflicting(plan, rel, found.tid, values, ctx, options, repeatableRead);
    if (r === 'retry') continue;
    if (r.kind === 'updated' && st !== undefined) st.tuplesUpdated++;
    return r;
  }
}

/** 1: the first conflicting live row of the arbiters, or a transaction to wait for. */
function findConflict(
  rel: OpenTable,
  arbiters: readonly TableIndex[],
  values: readonly unknown[],
  uctx: UpdateContext,
  env: EvalEnv,
  registry: Registry,
): Conflict {
  for (const { desc, index } of arbiters) {
    const entry = indexEntryOf(rel.desc, desc, registry)(values, env);
    if (entry === undefined) continue; // a partial index the row is not in
    const key = entry.slice(0, desc.nkeys);
    // NULLs are distinct unless the index says NULLS NOT DISTINCT (then IS NULL keys)
    if (key.some((v) => v === null) && !desc.nullsNotDistinct) continue;
    const s = index.beginScan();
    try {
      s.rescan(
        key.map((v, i) =>
          v === null
            ? { ...scanKey(i + 1, Strategy.equal, null), searchNull: true }
            : scanKey(i + 1, Strategy.equal, v),
        ),
      );
      for (let r = s.next('forward'); r !== null; r = s.next('forward')) {
        const m = heapChainMember(rel.heap, r.tid, uctx);
        if (m.kind === 'dead') continue;
        if (m.kind === 'in-progress') return { kind: 'wait', xid: m.xid };
        return { kind: 'conflict', tid: m.tid };
      }
    } finally {
      s.end();
    }
  }
  return { kind: 'none' };
}

/** 2: an arbiter's entry for the row just inserted; the pre-check makes a conflict impossible. */
function insertArbiterEntry(
  rel: OpenTable,
  a: TableIndex,
  values: readonly unknown[],
  tid: Tid,
  uctx: UpdateContext,
  env: EvalEnv,
  registry: Registry,
): void {
  const key = indexEntryOf(rel.desc, a.desc, registry)(values, env);
  if (key === undefined) return;
  const r = a.index.insert(key, tid, {
    unique: a.desc.unique ? 'yes' : 'no',
    heapStatus: (other) => {
      const m = heapChainMember(rel.heap, other, uctx);
      return m.kind === 'live' ? { kind: 'live' } : m;
    },
  });
  if (r.kind === 'wait') {
    throw new SqlError('XX000', `speculative insertion into "${a.desc.name}" met a concurrent key`);
  }
}

/** ExecCheckTupleVisible: REPEATABLE READ may not act on a row its snapshot cannot see. */
function checkTupleVisible(
  rel: OpenTable,
  tid: Tid,
  ctx: ExecContext,
  uctx: UpdateContext,
  repeatableRead: boolean,
): void {
  if (!repeatableRead) return;
  const page = Page.wrap(rel.heap.readCopy(tid.block));
  if (tid.offset > page.maxOffsetNumber || page.itemId(tid.offset).flags !== LP_NORMAL) return;
  const item = page.mustItem(tid.offset);
  const header = {
    xmin: tupleXmin(item),
    xmax: tupleXmax(item),
    cid: tupleCid(item),
    infomask: tupleInfomask(item),
  };
  const snapshot = ctx.manager.statementSnapshot(ctx.session);
  if (heapTupleSatisfiesMVCC(header, snapshot, uctx).visible) return;
  if (uctx.isCurrentTransactionId(header.xmin)) return;
  throw new SqlError('40001', 'could not serialize access due to concurrent update');
}

/** The lock DO UPDATE takes: FOR UPDATE when SET changes a key column, else FOR NO KEY UPDATE. */
function lockStrength(plan: OnConflictPlan, desc: RelationDesc): RowLockStrength {
  const keyColumns = new Set(
    desc.indexes
      .filter((i) => i.unique && i.predicate === undefined && i.expressions === undefined)
      .flatMap((i) => i.columns.slice(0, i.nkeys)),
  );
  return plan.setColumns.some((a) => keyColumns.has(a)) ? 'update' : 'no key update';
}

/** 4: ExecOnConflictUpdate. 'retry' when the row changed under us (READ COMMITTED). */
async function updateConflicting(
  plan: OnConflictPlan,
  rel: OpenTable,
  tid: Tid,
  proposed: readonly unknown[],
  ctx: ExecContext,
  options: RunOptions,
  repeatableRead: boolean,
): Promise<UpsertOutcome | 'retry'> {
  const strength = lockStrength(plan, rel.desc);
  for (;;) {
    const w = sessionWriter(ctx, ctx.session, ctx.comboCids);
    const r = heapLockTuple(rel.heap, tid, strength, w);
    if (r.result === TM_Result.Ok) break;
    if (r.result === TM_Result.BeingModified) {
      await xactLockTableWait(ctx, ctx.session, r.xmax);
      continue;
    }
    if (r.result === TM_Result.Invisible) {
      const item = Page.wrap(rel.heap.readCopy(tid.block)).mustItem(tid.offset);
      if (w.ctx.isCurrentTransactionId(tupleXmin(item))) {
        throw new SqlError(
          '21000',
          'ON CONFLICT DO UPDATE command cannot affect row a second time',
          {
            hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
          },
        );
      }
      throw new SqlError('XX000', 'attempted to lock invisible tuple');
    }
    if (r.result === TM_Result.SelfModified) {
      throw new SqlError('XX000', 'unexpected self-updated tuple');
    }
    if (r.result === TM_Result.Updated || r.result === TM_Result.Deleted) {
      if (repeatableRead) {
        const what = r.result === TM_Result.Updated ? 'update' : 'delete';
        throw new SqlError('40001', `could not serialize access due to concurrent ${what}`);
      }
      return 'retry';
    }
    throw new SqlError('XX000', `unexpected lock result ${String(r.result)}`);
  }
  const uctx = sessionUpdateContext(ctx, ctx.session, ctx.comboCids);
  checkTupleVisible(rel, tid, ctx, uctx, repeatableRead);
  const existing = readTupleAt(rel.heap, tid);
  const row = [...existing, ...proposed];
  if (plan.where !== undefined) {
    const [ok] = await evaluateRowExprs(plan.where, row, ctx, options);
    if (ok !== true) return { kind: 'skipped' };
  }
  const setValues =
    plan.set === undefined ? [] : await evaluateRowExprs(plan.set, row, ctx, options);
  const registry = ctx.registry ?? builtins;
  const next = existing.slice();
  plan.setColumns.forEach((attnum, i) => {
    next[attnum - 1] = setValues[i] ?? null;
  });
  ctx.rowTriggers?.generate?.(rel.desc, next); // issue 9 (H): generated columns
  checkNotNull(rel.desc, next, ctx.typeContext, registry);
  ctx.rowTriggers?.check(rel.desc, next); // H8: CHECK constraints
  const indexedColumns = new Set(
    rel.indexes.flatMap((i) => indexReferencedColumns(rel.desc, i.desc, registry)),
  );
  // the row is locked by us: the update cannot meet a concurrent change
  const res = await modifyRow({
    heap: rel.heap,
    tid,
    values: existing,
    change: () => next,
    recheck: () => false,
    writer: () => sessionWriter(ctx, ctx.session, ctx.comboCids),
    wait: (xid) => xactLockTableWait(ctx, ctx.session, xid),
    repeatableRead,
    indexedColumns,
  });
  if (res.kind !== 'done' || res.newTid === undefined || res.newValues === undefined) {
    throw new SqlError('XX000', 'ON CONFLICT DO UPDATE could not update the locked row');
  }
  const st = ctx.stats?.relation(rel.desc.oid); // issue 11 (pgstat)
  if (st !== undefined && res.indexesNeedUpdate === false) st.tuplesHotUpdated++;
  if (res.indexesNeedUpdate === true) {
    await insertIndexEntries(rel, res.newValues, res.newTid, ctx, envOfCtx(ctx));
  }
  ctx.rowTriggers?.updated(rel.desc, res.oldValues, res.newValues, res.newTid, res.tid); // H8
  return { kind: 'updated', values: res.newValues, tid: res.newTid };
}

function envOfCtx(ctx: ExecContext): EvalEnv {
  return {
    params: ctx.params ?? [],
    tctx: ctx.typeContext,
    user: ctx.user ?? 'postgres',
    database: ctx.database ?? 'postgres',
    settings: ctx.settings,
  };
}
