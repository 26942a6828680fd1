/**
 * Authentication, differentially: the same pg_hba.conf and the same roles
 * on real PostgreSQL 15 and on this server; every connection attempt, by
 * node-postgres and by psql, must end the same way (connected as the same
 * user, or refused with the same SQLSTATE and message).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Database } from '@pg/engine';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { Server } from '@pg/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PSQL = '/usr/lib/postgresql/15/bin/psql';

const HBA = `host    all       postgres   127.0.0.1/32   trust
host    all       h3_reject  127.0.0.1/32   reject
host    h3_md5    all        127.0.0.1/32   md5
host    h3_pw     all        127.0.0.1/32   password
host    sameuser  all        127.0.0.1/32   trust
host    postgres  +h3_grp    127.0.0.1/32   trust
host    postgres  all        127.0.0.0 255.0.0.0 scram-sha-256
`;

const SETUP = [
  "CREATE ROLE h3_scram LOGIN PASSWORD 'pencil'",
  "SET password_encryption = 'md5'",
  "CREATE ROLE h3_md5user LOGIN PASSWORD 'md5pass'",
  'RESET password_encryption',
  "CREATE ROLE h3_nologin PASSWORD 'pencil'",
  'CREATE ROLE h3_nopass LOGIN',
  "CREATE ROLE h3_reject LOGIN PASSWORD 'pencil'",
  "CREATE ROLE h3_expired LOGIN PASSWORD 'pencil' VALID UNTIL '2001-01-01'",
  'CREATE ROLE h3_grp LOGIN',
  'CREATE DATABASE h3_md5',
  'CREATE DATABASE h3_pw',
  'CREATE DATABASE h3_scram',
];

/** [user, password, database] */
const ATTEMPTS: [string, string | undefined, string][] = [
  ['h3_scram', 'pencil', 'postgres'],
  ['h3_scram', 'Pencil', 'postgres'],
  ['h3_scram', undefined, 'postgres'],
  ['h3_md5user', 'md5pass', 'postgres'],
  ['h3_nologin', 'pencil', 'postgres'],
  ['h3_nopass', 'x', 'postgres'],
  ['h3_ghost', 'x', 'postgres'],
  ['h3_expired', 'pencil', 'postgres'],
  ['h3_reject', 'pencil', 'postgres'],
  ['h3_md5user', 'md5pass', 'h3_md5'],
  ['h3_md5user', 'wrong', 'h3_md5'],
  ['h3_scram', 'pencil', 'h3_md5'],
  ['h3_scram', 'wrong', 'h3_md5'],
  ['h3_ghost', 'x', 'h3_md5'],
  ['h3_scram', 'pencil', 'h3_pw'],
  ['h3_md5user', 'md5pass', 'h3_pw'],
  ['h3_md5user', 'nope', 'h3_pw'],
  ['h3_scram', '', 'h3_pw'],
  ['h3_scram', undefined, 'h3_scram'],
  ['h3_md5user', 'md5pass', 'h3_scram'],
  ['h3_grp', undefined, 'postgres'],
  ['h3_scram', 'pencil', 'template1'],
];

let ref: ReferencePostgres;
let db: Database;
let server: Server;
let hbaDir: string;

beforeAll(async () => {
  hbaDir = mkdtempSync(join(tmpdir(), 'pgts-hba-'));
  chmodSync(hbaDir, 0o755);
  const hbaFile = join(hbaDir, 'pg_hba.conf');
  writeFileSync(hbaFile, HBA, { mode: 0o644 });
  ref = await startReferencePostgres({ extensions: [], settings: { hba_file: hbaFile } });
  db = await Database.open({});
  const s = await db.connect();
  for (const sql of SETUP) {
    await ref.query(sql);
    await s.query(sql);
  }
  await s.close();
  server = await Server.start({ database: db, port: 0, listenAddresses: ['127.0.0.1'], hba: HBA });
}, 60_000);

afterAll(async () => {
  await server?.close('fast');
  await db?.close();
  await ref?.stop();
  if (hbaDir !== undefined) rmSync(hbaDir, { recursive: true, force: true });
});

async function viaPg(
  port: number,
  [user, password, database]: (typeof ATTEMPTS)[number],
): Promise<string> {
  const c = new pg.Client({
    host: '127.0.0.1',
    port,
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
    return `${err.code ?? 'client'} ${err.message}`;
  } finally {
    await c.end().catch(() => {});
  }
}

async function viaPsql(
  port: number,
  [user, password, database]: (typeof ATTEMPTS)[number],
): Promise<string> {
  try {
    const { stdout } = await run(
      PSQL,
      [
        '-X',
        '-w',
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
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
    return String((e as { stderr?: string }).stderr ?? e)
      .trim()
      .replace(/port \d+/, 'port N');
  }
}

describe('authentication matches PostgreSQL 15', () => {
  it('node-postgres', async () => {
    const ours = [];
    const theirs = [];
    for (const a of ATTEMPTS) {
      ours.push(`${a.join(' ')}: ${await viaPg(server.port, a)}`);
      theirs.push(`${a.join(' ')}: ${await viaPg(ref.port, a)}`);
    }
    expect(ours).toEqual(theirs);
  }, 60_000);

  it('psql', async () => {
    const ours = [];
    const theirs = [];
    for (const a of ATTEMPTS) {
      ours.push(`${a.join(' ')}: ${await viaPsql(server.port, a)}`);
      theirs.push(`${a.join(' ')}: ${await viaPsql(ref.port, a)}`);
    }
    expect(ours).toEqual(theirs);
  }, 60_000);
});
