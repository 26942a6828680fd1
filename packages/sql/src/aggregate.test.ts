/**
 * The analyzer's shapes for ordered-set aggregates (AggregateCall.aggkind,
 * direct arguments in `args`, keys in `order`) and for aggregates of an
 * outer query level (collected by the outer SELECT, an Aggref with
 * levelsUp inside the sub-SELECT). Behaviour against PostgreSQL is in
 * tools/difftest (aggregate3/) and @pg/executor's ordered-set.pg.test.ts.
 */
import { analyze, type CatalogView, loadParser, parse, type SelectQuery } from '@pg/sql';
import { fakeCatalog, fakeRelation } from '@pg/sql/testing';
import { TypeOid } from '@pg/types';
import { beforeAll, describe, expect, it } from 'vitest';

let catalog: CatalogView;

beforeAll(async () => {
  await loadParser();
  catalog = fakeCatalog([
    fakeRelation({ sql: 'create table t (a int, b text, n numeric, d interval)' }),
  ]);
});

function q(sql: string): SelectQuery {
  const r = analyze(parse(sql)[0]!, catalog);
  if (r.command !== 'select') throw new Error('not a SELECT');
  return r;
}

describe('ordered-set aggregates', () => {
  it('keep direct arguments in args and the WITHIN GROUP keys in order', () => {
    const s = q('SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n DESC) FROM t');
    const call = s.aggregates![0]!;
    expect(call).toMatchObject({ name: 'percentile_cont', aggkind: 'o', type: TypeOid.float8 });
    expect(call.args.map((x) => x.type)).toEqual([TypeOid.float8]);
    expect(call.order!.map((k) => [k.expr.type, k.descending, k.nullsFirst])).toEqual([
      [TypeOid.float8, true, true],
    ]);
  });

  it('resolve percentile_disc, percentile_cont of intervals and arrays polymorphically', () => {
    const s = q(
      'SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY b), percentile_cont(ARRAY[0.5]) WITHIN GROUP (ORDER BY d), mode() WITHIN GROUP (ORDER BY a) FROM t',
    );
    expect(s.aggregates!.map((a) => a.type)).toEqual([
      TypeOid.text,
      TypeOid._interval,
      TypeOid.int4,
    ]);
  });

  it('coerce a hypothetical row and its keys to their common type', () => {
    const call = q('SELECT rank(1.5, 2) WITHIN GROUP (ORDER BY a, n) FROM t').aggregates![0]!;
    expect(call).toMatchObject({ aggkind: 'h', type: TypeOid.int8 });
    expect(call.args.map((x) => x.type)).toEqual([TypeOid.numeric, TypeOid.numeric]);
    expect(call.order!.map((k) => k.expr.type)).toEqual([TypeOid.numeric, TypeOid.numeric]);
  });
});

describe('aggregates of an outer query level', () => {
  it('belong to the outer SELECT; the sub-SELECT sees an Aggref with levelsUp', () => {
    const s = q('SELECT (SELECT sum(t.a) FROM t AS i) FROM t');
    expect(s.aggregates!.map((a) => a.name)).toEqual(['sum']);
    expect(s.aggregates![0]!.args[0]).toMatchObject({ kind: 'var', rt: 0, attnum: 1 });
    expect(s.aggregates![0]!.args[0]).not.toHaveProperty('levelsUp');
    const link = s.targetList[0]!.expr;
    if (link.kind !== 'sublink') throw new Error('expected a sub-SELECT');
    expect(link.query.aggregates).toBeUndefined();
    expect(link.query.targetList[0]!.expr).toMatchObject({ kind: 'aggref', index: 0, levelsUp: 1 });
  });

  it('stay in the sub-SELECT when an argument or FILTER uses its columns', () => {
    const s = q('SELECT (SELECT sum(t.a) FILTER (WHERE i.a > 0) FROM t AS i) FROM t');
    expect(s.aggregates).toBeUndefined();
  });
});
