/**
 * A real crash test: a child process commits changes from four concurrent
 * sessions to a data directory on disk (fsync on) and is killed with
 * SIGKILL at a random moment; the next child recovers the directory and
 * reports the pages it finds. Every change the killed child had
 * acknowledged (its WAL flush returned) must be there, and the pages must
 * be exactly the result of some prefix of the change sequence. Twelve kills
 * by default (PG_CRASH_RUNS), one data directory throughout, so recovery
 * also runs over WAL written after earlier recoveries.
 *
 * The child runs the built package (dist/), so this test needs a build
 * first; `pnpm test` builds before testing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_CRASH_RUNS ?? 12);
const CHILD = fileURLToPath(new URL('./sigkill-child.mjs', import.meta.url));
const BUILT = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)));
const BLOCKS = 40;
const SLOTS = 8;

/** The pages after the first k changes, and how many pages those changes initialise. */
function expected(k: number): number[][] {
  const pages: number[][] = [];
  for (let i = 0; i < k; i++) {
    const block = (i * 7) % BLOCKS;
    while (pages.length <= block) pages.push(new Array<number>(SLOTS).fill(0));
    pages[block]![i % SLOTS] = i + 1;
  }
  return pages;
}

interface Life {
  readonly recovered: { records: number; pages: number[][] };
  readonly acks: number[];
  readonly stderr: string;
}

function live(dir: string, killAfterMs: number | null): Promise<Life> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, killAfterMs === null ? 'check' : 'run'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let recovered: Life['recovered'] | null = null;
    let scheduled = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (recovered === null) {
        const line = out.split('\n').find((l) => l.startsWith('recovered '));
        if (line) recovered = JSON.parse(line.slice('recovered '.length));
      }
      if (killAfterMs !== null && !scheduled && out.includes('ready\n')) {
        scheduled = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', () => {
      if (recovered === null) {
        reject(new Error(`the child reported no recovery:\n${stderr}`));
        return;
      }
      const acks = out
        .split('\n')
        .filter((l) => l.startsWith('ack '))
        .map((l) => Number(l.slice(4)));
      resolve({ recovered, acks, stderr });
    });
  });
}

function check(pages: number[][], maxAcked: number, life: number): number {
  let k = 0;
  for (const p of pages) for (const v of p) k = Math.max(k, v);
  expect(k, `life ${life}: change ${maxAcked} was acknowledged but is missing`).toBeGreaterThan(
    maxAcked,
  );
  const want = expected(k);
  expect(pages.slice(0, want.length), `life ${life}: pages after ${k} changes`).toEqual(want);
  // Pages initialised by records that survived without the change that needed them are empty.
  for (const p of pages.slice(want.length)) expect(p).toEqual(new Array<number>(SLOTS).fill(0));
  return k;
}

describe('SIGKILL crash test', () => {
  it(`keeps every acknowledged commit through ${RUNS} kills at random moments`, async () => {
    expect(BUILT, 'the child runs dist/: build @pg/storage first (pnpm test does)').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'pg-storage-sigkill-'));
    try {
      let maxAcked = -1;
      let seed = Number(process.env.PG_PROPERTY_SEED ?? Date.now()) >>> 0 || 1;
      const random = () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed / 0x100000000;
      };
      let totalAcks = 0;
      for (let life = 0; life < RUNS; life++) {
        const delay = Math.floor(random() * 250);
        const { recovered, acks, stderr } = await live(dir, delay);
        check(recovered.pages, maxAcked, life);
        expect(stderr).toBe('');
        for (const a of acks) maxAcked = Math.max(maxAcked, a);
        totalAcks += acks.length;
      }
      const last = await live(dir, null);
      check(last.recovered.pages, maxAcked, RUNS);
      expect(totalAcks).toBeGreaterThan(RUNS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
