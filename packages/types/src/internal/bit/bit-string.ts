/**
 * Bit strings (bit(n), bit varying(n)): the value, its text form and the
 * operations of PostgreSQL's varbit.c. A value is `{ bitLen, bytes }`: the
 * bits most significant first, packed eight to a byte, the unused low bits
 * of the last byte always zero (so comparing bytes compares bits).
 */
import { SqlError, SqlState } from '../core/errors.js';

export interface BitString {
  /** The number of bits. */
  readonly bitLen: number;
  /** ceil(bitLen / 8) bytes, the padding bits zero. */
  readonly bytes: Uint8Array;
}

/** ERRCODE_STRING_DATA_LENGTH_MISMATCH. */
export const STRING_DATA_LENGTH_MISMATCH = '22026';

/** VARBITMAXLEN: the longest bit string (and the largest typmod). */
export const VARBIT_MAX_LEN = 83886080;

function byteLen(bitLen: number): number {
  return (bitLen + 7) >> 3;
}

/** A bit string of `bitLen` bits from bytes whose padding bits may be set (they are cleared). */
export function bitString(bitLen: number, bytes: Uint8Array): BitString {
  const out = bytes.length === byteLen(bitLen) ? bytes : bytes.slice(0, byteLen(bitLen));
  const pad = (8 - (bitLen & 7)) & 7;
  if (pad !== 0 && out.length > 0) out[out.length - 1]! &= (0xff << pad) & 0xff;
  return { bitLen, bytes: out };
}

/** The bit at `i` (0 is the leftmost). */
export function getBitAt(v: BitString, i: number): number {
  return (v.bytes[i >> 3]! >> (7 - (i & 7))) & 1;
}

function charAt(text: string, i: number): string {
  return String.fromCodePoint(text.codePointAt(i)!);
}

/**
 * bit_in / varbit_in without the typmod check: binary digits, or with a
 * leading b/B binary and x/X hexadecimal digits (four bits each).
 */
export function parseBitString(text: string, checkLength?: (bitLen: number) => void): BitString {
  let start = 0;
  let hex = false;
  const first = text.charCodeAt(0);
  if (first === 0x62 || first === 0x42) start = 1;
  else if (first === 0x78 || first === 0x58) {
    start = 1;
    hex = true;
  }
  const digits = text.length - start;
  const bitLen = hex ? digits * 4 : digits;
  if (bitLen > VARBIT_MAX_LEN) {
    throw new SqlError(
      SqlState.PROGRAM_LIMIT_EXCEEDED,
      `bit string length exceeds the maximum allowed (${VARBIT_MAX_LEN})`,
    );
  }
  // the typmod is checked on the length before the digits are read, as bit_in does
  checkLength?.(bitLen);
  const bytes = new Uint8Array(byteLen(bitLen));
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const k = i - start;
    if (!hex) {
      if (c === 0x31) bytes[k >> 3]! |= 0x80 >> (k & 7);
      else if (c !== 0x30) {
        throw new SqlError(
          SqlState.INVALID_TEXT_REPRESENTATION,
          `"${charAt(text, i)}" is not a valid binary digit`,
        );
      }
    } else {
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
      else {
        throw new SqlError(
          SqlState.INVALID_TEXT_REPRESENTATION,
          `"${charAt(text, i)}" is not a valid hexadecimal digit`,
        );
      }
      bytes[k >> 1]! |= (k & 1) === 0 ? d << 4 : d;
    }
  }
  return { bitLen, bytes };
}

/** bit_out / varbit_out: the bits as 0 and 1. */
export function formatBitString(v: BitString): string {
  let s = '';
  for (let i = 0; i < v.bitLen; i++) s += getBitAt(v, i) === 1 ? '1' : '0';
  return s;
}

/** bit_cmp: bytewise over the common bytes, then the shorter first. */
export function compareBits(a: BitString, b: BitString): number {
  const n = Math.min(a.bytes.length, b.bytes.length);
  for (let i = 0; i < n; i++) {
    const d = a.bytes[i]! - b.bytes[i]!;
    if (d !== 0) return d;
  }
  return a.bitLen - b.bitLen;
}

function lengthMismatch(len: number, typmod: number): SqlError {
  return new SqlError(
    STRING_DATA_LENGTH_MISMATCH,
    `bit string length ${len} does not match type bit(${typmod})`,
  );
}

function tooLong(typmod: number): SqlError {
  return new SqlError(
    SqlState.STRING_DATA_RIGHT_TRUNCATION,
    `bit string too long for type bit varying(${typmod})`,
  );
}

/** The first `len` bits of `v`, zero-padded on the right when `v` is shorter. */
export function resize(v: BitString, len: number): BitString {
  const bytes = new Uint8Array(byteLen(len));
  bytes.set(v.bytes.subarray(0, Math.min(bytes.length, v.bytes.length)));
  return bitString(len, bytes);
}

