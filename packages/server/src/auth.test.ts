/**
 * Authentication end to end: roles made with CREATE ROLE ... PASSWORD in the
 * engine, pg_hba.conf rules, and real clients — node-postgres (pg) and
 * psql 15 — doing SCRAM-SHA-256, md5 and cleartext exchanges over TCP and a
 * Unix socket.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Database } from '@pg/engine';
import { Server } from '@pg/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PSQL = '/usr/lib/postgresql/15/bin/psql';

const HBA = `# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 trust
local   all       all                      scram-sha-256
host    all       rejected  127.0.0.1/32   reject
host    md5db     all       127.0.0.1/32   md5
host    pwdb      all       127.0.0.1/32   password
host    postgres  all       127.0.0.1/32   scram-sha-256
host    "all"     all       127.0.0.1/32   trust
`;

let db: Database;
let server: Server;
let socketDir: string;

beforeAll(async () => {
  db = await Database.open({});
  const s = await db.connect();
  for (const sql of [
    "CREATE ROLE alice LOGIN PASSWORD 'wonderland'",
    "SET password_encryption = 'md5'",
    "CREATE ROLE bob LOGIN PASSWORD 'builder'",
    'RESET password_encryption',
    "CREATE ROLE carol NOLOGIN PASSWORD 'secret'",
    "CREATE ROLE rejected LOGIN PASSWORD 'x'",
    'CREATE ROLE nopass LOGIN',
    'CREATE DATABASE md5db',
    'CREATE DATABASE pwdb',
  ]) {
    await s.query(sql);
  }
  await s.close();
  socketDir = mkdtempSync(join(tmpdir(), 'pgts-auth-'));
  server = await Server.start({
    database: db,
    port: 0,
    listenAddresses: ['127.0.0.1'],
    unixSocketDirectories: [socketDir],
    hba: HBA,
  });
});

afterAll(async () => {
  await server?.close('fast');
  await db?.close();
  if (socketDir !== undefined) rmSync(socketDir, { recursive: true, force: true });
});

/** Connects with node-postgres; "ok <current_user>" or "<SQLSTATE> <message>". */
async function viaPg(
  user: string,
  password: string | undefined,
  database = 'postgres',
): Promise<string> {
  const c = new pg.Client({
    host: '127.0.0.1',
    port: server.port,
    user,
    database,
    ...(password === undefined ? {} : { password }),
  });
  try {
    await c.connect();
    const r = await c.query('SELECT current_user AS u');
    return `ok ${r.rows[0].u}`;
  } catch (e) {
    const err = e as { code?: string; message: string };
    return `${err.code ?? 'error'} ${err.message}`;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Connects with psql (PGPASSWORD in the environment); stdout or psql's error line. */
async function viaPsql(
  host: string,
  user: string,
  password: string | undefined,
  database = 'postgres',
): Promise<string> {
  try {
    const { stdout } = await run(
      PSQL,
      [
        '-X',
        '-w',
        '-h',
        host,
        '-p',
        String(server.port),
        '-U',
        user,
        '-d',
        database,
        '-Atc',
        'SELECT current_user',
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          LC_ALL: 'C',
          ...(password === undefined ? {} : { PGPASSWORD: password }),
        },
      },
    );
    return stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string };
    return (err.stderr ?? String(e))
      .trim()
      .replace(/^psql: error: connection to server .*? failed: /, '');
  }
}

describe('authentication with node-postgres', () => {
  it('SCRAM-SHA-256: the right password connects, a wrong one is refused with 28P01', async () => {
    expect(await viaPg('alice', 'wonderland')).toBe('ok alice');
    expect(await viaPg('alice', 'rabbit')).toBe(
      '28P01 password authentication failed for user "alice"',
    );
  });

  it('refuses unknown roles, roles without a password and NOLOGIN roles the same way', async () => {
    expect(await viaPg('nobody', 'x')).toBe(
      '28P01 password authentication failed for user "nobody"',
    );
    expect(await viaPg('nopass', 'x')).toBe(
      '28P01 password authentication failed for user "nopass"',
    );
    expect(await viaPg('carol', 'secret')).toBe('28000 role "carol" is not permitted to log in');
  });

  it('md5 rules: an md5 hash uses MD5, a SCRAM secret switches to SCRAM', async () => {
    expect(await viaPg('bob', 'builder', 'md5db')).toBe('ok bob');
    expect(await viaPg('bob', 'wrong', 'md5db')).toBe(
      '28P01 password authentication failed for user "bob"',
    );
    expect(await viaPg('alice', 'wonderland', 'md5db')).toBe('ok alice');
    // bob's md5 hash cannot answer a SCRAM exchange
    expect(await viaPg('bob', 'builder')).toBe(
      '28P01 password authentication failed for user "bob"',
    );
  });

  it('password rules: cleartext against either kind of stored password', async () => {
    expect(await viaPg('alice', 'wonderland', 'pwdb')).toBe('ok alice');
    expect(await viaPg('bob', 'builder', 'pwdb')).toBe('ok bob');
    expect(await viaPg('bob', 'nope', 'pwdb')).toBe(
      '28P01 password authentication failed for user "bob"',
    );
  });

  it('reject rules and unmatched connections are refused with 28000', async () => {
    expect(await viaPg('rejected', 'x')).toBe(
      '28000 pg_hba.conf rejects connection for host "127.0.0.1", user "rejected", database "postgres", no encryption',
    );
    expect(await viaPg('alice', 'wonderland', 'template1')).toBe(
      '28000 no pg_hba.conf entry for host "127.0.0.1", user "alice", database "template1", no encryption',
    );
    // the quoted "all" names a database called all, which trusts
    expect(await viaPg('alice', undefined, 'all')).toMatch(/^3D000 database "all" does not exist$/);
  });

  it('a password changed with ALTER ROLE takes effect for the next connection', async () => {
    const s = await db.connect();
    await s.query("ALTER ROLE alice PASSWORD 'looking-glass'");
    expect(await viaPg('alice', 'wonderland')).toBe(
      '28P01 password authentication failed for user "alice"',
    );
    expect(await viaPg('alice', 'looking-glass')).toBe('ok alice');
    await s.query("ALTER ROLE alice PASSWORD 'wonderland'");
    await s.close();
  });
});

