/**
 * xid (OID 28) and xid8 (OID 5069), as PostgreSQL 15's utils/adt/xid.c
 * and xid8funcs.c define them, with the functions that read the session's
 * transaction: age(xid), mxid_age(xid), txid_current(),
 * txid_current_if_assigned(), pg_current_xact_id() and
 * pg_current_xact_id_if_assigned().
 *
 * xid is a 32-bit transaction id, a JavaScript number 0 .. 2^32-1. It has
 * no order (two xids compare modulo 2^32, so `<` would not be transitive):
 * only `=` and `<>` (and with int4). Its text input is strtoul(str, NULL,
 * 0) with no error checking, exactly as xidin: leading white space, a
 * sign, a 0x / 0 prefix for hex / octal, as many digits as parse, the
 * rest ignored; nothing parsed is 0; the value is cut to 32 bits.
 *
 * xid8 is a FullTransactionId, a bigint 0 .. 2^64-1 (epoch << 32 | xid),
 * ordered as an unsigned number; text input strtou64(str, NULL, 0), also
 * unchecked. The cast xid8 -> xid (explicit) keeps the low 32 bits.
 */
import type { TypeContext, XactContext } from '../core/context.js';
import { fn } from '../core/define.js';
import { SqlError } from '../core/errors.js';
import { hashInt32, hashInt64 } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import type { PgType } from '../core/type.js';
import { le, readWhole, WireWriter } from '../core/wire.js';

const ULONG_MAX = 2n ** 64n - 1n;
const INT32_MAX = 2147483647;
const FIRST_NORMAL_TRANSACTION_ID = 3;

/** strtoul / strtou64 with base 0 on a 64-bit platform, endptr ignored: never an error. */
export function strtoul64(text: string): bigint {
  let i = 0;
  while (i < text.length && ' \t\n\v\f\r'.includes(text[i]!)) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') {
    negative = text[i] === '-';
    i++;
  }
  let base = 10n;
  if (text[i] === '0') {
    if ((text[i + 1] === 'x' || text[i + 1] === 'X') && /[0-9a-fA-F]/.test(text[i + 2] ?? '')) {
      base = 16n;
      i += 2;
    } else base = 8n;
  }
  let value = 0n;
  let overflow = false;
  for (; i < text.length; i++) {
    const d = Number.parseInt(text[i]!, 16);
    if (Number.isNaN(d) || BigInt(d) >= base) break;
    value = value * base + BigInt(d);
    if (value > ULONG_MAX) overflow = true;
  }
  if (overflow) return ULONG_MAX;
  return negative ? (ULONG_MAX + 1n - value) & ULONG_MAX : value;
}

export const xidType: PgType<number> = {
  name: 'xid',
  displayName: 'xid',
  oid: TypeOid.xid,
  arrayOid: TypeOid._xid,
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
  decode: (bytes) => (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0,
  decodeAt: (b, at) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0,
  // no SQL-visible order (no < operator); a total order for hashing and DISTINCT only
  compare: (a, b) => a - b,
  hash: (v) => hashInt32(v | 0),
};

export const xid8Type: PgType<bigint> = {
  name: 'xid8',
  displayName: 'xid8',
  oid: TypeOid.xid8,
  arrayOid: TypeOid._xid8,
  elemOid: 0,
  len: 8,
  byVal: true,
  align: 'd',
  storage: 'p',
  category: 'U',
  preferred: false,
  input: (text) => strtoul64(text),
  output: (v) => v.toString(),
  send: (v) => new WireWriter().int64(BigInt.asIntN(64, v)).done(),
  receive: (bytes) =>
    BigInt.asUintN(
      64,
      readWhole(bytes, (r) => r.int64()),
    ),
  encode: (v) => le(8, (d) => d.setBigUint64(0, v, true)),
  decode: (bytes) => new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true),
  decodeAt: (b, at) => new DataView(b.buffer, b.byteOffset + at, 8).getBigUint64(0, true),
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  hash: (v) => hashInt64(BigInt.asIntN(64, v)),
};

