/**
 * Out-of-line TOAST storage: PostgreSQL 15's heaptoast.c
 * (heap_toast_insert_or_update, heap_toast_delete, heap_fetch_toast_slice),
 * toast_internals.c (toast_save_datum, toast_delete_datum) and detoast.c
 * (detoast_external_attr), over a toast relation that is a {@link Heap}
 * with columns (chunk_id oid, chunk_seq int4, chunk_data bytea) and a unique
 * B-tree on (chunk_id, chunk_seq).
 *
 * A value stored out of line (its stored bytes are the raw payload, or
 * va_tcinfo + the pglz stream when compressed):
 *
 * ```
 *  main tuple: ... | 01 12 | va_rawsize | va_extinfo | va_valueid | va_toastrelid | ...
 *                                                        │
 *  toast heap:  (valueid, 0, bytes[0..1996))  ◀──────────┤  found through the index
 *               (valueid, 1, bytes[1996..3992))          │  on (chunk_id, chunk_seq)
 *               (valueid, n-1, the rest: 1..1996 bytes) ◀┘
 * ```
 *
 * Invariants (README section "Out-of-line storage"):
 *   TS1 a value of extsize bytes has exactly ceil(extsize / 1996) chunks,
 *       chunk_seq 0..n-1, every chunk but the last 1996 bytes, the last
 *       extsize - 1996 (n - 1) bytes;
 *   TS2 every chunk has one index entry (chunk_id, chunk_seq) -> its TID;
 *   TS3 a value OID is never handed out while any index entry (live or
 *       dead) has it as chunk_id (GetNewOidWithIndex);
 *   TS4 the chunks of a value are written and deleted by the transaction
 *       that writes or deletes the row, so they are visible exactly when
 *       the row version holding the pointer is (under the same snapshot);
 *   TS5 an update that keeps a toasted column's pointer writes no chunks
 *       and deletes none for it.
 */
import { Strategy, scanKey, type Tid } from '@pg/access';
import type { BTree } from '@pg/btree';
import type { Snapshot, VisibilityContext } from '@pg/mvcc';
import { maxAlign } from '@pg/page';
import {
  canMakeShort,
  decodeToastPointer,
  ERRCODE_DATA_CORRUPTED,
  ERRCODE_FEATURE_NOT_SUPPORTED,
  encodePlain,
  encodeShort,
  encodeToastPointer,
  pglzDecompress,
  storageAllowsShortHeader,
  TOAST_MAX_CHUNK_SIZE,
  TOAST_POINTER_SIZE,
  TOAST_TUPLE_TARGET,
  TOAST_TUPLE_TARGET_MAIN,
  TOAST_TUPLE_THRESHOLD,
  ToastCompressionId,
  ToastError,
  type ToastPointer,
  ToastStorage,
  toastChunkCount,
  toastCompressDatum,
  toastPointerIsCompressed,
  VARHDRSZ,
} from '@pg/toast';
import type { TypAlign } from '@pg/types';
import type { Heap, HeapRow, HeapWriter } from './heapam.js';

/** FirstNormalObjectId: where the OID counter starts and wraps back to. */
export const FIRST_NORMAL_OBJECT_ID = 16384;
/** SizeofHeapTupleHeader. */
const SIZEOF_HEAP_TUPLE_HEADER = 23;

/** What a Toaster is built over. */
export interface ToasterOptions {
  /** The toast heap: types (oid, int4, bytea). */
  readonly heap: Heap;
  /** Its unique B-tree on (chunk_id, chunk_seq). */
  readonly index: BTree;
  /** va_toastrelid: the toast relation's OID. */
  readonly toastRelId: number;
  /** The toast relation's name, for messages (default `pg_toast_<toastRelId>`). */
  readonly name?: string;
  /** The OID counter's first value (default 16384). */
  readonly firstOid?: number;
  /** toast_tuple_target of the main table (default 2032). */
  readonly tupleTarget?: number;
  /** Bytes of detoasted values {@link Toaster.detoastCached} keeps (default 16 MiB; 0: none). */
  readonly cacheBytes?: number;
}

