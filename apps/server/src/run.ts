/**
 * The server binary's work: open (and on first run create) a data
 * directory, listen with @pg/server, write postmaster.pid, log as
 * PostgreSQL does, and shut down in PostgreSQL's three modes.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Database, readControlData } from '@pg/engine';
import { Server } from '@pg/server';
import { parseBool, parseInteger, readDataDirConf, SERVER_SETTINGS, splitList } from './conf.js';
import { logLine, logTime } from './log.js';
import { type PostmasterPid, writePostmasterPid } from './pidfile.js';

export const VERSION = '0.0.0';

/** What the command line gives. */
export interface ServerArgs {
  readonly dataDir: string;
  /** -p */
  readonly port?: number;
  /** -k: unix_socket_directories */
  readonly socketDirectories?: string;
  /** -h: listen_addresses */
  readonly listenAddresses?: string;
  /** -c name=value, in order */
  readonly settings?: readonly (readonly [string, string])[];
}

export interface ServerIo {
  /** stderr: the log. */
  readonly err: (text: string) => unknown;
  /** stdout: the one-time "connect with psql" note. */
  readonly out: (text: string) => unknown;
}

export type StopMode = 'smart' | 'fast' | 'immediate';

export interface RunningServer {
  readonly port: number;
  readonly dataDir: string;
  /** Shuts down (a second, stronger request while stopping escalates, as in PostgreSQL). */
  stop(mode: StopMode): Promise<void>;
}

/** A startup failure: logged as FATAL, exit code 1. */
export class StartupError extends Error {}

/** The resolved postmaster settings. */
interface PostmasterSettings {
  port: number;
  listenAddresses: string[];
  socketDirectories: string[];
  maxConnections: number;
  ssl: { certFile: string; keyFile: string } | undefined;
  logCheckpoints: boolean;
  /** hba_file's text, when set (default: @pg/server reads DIR/pg_hba.conf). */
  hba: string | undefined;
  engine: Record<string, string>;
}

function resolveSettings(dataDir: string, args: ServerArgs): PostmasterSettings {
  const conf = readDataDirConf(dataDir);
  const engine: Record<string, string> = {};
  for (const [rawName, value] of args.settings ?? []) {
    const name = rawName.toLowerCase();
    if (SERVER_SETTINGS.has(name) || name === 'port') conf.set(name, value);
    else engine[rawName] = value;
  }
  if (args.port !== undefined) conf.set('port', String(args.port));
  if (args.socketDirectories !== undefined) {
    conf.set('unix_socket_directories', args.socketDirectories);
  }
  if (args.listenAddresses !== undefined) conf.set('listen_addresses', args.listenAddresses);
  const port = parseInteger('port', conf.get('port') ?? '5432', 0, 65535);
  const ssl = parseBool('ssl', conf.get('ssl') ?? 'off');
  const inDir = (p: string) => (isAbsolute(p) ? p : join(dataDir, p));
  if (port !== 0) engine.port = String(port);
  return {
    port,
    listenAddresses: splitList(conf.get('listen_addresses') ?? 'localhost'),
    socketDirectories: splitList(conf.get('unix_socket_directories') ?? '/tmp'),
    maxConnections: parseInteger(
      'max_connections',
      conf.get('max_connections') ?? '100',
      1,
      262143,
    ),
    ssl: ssl
      ? {
          certFile: inDir(conf.get('ssl_cert_file') ?? 'server.crt'),
          keyFile: inDir(conf.get('ssl_key_file') ?? 'server.key'),
        }
      : undefined,
    logCheckpoints: parseBool('log_checkpoints', conf.get('log_checkpoints') ?? 'on'),
    hba: conf.has('hba_file') ? readFileSync(inDir(conf.get('hba_file') ?? ''), 'utf8') : undefined,
    engine,
  };
}

/**
 * Starts the server on `args.dataDir` and resolves once it accepts
 * connections and postmaster.pid says `ready`.
 */
