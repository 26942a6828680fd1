/**
 * Fuzzing the running server: random and mutated protocol streams (most
 * after a valid startup, so they reach the message loop) for a bounded
 * time, while a node-postgres client keeps committing INSERTs and reading
 * them back. The server must stay up, end every fuzzed connection (no
 * session left behind), and the committer must see every commit.
 * PG_SLOW_TESTS=1 fuzzes for a minute instead of a few seconds.
 */
import { Database } from '@pg/engine';
import { Server } from '@pg/server';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cstring, message, RawClient, startupPacket } from './internal/test-wire.js';

const FUZZ_MS = process.env.PG_SLOW_TESTS === '1' ? 60_000 : 4_000;

let db: Database;
let server: Server;

beforeAll(async () => {
  db = await Database.open({});
  server = await Server.start({ database: db, port: 0, listenAddresses: ['127.0.0.1'] });
  const s = await db.connect();
  await s.query('CREATE TABLE ledger (k int PRIMARY KEY)');
  await s.query('CREATE TABLE fz (a int, b text)');
  await s.close();
});

afterAll(async () => {
  await server?.close('immediate');
  await db?.close();
});

const SQL = [
  'SELECT 1',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'INSERT INTO fz VALUES (1, $$x$$)',
  'SELECT * FROM fz',
  'SELECT 1/0',
  'COPY fz FROM STDIN',
  'COPY fz TO STDOUT',
  'SELECT $1::int',
  "SET application_name = 'fz'",
  'SELECT pg_sleep(0)',
  '',
  'SELEC',
  'SELECT 1; SELECT 2',
];

const i16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v & 0xffff, 0);
  return b;
};
const i32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v | 0, 0);
  return b;
};

const sql = fc.constantFrom(...SQL);
const nm = fc.constantFrom('', 's1', 'p1');
const validMessage: fc.Arbitrary<Buffer> = fc.oneof(
  sql.map((q) => message('Q', cstring(q))),
  fc
    .tuple(nm, sql, fc.array(fc.constantFrom(0, 23, 25, 99999), { maxLength: 2 }))
    .map(([n, q, types]) =>
      message('P', Buffer.concat([cstring(n), cstring(q), i16(types.length), ...types.map(i32)])),
    ),
  fc
    .tuple(
      nm,
      nm,
      fc.array(fc.constantFrom(0, 1, 7), { maxLength: 2 }),
      fc.array(fc.option(fc.constantFrom('1', 'x', '\u0000\u0000\u0000\u0001'), { nil: null }), {
        maxLength: 2,
      }),
      fc.array(fc.constantFrom(0, 1), { maxLength: 2 }),
    )
    .map(([p, s, pf, params, rf]) =>
      message(
        'B',
        Buffer.concat([
          cstring(p),
          cstring(s),
          i16(pf.length),
          ...pf.map(i16),
          i16(params.length),
          ...params.map((v) =>
            v === null ? i32(-1) : Buffer.concat([i32(Buffer.byteLength(v)), Buffer.from(v)]),
          ),
          i16(rf.length),
          ...rf.map(i16),
        ]),
      ),
    ),
  fc
    .tuple(fc.constantFrom('S', 'P'), nm)
    .map(([k, n]) => message('D', Buffer.concat([Buffer.from(k), cstring(n)]))),
  fc
    .tuple(fc.constantFrom('S', 'P'), nm)
    .map(([k, n]) => message('C', Buffer.concat([Buffer.from(k), cstring(n)]))),
  fc
    .tuple(nm, fc.integer({ min: -1, max: 3 }))
    .map(([n, rows]) => message('E', Buffer.concat([cstring(n), i32(rows)]))),
  fc.constant(message('S')),
  fc.constant(message('H')),
  fc.constantFrom('1\tx\n', 'bad\n', '\\.\n').map((d) => message('d', Buffer.from(d))),
  fc.constant(message('c')),
  fc.constant(message('f', cstring('fuzz'))),
  fc.constant(message('X')),
);

const mutation = fc.record({
  kind: fc.constantFrom('flip', 'insert', 'delete', 'truncate', 'none', 'none'),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 255 }),
});

