/**
 * The deadlock check: PostgreSQL 15's src/backend/storage/lmgr/deadlock.c
 * (DeadLockCheck, DeadLockCheckRecurse, TestConfiguration, FindLockCycle,
 * ExpandConstraints, TopoSort), without lock groups (no parallel query).
 *
 * The waits-for graph has an edge from every waiting process to
 *
 * - every other process holding a mode on the awaited lock that conflicts
 *   with the awaited mode: a hard edge, only its holder's commit or abort
 *   can remove it;
 * - every process ahead of it in the same wait queue waiting for a
 *   conflicting mode: a soft edge, which reordering the queue can remove.
 *
 * The search looks for a cycle back to the checking process. A cycle of
 * hard edges only is a deadlock. A cycle with soft edges may be broken by
 * reordering queues: each soft edge (W waits behind B) is tried in turn as
 * a constraint "W goes before B", the queues are topologically sorted to
 * satisfy every constraint so far (keeping the old order otherwise), and
 * the search runs again on the reordered queues, recursively, until no
 * cycle through the checking process or through any process named in the
 * constraints remains (then the reordering is applied: a soft deadlock,
 * resolved) or every choice leads to a hard cycle (a hard deadlock: the
 * checking process is the victim). The report names the cycle as found in
 * the queues as they are, before any reordering.
 *
 * This is correct because a soft edge only exists while the queue order
 * says W is behind B; putting W first turns the edge around (B then waits
 * for W's request to be granted first, a soft edge the other way) and
 * nothing else about the graph changes.
 */

import type { LockMode, LockTag } from './lock-modes.js';
import { conflictMask, lockBit } from './lock-modes.js';

/** One step of a deadlock cycle: `holder` waits for `mode` on `tag`, blocked by the next step's holder. */
export interface DeadlockStep {
  readonly holder: number;
  readonly mode: LockMode;
  readonly tag: LockTag;
}

/** What the check needs to see of the lock table. */
export interface WaitsForView {
  /** The lock a process waits for, if it waits. */
  waitOf(
    proc: number,
  ): { readonly lockKey: string; readonly tag: LockTag; readonly mode: LockMode } | undefined;
  /** The holders of a lock with the masks of the modes each holds. */
  holdMasks(lockKey: string): Iterable<readonly [holder: number, holdMask: number]>;
  /** The processes waiting on a lock, first in line first. */
  queue(lockKey: string): readonly number[];
}

export type DeadlockCheckResult =
  | { readonly kind: 'none' }
  /** The checking process is on a cycle that no reordering breaks: it is the victim. */
  | { readonly kind: 'hard'; readonly cycle: readonly DeadlockStep[] }
  /** Reordering these queues (new order of processes, by lock key) breaks every cycle. */
  | { readonly kind: 'soft'; readonly orders: ReadonlyMap<string, readonly number[]> };

/** A soft edge: `waiter` is behind `blocker` in the queue of `lockKey`; as a constraint, the other way round. */
export interface Edge {
  readonly waiter: number;
  readonly blocker: number;
  readonly lockKey: string;
}

/** Constraints tried at once at most (PostgreSQL: MaxBackends); past it a cycle counts as hard. */
const MAX_CONSTRAINTS = 64;
/** Cycle searches one check may run; past it the check gives up and reports a hard deadlock. */
const MAX_SEARCHES = 10_000;

/**
 * TopoSort: an order of `queue` in which every constraint's waiter comes
 * before its blocker, as close to the old order as PostgreSQL's makes it
 * (filled from the back, each time with the last process not constrained
 * to precede one still unplaced), or undefined when the constraints form a
 * cycle.
 */
export function topoSort(
  queue: readonly number[],
  constraints: readonly Edge[],
): number[] | undefined {
  const n = queue.length;
  const index = new Map<number, number>();
  queue.forEach((p, i) => {
    index.set(p, i);
  });
  const before = new Array<number>(n).fill(0);
  const after: number[][] = queue.map(() => []);
  for (const c of constraints) {
    const w = index.get(c.waiter);
    const b = index.get(c.blocker);
    if (w === undefined || b === undefined) return undefined;
    before[w]!++;
    after[b]!.push(w);
  }
  const placed = new Array<boolean>(n).fill(false);
  const out = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let j = n - 1;
    while (j >= 0 && (placed[j] || before[j]! > 0)) j--;
    if (j < 0) return undefined;
    out[i] = queue[j]!;
    placed[j] = true;
    for (const w of after[j]!) before[w]!--;
  }
  return out;
}

