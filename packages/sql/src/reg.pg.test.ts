/**
 * The OID alias types against real PostgreSQL 15:
 *
 * - pg_typeof of expressions over a table of common column types prints
 *   what PostgreSQL prints (the analyzer's pg_typeof call and regtype's
 *   output);
 * - regtype output of every type @pg/types knows, and of OIDs it does not;
 * - regtype input of type names (full SQL syntax, through `regCatalog`'s
 *   parseTypeString) gives the same OID or the same SQLSTATE;
 * - regclass and regnamespace, with `regCatalog` over a snapshot of
 *   PostgreSQL's own pg_class and pg_namespace after creating schemas and
 *   tables with generated names: input of generated spellings and output
 *   of every relation agree under a generated search_path.
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { analyze, loadParser, parse, type RegCatalogSource, regCatalog } from '@pg/sql';
import { fakeCatalog, fakeRelation } from '@pg/sql/testing';
import { builtins, defaultContext, RegOid, SqlError, type TypeContext } from '@pg/types';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TABLE =
  'create table t (a int, b text, c varchar(5), d numeric(5,2), e bool, f timestamptz, g int8, h float8, i int2, j date, k char(3), l int[], m jsonb, n uuid, o interval)';

let pg: ReferencePostgres;
let client: Awaited<ReturnType<ReferencePostgres['connect']>>;

beforeAll(async () => {
  await loadParser();
  pg = await startReferencePostgres({ extensions: [] });
  client = await pg.connect();
  await client.query(TABLE);
  await client.query('insert into t (a) values (1)');
});

afterAll(async () => {
  await pg?.stop();
});

type Outcome = { ok: true; text: string | null } | { ok: false; code: string };

/** Whether a transaction block is open (then each query runs in a savepoint of its own). */
let inTransaction = false;

async function viaPostgres(sql: string): Promise<Outcome> {
  if (!inTransaction) {
    try {
      const r = await client.query(sql);
      const row = r.rows[0] as { v: string | null } | undefined;
      return { ok: true, text: row?.v ?? null };
    } catch (e) {
      return { ok: false, code: (e as { code: string }).code };
    }
  }
  await client.query('SAVEPOINT q');
  try {
    const r = await client.query(sql);
    const row = r.rows[0] as { v: string | null } | undefined;
    return { ok: true, text: row?.v ?? null };
  } catch (e) {
    await client.query('ROLLBACK TO SAVEPOINT q');
    return { ok: false, code: (e as { code: string }).code };
  } finally {
    await client.query('RELEASE SAVEPOINT q');
  }
}

function ours(f: () => string | null): Outcome {
  try {
    return { ok: true, text: f() };
  } catch (e) {
    if (e instanceof SqlError) return { ok: false, code: e.code };
    throw e;
  }
}

const regtype = builtins.mustType(RegOid.regtype);
const regclass = builtins.mustType(RegOid.regclass);
const regnamespace = builtins.mustType(RegOid.regnamespace);

describe('pg_typeof', () => {
  const EXPRESSIONS = [
    '1',
    '3000000000',
    '9223372036854775808',
    '1.5',
    "'x'",
    'NULL',
    'true',
    '1::int2',
    'now()',
    "'{}'::text[]",
    'ARRAY[1, 2]',
    'ARRAY[1.5]',
    "'x'::varchar(3)",
    "'x'::char",
    '\'x\'::"char"',
    "'x'::name",
    'a',
    'b',
    'c',
    'd',
    'e',
    'f',
    'g',
    'h',
    'i',
    'j',
    'k',
    'l',
    'm',
    'n',
    'o',
    'a + g',
    'a + h',
    'a / 2.0',
    'b || c',
    'c || c',
    'f - f',
    'j - j',
    'j + 1',
    'j + o',
    'f::date',
    'a::oid',
    "'t'::regclass::oid",
    '23::regtype',
    'k::text',
    'm -> 0',
    "m ->> 'x'",
    'coalesce(a, g)',
    'CASE WHEN e THEN a ELSE i END',
    'greatest(h, d)',
    'length(b)',
    "to_char(f, 'YYYY')",
    'current_date',
    'current_timestamp',
    'localtime',
    'pg_typeof(a)',
    "'1 day'::interval",
    'a IS NULL',
    'count(*)',
    'sum(a)',
    'sum(g)',
    'avg(a)',
  ];

  it('prints the type PostgreSQL prints for each expression', async () => {
    const catalog = fakeCatalog([fakeRelation({ sql: TABLE })]);
    const ctx = defaultContext();
    for (const e of EXPRESSIONS) {
      if (e.includes("'t'::regclass")) continue; // needs the catalog hook; below
      const sql = `SELECT pg_typeof(${e})::text AS v FROM t`;
      const theirs = await viaPostgres(sql);
      const mine = ours(() => {
        const q = analyze(parse(`SELECT pg_typeof(${e}) FROM t`)[0]!, catalog, {
          typeContext: ctx,
        });
        const call = q.targetList[0]!.expr;
        expect(call.kind).toBe('func');
        expect(call.type).toBe(RegOid.regtype);
        if (call.kind !== 'func') throw new Error('not a call');
        const argTypes = call.args.map((a) => a.type);
        return regtype.output(call.fn.impl([null], ctx, argTypes), ctx);
      });
      expect({ e, ...mine }).toEqual({ e, ...theirs });
    }
  });
});

