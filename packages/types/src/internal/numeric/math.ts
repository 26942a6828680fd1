/**
 * numeric arithmetic and functions with PostgreSQL 15's result scales and
 * special-value rules (numeric.c). Values are `Numeric` (value.ts); the
 * work is done on exact bigint decimals. Transcendental functions (sqrt,
 * exp, ln, log, power) are computed with guard digits in fixed point and
 * rounded half away from zero to the scale PostgreSQL selects.
 */
import { divisionByZero, outOfRange, SqlError, SqlState } from '../core/errors.js';
import {
  abs,
  cmpDec,
  cmpNumeric,
  type Dec,
  divRound,
  fromDec,
  isNumericNaN,
  isSpecial,
  makeResult,
  NAN,
  NINF,
  NUMERIC_DSCALE_MAX,
  NUMERIC_MAX_DISPLAY_SCALE,
  NUMERIC_MAX_RESULT_SCALE,
  NUMERIC_MIN_DISPLAY_SCALE,
  NUMERIC_MIN_SIG_DIGITS,
  NUMERIC_NAN,
  NUMERIC_NEG,
  NUMERIC_NINF,
  NUMERIC_PINF,
  NUMERIC_WEIGHT_MAX,
  type Numeric,
  overflow,
  PINF,
  pow10,
  rescale,
  roundDec,
  signOf,
  toDec,
  toDouble,
} from './value.js';
import {
  divVar,
  divVarFast,
  expVar,
  lnVar,
  mulVar,
  roundVar,
  sqrtVar,
  VAR_ONE,
  type Var,
  varToNumber,
  varWeight,
} from './var.js';

/** numeric.c's literal for log10(e), kept as written there so scales come out identical. */
// biome-ignore lint/suspicious/noApproximativeNumericConstant: PostgreSQL's own literal
const LOG10_E = 0.434294481903252;

const ZERO = makeResult(0n, 0);
const ONE = makeResult(1n, 0);
const MINUS_ONE = makeResult(-1n, 0);

const clampScale = (rscale: number) =>
  Math.min(Math.max(rscale, NUMERIC_MIN_DISPLAY_SCALE), NUMERIC_MAX_DISPLAY_SCALE);

function powerError(message: string): SqlError {
  return new SqlError(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION, message);
}
function logError(message: string): SqlError {
  return new SqlError(SqlState.INVALID_ARGUMENT_FOR_LOG, message);
}

/** Sum or difference of two finite decimals, dscale the larger of the two. */
function addDec(a: Dec, b: Dec, negateB = false): Dec {
  const s = Math.max(a.s, b.s);
  const x = a.c * pow10(s - a.s);
  const y = b.c * pow10(s - b.s);
  return { c: negateB ? x - y : x + y, s };
}

// ---------------------------------------------------------------- basic arithmetic

export function numericAdd(a: Numeric, b: Numeric): Numeric {
  if (isSpecial(a) || isSpecial(b)) {
    if (isNumericNaN(a) || isNumericNaN(b)) return NAN;
    if (a.sign === NUMERIC_PINF) return b.sign === NUMERIC_NINF ? NAN : PINF;
    if (a.sign === NUMERIC_NINF) return b.sign === NUMERIC_PINF ? NAN : NINF;
    return b; // finite + [-]Inf
  }
  return fromDec(addDec(toDec(a), toDec(b)));
}

export function numericSub(a: Numeric, b: Numeric): Numeric {
  if (isSpecial(a) || isSpecial(b)) {
    if (isNumericNaN(a) || isNumericNaN(b)) return NAN;
    if (a.sign === NUMERIC_PINF) return b.sign === NUMERIC_PINF ? NAN : PINF;
    if (a.sign === NUMERIC_NINF) return b.sign === NUMERIC_NINF ? NAN : NINF;
    return b.sign === NUMERIC_PINF ? NINF : PINF;
  }
  return fromDec(addDec(toDec(a), toDec(b), true));
}

export function numericMul(a: Numeric, b: Numeric): Numeric {
  if (isSpecial(a) || isSpecial(b)) {
    if (isNumericNaN(a) || isNumericNaN(b)) return NAN;
    const s = signOf(a) * signOf(b);
    return s === 0 ? NAN : s > 0 ? PINF : NINF;
  }
  const x = toDec(a);
  const y = toDec(b);
  let r: Dec = { c: x.c * y.c, s: x.s + y.s };
  if (r.s > NUMERIC_DSCALE_MAX) r = roundDec(r, NUMERIC_DSCALE_MAX);
  return fromDec(r);
}

