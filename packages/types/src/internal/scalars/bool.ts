/**
 * bool (OID 16): JavaScript boolean. Text input accepts PostgreSQL's
 * spellings (t/true/yes/on/1 and f/false/no/off/0, any case, any unique
 * prefix of the words, surrounding whitespace); output is 't' or 'f'.
 */
import { invalidInput } from '../core/errors.js';
import { hashInt32 } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { PgType } from '../core/type.js';
import { readWhole } from '../core/wire.js';

/** parse_bool_with_len. */
export function parseBool(text: string): boolean | undefined {
  const s = text.trim().toLowerCase();
  if (s.length === 0) return undefined;
  const prefixOf = (word: string) => word.startsWith(s);
  switch (s[0]) {
    case 't':
      return prefixOf('true') ? true : undefined;
    case 'f':
      return prefixOf('false') ? false : undefined;
    case 'y':
      return prefixOf('yes') ? true : undefined;
    case 'n':
      return prefixOf('no') ? false : undefined;
    case 'o':
      // 'o' alone is ambiguous between on and off
      if (s.length >= 2 && prefixOf('on')) return true;
      if (s.length >= 2 && prefixOf('off')) return false;
      return undefined;
    case '1':
      return s === '1' ? true : undefined;
    case '0':
      return s === '0' ? false : undefined;
    default:
      return undefined;
  }
}

export const boolType: PgType<boolean> = {
  name: 'bool',
  displayName: 'boolean',
  oid: TypeOid.bool,
  arrayOid: TypeOid._bool,
  elemOid: 0,
  len: 1,
  byVal: true,
  align: 'c',
  storage: 'p',
  category: 'B',
  preferred: true,
  input(text) {
    const v = parseBool(text);
    if (v === undefined) throw invalidInput('boolean', text);
    return v;
  },
  output: (v) => (v ? 't' : 'f'),
  send: (v) => Uint8Array.of(v ? 1 : 0),
  receive: (bytes) => readWhole(bytes, (r) => r.uint8() !== 0),
  encode: (v) => Uint8Array.of(v ? 1 : 0),
  decode: (bytes) => bytes[0] !== 0,
  decodeAt: (b, at) => b[at] !== 0,
  compare: (a, b) => Number(a) - Number(b),
  hash: (v) => hashInt32(v ? 1 : 0),
};
