/** Registers the scalar family: bool, int2, int4, int8, float4, float8, oid. */
import { fn, registerComparisons } from '../core/define.js';
import { outOfRange } from '../core/errors.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import { boolType } from './bool.js';
import { int4Type } from './int4.js';

const { int4 } = TypeOid;

/** An int4 result, or 22003 "integer out of range". */
function int4Result(n: number): number {
  if (n < -2147483648 || n > 2147483647) throw outOfRange('integer');
  return n === 0 ? 0 : n;
}

export function register(r: Registry): void {
  r.addType(boolType);
  registerComparisons(r, boolType, 'bool');
  r.addType(int4Type);
  registerComparisons(r, int4Type, 'int4');
  fn(r, 'int4pl', [int4, int4], int4, ([a, b]: number[]) => int4Result(a! + b!), { operator: '+' });
  fn(r, 'int4mi', [int4, int4], int4, ([a, b]: number[]) => int4Result(a! - b!), { operator: '-' });
  fn(r, 'int4mul', [int4, int4], int4, ([a, b]: number[]) => int4Result(a! * b!), {
    operator: '*',
  });
}
