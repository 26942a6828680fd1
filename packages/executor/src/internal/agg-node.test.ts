import { readdirSync } from 'node:fs';
import type { NodeInstrumentation, PlanNode } from '@pg/planner';
import type { Expr } from '@pg/sql';
import { builtins, defaultContext, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAggNode } from './agg-node.js';
import {
  aggCall,
  aggPlan,
  arrayNode,
  drain,
  k,
  removeTestTempDir,
  scanPlan,
  testContext,
  testTempDir,
  v,
} from './agg-testkit.js';

const T = TypeOid;

afterAll(() => removeTestTempDir());
const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);
const tctx = defaultContext();

/** Each value as its type's text output (null for NULL). */
function texts(types: readonly number[], rows: readonly unknown[][]): (string | null)[][] {
  return rows.map((r) =>
    r.map((x, i) => (x === null ? null : builtins.mustType(types[i]!).output(x, tctx))),
  );
}

const outTypes = (p: { output: readonly Expr[] }) => p.output.map((e) => e.type);

function run(
  plan: ReturnType<typeof aggPlan>,
  rows: unknown[][],
  opts: { workMemKb?: number; instrumentation?: Map<PlanNode, NodeInstrumentation> } = {},
) {
  const node = buildAggNode(plan, arrayNode(rows), testContext(opts));
  const out = drain(node);
  node.close();
  return texts(outTypes(plan), out);
}

const num = (s: string) => builtins.mustType(T.numeric).input(s, -1, tctx);
const sortRows = (rows: (string | null)[][]) => rows.map((r) => JSON.stringify(r)).sort();

