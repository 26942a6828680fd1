/**
 * Transaction-id wraparound through the engine (freeze, issue 11): the
 * cluster starts near the limits with Database.open's `nextXid`
 * (pg_resetwal -x), xid assignment WARNs past xidWarnLimit and fails with
 * 54000 past xidStopLimit (PostgreSQL 15's words and hints), read-only
 * statements keep working, a database-wide VACUUM FREEZE (no xid needed:
 * pg_class and pg_database are updated in place) in each database restores
 * service without losing a row; and rows stay visible while the 32-bit
 * counter wraps from 2^32-1 to 3 (a model-based property run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const PREPARED =
  'You might also need to commit or roll back old prepared transactions, or drop stale replication slots.';
const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 3);

let dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pg-wrap-'));
  dirs.push(d);
  return d;
}

/** SetTransactionIdLimit's arithmetic for a normal oldest datfrozenxid far from the 32-bit wrap. */
function limitsFrom(oldest: number) {
  const wrap = oldest + 0x7fff_ffff;
  return { wrap, warn: wrap - 40_000_000, stop: wrap - 3_000_000 };
}

async function count(s: Session): Promise<number> {
  return Number((await s.query('SELECT count(*) AS n FROM t')).rows[0]?.n);
}

async function ages(s: Session): Promise<Record<string, number>> {
  const r = await s.query<{ datname: string; age: number }>(
    'SELECT datname, age(datfrozenxid) AS age FROM pg_database ORDER BY datname',
  );
  return Object.fromEntries(r.rows.map((x) => [x.datname, x.age]));
}

