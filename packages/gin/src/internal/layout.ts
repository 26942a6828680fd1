/**
 * GIN's on-disk format, as PostgreSQL 15's ginblock.h lays it out: the page
 * opaque (GinPageOpaqueData), the metapage, entry tuples (IndexTuple with
 * an optional attnum, the key, a null category and a compressed posting
 * list) and compressed posting lists (GinPostingList: the first TID then
 * varbyte-encoded deltas of 48-bit item pointers).
 */
import { compareTids, type Tid } from '@pg/access';
import { Page } from '@pg/page';

export const BLCKSZ = 8192;
export const GIN_METAPAGE_BLKNO = 0;
export const GIN_ROOT_BLKNO = 1;
export const GIN_CURRENT_VERSION = 2;

export const GIN_DATA = 1 << 0;
export const GIN_LEAF = 1 << 1;
export const GIN_DELETED = 1 << 2;
export const GIN_META = 1 << 3;
export const GIN_LIST = 1 << 4;
export const GIN_LIST_FULLROW = 1 << 5;
export const GIN_INCOMPLETE_SPLIT = 1 << 6;
export const GIN_COMPRESSED = 1 << 7;
export const SIZE_OF_GIN_OPAQUE = 8;
export const INVALID_BLOCK = 0xffffffff;

/** GinNullCategory values, in index order after attnum. */
export const GIN_CAT_NORM_KEY = 0;
export const GIN_CAT_NULL_KEY = 1;
export const GIN_CAT_EMPTY_ITEM = 2;
export const GIN_CAT_NULL_ITEM = 3;
export type GinCategory = 0 | 1 | 2 | 3;

/** GinMaxItemSize: a third of a page, so an entry page holds at least three tuples. */
export const GIN_MAX_ITEM_SIZE = 2712;
/** GinPostingListSegmentMaxSize (data pages). */
export const GIN_SEGMENT_MAX_SIZE = 384;
/** Bytes for segments on a compressed data leaf page (GinDataPageMaxDataSize). */
export const GIN_DATA_PAGE_MAX_DATA_SIZE = BLCKSZ - 24 - 8 - SIZE_OF_GIN_OPAQUE;
/** Where a data page's items begin (GinDataPageGetData): after the right bound. */
export const GIN_DATA_OFFSET = 32;
export const SIZE_OF_POSTING_ITEM = 10;
export const GIN_ITUP_COMPRESSED = 0x80000000;
export const GIN_TREE_POSTING = 0xffff;
const INDEX_SIZE_MASK = 0x1fff;
const INDEX_VAR_MASK = 0x4000;
const INDEX_NULL_MASK = 0x8000;
/** MaxHeapTuplesPerPageBits: bits of an offset number in the 48-bit form. */
const OFFSET_SPAN = 1 << 11;

export interface GinOpaque {
  rightlink: number;
  maxoff: number;
  flags: number;
}

export function readOpaque(page: Uint8Array): GinOpaque {
  const at = BLCKSZ - SIZE_OF_GIN_OPAQUE;
  const v = new DataView(page.buffer, page.byteOffset + at, SIZE_OF_GIN_OPAQUE);
  return {
    rightlink: v.getUint32(0, true),
    maxoff: v.getUint16(4, true),
    flags: v.getUint16(6, true),
  };
}

export function writeOpaque(page: Uint8Array, o: GinOpaque): void {
  const at = BLCKSZ - SIZE_OF_GIN_OPAQUE;
  const v = new DataView(page.buffer, page.byteOffset + at, SIZE_OF_GIN_OPAQUE);
  v.setUint32(0, o.rightlink, true);
  v.setUint16(4, o.maxoff, true);
  v.setUint16(6, o.flags, true);
}

/** GinInitPage: an empty page with the opaque. */
export function initGinPage(page: Uint8Array, flags: number): void {
  page.fill(0);
  Page.init(page, SIZE_OF_GIN_OPAQUE);
  writeOpaque(page, { rightlink: INVALID_BLOCK, maxoff: 0, flags });
}

