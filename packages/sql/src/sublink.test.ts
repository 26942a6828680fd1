/**
 * The analyzer's trees for sub-SELECTs in expressions (SubLink with its
 * testExpr of SubLinkParams), outer references (Var.levelsUp), parameters
 * typed inside sub-SELECTs, and set-returning functions in a SELECT list
 * with FROM (the FuncExpr itself, for the planner's ProjectSet).
 */
import {
  analyze,
  analyzeColumnDefault,
  analyzeExpression,
  type CatalogView,
  type Expr,
  loadParser,
  PositionedSqlError,
  parse,
  type SelectQuery,
  type SubLink,
} from '@pg/sql';
import { fakeCatalog, fakeRelation } from '@pg/sql/testing';
import { TypeOid } from '@pg/types';
import { beforeAll, describe, expect, it } from 'vitest';

let catalog: CatalogView;

beforeAll(async () => {
  await loadParser();
  catalog = fakeCatalog([
    fakeRelation({ sql: 'create table t (a int, b text, g int8, d numeric(5,2))' }),
    fakeRelation({ sql: 'create table u (a int, x int, arr int[], js jsonb, f timestamptz)' }),
    fakeRelation({ sql: 'create table v (x int8, y text)' }),
  ]);
});

function select(sql: string): SelectQuery {
  const [stmt] = parse(sql);
  const q = analyze(stmt!, catalog);
  if (q.command !== 'select') throw new Error('not a SELECT');
  return q;
}

function fails(sql: string) {
  try {
    analyze(parse(sql)[0]!, catalog);
  } catch (e) {
    expect(e).toBeInstanceOf(PositionedSqlError);
    const err = e as PositionedSqlError;
    return { code: err.code, message: err.message, position: err.position };
  }
  throw new Error(`no error for ${sql}`);
}

/** The tree without functions' and operators' definitions (their names instead). */
function shape(x: unknown): unknown {
  return JSON.parse(
    JSON.stringify(x, (k, v) =>
      (k === 'fn' || k === 'op') && v && typeof v === 'object' ? v.name : v,
    ),
  );
}

const int4 = TypeOid.int4;
const bool = TypeOid.bool;
const v = (rt: number, attnum: number, type: number, levelsUp?: number) => ({
  kind: 'var',
  rt,
  attnum,
  type,
  typmod: -1,
  ...(levelsUp !== undefined ? { levelsUp } : {}),
});
const slp = (column: number, type: number) => ({ kind: 'sublinkparam', column, type, typmod: -1 });

describe('outer references', () => {
  it('a correlated column is a Var with levelsUp 1; the nearest level wins', () => {
    const q = select('SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.x = t.a AND x = a)');
    const sub = (q.where as SubLink).query;
    expect(shape(sub.where)).toMatchObject({
      kind: 'bool',
      op: 'and',
      args: [
        { kind: 'op', op: '=', args: [v(0, 2, int4), v(0, 1, int4, 1)] },
        // bare `a` is u.a (this level), not t.a
        { kind: 'op', op: '=', args: [v(0, 2, int4), v(0, 1, int4)] },
      ],
    });
  });

  it('two levels up, and a name only an outer level has', () => {
    const q = select('SELECT (SELECT (SELECT g + u.x + v.x FROM v) FROM u) FROM t');
    const l1 = (q.targetList[0]!.expr as SubLink).query;
    const l2 = (l1.targetList[0]!.expr as SubLink).query;
    // (g + u.x) + v.x: int8 + int4 -> int8, + int8
    expect(shape(l2.targetList[0]!.expr)).toMatchObject({
      args: [{ args: [v(0, 3, TypeOid.int8, 2), v(0, 2, int4, 1)] }, v(0, 1, TypeOid.int8)],
    });
  });

  it('the output column of an outer reference keeps its origin', () => {
    const q = select('SELECT (SELECT t.b FROM u LIMIT 1) AS ob FROM t');
    const sub = (q.targetList[0]!.expr as SubLink).query;
    expect(sub.targetList[0]!.origin).toEqual({
      relationOid: q.rtable[0]!.kind === 'relation' ? q.rtable[0]!.relationOid : 0,
      attnum: 2,
    });
    expect(q.targetList[0]!.name).toBe('ob');
  });

  it.each([
    ['SELECT (SELECT zz FROM u) FROM t', '42703', 'column "zz" does not exist', 16],
    ['SELECT (SELECT t.zz FROM u) FROM t', '42703', 'column t.zz does not exist', 16],
    ['SELECT (SELECT q.a FROM u) FROM t', '42P01', 'missing FROM-clause entry for table "q"', 16],
    [
      'SELECT (SELECT t.a FROM u) FROM t s',
      '42P01',
      'invalid reference to FROM-clause entry for table "t"',
      16,
    ],
    [
      'SELECT (SELECT s.a FROM (SELECT 1 AS a, 2 AS a) s) FROM t',
      '42702',
      'column reference "a" is ambiguous',
      16,
    ],
    [
      'INSERT INTO t SELECT t.a',
      '42P01',
      'invalid reference to FROM-clause entry for table "t"',
      22,
    ],
    ['INSERT INTO t (a) SELECT a', '42703', 'column "a" does not exist', 26],
    [
      'SELECT a FROM t LIMIT (SELECT t.a)',
      '42P10',
      'argument of LIMIT must not contain variables',
      31,
    ],
  ])('%s', (sql, code, message, position) => {
    expect(fails(sql)).toEqual({ code, message, position });
  });
});