describe('authentication with psql 15', () => {
  it('SCRAM over TCP: right password, wrong password, no password', async () => {
    expect(await viaPsql('127.0.0.1', 'alice', 'wonderland')).toBe('alice');
    expect(await viaPsql('127.0.0.1', 'alice', 'rabbit')).toBe(
      'FATAL:  password authentication failed for user "alice"',
    );
    expect(await viaPsql('127.0.0.1', 'alice', undefined)).toBe(
      'fe_sendauth: no password supplied',
    );
  });

  it('md5 and cleartext rules', async () => {
    expect(await viaPsql('127.0.0.1', 'bob', 'builder', 'md5db')).toBe('bob');
    expect(await viaPsql('127.0.0.1', 'bob', 'builder', 'pwdb')).toBe('bob');
  });

  it('reject and no matching rule', async () => {
    expect(await viaPsql('127.0.0.1', 'rejected', 'x')).toBe(
      'FATAL:  pg_hba.conf rejects connection for host "127.0.0.1", user "rejected", database "postgres", no encryption',
    );
    expect(await viaPsql('127.0.0.1', 'alice', 'wonderland', 'template1')).toBe(
      'FATAL:  no pg_hba.conf entry for host "127.0.0.1", user "alice", database "template1", no encryption',
    );
  });

  it('local rules over the Unix socket', async () => {
    expect(await viaPsql(socketDir, 'postgres', undefined)).toBe('postgres');
    expect(await viaPsql(socketDir, 'alice', 'wonderland')).toBe('alice');
    expect(await viaPsql(socketDir, 'alice', 'rabbit')).toBe(
      'FATAL:  password authentication failed for user "alice"',
    );
  });
});

describe('SCRAM-SHA-256-PLUS over TLS', () => {
  it('psql with channel_binding=require and node-postgres bind to the server certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgts-auth-tls-'));
    const certFile = join(dir, 'server.crt');
    const keyFile = join(dir, 'server.key');
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
      keyFile,
      '-out',
      certFile,
    ]);
    const tlsServer = await Server.start({
      database: db,
      port: 0,
      listenAddresses: ['127.0.0.1'],
      hba: 'hostssl all all 127.0.0.1/32 scram-sha-256\n',
      ssl: { certFile, keyFile },
    });
    try {
      const conninfo = `host=127.0.0.1 port=${tlsServer.port} user=alice dbname=postgres sslmode=require channel_binding=require`;
      const psql = (password: string) =>
        run(PSQL, ['-X', '-w', conninfo, '-Atc', 'SELECT current_user'], {
          env: { PATH: process.env.PATH ?? '', LC_ALL: 'C', PGPASSWORD: password },
        }).then(
          (r) => r.stdout.trim(),
          (e: { stderr?: string }) =>
            String(e.stderr)
              .trim()
              .replace(/^.*failed: /, ''),
        );
      expect(await psql('wonderland')).toBe('alice');
      expect(await psql('rabbit')).toBe('FATAL:  password authentication failed for user "alice"');
      const c = new pg.Client({
        host: '127.0.0.1',
        port: tlsServer.port,
        user: 'alice',
        password: 'wonderland',
        database: 'postgres',
        ssl: { rejectUnauthorized: false },
        enableChannelBinding: true,
      } as pg.ClientConfig);
      await c.connect();
      expect((await c.query('SELECT current_user AS u')).rows).toEqual([{ u: 'alice' }]);
      await c.end();
      // without TLS the hostssl rule does not match
      const plain = new pg.Client({
        host: '127.0.0.1',
        port: tlsServer.port,
        user: 'alice',
        password: 'wonderland',
        database: 'postgres',
      });
      await expect(plain.connect()).rejects.toMatchObject({
        code: '28000',
        message:
          'no pg_hba.conf entry for host "127.0.0.1", user "alice", database "postgres", no encryption',
      });
    } finally {
      await tlsServer.close('fast');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
