/**
 * What DBAs look at to see bloat and visibility, as functions over a heap:
 *
 * - `heapTupleStats`: contrib/pgstattuple's pgstattuple(): table_len,
 *   tuple_count/len/percent, dead_tuple_count/len/percent, free_space and
 *   free_percent. A tuple counts as live when SnapshotDirty would see it
 *   (inserted by a committed or running transaction, not deleted by a
 *   committed one), else as dead; free space is PageGetHeapFreeSpace of
 *   every page, as pgstattuple sums it.
 * - `visibilityMapRows` / `visibilityMapSummary`: contrib/pg_visibility's
 *   pg_visibility(rel) (blkno, all_visible, all_frozen, pd_all_visible)
 *   and pg_visibility_map_summary(rel) (all_visible, all_frozen).
 *
 * Only the functions: exposing them as SQL functions is the engine's
 * (not done yet).
 */
import type { Heap } from '@pg/heap';
import { satisfiesVacuum } from '@pg/heap';
import type { TransactionId, UpdateContext } from '@pg/mvcc';
import { BLCKSZ, LP_NORMAL } from '@pg/page';
import { ForkNumber, VISIBILITYMAP_ALL_FROZEN, VISIBILITYMAP_ALL_VISIBLE } from '@pg/storage';

/** pgstattuple()'s row. */
export interface TupleStats {
  readonly tableLen: number;
  readonly tupleCount: number;
  readonly tupleLen: number;
  readonly tuplePercent: number;
  readonly deadTupleCount: number;
  readonly deadTupleLen: number;
  readonly deadTuplePercent: number;
  readonly freeSpace: number;
  readonly freePercent: number;
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : (100 * part) / whole;
}

/**
 * pgstattuple(rel). `oldestXmin` only splits dead from recently dead for
 * satisfiesVacuum; both count as dead here, as SnapshotDirty does not see
 * either.
 */
export function heapTupleStats(
  heap: Heap,
  ctx: UpdateContext,
  oldestXmin: TransactionId,
): TupleStats {
  const nblocks = heap.nblocks();
  let tupleCount = 0;
  let tupleLen = 0;
  let deadCount = 0;
  let deadLen = 0;
  let free = 0;
  for (let block = 0; block < nblocks; block++) {
    const buffer = heap.pool.readBuffer(heap.rel, ForkNumber.main, block);
    heap.pool.lock(buffer, 'share');
    try {
      const page = heap.pool.page(buffer);
      if (page.isNew()) continue;
      free += page.heapFreeSpace();
      for (let off = 1; off <= page.maxOffsetNumber; off++) {
        const lp = page.itemId(off);
        if (lp.flags !== LP_NORMAL) continue;
        const status = satisfiesVacuum(page.mustItem(off), oldestXmin, ctx);
        if (status === 'DEAD' || status === 'RECENTLY_DEAD') {
          deadCount++;
          deadLen += lp.len;
        } else {
          tupleCount++;
          tupleLen += lp.len;
        }
      }
    } finally {
      heap.pool.unlockRelease(buffer);
    }
  }
  const tableLen = nblocks * BLCKSZ;
  return {
    tableLen,
    tupleCount,
    tupleLen,
    tuplePercent: percent(tupleLen, tableLen),
    deadTupleCount: deadCount,
    deadTupleLen: deadLen,
    deadTuplePercent: percent(deadLen, tableLen),
    freeSpace: free,
    freePercent: percent(free, tableLen),
  };
}

/** One row of pg_visibility(rel). */
export interface VisibilityRow {
  readonly blkno: number;
  readonly allVisible: boolean;
  readonly allFrozen: boolean;
  readonly pdAllVisible: boolean;
}

/** pg_visibility(rel): each block's VM bits and its page's PD_ALL_VISIBLE. */
export function visibilityMapRows(heap: Heap): VisibilityRow[] {
  const out: VisibilityRow[] = [];
  for (let block = 0; block < heap.nblocks(); block++) {
    const bits = heap.vm.getStatus(heap.rel, block);
    const buffer = heap.pool.readBuffer(heap.rel, ForkNumber.main, block);
    let pdAllVisible: boolean;
    try {
      pdAllVisible = heap.pool.page(buffer).isAllVisible;
    } finally {
      heap.pool.release(buffer);
    }
    out.push({
      blkno: block,
      allVisible: (bits & VISIBILITYMAP_ALL_VISIBLE) !== 0,
      allFrozen: (bits & VISIBILITYMAP_ALL_FROZEN) !== 0,
      pdAllVisible,
    });
  }
  return out;
}

/** pg_visibility_map_summary(rel). */
export function visibilityMapSummary(heap: Heap): { allVisible: number; allFrozen: number } {
  return heap.vm.count(heap.rel);
}
