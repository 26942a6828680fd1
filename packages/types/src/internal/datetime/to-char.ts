/**
 * to_char(timestamp | timestamptz | interval, text): PostgreSQL's
 * formatting.c DCH templates in the C locale — YYYY YYY YY Y Y,YYY IYYY
 * IYY IY I MM Mon MON mon Month MONTH month RM rm DD DDD IDDD D ID Day DAY
 * day Dy DY dy HH HH12 HH24 MI SS SSSS SSSSS MS US FF1-FF6 AM PM am pm
 * A.M. P.M. AD BC A.D. B.C. TZ tz TZH TZM OF Q WW IW W J CC, the FM/TM
 * prefixes and TH/th suffixes, double-quoted literals and backslash escapes.
 */
import type { TypeContext } from '../core/context.js';
import { SqlError, SqlState } from '../core/errors.js';
import {
  date2j,
  j2day,
  mustTimestamp2tm,
  type Tm,
  timestampIsFinite,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
} from './calendar.js';
import { date2isoweek, date2isoyear, date2isoyearday, zoneOf } from './ops.js';
import { type Interval, timestampTz2tm } from './types.js';
import { zoneAbbrevAt } from './zone.js';

export type ToCharInput =
  | { kind: 'timestamp'; value: bigint }
  | { kind: 'timestamptz'; value: bigint }
  | { kind: 'interval'; value: Interval };

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

const KEYWORDS = [
  'A.D.',
  'A.M.',
  'AD',
  'AM',
  'B.C.',
  'BC',
  'CC',
  'DAY',
  'DDD',
  'DD',
  'DY',
  'Day',
  'Dy',
  'D',
  'FF1',
  'FF2',
  'FF3',
  'FF4',
  'FF5',
  'FF6',
  'FX',
  'HH24',
  'HH12',
  'HH',
  'IDDD',
  'ID',
  'IW',
  'IYYY',
  'IYY',
  'IY',
  'I',
  'J',
  'MI',
  'MM',
  'MONTH',
  'MON',
  'MS',
  'Month',
  'Mon',
  'OF',
  'P.M.',
  'PM',
  'Q',
  'RM',
  'SSSSS',
  'SSSS',
  'SS',
  'TZH',
  'TZM',
  'TZ',
  'US',
  'WW',
  'W',
  'Y,YYY',
  'YYYY',
  'YYY',
  'YY',
  'Y',
  'a.d.',
  'a.m.',
  'ad',
  'am',
  'b.c.',
  'bc',
  'cc',
  'day',
  'ddd',
  'dd',
  'dy',
  'd',
  'ff1',
  'ff2',
  'ff3',
  'ff4',
  'ff5',
  'ff6',
  'fx',
  'hh24',
  'hh12',
  'hh',
  'iddd',
  'id',
  'iw',
  'iyyy',
  'iyy',
  'iy',
  'i',
  'j',
  'mi',
  'mm',
  'month',
  'mon',
  'ms',
  'of',
  'p.m.',
  'pm',
  'q',
  'rm',
  'sssss',
  'ssss',
  'ss',
  'tzh',
  'tzm',
  'tz',
  'us',
  'ww',
  'w',
  'y,yyy',
  'yyyy',
  'yyy',
  'yy',
  'y',
].sort((a, b) => b.length - a.length);

type Node =
  | { kind: 'char'; text: string }
  | { kind: 'key'; key: string; fm: boolean; tm: boolean; th: 0 | 1 | 2 };

const formatCache = new Map<string, Node[]>();

