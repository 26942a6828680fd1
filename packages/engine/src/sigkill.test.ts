/**
 * A real crash test of the engine: a child process opens a data directory
 * with `Database.open({ dataDir })` and runs random transactions through
 * SQL from three sessions at once — single- and multi-row INSERTs,
 * UPDATEs and DELETEs by primary key, by a sequential-scan predicate and
 * by a range of an indexed column, primary-key moves, rows with a few kB
 * of text, savepoints rolled back or released inside committed
 * transactions, rolled-back transactions — and is killed with SIGKILL;
 * the next child opens the directory again (crash recovery) and reports
 * what it finds. After every kill:
 *
 *   - every transaction whose COMMIT the child acknowledged is committed;
 *   - besides those, only a transaction whose COMMIT was sent and not yet
 *     acknowledged when the kill came may be committed (at most one per
 *     session: a session sends its next statement only after COMMIT
 *     returned). Whether it is depends on whether its commit record reached
 *     the disk before the kill, so either outcome is right, but not a
 *     partial one — the table decides, below. A transaction whose COMMIT
 *     was not sent, or that rolled back, must not be committed; nor may
 *     anything committed in an earlier life be lost;
 *   - the rows of t, by a sequential scan, are exactly the replay of the
 *     committed transactions in order (sigkill-workload.mjs), the
 *     statements between a SAVEPOINT and its ROLLBACK TO left out;
 *   - the indexes agree with the heap: every row is found through t_pkey
 *     by its id and through t_v by its v (and nothing else is), ids the
 *     recent transactions wrote that the heap does not show are not found
 *     through t_pkey, and the ledger's primary key agrees with its heap.
 *
 * The committed set is read from a ledger table: every transaction inserts
 * its number there as its first statement, so a transaction is committed
 * exactly when the ledger shows it. Each life is killed after a random
 * number of acknowledged commits and then a few ms, so the work per life
 * does not depend on the machine's speed. In some lives the child first
 * shuts down cleanly and reopens (a shutdown checkpoint mid-life, open
 * transactions rolled back) and the kill may land in the middle of that;
 * every life starts with crash recovery and its end-of-recovery
 * checkpoint (the engine has no CHECKPOINT statement). About one life in
 * five is instead killed a random time under 500 ms after it started,
 * usually in Database.open (crash recovery, its checkpoint) or in the
 * report, before any work: its successor must recover from a recovery cut
 * short, and the lives before it are checked by that successor. Six kills by default
 * (PG_CRASH_RUNS), one data directory throughout; PG_PROPERTY_SEED pins the
 * workload and the schedule. The child runs the built package (dist/), so
 * this test needs a build first; `pnpm test` builds before testing.
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

interface Recovered {
  readonly rows: PrintedRow[];
  readonly ledger: number[];
  readonly plans: Record<string, string>;
  readonly mismatches: string[];
}

interface Life {
  /** null when the kill came before the child reported (during startup) */
  readonly recovered: Recovered | null;
  /** transactions begun, COMMIT sent, COMMIT acknowledged */
  readonly begun: Set<number>;
  readonly sent: Set<number>;
  readonly acks: Set<number>;
  /** it shut down cleanly and reopened before the kill */
  readonly restarted: boolean;
  readonly stderr: string;
}

/**
 * When to kill a life: `ms` after it acknowledged `commits` commits (so the
 * kill lands inside work); `restartAt`: after how many acknowledged commits
 * the child shuts down cleanly and reopens first (-1: it does not);
 * `startupMs`: in some lives, kill it this long after it started instead,
 * usually while Database.open recovers (timed: there is no work to count).
 */
interface KillAt {
  readonly commits: number;
  readonly ms: number;
  readonly restartAt: number;
  readonly startupMs: number | null;
}

function live(
  dir: string,
  first: number,
  seed: number,
  schedule: number,
  killAt: KillAt | null,
): Promise<Life> {
  return new Promise((resolve, reject) => {
    const mode = killAt === null ? 'check' : 'run';
    const restartAt = String(killAt?.restartAt ?? -1);
    const args = [CHILD, dir, mode, String(first), String(seed), String(schedule), restartAt];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let scheduled = false;
    if (killAt?.startupMs != null) {
      scheduled = true;
      setTimeout(() => child.kill('SIGKILL'), killAt.startupMs);
    }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (killAt !== null && !scheduled && out.includes('\nready\n')) {
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
      const begun = new Set<number>();
      const sent = new Set<number>();
      const acks = new Set<number>();
      let restarted = false;
      const lines = out.split('\n');
      lines.pop(); // a line cut by the kill
      for (const line of lines) {
        const [word, a] = line.split(' ');
        if (word === 'recovered') recovered = JSON.parse(line.slice('recovered '.length));
        else if (word === 'begin') begun.add(Number(a));
        else if (word === 'sent') sent.add(Number(a));
        else if (word === 'commit') acks.add(Number(a));
        else if (word === 'restarted') restarted = true;
      }
      if (recovered === null && killAt?.startupMs == null) {
        reject(new Error(`the child reported no recovery:\n${stderr}`));
      } else resolve({ recovered, begun, sent, acks, restarted, stderr });
    });
  });
}