function xact(ctx: TypeContext, fnName: string): XactContext {
  if (ctx.xact === undefined)
    throw new SqlError('0A000', `${fnName} is not supported yet outside a session`);
  return ctx.xact;
}

const { bool, int4, int8, xid, xid8 } = TypeOid;

export function registerXid(r: Registry): void {
  r.addType(xidType);
  r.addType(xid8Type);
  fn(r, 'xideq', [xid, xid], bool, ([a, b]: number[]) => a === b, { operator: '=' });
  fn(r, 'xidneq', [xid, xid], bool, ([a, b]: number[]) => a !== b, { operator: '<>' });
  // xideqint4: the int4 is reinterpreted as an xid ((TransactionId) int4)
  fn(r, 'xideqint4', [xid, int4], bool, ([a, b]: number[]) => a === b! >>> 0, { operator: '=' });
  fn(r, 'xidneqint4', [xid, int4], bool, ([a, b]: number[]) => a !== b! >>> 0, {
    operator: '<>',
  });
  const cmp8 = [
    ['xid8eq', '=', (c: number) => c === 0],
    ['xid8ne', '<>', (c: number) => c !== 0],
    ['xid8lt', '<', (c: number) => c < 0],
    ['xid8gt', '>', (c: number) => c > 0],
    ['xid8le', '<=', (c: number) => c <= 0],
    ['xid8ge', '>=', (c: number) => c >= 0],
  ] as const;
  for (const [name, op, test] of cmp8) {
    fn(r, name, [xid8, xid8], bool, ([a, b]: bigint[]) => test(xid8Type.compare(a!, b!)), {
      operator: op,
    });
  }
  fn(r, 'xid8cmp', [xid8, xid8], int4, ([a, b]: bigint[]) => xid8Type.compare(a!, b!));
  fn(r, 'xid', [xid8], xid, ([a]: bigint[]) => Number(a! & 0xffff_ffffn));
  r.addCast({
    source: xid8,
    target: xid,
    context: 'e',
    method: 'f',
    fn: (v) => Number((v as bigint) & 0xffff_ffffn),
  });
  // xid_age: INT_MAX for a permanent (special) xid, else the signed 32-bit distance
  fn(
    r,
    'age',
    [xid],
    int4,
    ([x]: number[], ctx: TypeContext) => {
      const now = xact(ctx, 'age(xid)').stableLatestXid();
      if (x! < FIRST_NORMAL_TRANSACTION_ID) return INT32_MAX;
      return (now - x!) | 0;
    },
    { volatility: 's' },
  );
  // mxid_age: INT_MAX for InvalidMultiXactId (0)
  fn(
    r,
    'mxid_age',
    [xid],
    int4,
    ([x]: number[], ctx: TypeContext) => {
      const now = xact(ctx, 'mxid_age(xid)').nextMultiXactId();
      if (x === 0) return INT32_MAX;
      return (now - x!) | 0;
    },
    { volatility: 's' },
  );
  const top = (ctx: TypeContext, name: string, assign: boolean) =>
    xact(ctx, name).topFullXid(assign);
  fn(
    r,
    'txid_current',
    [],
    int8,
    (_a: unknown[], ctx: TypeContext) => top(ctx, 'txid_current()', true),
    {
      volatility: 's',
    },
  );
  fn(
    r,
    'txid_current_if_assigned',
    [],
    int8,
    (_a: unknown[], ctx: TypeContext) => top(ctx, 'txid_current_if_assigned()', false) ?? null,
    { volatility: 's' },
  );
  fn(
    r,
    'pg_current_xact_id',
    [],
    xid8,
    (_a: unknown[], ctx: TypeContext) => top(ctx, 'pg_current_xact_id()', true),
    { volatility: 's' },
  );
  fn(
    r,
    'pg_current_xact_id_if_assigned',
    [],
    xid8,
    (_a: unknown[], ctx: TypeContext) =>
      top(ctx, 'pg_current_xact_id_if_assigned()', false) ?? null,
    { volatility: 's' },
  );
}
