/**
 * The catalog functions psql calls (@pg/sql's psql-functions.ts) against
 * real PostgreSQL 15: the same calls on the same schema give the same text.
 * Random inputs for the pure ones (pg_size_pretty, format_type over
 * built-in types and typmods (interval's typmods aside: most random
 * ones are invalid), pg_encoding_to_char); fixed ones for those
 * that read the catalog (visibility under changing search paths, index
 * and constraint definitions, sizes, descriptions).
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { builtins, defaultContext } from '@pg/types';
import fc from 'fast-check';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, type Session } from './index.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 40);

const SCHEMA = [
  'CREATE SCHEMA s2',
  `CREATE TABLE t1 (id serial PRIMARY KEY, name text NOT NULL, price numeric(10,2) DEFAULT 0,
     created timestamptz DEFAULT now(), code varchar(12) UNIQUE, qty integer, c char(3), b bit(4))`,
  'CREATE TABLE s2.t2 (k bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a integer NOT NULL, n numeric)',
  'CREATE TABLE s2.t1 (z int)',
  'CREATE INDEX t1_name_qty ON t1 (name, qty)',
  'CREATE INDEX t1_partial ON t1 (qty) WHERE qty > 10',
  'CREATE INDEX t1_lower ON t1 (lower(name))',
  'CREATE UNIQUE INDEX t2_a ON s2.t2 (a) INCLUDE (n)',
  'CREATE SEQUENCE s2.myseq',
  "INSERT INTO t1 (name, qty) SELECT 'n' || g, g FROM generate_series(1, 300) g",
];

let pg: ReferencePostgres;
let client: Client;
let db: Database;
let session: Session;
const ctx = defaultContext();

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
  client = await pg.connect();
  db = await Database.open({});
  session = await db.connect();
  for (const sql of SCHEMA) {
    await client.query(sql);
    await session.query(sql);
  }
}, 60_000);

afterAll(async () => {
  await client?.end();
  await session?.close();
  await db?.close();
  await pg?.stop();
});

/** Every row as text, as psql would print the values. */
async function theirs(sql: string): Promise<(string | null)[][]> {
  const r = await client.query({
    text: sql,
    rowMode: 'array',
    types: { getTypeParser: () => (x: string) => x },
  });
  return r.rows as (string | null)[][];
}

async function ours(sql: string): Promise<(string | null)[][]> {
  const r = await session.query(sql, [], { rowMode: 'array' });
  return (r.rows as unknown as unknown[][]).map((row) =>
    row.map((v, i) =>
      v === null || v === undefined
        ? null
        : builtins.mustType(r.fields[i]!.dataTypeID).output(v as never, ctx),
    ),
  );
}

async function same(sql: string): Promise<void> {
  expect(await ours(sql), sql).toEqual(await theirs(sql));
}

