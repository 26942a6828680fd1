/**
 * The hash index against a multimap key -> TIDs: random inserts (many
 * duplicates and enough rows to split buckets and chain overflow pages),
 * bulk deletes through a vacuum-style callback, and equality scans, with the
 * structural invariants checked after every step.
 */
import { Strategy, scanKey, type Tid } from '@pg/access';
import { HashIndex } from '@pg/hash';
import { checkHash } from '@pg/hash/testing';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { builtins } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 80);
const REL = { spcOid: 1663, dbOid: 5, relNumber: 16500 };

type Op =
  | { kind: 'insert'; key: number; n: number; spread: number }
  | { kind: 'vacuum'; modulo: number; rem: number }
  | { kind: 'scan'; key: number };

const op = (keys: number): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record({
        kind: fc.constant('insert' as const),
        key: fc.integer({ min: 0, max: keys }),
        n: fc.integer({ min: 1, max: 600 }),
        spread: fc.integer({ min: 0, max: 50 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('vacuum' as const),
        modulo: fc.integer({ min: 2, max: 5 }),
        rem: fc.integer({ min: 0, max: 4 }),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('scan' as const),
        key: fc.integer({ min: -2, max: keys + 2 }),
      }),
    },
  );

const tk = (t: Tid) => `${t.block}/${t.offset}`;

function setup(typeName: 'int4' | 'text' | 'int8') {
  const type = builtins.typeByName(typeName)!;
  const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 64 * 8192 });
  const index = HashIndex.create({
    pool,
    rel: REL,
    descriptor: { name: 'h', keys: [{ name: 'k', type }] },
  });
  const value = (k: number): unknown =>
    typeName === 'int4' ? k : typeName === 'int8' ? BigInt(k) * 4294967311n : `key-${k}`;
  return { index, value };
}

function run(typeName: 'int4' | 'text' | 'int8', ops: readonly Op[]): void {
  const { index, value } = setup(typeName);
  const model = new Map<number, Set<string>>();
  let next = 0;
  const scan = (k: number) => {
    const s = index.beginScan();
    s.rescan([scanKey(1, Strategy.equal, value(k))]);
    const got: string[] = [];
    for (let r = s.next(); r !== null; r = s.next()) {
      expect(r.recheck).toBe(true);
      got.push(tk(r.tid));
    }
    s.end();
    return got.sort();
  };
  // Equal keys have equal hash codes; the scan returns every entry with the key's hash code
  // (results carry recheck), so keys whose codes collide are returned together.
  const expected = (k: number) => {
    const h = index.hashOf(value(k));
    const out: string[] = [];
    for (const [k2, set] of model) if (index.hashOf(value(k2)) === h) out.push(...set);
    return out.sort();
  };
  for (const o of ops) {
    if (o.kind === 'insert') {
      for (let i = 0; i < o.n; i++) {
        const k = o.spread === 0 ? o.key : (o.key + i * 13) % (o.spread + o.key + 1);
        const tid = { block: Math.floor(next / 100), offset: (next % 100) + 1 };
        next++;
        index.insert([value(k)], tid);
        const set = model.get(k) ?? new Set<string>();
        model.set(k, set);
        set.add(tk(tid));
      }
    } else if (o.kind === 'vacuum') {
      const dead = (t: Tid) => (t.block * 100 + t.offset) % o.modulo === o.rem % o.modulo;
      const before = [...model.values()].reduce((a, s) => a + s.size, 0);
      const stats = index.bulkDelete(dead);
      let removed = 0;
      for (const set of model.values())
        for (const t of [...set]) {
          const [b, off] = t.split('/').map(Number);
          if (dead({ block: b!, offset: off! })) {
            set.delete(t);
            removed++;
          }
        }
      expect(stats.tuplesRemoved).toBe(removed);
      expect(stats.numIndexTuples).toBe(before - removed);
    } else {
      expect(scan(o.key)).toEqual(expected(o.key));
    }
    expect(checkHash(index, { exactCount: true })).toEqual([]);
  }
  for (const k of model.keys()) expect(scan(k)).toEqual(expected(k));
}

describe('hash index against a multimap', () => {
  for (const typeName of ['int4', 'text', 'int8'] as const) {
    it(`answers equality scans like the model (${typeName})`, () => {
      fc.assert(
        fc.property(fc.array(op(60), { minLength: 1, maxLength: 40 }), (ops) => run(typeName, ops)),
        { numRuns: Math.max(5, Math.ceil(RUNS / 10)) },
      );
    });
  }

  it('splits buckets and chains overflow pages under heavy duplication', () => {
    const { index, value } = setup('int4');
    for (let i = 0; i < 5000; i++) index.insert([value(i % 7)], { block: i, offset: 1 });
    for (let i = 0; i < 4000; i++) index.insert([value(i)], { block: 9000 + i, offset: 1 });
    expect(checkHash(index, { exactCount: true })).toEqual([]);
    expect(index.stats.splits).toBeGreaterThan(15);
    expect(index.stats.overflowPages).toBeGreaterThan(10);
    expect(index.lookup(3).length).toBe(Math.ceil((5000 - 3) / 7) + 1);
    const m = index.meta();
    expect(m.ntuples).toBe(9000);
    expect(m.maxbucket + 1).toBeGreaterThanOrEqual(Math.floor(9000 / m.ffactor));
    // VACUUM squeezes the chains and frees overflow pages; later overflow pages reuse them.
    const freedBefore = index.stats.overflowPagesFreed;
    index.bulkDelete((t) => t.block < 5000 && t.block % 4 !== 0);
    expect(index.stats.overflowPagesFreed).toBeGreaterThan(freedBefore);
    expect(checkHash(index, { exactCount: true })).toEqual([]);
    expect(index.lookup(3).length).toBe(Math.ceil(Math.ceil((5000 - 3) / 7) / 4));
    const blocks = index.nblocks();
    const firstfree = index.meta().firstfree;
    for (let i = 0; i < 1000; i++) index.insert([value(5)], { block: 20000 + i, offset: 1 });
    expect(index.nblocks()).toBe(blocks);
    expect(index.meta().firstfree).toBeGreaterThan(firstfree);
    expect(checkHash(index, { exactCount: true })).toEqual([]);
  });
});

describe('README example', () => {
  it('splits as the table grows and finds every duplicate', () => {
    const { index } = setup('int4');
    for (let i = 0; i < 10000; i++)
      index.insert([i % 100], { block: i >> 6, offset: (i & 63) + 1 });
    expect(index.lookup(42).length).toBe(100);
    expect(index.meta().maxbucket).toBe(32);
    expect(index.meta().ffactor).toBe(307);
    expect(index.lookup(null)).toEqual([]);
  });

  it('sizes the initial buckets from the tuple estimate, as _hash_init does', () => {
    const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 64 * 8192 });
    const type = builtins.typeByName('int4')!;
    const index = HashIndex.create({
      pool,
      rel: REL,
      descriptor: { name: 'h', keys: [{ name: 'k', type }] },
      numTuples: 100_000,
    });
    const m = index.meta();
    // 100000 / 307 = 325 buckets wanted: the split point that covers them has 512.
    expect(m.maxbucket + 1).toBe(512);
    expect(checkHash(index, { exactCount: true })).toEqual([]);
    expect(index.nblocks()).toBe(512 + 2);
  });
});
