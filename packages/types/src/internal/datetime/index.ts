/**
 * Registers the datetime family: date, time, timetz, timestamp,
 * timestamptz and interval, with their comparison operators, arithmetic,
 * functions (date_trunc, date_part, extract, age, make_*, now, ...) and
 * pg_cast entries. Value representations are documented in types.ts.
 */
import { currentTimestamp, type TypeContext } from '../core/context.js';
import { COMPARISONS, fn, registerComparisons } from '../core/define.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import * as ops from './ops.js';
import { dateToTimestamp, timestampToDate } from './ops.js';
import { toChar } from './to-char.js';
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

const { date, time, timetz, timestamp, timestamptz, interval, int4, float8, text, numeric, bool } =
  TypeOid;

type Part = ops.Part | null;

/** A date_part result as float8. */
const asFloat = (p: Part): number | null => (p === null ? null : p.float);

export function register(r: Registry): void {
  r.addType(dateType);
  registerComparisons(r, dateType, 'date_', 'date_cmp');
  r.addType(timeType);
  registerComparisons(r, timeType, 'time_', 'time_cmp');
  r.addType(timetzType);
  registerComparisons(r, timetzType, 'timetz_', 'timetz_cmp');
  r.addType(timestampType);
  registerComparisons(r, timestampType, 'timestamp_', 'timestamp_cmp');
  r.addType(timestamptzType);
  registerComparisons(r, timestamptzType, 'timestamptz_', 'timestamptz_cmp');
  r.addType(intervalType);
  registerComparisons(r, intervalType, 'interval_', 'interval_cmp');

  /** extract's numeric result, created through the numeric type at call time. */
  const asNumeric = (p: Part, ctx: TypeContext): unknown => {
    if (p === null) return null;
    const num = (text: string) => r.mustType(numeric).input(text, -1, ctx);
    const m = /^julian:(-?\d+):(-?\d+)$/.exec(p.text);
    if (m) {
      // PostgreSQL: numeric_add(date2j, numeric_div(time of day in µs, 86400000000))
      const frac = r.call('numeric_div', [numeric, numeric], [num(m[2]!), num('86400000000')], ctx);
      return r.call('numeric_add', [numeric, numeric], [num(m[1]!), frac], ctx);
    }
    return num(p.text === '' ? String(p.float) : p.text);
  };

  registerCrossComparisons(r);

  // date arithmetic
  fn(r, 'date_pli', [date, int4], date, ([d, n]: [number, number]) => ops.datePli(d, n), {
    operator: '+',
  });
  fn(r, 'integer_pl_date', [int4, date], date, ([n, d]: [number, number]) => ops.datePli(d, n), {
    operator: '+',
  });
  fn(r, 'date_mii', [date, int4], date, ([d, n]: [number, number]) => ops.datePli(d, -n), {
    operator: '-',
  });
  fn(r, 'date_mi', [date, date], int4, ([a, b]: [number, number]) => ops.dateMi(a, b), {
    operator: '-',
  });
  fn(
    r,
    'date_pl_interval',
    [date, interval],
    timestamp,
    ([d, v]: [number, Interval]) => ops.timestampPlInterval(dateToTimestamp(d), v),
    { operator: '+' },
  );
  fn(
    r,
    'interval_pl_date',
    [interval, date],
    timestamp,
    ([v, d]: [Interval, number]) => ops.timestampPlInterval(dateToTimestamp(d), v),
    { operator: '+' },
  );
  fn(
    r,
    'date_mi_interval',
    [date, interval],
    timestamp,
    ([d, v]: [number, Interval]) => ops.timestampPlInterval(dateToTimestamp(d), ops.negate(v)),
    { operator: '-' },
  );
  fn(
    r,
    'datetime_pl',
    [date, time],
    timestamp,
    ([d, t]: [number, bigint]) => ops.datetimePl(d, t),
    {
      operator: '+',
    },
  );
  fn(
    r,
    'timedate_pl',
    [time, date],
    timestamp,
    ([t, d]: [bigint, number]) => ops.datetimePl(d, t),
    {
      operator: '+',
    },
  );
  fn(
    r,
    'datetimetz_pl',
    [date, timetz],
    timestamptz,
    ([d, t]: [number, TimeTz]) => ops.datetimetzPl(d, t),
    { operator: '+' },
  );
  fn(
    r,
    'timetzdate_pl',
    [timetz, date],
    timestamptz,
    ([t, d]: [TimeTz, number]) => ops.datetimetzPl(d, t),
    { operator: '+' },
  );

  // time arithmetic
  fn(
    r,
    'time_pl_interval',
    [time, interval],
    time,
    ([t, v]: [bigint, Interval]) => ops.timePlInterval(t, v),
    { operator: '+' },
  );
  fn(
    r,
    'interval_pl_time',
    [interval, time],
    time,
    ([v, t]: [Interval, bigint]) => ops.timePlInterval(t, v),
    { operator: '+' },
  );
  fn(
    r,
    'time_mi_interval',
    [time, interval],
    time,
    ([t, v]: [bigint, Interval]) => ops.timeMiInterval(t, v),
    { operator: '-' },
  );
  fn(
    r,
    'time_mi_time',
    [time, time],
    interval,
    ([a, b]: [bigint, bigint]) => ({
      months: 0,
      days: 0,
      micros: a - b,
    }),
    { operator: '-' },
  );
  fn(
    r,
    'timetz_pl_interval',
    [timetz, interval],
    timetz,
    ([t, v]: [TimeTz, Interval]) => ({
      time: ops.timePlInterval(t.time, v),
      zone: t.zone,
    }),
    { operator: '+' },
  );
  fn(
    r,
    'interval_pl_timetz',
    [interval, timetz],
    timetz,
    ([v, t]: [Interval, TimeTz]) => ({
      time: ops.timePlInterval(t.time, v),
      zone: t.zone,
    }),
    { operator: '+' },
  );
  fn(
    r,
    'timetz_mi_interval',
    [timetz, interval],
    timetz,
    ([t, v]: [TimeTz, Interval]) => ({
      time: ops.timeMiInterval(t.time, v),
      zone: t.zone,
    }),
    { operator: '-' },
  );

  // timestamp arithmetic
  fn(
    r,
    'timestamp_pl_interval',
    [timestamp, interval],
    timestamp,
    ([t, v]: [bigint, Interval]) => ops.timestampPlInterval(t, v),
    { operator: '+' },
  );
  fn(
    r,
    'interval_pl_timestamp',
    [interval, timestamp],
    timestamp,
    ([v, t]: [Interval, bigint]) => ops.timestampPlInterval(t, v),
    { operator: '+' },
  );
  fn(
    r,
    'timestamp_mi_interval',
    [timestamp, interval],
    timestamp,
    ([t, v]: [bigint, Interval]) => ops.timestampPlInterval(t, ops.negate(v)),
    { operator: '-' },
  );
  fn(
    r,
    'timestamp_mi',
    [timestamp, timestamp],
    interval,
    ([a, b]: [bigint, bigint]) => ops.timestampMi(a, b),
    { operator: '-' },
  );
  const tzPl = (t: bigint, v: Interval, ctx: TypeContext) =>
    ops.timestamptzPlInterval(t, v, ops.zoneOf(ctx));
  fn(
    r,
    'timestamptz_pl_interval',
    [timestamptz, interval],
    timestamptz,
    ([t, v]: [bigint, Interval], ctx) => tzPl(t, v, ctx),
    { operator: '+', volatility: 's' },
  );
  fn(
    r,
    'interval_pl_timestamptz',
    [interval, timestamptz],
    timestamptz,
    ([v, t]: [Interval, bigint], ctx) => tzPl(t, v, ctx),
    { operator: '+', volatility: 's' },
  );
  fn(
    r,
    'timestamptz_mi_interval',
    [timestamptz, interval],
    timestamptz,
    ([t, v]: [bigint, Interval], ctx) => tzPl(t, ops.negate(v), ctx),
    {
      operator: '-',
      volatility: 's',
    },
  );
  fn(
    r,
    'timestamptz_mi',
    [timestamptz, timestamptz],
    interval,
    ([a, b]: [bigint, bigint]) => ops.timestampMi(a, b),
    { operator: '-' },
  );

  // interval arithmetic
  fn(
    r,
    'interval_pl',
    [interval, interval],
    interval,
    ([a, b]: [Interval, Interval]) => ops.intervalPl(a, b),
    { operator: '+' },
  );
  fn(
    r,
    'interval_mi',
    [interval, interval],
    interval,
    ([a, b]: [Interval, Interval]) => ops.intervalMi(a, b),
    { operator: '-' },
  );
  fn(r, 'interval_um', [interval], interval, ([a]: [Interval]) => ops.negate(a), { operator: '-' });
  fn(
    r,
    'interval_mul',
    [interval, float8],
    interval,
    ([a, f]: [Interval, number]) => ops.intervalMul(a, f),
    { operator: '*' },
  );
  fn(
    r,
    'mul_d_interval',
    [float8, interval],
    interval,
    ([f, a]: [number, Interval]) => ops.intervalMul(a, f),
    { operator: '*' },
  );
  fn(
    r,
    'interval_div',
    [interval, float8],
    interval,
    ([a, f]: [Interval, number]) => ops.intervalDiv(a, f),
    { operator: '/' },
  );
  fn(r, 'justify_days', [interval], interval, ([a]: [Interval]) => ops.justifyDays(a));
  fn(r, 'justify_hours', [interval], interval, ([a]: [Interval]) => ops.justifyHours(a));
  fn(r, 'justify_interval', [interval], interval, ([a]: [Interval]) => ops.justifyInterval(a));

  // current time
  const stable = { volatility: 's' as const };
  fn(r, 'now', [], timestamptz, (_a, ctx) => ctx.transactionStart, stable);
  fn(r, 'transaction_timestamp', [], timestamptz, (_a, ctx) => ctx.transactionStart, stable);
  fn(r, 'statement_timestamp', [], timestamptz, (_a, ctx) => ctx.statementStart, stable);
  fn(r, 'clock_timestamp', [], timestamptz, () => currentTimestamp(), { volatility: 'v' });

  // date_trunc
  fn(r, 'date_trunc', [text, timestamp], timestamp, ([u, t]: [string, bigint]) =>
    ops.timestampTrunc(u, t),
  );
  fn(
    r,
    'date_trunc',
    [text, timestamptz],
    timestamptz,
    ([u, t]: [string, bigint], ctx) => ops.timestamptzTrunc(u, t, ops.zoneOf(ctx)),
    stable,
  );
  fn(
    r,
    'date_trunc',
    [text, timestamptz, text],
    timestamptz,
    ([u, t, z]: [string, bigint, string]) => ops.timestamptzTruncZone(u, t, z),
    stable,
  );
  fn(r, 'date_trunc', [text, interval], interval, ([u, v]: [string, Interval]) =>
    ops.intervalTrunc(u, v),
  );

  // date_part (float8) and extract (numeric)
  fn(r, 'date_part', [text, timestamp], float8, ([u, t]: [string, bigint]) =>
    asFloat(ops.timestampPart(u, t, false, null)),
  );
  fn(
    r,
    'date_part',
    [text, timestamptz],
    float8,
    ([u, t]: [string, bigint], ctx) => asFloat(ops.timestampPart(u, t, false, ops.zoneOf(ctx))),
    stable,
  );
  fn(r, 'date_part', [text, date], float8, ([u, d]: [string, number]) =>
    asFloat(ops.timestampPart(u, dateToTimestamp(d), false, null)),
  );
  fn(
    r,
    'date_part',
    [text, interval],
    float8,
    ([u, v]: [string, Interval]) => ops.intervalPart(u, v, false).float,
  );
  fn(
    r,
    'date_part',
    [text, time],
    float8,
    ([u, t]: [string, bigint]) => ops.timePart(u, t, false).float,
  );
  fn(r, 'extract', [text, timestamp], numeric, ([u, t]: [string, bigint], ctx) =>
    asNumeric(ops.timestampPart(u, t, true, null), ctx),
  );
  fn(
    r,
    'extract',
    [text, timestamptz],
    numeric,
    ([u, t]: [string, bigint], ctx) =>
      asNumeric(ops.timestampPart(u, t, true, ops.zoneOf(ctx)), ctx),
    stable,
  );
  fn(r, 'extract', [text, date], numeric, ([u, d]: [string, number], ctx) =>
    asNumeric(ops.datePart(u, d), ctx),
  );
  fn(r, 'extract', [text, interval], numeric, ([u, v]: [string, Interval], ctx) =>
    asNumeric(ops.intervalPart(u, v, true), ctx),
  );
  fn(r, 'extract', [text, time], numeric, ([u, t]: [string, bigint], ctx) =>
    asNumeric(ops.timePart(u, t, true), ctx),
  );

  // age
  fn(r, 'age', [timestamp, timestamp], interval, ([a, b]: [bigint, bigint]) =>
    ops.timestampAge(a, b),
  );
  fn(r, 'age', [timestamptz, timestamptz], interval, ([a, b]: [bigint, bigint], ctx) =>
    ops.timestamptzAge(a, b, ops.zoneOf(ctx)),
  );
  fn(
    r,
    'age',
    [timestamp],
    interval,
    ([b]: [bigint], ctx) => ops.timestampAge(dateToTimestamp(ops.currentDate(ctx)), b),
    stable,
  );
  fn(
    r,
    'age',
    [timestamptz],
    interval,
    ([b]: [bigint], ctx) =>
      ops.timestamptzAge(ops.dateToTimestamptz(ops.currentDate(ctx), ctx), b, ops.zoneOf(ctx)),
    stable,
  );

  // constructors
  fn(r, 'make_date', [int4, int4, int4], date, ([y, m, d]: number[]) => ops.makeDate(y!, m!, d!));
  fn(r, 'make_time', [int4, int4, float8], time, ([h, m, s]: number[]) => ops.makeTime(h!, m!, s!));
  fn(r, 'make_timestamp', [int4, int4, int4, int4, int4, float8], timestamp, (a: number[]) =>
    ops.makeTimestamp(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!),
  );
  fn(
    r,
    'make_timestamptz',
    [int4, int4, int4, int4, int4, float8],
    timestamptz,
    (a: number[], ctx) =>
      ops.timestampToTimestamptz(ops.makeTimestamp(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!), ctx),
    stable,
  );
  fn(
    r,
    'make_timestamptz',
    [int4, int4, int4, int4, int4, float8, text],
    timestamptz,
    (a: unknown[]) => {
      const n = a as number[];
      return ops.makeTimestamptzAt(
        ops.makeTimestamp(n[0]!, n[1]!, n[2]!, n[3]!, n[4]!, n[5]!),
        a[6] as string,
      );
    },
    stable,
  );
  fn(r, 'make_interval', [int4, int4, int4, int4, int4, int4, float8], interval, (a: number[]) =>
    ops.makeInterval(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!),
  );
  fn(r, 'to_timestamp', [float8], timestamptz, ([s]: [number]) => ops.toTimestamp(s));

  // AT TIME ZONE
  fn(r, 'timezone', [text, timestamptz], timestamp, ([z, t]: [string, bigint]) =>
    ops.timestamptzAtZone(z, t),
  );
  fn(r, 'timezone', [text, timestamp], timestamptz, ([z, t]: [string, bigint]) =>
    ops.timestampAtZone(z, t),
  );
  fn(r, 'timezone', [interval, timestamptz], timestamp, ([z, t]: [Interval, bigint]) =>
    ops.timestamptzAtIntervalZone(z, t),
  );
  fn(r, 'timezone', [interval, timestamp], timestamptz, ([z, t]: [Interval, bigint]) =>
    ops.timestampAtIntervalZone(z, t),
  );

  // isfinite
  fn(r, 'isfinite', [date], bool, ([d]: [number]) => d !== -2147483648 && d !== 2147483647);
  fn(r, 'isfinite', [timestamp], bool, ([t]: [bigint]) => finite(t));
  fn(r, 'isfinite', [timestamptz], bool, ([t]: [bigint]) => finite(t));
  fn(r, 'isfinite', [interval], bool, () => true);

  // to_char
  fn(
    r,
    'to_char',
    [timestamp, text],
    text,
    ([t, f]: [bigint, string], ctx) => toChar({ kind: 'timestamp', value: t }, f, ctx),
    stable,
  );
  fn(
    r,
    'to_char',
    [timestamptz, text],
    text,
    ([t, f]: [bigint, string], ctx) => toChar({ kind: 'timestamptz', value: t }, f, ctx),
    stable,
  );
  fn(
    r,
    'to_char',
    [interval, text],
    text,
    ([v, f]: [Interval, string], ctx) => toChar({ kind: 'interval', value: v }, f, ctx),
    stable,
  );

  // date_bin, OVERLAPS, generate_series
  fn(
    r,
    'date_bin',
    [interval, timestamp, timestamp],
    timestamp,
    ([v, t, o]: [Interval, bigint, bigint]) => ops.dateBin(v, t, o),
  );
  fn(
    r,
    'date_bin',
    [interval, timestamptz, timestamptz],
    timestamptz,
    ([v, t, o]: [Interval, bigint, bigint]) => ops.dateBin(v, t, o),
  );
  const big = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  for (const [oid, cmp] of [
    [timestamp, big],
    [timestamptz, big],
    [time, big],
    [timetz, timetzType.compare],
  ] as const) {
    fn(
      r,
      'overlaps',
      [oid, oid, oid, oid],
      bool,
      (a: never[]) => ops.overlaps(a, cmp as (x: never, y: never) => number),
      {
        strict: false,
      },
    );
  }
  r.addFunction({
    name: 'generate_series',
    args: [timestamp, timestamp, interval],
    result: timestamp,
    volatility: 'i',
    strict: true,
    retset: true,
    impl: ([a, b, v]) =>
      ops.timestampSeries(a as bigint, b as bigint, v as Interval, ops.timestampPlInterval),
  });
  r.addFunction({
    name: 'generate_series',
    args: [timestamptz, timestamptz, interval],
    result: timestamptz,
    volatility: 's',
    strict: true,
    retset: true,
    impl: ([a, b, v], ctx) =>
      ops.timestampSeries(a as bigint, b as bigint, v as Interval, (t, s) =>
        ops.timestamptzPlInterval(t, s, ops.zoneOf(ctx)),
      ),
  });
  // timetz functions
  fn(
    r,
    'date_part',
    [text, timetz],
    float8,
    ([u, t]: [string, TimeTz]) => ops.timetzPart(u, t, false).float,
  );
  fn(r, 'extract', [text, timetz], numeric, ([u, t]: [string, TimeTz], ctx) =>
    asNumeric(ops.timetzPart(u, t, true), ctx),
  );
  fn(
    r,
    'timezone',
    [text, timetz],
    timetz,
    ([z, t]: [string, TimeTz], ctx) => ops.timetzAtZone(z, t, ctx),
    {
      volatility: 's',
    },
  );

  fn(r, 'timezone', [interval, timetz], timetz, ([z, t]: [Interval, TimeTz]) =>
    ops.timetzAtIntervalZone(z, t),
  );
  // OVERLAPS forms with an interval for an end point (SQL functions in PostgreSQL)
  const plus =
    (oid: number) =>
    (a: unknown, v: unknown, ctx: TypeContext): unknown =>
      a === null || v === null ? null : r.operate('+', oid, interval, [a, v], ctx);
  for (const [oid, vol] of [
    [timestamp, 'i'],
    [timestamptz, 's'],
    [time, 'i'],
  ] as const) {
    const cmp = big;
    const add = plus(oid);
    const forms: [number[], (a: unknown[], ctx: TypeContext) => unknown[]][] = [
      [
        [oid, interval, oid, interval],
        ([a, b, c, d], ctx) => [a, add(a, b, ctx), c, add(c, d, ctx)],
      ],
      [[oid, oid, oid, interval], ([a, b, c, d], ctx) => [a, b, c, add(c, d, ctx)]],
      [[oid, interval, oid, oid], ([a, b, c, d], ctx) => [a, add(a, b, ctx), c, d]],
    ];
    for (const [args, expand] of forms) {
      fn(
        r,
        'overlaps',
        args,
        bool,
        (a: unknown[], ctx) => ops.overlaps(expand(a, ctx) as bigint[], cmp),
        { strict: false, volatility: vol },
      );
    }
  }

  registerCasts(r);
}

