/**
 * The free space map (PostgreSQL 15's src/backend/storage/freespace/:
 * freespace.c, fsmpage.c, README): one byte per heap page saying roughly how
 * much free space it has, kept in the relation's _fsm fork so that an
 * insert finds a page with room without reading the heap.
 *
 * Categories. A page's free space is stored as a category 0..255, in steps
 * of FSM_CAT_STEP (32) bytes, rounded down; 255 means at least
 * MaxFSMRequestSize (MaxHeapTupleSize, 8160) bytes:
 *
 *   bytes free      category     bytes reported (lower bound)
 *   0    .. 31        0             0
 *   32   .. 63        1            32
 *   ...
 *   8096 .. 8127    253          8096
 *   8128 .. 8159    254          8128
 *   8160 .. 8191    255          8160
 *
 * A search for n bytes rounds the other way (fsm_space_needed_to_cat), so a
 * page found always has at least n bytes as last recorded.
 *
 * The tree of pages. Each FSM page (fsm-page.ts) holds a binary tree whose
 * 4069 leaves are slots; a slot of a leaf page is one heap page, a slot of
 * an upper page is the root value of one child page. The tree always has
 * three levels (4069^3 > 2^32 heap pages), stored depth-first, root first:
 *
 *   block 0      root          (level 2, page 0)
 *   block 1        level 1, page 0
 *   block 2          leaf 0     heap blocks 0 .. 4068
 *   block 3          leaf 1     heap blocks 4069 .. 8137
 *   ...
 *   block 4070       leaf 4068
 *   block 4071     level 1, page 1
 *   block 4072       leaf 4069
 *   ...
 *
 * The physical block of page n of level l is the number of pages that
 * precede it in that order (fsm_logical_to_physical).
 *
 * Updates and searches. Recording a heap page's free space sets its leaf
 * slot and bubbles the change up within that leaf page only; upper pages
 * learn about it from FreeSpaceMapVacuum(Range), which recomputes each
 * upper slot from its child page. Until then new space may be invisible to
 * searches, and a search may descend into a child with less than its
 * parent promised: it then lowers the parent's slot and restarts from the
 * root. A search never returns a heap block past the end of the main fork
 * (a crash can leave the FSM ahead of the heap): such a slot is zeroed and
 * the search restarts (fsm_does_block_exist, PostgreSQL 15.8).
 *
 * Not WAL-logged. As in PostgreSQL the FSM is a hint: nothing is logged for
 * it, its pages are dirtied as hints (MarkBufferDirtyHint), pages that fail
 * verification are read as zeros, torn pages are repaired by the checks
 * above, and redo of heap records records free space again
 * (XLogRecordPageWithFreeSpace is {@link FreeSpaceMap.recordFreeSpace} on
 * the recovery pool). Losing the FSM loses no data, only placement.
 */
import { BLCKSZ, maxAlign, SIZE_OF_ITEM_ID, SIZE_OF_PAGE_HEADER } from '@pg/page';
import type { BufferPool } from './buffer-pool.js';
import { ERRCODE_INTERNAL_ERROR, StorageError } from './errors.js';
import {
  checkFsmPage,
  fsmGetAvail,
  fsmGetMaxAvail,
  fsmRebuildPage,
  fsmSearchAvail,
  fsmSetAvail,
  fsmSetNextSlot,
  fsmTruncateAvail,
  type MapViolation,
  SLOTS_PER_FSM_PAGE,
} from './fsm-page.js';
import { type MapStats, newMapStats, readMapBuffer } from './fsm-vm-readbuf.js';
import { ForkNumber, type RelFileLocator } from './relfile.js';
import { INVALID_BLOCK_NUMBER } from './smgr-memory.js';

/** Number of categories: one byte per heap page. */
export const FSM_CATEGORIES = 256;
/** Bytes per category: BLCKSZ / FSM_CATEGORIES. */
export const FSM_CAT_STEP = BLCKSZ / FSM_CATEGORIES;
/**
 * MaxFSMRequestSize = MaxHeapTupleSize = BLCKSZ - MAXALIGN(SizeOfPageHeaderData
 * + sizeof(ItemIdData)): 8160, the largest request, and category 255.
 */
