/**
 * DateStyle output for date, timestamp and timestamptz (and arrays of
 * them), PostgreSQL's EncodeDateOnly / EncodeDateTime: @pg/types prints
 * ISO; the other styles are rewritten here from the ISO text's fields.
 *
 *   style      date         timestamp [with time zone]
 *   ISO        2024-02-29   2024-02-29 13:04:05.5+00
 *   SQL  MDY   02/29/2024   02/29/2024 13:04:05.5 UTC     (DMY: 29/02/2024)
 *   German     29.02.2024   29.02.2024 13:04:05.5 UTC
 *   Postgres   02-29-2024   Thu Feb 29 13:04:05.5 2024 UTC (DMY: Thu 29 Feb ...)
 *
 * A year <= 0 prints as its BC year with " BC" last; infinity stays.
 * The time zone of a timestamptz prints as its abbreviation (tm_zone).
 * JavaScript's Intl names only some zones' abbreviations as the tz
 * database does: the alphabetic en-US names (EST, PDT, UTC, ...; HAST is
 * the tz database's HST) and, for Europe/*, the en-GB ones (CET, BST, ...)
 * — checked against PostgreSQL's pg_timezone_names: 185 of its 518
 * region/city zones, none printed differently. For another zone output in
 * a non-ISO DateStyle is refused (0A000) rather than printed wrongly.
 */
import { EngineError } from '@pg/engine';
import type { PgArray } from '@pg/types';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const ISO_VALUE =
  /^(\d{4,})-(\d\d)-(\d\d)(?: (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d(?::\d\d(?::\d\d)?)?)?)?( BC)?$/;

export interface DateStyle {
  readonly style: 'ISO' | 'SQL' | 'German' | 'Postgres';
  /** DateOrder: day before month (DMY). */
  readonly dayFirst: boolean;
}

/** The DateStyle setting as SHOW prints it ('SQL, DMY'). */
export function parseDateStyle(text: string): DateStyle {
  const [style = 'ISO', order = 'MDY'] = text.split(',').map((s) => s.trim());
  const s = style.toUpperCase();
  return {
    style: s === 'SQL' ? 'SQL' : s === 'GERMAN' ? 'German' : s === 'POSTGRES' ? 'Postgres' : 'ISO',
    dayFirst: order.toUpperCase() === 'DMY',
  };
}

/** date2j: the Julian day number of a proleptic Gregorian date (astronomical year). */
function date2j(year: number, month: number, day: number): number {
  let y = year;
  let m = month;
  if (m > 2) {
    m += 1;
    y += 4800;
  } else {
    m += 13;
    y += 4799;
  }
  const century = Math.floor(y / 100);
  let julian = y * 365 - 32167;
  julian += Math.floor(y / 4) - century + Math.floor(century / 4);
  julian += Math.floor((7834 * m) / 256) + day;
  return julian;
}

/** The abbreviation of `zone` at `utcMillis`, as the tz database names it, when Intl knows it. */
function zoneAbbreviation(zone: string, utcMillis: number): string | undefined {
  const z = zone.toUpperCase();
  if (z === 'UTC' || z === 'ETC/UTC' || z === 'Z' || z === 'UCT') return 'UTC';
  if (z === 'GMT' || z === 'ETC/GMT') return 'GMT';
  const at = new Date(utcMillis);
  const short = (locale: string) => {
    try {
      return new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value;
    } catch {
      return undefined; // an offset zone or a date outside Intl's range
    }
  };
  const us = short('en-US');
  if (us !== undefined && /^[A-Z]{2,5}$/.test(us) && us !== 'GMT') {
    // ICU's older names for the Aleutian zone's
    return us === 'HAST' ? 'HST' : us === 'HADT' ? 'HDT' : us;
  }
  // before a zone's standard time: local mean time, an offset in seconds (the tz database's LMT)
  if (us !== undefined && /^GMT[+-]\d{1,2}:\d\d:\d\d$/.test(us)) return 'LMT';
  if (zone.startsWith('Europe/')) {
    // CET, CEST, EET, WEST, BST, London's GMT, ...: ICU names them in British English only
    const gb = short('en-GB');
    if (gb !== undefined && /^[A-Z]{2,5}$/.test(gb)) return gb;
  }
  return undefined;
}

