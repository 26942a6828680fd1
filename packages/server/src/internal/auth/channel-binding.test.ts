/**
 * SCRAM-SHA-256-PLUS against real clients: a minimal TLS front end (just
 * SSLRequest, the startup packet and authenticate()) so libpq (psql) and
 * node-postgres run their channel-binding code against ours. After the
 * exchange the harness sends AuthenticationOk and then a FATAL naming what
 * happened, which the client prints.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthFailure, authenticate, buildScramSecret, loadHba, type RoleAuth } from './index.js';

const run = promisify(execFile);
const PSQL = '/usr/lib/postgresql/15/bin/psql';

let dir: string;
let server: Server;
let port: number;
let cert: Buffer;
let key: Buffer;
const roles = new Map<string, RoleAuth>([
  ['alice', { canLogin: true, password: buildScramSecret('pw') }],
]);
/** The mechanism each client chose, by user. */
const chosen: string[] = [];

/** A byte reader over a socket. */
function reader(sock: Socket | TLSSocket) {
  let buf = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  let ended = false;
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    wake?.();
  });
  sock.on('end', () => {
    ended = true;
    wake?.();
  });
  return async (n: number): Promise<Buffer> => {
    while (buf.length < n) {
      if (ended) throw new Error('EOF');
      await new Promise<void>((r) => {
        wake = r;
      });
    }
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return out;
  };
}

function message(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from(type), len, body]);
}

function fatal(code: string, text: string): Buffer {
  return message('E', Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${text}\0\0`));
}

async function serve(raw: Socket): Promise<void> {
  const readRaw = reader(raw);
  const len = (await readRaw(4)).readInt32BE(0);
  const code = (await readRaw(len - 4)).readInt32BE(0);
  if (code !== 80877103) throw new Error('expected SSLRequest');
  raw.removeAllListeners('data');
  raw.removeAllListeners('end');
  raw.write('S');
  const tls = new TLSSocket(raw, { isServer: true, cert, key });
  const read = reader(tls);
  const startLen = (await read(4)).readInt32BE(0);
  const fields = (await read(startLen - 4)).subarray(4).toString().split('\0');
  const params = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2)
    params.set(fields[i] as string, fields[i + 1] as string);
  const user = params.get('user') ?? '';
  try {
    await authenticate(
      {
        kind: 'host',
        ssl: true,
        address: '127.0.0.1',
        database: params.get('database') ?? user,
        user,
        tlsServerCertificate: pemToDer(cert.toString('utf8')),
        sendAuth(c, payload) {
          const head = Buffer.alloc(4);
          head.writeInt32BE(c);
          if (c === 10) chosen.push('offered');
          tls.write(message('R', Buffer.concat([head, Buffer.from(payload ?? new Uint8Array())])));
        },
        async readPassword() {
          const type = (await read(1)).toString();
          const n = (await read(4)).readInt32BE(0);
          const body = await read(n - 4);
          if (type !== 'p') throw new Error('expected p');
          if (chosen.at(-1) === 'offered')
            chosen.push(body.subarray(0, body.indexOf(0)).toString());
          return body;
        },
      },
      loadHba('host all all all scram-sha-256'),
      (name) => roles.get(name),
    );
    const ok = Buffer.alloc(4);
    tls.write(message('R', ok));
    tls.end(fatal('XX000', `authenticated with ${chosen.at(-1)}`));
  } catch (e) {
    tls.end(e instanceof AuthFailure ? fatal(e.code, e.message) : fatal('08P01', String(e)));
  }
}

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'h3-plus-'));
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-keyout',
    join(dir, 'server.key'),
    '-out',
    join(dir, 'server.crt'),
  ]);
  cert = readFileSync(join(dir, 'server.crt'));
  key = readFileSync(join(dir, 'server.key'));
  server = createServer((s) => {
    s.on('error', () => {});
    void serve(s).catch(() => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function psql(conninfo: string, password: string): Promise<string> {
  try {
    await run(
      PSQL,
      [
        '-X',
        '-w',
        `host=127.0.0.1 port=${port} user=alice dbname=d sslmode=require ${conninfo}`,
        '-c',
        'SELECT 1',
      ],
      {
        env: { PATH: process.env.PATH ?? '', LC_ALL: 'C', PGPASSWORD: password },
      },
    );
    return 'connected';
  } catch (e) {
    return String((e as { stderr?: string }).stderr ?? e)
      .trim()
      .replace(/^psql: error: connection to server at "127.0.0.1", port \d+ failed: /, '');
  }
}

describe('SCRAM-SHA-256-PLUS with real clients', () => {
  it('libpq binds to the certificate when it is offered (channel_binding=require)', async () => {
    expect(await psql('channel_binding=require', 'pw')).toBe(
      'FATAL:  authenticated with SCRAM-SHA-256-PLUS',
    );
    expect(await psql('channel_binding=require', 'wrong')).toBe(
      'FATAL:  password authentication failed for user "alice"',
    );
    expect(await psql('channel_binding=disable', 'pw')).toBe(
      'FATAL:  authenticated with SCRAM-SHA-256',
    );
  });

  it('node-postgres uses SCRAM-SHA-256-PLUS over TLS too', async () => {
    const c = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'alice',
      password: 'pw',
      database: 'd',
      ssl: { rejectUnauthorized: false },
      enableChannelBinding: true,
    } as pg.ClientConfig);
    const err = await c.connect().then(
      () => 'connected',
      (e: Error) => e.message,
    );
    expect(err).toBe('authenticated with SCRAM-SHA-256-PLUS');
  });
});
