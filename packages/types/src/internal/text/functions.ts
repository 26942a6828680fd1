/**
 * The string functions of varlena.c, oracle_compat.c and friends, over
 * JavaScript strings (positions and lengths in characters, i.e. code
 * points) and Uint8Array for bytea. Each follows PostgreSQL 15's rules for
 * out-of-range arguments and raises its SQLSTATE and message.
 */
import { createHash } from 'node:crypto';
import { SqlError, SqlState } from '../core/errors.js';
import { utf8 } from '../core/wire.js';
import { hexDecode, hexEncode } from './bytea.js';
import { charLength, charPrefix } from './chars.js';
import { asciiLower } from './like.js';
import { checkText } from './text.js';

/** MaxAllocSize - VARHDRSZ: the largest result repeat() and lpad() may build. */
const MAX_ALLOC = 0x3fffffff;

function tooLarge(): SqlError {
  return new SqlError(SqlState.PROGRAM_LIMIT_EXCEEDED, 'requested length too large');
}

/** The code points of a string, as strings. */
function chars(s: string): string[] {
  return Array.from(s);
}

/** upper() in the "C" locale: ASCII letters only. */
export function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

export { asciiLower };

/** initcap() in the "C" locale (asc_initcap): only ASCII letters and digits make words. */
export function initcap(s: string): string {
  let out = '';
  let wasAlnum = false;
  for (const ch of s) {
    const c = wasAlnum ? asciiLower(ch) : asciiUpper(ch);
    out += c;
    wasAlnum = /^[A-Za-z0-9]$/.test(c);
  }
  return out;
}

/**
 * text_substring: characters start .. start+length-1 (1-based); a start
 * below 1 shortens the result; no length means to the end.
 */
export function substring(s: string, start: number, length?: number): string {
  return substringOf(chars(s), start, length).join('');
}

function substringOf<T>(items: readonly T[], start: number, length?: number): readonly T[] {
  const s1 = Math.max(start, 1);
  if (length === undefined) return items.slice(s1 - 1);
  if (length < 0) {
    throw new SqlError(SqlState.SUBSTRING_ERROR, 'negative substring length not allowed');
  }
  const end = start + length;
  if (end < 1) return [];
  return items.slice(s1 - 1, Math.max(end - 1, s1 - 1));
}

/** bytea_substring. */
export function byteaSubstring(b: Uint8Array, start: number, length?: number): Uint8Array {
  const s1 = Math.max(start, 1);
  if (length === undefined) return b.slice(s1 - 1);
  if (length < 0) {
    throw new SqlError(SqlState.SUBSTRING_ERROR, 'negative substring length not allowed');
  }
  const end = start + length;
  if (end < 1) return new Uint8Array(0);
  return b.slice(s1 - 1, Math.max(end - 1, s1 - 1));
}

/** textpos / strpos: 1-based character position of `needle`, 0 when absent (1 for ''). */
export function strpos(s: string, needle: string): number {
  const at = s.indexOf(needle);
  return at < 0 ? 0 : charLength(s.slice(0, at)) + 1;
}

/** byteapos. */
export function byteaPosition(s: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 1;
  outer: for (let i = 0; i + needle.length <= s.length; i++) {
    for (let j = 0; j < needle.length; j++) if (s[i + j] !== needle[j]) continue outer;
    return i + 1;
  }
  return 0;
}

/** replace_text. */
export function replace(s: string, from: string, to: string): string {
  if (from === '' || s === '') return s;
  return s.split(from).join(to);
}

/** split_part (negative field numbers count from the end, PostgreSQL 14+). */
export function splitPart(s: string, delimiter: string, field: number): string {
  if (field === 0) {
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, 'field position must not be zero');
  }
  if (s === '') return '';
  if (delimiter === '') return field === 1 || field === -1 ? s : '';
  const parts = s.split(delimiter);
  const i = field > 0 ? field - 1 : parts.length + field;
  return parts[i] ?? '';
}

/** btrim / ltrim / rtrim with a set of characters (default a space). */
export function trim(s: string, set: string, leading: boolean, trailing: boolean): string {
  if (s === '' || set === '') return s;
  const members = new Set(chars(set));
  const cs = chars(s);
  let a = 0;
  let b = cs.length;
  if (leading) while (a < b && members.has(cs[a]!)) a++;
  if (trailing) while (b > a && members.has(cs[b - 1]!)) b--;
  return cs.slice(a, b).join('');
}

