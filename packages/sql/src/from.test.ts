/**
 * The FROM side of the analyzer: joins, LATERAL, WITH [RECURSIVE] and set
 * operations, checked on the trees produced (printed compactly by `show`).
 * Errors are compared with PostgreSQL's in from.pg.test.ts.
 */
import {
  analyze,
  type CatalogView,
  type Expr,
  loadParser,
  PositionedSqlError,
  parse,
  type RangeTblEntry,
  type SelectQuery,
  type SetOperationTree,
} from '@pg/sql';
import { fakeCatalog, fakeRelation } from '@pg/sql/testing';
import { builtins } from '@pg/types';
import { beforeAll, describe, expect, it } from 'vitest';

let catalog: CatalogView;

beforeAll(async () => {
  await loadParser();
  catalog = fakeCatalog([
    fakeRelation({ sql: 'create table a (x int, y text)' }),
    fakeRelation({ sql: 'create table b (x int8, z text)' }),
    fakeRelation({ sql: 'create table c (x int, w int)' }),
    fakeRelation({ sql: 'create table n (n int)' }),
  ]);
});

function q(sql: string): SelectQuery {
  const [stmt] = parse(sql);
  const query = analyze(stmt!, catalog);
  if (query.command !== 'select') throw new Error('not a select');
  return query;
}

function fails(sql: string) {
  try {
    q(sql);
  } catch (e) {
    if (!(e instanceof PositionedSqlError)) throw e;
    return {
      code: e.code,
      message: e.message,
      position: e.position,
      ...(e.hint ? { hint: e.hint } : {}),
      ...(e.detail ? { detail: e.detail } : {}),
    };
  }
  throw new Error(`no error for ${sql}`);
}

const typ = (oid: number) => builtins.type(oid)?.name ?? String(oid);

/** A compact rendering of an expression (Vars as alias.column of this level, ^n.rt.attnum of outer ones). */
function expr(e: Expr, rtable: readonly RangeTblEntry[]): string {
  const x = (a: Expr) => expr(a, rtable);
  switch (e.kind) {
    case 'var': {
      if (e.levelsUp) return `^${e.levelsUp}.${e.rt}.${e.attnum}`;
      const rte = rtable[e.rt]!;
      return `${rte.alias}.${rte.columnNames[e.attnum - 1]}`;
    }
    case 'const':
      if (e.value === null) return `NULL::${typ(e.type)}`;
      return `${typeof e.value === 'object' ? 'obj' : String(e.value)}::${typ(e.type)}`;
    case 'op':
      return e.args.length === 2
        ? `(${x(e.args[0]!)} ${e.op.name} ${x(e.args[1]!)})`
        : `(${e.op.name} ${x(e.args[0]!)})`;
    case 'func':
      return `${e.fn.name}(${e.args.map(x).join(', ')})`;
    case 'coalesce':
      return `COALESCE(${e.args.map(x).join(', ')})`;
    case 'coerce':
      return `${x(e.arg)}::${typ(e.type)}`;
    case 'bool':
      return `(${e.args.map(x).join(` ${e.op.toUpperCase()} `)})`;
    default:
      return e.kind;
  }
}

function rte(r: RangeTblEntry, rtable: readonly RangeTblEntry[]): string {
  const cols = r.columnNames.join(',');
  switch (r.kind) {
    case 'join':
      return `join ${r.joinType} ${r.left}+${r.right} ${r.alias}(${cols}) = [${r.columns.map((c) => expr(c, rtable)).join(', ')}]${r.quals ? ` on ${expr(r.quals, rtable)}` : ''}`;
    case 'subquery':
      return `subquery${r.lateral ? ' lateral' : ''} ${r.alias}(${cols}) ${show(r.query)}`;
    case 'cte':
      return `cte ${r.name}#${r.index}^${r.levelsUp}${r.self ? ' self' : ''} ${r.alias}(${cols}) [${r.columnTypes.map((t) => typ(t.type)).join(',')}]`;
    case 'function':
      return `function ${r.alias}(${cols}) ${expr(r.call, rtable)}`;
    default:
      return `${r.kind} ${r.alias}(${cols})`;
  }
}

function setop(t: SetOperationTree): string {
  if (t.kind === 'leaf') return String(t.rt);
  return `(${setop(t.left)} ${t.op}${t.all ? ' all' : ''} ${setop(t.right)})[${t.columnTypes.map((c) => typ(c.type)).join(',')}]`;
}

