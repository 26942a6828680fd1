/**
 * Multixacts against real PostgreSQL 15: the same lock sequences (two and
 * three sessions, FOR SHARE / FOR KEY SHARE / FOR NO KEY UPDATE next to
 * each other, a no-key UPDATE next to KEY SHARE lockers, a subtransaction
 * strengthening its parent's lock, a member that ended before the next
 * locker came) run on a table (k int PRIMARY KEY, v int) there and on our
 * session layer here. Afterwards the first tuple's header is compared:
 * HEAP_XMAX_IS_MULTI, HEAP_XMAX_LOCK_ONLY, the KEYSHR/EXCL bits and
 * HEAP_KEYS_UPDATED (pageinspect's heap_page_items), and the multi's
 * members (pg_get_multixact_members) as (session, status) pairs in order —
 * xids and multi ids themselves differ between the two and are not
 * compared.
 */
import {
  attachMultiXacts,
  MemorySlruStore,
  MultiXacts,
  multiXactStatusName,
  type TransactionId,
} from '@pg/mvcc';
import { Page } from '@pg/page';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HEAP_KEYS_UPDATED,
  HEAP_XMAX_EXCL_LOCK,
  HEAP_XMAX_IS_MULTI,
  HEAP_XMAX_KEYSHR_LOCK,
  HEAP_XMAX_LOCK_ONLY,
  type RowLockStrength,
  tupleInfomask,
  tupleInfomask2,
  tupleXmax,
} from './index.js';
import { addTo, byKey, sessionSetup } from './internal/session-harness.js';

type Step =
  | { s: number; op: 'lock'; mode: RowLockStrength }
  | { s: number; op: 'update' }
  | { s: number; op: 'savepoint' | 'commit' | 'rollback' };

const BITS = HEAP_XMAX_IS_MULTI | HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_KEYSHR_LOCK | HEAP_XMAX_EXCL_LOCK;

interface Seen {
  bits: number;
  keysUpdated: boolean;
  members: string[];
}

const SCRIPTS: Record<string, Step[]> = {
  'FOR SHARE + FOR SHARE': [
    { s: 1, op: 'lock', mode: 'share' },
    { s: 2, op: 'lock', mode: 'share' },
  ],
  'FOR KEY SHARE + FOR KEY SHARE': [
    { s: 1, op: 'lock', mode: 'key share' },
    { s: 2, op: 'lock', mode: 'key share' },
  ],
  'FOR KEY SHARE + FOR SHARE': [
    { s: 1, op: 'lock', mode: 'key share' },
    { s: 2, op: 'lock', mode: 'share' },
  ],
  'FOR KEY SHARE + FOR NO KEY UPDATE': [
    { s: 1, op: 'lock', mode: 'key share' },
    { s: 2, op: 'lock', mode: 'no key update' },
  ],
  'FOR NO KEY UPDATE + FOR KEY SHARE': [
    { s: 1, op: 'lock', mode: 'no key update' },
    { s: 2, op: 'lock', mode: 'key share' },
  ],
  'FOR KEY SHARE + UPDATE of a non-key column': [
    { s: 1, op: 'lock', mode: 'key share' },
    { s: 2, op: 'update' },
  ],
  'UPDATE of a non-key column + FOR KEY SHARE': [
    { s: 1, op: 'update' },
    { s: 2, op: 'lock', mode: 'key share' },
  ],
  'three: FOR SHARE, FOR KEY SHARE, FOR KEY SHARE': [
    { s: 1, op: 'lock', mode: 'share' },
    { s: 2, op: 'lock', mode: 'key share' },
    { s: 3, op: 'lock', mode: 'key share' },
  ],
  'three: two KEY SHARE lockers and a no-key UPDATE': [
    { s: 1, op: 'lock', mode: 'key share' },
    { s: 2, op: 'lock', mode: 'key share' },
    { s: 3, op: 'update' },
  ],
  'a subtransaction strengthening its parent lock': [
    { s: 1, op: 'lock', mode: 'key share' },
    { s: 1, op: 'savepoint' },
    { s: 1, op: 'lock', mode: 'update' },
  ],
  'a member that committed is dropped by the next locker': [
    { s: 1, op: 'lock', mode: 'share' },
    { s: 2, op: 'lock', mode: 'share' },
    { s: 1, op: 'commit' },
    { s: 3, op: 'lock', mode: 'share' },
  ],
  'all lockers ended: a plain xmax again': [
    { s: 1, op: 'lock', mode: 'share' },
    { s: 2, op: 'lock', mode: 'share' },
    { s: 1, op: 'commit' },
    { s: 2, op: 'rollback' },
    { s: 3, op: 'lock', mode: 'key share' },
  ],
};

