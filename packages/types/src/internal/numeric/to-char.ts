/**
 * to_char(numeric | integer | bigint, text): PostgreSQL's formatting.c
 * number templates (NUM_prepare / NUM_processor / NUM_numpart_to_char) in
 * the C locale: 9 0 . D , G S MI PL SG and the FM prefix; other characters
 * are copied. The templates not here (PR, L, RN, TH, V, EEEE, B) raise
 * 0A000.
 */
import { SqlError, SqlState } from '../core/errors.js';
import { numericRound } from './math.js';
import { type Numeric, numericToString } from './value.js';

interface NumFormat {
  readonly items: readonly ({ kind: 'key'; id: NumKey } | { kind: 'char'; text: string })[];
  pre: number;
  post: number;
  decimal: boolean;
  zero: boolean;
  zeroStart: number;
  zeroEnd: number;
  fillMode: boolean;
  minus: boolean;
  plus: boolean;
  lsign: 'none' | 'pre' | 'post';
  preLsignNum: number;
}

type NumKey = '9' | '0' | '.' | 'D' | ',' | 'G' | 'S' | 'MI' | 'PL' | 'SG' | 'FM';

const KEYS: readonly NumKey[] = ['FM', 'MI', 'PL', 'SG', '9', '0', '.', 'D', ',', 'G', 'S'];
const UNSUPPORTED = ['PR', 'RN', 'TH', 'EEEE', 'L', 'V', 'B', 'SP', 'C', 'E'];

function syntax(message: string): SqlError {
  return new SqlError(SqlState.SYNTAX_ERROR, message);
}

/** NUM_prepare: the template's keywords and what they say about the number. */
function parseFormat(fmt: string): NumFormat {
  const f: NumFormat = {
    items: [],
    pre: 0,
    post: 0,
    decimal: false,
    zero: false,
    zeroStart: 0,
    zeroEnd: 0,
    fillMode: false,
    minus: false,
    plus: false,
    lsign: 'none',
    preLsignNum: 0,
  };
  const items = f.items as NumFormat['items'][number][];
  let i = 0;
  while (i < fmt.length) {
    const rest = fmt.slice(i);
    const upper = rest.toUpperCase();
    // the longest keyword wins ('SP' over 'S', 'SG' over 'S')
    let key = KEYS.find((k) => upper.startsWith(k));
    const bad = UNSUPPORTED.find((k) => upper.startsWith(k));
    if (bad !== undefined && (key === undefined || bad.length > key.length)) key = undefined;
    if (key === undefined && bad !== undefined) {
      throw new SqlError(
        SqlState.FEATURE_NOT_SUPPORTED,
        `the "${bad}" number format pattern is not supported yet`,
      );
    }
    if (key === undefined && fmt[i] === '"') {
      // a double-quoted literal (a backslash escapes the next character)
      i++;
      while (i < fmt.length && fmt[i] !== '"') {
        if (fmt[i] === '\\' && i + 1 < fmt.length) i++;
        items.push({ kind: 'char', text: fmt[i]! });
        i++;
      }
      i++;
      continue;
    }
    if (key === undefined) {
      items.push({ kind: 'char', text: fmt[i]! });
      i++;
      continue;
    }
    i += key.length;
    switch (key) {
      case 'FM':
        f.fillMode = true;
        continue;
      case '9':
        if (f.decimal) f.post++;
        else f.pre++;
        break;
      case '0':
        if (!f.zero && !f.decimal) {
          f.zero = true;
          f.zeroStart = f.pre + 1;
        }
        if (f.decimal) f.post++;
        else f.pre++;
        f.zeroEnd = f.pre + f.post;
        break;
      case '.':
      case 'D':
        if (f.decimal) throw syntax('multiple decimal points');
        f.decimal = true;
        break;
      case 'S':
        if (f.lsign !== 'none') throw syntax('cannot use "S" twice');
        if (f.plus || f.minus) throw syntax('cannot use "S" and "PL"/"MI"/"SG"/"PR" together');
        if (!f.decimal) {
          f.lsign = 'pre';
          f.preLsignNum = f.pre;
        } else f.lsign = 'post';
        break;
      case 'MI':
        if (f.lsign !== 'none') throw syntax('cannot use "S" and "MI" together');
        f.minus = true;
        break;
      case 'PL':
        if (f.lsign !== 'none') throw syntax('cannot use "S" and "PL" together');
        f.plus = true;
        break;
      case 'SG':
        if (f.lsign !== 'none') throw syntax('cannot use "S" and "SG" together');
        f.minus = true;
        f.plus = true;
        break;
    }
    items.push({ kind: 'key', id: key });
  }
  return f;
}

/** numeric_to_char. */
export function numericToChar(value: Numeric, fmt: string): string {
  const f = parseFormat(fmt);
  const rounded = numericToString(numericRound(value, f.post));
  return render(f, rounded);
}

/** int4_to_char / int8_to_char: the digits, then '.' and `post` zeros. */
export function integerToChar(value: number | bigint, fmt: string): string {
  const f = parseFormat(fmt);
  const digits = String(value);
  return render(f, f.post > 0 ? `${digits}.${'0'.repeat(f.post)}` : digits);
}