/**
 * GinMetaPageData, byte for byte: the pending list (head, tail,
 * tailFreeSize, nPendingPages, nPendingHeapTuples), then the statistics
 * (nTotalPages, nEntryPages, nDataPages, nEntries) and ginVersion. The
 * pending-list fields are optional when writing (absent: an empty list).
 */
export interface GinMeta {
  nTotalPages: number;
  nEntryPages: number;
  nDataPages: number;
  nEntries: bigint;
  /** First pending-list page, or INVALID_BLOCK. */
  head?: number;
  /** Last pending-list page, or INVALID_BLOCK. */
  tail?: number;
  /** PageGetExactFreeSpace of the tail page. */
  tailFreeSize?: number;
  nPendingPages?: number;
  nPendingHeapTuples?: bigint;
}

export type GinMetaPage = Required<GinMeta> & { version: number };

export function writeMeta(page: Uint8Array, m: GinMeta): void {
  const v = new DataView(page.buffer, page.byteOffset);
  const at = 24;
  v.setUint32(at, m.head ?? INVALID_BLOCK, true);
  v.setUint32(at + 4, m.tail ?? INVALID_BLOCK, true);
  v.setUint32(at + 8, m.tailFreeSize ?? 0, true);
  v.setUint32(at + 12, m.nPendingPages ?? 0, true);
  v.setBigInt64(at + 16, m.nPendingHeapTuples ?? 0n, true);
  v.setUint32(at + 24, m.nTotalPages, true);
  v.setUint32(at + 28, m.nEntryPages, true);
  v.setUint32(at + 32, m.nDataPages, true);
  v.setBigInt64(at + 40, m.nEntries, true);
  v.setInt32(at + 48, GIN_CURRENT_VERSION, true);
  // pd_lower past sizeof(GinMetaPageData), as GinInitMetabuffer sets it.
  v.setUint16(12, at + 56, true);
}

export function readMeta(page: Uint8Array): GinMetaPage {
  const v = new DataView(page.buffer, page.byteOffset);
  const at = 24;
  return {
    head: v.getUint32(at, true),
    tail: v.getUint32(at + 4, true),
    tailFreeSize: v.getUint32(at + 8, true),
    nPendingPages: v.getUint32(at + 12, true),
    nPendingHeapTuples: v.getBigInt64(at + 16, true),
    nTotalPages: v.getUint32(at + 24, true),
    nEntryPages: v.getUint32(at + 28, true),
    nDataPages: v.getUint32(at + 32, true),
    nEntries: v.getBigInt64(at + 40, true),
    version: v.getInt32(at + 48, true),
  };
}

/** GinListPageSize: bytes for items on a pending-list page (and GIN_PAGE_FREESIZE). */
export const GIN_LIST_PAGE_SIZE = BLCKSZ - 24 - SIZE_OF_GIN_OPAQUE;

/** GinPageGetDeleteXid / GinPageSetDeleteXid: a deleted page's xid lives in pd_prune_xid. */
export function readDeleteXid(page: Uint8Array): number {
  return (page[20]! | (page[21]! << 8) | (page[22]! << 16) | (page[23]! << 24)) >>> 0;
}
export function writeDeleteXid(page: Uint8Array, xid: number): void {
  page[20] = xid & 0xff;
  page[21] = (xid >>> 8) & 0xff;
  page[22] = (xid >>> 16) & 0xff;
  page[23] = xid >>> 24;
}

// ------------------------------------------------------------ posting lists

/** itemptr_to_uint64: block << 11 | offset, exact in a double (below 2^43). */
export function tidToU64(t: Tid): number {
  return t.block * OFFSET_SPAN + t.offset;
}

export function u64ToTid(v: number): Tid {
  return { block: Math.floor(v / OFFSET_SPAN), offset: v % OFFSET_SPAN };
}

