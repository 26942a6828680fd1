/**
 * Laws and unit tests of the arrays family: every registered array type
 * obeys checkTypeLaws; text I/O, errors, binary and on-disk forms (bytes
 * checked against PostgreSQL 15's pageinspect output), functions, operators
 * and the ANY/ALL helpers.
 */
import { builtins, encodeRow, type PgArray, SqlError, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultContext } from '../core/context.js';
import { checkTypeLaws } from '../core/laws.js';
import type { AnyPgType } from '../core/type.js';
import { arrayOf, int4Values, SAMPLES, trickyText } from './arbitrary.js';
import { arrayGet, arraySlice, mapArray, scalarArrayOpAll, scalarArrayOpAny } from './index.js';

const ctx = defaultContext();
const int4Arr = builtins.mustType(TypeOid._int4);
const textArr = builtins.mustType(TypeOid._text);
const boolArr = builtins.mustType(TypeOid._bool);

function arr<T>(dims: number[], lbounds: number[], elements: (T | null)[]): PgArray<T> {
  return { dims, lbounds, elements };
}
const a1 = <T>(...elements: (T | null)[]): PgArray<T> =>
  elements.length === 0 ? arr([], [], []) : arr([elements.length], [1], elements);

/** The error a call raises, as { code, message, detail }. */
function errorOf(f: () => unknown): { code: string; message: string; detail?: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof SqlError) {
      return { code: e.code, message: e.message, ...(e.detail ? { detail: e.detail } : {}) };
    }
    throw e;
  }
  throw new Error('no error');
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('array types in the registry', () => {
  it('has an array type for every type with a typarray, with pg_type facts', () => {
    for (const t of builtins.types()) {
      if (t.arrayOid === 0) continue;
      const a = builtins.mustType(t.arrayOid);
      expect(a.name).toBe(`_${t.name}`);
      expect(a.displayName).toBe(`${t.displayName}[]`);
      expect(a.elemOid).toBe(t.oid);
      expect(a.arrayOid).toBe(0);
      expect([a.len, a.byVal, a.storage, a.category, a.preferred]).toEqual([
        -1,
        false,
        'x',
        // record[] is a pseudo-type (typcategory P) in PostgreSQL; every other array is A
        t.oid === 2249 ? 'P' : 'A',
        false,
      ]);
      expect(a.align).toBe(t.align === 'd' ? 'd' : 'i');
    }
    expect([int4Arr.name, int4Arr.oid, int4Arr.align]).toEqual(['_int4', 1007, 'i']);
    expect([textArr.name, textArr.oid]).toEqual(['_text', 1009]);
    expect([boolArr.name, boolArr.oid, boolArr.displayName]).toEqual(['_bool', 1000, 'boolean[]']);
  });
});

describe('type laws', () => {
  it('int4[] obeys the laws', () => {
    checkTypeLaws(int4Arr, arrayOf(int4Values));
  });
  it('text[] obeys the laws', () => {
    checkTypeLaws(textArr, arrayOf(trickyText));
  });
  it('bool[] obeys the laws', () => {
    checkTypeLaws(boolArr, arrayOf(fc.boolean(), { maxDims: 2, maxLen: 10 }));
  });
  it('every other registered array type obeys the laws', () => {
    for (const t of builtins.types()) {
      if (t.category !== 'A') continue;
      const elem = builtins.mustType(t.elemOid);
      const values: unknown[] = [];
      for (const s of SAMPLES[elem.name] ?? []) {
        try {
          values.push(elem.input(s, -1, ctx));
        } catch {
          // the element family does not read this sample (yet)
        }
      }
      checkTypeLaws(
        t as AnyPgType,
        values.length === 0
          ? fc.constantFrom(arr([], [], []), a1(null), arr([2, 1], [0, 5], [null, null]))
          : arrayOf(fc.constantFrom(...values), { maxDims: 2, maxLen: 3 }),
        { runs: 50 },
      );
    }
  });
});

