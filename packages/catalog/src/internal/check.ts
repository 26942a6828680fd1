/**
 * Test-only checker of invariant C1: every row a catalog's heap shows the
 * transaction is found through each of its catalog's indexes by its own
 * key (so index lookups and sequential scans agree).
 */
import { tidEquals } from '@pg/access';
import type { CatalogCluster } from './cluster.js';
import type { CatalogTxn } from './txn.js';

export interface CatalogViolation {
  readonly rule: 'C1';
  readonly message: string;
}

export function checkCatalogIndexes(
  cluster: CatalogCluster,
  dbOid: number,
  txn: CatalogTxn,
): CatalogViolation[] {
  const out: CatalogViolation[] = [];
  for (const table of cluster.tables(dbOid).values()) {
    const rows = table.scan(txn);
    for (const idx of table.indexes) {
      for (const row of rows) {
        const keys = idx.attnums.map((a) => row.values[a - 1]);
        const found = table.lookup(idx.def.name, keys, txn);
        if (!found.some((f) => tidEquals(f.tid, row.tid)))
          out.push({
            rule: 'C1',
            message: `${table.def.name} row at (${row.tid.block},${row.tid.offset}) not found through ${idx.def.name} by ${JSON.stringify(keys)}`,
          });
      }
    }
  }
  return out;
}
