/**
 * Unlogged relations (issue 9, H): PostgreSQL's init fork and
 * ResetUnloggedRelations (storage/file/reinit.c).
 *
 * An unlogged relation's data pages are never WAL-logged. Beside its main
 * fork it has an init fork, `<relfilenode>_init`, written when the relation
 * is created and WAL-logged (its creation record and a full-page image of
 * each of its pages), so it survives any crash: for a table it is empty,
 * for an index it holds the pages of the empty index (a B-tree's metapage).
 *
 * After a crash (startup ran recovery from a state other than a clean
 * shutdown) every relation with an init fork is reset: its main, FSM and VM
 * forks are removed and the main fork becomes a copy of the init fork, made
 * durable at once. After a clean shutdown nothing is reset: the data the
 * shutdown checkpoint wrote is kept.
 *
 * Invariants:
 *   U1. A relation has an init fork exactly when it is unlogged.
 *   U2. After a reset, main fork = init fork, byte for byte; no FSM or VM fork.
 */
import type { BufferPool } from './buffer-pool.js';
import { BLCKSZ, ForkNumber, type RelFileLocator } from './relfile.js';
import { createFork, logNewPages } from './storage-rmgr.js';
import type { XLogInserter } from './xlog-insert.js';

/**
 * Creates `rel`'s init fork holding `pages` (heap_create_init_fork and
 * ambuildempty): the creation is logged, and each page goes through the
 * buffer pool with a full-page image, so recovery rebuilds the fork.
 */
export function createInitFork(
  inserter: XLogInserter,
  rel: RelFileLocator,
  pages: readonly Uint8Array[] = [],
): void {
  const pool = inserter.pool;
  createFork(inserter, rel, ForkNumber.init);
  for (const page of pages) {
    const buffer = pool.extend(rel, ForkNumber.init);
    pool.lock(buffer, 'exclusive');
    try {
      pool.bytes(buffer).set(page.subarray(0, BLCKSZ));
      logNewPages(inserter, [buffer]);
    } finally {
      pool.unlockRelease(buffer);
    }
  }
}

/** The current pages of `rel`'s main fork, copied (what an init fork of a just-created index holds). */
export function mainForkPages(pool: BufferPool, rel: RelFileLocator): Uint8Array[] {
  const out: Uint8Array[] = [];
  const n = pool.smgr.nblocks(rel, ForkNumber.main);
  for (let block = 0; block < n; block++) {
    const buffer = pool.readBuffer(rel, ForkNumber.main, block);
    try {
      pool.lock(buffer, 'share');
      out.push(pool.bytes(buffer).slice());
      pool.unlock(buffer);
    } finally {
      pool.release(buffer);
    }
  }
  return out;
}

/**
 * ResetUnloggedRelations for one relation: when it has an init fork, drops
 * its buffers, removes its main, FSM and VM forks and copies the init fork
 * to a new main fork, synced (U2). Returns whether it was reset.
 */
export function resetUnloggedRelation(pool: BufferPool, rel: RelFileLocator): boolean {
  const smgr = pool.smgr;
  if (!smgr.exists(rel, ForkNumber.init)) return false;
  pool.flushRelation(rel); // the init fork's pages reach the file first
  for (const fork of [ForkNumber.main, ForkNumber.fsm, ForkNumber.vm]) {
    pool.dropRelation(rel, fork);
    if (smgr.exists(rel, fork)) smgr.unlink(rel, fork);
  }
  pool.dropRelation(rel, ForkNumber.init);
  smgr.create(rel, ForkNumber.main);
  const page = new Uint8Array(BLCKSZ);
  const n = smgr.nblocks(rel, ForkNumber.init);
  for (let block = 0; block < n; block++) {
    smgr.read(rel, ForkNumber.init, block, page);
    smgr.extend(rel, ForkNumber.main, block, page);
  }
  smgr.immedsync(rel, ForkNumber.main);
  return true;
}
