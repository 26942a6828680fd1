/**
 * Properties of the ordered-set, hypothetical-set and regression
 * aggregates (agg-functions.ts O1-O4, float8RegrAccum), run through the
 * Agg node over array-backed input, each checked against a naive model.
 */
import type { AggregateCall, AggSortKey, Expr } from '@pg/sql';
import { TypeOid } from '@pg/types';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { float8RegrAccum, formatG, regrFinal } from './agg-functions.js';
import { buildAggNode } from './agg-node.js';
import {
  aggPlan,
  arrayNode,
  drain,
  k,
  removeTestTempDir,
  scanPlan,
  testContext,
  v,
} from './agg-testkit.js';

const T = TypeOid;
afterAll(() => removeTestTempDir());

const X = v(1, T.float8);
const input = scanPlan([T.float8, T.float8]);

function orderedSet(
  name: string,
  direct: readonly Expr[],
  keys: readonly AggSortKey[],
  type: number,
  aggkind: 'o' | 'h',
): AggregateCall {
  return {
    name,
    args: direct,
    argTypes: [...direct.map((d) => d.type), ...keys.map((x) => x.expr.type)],
    star: false,
    distinct: false,
    order: keys,
    type,
    typmod: -1,
    aggkind,
  };
}

/** One aggregate over the rows (x, y) in a plain Agg. */
function run(call: AggregateCall, rows: readonly (readonly (number | null)[])[]): unknown {
  const node = buildAggNode(
    aggPlan(input, 'plain', [], [call]),
    arrayNode(rows.map((r) => [...r])),
    testContext(),
  );
  return drain(node)[0]?.[0];
}

const values = fc.array(fc.option(fc.integer({ min: -20, max: 20 }), { freq: 5, nil: null }), {
  maxLength: 30,
});
const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const asc: AggSortKey = { expr: X, descending: false, nullsFirst: false };
const descKey: AggSortKey = { expr: X, descending: true, nullsFirst: true };

describe('percentile_disc', () => {
  it('is the element at ceil(p * n) of the sorted non-NULL values', () => {
    fc.assert(
      fc.property(values, fraction, fc.boolean(), (xs, p, desc) => {
        const call = orderedSet(
          'percentile_disc',
          [k(p, T.float8)],
          [desc ? descKey : asc],
          T.float8,
          'o',
        );
        const sorted = xs
          .filter((x): x is number => x !== null)
          .sort((a, b) => (desc ? b - a : a - b));
        const want =
          sorted.length === 0 ? null : sorted[Math.max(Math.ceil(p * sorted.length), 1) - 1];
        expect(
          run(
            call,
            xs.map((x) => [x, null]),
          ),
        ).toBe(want);
      }),
    );
  });
});

describe('percentile_cont', () => {
  it('lies between the neighbouring sorted values and is monotone in the fraction', () => {
    fc.assert(
      fc.property(values, fraction, fraction, (xs, p, q) => {
        const [lo, hi] = p <= q ? [p, q] : [q, p];
        const a = run(
          orderedSet('percentile_cont', [k(lo, T.float8)], [asc], T.float8, 'o'),
          xs.map((x) => [x, null]),
        );
        const b = run(
          orderedSet('percentile_cont', [k(hi, T.float8)], [asc], T.float8, 'o'),
          xs.map((x) => [x, null]),
        );
        const sorted = xs.filter((x): x is number => x !== null).sort((m, n) => m - n);
        if (sorted.length === 0) {
          expect([a, b]).toEqual([null, null]);
          return;
        }
        const at = lo * (sorted.length - 1);
        expect(a as number).toBeGreaterThanOrEqual(sorted[Math.floor(at)]!);
        expect(a as number).toBeLessThanOrEqual(sorted[Math.ceil(at)]!);
        expect(a as number).toBeLessThanOrEqual(b as number);
      }),
    );
  });

  it('rejects a fraction outside [0, 1] even over no rows (O1)', () => {
    const call = orderedSet('percentile_cont', [k(1.5, T.float8)], [asc], T.float8, 'o');
    expect(() => run(call, [])).toThrow('percentile value 1.5 is not between 0 and 1');
  });
});

