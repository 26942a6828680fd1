import { ERRCODE_DATA_CORRUPTED, StorageError } from './errors.js';
import { BLCKSZ } from './relfile.js';

/**
 * A whole page as WAL block data, without the hole between pd_lower and
 * pd_upper (which holds nothing): one byte `kind` (the resource manager's
 * tag for this form of block data), pd_lower u16, the offset where the
 * tail starts u16, the bytes before pd_lower, then the bytes from pd_upper
 * on. Access methods whose redo rebuilds whole pages share it.
 */
export function encodePageImage(page: Uint8Array, kind: number): Uint8Array {
  const lower = page[12]! | (page[13]! << 8);
  const upper = page[14]! | (page[15]! << 8);
  const hole = upper >= lower && upper <= BLCKSZ ? upper - lower : 0;
  const out = new Uint8Array(5 + BLCKSZ - hole);
  out[0] = kind;
  out[1] = lower & 0xff;
  out[2] = lower >>> 8;
  out[3] = (lower + hole) & 0xff;
  out[4] = (lower + hole) >>> 8;
  out.set(page.subarray(0, lower), 5);
  out.set(page.subarray(lower + hole), 5 + lower);
  return out;
}

/** Whether block data is a page image of this `kind`. */
export function isPageImage(data: Uint8Array | undefined, kind: number): data is Uint8Array {
  return data !== undefined && data.length >= 5 && data[0] === kind;
}

/** Rebuilds a page from {@link encodePageImage}'s bytes (the hole reads as zeros); XX001 if they do not fit. */
export function restorePageImage(page: Uint8Array, data: Uint8Array): void {
  const lower = data[1]! | (data[2]! << 8);
  const upper = data[3]! | (data[4]! << 8);
  if (lower > upper || upper > BLCKSZ || 5 + lower + (BLCKSZ - upper) !== data.length) {
    throw new StorageError(
      ERRCODE_DATA_CORRUPTED,
      `malformed page image in WAL (pd_lower ${lower}, pd_upper ${upper}, ${data.length} bytes)`,
    );
  }
  page.fill(0);
  page.set(data.subarray(5, 5 + lower), 0);
  page.set(data.subarray(5 + lower), upper);
}
