/**
 * Registers the scalar family: bool, int2, int4, int8, float4, float8 and
 * oid, with their comparison operators, arithmetic, math functions and the
 * casts among them.
 */
import { COMPARISONS, fn } from '../core/define.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import type { AnyPgType } from '../core/type.js';
import { boolType } from './bool.js';
import { registerCasts } from './casts.js';
import { float4Type, float8Type } from './float.js';
import { registerFloatOps } from './float-ops.js';
import { registerIntegerOps } from './int-ops.js';
import { int2Type } from './int2.js';
import { int4Type } from './int4.js';
import { int8Type } from './int8.js';
import { oidType } from './oid.js';
import { registerTid } from './tid.js';
import { registerXid } from './xid.js';

export { boolType } from './bool.js';
export { float4Type, float8Type } from './float.js';
export { int2Type } from './int2.js';
export { int4Type } from './int4.js';
export { int8Type } from './int8.js';
export { oidType } from './oid.js';
export { cidType, tidType } from './tid.js';
export { xid8Type, xidType } from './xid.js';

const { bool, int4, oid } = TypeOid;

/**
 * The six comparison operators of the type's B-tree operator class and its
 * support function bt<prefix>cmp, as core's registerComparisons does, except
 * that btint2cmp returns the difference of its arguments as PostgreSQL's
 * does (the others return -1, 0 or 1).
 */
function registerOrdering(r: Registry, type: AnyPgType, prefix: string): void {
  for (const [op, suffix, test] of COMPARISONS) {
    fn(
      r,
      `${prefix}${suffix}`,
      [type.oid, type.oid],
      bool,
      ([a, b]: unknown[]) => test(type.compare(a, b)),
      { operator: op },
    );
  }
  fn(r, `bt${prefix}cmp`, [type.oid, type.oid], int4, ([a, b]: unknown[]) =>
    prefix === 'int2' ? (a as number) - (b as number) : Math.sign(type.compare(a, b)),
  );
}

export function register(r: Registry): void {
  r.addType(boolType);
  registerOrdering(r, boolType, 'bool');
  for (const [type, prefix] of [
    [int2Type, 'int2'],
    [int4Type, 'int4'],
    [int8Type, 'int8'],
    [float4Type, 'float4'],
    [float8Type, 'float8'],
    [oidType, 'oid'],
  ] as const) {
    r.addType(type);
    registerOrdering(r, type, prefix);
  }
  registerIntegerOps(r);
  registerFloatOps(r);
  fn(r, 'oidlarger', [oid, oid], oid, ([a, b]: number[]) => (a! > b! ? a : b));
  fn(r, 'oidsmaller', [oid, oid], oid, ([a, b]: number[]) => (a! < b! ? a : b));
  registerCasts(r);
  registerXid(r); // xid, xid8 and the transaction-id functions (freeze, issue 11)
  registerTid(r); // issue 9 (F, system columns): tid and cid
}
