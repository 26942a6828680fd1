/**
 * Unit tests of the scalar family: the type laws for every type, pg_type
 * facts, documented edge cases and PostgreSQL's error messages for input,
 * arithmetic, math functions and casts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultContext } from '../core/context.js';
import { SqlError } from '../core/errors.js';
import { checkTypeLaws } from '../core/laws.js';
import { TypeOid } from '../core/oids.js';
import { Registry } from '../core/registry.js';
import {
  ecmaShortest,
  FLOAT4,
  FLOAT8,
  fastShortestFloat4,
  float4In,
  float4Out,
  float8In,
  float8Out,
  shortestDecimal,
} from './float.js';
import { glibcCbrt, rint } from './float-ops.js';
import {
  boolType,
  float4Type,
  float8Type,
  int2Type,
  int4Type,
  int8Type,
  oidType,
  register,
} from './index.js';

/** This family alone, so the tests do not depend on the other families' state. */
const builtins = new Registry();
register(builtins);
const ctx = defaultContext();
const { bool, int2, int4, int8, float4, float8, oid } = TypeOid;

/** Expects `f` to throw a SqlError with this SQLSTATE and message. */
function expectError(f: () => unknown, code: string, message: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SqlError);
    expect({ code: (e as SqlError).code, message: (e as SqlError).message }).toEqual({
      code,
      message,
    });
    return;
  }
  throw new Error(`expected ${code} ${message}`);
}

const op = (name: string, l: number, r: number, args: unknown[]) =>
  builtins.operate(name, l, r, args, ctx);
const call = (name: string, types: number[], args: unknown[]) =>
  builtins.call(name, types, args, ctx);
const cast = (s: number, t: number, v: unknown) => builtins.cast(s, t)!.fn!(v, -1, ctx, true);

const doubles = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.constantFrom(2 ** -1022, 1e15, 1e16, 123456789012345680, 0.1, 1e-5, 1e-4),
);
const float4s = fc
  .oneof(
    fc.float(),
    fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 3.4028234663852886e38, 2 ** -149),
    fc.constantFrom(2 ** -126, 1e6, 1234567, 16777217, 0.1),
  )
  .map(Math.fround);

describe('scalars: type laws', () => {
  it('bool', () => checkTypeLaws(boolType, fc.boolean()));
  it('int2', () =>
    checkTypeLaws(
      int2Type,
      fc.oneof(fc.integer({ min: -32768, max: 32767 }), fc.constantFrom(-32768, 32767, 0)),
    ));
  it('int4', () =>
    checkTypeLaws(
      int4Type,
      fc.oneof(fc.integer(), fc.constantFrom(-2147483648, 2147483647, 0, -1)),
    ));
  it('int8', () =>
    checkTypeLaws(
      int8Type,
      fc.oneof(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 0n),
      ),
    ));
  it('oid', () =>
    checkTypeLaws(
      oidType,
      fc.oneof(fc.integer({ min: 0, max: 4294967295 }), fc.constantFrom(0, 4294967295, 2147483648)),
    ));
  it('float8', () => checkTypeLaws(float8Type, doubles));
  it('float4', () => checkTypeLaws(float4Type, float4s));
});

describe('scalars: pg_type facts', () => {
  it('match PostgreSQL 15', () => {
    const facts = [int2, int4, int8, float4, float8, oid, bool].map((o) => {
      const t = builtins.mustType(o);
      return [
        t.oid,
        t.name,
        t.len,
        t.byVal,
        t.align,
        t.storage,
        t.category,
        t.preferred,
        t.arrayOid,
      ];
    });
    expect(facts).toEqual([
      [21, 'int2', 2, true, 's', 'p', 'N', false, 1005],
      [23, 'int4', 4, true, 'i', 'p', 'N', false, 1007],
      [20, 'int8', 8, true, 'd', 'p', 'N', false, 1016],
      [700, 'float4', 4, true, 'i', 'p', 'N', false, 1021],
      [701, 'float8', 8, true, 'd', 'p', 'N', true, 1022],
      [26, 'oid', 4, true, 'i', 'p', 'N', true, 1028],
      [16, 'bool', 1, true, 'c', 'p', 'B', true, 1000],
    ]);
  });
});

