/**
 * numeric: the type laws on generated values, and unit tests of documented
 * edge cases and error messages (all checked against PostgreSQL 15).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultContext } from '../core/context.js';
import { encodeRow } from '../core/datum.js';
import { SqlError } from '../core/errors.js';
import { checkTypeLaws } from '../core/laws.js';
import { TypeOid } from '../core/oids.js';
import { Registry } from '../core/registry.js';
import { floatToNumeric, numericToInteger } from './casts.js';
import { register } from './index.js';
import { makeNumericTypmod, numericType } from './numeric.js';
import { makeResult, NAN, NINF, type Numeric, PINF } from './value.js';

const ctx = defaultContext();
const r = new Registry();
register(r);
const N = TypeOid.numeric;
const num = (s: string, typmod = -1) => numericType.input(s, typmod, ctx);
const out = (v: unknown) => numericType.output(v as Numeric, ctx);
const op = (o: string, a: string, b: string) => out(r.operate(o, N, N, [num(a), num(b)], ctx));
const call = (f: string, ...args: string[]) =>
  out(
    r.call(
      f,
      args.map(() => N),
      args.map((a) => num(a)),
      ctx,
    ),
  );

/** Exactly the same value and display scale. */
const identical = (a: unknown, b: unknown) => out(a) === out(b);

const numerics: fc.Arbitrary<Numeric> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .record({
        c: fc.oneof(
          fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }),
          fc.bigInt({ min: -(10n ** 60n), max: 10n ** 60n }),
        ),
        s: fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 400 })),
      })
      .map(({ c, s }) => makeResult(c, s)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      NAN,
      PINF,
      NINF,
      makeResult(0n, 0),
      makeResult(0n, 5),
      makeResult(1n, 0),
      makeResult(10n ** 300n, 0), // weight 75: NumericLong
      makeResult(1n, 300), // dscale 300: NumericLong
      makeResult(-(10n ** 252n), 0), // weight 63: the largest short weight
      makeResult(1n, 63),
      makeResult(9999n, 0),
      makeResult(-99999999n, 4),
    ),
  },
);

describe('numeric laws', () => {
  it('obeys the type laws', () => {
    checkTypeLaws(numericType, numerics, { same: identical });
  });
});

describe('numeric text I/O', () => {
  it('reads and prints as numeric_in / numeric_out', () => {
    expect(out(num(' 1.50 '))).toBe('1.50');
    expect(out(num('-0.000'))).toBe('0.000');
    expect(out(num('1e3'))).toBe('1000');
    expect(out(num('1.5e-3'))).toBe('0.0015');
    expect(out(num('.5'))).toBe('0.5');
    expect(out(num('5.'))).toBe('5');
    expect(out(num('1e 5'))).toBe('100000');
    expect(out(num('-inf'))).toBe('-Infinity');
    expect(out(num('  nan  '))).toBe('NaN');
    expect(out(num('+Infinity'))).toBe('Infinity');
    expect(out(num('123456789012345678901234567890.000000000000000000001'))).toBe(
      '123456789012345678901234567890.000000000000000000001',
    );
  });

  it('rejects bad input with PostgreSQL messages', () => {
    for (const bad of ['', ' ', 'abc', '1e', '1.2.3', '--1', 'NaNx', 'infinit', '1 2', '.']) {
      expect(() => num(bad)).toThrow(
        new SqlError('22P02', `invalid input syntax for type numeric: "${bad}"`),
      );
    }
    expect(() => num('1e131072')).toThrow(new SqlError('22003', 'value overflows numeric format'));
    expect(() => num('1e-16384')).toThrow(new SqlError('22003', 'value overflows numeric format'));
    expect(() => num('10e131071')).toThrow('value overflows numeric format');
    expect(() => num('0e-20000')).toThrow('value overflows numeric format');
    expect(out(num('0.1e131072')).length).toBe(131072);
    expect(out(num('0e900000000'))).toBe('0');
    expect(out(num('00001e3'))).toBe('1000');
  });
});

