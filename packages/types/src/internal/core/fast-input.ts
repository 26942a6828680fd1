/**
 * issue 9 (COPY fast path): text input straight from bytes to the on-disk
 * datum, for bulk loading. A {@link DatumRow} lays one row's attribute
 * values out as heap_fill_tuple does (encodeRow's layout, written in
 * place, rows back to back at MAXALIGNed starts); a {@link FastDatumInput}
 * reads one field's UTF-8 bytes and writes its datum there, without making
 * a string or a JavaScript value.
 *
 * A fast input accepts only a strict, common subset of its type's input
 * syntax (plain decimal integers, ASCII text, ISO dates and timestamps with
 * an explicit offset, ...), on which its datum is byte for byte
 * `type.encode(type.input(text, typmod))`; on anything else (spaces,
 * signs, exponents, out-of-range values, other spellings) it writes
 * nothing and returns false, and the caller takes the type's own input
 * function (which also raises the errors). The property tests in
 * fast-input.test.ts check the agreement.
 */
import { date2j, daysInMonth, POSTGRES_EPOCH_JDATE } from '../datetime/calendar.js';
import { TypeOid } from './oids.js';
import type { AnyPgType, TypAlign } from './type.js';

const TWO_32 = 4294967296;

function alignBytes(align: TypAlign): number {
  return align === 'd' ? 8 : align === 'i' ? 4 : align === 's' ? 2 : 1;
}

/**
 * Rows' data areas (the bytes from t_hoff on) laid out back to back, each
 * starting MAXALIGNed so that alignment within the buffer is alignment
 * within the row. The caller tracks nulls (the null bitmap).
 */
export class DatumRow {
  bytes: Uint8Array;
  #view: DataView;
  /** Where the next byte goes. */
  pos = 0;
  /** Where the current row's data starts. */
  rowStart = 0;
  /** HEAP_HASVARWIDTH of the current row: a varlena was written. */
  hasVarWidth = false;

  constructor(capacity = 64 * 1024) {
    this.bytes = new Uint8Array(capacity);
    this.#view = new DataView(this.bytes.buffer);
  }

  /**
   * Starts a row (at the next MAXALIGNed offset), after `room` bytes left
   * free in front of it (a multiple of 8: where a heap tuple header can go).
   */
  beginRow(room = 0): void {
    this.ensure(room);
    this.pos = ((this.pos + 7) & ~7) + room;
    this.rowStart = this.pos;
    this.hasVarWidth = false;
  }

  /** Forgets everything written (the batch was flushed). */
  clear(): void {
    this.pos = 0;
    this.rowStart = 0;
  }

  /** Room for `n` more bytes (plus alignment). */
  ensure(n: number): void {
    const need = this.pos + n + 8;
    if (need <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.bytes.subarray(0, this.pos));
    this.bytes = bigger;
    this.#view = new DataView(bigger.buffer);
  }

  /** Pads with zeros to the alignment (relative to the row start, which is MAXALIGNed). */
  align(a: number): void {
    let p = this.pos;
    const to = (p + a - 1) & ~(a - 1);
    while (p < to) this.bytes[p++] = 0;
    this.pos = to;
  }

  int16(v: number): void {
    this.ensure(2);
    this.align(2);
    this.#view.setInt16(this.pos, v, true);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.align(4);
    this.#view.setInt32(this.pos, v, true);
    this.pos += 4;
  }

  /** An 8-byte integer given as a safe integer (|v| < 2^53). */
  int64(v: number): void {
    this.ensure(8);
    this.align(8);
    const hi = Math.floor(v / TWO_32);
    this.#view.setUint32(this.pos, v - hi * TWO_32, true);
    this.#view.setInt32(this.pos + 4, hi, true);
    this.pos += 8;
  }

  byte(v: number): void {
    this.ensure(1);
    this.bytes[this.pos++] = v;
  }