/** How many varbyte bytes a delta takes (7 bits a byte). */
function varbyteLength(d: number): number {
  let n = 1;
  for (let v = d; v > 0x7f; v = Math.floor(v / 128)) n++;
  return n;
}

/**
 * ginCompressPostingList: sorted TIDs into segments of at most `maxSize`
 * bytes each (first TID u48 as ItemPointerData, nbytes u16, the deltas),
 * each SHORTALIGNed. Returns the segments and how many TIDs each holds.
 * `from`/`to` select a slice of `tids` (default: all of them).
 */
export function compressPostingList(
  tids: readonly Tid[],
  maxSize: number,
): { bytes: Uint8Array; count: number }[] {
  const nums = new Float64Array(tids.length);
  for (let i = 0; i < tids.length; i++) nums[i] = tidToU64(tids[i]!);
  return compressPostingNumbers(nums, maxSize);
}

/** compressPostingList over TIDs as itemptr_to_uint64 numbers, `from`..`to` of them. */
export function compressPostingNumbers(
  nums: ArrayLike<number>,
  maxSize: number,
  from = 0,
  to = nums.length,
): { bytes: Uint8Array; count: number }[] {
  const segments: { bytes: Uint8Array; count: number }[] = [];
  // The deltas of one segment, written in place (at most maxSize - 8 bytes plus one delta).
  const scratch = new Uint8Array(Math.max(maxSize, 8) + 8);
  let i = from;
  while (i < to) {
    let prev = nums[i]!;
    const first = u64ToTid(prev);
    let count = 1;
    let len = 0;
    i++;
    while (i < to) {
      const cur = nums[i]!;
      let d = cur - prev;
      const n = d < 0x80 ? 1 : varbyteLength(d);
      if (shortAlign(8 + len + n) > maxSize) break;
      while (d > 0x7f) {
        scratch[len++] = (d % 128) | 0x80;
        d = Math.floor(d / 128);
      }
      scratch[len++] = d;
      prev = cur;
      count++;
      i++;
    }
    const bytes = new Uint8Array(shortAlign(8 + len));
    writeItemPointer(bytes, 0, first);
    bytes[6] = len & 0xff;
    bytes[7] = len >>> 8;
    bytes.set(scratch.subarray(0, len), 8);
    segments.push({ bytes, count });
  }
  return segments;
}

/** ginPostingListDecodeAllSegments over `bytes` (segments back to back). */
export function decodePostingList(bytes: Uint8Array): Tid[] {
  return decodePostingNumbers(bytes, []).map(u64ToTid);
}

/** decodePostingList as itemptr_to_uint64 numbers, appended to `out`. */
export function decodePostingNumbers(bytes: Uint8Array, out: number[]): number[] {
  let at = 0;
  while (at + 8 <= bytes.length) {
    const first = readItemPointer(bytes, at);
    const nbytes = bytes[at + 6]! | (bytes[at + 7]! << 8);
    if (first.offset === 0) break;
    let v = tidToU64(first);
    out.push(v);
    let p = at + 8;
    const end = p + nbytes;
    while (p < end) {
      let delta = 0;
      let scale = 1;
      for (;;) {
        const b = bytes[p++]!;
        delta += (b & 0x7f) * scale;
        scale *= 128;
        if ((b & 0x80) === 0) break;
      }
      v += delta;
      out.push(v);
    }
    at = shortAlign(end);
  }
  return out;
}

export function writeItemPointer(out: Uint8Array, at: number, t: Tid): void {
  out[at] = (t.block >>> 16) & 0xff;
  out[at + 1] = t.block >>> 24;
  out[at + 2] = t.block & 0xff;
  out[at + 3] = (t.block >>> 8) & 0xff;
  out[at + 4] = t.offset & 0xff;
  out[at + 5] = t.offset >>> 8;
}

export function readItemPointer(b: Uint8Array, at: number): Tid {
  const hi = b[at]! | (b[at + 1]! << 8);
  const lo = b[at + 2]! | (b[at + 3]! << 8);
  return { block: hi * 0x10000 + lo, offset: b[at + 4]! | (b[at + 5]! << 8) };
}

