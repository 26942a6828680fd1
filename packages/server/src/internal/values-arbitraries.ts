/**
 * Test helper: SQL expressions that produce random values of every
 * built-in type (a quoted literal cast to the type), and a few fixed edge
 * cases each. values.test.ts round-trips them through encodeValue /
 * decodeParam; values.pg.test.ts compares the bytes with PostgreSQL 15.
 */
import fc from 'fast-check';

export interface LiteralCase {
  /** The type's SQL name (as cast to). */
  readonly name: string;
  /** Edge cases, as SQL expressions. */
  readonly fixed: readonly string[];
  /** Random values, as SQL expressions. */
  readonly literal: fc.Arbitrary<string>;
  /** The element-text arbitrary (unquoted, as the type's input reads it), for arrays. */
  readonly element?: fc.Arbitrary<string>;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const cast = (type: string) => (text: string) => `${quote(text)}::${type}`;

const pad = (n: number | bigint, w: number) => String(n).padStart(w, '0');

/** Text without NUL (PostgreSQL's text cannot hold it). */
const safeText = fc
  .string({ unit: 'grapheme', maxLength: 12 })
  .map((s) => s.replace(/\0/g, ''))
  .filter((s) => !/[\uD800-\uDFFF]/.test(s));

const numericText = fc.oneof(
  fc
    .tuple(
      fc.boolean(),
      fc.stringMatching(/^[0-9]{1,30}$/),
      fc.option(fc.stringMatching(/^[0-9]{1,20}$/), { nil: undefined }),
    )
    .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '0', '0.000', '-0.5', '1e-20', '123e10'),
);

const floatText = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

const dateText = fc.integer({ min: -2_000_000, max: 2_900_000 }).map((days) => {
  // days from 2000-01-01, printed in ISO with BC for year <= 0
  const d = new Date(Date.UTC(2000, 0, 1) + days * 86_400_000);
  const y = d.getUTCFullYear();
  const bc = y <= 0;
  return `${pad(bc ? 1 - y : y, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}${bc ? ' BC' : ''}`;
});

const timeText = fc
  .tuple(
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 999_999 }),
  )
  .map(([h, m, s, us]) => `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(us, 6)}`);

const offsetText = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 15, 30, 45))
  .map(([neg, h, m]) => `${neg ? '-' : '+'}${pad(h, 2)}:${pad(m, 2)}`);

const timestampText = fc
  .tuple(fc.integer({ min: -700_000, max: 2_900_000 }), timeText)
  .chain(([days]) =>
    fc.constant(days).chain((d) =>
      timeText.map((t) => {
        const x = new Date(Date.UTC(2000, 0, 1) + d * 86_400_000);
        const y = x.getUTCFullYear();
        const bc = y <= 0;
        return `${pad(bc ? 1 - y : y, 4)}-${pad(x.getUTCMonth() + 1, 2)}-${pad(x.getUTCDate(), 2)} ${t}${bc ? ' BC' : ''}`;
      }),
    ),
  );

const intervalText = fc
  .tuple(
    fc.integer({ min: -100_000, max: 100_000 }),
    fc.integer({ min: -100_000, max: 100_000 }),
    fc.boolean(),
    fc.integer({ min: 0, max: 2_000_000 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 999_999 }),
  )
  .map(
    ([mons, days, neg, h, m, s, us]) =>
      `${mons} mons ${days} days ${neg ? '-' : ''}${h}:${pad(m, 2)}:${pad(s, 2)}.${pad(us, 6)}`,
  );

const jsonText = fc
  .json({ maxDepth: 3 })
  .filter((j) => !j.includes('\\u0000') && !/[\uD800-\uDFFF]/.test(j));

const bitText = fc.stringMatching(/^[01]{0,40}$/);

