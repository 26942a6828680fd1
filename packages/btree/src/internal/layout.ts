/**
 * The bytes of PostgreSQL 15's nbtree pages (src/include/access/nbtree.h):
 * the special space (BTPageOpaqueData), the metapage (BTMetaPageData), and
 * index tuples (IndexTupleData) in their three shapes — plain leaf tuples,
 * pivot tuples (high keys and downlinks, with suffix truncation) and posting
 * list tuples (deduplication). Everything here is a pure function of bytes.
 */
import { compareTids, readTid, SIZE_OF_TID, type Tid, writeTid } from '@pg/access';
import type { AnyPgType } from '@pg/types';
import { decodeRow, encodeRow } from '@pg/types';

export const BLCKSZ = 8192;
export const SIZE_OF_PAGE_HEADER = 24;
export const SIZE_OF_ITEM_ID = 4;
/** sizeof(BTPageOpaqueData). */
export const SIZE_OF_BT_OPAQUE = 16;
/** The metapage's block number (BTREE_METAPAGE). */
export const BTREE_METAPAGE = 0;
export const BTREE_MAGIC = 0x053162;
/** BTREE_VERSION: heapkeyspace, deduplication-capable indexes (PostgreSQL 13+). */
export const BTREE_VERSION = 4;
/** P_NONE: no sibling. */
export const P_NONE = 0;
/** The high key's offset on a non-rightmost page (P_HIKEY). */
export const P_HIKEY = 1;
/** BTREE_DEFAULT_FILLFACTOR and BTREE_NONLEAF_FILLFACTOR. */
export const BTREE_DEFAULT_FILLFACTOR = 90;
export const BTREE_NONLEAF_FILLFACTOR = 70;
/** BTREE_SINGLEVAL_FILLFACTOR: how full a page of one duplicated value is left by a split. */
export const BTREE_SINGLEVAL_FILLFACTOR = 96;

/** btpo_flags. */
export const BTP_LEAF = 1 << 0;
export const BTP_ROOT = 1 << 1;
export const BTP_DELETED = 1 << 2;
export const BTP_META = 1 << 3;
export const BTP_HALF_DEAD = 1 << 4;
export const BTP_SPLIT_END = 1 << 5;
export const BTP_HAS_GARBAGE = 1 << 6;
export const BTP_INCOMPLETE_SPLIT = 1 << 7;
export const BTP_HAS_FULLXID = 1 << 8;

/** t_info bits. */
export const INDEX_SIZE_MASK = 0x1fff;
/** INDEX_AM_RESERVED_BIT, which nbtree calls INDEX_ALT_TID_MASK: t_tid holds pivot or posting data. */
export const INDEX_ALT_TID_MASK = 0x2000;
export const INDEX_VAR_MASK = 0x4000;
export const INDEX_NULL_MASK = 0x8000;
/** Bits of t_tid's offset number in pivot and posting tuples. */
export const BT_OFFSET_MASK = 0x0fff;
export const BT_PIVOT_HEAP_TID_ATTR = 0x1000;
export const BT_IS_POSTING = 0x2000;
/** sizeof(IndexTupleData). */
export const SIZE_OF_INDEX_TUPLE = 8;
/** INDEX_MAX_KEYS / 8: the null bitmap of an index tuple is always 4 bytes. */
export const SIZE_OF_INDEX_NULL_BITMAP = 4;
export const INDEX_MAX_KEYS = 32;

/** BTMaxItemSize for 8 KiB pages, version 4: a third of a page less room for a heap TID. */
export const BT_MAX_ITEM_SIZE = 2704;
/** Usable bytes of an empty B-tree page: all but the header and special space. */
export const BT_PAGE_CAPACITY = BLCKSZ - SIZE_OF_PAGE_HEADER - SIZE_OF_BT_OPAQUE;

export function maxAlign(n: number): number {
  return (n + 7) & ~7;
}

