/**
 * Heap tuples on @pg/page's slotted pages: the limits of htup_details.h and
 * the page-level steps of hio.c (RelationPutHeapTuple) and rel.h
 * (RelationGetTargetPageFreeSpace).
 *
 * ```
 *  +-------------+-----+-----+-----+---------------->      <----------+--------+--------+
 *  | page header | lp1 | lp2 | ... |  free space (PageGetHeapFreeSpace)| tuple2 | tuple1 |
 *  +-------------+-----+-----+-----+---------------->      <----------+--------+--------+
 *   24 bytes      4 bytes each      pd_lower              pd_upper     MAXALIGNed storage
 * ```
 *
 * A heap page has no special space. At most MaxHeapTuplesPerPage (291) line
 * pointers, each tuple at most MaxHeapTupleSize (8160) bytes: a page holding
 * one line pointer and one tuple.
 */
import { type Tid, writeTid } from '@pg/access';
import { BLCKSZ, maxAlign, type Page, SIZE_OF_ITEM_ID, SIZE_OF_PAGE_HEADER } from '@pg/page';
import { SqlError } from '@pg/types';
import { OFF_CTID, SIZEOF_HEAP_TUPLE_HEADER } from './tuple.js';

/** MaxHeapTupleSize: BLCKSZ - MAXALIGN(SizeOfPageHeaderData + sizeof(ItemIdData)) = 8160. */
export const MAX_HEAP_TUPLE_SIZE = BLCKSZ - maxAlign(SIZE_OF_PAGE_HEADER + SIZE_OF_ITEM_ID);
/** HEAP_MIN_FILLFACTOR. */
export const HEAP_MIN_FILLFACTOR = 10;
/** HEAP_DEFAULT_FILLFACTOR. */
export const HEAP_DEFAULT_FILLFACTOR = 100;

/**
 * RelationGetTargetPageFreeSpace: the bytes an insert leaves free on a page
 * for later updates of its rows, BLCKSZ * (100 - fillfactor) / 100. Throws
 * 22023 for a fillfactor outside 10..100, as the reloption does.
 */
export function targetPageFreeSpace(fillfactor: number = HEAP_DEFAULT_FILLFACTOR): number {
  if (
    !Number.isInteger(fillfactor) ||
    fillfactor < HEAP_MIN_FILLFACTOR ||
    fillfactor > HEAP_DEFAULT_FILLFACTOR
  ) {
    throw new SqlError('22023', `value ${fillfactor} out of bounds for option "fillfactor"`, {
      detail: `Valid values are between "${HEAP_MIN_FILLFACTOR}" and "${HEAP_DEFAULT_FILLFACTOR}".`,
    });
  }
  return Math.floor((BLCKSZ * (100 - fillfactor)) / 100);
}

/** PageGetHeapFreeSpace: room for one more tuple, 0 when the line pointer array is full. */
export function heapFreeSpace(page: Page): number {
  return page.heapFreeSpace();
}

/** Where {@link addHeapTuple} puts a tuple. */
export interface AddHeapTupleOptions {
  /** A line pointer to fill (it must be unused), as heap redo does; default: the first free one. */
  readonly offsetNumber?: number;
}

/**
 * PageAddItem(..., is_heap = true): stores the tuple's bytes on the page and
 * returns its offset number, or undefined when it does not fit or the page
 * already has MaxHeapTuplesPerPage line pointers. A tuple longer than
 * MaxHeapTupleSize is `54000 row is too big`, as heap_insert reports it.
 * The tuple's t_ctid is left as it is.
 */
export function addHeapTuple(
  page: Page,
  tuple: Uint8Array,
  options: AddHeapTupleOptions = {},
): number | undefined {
  if (tuple.length > MAX_HEAP_TUPLE_SIZE) {
    throw new SqlError(
      '54000',
      `row is too big: size ${tuple.length}, maximum size ${MAX_HEAP_TUPLE_SIZE}`,
    );
  }
  if (tuple.length < SIZEOF_HEAP_TUPLE_HEADER) {
    throw new RangeError(`a heap tuple of ${tuple.length} bytes has no room for its header`);
  }
  return options.offsetNumber === undefined
    ? page.addItem(tuple, { isHeap: true })
    : page.addItem(tuple, { isHeap: true, offsetNumber: options.offsetNumber, overwrite: true });
}

/**
 * RelationPutHeapTuple: {@link addHeapTuple}, then the stored tuple's t_ctid
 * points at itself, (blockNumber, offset) — unless `speculative`, when t_ctid
 * keeps the speculative insertion token. Returns the tuple's TID, or
 * undefined when it does not fit.
 */
export function putHeapTuple(
  page: Page,
  blockNumber: number,
  tuple: Uint8Array,
  speculative = false,
): Tid | undefined {
  const offset = addHeapTuple(page, tuple);
  if (offset === undefined) return undefined;
  const tid = { block: blockNumber, offset };
  if (!speculative) {
    const { off } = page.itemId(offset);
    writeTid(page.bytes, off + OFF_CTID, tid);
  }
  return tid;
}
