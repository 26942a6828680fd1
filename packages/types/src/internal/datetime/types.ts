/**
 * The six datetime types and their I/O, order and hashing:
 *  - date (1082): number, days since 2000-01-01; -2147483648 / 2147483647 are -infinity / infinity
 *  - time (1083): bigint µs since midnight (0 .. 24:00:00)
 *  - timetz (1266): { time: bigint µs, zone: seconds WEST of UTC }
 *  - timestamp (1114) / timestamptz (1184): bigint µs since 2000-01-01 00:00:00 (UTC for
 *    timestamptz); int64 min / max are -infinity / infinity
 *  - interval (1186): { months, days, micros: bigint }
 * Text I/O follows DateStyle 'ISO, MDY' and IntervalStyle postgres; binary is
 * big-endian as typsend/typreceive; on disk little-endian.
 */
import type { TypeContext } from '../core/context.js';
import { badBinary, SqlError, SqlState } from '../core/errors.js';
import { combineHash, hashInt32, hashInt64 } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { PgType } from '../core/type.js';
import { le, view, WireReader, WireWriter } from '../core/wire.js';
import {
  DATE_NOBEGIN,
  DATE_NOEND,
  date2j,
  isValidDate,
  isValidJulian,
  isValidTimestamp,
  localTimestamp2tm,
  POSTGRES_EPOCH_JDATE,
  rangeError,
  roundMicros,
  TIMESTAMP_NOBEGIN,
  TIMESTAMP_NOEND,
  type Tm,
  time2t,
  timestamp2tm,
  timestampIsFinite,
  timestampOutOfRange,
  tm2timestamp,
  USECS_PER_DAY,
  USECS_PER_SEC,
} from './calendar.js';
import { dateOut, encodeDateTime, intervalOut, timeOut } from './format.js';
import {
  DTK_EARLY,
  DTK_EPOCH,
  DTK_LATE,
  decodeDateTime,
  decodeTimeOnly,
  IM_DAY,
  IM_HOUR,
  IM_MINUTE,
  IM_MONTH,
  IM_SECOND,
  IM_YEAR,
  INTERVAL_FULL_RANGE,
  type IntervalValue,
  parseInterval,
} from './parse.js';
import { offsetAt, sessionZone, type Zone } from './zone.js';

export interface TimeTz {
  time: bigint;
  zone: number;
}
export type Interval = IntervalValue;

const MAX_PRECISION = 6;
const INTERVAL_FULL_PRECISION = 0xffff;

/** The local fields and `tz` (seconds west) of a UTC timestamp in a zone. */
export function timestampTz2tm(t: bigint, zone: Zone): { tm: Tm; tz: number } {
  let secs = t / USECS_PER_SEC;
  if (t < 0n && secs * USECS_PER_SEC !== t) secs -= 1n;
  if (!timestamp2tm(t)) throw timestampOutOfRange();
  const off = offsetAt(zone, Number(secs) + 946684800);
  const tm = localTimestamp2tm(t + BigInt(off) * USECS_PER_SEC);
  if (!tm) throw timestampOutOfRange();
  return { tm, tz: -off };
}

/** anytime_typmodin / anytimestamp_typmodin: `name` is e.g. 'TIMESTAMP' or 'TIME' + ' WITH TIME ZONE'. */
function precisionTypmodIn(name: string, mods: readonly number[], tz = false): number {
  if (mods.length !== 1) {
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, 'invalid type modifier');
  }
  const p = mods[0]!;
  if (p < 0) {
    throw new SqlError(
      SqlState.INVALID_PARAMETER_VALUE,
      `${name}(${p})${tz ? ' WITH TIME ZONE' : ''} precision must not be negative`,
    );
  }
  return Math.min(p, MAX_PRECISION);
}

/** AdjustTimeForTypmod. */
export function adjustTime(t: bigint, typmod: number): bigint {
  if (typmod >= 0 && typmod <= MAX_PRECISION) return roundMicros(t, typmod);
  return t;
}

