/**
 * The OID alias types against a model catalog: text round trips through a
 * fake catalog hook (names quoted and qualified as PostgreSQL prints
 * them), the binary and on-disk forms equal oid's, name splitting, the
 * casts and PostgreSQL's errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtins } from '../builtins.js';
import { defaultContext, type RegCatalog, type TypeContext } from '../core/context.js';
import { SqlError } from '../core/errors.js';
import { checkTypeLaws } from '../core/laws.js';
import { TypeOid } from '../core/oids.js';
import { oidType } from '../scalars/oid.js';
import { quoteIdent } from '../text/functions.js';
import { RegOid, regFunctions, splitQualifiedName } from './index.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 200);

interface Model {
  readonly schemas: readonly { oid: number; name: string }[];
  readonly relations: readonly { oid: number; name: string; schema: number }[];
  readonly roles: readonly { oid: number; name: string }[];
  /** Schema OIDs, in search order. */
  readonly searchPath: readonly number[];
}

/** A catalog hook over the model: what @pg/catalog answers, by brute force. */
function fakeCatalog(m: Model, databaseName = 'db'): RegCatalog {
  const schemaOid = (name: string) => m.schemas.find((s) => s.name === name)?.oid;
  return {
    databaseName,
    relationOid(schema, name) {
      if (schema !== undefined) {
        const nsp = schemaOid(schema);
        if (nsp === undefined) throw new SqlError('3F000', `schema "${schema}" does not exist`);
        return m.relations.find((r) => r.schema === nsp && r.name === name)?.oid;
      }
      for (const nsp of m.searchPath) {
        const r = m.relations.find((x) => x.schema === nsp && x.name === name);
        if (r) return r.oid;
      }
      return undefined;
    },
    relation(oid) {
      const r = m.relations.find((x) => x.oid === oid);
      if (!r) return undefined;
      return { name: r.name, schema: m.schemas.find((s) => s.oid === r.schema)!.name };
    },
    namespaceOid: schemaOid,
    namespaceName: (oid) => m.schemas.find((s) => s.oid === oid)?.name,
    roleOid: (name) => m.roles.find((r) => r.name === name)?.oid,
    roleName: (oid) => m.roles.find((r) => r.oid === oid)?.name,
  };
}

/** Identifiers that need every rule: case, quotes, dots, spaces, keywords, digits first. */
const identifier = fc.oneof(
  fc.constantFrom('t', 'T', 'a b', 'x.y', 'q"q', 'user', 'select', '1abc', 'é', '_u', 'Mixed'),
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/),
  fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes('\0')),
);

const model: fc.Arbitrary<Model> = fc
  .record({
    schemaNames: fc.uniqueArray(identifier, { minLength: 1, maxLength: 4 }),
    rels: fc.array(fc.tuple(identifier, fc.nat()), { maxLength: 12 }),
    roleNames: fc.uniqueArray(identifier, { maxLength: 4 }),
    path: fc.array(fc.nat(), { maxLength: 4 }),
  })
  .map(({ schemaNames, rels, roleNames, path }) => {
    const schemas = schemaNames.map((name, i) => ({ oid: 16384 + i, name }));
    const relations: { oid: number; name: string; schema: number }[] = [];
    for (const [name, s] of rels) {
      const schema = schemas[s % schemas.length]!.oid;
      if (relations.some((r) => r.schema === schema && r.name === name)) continue;
      relations.push({ oid: 20000 + relations.length, name, schema });
    }
    const roles = roleNames.map((name, i) => ({ oid: 30000 + i, name }));
    const searchPath = [...new Set(path.map((p) => schemas[p % schemas.length]!.oid))];
    return { schemas, relations, roles, searchPath };
  });

const ctxFor = (m: Model): TypeContext => defaultContext({ catalog: fakeCatalog(m) });
const regclass = builtins.mustType(RegOid.regclass);
const regtype = builtins.mustType(RegOid.regtype);
const regnamespace = builtins.mustType(RegOid.regnamespace);
const regrole = builtins.mustType(RegOid.regrole);

function sqlError(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof SqlError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('no error');
}

