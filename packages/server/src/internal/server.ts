/**
 * The postmaster's part: listening sockets (TCP on listen_addresses, Unix
 * sockets .s.PGSQL.<port> in unix_socket_directories), max_connections,
 * pg_hba.conf, CancelRequest routing and shutdown modes. Each accepted
 * socket becomes a Connection (connection.ts).
 */
import { chmodSync, existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server as NetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Database } from '@pg/engine';
import {
  AuthFailure,
  authenticate,
  DEFAULT_HBA,
  type HbaRules,
  loadHba,
  type RoleAuth,
} from './auth/index.js';
import { Connection, type ConnectionHost } from './connection.js';

export interface ServerOptions {
  /** An open engine instance (Database.open(...)); the server does not close it. */
  readonly database: Database;
  /** Where pg_hba.conf is read from when `hba` is not given (the data directory). */
  readonly dataDir?: string;
  /** TCP port (default 5432); 0 picks a free one (see server.port). Also names the Unix socket .s.PGSQL.<port>. */
  readonly port?: number;
  /** listen_addresses: host names or IPs (default ['localhost']); [] listens on no TCP address; '*' = all. */
  readonly listenAddresses?: readonly string[];
  /** unix_socket_directories (default []): a socket file .s.PGSQL.<port> (and its .lock) in each. */
  readonly unixSocketDirectories?: readonly string[];
  /** max_connections (default 100): one more is refused with FATAL 53300 "sorry, too many clients already". */
  readonly maxConnections?: number;
  /** pg_hba.conf's text; when absent, dataDir/pg_hba.conf; when that is absent too, trust for all local and loopback connections. */
  readonly hba?: string;
  /** TLS (ssl = on): PEM paths. Without it SSLRequest is answered 'N'. */
  readonly ssl?: { readonly certFile: string; readonly keyFile: string };
  /** Log lines, PostgreSQL's severities ('LOG', 'WARNING', 'FATAL', ...); the binary prefixes time and pid. */
  readonly log?: (severity: string, message: string) => void;
}

/** The engine's role look-up (pg_authid), when it has one. */
interface RoleLookup {
  roleAuth?(name: string): RoleAuth | undefined;
  cancelBackend?(processId: number, secretKey: number): void;
}

export class Server {
  readonly #options: ServerOptions;
  readonly #listeners: NetServer[] = [];
  readonly #socketFiles: string[] = [];
  readonly #connections = new Set<Connection>();
  /** Every connection, admitted or still in its startup. */
  readonly #all = new Set<Connection>();
  /** Sockets accepted and not yet ended (before and after their startup). */
  readonly #sockets = new Set<Socket>();
  readonly #hba: HbaRules;
  readonly #tls: { cert: Buffer; key: Buffer } | undefined;
  #port = 0;
  #shuttingDown = false;
  #closed: Promise<void> | undefined;
  readonly #running = new Set<Promise<void>>();

  private constructor(options: ServerOptions) {
    this.#options = options;
    let text = options.hba;
    let fileName = 'pg_hba.conf';
    if (text === undefined && options.dataDir !== undefined) {
      const path = join(options.dataDir, 'pg_hba.conf');
      if (existsSync(path)) {
        text = readFileSync(path, 'utf8');
        fileName = path;
      }
    }
    this.#hba = loadHba(text ?? DEFAULT_HBA, { fileName, ssl: options.ssl !== undefined });
    // issue 10 (H3): lines that can never match are logged, as PostgreSQL does
    for (const w of this.#hba.warnings) {
      this.#log('LOG', w.message);
      this.#log('HINT', w.hint);
      this.#log('CONTEXT', w.context);
    }
    this.#tls =
      options.ssl === undefined
        ? undefined
        : { cert: readFileSync(options.ssl.certFile), key: readFileSync(options.ssl.keyFile) };
  }

  /** Starts listening; resolves once every socket is bound. */
  static async start(options: ServerOptions): Promise<Server> {
    const server = new Server(options);
    try {
      await server.#listen();
    } catch (err) {
      await server.close('immediate');
      throw err;
    }
    return server;
  }

  /** The TCP port actually bound. */
  get port(): number {
    return this.#port;
  }

