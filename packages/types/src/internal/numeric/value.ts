/**
 * The numeric value representation and its exact decimal helpers.
 *
 * A `Numeric` is a frozen object shaped like PostgreSQL's NumericVar after
 * make_result():
 *
 * - `sign`: NUMERIC_POS (0x0000), NUMERIC_NEG (0x4000), NUMERIC_NAN (0xC000),
 *   NUMERIC_PINF (0xD000) or NUMERIC_NINF (0xF000);
 * - `weight`: the base-NBASE (10000) weight of the first digit;
 * - `dscale`: the display scale (decimal digits after the point, >= 0);
 * - `digits`: base-10000 digits, stripped of leading and trailing zero
 *   digits (zero has no digits, weight 0 and sign NUMERIC_POS).
 *
 * Special values have no digits, weight 0 and dscale 0. Arithmetic works on
 * an exact decimal form `Dec` (`c * 10^-s`, c a bigint), converted back with
 * makeResult(), which checks the storage limits as make_result() does.
 */
import { SqlError, SqlState } from '../core/errors.js';

export const NBASE = 10000;
export const DEC_DIGITS = 4;
export const NUMERIC_POS = 0x0000;
export const NUMERIC_NEG = 0x4000;
export const NUMERIC_NAN = 0xc000;
export const NUMERIC_PINF = 0xd000;
export const NUMERIC_NINF = 0xf000;
export const NUMERIC_MAX_PRECISION = 1000;
export const NUMERIC_MIN_SCALE = -1000;
export const NUMERIC_MAX_SCALE = 1000;
export const NUMERIC_MAX_DISPLAY_SCALE = NUMERIC_MAX_PRECISION;
export const NUMERIC_MIN_DISPLAY_SCALE = 0;
export const NUMERIC_MAX_RESULT_SCALE = NUMERIC_MAX_PRECISION * 2;
export const NUMERIC_MIN_SIG_DIGITS = 16;
export const NUMERIC_DSCALE_MAX = 0x3fff;
export const NUMERIC_WEIGHT_MAX = 0x7fff;

export type NumericSign =
  | typeof NUMERIC_POS
  | typeof NUMERIC_NEG
  | typeof NUMERIC_NAN
  | typeof NUMERIC_PINF
  | typeof NUMERIC_NINF;

/** A numeric value (see the file comment). */
export interface Numeric {
  readonly sign: NumericSign;
  readonly weight: number;
  readonly dscale: number;
  readonly digits: readonly number[];
}

/** An exact finite decimal: c * 10^-s. */
export interface Dec {
  readonly c: bigint;
  readonly s: number;
}

function special(sign: NumericSign): Numeric {
  return Object.freeze({ sign, weight: 0, dscale: 0, digits: Object.freeze([]) });
}

export const NAN: Numeric = special(NUMERIC_NAN);
export const PINF: Numeric = special(NUMERIC_PINF);
export const NINF: Numeric = special(NUMERIC_NINF);

export function isSpecial(n: Numeric): boolean {
  return (n.sign & 0xc000) === 0xc000;
}
export function isNumericNaN(n: Numeric): boolean {
  return n.sign === NUMERIC_NAN;
}
export function isInf(n: Numeric): boolean {
  return n.sign === NUMERIC_PINF || n.sign === NUMERIC_NINF;
}

/** "value overflows numeric format" (22003). */
export function overflow(): SqlError {
  return new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'value overflows numeric format');
}

const POW10: bigint[] = [1n];
/** 10^n as a bigint (n >= 0). */
export function pow10(n: number): bigint {
  if (n < 0) throw new RangeError('negative power of ten');
  if (n < 2048) {
    for (let i = POW10.length; i <= n; i++) POW10.push(POW10[i - 1]! * 10n);
    return POW10[n]!;
  }
  return 10n ** BigInt(n);
}

export function abs(c: bigint): bigint {
  return c < 0n ? -c : c;
}

const SMALL = 10n ** 15n;
/** Number of decimal digits of |c| (1 for zero), without a decimal conversion. */
export function ndec(c: bigint): number {
  const a = abs(c);
  if (a < SMALL) return String(a).length;
  const hex = a.toString(16);
  const bits = (hex.length - 1) * 4 + parseInt(hex[0]!, 16).toString(2).length;
  // a is in [2^(bits-1), 2^bits): it has est or est + 1 digits
  const est = Math.floor((bits - 1) * Math.LOG10E * Math.LN2) + 1;
  return a >= pow10(est) ? est + 1 : est;
}

/** The exact decimal value of a finite numeric, at scale dscale. */
export function toDec(n: Numeric): Dec {
  if (n.digits.length === 0) return { c: 0n, s: n.dscale };
  let str = '';
  for (const d of n.digits) str += String(d).padStart(4, '0');
  const e = DEC_DIGITS * (n.weight - n.digits.length + 1); // exponent of the last digit
  let c = BigInt(str);
  const shift = e + n.dscale;
  if (shift >= 0) c *= pow10(shift);
  else c /= pow10(-shift); // only zero digits are dropped (dscale hides none)
  return { c: n.sign === NUMERIC_NEG ? -c : c, s: n.dscale };
}

/** Divides with rounding half away from zero. */
export function divRound(a: bigint, b: bigint): bigint {
  let q = a / b;
  const r = a % b;
  if (r !== 0n && 2n * abs(r) >= abs(b)) q += a < 0n === b < 0n ? 1n : -1n;
  return q;
}

/**
 * c * 10^-s re-expressed at scale `target` (which may be negative: the
 * result is then the coefficient of 10^-target), rounding half away from
 * zero (round_var) or truncating (trunc_var).
 */