const finite = (t: bigint) => t !== -9223372036854775808n && t !== 9223372036854775807n;

function registerCasts(r: Registry): void {
  const cast = (
    source: number,
    target: number,
    context: 'i' | 'a' | 'e',
    f: (v: never, typmod: number, ctx: TypeContext) => unknown,
  ) => {
    const apply = r.mustType(target).applyTypmod;
    r.addCast({
      source,
      target,
      context,
      method: 'f',
      fn: (v, typmod, ctx, isExplicit) => {
        const out = f(v as never, typmod, ctx);
        return out !== null && apply && typmod >= 0 && source !== target
          ? apply(out, typmod, isExplicit)
          : out;
      },
    });
  };
  cast(date, timestamp, 'i', (d: number) => ops.dateToTimestamp(d));
  cast(date, timestamptz, 'i', (d: number, _m, ctx) => ops.dateToTimestamptz(d, ctx));
  cast(time, interval, 'i', (t: bigint) => ({ months: 0, days: 0, micros: t }));
  cast(time, timetz, 'i', (t: bigint, _m, ctx) => ops.timeToTimetz(t, ctx));
  cast(timestamp, date, 'a', (t: bigint) => timestampToDate(t));
  cast(timestamp, time, 'a', (t: bigint) => ops.timestampToTime(t));
  cast(timestamp, timestamptz, 'i', (t: bigint, _m, ctx) => ops.timestampToTimestamptz(t, ctx));
  cast(timestamptz, date, 'a', (t: bigint, _m, ctx) => ops.timestamptzToDate(t, ctx));
  cast(timestamptz, time, 'a', (t: bigint, _m, ctx) => ops.timestamptzToTime(t, ctx));
  cast(timestamptz, timestamp, 'a', (t: bigint, _m, ctx) => ops.timestamptzToTimestamp(t, ctx));
  cast(timestamptz, timetz, 'a', (t: bigint, _m, ctx) => ops.timestamptzToTimetz(t, ctx));
  cast(interval, time, 'a', (v: Interval) => ops.intervalToTime(v));
  cast(timetz, time, 'a', (t: TimeTz) => t.time);
  // typmod coercions: time(p), timestamp(p), timestamptz(p), interval fields/precision, timetz(p)
  for (const oid of [time, timestamp, timestamptz, interval, timetz]) {
    const type = r.mustType(oid);
    r.addCast({
      source: oid,
      target: oid,
      context: 'i',
      method: 'f',
      fn: (v, typmod, _ctx, isExplicit) => type.applyTypmod!(v, typmod, isExplicit),
    });
  }
}