/** select_div_scale. */
export function selectDivScale(a: Numeric, b: Numeric): number {
  const w1 = a.digits.length > 0 ? a.weight : 0;
  const f1 = a.digits[0] ?? 0;
  const w2 = b.digits.length > 0 ? b.weight : 0;
  const f2 = b.digits[0] ?? 0;
  let qweight = w1 - w2;
  if (f1 <= f2) qweight--;
  let rscale = NUMERIC_MIN_SIG_DIGITS - qweight * 4;
  rscale = Math.max(rscale, a.dscale, b.dscale, NUMERIC_MIN_DISPLAY_SCALE);
  return Math.min(rscale, NUMERIC_MAX_DISPLAY_SCALE);
}

/** x / y rounded (or truncated) to rscale digits; 22012 on a zero divisor. */
function divDec(x: Dec, y: Dec, rscale: number, round: boolean): Dec {
  if (y.c === 0n) throw divisionByZero();
  // x.c/10^x.s / (y.c/10^y.s) * 10^rscale = x.c * 10^(y.s + rscale - x.s) / y.c
  const e = y.s + rscale - x.s;
  let num = x.c;
  let den = y.c;
  if (e >= 0) num *= pow10(e);
  else den *= pow10(-e);
  const q = round ? divRound(num, den) : num / den;
  return { c: q, s: rscale };
}

function divSpecial(a: Numeric, b: Numeric): Numeric {
  if (isNumericNaN(a) || isNumericNaN(b)) return NAN;
  if (a.sign === NUMERIC_PINF || a.sign === NUMERIC_NINF) {
    if (isSpecial(b)) return NAN;
    const s = signOf(b);
    if (s === 0) throw divisionByZero();
    return s > 0 === (a.sign === NUMERIC_PINF) ? PINF : NINF;
  }
  return ZERO; // finite / [-]Inf
}

export function numericDiv(a: Numeric, b: Numeric): Numeric {
  if (isSpecial(a) || isSpecial(b)) return divSpecial(a, b);
  const rscale = selectDivScale(a, b);
  return fromDec(divDec(toDec(a), toDec(b), rscale, true));
}

/** div(a, b): the quotient truncated to an integer (numeric_div_trunc). */
export function numericDivTrunc(a: Numeric, b: Numeric): Numeric {
  if (isSpecial(a) || isSpecial(b)) return divSpecial(a, b);
  return fromDec(divDec(toDec(a), toDec(b), 0, false));
}

function modDec(x: Dec, y: Dec): Dec {
  const q = divDec(x, y, 0, false);
  return addDec(x, { c: q.c * y.c, s: y.s }, true);
}

export function numericMod(a: Numeric, b: Numeric): Numeric {
  if (isSpecial(a) || isSpecial(b)) {
    if (isNumericNaN(a) || isNumericNaN(b)) return NAN;
    if (isSpecial(a)) {
      if (signOf(b) === 0) throw divisionByZero();
      return NAN;
    }
    return a;
  }
  return fromDec(modDec(toDec(a), toDec(b)));
}

export function numericUminus(a: Numeric): Numeric {
  if (a.sign === NUMERIC_NAN) return a;
  if (a.sign === NUMERIC_PINF) return NINF;
  if (a.sign === NUMERIC_NINF) return PINF;
  const d = toDec(a);
  return fromDec({ c: -d.c, s: d.s });
}

export function numericAbs(a: Numeric): Numeric {
  if (a.sign === NUMERIC_NINF) return PINF;
  if (a.sign === NUMERIC_NEG) return numericUminus(a);
  return a;
}

export function numericSign(a: Numeric): Numeric {
  if (isNumericNaN(a)) return NAN;
  const s = signOf(a);
  return s === 0 ? ZERO : s > 0 ? ONE : MINUS_ONE;
}

export function numericInc(a: Numeric): Numeric {
  if (isSpecial(a)) return a;
  return fromDec(addDec(toDec(a), { c: 1n, s: 0 }));
}

export function numericLarger(a: Numeric, b: Numeric): Numeric {
  return cmpNumeric(a, b) > 0 ? a : b;
}
export function numericSmaller(a: Numeric, b: Numeric): Numeric {
  return cmpNumeric(a, b) < 0 ? a : b;
}