/** The query as nested text: WITH list, range table, FROM, set operation, targets, WHERE, ORDER BY. */
function show(s: SelectQuery): string {
  const parts: string[] = [];
  if (s.ctes) {
    parts.push(
      `with ${s.ctes.map((c) => `${c.name}(${c.columnNames.join(',')})${c.recursive ? ' recursive' : ''} refs=${c.refCount} ${c.materialized} ${show(c.query)}`).join('; ')}`,
    );
  }
  parts.push(`rtable [${s.rtable.map((r, i) => `${i}: ${rte(r, s.rtable)}`).join('; ')}]`);
  if (s.from.length) parts.push(`from ${s.from.join(',')}`);
  if (s.setOp) parts.push(`setop ${setop(s.setOp)}`);
  parts.push(
    `select ${s.targetList.map((t) => `${expr(t.expr, s.rtable)}:${typ(t.expr.type)} as ${t.name}${t.junk ? ' junk' : ''}`).join(', ')}`,
  );
  if (s.where) parts.push(`where ${expr(s.where, s.rtable)}`);
  if (s.sort.length) parts.push(`sort ${s.sort.map((o) => o.index).join(',')}`);
  return `{${parts.join(' | ')}}`;
}

describe('joins', () => {
  it('FROM list and ON join: one JoinRte, Vars of the base entries', () => {
    expect(show(q('select a.x, z from a join b on a.x = b.x, c where w > 1'))).toBe(
      '{rtable [0: relation a(x,y); 1: relation b(x,z); 2: join inner 0+1 unnamed_join(x,y,x,z) = [a.x, a.y, b.x, b.z] on (a.x = b.x); 3: relation c(x,w)] | from 2,3 | select a.x:int4 as x, b.z:text as z | where (c.w > 1::int4)}',
    );
  });

  it('USING merges the columns once, first; * expands them so; types coerced to the common type', () => {
    const s = q('select * from a join b using (x)');
    expect(show(s)).toBe(
      '{rtable [0: relation a(x,y); 1: relation b(x,z); 2: join inner 0+1 unnamed_join(x,y,z) = [b.x, a.y, b.z] on (a.x = b.x)] | from 2 | select b.x:int8 as x, a.y:text as y, b.z:text as z}',
    );
    // INNER prefers a plain Var: the right one when the left is coerced, else the left one
    expect(show(q('select x from b join a using (x)'))).toContain('select b.x:int8 as x');
    expect(show(q('select x from a left join b using (x)'))).toContain(
      'select a.x::int8:int8 as x',
    );
  });

  it('LEFT / RIGHT / FULL merged columns', () => {
    expect(show(q('select x from a left join c using (x)'))).toContain('select a.x:int4 as x');
    expect(show(q('select x from a right join c using (x)'))).toContain('select c.x:int4 as x');
    expect(show(q('select x from a full join b using (x)'))).toContain(
      'select COALESCE(a.x::int8, b.x):int8 as x',
    );
  });

  it('NATURAL joins and nested joins', () => {
    const s = q('select * from a natural join b natural join c');
    expect(s.targetList.map((t) => t.name)).toEqual(['x', 'y', 'z', 'w']);
    expect(show(s)).toContain('natural'.length ? 'join inner 2+3' : '');
    expect(
      q('select x, a.y, c.w from (a join c using (x)) join b using (x)').targetList,
    ).toHaveLength(3);
  });

  it('join aliases hide the sides and rename columns', () => {
    const s = q('select j.p, j.* from (a join c using (x)) as j(p, q)');
    expect(s.targetList.map((t) => `${expr(t.expr, s.rtable)} as ${t.name}`)).toEqual([
      'a.x as p',
      'a.x as p',
      'a.y as q',
      'c.w as w',
    ]);
    expect(fails('select a.x from (a join b using (x)) j')).toMatchObject({
      code: '42P01',
      message: 'invalid reference to FROM-clause entry for table "a"',
      hint: 'There is an entry for table "a", but it cannot be referenced from this part of the query.',
    });
  });

  it('t.* of a side, * over a CROSS JOIN; origins of join columns', () => {
    const s = q('select b.*, * from a cross join b');
    expect(s.targetList.map((t) => t.name)).toEqual(['x', 'z', 'x', 'y', 'x', 'z']);
    expect(s.targetList.every((t) => t.origin !== undefined)).toBe(true);
    const j = s.rtable[2]!;
    expect(j.kind === 'join' && j.quals === undefined).toBe(true);
  });

  it('scoping errors', () => {
    expect(fails('select a.x from a, b join c on a.x = c.x')).toMatchObject({
      code: '42P01',
      position: 32,
    });
    expect(fails('select * from a join b using (q)')).toEqual({
      code: '42703',
      message: 'column "q" specified in USING clause does not exist in left table',
      position: undefined,
    });
    expect(fails('select x from a join c on true')).toMatchObject({ code: '42702', position: 8 });
    expect(fails('select 1 from a join a on true')).toMatchObject({ code: '42712' });
    expect(q('select 1 from a, a a2').from).toEqual([0, 1]);
  });
});

