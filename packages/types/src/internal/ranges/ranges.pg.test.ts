import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { builtins, defaultContext, type PgRange } from '@pg/types';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectSameOutcome, ourOutcome, pgOutcome } from '../core/pgdiff.js';

const ctx = defaultContext();
const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 60);
const type = (name: string) => builtins.typeByName(name)!;

/** Range literals PostgreSQL may or may not accept: brackets, bounds, quotes, junk. */
const bound = (value: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 6, arbitrary: value },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: value.map((v) => `"${v}"`) },
    { weight: 1, arbitrary: value.map((v) => ` ${v} `) },
  );
const literal = (value: fc.Arbitrary<string>) =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .tuple(fc.constantFrom('[', '('), bound(value), bound(value), fc.constantFrom(']', ')'))
        .map(([l, a, b, u]) => `${l}${a},${b}${u}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('empty', ' Empty ', 'emptyx', '[1,2', '[1,2,3)', '(1'),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
const intText = fc.integer({ min: -20, max: 20 }).map(String);
const CASES: readonly (readonly [string, fc.Arbitrary<string>])[] = [
  ['int4range', literal(fc.oneof(intText, fc.constantFrom('2147483647', '1.5', 'x')))],
  ['int8range', literal(intText)],
  ['numrange', literal(fc.oneof(intText, fc.constantFrom('1.50', '-0.25', '1e3', 'NaN')))],
  [
    'daterange',
    literal(
      fc.oneof(
        fc.integer({ min: 1, max: 28 }).map((d) => `2024-02-${String(d).padStart(2, '0')}`),
        fc.constantFrom('infinity', '-infinity'),
      ),
    ),
  ],
  ['tsrange', literal(fc.integer({ min: 0, max: 23 }).map((h) => `2024-01-01 ${h}:30`))],
];

describe('range types against PostgreSQL', () => {
  let pg: ReferencePostgres;
  beforeAll(async () => {
    pg = await startReferencePostgres({ extensions: [] });
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it('agree on input, canonical output, errors and the binary form', async () => {
    for (const [name, arb] of CASES) {
      const t = type(name);
      await fc.assert(
        fc.asyncProperty(arb, async (raw) => {
          const s = raw.replaceAll('\0', '');
          expectSameOutcome(
            `'${s}'::${name}`,
            ourOutcome(() => t.output(t.input(s, -1, ctx), ctx)),
            await pgOutcome(pg, `SELECT $1::${name}::text AS v`, [s]),
            true,
          );
          const ours = ourOutcome(() =>
            Buffer.from(t.send(t.input(s, -1, ctx), ctx)).toString('hex'),
          );
          if (ours.ok) {
            expectSameOutcome(
              `${name}_send('${s}')`,
              ours,
              await pgOutcome(pg, `SELECT encode(range_send($1::${name}), 'hex') AS v`, [s]),
            );
          }
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('agree on the operators over random int4ranges', async () => {
    const r = fc
      .tuple(
        fc.option(fc.integer({ min: 0, max: 12 }), { freq: 5 }),
        fc.option(fc.integer({ min: 0, max: 12 }), { freq: 5 }),
        fc.constantFrom('[]', '[)', '(]', '()'),
      )
      .map(([a, b, f]) => {
        const [lo, hi] = a !== null && b !== null && a > b ? [b, a] : [a, b];
        return builtins.call('int4range', [23, 23, 25], [lo, hi, f], ctx) as PgRange;
      });
    const t = type('int4range');
    const ops = ['=', '<', '&&', '@>', '<@', '<<', '>>', '&<', '&>', '-|-', '+', '*', '-'];
    await fc.assert(
      fc.asyncProperty(r, r, fc.integer({ min: -1, max: 13 }), async (a, b, x) => {
        const [as, bs] = [t.output(a, ctx), t.output(b, ctx)];
        const sql = [
          ...ops.map((o) => `($1::int4range ${o} $2::int4range)::text`),
          `($1::int4range @> ${x})::text`,
          `range_merge($1::int4range, $2::int4range)::text`,
        ];
        for (const [i, expr] of sql.entries()) {
          const ours = ourOutcome(() => {
            const v =
              i < ops.length
                ? builtins.operate(ops[i]!, 3904, 3904, [a, b], ctx)
                : i === ops.length
                  ? builtins.operate('@>', 3904, 23, [a, x], ctx)
                  : builtins.call('range_merge', [3904, 3904], [a, b], ctx);
            return typeof v === 'boolean' ? String(v) : t.output(v, ctx);
          });
          expectSameOutcome(
            `${as} / ${bs} / ${x}: ${expr}`,
            ours,
            await pgOutcome(pg, `SELECT ${expr} AS v`, expr.includes('$2') ? [as, bs] : [as]),
            true,
          );
        }
      }),
      { numRuns: RUNS },
    );
  });
});
