/**
 * Test-only: the operations, checks and counters that heapam.test.ts and
 * heapam.crash.test.ts share (random transactions against {@link HeapModel}).
 */
import { TM_Result } from '@pg/mvcc';
import { LP_NORMAL, LP_REDIRECT } from '@pg/page';
import { builtins } from '@pg/types';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Heap } from './heapam.js';
import { type FakeTransactions, type FakeXact, type HeapModel, tidKey } from './heapam-model.js';
import {
  HEAP_HOT_UPDATED,
  HEAP_ONLY_TUPLE,
  tupleCtid,
  tupleInfomask2,
  tupleXmax,
  tupleXmin,
} from './tuple.js';
import { checkHeapTuple } from './tuple-check.js';

export const int4 = builtins.typeByName('int4')!;
export const text = builtins.typeByName('text')!;
export const TYPES = [int4, int4, text];
export const REL = { spcOid: 1663, dbOid: 5, relNumber: 16700 };
/** Column 2 ("k") is indexed. */
export const INDEXED = new Set([2]);

export type Op =
  | { kind: 'begin' }
  | { kind: 'insert'; t: number; k: number; pad: number }
  | { kind: 'update'; t: number; pick: number; changeKey: boolean; pad: number }
  | { kind: 'delete'; t: number; pick: number }
  | { kind: 'end'; t: number; commit: boolean }
  | { kind: 'modifyAny'; t: number; pick: number }
  | { kind: 'prune'; force: boolean };

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'begin' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      t: fc.nat(7),
      k: fc.integer({ min: 0, max: 50 }),
      pad: fc.constantFrom(0, 10, 200, 900, 3000),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      t: fc.nat(7),
      pick: fc.nat(1000),
      changeKey: fc.boolean(),
      pad: fc.constantFrom(0, 10, 200, 900, 3000),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      t: fc.nat(7),
      pick: fc.nat(1000),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('end' as const), t: fc.nat(7), commit: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('prune' as const), force: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('modifyAny' as const),
      t: fc.nat(7),
      pick: fc.nat(1000),
    }),
  },
);

export const seen = {
  hot: 0,
  cold: 0,
  samePageCold: 0,
  updated: 0,
  deleted: 0,
  beingModified: 0,
  self: 0,
  redirects: 0,
  prunes: 0,
};

/** Checks every tuple and the HOT invariant HA3 of every page. */
export function checkPages(heap: Heap): void {
  for (let b = 0; b < heap.nblocks(); b++) {
    const buffer = heap.pool.readBuffer(heap.rel, 0, b);
    try {
      const page = heap.pool.page(buffer);
      if (page.isNew()) continue;
      for (let off = 1; off <= page.maxOffsetNumber; off++) {
        const lp = page.itemId(off);
        if (lp.flags === LP_REDIRECT) seen.redirects++;
        if (lp.flags !== LP_NORMAL) continue;
        const item = page.mustItem(off);
        expect(checkHeapTuple(TYPES, item)).toEqual([]);
        if ((tupleInfomask2(item) & HEAP_HOT_UPDATED) !== 0) {
          // HA3, for a chain that pruning has not cut (an aborted successor may be gone, its slot reused)
          const next = tupleCtid(item);
          expect(next.block).toBe(b);
          if (next.offset > page.maxOffsetNumber || page.itemId(next.offset).flags !== LP_NORMAL)
            continue;
          const nextItem = page.mustItem(next.offset);
          if (tupleXmin(nextItem) !== tupleXmax(item)) continue;
          expect(tupleInfomask2(nextItem) & HEAP_ONLY_TUPLE).toBe(HEAP_ONLY_TUPLE);
        }
      }
    } finally {
      heap.pool.release(buffer);
    }
  }
}

export interface Harness {
  heap: Heap;
  xacts: FakeTransactions;
  model: HeapModel;
  open: FakeXact[];
}

