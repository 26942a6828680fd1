/**
 * Unit tests: the posting-list codec, entry-tree splits, posting trees,
 * vacuum and the search modes.
 */
import { compareTids, INVALID_BLOCK, type Tid, tidKey } from '@pg/access';
import {
  arrayOps,
  compressPostingList,
  decodePostingList,
  GIN_COMPRESSED,
  GIN_DATA,
  GIN_LEAF,
  GIN_LIST,
  GIN_LIST_FULLROW,
  Gin,
  GinArrayStrategy,
  JsonbStrategy,
  jsonbOps,
  readMeta,
  readOpaque,
} from '@pg/gin';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { builtins, type JsonbValue, pgArray } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ginLimits, readDataInternal } from './testing.js';

const int4 = builtins.typeByName('int4')!;
const REL = { spcOid: 1663, dbOid: 5, relNumber: 16501 };

function newGin(fastupdate = false): Gin {
  const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 64 * 8192 });
  return Gin.create({
    pool,
    rel: REL,
    opclasses: [arrayOps('_int4_ops', int4 as never)],
    fastupdate,
  });
}

const tid = (n: number): Tid => ({ block: Math.floor(n / 100), offset: (n % 100) + 1 });

describe('posting lists', () => {
  it('round-trip through varbyte segments no larger than the limit', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            block: fc.integer({ min: 0, max: 0xfffffffe }),
            offset: fc.integer({ min: 1, max: 2047 }),
          }),
          { selector: (t) => tidKey(t), maxLength: 300 },
        ),
        fc.constantFrom(16, 64, 384, 2712),
        (tids, max) => {
          const sorted = [...tids].sort(compareTids);
          const segs = compressPostingList(sorted, max);
          for (const s of segs) expect(s.bytes.length).toBeLessThanOrEqual(Math.max(max, 8));
          const all = new Uint8Array(segs.reduce((n, s) => n + s.bytes.length, 0));
          let at = 0;
          for (const s of segs) {
            all.set(s.bytes, at);
            at += s.bytes.length;
          }
          expect(decodePostingList(all)).toEqual(sorted);
        },
      ),
    );
  });

  it('encodes like PostgreSQL: first TID, length, 7-bit deltas of (block << 11 | offset)', () => {
    const [seg] = compressPostingList(
      [
        { block: 0, offset: 1 },
        { block: 0, offset: 2 },
        { block: 1, offset: 1 },
      ],
      384,
    );
    // (0,1); 3 bytes of deltas: 1, then 2048 - 1 = 2047 = 0x7ff -> 0xff 0x0f
    expect([...seg!.bytes]).toEqual([0, 0, 0, 0, 1, 0, 3, 0, 1, 0xff, 0x0f, 0]);
  });
});

