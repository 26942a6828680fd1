/**
 * Model-based property tests: random sequences of page operations run on a
 * Page and on the PageModel; after every step the page's invariants hold
 * (checkPage), pd_lower/pd_upper/PD_HAS_FREE_LINES agree with the model and
 * every item with storage reads back byte-identical.
 *
 * PG_PROPERTY_RUNS raises the number of runs (default 300 per property).
 */
import { BLCKSZ, LP_DEAD, LP_NORMAL, LP_REDIRECT, LP_UNUSED, maxAlign, Page } from '@pg/page';
import { checkPage, type ModelEntry, PageModel } from '@pg/page/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);

/** Item bytes: mostly small, sometimes large enough to fill a page quickly. */
const itemBytes = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 120 }) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 121, maxLength: 900 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 901, maxLength: 3000 }) },
);
const pick = fc.nat({ max: 1000 });

type HeapOp =
  | { op: 'add'; data: Uint8Array }
  | { op: 'addInto'; at: number; data: Uint8Array }
  | { op: 'setUnused' | 'setDead' | 'markDead'; at: number }
  | { op: 'redirect'; at: number; to: number }
  | { op: 'repair' }
  | { op: 'truncate' }
  | { op: 'header'; lsn: bigint; pruneXid: number; allVisible: boolean };

const heapOp: fc.Arbitrary<HeapOp> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('add' as const), data: itemBytes }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('addInto' as const), at: pick, data: itemBytes }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constantFrom('setUnused' as const, 'setDead' as const, 'markDead' as const),
      at: pick,
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('redirect' as const), at: pick, to: pick }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('repair' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('header' as const),
      lsn: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      pruneXid: fc.nat(),
      allVisible: fc.boolean(),
    }),
  },
);

type IndexOp =
  | { op: 'insert'; at: number; data: Uint8Array }
  | { op: 'append'; data: Uint8Array }
  | { op: 'delete'; at: number }
  | { op: 'multiDelete'; picks: number[] }
  | { op: 'kill'; at: number }
  | { op: 'overwrite'; at: number; data: Uint8Array };

const indexOp: fc.Arbitrary<IndexOp> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ op: fc.constant('insert' as const), at: pick, data: itemBytes }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('append' as const), data: itemBytes }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('multiDelete' as const),
      picks: fc.array(pick, { maxLength: 40 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('kill' as const), at: pick }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('overwrite' as const), at: pick, data: itemBytes }),
  },
);

/** Maps a random pick onto 1..n (or undefined on an empty page). */
function offsetOf(p: number, n: number): number | undefined {
  return n === 0 ? undefined : (p % n) + 1;
}

/** The whole comparison between a page and its model. */
function expectAgrees(page: Page, model: PageModel): void {
  expect(checkPage(page.bytes)).toEqual([]);
  expect(page.lower).toBe(model.lower);
  expect(page.upper).toBe(model.upper);
  expect(page.special).toBe(model.special);
  expect(page.hasFreeLinePointers).toBe(model.hasFreeLines);
  expect(page.maxOffsetNumber).toBe(model.entries.length);
  model.entries.forEach((entry, i) => {
    expectEntry(page, i + 1, entry);
  });
}

function expectEntry(page: Page, n: number, entry: ModelEntry): void {
  const lp = page.itemId(n);
  switch (entry.kind) {
    case 'unused':
      expect(lp).toEqual({ off: 0, flags: LP_UNUSED, len: 0 });
      expect(page.item(n)).toBeUndefined();
      break;
    case 'redirect':
      expect(lp).toEqual({ off: entry.target, flags: LP_REDIRECT, len: 0 });
      break;
    case 'normal':
      expect(lp.flags).toBe(LP_NORMAL);
      expect(page.item(n)).toEqual(entry.data);
      break;
    case 'dead':
      expect(lp.flags).toBe(LP_DEAD);
      if (entry.data === undefined) expect(lp.len).toBe(0);
      else expect(page.item(n)).toEqual(entry.data);
      break;
  }
}

/** After compaction the items sit back to back below pd_special, item 1 highest. */
function expectPacked(page: Page): void {
  let next = page.special;
  for (let n = 1; n <= page.maxOffsetNumber; n++) {
    const lp = page.itemId(n);
    if (lp.len === 0 || (lp.flags !== LP_NORMAL && lp.flags !== LP_DEAD)) continue;
    next -= maxAlign(lp.len);
    expect(lp.off).toBe(next);
  }
  expect(page.upper).toBe(next);
}

