import {
  analyze,
  analyzeColumnDefault,
  analyzeExpression,
  type CatalogView,
  type Expr,
  loadParser,
  PositionedSqlError,
  parse,
  type Query,
  type RelationRte,
  resolveTypeName,
} from '@pg/sql';
import { fakeCatalog, fakeRelation } from '@pg/sql/testing';
import { builtins, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

let catalog: CatalogView;

beforeAll(async () => {
  await loadParser();
  catalog = fakeCatalog([
    fakeRelation({
      sql: 'create table t (a int, b text, c varchar(5), d numeric(5,2), e bool, f timestamptz, g int8, h float8, i int2)',
      defaults: { a: '0', c: "'x'::character varying", f: 'now()' },
    }),
    fakeRelation({ sql: 'create table other.t (z int)' }),
    {
      ...fakeRelation({ sql: 'create table pg_tables (tablename name)' }),
      kind: 'v',
      namespaceName: 'pg_catalog',
      computed: true,
    },
    { ...fakeRelation({ sql: 'create table sq (last_value int8)' }), kind: 'S' },
    { ...fakeRelation({ sql: 'create table t_pkey (a int)' }), kind: 'i' },
  ]);
});

function q(sql: string, paramTypes?: number[]): Query {
  const [stmt] = parse(sql);
  return analyze(stmt!, catalog, paramTypes ? { paramTypes } : {});
}

function fails(sql: string, opts: { fixedParams?: boolean } = {}) {
  try {
    const [stmt] = parse(sql);
    analyze(stmt!, catalog, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(PositionedSqlError);
    const err = e as PositionedSqlError;
    return {
      code: err.code,
      message: err.message,
      position: err.position,
      ...(err.hint ? { hint: err.hint } : {}),
      ...(err.detail ? { detail: err.detail } : {}),
    };
  }
  throw new Error(`no error for ${sql}`);
}

describe('SELECT', () => {
  it('expands * and t.*, names outputs as PostgreSQL does, records origins', () => {
    const s = q(
      "select *, t.a, a as x, 1, 'x', 1::int8, lower(b), case when e then 1 end, coalesce(a, 1) from t",
    );
    expect(s.targetList.map((t) => t.name)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
      'i',
      'a',
      'x',
      '?column?',
      '?column?',
      'int8',
      'lower',
      'case',
      'coalesce',
    ]);
    expect(s.targetList[2]!.origin).toEqual({
      relationOid: (s.rtable[0] as RelationRte).relationOid,
      attnum: 3,
    });
    expect(s.targetList[2]!.expr).toMatchObject({
      kind: 'var',
      rt: 0,
      attnum: 3,
      type: TypeOid.varchar,
      typmod: 9,
    });
    // An unknown literal in the output becomes text.
    expect(s.targetList[12]!.expr).toEqual({
      kind: 'const',
      type: TypeOid.text,
      typmod: -1,
      value: 'x',
    });
    expect(s.rtable[0]).toMatchObject({
      kind: 'relation',
      alias: 't',
      lockMode: 'AccessShareLock',
    });
    expect(s.from).toEqual([0]);
  });

  it('column aliases rename the columns visible through the alias', () => {
    const s = q('select x, u.y from t as u(x, y)');
    expect(s.targetList.map((t) => [t.name, t.expr])).toEqual([
      ['x', { kind: 'var', rt: 0, attnum: 1, type: TypeOid.int4, typmod: -1 }],
      ['y', { kind: 'var', rt: 0, attnum: 2, type: TypeOid.text, typmod: -1 }],
    ]);
    expect(fails('select a from t as u(x)').message).toBe('column "a" does not exist');
  });

  it('WHERE is coerced to boolean; IN lists become = ANY (ARRAY[...])', () => {
    const s = q("select a from t where a in (1, 2) and b not in ('x', c) and e");
    expect(s.where).toMatchObject({ kind: 'bool', op: 'and' });
    const [inList, notIn] = (s.where as Expr & { args: Expr[] }).args;
    expect(inList).toMatchObject({
      kind: 'scalararrayop',
      useOr: true,
      op: { name: '=' },
      array: { kind: 'array', elementType: TypeOid.int4 },
    });
    // One constant is no array; c contains a Var: two <> comparisons ANDed.
    expect(notIn).toMatchObject({
      kind: 'bool',
      op: 'and',
      args: [
        { kind: 'op', op: { name: '<>' } },
        { kind: 'op', op: { name: '<>' } },
      ],
    });
    const w = q("select a from t where b not in ('x', 'y', c)").where;
    expect(w).toMatchObject({
      kind: 'bool',
      op: 'and',
      args: [{ kind: 'scalararrayop', useOr: false, op: { name: '<>' } }, { kind: 'op' }],
    });
  });

  it('ORDER BY by output name, position and expression (junk entry), DISTINCT ON, LIMIT/OFFSET as bigint', () => {
    const s = q(
      'select distinct on (a) a as x, b from t order by x, 2 desc, g + 1 nulls first limit 5 offset $1',
    );
    if (s.command !== 'select') throw new Error();
    expect(s.sort).toEqual([
      { index: 0, descending: false, nullsFirst: false },
      { index: 1, descending: true, nullsFirst: true },
      { index: 2, descending: false, nullsFirst: true },
    ]);
    expect(s.targetList[2]).toMatchObject({ junk: true, expr: { kind: 'op', type: TypeOid.int8 } });
    expect(s.distinct).toEqual([0]);
    expect(s.limit).toMatchObject({ kind: 'coerce', type: TypeOid.int8 });
    expect(s.offset).toEqual({ kind: 'param', index: 1, type: TypeOid.int8, typmod: -1 });
    expect(s.paramTypes).toEqual([TypeOid.int8]);
  });

  it('FOR UPDATE / SHARE marks the relation', () => {
    const s = q('select a from t for no key update skip locked');
    if (s.command !== 'select') throw new Error();
    expect(s.rowMarks).toEqual([{ rt: 0, strength: 'no key update', wait: 'skip locked' }]);
    expect((s.rtable[0] as RelationRte).lockMode).toBe('RowShareLock');
  });

  it('SELECT without FROM', () => {
    const s = q('select 1 + 2.5, current_user, current_database()');
    expect(s.rtable).toEqual([]);
    expect(s.targetList.map((t) => [t.name, t.expr.type])).toEqual([
      ['?column?', TypeOid.numeric],
      ['current_user', TypeOid.name],
      ['current_database', TypeOid.name],
    ]);
  });
});

describe('aggregates without GROUP BY', () => {
  it('collects aggregate calls; the target list refers to them through aggref', () => {
    const s = q(
      'select count(*), sum(a) filter (where e), max(c), count(distinct b) + 1 as n from t where a > $1 order by 2',
    );
    if (s.command !== 'select') throw new Error();
    expect(s.aggregates).toEqual([
      {
        name: 'count',
        args: [],
        argTypes: [],
        star: true,
        distinct: false,
        type: TypeOid.int8,
        typmod: -1,
      },
      {
        name: 'sum',
        args: [{ kind: 'var', rt: 0, attnum: 1, type: TypeOid.int4, typmod: -1 }],
        argTypes: [TypeOid.int4],
        star: false,
        distinct: false,
        filter: { kind: 'var', rt: 0, attnum: 5, type: TypeOid.bool, typmod: -1 },
        type: TypeOid.int8,
        typmod: -1,
      },
      // max(varchar) is max(text).
      {
        name: 'max',
        args: [expect.objectContaining({ kind: 'coerce', type: TypeOid.text })],
        argTypes: [TypeOid.text],
        star: false,
        distinct: false,
        type: TypeOid.text,
        typmod: -1,
      },
      {
        name: 'count',
        args: [expect.objectContaining({ kind: 'var', attnum: 2 })],
        argTypes: [TypeOid.text],
        star: false,
        distinct: true,
        type: TypeOid.int8,
        typmod: -1,
      },
    ]);
    expect(s.targetList.map((t) => [t.name, t.expr.kind])).toEqual([
      ['count', 'aggref'],
      ['sum', 'aggref'],
      ['max', 'aggref'],
      ['n', 'op'],
    ]);
    expect(s.targetList[3]!.expr).toMatchObject({
      args: [{ kind: 'aggref', index: 3 }, { kind: 'const' }],
    });
    expect(s.sort).toEqual([{ index: 1, descending: false, nullsFirst: false }]);
    expect(s.paramTypes).toEqual([TypeOid.int4]);
    expect(q('select a from t').command === 'select' && 'aggregates' in q('select a from t')).toBe(
      false,
    );
  });

  it('errors', () => {
    expect(fails('select a, count(*) from t')).toEqual({
      code: '42803',
      message:
        'column "t.a" must appear in the GROUP BY clause or be used in an aggregate function',
      position: 8,
    });
    expect(fails('select a from t where count(*) > 0')).toMatchObject({
      code: '42803',
      message: 'aggregate functions are not allowed in WHERE',
      position: 23,
    });
    expect(fails('select count(count(*)) from t')).toMatchObject({
      code: '42803',
      message: 'aggregate function calls cannot be nested',
      position: 14,
    });
    expect(fails('select sum(b) from t')).toMatchObject({
      code: '42883',
      message: 'function sum(text) does not exist',
    });
    expect(fails('insert into t (a) values (count(*))')).toMatchObject({
      code: '42803',
      message: 'aggregate functions are not allowed in VALUES',
    });
  });
});

describe('relation kinds', () => {
  it('a view is read like a table; changing one is 55000; sequences and indexes are refused', () => {
    expect(
      q("select tablename from pg_tables where tablename = 't'").targetList[0]!.expr.type,
    ).toBe(TypeOid.name);
    expect(fails("insert into pg_tables values ('x')")).toEqual({
      code: '55000',
      message: 'cannot insert into view "pg_tables"',
      detail:
        'Views that do not select from a single table or view are not automatically updatable.',
      hint: 'To enable inserting into the view, provide an INSTEAD OF INSERT trigger or an unconditional ON INSERT DO INSTEAD rule.',
      position: undefined,
    });
    expect(fails('delete from pg_tables')).toMatchObject({
      code: '55000',
      message: 'cannot delete from view "pg_tables"',
    });
    expect(fails('update sq set last_value = 1')).toMatchObject({
      code: '42809',
      message: 'cannot change sequence "sq"',
    });
    expect(fails('select * from t_pkey')).toEqual({
      code: '42809',
      message: '"t_pkey" is an index',
      position: 15,
    });
  });
});

describe('parameters', () => {
  it('take the type their context gives them, or the type the client declared', () => {
    expect(q('select a from t where a = $1 and b like $2').paramTypes).toEqual([
      TypeOid.int4,
      TypeOid.text,
    ]);
    expect(q('select $1').paramTypes).toEqual([TypeOid.text]);
    // The array part of an IN list types $1 before the comparisons with column items.
    expect(q("select a from t where $1 in ('x', c, 'y')").paramTypes).toEqual([TypeOid.text]);
    expect(q('select a from t where a = $1', [TypeOid.int8]).paramTypes).toEqual([TypeOid.int8]);
    expect(q('update t set c = $2 where a = $1').paramTypes).toEqual([
      TypeOid.int4,
      TypeOid.varchar,
    ]);
  });

  it('errors: undetermined, inconsistent, missing in fixed mode', () => {
    expect(fails('select a from t where $1 is null')).toMatchObject({
      code: '42P18',
      message: 'could not determine data type of parameter $1',
    });
    expect(fails('select a from t where a = $2')).toMatchObject({
      code: '42P18',
      message: 'could not determine data type of parameter $1',
    });
    expect(fails('select $1', { fixedParams: true })).toEqual({
      code: '42P02',
      message: 'there is no parameter $1',
      position: 8,
    });
    expect(fails('select a from t where $1 in (a, i)')).toMatchObject({
      code: '42P08',
      message: 'inconsistent types deduced for parameter $1',
      detail: 'integer versus smallint',
    });
  });
});

describe('INSERT, UPDATE, DELETE', () => {
  it('INSERT fills every column in attnum order: given values coerced, DEFAULT and missing ones from the default or NULL', () => {
    const s = q("insert into t (c, a) values ('abc', 1), (default, 2.5) returning a, b");
    if (s.command !== 'insert') throw new Error();
    expect(s.rows).toHaveLength(2);
    const [r1, r2] = s.rows;
    expect(r1).toHaveLength(9);
    expect(r1![0]).toEqual({ kind: 'const', type: TypeOid.int4, typmod: -1, value: 1 });
    expect(r1![2]).toEqual({ kind: 'const', type: TypeOid.varchar, typmod: 9, value: 'abc' });
    expect(r1![1]).toEqual({ kind: 'const', type: TypeOid.text, typmod: -1, value: null });
    expect(r1![5]).toMatchObject({ kind: 'func', fn: { name: 'now' }, type: TypeOid.timestamptz });
    expect(r2![0]).toMatchObject({
      kind: 'coerce',
      type: TypeOid.int4,
      via: 'cast',
      explicit: false,
    });
    expect(r2![2]).toMatchObject({ type: TypeOid.varchar, typmod: 9 });
    expect(s.targetList.map((t) => t.name)).toEqual(['a', 'b']);
    expect((s.rtable[0] as RelationRte).lockMode).toBe('RowExclusiveLock');
  });

  it('INSERT without a column list fills the leading columns, the rest from defaults', () => {
    const s = q('insert into t values (5), (6) returning *');
    if (s.command !== 'insert') throw new Error();
    expect(s.rows.map((r) => r[0])).toEqual([
      { kind: 'const', type: TypeOid.int4, typmod: -1, value: 5 },
      { kind: 'const', type: TypeOid.int4, typmod: -1, value: 6 },
    ]);
    expect(s.rows[0]![2]).toMatchObject({ type: TypeOid.varchar, typmod: 9 });
    expect(s.rows[0]![1]).toMatchObject({ kind: 'const', value: null });
  });

  it('INSERT ... SELECT: the SELECT is a subquery RTE, its outputs Vars assigned to the columns', () => {
    const s = q("insert into t (b, a) select 'x', g from generate_series(1, 3) g returning a");
    if (s.command !== 'insert') throw new Error();
    expect(s.source).toBe(1);
    const src = s.rtable[1]!;
    if (src.kind !== 'subquery') throw new Error();
    expect(src.query.rtable.map((r) => r.kind)).toEqual(['function']);
    expect(s.rows).toHaveLength(1);
    // the unknown literal is assigned directly; g is the subquery's second output
    expect(s.rows[0]![1]).toMatchObject({ kind: 'const', type: TypeOid.text, value: 'x' });
    expect(s.rows[0]![0]).toEqual({
      kind: 'var',
      rt: 1,
      attnum: 2,
      type: TypeOid.int4,
      typmod: -1,
    });
    expect(s.targetList[0]!.expr).toMatchObject({ kind: 'var', rt: 0, attnum: 1 });
  });

  it('VALUES is a "*VALUES*" RTE with column1.. of the common types', () => {
    const s = q("values (1, null), (2.5, 'b')");
    expect(s.rtable[0]).toMatchObject({
      kind: 'values',
      alias: '*VALUES*',
      columnNames: ['column1', 'column2'],
      columnTypes: [
        { type: TypeOid.numeric, typmod: -1 },
        { type: TypeOid.text, typmod: -1 },
      ],
    });
    expect(s.targetList.map((t) => t.expr)).toEqual([
      { kind: 'var', rt: 0, attnum: 1, type: TypeOid.numeric, typmod: -1 },
      { kind: 'var', rt: 0, attnum: 2, type: TypeOid.text, typmod: -1 },
    ]);
  });

  it('INSERT errors', () => {
    expect(fails("insert into t (a) values ('x'::text)")).toEqual({
      code: '42804',
      message: 'column "a" is of type integer but expression is of type text',
      hint: 'You will need to rewrite or cast the expression.',
      position: 27,
    });
    expect(fails('insert into t (zz) values (1)')).toMatchObject({
      code: '42703',
      message: 'column "zz" of relation "t" does not exist',
      position: 16,
    });
    expect(fails('insert into t (a, a) values (1, 2)')).toMatchObject({
      code: '42701',
      message: 'column "a" specified more than once',
    });
    expect(fails('insert into t (a) values (1, 2)')).toMatchObject({
      code: '42601',
      message: 'INSERT has more expressions than target columns',
    });
    expect(fails('insert into t (a, b) values (1)')).toMatchObject({
      code: '42601',
      message: 'INSERT has more target columns than expressions',
    });
    expect(fails("insert into t values (4, 'd'), (5)")).toEqual({
      code: '42601',
      message: 'VALUES lists must all be the same length',
      position: 33,
    });
    expect(fails('insert into t (a, b) values (1, 2), (3)')).toMatchObject({
      message: 'VALUES lists must all be the same length',
    });
    expect(fails("insert into t (a) values ('abc')")).toMatchObject({
      code: '22P02',
      message: 'invalid input syntax for type integer: "abc"',
      position: 27,
    });
    expect(fails("insert into t (c) values ('abcdef')")).toMatchObject({
      code: '22001',
      message: 'value too long for type character varying(5)',
    });
    expect(fails('insert into nope values (1)')).toMatchObject({
      code: '42P01',
      message: 'relation "nope" does not exist',
      position: 13,
    });
  });

  it('UPDATE builds attnum -> value, DELETE keeps its WHERE', () => {
    const u = q('update t set b = b || a, d = default where a > 1 returning *');
    if (u.command !== 'update') throw new Error();
    expect([...u.set.keys()]).toEqual([2, 4]);
    expect(u.set.get(2)).toMatchObject({ kind: 'op', op: { name: '||' }, type: TypeOid.text });
    expect(u.set.get(4)).toEqual({
      kind: 'const',
      type: TypeOid.numeric,
      typmod: 327686,
      value: null,
    });
    expect(u.targetList).toHaveLength(9);
    const d = q('delete from t where b is not null');
    expect(d).toMatchObject({
      command: 'delete',
      target: 0,
      where: { kind: 'nulltest', isNull: false },
    });
    expect(fails('update t set zz = 1')).toMatchObject({
      code: '42703',
      message: 'column "zz" of relation "t" does not exist',
    });
    expect(fails('update t set a = 1, a = 2')).toMatchObject({
      code: '42601',
      message: 'multiple assignments to same column "a"',
    });
  });
});

describe('analysis errors, with PostgreSQL texts and positions', () => {
  it.each([
    ['select zz from t', '42703', 'column "zz" does not exist', 8],
    ['select t.zz from t', '42703', 'column t.zz does not exist', 8],
    ['select q.a from t', '42P01', 'missing FROM-clause entry for table "q"', 8],
    ['select * from nope', '42P01', 'relation "nope" does not exist', 15],
    ['select * from other.nope', '42P01', 'relation "other.nope" does not exist', 15],
    [
      'select a from t where a',
      '42804',
      'argument of WHERE must be type boolean, not type integer',
      23,
    ],
    ['select foo(1)', '42883', 'function foo(integer) does not exist', 8],
    ["select 1 + 'a'::text", '42883', 'operator does not exist: integer + text', 10],
    ["select '12a'::int", '22P02', 'invalid input syntax for type integer: "12a"', 8],
    ['select true::date', '42846', 'cannot cast type boolean to date', 12],
    ['select 1::nosuch', '42704', 'type "nosuch" does not exist', 11],
    ['select array[]', '42P18', 'cannot determine type of empty array', 8],
    [
      "select case when true then 1 else 'x'::text end",
      '42804',
      'CASE types text and integer cannot be matched',
      28,
    ],
    ['select 1 from t, t', '42712', 'table name "t" specified more than once', undefined],
    ['select a from t join t u on true', '42702', 'column reference "a" is ambiguous', 8],
    ['select a from t order by 3', '42P10', 'ORDER BY position 3 is not in select list', 26],
  ])('%s', (sql, code, message, position) => {
    expect(fails(sql)).toMatchObject({ code, message, position });
  });

  it('hints', () => {
    expect(fails('select foo(1)').hint).toBe(
      'No function matches the given name and argument types. You might need to add explicit type casts.',
    );
    expect(fails("select 1 + 'a'::text").hint).toBe(
      'No operator matches the given name and argument types. You might need to add explicit type casts.',
    );
  });
});

describe('exports the engine uses', () => {
  it('resolveTypeName', () => {
    const tn = (t: string) => {
      const [s] = parse(`select null::${t}`);
      return resolveTypeName(
        s!.node.SelectStmt.targetList[0].ResTarget.val.TypeCast.typeName,
        builtins,
      );
    };
    expect(tn('int')).toEqual({ oid: TypeOid.int4, typmod: -1 });
    expect(tn('varchar(10)')).toEqual({ oid: TypeOid.varchar, typmod: 14 });
    expect(tn('character varying')).toEqual({ oid: TypeOid.varchar, typmod: -1 });
    expect(tn('numeric(10,2)')).toEqual({ oid: TypeOid.numeric, typmod: (10 << 16) + 2 + 4 });
    expect(tn('timestamp with time zone')).toEqual({ oid: TypeOid.timestamptz, typmod: -1 });
    expect(tn('double precision')).toEqual({ oid: TypeOid.float8, typmod: -1 });
    expect(tn('int[]')).toEqual({ oid: TypeOid._int4, typmod: -1 });
    expect(tn('uuid')).toEqual({ oid: TypeOid.uuid, typmod: -1 });
    expect(tn('jsonb')).toEqual({ oid: TypeOid.jsonb, typmod: -1 });
  });

  it('analyzeExpression and analyzeColumnDefault', () => {
    const [s] = parse("select 'x'");
    const node = s!.node.SelectStmt.targetList[0].ResTarget.val;
    expect(analyzeExpression(node, catalog)).toEqual({
      kind: 'const',
      type: 705,
      typmod: -1,
      value: 'x',
    });
    const rel = catalog.lookupRelation(undefined, 't')!;
    expect(analyzeColumnDefault(rel, rel.columns[2]!, catalog)).toEqual({
      kind: 'const',
      type: TypeOid.varchar,
      typmod: 9,
      value: 'x',
    });
    expect(analyzeColumnDefault(rel, rel.columns[0]!, catalog)).toEqual({
      kind: 'const',
      type: TypeOid.int4,
      typmod: -1,
      value: 0,
    });
  });
});

// ------------------------------------------------------------- model-based property

/**
 * A model of PostgreSQL's numeric type promotion: over int2, int4, int8,
 * numeric and float8 operands, `+ - *` give the higher of the two in
 * int2 < int4 < int8 < numeric < float8 (cross-type integer operators
 * and implicit casts), a bare integer literal is int4, a quoted literal
 * takes the other side's type; comparisons give boolean; `||` of text gives text.
 */
type Typed = { sql: string; type: number };
const RANK = [TypeOid.int2, TypeOid.int4, TypeOid.int8, TypeOid.numeric, TypeOid.float8];

const numLeaf: fc.Arbitrary<Typed> = fc.constantFrom(
  { sql: 'i', type: TypeOid.int2 },
  { sql: 'a', type: TypeOid.int4 },
  { sql: 'g', type: TypeOid.int8 },
  { sql: 'd', type: TypeOid.numeric },
  { sql: 'h', type: TypeOid.float8 },
  { sql: '7', type: TypeOid.int4 },
  { sql: '2.5', type: TypeOid.numeric },
  { sql: '9000000000', type: TypeOid.int8 },
);

const { num } = fc.letrec<{ num: Typed }>((tie) => ({
  num: fc.oneof(
    { depthSize: 'small' },
    numLeaf,
    fc.tuple(tie('num'), fc.constantFrom('+', '-', '*'), tie('num')).map(([l, op, r]) => ({
      sql: `(${l.sql} ${op} ${r.sql})`,
      type: RANK[Math.max(RANK.indexOf(l.type as never), RANK.indexOf(r.type as never))]!,
    })),
    fc
      .tuple(tie('num'), fc.constantFrom('+', '*'))
      .map(([l, op]) => ({ sql: `(${l.sql} ${op} '3')`, type: l.type })),
    tie('num').map((x) => ({ sql: `(- ${x.sql})`, type: x.type })),
  ),
}));

it('property: numeric promotion, comparisons and literals type as the model says', () => {
  fc.assert(
    fc.property(num, num, fc.constantFrom('b', 'c', "'x'"), (e, e2, t) => {
      const s = q(`select ${e.sql}, ${t} || ${e.sql}, ${e.sql} < ${e2.sql} from t`);
      expect(s.targetList[0]!.expr.type).toBe(e.type);
      expect(s.targetList[2]!.expr.type).toBe(TypeOid.bool);
      // text || anything non-array is text (anytextcat / textanycat).
      expect(s.targetList[1]!.expr.type).toBe(TypeOid.text);
    }),
    { numRuns: Number(process.env.PG_PROPERTY_RUNS ?? 300) },
  );
});
