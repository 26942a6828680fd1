import type { LockManager } from './lock.js';
import { lockModeName, lockModesConflict, lockTagKey } from './lock-modes.js';

/**
 * Checks the lock manager's invariants on its pg_locks view
 * ({@link LockManager.lockStatus}) and returns what is broken, one line
 * per violation, citing the invariant:
 *
 * - L1: two different holders never hold conflicting modes on one lock.
 * - L2: every waiter is blocked: its mode conflicts with a mode another
 *   holder holds, or with the mode of a waiter ahead of it (no lost wakeup).
 * - L3: a holder waits for at most one lock, and waitingFor() says which.
 * - L4: granted rows have positive counts; every lock entry has a row.
 * - L5: nobody waits for a mode it already holds on that lock.
 */
export function checkLockManager(mgr: LockManager): string[] {
  const out: string[] = [];
  const rows = mgr.lockStatus();
  const byTag = new Map<string, typeof rows>();
  for (const row of rows) {
    const key = lockTagKey(row.tag);
    let list = byTag.get(key);
    if (list === undefined) {
      list = [];
      byTag.set(key, list);
    }
    list.push(row);
  }
  if (byTag.size !== mgr.size) out.push(`L4: ${mgr.size} lock entries but ${byTag.size} with rows`);
  const waiters = new Map<number, string>();
  for (const [key, list] of byTag) {
    const granted = list.filter((r) => r.granted);
    const queue = list.filter((r) => !r.granted);
    for (const g of granted) {
      if (g.count <= 0)
        out.push(`L4: ${key}: holder ${g.holder} ${lockModeName(g.mode)} count ${g.count}`);
      for (const h of granted) {
        if (g.holder < h.holder && lockModesConflict(g.mode, h.mode)) {
          out.push(
            `L1: ${key}: ${g.holder} holds ${lockModeName(g.mode)}, ${h.holder} holds ${lockModeName(h.mode)}`,
          );
        }
      }
    }
    queue.forEach((w, i) => {
      const blockedByGranted = granted.some(
        (g) => g.holder !== w.holder && lockModesConflict(g.mode, w.mode),
      );
      const blockedByAhead = queue.slice(0, i).some((a) => lockModesConflict(a.mode, w.mode));
      if (!blockedByGranted && !blockedByAhead) {
        out.push(
          `L2: ${key}: ${w.holder} waits for ${lockModeName(w.mode)} though nothing blocks it`,
        );
      }
      if (granted.some((g) => g.holder === w.holder && g.mode === w.mode)) {
        out.push(`L5: ${key}: ${w.holder} waits for ${lockModeName(w.mode)} which it holds`);
      }
      if (waiters.has(w.holder))
        out.push(`L3: ${w.holder} waits on ${waiters.get(w.holder)} and ${key}`);
      waiters.set(w.holder, key);
      const wf = mgr.waitingFor(w.holder);
      if (wf === undefined || lockTagKey(wf.tag) !== key || wf.mode !== w.mode) {
        out.push(`L3: ${w.holder} is queued on ${key} but waitingFor() disagrees`);
      }
    });
  }
  return out;
}
