/**
 * The forms a varlena column value takes on disk (PostgreSQL 15's
 * postgres.h; varatt.h from 16 on), little-endian as on every platform we
 * target. The first byte tells them apart:
 *
 *   first byte    form          header   what follows
 *   xxxxxx00      VARATT_4B_U   4 bytes  plain data; va_header = total size << 2
 *   xxxxxx10      VARATT_4B_C   8 bytes  pglz/lz4 stream; va_header = total size << 2 | 2
 *   xxxxxxx1      VARATT_1B     1 byte   plain data; header = total size << 1 | 1 (size 1..127)
 *   00000001      VARATT_1B_E   2 bytes  a pointer; 2nd byte = vartag (18 on disk)
 *
 * VARATT_4B_U, plain (int4-aligned in a tuple):
 *
 *   offset size description
 *   0      4    va_header: (VARSIZE << 2), VARSIZE = 4 + data length
 *   4      n    data
 *
 * VARATT_4B_C, compressed inline (int4-aligned; never a 1-byte header):
 *
 *   offset size description
 *   0      4    va_header: (VARSIZE << 2) | 0x02, VARSIZE = 8 + stream length
 *   4      4    va_tcinfo: bits 0..29 raw size (the data before compression,
 *               without header), bits 30..31 method (0 = pglz, 1 = lz4)
 *   8      n    the compressed stream
 *
 * VARATT_1B, short (not aligned):
 *
 *   offset size description
 *   0      1    (VARSIZE << 1) | 0x01, VARSIZE = 1 + data length <= 127
 *   1      n    data
 *
 * VARATT_1B_E with vartag VARTAG_ONDISK, the 18-byte toast pointer (not
 * aligned; the four fields are stored unaligned and read with memcpy):
 *
 *   offset size description
 *   0      1    0x01
 *   1      1    vartag = 18 (VARTAG_ONDISK)
 *   2      4    va_rawsize: original size including a 4-byte header
 *   6      4    va_extinfo: bits 0..29 extsize (bytes stored in the toast
 *               relation), bits 30..31 method when compressed
 *   10     4    va_valueid: chunk_id of the value's chunks
 *   14     4    va_toastrelid: OID of the toast relation holding them
 *
 * The value is compressed exactly when extsize < rawsize - 4; its stored
 * bytes are then va_tcinfo followed by the stream (the VARDATA of a
 * VARATT_4B_C datum), so extsize = stream length + 4.
 *
 * vartags 1 (INDIRECT), 2 and 3 (EXPANDED_RO/RW) exist only in memory and
 * are rejected here as corrupt.
 */
import { badRequest, ERRCODE_FEATURE_NOT_SUPPORTED, ToastError, varlenaCorrupt } from './errors.js';
import { MAX_ALLOC_SIZE, VARLENA_EXTSIZE_MASK } from './limits.js';
import {
  PGLZ_STRATEGY_DEFAULT,
  type PglzCompressOptions,
  pglzCompress,
  pglzDecompress,
} from './pglz.js';

/** VARHDRSZ: the 4-byte header. */
export const VARHDRSZ = 4;
/** VARHDRSZ_SHORT: the 1-byte header. */
export const VARHDRSZ_SHORT = 1;
/** VARHDRSZ_EXTERNAL: the 2 bytes (0x01, vartag) before a pointer. */
export const VARHDRSZ_EXTERNAL = 2;
/** VARHDRSZ_COMPRESSED: va_header + va_tcinfo. */
export const VARHDRSZ_COMPRESSED = 8;
/** VARATT_SHORT_MAX: the largest total size of a 1-byte-header varlena. */
export const VARATT_SHORT_MAX = 0x7f;
/** vartag_external values. */
export const VARTAG_INDIRECT = 1;
export const VARTAG_EXPANDED_RO = 2;
export const VARTAG_EXPANDED_RW = 3;
export const VARTAG_ONDISK = 18;
/** sizeof(varatt_external). */
export const SIZEOF_VARATT_EXTERNAL = 16;
/** TOAST_POINTER_SIZE = VARHDRSZ_EXTERNAL + sizeof(varatt_external) = 18. */
export const TOAST_POINTER_SIZE = VARHDRSZ_EXTERNAL + SIZEOF_VARATT_EXTERNAL;