/** bit_in's typmod check: a bit(n) value read from text must have exactly n bits. */
export function checkBitInput(bitLen: number, typmod: number): void {
  if (typmod > 0 && bitLen !== typmod) throw lengthMismatch(bitLen, typmod);
}

/** varbit_in's typmod check: at most n bits. */
export function checkVarbitInput(bitLen: number, typmod: number): void {
  if (typmod > 0 && bitLen > typmod) throw tooLong(typmod);
}

/** bit(bit, int, bool): an explicit cast pads with zeros or truncates; otherwise the lengths must match. */
export function bitCoerce(v: BitString, typmod: number, isExplicit: boolean): BitString {
  if (typmod <= 0 || typmod === v.bitLen) return v;
  if (!isExplicit) throw lengthMismatch(v.bitLen, typmod);
  return resize(v, typmod);
}

/** varbit(varbit, int, bool): an explicit cast truncates; otherwise too long is an error. */
export function varbitCoerce(v: BitString, typmod: number, isExplicit: boolean): BitString {
  if (typmod <= 0 || typmod >= v.bitLen) return v;
  if (!isExplicit) throw tooLong(typmod);
  return resize(v, typmod);
}

/** anybit_typmodin: bit(n) / varbit(n), 1 <= n <= VARBITMAXLEN. */
export function bitTypmodIn(typeName: string, mods: readonly number[]): number {
  if (mods.length !== 1) {
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, 'invalid type modifier');
  }
  const n = mods[0]!;
  if (n < 1) {
    throw new SqlError(
      SqlState.INVALID_PARAMETER_VALUE,
      `length for type ${typeName} must be at least 1`,
    );
  }
  if (n > VARBIT_MAX_LEN) {
    throw new SqlError(
      SqlState.INVALID_PARAMETER_VALUE,
      `length for type ${typeName} cannot exceed ${VARBIT_MAX_LEN}`,
    );
  }
  return n;
}

function bitwise(
  a: BitString,
  b: BitString,
  verb: string,
  op: (x: number, y: number) => number,
): BitString {
  if (a.bitLen !== b.bitLen) {
    throw new SqlError(
      STRING_DATA_LENGTH_MISMATCH,
      `cannot ${verb} bit strings of different sizes`,
    );
  }
  const out = new Uint8Array(a.bytes.length);
  for (let i = 0; i < out.length; i++) out[i] = op(a.bytes[i]!, b.bytes[i]!) & 0xff;
  return { bitLen: a.bitLen, bytes: out };
}

/** bit_and (&). */
export function bitAnd(a: BitString, b: BitString): BitString {
  return bitwise(a, b, 'AND', (x, y) => x & y);
}

/** bit_or (|). */
export function bitOr(a: BitString, b: BitString): BitString {
  return bitwise(a, b, 'OR', (x, y) => x | y);
}

/** bitxor (#). */
export function bitXor(a: BitString, b: BitString): BitString {
  return bitwise(a, b, 'XOR', (x, y) => x ^ y);
}

/** bitnot (~). */
export function bitNot(a: BitString): BitString {
  const out = new Uint8Array(a.bytes.length);
  for (let i = 0; i < out.length; i++) out[i] = ~a.bytes[i]! & 0xff;
  return bitString(a.bitLen, out);
}

/** Bit `i` of the result is bit `i + shift` of `a` (zero outside): a left shift for positive `shift`. */
function shifted(a: BitString, shift: number): BitString {
  const out = new Uint8Array(a.bytes.length);
  for (let i = 0; i < a.bitLen; i++) {
    const j = i + shift;
    if (j >= 0 && j < a.bitLen && getBitAt(a, j) === 1) out[i >> 3]! |= 0x80 >> (i & 7);
  }
  return { bitLen: a.bitLen, bytes: out };
}

/** bitshiftleft (<<): a negative count shifts right. The length is kept. */
export function shiftLeft(a: BitString, n: number): BitString {
  return shifted(a, Math.max(-a.bitLen, Math.min(a.bitLen, n)));
}

/** bitshiftright (>>): a negative count shifts left. */
export function shiftRight(a: BitString, n: number): BitString {
  return shifted(a, -Math.max(-a.bitLen, Math.min(a.bitLen, n)));
}

/** bitcat (||). */
export function bitCat(a: BitString, b: BitString): BitString {
  const len = a.bitLen + b.bitLen;
  if (len > VARBIT_MAX_LEN) {
    throw new SqlError(
      SqlState.PROGRAM_LIMIT_EXCEEDED,
      `bit string length exceeds the maximum allowed (${VARBIT_MAX_LEN})`,
    );
  }
  const out = new Uint8Array(byteLen(len));
  out.set(a.bytes);
  for (let i = 0; i < b.bitLen; i++) {
    const k = a.bitLen + i;
    if (getBitAt(b, i) === 1) out[k >> 3]! |= 0x80 >> (k & 7);
  }
  return { bitLen: len, bytes: out };
}

