/**
 * Freezing against real PostgreSQL 15: the same logical rows — plain
 * inserts, a row locked FOR SHARE by a committed transaction, a row
 * deleted by a transaction that rolled back, a row FOR KEY SHARE locked by
 * two committed transactions (a multi) — are made in a table there and
 * here; then VACUUM FREEZE there and freezePage here (cutoffs: every xid
 * and multi so far). heap_page_items' t_infomask and t_infomask2 flags
 * (the attribute count masked off) and whether t_xmax is 0 must be the
 * same for each row; xids are not compared.
 */
import { attachMultiXacts, MemorySlruStore, MultiXacts, type UpdateContext } from '@pg/mvcc';
import { Page } from '@pg/page';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deformHeapTuple,
  freezePage,
  HEAP_NATTS_MASK,
  infomaskFlagNames,
  tupleInfomask,
  tupleInfomask2,
  tupleXmax,
} from './index.js';
import { byKey, sessionSetup } from './internal/session-harness.js';

let pg: ReferencePostgres;

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: ['pageinspect'] });
});

afterAll(async () => {
  await pg?.stop();
});

type Row = Record<number, { infomask: number; infomask2: number; xmaxZero: boolean }>;

async function onPostgres(): Promise<Row> {
  await pg.query('CREATE TABLE f (k int PRIMARY KEY, v int) WITH (autovacuum_enabled = off)');
  await pg.query('INSERT INTO f SELECT g, g * 10 FROM generate_series(1, 5) g');
  const a = await pg.connect();
  const b = await pg.connect();
  try {
    await a.query('BEGIN');
    await a.query('SELECT * FROM f WHERE k = 2 FOR SHARE');
    await a.query('COMMIT');
    await a.query('BEGIN');
    await a.query('DELETE FROM f WHERE k = 3');
    await a.query('ROLLBACK');
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query('SELECT * FROM f WHERE k = 4 FOR KEY SHARE');
    await b.query('SELECT * FROM f WHERE k = 4 FOR KEY SHARE');
    await a.query('COMMIT');
    await b.query('COMMIT');
  } finally {
    await a.end();
    await b.end();
  }
  await pg.query('VACUUM FREEZE f');
  const items = await pg.query<{
    t_xmax: string;
    t_infomask: number;
    t_infomask2: number;
    k: number;
  }>(
    "SELECT t_xmax::text AS t_xmax, t_infomask, t_infomask2, (SELECT k FROM f WHERE ctid = ('(0,' || lp || ')')::tid) AS k FROM heap_page_items(get_raw_page('f', 0)) WHERE lp_flags = 1",
  );
  const out: Row = {};
  for (const i of items) {
    out[i.k] = {
      infomask: i.t_infomask,
      infomask2: i.t_infomask2 & ~HEAP_NATTS_MASK,
      xmaxZero: i.t_xmax === '0',
    };
  }
  return out;
}

async function here(): Promise<Row> {
  const s = sessionSetup();
  const mx = new MultiXacts({
    offsetsStore: new MemorySlruStore(),
    membersStore: new MemorySlruStore(),
  });
  attachMultiXacts(s.transam, mx);
  const t = s.table;
  t.begin(9, 'read committed');
  for (let g = 1; g <= 5; g++) t.insert(9, [g, g * 10]);
  await t.commit(9);
  t.begin(1, 'read committed');
  await t.lockRows(1, byKey(2), 'share');
  await t.commit(1);
  t.begin(1, 'read committed');
  await t.delete(1, byKey(3));
  t.rollback(1);
  t.begin(1, 'read committed');
  t.begin(2, 'read committed');
  await t.lockRows(1, byKey(4), 'key share');
  await t.lockRows(2, byKey(4), 'key share');
  await t.commit(1);
  await t.commit(2);
  const ctx: UpdateContext = {
    log: s.transam,
    isCurrentTransactionId: () => false,
    isInProgress: () => false,
  };
  // VACUUM reads every tuple first (its hint bits), then freezes
  t.begin(8, 'read committed');
  t.read(8, () => true);
  t.rollback(8);
  // the cutoffs: every xid and multi made so far (a fresh xid is newer than all)
  t.begin(7, 'read committed');
  const freezeLimit = s.manager.getXid(7);
  t.rollback(7);
  freezePage(s.heap, 0, { freezeLimit, multiFreezeLimit: mx.nextMulti }, ctx);
  const page = Page.wrap(s.heap.readCopy(0));
  const out: Row = {};
  for (let off = 1; off <= page.maxOffsetNumber; off++) {
    const item = page.mustItem(off);
    const k = deformHeapTuple(s.heap.types, item)[0] as number;
    out[k] = {
      infomask: tupleInfomask(item),
      infomask2: tupleInfomask2(item) & ~HEAP_NATTS_MASK,
      xmaxZero: tupleXmax(item) === 0,
    };
  }
  return out;
}

describe('freezePage against VACUUM FREEZE', () => {
  it('leaves the same infomask flags on the same logical rows', async () => {
    const theirs = await onPostgres();
    const ours = await here();
    const names = (r: Row) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          { flags: infomaskFlagNames(v.infomask, v.infomask2), xmaxZero: v.xmaxZero },
        ]),
      );
    expect(names(ours)).toEqual(names(theirs));
  });
});
