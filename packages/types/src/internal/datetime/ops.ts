/**
 * Datetime arithmetic and functions, as PostgreSQL's date.c and timestamp.c
 * implement them: date/time/timestamp/interval operators, conversions used
 * by the casts, justify_*, date_trunc, date_part / extract, age, make_*,
 * to_timestamp and AT TIME ZONE. Values use the family's representations
 * (see types.ts).
 */
import type { TypeContext } from '../core/context.js';
import { divisionByZero, SqlError, SqlState } from '../core/errors.js';
import {
  DATE_NOBEGIN,
  DATE_NOEND,
  DAY_TAB,
  date2j,
  dateIsFinite,
  dateOutOfRange,
  dt2time,
  intervalOutOfRange,
  isLeap,
  isValidDate,
  isValidJulian,
  isValidTimestamp,
  j2date,
  j2day,
  mustTimestamp2tm,
  POSTGRES_EPOCH_JDATE,
  rangeError,
  rint,
  TIMESTAMP_END_JULIAN,
  TIMESTAMP_NOBEGIN,
  TIMESTAMP_NOEND,
  type Tm,
  timestampIsFinite,
  timestampOutOfRange,
  tm2timestamp,
  UNIX_EPOCH_JDATE,
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
} from './calendar.js';
import { intervalOut } from './format.js';
import { tryDecodeTimezone } from './parse.js';
import { type Interval, type TimeTz, timestampTz2tm } from './types.js';
import {
  determineTz,
  findZone,
  offsetAt,
  sessionZone,
  type Zone,
  zoneAbbreviation,
} from './zone.js';

const TWO63 = 2 ** 63;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

function s32(n: number): number {
  if (n < INT32_MIN || n > INT32_MAX || Number.isNaN(n)) throw intervalOutOfRange();
  return n === 0 ? 0 : n;
}
function s64(n: bigint): bigint {
  if (n < INT64_MIN || n > INT64_MAX) throw intervalOutOfRange();
  return n;
}
const z = (n: number) => (n === 0 ? 0 : n);

// ------------------------------------------------------------------ conversions

/** date2timestamp. */
export function dateToTimestamp(d: number): bigint {
  if (d === DATE_NOBEGIN) return TIMESTAMP_NOBEGIN;
  if (d === DATE_NOEND) return TIMESTAMP_NOEND;
  if (d >= TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE) {
    throw rangeError('date out of range for timestamp');
  }
  return BigInt(d) * USECS_PER_DAY;
}

/** date2timestamptz in the session zone. */
export function dateToTimestamptz(d: number, ctx: TypeContext): bigint {
  if (d === DATE_NOBEGIN) return TIMESTAMP_NOBEGIN;
  if (d === DATE_NOEND) return TIMESTAMP_NOEND;
  if (d >= TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE) {
    throw rangeError('date out of range for timestamp');
  }
  const [year, mon, mday] = j2date(d + POSTGRES_EPOCH_JDATE);
  const tz = determineTz({ year, mon, mday, hour: 0, min: 0, sec: 0, fsec: 0 }, zoneOf(ctx));
  const r = BigInt(d) * USECS_PER_DAY + BigInt(tz) * USECS_PER_SEC;
  if (!isValidTimestamp(r)) throw rangeError('date out of range for timestamp');
  return r;
}

export function zoneOf(ctx: TypeContext): Zone {
  return sessionZone(ctx.timeZone);
}

function tmToDate(tm: Tm): number {
  return date2j(tm.year, tm.mon, tm.mday) - POSTGRES_EPOCH_JDATE;
}

/** timestamp_date. */
export function timestampToDate(t: bigint): number {
  if (t === TIMESTAMP_NOBEGIN) return DATE_NOBEGIN;
  if (t === TIMESTAMP_NOEND) return DATE_NOEND;
  return tmToDate(mustTimestamp2tm(t));
}

/** timestamptz_date. */
export function timestamptzToDate(t: bigint, ctx: TypeContext): number {
  if (t === TIMESTAMP_NOBEGIN) return DATE_NOBEGIN;
  if (t === TIMESTAMP_NOEND) return DATE_NOEND;
  return tmToDate(timestampTz2tm(t, zoneOf(ctx)).tm);
}

function timeOfDay(tm: Tm): bigint {
  return BigInt((tm.hour * 60 + tm.min) * 60 + tm.sec) * USECS_PER_SEC + BigInt(tm.fsec);
}

/** timestamp_time (NULL for infinities). */
export function timestampToTime(t: bigint): bigint | null {
  if (!timestampIsFinite(t)) return null;
  return timeOfDay(mustTimestamp2tm(t));
}

export function timestamptzToTime(t: bigint, ctx: TypeContext): bigint | null {
  if (!timestampIsFinite(t)) return null;
  return timeOfDay(timestampTz2tm(t, zoneOf(ctx)).tm);
}

export function timestamptzToTimetz(t: bigint, ctx: TypeContext): TimeTz | null {
  if (!timestampIsFinite(t)) return null;
  const { tm, tz } = timestampTz2tm(t, zoneOf(ctx));
  return { time: timeOfDay(tm), zone: tz };
}

/** timestamp_timestamptz: the local time read in the session zone. */
export function timestampToTimestamptz(t: bigint, ctx: TypeContext): bigint {
  if (!timestampIsFinite(t)) return t;
  const tm = mustTimestamp2tm(t);
  const r = tm2timestamp(tm, determineTz(tm, zoneOf(ctx)));
  if (r === null) throw timestampOutOfRange();
  return r;
}

/** timestamptz_timestamp: the local time in the session zone. */
export function timestamptzToTimestamp(t: bigint, ctx: TypeContext): bigint {
  if (!timestampIsFinite(t)) return t;
  const { tm } = timestampTz2tm(t, zoneOf(ctx));
  const r = tm2timestamp(tm);
  if (r === null) throw timestampOutOfRange();
  return r;
}

/** The transaction start's local fields in the session zone. */
function nowLocal(ctx: TypeContext): { tm: Tm; tz: number } {
  return timestampTz2tm(ctx.transactionStart, zoneOf(ctx));
}

/** time_timetz: the zone is the session zone's offset today. */
export function timeToTimetz(t: bigint, ctx: TypeContext): TimeTz {
  const { tm } = nowLocal(ctx);
  const [hour, min, sec, fsec] = dt2time(t);
  const tz = determineTz({ ...tm, hour, min, sec, fsec }, zoneOf(ctx));
  return { time: t, zone: tz };
}

/** interval_time. */
export function intervalToTime(v: Interval): bigint {
  let r = v.micros;
  if (r >= USECS_PER_DAY) r -= (r / USECS_PER_DAY) * USECS_PER_DAY;
  else if (r < 0n) r += ((-r + USECS_PER_DAY - 1n) / USECS_PER_DAY) * USECS_PER_DAY;
  return r;
}

// ------------------------------------------------------------------ date arithmetic

export function datePli(d: number, days: number): number {
  if (!dateIsFinite(d)) return d;
  const r = d + days;
  if (!isValidDate(r) || r < INT32_MIN || r > INT32_MAX) throw dateOutOfRange();
  return r;
}

