/**
 * A raw protocol-3 client for tests: sends bytes, reads backend messages
 * one by one (type and body), with helpers for the startup and a Query.
 * Not part of the package's interface.
 */
import { connect, type Socket } from 'node:net';

export interface BackendMessage {
  readonly type: string;
  readonly body: Buffer;
}

export class RawClient {
  readonly socket: Socket;
  #buf = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  #closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      this.#wake();
    });
    const end = () => {
      this.#closed = true;
      this.#wake();
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host });
      s.once('connect', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The next message, or undefined once the server closed the connection. */
  async read(timeoutMs = 10_000): Promise<BackendMessage | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#buf.length >= 5) {
        const len = this.#buf.readInt32BE(1);
        if (this.#buf.length >= len + 1) {
          const type = String.fromCharCode(this.#buf[0] ?? 0);
          const body = this.#buf.subarray(5, len + 1);
          this.#buf = this.#buf.subarray(len + 1);
          return { type, body };
        }
      }
      if (this.#closed) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a backend message');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Reads messages up to and including ReadyForQuery (or the close). */
  async untilReady(): Promise<BackendMessage[]> {
    const out: BackendMessage[] = [];
    for (;;) {
      const m = await this.read();
      if (m === undefined) return out;
      out.push(m);
      if (m.type === 'Z') return out;
    }
  }

  /** Sends a StartupMessage and reads to ReadyForQuery (or the error). */
  async startup(
    params: Record<string, string> = { user: 'postgres', database: 'postgres' },
  ): Promise<BackendMessage[]> {
    this.write(startupPacket(params));
    return this.untilReady();
  }

  async query(sql: string): Promise<BackendMessage[]> {
    this.write(message('Q', cstring(sql)));
    return this.untilReady();
  }

  close(): void {
    this.socket.destroy();
  }
}

export function cstring(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}

export function message(type: string, body: Uint8Array = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(5);
  h.write(type, 0, 'latin1');
  h.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([h, body]);
}

export function startupPacket(params: Record<string, string>, version = 196608): Buffer {
  const body = Buffer.concat([
    ...Object.entries(params).flatMap(([k, v]) => [cstring(k), cstring(v)]),
    Buffer.from([0]),
  ]);
  const h = Buffer.alloc(8);
  h.writeInt32BE(8 + body.length, 0);
  h.writeInt32BE(version, 4);
  return Buffer.concat([h, body]);
}

/** An ErrorResponse / NoticeResponse body as { S, C, M, ... }. */
export function fields(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const code = String.fromCharCode(body[at] ?? 0);
    const end = body.indexOf(0, at + 1);
    out[code] = body.subarray(at + 1, end).toString('utf8');
    at = end + 1;
  }
  return out;
}

/** A compact summary of messages: 'T', 'D', 'C:SELECT 1', 'E:22012', 'N:01000', 'Z:I', ... */
export function summary(ms: readonly BackendMessage[]): string[] {
  return ms.map((m) => {
    switch (m.type) {
      case 'C':
        return `C:${m.body.subarray(0, m.body.length - 1).toString('utf8')}`;
      case 'E':
      case 'N':
        return `${m.type}:${fields(m.body).C}`;
      case 'Z':
        return `Z:${m.body.toString('latin1')}`;
      case 'D': {
        const n = m.body.readInt16BE(0);
        const vals: string[] = [];
        let at = 2;
        for (let k = 0; k < n; k++) {
          const len = m.body.readInt32BE(at);
          at += 4;
          if (len < 0) vals.push('NULL');
          else {
            vals.push(m.body.subarray(at, at + len).toString('utf8'));
            at += len;
          }
        }
        return `D:${vals.join('|')}`;
      }
      default:
        return m.type;
    }
  });
}
