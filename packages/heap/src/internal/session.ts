/**
 * Row changes inside transactions, with PostgreSQL's behaviour when a row
 * was changed concurrently: a small session layer over @pg/mvcc's
 * TransactionManager and LockManager and a {@link Heap}.
 *
 * A statement takes the session's statement snapshot (READ COMMITTED: a
 * new one; REPEATABLE READ: the transaction's first), scans the heap and
 * then changes the matching rows one by one, as ExecUpdate/ExecDelete do:
 *
 * - TM_Ok: changed.
 * - TM_BeingModified: wait for the modifying (sub)transaction as
 *   XactLockTableWait does — ShareLock on its transaction lock through the
 *   LockManager (so deadlocks are found there: 40P01) — then try again.
 * - TM_Updated: REPEATABLE READ raises 40001 `could not serialize access
 *   due to concurrent update`; READ COMMITTED follows t_ctid to the newer
 *   version, re-checks the predicate on it (EvalPlanQual) and changes that
 *   one, or skips the row when it no longer matches.
 * - TM_Deleted: REPEATABLE READ raises 40001 `... concurrent delete`;
 *   READ COMMITTED skips the row.
 * - TM_SelfModified: already changed by this command; skipped.
 *
 * An error inside a statement fails the transaction block (or the
 * innermost subtransaction), as PostgreSQL's AbortCurrentTransaction does.
 */
import type { Tid } from '@pg/access';
import {
  ComboCids,
  type LockManager,
  LockMode,
  MvccError,
  type ProcArray,
  type Snapshot,
  TM_Result,
  type TransactionId,
  type TransactionManager,
  type Transam,
  transactionLockTag,
  type UpdateContext,
} from '@pg/mvcc';
import { Page } from '@pg/page';
import type { Heap, HeapRow, HeapWriter } from './heapam.js';
import {
  ERRCODE_LOCK_NOT_AVAILABLE,
  heapLockTuple,
  type LockRowsOptions,
  type RowLockStrength,
} from './rowlock.js';
import { deformHeapTuple } from './tuple.js';

/** SQLSTATE serialization_failure. */
export const ERRCODE_T_R_SERIALIZATION_FAILURE = '40001';

export type RowPredicate = (values: readonly unknown[]) => boolean;
export type RowChange = (values: readonly unknown[]) => unknown[];

export interface SessionTableOptions {
  readonly heap: Heap;
  readonly manager: TransactionManager;
  readonly locks: LockManager;
  readonly transam: Transam;
  readonly procArray: ProcArray;
  /** The indexed columns (1-based), for HOT decisions; default none. */
  readonly indexedColumns?: ReadonlySet<number>;
  /** The table's name, for `could not obtain lock on row in relation "t"`; default "t". */
  readonly relationName?: string;
}

/** One table used from several sessions (session = the TransactionManager's and LockManager's holder id). */
export class SessionTable {
  readonly #o: SessionTableOptions;
  readonly #comboCids = new Map<number, ComboCids>();

  constructor(options: SessionTableOptions) {
    this.#o = options;
  }

  /** BEGIN ISOLATION LEVEL ... */
  begin(session: number, isolation: 'read committed' | 'repeatable read' | 'serializable'): void {
    this.#o.manager.begin(session, isolation);
    this.#comboCids.set(session, new ComboCids());
  }

  savepoint(session: number, name: string): void {
    this.#o.manager.savepoint(session, name);
  }

  /**
   * ROLLBACK TO SAVEPOINT: also releases the transaction locks of the
   * subtransactions that end (PostgreSQL releases a subtransaction's locks
   * when it aborts), so sessions waiting for them go on.
   */
  rollbackTo(session: number, name: string): void {
    const before = this.#o.manager.liveXids(session);
    this.#o.manager.rollbackToSavepoint(session, name);
    this.#releaseEnded(session, before);
  }

  commit(session: number): Promise<'COMMIT' | 'ROLLBACK'> {
    return this.#o.manager.commit(session);
  }

  rollback(session: number): void {
    this.#o.manager.rollback(session);
  }

