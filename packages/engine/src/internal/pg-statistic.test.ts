/**
 * pg_statistic as a catalog relation: ANALYZE writes it transactionally
 * (ROLLBACK takes the rows back), it survives a restart of a database with
 * a data directory, and DROP TABLE / DROP COLUMN delete the rows; pg_stats and the planner read it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import { afterEach, describe, expect, it } from 'vitest';

const dirs: string[] = [];
const dbs: Database[] = [];

afterEach(async () => {
  for (const db of dbs.splice(0)) await db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(dataDir?: string): Promise<Session> {
  const db = await Database.open(dataDir === undefined ? {} : { dataDir });
  dbs.push(db);
  return db.connect();
}

async function rows(s: Session, sql: string): Promise<unknown[][]> {
  return (await s.query<unknown[]>(sql, [], { rowMode: 'array' })).rows;
}

const STATS =
  "SELECT staattnum, stanullfrac, stawidth, stadistinct, stakind1, stakind2, stakind3, staop1, staop2, staop3, stacoll1, stacoll2 FROM pg_statistic WHERE starelid = 't'::regclass ORDER BY 1";

async function setup(s: Session): Promise<void> {
  await s.query('CREATE TABLE t (a int, b text, c int)');
  await s.query(
    "INSERT INTO t SELECT i, CASE WHEN i % 4 = 0 THEN NULL ELSE 'v' || (i % 7) END, i % 3 FROM generate_series(1, 1000) i",
  );
}

describe('pg_statistic', () => {
  it('ANALYZE writes one row per column with PostgreSQL stakind and staop numbers', async () => {
    const s = await open();
    await setup(s);
    expect(await rows(s, STATS)).toEqual([]);
    await s.query('ANALYZE t');
    expect(await rows(s, STATS)).toEqual([
      [1, 0, 4, -1, 2, 3, 0, 97, 97, 0, 0, 0],
      [2, 0.25, 3, 7, 1, 3, 0, 98, 664, 0, 100, 100],
      [3, 0, 4, 3, 1, 3, 0, 96, 97, 0, 0, 0],
    ]);
    expect(
      await rows(
        s,
        "SELECT attname, most_common_vals FROM pg_stats WHERE tablename = 't' AND attname = 'c'",
      ),
    ).toEqual([['c', '{1,0,2}']]);
  });

  it('rolls back with the transaction that ran ANALYZE', async () => {
    const s = await open();
    await setup(s);
    await s.query('BEGIN');
    await s.query('ANALYZE t');
    expect((await rows(s, STATS)).length).toBe(3);
    await s.query('ROLLBACK');
    expect(await rows(s, STATS)).toEqual([]);
    expect(await rows(s, "SELECT count(*) FROM pg_stats WHERE tablename = 't'")).toEqual([[0n]]);
  });

  it('survives a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-statistic-'));
    dirs.push(dir);
    let s = await open(dir);
    await setup(s);
    await s.query('ANALYZE t');
    const before = await rows(s, STATS);
    const stats = await rows(
      s,
      "SELECT attname, null_frac, n_distinct, most_common_vals, most_common_freqs, histogram_bounds, correlation FROM pg_stats WHERE tablename = 't' ORDER BY attname",
    );
    expect(before.length).toBe(3);
    await (dbs.pop() as Database).close();
    s = await open(dir);
    expect(await rows(s, STATS)).toEqual(before);
    expect(
      await rows(
        s,
        "SELECT attname, null_frac, n_distinct, most_common_vals, most_common_freqs, histogram_bounds, correlation FROM pg_stats WHERE tablename = 't' ORDER BY attname",
      ),
    ).toEqual(stats);
  });

  it('DROP COLUMN and DROP TABLE delete the rows', async () => {
    const s = await open();
    await setup(s);
    await s.query('ANALYZE t');
    const oid = (await rows(s, "SELECT 't'::regclass::oid"))[0]?.[0];
    await s.query('ALTER TABLE t DROP COLUMN b');
    expect((await rows(s, STATS)).map((r) => r[0])).toEqual([1, 3]);
    await s.query('DROP TABLE t');
    expect(await rows(s, `SELECT count(*) FROM pg_statistic WHERE starelid = ${oid}`)).toEqual([
      [0n],
    ]);
  });

  it('wide values: the MCV list and histogram are shortened so the row fits in a page', async () => {
    const s = await open();
    await s.query('CREATE TABLE big (a text)');
    await s.query(
      'INSERT INTO big SELECT repeat(md5((i % 150)::text), 25) FROM generate_series(1, 3000) i',
    );
    await s.query('ANALYZE big');
    const r = await rows(
      s,
      "SELECT stakind1, stakind2, stakind3 FROM pg_statistic WHERE starelid = 'big'::regclass",
    );
    expect(r).toEqual([[1, 2, 3]]);
    const mcv = await rows(
      s,
      "SELECT array_length(most_common_vals::text[], 1), array_length(most_common_freqs, 1) FROM pg_stats WHERE tablename = 'big'",
    );
    expect(mcv[0]?.[0]).toBeGreaterThan(0);
    expect(mcv[0]?.[0]).toBe(mcv[0]?.[1]);
  });
});
