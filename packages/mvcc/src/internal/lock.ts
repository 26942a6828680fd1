/**
 * The heavyweight lock manager: PostgreSQL 15's src/backend/storage/lmgr/
 * lock.c (LockAcquire, LockCheckConflicts, LockRelease, LockReleaseAll),
 * proc.c (ProcSleep's queue insertion, ProcLockWakeup) and deadlock.c
 * (DeadLockCheck's waits-for graph and DeadLockReport), in one event loop.
 *
 * A holder is a process id (PostgreSQL's backend pid; here whatever number
 * the engine gives a session). A lock is a {@link LockTag}; on it each
 * holder holds a count per mode, separately for transaction-level and
 * session-level acquisitions (as PostgreSQL's LOCALLOCK owners and
 * pg_advisory_lock's session locks). Different holders never hold
 * conflicting modes (L1); a holder's own modes never conflict with each
 * other.
 *
 * Acquiring (LockAcquireExtended):
 *
 * 1. A mode the holder already holds on the lock is granted at once, only
 *    its count goes up (the LOCALLOCK fast path: no conflict check).
 * 2. Otherwise, if the mode conflicts with a mode some waiter waits for
 *    (the lock's waitMask), or with a mode another holder holds
 *    (LockCheckConflicts), the request must wait; else it is granted.
 * 3. NOWAIT (tryAcquire, `nowait`) fails here: 55P03.
 * 4. Waiting (ProcSleep): normally at the end of the queue. But if the
 *    holder already holds modes on this lock that conflict with the mode of
 *    some waiter, it goes just before the first such waiter W, so W does
 *    not wait for a lock whose holder waits behind it. If the requested
 *    mode also conflicts with what W already holds, that is a deadlock of
 *    two, reported at once (40P01, without waiting for deadlock_timeout).
 *    If the request conflicts neither with the granted modes of others nor
 *    with the waiters before W, it is granted at once instead.
 * 5. After deadlock_timeout the waiter runs the deadlock check once (see
 *    {@link LockManager.checkDeadlock} and lock-deadlock.ts): a cycle
 *    through it that reordering wait queues can break is broken so (a soft
 *    deadlock); one that cannot makes it the victim (40P01). After
 *    lock_timeout it gives up with 55P03 `canceling statement due to lock
 *    timeout`.
 *
 * Waking (ProcLockWakeup), after every release and every waiter that
 * leaves the queue without the lock: the queue is walked in order; a waiter
 * is granted when its mode conflicts neither with the modes of the waiters
 * left before it nor with modes other holders hold (L2: no waiter that
 * could be granted is left waiting). A granted waiter's promise resolves.
 *
 * Every state change happens synchronously inside the call that causes it
 * (acquire, release, a timer firing); only the promise settlements are
 * seen later, in queue order.
 */

import { type LockClock, systemClock } from './lock-clock.js';
import { type DeadlockStep, deadlockCheck, findCycle, type WaitsForView } from './lock-deadlock.js';
import {
  conflictMask,
  describeLockTag,
  isLockMode,
  LOCK_MODES,
  type LockMode,
  type LockTag,
  lockBit,
  lockModeName,
  lockTagKey,
} from './lock-modes.js';
import { ERRCODE_INTERNAL_ERROR, MvccError } from './xid-errors.js';

/** SQLSTATE lock_not_available: NOWAIT, lock_timeout. */
export const ERRCODE_LOCK_NOT_AVAILABLE = '55P03';
/** SQLSTATE deadlock_detected (class 40, transaction rollback: retryable). */
export const ERRCODE_T_R_DEADLOCK_DETECTED = '40P01';
/** SQLSTATE query_canceled: a wait cancelled from outside. */
export const ERRCODE_QUERY_CANCELED = '57014';

/** PostgreSQL's default deadlock_timeout: 1 s. */
export const DEFAULT_DEADLOCK_TIMEOUT_MS = 1000;

