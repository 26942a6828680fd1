import { builtins, defaultContext, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTypeLaws } from '../core/laws.js';
import {
  type BitString,
  bitAnd,
  bitCat,
  bitFromInt,
  bitNot,
  bitOr,
  bitToInt,
  bitXor,
  formatBitString,
  parseBitString,
  shiftLeft,
  shiftRight,
} from './bit-string.js';
import { bitType, varbitType } from './index.js';

const ctx = defaultContext();
const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 200);
const { bit, varbit, int4, int8 } = TypeOid;

/** A string of 0s and 1s, of length 0..max. */
const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom('0', '1'), { minLength: min, maxLength: max }).map((a) => a.join(''));
const bits = digits(0, 80).map(parseBitString);

/** The bits of `s` as a non-negative BigInt. */
const big = (s: string): bigint => (s === '' ? 0n : BigInt(`0b${s}`));
/** The low `len` bits of `n` as a string of 0s and 1s. */
const str = (n: bigint, len: number): string =>
  len === 0 ? '' : BigInt.asUintN(len, n).toString(2).padStart(len, '0');

const call = (name: string, types: number[], args: unknown[]) =>
  builtins.call(name, types, args, ctx);

describe('bit and bit varying', () => {
  it('obey the type laws', () => {
    checkTypeLaws(bitType, bits);
    checkTypeLaws(varbitType, bits);
  });

  it('round-trip their text: output(input(s)) = s, also from hex', () => {
    fc.assert(
      fc.property(digits(0, 200), (s) => {
        expect(formatBitString(parseBitString(s))).toBe(s);
        expect(bitType.output(bitType.input(`b${s}`, s.length || -1, ctx), ctx)).toBe(s);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 15 }), { maxLength: 30 }), (nibbles) => {
        const hex = nibbles.map((n) => n.toString(16)).join('');
        const expected = nibbles.map((n) => n.toString(2).padStart(4, '0')).join('');
        expect(formatBitString(parseBitString(`X${hex.toUpperCase()}`))).toBe(expected);
        expect(formatBitString(parseBitString(`x${hex}`))).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('agree with BigInt arithmetic on & | # ~ << >> and ||', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 90 }).chain((n) => fc.tuple(digits(n, n), digits(n, n))),
        fc.integer({ min: -100, max: 100 }),
        ([a, b], k) => {
          const n = a.length;
          const x = parseBitString(a);
          const y = parseBitString(b);
          expect(formatBitString(bitAnd(x, y))).toBe(str(big(a) & big(b), n));
          expect(formatBitString(bitOr(x, y))).toBe(str(big(a) | big(b), n));
          expect(formatBitString(bitXor(x, y))).toBe(str(big(a) ^ big(b), n));
          expect(formatBitString(bitNot(x))).toBe(str(~big(a), n));
          const left = k >= 0 ? big(a) << BigInt(k) : big(a) >> BigInt(-k);
          expect(formatBitString(shiftLeft(x, k))).toBe(str(left, n));
          const right = k >= 0 ? big(a) >> BigInt(k) : big(a) << BigInt(-k);
          expect(formatBitString(shiftRight(x, k))).toBe(str(right, n));
          expect(formatBitString(bitCat(x, y))).toBe(a + b);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('convert to and from integers as two’s complement', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 80 }), (v, len) => {
        const b = bitFromInt(BigInt(v), len, 32);
        // the low bits, and beyond 32 the sign repeated (asUintN of a negative sign-extends)
        expect(formatBitString(b)).toBe(str(BigInt(v), len));
        if (len === 32) expect(Number(bitToInt(b, 32))).toBe(v);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        expect(bitToInt(bitFromInt(v, 64, 64), 64)).toBe(v);
      }),
      { numRuns: RUNS },
    );
    expect(builtins.coerce(5, int4, bit, 8, 'e', ctx)).toEqual(parseBitString('00000101'));
    expect(builtins.coerce(parseBitString('1111'), bit, int4, -1, 'e', ctx)).toBe(15);
    expect(builtins.coerce(parseBitString('1'.repeat(64)), bit, int8, -1, 'e', ctx)).toBe(-1n);
    expect(() => builtins.coerce(parseBitString('1'.repeat(33)), bit, int4, -1, 'e', ctx)).toThrow(
      'integer out of range',
    );
  });

  it('check typmods as bit(n) and varbit(n) do', () => {
    const b = (s: string): BitString => parseBitString(s);
    expect(() => bitType.input('101', 4, ctx)).toThrow(
      'bit string length 3 does not match type bit(4)',
    );
    expect(() => varbitType.input('101', 2, ctx)).toThrow(
      'bit string too long for type bit varying(2)',
    );
    expect(formatBitString(bitType.applyTypmod!(b('101'), 5, true))).toBe('10100');
    expect(formatBitString(bitType.applyTypmod!(b('101'), 2, true))).toBe('10');
    expect(() => bitType.applyTypmod!(b('101'), 2, false)).toThrow(
      expect.objectContaining({ code: '22026' }),
    );
    expect(formatBitString(varbitType.applyTypmod!(b('101'), 2, true))).toBe('10');
    expect(() => varbitType.applyTypmod!(b('101'), 2, false)).toThrow(
      expect.objectContaining({ code: '22001' }),
    );
    expect(bitType.typmodIn!([4])).toBe(4);
    expect(() => varbitType.typmodIn!([0])).toThrow('length for type varbit must be at least 1');
    expect(bitType.typmodOut!(4)).toBe('(4)');
    expect(() => bitType.input('102', -1, ctx)).toThrow('"2" is not a valid binary digit');
    expect(() => bitType.input('xfg', -1, ctx)).toThrow('"g" is not a valid hexadecimal digit');
  });

  it('implement the functions of varbit.c', () => {
    const b = (s: string): BitString => parseBitString(s);
    const out = (v: unknown) => formatBitString(v as BitString);
    expect(call('length', [bit], [b('10101')])).toBe(5);
    expect(call('octet_length', [bit], [b('101010101')])).toBe(2);
    expect(call('bit_count', [bit], [b('1011')])).toBe(3n);
    expect(call('get_bit', [bit, int4], [b('1010'), 0])).toBe(1);
    expect(() => call('get_bit', [bit, int4], [b('1010'), 4])).toThrow(
      'bit index 4 out of valid range (0..3)',
    );
    expect(out(call('set_bit', [bit, int4, int4], [b('1010'), 1, 1]))).toBe('1110');
    expect(call('position', [bit, bit], [b('1101'), b('01')])).toBe(3);
    expect(out(call('substring', [bit, int4, int4], [b('110011'), 2, 3]))).toBe('100');
    expect(out(call('substring', [bit, int4, int4], [b('1100'), -1, 3]))).toBe('1');
    expect(out(call('overlay', [bit, bit, int4, int4], [b('1111'), b('00'), 2, 1]))).toBe('10011');
    expect(out(call('bitcat', [varbit, varbit], [b('1'), b('01')]))).toBe('101');
    expect(() => call('bitand', [bit, bit], [b('101'), b('11')])).toThrow(
      'cannot AND bit strings of different sizes',
    );
  });
});
