/**
 * pglz: PostgreSQL's LZ compression (src/common/pg_lzcompress.c), byte for
 * byte. The compressor keeps PostgreSQL's hash table, history ring and match
 * search, so the bytes it returns are the bytes PostgreSQL stores for the
 * same input; the decompressor accepts anything PostgreSQL writes and
 * rejects, with XX001 `compressed pglz data is corrupt`, anything that would
 * make it read or copy outside its buffers.
 *
 * The stream (no header; the raw size is kept by the caller, in va_tcinfo
 * or a toast pointer):
 *
 *   +------+------ ... ------+------+------ ... ------+----
 *   | ctrl | 8 items         | ctrl | 8 items         | ...
 *   +------+------ ... ------+------+------ ... ------+----
 *
 *   ctrl   one byte; bit i (from the least significant) describes item i:
 *          0 = a literal byte follows, 1 = a tag follows.
 *   tag    2 bytes   T1 = OOOO LLLL, T2 = OOOO OOOO
 *                    offset = (T1 >> 4) << 8 | T2   (1..4095 back in the output)
 *                    length = (T1 & 0x0f) + 3       (3..17)
 *          3 bytes   when T1 & 0x0f = 0x0f: length = 18 + T3 (18..273)
 *
 *   The last group may hold fewer than 8 items; its unused ctrl bits are 0.
 *   A tag may overlap the bytes it produces (offset < length repeats the
 *   last `offset` bytes), which is how runs are coded.
 *
 * The compressor (PGLZ_strategy_default): a hash of the next 4 input bytes
 * picks one of 512..8192 lists (by input size) of earlier positions, newest
 * first; the last 4096 positions are kept in a ring of history entries that
 * are unlinked from their list as they are reused. The list is walked until
 * a match of good_match bytes is found (128, lowered by 10% per entry
 * visited), the list ends, or the entry is 4095 or more bytes back; the
 * longest match of 3 or more bytes found becomes a tag, else the byte is a
 * literal. It gives up (null) when the output reaches the size the strategy
 * allows (75% of the input) or when first_success_by (1024) bytes are
 * written without a single match.
 */
import { badRequest, pglzCorrupt } from './errors.js';

/** PGLZ_Strategy: the knobs of the compressor, PostgreSQL's names in camelCase. */
export interface PglzStrategy {
  /** Inputs shorter than this are not compressed. */
  readonly minInputSize: number;
  /** Inputs longer than this are not compressed. */
  readonly maxInputSize: number;
  /** Minimum saving, in percent of the input, for the result to count (0..99). */
  readonly minCompRate: number;
  /** Give up when this many output bytes are written without any match. */
  readonly firstSuccessBy: number;
  /** Stop the history search at a match this long (clamped to 17..273). */
  readonly matchSizeGood: number;
  /** Lower matchSizeGood by this percentage per history entry visited (0..100). */
  readonly matchSizeDrop: number;
}

const INT_MAX = 0x7fffffff;

/** PGLZ_strategy_default: what PostgreSQL uses for every TOAST compression. */
export const PGLZ_STRATEGY_DEFAULT: PglzStrategy = Object.freeze({
  minInputSize: 32,
  maxInputSize: INT_MAX,
  minCompRate: 25,
  firstSuccessBy: 1024,
  matchSizeGood: 128,
  matchSizeDrop: 10,
});

/** PGLZ_strategy_always: compress anything, accept a one-byte saving. */
export const PGLZ_STRATEGY_ALWAYS: PglzStrategy = Object.freeze({
  minInputSize: 0,
  maxInputSize: INT_MAX,
  minCompRate: 0,
  firstSuccessBy: INT_MAX,
  matchSizeGood: 128,
  matchSizeDrop: 6,
});

