/**
 * Real pgbench 15 against the server: `pgbench -i` (drop, create, COPY ...
 * WITH (FREEZE ON), VACUUM ANALYZE, ALTER TABLE ... ADD PRIMARY KEY), then
 * TPC-B-like, select-only and `-M prepared` runs, each checked for exit
 * code 0, no failed transaction, and afterwards pgbench's consistency rule:
 * every transaction adds the same delta to one account, one teller, one
 * branch and one history row, so the sums of abalance, tbalance and
 * bbalance each equal the sum of the history's deltas.
 *
 * PG_SLOW_TESTS=1 adds the longer run: `-i -s 2`, then
 * `-c 8 -j 2 -T 30` of each script.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import { findPostgresBinDir } from '@pg/pg-reference';
import { Server } from '@pg/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PGBENCH = join(findPostgresBinDir(), 'pgbench');
const SLOW = process.env.PG_SLOW_TESTS === '1';

let db: Database;
let server: Server;
let session: Session;

beforeAll(async () => {
  db = await Database.open({});
  server = await Server.start({ database: db, port: 0, listenAddresses: ['127.0.0.1'] });
  session = await db.connect();
}, 60_000);

afterAll(async () => {
  await session?.close();
  await server?.close('fast');
  await db?.close();
});

interface PgbenchRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs pgbench against the server (never throws: the exit code is part of the result). */
function pgbench(args: readonly string[], timeoutMs: number): Promise<PgbenchRun> {
  return new Promise((resolve) => {
    execFile(
      PGBENCH,
      ['-h', '127.0.0.1', '-p', String(server.port), '-U', 'postgres', ...args, 'postgres'],
      { timeout: timeoutMs, env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A run's summary lines: transactions processed and failed, tps. */
function summary(out: string): { processed: number; failed: number; tps: number } {
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
  return {
    processed: num(/number of transactions actually processed: (\d+)/),
    failed: num(/number of failed transactions: (\d+)/),
    tps: num(/tps = ([\d.]+)/),
  };
}

/** The sums pgbench's consistency rule compares, as decimal strings. */
async function sums(): Promise<Record<string, string>> {
  const r = await session.query<Record<string, unknown>>(
    `SELECT (SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts)::text AS accounts,
            (SELECT coalesce(sum(tbalance), 0) FROM pgbench_tellers)::text AS tellers,
            (SELECT coalesce(sum(bbalance), 0) FROM pgbench_branches)::text AS branches,
            (SELECT coalesce(sum(delta), 0) FROM pgbench_history)::text AS history,
            (SELECT count(*) FROM pgbench_history)::text AS transactions`,
  );
  return r.rows[0] as Record<string, string>;
}

async function expectConsistent(): Promise<Record<string, string>> {
  const s = await sums();
  expect(s.accounts).toBe(s.history);
  expect(s.tellers).toBe(s.history);
  expect(s.branches).toBe(s.history);
  return s;
}

/**
 * One timed run: exit code 0, some transactions, none failed, then the
 * consistency check. pgbench truncates pgbench_history before a run (its
 * default, without -n), so afterwards the history holds this run's
 * transactions: one row per committed TPC-B transaction (those pgbench
 * counted, and at most one per client in flight when -T ran out), and each balance
 * sum moved by exactly the sum of their deltas (simple-update, -N, moves
 * accounts only; select-only moves nothing).
 */
async function benchRun(
  args: readonly string[],
  seconds: number,
  script: 'tpcb' | 'simple-update' | 'select-only',
) {
  const start = await sums();
  const run = await pgbench(['-T', String(seconds), ...args], (seconds + 60) * 1000);
  expect(run.stderr).not.toMatch(/error|ERROR|FATAL/);
  expect(run.code).toBe(0);
  const s = summary(run.stdout);
  expect(s.processed).toBeGreaterThan(0);
  expect(s.failed).toBe(0);
  const after = await sums();
  const moved = (k: string) => String(BigInt(after[k] ?? '0') - BigInt(start[k] ?? '0'));
  // a transaction a client had in flight when -T ran out may commit without being counted
  const clients = Number(args[args.indexOf('-c') + 1] ?? 1);
  const rows = Number(after.transactions);
  if (script === 'select-only') expect(rows).toBe(0);
  else {
    expect(rows).toBeGreaterThanOrEqual(s.processed);
    expect(rows).toBeLessThanOrEqual(s.processed + clients);
  }
  expect(moved('accounts')).toBe(after.history);
  expect(moved('tellers')).toBe(script === 'tpcb' ? after.history : '0');
  expect(moved('branches')).toBe(script === 'tpcb' ? after.history : '0');
  return s;
}

async function initialize(scale: number) {
  const run = await pgbench(['-i', '-s', String(scale)], 300_000);
  expect(run.stderr).toMatch(/done in/);
  expect(run.code).toBe(0);
  const r = await session.query<Record<string, unknown>>(
    `SELECT (SELECT count(*) FROM pgbench_accounts)::int AS accounts,
            (SELECT count(*) FROM pgbench_tellers)::int AS tellers,
            (SELECT count(*) FROM pgbench_branches)::int AS branches,
            (SELECT count(*) FROM pgbench_history)::int AS history`,
  );
  expect(r.rows[0]).toEqual({
    accounts: 100_000 * scale,
    tellers: 10 * scale,
    branches: scale,
    history: 0,
  });
  const keys = await session.query(
    `SELECT conname FROM pg_constraint WHERE contype = 'p' AND conname LIKE 'pgbench%' ORDER BY 1`,
  );
  expect(keys.rows.map((x) => (x as { conname: string }).conname)).toEqual([
    'pgbench_accounts_pkey',
    'pgbench_branches_pkey',
    'pgbench_tellers_pkey',
  ]);
  await expectConsistent();
}

describe('pgbench 15 against the server', () => {
  it('pgbench -i -s 1 creates and fills the four tables with their primary keys', async () => {
    await initialize(1);
  }, 300_000);

  it('TPC-B-like: -c 4 -j 2 -T 5, no failures, balances consistent', async () => {
    await benchRun(['-c', '4', '-j', '2'], 5, 'tpcb');
    // the first run after -i: every balance started at 0, so the sums equal the history's outright
    await expectConsistent();
  }, 120_000);

  it('select-only: -S -c 4 -j 2 -T 5', async () => {
    await benchRun(['-S', '-c', '4', '-j', '2'], 5, 'select-only');
  }, 120_000);

  it('TPC-B-like over the extended protocol with prepared statements: -M prepared', async () => {
    await benchRun(['-M', 'prepared', '-c', '4', '-j', '2'], 5, 'tpcb');
  }, 120_000);

  it('select-only with -M extended (unnamed statements)', async () => {
    await benchRun(['-M', 'extended', '-S', '-c', '2'], 3, 'select-only');
  }, 120_000);

  it('simple-update (-N) with -M prepared', async () => {
    await benchRun(['-N', '-M', 'prepared', '-c', '2'], 3, 'simple-update');
  }, 120_000);
});

describe.runIf(SLOW)('pgbench 15, the issue run (PG_SLOW_TESTS=1)', () => {
  it('pgbench -i -s 2', async () => {
    await initialize(2);
  }, 600_000);

  for (const mode of ['simple', 'prepared'] as const) {
    it(`TPC-B-like -c 8 -j 2 -T 30 -M ${mode}`, async () => {
      await benchRun(['-M', mode, '-c', '8', '-j', '2'], 30, 'tpcb');
    }, 300_000);

    it(`select-only -S -c 8 -j 2 -T 30 -M ${mode}`, async () => {
      await benchRun(['-S', '-M', mode, '-c', '8', '-j', '2'], 30, 'select-only');
    }, 300_000);
  }
});
