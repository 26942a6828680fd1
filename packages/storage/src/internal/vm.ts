/**
 * The visibility map (PostgreSQL 15's src/backend/access/heap/visibilitymap.c):
 * two bits per heap page in the relation's _vm fork.
 *
 *   ALL_VISIBLE (0x01)  every tuple on the page is visible to every
 *                       transaction: VACUUM can skip the page and an
 *                       index-only scan need not visit it
 *   ALL_FROZEN  (0x02)  every tuple is also frozen: even an aggressive
 *                       (anti-wraparound) VACUUM can skip it; never set
 *                       without ALL_VISIBLE
 *
 * The map is conservative: a set bit is always true, a clear bit may or may
 * not be.
 *
 * Page layout: a standard page header, then the bitmap to the end of the
 * page; no special space, no line pointers.
 *
 *   0            24                                                   8192
 *   +------------+----------------------------------------------------+
 *   | PageHeader | map[0 .. 8167]: 4 heap blocks per byte             |
 *   +------------+----------------------------------------------------+
 *
 *   offset  size  field
 *        0    24  PageHeaderData as PageInit(page, BLCKSZ, 0) leaves it
 *                 (pd_lower 24, pd_upper = pd_special = 8192); pd_lsn is
 *                 the LSN of the last record that set a bit on the page
 *       24  8168  map: heap block h of this page is bits 2(h mod 4) and
 *                 2(h mod 4) + 1 of byte (h mod 32672) / 4, the low bit
 *                 ALL_VISIBLE, the high bit ALL_FROZEN
 *
 *   byte of the map:  bit 7 6 | 5 4 | 3 2 | 1 0
 *                         F V | F V | F V | F V
 *                     block 4k+3  4k+2  4k+1  4k
 *
 *   map page of heap block h:  h / 32672 (HEAPBLOCKS_PER_PAGE)
 *
 * WAL. Setting a bit must be WAL-logged by the caller (the heap's
 * XLOG_HEAP2_VISIBLE, which also sets PD_ALL_VISIBLE on the heap page), and
 * the map page's pd_lsn is set to that record's LSN so that the page cannot
 * reach disk before its record (WAL before data). Clearing is never logged
 * on its own: every heap record whose change clears a bit clears it again
 * in redo. Pages that fail verification are read as zeros, which is safe:
 * a clear bit only costs a visit to the heap page.
 */
import type { Lsn } from '@pg/wal';
import type { BufferPool } from './buffer-pool.js';
import { ERRCODE_INTERNAL_ERROR, StorageError } from './errors.js';
import { checkMapPageHeader, type MapViolation } from './fsm-page.js';
import { type MapStats, newMapStats, readMapBuffer } from './fsm-vm-readbuf.js';
import { BLCKSZ, ForkNumber, type RelFileLocator } from './relfile.js';
import { INVALID_BLOCK_NUMBER } from './smgr-memory.js';

/** Every tuple on the heap page is visible to all transactions. */
export const VISIBILITYMAP_ALL_VISIBLE = 0x01;
/** Every tuple on the heap page is frozen. */
export const VISIBILITYMAP_ALL_FROZEN = 0x02;
/** Both bits. */
export const VISIBILITYMAP_VALID_BITS = 0x03;
/** Bits per heap block. */
export const BITS_PER_HEAPBLOCK = 2;
/** Heap blocks per map byte. */
export const HEAPBLOCKS_PER_BYTE = 8 / BITS_PER_HEAPBLOCK;
/** Where the map starts on a page: MAXALIGN(SizeOfPageHeaderData). */
export const VM_MAP_OFFSET = 24;
/** MAPSIZE: bytes of map per page, BLCKSZ - MAXALIGN(SizeOfPageHeaderData) = 8168. */
export const MAPSIZE = BLCKSZ - VM_MAP_OFFSET;
/** HEAPBLOCKS_PER_PAGE: heap blocks one map page covers, 32672. */
export const HEAPBLOCKS_PER_PAGE = MAPSIZE * HEAPBLOCKS_PER_BYTE;

/** HEAPBLK_TO_MAPBLOCK, HEAPBLK_TO_MAPBYTE, HEAPBLK_TO_OFFSET: where a heap block's bits are. */
export function vmLocation(heapBlock: number): { block: number; byte: number; shift: number } {
  return {
    block: Math.floor(heapBlock / HEAPBLOCKS_PER_PAGE),
    byte: Math.floor((heapBlock % HEAPBLOCKS_PER_PAGE) / HEAPBLOCKS_PER_BYTE),
    shift: (heapBlock % HEAPBLOCKS_PER_BYTE) * BITS_PER_HEAPBLOCK,
  };
}

