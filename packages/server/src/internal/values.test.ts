/**
 * encodeValue / decodeParam round trips on the engine alone (the bytes are
 * compared with real PostgreSQL in values.pg.test.ts): for random values
 * of every built-in type and arrays of them,
 *
 *   decodeParam(encodeValue(v, text), text)     prints as v does, and
 *   decodeParam(encodeValue(v, binary), binary) prints as v does and
 *   sends the same bytes again;
 *
 * plus NULLs, the errors Bind reports, the session's settings, and the
 * types outside the registry.
 */
import { Database, type Session } from '@pg/engine';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeParam, encodeValue } from './values.js';
import { literalCases } from './values-arbitraries.js';

let db: Database;
let s: Session;

beforeAll(async () => {
  db = await Database.open();
  s = await db.connect();
});

afterAll(async () => {
  await s?.close();
  await db?.close();
});

const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('hex'));

async function select(expr: string): Promise<{ value: unknown; oid: number }> {
  const r = await s.query(`SELECT ${expr}`, [], { rowMode: 'array' });
  return {
    value: (r.rows[0] as unknown as unknown[])[0],
    oid: r.fields[0]?.dataTypeID ?? 0,
  };
}

describe('round trips', () => {
  for (const c of literalCases) {
    it(`${c.name}: text and binary round-trip`, async () => {
      await fc.assert(
        fc.asyncProperty(c.literal, async (expr) => {
          const { value, oid } = await select(expr);
          const t = encodeValue(s, value, oid, 0);
          const b = encodeValue(s, value, oid, 1);
          if (oid === 2249) {
            // record_in / record_recv refuse anonymous records, as in PostgreSQL
            expect(() => decodeParam(s, t, oid, 0)).toThrow(/anonymous composite/);
            return;
          }
          expect(text(encodeValue(s, decodeParam(s, t, oid, 0), oid, 0)), expr).toBe(text(t));
          const received = decodeParam(s, b, oid, 1);
          expect(text(encodeValue(s, received, oid, 0)), expr).toBe(text(t));
          expect(hex(encodeValue(s, received, oid, 1)), expr).toBe(hex(b));
        }),
        { numRuns: 25 },
      );
    });
  }
});

describe('encodeValue', () => {
  it('sends NULL as null in both formats', () => {
    expect(encodeValue(s, null, 23, 0)).toBeNull();
    expect(encodeValue(s, undefined, 25, 1)).toBeNull();
    expect(decodeParam(s, null, 23, 1)).toBeNull();
  });

  it('uses the binary forms PostgreSQL sends', () => {
    expect(hex(encodeValue(s, 1, 23, 1))).toBe('00000001');
    expect(hex(encodeValue(s, -2n, 20, 1))).toBe('fffffffffffffffe');
    expect(hex(encodeValue(s, true, 16, 1))).toBe('01');
    expect(hex(encodeValue(s, 'é', 25, 1))).toBe('c3a9');
    // regproc and xid are not in the registry: 4-byte unsigned integers
    expect(hex(encodeValue(s, 1242, 24, 1))).toBe('000004da');
    expect(text(encodeValue(s, 1242, 24, 0))).toBe('1242');
  });

  it('follows the session settings', async () => {
    const { value, oid } = await select("'2024-01-02 03:04:05+00'::timestamptz");
    expect(text(encodeValue(s, value, oid, 0))).toBe('2024-01-02 03:04:05+00');
    await s.query("SET TimeZone = 'Asia/Tokyo'");
    expect(text(encodeValue(s, value, oid, 0))).toBe('2024-01-02 12:04:05+09');
    await s.query("SET bytea_output = 'escape'");
    expect(text(encodeValue(s, new Uint8Array([0, 65]), 17, 0))).toBe('\\000A');
    await s.query('SET extra_float_digits = 0');
    expect(text(encodeValue(s, 0.1 + 0.2, 701, 0))).toBe('0.3');
    await s.query("SET DateStyle = 'German'");
    // Intl does not know Asia/Tokyo's abbreviation (JST) as the tz database spells it
    expect(() => encodeValue(s, value, oid, 0)).toThrow(/time zone "Asia\/Tokyo" is not supported/);
    await s.query("SET TimeZone = 'UTC'");
    expect(text(encodeValue(s, value, oid, 0))).toBe('02.01.2024 03:04:05 UTC');
    await s.query("SET DateStyle = 'Postgres, MDY'");
    expect(text(encodeValue(s, value, oid, 0))).toBe('Tue Jan 02 03:04:05 2024 UTC');
    await s.query("SET IntervalStyle = 'iso_8601'");
    expect(text(encodeValue(s, { months: 14, days: 1, micros: -1_500_000n }, 1186, 0))).toBe(
      'P1Y2M1DT-1.5S',
    );
    await s.query('RESET ALL');
    expect(text(encodeValue(s, 0.1 + 0.2, 701, 0))).toBe('0.30000000000000004');
  });
});

describe('decodeParam', () => {
  it('reads text with the input function and reports its errors', () => {
    expect(decodeParam(s, new TextEncoder().encode('42'), 23, 0)).toBe(42);
    expect(() => decodeParam(s, new TextEncoder().encode('4x'), 23, 0)).toThrow(
      expect.objectContaining({
        code: '22P02',
        message: 'invalid input syntax for type integer: "4x"',
      }),
    );
    expect(() => decodeParam(s, new Uint8Array([0xff]), 25, 0)).toThrow(
      expect.objectContaining({ code: '22021' }),
    );
    // an unspecified type stays text until the statement's types are known
    expect(decodeParam(s, new TextEncoder().encode('x'), 0, 0)).toBe('x');
  });

  it('refuses malformed binary with 22P03 naming the parameter', () => {
    expect(() => decodeParam(s, new Uint8Array([0, 0, 0, 1, 9]), 23, 1, 3)).toThrow(
      expect.objectContaining({
        code: '22P03',
        message: 'incorrect binary data format in bind parameter 3',
      }),
    );
    expect(() => decodeParam(s, new Uint8Array([0, 0, 1]), 23, 1)).toThrow(
      expect.objectContaining({ code: '08P01', message: 'insufficient data left in message' }),
    );
    expect(() => decodeParam(s, new Uint8Array([0, 0, 0, 1]), 1034, 1)).toThrow(
      expect.objectContaining({ code: '42883' }),
    );
  });
});
