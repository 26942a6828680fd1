/**
 * The frontend/backend protocol version 3 codec: an incremental parser of
 * the messages a client sends (from socket chunks, every length and field
 * checked before use) and an encoder of the server's messages into one
 * buffer per flush point.
 */

/** A protocol violation (08P01, FATAL) or a bad string in an intact message (22021, ERROR). */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: string;
  /** FATAL: the stream is no longer trusted and the connection ends. */
  readonly fatal: boolean;
  constructor(message: string, code = '08P01', fatal = true) {
    super(message);
    this.code = code;
    this.fatal = fatal;
  }
}

/** PQ_LARGE_MESSAGE_LIMIT: Query, Parse, Bind, CopyData, FunctionCall. */
export const LARGE_MESSAGE_LIMIT = 0x3fffffff;
/** PQ_SMALL_MESSAGE_LIMIT: every other message. */
export const SMALL_MESSAGE_LIMIT = 10000;
/** MAX_STARTUP_PACKET_LENGTH. */
export const MAX_STARTUP_PACKET_LENGTH = 10000;
/** PG_MAX_AUTH_TOKEN_LENGTH: a password / SASL message. */
export const MAX_AUTH_MESSAGE_LENGTH = 65535;

export const PROTOCOL_3_0 = 196608;
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

export type StartupPacket =
  | { readonly kind: 'ssl' }
  | { readonly kind: 'gssenc' }
  | { readonly kind: 'cancel'; readonly processId: number; readonly secretKey: number }
  | {
      readonly kind: 'startup';
      readonly major: number;
      readonly minor: number;
      /** Parameter names and values in order ('user', 'database', 'options', any GUC, '_pq_.*'). */
      readonly params: readonly (readonly [string, string])[];
    };

export type FrontendMessage =
  | { readonly type: 'Query'; readonly sql: string }
  | {
      readonly type: 'Parse';
      readonly name: string;
      readonly sql: string;
      readonly paramTypes: readonly number[];
    }
  | {
      readonly type: 'Bind';
      readonly portal: string;
      readonly statement: string;
      readonly paramFormats: readonly number[];
      readonly params: readonly (Uint8Array | null)[];
      readonly resultFormats: readonly number[];
    }
  | { readonly type: 'Describe'; readonly kind: 'S' | 'P'; readonly name: string }
  | { readonly type: 'Execute'; readonly portal: string; readonly maxRows: number }
  | { readonly type: 'Close'; readonly kind: 'S' | 'P'; readonly name: string }
  | { readonly type: 'Sync' }
  | { readonly type: 'Flush' }
  | { readonly type: 'Terminate' }
  | { readonly type: 'CopyData'; readonly data: Uint8Array }
  | { readonly type: 'CopyDone' }
  | { readonly type: 'CopyFail'; readonly message: string }
  | { readonly type: 'Password'; readonly body: Uint8Array }
  | { readonly type: 'FunctionCall'; readonly body: Uint8Array };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Reads the fields of one message body, each checked against the body's end. */
class BodyReader {
  #pos = 0;
  constructor(
    readonly body: Uint8Array,
    readonly what: string,
  ) {}

