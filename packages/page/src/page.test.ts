import {
  BLCKSZ,
  drawPage,
  formatLsn,
  LP_DEAD,
  LP_NORMAL,
  LP_UNUSED,
  MAX_HEAP_TUPLES_PER_PAGE,
  MAX_INDEX_TUPLES_PER_PAGE,
  Page,
  PageError,
  parseLsn,
} from '@pg/page';
import { checkPage } from '@pg/page/testing';
import { describe, expect, it } from 'vitest';

const bytes = (...b: number[]) => Uint8Array.from(b);

function pageError(fn: () => unknown): PageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PageError) return e;
    throw e;
  }
  throw new Error('expected a PageError');
}

describe('PageInit', () => {
  it('lays out an empty heap page as PostgreSQL does', () => {
    const page = Page.create();
    expect(page.header()).toEqual({
      lsn: 0n,
      checksum: 0,
      flags: 0,
      lower: 24,
      upper: 8192,
      special: 8192,
      pageSize: 8192,
      version: 4,
      pruneXid: 0,
    });
    expect([...page.bytes.subarray(12, 20)]).toEqual([24, 0, 0, 0x20, 0, 0x20, 0x04, 0x20]);
    expect(page.freeSpace()).toBe(8192 - 24 - 4);
  });

  it('rounds the special space up to MAXALIGN', () => {
    const page = Page.create(12);
    expect(page.special).toBe(8192 - 16);
    expect(page.specialSpace().length).toBe(16);
  });

  it('is a view: no copy of the bytes is made', () => {
    const big = new Uint8Array(3 * BLCKSZ);
    const page = Page.init(big.subarray(BLCKSZ, 2 * BLCKSZ));
    page.addItem(bytes(0xee));
    expect(big[2 * BLCKSZ - 8]).toBe(0xee);
    expect(big[0]).toBe(0);
  });

  it('rejects buffers of the wrong size and impossible special sizes', () => {
    expect(pageError(() => Page.wrap(new Uint8Array(100))).problem.kind).toBe('wrong-buffer-size');
    expect(pageError(() => Page.create(9000)).code).toBe('XX000');
  });
});

describe('PageAddItemExtended', () => {
  it('stores items from the end, MAXALIGNed, with line pointers from the front', () => {
    const page = Page.create();
    expect(page.addItem(bytes(1, 2, 3))).toBe(1);
    expect(page.addItem(bytes(4, 5, 6, 7, 8, 9, 10, 11, 12))).toBe(2);
    expect(page.itemIds()).toEqual([
      { off: 8184, flags: LP_NORMAL, len: 3 },
      { off: 8168, flags: LP_NORMAL, len: 9 },
    ]);
    expect(page.lower).toBe(32);
    expect(page.upper).toBe(8168);
    expect(page.item(2)).toEqual(bytes(4, 5, 6, 7, 8, 9, 10, 11, 12));
  });

  it('reuses the first unused line pointer only when PD_HAS_FREE_LINES says so', () => {
    const page = Page.create();
    for (let i = 0; i < 4; i++) page.addItem(bytes(i));
    page.setUnused(2);
    expect(page.addItem(bytes(9))).toBe(5); // no hint yet: append
    page.repairFragmentation();
    expect(page.hasFreeLinePointers).toBe(true);
    expect(page.addItem(bytes(10))).toBe(2); // the hint: reuse
    expect(page.addItem(bytes(11))).toBe(6);
    expect(page.hasFreeLinePointers).toBe(false); // the scan found none and cleared it
  });

  it('shuffles line pointers up when inserting at an offset (index style)', () => {
    const page = Page.create(16);
    page.addItem(bytes(1));
    page.addItem(bytes(3));
    expect(page.addItem(bytes(2), { offsetNumber: 2 })).toBe(2);
    expect([1, 2, 3].map((n) => page.mustItem(n)[0])).toEqual([1, 2, 3]);
  });

  it('refuses to overwrite a used line pointer, or to go past the end', () => {
    const page = Page.create();
    page.addItem(bytes(1));
    expect(
      pageError(() => page.addItem(bytes(2), { offsetNumber: 1, overwrite: true })).problem,
    ).toEqual({
      kind: 'item-in-use',
      offsetNumber: 1,
    });
    expect(pageError(() => page.addItem(bytes(2), { offsetNumber: 3 })).problem.kind).toBe(
      'invalid-offset-number',
    );
    expect(pageError(() => page.addItem(new Uint8Array(0))).problem.kind).toBe('empty-item');
  });

  it('returns undefined when the item does not fit, and stops heap pages at MaxHeapTuplesPerPage', () => {
    const page = Page.create();
    expect(page.addItem(new Uint8Array(8161))).toBeUndefined(); // MAXALIGNs to 8168 > 8164 free
    expect(page.addItem(new Uint8Array(8160))).toBe(1);
    expect(page.freeSpace()).toBe(0);

    const heap = Page.create();
    let n = 0;
    while (heap.addItem(bytes(1), { isHeap: true }) !== undefined) n++;
    expect(n).toBe(MAX_HEAP_TUPLES_PER_PAGE);
    expect(MAX_HEAP_TUPLES_PER_PAGE).toBe(291);
    expect(MAX_INDEX_TUPLES_PER_PAGE).toBe(408);
    expect(heap.heapFreeSpace()).toBe(0);
    expect(heap.freeSpace()).toBeGreaterThan(0);
  });
});

