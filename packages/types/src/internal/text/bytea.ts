/**
 * bytea (OID 17): a Uint8Array. Text input in the hex format ('\x0102',
 * whitespace allowed between byte pairs) or the escape format ('\\ooo'
 * octal, '\\\\' for a backslash, other characters as their UTF-8 bytes);
 * output as bytea_output says (hex, or escape). Compared bytewise
 * (byteacmp: memcmp, then the shorter first).
 */
import { SqlError, SqlState } from '../core/errors.js';
import { hashBytes } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { PgType } from '../core/type.js';
import { utf8 } from '../core/wire.js';

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** hex_decode: pairs of hex digits, whitespace allowed between pairs. */
export function hexDecode(s: string, from = 0): Uint8Array {
  const out = new Uint8Array((s.length - from) >> 1);
  let n = 0;
  let i = from;
  const digit = (at: number): number => {
    const v = hexValue(s.charCodeAt(at));
    if (v < 0) {
      const ch = String.fromCodePoint(s.codePointAt(at)!);
      throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, `invalid hexadecimal digit: "${ch}"`);
    }
    return v;
  };
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) {
      i++;
      continue;
    }
    const hi = digit(i);
    i++;
    if (i >= s.length) {
      throw new SqlError(
        SqlState.INVALID_PARAMETER_VALUE,
        'invalid hexadecimal data: odd number of digits',
      );
    }
    out[n++] = (hi << 4) | digit(i);
    i++;
  }
  return out.slice(0, n);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** hex_encode, lowercase. */
export function hexEncode(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b]!;
  return s;
}

function isOctal(c: number | undefined, max = 0x37): boolean {
  return c !== undefined && c >= 0x30 && c <= max;
}

/** byteain. */
export function byteaIn(text: string): Uint8Array {
  if (text.startsWith('\\x')) return hexDecode(text, 2);
  const bytes = utf8(text);
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b !== 0x5c) {
      out[n++] = b;
      i++;
    } else if (isOctal(bytes[i + 1], 0x33) && isOctal(bytes[i + 2]) && isOctal(bytes[i + 3])) {
      out[n++] =
        ((bytes[i + 1]! - 0x30) << 6) | ((bytes[i + 2]! - 0x30) << 3) | (bytes[i + 3]! - 0x30);
      i += 4;
    } else if (bytes[i + 1] === 0x5c) {
      out[n++] = 0x5c;
      i += 2;
    } else {
      throw new SqlError(
        SqlState.INVALID_TEXT_REPRESENTATION,
        'invalid input syntax for type bytea',
      );
    }
  }
  return out.slice(0, n);
}

/** byteaout in the escape format. */
export function byteaOutEscape(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x5c) s += '\\\\';
    else if (b < 0x20 || b > 0x7e) s += `\\${b.toString(8).padStart(3, '0')}`;
    else s += String.fromCharCode(b);
  }
  return s;
}

/** byteacmp: memcmp over the common length, then the shorter first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

export const byteaType: PgType<Uint8Array> = {
  name: 'bytea',
  displayName: 'bytea',
  oid: TypeOid.bytea,
  arrayOid: TypeOid._bytea,
  elemOid: 0,
  len: -1,
  byVal: false,
  align: 'i',
  storage: 'x',
  category: 'U',
  preferred: false,
  input: (text) => byteaIn(text),
  output: (v, ctx) => (ctx.byteaOutput === 'escape' ? byteaOutEscape(v) : `\\x${hexEncode(v)}`),
  send: (v) => v.slice(),
  receive: (bytes) => bytes.slice(),
  encode: (v) => v.slice(),
  decode: (bytes) => bytes.slice(),
  compare: compareBytes,
  hash: (v) => hashBytes(v),
};