  #fail(): never {
    throw new ProtocolError(`invalid message format`);
  }

  int16(): number {
    if (this.#pos + 2 > this.body.length) this.#fail();
    const b = this.body;
    const v = (((b[this.#pos]! << 8) | b[this.#pos + 1]!) << 16) >> 16;
    this.#pos += 2;
    return v;
  }

  int32(): number {
    if (this.#pos + 4 > this.body.length) this.#fail();
    const b = this.body;
    const p = this.#pos;
    const v = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
    this.#pos += 4;
    return v;
  }

  byte(): number {
    if (this.#pos >= this.body.length) this.#fail();
    return this.body[this.#pos++]!;
  }

  bytes(n: number): Uint8Array {
    if (n < 0 || this.#pos + n > this.body.length) {
      throw new ProtocolError('insufficient data left in message');
    }
    const out = this.body.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(): string {
    const end = this.body.indexOf(0, this.#pos);
    if (end < 0) throw new ProtocolError('invalid string in message');
    const raw = this.body.subarray(this.#pos, end);
    this.#pos = end + 1;
    return decodeUtf8(raw);
  }

  rest(): Uint8Array {
    const out = this.body.subarray(this.#pos);
    this.#pos = this.body.length;
    return out;
  }

  /** pq_getmsgend: nothing may follow the last field. */
  end(): void {
    if (this.#pos !== this.body.length) throw new ProtocolError('invalid message format');
  }
}

/** Strict UTF-8 (pg_verify_mbstr): a bad sequence is 22021, an ERROR; the message's framing is intact. */
export function decodeUtf8(raw: Uint8Array): string {
  try {
    return utf8.decode(raw);
  } catch {
    let bad = 0;
    for (let k = 0; k < raw.length; k++) if (raw[k]! >= 0x80) bad = raw[k]!;
    throw new ProtocolError(
      `invalid byte sequence for encoding "UTF8": 0x${bad.toString(16).padStart(2, '0')}`,
      '22021',
      false,
    );
  }
}

/** The length cap of each frontend message type (SocketBackend); undefined: not a valid type. */
function lengthCap(type: number): number | undefined {
  switch (type) {
    case 0x51: // Q
    case 0x50: // P
    case 0x42: // B
    case 0x64: // d
    case 0x46: // F
      return LARGE_MESSAGE_LIMIT;
    case 0x70: // p
      return MAX_AUTH_MESSAGE_LENGTH;
    case 0x44: // D
    case 0x45: // E
    case 0x43: // C
    case 0x53: // S
    case 0x48: // H
    case 0x58: // X
    case 0x63: // c
    case 0x66: // f
      return SMALL_MESSAGE_LIMIT;
    default:
      return undefined;
  }
}

/** Decodes one regular message's body (its type byte already known to be valid). */
export function decodeMessage(type: number, body: Uint8Array): FrontendMessage {
  const r = new BodyReader(body, String.fromCharCode(type));
  switch (type) {
    case 0x51: {
      const sql = r.cstring();
      r.end();
      return { type: 'Query', sql };
    }
    case 0x50: {
      const name = r.cstring();
      const sql = r.cstring();
      const n = r.int16();
      if (n < 0) throw new ProtocolError('invalid message format');
      const paramTypes: number[] = [];
      for (let k = 0; k < n; k++) paramTypes.push(r.int32() >>> 0);
      r.end();
      return { type: 'Parse', name, sql, paramTypes };
    }
    case 0x42: {
      const portal = r.cstring();
      const statement = r.cstring();
      const nf = r.int16();
      if (nf < 0) throw new ProtocolError('invalid message format');
      const paramFormats: number[] = [];
      for (let k = 0; k < nf; k++) paramFormats.push(r.int16());
      const np = r.int16();
      if (np < 0) throw new ProtocolError('invalid message format');
      const params: (Uint8Array | null)[] = [];
      for (let k = 0; k < np; k++) {
        const len = r.int32();
        if (len === -1) params.push(null);
        else if (len < -1) throw new ProtocolError('invalid message format');
        else params.push(r.bytes(len));
      }
      const nr = r.int16();
      if (nr < 0) throw new ProtocolError('invalid message format');
      const resultFormats: number[] = [];
      for (let k = 0; k < nr; k++) resultFormats.push(r.int16());
      r.end();
      return { type: 'Bind', portal, statement, paramFormats, params, resultFormats };
    }
    case 0x44:
    case 0x43: {
      const kind = r.byte();
      const name = r.cstring();
      r.end();
      if (kind !== 0x53 && kind !== 0x50) {
        throw new ProtocolError(
          type === 0x44
            ? `invalid DESCRIBE message subtype ${kind}`
            : `invalid CLOSE message subtype ${kind}`,
        );
      }
      return {
        type: type === 0x44 ? 'Describe' : 'Close',
        kind: kind === 0x53 ? 'S' : 'P',
        name,
      };
    }
    case 0x45: {
      const portal = r.cstring();
      const maxRows = r.int32();
      r.end();
      return { type: 'Execute', portal, maxRows: Math.max(maxRows, 0) };
    }
    case 0x53:
      r.end();
      return { type: 'Sync' };
    case 0x48:
      r.end();
      return { type: 'Flush' };
    case 0x58:
      r.end();
      return { type: 'Terminate' };
    case 0x64:
      return { type: 'CopyData', data: r.rest() };
    case 0x63:
      return { type: 'CopyDone' }; // PostgreSQL ignores any bytes after it
    case 0x66: {
      const message = r.cstring();
      r.end();
      return { type: 'CopyFail', message };
    }
    case 0x70:
      return { type: 'Password', body: r.rest() };
    case 0x46:
      return { type: 'FunctionCall', body: r.rest() };
    default:
      throw new ProtocolError(`invalid frontend message type ${type}`);
  }
}

/** Decodes a startup packet's body (after its length word). */
export function decodeStartup(body: Uint8Array): StartupPacket {
  const r = new BodyReader(body, 'startup');
  const code = r.int32() >>> 0;
  if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
    r.end();
    return { kind: code === SSL_REQUEST_CODE ? 'ssl' : 'gssenc' };
  }
  if (code === CANCEL_REQUEST_CODE) {
    const processId = r.int32();
    const secretKey = r.int32();
    r.end();
    return { kind: 'cancel', processId, secretKey };
  }
  const major = code >>> 16;
  const minor = code & 0xffff;
  if (major !== 3) {
    throw new ProtocolError(
      `unsupported frontend protocol ${major}.${minor}: server supports 3.0 to 3.0`,
      '0A000',
    );
  }
  const params: [string, string][] = [];
  for (;;) {
    const name = r.cstring();
    if (name === '') break;
    const value = r.cstring();
    params.push([name, value]);
  }
  r.end();
  return { kind: 'startup', major, minor, params };
}

/**
 * The incremental reader: chunks in, whole messages out. Before the
 * startup packet it frames startup packets (length word first, no type
 * byte); after `startupDone()`, regular messages.
 */
export class MessageReader {
  #chunks: Uint8Array[] = [];
  #length = 0;
  #startup = true;

  get inStartup(): boolean {
    return this.#startup;
  }

  /** After the StartupMessage: what follows are typed messages. */
  startupDone(): void {
    this.#startup = false;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** Bytes buffered and not yet returned as messages. */
  get buffered(): number {
    return this.#length;
  }

  #peek(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (first !== undefined && first.length >= n) return first;
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.#chunks = [out];
    return out;
  }

  #take(n: number): Uint8Array {
    const head = this.#peek(n);
    const out = head.subarray(0, n);
    if (head.length === n) this.#chunks.shift();
    else this.#chunks[0] = head.subarray(n);
    this.#length -= n;
    return out;
  }

  /** The next startup packet, or undefined until it has arrived whole. */
  nextStartup(): StartupPacket | undefined {
    if (this.#length < 4) return undefined;
    const h = this.#peek(4);
    const len = ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
    if (len < 8 || len > MAX_STARTUP_PACKET_LENGTH) {
      throw new ProtocolError('invalid length of startup packet');
    }
    if (this.#length < len) return undefined;
    const packet = this.#take(len);
    return decodeStartup(packet.subarray(4));
  }

  /** The next typed message's type and body, or undefined until it has arrived whole. */
  nextRaw(): { type: number; body: Uint8Array } | undefined {
    if (this.#length < 5) {
      // a bad type byte is refused as soon as it is seen
      if (this.#length > 0) {
        const t = this.#peek(1)[0]!;
        if (lengthCap(t) === undefined) {
          throw new ProtocolError(`invalid frontend message type ${t}`);
        }
      }
      return undefined;
    }
    const h = this.#peek(5);
    const type = h[0]!;
    const cap = lengthCap(type);
    if (cap === undefined) throw new ProtocolError(`invalid frontend message type ${type}`);
    const len = ((h[1]! << 24) | (h[2]! << 16) | (h[3]! << 8) | h[4]!) >>> 0;
    if (len < 4 || len > cap) throw new ProtocolError(`invalid message length`);
    if (this.#length < len + 1) return undefined;
    const whole = this.#take(len + 1);
    // a copy: the body outlives the socket's chunk
    return { type, body: whole.slice(5) };
  }

  /** The next typed message, decoded and checked. */
  next(): FrontendMessage | undefined {
    const raw = this.nextRaw();
    return raw === undefined ? undefined : decodeMessage(raw.type, raw.body);
  }
}

// ------------------------------------------------------------ encoder

export interface ErrorFields {
  readonly severity: string;
  readonly code: string;
  readonly message: string;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
  readonly position?: number | undefined;
  readonly internalPosition?: number | undefined;
  readonly internalQuery?: string | undefined;
  readonly where?: string | undefined;
  readonly schema?: string | undefined;
  readonly table?: string | undefined;
  readonly column?: string | undefined;
  readonly dataType?: string | undefined;
  readonly constraint?: string | undefined;
}

export interface FieldInfo {
  readonly name: string;
  readonly tableID: number;
  readonly columnID: number;
  readonly dataTypeID: number;
  readonly dataTypeSize: number;
  readonly dataTypeModifier: number;
  readonly format: number;
}

const INITIAL = 16384;

/**
 * Backend messages into one growing buffer; `take()` hands the bytes over
 * for one socket write per flush point.
 */
export class MessageWriter {
  #buf = Buffer.allocUnsafe(INITIAL);
  #pos = 0;
  #start = -1;

  get length(): number {
    return this.#pos;
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  #begin(type: string): void {
    this.#ensure(5);
    this.#buf[this.#pos] = type.charCodeAt(0);
    this.#start = this.#pos + 1;
    this.#pos += 5;
  }

  #end(): void {
    this.#buf.writeInt32BE(this.#pos - this.#start, this.#start);
    this.#start = -1;
  }

  #int16(v: number): void {
    this.#ensure(2);
    this.#buf.writeInt16BE(v, this.#pos);
    this.#pos += 2;
  }

  #int32(v: number): void {
    this.#ensure(4);
    this.#buf.writeInt32BE(v | 0, this.#pos);
    this.#pos += 4;
  }

  #byte(v: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = v;
  }

  #bytes(b: Uint8Array): void {
    this.#ensure(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }

  #cstring(s: string): void {
    // NUL bytes cannot travel in a C string
    const text = s.includes('\0') ? s.replaceAll('\0', '') : s;
    const max = text.length * 3 + 1;
    this.#ensure(max);
    this.#pos += this.#buf.write(text, this.#pos, 'utf8');
    this.#buf[this.#pos++] = 0;
  }

  /** The bytes written so far (the writer starts afresh). */
  take(): Buffer {
    const out = this.#buf.subarray(0, this.#pos);
    this.#buf = Buffer.allocUnsafe(INITIAL);
    this.#pos = 0;
    return out;
  }

  /** A single byte answer to SSLRequest / GSSENCRequest ('N' or 'S'). */
  raw(b: number): void {
    this.#byte(b);
  }

  authentication(code: number, payload?: Uint8Array): void {
    this.#begin('R');
    this.#int32(code);
    if (payload !== undefined) this.#bytes(payload);
    this.#end();
  }

  parameterStatus(name: string, value: string): void {
    this.#begin('S');
    this.#cstring(name);
    this.#cstring(value);
    this.#end();
  }

  backendKeyData(processId: number, secretKey: number): void {
    this.#begin('K');
    this.#int32(processId);
    this.#int32(secretKey);
    this.#end();
  }

  negotiateProtocolVersion(minor: number, unrecognized: readonly string[]): void {
    this.#begin('v');
    this.#int32(PROTOCOL_3_0 | minor);
    this.#int32(unrecognized.length);
    for (const o of unrecognized) this.#cstring(o);
    this.#end();
  }

  readyForQuery(status: 'I' | 'T' | 'E'): void {
    this.#begin('Z');
    this.#byte(status.charCodeAt(0));
    this.#end();
  }

  rowDescription(fields: readonly FieldInfo[]): void {
    this.#begin('T');
    this.#int16(fields.length);
    for (const f of fields) {
      this.#cstring(f.name);
      this.#int32(f.tableID);
      this.#int16(f.columnID);
      this.#int32(f.dataTypeID);
      this.#int16(f.dataTypeSize);
      this.#int32(f.dataTypeModifier);
      this.#int16(f.format);
    }
    this.#end();
  }

  /** DataRow from already encoded values (null: SQL NULL). */
  dataRow(values: readonly (Uint8Array | string | null)[]): void {
    this.#begin('D');
    this.#int16(values.length);
    for (const v of values) {
      if (v === null) {
        this.#int32(-1);
      } else if (typeof v === 'string') {
        const max = v.length * 3;
        this.#ensure(4 + max);
        const at = this.#pos;
        const n = this.#buf.write(v, at + 4, 'utf8');
        this.#buf.writeInt32BE(n, at);
        this.#pos = at + 4 + n;
      } else {
        this.#int32(v.length);
        this.#bytes(v);
      }
    }
    this.#end();
  }

  commandComplete(tag: string): void {
    this.#begin('C');
    this.#cstring(tag);
    this.#end();
  }

  emptyQueryResponse(): void {
    this.#begin('I');
    this.#end();
  }

  parseComplete(): void {
    this.#begin('1');
    this.#end();
  }

  bindComplete(): void {
    this.#begin('2');
    this.#end();
  }

  closeComplete(): void {
    this.#begin('3');
    this.#end();
  }

  noData(): void {
    this.#begin('n');
    this.#end();
  }

  portalSuspended(): void {
    this.#begin('s');
    this.#end();
  }

  parameterDescription(oids: readonly number[]): void {
    this.#begin('t');
    this.#int16(oids.length);
    for (const o of oids) this.#int32(o);
    this.#end();
  }

  /** ErrorResponse ('E') or NoticeResponse ('N'). */
  errorOrNotice(type: 'E' | 'N', f: ErrorFields): void {
    this.#begin(type);
    const field = (code: string, value: string | number | undefined) => {
      if (value === undefined || value === '') return;
      this.#byte(code.charCodeAt(0));
      this.#cstring(String(value));
    };
    field('S', f.severity);
    field('V', f.severity);
    field('C', f.code);
    field('M', f.message);
    field('D', f.detail);
    field('H', f.hint);
    field('P', f.position);
    field('p', f.internalPosition);
    field('q', f.internalQuery);
    field('W', f.where);
    field('s', f.schema);
    field('t', f.table);
    field('c', f.column);
    field('d', f.dataType);
    field('n', f.constraint);
    this.#byte(0);
    this.#end();
  }

  notification(processId: number, channel: string, payload: string): void {
    this.#begin('A');
    this.#int32(processId);
    this.#cstring(channel);
    this.#cstring(payload);
    this.#end();
  }

  copyInResponse(columns: number): void {
    this.#copyResponse('G', columns);
  }

  copyOutResponse(columns: number): void {
    this.#copyResponse('H', columns);
  }

  #copyResponse(type: 'G' | 'H', columns: number): void {
    this.#begin(type);
    this.#byte(0); // text (csv is text too)
    this.#int16(columns);
    for (let k = 0; k < columns; k++) this.#int16(0);
    this.#end();
  }

  copyData(data: Uint8Array | string): void {
    this.#begin('d');
    if (typeof data === 'string') {
      this.#ensure(data.length * 3);
      this.#pos += this.#buf.write(data, this.#pos, 'utf8');
    } else {
      this.#bytes(data);
    }
    this.#end();
  }

  copyDone(): void {
    this.#begin('c');
    this.#end();
  }
}

/** Builds a frontend message (tests and tools): type byte, length, body. */
export function frontendMessage(type: string, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}

/** UTF-8 with a trailing NUL. */
export function cstr(s: string): Uint8Array {
  const b = encoder.encode(s);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}