/** AdjustTimestampForTypmod. */
export function adjustTimestamp(t: bigint, typmod: number): bigint {
  if (!timestampIsFinite(t) || typmod === -1 || typmod === MAX_PRECISION) return t;
  if (typmod < 0 || typmod > MAX_PRECISION) {
    throw new SqlError(
      SqlState.INVALID_PARAMETER_VALUE,
      `timestamp(${typmod}) precision must be between 0 and 6`,
    );
  }
  return roundMicros(t, typmod);
}

/** AdjustIntervalForTypmod. */
export function adjustInterval(v: Interval, typmod: number): Interval {
  if (typmod < 0) return v;
  const range = (typmod >> 16) & 0x7fff;
  const precision = typmod & 0xffff;
  let { months, days, micros } = v;
  const H = 3_600_000_000n;
  const MI = 60_000_000n;
  if (range === INTERVAL_FULL_RANGE) {
    // nothing
  } else if (range === IM_YEAR) {
    months = Math.trunc(months / 12) * 12;
    days = 0;
    micros = 0n;
  } else if (range === IM_MONTH || range === (IM_YEAR | IM_MONTH)) {
    days = 0;
    micros = 0n;
  } else if (range === IM_DAY) {
    micros = 0n;
  } else if (range === IM_HOUR || range === (IM_DAY | IM_HOUR)) {
    micros = (micros / H) * H;
  } else if (
    range === IM_MINUTE ||
    range === (IM_DAY | IM_HOUR | IM_MINUTE) ||
    range === (IM_HOUR | IM_MINUTE)
  ) {
    micros = (micros / MI) * MI;
  } else if (
    range !== IM_SECOND &&
    range !== (IM_DAY | IM_HOUR | IM_MINUTE | IM_SECOND) &&
    range !== (IM_HOUR | IM_MINUTE | IM_SECOND) &&
    range !== (IM_MINUTE | IM_SECOND)
  ) {
    throw new SqlError(SqlState.INTERNAL_ERROR, `unrecognized interval typmod: ${typmod}`);
  }
  if (precision !== INTERVAL_FULL_PRECISION) {
    if (precision > MAX_PRECISION) {
      throw new SqlError(
        SqlState.INVALID_PARAMETER_VALUE,
        `interval(${precision}) precision must be between 0 and 6`,
      );
    }
    micros = roundMicros(micros, precision);
  }
  return { months: months === 0 ? 0 : months, days: days === 0 ? 0 : days, micros };
}

const hashTimestamp = (t: bigint) => hashInt64(t);

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ------------------------------------------------------------------ date

export function dateIn(text: string, ctx: TypeContext): number {
  const r = decodeDateTime(text, 'date', ctx);
  let tm = r.tm;
  if (r.dtype === DTK_LATE) return DATE_NOEND;
  if (r.dtype === DTK_EARLY) return DATE_NOBEGIN;
  if (r.dtype === DTK_EPOCH) tm = { year: 1970, mon: 1, mday: 1, hour: 0, min: 0, sec: 0, fsec: 0 };
  if (!isValidJulian(tm.year, tm.mon, tm.mday)) throw rangeError(`date out of range: "${text}"`);
  const d = date2j(tm.year, tm.mon, tm.mday) - POSTGRES_EPOCH_JDATE;
  if (!isValidDate(d)) throw rangeError(`date out of range: "${text}"`);
  return d;
}

export const dateType: PgType<number> = {
  name: 'date',
  displayName: 'date',
  oid: TypeOid.date,
  arrayOid: TypeOid._date,
  elemOid: 0,
  len: 4,
  byVal: true,
  align: 'i',
  storage: 'p',
  category: 'D',
  preferred: false,
  input: (text, _typmod, ctx) => dateIn(text, ctx),
  output: (v) => dateOut(v),
  send: (v) => new WireWriter().int32(v).done(),
  receive(bytes) {
    const r = new WireReader(bytes);
    const v = r.int32();
    r.end();
    if (v !== DATE_NOBEGIN && v !== DATE_NOEND && !isValidDate(v)) {
      throw rangeError('date out of range');
    }
    return v;
  },
  encode: (v) => le(4, (d) => d.setInt32(0, v, true)),
  decode: (bytes) => view(bytes).getInt32(0, true),
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  hash: hashInt32,
};

