/**
 * The transaction manager: PostgreSQL 15's access/transam/xact.c reduced
 * to transaction blocks, lazy xid assignment, command ids, statement
 * snapshots, savepoints (subtransactions) and commit/abort with WAL.
 *
 * Block states of a session (xact.c's TBlockState, folded):
 *
 *   state        what the session may do
 *   idle         BEGIN (COMMIT/ROLLBACK only WARN 25P01)
 *   in progress  statements, SAVEPOINT, RELEASE, ROLLBACK TO, COMMIT, ROLLBACK
 *   failed       a statement failed (TBLOCK_ABORT / TBLOCK_SUBABORT): every
 *                command is 25P02 except ROLLBACK, COMMIT (which rolls back)
 *                and ROLLBACK TO a savepoint that is still there
 *   committing   COMMIT is waiting for its WAL flush; nothing else is allowed
 *
 * The transaction is a stack of levels: the top-level transaction and one
 * level per open savepoint. A level gets its xid on its first write
 * (getXid), its parents first (AssignTransactionId); a subtransaction's
 * parent goes into pg_subtrans and its xid into the ProcArray cache.
 * RELEASE merges a level and its committed children into its parent;
 * ROLLBACK TO aborts the levels above the savepoint and the savepoint's
 * own (an ABORT record, clog ABORTED, out of the ProcArray) and opens it
 * again. COMMIT writes a COMMIT record with the top xid and the released
 * subxids, waits for the WAL flush (synchronous_commit on), and only then
 * sets the clog bits, leaves the ProcArray and releases the locks — so no
 * other session sees the transaction committed before it is durable.
 * ABORT writes an ABORT record (not waited for, as PostgreSQL does not
 * flush it) and marks the tree aborted.
 *
 * Invariants:
 *   X1. A session's xids are in the ProcArray exactly while its top-level
 *       transaction has an xid and has not ended; rolled-back subxids leave
 *       it at once.
 *   X2. Every xid a session was assigned ends COMMITTED (top-level and
 *       released subtransactions of a committed transaction) or ABORTED
 *       (everything else) in the commit log, exactly once.
 *   X3. A COMMITTED bit is set only after the COMMIT record is flushed.
 */
import type { WalRecordInput } from '@pg/wal';
import type { Transam } from './clog-transam.js';
import type { LockManager } from './lock.js';
import { LockMode, transactionLockTag } from './lock-modes.js';
import type { CommandId, Snapshot } from './snapshot.js';
import { FIRST_COMMAND_ID } from './snapshot.js';
import type { ProcArray } from './snapshot-procarray.js';
import { encodeXactRecord, RM_XACT_ID, XLOG_XACT_ABORT, XLOG_XACT_COMMIT } from './xact-wal.js';
import {
  INVALID_TRANSACTION_ID,
  type TransactionId,
  transactionIdFollows,
  transactionIdPrecedes,
  type XidGenerator,
} from './xid.js';
import {
  ERRCODE_FEATURE_NOT_SUPPORTED,
  ERRCODE_INTERNAL_ERROR,
  ERRCODE_PROGRAM_LIMIT_EXCEEDED,
  MvccError,
  type MvccNotice,
} from './xid-errors.js';

/** SQLSTATE in_failed_sql_transaction */
export const ERRCODE_IN_FAILED_SQL_TRANSACTION = '25P02';
/** SQLSTATE no_active_sql_transaction */
export const ERRCODE_NO_ACTIVE_SQL_TRANSACTION = '25P01';
/** SQLSTATE active_sql_transaction */
export const ERRCODE_ACTIVE_SQL_TRANSACTION = '25001';
/** SQLSTATE savepoint_exception (invalid savepoint specification) */
export const ERRCODE_S_E_INVALID_SPECIFICATION = '3B001';

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';
export type XactState = 'idle' | 'in progress' | 'failed' | 'committing';

/** The part of a WAL writer commit and abort use (@pg/wal's WalWriter). */
export interface XactWal {
  insert(record: WalRecordInput): { readonly end: bigint };
  flush(upTo: bigint): Promise<void>;
}