describe('heap-style pages against the model', () => {
  it('add / set unused, dead, redirect / repair / truncate', () => {
    fc.assert(
      fc.property(fc.array(heapOp, { maxLength: 80 }), (ops) => {
        const page = Page.create();
        const model = new PageModel();
        /** Offset numbers some redirect points at: they keep their storage. */
        const targets = () =>
          new Set(model.entries.flatMap((e) => (e.kind === 'redirect' ? [e.target] : [])));
        for (const step of ops) {
          const n = model.entries.length;
          switch (step.op) {
            case 'add':
              expect(page.addItem(step.data, { isHeap: true })).toBe(
                model.add(step.data, { isHeap: true }),
              );
              break;
            case 'addInto': {
              const unused = model.entries.flatMap((e, i) => (e.kind === 'unused' ? [i + 1] : []));
              const at = unused.length ? unused[step.at % unused.length]! : n + 1;
              const opts = { offsetNumber: at, overwrite: true, isHeap: true };
              expect(page.addItem(step.data, opts)).toBe(model.add(step.data, opts));
              break;
            }
            case 'setUnused':
            case 'setDead':
            case 'markDead': {
              const at = offsetOf(step.at, n);
              if (at === undefined || targets().has(at)) break;
              if (step.op === 'markDead' && model.entries[at - 1]!.kind !== 'normal') break;
              page[step.op](at);
              model[step.op](at);
              break;
            }
            case 'redirect': {
              const at = offsetOf(step.at, n);
              const normals = model.entries.flatMap((e, i) => (e.kind === 'normal' ? [i + 1] : []));
              if (at === undefined || targets().has(at)) break;
              const to = normals.filter((x) => x !== at)[step.to % Math.max(1, normals.length - 1)];
              if (to === undefined) break;
              page.setRedirect(at, to);
              model.setRedirect(at, to);
              break;
            }
            case 'repair':
              page.repairFragmentation();
              model.repairFragmentation();
              expectPacked(page);
              break;
            case 'truncate':
              page.truncateLinePointerArray();
              model.truncateLinePointerArray();
              break;
            case 'header':
              page.lsn = step.lsn;
              page.pruneXid = step.pruneXid;
              page.isAllVisible = step.allVisible;
              expect(page.lsn).toBe(step.lsn);
              expect(page.pruneXid).toBe(step.pruneXid);
              expect(page.isAllVisible).toBe(step.allVisible);
              break;
          }
          expectAgrees(page, model);
        }
        // A checksummed page verifies, at its own block number only.
        page.setChecksum(7);
        expect(page.verify({ blockNumber: 7, checksums: true })).toEqual({
          ok: true,
          isNew: false,
        });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('index-style pages against the model', () => {
  it('insert with shuffle / delete / multi-delete / kill / overwrite', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 }),
        fc.array(indexOp, { maxLength: 80 }),
        (specialSize, ops) => {
          const page = Page.create(specialSize);
          const model = new PageModel(specialSize);
          page.specialSpace().fill(0xab);
          for (const step of ops) {
            const n = model.entries.length;
            switch (step.op) {
              case 'insert': {
                const at = (step.at % (n + 1)) + 1;
                expect(page.addItem(step.data, { offsetNumber: at })).toBe(
                  model.add(step.data, { offsetNumber: at }),
                );
                break;
              }
              case 'append':
                expect(page.addItem(step.data)).toBe(model.add(step.data));
                break;
              case 'delete': {
                const at = offsetOf(step.at, n);
                if (at === undefined) break;
                page.indexTupleDelete(at);
                model.indexTupleDelete(at);
                break;
              }
              case 'multiDelete': {
                if (n === 0) break;
                const offsets = [...new Set(step.picks.map((p) => (p % n) + 1))].sort(
                  (a, b) => a - b,
                );
                page.indexMultiDelete(offsets);
                model.indexMultiDelete(offsets);
                if (offsets.length > 2) expectPacked(page);
                break;
              }
              case 'kill': {
                const at = offsetOf(step.at, n);
                if (at === undefined) break;
                page.markDead(at);
                model.markDead(at);
                break;
              }
              case 'overwrite': {
                const at = offsetOf(step.at, n);
                if (at === undefined) break;
                expect(page.overwriteItem(at, step.data)).toBe(model.overwrite(at, step.data));
                break;
              }
            }
            expectAgrees(page, model);
            expect(page.specialSpace().every((b) => b === 0xab)).toBe(true);
            expect(page.specialSpace().length).toBe(BLCKSZ - page.special);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
