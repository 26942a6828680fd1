/**
 * The bytes of PostgreSQL 15's hash index pages (src/include/access/hash.h):
 * the special space (HashPageOpaqueData), the metapage (HashMetaPageData),
 * bitmap pages, index tuples holding a 32-bit hash code, and the split-point
 * arithmetic of hashutil.c/hashovfl.c. Everything here is a pure function of
 * bytes and numbers.
 */
import { readTid, type Tid, writeTid } from '@pg/access';

export const BLCKSZ = 8192;
export const SIZE_OF_PAGE_HEADER = 24;
/** sizeof(HashPageOpaqueData). */
export const SIZE_OF_HASH_OPAQUE = 16;
export const HASH_METAPAGE = 0;
export const HASH_MAGIC = 0x6440640;
export const HASH_VERSION = 4;
export const HASHO_PAGE_ID = 0xff80;
export const HASH_DEFAULT_FILLFACTOR = 75;
export const HASH_MAX_SPLITPOINTS = 98;
export const HASH_MAX_BITMAPS = 1024;
export const HASH_SPLITPOINT_PHASE_BITS = 2;
export const HASH_SPLITPOINT_PHASE_MASK = 3;
export const HASH_SPLITPOINT_GROUPS_WITH_ONE_PHASE = 10;
/** InvalidBlockNumber, and InvalidBucket. */
export const INVALID_BLOCK = 0xffffffff;
export const INVALID_BUCKET = 0xffffffff;

/** hasho_flag bits. */
export const LH_UNUSED_PAGE = 0;
export const LH_OVERFLOW_PAGE = 1 << 0;
export const LH_BUCKET_PAGE = 1 << 1;
export const LH_BITMAP_PAGE = 1 << 2;
export const LH_META_PAGE = 1 << 3;
export const LH_BUCKET_BEING_POPULATED = 1 << 4;
export const LH_BUCKET_BEING_SPLIT = 1 << 5;
export const LH_BUCKET_NEEDS_SPLIT_CLEANUP = 1 << 6;
export const LH_PAGE_HAS_DEAD_TUPLES = 1 << 7;
export const LH_PAGE_TYPE = LH_OVERFLOW_PAGE | LH_BUCKET_PAGE | LH_BITMAP_PAGE | LH_META_PAGE;

/** INDEX_MOVED_BY_SPLIT_MASK (INDEX_AM_RESERVED_BIT) in t_info. */
export const INDEX_MOVED_BY_SPLIT_MASK = 0x2000;
export const INDEX_SIZE_MASK = 0x1fff;
/** A hash index tuple: IndexTupleData (8) + the uint32 hash code, MAXALIGNed. */
export const HASH_TUPLE_SIZE = 16;

// ------------------------------------------------------------- little endian

export function readU16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}
export function writeU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
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

// ------------------------------------------------------------- special space

/** HashPageOpaqueData. For a primary bucket page, prev holds hashm_maxbucket as of the bucket's last split. */
export interface HashOpaque {
  prev: number;
  next: number;
  bucket: number;
  flag: number;
  pageId: number;
}

const OPAQUE_AT = BLCKSZ - SIZE_OF_HASH_OPAQUE;

export function readOpaque(page: Uint8Array): HashOpaque {
  return {
    prev: readU32(page, OPAQUE_AT),
    next: readU32(page, OPAQUE_AT + 4),
    bucket: readU32(page, OPAQUE_AT + 8),
    flag: readU16(page, OPAQUE_AT + 12),
    pageId: readU16(page, OPAQUE_AT + 14),
  };
}

export function writeOpaque(page: Uint8Array, o: HashOpaque): void {
  writeU32(page, OPAQUE_AT, o.prev);
  writeU32(page, OPAQUE_AT + 4, o.next);
  writeU32(page, OPAQUE_AT + 8, o.bucket);
  writeU16(page, OPAQUE_AT + 12, o.flag);
  writeU16(page, OPAQUE_AT + 14, o.pageId);
}

// ------------------------------------------------------------------ metapage

