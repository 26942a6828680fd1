/**
 * Compatibility with real PostgreSQL 15:
 *
 * 1. pg_xact bytes: transactions committed, rolled back, with savepoints
 *    released and rolled back, and one left open, in a real server; after
 *    CHECKPOINT its pg_xact/0000 is read through our commit log, and every
 *    xid's status (top-level and subtransaction) is what txid_status() says.
 *    Every xid's status is also checked byte for byte against our own
 *    commit log given the same history.
 * 2. pg_current_snapshot() text: with transactions open and finished in
 *    other sessions, the snapshot PostgreSQL prints is what formatSnapshot
 *    prints for the xmin, xmax and xip PostgreSQL reports.
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Clog,
  TRANSACTION_STATUS_ABORTED,
  TRANSACTION_STATUS_COMMITTED,
  TRANSACTION_STATUS_IN_PROGRESS,
  transactionIdToPage,
  type XidStatus,
} from './internal/clog.js';
import { MemorySlruStore } from './internal/clog-store.js';
import { formatSnapshot } from './internal/snapshot.js';

type Client = Awaited<ReturnType<ReferencePostgres['connect']>>;

let pg: ReferencePostgres;
const clients: Client[] = [];

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
  await pg.query('CREATE TABLE t (id int, tag text)');
});

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  await pg?.stop();
});

async function session(): Promise<Client> {
  const c = await pg.connect();
  clients.push(c);
  return c;
}

/** the xmin of the row just inserted with this tag (a subtransaction's xid inside one) */
async function insertXid(c: Client, tag: string): Promise<number> {
  await c.query('INSERT INTO t VALUES (1, $1)', [tag]);
  const r = await c.query<{ x: string }>('SELECT xmin::text AS x FROM t WHERE tag = $1', [tag]);
  return Number(r.rows[0]?.x);
}

describe('pg_xact written by PostgreSQL 15', () => {
  it('decodes to the statuses txid_status() reports', async () => {
    const a = await session();
    const open = await session();
    const ours = new Clog({ store: new MemorySlruStore() });
    const expected = new Map<number, XidStatus>();
    const first = Number(
      (await a.query<{ x: string }>('SELECT txid_current()::text AS x')).rows[0]?.x,
    );
    ours.zeroPage(transactionIdToPage(first));
    expected.set(first, TRANSACTION_STATUS_COMMITTED); // autocommitted: txid_current() assigned it
    ours.setTreeStatus(first, [], TRANSACTION_STATUS_COMMITTED);
    for (let i = 0; i < 12; i++) {
      await a.query('BEGIN');
      const top = await insertXid(a, `top${i}`);
      const committedSubs: number[] = [];
      for (let j = 0; j < 3; j++) {
        await a.query(`SAVEPOINT s${j}`);
        const sub = await insertXid(a, `sub${i}.${j}`);
        if ((i + j) % 3 === 0) {
          await a.query(`ROLLBACK TO SAVEPOINT s${j}`);
          expected.set(sub, TRANSACTION_STATUS_ABORTED);
          ours.setTreeStatus(sub, [], TRANSACTION_STATUS_ABORTED);
        } else {
          await a.query(`RELEASE SAVEPOINT s${j}`);
          committedSubs.push(sub);
        }
      }
      const commit = i % 4 !== 3;
      await a.query(commit ? 'COMMIT' : 'ROLLBACK');
      const status = commit ? TRANSACTION_STATUS_COMMITTED : TRANSACTION_STATUS_ABORTED;
      for (const x of [top, ...committedSubs]) expected.set(x, status);
      ours.setTreeStatus(top, committedSubs, status);
    }
    await open.query('BEGIN');
    const running = await insertXid(open, 'open');
    expected.set(running, TRANSACTION_STATUS_IN_PROGRESS);
    try {
      await pg.query('CHECKPOINT');

      const store = new MemorySlruStore();
      store.putFile('0000', await pg.readDataFile('pg_xact/0000'));
      const theirs = new Clog({ store });
      const words = { 0: 'in progress', 1: 'committed', 2: 'aborted' } as Record<number, string>;
      expect(expected.size).toBeGreaterThan(40);
      for (const [xid, status] of expected) {
        const r = await pg.query<{ s: string }>('SELECT txid_status($1) AS s', [xid]);
        expect(r[0]?.s, `xid ${xid}`).toBe(words[status]);
        expect(theirs.getStatus(xid), `xid ${xid}`).toBe(status);
        expect(ours.getStatus(xid)).toBe(status);
      }
    } finally {
      await open.query('ROLLBACK');
    }
  });
});

describe('pg_current_snapshot()', () => {
  it('prints as formatSnapshot does', async () => {
    const s1 = await session();
    const s2 = await session();
    const s3 = await session();
    for (const s of [s1, s2, s3]) {
      await s.query('BEGIN');
      await s.query('SELECT txid_current()');
    }
    // the newest commits, so the two older ones are below xmax and listed in xip
    await s3.query('COMMIT');
    const texts: string[] = [];
    for (let round = 0; round < 2; round++) {
      const r = await pg.query<{ text: string; xmin: string; xmax: string; xip: string[] }>(
        `SELECT s::text AS text, pg_snapshot_xmin(s)::text AS xmin, pg_snapshot_xmax(s)::text AS xmax,
                array(SELECT x::text FROM pg_snapshot_xip(s) AS x) AS xip
           FROM pg_current_snapshot() AS s`,
      );
      const row = r[0];
      if (row === undefined) throw new Error('no row');
      const xmax = Number(row.xmax);
      // PostgreSQL's xip is sorted; give ours unsorted, with a duplicate, to check we sort and dedupe
      const xip = row.xip.map(Number).reverse();
      const snap = {
        xmin: Number(row.xmin),
        xmax,
        xip: [...xip, ...xip.slice(0, 1)],
        subxip: [],
        suboverflowed: false,
        curcid: 0,
      };
      expect(formatSnapshot(snap, BigInt(xmax))).toBe(row.text);
      texts.push(row.text);
      await s1.query('COMMIT');
    }
    expect(texts[0]?.split(':')[2]?.split(',').length).toBe(2);
    expect(texts[1]?.split(':')[2]?.split(',').length).toBe(1);
    await s2.query('COMMIT');
  });
});
