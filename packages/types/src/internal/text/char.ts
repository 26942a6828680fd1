/**
 * "char" (OID 18): PostgreSQL's one-byte internal type, used by the system
 * catalogs (pg_class.relkind, pg_type.typalign, ...). The JavaScript value
 * is a string of zero or one character whose code is the byte (0..255);
 * '' is the zero byte.
 *
 * As PostgreSQL 15's charin/charout: input takes the first byte of the
 * UTF-8 text (or the byte written as a backslash and three octal digits);
 * output prints bytes with the high bit set as a backslash and three octal
 * digits, the zero byte as ''. Ordering is by unsigned byte.
 */

import { fn, registerComparisons } from '../core/define.js';
import { SqlError, SqlState } from '../core/errors.js';
import { hashInt32 } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import type { PgType } from '../core/type.js';
import { readWhole, utf8 } from '../core/wire.js';

const OCTAL = /^\\([0-7])([0-7])([0-7])$/;

const byteOf = (v: string): number => (v.length === 0 ? 0 : v.charCodeAt(0));
const fromByte = (b: number): string => (b === 0 ? '' : String.fromCharCode(b));

/** charin. */
export function charIn(text: string): string {
  const m = OCTAL.exec(text);
  if (m) return fromByte(Number.parseInt(`${m[1]}${m[2]}${m[3]}`, 8) & 0xff);
  return fromByte(utf8(text)[0] ?? 0);
}

/** charout. */
export function charOut(v: string): string {
  const b = byteOf(v);
  if (b === 0) return '';
  if (b >= 0x80) return `\\${b.toString(8).padStart(3, '0')}`;
  return String.fromCharCode(b);
}

/** i4tochar: -128..127 (negative values are the high bytes). */
export function int4ToChar(n: number): string {
  if (n < -128 || n > 127)
    throw new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, '"char" out of range');
  return fromByte(n & 0xff);
}

/** chartoi4: the byte as a signed char, as PostgreSQL does. */
export function charToInt4(v: string): number {
  const b = byteOf(v);
  return b >= 0x80 ? b - 256 : b;
}

export const charType: PgType<string> = {
  name: 'char',
  displayName: '"char"',
  oid: TypeOid.char,
  arrayOid: 1002,
  elemOid: 0,
  len: 1,
  byVal: true,
  align: 'c',
  storage: 'p',
  category: 'Z',
  preferred: false,
  input: (text) => charIn(text),
  output: charOut,
  send: (v) => Uint8Array.of(byteOf(v)),
  receive: (bytes) => readWhole(bytes, (r) => fromByte(r.uint8())),
  encode: (v) => Uint8Array.of(byteOf(v)),
  decode: (bytes) => fromByte(bytes[0] ?? 0),
  compare: (a, b) => byteOf(a) - byteOf(b),
  hash: (v) => hashInt32(byteOf(v)),
};

/** Registers "char", its comparisons and PostgreSQL's casts to and from it. */
export function registerChar(r: Registry): void {
  const { char, text, bpchar, varchar, int4 } = TypeOid;
  r.addType(charType);
  registerComparisons(r, charType, 'char', 'btcharcmp');
  fn(r, 'text', [char], text, ([c]: string[]) => charOut(c!));
  fn(r, 'bpchar', [char], bpchar, ([c]: string[]) => charOut(c!));
  fn(r, 'char', [text], char, ([t]: string[]) => charIn(t!));
  fn(r, 'int4', [char], int4, ([c]: string[]) => charToInt4(c!));
  fn(r, 'char', [int4], char, ([n]: number[]) => int4ToChar(n!));
  const viaText = (v: unknown) => charOut(v as string);
  r.addCast({ source: char, target: text, context: 'i', method: 'f', fn: viaText });
  r.addCast({ source: char, target: bpchar, context: 'a', method: 'f', fn: viaText });
  r.addCast({ source: char, target: varchar, context: 'a', method: 'f', fn: viaText });
  for (const source of [text, bpchar, varchar]) {
    r.addCast({ source, target: char, context: 'a', method: 'f', fn: (v) => charIn(v as string) });
  }
  r.addCast({
    source: char,
    target: int4,
    context: 'e',
    method: 'f',
    fn: (v) => charToInt4(v as string),
  });
  r.addCast({
    source: int4,
    target: char,
    context: 'e',
    method: 'f',
    fn: (v) => int4ToChar(v as number),
  });
}