export interface TransactionManagerOptions {
  readonly xids: XidGenerator;
  readonly transam: Transam;
  readonly procArray: ProcArray;
  /** each xid is locked ExclusiveLock by its transaction (XactLockTableInsert) when given */
  readonly locks?: LockManager;
  /** without it nothing is logged (a cluster without WAL, for tests) */
  readonly wal?: XactWal;
  /** WARNINGs (xid wraparound, BEGIN inside a block, COMMIT outside one) */
  readonly onNotice?: (session: number, notice: MvccNotice) => void;
}

interface Level {
  /** the savepoint name; undefined for the top level */
  readonly name: string | undefined;
  xid: TransactionId;
  /** xids of released (committed) subtransactions merged into this level */
  children: TransactionId[];
  /** aborted already (a statement failed in it); ROLLBACK TO skips it */
  aborted: boolean;
}

interface Session {
  state: XactState;
  isolation: IsolationLevel;
  levels: Level[];
  cid: CommandId;
  cidUsed: boolean;
  /** REPEATABLE READ: the transaction snapshot, once the first statement took it */
  xactSnapshot: Snapshot | undefined;
  /**
   * The oldest xmin of the snapshots taken in this transaction (PGPROC's
   * xmin, held for the whole transaction: a statement may still read with
   * an older snapshot than its latest), or undefined before the first.
   */
  snapshotXmin: TransactionId | undefined;
}

interface InflightCommit {
  /** the COMMIT record's end */
  readonly end: bigint;
  /** the top xid first, then the committed subxids */
  readonly xids: readonly TransactionId[];
  done: boolean;
}

/** The outcome of a whole transaction, as COMMIT reports it. */
export type XactOutcome = 'COMMIT' | 'ROLLBACK';

const MAX_COMMAND_ID = 0xffff_fffe;

export class TransactionManager {
  readonly #o: TransactionManagerOptions;
  readonly #sessions = new Map<number, Session>();
  /** commits waiting for their WAL flush, by session */
  readonly #inflight = new Map<number, InflightCommit>();

  constructor(options: TransactionManagerOptions) {
    this.#o = options;
  }

  /** the session's block state */
  state(session: number): XactState {
    return this.#sessions.get(session)?.state ?? 'idle';
  }