export interface LockManagerOptions {
  /** deadlock_timeout in ms (default 1000): how long a waiter waits before it checks for a deadlock. */
  readonly deadlockTimeoutMs?: number;
  /** lock_timeout in ms for requests that give none (default 0: wait for ever). */
  readonly lockTimeoutMs?: number;
  /** Where time comes from (default the system clock). */
  readonly clock?: LockClock;
}

export interface AcquireOptions {
  /** NOWAIT: fail with 55P03 instead of waiting. */
  readonly nowait?: boolean;
  /** lock_timeout for this request in ms; 0 waits for ever. Default the manager's. */
  readonly timeoutMs?: number;
  /** deadlock_timeout for this request in ms (PostgreSQL's is per session). Default the manager's. */
  readonly deadlockTimeoutMs?: number;
  /** A session-level lock (survives releaseAll at transaction end), as pg_advisory_lock. */
  readonly session?: boolean;
  /**
   * The relation's name for the NOWAIT message (`could not obtain lock on
   * relation "t"`, `... on row in relation "t"` for tuple and transaction
   * locks); without it the relation OID stands in for the name.
   */
  readonly relationName?: string;
}

/** One row of {@link LockManager.lockStatus}, like a row of pg_locks. */
export interface LockStatusRow {
  readonly tag: LockTag;
  readonly holder: number;
  readonly mode: LockMode;
  readonly granted: boolean;
  /** How many times the mode is held: transaction-level plus session-level (0 for a waiter). */
  readonly count: number;
  /** For a waiter: when it started waiting (pg_locks.waitstart). */
  readonly waitStart?: number;
}

interface ProcLock {
  readonly holder: number;
  /** Counts by mode (index 1..8): transaction-level, session-level. */
  readonly xact: number[];
  readonly session: number[];
}

interface Waiter {
  readonly holder: number;
  readonly lock: LockState;
  readonly mode: LockMode;
  readonly session: boolean;
  readonly start: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  timers: unknown[];
}

interface LockState {
  readonly tag: LockTag;
  readonly key: string;
  /** Holders with at least one mode held, in order of first grant. */
  readonly holders: Map<number, ProcLock>;
  /** The wait queue, first in line first. */
  readonly queue: Waiter[];
}

function holdMaskOf(pl: ProcLock): number {
  let mask = 0;
  for (const m of LOCK_MODES) if (pl.xact[m]! + pl.session[m]! > 0) mask |= lockBit(m);
  return mask;
}

function newProcLock(holder: number): ProcLock {
  return { holder, xact: new Array<number>(9).fill(0), session: new Array<number>(9).fill(0) };
}

/** DeadLockReport's DETAIL: one line per step, each blocked by the next, the last by the first. */
export function deadlockDetail(cycle: readonly DeadlockStep[]): string {
  return cycle
    .map((step, i) => {
      const next = cycle[(i + 1) % cycle.length]!;
      return `Process ${step.holder} waits for ${lockModeName(step.mode)} on ${describeLockTag(step.tag)}; blocked by process ${next.holder}.`;
    })
    .join('\n');
}

function deadlockError(cycle: readonly DeadlockStep[]): MvccError {
  return new MvccError(ERRCODE_T_R_DEADLOCK_DETECTED, 'deadlock detected', {
    detail: deadlockDetail(cycle),
    hint: 'See server log for query details.',
  });
}

function nowaitError(tag: LockTag, relationName: string | undefined): MvccError {
  let message: string;
  switch (tag.type) {
    case 'relation':
      message = `could not obtain lock on relation "${relationName ?? tag.relOid}"`;
      break;
    case 'tuple':
      message = `could not obtain lock on row in relation "${relationName ?? tag.relOid}"`;
      break;
    case 'transactionid':
      message =
        relationName === undefined
          ? `could not obtain lock on ${describeLockTag(tag)}`
          : `could not obtain lock on row in relation "${relationName}"`;
      break;
    default:
      message = `could not obtain lock on ${describeLockTag(tag)}`;
  }
  return new MvccError(ERRCODE_LOCK_NOT_AVAILABLE, message);
}