describe('xid wraparound limits', () => {
  // the two steps share one data directory (each reopens it at another xid)
  let dir = '';
  let db: Database;
  let s: Session;

  it('warns past xidWarnLimit and refuses new xids past xidStopLimit; reads go on', async () => {
    dir = tempDir();
    // initdb at xid 1000: every datfrozenxid and relfrozenxid is 1000
    db = await Database.open({ dataDir: dir, nextXid: 1000n });
    s = await db.connect();
    await s.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await s.query("INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g");
    await s.query("UPDATE t SET v = 'u' || id WHERE id <= 10");
    const frozen = await s.query<{ datname: string; f: string }>(
      'SELECT datname, datfrozenxid::text AS f FROM pg_database ORDER BY datname',
    );
    expect(frozen.rows.map((r) => r.f)).toEqual(['1000', '1000', '1000']);
    await db.close();

    const { wrap, warn, stop } = limitsFrom(1000);
    // just before the warn limit: one quiet xid, then the WARNING on each assignment
    db = await Database.open({ dataDir: dir, nextXid: BigInt(warn - 1) });
    s = await db.connect();
    expect((await s.query('INSERT INTO t VALUES (1001, $1)', ['w'])).notices).toEqual([]);
    const warned = await s.query('INSERT INTO t VALUES (1002, $1)', ['w']);
    expect(warned.notices).toEqual([
      {
        severity: 'WARNING',
        code: '01000',
        message: `database "postgres" must be vacuumed within ${wrap - warn} transactions`,
        hint: `To avoid a database shutdown, execute a database-wide VACUUM in that database.\n${PREPARED}`,
      },
    ]);
    expect(wrap - warn).toBe(40_000_000);
    // age() of the frozen xids as PostgreSQL counts it (from the next xid, none assigned here)
    expect((await ages(s)).postgres).toBe(warn + 1 - 1000);
    await db.close();

    db = await Database.open({ dataDir: dir, nextXid: BigInt(stop - 1) });
    s = await db.connect();
    const last = await s.query('INSERT INTO t VALUES (1003, $1)', ['w']);
    expect(last.notices[0]?.message).toBe(
      'database "postgres" must be vacuumed within 3000001 transactions',
    );
    const refused = await s.query('INSERT INTO t VALUES (1004, $1)', ['w']).catch((e) => e);
    expect(refused).toMatchObject({
      code: '54000',
      message:
        'database is not accepting commands to avoid wraparound data loss in database "postgres"',
      hint: `Stop the postmaster and vacuum that database in single-user mode.\n${PREPARED}`,
    });
    // txid_current() needs an xid too
    await expect(s.query('SELECT txid_current()')).rejects.toMatchObject({ code: '54000' });
    // reads need no xid
    expect(await count(s)).toBe(103);
    await s.query('BEGIN');
    expect(await count(s)).toBe(103);
    await s.query('COMMIT');
  }, 30_000);

  it('a database-wide VACUUM FREEZE in each database restores service without losing a row', async () => {
    // VACUUM FREEZE runs without an xid: relfrozenxid and datfrozenxid move in place
    const vac = await s.query('VACUUM FREEZE');
    expect(
      vac.notices.some((n) => n.message.startsWith('bypassing nonessential maintenance')),
    ).toBe(true);
    const a = await ages(s);
    expect(a.postgres).toBeLessThan(10);
    // the other databases still hold the limits: now they are named
    await expect(s.query('INSERT INTO t VALUES (1004, $1)', ['w'])).rejects.toMatchObject({
      code: '54000',
      message:
        'database is not accepting commands to avoid wraparound data loss in database "template1"',
    });
    // as autovacuum workers would: template1, then template0 (which allows no connections)
    await db.wraparoundVacuum('template1');
    await db.wraparoundVacuum('template0');
    const after = await s.query('INSERT INTO t VALUES (1004, $1)', ['w']);
    expect(after.notices).toEqual([]);
    expect(Object.values(await ages(s)).every((x) => x < 10)).toBe(true);
    expect(await count(s)).toBe(104);
    expect((await s.query("SELECT count(*) AS n FROM t WHERE v LIKE 'u%'")).rows[0]?.n).toBe(10n);
    const rel = await s.query<{ ok: boolean }>(
      "SELECT age(relfrozenxid) < 10 AS ok FROM pg_class WHERE relname = 't'",
    );
    expect(rel.rows[0]?.ok).toBe(true);
    await db.close();

    // after a restart the limits are computed from pg_database again: no WARNING
    db = await Database.open({ dataDir: dir });
    s = await db.connect();
    expect((await s.query('INSERT INTO t VALUES (1005, $1)', ['w'])).notices).toEqual([]);
    expect(await count(s)).toBe(105);
    await db.close();
  }, 30_000);

  it('accepts and shows the freeze settings; SET checks them', async () => {
    const db = await Database.open();
    const s = await db.connect();
    const show = async (n: string) => (await s.query(`SHOW ${n}`)).rows[0]?.[n];
    expect(await show('vacuum_freeze_min_age')).toBe('50000000');
    expect(await show('vacuum_freeze_table_age')).toBe('150000000');
    expect(await show('vacuum_failsafe_age')).toBe('1600000000');
    expect(await show('autovacuum_freeze_max_age')).toBe('200000000');
    expect(await show('vacuum_multixact_freeze_min_age')).toBe('5000000');
    expect(await show('vacuum_multixact_freeze_table_age')).toBe('150000000');
    expect(await show('vacuum_multixact_failsafe_age')).toBe('1600000000');
    expect(await show('autovacuum_multixact_freeze_max_age')).toBe('400000000');
    await s.query('SET vacuum_freeze_min_age = 0');
    expect(await show('vacuum_freeze_min_age')).toBe('0');
    await expect(s.query('SET autovacuum_freeze_max_age = 100000')).rejects.toMatchObject({
      code: '55P02',
    });
    await expect(s.query('SET vacuum_freeze_min_age = -1')).rejects.toMatchObject({
      code: '22023',
    });
    await db.close();
  });
});

