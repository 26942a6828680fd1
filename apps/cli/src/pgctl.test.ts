import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli.js';
import { serverBinary } from './pgctl.js';

async function cli(argv: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(
    argv,
    { out: (t) => out.push(t), err: (t) => err.push(t) },
    Readable.from([stdin]),
  );
  return { code, out: out.join(''), err: err.join('') };
}

let dir: string;
let data: string;

beforeAll(async () => {
  // the CLI starts apps/server's binary: build it when this package's tests run alone
  if (!existsSync(serverBinary())) {
    execFileSync('pnpm', ['--filter', '@pg/server-app', 'build'], { stdio: 'ignore' });
  }
  dir = await mkdtemp(join(tmpdir(), 'pg-ctl-'));
  data = join(dir, 'data');
});

afterAll(async () => {
  // never leave a server behind
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGQUIT');
  } catch {
    // none running
  }
  await rm(dir, { recursive: true, force: true });
});

describe('start, status, sql over the wire, dump over the wire, restart, stop', () => {
  it('behaves like pg_ctl, with its exit codes', async () => {
    expect((await cli(['status', '-D', join(dir, 'none')])).code).toBe(4);
    const log = join(dir, 'server.log');
    const opts = `-p 0 -k ${dir} -c log_checkpoints=off`;
    const started = await cli(['start', '-D', data, '-l', log, '-o', opts]);
    expect(started.err).toBe('');
    expect(started.out).toMatch(/^waiting for server to start\.*\s*done\nserver started\n$/);
    expect(started.code).toBe(0);
    expect(readFileSync(log, 'utf8')).toContain(
      'LOG:  database system is ready to accept connections',
    );

    const st = await cli(['status', '-D', data]);
    expect(st.code).toBe(0);
    const pid = Number(/server is running \(PID: (\d+)\)/.exec(st.out)?.[1]);
    expect(pid).toBeGreaterThan(0);
    const port = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[3]);

    const sql = await cli(
      ['sql', '-h', '127.0.0.1', '-p', String(port)],
      "CREATE TABLE w (id int PRIMARY KEY, t text);\nINSERT INTO w VALUES (1, 'one'), (2, NULL);\nSELECT * FROM w ORDER BY id;\nSELECT 1/0;\n\\q\n",
    );
    expect(sql.code).toBe(0);
    expect(sql.out).toBe(
      'CREATE TABLE\nINSERT 0 2\n id |  t  \n----+-----\n  1 | one\n  2 |\n(2 rows)\n\n',
    );
    expect(sql.err).toContain('ERROR:  division by zero');
    const viaSocket = await cli([
      'sql',
      '-h',
      dir,
      '-p',
      String(port),
      '-c',
      'SELECT count(*) FROM w',
    ]);
    expect(viaSocket.out).toBe(' count \n-------\n     2\n(1 row)\n\n');

    const dumpFile = join(dir, 'wire.sql');
    const dumped = await cli(['dump', '-h', '127.0.0.1', '-p', String(port), '-f', dumpFile]);
    expect(dumped.err).toBe('');
    expect(readFileSync(dumpFile, 'utf8')).toContain(
      'COPY public.w (id, t) FROM stdin;\n1\tone\n2\t\\N\n\\.\n',
    );

    const again = await cli(['restart', '-D', data, '-l', log, '-o', opts]);
    expect(again.code).toBe(0);
    expect(again.out).toContain('server stopped\nwaiting for server to start');
    const st2 = await cli(['status', '-D', data]);
    expect(st2.out).not.toContain(`PID: ${pid})`);

    const stopped = await cli(['stop', '-D', data, '-m', 'smart']);
    expect(stopped.code).toBe(0);
    expect(stopped.out).toMatch(/server stopped\n$/);
    expect(readFileSync(log, 'utf8')).toContain('LOG:  received smart shutdown request');
    const st3 = await cli(['status', '-D', data]);
    expect(st3).toMatchObject({ code: 3, out: 'pg-ts: no server running\n' });
    const stopAgain = await cli(['stop', '-D', data]);
    expect(stopAgain.code).toBe(1);
    expect(stopAgain.err).toContain('postmaster.pid" does not exist\nIs server running?');
  }, 60_000);
});
