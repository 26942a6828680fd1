import { Page } from '@pg/page';
import { encodePageImage, isPageImage, restorePageImage, StorageError } from '@pg/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);

describe('page images in WAL', () => {
  it('restore every byte but the hole, which reads as zeros', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 64 }),
        (items, special) => {
          const page = Page.create(special);
          for (const item of items) page.addItem(item);
          const bytes = page.bytes;
          const data = encodePageImage(bytes, 7);
          expect(isPageImage(data, 7)).toBe(true);
          expect(isPageImage(data, 8)).toBe(false);
          const out = new Uint8Array(8192).fill(0xee);
          restorePageImage(out, data);
          const expected = bytes.slice();
          expected.fill(0, page.lower, page.upper);
          expect(Buffer.from(out).equals(Buffer.from(expected))).toBe(true);
          expect(data.length).toBe(5 + 8192 - (page.upper - page.lower));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuse bytes that do not describe a page (XX001)', () => {
    const data = encodePageImage(Page.create().bytes, 2);
    expect(() => restorePageImage(new Uint8Array(8192), data.subarray(0, data.length - 1))).toThrow(
      StorageError,
    );
    const bad = data.slice();
    bad[3] = 0xff;
    bad[4] = 0xff;
    expect(() => restorePageImage(new Uint8Array(8192), bad)).toThrow(/malformed page image/);
  });
});