type Op =
  | { kind: 'insert'; id: number }
  | { kind: 'update'; id: number }
  | { kind: 'delete'; id: number }
  | { kind: 'abort'; id: number }
  | { kind: 'vacuum'; freeze: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.integer({ min: 1, max: 12 }).map((id) => ({ kind: 'insert', id }) as Op),
  },
  {
    weight: 3,
    arbitrary: fc.integer({ min: 1, max: 12 }).map((id) => ({ kind: 'update', id }) as Op),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 1, max: 12 }).map((id) => ({ kind: 'delete', id }) as Op),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 1, max: 12 }).map((id) => ({ kind: 'abort', id }) as Op),
  },
  { weight: 1, arbitrary: fc.boolean().map((freeze) => ({ kind: 'vacuum', freeze }) as Op) },
);

describe('visibility across the 32-bit wrap', () => {
  it('rows stay visible as xids go from 2^32-1 to 3 (model-based)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 16 }),
        fc.array(opArb, { minLength: 20, maxLength: 45 }),
        async (before, ops) => {
          // initdb just below the wrap: the table's xids straddle it
          const db = await Database.open({ nextXid: BigInt(0xffff_ffff - before) });
          try {
            const s = await db.connect();
            const reader = await db.connect();
            await s.query('CREATE TABLE t (id int PRIMARY KEY, v int)');
            const model = new Map<number, number>();
            let n = 0;
            for (const op of ops) {
              n++;
              switch (op.kind) {
                case 'insert':
                  if (model.has(op.id)) break;
                  await s.query('INSERT INTO t VALUES ($1, $2)', [op.id, n]);
                  model.set(op.id, n);
                  break;
                case 'update':
                  await s.query('UPDATE t SET v = $2 WHERE id = $1', [op.id, n]);
                  if (model.has(op.id)) model.set(op.id, n);
                  break;
                case 'delete':
                  await s.query('DELETE FROM t WHERE id = $1', [op.id]);
                  model.delete(op.id);
                  break;
                case 'abort':
                  await s.query('BEGIN');
                  await s.query('UPDATE t SET v = -1 WHERE id = $1', [op.id]);
                  await s.query('INSERT INTO t VALUES ($1, -1) ON CONFLICT DO NOTHING', [
                    op.id + 100,
                  ]);
                  await s.query('ROLLBACK');
                  break;
                case 'vacuum':
                  await s.query(op.freeze ? 'VACUUM FREEZE t' : 'VACUUM t');
                  break;
              }
              const rows = await reader.query<{ id: number; v: number }>(
                'SELECT id, v FROM t ORDER BY id',
              );
              expect(rows.rows.map((r) => [r.id, r.v])).toEqual(
                [...model.entries()].sort((x, y) => x[0] - y[0]),
              );
            }
            // make sure the counter wrapped (filler rows until an xid has epoch 1), then look again
            for (let k = 0; ; k++) {
              const full = await s.query<{ x: string }>(
                'INSERT INTO t VALUES ($1, 0) RETURNING pg_current_xact_id()::text AS x',
                [1000 + k],
              );
              model.set(1000 + k, 0);
              if (BigInt(full.rows[0]?.x ?? 0) >> 32n === 1n) break;
              expect(k).toBeLessThan(40);
            }
            const rows = await reader.query<{ id: number; v: number }>(
              'SELECT id, v FROM t ORDER BY id',
            );
            expect(rows.rows.map((r) => [r.id, r.v])).toEqual(
              [...model.entries()].sort((x, y) => x[0] - y[0]),
            );
            // relfrozenxid after VACUUM FREEZE is not ahead of any xid left in the table
            await s.query('VACUUM FREEZE t');
            const ok = await s.query<{ ok: boolean }>(
              "SELECT age(relfrozenxid) >= 0 AND age(relfrozenxid) < 1000 AS ok FROM pg_class WHERE relname = 't'",
            );
            expect(ok.rows[0]?.ok).toBe(true);
          } finally {
            await db.close();
          }
        },
      ),
      { numRuns: RUNS },
    );
  }, 60_000);
});
