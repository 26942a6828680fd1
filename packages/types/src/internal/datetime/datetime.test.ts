/**
 * Unit and law tests of the datetime family: the type laws for all six
 * types (text, binary and on-disk round trips, ordering, hashing) with
 * edge-case arbitraries, and documented PostgreSQL 15 behaviour (expected
 * values taken from a real server): input styles, errors with SQLSTATE and
 * message, DST gaps and overlaps, LMT offsets, interval output styles,
 * catalog facts, casts and the special values that read the context clock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultContext } from '../core/context.js';
import { SqlError } from '../core/errors.js';
import { checkTypeLaws } from '../core/laws.js';
import { TypeOid } from '../core/oids.js';
import { Registry } from '../core/registry.js';
import { register as registerNumeric } from '../numeric/index.js';
import { register as registerScalars } from '../scalars/index.js';
import { register, sqlValueFunctions } from './index.js';
import {
  dateType,
  type Interval,
  intervalType,
  type TimeTz,
  timestampType,
  timestamptzType,
  timeType,
  timetzType,
} from './types.js';

const r = new Registry();
registerScalars(r);
registerNumeric(r);
register(r);
const { date, time, timetz, timestamp, timestamptz, interval, text, int4, float8 } = TypeOid;

/** 2024-03-10 12:34:56.789 UTC as the transaction start. */
const NOW = timestampType.input('2024-03-10 12:34:56.789', -1, defaultContext());
const ctx = defaultContext({ transactionStart: NOW, statementStart: NOW + 1000n });
const ny = defaultContext({
  timeZone: 'America/New_York',
  transactionStart: NOW,
  statementStart: NOW,
});
const berlin = defaultContext({ timeZone: 'Europe/Berlin', transactionStart: NOW });

const MIN_TS = -211813488000000000n;
const END_TS = 9223371331200000000n;
const INF = 9223372036854775807n;
const NINF = -9223372036854775808n;