/** Startup parameters: mostly valid, sometimes an unknown role, database, option or GUC. */
const startupParams = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ user: 'postgres', database: 'postgres' }) },
  {
    weight: 1,
    arbitrary: fc.record({
      user: fc.constantFrom('postgres', 'nobody', ''),
      database: fc.constantFrom('postgres', 'nodb', 'template0'),
      options: fc.constantFrom('', '-c work_mem=1MB', '-c', '--x', '-c nope=1', 'garbage'),
      application_name: fc.string({ maxLength: 5 }),
      search_path: fc.constantFrom('public', 'a,b', '"'),
    }),
  },
);

const stream = fc
  .tuple(
    fc.constantFrom('startup', 'startup', 'startup', 'ssl', 'garbage'),
    fc.array(validMessage, { maxLength: 10 }),
    fc.array(mutation, { maxLength: 3 }),
    fc.uint8Array({ maxLength: 16 }),
    startupParams,
  )
  .map(([start, messages, mutations, junk, params]) => {
    const head =
      start === 'garbage'
        ? Buffer.from(junk)
        : Buffer.concat([
            ...(start === 'ssl' ? [Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])] : []),
            startupPacket(params),
          ]);
    const body = [...Buffer.concat(messages)];
    for (const m of mutations) {
      const at = body.length === 0 ? 0 : m.at % body.length;
      if (m.kind === 'flip') body[at] = m.value;
      else if (m.kind === 'insert') body.splice(at, 0, m.value);
      else if (m.kind === 'delete') body.splice(at, 1);
      else if (m.kind === 'truncate') body.length = at;
    }
    return Buffer.concat([head, Buffer.from(body)]);
  });

/** Sends the stream in two pieces, reads whatever comes for a moment, then drops the socket. */
async function fuzzOnce(bytes: Buffer, cut: number): Promise<void> {
  const r = await RawClient.open(server.port);
  const at = bytes.length === 0 ? 0 : cut % bytes.length;
  r.write(bytes.subarray(0, at));
  r.write(bytes.subarray(at));
  const until = Date.now() + 25;
  try {
    while (Date.now() < until) {
      const m = await r.read(until - Date.now());
      if (m === undefined) break;
    }
  } catch {
    // timed out waiting: the server is waiting for more input
  }
  r.close();
}

it(
  'survives random and mutated messages while another client keeps committing',
  async () => {
    const committer = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres' });
    await committer.connect();
    const committed: number[] = [];
    let stop = false;
    let committerError: unknown;
    const committing = (async () => {
      let k = 0;
      while (!stop) {
        k++;
        await committer.query('INSERT INTO ledger VALUES ($1)', [k]);
        committed.push(k);
        if (k % 10 === 0) {
          const r = await committer.query('SELECT count(*)::int AS n, max(k) AS m FROM ledger');
          expect(r.rows[0]).toEqual({ n: committed.length, m: k });
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })().catch((err) => {
      committerError = err;
    });

    let cases = 0;
    await fc.assert(
      // four connections at a time
      fc.asyncProperty(
        fc.array(fc.tuple(stream, fc.nat()), { minLength: 4, maxLength: 4 }),
        async (streams) => {
          cases += streams.length;
          await Promise.all(streams.map(([bytes, cut]) => fuzzOnce(bytes, cut)));
        },
      ),
      { numRuns: 1_000_000, interruptAfterTimeLimit: FUZZ_MS, markInterruptAsFailure: false },
    );
    stop = true;
    await committing;
    expect(committerError).toBeUndefined();
    console.log(`fuzz: ${cases} streams, ${committed.length} commits`);
    expect(cases).toBeGreaterThan(10);
    expect(committed.length).toBeGreaterThan(10);

    // every fuzzed connection ended: only the committer is left
    const deadline = Date.now() + 5_000;
    while (server.connectionCount > 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(server.connectionCount).toBe(1);

    // a fresh client sees every commit
    const check = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres' });
    await check.connect();
    const r = await check.query('SELECT k FROM ledger ORDER BY k');
    expect(r.rows.map((row) => row.k)).toEqual(committed);
    await check.end();
    await committer.end();
  },
  FUZZ_MS + 60_000,
);