/** PGLZ_MAX_HISTORY_LISTS: the largest hash table (a power of 2). */
export const PGLZ_MAX_HISTORY_LISTS = 8192;
/** PGLZ_HISTORY_SIZE: history entries kept, one per input position. */
export const PGLZ_HISTORY_SIZE = 4096;
/** PGLZ_MAX_MATCH: the longest match a 3-byte tag codes. */
export const PGLZ_MAX_MATCH = 273;
/** A tag's offset must be below this (pglz_find_match stops at 0x0fff). */
const PGLZ_MAX_OFFSET = 0x0fff;
/**
 * The most output one input byte can produce: a 3-byte tag gives at most
 * 273 bytes, a 2-byte tag 17, a literal 1. A stream of `n` bytes therefore
 * decodes to fewer than 91 * n bytes.
 */
export const PGLZ_MAX_EXPANSION = 91;

/** PGLZ_MAX_OUTPUT: the buffer the compressor may write into (4 bytes of slop). */
export function pglzMaxOutput(sourceSize: number): number {
  return sourceSize + 4;
}

export interface PglzCompressOptions {
  /**
   * Whether C's `char` is signed on the platform whose bytes are to be
   * matched. pglz_hist_idx hashes `const char` values, so a byte >= 0x80
   * hashes differently where char is signed (x86-64, the default here) and
   * where it is unsigned (Linux on arm64, ppc64, s390x). Both decompress
   * the same; only the compressed bytes of such inputs differ.
   */
  readonly charSigned?: boolean;
}

/**
 * pglz_compress: the compressed bytes of `source`, or null when the strategy
 * rejects the input size or the result does not save enough (PostgreSQL's
 * -1). The result is exactly what PostgreSQL writes after the 8-byte header
 * of an inline compressed datum.
 */
