import type { FrameBound, WindowClause } from '@pg/sql';
import { builtins, defaultContext, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  aggCall,
  arrayNode,
  DEFAULT_FRAME,
  drain,
  k,
  removeTestTempDir,
  scanPlan,
  testContext,
  v,
  windowCall,
  windowPlan,
} from './agg-testkit.js';
import { buildWindowAggNode } from './window-node.js';

const T = TypeOid;

afterAll(() => removeTestTempDir());
const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);
const tctx = defaultContext();

const input = scanPlan([T.int4, T.int4, T.int4]);
const P = v(1, T.int4);
const O = v(2, T.int4);
const X = v(3, T.int4);

function runWindow(
  window: WindowClause,
  calls: ReturnType<typeof windowCall>[],
  rows: unknown[][],
) {
  const plan = windowPlan(input, window, calls);
  const node = buildWindowAggNode(plan, arrayNode(rows), testContext());
  const out = drain(node);
  node.close();
  return out.map((r) =>
    r.map((x, i) => (x === null ? null : builtins.mustType(plan.output[i]!.type).output(x, tctx))),
  );
}

const win = (
  frame: Partial<WindowClause['frame']> = {},
  order = [{ expr: O, descending: false, nullsFirst: false }],
  partition = [P],
): WindowClause => ({ partition, order, frame: { ...DEFAULT_FRAME, ...frame } });

