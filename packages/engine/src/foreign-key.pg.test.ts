/**
 * Foreign keys under concurrency, against real PostgreSQL 15: the same
 * two-session scripts on both, and after every step the same outcome —
 * still waiting, done with the same command tag, or failed with the same
 * SQLSTATE, message and detail — and the same committed tables at the end.
 *
 * The race of issue 9: a DELETE of a referenced row against an INSERT of
 * a row referencing it, in both orders and with both endings. The
 * referencing INSERT locks the referenced row FOR KEY SHARE (RI_FKey_check),
 * so the DELETE waits for it and then finds the new reference (23503), or
 * the INSERT waits for the DELETE and then finds the row gone (23503); an
 * UPDATE of a non-key column does not conflict with KEY SHARE; an ON DELETE
 * CASCADE waits, then deletes the newly committed reference too.
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
  'CREATE TABLE p (id int PRIMARY KEY, name text)',
  'CREATE TABLE c (id int PRIMARY KEY, pid int REFERENCES p)',
  'CREATE TABLE cc (id int PRIMARY KEY, pid int REFERENCES p ON DELETE CASCADE)',
  "INSERT INTO p VALUES (1, 'one'), (2, 'two')",
];
const FINAL = [
  'SELECT id, name FROM p ORDER BY id',
  'SELECT id, pid FROM c ORDER BY id',
  'SELECT id, pid FROM cc ORDER BY id',
];

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
  await pg.query('DROP TABLE IF EXISTS cc, c, p');
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
const scenarios: [string, Step[]][] = [
  [
    'DELETE first, then a referencing INSERT waits; the DELETE commits: 23503',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 1)' },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'ROLLBACK' },
    ],
  ],
  [
    'DELETE first, then a referencing INSERT waits; the DELETE rolls back: the INSERT succeeds',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 1)' },
      { s: 1, sql: 'ROLLBACK' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'INSERT first (FOR KEY SHARE on the parent), then the DELETE waits; the INSERT commits: 23503',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 1)' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 2, sql: 'COMMIT' },
      { s: 1, sql: 'ROLLBACK' },
    ],
  ],
  [
    'INSERT first, then the DELETE waits; the INSERT rolls back: the DELETE succeeds',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 1)' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 2, sql: 'ROLLBACK' },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'autocommit: a DELETE waits for an open referencing INSERT, then fails',
    [
      { s: 2, sql: RC },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 2)' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 2' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'an UPDATE of a non-key column does not wait for KEY SHARE',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 1)' },
      { s: 1, sql: "UPDATE p SET name = 'uno' WHERE id = 1" },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'ON DELETE CASCADE waits for the new reference, then deletes it too',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 2, sql: 'INSERT INTO cc VALUES (20, 1)' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 2, sql: 'COMMIT' },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'REPEATABLE READ: the referenced row deleted by a committed transaction is 40001',
    [
      { s: 2, sql: 'BEGIN ISOLATION LEVEL REPEATABLE READ' },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 2' },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 2)' },
      { s: 2, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: a reference committed after the snapshot still blocks the DELETE',
    [
      { s: 1, sql: 'BEGIN ISOLATION LEVEL REPEATABLE READ' },
      { s: 1, sql: 'SELECT 1' },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 1)' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 1, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: ON DELETE CASCADE over a reference committed after the snapshot',
    [
      { s: 1, sql: 'BEGIN ISOLATION LEVEL REPEATABLE READ' },
      { s: 1, sql: 'SELECT 1' },
      { s: 2, sql: 'INSERT INTO cc VALUES (20, 1)' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 1, sql: 'ROLLBACK' },
    ],
  ],
];

describe('foreign keys under concurrency: the same outcomes as PostgreSQL 15', () => {
  for (const [name, steps] of scenarios) {
    it(name, async () => {
      const theirs = await runOnPostgres(steps);
      const ours = await runHere(steps);
      expect(ours).toEqual(theirs);
    }, 60_000);
  }
});