// --------------------------------------------------------------- special space

/** BTPageOpaqueData. */
export interface BTOpaque {
  prev: number;
  next: number;
  level: number;
  flags: number;
  cycleId: number;
}

const OPAQUE_AT = BLCKSZ - SIZE_OF_BT_OPAQUE;

export function readOpaque(page: Uint8Array): BTOpaque {
  const v = new DataView(page.buffer, page.byteOffset + OPAQUE_AT, SIZE_OF_BT_OPAQUE);
  return {
    prev: v.getUint32(0, true),
    next: v.getUint32(4, true),
    level: v.getUint32(8, true),
    flags: v.getUint16(12, true),
    cycleId: v.getUint16(14, true),
  };
}

export function writeOpaque(page: Uint8Array, o: BTOpaque): void {
  const v = new DataView(page.buffer, page.byteOffset + OPAQUE_AT, SIZE_OF_BT_OPAQUE);
  v.setUint32(0, o.prev, true);
  v.setUint32(4, o.next, true);
  v.setUint32(8, o.level, true);
  v.setUint16(12, o.flags, true);
  v.setUint16(14, o.cycleId, true);
}

export function opaqueNext(page: Uint8Array): number {
  return readU32(page, OPAQUE_AT + 4);
}

export function opaquePrev(page: Uint8Array): number {
  return readU32(page, OPAQUE_AT);
}

export function opaqueLevel(page: Uint8Array): number {
  return readU32(page, OPAQUE_AT + 8);
}

export function opaqueFlags(page: Uint8Array): number {
  return page[OPAQUE_AT + 12]! | (page[OPAQUE_AT + 13]! << 8);
}

export function isLeaf(page: Uint8Array): boolean {
  return (opaqueFlags(page) & BTP_LEAF) !== 0;
}

export function isRightmost(page: Uint8Array): boolean {
  return readU32(page, OPAQUE_AT + 4) === P_NONE;
}

/** P_FIRSTDATAKEY: the first item that is not the high key. */
export function firstDataKey(page: Uint8Array): number {
  return isRightmost(page) ? P_HIKEY : P_HIKEY + 1;
}

/** P_IGNORE: deleted or half-dead. */
export function isIgnored(page: Uint8Array): boolean {
  return (opaqueFlags(page) & (BTP_DELETED | BTP_HALF_DEAD)) !== 0;
}

export function readU32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

export function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

// ----------------------------------------------------------------- metapage

/** BTMetaPageData. */
export interface BTMeta {
  magic: number;
  version: number;
  root: number;
  level: number;
  fastRoot: number;
  fastLevel: number;
  lastCleanupNumDelPages: number;
  lastCleanupNumHeapTuples: number;
  allEqualImage: boolean;
}

/** sizeof(BTMetaPageData): 7 uint32, padding, a float8, a bool, padding to 8. */
export const SIZE_OF_BT_META = 48;
const META_AT = SIZE_OF_PAGE_HEADER;

export function readMeta(page: Uint8Array): BTMeta {
  const v = new DataView(page.buffer, page.byteOffset + META_AT, SIZE_OF_BT_META);
  return {
    magic: v.getUint32(0, true),
    version: v.getUint32(4, true),
    root: v.getUint32(8, true),
    level: v.getUint32(12, true),
    fastRoot: v.getUint32(16, true),
    fastLevel: v.getUint32(20, true),
    lastCleanupNumDelPages: v.getUint32(24, true),
    lastCleanupNumHeapTuples: v.getFloat64(32, true),
    allEqualImage: v.getUint8(40) !== 0,
  };
}

