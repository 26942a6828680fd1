/**
 * Untrusted bytes: whatever a page holds, reading it, verifying it and
 * operating on it either works or throws a PageError naming the problem.
 * Never a RangeError from a typed array, never a write outside the page.
 */
import { BLCKSZ, Page, PageError } from '@pg/page';
import { checkPage } from '@pg/page/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);

/** A plausible page (a few items), then random damage to its first bytes or anywhere. */
const damagedPage = fc
  .record({
    items: fc.array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { maxLength: 30 }),
    special: fc.constantFrom(0, 16),
    damage: fc.array(
      fc.record({
        at: fc.oneof(fc.nat({ max: 140 }), fc.nat({ max: BLCKSZ - 1 })),
        value: fc.nat({ max: 255 }),
      }),
      {
        minLength: 1,
        maxLength: 6,
      },
    ),
  })
  .map(({ items, special, damage }) => {
    const page = Page.create(special);
    for (const item of items) page.addItem(item);
    for (const { at, value } of damage) page.bytes[at] = value;
    return page.bytes;
  });

/** Runs fn; anything thrown must be a PageError. */
function onlyPageErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof PageError)) throw e;
    expect(e.code).toMatch(/^XX00[01]$/);
  }
}

function exerciseEverything(bytes: Uint8Array): void {
  const outside = new Uint8Array(BLCKSZ + 64);
  outside.set(bytes, 32);
  const view = outside.subarray(32, 32 + BLCKSZ);
  const page = Page.wrap(view);
  onlyPageErrors(() => page.verify({ checksums: true }));
  const n = Math.min(page.maxOffsetNumber, 300);
  for (let i = 0; i <= n + 1; i++) {
    onlyPageErrors(() => page.item(i));
    onlyPageErrors(() => page.itemId(i));
  }
  onlyPageErrors(() => page.specialSpace());
  onlyPageErrors(() => page.heapFreeSpace());
  onlyPageErrors(() => page.addItem(new Uint8Array(17).fill(7)));
  onlyPageErrors(() => Page.wrap(view.slice()).repairFragmentation());
  onlyPageErrors(() => Page.wrap(view.slice()).truncateLinePointerArray());
  onlyPageErrors(() => Page.wrap(view.slice()).indexTupleDelete(1));
  onlyPageErrors(() => Page.wrap(view.slice()).indexMultiDelete([1, 2, 3]));
  onlyPageErrors(() => Page.wrap(view.slice()).overwriteItem(1, new Uint8Array(3)));
  // Nothing was written outside the page's own bytes.
  expect(outside.subarray(0, 32).every((b) => b === 0)).toBe(true);
  expect(outside.subarray(32 + BLCKSZ).every((b) => b === 0)).toBe(true);
}

describe('malformed pages', () => {
  it('damaged pages give PageErrors, never RangeErrors', () => {
    fc.assert(fc.property(damagedPage, exerciseEverything), { numRuns: RUNS });
  });

  it('random headers give PageErrors, never RangeErrors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (head) => {
        const bytes = new Uint8Array(BLCKSZ);
        bytes.set(head);
        exerciseEverything(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('a page the checker accepts is one Page.read accepts', () => {
    fc.assert(
      fc.property(damagedPage, (bytes) => {
        if (checkPage(bytes).length === 0)
          expect(() => Page.read(bytes, { linePointers: true })).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });

  it('a page Page.read accepts can be read item by item without error', () => {
    fc.assert(
      fc.property(damagedPage, (bytes) => {
        let page: Page;
        try {
          page = Page.read(bytes, { linePointers: true });
        } catch (e) {
          expect(e).toBeInstanceOf(PageError);
          return;
        }
        for (let i = 1; i <= page.maxOffsetNumber; i++) page.item(i);
      }),
      { numRuns: RUNS },
    );
  });
});
