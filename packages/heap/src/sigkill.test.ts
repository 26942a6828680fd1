/**
 * A real crash test of the heap with transactions: a child process runs
 * transactions from four concurrent sessions on a data directory on disk
 * (fsync on) — inserts, HOT updates, non-HOT updates, deletes, savepoints
 * rolled back inside committed transactions, rolled-back transactions,
 * opportunistic pruning, checkpoints — and is killed with SIGKILL at a
 * random moment; the next child recovers the directory and reports what a
 * fresh snapshot sees and what the commit log says about the killed
 * child's xids. After every kill:
 *
 *   - every transaction whose COMMIT the child acknowledged is committed;
 *     no rolled-back transaction is, and no rolled-back savepoint's
 *     subtransaction is;
 *   - the committed set is prefix-closed: in each session, a transaction
 *     is committed only if the one before it is (or rolled back on purpose);
 *   - the visible rows are exactly the replay of the committed transactions
 *     (sigkill-workload.mjs), rolled-back savepoints left out.
 *
 * Rows carry a bytea that is often toasted (several kB incompressible, or
 * tens of kB compressible: compressed, then out of line), kept by the HOT
 * update and the key move (the pointer is kept) and changed by the
 * savepoint's update; the child prints each as its length and SHA-256, and
 * they must equal the replayed model's.
 *
 * Six kills by default (PG_CRASH_RUNS), one data directory throughout. The
 * child runs the built packages (dist/), so this test needs a build first;
 * `pnpm test` builds before testing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  applyCommitted,
  digest,
  type PrintedRow,
  plan,
  type Row,
  SESSIONS,
} from './sigkill-workload.mjs';

const RUNS = Number(process.env.PG_CRASH_RUNS ?? 6);
const CHILD = fileURLToPath(new URL('./sigkill-child.mjs', import.meta.url));
const BUILT = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)));
const COMMITTED = 1;
const ABORTED = 2;

interface Recovered {
  readonly rows: PrintedRow[];
  readonly heapOnly: number;
  readonly redirects: number;
  readonly next: number;
  readonly statuses: string;
}

interface Life {
  readonly recovered: Recovered;
  /** transaction number → top-level xid, as assigned */
  readonly xids: Map<number, number>;
  /** transaction number → the savepoint's subtransaction xid */
  readonly subxids: Map<number, number>;
  readonly acks: Set<number>;
  readonly stderr: string;
}

/**
 * When to kill a life: after it acknowledged `commits` commits, `ms` later
 * (so the kill lands inside a transaction). Counting commits rather than
 * time keeps the work per life the same on a slow or loaded machine.
 */
interface KillAt {
  readonly commits: number;
  readonly ms: number;
}

