/**
 * The running transactions (PostgreSQL 15's procarray.c, reduced to what
 * snapshots need): for each backend, its top-level xid and the cache of its
 * subtransaction xids, and latestCompletedXid. GetSnapshotData builds a
 * snapshot from it; TransactionIdIsInProgress asks it.
 *
 *   backend  xid   subxids (cache of 64)   overflowed
 *   1        100   101, 103                no
 *   2        102   -                       no
 *   latestCompletedXid 104  ->  snapshot of backend 3: '100:105:100,102'
 *
 * A backend without an xid (read-only so far) is not listed. Only the
 * engine's one event loop calls it (PostgreSQL takes ProcArrayLock).
 */
import type { SubTrans } from './clog-subtrans.js';
import type { TransactionLog } from './clog-transam.js';
import type { CommandId, Snapshot } from './snapshot.js';
import {
  type TransactionId,
  transactionIdAdvance,
  transactionIdFollows,
  transactionIdIsNormal,
  transactionIdPrecedes,
  transactionIdRetreat,
} from './xid.js';
import { ERRCODE_INTERNAL_ERROR, MvccError } from './xid-errors.js';

/** PGPROC_MAX_CACHED_SUBXIDS. */
export const PGPROC_MAX_CACHED_SUBXIDS = 64;

interface ProcEntry {
  xid: TransactionId;
  subxids: TransactionId[];
  overflowed: boolean;
}

export interface ProcArrayOptions {
  /** the newest xid that has finished (at startup: the counter's next xid, retreated by one) */
  readonly latestCompletedXid: TransactionId;
  /** the size of each backend's subxid cache (default 64; small values test overflow) */
  readonly maxCachedSubxids?: number;
}

export class ProcArray {
  readonly #procs = new Map<number, ProcEntry>();
  readonly #maxCached: number;
  #latestCompletedXid: TransactionId;

  constructor(options: ProcArrayOptions) {
    this.#latestCompletedXid = options.latestCompletedXid;
    this.#maxCached = options.maxCachedSubxids ?? PGPROC_MAX_CACHED_SUBXIDS;
  }

  get latestCompletedXid(): TransactionId {
    return this.#latestCompletedXid;
  }

  /** A backend's top-level transaction got its xid (AssignTransactionId, top level). */
  addTransaction(backend: number, xid: TransactionId): void {
    if (this.#procs.has(backend)) {
      throw new MvccError(ERRCODE_INTERNAL_ERROR, `backend ${backend} already has an xid`);
    }
    this.#procs.set(backend, { xid, subxids: [], overflowed: false });
  }

  /** A backend's subtransaction got its xid: into the cache, or the cache overflows. */
  addSubtransaction(backend: number, subxid: TransactionId): void {
    const p = this.#mustGet(backend);
    if (p.subxids.length < this.#maxCached) p.subxids.push(subxid);
    else p.overflowed = true;
  }

  /**
   * XidCacheRemoveRunningXids: a subtransaction (and its children) rolled
   * back; they leave the cache and latestCompletedXid moves up to them.
   */
  removeSubtransactions(backend: number, xids: readonly TransactionId[]): void {
    const p = this.#mustGet(backend);
    const gone = new Set(xids);
    p.subxids = p.subxids.filter((x) => !gone.has(x));
    for (const x of xids) this.#advanceLatestCompleted(x);
  }

  /**
   * ProcArrayEndTransaction: the backend's transaction committed or
   * aborted (after its commit log bits were set); latestCompletedXid moves
   * up to the newest xid of its tree.
   */
  endTransaction(backend: number, latestXid: TransactionId): void {
    this.#procs.delete(backend);
    this.#advanceLatestCompleted(latestXid);
  }

  /**
   * GetSnapshotData: a snapshot for `backend` (its own xids are not listed:
   * the visibility rules recognize them as the current transaction's).
   */
  getSnapshotData(backend: number | undefined, curcid: CommandId): Snapshot {
    const xmax = transactionIdAdvance(this.#latestCompletedXid);
    let xmin = xmax;
    const xip: TransactionId[] = [];
    const subxip: TransactionId[] = [];
    let suboverflowed = false;
    for (const [b, p] of this.#procs) {
      if (b === backend) continue;
      if (!transactionIdPrecedes(p.xid, xmax)) continue;
      if (transactionIdPrecedes(p.xid, xmin)) xmin = p.xid;
      xip.push(p.xid);
      if (!suboverflowed) {
        if (p.overflowed) suboverflowed = true;
        else subxip.push(...p.subxids);
      }
    }
    return { xmin, xmax, xip, subxip: suboverflowed ? [] : subxip, suboverflowed, curcid };
  }

  /**
   * TransactionIdIsInProgress (the caller checks its own transaction first):
   * is `xid` a running transaction or subtransaction? Overflowed caches are
   * resolved through pg_subtrans, aborted subtransactions through the log.
   */
  isInProgress(xid: TransactionId, subtrans?: SubTrans, log?: TransactionLog): boolean {
    if (!transactionIdIsNormal(xid)) return false;
    if (transactionIdFollows(xid, this.#latestCompletedXid)) return true;
    let anyOverflowed = false;
    for (const p of this.#procs.values()) {
      if (p.xid === xid || p.subxids.includes(xid)) return true;
      if (p.overflowed) anyOverflowed = true;
    }
    if (!anyOverflowed || subtrans === undefined) return false;
    if (log?.didAbort(xid) === true) return false;
    const top = subtrans.getTopmost(xid);
    if (top === xid) return false;
    for (const p of this.#procs.values()) if (p.overflowed && p.xid === top) return true;
    return false;
  }

  /** the top-level xids of running transactions */
  runningXids(): TransactionId[] {
    return [...this.#procs.values()].map((p) => p.xid);
  }

  /**
   * pg_resetwal -x (freeze, issue 11): with no transaction running, the
   * counter jumped to `nextXid`; latestCompletedXid becomes the xid before
   * it, as at start-up.
   */
  resetLatestCompletedXid(nextXid: TransactionId): void {
    if (this.runningXids().length > 0)
      throw new MvccError(ERRCODE_INTERNAL_ERROR, 'the xid counter moved while transactions run');
    this.#latestCompletedXid = initialLatestCompletedXid(nextXid);
  }

  #mustGet(backend: number): ProcEntry {
    const p = this.#procs.get(backend);
    if (p === undefined) {
      throw new MvccError(ERRCODE_INTERNAL_ERROR, `backend ${backend} has no xid`);
    }
    return p;
  }

  #advanceLatestCompleted(xid: TransactionId): void {
    if (transactionIdFollows(xid, this.#latestCompletedXid)) this.#latestCompletedXid = xid;
  }
}

/** latestCompletedXid at startup: the xid before the counter's next one. */
export function initialLatestCompletedXid(nextXid: TransactionId): TransactionId {
  return transactionIdRetreat(nextXid);
}