/**
 * generate_series(start, stop[, step]) for numeric (generate_series_step_numeric):
 * the arguments are checked at the call, the values produced lazily.
 */
export function numericSeries(
  start: Numeric,
  stop: Numeric,
  step: Numeric = ONE,
): Iterable<Numeric> {
  const err = (m: string) => new SqlError(SqlState.INVALID_PARAMETER_VALUE, m);
  if (isSpecial(start)) {
    throw err(isNumericNaN(start) ? 'start value cannot be NaN' : 'start value cannot be infinity');
  }
  if (isSpecial(stop)) {
    throw err(isNumericNaN(stop) ? 'stop value cannot be NaN' : 'stop value cannot be infinity');
  }
  if (isSpecial(step)) {
    throw err(isNumericNaN(step) ? 'step size cannot be NaN' : 'step size cannot be infinity');
  }
  const st = toDec(step);
  if (st.c === 0n) throw err('step size cannot equal zero');
  const end = toDec(stop);
  const first = toDec(start);
  return {
    *[Symbol.iterator]() {
      let current = first;
      while (st.c > 0n ? cmpDec(current, end) <= 0 : cmpDec(current, end) >= 0) {
        yield fromDec(current);
        current = addDec(current, st);
      }
    },
  };
}

// ---------------------------------------------------------------- rounding

/** round/trunc's scale limits in 15.x: the digits a numeric can hold, plus one for a carry. */
function clampRoundScale(scale: number): number {
  return Math.min(Math.max(scale, -(NUMERIC_WEIGHT_MAX + 1) * 4 - 1), NUMERIC_DSCALE_MAX);
}

export function numericRound(a: Numeric, scale: number): Numeric {
  if (isSpecial(a)) return a;
  return fromDec(roundDec(toDec(a), clampRoundScale(scale)));
}

export function numericTrunc(a: Numeric, scale: number): Numeric {
  if (isSpecial(a)) return a;
  return fromDec(roundDec(toDec(a), clampRoundScale(scale), true));
}

export function numericCeil(a: Numeric): Numeric {
  if (isSpecial(a)) return a;
  const d = toDec(a);
  const t = rescale(d.c, d.s, 0, true);
  const up = d.c > 0n && t * pow10(d.s) !== d.c;
  return makeResult(up ? t + 1n : t, 0);
}

export function numericFloor(a: Numeric): Numeric {
  if (isSpecial(a)) return a;
  const d = toDec(a);
  const t = rescale(d.c, d.s, 0, true);
  const down = d.c < 0n && t * pow10(d.s) !== d.c;
  return makeResult(down ? t - 1n : t, 0);
}

/** get_min_scale. */
function minScale(a: Numeric): number {
  const d = toDec(a);
  if (d.c === 0n) return 0;
  let s = d.s;
  let c = d.c;
  while (s > 0 && c % 10n === 0n) {
    c /= 10n;
    s--;
  }
  return s;
}

export function numericScale(a: Numeric): number | null {
  return isSpecial(a) ? null : a.dscale;
}
export function numericMinScale(a: Numeric): number | null {
  return isSpecial(a) ? null : minScale(a);
}
export function numericTrimScale(a: Numeric): Numeric {
  if (isSpecial(a)) return a;
  return fromDec(roundDec(toDec(a), minScale(a), true));
}

// ---------------------------------------------------------------- integer-ish functions

