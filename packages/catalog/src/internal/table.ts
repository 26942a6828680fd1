/**
 * One catalog: its heap and its B-tree indexes, kept in step
 * (CatalogTupleInsert / CatalogTupleUpdate / CatalogTupleDelete), with
 * lookups through an index (systable_beginscan with an index) or a
 * sequential scan.
 */
import { Strategy, scanKey, type Tid, tidKey } from '@pg/access';
import { BTree } from '@pg/btree';
import { attributeSpans, HEAP_HASNULL, HEAP_NATTS_MASK, Heap, type HeapRow } from '@pg/heap';
import { TM_Result } from '@pg/mvcc';
import {
  type BufferPool,
  ForkNumber,
  logNewPages,
  type RelFileLocator,
  type XLogInserter,
} from '@pg/storage';
import { SqlError } from '@pg/types';
import type { CatalogDef, CatalogIndexDef } from './pg15-data.js';
import type { CatalogTxn } from './txn.js';
import { catalogColumnType } from './types.js';

export interface CatalogIndex {
  readonly def: CatalogIndexDef;
  /** The heap's attnums of the keys (1-based). */
  readonly attnums: readonly number[];
  readonly tree: BTree;
}

/** The files of a catalog relation: relfilenode = OID (no relation mapper). */
export function catalogLocator(oid: number, shared: boolean, dbOid: number): RelFileLocator {
  return shared
    ? { spcOid: 1664, dbOid: 0, relNumber: oid }
    : { spcOid: 1663, dbOid, relNumber: oid };
}

export function indexDescriptorFor(def: CatalogDef, idx: CatalogIndexDef) {
  return {
    name: idx.name,
    unique: idx.unique,
    keys: idx.keys.map((k) => {
      const col = def.columns.find((c) => c[0] === k);
      if (!col) throw new Error(`${def.name} has no column ${k}`);
      return { name: k, type: catalogColumnType(col[1]) };
    }),
  };
}

export class CatalogTable {
  readonly def: CatalogDef;
  readonly heap: Heap;
  readonly indexes: readonly CatalogIndex[];
  readonly #colIndex: ReadonlyMap<string, number>;

  constructor(
    def: CatalogDef,
    pool: BufferPool,
    dbOid: number,
    inserter: XLogInserter | undefined,
    create = false,
  ) {
    this.def = def;
    const types = def.columns.map((c) => catalogColumnType(c[1]));
    this.heap = new Heap({
      pool,
      rel: catalogLocator(def.oid, def.shared, dbOid),
      types,
      ...(inserter ? { inserter } : {}),
    });
    this.#colIndex = new Map(def.columns.map((c, i) => [c[0], i]));
    this.indexes = def.indexes.map((idx) => {
      const options = {
        pool,
        rel: catalogLocator(idx.oid, def.shared, dbOid),
        descriptor: indexDescriptorFor(def, idx),
        ...(inserter ? { inserter } : {}),
      };
      return {
        def: idx,
        attnums: idx.keys.map((k) => this.col(k) + 1),
        tree: create ? BTree.create(options) : new BTree(options),
      };
    });
  }

  /** The 0-based position of column `name`. */
  col(name: string): number {
    const i = this.#colIndex.get(name);
    if (i === undefined) throw new Error(`${this.def.name} has no column ${name}`);
    return i;
  }

  /** A row built from named values; missing columns are NULL. */
  row(values: Readonly<Record<string, unknown>>): unknown[] {
    const out: unknown[] = this.def.columns.map(() => null);
    for (const [k, v] of Object.entries(values)) out[this.col(k)] = v;
    return out;
  }