const dateArb = fc.oneof(
  fc.integer({ min: -2451545, max: 2147483493 - 2451545 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(-2147483648, 2147483647, -2451545, 2147483493 - 2451545 - 1, 0),
);
const timeArb = fc.oneof(
  fc.bigInt({ min: 0n, max: 86_400_000_000n }),
  fc.constantFrom(0n, 86_400_000_000n, 86_399_999_999n, 1n),
);
const timestampArb = fc.oneof(
  fc.bigInt({ min: MIN_TS, max: END_TS - 1n }),
  fc.bigInt({ min: -3_000_000_000_000_000n, max: 3_000_000_000_000_000n }),
  fc.constantFrom(MIN_TS, END_TS - 1n, INF, NINF, 0n, -1n),
);
const intervalArb: fc.Arbitrary<Interval> = fc.record({
  months: fc.oneof(fc.integer(), fc.integer({ min: -30, max: 30 })),
  days: fc.oneof(fc.integer(), fc.integer({ min: -40, max: 40 })),
  micros: fc.oneof(
    fc.bigInt({ min: -9223372036854775807n, max: 9223372036854775807n }),
    fc.bigInt({ min: -100_000_000_000n, max: 100_000_000_000n }),
    fc.constant(0n),
  ),
});
const timetzArb: fc.Arbitrary<TimeTz> = fc.record({
  time: timeArb,
  zone: fc.oneof(fc.integer({ min: -57599, max: 57599 }), fc.constantFrom(0, 3600, -19800, 18000)),
});

describe('type laws', () => {
  it('date', () => checkTypeLaws(dateType, dateArb, { ctx }));
  it('time', () => checkTypeLaws(timeType, timeArb, { ctx }));
  it('timetz', () => checkTypeLaws(timetzType, timetzArb, { ctx }));
  it('timestamp', () => checkTypeLaws(timestampType, timestampArb, { ctx }));
  it('timestamptz (UTC and New York)', () => {
    checkTypeLaws(timestamptzType, timestampArb, { ctx });
    checkTypeLaws(timestamptzType, timestampArb, { ctx: ny });
  });
  it('interval', () => {
    const same = (a: unknown, b: unknown) => {
      const x = a as Interval;
      const y = b as Interval;
      return x.months === y.months && x.days === y.days && x.micros === y.micros;
    };
    checkTypeLaws(intervalType, intervalArb, { ctx, same });
  });
});

function inp(oid: number, s: string, c = ctx, typmod = -1): string {
  const t = r.mustType(oid);
  return t.output(t.input(s, typmod, c), c);
}

function err(oid: number, s: string, c = ctx): { code: string; message: string } {
  try {
    r.mustType(oid).input(s, -1, c);
  } catch (e) {
    if (e instanceof SqlError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error(`no error for ${s}`);
}

describe('text input and output', () => {
  it('reads dates in the documented styles', () => {
    const cases: [string, string][] = [
      ['2024-02-29', '2024-02-29'],
      ['Jan 2 2024', '2024-01-02'],
      ['January 2, 2024', '2024-01-02'],
      ['2 Jan 2024', '2024-01-02'],
      ['1/2/2024', '2024-01-02'],
      ['20240102', '2024-01-02'],
      ['1/2/99', '1999-01-02'],
      ['1999-365', '1999-12-31'],
      ['1999-366', '2000-01-01'],
      ['0044-03-15 BC', '0044-03-15 BC'],
      ['epoch', '1970-01-01'],
      ['infinity', 'infinity'],
      ['-infinity', '-infinity'],
      ['4714-11-24 BC', '4714-11-24 BC'],
      ['5874897-12-31', '5874897-12-31'],
      ['today', '2024-03-10'],
      ['tomorrow', '2024-03-11'],
      ['yesterday', '2024-03-09'],
    ];
    for (const [s, want] of cases) expect(inp(date, s), s).toBe(want);
  });

  it('reports date errors with PostgreSQL messages', () => {
    expect(err(date, 'x')).toEqual({
      code: '22007',
      message: 'invalid input syntax for type date: "x"',
    });
    expect(err(date, '2024-02-30')).toEqual({
      code: '22008',
      message: 'date/time field value out of range: "2024-02-30"',
    });
    expect(err(date, '13/1/2024').code).toBe('22008');
    expect(err(date, '4714-11-23 BC')).toEqual({
      code: '22008',
      message: 'date out of range: "4714-11-23 BC"',
    });
    expect(err(timestamp, '2024-01-01 25:00').code).toBe('22008');
    expect(err(timestamp, '294277-01-01')).toEqual({
      code: '22008',
      message: 'timestamp out of range: "294277-01-01"',
    });
    expect(err(timestamptz, '2024-01-01 12:00 Foo/Bar')).toEqual({
      code: '22023',
      message: 'time zone "foo/bar" not recognized',
    });
    expect(err(timestamptz, '2024-01-01 12:00 +16')).toEqual({
      code: '22009',
      message: 'time zone displacement out of range: "2024-01-01 12:00 +16"',
    });
    expect(err(time, '24:00:01').code).toBe('22008');
    expect(err(interval, 'xyz')).toEqual({
      code: '22007',
      message: 'invalid input syntax for type interval: "xyz"',
    });
    expect(err(interval, '2147483648 days')).toEqual({
      code: '22015',
      message: 'interval field value out of range: "2147483648 days"',
    });
  });

  it('reads and prints timestamps', () => {
    expect(inp(timestamp, '2024-02-29 13:45:00.5')).toBe('2024-02-29 13:45:00.5');
    expect(inp(timestamp, '2024-02-29T13:45')).toBe('2024-02-29 13:45:00');
    expect(inp(timestamp, '2024-02-29 24:00')).toBe('2024-03-01 00:00:00');
    // fractional digits beyond µs round half to even on the double (rint)
    expect(inp(timestamp, '2024-02-29 12:00:00.1234565')).toBe('2024-02-29 12:00:00.123456');
    expect(inp(timestamp, '2024-02-29 12:00:00.1234575')).toBe('2024-02-29 12:00:00.123458');
    expect(inp(timestamp, '2024-01-01 10:00 PM')).toBe('2024-01-01 22:00:00');
    expect(inp(timestamp, '20240101T101112')).toBe('2024-01-01 10:11:12');
    expect(inp(timestamp, '2024-01-01 12:00:00+05')).toBe('2024-01-01 12:00:00');
    expect(inp(timestamp, 'epoch')).toBe('1970-01-01 00:00:00');
    expect(inp(timestamp, 'now')).toBe('2024-03-10 12:34:56.789');
    expect(inp(timestamp, '2024-01-01 12:00:00.5', ctx, 0)).toBe('2024-01-01 12:00:01');
    expect(inp(timestamp, '2024-01-01 12:00:00.555', ctx, 2)).toBe('2024-01-01 12:00:00.56');
    expect(inp(timestamp, '0044-03-15 12:00 BC')).toBe('0044-03-15 12:00:00 BC');
  });

  it('reads time zones: offsets, abbreviations and IANA names', () => {
    expect(inp(timestamptz, '2024-03-10 01:30:00-05')).toBe('2024-03-10 06:30:00+00');
    expect(inp(timestamptz, '2024-01-01 12:00 PST')).toBe('2024-01-01 20:00:00+00');
    expect(inp(timestamptz, '2024-01-01 12:00 CEST')).toBe('2024-01-01 10:00:00+00');
    expect(inp(timestamptz, '2024-01-01 12:00 +05:30')).toBe('2024-01-01 06:30:00+00');
    expect(inp(timestamptz, '2024-01-01 12:00 -0800')).toBe('2024-01-01 20:00:00+00');
    expect(inp(timestamptz, '2024-01-01 12:00Z')).toBe('2024-01-01 12:00:00+00');
    expect(inp(timestamptz, '2024-07-01 12:00 America/New_York')).toBe('2024-07-01 16:00:00+00');
  });

  it('accepts TimeZone settings as PostgreSQL does', () => {
    const at = (timeZone: string) =>
      inp(timestamptz, '2024-01-01 12:00', defaultContext({ timeZone }));
    expect(at('+05')).toBe('2024-01-01 12:00:00+05');
    expect(at('-3.5')).toBe('2024-01-01 12:00:00-03:30');
    expect(at('UTC+3')).toBe('2024-01-01 12:00:00-03');
    expect(at('Asia/Kathmandu')).toBe('2024-01-01 12:00:00+05:45');
    expect(() => at('Nowhere/Zone')).toThrowError('time zone "Nowhere/Zone" not recognized');
  });

  it('follows PostgreSQL around DST transitions', () => {
    // spring forward: 02:30 does not exist; the offset before the gap applies
    expect(inp(timestamptz, '2024-03-10 02:30:00', ny)).toBe('2024-03-10 03:30:00-04');
    // fall back: 01:30 happens twice; the later (standard time) reading wins
    expect(inp(timestamptz, '2024-11-03 01:30:00', ny)).toBe('2024-11-03 01:30:00-05');
    expect(inp(timestamptz, '2024-03-31 02:30:00', berlin)).toBe('2024-03-31 03:30:00+02');
    expect(inp(timestamptz, '2024-10-27 02:30:00', berlin)).toBe('2024-10-27 02:30:00+01');
    // local mean time before standard time zones
    expect(inp(timestamptz, '1850-01-01', ny)).toBe('1850-01-01 00:00:00-04:56:02');
    // days and months move in local time
    const t = r.mustType(timestamptz).input('2024-03-09 12:00', -1, ny);
    const day: Interval = { months: 0, days: 1, micros: 0n };
    const plus = r.operate('+', timestamptz, interval, [t, day], ny);
    expect(r.mustType(timestamptz).output(plus, ny)).toBe('2024-03-10 12:00:00-04');
  });

  it('reads and prints times', () => {
    expect(inp(time, '13:45:00.5')).toBe('13:45:00.5');
    expect(inp(time, '24:00:00')).toBe('24:00:00');
    expect(inp(time, 'allballs')).toBe('00:00:00');
    expect(inp(time, '12:00 AM')).toBe('00:00:00');
    expect(inp(time, '12:00:00+05')).toBe('12:00:00');
    expect(inp(time, '23:59:59.9', ctx, 0)).toBe('24:00:00');
    expect(inp(timetz, '12:00:00+05:30')).toBe('12:00:00+05:30');
    expect(inp(timetz, '12:00:00')).toBe('12:00:00+00');
    expect(inp(timetz, '2024-07-01 12:00:00 America/New_York')).toBe('12:00:00-04');
  });

  it('reads intervals in all input formats and prints IntervalStyle postgres', () => {
    const cases: [string, string][] = [
      ['1 year 2 mons 3 days 04:05:06.7', '1 year 2 mons 3 days 04:05:06.7'],
      ['-1 days +02:00:00', '-1 days +02:00:00'],
      ['0', '00:00:00'],
      ['1 day', '1 day'],
      ['@ 1 day 2 hours ago', '-1 days -02:00:00'],
      ['1-2', '1 year 2 mons'],
      ['1 2:03:04', '1 day 02:03:04'],
      ['P1Y2M3DT4H5M6S', '1 year 2 mons 3 days 04:05:06'],
      ['P0001-02-03T04:05:06', '1 year 2 mons 3 days 04:05:06'],
      ['3 mins', '00:03:00'],
      ['1.5 years', '1 year 6 mons'],
      ['1.5 months', '1 mon 15 days'],
      ['-1.5 weeks', '-10 days -12:00:00'],
      ['1 millennium 2 centuries 3 decades', '1230 years'],
    ];
    for (const [s, want] of cases) expect(inp(interval, s), s).toBe(want);
    const typmod = intervalType.typmodIn!([0x7fff, 2]);
    expect(inp(interval, '1.555 seconds', ctx, typmod)).toBe('00:00:01.56');
    expect(intervalType.typmodOut!(typmod)).toBe('(2)');
    // YEAR TO MONTH
    const ym = intervalType.typmodIn!([(1 << 2) | (1 << 1)]);
    expect(inp(interval, '1 year 2 months 3 days', ctx, ym)).toBe('1 year 2 mons');
    expect(intervalType.typmodOut!(ym)).toBe(' year to month');
  });
});

describe('ordering, hashing and binary forms', () => {
  it('compares intervals by their 30-day-month span', () => {
    const mon: Interval = { months: 1, days: 0, micros: 0n };
    const days30: Interval = { months: 0, days: 30, micros: 0n };
    const hours720: Interval = { months: 0, days: 0, micros: 720n * 3_600_000_000n };
    expect(intervalType.compare(mon, days30)).toBe(0);
    expect(intervalType.compare(days30, hours720)).toBe(0);
    expect(intervalType.hash(mon)).toBe(intervalType.hash(hours720));
    expect(r.operate('=', interval, interval, [mon, days30], ctx)).toBe(true);
  });

  it('compares timetz by UTC time, then zone', () => {
    const a = timetzType.input('12:00+01', -1, ctx);
    const b = timetzType.input('11:00+00', -1, ctx);
    expect(Math.sign(timetzType.compare(a, b))).toBe(-1);
    expect(timetzType.compare(a, a)).toBe(0);
  });

  it('sends and stores the documented byte layouts', () => {
    expect([...dateType.send(1, ctx)]).toEqual([0, 0, 0, 1]);
    expect([...dateType.encode(1)]).toEqual([1, 0, 0, 0]);
    const iv: Interval = { months: 2, days: 3, micros: 4n };
    expect([...intervalType.send(iv, ctx)]).toEqual([
      0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 2,
    ]);
    expect([...intervalType.encode(iv)]).toEqual([4, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0]);
    const tz: TimeTz = { time: 1n, zone: -3600 };
    expect(timetzType.encode(tz).length).toBe(12);
    expect([...timetzType.send(tz, ctx)].slice(8)).toEqual([0xff, 0xff, 0xf1, 0xf0]);
    expect(() => timeType.receive(timeType.send(86_400_000_001n, ctx), -1, ctx)).toThrowError(
      'time out of range',
    );
    expect(() => timestampType.receive(timestampType.send(END_TS, ctx), -1, ctx)).toThrowError(
      'timestamp out of range',
    );
  });

  it('has the catalog facts of pg_type', () => {
    const facts = [
      dateType,
      timeType,
      timetzType,
      timestampType,
      timestamptzType,
      intervalType,
    ].map((t) => [
      t.name,
      t.oid,
      t.len,
      t.byVal,
      t.align,
      t.storage,
      t.category,
      t.preferred,
      t.arrayOid,
    ]);
    expect(facts).toEqual([
      ['date', 1082, 4, true, 'i', 'p', 'D', false, 1182],
      ['time', 1083, 8, true, 'd', 'p', 'D', false, 1183],
      ['timetz', 1266, 12, false, 'd', 'p', 'D', false, 1270],
      ['timestamp', 1114, 8, true, 'd', 'p', 'D', false, 1115],
      ['timestamptz', 1184, 8, true, 'd', 'p', 'D', true, 1185],
      ['interval', 1186, 16, false, 'd', 'p', 'T', true, 1187],
    ]);
  });
});

describe('functions, operators and casts', () => {
  const tsOut = (v: unknown, c = ctx) => r.mustType(timestamptz).output(v, c);

  it('reads the clock from the context', () => {
    expect(tsOut(r.call('now', [], [], ctx))).toBe('2024-03-10 12:34:56.789+00');
    expect(tsOut(r.call('statement_timestamp', [], [], ctx))).toBe('2024-03-10 12:34:56.79+00');
    expect(dateType.output(sqlValueFunctions.current_date!.eval(ny) as number, ny)).toBe(
      '2024-03-10',
    );
    expect(timetzType.output(sqlValueFunctions.current_time!.eval(ny) as TimeTz, ny)).toBe(
      '08:34:56.789-04',
    );
  });

  it('does date arithmetic', () => {
    const d = dateType.input('2024-02-28', -1, ctx);
    expect(dateType.output(r.operate('+', date, int4, [d, 2], ctx) as number, ctx)).toBe(
      '2024-03-01',
    );
    expect(r.operate('-', date, date, [d, dateType.input('2024-01-01', -1, ctx)], ctx)).toBe(58);
    expect(() => r.operate('-', date, date, [2147483647, 0], ctx)).toThrowError(
      'cannot subtract infinite dates',
    );
    const iv = intervalType.input('1 mon', -1, ctx);
    const jan31 = timestampType.input('2024-01-31', -1, ctx);
    expect(
      timestampType.output(r.operate('+', timestamp, interval, [jan31, iv], ctx) as bigint, ctx),
    ).toBe('2024-02-29 00:00:00');
  });

  it('justifies and multiplies intervals', () => {
    const iv = (s: string) => intervalType.input(s, -1, ctx);
    const o = (v: unknown) => intervalType.output(v as Interval, ctx);
    expect(o(r.call('justify_days', [interval], [iv('35 days')], ctx))).toBe('1 mon 5 days');
    expect(o(r.call('justify_hours', [interval], [iv('27 hours')], ctx))).toBe('1 day 03:00:00');
    expect(o(r.call('justify_interval', [interval], [iv('1 mon -1 hour')], ctx))).toBe(
      '29 days 23:00:00',
    );
    expect(o(r.operate('*', interval, float8, [iv('1 mon'), 1.5], ctx))).toBe('1 mon 15 days');
    expect(o(r.operate('/', interval, float8, [iv('1 day'), 3], ctx))).toBe('08:00:00');
    expect(() => r.operate('/', interval, float8, [iv('1 day'), 0], ctx)).toThrowError(
      'division by zero',
    );
  });

  it('truncates, extracts and formats', () => {
    const t = timestampType.input('2024-02-29 13:45:06.789', -1, ctx);
    expect(
      timestampType.output(
        r.call('date_trunc', [text, timestamp], ['month', t], ctx) as bigint,
        ctx,
      ),
    ).toBe('2024-02-01 00:00:00');
    expect(r.call('date_part', [text, timestamp], ['dow', t], ctx)).toBe(4);
    expect(r.call('date_part', [text, timestamp], ['second', t], ctx)).toBe(6.789);
    const ex = r.call('extract', [text, timestamp], ['epoch', t], ctx);
    expect(r.mustType(TypeOid.numeric).output(ex, ctx)).toBe('1709214306.789000');
    expect(() => r.call('date_trunc', [text, timestamp], ['fortnight', t], ctx)).toThrowError(
      'unit "fortnight" not recognized for type timestamp without time zone',
    );
    expect(
      r.call(
        'to_char',
        [timestamp, text],
        [t, 'FMDay, DDth "of" FMMonth YYYY HH12:MI:SS.MS AM'],
        ctx,
      ),
    ).toBe('Thursday, 29th of February 2024 01:45:06.789 PM');
    const tz = timestamptzType.input('2024-07-04 12:00', -1, ny);
    expect(r.call('to_char', [timestamptz, text], [tz, 'YYYY-MM-DD HH24:MI TZ OF'], ny)).toBe(
      '2024-07-04 12:00 EDT -04',
    );
  });

  it('builds values with make_* and to_timestamp', () => {
    expect(
      dateType.output(r.call('make_date', [int4, int4, int4], [-44, 3, 15], ctx) as number, ctx),
    ).toBe('0044-03-15 BC');
    expect(() => r.call('make_date', [int4, int4, int4], [2024, 2, 30], ctx)).toThrowError(
      'date field value out of range: 2024-02-30',
    );
    expect(tsOut(r.call('to_timestamp', [float8], [0], ctx))).toBe('1970-01-01 00:00:00+00');
    expect(
      intervalType.output(
        r.call(
          'make_interval',
          [int4, int4, int4, int4, int4, int4, float8],
          [1, 2, 1, 3, 4, 5, 6.5],
          ctx,
        ) as Interval,
        ctx,
      ),
    ).toBe('1 year 2 mons 10 days 04:05:06.5');
  });

  it('registers the pg_cast entries with their contexts', () => {
    const contexts = [
      [date, timestamp, 'i'],
      [date, timestamptz, 'i'],
      [time, interval, 'i'],
      [time, timetz, 'i'],
      [timestamp, date, 'a'],
      [timestamp, time, 'a'],
      [timestamp, timestamptz, 'i'],
      [timestamptz, date, 'a'],
      [timestamptz, time, 'a'],
      [timestamptz, timestamp, 'a'],
      [timestamptz, timetz, 'a'],
      [interval, time, 'a'],
      [timetz, time, 'a'],
      [time, time, 'i'],
      [timestamp, timestamp, 'i'],
      [timestamptz, timestamptz, 'i'],
      [interval, interval, 'i'],
      [timetz, timetz, 'i'],
    ] as const;
    for (const [s, t, c] of contexts) expect(r.cast(s, t)?.context, `${s}->${t}`).toBe(c);
    const t = timestamptzType.input('2024-07-04 23:30:00-04', -1, ctx);
    expect(dateType.output(r.cast(timestamptz, date)!.fn!(t, -1, ny, false) as number, ny)).toBe(
      '2024-07-04',
    );
    expect(dateType.output(r.cast(timestamptz, date)!.fn!(t, -1, ctx, false) as number, ctx)).toBe(
      '2024-07-05',
    );
    const p0 = r.cast(timestamp, timestamp)!.fn!(
      timestampType.input('2024-01-01 00:00:00.6', -1, ctx),
      0,
      ctx,
      false,
    );
    expect(timestampType.output(p0 as bigint, ctx)).toBe('2024-01-01 00:00:01');
  });

  it('bins, overlaps and generates series', () => {
    const ts = (s: string) => timestampType.input(s, -1, ctx);
    const iv = (s: string) => intervalType.input(s, -1, ctx);
    const bin = r.call(
      'date_bin',
      [interval, timestamp, timestamp],
      [iv('15 minutes'), ts('2024-01-01 10:37:12'), ts('2000-01-01')],
      ctx,
    );
    expect(timestampType.output(bin as bigint, ctx)).toBe('2024-01-01 10:30:00');
    const ov = (a: (bigint | null)[]) =>
      r.call('overlaps', [timestamp, timestamp, timestamp, timestamp], a, ctx);
    expect(ov([ts('2024-01-01'), ts('2024-01-10'), ts('2024-01-05'), ts('2024-01-20')])).toBe(true);
    expect(ov([ts('2024-01-01'), ts('2024-01-05'), ts('2024-01-05'), ts('2024-01-20')])).toBe(
      false,
    );
    expect(ov([ts('2024-01-01'), null, ts('2024-01-05'), ts('2024-01-20')])).toBe(null);
    const series = r.call(
      'generate_series',
      [timestamp, timestamp, interval],
      [ts('2024-01-30'), ts('2024-04-30'), iv('1 month')],
      ctx,
    ) as Iterable<bigint>;
    expect([...series].map((t) => timestampType.output(t, ctx))).toEqual([
      '2024-01-30 00:00:00',
      '2024-02-29 00:00:00',
      '2024-03-29 00:00:00',
      '2024-04-29 00:00:00',
    ]);
    expect(() =>
      r.call('generate_series', [timestamp, timestamp, interval], [0n, 1n, iv('0')], ctx),
    ).toThrowError('step size cannot equal zero');
  });

  it('raises 0A000 for what is not supported', () => {
    expect(inp(timestamp, 'J2451187')).toBe('1999-01-08 00:00:00');
    expect(inp(timestamp, 'y2001m02d04h05mm06s07.5')).toBe('2001-02-04 05:06:07.5');
    expect(() => inp(timestamptz, '2024-01-01 12:00 abc5def')).toThrowError(/not supported/);
  });
});