const byId = (a: PrintedRow, b: PrintedRow) => a[0] - b[0];
const printed = (r: Row): PrintedRow => [r.id, digest(r.name), r.v];

describe('engine SIGKILL crash test', () => {
  it(`keeps exactly the committed transactions through ${RUNS} kills`, async () => {
    expect(BUILT, 'the child runs dist/: build @pg/engine and its dependencies first').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'pg-engine-sigkill-'));
    try {
      const seed0 = Number(process.env.PG_PROPERTY_SEED ?? Date.now()) >>> 0 || 1;
      let state = seed0;
      const random = () => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return state / 0x100000000;
      };
      const seen = {
        restarts: 0,
        killedInStartup: 0,
        acks: 0,
        unackedCommitted: 0,
        unackedLost: 0,
        rolledBackTo: 0,
        long: 0,
      };
      let committed = new Set<number>();
      /** the lives since the last report: their acknowledged and in-flight commits are checked by the next */
      let unchecked: Life[] = [];
      let first = 0;
      for (let life = 0; life <= RUNS; life++) {
        const commits = 3 + Math.floor(random() * 50);
        const ms = Math.floor(random() * 30);
        const restartAt = random() < 0.4 ? Math.floor(random() * commits) : -1;
        const startupMs = life > 0 && random() < 0.2 ? Math.floor(random() * 500) : null;
        const killAt = life === RUNS ? null : { commits, ms, restartAt, startupMs };
        const cur = await live(dir, first, seed0, Math.floor(random() * 2 ** 32), killAt);
        const at = `life ${life} (PG_PROPERTY_SEED=${seed0})`;
        expect(cur.stderr, at).toBe('');
        const highest = Math.max(first - 1, ...cur.begun);
        first = (Math.floor(highest / SESSIONS) + 1) * SESSIONS;
        if (cur.recovered === null) {
          seen.killedInStartup++;
          unchecked.push(cur);
          continue;
        }
        const { rows, ledger, plans, mismatches } = cur.recovered;
        expect(plans, `${at}: the checking queries' plans`).toMatchObject({
          seq: 'Seq Scan on t',
          id: expect.stringMatching(/using t_pkey on t|on t_pkey/),
          v: expect.stringMatching(/using t_v on t|on t_v/),
          ledger: expect.stringMatching(/using commits_pkey on commits|on commits_pkey/),
        });
        expect(mismatches, `${at}: the indexes disagree with the heap`).toEqual([]);
        const now = new Set(ledger);
        expect(now.size, `${at}: the ledger shows a transaction twice`).toBe(ledger.length);
        if (life === 0) expect(ledger, `${at}: a new cluster`).toEqual([]);
        for (const n of committed)
          expect(now.has(n), `${at}: ${n} committed, then lost`).toBe(true);
        const allowed = new Set<number>();
        for (const prev of unchecked) {
          for (const n of prev.acks) {
            expect(now.has(n), `${at}: acknowledged ${n} lost`).toBe(true);
            allowed.add(n);
          }
          const inFlight = [...prev.sent].filter((n) => !prev.acks.has(n));
          // the child sends a session's next statement only after COMMIT returned
          const sessions = inFlight.map((n) => n % SESSIONS);
          expect(new Set(sessions).size, `${at}: in flight ${inFlight}`).toBe(sessions.length);
          for (const n of inFlight) {
            allowed.add(n);
            if (now.has(n)) seen.unackedCommitted++;
            else seen.unackedLost++;
          }
          seen.acks += prev.acks.size;
          if (prev.restarted) seen.restarts++;
        }
        for (const n of now) {
          if (committed.has(n)) continue;
          expect(allowed.has(n), `${at}: ${n} committed, its COMMIT never sent`).toBe(true);
        }
        committed = now;
        const model = new Map<number, Row>();
        seen.rolledBackTo = 0;
        for (const n of [...committed].sort((a, b) => a - b)) {
          const { steps, end } = plan(n, seed0);
          expect(end, `${at}: ${n} rolled back, yet committed`).toBe('commit');
          applyCommitted(model, n, seed0);
          if (steps.some((s) => 'op' in s && s.op === 'rollbackTo')) seen.rolledBackTo++;
        }
        expect([...rows].sort(byId), `${at}: the rows of t`).toEqual(
          [...model.values()].map(printed).sort(byId),
        );
        seen.long = Math.max(seen.long, rows.filter((r) => /^\d+:/.test(r[1] ?? '')).length);
        unchecked = [cur];
      }
      console.log(`engine SIGKILL: ${RUNS} kills, ${JSON.stringify(seen)}`);
      expect(seen.acks).toBeGreaterThan(RUNS);
      expect(seen.rolledBackTo).toBeGreaterThan(0);
      expect(seen.long).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