export const MAX_FSM_REQUEST_SIZE = BLCKSZ - maxAlign(SIZE_OF_PAGE_HEADER + SIZE_OF_ITEM_ID);
/** FSM_TREE_DEPTH: three levels of pages for 8 KiB pages. */
export const FSM_TREE_DEPTH = SLOTS_PER_FSM_PAGE >= 1626 ? 3 : 4;
export const FSM_ROOT_LEVEL = FSM_TREE_DEPTH - 1;
export const FSM_BOTTOM_LEVEL = 0;
/** fsm_search's emergency valve: give up after this many restarts. */
const MAX_RESTARTS = 10000;

/** A page of the tree by level (0 = leaves) and number within its level (FSMAddress). */
export interface FsmAddress {
  readonly level: number;
  readonly logpageno: number;
}

const FSM_ROOT_ADDRESS: FsmAddress = { level: FSM_ROOT_LEVEL, logpageno: 0 };

function internal(message: string): StorageError {
  return new StorageError(ERRCODE_INTERNAL_ERROR, message);
}

/** A heap block number: 0 .. 0xFFFFFFFE. */
function checkHeapBlock(block: number): void {
  if (!Number.isInteger(block) || block < 0 || block >= INVALID_BLOCK_NUMBER) {
    throw internal(`invalid heap block ${block}`);
  }
}

/** A number of heap blocks, or the end of a range: 0 .. 0xFFFFFFFF. */
function checkHeapBlockCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > INVALID_BLOCK_NUMBER) {
    throw internal(`invalid ${what} ${n}`);
  }
}

// ------------------------------------------------------------------ categories

/** fsm_space_avail_to_cat: the category of a page with `avail` bytes free (rounds down). */
export function fsmSpaceAvailToCat(avail: number): number {
  if (!Number.isInteger(avail) || avail < 0 || avail >= BLCKSZ) {
    throw internal(`invalid amount of free space ${avail}`);
  }
  if (avail >= MAX_FSM_REQUEST_SIZE) return 255;
  return Math.min(Math.floor(avail / FSM_CAT_STEP), 254);
}

/** fsm_space_cat_to_avail: the lower bound of a category's range, in bytes. */
export function fsmSpaceCatToAvail(cat: number): number {
  return cat === 255 ? MAX_FSM_REQUEST_SIZE : cat * FSM_CAT_STEP;
}

/**
 * fsm_space_needed_to_cat: the category a page needs to hold `needed`
 * bytes (rounds up; 0 bytes needs category 1). More than
 * MaxFSMRequestSize is XX000 `invalid FSM request size N`.
 */
export function fsmSpaceNeededToCat(needed: number): number {
  if (!Number.isInteger(needed) || needed < 0 || needed > MAX_FSM_REQUEST_SIZE) {
    throw internal(`invalid FSM request size ${needed}`);
  }
  if (needed === 0) return 1;
  return Math.min(Math.ceil(needed / FSM_CAT_STEP), 255);
}

// ------------------------------------------------------------------ addressing

/** fsm_logical_to_physical: the block number of an FSM page. */
export function fsmLogicalToPhysical(addr: FsmAddress): number {
  // The first leaf page below this page...
  let leafno = addr.logpageno;
  for (let l = 0; l < addr.level; l++) leafno *= SLOTS_PER_FSM_PAGE;
  // ...and the pages of every level needed to reach it.
  let pages = 0;
  for (let l = 0; l < FSM_TREE_DEPTH; l++) {
    pages += leafno + 1;
    leafno = Math.floor(leafno / SLOTS_PER_FSM_PAGE);
  }
  // Asked for an upper page: do not count the pages below it.
  pages -= addr.level;
  return pages - 1;
}

/** fsm_get_location: the leaf page and slot of a heap block. */
export function fsmGetLocation(heapBlock: number): { addr: FsmAddress; slot: number } {
  return {
    addr: { level: FSM_BOTTOM_LEVEL, logpageno: Math.floor(heapBlock / SLOTS_PER_FSM_PAGE) },
    slot: heapBlock % SLOTS_PER_FSM_PAGE,
  };
}

