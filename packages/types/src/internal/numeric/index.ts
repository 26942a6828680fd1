/**
 * Registers the numeric family: the numeric type, its B-tree comparisons,
 * its operators and functions (PostgreSQL's pg_proc names), and the
 * pg_cast entries between numeric and int2/int4/int8/float4/float8.
 */
import { fn, registerComparisons } from '../core/define.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import {
  floatToNumeric,
  integerToNumeric,
  numericToFloat4,
  numericToFloat8,
  numericToInteger,
} from './casts.js';
import {
  numericAbs,
  numericAdd,
  numericCeil,
  numericDiv,
  numericDivTrunc,
  numericExp,
  numericFactorial,
  numericFloor,
  numericGcd,
  numericInc,
  numericLarger,
  numericLcm,
  numericLn,
  numericLog,
  numericMinScale,
  numericMod,
  numericMul,
  numericPower,
  numericRound,
  numericScale,
  numericSeries,
  numericSign,
  numericSmaller,
  numericSqrt,
  numericSub,
  numericTrimScale,
  numericTrunc,
  numericUminus,
  widthBucket,
} from './math.js';
import { applyNumericTypmod, numericType } from './numeric.js';
import { integerToChar, numericToChar } from './to-char.js';
import { fromInteger, type Numeric } from './value.js';

export {
  floatToNumeric,
  integerToNumeric,
  numericToFloat4,
  numericToFloat8,
  numericToInteger,
} from './casts.js';
export * from './math.js';
export { applyNumericTypmod, makeNumericTypmod, numericIn, numericType } from './numeric.js';
export type { Numeric } from './value.js';
export { cmpNumeric, numericToString } from './value.js';

const { numeric: N, int2, int4, int8, float4, float8 } = TypeOid;
type N2 = [Numeric, Numeric];
const TEN = fromInteger(10);

