/**
 * issue 9: COPY FROM's fast path (CopyFrom's multi-insert buffers). Each
 * record's fields, as byte ranges, go through the columns' fast inputs
 * (@pg/types fastDatumInput: plain integers, ASCII text, ISO timestamps,
 * ...) straight into the row's on-disk layout, or through the type's input
 * function when the fast one declines; a batch of rows laid out back to
 * back is put on pages by @pg/heap's heapMultiInsertFormed (one WAL record
 * per page), then the indexes get their entries. No string, JavaScript
 * value or object is made per row on the fast path.
 *
 * Behaviour is COPY's: the error context lines (`COPY t, line 3, column
 * b: "x"`), NOT NULL with its failing row, rows too long for a page
 * toasted through the heap's own path, the all-or-nothing failure (the
 * statement's rows die with it).
 */
import type { Tid } from '@pg/access';
import type { RelationDesc } from '@pg/catalog';
import {
  type FormedRows,
  type FormedRowsTarget,
  formedRowsTarget,
  type HeapWriter,
  heapMultiInsert,
  heapMultiInsertFormed,
} from '@pg/heap';
import {
  type AnyPgType,
  alignOffset,
  builtins,
  DatumRow,
  type FastDatumInput,
  fastDatumInput,
  type TypeContext,
} from '@pg/types';
import type { BulkTarget } from './copy.js';
import {
  type CopyFields,
  type CopyOptions,
  FIELD_IS_NULL_STRING,
  limitPrintout,
} from './copy-format.js';
import { EngineError, toEngineError } from './result.js';

/** HEAP_HASNULL / HEAP_HASVARWIDTH (FormedRows' flags). */
const HASNULL = 0x0001;
const HASVARWIDTH = 0x0002;

/** The copied columns as the fast path sees them. */
export interface BulkColumn {
  readonly attnum: number;
  readonly name: string;
  readonly typmod: number;
}

/**
 * The fast path's target when it can take the table: the heap takes
 * formed rows and the copied columns are in attribute order (values are
 * laid out in that order, and errors must come in the column list's).
 */
export function formedTarget(
  table: RelationDesc,
  columns: readonly BulkColumn[],
  bulk: BulkTarget,
): FormedRowsTarget | undefined {
  const target = formedRowsTarget(bulk.heap);
  if (target.maxTupleLength === 0 || target.natts !== table.columns.length) return undefined;
  for (let k = 1; k < columns.length; k++) {
    if (columns[k]!.attnum <= columns[k - 1]!.attnum) return undefined;
  }
  return target;
}

/** Rows per batch (PostgreSQL's MAX_BUFFERED_TUPLES), and the batch's byte budget (MAX_BUFFERED_BYTES). */
const BATCH_ROWS = 1000;
const BATCH_BYTES = 64 * 1024;

export class FormedCopyLoader {
  /** Rows loaded. */
  count = 0;
  readonly #table: RelationDesc;
  readonly #columns: readonly BulkColumn[];
  readonly #types: readonly AnyPgType[];
  readonly #fast: readonly (FastDatumInput | undefined)[];
  readonly #bulk: BulkTarget;
  readonly #target: FormedRowsTarget;
  readonly #o: CopyOptions;
  readonly #tctx: TypeContext;
  readonly #forceNotNull: readonly boolean[];
  readonly #forceNull: readonly boolean[];
  readonly #relname: string;
  /** Attribute indexes (0-based) of the NOT NULL columns. */
  readonly #notNull: readonly number[];
  /** Attribute indexes the indexes read, and where each row's datum of them is. */
  readonly #indexed: readonly number[];
  readonly #bitmapLen: number;
  readonly #headerRoom: number;
  // the batch
  readonly #data = new DatumRow(256 * 1024);
  #writer: HeapWriter | undefined;
  #rows = 0;
  #starts = new Int32Array(BATCH_ROWS);
  #ends = new Int32Array(BATCH_ROWS);
  #flags = new Uint8Array(BATCH_ROWS);
  #bitmaps: Uint8Array;
  #lines = new Int32Array(BATCH_ROWS);
  /** Per row and indexed attribute: the datum's [start, end) in the data (start -1: null). */
  #keyStart: Int32Array;
  #keyEnd: Int32Array;

