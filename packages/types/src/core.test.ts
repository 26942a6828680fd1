import { builtins, compareNullable, decodeRow, encodeRow, SqlError, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultContext } from './internal/core/context.js';
import { checkTypeLaws } from './internal/core/laws.js';

const ctx = defaultContext();

describe('core examples', () => {
  it('bool, int4 and text obey the type laws', () => {
    checkTypeLaws(builtins.mustType(TypeOid.bool), fc.boolean());
    checkTypeLaws(builtins.mustType(TypeOid.int4), fc.integer());
    checkTypeLaws(
      builtins.mustType(TypeOid.text),
      fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')),
    );
  });

  it('reports bad input with SQLSTATE and PostgreSQL message', () => {
    const int4 = builtins.mustType(TypeOid.int4);
    expect(() => int4.input('abc', -1, ctx)).toThrow(
      new SqlError('22P02', 'invalid input syntax for type integer: "abc"'),
    );
    expect(() => int4.input('2147483648', -1, ctx)).toThrowError(
      'value "2147483648" is out of range for type integer',
    );
    expect(builtins.operate('+', TypeOid.int4, TypeOid.int4, [2, 3], ctx)).toBe(5);
    expect(() =>
      builtins.operate('*', TypeOid.int4, TypeOid.int4, [65536, 65536], ctx),
    ).toThrowError('integer out of range');
  });

  it('lays out a row as heap_fill_tuple does', () => {
    const types = [TypeOid.bool, TypeOid.int4, TypeOid.text, TypeOid.int4].map((o) =>
      builtins.mustType(o),
    );
    const row = encodeRow(types, [true, 7, 'hi', null]);
    // bool at 0, int4 aligned to 4, text with a 1-byte header (0x07 = 3 << 1 | 1) unaligned
    expect([...row.data]).toEqual([1, 0, 0, 0, 7, 0, 0, 0, 7, 0x68, 0x69]);
    expect([...row.nullBitmap!]).toEqual([0b0111]);
    expect(decodeRow(types, row.data, row.nullBitmap)).toEqual([true, 7, 'hi', null]);
  });
});

describe('casts and NULL ordering', () => {
  it('coerces through text I/O where PostgreSQL allows it', () => {
    const { int4, text } = TypeOid;
    expect(builtins.coerce(42, int4, text, -1, 'a', ctx)).toBe('42');
    expect(builtins.coerce(' 42 ', text, int4, -1, 'e', ctx)).toBe(42);
    expect(() => builtins.coerce('42', text, int4, -1, 'a', ctx)).toThrowError(
      'cannot cast type text to integer',
    );
    expect(() => builtins.coerce(42, int4, text, -1, 'i', ctx)).toThrowError(
      'cannot cast type integer to text',
    );
    expect(builtins.coerce(null, int4, text, -1, 'i', ctx)).toBeNull();
  });

  it('sorts NULLs last by default and first when asked', () => {
    const cmp = (a: number, b: number) => a - b;
    expect([3, null, 1].sort((a, b) => compareNullable(cmp, a, b))).toEqual([1, 3, null]);
    expect([3, null, 1].sort((a, b) => compareNullable(cmp, a, b, true))).toEqual([null, 1, 3]);
  });
});

describe('wire helpers', () => {
  it('WireWriter grows past its first buffer; WireReader reports short input as 08P01', async () => {
    const { WireReader, WireWriter } = await import('./internal/core/wire.js');
    const w = new WireWriter();
    for (let i = 0; i < 100; i++) w.int32(i).bytes(new Uint8Array(7).fill(i));
    const r = new WireReader(w.done());
    for (let i = 0; i < 100; i++) {
      expect(r.int32()).toBe(i);
      expect([...r.bytes(7)]).toEqual(new Array(7).fill(i));
    }
    expect(() => r.int8()).toThrow(new SqlError('08P01', 'insufficient data left in message'));
  });
});
