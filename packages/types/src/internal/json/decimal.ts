/**
 * jsonb stores its numbers as PostgreSQL numeric values. This module holds
 * the json family's own small decimal toolkit (independent of the numeric
 * family, which is written in parallel): turning a JSON number token into
 * the text numeric_out prints (its display scale kept: '1.50' stays 1.50,
 * '1e2' becomes 100, '-0' becomes 0, '1E-3' becomes 0.001), exact
 * comparison of such texts, and numeric's on-disk format (NumericShort /
 * NumericLong with base-10000 digits, numeric.c) for jsonb containers.
 *
 * A decimal text here is always the canonical numeric_out form:
 * `-?digits(.digits)?` with no redundant leading zeros.
 */
import { SqlError, SqlState } from '../core/errors.js';

/** A decimal as sign, coefficient digits and power of ten: (-1)^neg * digits * 10^exp. */
interface Decimal {
  readonly neg: boolean;
  readonly digits: string;
  readonly exp: number;
  readonly dscale: number;
}

const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

function overflow(): SqlError {
  return new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'value overflows numeric format');
}

/** Parses a JSON number token (or canonical text) as numeric_in would. */
function parseDecimal(text: string): Decimal {
  const m = NUMBER.exec(text);
  if (!m) throw new SqlError(SqlState.INTERNAL_ERROR, `not a JSON number: ${text}`);
  const frac = m[3] ?? '';
  let e = 0;
  if (m[4] !== undefined) {
    const big = Number(m[4]);
    if (!(Math.abs(big) < 1073741823)) throw overflow();
    e = big;
  }
  const digits = (m[2]! + frac).replace(/^0+/, '');
  const dscale = Math.max(0, frac.length - e);
  if (dscale > 0x3fff) throw overflow();
  // Position of the decimal point relative to the digits' end.
  const exp = e - frac.length;
  // weight check: the number of integer digits must fit NUMERIC_WEIGHT_MAX (32767 groups).
  if (digits.length > 0 && digits.length + exp > 131072) throw overflow();
  return { neg: m[1] === '-' && digits.length > 0, digits, exp, dscale };
}

/** numeric_out of a decimal: integer part, then exactly dscale fraction digits. */
function formatDecimal(d: Decimal): string {
  const { digits, exp, dscale } = d;
  if (digits.length === 0) return dscale > 0 ? `0.${'0'.repeat(dscale)}` : '0';
  let intPart: string;
  let fracPart: string;
  if (exp >= 0) {
    intPart = digits + '0'.repeat(exp);
    fracPart = '';
  } else {
    const point = digits.length + exp;
    if (point > 0) {
      intPart = digits.slice(0, point);
      fracPart = digits.slice(point);
    } else {
      intPart = '0';
      fracPart = '0'.repeat(-point) + digits;
    }
  }
  fracPart = fracPart.length >= dscale ? fracPart.slice(0, dscale) : fracPart.padEnd(dscale, '0');
  const s = dscale > 0 ? `${intPart}.${fracPart}` : intPart;
  return d.neg ? `-${s}` : s;
}

/**
 * The text numeric_out prints for the number a JSON number token denotes
 * (22003 "value overflows numeric format" beyond numeric's range).
 */
export function normalizeNumber(token: string): string {
  return formatDecimal(parseDecimal(token));
}

/** Is `text` a JSON number (IsValidJsonNumber)? */
export function isJsonNumber(text: string): boolean {
  return /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text);
}

/** Sign, significant digits (no leading or trailing zeros) and their leading position. */
function key(text: string): { sign: number; digits: string; pos: number } {
  const d = parseDecimal(text);
  const trimmed = d.digits.replace(/0+$/, '');
  if (trimmed.length === 0) return { sign: 0, digits: '', pos: 0 };
  return { sign: d.neg ? -1 : 1, digits: trimmed, pos: d.digits.length + d.exp };
}

/** Exact comparison of two decimal texts, as numeric's cmp_numerics (1.0 = 1.00). */
export function compareDecimal(a: string, b: string): number {
  const x = key(a);
  const y = key(b);
  if (x.sign !== y.sign) return x.sign < y.sign ? -1 : 1;
  if (x.sign === 0) return 0;
  let mag: number;
  if (x.pos !== y.pos) mag = x.pos < y.pos ? -1 : 1;
  else mag = x.digits < y.digits ? -1 : x.digits > y.digits ? 1 : 0;
  return x.sign * mag;
}

