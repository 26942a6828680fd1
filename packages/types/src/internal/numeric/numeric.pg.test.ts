/**
 * Differential tests of the numeric family against a real PostgreSQL 15:
 * text input (valid and invalid), typmod coercion, arithmetic, functions,
 * casts, comparisons, binary send and the on-disk datum, on generated
 * values. Each case compares text output, or SQLSTATE and message.
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultContext } from '../core/context.js';
import { encodeRow } from '../core/datum.js';
import { expectSameOutcome, type Outcome, ourOutcome, pgOutcome } from '../core/pgdiff.js';
import { Registry } from '../core/registry.js';
import { register } from './index.js';
import { makeNumericTypmod, numericType } from './numeric.js';
import type { Numeric } from './value.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 150);
const ctx = defaultContext();
const r = new Registry();
register(r);
const N = 1700;
const INT4 = 23;

let pg: ReferencePostgres;
let agreed = 0;

beforeAll(async () => {
  pg = await startReferencePostgres();
});
afterAll(async () => {
  await pg?.stop();
  console.log(`numeric differential: ${agreed} cases agreed with PostgreSQL`);
});

/** Decimal strings of every shape: digits, point, exponent, sign, spaces, specials. */
const decimalText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        sign: fc.constantFrom('', '-', '+'),
        digits: fc.oneof(
          fc.bigInt({ min: 0n, max: 10n ** 6n }),
          fc.bigInt({ min: 0n, max: 10n ** 25n }),
          fc.bigInt({ min: 0n, max: 10n ** 60n }),
        ),
        zeros: fc.nat(4),
        point: fc.nat(30),
        exp: fc.option(fc.integer({ min: -40, max: 40 }), { freq: 4 }),
      })
      .map(({ sign, digits, zeros, point, exp }) => {
        let s = '0'.repeat(zeros) + digits.toString();
        if (point > 0 && point <= s.length)
          s = `${s.slice(0, s.length - point)}.${s.slice(s.length - point)}`;
        else if (point > s.length && point < 25) s = `0.${'0'.repeat(point - s.length)}${s}`;
        return sign + s + (exp === null ? '' : `e${exp}`);
      }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'NaN',
      'nan',
      'Infinity',
      '-Infinity',
      '+inf',
      '-INF',
      'infinity',
      '  1.5  ',
      '.5',
      '5.',
      '0',
      '-0',
      '0.000',
      '1e',
      'e5',
      '1.2.3',
      '--1',
      '1e+',
      ' ',
      '',
      '1 2',
      'NaNx',
      '1e 5',
      '9999.9999',
      '-0.00001',
      '1e131071',
      '1e131072',
      '1e-16383',
      '1e-16384',
      '0e-20',
      'infinit',
      '\t-12.5e-3\n',
      '١',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

/** Finite or special values as text that PostgreSQL accepts. */
const valueText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .record({
        digits: fc.oneof(
          fc.bigInt({ min: -(10n ** 8n), max: 10n ** 8n }),
          fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        ),
        scale: fc.integer({ min: -6, max: 24 }),
      })
      .map(({ digits, scale }) => `${digits}e${-scale}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('NaN', 'Infinity', '-Infinity', '0', '1', '-1', '0.0') },
);

const our = (text: string): Numeric => numericType.input(text, -1, ctx);
const out = (v: unknown): string | null =>
  v === null ? null : numericType.output(v as Numeric, ctx);

async function same(
  label: string,
  sql: string,
  params: string[],
  ours: () => string | null,
  messages = true,
) {
  const theirs = await pgOutcome(pg, sql, params);
  const mine = ourOutcome(ours);
  expectSameOutcome(`${label} ${JSON.stringify(params)}`, mine, theirs, messages);
  agreed++;
}

describe('numeric against PostgreSQL 15', () => {
  it('text input and output', async () => {
    await fc.assert(
      fc.asyncProperty(decimalText, async (s) => {
        if (s.includes('\0')) return;
        await same('input', 'SELECT $1::text::numeric::text AS v', [s], () => out(our(s)));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('typmod coercion numeric(p,s)', async () => {
    await fc.assert(
      fc.asyncProperty(
        decimalText,
        fc.oneof(
          { weight: 9, arbitrary: fc.integer({ min: 1, max: 20 }) },
          { weight: 1, arbitrary: fc.integer({ min: 1, max: 1000 }) },
        ),
        fc.oneof(
          { weight: 9, arbitrary: fc.integer({ min: -5, max: 25 }) },
          { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
        ),
        async (s, p, sc) => {
          if (s.includes('\0')) return;
          const typmod = makeNumericTypmod(p, sc);
          await same(
            `numeric(${p},${sc})`,
            `SELECT $1::text::numeric(${p},${sc})::text AS v`,
            [s],
            () => out(numericType.input(s, typmod, ctx)),
          );
          // and the length-coercion cast of an existing value
          await same(
            `cast numeric(${p},${sc})`,
            `SELECT ($1::text::numeric)::numeric(${p},${sc})::text AS v`,
            [s],
            () => out(r.cast(N, N)!.fn!(our(s), typmod, ctx, true)),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('arithmetic operators', async () => {
    const ops = ['+', '-', '*', '/', '%', '^'] as const;
    await fc.assert(
      fc.asyncProperty(valueText, valueText, fc.constantFrom(...ops), async (a, b, op) => {
        // keep ^ tractable: small exponents
        if (op === '^' && b.length > 12) return;
        await same(
          op,
          `SELECT ($1::text::numeric ${op} $2::text::numeric)::text AS v`,
          [a, b],
          () => out(r.operate(op, N, N, [our(a), our(b)], ctx)),
        );
      }),
      { numRuns: RUNS * 4 },
    );
    // long operands and large scales: multi-digit mul_var/div_var, select_div_scale extremes
    const wide = fc
      .record({
        d: fc.bigInt({ min: -(10n ** 120n), max: 10n ** 120n }),
        s: fc.integer({ min: -40, max: 200 }),
      })
      .map(({ d, s }) => `${d}e${-s}`);
    await fc.assert(
      fc.asyncProperty(
        wide,
        wide,
        fc.constantFrom('+', '-', '*', '/', '%', '<'),
        async (a, b, op) => {
          await same(
            op,
            `SELECT ($1::text::numeric ${op} $2::text::numeric)::text AS v`,
            [a, b],
            () => {
              const v = r.operate(op, N, N, [our(a), our(b)], ctx);
              return typeof v === 'boolean' ? String(v) : out(v);
            },
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('power with small bases and exponents', async () => {
    const small = fc
      .record({ d: fc.integer({ min: -2000, max: 2000 }), s: fc.integer({ min: 0, max: 3 }) })
      .map(({ d, s }) => `${d}e${-s}`);
    await fc.assert(
      fc.asyncProperty(small, small, async (a, b) => {
        await same('^', 'SELECT ($1::text::numeric ^ $2::text::numeric)::text AS v', [a, b], () =>
          out(r.operate('^', N, N, [our(a), our(b)], ctx)),
        );
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('unary functions', async () => {
    const fns = [
      'abs',
      'sign',
      'ceil',
      'ceiling',
      'floor',
      'sqrt',
      'exp',
      'ln',
      'log',
      'log10',
      'round',
      'trunc',
      'trim_scale',
      'scale',
      'min_scale',
      'numeric_uminus',
      'numeric_inc',
    ] as const;
    await fc.assert(
      fc.asyncProperty(valueText, fc.constantFrom(...fns), async (a, f) => {
        if (f === 'exp' && a.length > 14) return;
        const result = r.findFunction(f, [N])!.result;
        await same(f, `SELECT ${f}($1::text::numeric)::text AS v`, [a], () => {
          const v = r.call(f, [N], [our(a)], ctx);
          return result === N ? out(v) : v === null ? null : String(v);
        });
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('binary functions', async () => {
    const fns = [
      'div',
      'mod',
      'log',
      'gcd',
      'lcm',
      'power',
      'numeric_larger',
      'numeric_smaller',
    ] as const;
    await fc.assert(
      fc.asyncProperty(valueText, valueText, fc.constantFrom(...fns), async (a, b, f) => {
        if (f === 'power' && b.length > 10) return;
        await same(f, `SELECT ${f}($1::text::numeric, $2::text::numeric)::text AS v`, [a, b], () =>
          out(r.call(f, [N, N], [our(a), our(b)], ctx)),
        );
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('round and trunc with a scale, width_bucket', async () => {
    await fc.assert(
      fc.asyncProperty(
        valueText,
        fc.oneof(
          { weight: 9, arbitrary: fc.integer({ min: -12, max: 30 }) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(-2147483648, -131073, -2002, 2001, 16384, 2147483647),
          },
        ),
        fc.boolean(),
        async (a, s, round) => {
          const f = round ? 'round' : 'trunc';
          await same(f, `SELECT ${f}($1::text::numeric, ${s})::text AS v`, [a], () =>
            out(r.call(f, [N, INT4], [our(a), s], ctx)),
          );
        },
      ),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(
        valueText,
        valueText,
        valueText,
        fc.integer({ min: -1, max: 30 }),
        async (o, b1, b2, c) => {
          await same(
            'width_bucket',
            `SELECT width_bucket($1::text::numeric, $2::text::numeric, $3::text::numeric, ${c})::text AS v`,
            [o, b1, b2],
            () =>
              String(r.call('width_bucket', [N, N, N, INT4], [our(o), our(b1), our(b2), c], ctx)),
          );
        },
      ),
      { numRuns: RUNS / 2 },
    );
  });

  it('transcendental functions on wide ranges', async () => {
    const decimal = (maxDigits: bigint, minScale: number, maxScale: number) =>
      fc
        .record({
          d: fc.bigInt({ min: -maxDigits, max: maxDigits }),
          s: fc.integer({ min: minScale, max: maxScale }),
        })
        .map(({ d, s }) => `${d}e${-s}`);
    const positive = fc.oneof(
      decimal(10n ** 40n, -30, 60).map((t) => (t.startsWith('-') ? t.slice(1) : t)),
      fc
        .record({
          k: fc.integer({ min: 1, max: 40 }),
          d: fc.bigInt({ min: 1n, max: 999n }),
          up: fc.boolean(),
        })
        .map(
          ({ k, d, up }) =>
            `${up ? '1' : '0.9999999999999999999999999999999999999999'}${up ? `.${'0'.repeat(k)}${d}` : ''}`,
        ),
    );
    const expArg = fc.oneof(
      {
        weight: 8,
        arbitrary: decimal(100_000_000n, 0, 12).filter((t) => Math.abs(Number(t)) < 300),
      },
      {
        weight: 1,
        arbitrary: decimal(7_000_000_000n, 0, 9).filter((t) => Math.abs(Number(t)) < 7000),
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          positive.map((a) => ['ln', a] as const),
          positive.map((a) => ['log10', a] as const),
          positive.map((a) => ['sqrt', a] as const),
          expArg.map((a) => ['exp', a] as const),
        ),
        async ([f, a]) => {
          await same(f, `SELECT ${f}($1::text::numeric)::text AS v`, [a], () =>
            out(r.call(f, [N], [our(a)], ctx)),
          );
        },
      ),
      { numRuns: RUNS * 2 },
    );
    await fc.assert(
      fc.asyncProperty(positive, positive, async (b, x) => {
        await same(
          'log',
          'SELECT log($1::text::numeric, $2::text::numeric)::text AS v',
          [b, x],
          () => out(r.call('log', [N, N], [our(b), our(x)], ctx)),
        );
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          positive.filter((t) => Math.abs(Math.log10(Number(t))) < 12),
          decimal(10n ** 6n, 0, 6),
        ),
        fc.oneof(decimal(10_000n, 0, 3), fc.integer({ min: -400, max: 400 }).map(String)),
        async (b, e) => {
          await same('^', 'SELECT ($1::text::numeric ^ $2::text::numeric)::text AS v', [b, e], () =>
            out(r.operate('^', N, N, [our(b), our(e)], ctx)),
          );
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('rounding ties in round, typmods and integer casts', async () => {
    const tie = fc
      .record({
        d: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        s: fc.integer({ min: -3, max: 6 }),
      })
      .map(({ d, s }) => ({ text: `${d}5e${-(s + 1)}`, s }));
    await fc.assert(
      fc.asyncProperty(tie, async ({ text, s }) => {
        await same('round tie', `SELECT round($1::text::numeric, ${s})::text AS v`, [text], () =>
          out(r.call('round', [N, INT4], [our(text), s], ctx)),
        );
        await same('typmod tie', `SELECT $1::text::numeric(30, ${s})::text AS v`, [text], () =>
          out(numericType.input(text, makeNumericTypmod(30, s), ctx)),
        );
        await same('int8 tie', 'SELECT $1::text::numeric::int8::text AS v', [text], () =>
          String(r.cast(N, 20)!.fn!(our(text), -1, ctx, true)),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('generate_series', async () => {
    const small = fc
      .record({ d: fc.integer({ min: -3000, max: 3000 }), s: fc.integer({ min: 0, max: 3 }) })
      .map(({ d, s }) => `${d}e${-s}`);
    const special = fc.constantFrom('NaN', 'Infinity', '-Infinity', '0');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 9, arbitrary: small }, { weight: 1, arbitrary: special }),
        fc.oneof({ weight: 9, arbitrary: small }, { weight: 1, arbitrary: special }),
        fc.oneof({ weight: 9, arbitrary: small }, { weight: 1, arbitrary: special }),
        async (a, b, step) => {
          const s = our(step);
          // keep the series short
          if (s.sign === 0 && s.digits.length > 0) {
            const n = Math.abs((Number(b) - Number(a)) / Number(step));
            if (Number.isFinite(n) && n > 200) return;
          }
          await same(
            'generate_series',
            "SELECT string_agg(g::text, ',') AS v FROM generate_series($1::text::numeric, $2::text::numeric, $3::text::numeric) g",
            [a, b, step],
            () => {
              const rows = [
                ...(r.call(
                  'generate_series',
                  [N, N, N],
                  [our(a), our(b), s],
                  ctx,
                ) as Iterable<Numeric>),
              ];
              return rows.length === 0 ? null : rows.map(out).join(',');
            },
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('comparisons', async () => {
    const ops = ['=', '<>', '<', '<=', '>', '>='] as const;
    await fc.assert(
      fc.asyncProperty(valueText, valueText, fc.constantFrom(...ops), async (a, b, op) => {
        await same(
          op,
          `SELECT ($1::text::numeric ${op} $2::text::numeric)::text AS v`,
          [a, b],
          () => (r.operate(op, N, N, [our(a), our(b)], ctx) ? 'true' : 'false'),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('casts to and from integers', async () => {
    const targets = [
      ['int2', 21],
      ['int4', 23],
      ['int8', 20],
    ] as const;
    await fc.assert(
      fc.asyncProperty(valueText, fc.constantFrom(...targets), async (a, [name, oid]) => {
        await same(name, `SELECT $1::text::numeric::${name}::text AS v`, [a], () =>
          String(r.cast(N, oid)!.fn!(our(a), -1, ctx, true)),
        );
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), async (v) => {
        await same('int8 -> numeric', 'SELECT $1::int8::numeric::text AS v', [String(v)], () =>
          out(r.cast(20, N)!.fn!(v, -1, ctx, false)),
        );
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('casts to and from floats', async () => {
    const float = fc.oneof(
      fc.double(),
      fc.double({ min: -1e6, max: 1e6 }),
      fc.integer().map((i) => i / 1000),
    );
    await fc.assert(
      fc.asyncProperty(float, fc.boolean(), async (x, single) => {
        const v = single ? Math.fround(x) : x;
        const text = Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v);
        const [name, oid] = single ? ['float4', 700] : ['float8', 701];
        await same(`${name} -> numeric`, `SELECT $1::${name}::numeric::text AS v`, [text], () =>
          out(r.cast(oid, N)!.fn!(v, -1, ctx, false)),
        );
      }),
      { numRuns: RUNS * 2 },
    );
    await fc.assert(
      fc.asyncProperty(valueText, fc.boolean(), async (a, single) => {
        const [name, oid] = single ? ['float4', 700] : ['float8', 701];
        // compare the float values: PostgreSQL prints its shortest form, we hold a number
        const theirs = await pgOutcome(pg, `SELECT $1::text::numeric::${name}::text AS v`, [a]);
        const mine = ourOutcome(() => {
          const v = r.cast(N, oid)!.fn!(our(a), -1, ctx, false) as number;
          const text = theirs.ok ? theirs.text : null;
          const back = text === null ? undefined : Number(text);
          if (back !== undefined && Object.is(single ? Math.fround(back) : back, v)) return text;
          return String(v);
        });
        expectSameOutcome(`${name} ${a}`, mine, theirs, true);
        agreed++;
      }),
      { numRuns: RUNS },
    );
  });

  it('binary send matches numeric_send', async () => {
    await fc.assert(
      fc.asyncProperty(valueText, async (a) => {
        const theirs = await pgOutcome(
          pg,
          "SELECT encode(numeric_send($1::text::numeric), 'hex') AS v",
          [a],
        );
        const mine: Outcome = ourOutcome(() =>
          Buffer.from(numericType.send(our(a), ctx)).toString('hex'),
        );
        expectSameOutcome(`send ${a}`, mine, theirs);
        agreed++;
      }),
      { numRuns: RUNS },
    );
  });

  it('the on-disk datum matches pageinspect', async () => {
    const values = fc
      .sample(valueText, 60)
      .concat([
        'NaN',
        'Infinity',
        '-Infinity',
        '0',
        '1e100',
        '1e-70',
        '123456789012345678901234567890.123456789',
      ]);
    await pg.query('DROP TABLE IF EXISTS numeric_disk');
    await pg.query('CREATE TABLE numeric_disk (id int4, n numeric)');
    for (const [i, v] of values.entries()) {
      await pg.query('INSERT INTO numeric_disk VALUES ($1, $2::text::numeric)', [i, v]);
    }
    const rows = await pg.query<{ t_data: string }>(
      "SELECT encode(t_data, 'hex') AS t_data FROM heap_page_items(get_raw_page('numeric_disk', 0)) ORDER BY lp",
    );
    expect(rows.length).toBe(values.length);
    const int4 = r.type(INT4) ?? {
      ...numericType,
      len: 4,
      align: 'i' as const,
      storage: 'p' as const,
      encode: (v: unknown) => {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setInt32(0, v as number, true);
        return b;
      },
    };
    for (const [i, v] of values.entries()) {
      const row = encodeRow([int4, numericType], [i, our(v)]);
      expect({ v, hex: Buffer.from(row.data).toString('hex') }).toEqual({
        v,
        hex: rows[i]!.t_data,
      });
      agreed++;
    }
  });
});
