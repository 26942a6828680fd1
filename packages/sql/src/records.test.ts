/**
 * The analyzer's trees for row values (RowExpr), whole-row references,
 * field selection (FieldSelect), array subscripts (SubscriptRef) and row
 * comparisons, and their errors with PostgreSQL's codes and positions.
 */
import {
  analyze,
  type CatalogView,
  type Expr,
  loadParser,
  PositionedSqlError,
  parse,
  type SelectQuery,
} from '@pg/sql';
import { fakeCatalog, fakeRelation } from '@pg/sql/testing';
import { TypeOid } from '@pg/types';
import { beforeAll, describe, expect, it } from 'vitest';

let catalog: CatalogView;

beforeAll(async () => {
  await loadParser();
  catalog = fakeCatalog([
    fakeRelation({ sql: 'create table t (a int, b text, arr int[])' }),
    fakeRelation({ sql: 'create table u (a int, x int)' }),
  ]);
});

function select(sql: string): SelectQuery {
  const q = analyze(parse(sql)[0]!, catalog);
  if (q.command !== 'select') throw new Error('not a SELECT');
  return q;
}

function first(sql: string): Expr {
  return select(sql).targetList[0]!.expr;
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

describe('row constructors', () => {
  it('ROW(...) and (a, b) are records with columns f1, f2, ...', () => {
    for (const sql of ['select row(a, b) from t', 'select (a, b) from t']) {
      const e = first(sql);
      expect(e.kind).toBe('row');
      if (e.kind !== 'row') return;
      expect(e.type).toBe(TypeOid.record);
      expect(e.fieldNames).toEqual(['f1', 'f2']);
      expect(e.args.map((x) => x.type)).toEqual([TypeOid.int4, TypeOid.text]);
    }
  });

  it('keeps an unknown literal unknown, so a row comparison can type it', () => {
    const e = first("select row(1, 'a')");
    expect(e.kind === 'row' && e.args[1]!.type).toBe(705);
    const cmp = first("select (1, '2') = (1, 2)");
    expect(cmp.kind).toBe('bool');
  });

  it('expands t.* inside ROW()', () => {
    const e = first('select row(t.*, 1) from t');
    expect(e.kind === 'row' && e.args.length).toBe(4);
  });
});

describe('whole-row references', () => {
  it('t and t.* are RowExprs of the live columns, named after them', () => {
    for (const sql of ['select t from t', 'select count(t.*) from t']) {
      const q = select(sql);
      const e = q.aggregates?.[0]?.args[0] ?? q.targetList[0]!.expr;
      expect(e.kind).toBe('row');
      if (e.kind !== 'row') return;
      expect(e.fieldNames).toEqual(['a', 'b', 'arr']);
      expect(e.wholeRow).toEqual({ alias: 't', nullable: false, typeName: 't' });
    }
  });

  it('marks the nullable side of an outer join', () => {
    const q = select('select u from t left join u on t.a = u.a');
    const e = q.targetList[0]!.expr;
    expect(e.kind === 'row' && e.wholeRow?.nullable).toBe(true);
  });
});

describe('field selection', () => {
  it('(t).a is the column itself, (ROW(...)).f2 the argument', () => {
    expect(first('select (t).a from t')).toMatchObject({ kind: 'var', attnum: 1 });
    expect(first('select (row(1, 2)).f2')).toMatchObject({ kind: 'const', value: 2 });
  });

  it('selects OUT columns of a function returning records', () => {
    const e = first(`select (jsonb_each('{}')).value`);
    expect(e).toMatchObject({ kind: 'fieldselect', field: 2, fieldName: 'value' });
    expect(e.type).toBe(TypeOid.jsonb);
  });

  it('expands (x).* into one column per field', () => {
    const q = select(`select (jsonb_each('{}')).*`);
    expect(q.targetList.map((t) => t.name)).toEqual(['key', 'value']);
  });

  it("reports PostgreSQL's errors", () => {
    expect(fails('select (row(1, 2)).x')).toEqual({
      code: '42703',
      message: 'could not identify column "x" in record data type',
      position: 9,
    });
    expect(fails('select (t).nope from t')).toMatchObject({
      code: '42703',
      message: 'column t.nope does not exist',
    });
    expect(fails('select (1).x')).toMatchObject({
      code: '42809',
      message: 'column notation .x applied to type integer, which is not a composite type',
      position: 9,
    });
  });
});

describe('subscripts', () => {
  it('arr[i] is an element, arr[i:j] a slice of the same array type', () => {
    const el = first('select arr[1] from t');
    expect(el).toMatchObject({ kind: 'subscript', type: TypeOid.int4 });
    const sl = first('select arr[2:] from t');
    expect(sl.kind).toBe('subscript');
    if (sl.kind !== 'subscript') return;
    expect(sl.type).toBe(TypeOid._int4);
    expect(sl.lower?.length).toBe(1);
    expect(sl.upper[0]).toBeUndefined();
  });

  it('a plain subscript among slices is 1:n', () => {
    const e = first("select ('{{1,2},{3,4}}'::int[])[1:2][2]");
    expect(e.kind === 'subscript' && e.lower?.[1]).toMatchObject({ kind: 'const', value: 1 });
  });

  it("reports PostgreSQL's errors", () => {
    expect(fails('select a[1] from t')).toEqual({
      code: '42804',
      message: 'cannot subscript type integer because it does not support subscripting',
      position: 8,
    });
    expect(fails('select arr[true] from t')).toMatchObject({
      code: '42804',
      message: 'array subscript must have type integer',
      position: 12,
    });
  });
});

describe('jsonb subscripts', () => {
  it("x['a'][0] is jsonb_extract_path(x, ARRAY['a', '0'])", () => {
    const e = first(`select ('{}'::jsonb)['a'][0]`);
    expect(e.kind === 'func' && e.fn.name).toBe('jsonb_extract_path');
    expect(e.type).toBe(TypeOid.jsonb);
  });

  it('refuses slices and subscripts neither int4 nor text (42804)', () => {
    expect(fails(`select ('[1]'::jsonb)[1:2]`)).toMatchObject({
      code: '42804',
      message: 'jsonb subscript does not support slices',
      position: 25,
    });
    expect(fails(`select ('[1]'::jsonb)[true]`)).toMatchObject({
      code: '42804',
      message: 'subscript type boolean is not supported',
    });
  });
});

describe('row comparisons', () => {
  it('= is an AND, <> an OR, < a RowCompareExpr', () => {
    expect(first('select (a, b) = (1, $$x$$) from t')).toMatchObject({ kind: 'bool', op: 'and' });
    expect(first('select (a, b) <> (1, $$x$$) from t')).toMatchObject({ kind: 'bool', op: 'or' });
    expect(first('select (a, a) < (1, 2) from t')).toMatchObject({ kind: 'rowcompare', op: '<' });
  });

  it('IS DISTINCT FROM is an OR of the columns', () => {
    const e = first('select (a, b) is distinct from (1, $$x$$) from t');
    expect(e).toMatchObject({ kind: 'bool', op: 'or' });
  });

  it('rows of different lengths are 42601 at the operator', () => {
    expect(fails('select (1, 2) < (1, 2, 3)')).toEqual({
      code: '42601',
      message: 'unequal number of entries in row expressions',
      position: 15,
    });
  });
});
