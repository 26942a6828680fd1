/**
 * The heap tuple, byte for byte as PostgreSQL 15 lays it out
 * (src/include/access/htup_details.h, access/common/heaptuple.c):
 *
 * ```
 *  0        4        8        12             18     20     22   23
 *  +--------+--------+--------+--------------+------+------+----+--------------+-----+------------+
 *  | t_xmin | t_xmax | t_cid/ | t_ctid       | t_   | t_   | t_ | t_bits       | pad | data ...   |
 *  |        |        | t_xvac | (bi_hi,bi_lo,| info | info | hoff| (null bitmap,|     | (attribute |
 *  |        |        |        |  ip_posid)   | mask2| mask |    |  if HASNULL) |     |  values)   |
 *  +--------+--------+--------+--------------+------+------+----+--------------+-----+------------+
 *  |<------------------ SizeofHeapTupleHeader = 23 ------------>|<- t_hoff - 23 --->|<- t_len - t_hoff
 * ```
 *
 * | offset | size | field        | meaning                                                        |
 * | -----: | ---: | ------------ | -------------------------------------------------------------- |
 * |      0 |    4 | t_xmin       | inserting transaction                                          |
 * |      4 |    4 | t_xmax       | deleting or locking transaction (or multixact), 0 if none      |
 * |      8 |    4 | t_cid/t_xvac | command id (cmin, cmax or combo cid); xvac of old VACUUM FULL  |
 * |     12 |    6 | t_ctid       | this tuple's TID, or its newer version's, or a speculative token |
 * |     18 |    2 | t_infomask2  | attribute count (11 bits) and HOT/key-update flags             |
 * |     20 |    2 | t_infomask   | null/varwidth/external flags, hint bits, lock and xmax flags   |
 * |     22 |    1 | t_hoff       | offset of the data: MAXALIGN(23 + null bitmap length)          |
 * |     23 |    n | t_bits       | null bitmap, ceil(natts / 8) bytes, only if HEAP_HASNULL       |
 * | t_hoff |  ... | data         | attribute values, each aligned per its typalign (encodeRow)    |
 *
 * All integers are little-endian. A tuple's length (t_len, the line
 * pointer's lp_len) is t_hoff plus the data length; it is not MAXALIGNed
 * (the page aligns the item's storage, not its length).
 */
import { readTid, type Tid, writeTid } from '@pg/access';
import {
  HEAP_LOCK_MASK,
  HEAP_MOVED,
  HEAP_XMAX_COMMITTED,
  HEAP_XMAX_EXCL_LOCK,
  HEAP_XMAX_INVALID,
  HEAP_XMAX_IS_MULTI,
  HEAP_XMAX_KEYSHR_LOCK,
  HEAP_XMAX_LOCK_ONLY,
  HEAP_XMAX_SHR_LOCK,
  xminFrozen,
  xminInvalid,
} from '@pg/mvcc';
import { MAXIMUM_ALIGNOF, maxAlign } from '@pg/page';
import { detoastInline, ToastError } from '@pg/toast';
import { type AnyPgType, decodeRow, encodeRow, SqlError } from '@pg/types';

// ------------------------------------------------------------------ offsets

/** Offset of t_xmin. */
export const OFF_XMIN = 0;
/** Offset of t_xmax. */
export const OFF_XMAX = 4;
/** Offset of t_cid / t_xvac (t_field3 in pageinspect). */
export const OFF_FIELD3 = 8;
/** Offset of t_ctid. */
export const OFF_CTID = 12;
/** Offset of t_infomask2. */
export const OFF_INFOMASK2 = 18;
/** Offset of t_infomask. */
export const OFF_INFOMASK = 20;
/** Offset of t_hoff. */
export const OFF_HOFF = 22;
/** Offset of t_bits, the null bitmap. */
export const OFF_BITS = 23;
/** SizeofHeapTupleHeader: offsetof(HeapTupleHeaderData, t_bits). */
export const SIZEOF_HEAP_TUPLE_HEADER = 23;

// -------------------------------------------------------------- t_infomask2

/** HEAP_NATTS_MASK: the attribute count, 11 bits. */
export const HEAP_NATTS_MASK = 0x07ff;
/** HEAP_KEYS_UPDATED: the tuple was updated and key columns changed, or it was deleted. */
export const HEAP_KEYS_UPDATED = 0x2000;
/** HEAP_HOT_UPDATED: the tuple was HOT-updated (its newer version is a heap-only tuple). */
export const HEAP_HOT_UPDATED = 0x4000;
/** HEAP_ONLY_TUPLE: a heap-only tuple (no index entry points at it). */
export const HEAP_ONLY_TUPLE = 0x8000;
/** HEAP2_XACT_MASK: the visibility-related bits of t_infomask2. */
export const HEAP2_XACT_MASK = 0xe000;

// --------------------------------------------------------------- t_infomask

