/**
 * The character types besides text, all JavaScript strings (UTF-8 on disk,
 * lengths counted in characters, i.e. code points, as PostgreSQL does):
 *
 * - varchar / character varying (OID 1043): typmod n + 4; the value never
 *   holds more than n characters.
 * - bpchar / character (OID 1042): typmod n + 4; the value is space-padded
 *   to exactly n characters. Trailing spaces do not count in comparison,
 *   hashing, length() or the cast to text. Without a typmod the value is
 *   kept as given.
 * - name (OID 19): fixed 64 bytes on disk (NAMEDATALEN), NUL-padded; at
 *   most 63 bytes of UTF-8, longer input is cut at a character boundary.
 */
import { SqlError, SqlState } from '../core/errors.js';
import { hashBytes } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { PgType } from '../core/type.js';
import { fromUtf8, utf8 } from '../core/wire.js';
import { checkText, compareCodePoints, receiveText } from './text.js';

/** VARHDRSZ: typmods of the character types are the length plus this. */
const VARHDRSZ = 4;
/** MaxAttrSize: the largest length a varchar(n) or char(n) may declare. */
const MAX_ATTR_SIZE = 10485760;
/** NAMEDATALEN. */
export const NAMEDATALEN = 64;

/** The number of characters (code points) of a string. */
export function charLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** The first `n` characters (code points) of `s`. */
export function charPrefix(s: string, n: number): string {
  if (n <= 0) return '';
  let count = 0;
  let i = 0;
  while (i < s.length && count < n) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    count++;
  }
  return s.slice(0, i);
}

/** anychar_typmodin: `varchar(n)` / `char(n)` -> n + 4. */
function anycharTypmodIn(typeName: string, mods: readonly number[]): number {
  if (mods.length !== 1) {
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, 'invalid type modifier');
  }
  const n = mods[0]!;
  if (n < 1) {
    throw new SqlError(
      SqlState.INVALID_PARAMETER_VALUE,
      `length for type ${typeName} must be at least 1`,
    );
  }
  if (n > MAX_ATTR_SIZE) {
    throw new SqlError(
      SqlState.INVALID_PARAMETER_VALUE,
      `length for type ${typeName} cannot exceed ${MAX_ATTR_SIZE}`,
    );
  }
  return n + VARHDRSZ;
}

/** anychar_typmodout: '(n)', or '' without a typmod. */
function anycharTypmodOut(typmod: number): string {
  return typmod > VARHDRSZ ? `(${typmod - VARHDRSZ})` : '';
}

function tooLong(displayName: string, maxLen: number): SqlError {
  return new SqlError(
    SqlState.STRING_DATA_RIGHT_TRUNCATION,
    `value too long for type ${displayName}(${maxLen})`,
  );
}

/**
 * Cuts `s` to `maxLen` characters. Unless `isExplicit`, the cut-off part
 * must be all spaces (else 22001 "value too long for type ...").
 */
function cutTo(s: string, maxLen: number, isExplicit: boolean, displayName: string): string {
  if (s.length <= maxLen) return s; // fewer UTF-16 units, so fewer characters
  const head = charPrefix(s, maxLen);
  if (head.length === s.length) return s;
  if (!isExplicit) {
    for (let i = head.length; i < s.length; i++) {
      if (s.charCodeAt(i) !== 0x20) throw tooLong(displayName, maxLen);
    }
  }
  return head;
}

/** varchar(value, typmod, isExplicit): the length coercion of character varying. */
export function varcharCoerce(s: string, typmod: number, isExplicit: boolean): string {
  if (typmod < VARHDRSZ) return s;
  return cutTo(s, typmod - VARHDRSZ, isExplicit, 'character varying');
}

/** bpchar(value, typmod, isExplicit): cut (as varchar) and pad with spaces to n characters. */
export function bpcharCoerce(s: string, typmod: number, isExplicit: boolean): string {
  if (typmod < VARHDRSZ) return s;
  const maxLen = typmod - VARHDRSZ;
  const cut = cutTo(s, maxLen, isExplicit, 'character');
  const len = charLength(cut);
  return len < maxLen ? cut + ' '.repeat(maxLen - len) : cut;
}