describe('scalars: integer input and arithmetic', () => {
  it('reads integers as pg_strtoint16/32/64', () => {
    expect(int2Type.input(' -0032767 \n', -1, ctx)).toBe(-32767);
    expect(int8Type.input('-9223372036854775808', -1, ctx)).toBe(-(2n ** 63n));
    expectError(
      () => int2Type.input('99999x', -1, ctx),
      '22003',
      'value "99999x" is out of range for type smallint',
    );
    expectError(
      () => int2Type.input('1x', -1, ctx),
      '22P02',
      'invalid input syntax for type smallint: "1x"',
    );
    expectError(
      () => int8Type.input('', -1, ctx),
      '22P02',
      'invalid input syntax for type bigint: ""',
    );
    expectError(
      () => int8Type.input('9223372036854775808', -1, ctx),
      '22003',
      'value "9223372036854775808" is out of range for type bigint',
    );
    expectError(
      () => int4Type.input('\u00a01', -1, ctx),
      '22P02',
      'invalid input syntax for type integer: "\u00a01"',
    );
    expectError(
      () => int4Type.input('1_000', -1, ctx),
      '22P02',
      'invalid input syntax for type integer: "1_000"',
    );
  });

  it('reads oids as strtoul does, wrapping negative values', () => {
    expect(oidType.input('-1', -1, ctx)).toBe(4294967295);
    expect(oidType.input('-2147483648', -1, ctx)).toBe(2147483648);
    expect(oidType.input('-18446744073709551615', -1, ctx)).toBe(1);
    expectError(
      () => oidType.input('-2147483649', -1, ctx),
      '22003',
      'value "-2147483649" is out of range for type oid',
    );
    expectError(
      () => oidType.input('4294967296', -1, ctx),
      '22003',
      'value "4294967296" is out of range for type oid',
    );
    expectError(() => oidType.input('', -1, ctx), '22P02', 'invalid input syntax for type oid: ""');
    expect(oidType.compare(4294967295, 1)).toBeGreaterThan(0);
  });

  it('checks overflow and division by zero', () => {
    expectError(() => op('+', int2, int2, [32767, 1]), '22003', 'smallint out of range');
    expectError(() => op('/', int2, int2, [-32768, -1]), '22003', 'smallint out of range');
    expectError(() => op('/', int4, int4, [-2147483648, -1]), '22003', 'integer out of range');
    expectError(() => op('*', int8, int8, [2n ** 62n, 2n]), '22003', 'bigint out of range');
    expectError(() => op('-', 0, int8, [-(2n ** 63n)]), '22003', 'bigint out of range');
    expectError(() => op('@', 0, int4, [-2147483648]), '22003', 'integer out of range');
    expectError(() => op('%', int4, int4, [1, 0]), '22012', 'division by zero');
    expect(op('%', int4, int4, [-2147483648, -1])).toBe(0);
    expect(op('%', int8, int8, [-(2n ** 63n), -1n])).toBe(0n);
    expect(op('/', int4, int4, [-7, 2])).toBe(-3);
    expect(op('%', int4, int4, [-7, 2])).toBe(-1);
  });

  it('has the cross-type operators with the wider result', () => {
    expect(op('+', int2, int4, [32767, 1])).toBe(32768);
    expect(op('+', int4, int8, [2147483647, 1n])).toBe(2147483648n);
    expect(op('<', int8, int2, [1n, 2])).toBe(true);
    expect(builtins.findOperator('*', int4, int8)!.fn).toBe('int48mul');
    expect(builtins.findOperator('=', int8, int2)!.fn).toBe('int82eq');
    expectError(() => op('/', int8, int4, [-(2n ** 63n), -1]), '22003', 'bigint out of range');
    expectError(() => op('/', int2, int8, [1, 0n]), '22012', 'division by zero');
  });

  it('shifts modulo the width as x86-64 does', () => {
    expect(op('<<', int2, int4, [1, 17])).toBe(0);
    expect(op('<<', int2, int4, [1, 33])).toBe(2);
    expect(op('<<', int4, int4, [1, -1])).toBe(-2147483648);
    expect(op('<<', int8, int4, [1n, 65])).toBe(2n);
    expect(op('>>', int2, int4, [-1, 40])).toBe(-1);
    expect(op('~', 0, int2, [0])).toBe(-1);
    expect(op('#', int8, int8, [5n, 3n])).toBe(6n);
  });

  it('gcd and lcm', () => {
    expect(call('gcd', [int4, int4], [-2147483648, -1])).toBe(1);
    expectError(() => call('gcd', [int4, int4], [-2147483648, 0]), '22003', 'integer out of range');
    expect(call('lcm', [int4, int4], [65536, 65536])).toBe(65536);
    expectError(() => call('lcm', [int4, int4], [65536, 65537]), '22003', 'integer out of range');
    expect(call('lcm', [int8, int8], [-6n, 4n])).toBe(12n);
    expect(call('gcd', [int8, int8], [0n, 0n])).toBe(0n);
  });
});

