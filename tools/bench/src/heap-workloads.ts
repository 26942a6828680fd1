/**
 * Heap and TOAST-compression workloads: @pg/heap (PostgreSQL 15's heap
 * access method, unlogged, in a buffer pool over a memory storage manager)
 * and @pg/toast's pglz, against peers measured in the same run:
 *
 * - SQLite: an in-memory database through better-sqlite3, `CREATE TABLE
 *   t(id INTEGER PRIMARY KEY, k INTEGER, v INTEGER, filler TEXT)`: a rowid
 *   table, SQLite's counterpart of a heap. Inserts and updates run in one
 *   transaction per batch, as the heap's do.
 * - node:zlib: `deflateRawSync`/`inflateRawSync` at level 1 (zlib's fastest),
 *   the peer of pglz; both are LZ77 compressors, zlib's in C with Huffman
 *   coding on top.
 *
 * Rows are (id int4, k int4, v int4, filler text of 32 bytes). Transactions
 * come from @pg/heap/testing's FakeTransactions (xids from a counter, a map
 * standing in for the clog): every batch is one transaction, committed at
 * its end. Visibility checks are @pg/mvcc's real HeapTupleSatisfiesMVCC.
 *
 * Updates: each variant has its own table of DEFAULT_UPDATE_ROWS rows,
 * loaded with fillfactor 80, and updates them in a fixed pseudo-random
 * order, round and round (a batch of 256 updates touches a few rows of
 * every page, not 256 rows of three pages). Before each update the
 * heap calls `pruneOpt` on the row's page, as PostgreSQL does when an
 * UPDATE's index scan fetches the row (heap_page_prune_opt), so HOT chains
 * are pruned and their space reused. A HOT update changes v, which no index
 * covers; a non-HOT update changes k, which `indexedColumns` says an index
 * covers. There is no index here: the non-HOT figure is the heap's side of
 * such an update (a new line pointer, no HOT flags, HEAP_KEYS_UPDATED), not
 * the index inserts PostgreSQL would do too. Nothing vacuums, so a non-HOT
 * table gathers dead line pointers (pruning frees their tuples' space, not
 * the line pointers), as PostgreSQL's would without autovacuum. SQLite's peer is `UPDATE t SET v = ? WHERE id = ?` (a lookup
 * by rowid, then an update in place); the heap updates by TID, without a
 * lookup.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Tid } from '@pg/access';
import { Heap } from '@pg/heap';
import { FakeTransactions } from '@pg/heap/testing';
import { TM_Result } from '@pg/mvcc';
import { BufferPool, ForkNumber, MemorySmgr } from '@pg/storage';
import { PGLZ_STRATEGY_DEFAULT, pglzCompress, pglzDecompress } from '@pg/toast';
import { builtins } from '@pg/types';
import Database from 'better-sqlite3';
import { permutation } from './btree-workloads.js';
import type { Batch, Workload } from './measure.js';
import { foldSink } from './workloads.js';

export const HEAP_SUBJECT = '@pg/heap';
export const HOT_UPDATE = '@pg/heap HOT';
export const NON_HOT_UPDATE = '@pg/heap non-HOT';
export const SQLITE = 'SQLite';
export const SQLITE_SCAN = 'SQLite full scan';
export const SQLITE_COUNT = 'SQLite count(*)';
export const PGLZ_SUBJECT = '@pg/toast pglz';
export const ZLIB = 'zlib level 1';

/** Rows inserted into one table before the insert workloads start over. */
export const DEFAULT_INSERT_ROWS = 100_000;
/** Rows of the table each update variant updates round-robin. */
export const DEFAULT_UPDATE_ROWS = 10_000;
/** Rows of the scanned table. */
export const DEFAULT_SCAN_ROWS = 20_000;
/** Bytes of the text-like value compressed and decompressed. */
export const DEFAULT_TEXT_BYTES = 256 * 1024;
/** Inserts or updates per batch (one transaction). */
const BATCH = 256;

function typeOf(name: string) {
  const t = builtins.typeByName(name);
  if (t === undefined) throw new Error(`@pg/types has no ${name}`);
  return t;
}
const TYPES = [typeOf('int4'), typeOf('int4'), typeOf('int4'), typeOf('text')];
const REL = { spcOid: 1663, dbOid: 5, relNumber: 16400 };
/** shared_buffers of one table: 8,192 buffers (64 MiB), more than any table here grows to. */
const POOL_BYTES = 8192 * 8192;
/**
 * The update tables' fillfactor: room on every page for the versions one
 * transaction's updates put there before pruning can reclaim them (at 100,
 * a freshly loaded page is full and its rows' first updates move away).
 */
