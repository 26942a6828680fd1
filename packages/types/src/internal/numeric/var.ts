/**
 * Ports of numeric.c's variable-level algorithms whose results depend on
 * their intermediate rounding (mul_var's truncated product, exp_var, ln_var,
 * power_var_int), so that exp, ln, log and power give PostgreSQL's digits
 * and not merely correctly rounded ones. A `Var` is an exact decimal
 * c * 10^-s whose s (the dscale) may be negative inside ln_var.
 */
import { divisionByZero } from '../core/errors.js';
import {
  abs,
  decToString,
  divRound,
  NBASE,
  NUMERIC_MAX_RESULT_SCALE,
  ndec,
  overflow,
  pow10,
  rescale,
} from './value.js';

export interface Var {
  readonly c: bigint;
  readonly s: number;
}

// biome-ignore lint/suspicious/noApproximativeNumericConstant: PostgreSQL's own literal
const LOG10_E = 0.434294481903252;
const LOG10_2 = 0.301029995663981;

export const VAR_ZERO: Var = { c: 0n, s: 0 };
export const VAR_ONE: Var = { c: 1n, s: 0 };
const VAR_TWO: Var = { c: 2n, s: 0 };
const POINT_NINE: Var = { c: 9n, s: 1 };
const ONE_POINT_ONE: Var = { c: 11n, s: 1 };

/** The base-NBASE weight of the first digit (0 for zero). */
export function varWeight(v: Var): number {
  if (v.c === 0n) return 0;
  return Math.floor((ndec(v.c) - 1 - v.s) / 4);
}

const digitCache = new WeakMap<Var, { digits: number[]; weight: number }>();

/** The stripped NBASE digits and weight. */
function varDigits(v: Var): { digits: number[]; weight: number } {
  let cached = digitCache.get(v);
  if (cached === undefined) {
    cached = computeDigits(v);
    digitCache.set(v, cached);
  }
  return cached;
}

function computeDigits(v: Var): { digits: number[]; weight: number } {
  if (v.c === 0n) return { digits: [], weight: 0 };
  let str = abs(v.c).toString();
  // exponent of the last decimal digit is -s; align it down to a multiple of 4
  const low = Math.floor(-v.s / 4) * 4;
  str += '0'.repeat(-v.s - low);
  str = '0'.repeat((4 - (str.length % 4)) % 4) + str;
  const digits: number[] = [];
  for (let i = 0; i < str.length; i += 4) digits.push(Number(str.slice(i, i + 4)));
  let weight = low / 4 + digits.length - 1;
  let start = 0;
  while (digits[start] === 0) {
    start++;
    weight--;
  }
  let end = digits.length;
  while (end > start && digits[end - 1] === 0) end--;
  return { digits: digits.slice(start, end), weight };
}

