/**
 * The lock manager against real PostgreSQL 15, two and three connections
 * at a time (deadlock_timeout = 50ms there):
 *
 * 1. Every pair of the eight table lock modes: one session holds a mode
 *    (LOCK TABLE t IN ... MODE, shown by pg_locks under our name for it),
 *    another asks for a mode with NOWAIT; PostgreSQL grants it or fails
 *    with 55P03 `could not obtain lock on relation "t"` exactly when our
 *    NOWAIT does, with the same text.
 * 1b. lock_timeout (55P03 `canceling statement due to lock timeout`) and
 *    SELECT ... FOR UPDATE NOWAIT on a row another transaction updated
 *    (55P03 `could not obtain lock on row in relation "r"`).
 * 2. A two-session deadlock over two tables: the session that waited last
 *    gets 40P01; our manager, given the same processes, OIDs and order of
 *    events, fails the same one with the same message, DETAIL and HINT.
 * 3. A three-session deadlock over row updates (each waits for ShareLock on
 *    the next one's transaction): the same, with the real pids and xids.
 * 4. A lock upgrade that meets a waiter (both hold ACCESS SHARE, both ask
 *    for ACCESS EXCLUSIVE): PostgreSQL fails the second at once, without
 *    waiting for deadlock_timeout, as ProcSleep does here.
 * 5. PostgreSQL's isolation specs for soft deadlocks (deadlock-soft,
 *    deadlock-soft-2, per-session deadlock_timeout) and a hard one of four
 *    processes (deadlock-hard's shape with four): after every step, which
 *    session is still waiting, which finished and with which SQLSTATE, is
 *    the same here as there; the queue is reordered instead of a victim
 *    chosen exactly when PostgreSQL does it.
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockManager } from './internal/lock.js';
import { ManualClock } from './internal/lock-clock.js';
import {
  LOCK_MODES,
  LockMode,
  lockModeFromSql,
  lockModeName,
  lockModeSqlName,
  relationLockTag,
  transactionLockTag,
} from './internal/lock-modes.js';

type Client = Awaited<ReturnType<ReferencePostgres['connect']>>;

let pg: ReferencePostgres;
let dbOid: number;

beforeAll(async () => {
  pg = await startReferencePostgres({
    extensions: [],
    settings: { deadlock_timeout: '50ms' },
  });
  await pg.query('CREATE TABLE t (a int); CREATE TABLE t1 (a int); CREATE TABLE t2 (a int)');
  await pg.query('CREATE TABLE r (id int PRIMARY KEY, v int)');
  await pg.query('INSERT INTO r VALUES (1, 0), (2, 0), (3, 0)');
  const [row] = await pg.query<{ oid: number }>(
    'SELECT oid FROM pg_database WHERE datname = current_database()',
  );
  dbOid = row!.oid;
});

afterAll(async () => {
  await pg?.stop();
});

async function relOid(name: string): Promise<number> {
  const [row] = await pg.query<{ oid: number }>('SELECT $1::regclass::oid AS oid', [name]);
  return row!.oid;
}

async function pidOf(c: Client): Promise<number> {
  const res = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return res.rows[0]!.pid;
}

async function outcome(
  p: Promise<unknown>,
): Promise<{ code?: string; message?: string; detail?: string; hint?: string }> {
  try {
    await p;
    return {};
  } catch (e) {
    const err = e as { code?: string; message: string; detail?: string; hint?: string };
    const out: { code?: string; message?: string; detail?: string; hint?: string } = {
      message: err.message,
    };
    if (err.code !== undefined) out.code = err.code;
    if (err.detail !== undefined) out.detail = err.detail;
    if (err.hint !== undefined) out.hint = err.hint;
    return out;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `pid` waits for a lock (pg_locks shows an ungranted row). */
async function untilWaiting(pid: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const [row] = await pg.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_locks WHERE pid = $1 AND NOT granted',
      [pid],
    );
    if (row!.n !== '0') return;
    await sleep(5);
  }
  throw new Error(`process ${pid} never waited`);
}

