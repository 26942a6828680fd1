/**
 * Correctly rounded elementary functions on doubles: exp, ln, pow, sin,
 * cos, tan, asin, acos, atan, atan2; and log10 computed as glibc does. The C library PostgreSQL uses
 * here (glibc) returns the correctly rounded result in all but very rare
 * cases, while JavaScript's Math functions are off by one unit in the last
 * place in a few percent of cases; these are evaluated in binary
 * fixed-point with bigints, at least 200 bits past the result's leading
 * bit, and rounded once. Inputs are finite; the callers (float-ops.ts)
 * handle NaN, infinities and PostgreSQL's errors.
 */
import { binaryParts, FLOAT8, roundBinary } from './float.js';

const GUARD = 200;

const bitLength = (n: bigint): number => (n === 0n ? 0 : n.toString(2).length);

/** floor(log2(|x|)) of a finite non-zero double. */
function exponentOf(x: number): number {
  const [m, b] = binaryParts(Math.abs(x));
  return bitLength(m) - 1 + b;
}

/** |x| as a fixed-point number with F fraction bits (truncated). */
function fixed(x: number, F: number): bigint {
  const [m, b] = binaryParts(Math.abs(x));
  const s = b + F;
  const v = s >= 0 ? m << BigInt(s) : m >> BigInt(-s);
  return x < 0 ? -v : v;
}

const one = (F: number): bigint => 1n << BigInt(F);
const mul = (a: bigint, b: bigint, F: number): bigint => (a * b) >> BigInt(F);
const div = (a: bigint, b: bigint, F: number): bigint => (a << BigInt(F)) / b;

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}
const sqrt = (a: bigint, F: number): bigint => isqrt(a << BigInt(F));

/** The signed fixed-point value v / 2^F, rounded to a double. */
function toDouble(v: bigint, F: number): number {
  const r = roundBinary(v < 0n ? -v : v, -F, FLOAT8);
  return v < 0n ? -r : r;
}

/** Cached constants at the largest precision asked so far. */
const constants = new Map<string, { bits: number; value: bigint }>();
function constant(name: string, F: number, compute: (bits: number) => bigint): bigint {
  const c = constants.get(name);
  if (c && c.bits >= F) return c.value >> BigInt(c.bits - F);
  const bits = Math.max(F, 1600) + 64;
  const value = compute(bits);
  constants.set(name, { bits, value });
  return value >> BigInt(bits - F);
}

/** atan(1/n) with `bits` fraction bits (plus truncation errors of a few units). */
function atanInverse(n: bigint, bits: number): bigint {
  const n2 = n * n;
  let power = one(bits) / n;
  let sum = power;
  for (let k = 1n; ; k++) {
    power /= n2;
    const t = power / (2n * k + 1n);
    if (t === 0n) return sum;
    sum += k % 2n === 1n ? -t : t;
  }
}

/** π (Machin's formula). */
const pi = (F: number) =>
  constant('pi', F, (bits) => 16n * atanInverse(5n, bits) - 4n * atanInverse(239n, bits));

/** atanh(z) for small |z| (fixed point). */
function atanh(z: bigint, F: number): bigint {
  const z2 = mul(z, z, F);
  let power = z;
  let sum = z;
  for (let k = 1n; ; k++) {
    power = mul(power, z2, F);
    const t = power / (2n * k + 1n);
    if (t === 0n) return sum;
    sum += t;
  }
}

/** ln 2 = 2 atanh(1/3). */
const ln2 = (F: number) => constant('ln2', F, (bits) => 2n * atanh(one(bits) / 3n, bits));

/** ln(x) for a finite x > 0, fixed point. */
function lnFixed(x: number, F: number): bigint {
  const [m, b] = binaryParts(x);
  const L = bitLength(m);
  let e = L - 1 + b;
  let y = m << BigInt(F - (L - 1)); // x / 2^e in [1, 2)
  // keep y in [sqrt(1/2), sqrt(2)) for a small atanh argument
  if (y * y > 2n * one(2 * F)) {
    y >>= 1n;
    e += 1;
  }
  const z = div(y - one(F), y + one(F), F);
  return 2n * atanh(z, F) + BigInt(e) * ln2(F);
}