describe('mode', () => {
  it('is a most frequent value, the first in sort order among ties', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const got = run(
          orderedSet('mode', [], [asc], T.float8, 'o'),
          xs.map((x) => [x, null]),
        );
        const freq = new Map<number, number>();
        for (const x of xs) if (x !== null) freq.set(x, (freq.get(x) ?? 0) + 1);
        if (freq.size === 0) {
          expect(got).toBeNull();
          return;
        }
        const best = Math.max(...freq.values());
        expect(Math.min(...[...freq].filter(([, n]) => n === best).map(([x]) => x))).toBe(got);
      }),
    );
  });
});

describe('hypothetical-set aggregates', () => {
  it('count the rows before (and with) the hypothetical row, NULLs sorting last', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: -20, max: 20 }), (xs, h) => {
        const rows = xs.map((x) => [x, null]);
        const call = (name: string, type: number) =>
          run(orderedSet(name, [k(h, T.float8)], [asc], type, 'h'), rows);
        const before = xs.filter((x) => x !== null && x < h);
        const peers = xs.filter((x) => x === h).length;
        const n = xs.length;
        expect(call('rank', T.int8)).toBe(BigInt(before.length + 1));
        expect(call('dense_rank', T.int8)).toBe(BigInt(new Set(before).size + 1));
        expect(call('percent_rank', T.float8)).toBe(n === 0 ? 0 : before.length / n);
        expect(call('cume_dist', T.float8)).toBe((before.length + peers + 1) / (n + 1));
      }),
    );
  });
});

describe('float8_regr_accum', () => {
  // moderate magnitudes: with Sxx * Syy underflowing to 0, corr is +-Infinity (PostgreSQL's too)
  const num = fc.oneof(
    fc.integer({ min: -1_000_000, max: 1_000_000 }).map((i) => i / 64),
    fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
  );
  const pairs = fc.array(fc.tuple(num, num), { maxLength: 25 });
  const accum = (ps: readonly (readonly [number, number])[], swap: boolean) => {
    const s = float8RegrAccum();
    for (const [y, x] of ps) {
      if (swap) s.add(x, y);
      else s.add(y, x);
    }
    return s;
  };

  it('corr is symmetric and within [-1, 1]', () => {
    fc.assert(
      fc.property(pairs, (ps) => {
        const a = regrFinal('corr', accum(ps, false));
        const b = regrFinal('corr', accum(ps, true));
        expect(a).toBe(b);
        if (a !== null) expect(Math.abs(a as number)).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });

  it('regr_sxx, regr_syy are non-negative; regr_count counts; covar_pop = regr_sxy / n', () => {
    fc.assert(
      fc.property(pairs, (ps) => {
        const s = accum(ps, false);
        expect(regrFinal('regr_count', s)).toBe(BigInt(ps.length));
        if (ps.length === 0) {
          expect(regrFinal('regr_sxx', s)).toBeNull();
          return;
        }
        expect(regrFinal('regr_sxx', s) as number).toBeGreaterThanOrEqual(0);
        expect(regrFinal('regr_syy', s) as number).toBeGreaterThanOrEqual(0);
        expect(regrFinal('covar_pop', s)).toBe((regrFinal('regr_sxy', s) as number) / ps.length);
      }),
    );
  });

  it('fits a line exactly through collinear points', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -9, max: 9 }),
        fc.integer({ min: -9, max: 9 }),
        fc.uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: 2, maxLength: 10 }),
        (m, c, xs) => {
          const s = accum(
            xs.map((x) => [m * x + c, x] as const),
            false,
          );
          expect(regrFinal('regr_slope', s) as number).toBeCloseTo(m, 9);
          expect(regrFinal('regr_intercept', s) as number).toBeCloseTo(c, 9);
        },
      ),
    );
  });
});

describe('formatG', () => {
  it("prints as C's %g", () => {
    expect(
      [1.5, 2, -1e-6, 123456789, Number.NaN, 1e-5, 0.0001, 100000, 1234567].map(formatG),
    ).toEqual([
      '1.5',
      '2',
      '-1e-06',
      '1.23457e+08',
      'NaN',
      '1e-05',
      '0.0001',
      '100000',
      '1.23457e+06',
    ]);
  });
});