/**
 * PostgreSQL's lock table for one database cluster. See the module comment
 * for the rules; the README for the invariants L1-L5 that
 * `checkLockManager` (from the testing subpath) checks.
 */
export class LockManager {
  private readonly locks = new Map<string, LockState>();
  /** Per holder, the locks it holds a mode on. */
  private readonly held = new Map<number, Set<LockState>>();
  /** Per holder, its one wait (a process waits for one lock at a time). */
  private readonly waiting = new Map<number, Waiter>();
  private readonly clock: LockClock;
  private readonly deadlockTimeoutMs: number;
  private readonly lockTimeoutMs: number;
  /** Deadlocks reported (early ones and those found by the check), for statistics. */
  deadlocks = 0;
  /** Wait queues reordered by the deadlock check to break a soft deadlock. */
  rearranged = 0;

  constructor(options: LockManagerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.deadlockTimeoutMs = options.deadlockTimeoutMs ?? DEFAULT_DEADLOCK_TIMEOUT_MS;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 0;
  }

  /**
   * Acquires `mode` on `tag` for `holder`. The promise resolves when the
   * lock is granted (already settled if it was granted at once) and rejects
   * with an MvccError: 55P03 for NOWAIT or lock_timeout, 40P01 for a
   * deadlock, 57014 when the wait is cancelled. A holder that is already
   * waiting cannot ask for another lock (XX000).
   */
  acquire(
    holder: number,
    tag: LockTag,
    mode: LockMode,
    options: AcquireOptions = {},
  ): Promise<void> {
    const refused = this.refuse(holder, mode);
    if (refused) return Promise.reject(refused);
    const lock = this.lockFor(tag);
    const session = options.session === true;
    if (this.grantIfPossible(lock, holder, mode, session)) return Promise.resolve();
    if (options.nowait === true) {
      this.dropIfUnused(lock);
      return Promise.reject(nowaitError(tag, options.relationName));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        holder,
        lock,
        mode,
        session,
        start: this.clock.now(),
        resolve,
        reject,
        timers: [],
      };
      this.sleep(
        waiter,
        options.timeoutMs ?? this.lockTimeoutMs,
        options.deadlockTimeoutMs ?? this.deadlockTimeoutMs,
      );
    });
  }

  /**
   * ConditionalLockAcquire: grants `mode` on `tag` if that needs no wait
   * and returns true; otherwise changes nothing and returns false.
   */
  tryAcquire(
    holder: number,
    tag: LockTag,
    mode: LockMode,
    options: { session?: boolean } = {},
  ): boolean {
    const refused = this.refuse(holder, mode);
    if (refused) throw refused;
    const lock = this.lockFor(tag);
    if (this.grantIfPossible(lock, holder, mode, options.session === true)) return true;
    this.dropIfUnused(lock);
    return false;
  }

  /**
   * Releases one acquisition of `mode` on `tag` (transaction-level, or
   * session-level with `session`). Returns false, changing nothing, when the
   * holder holds none (PostgreSQL warns `you don't own a lock of type ...`).
   * When the last one goes, waiters that can now be granted are.
   */
  release(
    holder: number,
    tag: LockTag,
    mode: LockMode,
    options: { session?: boolean } = {},
  ): boolean {
    const lock = this.locks.get(lockTagKey(tag));
    const pl = lock?.holders.get(holder);
    if (lock === undefined || pl === undefined) return false;
    const counts = options.session === true ? pl.session : pl.xact;
    if (counts[mode]! === 0) return false;
    counts[mode]!--;
    if (pl.xact[mode]! + pl.session[mode]! === 0) {
      if (holdMaskOf(pl) === 0) this.forget(lock, holder);
      this.wakeup(lock);
    }
    this.dropIfUnused(lock);
    return true;
  }

  /**
   * LockReleaseAll at commit or abort: releases every transaction-level
   * lock of `holder` (and its session-level ones too with `session`, as at
   * the end of a session), first cancelling a wait it is in (57014), then
   * wakes the waiters of each lock in queue order.
   */
  releaseAll(holder: number, options: { session?: boolean } = {}): void {
    this.cancelWait(holder);
    const locks = this.held.get(holder);
    if (locks === undefined) return;
    for (const lock of [...locks]) {
      const pl = lock.holders.get(holder)!;
      pl.xact.fill(0);
      if (options.session === true) pl.session.fill(0);
      if (holdMaskOf(pl) === 0) this.forget(lock, holder);
      this.wakeup(lock);
      this.dropIfUnused(lock);
    }
  }

  /**
   * Ends `holder`'s wait without the lock (a statement cancelled, or
   * statement_timeout): its promise rejects with `error`, by default 57014
   * `canceling statement due to user request`. Returns false if it was
   * not waiting.
   */
  cancelWait(holder: number, error?: Error): boolean {
    const waiter = this.waiting.get(holder);
    if (waiter === undefined) return false;
    this.endWait(
      waiter,
      error ?? new MvccError(ERRCODE_QUERY_CANCELED, 'canceling statement due to user request'),
    );
    return true;
  }

  /** How many times `holder` holds `mode` on `tag` (both levels). */
  holdCount(holder: number, tag: LockTag, mode: LockMode): number {
    const pl = this.locks.get(lockTagKey(tag))?.holders.get(holder);
    return pl === undefined ? 0 : pl.xact[mode]! + pl.session[mode]!;
  }

  /** What `holder` waits for, if it waits. */
  waitingFor(holder: number): { readonly tag: LockTag; readonly mode: LockMode } | undefined {
    const w = this.waiting.get(holder);
    return w === undefined ? undefined : { tag: w.lock.tag, mode: w.mode };
  }

  /**
   * The lock table as pg_locks shows it: per lock, granted modes by holder
   * (in order of first grant, modes weakest first), then the waiters in
   * queue order.
   */
  lockStatus(): LockStatusRow[] {
    const rows: LockStatusRow[] = [];
    for (const lock of this.locks.values()) {
      for (const pl of lock.holders.values()) {
        for (const mode of LOCK_MODES) {
          const count = pl.xact[mode]! + pl.session[mode]!;
          if (count > 0)
            rows.push({ tag: lock.tag, holder: pl.holder, mode, granted: true, count });
        }
      }
      for (const w of lock.queue) {
        rows.push({
          tag: lock.tag,
          holder: w.holder,
          mode: w.mode,
          granted: false,
          count: 0,
          waitStart: w.start,
        });
      }
    }
    return rows;
  }

  /** Number of lock entries (tags with a holder or a waiter). */
  get size(): number {
    return this.locks.size;
  }

  /**
   * The cycle of the waits-for graph through a waiting holder, if there is
   * one, as the deadlock DETAIL would name it (the holder first, each step
   * blocked by the next); see lock-deadlock.ts for the edges.
   */
  findDeadlock(holder: number): DeadlockStep[] | undefined {
    if (!this.waiting.has(holder)) return undefined;
    return findCycle(this.view, holder)?.cycle;
  }

  /**
   * CheckDeadLock, run by a waiter's deadlock_timeout timer (tests may call
   * it directly). On a cycle that reordering wait queues cannot break (a
   * hard deadlock), the waiter alone leaves its queue and its promise
   * rejects with 40P01 `deadlock detected`, the DETAIL naming the processes
   * of the cycle: returns 'deadlock'. When reordering breaks every cycle (a
   * soft deadlock), the queues are reordered and their waiters woken as
   * their new order allows: returns 'rearranged'. Otherwise 'none'.
   */
  checkDeadlock(holder: number): 'none' | 'rearranged' | 'deadlock' {
    if (!this.waiting.has(holder)) return 'none';
    const result = deadlockCheck(this.view, holder);
    if (result.kind === 'none') return 'none';
    if (result.kind === 'soft') {
      for (const [key, order] of result.orders) {
        const lock = this.locks.get(key)!;
        const byHolder = new Map(lock.queue.map((w) => [w.holder, w]));
        lock.queue.splice(0, lock.queue.length, ...order.map((h) => byHolder.get(h)!));
        this.rearranged++;
        this.wakeup(lock);
      }
      return 'rearranged';
    }
    this.deadlocks++;
    this.endWait(this.waiting.get(holder)!, deadlockError(result.cycle));
    return 'deadlock';
  }

  /** The lock table as the deadlock check sees it. */
  private readonly view: WaitsForView = {
    waitOf: (proc) => {
      const w = this.waiting.get(proc);
      return w === undefined ? undefined : { lockKey: w.lock.key, tag: w.lock.tag, mode: w.mode };
    },
    holdMasks: (key) =>
      [...(this.locks.get(key)?.holders.values() ?? [])].map(
        (pl) => [pl.holder, holdMaskOf(pl)] as const,
      ),
    queue: (key) => this.locks.get(key)?.queue.map((w) => w.holder) ?? [],
  };

  // --- internals -----------------------------------------------------------

  private refuse(holder: number, mode: LockMode): MvccError | undefined {
    if (!isLockMode(mode))
      return new MvccError(ERRCODE_INTERNAL_ERROR, `unrecognized lock mode: ${mode}`);
    if (this.waiting.has(holder)) {
      return new MvccError(
        ERRCODE_INTERNAL_ERROR,
        `process ${holder} is already waiting for a lock`,
      );
    }
    return undefined;
  }

  private lockFor(tag: LockTag): LockState {
    const key = lockTagKey(tag);
    let lock = this.locks.get(key);
    if (lock === undefined) {
      lock = { tag, key, holders: new Map(), queue: [] };
      this.locks.set(key, lock);
    }
    return lock;
  }

  private dropIfUnused(lock: LockState): void {
    if (lock.holders.size === 0 && lock.queue.length === 0) this.locks.delete(lock.key);
  }

  private waitMask(lock: LockState): number {
    let mask = 0;
    for (const w of lock.queue) mask |= lockBit(w.mode);
    return mask;
  }

  /** LockCheckConflicts: whether `mode` conflicts with a mode another holder holds. */
  private conflictsWithGranted(lock: LockState, holder: number, mode: LockMode): boolean {
    const conflicts = conflictMask(mode);
    for (const pl of lock.holders.values()) {
      if (pl.holder !== holder && (holdMaskOf(pl) & conflicts) !== 0) return true;
    }
    return false;
  }

  private grant(lock: LockState, holder: number, mode: LockMode, session: boolean): void {
    let pl = lock.holders.get(holder);
    if (pl === undefined) {
      pl = newProcLock(holder);
      lock.holders.set(holder, pl);
      let set = this.held.get(holder);
      if (set === undefined) {
        set = new Set();
        this.held.set(holder, set);
      }
      set.add(lock);
    }
    (session ? pl.session : pl.xact)[mode]!++;
  }

  private forget(lock: LockState, holder: number): void {
    lock.holders.delete(holder);
    const set = this.held.get(holder);
    set?.delete(lock);
    if (set?.size === 0) this.held.delete(holder);
  }

  /** Steps 1 and 2 of acquiring: grants and returns true when no wait is needed. */
  private grantIfPossible(
    lock: LockState,
    holder: number,
    mode: LockMode,
    session: boolean,
  ): boolean {
    const pl = lock.holders.get(holder);
    const alreadyHeld = pl !== undefined && pl.xact[mode]! + pl.session[mode]! > 0;
    if (
      alreadyHeld ||
      ((conflictMask(mode) & this.waitMask(lock)) === 0 &&
        !this.conflictsWithGranted(lock, holder, mode))
    ) {
      this.grant(lock, holder, mode, session);
      return true;
    }
    return false;
  }

  /** ProcSleep: queue the waiter (or grant, or fail early), then arm its timers. */
  private sleep(waiter: Waiter, timeoutMs: number, deadlockTimeoutMs: number): void {
    const { lock, holder, mode } = waiter;
    const pl = lock.holders.get(holder);
    const myHeld = pl === undefined ? 0 : holdMaskOf(pl);
    let at = lock.queue.length;
    if (myHeld !== 0) {
      let aheadRequests = 0;
      for (let i = 0; i < lock.queue.length; i++) {
        const other = lock.queue[i]!;
        // Must he wait for me?
        if ((conflictMask(other.mode) & myHeld) !== 0) {
          const hisHeld = lock.holders.get(other.holder);
          // Must I wait for him? Then it is a deadlock of two, found at once.
          if (hisHeld !== undefined && (conflictMask(mode) & holdMaskOf(hisHeld)) !== 0) {
            this.deadlocks++;
            this.dropIfUnused(lock);
            waiter.reject(
              deadlockError([
                { holder, mode, tag: lock.tag },
                { holder: other.holder, mode: other.mode, tag: lock.tag },
              ]),
            );
            return;
          }
          // I go before him; maybe I need not wait at all.
          if (
            (conflictMask(mode) & aheadRequests) === 0 &&
            !this.conflictsWithGranted(lock, holder, mode)
          ) {
            this.grant(lock, holder, mode, waiter.session);
            waiter.resolve();
            return;
          }
          at = i;
          break;
        }
        aheadRequests |= lockBit(other.mode);
      }
    }
    lock.queue.splice(at, 0, waiter);
    this.waiting.set(holder, waiter);
    if (Number.isFinite(deadlockTimeoutMs) && deadlockTimeoutMs >= 0) {
      waiter.timers.push(
        this.clock.setTimer(() => {
          if (this.waiting.get(holder) === waiter) this.checkDeadlock(holder);
        }, deadlockTimeoutMs),
      );
    }
    if (timeoutMs > 0) {
      waiter.timers.push(
        this.clock.setTimer(() => {
          if (this.waiting.get(holder) !== waiter) return;
          this.endWait(
            waiter,
            new MvccError(ERRCODE_LOCK_NOT_AVAILABLE, 'canceling statement due to lock timeout'),
          );
        }, timeoutMs),
      );
    }
  }

  private clearTimers(waiter: Waiter): void {
    for (const t of waiter.timers) this.clock.clearTimer(t);
    waiter.timers = [];
  }

  /** RemoveFromWaitQueue + CleanUpLock: the waiter leaves without the lock; the rest may move. */
  private endWait(waiter: Waiter, error: Error): void {
    const { lock } = waiter;
    const i = lock.queue.indexOf(waiter);
    if (i >= 0) lock.queue.splice(i, 1);
    this.waiting.delete(waiter.holder);
    this.clearTimers(waiter);
    waiter.reject(error);
    this.wakeup(lock);
    this.dropIfUnused(lock);
  }

  /** ProcLockWakeup: grant, in queue order, each waiter nothing before it or granted blocks. */
  private wakeup(lock: LockState): void {
    let aheadRequests = 0;
    for (const w of [...lock.queue]) {
      if (
        (conflictMask(w.mode) & aheadRequests) === 0 &&
        !this.conflictsWithGranted(lock, w.holder, w.mode)
      ) {
        lock.queue.splice(lock.queue.indexOf(w), 1);
        this.waiting.delete(w.holder);
        this.clearTimers(w);
        this.grant(lock, w.holder, w.mode, w.session);
        w.resolve();
      } else {
        aheadRequests |= lockBit(w.mode);
      }
    }
  }
}