/** byteatrim / bytealtrim / byteartrim. */
export function byteaTrim(
  s: Uint8Array,
  set: Uint8Array,
  leading: boolean,
  trailing: boolean,
): Uint8Array {
  if (s.length === 0 || set.length === 0) return s;
  const members = new Set(set);
  let a = 0;
  let b = s.length;
  if (leading) while (a < b && members.has(s[a]!)) a++;
  if (trailing) while (b > a && members.has(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** lpad / rpad: to `len` characters, cutting a longer string. */
export function pad(s: string, len: number, fill: string, left: boolean): string {
  const cs = chars(s);
  const fs = chars(fill);
  let n = Math.max(len, 0);
  const keep = Math.min(cs.length, n);
  if (fs.length === 0) n = keep; // nothing to pad with
  // The worst-case size check of lpad/rpad: 4 bytes per character plus the header.
  if (n * 4 + 4 > MAX_ALLOC) throw tooLarge();
  let padding = '';
  for (let i = 0; i < n - keep; i++) padding += fs[i % fs.length]!;
  const head = cs.slice(0, keep).join('');
  return left ? padding + head : head + padding;
}

/** text_left: the first n characters; negative n drops |n| from the end. */
export function left(s: string, n: number): string {
  const cs = chars(s);
  return (n >= 0 ? cs.slice(0, n) : cs.slice(0, Math.max(cs.length + n, 0))).join('');
}

/** text_right: the last n characters; negative n drops |n| from the start. */
export function right(s: string, n: number): string {
  const cs = chars(s);
  return (n >= 0 ? cs.slice(Math.max(cs.length - n, 0)) : cs.slice(Math.min(-n, cs.length))).join(
    '',
  );
}

/** repeat. */
export function repeat(s: string, n: number): string {
  if (n <= 0 || s === '') return '';
  if (utf8(s).length * n > MAX_ALLOC - 4) throw tooLarge();
  return s.repeat(n);
}

/** text_reverse, by characters. */
export function reverse(s: string): string {
  return chars(s).reverse().join('');
}

/** ascii: the code point of the first character, 0 for ''. */
export function ascii(s: string): number {
  return s.length === 0 ? 0 : s.codePointAt(0)!;
}

/** chr. */
export function chr(n: number): string {
  if (n < 0) {
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, 'character number must be positive');
  }
  if (n === 0) {
    throw new SqlError(SqlState.PROGRAM_LIMIT_EXCEEDED, 'null character not permitted');
  }
  if (n > 0x10ffff) {
    throw new SqlError(
      SqlState.PROGRAM_LIMIT_EXCEEDED,
      `requested character too large for encoding: ${n}`,
    );
  }
  if (n >= 0xd800 && n <= 0xdfff) {
    throw new SqlError(
      SqlState.PROGRAM_LIMIT_EXCEEDED,
      `requested character not valid for encoding: ${n}`,
    );
  }
  return String.fromCodePoint(n);
}

/** to_hex32 / to_hex64: two's complement, lowercase. */
export function toHex(n: number | bigint, bits: 32 | 64): string {
  return BigInt.asUintN(bits, BigInt(n)).toString(16);
}

/** md5_text / md5_bytea: lowercase hex. */
export function md5(data: string | Uint8Array): string {
  return createHash('md5')
    .update(typeof data === 'string' ? utf8(data) : data)
    .digest('hex');
}

/** quote_literal: single quotes doubled; with backslashes doubled and an E prefix. */
export function quoteLiteral(s: string): string {
  const body = s.replace(/'/g, "''");
  return s.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

/** The encoding names of encode()/decode(). */
function encodingOf(name: string): 'hex' | 'base64' | 'escape' {
  const n = asciiLower(name);
  if (n === 'hex' || n === 'base64' || n === 'escape') return n;
  throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, `unrecognized encoding: "${name}"`);
}

/** binary_encode. */
export function encode(b: Uint8Array, format: string): string {
  switch (encodingOf(format)) {
    case 'hex':
      return hexEncode(b);
    case 'base64':
      return base64Encode(b);
    default:
      return escapeEncode(b);
  }
}

/** binary_decode. */
export function decode(s: string, format: string): Uint8Array {
  switch (encodingOf(format)) {
    case 'hex':
      return hexDecode(s);
    case 'base64':
      return base64Decode(s);
    default:
      return escapeDecode(s);
  }
}

/** pg_base64_encode: a newline after every 76 characters of whole groups. */
function base64Encode(b: Uint8Array): string {
  const whole = b.length - (b.length % 3);
  const body = Buffer.from(b.subarray(0, whole)).toString('base64');
  let out = '';
  for (let i = 0; i < body.length; i += 76) {
    const line = body.slice(i, i + 76);
    out += line.length === 76 ? `${line}\n` : line;
  }
  return out + Buffer.from(b.subarray(whole)).toString('base64');
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** pg_base64_decode, including its leniency after the first '='. */
function base64Decode(s: string): Uint8Array {
  const out: number[] = [];
  let buf = 0;
  let pos = 0;
  let end = 0;
  for (const ch of s) {
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') continue;
    let b = 0;
    if (ch === '=') {
      if (end === 0) {
        if (pos === 2) end = 1;
        else if (pos === 3) end = 2;
        else {
          throw new SqlError(
            SqlState.INVALID_PARAMETER_VALUE,
            'unexpected "=" while decoding base64 sequence',
          );
        }
      }
    } else {
      b = B64.indexOf(ch);
      if (b < 0 || ch.length !== 1) {
        throw new SqlError(
          SqlState.INVALID_PARAMETER_VALUE,
          `invalid symbol "${ch}" found while decoding base64 sequence`,
        );
      }
    }
    buf = ((buf << 6) + b) >>> 0;
    pos++;
    if (pos === 4) {
      out.push((buf >> 16) & 255);
      if (end === 0 || end > 1) out.push((buf >> 8) & 255);
      if (end === 0 || end > 2) out.push(buf & 255);
      buf = 0;
      pos = 0;
    }
  }
  if (pos !== 0) {
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, 'invalid base64 end sequence', {
      hint: 'Input data is missing padding, is truncated, or is otherwise corrupted.',
    });
  }
  return new Uint8Array(out);
}

/** esc_encode: NUL, backslash and bytes with the high bit set are escaped. */
function escapeEncode(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0) s += '\\000';
    else if (c === 0x5c) s += '\\\\';
    else if (c >= 0x80) s += `\\${c.toString(8)}`;
    else s += String.fromCharCode(c);
  }
  return s;
}

/** esc_decode. */
function escapeDecode(s: string): Uint8Array {
  const bytes = utf8(s);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b !== 0x5c) {
      out.push(b);
      i++;
      continue;
    }
    const o = (k: number, max: number) => {
      const c = bytes[i + k];
      return c !== undefined && c >= 0x30 && c <= max;
    };
    if (o(1, 0x33) && o(2, 0x37) && o(3, 0x37)) {
      out.push(
        ((bytes[i + 1]! - 0x30) << 6) | ((bytes[i + 2]! - 0x30) << 3) | (bytes[i + 3]! - 0x30),
      );
      i += 4;
    } else if (bytes[i + 1] === 0x5c) {
      out.push(0x5c);
      i += 2;
    } else {
      throw new SqlError(
        SqlState.INVALID_TEXT_REPRESENTATION,
        'invalid input syntax for type bytea',
      );
    }
  }
  return new Uint8Array(out);
}