export function pglzCompress(
  source: Uint8Array,
  strategy: PglzStrategy = PGLZ_STRATEGY_DEFAULT,
  options: PglzCompressOptions = {},
): Uint8Array | null {
  const slen = source.length;
  if (strategy.matchSizeGood <= 0 || slen < strategy.minInputSize || slen > strategy.maxInputSize) {
    return null;
  }
  if (slen > INT_MAX) return null;

  // Limit the match parameters to the supported range.
  let goodMatch = strategy.matchSizeGood;
  if (goodMatch > PGLZ_MAX_MATCH) goodMatch = PGLZ_MAX_MATCH;
  else if (goodMatch < 17) goodMatch = 17;
  let goodDrop = strategy.matchSizeDrop;
  if (goodDrop < 0) goodDrop = 0;
  else if (goodDrop > 100) goodDrop = 100;
  let needRate = strategy.minCompRate;
  if (needRate < 0) needRate = 0;
  else if (needRate > 99) needRate = 99;

  // The largest result the strategy accepts (C's integer arithmetic).
  const resultMax =
    slen > Math.trunc(INT_MAX / 100)
      ? Math.trunc(slen / 100) * (100 - needRate)
      : Math.trunc((slen * (100 - needRate)) / 100);

  let hashsz: number;
  if (slen < 128) hashsz = 512;
  else if (slen < 256) hashsz = 1024;
  else if (slen < 512) hashsz = 2048;
  else if (slen < 1024) hashsz = 4096;
  else hashsz = PGLZ_MAX_HISTORY_LISTS;
  const mask = hashsz - 1;

  // The bytes as C's `char` sees them when it hashes them.
  const hashBytes: Int8Array | Uint8Array =
    options.charSigned === false
      ? source
      : new Int8Array(source.buffer, source.byteOffset, source.byteLength);
  const histIdx = (p: number): number => {
    if (slen - p < 4) return (hashBytes[p] as number) & mask;
    return (
      (((hashBytes[p] as number) << 6) ^
        ((hashBytes[p + 1] as number) << 4) ^
        ((hashBytes[p + 2] as number) << 2) ^
        (hashBytes[p + 3] as number)) &
      mask
    );
  };

  // hist_start[] and hist_entries[]: entry 0 means "invalid" (and is
  // scribbled on harmlessly, as in C); prev = -1 is C's NULL.
  const histStart = new Int32Array(hashsz);
  const next = new Int32Array(PGLZ_HISTORY_SIZE + 1);
  const prev = new Int32Array(PGLZ_HISTORY_SIZE + 1);
  const hindex = new Int32Array(PGLZ_HISTORY_SIZE + 1);
  const pos = new Int32Array(PGLZ_HISTORY_SIZE + 1);
  let histNext = 1;
  let histRecycle = false;

  // pglz_hist_add
  const histAdd = (p: number): void => {
    const h = histIdx(p);
    const he = histNext;
    if (histRecycle) {
      const hp = prev[he] as number;
      const hn = next[he] as number;
      if (hp === -1) histStart[hindex[he] as number] = hn;
      else next[hp] = hn;
      prev[hn] = hp;
    }
    const head = histStart[h] as number;
    next[he] = head;
    prev[he] = -1;
    hindex[he] = h;
    pos[he] = p;
    prev[head] = he;
    histStart[h] = he;
    if (++histNext >= PGLZ_HISTORY_SIZE + 1) {
      histNext = 1;
      histRecycle = true;
    }
  };

  const out = new Uint8Array(pglzMaxOutput(slen));
  let bp = 0;
  let ctrlp = -1; // C's ctrl_dummy
  let ctrlb = 0;
  let ctrl = 0;
  let foundMatch = false;
  let dp = 0;

  const outCtrl = (): void => {
    if ((ctrl & 0xff) === 0) {
      if (ctrlp >= 0) out[ctrlp] = ctrlb;
      ctrlp = bp++;
      ctrlb = 0;
      ctrl = 1;
    }
  };

  while (dp < slen) {
    if (bp >= resultMax) return null;
    if (!foundMatch && bp >= strategy.firstSuccessBy) return null;

    // pglz_find_match
    let len = 0;
    let off = 0;
    let gm = goodMatch;
    let hent = histStart[histIdx(dp)] as number;
    while (hent !== 0) {
      const hpos = pos[hent] as number;
      const thisoff = dp - hpos;
      if (thisoff >= PGLZ_MAX_OFFSET) break;
      // C compares the first `len` bytes with memcmp when len >= 16 and
      // counts from there; counting byte by byte gives the same `len` and
      // `off`, since only a match longer than `len` replaces them.
      let thislen = 0;
      let ip = dp;
      let hp = hpos;
      while (ip < slen && source[ip] === source[hp] && thislen < PGLZ_MAX_MATCH) {
        thislen++;
        ip++;
        hp++;
      }
      if (thislen > len) {
        len = thislen;
        off = thisoff;
      }
      hent = next[hent] as number;
      if (hent !== 0) {
        if (len >= gm) break;
        gm -= Math.trunc((gm * goodDrop) / 100);
      }
    }

    if (len > 2) {
      // pglz_out_tag
      outCtrl();
      ctrlb |= ctrl;
      ctrl = (ctrl << 1) & 0xff;
      if (len > 17) {
        out[bp] = ((off & 0xf00) >> 4) | 0x0f;
        out[bp + 1] = off & 0xff;
        out[bp + 2] = len - 18;
        bp += 3;
      } else {
        out[bp] = ((off & 0xf00) >> 4) | (len - 3);
        out[bp + 1] = off & 0xff;
        bp += 2;
      }
      while (len-- > 0) histAdd(dp++);
      foundMatch = true;
    } else {
      // pglz_out_literal
      outCtrl();
      out[bp++] = source[dp] as number;
      ctrl = (ctrl << 1) & 0xff;
      histAdd(dp++);
    }
  }

  if (ctrlp >= 0) out[ctrlp] = ctrlb;
  if (bp >= resultMax) return null;
  return out.slice(0, bp);
}