describe('LATERAL', () => {
  it('a LATERAL subquery sees the items to its left as the parent level', () => {
    expect(show(q('select * from a, lateral (select a.x + 1 as p) s'))).toBe(
      '{rtable [0: relation a(x,y); 1: subquery lateral s(p) {rtable [] | select (^1.0.1 + 1::int4):int4 as p}] | from 0,1 | select a.x:int4 as x, a.y:text as y, s.p:int4 as p}',
    );
    expect(fails('select * from a, (select a.x) s')).toMatchObject({
      code: '42P01',
      position: 26,
    });
  });

  it('functions in FROM are implicitly lateral: their arguments are Vars of this level', () => {
    expect(show(q('select g from n, generate_series(1, n.n) g'))).toBe(
      '{rtable [0: relation n(n); 1: function g(g) generate_series(1::int4, n.n)] | from 0,1 | select g.g:int4 as g}',
    );
    expect(show(q('select * from n join lateral (select n.n) s on true'))).toContain(
      'subquery lateral s(n)',
    );
  });
});

describe('join columns seen from other query levels', () => {
  it('a merged FULL JOIN column inside a LATERAL subquery or a sub-SELECT keeps its COALESCE, one level up', () => {
    const lat = q('select * from a full join b using (x), lateral (select x as m) s');
    const sub = lat.rtable[3]!;
    expect(sub.kind === 'subquery' && sub.lateral).toBe(true);
    expect(sub.kind === 'subquery' && show(sub.query)).toBe(
      '{rtable [] | select COALESCE(^1.0.1::int8, ^1.1.1):int8 as m}',
    );
  });
});

describe('WITH', () => {
  it('names visible to the main query and to later WITH queries, refCount, materialized', () => {
    expect(
      show(q('with t(p) as materialized (select 1), u as (select p from t) select * from t, u')),
    ).toBe(
      '{with t(p) refs=2 always {rtable [] | select 1::int4:int4 as ?column?}; u(p) refs=1 default {rtable [0: cte t#0^1 t(p) [int4]] | from 0 | select t.p:int4 as p} | rtable [0: cte t#0^0 t(p) [int4]; 1: cte u#1^0 u(p) [int4]] | from 0,1 | select t.p:int4 as p, u.p:int4 as p}',
    );
  });

  it('a sub-SELECT sees the WITH of an enclosing query (levelsUp)', () => {
    expect(show(q('with t as (select 1 as v) select * from (select v from t) s'))).toContain(
      'cte t#0^1 t(v)',
    );
  });

  it('recursive: the non-recursive term decides the types, the recursive term refers to itself', () => {
    const s = q(
      'with recursive t(n) as (select 1 union all select n + 1 from t where n < 10) select * from t',
    );
    expect(show(s)).toBe(
      '{with t(n) recursive refs=1 default {rtable [0: subquery *SELECT* 1(?column?) {rtable [] | select 1::int4:int4 as ?column?}; 1: subquery *SELECT* 2(?column?) {rtable [0: cte t#0^2 self t(n) [int4]] | from 0 | select (t.n + 1::int4):int4 as ?column? | where (t.n < 10::int4)}] | setop (0 union all 1)[int4] | select *SELECT* 1.?column?:int4 as ?column?} | rtable [0: cte t#0^0 t(n) [int4]] | from 0 | select t.n:int4 as n}',
    );
  });

  it('recursive query errors', () => {
    expect(
      fails('with recursive t(n) as (select 1 intersect select n+1 from t) select * from t'),
    ).toMatchObject({ code: '42P19', position: 16 });
    expect(
      fails('with recursive t(n) as (select 1 union select n+1.5 from t) select * from t'),
    ).toMatchObject({
      code: '42804',
      message:
        'recursive query "t" column 1 has type integer in non-recursive term but type numeric overall',
      position: 32,
      hint: 'Cast the output of the non-recursive term to the correct type.',
    });
  });
});

