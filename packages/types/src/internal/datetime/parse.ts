/**
 * Text input of the datetime family: a port of PostgreSQL 15's datetime.c
 * parsers. ParseDateTime splits the input into typed fields;
 * DecodeDateTime (date, timestamp, timestamptz), DecodeTimeOnly (time,
 * timetz), DecodeInterval and DecodeISO8601Interval (interval) turn them
 * into a broken-down `Tm` or interval fields. DateStyle is 'ISO, MDY'.
 * Errors carry PostgreSQL's SQLSTATE and message (DateTimeParseError).
 */
import type { TypeContext } from '../core/context.js';
import { SqlError, SqlState } from '../core/errors.js';
import {
  DAYS_PER_MONTH,
  date2j,
  daysInMonth,
  j2date,
  rint,
  type Tm,
  timestamp2tm,
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
} from './calendar.js';
import {
  determineTz,
  findZone,
  offsetAt,
  sessionZone,
  type Zone,
  zoneAbbreviation,
} from './zone.js';

// dterr codes
const BAD_FORMAT = -1;
const FIELD_OVERFLOW = -2;
const MD_FIELD_OVERFLOW = -3;
const INTERVAL_OVERFLOW = -4;
const TZDISP_OVERFLOW = -5;

// field types of ParseDateTime
const DTK_NUMBER = 0;
const DTK_STRING = 1;
const DTK_DATE = 2;
const DTK_TIME = 3;
const DTK_TZ = 4;
const DTK_SPECIAL = 6;

// token types (datetime.h) and their mask bits
const RESERV = 0;
const MONTH = 1;
const YEAR = 2;
const DAY = 3;
const TZ = 5;
const DTZ = 6;
const DYNTZ = 7;
const IGNORE_DTF = 8;
const AMPM = 9;
const HOUR = 10;
const MINUTE = 11;
const SECOND = 12;
const MILLISECOND = 13;
const MICROSECOND = 14;
const DOY = 15;
const DOW = 16;
const UNITS = 17;
const ADBC = 18;
const AGO = 19;
const ISOTIME = 23;
const WEEK = 24;
const DECADE = 25;
const CENTURY = 26;
const MILLENNIUM = 27;
const DTZMOD = 28;
const UNKNOWN_FIELD = 31;

const M = (t: number) => 2 ** t;
const DTK_DATE_M = M(YEAR) | M(MONTH) | M(DAY);
const DTK_TIME_M = M(HOUR) | M(MINUTE) | M(SECOND) | M(MILLISECOND) | M(MICROSECOND);
const DTK_ALL_SECS_M = M(SECOND) | M(MILLISECOND) | M(MICROSECOND);

// values of RESERV / UNITS tokens (DTK_*)
export const DTK_DELTA = 17;
export const DTK_EPOCH = 11;
export const DTK_LATE = 10;
export const DTK_EARLY = 9;
const DTK_NOW = 12;
const DTK_YESTERDAY = 13;
const DTK_TODAY = 14;
const DTK_TOMORROW = 15;
const DTK_ZULU = 16;
const DTK_DATE_TYPE = 2;
const DTK_TIME_TYPE = 3;
const U_SECOND = 18;
const U_MINUTE = 19;
const U_HOUR = 20;
const U_DAY = 21;
const U_WEEK = 22;
const U_MONTH = 23;
const U_QUARTER = 24;
const U_YEAR = 25;
const U_DECADE = 26;
const U_CENTURY = 27;
const U_MILLENNIUM = 28;
const U_MILLISEC = 30;
const U_MICROSEC = 31;
const U_JULIAN = 32;
const U_TZ = 4;

const AM = 0;
const PM = 1;
const HR24 = 2;
const AD = 0;
const BC = 1;

/** datetktbl: the date/time keywords. */
const DATE_TOKENS = new Map<string, [number, number]>([
  ['-infinity', [RESERV, DTK_EARLY]],
  ['ad', [ADBC, AD]],
  ['allballs', [RESERV, DTK_ZULU]],
  ['am', [AMPM, AM]],
  ['apr', [MONTH, 4]],
  ['april', [MONTH, 4]],
  ['at', [IGNORE_DTF, 0]],
  ['aug', [MONTH, 8]],
  ['august', [MONTH, 8]],
  ['bc', [ADBC, BC]],
  ['d', [UNITS, U_DAY]],
  ['dec', [MONTH, 12]],
  ['december', [MONTH, 12]],
  ['dow', [UNITS, 99]],
  ['doy', [UNITS, 99]],
  ['dst', [DTZMOD, 3600]],
  ['epoch', [RESERV, DTK_EPOCH]],
  ['feb', [MONTH, 2]],
  ['february', [MONTH, 2]],
  ['fri', [DOW, 5]],
  ['friday', [DOW, 5]],
  ['h', [UNITS, U_HOUR]],
  ['infinity', [RESERV, DTK_LATE]],
  ['isodow', [UNITS, 99]],
  ['isoyear', [UNITS, 99]],
  ['j', [UNITS, U_JULIAN]],
  ['jan', [MONTH, 1]],
  ['january', [MONTH, 1]],
  ['jd', [UNITS, U_JULIAN]],
  ['jul', [MONTH, 7]],
  ['julian', [UNITS, U_JULIAN]],
  ['july', [MONTH, 7]],
  ['jun', [MONTH, 6]],
  ['june', [MONTH, 6]],
  ['m', [UNITS, U_MONTH]],
  ['mar', [MONTH, 3]],
  ['march', [MONTH, 3]],
  ['may', [MONTH, 5]],
  ['mm', [UNITS, U_MINUTE]],
  ['mon', [DOW, 1]],
  ['monday', [DOW, 1]],
  ['nov', [MONTH, 11]],
  ['november', [MONTH, 11]],
  ['now', [RESERV, DTK_NOW]],
  ['oct', [MONTH, 10]],
  ['october', [MONTH, 10]],
  ['on', [IGNORE_DTF, 0]],
  ['pm', [AMPM, PM]],
  ['s', [UNITS, U_SECOND]],
  ['sat', [DOW, 6]],
  ['saturday', [DOW, 6]],
  ['sep', [MONTH, 9]],
  ['sept', [MONTH, 9]],
  ['september', [MONTH, 9]],
  ['sun', [DOW, 0]],
  ['sunday', [DOW, 0]],
  ['t', [ISOTIME, DTK_TIME_TYPE]],
  ['thu', [DOW, 4]],
  ['thur', [DOW, 4]],
  ['thurs', [DOW, 4]],
  ['thursday', [DOW, 4]],
  ['today', [RESERV, DTK_TODAY]],
  ['tomorrow', [RESERV, DTK_TOMORROW]],
  ['tue', [DOW, 2]],
  ['tues', [DOW, 2]],
  ['tuesday', [DOW, 2]],
  ['wed', [DOW, 3]],
  ['wednesday', [DOW, 3]],
  ['weds', [DOW, 3]],
  ['y', [UNITS, U_YEAR]],
  ['yesterday', [RESERV, DTK_YESTERDAY]],
  ['zulu', [RESERV, DTK_ZULU]],
]);