/**
 * Chunks seen as PostgreSQL's SnapshotToast sees them: every chunk whose
 * inserter is not known to have aborted (with a context, the commit log is
 * asked too). Used where there is no reader's snapshot: an update
 * comparing a value with its stored form, toast_delete.
 */
export interface ToastSnapshot {
  readonly ctx?: VisibilityContext;
}

/** How a reader sees chunks: the snapshot and context it reads the row with (TS4). */
export interface ToastReader {
  readonly snapshot: Snapshot;
  readonly ctx: VisibilityContext;
}

/** One varlena column offered to the toaster. */
export type ToastInput =
  | { readonly storage: ToastStorage; readonly value: Uint8Array }
  /** An existing toast pointer (an unchanged column of an update). */
  | { readonly storage: ToastStorage; readonly pointer: Uint8Array }
  | { readonly storage: ToastStorage; readonly value: null };

/**
 * One attribute of a row offered to {@link Toaster.toastRow}, in attribute
 * order: a fixed-length column's bytes (null for SQL NULL), or a varlena
 * column's input; each with its typalign.
 */
export type ToastColumn =
  | { readonly fixed: Uint8Array | null; readonly align: TypAlign }
  | (ToastInput & { readonly align: TypAlign });

/** What writing chunks needs of the writing transaction (toast_save_datum's heap_insert). */
export type ToastWriter = Pick<HeapWriter, 'xid' | 'cid'>;

/** The form a column ends up in. */
export type ToastedForm = 'null' | 'plain' | 'short' | 'compressed' | 'external';

/** heap_toast_insert_or_update's result for one tuple. */
export interface ToastTupleResult {
  /** Each column's on-disk bytes (a varlena in its final form), or null. */
  readonly datums: readonly (Uint8Array | null)[];
  readonly forms: readonly ToastedForm[];
  /** The tuple's length as heap_form_tuple would make it (header + data). */
  readonly tupleLength: number;
  /** Pointers of the old tuple that were deleted (update only). */
  readonly deleted: readonly Uint8Array[];
}

const TOASTCOL_IGNORE = 1;
const TOASTCOL_INCOMPRESSIBLE = 2;

/** A column during toasting (ToastAttrInfo): its current datum and flags. */
interface Attr {
  readonly storage: ToastStorage;
  readonly align: TypAlign;
  /**
   * The raw payload while plain; the VARATT_4B_C datum when compressed; the
   * pointer when external; a fixed-length column's bytes when fixed.
   */
  bytes: Uint8Array | null;
  form: 'plain' | 'compressed' | 'external' | 'fixed';
  flags: number;
}

function alignTo(off: number, align: TypAlign): number {
  const a = align === 'd' ? 8 : align === 'i' ? 4 : align === 's' ? 2 : 1;
  return (off + a - 1) & ~(a - 1);
}

function corrupt(message: string): ToastError {
  return new ToastError(ERRCODE_DATA_CORRUPTED, message);
}

/** VARSIZE_ANY of a column's current datum (tai_size), taking plain values with a 4-byte header. */
function taiSize(a: Attr): number {
  if (a.bytes === null) return 0;
  return a.form === 'plain' ? a.bytes.length + VARHDRSZ : a.bytes.length;
}

/** heap_compute_data_size over the columns in attribute order, each aligned per its typalign. */
function computeDataSize(attrs: readonly Attr[]): number {
  let off = 0;
  for (const a of attrs) {
    if (a.bytes === null) continue;
    if (a.form === 'external')
      off += a.bytes.length; // 1-byte header: unaligned
    else if (a.form === 'fixed') off = alignTo(off, a.align) + a.bytes.length;
    else if (
      a.form === 'plain' &&
      storageAllowsShortHeader(a.storage) &&
      canMakeShort(a.bytes.length)
    )
      off += 1 + a.bytes.length;
    else off = alignTo(off, a.align) + taiSize(a);
  }
  return off;
}

