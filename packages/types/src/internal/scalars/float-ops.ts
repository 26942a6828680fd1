/**
 * The float4/float8 operators and math functions (float.c in PostgreSQL
 * 15): arithmetic with PostgreSQL's overflow/underflow checks ("value out
 * of range: overflow" / "underflow", 22003) and division by zero (22012),
 * the cross-type float48/float84 operators, comparisons (NaN = NaN, NaN
 * above everything), and the float8 math functions (round as rint, trunc,
 * ceil, floor, sign, sqrt, cbrt, power, exp, ln, log, pi, degrees,
 * radians, trigonometry, random). Values are JavaScript numbers; float4
 * results are Math.fround-ed.
 */
import { COMPARISONS, fn } from '../core/define.js';
import { divisionByZero, SqlError, SqlState } from '../core/errors.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import { acosd, asind, atan2d, atand, cosd, cotd, sind, tand } from './degrees.js';
import { floatCompare } from './float.js';
import {
  crAcos,
  crAsin,
  crAtan,
  crAtan2,
  crCos,
  crExp,
  crLn,
  crPow,
  crSin,
  crTan,
  glibcAcosh,
  glibcAsinh,
  glibcAtanh,
  glibcCosh,
  glibcLog10,
  glibcSinh,
  glibcTanh,
} from './libm.js';

const { bool, int4, float4, float8 } = TypeOid;

export function overflow(): SqlError {
  return new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'value out of range: overflow');
}
export function underflow(): SqlError {
  return new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'value out of range: underflow');
}
function inputOutOfRange(): SqlError {
  return new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'input is out of range');
}

const isInf = (x: number) => x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY;

/** check_float8_val. */
function check(result: number, infIsValid: boolean, zeroIsValid: boolean): number {
  if (isInf(result) && !infIsValid) throw overflow();
  if (result === 0 && !zeroIsValid) throw underflow();
  return result;
}

type Round = (x: number) => number;
const same: Round = (x) => x;

function pl(a: number, b: number, round: Round): number {
  const r = round(a + b);
  if (isInf(r) && !isInf(a) && !isInf(b)) throw overflow();
  return r;
}
function mi(a: number, b: number, round: Round): number {
  const r = round(a - b);
  if (isInf(r) && !isInf(a) && !isInf(b)) throw overflow();
  return r;
}
function mul(a: number, b: number, round: Round): number {
  const r = round(a * b);
  if (isInf(r) && !isInf(a) && !isInf(b)) throw overflow();
  if (r === 0 && a !== 0 && b !== 0) throw underflow();
  return r;
}
function div(a: number, b: number, round: Round): number {
  if (b === 0 && !Number.isNaN(a)) throw divisionByZero();
  const r = round(a / b);
  if (isInf(r) && !isInf(a)) throw overflow();
  if (r === 0 && a !== 0 && !isInf(b)) throw underflow();
  return r;
}

/** rint(): round half to even, keeping the sign of zero. */
export function rint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const diff = x - f;
  let r: number;
  if (diff < 0.5) r = f;
  else if (diff > 0.5) r = f + 1;
  else r = f % 2 === 0 ? f : f + 1;
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

const CBRT2 = 1.2599210498948732; // 2^(1/3)
const SQR_CBRT2 = 1.5874010519681996; // 2^(2/3)
const CBRT_FACTOR = [1.0 / SQR_CBRT2, 1.0 / CBRT2, 1.0, CBRT2, SQR_CBRT2];

const frexpView = new DataView(new ArrayBuffer(8));
/** frexp of a finite non-zero |x|: [m, e] with m in [0.5, 1) and |x| = m * 2^e. */
function frexp(x: number): [number, number] {
  let a = Math.abs(x);
  let bias = 0;
  if (a < 2 ** -1022) {
    a *= 2 ** 64;
    bias = 64;
  }
  frexpView.setFloat64(0, a);
  const hi = frexpView.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  frexpView.setUint32(0, (hi & 0x800fffff) | (1022 << 20));
  return [frexpView.getFloat64(0), biased - 1022 - bias];
}

