/**
 * B-tree workloads: @pg/btree (PostgreSQL 15's nbtree pages in a buffer
 * pool over a memory storage manager) doing the jobs of an index on an int4
 * column, against two peers measured in the same run:
 *
 * - sorted-btree: an in-memory B+ tree of JavaScript numbers (key -> TID as
 *   a number), the fastest thing a JavaScript program would reach for. It
 *   has no pages, no bytes and no buffer manager: the ratio is what the
 *   PostgreSQL page format, the buffer pool and the scan API cost.
 * - SQLite: an in-memory database through better-sqlite3, a B-tree of pages
 *   in C with prepared statements, `CREATE TABLE t(k INTEGER PRIMARY KEY,
 *   tid INTEGER)`: the table is itself a B-tree keyed by k, holding the TID.
 *   Inserts run in one transaction per batch. The bulk build is `CREATE
 *   INDEX` on a heap table `h(k INTEGER, tid INTEGER)`, which sorts and
 *   loads as PostgreSQL's CREATE INDEX does.
 *
 * @pg/btree runs unlogged (no WAL), in a pool large enough to hold the whole
 * index, so nothing is written to storage while it is measured.
 *
 * Keys are distinct int4 values 0..N-1: in order (sequential inserts), or a
 * fixed pseudo-random permutation (random inserts, the heap order of the
 * bulk build, and the index searched by lookups and range scans). Each entry
 * points to the TID (k / 128, k % 128 + 1). The insert workloads start over
 * with an empty index once it holds N keys, so every round inserts into an
 * index of 0..N keys; creating the empty index is part of the cost.
 */
import { Strategy, scanKey, type Tid } from '@pg/access';
import { BTree } from '@pg/btree';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { builtins } from '@pg/types';
import Database from 'better-sqlite3';
import sortedBtree from 'sorted-btree';
import { bulkLoad } from 'sorted-btree/extended/bulkLoad.js';
import type { Batch, Variant, Workload } from './measure.js';
import { foldSink } from './workloads.js';

export const BTREE_SUBJECT = '@pg/btree';
export const SORTED_BTREE = 'sorted-btree';
export const SQLITE = 'SQLite';

/**
 * sorted-btree is CommonJS with `exports.default`: Node's own ESM import
 * gives module.exports (the class is its `default`), vitest's gives the class.
 */
const loaded = sortedBtree as unknown as { readonly default?: typeof sortedBtree.default };
const OrderedMap = loaded.default ?? (sortedBtree as unknown as typeof sortedBtree.default);
type OrderedMap = InstanceType<typeof OrderedMap<number, number>>;

/** Keys in the index searched, and in the insert workloads' index before it starts over. */
export const DEFAULT_KEYS = 200_000;
/** Keys of one bulk build. */
export const DEFAULT_BUILD_KEYS = 100_000;
/** Keys one range scan returns. */
export const RANGE_KEYS = 100;
/** Operations per batch (a range scan batch: this many keys, in scans of RANGE_KEYS). */
const BATCH = 256;
/** sorted-btree's default node size, also for its bulk load. */
const NODE_SIZE = 64;

const int4 = builtins.typeByName('int4');
if (int4 === undefined) throw new Error('@pg/types has no int4');
const DESCRIPTOR = { name: 'bench_idx', keys: [{ name: 'k', type: int4 }] };
const REL = { spcOid: 1663, dbOid: 5, relNumber: 16384 };
/** shared_buffers for one index: 4,096 buffers (32 MiB), several times a 200k-key index. */
const POOL_BYTES = 4096 * 8192;

const tidOf = (k: number): Tid => ({ block: k >>> 7, offset: (k & 127) + 1 });
/** The TID as one number, as the peers store it. */
const tidNumber = (k: number) => (k >>> 7) * 65536 + (k & 127) + 1;

/** A fixed pseudo-random permutation of 0..n-1 (Fisher-Yates with an LCG). */
export function permutation(n: number, seed = 12345): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** An empty @pg/btree index in a fresh pool over a fresh memory storage manager. */
export function emptyBTree(): BTree {
  const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: POOL_BYTES });
  return BTree.create({ pool, rel: REL, descriptor: DESCRIPTOR });
}

function sqliteTable(): Database.Database {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t(k INTEGER PRIMARY KEY, tid INTEGER NOT NULL)');
  return db;
}

/** The blocks an index has, to check that the pool holds all of it. */
function checkFits(tree: BTree): void {
  const blocks = tree.pool.smgr.nblocks(REL, 0);
  if (blocks > POOL_BYTES / 8192) {
    throw new Error(`the index has ${blocks} blocks, more than the pool's ${POOL_BYTES / 8192}`);
  }
}

export interface BTreeWorkloadOptions {
  /** Keys of the searched index and of a full insert index (default 200,000). */
  readonly keys?: number;
  /** Keys of one bulk build (default 100,000). */
  readonly buildKeys?: number;
}

/**
 * Inserts of the keys in `order` (a permutation of 0..n-1), starting over
 * with an empty index after the last one.
 */
