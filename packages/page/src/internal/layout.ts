/**
 * The byte layout of a PostgreSQL 15 page (src/include/storage/bufpage.h and
 * itemid.h). Every offset used elsewhere in this package is a constant here.
 *
 * ```
 *  0                24                        pd_lower     pd_upper          pd_special   8192
 *  +----------------+------+------+-----+-----+- - - - - - -+--------+--------+-----------+
 *  | PageHeaderData | lp 1 | lp 2 | ... | lp N|  free space | item N |  ...   | item 1 | special |
 *  +----------------+------+------+-----+-----+- - - - - - -+--------+--------+-----------+
 *                    line pointers grow ->           <- items grow down from pd_special
 * ```
 *
 * PageHeaderData, 24 bytes, little-endian (the byte order of the machines
 * PostgreSQL runs on here, x86-64 and arm64):
 *
 * | offset | size | field               | description                                          |
 * |-------:|-----:|---------------------|------------------------------------------------------|
 * |      0 |    4 | pd_lsn.xlogid       | high 32 bits of the LSN of the last WAL record       |
 * |      4 |    4 | pd_lsn.xrecoff      | low 32 bits of that LSN                              |
 * |      8 |    2 | pd_checksum         | page checksum, 0 when data checksums are off          |
 * |     10 |    2 | pd_flags            | PD_HAS_FREE_LINES, PD_PAGE_FULL, PD_ALL_VISIBLE       |
 * |     12 |    2 | pd_lower            | offset of the end of the line pointer array          |
 * |     14 |    2 | pd_upper            | offset of the start of the item area                 |
 * |     16 |    2 | pd_special          | offset of the start of the special space             |
 * |     18 |    2 | pd_pagesize_version | page size OR'ed with the layout version (8192 \| 4)    |
 * |     20 |    4 | pd_prune_xid        | oldest unpruned XMAX on the page, 0 if none          |
 * |     24 |  4*N | pd_linp             | the line pointers (ItemIdData), numbered from 1      |
 *
 * ItemIdData, one 32-bit word. The C struct is a bitfield
 * `{ lp_off:15, lp_flags:2, lp_len:15 }`; GCC allocates bitfields from the
 * least significant bit on little-endian machines, so:
 *
 * ```
 *  bit 31            17 16 15 14             0
 *      +---------------+-----+----------------+
 *      |    lp_len     |flags|     lp_off     |
 *      +---------------+-----+----------------+
 * ```
 *
 * For LP_REDIRECT, lp_off holds the offset number the pointer redirects to
 * and lp_len is 0. LP_UNUSED pointers are all zero. LP_DEAD pointers may or
 * may not still have storage (lp_len > 0).
 */

/** BLCKSZ: the size of every page, the compile-time default of PostgreSQL. */
export const BLCKSZ = 8192;
/** PG_PAGE_LAYOUT_VERSION: 4 since PostgreSQL 8.3. */
export const PG_PAGE_LAYOUT_VERSION = 4;
/** MAXIMUM_ALIGNOF on 64-bit platforms. */
export const MAXIMUM_ALIGNOF = 8;
/** SizeOfPageHeaderData: offsetof(PageHeaderData, pd_linp). */
export const SIZE_OF_PAGE_HEADER = 24;
/** sizeof(ItemIdData). */
export const SIZE_OF_ITEM_ID = 4;

export const OFF_LSN_HI = 0;
export const OFF_LSN_LO = 4;
export const OFF_CHECKSUM = 8;
export const OFF_FLAGS = 10;
export const OFF_LOWER = 12;
export const OFF_UPPER = 14;
export const OFF_SPECIAL = 16;
export const OFF_PAGESIZE_VERSION = 18;
export const OFF_PRUNE_XID = 20;
export const OFF_LINP = SIZE_OF_PAGE_HEADER;

/** pd_flags bits. */
export const PD_HAS_FREE_LINES = 0x0001;
export const PD_PAGE_FULL = 0x0002;
export const PD_ALL_VISIBLE = 0x0004;
export const PD_VALID_FLAG_BITS = 0x0007;

/** lp_flags values. */
export const LP_UNUSED = 0;
export const LP_NORMAL = 1;
export const LP_REDIRECT = 2;
export const LP_DEAD = 3;
export type LpFlags = typeof LP_UNUSED | typeof LP_NORMAL | typeof LP_REDIRECT | typeof LP_DEAD;

/** Bit positions and masks of the ItemIdData word. */
export const LP_OFF_MASK = 0x7fff;
export const LP_FLAGS_SHIFT = 15;
export const LP_FLAGS_MASK = 0x3;
export const LP_LEN_SHIFT = 17;
export const LP_LEN_MASK = 0x7fff;

/** FirstOffsetNumber; offset numbers are 1-based and 0 is InvalidOffsetNumber. */
export const FIRST_OFFSET_NUMBER = 1;

/** MAXALIGN(SizeofHeapTupleHeader): a heap tuple header is 23 bytes. */
const MAXALIGNED_HEAP_TUPLE_HEADER = 24;
/** MAXALIGN(sizeof(IndexTupleData) + 1): an index tuple header is 8 bytes. */
const MAXALIGNED_MIN_INDEX_TUPLE = 16;

/** MaxHeapTuplesPerPage: 291 for 8 KiB pages. */
export const MAX_HEAP_TUPLES_PER_PAGE = Math.floor(
  (BLCKSZ - SIZE_OF_PAGE_HEADER) / (MAXALIGNED_HEAP_TUPLE_HEADER + SIZE_OF_ITEM_ID),
);
/** MaxIndexTuplesPerPage: 408 for 8 KiB pages. */
export const MAX_INDEX_TUPLES_PER_PAGE = Math.floor(
  (BLCKSZ - SIZE_OF_PAGE_HEADER) / (MAXALIGNED_MIN_INDEX_TUPLE + SIZE_OF_ITEM_ID),
);
/** The largest item length lp_len can hold. */
export const MAX_ITEM_LENGTH = LP_LEN_MASK;

/** MAXALIGN(n): round up to a multiple of 8. */
export function maxAlign(n: number): number {
  return (n + (MAXIMUM_ALIGNOF - 1)) & ~(MAXIMUM_ALIGNOF - 1);
}

/** Packs a line pointer into its 32-bit word. */
export function packItemId(off: number, flags: LpFlags, len: number): number {
  return ((len << LP_LEN_SHIFT) | (flags << LP_FLAGS_SHIFT) | off) >>> 0;
}
