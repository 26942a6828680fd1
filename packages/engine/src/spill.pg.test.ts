/**
 * Memory bounded by work_mem (issue 8): a sort and a hash join over tables
 * ten times larger than work_mem spill to temporary files — EXPLAIN
 * ANALYZE says so (`Sort Method: external merge  Disk: ...kB`, a hash join
 * with more than one batch) — and return the same rows as real PostgreSQL
 * 15 given the same data and settings. The temporary files are gone
 * afterwards, on a data directory's base/pgsql_tmp.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const WORK_MEM_KB = 64;
/** Rows of about 60 bytes: 12000 of them are ten times 64 kB and more. */
const ROWS = 12_000;

let pg: ReferencePostgres;
let client: Client;
let dir: string;
let db: Database;
let s: Session;

const SETUP = [
  `CREATE TABLE big (id int, grp int, pad text)`,
  `INSERT INTO big SELECT g, (g * 7919) % 1000, repeat('x', 40) || g FROM generate_series(1, ${ROWS}) g`,
  `CREATE TABLE other (id int, label text)`,
  `INSERT INTO other SELECT g, 'label ' || g FROM generate_series(1, ${ROWS}) g`,
  'ANALYZE big',
  'ANALYZE other',
  `SET work_mem = '${WORK_MEM_KB}kB'`,
];

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
  client = await pg.connect();
  dir = mkdtempSync(join(tmpdir(), 'pg-spill-'));
  db = await Database.open({ dataDir: dir });
  s = await db.connect();
  for (const sql of SETUP) {
    await client.query(sql);
    await s.query(sql);
  }
  // no parallel workers and no other join methods: the shapes compared below are PostgreSQL's own
  await client.query('SET max_parallel_workers_per_gather = 0');
}, 120_000);

afterAll(async () => {
  await db?.close();
  await client?.end();
  await pg?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function plan(sql: string): Promise<string> {
  const r = await s.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql}`);
  return r.rows.map((row) => String(Object.values(row)[0])).join('\n');
}

async function rowsOf(sql: string): Promise<{ ours: string[]; theirs: string[] }> {
  const ours = (await s.query(sql)).rows.map((r) => JSON.stringify(Object.values(r).map(String)));
  const theirs = (await client.query(sql)).rows.map((r) =>
    JSON.stringify(Object.values(r as Record<string, unknown>).map(String)),
  );
  return { ours, theirs };
}

function tempFiles(): string[] {
  try {
    return readdirSync(join(dir, 'base', 'pgsql_tmp'));
  } catch {
    return [];
  }
}

describe('work_mem', () => {
  it('a sort ten times larger than work_mem runs as an external merge with the same rows', async () => {
    const sql = 'SELECT id, grp, pad FROM big ORDER BY grp, pad';
    const shown = await plan(sql);
    expect(shown).toMatch(/Sort Method: external merge {2}Disk: \d+kB/);
    const { ours, theirs } = await rowsOf(sql);
    expect(ours.length).toBe(ROWS);
    expect(ours).toEqual(theirs);
    expect(tempFiles()).toEqual([]);
  }, 120_000);

  it('a hash join ten times larger than work_mem uses batches on disk with the same rows', async () => {
    await s.query('SET enable_mergejoin = off');
    await s.query('SET enable_nestloop = off');
    await client.query('SET enable_mergejoin = off');
    await client.query('SET enable_nestloop = off');
    const sql = 'SELECT b.id, b.grp, o.label FROM big b JOIN other o ON o.id = b.id ORDER BY b.id';
    const shown = await plan(sql);
    expect(shown).toMatch(/Hash Join/);
    const batches = /Batches: (\d+)/.exec(shown);
    expect(Number(batches?.[1])).toBeGreaterThan(1);
    const { ours, theirs } = await rowsOf(sql);
    expect(ours.length).toBe(ROWS);
    expect(ours).toEqual(theirs);
    expect(tempFiles()).toEqual([]);
  }, 120_000);

  it('a hash aggregate past work_mem spills and groups as PostgreSQL does', async () => {
    const sql = 'SELECT id % 5000 AS k, count(*), max(pad) FROM big GROUP BY 1 ORDER BY 1';
    const shown = await plan(sql);
    expect(shown).toMatch(/HashAggregate/);
    expect(shown).toMatch(/Batches: \d+ {2}Memory Usage: \d+kB {2}Disk Usage: \d+kB/);
    const { ours, theirs } = await rowsOf(sql);
    expect(ours).toEqual(theirs);
    expect(tempFiles()).toEqual([]);
  }, 120_000);
});
