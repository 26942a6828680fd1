/**
 * VACUUM VERBOSE against real PostgreSQL 15: the same statements on both,
 * then the lines of the report that do not depend on timing, buffers or
 * xid numbers (index scans, pages, tuples, the index-scan line, the
 * truncation message) and pg_class's relpages / reltuples / relallvisible
 * must be equal.
 */
import { Database, type Session } from '@pg/engine';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pg: ReferencePostgres;
let client: Client;
let db: Database;
let s: Session;
const pgNotices: string[] = [];

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
  client = await pg.connect();
  client.on('notice', (n) => pgNotices.push(n.message ?? ''));
  db = await Database.open();
  s = await db.connect();
}, 60_000);

afterAll(async () => {
  await client?.end();
  await pg?.stop();
  await db?.close();
});

/** The report's deterministic lines, and the truncation message if any. */
function deterministic(messages: readonly string[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    if (m.startsWith('table "')) out.push(m);
    if (!m.startsWith('finished vacuuming') || m.includes('pg_toast')) continue;
    for (const line of m.split('\n')) {
      if (/^(finished vacuuming|pages:|tuples:|index scan (needed|not needed|bypassed))/.test(line))
        out.push(line);
    }
  }
  return out;
}

async function compare(setup: readonly string[], vacuum: string): Promise<string[]> {
  for (const sql of ['DROP TABLE IF EXISTS t', ...setup]) {
    await client.query(sql);
    await s.query(sql);
  }
  pgNotices.length = 0;
  await client.query(vacuum);
  const expected = deterministic(pgNotices);
  const actual = deterministic((await s.query(vacuum)).notices.map((n) => n.message));
  expect(actual).toEqual(expected);
  const stats = "SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 't'";
  const pgStats = (await client.query(stats)).rows;
  const ours = (await s.query(stats)).rows;
  expect(ours).toEqual(pgStats);
  return expected;
}

describe('VACUUM VERBOSE as PostgreSQL 15 reports it', () => {
  it('deleted rows with a primary key: one index pass', async () => {
    const lines = await compare(
      [
        'CREATE TABLE t (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = off)',
        "INSERT INTO t SELECT g, 'x' FROM generate_series(1, 10000) g",
        'DELETE FROM t WHERE id % 2 = 0',
      ],
      'VACUUM VERBOSE t',
    );
    expect(lines[0]).toMatch(/index scans: 1$/);
  });

  it('no index: one pass over the heap', async () => {
    await compare(
      [
        'CREATE TABLE t (id int, v text) WITH (autovacuum_enabled = off)',
        "INSERT INTO t SELECT g, 'y' FROM generate_series(1, 6000) g",
        'DELETE FROM t WHERE id % 3 = 0',
      ],
      'VACUUM VERBOSE t',
    );
  });

  it('one dead item on 1 of 89 pages: not bypassed (the 2% threshold is truncated to 1 page)', async () => {
    const lines = await compare(
      [
        'CREATE TABLE t (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = off)',
        "INSERT INTO t SELECT g, 'z' FROM generate_series(1, 20000) g",
        'DELETE FROM t WHERE id = 500',
      ],
      'VACUUM VERBOSE t',
    );
    expect(lines.some((l) => l.startsWith('index scan needed'))).toBe(true);
  });

  it('dead items on under 2% of the pages: index vacuuming bypassed', async () => {
    const lines = await compare(
      [
        'CREATE TABLE t (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = off)',
        "INSERT INTO t SELECT g, 'z' FROM generate_series(1, 60000) g",
        'DELETE FROM t WHERE id IN (500, 501, 30000)',
      ],
      'VACUUM VERBOSE t',
    );
    expect(lines.some((l) => l.startsWith('index scan bypassed'))).toBe(true);
  });

  it('INDEX_CLEANUP off, then on', async () => {
    await compare(
      [
        'CREATE TABLE t (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = off)',
        "INSERT INTO t SELECT g, 'w' FROM generate_series(1, 4000) g",
        'DELETE FROM t WHERE id <= 2000',
      ],
      'VACUUM (VERBOSE, INDEX_CLEANUP off) t',
    );
    pgNotices.length = 0;
    await client.query('VACUUM (VERBOSE, INDEX_CLEANUP on) t');
    const ours = (await s.query('VACUUM (VERBOSE, INDEX_CLEANUP on) t')).notices;
    expect(deterministic(ours.map((n) => n.message))).toEqual(deterministic(pgNotices));
  });

  it('everything deleted: the table is truncated', async () => {
    const lines = await compare(
      [
        'CREATE TABLE t (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = off)',
        "INSERT INTO t SELECT g, repeat('p', 50) FROM generate_series(1, 5000) g",
        'DELETE FROM t',
      ],
      'VACUUM VERBOSE t',
    );
    expect(lines[0]).toMatch(/^table "t": truncated \d+ to 0 pages$/);
  });

  it('a second vacuum skips the all-visible pages', async () => {
    await compare(
      [
        'CREATE TABLE t (id int, v text) WITH (autovacuum_enabled = off)',
        "INSERT INTO t SELECT g, 'x' FROM generate_series(1, 20000) g",
        'VACUUM t',
        "INSERT INTO t SELECT g, 'y' FROM generate_series(1, 500) g",
      ],
      'VACUUM VERBOSE t',
    );
  });

  it('rolled-back inserts', async () => {
    await compare(
      [
        'CREATE TABLE t (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = off)',
        "INSERT INTO t SELECT g, 'a' FROM generate_series(1, 3000) g",
        'BEGIN',
        "INSERT INTO t SELECT g, 'b' FROM generate_series(3001, 4000) g",
        'ROLLBACK',
      ],
      'VACUUM VERBOSE t',
    );
  });
});