/** parse_format for DCH: keywords with FM/TM prefixes and TH/th suffixes, and literals. */
function parseFormat(fmt: string): Node[] {
  const cached = formatCache.get(fmt);
  if (cached) return cached;
  const nodes: Node[] = [];
  let i = 0;
  while (i < fmt.length) {
    let fm = false;
    let tmMode = false;
    let j = i;
    for (;;) {
      const two = fmt.slice(j, j + 2);
      if (two === 'FM' || two === 'fm') {
        fm = true;
        j += 2;
      } else if (two === 'TM' || two === 'tm') {
        tmMode = true;
        j += 2;
      } else break;
    }
    const key = KEYWORDS.find((k) => fmt.startsWith(k, j));
    if (key) {
      j += key.length;
      let th: 0 | 1 | 2 = 0;
      const suf = fmt.slice(j, j + 2);
      if (suf === 'TH') {
        th = 1;
        j += 2;
      } else if (suf === 'th') {
        th = 2;
        j += 2;
      } else if (suf === 'SP') {
        // spell mode: accepted and ignored, as in PostgreSQL
        j += 2;
      }
      nodes.push({ kind: 'key', key, fm, tm: tmMode, th });
      i = j;
      continue;
    }
    if (j > i) {
      // Prefixes without a keyword: PostgreSQL drops them.
      i = j;
      continue;
    }
    const c = fmt[i]!;
    if (c === '"') {
      i++;
      while (i < fmt.length) {
        if (fmt[i] === '"') {
          i++;
          break;
        }
        if (fmt[i] === '\\' && i + 1 < fmt.length) i++;
        nodes.push({ kind: 'char', text: fmt[i]! });
        i++;
      }
      continue;
    }
    if (c === '\\' && fmt[i + 1] === '"') i++;
    const cp = fmt.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    nodes.push({ kind: 'char', text: ch });
    i += ch.length;
  }
  if (formatCache.size > 200) formatCache.clear();
  formatCache.set(fmt, nodes);
  return nodes;
}

/** The ordinal suffix of a number's text (get_th). */
function numTh(num: string, upper: boolean): string {
  const last = num[num.length - 1];
  let suffix = 'th';
  if (!(num.length > 1 && num[num.length - 2] === '1')) {
    if (last === '1') suffix = 'st';
    else if (last === '2') suffix = 'nd';
    else if (last === '3') suffix = 'rd';
  }
  return num + (upper ? suffix.toUpperCase() : suffix);
}

/** sprintf("%0*d", width, v). */
function zpad(v: number | bigint, width: number): string {
  const neg = v < 0;
  const s = String(neg ? -v : v);
  const w = Math.max(0, width - (neg ? 1 : 0));
  return (neg ? '-' : '') + s.padStart(w, '0');
}

interface Fields {
  year: number;
  mon: number;
  mday: number;
  hour: bigint;
  min: number;
  sec: number;
  fsec: number;
  wday: number;
  yday: number;
  gmtoff: number;
  tzn: string | null;
  isInterval: boolean;
}

function invalidForInterval(): SqlError {
  return new SqlError(
    SqlState.INVALID_DATETIME_FORMAT,
    'invalid format specification for an interval value',
    { hint: 'Intervals are not tied to specific calendar dates.' },
  );
}

function fieldsOf(input: ToCharInput, ctx: TypeContext): Fields | null {
  if (input.kind === 'interval') {
    const v = input.value;
    let time = v.micros;
    const hour = time / USECS_PER_HOUR;
    time -= hour * USECS_PER_HOUR;
    const min = time / USECS_PER_MINUTE;
    time -= min * USECS_PER_MINUTE;
    const sec = time / USECS_PER_SEC;
    time -= sec * USECS_PER_SEC;
    const year = Math.trunc(v.months / 12);
    const mon = v.months % 12;
    return {
      year,
      mon,
      mday: v.days,
      hour,
      min: Number(min),
      sec: Number(sec),
      fsec: Number(time),
      wday: 0,
      yday: (year * 12 + mon) * 30 + v.days,
      gmtoff: 0,
      tzn: null,
      isInterval: true,
    };
  }
  const t = input.value;
  if (!timestampIsFinite(t)) return null;
  let tm: Tm;
  let gmtoff = 0;
  let tzn: string | null = null;
  if (input.kind === 'timestamptz') {
    const zone = zoneOf(ctx);
    const r = timestampTz2tm(t, zone);
    tm = r.tm;
    gmtoff = -r.tz;
    let secs = t / USECS_PER_SEC;
    if (t < 0n && secs * USECS_PER_SEC !== t) secs -= 1n;
    tzn = zoneAbbrevAt(zone, Number(secs) + 946684800);
  } else {
    tm = mustTimestamp2tm(t);
  }
  const j = date2j(tm.year, tm.mon, tm.mday);
  return {
    year: tm.year,
    mon: tm.mon,
    mday: tm.mday,
    hour: BigInt(tm.hour),
    min: tm.min,
    sec: tm.sec,
    fsec: tm.fsec,
    wday: j2day(j),
    yday: j - date2j(tm.year, 1, 1) + 1,
    gmtoff,
    tzn,
    isInterval: false,
  };
}

