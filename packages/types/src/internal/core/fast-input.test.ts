/**
 * issue 9: COPY's fast inputs write exactly the datum the type's own input
 * and encode give (laid out as encodeRow lays it out), and decline
 * whatever they do not handle; a declined or accepted field never changes
 * what the row holds otherwise.
 */
import { builtins, DatumRow, defaultContext, encodeRow, fastDatumInput, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);
const ctx = defaultContext();

const pad = (v: number, w: number) => String(v).padStart(w, '0');
const date = fc
  .tuple(
    fc.integer({ min: 0, max: 10000 }),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
  )
  .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
const time = fc
  .tuple(
    fc.integer({ min: 0, max: 25 }),
    fc.integer({ min: 0, max: 61 }),
    fc.integer({ min: 0, max: 61 }),
    fc.stringMatching(/^(\.[0-9]{0,8})?$/),
  )
  .map(([h, m, s, frac]) => `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${frac}`);
const zone = fc.constantFrom('', '+00', '-08', '+05:30', '+15:59', '+16', '-03:7', 'Z', ' UTC');
const timestamp = fc
  .tuple(date, fc.constantFrom(' ', 'T'), time, zone)
  .map(([d, sep, t, z]) => `${d}${sep}${t}${z}`);
/** Dates and timestamps the fast path takes (mostly). */
const plainDate = fc
  .tuple(
    fc.integer({ min: 1000, max: 2400 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 31 }),
  )
  .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
const plainTimestamp = fc
  .tuple(
    plainDate,
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 59 }),
    fc.stringMatching(/^(\.[0-9]{1,6})?$/),
    fc.constantFrom('+00', '-08', '+05:30', '-15:59', '+01:00'),
  )
  .map(([d, h, m, s, frac, z]) => [`${d} ${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${frac}`, z]);
const junk = fc.oneof(
  fc.constantFrom('', ' 5', '+5', '-', '1e3', '.5', '5.', 'NaN', 'inf', 'yes', 'TRUE', 'on', 'é'),
  fc.string({ maxLength: 6, unit: 'binary' }),
);

/** [type name, typmod, values to try]. */
const cases: [string, number, fc.Arbitrary<string>][] = [
  ['int2', -1, fc.oneof(fc.integer({ min: -40000, max: 40000 }).map(String), junk)],
  ['int4', -1, fc.oneof(fc.integer().map(String), fc.stringMatching(/^-?0*[0-9]{1,11}$/), junk)],
  [
    'int8',
    -1,
    fc.oneof(
      fc.bigInt({ min: -(2n ** 63n) - 2n, max: 2n ** 63n + 2n }).map(String),
      fc.stringMatching(/^-?0*[0-9]{1,16}$/),
      junk,
    ),
  ],
  ['bool', -1, fc.oneof(fc.constantFrom('t', 'f', 'true', 'false', '1', '0', 'tr', 'F'), junk)],
  ['text', -1, fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary' }), junk)],
  ['varchar', 5 + 4, fc.oneof(fc.string({ maxLength: 8 }), junk)],
  [
    'numeric',
    -1,
    fc.oneof(
      fc.stringMatching(/^-?[0-9]{1,40}(\.[0-9]{0,80})?$/),
      fc.stringMatching(/^-?0{0,6}[0-9]{0,3}(\.0{0,6}[0-9]{0,3}0{0,5})?$/),
      junk,
    ),
  ],
  ['date', -1, fc.oneof(plainDate, date, junk)],
  [
    'timestamp',
    -1,
    fc.oneof(
      plainTimestamp.map(([t]) => t!),
      timestamp,
      junk,
    ),
  ],
  [
    'timestamptz',
    -1,
    fc.oneof(
      plainTimestamp.map(([t, z]) => `${t}${z}`),
      timestamp,
      junk,
    ),
  ],
];

describe('fastDatumInput', () => {
  for (const [name, typmod, values] of cases) {
    it(`${name}: the datum of type.encode(type.input(text)), or declined`, () => {
      const type = builtins.mustType(TypeOid[name as keyof typeof TypeOid]);
      const fast = fastDatumInput(type, typmod);
      expect(fast).toBeDefined();
      // a fixed-length int2 before, so alignment padding shows
      const int2 = builtins.mustType(TypeOid.int2);
      fc.assert(
        fc.property(values, (text) => {
          const src = Buffer.from(`[${text}]`, 'utf8');
          const row = new DatumRow(16);
          row.beginRow();
          row.int16(7);
          const before = row.pos;
          const took = fast!(src, 1, src.length - 1, row);
          if (!took) {
            expect(row.pos).toBe(before);
            return;
          }
          const want = encodeRow([int2, type], [7, type.input(text, typmod, ctx)]);
          expect(want.hasVarWidth).toBe(row.hasVarWidth);
          expect(Buffer.from(row.bytes.subarray(0, row.pos)).toString('hex')).toBe(
            Buffer.from(want.data).toString('hex'),
          );
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('takes the common spellings (the fast path is used)', () => {
    const takes = (name: string, text: string) => {
      const type = builtins.mustType(TypeOid[name as keyof typeof TypeOid]);
      const src = Buffer.from(text);
      return fastDatumInput(type, -1)!(src, 0, src.length, new DatumRow(8));
    };
    expect(takes('int4', '-123')).toBe(true);
    expect(takes('int8', '123456789012345')).toBe(true);
    expect(takes('numeric', '-50000.25')).toBe(true);
    expect(takes('text', 'name, 17')).toBe(true);
    expect(takes('timestamptz', '2024-02-03 12:34:56+00')).toBe(true);
    expect(takes('timestamp', '2024-02-03 12:34:56.5')).toBe(true);
    expect(takes('date', '2024-02-29')).toBe(true);
    expect(takes('bool', 'true')).toBe(true);
    expect(takes('int4', ' 1')).toBe(false);
    expect(takes('timestamptz', '2024-02-03 12:34:56')).toBe(false); // the session's zone
  });
});
