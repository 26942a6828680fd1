/**
 * The heavyweight lock manager: every pair of the eight table lock modes
 * against the documentation's conflict table; PostgreSQL's queue rules
 * (a request behind a conflicting waiter waits; a holder of a conflicting
 * lock goes ahead of the waiter, or is granted at once, or deadlocks at
 * once); NOWAIT and lock_timeout (55P03 with PostgreSQL's texts);
 * releaseAll waking waiters in queue order; session-level locks; deadlock
 * detection after deadlock_timeout for two and three processes (40P01 with
 * DeadLockReport's DETAIL), on a manual clock and on the real one.
 *
 * Then two properties: random acquire/release/releaseAll/cancel sequences
 * by four holders against a plain reference model (every grant, every
 * error and the order they are seen in, the queues, the invariants L1-L5);
 * and random sequences with time passing, where every deadlock victim was
 * on a cycle of an independently built waits-for graph, no cycle survives
 * deadlock_timeout, and every waiter ends granted or failed.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockManager, type LockStatusRow } from './internal/lock.js';
import { checkLockManager } from './internal/lock-check.js';
import { ManualClock } from './internal/lock-clock.js';
import { topoSort } from './internal/lock-deadlock.js';
import {
  advisoryLockTag,
  advisoryLockTag2,
  describeLockTag,
  LOCK_MODES,
  LockMode,
  type LockTag,
  lockModeFromSql,
  lockModeName,
  lockModeSqlName,
  lockModesConflict,
  lockTagKey,
  relationLockTag,
  transactionLockTag,
  tupleLockTag,
} from './internal/lock-modes.js';
import { MvccError } from './internal/xid-errors.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);
const DB = 5;
const T1 = relationLockTag(DB, 16384);
const T2 = relationLockTag(DB, 16390);
const T3 = relationLockTag(DB, 16396);
const {
  AccessShareLock: AS,
  RowShareLock: RS,
  RowExclusiveLock: RX,
  ShareLock: S,
  ExclusiveLock: X,
  AccessExclusiveLock: AX,
} = LockMode;

/**
 * The documentation's table 13.2 "Conflicting Lock Modes", written out as
 * it is printed: rows are the requested mode, columns the existing mode,
 * X where they conflict.
 */
const DOC_TABLE = `
                       AS RS RX SUE S SRX E AE
ACCESS SHARE           .  .  .  .   . .   . X
ROW SHARE              .  .  .  .   . .   X X
ROW EXCLUSIVE          .  .  .  .   X X   X X
SHARE UPDATE EXCLUSIVE .  .  .  X   X X   X X
SHARE                  .  .  X  X   . X   X X
SHARE ROW EXCLUSIVE    .  .  X  X   X X   X X
EXCLUSIVE              .  X  X  X   X X   X X
ACCESS EXCLUSIVE       X  X  X  X   X X   X X`;

function docConflicts(): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const lines = DOC_TABLE.trim().split('\n').slice(1);
  for (const line of lines) {
    const cells = line.trim().split(/\s+/);
    const marks = cells.slice(-8);
    const requested = lockModeFromSql(cells.slice(0, -8).join(' '))!;
    marks.forEach((m, i) => {
      out.set(`${requested}/${i + 1}`, m === 'X');
    });
  }
  return out;
}

/** Settles-so-far of a promise, without awaiting it. */
function watch(p: Promise<void>): { state: 'pending' | 'granted' | 'failed'; error?: MvccError } {
  const s: { state: 'pending' | 'granted' | 'failed'; error?: MvccError } = { state: 'pending' };
  p.then(
    () => {
      s.state = 'granted';
    },
    (e: MvccError) => {
      s.state = 'failed';
      s.error = e;
    },
  );
  return s;
}