describe('scalars: floats', () => {
  it('reads floats as float8in/float4in', () => {
    expect(float8In('  1.5e3 ')).toBe(1500);
    expect(float8In('-inf')).toBe(-Infinity);
    expect(float8In('INFINITY')).toBe(Infinity);
    expect(float8In('nan(abc)')).toBeNaN();
    expect(float8In('0x1p4')).toBe(16);
    expect(float8In('1e-310')).toBe(1e-310);
    expect(Object.is(float8In('-0'), -0)).toBe(true);
    expect(float4In('1e-40')).toBe(Math.fround(1e-40));
    expectError(
      () => float8In('x'),
      '22P02',
      'invalid input syntax for type double precision: "x"',
    );
    expectError(
      () => float8In('  1e400x'),
      '22003',
      '"1e400" is out of range for type double precision',
    );
    expectError(
      () => float8In('1e-400'),
      '22003',
      '"1e-400" is out of range for type double precision',
    );
    expectError(() => float4In('1e39'), '22003', '"1e39" is out of range for type real');
    expectError(() => float4In('1e'), '22P02', 'invalid input syntax for type real: "1e"');
    expectError(
      () => float8In(' '),
      '22P02',
      'invalid input syntax for type double precision: " "',
    );
    expectError(
      () => float8In('infinit'),
      '22P02',
      'invalid input syntax for type double precision: "infinit"',
    );
  });

  it('rounds decimal input to float4 directly, not through a double', () => {
    // 1 + 2^-24 + 2^-60 lies just above the midpoint between 1 and the next float4;
    // as a double it rounds onto the midpoint, and then to even (1) by Math.fround.
    expect(float4In('1.00000005960464477540')).toBe(Math.fround(1 + 2 ** -23));
    expect(float4In('1.000000059604644775390625')).toBe(1);
  });

  it('prints the shortest exact form in PostgreSQL layout', () => {
    expect(float8Out(1e15)).toBe('1e+15');
    expect(float8Out(123456789012345)).toBe('123456789012345');
    expect(float8Out(123456789012345680)).toBe('1.2345678901234568e+17');
    expect(float8Out(0.0001)).toBe('0.0001');
    expect(float8Out(1.5e-5)).toBe('1.5e-05');
    expect(float8Out(1e-310)).toBe('1e-310');
    expect(float8Out(-0)).toBe('-0');
    // Ryu as PostgreSQL builds it never accepts the rounding interval's bounds
    expect(float8Out(1e23)).toBe('9.999999999999999e+22');
    expect(float8Out(2 ** 53)).toBe('9.007199254740992e+15');
    expect(float8Out(5e-324)).toBe('5e-324');
    expect(float4Out(float4In('4701.6e6'))).toBe('4.7015997e+09');
    expect(float8Out(Number.NaN)).toBe('NaN');
    expect(float4Out(Math.fround(1234567))).toBe('1.234567e+06');
    expect(float4Out(Math.fround(123456))).toBe('123456');
    expect(float4Out(Math.fround(0.1))).toBe('0.1');
    expect(float4Out(Math.fround(1e-45))).toBe('1e-45');
    expect(float4Out(3.4028234663852886e38)).toBe('3.4028235e+38');
    expect(float8Out(0.1, 0)).toBe('0.1');
    expect(float8Out(1 / 3, 0)).toBe('0.333333333333333');
    expect(float8Out(1e20, 0)).toBe('1e+20');
    expect(float4Out(Math.fround(1 / 3), -2)).toBe('0.3333');
  });

  it('float4 shortest output reads back as the same float4', () => {
    fc.assert(
      fc.property(
        fc.float({ noNaN: true, noDefaultInfinity: true, min: 0, minExcluded: true }),
        (x) => {
          const d = shortestDecimal(x, FLOAT4);
          expect(Math.fround(Number(`0.${d.digits}e${d.point}`))).toBe(x);
        },
      ),
    );
  });

  it('float8 shortest output reads back as the same double', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, minExcluded: true }),
        (x) => {
          const d = shortestDecimal(x, FLOAT8);
          expect(Number(`0.${d.digits}e${d.point}`)).toBe(x);
          // never shorter than ECMAScript's shortest, which accepts the interval's bounds
          const ecmaDigits = x.toExponential().split('e')[0]!.replace('.', '');
          expect(d.digits.length).toBeGreaterThanOrEqual(ecmaDigits.length);
        },
      ),
    );
  });

  it('the fast float8 output path agrees with the exact one below 2^37', () => {
    const below = fc.oneof(
      fc.double({ min: 0, max: 2 ** 37, minExcluded: true, maxExcluded: true, noNaN: true }),
      // values with few fraction bits, where two candidates can tie
      fc.integer({ min: 2 ** 20, max: 2 ** 31 }).map((n) => (n * 64 + 1) / 64),
      fc.integer({ min: 1, max: 2 ** 40 }).map((n) => n / 2 ** 10),
    );
    fc.assert(
      fc.property(below, (x) => {
        fc.pre(x > 0 && x < 2 ** 37);
        expect(ecmaShortest(x)).toEqual(shortestDecimal(x, FLOAT8));
      }),
      { numRuns: 2000 },
    );
  });

  it('the fast float4 output path agrees with the exact one', () => {
    let decided = 0;
    fc.assert(
      fc.property(
        fc.float({ noNaN: true, noDefaultInfinity: true, min: 0, minExcluded: true }),
        (x) => {
          const fast = fastShortestFloat4(x);
          if (fast === undefined) return;
          decided++;
          expect(fast).toEqual(shortestDecimal(x, FLOAT4));
        },
      ),
      { numRuns: 5000 },
    );
    expect(decided).toBeGreaterThan(3000);
  });

  it('arithmetic checks overflow, underflow and division by zero', () => {
    expectError(
      () => op('*', float8, float8, [1e308, 10]),
      '22003',
      'value out of range: overflow',
    );
    expectError(
      () => op('*', float8, float8, [1e-308, 1e-100]),
      '22003',
      'value out of range: underflow',
    );
    expectError(() => op('/', float8, float8, [1, 0]), '22012', 'division by zero');
    expect(op('/', float8, float8, [Number.NaN, 0])).toBeNaN();
    expect(op('+', float8, float8, [Infinity, 1])).toBe(Infinity);
    expectError(() => op('*', float4, float4, [3e38, 10]), '22003', 'value out of range: overflow');
    expect(op('+', float4, float4, [Math.fround(0.1), Math.fround(0.2)])).toBe(Math.fround(0.3));
    expect(op('+', float4, float8, [Math.fround(0.1), 0.2])).toBe(Math.fround(0.1) + 0.2);
    expect(op('=', float8, float8, [Number.NaN, Number.NaN])).toBe(true);
    expect(op('>', float8, float8, [Number.NaN, Infinity])).toBe(true);
    expect(op('=', float8, float8, [-0, 0])).toBe(true);
    expect(float8Type.hash(-0)).toBe(float8Type.hash(0));
    expect(float4Type.hash(Math.fround(0.5))).toBe(float8Type.hash(0.5));
  });

  it('math functions with PostgreSQL errors', () => {
    expect(rint(2.5)).toBe(2);
    expect(rint(-0.5)).toBe(-0);
    expect(rint(3.5)).toBe(4);
    expect(call('sign', [float8], [Number.NaN])).toBe(0);
    expectError(
      () => call('sqrt', [float8], [-1]),
      '2201F',
      'cannot take square root of a negative number',
    );
    expectError(() => call('ln', [float8], [0]), '2201E', 'cannot take logarithm of zero');
    expectError(
      () => call('log', [float8], [-1]),
      '2201E',
      'cannot take logarithm of a negative number',
    );
    expectError(
      () => op('^', float8, float8, [0, -1]),
      '2201F',
      'zero raised to a negative power is undefined',
    );
    expectError(
      () => op('^', float8, float8, [-8, 0.5]),
      '2201F',
      'a negative number raised to a non-integer power yields a complex result',
    );
    expect(op('^', float8, float8, [Number.NaN, 0])).toBe(1);
    expect(op('^', float8, float8, [-Infinity, 3])).toBe(-Infinity);
    expectError(() => call('acos', [float8], [2]), '22003', 'input is out of range');
    expectError(() => call('cos', [float8], [Infinity]), '22003', 'input is out of range');
    expect(call('pi', [], [])).toBe(Math.PI);
    expect(glibcCbrt(-700)).toBe(-8.879040017426009);
    expect(glibcCbrt(27)).toBe(3.0000000000000004); // as glibc, and so PostgreSQL
    const seeded = defaultContext({ random: () => 0.25 });
    expect(builtins.call('random', [], [], seeded)).toBe(0.25);
    expect(builtins.findFunction('random', [])!.volatility).toBe('v');
  });
});

