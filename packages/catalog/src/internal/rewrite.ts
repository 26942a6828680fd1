/**
 * VACUUM FULL, CLUSTER and REINDEX: a relation rewritten into new files
 * under the same OID (PostgreSQL 15's commands/cluster.c, access/heap/
 * rewriteheap.c, heapam_relation_copy_for_cluster, catalog/index.c's
 * reindex_index and reindex_relation).
 *
 * The rewrite of a table, step by step (the caller holds
 * AccessExclusiveLock on it):
 *
 * 1. Its TOAST table, if any, is copied first (step 2 without an order).
 * 2. A new relfilenode is chosen (GetNewRelFileNumber) and its main fork
 *    created (the storage rmgr's CREATE record; the file is removed if the
 *    transaction aborts). Every tuple of the old heap that is not dead to
 *    all (HeapTupleSatisfiesVacuum against the oldest xmin of every
 *    running transaction and snapshot) is copied with its xmin, xmax and
 *    hint bits: LIVE, RECENTLY_DEAD, INSERT_IN_PROGRESS and
 *    DELETE_IN_PROGRESS tuples are kept, so a snapshot older than the
 *    rewrite still finds what it saw. The copy clears the HOT bits
 *    (HEAP2_XACT_MASK: the new heap has no HOT chains) and points t_ctid
 *    at the copy itself. CLUSTER copies in the order of its index (an
 *    index scan, then the tuples no entry reached in physical order), so
 *    a plain scan reads the rows in index order afterwards.
 * 3. Each new page is written whole through the buffer pool and logged as
 *    a full-page image (log_newpage), so redo rebuilds it exactly.
 * 4. pg_class.relfilenode, relpages, reltuples and relallvisible of the
 *    table (and of its TOAST table) are updated; the old files are
 *    removed when the transaction commits (RelationDropStorage).
 * 5. Every index — the TOAST table's first, then the table's — is rebuilt
 *    into a new relfilenode by the catalog's one index build
 *    ({@link Catalog.buildIndex}) from the new heap, and its pg_class row
 *    updated the same way.
 *
 * This is correct because the switch from old files to new is one
 * pg_class update in the transaction: before its commit record is
 * durable every reader (and recovery) uses the old files, which nothing
 * changed; after it, the new files, whose every page was logged before
 * the commit record. A crash at any point leaves one or the other, never
 * a mix. New files of a transaction that never commits stay behind as
 * orphans after a crash (as in PostgreSQL), unreferenced.
 *
 * REINDEX is step 5 alone: the index gets a new relfilenode, the same
 * OID.
 *
 * Differences from PostgreSQL 15:
 * - Tuples are not frozen during the copy (PostgreSQL freezes those older
 *   than the freeze cutoff); relfrozenxid is kept, which is still a valid
 *   lower bound since every xmin is kept.
 * - The t_ctid of a recently-dead updated tuple points at itself instead
 *   of its successor's new location (rewriteheap.c's old-to-new map): only
 *   a snapshot older than the rewrite can see such a tuple, and for it an
 *   update of the row fails as a concurrent update either way.
 * - A unique index is first built with the recently dead tuples too (as
 *   PostgreSQL does, which skips its uniqueness check for them); when
 *   they collide with a live key the build is redone without them, so
 *   such an index lacks entries for rows only an older snapshot sees.
 * - CLUSTER always reads in index order (no seq scan + sort plan), and
 *   the TOAST table is copied chunk by chunk (value OIDs kept) instead of
 *   detoasting and re-toasting each value.
 */

import type { IndexScan, Tid } from '@pg/access';
import {
  addHeapTuple,
  deformHeapTuple,
  HEAP_HOT_UPDATED,
  HEAP2_XACT_MASK,
  type Heap,
  isHeapOnly,
  satisfiesVacuum,
  setTupleCtid,
  tupleCtid,
  tupleInfomask2,
  updateInfomask2,
  type VacuumStatus,
} from '@pg/heap';
import type { TransactionId, UpdateContext } from '@pg/mvcc';
import { LP_NORMAL, LP_REDIRECT, Page } from '@pg/page';
import { createFork, ForkNumber, logNewPages, type RelFileLocator } from '@pg/storage';
import { SqlError } from '@pg/types';
import type { Catalog } from './catalog.js';
import { DEFAULTTABLESPACE_OID, GLOBALTABLESPACE_OID } from './consts.js';
import type { IndexDesc, RelationDesc } from './desc.js';
import type { CatalogTable } from './table.js';
import type { CatalogTxn } from './txn.js';