/** Offsets inside a VARATT_4B_C datum. */
export const OFF_VA_HEADER = 0;
export const OFF_VA_TCINFO = 4;
/** Offsets inside the 18-byte toast pointer. */
export const OFF_VARTAG = 1;
export const OFF_VA_RAWSIZE = 2;
export const OFF_VA_EXTINFO = 6;
export const OFF_VA_VALUEID = 10;
export const OFF_VA_TOASTRELID = 14;

/** ToastCompressionId: the 2 method bits of va_tcinfo and va_extinfo. */
export const ToastCompressionId = Object.freeze({ PGLZ: 0, LZ4: 1 } as const);
export type ToastCompressionId = (typeof ToastCompressionId)[keyof typeof ToastCompressionId];
/** TOAST_INVALID_COMPRESSION_ID: never on disk. */
export const TOAST_INVALID_COMPRESSION_ID = 2;
/** VARLENA_EXTSIZE_BITS: the method lives above this many size bits. */
export const VARLENA_EXTSIZE_BITS = 30;

/** The fields of a VARTAG_ONDISK toast pointer (varatt_external), decoded. */
export interface ToastPointer {
  /** va_rawsize: the original datum's size including its 4-byte header. */
  readonly rawsize: number;
  /** extsize (va_extinfo bits 0..29): bytes stored in the toast relation. */
  readonly extsize: number;
  /** va_extinfo bits 30..31; meaningful only when the value is compressed. */
  readonly method: ToastCompressionId;
  /** va_valueid: the chunk_id of the value's chunks. */
  readonly valueId: number;
  /** va_toastrelid: the OID of the toast relation. */
  readonly toastRelId: number;
}

/** A varlena as stored, decoded. `data` views the input bytes (no copy). */
export type Varlena =
  /** VARATT_4B_U */
  | { readonly kind: 'plain'; readonly data: Uint8Array }
  /** VARATT_1B */
  | { readonly kind: 'short'; readonly data: Uint8Array }
  /** VARATT_4B_C: `data` is the compressed stream, `rawsize` its decoded length. */
  | {
      readonly kind: 'compressed';
      readonly rawsize: number;
      readonly method: ToastCompressionId;
      readonly data: Uint8Array;
    }
  /** VARATT_1B_E with VARTAG_ONDISK */
  | { readonly kind: 'external'; readonly pointer: ToastPointer };

export type VarlenaKind = Varlena['kind'];

/** Whether the varlena's bytes are compressed (inline, or out of line per its pointer). */
export function toastPointerIsCompressed(pointer: ToastPointer): boolean {
  // VARATT_EXTERNAL_IS_COMPRESSED
  return pointer.extsize < pointer.rawsize - VARHDRSZ;
}

/**
 * The size of the varlena starting at `bytes[offset]`, from its header alone
 * (VARSIZE_ANY). Throws XX001 if the header is cut off or impossible.
 */
export function varsizeAny(bytes: Uint8Array, offset = 0): number {
  if (!Number.isInteger(offset) || offset < 0 || offset >= bytes.length) {
    throw varlenaCorrupt(`no varlena header at offset ${offset} of ${bytes.length} bytes`);
  }
  const b0 = bytes[offset] as number;
  if (b0 === 0x01) return externalSize(bytes, offset);
  if (b0 & 0x01) return (b0 >> 1) & 0x7f;
  if (offset + 4 > bytes.length) {
    throw varlenaCorrupt(`4-byte varlena header at offset ${offset} is cut off`);
  }
  return readU32(bytes, offset) >>> 2;
}

/** VARSIZE_EXTERNAL: VARHDRSZ_EXTERNAL + VARTAG_SIZE(tag), for the one tag a disk can hold. */
function externalSize(bytes: Uint8Array, offset: number): number {
  if (offset + 2 > bytes.length) {
    throw varlenaCorrupt(`external varlena header at offset ${offset} is cut off`);
  }
  const tag = bytes[offset + 1] as number;
  if (tag !== VARTAG_ONDISK) {
    throw varlenaCorrupt(
      `external varlena at offset ${offset} has vartag ${tag}, expected ${VARTAG_ONDISK}`,
    );
  }
  return TOAST_POINTER_SIZE;
}

