/**
 * Row locks against real PostgreSQL 15: the tuple lock-mode conflict table
 * (every pair, the second locker with NOWAIT), and scripts of statements
 * from two or three sessions (one connection each there) showing after
 * every step the same outcome — still waiting, done with the same rows, or
 * failed with the same SQLSTATE and message — and the same committed
 * table at the end: NOWAIT, SKIP LOCKED, waits ended by COMMIT and
 * ROLLBACK, UPDATE waiting for a lock, a locker following an update chain.
 * Pairs where PostgreSQL lets both transactions hold the row (a multixact)
 * are left out of the scripts: here they raise 0A000.
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RowLockStrength, tupleLockConflicts } from './internal/rowlock.js';
import { sessionSetup, settle, track } from './internal/session-harness.js';

type Client = Awaited<ReturnType<ReferencePostgres['connect']>>;

type Step =
  | { s: number; op: 'begin'; iso: 'read committed' | 'repeatable read' }
  | {
      s: number;
      op: 'lock';
      key?: number;
      v?: number;
      mode: RowLockStrength;
      wait?: 'nowait' | 'skip';
    }
  | { s: number; op: 'update'; key: number; d: number }
  | { s: number; op: 'commit' | 'rollback' };

type Seen = Record<number, string>;

let pg: ReferencePostgres;

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
  await pg.query('CREATE TABLE t (k int PRIMARY KEY, v int)');
});

afterAll(async () => {
  await pg?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const keysText = (rows: readonly (readonly unknown[])[]) =>
  JSON.stringify([...rows].map((r) => [Number(r[0]), Number(r[1])]).sort((a, b) => a[0]! - b[0]!));
const errText = (e: unknown) => {
  const err = e as { code?: string; message: string };
  return `${err.code} ${err.message}`;
};

function lockSql(st: Extract<Step, { op: 'lock' }>): string {
  const where =
    st.key !== undefined ? `WHERE k = ${st.key}` : st.v !== undefined ? `WHERE v = ${st.v}` : '';
  const wait = st.wait === 'nowait' ? ' NOWAIT' : st.wait === 'skip' ? ' SKIP LOCKED' : '';
  return `SELECT k, v FROM t ${where} FOR ${st.mode.toUpperCase()}${wait}`;
}

async function runOnPostgres(initial: [number, number][], steps: readonly Step[]) {
  await pg.query('TRUNCATE t');
  for (const [k, v] of initial) await pg.query('INSERT INTO t VALUES ($1, $2)', [k, v]);
  const clients = new Map<number, { c: Client; pid: number }>();
  const pending = new Map<number, ReturnType<typeof track<string>>>();
  const log: Seen[] = [];
  const waiting = async (pid: number) => {
    const [row] = await pg.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_locks WHERE pid = $1 AND NOT granted',
      [pid],
    );
    return row!.n !== '0';
  };
  const busy = async () => {
    for (const [s, p] of pending)
      if (p.state() === 'pending' && !(await waiting(clients.get(s)!.pid))) return true;
    return false;
  };
  // Quiet: every statement finished or waits on a lock — seen twice, 30 ms apart, because a
  // waiter woken by a commit can briefly wait on the next lock of its chain (a tuple lock)
  // before it goes on; one look on a loaded machine could take that moment for a real wait.
  const quiet = async () => {
    for (let i = 0; i < 400; i++) {
      if (!(await busy())) {
        await sleep(30);
        if (!(await busy())) return;
      }
      await sleep(5);
    }
    throw new Error('a statement neither finished nor waited');
  };
  try {
    for (const st of steps) {
      let cl = clients.get(st.s);
      if (cl === undefined) {
        const c = await pg.connect();
        const res = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        cl = { c, pid: res.rows[0]!.pid };
        clients.set(st.s, cl);
      }
      const c = cl.c;
      const run = async (): Promise<string> => {
        switch (st.op) {
          case 'begin':
            await c.query(`BEGIN ISOLATION LEVEL ${st.iso.toUpperCase()}`);
            return 'ok';
          case 'lock':
            return keysText((await c.query({ text: lockSql(st), rowMode: 'array' })).rows);
          case 'update':
            return `${(await c.query('UPDATE t SET v = v + $2 WHERE k = $1', [st.key, st.d])).rowCount}`;
          case 'commit':
            return (await c.query('COMMIT')).command;
          case 'rollback':
            await c.query('ROLLBACK');
            return 'ok';
        }
      };
      pending.set(st.s, track(run()));
      await quiet();
      const seen: Seen = {};
      for (const [s, p] of pending) {
        seen[s] =
          p.state() === 'pending' ? 'waiting' : p.state() === 'done' ? p.value! : errText(p.error);
        if (p.state() !== 'pending') pending.delete(s);
      }
      log.push(seen);
    }
    const final = await pg.query<{ k: number; v: number }>('SELECT k, v FROM t');
    return { log, final: keysText(final.map((r) => [r.k, r.v])) };
  } finally {
    for (const { c } of clients.values()) await c.end();
  }
}

async function runHere(initial: [number, number][], steps: readonly Step[]) {
  const { table } = sessionSetup();
  const locker = table;
  table.begin(9, 'read committed');
  for (const r of initial) table.insert(9, r);
  await table.commit(9);
  const pending = new Map<number, ReturnType<typeof track<string>>>();
  const log: Seen[] = [];
  for (const st of steps) {
    const s = st.s;
    const run = async (): Promise<string> => {
      switch (st.op) {
        case 'begin':
          table.begin(s, st.iso);
          return 'ok';
        case 'lock': {
          const rows = await locker.lockRows(
            s,
            (v) =>
              (st.key === undefined || v[0] === st.key) && (st.v === undefined || v[1] === st.v),
            st.mode,
            { nowait: st.wait === 'nowait', skipLocked: st.wait === 'skip' },
          );
          return keysText(rows.map((r) => r.values));
        }
        case 'update':
          return `${await table.update(
            s,
            (v) => v[0] === st.key,
            (v) => [v[0], (v[1] as number) + st.d],
          )}`;
        case 'commit':
          return await table.commit(s);
        case 'rollback':
          table.rollback(s);
          return 'ok';
      }
    };
    pending.set(s, track(run()));
    await settle();
    const seen: Seen = {};
    for (const [sn, p] of pending) {
      seen[sn] =
        p.state() === 'pending' ? 'waiting' : p.state() === 'done' ? p.value! : errText(p.error);
      if (p.state() !== 'pending') pending.delete(sn);
    }
    log.push(seen);
  }
  table.begin(9, 'read committed');
  const final = keysText(table.read(9, () => true).map((r) => r.values));
  table.rollback(9);
  return { log, final };
}

const RC = 'read committed' as const;
const RR = 'repeatable read' as const;
const MODES: readonly RowLockStrength[] = ['key share', 'share', 'no key update', 'update'];

describe('the tuple lock-mode conflict table, on PostgreSQL 15', () => {
  it('the second locker (NOWAIT) fails with 55P03 exactly where tupleLockConflicts says', async () => {
    for (const held of MODES) {
      for (const asked of MODES) {
        const { log } = await runOnPostgres(
          [[1, 10]],
          [
            { s: 1, op: 'begin', iso: RC },
            { s: 2, op: 'begin', iso: RC },
            { s: 1, op: 'lock', key: 1, mode: held },
            { s: 2, op: 'lock', key: 1, mode: asked, wait: 'nowait' },
            { s: 1, op: 'rollback' },
            { s: 2, op: 'rollback' },
          ],
        );
        expect(log[3]![2], `${held} / ${asked}`).toBe(
          tupleLockConflicts(held, asked)
            ? '55P03 could not obtain lock on row in relation "t"'
            : '[[1,10]]',
        );
      }
    }
  });
});

const scenarios: [string, [number, number][], Step[]][] = [
  [
    'FOR UPDATE; NOWAIT gets 55P03; SKIP LOCKED gets the other rows; after COMMIT the row',
    [
      [1, 10],
      [2, 20],
      [3, 30],
    ],
    [
      { s: 1, op: 'begin', iso: RC },
      { s: 1, op: 'lock', key: 1, mode: 'update' },
      { s: 2, op: 'begin', iso: RC },
      { s: 2, op: 'lock', mode: 'update', wait: 'nowait' },
      { s: 2, op: 'rollback' },
      { s: 2, op: 'begin', iso: RC },
      { s: 2, op: 'lock', mode: 'update', wait: 'skip' },
      { s: 2, op: 'rollback' },
      { s: 1, op: 'commit' },
      { s: 2, op: 'begin', iso: RC },
      { s: 2, op: 'lock', mode: 'update', wait: 'nowait' },
      { s: 2, op: 'commit' },
    ],
  ],
  [
    'a FOR SHARE waiter is woken by COMMIT, a FOR NO KEY UPDATE waiter by ROLLBACK',
    [
      [1, 10],
      [2, 20],
    ],
    [
      { s: 1, op: 'begin', iso: RC },
      { s: 1, op: 'lock', key: 1, mode: 'update' },
      { s: 2, op: 'begin', iso: RC },
      { s: 2, op: 'lock', mode: 'share' },
      { s: 1, op: 'commit' },
      { s: 2, op: 'commit' },
      { s: 1, op: 'begin', iso: RC },
      { s: 1, op: 'lock', key: 2, mode: 'share' },
      { s: 3, op: 'begin', iso: RC },
      { s: 3, op: 'lock', key: 2, mode: 'no key update' },
      { s: 1, op: 'rollback' },
      { s: 3, op: 'commit' },
    ],
  ],
  [
    'a FOR UPDATE lock blocks an UPDATE until COMMIT',
    [[1, 10]],
    [
      { s: 1, op: 'begin', iso: RC },
      { s: 1, op: 'lock', key: 1, mode: 'update' },
      { s: 2, op: 'begin', iso: RC },
      { s: 2, op: 'update', key: 1, d: 5 },
      { s: 1, op: 'commit' },
      { s: 2, op: 'commit' },
    ],
  ],
  [
    'READ COMMITTED: a locker waiting on an UPDATE locks the new version, or skips it when it no longer matches',
    [
      [1, 10],
      [2, 20],
    ],
    [
      { s: 1, op: 'begin', iso: RC },
      { s: 1, op: 'update', key: 1, d: 1 },
      { s: 2, op: 'begin', iso: RC },
      { s: 2, op: 'lock', key: 1, mode: 'share' },
      { s: 3, op: 'begin', iso: RC },
      { s: 3, op: 'lock', v: 10, mode: 'update' },
      { s: 1, op: 'commit' },
      { s: 2, op: 'commit' },
      { s: 3, op: 'commit' },
    ],
  ],
  [
    'REPEATABLE READ: a lock on a row updated meanwhile is 40001',
    [[1, 10]],
    [
      { s: 1, op: 'begin', iso: RR },
      { s: 1, op: 'lock', key: 1, mode: 'key share' },
      { s: 1, op: 'commit' },
      { s: 2, op: 'begin', iso: RR },
      { s: 2, op: 'lock', key: 2, mode: 'key share' },
      { s: 3, op: 'begin', iso: RC },
      { s: 3, op: 'update', key: 1, d: 1 },
      { s: 3, op: 'commit' },
      { s: 2, op: 'lock', key: 1, mode: 'share' },
      { s: 2, op: 'rollback' },
    ],
  ],
];

describe('row lock scripts, step by step as on PostgreSQL 15', () => {
  for (const [name, initial, steps] of scenarios) {
    it(name, async () => {
      const there = await runOnPostgres(initial, steps);
      const here = await runHere(initial, steps);
      expect(here).toEqual(there);
    });
  }
});