const UPDATE_FILLFACTOR = 80;
/** Column 1 (id) and column 2 (k) are indexed: updating k cannot be HOT. */
const INDEXED = new Set([1, 2]);

/** The filler of row `id`: 32 ASCII bytes. */
const fillerOf = (id: number) => `row ${String(id).padStart(10, '0')} filler text ....`;
/** Row `id` as the heap stores it. */
const rowOf = (id: number): unknown[] => [id, id, 0, fillerOf(id)];

/** An empty heap table (its main fork created) in a fresh pool over a fresh memory storage manager. */
function emptyHeap(fillfactor = 100): Heap {
  const smgr = new MemorySmgr();
  smgr.create(REL, ForkNumber.main);
  const pool = new BufferPool({ smgr, sharedBuffers: POOL_BYTES });
  return new Heap({ pool, rel: REL, types: TYPES, fillfactor });
}

/** A heap of rows 0..n-1, inserted by one committed transaction; their TIDs. */
function loadedHeap(
  n: number,
  xacts: FakeTransactions,
  fillfactor = 100,
): { heap: Heap; tids: Tid[] } {
  const heap = emptyHeap(fillfactor);
  const x = xacts.begin();
  const tids: Tid[] = [];
  for (let id = 0; id < n; id++) tids.push(heap.insert(rowOf(id), x.xid, x.cid));
  xacts.end(x, true);
  return { heap, tids };
}

function sqliteTable(): Database.Database {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v INTEGER, filler TEXT)');
  return db;
}

function loadedSqlite(n: number): Database.Database {
  const db = sqliteTable();
  const insert = db.prepare('INSERT INTO t(id, k, v, filler) VALUES (?, ?, 0, ?)');
  db.transaction(() => {
    for (let id = 0; id < n; id++) insert.run(id, id, fillerOf(id));
  })();
  return db;
}

/** Inserts of rows 0..n-1 in one transaction per batch, starting over with an empty table after n. */
export function heapInsertWorkload(n = DEFAULT_INSERT_ROWS): Workload {
  const xacts = new FakeTransactions();
  let heap = emptyHeap();
  let count = 0;
  const subject: Batch = () => {
    const x = xacts.begin();
    for (let i = 0; i < BATCH; i++) {
      if (count === n) {
        heap = emptyHeap();
        count = 0;
      }
      heap.insert(rowOf(count), x.xid, x.cid);
      count++;
    }
    xacts.end(x, true);
    return BATCH;
  };

  const db = sqliteTable();
  const insert = db.prepare('INSERT INTO t(id, k, v, filler) VALUES (?, ?, 0, ?)');
  const clear = db.prepare('DELETE FROM t');
  let dbCount = 0;
  const insertBatch = db.transaction(() => {
    for (let i = 0; i < BATCH; i++) {
      if (dbCount === n) {
        clear.run();
        dbCount = 0;
      }
      insert.run(dbCount, dbCount, fillerOf(dbCount));
      dbCount++;
    }
  });
  const sqlite: Batch = () => {
    insertBatch();
    return BATCH;
  };

  return {
    id: 'heap-insert',
    title: `heap inserts of 4-column rows, up to ${formatRows(n)} rows`,
    unit: 'inserts',
    variants: [
      { name: HEAP_SUBJECT, batch: subject },
      { name: SQLITE, batch: sqlite },
    ],
    dispose: () => db.close(),
  };
}

/**
 * One update variant: a table of n rows, updated round-robin, BATCH rows
 * per transaction. `hot` updates v (no index covers it), else k (indexed).
 * Exported for the smoke test, which checks that HOT is HOT.
 */
