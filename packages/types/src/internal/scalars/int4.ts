/**
 * int4 / integer (OID 23): a JavaScript number holding a 32-bit integer.
 * Text input as pg_strtoint32 in PostgreSQL 15: optional whitespace, an
 * optional sign, decimal digits, optional whitespace (no underscores or
 * hex, which came in 16).
 */
import { invalidInput, outOfRangeInput } from '../core/errors.js';
import { hashInt32 } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { PgType } from '../core/type.js';
import { readWhole, WireWriter } from '../core/wire.js';

/** C isspace() in the C locale: space, \t, \n, \v, \f, \r. */
const INTEGER = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/;
const TRAILING_SPACE = /^[ \t\n\v\f\r]*$/;

/**
 * Parses a decimal integer in [min, max] as PostgreSQL 15's
 * pg_strtoint16/32/64 do: the magnitude is checked while reading the digits,
 * so `99999x` is out of range for smallint before its junk is seen, but
 * `32768x` is invalid syntax.
 */
export function parseBigInteger(text: string, min: bigint, max: bigint, typeName: string): bigint {
  const m = INTEGER.exec(text);
  if (!m) throw invalidInput(typeName, text);
  const digits = m[2]!.replace(/^0+(?=\d)/, '');
  // The digits accumulate as a negative number: only a magnitude beyond -min
  // overflows before the rest of the text is looked at.
  if (digits.length > 20) throw outOfRangeInput(typeName, text);
  const magnitude = BigInt(digits);
  if (magnitude > -min) throw outOfRangeInput(typeName, text);
  if (!TRAILING_SPACE.test(text.slice(m[0].length))) throw invalidInput(typeName, text);
  const n = m[1] === '-' ? -magnitude : magnitude;
  if (n > max) throw outOfRangeInput(typeName, text);
  return n;
}

/** Parses a decimal integer in [min, max] as PostgreSQL's pg_strtoint16/32 do. */
export function parseInteger(text: string, min: number, max: number, typeName: string): number {
  const n = Number(parseBigInteger(text, BigInt(min), BigInt(max), typeName));
  return n === 0 ? 0 : n; // no -0
}

export const int4Type: PgType<number> = {
  name: 'int4',
  displayName: 'integer',
  oid: TypeOid.int4,
  arrayOid: TypeOid._int4,
  elemOid: 0,
  len: 4,
  byVal: true,
  align: 'i',
  storage: 'p',
  category: 'N',
  preferred: false,
  input: (text) => parseInteger(text, -2147483648, 2147483647, 'integer'),
  output: (v) => String(v),
  send: (v) => new WireWriter().int32(v).done(),
  receive: (bytes) => readWhole(bytes, (r) => r.int32()),
  encode: (v) => Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff),
  // Read the four bytes directly: a DataView per datum dominated index searches.
  decode: (bytes) => bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24),
  decodeAt: (b, at) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24),
  compare: (a, b) => a - b,
  hash: hashInt32,
};
