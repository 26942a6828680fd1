/**
 * One client connection: the protocol state machine of a backend
 * (postgres.c's PostgresMain) over a socket — startup and authentication,
 * then simple and extended query, COPY, notices and notifications, with a
 * per-connection error boundary: a protocol violation ends this
 * connection only, never the server.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Database, EngineError, Notice, QueryResult, Session } from '@pg/engine';
import {
  decodeMessage,
  type ErrorFields,
  type FieldInfo,
  type FrontendMessage,
  MessageReader,
  MessageWriter,
  ProtocolError,
  type StartupPacket,
} from './protocol.js';
import { decodeParam, encodeValue } from './values.js';

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly database: Database;
  readonly tls: { readonly cert: Buffer; readonly key: Buffer } | undefined;
  /** Whether the server is shutting down (new connections are refused with 57P03). */
  readonly shuttingDown: boolean;
  /** Counts a connection in; false when max_connections are in use. */
  admit(conn: Connection): boolean;
  /** The connection ended (its socket closed, its session ended). */
  release(conn: Connection): void;
  /** A CancelRequest. */
  cancel(processId: number, secretKey: number): void;
  /** Authenticates a startup (pg_hba.conf and the exchange); throws an error with code 28000/28P01 to refuse. */
  authenticate(conn: Connection, user: string, database: string): Promise<void>;
  log(severity: string, message: string): void;
}

/** The GUCs a PostgreSQL 15 backend reports in ParameterStatus (GUC_REPORT), in the order it sends them. */
const REPORTED = [
  'application_name',
  'client_encoding',
  'DateStyle',
  'default_transaction_read_only',
  'in_hot_standby',
  'integer_datetimes',
  'IntervalStyle',
  'is_superuser',
  'server_encoding',
  'server_version',
  'session_authorization',
  'standard_conforming_strings',
  'TimeZone',
] as const;

/** PostgreSQL's authentication_timeout default (1 min). */
const AUTHENTICATION_TIMEOUT_MS = 60_000;

/** Reported GUCs no session can change. */
const FIXED = new Set(['in_hot_standby', 'integer_datetimes', 'server_encoding', 'server_version']);

/** Ends the message loop (Terminate, EOF, a fatal error already reported). */
class Disconnect extends Error {}

// ---- The extended-query contract (s5-contracts.md), implemented by the engine's Session.

interface PreparedStatement {
  readonly sql: string;
  readonly paramTypes: readonly number[];
  readonly fields: readonly FieldLike[];
  readonly empty: boolean;
}
interface FieldLike {
  readonly name: string;
  readonly tableID: number;
  readonly columnID: number;
  readonly dataTypeID: number;
  readonly dataTypeSize: number;
  readonly dataTypeModifier: number;
}
interface Portal {
  readonly fields: readonly FieldLike[];
  fetch(maxRows: number): Promise<{
    rows: unknown[][];
    done: boolean;
    command: string;
    rowCount: number | null;
    notices: readonly Notice[];
  }>;
  close(): void;
}
interface ExtendedSession {
  prepare(sql: string, paramTypes?: readonly number[]): Promise<PreparedStatement>;
  bind(statement: PreparedStatement, params: readonly unknown[], options?: object): Promise<Portal>;
}
/** The hooks of the notification / termination work (H6), when the engine has them. */
interface NotifySession {
  readonly secretKey?: number;
  onNotification?(
    listener: (n: { processId: number; channel: string; payload: string }) => void,
  ): void;
  onTerminate?(listener: (err: EngineError) => void): void;
  setClientInfo?(info: {
    clientAddr?: string;
    clientPort?: number;
    applicationName?: string;
    backendType?: string;
  }): void;
}
/** issue 10's session hunk: the extended protocol's implicit transaction until Sync. */
interface BatchSession {
  extendedBatch?(open: boolean): Promise<void>;
}

interface BoundPortal {
  readonly portal: Portal;
  readonly statement: PreparedStatement;
  readonly formats: readonly number[];
  /** Whether a COPY TO STDOUT is streaming for this portal. */
  started: boolean;
}

