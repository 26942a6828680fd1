/**
 * Materialized views through real crashes (issue 9, task G): a child
 * process (matview-sigkill-child.mjs) inserts rows into t and refreshes
 * mv = SELECT a FROM t every few rows, plainly or CONCURRENTLY, on a data
 * directory, and is killed with SIGKILL after a random number of lines
 * (plus a few ms); the next child recovers. After every kill mv holds
 * exactly the rows of one refresh: 1..k with k at least the last refresh
 * whose COMMIT returned and at most the last one begun (a refresh in
 * progress is rolled back, or had committed just before the kill), and
 * its unique index finds every row.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_CRASH_RUNS ?? 2);
const CHILD = fileURLToPath(new URL('./matview-sigkill-child.mjs', import.meta.url));
const BUILT = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)));

interface Life {
  readonly lines: { readonly kind: string; readonly a: number }[];
  readonly stderr: string;
}

function live(dir: string, killAfter: number, ms: number): Promise<Life> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let scheduled = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const n = out.split('\n').length - 2;
      if (!scheduled && n >= killAfter) {
        scheduled = true;
        setTimeout(() => child.kill('SIGKILL'), ms);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', () => {
      const lines = out
        .split('\n')
        .filter((l) => /^[ibc] \d+$/.test(l))
        .map((l) => ({ kind: l[0] as string, a: Number(l.slice(2)) }));
      resolve({ lines, stderr });
    });
  });
}

describe('materialized view SIGKILL crash test', () => {
  it(`mv holds one committed refresh's rows through ${RUNS} kills`, async () => {
    expect(BUILT, 'the child runs dist/: build @pg/engine and its dependencies first').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'pg-engine-matview-sigkill-'));
    const { Database } = await import('@pg/engine');
    try {
      let committed = 0; // rows of the last refresh whose COMMIT returned
      let begun = 0;
      for (let life = 0; life < RUNS; life++) {
        const cur = await live(dir, 15 + ((life * 29) % 60), (life * 7) % 15);
        expect(cur.stderr, `life ${life}`).toBe('');
        for (const { kind, a } of cur.lines) {
          if (kind === 'b') begun = a;
          if (kind === 'c') committed = a;
        }
        const db = await Database.open({ dataDir: dir });
        try {
          const s = await db.connect();
          const rows = (await s.query('SELECT a FROM mv ORDER BY a', [], { rowMode: 'array' }))
            .rows as unknown as [number][];
          const k = rows.length;
          expect(
            rows.map((r) => Number(r[0])),
            `life ${life}`,
          ).toEqual(Array.from({ length: k }, (_, i) => i + 1));
          expect(k, `life ${life}: at least the last acknowledged refresh`).toBeGreaterThanOrEqual(
            committed,
          );
          expect(k, `life ${life}: at most the last refresh begun`).toBeLessThanOrEqual(begun);
          if (k > 0) {
            const hit = await s.query(`SELECT count(*)::int AS n FROM mv WHERE a = ${k}`);
            expect((hit.rows[0] as { n: number }).n).toBe(1);
          }
          committed = k; // what the next life starts from
          begun = k;
        } finally {
          await db.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