describe('scalars: correctly rounded math and set-returning functions', () => {
  it('rounds elementary functions once, as glibc does', () => {
    const f = (name: string, ...args: number[]) =>
      call(
        name,
        args.map(() => float8),
        args,
      );
    expect(f('sin', 1e22)).toBe(-0.8522008497671888);
    expect(f('cos', 1e22)).toBe(0.523214785395139);
    expect(f('exp', -740)).toBe(4.2e-322);
    expect(f('exp', 1)).toBe(Math.E);
    expect(f('ln', 10)).toBe(Math.LN10);
    expect(f('log', 1000)).toBe(3);
    expect(f('log10', 40)).toBe(1.6020599913279625); // glibc's log10 is not correctly rounded
    expect(f('power', 10, -310)).toBe(1e-310);
    expect(f('power', 2, 0.5)).toBe(Math.SQRT2);
    expect(f('power', -2, 3)).toBe(-8);
    expect(f('atan2', 1, -1)).toBe(2.356194490192345);
    expect(f('acos', -1)).toBe(Math.PI);
    expect(f('cot', 0)).toBe(Infinity);
    expect(f('degrees', Math.PI)).toBe(180);
    expectError(() => f('exp', 1000), '22003', 'value out of range: overflow');
    expectError(() => f('exp', -1000), '22003', 'value out of range: underflow');
    expectError(() => f('power', 10, 400), '22003', 'value out of range: overflow');
  });

  it('degree-based and hyperbolic functions', () => {
    const f = (name: string, ...args: number[]) =>
      call(
        name,
        args.map(() => float8),
        args,
      );
    const exact = [
      f('sind', 30),
      f('cosd', 60),
      f('tand', 45),
      f('cotd', 45),
      f('asind', 0.5),
      f('acosd', 0.5),
      f('atand', 1),
      f('tand', 180),
      f('cotd', 270),
      f('tand', 90),
      f('sind', 1e300),
      f('atan2d', 1, -1),
    ];
    expect(exact).toEqual([0.5, 0.5, 1, 1, 30, 60, 45, 0, 0, Infinity, 0, 135]);
    expect(Object.is(f('sind', -0), -0)).toBe(true);
    expect(f('sinh', 1000)).toBe(Infinity);
    expect(f('cosh', -1000)).toBe(Infinity);
    expect(f('atanh', 1)).toBe(Infinity);
    expect(f('tanh', 30)).toBe(1);
    expect(f('asinh', 1e300)).toBe(691.4686750787736);
    expectError(() => f('acosh', 0.5), '22003', 'input is out of range');
    expectError(() => f('atanh', 1.5), '22003', 'input is out of range');
    expectError(() => f('sind', Infinity), '22003', 'input is out of range');
  });

  it('generate_series stops before overflowing', () => {
    const series = (types: number[], args: unknown[]) => [
      ...(call('generate_series', types, args) as Iterable<unknown>),
    ];
    expect(series([int4, int4], [1, 3])).toEqual([1, 2, 3]);
    expect(series([int4, int4, int4], [5, 1, -2])).toEqual([5, 3, 1]);
    expect(series([int4, int4], [2147483646, 2147483647])).toEqual([2147483646, 2147483647]);
    expect(series([int8, int8, int8], [1n, 2n, 5n])).toEqual([1n]);
    expectError(
      () => series([int4, int4, int4], [1, 2, 0]),
      '22023',
      'step size cannot equal zero',
    );
    expect(builtins.findFunction('generate_series', [int8, int8])!.retset).toBe(true);
  });
});