const HIGH_WATER = 256 * 1024;

/** An error (EngineError, ProtocolError, anything) as ErrorResponse fields. */
export function errorFields(err: unknown, fatal = false): ErrorFields {
  const e = err as Partial<EngineError> & Record<string, unknown>;
  const code = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : 'XX000';
  const message = err instanceof Error ? err.message : String(err);
  const str = (k: string) => (typeof e?.[k] === 'string' ? (e[k] as string) : undefined);
  const num = (k: string) => (typeof e?.[k] === 'number' ? (e[k] as number) : undefined);
  const severity =
    fatal || e?.severity === 'FATAL' ? 'FATAL' : e?.severity === 'PANIC' ? 'PANIC' : 'ERROR';
  return {
    severity,
    code,
    message,
    detail: str('detail'),
    hint: str('hint'),
    position: num('position'),
    internalPosition: num('internalPosition'),
    internalQuery: str('internalQuery'),
    where: str('context') ?? str('where'),
    schema: str('schema') ?? str('schemaName'),
    table: str('table') ?? str('tableName'),
    column: str('column') ?? str('columnName'),
    dataType: str('dataType') ?? str('dataTypeName'),
    constraint: str('constraint') ?? str('constraintName'),
  };
}

function engineError(code: string, message: string): Error & { code: string } {
  const e = new Error(message) as Error & { code: string };
  e.code = code;
  return e;
}

/** `options` of the startup packet: -c name=value / --name=value, backslash escapes a space. */
export function parseStartupOptions(text: string): [string, string][] {
  const words: string[] = [];
  let cur = '';
  let any = false;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k]!;
    if (ch === '\\' && k + 1 < text.length) {
      cur += text[++k];
      any = true;
    } else if (/\s/.test(ch)) {
      if (any) words.push(cur);
      cur = '';
      any = false;
    } else {
      cur += ch;
      any = true;
    }
  }
  if (any) words.push(cur);
  const out: [string, string][] = [];
  for (let k = 0; k < words.length; k++) {
    let w = words[k]!;
    if (w === '-c') {
      w = words[++k] ?? '';
    } else if (w.startsWith('-c')) {
      w = w.slice(2);
    } else if (w.startsWith('--')) {
      w = w.slice(2);
    } else {
      throw engineError('42601', `invalid command-line argument for server process: ${w}`);
    }
    const eq = w.indexOf('=');
    if (eq <= 0) {
      throw engineError('42601', `-c ${w} requires a value`);
    }
    out.push([w.slice(0, eq).replaceAll('-', '_'), w.slice(eq + 1)]);
  }
  return out;
}

export class Connection {
  #socket: Socket;
  readonly #host: ConnectionHost;
  readonly #reader = new MessageReader();
  readonly #out = new MessageWriter();
  /** 'local' (Unix socket) or 'host' (TCP). */
  readonly kind: 'local' | 'host';
  #ssl = false;
  #eof = false;
  #wake: (() => void) | undefined;
  #closed = false;
  session: Session | undefined;
  user = '';
  databaseName = '';
  /** The value of each reported GUC as the client last saw it. */
  readonly #reported = new Map<string, string>();
  readonly #statements = new Map<string, PreparedStatement>();
  readonly #portals = new Map<string, BoundPortal>();
  /** After an error in an extended-query message: skip to Sync. */
  #ignoreTillSync = false;
  #batchOpen = false;
  /** Waiting for the next message with nothing in progress (notifications go out at once). */
  #idle = false;
  readonly #pendingNotifications: { processId: number; channel: string; payload: string }[] = [];
  #terminated = false;
  /** Our BackendKeyData key when the engine has none. */
  secretKey = (Math.random() * 0x7fffffff) | 0;

  constructor(socket: Socket, host: ConnectionHost, kind: 'local' | 'host') {
    this.#socket = socket;
    this.#host = host;
    this.kind = kind;
    this.#attach(socket);
  }

  get processId(): number {
    return this.session?.processId ?? 0;
  }