/** The bits [from, to) of `a` (0-based, clamped). */
function slice(a: BitString, from: number, to: number): BitString {
  const s = Math.max(0, from);
  const e = Math.min(a.bitLen, to);
  const len = Math.max(0, e - s);
  const out = new Uint8Array(byteLen(len));
  for (let i = 0; i < len; i++) {
    if (getBitAt(a, s + i) === 1) out[i >> 3]! |= 0x80 >> (i & 7);
  }
  return { bitLen: len, bytes: out };
}

function negativeLength(): SqlError {
  return new SqlError(SqlState.SUBSTRING_ERROR, 'negative substring length not allowed');
}

/** bitsubstr: `len` bits from the 1-based position `start`; len undefined means to the end. */
export function bitSubstring(a: BitString, start: number, len?: number): BitString {
  if (len === undefined) return slice(a, start - 1, a.bitLen);
  if (len < 0) throw negativeLength();
  return slice(a, start - 1, start - 1 + len);
}

/** bitoverlay: `t1` with the `len` bits from 1-based `start` replaced by `t2` (len defaults to t2's length). */
export function bitOverlay(t1: BitString, t2: BitString, start: number, len?: number): BitString {
  const sl = len ?? t2.bitLen;
  if (start <= 0) throw negativeLength();
  const end = start + sl;
  if (end > 0x7fffffff || end < -0x80000000) {
    throw new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'integer out of range');
  }
  return bitCat(bitCat(slice(t1, 0, start - 1), t2), slice(t1, end - 1, t1.bitLen));
}

/** bitposition: the 1-based position of the first occurrence of `sub` in `a`, 0 when none or `a` is empty (else 1 for an empty `sub`). */
export function bitPosition(a: BitString, sub: BitString): number {
  if (a.bitLen === 0 || sub.bitLen > a.bitLen) return 0;
  if (sub.bitLen === 0) return 1;
  outer: for (let i = 0; i + sub.bitLen <= a.bitLen; i++) {
    for (let j = 0; j < sub.bitLen; j++) {
      if (getBitAt(a, i + j) !== getBitAt(sub, j)) continue outer;
    }
    return i + 1;
  }
  return 0;
}

function checkIndex(a: BitString, n: number): void {
  if (n < 0 || n >= a.bitLen) {
    throw new SqlError(
      SqlState.ARRAY_SUBSCRIPT_ERROR,
      `bit index ${n} out of valid range (0..${a.bitLen - 1})`,
    );
  }
}

/** bitgetbit. */
export function getBit(a: BitString, n: number): number {
  checkIndex(a, n);
  return getBitAt(a, n);
}

/** bitsetbit. */
export function setBit(a: BitString, n: number, value: number): BitString {
  checkIndex(a, n);
  if (value !== 0 && value !== 1) {
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, 'new bit must be 0 or 1');
  }
  const out = a.bytes.slice();
  if (value === 1) out[n >> 3]! |= 0x80 >> (n & 7);
  else out[n >> 3]! &= ~(0x80 >> (n & 7)) & 0xff;
  return { bitLen: a.bitLen, bytes: out };
}

/** bit_bit_count: the number of 1 bits. */
export function bitCount(a: BitString): bigint {
  let n = 0;
  for (const b of a.bytes) {
    let x = b;
    while (x !== 0) {
      x &= x - 1;
      n++;
    }
  }
  return BigInt(n);
}

/** bitfromint4 / bitfromint8: the low `typmod` bits of the two's complement (sign-extended beyond `width`). */
export function bitFromInt(value: bigint, typmod: number, width: 32 | 64): BitString {
  const len = typmod <= 0 ? 1 : typmod;
  const v = BigInt.asIntN(width, value);
  const out = new Uint8Array(byteLen(len));
  for (let i = 0; i < len; i++) {
    // bit i from the left is bit (len - 1 - i) of the number; the sign repeats beyond the width
    const pos = len - 1 - i;
    const bit = pos >= width ? (v < 0n ? 1n : 0n) : (v >> BigInt(pos)) & 1n;
    if (bit === 1n) out[i >> 3]! |= 0x80 >> (i & 7);
  }
  return { bitLen: len, bytes: out };
}

/** bittoint4 / bittoint8: the bits as an unsigned number, wrapped to the width; more bits than the width is out of range. */
export function bitToInt(a: BitString, width: 32 | 64): bigint {
  if (a.bitLen > width) {
    throw new SqlError(
      SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
      width === 32 ? 'integer out of range' : 'bigint out of range',
    );
  }
  let r = 0n;
  for (let i = 0; i < a.bitLen; i++) r = (r << 1n) | BigInt(getBitAt(a, i));
  return BigInt.asIntN(width, r);
}