describe('Agg node', () => {
  const input = scanPlan([T.int4, T.text, T.numeric]);
  const A = v(1, T.int4);
  const B = v(2, T.text);
  const C = v(3, T.numeric);
  const rows: unknown[][] = [
    [1, 'x', num('1.5')],
    [2, 'y', num('2')],
    [null, 'x', null],
    [1, null, num('-3.25')],
    [2, 'x', num('7')],
    [null, null, num('0')],
  ];

  it('plain: one row over no input (count 0, others NULL)', () => {
    const plan = aggPlan(
      input,
      'plain',
      [],
      [
        aggCall('count', [], { star: true }),
        aggCall('sum', [A]),
        aggCall('string_agg', [B, k(',', T.text)]),
        aggCall('array_agg', [A]),
      ],
    );
    expect(run(plan, [])).toEqual([['0', null, null, null]]);
    expect(run(plan, rows)).toEqual([['6', '6', 'x,y,x,x', '{1,2,NULL,1,2,NULL}']]);
  });

  it('sorted and hashed group NULLs together and apply HAVING', () => {
    const calls = [aggCall('count', [], { star: true }), aggCall('sum', [C])];
    const having: Expr = {
      kind: 'op',
      op: builtins.findOperator('>', T.int8, T.int8)!,
      fn: builtins.findFunction('int8gt', [T.int8, T.int8])!,
      args: [{ kind: 'aggref', index: 0, type: T.int8, typmod: -1 }, k(1n, T.int8)],
      type: T.bool,
      typmod: -1,
    };
    const sorted = [...rows].sort((a, b) =>
      a[0] === b[0]
        ? 0
        : a[0] === null
          ? 1
          : b[0] === null
            ? -1
            : (a[0] as number) - (b[0] as number),
    );
    const expected = [
      ['1', '2', '-1.75'],
      ['2', '2', '9'],
      [null, '2', '0'],
    ];
    expect(run(aggPlan(input, 'sorted', [A], calls), sorted)).toEqual(expected);
    expect(sortRows(run(aggPlan(input, 'hashed', [A], calls), rows))).toEqual(sortRows(expected));
    expect(run(aggPlan(input, 'sorted', [A], calls, { having }), sorted)).toEqual(expected);
    expect(run(aggPlan(input, 'sorted', [A], calls), [])).toEqual([]);
  });

  it('passes a column dependent on the group key through from the first row of the group (G4)', () => {
    // GROUP BY a primary key: the table's other columns may appear in the output
    const plan = aggPlan(input, 'hashed', [A], [aggCall('count', [], { star: true })]);
    const withDependent = { ...plan, output: [...plan.output, B] };
    const keyed: unknown[][] = [
      [1, 'one', num('1')],
      [2, 'two', num('2')],
      [1, 'one', num('3')],
    ];
    const node = buildAggNode(withDependent, arrayNode(keyed), testContext({ workMemKb: 64 }));
    const out = drain(node);
    node.close();
    expect(sortRows(texts([T.int4, T.int8, T.text], out))).toEqual(
      sortRows([
        ['1', '2', 'one'],
        ['2', '1', 'two'],
      ]),
    );
  });

  it('grouping sets: one result set per set, GROUPING() masks, empty set over no input', () => {
    const gf: Expr = { kind: 'groupingfunc', refs: [0, 1], type: T.int4, typmod: -1 };
    const plan = aggPlan(input, 'mixed', [A, B], [aggCall('count', [], { star: true })], {
      groupingSets: [[0, 1], [0], []],
      groupingFuncs: [gf as never],
    });
    const out = run(plan, rows);
    expect(out.filter((r) => r[3] === '3')).toEqual([[null, null, '6', '3']]);
    expect(sortRows(out.filter((r) => r[3] === '1'))).toEqual(
      sortRows([
        ['1', null, '2', '1'],
        ['2', null, '2', '1'],
        [null, null, '2', '1'],
      ]),
    );
    expect(out.filter((r) => r[3] === '0')).toHaveLength(6);
    expect(run(plan, [])).toEqual([[null, null, '0', '3']]);
  });

  it('DISTINCT, ORDER BY and FILTER inside the call', () => {
    const gt0: Expr = {
      kind: 'op',
      op: builtins.findOperator('>', T.int4, T.int4)!,
      fn: builtins.findFunction('int4gt', [T.int4, T.int4])!,
      args: [A, k(1, T.int4)],
      type: T.bool,
      typmod: -1,
    };
    const plan = aggPlan(
      input,
      'plain',
      [],
      [
        aggCall('array_agg', [A], { distinct: true }),
        aggCall('string_agg', [B, k('-', T.text)], {
          order: [{ expr: B, descending: true, nullsFirst: false }],
        }),
        aggCall('count', [A], { filter: gt0 }),
        aggCall('sum', [C], { distinct: true }),
        aggCall('array_agg', [C], { order: [{ expr: C, descending: false, nullsFirst: true }] }),
      ],
    );
    expect(run(plan, rows)).toEqual([
      ['{1,2,NULL}', 'y-x-x-x', '2', '7.25', '{NULL,-3.25,0,1.5,2,7}'],
    ]);
  });

  it('statistics aggregates give numeric with PostgreSQL scales', () => {
    const ints = [[1], [2], [4], [7]];
    const plan = aggPlan(
      scanPlan([T.int4]),
      'plain',
      [],
      [
        aggCall('stddev', [v(1, T.int4)]),
        aggCall('variance', [v(1, T.int4)]),
        aggCall('var_pop', [v(1, T.int4)]),
        aggCall('bit_or', [v(1, T.int4)]),
        aggCall('bit_and', [v(1, T.int4)]),
        aggCall('bit_xor', [v(1, T.int4)]),
      ],
    );
    expect(run(plan, ints)).toEqual([
      ['2.6457513110645906', '7.0000000000000000', '5.2500000000000000', '7', '0', '0'],
    ]);
  });

  it('json_object_agg rejects a NULL key', () => {
    const plan = aggPlan(input, 'plain', [], [aggCall('jsonb_object_agg', [B, A])]);
    expect(() => run(plan, rows)).toThrow(/field name must not be null/);
  });

  it('hashed: spills to temporary files past work_mem and gives the same groups', () => {
    const rowsMany: unknown[][] = [];
    for (let i = 0; i < 6000; i++) rowsMany.push([i % 2500, `v${i % 7}`, num(String(i))]);
    const calls = [aggCall('count', [], { star: true }), aggCall('sum', [C]), aggCall('max', [B])];
    const plan = aggPlan(input, 'hashed', [A], calls);
    const inMemory = run(plan, rowsMany, { workMemKb: 65536 });
    const instrumentation = new Map<PlanNode, NodeInstrumentation>();
    instrumentation.set(plan, { startupMs: 0, totalMs: 0, rows: 0, loops: 0 });
    const spilled = run(plan, rowsMany, { workMemKb: 64, instrumentation });
    expect(spilled).toHaveLength(2500);
    expect(sortRows(spilled)).toEqual(sortRows(inMemory));
    const ins = instrumentation.get(plan)!;
    expect(ins.aggBatches).toBeGreaterThan(1);
    expect(ins.diskUsageKb).toBeGreaterThan(0);
    expect(ins.hashMemoryKb).toBeGreaterThan(0);
    expect(readdirSync(testTempDir())).toEqual([]);
  });

  it('rescan starts over', () => {
    const plan = aggPlan(input, 'hashed', [B], [aggCall('count', [], { star: true })]);
    const node = buildAggNode(plan, arrayNode(rows), testContext());
    const first = drain(node);
    node.rescan();
    expect(drain(node)).toEqual(first);
    node.close();
  });
});

