/**
 * Test-only: fast-check arbitraries of PgArray values (any number of
 * dimensions up to 3, lower bounds other than 1, NULL elements, empty), and
 * of element values for the element types tests use.
 */
import fc from 'fast-check';
import type { PgArray } from '../core/array-value.js';

/** Arrays of `elem` values (null included), empty, 1-D to `maxDims`-D, with varied lower bounds. */
export function arrayOf<T>(
  elem: fc.Arbitrary<T>,
  options: { maxDims?: number; maxLen?: number; lbounds?: boolean | 'small' } = {},
): fc.Arbitrary<PgArray<T>> {
  const maxDims = options.maxDims ?? 3;
  const maxLen = options.maxLen ?? 4;
  const lb =
    options.lbounds === false
      ? fc.constant(1)
      : options.lbounds === 'small'
        ? fc.oneof(fc.constant(1), fc.integer({ min: -3, max: 3 }))
        : fc.oneof(
            { weight: 6, arbitrary: fc.constant(1) },
            { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) },
            { weight: 1, arbitrary: fc.integer({ min: -2147483648, max: 2147483647 - maxLen }) },
          );
  const value = fc.option(elem, { freq: 6, nil: null });
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant({ dims: [], lbounds: [], elements: [] } as PgArray<T>) },
    {
      weight: 8,
      arbitrary: fc
        .integer({ min: 1, max: maxDims })
        .chain((ndim) =>
          fc.tuple(
            fc.array(fc.integer({ min: 1, max: maxLen }), { minLength: ndim, maxLength: ndim }),
            fc.array(lb, { minLength: ndim, maxLength: ndim }),
          ),
        )
        .chain(([dims, lbounds]) => {
          const n = dims.reduce((a, b) => a * b, 1);
          return fc
            .array(value, { minLength: n, maxLength: n })
            .map((elements): PgArray<T> => ({ dims, lbounds, elements }));
        }),
    },
  );
}

/** Strings that stress array quoting: empty, NULL, quotes, backslashes, braces, spaces, unicode. */
export const trickyText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    'NULL',
    'null',
    'NuLl',
    ' NULL ',
    '"',
    '\\',
    '{',
    '}',
    ',',
    'a b',
    ' a',
    'a ',
    '\t',
    '\n',
    'é',
    '日本',
    '😀',
    "'",
    '[1:2]',
    '=',
  ),
  fc.string({ maxLength: 6 }).filter((s) => !s.includes('\0')),
  fc
    .array(fc.constantFrom('a', 'Z', '1', ' ', '"', '\\', '{', '}', ',', 'é', '\t', '\v'), {
      maxLength: 6,
    })
    .map((cs) => cs.join('')),
);

/** int4 values with the extremes. */
export const int4Values: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1, 2147483647, -2147483648),
);

/** Element texts to build arrays of the other families' types from (by typname). */
export const SAMPLES: Record<string, readonly string[]> = {
  int2: ['0', '-32768', '32767', '7'],
  int8: ['0', '-9223372036854775808', '9223372036854775807', '42'],
  float4: ['1.5', '-0', 'NaN', 'Infinity', '3.4028235e+38', '1e-45'],
  float8: ['0.1', '-Infinity', 'NaN', '1e+308', '-0'],
  oid: ['0', '4294967295', '26'],
  numeric: ['0', '-1.50', 'NaN', '123456789.000000001', '1e-20'],
  varchar: ['a', '', 'x y', 'NULL', '"'],
  bpchar: ['a', 'ab  ', ''],
  name: ['abc', '', 'x y'],
  char: ['a', ''],
  bytea: ['\\x', '\\x00ff', 'abc'],
  uuid: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '00000000-0000-0000-0000-000000000000'],
  date: ['2000-01-01', 'infinity', '1999-12-31', '4713-01-01 BC'],
  time: ['00:00:00', '23:59:59.999999', '12:34'],
  timetz: ['12:00:00+01', '00:00:00-14:59'],
  timestamp: ['2000-01-01 00:00:00', 'infinity', '-infinity', '1970-01-01 12:00:00.5'],
  timestamptz: ['2000-01-01 00:00:00+00', 'infinity', '1970-01-01 12:00:00.5+02'],
  interval: ['1 day', '-1 mon 2 days 00:00:01', '0'],
  json: ['{"a":1}', '[1, 2]', 'null', '"x"'],
  jsonb: ['{"a":1}', '[1, 2]', 'null', '"x"'],
};
