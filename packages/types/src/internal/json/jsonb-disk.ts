/**
 * jsonb's on-disk format, the JsonbContainer of PostgreSQL's jsonb.h and
 * jsonb_util.c (convertToJsonb / fillJsonbValue), little-endian:
 *
 *   uint32 header: count | JB_FSCALAR | JB_FOBJECT | JB_FARRAY
 *   JEntry[count] for arrays, JEntry[2 * count] for objects (keys, then values)
 *   the children's data, in the same order
 *
 * Each JEntry holds a type (string, numeric, false, true, null, container)
 * and either the child's length or, every JB_OFFSET_STRIDE-th entry
 * (JENTRY_HAS_OFF), the end offset of its data. Strings are raw UTF-8;
 * numerics are full numeric varlenas (4-byte header) and nested containers
 * both padded to a 4-byte boundary, the padding counted in their length.
 * A top-level scalar is a one-element array flagged JB_FSCALAR.
 */
import { badBinary } from '../core/errors.js';
import { fromUtf8, utf8 } from '../core/wire.js';
import { decodeNumeric, encodeNumeric } from './decimal.js';
import {
  isArray,
  isNull,
  isNumber,
  isObject,
  isScalar,
  JSONB_NULL,
  type JsonbObject,
  type JsonbValue,
  jsonbNumber,
} from './jsonb-value.js';

const JB_CMASK = 0x0fffffff;
const JB_FSCALAR = 0x10000000;
const JB_FOBJECT = 0x20000000;
const JB_FARRAY = 0x40000000;
const JENTRY_OFFLENMASK = 0x0fffffff;
const JENTRY_TYPEMASK = 0x70000000;
const JENTRY_HAS_OFF = 0x80000000;
const JENTRY_ISSTRING = 0x00000000;
const JENTRY_ISNUMERIC = 0x10000000;
const JENTRY_ISBOOL_FALSE = 0x20000000;
const JENTRY_ISBOOL_TRUE = 0x30000000;
const JENTRY_ISNULL = 0x40000000;
const JENTRY_ISCONTAINER = 0x50000000;
const JB_OFFSET_STRIDE = 32;

class Buffer {
  bytes = new Uint8Array(64);
  len = 0;

  reserve(n: number): number {
    if (this.len + n > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.len + n));
      next.set(this.bytes.subarray(0, this.len));
      this.bytes = next;
    }
    const at = this.len;
    this.len += n;
    return at;
  }
  append(b: Uint8Array): void {
    const at = this.reserve(b.length);
    this.bytes.set(b, at);
  }
  uint32At(at: number, v: number): void {
    new DataView(this.bytes.buffer).setUint32(at, v >>> 0, true);
  }
  padToInt(): number {
    const pad = (4 - (this.len % 4)) % 4;
    this.reserve(pad);
    return pad;
  }
}

function convertScalar(buf: Buffer, v: JsonbValue): number {
  if (isNull(v)) return JENTRY_ISNULL;
  if (typeof v === 'boolean') return v ? JENTRY_ISBOOL_TRUE : JENTRY_ISBOOL_FALSE;
  if (typeof v === 'string') {
    const b = utf8(v);
    buf.append(b);
    return JENTRY_ISSTRING | b.length;
  }
  if (isNumber(v)) {
    const pad = buf.padToInt();
    const payload = encodeNumeric(v.text);
    const total = payload.length + 4;
    const at = buf.reserve(4);
    buf.uint32At(at, (total << 2) >>> 0);
    buf.append(payload);
    return JENTRY_ISNUMERIC | (pad + total);
  }
  throw new Error('not a scalar');
}