describe('array_in / array_out', () => {
  const roundTrip: Array<[string, string, string]> = [
    ['_int4', '{1,2,3}', '{1,2,3}'],
    ['_int4', '{{1,2},{3,4}}', '{{1,2},{3,4}}'],
    ['_int4', '{}', '{}'],
    ['_int4', ' { 1 , 2 } ', '{1,2}'],
    ['_int4', '{"1", 2}', '{1,2}'],
    ['_int4', '[0:2]={1,2,3}', '[0:2]={1,2,3}'],
    ['_int4', '[1:2][1:1]={{1},{2}}', '{{1},{2}}'],
    ['_int4', '[1:3]={1,2,3}', '{1,2,3}'],
    ['_int4', '{NULL,null, NuLl }', '{NULL,NULL,NULL}'],
    ['_int4', '{{1},{{2}}}', '{{{1}},{{2}}}'],
    ['_text', '{a b, "c d" ,"",\\,,"\\""}', '{"a b","c d","",",","\\""}'],
    ['_text', '{"NULL",\\NULL,null}', '{"NULL","NULL",NULL}'],
    ['_text', '{  a  b  }', '{"a  b"}'],
    ['_text', '{"{}",é}', '{"{}",é}'],
    ['_bool', '{t,f,NULL}', '{t,f,NULL}'],
  ];
  it.each(roundTrip)('%s %s', (typeName, input, output) => {
    const type = builtins.typeByName(typeName)!;
    expect(type.output(type.input(input, -1, ctx), ctx)).toBe(output);
  });

  it('gives the values PostgreSQL reads', () => {
    expect(int4Arr.input('[0:1]={1,NULL}', -1, ctx)).toEqual(arr([2], [0], [1, null]));
    expect(int4Arr.input('{{1,2},{3,4}}', -1, ctx)).toEqual(arr([2, 2], [1, 1], [1, 2, 3, 4]));
  });

  const malformed: Array<[string, string]> = [
    ['1,2', 'Array value must start with "{" or dimension information.'],
    ['{1,2', 'Unexpected end of input.'],
    ['{1,2}}', 'Junk after closing right brace.'],
    ['{1,2} x', 'Junk after closing right brace.'],
    ['{{1,2},{3}}', 'Multidimensional arrays must have sub-arrays with matching dimensions.'],
    ['{1,,2}', 'Unexpected "," character.'],
    ['{,}', 'Unexpected "," character.'],
    ['{{1},}', 'Unexpected "}" character.'],
    ['{1,{2}}', 'Unexpected "{" character.'],
    ['{{1},2}', 'Unexpected array element.'],
    ['{"a"b}', 'Unexpected array element.'],
    ['[1:2]{1,2}', 'Missing "=" after array dimensions.'],
    ['[1:2]=1', 'Array contents must start with "{".'],
    ['[1:3]={1,2}', 'Specified array dimensions do not match array contents.'],
    ['[a]={1}', '"[" must introduce explicitly-specified array dimensions.'],
    ['[1:]={1}', 'Missing array dimension value.'],
    ['[1:2={1,2}', 'Missing "]" after array dimensions.'],
  ];
  it.each(malformed)('rejects %s', (input, detail) => {
    expect(errorOf(() => int4Arr.input(input, -1, ctx))).toEqual({
      code: '22P02',
      message: `malformed array literal: "${input}"`,
      detail,
    });
  });

  it('reports element errors as the element type does, and bound errors', () => {
    expect(errorOf(() => int4Arr.input('{1,abc}', -1, ctx))).toEqual({
      code: '22P02',
      message: 'invalid input syntax for type integer: "abc"',
    });
    expect(errorOf(() => int4Arr.input('{"1 2"}', -1, ctx)).code).toBe('22P02');
    expect(errorOf(() => int4Arr.input('[2:1]={1}', -1, ctx))).toEqual({
      code: '2202E',
      message: 'upper bound cannot be less than lower bound',
    });
    expect(errorOf(() => int4Arr.input('[2147483647:2147483647]={1}', -1, ctx))).toEqual({
      code: '54000',
      message: 'array lower bound is too large: 2147483647',
    });
    expect(errorOf(() => int4Arr.input('{{{{{{{1}}}}}}}', -1, ctx))).toEqual({
      code: '54000',
      message: 'number of array dimensions (7) exceeds the maximum allowed (6)',
    });
    // ArrayCount reports the text after the dimensions
    expect(errorOf(() => int4Arr.input('[1:1]={1', -1, ctx))).toEqual({
      code: '22P02',
      message: 'malformed array literal: "{1"',
      detail: 'Unexpected end of input.',
    });
  });
});