/**
 * Decodes the varlena at `bytes[offset]` (already past any alignment
 * padding), validating it as untrusted: the header must describe a form
 * PostgreSQL writes to disk and lie within `bytes`; a compressed datum's
 * method must be pglz or lz4 and its raw size possible; a toast pointer's
 * sizes must agree with each other and its OIDs be valid. Returns the value
 * and how many bytes it occupies. Throws ToastError XX001 otherwise.
 */
export function decodeVarlena(bytes: Uint8Array, offset = 0): { value: Varlena; size: number } {
  const size = varsizeAny(bytes, offset);
  const b0 = bytes[offset] as number;
  if (b0 === 0x01) {
    if (offset + TOAST_POINTER_SIZE > bytes.length) {
      throw varlenaCorrupt(`toast pointer at offset ${offset} is cut off`);
    }
    return { value: { kind: 'external', pointer: decodeToastPointerFields(bytes, offset) }, size };
  }
  if (b0 & 0x01) {
    if (offset + size > bytes.length) {
      throw varlenaCorrupt(
        `short varlena of ${size} bytes at offset ${offset} runs past the end (${bytes.length})`,
      );
    }
    return { value: { kind: 'short', data: bytes.subarray(offset + 1, offset + size) }, size };
  }
  const compressed = (b0 & 0x03) === 0x02;
  const minSize = compressed ? VARHDRSZ_COMPRESSED : VARHDRSZ;
  if (size < minSize) {
    throw varlenaCorrupt(
      `varlena at offset ${offset} has size ${size}, below its header's ${minSize}`,
    );
  }
  if (offset + size > bytes.length) {
    throw varlenaCorrupt(
      `varlena of ${size} bytes at offset ${offset} runs past the end (${bytes.length})`,
    );
  }
  if (!compressed) {
    return {
      value: { kind: 'plain', data: bytes.subarray(offset + VARHDRSZ, offset + size) },
      size,
    };
  }
  const tcinfo = readU32(bytes, offset + OFF_VA_TCINFO);
  const rawsize = tcinfo & VARLENA_EXTSIZE_MASK;
  const method = tcinfo >>> VARLENA_EXTSIZE_BITS;
  if (method !== ToastCompressionId.PGLZ && method !== ToastCompressionId.LZ4) {
    throw varlenaCorrupt(
      `compressed varlena at offset ${offset} has invalid compression method id ${method}`,
    );
  }
  if (rawsize + VARHDRSZ > MAX_ALLOC_SIZE) {
    throw varlenaCorrupt(`compressed varlena at offset ${offset} claims ${rawsize} raw bytes`);
  }
  return {
    value: {
      kind: 'compressed',
      rawsize,
      method,
      data: bytes.subarray(offset + VARHDRSZ_COMPRESSED, offset + size),
    },
    size,
  };
}

function decodeToastPointerFields(bytes: Uint8Array, offset: number): ToastPointer {
  const rawsize = readI32(bytes, offset + OFF_VA_RAWSIZE);
  const extinfo = readU32(bytes, offset + OFF_VA_EXTINFO);
  const valueId = readU32(bytes, offset + OFF_VA_VALUEID);
  const toastRelId = readU32(bytes, offset + OFF_VA_TOASTRELID);
  const extsize = extinfo & VARLENA_EXTSIZE_MASK;
  const methodBits = extinfo >>> VARLENA_EXTSIZE_BITS;
  const where = `toast pointer at offset ${offset}`;
  if (rawsize < VARHDRSZ || rawsize > MAX_ALLOC_SIZE) {
    throw varlenaCorrupt(`${where} has va_rawsize ${rawsize}`);
  }
  if (extsize > rawsize - VARHDRSZ) {
    throw varlenaCorrupt(`${where} stores ${extsize} bytes of a ${rawsize - VARHDRSZ}-byte value`);
  }
  const isCompressed = extsize < rawsize - VARHDRSZ;
  if (
    isCompressed &&
    methodBits !== ToastCompressionId.PGLZ &&
    methodBits !== ToastCompressionId.LZ4
  ) {
    throw varlenaCorrupt(`${where} has invalid compression method id ${methodBits}`);
  }
  if (!isCompressed && methodBits !== 0) {
    throw varlenaCorrupt(`${where} is not compressed but has compression method id ${methodBits}`);
  }
  if (isCompressed && extsize < VARHDRSZ) {
    // The stored bytes of a compressed value start with its 4-byte va_tcinfo.
    throw varlenaCorrupt(`${where} is compressed but stores only ${extsize} bytes`);
  }
  if (valueId === 0 || toastRelId === 0) {
    throw varlenaCorrupt(`${where} has va_valueid ${valueId}, va_toastrelid ${toastRelId}`);
  }
  return { rawsize, extsize, method: methodBits as ToastCompressionId, valueId, toastRelId };
}