// The t_infomask bits and predicates that visibility reads are @pg/mvcc's; the heap re-exports them.
export {
  HEAP_COMBOCID,
  HEAP_LOCK_MASK,
  HEAP_MOVED,
  HEAP_MOVED_IN,
  HEAP_MOVED_OFF,
  HEAP_UPDATED,
  HEAP_XMAX_COMMITTED,
  HEAP_XMAX_EXCL_LOCK,
  HEAP_XMAX_INVALID,
  HEAP_XMAX_IS_MULTI,
  HEAP_XMAX_KEYSHR_LOCK,
  HEAP_XMAX_LOCK_ONLY,
  HEAP_XMAX_SHR_LOCK,
  HEAP_XMIN_COMMITTED,
  HEAP_XMIN_FROZEN,
  HEAP_XMIN_INVALID,
  xmaxIsLockedOnly,
  xminCommitted,
  xminFrozen,
  xminInvalid,
} from '@pg/mvcc';

/** HEAP_HASNULL: some attribute is null (a null bitmap follows the header). */
export const HEAP_HASNULL = 0x0001;
/** HEAP_HASVARWIDTH: some non-null attribute is variable-length. */
export const HEAP_HASVARWIDTH = 0x0002;
/** HEAP_HASEXTERNAL: some attribute is an external (TOAST) pointer. */
export const HEAP_HASEXTERNAL = 0x0004;
/** HEAP_HASOID_OLD: the tuple has an OID field (before PostgreSQL 12; never set now). */
export const HEAP_HASOID_OLD = 0x0008;
/** HEAP_XACT_MASK: the visibility-related bits of t_infomask. */
export const HEAP_XACT_MASK = 0xfff0;
/** HEAP_XMAX_BITS: the bits that describe xmax. */
export const HEAP_XMAX_BITS =
  HEAP_XMAX_COMMITTED |
  HEAP_XMAX_INVALID |
  HEAP_XMAX_IS_MULTI |
  HEAP_LOCK_MASK |
  HEAP_XMAX_LOCK_ONLY;

// ------------------------------------------------------------------- limits

/** MaxHeapAttributeNumber: the most columns a table can have. */
export const MAX_HEAP_ATTRIBUTE_NUMBER = 1600;
/** FrozenTransactionId: what a frozen tuple's xmin reads as. */
export const FROZEN_TRANSACTION_ID = 2;
/** SpecTokenOffsetNumber: t_ctid's offset while a speculative insertion is in progress. */
export const SPEC_TOKEN_OFFSET_NUMBER = 0xfffe;
/** MovedPartitionsOffsetNumber: t_ctid's offset after an UPDATE moved the row to another partition. */
export const MOVED_PARTITIONS_OFFSET_NUMBER = 0xfffd;
/** MovedPartitionsBlockNumber (InvalidBlockNumber). */
export const MOVED_PARTITIONS_BLOCK_NUMBER = 0xffffffff;

/** BITMAPLEN: bytes of a null bitmap for `natts` attributes. */
export function bitmapLen(natts: number): number {
  return (natts + 7) >> 3;
}

/** The t_hoff PostgreSQL computes: MAXALIGN(23 + bitmap length if there are nulls). */
export function expectedHoff(natts: number, hasNull: boolean): number {
  return maxAlign(SIZEOF_HEAP_TUPLE_HEADER + (hasNull ? bitmapLen(natts) : 0));
}

// ------------------------------------------------------------------- errors

/** What can be wrong with the bytes of a heap tuple. */
export type TupleProblem =
  | { readonly kind: 'too-short'; readonly length: number }
  | { readonly kind: 'hoff-misaligned'; readonly hoff: number }
  | {
      readonly kind: 'hoff-mismatch';
      readonly hoff: number;
      readonly expected: number;
      readonly natts: number;
      readonly hasNull: boolean;
    }
  | { readonly kind: 'hoff-past-end'; readonly hoff: number; readonly length: number }
  | { readonly kind: 'too-many-attributes'; readonly natts: number }
  | { readonly kind: 'multi-committed' }
  | { readonly kind: 'bad-data'; readonly attribute: number; readonly reason: string };

function describeTupleProblem(p: TupleProblem): string {
  switch (p.kind) {
    case 'too-short':
      return `heap tuple of ${p.length} bytes is shorter than its ${SIZEOF_HEAP_TUPLE_HEADER}-byte header`;
    case 'hoff-misaligned':
      return `heap tuple t_hoff ${p.hoff} is not max-aligned`;
    case 'hoff-mismatch':
      return `heap tuple t_hoff ${p.hoff} is not the expected ${p.expected} for ${p.natts} attributes ${p.hasNull ? 'with' : 'without'} a null bitmap`;
    case 'hoff-past-end':
      return `heap tuple t_hoff ${p.hoff} is past the end of the ${p.length}-byte tuple`;
    case 'too-many-attributes':
      return `heap tuple has ${p.natts} attributes, more than the maximum ${MAX_HEAP_ATTRIBUTE_NUMBER}`;
    case 'multi-committed':
      return 'heap tuple xmax is a multixact but is marked committed';
    case 'bad-data':
      return `heap tuple attribute ${p.attribute} is corrupted: ${p.reason}`;
  }
}

