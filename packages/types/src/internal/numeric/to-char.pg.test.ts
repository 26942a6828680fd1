/**
 * to_char(numeric | integer | bigint, text) against a real PostgreSQL 15:
 * generated templates (9 0 . D , G S MI PL SG FM, quoted and plain
 * literals) over generated values; the text, or SQLSTATE and message.
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { defaultContext } from '../core/context.js';
import { expectSameOutcome, ourOutcome, pgOutcome } from '../core/pgdiff.js';
import { Registry } from '../core/registry.js';
import { register } from './index.js';
import { numericType } from './numeric.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 150);
const ctx = defaultContext();
const r = new Registry();
register(r);
const N = 1700;
const INT4 = 23;
const INT8 = 20;
const TEXT = 25;

let pg: ReferencePostgres;

beforeAll(async () => {
  pg = await startReferencePostgres();
});
afterAll(async () => {
  await pg?.stop();
});

const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('9', '0') },
  { weight: 2, arbitrary: fc.constantFrom('.', 'D', ',', 'G') },
  { weight: 1, arbitrary: fc.constantFrom('S', 'MI', 'PL', 'SG', 'FM') },
  { weight: 1, arbitrary: fc.constantFrom(' ', 'x', '"ab"', '-', '$') },
);
const template = fc.array(token, { minLength: 1, maxLength: 10 }).map((t) => t.join(''));

const value = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc
    .record({ digits: fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }), scale: fc.nat(6) })
    .map(({ digits, scale }) => {
      const neg = digits < 0n;
      const s = (neg ? -digits : digits).toString().padStart(scale + 1, '0');
      const body = scale === 0 ? s : `${s.slice(0, s.length - scale)}.${s.slice(-scale)}`;
      return `${neg ? '-' : ''}${body}`;
    }),
);

describe('to_char of numbers against PostgreSQL 15', () => {
  it('numeric', async () => {
    await fc.assert(
      fc.asyncProperty(value, template, async (v, f) => {
        const theirs = await pgOutcome(pg, 'SELECT to_char($1::text::numeric, $2) AS v', [v, f]);
        const mine = ourOutcome(
          () => r.call('to_char', [N, TEXT], [numericType.input(v, -1, ctx), f], ctx) as string,
        );
        // templates with the patterns not implemented raise 0A000 (not compared)
        if ('code' in mine && mine.code === '0A000') return;
        expectSameOutcome(`to_char(${v}, '${f}')`, mine, theirs, true);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('integer and bigint', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), template, async (v, f) => {
        const theirs = await pgOutcome(pg, 'SELECT to_char($1::int4, $2) AS v', [String(v), f]);
        const mine = ourOutcome(() => r.call('to_char', [INT4, TEXT], [v, f], ctx) as string);
        if ('code' in mine && mine.code === '0A000') return;
        expectSameOutcome(`to_char(${v}::int, '${f}')`, mine, theirs, true);
        const big = BigInt(v) * 1_000_003n;
        const theirs8 = await pgOutcome(pg, 'SELECT to_char($1::int8, $2) AS v', [String(big), f]);
        const mine8 = ourOutcome(() => r.call('to_char', [INT8, TEXT], [big, f], ctx) as string);
        expectSameOutcome(`to_char(${big}::bigint, '${f}')`, mine8, theirs8, true);
      }),
      { numRuns: RUNS },
    );
  });
});
