/**
 * MergeAppend (PostgreSQL's nodeMergeAppend.c): merges children that each
 * deliver their rows sorted on the node's keys. A binary heap holds the
 * index of every child with a current row, the child whose row sorts
 * first at the top. The heap is PostgreSQL's binaryheap (lib/binaryheap.c)
 * step for step — built from the children in order, sift-down preferring
 * the left child on ties, replace-first / remove-first as the top child
 * advances or runs out — so rows that tie on the keys come out in the same
 * order as on PostgreSQL.
 */

import type { MergeAppendNode } from '@pg/planner';
import type { Builder } from './builder.js';
import { bindToInput, type ExecNode } from './node.js';
import {
  type CompiledSortKey,
  compareKeyValues,
  compileSortKeys,
  genNode,
  keyValues,
} from './rowutil.js';

/**
 * PostgreSQL's binaryheap over child indexes, ordered by `before(a, b)`:
 * negative when child a's row sorts before child b's (the top is the
 * child that sorts first).
 */
export class MergeHeap {
  readonly #nodes: number[] = [];
  #size = 0;

  constructor(readonly before: (a: number, b: number) => number) {}

  get size(): number {
    return this.#size;
  }

  /** binaryheap_add_unordered. */
  addUnordered(i: number): void {
    this.#nodes[this.#size++] = i;
  }

  /** binaryheap_build: sift down every parent, last first. */
  build(): void {
    for (let i = ((this.#size - 2) >> 1) | 0; i >= 0; i--) this.#siftDown(i);
  }

  /** binaryheap_first (the heap is not empty). */
  first(): number {
    return this.#nodes[0]!;
  }

  /** binaryheap_replace_first with the same child (its row changed). */
  replaceFirst(): void {
    if (this.#size > 1) this.#siftDown(0);
  }

  /** binaryheap_remove_first. */
  removeFirst(): void {
    if (this.#size === 1) {
      this.#size = 0;
      return;
    }
    this.#swap(0, this.#size - 1);
    this.#size--;
    this.#siftDown(0);
  }

  // binaryheap's comparator answers "is b larger": here, does b sort before a
  #larger(a: number, b: number): boolean {
    return this.before(this.#nodes[b]!, this.#nodes[a]!) < 0;
  }

  #siftDown(start: number): void {
    let node = start;
    for (;;) {
      const left = 2 * node + 1;
      const right = 2 * node + 2;
      let swap = 0;
      if (left < this.#size && this.#larger(node, left)) swap = left;
      if (right < this.#size && this.#larger(node, right)) {
        if (swap === 0 || this.#larger(left, right)) swap = right;
      }
      if (swap === 0) return;
      this.#swap(swap, node);
      node = swap;
    }
  }

  #swap(a: number, b: number): void {
    const t = this.#nodes[a]!;
    this.#nodes[a] = this.#nodes[b]!;
    this.#nodes[b] = t;
  }
}

/**
 * Merges `children` (each a function returning its next row, undefined at
 * the end) by `compare` over their rows' key values, as ExecMergeAppend.
 */
export function* mergeSorted(
  children: readonly (() => unknown[] | undefined)[],
  keyOf: (child: number, row: unknown[]) => unknown[],
  compare: (a: readonly unknown[], b: readonly unknown[]) => number,
): Generator<unknown[]> {
  const rows: (unknown[] | undefined)[] = [];
  const keys: unknown[][] = [];
  const heap = new MergeHeap((a, b) => compare(keys[a]!, keys[b]!));
  for (let i = 0; i < children.length; i++) {
    const r = children[i]!();
    rows[i] = r;
    if (r !== undefined) {
      keys[i] = keyOf(i, r);
      heap.addUnordered(i);
    }
  }
  heap.build();
  while (heap.size > 0) {
    const i = heap.first();
    yield rows[i]!;
    const r = children[i]!();
    rows[i] = r;
    if (r === undefined) heap.removeFirst();
    else {
      keys[i] = keyOf(i, r);
      heap.replaceFirst();
    }
  }
}

export function buildMergeAppend(b: Builder, node: MergeAppendNode): ExecNode {
  const registry = b.cx.registry;
  const env = b.cx.env;
  const children = node.children.map((c) => b.build(c));
  // keys are written over the MergeAppend's output or over the first child's columns: either
  // way they read a child's row positionally (every child's columns line up with the first's)
  let over = node.output;
  try {
    for (const k of node.keys) bindToInput(k.expr, node.output);
  } catch {
    over = node.children[0]?.output ?? node.output;
  }
  const compiled: CompiledSortKey[] = compileSortKeys(node.keys, over, registry);
  return genNode(
    () =>
      mergeSorted(
        children.map((c) => () => c.next()),
        (_i, r) => keyValues(compiled, r, env),
        (x, y) => compareKeyValues(compiled, x, y),
      ),
    {
      rescan: () => {
        for (const c of children) c.rescan();
      },
      close: () => {
        for (const c of children) c.close();
      },
    },
  );
}