  /** Connected clients right now. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  #log(severity: string, message: string): void {
    this.#options.log?.(severity, message);
  }

  async #listen(): Promise<void> {
    let port = this.#options.port ?? 5432;
    const addresses = this.#options.listenAddresses ?? ['localhost'];
    const hosts: string[] = [];
    for (const a of addresses) {
      if (a === '*') hosts.push('::', '0.0.0.0');
      else if (a === 'localhost') hosts.push('127.0.0.1', '::1');
      else hosts.push(a);
    }
    let bound = 0;
    let lastError: unknown;
    for (const host of hosts) {
      try {
        const srv = await this.#bind({ host, port, ipv6Only: host === '::' });
        const addr = srv.address();
        if (typeof addr === 'object' && addr !== null) port = addr.port;
        this.#log(
          'LOG',
          `listening on ${host.includes(':') ? 'IPv6' : 'IPv4'} address "${host}", port ${port}`,
        );
        bound++;
      } catch (err) {
        lastError = err;
        const code = (err as NodeJS.ErrnoException).code;
        // ::1 or :: on a machine without IPv6, or 0.0.0.0 after :: took both
        if (
          code === 'EADDRNOTAVAIL' ||
          code === 'EAFNOSUPPORT' ||
          (code === 'EADDRINUSE' && host === '0.0.0.0' && bound > 0)
        )
          continue;
        throw err;
      }
    }
    if (hosts.length > 0 && bound === 0) throw lastError;
    this.#port = port;
    for (const dir of this.#options.unixSocketDirectories ?? []) {
      const path = join(dir, `.s.PGSQL.${port}`);
      await removeStaleSocket(path);
      await this.#bind({ path });
      try {
        chmodSync(path, 0o777);
        writeFileSync(`${path}.lock`, `${process.pid}\n${dir}\n`);
      } catch {
        // the lock file is advisory
      }
      this.#socketFiles.push(path);
      this.#log('LOG', `listening on Unix socket "${path}"`);
    }
  }

  #bind(where: {
    host?: string;
    port?: number;
    ipv6Only?: boolean;
    path?: string;
  }): Promise<NetServer> {
    const local = where.path !== undefined;
    const srv = createServer({ noDelay: true, pauseOnConnect: false }, (socket) =>
      this.#accept(socket, local ? 'local' : 'host'),
    );
    return new Promise((resolve, reject) => {
      srv.once('error', reject);
      const done = () => {
        srv.off('error', reject);
        srv.on('error', (err) => this.#log('LOG', `listener error: ${String(err)}`));
        this.#listeners.push(srv);
        resolve(srv);
      };
      if (where.path !== undefined) srv.listen(where.path, done);
      else
        srv.listen({ host: where.host, port: where.port, ipv6Only: where.ipv6Only ?? false }, done);
    });
  }

  #accept(socket: Socket, kind: 'local' | 'host'): void {
    if (this.#shuttingDown) {
      socket.destroy();
      return;
    }
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    const db = this.#options.database as unknown as RoleLookup;
    const host: ConnectionHost = {
      database: this.#options.database,
      tls: this.#tls,
      shuttingDown: false,
      admit: (conn) => {
        if (this.#connections.size >= (this.#options.maxConnections ?? 100)) return false;
        this.#connections.add(conn);
        return true;
      },
      release: (conn) => {
        this.#connections.delete(conn);
      },
      cancel: (pid, key) => {
        if (typeof db.cancelBackend === 'function') {
          db.cancelBackend(pid, key);
          return;
        }
        // without the engine's cancel: nothing to do (PostgreSQL ignores a key that does not match)
      },
      authenticate: async (conn, user, database) => {
        const lookup = (name: string): RoleAuth | undefined =>
          typeof db.roleAuth === 'function'
            ? db.roleAuth.call(this.#options.database, name)
            : { canLogin: true, password: null };
        try {
          await authenticate(
            {
              kind: conn.kind,
              ssl: conn.ssl,
              ...(conn.kind === 'host' && conn.remoteAddress !== undefined
                ? { address: conn.remoteAddress }
                : {}),
              database,
              user,
              // issue 10 (H3): SCRAM-SHA-256-PLUS binds to this certificate
              ...(conn.tlsServerCertificate === undefined
                ? {}
                : { tlsServerCertificate: conn.tlsServerCertificate }),
              sendAuth: (code, payload) => conn.sendAuth(code, payload),
              readPassword: () => conn.readPassword(),
            },
            this.#hba,
            lookup,
          );
        } catch (err) {
          if (err instanceof AuthFailure) {
            this.#log('FATAL', err.message);
            throw Object.assign(new Error(err.message), {
              code: err.code,
              severity: 'FATAL',
              ...(err.detail === undefined ? {} : { detail: err.detail }),
            });
          }
          throw err;
        }
      },
      log: (severity, message) => this.#log(severity, message),
    };
    Object.defineProperty(host, 'shuttingDown', { get: () => this.#shuttingDown });
    const conn = new Connection(socket, host, kind);
    this.#all.add(conn);
    const run = conn
      .run()
      .finally(() => this.#all.delete(conn))
      .catch((err) => this.#log('LOG', `connection failed: ${String(err)}`));
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  /**
   * smart: stop accepting, wait for clients to leave; fast: terminate
   * sessions (FATAL 57P01), roll back; immediate: drop sockets. Does not
   * close the Database.
   */
  close(mode: 'smart' | 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    this.#shuttingDown = true;
    this.#closed = (async () => {
      const stopped = Promise.all(
        this.#listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))),
      );
      for (const path of this.#socketFiles) {
        try {
          unlinkSync(path);
          unlinkSync(`${path}.lock`);
        } catch {
          // already gone
        }
      }
      if (mode === 'fast') {
        for (const c of this.#all) {
          c.terminate({
            code: '57P01',
            message: 'terminating connection due to administrator command',
          });
        }
      }
      if (mode === 'immediate') {
        for (const c of this.#all) c.destroy();
      }
      // fast/immediate: a session stuck in the engine is not waited for past 10 s (its socket is gone)
      const limit = mode === 'smart' ? undefined : Date.now() + 10_000;
      while (this.#running.size > 0) {
        const left = limit === undefined ? undefined : limit - Date.now();
        if (left !== undefined && left <= 0) break;
        await Promise.race([
          Promise.all([...this.#running]),
          ...(left === undefined
            ? []
            : [new Promise((resolve) => setTimeout(resolve, left).unref())]),
        ]);
      }
      for (const s of this.#sockets) s.destroy();
      await stopped;
    })();
    return this.#closed;
  }
}

/** A socket file left by a server that is gone (nobody accepts on it) is removed; a live one is an error. */
async function removeStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const live = await new Promise<boolean>((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (live) {
    throw Object.assign(
      new Error(
        `could not create lock file "${path}.lock": another server might be running on socket "${path}"`,
      ),
      { code: 'F0001' },
    );
  }
  try {
    unlinkSync(path);
  } catch {
    // removed meanwhile
  }
}