/** Writes the metapage fields and sets pd_lower past them (_bt_initmetapage, _bt_upgrademetapage). */
export function writeMeta(page: Uint8Array, m: BTMeta): void {
  const v = new DataView(page.buffer, page.byteOffset + META_AT, SIZE_OF_BT_META);
  v.setUint32(0, m.magic, true);
  v.setUint32(4, m.version, true);
  v.setUint32(8, m.root, true);
  v.setUint32(12, m.level, true);
  v.setUint32(16, m.fastRoot, true);
  v.setUint32(20, m.fastLevel, true);
  v.setUint32(24, m.lastCleanupNumDelPages, true);
  v.setFloat64(32, m.lastCleanupNumHeapTuples, true);
  v.setUint8(40, m.allEqualImage ? 1 : 0);
  const pdLower = new DataView(page.buffer, page.byteOffset + 12, 2);
  pdLower.setUint16(0, META_AT + SIZE_OF_BT_META, true);
}

/** The safe-to-recycle full transaction id of a deleted page (BTDeletedPageData), stored after the header. */
export function readDeletedXid(page: Uint8Array): bigint {
  return new DataView(page.buffer, page.byteOffset + SIZE_OF_PAGE_HEADER, 8).getBigUint64(0, true);
}

export function writeDeletedXid(page: Uint8Array, xid: bigint): void {
  new DataView(page.buffer, page.byteOffset + SIZE_OF_PAGE_HEADER, 8).setBigUint64(0, xid, true);
  new DataView(page.buffer, page.byteOffset + 12, 2).setUint16(0, SIZE_OF_PAGE_HEADER + 8, true);
}

// -------------------------------------------------------------- index tuples

/** IndexTupleSize: t_info's size bits. */
export function tupleSize(t: Uint8Array): number {
  return (t[6]! | (t[7]! << 8)) & INDEX_SIZE_MASK;
}

function tInfo(t: Uint8Array): number {
  return t[6]! | (t[7]! << 8);
}

function tidOffsetBits(t: Uint8Array): number {
  return t[4]! | (t[5]! << 8);
}

/** BTreeTupleIsPivot. */
export function isPivot(t: Uint8Array): boolean {
  return (tInfo(t) & INDEX_ALT_TID_MASK) !== 0 && (tidOffsetBits(t) & BT_IS_POSTING) === 0;
}

/** BTreeTupleIsPosting. */
export function isPosting(t: Uint8Array): boolean {
  return (tInfo(t) & INDEX_ALT_TID_MASK) !== 0 && (tidOffsetBits(t) & BT_IS_POSTING) !== 0;
}

/** Where the data area starts (IndexInfoFindDataOffset). */
export function dataOffset(t: Uint8Array): number {
  return (tInfo(t) & INDEX_NULL_MASK) !== 0
    ? maxAlign(SIZE_OF_INDEX_TUPLE + SIZE_OF_INDEX_NULL_BITMAP)
    : SIZE_OF_INDEX_TUPLE;
}

/** BTreeTupleGetNAtts: a pivot's stored attribute count, else `natts` (every column). */
export function tupleNatts(t: Uint8Array, natts: number): number {
  return isPivot(t) ? tidOffsetBits(t) & BT_OFFSET_MASK : natts;
}

/** The heap TID of a plain leaf tuple (t_tid). */
export function plainTid(t: Uint8Array): Tid {
  return readTid(t, 0);
}

/** BTreeTupleGetNPosting. */
export function postingCount(t: Uint8Array): number {
  return tidOffsetBits(t) & BT_OFFSET_MASK;
}

/** BTreeTupleGetPostingOffset: where the TID array starts. */
export function postingOffset(t: Uint8Array): number {
  return (t[0]! << 16) | (t[1]! << 24) | t[2]! | (t[3]! << 8);
}