  constructor(args: {
    table: RelationDesc;
    columns: readonly BulkColumn[];
    types: readonly AnyPgType[];
    bulk: BulkTarget;
    target: FormedRowsTarget;
    options: CopyOptions;
    tctx: TypeContext;
    forceNotNull: readonly boolean[];
    forceNull: readonly boolean[];
  }) {
    this.#table = args.table;
    this.#columns = args.columns;
    this.#types = args.types;
    this.#fast = args.columns.map((c, k) => fastDatumInput(args.types[k]!, c.typmod));
    this.#bulk = args.bulk;
    this.#target = args.target;
    this.#o = args.options;
    this.#tctx = args.tctx;
    this.#forceNotNull = args.forceNotNull;
    this.#forceNull = args.forceNull;
    this.#relname = args.table.name;
    this.#notNull = args.table.columns
      .filter((c) => c.notNull && !c.dropped)
      .map((c) => c.attnum - 1);
    const indexed = new Set<number>();
    for (const ix of args.bulk.indexes) for (const a of ix.columns) indexed.add(a - 1);
    this.#indexed = [...indexed].sort((a, b) => a - b);
    this.#bitmapLen = (args.target.natts + 7) >> 3;
    this.#headerRoom = (23 + this.#bitmapLen + 7) & ~7; // expectedHoff(natts, true)
    this.#bitmaps = new Uint8Array(BATCH_ROWS * this.#bitmapLen);
    this.#keyStart = new Int32Array(BATCH_ROWS * this.#indexed.length);
    this.#keyEnd = new Int32Array(BATCH_ROWS * this.#indexed.length);
  }

