/**
 * Multi-statement Query messages (the implicit transaction block) against
 * real PostgreSQL 15: the same messages over a raw socket to both servers
 * must give the same backend messages (types, rows, tags, SQLSTATEs,
 * transaction status; ParameterStatus aside, whose timing PostgreSQL 15
 * reports at each SET) and leave the same rows.
 */
import { Database } from '@pg/engine';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { Server } from '@pg/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cstring, fields, message, RawClient, summary } from './internal/test-wire.js';

let ref: ReferencePostgres;
let db: Database;
let server: Server;

beforeAll(async () => {
  ref = await startReferencePostgres({ extensions: [] });
  db = await Database.open({});
  server = await Server.start({ database: db, port: 0, listenAddresses: ['127.0.0.1'] });
});

afterAll(async () => {
  await server?.close('fast');
  await db?.close();
  await ref?.stop();
});

const MESSAGES = [
  'CREATE TABLE m (v int)',
  'INSERT INTO m VALUES (1); SELECT 1/0',
  'INSERT INTO m VALUES (2); COMMIT; INSERT INTO m VALUES (3); SELECT 1/0',
  'INSERT INTO m VALUES (4); ROLLBACK; INSERT INTO m VALUES (5)',
  'INSERT INTO m VALUES (6); BEGIN; INSERT INTO m VALUES (7); SELECT 1/0',
  'SELECT 1',
  'ROLLBACK',
  'BEGIN; INSERT INTO m VALUES (8); COMMIT; INSERT INTO m VALUES (9); SELECT 1/0',
  'SAVEPOINT a; SELECT 1',
  'INSERT INTO m VALUES (10); SAVEPOINT a',
  'BEGIN; INSERT INTO m VALUES (11)',
  'SELECT 1/0; SELECT 2',
  'COMMIT',
  'SELECT 1; ; SELECT 2',
  '',
  ';',
  'SELECT 1; SELEC 2',
  "SET application_name = 'q'; SELECT 1/0",
  'SHOW application_name',
  'BEGIN; SELECT 1; COMMIT; SELECT 2',
  'INSERT INTO m VALUES (12) RETURNING v; INSERT INTO m VALUES (13) RETURNING v * 2',
  'SELECT 1; VACUUM m',
  'VACUUM m',
  'SELECT 1; CREATE DATABASE implicit_db',
  'SELECT v FROM m ORDER BY v',
];

/** Each message's backend messages, ParameterStatus left out, errors with their text. */
async function transcript(port: number): Promise<string[][]> {
  const r = await RawClient.open(port);
  await r.startup();
  const out: string[][] = [];
  for (const sql of MESSAGES) {
    const ms = (await r.query(sql)).filter((m) => m.type !== 'S');
    out.push(
      summary(ms).map((s, k) => {
        const m = ms[k];
        if (m !== undefined && (m.type === 'E' || m.type === 'N'))
          return `${s} ${fields(m.body).M}`;
        return s;
      }),
    );
  }
  r.close();
  return out;
}

it('gives the same messages and rows as PostgreSQL 15', async () => {
  const ours = await transcript(server.port);
  const theirs = await transcript(ref.port);
  for (let k = 0; k < MESSAGES.length; k++) {
    expect({ sql: MESSAGES[k], messages: ours[k] }).toEqual({
      sql: MESSAGES[k],
      messages: theirs[k],
    });
  }
});

/** An error at Execute (PostgreSQL folds 1/0 at Bind already, a planning difference). */
const FAIL = 'SELECT 1 / count(*)::int FROM x WHERE false';

/** Extended-protocol batches: each statement as Parse, Bind, Execute; one Sync at the end. */
const BATCHES = [
  ['CREATE TABLE x (v int)'],
  ['INSERT INTO x VALUES (1)', FAIL, 'INSERT INTO x VALUES (2)'],
  ['INSERT INTO x VALUES (3)', 'INSERT INTO x VALUES (4)'],
  ['INSERT INTO x VALUES (5)', 'BEGIN', 'INSERT INTO x VALUES (6)'],
  ['ROLLBACK'],
  ['INSERT INTO x VALUES (7)', 'COMMIT', 'INSERT INTO x VALUES (8)', FAIL],
  ['SAVEPOINT a'],
  ['BEGIN', 'INSERT INTO x VALUES (9)', FAIL],
  ['SELECT 1'],
  ['ROLLBACK'],
  ['', 'SELECT v FROM x ORDER BY v'],
  ['SELECT 1; SELECT 2'],
];

function extendedBatch(statements: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const sql of statements) {
    parts.push(message('P', Buffer.concat([cstring(''), cstring(sql), Buffer.from([0, 0])])));
    parts.push(
      message('B', Buffer.concat([cstring(''), cstring(''), Buffer.from([0, 0, 0, 0, 0, 0])])),
    );
    parts.push(message('D', Buffer.concat([Buffer.from('P'), cstring('')])));
    parts.push(message('E', Buffer.concat([cstring(''), Buffer.alloc(4)])));
  }
  parts.push(message('S'));
  return Buffer.concat(parts);
}

async function extendedTranscript(port: number): Promise<string[][]> {
  const r = await RawClient.open(port);
  await r.startup();
  const out: string[][] = [];
  for (const batch of BATCHES) {
    r.write(extendedBatch(batch));
    const ms = (await r.untilReady()).filter((m) => m.type !== 'S');
    out.push(
      summary(ms).map((s, k) => {
        const m = ms[k];
        if (m !== undefined && (m.type === 'E' || m.type === 'N'))
          return `${s} ${fields(m.body).M}`;
        return s;
      }),
    );
  }
  r.close();
  return out;
}

it('runs an extended-protocol batch as one implicit transaction up to Sync, as PostgreSQL 15', async () => {
  const ours = await extendedTranscript(server.port);
  const theirs = await extendedTranscript(ref.port);
  for (let k = 0; k < BATCHES.length; k++) {
    expect({ batch: BATCHES[k], messages: ours[k] }).toEqual({
      batch: BATCHES[k],
      messages: theirs[k],
    });
  }
});
