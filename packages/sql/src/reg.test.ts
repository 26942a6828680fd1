/**
 * The analyzer with the OID alias types: reg literals converted at
 * analysis through `regCatalog` (errors positioned at the literal),
 * comparisons of oid columns with reg values through the binary-coercible
 * casts, pg_typeof and to_regclass.
 */
import {
  analyze,
  type CatalogView,
  type Expr,
  loadParser,
  PositionedSqlError,
  parse,
  type Query,
  type RegCatalogSource,
  regCatalog,
} from '@pg/sql';
import { fakeCatalog, fakeRelation } from '@pg/sql/testing';
import { builtins, defaultContext, RegOid, SqlError, type TypeContext, TypeOid } from '@pg/types';
import { beforeAll, describe, expect, it } from 'vitest';

let catalog: CatalogView;
let ctx: TypeContext;
let tOid: number;

beforeAll(async () => {
  await loadParser();
  const t = fakeRelation({ sql: 'create table t (a int, b text)' });
  const attr = {
    ...fakeRelation({
      sql: 'create table pg_attribute (attrelid oid, attname name, atttypid oid, attnum int2)',
    }),
    namespaceName: 'pg_catalog',
  };
  tOid = t.oid;
  catalog = fakeCatalog([t, attr]);
  const source: RegCatalogSource = {
    databaseName: 'postgres',
    lookupRelation(schema, name) {
      if (schema !== undefined && schema !== 'public' && schema !== 'pg_catalog') {
        throw new SqlError('3F000', `schema "${schema}" does not exist`);
      }
      return catalog.lookupRelation(schema, name);
    },
    relation: (oid) => [t, attr].find((r) => r.oid === oid),
    namespaceOid: (name) => ({ pg_catalog: 11, public: 2200 })[name],
    namespaceName: (oid) => ({ 11: 'pg_catalog', 2200: 'public' })[oid],
  };
  ctx = defaultContext({
    catalog: regCatalog(source, { searchPath: catalog.searchPath, registry: builtins }),
  });
});

function q(sql: string): Query {
  return analyze(parse(sql)[0]!, catalog, { typeContext: ctx });
}

function first(sql: string): Expr {
  return q(sql).targetList[0]!.expr;
}

function error(sql: string): { code: string; message: string; position?: number } {
  try {
    q(sql);
  } catch (e) {
    if (e instanceof PositionedSqlError) {
      return {
        code: e.code,
        message: e.message,
        ...(e.position !== undefined ? { position: e.position } : {}),
      };
    }
    throw e;
  }
  throw new Error('no error');
}

describe('reg literals', () => {
  it('convert names at analysis through the catalog hook', () => {
    expect(first("SELECT 't'::regclass")).toEqual({
      kind: 'const',
      type: RegOid.regclass,
      typmod: -1,
      value: tOid,
    });
    expect(first("SELECT 'public.t'::regclass")).toMatchObject({ value: tOid });
    expect(first("SELECT 'integer'::regtype")).toMatchObject({ value: TypeOid.int4 });
    expect(first("SELECT 'character varying(3)[]'::regtype")).toMatchObject({
      value: TypeOid._varchar,
    });
    expect(first("SELECT 'public'::regnamespace")).toMatchObject({ value: 2200 });
  });

  it('report PostgreSQL errors at the literal', () => {
    expect(error("SELECT 'nosuch'::regclass")).toEqual({
      code: '42P01',
      message: 'relation "nosuch" does not exist',
      position: 8,
    });
    expect(error("SELECT 1, 'x.t'::regclass")).toEqual({
      code: '3F000',
      message: 'schema "x" does not exist',
      position: 11,
    });
    expect(error("SELECT 'nosuch'::regtype")).toEqual({
      code: '42704',
      message: 'type "nosuch" does not exist',
      position: 8,
    });
    expect(error("SELECT 'int4 x'::regtype")).toMatchObject({ code: '42601', position: 8 });
    expect(error("SELECT 'nosuch'::regnamespace")).toEqual({
      code: '3F000',
      message: 'schema "nosuch" does not exist',
      position: 8,
    });
  });

  it('compare with oid columns through the binary-coercible casts', () => {
    const where = q(
      "SELECT attname, atttypid::regtype AS type FROM pg_attribute WHERE attrelid = 't'::regclass",
    );
    expect(where.targetList[1]!.expr.type).toBe(RegOid.regtype);
    expect(where.where).toMatchObject({ kind: 'op', op: { name: '=', left: TypeOid.oid } });
  });
});

describe('functions', () => {
  it('pg_typeof is a regtype call over its argument, whatever its type', () => {
    for (const [sql, argType] of [
      ['SELECT pg_typeof(1)', TypeOid.int4],
      ["SELECT pg_typeof('x')", TypeOid.unknown],
      ['SELECT pg_typeof(NULL)', TypeOid.unknown],
      ['SELECT pg_typeof(a) FROM t', TypeOid.int4],
    ] as const) {
      const e = first(sql);
      expect(e).toMatchObject({ kind: 'func', type: RegOid.regtype });
      if (e.kind !== 'func') throw new Error('not a call');
      expect(e.args.map((a) => a.type)).toEqual([argType]);
      expect(e.fn.impl([null], ctx, [argType])).toBe(argType);
    }
  });

  it('to_regclass resolves to a text -> regclass function', () => {
    const e = first("SELECT to_regclass('nosuch') IS NULL");
    expect(e).toMatchObject({ kind: 'nulltest' });
    const call = first("SELECT to_regclass('t')");
    expect(call).toMatchObject({ kind: 'func', type: RegOid.regclass });
    if (call.kind !== 'func') throw new Error('not a call');
    expect(call.fn.impl(['t'], ctx, [TypeOid.text])).toBe(tOid);
    expect(call.fn.impl(['nosuch'], ctx, [TypeOid.text])).toBeNull();
  });
});
