/** MergeAppend's merge (PostgreSQL's binaryheap): property tests over random sorted children. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MergeHeap, mergeSorted } from './merge-append.js';

function run(children: readonly (readonly [number, number][])[]): [number, number][] {
  const pos = children.map(() => 0);
  const next = children.map((c, i) => () => {
    const r = c[pos[i]!];
    if (r === undefined) return undefined;
    pos[i]!++;
    return [...r];
  });
  return [
    ...mergeSorted(
      next,
      (_i, r) => [r[0]],
      (a, b) => (a[0] as number) - (b[0] as number),
    ),
  ] as [number, number][];
}

describe('mergeSorted', () => {
  it('merges sorted children into a sorted multiset equal to their union', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 30 }), { maxLength: 8 }),
        (raw) => {
          // each row: [key, child*1000 + position] so the union is compared row by row
          const children = raw.map((ks, c) =>
            [...ks].sort((x, y) => x - y).map((k, p) => [k, c * 1000 + p] as [number, number]),
          );
          const out = run(children);
          for (let i = 1; i < out.length; i++)
            expect(out[i - 1]![0]).toBeLessThanOrEqual(out[i]![0]);
          const key = (r: [number, number]) => `${r[0]}:${r[1]}`;
          expect(out.map(key).sort()).toEqual(children.flat().map(key).sort());
          // each child's rows stay in their own order
          for (let c = 0; c < children.length; c++) {
            const mine = out.filter((r) => Math.floor(r[1] / 1000) === c);
            expect(mine).toEqual(children[c]);
          }
        },
      ),
    );
  });

  it('breaks ties as PostgreSQL 15 does', () => {
    // ties between three children: the heap is built bottom-up and sift-down prefers the left child
    const out = run([
      [
        [1, 0],
        [1, 1],
      ],
      [[1, 1000]],
      [[1, 2000]],
    ]);
    expect(out.map((r) => r[1])).toEqual([0, 1, 2000, 1000]);
  });

  it('heap with one child', () => {
    const h = new MergeHeap(() => 0);
    h.addUnordered(0);
    h.build();
    expect(h.first()).toBe(0);
    h.removeFirst();
    expect(h.size).toBe(0);
  });
});