/** date/timestamp/timestamptz cross-type comparisons (date_lt_timestamp, ...). */
function registerCrossComparisons(r: Registry): void {
  /** date2timestamp(tz)_opt_overflow: the timestamp, or +1 / -1 when beyond the finite range. */
  const toTs = (d: number): bigint | 1 | -1 => {
    try {
      return ops.dateToTimestamp(d);
    } catch {
      return 1;
    }
  };
  const toTstz = (d: number, ctx: TypeContext): bigint | 1 | -1 => {
    try {
      return ops.dateToTimestamptz(d, ctx);
    } catch {
      return d < 0 ? -1 : 1;
    }
  };
  const INF = 9223372036854775807n;
  const NINF = -9223372036854775808n;
  /** date_cmp_timestamp_internal: an overflowed date sorts between every finite value and infinity. */
  const cmp = (a: bigint | 1 | -1, b: bigint): number => {
    if (a === 1) return b === INF ? -1 : 1;
    if (a === -1) return b === NINF ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const cmpTs = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  const pairs: [
    string,
    string,
    number,
    number,
    (a: never, b: never, ctx: TypeContext) => number,
  ][] = [
    ['date', 'timestamp', date, timestamp, (a: number, b: bigint) => cmp(toTs(a), b)],
    ['timestamp', 'date', timestamp, date, (a: bigint, b: number) => -cmp(toTs(b), a)],
    [
      'date',
      'timestamptz',
      date,
      timestamptz,
      (a: number, b: bigint, ctx) => cmp(toTstz(a, ctx), b),
    ],
    [
      'timestamptz',
      'date',
      timestamptz,
      date,
      (a: bigint, b: number, ctx) => -cmp(toTstz(b, ctx), a),
    ],
    [
      'timestamp',
      'timestamptz',
      timestamp,
      timestamptz,
      (a: bigint, b: bigint, ctx) => cmpTs(ops.timestampToTimestamptz(a, ctx), b),
    ],
    [
      'timestamptz',
      'timestamp',
      timestamptz,
      timestamp,
      (a: bigint, b: bigint, ctx) => cmpTs(a, ops.timestampToTimestamptz(b, ctx)),
    ],
  ];
  for (const [ln, rn, lo, ro, c] of pairs) {
    for (const [op, suffix, test] of COMPARISONS) {
      const name = `${ln}_${suffix}_${rn}`;
      fn(r, name, [lo, ro], TypeOid.bool, ([a, b]: [never, never], ctx) => test(c(a, b, ctx)), {
        operator: op,
        volatility:
          ln === 'date' && rn === 'timestamp'
            ? 'i'
            : ln === 'timestamp' && rn === 'date'
              ? 'i'
              : 's',
      });
    }
  }
}

/**
 * CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP, LOCALTIME and
 * LOCALTIMESTAMP: SQL-standard value functions, which PostgreSQL parses as
 * keywords (SQLValueFunction), not pg_proc functions, so they are not in the
 * registry. The analyzer maps each keyword to one of these; all are stable
 * and read the transaction's start time.
 */
export const sqlValueFunctions: Readonly<
  Record<string, { readonly result: number; readonly eval: (ctx: TypeContext) => unknown }>
> = {
  current_timestamp: { result: TypeOid.timestamptz, eval: (ctx) => ctx.transactionStart },
  current_date: { result: TypeOid.date, eval: (ctx) => ops.currentDate(ctx) },
  current_time: {
    result: TypeOid.timetz,
    eval: (ctx) => ops.timestamptzToTimetz(ctx.transactionStart, ctx),
  },
  localtime: {
    result: TypeOid.time,
    eval: (ctx) => ops.timestamptzToTime(ctx.transactionStart, ctx),
  },
  localtimestamp: {
    result: TypeOid.timestamp,
    eval: (ctx) => ops.timestamptzToTimestamp(ctx.transactionStart, ctx),
  },
};
