/**
 * pg_subtrans: the parent of each subtransaction xid (PostgreSQL 15's
 * access/transam/subtrans.c). PostgreSQL keeps it in SLRU pages that are
 * never needed across a restart (zeroed at startup: no transaction that
 * was running survives one); here it is a map in memory, with the same
 * contract. Entries older than every running transaction's xmin may be
 * dropped with `truncate`.
 */
import {
  INVALID_TRANSACTION_ID,
  type TransactionId,
  transactionIdIsNormal,
  transactionIdPrecedes,
} from './xid.js';

export class SubTrans {
  readonly #parent = new Map<TransactionId, TransactionId>();

  /** SubTransSetParent: record a subtransaction's immediate parent. */
  setParent(xid: TransactionId, parent: TransactionId): void {
    this.#parent.set(xid, parent);
  }

  /** SubTransGetParent: the immediate parent, or InvalidTransactionId (0) when unknown. */
  getParent(xid: TransactionId): TransactionId {
    return this.#parent.get(xid) ?? INVALID_TRANSACTION_ID;
  }

  /** SubTransGetTopmostTransaction: follow parents to the top-level xid. */
  getTopmost(xid: TransactionId): TransactionId {
    let top = xid;
    for (let p = this.getParent(top); transactionIdIsNormal(p); p = this.getParent(top)) top = p;
    return top;
  }

  /** TruncateSUBTRANS: forget entries of xids older than `oldestXact`. */
  truncate(oldestXact: TransactionId): void {
    for (const xid of this.#parent.keys()) {
      if (transactionIdPrecedes(xid, oldestXact)) this.#parent.delete(xid);
    }
  }

  /** how many entries it holds */
  get size(): number {
    return this.#parent.size;
  }
}
