/**
 * Differential: the Agg and WindowAgg nodes against real PostgreSQL 15.
 * Random rows are fed to PostgreSQL as a VALUES list and to the nodes as
 * an array-backed input; every result is compared as text (each value
 * through its type's output function, PostgreSQL's through pg's text
 * format), NULLs, empty input, DISTINCT / ORDER BY / FILTER inside the
 * call, grouping, and window frames included.
 */

import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import type { AggregateCall, AggSortKey, Expr, FrameBound, WindowClause } from '@pg/sql';
import { builtins, defaultContext, SqlError, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  v,
  windowCall,
  windowPlan,
} from './agg-testkit.js';
import { buildWindowAggNode } from './window-node.js';

const T = TypeOid;

afterAll(() => removeTestTempDir());
const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);
const tctx = defaultContext();

let pg: ReferencePostgres;

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

async function theirs(sql: string): Promise<(string | null)[][] | string> {
  const client = await pg.connect();
  try {
    const r = await client.query({
      text: sql,
      rowMode: 'array',
      types: { getTypeParser: () => (x: string) => x },
    });
    return r.rows as (string | null)[][];
  } catch (e) {
    return `ERROR ${(e as { code?: string }).code} ${(e as Error).message}`;
  } finally {
    await client.end();
  }
}

function ours(run: () => unknown[][], types: readonly number[]): (string | null)[][] | string {
  try {
    return run().map((r) =>
      r.map((x, i) => (x === null ? null : builtins.mustType(types[i]!).output(x, tctx))),
    );
  } catch (e) {
    if (e instanceof SqlError) return `ERROR ${e.code} ${e.message}`;
    throw e;
  }
}

// ---------------------------------------------------------------- the rows

/** id, g (group), i (int4), n (numeric), f (float8), t (text), b (bool) */
type Row = [
  number,
  number | null,
  number | null,
  string | null,
  number | null,
  string | null,
  boolean | null,
];
const COLS = ['id', 'g', 'i', 'n', 'f', 't', 'b'];
const TYPES = [T.int4, T.int4, T.int4, T.numeric, T.float8, T.text, T.bool];
const SQLTYPES = ['int4', 'int4', 'int4', 'numeric', 'float8', 'text', 'bool'];
const input = scanPlan(TYPES);
const [, G, I, N, F, TX, B] = TYPES.map((t, j) => v(j + 1, t)) as [
  Expr,
  Expr,
  Expr,
  Expr,
  Expr,
  Expr,
  Expr,
];

const rowsArb = fc
  .array(
    fc.tuple(
      fc.option(fc.integer({ min: 0, max: 3 }), { freq: 5, nil: null }),
      fc.option(fc.integer({ min: -20, max: 20 }), { freq: 4, nil: null }),
      fc.option(fc.constantFrom('1.5', '2', '-0.25', '10.00', '3.75', '0', '7.125'), {
        freq: 4,
        nil: null,
      }),
      fc.option(fc.constantFrom(0.5, -2, 3.25, 100, 1e-3, 7), { freq: 4, nil: null }),
      fc.option(fc.constantFrom('x', 'y', 'ab', '', 'Zz', 'q"'), { freq: 4, nil: null }),
      fc.option(fc.boolean(), { freq: 4, nil: null }),
    ),
    { maxLength: 20 },
  )
  .map((rs) => rs.map((r, id): Row => [id + 1, ...r]));

const lit = (x: unknown, j: number) => {
  if (x === null) return `NULL::${SQLTYPES[j]}`;
  if (typeof x === 'string') return `'${x.replace(/'/g, "''")}'::${SQLTYPES[j]}`;
  return `${x}::${SQLTYPES[j]}`;
};

/** A FROM item of the rows (an empty one when there are none). */
function fromRows(rows: readonly Row[]): string {
  const list =
    rows.length === 0
      ? `(${COLS.map((_, j) => lit(null, j)).join(', ')})`
      : rows.map((r) => `(${r.map(lit).join(', ')})`).join(', ');
  return `(VALUES ${list}) AS v(${COLS.join(', ')})${rows.length === 0 ? ' WHERE false' : ''}`;
}

const numeric = (s: string) => builtins.mustType(T.numeric).input(s, -1, tctx);
const toInput = (rows: readonly Row[]) =>
  rows.map((r) =>
    r.map((x, j) => (x !== null && TYPES[j] === T.numeric ? numeric(x as string) : x)),
  );

