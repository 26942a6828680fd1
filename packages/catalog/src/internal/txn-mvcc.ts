/**
 * A {@link CatalogTxn} over @pg/mvcc's TransactionManager, for one
 * session's current transaction — what the engine (and the tests) hand
 * to the catalog. Built as @pg/heap's SessionTable builds its writers.
 */
import { ComboCids, type ProcArray, type TransactionManager, type Transam } from '@pg/mvcc';
import type { CatalogTxn } from './txn.js';

export interface MvccParts {
  readonly manager: TransactionManager;
  readonly procArray: ProcArray;
  readonly transam: Transam;
}

/**
 * The CatalogTxn of `session`'s running transaction (begin it first). Make
 * one per transaction and keep it: it holds the transaction's combo command
 * ids (`comboCids`, when the caller shares them with its own heap writes).
 */
export function mvccCatalogTxn(
  parts: MvccParts,
  session: number,
  comboCids: ComboCids = new ComboCids(),
): CatalogTxn {
  const { manager, procArray, transam } = parts;
  const ctx = {
    log: transam,
    isCurrentTransactionId: (xid: number) => manager.liveXids(session).includes(xid),
    isInProgress: (xid: number) =>
      manager.liveXids(session).includes(xid) ||
      procArray.isInProgress(xid, transam.subtrans, transam),
    getTopmost: (xid: number) => transam.subtrans.getTopmost(xid),
    comboCids,
  };
  return {
    key: session,
    snapshot: () => procArray.getSnapshotData(session, manager.commandId(session)),
    ctx,
    writer: () => ({ xid: manager.getXid(session), cid: manager.commandId(session, true), ctx }),
    commandCounterIncrement: () => manager.commandCounterIncrement(session),
  };
}
