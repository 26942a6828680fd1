import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Client, type ClientConfig, escapeIdentifier, type QueryResult } from 'pg';
import { errorMessage, findPostgresBinDir } from './bin-dir.js';
import { guardPostmaster, releasePostmaster } from './orphan-guard.js';
import { findFreePort } from './port.js';
import { assertReachable, chownRecursive, type RunAs, resolveRunAs } from './run-as.js';
import type { ReferencePostgres, ReferencePostgresOptions } from './types.js';

const HOST = '127.0.0.1';
const USER = 'postgres';
const DATABASE = 'postgres';
const START_ATTEMPTS = 5;
const READY_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 100;
const STOP_TIMEOUT_MS = 10_000;
const CLIENT_END_TIMEOUT_MS = 5_000;
const INITDB_TIMEOUT_MS = 120_000;
const LOG_TAIL_CHARS = 8_000;
/** sun_path is 108 bytes on Linux (104 on some BSDs); stay safely below. */
const MAX_SOCKET_PATH = 100;

const BASE_SETTINGS: Readonly<Record<string, string>> = {
  fsync: 'off',
  autovacuum: 'off',
  shared_buffers: '16MB',
  max_connections: '20',
};

/** Options shared by every child process: who it runs as, where, with which environment. */
interface ProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

type ExitInfo =
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'error'; error: Error };

function describeExit(info: ExitInfo): string {
  if (info.kind === 'error') return `failed to run: ${info.error.message}`;
  return info.signal !== null ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves true if `promise` settles within `ms`, false otherwise (never rejects). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= LOG_TAIL_CHARS ? trimmed : `...${trimmed.slice(-LOG_TAIL_CHARS)}`;
}

async function readLog(path: string): Promise<string> {
  try {
    return tail(await readFile(path, 'utf8'));
  } catch (err) {
    return `(could not read ${path}: ${errorMessage(err)})`;
  }
}

function runInitdb(
  binDir: string,
  dataDir: string,
  dataChecksums: boolean,
  processOptions: ProcessOptions,
  locale = 'C',
): Promise<void> {
  const args = [
    '-D',
    dataDir,
    '-U',
    USER,
    '--auth=trust',
    '-E',
    'UTF8',
    `--locale=${locale}`,
    '--no-sync',
  ];
  if (dataChecksums) args.push('--data-checksums');
  return new Promise((resolvePromise, reject) => {
    execFile(
      join(binDir, 'initdb'),
      args,
      {
        ...processOptions,
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
        timeout: INITDB_TIMEOUT_MS,
      },
      (err, stdout, stderr) => {
        if (err === null) {
          resolvePromise();
          return;
        }
        const output = [
          `stderr:\n${tail(stderr) || '(empty)'}`,
          stdout.trim() === '' ? '' : `stdout:\n${tail(stdout)}`,
        ]
          .filter((s) => s !== '')
          .join('\n');
        reject(
          new Error(`@pg/pg-reference: initdb failed (${err.message.split('\n')[0]})\n${output}`),
        );
      },
    );
  });
}

interface Postmaster {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly exited: Promise<ExitInfo>;
}

function isPortInUse(log: string): boolean {
  return /Address already in use|could not bind IPv4 address|could not create any TCP\/IP sockets/i.test(
    log,
  );
}

class PortInUseError extends Error {}

/** Resolves once a connection succeeds; rejects (with the server log) if the postmaster exits. */
async function waitUntilReady(
  postmaster: Postmaster,
  dataDir: string,
  logPath: string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exitInfo: ExitInfo | undefined;
  void postmaster.exited.then((info) => {
    exitInfo = info;
  });
  let lastError = 'no connection attempt finished';
  for (;;) {
    const client = new Client({ ...clientConfig(postmaster.port), connectionTimeoutMillis: 2_000 });
    client.on('error', () => {});
    // `undefined` = ready; a string = why not yet. Checking the data directory makes sure the
    // answer comes from our postmaster, not from another server that took the port meanwhile.
    const attempt = client
      .connect()
      .then(() => client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir"))
      .then(
        ({ rows }) =>
          rows[0]?.dir === dataDir
            ? undefined
            : `a different server (data directory ${rows[0]?.dir}) answered on the port`,
        (err: unknown) => errorMessage(err),
      );
    const outcome = await Promise.race([attempt, postmaster.exited]);
    void settlesWithin(client.end(), CLIENT_END_TIMEOUT_MS);
    if (outcome === undefined) return;
    if (typeof outcome === 'string') lastError = outcome;
    if (exitInfo !== undefined || typeof outcome === 'object') {
      const info = exitInfo ?? (outcome as ExitInfo);
      const log = await readLog(logPath);
      if (isPortInUse(log)) throw new PortInUseError(log);
      throw new Error(
        `@pg/pg-reference: postgres ${describeExit(info)} during startup on port ${postmaster.port}. Server log:\n${log || '(empty)'}`,
      );
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `@pg/pg-reference: postgres did not accept connections on ${HOST}:${postmaster.port} within ${
          READY_TIMEOUT_MS / 1000
        } s (last error: ${lastError}). Server log:\n${(await readLog(logPath)) || '(empty)'}`,
      );
    }
    await delay(POLL_INTERVAL_MS);
  }
}

