/**
 * The invariants of a valid page, as a checker: `checkPage(bytes)` returns
 * one Violation per broken rule (empty when the page is valid). Property
 * tests run it after every operation; the numbers are cited in comments and
 * in the README.
 *
 *  P1  The buffer is exactly BLCKSZ (8192) bytes.
 *  P2  A page with pd_upper = 0 is new, and new pages are all zeros.
 *  P3  pd_pagesize_version = 8192 | 4.
 *  P4  pd_flags has no bits outside PD_VALID_FLAG_BITS.
 *  P5  24 <= pd_lower <= pd_upper <= pd_special <= 8192.
 *  P6  pd_lower - 24 is a whole number of line pointers; pd_upper and
 *      pd_special are MAXALIGNed.
 *  P7  An LP_UNUSED line pointer is all zero.
 *  P8  An LP_NORMAL line pointer has storage (lp_len > 0).
 *  P9  Storage lies in the item area: lp_off is MAXALIGNed, and
 *      pd_upper <= lp_off and lp_off + lp_len <= pd_special.
 *  P10 No two items' storage (MAXALIGN(lp_len) bytes each) overlaps.
 *  P11 An LP_REDIRECT line pointer has lp_len = 0 and points at another
 *      line pointer of the page (1..N, not itself).
 */
import {
  BLCKSZ,
  LP_DEAD,
  LP_FLAGS_MASK,
  LP_FLAGS_SHIFT,
  LP_LEN_SHIFT,
  LP_NORMAL,
  LP_OFF_MASK,
  LP_REDIRECT,
  LP_UNUSED,
  maxAlign,
  OFF_FLAGS,
  OFF_LINP,
  OFF_LOWER,
  OFF_PAGESIZE_VERSION,
  OFF_SPECIAL,
  OFF_UPPER,
  PD_VALID_FLAG_BITS,
  PG_PAGE_LAYOUT_VERSION,
  SIZE_OF_ITEM_ID,
  SIZE_OF_PAGE_HEADER,
} from './layout.js';

export interface Violation {
  /** The invariant's number, P1..P11. */
  readonly invariant: `P${number}`;
  readonly message: string;
}

export function checkPage(bytes: Uint8Array): Violation[] {
  const out: Violation[] = [];
  const fail = (n: number, message: string) => out.push({ invariant: `P${n}`, message });
  if (bytes.length !== BLCKSZ) {
    fail(1, `buffer is ${bytes.length} bytes`);
    return out;
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, BLCKSZ);
  const lower = v.getUint16(OFF_LOWER, true);
  const upper = v.getUint16(OFF_UPPER, true);
  const special = v.getUint16(OFF_SPECIAL, true);
  const flags = v.getUint16(OFF_FLAGS, true);
  if (upper === 0) {
    if (bytes.some((b) => b !== 0)) fail(2, 'pd_upper = 0 but the page is not all zeros');
    return out;
  }
  const sizeVersion = v.getUint16(OFF_PAGESIZE_VERSION, true);
  if (sizeVersion !== (BLCKSZ | PG_PAGE_LAYOUT_VERSION)) {
    fail(3, `pd_pagesize_version = 0x${sizeVersion.toString(16)}`);
  }
  if ((flags & ~PD_VALID_FLAG_BITS) !== 0) fail(4, `pd_flags = 0x${flags.toString(16)}`);
  if (!(SIZE_OF_PAGE_HEADER <= lower && lower <= upper && upper <= special && special <= BLCKSZ)) {
    fail(5, `lower = ${lower}, upper = ${upper}, special = ${special}`);
    return out;
  }
  if ((lower - SIZE_OF_PAGE_HEADER) % SIZE_OF_ITEM_ID !== 0) fail(6, `pd_lower = ${lower}`);
  if (upper !== maxAlign(upper)) fail(6, `pd_upper = ${upper} is not MAXALIGNed`);
  if (special !== maxAlign(special)) fail(6, `pd_special = ${special} is not MAXALIGNed`);

  const n = Math.floor((lower - SIZE_OF_PAGE_HEADER) / SIZE_OF_ITEM_ID);
  const extents: Array<{ offnum: number; start: number; end: number }> = [];
  for (let i = 1; i <= n; i++) {
    const word = v.getUint32(OFF_LINP + (i - 1) * SIZE_OF_ITEM_ID, true);
    const off = word & LP_OFF_MASK;
    const lpFlags = (word >>> LP_FLAGS_SHIFT) & LP_FLAGS_MASK;
    const len = word >>> LP_LEN_SHIFT;
    switch (lpFlags) {
      case LP_UNUSED:
        if (word !== 0) fail(7, `unused line pointer ${i} is not zero (off ${off}, len ${len})`);
        break;
      case LP_REDIRECT:
        if (len !== 0 || off < 1 || off > n || off === i) {
          fail(11, `redirect ${i} -> ${off} (len ${len}) with ${n} line pointers`);
        }
        break;
      case LP_NORMAL:
      case LP_DEAD:
        if (lpFlags === LP_NORMAL && len === 0) fail(8, `normal line pointer ${i} has no storage`);
        if (len > 0) {
          if (off !== maxAlign(off) || off < upper || off + len > special) {
            fail(9, `line pointer ${i}: off ${off}, len ${len} outside [${upper}, ${special})`);
          } else {
            extents.push({ offnum: i, start: off, end: off + maxAlign(len) });
          }
        }
        break;
    }
  }
  extents.sort((a, b) => a.start - b.start);
  for (let k = 1; k < extents.length; k++) {
    const prev = extents[k - 1]!;
    const cur = extents[k]!;
    if (cur.start < prev.end) fail(10, `items ${prev.offnum} and ${cur.offnum} overlap`);
  }
  return out;
}