/** Decodes an 18-byte VARTAG_ONDISK toast pointer (throws XX001 for anything else). */
export function decodeToastPointer(bytes: Uint8Array, offset = 0): ToastPointer {
  const { value } = decodeVarlena(bytes, offset);
  if (value.kind !== 'external') {
    throw varlenaCorrupt(`varlena at offset ${offset} is ${value.kind}, not a toast pointer`);
  }
  return value.pointer;
}

/** SET_VARSIZE: a VARATT_4B_U datum around `data`. */
export function encodePlain(data: Uint8Array): Uint8Array {
  const size = VARHDRSZ + data.length;
  if (size > MAX_ALLOC_SIZE) throw badRequest(`varlena of ${size} bytes is larger than 1 GB - 1`);
  const out = new Uint8Array(size);
  writeU32(out, 0, size << 2);
  out.set(data, VARHDRSZ);
  return out;
}

/** SET_VARSIZE_SHORT: a VARATT_1B datum around `data` (at most 126 bytes). */
export function encodeShort(data: Uint8Array): Uint8Array {
  const size = VARHDRSZ_SHORT + data.length;
  if (size > VARATT_SHORT_MAX) {
    throw badRequest(`payload of ${data.length} bytes is too long for a 1-byte varlena header`);
  }
  const out = new Uint8Array(size);
  out[0] = (size << 1) | 0x01;
  out.set(data, VARHDRSZ_SHORT);
  return out;
}

/**
 * SET_VARSIZE_COMPRESSED + TOAST_COMPRESS_SET_SIZE_AND_COMPRESS_METHOD: a
 * VARATT_4B_C datum holding `stream`, which decodes to `rawsize` bytes.
 */
export function encodeCompressed(
  rawsize: number,
  method: ToastCompressionId,
  stream: Uint8Array,
): Uint8Array {
  if (!Number.isInteger(rawsize) || rawsize < 0 || rawsize > VARLENA_EXTSIZE_MASK) {
    throw badRequest(`raw size ${rawsize} does not fit in va_tcinfo`);
  }
  if (method !== ToastCompressionId.PGLZ && method !== ToastCompressionId.LZ4) {
    throw badRequest(`invalid compression method id ${method}`);
  }
  const size = VARHDRSZ_COMPRESSED + stream.length;
  if (size > MAX_ALLOC_SIZE) throw badRequest(`varlena of ${size} bytes is larger than 1 GB - 1`);
  const out = new Uint8Array(size);
  writeU32(out, OFF_VA_HEADER, ((size << 2) | 0x02) >>> 0);
  writeU32(out, OFF_VA_TCINFO, (rawsize | (method << VARLENA_EXTSIZE_BITS)) >>> 0);
  out.set(stream, VARHDRSZ_COMPRESSED);
  return out;
}