function spawnPostmaster(
  binDir: string,
  dataDir: string,
  port: number,
  settings: Readonly<Record<string, string>>,
  logPath: string,
  tempDir: string,
  processOptions: ProcessOptions,
): Postmaster {
  const args = ['-D', dataDir, '-p', String(port)];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const logFd = openSync(logPath, 'w', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(join(binDir, 'postgres'), args, {
      ...processOptions,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise<ExitInfo>((resolvePromise) => {
    child.once('exit', (code, signal) => resolvePromise({ kind: 'exit', code, signal }));
    child.once('error', (error) => resolvePromise({ kind: 'error', error }));
  });
  const { pid } = child;
  if (pid !== undefined) guardPostmaster(pid, tempDir);
  return { child, pid: pid ?? -1, port, exited };
}

async function killAndWait(postmaster: Postmaster): Promise<void> {
  if (postmaster.pid > 0) {
    try {
      process.kill(postmaster.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await postmaster.exited;
  releasePostmaster(postmaster.pid);
}

async function startPostmaster(
  binDir: string,
  dataDir: string,
  settings: Readonly<Record<string, string>>,
  tempDir: string,
  processOptions: ProcessOptions,
): Promise<Postmaster> {
  const logPath = join(tempDir, 'postmaster.log');
  let lastLog = '';
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = await findFreePort();
    const postmaster = spawnPostmaster(
      binDir,
      dataDir,
      port,
      settings,
      logPath,
      tempDir,
      processOptions,
    );
    try {
      await waitUntilReady(postmaster, dataDir, logPath);
      return postmaster;
    } catch (err) {
      await killAndWait(postmaster);
      if (!(err instanceof PortInUseError)) throw err;
      lastLog = err.message;
    }
  }
  throw new Error(
    `@pg/pg-reference: postgres could not bind a free port in ${START_ATTEMPTS} attempts. Last server log:\n${lastLog}`,
  );
}

function clientConfig(port: number): ClientConfig {
  return { host: HOST, port, user: USER, database: DATABASE };
}

class ReferencePostgresServer implements ReferencePostgres {
  readonly host = HOST;
  readonly user = USER;
  readonly database = DATABASE;
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  readonly connectionString: string;
  #version = '';
  readonly #postmaster: Postmaster;
  readonly #tempDir: string;
  #shared: Promise<Client> | undefined;
  readonly #clients = new Set<Client>();
  #stopping: Promise<void> | undefined;

  constructor(postmaster: Postmaster, dataDir: string, tempDir: string) {
    this.#postmaster = postmaster;
    this.port = postmaster.port;
    this.pid = postmaster.pid;
    this.dataDir = dataDir;
    this.#tempDir = tempDir;
    this.connectionString = `postgresql://${USER}@${HOST}:${postmaster.port}/${DATABASE}`;
  }

  get version(): string {
    return this.#version;
  }

  /** Creates the requested extensions and reads the server version. */
  async init(extensions: readonly string[]): Promise<void> {
    for (const name of extensions) {
      try {
        await this.query(`CREATE EXTENSION IF NOT EXISTS ${escapeIdentifier(name)}`);
      } catch (err) {
        throw new Error(
          `@pg/pg-reference: could not create extension ${JSON.stringify(name)}: ${errorMessage(err)}`,
          { cause: err },
        );
      }
    }
    const rows = await this.query<{ server_version: string }>('SHOW server_version');
    this.#version = rows[0]?.server_version ?? '';
  }

  #assertRunning(): void {
    if (this.#stopping !== undefined) {
      throw new Error(`@pg/pg-reference: the server on port ${this.port} has been stopped`);
    }
  }

  #sharedClient(): Promise<Client> {
    if (this.#shared === undefined) {
      const client = new Client(clientConfig(this.port));
      const connected = client.connect().then(() => client);
      const forget = (): void => {
        if (this.#shared === connected) this.#shared = undefined;
      };
      // A broken shared connection is replaced on the next query instead of crashing the process.
      client.on('error', forget);
      client.on('end', forget);
      connected.catch(forget);
      this.#shared = connected;
    }
    return this.#shared;
  }

  async query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<R[]> {
    this.#assertRunning();
    const client = await this.#sharedClient();
    // A string of several statements (simple protocol) yields one result per statement.
    const result: QueryResult<R> | QueryResult<R>[] = await client.query<R>(sql, params);
    return Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows;
  }

  async connect(): Promise<Client> {
    this.#assertRunning();
    const client = new Client(clientConfig(this.port));
    await client.connect();
    this.#clients.add(client);
    client.once('end', () => this.#clients.delete(client));
    return client;
  }

  async readDataFile(relativePath: string): Promise<Uint8Array> {
    if (relativePath === '' || isAbsolute(relativePath)) {
      throw new Error(
        `@pg/pg-reference: readDataFile needs a path relative to the data directory, got ${JSON.stringify(relativePath)}`,
      );
    }
    const full = resolve(this.dataDir, relativePath);
    const rel = relative(this.dataDir, full);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new Error(
        `@pg/pg-reference: readDataFile path ${JSON.stringify(relativePath)} leaves the data directory`,
      );
    }
    const bytes = await readFile(full);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const shared = this.#shared;
    this.#shared = undefined;
    const clients: Promise<Client>[] = [...this.#clients].map((c) => Promise.resolve(c));
    if (shared !== undefined) clients.push(shared);
    this.#clients.clear();
    await Promise.all(
      clients.map(async (pending) => {
        try {
          const client = await pending;
          // The shutdown may still reach a client that does not end in time: never crash on it.
          client.on('error', () => {});
          await settlesWithin(client.end(), CLIENT_END_TIMEOUT_MS);
        } catch {
          // never connected
        }
      }),
    );

    const { child, exited } = this.#postmaster;
    child.ref(); // keep the event loop alive until the exit is observed
    try {
      process.kill(this.pid, 'SIGINT'); // fast shutdown
    } catch {
      // already gone
    }
    if (!(await settlesWithin(exited, STOP_TIMEOUT_MS))) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    }
    releasePostmaster(this.pid);
    await rm(this.#tempDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

export async function startReferencePostgres(
  options: ReferencePostgresOptions = {},
): Promise<ReferencePostgres> {
  const binDir = findPostgresBinDir();
  const runAs: RunAs | undefined = resolveRunAs();
  const tempDir = await mkdtemp(join(tmpdir(), 'pg-reference-'));
  const dataDir = join(tempDir, 'data');
  const processOptions: ProcessOptions = {
    cwd: tempDir,
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
  };
  if (runAs !== undefined) {
    processOptions.uid = runAs.uid;
    processOptions.gid = runAs.gid;
  }

  const socketDir = `${dataDir}/.s.PGSQL.65535`.length <= MAX_SOCKET_PATH ? dataDir : '';
  const settings: Record<string, string> = {
    listen_addresses: HOST,
    unix_socket_directories: socketDir,
    ...BASE_SETTINGS,
    ...options.settings,
  };

  let postmaster: Postmaster;
  try {
    await mkdir(dataDir, { mode: 0o700 });
    if (runAs !== undefined) {
      await assertReachable(tempDir, runAs);
      await chownRecursive(tempDir, runAs.uid, runAs.gid);
    }
    await runInitdb(binDir, dataDir, options.dataChecksums ?? true, processOptions, options.locale);
    postmaster = await startPostmaster(binDir, dataDir, settings, tempDir, processOptions);
  } catch (err) {
    await rm(tempDir, { recursive: true, force: true, maxRetries: 3 });
    throw err;
  }

  postmaster.child.unref(); // the 'exit' handler, not this handle, ends a forgotten server
  const server = new ReferencePostgresServer(postmaster, dataDir, tempDir);
  try {
    await server.init(options.extensions ?? ['pageinspect']);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