/**
 * FindLockCycle: a cycle of the waits-for graph back to `from`, depth first
 * (hard edges before soft ones, holders in order of first grant), with the
 * queues of `waitOrders` in place of the real ones: the steps (`from`
 * first, each blocked by the next) and the soft edges on it.
 */
export function findCycle(
  view: WaitsForView,
  from: number,
  waitOrders: ReadonlyMap<string, readonly number[]> = new Map(),
): { readonly cycle: DeadlockStep[]; readonly soft: Edge[] } | undefined {
  const visited = new Set<number>();
  const path: DeadlockStep[] = [];
  const soft: Edge[] = [];
  const recurse = (proc: number): boolean => {
    if (visited.has(proc)) return proc === from;
    visited.add(proc);
    const wait = view.waitOf(proc);
    if (wait === undefined) return false;
    const conflicts = conflictMask(wait.mode);
    path.push({ holder: proc, mode: wait.mode, tag: wait.tag });
    // hard edges: other holders of conflicting modes
    for (const [holder, mask] of view.holdMasks(wait.lockKey)) {
      if (holder !== proc && (mask & conflicts) !== 0 && recurse(holder)) return true;
    }
    // soft edges: waiters ahead in the queue asking for conflicting modes
    for (const other of waitOrders.get(wait.lockKey) ?? view.queue(wait.lockKey)) {
      if (other === proc) break;
      const otherWait = view.waitOf(other);
      if (
        otherWait !== undefined &&
        (conflicts & lockBit(otherWait.mode)) !== 0 &&
        recurse(other)
      ) {
        soft.push({ waiter: proc, blocker: other, lockKey: wait.lockKey });
        return true;
      }
    }
    path.pop();
    return false;
  };
  return recurse(from) ? { cycle: path, soft } : undefined;
}

/** DeadLockCheck for the waiting process `start`. */
export function deadlockCheck(view: WaitsForView, start: number): DeadlockCheckResult {
  let waitOrders = new Map<string, readonly number[]>();
  const current: Edge[] = [];
  let searches = 0;
  let lastSoft: Edge[] = [];

  const findLockCycle = (from: number) => {
    searches++;
    return findCycle(view, from, waitOrders);
  };

  /** ExpandConstraints: the wait orders that satisfy `constraints`, or false. */
  const expandConstraints = (constraints: readonly Edge[]): boolean => {
    waitOrders = new Map();
    const byLock = new Map<string, Edge[]>();
    for (const c of constraints) byLock.set(c.lockKey, [...(byLock.get(c.lockKey) ?? []), c]);
    for (const [lockKey, cs] of byLock) {
      const order = topoSort(view.queue(lockKey), cs);
      if (order === undefined) return false;
      waitOrders.set(lockKey, order);
    }
    return true;
  };

  /** TestConfiguration: -1 for a hard cycle, else the soft edges of a cycle found (0: none). */
  const testConfiguration = (): number => {
    if (searches > MAX_SEARCHES) return -1;
    if (!expandConstraints(current)) return -1;
    let softFound = 0;
    for (const p of [start, ...current.flatMap((c) => [c.waiter, c.blocker])]) {
      const found = findLockCycle(p);
      if (found === undefined) continue;
      if (found.soft.length === 0) return -1;
      softFound = found.soft.length;
      lastSoft = found.soft;
    }
    return softFound;
  };

  /** DeadLockCheckRecurse: true when no reordering avoids a deadlock. */
  const recurse = (): boolean => {
    const n = testConfiguration();
    if (n < 0) return true;
    if (n === 0) return false;
    if (current.length >= MAX_CONSTRAINTS) return true;
    const edges = lastSoft;
    for (const e of edges) {
      current.push(e);
      if (!recurse()) return false;
      current.pop();
    }
    return true;
  };

  if (recurse()) {
    waitOrders = new Map();
    const found = findLockCycle(start);
    // a hard cycle found with reorderings is there without them too
    return found === undefined ? { kind: 'none' } : { kind: 'hard', cycle: found.cycle };
  }
  return waitOrders.size === 0 ? { kind: 'none' } : { kind: 'soft', orders: waitOrders };
}
