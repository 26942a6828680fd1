/**
 * Sub-SELECTs, outer references and set-returning functions in the SELECT
 * list, against real PostgreSQL 15: each statement's output columns (type
 * OID, typmod, name), inferred parameter types, or its error (SQLSTATE,
 * message, position) must be PostgreSQL's. A generated family of nested
 * sub-SELECTs over tables whose column names overlap checks name
 * resolution across query levels.
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { analyze, analyzeExpression, loadParser, parse } from '@pg/sql';
import { fakeCatalog, fakeRelation } from '@pg/sql/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';

const TABLES = [
  'create table t (a int, b text, c varchar(5), d numeric(5,2), g int8)',
  'create table u (a int, x int, arr int[], js jsonb, f timestamptz)',
  'create table v (x int8, y text, b varchar(3))',
];

let pg: ReferencePostgres;
let client: Awaited<ReturnType<ReferencePostgres['connect']>>;
const catalog = () => fakeCatalog(TABLES.map((sql) => fakeRelation({ sql })));

beforeAll(async () => {
  await loadParser();
  pg = await startReferencePostgres({ extensions: [] });
  client = await pg.connect();
  for (const sql of TABLES) await client.query(sql);
});

afterAll(async () => {
  await pg?.stop();
});

type Outcome =
  | { ok: true; columns: string; params: string }
  | { ok: false; code: string; message: string; position?: number };

/** PREPARE (parameter types inferred), then EXECUTE with NULLs for the output columns. */
async function viaPostgres(sql: string): Promise<Outcome> {
  await client.query('BEGIN');
  try {
    await client.query(`PREPARE p AS ${sql}`);
    const r = await client.query(
      "SELECT array_to_json(parameter_types::oid[]) AS p FROM pg_prepared_statements WHERE name = 'p'",
    );
    const params = (r.rows[0] as { p: (number | string)[] }).p.map(Number);
    const nulls = params.length === 0 ? '' : `(${params.map(() => 'NULL').join(', ')})`;
    // LIMIT 0 semantics without changing the statement: the row description is what counts
    const x = await client.query(`EXECUTE p${nulls}`);
    return {
      ok: true,
      columns: x.fields.map((f) => `${f.name}:${f.dataTypeID}:${f.dataTypeModifier}`).join(', '),
      params: params.join(','),
    };
  } catch (e) {
    const err = e as { code: string; message: string; position?: string };
    return {
      ok: false,
      code: err.code,
      message: err.message,
      ...(err.position ? { position: Number(err.position) - 'PREPARE p AS '.length } : {}),
    };
  } finally {
    await client.query('ROLLBACK');
    await client.query('DEALLOCATE ALL');
  }
}

function viaAnalyzer(sql: string): Outcome {
  try {
    const [stmt] = parse(sql);
    const q = analyze(stmt!, catalog());
    return {
      ok: true,
      columns: q.targetList
        .filter((t) => !t.junk)
        .map((t) => `${t.name}:${t.expr.type}:${t.expr.typmod}`)
        .join(', '),
      params: q.paramTypes.join(','),
    };
  } catch (e) {
    const err = e as { code: string; message: string; position?: number };
    return {
      ok: false,
      code: err.code,
      message: err.message,
      ...(err.position !== undefined ? { position: err.position } : {}),
    };
  }
}

