/**
 * The array type of an element type ('_int4' for int4), built generically
 * from the element type's own methods. Values are PgArray (core/array-value.ts):
 * dims, lbounds and the elements flat in row-major order, null for SQL NULL.
 *
 * Formats, as PostgreSQL 15's arrayfuncs.c:
 * - text: array_in / array_out (see array-in.ts for the parser);
 * - binary (array_send / array_recv): int32 ndim, int32 flags (1 when some
 *   element is NULL), uint32 element OID, per dimension int32 length and
 *   int32 lower bound, then per element int32 length (-1 for NULL) and the
 *   element's send bytes, all big-endian;
 * - on disk (ArrayType, little-endian; the payload after the varlena header):
 *   int32 ndim, int32 dataoffset (0 without NULLs, else the offset of the
 *   data from the start of the varlena, header included), uint32 elemtype,
 *   int32 dims[ndim], int32 lbounds[ndim], the null bitmap when there are
 *   NULLs (bit set = not null), zero padding to MAXALIGN of the header size
 *   counted from the varlena start, then the non-null elements, each aligned
 *   to the element's typalign: fixed-length ones in typlen bytes, varlena
 *   ones always with a 4-byte header.
 */
import type { PgArray } from '../core/array-value.js';
import type { TypeContext } from '../core/context.js';
import { badBinary, SqlError, SqlState } from '../core/errors.js';
import { combineHash } from '../core/hash.js';
import type { AnyPgType, PgType } from '../core/type.js';
import { view, WireReader, WireWriter } from '../core/wire.js';
import {
  arrayCheckBounds,
  arrayGetNItems,
  arrayIn,
  isArraySpace,
  MAXDIM,
  tooManyDims,
} from './array-in.js';

/** The delimiter of every built-in element type but box (';'), which is not here. */
export const TYPDELIM = ',';

const EMPTY: PgArray = { dims: [], lbounds: [], elements: [] };

/** An array value with no dimensions when it has no elements, as PostgreSQL normalizes. */
export function makeArray<T>(
  dims: readonly number[],
  lbounds: readonly number[],
  elements: readonly (T | null)[],
): PgArray<T> {
  if (elements.length === 0) return EMPTY as PgArray<T>;
  return { dims, lbounds, elements };
}

/** The array type of `elem`, as PostgreSQL's catalog defines it. */
export interface ArrayPgType extends PgType<PgArray> {
  /** The element type. */
  readonly elem: AnyPgType;
}

/** array_out: the text form of an array whose elements print with `out`. */
export function arrayOut(
  value: PgArray,
  out: (v: unknown) => string,
  typdelim: string = TYPDELIM,
): string {
  const { dims, lbounds, elements } = value;
  if (elements.length === 0) return '{}';
  const ndim = dims.length;
  let prefix = '';
  if (lbounds.some((lb) => lb !== 1)) {
    prefix = `${dims.map((d, i) => `[${lbounds[i]!}:${lbounds[i]! + d - 1}]`).join('')}=`;
  }
  const items = elements.map((v) => {
    if (v === null) return 'NULL';
    const s = out(v);
    let needquote = s === '' || /^null$/i.test(s);
    let escaped = '';
    for (const ch of s) {
      if (ch === '"' || ch === '\\') {
        needquote = true;
        escaped += `\\${ch}`;
        continue;
      }
      if (ch === '{' || ch === '}' || ch === typdelim || isArraySpace(ch)) needquote = true;
      escaped += ch;
    }
    return needquote ? `"${escaped}"` : s;
  });
  let result = `${prefix}{`;
  const indx = new Array<number>(ndim).fill(0);
  let j = 0;
  let k = 0;
  do {
    for (let i = j; i < ndim - 1; i++) result += '{';
    result += items[k++]!;
    let i = ndim - 1;
    for (; i >= 0; i--) {
      indx[i]!++;
      if (indx[i]! < dims[i]!) {
        result += typdelim;
        break;
      }
      indx[i] = 0;
      result += '}';
    }
    j = i;
  } while (j !== -1);
  return result;
}

/** The 32-bit hash of an array: its elements' hashes combined (hash_array), NULL as 0. */
export function hashArray(elem: AnyPgType, value: PgArray): number {
  let result = 1;
  for (const v of value.elements) {
    const h = v === null ? 0 : elem.hash(v);
    result = combineHash(Math.imul(result, 31), h);
  }
  return result;
}

