/**
 * PostgreSQL 15's TOAST thresholds (access/heaptoast.h, access/htup_details.h)
 * for 8 KiB pages, each derived here the way the C macros derive it, and the
 * per-column storage strategies (pg_attribute.attstorage).
 */

/** BLCKSZ. */
export const BLCKSZ = 8192;
/** MAXIMUM_ALIGNOF on every platform PostgreSQL 15 supports in practice (64-bit). */
const MAXIMUM_ALIGNOF = 8;
/** SizeOfPageHeaderData. */
const SIZE_OF_PAGE_HEADER = 24;
/** sizeof(ItemIdData): one line pointer. */
const SIZE_OF_ITEM_ID = 4;
/** SizeofHeapTupleHeader: offsetof(HeapTupleHeaderData, t_bits). */
const SIZEOF_HEAP_TUPLE_HEADER = 23;
/** sizeof(Oid), sizeof(int32). */
const SIZEOF_OID = 4;
const SIZEOF_INT32 = 4;
/** VARHDRSZ: a 4-byte varlena header. */
const VARHDRSZ = 4;

const maxAlign = (n: number): number => Math.ceil(n / MAXIMUM_ALIGNOF) * MAXIMUM_ALIGNOF;
const maxAlignDown = (n: number): number => Math.floor(n / MAXIMUM_ALIGNOF) * MAXIMUM_ALIGNOF;

/**
 * MaximumBytesPerTuple(n): the largest MAXALIGNed tuple of which `n` fit on
 * a page with their line pointers:
 * MAXALIGN_DOWN((BLCKSZ - MAXALIGN(SizeOfPageHeaderData + n * sizeof(ItemIdData))) / n).
 */
export function maximumBytesPerTuple(tuplesPerPage: number): number {
  return maxAlignDown(
    Math.floor(
      (BLCKSZ - maxAlign(SIZE_OF_PAGE_HEADER + tuplesPerPage * SIZE_OF_ITEM_ID)) / tuplesPerPage,
    ),
  );
}

/** TOAST_TUPLES_PER_PAGE: the toaster aims at 4 tuples per heap page. */
export const TOAST_TUPLES_PER_PAGE = 4;
/**
 * TOAST_TUPLE_THRESHOLD = MaximumBytesPerTuple(4) = MAXALIGN_DOWN((8192 - 40) / 4)
 * = 2032: a tuple longer than this is handed to the toaster.
 */
export const TOAST_TUPLE_THRESHOLD = maximumBytesPerTuple(TOAST_TUPLES_PER_PAGE);
/**
 * TOAST_TUPLE_TARGET = TOAST_TUPLE_THRESHOLD = 2032: the toaster compresses
 * and moves values out until the tuple is no longer than this (the table's
 * toast_tuple_target, 128..8160, overrides it).
 */
export const TOAST_TUPLE_TARGET = TOAST_TUPLE_THRESHOLD;
/** TOAST_TUPLES_PER_PAGE_MAIN: for MAIN columns the toaster only insists on 1 tuple per page. */
export const TOAST_TUPLES_PER_PAGE_MAIN = 1;
/**
 * TOAST_TUPLE_TARGET_MAIN = MaximumBytesPerTuple(1) = 8192 - 32 = 8160:
 * a MAIN value is moved out of line only if the tuple is still longer than
 * this after everything else has been done.
 */
export const TOAST_TUPLE_TARGET_MAIN = maximumBytesPerTuple(TOAST_TUPLES_PER_PAGE_MAIN);
/** MaxHeapTupleSize = BLCKSZ - MAXALIGN(SizeOfPageHeaderData + sizeof(ItemIdData)) = 8160. */
export const MAX_HEAP_TUPLE_SIZE = BLCKSZ - maxAlign(SIZE_OF_PAGE_HEADER + SIZE_OF_ITEM_ID);
/** TOAST_INDEX_TARGET = MaxHeapTupleSize / 16 = 510: index tuples are toasted (compressed only) past this. */
export const TOAST_INDEX_TARGET = Math.floor(MAX_HEAP_TUPLE_SIZE / 16);
/** EXTERN_TUPLES_PER_PAGE: toast chunks are sized so that 4 fit on a toast page. */
export const EXTERN_TUPLES_PER_PAGE = 4;
/** EXTERN_TUPLE_MAX_SIZE = MaximumBytesPerTuple(4) = 2032: the largest toast-table tuple. */
export const EXTERN_TUPLE_MAX_SIZE = maximumBytesPerTuple(EXTERN_TUPLES_PER_PAGE);
/**
 * TOAST_MAX_CHUNK_SIZE = EXTERN_TUPLE_MAX_SIZE - MAXALIGN(SizeofHeapTupleHeader)
 * - sizeof(Oid) [chunk_id] - sizeof(int32) [chunk_seq] - VARHDRSZ [chunk_data's header]
 * = 2032 - 24 - 4 - 4 - 4 = 1996 data bytes per chunk.
 */
export const TOAST_MAX_CHUNK_SIZE =
  EXTERN_TUPLE_MAX_SIZE - maxAlign(SIZEOF_HEAP_TUPLE_HEADER) - SIZEOF_OID - SIZEOF_INT32 - VARHDRSZ;

/**
 * VARLENA_EXTSIZE_MASK = (1 << 30) - 1: the largest raw size va_tcinfo and
 * va_extinfo can record; with the 4-byte header a varlena is under 1 GB.
 */
export const VARLENA_EXTSIZE_MASK = 0x3fffffff;
/** MaxAllocSize: no datum (header included) is larger than 1 GB - 1. */
export const MAX_ALLOC_SIZE = 0x3fffffff;

/** How many chunks of TOAST_MAX_CHUNK_SIZE bytes hold `extsize` bytes stored out of line. */
export function toastChunkCount(extsize: number): number {
  return Math.ceil(extsize / TOAST_MAX_CHUNK_SIZE);
}

/**
 * pg_attribute.attstorage, a column's storage strategy (ALTER TABLE ... SET
 * STORAGE), defaulting to its type's typstorage:
 *
 * | strategy | attstorage | compressed inline | moved out of line | 1-byte header |
 * |----------|------------|-------------------|-------------------|---------------|
 * | PLAIN    | 'p'        | no                | no                | no            |
 * | EXTENDED | 'x'        | yes, first        | yes, after that   | yes           |
 * | EXTERNAL | 'e'        | no                | yes               | yes           |
 * | MAIN     | 'm'        | yes               | only as a last resort (tuple > 8160) | yes |
 */
export const ToastStorage = Object.freeze({
  PLAIN: 'p',
  EXTENDED: 'x',
  EXTERNAL: 'e',
  MAIN: 'm',
} as const);
export type ToastStorage = (typeof ToastStorage)[keyof typeof ToastStorage];

/** Whether the toaster may compress a column of this storage inline. */
export function storageAllowsCompression(storage: ToastStorage): boolean {
  return storage === 'x' || storage === 'm';
}

/** Whether the toaster may move a column of this storage to the toast relation. */
export function storageAllowsExternal(storage: ToastStorage): boolean {
  return storage !== 'p';
}

/**
 * VARLENA_ATT_IS_PACKABLE: whether heap_fill_tuple may store a short value
 * of this column with a 1-byte header (anything but PLAIN).
 */
export function storageAllowsShortHeader(storage: ToastStorage): boolean {
  return storage !== 'p';
}