/** deltatktbl: the interval unit keywords. */
const DELTA_TOKENS = new Map<string, [number, number]>([
  ['@', [IGNORE_DTF, 0]],
  ['ago', [AGO, 0]],
  ['c', [UNITS, U_CENTURY]],
  ['cent', [UNITS, U_CENTURY]],
  ['centuries', [UNITS, U_CENTURY]],
  ['century', [UNITS, U_CENTURY]],
  ['d', [UNITS, U_DAY]],
  ['day', [UNITS, U_DAY]],
  ['days', [UNITS, U_DAY]],
  ['dec', [UNITS, U_DECADE]],
  ['decade', [UNITS, U_DECADE]],
  ['decades', [UNITS, U_DECADE]],
  ['decs', [UNITS, U_DECADE]],
  ['h', [UNITS, U_HOUR]],
  ['hour', [UNITS, U_HOUR]],
  ['hours', [UNITS, U_HOUR]],
  ['hr', [UNITS, U_HOUR]],
  ['hrs', [UNITS, U_HOUR]],
  ['m', [UNITS, U_MINUTE]],
  ['microsecon', [UNITS, U_MICROSEC]],
  ['mil', [UNITS, U_MILLENNIUM]],
  ['millennia', [UNITS, U_MILLENNIUM]],
  ['millennium', [UNITS, U_MILLENNIUM]],
  ['millisecon', [UNITS, U_MILLISEC]],
  ['mils', [UNITS, U_MILLENNIUM]],
  ['min', [UNITS, U_MINUTE]],
  ['mins', [UNITS, U_MINUTE]],
  ['minute', [UNITS, U_MINUTE]],
  ['minutes', [UNITS, U_MINUTE]],
  ['mon', [UNITS, U_MONTH]],
  ['mons', [UNITS, U_MONTH]],
  ['month', [UNITS, U_MONTH]],
  ['months', [UNITS, U_MONTH]],
  ['ms', [UNITS, U_MILLISEC]],
  ['msec', [UNITS, U_MILLISEC]],
  ['msecond', [UNITS, U_MILLISEC]],
  ['mseconds', [UNITS, U_MILLISEC]],
  ['msecs', [UNITS, U_MILLISEC]],
  ['qtr', [UNITS, U_QUARTER]],
  ['quarter', [UNITS, U_QUARTER]],
  ['s', [UNITS, U_SECOND]],
  ['sec', [UNITS, U_SECOND]],
  ['second', [UNITS, U_SECOND]],
  ['seconds', [UNITS, U_SECOND]],
  ['secs', [UNITS, U_SECOND]],
  ['timezone', [UNITS, U_TZ]],
  ['timezone_h', [UNITS, U_TZ]],
  ['timezone_m', [UNITS, U_TZ]],
  ['us', [UNITS, U_MICROSEC]],
  ['usec', [UNITS, U_MICROSEC]],
  ['usecond', [UNITS, U_MICROSEC]],
  ['useconds', [UNITS, U_MICROSEC]],
  ['usecs', [UNITS, U_MICROSEC]],
  ['w', [UNITS, U_WEEK]],
  ['week', [UNITS, U_WEEK]],
  ['weeks', [UNITS, U_WEEK]],
  ['y', [UNITS, U_YEAR]],
  ['year', [UNITS, U_YEAR]],
  ['years', [UNITS, U_YEAR]],
  ['yr', [UNITS, U_YEAR]],
  ['yrs', [UNITS, U_YEAR]],
]);

const TOKMAXLEN = 10;

function lookup(table: Map<string, [number, number]>, key: string): [number, number] | undefined {
  const k = key.slice(0, TOKMAXLEN);
  for (const [tok, v] of table) {
    if (tok.slice(0, TOKMAXLEN) === k) return v;
  }
  return undefined;
}

const tokenCache = new Map<string, [number, number] | undefined>();
function dateToken(key: string): [number, number] | undefined {
  if (!tokenCache.has(key)) tokenCache.set(key, lookup(DATE_TOKENS, key));
  return tokenCache.get(key);
}
const deltaCache = new Map<string, [number, number] | undefined>();
function deltaToken(key: string): [number, number] | undefined {
  if (!deltaCache.has(key)) deltaCache.set(key, lookup(DELTA_TOKENS, key));
  return deltaCache.get(key);
}

class DtErr {
  constructor(readonly code: number) {}
}
const fail = (code: number): never => {
  throw new DtErr(code);
};

/** DateTimeParseError: the SqlError for a dterr code. */
function parseError(code: number, str: string, typeName: string): SqlError {
  switch (code) {
    case FIELD_OVERFLOW:
      return new SqlError(
        SqlState.DATETIME_FIELD_OVERFLOW,
        `date/time field value out of range: "${str}"`,
      );
    case MD_FIELD_OVERFLOW:
      return new SqlError(
        SqlState.DATETIME_FIELD_OVERFLOW,
        `date/time field value out of range: "${str}"`,
        { hint: 'Perhaps you need a different "datestyle" setting.' },
      );
    case INTERVAL_OVERFLOW:
      return new SqlError('22015', `interval field value out of range: "${str}"`);
    case TZDISP_OVERFLOW:
      return new SqlError(
        SqlState.INVALID_TIME_ZONE_DISPLACEMENT_VALUE,
        `time zone displacement out of range: "${str}"`,
      );
    default:
      return new SqlError(
        SqlState.INVALID_DATETIME_FORMAT,
        `invalid input syntax for type ${typeName}: "${str}"`,
      );
  }
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined) =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isAlnum = (c: string | undefined) => isDigit(c) || isAlpha(c);
const isSpace = (c: string | undefined) =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isPunct = (c: string | undefined) =>
  c !== undefined && c.charCodeAt(0) > 32 && c.charCodeAt(0) < 127 && !isAlnum(c);

const MAXDATEFIELDS = 25;