describe('binary and on-disk forms', () => {
  it('sends as array_send does', () => {
    expect(hex(int4Arr.send(a1(1, null), ctx))).toBe(
      `${'00000001' + '00000001' + '00000017' + '00000002' + '00000001'}00000004` +
        '00000001' +
        'ffffffff',
    );
    expect(hex(int4Arr.send(a1(), ctx))).toBe('000000000000000000000017');
  });

  it('checks the element type, flags and dimensions on receive', () => {
    const textBytes = textArr.send(a1('x'), ctx);
    expect(errorOf(() => int4Arr.receive(textBytes, -1, ctx))).toEqual({
      code: '42804',
      message: 'binary data has array element type 25 (text) instead of expected 23 (integer)',
    });
    const bad = Buffer.from('000000010000000200000017', 'hex');
    expect(errorOf(() => int4Arr.receive(bad, -1, ctx))).toEqual({
      code: '22P03',
      message: 'invalid array flags',
    });
    const neg = Buffer.from('ffffffff0000000000000017', 'hex');
    expect(errorOf(() => int4Arr.receive(neg, -1, ctx)).message).toBe(
      'invalid number of dimensions: -1',
    );
  });

  it('lays out tuples byte for byte as PostgreSQL 15 (pageinspect)', () => {
    const types = [int4Arr, textArr, boolArr];
    const rows: Array<[unknown[], string]> = [
      [
        [a1(1, 2, 3), a1('a', 'bb', null), a1()],
        '4301000000000000001700000003000000010000000100000002000000030000005b0100000020000000190000000300000001000000030000000000000014000000610000001800000062620000' +
          '1b000000000000000010000000',
      ],
      [
        [
          arr([2, 2], [0, 1], [1, null, 3, 4]),
          a1('xyyy'),
          a1(true, false, null, true, true, true, true, true, true, true),
        ],
        '63020000002800000017000000020000000200000000000000010000000d000000000000000100000003000000040000003b010000000000000019000000010000000100000020000000787979794d0100000020000000100000000a00000001000000fb03000000000000010001010101010101',
      ],
      [
        [null, a1('hello world'), null],
        '4b01000000000000001900000001000000010000003c00000068656c6c6f20776f726c6400',
      ],
      [
        [a1(), a1('a', 'b', 'c'), a1(true)],
        '1b0000000000000000170000005b01000000000000001900000003000000010000001400000061000000140000006200000014000000630000002d010000000000000010000000010000000100000001',
      ],
    ];
    for (const [values, expected] of rows) {
      expect(hex(encodeRow(types, values).data)).toBe(expected);
    }
  });
});

describe('comparison and hashing', () => {
  it('orders as btarraycmp', () => {
    const c = (x: string, y: string) =>
      Math.sign(int4Arr.compare(int4Arr.input(x, -1, ctx), int4Arr.input(y, -1, ctx)));
    expect(c('{1,2}', '{1,3}')).toBe(-1);
    expect(c('{1,NULL}', '{1,2}')).toBe(1);
    expect(c('{1,2}', '{1,2,0}')).toBe(-1);
    expect(c('{{1,2}}', '{1,2}')).toBe(1);
    expect(c('{{1},{2}}', '{{1,2}}')).toBe(1);
    expect(c('[0:1]={1,2}', '{1,2}')).toBe(-1);
    expect(c('{}', '{NULL}')).toBe(-1);
    expect(c('{NULL}', '{NULL}')).toBe(0);
  });
});

