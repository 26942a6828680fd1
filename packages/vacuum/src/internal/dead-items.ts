/**
 * The dead-TID store of lazy VACUUM (PostgreSQL 15's VacDeadItems): the
 * TIDs of LP_DEAD line pointers found by the heap scan, bounded by
 * maintenance_work_mem as PostgreSQL counts it — 6 bytes per TID
 * (sizeof(ItemPointerData)) after an 8-byte header — and answering the
 * index bulk-delete callback "is this TID dead?".
 *
 * PostgreSQL keeps a sorted array and bsearches it; the scan adds TIDs in
 * TID order, so a Set of block × 2^16 + offset gives the same answers.
 */
import type { Tid } from '@pg/access';
import { MAX_HEAP_TUPLES_PER_PAGE } from '@pg/page';

/** sizeof(ItemPointerData). */
export const TID_BYTES = 6;
/** offsetof(VacDeadItems, items): max_items and num_items, two ints. */
const DEAD_ITEMS_HEADER = 8;
/** MaxAllocSize: one palloc's limit. */
const MAX_ALLOC_SIZE = 0x3fffffff;

/** MAXDEADITEMS(avail_mem). */
export function maxDeadItemsFor(bytes: number): number {
  return Math.floor((bytes - DEAD_ITEMS_HEADER) / TID_BYTES);
}

/**
 * dead_items_max_items: with indexes, what `maintenanceWorkMemKb` holds
 * (never past MaxAllocSize's worth, never more than the table could have,
 * never less than one page's worth); without indexes one page's worth
 * (each page is vacuumed as soon as it is scanned).
 */
export function deadItemsMaxItems(
  maintenanceWorkMemKb: number,
  relPages: number,
  hasIndexes: boolean,
): number {
  if (!hasIndexes) return MAX_HEAP_TUPLES_PER_PAGE;
  let max = maxDeadItemsFor(maintenanceWorkMemKb * 1024);
  max = Math.min(max, maxDeadItemsFor(MAX_ALLOC_SIZE));
  if (Math.floor(max / MAX_HEAP_TUPLES_PER_PAGE) > relPages)
    max = relPages * MAX_HEAP_TUPLES_PER_PAGE;
  return Math.max(max, MAX_HEAP_TUPLES_PER_PAGE);
}

function key(block: number, offset: number): number {
  return block * 0x10000 + offset;
}

/** The store: TIDs grouped by block, in the order the scan added them. */
export class DeadItems {
  readonly maxItems: number;
  #count = 0;
  readonly #keys = new Set<number>();
  readonly #byBlock = new Map<number, number[]>();

  constructor(maxItems: number) {
    this.maxItems = maxItems;
  }

  get count(): number {
    return this.#count;
  }

  /** Room for one more page's worth (lazy_scan_heap's check before each page). */
  hasRoomForPage(): boolean {
    return this.maxItems - this.#count >= MAX_HEAP_TUPLES_PER_PAGE;
  }

  /** Adds one page's LP_DEAD offsets. */
  addPage(block: number, offsets: readonly number[]): void {
    if (offsets.length === 0) return;
    if (this.#count + offsets.length > this.maxItems)
      throw new RangeError(`dead-TID store full: ${this.#count} of ${this.maxItems}`);
    const list = this.#byBlock.get(block) ?? [];
    for (const off of offsets) {
      list.push(off);
      this.#keys.add(key(block, off));
    }
    this.#byBlock.set(block, list);
    this.#count += offsets.length;
  }

  /** lazy_tid_reaped: the bulk-delete callback. */
  readonly isDead = (tid: Tid): boolean => this.#keys.has(key(tid.block, tid.offset));

  /** The blocks with dead items, ascending, each with its offsets. */
  blocks(): [number, readonly number[]][] {
    return [...this.#byBlock.entries()].sort((a, b) => a[0] - b[0]);
  }

  reset(): void {
    this.#count = 0;
    this.#keys.clear();
    this.#byBlock.clear();
  }
}
