/**
 * Model tests of the incremental frontend-message parser: any split of a
 * valid message stream into chunks parses to the same messages; any
 * mutation of it yields messages or a ProtocolError, never another
 * exception; lengths and caps are checked before anything is read.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FrontendMessage,
  MessageReader,
  MessageWriter,
  ProtocolError,
} from './internal/protocol.js';

const enc = new TextEncoder();

/** The model's own encoder (independent of the parser). */
function encode(m: FrontendMessage): Uint8Array {
  const parts: number[] = [];
  const i16 = (v: number) => parts.push((v >> 8) & 0xff, v & 0xff);
  const i32 = (v: number) =>
    parts.push((v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
  const str = (s: string) => parts.push(...enc.encode(s), 0);
  const bytes = (b: Uint8Array) => parts.push(...b);
  let type: string;
  switch (m.type) {
    case 'Query':
      type = 'Q';
      str(m.sql);
      break;
    case 'Parse':
      type = 'P';
      str(m.name);
      str(m.sql);
      i16(m.paramTypes.length);
      for (const t of m.paramTypes) i32(t);
      break;
    case 'Bind':
      type = 'B';
      str(m.portal);
      str(m.statement);
      i16(m.paramFormats.length);
      for (const f of m.paramFormats) i16(f);
      i16(m.params.length);
      for (const p of m.params) {
        if (p === null) i32(-1);
        else {
          i32(p.length);
          bytes(p);
        }
      }
      i16(m.resultFormats.length);
      for (const f of m.resultFormats) i16(f);
      break;
    case 'Describe':
    case 'Close':
      type = m.type === 'Describe' ? 'D' : 'C';
      parts.push(m.kind.charCodeAt(0));
      str(m.name);
      break;
    case 'Execute':
      type = 'E';
      str(m.portal);
      i32(m.maxRows);
      break;
    case 'Sync':
      type = 'S';
      break;
    case 'Flush':
      type = 'H';
      break;
    case 'Terminate':
      type = 'X';
      break;
    case 'CopyData':
      type = 'd';
      bytes(m.data);
      break;
    case 'CopyDone':
      type = 'c';
      break;
    case 'CopyFail':
      type = 'f';
      str(m.message);
      break;
    default:
      throw new Error(`not modelled: ${m.type}`);
  }
  const out = new Uint8Array(5 + parts.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + parts.length);
  out.set(parts, 5);
  return out;
}

const name = fc.string({ maxLength: 8 }).filter((s) => !s.includes('\0'));
const text = fc.string({ maxLength: 40 }).filter((s) => !s.includes('\0'));
const bytes = fc.uint8Array({ maxLength: 20 });
const fmt = fc.constantFrom(0, 1);

const message: fc.Arbitrary<FrontendMessage> = fc.oneof(
  text.map((sql) => ({ type: 'Query' as const, sql })),
  fc.record({
    type: fc.constant('Parse' as const),
    name,
    sql: text,
    paramTypes: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 4 }),
  }),
  fc.record({
    type: fc.constant('Bind' as const),
    portal: name,
    statement: name,
    paramFormats: fc.array(fmt, { maxLength: 3 }),
    params: fc.array(fc.option(bytes, { nil: null }), { maxLength: 3 }),
    resultFormats: fc.array(fmt, { maxLength: 3 }),
  }),
  fc.record({
    type: fc.constant('Describe' as const),
    kind: fc.constantFrom('S' as const, 'P' as const),
    name,
  }),
  fc.record({
    type: fc.constant('Close' as const),
    kind: fc.constantFrom('S' as const, 'P' as const),
    name,
  }),
  fc.record({ type: fc.constant('Execute' as const), portal: name, maxRows: fc.nat() }),
  fc.constant({ type: 'Sync' as const }),
  fc.constant({ type: 'Flush' as const }),
  fc.constant({ type: 'Terminate' as const }),
  bytes.map((data) => ({ type: 'CopyData' as const, data })),
  fc.constant({ type: 'CopyDone' as const }),
  text.map((message) => ({ type: 'CopyFail' as const, message })),
);

function concat(list: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(list.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of list) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** Splits `stream` at the given cut points. */
function split(stream: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    out.push(stream.subarray(at, p));
    at = p;
  }
  out.push(stream.subarray(at));
  return out;
}

/** Feeds chunks one at a time, reading whatever is complete after each. */
function parseAll(chunks: readonly Uint8Array[]): FrontendMessage[] {
  const r = new MessageReader();
  r.startupDone();
  const out: FrontendMessage[] = [];
  for (const c of chunks) {
    r.push(c);
    for (let m = r.next(); m !== undefined; m = r.next()) out.push(m);
  }
  return out;
}