const scalarCases: LiteralCase[] = [
  {
    name: 'bool',
    fixed: ['true', 'false'],
    literal: fc.boolean().map((b) => cast('bool')(String(b))),
    element: fc.constantFrom('t', 'f', 'true', 'false'),
  },
  {
    name: 'int2',
    fixed: ['(-32768)::int2', '32767::int2', '0::int2'],
    literal: fc.integer({ min: -32768, max: 32767 }).map((n) => cast('int2')(String(n))),
    element: fc.integer({ min: -32768, max: 32767 }).map(String),
  },
  {
    name: 'int4',
    fixed: ['(-2147483648)::int4', '2147483647::int4'],
    literal: fc.integer().map((n) => cast('int4')(String(n))),
    element: fc.integer().map(String),
  },
  {
    name: 'int8',
    fixed: ["'-9223372036854775808'::int8", "'9223372036854775807'::int8"],
    literal: fc
      .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
      .map((n) => cast('int8')(String(n))),
    element: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
  },
  {
    name: 'oid',
    fixed: ["'4294967295'::oid", '0::oid'],
    literal: fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((n) => cast('oid')(String(n))),
    element: fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(String),
  },
  {
    name: 'float4',
    fixed: ["'NaN'::float4", "'-Infinity'::float4", "'-0'::float4", "'1.17549435e-38'::float4"],
    literal: fc.float({ noNaN: true }).map((v) => cast('float4')(floatText(v))),
    element: fc.float().map(floatText),
  },
  {
    name: 'float8',
    fixed: ["'NaN'::float8", "'Infinity'::float8", "'-0'::float8", "'4.9e-324'::float8"],
    literal: fc.double().map((v) => cast('float8')(floatText(v))),
    element: fc.double().map(floatText),
  },
  {
    name: 'numeric',
    fixed: [
      "'NaN'::numeric",
      "'-Infinity'::numeric",
      "'0.00'::numeric",
      "'12345.678'::numeric(10,2)",
    ],
    literal: numericText.map(cast('numeric')),
    element: numericText,
  },
  {
    name: 'text',
    fixed: ["''::text", "'NULL'::text", "'a\"b\\c'::text"],
    literal: safeText.map(cast('text')),
    element: safeText,
  },
  {
    name: 'varchar',
    fixed: ["'abc'::varchar(5)"],
    literal: safeText.map(cast('varchar')),
    element: safeText,
  },
  {
    name: 'bpchar',
    fixed: ["'ab'::char(4)", "''::bpchar"],
    literal: safeText.map((t) => `${quote(t)}::char(${Math.max(1, [...t].length + 2)})`),
    element: safeText,
  },
  {
    name: 'name',
    fixed: ["'pg_class'::name"],
    literal: fc.stringMatching(/^[a-z_][a-z0-9_ ]{0,40}$/).map(cast('name')),
    element: fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}$/),
  },
  {
    name: '"char"',
    fixed: ['\'a\'::"char"', '\'\'::"char"'],
    literal: fc.stringMatching(/^[a-zA-Z0-9 ]$/).map(cast('"char"')),
  },
  {
    name: 'bytea',
    fixed: ["'\\x'::bytea", "'\\x00ff'::bytea"],
    literal: fc
      .uint8Array({ maxLength: 20 })
      .map((b) => cast('bytea')(`\\x${Buffer.from(b).toString('hex')}`)),
    element: fc.uint8Array({ maxLength: 8 }).map((b) => `\\x${Buffer.from(b).toString('hex')}`),
  },
  {
    name: 'uuid',
    fixed: ["'00000000-0000-0000-0000-000000000000'::uuid"],
    literal: fc.uuid().map(cast('uuid')),
    element: fc.uuid(),
  },
  {
    name: 'date',
    fixed: [
      "'infinity'::date",
      "'-infinity'::date",
      "'4713-01-01 BC'::date",
      "'5874897-12-31'::date",
    ],
    literal: dateText.map(cast('date')),
    element: dateText,
  },
  {
    name: 'time',
    fixed: ["'24:00:00'::time", "'00:00:00'::time"],
    literal: timeText.map(cast('time')),
    element: timeText,
  },
  {
    name: 'timetz',
    fixed: ["'00:00:00+15:59'::timetz", "'23:59:59.999999-15:59'::timetz"],
    literal: fc.tuple(timeText, offsetText).map(([t, o]) => cast('timetz')(`${t}${o}`)),
    element: fc.tuple(timeText, offsetText).map(([t, o]) => `${t}${o}`),
  },
  {
    name: 'timestamp',
    fixed: [
      "'infinity'::timestamp",
      "'-infinity'::timestamp",
      "'4713-01-01 00:00:00 BC'::timestamp",
    ],
    literal: timestampText.map(cast('timestamp')),
    element: timestampText,
  },
  {
    name: 'timestamptz',
    fixed: ["'infinity'::timestamptz", "'2000-01-01 00:00:00+00'::timestamptz"],
    literal: fc
      .tuple(timestampText, offsetText)
      .map(([t, o]) => cast('timestamptz')(t.replace(/( BC)?$/, `${o}$1`))),
    element: fc.tuple(timestampText, offsetText).map(([t, o]) => t.replace(/( BC)?$/, `${o}$1`)),
  },
  {
    name: 'interval',
    fixed: ["'0'::interval", "'-1 year -2 mons +3 days -04:05:06.000007'::interval"],
    literal: intervalText.map(cast('interval')),
    element: intervalText,
  },
  {
    name: 'json',
    fixed: ['\'{"a": [1, 2.50, null]}\'::json'],
    literal: jsonText.map(cast('json')),
    element: jsonText,
  },
  {
    name: 'jsonb',
    fixed: ['\'{"b": 1, "a": [true, 2.50, "x"]}\'::jsonb', "'null'::jsonb"],
    literal: jsonText.map(cast('jsonb')),
    element: jsonText,
  },
  {
    name: 'bit',
    fixed: ["B'1'::bit", "B'10101010101'::bit(11)"],
    literal: bitText.filter((b) => b.length > 0).map((b) => `B'${b}'::bit(${b.length})`),
  },
  {
    name: 'varbit',
    fixed: ["B''::varbit", "B'1'::varbit"],
    literal: bitText.map((b) => `B'${b}'::varbit`),
    element: bitText,
  },
];