function op(name: string, l: Expr, r: Expr): Expr {
  const o = builtins.findOperator(name, l.type, r.type)!;
  return {
    kind: 'op',
    op: o,
    fn: builtins.findFunction(o.fn, [l.type, r.type])!,
    args: [l, r],
    type: o.result,
    typmod: -1,
  };
}
const notNull = (e: Expr): Expr => ({
  kind: 'nulltest',
  arg: e,
  isNull: false,
  type: T.bool,
  typmod: -1,
});
const asc = (expr: Expr, nullsFirst = false): AggSortKey => ({
  expr,
  descending: false,
  nullsFirst,
});
const desc = (expr: Expr, nullsFirst = true): AggSortKey => ({
  expr,
  descending: true,
  nullsFirst,
});

/** [SQL, our call, whether its result depends on the input order] */
const AGGS: [string, AggregateCall, boolean][] = [
  ['count(*)', aggCall('count', [], { star: true }), false],
  ['count(i)', aggCall('count', [I]), false],
  ['sum(i)', aggCall('sum', [I]), false],
  ['avg(i)', aggCall('avg', [I]), false],
  ['sum(n)', aggCall('sum', [N]), false],
  ['avg(n)', aggCall('avg', [N]), false],
  ['sum(f)', aggCall('sum', [F]), true],
  ['avg(f)', aggCall('avg', [F]), true],
  ['min(t)', aggCall('min', [TX]), false],
  ['max(n)', aggCall('max', [N]), false],
  ['min(f)', aggCall('min', [F]), false],
  ['bool_and(b)', aggCall('bool_and', [B]), false],
  ['bool_or(b)', aggCall('bool_or', [B]), false],
  ['every(b)', aggCall('every', [B]), false],
  ['bit_and(i)', aggCall('bit_and', [I]), false],
  ['bit_or(i)', aggCall('bit_or', [I]), false],
  ['bit_xor(i)', aggCall('bit_xor', [I]), false],
  ['stddev(i)', aggCall('stddev', [I]), false],
  ['variance(i)', aggCall('variance', [I]), false],
  ['stddev_pop(n)', aggCall('stddev_pop', [N]), false],
  ['var_pop(i)', aggCall('var_pop', [I]), false],
  ['var_samp(n)', aggCall('var_samp', [N]), false],
  ['stddev_samp(f)', aggCall('stddev_samp', [F]), true],
  ['var_pop(f)', aggCall('var_pop', [F]), true],
  ["string_agg(t, ',')", aggCall('string_agg', [TX, k(',', T.text)]), true],
  [
    "string_agg(t, '-' ORDER BY t DESC)",
    aggCall('string_agg', [TX, k('-', T.text)], { order: [desc(TX, false)] }),
    false,
  ],
  [
    "string_agg(DISTINCT t, ';')",
    aggCall('string_agg', [TX, k(';', T.text)], { distinct: true }),
    false,
  ],
  ['array_agg(i)', aggCall('array_agg', [I]), true],
  [
    'array_agg(i ORDER BY i NULLS FIRST)',
    aggCall('array_agg', [I], { order: [asc(I, true)] }),
    false,
  ],
  ['array_agg(DISTINCT n)', aggCall('array_agg', [N], { distinct: true }), false],
  [
    'array_agg(t ORDER BY t DESC NULLS LAST, i)',
    aggCall('array_agg', [TX], { order: [desc(TX, false), asc(I)] }),
    true,
  ],
  ['json_agg(t)', aggCall('json_agg', [TX]), true],
  ['jsonb_agg(n ORDER BY n)', aggCall('jsonb_agg', [N], { order: [asc(N)] }), false],
  ['json_agg(b ORDER BY b)', aggCall('json_agg', [B], { order: [asc(B)] }), false],
  [
    'json_object_agg(t, i) FILTER (WHERE t IS NOT NULL)',
    aggCall('json_object_agg', [TX, I], { filter: notNull(TX) }),
    true,
  ],
  [
    'jsonb_object_agg(t, n) FILTER (WHERE t IS NOT NULL)',
    aggCall('jsonb_object_agg', [TX, N], { filter: notNull(TX) }),
    true,
  ],
  ['count(DISTINCT i)', aggCall('count', [I], { distinct: true }), false],
  ['sum(DISTINCT n)', aggCall('sum', [N], { distinct: true }), false],
  ['avg(i) FILTER (WHERE i > 0)', aggCall('avg', [I], { filter: op('>', I, k(0, T.int4)) }), false],
  ['count(*) FILTER (WHERE b)', aggCall('count', [], { star: true, filter: B }), false],
  [
    'array_agg(DISTINCT i ORDER BY i DESC)',
    aggCall('array_agg', [I], { distinct: true, order: [desc(I, true)] }),
    false,
  ],
  [
    'max(f) FILTER (WHERE n > 1)',
    aggCall('max', [F], { filter: op('>', N, k(numeric('1'), T.numeric)) }),
    false,
  ],
];