// ------------------------------------------------------------------ time

export function timeIn(text: string, typmod: number, ctx: TypeContext): bigint {
  const { tm } = decodeTimeOnly(text, 'time', ctx);
  return adjustTime(time2t(tm.hour, tm.min, tm.sec, tm.fsec), typmod);
}

function checkTimeRecv(t: bigint): void {
  if (t < 0n || t > USECS_PER_DAY) throw badBinary('time out of range');
}

export const timeType: PgType<bigint> = {
  name: 'time',
  displayName: 'time without time zone',
  oid: TypeOid.time,
  arrayOid: TypeOid._time,
  elemOid: 0,
  len: 8,
  byVal: true,
  align: 'd',
  storage: 'p',
  category: 'D',
  preferred: false,
  input: (text, typmod, ctx) => timeIn(text, typmod, ctx),
  output: (v) => timeOut(v),
  send: (v) => new WireWriter().int64(v).done(),
  receive(bytes, typmod) {
    const r = new WireReader(bytes);
    const v = r.int64();
    r.end();
    checkTimeRecv(v);
    return adjustTime(v, typmod);
  },
  encode: (v) => le(8, (d) => d.setBigInt64(0, v, true)),
  decode: (bytes) => view(bytes).getBigInt64(0, true),
  compare: cmpBig,
  hash: hashInt64,
  typmodIn: (mods) => precisionTypmodIn('TIME', mods),
  typmodOut: (typmod) => `(${typmod})`,
  applyTypmod: (v, typmod) => adjustTime(v, typmod),
};

// ------------------------------------------------------------------ timetz

export function timetzIn(text: string, typmod: number, ctx: TypeContext): TimeTz {
  const { tm, tz } = decodeTimeOnly(text, 'time with time zone', ctx);
  return { time: adjustTime(time2t(tm.hour, tm.min, tm.sec, tm.fsec), typmod), zone: tz };
}

/** timetz_cmp_internal: by UTC time, then by zone. */
export function timetzCompare(a: TimeTz, b: TimeTz): number {
  const t1 = a.time + BigInt(a.zone) * USECS_PER_SEC;
  const t2 = b.time + BigInt(b.zone) * USECS_PER_SEC;
  if (t1 !== t2) return t1 < t2 ? -1 : 1;
  return a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0;
}

export const timetzType: PgType<TimeTz> = {
  name: 'timetz',
  displayName: 'time with time zone',
  oid: TypeOid.timetz,
  arrayOid: TypeOid._timetz,
  elemOid: 0,
  len: 12,
  byVal: false,
  align: 'd',
  storage: 'p',
  category: 'D',
  preferred: false,
  input: (text, typmod, ctx) => timetzIn(text, typmod, ctx),
  output: (v) => timeOut(v.time, v.zone),
  send: (v) => new WireWriter().int64(v.time).int32(v.zone).done(),
  receive(bytes, typmod) {
    const r = new WireReader(bytes);
    const time = r.int64();
    const zone = r.int32();
    r.end();
    checkTimeRecv(time);
    if (zone <= -57600 || zone >= 57600) throw badBinary('time zone displacement out of range');
    return { time: adjustTime(time, typmod), zone };
  },
  encode: (v) =>
    le(12, (d) => {
      d.setBigInt64(0, v.time, true);
      d.setInt32(8, v.zone, true);
    }),
  decode: (bytes) => {
    const d = view(bytes);
    return { time: d.getBigInt64(0, true), zone: d.getInt32(8, true) };
  },
  compare: timetzCompare,
  hash: (v) => combineHash(hashInt64(v.time), hashInt32(v.zone)),
  typmodIn: (mods) => precisionTypmodIn('TIME', mods, true),
  typmodOut: (typmod) => `(${typmod})`,
  applyTypmod: (v, typmod) => ({ time: adjustTime(v.time, typmod), zone: v.zone }),
};

// ------------------------------------------------------------------ timestamp