/** e^r for |r| <= 0.36 (fixed point). */
function expSmall(r: bigint, F: number): bigint {
  let term = one(F);
  let sum = term;
  for (let k = 1n; ; k++) {
    term = mul(term, r, F) / k;
    if (term === 0n) return sum;
    sum += term;
  }
}

/** e^t for a fixed-point t, rounded to a double (Infinity or 0 beyond the range). */
function expOfFixed(t: bigint, F: number): number {
  const approx = Number(t >> BigInt(Math.max(0, F - 60))) / 2 ** Math.min(F, 60);
  if (approx > 710) return Number.POSITIVE_INFINITY;
  if (approx < -746) return 0;
  const k = Math.round(approx / Math.LN2);
  const r = t - BigInt(k) * ln2(F);
  return roundBinary(expSmall(r, F), k - F, FLOAT8);
}

export function crExp(x: number): number {
  if (x === 0) return 1;
  return expOfFixed(fixed(x, GUARD), GUARD);
}

export function crLn(x: number): number {
  if (!Number.isFinite(x)) return x;
  return toDouble(lnFixed(x, GUARD), GUARD);
}

/** A double from its two 32-bit words, as glibc spells its constants. */
function fromWords(hi: number, lo: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setUint32(0, hi);
  v.setUint32(4, lo);
  return v.getFloat64(0);
}
const TWO54 = 2 ** 54;
const IVLN10 = fromWords(0x3fdbcb7b, 0x1526e50e);
const LOG10_2HI = fromWords(0x3fd34413, 0x509f6000);
const LOG10_2LO = fromWords(0x3d59fef3, 0x11f12b36);

/**
 * log10 of a finite x > 0 as glibc's __ieee754_log10 computes it (which is
 * not correctly rounded): y * log10(2) + log(m) / ln(10), step for step, on
 * the correctly rounded log.
 */
export function glibcLog10(x: number): number {
  let k = 0;
  let v = x;
  if (v < 2 ** -1022) {
    k -= 54;
    v *= TWO54;
  }
  const [m, b] = binaryParts(v);
  const e = bitLength(m) - 1 + b; // (hx >> 20) - 1023
  k += e;
  const i = k < 0 ? 1 : 0;
  const mant = v / 2 ** e; // in [1, 2)
  const xr = i === 1 ? mant / 2 : mant; // exponent 0x3ff - i
  const y = k + i;
  const z = y * LOG10_2LO + IVLN10 * crLn(xr);
  return z + y * LOG10_2HI;
}

/** |x|^y for finite x != 0 and finite y, with the sign of x for odd integer y. */
export function crPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  const F = GUARD + Math.max(0, exponentOf(y) + 12);
  const t = mul(lnFixed(Math.abs(x), F), fixed(y, F), F);
  const r = expOfFixed(t, F);
  const odd = Math.abs(y) < 2 ** 53 && y % 2 !== 0;
  return x < 0 && odd ? -r : r;
}

/** sin and cos of |r| <= π/4 (fixed point). */
function sinCos(r: bigint, F: number): [bigint, bigint] {
  const r2 = mul(r, r, F);
  let s = r;
  let sinSum = r;
  for (let k = 1n; s !== 0n; k++) {
    s = -mul(s, r2, F) / (2n * k * (2n * k + 1n));
    sinSum += s;
  }
  let c = one(F);
  let cosSum = c;
  for (let k = 1n; c !== 0n; k++) {
    c = -mul(c, r2, F) / ((2n * k - 1n) * (2n * k));
    cosSum += c;
  }
  return [sinSum, cosSum];
}

/** sin and cos of a finite non-zero x, and the precision F they have. */
function trig(x: number): { sin: bigint; cos: bigint; F: number } {
  const ex = exponentOf(x);
  const F = GUARD + Math.max(0, -ex);
  const G = F + Math.max(0, ex) + 16;
  const X = fixed(Math.abs(x), G);
  const halfPi = pi(G + 1) >> 2n; // π/2 at G bits
  const k = (2n * X + halfPi) / (2n * halfPi);
  const r = (X - k * halfPi) >> BigInt(G - F);
  const [s, c] = sinCos(r, F);
  const q = Number(k % 4n);
  const sinAbs = [s, c, -s, -c][q]!;
  const cosV = [c, -s, -c, s][q]!;
  return { sin: x < 0 ? -sinAbs : sinAbs, cos: cosV, F };
}

export function crSin(x: number): number {
  if (x === 0) return x;
  const t = trig(x);
  return toDouble(t.sin, t.F);
}

