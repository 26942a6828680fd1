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
  type TransactionId,
  type TransactionManager,
  type Transam,
  transactionLockTag,
  type UpdateContext,
} from '@pg/mvcc';
import type { Heap, HeapRow, HeapWriter } from './heapam.js';
import {
  lockRow,
  modifyRow,
  sessionUpdateContext,
  sessionWriter,
  xactLockTableWait,
} from './modify.js';
import type { LockRowsOptions, RowLockStrength } from './rowlock.js';

export { ERRCODE_T_R_SERIALIZATION_FAILURE } from './modify.js';

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
        const r = await lockRow({
          heap,
          tid: row.tid,
          values: row.values,
          strength,
          recheck: predicate,
          writer: () => this.#writer(session),
          wait: (xid) => this.#waitFor(session, xid),
          repeatableRead: rr,
          relationName: this.#o.relationName ?? 't',
          ...(options.nowait === true ? { nowait: true } : {}),
          ...(options.skipLocked === true ? { skipLocked: true } : {}),
        });
        if (r.kind === 'locked') out.push({ tid: r.tid, values: [...r.values] });
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
        const r = await modifyRow({
          heap,
          tid: row.tid,
          values: row.values,
          change,
          recheck: predicate,
          writer: () => this.#writer(session),
          wait: (xid) => this.#waitFor(session, xid),
          repeatableRead: rr,
          ...(this.#o.indexedColumns === undefined
            ? {}
            : { indexedColumns: this.#o.indexedColumns }),
        });
        if (r.kind === 'done') count++;
      }
      manager.commandCounterIncrement(session);
      return count;
    } catch (e) {
      this.#fail(session, e);
      throw e;
    }
  }

  /** XactLockTableWait: until the (sub)transaction ends. */
  #waitFor(session: number, xid: TransactionId): Promise<void> {
    return xactLockTableWait(this.#o, session, xid);
  }

  #scan(session: number, snapshot: Snapshot, predicate: RowPredicate): HeapRow[] {
    const ctx = this.#ctx(session);
    const out: HeapRow[] = [];
    for (const row of this.#o.heap.scan(snapshot, ctx)) if (predicate(row.values)) out.push(row);
    return out;
  }

  #comboCidsOf(session: number): ComboCids {
    let comboCids = this.#comboCids.get(session);
    if (comboCids === undefined) {
      comboCids = new ComboCids();
      this.#comboCids.set(session, comboCids);
    }
    return comboCids;
  }

  #ctx(session: number): UpdateContext & { readonly comboCids: ComboCids } {
    return sessionUpdateContext(this.#o, session, this.#comboCidsOf(session));
  }

  #writer(session: number): HeapWriter {
    return sessionWriter(this.#o, session, this.#comboCidsOf(session));
  }
}