/** Lets settled promises' callbacks run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function manager(options: { deadlockTimeoutMs?: number; lockTimeoutMs?: number } = {}) {
  const clock = new ManualClock();
  const mgr = new LockManager({ clock, deadlockTimeoutMs: Infinity, ...options });
  return { clock, mgr };
}

function queueOf(mgr: LockManager, tag: LockTag): Array<[number, string]> {
  return mgr
    .lockStatus()
    .filter((r) => !r.granted && lockTagKey(r.tag) === lockTagKey(tag))
    .map((r) => [r.holder, lockModeName(r.mode)]);
}

describe('lock modes', () => {
  it('names the modes as PostgreSQL does and parses LOCK TABLE names', () => {
    expect(LOCK_MODES.map(lockModeName)).toEqual([
      'AccessShareLock',
      'RowShareLock',
      'RowExclusiveLock',
      'ShareUpdateExclusiveLock',
      'ShareLock',
      'ShareRowExclusiveLock',
      'ExclusiveLock',
      'AccessExclusiveLock',
    ]);
    for (const m of LOCK_MODES) expect(lockModeFromSql(lockModeSqlName(m).toLowerCase())).toBe(m);
    expect(lockModeFromSql('share  row   exclusive')).toBe(LockMode.ShareRowExclusiveLock);
    expect(lockModeFromSql('SHARED')).toBeUndefined();
  });

  it('conflict table is the documentation table, and symmetric', () => {
    const doc = docConflicts();
    expect(doc.size).toBe(64);
    for (const a of LOCK_MODES) {
      for (const b of LOCK_MODES) {
        expect(lockModesConflict(a, b), `${lockModeName(a)} vs ${lockModeName(b)}`).toBe(
          doc.get(`${a}/${b}`),
        );
        expect(lockModesConflict(a, b)).toBe(lockModesConflict(b, a));
      }
    }
  });

  it('describes lock tags as DescribeLockTag does', () => {
    expect(describeLockTag(T1)).toBe('relation 16384 of database 5');
    expect(describeLockTag(tupleLockTag(5, 16384, 0, 3))).toBe(
      'tuple (0,3) of relation 16384 of database 5',
    );
    expect(describeLockTag(transactionLockTag(737))).toBe('transaction 737');
    expect(describeLockTag(advisoryLockTag(5, 0x100000002n))).toBe('advisory lock [5,1,2,1]');
    expect(describeLockTag(advisoryLockTag(5, -1n))).toBe(
      'advisory lock [5,4294967295,4294967295,1]',
    );
    expect(describeLockTag(advisoryLockTag2(5, 7, -2))).toBe('advisory lock [5,7,4294967294,2]');
  });
});

describe('every pair of modes', () => {
  const doc = docConflicts();
  for (const held of LOCK_MODES) {
    for (const requested of LOCK_MODES) {
      const conflict = doc.get(`${requested}/${held}`)!;
      it(`${lockModeName(held)} held, ${lockModeName(requested)} requested: ${conflict ? 'waits' : 'granted'}`, async () => {
        const { mgr } = manager();
        await mgr.acquire(1, T1, held);
        // a holder never conflicts with itself
        expect(mgr.tryAcquire(1, T1, requested)).toBe(true);
        expect(mgr.release(1, T1, requested)).toBe(true);
        expect(mgr.holdCount(1, T1, held)).toBe(1);
        expect(mgr.tryAcquire(2, T1, requested)).toBe(!conflict);
        if (!conflict) mgr.releaseAll(2);
        const waiter = watch(mgr.acquire(2, T1, requested));
        await flush();
        expect(waiter.state).toBe(conflict ? 'pending' : 'granted');
        expect(checkLockManager(mgr)).toEqual([]);
        mgr.releaseAll(1);
        await flush();
        expect(waiter.state).toBe('granted');
        expect(mgr.holdCount(2, T1, requested)).toBe(1);
        mgr.releaseAll(2);
        expect(mgr.size).toBe(0);
      });
    }
  }
});

describe('wait queue', () => {
  it('a request that conflicts with a waiter ahead waits too, though the holders allow it', async () => {
    const { mgr } = manager();
    await mgr.acquire(1, T1, AS);
    const ax = watch(mgr.acquire(2, T1, AX));
    const as = watch(mgr.acquire(3, T1, AS));
    expect(mgr.tryAcquire(4, T1, AS)).toBe(false);
    await flush();
    expect([ax.state, as.state]).toEqual(['pending', 'pending']);
    expect(queueOf(mgr, T1)).toEqual([
      [2, 'AccessExclusiveLock'],
      [3, 'AccessShareLock'],
    ]);
    mgr.releaseAll(1);
    await flush();
    expect([ax.state, as.state]).toEqual(['granted', 'pending']);
    mgr.releaseAll(2);
    await flush();
    expect(as.state).toBe('granted');
    expect(checkLockManager(mgr)).toEqual([]);
  });

  it('a holder of a lock a waiter needs is granted at once when only that waiter is in the way', async () => {
    const { mgr } = manager();
    await mgr.acquire(1, T1, AS);
    const ax = watch(mgr.acquire(2, T1, AX));
    // RowExclusive conflicts with the waiter's AccessExclusive, but 1 holds AccessShare which
    // the waiter needs: ProcSleep puts 1 ahead of it, and nothing else is in the way.
    const rx = watch(mgr.acquire(1, T1, RX));
    await flush();
    expect([ax.state, rx.state]).toEqual(['pending', 'granted']);
    expect(checkLockManager(mgr)).toEqual([]);
  });

  it('a holder of a lock a waiter needs queues just ahead of that waiter', async () => {
    const { mgr } = manager();
    await mgr.acquire(3, T1, S);
    await mgr.acquire(1, T1, AS);
    const ax = watch(mgr.acquire(2, T1, AX));
    const rx = watch(mgr.acquire(1, T1, RX)); // conflicts with 3's ShareLock
    await flush();
    expect(queueOf(mgr, T1)).toEqual([
      [1, 'RowExclusiveLock'],
      [2, 'AccessExclusiveLock'],
    ]);
    mgr.releaseAll(3);
    await flush();
    expect([rx.state, ax.state]).toEqual(['granted', 'pending']);
    mgr.releaseAll(1);
    await flush();
    expect(ax.state).toBe('granted');
  });

  it('an upgrade that meets a waiter who holds what it needs is a deadlock at once', async () => {
    const { mgr } = manager();
    await mgr.acquire(101, T1, AS);
    await mgr.acquire(102, T1, AS);
    const b = watch(mgr.acquire(102, T1, AX));
    const a = watch(mgr.acquire(101, T1, AX));
    await flush();
    expect(b.state).toBe('pending');
    expect(a.state).toBe('failed');
    expect(a.error).toBeInstanceOf(MvccError);
    expect(a.error).toMatchObject({
      code: '40P01',
      message: 'deadlock detected',
      detail:
        'Process 101 waits for AccessExclusiveLock on relation 16384 of database 5; blocked by process 102.\n' +
        'Process 102 waits for AccessExclusiveLock on relation 16384 of database 5; blocked by process 101.',
      hint: 'See server log for query details.',
    });
    mgr.releaseAll(101);
    await flush();
    expect(b.state).toBe('granted');
  });

  it('releaseAll wakes waiters in queue order, every compatible one', async () => {
    const { mgr } = manager();
    await mgr.acquire(1, T1, AX);
    await mgr.acquire(1, T2, AX);
    const order: number[] = [];
    const ps = [
      [2, T1, AS],
      [3, T1, RX],
      [4, T1, S],
      [5, T1, AS],
      [6, T2, RS],
      [7, T2, AS],
    ] as const;
    for (const [h, tag, mode] of ps) void mgr.acquire(h, tag, mode).then(() => order.push(h));
    await flush();
    expect(order).toEqual([]);
    mgr.releaseAll(1);
    await flush();
    // 4's ShareLock conflicts with 3's RowExclusive, and 5 waits behind 4 though AccessShare
    // would be compatible with both (it conflicts with nothing ahead: AccessShare conflicts only
    // with AccessExclusive), so 5 is granted too.
    expect(order).toEqual([2, 3, 5, 6, 7]);
    expect(queueOf(mgr, T1)).toEqual([[4, 'ShareLock']]);
    mgr.releaseAll(3);
    await flush();
    expect(order).toEqual([2, 3, 5, 6, 7, 4]);
    expect(checkLockManager(mgr)).toEqual([]);
  });

  it('counts acquisitions; the last release wakes the waiter; release of what is not held is refused', async () => {
    const { mgr } = manager();
    await mgr.acquire(1, T1, X);
    await mgr.acquire(1, T1, X);
    const w = watch(mgr.acquire(2, T1, RS));
    expect(mgr.holdCount(1, T1, X)).toBe(2);
    expect(mgr.release(1, T1, X)).toBe(true);
    await flush();
    expect(w.state).toBe('pending');
    expect(mgr.release(1, T1, AX)).toBe(false);
    expect(mgr.release(1, T1, X, { session: true })).toBe(false);
    expect(mgr.release(1, T1, X)).toBe(true);
    await flush();
    expect(w.state).toBe('granted');
    expect(mgr.release(1, T1, X)).toBe(false);
    expect(mgr.release(9, T3, X)).toBe(false);
  });

  it('session-level locks survive releaseAll at transaction end', async () => {
    const { mgr } = manager();
    const adv = advisoryLockTag(DB, 42n);
    await mgr.acquire(1, adv, X, { session: true });
    await mgr.acquire(1, T1, RX);
    mgr.releaseAll(1);
    expect(mgr.holdCount(1, adv, X)).toBe(1);
    expect(mgr.holdCount(1, T1, RX)).toBe(0);
    expect(mgr.tryAcquire(2, adv, X)).toBe(false);
    mgr.releaseAll(1, { session: true });
    expect(mgr.tryAcquire(2, adv, X)).toBe(true);
  });

  it('a process waits for one lock at a time; a cancelled wait fails with 57014 and wakes those behind', async () => {
    const { mgr } = manager();
    await mgr.acquire(1, T1, AS);
    const w = watch(mgr.acquire(2, T1, AX));
    const behind = watch(mgr.acquire(3, T1, AS));
    await expect(mgr.acquire(2, T2, AS)).rejects.toMatchObject({ code: 'XX000' });
    expect(() => mgr.tryAcquire(2, T2, AS)).toThrow(/already waiting/);
    expect(mgr.waitingFor(2)).toEqual({ tag: T1, mode: AX });
    expect(mgr.cancelWait(2)).toBe(true);
    expect(mgr.cancelWait(2)).toBe(false);
    await flush();
    expect(w.state).toBe('failed');
    expect(w.error).toMatchObject({
      code: '57014',
      message: 'canceling statement due to user request',
    });
    expect(behind.state).toBe('granted');
  });
});

describe('NOWAIT', () => {
  it('fails at once with 55P03 and PostgreSQL texts, leaving nothing behind', async () => {
    const { mgr } = manager();
    const tuple = tupleLockTag(DB, 16384, 0, 1);
    await mgr.acquire(1, T1, AX);
    await mgr.acquire(1, tuple, X);
    await mgr.acquire(1, transactionLockTag(900), X);
    await expect(mgr.acquire(2, T1, AS, { nowait: true, relationName: 't' })).rejects.toMatchObject(
      { code: '55P03', message: 'could not obtain lock on relation "t"' },
    );
    await expect(mgr.acquire(2, T1, AS, { nowait: true })).rejects.toMatchObject({
      code: '55P03',
      message: 'could not obtain lock on relation "16384"',
    });
    await expect(
      mgr.acquire(2, tuple, X, { nowait: true, relationName: 't' }),
    ).rejects.toMatchObject({
      code: '55P03',
      message: 'could not obtain lock on row in relation "t"',
    });
    await expect(
      mgr.acquire(2, transactionLockTag(900), S, { nowait: true, relationName: 't' }),
    ).rejects.toMatchObject({ message: 'could not obtain lock on row in relation "t"' });
    await expect(
      mgr.acquire(2, transactionLockTag(900), S, { nowait: true }),
    ).rejects.toMatchObject({ message: 'could not obtain lock on transaction 900' });
    expect(mgr.tryAcquire(2, T2, AX)).toBe(true);
    expect(mgr.tryAcquire(3, T2, AS)).toBe(false);
    expect(mgr.lockStatus().filter((r) => r.holder !== 1)).toHaveLength(1);
    expect(mgr.lockStatus().some((r) => !r.granted)).toBe(false);
    // NOWAIT also fails behind a conflicting waiter, even when the holders would allow it
    const waiting = watch(mgr.acquire(4, T2, AS));
    mgr.release(2, T2, AX);
    await flush();
    expect(waiting.state).toBe('granted');
  });
});

describe('lock_timeout', () => {
  it('gives up after the timeout with 55P03, and those queued behind move on', async () => {
    const { mgr, clock } = manager({ lockTimeoutMs: 100 });
    await mgr.acquire(1, T1, AS);
    const ax = watch(mgr.acquire(2, T1, AX));
    const as = watch(mgr.acquire(3, T1, AS, { timeoutMs: 0 }));
    clock.advance(99);
    await flush();
    expect([ax.state, as.state]).toEqual(['pending', 'pending']);
    clock.advance(1);
    await flush();
    expect(ax.state).toBe('failed');
    expect(ax.error).toMatchObject({
      code: '55P03',
      message: 'canceling statement due to lock timeout',
    });
    expect(as.state).toBe('granted');
    expect(clock.pending()).toBe(0);
  });

  it('a per-request timeout overrides the setting; a grant clears the timers', async () => {
    const { mgr, clock } = manager({ deadlockTimeoutMs: 1000 });
    await mgr.acquire(1, T1, X);
    const a = watch(mgr.acquire(2, T1, X, { timeoutMs: 30 }));
    const b = watch(mgr.acquire(3, T1, X));
    expect(clock.pending()).toBe(3);
    clock.advance(30);
    await flush();
    expect(a.state).toBe('failed');
    mgr.releaseAll(1);
    await flush();
    expect(b.state).toBe('granted');
    expect(clock.pending()).toBe(0);
  });
});

describe('deadlocks', () => {
  it('two processes: the one whose check finds the cycle gets 40P01, the other proceeds', async () => {
    const { mgr, clock } = manager({ deadlockTimeoutMs: 1000 });
    await mgr.acquire(201, T1, AX);
    await mgr.acquire(202, T2, AX);
    const a = watch(mgr.acquire(201, T2, AX));
    clock.advance(400);
    const b = watch(mgr.acquire(202, T1, AX));
    clock.advance(599);
    await flush();
    expect([a.state, b.state]).toEqual(['pending', 'pending']);
    expect(mgr.findDeadlock(201)?.map((s) => s.holder)).toEqual([201, 202]);
    expect(mgr.findDeadlock(202)?.map((s) => s.holder)).toEqual([202, 201]);
    clock.advance(1); // 201's deadlock_timeout
    await flush();
    expect([a.state, b.state]).toEqual(['failed', 'pending']);
    expect(a.error).toMatchObject({
      code: '40P01',
      message: 'deadlock detected',
      detail:
        'Process 201 waits for AccessExclusiveLock on relation 16390 of database 5; blocked by process 202.\n' +
        'Process 202 waits for AccessExclusiveLock on relation 16384 of database 5; blocked by process 201.',
    });
    mgr.releaseAll(201); // the victim's transaction aborts
    await flush();
    expect(b.state).toBe('granted');
    clock.advance(10_000);
    await flush();
    expect(b.state).toBe('granted');
    expect(mgr.deadlocks).toBe(1);
  });

  it('three processes waiting for each other\u2019s transactions', async () => {
    const { mgr, clock } = manager({ deadlockTimeoutMs: 5 });
    const xid = { 301: 1001, 302: 1002, 303: 1003 } as const;
    for (const [p, x] of Object.entries(xid))
      await mgr.acquire(Number(p), transactionLockTag(x), X);
    const a = watch(mgr.acquire(301, transactionLockTag(1002), S));
    const b = watch(mgr.acquire(302, transactionLockTag(1003), S));
    clock.advance(5); // 301 and 302 check: no cycle yet
    await flush();
    expect([a.state, b.state]).toEqual(['pending', 'pending']);
    const c = watch(mgr.acquire(303, transactionLockTag(1001), S));
    clock.advance(5);
    await flush();
    expect([a.state, b.state, c.state]).toEqual(['pending', 'pending', 'failed']);
    expect(c.error).toMatchObject({
      code: '40P01',
      detail:
        'Process 303 waits for ShareLock on transaction 1001; blocked by process 301.\n' +
        'Process 301 waits for ShareLock on transaction 1002; blocked by process 302.\n' +
        'Process 302 waits for ShareLock on transaction 1003; blocked by process 303.',
    });
    mgr.releaseAll(303);
    await flush();
    expect([a.state, b.state]).toEqual(['pending', 'granted']);
    mgr.releaseAll(302);
    await flush();
    expect(a.state).toBe('granted');
  });

  it('a cycle through a waiter ahead in the queue (a soft edge) is broken by reordering the queue', async () => {
    // 10 holds T1 (AS) and waits for T2; 11 waits for T1 (AX), blocked by 10; 12 holds T2 and
    // waits behind 11 for T1 (AS): 12 -> 11 (soft) -> 10 -> 12. Putting 12 before 11 breaks
    // the cycle, and then nothing keeps 12 from T1.
    const { mgr, clock } = manager({ deadlockTimeoutMs: 1000 });
    await mgr.acquire(10, T1, AS);
    await mgr.acquire(12, T2, AX);
    const p11 = watch(mgr.acquire(11, T1, AX));
    const p12 = watch(mgr.acquire(12, T1, AS));
    clock.advance(500);
    const p10 = watch(mgr.acquire(10, T2, AS));
    expect(mgr.findDeadlock(12)?.map((s) => s.holder)).toEqual([12, 11, 10]);
    expect(mgr.findDeadlock(10)?.map((s) => s.holder)).toEqual([10, 12, 11]);
    clock.advance(500); // 11's and 12's checks; 11 is on the cycle too, and reorders the queue
    await flush();
    expect([p10.state, p11.state, p12.state]).toEqual(['pending', 'pending', 'granted']);
    expect(mgr.rearranged).toBe(1);
    expect(mgr.deadlocks).toBe(0);
    expect(queueOf(mgr, T1)).toEqual([[11, 'AccessExclusiveLock']]);
    expect(checkLockManager(mgr)).toEqual([]);
    clock.advance(1000); // 10's check: no cycle left
    mgr.releaseAll(12);
    await flush();
    expect([p10.state, p11.state]).toEqual(['granted', 'pending']);
    mgr.releaseAll(10);
    await flush();
    expect(p11.state).toBe('granted');
    expect(mgr.deadlocks).toBe(0);
  });

  it('a hard cycle is a deadlock though soft edges lead elsewhere', async () => {
    // 20 holds T1 (RS), 23 holds T1 (RX), 22 holds T2 (X). 21 waits for T1 (X). 22 waits for
    // T1 (S) behind 21: a soft edge 22 -> 21 and a hard one 22 -> 23 (S conflicts with RX).
    // 23 waits for T2 (RS), held by 22: 22 -> 23 -> 22 is hard, no reordering helps.
    const { mgr } = manager();
    await mgr.acquire(20, T1, RS);
    await mgr.acquire(23, T1, RX);
    await mgr.acquire(22, T2, X);
    const p21 = watch(mgr.acquire(21, T1, X));
    const p22 = watch(mgr.acquire(22, T1, S));
    const p23 = watch(mgr.acquire(23, T2, RS));
    expect(p23.state).toBe('pending');
    expect(mgr.checkDeadlock(22)).toBe('deadlock');
    await flush();
    expect(p22.error?.detail).toBe(
      'Process 22 waits for ShareLock on relation 16384 of database 5; blocked by process 23.\n' +
        'Process 23 waits for RowShareLock on relation 16390 of database 5; blocked by process 22.',
    );
    expect(p21.state).toBe('pending');
  });

  it('TopoSort keeps the queue order but for the constraints, and refuses contradictory ones', () => {
    const c = (waiter: number, blocker: number) => ({ waiter, blocker, lockKey: 'k' });
    expect(topoSort([1, 2, 3, 4], [])).toEqual([1, 2, 3, 4]);
    expect(topoSort([3, 4, 1], [c(1, 3)])).toEqual([1, 3, 4]);
    expect(topoSort([1, 2, 3, 4], [c(4, 2)])).toEqual([1, 4, 2, 3]);
    expect(topoSort([1, 2, 3], [c(3, 1), c(2, 1)])).toEqual([2, 3, 1]);
    expect(topoSort([1, 2], [c(1, 2), c(2, 1)])).toBeUndefined();
    expect(topoSort([1, 2], [c(1, 9)])).toBeUndefined();
  });

  it('a long wait without a cycle is no deadlock', async () => {
    const { mgr, clock } = manager({ deadlockTimeoutMs: 1000 });
    await mgr.acquire(1, T1, AX);
    const w = watch(mgr.acquire(2, T1, AS));
    clock.advance(60_000);
    await flush();
    expect(w.state).toBe('pending');
    expect(mgr.checkDeadlock(2)).toBe('none');
    expect(mgr.checkDeadlock(1)).toBe('none');
    mgr.releaseAll(1);
    await flush();
    expect(w.state).toBe('granted');
  });

  it('on the real clock, a deadlock is found after deadlock_timeout', async () => {
    const mgr = new LockManager({ deadlockTimeoutMs: 5 });
    await mgr.acquire(1, T1, AX);
    await mgr.acquire(2, T2, AX);
    const started = Date.now();
    const a = mgr.acquire(1, T2, AX);
    const b = mgr.acquire(2, T1, AX);
    await expect(a).rejects.toMatchObject({ code: '40P01' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4);
    mgr.releaseAll(1);
    await b;
    mgr.releaseAll(2);
    expect(mgr.size).toBe(0);
  });
});

// --- model-based ----------------------------------------------------------------

const HOLDERS = [1, 2, 3, 4] as const;
const TAGS = [T1, T2, tupleLockTag(DB, 16384, 0, 1)] as const;

type Op =
  | {
      readonly kind: 'acquire';
      readonly h: number;
      readonly t: number;
      readonly mode: LockMode;
      readonly nowait: boolean;
    }
  | { readonly kind: 'release'; readonly h: number; readonly t: number; readonly mode: LockMode }
  | { readonly kind: 'releaseAll'; readonly h: number }
  | { readonly kind: 'cancel'; readonly h: number };

const modeArb = fc.constantFrom(...LOCK_MODES);
const holderArb = fc.constantFrom(...HOLDERS);
/** Mostly the first tag, so queues form. */
const tagArb = fc.constantFrom(0, 0, 0, 1, 1, 2);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      h: holderArb,
      t: tagArb,
      mode: modeArb,
      nowait: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('release' as const),
      h: holderArb,
      t: tagArb,
      mode: modeArb,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('releaseAll' as const), h: holderArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), h: holderArb }) },
);

