/**
 * transam.c: what a transaction's fate is, from pg_xact and pg_subtrans,
 * and the redo hooks that apply a commit or abort record's effect.
 *
 * TransactionIdDidCommit and TransactionIdDidAbort read the commit log;
 * the special xids answer without it (Bootstrap and Frozen committed,
 * Invalid aborted). A SUB_COMMITTED subtransaction has the fate of its
 * parent, looked up in pg_subtrans; when the parent is unknown (it was
 * running at a crash) it neither committed nor is it reported aborted by
 * DidCommit (PostgreSQL WARNs "no pg_subtrans entry for subcommitted XID"
 * and answers false; DidAbort answers true).
 */

import {
  type Clog,
  TRANSACTION_STATUS_ABORTED,
  TRANSACTION_STATUS_COMMITTED,
  TRANSACTION_STATUS_SUB_COMMITTED,
  type XidStatus,
} from './clog.js';
import type { SubTrans } from './clog-subtrans.js';
import {
  BOOTSTRAP_TRANSACTION_ID,
  FROZEN_TRANSACTION_ID,
  type TransactionId,
  transactionIdIsNormal,
  type XidGenerator,
} from './xid.js';

/** The transaction-status oracle the visibility rules consult. */
export interface TransactionLog {
  /** TransactionIdDidCommit */
  didCommit(xid: TransactionId): boolean;
  /** TransactionIdDidAbort */
  didAbort(xid: TransactionId): boolean;
}

/** transam.c over a commit log and pg_subtrans. */
export class Transam implements TransactionLog {
  readonly clog: Clog;
  readonly subtrans: SubTrans;

  constructor(clog: Clog, subtrans: SubTrans) {
    this.clog = clog;
    this.subtrans = subtrans;
  }

  /** TransactionLogFetch: the commit-log status, special xids answered without it. */
  fetch(xid: TransactionId): XidStatus {
    if (!transactionIdIsNormal(xid)) {
      return xid === BOOTSTRAP_TRANSACTION_ID || xid === FROZEN_TRANSACTION_ID
        ? TRANSACTION_STATUS_COMMITTED
        : TRANSACTION_STATUS_ABORTED;
    }
    return this.clog.getStatus(xid);
  }

  didCommit(xid: TransactionId): boolean {
    const status = this.fetch(xid);
    if (status === TRANSACTION_STATUS_COMMITTED) return true;
    if (status === TRANSACTION_STATUS_SUB_COMMITTED) {
      const parent = this.subtrans.getParent(xid);
      if (!transactionIdIsNormal(parent)) return false;
      return this.didCommit(parent);
    }
    return false;
  }

  didAbort(xid: TransactionId): boolean {
    const status = this.fetch(xid);
    if (status === TRANSACTION_STATUS_ABORTED) return true;
    if (status === TRANSACTION_STATUS_SUB_COMMITTED) {
      const parent = this.subtrans.getParent(xid);
      if (!transactionIdIsNormal(parent)) return true;
      return this.didAbort(parent);
    }
    return false;
  }

  /** TransactionIdCommitTree: a top-level transaction and its committed subtransactions commit. */
  commitTree(xid: TransactionId, subxids: readonly TransactionId[]): void {
    this.clog.setTreeStatus(xid, sortXids(xid, subxids), TRANSACTION_STATUS_COMMITTED);
  }

  /**
   * TransactionIdAbortTree: a transaction (top-level, or a subtransaction
   * rolled back) and its subtransactions abort.
   */
  abortTree(xid: TransactionId, subxids: readonly TransactionId[]): void {
    this.clog.setTreeStatus(xid, sortXids(xid, subxids), TRANSACTION_STATUS_ABORTED);
  }
}

/**
 * setTreeStatus wants subxids in assignment order (the order of the pages
 * after the parent's, across a wrap too): sort by distance from the parent.
 */
function sortXids(xid: TransactionId, subxids: readonly TransactionId[]): TransactionId[] {
  return [...subxids].sort((a, b) => ((a - xid) >>> 0) - ((b - xid) >>> 0));
}

/** The part of an xact commit or abort WAL record that the commit log cares about. */
export interface XactStatusRecord {
  readonly xid: TransactionId;
  readonly subxids: readonly TransactionId[];
}

/**
 * xact_redo_commit's effect on pg_xact and the xid counter: the tree is
 * marked committed (re-applying is a no-op: C1) and the counter moves past
 * the newest xid of the tree. The xact resource manager that writes and
 * replays these records is not wired yet; it will call this.
 */
export function redoXactCommit(
  transam: Transam,
  xids: XidGenerator,
  record: XactStatusRecord,
): void {
  for (const x of [record.xid, ...record.subxids]) xids.advancePastXid(x);
  transam.commitTree(record.xid, record.subxids);
}

/** xact_redo_abort's effect: the tree is marked aborted, the counter moved past it. */
export function redoXactAbort(
  transam: Transam,
  xids: XidGenerator,
  record: XactStatusRecord,
): void {
  for (const x of [record.xid, ...record.subxids]) xids.advancePastXid(x);
  transam.abortTree(record.xid, record.subxids);
}
