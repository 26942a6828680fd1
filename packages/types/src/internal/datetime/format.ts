/**
 * Text output of the datetime family in DateStyle ISO and IntervalStyle
 * postgres, as PostgreSQL's EncodeDateOnly / EncodeTimeOnly /
 * EncodeDateTime / EncodeInterval write it.
 */
import {
  DATE_NOBEGIN,
  DATE_NOEND,
  dt2time,
  j2date,
  POSTGRES_EPOCH_JDATE,
  type Tm,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
} from './calendar.js';
import type { IntervalValue } from './parse.js';

export const pad = (n: number | bigint, width: number): string => {
  const s = String(n < 0 ? -n : n);
  return (n < 0 ? '-' : '') + s.padStart(width, '0');
};

/** AppendSeconds: "ss" and, when non-zero, ".ffffff" without trailing zeros. */
export function appendSeconds(sec: number, fsec: number): string {
  let s = pad(Math.abs(sec), 2);
  if (fsec !== 0) s += `.${String(Math.abs(fsec)).padStart(6, '0').replace(/0+$/, '')}`;
  return s;
}

/** The year as printed: 4+ digits, BC years counted from 1. */
function yearText(year: number): string {
  return pad(year > 0 ? year : -(year - 1), 4);
}

export function encodeDateOnly(tm: Tm): string {
  return `${yearText(tm.year)}-${pad(tm.mon, 2)}-${pad(tm.mday, 2)}${tm.year <= 0 ? ' BC' : ''}`;
}

/** date_out. */
export function dateOut(d: number): string {
  if (d === DATE_NOBEGIN) return '-infinity';
  if (d === DATE_NOEND) return 'infinity';
  const [year, mon, mday] = j2date(d + POSTGRES_EPOCH_JDATE);
  return encodeDateOnly({ year, mon, mday, hour: 0, min: 0, sec: 0, fsec: 0 });
}

/** EncodeTimezone: "+hh", "-hh:mm" or "+hh:mm:ss" for `tz` seconds west. */
export function encodeTimezone(tz: number): string {
  let sec = Math.abs(tz);
  let min = Math.floor(sec / 60);
  sec -= min * 60;
  const hour = Math.floor(min / 60);
  min -= hour * 60;
  const sign = tz <= 0 ? '+' : '-';
  if (sec !== 0) return `${sign}${pad(hour, 2)}:${pad(min, 2)}:${pad(sec, 2)}`;
  if (min !== 0) return `${sign}${pad(hour, 2)}:${pad(min, 2)}`;
  return `${sign}${pad(hour, 2)}`;
}

/** time_out / timetz_out. */
export function timeOut(t: bigint, tz?: number): string {
  const [hour, min, sec, fsec] = dt2time(t);
  return `${pad(hour, 2)}:${pad(min, 2)}:${appendSeconds(sec, fsec)}${tz === undefined ? '' : encodeTimezone(tz)}`;
}

/** EncodeDateTime in ISO style, with the zone when `tz` is given. */
export function encodeDateTime(tm: Tm, tz?: number): string {
  let s = `${yearText(tm.year)}-${pad(tm.mon, 2)}-${pad(tm.mday, 2)} ${pad(tm.hour, 2)}:${pad(tm.min, 2)}:${appendSeconds(tm.sec, tm.fsec)}`;
  if (tz !== undefined) s += encodeTimezone(tz);
  if (tm.year <= 0) s += ' BC';
  return s;
}

/** EncodeInterval, IntervalStyle postgres. */
export function intervalOut(v: IntervalValue): string {
  const year = Math.trunc(v.months / 12);
  const mon = v.months % 12;
  const mday = v.days;
  let time = v.micros;
  const hour = time / USECS_PER_HOUR;
  time -= hour * USECS_PER_HOUR;
  const min = time / USECS_PER_MINUTE;
  time -= min * USECS_PER_MINUTE;
  const sec = time / USECS_PER_SEC;
  const fsec = time - sec * USECS_PER_SEC;
  let out = '';
  let isZero = true;
  let isBefore = false;
  const part = (value: number, units: string) => {
    if (value === 0) return;
    out += `${!isZero ? ' ' : ''}${isBefore && value > 0 ? '+' : ''}${value} ${units}${value !== 1 ? 's' : ''}`;
    isBefore = value < 0;
    isZero = false;
  };
  part(year, 'year');
  part(mon, 'mon');
  part(mday, 'day');
  if (isZero || hour !== 0n || min !== 0n || sec !== 0n || fsec !== 0n) {
    const minus = hour < 0n || min < 0n || sec < 0n || fsec < 0n;
    const abs = (x: bigint) => (x < 0n ? -x : x);
    out += `${isZero ? '' : ' '}${minus ? '-' : isBefore ? '+' : ''}${pad(abs(hour), 2)}:${pad(abs(min), 2)}:${appendSeconds(Number(sec), Number(fsec))}`;
  }
  return out;
}