/** An index's entry for a table row (values by attnum - 1); undefined: not in the partial index. */
export type EntryFunction = (values: readonly unknown[]) => unknown[] | undefined;

/** The horizon of a build that keeps every tuple not dead to all. */
export interface BuildHorizon {
  /** GetOldestNonRemovableTransactionId. */
  readonly oldestXmin: TransactionId;
  /** Who is running and what committed (the transaction's own xids count as running). */
  readonly ctx: UpdateContext;
  /**
   * Whether recently dead tuples get entries in a unique index (false
   * after a first build found them colliding with live keys).
   */
  readonly uniqueKeepsDead?: boolean;
}

/** Options of {@link Catalog.buildIndex}. */
export interface BuildIndexOptions {
  /** The heap to read (default: the table's current heap). */
  readonly heap?: Heap;
  /** Expression or partial index: a row's entry. */
  readonly entryOf?: EntryFunction;
  /** REINDEX and the rewrites: every tuple not dead to all, not just the snapshot's. */
  readonly horizon?: BuildHorizon;
  /** attmissingval per column (horizon builds deform tuples themselves). */
  readonly missing?: readonly unknown[];
  /** Checks the entries before they are loaded (PRIMARY KEY's NOT NULL check). */
  readonly checkEntries?: (entries: readonly { values: readonly unknown[] }[]) => void;
}

/** One entry of an index build (BTree.build's input). */
export interface BuildEntry {
  readonly tid: Tid;
  readonly values: unknown[];
  /** false: the tuple is dead to some snapshot; BTree.build leaves it out. */
  readonly alive: boolean;
}

const LIVE_STATES: ReadonlySet<VacuumStatus> = new Set(['LIVE', 'INSERT_IN_PROGRESS']);

/**
 * heapam_index_build_range_scan with SnapshotAny: an entry for every tuple
 * not dead to all, keyed by the root of its HOT chain (one entry per
 * chain: the first live member's, else the first kept one's). Recently
 * dead tuples are entries of a non-unique index; of a unique one only
 * with `horizon.uniqueKeepsDead`.
 */
export function horizonEntries(
  heap: Heap,
  horizon: BuildHorizon,
  ix: IndexDesc,
  entryOf: EntryFunction | undefined,
  missing?: readonly unknown[],
): BuildEntry[] {
  const out: BuildEntry[] = [];
  const keepDead = !ix.unique || horizon.uniqueKeepsDead === true;
  const toaster = heap.toaster;
  const detoast = toaster && ((p: Uint8Array) => toaster.detoastCached(p, { ctx: horizon.ctx }));
  const nblocks = heap.nblocks();
  for (let block = 0; block < nblocks; block++) {
    const page = Page.wrap(heap.readCopy(block));
    if (page.isNew()) continue;
    const roots = chainRoots(page);
    const byRoot = new Map<number, { entry: BuildEntry; live: boolean }>();
    for (let off = 1; off <= page.maxOffsetNumber; off++) {
      if (page.itemId(off).flags !== LP_NORMAL) continue;
      const item = page.mustItem(off);
      const status = satisfiesVacuum(item, horizon.oldestXmin, horizon.ctx);
      if (status === 'DEAD') continue;
      const live = LIVE_STATES.has(status);
      if (!live && !keepDead) continue;
      const root = roots.get(off) ?? off;
      const prev = byRoot.get(root);
      if (prev !== undefined && (prev.live || !live)) continue;
      const values = deformHeapTuple(heap.types, item, detoast, missing);
      const entry = entryOf
        ? entryOf(values)
        : ix.columns.map((n) => (n === 0 ? null : (values[n - 1] ?? null)));
      if (entry === undefined) continue; // not in a partial index
      byRoot.set(root, {
        entry: { tid: { block, offset: root }, values: entry, alive: true },
        live,
      });
    }
    // BTree.build skips `alive: false`; an entry kept here is always loaded
    for (const e of byRoot.values()) out.push(e.entry);
  }
  out.sort((a, b) => a.tid.block - b.tid.block || a.tid.offset - b.tid.offset);
  return out;
}