function bigGcd(a: bigint, b: bigint): bigint {
  let x = abs(a);
  let y = abs(b);
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function numericGcd(a: Numeric, b: Numeric): Numeric {
  if (isSpecial(a) || isSpecial(b)) return NAN;
  const x = toDec(a);
  const y = toDec(b);
  const s = Math.max(x.s, y.s);
  return makeResult(bigGcd(x.c * pow10(s - x.s), y.c * pow10(s - y.s)), s);
}

export function numericLcm(a: Numeric, b: Numeric): Numeric {
  if (isSpecial(a) || isSpecial(b)) return NAN;
  const x = toDec(a);
  const y = toDec(b);
  const s = Math.max(x.s, y.s);
  const p = x.c * pow10(s - x.s);
  const q = y.c * pow10(s - y.s);
  if (p === 0n || q === 0n) return makeResult(0n, s);
  // lcm of p/10^s and q/10^s = lcm(p, q) / 10^s
  return makeResult(abs((p / bigGcd(p, q)) * q), s);
}

export function numericFactorial(n: bigint): Numeric {
  if (n < 0n) {
    throw new SqlError(
      SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
      'factorial of a negative number is undefined',
    );
  }
  if (n <= 1n) return ONE;
  if (n > 32177n) throw overflow();
  let r = 1n;
  for (let i = 2n; i <= n; i++) r *= i;
  return makeResult(r, 0);
}

export function widthBucket(op: Numeric, b1: Numeric, b2: Numeric, count: number): number {
  const err = (m: string) => new SqlError('2201G', m);
  if (count <= 0) throw err('count must be greater than zero');
  if (isSpecial(op) || isSpecial(b1) || isSpecial(b2)) {
    if (isNumericNaN(op) || isNumericNaN(b1) || isNumericNaN(b2)) {
      throw err('operand, lower bound, and upper bound cannot be NaN');
    }
    if (isSpecial(b1) || isSpecial(b2)) throw err('lower and upper bounds must be finite');
  }
  const cmp = cmpNumeric(b1, b2);
  if (cmp === 0) throw err('lower bound cannot equal upper bound');
  let result: bigint;
  if (cmp < 0 ? cmpNumeric(op, b1) < 0 : cmpNumeric(op, b1) > 0) result = 0n;
  else if (cmp < 0 ? cmpNumeric(op, b2) >= 0 : cmpNumeric(op, b2) <= 0) {
    result = BigInt(count) + 1n;
  } else {
    const o = toDec(op);
    const l = toDec(b1);
    const u = toDec(b2);
    const num = cmp < 0 ? addDec(o, l, true) : addDec(l, o, true);
    const den = cmp < 0 ? addDec(u, l, true) : addDec(l, u, true);
    const prod = fromDec({ c: num.c * BigInt(count), s: num.s });
    const denN = fromDec(den);
    const q = divDec(toDec(prod), den, selectDivScale(prod, denN), true);
    const plus = addDec(q, { c: 1n, s: 0 });
    result = toDec(numericFloor(fromDec(plus))).c;
  }
  if (result > 2147483647n || result < -2147483648n) throw outOfRange('integer');
  return Number(result);
}

// ---------------------------------------------------------------- sqrt, exp, ln, log, power

export function numericSqrt(a: Numeric): Numeric {
  if (isSpecial(a)) {
    if (a.sign === NUMERIC_NINF) throw powerError('cannot take square root of a negative number');
    return a;
  }
  const d = toDec(a);
  if (d.c < 0n) throw powerError('cannot take square root of a negative number');
  const sweight = Math.trunc(((a.weight + 1) * 4) / 2) - 1;
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - sweight, a.dscale));
  return fromDec(sqrtVar(d, rscale));
}

export function numericExp(a: Numeric): Numeric {
  if (isSpecial(a)) {
    if (a.sign === NUMERIC_NINF) return ZERO;
    return a;
  }
  let val = toDouble(a) * LOG10_E;
  val = Math.min(Math.max(val, -NUMERIC_MAX_RESULT_SCALE), NUMERIC_MAX_RESULT_SCALE);
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - Math.trunc(val), a.dscale));
  return fromDec(expVar(toDec(a), rscale));
}

/** estimate_ln_dweight. */
function estimateLnDweight(a: Numeric): number {
  if (a.sign !== 0 || a.digits.length === 0) return 0;
  const d = toDec(a);
  const lo = cmpDec(d, { c: 9n, s: 1 });
  const hi = cmpDec(d, { c: 11n, s: 1 });
  if (lo >= 0 && hi <= 0) {
    const x = fromDec(addDec(d, { c: 1n, s: 0 }, true));
    if (x.digits.length === 0) return 0;
    return x.weight * 4 + Math.trunc(Math.log10(x.digits[0]!));
  }
  let digits = a.digits[0]!;
  let dweight = a.weight * 4;
  if (a.digits.length > 1) {
    digits = digits * 10000 + a.digits[1]!;
    dweight -= 4;
  }
  const lnVar = Math.log(digits) + dweight * Math.LN10;
  return Math.trunc(Math.log10(Math.abs(lnVar)));
}

function checkLnArg(d: Dec): void {
  if (d.c === 0n) throw logError('cannot take logarithm of zero');
  if (d.c < 0n) throw logError('cannot take logarithm of a negative number');
}