function live(dir: string, first: number, lo: number, killAt: KillAt | null): Promise<Life> {
  return new Promise((resolve, reject) => {
    const mode = killAt === null ? 'check' : 'run';
    const child = spawn(process.execPath, [CHILD, dir, mode, String(first), String(lo)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let scheduled = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (killAt !== null && !scheduled && out.includes('ready\n')) {
        const acked = out.split('\ncommit ').length - 1;
        if (acked >= killAt.commits) {
          scheduled = true;
          setTimeout(() => child.kill('SIGKILL'), killAt.ms);
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', () => {
      let recovered: Recovered | null = null;
      const xids = new Map<number, number>();
      const subxids = new Map<number, number>();
      const acks = new Set<number>();
      const lines = out.split('\n');
      lines.pop(); // a line cut by the kill
      for (const line of lines) {
        const [word, a, b] = line.split(' ');
        if (word === 'recovered') recovered = JSON.parse(line.slice('recovered '.length));
        else if (word === 'x') xids.set(Number(a), Number(b));
        else if (word === 's') subxids.set(Number(a), Number(b));
        else if (word === 'commit') acks.add(Number(a));
      }
      if (recovered === null) reject(new Error(`the child reported no recovery:\n${stderr}`));
      else resolve({ recovered, xids, subxids, acks, stderr });
    });
  });
}

const sortRows = (rows: readonly PrintedRow[]) => [...rows].sort((a, b) => a[0] - b[0]);
const printed = (r: Row): PrintedRow => [r[0], r[1], r[2], digest(r[3])];

describe('heap SIGKILL crash test', () => {
  it(`shows exactly the committed transactions' effects through ${RUNS} kills`, async () => {
    expect(BUILT, 'the child runs dist/: build @pg/heap and its dependencies first').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'pg-heap-sigkill-'));
    try {
      const seed0 = Number(process.env.PG_PROPERTY_SEED ?? Date.now()) >>> 0 || 1;
      let seed = seed0;
      const random = () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed / 0x100000000;
      };
      /** every transaction that got an xid, in order: committed or not, as recovery decided */
      const committed = new Map<number, boolean>();
      const seen = {
        acks: 0,
        committed: 0,
        rolledBackSavepoints: 0,
        heapOnly: 0,
        redirects: 0,
        unacked: 0,
        toasted: 0,
      };
      let prev: Life | null = null;
      let first = 0;
      for (let life = 0; life <= RUNS; life++) {
        const lo = prev === null || prev.xids.size === 0 ? -1 : Math.min(...prev.xids.values());
        // from 100 ms: a toasted workload takes longer to its first commit
        const delay =
          life === RUNS
            ? null
            : { commits: 2 + Math.floor(random() * 10), ms: Math.floor(random() * 40) };
        const cur = await live(dir, first, lo, delay);
        const at = `life ${life} (PG_PROPERTY_SEED=${seed0})`;
        expect(cur.stderr, at).toBe('');
        const { rows, heapOnly, redirects, next, statuses } = cur.recovered;
        seen.heapOnly = Math.max(seen.heapOnly, heapOnly);
        seen.redirects = Math.max(seen.redirects, redirects);
        if (prev !== null) {
          const status = (x: number) => (x >= lo && x < next ? Number(statuses[x - lo]) : 0);
          for (let x = lo; x < next && lo >= 0; x++) {
            // nothing the killed child ran is still running
            expect([COMMITTED, ABORTED], `${at}: xid ${x}`).toContain(status(x));
          }
          const last = new Map<number, boolean>(); // session → its previous transaction committed
          for (const n of [...prev.xids.keys()].sort((a, b) => a - b)) {
            const top = prev.xids.get(n)!;
            const ok = status(top) === COMMITTED;
            const p = plan(n);
            if (prev.acks.has(n)) expect(ok, `${at}: acknowledged ${n} lost`).toBe(true);
            if (ok && !prev.acks.has(n)) seen.unacked++;
            if (p.end === 'rollback') expect(ok, `${at}: rolled-back ${n} committed`).toBe(false);
            if (ok) {
              expect(last.get(p.session) ?? true, `${at}: ${n} committed after a lost one`).toBe(
                true,
              );
            }
            if (p.end === 'commit') last.set(p.session, ok);
            const sub = prev.subxids.get(n);
            if (sub !== undefined) {
              const keep = ok && n % 3 !== 0;
              if (ok && !keep) seen.rolledBackSavepoints++;
              expect(status(sub) === COMMITTED, `${at}: savepoint of ${n}`).toBe(keep);
            }
            committed.set(n, ok);
            if (ok) seen.committed++;
          }
          seen.acks += prev.acks.size;
        }
        const model = new Map<number, Row>();
        for (const n of [...committed.keys()].sort((a, b) => a - b)) {
          if (committed.get(n)) applyCommitted(model, n);
        }
        expect(sortRows(rows), `${at}: the visible rows`).toEqual(
          sortRows([...model.values()].map(printed)),
        );
        seen.toasted = Math.max(
          seen.toasted,
          rows.filter((r) => r[3] !== null && Number(r[3].split(':')[0]) > 2000).length,
        );
        const highest = Math.max(first - 1, ...cur.xids.keys());
        first = (Math.floor(highest / SESSIONS) + 1) * SESSIONS;
        prev = cur;
      }
      expect(seen.acks).toBeGreaterThan(RUNS);
      expect(seen.rolledBackSavepoints).toBeGreaterThan(0);
      expect(seen.heapOnly).toBeGreaterThan(0);
      expect(seen.redirects).toBeGreaterThan(0);
      expect(seen.toasted).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
