/**
 * issue 9 (F, system columns): tid (OID 27) and cid (OID 29), as
 * PostgreSQL 15's utils/adt/tid.c and xid.c define them — the types of
 * the system columns ctid (tid), cmin and cmax (cid).
 *
 * A tid is an item pointer (block number, offset number), held as one
 * JavaScript number `block * 65536 + offset` (block < 2^32, offset <
 * 2^16, so it stays an exact integer and numeric order is the (block,
 * offset) order tidlt uses). Text form `(block,offset)`; tidin's parsing:
 * the text up to the first `(` is skipped, the two numbers follow `(` and
 * `,`, the block must end at the `,` and the offset at a `)` (what follows
 * is ignored), offset 0 .. 65535, block as strtoul (a negative one wraps
 * to 32 bits, as on a 64-bit platform). On disk: ItemPointerData, 6 bytes
 * (bi_hi, bi_lo, ip_posid as uint16), int2 alignment.
 *
 * A cid is a 32-bit command id, like xid without age(): only `=`.
 */
import { COMPARISONS, fn } from '../core/define.js';
import { invalidInput } from '../core/errors.js';
import { hashInt32, hashInt64 } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import type { PgType } from '../core/type.js';
import { le, readWhole, WireWriter } from '../core/wire.js';
import { strtoul64 } from './xid.js';

/** tid's and cid's OIDs (pg_type.dat), with their array types. */
export const TID = 27;
export const CID = 29;
const TID_ARRAY = 1010;
const CID_ARRAY = 1012;
/** A tid value is block * TID_SCALE + offset. */
export const TID_SCALE = 65536;

/** tidin. */
export function tidIn(text: string): number {
  const bad = () => invalidInput('tid', text);
  const open = text.indexOf('(');
  if (open < 0) throw bad();
  const comma = text.indexOf(',', open + 1);
  if (comma < 0) throw bad();
  const blockText = text.slice(open + 1, comma);
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(blockText);
  if (m === null) throw bad();
  let block = BigInt(m[2]!);
  if (m[1] === '-') block = -block;
  // strtoul on a 64-bit long: the value must fit in 32 bits unsigned or signed
  if (block > 0xffff_ffffn || block < -0x8000_0000n) throw bad();
  const blockNumber = Number(BigInt.asUintN(32, block));
  const rest = text.slice(comma + 1);
  const o = /^[ \t\n\v\f\r]*([+-]?\d+)\)/.exec(rest);
  if (o === null) throw bad();
  const offset = Number(o[1]!);
  if (offset < 0 || offset > 0xffff) throw bad();
  return blockNumber * TID_SCALE + offset;
}

/** tidout. */
export function tidOut(v: number): string {
  return `(${Math.floor(v / TID_SCALE)},${v % TID_SCALE})`;
}

export const tidType: PgType<number> = {
  name: 'tid',
  displayName: 'tid',
  oid: TID,
  arrayOid: TID_ARRAY,
  elemOid: 0,
  len: 6,
  byVal: false,
  align: 's',
  storage: 'p',
  category: 'U',
  preferred: false,
  input: tidIn,
  output: tidOut,
  send: (v) =>
    new WireWriter()
      .uint32(Math.floor(v / TID_SCALE))
      .uint16(v % TID_SCALE)
      .done(),
  receive: (bytes) => readWhole(bytes, (r) => r.uint32() * TID_SCALE + r.uint16()),
  encode: (v) =>
    le(6, (d) => {
      const block = Math.floor(v / TID_SCALE);
      d.setUint16(0, block >>> 16, true);
      d.setUint16(2, block & 0xffff, true);
      d.setUint16(4, v % TID_SCALE, true);
    }),
  decode: (b) => tidAt(b, 0),
  decodeAt: tidAt,
  compare: (a, b) => a - b,
  hash: (v) => hashInt64(BigInt(v)),
};

function tidAt(b: Uint8Array, at: number): number {
  const hi = b[at]! | (b[at + 1]! << 8);
  const lo = b[at + 2]! | (b[at + 3]! << 8);
  const off = b[at + 4]! | (b[at + 5]! << 8);
  return (hi * 65536 + lo) * TID_SCALE + off;
}

export const cidType: PgType<number> = {
  name: 'cid',
  displayName: 'cid',
  oid: CID,
  arrayOid: CID_ARRAY,
  elemOid: 0,
  len: 4,
  byVal: true,
  align: 'i',
  storage: 'p',
  category: 'U',
  preferred: false,
  input: (text) => Number(strtoul64(text) & 0xffff_ffffn),
  output: (v) => String(v),
  send: (v) => new WireWriter().uint32(v).done(),
  receive: (bytes) => readWhole(bytes, (r) => r.uint32()),
  encode: (v) => le(4, (d) => d.setUint32(0, v, true)),
  decode: (b) => (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0,
  decodeAt: (b, at) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0,
  // no SQL-visible order (only =); a total order for hashing and DISTINCT
  compare: (a, b) => a - b,
  hash: (v) => hashInt32(v | 0),
};

export function registerTid(r: Registry): void {
  r.addType(tidType);
  r.addType(cidType);
  for (const [op, suffix, test] of COMPARISONS) {
    fn(r, `tid${suffix}`, [TID, TID], TypeOid.bool, ([a, b]: number[]) => test(a! - b!), {
      operator: op,
    });
  }
  fn(r, 'bttidcmp', [TID, TID], TypeOid.int4, ([a, b]: number[]) => Math.sign(a! - b!));
  fn(r, 'tidlarger', [TID, TID], TID, ([a, b]: number[]) => (a! >= b! ? a : b));
  fn(r, 'tidsmaller', [TID, TID], TID, ([a, b]: number[]) => (a! <= b! ? a : b));
  fn(r, 'cideq', [CID, CID], TypeOid.bool, ([a, b]: number[]) => a === b, { operator: '=' });
}