describe('aggregates against PostgreSQL 15', () => {
  it('plain aggregates over random rows (NULLs and empty input included)', async () => {
    const plan = aggPlan(
      input,
      'plain',
      [],
      AGGS.map((a) => a[1]),
    );
    const types = plan.output.map((e) => e.type);
    const sql = (rows: readonly Row[]) =>
      `SELECT ${AGGS.map((a) => a[0]).join(', ')} FROM ${fromRows(rows)}`;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        const expected = await theirs(sql(rows));
        const got = ours(
          () => drain(buildAggNode(plan, arrayNode(toInput(rows)), testContext())),
          types,
        );
        if (typeof expected === 'string' || typeof got === 'string') {
          // an error (a NULL key in json_object_agg cannot happen: FILTER removes it)
          expect(got).toEqual(expected);
          return;
        }
        AGGS.forEach(([text], j) => {
          expect({ agg: text, value: got[0]![j] }).toEqual({ agg: text, value: expected[0]![j] });
        });
        compared++;
      }),
      { numRuns: RUNS },
    );
    expect(compared).toBeGreaterThan(0);
  }, 120_000);

  it('GROUP BY, hashed (spilling) and sorted, with HAVING and grouping sets', async () => {
    const calls = AGGS.filter((a) => !a[2]);
    const having = op('>', { kind: 'aggref', index: 0, type: T.int8, typmod: -1 }, k(1n, T.int8));
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(
        rowsArb,
        fc.constantFrom('hashed', 'spill', 'sorted', 'having', 'sets'),
        async (rows, mode) => {
          const sets = mode === 'sets';
          const grouping: Expr = { kind: 'groupingfunc', refs: [0, 1], type: T.int4, typmod: -1 };
          const plan = aggPlan(
            input,
            sets ? 'mixed' : mode === 'sorted' ? 'sorted' : 'hashed',
            [G, B],
            calls.map((a) => a[1]),
            {
              ...(mode === 'having' ? { having } : {}),
              ...(sets
                ? { groupingSets: [[0, 1], [0], []], groupingFuncs: [grouping as never] }
                : {}),
            },
          );
          const types = plan.output.map((e) => e.type);
          const groupBy = sets ? 'GROUPING SETS ((g, b), (g), ())' : 'g, b';
          const text = `SELECT g, b, ${calls.map((a) => a[0]).join(', ')}${sets ? ', GROUPING(g, b)' : ''} FROM ${fromRows(rows)} GROUP BY ${groupBy}${mode === 'having' ? ' HAVING count(*) > 1' : ''}`;
          const expected = await theirs(text);
          const fed = toInput(rows);
          if (mode === 'sorted') {
            fed.sort((a, b) => cmpNullsLast(a[1], b[1]) || cmpNullsLast(a[6], b[6]));
          }
          const got = ours(
            () =>
              drain(
                buildAggNode(
                  plan,
                  arrayNode(fed),
                  testContext({ workMemKb: mode === 'spill' ? 1 : 4096 }),
                ),
              ),
            types,
          );
          const key = (r: (string | null)[]) => JSON.stringify(r);
          if (typeof expected === 'string' || typeof got === 'string') {
            expect(got).toEqual(expected);
            return;
          }
          expect(got.map(key).sort()).toEqual(expected.map(key).sort());
          compared++;
        },
      ),
      { numRuns: RUNS },
    );
    expect(compared).toBeGreaterThan(0);
  }, 120_000);

  it('errors: json_object_agg NULL key, array_agg of mixed dimensions', async () => {
    const cases: [string, AggregateCall, unknown[][], number[]][] = [
      [
        `SELECT jsonb_object_agg(k, v) FROM (VALUES ('a'::text, 1::int4), (NULL, 2)) x(k, v)`,
        aggCall('jsonb_object_agg', [v(1, T.text), v(2, T.int4)]),
        [
          ['a', 1],
          [null, 2],
        ],
        [T.text, T.int4],
      ],
      [
        `SELECT array_agg(a) FROM (VALUES ('{1,2}'::int4[]), ('{3}')) x(a)`,
        aggCall('array_agg', [v(1, T._int4)]),
        [
          [{ dims: [2], lbounds: [1], elements: [1, 2] }],
          [{ dims: [1], lbounds: [1], elements: [3] }],
        ],
        [T._int4],
      ],
      [
        `SELECT array_agg(a) FROM (VALUES ('{1,2}'::int4[]), (NULL)) x(a)`,
        aggCall('array_agg', [v(1, T._int4)]),
        [[{ dims: [2], lbounds: [1], elements: [1, 2] }], [null]],
        [T._int4],
      ],
      [
        `SELECT array_agg(a) FROM (VALUES ('{1,2}'::int4[]), ('{3,NULL}')) x(a)`,
        aggCall('array_agg', [v(1, T._int4)]),
        [
          [{ dims: [2], lbounds: [1], elements: [1, 2] }],
          [{ dims: [2], lbounds: [1], elements: [3, null] }],
        ],
        [T._int4],
      ],
    ];
    for (const [sql, call, rows, types] of cases) {
      const plan = aggPlan(scanPlan(types), 'plain', [], [call]);
      const got = ours(
        () => drain(buildAggNode(plan, arrayNode(rows), testContext())),
        [call.type],
      );
      const expected = await theirs(sql);
      expect({ sql, got }).toEqual({ sql, got: expected });
    }
  }, 60_000);
});