/** heap_get_root_tuples: each heap-only tuple's root line pointer. */
function chainRoots(page: Page): Map<number, number> {
  const roots = new Map<number, number>();
  for (let off = 1; off <= page.maxOffsetNumber; off++) {
    const lp = page.itemId(off);
    if (lp.flags === LP_NORMAL && isHeapOnly(tupleInfomask2(page.mustItem(off)))) continue;
    for (const member of chainFrom(page, off)) if (member !== off) roots.set(member, off);
  }
  return roots;
}

/** The offsets of the HOT chain starting at root line pointer `root` (following a redirect). */
function chainFrom(page: Page, root: number): number[] {
  const out: number[] = [];
  const max = page.maxOffsetNumber;
  let off = root;
  const lp = page.itemId(root);
  if (lp.flags === LP_REDIRECT) off = lp.off;
  else if (lp.flags !== LP_NORMAL) return out;
  for (let guard = 0; guard <= max && off >= 1 && off <= max; guard++) {
    if (page.itemId(off).flags !== LP_NORMAL) break;
    if (out.includes(off)) break;
    out.push(off);
    const item = page.mustItem(off);
    if ((tupleInfomask2(item) & HEAP_HOT_UPDATED) === 0) break;
    const next = tupleCtid(item);
    off = next.offset;
  }
  return out;
}

// ------------------------------------------------------------ the heap copy

/** What a rewrite reports (VERBOSE's numbers). */
export interface RewriteStats {
  /** tups_vacuumed: tuples dead to all, not copied. */
  readonly removable: number;
  /** num_tuples: tuples copied. */
  readonly nonRemovable: number;
  /** tups_recently_dead: copied tuples some snapshot may still see as dead. */
  readonly recentlyDead: number;
  /** The old heap's length in blocks. */
  readonly oldPages: number;
  /** The new heap's length in blocks. */
  readonly newPages: number;
}

/** Options of {@link rewriteTable}. */
export interface RewriteOptions {
  readonly oldestXmin: TransactionId;
  readonly ctx: UpdateContext;
  /** CLUSTER: the index (OID) whose order the new heap follows. */
  readonly clusterIndex?: number;
  /** The entry function of an expression or partial index (the catalog does not evaluate SQL). */
  readonly entryOf?: (table: RelationDesc, ix: IndexDesc) => EntryFunction | undefined;
  /** Crash tests: called after each page written and at each step boundary. */
  readonly onStep?: (step: string) => void;
}

/** Writes whole new pages at the end of a relation, each logged as a full-page image. */
class NewPageWriter {
  #page: Page = Page.create();
  #block = 0;
  #count = 0;
  readonly #saveFree: number;

  constructor(
    private readonly catalog: Catalog,
    private readonly rel: RelFileLocator,
    private readonly logged: boolean,
    fillfactor: number,
    private readonly onStep: ((step: string) => void) | undefined,
  ) {
    // RelationGetTargetPageFreeSpace
    this.#saveFree = Math.trunc((8192 * (100 - fillfactor)) / 100);
  }

