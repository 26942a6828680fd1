/**
 * Calendar arithmetic shared by the datetime family, as PostgreSQL's
 * timestamp.h / datetime.c define it: Julian day numbers (date2j, j2date),
 * the broken-down time `Tm` (pg_tm with the year as a real year, 0 = 1 BC),
 * and the conversions between Tm and the stored values: date = days since
 * 2000-01-01 (int32), time = bigint µs, timestamp = bigint µs since
 * 2000-01-01 00:00:00.
 */
import { SqlError, SqlState } from '../core/errors.js';

export const USECS_PER_SEC = 1_000_000n;
export const USECS_PER_MINUTE = 60_000_000n;
export const USECS_PER_HOUR = 3_600_000_000n;
export const USECS_PER_DAY = 86_400_000_000n;
export const SECS_PER_DAY = 86400;
export const DAYS_PER_MONTH = 30;
export const MONTHS_PER_YEAR = 12;

/** Julian day of 2000-01-01 (POSTGRES_EPOCH_JDATE) and of 1970-01-01. */
export const POSTGRES_EPOCH_JDATE = 2451545;
export const UNIX_EPOCH_JDATE = 2440588;

/** DATEVAL_NOBEGIN / DATEVAL_NOEND. */
export const DATE_NOBEGIN = -2147483648;
export const DATE_NOEND = 2147483647;
/** DT_NOBEGIN / DT_NOEND. */
export const TIMESTAMP_NOBEGIN = -9223372036854775808n;
export const TIMESTAMP_NOEND = 9223372036854775807n;

/** MIN_TIMESTAMP and END_TIMESTAMP: 4714-11-24 BC to 294277-01-01 (exclusive). */
export const MIN_TIMESTAMP = -211813488000000000n;
export const END_TIMESTAMP = 9223371331200000000n;
/** DATETIME_MIN_JULIAN, DATE_END_JULIAN, TIMESTAMP_END_JULIAN. */
export const DATE_END_JULIAN = 2147483494;
export const TIMESTAMP_END_JULIAN = 109203528;

