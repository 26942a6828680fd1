import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { pgHashFunction, simplehashOrder, tupleHash } from './pg-hash-order.js';

const INT4 = 23;
const INT8 = 20;

function order(
  values: readonly unknown[],
  type: number,
  groups: number,
  lookupsAfter = false,
): unknown[] {
  const f = pgHashFunction(type);
  if (f === undefined) throw new Error('no hash function');
  return simplehashOrder(
    values,
    values.map((v) => tupleHash([v], [f])),
    groups,
    lookupsAfter,
  );
}

describe('PostgreSQL hash table order', () => {
  // orders observed on PostgreSQL 15 (GROUP BY ROLLUP (a) / GROUPING SETS without ORDER BY)
  test('int4 keys in a table sized for 200 groups', () => {
    expect(order([1, 2], INT4, 200)).toEqual([2, 1]);
  });
  test('a table full at its threshold grows on the next lookup', () => {
    // 7 groups estimated: 8 buckets, grow_threshold 7; the 8th row's lookup doubles the table
    expect(order([1, 2, 3, 4, 5, 6, 0], INT4, 7, true)).toEqual([1, 5, 4, 2, 0, 6, 3]);
  });
  test('int8 keys', () => {
    expect(order([0n, 1n, -1n], INT8, 3)).toEqual([0n, 1n, -1n]);
  });
  test('a NULL key hashes as 0', () => {
    const f = pgHashFunction(INT4)!;
    expect(tupleHash([null], [f])).toBe(tupleHash([undefined], [f]));
  });

  test('every group comes out exactly once, whatever the table size and growth', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 500 }),
        (values, groups) => {
          const out = order(values, INT4, groups);
          expect([...out].sort((a, b) => Number(a) - Number(b))).toEqual(
            [...values].sort((a, b) => a - b),
          );
        },
      ),
    );
  });
});
