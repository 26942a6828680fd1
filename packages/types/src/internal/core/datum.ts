/**
 * Datums on disk: how PostgreSQL lays attribute values out in the data
 * part of a heap tuple (heap_fill_tuple in heaptuple.c), and the varlena
 * headers of variable-length values (postgres.h, varatt.h).
 *
 * Fixed-length values (typlen > 0) are aligned to their typalign and stored
 * in `typlen` bytes, little-endian. Variable-length values (typlen = -1) are
 * stored with a varlena header:
 *
 * ```
 * 4-byte header, aligned to typalign:   short 1-byte header, never aligned:
 *  +----------------+--------------+     +--------+-------------+
 *  | len << 2 (LE)  | payload ...  |     | len<<1|1| payload ... |
 *  +----------------+--------------+     +--------+-------------+
 *  len counts the 4 header bytes          len counts the 1 header byte
 * ```
 *
 * A value gets the short header when its type's typstorage is not 'p'
 * (plain) and the payload is at most 126 bytes (VARATT_CAN_MAKE_SHORT).
 * Padding bytes are zero. NULLs take no space; the tuple header's null
 * bitmap has bit i set when attribute i is NOT null.
 */
import { badBinary } from './errors.js';
import type { AnyPgType, TypAlign } from './type.js';

/** VARHDRSZ. */
export const VARHDRSZ = 4;
/** VARHDRSZ_SHORT. */
export const VARHDRSZ_SHORT = 1;
/** VARATT_SHORT_MAX: the largest total size (header included) of a short varlena. */
export const VARATT_SHORT_MAX = 0x7f;

/** att_align_nominal: round `offset` up to the alignment typalign asks for. */
export function alignOffset(offset: number, align: TypAlign): number {
  const a = align === 'd' ? 8 : align === 'i' ? 4 : align === 's' ? 2 : 1;
  return (offset + a - 1) & ~(a - 1);
}

/** A varlena with a 4-byte header around `payload`. */
export function varlena4(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(VARHDRSZ + payload.length);
  new DataView(out.buffer).setUint32(0, ((VARHDRSZ + payload.length) << 2) >>> 0, true);
  out.set(payload, VARHDRSZ);
  return out;
}

/** A varlena with a 1-byte header around `payload` (at most 126 bytes). */
export function varlena1(payload: Uint8Array): Uint8Array {
  if (payload.length + VARHDRSZ_SHORT > VARATT_SHORT_MAX) {
    throw new RangeError(`payload of ${payload.length} bytes is too long for a short varlena`);
  }
  const out = new Uint8Array(VARHDRSZ_SHORT + payload.length);
  out[0] = ((VARHDRSZ_SHORT + payload.length) << 1) | 1;
  out.set(payload, VARHDRSZ_SHORT);
  return out;
}

/**
 * Reads the varlena at `offset` (already positioned past any padding):
 * its payload and its total size. Throws 22P03 on a header that does not
 * fit in `bytes`, or on a TOAST pointer or compressed value (not supported
 * here yet: @pg/toast handles those).
 */
export function readVarlena(
  bytes: Uint8Array,
  offset: number,
): { payload: Uint8Array; size: number } {
  const first = bytes[offset];
  if (first === undefined) throw badBinary('varlena header past the end of the data');
  if ((first & 0x01) === 0x01) {
    if (first === 0x01) throw badBinary('external TOAST pointers are not supported here');
    const size = first >>> 1;
    if (offset + size > bytes.length) throw badBinary('varlena past the end of the data');
    return { payload: bytes.subarray(offset + 1, offset + size), size };
  }
  if (offset + 4 > bytes.length) throw badBinary('varlena header past the end of the data');
  const header = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0, true);
  if ((header & 0x03) !== 0) throw badBinary('compressed varlena values are not supported here');
  const size = header >>> 2;
  if (size < VARHDRSZ || offset + size > bytes.length) {
    throw badBinary('varlena past the end of the data');
  }
  return { payload: bytes.subarray(offset + VARHDRSZ, offset + size), size };
}

/** The data area of a tuple and its null bitmap. */
export interface EncodedRow {
  /** The bytes from t_hoff on: attribute values with their alignment padding. */
  readonly data: Uint8Array;
  /** The null bitmap (bit i set when attribute i is not null), or undefined when no value is null. */
  readonly nullBitmap: Uint8Array | undefined;
  /** HEAP_HASVARWIDTH: some non-null value is variable-length. */
  readonly hasVarWidth: boolean;
}

/**
 * heap_fill_tuple: lays `values` (null for SQL NULL) of the given types out
 * as PostgreSQL lays out a heap tuple's data. The data area is assumed to
 * start MAXALIGNed (t_hoff always is).
 */
export function encodeRow(types: readonly AnyPgType[], values: readonly unknown[]): EncodedRow {
  if (types.length !== values.length) throw new RangeError('one value per type');
  const chunks: Array<{ at: number; bytes: Uint8Array }> = [];
  let offset = 0;
  let hasNulls = false;
  let hasVarWidth = false;
  const bitmap = new Uint8Array((types.length + 7) >> 3);
  types.forEach((type, i) => {
    const value = values[i];
    if (value === null || value === undefined) {
      hasNulls = true;
      return;
    }
    bitmap[i >> 3]! |= 1 << (i & 7);
    const datum = type.encode(value);
    if (type.len > 0) {
      if (datum.length !== type.len)
        throw new RangeError(`${type.name} encoded to ${datum.length} bytes`);
      offset = alignOffset(offset, type.align);
      chunks.push({ at: offset, bytes: datum });
      offset += datum.length;
      return;
    }
    hasVarWidth = true;
    if (type.storage !== 'p' && datum.length + VARHDRSZ_SHORT <= VARATT_SHORT_MAX) {
      const v = varlena1(datum);
      chunks.push({ at: offset, bytes: v });
      offset += v.length;
    } else {
      offset = alignOffset(offset, type.align);
      const v = varlena4(datum);
      chunks.push({ at: offset, bytes: v });
      offset += v.length;
    }
  });
  const data = new Uint8Array(offset);
  for (const { at, bytes } of chunks) data.set(bytes, at);
  return { data, nullBitmap: hasNulls ? bitmap : undefined, hasVarWidth };
}

/**
 * heap_deform_tuple: the inverse of encodeRow, for the first `count`
 * attributes (all by default; an index's truncated pivot has fewer).
 */
export function decodeRow(
  types: readonly AnyPgType[],
  data: Uint8Array,
  nullBitmap: Uint8Array | undefined,
  count = types.length,
): unknown[] {
  const out: unknown[] = new Array(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const type = types[i]!;
    if (nullBitmap && ((nullBitmap[i >> 3] ?? 0) & (1 << (i & 7))) === 0) {
      out[i] = null;
      continue;
    }
    if (type.len > 0) {
      offset = alignOffset(offset, type.align);
      if (offset + type.len > data.length) throw badBinary('attribute past the end of the tuple');
      out[i] =
        type.decodeAt !== undefined
          ? type.decodeAt(data, offset)
          : type.decode(data.subarray(offset, offset + type.len));
      offset += type.len;
      continue;
    }
    // att_align_pointer: a nonzero byte here starts a short varlena; zero is padding.
    if (data[offset] === 0) offset = alignOffset(offset, type.align);
    const { payload, size } = readVarlena(data, offset);
    out[i] = type.decode(payload);
    offset += size;
  }
  return out;
}
