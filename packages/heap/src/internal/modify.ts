/**
 * The per-row part of UPDATE, DELETE and SELECT ... FOR UPDATE under MVCC
 * (ExecUpdate / ExecDelete / ExecLockRows for one row), shared by
 * {@link SessionTable} and @pg/executor:
 *
 * - TM_Ok: changed (locked).
 * - TM_BeingModified: wait for the modifying (sub)transaction
 *   (XactLockTableWait, through the caller's `wait`), then try again.
 * - TM_Updated: REPEATABLE READ raises 40001; READ COMMITTED follows t_ctid
 *   to the newer version, re-checks the statement's condition on it
 *   (EvalPlanQual) and changes that one, or skips the row.
 * - TM_Deleted: REPEATABLE READ raises 40001; READ COMMITTED skips the row.
 * - TM_SelfModified: already changed by this command (or a later one); skipped.
 *
 * Nothing here fails the transaction block: the caller does that.
 */
import type { Tid } from '@pg/access';
import {
  type ComboCids,
  type LockManager,
  LockMode,
  MvccError,
  type ProcArray,
  TM_Result,
  type TransactionId,
  type TransactionManager,
  type Transam,
  transactionLockTag,
  type UpdateContext,
} from '@pg/mvcc';
import type { Heap, HeapWriter } from './heapam.js';
import { ERRCODE_LOCK_NOT_AVAILABLE, heapLockTuple, type RowLockStrength } from './rowlock.js';

/** SQLSTATE serialization_failure. */
export const ERRCODE_T_R_SERIALIZATION_FAILURE = '40001';

/** Waits until the transaction `xid` (or its subtransaction) has ended. */
export type XactWait = (xid: TransactionId) => Promise<void>;

/** What a session's transaction needs to look at and change tuples. */
export interface XactServices {
  readonly manager: TransactionManager;
  readonly locks: LockManager;
  readonly transam: Transam;
  readonly procArray: ProcArray;
}

/**
 * XactLockTableWait: ShareLock on the transaction lock of `xid` (so a
 * deadlock is found by the LockManager: 40P01), released at once; then,
 * if `xid` was a subtransaction whose parent still runs, the parent's.
 */
export async function xactLockTableWait(
  services: Pick<XactServices, 'locks' | 'procArray' | 'transam'>,
  session: number,
  xid: TransactionId,
): Promise<void> {
  const { locks, procArray, transam } = services;
  let x = xid;
  for (;;) {
    const tag = transactionLockTag(x);
    await locks.acquire(session, tag, LockMode.ShareLock);
    locks.release(session, tag, LockMode.ShareLock);
    if (!procArray.isInProgress(x, transam.subtrans, transam)) return;
    const parent = transam.subtrans.getParent(x);
    if (parent === 0) return;
    x = parent;
  }
}

/** The session's view of transactions: its own xids, who runs, what committed, its combo command ids. */
export function sessionUpdateContext(
  services: Pick<XactServices, 'manager' | 'procArray' | 'transam'>,
  session: number,
  comboCids: ComboCids,
): UpdateContext & { readonly comboCids: ComboCids; readonly pruneHorizon: () => TransactionId } {
  const { manager, procArray, transam } = services;
  const mine = new Set(manager.liveXids(session));
  let horizon: TransactionId | undefined;
  return {
    log: transam,
    isCurrentTransactionId: (xid) => mine.has(xid),
    isInProgress: (xid) => mine.has(xid) || procArray.isInProgress(xid, transam.subtrans, transam),
    getTopmost: (xid) => transam.subtrans.getTopmost(xid),
    comboCids,
    // once per statement, like GlobalVisState's horizon: the pages a scan reads are pruned
    pruneHorizon: () => {
      horizon ??= manager.oldestXmin();
      return horizon;
    },
  };
}

/** The writer of the session's current (sub)transaction and command (assigns an xid when it has none). */
export function sessionWriter(
  services: Pick<XactServices, 'manager' | 'procArray' | 'transam'>,
  session: number,
  comboCids: ComboCids,
): HeapWriter {
  const xid = services.manager.getXid(session);
  const cid = services.manager.commandId(session, true);
  return { xid, cid, ctx: sessionUpdateContext(services, session, comboCids) };
}

/** The values of the tuple at `tid`, whoever may see it (heap_fetch with SnapshotAny). */
export function readTupleAt(heap: Heap, tid: Tid): unknown[] {
  return heap.valuesAt(tid);
}

function serializationFailure(what: 'update' | 'delete'): MvccError {
  return new MvccError(
    ERRCODE_T_R_SERIALIZATION_FAILURE,
    `could not serialize access due to concurrent ${what}`,
  );
}

export interface ModifyRowArgs {
  readonly heap: Heap;
  /** The version the statement's scan found. */
  readonly tid: Tid;
  /** Its values. */
  readonly values: readonly unknown[];
  /** UPDATE: the new values from the old (called again for a newer version); undefined: DELETE. */
  readonly change: ((values: readonly unknown[]) => unknown[]) | undefined;
  /** The statement's condition, re-checked on a newer version (EvalPlanQual). */
  readonly recheck: (values: readonly unknown[]) => boolean;
  /** The writer to use for each attempt (a fresh one after a wait). */
  readonly writer: () => HeapWriter;
  readonly wait: XactWait;
  /** REPEATABLE READ (or SERIALIZABLE): a concurrent change is 40001 instead of a re-check. */
  readonly repeatableRead: boolean;
  /** The indexed columns (1-based), for HOT decisions. */
  readonly indexedColumns?: ReadonlySet<number>;
}

