/**
 * Test helper: the same two-session script on real PostgreSQL 15 and on
 * this engine, and what each step left behind — for every session with a
 * statement in flight, still waiting, done with its command tag (or rows),
 * or failed with SQLSTATE, message and detail — then the committed tables.
 * The concurrency tests (foreign keys, ON CONFLICT, REFRESH MATERIALIZED
 * VIEW CONCURRENTLY) compare the two logs.
 *
 * On PostgreSQL a step is over when every statement issued has finished or
 * waits for a lock (pg_locks, seen twice 30 ms apart); here when a few
 * turns of the event loop have passed, as sessions only interleave at
 * awaits.
 */
import { Database, type QueryResult, type Session } from '@pg/engine';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Client = Awaited<ReturnType<ReferencePostgres['connect']>>;

/** One statement of one session (1, 2 or 3). */
export interface Step {
  readonly s: 1 | 2 | 3;
  readonly sql: string;
  /** issue 9 (ALTER TABLE): milliseconds to let pass before the step's line (a lock_timeout expiring). */
  readonly pause?: number;
}

/** What a script left: one line per step, then the FINAL queries' rows. */
export interface ScriptOutcome {
  readonly log: string[];
  readonly final: string[];
}

/** A node-postgres result, as far as a step's outcome needs it. */
export interface ReferenceResult {
  readonly command: string;
  readonly rowCount: number | null;
  readonly rows: readonly Record<string, unknown>[];
}

export interface TwoSessionOptions {
  /** The reference server (started by the test's beforeAll). */
  readonly reference: () => ReferencePostgres;
  /** Run on PostgreSQL before SETUP, to undo the previous script. */
  readonly reset: string;
  readonly setup: readonly string[];
  /** Queries whose rows end the outcome. */
  readonly final: readonly string[];
  /** A finished statement's outcome on PostgreSQL (default: psql's command tag). */
  readonly referenceTag?: (r: ReferenceResult) => string;
  /** A finished statement's outcome here (default: the command tag); rows come as arrays. */
  readonly engineTag?: (r: QueryResult<unknown[]>) => string;
}

/** psql's tag for a node-postgres result (INSERT has its 0, BEGIN/COMMIT/ROLLBACK no count). */
function psqlTag(r: ReferenceResult): string {
  if (r.command === 'INSERT') return `INSERT 0 ${r.rowCount}`;
  if (['BEGIN', 'COMMIT', 'ROLLBACK'].includes(r.command)) return r.command;
  return `${r.command} ${r.rowCount}`;
}

/** Rows as JSON text, every value as its text (or null). */
export function rowsText(rows: readonly (readonly unknown[])[]): string {
  return JSON.stringify(rows.map((r) => r.map((v) => (v === null ? null : String(v)))));
}

interface Tracked {
  state: 'pending' | 'done' | 'failed';
  value?: string;
  error?: unknown;
}

function track(p: Promise<string>): Tracked {
  const t: Tracked = { state: 'pending' };
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

function errText(e: unknown): string {
  const err = e as { code?: string; message: string; detail?: string };
  return `${err.code} ${err.message}${err.detail ? ` / ${err.detail}` : ''}`;
}

/** The step's line: each session's state; finished statements leave the map. */
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise<void>((r) => setImmediate(r));
}

export function twoSessions(o: TwoSessionOptions) {
  const referenceTag = o.referenceTag ?? psqlTag;
  const engineTag = o.engineTag ?? ((r) => r.command);

  async function runOnPostgres(steps: readonly Step[]): Promise<ScriptOutcome> {
    const pg = o.reference();
    await pg.query(o.reset);
    for (const sql of o.setup) await pg.query(sql);
    const clients = new Map<number, { c: Client; pid: number }>();
    const pending = new Map<number, Tracked>();
    const log: string[] = [];
    const waiting = async (pid: number) => {
      const [row] = await pg.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_locks WHERE pid = $1 AND NOT granted',
        [pid],
      );
      return row?.n !== '0';
    };
    const busy = async () => {
      for (const [s, p] of pending) {
        const pid = clients.get(s)?.pid ?? 0;
        if (p.state === 'pending' && !(await waiting(pid))) return true;
      }
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
          cl = { c, pid: res.rows[0]?.pid ?? 0 };
          clients.set(st.s, cl);
        }
        pending.set(st.s, track(cl.c.query(st.sql).then((r) => referenceTag(r))));
        await quiet();
        if (st.pause !== undefined) {
          await sleep(st.pause);
          await quiet();
        }
        log.push(seenOf(pending));
      }
      const final: string[] = [];
      const any = clients.get(1) ?? clients.get(2);
      if (any === undefined) throw new Error('a script needs at least one step');
      for (const sql of o.final) {
        const r = await any.c.query({ text: sql, rowMode: 'array' });
        final.push(rowsText(r.rows as unknown as unknown[][]));
      }
      return { log, final };
    } finally {
      for (const { c } of clients.values()) await c.end();
    }
  }

  async function runHere(steps: readonly Step[]): Promise<ScriptOutcome> {
    const db = await Database.open();
    try {
      const setup = await db.connect();
      for (const sql of o.setup) await setup.query(sql);
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
          track(s.query<unknown[]>(st.sql, [], { rowMode: 'array' }).then((r) => engineTag(r))),
        );
        await settle();
        if (st.pause !== undefined) {
          await sleep(st.pause);
          await settle();
        }
        log.push(seenOf(pending));
      }
      const final: string[] = [];
      for (const sql of o.final) {
        const r = await setup.query(sql, [], { rowMode: 'array' });
        final.push(rowsText(r.rows as unknown as unknown[][]));
      }
      return { log, final };
    } finally {
      await db.close();
    }
  }

  return { runOnPostgres, runHere };
}

/**
 * Tags that show a SELECT's rows (so the columns a reader saw are compared)
 * and name every other command by its first word, as node-postgres does.
 */
export const SELECT_ROWS_TAGS = {
  referenceTag: (r: ReferenceResult): string =>
    r.command === 'SELECT' ? `SELECT ${rowsText(r.rows.map((x) => Object.values(x)))}` : r.command,
  engineTag: (r: QueryResult<unknown[]>): string =>
    r.command.startsWith('SELECT')
      ? `SELECT ${rowsText(r.rows)}`
      : (r.command.split(' ')[0] as string),
};

/**
 * A test file's whole comparison: PostgreSQL 15 started for the file, and one
 * test per scenario whose log here must equal PostgreSQL's.
 */
export function compareWithPostgres(
  title: string,
  options: Omit<TwoSessionOptions, 'reference'>,
  scenarios: readonly (readonly [string, readonly Step[]])[],
): void {
  let pg: ReferencePostgres | undefined;
  beforeAll(async () => {
    pg = await startReferencePostgres({ extensions: [] });
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
  });
  const { runOnPostgres, runHere } = twoSessions({
    ...options,
    reference: () => pg as ReferencePostgres,
  });
  describe(title, () => {
    for (const [name, steps] of scenarios) {
      it(name, async () => {
        const theirs = await runOnPostgres(steps);
        const ours = await runHere(steps);
        expect(ours).toEqual(theirs);
      }, 60_000);
    }
  });
}