function headerSize(attrs: readonly Attr[], natts: number): number {
  const hasNulls = attrs.some((a) => a.bytes === null);
  return maxAlign(SIZEOF_HEAP_TUPLE_HEADER + (hasNulls ? (natts + 7) >> 3 : 0));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The toaster of one table: stores values in its toast relation, reads
 * them back, deletes them, and runs heap_toast_insert_or_update's policy.
 * Synchronous, like {@link Heap}.
 */
export class Toaster {
  readonly heap: Heap;
  readonly index: BTree;
  readonly toastRelId: number;
  readonly name: string;
  readonly tupleTarget: number;
  private nextOid: number;
  /**
   * Detoasted values by value OID, least recently used first: the pointer
   * they were read for and the raw bytes. A value's chunks never change
   * while its OID is in use (TS3), so an entry is good until the OID is
   * handed out again (newValueOid evicts it).
   */
  private readonly cache = new Map<number, { pointer: Uint8Array; raw: Uint8Array }>();
  private cacheUsed = 0;
  private readonly cacheBytes: number;

  constructor(options: ToasterOptions) {
    this.cacheBytes = options.cacheBytes ?? 16 * 1024 * 1024;
    this.heap = options.heap;
    this.index = options.index;
    this.toastRelId = options.toastRelId;
    this.name = options.name ?? `pg_toast_${options.toastRelId}`;
    this.nextOid = options.firstOid ?? this.afterHighestChunkId();
    this.tupleTarget = options.tupleTarget ?? TOAST_TUPLE_TARGET;
  }

  /** TIDs of every index entry with this chunk_id, in (chunk_id, chunk_seq) order (live or dead). */
  private chunkTids(valueId: number) {
    const scan = this.index.beginScan();
    try {
      scan.rescan([scanKey(1, Strategy.equal, valueId)]);
      const out = [];
      for (let r = scan.next('forward'); r !== null; r = scan.next('forward')) out.push(r.tid);
      return out;
    } finally {
      scan.end();
    }
  }

  /**
   * Where the OID counter starts when none is given: after the highest
   * chunk_id in the index (live or dead), or at 16384. PostgreSQL keeps
   * one counter per cluster, persisted by checkpoints and XLOG_NEXTOID;
   * here each toast relation has its own, and starting past every value
   * already stored spares a reopened table the probe of every used OID.
   */
  private afterHighestChunkId(): number {
    const scan = this.index.beginScan();
    try {
      scan.rescan([]);
      const last = scan.next('backward');
      let id = 0;
      if (last !== null) {
        const values = last.values ?? this.heap.valuesAt(last.tid);
        id = Number(values[0] ?? 0);
      }
      return id >= FIRST_NORMAL_OBJECT_ID && id < 0xffffffff ? id + 1 : FIRST_NORMAL_OBJECT_ID;
    } finally {
      scan.end();
    }
  }

  /** GetNewOidWithIndex: the next counter value with no index entry at all (TS3); wraps to 16384. */
  newValueOid(): number {
    for (;;) {
      const oid = this.nextOid;
      this.nextOid = oid >= 0xffffffff ? FIRST_NORMAL_OBJECT_ID : oid + 1;
      if (oid < FIRST_NORMAL_OBJECT_ID) continue;
      if (this.chunkTids(oid).length === 0) {
        this.evict(oid);
        return oid;
      }
    }
  }

  /**
   * toast_save_datum: writes `stored` (the raw payload, or va_tcinfo and
   * the stream of a compressed datum) as chunks of 1996 bytes under a new
   * value OID, each row inserted into the heap and the index, and returns
   * the 18-byte pointer.
   */
  private save(
    stored: Uint8Array,
    rawsize: number,
    method: number,
    writer: ToastWriter,
  ): Uint8Array {
    const valueId = this.newValueOid();
    const pointer = encodeToastPointer({
      rawsize: rawsize + VARHDRSZ,
      extsize: stored.length,
      method: method as ToastCompressionId,
      valueId,
      toastRelId: this.toastRelId,
    });
    const n = toastChunkCount(stored.length);
    for (let seq = 0; seq < n; seq++) {
      const chunk = stored.slice(seq * TOAST_MAX_CHUNK_SIZE, (seq + 1) * TOAST_MAX_CHUNK_SIZE);
      const tid = this.heap.insert([valueId, seq, chunk], writer.xid, writer.cid);
      this.index.insert([valueId, seq], tid, { unique: 'no' }); // TS3 makes (chunk_id, seq) unique
    }
    return pointer;
  }

  /** Stores a raw value out of line, uncompressed (as for an EXTERNAL column). */
  saveRaw(raw: Uint8Array, writer: ToastWriter): Uint8Array {
    return this.save(raw, raw.length, 0, writer);
  }

  /** Stores a VARATT_4B_C datum (from toastCompressDatum) out of line, compressed. */
  saveCompressed(datum: Uint8Array, writer: ToastWriter): Uint8Array {
    const tcinfo = new DataView(datum.buffer, datum.byteOffset + 4, 4).getUint32(0, true);
    return this.save(datum.subarray(VARHDRSZ), tcinfo & 0x3fffffff, tcinfo >>> 30, writer);
  }

  /**
   * How chunks are seen: through the reader's snapshot (TS4), or, without
   * one, as PostgreSQL's SnapshotToast sees them (every chunk whose
   * inserter did not abort: {@link Heap.fetchToast}).
   */
  private lookup(reader: ToastReader | ToastSnapshot): (tid: Tid) => HeapRow | null {
    if ('snapshot' in reader) return (tid) => this.heap.fetch(tid, reader.snapshot, reader.ctx);
    return (tid) => this.heap.fetchToast(tid, reader.ctx);
  }

  /** The chunks of a value visible to the reader, as heap_fetch_toast_slice checks them: the stored bytes. */
  private fetchStored(p: ToastPointer, reader: ToastReader | ToastSnapshot): Uint8Array {
    const n = toastChunkCount(p.extsize);
    const endchunk = n - 1;
    const out = new Uint8Array(p.extsize);
    let expected = 0;
    const fetch = this.lookup(reader);
    for (const tid of this.chunkTids(p.valueId)) {
      const row = fetch(tid);
      if (row === null) continue;
      const [chunkId, seq, data] = row.values as [number, number, Uint8Array | null];
      if (chunkId !== p.valueId) continue;
      if (data === null)
        throw corrupt(`found toasted toast chunk for toast value ${p.valueId} in ${this.name}`);
      if (seq !== expected)
        throw corrupt(
          `unexpected chunk number ${seq} (expected ${expected}) for toast value ${p.valueId} in ${this.name}`,
        );
      if (seq > endchunk)
        throw corrupt(
          `unexpected chunk number ${seq} (out of range 0..${endchunk}) for toast value ${p.valueId} in ${this.name}`,
        );
      const want =
        seq < endchunk ? TOAST_MAX_CHUNK_SIZE : p.extsize - endchunk * TOAST_MAX_CHUNK_SIZE;
      if (data.length !== want)
        throw corrupt(
          `unexpected chunk size ${data.length} (expected ${want}) in chunk ${seq} of ${n} for toast value ${p.valueId} in ${this.name}`,
        );
      out.set(data, seq * TOAST_MAX_CHUNK_SIZE);
      expected++;
    }
    if (expected !== endchunk + 1)
      throw corrupt(
        `missing chunk number ${expected} for toast value ${p.valueId} in ${this.name}`,
      );
    return out;
  }

  /**
   * detoast_external_attr: the raw payload a toast pointer stands for,
   * its chunks read through the index with the reader's snapshot (TS4),
   * decompressed when the pointer says so. XX001 on missing, extra,
   * misnumbered or wrongly sized chunks or a corrupt stream.
   */
  detoast(pointer: Uint8Array, reader: ToastReader | ToastSnapshot): Uint8Array {
    const p = decodeToastPointer(pointer);
    const stored = this.fetchStored(p, reader);
    if (!toastPointerIsCompressed(p)) return stored;
    if (p.method === ToastCompressionId.LZ4)
      throw new ToastError(ERRCODE_FEATURE_NOT_SUPPORTED, 'compression method lz4 not supported');
    const tcinfo = new DataView(stored.buffer, stored.byteOffset, 4).getUint32(0, true);
    const rawsize = p.rawsize - VARHDRSZ;
    if ((tcinfo & 0x3fffffff) !== rawsize || tcinfo >>> 30 !== p.method)
      throw corrupt(
        `compressed toast value ${p.valueId} in ${this.name} has va_tcinfo ${tcinfo}, pointer says raw size ${rawsize}`,
      );
    return pglzDecompress(stored.subarray(4), rawsize, true);
  }

  /**
   * {@link detoast} through the cache of recently read values: what the
   * heap's reads use, so a scan that meets the same toasted values again
   * (every UPDATE's and DELETE's scan does) does not fetch their chunks
   * again. A cached value is returned only for a pointer equal to the one
   * it was read for; the reader sees the chunks whenever it sees a tuple
   * holding that pointer (TS4), so the answer is the one detoast gives.
   * The returned bytes are shared: callers copy before changing them
   * (type decoders do).
   */
  detoastCached(pointer: Uint8Array, reader: ToastReader | ToastSnapshot): Uint8Array {
    const p = decodeToastPointer(pointer);
    const hit = this.cache.get(p.valueId);
    if (hit !== undefined && sameBytes(hit.pointer, pointer)) {
      this.cache.delete(p.valueId); // most recently used: to the end
      this.cache.set(p.valueId, hit);
      return hit.raw;
    }
    const raw = this.detoast(pointer, reader);
    if (raw.length <= this.cacheBytes / 4) {
      this.evict(p.valueId);
      this.cache.set(p.valueId, { pointer: pointer.slice(), raw });
      this.cacheUsed += raw.length;
      for (const [id, e] of this.cache) {
        if (this.cacheUsed <= this.cacheBytes) break;
        this.cache.delete(id);
        this.cacheUsed -= e.raw.length;
      }
    }
    return raw;
  }

  private evict(valueId: number): void {
    const e = this.cache.get(valueId);
    if (e === undefined) return;
    this.cache.delete(valueId);
    this.cacheUsed -= e.raw.length;
  }

  /**
   * Whether the value a toast pointer stands for is `raw`, byte for byte
   * (read with SnapshotToast): how an update of values, not datums, finds
   * that a toasted column did not change, so it keeps the pointer (TS5).
   * A value of another length is told apart from the pointer alone.
   */
  storedEquals(pointer: Uint8Array, raw: Uint8Array, ctx?: VisibilityContext): boolean {
    const p = decodeToastPointer(pointer);
    if (p.rawsize - VARHDRSZ !== raw.length || p.toastRelId !== this.toastRelId) return false;
    return sameBytes(this.detoastCached(pointer, ctx === undefined ? {} : { ctx }), raw);
  }

  /**
   * toast_delete_datum: deletes every chunk of the value (heap_delete with
   * the writer's xid and cid, so the chunks die with the row, TS4), those
   * the snapshot sees, or without one those SnapshotToast sees, as
   * PostgreSQL does. Returns how many were deleted.
   */
  deleteValue(pointer: Uint8Array, writer: HeapWriter, snapshot?: Snapshot): number {
    const p = decodeToastPointer(pointer);
    let deleted = 0;
    const fetch = this.lookup(
      snapshot === undefined ? { ctx: writer.ctx } : { snapshot, ctx: writer.ctx },
    );
    for (const tid of this.chunkTids(p.valueId)) {
      const row = fetch(tid);
      if (row === null) continue;
      const r = this.heap.delete(row.tid, writer);
      if (r.result !== 'TM_Ok')
        throw new ToastError(
          'XX000',
          `could not delete chunk of toast value ${p.valueId} in ${this.name}: ${r.result}`,
        );
      deleted++;
    }
    return deleted;
  }

  /**
   * heap_toast_insert_or_update for a tuple whose varlena columns are
   * `inputs` (after `fixed.size` bytes of `fixed.columns` fixed-width
   * columns): the four passes of PostgreSQL, in order —
   *   1. while the tuple's data exceeds the target, compress the biggest
   *      EXTENDED value (EXTERNAL values are only marked incompressible),
   *      and move it out at once if it alone still exceeds the target;
   *   2. move the biggest EXTENDED/EXTERNAL value out of line;
   *   3. compress the biggest MAIN value;
   *   4. move the biggest MAIN value out while over TOAST_TUPLE_TARGET_MAIN.
   * Only values bigger than MAXALIGN(18) are candidates. A tuple under
   * TOAST_TUPLE_THRESHOLD with nothing external is left alone.
   *
   * For an update, `old` holds the old tuple's datums in the same column
   * order: a column whose input is the same pointer as its old datum is
   * reused as is (TS5); old external datums not reused are deleted with
   * `writer` (toast_tuple_cleanup). An input pointer that is not the old
   * column's is fetched and toasted afresh (PostgreSQL copies it too).
   */
  toastTuple(
    inputs: readonly ToastInput[],
    writer: HeapWriter,
    reader: ToastReader,
    options: {
      readonly old?: readonly (Uint8Array | null)[];
      readonly fixed?: { readonly size: number; readonly columns: number };
    } = {},
  ): ToastTupleResult {
    const fixedSize = options.fixed?.size ?? 0;
    const fixedColumns = options.fixed?.columns ?? 0;
    const columns: ToastColumn[] = inputs.map((input) => ({ ...input, align: 'i' }));
    const old: (Uint8Array | null)[] = [...(options.old ?? [])];
    if (fixedColumns > 0) {
      // the fixed columns as one block of fixedSize bytes in front (the count only shapes t_hoff)
      columns.unshift({ fixed: new Uint8Array(fixedSize), align: 'c' });
      old.unshift(null);
    }
    const r = this.toastRow(columns, writer, {
      reader,
      old,
      natts: inputs.length + fixedColumns,
    });
    return fixedColumns > 0 ? { ...r, datums: r.datums.slice(1), forms: r.forms.slice(1) } : r;
  }

  /**
   * heap_toast_insert_or_update for a whole row in attribute order:
   * {@link toastTuple}'s policy, with fixed-length columns taking their
   * aligned place in the size computation. `old` is the old tuple's datums
   * in the same order (update); `reader` is how a foreign input pointer is
   * read (SnapshotToast without one); `natts` overrides the attribute
   * count t_hoff is computed for. The datums of fixed columns come back as
   * given (forms 'plain'). Deleting old values needs `writer.ctx`.
   */
  toastRow(
    columns: readonly ToastColumn[],
    writer: ToastWriter & Partial<Pick<HeapWriter, 'ctx'>>,
    options: {
      readonly old?: readonly (Uint8Array | null)[];
      readonly reader?: ToastReader;
      readonly natts?: number;
    } = {},
  ): ToastTupleResult {
    const reused = new Set<number>();
    const readWith: ToastReader | ToastSnapshot =
      options.reader ?? (writer.ctx === undefined ? {} : { ctx: writer.ctx });
    const attrs: Attr[] = columns.map((input, i) => {
      if ('fixed' in input)
        return {
          storage: ToastStorage.PLAIN,
          align: input.align,
          bytes: input.fixed,
          form: 'fixed',
          flags: TOASTCOL_IGNORE,
        };
      const ignore = input.storage === ToastStorage.PLAIN ? TOASTCOL_IGNORE : 0;
      if ('pointer' in input) {
        const old = options.old?.[i];
        if (old != null && sameBytes(old, input.pointer)) {
          reused.add(i);
          return {
            storage: input.storage,
            align: input.align,
            bytes: input.pointer,
            form: 'external',
            flags: TOASTCOL_IGNORE,
          };
        }
        const raw = this.detoast(input.pointer, readWith);
        return {
          storage: input.storage,
          align: input.align,
          bytes: raw,
          form: 'plain',
          flags: ignore,
        };
      }
      return {
        storage: input.storage,
        align: input.align,
        bytes: input.value,
        form: 'plain',
        flags: ignore,
      };
    });
    const hoff = headerSize(attrs, options.natts ?? attrs.length);
    const dataSize = () => computeDataSize(attrs);
    const hasExternal = attrs.some((a) => a.form === 'external');
    if (hasExternal || hoff + dataSize() > TOAST_TUPLE_THRESHOLD) {
      this.runPasses(attrs, hoff, dataSize, writer);
    }
    const deleted: Uint8Array[] = [];
    for (const [i, old] of (options.old ?? []).entries()) {
      if (old === null || reused.has(i) || old[0] !== 0x01) continue;
      if (writer.ctx === undefined)
        throw new ToastError('XX000', "deleting an old toast value needs the writer's context");
      this.deleteValue(
        old,
        { xid: writer.xid, cid: writer.cid, ctx: writer.ctx },
        options.reader?.snapshot,
      );
      deleted.push(old);
    }
    const datums = attrs.map((a) => {
      if (a.bytes === null) return null;
      if (a.form !== 'plain') return a.bytes;
      return storageAllowsShortHeader(a.storage) && canMakeShort(a.bytes.length)
        ? encodeShort(a.bytes)
        : encodePlain(a.bytes);
    });
    const forms = attrs.map((a, i): ToastedForm => {
      if (a.bytes === null) return 'null';
      if (a.form === 'fixed') return 'plain';
      if (a.form !== 'plain') return a.form;
      return datums[i]![0]! & 1 ? 'short' : 'plain';
    });
    return { datums, forms, tupleLength: hoff + dataSize(), deleted };
  }

  private runPasses(attrs: Attr[], hoff: number, dataSize: () => number, writer: ToastWriter) {
    let maxDataLen = this.tupleTarget - hoff;
    const biggest = (forCompression: boolean, checkMain: boolean): number => {
      let best = -1;
      let bestSize = maxAlign(TOAST_POINTER_SIZE);
      const skip = TOASTCOL_IGNORE | (forCompression ? TOASTCOL_INCOMPRESSIBLE : 0);
      attrs.forEach((a, i) => {
        if (a.flags & skip || a.bytes === null || a.form === 'external' || a.form === 'fixed')
          return;
        if (forCompression && a.form === 'compressed') return;
        if (checkMain !== (a.storage === ToastStorage.MAIN)) return;
        if (
          !checkMain &&
          a.storage !== ToastStorage.EXTENDED &&
          a.storage !== ToastStorage.EXTERNAL
        )
          return;
        if (taiSize(a) > bestSize) {
          best = i;
          bestSize = taiSize(a);
        }
      });
      return best;
    };
    const tryCompression = (a: Attr) => {
      const datum = toastCompressDatum(a.bytes!);
      if (datum === null) a.flags |= TOASTCOL_INCOMPRESSIBLE;
      else {
        a.bytes = datum;
        a.form = 'compressed';
      }
    };
    const externalize = (a: Attr) => {
      a.bytes =
        a.form === 'compressed'
          ? this.saveCompressed(a.bytes!, writer)
          : this.saveRaw(a.bytes!, writer);
      a.form = 'external';
      a.flags |= TOASTCOL_IGNORE;
    };
    // Pass 1
    while (dataSize() > maxDataLen) {
      const i = biggest(true, false);
      if (i < 0) break;
      const a = attrs[i]!;
      if (a.storage === ToastStorage.EXTENDED) tryCompression(a);
      else a.flags |= TOASTCOL_INCOMPRESSIBLE;
      if (taiSize(a) > maxDataLen) externalize(a);
    }
    // Pass 2
    while (dataSize() > maxDataLen) {
      const i = biggest(false, false);
      if (i < 0) break;
      externalize(attrs[i]!);
    }
    // Pass 3
    while (dataSize() > maxDataLen) {
      const i = biggest(true, true);
      if (i < 0) break;
      tryCompression(attrs[i]!);
    }
    // Pass 4
    maxDataLen = TOAST_TUPLE_TARGET_MAIN - hoff;
    while (dataSize() > maxDataLen) {
      const i = biggest(false, true);
      if (i < 0) break;
      externalize(attrs[i]!);
    }
  }

  /** toastValue for one column alone: the datum heap_toast_insert_or_update would store. */
  toastValue(
    raw: Uint8Array,
    storage: ToastStorage,
    writer: HeapWriter,
    reader: ToastReader,
  ): { datum: Uint8Array; form: ToastedForm } {
    const r = this.toastTuple([{ storage, value: raw }], writer, reader);
    return { datum: r.datums[0]!, form: r.forms[0]! };
  }

  /**
   * heap_toast_delete: deletes the external values of a row being deleted
   * (the chunks the snapshot sees, or without one SnapshotToast's).
   */
  deleteRow(
    datums: readonly (Uint8Array | null)[],
    writer: HeapWriter,
    snapshot?: Snapshot,
  ): number {
    let n = 0;
    for (const d of datums)
      if (d !== null && d[0] === 0x01) n += this.deleteValue(d, writer, snapshot);
    return n;
  }
}