  /** One data record, split into `f`: laid out into the batch (flushed when full). */
  row(f: CopyFields, line: number, lineContext: () => string): void {
    const columns = this.#columns;
    const ncols = columns.length;
    if (f.count > ncols) {
      throw new EngineError('22P04', 'extra data after last expected column', {
        context: lineContext(),
      });
    }
    const data = this.#data;
    const r = this.#rows;
    const blen = this.#bitmapLen;
    const bitmaps = this.#bitmaps;
    bitmaps.fill(0, r * blen, r * blen + blen);
    data.beginRow(this.#headerRoom); // the tuple header is written there (heapMultiInsertFormed)
    const indexed = this.#indexed;
    const nidx = indexed.length;
    let ki = 0;
    let hasNull = ncols < this.#target.natts;
    const csv = this.#o.format === 'csv';
    for (let k = 0; k < ncols; k++) {
      const col = columns[k]!;
      if (k >= f.count) {
        throw new EngineError('22P04', `missing data for column "${col.name}"`, {
          context: lineContext(),
        });
      }
      let isNull = f.isNull[k] === 1;
      if (csv) {
        if (isNull && this.#forceNotNull[k] === true) {
          // FORCE_NOT_NULL: the NULL string is the value
          f.where[k] = FIELD_IS_NULL_STRING;
          f.start[k] = 0;
          f.end[k] = f.nullBytes.length;
          f.isNull[k] = 0;
          isNull = false;
        } else if (!isNull && this.#forceNull[k] === true && f.equalsNull(k)) {
          f.isNull[k] = 1; // FORCE_NULL: the NULL string, quoted or not, is NULL
          isNull = true;
        }
      }
      const att = col.attnum - 1;
      while (ki < nidx && indexed[ki]! < att) {
        this.#keyStart[r * nidx + ki] = -1;
        ki++;
      }
      if (isNull) {
        hasNull = true;
        if (ki < nidx && indexed[ki] === att) this.#keyStart[r * nidx + ki++] = -1;
        continue;
      }
      bitmaps[r * blen + (att >> 3)]! |= 1 << (att & 7);
      const before = data.pos;
      const src = f.bytes(k);
      const a = f.start[k]!;
      const b = f.end[k]!;
      const fast = this.#fast[k];
      if (fast === undefined || !fast(src, a, b, data)) {
        const type = this.#types[k]!;
        data.datum(type, type.encode(this.#input(k, src.toString('utf8', a, b), line)));
      }
      if (ki < nidx && indexed[ki] === att) {
        this.#keyStart[r * nidx + ki] = before;
        this.#keyEnd[r * nidx + ki] = data.pos;
        ki++;
      }
    }
    for (; ki < nidx; ki++) this.#keyStart[r * nidx + ki] = -1;
    // ExecConstraints' NOT NULL, with the failing row
    for (const att of this.#notNull) {
      if ((bitmaps[r * blen + (att >> 3)]! & (1 << (att & 7))) === 0) {
        checkNotNull(this.#table, this.#values(f, line), this.#tctx, lineContext());
      }
    }
    const len = data.pos - data.rowStart;
    const hoff = (23 + (hasNull ? blen : 0) + 7) & ~7;
    if (hoff + len > this.#target.maxTupleLength) {
      // too long for a page as it is: the heap's own path (toasting, or "row is too big")
      const values = this.#values(f, line);
      data.pos = data.rowStart;
      this.flush();
      this.#insertValues(values, line);
      this.count++;
      return;
    }
    this.#starts[r] = data.rowStart;
    this.#ends[r] = data.pos;
    this.#flags[r] = (hasNull ? HASNULL : 0) | (data.hasVarWidth ? HASVARWIDTH : 0);
    this.#lines[r] = line;
    this.#rows = r + 1;
    this.count++;
    if (this.#rows >= BATCH_ROWS || data.pos >= BATCH_BYTES) this.flush();
  }

  /** The type's input function on field k, with COPY's context line on error. */
  #input(k: number, text: string, line: number): unknown {
    try {
      return this.#types[k]!.input(text, this.#columns[k]!.typmod, this.#tctx);
    } catch (err) {
      throw withContext(
        err,
        `COPY ${this.#relname}, line ${line}, column ${this.#columns[k]!.name}: "${limitPrintout(text)}"`,
      );
    }
  }

  /** The record's row as values (attribute order, null where not copied). */
  #values(f: CopyFields, line: number): unknown[] {
    const row: unknown[] = new Array(this.#target.natts).fill(null);
    for (let k = 0; k < this.#columns.length; k++) {
      const text = f.text(k);
      row[this.#columns[k]!.attnum - 1] = text === null ? null : this.#input(k, text, line);
    }
    return row;
  }

  #insertValues(row: unknown[], line: number): void {
    const bulk = this.#bulk;
    try {
      const tids = heapMultiInsert(bulk.heap, [row], bulk.writer());
      bulk.counted?.(1); // issue 11 (pgstat)
      for (const ix of bulk.indexes) {
        ix.insert(
          ix.columns.map((a) => row[a - 1] ?? null),
          tids[0]!,
        );
      }
    } catch (err) {
      throw withContext(err, `COPY ${this.#relname}, line ${line}`);
    }
  }

  /** Writes the batch (CopyMultiInsertBufferFlush): heap, then index entries. */
  flush(): void {
    const n = this.#rows;
    if (n === 0) return;
    const bulk = this.#bulk;
    const data = this.#data;
    try {
      const rows: FormedRows = {
        count: n,
        headerRoom: true,
        data: data.bytes,
        starts: this.#starts,
        ends: this.#ends,
        bitmaps: this.#bitmaps,
        flags: this.#flags,
      };
      // the statement's xid and command id (one writer for the whole COPY, as CopyFrom's mycid)
      this.#writer ??= bulk.writer();
      const tids = heapMultiInsertFormed(bulk.heap, rows, this.#writer, bulk.indexes.length > 0);
      bulk.counted?.(n); // issue 11 (pgstat)
      if (tids !== undefined) this.#insertIndexEntries(tids);
    } catch (err) {
      throw withContext(err, `COPY ${this.#relname}, line ${this.#lines[0]}`);
    } finally {
      this.#rows = 0;
      data.clear();
    }
  }

  /** ExecInsertIndexTuples for each row of the batch, keys decoded from the laid-out datums. */
  #insertIndexEntries(tids: readonly Tid[]): void {
    const indexed = this.#indexed;
    const nidx = indexed.length;
    const bytes = this.#data.bytes;
    const tableTypes = this.#bulk.heap.types;
    const key = (r: number, att: number): unknown => {
      const ki = indexed.indexOf(att);
      const start = this.#keyStart[r * nidx + ki]!;
      if (start < 0) return null;
      const end = this.#keyEnd[r * nidx + ki]!;
      const type = tableTypes[att]!;
      if (type.len > 0) return type.decode(bytes.subarray(end - type.len, end));
      // att_align_pointer: a zero byte is padding before a 4-byte header (rows start MAXALIGNed)
      let p = start;
      if (bytes[p] === 0) p = alignOffset(p, type.align);
      return type.decode(bytes.subarray(p + ((bytes[p]! & 1) === 1 ? 1 : 4), end));
    };
    for (const ix of this.#bulk.indexes) {
      for (let r = 0; r < tids.length; r++) {
        ix.insert(
          ix.columns.map((a) => key(r, a - 1)),
          tids[r]!,
        );
      }
    }
  }
}

export function withContext(err: unknown, context: string): EngineError {
  const e = toEngineError(err);
  if ((e as { context?: string }).context !== undefined) return e;
  return new EngineError(e.code, e.message, {
    detail: e.detail,
    hint: e.hint,
    context,
    cause: err,
  });
}

/** ExecConstraints' NOT NULL check: 23502 with the failing row (values past 64 bytes cut). */
export function checkNotNull(
  table: RelationDesc,
  row: readonly unknown[],
  tctx: TypeContext,
  context: string,
): void {
  for (const c of table.columns) {
    if (!c.notNull || c.dropped || (row[c.attnum - 1] ?? null) !== null) continue;
    const shown = table.columns
      .filter((col) => !col.dropped)
      .map((col) => {
        const v = row[col.attnum - 1] ?? null;
        return v === null ? 'null' : clip(builtins.mustType(col.typeOid).output(v as never, tctx));
      });
    throw new EngineError(
      '23502',
      `null value in column "${c.name}" of relation "${table.name}" violates not-null constraint`,
      {
        detail: `Failing row contains (${shown.join(', ')}).`,
        context,
        schema: table.namespaceName,
        table: table.name,
        column: c.name,
      },
    );
  }
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** ExecBuildSlotValueDescription's maxfieldlen: 64 bytes, cut at a character, then "...". */
function clip(text: string): string {
  if (text.length <= 21) return text;
  const bytes = utf8.encode(text);
  if (bytes.length <= 64) return text;
  let end = 64;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return `${utf8Decoder.decode(bytes.subarray(0, end))}...`;
}
