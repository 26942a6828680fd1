/**
 * REFRESH MATERIALIZED VIEW while another session reads (issue 9, task G),
 * against real PostgreSQL 15: the same two-session scripts on both, and
 * after every step the same outcome (still waiting, or done with the same
 * rows), and the same contents at the end.
 *
 * A plain REFRESH takes ACCESS EXCLUSIVE, so a reader waits for it and
 * then sees the new contents; REFRESH CONCURRENTLY takes EXCLUSIVE, so a
 * reader goes on and sees the old contents until the refresh commits (or
 * forever, if it rolls back), never a mix; two concurrent refreshes of
 * one view queue on each other.
 */
import { Database, type Session } from '@pg/engine';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Client = Awaited<ReturnType<ReferencePostgres['connect']>>;

/** One statement of one session (1 or 2). */
interface Step {
  readonly s: 1 | 2;
  readonly sql: string;
}

const SETUP = [
  'CREATE TABLE t (a int PRIMARY KEY, b text)',
  "INSERT INTO t VALUES (1, 'one'), (2, 'two')",
  'CREATE MATERIALIZED VIEW mv AS SELECT a, b FROM t',
  'CREATE UNIQUE INDEX mv_a ON mv (a)',
];
const FINAL = ['SELECT a, b FROM mv ORDER BY a'];

let pg: ReferencePostgres;

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function track<T>(p: Promise<T>) {
  const t: { state: 'pending' | 'done' | 'failed'; value?: T; error?: unknown } = {
    state: 'pending',
  };
  p.then(
    (v) => {
      t.state = 'done';
      t.value = v;
    },
    (e) => {
      t.state = 'failed';
      t.error = e;
    },
  );
  return t;
}

const errText = (e: unknown) => {
  const err = e as { code?: string; message: string; detail?: string };
  return `${err.code} ${err.message}${err.detail ? ` / ${err.detail}` : ''}`;
};

type Tracked = ReturnType<typeof track<string>>;

function seenOf(pending: Map<number, Tracked>): string {
  const out: string[] = [];
  for (const [s, p] of [...pending].sort((a, b) => a[0] - b[0])) {
    out.push(
      `${s}: ${p.state === 'pending' ? 'waiting' : p.state === 'done' ? p.value : errText(p.error)}`,
    );
    if (p.state !== 'pending') pending.delete(s);
  }
  return out.join('; ');
}

const rowsText = (rows: readonly (readonly unknown[])[]) =>
  JSON.stringify(rows.map((r) => r.map((v) => (v === null ? null : String(v)))));

async function runOnPostgres(steps: readonly Step[]) {
  await pg.query('DROP TABLE IF EXISTS t CASCADE');
  for (const sql of SETUP) await pg.query(sql);
  const clients = new Map<number, { c: Client; pid: number }>();
  const pending = new Map<number, Tracked>();
  const log: string[] = [];
  const waiting = async (pid: number) => {
    const [row] = await pg.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_locks WHERE pid = $1 AND NOT granted',
      [pid],
    );
    return row!.n !== '0';
  };
  const busy = async () => {
    for (const [s, p] of pending)
      if (p.state === 'pending' && !(await waiting(clients.get(s)!.pid))) return true;
    return false;
  };
  /** Until every statement issued has finished or waits (seen twice, 30 ms apart). */
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
      pending.set(
        st.s,
        track(
          cl.c
            .query(st.sql)
            .then((r) =>
              r.command === 'SELECT'
                ? `SELECT ${rowsText(r.rows.map((x) => Object.values(x)))}`
                : r.command,
            ),
        ),
      );
      await quiet();
      log.push(seenOf(pending));
    }
    const final: string[] = [];
    for (const sql of FINAL) {
      const c = clients.get(1) ?? clients.get(2)!;
      const r = await c.c.query({ text: sql, rowMode: 'array' });
      final.push(rowsText(r.rows as unknown as unknown[][]));
    }
    return { log, final };
  } finally {
    for (const { c } of clients.values()) await c.end();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise<void>((r) => setImmediate(r));
}

async function runHere(steps: readonly Step[]) {
  const db = await Database.open();
  try {
    const setup = await db.connect();
    for (const sql of SETUP) await setup.query(sql);
    const sessions = new Map<number, Session>();
    const pending = new Map<number, Tracked>();
    const log: string[] = [];
    for (const st of steps) {
      let s = sessions.get(st.s);
      if (s === undefined) {
        s = await db.connect();
        sessions.set(st.s, s);
      }
      pending.set(
        st.s,
        track(
          s.query(st.sql, [], { rowMode: 'array' }).then((r) =>
            r.command.startsWith('SELECT')
              ? `SELECT ${rowsText(r.rows as unknown as unknown[][])}`
              : // node-postgres names a command by its first word
                (r.command.split(' ')[0] as string),
          ),
        ),
      );
      await settle();
      log.push(seenOf(pending));
    }
    const final: string[] = [];
    for (const sql of FINAL) {
      const r = await setup.query(sql, [], { rowMode: 'array' });
      final.push(rowsText(r.rows as unknown as unknown[][]));
    }
    return { log, final };
  } finally {
    await db.close();
  }
}

const READ = 'SELECT a, b FROM mv ORDER BY a';
const scenarios: [string, Step[]][] = [
  [
    'CONCURRENTLY: the reader goes on and sees the old rows until the refresh commits',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: "INSERT INTO t VALUES (3, 'three')" },
      { s: 1, sql: "UPDATE t SET b = 'TWO' WHERE a = 2" },
      { s: 1, sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY mv' },
      { s: 2, sql: READ },
      { s: 1, sql: READ },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: READ },
    ],
  ],
  [
    'CONCURRENTLY rolled back: the reader never sees its rows',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: 'DELETE FROM t WHERE a = 1' },
      { s: 1, sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY mv' },
      { s: 2, sql: READ },
      { s: 1, sql: 'ROLLBACK' },
      { s: 2, sql: READ },
    ],
  ],
  [
    'CONCURRENTLY while a reader holds its lock in a transaction: neither waits',
    [
      { s: 2, sql: 'BEGIN' },
      { s: 2, sql: READ },
      { s: 1, sql: "INSERT INTO t VALUES (4, 'four')" },
      { s: 1, sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY mv' },
      { s: 2, sql: READ },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'plain REFRESH: the reader waits, then sees the new rows',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: "INSERT INTO t VALUES (5, 'five')" },
      { s: 1, sql: 'REFRESH MATERIALIZED VIEW mv' },
      { s: 2, sql: READ },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'plain REFRESH waits for a reader in a transaction',
    [
      { s: 2, sql: 'BEGIN' },
      { s: 2, sql: READ },
      { s: 1, sql: 'DELETE FROM t WHERE a = 2' },
      { s: 1, sql: 'REFRESH MATERIALIZED VIEW mv' },
      { s: 2, sql: READ },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'two CONCURRENTLY refreshes queue on each other',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 2, sql: 'BEGIN' },
      { s: 1, sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY mv' },
      { s: 2, sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY mv' },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
];

describe('REFRESH MATERIALIZED VIEW under concurrency, as PostgreSQL 15', () => {
  for (const [name, steps] of scenarios) {
    it(name, async () => {
      const expected = await runOnPostgres(steps);
      const actual = await runHere(steps);
      expect(actual).toEqual(expected);
    }, 60_000);
  }
});
