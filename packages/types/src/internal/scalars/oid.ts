/**
 * oid (OID 26): a JavaScript number holding an unsigned 32-bit integer
 * (0 .. 4294967295). Text input as PostgreSQL 15's oidin (strtoul): a
 * minus sign is accepted for backwards compatibility and wraps ('-1' is
 * 4294967295); output is unsigned; order is unsigned.
 */
import { invalidInput, outOfRangeInput } from '../core/errors.js';
import { hashInt32 } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { PgType } from '../core/type.js';
import { le, readWhole, WireWriter } from '../core/wire.js';

const OID = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/;
const TRAILING_SPACE = /^[ \t\n\v\f\r]*$/;
const ULONG_MAX = 2n ** 64n - 1n;

/** oidin_subr: strtoul, then the value must fit after zero- or sign-extension. */
export function parseOid(text: string): number {
  const m = OID.exec(text);
  if (!m) throw invalidInput('oid', text);
  const magnitude = BigInt(m[2]!);
  if (magnitude > ULONG_MAX) throw outOfRangeInput('oid', text);
  if (!TRAILING_SPACE.test(text.slice(m[0].length))) throw invalidInput('oid', text);
  // strtoul negates in unsigned long arithmetic
  const cvt = m[1] === '-' ? (ULONG_MAX + 1n - magnitude) & ULONG_MAX : magnitude;
  if (cvt > 0xffffffffn && cvt < ULONG_MAX + 1n - 0x80000000n) throw outOfRangeInput('oid', text);
  return Number(cvt & 0xffffffffn);
}

export const oidType: PgType<number> = {
  name: 'oid',
  displayName: 'oid',
  oid: TypeOid.oid,
  arrayOid: TypeOid._oid,
  elemOid: 0,
  len: 4,
  byVal: true,
  align: 'i',
  storage: 'p',
  category: 'N',
  preferred: true,
  input: (text) => parseOid(text),
  output: (v) => String(v),
  send: (v) => new WireWriter().uint32(v).done(),
  receive: (bytes) => readWhole(bytes, (r) => r.uint32()),
  encode: (v) => le(4, (d) => d.setUint32(0, v, true)),
  decode: (bytes) => (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0,
  decodeAt: (b, at) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0,
  compare: (a, b) => a - b,
  hash: (v) => hashInt32(v | 0),
};