/** glibc's cbrt (sysdeps/ieee754/dbl-64/s_cbrt.c), step for step, so results match to the bit. */
export function glibcCbrt(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x + x;
  const [xm, xe] = frexp(x);
  const u =
    0.35489576504391984 +
    (1.508191937815849 +
      (-2.114994941673713 +
        (2.4469312256353444 +
          (-1.8346927748361308 + (0.7849323449766392 - 0.14526389938548637 * xm) * xm) * xm) *
          xm) *
        xm) *
      xm;
  const t2 = u * u * u;
  const ym = ((u * (t2 + 2.0 * xm)) / (2.0 * t2 + xm)) * CBRT_FACTOR[2 + (xe % 3)]!;
  return ym * 2 ** Math.trunc(xe / 3) * (x < 0 ? -1.0 : 1.0);
}

/** dpow. */
export function dpow(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) || b !== 0 ? Number.NaN : 1;
  if (Number.isNaN(b)) return a !== 1 ? Number.NaN : 1;
  if (a === 0 && b < 0) {
    throw new SqlError(
      SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION,
      'zero raised to a negative power is undefined',
    );
  }
  if (a < 0 && Math.floor(b) !== b) {
    throw new SqlError(
      SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION,
      'a negative number raised to a non-integer power yields a complex result',
    );
  }
  if (isInf(b)) {
    const absx = Math.abs(a);
    if (absx === 1) return 1;
    if (b > 0) return absx > 1 ? b : 0;
    return absx > 1 ? 0 : -b;
  }
  if (isInf(a)) {
    if (b === 0) return 1;
    if (a > 0) return b > 0 ? a : 0;
    const odd = Math.abs(b) <= 9007199254740992 && Math.abs(b % 2) === 1;
    if (b > 0) return odd ? a : -a;
    return odd ? -0 : 0;
  }
  const r = a === 0 ? a ** b : crPow(a, b);
  if (isInf(r)) throw overflow();
  if (r === 0 && a !== 0) throw underflow();
  return r;
}

/** Radians per degree, as PostgreSQL's RADIANS_PER_DEGREE. */
const RADIANS_PER_DEGREE = 0.017453292519943295;