/** Normalises Uint8Arrays for deep equality. */
function plain(ms: readonly FrontendMessage[]): unknown {
  return JSON.parse(JSON.stringify(ms, (_k, v) => (v instanceof Uint8Array ? [...v] : v)));
}

describe('frontend message parser', () => {
  it('parses any split of a valid stream to the same messages', () => {
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (messages, cuts) => {
          const stream = concat(messages.map(encode));
          const parsed = parseAll(split(stream, cuts));
          expect(plain(parsed)).toEqual(plain(messages));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('turns any mutation into messages or a ProtocolError, never another exception', () => {
    const mutation = fc.oneof(
      fc.record({
        kind: fc.constant('flip' as const),
        at: fc.nat(),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), value: fc.constant(0) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), value: fc.constant(0) }),
    );
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 8 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (messages, mutations, cuts) => {
          let bytesOf = [...concat(messages.map(encode))];
          for (const m of mutations) {
            const at = bytesOf.length === 0 ? 0 : m.at % bytesOf.length;
            if (m.kind === 'flip') bytesOf[at] = m.value;
            else if (m.kind === 'insert') bytesOf.splice(at, 0, m.value);
            else if (m.kind === 'delete') bytesOf.splice(at, 1);
            else bytesOf = bytesOf.slice(0, at);
          }
          const stream = Uint8Array.from(bytesOf);
          try {
            const parsed = parseAll(split(stream, cuts));
            // whatever parsed re-encodes to a prefix of the stream (CopyDone ignores a body,
            // Execute reads a negative row count as 0, 'p' and 'F' are not modelled)
            const exact = parsed.every(
              (m) => !['CopyDone', 'Execute', 'Password', 'FunctionCall'].includes(m.type),
            );
            if (exact) {
              const again = concat(parsed.map(encode));
              expect([...again]).toEqual(bytesOf.slice(0, again.length));
            }
          } catch (err) {
            expect(err).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses oversized and undersized lengths before buffering the body', () => {
    const r = new MessageReader();
    r.startupDone();
    // a Sync claiming 1 MB (small messages are capped at 10000 bytes)
    r.push(Uint8Array.from([0x53, 0, 0x10, 0, 0]));
    expect(() => r.next()).toThrow(/invalid message length/);
    const q = new MessageReader();
    q.startupDone();
    q.push(Uint8Array.from([0x51, 0x7f, 0xff, 0xff, 0xff]));
    expect(() => q.next()).toThrow(ProtocolError);
    const u = new MessageReader();
    u.startupDone();
    u.push(Uint8Array.from([0x51, 0, 0, 0, 3]));
    expect(() => u.next()).toThrow(/invalid message length/);
    const t = new MessageReader();
    t.startupDone();
    t.push(Uint8Array.from([0x01]));
    expect(() => t.next()).toThrow(/invalid frontend message type 1/);
  });

  it('reads startup packets, SSLRequest and CancelRequest', () => {
    const r = new MessageReader();
    const params = enc.encode('user\0bob\0database\0db\0\0');
    const startup = new Uint8Array(8 + params.length);
    const v = new DataView(startup.buffer);
    v.setInt32(0, startup.length);
    v.setInt32(4, 196608);
    startup.set(params, 8);
    const ssl = Uint8Array.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
    const cancel = Uint8Array.from([0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e, 0, 0, 0, 7, 0, 0, 0, 9]);
    r.push(ssl);
    r.push(startup);
    r.push(cancel);
    expect(r.nextStartup()).toEqual({ kind: 'ssl' });
    expect(r.nextStartup()).toEqual({
      kind: 'startup',
      major: 3,
      minor: 0,
      params: [
        ['user', 'bob'],
        ['database', 'db'],
      ],
    });
    expect(r.nextStartup()).toEqual({ kind: 'cancel', processId: 7, secretKey: 9 });
    const big = new MessageReader();
    big.push(Uint8Array.from([0, 0, 0x30, 0, 0, 3, 0, 0]));
    expect(() => big.nextStartup()).toThrow(/invalid length of startup packet/);
    const v2 = new MessageReader();
    v2.push(Uint8Array.from([0, 0, 0, 9, 0, 2, 0, 0, 0]));
    expect(() => v2.nextStartup()).toThrow(/unsupported frontend protocol 2.0/);
  });

  it('encodes backend messages into one buffer', () => {
    const w = new MessageWriter();
    w.commandComplete('SELECT 1');
    w.readyForQuery('I');
    const b = w.take();
    expect([...b]).toEqual([
      0x43,
      0,
      0,
      0,
      13,
      ...enc.encode('SELECT 1'),
      0,
      0x5a,
      0,
      0,
      0,
      5,
      0x49,
    ]);
    expect(w.length).toBe(0);
  });
});