describe('regclass', () => {
  it('prints a relation by name, qualified exactly when another comes first on the search path, and reads it back', () => {
    fc.assert(
      fc.property(model, fc.nat(), (m, pick) => {
        fc.pre(m.relations.length > 0);
        const rel = m.relations[pick % m.relations.length]!;
        const ctx = ctxFor(m);
        const text = regclass.output(rel.oid, ctx);
        const firstOnPath = m.searchPath
          .map((nsp) => m.relations.find((r) => r.schema === nsp && r.name === rel.name))
          .find((r) => r !== undefined);
        const schemaName = m.schemas.find((s) => s.oid === rel.schema)!.name;
        expect(text).toBe(
          firstOnPath === rel
            ? quoteIdent(rel.name)
            : `${quoteIdent(schemaName)}.${quoteIdent(rel.name)}`,
        );
        expect(regclass.input(text, -1, ctx)).toBe(rel.oid);
      }),
      { numRuns: RUNS },
    );
  });

  it('reads and prints unknown OIDs as numbers, 0 as "-"', () => {
    fc.assert(
      fc.property(model, fc.integer({ min: 1, max: 0xffffffff }), (m, oid) => {
        fc.pre(!m.relations.some((r) => r.oid === oid));
        const ctx = ctxFor(m);
        expect(regclass.output(oid, ctx)).toBe(String(oid));
        expect(regclass.input(String(oid), -1, ctx)).toBe(oid);
      }),
      { numRuns: RUNS },
    );
    const ctx = defaultContext();
    expect(regclass.output(0, ctx)).toBe('-');
    expect(regclass.input('-', -1, ctx)).toBe(0);
    expect(regclass.input('0', -1, ctx)).toBe(0);
  });

  it('obeys the type laws, with the catalog hook and without', () => {
    const m: Model = {
      schemas: [
        { oid: 2200, name: 'public' },
        { oid: 16384, name: 'S p' },
      ],
      relations: [
        { oid: 16385, name: 't', schema: 2200 },
        { oid: 16386, name: 't', schema: 16384 },
        { oid: 16387, name: 'User', schema: 16384 },
      ],
      roles: [],
      searchPath: [2200],
    };
    const values = fc.oneof(
      fc.constantFrom(0, 16385, 16386, 16387),
      fc.integer({ min: 0, max: 0xffffffff }),
    );
    checkTypeLaws(regclass, values, { ctx: ctxFor(m) });
    checkTypeLaws(regclass, values);
    expect(regclass.output(16386, ctxFor(m))).toBe('"S p".t');
    expect(regclass.output(16387, ctxFor(m))).toBe('"S p"."User"');
  });

  it('reports PostgreSQL errors for names', () => {
    const m: Model = {
      schemas: [{ oid: 2200, name: 'public' }],
      relations: [{ oid: 16385, name: 't', schema: 2200 }],
      roles: [],
      searchPath: [2200],
    };
    const ctx = ctxFor(m);
    const input = (s: string) => () => regclass.input(s, -1, ctx);
    expect(regclass.input(' T ', -1, ctx)).toBe(16385);
    expect(regclass.input('db.public.t', -1, ctx)).toBe(16385);
    expect(sqlError(input('nosuch'))).toEqual({
      code: '42P01',
      message: 'relation "nosuch" does not exist',
    });
    expect(sqlError(input('public.nosuch'))).toEqual({
      code: '42P01',
      message: 'relation "public.nosuch" does not exist',
    });
    expect(sqlError(input('"T"'))).toEqual({
      code: '42P01',
      message: 'relation "T" does not exist',
    });
    expect(sqlError(input('x.t'))).toEqual({
      code: '3F000',
      message: 'schema "x" does not exist',
    });
    expect(sqlError(input('a.b.c.d'))).toEqual({
      code: '42601',
      message: 'improper relation name (too many dotted names): a.b.c.d',
    });
    expect(sqlError(input('other.s.t'))).toEqual({
      code: '0A000',
      message: 'cross-database references are not implemented: "other.s.t"',
    });
    for (const bad of ['', 't.', '"unterminated', 'a b', '""']) {
      expect(sqlError(input(bad))).toEqual({ code: '42602', message: 'invalid name syntax' });
    }
    expect(sqlError(input('12a')).code).toBe('42P01');
    expect(sqlError(input('-1'))).toEqual({
      code: '42P01',
      message: 'relation "-1" does not exist',
    });
    // without a catalog, names are not found
    expect(sqlError(() => regclass.input('t', -1, defaultContext())).code).toBe('42P01');
  });
});