export async function startServer(args: ServerArgs, io: ServerIo): Promise<RunningServer> {
  const dataDir = resolve(args.dataDir);
  const log = (severity: string, message: string) => io.err(logLine(severity, message));

  // first run: initdb, with its progress
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    io.err(`The files belonging to this database system will be owned by this process.\n`);
    const initdb = await Database.open({
      dataDir,
      onProgress: (step) => io.err(`${step}\n`),
    });
    await initdb.close();
    io.err(`\nSuccess. The data directory ${dataDir} is ready.\n\n`);
  }

  let settings: PostmasterSettings;
  try {
    settings = resolveSettings(dataDir, args);
  } catch (e) {
    throw new StartupError(e instanceof Error ? e.message : String(e));
  }
  log(
    'LOG',
    `starting pg-ts ${VERSION} (PostgreSQL 15 compatible) on ${arch()}-${platform()}, Node.js ${process.version}, 64-bit`,
  );

  const before = (() => {
    try {
      return readControlData(dataDir);
    } catch {
      return undefined;
    }
  })();
  let db: Database;
  try {
    db = await Database.open({ dataDir, settings: settings.engine });
  } catch (e) {
    throw new StartupError(e instanceof Error ? e.message : String(e));
  }
  if (before !== undefined) {
    const at = logTime(new Date(before.time * 1000));
    if (before.state === 'shut down') log('LOG', `database system was shut down at ${at}`);
    else {
      log('LOG', `database system was interrupted; last known up at ${at}`);
      log('LOG', 'database system was not properly shut down; automatic recovery in progress');
    }
  }

  let server: Server;
  try {
    server = await Server.start({
      database: db,
      dataDir,
      port: settings.port,
      listenAddresses: settings.listenAddresses,
      unixSocketDirectories: settings.socketDirectories,
      maxConnections: settings.maxConnections,
      ...(settings.ssl === undefined ? {} : { ssl: settings.ssl }),
      ...(settings.hba === undefined ? {} : { hba: settings.hba }),
      log,
    });
  } catch (e) {
    await db.close('fast');
    const message = e instanceof Error ? e.message : String(e);
    throw new StartupError(`could not start listening: ${message}`);
  }
  // @pg/server logs its `listening on ...` lines itself
  const port = server.port;

  const pidPath = join(dataDir, 'postmaster.pid');
  const pid: PostmasterPid = {
    pid: process.pid,
    dataDir,
    startTime: Math.floor(Date.now() / 1000),
    port,
    socketDir: settings.socketDirectories[0] ?? '',
    listenAddress: settings.listenAddresses[0] ?? '',
    status: 'ready',
  };
  writePostmasterPid(pidPath, pid);

  // checkpoint logs: the engine's checkpointer has no hook, so watch pg_control
  let lastCheckpoint = readControlData(dataDir).checkPoint;
  const watcher = settings.logCheckpoints
    ? setInterval(() => {
        try {
          const c = readControlData(dataDir);
          if (c.checkPoint !== lastCheckpoint) {
            lastCheckpoint = c.checkPoint;
            log('LOG', `checkpoint complete: location ${c.checkPoint}, redo ${c.redo}`);
          }
        } catch {
          // pg_control is being rewritten: look again next time
        }
      }, 1000)
    : undefined;
  watcher?.unref();

  log('LOG', 'database system is ready to accept connections');
  const host = settings.socketDirectories[0] ?? settings.listenAddresses[0] ?? 'localhost';
  io.out(
    `pg-ts is ready on port ${port}. Connect with:\n    psql -h ${host} -p ${port} -U postgres postgres\n`,
  );

  let stopping: Promise<void> | undefined;
  let currentMode: StopMode | undefined;
  const rank = { smart: 0, fast: 1, immediate: 2 } as const;
  return {
    port,
    dataDir,
    stop(mode: StopMode): Promise<void> {
      if (currentMode !== undefined && rank[mode] <= rank[currentMode] && stopping) return stopping;
      log('LOG', `received ${mode} shutdown request`);
      currentMode = mode;
      if (stopping !== undefined) {
        // escalate: the server drops what it still waits for
        void server.close(mode).catch(() => {});
        return stopping;
      }
      stopping = (async () => {
        if (watcher !== undefined) clearInterval(watcher);
        try {
          writePostmasterPid(pidPath, { ...pid, status: 'stopping' });
        } catch {
          // the directory is gone: nothing to mark
        }
        if (mode === 'fast') log('LOG', 'aborting any active transactions');
        await server.close(mode);
        const final = currentMode ?? mode;
        if (final !== 'immediate') {
          log('LOG', 'shutting down');
          if (settings.logCheckpoints) log('LOG', 'checkpoint starting: shutdown immediate');
          await db.close('fast');
          if (settings.logCheckpoints) {
            try {
              const c = readControlData(dataDir);
              log('LOG', `checkpoint complete: location ${c.checkPoint}, redo ${c.redo}`);
            } catch {
              // nothing to report
            }
          }
        } else {
          await db.close('immediate');
        }
        rmSync(pidPath, { force: true });
        log('LOG', 'database system is shut down');
      })();
      return stopping;
    },
  };
}
