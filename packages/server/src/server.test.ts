/**
 * The server over real sockets: node-postgres (pg), a raw protocol
 * client, and real psql 15 over TCP and a Unix socket.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Database } from '@pg/engine';
import { Server } from '@pg/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cstring,
  fields,
  message,
  RawClient,
  startupPacket,
  summary,
} from './internal/test-wire.js';

const run = promisify(execFile);
const PSQL = '/usr/lib/postgresql/15/bin/psql';

let db: Database;
let server: Server;
let socketDir: string;

beforeAll(async () => {
  db = await Database.open({});
  socketDir = mkdtempSync(join(tmpdir(), 'pgts-sock-'));
  server = await Server.start({
    database: db,
    port: 0,
    listenAddresses: ['127.0.0.1'],
    unixSocketDirectories: [socketDir],
    maxConnections: 20,
  });
});

afterAll(async () => {
  await server?.close('fast');
  await db?.close();
  rmSync(socketDir, { recursive: true, force: true });
});

async function client(options: Partial<pg.ClientConfig> = {}): Promise<pg.Client> {
  const c = new pg.Client({
    host: '127.0.0.1',
    port: server.port,
    user: 'postgres',
    database: 'postgres',
    ...options,
  });
  await c.connect();
  return c;
}

async function raw(): Promise<RawClient> {
  const r = await RawClient.open(server.port);
  const ms = await r.startup();
  expect(ms.at(-1)?.type).toBe('Z');
  return r;
}

async function psql(args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  const child = run(
    PSQL,
    ['-X', '-p', String(server.port), '-U', 'postgres', '-d', 'postgres', ...args],
    {
      env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
    },
  );
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  return child;
}

describe('startup', () => {
  it('reports the parameters PostgreSQL 15 reports, then BackendKeyData and ReadyForQuery', async () => {
    const r = await RawClient.open(server.port);
    const ms = await r.startup({
      user: 'postgres',
      database: 'postgres',
      application_name: 'app1',
    });
    r.close();
    expect(ms[0]?.type).toBe('R');
    const params = ms
      .filter((m) => m.type === 'S')
      .map((m) => m.body.toString('utf8').split('\0').slice(0, 2));
    expect(params.map((p) => p[0])).toEqual([
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
    ]);
    const map = Object.fromEntries(params);
    expect(map.application_name).toBe('app1');
    expect(map.server_version).toMatch(/^15\.\d+ \(pg-ts\)$/);
    expect(map.session_authorization).toBe('postgres');
    expect(map.integer_datetimes).toBe('on');
    expect(summary(ms.slice(-2))).toEqual(['K', 'Z:I']);
  });

  it('answers SSLRequest and GSSENCRequest with N, then starts', async () => {
    const r = await RawClient.open(server.port);
    r.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]));
    r.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30]));
    // two single-byte answers: read them raw
    const bytes = await new Promise<Buffer>((resolve) => {
      let got = Buffer.alloc(0);
      const on = (d: Buffer) => {
        got = Buffer.concat([got, d]);
        if (got.length >= 2) {
          r.socket.off('data', on);
          resolve(got);
        }
      };
      r.socket.on('data', on);
    });
    expect(bytes.toString('latin1', 0, 2)).toBe('NN');
    r.close();
  });

  it('negotiates the protocol version for a newer minor and _pq_ options', async () => {
    const r = await RawClient.open(server.port);
    r.write(startupPacket({ user: 'postgres', '_pq_.x': 'y' }, 196608 + 2));
    const ms = await r.untilReady();
    r.close();
    expect(ms[0]?.type).toBe('v');
    expect(ms[0]?.body.readInt32BE(0)).toBe(196608);
    expect(ms[0]?.body.readInt32BE(4)).toBe(1);
    expect(ms.at(-1)?.type).toBe('Z');
  });

  it('refuses an unknown database (3D000) and an unknown role (28000)', async () => {
    await expect(client({ database: 'nope' })).rejects.toMatchObject({
      code: '3D000',
      message: 'database "nope" does not exist',
    });
    await expect(client({ user: 'nobody' })).rejects.toMatchObject({ code: '28000' });
  });

  it('applies -c options and startup GUCs', async () => {
    const c = await client({ options: '-c search_path=foo,public -c statement_timeout=1234' });
    const r = await c.query('SHOW search_path');
    expect(r.rows[0].search_path).toBe('foo,public');
    const t = await c.query('SHOW statement_timeout');
    expect(t.rows[0].statement_timeout).toBe('1234ms');
    await c.end();
  });

  it("listens on localhost's addresses by default", async () => {
    const db2 = await Database.open({});
    const s2 = await Server.start({ database: db2, port: 0 });
    try {
      const c = new pg.Client({ host: 'localhost', port: s2.port, user: 'postgres' });
      await c.connect();
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await c.end();
      await expect(Server.start({ database: db2, port: s2.port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await s2.close();
      await db2.close();
    }
  });

  it('refuses the connection past max_connections with 53300', async () => {
    const db2 = await Database.open({});
    const s2 = await Server.start({
      database: db2,
      port: 0,
      listenAddresses: ['127.0.0.1'],
      maxConnections: 2,
    });
    const a = new pg.Client({ host: '127.0.0.1', port: s2.port, user: 'postgres' });
    const b = new pg.Client({ host: '127.0.0.1', port: s2.port, user: 'postgres' });
    await a.connect();
    await b.connect();
    const c = new pg.Client({ host: '127.0.0.1', port: s2.port, user: 'postgres' });
    await expect(c.connect()).rejects.toMatchObject({
      code: '53300',
      message: 'sorry, too many clients already',
    });
    expect(s2.connectionCount).toBe(2);
    await a.end();
    await b.end();
    await s2.close('fast');
    await db2.close();
  });
});

describe('simple query', () => {
  it('runs queries through node-postgres', async () => {
    const c = await client();
    await c.query('CREATE TABLE sq (id int PRIMARY KEY, name text, at timestamptz, n numeric)');
    const ins = await c.query(
      "INSERT INTO sq VALUES (1, 'a', '2024-01-02 03:04:05+00', 1.50), (2, NULL, NULL, NULL)",
    );
    expect(ins.command).toBe('INSERT');
    expect(ins.rowCount).toBe(2);
    const r = await c.query('SELECT * FROM sq ORDER BY id');
    expect(r.rows).toEqual([
      { id: 1, name: 'a', at: new Date('2024-01-02T03:04:05Z'), n: '1.50' },
      { id: 2, name: null, at: null, n: null },
    ]);
    expect(r.fields.map((f) => f.dataTypeID)).toEqual([23, 25, 1184, 1700]);
    await c.end();
  });

  it('streams each statement of a message and keeps them when a later one fails', async () => {
    const r = await raw();
    const ms = await r.query('SELECT 1 AS a; SELECT 1/0; SELECT 2');
    expect(summary(ms)).toEqual(['T', 'D:1', 'C:SELECT 1', 'E:22012', 'Z:I']);
    expect(summary(await r.query(''))).toEqual(['I', 'Z:I']);
    expect(summary(await r.query(';'))).toEqual(['I', 'Z:I']);
    r.close();
  });

  it('runs a multi-statement message as one implicit transaction', async () => {
    const c = await client();
    await c.query('CREATE TABLE imp (v int)');
    await expect(c.query('INSERT INTO imp VALUES (1); SELECT 1/0')).rejects.toMatchObject({
      code: '22012',
    });
    expect((await c.query('SELECT count(*)::int AS n FROM imp')).rows[0].n).toBe(0);
    // COMMIT inside the message ends it (with a warning); what follows is a new one
    await expect(
      c.query('INSERT INTO imp VALUES (2); COMMIT; INSERT INTO imp VALUES (3); SELECT 1/0'),
    ).rejects.toMatchObject({ code: '22012' });
    expect((await c.query('SELECT array_agg(v)::text AS v FROM imp')).rows[0].v).toBe('{2}');
    // BEGIN inside the message: a real block, left open and failed
    const r = await raw();
    const ms = await r.query(
      'INSERT INTO imp VALUES (4); BEGIN; INSERT INTO imp VALUES (5); SELECT 1/0',
    );
    expect(summary(ms)).toEqual(['C:INSERT 0 1', 'C:BEGIN', 'C:INSERT 0 1', 'E:22012', 'Z:E']);
    expect(summary(await r.query('ROLLBACK'))).toEqual(['C:ROLLBACK', 'Z:I']);
    r.close();
    expect((await c.query('SELECT array_agg(v)::text AS v FROM imp')).rows[0].v).toBe('{2}');
    await c.end();
  });

  it('sends errors with all their fields', async () => {
    const r = await raw();
    const ms = await r.query('SELECT * FROM no_such_table');
    const e = ms.find((m) => m.type === 'E');
    expect(e && fields(e.body)).toMatchObject({
      S: 'ERROR',
      V: 'ERROR',
      C: '42P01',
      M: 'relation "no_such_table" does not exist',
      P: '15',
    });
    r.close();
    const c = await client();
    await c.query('CREATE TABLE uq (id int PRIMARY KEY)');
    await c.query('INSERT INTO uq VALUES (1)');
    await expect(c.query('INSERT INTO uq VALUES (1)')).rejects.toMatchObject({
      code: '23505',
      detail: 'Key (id)=(1) already exists.',
    });
    await c.end();
  });

  it('sends notices and reports changed GUCs with ParameterStatus', async () => {
    const c = await client();
    const notices: {
      severity?: string | undefined;
      code?: string | undefined;
      message?: string | undefined;
    }[] = [];
    c.on('notice', (n) => notices.push(n));
    await c.query('ROLLBACK');
    expect(notices.map((n) => [n.severity, n.code, n.message])).toEqual([
      ['WARNING', '25P01', 'there is no transaction in progress'],
    ]);
    await c.end();
    const r = await raw();
    const ms = await r.query("SET application_name = 'x2'");
    expect(ms.map((m) => m.type)).toEqual(['C', 'S', 'Z']);
    expect(ms[1]?.body.toString('utf8')).toBe('application_name\0x2\0');
    // a rolled-back SET is reported again
    const b = await r.query("BEGIN; SET TimeZone = 'Europe/Paris'; ROLLBACK");
    const statuses = b.filter((m) => m.type === 'S').map((m) => m.body.toString('utf8'));
    expect(statuses).toEqual([]);
    r.close();
  });

  it('rolls back an open transaction on Terminate and on EOF', async () => {
    const c = await client();
    await c.query('CREATE TABLE term (v int)');
    const r = await raw();
    expect(summary(await r.query('BEGIN; INSERT INTO term VALUES (1)'))).toEqual([
      'C:BEGIN',
      'C:INSERT 0 1',
      'Z:T',
    ]);
    r.write(message('X'));
    expect(await r.read()).toBeUndefined();
    const r2 = await raw();
    expect(summary(await r2.query('BEGIN; INSERT INTO term VALUES (2)')).at(-1)).toBe('Z:T');
    r2.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await c.query('SELECT count(*)::int AS n FROM term')).rows[0].n).toBe(0);
    await c.end();
  });
});

describe('COPY', () => {
  it('COPY FROM STDIN and TO STDOUT over a raw socket', async () => {
    const r = await raw();
    await r.query('CREATE TABLE cp (a int, b text)');
    r.write(message('Q', cstring('COPY cp FROM STDIN')));
    const g = await r.read();
    expect(g?.type).toBe('G');
    expect(g?.body.readInt16BE(1)).toBe(2);
    r.write(
      Buffer.concat([
        message('d', Buffer.from('1\tone\n2\t')),
        message('H'),
        message('d', Buffer.from('two\n')),
        message('c'),
      ]),
    );
    expect(summary(await r.untilReady())).toEqual(['C:COPY 2', 'Z:I']);
    // CopyFail
    r.write(message('Q', cstring('COPY cp FROM STDIN')));
    expect((await r.read())?.type).toBe('G');
    r.write(
      Buffer.concat([
        message('d', Buffer.from('3\tthree\n')),
        message('f', cstring('client gave up')),
      ]),
    );
    const fail = await r.untilReady();
    const e = fail.find((m) => m.type === 'E');
    expect(e && fields(e.body)).toMatchObject({
      C: '57014',
      M: 'COPY from stdin failed: client gave up',
    });
    // a bad row: the error comes at once, the rest of the data is ignored
    r.write(message('Q', cstring('COPY cp FROM STDIN')));
    expect((await r.read())?.type).toBe('G');
    r.write(
      Buffer.concat([
        message('d', Buffer.from('x\tbad\n')),
        message('d', Buffer.from('4\tfour\n')),
        message('c'),
      ]),
    );
    const bad = await r.untilReady();
    expect(summary(bad)).toEqual(['E:22P02', 'Z:I']);
    expect(summary(await r.query('SELECT 1'))).toEqual(['T', 'D:1', 'C:SELECT 1', 'Z:I']);
    const out = await r.query('COPY (SELECT * FROM cp ORDER BY a) TO STDOUT');
    expect(summary(out)).toEqual(['H', 'd', 'c', 'C:COPY 2', 'Z:I']);
    expect(out[1]?.body.toString('utf8')).toBe('1\tone\n2\ttwo\n');
    const none = await r.query('COPY (SELECT 1 WHERE false) TO STDOUT');
    expect(summary(none)).toEqual(['H', 'c', 'C:COPY 0', 'Z:I']);
    r.close();
  });

  it("psql's \\copy in and out", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgts-copy-'));
    try {
      const file = join(dir, 'in.csv');
      writeFileSync(file, 'id,name\n1,alpha\n2,"b,c"\n');
      await psql(['-h', '127.0.0.1', '-c', 'CREATE TABLE pc (id int, name text)']);
      const a = await psql([
        '-h',
        '127.0.0.1',
        '-c',
        `\\copy pc FROM '${file}' WITH (FORMAT csv, HEADER)`,
      ]);
      expect(a.stdout.trim()).toBe('COPY 2');
      const b = await psql([
        '-h',
        '127.0.0.1',
        '-c',
        '\\copy (SELECT * FROM pc ORDER BY id) TO STDOUT WITH (FORMAT csv)',
      ]);
      expect(b.stdout).toBe('1,alpha\n2,"b,c"\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('psql', () => {
  it('connects over TCP and the Unix socket', async () => {
    const tcp = await psql(['-h', '127.0.0.1', '-At', '-c', 'SELECT 1 + 1']);
    expect(tcp.stdout).toBe('2\n');
    const unix = await psql(['-h', socketDir, '-At', '-c', "SELECT 'unix'"]);
    expect(unix.stdout).toBe('unix\n');
  });

  it('runs a script with -f, with errors reported as psql prints them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgts-script-'));
    try {
      const file = join(dir, 's.sql');
      writeFileSync(
        file,
        [
          'CREATE TABLE script (id int PRIMARY KEY, v text);',
          "INSERT INTO script VALUES (1, 'x'), (2, 'y');",
          'SELECT * FROM script ORDER BY id;',
          'SELECT 1/0;',
          'UPDATE script SET v = v || v WHERE id = 2;',
          'SELECT v FROM script WHERE id = 2;',
          'COPY script (id, v) FROM stdin;',
          '3\tthree',
          '4\t\\N',
          '\\.',
          'SELECT count(*) FROM script WHERE v IS NULL;',
          '',
        ].join('\n'),
      );
      const out = await psql(['-h', '127.0.0.1', '-f', file]);
      expect(out.stdout).toBe(
        [
          'CREATE TABLE',
          'INSERT 0 2',
          ' id | v ',
          '----+---',
          '  1 | x',
          '  2 | y',
          '(2 rows)',
          '',
          'UPDATE 1',
          ' v  ',
          '----',
          ' yy',
          '(1 row)',
          '',
          'COPY 2',
          ' count ',
          '-------',
          '     1',
          '(1 row)',
          '',
          '',
        ].join('\n'),
      );
      expect(out.stderr).toContain('ERROR:  division by zero');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('extended query', () => {
  it('runs parameterised and prepared statements through node-postgres', async () => {
    const c = await client();
    await c.query('CREATE TABLE ext (id int PRIMARY KEY, name text)');
    await c.query('INSERT INTO ext VALUES ($1, $2), ($3, $4)', [1, 'one', 2, 'two']);
    const r = await c.query({
      name: 'by-id',
      text: 'SELECT name FROM ext WHERE id = $1',
      values: [2],
    });
    expect(r.rows).toEqual([{ name: 'two' }]);
    const again = await c.query({
      name: 'by-id',
      text: 'SELECT name FROM ext WHERE id = $1',
      values: [1],
    });
    expect(again.rows).toEqual([{ name: 'one' }]);
    await expect(c.query('SELECT $1::int / 0', [1])).rejects.toMatchObject({ code: '22012' });
    expect((await c.query('SELECT count(*)::int AS n FROM ext')).rows[0].n).toBe(2);
    await c.end();
  });

  it('suspends a portal at max rows and skips to Sync after an error', async () => {
    const r = await raw();
    const parse = message(
      'P',
      Buffer.concat([
        cstring('s1'),
        cstring('SELECT g FROM generate_series(1, 5) g'),
        Buffer.from([0, 0]),
      ]),
    );
    const bind = message(
      'B',
      Buffer.concat([cstring('p1'), cstring('s1'), Buffer.from([0, 0, 0, 0, 0, 0])]),
    );
    const exec = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(n);
      return message('E', Buffer.concat([cstring('p1'), b]));
    };
    r.write(
      Buffer.concat([
        parse,
        bind,
        message('D', Buffer.concat([Buffer.from('P'), cstring('p1')])),
        exec(2),
        exec(2),
        exec(0),
        message('S'),
      ]),
    );
    expect(summary(await r.untilReady())).toEqual([
      '1',
      '2',
      'T',
      'D:1',
      'D:2',
      's',
      'D:3',
      'D:4',
      's',
      'D:5',
      'C:SELECT 1',
      'Z:I',
    ]);
    // an error skips what follows up to Sync
    const bad = message(
      'P',
      Buffer.concat([cstring(''), cstring('SELECT 1/0'), Buffer.from([0, 0])]),
    );
    const bind0 = message(
      'B',
      Buffer.concat([cstring(''), cstring(''), Buffer.from([0, 0, 0, 0, 0, 0])]),
    );
    const exec0 = message('E', Buffer.concat([cstring(''), Buffer.alloc(4)]));
    r.write(Buffer.concat([bad, bind0, exec0, parse, message('S')]));
    const ms = await r.untilReady();
    expect(summary(ms)).toEqual(['1', '2', 'E:22012', 'Z:I']);
    r.close();
  });
});

describe('hostile input', () => {
  it('closes only the offending connection with 08P01', async () => {
    const c = await client();
    for (const bytes of [
      Buffer.from([0x01, 0, 0, 0, 4]), // unknown type
      Buffer.from([0x51, 0, 0, 0, 2]), // length below 4
      Buffer.from([0x53, 0x7f, 0, 0, 0]), // a Sync claiming 2 GB
      message('D', Buffer.from('Zname\0')), // bad Describe kind
      message('B', Buffer.from([0, 0, 0xff, 0xff])), // negative count
      message('p', Buffer.from('pw\0')), // a password out of place
    ]) {
      const r = await raw();
      r.write(bytes);
      const ms: string[] = [];
      for (let m = await r.read(); m !== undefined; m = await r.read()) {
        ms.push(m.type === 'E' ? `E:${fields(m.body).S}:${fields(m.body).C}` : m.type);
      }
      expect(ms).toEqual(['E:FATAL:08P01']);
      expect(r.closed).toBe(true);
    }
    expect((await c.query('SELECT 42 AS x')).rows).toEqual([{ x: 42 }]);
    await c.end();
  });

  it('reports a bad startup packet and survives garbage', async () => {
    const r = await RawClient.open(server.port);
    r.write(Buffer.from([0, 0, 0x7f, 0, 1, 2, 3, 4]));
    const m = await r.read();
    expect(m && fields(m.body)).toMatchObject({
      S: 'FATAL',
      C: '08P01',
      M: 'invalid length of startup packet',
    });
    expect(await r.read()).toBeUndefined();
    const q = await RawClient.open(server.port);
    q.write(startupPacket({ user: 'postgres' }, 0x00020000));
    expect(fields((await q.read())?.body ?? Buffer.alloc(0))).toMatchObject({ C: '0A000' });
    q.close();
  });

  it('reports invalid UTF-8 in a query as an ERROR and goes on', async () => {
    const r = await raw();
    r.write(message('Q', Buffer.from([0x53, 0x45, 0xff, 0])));
    expect(summary(await r.untilReady())).toEqual(['E:22021', 'Z:I']);
    expect(summary(await r.query('SELECT 1')).at(-2)).toBe('C:SELECT 1');
    // in a Parse: the error skips to Sync
    r.write(
      Buffer.concat([
        message(
          'P',
          Buffer.concat([cstring(''), Buffer.from([0x53, 0xc3, 0x28, 0]), Buffer.from([0, 0])]),
        ),
        message('B', Buffer.concat([cstring(''), cstring(''), Buffer.from([0, 0, 0, 0, 0, 0])])),
        message('S'),
      ]),
    );
    expect(summary(await r.untilReady())).toEqual(['E:22021', 'Z:I']);
    r.close();
  });
});

describe('shutdown', () => {
  it('smart: waits for clients to leave and refuses new ones; a stale socket file is replaced', async () => {
    const db2 = await Database.open({});
    const dir = mkdtempSync(join(tmpdir(), 'pgts-smart-'));
    const s1 = await Server.start({ database: db2, port: 0, listenAddresses: ['127.0.0.1'] });
    const port = s1.port;
    await s1.close('fast');
    writeFileSync(join(dir, `.s.PGSQL.${port}`), ''); // left behind by a crash
    const s2 = await Server.start({
      database: db2,
      port,
      listenAddresses: ['127.0.0.1'],
      unixSocketDirectories: [dir],
    });
    const unix = await psql(['-h', dir, '-p', String(port), '-At', '-c', 'SELECT 3']);
    expect(unix.stdout).toBe('3\n');
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres' });
    await c.connect();
    let closed = false;
    const closing = s2.close('smart').then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(false);
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await expect(
      new pg.Client({ host: '127.0.0.1', port, user: 'postgres' }).connect(),
    ).rejects.toThrow();
    await c.end();
    await closing;
    expect(closed).toBe(true);
    await db2.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fast: clients get 57P01, their transactions roll back', async () => {
    const db2 = await Database.open({});
    const s2 = await Server.start({ database: db2, port: 0, listenAddresses: ['127.0.0.1'] });
    const r = await RawClient.open(s2.port);
    await r.startup();
    await r.query('CREATE TABLE f (v int)');
    expect(summary(await r.query('BEGIN; INSERT INTO f VALUES (1)')).at(-1)).toBe('Z:T');
    await s2.close('fast');
    const m = await r.read();
    expect(m && fields(m.body)).toMatchObject({ S: 'FATAL', C: '57P01' });
    const s = await db2.connect();
    expect((await s.query('SELECT count(*)::int AS n FROM f')).rows).toEqual([{ n: 0 }]);
    await s.close();
    await db2.close();
  });
});

describe('notifications, cancel and termination', () => {
  it('delivers NOTIFY to a listening client over the wire', async () => {
    const listener = await client();
    const got: { channel: string; payload?: string | undefined; processId: number }[] = [];
    listener.on('notification', (n) => got.push(n));
    await listener.query('LISTEN chan');
    const sender = await client();
    await sender.query("NOTIFY chan, 'hello'");
    await sender.query("SELECT pg_notify('chan', 'again')");
    const deadline = Date.now() + 5000;
    while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(got.map((n) => [n.channel, n.payload])).toEqual([
      ['chan', 'hello'],
      ['chan', 'again'],
    ]);
    await listener.end();
    await sender.end();
  });

  it('cancels a statement waiting for a lock with a CancelRequest (57014)', async () => {
    const holder = await client();
    await holder.query('CREATE TABLE cx (id int PRIMARY KEY, v int)');
    await holder.query('INSERT INTO cx VALUES (1, 0)');
    await holder.query('BEGIN');
    await holder.query('UPDATE cx SET v = 1 WHERE id = 1');
    const r = await RawClient.open(server.port);
    const ms = await r.startup();
    const key = ms.find((m) => m.type === 'K');
    expect(key).toBeDefined();
    r.write(message('Q', cstring('UPDATE cx SET v = 2 WHERE id = 1')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // a wrong key is ignored
    const wrong = await RawClient.open(server.port);
    const bad = Buffer.alloc(16);
    bad.writeInt32BE(16, 0);
    bad.writeInt32BE(80877102, 4);
    key?.body.copy(bad, 8, 0, 4);
    bad.writeInt32BE((key?.body.readInt32BE(4) ?? 0) ^ 1, 12);
    wrong.write(bad);
    expect(await wrong.read()).toBeUndefined();
    const c = await RawClient.open(server.port);
    const cancel = Buffer.alloc(16);
    cancel.writeInt32BE(16, 0);
    cancel.writeInt32BE(80877102, 4);
    key?.body.copy(cancel, 8, 0, 8);
    c.write(cancel);
    expect(await c.read()).toBeUndefined(); // the server closes the cancel connection
    const out = await r.untilReady();
    const e = out.find((m) => m.type === 'E');
    expect(e && fields(e.body)).toMatchObject({
      C: '57014',
      M: 'canceling statement due to user request',
    });
    expect(summary(await r.query('SELECT 1')).at(-2)).toBe('C:SELECT 1');
    r.close();
    await holder.query('COMMIT');
    await holder.end();
  });

  it('idle_in_transaction_session_timeout ends the connection with FATAL 25P03', async () => {
    const r = await raw();
    const ms = await r.query("SET idle_in_transaction_session_timeout = '100ms'; BEGIN");
    expect(summary(ms).at(-1)).toBe('Z:T');
    const m = await r.read(5000);
    expect(m && fields(m.body)).toMatchObject({ S: 'FATAL', C: '25P03' });
    expect(await r.read()).toBeUndefined();
  });

  it('pg_terminate_backend ends the other connection with FATAL 57P01', async () => {
    const victim = await RawClient.open(server.port);
    const ms = await victim.startup();
    const pid = ms.find((m) => m.type === 'K')?.body.readInt32BE(0);
    const c = await client();
    const r = await c.query('SELECT pg_terminate_backend($1) AS ok', [pid]);
    expect(r.rows[0].ok).toBe(true);
    const m = await victim.read();
    expect(m && fields(m.body)).toMatchObject({ S: 'FATAL', C: '57P01' });
    expect(await victim.read()).toBeUndefined();
    await c.end();
  });
});

describe('results', () => {
  it('streams a large result and COPY through the extended protocol', async () => {
    const c = await client();
    const r = await c.query('SELECT g, repeat($1, 20) AS t FROM generate_series(1, 50000) g', [
      'x',
    ]);
    expect(r.rows.length).toBe(50000);
    expect(r.rows[49999]).toEqual({ g: 50000, t: 'x'.repeat(20) });
    await c.end();
    const w = await raw();
    await w.query('CREATE TABLE xc (a int)');
    const parse = message(
      'P',
      Buffer.concat([cstring(''), cstring('COPY xc FROM STDIN'), Buffer.from([0, 0])]),
    );
    const bind = message(
      'B',
      Buffer.concat([cstring(''), cstring(''), Buffer.from([0, 0, 0, 0, 0, 0])]),
    );
    const exec = message('E', Buffer.concat([cstring(''), Buffer.alloc(4)]));
    w.write(Buffer.concat([parse, bind, exec, message('H')]));
    const first: string[] = [];
    for (;;) {
      const m = await w.read();
      if (m === undefined) break;
      first.push(m.type);
      if (m.type === 'G') break;
    }
    expect(first).toEqual(['1', '2', 'G']);
    w.write(Buffer.concat([message('d', Buffer.from('7\n8\n')), message('c'), message('S')]));
    expect(summary(await w.untilReady())).toEqual(['C:COPY 2', 'Z:I']);
    expect(summary(await w.query('SELECT sum(a) FROM xc')).slice(1, 2)).toEqual(['D:15']);
    w.close();
  });
});

describe('TLS', () => {
  it('answers SSLRequest with S and speaks TLS when ssl is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgts-tls-'));
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
    const db2 = await Database.open({});
    const s2 = await Server.start({
      database: db2,
      port: 0,
      listenAddresses: ['127.0.0.1'],
      ssl: { certFile, keyFile },
    });
    try {
      const c = new pg.Client({
        host: '127.0.0.1',
        port: s2.port,
        user: 'postgres',
        ssl: { rejectUnauthorized: false },
      });
      await c.connect();
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await c.end();
      const out = await run(PSQL, ['-X', '-At', '-c', 'SELECT 2'], {
        env: {
          ...process.env,
          PGHOST: '127.0.0.1',
          PGPORT: String(s2.port),
          PGUSER: 'postgres',
          PGSSLMODE: 'require',
        },
      });
      expect(out.stdout).toBe('2\n');
    } finally {
      await s2.close('fast');
      await db2.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('postgres.js', () => {
  it('runs tagged queries, transactions and errors', async () => {
    const postgres = (await import('postgres')).default;
    const sql = postgres({
      host: '127.0.0.1',
      port: server.port,
      user: 'postgres',
      database: 'postgres',
      max: 2,
      onnotice: () => {},
    });
    try {
      await sql`CREATE TABLE pjs (id int PRIMARY KEY, name text, n bigint)`;
      await sql`INSERT INTO pjs ${sql([
        { id: 1, name: 'a', n: 10 },
        { id: 2, name: 'b', n: 20 },
      ])}`;
      const rows = await sql`SELECT id, name FROM pjs WHERE id = ${2}`;
      expect([...rows]).toEqual([{ id: 2, name: 'b' }]);
      await sql.begin(async (tx) => {
        await tx`UPDATE pjs SET name = 'c' WHERE id = 1`;
      });
      await expect(
        sql.begin(async (tx) => {
          await tx`UPDATE pjs SET name = 'd' WHERE id = 1`;
          await tx`SELECT 1/0`;
        }),
      ).rejects.toMatchObject({ code: '22012' });
      const after = await sql`SELECT name FROM pjs WHERE id = 1`;
      expect(after[0]?.name).toBe('c');
      const many = await Promise.all([1, 2, 3, 4].map((k) => sql`SELECT ${k}::int AS k`));
      expect(many.map((r) => r[0]?.k)).toEqual([1, 2, 3, 4]);
    } finally {
      await sql.end();
    }
  });
});