/** BTreeTupleGetPosting: the sorted heap TIDs of a posting list tuple. */
export function postingTids(t: Uint8Array): Tid[] {
  const n = postingCount(t);
  const at = postingOffset(t);
  const out: Tid[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = readTid(t, at + i * SIZE_OF_TID);
  return out;
}

/** BTreeTupleGetPivotHeapTID: a pivot's heap TID, or null when truncated away. */
export function pivotHeapTid(t: Uint8Array): Tid | null {
  if ((tidOffsetBits(t) & BT_PIVOT_HEAP_TID_ATTR) === 0) return null;
  return readTid(t, tupleSize(t) - SIZE_OF_TID);
}

/** BTreeTupleGetHeapTID: the (lowest) heap TID of any tuple, null for a pivot without one. */
export function heapTid(t: Uint8Array): Tid | null {
  if (isPivot(t)) return pivotHeapTid(t);
  if (isPosting(t)) return readTid(t, postingOffset(t));
  return readTid(t, 0);
}

/** BTreeTupleGetMaxHeapTID. */
export function maxHeapTid(t: Uint8Array): Tid | null {
  if (isPosting(t)) return readTid(t, postingOffset(t) + (postingCount(t) - 1) * SIZE_OF_TID);
  return heapTid(t);
}

/** Every heap TID of a leaf tuple, ascending. */
export function leafTids(t: Uint8Array): Tid[] {
  return isPosting(t) ? postingTids(t) : [readTid(t, 0)];
}

/** BTreeTupleGetDownLink: the child a pivot on an internal page points to. */
export function downlink(t: Uint8Array): number {
  return readTid(t, 0).block;
}

/** BTreeTupleSetDownLink. */
export function setDownlink(t: Uint8Array, block: number): void {
  const hi = block >>> 16;
  const lo = block & 0xffff;
  t[0] = hi & 0xff;
  t[1] = hi >>> 8;
  t[2] = lo & 0xff;
  t[3] = lo >>> 8;
}

/**
 * index_form_tuple: a tuple of `values` (null for NULL) with t_tid = `tid`.
 * The data area is laid out as a heap tuple's (heap_fill_tuple), after
 * 8 bytes of header, or 16 when there is a null bitmap.
 */
export function formTuple(
  types: readonly AnyPgType[],
  values: readonly unknown[],
  tid: Tid,
): Uint8Array {
  if (types.length > INDEX_MAX_KEYS)
    throw new RangeError(`more than ${INDEX_MAX_KEYS} index columns`);
  const row = encodeRow(types, values);
  const hoff = row.nullBitmap
    ? maxAlign(SIZE_OF_INDEX_TUPLE + SIZE_OF_INDEX_NULL_BITMAP)
    : SIZE_OF_INDEX_TUPLE;
  const size = maxAlign(hoff + row.data.length);
  if (size > INDEX_SIZE_MASK) {
    throw new RangeError(`index row requires ${size} bytes, maximum size is ${INDEX_SIZE_MASK}`);
  }
  const t = new Uint8Array(size);
  writeTid(t, 0, tid);
  let info = size;
  if (row.nullBitmap) {
    info |= INDEX_NULL_MASK;
    t.set(row.nullBitmap, SIZE_OF_INDEX_TUPLE);
  }
  if (row.hasVarWidth) info |= INDEX_VAR_MASK;
  t[6] = info & 0xff;
  t[7] = info >>> 8;
  t.set(row.data, hoff);
  return t;
}

/** index_deform_tuple of the first `natts` columns. */
export function deformTuple(
  types: readonly AnyPgType[],
  t: Uint8Array,
  natts = types.length,
): unknown[] {
  const hasNulls = (tInfo(t) & INDEX_NULL_MASK) !== 0;
  const hoff = dataOffset(t);
  const end = isPosting(t)
    ? postingOffset(t)
    : isPivot(t) && pivotHeapTid(t)
      ? tupleSize(t) - SIZE_OF_TID
      : tupleSize(t);
  const bitmap = hasNulls
    ? t.subarray(SIZE_OF_INDEX_TUPLE, SIZE_OF_INDEX_TUPLE + SIZE_OF_INDEX_NULL_BITMAP)
    : undefined;
  return decodeRow(types, t.subarray(hoff, end), bitmap, natts);
}

/** Sets t_info's size bits, keeping the flags. */
function setSize(t: Uint8Array, size: number): void {
  const info = (tInfo(t) & ~INDEX_SIZE_MASK) | size;
  t[6] = info & 0xff;
  t[7] = info >>> 8;
}

function setTidOffsetBits(t: Uint8Array, bits: number): void {
  t[4] = bits & 0xff;
  t[5] = bits >>> 8;
}

function setAltTid(t: Uint8Array): void {
  t[7] = t[7]! | (INDEX_ALT_TID_MASK >>> 8);
}

/**
 * A pivot tuple (high key or downlink) holding the first `natts` key
 * columns of `values`, and `tid` as its heap TID when given (all key
 * columns equal the neighbour's: _bt_truncate keeps the heap TID then).
 * The downlink is `downlinkBlock` (P_NONE for a high key).
 */
export function formPivot(
  keyTypes: readonly AnyPgType[],
  values: readonly unknown[],
  natts: number,
  tid: Tid | null,
  downlinkBlock = P_NONE,
): Uint8Array {
  let t: Uint8Array;
  if (natts === 0) {
    t = new Uint8Array(SIZE_OF_INDEX_TUPLE);
    t[6] = SIZE_OF_INDEX_TUPLE;
  } else {
    t = formTuple(keyTypes.slice(0, natts), values.slice(0, natts), { block: 0, offset: 0 });
  }
  if (tid) {
    const size = maxAlign(t.length) + maxAlign(SIZE_OF_TID);
    const grown = new Uint8Array(size);
    grown.set(t);
    writeTid(grown, size - SIZE_OF_TID, tid);
    t = grown;
    setSize(t, size);
  }
  setAltTid(t);
  setTidOffsetBits(t, natts | (tid ? BT_PIVOT_HEAP_TID_ATTR : 0));
  setDownlink(t, downlinkBlock);
  return t;
}

/** A copy of a pivot with another downlink. */
export function withDownlink(pivot: Uint8Array, block: number): Uint8Array {
  const t = pivot.slice();
  setDownlink(t, block);
  return t;
}

/** The key part of a leaf tuple: the tuple without its posting list, as a plain tuple's bytes. */
export function keyPart(t: Uint8Array): Uint8Array {
  if (!isPosting(t)) return t.subarray(0, tupleSize(t));
  const size = postingOffset(t);
  const k = t.slice(0, size);
  const info = (tInfo(t) & ~(INDEX_SIZE_MASK | INDEX_ALT_TID_MASK)) | size;
  k[6] = info & 0xff;
  k[7] = info >>> 8;
  return k;
}

/**
 * _bt_form_posting: the tuple `base` (a plain tuple or a posting list tuple
 * of equal keys) holding `tids` (ascending, at least one). With one TID it
 * is a plain tuple.
 */
export function formPosting(base: Uint8Array, tids: readonly Tid[]): Uint8Array {
  const key = keyPart(base);
  const keySize = tupleSize(key);
  if (tids.length === 1) {
    const t = key.slice();
    writeTid(t, 0, tids[0]!);
    return t;
  }
  const size = maxAlign(keySize + tids.length * SIZE_OF_TID);
  const t = new Uint8Array(size);
  t.set(key.subarray(0, keySize));
  for (let i = 0; i < tids.length; i++) writeTid(t, keySize + i * SIZE_OF_TID, tids[i]!);
  setSize(t, size);
  setAltTid(t);
  // BTreeTupleSetPosting: t_tid's block number holds the posting offset, its offset the count.
  setDownlink(t, keySize);
  setTidOffsetBits(t, tids.length | BT_IS_POSTING);
  return t;
}

/** Whether two leaf tuples' heap TIDs sort a before b (by their lowest TIDs). */
export function compareHeapTids(a: Tid | null, b: Tid | null): number {
  if (a === null) return b === null ? 0 : -1;
  if (b === null) return 1;
  return compareTids(a, b);
}
