/**
 * Conversions between numeric and the integer and floating-point types, as
 * numeric.c's int4_numeric, numeric_int4, float8_numeric, numeric_float8
 * and friends. int2/int4/oid are JavaScript numbers, int8 a bigint,
 * float4/float8 numbers; numerics are `Numeric` (value.ts).
 */
import { outOfRange, outOfRangeInput, SqlError, SqlState } from '../core/errors.js';
import {
  fromDec,
  fromInteger,
  NAN,
  NINF,
  type Numeric,
  numericToString,
  PINF,
  rescale,
  toDec,
} from './value.js';

/** int2 / int4 / int8 -> numeric. */
export function integerToNumeric(v: number | bigint): Numeric {
  return fromInteger(v);
}

/** numeric -> integer rounding half away from zero, with PostgreSQL's messages. */
export function numericToInteger(n: Numeric, typeName: 'smallint' | 'integer' | 'bigint'): bigint {
  if (n.sign === 0xc000) {
    throw new SqlError(SqlState.FEATURE_NOT_SUPPORTED, `cannot convert NaN to ${typeName}`);
  }
  if (n.sign === 0xd000 || n.sign === 0xf000) {
    throw new SqlError(SqlState.FEATURE_NOT_SUPPORTED, `cannot convert infinity to ${typeName}`);
  }
  const d = toDec(n);
  const v = rescale(d.c, d.s, 0);
  const [min, max] =
    typeName === 'smallint'
      ? [-32768n, 32767n]
      : typeName === 'integer'
        ? [-2147483648n, 2147483647n]
        : [-9223372036854775808n, 9223372036854775807n];
  if (v < min || v > max) throw outOfRange(typeName);
  return v;
}

/**
 * The exact decimal value of a double, rounded half-even to `precision`
 * significant digits, as glibc's printf("%.*g") produces it.
 */
function doubleToSignificant(x: number, precision: number): { digits: bigint; exp10: number } {
  // exact value of x = mant * 2^e2
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const bits = buf.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = biased === 0 ? frac : frac | (1n << 52n);
  const e2 = (biased === 0 ? 1 : biased) - 1075;
  // exact decimal: num / 10^scale
  let num: bigint;
  let scale: number;
  if (e2 >= 0) {
    num = mant << BigInt(e2);
    scale = 0;
  } else {
    num = mant * 5n ** BigInt(-e2);
    scale = -e2;
  }
  const len = num.toString().length;
  const drop = len - precision;
  if (drop <= 0) return { digits: num, exp10: -scale };
  const p = 10n ** BigInt(drop);
  let q = num / p;
  const r = num % p;
  const twice = 2n * r;
  if (twice > p || (twice === p && q % 2n === 1n)) q += 1n;
  return { digits: q, exp10: drop - scale };
}

/** float8_numeric / float4_numeric: the value printed with %.15g (or %.6g), read back. */
export function floatToNumeric(x: number, precision: 15 | 6): Numeric {
  if (Number.isNaN(x)) return NAN;
  if (x === Number.POSITIVE_INFINITY) return PINF;
  if (x === Number.NEGATIVE_INFINITY) return NINF;
  if (x === 0) return fromInteger(0);
  let { digits, exp10 } = doubleToSignificant(x, precision);
  // %g drops trailing zeros
  while (digits % 10n === 0n && digits !== 0n) {
    digits /= 10n;
    exp10++;
  }
  const c = x < 0 ? -digits : digits;
  if (exp10 >= 0) return fromDec({ c: c * 10n ** BigInt(exp10), s: 0 });
  return fromDec({ c, s: -exp10 });
}

/** numeric_float8: float8in of numeric_out. */
export function numericToFloat8(n: Numeric): number {
  if (n.sign === 0xc000) return Number.NaN;
  if (n.sign === 0xd000) return Number.POSITIVE_INFINITY;
  if (n.sign === 0xf000) return Number.NEGATIVE_INFINITY;
  const text = numericToString(n);
  const v = Number(text);
  if (!Number.isFinite(v) || (v === 0 && n.digits.length > 0)) {
    throw outOfRangeInput('double precision', text);
  }
  return v;
}

/** numeric_float4: float4in of numeric_out. */
export function numericToFloat4(n: Numeric): number {
  if (n.sign === 0xc000) return Number.NaN;
  if (n.sign === 0xd000) return Number.POSITIVE_INFINITY;
  if (n.sign === 0xf000) return Number.NEGATIVE_INFINITY;
  const text = numericToString(n);
  const v = strtof(text, n);
  if (!Number.isFinite(v) || (v === 0 && n.digits.length > 0)) {
    throw outOfRangeInput('real', text);
  }
  return v;
}

/** The float32 neighbour of f (finite, nonzero or zero) towards +Infinity or -Infinity. */
function nextFloat(f: number, up: boolean): number {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setFloat32(0, f);
  let bits = buf.getInt32(0);
  if (f === 0) bits = up ? 1 : 0x80000001;
  else if (f > 0 === up) bits += 1;
  else bits -= 1;
  buf.setInt32(0, bits);
  return buf.getFloat32(0);
}

/** The exact value of a finite double as num / den. */
function exactDouble(x: number): { num: bigint; den: bigint } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = biased === 0 ? frac : frac | (1n << 52n);
  const e2 = (biased === 0 ? 1 : biased) - 1075;
  const m = neg ? -mant : mant;
  return e2 >= 0 ? { num: m << BigInt(e2), den: 1n } : { num: m, den: 1n << BigInt(-e2) };
}

/**
 * strtof: the float32 nearest to the decimal value. Rounding through the
 * nearest double is right except when that double is exactly halfway
 * between two floats; then the exact decimal decides.
 */
function strtof(text: string, n: Numeric): number {
  const d = Number(text);
  const f = Math.fround(d);
  if (!Number.isFinite(d) || !Number.isFinite(f) || f === d) return f;
  const other = nextFloat(f, d > f);
  if (!Number.isFinite(other) || (f + other) / 2 !== d) return f;
  // d is a float midpoint: compare the exact decimal c / 10^s with it
  const { c, s } = toDec(n);
  const m = exactDouble(d);
  const lhs = c * m.den;
  const rhs = m.num * 10n ** BigInt(s);
  if (lhs === rhs) return f; // a true tie: Math.fround rounded it to even
  const aboveMid = lhs > rhs;
  // pick the neighbour on the same side of the midpoint as the exact value
  const hi = Math.max(f, other);
  const lo = Math.min(f, other);
  return aboveMid ? hi : lo;
}