describe('splitQualifiedName', () => {
  it('reads back names written quoted or bare, with whitespace around', () => {
    const space = fc.constantFrom('', ' ', '\t', '\n ');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(identifier, fc.boolean(), space, space), { minLength: 1, maxLength: 4 }),
        (parts) => {
          const text = parts
            .map(([name, quote, before, after]) => {
              const bare = /^[a-z_][a-z0-9_]*$/.test(name) && !quote;
              return `${before}${bare ? name : `"${name.replaceAll('"', '""')}"`}${after}`;
            })
            .join('.');
          expect(splitQualifiedName(text)).toEqual(parts.map(([name]) => name));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('folds bare names to lower case (ASCII only) and truncates to 63 bytes', () => {
    expect(splitQualifiedName('Ab.CÉ')).toEqual(['ab', 'cÉ']);
    expect(splitQualifiedName('x'.repeat(70))).toEqual(['x'.repeat(63)]);
    expect(splitQualifiedName(`"${'é'.repeat(40)}"`)).toEqual(['é'.repeat(31)]);
  });
});

describe('regtype', () => {
  it('prints every built-in type as format_type does and reads the name back, without a catalog', () => {
    const ctx = defaultContext();
    for (const t of builtins.types()) {
      const text = regtype.output(t.oid, ctx);
      expect(text).toBe(t.displayName);
      expect(regtype.input(text, -1, ctx)).toBe(t.oid);
      expect(regtype.input(t.name, -1, ctx)).toBe(t.oid);
    }
    expect(regtype.output(TypeOid._int4, ctx)).toBe('integer[]');
    expect(regtype.output(TypeOid.char, ctx)).toBe('"char"');
    expect(regtype.output(TypeOid.any, ctx)).toBe('"any"');
    expect(regtype.output(TypeOid.unknown, ctx)).toBe('unknown');
    expect(regtype.output(0, ctx)).toBe('-');
    expect(regtype.output(99999, ctx)).toBe('99999');
    expect(sqlError(() => regtype.input('nosuch', -1, ctx))).toEqual({
      code: '42704',
      message: 'type "nosuch" does not exist',
    });
  });

  it('asks the catalog hook for names and types it does not know', () => {
    const ctx = defaultContext({
      catalog: {
        ...fakeCatalog({ schemas: [], relations: [], roles: [], searchPath: [] }),
        typeOid: (text) => (text === 'my type' ? 70000 : 23),
        typeName: (oid) => (oid === 70000 ? 'my_type' : undefined),
      },
    });
    expect(regtype.input('my type', -1, ctx)).toBe(70000);
    expect(regtype.input('int', -1, ctx)).toBe(23);
    expect(regtype.output(70000, ctx)).toBe('my_type');
    expect(regtype.output(70001, ctx)).toBe('70001');
  });

  it('obeys the type laws', () => {
    checkTypeLaws(
      regtype,
      fc.oneof(
        fc.constantFrom(...builtins.types().map((t) => t.oid)),
        fc.integer({ min: 0, max: 0xffffffff }),
      ),
    );
  });
});

describe('regnamespace and regrole', () => {
  it('round-trip names through the catalog hook, numbers without it', () => {
    fc.assert(
      fc.property(model, fc.nat(), (m, pick) => {
        const ctx = ctxFor(m);
        const s = m.schemas[pick % m.schemas.length]!;
        const text = regnamespace.output(s.oid, ctx);
        expect(text).toBe(quoteIdent(s.name));
        expect(regnamespace.input(text, -1, ctx)).toBe(s.oid);
        expect(regnamespace.output(s.oid, defaultContext())).toBe(String(s.oid));
        if (m.roles.length > 0) {
          const r = m.roles[pick % m.roles.length]!;
          const rt = regrole.output(r.oid, ctx);
          expect(rt).toBe(quoteIdent(r.name));
          expect(regrole.input(rt, -1, ctx)).toBe(r.oid);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('obey the type laws', () => {
    const m: Model = {
      schemas: [{ oid: 2200, name: 'public' }],
      relations: [],
      roles: [{ oid: 10, name: 'Admin' }],
      searchPath: [],
    };
    const values = fc.oneof(fc.constantFrom(0, 10, 2200), fc.integer({ min: 0, max: 0xffffffff }));
    checkTypeLaws(regnamespace, values, { ctx: ctxFor(m) });
    checkTypeLaws(regrole, values, { ctx: ctxFor(m) });
  });

  it('report PostgreSQL errors', () => {
    const ctx = ctxFor({
      schemas: [{ oid: 2200, name: 'public' }],
      relations: [],
      roles: [],
      searchPath: [],
    });
    expect(sqlError(() => regnamespace.input('nosuch', -1, ctx))).toEqual({
      code: '3F000',
      message: 'schema "nosuch" does not exist',
    });
    expect(sqlError(() => regnamespace.input('s.t', -1, ctx)).code).toBe('42602');
    expect(sqlError(() => regrole.input('nobody', -1, ctx))).toEqual({
      code: '42704',
      message: 'role "nobody" does not exist',
    });
  });
});

describe('binary and on-disk forms are oid', () => {
  it('send, receive, encode and decode as oid does', () => {
    const ctx = defaultContext();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        for (const t of [regclass, regtype, regnamespace, regrole]) {
          expect(t.send(v, ctx)).toEqual(oidType.send(v, ctx));
          expect(t.encode(v)).toEqual(oidType.encode(v));
          expect(t.receive(oidType.send(v, ctx), -1, ctx)).toBe(v);
          expect(t.hash(v)).toBe(oidType.hash(v));
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('casts and functions', () => {
  const m: Model = {
    schemas: [{ oid: 2200, name: 'public' }],
    relations: [{ oid: 16385, name: 't', schema: 2200 }],
    roles: [],
    searchPath: [2200],
  };
  const ctx = ctxFor(m);

  it('converts as pg_cast says', () => {
    expect(builtins.coerce(16385, TypeOid.oid, RegOid.regclass, -1, 'i', ctx)).toBe(16385);
    expect(builtins.coerce(16385, RegOid.regclass, TypeOid.oid, -1, 'i', ctx)).toBe(16385);
    expect(builtins.coerce(16385n, TypeOid.int8, RegOid.regtype, -1, 'i', ctx)).toBe(16385);
    expect(
      sqlError(() => builtins.coerce(-1n, TypeOid.int8, RegOid.regclass, -1, 'i', ctx)),
    ).toEqual({ code: '22003', message: 'OID out of range' });
    expect(builtins.coerce(4000000000, RegOid.regclass, TypeOid.int8, -1, 'a', ctx)).toBe(
      4000000000n,
    );
    expect(builtins.cast(RegOid.regclass, TypeOid.int4)?.context).toBe('a');
    expect(builtins.coerce('t', TypeOid.text, RegOid.regclass, -1, 'i', ctx)).toBe(16385);
    // regclass(text) takes names only
    expect(
      sqlError(() => builtins.coerce('16385', TypeOid.text, RegOid.regclass, -1, 'i', ctx)),
    ).toEqual({ code: '42P01', message: 'relation "16385" does not exist' });
    expect(builtins.coerce(16385, RegOid.regclass, TypeOid.text, -1, 'e', ctx)).toBe('t');
  });

  it('to_regclass and friends return NULL for what does not exist; pg_typeof names the argument type', () => {
    const fns = new Map(regFunctions(builtins).map((f) => [f.name, f]));
    const call = (name: string, v: unknown, types: number[] = [TypeOid.text]) =>
      fns.get(name)!.impl([v], ctx, types);
    expect(call('to_regclass', 't')).toBe(16385);
    expect(call('to_regclass', 'nosuch')).toBeNull();
    expect(call('to_regclass', 'nosuch.t')).toBeNull();
    expect(call('to_regclass', '16385')).toBeNull();
    expect(sqlError(() => call('to_regclass', 't.')).code).toBe('42602');
    expect(call('to_regtype', 'integer')).toBe(TypeOid.int4);
    expect(call('to_regtype', 'nosuch')).toBeNull();
    expect(call('to_regnamespace', 'public')).toBe(2200);
    expect(call('to_regnamespace', 'nosuch')).toBeNull();
    expect(call('to_regrole', 'nobody')).toBeNull();
    expect(call('pg_typeof', null, [TypeOid.unknown])).toBe(TypeOid.unknown);
    expect(call('pg_typeof', 1, [TypeOid.int4])).toBe(TypeOid.int4);
  });
});
