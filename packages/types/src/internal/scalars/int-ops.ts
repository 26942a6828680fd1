/**
 * The integer operators and functions of int2, int4 and int8 (int.c and
 * int8.c in PostgreSQL 15): arithmetic with overflow checks ("smallint out
 * of range", "integer out of range", "bigint out of range", 22003),
 * division by zero (22012), bitwise operators and shifts (shift counts
 * taken modulo the operand width, as on x86-64), abs, mod, gcd, lcm,
 * larger/smaller, and the cross-type operators between the three widths
 * (int24pl, int48mul, int82lt ...), whose result is the wider type.
 * int2 and int4 values are numbers, int8 values bigints.
 */
import { COMPARISONS, fn } from '../core/define.js';
import { divisionByZero, outOfRange, SqlError, SqlState } from '../core/errors.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';

const { bool, int2, int4, int8 } = TypeOid;

/** An integer width: its OID, PostgreSQL's function-name prefix, range and message name. */
interface IntKind {
  readonly oid: number;
  readonly prefix: 'int2' | 'int4' | 'int8';
  readonly code: '2' | '4' | '8';
  readonly min: bigint;
  readonly max: bigint;
  readonly what: string;
  readonly bits: number;
}

export const INT2: IntKind = {
  oid: int2,
  prefix: 'int2',
  code: '2',
  min: -32768n,
  max: 32767n,
  what: 'smallint',
  bits: 16,
};
export const INT4: IntKind = {
  oid: int4,
  prefix: 'int4',
  code: '4',
  min: -2147483648n,
  max: 2147483647n,
  what: 'integer',
  bits: 32,
};
export const INT8: IntKind = {
  oid: int8,
  prefix: 'int8',
  code: '8',
  min: -(2n ** 63n),
  max: 2n ** 63n - 1n,
  what: 'bigint',
  bits: 64,
};

type IntValue = number | bigint;

const big = (v: IntValue): bigint => (typeof v === 'bigint' ? v : BigInt(v));

/** The exact result as a value of `k`, or 22003 "<k> out of range". */
function result(k: IntKind, n: bigint): IntValue {
  if (n < k.min || n > k.max) throw outOfRange(k.what);
  return k === INT8 ? n : Number(n);
}

/** Truncating division as C does, with PostgreSQL's checks. */
function divide(k: IntKind, a: bigint, b: bigint): IntValue {
  if (b === 0n) throw divisionByZero();
  return result(k, a / b);
}

/** C's % with PostgreSQL's checks (x % -1 is 0, even for the minimum). */
function modulo(k: IntKind, a: bigint, b: bigint): IntValue {
  if (b === 0n) throw divisionByZero();
  return result(k, a % b);
}