/** The sign, the padding and NUM_processor over the number's text. */
function render(f: NumFormat, orgnum: string): string {
  let sign: '+' | '-' = '+';
  let numstr = orgnum;
  if (numstr.startsWith('-')) {
    sign = '-';
    numstr = numstr.slice(1);
  }
  const dot = numstr.indexOf('.');
  const preLen = dot >= 0 ? dot : numstr.length;
  let outPreSpaces = 0;
  if (preLen < f.pre) outPreSpaces = f.pre - preLen;
  else if (preLen > f.pre) {
    const hashes = '#'.repeat(f.pre + f.post + 1).split('');
    hashes[f.pre] = '.';
    numstr = hashes.join('');
  }
  return processor(f, numstr, outPreSpaces, sign);
}

function processor(f: NumFormat, number: string, outPreSpaces: number, sign: '+' | '-'): string {
  let out = '';
  let signWrote: boolean;
  let lsign = f.lsign;
  if (f.plus || f.minus) signWrote = !(f.plus && !f.minus);
  else {
    signWrote = sign === '+' && f.fillMode && lsign === 'none';
    if (lsign === 'pre' && f.pre === f.preLsignNum) lsign = 'post';
  }
  let numCount = f.post + f.pre - 1;
  // get_last_relevant_decnum, keeping the digits '0' templates ask for
  let lastRelevant: number | undefined;
  if (f.fillMode && f.decimal) {
    const p = number.indexOf('.');
    if (p >= 0) {
      lastRelevant = p;
      for (let k = p + 1; k < number.length; k++) if (number[k] !== '0') lastRelevant = k;
      if (f.zeroEnd > outPreSpaces) {
        const lastZero = f.zeroEnd - outPreSpaces;
        if (lastRelevant < lastZero) lastRelevant = lastZero;
      }
    }
  }
  if (!signWrote && outPreSpaces === 0) numCount++;
  // zero_start counted from 1 in NUM_prepare, from 0 here
  const zeroStart = f.zeroStart > 0 ? f.zeroStart - 1 : 0;
  let numIn = false;
  let numCurr = 0;
  let p = 0; // number_p
  const at = (k: number) => number[k] ?? '';
  const predecSpace = () => !f.zero && p === 0 && number[0] === '0' && f.post !== 0;

  const numpart = (id: NumKey) => {
    numIn = false;
    if (
      !signWrote &&
      (numCurr >= outPreSpaces || (f.zero && zeroStart === numCurr)) &&
      (!predecSpace() || (lastRelevant !== undefined && at(lastRelevant) === '.'))
    ) {
      if (lsign !== 'none') {
        if (lsign === 'pre') {
          out += sign;
          signWrote = true;
        }
      } else if (sign === '+') {
        if (!f.fillMode) out += ' ';
        signWrote = true;
      } else {
        out += '-';
        signWrote = true;
      }
    }
    if (numCurr < outPreSpaces && (zeroStart > numCurr || !f.zero)) {
      if (!f.fillMode) out += ' ';
    } else if (f.zero && numCurr < outPreSpaces && zeroStart <= numCurr) {
      out += '0';
      numIn = true;
    } else {
      if (at(p) === '.') {
        if (lastRelevant === undefined || at(lastRelevant) !== '.') out += '.';
        else if (f.fillMode) out += '.';
      } else if (lastRelevant !== undefined && p > lastRelevant && id !== '0') {
        // FM: a trailing zero left out
      } else if (predecSpace()) {
        if (!f.fillMode) out += ' ';
        else if (lastRelevant !== undefined && at(lastRelevant) === '.') out += '0';
      } else {
        // past the number's end PostgreSQL copies its terminating NUL, which ends the text
        out += p < number.length ? at(p) : '\0';
        numIn = true;
      }
      if (p < number.length) p++;
    }
    let end = numCount + (outPreSpaces ? 1 : 0) + (f.decimal ? 1 : 0);
    if (lastRelevant !== undefined && lastRelevant === p) end = numCurr;
    if (numCurr + 1 === end && lsign === 'post') out += sign;
    numCurr++;
  };

  for (const item of f.items) {
    if (item.kind === 'char') {
      out += item.text;
      continue;
    }
    switch (item.id) {
      case '9':
      case '0':
      case '.':
      case 'D':
        numpart(item.id);
        break;
      case ',':
      case 'G':
        if (numIn) out += ',';
        else if (!f.fillMode) out += ' ';
        break;
      case 'MI':
        if (sign === '-') out += '-';
        else if (!f.fillMode) out += ' ';
        break;
      case 'PL':
        if (sign === '+') out += '+';
        else if (!f.fillMode) out += ' ';
        break;
      case 'SG':
        out += sign;
        break;
      case 'S':
        // written with the digits (lsign)
        break;
    }
  }
  const nul = out.indexOf('\0');
  return nul >= 0 ? out.slice(0, nul) : out;
}
