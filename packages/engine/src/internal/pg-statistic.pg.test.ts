/**
 * pg_statistic after ANALYZE of the same data, compared with real
 * PostgreSQL 15: per column the null fraction, width, n_distinct, the
 * slot kinds (1 MCV, 2 histogram, 3 correlation), their operators and
 * collations. Tables are small enough that ANALYZE reads every row, so
 * the statistics are deterministic.
 */
import { Database, type Session } from '@pg/engine';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pg: ReferencePostgres;
let client: Client;
let db: Database;
let s: Session;

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
  client = await pg.connect();
  db = await Database.open();
  s = await db.connect();
}, 60_000);

afterAll(async () => {
  await client?.end();
  await pg?.stop();
  await db?.close();
});

async function both(sql: string): Promise<void> {
  await client.query(sql);
  await s.query(sql);
}

const lines = (rows: unknown[][]) =>
  rows.map((row) => JSON.stringify(row.map((v) => (v === null ? null : String(v)))));

async function compare(sql: string): Promise<void> {
  const theirs = lines((await client.query({ text: sql, rowMode: 'array' })).rows as unknown[][]);
  const mine = lines((await s.query<unknown[]>(sql, [], { rowMode: 'array' })).rows);
  expect(mine).toEqual(theirs);
}

const STATS =
  'SELECT staattnum, stanullfrac, stawidth, stadistinct, stakind1, stakind2, stakind3, staop1, staop2, staop3, stacoll1, stacoll2, stacoll3 FROM pg_statistic WHERE starelid = ';

describe('pg_statistic compared with PostgreSQL 15', () => {
  it('scalar columns: MCV, histogram and correlation slots', async () => {
    await both(
      'CREATE TABLE t (a int, b text, c int, d float8, e bool, f date, g numeric, h bigint, k varchar(10))',
    );
    await both(
      "INSERT INTO t SELECT i, CASE WHEN i % 4 = 0 THEN NULL ELSE 'v' || (i % 7) END, i % 3, i / 10.0, i % 5 = 0, date '2020-01-01' + (i % 40), (i % 13) * 1.5, (i * 7919) % 1000, 'k' || (i % 50) FROM generate_series(1, 2000) i",
    );
    await both('ANALYZE t');
    await compare(`${STATS} 't'::regclass ORDER BY 1`);
    await compare(
      "SELECT attname, null_frac, avg_width, n_distinct, most_common_vals::text, most_common_freqs::text, histogram_bounds::text, correlation::text FROM pg_stats WHERE tablename = 't' ORDER BY attname",
    );
  });

  it('all-null, all-distinct and constant columns; a column list', async () => {
    await both('CREATE TABLE u (a int, b text, c int, d text)');
    await both("INSERT INTO u SELECT NULL, 'same', i, md5(i::text) FROM generate_series(1, 500) i");
    await both('ANALYZE u (a, b, c)');
    await compare(`${STATS} 'u'::regclass ORDER BY 1`);
    await both('ANALYZE u');
    await compare(`${STATS} 'u'::regclass ORDER BY 1`);
  });

  it('DROP COLUMN removes its row; a rolled-back ANALYZE leaves none', async () => {
    await both('CREATE TABLE w (a int, b int)');
    await both('INSERT INTO w SELECT i, i % 10 FROM generate_series(1, 300) i');
    await both('BEGIN');
    await both('ANALYZE w');
    await both('ROLLBACK');
    await compare(`${STATS} 'w'::regclass ORDER BY 1`);
    await both('ANALYZE w');
    await both('ALTER TABLE w DROP COLUMN a');
    await compare(`${STATS} 'w'::regclass ORDER BY 1`);
  });
});