/**
 * The reference: per tag, an array of granted [holder, mode, count] and an
 * array of waiters in arrival order. The rules are PostgreSQL's, stated
 * directly: a request is granted if the holder holds the mode, or if it
 * conflicts with no other holder's mode and no waiter's; otherwise it waits
 * at the end, unless the holder holds a mode some waiter needs: then it is
 * a deadlock if it needs what that waiter holds, a grant if nothing granted
 * or ahead of that waiter is in its way, and otherwise a place just before
 * the waiter. Whenever anything leaves, each waiter in turn is granted if
 * no other holder's mode and no remaining waiter before it is in its way.
 */
class Model {
  granted: Array<Array<{ h: number; mode: LockMode; n: number }>> = TAGS.map(() => []);
  queues: Array<Array<{ h: number; mode: LockMode; id: number }>> = TAGS.map(() => []);
  /** Outcomes in the order they are reported: [request id, 'granted' | SQLSTATE]. */
  events: Array<[number, string]> = [];

  heldBy(t: number, h: number): LockMode[] {
    return this.granted[t]!.filter((g) => g.h === h).map((g) => g.mode);
  }
  blockedByGranted(t: number, h: number, mode: LockMode): boolean {
    return this.granted[t]!.some((g) => g.h !== h && lockModesConflict(g.mode, mode));
  }
  /** Per holder, the tags it holds a mode on, in the order it came to hold them. */
  order = new Map<number, number[]>();
  give(t: number, h: number, mode: LockMode): void {
    if (this.heldBy(t, h).length === 0) this.order.set(h, [...(this.order.get(h) ?? []), t]);
    const g = this.granted[t]!.find((x) => x.h === h && x.mode === mode);
    if (g) g.n++;
    else this.granted[t]!.push({ h, mode, n: 1 });
  }
  forgetIfNone(t: number, h: number): void {
    if (this.heldBy(t, h).length === 0) {
      this.order.set(
        h,
        (this.order.get(h) ?? []).filter((x) => x !== t),
      );
    }
  }
  isWaiting(h: number): boolean {
    return this.queues.some((q) => q.some((w) => w.h === h));
  }
  acquire(id: number, h: number, t: number, mode: LockMode, nowait: boolean): void {
    const q = this.queues[t]!;
    if (
      this.heldBy(t, h).includes(mode) ||
      (!q.some((w) => lockModesConflict(w.mode, mode)) && !this.blockedByGranted(t, h, mode))
    ) {
      this.give(t, h, mode);
      this.events.push([id, 'granted']);
      return;
    }
    if (nowait) {
      this.events.push([id, '55P03']);
      return;
    }
    const mine = this.heldBy(t, h);
    for (let i = 0; i < q.length; i++) {
      const w = q[i]!;
      if (mine.some((m) => lockModesConflict(m, w.mode))) {
        if (this.heldBy(t, w.h).some((m) => lockModesConflict(m, mode))) {
          this.events.push([id, '40P01']);
          return;
        }
        const aheadBlocks = q.slice(0, i).some((a) => lockModesConflict(a.mode, mode));
        if (!aheadBlocks && !this.blockedByGranted(t, h, mode)) {
          this.give(t, h, mode);
          this.events.push([id, 'granted']);
          return;
        }
        q.splice(i, 0, { h, mode, id });
        return;
      }
    }
    q.push({ h, mode, id });
  }
  wake(t: number): void {
    const q = this.queues[t]!;
    for (let i = 0; i < q.length; ) {
      const w = q[i]!;
      const ahead = q.slice(0, i).some((a) => lockModesConflict(a.mode, w.mode));
      if (!ahead && !this.blockedByGranted(t, w.h, w.mode)) {
        q.splice(i, 1);
        this.give(t, w.h, w.mode);
        this.events.push([w.id, 'granted']);
      } else {
        i++;
      }
    }
  }
  release(h: number, t: number, mode: LockMode): boolean {
    const list = this.granted[t]!;
    const i = list.findIndex((g) => g.h === h && g.mode === mode);
    if (i < 0) return false;
    list[i]!.n--;
    if (list[i]!.n === 0) {
      list.splice(i, 1);
      this.forgetIfNone(t, h);
      this.wake(t);
    }
    return true;
  }
  cancel(h: number): boolean {
    for (let t = 0; t < TAGS.length; t++) {
      const q = this.queues[t]!;
      const i = q.findIndex((w) => w.h === h);
      if (i >= 0) {
        this.events.push([q[i]!.id, '57014']);
        q.splice(i, 1);
        this.wake(t);
        return true;
      }
    }
    return false;
  }
  releaseAll(h: number): void {
    this.cancel(h);
    // the locks are released (and their waiters woken) in the order the holder came to hold them
    for (const t of this.order.get(h) ?? []) {
      this.granted[t] = this.granted[t]!.filter((g) => g.h !== h);
      this.wake(t);
    }
    this.order.delete(h);
  }
  /** The lock table as comparable rows: granted sorted, queues in order. */
  rows(): string[] {
    const out: string[] = [];
    TAGS.forEach((tag, t) => {
      const key = lockTagKey(tag);
      for (const g of this.granted[t]!) out.push(`${key} ${g.h} ${g.mode} granted x${g.n}`);
      this.queues[t]!.forEach((w, i) => {
        out.push(`${key} #${i} ${w.h} ${w.mode}`);
      });
    });
    return out.sort();
  }
}