  /**
   * Starts a varlena of `payload` bytes (encodeRow's rule: a 1-byte header
   * when the type is not plain storage and it fits, else a 4-byte header
   * aligned to typalign); the caller writes the payload at `pos`.
   */
  varlenaHeader(payload: number, type: AnyPgType): void {
    this.hasVarWidth = true;
    this.ensure(payload + 4);
    if (type.storage !== 'p' && payload + 1 <= 0x7f) {
      this.bytes[this.pos++] = ((payload + 1) << 1) | 1;
      return;
    }
    this.align(alignBytes(type.align));
    this.#view.setUint32(this.pos, ((payload + 4) << 2) >>> 0, true);
    this.pos += 4;
  }

  /** A datum as type.encode returns it (encodeRow's placement). */
  datum(type: AnyPgType, bytes: Uint8Array): void {
    if (type.len > 0) {
      if (bytes.length !== type.len)
        throw new RangeError(`${type.name} encoded to ${bytes.length} bytes`);
      this.ensure(bytes.length);
      this.align(alignBytes(type.align));
    } else {
      this.varlenaHeader(bytes.length, type);
    }
    this.bytes.set(bytes, this.pos);
    this.pos += bytes.length;
  }
}

/**
 * Writes the datum of the field `src[start, end)` (UTF-8) into `row` and
 * returns true, or writes nothing and returns false (take the input
 * function).
 */
export type FastDatumInput = (
  src: Uint8Array,
  start: number,
  end: number,
  row: DatumRow,
) => boolean;

/** The fast input of a type with a typmod, if it has one. */
export function fastDatumInput(type: AnyPgType, typmod: number): FastDatumInput | undefined {
  switch (type.oid) {
    case TypeOid.int2:
      return (s, a, b, row) => {
        const v = smallInt(s, a, b);
        if (v === undefined || v < -32768 || v > 32767) return false;
        row.int16(v);
        return true;
      };
    case TypeOid.int4:
      return (s, a, b, row) => {
        const v = smallInt(s, a, b);
        if (v === undefined || v < -2147483648 || v > 2147483647) return false;
        row.int32(v);
        return true;
      };
    case TypeOid.int8:
      return (s, a, b, row) => {
        const v = safeInt(s, a, b);
        if (v === undefined) return false;
        row.int64(v);
        return true;
      };
    case TypeOid.bool:
      return (s, a, b, row) => {
        const v = boolean(s, a, b);
        if (v === undefined) return false;
        row.byte(v);
        return true;
      };
    case TypeOid.text:
      return (s, a, b, row) => ascii(s, a, b, row, type);
    case TypeOid.varchar: {
      // typmod n + 4: an ASCII value of at most n bytes has at most n characters
      const max = typmod >= 4 ? typmod - 4 : Number.POSITIVE_INFINITY;
      return (s, a, b, row) => b - a <= max && ascii(s, a, b, row, type);
    }
    case TypeOid.numeric:
      return typmod < 0 ? (s, a, b, row) => numeric(s, a, b, row, type) : undefined;
    case TypeOid.date:
      return (s, a, b, row) => {
        if (b - a !== 10) return false;
        const days = isoDate(s, a);
        if (days === undefined) return false;
        row.int32(days);
        return true;
      };
    case TypeOid.timestamp:
      return typmod < 0 ? (s, a, b, row) => timestamp(s, a, b, row, false) : undefined;
    case TypeOid.timestamptz:
      return typmod < 0 ? (s, a, b, row) => timestamp(s, a, b, row, true) : undefined;
    default:
      return undefined;
  }
}

