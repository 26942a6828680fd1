/**
 * The OID alias types: regclass (2205), regtype (2206), regnamespace
 * (4089) and regrole (4096). A value is an OID (a JavaScript number, 0 ..
 * 4294967295) stored, sent and ordered exactly as oid; only the text I/O
 * differs: input takes a number or a name and output prints the name,
 * both through the session's catalog (`TypeContext.catalog`), as
 * PostgreSQL 15's regproc.c does. Without a catalog they read numbers
 * only and print numbers (regtype still names the built-in types).
 *
 * Also the casts pg_cast lists for them (oid, int4 binary-coercible; int8
 * through oid(bigint); int2 through int4(smallint); text and varchar to
 * regclass through regclass(text)) and `REG_FUNCTIONS`: to_regclass,
 * to_regtype, to_regnamespace, to_regrole and pg_typeof, kept out of the
 * registry (see there).
 */
import type { RegCatalog, TypeContext } from '../core/context.js';
import { SqlError, SqlState } from '../core/errors.js';
import { hashInt32 } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { FunctionDef, Registry } from '../core/registry.js';
import type { PgType } from '../core/type.js';
import { le, readWhole, WireWriter } from '../core/wire.js';
import { parseOid } from '../scalars/oid.js';
import { quoteIdent } from '../text/functions.js';
import { splitQualifiedName, UNREGISTERED_TYPE_NAMES } from './names.js';

export { splitQualifiedName, truncateIdentifier } from './names.js';

/** The OIDs of the alias types and their arrays (pg_type.dat). */
export const RegOid = {
  regclass: TypeOid.regclass,
  regtype: TypeOid.regtype,
  regnamespace: TypeOid.regnamespace,
  regrole: TypeOid.regrole,
  _regclass: TypeOid._regclass,
  _regtype: TypeOid._regtype,
  _regnamespace: TypeOid._regnamespace,
  _regrole: TypeOid._regrole,
} as const;

const ALL_DIGITS = /^[0-9]+$/;

/** The prefix every alias type's input shares: digits are an OID, '-' is 0, else undefined (a name). */
function numericOid(text: string): number | undefined {
  if (ALL_DIGITS.test(text)) return parseOid(text);
  if (text === '-') return 0;
  return undefined;
}

function undefinedTable(name: string): SqlError {
  return new SqlError(SqlState.UNDEFINED_TABLE, `relation "${name}" does not exist`);
}

function undefinedSchema(name: string): SqlError {
  return new SqlError(SqlState.INVALID_SCHEMA_NAME, `schema "${name}" does not exist`);
}

function undefinedType(name: string): SqlError {
  return new SqlError(SqlState.UNDEFINED_OBJECT, `type "${name}" does not exist`);
}

/**
 * makeRangeVarFromNameList + RangeVarGetRelid: the relation named by
 * `names` (1 to 3 parts), undefined when it does not exist. A missing
 * schema throws 3F000 unless `missingOk`.
 */
export function lookupRelationName(
  names: readonly string[],
  catalog: RegCatalog | undefined,
  missingOk: boolean,
): number | undefined {
  if (names.length > 3) {
    throw new SqlError(
      SqlState.SYNTAX_ERROR,
      `improper relation name (too many dotted names): ${names.join('.')}`,
    );
  }
  const name = names[names.length - 1]!;
  const schema = names.length >= 2 ? names[names.length - 2] : undefined;
  if (names.length === 3 && names[0] !== catalog?.databaseName) {
    throw new SqlError(
      SqlState.FEATURE_NOT_SUPPORTED,
      `cross-database references are not implemented: "${names.join('.')}"`,
    );
  }
  if (catalog === undefined) return undefined;
  try {
    return catalog.relationOid(schema, name);
  } catch (e) {
    if (missingOk && e instanceof SqlError && e.code === SqlState.INVALID_SCHEMA_NAME) {
      return undefined;
    }
    throw e;
  }
}

/** regclassin's name path (also text::regclass): 42P01 when the relation does not exist. */
export function relationOidFromName(text: string, ctx: TypeContext): number {
  const names = splitQualifiedName(text);
  const oid = lookupRelationName(names, ctx.catalog, false);
  if (oid === undefined) throw undefinedTable(names.slice(-2).join('.'));
  return oid;
}

