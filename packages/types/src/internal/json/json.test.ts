/**
 * Laws and unit tests of the json family: json and jsonb text I/O and its
 * errors, jsonb normalization, ordering, on-disk format, operators,
 * functions and casts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pgArray } from '../core/array-value.js';
import { defaultContext } from '../core/context.js';
import { decodeRow, encodeRow } from '../core/datum.js';
import { SqlError } from '../core/errors.js';
import { checkTypeLaws } from '../core/laws.js';
import { TypeOid } from '../core/oids.js';
import { Registry } from '../core/registry.js';
import { boolType } from '../scalars/bool.js';
import { int4Type } from '../scalars/int4.js';
import { textType } from '../text/text.js';
import { jsonbValue, jsonText, longJsonb } from './arbitraries.js';
import { compareDecimal, decodeNumeric, encodeNumeric, normalizeNumber } from './decimal.js';
import { jsonAgg, jsonbAgg, jsonbObjectAgg, jsonObjectAgg, register } from './index.js';
import { compareJsonb, JSONB_NULL, type JsonbValue, jsonbNumber } from './jsonb-value.js';
import { JsonSqlError } from './parser.js';
import { jsonbType, jsonType } from './types.js';

const ctx = defaultContext();
const r = new Registry();
r.addType(boolType);
r.addType(int4Type);
r.addType(textType);
register(r);

const jb = (s: string) => jsonbType.input(s, -1, ctx);
const out = (v: JsonbValue) => jsonbType.output(v, ctx);
const path = (...xs: (string | null)[]) => pgArray(xs);

function errorOf(f: () => unknown): {
  code: string;
  message: string;
  detail?: string;
  context?: string;
} {
  try {
    f();
  } catch (e) {
    if (e instanceof SqlError) {
      const res: { code: string; message: string; detail?: string; context?: string } = {
        code: e.code,
        message: e.message,
      };
      if (e.detail !== undefined) res.detail = e.detail;
      if (e instanceof JsonSqlError && e.context !== undefined) res.context = e.context;
      return res;
    }
    throw e;
  }
  throw new Error('no error');
}

describe('type laws', () => {
  it('json obeys the laws', () => {
    checkTypeLaws(jsonType, jsonText);
  });
  it('jsonb obeys the laws', () => {
    checkTypeLaws(jsonbType, jsonbValue);
  });
  it('jsonb obeys the laws on long containers', () => {
    checkTypeLaws(jsonbType, longJsonb, { runs: 50 });
  });
});

describe('json input errors', () => {
  const cases: [string, string, string, string][] = [
    ['[}', '22P02', 'Expected JSON value, but found "}".', 'JSON data, line 1: [}'],
    ['{"a" 1}', '22P02', 'Expected ":", but found "1".', 'JSON data, line 1: {"a" 1...'],
    [
      '"\\uzzzz"',
      '22P02',
      '"\\u" must be followed by four hexadecimal digits.',
      'JSON data, line 1: "\\uz...',
    ],
    ['"\\q"', '22P02', 'Escape sequence "\\q" is invalid.', 'JSON data, line 1: "\\q...'],
    ['[1,\n2,\n  3 x', '22P02', 'Token "x" is invalid.', 'JSON data, line 3:   3 x'],
    ['"a\tb"', '22P02', 'Character with value 0x09 must be escaped.', 'JSON data, line 1: "a...'],
    ['   ', '22P02', 'The input string ended unexpectedly.', 'JSON data, line 1:    '],
    ['01', '22P02', 'Token "01" is invalid.', 'JSON data, line 1: 01'],
    ['"abc', '22P02', 'Token ""abc" is invalid.', 'JSON data, line 1: "abc'],
    ['{"a":1,}', '22P02', 'Expected string, but found "}".', 'JSON data, line 1: {"a":1,}'],
    ['{1:1}', '22P02', 'Expected string or "}", but found "1".', 'JSON data, line 1: {1...'],
    ['é', '22P02', 'Token "é" is invalid.', 'JSON data, line 1: é'],
    [
      `{"${'a'.repeat(79)}" 1}`,
      '22P02',
      'Expected ":", but found "1".',
      `JSON data, line 1: ...${'a'.repeat(46)}" 1...`,
    ],
  ];
  for (const [input, code, detail, context] of cases) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      expect(errorOf(() => jsonType.input(input, -1, ctx))).toEqual({
        code,
        message: 'invalid input syntax for type json',
        detail,
        context,
      });
    });
  }
  it('accepts \\u0000 and lone surrogates in json but not in jsonb', () => {
    expect(jsonType.input('"\\u0000"', -1, ctx)).toBe('"\\u0000"');
    expect(jsonType.input('"\\ud800"', -1, ctx)).toBe('"\\ud800"');
    expect(errorOf(() => jb('"\\u0000"'))).toEqual({
      code: '22P05',
      message: 'unsupported Unicode escape sequence',
      detail: '\\u0000 cannot be converted to text.',
      context: 'JSON data, line 1: "\\u0000...',
    });
    expect(errorOf(() => jb('"\\ud800"')).detail).toBe(
      'Unicode low surrogate must follow a high surrogate.',
    );
    expect(errorOf(() => jb('"\\ud800\\ud800"')).detail).toBe(
      'Unicode high surrogate must not follow a high surrogate.',
    );
    expect(jb('"\\ud83d\\ude00"')).toBe('😀');
  });
  it('limits nesting depth with 54001', () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(out(jb(deep(2000)))).toBe(deep(2000));
    expect(errorOf(() => jb(deep(2001)))).toMatchObject({
      code: '54001',
      message: 'stack depth limit exceeded',
    });
  });
  it('reports numeric overflow in jsonb', () => {
    expect(errorOf(() => jb('1e131072'))).toEqual({
      code: '22003',
      message: 'value overflows numeric format',
    });
    expect(errorOf(() => jb('1e-16384')).code).toBe('22003');
  });
});

describe('jsonb text', () => {
  it('normalizes numbers as numeric does', () => {
    expect(out(jb('[1.50, 1e2, -0, 1E-3, 1.000e2, -0.0, 1.5e1]'))).toBe(
      '[1.50, 100, 0, 0.001, 100.0, 0.0, 15]',
    );
  });
  it('sorts keys shorter first and keeps the last duplicate', () => {
    expect(out(jb('{"bb": 1, "a": 2, "b": 3, "a": 4}'))).toBe('{"a": 4, "b": 3, "bb": 1}');
  });
  it('escapes strings as PostgreSQL', () => {
    expect(out(jb('"\\u0001\\"\\\\\\b\\f\\n\\r\\t\\/é"'))).toBe(
      '"\\u0001\\"\\\\\\b\\f\\n\\r\\t/é"',
    );
  });
  it('prints jsonb_pretty with 4-space indentation', () => {
    expect(r.call('jsonb_pretty', [TypeOid.jsonb], [jb('{"a":[1,{"b":[]},{}],"c":{}}')], ctx)).toBe(
      '{\n    "a": [\n        1,\n        {\n            "b": [\n            ]\n        },\n        {\n        }\n    ],\n    "c": {\n    }\n}',
    );
  });
});

describe('decimals', () => {
  it('normalizes and compares', () => {
    expect(normalizeNumber('0.1e-3')).toBe('0.0001');
    expect(compareDecimal('1.0', '1.00')).toBe(0);
    expect(compareDecimal('-2', '1')).toBeLessThan(0);
    expect(compareDecimal('10', '9.99')).toBeGreaterThan(0);
    expect(compareDecimal('-10', '-9.99')).toBeLessThan(0);
  });
  it('round-trips the numeric on-disk format', () => {
    for (const t of ['0', '0.00', '1', '-1.50', '123456789.0001', '1e100', '1e-70', '0.0001']) {
      const n = normalizeNumber(t);
      expect(decodeNumeric(encodeNumeric(n))).toBe(n);
    }
    // 1.50: NumericShort, dscale 2, weight 0, digits 1, 5000
    expect([...encodeNumeric('1.50')]).toEqual([0x00, 0x81, 1, 0, 0x88, 0x13]);
  });
});

describe('jsonb order', () => {
  const order = [
    'null',
    '"a"',
    '1',
    'false',
    'true',
    '[]',
    '[null]',
    '[1, 2]',
    '{}',
    '{"b": 1}',
    '{"a": 1, "b": 2}',
  ];
  it('compares as compareJsonbContainers', () => {
    expect(compareJsonb(jb('null'), jb('[]'))).toBeGreaterThan(0);
    expect(compareJsonb(jb('1'), jb('[5]'))).toBeLessThan(0);
    expect(compareJsonb(jb('1.0'), jb('1'))).toBe(0);
    expect(compareJsonb(jb('[1]'), jb('[[1]]'))).toBeLessThan(0);
    expect(compareJsonb(jb('{"aa": 1}'), jb('{"b": 1}'))).toBeLessThan(0);
    for (let i = 1; i < order.length - 1; i++) {
      if (i === 4) continue; // raw scalars vs []: counts decide
      expect(compareJsonb(jb(order[i]!), jb(order[i + 1]!))).toBeLessThan(0);
    }
  });
  it('hashes equal values equally', () => {
    expect(jsonbType.hash(jb('[1.0, {"a": 2.00}]'))).toBe(jsonbType.hash(jb('[1, {"a": 2}]')));
  });
});

describe('jsonb on disk', () => {
  it('lays out a raw scalar and an object', () => {
    // '1': header 1 | FSCALAR | FARRAY, JEntry numeric with offset, numeric varlena
    expect([...jsonbType.encode(jb('true'))]).toEqual([1, 0, 0, 0x50, 0, 0, 0, 0xb0]);
    expect([...jsonbType.encode(jb('{"a": "b"}'))]).toEqual([
      1, 0, 0, 0x20, 1, 0, 0, 0x80, 1, 0, 0, 0, 0x61, 0x62,
    ]);
    const row = encodeRow([jsonbType], [jb('{"a": "b"}')]);
    expect(decodeRow([jsonbType], row.data, row.nullBitmap)).toEqual([jb('{"a": "b"}')]);
  });
});

describe('operators and functions', () => {
  const op = (name: string, left: number, right: number, a: unknown, b: unknown) =>
    r.operate(name, left, right, [a, b], ctx);
  const { jsonb, json, text, int4, _text } = TypeOid;
  it('-> ->> #> #>>', () => {
    const doc = jb('{"a": [1, "x", null, {"b": true}], "c": null}');
    expect(op('->', jsonb, text, doc, 'c')).toEqual(JSONB_NULL);
    expect(op('->>', jsonb, text, doc, 'c')).toBeNull();
    expect(op('->', jsonb, text, doc, 'zz')).toBeNull();
    expect(op('->', jsonb, int4, jb('[1, 2, 3]'), -1)).toEqual(jsonbNumber('3'));
    expect(op('->', jsonb, int4, jb('7'), 0)).toEqual(jsonbNumber('7'));
    expect(op('#>', jsonb, _text, doc, path('a', '-1', 'b'))).toBe(true);
    expect(op('#>>', jsonb, _text, doc, path('a', '1'))).toBe('x');
    expect(op('#>', jsonb, _text, doc, path('a', null))).toBeNull();
    expect(op('#>>', jsonb, _text, jb('"s"'), path())).toBe('s');
  });
  it('json accessors return the original text', () => {
    const doc = '{"a": [1,  {"b" : "x\\ny"}], "a": {"k": 1.50}}';
    expect(op('->', json, text, doc, 'a')).toBe('{"k": 1.50}');
    expect(op('#>', json, _text, '[1, [2,  3]]', path('1'))).toBe('[2,  3]');
    expect(op('->>', json, int4, '["x\\ny"]', 0)).toBe('x\ny');
    expect(op('->', json, int4, '[1,2]', -1)).toBe('2');
    expect(r.call('json_typeof', [json], ['  {}'], ctx)).toBe('object');
  });
  it('@> <@ ? ?| ?&', () => {
    expect(
      op('@>', jsonb, jsonb, jb('{"a": [1, 2, {"b": 3}], "c": 1}'), jb('{"a": [{"b": 3}]}')),
    ).toBe(true);
    expect(op('@>', jsonb, jsonb, jb('[1, 2]'), jb('1'))).toBe(true);
    expect(op('@>', jsonb, jsonb, jb('1'), jb('[1]'))).toBe(false);
    expect(op('@>', jsonb, jsonb, jb('[[1, 2]]'), jb('[1]'))).toBe(false);
    expect(op('<@', jsonb, jsonb, jb('{"a": 1}'), jb('{"a": 1, "b": 2}'))).toBe(true);
    expect(op('?', jsonb, text, jb('["a", {"b": 1}]'), 'b')).toBe(false);
    expect(op('?', jsonb, text, jb('"a"'), 'a')).toBe(true);
    expect(op('?|', jsonb, _text, jb('{"a": 1}'), path('x', 'a'))).toBe(true);
    expect(op('?&', jsonb, _text, jb('{"a": 1}'), path('x', 'a'))).toBe(false);
    expect(op('?&', jsonb, _text, jb('{"a": 1}'), path())).toBe(true);
  });
  it('|| - #- jsonb_set jsonb_insert', () => {
    const o = (v: unknown) => out(v as JsonbValue);
    expect(o(op('||', jsonb, jsonb, jb('1'), jb('2')))).toBe('[1, 2]');
    expect(o(op('||', jsonb, jsonb, jb('{"a": 1}'), jb('[2]')))).toBe('[{"a": 1}, 2]');
    expect(o(op('||', jsonb, jsonb, jb('{"a": 1}'), jb('{"a": 2, "b": 3}')))).toBe(
      '{"a": 2, "b": 3}',
    );
    expect(o(op('-', jsonb, text, jb('["a", "b", "a"]'), 'a'))).toBe('["b"]');
    expect(o(op('-', jsonb, int4, jb('[1, 2, 3]'), -1))).toBe('[1, 2]');
    expect(errorOf(() => op('-', jsonb, int4, jb('{}'), 0))).toEqual({
      code: '22023',
      message: 'cannot delete from object using integer index',
    });
    expect(o(op('#-', jsonb, _text, jb('{"a": [1, 2]}'), path('a', '0')))).toBe('{"a": [2]}');
    const set = (d: string, p: (string | null)[], v: string, c = true) =>
      o(
        r.call(
          'jsonb_set',
          [jsonb, _text, jsonb, TypeOid.bool],
          [jb(d), path(...p), jb(v), c],
          ctx,
        ),
      );
    expect(set('{"a": [1, 2]}', ['a', '-1'], '9')).toBe('{"a": [1, 9]}');
    expect(set('{"a": [1, 2]}', ['a', '10'], '9')).toBe('{"a": [1, 2, 9]}');
    expect(set('{"a": [1, 2]}', ['a', '-10'], '9')).toBe('{"a": [9, 1, 2]}');
    expect(set('{"a": 1}', ['b'], '2', false)).toBe('{"a": 1}');
    expect(set('{"a": 1}', ['b'], '2')).toBe('{"a": 1, "b": 2}');
    expect(errorOf(() => set('[1]', ['x'], '2'))).toEqual({
      code: '22P02',
      message: 'path element at position 1 is not an integer: "x"',
    });
    expect(
      o(
        r.call(
          'jsonb_insert',
          [jsonb, _text, jsonb, TypeOid.bool],
          [jb('[1, 2]'), path('1'), jb('9'), true],
          ctx,
        ),
      ),
    ).toBe('[1, 2, 9]');
  });
  it('set-returning functions and typeof', () => {
    expect([
      ...(r.call('jsonb_object_keys', [jsonb], [jb('{"b": 1, "a": 2}')], ctx) as Iterable<string>),
    ]).toEqual(['a', 'b']);
    expect([
      ...(r.call(
        'jsonb_each_text',
        [jsonb],
        [jb('{"a": null, "b": "x"}')],
        ctx,
      ) as Iterable<unknown>),
    ]).toEqual([
      ['a', null],
      ['b', 'x'],
    ]);
    expect(errorOf(() => r.call('jsonb_array_length', [jsonb], [jb('1')], ctx)).message).toBe(
      'cannot get array length of a scalar',
    );
    expect(r.call('jsonb_typeof', [jsonb], [jb('1.0')], ctx)).toBe('number');
  });
  it('builds json and jsonb', () => {
    const args = ['a', 1, 'b', null];
    const types = [text, int4, text, text];
    expect(r.call('json_build_object', types, args, ctx)).toBe('{"a" : 1, "b" : null}');
    expect(out(r.call('jsonb_build_object', types, args, ctx) as JsonbValue)).toBe(
      '{"a": 1, "b": null}',
    );
    expect(r.call('json_build_array', [int4, text, json], [1, 'x', '{"y" :1}'], ctx)).toBe(
      '[1, "x", {"y" :1}]',
    );
    expect(errorOf(() => r.call('jsonb_build_object', [text, int4], [null, 1], ctx))).toEqual({
      code: '22023',
      message: 'argument 1: key must not be null',
    });
    expect(errorOf(() => r.call('jsonb_build_object', [int4], [1], ctx)).message).toBe(
      'argument list must have even number of elements',
    );
    expect(
      r.call(
        'to_json',
        [TypeOid._int4],
        [{ dims: [2, 2], lbounds: [1, 1], elements: [1, 2, 3, 4] }],
        ctx,
      ),
    ).toBe('[[1,2],[3,4]]');
  });
  it('casts jsonb to scalars', () => {
    expect(r.cast(jsonb, int4)?.fn?.(jb('2.5'), -1, ctx, true)).toBe(3);
    expect(r.cast(jsonb, int4)?.fn?.(jb('-2.5'), -1, ctx, true)).toBe(-3);
    expect(r.cast(jsonb, TypeOid.int8)?.fn?.(jb('12'), -1, ctx, true)).toBe(12n);
    expect(errorOf(() => r.cast(jsonb, int4)?.fn?.(jb('"a"'), -1, ctx, true))).toEqual({
      code: '22023',
      message: 'cannot cast jsonb string to type integer',
    });
    expect(errorOf(() => r.cast(jsonb, int4)?.fn?.(jb('1e10'), -1, ctx, true)).message).toBe(
      'integer out of range',
    );
    expect(r.cast(json, jsonb)?.context).toBe('a');
  });
});

describe('more json functions', () => {
  const { json, _text } = TypeOid;
  const rows = (name: string, doc: string) => [
    ...(r.call(name, [json], [doc], ctx) as Iterable<unknown>),
  ];
  it('json_each, json_object_keys, json_array_elements keep duplicates and text', () => {
    const doc = '{"a" : [1,  2], "a":"x\\ny", "b": null}';
    expect(rows('json_each', doc)).toEqual([
      ['a', '[1,  2]'],
      ['a', '"x\\ny"'],
      ['b', 'null'],
    ]);
    expect(rows('json_each_text', doc)).toEqual([
      ['a', '[1,  2]'],
      ['a', 'x\ny'],
      ['b', null],
    ]);
    expect(rows('json_object_keys', doc)).toEqual(['a', 'a', 'b']);
    expect(rows('json_array_elements_text', '[ "a\\u00e9" , null, 1.50 ]')).toEqual([
      'aé',
      null,
      '1.50',
    ]);
    expect(errorOf(() => rows('json_each', '[1]')).message).toBe(
      'cannot deconstruct an array as an object',
    );
    expect(errorOf(() => rows('json_array_elements', '{}')).message).toBe(
      'cannot call json_array_elements on a non-array',
    );
  });
  it('json_strip_nulls drops whitespace and null fields', () => {
    expect(
      r.call('json_strip_nulls', [json], ['{"a" : null, "b":[ {"c":null} , null], "a":1}'], ctx),
    ).toBe('{"b":[{},null],"a":1}');
  });
  it('json #> resolves negative indexes as PostgreSQL 15 does', () => {
    // the -1 at level 1 is resolved against [true], the first long-enough array at that level
    expect(r.operate('#>', json, _text, ['[[],[true],[0,"\\u00e9"]]', path('2', '-1')], ctx)).toBe(
      '0',
    );
  });
  it('jsonb_object and json_object', () => {
    expect(
      out(r.call('jsonb_object', [_text], [path('a', '1', 'b', null)], ctx) as JsonbValue),
    ).toBe('{"a": "1", "b": null}');
    expect(r.call('json_object', [_text, _text], [path('a', 'a'), path('1', '2')], ctx)).toBe(
      '{"a" : "1", "a" : "2"}',
    );
    expect(errorOf(() => r.call('jsonb_object', [_text], [path('a')], ctx))).toEqual({
      code: '2202E',
      message: 'array must have even number of elements',
    });
    expect(errorOf(() => r.call('jsonb_object', [_text], [path(null, 'a')], ctx))).toEqual({
      code: '22004',
      message: 'null value not allowed for object key',
    });
  });
  it('jsonb_cmp returns the byte difference when strings decide', () => {
    expect(r.call('jsonb_cmp', [TypeOid.jsonb, TypeOid.jsonb], [jb('"a"'), jb('"c"')], ctx)).toBe(
      -2,
    );
    expect(r.call('jsonb_cmp', [TypeOid.jsonb, TypeOid.jsonb], [jb('"a"'), jb('"ab"')], ctx)).toBe(
      -1,
    );
  });
});

describe('aggregate helpers', () => {
  it('json_agg puts "\\n " before array elements, as PostgreSQL', () => {
    const arr = (xs: number[]) => pgArray(xs);
    expect(jsonAgg([arr([1, 2]), arr([3]), null, arr([4])], TypeOid._int4, r, ctx)).toBe(
      '[[1,2], \n [3], null, \n [4]]',
    );
    expect(jsonAgg([], TypeOid.int4, r, ctx)).toBeNull();
    expect(out(jsonbAgg([1, null], TypeOid.int4, r, ctx)!)).toBe('[1, null]');
  });
  it('json_object_agg keeps duplicates, jsonb_object_agg keeps the last', () => {
    const pairs: [unknown, unknown][] = [
      ['a', 1],
      ['b', null],
      ['a', 3],
    ];
    expect(jsonObjectAgg(pairs, TypeOid.text, TypeOid.int4, r, ctx)).toBe(
      '{ "a" : 1, "b" : null, "a" : 3 }',
    );
    expect(out(jsonbObjectAgg(pairs, TypeOid.text, TypeOid.int4, r, ctx)!)).toBe(
      '{"a": 3, "b": null}',
    );
    expect(errorOf(() => jsonbObjectAgg([[null, 1]], TypeOid.text, TypeOid.int4, r, ctx))).toEqual({
      code: '22023',
      message: 'field name must not be null',
    });
  });
});

describe('arbitrary sanity', () => {
  it('json texts are valid JSON', () => {
    fc.assert(
      fc.property(jsonText, (t) => {
        expect(() => JSON.parse(t)).not.toThrow();
      }),
      { numRuns: 100 },
    );
  });
});
