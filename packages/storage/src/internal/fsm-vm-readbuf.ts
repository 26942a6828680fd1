/**
 * What the free space map and the visibility map share: reading a map page
 * through the buffer pool as fsm_readbuf() and vm_readbuf() do.
 */
import { Page } from '@pg/page';
import type { BufferPool } from './buffer-pool.js';
import { ERRCODE_DATA_CORRUPTED, StorageError } from './errors.js';
import type { ForkNumber, RelFileLocator } from './relfile.js';

/** Counters a map keeps for tests and monitoring. */
export interface MapStats {
  /**
   * Pages that failed verification (a torn write, a bad checksum) and were
   * read as zeros instead (RBM_ZERO_ON_ERROR). PostgreSQL logs a WARNING
   * `invalid page in block N of relation R; zeroing out page` for each.
   */
  zeroedPages: number;
  /** Pages whose tree was rebuilt because a parent promised space no child had (FSM only). */
  corruptPagesFixed: number;
  /** Upper-level slots lowered by a search that found less below them (FSM only). */
  upperSlotsFixed: number;
  /** Slots of heap blocks past the end of the relation zeroed by a search (FSM only). */
  pastEndSlotsFixed: number;
}

export function newMapStats(): MapStats {
  return { zeroedPages: 0, corruptPagesFixed: 0, upperSlotsFixed: 0, pastEndSlotsFixed: 0 };
}

/** The pool's verification error for a page it read (not a short read or an I/O error). */
function isInvalidPage(err: unknown): boolean {
  return (
    err instanceof StorageError &&
    err.code === ERRCODE_DATA_CORRUPTED &&
    err.message.startsWith('invalid page in block')
  );
}

/**
 * Block `block` of a map fork, pinned but not locked (fsm_readbuf /
 * vm_readbuf), or -1 if the fork is shorter and `extend` is false. With
 * `extend`, the fork is created if it does not exist and extended with
 * zero pages up to and including the block (fsm_extend / vm_extend; neither
 * is WAL-logged, as in PostgreSQL).
 *
 * A page that fails verification is read as zeros (RBM_ZERO_ON_ERROR): the
 * maps are hints or are rebuilt by redo, so losing a page is safe and an
 * error would stop inserts and vacuums. A new (all-zero) page is
 * initialised in the buffer, PageInit(page, BLCKSZ, 0), without marking
 * it dirty: until something is stored in it, the zeros on disk mean the
 * same thing.
 */
export function readMapBuffer(
  pool: BufferPool,
  rel: RelFileLocator,
  fork: ForkNumber,
  block: number,
  extend: boolean,
  stats: MapStats,
): number {
  let buffer: number;
  if (pool.lookup(rel, fork, block) !== undefined) {
    buffer = pool.readBuffer(rel, fork, block);
  } else {
    const smgr = pool.smgr;
    const nblocks = smgr.exists(rel, fork) ? smgr.nblocks(rel, fork) : 0;
    if (block >= nblocks) {
      if (!extend) return -1;
      buffer = extendMapFork(pool, rel, fork, block + 1);
    } else {
      try {
        buffer = pool.readBuffer(rel, fork, block);
      } catch (err) {
        if (!isInvalidPage(err)) throw err;
        stats.zeroedPages++;
        buffer = pool.readBuffer(rel, fork, block, { mode: 'zero' });
      }
    }
  }
  const page = pool.page(buffer);
  if (page.isNew()) {
    pool.lock(buffer, 'exclusive');
    if (page.isNew()) Page.init(pool.bytes(buffer));
    pool.unlock(buffer);
  }
  return buffer;
}

/**
 * Extends a map fork with zero pages until it has `nblocks` blocks,
 * creating it first if needed, and returns the last block pinned.
 */
function extendMapFork(
  pool: BufferPool,
  rel: RelFileLocator,
  fork: ForkNumber,
  nblocks: number,
): number {
  const smgr = pool.smgr;
  if (!smgr.exists(rel, fork)) smgr.create(rel, fork);
  let last = -1;
  while (smgr.nblocks(rel, fork) < nblocks) {
    if (last >= 0) pool.release(last);
    last = pool.extend(rel, fork);
  }
  return last >= 0 ? last : pool.readBuffer(rel, fork, nblocks - 1);
}