/**
 * pglz_decompress: decodes `source` into at most `rawsize` bytes.
 *
 * With `checkComplete` (the default, as for a whole datum) the stream must
 * produce exactly `rawsize` bytes and end exactly there; without it (a
 * slice: the first `rawsize` bytes of a value whose stream may be cut
 * short) decoding stops at whichever end comes first and the bytes produced
 * are returned.
 *
 * Throws ToastError XX001 `compressed pglz data is corrupt` where PostgreSQL
 * returns -1: a tag cut off by the end of the input, an offset of 0 or one
 * reaching before the start of the output, or (checkComplete) a stream that
 * does not fill `rawsize` bytes exactly. It never reads or writes outside
 * its buffers and never allocates more than 91 bytes per input byte.
 */
export function pglzDecompress(
  source: Uint8Array,
  rawsize: number,
  checkComplete = true,
): Uint8Array {
  if (!Number.isInteger(rawsize) || rawsize < 0 || rawsize > INT_MAX) {
    throw pglzCorrupt(`raw size ${rawsize} is not a valid size`);
  }
  const slen = source.length;
  const bound = slen * PGLZ_MAX_EXPANSION;
  if (checkComplete && rawsize > bound) {
    throw pglzCorrupt(`${slen} compressed bytes cannot decode to ${rawsize} bytes`);
  }
  const destend = Math.min(rawsize, bound);
  const out = new Uint8Array(destend);
  let sp = 0;
  let dp = 0;

  while (sp < slen && dp < destend) {
    let ctrl = source[sp++] as number;
    for (let c = 0; c < 8 && sp < slen && dp < destend; c++) {
      if (ctrl & 1) {
        const tagAt = sp;
        if (sp + 2 > slen)
          throw pglzCorrupt(`tag at byte ${tagAt} is cut off by the end of the input`);
        const t1 = source[sp] as number;
        let len = (t1 & 0x0f) + 3;
        let off = ((t1 & 0xf0) << 4) | (source[sp + 1] as number);
        sp += 2;
        if (len === 18) {
          if (sp >= slen)
            throw pglzCorrupt(`tag at byte ${tagAt} is cut off by the end of the input`);
          len += source[sp++] as number;
        }
        if (off === 0) throw pglzCorrupt(`tag at byte ${tagAt} has offset 0`);
        if (off > dp) {
          throw pglzCorrupt(
            `tag at byte ${tagAt} copies from ${off} bytes back with only ${dp} bytes decoded`,
          );
        }
        len = Math.min(len, destend - dp);
        // Copy in non-overlapping steps: a tag with off < len repeats the
        // last `off` bytes, so each step can double what it copies.
        while (off < len) {
          out.copyWithin(dp, dp - off, dp);
          len -= off;
          dp += off;
          off += off;
        }
        out.copyWithin(dp, dp - off, dp - off + len);
        dp += len;
      } else {
        out[dp++] = source[sp++] as number;
      }
      ctrl >>= 1;
    }
  }

  if (checkComplete && (dp !== rawsize || sp !== slen)) {
    throw pglzCorrupt(
      dp !== rawsize
        ? `decoded ${dp} bytes, expected ${rawsize}`
        : `${slen - sp} bytes of input left over after ${rawsize} bytes were decoded`,
    );
  }
  return dp === out.length ? out : out.slice(0, dp);
}

/**
 * pglz_maximum_compressed_size: how many bytes of a stream of
 * `totalCompressedSize` bytes can be needed to decode its first `rawsize`
 * bytes (for fetching a slice of an external value).
 */
export function pglzMaximumCompressedSize(rawsize: number, totalCompressedSize: number): number {
  if (!Number.isInteger(rawsize) || rawsize < 0 || !Number.isInteger(totalCompressedSize)) {
    throw badRequest(`invalid sizes ${rawsize}, ${totalCompressedSize}`);
  }
  // 9 bits per literal byte, rounded up, plus 2 for a tag that starts in the last byte.
  const size = Math.floor((rawsize * 9 + 7) / 8) + 2;
  return Math.min(size, totalCompressedSize);
}