  /** SELECT * WHERE predicate, under the statement snapshot. */
  read(session: number, predicate: RowPredicate): HeapRow[] {
    return this.#statement(session, () => {
      const snapshot = this.#o.manager.statementSnapshot(session);
      return this.#scan(session, snapshot, predicate);
    });
  }

  /** INSERT: the new row's TID. */
  insert(session: number, values: readonly unknown[]): Tid {
    return this.#statement(session, () => {
      this.#o.manager.statementSnapshot(session);
      const w = this.#writer(session);
      return this.#o.heap.insert(values, w.xid, w.cid);
    });
  }

  /** UPDATE ... SET change WHERE predicate: how many rows were updated. */
  update(session: number, predicate: RowPredicate, change: RowChange): Promise<number> {
    return this.#modify(session, predicate, change);
  }

  /** DELETE WHERE predicate: how many rows were deleted. */
  delete(session: number, predicate: RowPredicate): Promise<number> {
    return this.#modify(session, predicate, undefined);
  }

  /**
   * ExecLockRows: takes the statement snapshot, scans, then locks each
   * matching row. A conflicting holder still running: wait for it (then
   * look again), or NOWAIT 55P03, or SKIP LOCKED skip. TM_Updated: READ
   * COMMITTED follows t_ctid to the newest version and locks it
   * (TUPLE_LOCK_FLAG_FIND_LAST_VERSION), then re-checks the predicate on it
   * (EvalPlanQual) and leaves the row out when it no longer matches — still
   * locked, as in PostgreSQL; REPEATABLE READ raises 40001. FOR KEY SHARE on
   * a version whose committed update kept the key needs a multixact in
   * PostgreSQL (it locks that version): 0A000 here. TM_Deleted: skipped, or 40001 under REPEATABLE READ.
   * Returns the rows locked (the newest versions), in scan order. An error
   * fails the transaction block, as the other statements do.
   */
  async lockRows(
    session: number,
    predicate: RowPredicate,
    strength: RowLockStrength,
    options: LockRowsOptions = {},
  ): Promise<HeapRow[]> {
    const { manager, heap } = this.#o;
    if (options.nowait === true && options.skipLocked === true) {
      throw new Error('NOWAIT and SKIP LOCKED cannot both be given');
    }
    try {
      const snapshot = manager.statementSnapshot(session);
      const rr = manager.isolation(session) !== 'read committed';
      const candidates = this.#scan(session, snapshot, predicate);
      const out: HeapRow[] = [];
      for (const row of candidates) {
        let tid = row.tid;
        let values: unknown[] = row.values;
        for (;;) {
          const w = this.#writer(session);
          const r = heapLockTuple(heap, tid, strength, w);
          if (r.result === TM_Result.Ok) {
            // EvalPlanQual after the lock, as ExecLockRows: a newer version that
            // no longer matches is left out (and stays locked, as there)
            if (tid !== row.tid) {
              values = this.#readAt(tid);
              if (!predicate(values)) break;
            }
            out.push({ tid, values });
            break;
          }
          if (r.result === TM_Result.SelfModified || r.result === TM_Result.Invisible) break;
          if (r.result === TM_Result.BeingModified) {
            if (options.skipLocked === true) break;
            if (options.nowait === true) {
              throw new MvccError(
                ERRCODE_LOCK_NOT_AVAILABLE,
                `could not obtain lock on row in relation "${this.#o.relationName ?? 't'}"`,
              );
            }
            await this.#waitFor(session, r.xmax);
            continue;
          }
          // TM_Updated / TM_Deleted by a committed transaction
          if (rr) {
            throw new MvccError(
              ERRCODE_T_R_SERIALIZATION_FAILURE,
              'could not serialize access due to concurrent update',
            );
          }
          if (r.result === TM_Result.Deleted) break;
          // TUPLE_LOCK_FLAG_FIND_LAST_VERSION: lock the newer version
          tid = r.ctid;
        }
      }
      manager.commandCounterIncrement(session);
      return out;
    } catch (e) {
      this.#fail(session, e);
      throw e;
    }
  }

  /** A statement: errors fail the block; a statement that changed rows bumps the command counter. */
  #statement<T>(session: number, body: () => T): T {
    try {
      const r = body();
      this.#o.manager.commandCounterIncrement(session);
      return r;
    } catch (e) {
      this.#fail(session, e);
      throw e;
    }
  }

  #fail(session: number, e: unknown): void {
    if (!(e instanceof MvccError) || this.#o.manager.state(session) !== 'in progress') return;
    const before = this.#o.manager.liveXids(session);
    this.#o.manager.fail(session);
    this.#releaseEnded(session, before);
  }

  #releaseEnded(session: number, before: readonly TransactionId[]): void {
    const live = new Set(this.#o.manager.liveXids(session));
    for (const xid of before) {
      if (!live.has(xid))
        this.#o.locks.release(session, transactionLockTag(xid), LockMode.ExclusiveLock);
    }
  }

  async #modify(
    session: number,
    predicate: RowPredicate,
    change: RowChange | undefined,
  ): Promise<number> {
    try {
      const { manager, heap } = this.#o;
      const snapshot = manager.statementSnapshot(session);
      const rr = manager.isolation(session) === 'repeatable read';
      const candidates = this.#scan(session, snapshot, predicate);
      let count = 0;
      for (const row of candidates) {
        let tid = row.tid;
        let values: readonly unknown[] = row.values;
        for (;;) {
          const w = this.#writer(session);
          const r =
            change === undefined
              ? heap.delete(tid, w)
              : heap.update(tid, change(values), w, this.#o.indexedColumns);
          if (r.result === TM_Result.Ok) {
            count++;
            break;
          }
          if (r.result === TM_Result.SelfModified) break;
          if (r.result === TM_Result.BeingModified) {
            await this.#waitFor(session, r.xmax);
            continue;
          }
          if (r.result === TM_Result.Updated || r.result === TM_Result.Deleted) {
            if (rr) {
              const what = r.result === TM_Result.Updated ? 'update' : 'delete';
              throw new MvccError(
                ERRCODE_T_R_SERIALIZATION_FAILURE,
                `could not serialize access due to concurrent ${what}`,
              );
            }
            if (r.result === TM_Result.Deleted) break;
            // EvalPlanQual: the newer version, re-checked
            tid = r.ctid;
            values = this.#readAt(tid);
            if (!predicate(values)) break;
            continue;
          }
          throw new MvccError('XX000', `unexpected ${r.result} for (${tid.block},${tid.offset})`);
        }
      }
      manager.commandCounterIncrement(session);
      return count;
    } catch (e) {
      this.#fail(session, e);
      throw e;
    }
  }

  /** XactLockTableWait: until the (sub)transaction ends. */
  async #waitFor(session: number, xid: TransactionId): Promise<void> {
    const { locks, procArray, transam } = this.#o;
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

  #scan(session: number, snapshot: Snapshot, predicate: RowPredicate): HeapRow[] {
    const ctx = this.#ctx(session);
    const out: HeapRow[] = [];
    for (const row of this.#o.heap.scan(snapshot, ctx)) if (predicate(row.values)) out.push(row);
    return out;
  }

  /** The values of the tuple at `tid`, whoever may see it (heap_fetch with SnapshotAny). */
  #readAt(tid: Tid): unknown[] {
    const page = Page.wrap(this.#o.heap.readCopy(tid.block));
    return deformHeapTuple(this.#o.heap.types, page.mustItem(tid.offset));
  }

  #ctx(session: number): UpdateContext & { readonly comboCids: ComboCids } {
    const { manager, procArray, transam } = this.#o;
    let comboCids = this.#comboCids.get(session);
    if (comboCids === undefined) {
      comboCids = new ComboCids();
      this.#comboCids.set(session, comboCids);
    }
    const mine = new Set(manager.liveXids(session));
    return {
      log: transam,
      isCurrentTransactionId: (xid) => mine.has(xid),
      isInProgress: (xid) =>
        mine.has(xid) || procArray.isInProgress(xid, transam.subtrans, transam),
      getTopmost: (xid) => transam.subtrans.getTopmost(xid),
      comboCids,
    };
  }

  #writer(session: number): HeapWriter {
    const xid = this.#o.manager.getXid(session);
    const cid = this.#o.manager.commandId(session, true);
    return { xid, cid, ctx: this.#ctx(session) };
  }
}