/** A canonical text equal (by compareDecimal) for equal numbers: for hashing. */
export function decimalHashKey(text: string): string {
  const k = key(text);
  return `${k.sign}:${k.digits}:${k.pos}`;
}

const NUMERIC_SHORT = 0x8000;
const NUMERIC_NEG = 0x4000;

/**
 * numeric's on-disk datum for a canonical decimal text, WITHOUT its varlena
 * header: NumericShort (uint16 header) when dscale <= 63 and the weight is
 * in [-64, 63], else NumericLong (uint16 sign|dscale, int16 weight), then
 * the base-10000 digits, little-endian int16 each.
 */
export function encodeNumeric(text: string): Uint8Array {
  const d = parseDecimal(text);
  const s = formatDecimal(d);
  const unsigned = s.startsWith('-') ? s.slice(1) : s;
  const [ip, fp = ''] = unsigned.split('.') as [string, string?];
  const intDigits = ip === '0' ? '' : ip;
  const intPadded = '0'.repeat((4 - (intDigits.length % 4)) % 4) + intDigits;
  const fracPadded = fp + '0'.repeat((4 - (fp.length % 4)) % 4);
  const groups: number[] = [];
  for (let i = 0; i < intPadded.length; i += 4) groups.push(Number(intPadded.slice(i, i + 4)));
  let weight = groups.length - 1;
  for (let i = 0; i < fracPadded.length; i += 4) groups.push(Number(fracPadded.slice(i, i + 4)));
  let first = 0;
  while (first < groups.length && groups[first] === 0) {
    first++;
    weight--;
  }
  let last = groups.length;
  while (last > first && groups[last - 1] === 0) last--;
  const ds = groups.slice(first, last);
  let neg = d.neg;
  if (ds.length === 0) {
    weight = 0;
    neg = false;
  }
  const dscale = d.dscale;
  const short = dscale <= 63 && weight <= 63 && weight >= -64;
  const hdr = short ? 2 : 4;
  const out = new Uint8Array(hdr + 2 * ds.length);
  const v = new DataView(out.buffer);
  if (short) {
    v.setUint16(
      0,
      NUMERIC_SHORT |
        (neg ? 0x2000 : 0) |
        (dscale << 7) |
        (weight < 0 ? 0x0040 : 0) |
        (weight & 0x003f),
      true,
    );
  } else {
    if (weight > 32767 || weight < -32768) throw overflow();
    v.setUint16(0, (neg ? NUMERIC_NEG : 0) | dscale, true);
    v.setInt16(2, weight, true);
  }
  ds.forEach((g, i) => {
    v.setInt16(hdr + 2 * i, g, true);
  });
  return out;
}

/** The canonical text of an on-disk numeric (payload without varlena header). */
export function decodeNumeric(bytes: Uint8Array): string {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = v.getUint16(0, true);
  let neg: boolean;
  let dscale: number;
  let weight: number;
  let at: number;
  if ((h & 0xc000) === NUMERIC_SHORT) {
    neg = (h & 0x2000) !== 0;
    dscale = (h & 0x1f80) >> 7;
    weight = h & 0x0040 ? (h & 0x3f) - 64 : h & 0x3f;
    at = 2;
  } else if ((h & 0xc000) === 0xc000) {
    throw new SqlError(SqlState.INVALID_BINARY_REPRESENTATION, 'special numeric in jsonb');
  } else {
    neg = (h & 0xc000) === NUMERIC_NEG;
    dscale = h & 0x3fff;
    weight = v.getInt16(2, true);
    at = 4;
  }
  let digits = '';
  for (; at + 1 < bytes.length; at += 2) digits += String(v.getInt16(at, true)).padStart(4, '0');
  if (digits.length === 0) return formatDecimal({ neg: false, digits: '', exp: 0, dscale });
  // digits start at 10^(4*weight) group: value = digits * 10^(4*(weight+1) - digits.length)
  const exp = 4 * (weight + 1) - digits.length;
  const stripped = digits.replace(/^0+/, '');
  return formatDecimal({ neg, digits: stripped, exp, dscale });
}