/** fsm_get_heap_blk: the heap block of a leaf page's slot. */
export function fsmGetHeapBlock(addr: FsmAddress, slot: number): number {
  return addr.logpageno * SLOTS_PER_FSM_PAGE + slot;
}

/** fsm_get_parent: the parent page of a page and the slot that stands for it there. */
export function fsmGetParent(child: FsmAddress): { addr: FsmAddress; slot: number } {
  return {
    addr: { level: child.level + 1, logpageno: Math.floor(child.logpageno / SLOTS_PER_FSM_PAGE) },
    slot: child.logpageno % SLOTS_PER_FSM_PAGE,
  };
}

/** fsm_get_child: the child page a slot of an upper page stands for. */
export function fsmGetChild(parent: FsmAddress, slot: number): FsmAddress {
  return { level: parent.level - 1, logpageno: parent.logpageno * SLOTS_PER_FSM_PAGE + slot };
}

// ------------------------------------------------------------------ the map

/**
 * The free space map of relations whose forks live in `pool`'s storage
 * manager: PostgreSQL's freespace.c interface. Every page goes through the
 * buffer pool (pin, content lock, dirty mark), so it is cached and written
 * by checkpoints and eviction like any other page, with checksums when the
 * pool has them on.
 *
 * Concurrency: each call holds at most one FSM content lock at a time, and
 * releases every pin before it returns (a vacuum pins one page per level
 * while it recurses). Searches update fp_next_slot under a share lock
 * without dirtying the page: it is a hint, as in PostgreSQL.
 *
 * Durability: none of its own (see the file comment): changes are hints
 * that reach disk when the pool writes the page.
 */
export class FreeSpaceMap {
  readonly pool: BufferPool;
  /** What corruption and fix-ups the map has met. */
  readonly stats: MapStats = newMapStats();

  constructor(pool: BufferPool) {
    this.pool = pool;
  }

  /**
   * GetPageWithFreeSpace: a heap block with at least `spaceNeeded` bytes
   * free as last recorded, or INVALID_BLOCK_NUMBER (0xFFFFFFFF): then
   * extend the relation. The caller must check the page, which may have
   * filled up since, and report what it found with
   * {@link FreeSpaceMap.recordAndGetPageWithFreeSpace}. Never returns a
   * block at or past the end of the main fork, which must exist (58P01
   * otherwise, as RelationGetNumberOfBlocks would raise).
   */
  getPageWithFreeSpace(rel: RelFileLocator, spaceNeeded: number): number {
    return this.search(rel, fsmSpaceNeededToCat(spaceNeeded));
  }

  /**
   * RecordAndGetPageWithFreeSpace: records that `oldPage` has
   * `oldSpaceAvail` bytes free (it was too full), then searches, preferring
   * a page on the same FSM leaf page, that is a heap block near `oldPage`.
   */
  recordAndGetPageWithFreeSpace(
    rel: RelFileLocator,
    oldPage: number,
    oldSpaceAvail: number,
    spaceNeeded: number,
  ): number {
    checkHeapBlock(oldPage);
    const oldCat = fsmSpaceAvailToCat(oldSpaceAvail);
    const searchCat = fsmSpaceNeededToCat(spaceNeeded);
    const { addr, slot } = fsmGetLocation(oldPage);
    const found = this.setAndSearch(rel, addr, slot, oldCat, searchCat);
    if (found !== -1) {
      const block = fsmGetHeapBlock(addr, found);
      if (this.blockExists(rel, block)) return block;
    }
    return this.search(rel, searchCat);
  }

  /**
   * RecordPageWithFreeSpace: records that heap block `heapBlock` has
   * `spaceAvail` bytes free (0 ≤ spaceAvail < 8192). The FSM fork is
   * created and extended as needed. More space than before may stay
   * invisible to searches until the next {@link FreeSpaceMap.vacuum}.
   */
  recordFreeSpace(rel: RelFileLocator, heapBlock: number, spaceAvail: number): void {
    checkHeapBlock(heapBlock);
    const cat = fsmSpaceAvailToCat(spaceAvail);
    const { addr, slot } = fsmGetLocation(heapBlock);
    this.setAndSearch(rel, addr, slot, cat, 0);
  }