  /** raw_heap_insert: the tuple on the current page (a new one when it is full); its new TID. */
  add(tuple: Uint8Array): Tid {
    const len = (tuple.length + 7) & ~7;
    if (
      this.#count > 0 &&
      (len + this.#saveFree > this.#page.heapFreeSpace() || this.#page.heapFreeSpace() < len)
    )
      this.flush();
    let tid = { block: this.#block, offset: this.#page.maxOffsetNumber + 1 };
    setTupleCtid(tuple, tid);
    let off = addHeapTuple(this.#page, tuple);
    if (off === undefined && this.#count > 0) {
      // MaxHeapTuplesPerPage line pointers: the next page
      this.flush();
      tid = { block: this.#block, offset: 1 };
      setTupleCtid(tuple, tid);
      off = addHeapTuple(this.#page, tuple);
    }
    if (off !== tid.offset) throw new SqlError('XX000', `could not add tuple to page ${tid.block}`);
    this.#count++;
    return tid;
  }

  /** Writes the current page (if it has tuples) and starts the next. */
  flush(): void {
    if (this.#count === 0) return;
    const pool = this.catalog.cluster.pool;
    const buffer = pool.extend(this.rel, ForkNumber.main);
    try {
      if (pool.blockNumber(buffer) !== this.#block)
        throw new SqlError('XX000', `unexpected block ${pool.blockNumber(buffer)} in new relation`);
      pool.lock(buffer, 'exclusive');
      pool.bytes(buffer).set(this.#page.bytes);
      const inserter = this.catalog.cluster.inserter;
      if (this.logged && inserter) logNewPages(inserter, [buffer]);
      else pool.markDirty(buffer);
      pool.unlock(buffer);
    } finally {
      pool.release(buffer);
    }
    this.#block++;
    this.#page = Page.create();
    this.#count = 0;
    this.onStep?.(`page ${this.#block}`);
  }

  /** Flushes the last page; the new relation's length in blocks. */
  finish(): number {
    this.flush();
    return this.#block;
  }
}

/** Copies one tuple for the new heap (rewrite_heap_tuple): visibility kept, HOT bits cleared. */
function copyTuple(item: Uint8Array): Uint8Array {
  const t = item.slice();
  updateInfomask2(t, 0, HEAP2_XACT_MASK);
  return t;
}

function pgClass(catalog: Catalog): CatalogTable {
  const t = catalog.cluster.tables(catalog.dbOid).get('pg_class');
  if (t === undefined) throw new Error('no catalog pg_class');
  return t;
}

function pgIndex(catalog: Catalog): CatalogTable {
  const t = catalog.cluster.tables(catalog.dbOid).get('pg_index');
  if (t === undefined) throw new Error('no catalog pg_index');
  return t;
}

/** Updates columns of a relation's pg_class row and invalidates it. */
function updateClass(
  catalog: Catalog,
  txn: CatalogTxn,
  oid: number,
  changes: Readonly<Record<string, unknown>>,
): void {
  const t = pgClass(catalog);
  const row = t.lookupOne('pg_class_oid_index', [oid], txn);
  if (row === undefined) throw new SqlError('XX000', `cache lookup failed for relation ${oid}`);
  const values = [...row.values];
  for (const [k, v] of Object.entries(changes)) values[t.col(k)] = v;
  t.update(row.tid, values, txn);
  catalog.cluster.registerInvalidation(txn.key, catalog, catalog.dbOid, oid);
}

function locator(catalog: Catalog, desc: RelationDesc, relNumber: number): RelFileLocator {
  return desc.shared
    ? { spcOid: GLOBALTABLESPACE_OID, dbOid: 0, relNumber }
    : { spcOid: desc.tablespace || DEFAULTTABLESPACE_OID, dbOid: catalog.dbOid, relNumber };
}

/** A new, empty main fork for `desc` (removed if the transaction aborts). */
function createNewStorage(catalog: Catalog, txn: CatalogTxn, desc: RelationDesc): RelFileLocator {
  const rel = locator(catalog, desc, catalog.newRelfilenode());
  const inserter = desc.persistence === 'p' ? catalog.cluster.inserter : undefined;
  if (inserter) createFork(inserter, rel, ForkNumber.main);
  else catalog.cluster.pool.smgr.create(rel, ForkNumber.main);
  catalog.cluster.deleteOnAbort(txn.key, rel);
  catalog.initForkOf(rel, desc.persistence);
  return rel;
}

/**
 * copy_table_data for one heap (the table's or its TOAST table's): the
 * kept tuples into a new relfilenode, then pg_class switched to it.
 */
function copyHeap(
  catalog: Catalog,
  txn: CatalogTxn,
  desc: RelationDesc,
  options: RewriteOptions,
  order: { beginScan(): IndexScan } | undefined,
): RewriteStats {
  const old = catalog.openTable(desc.oid).heap;
  const rel = createNewStorage(catalog, txn, desc);
  const writer = new NewPageWriter(
    catalog,
    rel,
    desc.persistence === 'p',
    desc.fillfactor,
    options.onStep,
  );
  let removable = 0;
  let kept = 0;
  let recentlyDead = 0;
  const seen = new Set<number>();
  const key = (block: number, off: number) => block * 65536 + off;
  const visit = (page: Page, block: number, off: number) => {
    const k = key(block, off);
    if (seen.has(k)) return;
    seen.add(k);
    if (page.itemId(off).flags !== LP_NORMAL) return;
    const item = page.mustItem(off);
    const status = satisfiesVacuum(item, options.oldestXmin, options.ctx);
    switch (status) {
      case 'DEAD':
        removable++;
        return;
      case 'RECENTLY_DEAD':
      case 'DELETE_IN_PROGRESS':
        recentlyDead++;
        break;
      default:
        break;
    }
    kept++;
    writer.add(copyTuple(item));
  };
  const oldPages = old.nblocks();
  if (order !== undefined) {
    // index order: each entry's HOT chain, every member not dead to all
    let cached: { block: number; page: Page } | undefined;
    const scan = order.beginScan();
    try {
      scan.rescan([]);
      for (let r = scan.next(); r !== null; r = scan.next()) {
        const { block, offset } = r.tid;
        if (block >= oldPages) continue;
        if (cached?.block !== block) cached = { block, page: Page.wrap(old.readCopy(block)) };
        const page = cached.page;
        if (offset < 1 || offset > page.maxOffsetNumber) continue;
        for (const member of chainFrom(page, offset)) visit(page, block, member);
      }
    } finally {
      scan.end();
    }
  }
  // physical order (VACUUM FULL), or what no index entry reached (CLUSTER)
  for (let block = 0; block < oldPages; block++) {
    const page = Page.wrap(old.readCopy(block));
    if (page.isNew()) continue;
    for (let off = 1; off <= page.maxOffsetNumber; off++) visit(page, block, off);
  }
  const newPages = writer.finish();
  options.onStep?.(`heap ${desc.name} copied`);
  catalog.cluster.deleteOnCommit(txn.key, locator(catalog, desc, desc.relfilenode));
  updateClass(catalog, txn, desc.oid, {
    relfilenode: rel.relNumber,
    relpages: newPages,
    reltuples: kept,
    relallvisible: 0,
  });
  return { removable, nonRemovable: kept, recentlyDead, oldPages, newPages };
}

/**
 * reindex_index: the index rebuilt from its table's current heap into a
 * new relfilenode (same OID), pg_class updated. A unique index whose
 * recently dead tuples collide with live keys is rebuilt without them.
 */
export function reindexIndex(
  catalog: Catalog,
  txn: CatalogTxn,
  indexOid: number,
  options: Pick<RewriteOptions, 'oldestXmin' | 'ctx' | 'entryOf' | 'onStep'>,
): void {
  const ixRel = catalog.mustRelation(indexOid);
  const row = pgIndex(catalog).lookupOne('pg_index_indexrelid_index', [indexOid], txn);
  if (row === undefined) throw new SqlError('XX000', `cache lookup failed for index ${indexOid}`);
  const tableOid = row.values[pgIndex(catalog).col('indrelid')] as number;
  const table = catalog.mustRelation(tableOid);
  const ix = table.indexes.find((i) => i.oid === indexOid);
  if (ix === undefined) throw new SqlError('XX000', `index ${ixRel.name} not found on its table`);
  const heap = catalog.openTable(tableOid).heap;
  const entryOf = options.entryOf?.(table, ix);
  const missing = table.columns.map((c) => c.missing);
  const build = (uniqueKeepsDead: boolean) => {
    const rel = locator(catalog, table, catalog.newRelfilenode());
    try {
      return {
        rel,
        r: catalog.buildIndex(table, ix, rel, {
          heap,
          ...(entryOf ? { entryOf } : {}),
          horizon: { oldestXmin: options.oldestXmin, ctx: options.ctx, uniqueKeepsDead },
          ...(missing.some((m) => m !== undefined) ? { missing } : {}),
        }),
      };
    } catch (e) {
      // the failed attempt's file goes whatever the outcome
      catalog.cluster.deleteOnCommit(txn.key, rel);
      throw e;
    }
  };
  let built: ReturnType<typeof build>;
  try {
    built = build(true);
  } catch (e) {
    if (!(ix.unique && e instanceof SqlError && e.code === '23505')) throw e;
    built = build(false);
  }
  options.onStep?.(`index ${ix.name} built`);
  catalog.cluster.deleteOnCommit(txn.key, locator(catalog, table, ix.relfilenode));
  updateClass(catalog, txn, indexOid, {
    relfilenode: built.rel.relNumber,
    relpages: catalog.cluster.pool.smgr.nblocks(built.rel, ForkNumber.main),
    reltuples: built.r.indexTuples,
  });
  catalog.cluster.registerInvalidation(txn.key, catalog, catalog.dbOid, tableOid);
  txn.commandCounterIncrement();
}

/** reindex_relation: every index of the table and of its TOAST table (the TOAST table's first). */
export function reindexRelation(
  catalog: Catalog,
  txn: CatalogTxn,
  tableOid: number,
  options: Pick<RewriteOptions, 'oldestXmin' | 'ctx' | 'entryOf' | 'onStep'>,
): number {
  const table = catalog.mustRelation(tableOid);
  let n = 0;
  if (table.toastRelid !== 0) {
    for (const ix of catalog.mustRelation(table.toastRelid).indexes) {
      reindexIndex(catalog, txn, ix.oid, options);
      n++;
    }
  }
  for (const ix of catalog.mustRelation(tableOid).indexes) {
    reindexIndex(catalog, txn, ix.oid, options);
    n++;
  }
  return n;
}

/**
 * cluster_rel / VACUUM FULL: the table (and its TOAST table) copied into
 * new files, in `clusterIndex`'s order when given, then every index
 * rebuilt. Returns the main heap's numbers.
 */
export function rewriteTable(
  catalog: Catalog,
  txn: CatalogTxn,
  tableOid: number,
  options: RewriteOptions,
): RewriteStats {
  const table = catalog.mustRelation(tableOid);
  if (table.toastRelid !== 0) {
    copyHeap(catalog, txn, catalog.mustRelation(table.toastRelid), options, undefined);
    catalog.cluster.registerInvalidation(txn.key, catalog, catalog.dbOid, tableOid);
    txn.commandCounterIncrement();
  }
  const order =
    options.clusterIndex === undefined
      ? undefined
      : catalog.openTable(tableOid).indexes.find((i) => i.desc.oid === options.clusterIndex)?.index;
  const stats = copyHeap(catalog, txn, catalog.mustRelation(tableOid), options, order);
  txn.commandCounterIncrement();
  options.onStep?.('heap switched');
  reindexRelation(catalog, txn, tableOid, options);
  options.onStep?.('indexes rebuilt');
  return stats;
}

// ------------------------------------------------------------ pg_index.indisclustered

/** The table's index marked indisclustered, if any. */
export function clusteredIndex(
  catalog: Catalog,
  txn: CatalogTxn,
  tableOid: number,
): number | undefined {
  const t = pgIndex(catalog);
  for (const r of t.lookup('pg_index_indrelid_index', [tableOid], txn))
    if (r.values[t.col('indisclustered')] === true) return r.values[t.col('indexrelid')] as number;
  return undefined;
}

/** Every table with an index marked indisclustered (bare CLUSTER), by OID. */
export function clusteredTables(catalog: Catalog, txn: CatalogTxn): number[] {
  const t = pgIndex(catalog);
  const out = new Set<number>();
  for (const r of t.scan(txn))
    if (r.values[t.col('indisclustered')] === true) out.add(r.values[t.col('indrelid')] as number);
  return [...out].sort((a, b) => a - b);
}

/**
 * mark_index_clustered: `indexOid` (undefined: none, SET WITHOUT CLUSTER)
 * becomes the table's only index with indisclustered.
 */
export function markClustered(
  catalog: Catalog,
  txn: CatalogTxn,
  tableOid: number,
  indexOid: number | undefined,
): void {
  const t = pgIndex(catalog);
  let changed = false;
  for (const r of t.lookup('pg_index_indrelid_index', [tableOid], txn)) {
    const oid = r.values[t.col('indexrelid')] as number;
    const want = oid === indexOid;
    if (r.values[t.col('indisclustered')] === want) continue;
    const values = [...r.values];
    values[t.col('indisclustered')] = want;
    t.update(r.tid, values, txn);
    catalog.cluster.registerInvalidation(txn.key, catalog, catalog.dbOid, oid);
    changed = true;
  }
  if (changed) {
    catalog.cluster.registerInvalidation(txn.key, catalog, catalog.dbOid, tableOid);
    txn.commandCounterIncrement();
  }
}