const STATEMENTS = [
  // sub-SELECT kinds
  'SELECT (SELECT 1), (SELECT x FROM u LIMIT 1), (SELECT max(x) FROM u), (SELECT c FROM t LIMIT 1) FROM t',
  'SELECT EXISTS (SELECT 1 FROM u), NOT EXISTS (SELECT FROM u WHERE u.a = t.a) FROM t',
  'SELECT a IN (SELECT x FROM u), a NOT IN (SELECT x FROM u), g IN (SELECT x FROM u), d IN (SELECT a FROM u) FROM t',
  'SELECT a = ANY (SELECT x FROM u), a < ALL (SELECT x FROM u), a >= SOME (SELECT g FROM t), b <> ALL (SELECT y FROM v) FROM t',
  "SELECT (a, b) IN (SELECT x, y FROM v), (a, c) NOT IN (SELECT 1, 'q'), (a, b) <> ALL (SELECT x, y FROM v) FROM t",
  'SELECT ARRAY(SELECT x FROM u), ARRAY(SELECT c FROM t), ARRAY(SELECT arr FROM u), ARRAY(SELECT 1) AS one FROM t',
  "SELECT (SELECT 'x'), (SELECT NULL), ARRAY(SELECT 'y'), 'x' IN (SELECT b FROM t)",
  'SELECT (SELECT a FROM u) AS z, (SELECT a + 1 FROM u), (SELECT u.a FROM u) FROM t',
  'SELECT (SELECT x FROM u ORDER BY a LIMIT 1), (SELECT count(*) FROM u WHERE x > t.a) FROM t',
  'SELECT (VALUES (1)), (SELECT * FROM (VALUES (2.5)) v(n)), (SELECT g FROM generate_series(1, 2) g LIMIT 1)',
  // outer references
  'SELECT a FROM t WHERE a IN (SELECT x FROM u WHERE u.a = t.a)',
  'SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE x = a)',
  'SELECT (SELECT b FROM v WHERE y = t.b LIMIT 1), (SELECT t.c) FROM t',
  'SELECT (SELECT (SELECT t.a + u.x + g) FROM u LIMIT 1) FROM t',
  'SELECT (SELECT (SELECT x FROM v LIMIT 1) FROM u LIMIT 1) FROM t',
  'SELECT (SELECT (SELECT a FROM v LIMIT 1) FROM u LIMIT 1) FROM t',
  'SELECT (SELECT b FROM u LIMIT 1) FROM t',
  'SELECT (SELECT b FROM u, v LIMIT 1) FROM t', // (joins)
  'SELECT (SELECT t.b FROM v t LIMIT 1) FROM t',
  'SELECT a FROM t ORDER BY (SELECT x FROM u WHERE u.a = t.a LIMIT 1)',
  'SELECT a FROM t WHERE b = (SELECT y FROM v WHERE v.b = t.c)',
  'SELECT a, (SELECT x FROM u WHERE u.a = t.a LIMIT 1) AS ux FROM t ORDER BY ux',
  'SELECT CASE WHEN EXISTS (SELECT 1 FROM u) THEN (SELECT 1) ELSE 2 END',
  'SELECT a FROM t LIMIT (SELECT 1) OFFSET (SELECT count(*) FROM u)',
  'SELECT a FROM t LIMIT (SELECT max(x) FROM u)',
  'SELECT (SELECT x FROM u LIMIT t.a) FROM t',
  'SELECT a FROM t LIMIT (SELECT t.a)',
  'SELECT a FROM t OFFSET (SELECT (SELECT t.g))',
  'SELECT a FROM t WHERE a > ALL (SELECT x FROM u WHERE x IN (SELECT a FROM t WHERE t.g = u.x))',
  // parameters inside sub-SELECTs
  'SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE x = $1)',
  'SELECT $1 IN (SELECT x FROM u)',
  'SELECT (SELECT $1 + x FROM u LIMIT 1), $2 = ANY (SELECT y FROM v)',
  'SELECT (SELECT $1)',
  'SELECT 1 IN (SELECT $1)',
  'SELECT (a, $1) IN (SELECT x, y FROM v) FROM t',
  // errors
  'SELECT (SELECT a, x FROM u) FROM t',
  'SELECT ARRAY(SELECT a, x FROM u) FROM t',
  'SELECT a FROM t WHERE a IN (SELECT a, x FROM u)',
  'SELECT a FROM t WHERE (a, b) IN (SELECT a FROM u)',
  'SELECT a FROM t WHERE a IN (SELECT js FROM u)',
  'SELECT a FROM t WHERE a = ANY (SELECT b FROM t)',
  'SELECT a FROM t WHERE a + ANY (SELECT x FROM u)',
  "SELECT a FROM t WHERE (a, b) ~~ ANY (SELECT x, 'y')",
  'SELECT (SELECT zz FROM u) FROM t',
  'SELECT (SELECT t.zz FROM u) FROM t',
  'SELECT (SELECT q.a FROM u) FROM t',
  'SELECT (SELECT a FROM u, t) FROM t', // (joins)
  'SELECT (SELECT x FROM u, v) FROM t', // (joins)
  'SELECT (SELECT a FROM (SELECT 1 AS a, 2 AS a) s) FROM t',
  'SELECT (SELECT s.a FROM (SELECT 1 AS a, 2 AS a) s) FROM t',
  'SELECT (SELECT 1 FROM u WHERE x = nope) FROM t',
  'SELECT (SELECT 1 FROM u x WHERE u.a = 1) FROM t',
  'SELECT (SELECT x FROM u WHERE b = 1 LIMIT 1) FROM t',
  'SELECT a FROM t WHERE EXISTS (SELECT nope FROM u)',
  'SELECT (SELECT * FROM u) FROM t',
  'SELECT ARRAY(SELECT * FROM u) FROM t',
  'INSERT INTO t SELECT t.a',
  'INSERT INTO t (a) SELECT a',
  'INSERT INTO t (a) SELECT x FROM u WHERE EXISTS (SELECT 1 FROM t WHERE t.a = u.a)',
  "UPDATE t SET a = (SELECT max(x) FROM u WHERE u.a = t.a) WHERE b IN (SELECT y FROM v) RETURNING (SELECT 'r')",
  'DELETE FROM t WHERE a IN (SELECT x FROM u WHERE u.a = t.a)',
  // set-returning functions in the SELECT list
  'SELECT generate_series(1, t.a), generate_series(1, 3) AS s FROM t',
  'SELECT unnest(arr), jsonb_array_elements(js), jsonb_each(js), jsonb_array_elements_text(js) FROM u',
  "SELECT generate_series(f, f + interval '1 day', interval '1 hour') FROM u",
  "SELECT generate_series('2020-01-01'::timestamp, '2020-01-02', '1 hour')",
  'SELECT a, generate_series(1, a) + 1 FROM t ORDER BY generate_series(1, 2)',
  'SELECT generate_series(1, generate_series(1, a)) FROM t',
  'SELECT a FROM t WHERE generate_series(1, 2) > 1',
  'SELECT a FROM t ORDER BY a LIMIT generate_series(1, 2)',
  'SELECT count(generate_series(1, a)) FROM t',
  'SELECT generate_series(1, count(*)) FROM t',
  'SELECT (SELECT generate_series(1, 2)) FROM t',
  'SELECT a FROM t WHERE a IN (SELECT generate_series(1, x) FROM u)',
  'UPDATE t SET a = generate_series(1, 2)',
  'DELETE FROM t RETURNING generate_series(1, a)',
  'SELECT count(*) FILTER (WHERE generate_series(1, 2) > 1) FROM t',
  'SELECT CASE WHEN a > 0 THEN generate_series(1, a) END FROM t',
  'SELECT CASE WHEN generate_series(1, a) > 0 THEN 1 END FROM t',
  'SELECT CASE generate_series(1, a) WHEN 1 THEN 2 END FROM t',
  'SELECT coalesce(generate_series(1, a), 0), 1 FROM t',
  'SELECT coalesce(a, generate_series(1, a)) FROM t',
  'SELECT NOT (generate_series(1, 2) > 1) FROM t',
  'SELECT generate_series(1, 2) IN (SELECT 1) FROM t',
  'SELECT (SELECT 1) IN (generate_series(1, 2)) FROM t',
  'SELECT ARRAY(SELECT ARRAY[1]), ARRAY(SELECT NULL::int[] FROM u)',
  'SELECT (SELECT 1) = ANY (SELECT 1), (SELECT 1) FROM t ORDER BY (SELECT 2)',
  'SELECT 1 FROM t WHERE a IN (SELECT generate_series(1, t.a))',
];