/** to_char: the text, or null for an infinite timestamp or an empty format. */
export function toChar(input: ToCharInput, fmt: string, ctx: TypeContext): string | null {
  if (fmt === '') return null;
  const f = fieldsOf(input, ctx);
  if (!f) return null;
  let out = '';
  const adjYear = (y: number) => (f.isInterval ? y : y <= 0 ? -(y - 1) : y);
  for (const n of parseFormat(fmt)) {
    if (n.kind === 'char') {
      out += n.text;
      continue;
    }
    const { key, fm } = n;
    let s: string;
    /** "%0*d" with the width widened by one for negative values when `signed` (HH, MI, SS, MM, years). */
    const num = (v: number | bigint, width: number, signed = false) =>
      zpad(v, fm ? 0 : signed && v < 0 ? width + 1 : width);
    const name = (full: string, upper: boolean, lower: boolean, len: number) => {
      let v = len ? full.slice(0, len) : full;
      if (upper) v = v.toUpperCase();
      else if (lower) v = v.toLowerCase();
      return fm || n.tm || len ? v : v.padEnd(9, ' ');
    };
    const isUpper = key === key.toUpperCase();
    const isLower = key === key.toLowerCase();
    const hour = Number(f.hour);
    switch (key.toUpperCase()) {
      case 'A.M.':
      case 'P.M.':
        s = hour % 24 >= 12 ? 'P.M.' : 'A.M.';
        if (isLower) s = s.toLowerCase();
        break;
      case 'AM':
      case 'PM':
        s = hour % 24 >= 12 ? 'PM' : 'AM';
        if (isLower) s = s.toLowerCase();
        break;
      case 'A.D.':
      case 'B.C.':
        if (f.isInterval) throw invalidForInterval();
        s = f.year <= 0 ? 'B.C.' : 'A.D.';
        if (isLower) s = s.toLowerCase();
        break;
      case 'AD':
      case 'BC':
        if (f.isInterval) throw invalidForInterval();
        s = f.year <= 0 ? 'BC' : 'AD';
        if (isLower) s = s.toLowerCase();
        break;
      case 'HH':
      case 'HH12': {
        const h = f.hour % 12n === 0n ? 12n : f.hour % 12n;
        s = zpad(h, fm ? 0 : f.hour >= 0n ? 2 : 3);
        break;
      }
      case 'HH24':
        s = zpad(f.hour, fm ? 0 : f.hour >= 0n ? 2 : 3);
        break;
      case 'MI':
        s = num(f.min, 2, true);
        break;
      case 'SS':
        s = num(f.sec, 2, true);
        break;
      case 'FF1':
      case 'FF2':
      case 'FF3':
      case 'FF4':
      case 'FF5':
      case 'FF6': {
        const d = Number(key[2]);
        s = zpad(Math.trunc(f.fsec / 10 ** (6 - d)), d);
        break;
      }
      case 'MS':
        s = zpad(Math.trunc(f.fsec / 1000), 3);
        break;
      case 'US':
        s = zpad(f.fsec, 6);
        break;
      case 'SSSS':
      case 'SSSSS':
        s = String(f.hour * 3600n + BigInt(f.min * 60 + f.sec));
        break;
      case 'TZ':
        if (f.isInterval) throw invalidForInterval();
        s = f.tzn === null ? '' : isLower ? f.tzn.toLowerCase() : f.tzn.toUpperCase();
        break;
      case 'TZH':
        if (f.isInterval) throw invalidForInterval();
        s = `${f.gmtoff >= 0 ? '+' : '-'}${zpad(Math.trunc(Math.abs(f.gmtoff) / 3600), 2)}`;
        break;
      case 'TZM':
        if (f.isInterval) throw invalidForInterval();
        s = zpad(Math.trunc((Math.abs(f.gmtoff) % 3600) / 60), 2);
        break;
      case 'OF': {
        if (f.isInterval) throw invalidForInterval();
        const a = Math.abs(f.gmtoff);
        s = `${f.gmtoff >= 0 ? '+' : '-'}${zpad(Math.trunc(a / 3600), fm ? 0 : 2)}`;
        if (a % 3600 !== 0) s += `:${zpad(Math.trunc((a % 3600) / 60), 2)}`;
        break;
      }
      case 'MONTH':
        if (f.isInterval) throw invalidForInterval();
        if (!f.mon) {
          s = '';
          break;
        }
        s = name(MONTHS[f.mon - 1]!, isUpper, isLower, 0);
        break;
      case 'MON':
        if (f.isInterval) throw invalidForInterval();
        if (!f.mon) {
          s = '';
          break;
        }
        s = name(MONTHS[f.mon - 1]!, isUpper, isLower, 3);
        break;
      case 'MM':
        s = num(f.mon, 2, true);
        break;
      case 'DAY':
        if (f.isInterval) throw invalidForInterval();
        s = name(DAYS[f.wday]!, isUpper, isLower, 0);
        break;
      case 'DY':
        if (f.isInterval) throw invalidForInterval();
        s = name(DAYS[f.wday]!, isUpper, isLower, 3);
        break;
      case 'DDD':
        s = num(f.yday, 3);
        break;
      case 'IDDD':
        s = num(date2isoyearday(f.year, f.mon, f.mday), 3);
        break;
      case 'DD':
        s = num(f.mday, 2);
        break;
      case 'D':
        if (f.isInterval) throw invalidForInterval();
        s = String(f.wday + 1);
        break;
      case 'ID':
        if (f.isInterval) throw invalidForInterval();
        s = String(f.wday === 0 ? 7 : f.wday);
        break;
      case 'WW':
        s = num(Math.trunc((f.yday - 1) / 7) + 1, 2);
        break;
      case 'IW':
        s = num(date2isoweek(f.year, f.mon, f.mday), 2);
        break;
      case 'Q':
        if (!f.mon) {
          s = '';
          break;
        }
        s = String(Math.trunc((f.mon - 1) / 3) + 1);
        break;
      case 'CC': {
        let i: number;
        if (f.isInterval) i = Math.trunc(f.year / 100);
        else if (f.year > 0) i = Math.trunc((f.year - 1) / 100) + 1;
        else i = Math.trunc(f.year / 100) - 1;
        s = i <= 99 && i >= -99 ? zpad(i, fm ? 0 : i >= 0 ? 2 : 3) : String(i);
        break;
      }
      case 'Y,YYY': {
        const y = adjYear(f.year);
        const i = Math.trunc(y / 1000);
        s = `${i},${zpad(y - i * 1000, 3)}`;
        break;
      }
      case 'YYYY':
      case 'IYYY': {
        const y = adjYear(
          key.toUpperCase() === 'YYYY' ? f.year : date2isoyear(f.year, f.mon, f.mday),
        );
        s = zpad(y, fm ? 0 : adjYear(f.year) >= 0 ? 4 : 5);
        break;
      }
      case 'YYY':
      case 'IYY':
      case 'YY':
      case 'IY':
      case 'Y':
      case 'I': {
        const iso = key.toUpperCase().startsWith('I');
        const y = adjYear(iso ? date2isoyear(f.year, f.mon, f.mday) : f.year);
        const digits = key.length;
        const mod = 10 ** digits;
        s =
          digits === 1
            ? String(y % mod === 0 ? 0 : y % mod)
            : zpad(y % mod, fm ? 0 : adjYear(f.year) >= 0 ? digits : digits + 1);
        break;
      }
      case 'RM': {
        if (!f.mon && !f.year) {
          s = '';
          break;
        }
        // rm_months_upper runs December to January; interval months may be negative
        let i: number;
        if (f.mon === 0) i = f.year >= 0 ? 0 : 11;
        else if (f.mon < 0) i = -1 * (f.mon + 1);
        else i = 12 - f.mon;
        s = ROMAN[11 - i]!;
        if (isLower) s = s.toLowerCase();
        if (!fm) s = s.padEnd(4, ' ');
        break;
      }
      case 'W':
        s = String(Math.trunc((f.mday - 1) / 7) + 1);
        break;
      case 'J':
        s = String(date2j(f.year, f.mon, f.mday));
        break;
      case 'FX':
        s = '';
        break;
      default:
        s = '';
    }
    if (n.th && s !== '' && /\d$/.test(s)) s = numTh(s, n.th === 1);
    out += s;
  }
  return out;
}
