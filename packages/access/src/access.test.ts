import {
  compareTids,
  encodeTid,
  formatTid,
  PAGES_PER_CHUNK,
  parseTid,
  readTid,
  Strategy,
  strategyHolds,
  type Tid,
  TidBitmap,
  tidFromKey,
  tidKey,
} from '@pg/access';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);
const tid = fc.record({
  block: fc.integer({ min: 0, max: 0xffffffff }),
  offset: fc.integer({ min: 0, max: 0xffff }),
});

describe('TIDs', () => {
  it('encode as ItemPointerData: bi_hi, bi_lo, ip_posid, little-endian', () => {
    expect([...encodeTid({ block: 0x12345, offset: 7 })]).toEqual([
      0x01, 0x00, 0x45, 0x23, 0x07, 0x00,
    ]);
    expect(formatTid({ block: 3, offset: 12 })).toBe('(3,12)');
    expect(parseTid(' ( 3 , 12 ) ')).toEqual({ block: 3, offset: 12 });
    expect(() => parseTid('(3)')).toThrow('invalid input syntax for type tid: "(3)"');
    expect(() => encodeTid({ block: -1, offset: 1 })).toThrow(RangeError);
  });

  it('round-trip through bytes, text and keys, and order as ItemPointerCompare', () => {
    fc.assert(
      fc.property(tid, tid, (a, b) => {
        expect(readTid(encodeTid(a), 0)).toEqual(a);
        expect(parseTid(formatTid(a))).toEqual(a);
        expect(tidFromKey(tidKey(a))).toEqual(a);
        expect(Math.sign(compareTids(a, b))).toBe(Math.sign(tidKey(a) - tidKey(b)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('scan keys', () => {
  it('give strategies their meaning', () => {
    const holds = (s: Strategy) => [-1, 0, 1].map((c) => strategyHolds(s, c));
    expect(holds(Strategy.less)).toEqual([true, false, false]);
    expect(holds(Strategy.lessEqual)).toEqual([true, true, false]);
    expect(holds(Strategy.equal)).toEqual([false, true, false]);
    expect(holds(Strategy.greaterEqual)).toEqual([false, true, true]);
    expect(holds(Strategy.greater)).toEqual([false, false, true]);
  });
});

/** What a bitmap may answer for a model set: every member, exactly unless lossy or rechecked. */
function checkAgainst(bitmap: TidBitmap, model: Set<number>): void {
  const seen = new Set<number>();
  let last = -1;
  for (const page of bitmap.pages()) {
    expect(page.block).toBeGreaterThan(last);
    last = page.block;
    if (page.offsets === null) {
      expect(page.recheck).toBe(true);
      for (const k of model) if (Math.floor(k / 0x10000) === page.block) seen.add(k);
      continue;
    }
    for (const offset of page.offsets) {
      const k = tidKey({ block: page.block, offset });
      if (!page.recheck)
        expect(model.has(k), `exact ${formatTid({ block: page.block, offset })}`).toBe(true);
      seen.add(k);
    }
  }
  for (const k of model) expect(seen.has(k), `lost ${formatTid(tidFromKey(k))}`).toBe(true);
}

describe('TID bitmaps (model-based)', () => {
  const small = fc.record({
    block: fc.integer({ min: 0, max: 3 * PAGES_PER_CHUNK }),
    offset: fc.integer({ min: 1, max: 40 }),
  });
  const set = fc.array(small, { maxLength: 300, size: 'max' });

  it('add, union and intersect keep every member, exact pages exactly, within the memory bound', () => {
    fc.assert(
      fc.property(
        set,
        set,
        fc.integer({ min: 0, max: 4096 }),
        fc.boolean(),
        (xs, ys, maxBytes, intersect) => {
          const a = new TidBitmap(maxBytes);
          const b = new TidBitmap(maxBytes);
          a.add(xs);
          b.add(ys);
          const ma = new Set(xs.map(tidKey));
          const mb = new Set(ys.map(tidKey));
          checkAgainst(a, ma);
          expect(a.exactPages).toBeLessThanOrEqual(Math.max(16, Math.floor(maxBytes / 64)));
          if (intersect) {
            a.intersect(b);
            checkAgainst(a, new Set([...ma].filter((k) => mb.has(k))));
          } else {
            a.union(b);
            checkAgainst(a, new Set([...ma, ...mb]));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('makes whole chunks lossy when work_mem runs out, and a lossy page covers every tuple', () => {
    const b = new TidBitmap(0); // the floor: 16 exact pages
    const tids: Tid[] = [];
    for (let block = 0; block < 40; block++) tids.push({ block, offset: 1 });
    b.add(tids);
    expect(b.lossyChunkCount).toBe(1);
    expect(b.has({ block: 7, offset: 99 })).toBe(true);
    b.addPage(5 * PAGES_PER_CHUNK + 3);
    expect(b.has({ block: 5 * PAGES_PER_CHUNK, offset: 1 })).toBe(true);
    expect(b.has({ block: 4 * PAGES_PER_CHUNK, offset: 1 })).toBe(false);
  });
});