describe('set operations', () => {
  it('UNION: leaves coerced to the common types, outputs are Vars over the leftmost leaf', () => {
    expect(show(q("select 1 as a, 'x' union all select 2.5, 'y' order by a limit 1"))).toBe(
      '{rtable [0: subquery *SELECT* 1(a,?column?) {rtable [] | select 1::int4::numeric:numeric as a, x::text:text as ?column?}; 1: subquery *SELECT* 2(?column?,?column?) {rtable [] | select obj::numeric:numeric as ?column?, y::text:text as ?column?}] | setop (0 union all 1)[numeric,text] | select *SELECT* 1.a:numeric as a, *SELECT* 1.?column?:text as ?column? | sort 0}',
    );
  });

  it('nested, parenthesized, VALUES leaves, INTERSECT / EXCEPT', () => {
    const s = q('values (1) union (select 2 except select 3) intersect all select 4::int8');
    expect(setop(s.setOp!)).toBe('(0 union ((1 except 2)[int8] intersect all 3)[int8])[int8]');
  });

  it('errors', () => {
    expect(fails("select 1 union select 'a'::text")).toMatchObject({
      code: '42804',
      message: 'UNION types integer and text cannot be matched',
      position: 23,
    });
    expect(fails('select 1, 2 union select 3')).toMatchObject({ code: '42601', position: 26 });
    expect(fails('select 1 as q union select 2 order by q + 1')).toMatchObject({
      code: '0A000',
      position: 39,
      detail: 'Only result column names can be used, not expressions or functions.',
    });
  });

  it('set operations inside FROM and WITH', () => {
    expect(q('select * from (select 1 union select 2) s(v)').targetList[0]!.name).toBe('v');
    expect(q('with t as (select 1 union select 2) select * from t').ctes).toHaveLength(1);
  });
});

describe('data-modifying WITH', () => {
  it('is the statement with a stand-in query of its RETURNING columns', () => {
    const query = q('with t as (insert into a values (1) returning x) select * from t');
    expect(query.ctes?.[0]?.modify?.command).toBe('insert');
    expect(query.ctes?.[0]?.query.targetList.map((t) => t.name)).toEqual(['x']);
  });

  it('only at the top level, and read only with RETURNING (0A000)', () => {
    expect(
      fails('select * from (with t as (delete from a returning x) select * from t) s').message,
    ).toBe('WITH clause containing a data-modifying statement must be at the top level');
    expect(fails('with t as (delete from a) select * from t').message).toBe(
      'WITH query "t" does not have a RETURNING clause',
    );
  });
});

describe('not supported yet', () => {
  it.each(['select * from rows from (generate_series(1, 2)) as r(a int)'])('%s is 0A000', (sql) => {
    expect(fails(sql).code).toBe('0A000');
  });
});

describe('ROWS FROM, SEARCH / CYCLE, ORDER BY ... USING, WITH TIES', () => {
  it("ROWS FROM is one function RTE with every call's columns (and the ordinality)", () => {
    const r = q(
      "select * from rows from (generate_series(1, 2), unnest(array['a'])) with ordinality as r(n, s, i)",
    );
    expect(r.targetList.map((t) => [t.name, t.expr.type])).toEqual([
      ['n', 23],
      ['s', 25],
      ['i', 20],
    ]);
    const rte = r.rtable.find((e) => e.kind === 'function');
    expect(rte?.kind === 'function' && rte.ordinality).toBe(true);
  });
  it('SEARCH DEPTH FIRST and CYCLE add their columns to the WITH query', () => {
    const s = q(
      'with recursive t(n) as (select 1 union all select n + 1 from t where n < 3) search depth first by n set o select * from t',
    );
    expect(s.targetList.map((t) => [t.name, t.expr.type])).toEqual([
      ['n', 23],
      ['o', 2287],
    ]);
    const b = q(
      'with recursive t(n) as (select 1 union all select n + 1 from t where n < 3) search breadth first by n set o select * from t',
    );
    expect(b.targetList.map((t) => [t.name, t.expr.type])).toEqual([
      ['n', 23],
      ['o', 2249],
    ]);
    const c = q(
      'with recursive t(n) as (select 1 union all select n + 1 from t where n < 3) cycle n set c using p select * from t',
    );
    expect(c.targetList.map((t) => [t.name, t.expr.type])).toEqual([
      ['n', 23],
      ['c', 16],
      ['p', 2287],
    ]);
    expect(
      fails(
        'with recursive t(n) as (select 1 union all select n + 1 from t) cycle m set c using p select * from t',
      ).message,
    ).toBe('cycle column "m" not in WITH query column list');
  });
  it('ORDER BY ... USING < / > sorts ascending / descending; other operators are 42809', () => {
    const desc = q('select 1 as x order by 1 using >').sort[0]!;
    expect([desc.descending, desc.nullsFirst]).toEqual([true, true]);
    expect(q('select 1 as x order by 1 using < nulls first').sort[0]!.descending).toBe(false);
    const e = fails('select 1 as x order by 1 using =');
    expect([e.code, e.message]).toEqual(['42809', 'operator = is not a valid ordering operator']);
  });
  it('FETCH FIRST ... WITH TIES marks the query; without ORDER BY it is 42601', () => {
    expect(q('select 1 as x order by 1 fetch first 1 row with ties').limitWithTies).toBe(true);
    expect(q('select 1 as x order by 1 fetch first 1 row only').limitWithTies).toBeUndefined();
    const e = fails('select 1 fetch first 1 row with ties');
    expect([e.code, e.message]).toEqual([
      '42601',
      'WITH TIES cannot be specified without ORDER BY clause',
    ]);
  });
});
