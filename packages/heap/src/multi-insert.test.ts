/**
 * heapMultiInsert (heap_multi_insert): random batches of rows put on pages
 * a page at a time leave exactly the pages (bytes) that inserting the
 * same rows one by one with heap_insert leaves, at every fillfactor, and
 * the TIDs come back in input order; rows laid out by the caller
 * (heapMultiInsertFormed, COPY's fast path) leave the same pages too.
 */
import { BufferPool, MemorySmgr } from '@pg/storage';
import { encodeRow } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Heap } from './internal/heapam.js';
import { REL, TYPES } from './internal/heapam-harness.js';
import {
  type FormedRows,
  heapMultiInsert,
  heapMultiInsertFormed,
} from './internal/multi-insert.js';

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

  // issue 9: COPY's formed rows
  it('heapMultiInsertFormed: rows laid out by encodeRow leave the pages heapMultiInsert leaves', () => {
    // with headerRoom, each row has room for its header before it (the tuple is formed in place)
    const form = (batch: readonly (readonly unknown[])[], headerRoom: boolean): FormedRows => {
      const room = headerRoom ? (23 + ((TYPES.length + 7) >> 3) + 7) & ~7 : 0;
      const blen = (TYPES.length + 7) >> 3;
      const encoded = batch.map((r) => encodeRow(TYPES, r));
      const starts = new Int32Array(batch.length);
      const ends = new Int32Array(batch.length);
      const flags = new Uint8Array(batch.length);
      const bitmaps = new Uint8Array(batch.length * blen);
      let at = 0;
      for (const [k, e] of encoded.entries()) {
        at = ((at + 7) & ~7) + room;
        starts[k] = at;
        at += e.data.length;
        ends[k] = at;
        flags[k] = (e.nullBitmap ? 1 : 0) | (e.hasVarWidth ? 2 : 0);
        if (e.nullBitmap) bitmaps.set(e.nullBitmap, k * blen);
      }
      const data = new Uint8Array(at + 8);
      for (const [k, e] of encoded.entries()) data.set(e.data, starts[k]!);
      return { count: batch.length, headerRoom, data, starts, ends, flags, bitmaps };
    };
    fc.assert(
      fc.property(
        fc.constantFrom(10, 100),
        fc.array(fc.array(row, { minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (fillfactor, batches, headerRoom) => {
          const values = newHeap(fillfactor);
          const formed = newHeap(fillfactor);
          const xid = 1000;
          for (const [cid, batch] of batches.entries()) {
            const a = heapMultiInsert(values, batch, { xid, cid } as never);
            const b = heapMultiInsertFormed(
              formed,
              form(batch, headerRoom),
              { xid, cid } as never,
              true,
            );
            expect(b).toEqual(a);
          }
          expect(pages(formed)).toEqual(pages(values));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
