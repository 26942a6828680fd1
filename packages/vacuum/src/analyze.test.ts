/**
 * Properties of the column statistics over random columns (fast-check),
 * checked against a direct count of the sample: null_frac is the NULL
 * share; n_distinct is within its bounds (at least the sample's distinct
 * count, at most the non-null rows, negative only above 10% of the rows);
 * MCV frequencies are the values' sample shares, most common first, and
 * sum to at most 1; histogram bounds are sorted, hold no MCV value, and
 * run from the smallest to the largest non-MCV value; correlation is in
 * [-1, 1]. Plus the sampler: every row once, in order, when it fits.
 */
import { builtins } from '@pg/types';
import {
  type AnalyzeColumn,
  analyzeMcvList,
  computeColumnStats,
  sampleRows,
  sampleSize,
  seededRandom,
} from '@pg/vacuum';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 200);
const int4 = builtins.type(23) as NonNullable<ReturnType<typeof builtins.type>>;
const text = builtins.type(25) as NonNullable<ReturnType<typeof builtins.type>>;

/** Checks every invariant of one column's statistics against the sample. */
function checkStats(
  sample: readonly unknown[],
  totalRows: number,
  column: AnalyzeColumn,
  compare: (a: unknown, b: unknown) => number,
  tooWide: (v: unknown) => boolean = () => false,
): void {
  const s = computeColumnStats(sample, totalRows, column);
  const nonnull = sample.filter((v) => v !== null);
  if (sample.length === 0) {
    expect(s).toBeUndefined();
    return;
  }
  if (s === undefined) throw new Error('no statistics');
  // S1: null_frac is the share of NULLs
  expect(s.nullFrac).toBe(Math.fround((sample.length - nonnull.length) / sample.length));
  // too-wide values count as distinct and stay out of the MCV list and the histogram
  const wide = nonnull.filter(tooWide).length;
  const kept = nonnull.filter((v) => !tooWide(v));
  const sorted = [...kept].sort(compare);
  const distinct: unknown[] = [];
  for (const v of sorted)
    if (distinct.length === 0 || compare(distinct.at(-1), v) !== 0) distinct.push(v);
  const countOf = (v: unknown) => kept.filter((x) => compare(x, v) === 0).length;
  // S2: n_distinct within bounds
  if (nonnull.length === 0) expect(s.nDistinct).toBe(0);
  else if (s.nDistinct > 0) {
    expect(s.nDistinct).toBeGreaterThanOrEqual(distinct.length + wide);
    expect(s.nDistinct).toBeLessThanOrEqual(0.1 * totalRows);
    expect(Number.isInteger(s.nDistinct)).toBe(true);
  } else {
    expect(s.nDistinct).toBeLessThan(0);
    expect(s.nDistinct).toBeGreaterThanOrEqual(-1);
    expect(-s.nDistinct * totalRows).toBeGreaterThanOrEqual(
      (distinct.length + wide) * (1 - 1e-6) - 1,
    );
  }
  // every value distinct in a fully sampled table: -1 × (1 - null_frac)
  if (nonnull.length > 0 && distinct.length === kept.length) {
    expect(s.nDistinct).toBe(Math.fround(-(1 - (sample.length - nonnull.length) / sample.length)));
  }
  // S3: MCVs: distinct, most common first, frequency = sample share, sum ≤ 1, at most target
  const mcv = s.mcvValues ?? [];
  const freqs = s.mcvFreqs ?? [];
  expect(mcv.length).toBe(freqs.length);
  expect(mcv.length).toBeLessThanOrEqual(column.target);
  let sum = 0;
  for (let i = 0; i < mcv.length; i++) {
    const f = freqs[i] as number;
    expect(f).toBe(Math.fround(countOf(mcv[i]) / sample.length));
    expect(countOf(mcv[i])).toBeGreaterThanOrEqual(2);
    if (i > 0) expect(f).toBeLessThanOrEqual(freqs[i - 1] as number);
    for (let j = 0; j < i; j++) expect(compare(mcv[i], mcv[j])).not.toBe(0);
    sum += f;
  }
  expect(sum).toBeLessThanOrEqual(1 + 1e-6);
  // S4: histogram: sorted, no MCV value, from the smallest to the largest of the rest
  const rest = sorted.filter((v) => !mcv.some((m) => compare(m, v) === 0));
  const restDistinct = distinct.length - mcv.length;
  if (s.histogram === undefined) expect(restDistinct < 2).toBe(true);
  else {
    const h = s.histogram;
    expect(h.length).toBe(Math.min(restDistinct, column.target + 1));
    for (let i = 1; i < h.length; i++) expect(compare(h[i - 1], h[i])).toBeLessThanOrEqual(0);
    for (const b of h) expect(mcv.some((m) => compare(m, b) === 0)).toBe(false);
    expect(compare(h[0], rest[0])).toBe(0);
    expect(compare(h.at(-1), rest.at(-1))).toBe(0);
  }
  // S5: correlation in [-1, 1], present when more than one value
  if (kept.length > 1) {
    expect(s.correlation).toBeDefined();
    expect(Math.abs(s.correlation as number)).toBeLessThanOrEqual(1 + 1e-6);
  } else expect(s.correlation).toBeUndefined();
}