describe('aggregates over more types against PostgreSQL 15', () => {
  /** [column SQL types, rows as text literals, [aggregate SQL over a and b, our call]...] */
  const cases: [
    [number, string, number, string],
    (string | null)[][],
    [string, (a: Expr, b: Expr) => AggregateCall][],
  ][] = [
    [
      [T.bytea, 'bytea', T.bytea, 'bytea'],
      [
        ['\\x01ff', '\\x2c'],
        [null, '\\x00'],
        ['\\x', '\\x7c'],
        ['\\x0203', null],
      ],
      [['string_agg(a, b)', (a, b) => aggCall('string_agg', [a, b])]],
    ],
    [
      [T._text, 'text[]', T.int8, 'int8'],
      [
        ['{a,"b c"}', '9223372036854775807'],
        ['{NULL,d}', '-5'],
        ['{e,f}', null],
        ['{g,h}', '12'],
      ],
      [
        ['array_agg(a)', (a) => aggCall('array_agg', [a])],
        ['json_agg(a)', (a) => aggCall('json_agg', [a])],
        ['jsonb_agg(a)', (a) => aggCall('jsonb_agg', [a])],
        ['min(a)', (a) => aggCall('min', [a])],
        ['max(a)', (a) => aggCall('max', [a])],
        ['bit_and(b)', (_a, b) => aggCall('bit_and', [b])],
        ['bit_or(b)', (_a, b) => aggCall('bit_or', [b])],
        ['bit_xor(b)', (_a, b) => aggCall('bit_xor', [b])],
        ['sum(b)', (_a, b) => aggCall('sum', [b])],
        ['avg(b)', (_a, b) => aggCall('avg', [b])],
        ['stddev(b)', (_a, b) => aggCall('stddev', [b])],
        ['var_pop(b)', (_a, b) => aggCall('var_pop', [b])],
        ['jsonb_object_agg(b, a)', (a, b) => aggCall('jsonb_object_agg', [b, a])],
        ['json_object_agg(b, a)', (a, b) => aggCall('json_object_agg', [b, a])],
      ],
    ],
    [
      [T.interval, 'interval', T.date, 'date'],
      [
        ['1 day 02:00', '2024-02-29'],
        ['-3 hours', null],
        [null, '1999-12-31'],
        ['1 mon', '2024-01-01'],
      ],
      [
        ['sum(a)', (a) => aggCall('sum', [a])],
        ['avg(a)', (a) => aggCall('avg', [a])],
        ['min(a)', (a) => aggCall('min', [a])],
        ['max(b)', (_a, b) => aggCall('max', [b])],
        [
          'array_agg(b ORDER BY b DESC NULLS LAST)',
          (_a, b) => aggCall('array_agg', [b], { order: [desc(b, false)] }),
        ],
        ['json_agg(b ORDER BY b)', (_a, b) => aggCall('json_agg', [b], { order: [asc(b)] })],
        ['jsonb_agg(a ORDER BY a)', (a) => aggCall('jsonb_agg', [a], { order: [asc(a)] })],
      ],
    ],
    [
      [T.int2, 'int2', T.numeric, 'numeric'],
      [
        ['3', '1.000001'],
        ['-7', '123456789.5'],
        [null, 'NaN'],
        ['32767', '-0.5'],
      ],
      [
        ['sum(a)', (a) => aggCall('sum', [a])],
        ['avg(a)', (a) => aggCall('avg', [a])],
        ['stddev_samp(a)', (a) => aggCall('stddev_samp', [a])],
        ['var_samp(a)', (a) => aggCall('var_samp', [a])],
        ['bit_xor(a)', (a) => aggCall('bit_xor', [a])],
        ['stddev(b)', (_a, b) => aggCall('stddev', [b])],
        ['sum(b)', (_a, b) => aggCall('sum', [b])],
        ['avg(b)', (_a, b) => aggCall('avg', [b])],
        ['max(b)', (_a, b) => aggCall('max', [b])],
        [
          'var_pop(b) FILTER (WHERE a IS NOT NULL)',
          (a, b) => aggCall('var_pop', [b], { filter: notNull(a) }),
        ],
        [
          'stddev_pop(b) FILTER (WHERE a IS NOT NULL)',
          (a, b) => aggCall('stddev_pop', [b], { filter: notNull(a) }),
        ],
      ],
    ],
    [
      [T.float4, 'float4', T.float8, 'float8'],
      [
        ['1.5', '1e308'],
        ['-2.25', '1e308'],
        [null, '-Infinity'],
        ['3.1', '2'],
      ],
      [
        ['sum(a)', (a) => aggCall('sum', [a])],
        ['avg(a)', (a) => aggCall('avg', [a])],
        ['stddev(a)', (a) => aggCall('stddev', [a])],
        ['var_pop(a)', (a) => aggCall('var_pop', [a])],
        ['max(b)', (_a, b) => aggCall('max', [b])],
        ['min(b)', (_a, b) => aggCall('min', [b])],
        ['array_agg(DISTINCT b)', (_a, b) => aggCall('array_agg', [b], { distinct: true })],
        ['sum(b)', (_a, b) => aggCall('sum', [b])],
        ['avg(b)', (_a, b) => aggCall('avg', [b])],
        [
          'stddev(b) FILTER (WHERE b < 1e300)',
          (_a, b) => aggCall('stddev', [b], { filter: op('<', b, k(1e300, T.float8)) }),
        ],
        [
          'avg(b) FILTER (WHERE b < 1e300)',
          (_a, b) => aggCall('avg', [b], { filter: op('<', b, k(1e300, T.float8)) }),
        ],
      ],
    ],
  ];
  it('each aggregate gives PostgreSQL text (or error)', async () => {
    for (const [[ta, sa, tb, sb], rows, aggs] of cases) {
      const A = v(1, ta);
      const Bc = v(2, tb);
      const values = rows
        .map(
          (r) =>
            `(${r.map((x, j) => (x === null ? `NULL::${j === 0 ? sa : sb}` : `'${x}'::${j === 0 ? sa : sb}`)).join(', ')})`,
        )
        .join(', ');
      const fed = rows.map((r) =>
        r.map((x, j) =>
          x === null ? null : builtins.mustType(j === 0 ? ta : tb).input(x, -1, tctx),
        ),
      );
      for (const [text, make] of aggs) {
        const call = make(A, Bc);
        const plan = aggPlan(scanPlan([ta, tb]), 'plain', [], [call]);
        const got = ours(
          () => drain(buildAggNode(plan, arrayNode(fed), testContext())),
          [call.type],
        );
        const expected = await theirs(`SELECT ${text} FROM (VALUES ${values}) v(a, b)`);
        expect({ text, got }).toEqual({ text, got: expected });
      }
    }
  }, 60_000);
});