describe('numeric typmod', () => {
  it('packs and prints typmods', () => {
    expect(numericType.typmodIn!([5, 2])).toBe(((5 << 16) | 2) + 4);
    expect(numericType.typmodIn!([5])).toBe((5 << 16) + 4);
    expect(numericType.typmodOut!(makeNumericTypmod(5, -1))).toBe('(5,-1)');
    expect(numericType.typmodOut!(-1)).toBe('');
    expect(() => numericType.typmodIn!([0, 2])).toThrow(
      new SqlError('22023', 'NUMERIC precision 0 must be between 1 and 1000'),
    );
    expect(() => numericType.typmodIn!([5, 1001])).toThrow(
      new SqlError('22023', 'NUMERIC scale 1001 must be between -1000 and 1000'),
    );
    expect(() => numericType.typmodIn!([1, 2, 3])).toThrow('invalid NUMERIC type modifier');
  });

  it('rounds half away from zero and checks the precision', () => {
    expect(out(num('123.456', makeNumericTypmod(5, -1)))).toBe('120');
    expect(out(num('125', makeNumericTypmod(5, -1)))).toBe('130');
    expect(out(num('-2.345', makeNumericTypmod(4, 2)))).toBe('-2.35');
    expect(out(num('0.00012', makeNumericTypmod(2, 5)))).toBe('0.00012');
    expect(() => num('0.00123', makeNumericTypmod(2, 5))).toThrow('numeric field overflow');
    try {
      num('1234.5', makeNumericTypmod(5, 2));
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({
        code: '22003',
        message: 'numeric field overflow',
        detail: 'A field with precision 5, scale 2 must round to an absolute value less than 10^3.',
      });
    }
    expect(() => num('1', makeNumericTypmod(2, 2))).toThrow('numeric field overflow');
    expect(() => num('0.5', makeNumericTypmod(2, 2))).not.toThrow();
    try {
      num('inf', makeNumericTypmod(5, 2));
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({
        detail: 'A field with precision 5, scale 2 cannot hold an infinite value.',
      });
    }
    expect(out(num('NaN', makeNumericTypmod(5, 2)))).toBe('NaN');
    expect(out(numericType.applyTypmod!(num('1.005'), makeNumericTypmod(4, 2), true))).toBe('1.01');
  });
});

describe('numeric binary and on-disk formats', () => {
  it('sends as numeric_send', () => {
    const hex = (s: string) => Buffer.from(numericType.send(num(s), ctx)).toString('hex');
    expect(hex('-12345.678')).toBe('0003000140000003000109291a7c');
    expect(hex('NaN')).toBe('00000000c0000000');
    expect(hex('Infinity')).toBe('00000000d0000020');
  });

  it('validates received values', () => {
    const bytes = (...words: number[]) => {
      const b = new Uint8Array(words.length * 2);
      words.forEach((w, i) => {
        new DataView(b.buffer).setUint16(i * 2, w);
      });
      return b;
    };
    expect(out(numericType.receive(bytes(1, 0, 0, 0, 12), -1, ctx))).toBe('12');
    // digits hidden by dscale are truncated away
    expect(out(numericType.receive(bytes(2, 0, 0, 1, 1, 5678), -1, ctx))).toBe('1.5');
    expect(() => numericType.receive(bytes(0, 0, 0x1234, 0), -1, ctx)).toThrow(
      'invalid sign in external "numeric" value',
    );
    expect(() => numericType.receive(bytes(1, 0, 0, 0, 10000), -1, ctx)).toThrow(
      'invalid digit in external "numeric" value',
    );
    expect(() => numericType.receive(bytes(0, 0, 0, 0x4000), -1, ctx)).toThrow(
      'invalid scale in external "numeric" value',
    );
  });

  it('stores NumericShort, NumericLong and specials as make_result does', () => {
    const hex = (v: Numeric) => Buffer.from(numericType.encode(v)).toString('hex');
    expect(hex(num('1.5'))).toBe('808001008813');
    expect(hex(num('-1.5'))).toBe('80a001008813');
    expect(hex(num('0'))).toBe('0080');
    expect(hex(NAN)).toBe('00c0');
    expect(hex(PINF)).toBe('00d0');
    expect(hex(NINF)).toBe('00f0');
    // weight 64 does not fit the short header
    expect(hex(num('1e256'))).toBe('000040000100');
    // a whole row: short varlena header, no alignment
    const row = encodeRow([numericType], [num('1.5')]);
    expect([...row.data]).toEqual([0x0f, 0x80, 0x80, 0x01, 0x00, 0x88, 0x13]);
  });
});