export function dateMi(a: number, b: number): number {
  if (!dateIsFinite(a) || !dateIsFinite(b)) throw rangeError('cannot subtract infinite dates');
  return z(a - b);
}

export function datetimePl(d: number, t: bigint): bigint {
  const r = dateToTimestamp(d);
  if (!timestampIsFinite(r)) return r;
  const s = r + t;
  if (!isValidTimestamp(s)) throw timestampOutOfRange();
  return s;
}

export function datetimetzPl(d: number, t: TimeTz): bigint {
  if (d === DATE_NOBEGIN) return TIMESTAMP_NOBEGIN;
  if (d === DATE_NOEND) return TIMESTAMP_NOEND;
  if (d >= TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE) {
    throw rangeError('date out of range for timestamp');
  }
  const r = BigInt(d) * USECS_PER_DAY + t.time + BigInt(t.zone) * USECS_PER_SEC;
  if (!isValidTimestamp(r)) throw rangeError('date out of range for timestamp');
  return r;
}

function wrapTime(t: bigint): bigint {
  let r = t - (t / USECS_PER_DAY) * USECS_PER_DAY;
  if (r < 0n) r += USECS_PER_DAY;
  return r;
}

export const timePlInterval = (t: bigint, v: Interval): bigint => wrapTime(t + v.micros);
export const timeMiInterval = (t: bigint, v: Interval): bigint => wrapTime(t - v.micros);

// ------------------------------------------------------------------ timestamp arithmetic

function addMonths(tm: Tm, months: number): void {
  tm.mon += months;
  if (tm.mon > 12) {
    tm.year += Math.trunc((tm.mon - 1) / 12);
    tm.mon = ((tm.mon - 1) % 12) + 1;
  } else if (tm.mon < 1) {
    tm.year += Math.trunc(tm.mon / 12) - 1;
    tm.mon = (tm.mon % 12) + 12;
  }
  const dim = DAY_TAB[isLeap(tm.year) ? 1 : 0][tm.mon - 1]!;
  if (tm.mday > dim) tm.mday = dim;
}

/** timestamp_pl_interval. */
export function timestampPlInterval(t0: bigint, v: Interval): bigint {
  if (!timestampIsFinite(t0)) return t0;
  let t = t0;
  if (v.months !== 0) {
    const tm = mustTimestamp2tm(t);
    addMonths(tm, v.months);
    const r = tm2timestamp(tm);
    if (r === null) throw timestampOutOfRange();
    t = r;
  }
  if (v.days !== 0) {
    const tm = mustTimestamp2tm(t);
    [tm.year, tm.mon, tm.mday] = j2date(date2j(tm.year, tm.mon, tm.mday) + v.days);
    const r = tm2timestamp(tm);
    if (r === null) throw timestampOutOfRange();
    t = r;
  }
  t += v.micros;
  if (!isValidTimestamp(t)) throw timestampOutOfRange();
  return t;
}

/** timestamptz_pl_interval: months and days move in local time of the session zone. */
export function timestamptzPlInterval(t0: bigint, v: Interval, zone: Zone): bigint {
  if (!timestampIsFinite(t0)) return t0;
  let t = t0;
  if (v.months !== 0) {
    const { tm } = timestampTz2tm(t, zone);
    addMonths(tm, v.months);
    const r = tm2timestamp(tm, determineTz(tm, zone));
    if (r === null) throw timestampOutOfRange();
    t = r;
  }
  if (v.days !== 0) {
    const { tm } = timestampTz2tm(t, zone);
    [tm.year, tm.mon, tm.mday] = j2date(date2j(tm.year, tm.mon, tm.mday) + v.days);
    const r = tm2timestamp(tm, determineTz(tm, zone));
    if (r === null) throw timestampOutOfRange();
    t = r;
  }
  t += v.micros;
  if (!isValidTimestamp(t)) throw timestampOutOfRange();
  return t;
}

export function negate(v: Interval): Interval {
  if (v.months === INT32_MIN || v.days === INT32_MIN || v.micros === INT64_MIN) {
    throw intervalOutOfRange();
  }
  return { months: z(-v.months), days: z(-v.days), micros: -v.micros };
}

/** timestamp_mi: the difference, justified into days and time. */
export function timestampMi(a: bigint, b: bigint): Interval {
  if (!timestampIsFinite(a) || !timestampIsFinite(b)) {
    throw rangeError('cannot subtract infinite timestamps');
  }
  return justifyHours({ months: 0, days: 0, micros: s64(a - b) });
}

// ------------------------------------------------------------------ interval arithmetic

export function intervalPl(a: Interval, b: Interval): Interval {
  return {
    months: s32(a.months + b.months),
    days: s32(a.days + b.days),
    micros: s64(a.micros + b.micros),
  };
}

export function intervalMi(a: Interval, b: Interval): Interval {
  return {
    months: s32(a.months - b.months),
    days: s32(a.days - b.days),
    micros: s64(a.micros - b.micros),
  };
}

const TSROUND = (x: number) => rint(x * 1000000) / 1000000;
const fitsInt32 = (x: number) => !Number.isNaN(x) && x >= -2147483648 && x < 2147483648;