export function numericLn(a: Numeric): Numeric {
  if (isSpecial(a)) {
    if (a.sign === NUMERIC_NINF) throw logError('cannot take logarithm of a negative number');
    return a;
  }
  const d = toDec(a);
  const lnDweight = estimateLnDweight(a);
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - lnDweight, a.dscale));
  checkLnArg(d);
  return fromDec(lnVar(d, rscale));
}

/** numeric_log / log_var. */
export function numericLog(base: Numeric, num: Numeric): Numeric {
  if (isSpecial(base) || isSpecial(num)) {
    if (isNumericNaN(base) || isNumericNaN(num)) return NAN;
    const s1 = signOf(base);
    const s2 = signOf(num);
    if (s1 < 0 || s2 < 0) throw logError('cannot take logarithm of a negative number');
    if (s1 === 0 || s2 === 0) throw logError('cannot take logarithm of zero');
    if (base.sign === NUMERIC_PINF) return num.sign === NUMERIC_PINF ? NAN : ZERO;
    return PINF;
  }
  const b = toDec(base);
  const x = toDec(num);
  const lnBaseDweight = estimateLnDweight(base);
  const lnNumDweight = estimateLnDweight(num);
  const resultDweight = lnNumDweight - lnBaseDweight;
  const rscale = clampScale(
    Math.max(NUMERIC_MIN_SIG_DIGITS - resultDweight, base.dscale, num.dscale),
  );
  const lnBaseRscale = Math.max(rscale + resultDweight - lnBaseDweight + 8, 0);
  const lnNumRscale = Math.max(rscale + resultDweight - lnNumDweight + 8, 0);
  checkLnArg(b);
  const lb = lnVar(b, lnBaseRscale);
  checkLnArg(x);
  const ln = lnVar(x, lnNumRscale);
  return fromDec(divVarFast(ln, lb, rscale));
}

/** numeric_is_integral on a finite value. */
function isIntegral(d: Dec): boolean {
  return d.c % pow10(d.s) === 0n;
}

export function numericPower(a: Numeric, b: Numeric): Numeric {
  if (isSpecial(a) || isSpecial(b)) return powerSpecial(a, b);
  const s1 = signOf(a);
  const s2 = signOf(b);
  if (s1 === 0 && s2 < 0) throw powerError('zero raised to a negative power is undefined');
  return powerVar(a, b);
}

function powerSpecial(a: Numeric, b: Numeric): Numeric {
  if (isNumericNaN(a)) {
    if (!isSpecial(b) && signOf(b) === 0) return ONE;
    return NAN;
  }
  if (isNumericNaN(b)) {
    if (!isSpecial(a) && cmpNumeric(a, ONE) === 0) return ONE;
    return NAN;
  }
  const s1 = signOf(a);
  const s2 = signOf(b);
  if (s1 === 0 && s2 < 0) throw powerError('zero raised to a negative power is undefined');
  if (s1 < 0 && !isSpecial(b) && !isIntegral(toDec(b))) {
    throw powerError('a negative number raised to a non-integer power yields a complex result');
  }
  if (!isSpecial(a) && cmpNumeric(a, ONE) === 0) return ONE;
  if (s2 === 0) return ONE;
  if (s1 === 0 && s2 > 0) return ZERO;
  if (b.sign === NUMERIC_PINF || b.sign === NUMERIC_NINF) {
    let absGtOne: boolean;
    if (isSpecial(a)) absGtOne = true;
    else {
      if (cmpNumeric(a, MINUS_ONE) === 0) return ONE;
      absGtOne = cmpNumeric(numericAbs(a), ONE) > 0;
    }
    return absGtOne === s2 > 0 ? PINF : ZERO;
  }
  if (a.sign === NUMERIC_PINF) return s2 > 0 ? PINF : ZERO;
  // a is -Infinity
  if (s2 < 0) return ZERO;
  const d = toDec(b);
  const odd = isIntegral(d) && (d.c / pow10(d.s)) % 2n !== 0n;
  return odd ? NINF : PINF;
}