it('fixed statements: same output columns, parameter types, or the same error as PostgreSQL', async () => {
  const mismatches: unknown[] = [];
  for (const sql of STATEMENTS) {
    const want = await viaPostgres(sql);
    const got = viaAnalyzer(sql);
    // statements that need joins count once the analyzer has them
    if (!got.ok && got.message === 'joins are not supported yet') continue;
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push({ sql, got, want });
  }
  expect(mismatches).toEqual([]);
});

const DEFAULTS = [
  '(SELECT 1)',
  '(1 + (SELECT max(x) FROM u))',
  '(EXISTS (SELECT 1))',
  'b',
  't.a',
  'generate_series(1, 2)',
  'unnest(ARRAY[1])',
  '(1 IN (SELECT 1))',
];

it('column defaults: sub-SELECTs, column references and set-returning functions refused as PostgreSQL', async () => {
  const mismatches: unknown[] = [];
  for (const def of DEFAULTS) {
    const sql = `create table w (a int default ${def})`;
    let want: Outcome | undefined;
    try {
      await client.query(sql);
      await client.query('drop table w');
    } catch (e) {
      const err = e as { code: string; message: string; position?: string };
      want = { ok: false, code: err.code, message: err.message, position: Number(err.position) };
    }
    let got: Outcome | undefined;
    const [stmt] = parse(sql);
    const column = stmt!.node.CreateStmt.tableElts[0].ColumnDef;
    const node = column.constraints[0].Constraint.raw_expr;
    try {
      analyzeExpression(node, catalog(), {
        column: {
          attnum: 1,
          name: 'a',
          typeOid: 23,
          typmod: -1,
          notNull: false,
          hasDefault: false,
          dropped: false,
          storage: 'p',
        },
        source: stmt!.source,
      });
    } catch (e) {
      const err = e as { code: string; message: string; position?: number };
      got = { ok: false, code: err.code, message: err.message, position: err.position ?? -1 };
    }
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push({ sql, got, want });
  }
  expect(mismatches).toEqual([]);
});

// ------------------------------------------------------------- generated nested sub-SELECTs