export function crCos(x: number): number {
  if (x === 0) return 1;
  const t = trig(x);
  return toDouble(t.cos, t.F);
}

export function crTan(x: number): number {
  if (x === 0) return x;
  const t = trig(x);
  return toDouble(div(t.sin, t.cos, t.F), t.F);
}

/** atan(t) for a fixed-point t >= 0. */
function atanFixed(t: bigint, F: number): bigint {
  const halfPi = pi(F + 1) >> 2n;
  if (t > one(F)) return halfPi - atanFixed(div(one(F), t, F), F);
  // atan(t) = 2 atan(t / (1 + sqrt(1 + t^2))), three times: |t| <= tan(π/32)
  let u = t;
  for (let i = 0; i < 3; i++) u = div(u, one(F) + sqrt(one(F) + mul(u, u, F), F), F);
  const u2 = mul(u, u, F);
  let power = u;
  let sum = u;
  for (let k = 1n; ; k++) {
    power = -mul(power, u2, F);
    const term = power / (2n * k + 1n);
    if (term === 0n) break;
    sum += term;
  }
  return sum * 8n;
}

const precisionFor = (x: number) => GUARD + Math.max(0, -exponentOf(x));

export function crAtan(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return Math.atan(x);
  const F = precisionFor(x);
  const a = atanFixed(fixed(Math.abs(x), F), F);
  return toDouble(x < 0 ? -a : a, F);
}

/** asin of |x| < 1, fixed point, non-negative. */
function asinFixed(ax: number, F: number): bigint {
  const X = fixed(ax, F);
  if (X === one(F)) return pi(F + 1) >> 2n;
  const d = sqrt(one(F) - mul(X, X, F), F);
  return atanFixed(div(X, d, F), F);
}

/** asin of |x| <= 1. */
export function crAsin(x: number): number {
  if (x === 0) return x;
  const F = precisionFor(x);
  const a = asinFixed(Math.abs(x), F);
  return toDouble(x < 0 ? -a : a, F);
}

/** acos of |x| <= 1. */
export function crAcos(x: number): number {
  const F = GUARD;
  const halfPi = pi(F + 1) >> 2n;
  if (x === 0) return toDouble(halfPi, F);
  const a = asinFixed(Math.abs(x), F);
  return toDouble(x < 0 ? halfPi + a : halfPi - a, F);
}

/** atan2 of non-NaN y and x, with C's conventions for zeros and infinities. */
export function crAtan2(y: number, x: number): number {
  const yNeg = y < 0 || Object.is(y, -0);
  const xNeg = x < 0 || Object.is(x, -0);
  const sign = (v: number) => (yNeg ? -v : v);
  if (!Number.isFinite(x) || !Number.isFinite(y) || x === 0 || y === 0) {
    // the exact cases: multiples of π/4
    return Math.atan2(y, x);
  }
  const ex = exponentOf(x);
  const ey = exponentOf(y);
  const F = GUARD + Math.max(0, ex - ey);
  const [my, by] = binaryParts(Math.abs(y));
  const [mx, bx] = binaryParts(Math.abs(x));
  const shift = F + by - bx;
  const ratio = shift >= 0 ? (my << BigInt(shift)) / mx : my / (mx << BigInt(-shift));
  const angle = atanFixed(ratio, F);
  if (!xNeg) return sign(toDouble(angle, F));
  const p = pi(F);
  return sign(toDouble(p - angle, F));
}

/*
 * Hyperbolic functions: glibc's fdlibm-derived algorithms (e_sinh.c,
 * e_cosh.c, s_tanh.c, s_asinh.c, e_acosh.c, e_atanh.c) step for step, on
 * JavaScript's expm1 and log1p (the same fdlibm code) and the correctly
 * rounded exp and log.
 */

const wordView = new DataView(new ArrayBuffer(8));
/** The high 32 bits of |x| (GET_HIGH_WORD & 0x7fffffff). */
function highWord(x: number): number {
  wordView.setFloat64(0, x);
  return wordView.getUint32(0) & 0x7fffffff;
}
function lowWord(x: number): number {
  wordView.setFloat64(0, x);
  return wordView.getUint32(4);
}
const LN2 = fromWords(0x3fe62e42, 0xfefa39ef);

