/**
 * The invariants of a well-formed heap tuple, as a checker:
 * `checkHeapTuple(types, bytes)` returns one violation per broken rule
 * (empty when the tuple is what heap_form_tuple would have written for some
 * values of `types`). The numbers are cited in tuple.ts and the README.
 *
 *  T1  The tuple holds its 23-byte header.
 *  T2  natts (t_infomask2 & HEAP_NATTS_MASK) <= MaxHeapAttributeNumber (1600)
 *      and, for a tuple formed for `types`, equals types.length.
 *  T3  t_hoff = MAXALIGN(23 + (HEAP_HASNULL ? ceil(natts / 8) : 0)).
 *  T4  HEAP_HASNULL is set exactly when the null bitmap marks some attribute
 *      null; bitmap bits past natts are zero.
 *  T5  HEAP_HASVARWIDTH is set exactly when some non-null attribute is
 *      variable-length; HEAP_HASEXTERNAL exactly when some is external.
 *  T6  The bytes between the bitmap and t_hoff, and the alignment padding
 *      between attributes, are zero.
 *  T7  Every attribute lies within the tuple, and the last one ends exactly
 *      at t_len (no trailing bytes).
 *  T8  A multixact xmax is never marked committed (HEAP_XMAX_IS_MULTI with
 *      HEAP_XMAX_COMMITTED).
 *  T9  HEAP_HASOID_OLD is never set (PostgreSQL 12 and later).
 */
import type { AnyPgType } from '@pg/types';
import {
  attributeSpans,
  bitmapLen,
  expectedHoff,
  HEAP_HASEXTERNAL,
  HEAP_HASNULL,
  HEAP_HASOID_OLD,
  HEAP_HASVARWIDTH,
  HEAP_NATTS_MASK,
  HEAP_XMAX_COMMITTED,
  HEAP_XMAX_IS_MULTI,
  HeapTupleError,
  MAX_HEAP_ATTRIBUTE_NUMBER,
  OFF_BITS,
  OFF_HOFF,
  OFF_INFOMASK,
  OFF_INFOMASK2,
  SIZEOF_HEAP_TUPLE_HEADER,
} from './tuple.js';

export interface TupleViolation {
  /** The invariant's number, T1..T9. */
  readonly invariant: `T${number}`;
  readonly message: string;
}

/** Checks T1..T9 for a tuple whose columns are `types`. */
export function checkHeapTuple(types: readonly AnyPgType[], bytes: Uint8Array): TupleViolation[] {
  const out: TupleViolation[] = [];
  const fail = (n: number, message: string) => out.push({ invariant: `T${n}`, message });
  if (bytes.length < SIZEOF_HEAP_TUPLE_HEADER) {
    fail(1, `tuple is ${bytes.length} bytes`);
    return out;
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const infomask2 = v.getUint16(OFF_INFOMASK2, true);
  const infomask = v.getUint16(OFF_INFOMASK, true);
  const hoff = bytes[OFF_HOFF]!;
  const natts = infomask2 & HEAP_NATTS_MASK;
  if (natts > MAX_HEAP_ATTRIBUTE_NUMBER || natts !== types.length) {
    fail(2, `natts ${natts} for ${types.length} columns`);
    return out;
  }
  const hasNull = (infomask & HEAP_HASNULL) !== 0;
  const expected = expectedHoff(natts, hasNull);
  if (hoff !== expected || hoff > bytes.length) {
    fail(3, `t_hoff ${hoff}, expected ${expected} (tuple of ${bytes.length} bytes)`);
    return out;
  }
  const bitmap = hasNull ? bytes.subarray(OFF_BITS, OFF_BITS + bitmapLen(natts)) : undefined;
  if (bitmap) {
    let nulls = 0;
    for (let i = 0; i < natts; i++) if (((bitmap[i >> 3] ?? 0) & (1 << (i & 7))) === 0) nulls++;
    if (nulls === 0) fail(4, 'HEAP_HASNULL is set but no attribute is null');
    for (let i = natts; i < bitmap.length * 8; i++) {
      if (((bitmap[i >> 3] ?? 0) & (1 << (i & 7))) !== 0) fail(4, `bitmap bit ${i} past natts`);
    }
  }
  const headerEnd = OFF_BITS + (bitmap ? bitmap.length : 0);
  for (let i = headerEnd; i < hoff; i++) {
    if (bytes[i] !== 0) fail(6, `header padding byte ${i} is ${bytes[i]}`);
  }
  const data = bytes.subarray(hoff);
  let spans: ReturnType<typeof attributeSpans>;
  try {
    spans = attributeSpans(types, data, bitmap, natts);
  } catch (error) {
    if (!(error instanceof HeapTupleError)) throw error;
    fail(7, error.message);
    return out;
  }
  let varWidth = false;
  let external = false;
  let end = 0;
  for (const span of spans) {
    if (!span) continue;
    for (let i = end; i < span.offset; i++) {
      if (data[i] !== 0) fail(6, `alignment padding byte ${hoff + i} is ${data[i]}`);
    }
    if (span.varlena !== undefined) varWidth = true;
    if (span.varlena === 'external') external = true;
    end = span.offset + span.size;
  }
  if (end !== data.length) fail(7, `data ends at ${hoff + end}, tuple at ${bytes.length}`);
  if (varWidth !== ((infomask & HEAP_HASVARWIDTH) !== 0)) {
    fail(5, `HEAP_HASVARWIDTH is ${!varWidth} but variable-length values: ${varWidth}`);
  }
  if (external !== ((infomask & HEAP_HASEXTERNAL) !== 0)) {
    fail(5, `HEAP_HASEXTERNAL is ${!external} but external values: ${external}`);
  }
  if ((infomask & HEAP_XMAX_IS_MULTI) !== 0 && (infomask & HEAP_XMAX_COMMITTED) !== 0) {
    fail(8, 'multixact xmax marked committed');
  }
  if ((infomask & HEAP_HASOID_OLD) !== 0) fail(9, 'HEAP_HASOID_OLD is set');
  return out;
}