/**
 * Column references of every shape (bare, qualified by a table or an
 * alias of any level, unknown) inside sub-SELECTs nested up to three
 * levels in the SELECT list, WHERE and ORDER BY of a query over t, u or v
 * (whose column names overlap: a, b, x), as scalar, EXISTS, IN, ANY/ALL
 * and ARRAY sub-SELECTs. A bare `$1` is only a left operand of IN/ANY
 * (PostgreSQL resolves a SELECT list's unknown outputs after its WHERE,
 * the analyzer as it reads them: a difference of transformSelect's).
 */
const TABLE_NAMES = ['t', 'u', 'v'];

const ref = fc.oneof(
  { arbitrary: fc.constantFrom('a', 'x', 'a', 'x', 'g', 'b', '1', '($1 + 0)'), weight: 12 },
  { arbitrary: fc.constantFrom('t.a', 'u.a', 'v.x', 's1.a', 's2.x', 't.b', 'y'), weight: 3 },
  { arbitrary: fc.constantFrom('zz', 'q.a', 'u.zz', 't', 'public.t.a', 'arr'), weight: 1 },
);
const { query } = fc.letrec<{ query: string; expr: string }>((tie) => ({
  query: fc
    .tuple(
      tie('expr'),
      fc.constantFrom(...TABLE_NAMES),
      fc.constantFrom('', '', ' s1', ' s2'),
      fc.option(tie('expr'), { nil: undefined }),
    )
    .map(
      ([e, table, alias, where]) =>
        `SELECT ${e} FROM ${table}${alias}${where === undefined ? '' : ` WHERE ${where} IS NOT NULL`} LIMIT 1`,
    ),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: ref, weight: 4 },
    { arbitrary: fc.tuple(ref, ref).map(([l, r]) => `${l} = ${r}`), weight: 1 },
    { arbitrary: tie('query').map((s) => `(${s})`), weight: 1 },
    { arbitrary: tie('query').map((s) => `EXISTS (${s})`), weight: 1 },
    { arbitrary: tie('query').map((s) => `ARRAY(${s})`), weight: 1 },
    {
      arbitrary: fc
        .tuple(
          fc.oneof(ref, fc.constant('$1')),
          fc.constantFrom('IN', 'NOT IN', '= ANY', '< ALL', '<> SOME'),
          tie('query'),
        )
        .map(([l, op, s]) => `${l} ${op} (${s})`),
      weight: 1,
    },
  ),
}));

/**
 * A whole-row reference (`SELECT t FROM t`) is typed record (2249) by the
 * analyzer where PostgreSQL gives the table's row type (an OID of 16384 or
 * more): the documented difference (README, records.ts), accepted here.
 */
function wholeRowAsTableType(got: Outcome, want: Outcome): Outcome {
  if (!got.ok && !want.ok) {
    // and in messages: `integer = record` where PostgreSQL says `integer = t`
    const escaped = got.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`^${escaped.replace(/\brecord\b/g, '\\w+')}$`);
    return got.message !== want.message && pattern.test(want.message)
      ? { ...got, message: want.message }
      : got;
  }
  if (!got.ok || !want.ok) return got;
  const theirs = want.columns.split(', ');
  const columns = got.columns
    .split(', ')
    .map((c, i) => {
      const [name, type, typmod] = c.split(':');
      const [, wantType] = (theirs[i] ?? '').split(':');
      return type === '2249' && Number(wantType) >= 16384 ? `${name}:${wantType}:${typmod}` : c;
    })
    .join(', ');
  return { ...got, columns };
}

it('generated nested sub-SELECTs: same output columns and parameters, or the same error', async () => {
  let ok = 0;
  let errors = 0;
  let unsupported = 0;
  await fc.assert(
    fc.asyncProperty(query, async (sql) => {
      const want = await viaPostgres(sql);
      const got = viaAnalyzer(sql);
      // constant folding while planning (a cast of a literal failing) is the executor's business
      if (!want.ok && /^22/.test(want.code) && got.ok) return;
      // PostgreSQL refuses a $n left untyped in one place (`$1 IS NULL`) and typed in
      // another; the analyzer types both (fixParams), at the top level as in sub-SELECTs
      if (!want.ok && want.code === '42P08' && got.ok) return;
      // what is not built yet (whole-row references, ...) is refused as such
      if (!got.ok && got.code === '0A000' && got.message.endsWith('not supported yet')) {
        unsupported++;
        return;
      }
      if (want.ok) ok++;
      else errors++;
      expect({ sql, got: wholeRowAsTableType(got, want) }).toEqual({ sql, got: want });
    }),
    { numRuns: Number(process.env.PG_PROPERTY_RUNS ?? 300) },
  );
  expect(ok).toBeGreaterThan(20);
  expect(errors).toBeGreaterThan(20);
  expect(unsupported).toBeLessThan((ok + errors) / 5);
});