describe('regtype', () => {
  it('prints every known type, and unknown OIDs, as PostgreSQL does', async () => {
    const oids = [
      ...builtins.types().map((t) => t.oid),
      22,
      24,
      27,
      28,
      29,
      30,
      194,
      705,
      1006,
      1008,
      1010,
      1011,
      1012,
      1013,
      1033,
      1034,
      2202,
      2207,
      2249,
      2275,
      2276,
      2277,
      2278,
      2279,
      2283,
      2287,
      2776,
      3220,
      5069,
      5077,
      5078,
      5079,
      0,
      99999,
      4294967295,
    ];
    const r = await client.query(
      'SELECT x::int8 AS oid, x::regtype::text AS v FROM unnest($1::oid[]) x',
      [oids],
    );
    const ctx = defaultContext();
    const theirs = (r.rows as { oid: string; v: string }[]).map((row) => ({
      oid: Number(row.oid),
      v: row.v,
    }));
    expect(oids.map((oid) => ({ oid, v: regtype.output(oid, ctx) }))).toEqual(theirs);
  });

  it('reads type names in full SQL syntax as PostgreSQL does', async () => {
    const source: RegCatalogSource = {
      databaseName: 'postgres',
      lookupRelation: () => undefined,
      relation: () => undefined,
      namespaceOid: (n) => ({ pg_catalog: 11, public: 2200 })[n],
      namespaceName: (o) => ({ 11: 'pg_catalog', 2200: 'public' })[o],
    };
    const ctx = defaultContext({
      catalog: regCatalog(source, { searchPath: ['public'], registry: builtins }),
    });
    const NAMES = [
      'int',
      'integer',
      'int4',
      'INT4',
      '  int4  ',
      'Int',
      '"int4"',
      '"int"',
      'smallint',
      'bigint',
      'character varying(10)',
      'varchar',
      'char varying',
      'character',
      'char',
      'char(3)',
      '"char"',
      'bpchar',
      'double precision',
      'float',
      'float(24)',
      'float(25)',
      'float4',
      'real',
      'decimal',
      'numeric(10,2)',
      'dec',
      'bool',
      'boolean',
      'text',
      'name',
      'bytea',
      'oid',
      'json',
      'jsonb[]',
      'uuid',
      'date',
      'time',
      'time with time zone',
      'time(3) without time zone',
      'timetz',
      'timestamp',
      'timestamp with time zone',
      'timestamptz',
      'timestamp(2)',
      'interval',
      'interval year to month',
      'interval(3)',
      'int[]',
      'int4[][]',
      'integer[3]',
      'int array',
      'text array[2]',
      'pg_catalog.int4',
      'pg_catalog.integer',
      'public.int4',
      'nosuch.int4',
      'nosuch',
      'nosuch[]',
      'postgres.pg_catalog.int4',
      'other.pg_catalog.int4',
      'a.b.c.d',
      'int4 x',
      'int4[',
      'setof int',
      'int4; select 1',
      'regclass',
      'regtype[]',
      'regnamespace',
      'int4(10)',
      '',
      ' ',
      '-',
      '0',
      '23',
      '4294967296',
      '1e3',
    ];
    for (const name of NAMES) {
      const theirs = await viaPostgres(
        `SELECT '${name.replaceAll("'", "''")}'::regtype::oid::text AS v`,
      );
      const mine = ours(() => String(regtype.input(name, -1, ctx)));
      expect({ name, ...mine }).toEqual({ name, ...theirs });
    }
  });
});

/** Identifiers that need every rule: case, quotes, dots, spaces, keywords. */
const identifier = fc.oneof(
  fc.constantFrom('t', 'T', 'a b', 'x.y', 'q"q', 'user', 'select', '1abc', 'é', '_u', 'Mixed'),
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/),
);

