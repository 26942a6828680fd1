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
import { le, view, WireReader, WireWriter } from '../core/wire.js';

const INTEGER = /^\s*([+-]?)(\d+)\s*$/;

/** Parses a decimal integer in [min, max] as PostgreSQL's pg_strtoint16/32 do. */
export function parseInteger(text: string, min: number, max: number, typeName: string): number {
  const m = INTEGER.exec(text);
  if (!m) throw invalidInput(typeName, text);
  const digits = m[2]!.replace(/^0+(?=\d)/, '');
  if (digits.length > 12) throw outOfRangeInput(typeName, text);
  const n = Number(digits) * (m[1] === '-' ? -1 : 1);
  if (n < min || n > max) throw outOfRangeInput(typeName, text);
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
  receive(bytes) {
    const r = new WireReader(bytes);
    const v = r.int32();
    r.end();
    return v;
  },
  encode: (v) => le(4, (d) => d.setInt32(0, v, true)),
  decode: (bytes) => view(bytes).getInt32(0, true),
  compare: (a, b) => a - b,
  hash: hashInt32,
};