// ---------------------------------------------------------------- property: grouped aggregates vs a model

type Row = [g1: number | null, g2: number | null, x: number | null, s: string | null];

const rowArb = fc.tuple(
  fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
  fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
  fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }),
  fc.option(fc.constantFrom('a', 'b', 'c', 'dd'), { nil: null }),
) as fc.Arbitrary<Row>;

/** The model: per key, the rows; each aggregate computed from its definition. */
function modelAggregates(rows: readonly Row[], cols: readonly number[]) {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = JSON.stringify(cols.map((c) => r[c]));
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  if (cols.length === 0 && groups.size === 0) groups.set('[]', []);
  const out: (string | null)[][] = [];
  for (const [key, list] of groups) {
    const keyVals = JSON.parse(key) as (number | null)[];
    const full: (string | null)[] = [null, null];
    cols.forEach((c, j) => {
      const kv = keyVals[j];
      full[c] = kv === null || kv === undefined ? null : String(kv);
    });
    const xs = list.map((r) => r[2]).filter((x): x is number => x !== null);
    const ss = list.map((r) => r[3]).filter((x): x is string => x !== null);
    const distinctXs = [...new Set(xs)].sort((a, b) => a - b);
    out.push([
      ...full,
      String(list.length),
      String(xs.length),
      xs.length === 0 ? null : String(xs.reduce((a, b) => a + b, 0)),
      xs.length === 0 ? null : String(Math.min(...xs)),
      xs.length === 0 ? null : String(Math.max(...xs)),
      ss.length === 0 ? null : [...ss].sort().join('|'),
      distinctXs.length === 0 ? null : `{${distinctXs.join(',')}}`,
    ]);
  }
  return out;
}

describe('Agg node against a model (property)', () => {
  const input = scanPlan([T.int4, T.int4, T.int4, T.text]);
  const G1 = v(1, T.int4);
  const G2 = v(2, T.int4);
  const X = v(3, T.int4);
  const S = v(4, T.text);
  const calls = [
    aggCall('count', [], { star: true }),
    aggCall('count', [X]),
    aggCall('sum', [X]),
    aggCall('min', [X]),
    aggCall('max', [X]),
    aggCall('string_agg', [S, k('|', T.text)], {
      order: [{ expr: S, descending: false, nullsFirst: false }],
    }),
    aggCall('array_agg', [X], { distinct: true }),
  ];
  const cmpNullsLast = (a: number | null, b: number | null) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a - b;

  it('sorted, hashed (spilling or not) and grouping sets agree with the model', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { maxLength: 60 }),
        fc.constantFrom('sorted', 'hashed', 'spill', 'sets') as fc.Arbitrary<string>,
        (rows, mode) => {
          // array_agg(DISTINCT x) keeps NULL as a value: the model drops it, so leave x NULL-free there
          const data = rows.map((r): Row => [r[0], r[1], r[2] ?? 0, r[3]]);
          const groupExprs = [G1, G2];
          const sets = mode === 'sets' ? [[0, 1], [0], []] : [[0, 1]];
          const plan = aggPlan(
            input,
            mode === 'sets' ? 'mixed' : mode === 'sorted' ? 'sorted' : 'hashed',
            groupExprs,
            calls,
            mode === 'sets' ? { groupingSets: sets } : {},
          );
          const fed =
            mode === 'sorted'
              ? [...data].sort((a, b) => cmpNullsLast(a[0], b[0]) || cmpNullsLast(a[1], b[1]))
              : data;
          const got = run(plan, fed as unknown[][], { workMemKb: mode === 'spill' ? 1 : 4096 });
          const expected = sets.flatMap((s) => modelAggregates(data, s));
          expect(sortRows(got)).toEqual(sortRows(expected));
          if (mode === 'sorted') {
            // sorted output follows the input's key order
            const keys = got.map((r) => [r[0], r[1]]);
            const again = [...keys].sort(
              (a, b) =>
                cmpNullsLast(
                  a[0] === null ? null : Number(a[0]),
                  b[0] === null ? null : Number(b[0]),
                ) ||
                cmpNullsLast(
                  a[1] === null ? null : Number(a[1]),
                  b[1] === null ? null : Number(b[1]),
                ),
            );
            expect(keys).toEqual(again);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