describe('SubLinks', () => {
  it('x IN (SELECT ...) is ANY with `x = $1`; NOT IN is NOT of it', () => {
    const q = select('SELECT a IN (SELECT x FROM u), a NOT IN (SELECT x FROM u) FROM t');
    const any = {
      kind: 'sublink',
      linkType: 'any',
      type: bool,
      testExpr: { kind: 'op', op: '=', fn: 'int4eq', args: [v(0, 1, int4), slp(1, int4)] },
    };
    expect(shape(q.targetList[0]!.expr)).toMatchObject(any);
    expect(shape(q.targetList[1]!.expr)).toMatchObject({ kind: 'bool', op: 'not', args: [any] });
    expect((q.targetList[0]!.expr as SubLink).query.targetList).toHaveLength(1);
  });

  it('both sides are coerced to the operator PostgreSQL chooses', () => {
    const q = select('SELECT d = ANY (SELECT a FROM u), g < ALL (SELECT x FROM u) FROM t');
    expect(shape(q.targetList[0]!.expr)).toMatchObject({
      linkType: 'any',
      testExpr: {
        op: '=',
        args: [
          { kind: 'var', type: TypeOid.numeric },
          { kind: 'coerce', type: TypeOid.numeric, arg: slp(1, int4) },
        ],
      },
    });
    // int8 < int4 has an operator of its own: no coercion
    expect(shape(q.targetList[1]!.expr)).toMatchObject({
      linkType: 'all',
      testExpr: { op: '<', fn: 'int84lt', args: [v(0, 3, TypeOid.int8), slp(1, int4)] },
    });
  });

  it('row forms: = combines with AND, <> with OR', () => {
    const q = select(
      'SELECT (a, b) IN (SELECT x, y FROM v), (a, b) <> ALL (SELECT x, y FROM v) FROM t',
    );
    expect(shape(q.targetList[0]!.expr)).toMatchObject({
      linkType: 'any',
      testExpr: {
        kind: 'bool',
        op: 'and',
        args: [
          { op: '=', args: [v(0, 1, int4), slp(1, TypeOid.int8)] },
          { op: '=', args: [v(0, 2, TypeOid.text), slp(2, TypeOid.text)] },
        ],
      },
    });
    expect(shape(q.targetList[1]!.expr)).toMatchObject({
      linkType: 'all',
      testExpr: { kind: 'bool', op: 'or' },
    });
  });

  it('EXISTS, scalar and ARRAY sub-SELECTs: types and column names', () => {
    const q = select(
      'SELECT EXISTS (SELECT 1 FROM u), (SELECT max(x) FROM u), (SELECT d FROM t LIMIT 1), ARRAY(SELECT x FROM u), ARRAY(SELECT arr FROM u) FROM t',
    );
    expect(q.targetList.map((t) => [t.name, t.expr.kind, t.expr.type, t.expr.typmod])).toEqual([
      ['exists', 'sublink', bool, -1],
      ['max', 'sublink', int4, -1],
      ['d', 'sublink', TypeOid.numeric, 327686],
      ['array', 'sublink', TypeOid._int4, -1],
      ['array', 'sublink', TypeOid._int4, -1],
    ]);
    expect(q.targetList.map((t) => (t.expr as SubLink).linkType)).toEqual([
      'exists',
      'expr',
      'expr',
      'array',
      'array',
    ]);
  });

  it.each([
    ['SELECT (SELECT a, x FROM u) FROM t', '42601', 'subquery must return only one column', 8],
    [
      'SELECT a FROM t WHERE a IN (SELECT a, x FROM u)',
      '42601',
      'subquery has too many columns',
      25,
    ],
    [
      'SELECT a FROM t WHERE (a, b) IN (SELECT a FROM u)',
      '42601',
      'subquery has too few columns',
      30,
    ],
    [
      'SELECT a FROM t WHERE a IN (SELECT js FROM u)',
      '42883',
      'operator does not exist: integer = jsonb',
      25,
    ],
    [
      'SELECT a FROM t WHERE (a, g) < ANY (SELECT a, x FROM u)',
      '0A000',
      'row comparisons with < against a sub-SELECT are not supported yet',
      30,
    ],
  ])('%s', (sql, code, message, position) => {
    expect(fails(sql)).toEqual({ code, message, position });
  });

  it('refused in a column DEFAULT, as are column references', () => {
    const t = catalog.lookupRelation(undefined, 't')!;
    const [stmt] = parse('SELECT (SELECT 1)');
    const node = stmt!.node.SelectStmt.targetList[0].ResTarget.val;
    expect(() =>
      analyzeExpression(node, catalog, { column: t.columns[0]!, source: stmt!.source }),
    ).toThrow(
      expect.objectContaining({
        code: '0A000',
        message: 'cannot use subquery in DEFAULT expression',
        position: 8,
      }),
    );
    expect(() =>
      analyzeColumnDefault(t, { ...t.columns[0]!, hasDefault: true, defaultExpr: 'b' }, catalog),
    ).toThrow(
      expect.objectContaining({
        code: '0A000',
        message: 'cannot use column reference in DEFAULT expression',
      }),
    );
  });
});