let pg: ReferencePostgres;

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: ['pageinspect'] });
  await pg.query('CREATE TABLE t (k int PRIMARY KEY, v int) WITH (autovacuum_enabled = off)');
});

afterAll(async () => {
  await pg?.stop();
});

function label(xid: TransactionId, tops: Map<number, TransactionId>): string {
  for (const [s, x] of tops) if (x === xid) return `s${s}`;
  return 'sub';
}

async function onPostgres(steps: readonly Step[]): Promise<Seen> {
  await pg.query('DROP TABLE IF EXISTS t');
  await pg.query('CREATE TABLE t (k int PRIMARY KEY, v int) WITH (autovacuum_enabled = off)');
  await pg.query('INSERT INTO t VALUES (1, 10)');
  const clients = new Map<number, Awaited<ReturnType<ReferencePostgres['connect']>>>();
  const tops = new Map<number, TransactionId>();
  try {
    for (const st of steps) {
      let c = clients.get(st.s);
      if (c === undefined) {
        c = await pg.connect();
        await c.query('BEGIN');
        clients.set(st.s, c);
      }
      if (st.op === 'lock')
        await c.query(`SELECT * FROM t WHERE k = 1 FOR ${st.mode.toUpperCase()}`);
      else if (st.op === 'update') await c.query('UPDATE t SET v = v + 1 WHERE k = 1');
      else if (st.op === 'savepoint') await c.query('SAVEPOINT a');
      else await c.query(st.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
      if (!tops.has(st.s) && (st.op === 'lock' || st.op === 'update')) {
        const [r] = (await c.query('SELECT txid_current()::text AS x')).rows as { x: string }[];
        tops.set(st.s, Number(r!.x));
      }
    }
    const [item] = await pg.query<{ t_xmax: string; t_infomask: number; t_infomask2: number }>(
      "SELECT t_xmax::text AS t_xmax, t_infomask, t_infomask2 FROM heap_page_items(get_raw_page('t', 0)) WHERE lp = 1",
    );
    const mask = item!.t_infomask;
    const members =
      (mask & HEAP_XMAX_IS_MULTI) !== 0
        ? (
            await pg.query<{ xid: string; mode: string }>(
              'SELECT xid::text AS xid, mode FROM pg_get_multixact_members($1::text::xid)',
              [item!.t_xmax],
            )
          ).map((m) => `${label(Number(m.xid), tops)} ${m.mode}`)
        : [];
    return {
      bits: mask & BITS,
      keysUpdated: (item!.t_infomask2 & HEAP_KEYS_UPDATED) !== 0,
      members,
    };
  } finally {
    for (const c of clients.values()) {
      await c.query('ROLLBACK').catch(() => undefined);
      await c.end();
    }
  }
}

async function here(steps: readonly Step[]): Promise<Seen> {
  const s = sessionSetup();
  const multixacts = new MultiXacts({
    offsetsStore: new MemorySlruStore(),
    membersStore: new MemorySlruStore(),
  });
  attachMultiXacts(s.transam, multixacts);
  s.table.begin(9, 'read committed');
  s.table.insert(9, [1, 10]);
  await s.table.commit(9);
  const tops = new Map<number, TransactionId>();
  const begun = new Set<number>();
  for (const st of steps) {
    if (!begun.has(st.s)) {
      s.table.begin(st.s, 'read committed');
      begun.add(st.s);
    }
    if (st.op === 'lock') await s.table.lockRows(st.s, byKey(1), st.mode);
    else if (st.op === 'update') await s.table.update(st.s, byKey(1), addTo(1));
    else if (st.op === 'savepoint') s.table.savepoint(st.s, 'a');
    else if (st.op === 'commit') await s.table.commit(st.s);
    else s.table.rollback(st.s);
    if (!tops.has(st.s) && (st.op === 'lock' || st.op === 'update')) {
      tops.set(st.s, s.manager.getXid(st.s));
    }
  }
  const item = Page.wrap(s.heap.readCopy(0)).mustItem(1);
  const mask = tupleInfomask(item);
  const members =
    (mask & HEAP_XMAX_IS_MULTI) !== 0
      ? multixacts
          .getMembers(tupleXmax(item))
          .map((m) => `${label(m.xid, tops)} ${multiXactStatusName(m.status)}`)
      : [];
  return {
    bits: mask & BITS,
    keysUpdated: (tupleInfomask2(item) & HEAP_KEYS_UPDATED) !== 0,
    members,
  };
}

describe('multixact tuple headers as PostgreSQL 15 leaves them', () => {
  for (const [name, steps] of Object.entries(SCRIPTS)) {
    it(name, async () => {
      const theirs = await onPostgres(steps);
      const ours = await here(steps);
      expect(ours).toEqual(theirs);
    });
  }
});