export function shortAlign(n: number): number {
  return (n + 1) & ~1;
}
export function maxAlign(n: number): number {
  return (n + 7) & ~7;
}
function alignTo(n: number, a: 'c' | 's' | 'i' | 'd'): number {
  const m = a === 'c' ? 1 : a === 's' ? 2 : a === 'i' ? 4 : 8;
  return Math.ceil(n / m) * m;
}

/** Sorted union of two sorted TID lists without duplicates. */
export function mergeTids(a: readonly Tid[], b: readonly Tid[]): Tid[] {
  const out: Tid[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const c = i >= a.length ? 1 : j >= b.length ? -1 : compareTids(a[i]!, b[j]!);
    if (c <= 0) {
      out.push(a[i++]!);
      if (c === 0) j++;
    } else out.push(b[j++]!);
  }
  return out;
}

// ------------------------------------------------------------ entry tuples

/** How a key is stored: its typlen and alignment (the opclass's storage type). */
export interface KeyStorage {
  readonly len: number;
  readonly align: 'c' | 's' | 'i' | 'd';
}

/** A decoded entry tuple. */
export interface EntryTuple {
  readonly attnum: number;
  readonly category: GinCategory;
  /** The key's payload bytes (without a varlena header); empty for a non-normal category. */
  readonly key: Uint8Array;
  /** Leaf: the posting list; internal: unused. */
  readonly tids: readonly Tid[];
  /** Leaf: the posting tree's root, or INVALID_BLOCK; internal: the downlink. */
  readonly block: number;
}

/**
 * GinFormTuple / GinFormInteriorTuple. `oneCol`: a one-column index stores
 * no attnum. A leaf tuple's t_tid holds the posting list's offset (with
 * GIN_ITUP_COMPRESSED) and its TID count, or a posting tree root and
 * GIN_TREE_POSTING; an internal tuple's t_tid is the downlink.
 */
export function formEntryTuple(
  e: EntryTuple,
  storage: KeyStorage,
  oneCol: boolean,
  leaf: boolean,
): Uint8Array | null {
  const hasNull = e.category !== GIN_CAT_NORM_KEY;
  let size = hasNull ? maxAlign(9) : 8;
  const parts: { at: number; bytes: Uint8Array }[] = [];
  let varlena = false;
  if (!oneCol) {
    size = alignTo(size, 's');
    parts.push({ at: size, bytes: new Uint8Array([e.attnum & 0xff, e.attnum >>> 8]) });
    size += 2;
  }
  if (!hasNull) {
    if (storage.len === -1) {
      varlena = true;
      if (e.key.length + 1 <= 127) {
        parts.push({ at: size, bytes: new Uint8Array([((e.key.length + 1) << 1) | 1]) });
        parts.push({ at: size + 1, bytes: e.key });
        size += 1 + e.key.length;
      } else {
        size = alignTo(size, storage.align);
        const n = (e.key.length + 4) << 2;
        parts.push({
          at: size,
          bytes: new Uint8Array([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]),
        });
        parts.push({ at: size + 4, bytes: e.key });
        size += 4 + e.key.length;
      }
    } else {
      size = alignTo(size, storage.align);
      parts.push({ at: size, bytes: e.key });
      size += storage.len;
    }
  } else {
    parts.push({ at: size, bytes: new Uint8Array([e.category]) });
  }
  // index_form_tuple's size is MAXALIGNed; the category byte follows the
  // key columns (often inside that padding): the posting list starts past
  // both (GinFormTuple's Max(newsize, GinCategoryOffset + 1)).
  size = hasNull ? Math.max(maxAlign(size), size + 1) : maxAlign(size);
  let tidBlock = e.block;
  let tidOffset = 0;
  let posting: Uint8Array | null = null;
  if (leaf) {
    size = shortAlign(size);
    if (e.block === INVALID_BLOCK) {
      // Every TID after the first takes at least a byte: more cannot fit.
      if (e.tids.length > GIN_MAX_ITEM_SIZE) return null;
      const segs = compressPostingList(e.tids, GIN_MAX_ITEM_SIZE);
      if (segs.length > 1) return null;
      posting = segs[0]?.bytes ?? new Uint8Array(0);
      tidBlock = (size | GIN_ITUP_COMPRESSED) >>> 0;
      tidOffset = e.tids.length;
      parts.push({ at: size, bytes: posting });
      size += posting.length;
    } else {
      tidOffset = GIN_TREE_POSTING;
    }
  }
  size = maxAlign(size);
  if (size > GIN_MAX_ITEM_SIZE) return null;
  const out = new Uint8Array(size);
  writeItemPointer(out, 0, { block: tidBlock, offset: tidOffset });
  let info = size & INDEX_SIZE_MASK;
  if (varlena) info |= INDEX_VAR_MASK;
  if (hasNull) {
    info |= INDEX_NULL_MASK;
    out[8] = oneCol ? 0 : 1;
  }
  out[6] = info & 0xff;
  out[7] = info >>> 8;
  for (const p of parts) out.set(p.bytes, p.at);
  return out;
}

