/**
 * Test-only: fast-check arbitraries of json texts and jsonb values (edge
 * cases: number texts such as 1.50, 1e2, -0, 1E-3, unicode and control
 * characters, escapes, duplicate keys, deep nesting, long containers).
 */
import fc from 'fast-check';
import { normalizeNumber } from './decimal.js';
import { JSONB_NULL, type JsonbValue, jsonbNumber, makeObject } from './jsonb-value.js';

/** JSON number tokens, including the ones numeric normalizes. */
export const numberToken: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '0',
    '-0',
    '1.50',
    '1e2',
    '1E-3',
    '-0.0',
    '0.000',
    '1.000e2',
    '123456789012345678901234567890',
    '1e-20',
    '9999.9999',
    '-1e+5',
    '10000',
    '1e63',
    '1e300',
    '0.1e-70',
  ),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc
    .tuple(
      fc.boolean(),
      fc.stringMatching(/^(0|[1-9][0-9]{0,25})$/),
      fc.option(fc.stringMatching(/^[0-9]{1,20}$/), { nil: undefined }),
      fc.option(fc.integer({ min: -80, max: 80 }), { nil: undefined }),
    )
    .map(
      ([neg, i, f, e]) =>
        `${neg ? '-' : ''}${i}${f !== undefined ? `.${f}` : ''}${e !== undefined ? `e${e}` : ''}`,
    ),
);

/** Replaces unpaired surrogates (which cannot reach PostgreSQL as UTF-8) with U+FFFD. */
export function wellFormed(s: string): string {
  return s.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

/** Strings without NUL (which jsonb cannot hold), biased to awkward characters. */
export const jsonString: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.string({
      unit: fc.constantFrom(
        'a',
        'b',
        '"',
        '\\',
        '\n',
        '\t',
        '\u0001',
        '\u001f',
        'é',
        '😀',
        '/',
        ' ',
        '\u2028',
      ),
      maxLength: 6,
    }),
    fc.constantFrom('', 'a', 'b', 'aa', 'ab', 'key', 'é'),
  )
  .map((s) => wellFormed(s.replace(/\0/g, '')));

/** Keys from a small set so that duplicates and shared keys are common. */
export const jsonKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('a', 'b', 'c', 'aa', 'ab', '', 'é', 'key', 'b1'),
  jsonString,
);

const scalar: fc.Arbitrary<JsonbValue> = fc.oneof(
  fc.constant(JSONB_NULL),
  fc.boolean(),
  jsonString,
  numberToken.map((t) => jsonbNumber(normalizeNumber(t))),
);

/** jsonb values, nested up to a few levels. */
export const jsonbValue: fc.Arbitrary<JsonbValue> = fc.letrec<{ value: JsonbValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .array(fc.tuple(jsonKey, tie('value')), { maxLength: 5 })
      .map((pairs) => makeObject(pairs) as JsonbValue),
  ),
})).value;

/** Long containers (over JB_OFFSET_STRIDE = 32 entries). */
export const longJsonb: fc.Arbitrary<JsonbValue> = fc.oneof(
  fc.array(scalar, { minLength: 30, maxLength: 70 }),
  fc
    .array(fc.tuple(fc.string({ maxLength: 4 }), scalar), { minLength: 20, maxLength: 50 })
    .map((pairs) => makeObject(pairs.map(([k, v]) => [k.replace(/\0/g, ''), v] as const))),
);

/** JSON texts with random whitespace around tokens (and duplicate keys, escapes). */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ text: string }>((tie) => {
  const ws = fc.constantFrom('', '', ' ', '\n', '  ', '\t', '\r\n');
  const str = fc.oneof(
    jsonString.map((s) => JSON.stringify(s)),
    fc.constantFrom('"\\u00e9"', '"\\ud83d\\ude00"', '"a\\/b"', '"\\u0041\\n"', '"\\b\\f\\r\\t"'),
  );
  return {
    text: fc.oneof(
      { depthSize: 'small' },
      fc.oneof(str, numberToken, fc.constantFrom('true', 'false', 'null')),
      fc
        .array(fc.tuple(ws, tie('text'), ws), { maxLength: 4 })
        .map((xs) => `[${xs.map(([a, t, b]) => a + t + b).join(',')}]`),
      fc
        .array(fc.tuple(ws, str, ws, tie('text'), ws), { maxLength: 4 })
        .map((xs) => `{${xs.map(([a, k, b, v, c]) => `${a}${k}${b}:${v}${c}`).join(',')}}`),
    ),
  };
}).text;

/** Invalid (and some valid) JSON: mutations of valid texts. */
export const brokenJsonText: fc.Arbitrary<string> = fc
  .oneof(
    fc
      .tuple(jsonText, fc.nat(), fc.nat({ max: 20 }))
      .map(
        ([t, at, n]) => t.slice(0, at % (t.length + 1)) + t.slice((at % (t.length + 1)) + (n % 3)),
      ),
    fc
      .tuple(
        jsonText,
        fc.nat(),
        fc.constantFrom(
          'x',
          '}',
          ']',
          ',',
          ':',
          '"',
          '\\',
          '01',
          '-',
          '1.',
          'tru',
          '\\u12',
          '\\q',
          '\t',
          'é',
          '@',
          '\\ud800',
          '\\udc00',
          '\\u0000',
        ),
      )
      .map(([t, at, ins]) => {
        const i = at % (t.length + 1);
        return t.slice(0, i) + ins + t.slice(i);
      }),
    fc.constantFrom(
      '',
      '   ',
      '{',
      '[',
      '{"a"',
      '{"a":',
      '[1,]',
      '{"a":1,}',
      '{1:1}',
      'nul',
      'True',
      '"abc',
      '"\\u00zz"',
      '1e',
      '+1',
      '.5',
      '0x1',
      'NaN',
      '-Infinity',
      '"\\u0000"',
      '"\\ud800"',
      '"\\ud800\\ud800"',
      '"\\ud800x"',
      '[1 2]',
      '{"a" 1}',
      '"a"b',
    ),
  )
  .map(wellFormed);

/** Long one-line documents with multi-byte characters and an injected error (context excerpts). */
export const longBrokenLine: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.oneof(jsonString, fc.constantFrom('ééééé', '😀😀😀', 'abcdefghij')), {
      minLength: 5,
      maxLength: 15,
    }),
    fc.nat(),
    fc.constantFrom('x', '}', ',,', '"\\q"', '\n]', '01', '\t'),
  )
  .map(([xs, at, bad]) => {
    const t = JSON.stringify(xs);
    const i = at % (t.length + 1);
    return wellFormed(t.slice(0, i) + bad + t.slice(i));
  });
