/**
 * VACUUM FREEZE through real crashes (freeze, issue 11): a child process
 * (wraparound-sigkill-child.mjs) on a cluster initdb'd just below the
 * 32-bit xid wrap updates and inserts rows and runs VACUUM FREEZE in a
 * loop, and is killed with SIGKILL a few milliseconds after a VACUUM
 * FREEZE starts; the next child recovers. After the kills: every
 * acknowledged row is there, the 2000 first rows too, and no tuple on any
 * page of the table holds a normal, unfrozen xmin or xmax older than
 * pg_class.relfrozenxid (relfrozenxid is never ahead of the table, which
 * holds because the freeze records precede the in-place pg_class update in
 * the WAL).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transactionIdIsNormal, transactionIdPrecedes } from '@pg/mvcc';
import { LP_NORMAL, Page } from '@pg/page';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_CRASH_RUNS ?? 1);
const CHILD = fileURLToPath(new URL('./wraparound-sigkill-child.mjs', import.meta.url));
const BUILT = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)));

function live(dir: string, ms: number): Promise<{ ids: number[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let scheduled = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // kill during the first VACUUM FREEZE of this life
      if (!scheduled && out.split('\nv\n').length > 1) {
        scheduled = true;
        setTimeout(() => child.kill('SIGKILL'), ms);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', () => {
      const ids = out
        .split('\n')
        .filter((l) => /^i \d+$/.test(l))
        .map((l) => Number(l.slice(2)));
      resolve({ ids, stderr });
    });
  });
}

const HEAP_XMIN_FROZEN = 0x0300;
const HEAP_XMIN_INVALID = 0x0200;
const HEAP_XMAX_INVALID = 0x0800;
const HEAP_XMAX_IS_MULTI = 0x1000;

describe('VACUUM FREEZE SIGKILL crash test', () => {
  it(`no row lost and relfrozenxid never ahead of the table through ${RUNS} kills`, async () => {
    expect(BUILT, 'the child runs dist/: build @pg/engine and its dependencies first').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'pg-engine-freeze-sigkill-'));
    try {
      const acked = new Set<number>();
      for (let life = 0; life < RUNS; life++) {
        const cur = await live(dir, (life * 7) % 25);
        expect(cur.stderr, `life ${life}`).toBe('');
        for (const id of cur.ids) acked.add(id);
      }
      const { Database } = await import('@pg/engine');
      let db = await Database.open({ dataDir: dir });
      const s = await db.connect();
      const ids = new Set(
        (await s.query<{ id: number }>('SELECT id FROM t')).rows.map((r) => Number(r.id)),
      );
      for (let id = 1; id <= 2000; id++) expect(ids.has(id), `row ${id}`).toBe(true);
      for (const id of acked) expect(ids.has(id), `acknowledged row ${id}`).toBe(true);
      const rel = (
        await s.query<{ f: string; node: number; db: number }>(
          "SELECT relfrozenxid::text AS f, relfilenode AS node, (SELECT oid FROM pg_database WHERE datname = 'postgres') AS db FROM pg_class WHERE relname = 't'",
        )
      ).rows[0];
      const next = (await s.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')).rows[0];
      await db.close();
      // the counter wrapped during the run
      expect(BigInt(next?.x ?? 0) >> 32n).toBe(1n);
      const relfrozenxid = Number(rel?.f);
      const bytes = readFileSync(join(dir, 'base', String(rel?.db), String(rel?.node)));
      let checked = 0;
      for (let off = 0; off < bytes.length; off += 8192) {
        const page = Page.wrap(bytes.subarray(off, off + 8192));
        if (page.isNew()) continue;
        for (let o = 1; o <= page.maxOffsetNumber; o++) {
          if (page.itemId(o).flags !== LP_NORMAL) continue;
          const item = page.mustItem(o);
          const dv = new DataView(item.buffer, item.byteOffset, item.byteLength);
          const xmin = dv.getUint32(0, true);
          const xmax = dv.getUint32(4, true);
          const mask = dv.getUint16(20, true);
          const frozen = (mask & HEAP_XMIN_FROZEN) === HEAP_XMIN_FROZEN;
          if (!frozen && (mask & HEAP_XMIN_INVALID) === 0 && transactionIdIsNormal(xmin))
            expect(
              transactionIdPrecedes(xmin, relfrozenxid),
              `xmin ${xmin} < ${relfrozenxid}`,
            ).toBe(false);
          if (
            (mask & (HEAP_XMAX_INVALID | HEAP_XMAX_IS_MULTI)) === 0 &&
            transactionIdIsNormal(xmax)
          )
            expect(
              transactionIdPrecedes(xmax, relfrozenxid),
              `xmax ${xmax} < ${relfrozenxid}`,
            ).toBe(false);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(2000);
      db = await Database.open({ dataDir: dir });
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
