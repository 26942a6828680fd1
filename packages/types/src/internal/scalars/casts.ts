/**
 * Casts between bool, int2, int4, int8, float4, float8 and oid, as
 * PostgreSQL 15's pg_cast lists them (context 'i' implicit, 'a'
 * assignment, 'e' explicit), with the conversion functions of pg_proc
 * (int2(int4), float4(int8), oid(int8) ...). Float to integer rounds half
 * to even (rint) and checks the range; float8 to float4 checks overflow and
 * underflow; int8 to float4 rounds once, directly.
 */
import { fn } from '../core/define.js';
import { outOfRange, SqlError, SqlState } from '../core/errors.js';
import { TypeOid } from '../core/oids.js';
import type { CastContext, Registry } from '../core/registry.js';
import { FLOAT4, roundBinary } from './float.js';
import { overflow, rint, underflow } from './float-ops.js';

const { bool, int2, int4, int8, float4, float8, oid } = TypeOid;

/** float to smallint/integer: rint, then the range check of FLOAT8_FITS_IN_INT16/32. */
function floatToInt(x: number, bits: 16 | 32, what: string): number {
  const n = rint(x);
  const limit = 2 ** (bits - 1);
  if (Number.isNaN(n) || !(n >= -limit && n < limit)) throw outOfRange(what);
  return n + 0;
}

function floatToInt8(x: number): bigint {
  const n = rint(x);
  if (Number.isNaN(n) || !(n >= -(2 ** 63) && n < 2 ** 63)) throw outOfRange('bigint');
  return BigInt(n);
}

function intToRange(n: bigint, min: bigint, max: bigint, what: string): number {
  if (n < min || n > max) throw outOfRange(what);
  return Number(n);
}

/** i8tof: the int64 rounded once to float4. */
export function int8ToFloat4(n: bigint): number {
  const v = roundBinary(n < 0n ? -n : n, 0, FLOAT4);
  return n < 0n ? -v : v;
}

/** dtof. */
function float8ToFloat4(x: number): number {
  const r = Math.fround(x);
  if ((r === Number.POSITIVE_INFINITY || r === Number.NEGATIVE_INFINITY) && Number.isFinite(x)) {
    if (!Number.isNaN(x)) throw overflow();
  }
  if (r === 0 && x !== 0) throw underflow();
  return r;
}

interface CastSpec {
  readonly source: number;
  readonly target: number;
  readonly context: CastContext;
  /** pg_proc name of the cast function; undefined for binary-coercible casts. */
  readonly fnName?: string;
  readonly convert: (v: never) => unknown;
}

const CASTS: readonly CastSpec[] = [
  {
    source: bool,
    target: int4,
    context: 'e',
    fnName: 'int4',
    convert: (v: boolean) => (v ? 1 : 0),
  },
  { source: int4, target: bool, context: 'e', fnName: 'bool', convert: (v: number) => v !== 0 },
  {
    source: int8,
    target: int2,
    context: 'a',
    fnName: 'int2',
    convert: (v: bigint) => intToRange(v, -32768n, 32767n, 'smallint'),
  },
  {
    source: int8,
    target: int4,
    context: 'a',
    fnName: 'int4',
    convert: (v: bigint) => intToRange(v, -2147483648n, 2147483647n, 'integer'),
  },
  {
    source: int8,
    target: oid,
    context: 'i',
    fnName: 'oid',
    convert: (v: bigint) => {
      if (v < 0n || v > 0xffffffffn) {
        throw new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'OID out of range');
      }
      return Number(v);
    },
  },
  { source: int8, target: float4, context: 'i', fnName: 'float4', convert: int8ToFloat4 },
  {
    source: int8,
    target: float8,
    context: 'i',
    fnName: 'float8',
    convert: (v: bigint) => Number(v),
  },
  { source: int2, target: int8, context: 'i', fnName: 'int8', convert: (v: number) => BigInt(v) },
  { source: int2, target: int4, context: 'i', fnName: 'int4', convert: (v: number) => v },
  // int2 -> oid goes through int4(int2), then the binary-coercible int4 -> oid
  { source: int2, target: oid, context: 'i', convert: (v: number) => v >>> 0 },
  { source: int2, target: float4, context: 'i', fnName: 'float4', convert: (v: number) => v },
  { source: int2, target: float8, context: 'i', fnName: 'float8', convert: (v: number) => v },
  { source: int4, target: int8, context: 'i', fnName: 'int8', convert: (v: number) => BigInt(v) },
  {
    source: int4,
    target: int2,
    context: 'a',
    fnName: 'int2',
    convert: (v: number) => intToRange(BigInt(v), -32768n, 32767n, 'smallint'),
  },
  { source: int4, target: oid, context: 'i', convert: (v: number) => v >>> 0 },
  { source: int4, target: float4, context: 'i', fnName: 'float4', convert: Math.fround },
  { source: int4, target: float8, context: 'i', fnName: 'float8', convert: (v: number) => v },
  { source: oid, target: int8, context: 'a', fnName: 'int8', convert: (v: number) => BigInt(v) },
  { source: oid, target: int4, context: 'a', convert: (v: number) => v | 0 },
  { source: float4, target: int8, context: 'a', fnName: 'int8', convert: floatToInt8 },
  {
    source: float4,
    target: int2,
    context: 'a',
    fnName: 'int2',
    convert: (v: number) => floatToInt(v, 16, 'smallint'),
  },
  {
    source: float4,
    target: int4,
    context: 'a',
    fnName: 'int4',
    convert: (v: number) => floatToInt(v, 32, 'integer'),
  },
  { source: float4, target: float8, context: 'i', fnName: 'float8', convert: (v: number) => v },
  { source: float8, target: int8, context: 'a', fnName: 'int8', convert: floatToInt8 },
  {
    source: float8,
    target: int2,
    context: 'a',
    fnName: 'int2',
    convert: (v: number) => floatToInt(v, 16, 'smallint'),
  },
  {
    source: float8,
    target: int4,
    context: 'a',
    fnName: 'int4',
    convert: (v: number) => floatToInt(v, 32, 'integer'),
  },
  { source: float8, target: float4, context: 'a', fnName: 'float4', convert: float8ToFloat4 },
];

/**
 * Registers the casts and their functions. Binary-coercible casts (int4 <->
 * oid, and int2 -> oid after int4(int2)) keep their castmethod 'b', but
 * since oid values are unsigned numbers here they still carry a `fn` that
 * reinterprets the 32 bits.
 */
export function registerCasts(r: Registry): void {
  for (const c of CASTS) {
    const convert = c.convert as (v: unknown) => unknown;
    if (c.fnName !== undefined) {
      fn(r, c.fnName, [c.source], c.target, ([v]: unknown[]) => convert(v));
    }
    r.addCast({
      source: c.source,
      target: c.target,
      context: c.context,
      method: c.fnName !== undefined || c.source === int2 ? 'f' : 'b',
      fn: (v) => convert(v),
    });
  }
}