/** Applies one op to the heap and the model, checking the heap's answers. */
export function applyOp(h: Harness, o: Op): void {
  const { heap, xacts, model, open } = h;
  const pickXact = (t: number) => open[t % Math.max(1, open.length)];
  switch (o.kind) {
    case 'begin':
      if (open.length < 4) open.push(xacts.begin());
      return;
    case 'prune': {
      const horizon = xacts.oldestXmin(open);
      const ctx = xacts.context(undefined);
      for (let b = 0; b < heap.nblocks(); b++) {
        const r = o.force ? heap.prune(b, horizon, ctx) : heap.pruneOpt(b, horizon, ctx);
        if (r.pruned) seen.prunes++;
      }
      model.forgetDead(horizon);
      return;
    }
    case 'end': {
      const x = pickXact(o.t);
      if (!x) return;
      xacts.end(x, o.commit);
      open.splice(open.indexOf(x), 1);
      return;
    }
    case 'insert': {
      const x = pickXact(o.t);
      if (!x) return;
      const values = [model.versions.size, o.k, 'p'.repeat(o.pad)];
      const tid = heap.insert(values, x.xid, x.cid);
      expect(model.get(tid)).toBeUndefined();
      model.add({ tid, values, xmin: x.xid, cmin: x.cid, root: tid });
      x.cid++;
      return;
    }
    case 'update':
    case 'delete':
    case 'modifyAny': {
      const x = pickXact(o.t);
      if (!x) return;
      const candidates = [...model.versions.values()].filter(
        (v) => o.kind === 'modifyAny' || model.visible(v, x),
      );
      const v = candidates[o.pick % Math.max(1, candidates.length)];
      if (!v) return;
      if (o.kind === 'modifyAny' && model.expectedModify(v, x).result !== 'TM_Ok') {
        // a version our snapshot may not see: only the failure answers are compared here
        const expected = model.expectedModify(v, x);
        const r = heap.delete(v.tid, xacts.writer(x));
        if (!model.visible(v, x) && expected.result === 'TM_Ok') return;
        expect(r.result).toBe(expected.result);
        return;
      }
      if (o.kind === 'modifyAny') return;
      const expected = model.expectedModify(v, x);
      const w = xacts.writer(x);
      if (o.kind === 'delete') {
        const r = heap.delete(v.tid, w);
        expect(r.result).toBe(expected.result);
        if (r.result === TM_Result.Ok) {
          v.xmax = x.xid;
          v.cmax = x.cid;
          delete v.next;
          seen.deleted++;
        } else checkFailure(r, expected, v);
      } else {
        const k = (o.changeKey ? 1 : 0) + (v.values[1] as number);
        const values = [v.values[0], k, 'q'.repeat(o.pad)];
        const r = heap.update(v.tid, values, w, INDEXED);
        expect(r.result).toBe(expected.result);
        if (r.result === TM_Result.Ok) {
          const tid = r.tid!;
          const hot = r.indexesNeedUpdate === false;
          // HOT exactly when same page and no indexed column changed
          expect(hot).toBe(tid.block === v.tid.block && !o.changeKey);
          if (hot) seen.hot++;
          else if (tid.block === v.tid.block) seen.samePageCold++;
          else seen.cold++;
          v.xmax = x.xid;
          v.cmax = x.cid;
          v.next = tid;
          model.add({ tid, values, xmin: x.xid, cmin: x.cid, root: hot ? v.root : tid });
        } else checkFailure(r, expected, v);
      }
      x.cid++;
      return;
    }
  }
}

function checkFailure(
  r: ReturnType<Heap['delete']>,
  expected: { result: string; xmax?: number },
  v: { tid: { block: number; offset: number }; next?: { block: number; offset: number } },
): void {
  if (r.result === TM_Result.Ok) return;
  if (r.result === TM_Result.BeingModified) seen.beingModified++;
  if (r.result === TM_Result.SelfModified) seen.self++;
  if (expected.xmax !== undefined) expect(r.xmax).toBe(expected.xmax);
  if (r.result === TM_Result.Updated) {
    seen.updated++;
    expect(r.ctid).toEqual(v.next);
  }
  if (r.result === TM_Result.Deleted) expect(r.ctid).toEqual(v.tid);
}

/** Scans and fetches from every open transaction and a new reader agree with the model. */
export function checkReads(h: Harness): void {
  const { heap, xacts, model } = h;
  for (const x of [undefined, ...h.open]) {
    const snapshot = xacts.snapshot(x);
    const ctx = xacts.context(x);
    // as of every command so far (a cursor opened earlier sees the table as it was then)
    for (
      let curcid = x === undefined ? 0 : Math.max(0, x.cid - 3);
      curcid <= (x?.cid ?? 0);
      curcid++
    ) {
      const scanned = new Map<string, readonly unknown[]>();
      for (const row of heap.scan({ ...snapshot, curcid }, ctx))
        scanned.set(tidKey(row.tid), row.values);
      const expected = model.visibleRows(x, curcid);
      expect(new Map([...scanned].sort())).toEqual(
        new Map([...expected].map(([k, v]) => [k, [...v]] as const).sort()),
      );
    }
    // fetch by every chain root: the member this snapshot sees, or null
    const roots = new Map<string, { block: number; offset: number }>();
    for (const v of model.versions.values()) roots.set(tidKey(v.root), v.root);
    for (const [rk, root] of roots) {
      const want = [...model.versions.values()].filter(
        (v) => tidKey(v.root) === rk && model.visible(v, x),
      );
      expect(want.length).toBeLessThanOrEqual(1);
      const got = heap.fetch(root, snapshot, ctx);
      if (want[0] === undefined) expect(got, `fetch ${rk}`).toBeNull();
      else expect(got, `fetch ${rk}`).toEqual({ tid: want[0].tid, values: [...want[0].values] });
    }
  }
}