/**
 * One ISO-formatted date/timestamp text in `ds`. `zone`: the session's
 * TimeZone for a timestamptz (its abbreviation is printed), else undefined.
 */
export function restyle(iso: string, ds: DateStyle, zone: string | undefined): string {
  if (ds.style === 'ISO') return iso;
  const m = ISO_VALUE.exec(iso);
  if (m === null) return iso; // infinity, -infinity
  const [, yText, moText, dText, time, , bc] = m;
  const year = Number(yText);
  const month = Number(moText);
  const day = Number(dText);
  const yy = yText as string;
  const mm = moText as string;
  const dd = dText as string;
  let out: string;
  const datePart =
    ds.style === 'SQL'
      ? ds.dayFirst
        ? `${dd}/${mm}/${yy}`
        : `${mm}/${dd}/${yy}`
      : ds.style === 'German'
        ? `${dd}.${mm}.${yy}`
        : ds.dayFirst
          ? `${dd}-${mm}-${yy}`
          : `${mm}-${dd}-${yy}`;
  if (time === undefined) {
    out = datePart;
  } else if (ds.style === 'Postgres') {
    const astronomical = bc === undefined ? year : 1 - year;
    const dow = DAYS[(date2j(astronomical, month, day) + 1) % 7] as string;
    const mon = MONTHS[month - 1] as string;
    out = ds.dayFirst ? `${dow} ${dd} ${mon} ${time} ${yy}` : `${dow} ${mon} ${dd} ${time} ${yy}`;
  } else {
    out = `${datePart} ${time}`;
  }
  if (time !== undefined && zone !== undefined) {
    const astronomical = bc === undefined ? year : 1 - year;
    const utc = localToUtcMillis(astronomical, month, day, time, m[5]);
    const abbreviation = zoneAbbreviation(zone, utc);
    if (abbreviation === undefined) {
      throw new EngineError(
        '0A000',
        `DateStyle output for time zone "${zone}" is not supported yet (${iso})`,
      );
    }
    out += ` ${abbreviation}`;
  }
  return bc === undefined ? out : `${out} BC`;
}

function localToUtcMillis(
  year: number,
  month: number,
  day: number,
  time: string,
  offset: string | undefined,
): number {
  const [h = 0, mi = 0, s = 0] = time.split(':').map(Number);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(h, mi, Math.floor(s), 0);
  let off = 0;
  if (offset !== undefined) {
    const sign = offset.startsWith('-') ? -1 : 1;
    const [oh = 0, om = 0, os = 0] = offset.slice(1).split(':').map(Number);
    off = sign * (oh * 3600 + om * 60 + os) * 1000;
  }
  return d.getTime() - off;
}