describe('functions and operators', () => {
  const op = (name: string, l: number, r: number, x: unknown, y: unknown) =>
    builtins.operate(name, l, r, [x, y], ctx);
  const I = TypeOid._int4;
  const T = TypeOid._text;

  it('compares with = <> < <= > >=', () => {
    expect(op('=', I, I, a1(1, null), a1(1, null))).toBe(true);
    expect(op('<>', I, I, a1(1), arr([1], [0], [1]))).toBe(true);
    expect(op('<', T, T, a1('a'), a1('b'))).toBe(true);
    expect(op('>=', I, I, a1(2), a1(1, 5))).toBe(true);
  });

  it('contains, is contained, overlaps', () => {
    expect(op('@>', I, I, a1(1, 2, 3), a1(3, 1))).toBe(true);
    expect(op('@>', I, I, a1(1, 2, null), a1(null))).toBe(false);
    expect(op('@>', I, I, a1(1), a1())).toBe(true);
    expect(op('<@', I, I, a1(1), arr([2, 1], [1, 1], [2, 1]))).toBe(true);
    expect(op('&&', I, I, a1(1, null), a1(null, 1))).toBe(true);
    expect(op('&&', I, I, a1(null), a1(null))).toBe(false);
  });

  it('concatenates with ||', () => {
    const out = (v: unknown) => int4Arr.output(v as PgArray, ctx);
    expect(out(op('||', I, I, a1(1, 2), a1(3)))).toBe('{1,2,3}');
    expect(out(op('||', I, TypeOid.int4, a1(1), 2))).toBe('{1,2}');
    expect(out(op('||', TypeOid.int4, I, 0, arr([1], [5], [1])))).toBe('[5:6]={0,1}');
    expect(out(op('||', I, I, a1(1), int4Arr.input('{{2},{3}}', -1, ctx)))).toBe('{{1},{2},{3}}');
    expect(out(op('||', I, I, a1(1, 2), int4Arr.input('{{3,4}}', -1, ctx)))).toBe('{{1,2},{3,4}}');
    expect(errorOf(() => op('||', I, I, a1(1), int4Arr.input('{{{1}}}', -1, ctx)))).toEqual({
      code: '2202E',
      message: 'cannot concatenate incompatible arrays',
      detail: 'Arrays of 1 and 3 dimensions are not compatible for concatenation.',
    });
    expect(builtins.call('array_cat', [I, I], [null, a1(1)], ctx)).toEqual(a1(1));
    expect(builtins.call('array_append', [I, TypeOid.int4], [null, null], ctx)).toEqual(a1(null));
  });

  it('refuses arrays of different element types', () => {
    const L = TypeOid._int8;
    expect(errorOf(() => op('=', I, L, a1(1), a1(1n)))).toEqual({
      code: '42804',
      message: 'cannot compare arrays of different element types',
    });
    expect(errorOf(() => builtins.call('array_cat', [I, L], [a1(1), a1(1n)], ctx))).toEqual({
      code: '42804',
      message: 'cannot concatenate incompatible arrays',
      detail: 'Arrays with element types integer and bigint are not compatible for concatenation.',
    });
  });

  it('maps elements for array coercions', () => {
    expect(mapArray(arr([2], [0], [1, null]), (v: number) => String(v))).toEqual(
      arr([2], [0], ['1', null]),
    );
  });

  it('reports dimensions', () => {
    const v = int4Arr.input('[0:1][2:4]={{1,2,3},{4,5,6}}', -1, ctx);
    const call = (name: string, ...args: unknown[]) =>
      builtins.call(name, [I, ...args.map(() => TypeOid.int4)], [v, ...args], ctx);
    expect(call('array_length', 2)).toBe(3);
    expect(call('array_length', 3)).toBeNull();
    expect(call('array_lower', 1)).toBe(0);
    expect(call('array_upper', 2)).toBe(4);
    expect(call('array_ndims')).toBe(2);
    expect(call('array_dims')).toBe('[0:1][2:4]');
    expect(call('cardinality')).toBe(6);
    expect(builtins.call('array_ndims', [I], [a1()], ctx)).toBeNull();
    expect(builtins.call('cardinality', [I], [a1()], ctx)).toBe(0);
  });

  it('searches, removes and replaces', () => {
    const A = arr([4], [0], [1, null, 1, 2]);
    const c = (name: string, args: unknown[]) =>
      builtins.call(name, [I, ...args.slice(1).map(() => TypeOid.int4)], args, ctx);
    expect(c('array_position', [A, 1])).toBe(0);
    expect(c('array_position', [A, 1, 1])).toBe(2);
    expect(c('array_position', [A, null])).toBe(1);
    expect(c('array_positions', [A, 1])).toEqual(a1(0, 2));
    expect(int4Arr.output(c('array_remove', [A, 1]) as PgArray, ctx)).toBe('[0:1]={NULL,2}');
    expect(int4Arr.output(c('array_replace', [A, null, 9]) as PgArray, ctx)).toBe(
      '[0:3]={1,9,1,2}',
    );
    expect(errorOf(() => c('array_position', [A, 1, null])).message).toBe(
      'initial position must not be null',
    );
  });

  it('converts to and from strings', () => {
    expect(
      builtins.call(
        'array_to_string',
        [I, TypeOid.text, TypeOid.text],
        [a1(1, null, 2), '-', '*'],
        ctx,
      ),
    ).toBe('1-*-2');
    expect(builtins.call('array_to_string', [I, TypeOid.text], [a1(1, null, 2), ','], ctx)).toBe(
      '1,2',
    );
    const s2a = (...args: unknown[]) =>
      builtins.call(
        'string_to_array',
        args.map(() => TypeOid.text),
        args,
        ctx,
      );
    expect(s2a('a,b,,c', ',')).toEqual(a1('a', 'b', '', 'c'));
    expect(s2a('a,b,,c', ',', '')).toEqual(a1('a', 'b', null, 'c'));
    expect(s2a('abc', null)).toEqual(a1('a', 'b', 'c'));
    expect(s2a('abc', '')).toEqual(a1('abc'));
    expect(s2a('', ',')).toEqual(a1());
    expect(s2a(null, ',')).toBeNull();
  });

  it('unnests, fills and trims', () => {
    const v = int4Arr.input('{{1,2},{3,NULL}}', -1, ctx);
    expect([...(builtins.call('unnest', [I], [v], ctx) as Iterable<unknown>)]).toEqual([
      1,
      2,
      3,
      null,
    ]);
    expect(
      int4Arr.output(
        builtins.call('array_fill', [TypeOid.int4, I, I], [7, a1(2, 1), a1(0, 3)], ctx) as PgArray,
        ctx,
      ),
    ).toBe('[0:1][3:3]={{7},{7}}');
    expect(
      int4Arr.output(
        builtins.call(
          'trim_array',
          [I, TypeOid.int4],
          [arr([3], [5], [1, 2, 3]), 1],
          ctx,
        ) as PgArray,
        ctx,
      ),
    ).toBe('{1,2}');
  });

  it('subscripts and slices', () => {
    const v = int4Arr.input('[0:1][1:3]={{1,2,3},{4,5,6}}', -1, ctx);
    expect(arrayGet(v, [1, 2])).toBe(5);
    expect(arrayGet(v, [2, 2])).toBeNull();
    expect(arrayGet(v, [1])).toBeNull();
    expect(int4Arr.output(arraySlice(v, [1, 2], [1, undefined]), ctx)).toBe('{{5,6}}');
    expect(int4Arr.output(arraySlice(v, [5], [6]), ctx)).toBe('{}');
  });
});

describe('ANY / ALL', () => {
  const { int4, text } = TypeOid;
  it('applies three-valued logic', () => {
    const any = (l: unknown, a: PgArray | null, opName = '=', t: number = int4) =>
      scalarArrayOpAny(builtins, opName, t, t, l, a, ctx);
    const all = (l: unknown, a: PgArray | null, opName = '=', t: number = int4) =>
      scalarArrayOpAll(builtins, opName, t, t, l, a, ctx);
    expect(any(1, a1(2, 1))).toBe(true);
    expect(any(1, a1(2, null))).toBeNull();
    expect(any(1, a1(2, 3))).toBe(false);
    expect(any(null, a1(1))).toBeNull();
    expect(any(null, a1())).toBe(false);
    expect(any(1, null)).toBeNull();
    expect(all(1, a1())).toBe(true);
    expect(all(1, a1(2, 3), '<')).toBe(true);
    expect(all(1, a1(2, null), '<')).toBeNull();
    expect(all(1, a1(0, null), '<')).toBe(false);
    expect(any('b', a1('a', 'c'), '<', text)).toBe(true);
    expect(all('b', a1('a', 'c'), '<', text)).toBe(false);
  });
});