/** HashMetaPageData. */
export interface HashMeta {
  magic: number;
  version: number;
  ntuples: number;
  ffactor: number;
  bsize: number;
  bmsize: number;
  bmshift: number;
  maxbucket: number;
  highmask: number;
  lowmask: number;
  ovflpoint: number;
  firstfree: number;
  nmaps: number;
  procid: number;
  spares: number[];
  mapp: number[];
}

const META_AT = SIZE_OF_PAGE_HEADER;
/** sizeof(HashMetaPageData): 52 bytes of scalars, spares[98], mapp[1024], padded to 8. */
export const SIZE_OF_HASH_META = 4544;
const SPARES_AT = 52;
const MAPP_AT = SPARES_AT + 4 * HASH_MAX_SPLITPOINTS;

export function readMeta(page: Uint8Array): HashMeta {
  const v = new DataView(page.buffer, page.byteOffset + META_AT, SIZE_OF_HASH_META);
  const spares: number[] = [];
  for (let i = 0; i < HASH_MAX_SPLITPOINTS; i++) spares.push(v.getUint32(SPARES_AT + 4 * i, true));
  const mapp: number[] = [];
  for (let i = 0; i < HASH_MAX_BITMAPS; i++) mapp.push(v.getUint32(MAPP_AT + 4 * i, true));
  return {
    magic: v.getUint32(0, true),
    version: v.getUint32(4, true),
    ntuples: v.getFloat64(8, true),
    ffactor: v.getUint16(16, true),
    bsize: v.getUint16(18, true),
    bmsize: v.getUint16(20, true),
    bmshift: v.getUint16(22, true),
    maxbucket: v.getUint32(24, true),
    highmask: v.getUint32(28, true),
    lowmask: v.getUint32(32, true),
    ovflpoint: v.getUint32(36, true),
    firstfree: v.getUint32(40, true),
    nmaps: v.getUint32(44, true),
    procid: v.getUint32(48, true),
    spares,
    mapp,
  };
}

/** Writes the metapage fields and sets pd_lower just past them (_hash_init_metabuffer). */
export function writeMeta(page: Uint8Array, m: HashMeta): void {
  const v = new DataView(page.buffer, page.byteOffset + META_AT, SIZE_OF_HASH_META);
  v.setUint32(0, m.magic, true);
  v.setUint32(4, m.version, true);
  v.setFloat64(8, m.ntuples, true);
  v.setUint16(16, m.ffactor, true);
  v.setUint16(18, m.bsize, true);
  v.setUint16(20, m.bmsize, true);
  v.setUint16(22, m.bmshift, true);
  v.setUint32(24, m.maxbucket, true);
  v.setUint32(28, m.highmask, true);
  v.setUint32(32, m.lowmask, true);
  v.setUint32(36, m.ovflpoint, true);
  v.setUint32(40, m.firstfree, true);
  v.setUint32(44, m.nmaps, true);
  v.setUint32(48, m.procid, true);
  for (let i = 0; i < HASH_MAX_SPLITPOINTS; i++)
    v.setUint32(SPARES_AT + 4 * i, m.spares[i] ?? 0, true);
  for (let i = 0; i < HASH_MAX_BITMAPS; i++) v.setUint32(MAPP_AT + 4 * i, m.mapp[i] ?? 0, true);
  writeU16(page, 12, META_AT + SIZE_OF_HASH_META);
}

// --------------------------------------------------------------- bitmap pages

/** HashPageGetBitmap: the bitmap words start right after the page header. */
export const BITMAP_AT = SIZE_OF_PAGE_HEADER;

export function getBit(page: Uint8Array, bit: number): boolean {
  return (readU32(page, BITMAP_AT + 4 * (bit >>> 5)) & (1 << (bit & 31))) !== 0;
}

export function setBit(page: Uint8Array, bit: number, on: boolean): void {
  const at = BITMAP_AT + 4 * (bit >>> 5);
  const w = readU32(page, at);
  writeU32(page, at, on ? (w | (1 << (bit & 31))) >>> 0 : (w & ~(1 << (bit & 31))) >>> 0);
}

// -------------------------------------------------------------- index tuples