  /**
   * GetRecordedFreeSpace: the free space recorded for a heap block, as the
   * lower bound of its category (what pg_freespace shows); 0 if nothing
   * was recorded or the fork does not exist.
   */
  getFreeSpace(rel: RelFileLocator, heapBlock: number): number {
    checkHeapBlock(heapBlock);
    const { addr, slot } = fsmGetLocation(heapBlock);
    const buffer = this.readBuf(rel, addr, false);
    if (buffer < 0) return 0;
    const cat = fsmGetAvail(this.pool.bytes(buffer), slot);
    this.pool.release(buffer);
    return fsmSpaceCatToAvail(cat);
  }

  /**
   * FreeSpaceMapPrepareTruncateRel: the heap is about to be cut to
   * `nblocks` blocks. Clears the slots of the removed heap blocks on the
   * last leaf page that stays and returns how many FSM blocks to keep, or
   * INVALID_BLOCK_NUMBER when the fork needs no truncation (it does not
   * exist or is already short enough).
   *
   * The caller then drops the buffers of the FSM blocks past that number
   * and truncates the fork (as RelationTruncate does through
   * smgrtruncate, after WAL-logging the heap truncation), and finally calls
   * vacuumRange(rel, nblocks, INVALID_BLOCK_NUMBER) so that the upper pages
   * forget the removed space.
   */
  prepareTruncate(rel: RelFileLocator, nblocks: number): number {
    checkHeapBlockCount(nblocks, 'number of heap blocks');
    const smgr = this.pool.smgr;
    if (!smgr.exists(rel, ForkNumber.fsm)) return INVALID_BLOCK_NUMBER;
    const { addr, slot } = fsmGetLocation(nblocks);
    if (slot > 0) {
      const buffer = this.readBuf(rel, addr, false);
      if (buffer < 0) return INVALID_BLOCK_NUMBER; // the FSM was already smaller
      this.pool.lock(buffer, 'exclusive');
      try {
        fsmTruncateAvail(this.pool.bytes(buffer), slot);
        // A full MarkBufferDirty in PostgreSQL, not a hint: the zeroed slots must stick.
        this.pool.markDirty(buffer);
      } finally {
        this.pool.unlockRelease(buffer);
      }
      return fsmLogicalToPhysical(addr) + 1;
    }
    const keep = fsmLogicalToPhysical(addr);
    if (smgr.nblocks(rel, ForkNumber.fsm) <= keep) return INVALID_BLOCK_NUMBER;
    return keep;
  }

  /**
   * FreeSpaceMapVacuum: recomputes every slot of every upper page from the
   * page below it, depth first (the order the pages are stored in), so
   * that searches see all recorded space. Also resets every page's
   * fp_next_slot to 0, steering inserts towards the start of the relation.
   */
  vacuum(rel: RelFileLocator): void {
    this.vacuumPage(rel, FSM_ROOT_ADDRESS, 0, INVALID_BLOCK_NUMBER);
  }

  /**
   * FreeSpaceMapVacuumRange: as {@link FreeSpaceMap.vacuum}, but only the
   * upper slots covering heap blocks `start` .. `end - 1`
   * (end = INVALID_BLOCK_NUMBER: to the end of the relation).
   */
  vacuumRange(rel: RelFileLocator, start: number, end: number = INVALID_BLOCK_NUMBER): void {
    checkHeapBlock(start);
    checkHeapBlockCount(end, 'end of heap block range');
    if (end > start) this.vacuumPage(rel, FSM_ROOT_ADDRESS, start, end);
  }

  // ---------------------------------------------------------------- internals

  /** fsm_readbuf: the page pinned (not locked), or -1 past the end unless `extend`. */
  private readBuf(rel: RelFileLocator, addr: FsmAddress, extend: boolean): number {
    return readMapBuffer(
      this.pool,
      rel,
      ForkNumber.fsm,
      fsmLogicalToPhysical(addr),
      extend,
      this.stats,
    );
  }

  /**
   * fsm_does_block_exist: whether a heap block is inside the main fork. A
   * crash can leave FSM slots for heap pages whose extension never reached
   * disk; a search must not hand those out.
   */
  private blockExists(rel: RelFileLocator, block: number): boolean {
    return block < this.pool.smgr.nblocks(rel, ForkNumber.main);
  }

