/**
 * heap_multi_insert: many tuples of one transaction and command put on
 * pages a page at a time, with one WAL record per page filled (COPY's
 * bulk path). Each tuple is formed (and toasted) as heap_insert forms it;
 * a page takes tuples while they fit above the fillfactor's reserve, the
 * page's all-visible bit is cleared once, and one XLOG_HEAP_INSERT record
 * carries every tuple added to it (its patch lists them all; redo is the
 * single-insert redo). The TIDs come back in input order.
 */
import type { Tid } from '@pg/access';
import type { CommandId, TransactionId } from '@pg/mvcc';
import { maxAlign, type Page } from '@pg/page';
import { SqlError } from '@pg/types';
import type { Heap, HeapWriter } from './heapam.js';
import { XLOG_HEAP_INSERT } from './heapam-wal.js';
import { HEAP_XMAX_INVALID, setTupleCtid } from './tuple.js';
import { addHeapTuple, MAX_HEAP_TUPLE_SIZE, targetPageFreeSpace } from './tuple-page.js';

/** The members of Heap this file uses (TypeScript-private there, one module's business). */
interface HeapInternals {
  readonly pool: Heap['pool'];
  readonly fillfactor: number;
  formTuple(
    values: readonly unknown[],
    fields: { xmin: TransactionId; cid: CommandId; infomask: number },
    writer: HeapWriter,
    old: undefined,
  ): Uint8Array;
  bufferForTuple(len: number, other: undefined): number;
  clearAllVisible(page: Page, block: number): boolean;
  logPages(
    info: number,
    xid: TransactionId,
    pages: readonly {
      buffer: number;
      cleared: boolean;
      patch?: { headers: readonly number[]; added: readonly number[] };
    }[],
  ): void;
}

/** Inserts `rows` with the writer's xid and cid, as heap_multi_insert does; returns their TIDs in order. */
export function heapMultiInsert(
  heap: Heap,
  rows: readonly (readonly unknown[])[],
  writer: HeapWriter,
): Tid[] {
  const h = heap as unknown as HeapInternals;
  const { xid, cid } = writer;
  const tuples = rows.map((values) => {
    const t = h.formTuple(
      values,
      { xmin: xid, cid, infomask: HEAP_XMAX_INVALID },
      writer,
      undefined,
    );
    if (t.length > MAX_HEAP_TUPLE_SIZE) {
      throw new SqlError(
        '54000',
        `row is too big: size ${t.length}, maximum size ${MAX_HEAP_TUPLE_SIZE}`,
      );
    }
    return t;
  });
  const saveFreeSpace = targetPageFreeSpace(h.fillfactor);
  const tids: Tid[] = [];
  let k = 0;
  while (k < tuples.length) {
    const buffer = h.bufferForTuple(tuples[k]!.length, undefined);
    try {
      const page = h.pool.page(buffer);
      const block = h.pool.blockNumber(buffer);
      const added: number[] = [];
      // the first tuple fits (bufferForTuple found room); then as many as fit above the reserve
      while (k < tuples.length) {
        const t = tuples[k]!;
        if (added.length > 0 && maxAlign(t.length) + saveFreeSpace > page.heapFreeSpace()) break;
        const offset = addHeapTuple(page, t);
        if (offset === undefined) {
          if (added.length === 0) throw new Error(`heap multi-insert: no room on block ${block}`);
          break;
        }
        const tid = { block, offset };
        setTupleCtid(page.mustItem(offset), tid);
        tids.push(tid);
        added.push(offset);
        k++;
      }
      const cleared = h.clearAllVisible(page, block);
      // a page these tuples alone fill is logged whole (XLOG_HEAP_INIT_PAGE's role)
      const fresh = added[0] === 1 && page.maxOffsetNumber === added.length;
      h.logPages(XLOG_HEAP_INSERT, xid, [
        fresh ? { buffer, cleared } : { buffer, cleared, patch: { headers: [], added } },
      ]);
    } finally {
      h.pool.unlockRelease(buffer);
    }
  }
  return tids;
}