/** Registers the float operators and functions. Same-type comparisons are registered by the caller. */
export function registerFloatOps(r: Registry): void {
  const f4 = Math.fround;
  // same-type arithmetic
  for (const [t, p, round] of [
    [float4, 'float4', f4],
    [float8, 'float8', same],
  ] as const) {
    fn(r, `${p}pl`, [t, t], t, ([a, b]: number[]) => pl(a!, b!, round), { operator: '+' });
    fn(r, `${p}mi`, [t, t], t, ([a, b]: number[]) => mi(a!, b!, round), { operator: '-' });
    fn(r, `${p}mul`, [t, t], t, ([a, b]: number[]) => mul(a!, b!, round), { operator: '*' });
    fn(r, `${p}div`, [t, t], t, ([a, b]: number[]) => div(a!, b!, round), { operator: '/' });
    fn(r, `${p}um`, [t], t, ([a]: number[]) => -a!, { operator: '-' });
    fn(r, `${p}up`, [t], t, ([a]: number[]) => a!, { operator: '+' });
    fn(r, `${p}abs`, [t], t, ([a]: number[]) => Math.abs(a!), { operator: '@' });
    fn(r, 'abs', [t], t, ([a]: number[]) => Math.abs(a!));
    fn(r, `${p}larger`, [t, t], t, ([a, b]: number[]) => (floatCompare(a!, b!) > 0 ? a : b));
    fn(r, `${p}smaller`, [t, t], t, ([a, b]: number[]) => (floatCompare(a!, b!) < 0 ? a : b));
  }
  // cross-type float4/float8: computed in float8
  for (const [a, b, p] of [
    [float4, float8, 'float48'],
    [float8, float4, 'float84'],
  ] as const) {
    fn(r, `${p}pl`, [a, b], float8, ([x, y]: number[]) => pl(x!, y!, same), { operator: '+' });
    fn(r, `${p}mi`, [a, b], float8, ([x, y]: number[]) => mi(x!, y!, same), { operator: '-' });
    fn(r, `${p}mul`, [a, b], float8, ([x, y]: number[]) => mul(x!, y!, same), { operator: '*' });
    fn(r, `${p}div`, [a, b], float8, ([x, y]: number[]) => div(x!, y!, same), { operator: '/' });
    for (const [op, suffix, test] of COMPARISONS) {
      fn(r, `${p}${suffix}`, [a, b], bool, ([x, y]: number[]) => test(floatCompare(x!, y!)), {
        operator: op,
      });
    }
    fn(r, `bt${p}cmp`, [a, b], int4, ([x, y]: number[]) => floatCompare(x!, y!));
  }

  // float8 math
  const f8 = (name: string, impl: (x: number) => number, operator?: string) =>
    fn(r, name, [float8], float8, ([x]: number[]) => impl(x!), {
      ...(operator === undefined ? {} : { operator }),
    });
  const dround = (x: number) => rint(x);
  f8('round', dround);
  f8('dround', dround);
  f8('trunc', Math.trunc);
  f8('dtrunc', Math.trunc);
  f8('ceil', Math.ceil);
  f8('ceiling', Math.ceil);
  f8('floor', Math.floor);
  f8('sign', (x) => (x > 0 ? 1 : x < 0 ? -1 : 0));
  const dsqrt = (x: number) => {
    if (x < 0) {
      throw new SqlError(
        SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION,
        'cannot take square root of a negative number',
      );
    }
    return check(Math.sqrt(x), isInf(x), x === 0);
  };
  f8('sqrt', dsqrt);
  f8('dsqrt', dsqrt, '|/');
  const dcbrt = (x: number) => check(glibcCbrt(x), isInf(x), x === 0);
  f8('cbrt', dcbrt);
  f8('dcbrt', dcbrt, '||/');
  for (const name of ['power', 'pow', 'dpow']) {
    fn(r, name, [float8, float8], float8, ([a, b]: number[]) => dpow(a!, b!), {
      ...(name === 'dpow' ? { operator: '^' } : {}),
    });
  }
  const dexp = (x: number) => {
    if (Number.isNaN(x)) return x;
    if (isInf(x)) return Math.max(x, 0);
    const v = crExp(x);
    if (isInf(v)) throw overflow();
    if (v === 0) throw underflow();
    return v;
  };
  f8('exp', dexp);
  f8('dexp', dexp);
  const logOf = (impl: (x: number) => number) => (x: number) => {
    if (x === 0) {
      throw new SqlError(SqlState.INVALID_ARGUMENT_FOR_LOG, 'cannot take logarithm of zero');
    }
    if (x < 0) {
      throw new SqlError(
        SqlState.INVALID_ARGUMENT_FOR_LOG,
        'cannot take logarithm of a negative number',
      );
    }
    if (!Number.isFinite(x)) return x;
    return check(impl(x), isInf(x), x === 1);
  };
  f8('ln', logOf(crLn));
  f8('dlog1', logOf(crLn));
  f8('log', logOf(glibcLog10));
  f8('log10', logOf(glibcLog10));
  f8('dlog10', logOf(glibcLog10));
  fn(r, 'pi', [], float8, () => Math.PI);
  f8('degrees', (x) => div(x, RADIANS_PER_DEGREE, same));
  f8('radians', (x) => mul(x, RADIANS_PER_DEGREE, same));
  const trig = (impl: (x: number) => number) => (x: number) => {
    if (Number.isNaN(x)) return x;
    if (isInf(x)) throw inputOutOfRange();
    return check(impl(x), false, true);
  };
  f8('sin', trig(crSin));
  f8('cos', trig(crCos));
  f8('tan', trig(crTan));
  // dcot: 1 / tan(x), unchecked (cot(0) is Infinity)
  f8('cot', (x) => {
    if (Number.isNaN(x)) return x;
    if (isInf(x)) throw inputOutOfRange();
    return 1.0 / crTan(x);
  });
  const inverse = (impl: (x: number) => number, bounded: boolean) => (x: number) => {
    if (Number.isNaN(x)) return x;
    if (bounded && (x < -1 || x > 1)) throw inputOutOfRange();
    return check(impl(x), false, true);
  };
  // in degrees (dsind ...)
  f8('sind', trig(sind));
  f8('cosd', trig(cosd));
  f8('tand', (x) => {
    if (Number.isNaN(x)) return x;
    if (isInf(x)) throw inputOutOfRange();
    return tand(x);
  });
  f8('cotd', (x) => {
    if (Number.isNaN(x)) return x;
    if (isInf(x)) throw inputOutOfRange();
    return cotd(x);
  });
  f8('asind', inverse(asind, true));
  f8('acosd', inverse(acosd, true));
  f8('atand', inverse(atand, false));
  fn(r, 'atan2d', [float8, float8], float8, ([a, b]: number[]) => {
    if (Number.isNaN(a!) || Number.isNaN(b!)) return Number.NaN;
    return check(atan2d(a!, b!), false, true);
  });
  // hyperbolic functions (dsinh ...): sinh and cosh may overflow to infinity without error
  f8('sinh', (x) => glibcSinh(x));
  f8('cosh', (x) => glibcCosh(x));
  f8('tanh', (x) => glibcTanh(x));
  f8('asinh', (x) => glibcAsinh(x));
  f8('acosh', (x) => {
    if (x < 1) throw inputOutOfRange();
    return glibcAcosh(x);
  });
  f8('atanh', (x) => {
    if (x < -1 || x > 1) throw inputOutOfRange();
    if (x === 1) return Number.POSITIVE_INFINITY;
    if (x === -1) return Number.NEGATIVE_INFINITY;
    return glibcAtanh(x);
  });
  f8('asin', inverse(crAsin, true));
  f8('acos', inverse(crAcos, true));
  f8('atan', inverse(crAtan, false));
  fn(r, 'atan2', [float8, float8], float8, ([a, b]: number[]) => {
    if (Number.isNaN(a!) || Number.isNaN(b!)) return Number.NaN;
    return check(crAtan2(a!, b!), false, true);
  });
  fn(r, 'width_bucket', [float8, float8, float8, int4], int4, ([x, b1, b2, count]: number[]) =>
    widthBucket(x!, b1!, b2!, count!),
  );
  fn(r, 'random', [], float8, (_args, ctx) => ctx.random(), { volatility: 'v' });
}