export function register(r: Registry): void {
  r.addType(numericType);
  registerComparisons(r, numericType, 'numeric_', 'numeric_cmp');
  fn(r, 'hash_numeric', [N], int4, ([a]: [Numeric]) => numericType.hash(a));

  // operators
  fn(r, 'numeric_add', [N, N], N, ([a, b]: N2) => numericAdd(a, b), { operator: '+' });
  fn(r, 'numeric_sub', [N, N], N, ([a, b]: N2) => numericSub(a, b), { operator: '-' });
  fn(r, 'numeric_mul', [N, N], N, ([a, b]: N2) => numericMul(a, b), { operator: '*' });
  fn(r, 'numeric_div', [N, N], N, ([a, b]: N2) => numericDiv(a, b), { operator: '/' });
  fn(r, 'numeric_mod', [N, N], N, ([a, b]: N2) => numericMod(a, b), { operator: '%' });
  fn(r, 'numeric_power', [N, N], N, ([a, b]: N2) => numericPower(a, b), { operator: '^' });
  fn(r, 'numeric_uminus', [N], N, ([a]: [Numeric]) => numericUminus(a), { operator: '-' });
  fn(r, 'numeric_uplus', [N], N, ([a]: [Numeric]) => a, { operator: '+' });
  fn(r, 'numeric_abs', [N], N, ([a]: [Numeric]) => numericAbs(a), { operator: '@' });

  // to_char(number, template): stable, as in PostgreSQL (it reads the locale)
  const stable = { volatility: 's' } as const;
  fn(
    r,
    'to_char',
    [N, TypeOid.text],
    TypeOid.text,
    ([a, f]: [Numeric, string]) => numericToChar(a, f),
    stable,
  );
  fn(
    r,
    'to_char',
    [int4, TypeOid.text],
    TypeOid.text,
    ([a, f]: [number, string]) => integerToChar(a, f),
    stable,
  );
  fn(
    r,
    'to_char',
    [int8, TypeOid.text],
    TypeOid.text,
    ([a, f]: [bigint, string]) => integerToChar(a, f),
    stable,
  );

  // functions
  const unary: readonly [string, (a: Numeric) => unknown, number?][] = [
    ['abs', numericAbs],
    ['sign', numericSign],
    ['ceil', numericCeil],
    ['ceiling', numericCeil],
    ['floor', numericFloor],
    ['sqrt', numericSqrt],
    ['numeric_sqrt', numericSqrt],
    ['exp', numericExp],
    ['numeric_exp', numericExp],
    ['ln', numericLn],
    ['numeric_ln', numericLn],
    ['log', (a) => numericLog(TEN, a)],
    ['log10', (a) => numericLog(TEN, a)],
    ['round', (a) => numericRound(a, 0)],
    ['trunc', (a) => numericTrunc(a, 0)],
    ['trim_scale', numericTrimScale],
    ['numeric_inc', numericInc],
    ['scale', numericScale, int4],
    ['min_scale', numericMinScale, int4],
  ];
  for (const [name, impl, result] of unary) {
    fn(r, name, [N], result ?? N, ([a]: [Numeric]) => impl(a));
  }
  const binary: readonly [string, (a: Numeric, b: Numeric) => Numeric][] = [
    ['div', numericDivTrunc],
    ['numeric_div_trunc', numericDivTrunc],
    ['mod', numericMod],
    ['power', numericPower],
    ['pow', numericPower],
    ['log', numericLog],
    ['numeric_log', numericLog],
    ['gcd', numericGcd],
    ['lcm', numericLcm],
    ['numeric_larger', numericLarger],
    ['numeric_smaller', numericSmaller],
  ];
  for (const [name, impl] of binary) {
    fn(r, name, [N, N], N, ([a, b]: N2) => impl(a, b));
  }
  fn(r, 'round', [N, int4], N, ([a, s]: [Numeric, number]) => numericRound(a, s));
  fn(r, 'trunc', [N, int4], N, ([a, s]: [Numeric, number]) => numericTrunc(a, s));
  fn(r, 'factorial', [int8], N, ([n]: [bigint]) => numericFactorial(n));
  fn(
    r,
    'width_bucket',
    [N, N, N, int4],
    int4,
    ([o, b1, b2, c]: [Numeric, Numeric, Numeric, number]) => widthBucket(o, b1, b2, c),
  );

  for (const args of [
    [N, N],
    [N, N, N],
  ]) {
    r.addFunction({
      name: 'generate_series',
      args,
      result: N,
      volatility: 'i',
      strict: true,
      retset: true,
      impl: ([start, stop, step]) =>
        numericSeries(start as Numeric, stop as Numeric, step as Numeric | undefined),
    });
  }

  // casts (pg_cast) and their functions
  const toNumeric: readonly [number, (v: never) => Numeric][] = [
    [int2, (v: number) => integerToNumeric(v)],
    [int4, (v: number) => integerToNumeric(v)],
    [int8, (v: bigint) => integerToNumeric(v)],
    [float4, (v: number) => floatToNumeric(v, 6)],
    [float8, (v: number) => floatToNumeric(v, 15)],
  ];
  for (const [source, conv] of toNumeric) {
    fn(r, 'numeric', [source], N, ([v]: [never]) => conv(v));
    r.addCast({
      source,
      target: N,
      context: source === float4 || source === float8 ? 'a' : 'i',
      method: 'f',
      fn: (v, typmod) => applyNumericTypmod(conv(v as never), typmod),
    });
  }
  const fromNumeric: readonly [number, string, 'i' | 'a', (v: Numeric) => unknown][] = [
    [int2, 'int2', 'a', (v) => Number(numericToInteger(v, 'smallint'))],
    [int4, 'int4', 'a', (v) => Number(numericToInteger(v, 'integer'))],
    [int8, 'int8', 'a', (v) => numericToInteger(v, 'bigint')],
    [float4, 'float4', 'i', numericToFloat4],
    [float8, 'float8', 'i', numericToFloat8],
  ];
  for (const [target, name, context, conv] of fromNumeric) {
    fn(r, name, [N], target, ([v]: [Numeric]) => conv(v));
    r.addCast({ source: N, target, context, method: 'f', fn: (v) => conv(v as Numeric) });
  }
  fn(r, 'numeric', [N, int4], N, ([v, typmod]: [Numeric, number]) => applyNumericTypmod(v, typmod));
  r.addCast({
    source: N,
    target: N,
    context: 'i',
    method: 'f',
    fn: (v, typmod) => applyNumericTypmod(v as Numeric, typmod),
  });
}