/** For every byte value, how many heap blocks it marks all-visible and all-frozen. */
const VISIBLE_IN_BYTE = new Uint8Array(256);
const FROZEN_IN_BYTE = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  for (let s = 0; s < 8; s += 2) {
    VISIBLE_IN_BYTE[b]! += (b >> s) & VISIBILITYMAP_ALL_VISIBLE;
    FROZEN_IN_BYTE[b]! += ((b >> s) & VISIBILITYMAP_ALL_FROZEN) >> 1;
  }
}

function internal(message: string): StorageError {
  return new StorageError(ERRCODE_INTERNAL_ERROR, message);
}

function checkHeapBlock(heapBlock: number): void {
  if (!Number.isInteger(heapBlock) || heapBlock < 0 || heapBlock >= INVALID_BLOCK_NUMBER) {
    throw internal(`invalid heap block ${heapBlock}`);
  }
}

/** Counts of visibilitymap_count. */
export interface VisibilityCounts {
  readonly allVisible: number;
  readonly allFrozen: number;
}

/**
 * The visibility map of relations whose forks live in `pool`'s storage
 * manager: PostgreSQL's visibilitymap.c interface. Map pages go through the
 * buffer pool like every other page (pin, content lock, MarkBufferDirty),
 * so they are cached, written by checkpoints and eviction, checksummed when
 * the pool has checksums on, and never written before the WAL up to their
 * pd_lsn.
 *
 * Concurrency: each call pins and locks one map page and releases it before
 * returning, except {@link VisibilityMap.pin}, whose pin the caller keeps.
 * getStatus reads without a content lock, as PostgreSQL does (a single
 * byte; the caller deals with the bit changing right after).
 */
export class VisibilityMap {
  readonly pool: BufferPool;
  /** Pages zeroed because they failed verification. */
  readonly stats: MapStats = newMapStats();

  constructor(pool: BufferPool) {
    this.pool = pool;
  }

  /**
   * visibilitymap_get_status: the bits of a heap block (0, ALL_VISIBLE, or
   * ALL_VISIBLE | ALL_FROZEN); 0 when its map page does not exist.
   */
  getStatus(rel: RelFileLocator, heapBlock: number): number {
    checkHeapBlock(heapBlock);
    const { block, byte, shift } = vmLocation(heapBlock);
    const buffer = readMapBuffer(this.pool, rel, ForkNumber.vm, block, false, this.stats);
    if (buffer < 0) return 0;
    const status =
      (this.pool.bytes(buffer)[VM_MAP_OFFSET + byte]! >> shift) & VISIBILITYMAP_VALID_BITS;
    this.pool.release(buffer);
    return status;
  }

  /**
   * visibilitymap_pin: the map page holding a heap block's bits, pinned,
   * the fork created and extended if needed. For a caller that logs the
   * change in its own record: lock the buffer exclusively, call
   * {@link VisibilityMap.setInBuffer}, register the buffer in the record
   * (XLogInserter.insert stamps pd_lsn, marks it dirty and adds a
   * full-page image when needed), unlock and release.
   */
  pin(rel: RelFileLocator, heapBlock: number): number {
    checkHeapBlock(heapBlock);
    return readMapBuffer(
      this.pool,
      rel,
      ForkNumber.vm,
      vmLocation(heapBlock).block,
      true,
      this.stats,
    );
  }

  /**
   * The bit-setting half of visibilitymap_set on a map buffer from
   * {@link VisibilityMap.pin} that the caller holds exclusively locked:
   * ORs `flags` into the heap block's bits. Does not mark the buffer dirty
   * or touch pd_lsn. Returns whether `flags` differ from the bits found,
   * PostgreSQL's test for whether to dirty and log the page.
   */
  setInBuffer(buffer: number, heapBlock: number, flags: number): boolean {
    checkHeapBlock(heapBlock);
    checkSetFlags(flags);
    const { block, byte, shift } = vmLocation(heapBlock);
    if (this.pool.blockNumber(buffer) !== block || this.pool.tag(buffer).fork !== ForkNumber.vm) {
      throw internal('wrong VM buffer passed to visibilitymap_set');
    }
    if (!this.pool.isExclusivelyLocked(buffer)) {
      throw internal(`VM buffer ${buffer} is changed without an exclusive lock`);
    }
    const map = this.pool.bytes(buffer);
    const at = VM_MAP_OFFSET + byte;
    if (flags === ((map[at]! >> shift) & VISIBILITYMAP_VALID_BITS)) return false;
    map[at]! |= flags << shift;
    return true;
  }

