/**
 * The time source of the lock manager: deadlock_timeout and lock_timeout
 * are timers on a clock, so tests can use a {@link ManualClock} and step
 * time by hand, deterministically and without sleeping.
 */
export interface LockClock {
  /** Milliseconds since some fixed point. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now; returns a handle for {@link clearTimer}. */
  setTimer(fn: () => void, ms: number): unknown;
  /** Cancels a timer that has not fired (a no-op for one that has). */
  clearTimer(handle: unknown): void;
}

/** The real clock: Date.now() and the event loop's timers. */
export const systemClock: LockClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface ManualTimer {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to. `advance(ms)` fires the timers that
 * fall due, in order of due time and then of creation, with `now()` set to
 * each one's due time while it runs; timers set by a firing timer fire in
 * the same call if they fall due within it.
 */
export class ManualClock implements LockClock {
  private time: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const timer: ManualTimer = {
      due: this.time + Math.max(0, ms),
      seq: this.seq++,
      fn,
      cancelled: false,
    };
    this.timers.push(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    const timer = handle as ManualTimer;
    timer.cancelled = true;
    this.timers = this.timers.filter((t) => t !== timer);
  }

  /** Timers set and not yet fired or cleared. */
  pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing what falls due. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.timers) {
        if (t.due > end) continue;
        if (next === undefined || t.due < next.due || (t.due === next.due && t.seq < next.seq)) {
          next = t;
        }
      }
      if (next === undefined) break;
      const fired = next;
      this.timers = this.timers.filter((t) => t !== fired);
      this.time = Math.max(this.time, fired.due);
      fired.fn();
    }
    this.time = end;
  }
}
