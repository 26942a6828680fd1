import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerArgs } from './cli.js';
import { parseBool, parseConf, splitList } from './conf.js';
import { logLine } from './log.js';
import { formatPostmasterPid, parsePostmasterPid } from './pidfile.js';
import { startServer } from './run.js';

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pg-ts-server-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('command line, configuration, postmaster.pid, log lines', () => {
  it("parses postgres's options", () => {
    const { io: o } = io();
    expect(
      parseServerArgs(
        [
          '-D',
          'd',
          '-p',
          '0',
          '-c',
          'work_mem=8MB',
          '-c',
          'log-checkpoints=off',
          '-k',
          '/s',
          '-h',
          '*',
        ],
        o,
        {},
      ),
    ).toEqual({
      dataDir: 'd',
      port: 0,
      socketDirectories: '/s',
      listenAddresses: '*',
      settings: [
        ['work_mem', '8MB'],
        ['log_checkpoints', 'off'],
      ],
    });
    expect(parseServerArgs([], o, { PGDATA: '/x', PGPORT: '5433' })).toMatchObject({
      dataDir: '/x',
      port: 5433,
    });
    const missing = io();
    expect(parseServerArgs([], missing.io, {})).toBe(2);
    expect(missing.err.join('')).toContain('You must specify the -D invocation option');
    expect(parseServerArgs(['-D', 'd', '-p', 'x'], o, {})).toBe(2);
    expect(parseServerArgs(['-D', 'd', '-c', 'novalue'], o, {})).toBe(2);
    const help = io();
    expect(parseServerArgs(['--help'], help.io, {})).toBe(0);
    expect(help.out.join('')).toContain('Usage: pg-ts-server');
  });

  it('reads postgresql.conf as guc-file.l does', () => {
    const conf = parseConf(
      "# comment\nport = 5433\nlisten_addresses='*' # all\nUnix_Socket_Directories = '/a, /b'\nssl on\nx = 'it''s'\n",
    );
    expect(Object.fromEntries(conf)).toEqual({
      port: '5433',
      listen_addresses: '*',
      unix_socket_directories: '/a, /b',
      ssl: 'on',
      x: "it's",
    });
    expect(splitList(conf.get('unix_socket_directories') ?? '')).toEqual(['/a', '/b']);
    expect(parseBool('ssl', 'of')).toBe(false);
    expect(() => parseBool('ssl', 'maybe')).toThrow('requires a Boolean value');
  });

  it("writes postmaster.pid in PostgreSQL's eight-line format", () => {
    const text = formatPostmasterPid({
      pid: 123,
      dataDir: '/d',
      startTime: 1700000000,
      port: 5432,
      socketDir: '/tmp',
      listenAddress: 'localhost',
      status: 'ready',
    });
    expect(text).toBe(
      '123\n/d\n1700000000\n5432\n/tmp\nlocalhost\n  5432001         0\nready   \n',
    );
    expect(parsePostmasterPid(text)).toMatchObject({ pid: 123, port: 5432, status: 'ready' });
  });

  it("prefixes log lines as log_line_prefix '%m [%p] '", () => {
    expect(logLine('LOG', 'hello', 42, new Date(Date.UTC(2026, 10, 21, 19, 40, 0, 123)))).toBe(
      '2026-11-21 19:40:00.123 UTC [42] LOG:  hello\n',
    );
  });
});