function epochOrInfinity(dtype: number): bigint | null {
  if (dtype === DTK_EPOCH) return -946684800000000n;
  if (dtype === DTK_LATE) return TIMESTAMP_NOEND;
  if (dtype === DTK_EARLY) return TIMESTAMP_NOBEGIN;
  return null;
}

export function timestampIn(text: string, typmod: number, ctx: TypeContext): bigint {
  const r = decodeDateTime(text, 'timestamp', ctx);
  let v = epochOrInfinity(r.dtype);
  if (v === null) {
    v = tm2timestamp(r.tm);
    if (v === null) throw rangeError(`timestamp out of range: "${text}"`);
  }
  return adjustTimestamp(v, typmod);
}

export function timestampOut(v: bigint): string {
  if (v === TIMESTAMP_NOBEGIN) return '-infinity';
  if (v === TIMESTAMP_NOEND) return 'infinity';
  const tm = timestamp2tm(v);
  if (!tm) throw timestampOutOfRange();
  return encodeDateTime(tm);
}

function receiveTimestamp(bytes: Uint8Array, typmod: number): bigint {
  const r = new WireReader(bytes);
  const v = r.int64();
  r.end();
  if (timestampIsFinite(v) && !isValidTimestamp(v)) throw timestampOutOfRange();
  return adjustTimestamp(v, typmod);
}

export const timestampType: PgType<bigint> = {
  name: 'timestamp',
  displayName: 'timestamp without time zone',
  oid: TypeOid.timestamp,
  arrayOid: TypeOid._timestamp,
  elemOid: 0,
  len: 8,
  byVal: true,
  align: 'd',
  storage: 'p',
  category: 'D',
  preferred: false,
  input: (text, typmod, ctx) => timestampIn(text, typmod, ctx),
  output: (v) => timestampOut(v),
  send: (v) => new WireWriter().int64(v).done(),
  receive: (bytes, typmod) => receiveTimestamp(bytes, typmod),
  encode: (v) => le(8, (d) => d.setBigInt64(0, v, true)),
  decode: (bytes) => view(bytes).getBigInt64(0, true),
  compare: cmpBig,
  hash: hashTimestamp,
  typmodIn: (mods) => precisionTypmodIn('TIMESTAMP', mods),
  typmodOut: (typmod) => `(${typmod})`,
  applyTypmod: (v, typmod) => adjustTimestamp(v, typmod),
};

// ------------------------------------------------------------------ timestamptz

export function timestamptzIn(text: string, typmod: number, ctx: TypeContext): bigint {
  const r = decodeDateTime(text, 'timestamp with time zone', ctx);
  let v = epochOrInfinity(r.dtype);
  if (v === null) {
    v = tm2timestamp(r.tm, r.tz);
    if (v === null) throw rangeError(`timestamp out of range: "${text}"`);
  }
  return adjustTimestamp(v, typmod);
}

export function timestamptzOut(v: bigint, ctx: TypeContext): string {
  if (v === TIMESTAMP_NOBEGIN) return '-infinity';
  if (v === TIMESTAMP_NOEND) return 'infinity';
  const { tm, tz } = timestampTz2tm(v, sessionZone(ctx.timeZone));
  return encodeDateTime(tm, tz);
}

export const timestamptzType: PgType<bigint> = {
  name: 'timestamptz',
  displayName: 'timestamp with time zone',
  oid: TypeOid.timestamptz,
  arrayOid: TypeOid._timestamptz,
  elemOid: 0,
  len: 8,
  byVal: true,
  align: 'd',
  storage: 'p',
  category: 'D',
  preferred: true,
  input: (text, typmod, ctx) => timestamptzIn(text, typmod, ctx),
  output: (v, ctx) => timestamptzOut(v, ctx),
  send: (v) => new WireWriter().int64(v).done(),
  receive: (bytes, typmod) => receiveTimestamp(bytes, typmod),
  encode: (v) => le(8, (d) => d.setBigInt64(0, v, true)),
  decode: (bytes) => view(bytes).getBigInt64(0, true),
  compare: cmpBig,
  hash: hashTimestamp,
  typmodIn: (mods) => precisionTypmodIn('TIMESTAMP', mods, true),
  typmodOut: (typmod) => `(${typmod})`,
  applyTypmod: (v, typmod) => adjustTimestamp(v, typmod),
};

