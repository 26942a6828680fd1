/**
 * text (OID 25): a JavaScript string. Stored as UTF-8 (server_encoding
 * UTF8). Compared in the "C" collation, that is by Unicode code point,
 * which is UTF-8 byte order (not JavaScript's UTF-16 code-unit order).
 * NUL characters are not allowed, as in PostgreSQL.
 */
import { SqlError, SqlState } from '../core/errors.js';
import { hashBytes } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { PgType } from '../core/type.js';
import { fromUtf8, utf8 } from '../core/wire.js';
import { verifyUtf8 } from './encoding.js';

/** Code point order ("C" collation): compares as UTF-8 bytes would. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800..U+DFFF) encode code points above U+FFFF, which
    // sort after U+E000..U+FFFF in code point order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Text received in binary (pq_getmsgtext): valid UTF-8 without NUL, else
 * 22021 `invalid byte sequence for encoding "UTF8": 0x..` as PostgreSQL
 * reports it.
 */
export function receiveText(bytes: Uint8Array): string {
  verifyUtf8(bytes);
  return fromUtf8(bytes);
}

/** Rejects NUL, which PostgreSQL's text cannot hold. */
export function checkText(s: string): string {
  if (s.includes('\0')) {
    throw new SqlError(
      SqlState.CHARACTER_NOT_IN_REPERTOIRE,
      'invalid byte sequence for encoding "UTF8": 0x00',
    );
  }
  return s;
}

export const textType: PgType<string> = {
  name: 'text',
  displayName: 'text',
  oid: TypeOid.text,
  arrayOid: TypeOid._text,
  elemOid: 0,
  len: -1,
  byVal: false,
  align: 'i',
  storage: 'x',
  category: 'S',
  preferred: true,
  input: (text) => checkText(text),
  output: (v) => v,
  send: (v) => utf8(v),
  receive: (bytes) => receiveText(bytes),
  encode: (v) => utf8(v),
  decode: (bytes) => fromUtf8(bytes),
  compare: compareCodePoints,
  hash: (v) => hashBytes(utf8(v)),
};
