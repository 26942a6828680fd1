/**
 * Time zones for the datetime family, computed with Intl (ICU's copy of
 * the IANA database): the UTC offset of an instant in a zone, PostgreSQL's
 * DetermineTimeZoneOffset for local times (gaps take the offset before the
 * transition, overlaps the offset after it), and zone abbreviations.
 * Offsets here are seconds EAST of UTC (tm_gmtoff) unless named `tz`
 * (PostgreSQL's seconds WEST of UTC).
 */
import { SqlError, SqlState } from '../core/errors.js';
import { ZONE_ABBREVIATIONS } from './abbrevs.js';
import { date2j, POSTGRES_EPOCH_JDATE, SECS_PER_DAY, type Tm } from './calendar.js';

/** A time zone: a fixed offset (seconds east) or an IANA zone name. */
export type Zone =
  | { readonly fixed: number; readonly name: string }
  | { readonly iana: string }
  | { readonly posixDst: string };

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(name: string): Intl.DateTimeFormat | null {
  let f = formatters.get(name);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        timeZoneName: 'longOffset',
        year: 'numeric',
      });
    } catch {
      f = null;
    }
    formatters.set(name, f);
  }
  return f;
}

const zoneCache = new Map<string, Zone | null>();
const POSIX_DST =
  /^[^\d,+-]+[+-]?\d{1,3}(?::\d{1,2}){0,2}[^\d,+\-:][^\d,+-]*([+-]?\d{1,3}(?::\d{1,2}){0,2})?(,.*)?$/i;
const POSIX_FIXED = /^([^\d,+-]+)([+-]?)(\d{1,3})(?::(\d{1,2}))?(?::(\d{1,2}))?$/i;

/**
 * pg_tzset: the zone called `name` (case-insensitive IANA names, 'UTC',
 * 'GMT', or a POSIX-like fixed offset such as '+05' / 'UTC+3'), or null.
 */
export function findZone(name: string): Zone | null {
  const key = name.toLowerCase();
  const cached = zoneCache.get(key);
  if (cached !== undefined) return cached;
  let zone: Zone | null = null;
  if (key === 'utc' || key === 'gmt' || key === 'etc/utc' || key === 'zulu' || key === 'z') {
    zone = { fixed: 0, name: 'UTC' };
  } else if (isPosixFixed(name)) {
    // A POSIX TZ string without DST rules: 'abc-05:30' is 5h30 EAST of UTC.
    const m = POSIX_FIXED.exec(name)!;
    const secs = Number(m[3]) * 3600 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0);
    zone = { fixed: m[2] === '-' ? secs : -secs, name };
  } else if (POSIX_DST.test(name) && formatter(name) === null) {
    zone = { posixDst: name };
  } else if (/^[a-z0-9_+\-/]+$/i.test(name) && formatter(name) !== null) {
    zone = { iana: formatter(name)!.resolvedOptions().timeZone };
  }
  zoneCache.set(key, zone);
  return zone;
}

function isPosixFixed(name: string): boolean {
  const m = POSIX_FIXED.exec(name);
  return m !== null && Number(m[3]) <= 167 && Number(m[4] ?? 0) < 60 && Number(m[5] ?? 0) < 60;
}

/**
 * The session zone of a context's TimeZone setting: a zone name, or (as
 * PostgreSQL's check_timezone) a plain number of hours in SQL sign
 * convention ('+05', '-3.5' are east and west of UTC).
 */
export function sessionZone(timeZone: string): Zone {
  let z = sessionZones.get(timeZone);
  if (z) return z;
  if (/^\s*[+-]?(\d+\.?\d*|\.\d+)$/.test(timeZone)) {
    z = { fixed: Math.round(Number(timeZone) * 3600), name: timeZone };
  } else {
    z = findZone(timeZone) ?? undefined;
  }
  if (!z) {
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, `time zone "${timeZone}" not recognized`);
  }
  sessionZones.set(timeZone, z);
  return z;
}

const sessionZones = new Map<string, Zone>();

const MS_400_YEARS = 146097 * 86400 * 1000;
const MAX_MS = 8.64e15;

