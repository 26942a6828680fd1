/**
 * heapMultiInsert (heap_multi_insert): random batches of rows put on pages
 * a page at a time leave exactly the pages (bytes) that inserting the
 * same rows one by one with heap_insert leaves, at every fillfactor, and
 * the TIDs come back in input order.
 */
import { BufferPool, MemorySmgr } from '@pg/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Heap } from './internal/heapam.js';
import { REL, TYPES } from './internal/heapam-harness.js';
import { heapMultiInsert } from './internal/multi-insert.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 6);

function newHeap(fillfactor: number): Heap {
  const smgr = new MemorySmgr();
  smgr.create(REL, 0);
  const pool = new BufferPool({ smgr, sharedBuffers: 64 * 8192, checksums: false });
  return new Heap({ pool, rel: REL, types: TYPES, fillfactor });
}

function pages(heap: Heap): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let b = 0; b < heap.nblocks(); b++) out.push(heap.readCopy(b));
  return out;
}

const row = fc.tuple(
  fc.integer(),
  fc.option(fc.integer(), { nil: null }),
  fc.option(fc.string({ maxLength: 300 }), { nil: null }),
);

describe('heapMultiInsert', () => {
  it('fills pages exactly as one heap_insert per row does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(10, 50, 100),
        fc.array(fc.array(row, { minLength: 20, maxLength: 400, size: 'max' }), {
          minLength: 1,
          maxLength: 3,
        }),
        (fillfactor, batches) => {
          const one = newHeap(fillfactor);
          const many = newHeap(fillfactor);
          const xid = 1000;
          for (const [cid, batch] of batches.entries()) {
            const single = batch.map((r) => one.insert(r, xid, cid));
            const multi = heapMultiInsert(many, batch, { xid, cid } as never);
            expect(multi).toEqual(single);
          }
          expect(pages(many)).toEqual(pages(one));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