  /** Rebuilds a corrupt page found by a search; the buffer is pinned and locked in `mode`. */
  private repair(buffer: number, mode: { exclusive: boolean }): void {
    if (!mode.exclusive) {
      this.pool.unlock(buffer);
      this.pool.lock(buffer, 'exclusive');
      mode.exclusive = true;
    }
    fsmRebuildPage(this.pool.bytes(buffer));
    this.pool.markDirty(buffer);
    this.stats.corruptPagesFixed++;
  }

  /**
   * fsm_set_and_search: sets a slot of a page (extending the fork if
   * needed); if `minValue` > 0, then searches the same page under the same
   * lock and returns the slot found, or -1.
   */
  private setAndSearch(
    rel: RelFileLocator,
    addr: FsmAddress,
    slot: number,
    newValue: number,
    minValue: number,
  ): number {
    const buffer = this.readBuf(rel, addr, true);
    const mode = { exclusive: true };
    this.pool.lock(buffer, 'exclusive');
    try {
      const page = this.pool.bytes(buffer);
      if (fsmSetAvail(page, slot, newValue)) this.pool.markDirty(buffer);
      if (minValue === 0) return -1;
      return fsmSearchAvail(page, minValue, addr.level === FSM_BOTTOM_LEVEL, () =>
        this.repair(buffer, mode),
      );
    } finally {
      this.pool.unlockRelease(buffer);
    }
  }

  /** Searches one page under a share lock; the buffer stays pinned. */
  private searchPage(buffer: number, minCat: number, leaf: boolean): number {
    const mode = { exclusive: false };
    this.pool.lock(buffer, 'share');
    try {
      return fsmSearchAvail(this.pool.bytes(buffer), minCat, leaf, () => this.repair(buffer, mode));
    } finally {
      this.pool.unlock(buffer);
    }
  }

  /** fsm_search: descends from the root to a heap block with category ≥ minCat. */
  private search(rel: RelFileLocator, minCat: number): number {
    let restarts = 0;
    let addr = FSM_ROOT_ADDRESS;
    for (;;) {
      const buffer = this.readBuf(rel, addr, false);
      let slot = -1;
      let maxAvail = 0;
      if (buffer >= 0) {
        try {
          slot = this.searchPage(buffer, minCat, addr.level === FSM_BOTTOM_LEVEL);
          if (slot === -1) maxAvail = fsmGetMaxAvail(this.pool.bytes(buffer));
        } catch (err) {
          this.pool.release(buffer);
          throw err;
        }
      }
      if (slot !== -1) {
        if (addr.level !== FSM_BOTTOM_LEVEL) {
          this.pool.release(buffer);
          addr = fsmGetChild(addr, slot);
          continue;
        }
        const block = fsmGetHeapBlock(addr, slot);
        let exists: boolean;
        try {
          exists = this.blockExists(rel, block);
          if (!exists) {
            // Past the end of the relation: forget it and start over. (F5)
            this.pool.lock(buffer, 'exclusive');
            fsmSetAvail(this.pool.bytes(buffer), slot, 0);
            this.pool.markDirty(buffer);
            this.pool.unlock(buffer);
            this.stats.pastEndSlotsFixed++;
          }
        } finally {
          this.pool.release(buffer);
        }
        if (exists) return block;
        if (restarts++ > MAX_RESTARTS) return INVALID_BLOCK_NUMBER;
        addr = FSM_ROOT_ADDRESS;
        continue;
      }
      if (buffer >= 0) this.pool.release(buffer);
      // At the root, nothing has enough: give up.
      if (addr.level === FSM_ROOT_LEVEL) return INVALID_BLOCK_NUMBER;
      // Lower down, the parent promised more than this page has: correct
      // the parent so the next search does not fall into the same trap, and
      // start over. A page past the end of the fork counts as empty.
      const parent = fsmGetParent(addr);
      this.setAndSearch(rel, parent.addr, parent.slot, maxAvail, 0);
      this.stats.upperSlotsFixed++;
      if (restarts++ > MAX_RESTARTS) return INVALID_BLOCK_NUMBER;
      addr = FSM_ROOT_ADDRESS;
    }
  }

