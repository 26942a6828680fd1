/**
 * initdb and pg_ctl's start / stop / restart / status, with their wording
 * and exit codes: status exits 3 when no server runs, 4 when the data
 * directory is missing; the others 1 on failure.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from '@pg/engine';
import { CliExit, type Io } from './cli.js';
import { progressSteps } from './progress.js';

/** The server binary: $PG_TS_SERVER, or apps/server/dist/main.js beside this app. */
export function serverBinary(): string {
  const env = process.env.PG_TS_SERVER;
  if (env !== undefined && env !== '') return env;
  const here = dirname(fileURLToPath(import.meta.url)); // apps/cli/dist or apps/cli/src
  return resolve(here, '..', '..', 'server', 'dist', 'main.js');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PidFile {
  readonly pid: number;
  readonly port: number | undefined;
  readonly status: string;
}

function readPidFile(dataDir: string): PidFile | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const port = Number.parseInt(lines[3] ?? '', 10);
  return {
    pid,
    port: Number.isInteger(port) ? port : undefined,
    status: (lines[7] ?? '').trim(),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `initdb DIR [-U user]`: creates the data directory, with a progress bar on a terminal. */
export async function initdb(io: Io, dir: string, user: string | undefined): Promise<void> {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new CliExit(
      1,
      `initdb: error: directory "${dir}" exists but is not empty\n` +
        `initdb: hint: If you want to create a new database system, either remove or empty the directory "${dir}" or run initdb with an argument other than "${dir}".\n`,
    );
  }
  io.out(
    `The files belonging to this database system will be owned by user "${process.env.USER ?? 'postgres'}".\n` +
      'The database cluster will be initialized with locale "C".\n' +
      'Data page checksums are enabled.\n\n',
  );
  const steps = progressSteps(io, 'initdb', 3);
  const db = await Database.open({
    dataDir: dir,
    ...(user === undefined ? {} : { superuser: user }),
    onProgress: (step) => steps.step(step),
  });
  await db.close();
  steps.done();
  io.out(
    '\nSuccess. You can now start the database server using:\n\n' +
      `    pg-ts start -D ${dir} -l logfile\n\n`,
  );
}

export interface StartOptions {
  readonly log?: string;
  readonly port?: string;
  readonly options?: string;
  readonly wait: boolean;
  readonly timeout: number;
}

/** `start -D DIR`: spawns the server detached and waits for postmaster.pid's `ready`. */
export async function start(io: Io, dir: string, o: StartOptions): Promise<void> {
  const dataDir = resolve(dir);
  const old = readPidFile(dataDir);
  if (old !== undefined && alive(old.pid)) {
    io.err('pg-ts: another server might be running; trying to start server anyway\n');
  }
  const args = [serverBinary(), '-D', dataDir];
  if (o.port !== undefined) args.push('-p', o.port);
  if (o.options !== undefined) args.push(...splitOptions(o.options));
  const out = o.log === undefined ? 'ignore' : openSync(o.log, 'a');
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', out, out],
  });
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  child.unref();
  if (!o.wait) {
    io.out('server starting\n');
    return;
  }
  io.out('waiting for server to start...');
  const deadline = Date.now() + o.timeout * 1000;
  for (;;) {
    const p = readPidFile(dataDir);
    if (p !== undefined && p.pid === child.pid && p.status === 'ready') break;
    if (exited !== undefined) {
      io.out(' stopped waiting\n');
      throw new CliExit(
        1,
        `pg-ts: could not start server\n${o.log === undefined ? 'Run with -l LOGFILE to keep its log.\n' : `Examine the log output (${o.log}).\n`}`,
      );
    }
    if (Date.now() > deadline) {
      io.out(' stopped waiting\n');
      throw new CliExit(1, 'pg-ts: server did not start in time\n');
    }
    io.out('.');
    await sleep(100);
  }
  io.out(' done\nserver started\n');
}

/** Splits -o's text as a shell would for simple quoting ('...' and "..."). */
function splitOptions(text: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

const SIGNALS = { smart: 'SIGTERM', fast: 'SIGINT', immediate: 'SIGQUIT' } as const;
export type StopMode = keyof typeof SIGNALS;

/** `stop -D DIR [-m mode]`: signals postmaster.pid's process and waits until the file is gone. */
export async function stop(
  io: Io,
  dir: string,
  mode: StopMode,
  wait = true,
  timeout = 60,
): Promise<void> {
  const dataDir = resolve(dir);
  const p = readPidFile(dataDir);
  if (p === undefined) {
    throw new CliExit(
      1,
      `pg-ts: PID file "${join(dataDir, 'postmaster.pid')}" does not exist\nIs server running?\n`,
    );
  }
  try {
    process.kill(p.pid, SIGNALS[mode]);
  } catch (e) {
    throw new CliExit(
      1,
      `pg-ts: could not send stop signal (PID: ${p.pid}): ${(e as Error).message}\n`,
    );
  }
  if (!wait) {
    io.out('server shutting down\n');
    return;
  }
  io.out('waiting for server to shut down...');
  const deadline = Date.now() + timeout * 1000;
  while (existsSync(join(dataDir, 'postmaster.pid')) && alive(p.pid)) {
    if (Date.now() > deadline) {
      io.out(' failed\n');
      throw new CliExit(1, 'pg-ts: server does not shut down\n');
    }
    io.out('.');
    await sleep(100);
  }
  // the process may still be exiting after removing the file
  while (alive(p.pid) && Date.now() < deadline) await sleep(20);
  io.out(' done\nserver stopped\n');
}

/** `status -D DIR`: 0 running, 3 not running, 4 no such data directory. */
export function status(io: Io, dir: string): number {
  const dataDir = resolve(dir);
  if (!existsSync(dataDir)) {
    io.err(`pg-ts: directory "${dataDir}" does not exist\n`);
    return 4;
  }
  const p = readPidFile(dataDir);
  if (p !== undefined && alive(p.pid)) {
    io.out(`pg-ts: server is running (PID: ${p.pid})\n`);
    if (p.port !== undefined) io.out(`port ${p.port}, status ${p.status || 'starting'}\n`);
    return 0;
  }
  io.out('pg-ts: no server running\n');
  return 3;
}

/** `restart`: stop if running (pg_ctl goes on to start when it is not), then start. */
export async function restart(io: Io, dir: string, mode: StopMode, o: StartOptions): Promise<void> {
  const p = readPidFile(resolve(dir));
  if (p !== undefined && alive(p.pid)) await stop(io, dir, mode, true, o.timeout);
  else {
    io.err(
      `pg-ts: PID file "${join(resolve(dir), 'postmaster.pid')}" does not exist\nIs server running?\ntrying to start server anyway\n`,
    );
  }
  await start(io, dir, o);
}
