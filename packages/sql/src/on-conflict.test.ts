/**
 * INSERT ... ON CONFLICT's query tree (issue 9): the arbiter
 * specification, EXCLUDED as its own range-table entry, SET and WHERE
 * over both, RETURNING over the target only, and the analysis errors.
 */
import {
  analyze,
  type CatalogView,
  type InsertQuery,
  loadParser,
  PositionedSqlError,
  parse,
} from '@pg/sql';
import { fakeCatalog, fakeRelation } from '@pg/sql/testing';
import { beforeAll, describe, expect, it } from 'vitest';

let catalog: CatalogView;

beforeAll(async () => {
  await loadParser();
  catalog = fakeCatalog([fakeRelation({ sql: 'create table t (id int, a text, b int)' })]);
});

function q(sql: string): InsertQuery {
  const [stmt] = parse(sql);
  const r = analyze(stmt!, catalog);
  if (r.command !== 'insert') throw new Error('not an INSERT');
  return r;
}

function code(sql: string): string | undefined {
  try {
    q(sql);
  } catch (e) {
    expect(e).toBeInstanceOf(PositionedSqlError);
    return (e as PositionedSqlError).code;
  }
  return undefined;
}

describe('ON CONFLICT analysis', () => {
  it('DO NOTHING without a target has no arbiter specification', () => {
    expect(q('insert into t values (1) on conflict do nothing').onConflict).toEqual({
      action: 'nothing',
    });
  });

  it('DO UPDATE: EXCLUDED is a relation entry of the target, SET and WHERE see both', () => {
    const r = q(
      'insert into t as x values (1, $$a$$) on conflict (id) where b > 0 do update set a = x.a || excluded.a where excluded.b is null returning *',
    );
    const oc = r.onConflict!;
    expect(oc.action).toBe('update');
    expect(oc.inferElems?.map((e) => e.expr)).toEqual([
      { kind: 'var', rt: r.target, attnum: 1, type: 23, typmod: -1 },
    ]);
    expect(oc.inferWhere?.kind).toBe('op');
    const excluded = r.rtable[oc.excluded!];
    expect(excluded).toMatchObject({ kind: 'relation', alias: 'excluded' });
    expect(r.from).toEqual([]);
    const set = oc.set?.get(2);
    expect(JSON.stringify(set)).toContain(`"rt":${oc.excluded}`);
    expect(JSON.stringify(set)).toContain(`"rt":${r.target}`);
    expect(r.targetList.map((t) => t.name)).toEqual(['id', 'a', 'b']);
  });

  it('refuses what PostgreSQL refuses', () => {
    expect(code('insert into t values (1) on conflict do update set a = 1')).toBe('42601');
    expect(code('insert into t values (1) on conflict (nope) do nothing')).toBe('42703');
    expect(code('insert into t values (1) on conflict (id desc) do nothing')).toBe('42601');
    expect(code('insert into t values (1) on conflict on constraint c do nothing')).toBe('42704');
    expect(code('insert into t values (1) on conflict (id) do update set ctid = 1')).toBe('0A000');
    expect(code('insert into t values (1) on conflict (id) do update set a = excluded.zz')).toBe(
      '42703',
    );
    // a column of both the target and EXCLUDED
    expect(code('insert into t values (1) on conflict (id) do update set a = b::text')).toBe(
      '42702',
    );
    expect(
      code('insert into t values (1) on conflict (id) do update set a = 1 returning excluded.a'),
    ).toBe('42P01');
  });
});