  /**
   * fsm_vacuum_page: recomputes the upper slots of page `addr` covering
   * heap blocks start .. end - 1 from its children, recursively, and
   * returns the page's largest value; -1 when the page is past the end of
   * the fork.
   */
  private vacuumPage(rel: RelFileLocator, addr: FsmAddress, start: number, end: number): number {
    const buffer = this.readBuf(rel, addr, false);
    if (buffer < 0) return -1;
    try {
      const page = this.pool.bytes(buffer);
      if (addr.level > FSM_BOTTOM_LEVEL) {
        // The slots of this page that cover start .. end - 1.
        let first = fsmGetLocation(start);
        let last = fsmGetLocation(end - 1);
        while (first.addr.level < addr.level) {
          first = fsmGetParent(first.addr);
          last = fsmGetParent(last.addr);
        }
        const startSlot =
          first.addr.logpageno === addr.logpageno
            ? first.slot
            : first.addr.logpageno > addr.logpageno
              ? SLOTS_PER_FSM_PAGE
              : 0;
        const endSlot =
          last.addr.logpageno === addr.logpageno
            ? last.slot
            : last.addr.logpageno > addr.logpageno
              ? SLOTS_PER_FSM_PAGE - 1
              : -1;
        let eof = false;
        for (let slot = startSlot; slot <= endSlot; slot++) {
          let childAvail = 0;
          // Past the end of the fork, the remaining slots just become 0.
          if (!eof) {
            const v = this.vacuumPage(rel, fsmGetChild(addr, slot), start, end);
            if (v < 0) eof = true;
            else childAvail = v;
          }
          if (fsmGetAvail(page, slot) !== childAvail) {
            this.pool.lock(buffer, 'exclusive');
            fsmSetAvail(page, slot, childAvail);
            this.pool.markDirty(buffer);
            this.pool.unlock(buffer);
          }
        }
      }
      const max = fsmGetMaxAvail(page);
      // A hint, reset without a lock and without dirtying the page.
      fsmSetNextSlot(page, 0);
      return max;
    } finally {
      this.pool.release(buffer);
    }
  }
}

/**
 * Checks a whole FSM fork of `nblocks` blocks, read with `read(block)`:
 * F1..F3 on every page (checkFsmPage), and with `vacuumed` (no record since
 * the last full {@link FreeSpaceMap.vacuum}) also
 *
 *  F4  every slot of an upper page equals the root value of the child page
 *      it stands for, or 0 when that page is past the end of the fork.
 *
 * Between vacuums F4 does not hold: a recorded increase is not propagated
 * upwards, and a decrease is corrected only by the next search that trips
 * over it.
 */
export function checkFsmFork(
  nblocks: number,
  read: (block: number) => Uint8Array,
  options: { readonly vacuumed?: boolean } = {},
): MapViolation[] {
  const out: MapViolation[] = [];
  const pages = new Map<number, Uint8Array>();
  const get = (block: number) => {
    let p = pages.get(block);
    if (!p) {
      p = read(block);
      pages.set(block, p);
    }
    return p;
  };
  for (let b = 0; b < nblocks; b++) out.push(...checkFsmPage(get(b), b));
  if (!options.vacuumed || nblocks === 0) return out;
  const walk = (addr: FsmAddress): void => {
    const block = fsmLogicalToPhysical(addr);
    const page = get(block);
    for (let slot = 0; slot < SLOTS_PER_FSM_PAGE; slot++) {
      const child = fsmGetChild(addr, slot);
      const childBlock = fsmLogicalToPhysical(child);
      const expected = childBlock < nblocks ? fsmGetMaxAvail(get(childBlock)) : 0;
      const got = fsmGetAvail(page, slot);
      if (got !== expected) {
        out.push({
          invariant: 'F4',
          block,
          message: `slot ${slot} holds ${got}, the root of its child page (block ${childBlock}) is ${expected}`,
        });
        if (out.length > 10) return;
      }
      if (childBlock < nblocks && child.level > FSM_BOTTOM_LEVEL) walk(child);
    }
  };
  walk(FSM_ROOT_ADDRESS);
  return out;
}