  #keys(idx: CatalogIndex, values: readonly unknown[]): unknown[] {
    return idx.attnums.map((a) => values[a - 1]);
  }

  /** CatalogTupleInsert. */
  insert(values: readonly unknown[], txn: CatalogTxn): Tid {
    const w = txn.writer();
    const tid = this.heap.insert(values, w.xid, w.cid);
    for (const idx of this.indexes) idx.tree.insert(this.#keys(idx, values), tid, { unique: 'no' });
    return tid;
  }

  /** CatalogTupleUpdate (simple_heap_update: a concurrent change is an error). */
  update(tid: Tid, values: readonly unknown[], txn: CatalogTxn): Tid {
    const w = txn.writer();
    const indexed = new Set(this.indexes.flatMap((i) => i.attnums));
    const r = this.heap.update(tid, values, w, indexed);
    if (r.result !== TM_Result.Ok) throw concurrent(this.def.name);
    const newTid = r.tid ?? tid;
    if (r.indexesNeedUpdate !== false) {
      for (const idx of this.indexes)
        idx.tree.insert(this.#keys(idx, values), newTid, { unique: 'no' });
    }
    return newTid;
  }

  /**
   * heap_inplace_update (freeze, issue 11): overwrites fixed-width, non-null
   * columns of the tuple at `tid` in place -- no new row version, no xid --
   * and logs the page as a full-page image. VACUUM's pg_class statistics and
   * relfrozenxid, and pg_database.datfrozenxid, are written this way, as
   * PostgreSQL does, so VACUUM works past the xid stop limit; like there,
   * the change is not undone by a rollback. The caller invalidates caches.
   */
  inplaceUpdate(tid: Tid, changes: Readonly<Record<string, unknown>>): void {
    const { pool, rel, inserter, types } = this.heap;
    const buf = pool.readBuffer(rel, ForkNumber.main, tid.block);
    pool.lock(buf, 'exclusive');
    try {
      const item = pool.page(buf).mustItem(tid.offset);
      const natts = ((item[18] ?? 0) | ((item[19] ?? 0) << 8)) & HEAP_NATTS_MASK;
      const infomask = (item[20] ?? 0) | ((item[21] ?? 0) << 8);
      const hoff = item[22] ?? 0;
      const bitmap = (infomask & HEAP_HASNULL) !== 0 ? item.subarray(23, hoff) : undefined;
      const data = item.subarray(hoff);
      const spans = attributeSpans(types, data, bitmap, natts);
      for (const [name, value] of Object.entries(changes)) {
        const i = this.col(name);
        const span = spans[i];
        const bytes = types[i]?.encode(value);
        if (
          span == null ||
          bytes === undefined ||
          span.varlena !== undefined ||
          bytes.length !== span.size
        )
          throw new Error(`${this.def.name}.${name} cannot be updated in place`);
        data.set(bytes, span.offset);
      }
      if (inserter) logNewPages(inserter, [buf]);
      else pool.markDirty(buf);
    } finally {
      pool.unlockRelease(buf);
    }
  }

  /** CatalogTupleDelete. */
  delete(tid: Tid, txn: CatalogTxn): void {
    const r = this.heap.delete(tid, txn.writer());
    if (r.result !== TM_Result.Ok) throw concurrent(this.def.name);
  }

  /** Every row the catalog snapshot sees (a sequential scan). */
  scan(txn: CatalogTxn): HeapRow[] {
    return [...this.heap.scan(txn.snapshot(), txn.ctx)];
  }

  /**
   * The rows whose leading index columns equal `keys`, through the index
   * `indexName` (systable_beginscan + systable_getnext): each index entry's
   * heap tuple is fetched (following HOT chains) and kept when the catalog
   * snapshot sees it.
   */
  lookup(indexName: string, keys: readonly unknown[], txn: CatalogTxn): HeapRow[] {
    const idx = this.indexes.find((i) => i.def.name === indexName);
    if (!idx) throw new Error(`${this.def.name} has no index ${indexName}`);
    const snapshot = txn.snapshot();
    const scan = idx.tree.beginScan();
    scan.rescan(keys.map((k, i) => scanKey(i + 1, Strategy.equal, k)));
    const out: HeapRow[] = [];
    const seen = new Set<number>();
    try {
      for (let r = scan.next(); r !== null; r = scan.next()) {
        const row = this.heap.fetch(r.tid, snapshot, txn.ctx);
        if (row === null) continue;
        const k = tidKey(row.tid);
        if (seen.has(k)) continue;
        seen.add(k);
        // A HOT chain's visible member may no longer match (an update that changed no key does not; a stale entry would).
        if (idx.attnums.every((a, i) => i >= keys.length || sameKey(row.values[a - 1], keys[i])))
          out.push(row);
      }
    } finally {
      scan.end();
    }
    return out;
  }

  /** The one row of a unique lookup, or undefined. */
  lookupOne(indexName: string, keys: readonly unknown[], txn: CatalogTxn): HeapRow | undefined {
    return this.lookup(indexName, keys, txn)[0];
  }
}

function sameKey(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

function concurrent(name: string): SqlError {
  return new SqlError('XX000', `tuple concurrently updated`, { detail: `catalog ${name}` });
}