export function cmpVar(a: Var, b: Var): number {
  const s = Math.max(a.s, b.s);
  const x = rescale(a.c, a.s, s);
  const y = rescale(b.c, b.s, s);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addVar(a: Var, b: Var): Var {
  const s = Math.max(a.s, b.s);
  return { c: rescale(a.c, a.s, s) + rescale(b.c, b.s, s), s };
}

export function subVar(a: Var, b: Var): Var {
  return addVar(a, { c: -b.c, s: b.s });
}

/** round_var: round half away from zero to rscale digits; dscale becomes rscale. */
export function roundVar(v: Var, rscale: number): Var {
  return { c: rescale(v.c, v.s, rscale), s: rscale };
}

/** mul_var: the product over the digits PostgreSQL looks at, rounded to rscale. */
export function mulVar(a: Var, b: Var, rscale: number): Var {
  if (a.c === 0n || b.c === 0n) return { c: 0n, s: rscale };
  const w1 = varWeight(a);
  const w2 = varWeight(b);
  // upper bounds of the stripped digit counts
  const n1max = w1 - Math.floor(-a.s / 4) + 1;
  const n2max = w2 - Math.floor(-b.s / 4) + 1;
  const resWeight = w1 + w2 + 2;
  const maxdigits = resWeight + 1 + Math.trunc((rscale + 3) / 4) + 2;
  const neg = a.c < 0n !== b.c < 0n;
  const exact = abs(a.c) * abs(b.c);
  if (n1max + n2max + 1 <= maxdigits) {
    // nothing can be truncated: the exact product, rounded
    return roundVar({ c: neg ? -exact : exact, s: a.s + b.s }, rscale);
  }
  // Digit i1 of a times digit i2 of b counts only when i1 + i2 <= R.
  const R = maxdigits - 3;
  if (R < 0) {
    // res_ndigits < 3 unless the exact digit counts are smaller
    const x = varDigits(a);
    const y = varDigits(b);
    if (Math.min(x.digits.length + y.digits.length + 1, maxdigits) < 3) return { c: 0n, s: rscale };
  }
  const [long, short, wl, ws] = n1max >= n2max ? [a, b, w1, w2] : [b, a, w2, w1];
  const sd = varDigits(short);
  if (sd.digits.length > 32) return mulVarLoop(a, b, rscale, maxdigits);
  // omitted = sum over short digits j of b_j B^(ws-j) * (the part of long below position P0-(ws-j))
  const P0 = wl + ws - R;
  const L = abs(long.c);
  let omitted = 0n;
  sd.digits.forEach((d, j) => {
    if (d === 0) return;
    const pos = sd.weight - j; // == ws - j' for the stripped digits
    const q = P0 - pos; // NBASE position below which long's digits are dropped
    const k = 4 * q + long.s;
    if (k <= 0) return;
    const low = L % pow10(k);
    if (low === 0n) return;
    // b_j * 10^(4 pos + short.s) at scale short.s
    const e = 4 * pos + short.s;
    const term = e >= 0 ? BigInt(d) * pow10(e) : BigInt(d) / pow10(-e);
    omitted += term * low;
  });
  void ws;
  const c = exact - omitted;
  return roundVar({ c: neg ? -c : c, s: a.s + b.s }, rscale);
}

/** mul_var's digit loop, for two long operands. */
function mulVarLoop(a: Var, b: Var, rscale: number, maxdigits: number): Var {
  const x = varDigits(a);
  const y = varDigits(b);
  const n1 = x.digits.length;
  const n2 = y.digits.length;
  const resWeight = x.weight + y.weight + 2;
  const resNdigits = Math.min(n1 + n2 + 1, maxdigits);
  if (resNdigits < 3) return { c: 0n, s: rscale };
  const dig = new Float64Array(resNdigits);
  const xd = Int32Array.from(x.digits);
  const yd = Int32Array.from(y.digits);
  for (let i1 = Math.min(n1 - 1, resNdigits - 3); i1 >= 0; i1--) {
    const d1 = xd[i1]!;
    if (d1 === 0) continue;
    const top = Math.min(n2 - 1, resNdigits - i1 - 3);
    const base = i1 + 2;
    for (let i2 = top; i2 >= 0; i2--) dig[base + i2]! += d1 * yd[i2]!;
  }
  let carry = 0;
  for (let i = resNdigits - 1; i >= 0; i--) {
    const t = dig[i]! + carry;
    carry = Math.floor(t / NBASE);
    dig[i] = t - carry * NBASE;
  }
  let str = '';
  for (const d of dig) str += String(d).padStart(4, '0');
  let c = BigInt(str);
  if (carry !== 0) c += BigInt(carry) * 10n ** BigInt(4 * resNdigits);
  const neg = a.c < 0n !== b.c < 0n;
  const s = -4 * (resWeight - resNdigits + 1);
  return roundVar({ c: neg ? -c : c, s }, rscale);
}

/** div_var / div_var_fast / div_var_int with rounding: the quotient rounded to rscale. */
export function divVar(a: Var, b: Var, rscale: number, round = true): Var {
  if (b.c === 0n) throw divisionByZero();
  // a.c 10^-a.s / (b.c 10^-b.s) * 10^rscale
  const e = b.s + rscale - a.s;
  let num = a.c;
  let den = b.c;
  if (e >= 0) num *= pow10(e);
  else den *= pow10(-e);
  return { c: round ? divRound(num, den) : num / den, s: rscale };
}

const DIV_LIMIT = Math.trunc((2147483647 - Math.trunc(2147483647 / NBASE) - 1) / (NBASE - 1));

/** The quotient digit estimate of div_var_fast (C's (int) truncation, then towards -infinity). */
function estimate(fquotient: number): number {
  return fquotient >= 0 ? Math.trunc(fquotient) : Math.trunc(fquotient) - 1;
}

/**
 * div_var_fast: long division with floating-point digit estimates over a
 * limited number of digits, as numeric.c does it (its last guard digit can
 * be off by one, which rounding to rscale occasionally shows).
 */
export function divVarFast(a: Var, b: Var, rscale: number, round = true): Var {
  if (b.c === 0n) throw divisionByZero();
  const y = varDigits(b);
  const var2 = y.digits;
  const n2 = var2.length;
  // one or two divisor digits: div_var_int, which is exact before rounding
  if (n2 <= 2) return divVar(a, b, rscale, round);
  if (a.c === 0n) return { c: 0n, s: rscale };
  const x = varDigits(a);
  const var1 = x.digits;
  const n1 = var1.length;
  const resWeight = x.weight - y.weight + 1;
  let divNdigits = resWeight + 1 + Math.trunc((rscale + 3) / 4) + 4;
  if (divNdigits < 4) divNdigits = 4;
  const div = new Float64Array(divNdigits + 1);
  const load = Math.min(divNdigits, n1);
  for (let i = 0; i < load; i++) div[i + 1] = var1[i]!;
  let fdivisor = var2[0]!;
  for (let i = 1; i < 4; i++) {
    fdivisor *= NBASE;
    if (i < n2) fdivisor += var2[i]!;
  }
  const fdivisorinverse = 1.0 / fdivisor;
  const dividendAt = (qi: number) => {
    let f = div[qi]!;
    for (let i = 1; i < 4; i++) {
      f *= NBASE;
      if (qi + i <= divNdigits) f += div[qi + i]!;
    }
    return f;
  };
  let maxdiv = 1;
  let qi = 0;
  for (; qi < divNdigits; qi++) {
    let qdigit = estimate(dividendAt(qi) * fdivisorinverse);
    if (qdigit !== 0) {
      maxdiv += Math.abs(qdigit);
      if (maxdiv > DIV_LIMIT) {
        let carry = 0;
        for (let i = Math.min(qi + n2 - 2, divNdigits); i > qi; i--) {
          let newdig = div[i]! + carry;
          if (newdig < 0) {
            carry = -Math.trunc((-newdig - 1) / NBASE) - 1;
            newdig -= carry * NBASE;
          } else if (newdig >= NBASE) {
            carry = Math.trunc(newdig / NBASE);
            newdig -= carry * NBASE;
          } else carry = 0;
          div[i] = newdig;
        }
        div[qi] = div[qi]! + carry;
        maxdiv = 1;
        qdigit = estimate(dividendAt(qi) * fdivisorinverse);
        maxdiv += Math.abs(qdigit);
      }
      if (qdigit !== 0) {
        const istop = Math.min(n2, divNdigits - qi + 1);
        for (let i = 0; i < istop; i++) div[qi + i]! -= qdigit * var2[i]!;
      }
    }
    div[qi + 1]! += div[qi]! * NBASE;
    div[qi] = qdigit;
  }
  let flast = div[qi]!;
  for (let i = 1; i < 4; i++) flast *= NBASE;
  div[qi] = estimate(flast * fdivisorinverse);
  // final carry propagation into proper digits
  const res = new Array<number>(divNdigits + 1);
  let carry = 0;
  for (let i = divNdigits; i >= 0; i--) {
    let newdig = div[i]! + carry;
    if (newdig < 0) {
      carry = -Math.trunc((-newdig - 1) / NBASE) - 1;
      newdig -= carry * NBASE;
    } else if (newdig >= NBASE) {
      carry = Math.trunc(newdig / NBASE);
      newdig -= carry * NBASE;
    } else carry = 0;
    res[i] = newdig;
  }
  let str = '';
  for (const d of res) str += String(d).padStart(4, '0');
  let c = BigInt(str);
  if (a.c < 0n !== b.c < 0n) c = -c;
  const v: Var = { c, s: -4 * (resWeight - divNdigits) };
  return round ? roundVar(v, rscale) : { c: rescale(v.c, v.s, rscale, true), s: rscale };
}

/** sqrt_var: the square root rounded to rscale (which may be negative). */
export function sqrtVar(v: Var, rscale: number): Var {
  // N = v * 10^(2 rscale) = c * 10^(2 rscale - s)
  const e = 2 * rscale - v.s;
  let num = v.c;
  let den = 1n;
  if (e >= 0) num *= pow10(e);
  else den = pow10(-e);
  const r = isqrt(num / den);
  const up = 4n * num >= (2n * r + 1n) ** 2n * den;
  return { c: up ? r + 1n : r, s: rscale };
}

/** floor(sqrt(n)) for n >= 0. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** numericvar_to_double_no_overflow: strtod of the printed value. */
export function varToNumber(v: Var): number {
  if (v.s >= 0) return Number(decToString(v.c, v.s));
  return Number(`${v.c}e${-v.s}`);
}

/** exp_var. */
export function expVar(arg: Var, rscale: number): Var {
  let x = arg;
  let val = varToNumber(x);
  if (Math.abs(val) >= NUMERIC_MAX_RESULT_SCALE * 3) {
    if (val > 0) throw overflow();
    return { c: 0n, s: rscale };
  }
  const dweight = Math.trunc(val * LOG10_E);
  let ndiv2 = 0;
  if (Math.abs(val) > 0.01) {
    ndiv2 = 1;
    val /= 2;
    while (Math.abs(val) > 0.01) {
      ndiv2++;
      val /= 2;
    }
    const localRscale = x.s + ndiv2;
    x = divVar(x, { c: BigInt(2 ** ndiv2), s: 0 }, localRscale);
  }
  let sigDigits = 1 + dweight + rscale + Math.trunc(ndiv2 * LOG10_2);
  sigDigits = Math.max(sigDigits, 0) + 8;
  let localRscale = sigDigits - 1;
  let result = addVar(VAR_ONE, x);
  let elem = mulVar(x, x, localRscale);
  let ni = 2;
  elem = divVar(elem, { c: BigInt(ni), s: 0 }, localRscale);
  while (elem.c !== 0n) {
    result = addVar(result, elem);
    elem = mulVar(elem, x, localRscale);
    ni++;
    elem = divVar(elem, { c: BigInt(ni), s: 0 }, localRscale);
  }
  while (ndiv2-- > 0) {
    localRscale = sigDigits - varWeight(result) * 2 * 4;
    localRscale = Math.max(localRscale, 0);
    result = mulVar(result, result, localRscale);
  }
  return roundVar(result, rscale);
}

/** ln_var (the caller has rejected zero and negative arguments). */
export function lnVar(arg: Var, rscale: number): Var {
  let x = arg;
  let fact = VAR_TWO;
  let nsqrt = 0;
  while (cmpVar(x, POINT_NINE) <= 0) {
    const localRscale = rscale - (varWeight(x) * 4) / 2 + 8;
    x = sqrtVar(x, localRscale);
    fact = mulVar(fact, VAR_TWO, 0);
    nsqrt++;
  }
  while (cmpVar(x, ONE_POINT_ONE) >= 0) {
    const localRscale = rscale - (varWeight(x) * 4) / 2 + 8;
    x = sqrtVar(x, localRscale);
    fact = mulVar(fact, VAR_TWO, 0);
    nsqrt++;
  }
  const localRscale = rscale + Math.trunc((nsqrt + 1) * LOG10_2) + 8;
  let result = subVar(x, VAR_ONE);
  let elem = addVar(x, VAR_ONE);
  result = divVarFast(result, elem, localRscale);
  let xx = result;
  x = mulVar(result, result, localRscale);
  let ni = 1;
  for (;;) {
    ni += 2;
    xx = mulVar(xx, x, localRscale);
    elem = divVar(xx, { c: BigInt(ni), s: 0 }, localRscale);
    if (elem.c === 0n) break;
    result = addVar(result, elem);
    if (varWeight(elem) < varWeight(result) - Math.trunc((localRscale * 2) / 4)) break;
  }
  return mulVar(result, fact, rscale);
}
