/**
 * What the catalog needs from the engine's transaction (CatalogTxn). The
 * engine builds one per transaction from @pg/mvcc's TransactionManager;
 * tests build it the same way (see testing.ts).
 */

import type { HeapWriter } from '@pg/heap';
import type { ComboCids, Snapshot, UpdateContext } from '@pg/mvcc';

export interface CatalogTxn {
  /**
   * A key of the top-level transaction, for pending file deletions and
   * invalidation messages (the engine's session id or anything unique
   * among the transactions running at once).
   */
  readonly key: number;
  /**
   * A catalog snapshot (PostgreSQL's GetCatalogSnapshot): a fresh MVCC
   * snapshot that sees what is committed now plus this transaction's own
   * changes of earlier commands (curcid = the current command id). Taken
   * anew for every catalog read, whatever the isolation level.
   */
  snapshot(): Snapshot;
  /** Who is running and what committed, with this transaction's combo cids. */
  readonly ctx: UpdateContext & { readonly comboCids: ComboCids };
  /** The HeapWriter for a catalog change: assigns the xid on first use, marks the command id used. */
  writer(): HeapWriter;
  /**
   * CommandCounterIncrement: later reads of this transaction see the
   * changes made so far (the catalog calls it between the steps of a DDL
   * operation, as PostgreSQL does).
   */
  commandCounterIncrement(): void;
}
