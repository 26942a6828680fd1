/**
 * int2 / smallint (OID 21): a JavaScript number holding a 16-bit integer.
 * Text input as pg_strtoint16 in PostgreSQL 15 (whitespace, sign, decimal
 * digits only).
 */
import { hashInt32 } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { PgType } from '../core/type.js';
import { le, readWhole, WireWriter } from '../core/wire.js';
import { parseInteger } from './int4.js';

export const int2Type: PgType<number> = {
  name: 'int2',
  displayName: 'smallint',
  oid: TypeOid.int2,
  arrayOid: TypeOid._int2,
  elemOid: 0,
  len: 2,
  byVal: true,
  align: 's',
  storage: 'p',
  category: 'N',
  preferred: false,
  input: (text) => parseInteger(text, -32768, 32767, 'smallint'),
  output: (v) => String(v),
  send: (v) => new WireWriter().int16(v).done(),
  receive: (bytes) => readWhole(bytes, (r) => r.int16()),
  encode: (v) => le(2, (d) => d.setInt16(0, v, true)),
  decode: (bytes) => ((bytes[0]! | (bytes[1]! << 8)) << 16) >> 16,
  decodeAt: (b, at) => ((b[at]! | (b[at + 1]! << 8)) << 16) >> 16,
  compare: (a, b) => a - b,
  hash: hashInt32,
};