/** power_var. */
function powerVar(base: Numeric, exp: Numeric): Numeric {
  const e = toDec(exp);
  const bd = toDec(base);
  if (isIntegral(e)) {
    const n = e.c / pow10(e.s);
    if (n >= -2147483648n && n <= 2147483647n) {
      const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS, base.dscale));
      return fromDec(powerVarInt(bd, Number(n), rscale));
    }
  }
  if (bd.c === 0n) return makeResult(0n, NUMERIC_MIN_SIG_DIGITS);
  let negResult = false;
  let b: Var = bd;
  let baseN = base;
  if (bd.c < 0n) {
    if (!isIntegral(e)) {
      throw powerError('a negative number raised to a non-integer power yields a complex result');
    }
    negResult = (e.c / pow10(e.s)) % 2n !== 0n;
    b = { c: -bd.c, s: bd.s };
    baseN = fromDec(b);
  }
  const lnDweight = estimateLnDweight(baseN);
  let localRscale = Math.max(8 - lnDweight, NUMERIC_MIN_DISPLAY_SCALE);
  let lnBase = lnVar(b, localRscale);
  let lnNum = mulVar(lnBase, e, localRscale);
  let val = varToNumber(lnNum);
  if (Math.abs(val) > NUMERIC_MAX_RESULT_SCALE * 3.01) {
    if (val > 0) throw overflow();
    return makeResult(0n, NUMERIC_MAX_DISPLAY_SCALE);
  }
  val *= LOG10_E;
  const rscale = clampScale(
    Math.max(NUMERIC_MIN_SIG_DIGITS - Math.trunc(val), base.dscale, exp.dscale),
  );
  const sigDigits = Math.max(rscale + Math.trunc(val), 0);
  localRscale = Math.max(sigDigits - lnDweight + 8, NUMERIC_MIN_DISPLAY_SCALE);
  lnBase = lnVar(b, localRscale);
  lnNum = mulVar(lnBase, e, localRscale);
  const r = expVar(lnNum, rscale);
  return fromDec(negResult && r.c !== 0n ? { c: -r.c, s: r.s } : r);
}

/** power_var_int. */
function powerVarInt(base: Var, exp: number, rscale: number): Var {
  switch (exp) {
    case 0:
      return { c: pow10(rscale), s: rscale };
    case 1:
      return roundVar(base, rscale);
    case -1:
      return divVar(VAR_ONE, base, rscale);
    case 2:
      return mulVar(base, base, rscale);
  }
  if (base.c === 0n) {
    if (exp < 0) throw divisionByZero();
    return { c: 0n, s: rscale };
  }
  const { digits, weight } = fromDec(base);
  let f = digits[0]!;
  let p = weight * 4;
  for (let i = 1; i < digits.length && i * 4 < 16; i++) {
    f = f * 10000 + digits[i]!;
    p -= 4;
  }
  f = exp * (Math.log10(f) + p);
  if (f > 3 * 32767 * 4) throw overflow();
  // Beyond 4 * 32768 integer digits PostgreSQL overflows too (in its multiplication loop or
  // in make_result); stop before multiplying numbers of that size.
  if (f > 4 * 32768 + 16) throw overflow();
  if (f + 1 < -rscale || f + 1 < -NUMERIC_MAX_DISPLAY_SCALE) return { c: 0n, s: rscale };
  let sigDigits = 1 + rscale + Math.trunc(f);
  sigDigits += Math.trunc(Math.log(Math.abs(exp))) + 8;
  let neg = exp < 0;
  let mask = Math.abs(exp);
  let baseProd: Var = base;
  let result: Var = mask & 1 ? base : VAR_ONE;
  for (;;) {
    mask = Math.floor(mask / 2);
    if (mask <= 0) break;
    let localRscale = sigDigits - 2 * varWeight(baseProd) * 4;
    localRscale = Math.min(localRscale, 2 * baseProd.s);
    localRscale = Math.max(localRscale, NUMERIC_MIN_DISPLAY_SCALE);
    baseProd = mulVar(baseProd, baseProd, localRscale);
    if (mask & 1) {
      localRscale = sigDigits - (varWeight(baseProd) + varWeight(result)) * 4;
      localRscale = Math.min(localRscale, baseProd.s + result.s);
      localRscale = Math.max(localRscale, NUMERIC_MIN_DISPLAY_SCALE);
      result = mulVar(baseProd, result, localRscale);
    }
    if (varWeight(baseProd) > 32767 || varWeight(result) > 32767) {
      if (!neg) throw overflow();
      result = { c: 0n, s: result.s };
      neg = false;
      break;
    }
  }
  if (neg) return divVarFast(VAR_ONE, result, rscale);
  return roundVar(result, rscale);
}