/** Reads an entry tuple (the inverse of formEntryTuple). */
export function parseEntryTuple(
  t: Uint8Array,
  storage: KeyStorage,
  oneCol: boolean,
  leaf: boolean,
): EntryTuple {
  const tid = readItemPointer(t, 0);
  const info = t[6]! | (t[7]! << 8);
  const hasNull = (info & INDEX_NULL_MASK) !== 0;
  let at = hasNull ? maxAlign(9) : 8;
  let attnum = 1;
  if (!oneCol) {
    at = alignTo(at, 's');
    attnum = t[at]! | (t[at + 1]! << 8);
    at += 2;
  }
  let category: GinCategory = GIN_CAT_NORM_KEY;
  let key = new Uint8Array(0);
  if (hasNull) {
    category = t[at]! as GinCategory;
  } else if (storage.len === -1) {
    if ((t[at]! & 1) === 1) {
      const n = t[at]! >>> 1;
      key = t.slice(at + 1, at + n);
    } else {
      at = alignTo(at, storage.align);
      const n = (t[at]! | (t[at + 1]! << 8) | (t[at + 2]! << 16) | (t[at + 3]! << 24)) >>> 2;
      key = t.slice(at + 4, at + n);
    }
  } else {
    at = alignTo(at, storage.align);
    key = t.slice(at, at + storage.len);
  }
  if (!leaf) return { attnum, category, key, tids: [], block: tid.block };
  if (tid.offset === GIN_TREE_POSTING) return { attnum, category, key, tids: [], block: tid.block };
  const off = (tid.block & ~GIN_ITUP_COMPRESSED) >>> 0;
  const tids = tid.offset === 0 ? [] : decodePostingList(t.subarray(off));
  return { attnum, category, key, tids: tids.slice(0, tid.offset), block: INVALID_BLOCK };
}

// ------------------------------------------------------------ data pages

/**
 * Page capacities of posting trees, which tests may lower to reach deep
 * trees with few TIDs: PostingItems per internal data page and segment
 * bytes per data leaf (PostgreSQL's values by default).
 */
export const ginLimits = {
  maxPostingItems: Math.floor(GIN_DATA_PAGE_MAX_DATA_SIZE / SIZE_OF_POSTING_ITEM),
  maxLeafDataSize: GIN_DATA_PAGE_MAX_DATA_SIZE,
};

/** Reads a compressed data leaf page's TIDs. */
export function readDataLeaf(page: Uint8Array): Tid[] {
  const lower = page[12]! | (page[13]! << 8);
  return decodePostingList(page.subarray(GIN_DATA_OFFSET, lower));
}

/** readDataLeaf as itemptr_to_uint64 numbers, appended to `out`. */
export function readDataLeafNumbers(page: Uint8Array, out: number[]): number[] {
  const lower = page[12]! | (page[13]! << 8);
  return decodePostingNumbers(page.subarray(GIN_DATA_OFFSET, lower), out);
}

