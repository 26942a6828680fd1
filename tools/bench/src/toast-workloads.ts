/**
 * TOAST workloads: values stored out of line through @pg/heap's
 * transparent toasting (heap_toast_insert_or_update: pglz when the value
 * compresses, chunks of 1996 bytes in a toast heap with its B-tree on
 * (chunk_id, chunk_seq)) and read back (detoast: the chunks found through
 * the index, checked, concatenated, decompressed), in MB/s, against peers
 * measured in the same run:
 *
 * - SQLite: an in-memory database through better-sqlite3, `CREATE TABLE
 *   t(id INTEGER PRIMARY KEY, data BLOB)`; a big BLOB goes to overflow
 *   pages, SQLite's counterpart of a toast relation. Writes are `INSERT`s,
 *   reads `SELECT data FROM t WHERE id = ?`.
 * - node:zlib: `deflateRawSync` (write) and `inflateRawSync` (read) at level
 *   1 of the same value, the compression peer: what compressing alone
 *   costs, with no storage at all.
 *
 * Values are 100 KiB and 1 MiB, compressible (text-like, pglz takes it to
 * about half) and incompressible (pseudo-random bytes: pglz gives up and the
 * value goes out of line raw). One operation is one value; MB/s is its size
 * over the time. Writes run in one transaction per batch and start over
 * with an empty table once STORE_CAP bytes are stored, as the insert
 * workloads do. Reads fetch a preloaded table's rows round-robin by TID
 * with a snapshot; the toaster's cache of detoasted values is off
 * (cacheBytes 0), so every read fetches its chunks. Unlogged, in a buffer
 * pool over a memory storage manager, like the heap workloads.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Tid } from '@pg/access';
import { BTree } from '@pg/btree';
import { Heap, Toaster } from '@pg/heap';
import { FakeTransactions } from '@pg/heap/testing';
import { BufferPool, ForkNumber, MemorySmgr } from '@pg/storage';
import { builtins } from '@pg/types';
import Database from 'better-sqlite3';
import { textLike } from './heap-workloads.js';
import type { Batch, Workload } from './measure.js';
import { foldSink } from './workloads.js';

export const TOAST_SUBJECT = '@pg/heap TOAST';
export const TOAST_SQLITE = 'SQLite BLOB';
export const TOAST_ZLIB = 'zlib level 1';

/** The value sizes measured. */
export const DEFAULT_TOAST_SIZES: readonly number[] = [100 * 1024, 1024 * 1024];
/** Bytes a write workload stores before it starts over with an empty table. */
const STORE_CAP = 32 * 1024 * 1024;
/** Bytes of values in a read workload's table. */
const READ_SET = 8 * 1024 * 1024;

function typeOf(name: string) {
  const t = builtins.typeByName(name);
  if (t === undefined) throw new Error(`@pg/types has no ${name}`);
  return t;
}
const MAIN = { spcOid: 1663, dbOid: 5, relNumber: 16500 };
const TOAST = { spcOid: 1663, dbOid: 5, relNumber: 16501 };
const TOAST_INDEX = { spcOid: 1663, dbOid: 5, relNumber: 16502 };
/** shared_buffers: 8,192 buffers (64 MiB), more than STORE_CAP's chunks take. */
const POOL_BYTES = 8192 * 8192;

export type ValueKind = 'compressible' | 'incompressible';

/** A value of `bytes` bytes: text-like, or xorshift noise. */
export function toastValue(bytes: number, kind: ValueKind): Uint8Array {
  if (kind === 'compressible') return textLike(bytes);
  const out = new Uint8Array(bytes);
  let s = 0x9e3779b9 | 1;
  for (let i = 0; i < bytes; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}

/** A table (id int4, data bytea) with a toast relation, in a fresh pool over a fresh storage manager. */
export function toastedHeap(cacheBytes?: number): Heap {
  const smgr = new MemorySmgr();
  smgr.create(MAIN, ForkNumber.main);
  smgr.create(TOAST, ForkNumber.main);
  const pool = new BufferPool({ smgr, sharedBuffers: POOL_BYTES });
  const int4 = typeOf('int4');
  const oid = typeOf('oid');
  const bytea = typeOf('bytea');
  const index = BTree.create({
    pool,
    rel: TOAST_INDEX,
    descriptor: {
      name: 'pg_toast_16501_index',
      keys: [
        { name: 'chunk_id', type: oid },
        { name: 'chunk_seq', type: int4 },
      ],
      unique: true,
    },
  });
  const toaster = new Toaster({
    heap: new Heap({ pool, rel: TOAST, types: [oid, int4, bytea] }),
    index,
    toastRelId: 16501,
    ...(cacheBytes === undefined ? {} : { cacheBytes }),
  });
  return new Heap({ pool, rel: MAIN, types: [int4, bytea], toast: { toaster } });
}

function sqliteTable(): Database.Database {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, data BLOB)');
  return db;
}

function formatSize(n: number): string {
  return n >= 1024 * 1024 ? `${n / (1024 * 1024)} MiB` : `${n / 1024} KiB`;
}

/** Values per batch: about 2 MB of them. */
const perBatch = (bytes: number) => Math.max(1, Math.floor((2 * 1024 * 1024) / bytes));