/** 2201G, as width_bucket raises it. */
function widthBucketError(message: string): SqlError {
  return new SqlError('2201G', message);
}

/** width_bucket_float8, as PostgreSQL 15 has it (a value just below the upper bound may land in count + 1). */
function widthBucket(x: number, bound1: number, bound2: number, count: number): number {
  if (count <= 0) throw widthBucketError('count must be greater than zero');
  if (Number.isNaN(x) || Number.isNaN(bound1) || Number.isNaN(bound2)) {
    throw widthBucketError('operand, lower bound, and upper bound cannot be NaN');
  }
  if (isInf(bound1) || isInf(bound2)) {
    throw widthBucketError('lower and upper bounds must be finite');
  }
  if (bound1 === bound2) throw widthBucketError('lower bound cannot equal upper bound');
  const ascending = bound1 < bound2;
  if (ascending ? x < bound1 : x > bound1) return 0;
  if (ascending ? x >= bound2 : x <= bound2) {
    if (count === 2147483647)
      throw new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'integer out of range');
    return count + 1;
  }
  // PostgreSQL 15: (int32) (count * (operand - bound1) / (bound2 - bound1) + 1), in float8
  const q = ascending
    ? (count * (x - bound1)) / (bound2 - bound1) + 1
    : (count * (bound1 - x)) / (bound1 - bound2) + 1;
  // x86-64's conversion gives INT_MIN for NaN and out-of-range values
  return Number.isNaN(q) || q >= 2 ** 31 || q <= -(2 ** 31) - 1 ? -2147483648 : Math.trunc(q);
}
