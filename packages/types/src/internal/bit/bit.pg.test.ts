import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { builtins, defaultContext, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectSameOutcome, ourOutcome, pgOutcome } from '../core/pgdiff.js';
import { type BitString, formatBitString } from './bit-string.js';
import { bitType, varbitType } from './index.js';

const ctx = defaultContext();
const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);
const { bit, varbit, int4, int8 } = TypeOid;

const digits = (max: number) =>
  fc.array(fc.constantFrom('0', '1'), { maxLength: max }).map((a) => a.join(''));
/** Text PostgreSQL's bit_in may or may not accept. */
const bitText = fc.oneof(
  digits(40),
  digits(12).map((s) => `b${s}`),
  fc.string({ maxLength: 6 }).map((s) => `x${s}`),
  fc.string({ maxLength: 4 }),
);
const small = fc.integer({ min: -6, max: 40 });

const read = (s: string): BitString => bitType.input(s, -1, ctx);
const out = (v: unknown): string => formatBitString(v as BitString);
const call = (name: string, types: number[], args: unknown[]) =>
  builtins.call(name, types, args, ctx);

describe('bit strings against PostgreSQL', () => {
  let pg: ReferencePostgres;
  beforeAll(async () => {
    pg = await startReferencePostgres({ extensions: [] });
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it('agree on input, typmods and the length coercions', async () => {
    await fc.assert(
      fc.asyncProperty(bitText, fc.integer({ min: 1, max: 12 }), async (raw, n) => {
        const s = raw.replaceAll('\0', '');
        expectSameOutcome(
          `'${s}'::varbit`,
          ourOutcome(() => out(varbitType.input(s, -1, ctx))),
          await pgOutcome(pg, 'SELECT $1::varbit::text AS v', [s]),
          true,
        );
        for (const [type, ours] of [
          ['bit', bitType],
          ['varbit', varbitType],
        ] as const) {
          expectSameOutcome(
            `'${s}'::${type}(${n}) explicit`,
            ourOutcome(() => out(ours.applyTypmod!(ours.input(s, -1, ctx), n, true))),
            await pgOutcome(pg, `SELECT $1::${type}(${n})::text AS v`, [s]),
            true,
          );
          expectSameOutcome(
            `${type}_in('${s}', ${n})`,
            ourOutcome(() => out(ours.input(s, n, ctx))),
            await pgOutcome(pg, `SELECT ${type}_in($1::cstring, 0, ${n})::text AS v`, [s]),
            true,
          );
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('agree on the operators and functions', async () => {
    await fc.assert(
      fc.asyncProperty(digits(20), digits(20), small, small, async (a, b, k, l) => {
        const x = read(a);
        const y = read(b);
        const cases: [string, () => string | null, string][] = [
          [
            '&',
            () => out(call('bitand', [bit, bit], [x, y])),
            '($1::bit varying & $2::bit varying)',
          ],
          ['|', () => out(call('bitor', [bit, bit], [x, y])), '($1::varbit | $2::varbit)'],
          ['#', () => out(call('bitxor', [bit, bit], [x, y])), '($1::varbit # $2::varbit)'],
          ['<<', () => out(call('bitshiftleft', [bit, int4], [x, k])), `($1::varbit << ${k})`],
          ['>>', () => out(call('bitshiftright', [bit, int4], [x, k])), `($1::varbit >> ${k})`],
          [
            'cmp',
            () => String(call('bitcmp', [bit, bit], [x, y])),
            'sign(varbitcmp($1::varbit, $2::varbit))',
          ],
          [
            'position',
            () => String(call('position', [bit, bit], [x, y])),
            'position($2::varbit in $1::varbit)',
          ],
          [
            'substring',
            () => out(call('substring', [bit, int4, int4], [x, k, l])),
            `substring($1::varbit from ${k} for ${l})`,
          ],
          [
            'substring2',
            () => out(call('substring', [bit, int4], [x, k])),
            `substring($1::varbit from ${k})`,
          ],
          [
            'overlay',
            () => out(call('overlay', [bit, bit, int4, int4], [x, y, k, l])),
            `overlay($1::varbit placing $2::varbit from ${k} for ${l})`,
          ],
          [
            'get_bit',
            () => String(call('get_bit', [bit, int4], [x, k])),
            `get_bit($1::varbit, ${k})`,
          ],
          [
            'set_bit',
            () => out(call('set_bit', [bit, int4, int4], [x, k, l])),
            `set_bit($1::varbit, ${k}, ${l})`,
          ],
          ['bit_count', () => String(call('bit_count', [bit], [x])), 'bit_count($1::varbit)'],
          [
            'octet_length',
            () => String(call('octet_length', [bit], [x])),
            'octet_length($1::varbit)',
          ],
          ['int4', () => String(builtins.coerce(x, bit, int4, -1, 'e', ctx)), 'int4($1::varbit)'],
          ['int8', () => String(builtins.coerce(x, bit, int8, -1, 'e', ctx)), 'int8($1::varbit)'],
          ['||', () => out(call('bitcat', [varbit, varbit], [x, y])), '($1::varbit || $2::varbit)'],
        ];
        for (const [label, ours, sql] of cases) {
          expectSameOutcome(
            `${label} '${a}' '${b}' ${k} ${l}`,
            ourOutcome(ours),
            await pgOutcome(pg, `SELECT (${sql})::text AS v`, sql.includes('$2') ? [a, b] : [a]),
            true,
          );
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('agree on integer to bit casts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.integer({ min: 1, max: 70 }),
        async (i, b, n) => {
          expectSameOutcome(
            `${i}::bit(${n})`,
            ourOutcome(() => out(builtins.coerce(i, int4, bit, n, 'e', ctx))),
            await pgOutcome(pg, `SELECT $1::int4::bit(${n})::text AS v`, [i]),
          );
          expectSameOutcome(
            `${b}::bit(${n})`,
            ourOutcome(() => out(builtins.coerce(b, int8, bit, n, 'e', ctx))),
            await pgOutcome(pg, `SELECT $1::int8::bit(${n})::text AS v`, [String(b)]),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});