describe('line pointer states and compaction', () => {
  it('repair keeps offset numbers, packs storage, and truncates trailing unused pointers', () => {
    const page = Page.create();
    for (let i = 1; i <= 5; i++) page.addItem(new Uint8Array(10).fill(i));
    page.setUnused(2);
    page.setDead(3);
    page.setUnused(5);
    page.repairFragmentation();
    expect(page.itemIds()).toEqual([
      { off: 8176, flags: LP_NORMAL, len: 10 },
      { off: 0, flags: LP_UNUSED, len: 0 },
      { off: 0, flags: LP_DEAD, len: 0 },
      { off: 8160, flags: LP_NORMAL, len: 10 },
    ]);
    expect(page.mustItem(4)).toEqual(new Uint8Array(10).fill(4));
    expect(page.upper).toBe(8160);
    expect(checkPage(page.bytes)).toEqual([]);
  });

  it('repair drops all line pointers when all are unused, truncate keeps the first', () => {
    const a = Page.create();
    a.addItem(bytes(1));
    a.addItem(bytes(2));
    a.setUnused(1);
    a.setUnused(2);
    const b = Page.wrap(a.bytes.slice());
    a.repairFragmentation();
    expect(a.maxOffsetNumber).toBe(0);
    expect(a.upper).toBe(8192);
    b.truncateLinePointerArray();
    expect(b.maxOffsetNumber).toBe(1);
    expect(b.hasFreeLinePointers).toBe(true);
  });

  it('a small page with an unused last pointer is truncated by repair', () => {
    const page = Page.create();
    page.addItem(bytes(1));
    page.addItem(bytes(2));
    page.setUnused(2);
    page.repairFragmentation();
    expect(page.maxOffsetNumber).toBe(1);
    expect(page.hasFreeLinePointers).toBe(false);
  });

  it('index multi-delete rejects offsets that are unsorted or out of range', () => {
    const page = Page.create(16);
    for (let i = 0; i < 6; i++) page.addItem(bytes(i));
    expect(pageError(() => page.indexMultiDelete([3, 2, 4])).problem.kind).toBe(
      'incorrect-index-offsets',
    );
    expect(pageError(() => page.indexMultiDelete([1, 2, 9])).problem.kind).toBe(
      'incorrect-index-offsets',
    );
    expect(pageError(() => page.indexMultiDelete([2, 2])).problem.kind).toBe(
      'incorrect-index-offsets',
    );
    expect(page.maxOffsetNumber).toBe(6); // nothing changed
  });
});

describe('checksums and verification', () => {
  it('verifies a checksummed page only at its own block number', () => {
    const page = Page.create();
    page.addItem(bytes(1, 2, 3));
    page.setChecksum(42);
    expect(page.checksum).toBeGreaterThan(0);
    expect(page.verify({ blockNumber: 42, checksums: true }).ok).toBe(true);
    const moved = page.verify({ blockNumber: 43, checksums: true });
    expect(moved.ok).toBe(false);
    page.bytes[8000] = page.bytes[8000]! ^ 1;
    const flipped = page.verify({ blockNumber: 42, checksums: true });
    expect(!flipped.ok && flipped.problems[0]!.kind).toBe('checksum-mismatch');
    expect(
      pageError(() => Page.read(page.bytes, { blockNumber: 42, checksums: true })).message,
    ).toMatch(/^page verification failed, calculated checksum \d+ but expected \d+ \(block 42\)$/);
  });

  it('accepts an all-zero page as new, and rejects a "new" page with garbage', () => {
    const zero = new Uint8Array(BLCKSZ);
    expect(Page.read(zero, { checksums: true }).isNew()).toBe(true);
    zero[5000] = 1;
    expect(pageError(() => Page.read(zero)).problem.kind).toBe('garbage-in-new-page');
  });

  it('names what is wrong with a malformed page', () => {
    const page = Page.create();
    page.addItem(bytes(1));
    const b = page.bytes;
    const lower = b[12]!;
    b[12] = 0xff;
    b[13] = 0x7f; // pd_lower = 32767 > pd_upper
    expect(pageError(() => Page.read(b)).message).toBe(
      'corrupted page pointers: lower = 32767, upper = 8184, special = 8192',
    );
    expect(pageError(() => page.item(1)).code).toBe('XX001');
    b[12] = lower;
    b[13] = 0;
    b[18] = 0x05; // layout version 5
    expect(pageError(() => Page.read(b)).problem).toEqual({
      kind: 'wrong-page-size-or-version',
      pageSize: 8192,
      version: 5,
    });
  });
});

describe('LSNs and pictures', () => {
  it('prints LSNs as PostgreSQL does', () => {
    expect(formatLsn(0x16b3748n)).toBe('0/16B3748');
    expect(formatLsn((1n << 32n) | 0xabn)).toBe('1/AB');
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    const page = Page.create();
    page.lsn = parseLsn('2F/DEADBEEF');
    expect(formatLsn(page.lsn)).toBe('2F/DEADBEEF');
  });

  it('draws a page', () => {
    const page = Page.create(16);
    page.addItem(new Uint8Array(300));
    page.addItem(new Uint8Array(200));
    page.markDead(2);
    const picture = drawPage(page);
    expect(picture).toContain('lower 32, upper 7672, special 8176');
    expect(picture).toMatch(/\[H\.+x+1+S\]/);
    expect(picture).toContain('  2  DEAD         7672     200');
  });
});