/** An index tuple: the heap TID, t_info (size 16, maybe moved-by-split) and the hash code. */
export function formTuple(tid: Tid, hash: number, movedBySplit = false): Uint8Array {
  const t = new Uint8Array(HASH_TUPLE_SIZE);
  writeTid(t, 0, tid);
  writeU16(t, 6, HASH_TUPLE_SIZE | (movedBySplit ? INDEX_MOVED_BY_SPLIT_MASK : 0));
  writeU32(t, 8, hash);
  return t;
}

export function tupleTid(t: Uint8Array): Tid {
  return readTid(t, 0);
}

export function tupleHash(t: Uint8Array): number {
  return readU32(t, 8);
}

export function tupleInfo(t: Uint8Array): number {
  return readU16(t, 6);
}

// ----------------------------------------------------- split-point arithmetic

/** _hash_log2: the smallest i with 2^i >= num. */
export function hashLog2(num: number): number {
  let i = 0;
  for (let limit = 1; limit < num; limit *= 2) i++;
  return i;
}

/** _hash_spareindex: the split point phase at which bucket count `numBucket` is reached. */
export function spareIndex(numBucket: number): number {
  const group = hashLog2(numBucket);
  if (group < HASH_SPLITPOINT_GROUPS_WITH_ONE_PHASE) return group;
  let phases = HASH_SPLITPOINT_GROUPS_WITH_ONE_PHASE;
  phases += (group - HASH_SPLITPOINT_GROUPS_WITH_ONE_PHASE) << HASH_SPLITPOINT_PHASE_BITS;
  phases +=
    ((numBucket - 1) >>> (group - (HASH_SPLITPOINT_PHASE_BITS + 1))) & HASH_SPLITPOINT_PHASE_MASK;
  return phases;
}

/** _hash_get_totalbuckets: how many buckets exist once split point phase `phase` is allocated. */
export function totalBuckets(phase: number): number {
  if (phase < HASH_SPLITPOINT_GROUPS_WITH_ONE_PHASE) return 1 << phase;
  const group =
    HASH_SPLITPOINT_GROUPS_WITH_ONE_PHASE +
    ((phase - HASH_SPLITPOINT_GROUPS_WITH_ONE_PHASE) >> HASH_SPLITPOINT_PHASE_BITS);
  let total = 1 << (group - 1);
  const within = ((phase - HASH_SPLITPOINT_GROUPS_WITH_ONE_PHASE) & HASH_SPLITPOINT_PHASE_MASK) + 1;
  total += ((1 << (group - 1)) >> HASH_SPLITPOINT_PHASE_BITS) * within;
  return total;
}

/** BUCKET_TO_BLKNO. */
export function bucketToBlock(m: HashMeta, bucket: number): number {
  return bucket + (bucket ? m.spares[spareIndex(bucket + 1) - 1]! : 0) + 1;
}

/** _hash_hashkey2bucket. */
export function hashToBucket(hash: number, maxbucket: number, highmask: number, lowmask: number) {
  let bucket = (hash & highmask) >>> 0;
  if (bucket > maxbucket) bucket = (bucket & lowmask) >>> 0;
  return bucket;
}

/** bitno_to_blkno: the block of overflow page bit `bit` (0-based). */
export function bitToBlock(m: HashMeta, bit: number): number {
  const n = bit + 1;
  let i = 1;
  while (i < m.ovflpoint && n > m.spares[i]!) i++;
  return totalBuckets(i) + n;
}

/** _hash_ovflblkno_to_bitno. */
export function blockToBit(m: HashMeta, block: number): number {
  for (let i = 1; i <= m.ovflpoint; i++) {
    if (block <= totalBuckets(i)) break;
    const n = block - totalBuckets(i);
    if (n > m.spares[i - 1]! && n <= m.spares[i]!) return n - 1;
  }
  throw new Error(`invalid overflow block number ${block}`);
}

/** BMPG_SHIFT / BMPG_MASK: bits per bitmap page as a shift, and the in-page bit mask. */
export function bitsPerMapShift(m: HashMeta): number {
  return m.bmshift;
}