/** The 18-byte VARTAG_ONDISK toast pointer for `pointer` (validated as decode validates). */
export function encodeToastPointer(pointer: ToastPointer): Uint8Array {
  const out = new Uint8Array(TOAST_POINTER_SIZE);
  const { rawsize, extsize, method, valueId, toastRelId } = pointer;
  for (const [name, v, max] of [
    ['rawsize', rawsize, MAX_ALLOC_SIZE],
    ['extsize', extsize, VARLENA_EXTSIZE_MASK],
    ['valueId', valueId, 0xffffffff],
    ['toastRelId', toastRelId, 0xffffffff],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > max)
      throw badRequest(`toast pointer ${name} ${v} is out of range`);
  }
  out[0] = 0x01;
  out[OFF_VARTAG] = VARTAG_ONDISK;
  writeU32(out, OFF_VA_RAWSIZE, rawsize);
  const compressed = extsize < rawsize - VARHDRSZ;
  writeU32(
    out,
    OFF_VA_EXTINFO,
    (extsize | ((compressed ? method : 0) << VARLENA_EXTSIZE_BITS)) >>> 0,
  );
  writeU32(out, OFF_VA_VALUEID, valueId);
  writeU32(out, OFF_VA_TOASTRELID, toastRelId);
  try {
    decodeToastPointerFields(out, 0);
  } catch (e) {
    throw badRequest(`invalid toast pointer: ${(e as ToastError).detail ?? String(e)}`);
  }
  return out;
}

/** Encodes any decoded varlena back to its bytes. */
export function encodeVarlena(value: Varlena): Uint8Array {
  switch (value.kind) {
    case 'plain':
      return encodePlain(value.data);
    case 'short':
      return encodeShort(value.data);
    case 'compressed':
      return encodeCompressed(value.rawsize, value.method, value.data);
    case 'external':
      return encodeToastPointer(value.pointer);
  }
}

/**
 * VARATT_CAN_MAKE_SHORT for a payload of `dataLength` bytes: heap_fill_tuple
 * stores such a value of a packable column (storage not PLAIN) with a 1-byte
 * header.
 */
export function canMakeShort(dataLength: number): boolean {
  return dataLength + VARHDRSZ_SHORT <= VARATT_SHORT_MAX;
}

/**
 * toast_compress_datum for pglz: the VARATT_4B_C datum PostgreSQL would make
 * of the payload `data` (a value's bytes without header), or null when it
 * would keep the value uncompressed — pglz declined (under 32 bytes, under
 * 25% saved, no match in the first 1 KiB) or the datum would not be more
 * than 2 bytes smaller than the payload (which could cost more than it
 * saves once header and alignment are counted).
 */
export function toastCompressDatum(
  data: Uint8Array,
  options: PglzCompressOptions = {},
): Uint8Array | null {
  if (data.length > VARLENA_EXTSIZE_MASK)
    throw badRequest(`value of ${data.length} bytes is too large`);
  const stream = pglzCompress(data, PGLZ_STRATEGY_DEFAULT, options);
  if (stream === null) return null;
  if (VARHDRSZ_COMPRESSED + stream.length >= data.length - 2) return null;
  return encodeCompressed(data.length, ToastCompressionId.PGLZ, stream);
}

/**
 * The payload of an inline compressed datum (toast_decompress_datum):
 * pglz decoded here; lz4 is `0A000 compression method lz4 not supported`,
 * as in a PostgreSQL built without lz4. Corrupt streams are XX001.
 */
export function decompressDatum(value: Extract<Varlena, { kind: 'compressed' }>): Uint8Array {
  if (value.method === ToastCompressionId.LZ4) {
    throw new ToastError(ERRCODE_FEATURE_NOT_SUPPORTED, 'compression method lz4 not supported');
  }
  return pglzDecompress(value.data, value.rawsize, true);
}

/**
 * The payload of an inline varlena of any form but external: plain and
 * short ones as they are, compressed ones decompressed. A toast pointer
 * needs its toast relation to be read, which this package does not have
 * yet: XX000 for that.
 */
export function detoastInline(bytes: Uint8Array, offset = 0): Uint8Array {
  const { value } = decodeVarlena(bytes, offset);
  switch (value.kind) {
    case 'plain':
    case 'short':
      return value.data;
    case 'compressed':
      return decompressDatum(value);
    case 'external':
      throw badRequest(
        'an external toast pointer can only be detoasted through its toast relation',
      );
  }
}

function readU32(b: Uint8Array, at: number): number {
  return (
    ((b[at] as number) |
      ((b[at + 1] as number) << 8) |
      ((b[at + 2] as number) << 16) |
      ((b[at + 3] as number) << 24)) >>>
    0
  );
}

function readI32(b: Uint8Array, at: number): number {
  return readU32(b, at) | 0;
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}