/** Writes of `bytes`-byte values: @pg/heap toasting them, SQLite storing BLOBs, zlib compressing. */
export function toastWriteWorkload(bytes: number, kind: ValueKind): Workload {
  const value = toastValue(bytes, kind);
  const n = perBatch(bytes);
  const cap = Math.max(n, Math.floor(STORE_CAP / bytes));
  const xacts = new FakeTransactions();
  let heap = toastedHeap();
  let count = 0;
  const subject: Batch = () => {
    const x = xacts.begin();
    for (let i = 0; i < n; i++) {
      if (count === cap) {
        heap = toastedHeap();
        count = 0;
      }
      heap.insert([count, value], x.xid, x.cid);
      count++;
    }
    xacts.end(x, true);
    return n;
  };

  const db = sqliteTable();
  const insert = db.prepare('INSERT INTO t(id, data) VALUES (?, ?)');
  const clear = db.prepare('DELETE FROM t');
  let dbCount = 0;
  const insertBatch = db.transaction(() => {
    for (let i = 0; i < n; i++) {
      if (dbCount === cap) {
        clear.run();
        dbCount = 0;
      }
      insert.run(dbCount, value);
      dbCount++;
    }
  });
  const sqlite: Batch = () => {
    insertBatch();
    return n;
  };
  const zlib: Batch = () => {
    for (let i = 0; i < n; i++) foldSink(deflateRawSync(value, { level: 1 }).length);
    return n;
  };
  return {
    id: `toast-write-${bytes}-${kind}`,
    title: `toast writes of ${formatSize(bytes)} ${kind} values`,
    unit: 'values',
    bytesPerOp: bytes,
    variants: [
      { name: TOAST_SUBJECT, batch: subject },
      { name: TOAST_SQLITE, batch: sqlite },
      { name: TOAST_ZLIB, batch: zlib },
    ],
    dispose: () => db.close(),
  };
}

/** Reads of `bytes`-byte values: @pg/heap detoasting them, SQLite reading BLOBs, zlib inflating. */
export function toastReadWorkload(bytes: number, kind: ValueKind): Workload {
  const value = toastValue(bytes, kind);
  const n = perBatch(bytes);
  const rows = Math.max(n, Math.floor(READ_SET / bytes));
  const xacts = new FakeTransactions();
  const heap = toastedHeap(0);
  const tids: Tid[] = [];
  const load = xacts.begin();
  for (let id = 0; id < rows; id++) tids.push(heap.insert([id, value], load.xid, load.cid));
  xacts.end(load, true);
  const snapshot = xacts.snapshot(undefined);
  const ctx = xacts.context(undefined);
  const check = (got: unknown) => {
    const b = got as Uint8Array;
    if (b.length !== bytes || b[bytes >> 1] !== value[bytes >> 1])
      throw new Error('toast read: wrong value');
    foldSink(b[bytes - 1]!);
  };
  let next = 0;
  const subject: Batch = () => {
    for (let i = 0; i < n; i++) {
      const row = heap.fetch(tids[next]!, snapshot, ctx);
      next = next + 1 === rows ? 0 : next + 1;
      check(row?.values[1]);
    }
    return n;
  };

  const db = sqliteTable();
  const insert = db.prepare('INSERT INTO t(id, data) VALUES (?, ?)');
  db.transaction(() => {
    for (let id = 0; id < rows; id++) insert.run(id, value);
  })();
  const select = db.prepare('SELECT data FROM t WHERE id = ?').pluck();
  let dbNext = 0;
  const sqlite: Batch = () => {
    for (let i = 0; i < n; i++) {
      check(select.get(dbNext));
      dbNext = dbNext + 1 === rows ? 0 : dbNext + 1;
    }
    return n;
  };
  const deflated = deflateRawSync(value, { level: 1 });
  const zlib: Batch = () => {
    for (let i = 0; i < n; i++) check(inflateRawSync(deflated));
    return n;
  };
  return {
    id: `toast-read-${bytes}-${kind}`,
    title: `toast reads of ${formatSize(bytes)} ${kind} values`,
    unit: 'values',
    bytesPerOp: bytes,
    variants: [
      { name: TOAST_SUBJECT, batch: subject },
      { name: TOAST_SQLITE, batch: sqlite },
      { name: TOAST_ZLIB, batch: zlib },
    ],
    dispose: () => db.close(),
  };
}

/** The TOAST workloads of a run: writes and reads of each size and kind. */
export function toastWorkloads(
  sizes: readonly number[] = DEFAULT_TOAST_SIZES,
): { readonly title: string; readonly make: () => Workload }[] {
  const out: { readonly title: string; readonly make: () => Workload }[] = [];
  for (const bytes of sizes)
    for (const kind of ['compressible', 'incompressible'] as const) {
      out.push({
        title: `toast writes, ${formatSize(bytes)} ${kind}`,
        make: () => toastWriteWorkload(bytes, kind),
      });
      out.push({
        title: `toast reads, ${formatSize(bytes)} ${kind}`,
        make: () => toastReadWorkload(bytes, kind),
      });
    }
  return out;
}
