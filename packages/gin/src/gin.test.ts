/**
 * Unit tests: the posting-list codec, entry-tree splits, posting trees,
 * vacuum and the search modes.
 */
import { compareTids, type Tid, tidKey } from '@pg/access';
import {
  arrayOps,
  compressPostingList,
  decodePostingList,
  GIN_COMPRESSED,
  GIN_DATA,
  GIN_LEAF,
  Gin,
  GinArrayStrategy,
  JsonbStrategy,
  jsonbOps,
  readOpaque,
} from '@pg/gin';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { builtins, type JsonbValue, pgArray } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const int4 = builtins.typeByName('int4')!;
const REL = { spcOid: 1663, dbOid: 5, relNumber: 16501 };

function newGin(): Gin {
  const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 64 * 8192 });
  return Gin.create({ pool, rel: REL, opclasses: [arrayOps('_int4_ops', int4 as never)] });
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
    for (let i = 0; i < 4000; i++) gin.insert([pgArray([i, i + 100000])], tid(i));
    expect(gin.stats.entrySplits).toBeGreaterThan(2);
    expect(readOpaque(gin.readCopy(1)).flags & GIN_LEAF).toBe(0);
    expect(gin.check()).toEqual([]);
    for (const i of [0, 1, 999, 2500, 3999]) {
      const r = gin.search([
        { attno: 1, strategy: GinArrayStrategy.contains, query: pgArray([i]) },
      ]);
      expect(r).toEqual([{ tid: tid(i), recheck: false }]);
    }
  });

  it('moves a long posting list to a posting tree, splits it, and vacuums it', () => {
    const gin = newGin();
    const n = 12000;
    for (let i = 0; i < n; i++) gin.insert([pgArray([7])], tid(i * 3));
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
    const stats = gin.bulkDelete((t) => tidKey(t) % 2 === 0);
    const left = gin.search([
      { attno: 1, strategy: GinArrayStrategy.overlap, query: pgArray([7]) },
    ]);
    expect(left.every((r) => tidKey(r.tid) % 2 === 1)).toBe(true);
    expect(stats.tuplesRemoved + left.length).toBe(n);
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
    });
    for (let i = 0; i < 3000; i++) gin.insert([pgArray(['y'.repeat(1000)])], tid(i));
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