  /**
   * visibilitymap_set: sets `flags` (ALL_VISIBLE, or ALL_VISIBLE |
   * ALL_FROZEN) for a heap block, creating and extending the fork as
   * needed. The caller has already WAL-logged the change; with
   * `recordLsn` (the record's end LSN, what PostgreSQL stamps on pages)
   * the map page's pd_lsn is raised to it, so the page cannot be written
   * before that record is flushed (V4). Without it (an unlogged relation)
   * pd_lsn is left alone. Returns whether the page was changed: false when
   * the bits already were exactly `flags`.
   */
  set(rel: RelFileLocator, heapBlock: number, flags: number, recordLsn?: Lsn): boolean {
    checkSetFlags(flags);
    const buffer = this.pin(rel, heapBlock);
    this.pool.lock(buffer, 'exclusive');
    try {
      if (!this.setInBuffer(buffer, heapBlock, flags)) return false;
      this.pool.markDirty(buffer);
      if (recordLsn !== undefined) {
        const page = this.pool.page(buffer);
        if (recordLsn > page.lsn) page.lsn = recordLsn;
      }
      return true;
    } finally {
      this.pool.unlockRelease(buffer);
    }
  }

  /**
   * visibilitymap_clear: clears `flags` (ALL_FROZEN, or both bits, the
   * default; clearing ALL_VISIBLE alone would leave a frozen page that is
   * not visible) for a heap block. Returns whether a set bit was cleared.
   * A map page that does not exist has nothing to clear: the fork is not
   * extended. Not WAL-logged and pd_lsn is not changed: the caller's own
   * record repeats the clear in redo, and clearing early is always safe.
   */
  clear(rel: RelFileLocator, heapBlock: number, flags: number = VISIBILITYMAP_VALID_BITS): boolean {
    checkHeapBlock(heapBlock);
    if ((flags & VISIBILITYMAP_VALID_BITS) === 0 || (flags & ~VISIBILITYMAP_VALID_BITS) !== 0) {
      throw internal(`invalid visibility map flags ${flags} to clear`);
    }
    if (flags === VISIBILITYMAP_ALL_VISIBLE) {
      throw internal('cannot clear all-visible while leaving all-frozen set');
    }
    const { block, byte, shift } = vmLocation(heapBlock);
    const buffer = readMapBuffer(this.pool, rel, ForkNumber.vm, block, false, this.stats);
    if (buffer < 0) return false;
    this.pool.lock(buffer, 'exclusive');
    try {
      const map = this.pool.bytes(buffer);
      const at = VM_MAP_OFFSET + byte;
      const mask = flags << shift;
      if ((map[at]! & mask) === 0) return false;
      map[at]! &= ~mask;
      this.pool.markDirty(buffer);
      return true;
    } finally {
      this.pool.unlockRelease(buffer);
    }
  }

  /**
   * visibilitymap_count: how many heap blocks are all-visible and how many
   * all-frozen, over every page of the map (what VACUUM stores in
   * pg_class.relallvisible and pg_visibility_map_summary() shows). Bits
   * past the end of the heap are zero (V3), so whole pages are counted.
   */
  count(rel: RelFileLocator): VisibilityCounts {
    let allVisible = 0;
    let allFrozen = 0;
    for (let block = 0; ; block++) {
      const buffer = readMapBuffer(this.pool, rel, ForkNumber.vm, block, false, this.stats);
      if (buffer < 0) break;
      const page = this.pool.bytes(buffer);
      for (let i = VM_MAP_OFFSET; i < BLCKSZ; i++) {
        const b = page[i]!;
        if (b !== 0) {
          allVisible += VISIBLE_IN_BYTE[b]!;
          allFrozen += FROZEN_IN_BYTE[b]!;
        }
      }
      this.pool.release(buffer);
    }
    return { allVisible, allFrozen };
  }

