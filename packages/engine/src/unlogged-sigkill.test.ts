/**
 * issue 9 (H): unlogged tables across a crash. A child process
 * (unlogged-sigkill-child.mjs) fills a logged table and two unlogged ones
 * (one truncated, so on its second relfilenode), checkpoints so their pages
 * reach the files, adds more rows and is killed with SIGKILL. Opening the
 * directory again runs crash recovery and ResetUnloggedRelations:
 *
 *   - the logged table has every committed row;
 *   - the unlogged tables are empty, their indexes valid and empty (an
 *     index scan finds nothing, then finds what is inserted afterwards);
 *   - after a clean shutdown the unlogged rows are kept.
 *
 * The child runs the built package (dist/), so this test needs a build.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./unlogged-sigkill-child.mjs', import.meta.url));
const BUILT = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)));

function fillAndKill(dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', () => resolve(out.includes('ready\n') ? stderr : `not ready: ${stderr}`));
  });
}

describe('unlogged tables and SIGKILL', () => {
  it('crash recovery empties unlogged tables (indexes valid), keeps logged ones; a clean shutdown keeps both', async () => {
    expect(BUILT, 'the child runs dist/: build @pg/engine and its dependencies first').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'pg-engine-unlogged-sigkill-'));
    try {
      expect(await fillAndKill(dir)).toBe('');
      const { Database } = await import('@pg/engine');
      let db = await Database.open({ dataDir: dir });
      try {
        const s = await db.connect();
        const one = async (sql: string) => Object.values((await s.query(sql)).rows[0] as object)[0];
        expect(await one('SELECT count(*) FROM l')).toBe(1000n);
        expect(await one('SELECT sum(length(t)) FROM l')).toBe(
          BigInt(32 * (1000 - 20) + 32 * 300 * 20),
        );
        expect(await one('SELECT count(*) FROM u')).toBe(0n);
        expect(await one('SELECT count(*) FROM w')).toBe(0n);
        expect(await one("SELECT relpersistence FROM pg_class WHERE relname = 'u'")).toBe('u');
        await s.query('SET enable_seqscan = off');
        await s.query('SET enable_bitmapscan = off');
        expect(await one('SELECT count(*) FROM u WHERE id = 7')).toBe(0n);
        expect(await one('SELECT count(*) FROM u WHERE v = 7')).toBe(0n);
        // the emptied relations work: inserts, index scans, unique checks
        await s.query(
          "INSERT INTO u SELECT g, g % 17, repeat('x', CASE WHEN g = 5 THEN 9000 ELSE 3 END) FROM generate_series(1, 300) g",
        );
        await s.query('INSERT INTO w SELECT g FROM generate_series(1, 10) g');
        expect(await one('SELECT count(*) FROM u WHERE id = 7')).toBe(1n);
        expect(await one('SELECT count(*) FROM u WHERE v = 7')).toBe(18n);
        expect(await one('SELECT length(t) FROM u WHERE id = 5')).toBe(9000);
        await expect(s.query('INSERT INTO u VALUES (7, 0, null)')).rejects.toMatchObject({
          code: '23505',
        });
        const plan = (await s.query('EXPLAIN SELECT * FROM u WHERE id = 7')).rows
          .map((r) => Object.values(r as object)[0])
          .join('\n');
        expect(plan).toContain('Index');
      } finally {
        await db.close();
      }
      // the init forks are still there; the data of a clean shutdown is kept
      const dbDirs = readdirSync(join(dir, 'base'));
      const inits = dbDirs.flatMap((d) =>
        readdirSync(join(dir, 'base', d)).filter((f) => f.endsWith('_init')),
      );
      expect(inits.length).toBeGreaterThanOrEqual(4); // u, u_pkey, u_v, w, w_pkey, u's toast and its index
      db = await Database.open({ dataDir: dir });
      try {
        const s = await db.connect();
        const count = (await s.query('SELECT count(*) AS c FROM u')).rows[0] as { c: bigint };
        expect(count.c).toBe(300n);
        const w = (await s.query('SELECT count(*) AS c FROM w')).rows[0] as { c: bigint };
        expect(w.c).toBe(10n);
      } finally {
        await db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