// ------------------------------------------------------------------ interval

/** interval_cmp_value: the span with 30-day months and 24-hour days. */
export function intervalSpan(v: Interval): bigint {
  return v.micros + (BigInt(v.months) * 30n + BigInt(v.days)) * USECS_PER_DAY;
}

export function intervalIn(text: string, typmod: number): Interval {
  const range = typmod >= 0 ? (typmod >> 16) & 0x7fff : INTERVAL_FULL_RANGE;
  return adjustInterval(parseInterval(text, range), typmod);
}

const RANGE_NAMES = new Map<number, string>([
  [IM_YEAR, ' year'],
  [IM_MONTH, ' month'],
  [IM_DAY, ' day'],
  [IM_HOUR, ' hour'],
  [IM_MINUTE, ' minute'],
  [IM_SECOND, ' second'],
  [IM_YEAR | IM_MONTH, ' year to month'],
  [IM_DAY | IM_HOUR, ' day to hour'],
  [IM_DAY | IM_HOUR | IM_MINUTE, ' day to minute'],
  [IM_DAY | IM_HOUR | IM_MINUTE | IM_SECOND, ' day to second'],
  [IM_HOUR | IM_MINUTE, ' hour to minute'],
  [IM_HOUR | IM_MINUTE | IM_SECOND, ' hour to second'],
  [IM_MINUTE | IM_SECOND, ' minute to second'],
  [INTERVAL_FULL_RANGE, ''],
]);

export const intervalType: PgType<Interval> = {
  name: 'interval',
  displayName: 'interval',
  oid: TypeOid.interval,
  arrayOid: TypeOid._interval,
  elemOid: 0,
  len: 16,
  byVal: false,
  align: 'd',
  storage: 'p',
  category: 'T',
  preferred: true,
  input: (text, typmod) => intervalIn(text, typmod),
  output: (v) => intervalOut(v),
  send: (v) => new WireWriter().int64(v.micros).int32(v.days).int32(v.months).done(),
  receive(bytes, typmod) {
    const r = new WireReader(bytes);
    const micros = r.int64();
    const days = r.int32();
    const months = r.int32();
    r.end();
    return adjustInterval({ months, days, micros }, typmod);
  },
  encode: (v) =>
    le(16, (d) => {
      d.setBigInt64(0, v.micros, true);
      d.setInt32(8, v.days, true);
      d.setInt32(12, v.months, true);
    }),
  decode: (bytes) => {
    const d = view(bytes);
    return {
      micros: d.getBigInt64(0, true),
      days: d.getInt32(8, true),
      months: d.getInt32(12, true),
    };
  },
  compare: (a, b) => cmpBig(intervalSpan(a), intervalSpan(b)),
  hash: (v) => hashInt64(BigInt.asIntN(64, intervalSpan(v)) ^ (intervalSpan(v) >> 64n)),
  /** [range] or [range, precision], as the grammar passes INTERVAL fields and (p). */
  typmodIn(mods) {
    if (mods.length === 1) {
      return mods[0] !== INTERVAL_FULL_RANGE ? (mods[0]! << 16) | INTERVAL_FULL_PRECISION : -1;
    }
    if (mods.length === 2) {
      const p = mods[1]!;
      if (p < 0) {
        throw new SqlError(
          SqlState.INVALID_PARAMETER_VALUE,
          `INTERVAL(${p}) precision must not be negative`,
        );
      }
      return (mods[0]! << 16) | Math.min(p, MAX_PRECISION);
    }
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, 'invalid INTERVAL type modifier');
  },
  typmodOut(typmod) {
    if (typmod < 0) return '';
    const fields = RANGE_NAMES.get((typmod >> 16) & 0x7fff) ?? '';
    const precision = typmod & 0xffff;
    return precision !== INTERVAL_FULL_PRECISION ? `${fields}(${precision})` : fields;
  },
  applyTypmod: (v, typmod) => adjustInterval(v, typmod),
};