/** A RegCatalogSource over PostgreSQL's own catalog rows, searched as @pg/catalog does. */
async function snapshotSource(): Promise<RegCatalogSource> {
  const rels = (
    await client.query(
      'SELECT c.oid::int8 AS oid, c.relname::text AS name, n.nspname::text AS nsp FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace',
    )
  ).rows.map((r: { oid: string; name: string; nsp: string }) => ({ ...r, oid: Number(r.oid) }));
  const nsps = (
    await client.query('SELECT oid::int8 AS oid, nspname::text AS name FROM pg_namespace')
  ).rows.map((r: { oid: string; name: string }) => ({ oid: Number(r.oid), name: r.name }));
  const nspOid = (name: string) => nsps.find((n) => n.name === name)?.oid;
  return {
    databaseName: 'postgres',
    namespaceOid: nspOid,
    namespaceName: (oid) => nsps.find((n) => n.oid === oid)?.name,
    relation(oid) {
      const r = rels.find((x) => x.oid === oid);
      return r && { name: r.name, namespaceName: r.nsp };
    },
    lookupRelation(schema, name, searchPath = []) {
      if (schema !== undefined) {
        if (nspOid(schema) === undefined) {
          throw new SqlError('3F000', `schema "${schema}" does not exist`);
        }
        return rels.find((r) => r.nsp === schema && r.name === name);
      }
      const path = searchPath.includes('pg_catalog') ? searchPath : ['pg_catalog', ...searchPath];
      for (const nsp of path) {
        const r = rels.find((x) => x.nsp === nsp && x.name === name);
        if (r) return r;
      }
      return undefined;
    },
  };
}

const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

describe('regclass and regnamespace through regCatalog', () => {
  it('agree with PostgreSQL on generated schemas, tables, search paths and spellings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(identifier, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(identifier, fc.nat()), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.array(
          fc.tuple(fc.nat(), fc.constantFrom('quoted', 'bare', 'upper', 'qualified', 'spaced')),
          { maxLength: 6 },
        ),
        async (schemaNames, tables, pathPicks, spellings) => {
          const schemas = schemaNames.map((s) => `s_${s}`);
          await client.query('BEGIN');
          inTransaction = true;
          try {
            for (const s of schemas) await client.query(`CREATE SCHEMA ${quote(s)}`);
            for (const [name, i] of tables) {
              await client.query(
                `CREATE TABLE IF NOT EXISTS ${quote(schemas[i % schemas.length]!)}.${quote(name)} ()`,
              );
            }
            const searchPath = [...new Set(pathPicks.map((p) => schemas[p % schemas.length]!))];
            await client.query(
              `SET LOCAL search_path = ${searchPath.length === 0 ? "''" : searchPath.map(quote).join(', ')}`,
            );
            const source = await snapshotSource();
            const ctx: TypeContext = defaultContext({
              catalog: regCatalog(source, { searchPath, registry: builtins }),
            });
            // output of every relation in the generated schemas
            const rels = (
              await client.query(
                'SELECT c.oid::int8 AS oid, c.oid::regclass::text AS v FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1) ORDER BY 1',
                [schemas],
              )
            ).rows as { oid: string; v: string }[];
            expect(rels.map((r) => regclass.output(Number(r.oid), ctx))).toEqual(
              rels.map((r) => r.v),
            );
            for (const s of schemas) {
              const oid = source.namespaceOid(s)!;
              const theirs = await viaPostgres(`SELECT ${oid}::regnamespace::text AS v`);
              expect(ours(() => regnamespace.output(oid, ctx))).toEqual(theirs);
            }
            // input of generated spellings
            for (const [pick, how] of spellings) {
              const [name, i] = tables[pick % tables.length]!;
              const schema = schemas[i % schemas.length]!;
              const text =
                how === 'quoted'
                  ? quote(name)
                  : how === 'bare'
                    ? name
                    : how === 'upper'
                      ? name.toUpperCase()
                      : how === 'qualified'
                        ? `${quote(schema)}.${quote(name)}`
                        : ` ${quote(schema)} . ${name} `;
              const literal = text.replaceAll("'", "''");
              const theirs = await viaPostgres(`SELECT '${literal}'::regclass::oid::text AS v`);
              expect({ text, ...ours(() => String(regclass.input(text, -1, ctx))) }).toEqual({
                text,
                ...theirs,
              });
              const theirsNsp = await viaPostgres(
                `SELECT '${literal}'::regnamespace::oid::text AS v`,
              );
              expect({ text, ...ours(() => String(regnamespace.input(text, -1, ctx))) }).toEqual({
                text,
                ...theirsNsp,
              });
            }
          } finally {
            inTransaction = false;
            await client.query('ROLLBACK');
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