  get ssl(): boolean {
    return this.#ssl;
  }

  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }

  /** issue 10 (H3): the server certificate (DER) of a TLS connection, for SCRAM-SHA-256-PLUS. */
  get tlsServerCertificate(): Uint8Array | undefined {
    if (!(this.#socket instanceof TLSSocket)) return undefined;
    const cert = this.#socket.getCertificate();
    return cert !== null && 'raw' in cert && cert.raw !== undefined ? cert.raw : undefined;
  }

  #attach(socket: Socket): void {
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => {
      this.#reader.push(chunk);
      if (this.#reader.buffered > 4 * 1024 * 1024) socket.pause();
      this.#notify();
    });
    socket.on('end', () => {
      this.#eof = true;
      this.#notify();
    });
    socket.on('close', () => {
      this.#eof = true;
      this.#notify();
    });
    socket.on('error', () => {
      this.#eof = true;
      this.#notify();
    });
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  async #wait(): Promise<void> {
    if (this.#eof) throw new Disconnect('EOF');
    this.#socket.resume();
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Writes what is buffered (one socket write) and waits while the socket's buffer is full. */
  async #flush(): Promise<void> {
    if (this.#out.length === 0) return;
    const bytes = this.#out.take();
    if (this.#closed || this.#socket.destroyed) return;
    const ok = this.#socket.write(bytes);
    if (!ok && !this.#socket.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#socket.off('drain', done);
          this.#socket.off('close', done);
          resolve();
        };
        this.#socket.on('drain', done);
        this.#socket.on('close', done);
      });
    }
  }

  async #maybeFlush(): Promise<void> {
    if (this.#out.length >= HIGH_WATER) await this.#flush();
  }

  /** The next typed message; flushes output first when none is waiting. */
  async #next(): Promise<FrontendMessage> {
    for (;;) {
      const raw = this.#reader.nextRaw();
      if (raw !== undefined) {
        // Parse, Bind, Describe, Execute, Close: an error in them skips to Sync
        this.#extendedMode = [0x50, 0x42, 0x44, 0x45, 0x43].includes(raw.type);
        return decodeMessage(raw.type, raw.body);
      }
      await this.#flush();
      await this.#wait();
    }
  }

  async #nextStartup(): Promise<StartupPacket> {
    for (;;) {
      const p = this.#reader.nextStartup();
      if (p !== undefined) return p;
      await this.#flush();
      await this.#wait();
    }
  }

  /** Runs the connection to its end; never throws. */
  async run(): Promise<void> {
    // authentication_timeout: a client that does not finish its startup in time is dropped
    const timer = setTimeout(() => {
      if (this.session === undefined) this.destroy();
    }, AUTHENTICATION_TIMEOUT_MS);
    timer.unref();
    try {
      const ok = await this.#startup();
      clearTimeout(timer);
      if (ok) await this.#loop();
    } catch (err) {
      if (!(err instanceof Disconnect)) {
        try {
          const fatal = !(err instanceof ProtocolError) || err.fatal;
          this.#out.errorOrNotice('E', errorFields(err, fatal));
          await this.#flush();
        } catch {
          // the socket is gone
        }
        // the postmaster log's line for a connection ended by an error (auth failures log themselves)
        const e = errorFields(err, true);
        if (!/^28/.test(e.code)) this.#host.log('FATAL', e.message);
      }
    } finally {
      await this.#end();
    }
  }

  /** Ends the connection: the session rolls back, the socket closes. */
  async #end(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      for (const p of this.#portals.values()) p.portal.close();
    } catch {
      // closing a portal of a session that ended
    }
    this.#portals.clear();
    try {
      this.session?.terminate();
    } catch (err) {
      this.#host.log('WARNING', `session end failed: ${String(err)}`);
    }
    this.#socket.end();
    const s = this.#socket;
    setTimeout(() => s.destroy(), 1000).unref();
    this.#host.release(this);
  }

  /** Sends an Authentication request ('R') and flushes it (the auth exchange's peer). */
  sendAuth(code: number, payload?: Uint8Array): void {
    this.#out.authentication(code, payload);
  }

  /** The body of the client's next PasswordMessage ('p'); anything else is a protocol violation. */
  async readPassword(): Promise<Uint8Array> {
    for (;;) {
      const raw = this.#reader.nextRaw();
      if (raw !== undefined) {
        if (raw.type !== 0x70) {
          throw new ProtocolError(`expected password response, got message type ${raw.type}`);
        }
        return raw.body;
      }
      await this.#flush();
      await this.#wait();
    }
  }

  /** fast shutdown / pg_terminate_backend: FATAL to the client, then close. */
  terminate(err: { code: string; message: string }): void {
    if (this.#closed || this.#terminated) return;
    this.#terminated = true;
    try {
      this.#out.errorOrNotice(
        'E',
        errorFields(Object.assign(new Error(err.message), { code: err.code }), true),
      );
      const bytes = this.#out.take();
      if (!this.#socket.destroyed) this.#socket.end(bytes);
    } catch {
      // gone already
    }
    try {
      this.session?.terminate();
    } catch {
      // ended already
    }
    this.#eof = true;
    this.#notify();
  }

  /** immediate shutdown: drop the socket. */
  destroy(): void {
    this.#socket.destroy();
    this.#eof = true;
    this.#notify();
  }

  // ------------------------------------------------------------ startup

  async #startup(): Promise<boolean> {
    let sslDone = false;
    let gssDone = false;
    let packet: StartupPacket;
    for (;;) {
      packet = await this.#nextStartup();
      if (packet.kind === 'ssl' && !sslDone) {
        sslDone = true;
        const tls = this.#host.tls;
        if (tls === undefined || this.kind === 'local') {
          this.#out.raw(0x4e);
          continue;
        }
        if (this.#reader.buffered > 0) {
          throw new ProtocolError('received unencrypted data after SSL request');
        }
        this.#out.raw(0x53);
        await this.#flush();
        await this.#startTls(tls);
        continue;
      }
      if (packet.kind === 'gssenc' && !gssDone) {
        gssDone = true;
        this.#out.raw(0x4e);
        continue;
      }
      if (packet.kind === 'ssl' || packet.kind === 'gssenc') {
        throw new ProtocolError(
          `unsupported frontend protocol ${packet.kind === 'ssl' ? '1234.5679' : '1234.5680'}: server supports 3.0 to 3.0`,
          '0A000',
        );
      }
      break;
    }
    if (packet.kind === 'cancel') {
      this.#host.cancel(packet.processId, packet.secretKey);
      return false;
    }
    if (packet.kind !== 'startup') return false;
    this.#reader.startupDone();
    const gucs: Record<string, string> = {};
    const unrecognized: string[] = [];
    let user = '';
    let database = '';
    for (const [name, value] of packet.params) {
      if (name === 'user') user = value;
      else if (name === 'database') database = value;
      else if (name === 'options') {
        for (const [n, v] of parseStartupOptions(value)) gucs[n] = v;
      } else if (name.startsWith('_pq_.')) unrecognized.push(name);
      else if (name === 'replication') {
        if (!/^(false|off|no|0)$/i.test(value)) {
          throw Object.assign(new Error('replication connections are not supported yet'), {
            code: '0A000',
          });
        }
      } else gucs[name] = value;
    }
    if (packet.minor > 0 || unrecognized.length > 0) {
      this.#out.negotiateProtocolVersion(0, unrecognized);
    }
    if (user === '') {
      throw Object.assign(new Error('no PostgreSQL user name specified in startup packet'), {
        code: '28000',
      });
    }
    if (database === '') database = user;
    this.user = user;
    this.databaseName = database;
    if (this.#host.shuttingDown) {
      throw Object.assign(new Error('the database system is shutting down'), { code: '57P03' });
    }
    if (!this.#host.admit(this)) {
      throw Object.assign(new Error('sorry, too many clients already'), { code: '53300' });
    }
    await this.#host.authenticate(this, user, database);
    const session = await this.#host.database.connect({ user, database, options: gucs });
    this.session = session;
    const ns = session as unknown as NotifySession;
    if (typeof ns.secretKey === 'number') this.secretKey = ns.secretKey;
    ns.setClientInfo?.({
      ...(this.kind === 'host' && this.#socket.remoteAddress !== undefined
        ? { clientAddr: this.#socket.remoteAddress.replace(/^::ffff:/, '') }
        : {}),
      ...(this.kind === 'host' && this.#socket.remotePort !== undefined
        ? { clientPort: this.#socket.remotePort }
        : { clientPort: -1 }),
      applicationName: gucs.application_name ?? '',
      backendType: 'client backend',
    });
    ns.onNotification?.((n) => {
      this.#pendingNotifications.push(n);
      if (this.#idle) this.#deliverNotifications().catch(() => {});
    });
    ns.onTerminate?.((err) => this.terminate(err));
    this.#out.authentication(0);
    for (const name of REPORTED) {
      const value = this.#reportedValue(name);
      this.#reported.set(name, value);
      this.#out.parameterStatus(name, value);
    }
    this.#out.backendKeyData(session.processId, this.secretKey);
    this.#out.readyForQuery(session.transactionStatus);
    return true;
  }

  async #startTls(tls: { cert: Buffer; key: Buffer }): Promise<void> {
    const plain = this.#socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('end');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = new TLSSocket(plain, { isServer: true, cert: tls.cert, key: tls.key });
    this.#socket = secure;
    this.#ssl = true;
    this.#attach(secure);
    plain.on('error', () => {
      this.#eof = true;
      this.#notify();
    });
  }

  /** A reported GUC's value as the client sees it. */
  #reportedValue(name: string): string {
    const s = this.session;
    switch (name) {
      case 'server_version':
        return `${this.#setting('server_version', '15.0')} (pg-ts)`;
      case 'session_authorization': {
        const v = this.#setting(name, '');
        return v === '' ? this.user : v;
      }
      case 'in_hot_standby':
        return 'off'; // no standby mode
      case 'integer_datetimes':
      case 'standard_conforming_strings':
        return this.#setting(name, 'on');
      case 'server_encoding':
      case 'client_encoding':
        return this.#setting(name, 'UTF8');
      default:
        return s === undefined ? '' : this.#setting(name, '');
    }
  }

  #setting(name: string, fallback: string): string {
    try {
      return this.session?.setting(name) ?? fallback;
    } catch {
      return fallback;
    }
  }

  /** ParameterStatus for each reported GUC whose value changed (SET, RESET, a rollback). */
  #reportChanges(): void {
    for (const name of REPORTED) {
      if (FIXED.has(name)) continue;
      const value = this.#reportedValue(name);
      if (this.#reported.get(name) !== value) {
        this.#reported.set(name, value);
        this.#out.parameterStatus(name, value);
      }
    }
  }

  async #deliverNotifications(): Promise<void> {
    if (this.#pendingNotifications.length === 0 || this.#closed) return;
    for (const n of this.#pendingNotifications.splice(0)) {
      this.#out.notification(n.processId, n.channel, n.payload);
    }
    if (this.#idle) await this.#flush();
  }

  #readyForQuery(): void {
    this.#reportChanges();
    for (const n of this.#pendingNotifications.splice(0)) {
      this.#out.notification(n.processId, n.channel, n.payload);
    }
    this.#out.readyForQuery(this.session?.transactionStatus ?? 'I');
  }

  // ------------------------------------------------------------ message loop

  async #loop(): Promise<void> {
    for (;;) {
      this.#idle = true;
      let msg: FrontendMessage;
      try {
        if (this.#pendingNotifications.length > 0) await this.#deliverNotifications();
        msg = await this.#next();
      } catch (err) {
        if (err instanceof ProtocolError && !err.fatal) {
          // a bad string in an intact message: an ERROR, and the stream goes on
          await this.#reportError(err, this.#extendedMode);
          if (!this.#extendedMode) this.#readyForQuery();
          continue;
        }
        throw err;
      } finally {
        this.#idle = false;
      }
      if (this.#terminated) throw new Disconnect('terminated');
      if (this.#ignoreTillSync && msg.type !== 'Sync') continue;
      switch (msg.type) {
        case 'Query':
          await this.#simpleQuery(msg.sql);
          break;
        case 'Parse':
        case 'Bind':
        case 'Describe':
        case 'Execute':
        case 'Close':
          try {
            await this.#extended(msg);
          } catch (err) {
            if (err instanceof Disconnect) throw err;
            await this.#reportError(err, true);
          }
          break;
        case 'Sync':
          this.#ignoreTillSync = false;
          await this.#sync();
          break;
        case 'Flush':
          await this.#flush();
          break;
        case 'Terminate':
          throw new Disconnect('Terminate');
        case 'CopyData':
        case 'CopyDone':
        case 'CopyFail':
          // a COPY that failed: the client is still sending its data (PostgreSQL ignores it)
          break;
        case 'FunctionCall':
          await this.#reportError(
            engineError('0A000', 'the fastpath function call interface is not supported yet'),
            false,
          );
          this.#readyForQuery();
          break;
        case 'Password':
          throw new ProtocolError(`invalid frontend message type ${'p'.charCodeAt(0)}`);
      }
    }
  }

  /** Whether the message being handled is part of the extended protocol (an error then skips to Sync). */
  #extendedMode = false;

  async #reportError(err: unknown, extended: boolean): Promise<void> {
    if (err instanceof Disconnect) throw err;
    if (err instanceof ProtocolError && err.fatal) throw err;
    this.#out.errorOrNotice('E', errorFields(err));
    if (extended) this.#ignoreTillSync = true;
    const f = errorFields(err);
    if (f.code === 'XX000') this.#host.log('ERROR', `${f.message}`);
  }

  #notices(list: readonly Notice[]): void {
    for (const n of list) {
      this.#out.errorOrNotice('N', {
        severity: n.severity,
        code: n.code,
        message: n.message,
        detail: n.detail,
        hint: n.hint,
        where: (n as { context?: string }).context,
      });
    }
  }

  // ------------------------------------------------------------ simple query

  async #simpleQuery(sql: string): Promise<void> {
    const session = this.#session();
    if (this.#batchOpen) await this.#endBatch();
    let count = 0;
    let copyOut = false;
    try {
      await session.execute(sql, [], {
        rowMode: 'array',
        implicitTransaction: true,
        onResult: async (r: QueryResult<unknown>) => {
          count++;
          this.#notices(r.notices);
          if (copyOut) {
            copyOut = false;
            this.#out.copyDone();
          } else if (r.fields.length > 0 || /^SELECT\b/.test(r.command)) {
            this.#rowDescription(r.fields, []);
            await this.#dataRows(r.fields, r.rows as unknown[][], []);
          }
          this.#out.commandComplete(r.command);
          await this.#maybeFlush();
        },
        onCopyStart: async (start) => {
          if (start.direction === 'in') {
            this.#out.copyInResponse(start.columns);
            await this.#flush();
          } else {
            copyOut = true;
            this.#out.copyOutResponse(start.columns);
          }
        },
        copyIn: this.#copySource(),
        copyOut: async (chunk: string) => {
          this.#out.copyData(chunk);
          await this.#maybeFlush();
        },
      });
      if (count === 0) this.#out.emptyQueryResponse();
    } catch (err) {
      await this.#reportError(err, false);
    }
    this.#readyForQuery();
  }

  #session(): Session {
    if (this.session === undefined) throw new ProtocolError('no session');
    return this.session;
  }

  /** COPY FROM STDIN's data: CopyData messages until CopyDone (CopyFail: 57014). */
  #copySource(): AsyncIterable<Uint8Array> {
    return {
      [Symbol.asyncIterator]: () => {
        let done = false;
        return {
          next: async (): Promise<IteratorResult<Uint8Array>> => {
            while (!done) {
              const m = await this.#next();
              switch (m.type) {
                case 'CopyData':
                  return { value: m.data, done: false };
                case 'CopyDone':
                  done = true;
                  break;
                case 'CopyFail':
                  done = true;
                  throw engineError('57014', `COPY from stdin failed: ${m.message}`);
                case 'Flush':
                case 'Sync':
                  break; // PostgreSQL ignores them during COPY
                case 'Terminate':
                  throw new Disconnect('Terminate');
                default:
                  done = true;
                  throw engineError(
                    '08P01',
                    `unexpected message type 0x${typeCode(m.type).toString(16).toUpperCase()} during COPY from stdin`,
                  );
              }
            }
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  #rowDescription(fields: readonly FieldLike[], formats: readonly number[]): void {
    const info: FieldInfo[] = fields.map((f, k) => ({
      name: f.name,
      tableID: f.tableID,
      columnID: f.columnID,
      dataTypeID: f.dataTypeID,
      dataTypeSize: f.dataTypeSize,
      dataTypeModifier: f.dataTypeModifier,
      format: formatOf(formats, k),
    }));
    this.#out.rowDescription(info);
  }

  async #dataRows(
    fields: readonly FieldLike[],
    rows: readonly (readonly unknown[])[],
    formats: readonly number[],
  ): Promise<void> {
    const session = this.#session();
    const oids = fields.map((f) => f.dataTypeID);
    const binary = formats.some((f) => f === 1);
    const cells: (Uint8Array | string | null)[] = new Array(oids.length);
    for (const row of rows) {
      for (let k = 0; k < oids.length; k++) {
        cells[k] = encodeValue(session, row[k], oids[k]!, binary ? formatOf(formats, k) : 0);
      }
      this.#out.dataRow(cells);
      if (this.#out.length >= HIGH_WATER) await this.#flush();
    }
  }

  // ------------------------------------------------------------ extended query

  #ext(): ExtendedSession {
    const s = this.#session() as unknown as Partial<ExtendedSession>;
    if (typeof s.prepare !== 'function' || typeof s.bind !== 'function') {
      throw engineError('0A000', 'the extended query protocol is not supported yet');
    }
    return s as ExtendedSession;
  }

  async #beginBatch(): Promise<void> {
    if (this.#batchOpen) return;
    this.#batchOpen = true;
    await (this.#session() as unknown as BatchSession).extendedBatch?.(true);
  }

  async #endBatch(): Promise<void> {
    if (!this.#batchOpen) return;
    this.#batchOpen = false;
    await (this.#session() as unknown as BatchSession).extendedBatch?.(false);
  }

  async #sync(): Promise<void> {
    try {
      await this.#endBatch();
    } catch (err) {
      await this.#reportError(err, false);
    }
    // portals live until their transaction ends
    if (this.session?.transactionStatus === 'I') {
      for (const p of this.#portals.values()) p.portal.close();
      this.#portals.clear();
    }
    this.#readyForQuery();
    await this.#flush();
  }

  async #extended(msg: FrontendMessage): Promise<void> {
    switch (msg.type) {
      case 'Parse': {
        const ext = this.#ext();
        if (msg.name !== '' && this.#statements.has(msg.name)) {
          throw engineError('42P05', `prepared statement "${msg.name}" already exists`);
        }
        await this.#beginBatch();
        const stmt = await ext.prepare(msg.sql, msg.paramTypes);
        this.#statements.set(msg.name, stmt);
        this.#out.parseComplete();
        return;
      }
      case 'Bind': {
        const ext = this.#ext();
        const stmt = this.#statements.get(msg.statement);
        if (stmt === undefined) {
          throw engineError(
            '26000',
            msg.statement === ''
              ? 'unnamed prepared statement does not exist'
              : `prepared statement "${msg.statement}" does not exist`,
          );
        }
        if (msg.portal !== '' && this.#portals.has(msg.portal)) {
          throw engineError('42P03', `cursor "${msg.portal}" already exists`);
        }
        const nf = msg.paramFormats.length;
        const np = msg.params.length;
        if (nf > 1 && nf !== np) {
          throw engineError(
            '08P01',
            `bind message has ${nf} parameter formats but ${np} parameters`,
          );
        }
        if (np !== stmt.paramTypes.length) {
          throw engineError(
            '08P01',
            `bind message supplies ${np} parameters, but prepared statement "${msg.statement}" requires ${stmt.paramTypes.length}`,
          );
        }
        for (const f of [...msg.paramFormats, ...msg.resultFormats]) {
          if (f !== 0 && f !== 1) throw engineError('22023', `unsupported format code: ${f}`);
        }
        const nr = msg.resultFormats.length;
        if (nr > 1 && nr !== stmt.fields.length) {
          throw engineError(
            '08P01',
            `bind message has ${nr} result formats but query has ${stmt.fields.length} columns`,
          );
        }
        const session = this.#session();
        const params = msg.params.map((bytes, k) =>
          decodeParam(
            session,
            bytes,
            stmt.paramTypes[k] ?? 0,
            formatOf(msg.paramFormats, k),
            k + 1,
          ),
        );
        await this.#beginBatch();
        const old = this.#portals.get(msg.portal);
        if (old !== undefined) {
          old.portal.close();
          this.#portals.delete(msg.portal);
        }
        const bound: BoundPortal = {
          portal: undefined as unknown as Portal,
          statement: stmt,
          formats: msg.resultFormats,
          started: false,
        };
        const portal = await ext.bind(stmt, params, {
          copyIn: this.#copySource(),
          copyOut: async (chunk: string) => {
            this.#out.copyData(chunk);
            await this.#maybeFlush();
          },
          onCopyStart: async (start: { direction: 'in' | 'out'; columns: number }) => {
            if (start.direction === 'in') {
              this.#out.copyInResponse(start.columns);
              await this.#flush();
            } else {
              bound.started = true;
              this.#out.copyOutResponse(start.columns);
            }
          },
        });
        this.#portals.set(msg.portal, { ...bound, portal });
        this.#out.bindComplete();
        return;
      }
      case 'Describe': {
        if (msg.kind === 'S') {
          const stmt = this.#statements.get(msg.name);
          if (stmt === undefined) {
            throw engineError(
              '26000',
              msg.name === ''
                ? 'unnamed prepared statement does not exist'
                : `prepared statement "${msg.name}" does not exist`,
            );
          }
          this.#out.parameterDescription(stmt.paramTypes);
          if (stmt.fields.length > 0) this.#rowDescription(stmt.fields, []);
          else this.#out.noData();
          return;
        }
        const p = this.#portals.get(msg.name);
        if (p === undefined) {
          throw engineError('34000', `portal "${msg.name}" does not exist`);
        }
        if (p.portal.fields.length > 0) this.#rowDescription(p.portal.fields, p.formats);
        else this.#out.noData();
        return;
      }
      case 'Execute': {
        const p = this.#portals.get(msg.portal);
        if (p === undefined) {
          throw engineError('34000', `portal "${msg.portal}" does not exist`);
        }
        if (p.statement.empty) {
          this.#out.emptyQueryResponse();
          return;
        }
        const r = await p.portal.fetch(msg.maxRows);
        this.#notices(r.notices);
        if (p.started) {
          p.started = false;
          this.#out.copyDone();
        }
        await this.#dataRows(p.portal.fields, r.rows, p.formats);
        if (r.done) this.#out.commandComplete(r.command);
        else this.#out.portalSuspended();
        return;
      }
      case 'Close': {
        if (msg.kind === 'S') this.#statements.delete(msg.name);
        else {
          const p = this.#portals.get(msg.name);
          p?.portal.close();
          this.#portals.delete(msg.name);
        }
        this.#out.closeComplete();
        return;
      }
      default:
        return;
    }
  }
}

function formatOf(formats: readonly number[], k: number): 0 | 1 {
  const f = formats.length === 1 ? formats[0] : formats[k];
  return f === 1 ? 1 : 0;
}

function typeCode(type: FrontendMessage['type']): number {
  const codes: Record<FrontendMessage['type'], string> = {
    Query: 'Q',
    Parse: 'P',
    Bind: 'B',
    Describe: 'D',
    Execute: 'E',
    Close: 'C',
    Sync: 'S',
    Flush: 'H',
    Terminate: 'X',
    CopyData: 'd',
    CopyDone: 'c',
    CopyFail: 'f',
    Password: 'p',
    FunctionCall: 'F',
  };
  return codes[type].charCodeAt(0);
}
