/**
 * Differential: ordered-set aggregates (percentile_cont / percentile_disc
 * / mode), hypothetical-set aggregates (rank / dense_rank / percent_rank /
 * cume_dist WITHIN GROUP) and the float8 statistical aggregates (corr,
 * covar_*, regr_*, stddev / variance) over random rows, parsed and
 * analyzed by @pg/sql, planned and run by this package, against real
 * PostgreSQL 15; results compared as text (floats to the last digit: the
 * same Youngs-Cramer accumulation gives the same bits).
 */
import { TestDb } from '@pg/executor/testing';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { analyze, loadParser, parse } from '@pg/sql';
import { builtins, defaultContext } from '@pg/types';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 60);

let pg: ReferencePostgres;
const db = new TestDb();
const catalog = {
  registry: builtins,
  searchPath: ['pg_catalog', 'public'],
  lookupRelation: () => undefined,
  currentUser: 'postgres',
  currentDatabase: 'postgres',
};
const tctx = defaultContext();

async function ours(sql: string): Promise<string[][] | string> {
  try {
    const q = analyze(parse(sql)[0]!, catalog);
    const r = await db.autocommit(1, q);
    const types = q.targetList.filter((e) => !e.junk).map((e) => builtins.mustType(e.expr.type));
    return r.rows.map((row) =>
      row.map((v, i) => (v === null ? 'NULL' : types[i]!.output(v, tctx))),
    );
  } catch (e) {
    return `ERROR ${(e as { code?: string }).code} ${(e as Error).message}`;
  }
}

