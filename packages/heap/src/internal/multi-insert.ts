/**
 * heap_multi_insert: many tuples of one transaction and command put on
 * pages a page at a time, with one WAL record per page filled (COPY's
 * bulk path). Each tuple is formed (and toasted) as heap_insert forms it;
 * a page takes tuples while they fit above the fillfactor's reserve, the
 * page's all-visible bit is cleared once, and one XLOG_HEAP_INSERT record
 * carries every tuple added to it (its patch lists them all; redo is the
 * single-insert redo). The TIDs come back in input order.
 */
import { type Tid, writeTid } from '@pg/access';
import type { CommandId, TransactionId } from '@pg/mvcc';
import { maxAlign, type Page } from '@pg/page';
import { TOAST_TUPLE_THRESHOLD } from '@pg/toast';
import { SqlError } from '@pg/types';
import type { Heap, HeapWriter } from './heapam.js';
import { XLOG_HEAP_INSERT } from './heapam-wal.js';
import {
  bitmapLen,
  expectedHoff,
  HEAP_HASNULL,
  HEAP_HASVARWIDTH,
  HEAP_XMAX_INVALID,
  MAX_HEAP_ATTRIBUTE_NUMBER,
  OFF_BITS,
  OFF_CTID,
  OFF_FIELD3,
  OFF_HOFF,
  OFF_INFOMASK,
  OFF_INFOMASK2,
  OFF_XMIN,
  setTupleCtid,
} from './tuple.js';
import { addHeapTuple, MAX_HEAP_TUPLE_SIZE, targetPageFreeSpace } from './tuple-page.js';

/** The members of Heap this file uses (TypeScript-private there, one module's business). */
interface HeapInternals {
  readonly pool: Heap['pool'];
  readonly fillfactor: number;
  readonly storageIsTypes: boolean;
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
    checkSize(t.length);
    return t;
  });
  const tids: Tid[] = [];
  placeTuples(
    h,
    xid,
    tuples.length,
    (k) => tuples[k]!.length,
    (k, block, offset) => {
      const t = tuples[k]!;
      writeTid(t, OFF_CTID, { block, offset });
      return t;
    },
    tids,
  );
  return tids;
}

function checkSize(len: number): void {
  if (len > MAX_HEAP_TUPLE_SIZE) {
    throw new SqlError('54000', `row is too big: size ${len}, maximum size ${MAX_HEAP_TUPLE_SIZE}`);
  }
}

/**
 * Puts `count` tuples on pages in order (the length of tuple k, then its
 * bytes when it goes on a page): a page takes tuples while they fit above
 * the fillfactor's reserve, its all-visible bit is cleared once, and one
 * XLOG_HEAP_INSERT record carries every tuple added to it. The TIDs are
 * appended to `tids` when given.
 */
