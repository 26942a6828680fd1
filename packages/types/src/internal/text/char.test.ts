import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { builtins, defaultContext, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTypeLaws } from '../core/laws.js';
import { expectSameOutcome, ourOutcome, pgOutcome } from '../core/pgdiff.js';
import { charType } from './char.js';

const ctx = defaultContext();
const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 150);
const { char, int4, text } = TypeOid;

describe('"char"', () => {
  it('obeys the type laws', () => {
    checkTypeLaws(
      charType,
      fc.nat({ max: 255 }).map((b) => (b === 0 ? '' : String.fromCharCode(b))),
    );
  });

  it('reads octal escapes and prints high bytes as octal', () => {
    expect(charType.output(charType.input('\\377', -1, ctx), ctx)).toBe('\\377');
    expect(charType.output(charType.input('é', -1, ctx), ctx)).toBe('\\303');
    expect(charType.output(charType.input('', -1, ctx), ctx)).toBe('');
    expect(builtins.coerce('\u00ff', char, int4, -1, 'e', ctx)).toBe(-1);
    expect(() => builtins.coerce(200, int4, char, -1, 'e', ctx)).toThrowError(
      '"char" out of range',
    );
  });
});

describe('"char" against PostgreSQL', () => {
  let pg: ReferencePostgres;
  beforeAll(async () => {
    pg = await startReferencePostgres({ extensions: [] });
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it('agrees on input, output and casts', async () => {
    const input = fc.oneof(
      fc.string({ maxLength: 3 }),
      fc.string({ unit: 'grapheme', maxLength: 2 }),
      fc
        .tuple(fc.nat({ max: 7 }), fc.nat({ max: 7 }), fc.nat({ max: 7 }))
        .map((d) => `\\${d.join('')}`),
    );
    await fc.assert(
      fc.asyncProperty(input, fc.integer({ min: -200, max: 200 }), async (s, n) => {
        const t = s.replaceAll('\0', '');
        expectSameOutcome(
          `'${t}'::"char"`,
          ourOutcome(() => charType.output(charType.input(t, -1, ctx), ctx)),
          await pgOutcome(pg, 'SELECT $1::"char"::text AS v', [t]),
        );
        expectSameOutcome(
          `int4('${t}'::"char")`,
          ourOutcome(() =>
            String(builtins.coerce(charType.input(t, -1, ctx), char, int4, -1, 'e', ctx)),
          ),
          await pgOutcome(pg, 'SELECT int4($1::"char")::text AS v', [t]),
        );
        expectSameOutcome(
          `${n}::"char"`,
          ourOutcome(
            () =>
              builtins.coerce(
                builtins.coerce(n, int4, char, -1, 'e', ctx),
                char,
                text,
                -1,
                'e',
                ctx,
              ) as string,
          ),
          await pgOutcome(pg, 'SELECT $1::int4::"char"::text AS v', [n]),
          true,
        );
      }),
      { numRuns: RUNS },
    );
  });
});
