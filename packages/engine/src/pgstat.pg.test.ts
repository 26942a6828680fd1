/**
 * issue 11: the cumulative statistics compared with real PostgreSQL 15.
 * The same statements run on both; PostgreSQL's pending counters are
 * flushed with pg_stat_force_next_flush() (it flushes when the backend goes
 * idle after that statement), then the pg_stat_user_tables and
 * pg_stat_user_indexes counters must be equal. Tables stay small (one page
 * with room), so no opportunistic pruning changes PostgreSQL's n_dead_tup,
 * and scans are pinned with enable_* settings where a plan could differ.
 * PostgreSQL flushes a backend's counters at most once a second, and
 * VACUUM and ANALYZE write their counts at once: a script forces a flush
 * before them (this engine flushes at every transaction end, which is
 * what PostgreSQL does with a forced flush).
 */
import { Database, type Session } from '@pg/engine';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import type { Client } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

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

beforeEach(async () => {
  await both('DROP TABLE IF EXISTS t, u');
  await both('RESET ALL');
});

async function both(sql: string): Promise<void> {
  let theirs: unknown;
  let mine: unknown;
  try {
    await client.query(sql);
  } catch (e) {
    theirs = (e as { code?: string }).code;
  }
  try {
    await s.query(sql);
  } catch (e) {
    mine = (e as { code?: string }).code;
  }
  expect(mine).toEqual(theirs);
}

const TABLE_STATS =
  'SELECT relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd, n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum, vacuum_count, analyze_count, last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables ORDER BY relname';
const INDEX_STATS =
  'SELECT relname, indexrelname, idx_scan, idx_tup_read, idx_tup_fetch FROM pg_stat_user_indexes ORDER BY indexrelname';

const text = (rows: unknown[][]) =>
  rows.map((row) => row.map((v) => (v === null ? null : String(v))));

/** Flushes PostgreSQL's counters, then compares both views. */
async function compareStats(): Promise<void> {
  await client.query('SELECT pg_stat_force_next_flush()');
  await s.query('SELECT pg_stat_force_next_flush()');
  for (const sql of [TABLE_STATS, INDEX_STATS]) {
    const theirs = text((await client.query({ text: sql, rowMode: 'array' })).rows as unknown[][]);
    const mine = text((await s.query<unknown[]>(sql, [], { rowMode: 'array' })).rows);
    expect(mine).toEqual(theirs);
  }
}

async function script(lines: readonly string[]): Promise<void> {
  for (const sql of lines) await both(sql);
}