describe('pure functions, random inputs', () => {
  it('pg_size_pretty(bigint)', async () => {
    const sizes = fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
      fc.integer({ min: -30000, max: 30000 }).map(BigInt),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(sizes, { minLength: 1, maxLength: 20 }), async (list) => {
        await same(
          `SELECT pg_size_pretty(v) FROM (VALUES ${list.map((v) => `('${v}'::int8)`).join(', ')}) x(v)`,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('format_type(oid, typmod) over built-in types', async () => {
    const oids = [
      16, 17, 18, 19, 20, 21, 23, 25, 26, 700, 701, 1042, 1043, 1082, 1083, 1114, 1184, 1266, 1560,
      1562, 1700, 2950, 3802, 1007, 1015, 1231, 1000, 1009, 0, 999999,
    ];
    const typmods = fc.oneof(
      fc.constant('NULL'),
      fc.constant('-1'),
      fc.integer({ min: 0, max: 6 }).map(String),
      fc.integer({ min: 4, max: 200 }).map(String),
      fc
        .tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 10 }))
        .map(([p, s]) => String(((p << 16) | s) + 4)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...oids), typmods), { minLength: 1, maxLength: 10 }),
        async (list) => {
          await same(
            `SELECT format_type(o, m) FROM (VALUES ${list.map(([o, m]) => `(${o}::oid, ${m}::int4)`).join(', ')}) x(o, m)`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('pg_encoding_to_char', async () => {
    await same('SELECT e, pg_encoding_to_char(e) FROM generate_series(-1, 45) e');
  });
});

describe('catalog functions on the same schema', () => {
  it('pg_table_is_visible under search paths', async () => {
    for (const path of ['"$user", public', 's2, public', 'public, s2', 's2', 'pg_catalog']) {
      await client.query(`SET search_path = ${path}`);
      await session.query(`SET search_path = ${path}`);
      await same(`SELECT c.relname, n.nspname, pg_table_is_visible(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('public', 's2') ORDER BY 1, 2`);
    }
    await client.query('RESET search_path');
    await session.query('RESET search_path');
  });

  it('pg_get_indexdef (whole and per column, pretty or not) and pg_get_constraintdef', async () => {
    await same(`SELECT c.relname, pg_get_indexdef(i.indexrelid), pg_get_indexdef(i.indexrelid, 0, true),
        pg_get_indexdef(i.indexrelid, 1, true), pg_get_indexdef(i.indexrelid, 2, false),
        pg_get_expr(i.indpred, i.indrelid, true), pg_get_expr(i.indpred, i.indrelid)
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ('public', 's2'))
      ORDER BY 1`);
    await same(`SELECT conname, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true)
      FROM pg_constraint WHERE conrelid IN ('t1'::regclass, 's2.t2'::regclass) ORDER BY 1`);
  });

  it('pg_get_constraintdef of CHECK constraints, pretty or not', async () => {
    const ddl = `CREATE TABLE ck (a int, b int, c int, d int,
      CONSTRAINT c1 CHECK (a > 0 AND (b < 1 OR c = 2) AND NOT (d > 3)),
      CONSTRAINT c2 CHECK ((a + b) * c > 0 OR NOT (a > 1 AND b > 2) OR (c > 1 OR d > 1)),
      CONSTRAINT c3 CHECK (a BETWEEN 1 AND 5 AND b IS NOT NULL),
      CONSTRAINT c4 CHECK (NOT (a = 1 OR b = 2) AND c <> d))`;
    await client.query(ddl);
    await session.query(ddl);
    await same(`SELECT conname, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true)
      FROM pg_constraint WHERE conrelid = 'ck'::regclass ORDER BY 1`);
  });

  it('pg_get_constraintdef of FOREIGN KEY constraints', async () => {
    const ddl = [
      'CREATE TABLE fp (id int PRIMARY KEY, u int UNIQUE)',
      `CREATE TABLE fc (id int REFERENCES fp(id) ON DELETE CASCADE, pid int, q int,
        CONSTRAINT fk2 FOREIGN KEY (pid) REFERENCES fp(id) MATCH FULL ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED,
        CONSTRAINT fk3 FOREIGN KEY (q) REFERENCES s2.t2(k) ON UPDATE RESTRICT ON DELETE SET DEFAULT)`,
    ];
    for (const sql of ddl) {
      await client.query(sql);
      await session.query(sql);
    }
    await same(`SELECT conname, contype, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true)
      FROM pg_constraint WHERE conrelid IN ('fc'::regclass, 'fp'::regclass) ORDER BY 1`);
  });

  it('format_type of columns, defaults, owners, descriptions', async () => {
    await same(`SELECT a.attname, format_type(a.atttypid, a.atttypmod),
        (SELECT pg_get_expr(d.adbin, d.adrelid, true) FROM pg_attrdef d
          WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum),
        col_description(a.attrelid, a.attnum)
      FROM pg_attribute a WHERE a.attrelid = 't1'::regclass AND a.attnum > 0 ORDER BY a.attnum`);
    await same(`SELECT relname, pg_get_userbyid(relowner), obj_description(oid, 'pg_class')
      FROM pg_class WHERE relname IN ('t1', 't2', 'myseq') ORDER BY 1`);
    await same('SELECT pg_get_userbyid(0), pg_get_userbyid(10), pg_get_userbyid(123456)');
  });

  it('sizes from the storage manager', async () => {
    await same(`SELECT c.relname, pg_relation_size(c.oid), pg_table_size(c.oid),
        pg_size_pretty(pg_table_size(c.oid)), pg_relation_size(c.oid, 'fsm') > 0
      FROM pg_class c WHERE c.relname IN ('t1', 't2', 't1_pkey', 't1_lower') ORDER BY 1`);
  });
});
