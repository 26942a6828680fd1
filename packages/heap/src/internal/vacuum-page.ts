/**
 * The page steps of lazy VACUUM that are not pruning or freezing:
 * PostgreSQL 15's lazy_vacuum_heap_page (LP_DEAD line pointers whose index
 * entries are gone become LP_UNUSED) and the all-visible marking of
 * lazy_scan_heap (PageSetAllVisible + visibilitymap_set).
 *
 * WAL: both log the page's whole new contents (page-image block data, as
 * every heap record here), with PostgreSQL's record names:
 *
 * | info                 | PostgreSQL              | main data                                  |
 * | -------------------- | ----------------------- | ------------------------------------------ |
 * | XLOG_HEAP_VACUUM     | XLOG_HEAP2_VACUUM       | one byte per block: 0                      |
 * | XLOG_HEAP_VISIBLE    | XLOG_HEAP2_VISIBLE      | XLH_ALL_VISIBLE_SET or XLH_ALL_FROZEN_SET  |
 *
 * Redo restores the page and sets the visibility-map bits the main data
 * names, so a crash between the record and the VM page's write loses
 * nothing; the VM page's pd_lsn is raised to the record's end, so the map
 * bit cannot reach disk before the record that justifies it (V4).
 */
import { LP_DEAD } from '@pg/page';
import { ForkNumber, VISIBILITYMAP_ALL_FROZEN, VISIBILITYMAP_ALL_VISIBLE } from '@pg/storage';
import type { Heap } from './heapam.js';
import {
  heapPageData,
  RM_HEAP_ID,
  XLH_ALL_FROZEN_SET,
  XLH_ALL_VISIBLE_SET,
  XLOG_HEAP_VACUUM,
  XLOG_HEAP_VISIBLE,
} from './heapam-wal.js';

export { XLH_ALL_VISIBLE_SET, XLOG_HEAP_VACUUM, XLOG_HEAP_VISIBLE };

/**
 * lazy_vacuum_heap_page: every offset in `offsets` must be an LP_DEAD line
 * pointer (its index entries already deleted); each becomes LP_UNUSED,
 * then the unused line pointers at the end of the array are dropped
 * (PageTruncateLinePointerArray). Logged as XLOG_HEAP_VACUUM. Returns the
 * page's free space afterwards (for the FSM). Throws when an offset is not
 * LP_DEAD: the caller's dead-TID store and the page disagree (corruption).
 */
export function vacuumHeapPage(heap: Heap, block: number, offsets: readonly number[]): number {
  const { pool } = heap;
  const buffer = pool.readBuffer(heap.rel, ForkNumber.main, block);
  pool.lock(buffer, 'exclusive');
  try {
    const page = pool.page(buffer);
    for (const off of offsets) {
      if (off < 1 || off > page.maxOffsetNumber || page.itemId(off).flags !== LP_DEAD)
        throw new Error(`vacuum: (${block},${off}) is not an LP_DEAD line pointer`);
    }
    for (const off of offsets) page.setUnused(off);
    page.truncateLinePointerArray();
    if (heap.inserter === undefined) pool.markDirty(buffer);
    else
      heap.inserter.insert({
        rmid: RM_HEAP_ID,
        info: XLOG_HEAP_VACUUM,
        buffers: [{ buffer, data: heapPageData(pool.bytes(buffer)), willInit: true }],
        data: Uint8Array.of(0),
      });
    return page.heapFreeSpace();
  } finally {
    pool.unlockRelease(buffer);
  }
}

/**
 * PageSetAllVisible + visibilitymap_set: the caller has checked that every
 * tuple on the page is visible to every snapshot (and, with `allFrozen`,
 * frozen with no xmax) and that no LP_DEAD item is left. Sets
 * PD_ALL_VISIBLE on the page and ALL_VISIBLE (| ALL_FROZEN) in the map,
 * logged as XLOG_HEAP_VISIBLE; nothing when both are already so. Returns
 * whether anything changed.
 */
export function setPageAllVisible(heap: Heap, block: number, allFrozen: boolean): boolean {
  const { pool } = heap;
  const want = VISIBILITYMAP_ALL_VISIBLE | (allFrozen ? VISIBILITYMAP_ALL_FROZEN : 0);
  const buffer = pool.readBuffer(heap.rel, ForkNumber.main, block);
  pool.lock(buffer, 'exclusive');
  try {
    const page = pool.page(buffer);
    if (page.isNew()) return false;
    const have = heap.vm.getStatus(heap.rel, block);
    if (page.isAllVisible && (have & want) === want) return false;
    page.isAllVisible = true;
    let end: bigint | undefined;
    if (heap.inserter === undefined) pool.markDirty(buffer);
    else
      end = heap.inserter.insert({
        rmid: RM_HEAP_ID,
        info: XLOG_HEAP_VISIBLE,
        buffers: [{ buffer, data: heapPageData(pool.bytes(buffer)), willInit: true }],
        data: Uint8Array.of(allFrozen ? XLH_ALL_FROZEN_SET : XLH_ALL_VISIBLE_SET),
      }).end;
    heap.vm.set(heap.rel, block, want, end);
    return true;
  } finally {
    pool.unlockRelease(buffer);
  }
}