function placeTuples(
  h: HeapInternals,
  xid: TransactionId,
  count: number,
  lengthOf: (k: number) => number,
  tupleOf: (k: number, block: number, offset: number) => Uint8Array,
  tids: Tid[] | undefined,
): void {
  const saveFreeSpace = targetPageFreeSpace(h.fillfactor);
  let k = 0;
  while (k < count) {
    const buffer = h.bufferForTuple(lengthOf(k), undefined);
    try {
      const page = h.pool.page(buffer);
      const block = h.pool.blockNumber(buffer);
      const added: number[] = [];
      // the first tuple fits (bufferForTuple found room); then as many as fit above the reserve
      while (k < count) {
        const len = lengthOf(k);
        if (added.length > 0 && maxAlign(len) + saveFreeSpace > page.heapFreeSpace()) break;
        // t_ctid = itself: written before the copy when the tuple takes the next line pointer
        const next = page.maxOffsetNumber + 1;
        const offset = addHeapTuple(page, tupleOf(k, block, next));
        if (offset === undefined) {
          if (added.length === 0) throw new Error(`heap multi-insert: no room on block ${block}`);
          break;
        }
        if (offset !== next) setTupleCtid(page.mustItem(offset), { block, offset });
        tids?.push({ block, offset });
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
}

// ------------------------------------------------------------ issue 9: COPY's formed rows

/**
 * Rows whose data areas the caller laid out (heap_fill_tuple's part, as
 * @pg/types' DatumRow writes them: encodeRow's layout), COPY's fast path.
 * Row k's data is `data[starts[k], ends[k])`; its null bitmap (bit i set
 * when attribute i is not null) is `bitmaps[k * bitmapLen(natts) ...]`
 * when `flags[k]` has HEAP_HASNULL; HEAP_HASVARWIDTH in `flags[k]` when
 * some value is a varlena. Every row has the heap's attribute count.
 */
export interface FormedRows {
  readonly count: number;
  /**
   * Whether each row has room for its tuple header in front of its data
   * (`expectedHoff(natts, true)` bytes before `starts[k]`, not part of
   * another row): the tuple is then formed in place, without a copy.
   */
  readonly headerRoom?: boolean;
  readonly data: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly bitmaps: Uint8Array;
  readonly flags: Uint8Array;
}

/** What a caller forming rows itself must know of the heap. */
export interface FormedRowsTarget {
  /** The attribute count (dropped columns included). */
  readonly natts: number;
  /**
   * The longest tuple (header included) the heap takes formed: beyond it
   * the row must go through {@link heapMultiInsert} (it may need
   * toasting), or 0 when the heap cannot take formed rows at all (a
   * column's storage differs from its type's: the toaster decides).
   */
  readonly maxTupleLength: number;
}

/** Whether and up to what size the heap takes rows formed by the caller. */
export function formedRowsTarget(heap: Heap): FormedRowsTarget {
  const h = heap as unknown as HeapInternals;
  const natts = heap.types.length;
  if (heap.toaster === undefined) return { natts, maxTupleLength: MAX_HEAP_TUPLE_SIZE };
  return { natts, maxTupleLength: h.storageIsTypes ? TOAST_TUPLE_THRESHOLD : 0 };
}

/** Where a formed tuple is assembled, and its prefix of each length (views made once). */
const scratch = new Uint8Array(MAX_HEAP_TUPLE_SIZE);
const scratchViews: (Uint8Array | undefined)[] = [];

function scratchOf(len: number): Uint8Array {
  let v = scratchViews[len];
  if (v === undefined) {
    v = scratch.subarray(0, len);
    scratchViews[len] = v;
  }
  return v;
}

/**
 * heap_multi_insert of rows laid out by the caller: each tuple gets its
 * header (xmin = the writer's xid, cmin = its cid, HEAP_XMAX_INVALID, the
 * null bitmap and data flags, t_ctid = itself) as heap_form_tuple and
 * heap_prepare_insert give it, and goes on the pages as
 * {@link heapMultiInsert} puts them (the same WAL records). Returns the
 * TIDs when `wantTids`.
 */
export function heapMultiInsertFormed(
  heap: Heap,
  rows: FormedRows,
  writer: HeapWriter,
  wantTids: boolean,
): Tid[] | undefined {
  const h = heap as unknown as HeapInternals;
  const { xid, cid } = writer;
  const natts = heap.types.length;
  if (natts > MAX_HEAP_ATTRIBUTE_NUMBER) throw new RangeError(`${natts} attributes`);
  const blen = bitmapLen(natts);
  const { data, starts, ends, bitmaps, flags } = rows;
  const max = formedRowsTarget(heap).maxTupleLength;
  const lengths = new Int32Array(rows.count);
  for (let k = 0; k < rows.count; k++) {
    const len = expectedHoff(natts, (flags[k]! & HEAP_HASNULL) !== 0) + ends[k]! - starts[k]!;
    checkSize(len);
    if (len > max) throw new RangeError(`a formed tuple of ${len} bytes (at most ${max})`);
    lengths[k] = len;
  }
  const lengthOf = (k: number) => lengths[k]!;
  const inPlace = rows.headerRoom === true;
  const tupleOf = (k: number, block: number, offset: number): Uint8Array => {
    const f = flags[k]!;
    const hasNull = (f & HEAP_HASNULL) !== 0;
    const hoff = expectedHoff(natts, hasNull);
    const len = lengths[k]!;
    // in place: the header goes in the room before the data (the row's bytes are the tuple's)
    const base = inPlace ? starts[k]! - hoff : 0;
    const t = inPlace ? data : scratch;
    t.fill(0, base, base + hoff);
    writeU32(t, base + OFF_XMIN, xid);
    writeU32(t, base + OFF_FIELD3, cid);
    const infomask = HEAP_XMAX_INVALID | (f & (HEAP_HASNULL | HEAP_HASVARWIDTH));
    t[base + OFF_INFOMASK2] = natts & 0xff;
    t[base + OFF_INFOMASK2 + 1] = natts >>> 8;
    t[base + OFF_INFOMASK] = infomask & 0xff;
    t[base + OFF_INFOMASK + 1] = infomask >>> 8;
    t[base + OFF_HOFF] = hoff;
    // t_ctid (bi_hi, bi_lo, ip_posid)
    const c = base + OFF_CTID;
    t[c] = (block >>> 16) & 0xff;
    t[c + 1] = block >>> 24;
    t[c + 2] = block & 0xff;
    t[c + 3] = (block >>> 8) & 0xff;
    t[c + 4] = offset & 0xff;
    t[c + 5] = offset >>> 8;
    if (hasNull) for (let i = 0; i < blen; i++) t[base + OFF_BITS + i] = bitmaps[k * blen + i]!;
    if (inPlace) return data.subarray(base, base + len);
    const from = starts[k]!;
    const dlen = ends[k]! - from;
    if (dlen > 64) t.set(data.subarray(from, from + dlen), hoff);
    else for (let i = 0; i < dlen; i++) t[hoff + i] = data[from + i]!;
    return scratchOf(len);
  };
  const tids: Tid[] | undefined = wantTids ? [] : undefined;
  placeTuples(h, xid, rows.count, lengthOf, tupleOf, tids);
  return tids;
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}