/** The UTC offset in seconds east of `zone` at an instant given in seconds since 1970. */
export function offsetAt(zone: Zone, unixSecs: number): number {
  if ('fixed' in zone) return zone.fixed;
  if ('posixDst' in zone) {
    throw new SqlError(
      SqlState.FEATURE_NOT_SUPPORTED,
      `POSIX time zone specifications with daylight-saving rules ("${zone.posixDst}") are not supported`,
    );
  }
  let ms = unixSecs * 1000;
  // Beyond what Date holds, time zone rules repeat every 400 years.
  while (ms > MAX_MS - MS_400_YEARS) ms -= MS_400_YEARS;
  if (ms < -MAX_MS) ms = -MAX_MS;
  const f = formatter((zone as { iana: string }).iana)!;
  const parts = f.formatToParts(ms);
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(name);
  if (!m) return 0;
  const secs = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return m[1] === '-' ? -secs : secs;
}

/** Seconds since 1970 of a local wall-clock time read as if it were UTC. */
export function localSecs(tm: Tm): number {
  const days = date2j(tm.year, tm.mon, tm.mday) - POSTGRES_EPOCH_JDATE + 10957;
  return days * SECS_PER_DAY + tm.hour * 3600 + tm.min * 60 + tm.sec;
}

/**
 * DetermineTimeZoneOffset: PostgreSQL's `tz` (seconds WEST of UTC) for a
 * local time in `zone`. In a spring-forward gap the offset before the
 * transition is used; in a fall-back overlap the offset after it.
 */
export function determineTz(tm: Tm, zone: Zone): number {
  if ('fixed' in zone) return -zone.fixed;
  const t = localSecs(tm);
  const before = offsetAt(zone, t - SECS_PER_DAY);
  const after = offsetAt(zone, t + SECS_PER_DAY);
  if (before === after) {
    const o = offsetAt(zone, t - before);
    return -o;
  }
  const beforeOk = offsetAt(zone, t - before) === before;
  const afterOk = offsetAt(zone, t - after) === after;
  if (beforeOk && !afterOk) return -before;
  if (afterOk && !beforeOk) return -after;
  if (afterOk && beforeOk) {
    // Overlap: prefer "after" (the later transition's offset).
    return -after;
  }
  return -before;
}

/** A zone abbreviation of the Default set, as [seconds east, isDst] or a zone name. */
export function zoneAbbreviation(abbrev: string): readonly [number, boolean] | string | undefined {
  return ZONE_ABBREVIATIONS.get(abbrev.toLowerCase());
}

/** Abbreviations of common zones by offset (seconds east), as the IANA data names them. */
const KNOWN_ABBREVS: Record<string, Record<number, string>> = {
  'America/New_York': { [-18000]: 'EST', [-14400]: 'EDT' },
  'America/Chicago': { [-21600]: 'CST', [-18000]: 'CDT' },
  'America/Denver': { [-25200]: 'MST', [-21600]: 'MDT' },
  'America/Los_Angeles': { [-28800]: 'PST', [-25200]: 'PDT' },
  'Europe/Berlin': { 3600: 'CET', 7200: 'CEST' },
  'Europe/Paris': { 3600: 'CET', 7200: 'CEST' },
  'Europe/London': { 0: 'GMT', 3600: 'BST' },
  'Asia/Kolkata': { 19800: 'IST' },
  'Asia/Tokyo': { 32400: 'JST' },
  'Australia/Adelaide': { 34200: 'ACST', 37800: 'ACDT' },
  'Australia/Sydney': { 36000: 'AEST', 39600: 'AEDT' },
};

/**
 * The abbreviation PostgreSQL prints for `zone` at an instant (to_char's
 * TZ): a known abbreviation of the zone, 'LMT' for local mean time, else
 * the numeric form PostgreSQL's tzdata uses ('+03', '-0430').
 */
export function zoneAbbrevAt(zone: Zone, unixSecs: number): string {
  if ('fixed' in zone) {
    if (zone.name === 'UTC') return 'UTC';
    return /^[a-z]+[+-]?\d/i.test(zone.name)
      ? zone.name.replace(/[+-]?\d.*$/, '').toUpperCase()
      : numericAbbrev(zone.fixed);
  }
  if ('posixDst' in zone || zone.iana === 'UTC' || zone.iana === 'Etc/UTC') return 'UTC';
  const offset = offsetAt(zone, unixSecs);
  const known = KNOWN_ABBREVS[zone.iana]?.[offset];
  if (known) return known;
  if (offset % 900 !== 0) return 'LMT';
  return numericAbbrev(offset);
}

function numericAbbrev(east: number): string {
  const sign = east < 0 ? '-' : '+';
  const a = Math.abs(east);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  return `${sign}${String(h).padStart(2, '0')}${m ? String(m).padStart(2, '0') : ''}`;
}