/**
 * The error for bytes that are not a well-formed heap tuple: SQLSTATE XX001
 * (data_corrupted), never retryable. Anything read from disk goes through
 * {@link readHeapTupleHeader}, so corruption surfaces as this error and not
 * as a crash or a wrong value.
 */
export class HeapTupleError extends SqlError {
  readonly problem: TupleProblem;
  constructor(problem: TupleProblem) {
    super('XX001', describeTupleProblem(problem));
    this.problem = problem;
  }
}

// ------------------------------------------------------------------- header

/** A decoded HeapTupleHeaderData. */
export interface HeapTupleHeader {
  /** t_xmin (raw: a frozen tuple still shows its original xid here). */
  readonly xmin: number;
  /** t_xmax. */
  readonly xmax: number;
  /** t_cid or t_xvac (pageinspect's t_field3). */
  readonly field3: number;
  /** t_ctid. */
  readonly ctid: Tid;
  /** t_infomask2, with the attribute count in its low 11 bits. */
  readonly infomask2: number;
  /** t_infomask. */
  readonly infomask: number;
  /** t_hoff. */
  readonly hoff: number;
  /** HeapTupleHeaderGetNatts: the number of attributes stored. */
  readonly natts: number;
  /** t_bits (a view of the tuple's bytes), or undefined without HEAP_HASNULL. */
  readonly nullBitmap: Uint8Array | undefined;
  /** t_len: the whole tuple's length. */
  readonly len: number;
}

/** Header fields a caller chooses when forming a tuple; the rest follow from the values. */
export interface HeapTupleFields {
  /** t_xmin (default 0). */
  readonly xmin?: number;
  /** t_xmax (default 0). */
  readonly xmax?: number;
  /** t_cid / t_xvac (default 0). */
  readonly cid?: number;
  /** t_ctid (default (0,0), as heap_form_tuple leaves it). */
  readonly ctid?: Tid;
  /**
   * t_infomask bits to set. HEAP_HASNULL, HEAP_HASVARWIDTH and
   * HEAP_HASEXTERNAL describe the values and are ignored here.
   */
  readonly infomask?: number;
  /** t_infomask2 flag bits to set; the attribute count is computed and ignored here. */
  readonly infomask2?: number;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
}