describe('column statistics: properties over random columns', () => {
  it('int4 columns (skewed values, NULLs, any target, sampled or not)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: -20, max: 40 }), { freq: 5 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 5000 }),
        (sample, target, extra) => {
          checkStats(sample, sample.length + extra, { attnum: 1, type: int4, target }, (a, b) =>
            int4.compare(a, b),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('text columns (widths, too-wide values)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.option(
            fc.oneof(
              fc.constantFrom('a', 'b', 'c', ''),
              fc.string({ maxLength: 200 }),
              fc.nat(3).map((n) => 'x'.repeat(1021 + n)),
            ),
            { freq: 6 },
          ),
          { maxLength: 150 },
        ),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 1000 }),
        (sample, target, extra) => {
          checkStats(
            sample,
            sample.length + extra,
            { attnum: 1, type: text, target },
            (a, b) => text.compare(a, b),
            (v) => new TextEncoder().encode(String(v)).length + 4 > 1024,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('avg_width is the stored datum size: 1-byte header up to 126 bytes, 4 bytes beyond', () => {
    const s = computeColumnStats(['a'.repeat(126), 'b'.repeat(127), null], 3, {
      attnum: 1,
      type: text,
      target: 100,
    });
    expect(s?.avgWidth).toBe(Math.trunc((127 + 131) / 2));
    expect(s?.nullFrac).toBe(Math.fround(1 / 3));
  });

  it('an all-NULL column: null_frac 1, width 0 for varlena, n_distinct 0', () => {
    expect(computeColumnStats([null, null], 2, { attnum: 2, type: text, target: 10 })).toEqual({
      attnum: 2,
      nullFrac: 1,
      avgWidth: 0,
      nDistinct: 0,
    });
    expect(computeColumnStats([null], 1, { attnum: 1, type: int4, target: 10 })?.avgWidth).toBe(4);
  });

  it('analyze_mcv_list keeps the whole list when every row was sampled', () => {
    expect(analyzeMcvList([5, 3, 2], 3, 50, 0, 100, 100)).toBe(3);
    // in a larger table, values barely more common than average are dropped
    expect(analyzeMcvList([40, 3, 2], 3, 500, 0, 100, 100000)).toBe(1);
  });
});

describe('the sample', () => {
  it('takes every row, in order, when the table fits', () => {
    const rows = Array.from({ length: 50 }, (_, i) => i);
    expect(sampleRows(rows, 100)).toEqual({ rows, liveRows: 50 });
  });

  it('keeps targrows rows in physical order, each from the table, and counts every row', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 1, max: 300 }),
        fc.nat(),
        (n, k, seed) => {
          const s = sampleRows(
            Array.from({ length: n }, (_, i) => i),
            k,
            seededRandom(seed),
          );
          expect(s.liveRows).toBe(n);
          expect(s.rows.length).toBe(Math.min(n, k));
          for (let i = 1; i < s.rows.length; i++)
            expect(s.rows[i]).toBeGreaterThan(s.rows[i - 1] as number);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('sample size is 300 × the largest target, at least 100', () => {
    expect(sampleSize([100, 10])).toBe(30000);
    expect(sampleSize([0])).toBe(100);
  });
});