export function insertWorkload(kind: 'sequential' | 'random', n = DEFAULT_KEYS): Workload {
  const order = kind === 'random' ? permutation(n) : Int32Array.from({ length: n }, (_, i) => i);

  let tree = emptyBTree();
  let treeCount = 0;
  const subject: Batch = () => {
    for (let i = 0; i < BATCH; i++) {
      if (treeCount === n) {
        checkFits(tree);
        tree = emptyBTree();
        treeCount = 0;
      }
      const k = order[treeCount++]!;
      tree.insert([k], tidOf(k));
    }
    return BATCH;
  };

  let map: OrderedMap = new OrderedMap<number, number>();
  let mapCount = 0;
  const sorted: Batch = () => {
    for (let i = 0; i < BATCH; i++) {
      if (mapCount === n) {
        map = new OrderedMap<number, number>();
        mapCount = 0;
      }
      const k = order[mapCount++]!;
      map.set(k, tidNumber(k));
    }
    return BATCH;
  };

  const db = sqliteTable();
  const insert = db.prepare('INSERT INTO t(k, tid) VALUES (?, ?)');
  const clear = db.prepare('DELETE FROM t');
  let dbCount = 0;
  const insertBatch = db.transaction(() => {
    for (let i = 0; i < BATCH; i++) {
      if (dbCount === n) {
        clear.run();
        dbCount = 0;
      }
      const k = order[dbCount++]!;
      insert.run(k, tidNumber(k));
    }
  });
  const sqlite: Batch = () => {
    insertBatch();
    return BATCH;
  };

  return {
    id: `btree-insert-${kind}`,
    title: `${kind} inserts, up to ${formatKeys(n)} int4 keys`,
    unit: 'inserts',
    variants: [
      { name: BTREE_SUBJECT, batch: subject },
      { name: SORTED_BTREE, batch: sorted },
      { name: SQLITE, batch: sqlite },
    ],
    dispose: () => db.close(),
  };
}

/** The three indexes of 0..n-1, loaded in the permutation's order, for the search workloads. */
interface Loaded {
  readonly tree: BTree;
  readonly map: OrderedMap;
  readonly db: Database.Database;
}

function loadAll(n: number): Loaded {
  const order = permutation(n);
  const tree = emptyBTree();
  const map = new OrderedMap<number, number>();
  const db = sqliteTable();
  const insert = db.prepare('INSERT INTO t(k, tid) VALUES (?, ?)');
  db.transaction(() => {
    for (const k of order) insert.run(k, tidNumber(k));
  })();
  for (const k of order) {
    tree.insert([k], tidOf(k));
    map.set(k, tidNumber(k));
  }
  checkFits(tree);
  return { tree, map, db };
}

/** Point lookups of existing keys in random order: each finds one TID. */
export function lookupWorkload(n = DEFAULT_KEYS): Workload {
  const { tree, map, db } = loadAll(n);
  const probes = permutation(n, 777);
  const scan = tree.beginScan();
  const select = db.prepare('SELECT tid FROM t WHERE k = ?').pluck();

  const lookups = {
    subject: (k: number): number => {
      scan.rescan([scanKey(1, Strategy.equal, k)]);
      const r = scan.next('forward');
      return r === null ? -1 : r.tid.block * 65536 + r.tid.offset;
    },
    sorted: (k: number): number => map.get(k) ?? -1,
    sqlite: (k: number): number => (select.get(k) as number | undefined) ?? -1,
  };
  // The variants must find the same TIDs before anything is timed.
  for (let i = 0; i < Math.min(n, 1000); i++) {
    const k = probes[i]!;
    const want = tidNumber(k);
    for (const [name, lookup] of Object.entries(lookups)) {
      const got = lookup(k);
      if (got !== want) throw new Error(`lookup of ${k} in ${name}: ${got}, expected ${want}`);
    }
  }

  const batchOf = (lookup: (k: number) => number): Batch => {
    let at = 0;
    return () => {
      let s = 0;
      for (let i = 0; i < BATCH; i++) {
        s += lookup(probes[at]!);
        at = at + 1 === n ? 0 : at + 1;
      }
      foldSink(s);
      return BATCH;
    };
  };
  return {
    id: 'btree-lookup',
    title: `point lookups in ${formatKeys(n)} int4 keys`,
    unit: 'lookups',
    variants: [
      { name: BTREE_SUBJECT, batch: batchOf(lookups.subject) },
      { name: SORTED_BTREE, batch: batchOf(lookups.sorted) },
      { name: SQLITE, batch: batchOf(lookups.sqlite) },
    ],
    dispose: () => {
      scan.end();
      db.close();
    },
  };
}