export function rescale(c: bigint, s: number, target: number, truncate = false): bigint {
  if (target >= s) return c * pow10(target - s);
  const drop = s - target;
  if (c === 0n) return 0n;
  if (drop > ndec(c) + 1) return 0n; // far below half a unit of the target
  const p = pow10(drop);
  return truncate ? c / p : divRound(c, p);
}

/** Rounds (or truncates) a Dec to `scale` digits, dscale max(scale, 0), as round_var + clamp. */
export function roundDec(d: Dec, scale: number, truncate = false): Dec {
  const c = rescale(d.c, d.s, scale, truncate);
  if (scale >= 0) return { c, s: scale };
  return { c: c * pow10(-scale), s: 0 };
}

/** make_result(): a stripped Numeric from c * 10^-dscale; 22003 when it does not fit. */
export function makeResult(c: bigint, dscale: number): Numeric {
  if (dscale > NUMERIC_DSCALE_MAX || dscale < 0) throw overflow();
  if (c === 0n) {
    return Object.freeze({ sign: NUMERIC_POS, weight: 0, dscale, digits: Object.freeze([]) });
  }
  const neg = c < 0n;
  let str = abs(c).toString();
  // Align the fractional part to whole NBASE digits.
  const padR = (DEC_DIGITS - (dscale % DEC_DIGITS)) % DEC_DIGITS;
  str += '0'.repeat(padR);
  const fracLen = dscale + padR;
  let intLen = str.length - fracLen;
  if (intLen < 0) {
    str = '0'.repeat(-intLen) + str;
    intLen = 0;
  }
  const padL = (DEC_DIGITS - (intLen % DEC_DIGITS)) % DEC_DIGITS;
  str = '0'.repeat(padL) + str;
  let weight = (intLen + padL) / DEC_DIGITS - 1;
  const digits: number[] = [];
  for (let i = 0; i < str.length; i += DEC_DIGITS) digits.push(Number(str.slice(i, i + 4)));
  let start = 0;
  while (start < digits.length && digits[start] === 0) {
    start++;
    weight--;
  }
  let end = digits.length;
  while (end > start && digits[end - 1] === 0) end--;
  if (weight > NUMERIC_WEIGHT_MAX || weight < -NUMERIC_WEIGHT_MAX - 1) throw overflow();
  return Object.freeze({
    sign: neg ? NUMERIC_NEG : NUMERIC_POS,
    weight,
    dscale,
    digits: Object.freeze(digits.slice(start, end)),
  });
}

export function fromDec(d: Dec): Numeric {
  return makeResult(d.c, d.s);
}

/** A numeric from a JavaScript integer or bigint (int64_to_numeric). */
export function fromInteger(n: number | bigint): Numeric {
  return makeResult(BigInt(n), 0);
}

/** Sign of a non-NaN numeric: -1, 0 or 1 (numeric_sign_internal). */
export function signOf(n: Numeric): number {
  if (n.sign === NUMERIC_PINF) return 1;
  if (n.sign === NUMERIC_NINF) return -1;
  if (n.digits.length === 0) return 0;
  return n.sign === NUMERIC_NEG ? -1 : 1;
}

/** cmp_var on finite decimals. */
export function cmpDec(a: Dec, b: Dec): number {
  const s = Math.max(a.s, b.s);
  const x = a.c * pow10(s - a.s);
  const y = b.c * pow10(s - b.s);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** cmp_numerics: NaN above +Infinity above every finite value above -Infinity. */
export function cmpNumeric(a: Numeric, b: Numeric): number {
  const rank = (n: Numeric) =>
    n.sign === NUMERIC_NAN ? 2 : n.sign === NUMERIC_PINF ? 1 : n.sign === NUMERIC_NINF ? -1 : 0;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== 0 || rb !== 0) return ra === rb ? 0 : ra < rb ? -1 : 1;
  // Finite: compare sign first, then magnitudes by weight and digits.
  const sa = signOf(a);
  const sb = signOf(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  let mag = 0;
  if (a.weight !== b.weight) mag = a.weight < b.weight ? -1 : 1;
  else {
    const n = Math.max(a.digits.length, b.digits.length);
    for (let i = 0; i < n && mag === 0; i++) {
      const x = a.digits[i] ?? 0;
      const y = b.digits[i] ?? 0;
      if (x !== y) mag = x < y ? -1 : 1;
    }
  }
  return sa < 0 ? -mag : mag;
}

/** numeric_out / get_str_from_var. */
export function numericToString(n: Numeric): string {
  if (n.sign === NUMERIC_NAN) return 'NaN';
  if (n.sign === NUMERIC_PINF) return 'Infinity';
  if (n.sign === NUMERIC_NINF) return '-Infinity';
  const { c, s } = toDec(n);
  return decToString(c, s);
}

/** The text of c * 10^-s with exactly s digits after the point. */
export function decToString(c: bigint, s: number): string {
  const digits = abs(c)
    .toString()
    .padStart(s + 1, '0');
  const int = digits.slice(0, digits.length - s);
  const frac = digits.slice(digits.length - s);
  return (c < 0n ? '-' : '') + int + (s > 0 ? `.${frac}` : '');
}

/** The value as a JavaScript double (strtod of numeric_out; may be +-Infinity). */
export function toDouble(n: Numeric): number {
  if (n.sign === NUMERIC_NAN) return Number.NaN;
  if (n.sign === NUMERIC_PINF) return Number.POSITIVE_INFINITY;
  if (n.sign === NUMERIC_NINF) return Number.NEGATIVE_INFINITY;
  return Number(numericToString(n));
}