/** bcTruelen: the value without its trailing spaces. */
export function bpcharTrim(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x20) end--;
  return s.slice(0, end);
}

/** bpcharcmp: compares ignoring trailing spaces, in the "C" collation. */
export function bpcharCompare(a: string, b: string): number {
  return compareCodePoints(bpcharTrim(a), bpcharTrim(b));
}

export const varcharType: PgType<string> = {
  name: 'varchar',
  displayName: 'character varying',
  oid: TypeOid.varchar,
  arrayOid: TypeOid._varchar,
  elemOid: 0,
  len: -1,
  byVal: false,
  align: 'i',
  storage: 'x',
  category: 'S',
  preferred: false,
  input: (text, typmod) => varcharCoerce(checkText(text), typmod, false),
  output: (v) => v,
  send: (v) => utf8(v),
  receive: (bytes, typmod) => varcharCoerce(receiveText(bytes), typmod, false),
  encode: (v) => utf8(v),
  decode: (bytes) => fromUtf8(bytes),
  compare: compareCodePoints,
  hash: (v) => hashBytes(utf8(v)),
  typmodIn: (mods) => anycharTypmodIn('varchar', mods),
  typmodOut: anycharTypmodOut,
  applyTypmod: varcharCoerce,
};

export const bpcharType: PgType<string> = {
  name: 'bpchar',
  displayName: 'character',
  oid: TypeOid.bpchar,
  arrayOid: TypeOid._bpchar,
  elemOid: 0,
  len: -1,
  byVal: false,
  align: 'i',
  storage: 'x',
  category: 'S',
  preferred: false,
  input: (text, typmod) => bpcharCoerce(checkText(text), typmod, false),
  output: (v) => v,
  send: (v) => utf8(v),
  receive: (bytes, typmod) => bpcharCoerce(receiveText(bytes), typmod, false),
  encode: (v) => utf8(v),
  decode: (bytes) => fromUtf8(bytes),
  compare: bpcharCompare,
  hash: (v) => hashBytes(utf8(bpcharTrim(v))),
  typmodIn: (mods) => anycharTypmodIn('char', mods),
  typmodOut: anycharTypmodOut,
  applyTypmod: bpcharCoerce,
};

/** pg_mbcliplen to NAMEDATALEN - 1: at most 63 bytes, cut at a character boundary. */
export function clipName(s: string): string {
  if (s.length * 3 < NAMEDATALEN) return s;
  let bytes = 0;
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + n > NAMEDATALEN - 1) break;
    bytes += n;
    i += cp > 0xffff ? 2 : 1;
  }
  return s.slice(0, i);
}

export const nameType: PgType<string> = {
  name: 'name',
  displayName: 'name',
  oid: TypeOid.name,
  arrayOid: TypeOid._name,
  elemOid: 0,
  len: NAMEDATALEN,
  byVal: false,
  align: 'c',
  storage: 'p',
  category: 'S',
  preferred: false,
  input: (text) => clipName(checkText(text)),
  output: (v) => v,
  send: (v) => utf8(v),
  receive(bytes) {
    if (bytes.length >= NAMEDATALEN) {
      throw new SqlError('42622', 'identifier too long', {
        detail: `Identifier must be less than ${NAMEDATALEN} characters.`,
      });
    }
    return receiveText(bytes);
  },
  encode(v) {
    const out = new Uint8Array(NAMEDATALEN);
    out.set(utf8(v).subarray(0, NAMEDATALEN - 1));
    return out;
  },
  decode(bytes) {
    const end = bytes.indexOf(0);
    return fromUtf8(bytes.subarray(0, end < 0 ? bytes.length : end));
  },
  compare: compareCodePoints,
  hash: (v) => hashBytes(utf8(v)),
};
