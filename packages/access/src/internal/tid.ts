/**
 * A tuple identifier (ItemPointerData): the heap block and the line pointer
 * (offset number, 1-based) where a tuple lives. On disk it is 6 bytes:
 * bi_hi u16, bi_lo u16 (the block number's high and low halves), ip_posid u16,
 * each little-endian on the machines PostgreSQL and we run on.
 */
export interface Tid {
  readonly block: number;
  readonly offset: number;
}

/** Bytes of an encoded TID (SizeOfIptrData). */
export const SIZE_OF_TID = 6;
/** InvalidBlockNumber. */
export const INVALID_BLOCK = 0xffffffff;
/** The largest offset number the 16-bit field holds. */
export const MAX_OFFSET_NUMBER = 0xffff;

/** (0,1)-style text, as PostgreSQL prints a tid. */
export function formatTid(tid: Tid): string {
  return `(${tid.block},${tid.offset})`;
}

/** Parses `(block,offset)` as tidin does; throws a RangeError on anything else. */
export function parseTid(text: string): Tid {
  const m = /^\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)\s*$/.exec(text);
  if (!m) throw new RangeError(`invalid input syntax for type tid: "${text}"`);
  const block = Number(m[1]);
  const offset = Number(m[2]);
  if (block > 0xffffffff || offset > 0xffff) {
    throw new RangeError(`invalid input syntax for type tid: "${text}"`);
  }
  return { block, offset };
}

/** Whether the TID is valid (ItemPointerIsValid: offset number not 0). */
export function isValidTid(tid: Tid): boolean {
  return tid.offset !== 0;
}

/** ItemPointerCompare: by block, then offset. */
export function compareTids(a: Tid, b: Tid): number {
  return a.block - b.block || a.offset - b.offset;
}

/** Whether two TIDs are the same. */
export function tidEquals(a: Tid, b: Tid): boolean {
  return a.block === b.block && a.offset === b.offset;
}

/** Writes a TID's 6 bytes at `at`. */
export function writeTid(out: Uint8Array, at: number, tid: Tid): void {
  checkTid(tid);
  const hi = tid.block >>> 16;
  const lo = tid.block & 0xffff;
  out[at] = hi & 0xff;
  out[at + 1] = hi >>> 8;
  out[at + 2] = lo & 0xff;
  out[at + 3] = lo >>> 8;
  out[at + 4] = tid.offset & 0xff;
  out[at + 5] = tid.offset >>> 8;
}

/** Reads the TID at `at` (6 bytes must be there). */
export function readTid(bytes: Uint8Array, at: number): Tid {
  if (at < 0 || at + SIZE_OF_TID > bytes.length) {
    throw new RangeError(`a TID at ${at} does not fit in ${bytes.length} bytes`);
  }
  const hi = bytes[at]! | (bytes[at + 1]! << 8);
  const lo = bytes[at + 2]! | (bytes[at + 3]! << 8);
  return { block: hi * 0x10000 + lo, offset: bytes[at + 4]! | (bytes[at + 5]! << 8) };
}

/** The 6-byte encoding of a TID. */
export function encodeTid(tid: Tid): Uint8Array {
  const out = new Uint8Array(SIZE_OF_TID);
  writeTid(out, 0, tid);
  return out;
}

function checkTid(tid: Tid): void {
  if (!Number.isInteger(tid.block) || tid.block < 0 || tid.block > 0xffffffff) {
    throw new RangeError(`invalid block number ${tid.block}`);
  }
  if (!Number.isInteger(tid.offset) || tid.offset < 0 || tid.offset > MAX_OFFSET_NUMBER) {
    throw new RangeError(`invalid offset number ${tid.offset}`);
  }
}

/** A TID as one number (block × 65536 + offset), exact below 2^53: for sets and sorting. */
export function tidKey(tid: Tid): number {
  return tid.block * 0x10000 + tid.offset;
}

/** The TID of a {@link tidKey}. */
export function tidFromKey(key: number): Tid {
  return { block: Math.floor(key / 0x10000), offset: key % 0x10000 };
}