async function theirs(sql: string): Promise<string[][] | string> {
  const client = await pg.connect();
  try {
    const r = await client.query({
      text: sql,
      rowMode: 'array',
      types: { getTypeParser: () => (v: string) => v },
    });
    return (r.rows as (string | null)[][]).map((row) => row.map((v) => (v === null ? 'NULL' : v)));
  } catch (e) {
    return `ERROR ${(e as { code?: string }).code} ${(e as Error).message}`;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await loadParser();
  pg = await startReferencePostgres({ extensions: [] });
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

/** g (group), x and y (float8), n (numeric), d (interval), t (text) */
type Row = [
  number | null,
  number | null,
  number | null,
  string | null,
  string | null,
  string | null,
];

const float = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
);
const rowArb: fc.Arbitrary<Row> = fc.tuple(
  fc.option(fc.integer({ min: 0, max: 2 }), { freq: 6, nil: null }),
  fc.option(float, { freq: 5, nil: null }),
  fc.option(float, { freq: 5, nil: null }),
  fc.option(fc.constantFrom('1.5', '2', '-0.25', '10.00', '3.75', '0'), { freq: 5, nil: null }),
  fc.option(fc.constantFrom('1 day', '3 hours', '-2 mins', '1 mon 4 days', '00:00:01.5'), {
    freq: 5,
    nil: null,
  }),
  fc.option(fc.constantFrom('a', 'b', 'ab', 'B', ''), { freq: 5, nil: null }),
);
const TYPES = ['int4', 'float8', 'float8', 'numeric', 'interval', 'text'];

function fromRows(rows: readonly Row[]): string {
  const lit = (x: unknown, j: number) =>
    x === null
      ? `NULL::${TYPES[j]}`
      : typeof x === 'number'
        ? `'${Object.is(x, -0) ? '-0' : String(x)}'::${TYPES[j]}`
        : `'${x}'::${TYPES[j]}`;
  const list =
    rows.length === 0
      ? `(${TYPES.map((_, j) => lit(null, j)).join(', ')})`
      : rows.map((r) => `(${r.map(lit).join(', ')})`).join(', ');
  return `(VALUES ${list}) AS v(g, x, y, n, d, t)${rows.length === 0 ? ' WHERE false' : ''}`;
}

const fraction = fc.constantFrom('0', '0.1', '0.25', '0.5', '0.75', '0.9', '1', '0.333');
const orderedSetItems = fc.constantFrom(
  (p: string) => `percentile_cont(${p}) WITHIN GROUP (ORDER BY x)`,
  (p: string) => `percentile_cont(${p}) WITHIN GROUP (ORDER BY y DESC)`,
  (p: string) => `percentile_cont(${p}) WITHIN GROUP (ORDER BY d)`,
  (p: string) => `percentile_cont(ARRAY[${p}, 0.5, NULL]) WITHIN GROUP (ORDER BY n)`,
  (p: string) => `percentile_disc(${p}) WITHIN GROUP (ORDER BY n)`,
  (p: string) => `percentile_disc(${p}) WITHIN GROUP (ORDER BY t DESC)`,
  (p: string) => `percentile_disc(ARRAY[[${p}, 1], [0, 0.5]]) WITHIN GROUP (ORDER BY d)`,
  () => 'mode() WITHIN GROUP (ORDER BY t)',
  () => 'mode() WITHIN GROUP (ORDER BY n DESC)',
  () => 'rank(2) WITHIN GROUP (ORDER BY x)',
  () => "dense_rank('1.5') WITHIN GROUP (ORDER BY n NULLS FIRST)",
  () => "percent_rank('b', 1) WITHIN GROUP (ORDER BY t DESC, x)",
  () => "cume_dist(0, 'ab') WITHIN GROUP (ORDER BY g, t NULLS FIRST)",
  (p: string) => `percentile_cont(${p}) WITHIN GROUP (ORDER BY x) FILTER (WHERE g = 1)`,
);
const STATS = [
  'corr(y, x)',
  'covar_pop(y, x)',
  'covar_samp(x, y)',
  'regr_avgx(y, x)',
  'regr_avgy(y, x)',
  'regr_count(y, x)',
  'regr_intercept(y, x)',
  'regr_r2(y, x)',
  'regr_slope(y, x)',
  'regr_sxx(y, x)',
  'regr_sxy(y, x)',
  'regr_syy(y, x)',
  'stddev_samp(x)',
  'var_pop(y)',
  'avg(x)',
];

describe('ordered-set and hypothetical-set aggregates', () => {
  it('match PostgreSQL over random groups', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { maxLength: 14 }),
        fc.array(fc.tuple(orderedSetItems, fraction), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (rows, items, grouped) => {
          const list = items.map(([f, p]) => f(p)).join(', ');
          const sql = grouped
            ? `SELECT g, ${list} FROM ${fromRows(rows)} GROUP BY g ORDER BY g`
            : `SELECT ${list} FROM ${fromRows(rows)}`;
          expect(await ours(sql), sql).toEqual(await theirs(sql));
        },
      ),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('checks fractions as PostgreSQL does', async () => {
    for (const p of ['1.5', '-0.000001', '123456789', "'NaN'", 'NULL', '2']) {
      for (const rows of [
        '(VALUES (1.0::float8)) v(x)',
        '(VALUES (1.0::float8)) v(x) WHERE false',
      ]) {
        const sql = `SELECT percentile_cont(${p}) WITHIN GROUP (ORDER BY x), percentile_disc(ARRAY[${p}]) WITHIN GROUP (ORDER BY x) FROM ${rows}`;
        expect(await ours(sql), sql).toEqual(await theirs(sql));
      }
    }
  }, 60_000);
});

describe('statistical aggregates', () => {
  it('match PostgreSQL to the last digit over random float8 data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { maxLength: 20 }),
        fc.subarray(STATS, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('', ' FILTER (WHERE g = 1)', ' FILTER (WHERE g IS NULL OR x > 0)'),
        async (rows, items, filter) => {
          // one plain Agg: both feed the rows in VALUES order (a float sum depends on it)
          const list = items.map((i) => `${i}${filter}`).join(', ');
          const sql = `SELECT ${list} FROM ${fromRows(rows)}`;
          expect(await ours(sql), sql).toEqual(await theirs(sql));
        },
      ),
      { numRuns: RUNS },
    );
  }, 300_000);
});

describe('aggregates of an outer query level', () => {
  const aggs = [
    'sum(v.x)',
    'count(v.t)',
    'max(v.n)',
    'avg(v.y) FILTER (WHERE v.g = 1)',
    'percentile_disc(0.5) WITHIN GROUP (ORDER BY v.n)',
    "string_agg(v.t, ',' ORDER BY v.t)",
  ];
  it('are computed by the outer query, seen as a parameter inside', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { maxLength: 12 }),
        fc.constantFrom(...aggs),
        fc.constantFrom(
          (a: string, from: string) => `SELECT (SELECT ${a}), count(*) FROM ${from}`,
          (a: string, from: string) =>
            `SELECT g, (SELECT ${a} FROM (VALUES (1), (2)) w(k) WHERE w.k = 1) FROM ${from} GROUP BY g ORDER BY g`,
          (a: string, from: string) =>
            `SELECT g FROM ${from} GROUP BY g HAVING (SELECT ${a}) IS NOT NULL ORDER BY g`,
          (a: string, from: string) => `SELECT (SELECT (SELECT ${a})) FROM ${from}`,
        ),
        async (rows, agg, shape) => {
          const sql = shape(agg, fromRows(rows));
          expect(await ours(sql), sql).toEqual(await theirs(sql));
        },
      ),
      { numRuns: RUNS },
    );
  }, 300_000);
});