describe('parameters in sub-SELECTs', () => {
  it('are typed where they are used and the whole statement sees the type', () => {
    const q = select(
      'SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.x = $1) AND $2 IN (SELECT y FROM v)',
    );
    expect(q.paramTypes).toEqual([int4, TypeOid.text]);
    const [exists, inSub] = (q.where as { args: readonly Expr[] }).args as [SubLink, SubLink];
    expect(shape(exists.query.where)).toMatchObject({
      args: [v(0, 2, int4), { kind: 'param', index: 1, type: int4 }],
    });
    expect(exists.query.paramTypes).toEqual([int4, TypeOid.text]);
    expect(shape(inSub.testExpr)).toMatchObject({
      args: [{ kind: 'param', index: 2, type: TypeOid.text }, slp(1, TypeOid.text)],
    });
  });

  it('a parameter first seen untyped inside a sub-SELECT takes the type found later', () => {
    const q = select('SELECT a FROM t WHERE (SELECT $1 IS NULL) AND $1 = 1');
    const sub = ((q.where as { args: readonly Expr[] }).args[0] as SubLink).query;
    expect(shape(sub.targetList[0]!.expr)).toMatchObject({
      kind: 'nulltest',
      arg: { kind: 'param', index: 1, type: int4 },
    });
  });
});

describe('set-returning functions in a SELECT list with FROM', () => {
  it('are the FuncExpr itself (retset), in the SELECT list and ORDER BY', () => {
    const q = select(
      "SELECT generate_series(1, a), unnest(arr), jsonb_array_elements(js), jsonb_each(js), generate_series(f, f + interval '1 day', interval '1 hour') FROM u ORDER BY generate_series(1, 2)",
    );
    expect(q.from).toEqual([0]);
    expect(q.rtable).toHaveLength(1);
    expect(
      q.targetList.map((t) => {
        const e = t.expr;
        return e.kind === 'func' ? [t.name, e.fn.name, e.fn.retset, e.type, t.junk] : e.kind;
      }),
    ).toEqual([
      ['generate_series', 'generate_series', true, int4, false],
      ['unnest', 'unnest', true, int4, false],
      ['jsonb_array_elements', 'jsonb_array_elements', true, TypeOid.jsonb, false],
      ['jsonb_each', 'jsonb_each', true, TypeOid.record, false],
      ['generate_series', 'generate_series', true, TypeOid.timestamptz, false],
      ['generate_series', 'generate_series', true, int4, true],
    ]);
    expect(q.sort).toEqual([{ index: 5, descending: false, nullsFirst: false }]);
  });

  it('without FROM the function stays in the select list (a ProjectSet over Result, as PostgreSQL plans it)', () => {
    const q = select('SELECT generate_series(1, 3) AS n');
    expect(q.from).toEqual([]);
    expect(q.targetList[0]!.expr).toMatchObject({ kind: 'func' });
  });

  it.each([
    [
      'SELECT a FROM u WHERE generate_series(1, 2) > 1',
      'set-returning functions are not allowed in WHERE',
      23,
    ],
    [
      'SELECT a FROM u LIMIT generate_series(1, 2)',
      'set-returning functions are not allowed in LIMIT',
      23,
    ],
    [
      'SELECT count(generate_series(1, a)) FROM u',
      'aggregate function calls cannot contain set-returning function calls',
      14,
    ],
    ['UPDATE u SET a = unnest(arr)', 'set-returning functions are not allowed in UPDATE', 18],
    [
      'DELETE FROM u RETURNING unnest(arr)',
      'set-returning functions are not allowed in RETURNING',
      25,
    ],
  ])('%s', (sql, message, position) => {
    expect(fails(sql)).toEqual({ code: '0A000', message, position });
  });
});