const cmpNullsLast = (a: unknown, b: unknown): number => {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
};

// ---------------------------------------------------------------- windows

type WRow = [id: number, g: number | null, o: number | null, x: number | null];
const W_TYPES = [T.int4, T.int4, T.int4, T.int4];
const wInput = scanPlan(W_TYPES);
const [WID, WG, WO, WX] = W_TYPES.map((t, j) => v(j + 1, t)) as [Expr, Expr, Expr, Expr];

type BoundSpec = { kind: FrameBound['kind']; offset?: number };
const boundSql = (b: BoundSpec) =>
  b.offset === undefined ? b.kind.toUpperCase() : `${b.offset} ${b.kind.toUpperCase()}`;
const posOf = (b: BoundSpec) =>
  ['unbounded preceding', 'preceding', 'current row', 'following', 'unbounded following'].indexOf(
    b.kind,
  );
const wBoundArb = fc.oneof(
  fc.constantFrom<BoundSpec>(
    { kind: 'unbounded preceding' },
    { kind: 'current row' },
    { kind: 'unbounded following' },
  ),
  fc.record({
    kind: fc.constantFrom<FrameBound['kind']>('preceding', 'following'),
    offset: fc.integer({ min: 0, max: 4 }),
  }),
);

describe('window functions against PostgreSQL 15', () => {
  const wRowsArb = fc
    .array(
      fc.tuple(
        fc.option(fc.integer({ min: 0, max: 2 }), { freq: 4, nil: null }),
        fc.option(fc.integer({ min: 0, max: 8 }), { freq: 4, nil: null }),
        fc.option(fc.integer({ min: -9, max: 9 }), { freq: 4, nil: null }),
      ),
      { maxLength: 18 },
    )
    .map((rs) => rs.map((r, id): WRow => [id + 1, ...r]));

  const frameArb = fc
    .record({
      mode: fc.constantFrom('rows', 'range', 'groups') as fc.Arbitrary<'rows' | 'range' | 'groups'>,
      start: wBoundArb,
      end: wBoundArb,
      exclude: fc.constantFrom('no others', 'current row', 'group', 'ties') as fc.Arbitrary<
        WindowClause['frame']['exclude']
      >,
      descending: fc.boolean(),
      nullsFirst: fc.boolean(),
      unique: fc.boolean(),
    })
    .filter(
      (s) =>
        s.start.kind !== 'unbounded following' &&
        s.end.kind !== 'unbounded preceding' &&
        posOf(s.start) <= posOf(s.end),
    );

  it('ranking, offset, value and aggregate functions over random frames', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(wRowsArb, frameArb, async (rows, s) => {
        // a unique order key (the id) makes every function deterministic; with ties only
        // the functions that do not depend on the order among peers are compared
        const unique = s.unique;
        const orderCol = unique ? 'id' : 'o';
        const orderExpr = unique ? WID : WO;
        const funcs: [string, ReturnType<typeof windowCall>, boolean][] = [
          ['rank()', windowCall('rank', []), true],
          ['dense_rank()', windowCall('dense_rank', []), true],
          ['percent_rank()', windowCall('percent_rank', []), true],
          ['cume_dist()', windowCall('cume_dist', []), true],
          ['row_number()', windowCall('row_number', []), false],
          ['ntile(3)', windowCall('ntile', [k(3, T.int4)]), false],
          ['lag(x)', windowCall('lag', [WX]), false],
          ['lead(x, 2, -1)', windowCall('lead', [WX, k(2, T.int4), k(-1, T.int4)]), false],
          ['first_value(x)', windowCall('first_value', [WX]), false],
          ['last_value(x)', windowCall('last_value', [WX]), false],
          ['nth_value(x, 2)', windowCall('nth_value', [WX, k(2, T.int4)]), false],
          [
            "string_agg(x::text, ',')",
            windowCall('string_agg', [], aggCall('string_agg', [castText(WX), k(',', T.text)])),
            false,
          ],
          ['array_agg(x)', windowCall('array_agg', [], aggCall('array_agg', [WX])), false],
          [
            'count(*)',
            windowCall('count', [], aggCall('count', [], { star: true })),
            s.mode !== 'rows',
          ],
          ['sum(x)', windowCall('sum', [], aggCall('sum', [WX])), s.mode !== 'rows'],
          ['avg(x)', windowCall('avg', [], aggCall('avg', [WX])), s.mode !== 'rows'],
          ['min(x)', windowCall('min', [], aggCall('min', [WX])), s.mode !== 'rows'],
          [
            'max(x) FILTER (WHERE x > 0)',
            windowCall('max', [], aggCall('max', [WX], { filter: op('>', WX, k(0, T.int4)) })),
            s.mode !== 'rows',
          ],
          ['stddev(x)', windowCall('stddev', [], aggCall('stddev', [WX])), s.mode !== 'rows'],
        ];
        const used = funcs.filter((f) => unique || f[2]);
        const toBound = (b: BoundSpec): FrameBound =>
          b.offset === undefined
            ? { kind: b.kind }
            : {
                kind: b.kind,
                offset: s.mode === 'range' ? k(b.offset, T.int4) : k(BigInt(b.offset), T.int8),
              };
        const window: WindowClause = {
          partition: [WG],
          order: [{ expr: orderExpr, descending: s.descending, nullsFirst: s.nullsFirst }],
          frame: { mode: s.mode, start: toBound(s.start), end: toBound(s.end), exclude: s.exclude },
        };
        const dir = `${s.descending ? 'DESC' : 'ASC'} NULLS ${s.nullsFirst ? 'FIRST' : 'LAST'}`;
        const frameSql = `${s.mode.toUpperCase()} BETWEEN ${boundSql(s.start)} AND ${boundSql(s.end)} EXCLUDE ${s.exclude === 'no others' ? 'NO OTHERS' : s.exclude.toUpperCase()}`;
        const overSql = `OVER (PARTITION BY g ORDER BY ${orderCol} ${dir} ${frameSql})`;
        const wRows: unknown[][] = rows;
        const sql = `SELECT id, ${used.map((f) => `${f[0]} ${overSql}`).join(', ')} FROM (VALUES ${
          rows.length === 0
            ? '(NULL::int4, NULL::int4, NULL::int4, NULL::int4)'
            : rows
                .map((r) => `(${r.map((x) => `${x === null ? 'NULL' : x}::int4`).join(', ')})`)
                .join(', ')
        }) AS v(id, g, o, x)${rows.length === 0 ? ' WHERE false' : ''}`;
        const expected = await theirs(sql);
        // our input: sorted on the partition (NULLS LAST), then the order key
        const ord = (x: unknown, y: unknown) => {
          if (x === y) return 0;
          if (x === null) return s.nullsFirst ? -1 : 1;
          if (y === null) return s.nullsFirst ? 1 : -1;
          return (s.descending ? -1 : 1) * ((x as number) - (y as number));
        };
        const oi = unique ? 0 : 2;
        const fed = [...wRows].sort(
          (a, b) =>
            cmpNullsLast(a[1], b[1]) || ord(a[oi], b[oi]) || (a[0] as number) - (b[0] as number),
        );
        const plan = windowPlan(
          wInput,
          window,
          used.map((f) => f[1]),
        );
        const types = plan.output.map((e) => e.type);
        const got = ours(
          () => drain(buildWindowAggNode(plan, arrayNode(fed), testContext())),
          types,
        );
        if (typeof expected === 'string' || typeof got === 'string') {
          expect(got).toEqual(expected);
          return;
        }
        const mine = got
          .map((r) => [r[0], ...r.slice(4)])
          .sort((a, b) => Number(a[0]) - Number(b[0]));
        const pgs = [...expected].sort((a, b) => Number(a[0]) - Number(b[0]));
        expect({ sql, rows: mine }).toEqual({ sql, rows: pgs });
        compared++;
      }),
      { numRuns: RUNS * 2 },
    );
    expect(compared).toBeGreaterThan(0);
  }, 300_000);

  it('RANGE offsets over numeric, float8, date and timestamp columns', async () => {
    let compared = 0;
    const cases: {
      type: number;
      sqlType: string;
      values: (string | null)[];
      offset: string;
      offType: number;
      offSql: string;
    }[] = [
      {
        type: T.numeric,
        sqlType: 'numeric',
        values: ['1.5', '2', '2', '3.75', null, '10', '-1'],
        offset: '1.5',
        offType: T.numeric,
        offSql: '1.5',
      },
      {
        type: T.float8,
        sqlType: 'float8',
        values: ['1.5', '2', 'Infinity', '-Infinity', null, '10', 'NaN', '2'],
        offset: '2',
        offType: T.float8,
        offSql: '2::float8',
      },
      {
        type: T.date,
        sqlType: 'date',
        values: ['2024-01-01', '2024-01-03', '2024-02-01', null, '2023-12-31', '2024-01-02'],
        offset: '2 days',
        offType: T.interval,
        offSql: "'2 days'::interval",
      },
      {
        type: T.timestamp,
        sqlType: 'timestamp',
        values: [
          '2024-01-01 10:00',
          '2024-01-01 11:30',
          '2024-01-01 12:00',
          null,
          '2024-01-02 10:00',
        ],
        offset: '1 hour',
        offType: T.interval,
        offSql: "'1 hour'::interval",
      },
      {
        type: T.int8,
        sqlType: 'int8',
        values: ['1', '5', '3', null, '9223372036854775800', '-9223372036854775800'],
        offset: '3',
        offType: T.int8,
        offSql: '3::int8',
      },
    ];
    for (const c of cases) {
      for (const [descending, nullsFirst] of [
        [false, false],
        [true, true],
        [false, true],
        [true, false],
      ] as const) {
        for (const bounds of [
          ['preceding', 'following'],
          ['preceding', 'current row'],
          ['current row', 'following'],
          ['following', 'unbounded following'],
          ['unbounded preceding', 'preceding'],
        ] as const) {
          const t = builtins.mustType(c.type);
          const rows = c.values.map((x, i) => [i + 1, x === null ? null : t.input(x, -1, tctx)]);
          const offV = builtins.mustType(c.offType).input(c.offset, -1, tctx);
          const b = (kind: FrameBound['kind']): FrameBound =>
            kind === 'preceding' || kind === 'following'
              ? { kind, offset: k(offV, c.offType) }
              : { kind };
          const col = v(2, c.type);
          const window: WindowClause = {
            partition: [],
            order: [{ expr: col, descending, nullsFirst }],
            frame: { mode: 'range', start: b(bounds[0]), end: b(bounds[1]), exclude: 'no others' },
          };
          const plan = windowPlan(scanPlan([T.int4, c.type]), window, [
            windowCall('count', [], aggCall('count', [], { star: true })),
            windowCall('array_agg', [], aggCall('array_agg', [v(1, T.int4)], {})),
          ]);
          const ord = (x: unknown, y: unknown) => {
            if (x === null || y === null) return x === y ? 0 : (x === null) === nullsFirst ? -1 : 1;
            return (descending ? -1 : 1) * t.compare(x, y);
          };
          const fed = [...rows].sort(
            (a, bb) => ord(a[1], bb[1]) || (a[0] as number) - (bb[0] as number),
          );
          const got = ours(
            () => drain(buildWindowAggNode(plan, arrayNode(fed), testContext())),
            plan.output.map((e) => e.type),
          );
          const bSql = (kind: string) =>
            kind === 'preceding' || kind === 'following' ? `${c.offSql} ${kind}` : kind;
          const sql = `SELECT id, x, count(*) OVER w, array_agg(id) OVER w FROM (VALUES ${c.values
            .map((x, i) => `(${i + 1}, ${x === null ? 'NULL' : `'${x}'`}::${c.sqlType})`)
            .join(
              ', ',
            )}) AS v(id, x) WINDOW w AS (ORDER BY x ${descending ? 'DESC' : 'ASC'} NULLS ${nullsFirst ? 'FIRST' : 'LAST'} RANGE BETWEEN ${bSql(bounds[0])} AND ${bSql(bounds[1])}) ORDER BY id`;
          const expected = await theirs(sql);
          if (typeof expected === 'string' || typeof got === 'string') {
            expect({ sql, got }).toEqual({ sql, got: expected });
            continue;
          }
          // array_agg over peers may list them in any order: compare as sets
          const norm = (rs: (string | null)[][]) =>
            rs
              .map((r) => [
                r[0],
                r[2],
                r[3] === null ? null : r[3]!.replace(/[{}]/g, '').split(',').sort().join(','),
              ])
              .sort((a, bb) => Number(a[0]) - Number(bb[0]));
          expect({ sql, rows: norm(got.map((r) => [r[0]!, r[1]!, r[2]!, r[3]!])) }).toEqual({
            sql,
            rows: norm(expected),
          });
          compared++;
        }
      }
    }
    expect(compared).toBe(5 * 4 * 5);
  }, 120_000);

  it('frame offset errors', async () => {
    const sum = aggCall('sum', [WX]);
    const cases: [string, WindowClause['frame']][] = [
      [
        'ROWS BETWEEN -1 PRECEDING AND CURRENT ROW',
        {
          mode: 'rows',
          start: { kind: 'preceding', offset: k(-1n, T.int8) },
          end: { kind: 'current row' },
          exclude: 'no others',
        },
      ],
      [
        'ROWS BETWEEN CURRENT ROW AND NULL FOLLOWING',
        {
          mode: 'rows',
          start: { kind: 'current row' },
          end: { kind: 'following', offset: k(null, T.int8) },
          exclude: 'no others',
        },
      ],
      [
        'GROUPS BETWEEN 1 PRECEDING AND -2 FOLLOWING',
        {
          mode: 'groups',
          start: { kind: 'preceding', offset: k(1n, T.int8) },
          end: { kind: 'following', offset: k(-2n, T.int8) },
          exclude: 'no others',
        },
      ],
      [
        'RANGE BETWEEN -1 PRECEDING AND CURRENT ROW',
        {
          mode: 'range',
          start: { kind: 'preceding', offset: k(-1, T.int4) },
          end: { kind: 'current row' },
          exclude: 'no others',
        },
      ],
    ];
    for (const [frameSql, frame] of cases) {
      const window: WindowClause = { partition: [], order: [asc(WO)], frame };
      const plan = windowPlan(wInput, window, [windowCall('sum', [], sum)]);
      const rows = [
        [1, 1, 1, 1],
        [2, 1, 2, 2],
      ];
      const got = ours(
        () => drain(buildWindowAggNode(plan, arrayNode(rows), testContext())),
        plan.output.map((e) => e.type),
      );
      const expected = await theirs(
        `SELECT sum(x) OVER (ORDER BY o ${frameSql}) FROM (VALUES (1, 1, 1, 1), (2, 1, 2, 2)) v(id, g, o, x)`,
      );
      expect({ frameSql, got }).toEqual({ frameSql, got: expected });
    }
  }, 60_000);
});

function castText(e: Expr): Expr {
  const c = builtins.cast(T.int4, T.text);
  return c === undefined
    ? { kind: 'coerce', arg: e, via: 'io', explicit: true, type: T.text, typmod: -1 }
    : { kind: 'coerce', arg: e, cast: c, via: 'cast', explicit: true, type: T.text, typmod: -1 };
}