/** byteaGetByte. */
export function getByte(b: Uint8Array, n: number): number {
  if (n < 0 || n >= b.length) {
    throw new SqlError(
      SqlState.ARRAY_SUBSCRIPT_ERROR,
      `index ${n} out of valid range, 0..${b.length - 1}`,
    );
  }
  return b[n]!;
}

/** byteaSetByte. */
export function setByte(b: Uint8Array, n: number, value: number): Uint8Array {
  getByte(b, n);
  const out = b.slice();
  out[n] = value & 0xff;
  return out;
}

/** textcat with the NUL check of text. */
export function concatText(a: string, b: string): string {
  return checkText(a + b);
}

export { charLength, charPrefix };

/** textoverlay: `overlay(s placing t from start for count)`. */
export function overlay(s: string, placing: string, start: number, count?: number): string {
  const n = count ?? charLength(placing);
  const end = overlayEnd(start, n);
  return substring(s, 1, start - 1) + placing + substring(s, end);
}

/** byteaoverlay. */
export function byteaOverlay(
  s: Uint8Array,
  placing: Uint8Array,
  start: number,
  count?: number,
): Uint8Array {
  const end = overlayEnd(start, count ?? placing.length);
  const head = byteaSubstring(s, 1, start - 1);
  const tail = byteaSubstring(s, end);
  const out = new Uint8Array(head.length + placing.length + tail.length);
  out.set(head);
  out.set(placing, head.length);
  out.set(tail, head.length + placing.length);
  return out;
}