describe('scalars: casts', () => {
  it('has pg_cast contexts', () => {
    expect(builtins.cast(int4, int2)!.context).toBe('a');
    expect(builtins.cast(int2, int4)!.context).toBe('i');
    expect(builtins.cast(int4, bool)!.context).toBe('e');
    expect(builtins.cast(int4, oid)!.method).toBe('b');
    expect(builtins.cast(float8, float4)!.context).toBe('a');
    expect(builtins.cast(int8, oid)!.context).toBe('i');
  });

  it('converts with PostgreSQL rounding and range checks', () => {
    expect(cast(float8, int4, 2.5)).toBe(2);
    expect(cast(float8, int4, -2.5)).toBe(-2);
    expect(cast(float8, int4, 2147483647.4)).toBe(2147483647);
    expectError(() => cast(float8, int4, 2147483647.5), '22003', 'integer out of range');
    expectError(() => cast(float8, int2, Number.NaN), '22003', 'smallint out of range');
    expectError(() => cast(float4, int8, Math.fround(9.223372e18)), '22003', 'bigint out of range');
    expect(cast(int8, float4, 2n ** 53n + 1n + 2n ** 29n)).toBe(Math.fround(2 ** 53 + 2 ** 30));
    expect(cast(int8, float4, 16777217n)).toBe(16777216);
    expectError(() => cast(float8, float4, 1e300), '22003', 'value out of range: overflow');
    expectError(() => cast(float8, float4, 1e-300), '22003', 'value out of range: underflow');
    expect(cast(float8, float4, Infinity)).toBe(Infinity);
    expect(cast(int4, oid, -1)).toBe(4294967295);
    expect(cast(int2, oid, -1)).toBe(4294967295);
    expect(cast(oid, int4, 4294967295)).toBe(-1);
    expectError(() => cast(int8, oid, -1n), '22003', 'OID out of range');
    expect(cast(int4, bool, 5)).toBe(true);
    expect(cast(bool, int4, true)).toBe(1);
    expectError(() => cast(int8, int4, 2n ** 31n), '22003', 'integer out of range');
  });
});