describe('the entry tree and posting trees', () => {
  it('splits entry pages as keys accumulate and finds every key', () => {
    const gin = newGin();
    for (let i = 0; i < 2000; i++) gin.insert([pgArray([i, i + 100000])], tid(i));
    expect(gin.stats.entrySplits).toBeGreaterThan(2);
    expect(readOpaque(gin.readCopy(1)).flags & GIN_LEAF).toBe(0);
    expect(gin.check()).toEqual([]);
    for (const i of [0, 1, 999, 1500, 1999]) {
      const r = gin.search([
        { attno: 1, strategy: GinArrayStrategy.contains, query: pgArray([i]) },
      ]);
      expect(r).toEqual([{ tid: tid(i), recheck: false }]);
    }
  });

  it('moves a long posting list to a posting tree, splits it, and vacuums it', () => {
    const gin = newGin();
    const n = 5000;
    // TIDs 10 blocks apart (3-byte deltas): a data leaf holds about 2700.
    for (let i = 0; i < n; i++) gin.insert([pgArray([7])], tid(i * 1000));
    expect(gin.stats.postingTrees).toBe(1);
    expect(gin.stats.postingSplits).toBeGreaterThan(0);
    const found = gin.search([
      { attno: 1, strategy: GinArrayStrategy.overlap, query: pgArray([7]) },
    ]);
    expect(found.length).toBe(n);
    const root = [...Array(gin.nblocks()).keys()].find(
      (b) => readOpaque(gin.readCopy(b)).flags & GIN_DATA,
    );
    expect(root).toBeDefined();
    const leafFlags = readOpaque(gin.readCopy(gin.nblocks() - 1)).flags;
    expect(leafFlags & (GIN_DATA | GIN_LEAF | GIN_COMPRESSED)).toBe(
      GIN_DATA | GIN_LEAF | GIN_COMPRESSED,
    );
    const dead = (t: Tid) => (t.block / 10) % 2 === 0;
    const stats = gin.bulkDelete(dead);
    const left = gin.search([
      { attno: 1, strategy: GinArrayStrategy.overlap, query: pgArray([7]) },
    ]);
    expect(left.some((r) => dead(r.tid))).toBe(false);
    expect(left.length).toBe(n / 2);
    expect(stats.tuplesRemoved).toBe(n / 2);
    expect(gin.check()).toEqual([]);
  });

  it('uses the empty-item placeholder for include-empty and all modes', () => {
    const gin = newGin();
    gin.insert([pgArray([])], tid(1));
    gin.insert([pgArray([1, 2])], tid(2));
    gin.insert([null], tid(3));
    gin.insert([pgArray([null])], tid(4));
    const q = (strategy: number, elements: (number | null)[]) =>
      gin.search([{ attno: 1, strategy, query: pgArray(elements) }]).map((r) => tidKey(r.tid));
    expect(q(GinArrayStrategy.containedBy, [1, 2])).toEqual([tidKey(tid(1)), tidKey(tid(2))]);
    expect(q(GinArrayStrategy.contains, [])).toEqual([
      tidKey(tid(1)),
      tidKey(tid(2)),
      tidKey(tid(4)),
    ]);
    expect(q(GinArrayStrategy.overlap, [])).toEqual([]);
  });

  it('refuses a key too large for an entry tuple before changing anything (54000)', () => {
    const gin = Gin.create({
      pool: new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 16 * 8192 }),
      rel: REL,
      opclasses: [arrayOps('_text_ops', builtins.typeByName('text')! as never)],
      fastupdate: false,
    });
    // 3-byte deltas: the posting list outgrows the entry tuple after about 900 TIDs.
    for (let i = 0; i < 1200; i++) gin.insert([pgArray(['y'.repeat(1000)])], tid(i * 1000));
    const pages = gin.nblocks();
    const before = gin.dump().length;
    expect(() => gin.insert([pgArray(['x'.repeat(3000)])], tid(5000))).toThrow(
      /index row size exceeds maximum 2712/,
    );
    expect(gin.nblocks()).toBe(pages);
    expect(gin.dump().length).toBe(before);
    expect(gin.stats.postingTrees).toBe(1);
    expect(gin.check()).toEqual([]);
  });

  it('triConsistent agrees with consistent on definite inputs', () => {
    const ops = arrayOps('_int4_ops', int4 as never);
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.boolean(), { maxLength: 5 }),
        (check, strategy, nulls) => {
          const keys = check.map((_, i) => (nulls[i] ? null : i));
          const exact = ops.consistent(check, strategy, pgArray(keys), keys);
          const tri = ops.triConsistent!(
            check.map((c) => (c ? 'true' : 'false')),
            strategy,
            pgArray(keys),
            keys,
          );
          if (!exact.match) expect(tri).toBe('false');
          else expect(tri).toBe(exact.recheck ? 'maybe' : 'true');
        },
      ),
    );
  });

  it('indexes jsonb keys and values as flag-prefixed entries', () => {
    const gin = Gin.create({
      pool: new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 16 * 8192 }),
      rel: REL,
      opclasses: [jsonbOps],
      fastupdate: false,
    });
    const doc: JsonbValue = {
      kind: 'object',
      pairs: [['a', ['x', { kind: 'number', text: '1.50' }, true]]],
    };
    gin.insert([doc], tid(1));
    const keys = gin.dump().map((e) => [e.key[0], new TextDecoder().decode(e.key.subarray(1))]);
    expect(keys).toEqual([
      [1, 'a'],
      [1, 'x'],
      [3, 't'],
      [4, '1.5'],
    ]);
    expect(gin.search([{ attno: 1, strategy: JsonbStrategy.exists, query: 'x' }])).toEqual([
      { tid: tid(1), recheck: true },
    ]);
  });
});