// Little-endian reads straight from the bytes: the scan's per-tuple header
// reads allocate nothing (a DataView per read was a third of a seq scan).
function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}
function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function checkUint(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} ${value} is not an integer in 0..${max}`);
  }
  return value;
}

/**
 * heap_form_tuple: the bytes of a heap tuple holding `values` (null for SQL
 * NULL) of `types`, with the header fields given. The data area is laid out
 * by encodeRow; t_hoff, the null bitmap, HEAP_HASNULL, HEAP_HASVARWIDTH,
 * HEAP_HASEXTERNAL (never: encodeRow stores every value inline) and the
 * attribute count follow from the values. Setting xmin, HEAP_XMAX_INVALID
 * and the cid as heap_prepare_insert does is the caller's business.
 */
export function formHeapTuple(
  types: readonly AnyPgType[],
  values: readonly unknown[],
  fields: HeapTupleFields = {},
): Uint8Array {
  checkNatts(types.length);
  const row = encodeRow(types, values);
  return assembleTuple(types.length, row.data, row.nullBitmap, row.hasVarWidth, false, fields);
}

function checkNatts(natts: number): void {
  if (natts > MAX_HEAP_ATTRIBUTE_NUMBER) {
    throw new SqlError(
      '54011',
      `number of columns (${natts}) exceeds limit (${MAX_HEAP_ATTRIBUTE_NUMBER})`,
    );
  }
}

/** The header (heap_form_tuple's part) in front of a data area laid out by heap_fill_tuple. */
function assembleTuple(
  natts: number,
  data: Uint8Array,
  nullBitmap: Uint8Array | undefined,
  hasVarWidth: boolean,
  hasExternal: boolean,
  fields: HeapTupleFields,
): Uint8Array {
  const hasNull = nullBitmap !== undefined;
  const hoff = expectedHoff(natts, hasNull);
  const out = new Uint8Array(hoff + data.length);
  const v = view(out);
  v.setUint32(OFF_XMIN, checkUint('xmin', fields.xmin ?? 0, 0xffffffff), true);
  v.setUint32(OFF_XMAX, checkUint('xmax', fields.xmax ?? 0, 0xffffffff), true);
  v.setUint32(OFF_FIELD3, checkUint('cid', fields.cid ?? 0, 0xffffffff), true);
  writeTid(out, OFF_CTID, fields.ctid ?? { block: 0, offset: 0 });
  const flags2 = checkUint('infomask2', fields.infomask2 ?? 0, 0xffff) & ~HEAP_NATTS_MASK;
  v.setUint16(OFF_INFOMASK2, flags2 | natts, true);
  let infomask =
    checkUint('infomask', fields.infomask ?? 0, 0xffff) &
    ~(HEAP_HASNULL | HEAP_HASVARWIDTH | HEAP_HASEXTERNAL);
  if (hasNull) infomask |= HEAP_HASNULL;
  if (hasVarWidth) infomask |= HEAP_HASVARWIDTH;
  if (hasExternal) infomask |= HEAP_HASEXTERNAL;
  v.setUint16(OFF_INFOMASK, infomask, true);
  out[OFF_HOFF] = hoff;
  if (nullBitmap) out.set(nullBitmap, OFF_BITS);
  out.set(data, hoff);
  return out;
}

/**
 * heap_form_tuple over datums already in their on-disk form, as the
 * toaster leaves them: for each attribute null (SQL NULL), exactly typlen
 * bytes for a fixed-length type, or a whole varlena — a 4-byte header
 * (plain or VARATT_4B_C compressed, aligned to typalign), a 1-byte short
 * header, or an 18-byte VARATT_EXTERNAL_ONDISK toast pointer (01 12 ...,
 * unaligned, and HEAP_HASEXTERNAL set) — laid out as heap_fill_tuple
 * does. Throws RangeError on a datum that is none of these.
 */
export function formHeapTupleFromDatums(
  types: readonly AnyPgType[],
  datums: readonly (Uint8Array | null)[],
  fields: HeapTupleFields = {},
): Uint8Array {
  const natts = types.length;
  checkNatts(natts);
  if (datums.length !== natts) throw new RangeError('one datum per type');
  const at: number[] = [];
  let offset = 0;
  let hasNull = false;
  let hasVarWidth = false;
  let hasExternal = false;
  const bitmap = new Uint8Array((natts + 7) >> 3);
  for (let i = 0; i < natts; i++) {
    const type = types[i]!;
    const d = datums[i];
    if (d === null || d === undefined) {
      hasNull = true;
      at.push(-1);
      continue;
    }
    bitmap[i >> 3]! |= 1 << (i & 7);
    if (type.len > 0) {
      if (d.length !== type.len) throw new RangeError(`${type.name} datum of ${d.length} bytes`);
      offset = alignTo(offset, type.align);
    } else {
      hasVarWidth = true;
      const first = d[0];
      if (first === undefined) throw new RangeError(`attribute ${i + 1}: an empty varlena`);
      if (first === 0x01) {
        if (d.length !== 18 || d[1] !== 18)
          throw new RangeError(`attribute ${i + 1}: not an on-disk toast pointer`);
        hasExternal = true;
      } else if ((first & 0x01) === 0x01) {
        if (first >>> 1 !== d.length) throw new RangeError(`attribute ${i + 1}: bad short varlena`);
      } else {
        if (view(d).getUint32(0, true) >>> 2 !== d.length)
          throw new RangeError(`attribute ${i + 1}: bad varlena header`);
        offset = alignTo(offset, type.align);
      }
    }
    at.push(offset);
    offset += d.length;
  }
  const data = new Uint8Array(offset);
  for (let i = 0; i < natts; i++) if (at[i]! >= 0) data.set(datums[i]!, at[i]!);
  return assembleTuple(natts, data, hasNull ? bitmap : undefined, hasVarWidth, hasExternal, fields);
}

/**
 * The raw datums of a tuple's attributes (nocachegetattr's view): for each
 * of `types`, null or a copy of its on-disk bytes (a varlena with its
 * header: an external toast pointer stays a pointer). Attributes past the
 * tuple's natts are null.
 */
export function heapTupleDatums(
  types: readonly AnyPgType[],
  bytes: Uint8Array,
): (Uint8Array | null)[] {
  const header = readHeapTupleHeader(bytes);
  const data = bytes.subarray(header.hoff);
  const count = Math.min(header.natts, types.length);
  const spans = attributeSpans(types, data, header.nullBitmap, count);
  const out = spans.map((s) => (s === null ? null : data.slice(s.offset, s.offset + s.size)));
  for (let i = count; i < types.length; i++) out.push(null);
  return out;
}

/**
 * Reads and checks the header of the heap tuple in `bytes` (exactly the
 * item: lp_len bytes), which may come from disk. Throws a
 * {@link HeapTupleError} (XX001) unless: the header fits (H1); natts is at
 * most MaxHeapAttributeNumber (H2); t_hoff is MAXALIGNed (H3) and is the
 * t_hoff PostgreSQL computes for natts with or without a null bitmap, so
 * the bitmap fits before the data (H4); t_hoff is within the tuple (H5); a
 * multixact xmax is not marked committed (H6). H3, H4 and H6 are
 * amcheck's check_tuple_header rules. (A lock-only xmax with
 * HEAP_KEYS_UPDATED is legal: SELECT FOR UPDATE sets both.)
 */
export function readHeapTupleHeader(bytes: Uint8Array): HeapTupleHeader {
  const hoff = checkTupleHeader(bytes);
  const infomask2 = u16(bytes, OFF_INFOMASK2);
  const infomask = u16(bytes, OFF_INFOMASK);
  const natts = infomask2 & HEAP_NATTS_MASK;
  return {
    xmin: u32(bytes, OFF_XMIN),
    xmax: u32(bytes, OFF_XMAX),
    field3: u32(bytes, OFF_FIELD3),
    ctid: readTid(bytes, OFF_CTID),
    infomask2,
    infomask,
    hoff,
    natts,
    nullBitmap: nullBitmapOf(bytes, infomask, natts),
    len: bytes.length,
  };
}

function nullBitmapOf(bytes: Uint8Array, infomask: number, natts: number): Uint8Array | undefined {
  return (infomask & HEAP_HASNULL) !== 0
    ? bytes.subarray(OFF_BITS, OFF_BITS + bitmapLen(natts))
    : undefined;
}

/** {@link readHeapTupleHeader}'s checks H1..H6, allocating nothing; returns t_hoff. */
function checkTupleHeader(bytes: Uint8Array): number {
  const len = bytes.length;
  // H1
  if (len < SIZEOF_HEAP_TUPLE_HEADER) throw new HeapTupleError({ kind: 'too-short', length: len });
  const infomask2 = u16(bytes, OFF_INFOMASK2);
  const infomask = u16(bytes, OFF_INFOMASK);
  const hoff = bytes[OFF_HOFF]!;
  const natts = infomask2 & HEAP_NATTS_MASK;
  // H2
  if (natts > MAX_HEAP_ATTRIBUTE_NUMBER) {
    throw new HeapTupleError({ kind: 'too-many-attributes', natts });
  }
  // H3
  if (hoff % MAXIMUM_ALIGNOF !== 0) throw new HeapTupleError({ kind: 'hoff-misaligned', hoff });
  // H4
  const hasNull = (infomask & HEAP_HASNULL) !== 0;
  const expected = expectedHoff(natts, hasNull);
  if (hoff !== expected) {
    throw new HeapTupleError({ kind: 'hoff-mismatch', hoff, expected, natts, hasNull });
  }
  // H5
  if (hoff > len) throw new HeapTupleError({ kind: 'hoff-past-end', hoff, length: len });
  // H6
  if ((infomask & HEAP_XMAX_COMMITTED) !== 0 && (infomask & HEAP_XMAX_IS_MULTI) !== 0) {
    throw new HeapTupleError({ kind: 'multi-committed' });
  }
  return hoff;
}

/**
 * heap_deform_tuple: the values of the heap tuple in `bytes` as `types`
 * describes its columns (null for SQL NULL). A tuple with fewer attributes
 * than `types` (written before ALTER TABLE ADD COLUMN) reads `missing[i]`
 * (attmissingval), or NULL, for the missing ones; attributes beyond `types` are ignored, as PostgreSQL
 * ignores them. A value compressed inline (VARATT_4B_C, pglz, as
 * PostgreSQL stores a compressible value of a STORAGE MAIN or EXTENDED
 * column) is decompressed through @pg/toast (heap_deform_tuple leaves it
 * compressed; PostgreSQL detoasts it when the value is used: the value is
 * the same). Corrupt bytes, a corrupt pglz stream included, throw
 * {@link HeapTupleError} (XX001); an external toast pointer (out-of-line
 * storage is not built yet) or an lz4-compressed value throws 0A000.
 */
export function deformHeapTuple(
  types: readonly AnyPgType[],
  bytes: Uint8Array,
  detoast?: Detoaster,
  missing?: readonly unknown[],
): unknown[] {
  const hoff = checkTupleHeader(bytes);
  const infomask = u16(bytes, OFF_INFOMASK);
  const natts = u16(bytes, OFF_INFOMASK2) & HEAP_NATTS_MASK;
  const nullBitmap = nullBitmapOf(bytes, infomask, natts);
  const count = Math.min(natts, types.length);
  const data = bytes.subarray(hoff);
  let values: unknown[];
  if (detoast !== undefined && (infomask & HEAP_HASVARWIDTH) !== 0) {
    // a toasted table's varlena values are often compressed or external: one careful walk
    values = decodeCompressedRow(types, data, nullBitmap, count, undefined, detoast);
  } else {
    try {
      values = decodeRow(types, data, nullBitmap, count);
    } catch (error) {
      // decodeRow refuses compressed and external values: decode those here,
      // or say which attribute is bad and why, from a careful walk over the data.
      values = decodeCompressedRow(types, data, nullBitmap, count, error, detoast);
    }
  }
  for (let i = count; i < types.length; i++) values.push(missing?.[i] ?? null);
  return values;
}

/** One attribute's place in the data area, as {@link attributeSpans} finds it. */
export interface AttributeSpan {
  /** Offset of the datum (its varlena header included) from t_hoff. */
  readonly offset: number;
  /** Bytes of the datum (its varlena header included). */
  readonly size: number;
  /** For varlena attributes: the header kind. */
  readonly varlena: 'short' | '4b' | 'compressed' | 'external' | undefined;
}

/**
 * Where each of the first `count` attributes lies in the data area (null
 * for a null attribute), checking that every datum lies within `data`:
 * the offsets nocachegetattr computes. Throws {@link HeapTupleError}.
 */
export function attributeSpans(
  types: readonly AnyPgType[],
  data: Uint8Array,
  nullBitmap: Uint8Array | undefined,
  count: number,
): Array<AttributeSpan | null> {
  const out: Array<AttributeSpan | null> = [];
  let offset = 0;
  const bad = (attribute: number, reason: string) =>
    new HeapTupleError({ kind: 'bad-data', attribute, reason });
  for (let i = 0; i < count; i++) {
    const type = types[i]!;
    const attnum = i + 1;
    if (nullBitmap && ((nullBitmap[i >> 3] ?? 0) & (1 << (i & 7))) === 0) {
      out.push(null);
      continue;
    }
    if (type.len > 0) {
      offset = alignTo(offset, type.align);
      if (offset + type.len > data.length) {
        throw bad(
          attnum,
          `${type.len} bytes at offset ${offset} run past ${data.length} bytes of data`,
        );
      }
      out.push({ offset, size: type.len, varlena: undefined });
      offset += type.len;
      continue;
    }
    if (data[offset] === 0) offset = alignTo(offset, type.align);
    const first = data[offset];
    if (first === undefined)
      throw bad(attnum, `varlena header at offset ${offset} is past the end`);
    if (first === 0x01) {
      // VARATT_IS_EXTERNAL: 1-byte header, tag, then the pointer. On disk only
      // VARTAG_ONDISK (18) occurs: a 16-byte varatt_external.
      const size = 2 + 16;
      if (data[offset + 1] !== 18 || offset + size > data.length) {
        throw bad(attnum, `external value at offset ${offset} is malformed`);
      }
      out.push({ offset, size, varlena: 'external' });
      offset += size;
      continue;
    }
    if ((first & 0x01) === 0x01) {
      const size = first >>> 1;
      if (offset + size > data.length) {
        throw bad(attnum, `short varlena of ${size} bytes at offset ${offset} runs past the end`);
      }
      out.push({ offset, size, varlena: 'short' });
      offset += size;
      continue;
    }
    if (offset + 4 > data.length) {
      throw bad(attnum, `varlena header at offset ${offset} runs past the end`);
    }
    const word = view(data).getUint32(offset, true);
    const size = word >>> 2;
    if (size < 4 || offset + size > data.length) {
      throw bad(attnum, `varlena of ${size} bytes at offset ${offset} runs past the end`);
    }
    out.push({ offset, size, varlena: (word & 0x03) === 0x02 ? 'compressed' : '4b' });
    offset += size;
  }
  return out;
}

/**
 * detoast_external_attr for deformHeapTuple: the raw payload (no varlena
 * header, decompressed) an 18-byte on-disk toast pointer stands for.
 */
export type Detoaster = (pointer: Uint8Array, attnum: number) => Uint8Array;

/**
 * The values of a tuple some of whose attributes are compressed inline or
 * stored out of line, decompressed and fetched (through `detoast`); for any
 * other tuple decodeRow refused, the error explainBadData gives. An
 * external toast pointer without a `detoast` is 0A000.
 */
function decodeCompressedRow(
  types: readonly AnyPgType[],
  data: Uint8Array,
  nullBitmap: Uint8Array | undefined,
  count: number,
  error: unknown,
  detoast: Detoaster | undefined,
): unknown[] {
  // Throws HeapTupleError when a datum does not lie within the data.
  const spans = attributeSpans(types, data, nullBitmap, count);
  const external = spans.findIndex((s) => s !== null && s.varlena === 'external');
  if (external >= 0 && detoast === undefined) {
    throw new SqlError(
      '0A000',
      `attribute ${external + 1} is an external (TOAST) value, and this relation has no toast relation to read it from`,
    );
  }
  if (
    error !== undefined &&
    !spans.some((s) => s !== null && (s.varlena === 'compressed' || s.varlena === 'external'))
  ) {
    throw explainBadData(types, spans, data, error);
  }
  return spans.map((span, i) => {
    if (span === null) return null;
    const attnum = i + 1;
    let payload: Uint8Array;
    if (span.varlena === 'external') {
      payload = detoast!(data.subarray(span.offset, span.offset + span.size), attnum);
    } else if (span.varlena === 'compressed') {
      try {
        payload = detoastInline(data.subarray(span.offset, span.offset + span.size));
      } catch (toastError) {
        if (toastError instanceof ToastError && toastError.code === '0A000') {
          throw new SqlError('0A000', `attribute ${attnum}: ${toastError.message}`);
        }
        const reason = toastError instanceof Error ? toastError.message : String(toastError);
        const detail =
          toastError instanceof ToastError && toastError.detail ? `: ${toastError.detail}` : '';
        throw new HeapTupleError({ kind: 'bad-data', attribute: attnum, reason: reason + detail });
      }
    } else {
      const header = span.varlena === 'short' ? 1 : span.varlena === '4b' ? 4 : 0;
      payload = data.subarray(span.offset + header, span.offset + span.size);
    }
    try {
      return types[i]!.decode(payload);
    } catch (decodeError) {
      const reason = decodeError instanceof Error ? decodeError.message : String(decodeError);
      throw new HeapTupleError({ kind: 'bad-data', attribute: attnum, reason });
    }
  });
}

function alignTo(offset: number, align: AnyPgType['align']): number {
  const a = align === 'd' ? 8 : align === 'i' ? 4 : align === 's' ? 2 : 1;
  return (offset + a - 1) & ~(a - 1);
}

function explainBadData(
  types: readonly AnyPgType[],
  spans: ReadonlyArray<AttributeSpan | null>,
  data: Uint8Array,
  error: unknown,
): Error {
  // Every datum is in bounds, so a type refused its own bytes: find which.
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    if (!span) continue;
    const header = span.varlena === 'short' ? 1 : span.varlena === '4b' ? 4 : 0;
    try {
      types[i]!.decode(data.subarray(span.offset + header, span.offset + span.size));
    } catch (decodeError) {
      const reason = decodeError instanceof Error ? decodeError.message : String(decodeError);
      return new HeapTupleError({ kind: 'bad-data', attribute: i + 1, reason });
    }
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new HeapTupleError({ kind: 'bad-data', attribute: 0, reason });
}

// ---------------------------------------------------- getters and setters

function checkHeader(bytes: Uint8Array): DataView {
  checkLength(bytes);
  return view(bytes);
}

function checkLength(bytes: Uint8Array): void {
  if (bytes.length < SIZEOF_HEAP_TUPLE_HEADER) {
    throw new HeapTupleError({ kind: 'too-short', length: bytes.length });
  }
}

/** HeapTupleHeaderGetRawXmin. */
export function tupleXmin(bytes: Uint8Array): number {
  checkLength(bytes);
  return u32(bytes, OFF_XMIN);
}
/** HeapTupleHeaderGetRawXmax. */
export function tupleXmax(bytes: Uint8Array): number {
  checkLength(bytes);
  return u32(bytes, OFF_XMAX);
}
/** HeapTupleHeaderGetRawCommandId (t_cid; t_xvac shares the field). */
export function tupleCid(bytes: Uint8Array): number {
  checkLength(bytes);
  return u32(bytes, OFF_FIELD3);
}
/** t_ctid. */
export function tupleCtid(bytes: Uint8Array): Tid {
  checkLength(bytes);
  return readTid(bytes, OFF_CTID);
}
/** t_infomask. */
export function tupleInfomask(bytes: Uint8Array): number {
  checkLength(bytes);
  return u16(bytes, OFF_INFOMASK);
}
/** t_infomask2. */
export function tupleInfomask2(bytes: Uint8Array): number {
  checkLength(bytes);
  return u16(bytes, OFF_INFOMASK2);
}

/** HeapTupleHeaderSetXmin. */
export function setTupleXmin(bytes: Uint8Array, xid: number): void {
  checkHeader(bytes).setUint32(OFF_XMIN, checkUint('xmin', xid, 0xffffffff), true);
}
/** HeapTupleHeaderSetXmax. */
export function setTupleXmax(bytes: Uint8Array, xid: number): void {
  checkHeader(bytes).setUint32(OFF_XMAX, checkUint('xmax', xid, 0xffffffff), true);
}
/** HeapTupleHeaderSetCmin / SetCmax (and t_xvac, which shares the field). */
export function setTupleCid(bytes: Uint8Array, cid: number): void {
  checkHeader(bytes).setUint32(OFF_FIELD3, checkUint('cid', cid, 0xffffffff), true);
}
/** t_ctid: the tuple's own TID, its newer version's, or a speculative token. */
export function setTupleCtid(bytes: Uint8Array, ctid: Tid): void {
  checkLength(bytes);
  writeTid(bytes, OFF_CTID, ctid);
}

/**
 * Sets and clears t_infomask bits: `clear` first, then `set`. HEAP_HASNULL,
 * HEAP_HASVARWIDTH and HEAP_HASEXTERNAL describe the data and cannot change
 * here. Returns the new t_infomask.
 */
export function updateInfomask(bytes: Uint8Array, set: number, clear = 0): number {
  const v = checkHeader(bytes);
  const fixed = HEAP_HASNULL | HEAP_HASVARWIDTH | HEAP_HASEXTERNAL;
  if (((set | clear) & fixed) !== 0) {
    throw new RangeError('HEAP_HASNULL, HEAP_HASVARWIDTH and HEAP_HASEXTERNAL follow the data');
  }
  const next = ((v.getUint16(OFF_INFOMASK, true) & ~clear) | set) & 0xffff;
  v.setUint16(OFF_INFOMASK, next, true);
  return next;
}

/**
 * Sets and clears t_infomask2 flag bits (HEAP_KEYS_UPDATED, HEAP_HOT_UPDATED,
 * HEAP_ONLY_TUPLE): `clear` first, then `set`. The attribute count cannot
 * change here. Returns the new t_infomask2.
 */
export function updateInfomask2(bytes: Uint8Array, set: number, clear = 0): number {
  const v = checkHeader(bytes);
  if (((set | clear) & HEAP_NATTS_MASK) !== 0) {
    throw new RangeError('the attribute count in t_infomask2 follows the data');
  }
  const next = ((v.getUint16(OFF_INFOMASK2, true) & ~clear) | set) & 0xffff;
  v.setUint16(OFF_INFOMASK2, next, true);
  return next;
}

/**
 * The header changes of a delete, update or lock, as heap_delete,
 * heap_update and heap_lock_tuple make them: t_infomask's xmax bits
 * (HEAP_XMAX_BITS) and HEAP_MOVED are replaced by `infomask`'s, t_infomask2's
 * HEAP_KEYS_UPDATED by `infomask2`'s, t_xmax is set, and (for an update, or
 * a delete that moved the row to another partition) t_ctid.
 */
export function setTupleXmaxAndBits(
  bytes: Uint8Array,
  change: { xmax: number; infomask: number; infomask2?: number; cid?: number; ctid?: Tid },
): void {
  setTupleXmax(bytes, change.xmax);
  updateInfomask(
    bytes,
    change.infomask & (HEAP_XMAX_BITS | HEAP_MOVED),
    HEAP_XMAX_BITS | HEAP_MOVED,
  );
  updateInfomask2(bytes, (change.infomask2 ?? 0) & HEAP_KEYS_UPDATED, HEAP_KEYS_UPDATED);
  if (change.cid !== undefined) setTupleCid(bytes, change.cid);
  if (change.ctid !== undefined) setTupleCtid(bytes, change.ctid);
}

// ------------------------------------------------------------- predicates

/**
 * HEAP_LOCKED_UPGRADED: a multixact xmax with only lockers and no lock bits,
 * left by pg_upgrade from 9.2 or older; treat xmax as invalid.
 */
export function lockedUpgraded(infomask: number): boolean {
  return (
    (infomask & HEAP_XMAX_IS_MULTI) !== 0 &&
    (infomask & HEAP_XMAX_LOCK_ONLY) !== 0 &&
    (infomask & (HEAP_XMAX_EXCL_LOCK | HEAP_XMAX_KEYSHR_LOCK)) === 0
  );
}
/** HEAP_XMAX_IS_SHR_LOCKED. */
export function xmaxIsShrLocked(infomask: number): boolean {
  return (infomask & HEAP_LOCK_MASK) === HEAP_XMAX_SHR_LOCK;
}
/** HEAP_XMAX_IS_EXCL_LOCKED. */
export function xmaxIsExclLocked(infomask: number): boolean {
  return (infomask & HEAP_LOCK_MASK) === HEAP_XMAX_EXCL_LOCK;
}
/** HEAP_XMAX_IS_KEYSHR_LOCKED. */
export function xmaxIsKeyShrLocked(infomask: number): boolean {
  return (infomask & HEAP_LOCK_MASK) === HEAP_XMAX_KEYSHR_LOCK;
}
/** HeapTupleHeaderGetXmin: FrozenTransactionId for a frozen tuple, else the raw xmin. */
export function effectiveXmin(header: Pick<HeapTupleHeader, 'xmin' | 'infomask'>): number {
  return xminFrozen(header.infomask) ? FROZEN_TRANSACTION_ID : header.xmin;
}
/** HeapTupleHeaderIsHotUpdated: HOT-updated by a transaction that may have committed. */
export function isHotUpdated(header: Pick<HeapTupleHeader, 'infomask' | 'infomask2'>): boolean {
  return (
    (header.infomask2 & HEAP_HOT_UPDATED) !== 0 &&
    (header.infomask & HEAP_XMAX_INVALID) === 0 &&
    !xminInvalid(header.infomask)
  );
}
/** HeapTupleHeaderIsHeapOnly. */
export function isHeapOnly(infomask2: number): boolean {
  return (infomask2 & HEAP_ONLY_TUPLE) !== 0;
}
/** HeapTupleHeaderIsSpeculative: t_ctid holds a speculative insertion token. */
export function isSpeculative(ctid: Tid): boolean {
  return ctid.offset === SPEC_TOKEN_OFFSET_NUMBER;
}
/** HeapTupleHeaderIndicatesMovedPartitions. */
export function indicatesMovedPartitions(ctid: Tid): boolean {
  return (
    ctid.offset === MOVED_PARTITIONS_OFFSET_NUMBER && ctid.block === MOVED_PARTITIONS_BLOCK_NUMBER
  );
}