/** interval_mul. */
export function intervalMul(v: Interval, factor: number): Interval {
  let d = v.months * factor;
  if (!fitsInt32(d)) throw intervalOutOfRange();
  const months = Math.trunc(d);
  d = v.days * factor;
  if (!fitsInt32(d)) throw intervalOutOfRange();
  let days = Math.trunc(d);
  let monthRemainderDays = (v.months * factor - months) * 30;
  monthRemainderDays = TSROUND(monthRemainderDays);
  let secRemainder =
    (v.days * factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400;
  secRemainder = TSROUND(secRemainder);
  if (Math.abs(secRemainder) >= 86400) {
    days = s32(days + Math.trunc(secRemainder / 86400));
    secRemainder -= Math.trunc(secRemainder / 86400) * 86400;
  }
  days = s32(days + Math.trunc(monthRemainderDays));
  const t = rint(Number(v.micros) * factor + secRemainder * 1000000);
  if (Number.isNaN(t) || !(t >= -TWO63 && t < TWO63)) {
    throw intervalOutOfRange();
  }
  return { months: z(months), days: z(days), micros: BigInt(t) };
}

/** interval_div. */
export function intervalDiv(v: Interval, factor: number): Interval {
  if (factor === 0) throw divisionByZero();
  let d = v.months / factor;
  if (!fitsInt32(d)) throw intervalOutOfRange();
  const months = Math.trunc(d);
  d = v.days / factor;
  if (!fitsInt32(d)) throw intervalOutOfRange();
  let days = Math.trunc(d);
  let monthRemainderDays = (v.months / factor - months) * 30;
  monthRemainderDays = TSROUND(monthRemainderDays);
  let secRemainder =
    (v.days / factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400;
  secRemainder = TSROUND(secRemainder);
  if (Math.abs(secRemainder) >= 86400) {
    days = s32(days + Math.trunc(secRemainder / 86400));
    secRemainder -= Math.trunc(secRemainder / 86400) * 86400;
  }
  days = s32(days + Math.trunc(monthRemainderDays));
  const t = rint(Number(v.micros) / factor + secRemainder * 1000000);
  if (Number.isNaN(t) || !(t >= -TWO63 && t < TWO63)) {
    throw intervalOutOfRange();
  }
  return { months: z(months), days: z(days), micros: BigInt(t) };
}

export function justifyHours(v: Interval): Interval {
  let time = v.micros;
  const wholeday = time / USECS_PER_DAY;
  time -= wholeday * USECS_PER_DAY;
  let day = s32(v.days + Number(wholeday));
  if (day > 0 && time < 0n) {
    time += USECS_PER_DAY;
    day--;
  } else if (day < 0 && time > 0n) {
    time -= USECS_PER_DAY;
    day++;
  }
  return { months: v.months, days: z(day), micros: time };
}

export function justifyDays(v: Interval): Interval {
  let day = v.days;
  const wholemonth = Math.trunc(day / 30);
  day -= wholemonth * 30;
  let month = s32(v.months + wholemonth);
  if (month > 0 && day < 0) {
    day += 30;
    month--;
  } else if (month < 0 && day > 0) {
    day -= 30;
    month++;
  }
  return { months: z(month), days: z(day), micros: v.micros };
}

export function justifyInterval(v: Interval): Interval {
  let month = v.months;
  let day = v.days;
  let time = v.micros;
  if ((day > 0 && time > 0n) || (day < 0 && time < 0n)) {
    const wholemonth = Math.trunc(day / 30);
    day -= wholemonth * 30;
    month = s32(month + wholemonth);
  }
  const wholeday = time / USECS_PER_DAY;
  time -= wholeday * USECS_PER_DAY;
  day += Number(wholeday);
  const wholemonth = Math.trunc(day / 30);
  day -= wholemonth * 30;
  month = s32(month + wholemonth);
  if (month > 0 && (day < 0 || (day === 0 && time < 0n))) {
    day += 30;
    month--;
  } else if (month < 0 && (day > 0 || (day === 0 && time > 0n))) {
    day -= 30;
    month++;
  }
  if (day > 0 && time < 0n) {
    time += USECS_PER_DAY;
    day--;
  } else if (day < 0 && time > 0n) {
    time -= USECS_PER_DAY;
    day++;
  }
  return { months: z(month), days: z(day), micros: time };
}

// ------------------------------------------------------------------ units

export type Unit =
  | 'microseconds'
  | 'milliseconds'
  | 'second'
  | 'minute'
  | 'hour'
  | 'day'
  | 'week'
  | 'month'
  | 'quarter'
  | 'year'
  | 'decade'
  | 'century'
  | 'millennium'
  | 'julian'
  | 'isoyear'
  | 'dow'
  | 'isodow'
  | 'doy'
  | 'epoch'
  | 'timezone'
  | 'timezone_hour'
  | 'timezone_minute';

const UNIT_NAMES: [string, Unit][] = [
  ['c', 'century'],
  ['cent', 'century'],
  ['centuries', 'century'],
  ['century', 'century'],
  ['d', 'day'],
  ['day', 'day'],
  ['days', 'day'],
  ['dec', 'decade'],
  ['decade', 'decade'],
  ['decades', 'decade'],
  ['decs', 'decade'],
  ['h', 'hour'],
  ['hour', 'hour'],
  ['hours', 'hour'],
  ['hr', 'hour'],
  ['hrs', 'hour'],
  ['m', 'minute'],
  ['microsecon', 'microseconds'],
  ['mil', 'millennium'],
  ['millennia', 'millennium'],
  ['millennium', 'millennium'],
  ['millisecon', 'milliseconds'],
  ['mils', 'millennium'],
  ['min', 'minute'],
  ['mins', 'minute'],
  ['minute', 'minute'],
  ['minutes', 'minute'],
  ['mon', 'month'],
  ['mons', 'month'],
  ['month', 'month'],
  ['months', 'month'],
  ['ms', 'milliseconds'],
  ['msec', 'milliseconds'],
  ['msecond', 'milliseconds'],
  ['mseconds', 'milliseconds'],
  ['msecs', 'milliseconds'],
  ['qtr', 'quarter'],
  ['quarter', 'quarter'],
  ['s', 'second'],
  ['sec', 'second'],
  ['second', 'second'],
  ['seconds', 'second'],
  ['secs', 'second'],
  ['timezone', 'timezone'],
  ['timezone_h', 'timezone_hour'],
  ['timezone_m', 'timezone_minute'],
  ['us', 'microseconds'],
  ['usec', 'microseconds'],
  ['usecond', 'microseconds'],
  ['useconds', 'microseconds'],
  ['usecs', 'microseconds'],
  ['w', 'week'],
  ['week', 'week'],
  ['weeks', 'week'],
  ['y', 'year'],
  ['year', 'year'],
  ['years', 'year'],
  ['yr', 'year'],
  ['yrs', 'year'],
];
/** Units found only through datetktbl (DecodeSpecial): date_part, not date_trunc. */
const SPECIAL_UNITS: [string, Unit][] = [
  ['dow', 'dow'],
  ['doy', 'doy'],
  ['epoch', 'epoch'],
  ['isodow', 'isodow'],
  ['isoyear', 'isoyear'],
  ['j', 'julian'],
  ['jd', 'julian'],
  ['julian', 'julian'],
];

/** downcase_truncate_identifier + DecodeUnits (+ DecodeSpecial when `special`). */
export function decodeUnit(text: string, special: boolean): { unit: Unit | null; low: string } {
  const low = text.toLowerCase().slice(0, 63);
  const key = low.slice(0, 10);
  for (const [name, unit] of UNIT_NAMES) if (name.slice(0, 10) === key) return { unit, low };
  if (special) for (const [name, unit] of SPECIAL_UNITS) if (name === key) return { unit, low };
  return { unit: null, low };
}

function notRecognized(low: string, typeName: string): SqlError {
  return new SqlError(
    SqlState.INVALID_PARAMETER_VALUE,
    `unit "${low}" not recognized for type ${typeName}`,
  );
}
function notSupported(low: string, typeName: string, detail?: string): SqlError {
  return new SqlError(
    SqlState.FEATURE_NOT_SUPPORTED,
    `unit "${low}" not supported for type ${typeName}`,
    detail === undefined ? {} : { detail },
  );
}

// ------------------------------------------------------------------ ISO weeks

export function date2isoweek(year: number, mon: number, mday: number): number {
  const dayn = date2j(year, mon, mday);
  let day4 = date2j(year, 1, 4);
  let day0 = j2day(day4 - 1);
  if (dayn < day4 - day0) {
    day4 = date2j(year - 1, 1, 4);
    day0 = j2day(day4 - 1);
  }
  let result = Math.trunc((dayn - (day4 - day0)) / 7) + 1;
  if (result >= 52) {
    day4 = date2j(year + 1, 1, 4);
    day0 = j2day(day4 - 1);
    if (dayn >= day4 - day0) result = Math.trunc((dayn - (day4 - day0)) / 7) + 1;
  }
  return result;
}

export function date2isoyear(year0: number, mon: number, mday: number): number {
  let year = year0;
  const dayn = date2j(year, mon, mday);
  let day4 = date2j(year, 1, 4);
  let day0 = j2day(day4 - 1);
  if (dayn < day4 - day0) {
    day4 = date2j(year - 1, 1, 4);
    day0 = j2day(day4 - 1);
    year--;
  }
  const result = Math.trunc((dayn - (day4 - day0)) / 7) + 1;
  if (result >= 52) {
    day4 = date2j(year + 1, 1, 4);
    day0 = j2day(day4 - 1);
    if (dayn >= day4 - day0) year++;
  }
  return year;
}

export function isoweek2j(year: number, week: number): number {
  const day4 = date2j(year, 1, 4);
  const day0 = j2day(day4 - 1);
  return (week - 1) * 7 + (day4 - day0);
}

export function date2isoyearday(year: number, mon: number, mday: number): number {
  return date2j(year, mon, mday) - isoweek2j(date2isoyear(year, mon, mday), 1) + 1;
}

// ------------------------------------------------------------------ date_trunc

function truncTm(tm: Tm, unit: Unit | null, low: string, typeName: string): boolean {
  let redotz = false;
  const cascade = (from: Unit) => {
    const order: Unit[] = [
      'millennium',
      'century',
      'decade',
      'year',
      'quarter',
      'month',
      'day',
      'hour',
      'minute',
      'second',
    ];
    for (const u of order.slice(order.indexOf(from))) {
      switch (u) {
        case 'millennium':
          tm.year =
            tm.year > 0
              ? Math.trunc((tm.year + 999) / 1000) * 1000 - 999
              : -Math.trunc((999 - (tm.year - 1)) / 1000) * 1000 + 1;
          break;
        case 'century':
          tm.year =
            tm.year > 0
              ? Math.trunc((tm.year + 99) / 100) * 100 - 99
              : -Math.trunc((99 - (tm.year - 1)) / 100) * 100 + 1;
          break;
        case 'decade':
          if (from !== 'millennium' && from !== 'century') {
            tm.year =
              tm.year > 0
                ? Math.trunc(tm.year / 10) * 10
                : -Math.trunc((8 - (tm.year - 1)) / 10) * 10;
          }
          break;
        case 'year':
          tm.mon = 1;
          break;
        case 'quarter':
          tm.mon = 3 * Math.trunc((tm.mon - 1) / 3) + 1;
          break;
        case 'month':
          tm.mday = 1;
          break;
        case 'day':
          tm.hour = 0;
          redotz = true;
          break;
        case 'hour':
          tm.min = 0;
          break;
        case 'minute':
          tm.sec = 0;
          break;
        case 'second':
          tm.fsec = 0;
          break;
        default:
          break;
      }
    }
  };
  switch (unit) {
    case 'week': {
      const woy = date2isoweek(tm.year, tm.mon, tm.mday);
      if (woy >= 52 && tm.mon === 1) tm.year--;
      if (woy <= 1 && tm.mon === 12) tm.year++;
      [tm.year, tm.mon, tm.mday] = j2date(isoweek2j(tm.year, woy));
      tm.hour = 0;
      tm.min = 0;
      tm.sec = 0;
      tm.fsec = 0;
      return true;
    }
    case 'millennium':
    case 'century':
    case 'decade':
    case 'year':
    case 'quarter':
    case 'month':
    case 'day':
    case 'hour':
    case 'minute':
    case 'second':
      cascade(unit);
      return redotz;
    case 'milliseconds':
      tm.fsec = Math.trunc(tm.fsec / 1000) * 1000;
      return false;
    case 'microseconds':
      return false;
    case null:
      throw notRecognized(low, typeName);
    default:
      throw notSupported(low, typeName);
  }
}

export function timestampTrunc(unitText: string, t: bigint): bigint {
  if (!timestampIsFinite(t)) return t;
  const { unit, low } = decodeUnit(unitText, false);
  if (unit === null) throw notRecognized(low, 'timestamp without time zone');
  const tm = mustTimestamp2tm(t);
  truncTm(tm, unit, low, 'timestamp without time zone');
  const r = tm2timestamp(tm);
  if (r === null) throw timestampOutOfRange();
  return r;
}

export function timestamptzTrunc(unitText: string, t: bigint, zone: Zone): bigint {
  if (!timestampIsFinite(t)) return t;
  const { unit, low } = decodeUnit(unitText, false);
  if (unit === null) throw notRecognized(low, 'timestamp with time zone');
  const { tm, tz: tz0 } = timestampTz2tm(t, zone);
  let tz = tz0;
  if (truncTm(tm, unit, low, 'timestamp with time zone')) tz = determineTz(tm, zone);
  const r = tm2timestamp(tm, tz);
  if (r === null) throw timestampOutOfRange();
  return r;
}

interface Itm {
  year: number;
  mon: number;
  mday: number;
  hour: bigint;
  min: number;
  sec: number;
  usec: number;
}

function interval2itm(v: Interval): Itm {
  let time = v.micros;
  const hour = time / USECS_PER_HOUR;
  time -= hour * USECS_PER_HOUR;
  const min = time / USECS_PER_MINUTE;
  time -= min * USECS_PER_MINUTE;
  const sec = time / USECS_PER_SEC;
  time -= sec * USECS_PER_SEC;
  return {
    year: z(Math.trunc(v.months / 12)),
    mon: z(v.months % 12),
    mday: v.days,
    hour,
    min: Number(min),
    sec: Number(sec),
    usec: Number(time),
  };
}

function itm2interval(i: Itm): Interval {
  const months = i.year * 12 + i.mon;
  if (months < INT32_MIN || months > INT32_MAX) throw intervalOutOfRange();
  const micros =
    ((i.hour * 60n + BigInt(i.min)) * 60n + BigInt(i.sec)) * USECS_PER_SEC + BigInt(i.usec);
  return { months: z(months), days: z(i.mday), micros: s64(micros) };
}

export function intervalTrunc(unitText: string, v: Interval): Interval {
  const { unit, low } = decodeUnit(unitText, false);
  if (unit === null) throw notRecognized(low, 'interval');
  const i = interval2itm(v);
  const order: Unit[] = [
    'millennium',
    'century',
    'decade',
    'year',
    'quarter',
    'month',
    'day',
    'hour',
    'minute',
    'second',
  ];
  if (unit === 'milliseconds') i.usec = Math.trunc(i.usec / 1000) * 1000;
  else if (unit !== 'microseconds') {
    const start = order.indexOf(unit);
    if (start < 0) {
      throw notSupported(
        low,
        'interval',
        unit === 'week' ? 'Months usually have fractional weeks.' : undefined,
      );
    }
    for (const u of order.slice(start)) {
      if (u === 'millennium') i.year = Math.trunc(i.year / 1000) * 1000;
      else if (u === 'century') i.year = Math.trunc(i.year / 100) * 100;
      else if (u === 'decade') i.year = Math.trunc(i.year / 10) * 10;
      else if (u === 'year') i.mon = 0;
      else if (u === 'quarter') i.mon = 3 * Math.trunc(i.mon / 3);
      else if (u === 'month') i.mday = 0;
      else if (u === 'day') i.hour = 0n;
      else if (u === 'hour') i.min = 0;
      else if (u === 'minute') i.sec = 0;
      else if (u === 'second') i.usec = 0;
    }
  }
  return itm2interval(i);
}

// ------------------------------------------------------------------ date_part / extract

/**
 * A date_part result: an exact decimal string (for extract's numeric) and
 * its float8 value, or null (NULL for infinite inputs' oscillating units).
 */
export interface Part {
  readonly text: string;
  readonly float: number;
}

function intPart(n: number | bigint): Part {
  return { text: String(n), float: z(Number(n)) };
}

/** An integer count of µs as a decimal with `scale` digits (int64_div_fast_to_numeric). */
function scaledPart(micros: bigint, scale: 3 | 6, float: number): Part {
  const v = micros;
  const neg = v < 0n;
  const s = String(neg ? -v : v).padStart(scale + 1, '0');
  return { text: `${neg ? '-' : ''}${s.slice(0, -scale)}.${s.slice(-scale)}`, float };
}

function infinitePart(
  unit: Unit | null,
  low: string,
  negative: boolean,
  typeName: string,
): Part | null {
  switch (unit) {
    case 'year':
    case 'decade':
    case 'century':
    case 'millennium':
    case 'julian':
    case 'isoyear':
    case 'epoch':
      return negative
        ? { text: '-Infinity', float: Number.NEGATIVE_INFINITY }
        : { text: 'Infinity', float: Number.POSITIVE_INFINITY };
    case null:
      throw notRecognized(low, typeName);
    case 'week':
    case 'dow':
    case 'isodow':
    case 'doy':
    case 'timezone':
    case 'timezone_hour':
    case 'timezone_minute':
    case 'microseconds':
    case 'milliseconds':
    case 'second':
    case 'minute':
    case 'hour':
    case 'day':
    case 'month':
    case 'quarter':
      return null;
    default:
      throw notSupported(low, typeName);
  }
}

function yearPart(y: number): number {
  return y > 0 ? y : y - 1;
}

function tmPart(
  tm: Tm,
  unit: Unit,
  low: string,
  _typeName: string,
  numeric: boolean,
): Part | undefined {
  switch (unit) {
    case 'microseconds':
      return intPart(tm.sec * 1000000 + tm.fsec);
    case 'milliseconds':
      return numeric
        ? scaledPart(BigInt(tm.sec * 1000000 + tm.fsec), 3, 0)
        : { text: '', float: tm.sec * 1000.0 + tm.fsec / 1000.0 };
    case 'second':
      return numeric
        ? scaledPart(BigInt(tm.sec * 1000000 + tm.fsec), 6, 0)
        : { text: '', float: tm.sec + tm.fsec / 1000000.0 };
    case 'minute':
      return intPart(tm.min);
    case 'hour':
      return intPart(tm.hour);
    case 'day':
      return intPart(tm.mday);
    case 'month':
      return intPart(tm.mon);
    case 'quarter':
      return intPart(Math.trunc((tm.mon - 1) / 3) + 1);
    case 'week':
      return intPart(date2isoweek(tm.year, tm.mon, tm.mday));
    case 'year':
      return intPart(yearPart(tm.year));
    case 'decade':
      return intPart(
        tm.year >= 0 ? Math.trunc(tm.year / 10) : -Math.trunc((8 - (tm.year - 1)) / 10),
      );
    case 'century':
      return intPart(
        tm.year > 0 ? Math.trunc((tm.year + 99) / 100) : -Math.trunc((99 - (tm.year - 1)) / 100),
      );
    case 'millennium':
      return intPart(
        tm.year > 0
          ? Math.trunc((tm.year + 999) / 1000)
          : -Math.trunc((999 - (tm.year - 1)) / 1000),
      );
    case 'julian': {
      const j = date2j(tm.year, tm.mon, tm.mday);
      const secs = ((tm.hour * 60 + tm.min) * 60 + tm.sec) * 1000000 + tm.fsec;
      if (numeric) {
        // j + secs / 86400000000, with numeric division done by the numeric type (see index.ts)
        return { text: `julian:${j}:${secs}`, float: 0 };
      }
      return { text: '', float: j + secs / 1000000 / 86400 };
    }
    case 'isoyear': {
      const y = date2isoyear(tm.year, tm.mon, tm.mday);
      return intPart(y <= 0 ? y - 1 : y);
    }
    case 'dow':
    case 'isodow': {
      let d = j2day(date2j(tm.year, tm.mon, tm.mday));
      if (unit === 'isodow' && d === 0) d = 7;
      return intPart(d);
    }
    case 'doy':
      return intPart(date2j(tm.year, tm.mon, tm.mday) - date2j(tm.year, 1, 1) + 1);
    default:
      void low;
      return undefined;
  }
}

const EPOCH_SHIFT = 946684800000000n;

/** timestamp_part_common / timestamptz_part_common. */
export function timestampPart(
  unitText: string,
  t: bigint,
  numeric: boolean,
  zone: Zone | null,
): Part | null {
  const typeName = zone ? 'timestamp with time zone' : 'timestamp without time zone';
  const { unit, low } = decodeUnit(unitText, true);
  if (!timestampIsFinite(t)) return infinitePart(unit, low, t === TIMESTAMP_NOBEGIN, typeName);
  if (unit === null) throw notRecognized(low, typeName);
  if (unit === 'epoch') {
    const e = t + EPOCH_SHIFT;
    return numeric ? scaledPart(e, 6, 0) : { text: '', float: Number(e) / 1000000.0 };
  }
  let tm: Tm;
  let tz = 0;
  if (zone) ({ tm, tz } = timestampTz2tm(t, zone));
  else tm = mustTimestamp2tm(t);
  if (zone && unit === 'timezone') return intPart(-tz);
  if (zone && unit === 'timezone_hour') return intPart(z(Math.trunc(-tz / 3600)));
  if (zone && unit === 'timezone_minute') return intPart(z(Math.trunc(-tz / 60) % 60));
  const p = tmPart(tm, unit, low, typeName, numeric);
  if (!p) throw notSupported(low, typeName);
  return p;
}

/** extract(field from date): date's own units. */
export function datePart(unitText: string, d: number): Part | null {
  const { unit, low } = decodeUnit(unitText, true);
  if (!dateIsFinite(d)) {
    if (
      unit !== null &&
      ![
        'year',
        'decade',
        'century',
        'millennium',
        'julian',
        'isoyear',
        'epoch',
        'day',
        'month',
        'quarter',
        'week',
        'dow',
        'isodow',
        'doy',
      ].includes(unit)
    ) {
      throw notSupported(low, 'date');
    }
    return infinitePart(unit, low, d === DATE_NOBEGIN, 'date');
  }
  if (unit === null) throw notRecognized(low, 'date');
  if (unit === 'epoch') return intPart((BigInt(d) + 10957n) * 86400n);
  if (unit === 'julian') return intPart(d + POSTGRES_EPOCH_JDATE);
  const [year, mon, mday] = j2date(d + POSTGRES_EPOCH_JDATE);
  const tm: Tm = { year, mon, mday, hour: 0, min: 0, sec: 0, fsec: 0 };
  const allowed: Unit[] = [
    'day',
    'month',
    'quarter',
    'week',
    'year',
    'decade',
    'century',
    'millennium',
    'isoyear',
    'dow',
    'isodow',
    'doy',
  ];
  if (!allowed.includes(unit)) throw notSupported(low, 'date');
  return tmPart(tm, unit, low, 'date', true) ?? null;
}

/** interval_part_common. */
export function intervalPart(unitText: string, v: Interval, numeric: boolean): Part {
  const { unit, low } = decodeUnit(unitText, true);
  if (unit === null) throw notRecognized(low, 'interval');
  const i = interval2itm(v);
  switch (unit) {
    case 'microseconds':
      return intPart(i.sec * 1000000 + i.usec);
    case 'milliseconds':
      return numeric
        ? scaledPart(BigInt(i.sec * 1000000 + i.usec), 3, 0)
        : { text: '', float: i.sec * 1000.0 + i.usec / 1000.0 };
    case 'second':
      return numeric
        ? scaledPart(BigInt(i.sec * 1000000 + i.usec), 6, 0)
        : { text: '', float: i.sec + i.usec / 1000000.0 };
    case 'minute':
      return intPart(i.min);
    case 'hour':
      return intPart(i.hour);
    case 'day':
      return intPart(i.mday);
    case 'month':
      return intPart(i.mon);
    case 'quarter':
      return intPart(Math.trunc(i.mon / 3) + 1);
    case 'year':
      return intPart(i.year);
    case 'decade':
      return intPart(Math.trunc(i.year / 10));
    case 'century':
      return intPart(Math.trunc(i.year / 100));
    case 'millennium':
      return intPart(Math.trunc(i.year / 1000));
    case 'epoch': {
      const secsFromDayMonth =
        31557600n * BigInt(Math.trunc(v.months / 12)) +
        2592000n * BigInt(v.months % 12) +
        86400n * BigInt(v.days);
      if (numeric) return scaledPart(secsFromDayMonth * 1000000n + v.micros, 6, 0);
      // float8 arithmetic in PostgreSQL's order
      let f = Number(v.micros) / 1000000.0;
      f += 31557600 * Math.trunc(v.months / 12);
      f += 2592000 * (v.months % 12);
      f += 86400 * v.days;
      return { text: '', float: f };
    }
    default:
      throw notSupported(low, 'interval');
  }
}

/** time_part_common. */
export function timePart(unitText: string, t: bigint, numeric: boolean): Part {
  const { unit, low } = decodeUnit(unitText, true);
  const typeName = 'time without time zone';
  if (unit === null) throw notRecognized(low, typeName);
  const [hour, min, sec, fsec] = dt2time(t);
  const tm: Tm = { year: 2000, mon: 1, mday: 1, hour, min, sec, fsec };
  if (unit === 'epoch') {
    return numeric ? scaledPart(t, 6, 0) : { text: '', float: Number(t) / 1000000.0 };
  }
  if (!['microseconds', 'milliseconds', 'second', 'minute', 'hour'].includes(unit)) {
    throw notSupported(low, typeName);
  }
  return tmPart(tm, unit, low, typeName, numeric)!;
}

// ------------------------------------------------------------------ age

function ageTm(tm1: Tm, tm2: Tm, negative: boolean): Interval {
  const t = {
    usec: tm1.fsec - tm2.fsec,
    sec: tm1.sec - tm2.sec,
    min: tm1.min - tm2.min,
    hour: tm1.hour - tm2.hour,
    mday: tm1.mday - tm2.mday,
    mon: tm1.mon - tm2.mon,
    year: tm1.year - tm2.year,
  };
  const flip = () => {
    for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] = -t[k];
  };
  if (negative) flip();
  while (t.usec < 0) {
    t.usec += 1000000;
    t.sec--;
  }
  while (t.sec < 0) {
    t.sec += 60;
    t.min--;
  }
  while (t.min < 0) {
    t.min += 60;
    t.hour--;
  }
  while (t.hour < 0) {
    t.hour += 24;
    t.mday--;
  }
  while (t.mday < 0) {
    const ref = negative ? tm1 : tm2;
    t.mday += DAY_TAB[isLeap(ref.year) ? 1 : 0][ref.mon - 1]!;
    t.mon--;
  }
  while (t.mon < 0) {
    t.mon += 12;
    t.year--;
  }
  if (negative) flip();
  return itm2interval({
    year: t.year,
    mon: t.mon,
    mday: t.mday,
    hour: BigInt(t.hour),
    min: t.min,
    sec: t.sec,
    usec: t.usec,
  });
}

export function timestampAge(a: bigint, b: bigint): Interval {
  return ageTm(mustTimestamp2tm(a), mustTimestamp2tm(b), a < b);
}

export function timestamptzAge(a: bigint, b: bigint, zone: Zone): Interval {
  return ageTm(timestampTz2tm(a, zone).tm, timestampTz2tm(b, zone).tm, a < b);
}

/** current_date in the session zone. */
export function currentDate(ctx: TypeContext): number {
  return tmToDate(nowLocal(ctx).tm);
}

// ------------------------------------------------------------------ make_*

/** C's printf %g (precision 6). */
export function formatG(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  let s = x.toPrecision(6);
  if (exp < -4 || exp >= 6) {
    s = x.toExponential(5);
    let [m, e] = s.split('e') as [string, string];
    if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
    const en = Number(e);
    return `${m}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  if (s.includes('e')) s = String(Number(s));
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

function formatG2(x: number): string {
  const s = formatG(x);
  return /^-?\d$/.test(s) ? (s.startsWith('-') ? `-0${s.slice(1)}` : `0${s}`) : s;
}

const pad2 = (n: number) =>
  n < 0 ? `-${String(-n).padStart(2, '0')}` : String(n).padStart(2, '0');

function floatTimeOverflows(hour: number, min: number, sec0: number): boolean {
  if (hour < 0 || hour > 24 || min < 0 || min >= 60) return true;
  if (Number.isNaN(sec0)) return true;
  const sec = rint(sec0 * 1000000);
  if (sec < 0 || sec > 60000000) return true;
  return (hour * 60 + min) * 60 * 1000000 + sec > 86400000000;
}

function validateYmd(year: number, mon: number, mday: number): Tm | null {
  let y = year;
  let bc = false;
  if (y < 0) {
    bc = true;
    y = -y;
  }
  if (bc) {
    if (y <= 0) return null;
    y = -(y - 1);
  } else if (y <= 0) return null;
  if (mon < 1 || mon > 12) return null;
  if (mday < 1 || mday > 31) return null;
  if (mday > DAY_TAB[isLeap(y) ? 1 : 0][mon - 1]!) return null;
  return { year: y, mon, mday, hour: 0, min: 0, sec: 0, fsec: 0 };
}

export function makeDate(year: number, mon: number, mday: number): number {
  const tm = validateYmd(year, mon, mday);
  // The message shows the fields as ValidateDate left them (BC years converted).
  const y = year < 0 ? year + 1 : year;
  const shown = `${y}-${pad2(mon)}-${pad2(mday)}`;
  if (!tm) {
    throw new SqlError(SqlState.DATETIME_FIELD_OVERFLOW, `date field value out of range: ${shown}`);
  }
  if (!isValidJulian(tm.year, tm.mon, tm.mday)) throw rangeError(`date out of range: ${shown}`);
  const d = tmToDate(tm);
  if (!isValidDate(d)) throw rangeError(`date out of range: ${shown}`);
  return d;
}

export function makeTime(hour: number, min: number, sec: number): bigint {
  if (floatTimeOverflows(hour, min, sec)) {
    throw new SqlError(
      SqlState.DATETIME_FIELD_OVERFLOW,
      `time field value out of range: ${hour}:${pad2(min)}:${formatG2(sec)}`,
    );
  }
  return BigInt((hour * 60 + min) * 60) * USECS_PER_SEC + BigInt(rint(sec * 1000000));
}

export function makeTimestamp(
  year: number,
  mon: number,
  mday: number,
  hour: number,
  min: number,
  sec: number,
): bigint {
  const tm = validateYmd(year, mon, mday);
  if (!tm) {
    throw new SqlError(
      SqlState.DATETIME_FIELD_OVERFLOW,
      `date field value out of range: ${year}-${pad2(mon)}-${pad2(mday)}`,
    );
  }
  if (!isValidJulian(tm.year, tm.mon, tm.mday)) {
    throw rangeError(`date out of range: ${year}-${pad2(mon)}-${pad2(mday)}`);
  }
  const date = BigInt(tmToDate(tm));
  if (floatTimeOverflows(hour, min, sec)) {
    throw new SqlError(
      SqlState.DATETIME_FIELD_OVERFLOW,
      `time field value out of range: ${hour}:${pad2(min)}:${formatG2(sec)}`,
    );
  }
  const time = BigInt((hour * 60 + min) * 60) * USECS_PER_SEC + BigInt(rint(sec * 1000000));
  const result = date * USECS_PER_DAY + time;
  const bad =
    result < INT64_MIN ||
    result > INT64_MAX ||
    (result < 0n && date > 0n) ||
    (result > 0n && date < -1n) ||
    !isValidTimestamp(result);
  if (bad) {
    throw rangeError(
      `timestamp out of range: ${year}-${pad2(mon)}-${pad2(mday)} ${hour}:${pad2(min)}:${formatG2(sec)}`,
    );
  }
  return result;
}

export function makeInterval(
  years: number,
  months: number,
  weeks: number,
  days: number,
  hours: number,
  mins: number,
  secs: number,
): Interval {
  if (!Number.isFinite(secs)) throw intervalOutOfRange();
  const month = s32(s32(years * 12) + months);
  const day = s32(s32(weeks * 7) + days);
  const us = rint(secs * 1000000);
  if (!(us >= -TWO63 && us < TWO63)) throw intervalOutOfRange();
  const time = s64(
    s64(BigInt(hours) * USECS_PER_HOUR) + s64(BigInt(mins) * USECS_PER_MINUTE) + BigInt(us),
  );
  return { months: month, days: day, micros: time };
}

/** to_timestamp(float8). */
export function toTimestamp(seconds: number): bigint {
  if (Number.isNaN(seconds)) throw rangeError('timestamp cannot be NaN');
  if (!Number.isFinite(seconds)) return seconds < 0 ? TIMESTAMP_NOBEGIN : TIMESTAMP_NOEND;
  if (
    seconds < 86400 * (0 - UNIX_EPOCH_JDATE) ||
    seconds >= 86400 * (TIMESTAMP_END_JULIAN - UNIX_EPOCH_JDATE)
  ) {
    throw rangeError(`timestamp out of range: "${formatG(seconds)}"`);
  }
  const s = rint((seconds - (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * 86400) * 1000000);
  const r = BigInt(s);
  if (!isValidTimestamp(r)) throw rangeError(`timestamp out of range: "${formatG(seconds)}"`);
  return r;
}

// ------------------------------------------------------------------ AT TIME ZONE

type ZoneSpec = { fixedEast: number } | { zone: Zone };

function lookupZone(name: string): ZoneSpec {
  const low = name.toLowerCase();
  const abbrev = zoneAbbreviation(low);
  if (Array.isArray(abbrev)) return { fixedEast: abbrev[0] as number };
  if (typeof abbrev === 'string') {
    const zz = findZone(abbrev);
    if (zz) return { zone: zz };
  }
  const zz = findZone(name);
  if (!zz) {
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, `time zone "${name}" not recognized`);
  }
  return { zone: zz };
}

/** timestamptz_zone: timezone(zone, timestamptz) -> local timestamp in that zone. */
export function timestamptzAtZone(zoneName: string, t: bigint): bigint {
  if (!timestampIsFinite(t)) return t;
  const spec = lookupZone(zoneName);
  let r: bigint;
  if ('fixedEast' in spec) r = t + BigInt(spec.fixedEast) * USECS_PER_SEC;
  else {
    const { tm } = timestampTz2tm(t, spec.zone);
    const x = tm2timestamp(tm);
    if (x === null) throw timestampOutOfRange();
    r = x;
  }
  if (!isValidTimestamp(r)) throw timestampOutOfRange();
  return r;
}

/** timestamp_zone: timezone(zone, timestamp) -> the instant of that local time. */
export function timestampAtZone(zoneName: string, t: bigint): bigint {
  if (!timestampIsFinite(t)) return t;
  const spec = lookupZone(zoneName);
  let r: bigint;
  if ('fixedEast' in spec) r = t - BigInt(spec.fixedEast) * USECS_PER_SEC;
  else {
    const tm = mustTimestamp2tm(t);
    const x = tm2timestamp(tm, determineTz(tm, spec.zone));
    if (x === null) throw timestampOutOfRange();
    r = x;
  }
  if (!isValidTimestamp(r)) throw timestampOutOfRange();
  return r;
}

function intervalZoneSecs(zone: Interval): bigint {
  if (zone.months !== 0 || zone.days !== 0) {
    throw new SqlError(
      SqlState.INVALID_PARAMETER_VALUE,
      `interval time zone "${intervalOut(zone)}" must not include months or days`,
    );
  }
  return zone.micros / USECS_PER_SEC;
}

export function timestamptzAtIntervalZone(zone: Interval, t: bigint): bigint {
  if (!timestampIsFinite(t)) return t;
  const r = t + intervalZoneSecs(zone) * USECS_PER_SEC;
  if (!isValidTimestamp(r)) throw timestampOutOfRange();
  return r;
}

export function timestampAtIntervalZone(zone: Interval, t: bigint): bigint {
  if (!timestampIsFinite(t)) return t;
  const r = t - intervalZoneSecs(zone) * USECS_PER_SEC;
  if (!isValidTimestamp(r)) throw timestampOutOfRange();
  return r;
}

/** date_trunc(unit, timestamptz, zone). */
export function timestamptzTruncZone(unit: string, t: bigint, zoneName: string): bigint {
  if (!timestampIsFinite(t)) return t;
  const spec = lookupZone(zoneName);
  const zone: Zone = 'fixedEast' in spec ? { fixed: spec.fixedEast, name: zoneName } : spec.zone;
  return timestamptzTrunc(unit, t, zone);
}

export { offsetAt };

// ------------------------------------------------------------------ date_bin, OVERLAPS, series, timetz

/** date_bin(stride, source, origin) for timestamp and timestamptz. */
export function dateBin(stride: Interval, t: bigint, origin: bigint): bigint {
  if (!timestampIsFinite(t)) return t;
  if (!timestampIsFinite(origin)) throw rangeError('origin out of range');
  if (stride.months !== 0) {
    throw new SqlError(
      SqlState.FEATURE_NOT_SUPPORTED,
      'timestamps cannot be binned into intervals containing months or years',
    );
  }
  const strideUs = BigInt(stride.days) * USECS_PER_DAY + stride.micros;
  if (strideUs < INT64_MIN || strideUs > INT64_MAX) throw intervalOutOfRange();
  if (strideUs <= 0n) throw rangeError('stride must be greater than zero');
  const diff = t - origin;
  if (diff < INT64_MIN || diff > INT64_MAX) throw intervalOutOfRange();
  let delta = diff - (diff % strideUs);
  if (origin > t && strideUs > 1n && diff % strideUs !== 0n) delta -= strideUs;
  const r = origin + delta;
  if (r < INT64_MIN || r > INT64_MAX) throw timestampOutOfRange();
  return r;
}

/** overlaps_timestamp and friends: SQL OVERLAPS with its NULL rules (non-strict). */
export function overlaps<T>(
  args: readonly (T | null)[],
  cmp: (a: T, b: T) => number,
): boolean | null {
  let [ts1, te1, ts2, te2] = args as (T | null)[];
  if (ts1 === null || ts1 === undefined) {
    if (te1 === null || te1 === undefined) return null;
    ts1 = te1;
    te1 = null;
  } else if (te1 !== null && te1 !== undefined && cmp(ts1, te1) > 0) {
    [ts1, te1] = [te1, ts1];
  }
  if (ts2 === null || ts2 === undefined) {
    if (te2 === null || te2 === undefined) return null;
    ts2 = te2;
    te2 = null;
  } else if (te2 !== null && te2 !== undefined && cmp(ts2, te2) > 0) {
    [ts2, te2] = [te2, ts2];
  }
  const c = cmp(ts1, ts2);
  if (c > 0) {
    if (te2 === null || te2 === undefined) return null;
    if (cmp(ts1, te2) < 0) return true;
    if (te1 === null || te1 === undefined) return null;
    return false;
  }
  if (c < 0) {
    if (te1 === null || te1 === undefined) return null;
    if (cmp(ts2, te1) < 0) return true;
    if (te2 === null || te2 === undefined) return null;
    return false;
  }
  if (te1 === null || te1 === undefined || te2 === null || te2 === undefined) return null;
  return true;
}

/** generate_series(start, stop, step) over timestamps, stepping with `add` (checked eagerly). */
export function timestampSeries(
  start: bigint,
  stop: bigint,
  step: Interval,
  add: (t: bigint, v: Interval) => bigint,
): Iterable<bigint> {
  const span = step.micros + (BigInt(step.months) * 30n + BigInt(step.days)) * USECS_PER_DAY;
  if (span === 0n) {
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, 'step size cannot equal zero');
  }
  const up = span > 0n;
  return (function* () {
    let current = start;
    while (up ? current <= stop : current >= stop) {
      yield current;
      current = add(current, step);
    }
  })();
}

/** timetz_part_common. */
export function timetzPart(unitText: string, v: TimeTz, numeric: boolean): Part {
  const { unit, low } = decodeUnit(unitText, true);
  const typeName = 'time with time zone';
  if (unit === null) throw notRecognized(low, typeName);
  if (unit === 'timezone') return intPart(-v.zone);
  if (unit === 'timezone_minute') return intPart(z(Math.trunc(-v.zone / 60) % 60));
  if (unit === 'timezone_hour') return intPart(z(Math.trunc(-v.zone / 3600)));
  if (unit === 'epoch') {
    const us = v.time + BigInt(v.zone) * USECS_PER_SEC;
    return numeric
      ? scaledPart(us, 6, 0)
      : { text: '', float: Number(v.time) / 1000000.0 + v.zone };
  }
  if (!['microseconds', 'milliseconds', 'second', 'minute', 'hour'].includes(unit)) {
    throw notSupported(low, typeName);
  }
  const [hour, min, sec, fsec] = dt2time(v.time);
  return tmPart(
    { year: 2000, mon: 1, mday: 1, hour, min, sec, fsec },
    unit,
    low,
    typeName,
    numeric,
  )!;
}

/** timetz_zone: timezone(zone, timetz), using the zone's offset at the transaction start. */
export function timetzAtZone(zoneName: string, v: TimeTz, ctx: TypeContext): TimeTz {
  const spec = lookupZone(zoneName);
  let tz: number;
  if ('fixedEast' in spec) tz = -spec.fixedEast;
  else tz = timestampTz2tm(ctx.transactionStart, spec.zone).tz;
  let time = v.time + BigInt(v.zone - tz) * USECS_PER_SEC;
  while (time < 0n) time += USECS_PER_DAY;
  if (time >= USECS_PER_DAY) time %= USECS_PER_DAY;
  return { time, zone: tz };
}

/** timetz_izone: timezone(interval, timetz). */
export function timetzAtIntervalZone(zone: Interval, v: TimeTz): TimeTz {
  const tz = -Number(intervalZoneSecs(zone));
  let time = v.time + BigInt(v.zone - tz) * USECS_PER_SEC;
  while (time < 0n) time += USECS_PER_DAY;
  while (time >= USECS_PER_DAY) time -= USECS_PER_DAY;
  return { time, zone: z(tz) };
}

/**
 * make_timestamptz(..., zone): parse_sane_timezone reads '+05' / '-03:30'
 * as ISO offsets (east positive), then abbreviations, then zone names.
 */
export function makeTimestamptzAt(t: bigint, zoneName: string): bigint {
  if (/^\d/.test(zoneName)) {
    throw new SqlError(
      SqlState.INVALID_PARAMETER_VALUE,
      `invalid input syntax for type numeric time zone: "${zoneName}"`,
      { hint: 'Numeric time zones must have "-" or "+" as first character.' },
    );
  }
  const tm = mustTimestamp2tm(t);
  let tz = tryDecodeTimezone(zoneName);
  if (tz === null) {
    const spec = lookupZone(zoneName);
    tz = 'fixedEast' in spec ? -spec.fixedEast : determineTz(tm, spec.zone);
  }
  const r = t + BigInt(tz) * USECS_PER_SEC;
  if (!isValidTimestamp(r)) throw timestampOutOfRange();
  return r;
}