function gcdBig(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

const cmpBig = (a: IntValue, b: IntValue): number => {
  const x = big(a);
  const y = big(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Registers the integer operators and functions. Same-type comparisons are registered by the caller. */
export function registerIntegerOps(r: Registry): void {
  for (const k of [INT2, INT4, INT8]) {
    const t = k.oid;
    const p = k.prefix;
    const bin = (name: string, op: string | undefined, f: (a: bigint, b: bigint) => IntValue) =>
      fn(r, `${p}${name}`, [t, t], t, ([a, b]: IntValue[]) => f(big(a!), big(b!)), {
        ...(op === undefined ? {} : { operator: op }),
      });
    bin('pl', '+', (a, b) => result(k, a + b));
    bin('mi', '-', (a, b) => result(k, a - b));
    bin('mul', '*', (a, b) => result(k, a * b));
    bin('div', '/', (a, b) => divide(k, a, b));
    bin('mod', '%', (a, b) => modulo(k, a, b));
    bin('and', '&', (a, b) => result(k, a & b));
    bin('or', '|', (a, b) => result(k, a | b));
    bin('xor', '#', (a, b) => result(k, a ^ b));
    bin('larger', undefined, (a, b) => result(k, cmpBig(a, b) >= 0 ? a : b));
    bin('smaller', undefined, (a, b) => result(k, cmpBig(a, b) <= 0 ? a : b));
    fn(r, 'mod', [t, t], t, ([a, b]: IntValue[]) => modulo(k, big(a!), big(b!)));
    const un = (name: string, op: string | undefined, f: (a: bigint) => IntValue) =>
      fn(r, name, [t], t, ([a]: IntValue[]) => f(big(a!)), {
        ...(op === undefined ? {} : { operator: op }),
      });
    un(`${p}um`, '-', (a) => result(k, -a));
    un(`${p}up`, '+', (a) => result(k, a));
    un(`${p}abs`, '@', (a) => result(k, a < 0n ? -a : a));
    un('abs', undefined, (a) => result(k, a < 0n ? -a : a));
    un(`${p}not`, '~', (a) => result(k, ~a));
    // shifts take an int4 count; x86-64 uses it modulo the (promoted) operand width
    const width = BigInt(k === INT8 ? 64 : 32);
    const shift = (name: string, op: string, f: (a: bigint, n: bigint) => bigint) =>
      fn(
        r,
        `${p}${name}`,
        [t, int4],
        t,
        ([a, n]: [IntValue, number]) =>
          result(k, BigInt.asIntN(k.bits, f(big(a), BigInt(n) & (width - 1n)))),
        { operator: op },
      );
    shift('shl', '<<', (a, n) => BigInt.asIntN(Number(width), a << n));
    shift('shr', '>>', (a, n) => a >> n);
    if (k !== INT2) {
      fn(r, 'gcd', [t, t], t, ([a, b]: IntValue[]) => result(k, gcdBig(big(a!), big(b!))));
      fn(r, 'lcm', [t, t], t, ([a, b]: IntValue[]) => {
        const x = big(a!);
        const y = big(b!);
        if (x === 0n || y === 0n) return result(k, 0n);
        const g = gcdBig(x, y);
        if (g > k.max) throw outOfRange(k.what);
        const l = (x / g) * y;
        return result(k, l < 0n ? -l : l);
      });
    }
  }
  // cross-type operators: int24pl and friends; the result is the wider type
  const pairs: [IntKind, IntKind][] = [
    [INT2, INT4],
    [INT4, INT2],
    [INT2, INT8],
    [INT8, INT2],
    [INT4, INT8],
    [INT8, INT4],
  ];
  for (const [a, b] of pairs) {
    const wide = a.bits > b.bits ? a : b;
    const p = `int${a.code}${b.code}`;
    const bin = (name: string, op: string, f: (x: bigint, y: bigint) => IntValue) =>
      fn(r, `${p}${name}`, [a.oid, b.oid], wide.oid, ([x, y]: IntValue[]) => f(big(x!), big(y!)), {
        operator: op,
      });
    bin('pl', '+', (x, y) => result(wide, x + y));
    bin('mi', '-', (x, y) => result(wide, x - y));
    bin('mul', '*', (x, y) => result(wide, x * y));
    bin('div', '/', (x, y) => divide(wide, x, y));
    for (const [op, suffix, test] of COMPARISONS) {
      fn(r, `${p}${suffix}`, [a.oid, b.oid], bool, ([x, y]: IntValue[]) => test(cmpBig(x!, y!)), {
        operator: op,
      });
    }
    fn(r, `bt${p}cmp`, [a.oid, b.oid], int4, ([x, y]: IntValue[]) => cmpBig(x!, y!));
  }
  // generate_series(start, stop [, step]) for int4 and int8
  for (const k of [INT4, INT8]) {
    const t = k.oid;
    for (const args of [
      [t, t],
      [t, t, t],
    ]) {
      r.addFunction({
        name: 'generate_series',
        args,
        result: t,
        volatility: 'i',
        strict: true,
        retset: true,
        impl: ([start, stop, step]: readonly unknown[]) =>
          generateSeries(
            k,
            big(start as IntValue),
            big(stop as IntValue),
            step === undefined ? 1n : big(step as IntValue),
          ),
      });
    }
  }
}

/** generate_series_step_int4/int8: stops, without error, where the next value would overflow. */
function generateSeries(k: IntKind, start: bigint, stop: bigint, step: bigint): Iterable<IntValue> {
  if (step === 0n) {
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, 'step size cannot equal zero');
  }
  return series(k, start, stop, step);
}

function* series(k: IntKind, start: bigint, stop: bigint, step: bigint): Generator<IntValue> {
  for (let v = start; step > 0n ? v <= stop : v >= stop; v += step) {
    yield k === INT8 ? v : Number(v);
    if (v + step < k.min || v + step > k.max) return;
  }
}
