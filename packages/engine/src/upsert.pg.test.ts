/**
 * INSERT ... ON CONFLICT under concurrency (issue 9), against real
 * PostgreSQL 15: the same two-session scripts on both, and after every
 * step the same outcome — still waiting, done with the same command tag,
 * or failed with the same SQLSTATE and message — and the same committed
 * table at the end (the serial's last value too: a conflicting row still
 * consumes its nextval).
 *
 * Two sessions upserting one key never both insert and never fail with a
 * unique violation: the second waits for the first's transaction (its
 * in-progress entry is seen by the dirty pre-check), then does nothing,
 * updates the committed row, or inserts when the first rolled back;
 * REPEATABLE READ turns a conflict with a row its snapshot cannot see
 * into 40001.
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
  'CREATE TABLE kv (k int PRIMARY KEY, v int NOT NULL, n serial)',
  'INSERT INTO kv (k, v) VALUES (1, 10)',
];
const FINAL = ['SELECT k, v FROM kv ORDER BY k', 'SELECT last_value FROM kv_n_seq'];

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
  await pg.query('DROP TABLE IF EXISTS kv');
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
              r.command === 'INSERT'
                ? `INSERT 0 ${r.rowCount}`
                : ['BEGIN', 'COMMIT', 'ROLLBACK'].includes(r.command)
                  ? r.command
                  : `${r.command} ${r.rowCount}`,
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
      pending.set(st.s, track(s.query(st.sql).then((r) => r.command)));
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

const RC = 'BEGIN';
const RR = 'BEGIN ISOLATION LEVEL REPEATABLE READ';
const NOTHING = (k: number, v: number) =>
  `INSERT INTO kv (k, v) VALUES (${k}, ${v}) ON CONFLICT (k) DO NOTHING`;
const UPDATE = (k: number, v: number) =>
  `INSERT INTO kv (k, v) VALUES (${k}, ${v}) ON CONFLICT (k) DO UPDATE SET v = kv.v + excluded.v`;

const scenarios: [string, Step[]][] = [
  [
    'DO NOTHING twice on a new key; the first commits: the second waits, then inserts nothing',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 1, sql: NOTHING(5, 1) },
      { s: 2, sql: NOTHING(5, 2) },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'DO NOTHING twice on a new key; the first rolls back: the second inserts',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 1, sql: NOTHING(5, 1) },
      { s: 2, sql: NOTHING(5, 2) },
      { s: 1, sql: 'ROLLBACK' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'DO UPDATE twice on a new key; the first commits: the second updates its row',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 1, sql: UPDATE(5, 1) },
      { s: 2, sql: UPDATE(5, 2) },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'DO UPDATE twice on a new key; the first rolls back: the second inserts',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 1, sql: UPDATE(5, 1) },
      { s: 2, sql: UPDATE(5, 2) },
      { s: 1, sql: 'ROLLBACK' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'autocommit DO UPDATE waits for an open one on an existing key, then updates the new version',
    [
      { s: 1, sql: RC },
      { s: 1, sql: UPDATE(1, 1) },
      { s: 2, sql: UPDATE(1, 100) },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'DO UPDATE waits for a plain UPDATE of the row, then updates its result',
    [
      { s: 1, sql: RC },
      { s: 1, sql: 'UPDATE kv SET v = 50 WHERE k = 1' },
      { s: 2, sql: UPDATE(1, 1) },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'DO UPDATE waits for a DELETE of the row; the DELETE commits: it inserts',
    [
      { s: 1, sql: RC },
      { s: 1, sql: 'DELETE FROM kv WHERE k = 1' },
      { s: 2, sql: UPDATE(1, 7) },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'DO NOTHING waits for a DELETE of the row; the DELETE rolls back: nothing inserted',
    [
      { s: 1, sql: RC },
      { s: 1, sql: 'DELETE FROM kv WHERE k = 1' },
      { s: 2, sql: NOTHING(1, 7) },
      { s: 1, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: DO NOTHING on a key committed after the snapshot is 40001',
    [
      { s: 2, sql: RR },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: NOTHING(5, 1) },
      { s: 2, sql: NOTHING(5, 2) },
      { s: 2, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: DO UPDATE waits for a concurrent insert of the key; it commits: 40001',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RR },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: UPDATE(5, 1) },
      { s: 2, sql: UPDATE(5, 2) },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: DO UPDATE waits for a concurrent insert of the key; it rolls back: inserts',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RR },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: UPDATE(5, 1) },
      { s: 2, sql: UPDATE(5, 2) },
      { s: 1, sql: 'ROLLBACK' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'REPEATABLE READ: DO UPDATE of a row updated after the snapshot is 40001',
    [
      { s: 2, sql: RR },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: 'UPDATE kv SET v = 11 WHERE k = 1' },
      { s: 2, sql: UPDATE(1, 1) },
      { s: 2, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: DO UPDATE waits for an open UPDATE of the row; it commits: 40001',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RR },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: 'UPDATE kv SET v = 11 WHERE k = 1' },
      { s: 2, sql: UPDATE(1, 1) },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: DO UPDATE waits for an open DELETE of the row; it commits: inserts',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RR },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: 'DELETE FROM kv WHERE k = 1' },
      { s: 2, sql: UPDATE(1, 1) },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
];

describe('INSERT ... ON CONFLICT under concurrency: the same outcomes as PostgreSQL 15', () => {
  for (const [name, steps] of scenarios) {
    it(name, async () => {
      const theirs = await runOnPostgres(steps);
      const ours = await runHere(steps);
      expect(ours).toEqual(theirs);
    }, 60_000);
  }
});