export function heapUpdater(n: number, hot: boolean) {
  const xacts = new FakeTransactions();
  const { heap, tids } = loadedHeap(n, xacts, UPDATE_FILLFACTOR);
  const order = permutation(n, 31);
  let next = 0;
  let stamp = 0;
  let hotUpdates = 0;
  const batch: Batch = () => {
    const x = xacts.begin();
    const w = xacts.writer(x);
    const count = Math.min(BATCH, n);
    for (let i = 0; i < count; i++) {
      const id = order[next]!;
      next = next + 1 === n ? 0 : next + 1;
      const tid = tids[id]!;
      // Everything older than this transaction has committed: its versions' dead to all.
      heap.pruneOpt(tid.block, x.xid, w.ctx);
      stamp++;
      const values = hot ? [id, id, stamp, fillerOf(id)] : [id, stamp, 0, fillerOf(id)];
      const r = heap.update(tid, values, w, INDEXED);
      if (r.result !== TM_Result.Ok || r.tid === undefined) {
        throw new Error(`update of row ${id} at (${tid.block},${tid.offset}): ${r.result}`);
      }
      if (r.indexesNeedUpdate === false) hotUpdates++;
      tids[id] = r.tid;
    }
    xacts.end(x, true);
    return count;
  };
  return { batch, heap, hotUpdates: () => hotUpdates };
}

/** HOT against non-HOT updates of the same table shape, against SQLite's UPDATE. */
export function heapUpdateWorkload(n = DEFAULT_UPDATE_ROWS): Workload {
  const hot = heapUpdater(n, true);
  const cold = heapUpdater(n, false);

  const db = loadedSqlite(n);
  const update = db.prepare('UPDATE t SET v = ? WHERE id = ?');
  const order = permutation(n, 31);
  let next = 0;
  let stamp = 0;
  const count = Math.min(BATCH, n);
  const updateBatch = db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = order[next]!;
      const changed = update.run(++stamp, id).changes;
      if (changed !== 1) throw new Error(`SQLite updated ${changed} rows with id ${id}`);
      next = next + 1 === n ? 0 : next + 1;
    }
  });
  const sqlite: Batch = () => {
    updateBatch();
    return count;
  };

  return {
    id: 'heap-update',
    title: `updates of one int4 column in ${formatRows(n)} rows`,
    unit: 'updates',
    variants: [
      { name: HOT_UPDATE, batch: hot.batch },
      { name: NON_HOT_UPDATE, batch: cold.batch },
      { name: SQLITE, batch: sqlite },
    ],
    ratios: [
      { subject: HOT_UPDATE, baseline: NON_HOT_UPDATE },
      { subject: HOT_UPDATE, baseline: SQLITE },
      { subject: NON_HOT_UPDATE, baseline: SQLITE },
    ],
    dispose: () => db.close(),
  };
}

/**
 * Sequential scans of n committed rows: the heap checks each tuple's
 * visibility against an MVCC snapshot (the hint bits the first scan sets
 * answer it afterwards) and deforms the visible ones; SQLite returns every
 * row (`SELECT * FROM t`, as arrays) or only counts them (`SELECT count(*)`,
 * which reads no row's columns). One batch is one whole scan.
 */
export function heapScanWorkload(n = DEFAULT_SCAN_ROWS): Workload {
  const xacts = new FakeTransactions();
  const { heap } = loadedHeap(n, xacts);
  const snapshot = xacts.snapshot(undefined);
  const ctx = xacts.context(undefined);
  const subject: Batch = () => {
    let rows = 0;
    let sum = 0;
    for (const row of heap.scan(snapshot, ctx)) {
      sum = (sum + (row.values[0] as number)) | 0;
      rows++;
    }
    foldSink(sum);
    return rows;
  };

  const db = loadedSqlite(n);
  const selectAll = db.prepare('SELECT id, k, v, filler FROM t').raw();
  const selectCount = db.prepare('SELECT count(*) FROM t').pluck();
  const scan: Batch = () => {
    let rows = 0;
    let sum = 0;
    for (const row of selectAll.iterate() as Iterable<unknown[]>) {
      sum = (sum + (row[0] as number)) | 0;
      rows++;
    }
    foldSink(sum);
    return rows;
  };
  const count: Batch = () => selectCount.get() as number;

  // Every variant sees all n rows before anything is timed.
  for (const [name, batch] of [
    [HEAP_SUBJECT, subject],
    [SQLITE_SCAN, scan],
    [SQLITE_COUNT, count],
  ] as const) {
    const rows = batch();
    if (rows !== n) throw new Error(`${name} scanned ${rows} rows of ${n}`);
  }

  return {
    id: 'heap-scan',
    title: `sequential scans of ${formatRows(n)} rows`,
    unit: 'tuples',
    variants: [
      { name: HEAP_SUBJECT, batch: subject },
      { name: SQLITE_SCAN, batch: scan },
      { name: SQLITE_COUNT, batch: count },
    ],
    dispose: () => db.close(),
  };
}

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which ' +
  'but have an they you were her she there been one all we their has would when if so no will ' +
  'database table index tuple page buffer transaction snapshot commit vacuum heap toast value ' +
  'select insert update delete where order group by count sum avg join left right inner outer'
).split(' ');

