/**
 * ErrorResponse and NoticeResponse fields against real PostgreSQL 15: the
 * same statements over a raw socket to both servers; every field
 * PostgreSQL sends except F, L, R (its source file, line and routine) must
 * match, and the object-name fields s, t, c, d, n, which the engine's
 * errors do not carry yet: those are compared as a list of gaps.
 */
import { Database } from '@pg/engine';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { Server } from '@pg/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fields, RawClient } from './internal/test-wire.js';

let ref: ReferencePostgres;
let db: Database;
let server: Server;

beforeAll(async () => {
  ref = await startReferencePostgres({ extensions: [] });
  db = await Database.open({});
  server = await Server.start({ database: db, port: 0, listenAddresses: ['127.0.0.1'] });
});

afterAll(async () => {
  await server?.close('fast');
  await db?.close();
  await ref?.stop();
});

const STATEMENTS = [
  'CREATE TABLE e (id int PRIMARY KEY, v text NOT NULL, n int CHECK (n > 0))',
  'INSERT INTO e VALUES (1, $$a$$, 1)',
  'INSERT INTO e VALUES (1, $$b$$, 2)',
  'INSERT INTO e VALUES (2, NULL, 2)',
  'INSERT INTO e VALUES (3, $$c$$, 0)',
  'SELECT nope FROM e',
  'SELECT * FROM e WHERE',
  'SELECT 1/0',
  "SELECT 'x'::int",
  'SELECT * FROM missing',
  'ROLLBACK',
  'COMMIT',
  'BEGIN',
  'BEGIN',
  'SELECT 1/0',
  'SELECT 1',
  'ROLLBACK',
  'SAVEPOINT s',
  "SET nonexistent_setting = 'x'",
  'DROP TABLE IF EXISTS not_there',
  'SELECT 1::int4 + 2147483647',
];

/**
 * The object names (s, t, c, d, n) PostgreSQL sends and the engine does not:
 * none for these statements (unique, NOT NULL and CHECK violations name their
 * schema, table, column and constraint).
 */
const KNOWN_NAME_GAPS: string[] = [];

async function transcript(port: number, gaps: Set<string>): Promise<Record<string, string>[][]> {
  const r = await RawClient.open(port);
  await r.startup();
  const out: Record<string, string>[][] = [];
  for (const sql of STATEMENTS) {
    const ms = await r.query(sql);
    out.push(
      ms
        .filter((m) => m.type === 'E' || m.type === 'N')
        .map((m) => {
          const f = fields(m.body);
          delete f.F;
          delete f.L;
          delete f.R;
          for (const k of ['s', 't', 'c', 'd', 'n']) {
            if (f[k] !== undefined) gaps.add(`${sql}: ${k}=${f[k]}`);
            delete f[k];
          }
          return { type: m.type, ...f };
        }),
    );
  }
  r.close();
  return out;
}

it('sends the same error and notice fields as PostgreSQL 15', async () => {
  const ourNames = new Set<string>();
  const theirNames = new Set<string>();
  const ours = await transcript(server.port, ourNames);
  const theirs = await transcript(ref.port, theirNames);
  for (let k = 0; k < STATEMENTS.length; k++) {
    expect({ sql: STATEMENTS[k], fields: ours[k] }).toEqual({
      sql: STATEMENTS[k],
      fields: theirs[k],
    });
  }
  // the object names PostgreSQL adds and the engine does not yet (none the other way)
  expect([...ourNames].filter((n) => !theirNames.has(n))).toEqual([]);
  expect([...theirNames].filter((n) => !ourNames.has(n))).toEqual(KNOWN_NAME_GAPS);
});