/** Below the overflow threshold of sinh/cosh (0x408633ce 8fb9f87d). */
function belowOverflow(ix: number, x: number): boolean {
  return ix < 0x408633ce || (ix === 0x408633ce && lowWord(x) <= 0x8fb9f87d);
}

export function glibcSinh(x: number): number {
  const ix = highWord(x);
  if (ix >= 0x7ff00000) return x + x;
  const h = x < 0 ? -0.5 : 0.5;
  const ax = Math.abs(x);
  if (ix < 0x40360000) {
    if (ix < 0x3e300000) return x;
    const t = Math.expm1(ax);
    if (ix < 0x3ff00000) return h * (2.0 * t - (t * t) / (t + 1.0));
    return h * (t + t / (t + 1.0));
  }
  if (ix < 0x40862e42) return h * crExp(ax);
  if (belowOverflow(ix, x)) {
    const w = crExp(0.5 * ax);
    const t = h * w;
    return t * w;
  }
  return x * 1.0e307;
}

export function glibcCosh(x: number): number {
  const ix = highWord(x);
  const ax = Math.abs(x);
  if (ix < 0x40360000) {
    if (ix < 0x3fd62e43) {
      if (ix < 0x3c800000) return 1.0;
      const t = Math.expm1(ax);
      const w = 1.0 + t;
      return 1.0 + (t * t) / (w + w);
    }
    const t = crExp(ax);
    return 0.5 * t + 0.5 / t;
  }
  if (ix < 0x40862e42) return 0.5 * crExp(ax);
  if (belowOverflow(ix, x)) {
    const w = crExp(0.5 * ax);
    const t = 0.5 * w;
    return t * w;
  }
  if (ix >= 0x7ff00000) return x * x;
  return Number.POSITIVE_INFINITY;
}

export function glibcTanh(x: number): number {
  const ix = highWord(x);
  if (ix >= 0x7ff00000) return x >= 0 ? 1.0 / x + 1.0 : 1.0 / x - 1.0;
  let z: number;
  if (ix < 0x40360000) {
    if (x === 0) return x;
    if (ix < 0x3c800000) return x * (1.0 + x);
    if (ix >= 0x3ff00000) {
      const t = Math.expm1(2.0 * Math.abs(x));
      z = 1.0 - 2.0 / (t + 2.0);
    } else {
      const t = Math.expm1(-2.0 * Math.abs(x));
      z = -t / (t + 2.0);
    }
  } else {
    z = 1.0;
  }
  return x >= 0 ? z : -z;
}

export function glibcAsinh(x: number): number {
  const ix = highWord(x);
  if (ix < 0x3e300000) return x;
  let w: number;
  if (ix > 0x41b00000) {
    if (ix >= 0x7ff00000) return x + x;
    w = crLn(Math.abs(x)) + LN2;
  } else {
    const xa = Math.abs(x);
    if (ix > 0x40000000) {
      w = crLn(2.0 * xa + 1.0 / (Math.sqrt(xa * xa + 1.0) + xa));
    } else {
      const t = xa * xa;
      w = Math.log1p(xa + t / (1.0 + Math.sqrt(1.0 + t)));
    }
  }
  return x < 0 || Object.is(x, -0) ? -w : w;
}

/** acosh of x >= 1 (the caller rejects smaller x). */
export function glibcAcosh(x: number): number {
  const hx = highWord(x);
  if (hx >= 0x41b00000) {
    if (hx >= 0x7ff00000) return x + x;
    return crLn(x) + LN2;
  }
  if (x === 1) return 0.0;
  if (hx > 0x40000000) {
    const t = x * x;
    return crLn(2.0 * x - 1.0 / (x + Math.sqrt(t - 1.0)));
  }
  const t = x - 1.0;
  return Math.log1p(t + Math.sqrt(2.0 * t + t * t));
}

/** atanh of |x| <= 1 (the caller rejects the rest). */
export function glibcAtanh(x: number): number {
  const xa = Math.abs(x);
  let t: number;
  if (xa < 0.5) {
    if (xa < 2 ** -28) return x;
    t = xa + xa;
    t = 0.5 * Math.log1p(t + (t * xa) / (1.0 - xa));
  } else if (xa < 1.0) {
    t = 0.5 * Math.log1p((xa + xa) / (1.0 - xa));
  } else {
    return x / 0.0;
  }
  return x < 0 || Object.is(x, -0) ? -t : t;
}