/** Days in each month, common and leap years (day_tab). */
export const DAY_TAB = [
  [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
  [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
] as const;

/** A broken-down date and time (pg_tm), year 0 being 1 BC. */
export interface Tm {
  year: number;
  mon: number;
  mday: number;
  hour: number;
  min: number;
  sec: number;
  /** Fractional second in µs. */
  fsec: number;
}

export function newTm(): Tm {
  return { year: 2000, mon: 1, mday: 1, hour: 0, min: 0, sec: 0, fsec: 0 };
}

export function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

export function daysInMonth(year: number, mon: number): number {
  return DAY_TAB[isLeap(year) ? 1 : 0][mon - 1]!;
}

/** date2j: the Julian day of a (proleptic Gregorian) date. */
export function date2j(y0: number, m0: number, d: number): number {
  let y = y0;
  let m = m0;
  if (m > 2) {
    m += 1;
    y += 4800;
  } else {
    m += 13;
    y += 4799;
  }
  const century = Math.trunc(y / 100);
  let julian = y * 365 - 32167;
  julian += Math.trunc(y / 4) - century + Math.trunc(century / 4);
  julian += Math.trunc((7834 * m) / 256) + d;
  return julian;
}

/** j2date: [year, month, day] of a Julian day (unsigned arithmetic as in C). */
export function j2date(jd: number): [number, number, number] {
  let julian = jd >>> 0;
  julian += 32044;
  let quad = Math.floor(julian / 146097);
  const extra = (julian - quad * 146097) * 4 + 3;
  julian += 60 + quad * 3 + Math.floor(extra / 146097);
  quad = Math.floor(julian / 1461);
  julian -= quad * 1461;
  let y = Math.floor((julian * 4) / 1461);
  julian = (y !== 0 ? (julian + 305) % 365 : (julian + 306) % 366) + 123;
  y += quad * 4;
  const year = y - 4800;
  const q = Math.floor((julian * 2141) / 65536);
  const day = julian - Math.floor((7834 * q) / 256);
  const month = ((q + 10) % 12) + 1;
  return [year, month, day];
}

/** j2day: day of the week, 0 = Sunday. */
export function j2day(jd: number): number {
  let d = (jd + 1) % 7;
  if (d < 0) d += 7;
  return d;
}

/** IS_VALID_JULIAN: within 4714-11-24 BC .. 5874898-06-03. */
export function isValidJulian(y: number, m: number, _d: number): boolean {
  return (y > -4713 || (y === -4713 && m >= 11)) && (y < 5874898 || (y === 5874898 && m < 6));
}

/** IS_VALID_DATE. */
export function isValidDate(d: number): boolean {
  return d >= -POSTGRES_EPOCH_JDATE && d < DATE_END_JULIAN - POSTGRES_EPOCH_JDATE;
}

/** IS_VALID_TIMESTAMP. */
export function isValidTimestamp(t: bigint): boolean {
  return t >= MIN_TIMESTAMP && t < END_TIMESTAMP;
}

export function timestampIsFinite(t: bigint): boolean {
  return t !== TIMESTAMP_NOBEGIN && t !== TIMESTAMP_NOEND;
}

export function dateIsFinite(d: number): boolean {
  return d !== DATE_NOBEGIN && d !== DATE_NOEND;
}

/** An error with SQLSTATE 22008 (datetime field overflow / value out of range). */
export function rangeError(message: string): SqlError {
  return new SqlError(SqlState.DATETIME_FIELD_OVERFLOW, message);
}

export const timestampOutOfRange = (): SqlError => rangeError('timestamp out of range');
export const dateOutOfRange = (): SqlError => rangeError('date out of range');
export const intervalOutOfRange = (): SqlError => rangeError('interval out of range');

/** Floor division and modulo for bigints. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** time2t: µs of a time of day. */
export function time2t(hour: number, min: number, sec: number, fsec: number): bigint {
  return BigInt((hour * 60 + min) * 60 + sec) * USECS_PER_SEC + BigInt(fsec);
}

/** dt2time: fields of a time of day in µs. */
export function dt2time(t: bigint): [number, number, number, number] {
  const hour = t / USECS_PER_HOUR;
  let rest = t - hour * USECS_PER_HOUR;
  const min = rest / USECS_PER_MINUTE;
  rest -= min * USECS_PER_MINUTE;
  const sec = rest / USECS_PER_SEC;
  const fsec = rest - sec * USECS_PER_SEC;
  return [Number(hour), Number(min), Number(sec), Number(fsec)];
}

/**
 * timestamp2tm without time zone: the fields of a finite timestamp, or
 * null when the Julian day is out of range.
 */
export function timestamp2tm(dt: bigint): Tm | null {
  let date = dt / USECS_PER_DAY;
  let time = dt - date * USECS_PER_DAY;
  if (time < 0n) {
    time += USECS_PER_DAY;
    date -= 1n;
  }
  date += BigInt(POSTGRES_EPOCH_JDATE);
  if (date < 0n || date > 2147483647n) return null;
  const [year, mon, mday] = j2date(Number(date));
  const [hour, min, sec, fsec] = dt2time(time);
  return { year, mon, mday, hour, min, sec, fsec };
}

/**
 * The fields of a local time computed from a valid UTC timestamp plus an
 * offset (pg_localtime): like timestamp2tm, but days before Julian day 0
 * (possible just after MIN_TIMESTAMP west of Greenwich) still convert.
 */
export function localTimestamp2tm(dt: bigint): Tm | null {
  if (dt >= MIN_TIMESTAMP - USECS_PER_DAY) {
    const tm = timestamp2tm(dt);
    if (tm || dt >= MIN_TIMESTAMP) return tm;
    const shifted = timestamp2tm(dt + 146097n * USECS_PER_DAY);
    if (shifted) shifted.year -= 400;
    return shifted;
  }
  return null;
}

/** Like timestamp2tm, throwing "timestamp out of range". */
export function mustTimestamp2tm(dt: bigint): Tm {
  const tm = timestamp2tm(dt);
  if (!tm) throw timestampOutOfRange();
  return tm;
}

/**
 * tm2timestamp: the timestamp of the fields, shifted by `tz` seconds west
 * of UTC when given (timestamptz); null when out of range.
 */
export function tm2timestamp(tm: Tm, tz?: number): bigint | null {
  if (!isValidJulian(tm.year, tm.mon, tm.mday)) return null;
  const date = BigInt(date2j(tm.year, tm.mon, tm.mday) - POSTGRES_EPOCH_JDATE);
  const time = time2t(tm.hour, tm.min, tm.sec, tm.fsec);
  let result = date * USECS_PER_DAY + time;
  if (result < -(2n ** 63n) || result >= 2n ** 63n) return null;
  if ((result < 0n && date > 0n) || (result > 0n && date < -1n)) return null;
  if (tz !== undefined) result += BigInt(tz) * USECS_PER_SEC;
  if (!isValidTimestamp(result)) return null;
  return result;
}

/** The half-away-from-zero rounding to `precision` fractional digits of µs values. */
export function roundMicros(value: bigint, precision: number): bigint {
  if (precision >= 6) return value;
  const scale = 10n ** BigInt(6 - precision);
  const offset = scale / 2n;
  return value >= 0n ? ((value + offset) / scale) * scale : -(((-value + offset) / scale) * scale);
}

/** C's rint (round half to even) on a double. */
export function rint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5) return 2 * Math.round(x / 2);
  return r;
}