  /**
   * visibilitymap_prepare_truncate: the heap is about to be cut to
   * `nheapblocks` blocks. Clears the bits of the removed heap blocks on
   * the last map page that stays (so they cannot come back if the heap
   * grows again, V3) and returns how many map blocks to keep, or
   * INVALID_BLOCK_NUMBER when the fork needs no truncation (it does not
   * exist or is already short enough). The caller then drops the buffers
   * past that number and truncates the fork, as RelationTruncate does.
   */
  prepareTruncate(rel: RelFileLocator, nheapblocks: number): number {
    if (!Number.isInteger(nheapblocks) || nheapblocks < 0 || nheapblocks > INVALID_BLOCK_NUMBER) {
      throw internal(`invalid number of heap blocks ${nheapblocks}`);
    }
    const smgr = this.pool.smgr;
    if (!smgr.exists(rel, ForkNumber.vm)) return INVALID_BLOCK_NUMBER;
    const { block: truncBlock, byte: truncByte, shift: truncOffset } = vmLocation(nheapblocks);
    let keep: number;
    if (truncByte !== 0 || truncOffset !== 0) {
      keep = truncBlock + 1;
      const buffer = readMapBuffer(this.pool, rel, ForkNumber.vm, truncBlock, false, this.stats);
      if (buffer < 0) return INVALID_BLOCK_NUMBER; // the fork was already smaller
      this.pool.lock(buffer, 'exclusive');
      try {
        const map = this.pool.bytes(buffer);
        map.fill(0, VM_MAP_OFFSET + truncByte + 1);
        // Keep the bits of the heap blocks below nheapblocks in the last byte.
        map[VM_MAP_OFFSET + truncByte]! &= (1 << truncOffset) - 1;
        this.pool.markDirty(buffer);
      } finally {
        this.pool.unlockRelease(buffer);
      }
    } else {
      keep = truncBlock;
    }
    if (smgr.nblocks(rel, ForkNumber.vm) <= keep) return INVALID_BLOCK_NUMBER;
    return keep;
  }
}

function checkSetFlags(flags: number): void {
  if ((flags & ~VISIBILITYMAP_VALID_BITS) !== 0 || (flags & VISIBILITYMAP_ALL_VISIBLE) === 0) {
    throw internal(
      `invalid visibility map flags ${flags} to set (ALL_VISIBLE, or ALL_VISIBLE | ALL_FROZEN)`,
    );
  }
}

/**
 * The invariants of one visibility map page, as a checker (empty when it
 * is valid). `block` is the page's block number in the fork; with
 * `heapBlocks` (the heap's length) V3 is checked too.
 *
 *  V1  The page is new (all zeros) or has the header PageInit(BLCKSZ, 0) gives.
 *  V2  No heap block is ALL_FROZEN without being ALL_VISIBLE.
 *  V3  No bit is set for a heap block at or past the end of the heap (true
 *      after prepareTruncate; the bits are only ever set for existing pages).
 *  V4  (checked by the tests, which know the LSNs) pd_lsn is at least the
 *      LSN passed to every set() that changed the page.
 */
export function checkVmPage(page: Uint8Array, block = 0, heapBlocks?: number): MapViolation[] {
  const out: MapViolation[] = [];
  const header = checkMapPageHeader(page);
  if (header !== undefined) {
    out.push({ invariant: 'V1', block, message: header });
    return out;
  }
  for (let i = 0; i < MAPSIZE; i++) {
    const b = page[VM_MAP_OFFSET + i]!;
    if (b === 0) continue;
    for (let k = 0; k < HEAPBLOCKS_PER_BYTE; k++) {
      const bits = (b >> (k * BITS_PER_HEAPBLOCK)) & VISIBILITYMAP_VALID_BITS;
      const heapBlock = block * HEAPBLOCKS_PER_PAGE + i * HEAPBLOCKS_PER_BYTE + k;
      if (bits === VISIBILITYMAP_ALL_FROZEN) {
        out.push({
          invariant: 'V2',
          block,
          message: `heap block ${heapBlock} is all-frozen but not all-visible`,
        });
      }
      if (bits !== 0 && heapBlocks !== undefined && heapBlock >= heapBlocks) {
        out.push({
          invariant: 'V3',
          block,
          message: `heap block ${heapBlock} has bits ${bits} but the heap has ${heapBlocks} blocks`,
        });
      }
      if (out.length > 10) return out;
    }
  }
  return out;
}