function convertContainer(
  buf: Buffer,
  v: readonly JsonbValue[] | JsonbObject,
  rawScalar: boolean,
): number {
  const base = buf.len;
  buf.padToInt();
  const children: JsonbValue[] = [];
  let header: number;
  if (isArray(v)) {
    header = v.length | JB_FARRAY | (rawScalar ? JB_FSCALAR : 0);
    for (const e of v) children.push(e);
  } else {
    header = v.pairs.length | JB_FOBJECT;
    for (const [k] of v.pairs) children.push(k);
    for (const [, x] of v.pairs) children.push(x);
  }
  buf.uint32At(buf.reserve(4), header);
  let jentryAt = buf.reserve(4 * children.length);
  let total = 0;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    let meta =
      isArray(child) || isObject(child)
        ? convertContainer(buf, child, false)
        : convertScalar(buf, child);
    total += meta & JENTRY_OFFLENMASK;
    if (total > JENTRY_OFFLENMASK) {
      throw new Error('total size of jsonb array elements exceeds max');
    }
    if (i % JB_OFFSET_STRIDE === 0) meta = (meta & JENTRY_TYPEMASK) | total | JENTRY_HAS_OFF;
    buf.uint32At(jentryAt, meta);
    jentryAt += 4;
  }
  return JENTRY_ISCONTAINER | (buf.len - base);
}

/** convertToJsonb: the datum's payload (without the varlena header). */
export function encodeJsonb(v: JsonbValue): Uint8Array {
  const buf = new Buffer();
  // The varlena header occupies 4 bytes before the payload: int alignment is the same.
  if (isScalar(v)) convertContainer(buf, [v], true);
  else convertContainer(buf, v as readonly JsonbValue[] | JsonbObject, false);
  return buf.bytes.slice(0, buf.len);
}

function readContainer(bytes: Uint8Array, at: number, end: number): JsonbValue {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (at + 4 > end) throw badBinary('corrupt jsonb container');
  const header = dv.getUint32(at, true);
  const count = header & JB_CMASK;
  const isObj = (header & JB_FOBJECT) !== 0;
  const n = isObj ? 2 * count : count;
  const entriesAt = at + 4;
  const dataAt = entriesAt + 4 * n;
  if (dataAt > end) throw badBinary('corrupt jsonb container');
  const entry = (i: number) => dv.getUint32(entriesAt + 4 * i, true);
  const values: JsonbValue[] = [];
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const e = entry(i);
    const field = e & JENTRY_OFFLENMASK;
    const stop = (e & JENTRY_HAS_OFF) !== 0 ? field : offset + field;
    const start = dataAt + offset;
    const stopAt = dataAt + stop;
    if (stopAt > end || stopAt < start) throw badBinary('corrupt jsonb container');
    const type = e & JENTRY_TYPEMASK;
    const aligned = dataAt + ((offset + 3) & ~3);
    switch (type) {
      case JENTRY_ISSTRING:
        values.push(fromUtf8(bytes.subarray(start, stopAt)));
        break;
      case JENTRY_ISNUMERIC: {
        const size = dv.getUint32(aligned, true) >>> 2;
        values.push(jsonbNumber(decodeNumeric(bytes.subarray(aligned + 4, aligned + size))));
        break;
      }
      case JENTRY_ISBOOL_FALSE:
        values.push(false);
        break;
      case JENTRY_ISBOOL_TRUE:
        values.push(true);
        break;
      case JENTRY_ISNULL:
        values.push(JSONB_NULL);
        break;
      case JENTRY_ISCONTAINER:
        values.push(readContainer(bytes, aligned, stopAt));
        break;
      default:
        throw badBinary('corrupt jsonb container');
    }
    offset = stop;
  }
  if (isObj) {
    const pairs: (readonly [string, JsonbValue])[] = [];
    for (let i = 0; i < count; i++) pairs.push([values[i] as string, values[count + i]!]);
    return { kind: 'object', pairs };
  }
  if ((header & JB_FSCALAR) !== 0) {
    if (values.length !== 1) throw badBinary('corrupt jsonb scalar');
    return values[0]!;
  }
  return values;
}

/** The inverse of encodeJsonb. */
export function decodeJsonb(bytes: Uint8Array): JsonbValue {
  return readContainer(bytes, 0, bytes.length);
}