/** Range scans `lo <= k < lo + 100` at random places: each returns 100 keys, in order. */
export function rangeWorkload(n = DEFAULT_KEYS): Workload {
  const { tree, map, db } = loadAll(n);
  const span = Math.min(RANGE_KEYS, n);
  const starts = permutation(n - span + 1, 4242);
  const scan = tree.beginScan();
  const select = db.prepare('SELECT tid FROM t WHERE k >= ? AND k < ? ORDER BY k').pluck();

  /** Each scan returns how many keys it found; `sum` gets a fold of their TIDs. */
  let sum = 0;
  const scans = {
    subject: (lo: number): number => {
      scan.rescan([scanKey(1, Strategy.greaterEqual, lo), scanKey(1, Strategy.less, lo + span)]);
      let count = 0;
      for (let r = scan.next('forward'); r !== null; r = scan.next('forward')) {
        sum = (sum + r.tid.block * 65536 + r.tid.offset) | 0;
        count++;
      }
      return count;
    },
    sorted: (lo: number): number =>
      map.forRange(lo, lo + span, false, (_k, tid) => {
        sum = (sum + tid) | 0;
      }),
    sqlite: (lo: number): number => {
      const tids = select.all(lo, lo + span) as number[];
      for (const tid of tids) sum = (sum + tid) | 0;
      return tids.length;
    },
  };
  // Same keys, same TIDs, before anything is timed.
  for (let i = 0; i < Math.min(starts.length, 100); i++) {
    const lo = starts[i]!;
    let want = 0;
    for (let k = lo; k < lo + span; k++) want = (want + tidNumber(k)) | 0;
    for (const [name, rangeScan] of Object.entries(scans)) {
      sum = 0;
      const count = rangeScan(lo);
      if (count !== span || sum !== want) {
        throw new Error(
          `range scan from ${lo} in ${name}: ${count} keys, TID sum ${sum} (${want})`,
        );
      }
    }
  }

  const scansPerBatch = Math.max(1, Math.floor(BATCH / span));
  const batchOf = (rangeScan: (lo: number) => number): Batch => {
    let at = 0;
    return () => {
      let keys = 0;
      for (let i = 0; i < scansPerBatch; i++) {
        keys += rangeScan(starts[at]!);
        at = at + 1 === starts.length ? 0 : at + 1;
      }
      foldSink(sum);
      return keys;
    };
  };
  return {
    id: 'btree-range',
    title: `range scans of ${span} keys in ${formatKeys(n)} int4 keys`,
    unit: 'keys',
    variants: [
      { name: BTREE_SUBJECT, batch: batchOf(scans.subject) },
      { name: SORTED_BTREE, batch: batchOf(scans.sorted) },
      { name: SQLITE, batch: batchOf(scans.sqlite) },
    ],
    dispose: () => {
      scan.end();
      db.close();
    },
  };
}

/**
 * Bulk build: an index over n heap tuples in heap (random) order, from
 * empty. One batch is one whole build; the operations are its keys.
 */
export function buildWorkload(n = DEFAULT_BUILD_KEYS): Workload {
  const order = permutation(n, 99);
  const heap = Array.from(order, (k) => ({ tid: tidOf(k), values: [k] }));
  const pairs = Array.from(order, (k) => ({ k, tid: tidNumber(k) }));

  const subject: Batch = () => {
    const tree = emptyBTree();
    const result = tree.build(heap);
    if (result.indexTuples !== n) throw new Error(`build indexed ${result.indexTuples} of ${n}`);
    foldSink(tree.pool.smgr.nblocks(REL, 0));
    return n;
  };

  const sorted: Batch = () => {
    const byKey = pairs.slice().sort((a, b) => a.k - b.k);
    const map = bulkLoad(
      byKey.map((p) => p.k),
      byKey.map((p) => p.tid),
      NODE_SIZE,
      (a: number, b: number) => a - b,
    );
    foldSink(map.size);
    return n;
  };

  const db = new Database(':memory:');
  db.exec('CREATE TABLE h(k INTEGER NOT NULL, tid INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO h(k, tid) VALUES (?, ?)');
  db.transaction(() => {
    for (const { k, tid } of pairs) insert.run(k, tid);
  })();
  const sqlite: Batch = () => {
    db.exec('DROP INDEX IF EXISTS h_k; CREATE INDEX h_k ON h(k)');
    return n;
  };

  return {
    id: 'btree-build',
    title: `bulk build of ${formatKeys(n)} int4 keys`,
    unit: 'keys',
    variants: [
      { name: BTREE_SUBJECT, batch: subject },
      { name: SORTED_BTREE, batch: sorted },
      { name: SQLITE, batch: sqlite },
    ] satisfies Variant[],
    dispose: () => db.close(),
  };
}

function formatKeys(n: number): string {
  return n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/** The B-tree workloads of a run. */
export function btreeWorkloads(
  options: BTreeWorkloadOptions = {},
): { readonly title: string; readonly make: () => Workload }[] {
  const n = options.keys ?? DEFAULT_KEYS;
  const build = options.buildKeys ?? DEFAULT_BUILD_KEYS;
  return [
    { title: 'B-tree sequential inserts', make: () => insertWorkload('sequential', n) },
    { title: 'B-tree random inserts', make: () => insertWorkload('random', n) },
    { title: 'B-tree point lookups', make: () => lookupWorkload(n) },
    { title: 'B-tree range scans', make: () => rangeWorkload(n) },
    { title: 'B-tree bulk build', make: () => buildWorkload(build) },
  ];
}
