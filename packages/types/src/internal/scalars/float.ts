/**
 * float4 / real (OID 700) and float8 / double precision (OID 701): both are
 * JavaScript numbers; float4 values are always Math.fround-ed. NaN, the
 * infinities and -0 are values of both types.
 *
 * Text input follows PostgreSQL 15's float4in/float8in, which call the C
 * library's strtof/strtod (glibc here): leading and trailing whitespace,
 * decimal and hexadecimal forms, 'NaN', 'Infinity', 'inf' in any case and
 * with a sign. The result is rounded correctly to the type (for float4
 * directly, not through a double). Results that overflow to infinity or
 * underflow to zero are 22003 errors quoting the number part of the input.
 *
 * Text output with extra_float_digits >= 1 (the default is 1) is the
 * shortest decimal that reads back as the same value, formatted as
 * PostgreSQL's Ryu-based float8out/float4out do: plain notation when the
 * decimal exponent is in (-4, 15] for float8, (-4, 6] for float4, else
 * 'd.ddde+XX'. With extra_float_digits <= 0 it is printf's %.*g with
 * 15 (float8) or 6 (float4) plus extra_float_digits significant digits.
 *
 * B-tree order as float8_cmp_internal: NaN equals NaN and sorts above
 * everything, -0 equals 0.
 */
import { invalidInput, SqlError, SqlState } from '../core/errors.js';
import { hashBytes } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { PgType } from '../core/type.js';
import { le, readWhole, view, WireWriter } from '../core/wire.js';

const SPACE = ' \t\n\v\f\r';

/** float8's decodeAt copies the datum here and reads it, allocating nothing. */
const scratch8 = new Uint8Array(8);
const scratchView = new DataView(scratch8.buffer);
const isSpace = (c: string | undefined) => c !== undefined && c !== '' && SPACE.includes(c);

/** A float format: float4 (24-bit significand) or float8 (53-bit). */
export interface Format {
  readonly bits: number;
  /** Exponent of the smallest subnormal's bit: -149 or -1074. */
  readonly minExp: number;
  /** Largest finite value. */
  readonly max: number;
}
export const FLOAT4: Format = { bits: 24, minExp: -149, max: 3.4028234663852886e38 };
export const FLOAT8: Format = { bits: 53, minExp: -1074, max: Number.MAX_VALUE };

/** The number part strtod recognises at the start of `s` (C locale, glibc). */
interface Scanned {
  /** How many characters strtod consumed; 0 when nothing looks like a number. */
  readonly length: number;
  readonly negative: boolean;
  readonly kind: 'decimal' | 'hex' | 'inf' | 'nan';
  /** Decimal: significant digits (no point) and the power of ten; hex: the mantissa and power of two. */
  readonly mantissa: bigint;
  readonly exponent: number;
  /** The decimal text without the sign, for Number(). */
  readonly text: string;
}