/** array_cmp (btarraycmp): elements first (NULL after non-NULL), then count, ndim, dims, lbounds. */
export function compareArrays(elem: AnyPgType, a: PgArray, b: PgArray): number {
  const n = Math.min(a.elements.length, b.elements.length);
  for (let i = 0; i < n; i++) {
    const x = a.elements[i];
    const y = b.elements[i];
    if (x === null || x === undefined) {
      if (y === null || y === undefined) continue;
      return 1;
    }
    if (y === null || y === undefined) return -1;
    const c = elem.compare(x, y);
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  if (a.elements.length !== b.elements.length) {
    return a.elements.length < b.elements.length ? -1 : 1;
  }
  if (a.dims.length !== b.dims.length) return a.dims.length < b.dims.length ? -1 : 1;
  for (let i = 0; i < a.dims.length; i++) {
    if (a.dims[i] !== b.dims[i]) return a.dims[i]! < b.dims[i]! ? -1 : 1;
  }
  for (let i = 0; i < a.lbounds.length; i++) {
    if (a.lbounds[i] !== b.lbounds[i]) return a.lbounds[i]! < b.lbounds[i]! ? -1 : 1;
  }
  return 0;
}

function alignTo(n: number, align: string): number {
  const a = align === 'd' ? 8 : align === 'i' ? 4 : align === 's' ? 2 : 1;
  return (n + a - 1) & ~(a - 1);
}

const maxAlign = (n: number) => (n + 7) & ~7;

/** The on-disk ArrayType payload (without the varlena header). */
export function encodeArray(elem: AnyPgType, value: PgArray): Uint8Array {
  const { dims, lbounds, elements } = value;
  const ndim = elements.length === 0 ? 0 : dims.length;
  const nitems = elements.length;
  const hasNulls = elements.some((v) => v === null);
  // Sizes count the 4-byte varlena header, as ARR_OVERHEAD_* do.
  const headerSize = 16 + 8 * ndim + (hasNulls ? (nitems + 7) >> 3 : 0);
  const dataOffset = maxAlign(headerSize);
  const datums: Array<Uint8Array | null> = elements.map((v) => {
    if (v === null) return null;
    const d = elem.encode(v);
    if (elem.len > 0) return d;
    if (elem.len === -1) {
      const out = new Uint8Array(4 + d.length);
      new DataView(out.buffer).setUint32(0, ((4 + d.length) << 2) >>> 0, true);
      out.set(d, 4);
      return out;
    }
    throw new SqlError(
      SqlState.FEATURE_NOT_SUPPORTED,
      `arrays of type ${elem.displayName} are not supported`,
    );
  });
  let size = dataOffset;
  for (const d of datums) if (d) size = alignTo(size + d.length, elem.align);
  const out = new Uint8Array(size - 4);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, ndim, true);
  dv.setInt32(4, hasNulls ? dataOffset : 0, true);
  dv.setUint32(8, elem.oid, true);
  for (let i = 0; i < ndim; i++) {
    dv.setInt32(12 + 4 * i, dims[i]!, true);
    dv.setInt32(12 + 4 * ndim + 4 * i, lbounds[i]!, true);
  }
  if (hasNulls) {
    const bitmapAt = 12 + 8 * ndim;
    elements.forEach((v, i) => {
      if (v !== null) out[bitmapAt + (i >> 3)]! |= 1 << (i & 7);
    });
  }
  let at = dataOffset;
  for (const d of datums) {
    if (!d) continue;
    out.set(d, at - 4);
    at = alignTo(at + d.length, elem.align);
  }
  return out;
}

/** The inverse of encodeArray. */
export function decodeArray(elem: AnyPgType, bytes: Uint8Array): PgArray {
  if (bytes.length < 12) throw badBinary('array header past the end of the data');
  const dv = view(bytes);
  const ndim = dv.getInt32(0, true);
  const dataoffset = dv.getInt32(4, true);
  if (ndim < 0 || ndim > MAXDIM) throw badBinary(`invalid number of dimensions: ${ndim}`);
  if (ndim === 0) return EMPTY;
  if (bytes.length < 12 + 8 * ndim) throw badBinary('array header past the end of the data');
  const dims: number[] = [];
  const lbounds: number[] = [];
  for (let i = 0; i < ndim; i++) {
    dims.push(dv.getInt32(12 + 4 * i, true));
    lbounds.push(dv.getInt32(12 + 4 * ndim + 4 * i, true));
  }
  const nitems = arrayGetNItems(dims);
  const bitmapAt = 12 + 8 * ndim;
  let at = dataoffset !== 0 ? dataoffset : maxAlign(16 + 8 * ndim);
  const elements: unknown[] = [];
  for (let i = 0; i < nitems; i++) {
    if (dataoffset !== 0 && ((bytes[bitmapAt + (i >> 3)] ?? 0) & (1 << (i & 7))) === 0) {
      elements.push(null);
      continue;
    }
    const off = at - 4;
    if (elem.len > 0) {
      if (off + elem.len > bytes.length) throw badBinary('array element past the end of the data');
      elements.push(elem.decode(bytes.subarray(off, off + elem.len)));
      at = alignTo(at + elem.len, elem.align);
    } else {
      if (off + 4 > bytes.length) throw badBinary('array element past the end of the data');
      const first = bytes[off]!;
      let size: number;
      let payload: Uint8Array;
      if ((first & 1) === 1) {
        size = first >>> 1;
        payload = bytes.subarray(off + 1, off + size);
      } else {
        size = dv.getUint32(off, true) >>> 2;
        if (size < 4 || off + size > bytes.length) {
          throw badBinary('array element past the end of the data');
        }
        payload = bytes.subarray(off + 4, off + size);
      }
      elements.push(elem.decode(payload));
      at = alignTo(at + size, elem.align);
    }
  }
  return { dims, lbounds, elements };
}