describe('the pending list (fastupdate)', () => {
  it('appends rows to list pages, scans them, and flushes them into the entry tree', () => {
    const gin = newGin(true);
    for (let i = 0; i < 1500; i++) gin.insert([pgArray([i % 50, 1000 + i])], tid(i));
    const meta = readMeta(gin.readCopy(0));
    expect(meta.nPendingHeapTuples).toBe(1500n);
    expect(meta.nPendingPages).toBeGreaterThan(5);
    expect(readOpaque(gin.readCopy(meta.head)).flags & GIN_LIST).toBe(GIN_LIST);
    expect(readOpaque(gin.readCopy(meta.tail)).flags).toBe(GIN_LIST | GIN_LIST_FULLROW);
    expect(gin.dump()).toEqual([]);
    expect(gin.check()).toEqual([]);
    const q = (strategy: number, elements: number[]) =>
      gin.search([{ attno: 1, strategy, query: pgArray(elements) }]).map((r) => tidKey(r.tid));
    const seven = [...Array(30).keys()].map((n) => tidKey(tid(n * 50 + 7)));
    expect(q(GinArrayStrategy.overlap, [7])).toEqual(seven);
    expect(q(GinArrayStrategy.contains, [7, 1007])).toEqual([tidKey(tid(7))]);
    const pages = gin.cleanPendingList();
    expect(pages).toBe(meta.nPendingPages);
    expect(readMeta(gin.readCopy(0)).head).toBe(INVALID_BLOCK);
    expect(gin.dump().length).toBe(50 + 1500);
    expect(q(GinArrayStrategy.overlap, [7])).toEqual(seven);
    expect(gin.check()).toEqual([]);
    expect(gin.cleanPendingList()).toBe(0);
  });

  it('spreads a row too large for one page over a sublist and finds it', () => {
    const gin = newGin(true);
    gin.insert([pgArray([1])], tid(0));
    const big = [...Array(1500).keys()];
    gin.insert([pgArray(big)], tid(1));
    gin.insert([pgArray([2])], tid(2));
    const meta = readMeta(gin.readCopy(0));
    expect(meta.nPendingHeapTuples).toBe(3n);
    expect(meta.nPendingPages).toBeGreaterThanOrEqual(4);
    expect(gin.check()).toEqual([]);
    const r = gin.search([
      { attno: 1, strategy: GinArrayStrategy.contains, query: pgArray([1, 1499]) },
    ]);
    expect(r.map((x) => tidKey(x.tid))).toEqual([tidKey(tid(1))]);
    gin.cleanPendingList();
    expect(gin.check()).toEqual([]);
    expect(
      gin.search([{ attno: 1, strategy: GinArrayStrategy.contains, query: pgArray([1, 1499]) }]),
    ).toEqual(r);
  });

  it('flushes when the list outgrows gin_pending_list_limit, and VACUUM flushes first', () => {
    const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 64 * 8192 });
    const gin = Gin.create({
      pool,
      rel: REL,
      opclasses: [arrayOps('_int4_ops', int4 as never)],
      pendingListLimit: 64,
    });
    let flushedAt = -1;
    for (let i = 0; i < 5000 && flushedAt < 0; i++) {
      gin.insert([pgArray([i])], tid(i));
      if (gin.stats.flushes > 0) flushedAt = i;
    }
    // 64kB: the list is flushed once it holds more than 8 pages (9 * 8160 > 65536).
    expect(flushedAt).toBeGreaterThan(0);
    expect(readMeta(gin.readCopy(0)).nPendingPages).toBe(0);
    for (let i = 5000; i < 5100; i++) gin.insert([pgArray([i])], tid(i));
    expect(readMeta(gin.readCopy(0)).nPendingHeapTuples).toBe(100n);
    const stats = gin.bulkDelete((t) => tidKey(t) % 2 === 0);
    expect(readMeta(gin.readCopy(0)).nPendingHeapTuples).toBe(0n);
    const inserted = [
      ...Array(flushedAt + 1).keys(),
      ...Array.from({ length: 100 }, (_, i) => 5000 + i),
    ];
    expect(stats.tuplesRemoved).toBe(inserted.filter((i) => tidKey(tid(i)) % 2 === 0).length);
    // The deleted list pages are reused by the next list.
    const blocks = gin.nblocks();
    for (let i = 6000; i < 6100; i++) gin.insert([pgArray([i])], tid(i));
    expect(gin.nblocks()).toBe(blocks);
    expect(gin.stats.pagesReused).toBeGreaterThan(0);
    expect(gin.check()).toEqual([]);
  });

  it('rejects a pending list limit below 64kB (22023)', () => {
    const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 16 * 8192 });
    expect(() =>
      Gin.create({ pool, rel: REL, opclasses: [jsonbOps], pendingListLimit: 10 }),
    ).toThrow(/out of bounds/);
  });
});