/** regclassout: '-' for 0, the name (qualified when not visible in the search path), else the number. */
export function regclassOut(oid: number, ctx: TypeContext): string {
  if (oid === 0) return '-';
  const catalog = ctx.catalog;
  const rel = catalog?.relation(oid);
  if (catalog === undefined || rel === undefined) return String(oid);
  const visible = catalog.relationOid(undefined, rel.name) === oid;
  return visible ? quoteIdent(rel.name) : `${quoteIdent(rel.schema)}.${quoteIdent(rel.name)}`;
}

function singleName(text: string): string {
  const names = splitQualifiedName(text);
  if (names.length !== 1) throw new SqlError(SqlState.INVALID_NAME, 'invalid name syntax');
  return names[0]!;
}

/** The fields every alias type shares with oid. */
function oidLike(
  name: string,
  displayName: string,
  oid: number,
  arrayOid: number,
  input: (text: string, ctx: TypeContext) => number,
  output: (oid: number, ctx: TypeContext) => string,
): PgType<number> {
  return {
    name,
    displayName,
    oid,
    arrayOid,
    elemOid: 0,
    len: 4,
    byVal: true,
    align: 'i',
    storage: 'p',
    category: 'N',
    preferred: false,
    input: (text, _typmod, ctx) => input(text, ctx),
    output,
    send: (v) => new WireWriter().uint32(v).done(),
    receive: (bytes) => readWhole(bytes, (r) => r.uint32()),
    encode: (v) => le(4, (d) => d.setUint32(0, v, true)),
    decode: (b) => (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0,
    decodeAt: (b, at) =>
      (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0,
    compare: (a, b) => a - b,
    hash: (v) => hashInt32(v | 0),
  };
}

/** format_type_be of a type OID: the registry's name, PostgreSQL's for the others, else undefined. */
export function formatTypeName(
  registry: Registry,
  oid: number,
  ctx?: TypeContext,
): string | undefined {
  return (
    registry.type(oid)?.displayName ??
    UNREGISTERED_TYPE_NAMES.get(oid) ??
    ctx?.catalog?.typeName?.(oid)
  );
}

const builtinNamesCache = new WeakMap<Registry, Map<string, number>>();

/**
 * parseTypeString: through the catalog's `typeOid` when it has one; without
 * it the built-in types by typname or by their format_type name only.
 */
export function typeOidFromName(registry: Registry, text: string, ctx: TypeContext): number {
  const hook = ctx.catalog?.typeOid;
  if (hook !== undefined) return hook.call(ctx.catalog, text);
  let names = builtinNamesCache.get(registry);
  if (names === undefined) {
    names = new Map();
    for (const t of registry.types()) {
      names.set(t.name, t.oid);
      names.set(t.displayName, t.oid);
    }
    for (const [oid, name] of UNREGISTERED_TYPE_NAMES) names.set(name, oid);
    builtinNamesCache.set(registry, names);
  }
  const oid = names.get(text.trim());
  if (oid === undefined) throw undefinedType(text.trim());
  return oid;
}

/** The alias types; regtype reads the registry's type names. */
export function regTypes(registry: Registry): PgType<number>[] {
  const regclass = oidLike(
    'regclass',
    'regclass',
    RegOid.regclass,
    RegOid._regclass,
    (text, ctx) => numericOid(text) ?? relationOidFromName(text, ctx),
    regclassOut,
  );
  const regtype = oidLike(
    'regtype',
    'regtype',
    RegOid.regtype,
    RegOid._regtype,
    (text, ctx) => numericOid(text) ?? typeOidFromName(registry, text, ctx),
    (oid, ctx) => (oid === 0 ? '-' : (formatTypeName(registry, oid, ctx) ?? String(oid))),
  );
  const regnamespace = oidLike(
    'regnamespace',
    'regnamespace',
    RegOid.regnamespace,
    RegOid._regnamespace,
    (text, ctx) => {
      const n = numericOid(text);
      if (n !== undefined) return n;
      const name = singleName(text);
      const oid = ctx.catalog?.namespaceOid(name);
      if (oid === undefined) throw undefinedSchema(name);
      return oid;
    },
    (oid, ctx) => {
      if (oid === 0) return '-';
      const name = ctx.catalog?.namespaceName(oid);
      return name === undefined ? String(oid) : quoteIdent(name);
    },
  );
  const regrole = oidLike(
    'regrole',
    'regrole',
    RegOid.regrole,
    RegOid._regrole,
    (text, ctx) => {
      const n = numericOid(text);
      if (n !== undefined) return n;
      const name = singleName(text);
      const oid = ctx.catalog?.roleOid?.(name);
      if (oid === undefined) {
        throw new SqlError(SqlState.UNDEFINED_OBJECT, `role "${name}" does not exist`);
      }
      return oid;
    },
    (oid, ctx) => {
      if (oid === 0) return '-';
      const name = ctx.catalog?.roleName?.(oid);
      return name === undefined ? String(oid) : quoteIdent(name);
    },
  );
  return [regclass, regtype, regnamespace, regrole];
}

const REG_OIDS = [RegOid.regclass, RegOid.regtype, RegOid.regnamespace, RegOid.regrole];

function oidFromInt8(v: bigint): number {
  if (v < 0n || v > 0xffffffffn) {
    throw new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'OID out of range');
  }
  return Number(v);
}

/** Registers the alias types and their pg_cast entries (arrays come later, from the arrays family). */
export function register(r: Registry): void {
  for (const t of regTypes(r)) r.addType(t);
  const { oid, int2, int4, int8, text, varchar } = TypeOid;
  for (const reg of REG_OIDS) {
    r.addCast({ source: oid, target: reg, context: 'i', method: 'b', fn: (v) => v });
    r.addCast({ source: reg, target: oid, context: 'i', method: 'b', fn: (v) => v });
    r.addCast({
      source: int4,
      target: reg,
      context: 'i',
      method: 'b',
      fn: (v) => (v as number) >>> 0,
    });
    r.addCast({
      source: reg,
      target: int4,
      context: 'a',
      method: 'b',
      fn: (v) => (v as number) | 0,
    });
    r.addCast({
      source: int8,
      target: reg,
      context: 'i',
      method: 'f',
      fn: (v) => oidFromInt8(v as bigint),
    });
    r.addCast({
      source: int2,
      target: reg,
      context: 'i',
      method: 'f',
      fn: (v) => (v as number) >>> 0,
    });
    r.addCast({
      source: reg,
      target: int8,
      context: 'a',
      method: 'f',
      fn: (v) => BigInt(v as number),
    });
  }
  // regclass(text): a name only (no numeric OIDs), as text_regclass reads it
  for (const source of [text, varchar]) {
    r.addCast({
      source,
      target: RegOid.regclass,
      context: 'i',
      method: 'f',
      fn: (v, _typmod, ctx) => relationOidFromName(v as string, ctx),
    });
  }
}

/**
 * to_regclass, to_regtype, to_regnamespace, to_regrole (NULL instead of a
 * "does not exist" error; malformed names still fail) and pg_typeof, as
 * FunctionDefs with PostgreSQL 15's signatures. They are not in the
 * registry because @pg/catalog writes a pg_proc row with PostgreSQL's OID
 * for every registry function and its generated table does not have them
 * yet; the analyzer resolves them when the registry has no match.
 */
export function regFunctions(registry: Registry): FunctionDef[] {
  const stable = { volatility: 's', strict: true } as const;
  const orNull = <T>(f: () => T, codes: readonly string[]): T | null => {
    try {
      return f();
    } catch (e) {
      if (e instanceof SqlError && codes.includes(e.code)) return null;
      throw e;
    }
  };
  return [
    {
      name: 'to_regclass',
      args: [TypeOid.text],
      result: RegOid.regclass,
      ...stable,
      impl: ([v], ctx) =>
        lookupRelationName(splitQualifiedName(v as string), ctx.catalog, true) ?? null,
    },
    {
      name: 'to_regtype',
      args: [TypeOid.text],
      result: RegOid.regtype,
      ...stable,
      impl: ([v], ctx) =>
        orNull(
          () => typeOidFromName(registry, v as string, ctx),
          [SqlState.UNDEFINED_OBJECT, SqlState.INVALID_SCHEMA_NAME],
        ),
    },
    {
      name: 'to_regnamespace',
      args: [TypeOid.text],
      result: RegOid.regnamespace,
      ...stable,
      impl: ([v], ctx) => ctx.catalog?.namespaceOid(singleName(v as string)) ?? null,
    },
    {
      name: 'to_regrole',
      args: [TypeOid.text],
      result: RegOid.regrole,
      ...stable,
      impl: ([v], ctx) => ctx.catalog?.roleOid?.(singleName(v as string)) ?? null,
    },
    {
      name: 'pg_typeof',
      args: [TypeOid.any],
      result: RegOid.regtype,
      volatility: 's',
      strict: false,
      impl: (_args, _ctx, argTypes) => argTypes[0] ?? TypeOid.unknown,
    },
  ];
}
