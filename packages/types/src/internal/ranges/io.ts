/**
 * The text form of ranges (range_in / range_out: range_parse,
 * range_parse_bound, range_deparse, range_bound_escape).
 *
 *     empty | ( '[' | '(' ) bound ',' bound ( ']' | ')' )
 *
 * A bound is empty (infinite), or characters up to an unquoted `,` `)` or
 * `]`; double quotes group (a doubled `""` inside them is one quote) and a
 * backslash takes the next character literally. Leading and trailing
 * whitespace around the whole literal is allowed; inside a bound it is
 * part of the value (the subtype's input decides).
 */
import { SqlError, SqlState } from '../core/errors.js';

/** What range_parse found: flags as booleans, and each bound's text (null: infinite). */
export interface ParsedRange {
  readonly empty: boolean;
  readonly lowerInc: boolean;
  readonly upperInc: boolean;
  readonly lower: string | null;
  readonly upper: string | null;
}

/** `malformed range literal: "..."` (22P02) with its DETAIL. */
export function malformedRange(text: string, detail: string): SqlError {
  return new SqlError(SqlState.INVALID_TEXT_REPRESENTATION, `malformed range literal: "${text}"`, {
    detail,
  });
}

/** isspace() in the C locale. */
function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\v' || ch === '\f';
}

function parseBound(text: string, start: number): { value: string | null; pos: number } {
  let pos = start;
  const first = text[pos];
  if (first === ',' || first === ')' || first === ']') return { value: null, pos };
  let out = '';
  let inQuote = false;
  for (;;) {
    const c = text[pos];
    if (!inQuote && (c === ',' || c === ')' || c === ']')) break;
    pos++;
    if (c === undefined) throw malformedRange(text, 'Unexpected end of input.');
    if (c === '\\') {
      const next = text[pos];
      if (next === undefined) throw malformedRange(text, 'Unexpected end of input.');
      out += next;
      pos++;
    } else if (c === '"') {
      if (!inQuote) inQuote = true;
      else if (text[pos] === '"') {
        out += '"';
        pos++;
      } else inQuote = false;
    } else out += c;
  }
  return { value: out, pos };
}

/** range_parse. Throws 22P02 with PostgreSQL's DETAIL. */
export function parseRange(text: string): ParsedRange {
  let pos = 0;
  while (pos < text.length && isSpace(text[pos])) pos++;
  if (text.slice(pos, pos + 5).toLowerCase() === 'empty') {
    pos += 5;
    while (pos < text.length && isSpace(text[pos])) pos++;
    if (pos < text.length) throw malformedRange(text, 'Junk after "empty" key word.');
    return { empty: true, lowerInc: false, upperInc: false, lower: null, upper: null };
  }
  let lowerInc = false;
  if (text[pos] === '[') {
    lowerInc = true;
    pos++;
  } else if (text[pos] === '(') pos++;
  else throw malformedRange(text, 'Missing left parenthesis or bracket.');
  const lower = parseBound(text, pos);
  pos = lower.pos;
  if (text[pos] === ',') pos++;
  else throw malformedRange(text, 'Missing comma after lower bound.');
  const upper = parseBound(text, pos);
  pos = upper.pos;
  let upperInc = false;
  if (text[pos] === ']') {
    upperInc = true;
    pos++;
  } else if (text[pos] === ')') pos++;
  else throw malformedRange(text, 'Too many commas.');
  while (pos < text.length && isSpace(text[pos])) pos++;
  if (pos < text.length) throw malformedRange(text, 'Junk after right parenthesis or bracket.');
  return { empty: false, lowerInc, upperInc, lower: lower.value, upper: upper.value };
}

/** range_bound_escape: quotes a bound's text when it is empty or holds a special character. */
export function escapeBound(value: string): string {
  let quote = value === '';
  let out = '';
  for (const ch of value) {
    if (
      ch === '"' ||
      ch === '\\' ||
      ch === '(' ||
      ch === ')' ||
      ch === '[' ||
      ch === ']' ||
      ch === ',' ||
      isSpace(ch)
    ) {
      quote = true;
    }
    if (ch === '"' || ch === '\\') out += ch;
    out += ch;
  }
  return quote ? `"${out}"` : out;
}

/** range_deparse: `empty`, or brackets around the escaped bounds (nothing for an infinite one). */
export function deparseRange(r: {
  readonly empty: boolean;
  readonly lowerInc: boolean;
  readonly upperInc: boolean;
  readonly lower: string | null;
  readonly upper: string | null;
}): string {
  if (r.empty) return 'empty';
  const l = r.lower === null ? '' : escapeBound(r.lower);
  const u = r.upper === null ? '' : escapeBound(r.upper);
  return `${r.lowerInc ? '[' : '('}${l},${u}${r.upperInc ? ']' : ')'}`;
}