/** ParseDateTime: the fields of the input and their types. */
function parseDateTime(str: string): { fields: string[]; ftypes: number[] } {
  const fields: string[] = [];
  const ftypes: number[] = [];
  let i = 0;
  const n = str.length;
  const at = (k: number) => (k < n ? str[k] : undefined);
  while (i < n) {
    const c = str[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    let buf = '';
    let ftype: number;
    if (isDigit(c)) {
      buf += str[i++];
      while (isDigit(at(i))) buf += str[i++];
      if (at(i) === ':') {
        ftype = DTK_TIME;
        buf += str[i++];
        while (isDigit(at(i)) || at(i) === ':' || at(i) === '.') buf += str[i++];
      } else if (at(i) === '-' || at(i) === '/' || at(i) === '.') {
        const delim = str[i]!;
        buf += str[i++];
        if (isDigit(at(i))) {
          ftype = delim === '.' ? DTK_NUMBER : DTK_DATE;
          while (isDigit(at(i))) buf += str[i++];
          if (at(i) === delim) {
            ftype = DTK_DATE;
            buf += str[i++];
            while (isDigit(at(i)) || at(i) === delim) buf += str[i++];
          }
        } else {
          ftype = DTK_DATE;
          while (isAlnum(at(i)) || at(i) === delim) buf += str[i++]!.toLowerCase();
        }
      } else {
        ftype = DTK_NUMBER;
      }
    } else if (c === '.') {
      buf += str[i++];
      while (isDigit(at(i))) buf += str[i++];
      ftype = DTK_NUMBER;
    } else if (isAlpha(c)) {
      ftype = DTK_STRING;
      buf += str[i++]!.toLowerCase();
      while (isAlpha(at(i))) buf += str[i++]!.toLowerCase();
      let isDate = false;
      const nx = at(i);
      if (nx === '-' || nx === '/' || nx === '.') isDate = true;
      else if (nx === '+' || isDigit(nx)) {
        if (dateToken(buf) === undefined) isDate = true;
      }
      if (isDate) {
        ftype = DTK_DATE;
        do {
          buf += str[i++]!.toLowerCase();
        } while (
          at(i) === '+' ||
          at(i) === '-' ||
          at(i) === '/' ||
          at(i) === '_' ||
          at(i) === '.' ||
          at(i) === ':' ||
          isAlnum(at(i))
        );
      }
    } else if (c === '+' || c === '-') {
      buf += str[i++];
      while (isSpace(at(i))) i++;
      if (isDigit(at(i))) {
        ftype = DTK_TZ;
        buf += str[i++];
        while (isDigit(at(i)) || at(i) === ':' || at(i) === '.' || at(i) === '-') buf += str[i++];
      } else if (isAlpha(at(i))) {
        ftype = DTK_SPECIAL;
        buf += str[i++]!.toLowerCase();
        while (isAlpha(at(i))) buf += str[i++]!.toLowerCase();
      } else {
        return fail(BAD_FORMAT);
      }
    } else if (isPunct(c)) {
      i++;
      continue;
    } else {
      return fail(BAD_FORMAT);
    }
    fields.push(buf);
    ftypes.push(ftype);
    if (fields.length >= MAXDATEFIELDS) fail(BAD_FORMAT);
  }
  return { fields, ftypes };
}

/** strtol-style: optional whitespace and sign, digits; returns [value, rest]. */
function strtoint(s: string, max = 2147483647): [number, string] {
  const m = /^[ \t\n\r\f\v]*([+-]?)(\d+)/.exec(s);
  if (!m) return [0, s];
  const digits = m[2]!.replace(/^0+(?=\d)/, '');
  const v = Number(digits) * (m[1] === '-' ? -1 : 1);
  if (digits.length > 19 || v > max || v < -max - 1) fail(FIELD_OVERFLOW);
  return [v === 0 ? 0 : v, s.slice(m[0].length)];
}

function strtoi64(s: string): [bigint, string] {
  const m = /^[ \t\n\r\f\v]*([+-]?)(\d+)/.exec(s);
  if (!m) return [0n, s];
  const v = BigInt(m[2]!) * (m[1] === '-' ? -1n : 1n);
  if (v > 9223372036854775807n || v < -9223372036854775808n) fail(FIELD_OVERFLOW);
  return [v, s.slice(m[0].length)];
}

/** strtod's longest decimal prefix: [value, rest], or null when none. */
function strtod(s: string): [number, string] | null {
  const m = /^[ \t\n\r\f\v]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(s);
  if (m) return [Number(m[0].trim()), s.slice(m[0].length)];
  const inf = /^[ \t\n\r\f\v]*([+-]?)(inf(?:inity)?|nan)/i.exec(s);
  if (inf) {
    const v = inf[2]!.toLowerCase() === 'nan' ? Number.NaN : Number.POSITIVE_INFINITY;
    return [inf[1] === '-' ? -v : v, s.slice(inf[0].length)];
  }
  return null;
}

/** ParseFractionalSecond: µs of ".ddd" (the whole rest of the field). */
function parseFractionalSecond(cp: string): number {
  if (cp === '.') return 0;
  const r = strtod(cp);
  if (r?.[1] !== '') return fail(BAD_FORMAT);
  return rint(r[0] * 1000000);
}

interface DecodeState {
  tm: Tm;
  fsec: number;
  is2digits: boolean;
  /** tm_yday of a day-of-year field ("1999-365"). */
  doy: number;
}

/** DecodeTime: "hh:mm[:ss[.fff]]" (or "mm:ss.fff"). */
function decodeTime(str: string, st: DecodeState): number {
  const tm = st.tm;
  let [v, cp] = strtoint(str);
  tm.hour = v;
  if (cp[0] !== ':') return fail(BAD_FORMAT);
  [v, cp] = strtoint(cp.slice(1));
  tm.min = v;
  if (cp === '') {
    tm.sec = 0;
    st.fsec = 0;
  } else if (cp[0] === '.') {
    st.fsec = parseFractionalSecond(cp);
    tm.sec = tm.min;
    tm.min = tm.hour;
    tm.hour = 0;
  } else if (cp[0] === ':') {
    [v, cp] = strtoint(cp.slice(1));
    tm.sec = v;
    if (cp === '') st.fsec = 0;
    else if (cp[0] === '.') st.fsec = parseFractionalSecond(cp);
    else return fail(BAD_FORMAT);
  } else return fail(BAD_FORMAT);
  if (
    tm.hour < 0 ||
    tm.min < 0 ||
    tm.min > 59 ||
    tm.sec < 0 ||
    tm.sec > 60 ||
    st.fsec < 0 ||
    st.fsec > 1000000
  ) {
    return fail(FIELD_OVERFLOW);
  }
  return DTK_TIME_M;
}

function timeOverflows(hour: number, min: number, sec: number, fsec: number): boolean {
  if (
    hour < 0 ||
    hour > 24 ||
    min < 0 ||
    min >= 60 ||
    sec < 0 ||
    sec > 60 ||
    fsec < 0 ||
    fsec > 1000000
  ) {
    return true;
  }
  return ((hour * 60 + min) * 60 + sec) * 1000000 + fsec > 86400000000;
}

const atoi = (s: string) => {
  const m = /^\s*[+-]?\d+/.exec(s);
  return m ? Number(m[0]) : 0;
};

/** DecodeNumberField: run-together "yyyymmdd", "hhmmss", "hhmm" (with fraction). */
function decodeNumberField(str0: string, fmask: number, st: DecodeState): [number, number] {
  let str = str0;
  const tm = st.tm;
  const dot = str.indexOf('.');
  if (dot >= 0) {
    const r = strtod(str.slice(dot));
    if (!r) return fail(BAD_FORMAT);
    st.fsec = rint(r[0] * 1000000);
    str = str.slice(0, dot);
  } else if ((fmask & DTK_DATE_M) !== DTK_DATE_M) {
    const len = str.length;
    if (len >= 6) {
      tm.mday = atoi(str.slice(len - 2));
      tm.mon = atoi(str.slice(len - 4, len - 2));
      tm.year = atoi(str.slice(0, len - 4));
      if (len - 4 === 2) st.is2digits = true;
      return [DTK_DATE_M, DTK_DATE];
    }
  }
  const len = str.length;
  if ((fmask & DTK_TIME_M) !== DTK_TIME_M) {
    if (len === 6) {
      tm.sec = atoi(str.slice(4));
      tm.min = atoi(str.slice(2, 4));
      tm.hour = atoi(str.slice(0, 2));
      return [DTK_TIME_M, DTK_TIME];
    }
    if (len === 4) {
      tm.sec = 0;
      tm.min = atoi(str.slice(2));
      tm.hour = atoi(str.slice(0, 2));
      return [DTK_TIME_M, DTK_TIME];
    }
  }
  return fail(BAD_FORMAT);
}

/** DecodeNumber: one numeric date field, placed by what is known so far (MDY). */
function decodeNumber(
  flen: number,
  str: string,
  haveTextMonth: boolean,
  fmask: number,
  st: DecodeState,
): number {
  const tm = st.tm;
  const [val, cp] = strtoint(str);
  if (cp === str) return fail(BAD_FORMAT);
  if (cp[0] === '.') {
    if (str.length - cp.length > 2) {
      return decodeNumberField(str, fmask | DTK_DATE_M, st)[0];
    }
    st.fsec = parseFractionalSecond(cp);
  } else if (cp !== '') return fail(BAD_FORMAT);

  if (flen === 3 && (fmask & DTK_DATE_M) === M(YEAR) && val >= 1 && val <= 366) {
    st.doy = val;
    return M(DOY) | M(MONTH) | M(DAY);
  }
  let tmask: number;
  switch (fmask & DTK_DATE_M) {
    case 0:
      if (flen >= 3) {
        tmask = M(YEAR);
        tm.year = val;
      } else {
        tmask = M(MONTH);
        tm.mon = val;
      }
      break;
    case M(YEAR):
      tmask = M(MONTH);
      tm.mon = val;
      break;
    case M(MONTH):
      if (haveTextMonth) {
        if (flen >= 3) {
          tmask = M(YEAR);
          tm.year = val;
        } else {
          tmask = M(DAY);
          tm.mday = val;
        }
      } else {
        tmask = M(DAY);
        tm.mday = val;
      }
      break;
    case M(YEAR) | M(MONTH):
      if (haveTextMonth) {
        if (flen >= 3 && st.is2digits) {
          tmask = M(DAY);
          tm.mday = tm.year;
          tm.year = val;
          st.is2digits = false;
        } else {
          tmask = M(DAY);
          tm.mday = val;
        }
      } else {
        tmask = M(DAY);
        tm.mday = val;
      }
      break;
    case M(DAY):
      tmask = M(MONTH);
      tm.mon = val;
      break;
    case M(MONTH) | M(DAY):
      tmask = M(YEAR);
      tm.year = val;
      break;
    case M(YEAR) | M(MONTH) | M(DAY):
      return decodeNumberField(str, fmask, st)[0];
    default:
      return fail(BAD_FORMAT);
  }
  if (tmask === M(YEAR)) st.is2digits = flen <= 2;
  return tmask;
}

/** DecodeDate: a date field with embedded separators ("2024-01-02", "jan-02-2024"). */
function decodeDate(str: string, fmask0: number, st: DecodeState): number {
  let fmask = fmask0;
  let tmask = 0;
  const parts: (string | null)[] = [];
  let i = 0;
  while (i < str.length && parts.length < MAXDATEFIELDS) {
    while (i < str.length && !isAlnum(str[i])) i++;
    if (i >= str.length) return fail(BAD_FORMAT);
    const start = i;
    if (isDigit(str[i])) while (isDigit(str[i])) i++;
    else if (isAlpha(str[i])) while (isAlpha(str[i])) i++;
    parts.push(str.slice(start, i));
    if (i < str.length) i++;
  }
  let haveTextMonth = false;
  for (let k = 0; k < parts.length; k++) {
    const f = parts[k]!;
    if (isAlpha(f[0])) {
      const tok = dateToken(f);
      const type = tok ? tok[0] : UNKNOWN_FIELD;
      if (type === IGNORE_DTF) continue;
      const dmask = M(type);
      if (type === MONTH) {
        st.tm.mon = tok![1];
        haveTextMonth = true;
      } else return fail(BAD_FORMAT);
      if (fmask & dmask) return fail(BAD_FORMAT);
      fmask |= dmask;
      tmask |= dmask;
      parts[k] = null;
    }
  }
  for (const f of parts) {
    if (f === null) continue;
    if (f.length === 0) return fail(BAD_FORMAT);
    const dmask = decodeNumber(f.length, f, haveTextMonth, fmask, st);
    if (fmask & dmask) return fail(BAD_FORMAT);
    fmask |= dmask;
    tmask |= dmask;
  }
  if ((fmask & ~(M(DOY) | M(TZ))) !== DTK_DATE_M) return fail(BAD_FORMAT);
  return tmask;
}

/** DecodeTimezone: "+hh", "-hh:mm", "+hhmm", "-hh:mm:ss" -> seconds west. */
function decodeTimezone(str: string): number {
  if (str[0] !== '+' && str[0] !== '-') return fail(BAD_FORMAT);
  let hr: number;
  let min = 0;
  let sec = 0;
  let cp: string;
  try {
    [hr, cp] = strtoint(str.slice(1));
    if (cp[0] === ':') {
      [min, cp] = strtoint(cp.slice(1));
      if (cp[0] === ':') [sec, cp] = strtoint(cp.slice(1));
    } else if (cp === '' && str.length > 3) {
      min = hr % 100;
      hr = Math.trunc(hr / 100);
    }
  } catch (e) {
    if (e instanceof DtErr) return fail(TZDISP_OVERFLOW);
    throw e;
  }
  if (hr < 0 || hr > 15) return fail(TZDISP_OVERFLOW);
  if (min < 0 || min >= 60) return fail(TZDISP_OVERFLOW);
  if (sec < 0 || sec >= 60) return fail(TZDISP_OVERFLOW);
  let tz = (hr * 60 + min) * 60 + sec;
  if (str[0] === '-') tz = -tz;
  if (cp !== '') return fail(BAD_FORMAT);
  return -tz;
}

function zoneNotRecognized(name: string): SqlError {
  return new SqlError(SqlState.INVALID_PARAMETER_VALUE, `time zone "${name}" not recognized`);
}

/** The local date (as Tm, time zeroed) of the transaction start in the session zone. */
function currentLocal(ctx: TypeContext): Tm {
  const zone = sessionZone(ctx.timeZone);
  const t = ctx.transactionStart;
  const off = offsetAt(zone, Number(t / USECS_PER_SEC) + 946684800);
  const tm = timestamp2tm(t + BigInt(off) * USECS_PER_SEC)!;
  return tm;
}

function validateDate(
  fmask: number,
  isjulian: boolean,
  is2digits: boolean,
  bc: boolean,
  tm: Tm,
  doy: number,
): void {
  if (fmask & M(YEAR)) {
    if (isjulian) {
      // tm.year is correct and should not be touched
    } else if (bc) {
      if (tm.year <= 0) fail(FIELD_OVERFLOW);
      tm.year = -(tm.year - 1);
    } else if (is2digits) {
      if (tm.year < 0) fail(FIELD_OVERFLOW);
      if (tm.year < 70) tm.year += 2000;
      else if (tm.year < 100) tm.year += 1900;
    } else if (tm.year <= 0) fail(FIELD_OVERFLOW);
  }
  if (fmask & M(DOY)) {
    [tm.year, tm.mon, tm.mday] = j2date(date2j(tm.year, 1, 1) + doy - 1);
  }
  if (fmask & M(MONTH)) {
    if (tm.mon < 1 || tm.mon > 12) fail(MD_FIELD_OVERFLOW);
  }
  if (fmask & M(DAY)) {
    if (tm.mday < 1 || tm.mday > 31) fail(MD_FIELD_OVERFLOW);
  }
  if ((fmask & DTK_DATE_M) === DTK_DATE_M) {
    if (tm.mday > daysInMonth(tm.year, tm.mon)) fail(FIELD_OVERFLOW);
  }
}

/**
 * A number after a unit label ("y2001", "j2451187", "t101112"): the
 * DecodeDateTime / DecodeTimeOnly `ptype` cases. Returns [tmask, isjulian].
 */
function decodeLabeled(
  ptype: number,
  field: string,
  fmask: number,
  st: DecodeState,
  isjulian: boolean,
): [number, boolean] {
  const tm = st.tm;
  const [value, cp] = strtoint(field);
  if (cp[0] === '.') {
    if (ptype !== U_JULIAN && ptype !== DTK_TIME_TYPE && ptype !== U_SECOND) fail(BAD_FORMAT);
  } else if (cp !== '') fail(BAD_FORMAT);
  switch (ptype) {
    case U_YEAR:
      tm.year = value;
      return [M(YEAR), isjulian];
    case U_MONTH:
      if ((fmask & M(MONTH)) !== 0 && (fmask & M(HOUR)) !== 0) {
        tm.min = value;
        return [M(MINUTE), isjulian];
      }
      tm.mon = value;
      return [M(MONTH), isjulian];
    case U_DAY:
      tm.mday = value;
      return [M(DAY), isjulian];
    case U_HOUR:
      tm.hour = value;
      return [M(HOUR), isjulian];
    case U_MINUTE:
      tm.min = value;
      return [M(MINUTE), isjulian];
    case U_SECOND:
      tm.sec = value;
      if (cp[0] === '.') {
        st.fsec = parseFractionalSecond(cp);
        return [DTK_ALL_SECS_M, isjulian];
      }
      return [M(SECOND), isjulian];
    case U_JULIAN: {
      if (value < 0) fail(FIELD_OVERFLOW);
      let tmask = DTK_DATE_M;
      [tm.year, tm.mon, tm.mday] = j2date(value);
      if (cp[0] === '.') {
        const frac = parseFraction(cp);
        const us = BigInt(Math.trunc(frac * 86400000000));
        const hour = us / USECS_PER_HOUR;
        const min = (us - hour * USECS_PER_HOUR) / USECS_PER_MINUTE;
        const sec = (us - hour * USECS_PER_HOUR - min * USECS_PER_MINUTE) / USECS_PER_SEC;
        tm.hour = Number(hour);
        tm.min = Number(min);
        tm.sec = Number(sec);
        st.fsec = Number(us % USECS_PER_SEC);
        tmask |= DTK_TIME_M;
      }
      return [tmask, true];
    }
    case DTK_TIME_TYPE: {
      const [tmask] = decodeNumberField(field, fmask | DTK_DATE_M, st);
      if (tmask !== DTK_TIME_M) fail(BAD_FORMAT);
      return [tmask, isjulian];
    }
    default:
      return fail(BAD_FORMAT);
  }
}

/** DecodeTimezoneAbbrev + DecodeSpecial: [type, value, dynamic zone]. */
function decodeSpecial(field: string): [number, number, Zone | null] {
  const abbrev = zoneAbbreviation(field);
  if (abbrev !== undefined) {
    if (typeof abbrev === 'string') return [DYNTZ, 0, findZone(abbrev)];
    return [abbrev[1] ? DTZ : TZ, abbrev[0], null];
  }
  const tok = dateToken(field);
  if (!tok) return [UNKNOWN_FIELD, 0, null];
  return [tok[0], tok[1], null];
}

export interface DateTimeResult {
  /** DTK_DATE (2) for a date/time, or DTK_EPOCH / DTK_LATE / DTK_EARLY. */
  dtype: number;
  tm: Tm;
  /** Seconds west of UTC (the zone given, or the session zone's offset). */
  tz: number;
  /** Whether the input named a zone (or offset) itself. */
  hasTz: boolean;
}

/** ParseDateTime + DecodeDateTime, raising DateTimeParseError for `typeName`. */
export function decodeDateTime(str: string, typeName: string, ctx: TypeContext): DateTimeResult {
  try {
    return decodeDateTimeInner(str, ctx);
  } catch (e) {
    if (e instanceof DtErr) throw parseError(e.code, str, typeName);
    throw e;
  }
}

function decodeDateTimeInner(str: string, ctx: TypeContext): DateTimeResult {
  const { fields, ftypes } = parseDateTime(str);
  const nf = fields.length;
  let fmask = 0;
  let tmask = 0;
  let ptype = 0;
  let isjulian = false;
  let haveTextMonth = false;
  let bc = false;
  let mer = HR24;
  let namedTz: Zone | null = null;
  let abbrevTz: Zone | null = null;
  let dtype = DTK_DATE_TYPE;
  let tz = 0;
  const st: DecodeState = {
    tm: { year: 0, mon: 0, mday: 0, hour: 0, min: 0, sec: 0, fsec: 0 },
    fsec: 0,
    is2digits: false,
    doy: 0,
  };
  const tm = st.tm;
  for (let i = 0; i < nf; i++) {
    const field = fields[i]!;
    switch (ftypes[i]) {
      case DTK_DATE:
        if (ptype !== 0 || (fmask & (M(MONTH) | M(DAY))) === (M(MONTH) | M(DAY))) {
          if (isDigit(field[0]) || ptype !== 0) {
            if (ptype !== 0) {
              if (ptype !== DTK_TIME_TYPE) fail(BAD_FORMAT);
              ptype = 0;
            }
            if ((fmask & DTK_TIME_M) === DTK_TIME_M) fail(BAD_FORMAT);
            const dash = field.indexOf('-');
            if (dash < 0) fail(BAD_FORMAT);
            tz = decodeTimezone(field.slice(dash));
            tmask = decodeNumberField(field.slice(0, dash), fmask, st)[0];
            tmask |= M(TZ);
          } else {
            namedTz = findZone(field);
            if (!namedTz) throw zoneNotRecognized(field);
            tmask = M(TZ);
          }
        } else {
          tmask = decodeDate(field, fmask, st);
        }
        break;
      case DTK_TIME:
        if (ptype !== 0) {
          if (ptype !== DTK_TIME_TYPE) fail(BAD_FORMAT);
          ptype = 0;
        }
        tmask = decodeTime(field, st);
        if (timeOverflows(tm.hour, tm.min, tm.sec, st.fsec)) fail(FIELD_OVERFLOW);
        break;
      case DTK_TZ:
        tz = decodeTimezone(field);
        tmask = M(TZ);
        break;
      case DTK_NUMBER:
        if (ptype !== 0) {
          [tmask, isjulian] = decodeLabeled(ptype, field, fmask, st, isjulian);
          ptype = 0;
          dtype = DTK_DATE_TYPE;
        } else {
          const flen = field.length;
          const dot = field.indexOf('.');
          if (dot >= 0 && !(fmask & DTK_DATE_M)) {
            tmask = decodeDate(field, fmask, st);
          } else if (dot >= 0 && dot > 2) {
            tmask = decodeNumberField(field, fmask, st)[0];
          } else if (flen >= 6 && (!(fmask & DTK_DATE_M) || !(fmask & DTK_TIME_M))) {
            tmask = decodeNumberField(field, fmask, st)[0];
          } else {
            tmask = decodeNumber(flen, field, haveTextMonth, fmask, st);
          }
        }
        break;
      case DTK_STRING:
      case DTK_SPECIAL: {
        const [type, val, valtz] = decodeSpecial(field);
        if (type === IGNORE_DTF) continue;
        tmask = M(type);
        switch (type) {
          case RESERV:
            switch (val) {
              case DTK_NOW: {
                tmask = DTK_DATE_M | DTK_TIME_M | M(TZ);
                dtype = DTK_DATE_TYPE;
                const zone = sessionZone(ctx.timeZone);
                const t = ctx.transactionStart;
                const off = offsetAt(zone, Number(floorSecs(t)) + 946684800);
                Object.assign(tm, timestamp2tm(t + BigInt(off) * USECS_PER_SEC)!);
                st.fsec = tm.fsec;
                tz = -off;
                break;
              }
              case DTK_YESTERDAY:
              case DTK_TODAY:
              case DTK_TOMORROW: {
                tmask = DTK_DATE_M;
                dtype = DTK_DATE_TYPE;
                const cur = currentLocal(ctx);
                const delta = val === DTK_YESTERDAY ? -1 : val === DTK_TOMORROW ? 1 : 0;
                [tm.year, tm.mon, tm.mday] = j2date(date2j(cur.year, cur.mon, cur.mday) + delta);
                break;
              }
              case DTK_ZULU:
                tmask = DTK_TIME_M | M(TZ);
                dtype = DTK_DATE_TYPE;
                tm.hour = 0;
                tm.min = 0;
                tm.sec = 0;
                tz = 0;
                break;
              default:
                dtype = val;
            }
            break;
          case MONTH:
            if (
              fmask & M(MONTH) &&
              !haveTextMonth &&
              !(fmask & M(DAY)) &&
              tm.mon >= 1 &&
              tm.mon <= 31
            ) {
              tm.mday = tm.mon;
              tmask = M(DAY);
            }
            haveTextMonth = true;
            tm.mon = val;
            break;
          case DTZMOD:
            tmask |= M(DTZ);
            tz -= val;
            break;
          case DTZ:
            tmask |= M(TZ);
            tz = -val;
            break;
          case TZ:
            tz = -val;
            break;
          case DYNTZ:
            tmask |= M(TZ);
            abbrevTz = valtz;
            break;
          case AMPM:
            mer = val;
            break;
          case ADBC:
            bc = val === BC;
            break;
          case DOW:
            break;
          case UNITS:
            tmask = 0;
            ptype = val;
            break;
          case ISOTIME: {
            tmask = 0;
            if ((fmask & DTK_DATE_M) !== DTK_DATE_M) fail(BAD_FORMAT);
            const next = ftypes[i + 1];
            if (i >= nf - 1 || (next !== DTK_NUMBER && next !== DTK_TIME && next !== DTK_DATE)) {
              fail(BAD_FORMAT);
            }
            ptype = val;
            break;
          }
          case UNKNOWN_FIELD:
            namedTz = findZone(field);
            if (!namedTz) fail(BAD_FORMAT);
            tmask = M(TZ);
            break;
          default:
            fail(BAD_FORMAT);
        }
        break;
      }
      default:
        fail(BAD_FORMAT);
    }
    if (tmask & fmask) fail(BAD_FORMAT);
    fmask |= tmask;
  }
  validateDate(fmask, isjulian, st.is2digits, bc, tm, st.doy);
  if (mer !== HR24 && tm.hour > 12) fail(FIELD_OVERFLOW);
  if (mer === AM && tm.hour === 12) tm.hour = 0;
  else if (mer === PM && tm.hour !== 12) tm.hour += 12;
  tm.fsec = st.fsec;
  if (dtype === DTK_DATE_TYPE) {
    if ((fmask & DTK_DATE_M) !== DTK_DATE_M) fail(BAD_FORMAT);
    if (namedTz !== null) {
      if (fmask & M(DTZMOD)) fail(BAD_FORMAT);
      tz = determineTz(tm, namedTz);
    }
    if (abbrevTz !== null) {
      if (fmask & M(DTZMOD)) fail(BAD_FORMAT);
      tz = determineTz(tm, abbrevTz);
    }
    if (!(fmask & M(TZ))) {
      if (fmask & M(DTZMOD)) fail(BAD_FORMAT);
      tz = determineTz(tm, sessionZone(ctx.timeZone));
    }
  }
  return { dtype, tm, tz, hasTz: (fmask & M(TZ)) !== 0 };
}

function floorSecs(t: bigint): bigint {
  const s = t / USECS_PER_SEC;
  return t < 0n && s * USECS_PER_SEC !== t ? s - 1n : s;
}

/** ParseDateTime + DecodeTimeOnly (time, timetz), raising DateTimeParseError. */
export function decodeTimeOnly(
  str: string,
  typeName: string,
  ctx: TypeContext,
): { tm: Tm; tz: number } {
  try {
    return decodeTimeOnlyInner(str, ctx);
  } catch (e) {
    if (e instanceof DtErr) throw parseError(e.code, str, typeName);
    throw e;
  }
}

function decodeTimeOnlyInner(str: string, ctx: TypeContext): { tm: Tm; tz: number } {
  const { fields, ftypes } = parseDateTime(str);
  const nf = fields.length;
  let fmask = 0;
  let tmask = 0;
  let ptype = 0;
  let isjulian = false;
  let bc = false;
  let mer = HR24;
  let namedTz: Zone | null = null;
  let abbrevTz: Zone | null = null;
  let tz = 0;
  const st: DecodeState = {
    tm: { year: 0, mon: 0, mday: 0, hour: 0, min: 0, sec: 0, fsec: 0 },
    fsec: 0,
    is2digits: false,
    doy: 0,
  };
  const tm = st.tm;
  for (let i = 0; i < nf; i++) {
    const field = fields[i]!;
    switch (ftypes[i]) {
      case DTK_DATE:
        if (i === 0 && nf >= 2 && (ftypes[nf - 1] === DTK_DATE || ftypes[1] === DTK_TIME)) {
          tmask = decodeDate(field, fmask, st);
        } else if (isDigit(field[0])) {
          if ((fmask & DTK_TIME_M) === DTK_TIME_M) fail(BAD_FORMAT);
          const dash = field.indexOf('-');
          if (dash < 0) fail(BAD_FORMAT);
          tz = decodeTimezone(field.slice(dash));
          const [mask, t] = decodeNumberField(field.slice(0, dash), fmask | DTK_DATE_M, st);
          tmask = mask | M(TZ);
          ftypes[i] = t;
        } else {
          namedTz = findZone(field);
          if (!namedTz) throw zoneNotRecognized(field);
          ftypes[i] = DTK_TZ;
          tmask = M(TZ);
        }
        break;
      case DTK_TIME:
        tmask = decodeTime(field, st);
        break;
      case DTK_TZ:
        tz = decodeTimezone(field);
        tmask = M(TZ);
        break;
      case DTK_NUMBER:
        if (ptype !== 0) {
          // PostgreSQL rejects labeled hours, minutes and seconds in time input
          if (ptype === U_HOUR || ptype === U_MINUTE || ptype === U_SECOND) fail(BAD_FORMAT);
          [tmask, isjulian] = decodeLabeled(ptype, field, fmask, st, isjulian);
          ptype = 0;
        } else {
          const flen = field.length;
          const dot = field.indexOf('.');
          if (dot >= 0) {
            if (i === 0 && nf >= 2 && ftypes[nf - 1] === DTK_DATE) {
              tmask = decodeDate(field, fmask, st);
            } else if (dot > 2) {
              const [mask, t] = decodeNumberField(field, fmask | DTK_DATE_M, st);
              tmask = mask;
              ftypes[i] = t;
            } else fail(BAD_FORMAT);
          } else if (flen > 4) {
            const [mask, t] = decodeNumberField(field, fmask | DTK_DATE_M, st);
            tmask = mask;
            ftypes[i] = t;
          } else {
            tmask = decodeNumber(flen, field, false, fmask | DTK_DATE_M, st);
          }
        }
        break;
      case DTK_STRING:
      case DTK_SPECIAL: {
        const [type, val, valtz] = decodeSpecial(field);
        if (type === IGNORE_DTF) continue;
        tmask = M(type);
        switch (type) {
          case RESERV:
            if (val === DTK_NOW) {
              tmask = DTK_TIME_M;
              const zone = sessionZone(ctx.timeZone);
              const t = ctx.transactionStart;
              const off = offsetAt(zone, Number(floorSecs(t)) + 946684800);
              const now = timestamp2tm(t + BigInt(off) * USECS_PER_SEC)!;
              tm.hour = now.hour;
              tm.min = now.min;
              tm.sec = now.sec;
              st.fsec = now.fsec;
            } else if (val === DTK_ZULU) {
              tmask = DTK_TIME_M | M(TZ);
              tm.hour = 0;
              tm.min = 0;
              tm.sec = 0;
            } else fail(BAD_FORMAT);
            break;
          case DTZMOD:
            tmask |= M(DTZ);
            tz -= val;
            break;
          case DTZ:
            tmask |= M(TZ);
            tz = -val;
            ftypes[i] = DTK_TZ;
            break;
          case TZ:
            tz = -val;
            ftypes[i] = DTK_TZ;
            break;
          case DYNTZ:
            tmask |= M(TZ);
            abbrevTz = valtz;
            ftypes[i] = DTK_TZ;
            break;
          case AMPM:
            mer = val;
            break;
          case ADBC:
            bc = val === BC;
            break;
          case UNITS:
            tmask = 0;
            ptype = val;
            break;
          case ISOTIME: {
            tmask = 0;
            const next = ftypes[i + 1];
            if (i >= nf - 1 || (next !== DTK_NUMBER && next !== DTK_TIME && next !== DTK_DATE)) {
              fail(BAD_FORMAT);
            }
            ptype = val;
            break;
          }
          case UNKNOWN_FIELD:
            namedTz = findZone(field);
            if (!namedTz) fail(BAD_FORMAT);
            tmask = M(TZ);
            break;
          default:
            fail(BAD_FORMAT);
        }
        break;
      }
      default:
        fail(BAD_FORMAT);
    }
    if (tmask & fmask) fail(BAD_FORMAT);
    fmask |= tmask;
  }
  validateDate(fmask, isjulian, st.is2digits, bc, tm, st.doy);
  if (mer !== HR24 && tm.hour > 12) fail(FIELD_OVERFLOW);
  if (mer === AM && tm.hour === 12) tm.hour = 0;
  else if (mer === PM && tm.hour !== 12) tm.hour += 12;
  if (timeOverflows(tm.hour, tm.min, tm.sec, st.fsec)) fail(FIELD_OVERFLOW);
  if ((fmask & DTK_TIME_M) === 0) fail(BAD_FORMAT);
  tm.fsec = st.fsec;
  const localTm = (): Tm => {
    const tmp = (fmask & DTK_DATE_M) === 0 ? currentLocal(ctx) : { ...tm };
    if ((fmask & DTK_DATE_M) !== 0 && (fmask & DTK_DATE_M) !== DTK_DATE_M) fail(BAD_FORMAT);
    tmp.hour = tm.hour;
    tmp.min = tm.min;
    tmp.sec = tm.sec;
    return tmp;
  };
  if (namedTz !== null) {
    if (fmask & M(DTZMOD)) fail(BAD_FORMAT);
    if ('fixed' in namedTz) tz = -namedTz.fixed;
    else {
      if ((fmask & DTK_DATE_M) !== DTK_DATE_M) fail(BAD_FORMAT);
      tz = determineTz(tm, namedTz);
    }
  }
  if (abbrevTz !== null) {
    if (fmask & M(DTZMOD)) fail(BAD_FORMAT);
    tz = determineTz(localTm(), abbrevTz);
  }
  if (!(fmask & M(TZ))) {
    if (fmask & M(DTZMOD)) fail(BAD_FORMAT);
    tz = determineTz(localTm(), sessionZone(ctx.timeZone));
  }
  return { tm, tz };
}

// ---------------------------------------------------------------- intervals

interface ItmIn {
  usec: bigint;
  mday: number;
  mon: number;
  year: number;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

function addS64(a: bigint, b: bigint): bigint {
  const r = a + b;
  if (r < INT64_MIN || r > INT64_MAX) fail(FIELD_OVERFLOW);
  return r;
}
function addS32(a: number, b: number): number {
  const r = a + b;
  if (r < INT32_MIN || r > INT32_MAX) fail(FIELD_OVERFLOW);
  return r;
}
function mulS32(a: number, b: number): number {
  const r = a * b;
  if (r < INT32_MIN || r > INT32_MAX) fail(FIELD_OVERFLOW);
  return r;
}

function adjustFractMicroseconds(frac0: number, scale: bigint, itm: ItmIn): void {
  if (frac0 === 0) return;
  let frac = frac0 * Number(scale);
  let usec = Math.trunc(frac);
  frac -= usec;
  if (frac > 0.5) usec++;
  else if (frac < -0.5) usec--;
  itm.usec = addS64(itm.usec, BigInt(usec));
}

function adjustFractDays(frac0: number, scale: number, itm: ItmIn): void {
  if (frac0 === 0) return;
  let frac = frac0 * scale;
  const extra = Math.trunc(frac);
  itm.mday = addS32(itm.mday, extra);
  frac -= extra;
  adjustFractMicroseconds(frac, USECS_PER_DAY, itm);
}

function adjustFractYears(frac: number, scale: number, itm: ItmIn): void {
  const extra = rint(frac * scale * 12);
  itm.mon = addS32(itm.mon, extra);
}

function adjustMicroseconds(val: bigint, fval: number, scale: bigint, itm: ItmIn): void {
  itm.usec = addS64(itm.usec, mulS64(val, scale));
  adjustFractMicroseconds(fval, scale, itm);
}

function mulS64(a: bigint, b: bigint): bigint {
  const r = a * b;
  if (r < INT64_MIN || r > INT64_MAX) fail(FIELD_OVERFLOW);
  return r;
}

function toInt32(val: bigint): number {
  if (val < BigInt(INT32_MIN) || val > BigInt(INT32_MAX)) fail(FIELD_OVERFLOW);
  return Number(val);
}

function adjustDays(val: bigint, scale: number, itm: ItmIn): void {
  itm.mday = addS32(itm.mday, mulS32(toInt32(val), scale));
}

function adjustMonths(val: bigint, itm: ItmIn): void {
  itm.mon = addS32(itm.mon, toInt32(val));
}

function adjustYears(val: bigint, scale: number, itm: ItmIn): void {
  itm.year = addS32(itm.year, mulS32(toInt32(val), scale));
}

/** ParseFraction: the value of ".ddd" (just "." is 0). */
function parseFraction(cp: string): number {
  if (cp === '.') return 0;
  const r = strtod(cp);
  if (r?.[1] !== '') return fail(BAD_FORMAT);
  return r[0];
}

/** DecodeTimeForInterval: "[-]hh:mm[:ss[.fff]]" -> µs (sets, does not add). */
function decodeTimeForInterval(str: string, range: number, itm: ItmIn): number {
  let [hour, cp] = strtoi64(str);
  if (cp[0] !== ':') return fail(BAD_FORMAT);
  let min: number;
  let sec = 0;
  let fsec = 0;
  [min, cp] = strtoint(cp.slice(1));
  if (cp === '') {
    if (range === (IM_MINUTE | IM_SECOND)) {
      if (hour > BigInt(INT32_MAX) || hour < BigInt(INT32_MIN)) fail(FIELD_OVERFLOW);
      sec = min;
      min = Number(hour);
      hour = 0n;
    }
  } else if (cp[0] === '.') {
    fsec = parseFractionalSecond(cp);
    if (hour > BigInt(INT32_MAX) || hour < BigInt(INT32_MIN)) fail(FIELD_OVERFLOW);
    sec = min;
    min = Number(hour);
    hour = 0n;
  } else if (cp[0] === ':') {
    [sec, cp] = strtoint(cp.slice(1));
    if (cp[0] === '.') fsec = parseFractionalSecond(cp);
    else if (cp !== '') fail(BAD_FORMAT);
  } else fail(BAD_FORMAT);
  if (hour < 0n || min < 0 || min > 59 || sec < 0 || sec > 60 || fsec < 0 || fsec > 1000000) {
    fail(FIELD_OVERFLOW);
  }
  let usec = BigInt(fsec);
  usec = addS64(usec, mulS64(hour, USECS_PER_HOUR));
  usec = addS64(usec, BigInt(min) * USECS_PER_MINUTE);
  usec = addS64(usec, BigInt(sec) * USECS_PER_SEC);
  itm.usec = usec;
  return DTK_TIME_M;
}

/** INTERVAL_MASK bits of interval typmod ranges. */
export const IM_YEAR = M(YEAR);
export const IM_MONTH = M(MONTH);
export const IM_DAY = M(DAY);
export const IM_HOUR = M(HOUR);
export const IM_MINUTE = M(MINUTE);
export const IM_SECOND = M(SECOND);
export const INTERVAL_FULL_RANGE = 0x7fff;

function decodeInterval(fields: string[], ftypes: number[], range: number, itm: ItmIn): void {
  let isBefore = false;
  let fmask = 0;
  let tmask = 0;
  let type = IGNORE_DTF;
  const nf = fields.length;
  for (let i = nf - 1; i >= 0; i--) {
    const field = fields[i]!;
    let ft = ftypes[i];
    if (ft === DTK_TIME) {
      tmask = decodeTimeForInterval(field, range, itm);
      type = U_DAY;
    } else if (ft === DTK_TZ) {
      let ok = false;
      if (field.slice(1).includes(':')) {
        try {
          tmask = decodeTimeForInterval(field.slice(1), range, itm);
          ok = true;
        } catch (e) {
          if (!(e instanceof DtErr)) throw e;
        }
      }
      if (ok) {
        if (field[0] === '-') itm.usec = -itm.usec;
        type = U_DAY;
      } else ft = DTK_NUMBER;
    }
    if (ft === DTK_DATE || ft === DTK_NUMBER) {
      if (type === IGNORE_DTF) {
        switch (range) {
          case IM_YEAR:
            type = U_YEAR;
            break;
          case IM_MONTH:
          case IM_YEAR | IM_MONTH:
            type = U_MONTH;
            break;
          case IM_DAY:
            type = U_DAY;
            break;
          case IM_HOUR:
          case IM_DAY | IM_HOUR:
            type = U_HOUR;
            break;
          case IM_MINUTE:
          case IM_HOUR | IM_MINUTE:
          case IM_DAY | IM_HOUR | IM_MINUTE:
            type = U_MINUTE;
            break;
          default:
            type = U_SECOND;
        }
      }
      let [val, cp] = strtoi64(field);
      let fval: number;
      if (cp[0] === '-') {
        let val2: number;
        [val2, cp] = strtoint(cp.slice(1));
        if (val2 < 0 || val2 >= 12) fail(FIELD_OVERFLOW);
        if (cp !== '') fail(BAD_FORMAT);
        type = U_MONTH;
        if (field[0] === '-') val2 = -val2;
        val = addS64(mulS64(val, 12n), BigInt(val2));
        fval = 0;
      } else if (cp[0] === '.') {
        fval = parseFraction(cp);
        if (field[0] === '-') fval = -fval;
      } else if (cp === '') fval = 0;
      else fval = fail(BAD_FORMAT);
      tmask = 0;
      switch (type) {
        case U_MICROSEC:
          adjustMicroseconds(val, fval, 1n, itm);
          tmask = M(MICROSECOND);
          break;
        case U_MILLISEC:
          adjustMicroseconds(val, fval, 1000n, itm);
          tmask = M(MILLISECOND);
          break;
        case U_SECOND:
          adjustMicroseconds(val, fval, USECS_PER_SEC, itm);
          tmask = fval === 0 ? M(SECOND) : DTK_ALL_SECS_M;
          break;
        case U_MINUTE:
          adjustMicroseconds(val, fval, USECS_PER_MINUTE, itm);
          tmask = M(MINUTE);
          break;
        case U_HOUR:
          adjustMicroseconds(val, fval, USECS_PER_HOUR, itm);
          tmask = M(HOUR);
          type = U_DAY;
          break;
        case U_DAY:
          adjustDays(val, 1, itm);
          adjustFractMicroseconds(fval, USECS_PER_DAY, itm);
          tmask = M(DAY);
          break;
        case U_WEEK:
          adjustDays(val, 7, itm);
          adjustFractDays(fval, 7, itm);
          tmask = M(WEEK);
          break;
        case U_MONTH:
          adjustMonths(val, itm);
          adjustFractDays(fval, DAYS_PER_MONTH, itm);
          tmask = M(MONTH);
          break;
        case U_YEAR:
          adjustYears(val, 1, itm);
          adjustFractYears(fval, 1, itm);
          tmask = M(YEAR);
          break;
        case U_DECADE:
          adjustYears(val, 10, itm);
          adjustFractYears(fval, 10, itm);
          tmask = M(DECADE);
          break;
        case U_CENTURY:
          adjustYears(val, 100, itm);
          adjustFractYears(fval, 100, itm);
          tmask = M(CENTURY);
          break;
        case U_MILLENNIUM:
          adjustYears(val, 1000, itm);
          adjustFractYears(fval, 1000, itm);
          tmask = M(MILLENNIUM);
          break;
        default:
          fail(BAD_FORMAT);
      }
    } else if (ft === DTK_STRING || ft === DTK_SPECIAL) {
      const tok = deltaToken(field);
      const t = tok ? tok[0] : UNKNOWN_FIELD;
      if (t === IGNORE_DTF) continue;
      tmask = 0;
      if (t === UNITS) type = tok![1];
      else if (t === AGO) {
        isBefore = true;
        type = tok![1];
      } else fail(BAD_FORMAT);
    } else if (ft !== DTK_TIME && ft !== DTK_TZ) {
      fail(BAD_FORMAT);
    }
    if (tmask & fmask) fail(BAD_FORMAT);
    fmask |= tmask;
  }
  if (fmask === 0) fail(BAD_FORMAT);
  if (isBefore) {
    if (itm.usec === INT64_MIN || itm.mday === INT32_MIN || itm.mon === INT32_MIN) {
      fail(FIELD_OVERFLOW);
    }
    if (itm.year === INT32_MIN) fail(FIELD_OVERFLOW);
    itm.usec = -itm.usec;
    itm.mday = -itm.mday;
    itm.mon = -itm.mon;
    itm.year = -itm.year;
  }
}

/** ParseISO8601Number: [integer part, fraction, rest]. */
function parseISO8601Number(str: string): [bigint, number, string] {
  if (!(isDigit(str[0]) || str[0] === '-' || str[0] === '.')) fail(BAD_FORMAT);
  const r = strtod(str);
  if (!r || /^\s/.test(str)) return fail(BAD_FORMAT);
  const val = r[0];
  if (Number.isNaN(val) || val < -1.0e15 || val > 1.0e15) fail(FIELD_OVERFLOW);
  const ipart = val >= 0 ? Math.floor(val) : -Math.floor(-val);
  return [BigInt(ipart), val - ipart, r[1]];
}

function iso8601IntegerWidth(s: string): number {
  const t = s[0] === '-' ? s.slice(1) : s;
  return /^\d*/.exec(t)![0].length;
}

function decodeISO8601Interval(str0: string, itm: ItmIn): void {
  if (str0.length < 2 || str0[0] !== 'P') fail(BAD_FORMAT);
  let str = str0.slice(1);
  let datepart = true;
  let havefield = false;
  while (str !== '') {
    if (str[0] === 'T') {
      datepart = false;
      havefield = false;
      str = str.slice(1);
      continue;
    }
    const fieldstart = str;
    let [val, fval, rest] = parseISO8601Number(str);
    const unit = rest[0] ?? '';
    str = rest.slice(1);
    if (datepart) {
      switch (unit) {
        case 'Y':
          adjustYears(val, 1, itm);
          adjustFractYears(fval, 1, itm);
          break;
        case 'M':
          adjustMonths(val, itm);
          adjustFractDays(fval, DAYS_PER_MONTH, itm);
          break;
        case 'W':
          adjustDays(val, 7, itm);
          adjustFractDays(fval, 7, itm);
          break;
        case 'D':
          adjustDays(val, 1, itm);
          adjustFractMicroseconds(fval, USECS_PER_DAY, itm);
          break;
        case 'T':
        case '':
        case '-': {
          if (unit !== '-' && iso8601IntegerWidth(fieldstart) === 8 && !havefield) {
            adjustYears(val / 10000n, 1, itm);
            adjustMonths((val / 100n) % 100n, itm);
            adjustDays(val % 100n, 1, itm);
            adjustFractMicroseconds(fval, USECS_PER_DAY, itm);
            if (unit === '') return;
            datepart = false;
            havefield = false;
            continue;
          }
          if (havefield) fail(BAD_FORMAT);
          adjustYears(val, 1, itm);
          adjustFractYears(fval, 1, itm);
          if (unit === '') return;
          if (unit === 'T') {
            datepart = false;
            havefield = false;
            continue;
          }
          [val, fval, str] = parseISO8601Number(str);
          adjustMonths(val, itm);
          adjustFractDays(fval, DAYS_PER_MONTH, itm);
          if (str === '') return;
          if (str[0] === 'T') {
            datepart = false;
            havefield = false;
            str = str.slice(1);
            continue;
          }
          if (str[0] !== '-') fail(BAD_FORMAT);
          str = str.slice(1);
          [val, fval, str] = parseISO8601Number(str);
          adjustDays(val, 1, itm);
          adjustFractMicroseconds(fval, USECS_PER_DAY, itm);
          if (str === '') return;
          if (str[0] === 'T') {
            datepart = false;
            havefield = false;
            str = str.slice(1);
            continue;
          }
          fail(BAD_FORMAT);
          break;
        }
        default:
          fail(BAD_FORMAT);
      }
    } else {
      switch (unit) {
        case 'H':
          adjustMicroseconds(val, fval, USECS_PER_HOUR, itm);
          break;
        case 'M':
          adjustMicroseconds(val, fval, USECS_PER_MINUTE, itm);
          break;
        case 'S':
          adjustMicroseconds(val, fval, USECS_PER_SEC, itm);
          break;
        case '':
        case ':': {
          if (unit === '' && iso8601IntegerWidth(fieldstart) === 6 && !havefield) {
            adjustMicroseconds(val / 10000n, 0, USECS_PER_HOUR, itm);
            adjustMicroseconds((val / 100n) % 100n, 0, USECS_PER_MINUTE, itm);
            adjustMicroseconds(val % 100n, 0, USECS_PER_SEC, itm);
            adjustFractMicroseconds(fval, 1n, itm);
            return;
          }
          if (havefield) fail(BAD_FORMAT);
          adjustMicroseconds(val, fval, USECS_PER_HOUR, itm);
          if (unit === '') return;
          [val, fval, str] = parseISO8601Number(str);
          adjustMicroseconds(val, fval, USECS_PER_MINUTE, itm);
          if (str === '') return;
          if (str[0] !== ':') fail(BAD_FORMAT);
          str = str.slice(1);
          [val, fval, str] = parseISO8601Number(str);
          adjustMicroseconds(val, fval, USECS_PER_SEC, itm);
          if (str === '') return;
          fail(BAD_FORMAT);
          break;
        }
        default:
          fail(BAD_FORMAT);
      }
    }
    havefield = true;
  }
}

export interface IntervalValue {
  months: number;
  days: number;
  micros: bigint;
}

/** interval_in without the typmod: the interval of `str` (`range` from the typmod). */
export function parseInterval(str: string, range: number): IntervalValue {
  const itm: ItmIn = { usec: 0n, mday: 0, mon: 0, year: 0 };
  try {
    try {
      const { fields, ftypes } = parseDateTime(str);
      decodeInterval(fields, ftypes, range, itm);
    } catch (e) {
      if (e instanceof DtErr && e.code === BAD_FORMAT) {
        itm.usec = 0n;
        itm.mday = 0;
        itm.mon = 0;
        itm.year = 0;
        decodeISO8601Interval(str, itm);
      } else throw e;
    }
  } catch (e) {
    if (e instanceof DtErr) {
      throw parseError(e.code === FIELD_OVERFLOW ? INTERVAL_OVERFLOW : e.code, str, 'interval');
    }
    throw e;
  }
  const months = itm.year * 12 + itm.mon;
  if (months > INT32_MAX || months < INT32_MIN) {
    throw new SqlError(SqlState.DATETIME_FIELD_OVERFLOW, 'interval out of range');
  }
  return {
    months: months === 0 ? 0 : months,
    days: itm.mday === 0 ? 0 : itm.mday,
    micros: itm.usec,
  };
}

/** DecodeTimezone for callers outside the parser: seconds west, or null when malformed. */
export function tryDecodeTimezone(str: string): number | null {
  try {
    return decodeTimezone(str);
  } catch (e) {
    if (e instanceof DtErr) return null;
    throw e;
  }
}