/** array_send. */
export function sendArray(elem: AnyPgType, value: PgArray, ctx: TypeContext): Uint8Array {
  const w = new WireWriter();
  const ndim = value.elements.length === 0 ? 0 : value.dims.length;
  w.int32(ndim);
  w.int32(value.elements.some((v) => v === null) ? 1 : 0);
  w.uint32(elem.oid);
  for (let i = 0; i < ndim; i++) w.int32(value.dims[i]!).int32(value.lbounds[i]!);
  for (const v of value.elements) {
    if (v === null) {
      w.int32(-1);
      continue;
    }
    const b = elem.send(v, ctx);
    w.int32(b.length).bytes(b);
  }
  return w.done();
}

/** array_recv, for an array of `elem`; `typeName` names other OIDs in the mismatch error. */
export function receiveArray(
  elem: AnyPgType,
  bytes: Uint8Array,
  typmod: number,
  ctx: TypeContext,
  typeName: (oid: number) => string,
): PgArray {
  // Reading past the end is 08P01, as pq_getmsgint reports it.
  const r = new WireReader(bytes);
  const int32 = () => r.int32();
  const ndim = int32();
  if (ndim < 0) throw badBinary(`invalid number of dimensions: ${ndim}`);
  if (ndim > MAXDIM) throw tooManyDims(ndim);
  const flags = int32();
  if (flags !== 0 && flags !== 1) throw badBinary('invalid array flags');
  const elemOid = int32() >>> 0;
  if (elemOid !== elem.oid && elemOid < 10000) {
    throw new SqlError(
      SqlState.DATATYPE_MISMATCH,
      `binary data has array element type ${elemOid} (${typeName(elemOid)}) instead of expected ${elem.oid} (${elem.displayName})`,
    );
  }
  const dims: number[] = [];
  const lbounds: number[] = [];
  for (let i = 0; i < ndim; i++) {
    dims.push(int32());
    lbounds.push(int32());
  }
  const nitems = arrayGetNItems(dims);
  arrayCheckBounds(dims, lbounds);
  const elements: unknown[] = [];
  for (let i = 0; i < nitems; i++) {
    const len = int32();
    if (len < -1 || len > r.remaining) throw badBinary('insufficient data left in message');
    if (len === -1) {
      elements.push(null);
      continue;
    }
    const item = r.bytes(len);
    try {
      elements.push(elem.receive(item, typmod, ctx));
    } catch (e) {
      if (e instanceof SqlError && e.message === 'incorrect binary data format') {
        throw badBinary(`improper binary format in array element ${i + 1}`);
      }
      throw e;
    }
  }
  // The caller's check that the whole value was read (PostgreSQL's bind message check).
  r.end();
  return nitems === 0 ? EMPTY : { dims, lbounds, elements };
}

/** Builds the array type of `elem` (typname '_' + elem.name, OID elem.arrayOid). */
export function makeArrayType(
  elem: AnyPgType,
  typeName: (oid: number) => string = () => '???',
): ArrayPgType {
  return {
    elem,
    name: `_${elem.name}`,
    displayName: `${elem.displayName}[]`,
    oid: elem.arrayOid,
    arrayOid: 0,
    elemOid: elem.oid,
    len: -1,
    byVal: false,
    align: elem.align === 'd' ? 'd' : 'i',
    storage: 'x',
    category: 'A',
    preferred: false,
    input: (text, typmod, ctx) => arrayIn(text, elem, typmod, ctx, TYPDELIM),
    output: (value, ctx) => arrayOut(value, (v) => elem.output(v, ctx)),
    send: (value, ctx) => sendArray(elem, value, ctx),
    receive: (bytes, typmod, ctx) => receiveArray(elem, bytes, typmod, ctx, typeName),
    encode: (value) => encodeArray(elem, value),
    decode: (bytes) => decodeArray(elem, bytes),
    compare: (a, b) => compareArrays(elem, a, b),
    hash: (value) => hashArray(elem, value),
    ...(elem.typmodIn ? { typmodIn: elem.typmodIn.bind(elem) } : {}),
    ...(elem.typmodOut ? { typmodOut: elem.typmodOut.bind(elem) } : {}),
    ...(elem.applyTypmod
      ? {
          applyTypmod: (value: PgArray, typmod: number, isExplicit: boolean) => {
            const apply = elem.applyTypmod!.bind(elem);
            return {
              dims: value.dims,
              lbounds: value.lbounds,
              elements: value.elements.map((v) =>
                v === null ? null : apply(v, typmod, isExplicit),
              ),
            };
          },
        }
      : {}),
  };
}
