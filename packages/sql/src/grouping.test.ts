import {
  analyze,
  type CatalogView,
  loadParser,
  PositionedSqlError,
  parse,
  type SelectQuery,
} from '@pg/sql';
import { fakeCatalog, fakeRelation } from '@pg/sql/testing';
import { TypeOid } from '@pg/types';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { pgQsort } from './internal/grouping.js';

let catalog: CatalogView;

beforeAll(async () => {
  await loadParser();
  const t = fakeRelation({ sql: 'create table t (a int, b text, c varchar(5), d numeric)' });
  catalog = fakeCatalog([
    {
      ...t,
      indexes: [
        {
          oid: 1,
          name: 't_pkey',
          relfilenode: 1,
          tableOid: t.oid,
          am: 'btree',
          columns: [1],
          nkeys: 1,
          unique: true,
          primary: true,
          descending: [false],
          nullsFirst: [false],
          valid: true,
          nullsNotDistinct: false,
        },
      ],
    },
    fakeRelation({ sql: 'create table u (x int, y text, z int)' }),
  ]);
});

function q(sql: string): SelectQuery {
  const [stmt] = parse(sql);
  const out = analyze(stmt!, catalog);
  if (out.command !== 'select') throw new Error('not a select');
  return out;
}

function fails(sql: string) {
  try {
    q(sql);
  } catch (e) {
    expect(e).toBeInstanceOf(PositionedSqlError);
    const err = e as PositionedSqlError;
    return { code: err.code, message: err.message, position: err.position };
  }
  throw new Error(`no error for ${sql}`);
}

const x = { kind: 'var', rt: 0, attnum: 1, type: TypeOid.int4, typmod: -1 };
const y = { kind: 'var', rt: 0, attnum: 2, type: TypeOid.text, typmod: -1 };
const z = { kind: 'var', rt: 0, attnum: 3, type: TypeOid.int4, typmod: -1 };

describe('GROUP BY', () => {
  it('lists target indexes; expressions not selected become junk entries after the others', () => {
    const s = q('select y, count(*) from u group by z, y, 2 + 0, z order by z');
    // ORDER BY z adds junk 2 first (as PostgreSQL), then GROUP BY 2 + 0
    expect(s.targetList.map((t) => [t.name, t.junk])).toEqual([
      ['y', false],
      ['count', false],
      ['z', true],
      ['?column?', true],
    ]);
    expect(s.group).toEqual([2, 0, 3]);
    expect(s.groupingSets).toBeUndefined();
    expect(fails('select y, count(*) from u group by z, y order by x')).toEqual({
      code: '42803',
      message:
        'column "u.x" must appear in the GROUP BY clause or be used in an aggregate function',
      position: 50,
    });
  });

  it('output names and positions; an input column wins over an output name', () => {
    expect(q('select y as w, count(*) from u group by w').group).toEqual([0]);
    expect(q('select y, count(*) from u group by 1').group).toEqual([0]);
    const s = q('select y as x from u group by x, y');
    expect(s.targetList[1]).toMatchObject({ expr: x, junk: true });
    expect(s.group).toEqual([1, 0]);
  });

  it('columns of a table whose primary key is grouped are functionally dependent on it', () => {
    const s = q('select a, b, c, count(*) from t group by a');
    expect(s.group).toEqual([0]);
    expect(fails('select a, b from t group by b')).toMatchObject({
      code: '42803',
      message:
        'column "t.a" must appear in the GROUP BY clause or be used in an aggregate function',
    });
  });

  it('HAVING without GROUP BY makes one group', () => {
    const s = q('select 1 from u having count(*) > 1');
    expect(s.group).toBeUndefined();
    expect(s.having).toMatchObject({ kind: 'op', args: [{ kind: 'aggref', index: 0 }, {}] });
    expect(q('select 1 from u having true').having).toMatchObject({ kind: 'const' });
    expect(fails('select 1 from u having x > 1').code).toBe('42803');
  });

  it('ROLLUP, CUBE, GROUPING SETS and () expand as PostgreSQL (sets sorted by size)', () => {
    expect(q('select x, y from u group by rollup(x, y)').groupingSets).toEqual([[], [0], [0, 1]]);
    expect(q('select x, y from u group by cube(x, y)').groupingSets).toEqual([
      [],
      [0],
      [1],
      [0, 1],
    ]);
    expect(q('select x, y, z from u group by x, rollup(y, z)').groupingSets).toEqual([
      [0],
      [0, 1],
      [0, 1, 2],
    ]);
    expect(q('select x, y from u group by grouping sets ((x, y), (), y)').groupingSets).toEqual([
      [],
      [1],
      [0, 1],
    ]);
    const empty = q('select count(*) from u group by ()');
    expect(empty.group).toEqual([]);
    expect(empty.groupingSets).toEqual([[]]);
    // one non-empty set is a plain GROUP BY; a top-level () beside others vanishes
    expect(q('select x from u group by grouping sets ((x))').groupingSets).toBeUndefined();
    expect(q('select x from u group by (), x').groupingSets).toBeUndefined();
    // GROUP BY DISTINCT removes duplicate sets
    expect(q('select x, y from u group by distinct rollup(x, y), rollup(x)').groupingSets).toEqual([
      [],
      [0],
      [0, 1],
    ]);
    expect(q('select x, y from u group by rollup(x, y), rollup(x)').groupingSets).toEqual([
      [],
      [0],
      [0],
      [0],
      [0, 1],
      [0, 1],
    ]);
  });

  it('GROUPING() refers to the grouped targets', () => {
    const s = q('select x, y, grouping(y, x) from u group by rollup(x, y)');
    expect(s.targetList[2]!.expr).toEqual({
      kind: 'groupingfunc',
      refs: [1, 0],
      type: TypeOid.int4,
      typmod: -1,
    });
    expect(s.targetList[2]!.name).toBe('grouping');
    expect(fails('select grouping(x) from u group by y')).toEqual({
      code: '42803',
      message: 'arguments to GROUPING must be grouping expressions of the associated query level',
      position: 17,
    });
    expect(fails('select x from u where grouping(x) = 0 group by x')).toMatchObject({
      message: 'grouping operations are not allowed in WHERE',
    });
  });
});