function rowsOf(status: readonly LockStatusRow[]): string[] {
  const out: string[] = [];
  const pos = new Map<string, number>();
  for (const r of status) {
    const key = lockTagKey(r.tag);
    if (r.granted) out.push(`${key} ${r.holder} ${r.mode} granted x${r.count}`);
    else {
      const i = pos.get(key) ?? 0;
      pos.set(key, i + 1);
      out.push(`${key} #${i} ${r.holder} ${r.mode}`);
    }
  }
  return out.sort();
}

describe('model-based', () => {
  it('random acquire/release/releaseAll/cancel by four holders behave as the reference model', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 80, size: 'max' }),
        async (ops) => {
          const { mgr } = manager();
          const model = new Model();
          const events: Array<[number, string]> = [];
          let nextId = 0;
          for (const op of ops) {
            switch (op.kind) {
              case 'acquire': {
                if (model.isWaiting(op.h)) {
                  // a waiting process cannot ask again
                  await expect(mgr.acquire(op.h, TAGS[op.t]!, op.mode)).rejects.toMatchObject({
                    code: 'XX000',
                  });
                  continue;
                }
                const id = nextId++;
                mgr.acquire(op.h, TAGS[op.t]!, op.mode, { nowait: op.nowait }).then(
                  () => events.push([id, 'granted']),
                  (e: MvccError) => events.push([id, e.code]),
                );
                model.acquire(id, op.h, op.t, op.mode, op.nowait);
                break;
              }
              case 'release':
                expect(mgr.release(op.h, TAGS[op.t]!, op.mode)).toBe(
                  model.release(op.h, op.t, op.mode),
                );
                break;
              case 'releaseAll':
                mgr.releaseAll(op.h);
                model.releaseAll(op.h);
                break;
              case 'cancel':
                expect(mgr.cancelWait(op.h)).toBe(model.cancel(op.h));
                break;
            }
            await flush();
            expect(events).toEqual(model.events);
            expect(rowsOf(mgr.lockStatus())).toEqual(model.rows());
            expect(checkLockManager(mgr)).toEqual([]);
          }
          for (const h of HOLDERS) {
            mgr.releaseAll(h);
            model.releaseAll(h);
          }
          await flush();
          expect(events).toEqual(model.events);
          expect(mgr.size).toBe(0);
        },
      ),
      { numRuns: RUNS },
    );
  });

  /** Whether `start` is on a cycle of the waits-for graph built from pg_locks rows. */
  function onCycle(status: readonly LockStatusRow[], start: number): boolean {
    const edges = new Map<number, number[]>();
    const byTag = new Map<string, LockStatusRow[]>();
    for (const r of status) {
      const k = lockTagKey(r.tag);
      byTag.set(k, [...(byTag.get(k) ?? []), r]);
    }
    for (const rows of byTag.values()) {
      const queue = rows.filter((r) => !r.granted);
      queue.forEach((w, i) => {
        const to = [
          ...rows.filter(
            (g) => g.granted && g.holder !== w.holder && lockModesConflict(g.mode, w.mode),
          ),
          ...queue.slice(0, i).filter((a) => lockModesConflict(a.mode, w.mode)),
        ].map((r) => r.holder);
        edges.set(w.holder, to);
      });
    }
    const seen = new Set<number>();
    const stack = [...(edges.get(start) ?? [])];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n === start) return true;
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(...(edges.get(n) ?? []));
    }
    return false;
  }

  it('with time passing: victims were on a cycle, no cycle outlives deadlock_timeout, every wait ends', async () => {
    type TimedOp = Op | { readonly kind: 'advance'; readonly ms: number };
    // many acquisitions of strong modes on few tags, few releases: cycles form
    const timedArb: fc.Arbitrary<TimedOp> = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record({
          kind: fc.constant('acquire' as const),
          h: holderArb,
          t: fc.integer({ min: 0, max: TAGS.length - 1 }),
          mode: fc.constantFrom(AS, RS, RX, S, X, AX),
          nowait: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('release' as const),
          h: holderArb,
          t: tagArb,
          mode: modeArb,
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('advance' as const),
          ms: fc.integer({ min: 1, max: 15 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('releaseAll' as const), h: holderArb }),
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(timedArb, { minLength: 1, maxLength: 80, size: 'max' }),
        async (ops) => {
          const { mgr, clock } = manager({ deadlockTimeoutMs: 10 });
          const outcome = new Map<number, string>();
          const pending = new Map<number, Promise<void>>();
          const run = (h: number, tag: LockTag, mode: LockMode, nowait: boolean) => {
            if (mgr.waitingFor(h) !== undefined) return;
            const p = mgr.acquire(h, tag, mode, { nowait }).then(
              () => {
                pending.delete(h);
              },
              (e: MvccError) => {
                pending.delete(h);
                outcome.set(h, e.code);
                // a failed statement aborts its transaction
                if (e.code === '40P01') mgr.releaseAll(h);
              },
            );
            pending.set(h, p);
          };
          for (const op of ops) {
            if (op.kind === 'acquire') run(op.h, TAGS[op.t]!, op.mode, op.nowait);
            else if (op.kind === 'release') mgr.release(op.h, TAGS[op.t]!, op.mode);
            else if (op.kind === 'releaseAll') mgr.releaseAll(op.h);
            else if (op.kind === 'advance') {
              const before = mgr.lockStatus();
              const waiters = HOLDERS.filter((h) => mgr.waitingFor(h) !== undefined);
              const deadlocksBefore = mgr.deadlocks;
              outcome.clear();
              clock.advance(op.ms);
              // victims of the check: waiters before the advance that got 40P01 from a timer
              await flush();
              const victims = waiters.filter((h) => outcome.get(h) === '40P01');
              expect(victims.length).toBe(mgr.deadlocks - deadlocksBefore);
              for (const v of victims) expect(onCycle(before, v)).toBe(true);
            }
            await flush();
            expect(checkLockManager(mgr)).toEqual([]);
          }
          clock.advance(20);
          await flush();
          const after = mgr.lockStatus();
          for (const h of HOLDERS) expect(onCycle(after, h)).toBe(false);
          // liveness: ending the transactions of those not waiting lets every wait end
          for (let round = 0; round < 10 && pending.size > 0; round++) {
            for (const h of HOLDERS) if (mgr.waitingFor(h) === undefined) mgr.releaseAll(h);
            clock.advance(20);
            await flush();
          }
          expect(pending.size).toBe(0);
          for (const h of HOLDERS) mgr.releaseAll(h);
          expect(mgr.size).toBe(0);
          expect(clock.pending()).toBe(0);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
