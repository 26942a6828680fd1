/**
 * int8 / bigint (OID 20): a JavaScript bigint holding a 64-bit integer.
 * Text input as pg_strtoint64 in PostgreSQL 15 (whitespace, sign, decimal
 * digits only).
 */
import { hashInt64 } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { PgType } from '../core/type.js';
import { le, readWhole, view, WireWriter } from '../core/wire.js';
import { parseBigInteger } from './int4.js';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

export const int8Type: PgType<bigint> = {
  name: 'int8',
  displayName: 'bigint',
  oid: TypeOid.int8,
  arrayOid: TypeOid._int8,
  elemOid: 0,
  len: 8,
  byVal: true,
  align: 'd',
  storage: 'p',
  category: 'N',
  preferred: false,
  input: (text) => parseBigInteger(text, INT64_MIN, INT64_MAX, 'bigint'),
  output: (v) => v.toString(),
  send: (v) => new WireWriter().int64(v).done(),
  receive: (bytes) => readWhole(bytes, (r) => r.int64()),
  encode: (v) => le(8, (d) => d.setBigInt64(0, v, true)),
  decode: (bytes) => view(bytes).getBigInt64(0, true),
  decodeAt: (b, at) =>
    BigInt.asIntN(
      64,
      (BigInt(b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24)) << 32n) |
        BigInt((b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0),
    ),
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  hash: hashInt64,
};
