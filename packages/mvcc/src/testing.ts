/** Test-only helpers: invariant checkers for snapshots and the lock manager. */
export { checkLockManager } from './internal/lock-check.js';
export { checkSnapshot, type SnapshotViolation } from './internal/snapshot.js';