describe('aggregates', () => {
  it('multi-argument aggregates, ORDER BY inside the call, DISTINCT', () => {
    const s = q(
      "select string_agg(y, ',' order by x desc), array_agg(distinct y order by y) from u",
    );
    expect(s.aggregates).toEqual([
      {
        name: 'string_agg',
        args: [y, { kind: 'const', type: TypeOid.text, typmod: -1, value: ',' }],
        argTypes: [TypeOid.text, TypeOid.text],
        star: false,
        distinct: false,
        order: [{ expr: x, descending: true, nullsFirst: true }],
        type: TypeOid.text,
        typmod: -1,
      },
      {
        name: 'array_agg',
        args: [y],
        argTypes: [TypeOid.text],
        star: false,
        distinct: true,
        order: [{ expr: y, descending: false, nullsFirst: false }],
        type: TypeOid._text,
        typmod: -1,
      },
    ]);
    expect(fails("select string_agg(distinct y, ',' order by x) from u")).toEqual({
      code: '42P10',
      message: 'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list',
      position: 44,
    });
  });

  it('result types as pg_aggregate says', () => {
    const types = (sql: string) => q(sql).aggregates!.map((a) => a.type);
    expect(types('select stddev(a), variance(d), stddev_pop(1.5::float4) from t')).toEqual([
      TypeOid.numeric,
      TypeOid.numeric,
      TypeOid.float8,
    ]);
    expect(types('select bit_and(x), array_agg(array[x]), jsonb_object_agg(y, x) from u')).toEqual([
      TypeOid.int4,
      TypeOid._int4,
      TypeOid.jsonb,
    ]);
  });
});