/** What {@link modifyRow} did. */
export type ModifyRowResult =
  | {
      readonly kind: 'done';
      /** The version changed (the scan's, or a newer one after a re-check). */
      readonly tid: Tid;
      /** Its values (what DELETE ... RETURNING returns). */
      readonly oldValues: readonly unknown[];
      /** UPDATE: the new version and its values; whether it needs index entries (false for HOT). */
      readonly newTid?: Tid;
      readonly newValues?: readonly unknown[];
      readonly indexesNeedUpdate?: boolean;
    }
  | { readonly kind: 'skipped' };

/** Updates or deletes one row found by a statement's scan, with PostgreSQL's concurrency behaviour. */
export async function modifyRow(args: ModifyRowArgs): Promise<ModifyRowResult> {
  const { heap, change } = args;
  let tid = args.tid;
  let values = args.values;
  for (;;) {
    const w = args.writer();
    const newValues = change === undefined ? undefined : change(values);
    const r =
      newValues === undefined
        ? heap.delete(tid, w)
        : heap.update(tid, newValues, w, args.indexedColumns);
    if (r.result === TM_Result.Ok) {
      if (newValues === undefined) return { kind: 'done', tid, oldValues: values };
      return {
        kind: 'done',
        tid,
        oldValues: values,
        newValues,
        ...(r.tid === undefined ? {} : { newTid: r.tid }),
        indexesNeedUpdate: r.indexesNeedUpdate ?? true,
      };
    }
    if (r.result === TM_Result.SelfModified) return { kind: 'skipped' };
    if (r.result === TM_Result.BeingModified) {
      await args.wait(r.xmax);
      continue;
    }
    if (r.result === TM_Result.Updated || r.result === TM_Result.Deleted) {
      if (args.repeatableRead)
        throw serializationFailure(r.result === TM_Result.Updated ? 'update' : 'delete');
      if (r.result === TM_Result.Deleted) return { kind: 'skipped' };
      // EvalPlanQual: the newer version, re-checked
      tid = r.ctid;
      values = readTupleAt(heap, tid);
      if (!args.recheck(values)) return { kind: 'skipped' };
      continue;
    }
    throw new MvccError('XX000', `unexpected ${r.result} for (${tid.block},${tid.offset})`);
  }
}

export interface LockRowArgs {
  readonly heap: Heap;
  readonly tid: Tid;
  readonly values: readonly unknown[];
  readonly strength: RowLockStrength;
  /** The statement's condition, re-checked on a newer version (EvalPlanQual). */
  readonly recheck: (values: readonly unknown[]) => boolean;
  readonly writer: () => HeapWriter;
  readonly wait: XactWait;
  readonly repeatableRead: boolean;
  /** NOWAIT: 55P03 instead of waiting. */
  readonly nowait?: boolean;
  /** SKIP LOCKED: a row another transaction holds is skipped. */
  readonly skipLocked?: boolean;
  /** For `could not obtain lock on row in relation "t"`. */
  readonly relationName: string;
}

/** What {@link lockRow} did: the version locked (the newest) and its values, or skipped. */
export type LockRowResult =
  | { readonly kind: 'locked'; readonly tid: Tid; readonly values: readonly unknown[] }
  | { readonly kind: 'skipped' };

/**
 * Locks one row as ExecLockRows does. A conflicting holder still running:
 * wait for it (then look again), or NOWAIT 55P03, or SKIP LOCKED skip.
 * TM_Updated: READ COMMITTED follows t_ctid to the newer version and locks
 * it (TUPLE_LOCK_FLAG_FIND_LAST_VERSION), then re-checks the condition on
 * it (EvalPlanQual): a version that no longer matches is skipped — still
 * locked, as in PostgreSQL; REPEATABLE READ raises 40001. TM_Deleted:
 * skipped, or 40001 under REPEATABLE READ.
 */
export async function lockRow(args: LockRowArgs): Promise<LockRowResult> {
  const { heap } = args;
  let tid = args.tid;
  for (;;) {
    const w = args.writer();
    const r = heapLockTuple(heap, tid, args.strength, w);
    if (r.result === TM_Result.Ok) {
      // EvalPlanQual after the lock, as ExecLockRows: a newer version that
      // no longer matches is left out (and stays locked, as there)
      if (tid !== args.tid) {
        const values = readTupleAt(heap, tid);
        if (!args.recheck(values)) return { kind: 'skipped' };
        return { kind: 'locked', tid, values };
      }
      return { kind: 'locked', tid, values: args.values };
    }
    if (r.result === TM_Result.SelfModified || r.result === TM_Result.Invisible) {
      return { kind: 'skipped' };
    }
    if (r.result === TM_Result.BeingModified) {
      if (args.skipLocked === true) return { kind: 'skipped' };
      if (args.nowait === true) {
        throw new MvccError(
          ERRCODE_LOCK_NOT_AVAILABLE,
          `could not obtain lock on row in relation "${args.relationName}"`,
        );
      }
      await args.wait(r.xmax);
      continue;
    }
    // TM_Updated / TM_Deleted by a committed transaction
    if (args.repeatableRead) throw serializationFailure('update');
    if (r.result === TM_Result.Deleted) return { kind: 'skipped' };
    // TUPLE_LOCK_FLAG_FIND_LAST_VERSION: lock the newer version
    tid = r.ctid;
  }
}
