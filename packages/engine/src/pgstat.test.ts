/**
 * issue 11: the cumulative statistics through the Session API —
 * stats_fetch_consistency (a transaction's reads are cached until
 * pg_stat_clear_snapshot()), pg_stat_database, persistence across a clean
 * shutdown and loss after a crash (immediate shutdown), CREATE EXTENSION
 * with pgstattuple and pg_visibility, and a property: random inserts,
 * updates and deletes in committed and rolled-back transactions and
 * savepoints leave n_tup_ins/upd/del, n_live_tup, n_dead_tup,
 * n_mod_since_analyze and n_ins_since_vacuum equal to a model's counts
 * (pgstat_relation.c's end-of-transaction rules).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 15);

let db: Database;
let s: Session;

beforeEach(async () => {
  db = await Database.open();
  s = await db.connect();
});

afterEach(async () => {
  await db.close();
});

async function rows(session: Session, sql: string): Promise<unknown[][]> {
  return (await session.query<unknown[]>(sql, [], { rowMode: 'array' })).rows;
}

async function value(session: Session, sql: string): Promise<unknown> {
  return (await rows(session, sql))[0]?.[0];
}

const COUNTS =
  'SELECT n_tup_ins, n_tup_upd, n_tup_del, n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum FROM pg_stat_user_tables WHERE relname = ';

describe('reading the statistics', () => {
  it('caches what a transaction read (stats_fetch_consistency = cache) until pg_stat_clear_snapshot()', async () => {
    const other = await db.connect();
    await s.query('CREATE TABLE t (a int)');
    await s.query('BEGIN');
    expect(await value(s, "SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 't'")).toBe(
      0n,
    );
    await other.query('INSERT INTO t VALUES (1), (2)');
    expect(await value(s, "SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 't'")).toBe(
      0n,
    );
    await s.query('SELECT pg_stat_clear_snapshot()');
    expect(await value(s, "SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 't'")).toBe(
      2n,
    );
    await s.query("SET stats_fetch_consistency = 'none'");
    await other.query('INSERT INTO t VALUES (3)');
    expect(await value(s, "SELECT pg_stat_get_tuples_inserted('t'::regclass)")).toBe(3n);
    await s.query('COMMIT');
    await other.close();
  });

  it('counts no pending changes of the open transaction, and counts them at its end', async () => {
    await s.query('CREATE TABLE t (a int)');
    await s.query('BEGIN');
    await s.query('INSERT INTO t VALUES (1)');
    expect(await value(s, "SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 't'")).toBe(
      0n,
    );
    await s.query('COMMIT');
    expect(await rows(s, `${COUNTS} 't'`)).toEqual([[1n, 0n, 0n, 1n, 0n, 1n, 1n]]);
  });

  it('pg_stat_database: commits, rollbacks, tuples and backends', async () => {
    await s.query('CREATE TABLE t (a int)');
    await s.query('INSERT INTO t VALUES (1), (2)');
    await s.query('BEGIN');
    await s.query('DELETE FROM t');
    await s.query('ROLLBACK');
    const [row] = await rows(
      s,
      "SELECT numbackends, xact_commit, xact_rollback, tup_inserted, tup_deleted, stats_reset FROM pg_stat_database WHERE datname = 'postgres'",
    );
    expect(row).toEqual([1, 2n, 1n, 2n, 2n, null]);
    expect(await value(s, 'SELECT count(*) FROM pg_stat_database WHERE datid = 0')).toBe(1n);
    await s.query('SELECT pg_stat_reset()');
    expect(
      await rows(
        s,
        "SELECT xact_commit, stats_reset IS NOT NULL FROM pg_stat_database WHERE datname = 'postgres'",
      ),
    ).toEqual([[1n, true]]); // the transaction that reset counts
  });

  it('VACUUM and ANALYZE: times, counts and no progress row once done', async () => {
    await s.query('CREATE TABLE t (a int)');
    await s.query('INSERT INTO t SELECT generate_series(1, 10)');
    await s.query('DELETE FROM t WHERE a <= 3');
    expect(await rows(s, `${COUNTS} 't'`)).toEqual([[10n, 0n, 3n, 7n, 3n, 13n, 10n]]);
    await s.query('VACUUM t');
    expect(await rows(s, `${COUNTS} 't'`)).toEqual([[10n, 0n, 3n, 7n, 0n, 13n, 0n]]);
    await s.query('ANALYZE t');
    expect(
      await rows(
        s,
        "SELECT n_mod_since_analyze, vacuum_count, analyze_count, last_vacuum <= now(), last_analyze IS NOT NULL, last_autovacuum FROM pg_stat_user_tables WHERE relname = 't'",
      ),
    ).toEqual([[0n, 1n, 1n, true, true, null]]);
    expect(await rows(s, 'SELECT * FROM pg_stat_progress_vacuum')).toEqual([]);
  });
});

// issue 11 (block counters)
describe('block counters (pg_statio_*, blks_read/blks_hit)', () => {
  const STATIO =
    'SELECT heap_blks_read, heap_blks_hit, idx_blks_read, idx_blks_hit, toast_blks_read, toast_blks_hit, tidx_blks_read, tidx_blks_hit FROM pg_statio_user_tables WHERE relname = ';

  it('a seq scan of a table larger than shared_buffers reads; a small table is hit; index scans count idx_blks_*', async () => {
    const d = await Database.open({ settings: { shared_buffers: '128kB' } });
    try {
      const c = await d.connect();
      await c.query('CREATE TABLE big (a int, pad text)');
      await c.query("INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 4000) g");
      const pages = Number(await value(c, "SELECT pg_relation_size('big') / 8192"));
      expect(pages).toBeGreaterThan(64); // four times the 16 buffers
      // the insert extended the table: ReadBufferExtended(P_NEW) counts reads
      const afterInsert = (await rows(c, `${STATIO} 'big'`))[0]!;
      expect(Number(afterInsert[0])).toBeGreaterThanOrEqual(pages);
      await c.query('SELECT pg_stat_reset()');
      await c.query('SELECT count(*) FROM big');
      const [read, hit, ...rest] = (await rows(c, `${STATIO} 'big'`))[0]!;
      expect(Number(read) + Number(hit)).toBe(pages);
      expect(Number(read)).toBeGreaterThan(pages - 16);
      // no index; a TOAST table (a text column) never read
      expect(rest).toEqual([null, null, 0n, 0n, 0n, 0n]);
      const [blksRead, blksHit] = (
        await rows(
          c,
          'SELECT blks_read, blks_hit FROM pg_stat_database WHERE datname = current_database()',
        )
      )[0]!;
      expect(Number(blksRead)).toBeGreaterThanOrEqual(Number(read));
      expect(Number(blksHit)).toBeGreaterThanOrEqual(Number(hit));

      await c.query('CREATE TABLE small (a int PRIMARY KEY, b text)');
      await c.query("INSERT INTO small SELECT g, 'v' || g FROM generate_series(1, 50) g");
      await c.query('SELECT pg_stat_reset()');
      await c.query('SELECT count(*) FROM small');
      await c.query('SELECT count(*) FROM small');
      expect((await rows(c, `${STATIO} 'small'`))[0]!.slice(0, 4)).toEqual([0n, 2n, 0n, 0n]);
      await c.query('SET enable_seqscan = off');
      await c.query('SET enable_bitmapscan = off');
      await c.query('SELECT b FROM small WHERE a = 7');
      const [, heapHit, idxRead, idxHit] = (await rows(c, `${STATIO} 'small'`))[0]!;
      expect(heapHit).toBe(3n);
      expect(idxRead).toBe(0n);
      expect(Number(idxHit)).toBeGreaterThanOrEqual(1); // the root (a leaf here) and the metapage
      expect(
        await rows(
          c,
          "SELECT idx_blks_read, idx_blks_hit FROM pg_statio_user_indexes WHERE indexrelname = 'small_pkey'",
        ),
      ).toEqual([[idxRead, idxHit]]);
      await c.query('RESET ALL');

      // TOAST: a wide value is read through the toast table and its index
      await c.query('CREATE TABLE wide (a int, doc text)');
      await c.query(
        "INSERT INTO wide SELECT g, string_agg(md5(g::text || i::text), '') FROM generate_series(1, 3) g, generate_series(1, 200) i GROUP BY g",
      );
      await c.query('SELECT pg_stat_reset()');
      await c.query('SELECT sum(length(doc)) FROM wide');
      const [, , , , tRead, tHit, tiRead, tiHit] = (await rows(c, `${STATIO} 'wide'`))[0]!;
      expect(Number(tRead) + Number(tHit)).toBeGreaterThan(0);
      expect(Number(tiRead) + Number(tiHit)).toBeGreaterThan(0);
    } finally {
      await d.close();
    }
  });

  it('TRUNCATE (a new relfilenode) still counts for the table', async () => {
    await s.query('CREATE TABLE t (a int)');
    await s.query('INSERT INTO t VALUES (1)');
    await s.query('TRUNCATE t');
    await s.query('INSERT INTO t VALUES (2)');
    await s.query('SELECT pg_stat_reset()');
    await s.query('SELECT * FROM t');
    expect(await rows(s, `${STATIO} 't'`)).toEqual([[0n, 1n, null, null, null, null, null, null]]);
  });
});

describe('persistence', () => {
  it('a clean shutdown keeps the statistics; a crash (immediate shutdown) loses them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgstat-'));
    try {
      let d = await Database.open(dir);
      let c = await d.connect();
      await c.query('CREATE TABLE t (a int)');
      await c.query('INSERT INTO t VALUES (1), (2), (3)');
      await d.close('fast');
      d = await Database.open(dir);
      c = await d.connect();
      expect(await rows(c, `${COUNTS} 't'`)).toEqual([[3n, 0n, 0n, 3n, 0n, 3n, 3n]]);
      await c.query('INSERT INTO t VALUES (4)');
      await d.close('immediate');
      d = await Database.open(dir);
      c = await d.connect();
      expect(await rows(c, `${COUNTS} 't'`)).toEqual([[0n, 0n, 0n, 0n, 0n, 0n, 0n]]);
      await d.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pgstattuple and pg_visibility', () => {
  it('exist only after CREATE EXTENSION, recorded in pg_extension', async () => {
    await s.query('CREATE TABLE t (a int)');
    await expect(s.query("SELECT * FROM pgstattuple('t')")).rejects.toMatchObject({
      code: '42883',
    });
    await s.query('CREATE EXTENSION pgstattuple');
    const again = await s.query('CREATE EXTENSION IF NOT EXISTS pgstattuple');
    expect(again.notices?.map((n) => n.message)).toEqual([
      'extension "pgstattuple" already exists, skipping',
    ]);
    await expect(s.query('CREATE EXTENSION pgstattuple')).rejects.toMatchObject({
      code: '42710',
    });
    await expect(s.query('CREATE EXTENSION postgis')).rejects.toMatchObject({ code: '0A000' });
    await s.query('CREATE EXTENSION pg_visibility');
    expect(await rows(s, 'SELECT extname, extversion FROM pg_extension ORDER BY 1')).toEqual([
      ['pg_visibility', '1.2'],
      ['pgstattuple', '1.5'],
    ]);
    await s.query('DROP EXTENSION pgstattuple');
    await expect(s.query("SELECT * FROM pgstattuple('t')")).rejects.toMatchObject({
      code: '42883',
    });
    const dropped = await s.query('DROP EXTENSION IF EXISTS pgstattuple');
    expect(dropped.notices?.map((n) => n.message)).toEqual([
      'extension "pgstattuple" does not exist, skipping',
    ]);
  });

  it('pgstattuple sees dead tuples until VACUUM; pg_visibility sees the VM bits it sets', async () => {
    await s.query('CREATE EXTENSION pgstattuple');
    await s.query('CREATE EXTENSION pg_visibility');
    await s.query('CREATE TABLE t (a int)');
    await s.query('INSERT INTO t SELECT generate_series(1, 100)');
    await s.query('DELETE FROM t WHERE a <= 40');
    expect(
      await rows(s, "SELECT table_len, tuple_count, dead_tuple_count FROM pgstattuple('t')"),
    ).toEqual([[8192n, 60n, 40n]]);
    expect(await rows(s, "SELECT * FROM pg_visibility_map('t')")).toEqual([[0n, false, false]]);
    await s.query('VACUUM t');
    expect(await rows(s, "SELECT tuple_count, dead_tuple_count FROM pgstattuple('t')")).toEqual([
      [60n, 0n],
    ]);
    expect(await rows(s, "SELECT * FROM pg_visibility_map_summary('t')")).toEqual([[1n, 0n]]);
    expect(
      await rows(s, "SELECT blkno, all_visible, pd_all_visible FROM pg_visibility('t')"),
    ).toEqual([[0n, true, true]]);
  });
});

// ------------------------------------------------------------ the model property

type Op =
  | { readonly kind: 'insert'; readonly n: number }
  | { readonly kind: 'update' | 'delete'; readonly m: number; readonly r: number };

interface Stmt {
  readonly op: Op;
  /** Run inside SAVEPOINT ... then RELEASE or ROLLBACK TO. */
  readonly sub: 'none' | 'release' | 'rollback';
}