describe('window functions', () => {
  it('calls name windows; identical definitions share one; WINDOW names come first', () => {
    const s = q(
      'select row_number() over (order by x), rank() over (order by x), sum(z) over w, lag(y, 2, null) over (partition by y order by x) from u window w as (partition by y)',
    );
    expect(s.windows).toEqual([
      {
        name: 'w',
        partition: [y],
        order: [],
        frame: {
          mode: 'range',
          start: { kind: 'unbounded preceding' },
          end: { kind: 'current row' },
          exclude: 'no others',
        },
      },
      expect.objectContaining({
        partition: [],
        order: [{ expr: x, descending: false, nullsFirst: false }],
      }),
      expect.objectContaining({ partition: [y] }),
    ]);
    expect(s.windowFuncs!.map((w) => [w.name, w.window, w.type])).toEqual([
      ['row_number', 1, TypeOid.int8],
      ['rank', 1, TypeOid.int8],
      ['sum', 0, TypeOid.int8],
      ['lag', 2, TypeOid.text],
    ]);
    expect(s.windowFuncs![2]!.aggregate).toMatchObject({ name: 'sum', args: [z] });
    expect(s.windowFuncs![3]!.args).toEqual([
      y,
      { kind: 'const', type: TypeOid.int4, typmod: -1, value: 2 },
      { kind: 'const', type: TypeOid.text, typmod: -1, value: null },
    ]);
    expect(s.targetList.map((t) => t.expr)).toEqual(
      [0, 1, 2, 3].map((index) => expect.objectContaining({ kind: 'windowfunc', index })),
    );
  });

  it('frames: modes, offsets, EXCLUDE; inheritance copies PARTITION BY and ORDER BY', () => {
    const s = q(
      'select count(*) over (w rows between 1 preceding and 2 following exclude ties), sum(x) over (order by x range between 5 preceding and unbounded following) from u window w as (partition by y order by x)',
    );
    expect(s.windows![1]).toMatchObject({
      partition: [y],
      order: [{ expr: x, descending: false, nullsFirst: false }],
      frame: {
        mode: 'rows',
        start: {
          kind: 'preceding',
          offset: { kind: 'coerce', type: TypeOid.int8, arg: { value: 1 } },
        },
        end: {
          kind: 'following',
          offset: { kind: 'coerce', type: TypeOid.int8, arg: { value: 2 } },
        },
        exclude: 'ties',
      },
    });
    expect(s.windows![2]!.frame).toEqual({
      mode: 'range',
      start: {
        kind: 'preceding',
        offset: { kind: 'const', type: TypeOid.int4, typmod: -1, value: 5 },
      },
      end: { kind: 'unbounded following' },
      exclude: 'no others',
    });
  });

  it('window functions over a grouped query see its groups', () => {
    const s = q(
      'select y, sum(sum(x)) over (order by y), rank() over (order by count(*)) from u group by y',
    );
    expect(s.aggregates!.map((a) => a.name)).toEqual(['sum', 'count']);
    expect(s.windowFuncs![0]!.args).toEqual([
      { kind: 'aggref', index: 0, type: TypeOid.int8, typmod: -1 },
    ]);
    expect(s.windows![1]!.order[0]!.expr).toMatchObject({ kind: 'aggref', index: 1 });
    expect(fails('select x, sum(x) over (partition by y) from u group by x')).toMatchObject({
      code: '42803',
      message:
        'column "u.y" must appear in the GROUP BY clause or be used in an aggregate function',
    });
  });

  it('errors', () => {
    expect(fails('select row_number() from u')).toEqual({
      code: '42809',
      message: 'window function row_number requires an OVER clause',
      position: 8,
    });
    expect(fails('select x from u where rank() over () > 1')).toEqual({
      code: '42P20',
      message: 'window functions are not allowed in WHERE',
      position: 23,
    });
    expect(fails('select sum(rank() over ()) from u')).toMatchObject({
      code: '42803',
      message: 'aggregate function calls cannot contain window function calls',
      position: 12,
    });
    expect(fails('select lag(rank() over ()) over () from u')).toMatchObject({
      code: '42P20',
      message: 'window function calls cannot be nested',
      position: 12,
    });
  });
});

describe('parameters', () => {
  it('typed in HAVING, window frames and aggregate ORDER BY; referenced earlier, fixed later', () => {
    const s = q(
      'select string_agg(y, $2 order by $3 || y), sum(x) over (order by x rows $1 preceding) from u group by y, x having count(*) > $1',
    );
    expect(s.paramTypes).toEqual([TypeOid.int8, TypeOid.text, TypeOid.text]);
    expect(s.windows![0]!.frame.start.offset).toEqual({
      kind: 'param',
      index: 1,
      type: TypeOid.int8,
      typmod: -1,
    });
    expect(s.having).toMatchObject({
      args: [{ kind: 'aggref' }, { kind: 'param', type: TypeOid.int8 }],
    });
    expect(s.aggregates![0]!.order![0]!.expr).toMatchObject({
      args: [{ kind: 'param', type: TypeOid.text }, y],
    });
  });
});

describe('pgQsort', () => {
  it('sorts like any sort (order of equal elements aside)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (a) => {
        const ours = [...a];
        pgQsort(ours, (l, r) => l - r);
        expect(ours).toEqual([...a].sort((l, r) => l - r));
      }),
      { numRuns: Number(process.env.PG_PROPERTY_RUNS ?? 300) },
    );
  });
});