describe('against PostgreSQL 15', () => {
  it('every pair of table lock modes: NOWAIT grants or fails as PostgreSQL does, with its text', async () => {
    const a = await pg.connect();
    const b = await pg.connect();
    const tOid = await relOid('t');
    const aPid = await pidOf(a);
    try {
      for (const held of LOCK_MODES) {
        await a.query('BEGIN');
        await a.query(`LOCK TABLE t IN ${lockModeSqlName(held)} MODE`);
        const modes = await pg.query<{ mode: string }>(
          "SELECT mode FROM pg_locks WHERE locktype = 'relation' AND relation = $1 AND pid = $2",
          [tOid, aPid],
        );
        expect(modes.map((r) => r.mode)).toEqual([lockModeName(held)]);
        for (const requested of LOCK_MODES) {
          await b.query('BEGIN');
          const theirs = await outcome(
            b.query(`LOCK TABLE t IN ${lockModeSqlName(requested)} MODE NOWAIT`),
          );
          await b.query('ROLLBACK');
          const mgr = new LockManager({ clock: new ManualClock() });
          const tag = relationLockTag(dbOid, tOid);
          await mgr.acquire(1, tag, held);
          const ours = await outcome(
            mgr.acquire(2, tag, requested, { nowait: true, relationName: 't' }),
          );
          expect(ours, `${lockModeName(held)} held, ${lockModeName(requested)} requested`).toEqual(
            theirs,
          );
        }
        await a.query('ROLLBACK');
      }
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('lock_timeout and a row NOWAIT fail with the same SQLSTATE and text', async () => {
    const a = await pg.connect();
    const b = await pg.connect();
    try {
      const tOid = await relOid('t');
      await a.query('BEGIN');
      await a.query('LOCK TABLE t IN EXCLUSIVE MODE');
      await a.query('UPDATE r SET v = v WHERE id = 1');
      const res = await a.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      const xid = Number(res.rows[0]!.xid);
      await b.query('BEGIN');
      await b.query("SET LOCAL lock_timeout = '50ms'");
      const timedOut = await outcome(b.query('LOCK TABLE t IN ROW SHARE MODE'));
      await b.query('ROLLBACK');
      await b.query('BEGIN');
      const rowNowait = await outcome(b.query('SELECT * FROM r WHERE id = 1 FOR UPDATE NOWAIT'));
      await b.query('ROLLBACK');
      await a.query('ROLLBACK');
      expect(timedOut.code).toBe('55P03');
      expect(rowNowait.code).toBe('55P03');

      const clock = new ManualClock();
      const mgr = new LockManager({ clock, lockTimeoutMs: 50 });
      await mgr.acquire(1, relationLockTag(dbOid, tOid), LockMode.ExclusiveLock);
      await mgr.acquire(1, transactionLockTag(xid), LockMode.ExclusiveLock);
      const ours = outcome(mgr.acquire(2, relationLockTag(dbOid, tOid), LockMode.RowShareLock));
      clock.advance(50);
      expect(await ours).toEqual(timedOut);
      // FOR UPDATE NOWAIT meets the updater's xid: a ShareLock on its transaction, not waited for
      expect(
        await outcome(
          mgr.acquire(2, transactionLockTag(xid), LockMode.ShareLock, {
            nowait: true,
            relationName: 'r',
          }),
        ),
      ).toEqual(rowNowait);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('two sessions, two tables: the same victim, message, DETAIL and HINT', async () => {
    const a = await pg.connect();
    const b = await pg.connect();
    try {
      const [aPid, bPid, t1, t2] = [
        await pidOf(a),
        await pidOf(b),
        await relOid('t1'),
        await relOid('t2'),
      ];
      await a.query('BEGIN');
      await b.query('BEGIN');
      await a.query('LOCK TABLE t1 IN ACCESS EXCLUSIVE MODE');
      await b.query('LOCK TABLE t2 IN ACCESS EXCLUSIVE MODE');
      const aWait = outcome(a.query('LOCK TABLE t2 IN ROW EXCLUSIVE MODE'));
      await untilWaiting(aPid);
      await sleep(200); // a's deadlock check has run and found nothing
      const bWait = outcome(b.query('LOCK TABLE t1 IN SHARE MODE'));
      const bResult = await bWait;
      await b.query('ROLLBACK');
      const aResult = await aWait;
      await a.query('ROLLBACK');
      expect(bResult.code).toBe('40P01');
      expect(aResult).toEqual({});

      const clock = new ManualClock();
      const mgr = new LockManager({ clock, deadlockTimeoutMs: 50 });
      await mgr.acquire(aPid, relationLockTag(dbOid, t1), LockMode.AccessExclusiveLock);
      await mgr.acquire(bPid, relationLockTag(dbOid, t2), LockMode.AccessExclusiveLock);
      const ourA = outcome(
        mgr.acquire(aPid, relationLockTag(dbOid, t2), LockMode.RowExclusiveLock),
      );
      clock.advance(200);
      const ourB = outcome(mgr.acquire(bPid, relationLockTag(dbOid, t1), LockMode.ShareLock));
      clock.advance(50);
      expect(await ourB).toEqual(bResult);
      mgr.releaseAll(bPid);
      expect(await ourA).toEqual({});
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('three sessions waiting for each other\u2019s transactions: the same DETAIL', async () => {
    const cs = [await pg.connect(), await pg.connect(), await pg.connect()];
    try {
      const pids: number[] = [];
      const xids: number[] = [];
      for (const [i, c] of cs.entries()) {
        pids.push(await pidOf(c));
        await c.query('BEGIN');
        await c.query('UPDATE r SET v = v + 1 WHERE id = $1', [i + 1]);
        const res = await c.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
        xids.push(Number(res.rows[0]!.xid));
      }
      const waits: Array<Promise<{ code?: string; detail?: string }>> = [];
      for (const [i, c] of cs.entries()) {
        // session i updates the row of session i+1 and waits for its transaction
        waits.push(outcome(c.query('UPDATE r SET v = v + 1 WHERE id = $1', [((i + 1) % 3) + 1])));
        await untilWaiting(pids[i]!);
        await sleep(200);
      }
      const victim = await waits[2]!;
      await cs[2]!.query('ROLLBACK');
      expect(victim.code).toBe('40P01');
      expect(await waits[1]).toEqual({});
      await cs[1]!.query('COMMIT');
      expect(await waits[0]).toEqual({});
      await cs[0]!.query('COMMIT');

      const clock = new ManualClock();
      const mgr = new LockManager({ clock, deadlockTimeoutMs: 50 });
      for (const [i, pid] of pids.entries()) {
        await mgr.acquire(pid, transactionLockTag(xids[i]!), LockMode.ExclusiveLock);
      }
      const ours: Array<Promise<{ code?: string; detail?: string }>> = [];
      for (const [i, pid] of pids.entries()) {
        ours.push(
          outcome(mgr.acquire(pid, transactionLockTag(xids[(i + 1) % 3]!), LockMode.ShareLock)),
        );
        clock.advance(200);
      }
      expect(await ours[2]).toEqual(victim);
    } finally {
      for (const c of cs) await c.end();
    }
  });

  it('a lock upgrade that meets a waiter fails at once, as here', async () => {
    const a = await pg.connect();
    const b = await pg.connect();
    try {
      const [aPid, bPid, tOid] = [await pidOf(a), await pidOf(b), await relOid('t')];
      await a.query('BEGIN');
      await b.query('BEGIN');
      await a.query('LOCK TABLE t IN ACCESS SHARE MODE');
      await b.query('LOCK TABLE t IN ACCESS SHARE MODE');
      const bWait = outcome(b.query('LOCK TABLE t IN ACCESS EXCLUSIVE MODE'));
      await untilWaiting(bPid);
      await a.query("SET deadlock_timeout = '1h'");
      const aResult = await outcome(a.query('LOCK TABLE t IN ACCESS EXCLUSIVE MODE'));
      await a.query('ROLLBACK');
      expect(await bWait).toEqual({});
      await b.query('ROLLBACK');
      expect(aResult.code).toBe('40P01');

      const mgr = new LockManager({ clock: new ManualClock(), deadlockTimeoutMs: Infinity });
      const tag = relationLockTag(dbOid, tOid);
      await mgr.acquire(aPid, tag, LockMode.AccessShareLock);
      await mgr.acquire(bPid, tag, LockMode.AccessShareLock);
      const ourB = outcome(mgr.acquire(bPid, tag, LockMode.AccessExclusiveLock));
      expect(await outcome(mgr.acquire(aPid, tag, LockMode.AccessExclusiveLock))).toEqual(aResult);
      mgr.releaseAll(aPid);
      expect(await ourB).toEqual({});
    } finally {
      await a.end();
      await b.end();
    }
  });

  interface Spec {
    readonly name: string;
    readonly tables: readonly string[];
    /** deadlock_timeout per session, ms. */
    readonly sessions: Readonly<Record<string, number>>;
    readonly steps: ReadonlyArray<readonly [session: string, sql: string]>;
  }

  const specs: Spec[] = [
    {
      // src/test/isolation/specs/deadlock-soft.spec
      name: 'deadlock-soft: four processes, two soft edges, resolved by reversing one',
      tables: ['a1', 'a2'],
      sessions: { d1: 10_000, d2: 10, e1: 10_000, e2: 10_000 },
      steps: [
        ['d1', 'LOCK TABLE a1 IN ACCESS SHARE MODE'],
        ['d2', 'LOCK TABLE a2 IN ACCESS SHARE MODE'],
        ['e1', 'LOCK TABLE a1 IN ACCESS EXCLUSIVE MODE'],
        ['e2', 'LOCK TABLE a2 IN ACCESS EXCLUSIVE MODE'],
        ['d1', 'LOCK TABLE a2 IN ACCESS SHARE MODE'],
        ['d2', 'LOCK TABLE a1 IN ACCESS SHARE MODE'],
        ['d1', 'COMMIT'],
        ['e1', 'COMMIT'],
        ['d2', 'COMMIT'],
        ['e2', 'COMMIT'],
      ],
    },
    {
      // src/test/isolation/specs/deadlock-soft-2.spec
      name: 'deadlock-soft-2: s1 jumps over two hard-blocked waiters',
      tables: ['a1', 'a2'],
      sessions: { s1: 10, s2: 100_000, s3: 100_000, s4: 100_000 },
      steps: [
        ['s1', 'LOCK TABLE a1 IN SHARE UPDATE EXCLUSIVE MODE'],
        ['s2', 'LOCK TABLE a2 IN ACCESS SHARE MODE'],
        ['s2', 'LOCK TABLE a1 IN SHARE UPDATE EXCLUSIVE MODE'],
        ['s3', 'LOCK TABLE a2 IN ACCESS EXCLUSIVE MODE'],
        ['s4', 'LOCK TABLE a2 IN ACCESS EXCLUSIVE MODE'],
        ['s1', 'LOCK TABLE a2 IN SHARE UPDATE EXCLUSIVE MODE'],
        ['s1', 'COMMIT'],
        ['s2', 'COMMIT'],
        ['s3', 'COMMIT'],
        ['s4', 'COMMIT'],
      ],
    },
    {
      name: 'a hard cycle of four: the last waiter to wait is the victim',
      tables: ['a1', 'a2', 'a3', 'a4'],
      sessions: { h1: 100_000, h2: 100_000, h3: 100_000, h4: 10 },
      steps: [
        ['h1', 'LOCK TABLE a1 IN ACCESS EXCLUSIVE MODE'],
        ['h2', 'LOCK TABLE a2 IN ACCESS EXCLUSIVE MODE'],
        ['h3', 'LOCK TABLE a3 IN ACCESS EXCLUSIVE MODE'],
        ['h4', 'LOCK TABLE a4 IN ACCESS EXCLUSIVE MODE'],
        ['h1', 'LOCK TABLE a2 IN ROW EXCLUSIVE MODE'],
        ['h2', 'LOCK TABLE a3 IN SHARE MODE'],
        ['h3', 'LOCK TABLE a4 IN ROW SHARE MODE'],
        ['h4', 'LOCK TABLE a1 IN ACCESS SHARE MODE'],
        ['h4', 'ROLLBACK'],
        ['h3', 'COMMIT'],
        ['h2', 'COMMIT'],
        ['h1', 'COMMIT'],
      ],
    },
  ];

  for (const spec of specs) {
    it(`isolation spec ${spec.name}`, async () => {
      for (const t of spec.tables) await pg.query(`CREATE TABLE IF NOT EXISTS ${t} ()`);
      const oids = new Map<string, number>();
      for (const t of spec.tables) oids.set(t, await relOid(t));
      const names = Object.keys(spec.sessions);
      const clients = new Map<string, Client>();
      const pids = new Map<string, number>();
      try {
        for (const n of names) {
          const c = await pg.connect();
          clients.set(n, c);
          pids.set(n, await pidOf(c));
          await c.query('BEGIN');
          await c.query(`SET deadlock_timeout = '${spec.sessions[n]}ms'`);
        }
        const clock = new ManualClock();
        const mgr = new LockManager({ clock });
        type State = string;
        const theirs = new Map<string, State>();
        const ours = new Map<string, State>();
        const track = (states: Map<string, State>, n: string, p: Promise<unknown>) => {
          states.set(n, 'waiting');
          p.then(
            () => states.set(n, 'ok'),
            (e: { code?: string }) => states.set(n, e.code ?? 'error'),
          );
        };
        const theirLog: string[] = [];
        const ourLog: string[] = [];
        const snapshot = (states: Map<string, State>) =>
          names.map((n) => `${n}:${states.get(n) ?? '-'}`).join(' ');
        for (const [n, sql] of spec.steps) {
          const pid = pids.get(n)!;
          // PostgreSQL
          const p = clients.get(n)!.query(sql);
          track(theirs, n, p);
          for (let i = 0; i < 400 && theirs.get(n) === 'waiting'; i++) {
            const [row] = await pg.query<{ n: string }>(
              'SELECT count(*) AS n FROM pg_locks WHERE pid = $1 AND NOT granted',
              [pid],
            );
            if (row!.n !== '0') break;
            await sleep(5);
          }
          await sleep(150);
          theirLog.push(`${n}: ${sql} -> ${snapshot(theirs)}`);
          // here
          const m = /^LOCK TABLE (\w+) IN (.+) MODE$/.exec(sql);
          if (m !== null) {
            track(
              ours,
              n,
              mgr.acquire(pid, relationLockTag(dbOid, oids.get(m[1]!)!), lockModeFromSql(m[2]!)!, {
                deadlockTimeoutMs: spec.sessions[n]!,
              }),
            );
          } else {
            mgr.releaseAll(pid);
            track(ours, n, Promise.resolve());
          }
          clock.advance(150);
          for (let i = 0; i < 5; i++) await Promise.resolve();
          // a failed statement aborts the transaction: its locks go at once, as in PostgreSQL
          for (const [who, st] of ours) {
            if (st !== 'waiting' && st !== 'ok') mgr.releaseAll(pids.get(who)!);
          }
          for (let i = 0; i < 5; i++) await Promise.resolve();
          ourLog.push(`${n}: ${sql} -> ${snapshot(ours)}`);
        }
        expect(ourLog).toEqual(theirLog);
      } finally {
        for (const c of clients.values()) await c.end();
      }
    });
  }
});