describe('numeric arithmetic', () => {
  it('uses PostgreSQL result scales', () => {
    expect(op('+', '1.10', '2.2')).toBe('3.30');
    expect(op('*', '1.10', '2.2')).toBe('2.420');
    expect(op('/', '1', '3')).toBe('0.33333333333333333333');
    expect(op('/', '10', '4')).toBe('2.5000000000000000');
    expect(op('/', '1.000000000000000000000001', '3')).toBe('0.333333333333333333333334');
    expect(op('%', '10.5', '3')).toBe('1.5');
    expect(op('%', '-7', '2')).toBe('-1');
    expect(op('^', '2', '3')).toBe('8.0000000000000000');
    expect(op('^', '2', '-3')).toBe('0.1250000000000000');
    expect(op('^', '2.5', '0.5')).toBe('1.5811388300841897');
    expect(op('^', '0', '0.5')).toBe('0.0000000000000000');
    expect(call('div', '7.5', '2')).toBe('3');
    expect(call('sqrt', '2')).toBe('1.414213562373095');
    expect(call('exp', '1')).toBe('2.7182818284590452');
    expect(call('ln', '2')).toBe('0.6931471805599453');
    expect(call('log', '100')).toBe('2.0000000000000000');
    expect(call('log', '2', '1024')).toBe('10.0000000000000000');
    expect(out(r.call('round', [N, TypeOid.int4], [num('2.5'), 0], ctx))).toBe('3');
    expect(out(r.call('round', [N, TypeOid.int4], [num('-2.5'), 0], ctx))).toBe('-3');
    expect(out(r.call('round', [N, TypeOid.int4], [num('1234.5'), -2], ctx))).toBe('1200');
    expect(out(r.call('trunc', [N, TypeOid.int4], [num('-1.99'), 1], ctx))).toBe('-1.9');
    // 15.x clamps the scale to what a numeric can hold
    expect(out(r.call('round', [N, TypeOid.int4], [num('1.5'), 2147483647], ctx)).length).toBe(
      16385,
    );
    expect(out(r.call('round', [N, TypeOid.int4], [num('5e2001'), -2002], ctx))).toBe(
      `1${'0'.repeat(2002)}`,
    );
    expect(call('ceil', '-1.5')).toBe('-1');
    expect(call('floor', '-1.5')).toBe('-2');
    expect(call('trim_scale', '1.2300')).toBe('1.23');
    expect(r.call('scale', [N], [num('1.2300')], ctx)).toBe(4);
    expect(r.call('min_scale', [N], [num('1.2300')], ctx)).toBe(2);
    expect(r.call('scale', [N], [NAN], ctx)).toBeNull();
    expect(call('gcd', '0.5', '0.25')).toBe('0.25');
    expect(call('lcm', '1.5', '2.50')).toBe('7.50');
    expect(out(r.call('factorial', [TypeOid.int8], [20n], ctx))).toBe('2432902008176640000');
  });

  it('follows PostgreSQL 15 for NaN and infinities', () => {
    expect(op('-', 'Infinity', 'Infinity')).toBe('NaN');
    expect(op('+', '-Infinity', '5')).toBe('-Infinity');
    expect(op('*', 'Infinity', '0')).toBe('NaN');
    expect(op('/', '1', 'Infinity')).toBe('0');
    expect(op('%', '5', '-Infinity')).toBe('5');
    expect(op('^', 'NaN', '0')).toBe('1');
    expect(op('^', '1', 'NaN')).toBe('1');
    expect(op('^', '-Infinity', '3')).toBe('-Infinity');
    expect(op('^', '0.5', '-Infinity')).toBe('Infinity');
    expect(call('exp', '-Infinity')).toBe('0');
    expect(call('sign', '-Infinity')).toBe('-1');
    expect(call('abs', '-Infinity')).toBe('Infinity');
  });

  it('raises PostgreSQL errors', () => {
    expect(() => op('/', '1', '0')).toThrow(new SqlError('22012', 'division by zero'));
    expect(() => op('%', 'Infinity', '0')).toThrow(new SqlError('22012', 'division by zero'));
    expect(() => call('sqrt', '-1')).toThrow(
      new SqlError('2201F', 'cannot take square root of a negative number'),
    );
    expect(() => op('^', '0', '-1')).toThrow(
      new SqlError('2201F', 'zero raised to a negative power is undefined'),
    );
    expect(() => op('^', '-8', '0.5')).toThrow(
      new SqlError(
        '2201F',
        'a negative number raised to a non-integer power yields a complex result',
      ),
    );
    expect(() => call('ln', '0')).toThrow(new SqlError('2201E', 'cannot take logarithm of zero'));
    expect(() => call('log', '-1')).toThrow(
      new SqlError('2201E', 'cannot take logarithm of a negative number'),
    );
    expect(() => call('log', '1', '10')).toThrow(new SqlError('22012', 'division by zero'));
    expect(() => call('exp', '6000')).toThrow(
      new SqlError('22003', 'value overflows numeric format'),
    );
    expect(() => op('^', '10', '131072')).toThrow('value overflows numeric format');
    expect(() => r.call('factorial', [TypeOid.int8], [-1n], ctx)).toThrow(
      'factorial of a negative number is undefined',
    );
  });

  it('compares NaN above infinity and 1.0 equal to 1.00 with equal hashes', () => {
    const sorted = ['NaN', 'Infinity', '1e100', '1.00', '1.0', '0', '-1', '-Infinity']
      .map((s) => num(s))
      .sort(numericType.compare)
      .map(out);
    expect(sorted).toEqual(
      ['-Infinity', '-1', '0', '1.00', '1.0', '1e100', 'Infinity', 'NaN'].map((s) => out(num(s))),
    );
    expect(numericType.compare(num('1.0'), num('1.00'))).toBe(0);
    expect(numericType.hash(num('1.0'))).toBe(numericType.hash(num('1.00')));
    expect(numericType.compare(NAN, NAN)).toBe(0);
    expect(r.operate('=', N, N, [NAN, NAN], ctx)).toBe(true);
  });
});