describe('startServer (in process)', () => {
  it('creates the directory on first run, serves TCP and a Unix socket, and shuts down fast', async () => {
    const data = join(dir, 'inproc');
    const { out, err, io: o } = io();
    const server = await startServer(
      {
        dataDir: data,
        port: 0,
        socketDirectories: dir,
        settings: [
          ['log_checkpoints', 'on'],
          ['work_mem', '8MB'],
        ],
      },
      o,
    );
    try {
      const log = err.join('');
      expect(log).toContain('creating directory');
      expect(log).toMatch(
        /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC \[\d+\] LOG: {2}starting pg-ts .*PostgreSQL 15 compatible/m,
      );
      expect(log).toContain(
        `LOG:  listening on Unix socket "${join(dir, `.s.PGSQL.${server.port}`)}"`,
      );
      expect(log).toContain('LOG:  database system is ready to accept connections');
      expect(out.join('')).toContain(`psql -h ${dir} -p ${server.port} -U postgres postgres`);
      const pid = parsePostmasterPid(readFileSync(join(data, 'postmaster.pid'), 'utf8'));
      expect(pid).toMatchObject({
        pid: process.pid,
        dataDir: resolve(data),
        port: server.port,
        socketDir: dir,
        listenAddress: 'localhost',
        status: 'ready',
      });
      for (const host of ['127.0.0.1', dir]) {
        const c = new pg.Client({
          host,
          port: server.port,
          user: 'postgres',
          database: 'postgres',
        });
        await c.connect();
        expect((await c.query('SELECT 1 + 1 AS two')).rows).toEqual([{ two: 2 }]);
        expect((await c.query('SHOW work_mem')).rows).toEqual([{ work_mem: '8MB' }]);
        await c.end();
      }
    } finally {
      await server.stop('fast');
    }
    const log = err.join('');
    expect(log).toContain('LOG:  received fast shutdown request');
    expect(log).toContain('LOG:  checkpoint starting: shutdown immediate');
    expect(log.trimEnd()).toMatch(/LOG: {2}database system is shut down$/);
    expect(existsSync(join(data, 'postmaster.pid'))).toBe(false);
  });

  it('refuses an unknown -c parameter', async () => {
    const { io: o } = io();
    await expect(
      startServer(
        {
          dataDir: join(dir, 'inproc'),
          port: 0,
          socketDirectories: '',
          settings: [['no_such_thing', '1']],
        },
        o,
      ),
    ).rejects.toThrow('unrecognized configuration parameter "no_such_thing"');
    expect(existsSync(join(dir, 'inproc', 'postmaster.pid'))).toBe(false);
  });
});

const BIN = resolve(import.meta.dirname, '..', 'dist', 'main.js');

function spawnServer(data: string): {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [BIN, '-D', data, '-p', '0', '-k', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stderr?.on('data', (b: Buffer) => {
    text += b.toString();
  });
  child.stdout?.resume();
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, log: () => text, exited };
}

async function waitReady(data: string, child: ChildProcess, log: () => string): Promise<number> {
  for (let i = 0; i < 1200; i++) {
    try {
      const p = parsePostmasterPid(readFileSync(join(data, 'postmaster.pid'), 'utf8'));
      if (p.pid === child.pid && p.status === 'ready' && p.port !== undefined) return p.port;
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not become ready:\n${log()}`);
}

describe.skipIf(!existsSync(BIN))('the binary and its signals', () => {
  it('SIGTERM waits for clients (smart), SIGQUIT stops at once and the next start recovers', async () => {
    const data = join(dir, 'bin');
    const first = spawnServer(data);
    try {
      const port = await waitReady(data, first.child, first.log);
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      await c.connect();
      await c.query('CREATE TABLE kept (a int); INSERT INTO kept VALUES (1)');
      first.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      expect(first.log()).toContain('LOG:  received smart shutdown request');
      expect(first.child.exitCode).toBe(null); // still serving its client
      await c.end();
      expect(await first.exited).toBe(0);
      expect(first.log().trimEnd()).toMatch(/database system is shut down$/);
      expect(existsSync(join(data, 'postmaster.pid'))).toBe(false);
    } finally {
      first.child.kill('SIGKILL');
    }

    const second = spawnServer(data);
    try {
      const port = await waitReady(data, second.child, second.log);
      expect(second.log()).toContain('LOG:  database system was shut down at');
      const c = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
      await c.connect();
      await c.query('INSERT INTO kept VALUES (2)');
      await c.end().catch(() => {});
      second.child.kill('SIGQUIT');
      expect(await second.exited).toBe(0);
      expect(second.log()).toContain('LOG:  received immediate shutdown request');
    } finally {
      second.child.kill('SIGKILL');
    }

    const third = spawnServer(data);
    try {
      const port = await waitReady(data, third.child, third.log);
      expect(third.log()).toContain('LOG:  database system was interrupted; last known up at');
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      await c.connect();
      expect((await c.query('SELECT a FROM kept ORDER BY a')).rows).toEqual([{ a: 1 }, { a: 2 }]);
      await c.end();
      third.child.kill('SIGINT');
      expect(await third.exited).toBe(0);
      expect(third.log()).toContain('LOG:  received fast shutdown request');
    } finally {
      third.child.kill('SIGKILL');
    }
  });
});