function overlayEnd(start: number, count: number): number {
  if (start <= 0) {
    throw new SqlError(SqlState.SUBSTRING_ERROR, 'negative substring length not allowed');
  }
  const end = start + count;
  if (end > 2147483647 || end < -2147483648) {
    throw new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'integer out of range');
  }
  return end;
}

/** translate: each character of `from` becomes the one at its position in `to`, or goes. */
export function translate(s: string, from: string, to: string): string {
  const f = chars(from);
  const t = chars(to);
  let out = '';
  for (const ch of s) {
    const i = f.indexOf(ch);
    if (i < 0) out += ch;
    else if (i < t.length) out += t[i]!;
  }
  return out;
}

/** Keywords that quote_ident must quote (every category but unreserved), PostgreSQL 15. */
const QUOTED_KEYWORDS = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization between bigint binary bit ' +
    'boolean both case cast char character check coalesce collate collation column concurrently ' +
    'constraint create cross current_catalog current_date current_role current_schema ' +
    'current_time current_timestamp current_user dec decimal default deferrable desc distinct do ' +
    'else end except exists extract false fetch float for foreign freeze from full grant greatest ' +
    'group grouping having ilike in initially inner inout int integer intersect interval into is ' +
    'isnull join lateral leading least left like limit localtime localtimestamp national natural ' +
    'nchar none normalize not notnull null nullif numeric offset on only or order out outer ' +
    'overlaps overlay placing position precision primary real references returning right row ' +
    'select session_user setof similar smallint some substring symmetric table tablesample then ' +
    'time timestamp to trailing treat trim true union unique user using values varchar variadic ' +
    'verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest ' +
    'xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable'
  ).split(' '),
);

/** quote_ident (quote_identifier): quoted unless a lowercase identifier and no keyword. */
export function quoteIdent(s: string): string {
  const safe = /^[a-z_][a-z0-9_]*$/.test(s) && !QUOTED_KEYWORDS.has(s);
  return safe ? s : `"${s.replace(/"/g, '""')}"`;
}

/** sha224 ... sha512 of bytea. */
export function sha(bits: 224 | 256 | 384 | 512, b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(`sha${bits}`).update(b).digest());
}

/** byteaGetBit: bit n, counting from the least significant bit of the first byte. */
export function getBit(b: Uint8Array, n: bigint): number {
  const total = BigInt(b.length) * 8n;
  if (n < 0n || n >= total) {
    throw new SqlError(
      SqlState.ARRAY_SUBSCRIPT_ERROR,
      `index ${n} out of valid range, 0..${total - 1n}`,
    );
  }
  const i = Number(n);
  return (b[i >> 3]! >> (i & 7)) & 1;
}

/** byteaSetBit. */
export function setBit(b: Uint8Array, n: bigint, value: number): Uint8Array {
  getBit(b, n);
  if (value !== 0 && value !== 1) {
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, 'new bit must be 0 or 1');
  }
  const i = Number(n);
  const out = b.slice();
  out[i >> 3] = value ? out[i >> 3]! | (1 << (i & 7)) : out[i >> 3]! & ~(1 << (i & 7));
  return out;
}

/** An argument of format(): its value (null for NULL) and how to print it. */
export interface FormatArg {
  readonly value: unknown;
  /** The type's output function applied to the value. */
  readonly print: () => string;
  /** The value as an int4 when it is one (for widths given by `*`). */
  readonly int4?: number;
}

const FORMAT_HINT = 'For a single "%" use "%%".';

