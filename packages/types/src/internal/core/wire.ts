/**
 * Helpers for the binary formats. The wire protocol's binary format (send /
 * receive) is big-endian (network order, pq_sendint32 and friends); the
 * on-disk format (encode / decode) is little-endian, the byte order of the
 * machines PostgreSQL runs on here.
 */
import { badBinary, SqlError, SqlState } from './errors.js';

/** Reads a received binary value; every read checks what is left (22P03). */
export class WireReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.#bytes.length - this.#at;
  }

  #need(n: number): number {
    if (this.#at + n > this.#bytes.length) {
      // pq_getmsg*: a protocol violation, as PostgreSQL reports it
      throw new SqlError(SqlState.PROTOCOL_VIOLATION, 'insufficient data left in message');
    }
    const at = this.#at;
    this.#at += n;
    return at;
  }

  int8(): number {
    return this.#view.getInt8(this.#need(1));
  }
  uint8(): number {
    return this.#view.getUint8(this.#need(1));
  }
  int16(): number {
    return this.#view.getInt16(this.#need(2), false);
  }
  uint16(): number {
    return this.#view.getUint16(this.#need(2), false);
  }
  int32(): number {
    return this.#view.getInt32(this.#need(4), false);
  }
  uint32(): number {
    return this.#view.getUint32(this.#need(4), false);
  }
  int64(): bigint {
    return this.#view.getBigInt64(this.#need(8), false);
  }
  float32(): number {
    return this.#view.getFloat32(this.#need(4), false);
  }
  float64(): number {
    return this.#view.getFloat64(this.#need(8), false);
  }
  bytes(n: number): Uint8Array {
    const at = this.#need(n);
    return this.#bytes.subarray(at, at + n);
  }
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }
  /** Throws 22P03 unless everything was read ("incorrect binary data format"). */
  end(): void {
    if (this.remaining !== 0) throw badBinary();
  }
}

/**
 * Reads a whole received value with `read` and checks nothing is left over
 * (22P03 "incorrect binary data format"), as every fixed-size typreceive does.
 */
export function readWhole<T>(bytes: Uint8Array, read: (r: WireReader) => T): T {
  const r = new WireReader(bytes);
  const v = read(r);
  r.end();
  return v;
}

/** Builds a binary value to send, big-endian. */
export class WireWriter {
  #buf = new Uint8Array(32);
  #view = new DataView(this.#buf.buffer);
  #at = 0;

  #room(n: number): number {
    if (this.#at + n > this.#buf.length) {
      const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#at + n));
      next.set(this.#buf.subarray(0, this.#at));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
    }
    const at = this.#at;
    this.#at += n;
    return at;
  }

  int8(v: number): this {
    const at = this.#room(1);
    this.#view.setInt8(at, v);
    return this;
  }
  uint8(v: number): this {
    const at = this.#room(1);
    this.#view.setUint8(at, v);
    return this;
  }
  int16(v: number): this {
    const at = this.#room(2);
    this.#view.setInt16(at, v, false);
    return this;
  }
  uint16(v: number): this {
    const at = this.#room(2);
    this.#view.setUint16(at, v, false);
    return this;
  }
  int32(v: number): this {
    const at = this.#room(4);
    this.#view.setInt32(at, v, false);
    return this;
  }
  uint32(v: number): this {
    const at = this.#room(4);
    this.#view.setUint32(at, v, false);
    return this;
  }
  int64(v: bigint): this {
    const at = this.#room(8);
    this.#view.setBigInt64(at, v, false);
    return this;
  }
  float32(v: number): this {
    const at = this.#room(4);
    this.#view.setFloat32(at, v, false);
    return this;
  }
  float64(v: number): this {
    const at = this.#room(8);
    this.#view.setFloat64(at, v, false);
    return this;
  }
  bytes(b: Uint8Array): this {
    const at = this.#room(b.length);
    this.#buf.set(b, at);
    return this;
  }
  done(): Uint8Array {
    return this.#buf.slice(0, this.#at);
  }
}

/** Little-endian fixed-size encoders for on-disk datums. */
export function le(n: number, write: (v: DataView) => void): Uint8Array {
  const out = new Uint8Array(n);
  write(new DataView(out.buffer));
  return out;
}

/** A DataView over a datum's bytes, for little-endian decoding. */
export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** A string from UTF-8 bytes; invalid UTF-8 is 22021 as in PostgreSQL. */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw badBinary('invalid byte sequence for encoding "UTF8"');
  }
}