/** An array literal's element text, quoted as array_in reads it. */
function arrayElement(text: string | null): string {
  if (text === null) return 'NULL';
  return `"${text.replace(/(["\\])/g, '\\$1')}"`;
}

function arrayCase(c: LiteralCase & { element: fc.Arbitrary<string> }): LiteralCase {
  const elem = fc.option(c.element, { nil: null, freq: 5 });
  const oneDim = fc
    .array(elem, { maxLength: 5 })
    .map((xs) => `{${xs.map(arrayElement).join(',')}}`);
  const twoDim = fc
    .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))
    .chain(([rows, cols]) =>
      fc.array(fc.array(elem, { minLength: cols, maxLength: cols }), {
        minLength: rows,
        maxLength: rows,
      }),
    )
    .map((m) => `{${m.map((r) => `{${r.map(arrayElement).join(',')}}`).join(',')}}`);
  const bounded = fc
    .tuple(fc.integer({ min: -3, max: 3 }), fc.array(elem, { minLength: 1, maxLength: 3 }))
    .map(([lb, xs]) => `[${lb}:${lb + xs.length - 1}]={${xs.map(arrayElement).join(',')}}`);
  const type = c.name === 'bpchar' ? 'bpchar' : c.name;
  return {
    name: `${c.name}[]`,
    fixed: [`'{}'::${type}[]`],
    literal: fc.oneof(oneDim, twoDim, bounded).map((t) => `${quote(t)}::${type}[]`),
  };
}

export const literalCases: readonly LiteralCase[] = [
  ...scalarCases,
  ...scalarCases.flatMap((c) =>
    c.element === undefined
      ? []
      : [arrayCase(c as LiteralCase & { element: fc.Arbitrary<string> })],
  ),
  {
    name: 'reg*',
    fixed: [
      "'pg_class'::regclass",
      "'integer'::regtype",
      "'pg_catalog'::regnamespace",
      "'12345'::regclass",
      "ARRAY['int4'::regtype, 'text'::regtype]",
    ],
    literal: fc.constantFrom(
      "'pg_type'::regclass",
      "'numeric(10,2)'::regtype",
      "'bool[]'::regtype",
    ),
  },
  {
    name: 'record',
    fixed: ["ROW(1, 'a b', NULL, 2.5::numeric)", "ROW('{1,2}'::int[], ROW(true))"],
    literal: fc
      .tuple(fc.integer(), safeText)
      .map(([n, t]) => `ROW(${n}, ${quote(t)}, ${quote(t)}::varchar)`),
  },
];