/** Writes TIDs to a compressed data leaf page; false when they do not fit. */
export function writeDataLeaf(
  page: Uint8Array,
  tids: readonly Tid[],
  rightlink: number,
  rightBound: Tid,
): boolean {
  return writeDataLeafSegments(
    page,
    compressPostingList(tids, GIN_SEGMENT_MAX_SIZE),
    rightlink,
    rightBound,
  );
}

/** Writes already compressed segments to a data leaf page; false when they do not fit. */
export function writeDataLeafSegments(
  page: Uint8Array,
  segs: readonly { bytes: Uint8Array }[],
  rightlink: number,
  rightBound: Tid,
): boolean {
  const total = segs.reduce((n, s) => n + s.bytes.length, 0);
  if (total > ginLimits.maxLeafDataSize) return false;
  initGinPage(page, GIN_DATA | GIN_LEAF | GIN_COMPRESSED);
  writeItemPointer(page, 24, rightBound);
  let at = GIN_DATA_OFFSET;
  for (const s of segs) {
    page.set(s.bytes, at);
    at += s.bytes.length;
  }
  // PostgreSQL sets pd_lower right after the last segment (SHORTALIGNed);
  // @pg/page's page verification wants (pd_lower - 24) % 4 == 0, so we pad
  // the end to a multiple of 4 with zeros (decoding stops there).
  const lower = (at + 3) & ~3;
  page[12] = lower & 0xff;
  page[13] = lower >>> 8;
  writeOpaque(page, { rightlink, maxoff: 0, flags: GIN_DATA | GIN_LEAF | GIN_COMPRESSED });
  return true;
}

/** A posting tree's internal page: PostingItems (child block, key TID). */
export function readDataInternal(page: Uint8Array): { child: number; key: Tid }[] {
  const n = readOpaque(page).maxoff;
  const out: { child: number; key: Tid }[] = [];
  for (let i = 0; i < n; i++) {
    const at = GIN_DATA_OFFSET + i * SIZE_OF_POSTING_ITEM;
    const hi = page[at]! | (page[at + 1]! << 8);
    const lo = page[at + 2]! | (page[at + 3]! << 8);
    out.push({ child: hi * 0x10000 + lo, key: readItemPointer(page, at + 4) });
  }
  return out;
}

/** GinDataPageGetRightBound: the largest TID the page may hold ({0,0} on the rightmost page: none). */
export function readRightBound(page: Uint8Array): Tid {
  return readItemPointer(page, 24);
}

export function writeDataInternal(
  page: Uint8Array,
  items: readonly { child: number; key: Tid }[],
  rightlink: number = INVALID_BLOCK,
  rightBound: Tid = { block: 0, offset: 0 },
): boolean {
  if (items.length > ginLimits.maxPostingItems) return false;
  initGinPage(page, GIN_DATA);
  writeItemPointer(page, 24, rightBound);
  items.forEach((it, i) => {
    const at = GIN_DATA_OFFSET + i * SIZE_OF_POSTING_ITEM;
    page[at] = (it.child >>> 16) & 0xff;
    page[at + 1] = it.child >>> 24;
    page[at + 2] = it.child & 0xff;
    page[at + 3] = (it.child >>> 8) & 0xff;
    writeItemPointer(page, at + 4, it.key);
  });
  // PostgreSQL ends pd_lower right after the last PostingItem (10 bytes
  // each); @pg/page's verification of a page read back from disk wants
  // (pd_lower - 24) % 4 == 0, so an odd count is padded by 2 (maxoff says
  // how many items there are).
  const lower = (GIN_DATA_OFFSET + items.length * SIZE_OF_POSTING_ITEM + 3) & ~3;
  page[12] = lower & 0xff;
  page[13] = lower >>> 8;
  writeOpaque(page, { rightlink, maxoff: items.length, flags: GIN_DATA });
  return true;
}