describe('WindowAgg node', () => {
  const rows = [
    [1, 10, 1],
    [1, 10, 2],
    [1, 20, null],
    [1, 30, 4],
    [2, 5, 5],
    [2, null, 6],
  ];

  it('ranking functions', () => {
    const out = runWindow(
      win(),
      [
        windowCall('row_number', []),
        windowCall('rank', []),
        windowCall('dense_rank', []),
        windowCall('percent_rank', []),
        windowCall('cume_dist', []),
        windowCall('ntile', [k(3, T.int4)]),
      ],
      rows,
    );
    expect(out.map((r) => r.slice(3))).toEqual([
      ['1', '1', '1', '0', '0.5', '1'],
      ['2', '1', '1', '0', '0.5', '1'],
      ['3', '3', '2', '0.6666666666666666', '0.75', '2'],
      ['4', '4', '3', '1', '1', '3'],
      ['1', '1', '1', '0', '0.5', '1'],
      ['2', '2', '2', '1', '1', '2'],
    ]);
  });

  it('lag / lead with offset and default, first/last/nth_value over the frame', () => {
    const out = runWindow(
      win({
        mode: 'rows',
        start: { kind: 'unbounded preceding' },
        end: { kind: 'unbounded following' },
      }),
      [
        windowCall('lag', [X]),
        windowCall('lead', [X, k(2, T.int4), k(-1, T.int4)]),
        windowCall('first_value', [X]),
        windowCall('last_value', [X]),
        windowCall('nth_value', [X, k(3, T.int4)]),
      ],
      rows,
    );
    expect(out.map((r) => r.slice(3))).toEqual([
      [null, null, '1', '4', null],
      ['1', '4', '1', '4', null],
      ['2', '-1', '1', '4', null],
      [null, '-1', '1', '4', null],
      [null, '-1', '5', '6', null],
      ['5', '-1', '5', '6', null],
    ]);
  });

  it('running sums with the default frame include peers', () => {
    const sum = aggCall('sum', [X]);
    const out = runWindow(win(), [windowCall('sum', [], sum)], rows);
    expect(out.map((r) => r[3])).toEqual(['3', '3', '3', '7', '5', '11']);
  });

  it('RANGE offsets compare values; errors as PostgreSQL', () => {
    const sum = aggCall('sum', [X]);
    const frame = {
      mode: 'range' as const,
      start: { kind: 'preceding', offset: k(10, T.int4) } as FrameBound,
      end: { kind: 'current row' } as FrameBound,
    };
    const out = runWindow(win(frame), [windowCall('sum', [], sum)], rows);
    expect(out.map((r) => r[3])).toEqual(['3', '3', '3', '4', '5', '6']);
    const bad = { ...frame, start: { kind: 'preceding', offset: k(-1, T.int4) } as FrameBound };
    expect(() => runWindow(win(bad), [windowCall('sum', [], sum)], rows)).toThrow(
      /invalid preceding or following size in window function/,
    );
    const badRows = { ...bad, mode: 'rows' as const };
    expect(() => runWindow(win(badRows), [windowCall('sum', [], sum)], [])).toThrow(
      /frame starting offset must not be negative/,
    );
    const nullRows = {
      ...badRows,
      start: { kind: 'preceding', offset: k(null, T.int8) } as FrameBound,
    };
    expect(() => runWindow(win(nullRows), [windowCall('sum', [], sum)], [])).toThrow(
      /frame starting offset must not be null/,
    );
  });

  it('EXCLUDE removes the current row, its group or its ties', () => {
    const count = aggCall('count', [], { star: true });
    const all = {
      mode: 'rows' as const,
      start: { kind: 'unbounded preceding' } as FrameBound,
      end: { kind: 'unbounded following' } as FrameBound,
    };
    const counts = (exclude: WindowClause['frame']['exclude']) =>
      runWindow(win({ ...all, exclude }), [windowCall('count', [], count)], rows).map((r) => r[3]);
    expect(counts('no others')).toEqual(['4', '4', '4', '4', '2', '2']);
    expect(counts('current row')).toEqual(['3', '3', '3', '3', '1', '1']);
    expect(counts('group')).toEqual(['2', '2', '3', '3', '1', '1']);
    expect(counts('ties')).toEqual(['3', '3', '4', '4', '2', '2']);
  });

  it('a running sum over many rows is linear (incremental)', () => {
    const n = 200_000;
    const big: unknown[][] = [];
    for (let i = 0; i < n; i++) big.push([1, i, 1]);
    const sum = aggCall('sum', [X]);
    const plan = windowPlan(input, win(), [windowCall('sum', [], sum)]);
    const t0 = performance.now();
    const node = buildWindowAggNode(plan, arrayNode(big), testContext());
    let last: unknown;
    for (let r = node.next(); r !== undefined; r = node.next()) last = r[3];
    expect(last).toBe(BigInt(n));
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('a moving sum and count use the inverse transition (linear)', () => {
    const n = 200_000;
    const big: unknown[][] = [];
    for (let i = 0; i < n; i++) big.push([1, i, 1]);
    const frame = {
      mode: 'rows' as const,
      start: { kind: 'current row' } as FrameBound,
      end: { kind: 'unbounded following' } as FrameBound,
    };
    const plan = windowPlan(input, win(frame), [
      windowCall('sum', [], aggCall('sum', [X])),
      windowCall('count', [], aggCall('count', [], { star: true })),
    ]);
    const t0 = performance.now();
    const node = buildWindowAggNode(plan, arrayNode(big), testContext());
    const first = node.next()!;
    expect(first.slice(3)).toEqual([BigInt(n), BigInt(n)]);
    let last: unknown[] = first;
    for (let r = node.next(); r !== undefined; r = node.next()) last = r;
    expect(last.slice(3)).toEqual([1n, 1n]);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});

// ---------------------------------------------------------------- property: a naive model

type Row = [p: number | null, o: number | null, x: number | null];
type Bound = { kind: FrameBound['kind']; offset?: number };

interface Spec {
  mode: 'rows' | 'range' | 'groups';
  start: Bound;
  end: Bound;
  exclude: WindowClause['frame']['exclude'];
  descending: boolean;
  nullsFirst: boolean;
}

const rank = (b: Bound) =>
  ['unbounded preceding', 'preceding', 'current row', 'following', 'unbounded following'].indexOf(
    b.kind,
  );

const boundArb = fc.oneof(
  fc.constantFrom<Bound>(
    { kind: 'unbounded preceding' },
    { kind: 'current row' },
    { kind: 'unbounded following' },
  ),
  fc.record({
    kind: fc.constantFrom<FrameBound['kind']>('preceding', 'following'),
    offset: fc.integer({ min: 0, max: 3 }),
  }),
);

const specArb: fc.Arbitrary<Spec> = fc
  .record({
    mode: fc.constantFrom<Spec['mode']>('rows', 'range', 'groups'),
    start: boundArb,
    end: boundArb,
    exclude: fc.constantFrom<Spec['exclude']>('no others', 'current row', 'group', 'ties'),
    descending: fc.boolean(),
    nullsFirst: fc.boolean(),
  })
  .filter(
    (s) =>
      s.start.kind !== 'unbounded following' &&
      s.end.kind !== 'unbounded preceding' &&
      // PostgreSQL rejects a frame ending before it starts, by kind
      rank(s.start) <= rank(s.end),
  );

function model(rows: readonly Row[], s: Spec): (string | null)[][] {
  const sign = s.descending ? -1 : 1;
  const cmp = (a: Row, b: Row) => {
    const x = a[1];
    const y = b[1];
    if (x === y) return 0;
    if (x === null) return s.nullsFirst ? -1 : 1;
    if (y === null) return s.nullsFirst ? 1 : -1;
    return sign * (x - y);
  };
  const out: (string | null)[][] = [];
  let at = 0;
  while (at < rows.length) {
    let end = at;
    while (end < rows.length && rows[end]![0] === rows[at]![0]) end++;
    const part = rows.slice(at, end);
    const n = part.length;
    const dense = part.map((r) => new Set(part.filter((q) => cmp(q, r) < 0).map((q) => q[1])).size);
    part.forEach((r, i) => {
      const rnk = part.filter((q) => cmp(q, r) < 0).length + 1;
      const inStart = (j: number): boolean => {
        const b = s.start;
        const off = b.offset ?? 0;
        switch (b.kind) {
          case 'unbounded preceding':
            return true;
          case 'current row':
            return s.mode === 'rows' ? j >= i : cmp(part[j]!, r) >= 0;
          default: {
            const d = b.kind === 'preceding' ? -off : off;
            if (s.mode === 'rows') return j >= i + d;
            if (s.mode === 'groups') return dense[j]! >= dense[i]! + d;
            // RANGE: o is never NULL here
            return sign * (part[j]![1]! - (r[1]! + sign * d)) >= 0;
          }
        }
      };
      const inEnd = (j: number): boolean => {
        const b = s.end;
        const off = b.offset ?? 0;
        switch (b.kind) {
          case 'unbounded following':
            return true;
          case 'current row':
            return s.mode === 'rows' ? j <= i : cmp(part[j]!, r) <= 0;
          default: {
            const d = b.kind === 'preceding' ? -off : off;
            if (s.mode === 'rows') return j <= i + d;
            if (s.mode === 'groups') return dense[j]! <= dense[i]! + d;
            return sign * (part[j]![1]! - (r[1]! + sign * d)) <= 0;
          }
        }
      };
      const excluded = (j: number) => {
        const peer = cmp(part[j]!, r) === 0;
        switch (s.exclude) {
          case 'current row':
            return j === i;
          case 'group':
            return peer;
          case 'ties':
            return peer && j !== i;
          default:
            return false;
        }
      };
      const frame: number[] = [];
      for (let j = 0; j < n; j++) if (inStart(j) && inEnd(j) && !excluded(j)) frame.push(j);
      const xs = frame.map((j) => part[j]![2]).filter((x): x is number => x !== null);
      const val = (j: number | undefined) => {
        const x = j === undefined ? null : part[j]![2];
        return x === null || x === undefined ? null : String(x);
      };
      const lead2 = i + 2 < n ? val(i + 2) : '-1';
      out.push([
        String(i + 1),
        String(rnk),
        String(dense[i]! + 1),
        i > 0 ? val(i - 1) : null,
        lead2,
        xs.length === 0 ? null : String(xs.reduce((a, b) => a + b, 0)),
        String(frame.length),
        val(frame[0]),
        val(frame[frame.length - 1]),
        val(frame[1]),
        xs.length === 0 ? null : String(Math.min(...xs)),
      ]);
    });
    at = end;
  }
  return out;
}

describe('WindowAgg node against a naive model (property)', () => {
  const calls = [
    windowCall('row_number', []),
    windowCall('rank', []),
    windowCall('dense_rank', []),
    windowCall('lag', [X]),
    windowCall('lead', [X, k(2, T.int4), k(-1, T.int4)]),
    windowCall('sum', [], aggCall('sum', [X])),
    windowCall('count', [], aggCall('count', [], { star: true })),
    windowCall('first_value', [X]),
    windowCall('last_value', [X]),
    windowCall('nth_value', [X, k(2, T.int4)]),
    windowCall('min', [], aggCall('min', [X])),
  ];
  const rowArb = fc.tuple(
    fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
    fc.option(fc.integer({ min: -9, max: 9 }), { nil: null }),
  ) as fc.Arbitrary<Row>;

  it('every frame mode, bound and exclusion agrees with the definition', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 25 }), specArb, (raw, s) => {
        const rangeOffsets =
          s.mode === 'range' && (s.start.offset !== undefined || s.end.offset !== undefined);
        const rows = raw.map((r): Row => [r[0], rangeOffsets ? (r[1] ?? 0) : r[1], r[2]]);
        // the input sorted on the partition then the order key, stably
        const sign = s.descending ? -1 : 1;
        const sorted = rows
          .map((r, i) => ({ r, i }))
          .sort((a, b) => {
            const p = (a.r[0] ?? 99) - (b.r[0] ?? 99);
            if (p !== 0) return p;
            const x = a.r[1];
            const y = b.r[1];
            if (x !== y) {
              if (x === null) return s.nullsFirst ? -1 : 1;
              if (y === null) return s.nullsFirst ? 1 : -1;
              return sign * (x - y);
            }
            return a.i - b.i;
          })
          .map((e) => e.r);
        const toBound = (b: Bound): FrameBound =>
          b.offset === undefined
            ? { kind: b.kind }
            : {
                kind: b.kind,
                offset: k(
                  s.mode === 'range' ? b.offset : BigInt(b.offset),
                  s.mode === 'range' ? T.int4 : T.int8,
                ),
              };
        const w: WindowClause = {
          partition: [P],
          order: [{ expr: O, descending: s.descending, nullsFirst: s.nullsFirst }],
          frame: { mode: s.mode, start: toBound(s.start), end: toBound(s.end), exclude: s.exclude },
        };
        const got = runWindow(w, calls, sorted as unknown[][]).map((r) => r.slice(3));
        expect(got).toEqual(model(sorted, s));
      }),
      { numRuns: RUNS * 3 },
    );
  });
});