/** `-?[0-9]{1,10}` as a number (undefined otherwise). */
function smallInt(s: Uint8Array, a: number, b: number): number | undefined {
  let i = a;
  const neg = s[i] === 0x2d;
  if (neg) i++;
  const n = b - i;
  if (n < 1 || n > 10) return undefined;
  let v = 0;
  for (; i < b; i++) {
    const d = s[i]! - 0x30;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return neg ? (v === 0 ? 0 : -v) : v;
}

/** `-?[0-9]{1,15}` as a number (exact below 2^53; undefined otherwise). */
function safeInt(s: Uint8Array, a: number, b: number): number | undefined {
  let i = a;
  const neg = s[i] === 0x2d;
  if (neg) i++;
  const n = b - i;
  if (n < 1 || n > 15) return undefined;
  let v = 0;
  for (; i < b; i++) {
    const d = s[i]! - 0x30;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return neg ? (v === 0 ? 0 : -v) : v;
}

/** t, f, true, false, 1, 0 (lower case, nothing around): 1 or 0. */
function boolean(s: Uint8Array, a: number, b: number): number | undefined {
  const n = b - a;
  const c = s[a];
  if (n === 1) {
    if (c === 0x74 || c === 0x31) return 1; // t 1
    if (c === 0x66 || c === 0x30) return 0; // f 0
    return undefined;
  }
  if (n === 4 && c === 0x74 && s[a + 1] === 0x72 && s[a + 2] === 0x75 && s[a + 3] === 0x65)
    return 1;
  if (
    n === 5 &&
    c === 0x66 &&
    s[a + 1] === 0x61 &&
    s[a + 2] === 0x6c &&
    s[a + 3] === 0x73 &&
    s[a + 4] === 0x65
  )
    return 0;
  return undefined;
}

/** Text of ASCII bytes without NUL: the bytes are the payload. */
function ascii(s: Uint8Array, a: number, b: number, row: DatumRow, type: AnyPgType): boolean {
  for (let i = a; i < b; i++) {
    const c = s[i]!;
    if (c === 0 || c >= 0x80) return false;
  }
  const n = b - a;
  row.varlenaHeader(n, type);
  const out = row.bytes;
  let p = row.pos;
  if (n > 32) out.set(s.subarray(a, b), p);
  else for (let i = a; i < b; i++) out[p++] = s[i]!;
  row.pos += n;
  return true;
}

/** Reused digit buffer of numeric(): base-10000 digits of at most 1000 decimal digits. */
const nbaseDigits = new Int32Array(256);

/**
 * numeric without typmod from `-?[0-9]+(\.[0-9]+)?` (at most 1000 digits):
 * the NumericShort / NumericLong datum numericEncode writes for it.
 */
function numeric(s: Uint8Array, a: number, b: number, row: DatumRow, type: AnyPgType): boolean {
  let i = a;
  const neg = s[i] === 0x2d;
  if (neg) i++;
  const intStart = i;
  while (i < b && s[i]! >= 0x30 && s[i]! <= 0x39) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < b) {
    if (s[i] !== 0x2e) return false;
    i++;
    fracStart = i;
    while (i < b && s[i]! >= 0x30 && s[i]! <= 0x39) i++;
    fracEnd = i;
    if (fracEnd === fracStart || i < b) return false;
  }
  const intLen = intEnd - intStart;
  const dscale = fracEnd - fracStart;
  if (intLen === 0 || intLen + dscale > 1000) return false;
  // base-10000 digits: the integer part padded on the left, the fraction on the right
  const padL = (4 - (intLen % 4)) % 4;
  const intGroups = (intLen + padL) / 4;
  const fracGroups = (dscale + 3) >> 2;
  const total = intGroups + fracGroups;
  const digits = nbaseDigits;
  let g = 0;
  let acc = 0;
  let k = padL;
  for (let p = intStart; p < intEnd; p++) {
    acc = acc * 10 + (s[p]! - 0x30);
    if (++k === 4) {
      digits[g++] = acc;
      acc = 0;
      k = 0;
    }
  }
  k = 0;
  for (let p = fracStart; p < fracEnd; p++) {
    acc = acc * 10 + (s[p]! - 0x30);
    if (++k === 4) {
      digits[g++] = acc;
      acc = 0;
      k = 0;
    }
  }
  if (k > 0) {
    while (k < 4) {
      acc *= 10;
      k++;
    }
    digits[g++] = acc;
  }
  let first = 0;
  while (first < total && digits[first] === 0) first++;
  let last = total;
  while (last > first && digits[last - 1] === 0) last--;
  const n = last - first;
  let weight = intGroups - 1 - first;
  let sign = neg ? 0x4000 : 0;
  if (n === 0) {
    weight = 0;
    sign = 0;
  }
  const short = dscale <= 0x3f && weight <= 0x3f && weight >= -0x40;
  const head = short ? 2 : 4;
  row.varlenaHeader(head + 2 * n, type);
  const out = row.bytes;
  let p = row.pos;
  if (short) {
    const h =
      0x8000 |
      (sign === 0x4000 ? 0x2000 : 0) |
      (dscale << 7) |
      (weight < 0 ? 0x40 : 0) |
      (weight & 0x3f);
    out[p++] = h & 0xff;
    out[p++] = h >>> 8;
  } else {
    const h = sign | (dscale & 0x3fff);
    out[p++] = h & 0xff;
    out[p++] = h >>> 8;
    out[p++] = weight & 0xff;
    out[p++] = (weight >> 8) & 0xff;
  }
  for (let d = first; d < last; d++) {
    const v = digits[d]!;
    out[p++] = v & 0xff;
    out[p++] = v >>> 8;
  }
  row.pos = p;
  return true;
}

/** The digit at `at` (0..9), or -1. */
function digit(s: Uint8Array, at: number): number {
  const d = s[at]! - 0x30;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Two digits at `at` as a number, or -1. */
function twoDigits(s: Uint8Array, at: number): number {
  const a = digit(s, at);
  const b = digit(s, at + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/** The last date isoDate read (its 10 bytes packed) and its day number: bulk data repeats dates. */
let lastDateKey = -1;
let lastDateHigh = -1;
let lastDays = 0;

/** `YYYY-MM-DD` (year 1000..9999, a real day) as days since 2000-01-01. */
function isoDate(s: Uint8Array, a: number): number | undefined {
  if (s[a + 4] !== 0x2d || s[a + 7] !== 0x2d) return undefined;
  const y1 = twoDigits(s, a);
  const y2 = twoDigits(s, a + 2);
  const m = twoDigits(s, a + 5);
  const d = twoDigits(s, a + 8);
  if (y1 < 10 || y2 < 0 || m < 1 || m > 12 || d < 1) return undefined;
  const high = y1 * 100 + y2;
  const key = m * 100 + d;
  if (key === lastDateKey && high === lastDateHigh) return lastDays;
  if (d > daysInMonth(high, m)) return undefined;
  lastDateKey = key;
  lastDateHigh = high;
  lastDays = date2j(high, m, d) - POSTGRES_EPOCH_JDATE;
  return lastDays;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.f{1,6}]`, for timestamptz followed by `+HH`,
 * `-HH` or `+HH:MM` (never for timestamp: an offset there is ignored by
 * PostgreSQL, left to the input function); years 1716..2283, so the
 * microseconds are a safe integer.
 */
function timestamp(s: Uint8Array, a: number, b: number, row: DatumRow, withZone: boolean): boolean {
  if (b - a < 19 || s[a + 10] !== 0x20 || s[a + 13] !== 0x3a || s[a + 16] !== 0x3a) return false;
  const days = isoDate(s, a);
  if (days === undefined || days < -104000 || days > 104000) return false;
  const h = twoDigits(s, a + 11);
  const mi = twoDigits(s, a + 14);
  const sec = twoDigits(s, a + 17);
  if (h < 0 || mi < 0 || sec < 0 || h > 23 || mi > 59 || sec > 59) return false;
  let i = a + 19;
  let micros = 0;
  if (i < b && s[i] === 0x2e) {
    i++;
    let k = 0;
    while (i < b && s[i]! >= 0x30 && s[i]! <= 0x39) {
      if (++k > 6) return false;
      micros = micros * 10 + (s[i]! - 0x30);
      i++;
    }
    if (k === 0) return false;
    for (; k < 6; k++) micros *= 10;
  }
  let offset = 0;
  if (withZone) {
    const c = s[i];
    if ((c !== 0x2b && c !== 0x2d) || i + 3 > b) return false;
    const oh = twoDigits(s, i + 1);
    if (oh < 0 || oh > 15) return false;
    i += 3;
    let om = 0;
    if (i < b) {
      if (s[i] !== 0x3a || i + 3 !== b) return false;
      const m = twoDigits(s, i + 1);
      if (m < 0 || m > 59) return false;
      om = m;
      i += 3;
    }
    offset = (oh * 3600 + om * 60) * (c === 0x2d ? -1 : 1);
  }
  if (i !== b) return false;
  const v = days * 86_400_000_000 + ((h * 60 + mi) * 60 + sec - offset) * 1_000_000 + micros;
  row.int64(v);
  return true;
}