interface Txn {
  readonly stmts: readonly Stmt[];
  readonly end: 'commit' | 'rollback' | 'autocommit';
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), n: fc.integer({ min: 1, max: 4 }) }),
  fc.record({
    kind: fc.constantFrom('update' as const, 'delete' as const),
    m: fc.integer({ min: 1, max: 4 }),
    r: fc.integer({ min: 0, max: 3 }),
  }),
);

const txnArb: fc.Arbitrary<Txn> = fc.oneof(
  fc.record({
    stmts: fc.array(
      fc.record({
        op: opArb,
        sub: fc.constantFrom('none' as const, 'release' as const, 'rollback' as const),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    end: fc.constantFrom('commit' as const, 'rollback' as const),
  }),
  fc.record({
    stmts: fc.tuple(fc.record({ op: opArb, sub: fc.constant('none' as const) })),
    end: fc.constant('autocommit' as const),
  }),
);

/** The counters pgstat_relation.c's rules give. */
interface Model {
  ins: number;
  upd: number;
  del: number;
  live: number;
  dead: number;
  mod: number;
  insSinceVacuum: number;
}

describe('property: counters equal a model of pgstat_relation.c', () => {
  it('random DML in committed and aborted transactions and savepoints', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(txnArb, { minLength: 1, maxLength: 8 }), async (txns) => {
        const table = `p${run++}`;
        await s.query(`CREATE TABLE ${table} (id int, v int)`);
        const m: Model = { ins: 0, upd: 0, del: 0, live: 0, dead: 0, mod: 0, insSinceVacuum: 0 };
        let committed = new Map<number, number>();
        let nextId = 1;
        for (const t of txns) {
          const explicit = t.end !== 'autocommit';
          if (explicit) await s.query('BEGIN');
          let work = new Map(committed);
          // the transaction's surviving (not rolled back) counts
          let kept = { ins: 0, upd: 0, del: 0 };
          for (const st of t.stmts) {
            if (st.sub !== 'none') await s.query('SAVEPOINT sp');
            const before = new Map(work);
            const c = { ins: 0, upd: 0, del: 0 };
            const op = st.op;
            if (op.kind === 'insert') {
              const ids = Array.from({ length: op.n }, () => nextId++);
              await s.query(
                `INSERT INTO ${table} VALUES ${ids.map((i) => `(${i}, 0)`).join(', ')}`,
              );
              for (const i of ids) work.set(i, 0);
              c.ins = ids.length;
            } else {
              const hit = [...work.keys()].filter((id) => id % op.m === op.r % op.m);
              if (op.kind === 'update') {
                await s.query(`UPDATE ${table} SET v = v + 1 WHERE id % ${op.m} = ${op.r % op.m}`);
                for (const id of hit) work.set(id, (work.get(id) ?? 0) + 1);
                c.upd = hit.length;
              } else {
                await s.query(`DELETE FROM ${table} WHERE id % ${op.m} = ${op.r % op.m}`);
                for (const id of hit) work.delete(id);
                c.del = hit.length;
              }
            }
            // rule 1: attempted actions count whatever happens
            m.ins += c.ins;
            m.upd += c.upd;
            m.del += c.del;
            m.insSinceVacuum += c.ins;
            if (st.sub === 'rollback') {
              await s.query('ROLLBACK TO SAVEPOINT sp');
              work = before;
              m.dead += c.ins + c.upd; // rule 3 for the subtransaction
            } else {
              if (st.sub === 'release') await s.query('RELEASE SAVEPOINT sp');
              kept = { ins: kept.ins + c.ins, upd: kept.upd + c.upd, del: kept.del + c.del };
            }
          }
          if (t.end === 'rollback') {
            await s.query('ROLLBACK');
            m.dead += kept.ins + kept.upd; // rule 3
          } else {
            if (explicit) await s.query('COMMIT');
            committed = work;
            // rule 2
            m.live += kept.ins - kept.del;
            m.dead += kept.upd + kept.del;
            m.mod += kept.ins + kept.upd + kept.del;
          }
        }
        expect(await value(s, `SELECT count(*) FROM ${table}`)).toBe(BigInt(committed.size));
        expect(await rows(s, `${COUNTS} '${table}'`)).toEqual([
          [m.ins, m.upd, m.del, m.live, m.dead, m.mod, m.insSinceVacuum].map(BigInt),
        ]);
        await s.query(`DROP TABLE ${table}`);
      }),
      { numRuns: RUNS },
    );
  });
});