const DECIMAL = /^([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?/;
const HEX = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?/;
const NAN = /^nan(\([0-9A-Za-z_]*\))?/i;

function clampExponent(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  return Math.max(-1e9, Math.min(1e9, n));
}

/** Emulates what glibc strtod/strtof accept at the start of `s`. */
export function scanFloat(s: string): Scanned {
  let at = 0;
  let negative = false;
  if (s[0] === '+' || s[0] === '-') {
    negative = s[0] === '-';
    at = 1;
  }
  const rest = s.slice(at);
  const none: Scanned = {
    length: 0,
    negative,
    kind: 'decimal',
    mantissa: 0n,
    exponent: 0,
    text: '',
  };
  const lower = rest.slice(0, 8).toLowerCase();
  if (lower.startsWith('inf')) {
    const n = lower === 'infinity' ? 8 : 3;
    return { ...none, length: at + n, kind: 'inf' };
  }
  const nan = NAN.exec(rest);
  if (nan) return { ...none, length: at + nan[0].length, kind: 'nan' };
  const hex = HEX.exec(rest);
  if (hex && (hex[1]! + (hex[2] ?? '')).length > 0) {
    const intPart = hex[1]!;
    const frac = hex[2] ?? '';
    let length = 2 + intPart.length + (hex[2] !== undefined ? 1 + frac.length : 0);
    let exponent = -4 * frac.length;
    if (hex[3] !== undefined) {
      length += 1 + hex[3].length;
      exponent += clampExponent(hex[3]);
    }
    const mantissa = BigInt(`0x${intPart}${frac}`);
    return { length: at + length, negative, kind: 'hex', mantissa, exponent, text: '' };
  }
  const dec = DECIMAL.exec(rest)!;
  const intPart = dec[1]!;
  const frac = dec[2] ?? '';
  if (intPart.length + frac.length === 0) return none;
  let length = intPart.length + (dec[2] !== undefined ? 1 + frac.length : 0);
  let exponent = -frac.length;
  if (dec[3] !== undefined) {
    length += 1 + dec[3].length;
    exponent += clampExponent(dec[3]);
  }
  const digits = `${intPart}${frac}`.replace(/^0+/, '');
  const mantissa = digits === '' ? 0n : BigInt(digits);
  return {
    length: at + length,
    negative,
    kind: 'decimal',
    mantissa,
    exponent,
    text: rest.slice(0, length),
  };
}

/** m * 2^e (m >= 0) rounded to the format, half to even; Infinity beyond the largest value. */
export function roundBinary(m: bigint, e: number, f: Format): number {
  if (m === 0n) return 0;
  const bitLength = m.toString(2).length;
  // the exponent of the lowest bit that can be kept
  const lowest = Math.max(bitLength + e - f.bits, f.minExp);
  let q = m;
  let qExp = e;
  if (lowest > e) {
    const shift = BigInt(lowest - e);
    q = m >> shift;
    const rem = m - (q << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    qExp = lowest;
  }
  if (qExp > 1023) return Number.POSITIVE_INFINITY;
  const v = Number(q) * 2 ** qExp;
  return v > f.max ? Number.POSITIVE_INFINITY : v;
}

/** 10^n as a bigint. */
function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Compares D * 10^E with the finite double x, exactly. */
function compareDecimal(d: bigint, e: number, x: number): number {
  const [m, b] = binaryParts(x);
  // d*10^e vs m*2^b
  let left = d;
  let right = m;
  if (e >= 0) left *= pow10(e);
  else right *= pow10(-e);
  if (b >= 0) right <<= BigInt(b);
  else left <<= BigInt(-b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** A finite non-negative double as m * 2^b with integer m. */
export function binaryParts(x: number): [bigint, number] {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return [frac, -1074];
  return [frac | (1n << 52n), biased - 1075];
}

/** float32 bits of a non-negative float4 value, and the value for given bits (2^128 for Infinity). */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function float4Bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}
function float4FromBits(bits: number): number {
  if (bits >= 0x7f800000) return 2 ** 128;
  u32[0] = bits;
  return f32[0]!;
}

/** A non-negative decimal D * 10^E correctly rounded to float4. */
function decimalToFloat4(d: bigint, e: number, asDouble: number): number {
  const f = Math.fround(asDouble);
  if (f === asDouble) return f;
  const bits = float4Bits(f);
  const fValue = f === Number.POSITIVE_INFINITY ? 2 ** 128 : f;
  const other = float4FromBits(fValue > asDouble ? bits - 1 : bits + 1);
  const mid = (fValue + other) / 2;
  if (mid !== asDouble) return f;
  // the double sits on a float4 midpoint: decide with the exact decimal
  const c = compareDecimal(d, e, mid);
  if (c === 0) return f; // a true tie: fround rounded to even already
  const upper = Math.max(fValue, other);
  const lowerV = Math.min(fValue, other);
  const chosen = c > 0 ? upper : lowerV;
  return chosen >= 2 ** 128 ? Number.POSITIVE_INFINITY : chosen;
}

/** The value of a scanned decimal or hex number, unsigned; 'erange' on overflow or underflow. */
function scannedValue(sc: Scanned, f: Format): number | 'erange' {
  let v: number;
  if (sc.kind === 'hex') {
    if (sc.mantissa === 0n) return 0;
    v = roundBinary(sc.mantissa, sc.exponent, f);
  } else {
    if (sc.mantissa === 0n) return 0;
    const asDouble = Number(sc.text.replace(/^[+-]/, ''));
    v = f === FLOAT4 ? decimalToFloat4(sc.mantissa, sc.exponent, asDouble) : asDouble;
  }
  if (v === 0 || v === Number.POSITIVE_INFINITY) return 'erange';
  return v;
}

/** float8in_internal / float4in: `typeName` is 'double precision' or 'real'. */
function readFloat(text: string, f: Format, typeName: string): number {
  let start = 0;
  while (isSpace(text[start])) start++;
  if (start === text.length) throw invalidInput(typeName, text);
  const num = text.slice(start);
  const sc = scanFloat(num);
  if (sc.length === 0) throw invalidInput(typeName, text);
  let v: number;
  if (sc.kind === 'nan') v = Number.NaN;
  else if (sc.kind === 'inf') v = Number.POSITIVE_INFINITY;
  else {
    const u = scannedValue(sc, f);
    if (u === 'erange') {
      // float8in quotes the number it read; PostgreSQL 15's float4in the whole input
      const quoted = f === FLOAT4 ? text : num.slice(0, sc.length);
      throw new SqlError(
        SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
        `"${quoted}" is out of range for type ${typeName}`,
      );
    }
    v = u;
  }
  let end = sc.length;
  while (isSpace(num[end])) end++;
  if (end !== num.length) throw invalidInput(typeName, text);
  return sc.negative && !Number.isNaN(v) ? -v : v;
}

export function float8In(text: string): number {
  return readFloat(text, FLOAT8, 'double precision');
}

export function float4In(text: string): number {
  return readFloat(text, FLOAT4, 'real');
}

/** Digits (no leading or trailing zeros) and the decimal exponent of the first digit. */
interface Decimal {
  readonly digits: string;
  /** The value is 0.digits * 10^point, i.e. nexp in PostgreSQL's to_chars. */
  readonly point: number;
}

/**
 * ECMAScript's shortest round-trip digits of a positive finite double
 * (Number::toString: the closest such decimal, ties to even). For
 * x < 2^37 this is exactly Ryu's answer: a bound of the rounding interval
 * of such a double, (2m + 1) * 2^(b-1), has more than 17 significant
 * digits, so accepting bounds or not cannot matter. It is much faster than
 * shortestDecimal.
 */
export function ecmaShortest(x: number): Decimal {
  const [mant, exp] = x.toExponential().split('e') as [string, string];
  return { digits: mant.replace('.', ''), point: Number(exp) + 1 };
}

/**
 * shortestDecimal(x, FLOAT4) by double arithmetic, or undefined where that
 * cannot decide exactly (then the caller takes the exact path). The bounds
 * of a float4's rounding interval are doubles; a candidate decimal whose
 * nearest double lies strictly between them is strictly inside, and one
 * whose nearest double lies outside is outside. toExponential rounds x's
 * exact value to p digits, as Ryu does, except for exact ties (it rounds
 * them up, Ryu to even): candidates that may be ties are left to the exact
 * path, and so are powers of two, whose interval is lopsided.
 */
export function fastShortestFloat4(x: number): Decimal | undefined {
  const bits = float4Bits(x);
  const exponentBits = bits >>> 23;
  if ((bits & 0x7fffff) === 0 || exponentBits === 0) return undefined;
  const below = float4FromBits(bits - 1);
  const above = float4FromBits(bits + 1);
  const low = (x + below) / 2;
  const high = (x + above) / 2;
  for (let p = 1; p <= 9; p++) {
    const s = x.toExponential(p - 1);
    const c = Number(s);
    if (c === low || c === high) return undefined;
    if (c > low && c < high) {
      const next = x.toExponential(p).split('e')[0]!;
      if (next.endsWith('5')) return undefined;
      const [mant, exp] = s.split('e') as [string, string];
      const digits = mant.replace('.', '').replace(/0+$/, '');
      return { digits, point: Number(exp) + 1 };
    }
  }
  return undefined;
}

/**
 * The shortest decimal strictly inside the rounding interval of the
 * positive finite value x of format f, and among those the closest to x:
 * what PostgreSQL's Ryu (d2s.c, f2s.c) prints. PostgreSQL builds Ryu
 * without STRICTLY_SHORTEST, so the interval's bounds are never accepted
 * (1e23 prints as 9.999999999999999e+22, where ECMAScript says 1e+23).
 */
export function shortestDecimal(x: number, f: Format): Decimal {
  const [m0, b0] = binaryParts(x);
  // the format's own significand and exponent
  let m = m0;
  let b = b0;
  while (m > 0n && (m & 1n) === 0n && b < f.minExp) {
    m >>= 1n;
    b += 1;
  }
  const top = 1n << BigInt(f.bits - 1);
  while (m < top && b > f.minExp) {
    m <<= 1n;
    b -= 1;
  }
  while (m >= top << 1n) {
    m >>= 1n;
    b += 1;
  }
  const lowerGap = m === top && b > f.minExp ? 1n : 2n;
  // In units of 2^(b-2): x is 4m, the interval (4m - lowerGap, 4m + 2), bounds excluded.
  const unitExp = b - 2;
  const v4 = 4n * m;
  const low = v4 - lowerGap;
  const high = v4 + 2n;
  // compares c * 10^k with u * 2^unitExp
  const cmp = (c: bigint, k: number, u: bigint): number => {
    let left = c;
    let right = u;
    if (k >= 0) left *= pow10(k);
    else right *= pow10(-k);
    if (unitExp >= 0) right <<= BigInt(unitExp);
    else left <<= BigInt(-unitExp);
    return left < right ? -1 : left > right ? 1 : 0;
  };
  const inside = (c: bigint, k: number) => cmp(c, k, low) > 0 && cmp(c, k, high) < 0;
  // decimal exponent of x: 10^e10 <= x < 10^(e10+1)
  let e10 = Math.floor(Math.log10(x));
  if (cmp(1n, e10, v4) > 0) e10 -= 1;
  else if (cmp(1n, e10 + 1, v4) <= 0) e10 += 1;
  // nothing shorter than ECMAScript's shortest (which accepts the bounds) can exist
  const start = f.bits === 53 ? x.toExponential().split('e')[0]!.replace('.', '').length : 1;
  for (let p = start; p <= 17; p++) {
    const k = e10 - p + 1; // candidates are c * 10^k
    let num = v4;
    let den = 1n;
    if (k >= 0) den *= pow10(k);
    else num *= pow10(-k);
    if (unitExp >= 0) num <<= BigInt(unitExp);
    else den <<= BigInt(-unitExp);
    const floor = num / den;
    const rem = num - floor * den;
    const rounded =
      2n * rem > den || (2n * rem === den && (floor & 1n) === 1n) ? floor + 1n : floor;
    for (const c of [rounded, rounded === floor ? floor + 1n : floor]) {
      if (c > 0n && inside(c, k)) return toDecimal(c, k);
    }
  }
  throw new Error(`no shortest decimal for ${x}`);
}

function toDecimal(c: bigint, k: number): Decimal {
  let s = c.toString();
  const len = s.length;
  s = s.replace(/0+$/, '');
  return { digits: s, point: k + len };
}

/** PostgreSQL's Ryu to_chars layout: plain when -4 < point <= maxPlain, else exponential. */
function layout(d: Decimal, maxPlain: number): string {
  const { digits, point } = d;
  if (point > -4 && point <= maxPlain) {
    if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
    if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
    return `${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  const exp = point - 1;
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const abs = Math.abs(exp);
  return `${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

/** x (positive, finite) rounded half to even to p significant digits: the digits and 10-exponent of the first. */
function roundDigits(x: number, p: number): { digits: string; exp: number } {
  const [m, b] = binaryParts(x);
  let e10 = Math.floor(Math.log10(x));
  // exact x = m * 2^b; check the estimate of e10 exactly
  const cmpPow = (k: number): number => compareDecimal(1n, k, x);
  if (cmpPow(e10) > 0) e10 -= 1;
  else if (cmpPow(e10 + 1) <= 0) e10 += 1;
  const k = e10 - p + 1;
  let num = m;
  let den = 1n;
  if (k >= 0) den *= pow10(k);
  else num *= pow10(-k);
  if (b >= 0) num <<= BigInt(b);
  else den <<= BigInt(-b);
  const floor = num / den;
  const rem = num - floor * den;
  const c = 2n * rem > den || (2n * rem === den && (floor & 1n) === 1n) ? floor + 1n : floor;
  const digits = c.toString();
  // a carry to p + 1 digits moves the exponent
  return digits.length > p ? { digits: digits.slice(0, p), exp: e10 + 1 } : { digits, exp: e10 };
}

/** printf's %.<precision>g of a positive finite x (glibc: exact value, ties to even). */
function formatG(x: number, precision: number): string {
  const p = Math.max(1, precision);
  const { digits, exp } = roundDigits(x, p);
  const trimmed = digits.replace(/0+$/, '') || '0';
  if (exp < -4 || exp >= p) {
    const mant = trimmed.length > 1 ? `${trimmed[0]}.${trimmed.slice(1)}` : trimmed;
    const abs = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return layout({ digits: trimmed, point: exp + 1 }, Number.POSITIVE_INFINITY);
}

function formatFloat(x: number, extraFloatDigits: number, float4: boolean): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const a = Math.abs(x);
  if (a === 0) return `${sign}0`;
  if (extraFloatDigits > 0) {
    if (float4) return sign + layout(fastShortestFloat4(a) ?? shortestDecimal(a, FLOAT4), 6);
    return sign + layout(a < 2 ** 37 ? ecmaShortest(a) : shortestDecimal(a, FLOAT8), 15);
  }
  return sign + formatG(a, (float4 ? 6 : 15) + extraFloatDigits);
}

export function float8Out(x: number, extraFloatDigits = 1): string {
  return formatFloat(x, extraFloatDigits, false);
}

export function float4Out(x: number, extraFloatDigits = 1): string {
  return formatFloat(x, extraFloatDigits, true);
}

/** float8_cmp_internal: NaN = NaN, NaN above everything, -0 = 0. */
export function floatCompare(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const hashBuf = new DataView(new ArrayBuffer(8));
/** hashfloat8: -0 hashes as 0, every NaN alike; float4 hashes as its float8 value (as PostgreSQL). */
export function floatHash(x: number): number {
  const v = x === 0 ? 0 : Number.isNaN(x) ? Number.NaN : x;
  hashBuf.setFloat64(0, v, true);
  return hashBytes(new Uint8Array(hashBuf.buffer));
}

export const float8Type: PgType<number> = {
  name: 'float8',
  displayName: 'double precision',
  oid: TypeOid.float8,
  arrayOid: TypeOid._float8,
  elemOid: 0,
  len: 8,
  byVal: true,
  align: 'd',
  storage: 'p',
  category: 'N',
  preferred: true,
  input: (text) => float8In(text),
  output: (v, ctx) => float8Out(v, ctx.extraFloatDigits),
  send: (v) => new WireWriter().float64(v).done(),
  receive: (bytes) => readWhole(bytes, (r) => r.float64()),
  encode: (v) => le(8, (d) => d.setFloat64(0, v, true)),
  decode: (bytes) => view(bytes).getFloat64(0, true),
  decodeAt: (b, at) => {
    for (let i = 0; i < 8; i++) scratch8[i] = b[at + i]!;
    return scratchView.getFloat64(0, true);
  },
  compare: floatCompare,
  hash: floatHash,
};

export const float4Type: PgType<number> = {
  name: 'float4',
  displayName: 'real',
  oid: TypeOid.float4,
  arrayOid: TypeOid._float4,
  elemOid: 0,
  len: 4,
  byVal: true,
  align: 'i',
  storage: 'p',
  category: 'N',
  preferred: false,
  input: (text) => float4In(text),
  output: (v, ctx) => float4Out(v, ctx.extraFloatDigits),
  send: (v) => new WireWriter().float32(v).done(),
  receive: (bytes) => readWhole(bytes, (r) => r.float32()),
  encode: (v) => le(4, (d) => d.setFloat32(0, v, true)),
  decode: (bytes) => view(bytes).getFloat32(0, true),
  compare: floatCompare,
  hash: floatHash,
};