  /** BEGIN ISOLATION LEVEL ...; SERIALIZABLE is 0A000 (never silently downgraded). */
  begin(session: number, isolation: IsolationLevel = 'read committed'): void {
    if (isolation === 'serializable') {
      throw new MvccError(
        ERRCODE_FEATURE_NOT_SUPPORTED,
        'SERIALIZABLE isolation is not supported yet',
      );
    }
    const s = this.#sessions.get(session);
    if (s !== undefined && s.state !== 'idle') {
      if (s.state === 'failed') throw failedError();
      if (s.state === 'committing') throw busyError();
      this.#notice(session, 'there is already a transaction in progress');
      return;
    }
    this.#sessions.set(session, {
      state: 'in progress',
      isolation,
      levels: [{ name: undefined, xid: INVALID_TRANSACTION_ID, children: [], aborted: false }],
      cid: FIRST_COMMAND_ID,
      cidUsed: false,
      xactSnapshot: undefined,
      snapshotXmin: undefined,
    });
  }

  /** the isolation level of the session's transaction */
  isolation(session: number): IsolationLevel {
    return this.#active(session).isolation;
  }

  /**
   * The start of a statement: 25P02 in a failed block; the statement's
   * snapshot (READ COMMITTED: a new one; REPEATABLE READ: the first
   * statement's), with the current command id.
   */
  statementSnapshot(session: number): Snapshot {
    const s = this.#active(session);
    if (s.isolation === 'repeatable read') {
      s.xactSnapshot ??= this.#o.procArray.getSnapshotData(session, s.cid);
      this.#holdXmin(s, s.xactSnapshot.xmin);
      return { ...s.xactSnapshot, curcid: s.cid };
    }
    const snapshot = this.#o.procArray.getSnapshotData(session, s.cid);
    this.#holdXmin(s, snapshot.xmin);
    return snapshot;
  }

  #holdXmin(s: Session, xmin: TransactionId): void {
    if (s.snapshotXmin === undefined || transactionIdPrecedes(xmin, s.snapshotXmin)) {
      s.snapshotXmin = xmin;
    }
  }

  /**
   * GetOldestNonRemovableTransactionId: no snapshot of any session's open
   * transaction, and no running transaction, is older than this xid; a row
   * version deleted by a transaction that committed before it is dead to
   * everyone (what heap pruning removes).
   */
  oldestXmin(): TransactionId {
    let oldest = this.#o.procArray.getSnapshotData(undefined, FIRST_COMMAND_ID).xmin;
    for (const s of this.#sessions.values()) {
      if (s.state === 'idle' || s.snapshotXmin === undefined) continue;
      if (transactionIdPrecedes(s.snapshotXmin, oldest)) oldest = s.snapshotXmin;
    }
    return oldest;
  }

  /** GetCurrentTransactionId: the current (sub)transaction's xid, assigned on first use. */
  getXid(session: number): TransactionId {
    const s = this.#active(session);
    for (let i = 0; i < s.levels.length; i++) this.#assign(session, s, i);
    return (s.levels.at(-1) as Level).xid;
  }

  /**
   * GetTopTransactionId (freeze, issue 11: txid_current()): the top-level
   * xid, assigned now if there is none (54000 past the stop limit).
   */
  getTopXid(session: number): TransactionId {
    const s = this.#active(session);
    this.#assign(session, s, 0);
    return (s.levels[0] as Level).xid;
  }

  /** GetTopTransactionIdIfAny: the top-level xid, 0 when none assigned yet. */
  topXidIfAny(session: number): TransactionId {
    return this.#sessions.get(session)?.levels[0]?.xid ?? INVALID_TRANSACTION_ID;
  }

  /** every xid of the session's transaction that is still live (its own for visibility) */
  liveXids(session: number): TransactionId[] {
    const s = this.#sessions.get(session);
    if (s === undefined || s.state === 'idle') return [];
    const out: TransactionId[] = [];
    for (const l of s.levels) {
      if (l.aborted) continue;
      if (l.xid !== INVALID_TRANSACTION_ID) out.push(l.xid);
      out.push(...l.children);
    }
    return out;
  }

  /** GetCurrentCommandId(used) */
  commandId(session: number, used = false): CommandId {
    const s = this.#active(session);
    if (used) s.cidUsed = true;
    return s.cid;
  }

  /** CommandCounterIncrement: the next command sees this one's changes (only if it made any). */
  commandCounterIncrement(session: number): void {
    const s = this.#active(session);
    if (!s.cidUsed) return;
    if (s.cid >= MAX_COMMAND_ID) {
      throw new MvccError(
        ERRCODE_PROGRAM_LIMIT_EXCEEDED,
        'cannot have more than 2^32-2 commands in a transaction',
      );
    }
    s.cid++;
    s.cidUsed = false;
  }

  /** SAVEPOINT name */
  savepoint(session: number, name: string): void {
    const s = this.#inBlock(session, 'SAVEPOINT');
    if (s.state === 'failed') throw failedError();
    s.levels.push({ name, xid: INVALID_TRANSACTION_ID, children: [], aborted: false });
  }

  /** RELEASE SAVEPOINT name: the savepoint and the ones after it commit into their parents. */
  releaseSavepoint(session: number, name: string): void {
    const s = this.#inBlock(session, 'RELEASE SAVEPOINT');
    if (s.state === 'failed') throw failedError();
    const at = findSavepoint(s, name);
    while (s.levels.length > at) {
      const l = s.levels.pop() as Level;
      const parent = s.levels.at(-1) as Level;
      if (l.xid !== INVALID_TRANSACTION_ID) parent.children.push(l.xid);
      parent.children.push(...l.children);
    }
  }

  /**
   * ROLLBACK TO SAVEPOINT name: the savepoint's subtransaction and the ones
   * after it abort; the savepoint stays (a new subtransaction); a failed
   * block is usable again.
   */
  rollbackToSavepoint(session: number, name: string): void {
    const s = this.#inBlock(session, 'ROLLBACK TO SAVEPOINT');
    const at = findSavepoint(s, name);
    while (s.levels.length > at) {
      const l = s.levels.pop() as Level;
      this.#abortSub(session, s, l);
    }
    s.levels.push({ name, xid: INVALID_TRANSACTION_ID, children: [], aborted: false });
    s.state = 'in progress';
  }

  /**
   * A statement failed (AbortCurrentTransaction inside a block): the
   * innermost subtransaction, or the whole transaction when there is no
   * savepoint, aborts now; the block is failed until ROLLBACK or ROLLBACK TO.
   */
  fail(session: number): void {
    const s = this.#sessions.get(session);
    if (s === undefined || s.state !== 'in progress') return;
    const top = s.levels.length === 1;
    if (top) this.#abortTop(session, s);
    else {
      const l = s.levels.at(-1) as Level;
      this.#abortSub(session, s, l);
    }
    s.state = 'failed';
  }

  /**
   * COMMIT: waits for the commit record's flush, then the transaction is
   * committed for everyone. In a failed block it rolls back ('ROLLBACK').
   * Outside a block it WARNs 25P01 and reports 'COMMIT'.
   */
  async commit(session: number): Promise<XactOutcome> {
    const s = this.#sessions.get(session);
    if (s === undefined || s.state === 'idle') {
      this.#notice(session, 'there is no transaction in progress');
      return 'COMMIT';
    }
    if (s.state === 'committing') throw busyError();
    if (s.state === 'failed') {
      if (!(s.levels[0] as Level).aborted) this.#abortTop(session, s);
      this.#end(session, s);
      return 'ROLLBACK';
    }
    // RELEASE every savepoint: the whole tree commits together.
    const released = this.liveXids(session);
    const top = released[0];
    if (top === undefined) {
      this.#end(session, s);
      return 'COMMIT';
    }
    const subxids = released.slice(1);
    s.state = 'committing';
    const wal = this.#o.wal;
    if (wal === undefined) {
      this.#finishCommit(session, { end: 0n, xids: released, done: false });
      this.#end(session, s);
      return 'COMMIT';
    }
    const { end } = wal.insert({
      rmid: RM_XACT_ID,
      info: XLOG_XACT_COMMIT,
      xid: top,
      data: encodeXactRecord(top, subxids),
    });
    const pending: InflightCommit = { end, xids: released, done: false };
    this.#inflight.set(session, pending);
    try {
      await wal.flush(end);
    } catch (e) {
      // PostgreSQL PANICs here; the transaction stays in the ProcArray, never committed.
      this.#inflight.delete(session);
      if (!pending.done) s.state = 'failed';
      else this.#end(session, s);
      throw e;
    }
    this.#inflight.delete(session);
    if (!pending.done) this.#finishCommit(session, pending);
    this.#end(session, s);
    return 'COMMIT';
  }

  /**
   * For a checkpoint, before it writes the commit log (PostgreSQL's
   * DELAY_CHKPT_START makes the checkpoint wait for commits between their
   * WAL insert and their clog update instead): every commit waiting for a
   * flush that `flushedLsn` covers gets its clog bits, leaves the ProcArray
   * and releases its locks now; its COMMIT is reported when its flush
   * promise resolves. Without this, a commit record before the
   * checkpoint's redo point whose clog bit was set after the checkpoint
   * wrote the clog would be lost by a crash.
   */
  completeFlushedCommits(flushedLsn: bigint): void {
    for (const [session, pending] of this.#inflight) {
      if (!pending.done && pending.end <= flushedLsn) this.#finishCommit(session, pending);
    }
  }

  #finishCommit(session: number, pending: InflightCommit): void {
    const [top, ...subxids] = pending.xids;
    if (top === undefined) return;
    this.#o.transam.commitTree(top, subxids);
    this.#o.procArray.endTransaction(session, latest(pending.xids));
    this.#o.locks?.releaseAll(session);
    pending.done = true;
  }

  /** ROLLBACK: the whole transaction aborts. Outside a block it WARNs 25P01. */
  rollback(session: number): void {
    const s = this.#sessions.get(session);
    if (s === undefined || s.state === 'idle') {
      this.#notice(session, 'there is no transaction in progress');
      return;
    }
    if (s.state === 'committing') throw busyError();
    if (!(s.levels[0] as Level).aborted) this.#abortTop(session, s);
    this.#end(session, s);
  }

  #abortTop(session: number, s: Session): void {
    const live = this.liveXids(session);
    const top = live[0];
    if (top !== undefined) {
      this.#log(XLOG_XACT_ABORT, top, live.slice(1));
      this.#o.transam.abortTree(top, live.slice(1));
      this.#o.procArray.endTransaction(session, latest(live));
    }
    this.#o.locks?.releaseAll(session);
    for (const l of s.levels) l.aborted = true;
  }

  /** AbortSubTransaction for one level (no-op if it aborted already). */
  #abortSub(session: number, _s: Session, l: Level): void {
    if (l.aborted) return;
    l.aborted = true;
    if (l.xid === INVALID_TRANSACTION_ID) return;
    this.#log(XLOG_XACT_ABORT, l.xid, l.children);
    this.#o.transam.abortTree(l.xid, l.children);
    this.#o.procArray.removeSubtransactions(session, [l.xid, ...l.children]);
  }

  #log(info: number, xid: TransactionId, subxids: readonly TransactionId[]): void {
    this.#o.wal?.insert({ rmid: RM_XACT_ID, info, xid, data: encodeXactRecord(xid, subxids) });
  }

  #end(session: number, s: Session): void {
    this.#o.locks?.releaseAll(session);
    s.state = 'idle';
    s.levels = [];
    s.xactSnapshot = undefined;
    s.snapshotXmin = undefined;
  }

  #assign(session: number, s: Session, i: number): void {
    const l = s.levels[i] as Level;
    if (l.xid !== INVALID_TRANSACTION_ID) return;
    const { xid, warning } = this.#o.xids.getNewTransactionId();
    if (warning !== undefined) this.#o.onNotice?.(session, warning);
    l.xid = xid;
    if (i === 0) this.#o.procArray.addTransaction(session, xid);
    else {
      const parent = s.levels[i - 1] as Level;
      this.#o.transam.subtrans.setParent(xid, parent.xid);
      this.#o.procArray.addSubtransaction(session, xid);
    }
    this.#o.locks?.tryAcquire(session, transactionLockTag(xid), LockMode.ExclusiveLock);
  }

  #active(session: number): Session {
    const s = this.#sessions.get(session);
    if (s === undefined || s.state === 'idle') {
      throw new MvccError(ERRCODE_INTERNAL_ERROR, `session ${session} has no transaction`);
    }
    if (s.state === 'failed') throw failedError();
    if (s.state === 'committing') throw busyError();
    return s;
  }

  #inBlock(session: number, what: string): Session {
    const s = this.#sessions.get(session);
    if (s === undefined || s.state === 'idle') {
      throw new MvccError(
        ERRCODE_NO_ACTIVE_SQL_TRANSACTION,
        `${what} can only be used in transaction blocks`,
      );
    }
    if (s.state === 'committing') throw busyError();
    return s;
  }

  #notice(session: number, message: string): void {
    this.#o.onNotice?.(session, { severity: 'WARNING', message });
  }
}

/** the index of the innermost live savepoint called `name`, or 3B001 */
function findSavepoint(s: Session, name: string): number {
  for (let i = s.levels.length - 1; i > 0; i--) {
    if ((s.levels[i] as Level).name === name) return i;
  }
  throw new MvccError(ERRCODE_S_E_INVALID_SPECIFICATION, `savepoint "${name}" does not exist`);
}

function latest(xids: readonly TransactionId[]): TransactionId {
  let max = xids[0] as TransactionId;
  for (const x of xids) if (transactionIdFollows(x, max)) max = x;
  return max;
}

function failedError(): MvccError {
  return new MvccError(
    ERRCODE_IN_FAILED_SQL_TRANSACTION,
    'current transaction is aborted, commands ignored until end of transaction block',
  );
}

function busyError(): MvccError {
  return new MvccError(ERRCODE_INTERNAL_ERROR, 'the transaction is committing');
}
