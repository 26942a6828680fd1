/**
 * A scan in progress while inserts split the pages it is reading, the pages
 * ahead of it and the pages behind it: every entry that existed when the
 * scan started and satisfies its conditions is returned exactly once, in
 * order, in both directions (Lehman and Yao's promise, as PostgreSQL keeps
 * it by reading a leaf page at a time and walking left with care).
 */
import { compareTids, Strategy, scanKey, type Tid } from '@pg/access';
import { BTree } from '@pg/btree';
import { checkTree } from '@pg/btree/testing';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { builtins } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);
const int4 = builtins.typeByName('int4')!;
const text = builtins.typeByName('text')!;

const tidOf = (i: number): Tid => ({ block: Math.floor(i / 200), offset: (i % 200) + 1 });
const key = (t: Tid) => `${t.block}/${t.offset}`;

describe('scans during splits', () => {
  it('return every qualifying entry that existed at the start exactly once, in order', () => {
    let splitsDuringScans = 0;
    const arb = fc.record({
      initial: fc.array(fc.integer({ min: 0, max: 2000 }), {
        minLength: 50,
        maxLength: 1500,
        size: 'max',
      }),
      // Batches of inserts, each after `after` entries of the scan.
      batches: fc.array(
        fc.record({
          after: fc.integer({ min: 0, max: 60 }),
          keys: fc.array(fc.integer({ min: 0, max: 2000 }), {
            minLength: 1,
            maxLength: 300,
            size: 'max',
          }),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      low: fc.integer({ min: 0, max: 1000 }),
      span: fc.integer({ min: 0, max: 2000 }),
      backward: fc.boolean(),
      wide: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, ({ initial, batches, low, span, backward, wide }) => {
        const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 128 * 8192 });
        // Wide keys make small pages' worth of entries, so every batch splits something.
        const type = wide ? text : int4;
        const value = (n: number) => (wide ? `${String(n).padStart(5, '0')}${'x'.repeat(200)}` : n);
        const tree = BTree.create({
          pool,
          rel: { spcOid: 1663, dbOid: 5, relNumber: 16500 },
          descriptor: { name: 'split_idx', keys: [{ name: 'k', type }] },
        });
        let next = 0;
        const present = new Map<string, number>();
        for (const k of initial) {
          const tid = tidOf(next++);
          tree.insert([value(k)], tid);
          present.set(key(tid), k);
        }
        const high = low + span;
        const inRange = (k: number) => k >= low && k <= high;
        const scan = tree.beginScan();
        scan.rescan([
          scanKey(1, Strategy.greaterEqual, value(low)),
          scanKey(1, Strategy.lessEqual, value(high)),
        ]);
        const dir = backward ? 'backward' : 'forward';
        const seen = new Map<string, number>();
        const order: { k: number; tid: Tid }[] = [];
        const splitsAtStart = tree.stats.splits;
        let returned = 0;
        const pending = [...batches];
        for (;;) {
          while (pending.length > 0 && pending[0]!.after <= returned) {
            for (const k of pending.shift()!.keys) tree.insert([value(k)], tidOf(next++));
          }
          const r = scan.next(dir);
          if (r === null) break;
          returned++;
          const k = wide ? Number((r.values![0] as string).slice(0, 5)) : (r.values![0] as number);
          expect(inRange(k)).toBe(true);
          const id = key(r.tid);
          expect(seen.has(id), `returned twice: ${id}`).toBe(false);
          seen.set(id, k);
          order.push({ k, tid: r.tid });
        }
        for (const [id, k] of present) {
          if (inRange(k)) expect(seen.has(id), `missed ${id} (key ${k})`).toBe(true);
        }
        for (let i = 1; i < order.length; i++) {
          const a = order[i - 1]!;
          const b = order[i]!;
          const cmp = a.k - b.k || compareTids(a.tid, b.tid);
          expect(backward ? cmp > 0 : cmp < 0).toBe(true);
        }
        splitsDuringScans += tree.stats.splits - splitsAtStart;
        expect(checkTree(tree)).toEqual([]);
      }),
      { numRuns: Math.max(20, Math.ceil(RUNS / 5)) },
    );
    // The runs did split pages under running scans.
    expect(splitsDuringScans).toBeGreaterThan(RUNS / 5);
  });
});