function formatError(message: string, hint?: string): SqlError {
  return new SqlError(SqlState.INVALID_PARAMETER_VALUE, message, hint ? { hint } : {});
}

/** text_format: format(fmt, args...) with %s, %I, %L, positions, '-' and widths. */
export function format(fmt: string, args: readonly FormatArg[]): string {
  const cs = Array.from(fmt);
  let out = '';
  let next = 0; // index into args of the next implicit argument
  let i = 0;
  const advance = () => {
    i++;
    if (i >= cs.length) throw formatError('unterminated format() type specifier', FORMAT_HINT);
  };
  const digits = (): number | undefined => {
    let found = false;
    let v = 0;
    while (cs[i] !== undefined && cs[i]! >= '0' && cs[i]! <= '9') {
      v = v * 10 + Number(cs[i]);
      if (v > 2147483647) {
        throw new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'number is out of range');
      }
      advance();
      found = true;
    }
    return found ? v : undefined;
  };
  const take = (position: number | undefined): FormatArg => {
    if (position !== undefined) next = position - 1;
    const a = args[next];
    if (a === undefined) throw formatError('too few arguments for format()');
    next++;
    return a;
  };
  for (; i < cs.length; i++) {
    if (cs[i] !== '%') {
      out += cs[i];
      continue;
    }
    advance();
    if (cs[i] === '%') {
      out += '%';
      continue;
    }
    let argPos: number | undefined;
    let widthPos: number | undefined;
    let widthFromArg = false;
    let minus = false;
    let width = 0;
    const first = digits();
    let done = false;
    if (first !== undefined) {
      if (cs[i] !== '$') {
        width = first;
        done = true;
      } else {
        if (first === 0) {
          throw formatError('format specifies argument 0, but arguments are numbered from 1');
        }
        argPos = first;
        advance();
      }
    }
    if (!done) {
      while (cs[i] === '-') {
        minus = true;
        advance();
      }
      if (cs[i] === '*') {
        advance();
        widthFromArg = true;
        const n = digits();
        if (n !== undefined) {
          if (cs[i] !== '$') throw formatError('width argument position must be ended by "$"');
          if (n === 0) {
            throw formatError('format specifies argument 0, but arguments are numbered from 1');
          }
          widthPos = n;
          advance();
        }
      } else {
        width = digits() ?? 0;
      }
    }
    const conv = cs[i]!;
    if (conv !== 's' && conv !== 'I' && conv !== 'L') {
      throw formatError(`unrecognized format() type specifier "${conv}"`, FORMAT_HINT);
    }
    if (widthFromArg) {
      const w = take(widthPos);
      if (w.value === null) width = 0;
      else if (w.int4 !== undefined) width = w.int4;
      else width = parseInt4(w.print());
    }
    const a = take(argPos);
    let str: string;
    if (a.value === null) {
      if (conv === 'I') {
        throw new SqlError(
          SqlState.NULL_VALUE_NOT_ALLOWED,
          'null values cannot be formatted as an SQL identifier',
        );
      }
      str = conv === 'L' ? 'NULL' : '';
    } else {
      const s = a.print();
      str = conv === 'I' ? quoteIdent(s) : conv === 'L' ? quoteLiteral(s) : s;
    }
    out += justify(str, width, minus);
  }
  return out;
}

function justify(s: string, width: number, minus: boolean): string {
  if (width === 0) return s;
  let left = minus;
  let w = width;
  if (w < 0) {
    if (w <= -2147483648) {
      throw new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'number is out of range');
    }
    left = true;
    w = -w;
  }
  const len = charLength(s);
  if (len >= w) return s;
  return left ? s + ' '.repeat(w - len) : ' '.repeat(w - len) + s;
}

/** pg_strtoint32 for a width given as another type's text. */
function parseInt4(s: string): number {
  const m = /^\s*([+-]?\d+)\s*$/.exec(s);
  if (!m) {
    throw new SqlError(
      SqlState.INVALID_TEXT_REPRESENTATION,
      `invalid input syntax for type integer: "${s}"`,
    );
  }
  const n = Number(m[1]);
  if (n < -2147483648 || n > 2147483647) {
    throw new SqlError(
      SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
      `value "${s}" is out of range for type integer`,
    );
  }
  return n;
}