/** array_out's quoting of one element's text. */
function quoteElement(text: string): string {
  if (text !== '' && !/[{}",\\\s]/.test(text) && text.toUpperCase() !== 'NULL') return text;
  return `"${text.replace(/(["\\])/g, '\\$1')}"`;
}

/** array_out over element texts, with the dimension decoration for lower bounds other than 1. */
export function arrayText(array: PgArray, element: (value: unknown) => string): string {
  const { dims, lbounds, elements } = array;
  if (dims.length === 0) return '{}';
  let k = 0;
  const build = (level: number): string => {
    const n = dims[level] as number;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      if (level === dims.length - 1) {
        const v = elements[k++];
        parts.push(v === null || v === undefined ? 'NULL' : quoteElement(element(v)));
      } else parts.push(build(level + 1));
    }
    return `{${parts.join(',')}}`;
  };
  const body = build(0);
  if (lbounds.every((b) => b === 1)) return body;
  const decoration = dims
    .map((d, i) => `[${lbounds[i]}:${(lbounds[i] as number) + d - 1}]`)
    .join('');
  return `${decoration}=${body}`;
}

// ------------------------------------------------------------ IntervalStyle (EncodeInterval)

/** An interval as @pg/types holds it. */
interface IntervalValue {
  readonly months: number;
  readonly days: number;
  readonly micros: bigint;
}

/** AppendSeconds: |sec| (two digits when `fillZeros`), then the fraction without trailing zeros. */
function appendSeconds(sec: bigint, usec: bigint, fillZeros: boolean): string {
  const s = (sec < 0n ? -sec : sec).toString();
  let out = fillZeros ? s.padStart(2, '0') : s;
  if (usec !== 0n) {
    out += `.${(usec < 0n ? -usec : usec).toString().padStart(6, '0').replace(/0+$/, '')}`;
  }
  return out;
}

/**
 * An interval in IntervalStyle `style` (sql_standard, iso_8601,
 * postgres_verbose), as PostgreSQL 15's EncodeInterval prints it; the
 * postgres style is @pg/types' own output.
 */
export function intervalText(value: IntervalValue, style: string): string {
  // interval2itm: truncating divisions, signs as the fields'
  let year = BigInt(Math.trunc(value.months / 12));
  let mon = BigInt(value.months % 12);
  let mday = BigInt(value.days);
  let time = value.micros;
  let hour = time / 3_600_000_000n;
  time -= hour * 3_600_000_000n;
  let min = time / 60_000_000n;
  time -= min * 60_000_000n;
  let sec = time / 1_000_000n;
  let usec = time - sec * 1_000_000n;
  const abs = (x: bigint) => (x < 0n ? -x : x);
  if (style === 'sql_standard') {
    const fields = [year, mon, mday, hour, min, sec, usec];
    const hasNegative = fields.some((f) => f < 0n);
    const hasPositive = fields.some((f) => f > 0n);
    const hasYearMonth = year !== 0n || mon !== 0n;
    const hasDayTime = [mday, hour, min, sec, usec].some((f) => f !== 0n);
    const standard = !(hasNegative && hasPositive) && !(hasYearMonth && hasDayTime);
    let out = '';
    if (hasNegative && standard) {
      out = '-';
      year = -year;
      mon = -mon;
      mday = -mday;
      hour = -hour;
      min = -min;
      sec = -sec;
      usec = -usec;
    }
    if (!hasNegative && !hasPositive) return '0';
    if (!standard) {
      const yearSign = year < 0n || mon < 0n ? '-' : '+';
      const daySign = mday < 0n ? '-' : '+';
      const secSign = hour < 0n || min < 0n || sec < 0n || usec < 0n ? '-' : '+';
      return `${yearSign}${abs(year)}-${abs(mon)} ${daySign}${abs(mday)} ${secSign}${abs(hour)}:${abs(min).toString().padStart(2, '0')}:${appendSeconds(sec, usec, true)}`;
    }
    if (hasYearMonth) return `${out}${year}-${mon}`;
    const clock = `${hour}:${min.toString().padStart(2, '0')}:${appendSeconds(sec, usec, true)}`;
    return mday !== 0n ? `${out}${mday} ${clock}` : `${out}${clock}`;
  }
  if (style === 'iso_8601') {
    if ([year, mon, mday, hour, min, sec, usec].every((f) => f === 0n)) return 'PT0S';
    const part = (v: bigint, unit: string) => (v === 0n ? '' : `${v}${unit}`);
    let out = `P${part(year, 'Y')}${part(mon, 'M')}${part(mday, 'D')}`;
    if (hour !== 0n || min !== 0n || sec !== 0n || usec !== 0n) out += 'T';
    out += `${part(hour, 'H')}${part(min, 'M')}`;
    if (sec !== 0n || usec !== 0n) {
      out += `${sec < 0n || usec < 0n ? '-' : ''}${appendSeconds(sec, usec, false)}S`;
    }
    return out;
  }
  // postgres_verbose
  let isZero = true;
  let isBefore = false;
  let out = '@';
  const verbose = (v0: bigint, unit: string) => {
    if (v0 === 0n) return;
    let v = v0;
    if (isZero) {
      isBefore = v < 0n;
      v = abs(v);
    } else if (isBefore) v = -v;
    out += ` ${v} ${unit}${v === 1n ? '' : 's'}`;
    isZero = false;
  };
  verbose(year, 'year');
  verbose(mon, 'mon');
  verbose(mday, 'day');
  verbose(hour, 'hour');
  verbose(min, 'min');
  if (sec !== 0n || usec !== 0n) {
    out += ' ';
    if (sec < 0n || (sec === 0n && usec < 0n)) {
      if (isZero) isBefore = true;
      else if (!isBefore) out += '-';
    } else if (isBefore) out += '-';
    out += appendSeconds(sec, usec, false);
    out += ` sec${abs(sec) !== 1n || usec !== 0n ? 's' : ''}`;
    isZero = false;
  }
  if (isZero) out += ' 0';
  if (isBefore) out += ' ago';
  return out;
}