describe('pg_stat_user_tables and pg_stat_user_indexes compared with PostgreSQL 15', () => {
  it('inserts, HOT updates, deletes, an aborted transaction, seq and index scans', async () => {
    await script([
      'CREATE TABLE t (id int PRIMARY KEY, v int)',
      'INSERT INTO t SELECT i, i FROM generate_series(1, 10) i',
      'UPDATE t SET v = v + 1 WHERE id <= 3',
      'DELETE FROM t WHERE id > 8',
      'BEGIN',
      'INSERT INTO t VALUES (100, 1), (101, 1)',
      'ROLLBACK',
      'SELECT count(*) FROM t',
      'SET enable_seqscan = off',
      'SET enable_bitmapscan = off',
      'SELECT * FROM t WHERE id = 5',
      'SELECT * FROM t WHERE id IN (1, 2, 3)',
      'SELECT * FROM t WHERE id = 1000',
    ]);
    await compareStats();
  });

  it('savepoints: a rolled-back subtransaction counts its rows as dead', async () => {
    await script([
      'CREATE TABLE t (a int, b text)',
      'BEGIN',
      "INSERT INTO t VALUES (1, 'a'), (2, 'b')",
      'SAVEPOINT s1',
      "INSERT INTO t VALUES (3, 'c')",
      "UPDATE t SET b = 'x' WHERE a = 1",
      'ROLLBACK TO SAVEPOINT s1',
      'DELETE FROM t WHERE a = 2',
      'SAVEPOINT s2',
      "INSERT INTO t VALUES (4, 'd')",
      'RELEASE SAVEPOINT s2',
      'COMMIT',
      'BEGIN',
      'SAVEPOINT s3',
      "UPDATE t SET b = 'y'",
      'RELEASE SAVEPOINT s3',
      'ROLLBACK',
    ]);
    await compareStats();
  });

  it('TRUNCATE forgets the live and dead counts (and the counts before it)', async () => {
    await script([
      'CREATE TABLE t (a int)',
      'INSERT INTO t SELECT generate_series(1, 5)',
      'DELETE FROM t WHERE a = 1',
      'SELECT pg_stat_force_next_flush()',
      'BEGIN',
      'INSERT INTO t VALUES (6), (7)',
      'TRUNCATE t',
      'INSERT INTO t VALUES (8)',
      'COMMIT',
      'SELECT pg_stat_force_next_flush()',
      'BEGIN',
      'TRUNCATE t',
      'INSERT INTO t VALUES (9)',
      'ROLLBACK',
    ]);
    await compareStats();
  });

  it('VACUUM and ANALYZE set n_live_tup and n_dead_tup and their counts', async () => {
    await script([
      'CREATE TABLE t (id int PRIMARY KEY, v int)',
      'CREATE TABLE u (a int)',
      'INSERT INTO t SELECT i, i FROM generate_series(1, 20) i',
      'INSERT INTO u SELECT generate_series(1, 10)',
      'UPDATE t SET v = 0 WHERE id % 2 = 0',
      'DELETE FROM u WHERE a <= 4',
      'SELECT pg_stat_force_next_flush()',
      'VACUUM t',
      'ANALYZE u',
      'INSERT INTO u VALUES (11)',
      'SELECT pg_stat_force_next_flush()',
      'BEGIN',
      'DELETE FROM u WHERE a = 5',
      'INSERT INTO u VALUES (12), (13)',
      'ANALYZE u',
      'COMMIT',
    ]);
    await compareStats();
  });

  it('bitmap scans count in idx_tup_fetch, index-only scans only their heap fetches', async () => {
    await script([
      'CREATE TABLE t (id int PRIMARY KEY, v int)',
      'INSERT INTO t SELECT i, i % 5 FROM generate_series(1, 40) i',
      'CREATE INDEX t_v ON t (v)',
      'SELECT pg_stat_force_next_flush()',
      'VACUUM t',
      'SET enable_seqscan = off',
      'SET enable_indexscan = off',
      'SELECT count(*) FROM t WHERE v = 3',
      'SET enable_bitmapscan = off',
      'SET enable_indexscan = on',
      'SELECT id FROM t WHERE id BETWEEN 5 AND 9',
      'UPDATE t SET v = 9 WHERE id = 7',
      'SELECT id FROM t WHERE id BETWEEN 5 AND 9',
    ]);
    await compareStats();
  });

  it('pg_stat_reset_single_table_counters and pg_stat_reset', async () => {
    await script([
      'CREATE TABLE t (a int)',
      'CREATE TABLE u (a int)',
      'INSERT INTO t VALUES (1)',
      'INSERT INTO u VALUES (1)',
      'SELECT pg_stat_force_next_flush()',
    ]);
    await compareStats();
    await client.query("SELECT pg_stat_reset_single_table_counters('t'::regclass)");
    await s.query("SELECT pg_stat_reset_single_table_counters('t'::regclass)");
    await compareStats();
    await client.query('SELECT pg_stat_reset()');
    await s.query('SELECT pg_stat_reset()');
    await compareStats();
  });

  // issue 11 (block counters)
  it('block counters: pg_statio_user_tables/indexes and blks_hit have the same shape', async () => {
    await script([
      'CREATE TABLE t (id int PRIMARY KEY, b text)',
      'CREATE TABLE u (a int)',
      "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 50) g",
      'SELECT pg_stat_force_next_flush()',
    ]);
    await client.query('SELECT pg_stat_reset()');
    await s.query('SELECT pg_stat_reset()');
    await script([
      'SELECT count(*) FROM t',
      'SET enable_seqscan = off',
      'SET enable_bitmapscan = off',
      'SELECT b FROM t WHERE id = 7',
      'SELECT pg_stat_force_next_flush()',
    ]);
    const shapes = [
      // the warm cache: every block a hit; u never read; t's TOAST table and its index not read
      'SELECT relname, heap_blks_read, heap_blks_hit > 0, idx_blks_read, idx_blks_hit > 0, toast_blks_read, toast_blks_hit, tidx_blks_read, tidx_blks_hit FROM pg_statio_user_tables ORDER BY relname',
      'SELECT indexrelname, idx_blks_read, idx_blks_hit > 0 FROM pg_statio_user_indexes ORDER BY indexrelname',
      'SELECT blks_hit > 0 FROM pg_stat_database WHERE datname = current_database()',
    ];
    for (const sql of shapes) {
      const theirs = text(
        (await client.query({ text: sql, rowMode: 'array' })).rows as unknown[][],
      );
      const mine = text((await s.query<unknown[]>(sql, [], { rowMode: 'array' })).rows);
      expect(mine).toEqual(theirs);
    }
  });
});