describe('numeric casts', () => {
  it('registers pg_cast entries with their contexts', () => {
    const ctxOf = (s: number, t: number) => r.cast(s, t)?.context;
    expect(ctxOf(TypeOid.int4, N)).toBe('i');
    expect(ctxOf(TypeOid.int8, N)).toBe('i');
    expect(ctxOf(TypeOid.float8, N)).toBe('a');
    expect(ctxOf(N, TypeOid.int2)).toBe('a');
    expect(ctxOf(N, TypeOid.float8)).toBe('i');
    expect(ctxOf(N, N)).toBe('i');
  });

  it('converts to integers rounding half away from zero', () => {
    expect(numericToInteger(num('2.5'), 'integer')).toBe(3n);
    expect(numericToInteger(num('-2.5'), 'integer')).toBe(-3n);
    expect(() => numericToInteger(num('32767.5'), 'smallint')).toThrow(
      new SqlError('22003', 'smallint out of range'),
    );
    expect(() => numericToInteger(NAN, 'bigint')).toThrow(
      new SqlError('0A000', 'cannot convert NaN to bigint'),
    );
    expect(() => numericToInteger(PINF, 'integer')).toThrow(
      new SqlError('0A000', 'cannot convert infinity to integer'),
    );
  });

  it('converts floats through %.15g / %.6g', () => {
    expect(out(floatToNumeric(0.1, 15))).toBe('0.1');
    expect(out(floatToNumeric(1 / 3, 15))).toBe('0.333333333333333');
    expect(out(floatToNumeric(1e20, 15))).toBe('100000000000000000000');
    expect(out(floatToNumeric(1e-5, 15))).toBe('0.00001');
    expect(out(floatToNumeric(Math.fround(0.1), 6))).toBe('0.1');
    expect(out(floatToNumeric(1234567890123445, 15))).toBe('1234567890123440');
    expect(out(floatToNumeric(Number.NaN, 15))).toBe('NaN');
    expect(out(floatToNumeric(Number.NEGATIVE_INFINITY, 15))).toBe('-Infinity');
    expect(r.cast(N, TypeOid.float8)!.fn!(num('1.5'), -1, ctx, false)).toBe(1.5);
    // just above a float32 midpoint whose nearest double is the midpoint itself: strtof rounds up
    const toFloat4 = (s: string) => r.cast(N, TypeOid.float4)!.fn!(num(s), -1, ctx, false);
    expect(
      toFloat4(
        '1.00000005960464477539062582718061255302767487140869206996285356581211090087890625',
      ),
    ).toBe(1.0000001192092896);
    expect(toFloat4('1.000000059604644775390625')).toBe(1);
    expect(() => r.cast(N, TypeOid.float8)!.fn!(num('1e400'), -1, ctx, false)).toThrow(
      /is out of range for type double precision/,
    );
  });
});
