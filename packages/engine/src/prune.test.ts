/**
 * Pruning on read (heap_page_prune_opt from scans and index fetches) with
 * the horizon of every open transaction's snapshots: an old snapshot keeps
 * the versions it sees, and once it is gone, repeated updates of a row
 * stay on its page (HOT, pruned) instead of growing the table.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let db: Database;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pg-prune-'));
  db = await Database.open({ dataDir: dir });
});

afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The table's size in blocks: its main fork's file (relfilenode = OID here), extended as pages are added. */
async function blocks(s: Session): Promise<number> {
  const rel = (await s.query("SELECT oid FROM pg_class WHERE relname = 't'")).rows[0] as {
    oid: number;
  };
  const db = (await s.query("SELECT oid FROM pg_database WHERE datname = 'postgres'")).rows[0] as {
    oid: number;
  };
  return statSync(join(dir, 'base', String(db.oid), String(rel.oid))).size / 8192;
}

describe('pruning on read', () => {
  it('keeps what an old snapshot sees, and reclaims it once the snapshot is gone', async () => {
    const a = await db.connect();
    const b = await db.connect();
    await a.query('CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL, pad text)');
    for (let id = 1; id <= 30; id++)
      await a.query('INSERT INTO t VALUES ($1, 0, $2)', [id, 'x'.repeat(200)]);

    await a.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    expect((await a.query('SELECT v FROM t WHERE id = 1')).rows).toEqual([{ v: 0 }]);
    for (let i = 1; i <= 200; i++) {
      await b.query('UPDATE t SET v = $1 WHERE id = 1', [i]);
      if (i % 50 === 0) {
        // a's snapshot still sees the first version, through the index and through a scan
        expect((await a.query('SELECT v FROM t WHERE id = 1')).rows).toEqual([{ v: 0 }]);
        expect((await a.query('SELECT sum(v) AS s FROM t')).rows).toEqual([{ s: 0n }]);
      }
    }
    await a.query('COMMIT');
    expect((await a.query('SELECT v FROM t WHERE id = 1')).rows).toEqual([{ v: 200 }]);

    // with no old snapshot left, the versions are pruned as the updates go: the table stops growing
    const before = await blocks(b);
    for (let i = 201; i <= 1200; i++) await b.query('UPDATE t SET v = $1 WHERE id = 1', [i]);
    const after = await blocks(b);
    expect(after).toBeLessThanOrEqual(before + 1);
    expect((await b.query('SELECT v FROM t WHERE id = 1')).rows).toEqual([{ v: 1200 }]);
    expect((await b.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 30n }]);
  });
});