describe('the bulk build', () => {
  it('writes posting trees that survive eviction and rereading from a small buffer pool', () => {
    // 16 buffers: the build's pages are evicted and read back (verified) by its final logging
    // and by the scans. Ten keys of 7,000 TIDs 10 blocks apart (3-byte deltas): each a posting
    // tree of three leaves under a root with an odd number of PostingItems.
    const gin = Gin.create({
      pool: new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 16 * 8192 }),
      rel: REL,
      opclasses: [arrayOps('_int4_ops', int4 as never)],
    });
    const keys = pgArray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const rows = Array.from({ length: 7000 }, (_, i) => ({ tid: tid(i * 1000), values: [keys] }));
    expect(gin.build(rows)).toEqual({ heapTuples: 7000, indexTuples: 7000 });
    expect(gin.stats.postingTrees).toBe(10);
    // The first tree's root (block 2): three leaves below it, an odd count.
    expect(readDataInternal(gin.readCopy(2)).length).toBe(3);
    expect(gin.check()).toEqual([]);
    for (const k of [1, 10]) {
      const found = gin.search([
        { attno: 1, strategy: GinArrayStrategy.contains, query: pgArray([k]) },
      ]);
      expect(found.length).toBe(7000);
    }
  });
});

describe('deep posting trees and page recycling', () => {
  it('grows a posting tree past two levels, vacuums it, deletes and recycles its empty leaves', () => {
    ginLimits.maxPostingItems = 3;
    ginLimits.maxLeafDataSize = 1000;
    try {
      const gin = newGin();
      const n = 4000;
      // TIDs 10 blocks apart: 3-byte deltas, about 170 TIDs a leaf after even splits.
      for (let i = 0; i < n; i++) gin.insert([pgArray([7])], tid(i * 1000));
      const root = gin.dump()[0]!;
      expect(root.tids.length).toBe(n);
      // A third level: the root's children are internal pages.
      const rootBlock = [...Array(gin.nblocks()).keys()].find(
        (b) => readOpaque(gin.readCopy(b)).flags & GIN_DATA,
      )!;
      const child = readDataInternal(gin.readCopy(rootBlock))[0]!.child;
      expect(readOpaque(gin.readCopy(child)).flags & GIN_LEAF).toBe(0);
      expect(gin.check()).toEqual([]);
      // Kill everything but the first and last 500: the middle leaves empty out.
      const dead = new Set<number>();
      for (let i = 500; i < n - 500; i++) dead.add(tidKey(tid(i * 1000)));
      const stats = gin.bulkDelete((t) => dead.has(tidKey(t)));
      expect(stats.pagesNewlyDeleted).toBeGreaterThan(0);
      expect(gin.check()).toEqual([]);
      const left = gin.search([
        { attno: 1, strategy: GinArrayStrategy.overlap, query: pgArray([7]) },
      ]);
      expect(left.length).toBe(1000);
      const cleanup = gin.vacuumCleanup(stats);
      expect(cleanup.pagesFree).toBeGreaterThanOrEqual(stats.pagesNewlyDeleted);
      const blocks = gin.nblocks();
      for (let i = 0; i < 1500; i++) gin.insert([pgArray([8])], tid(i * 1000));
      // The new posting tree lives on recycled pages; only the entry root's split extends the index.
      expect(gin.stats.pagesReused).toBeGreaterThan(5);
      expect(gin.nblocks()).toBeLessThanOrEqual(blocks + 2);
      expect(gin.check()).toEqual([]);
      expect(
        gin.search([{ attno: 1, strategy: GinArrayStrategy.overlap, query: pgArray([8]) }]).length,
      ).toBe(1500);
    } finally {
      ginLimits.maxPostingItems = 815;
      ginLimits.maxLeafDataSize = 8152;
    }
  });
});
