/**
 * Sequences through real crashes: a child process (sequence-sigkill-child.mjs)
 * takes values from a sequence and from a bigserial column on a data
 * directory and is killed with SIGKILL after a random number of values
 * (plus a few ms); the next child recovers. After every kill no value a
 * committed statement handed out comes back: the sequence's and the
 * column's next values are above every acknowledged one (S2 of
 * src/internal/sequence.ts), the table holds every acknowledged id, and
 * each life's values strictly increase (S1).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_CRASH_RUNS ?? 4);
const CHILD = fileURLToPath(new URL('./sequence-sigkill-child.mjs', import.meta.url));
const BUILT = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)));

interface Life {
  readonly acked: { readonly seq: string; readonly v: bigint }[];
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
      const acked = out
        .split('\n')
        .filter((l) => /^[str] -?\d+$/.test(l))
        .map((l) => ({ seq: l[0] as string, v: BigInt(l.slice(2)) }));
      resolve({ acked, stderr });
    });
  });
}

describe('sequence SIGKILL crash test', () => {
  it(`no acknowledged value is handed out again through ${RUNS} kills`, async () => {
    expect(BUILT, 'the child runs dist/: build @pg/engine and its dependencies first').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'pg-engine-seq-sigkill-'));
    try {
      let maxS = 0n; // the largest value of s a committed statement got
      let maxT = 0n;
      const ids = new Set<bigint>();
      for (let life = 0; life < RUNS; life++) {
        const cur = await live(dir, 20 + ((life * 37) % 200), (life * 13) % 20);
        expect(cur.stderr, `life ${life}`).toBe('');
        let lastS = 0n;
        let lastT = 0n;
        for (const { seq, v } of cur.acked) {
          if (seq === 't') {
            expect(v, `life ${life}: t.id`).toBeGreaterThan(maxT);
            expect(v).toBeGreaterThan(lastT); // S1
            lastT = v;
            ids.add(v);
          } else {
            expect(v, `life ${life}: nextval('s')`).toBeGreaterThan(maxS); // S2
            expect(v).toBeGreaterThan(lastS); // S1
            lastS = v;
          }
        }
        for (const { seq, v } of cur.acked) {
          if (seq === 's' && v > maxS) maxS = v;
          if (seq === 't' && v > maxT) maxT = v;
        }
      }
      // a last life, not killed: every acknowledged row is there
      const { Database } = await import('@pg/engine');
      const db = await Database.open({ dataDir: dir });
      try {
        const s = await db.connect();
        const rows = await s.query('SELECT id FROM t');
        const stored = new Set(rows.rows.map((r) => BigInt((r as { id: bigint }).id)));
        for (const id of ids) expect(stored.has(id), `t.id ${id}`).toBe(true);
        const next = (await s.query("SELECT nextval('s') AS v")).rows[0] as { v: bigint };
        expect(next.v).toBeGreaterThan(maxS);
      } finally {
        await db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
