/**
 * The trigonometric functions in degrees (sind, cosd, tand, cotd, asind,
 * acosd, atand, atan2d), as PostgreSQL 15's float.c computes them: the
 * argument is reduced to [0, 90] degrees, and the sine and cosine of
 * [0, 30] and [0, 60] degrees are scaled so that 0, 30, 45, 60 and 90
 * degrees give exact results. Values are JavaScript numbers (float8).
 */
import { crAcos, crAsin, crAtan, crAtan2, crCos, crSin } from './libm.js';

/** RADIANS_PER_DEGREE. */
const RADIANS_PER_DEGREE = 0.017453292519943295;

/** init_degree_constants. */
const sin30 = crSin(30.0 * RADIANS_PER_DEGREE);
const oneMinusCos60 = 1.0 - crCos(60.0 * RADIANS_PER_DEGREE);
const asin05 = crAsin(0.5);
const acos05 = crAcos(0.5);
const atan10 = crAtan(1.0);

function sind0to30(x: number): number {
  const sinX = crSin(x * RADIANS_PER_DEGREE);
  return sinX / sin30 / 2.0;
}

function cosd0to60(x: number): number {
  const oneMinusCosX = 1.0 - crCos(x * RADIANS_PER_DEGREE);
  return 1.0 - oneMinusCosX / oneMinusCos60 / 2.0;
}

function sindQ1(x: number): number {
  return x <= 30.0 ? sind0to30(x) : cosd0to60(90.0 - x);
}

function cosdQ1(x: number): number {
  return x <= 60.0 ? cosd0to60(x) : sind0to30(90.0 - x);
}

const tan45 = sindQ1(45.0) / cosdQ1(45.0);
const cot45 = cosdQ1(45.0) / sindQ1(45.0);

function asindQ1(x: number): number {
  if (x <= 0.5) return (crAsin(x) / asin05) * 30.0;
  return 90.0 - (crAcos(x) / acos05) * 60.0;
}

function acosdQ1(x: number): number {
  if (x <= 0.5) return 90.0 - (crAsin(x) / asin05) * 30.0;
  return (crAcos(x) / acos05) * 60.0;
}

/** The argument in [0, 90] degrees, and the sign the symmetries give (per function). */
function reduce(x: number, signs: { neg: number; over180: number; over90: number }) {
  let a = x % 360.0;
  let sign = 1;
  if (a < 0.0) {
    a = -a;
    sign *= signs.neg;
  }
  if (a > 180.0) {
    a = 360.0 - a;
    sign *= signs.over180;
  }
  if (a > 90.0) {
    a = 180.0 - a;
    sign *= signs.over90;
  }
  return { a, sign };
}

export function sind(x: number): number {
  const { a, sign } = reduce(x, { neg: -1, over180: -1, over90: 1 });
  return sign * sindQ1(a);
}

export function cosd(x: number): number {
  const { a, sign } = reduce(x, { neg: 1, over180: 1, over90: -1 });
  return sign * cosdQ1(a);
}

export function tand(x: number): number {
  const { a, sign } = reduce(x, { neg: -1, over180: -1, over90: -1 });
  const result = sign * (sindQ1(a) / cosdQ1(a) / tan45);
  return result === 0 ? 0 : result;
}

export function cotd(x: number): number {
  const { a, sign } = reduce(x, { neg: -1, over180: -1, over90: -1 });
  const result = sign * (cosdQ1(a) / sindQ1(a) / cot45);
  return result === 0 ? 0 : result;
}

/** asind of |x| <= 1. */
export function asind(x: number): number {
  return x >= 0.0 ? asindQ1(x) : -asindQ1(-x);
}

/** acosd of |x| <= 1. */
export function acosd(x: number): number {
  return x >= 0.0 ? acosdQ1(x) : 90.0 + asindQ1(-x);
}

export function atand(x: number): number {
  return (crAtan(x) / atan10) * 45.0;
}

export function atan2d(y: number, x: number): number {
  return (crAtan2(y, x) / atan10) * 45.0;
}