/** About `bytes` bytes of English-like ASCII text (words, numbers, punctuation), the same every run. */
export function textLike(bytes: number, seed = 2024): Uint8Array {
  const out = new Uint8Array(bytes);
  let s = seed >>> 0;
  const rand = (m: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % m;
  };
  let at = 0;
  while (at < bytes) {
    const r = rand(20);
    const word =
      r === 0
        ? String(rand(100_000))
        : r === 1
          ? '.\n'
          : r === 2
            ? ','
            : WORDS[rand(WORDS.length)]!;
    for (let i = 0; i < word.length && at < bytes; i++) out[at++] = word.charCodeAt(i);
    if (at < bytes) out[at++] = 0x20;
  }
  return out;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** One `bytes`-byte text-like value, compressed by pglz (PGLZ_STRATEGY_DEFAULT) and by zlib. */
function compressed(bytes: number) {
  const text = textLike(bytes);
  const pglz = pglzCompress(text, PGLZ_STRATEGY_DEFAULT);
  if (pglz === null) throw new Error(`pglz did not compress ${bytes} bytes of text`);
  const zlib = deflateRawSync(text, { level: 1 });
  if (!sameBytes(pglzDecompress(pglz, text.length), text)) throw new Error('pglz round trip');
  if (!sameBytes(inflateRawSync(zlib), text)) throw new Error('zlib round trip');
  return { text, pglz, zlib };
}

/** Compression of one text-like value: pglz against zlib level 1. One operation is one value. */
export function compressWorkload(bytes = DEFAULT_TEXT_BYTES): Workload {
  const { text, pglz, zlib } = compressed(bytes);
  return {
    id: 'toast-compress',
    title: `compress ${formatBytes(bytes)} of text (pglz ${ratio(pglz, text)}, zlib ${ratio(zlib, text)})`,
    unit: 'values',
    bytesPerOp: bytes,
    variants: [
      {
        name: PGLZ_SUBJECT,
        batch: () => {
          foldSink(pglzCompress(text, PGLZ_STRATEGY_DEFAULT)?.length ?? 0);
          return 1;
        },
      },
      {
        name: ZLIB,
        batch: () => {
          foldSink(deflateRawSync(text, { level: 1 }).length);
          return 1;
        },
      },
    ],
  };
}

/** Decompression of the same value: pglz against zlib (the bytes of level 1). */
export function decompressWorkload(bytes = DEFAULT_TEXT_BYTES): Workload {
  const { text, pglz, zlib } = compressed(bytes);
  return {
    id: 'toast-decompress',
    title: `decompress ${formatBytes(bytes)} of text`,
    unit: 'values',
    bytesPerOp: bytes,
    variants: [
      {
        name: PGLZ_SUBJECT,
        batch: () => {
          foldSink(pglzDecompress(pglz, text.length)[bytes >> 1]!);
          return 1;
        },
      },
      {
        name: ZLIB,
        batch: () => {
          foldSink(inflateRawSync(zlib)[bytes >> 1]!);
          return 1;
        },
      },
    ],
  };
}

/** Compressed size as a percentage of the original. */
function ratio(compressedBytes: Uint8Array, original: Uint8Array): string {
  return `${Math.round((100 * compressedBytes.length) / original.length)} %`;
}

function formatRows(n: number): string {
  return n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

function formatBytes(n: number): string {
  return n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}

export interface HeapWorkloadOptions {
  readonly insertRows?: number;
  readonly updateRows?: number;
  readonly scanRows?: number;
  readonly textBytes?: number;
}

/** The heap and TOAST-compression workloads of a run. */
export function heapWorkloads(
  options: HeapWorkloadOptions = {},
): { readonly title: string; readonly make: () => Workload }[] {
  return [
    { title: 'heap inserts', make: () => heapInsertWorkload(options.insertRows) },
    { title: 'heap HOT and non-HOT updates', make: () => heapUpdateWorkload(options.updateRows) },
    { title: 'heap sequential scans', make: () => heapScanWorkload(options.scanRows) },
    { title: 'pglz compression', make: () => compressWorkload(options.textBytes) },
    { title: 'pglz decompression', make: () => decompressWorkload(options.textBytes) },
  ];
}
