/**
 * VACUUM FULL, CLUSTER and REINDEX through the engine (issue 11): the
 * rewrite's numbers and VERBOSE wording, new relfilenodes under the same
 * OID, CLUSTER's physical order, an old snapshot still served after the
 * rewrite, and a model-based test of random workloads with rewrites
 * interleaved (rows and index answers compared with a model).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 6);

let db: Database;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pg-rewrite-'));
  db = await Database.open({ dataDir: dir });
});

afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function one(s: Session, sql: string, params: unknown[] = []): Promise<unknown> {
  const r = await s.query(sql, params);
  const row = r.rows[0] as Record<string, unknown> | undefined;
  return row === undefined ? undefined : Object.values(row)[0];
}

async function rows(s: Session, sql: string): Promise<unknown[][]> {
  const r = await s.query(sql);
  return r.rows.map((x) => Object.values(x as Record<string, unknown>));
}

describe('VACUUM FULL', () => {
  it('copies the live rows into a new relfilenode, the OID kept, and reports as PostgreSQL', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await s.query("INSERT INTO t SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g");
    await s.query('DELETE FROM t WHERE id % 10 <> 0');
    const oid0 = await one(s, "SELECT oid FROM pg_class WHERE relname = 't'");
    const node0 = await one(s, "SELECT pg_relation_filenode('t')");
    const ix0 = await one(s, "SELECT pg_relation_filenode('t_pkey')");
    const pages0 = Number(await one(s, "SELECT pg_relation_size('t')")) / 8192;
    const r = await s.query('VACUUM FULL VERBOSE t');
    expect(r.notices.map((n) => n.message)).toEqual([
      'vacuuming "public.t"',
      `"public.t": found 4500 removable, 500 nonremovable row versions in ${pages0} pages`,
    ]);
    expect(r.notices[1]?.detail).toBe(
      '0 dead row versions cannot be removed yet.\nCPU: user: 0.00 s, system: 0.00 s, elapsed: 0.00 s.',
    );
    expect(await one(s, "SELECT oid FROM pg_class WHERE relname = 't'")).toBe(oid0);
    expect(await one(s, "SELECT pg_relation_filenode('t')")).not.toBe(node0);
    expect(await one(s, "SELECT pg_relation_filenode('t_pkey')")).not.toBe(ix0);
    const pages1 = Number(await one(s, "SELECT pg_relation_size('t')")) / 8192;
    expect(pages1).toBeLessThan(pages0 / 5);
    expect(await rows(s, "SELECT relpages, reltuples FROM pg_class WHERE relname = 't'")).toEqual([
      [pages1, 500],
    ]);
    expect(await one(s, 'SELECT count(*) FROM t')).toBe(500n);
    await s.query('SET enable_seqscan = off');
    expect(await one(s, 'SELECT v FROM t WHERE id = 4990')).toBe('x'.repeat(100));
    expect(await one(s, 'SELECT count(*) FROM t WHERE id > 2500')).toBe(250n);
  });

  it('returns a bloated table’s space to the file system (sizes printed)', async () => {
    const s = await db.connect();
    await s.query(
      'CREATE TABLE t (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = false)',
    );
    await s.query("INSERT INTO t SELECT g, repeat('p', 200) FROM generate_series(1, 2000) g");
    for (let i = 0; i < 3; i++) await s.query("UPDATE t SET pad = repeat('q', 200)");
    await s.query('DELETE FROM t WHERE id % 8 <> 0');
    const size = async () => ({
      table: Number(await one(s, "SELECT pg_relation_size('t')")),
      index: Number(await one(s, "SELECT pg_relation_size('t_pkey')")),
    });
    const bloated = await size();
    await s.query('VACUUM t');
    const lazy = await size();
    await s.query('VACUUM FULL t');
    const full = await size();
    console.log(
      `VACUUM FULL: table ${bloated.table} bytes bloated, ${lazy.table} after VACUUM, ${full.table} after VACUUM FULL; ` +
        `t_pkey ${bloated.index} -> ${lazy.index} -> ${full.index}`,
    );
    expect(full.table).toBeLessThan(bloated.table / 10);
    expect(full.index).toBeLessThan(bloated.index / 4);
    expect(lazy.table).toBeGreaterThan(full.table);
    expect(await one(s, 'SELECT count(*) FROM t')).toBe(250n);
  });

  it('keeps the row versions an older snapshot still needs', async () => {
    const a = await db.connect();
    const b = await db.connect();
    await a.query('CREATE TABLE t (id int PRIMARY KEY, k int, v text)');
    await a.query('CREATE INDEX t_k ON t (k)');
    await a.query("INSERT INTO t SELECT g, g % 10, 'old' FROM generate_series(1, 300) g");
    await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await b.query('SELECT 1'); // the snapshot, without a lock on t
    await a.query("UPDATE t SET v = 'new', k = k + 100 WHERE id % 3 = 0");
    await a.query('DELETE FROM t WHERE id % 5 = 0');
    const r = await a.query('VACUUM FULL VERBOSE t');
    expect(r.notices[1]?.message).toMatch(
      /^"public\.t": found 0 removable, 400 nonremovable row versions in \d+ pages$/,
    );
    expect(r.notices[1]?.detail?.split('\n')[0]).toBe(
      '160 dead row versions cannot be removed yet.',
    );
    // the old snapshot still sees every original row, by seq scan and through a non-unique index
    expect(await one(b, "SELECT count(*) FROM t WHERE v = 'old'")).toBe(300n);
    await b.query('SET enable_seqscan = off');
    expect(await one(b, 'SELECT count(*) FROM t WHERE k = 3')).toBe(30n);
    await b.query('COMMIT');
    expect(await one(a, "SELECT count(*) FROM t WHERE v = 'new'")).toBe(80n);
    await a.query('SET enable_seqscan = off');
    expect(await one(a, 'SELECT count(*) FROM t WHERE k = 103')).toBe(10n);
    // the snapshot is gone: now they are removable
    const r2 = await a.query('VACUUM FULL VERBOSE t');
    expect(r2.notices[1]?.message).toMatch(
      /^"public\.t": found 160 removable, 240 nonremovable row versions in \d+ pages$/,
    );
  });

  it('cannot run in a transaction block', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (a int)');
    await s.query('BEGIN');
    await expect(s.query('VACUUM FULL t')).rejects.toMatchObject({ code: '25001' });
    await s.query('ROLLBACK');
  });
});

describe('CLUSTER', () => {
  it('writes the rows in index order and marks the index', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (k int, v text)');
    await s.query("INSERT INTO t SELECT (g * 7919) % 1000, 'v' FROM generate_series(1, 1000) g");
    await s.query('CREATE INDEX t_k ON t (k)');
    const r = await s.query('CLUSTER VERBOSE t USING t_k');
    expect(r.notices[0]?.message).toBe('clustering "public.t" using index scan on "t_k"');
    const ks = (await rows(s, 'SELECT k FROM t')).map((x) => x[0] as number);
    expect(ks).toEqual([...ks].sort((a, b) => a - b));
    expect(ks.length).toBe(1000);
    expect(
      await one(s, "SELECT indisclustered FROM pg_index WHERE indexrelid = 't_k'::regclass"),
    ).toBe(true);
    await expect(s.query('CLUSTER nosuch')).rejects.toMatchObject({ code: '42P01' });
  });
});

describe('REINDEX', () => {
  it('gives the index a new relfilenode, the table keeps its own', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await s.query("INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 500) g");
    const t0 = await one(s, "SELECT pg_relation_filenode('t')");
    const i0 = await one(s, "SELECT pg_relation_filenode('t_pkey')");
    const r = await s.query('REINDEX (VERBOSE) INDEX t_pkey');
    expect(r.notices.map((n) => n.message)).toEqual(['index "t_pkey" was reindexed']);
    expect(await one(s, "SELECT pg_relation_filenode('t')")).toBe(t0);
    expect(await one(s, "SELECT pg_relation_filenode('t_pkey')")).not.toBe(i0);
    await s.query('SET enable_seqscan = off');
    expect(await one(s, 'SELECT v FROM t WHERE id = 321')).toBe('v321');
    await expect(s.query("INSERT INTO t VALUES (5, 'dup')")).rejects.toMatchObject({
      code: '23505',
    });
    await expect(s.query('REINDEX INDEX CONCURRENTLY t_pkey')).rejects.toMatchObject({
      code: '0A000',
    });
  });
});

// ------------------------------------------------------------ model-based

type Op =
  | { kind: 'insert'; id: number; k: number }
  | { kind: 'update'; id: number; k: number }
  | { kind: 'delete'; id: number }
  | { kind: 'abortedInsert'; id: number }
  | { kind: 'snapshot' }
  | { kind: 'release' }
  | { kind: 'vacuumFull' }
  | { kind: 'vacuum' }
  | { kind: 'cluster'; index: 't_pkey' | 't_k' | 't_lower' }
  | { kind: 'reindex'; what: 'TABLE t' | 'INDEX t_k' | 'INDEX t_pkey' | 'SCHEMA public' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      id: fc.integer({ min: 1, max: 60 }),
      k: fc.integer({ min: 0, max: 9 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      id: fc.integer({ min: 1, max: 60 }),
      k: fc.integer({ min: 0, max: 9 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      id: fc.integer({ min: 1, max: 60 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('abortedInsert' as const),
      id: fc.integer({ min: 61, max: 90 }),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'snapshot' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'release' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'vacuumFull' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'vacuum' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('cluster' as const),
      index: fc.constantFrom('t_pkey' as const, 't_k' as const, 't_lower' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reindex' as const),
      what: fc.constantFrom(
        'TABLE t' as const,
        'INDEX t_k' as const,
        'INDEX t_pkey' as const,
        'SCHEMA public' as const,
      ),
    }),
  },
);

type Model = Map<number, { k: number; v: string }>;

const modelRows = (m: Model) =>
  [...m.entries()].sort((a, b) => a[0] - b[0]).map(([id, r]) => [id, r.k, r.v]);

async function checkAgainst(s: Session, m: Model): Promise<void> {
  await s.query('SET enable_seqscan = on');
  expect(await rows(s, 'SELECT id, k, v FROM t ORDER BY id')).toEqual(modelRows(m));
  await s.query('SET enable_seqscan = off');
  await s.query('SET enable_bitmapscan = off');
  for (const k of [0, 3, 7]) {
    const want = [...m.entries()]
      .filter(([, r]) => r.k === k)
      .map(([id]) => id)
      .sort((a, b) => a - b);
    expect(await rows(s, `SELECT id FROM t WHERE k = ${k} ORDER BY id`)).toEqual(
      want.map((x) => [x]),
    );
  }
  for (const id of [1, 17, 42, 60]) {
    const r = m.get(id);
    expect(await rows(s, `SELECT k, v FROM t WHERE id = ${id}`)).toEqual(r ? [[r.k, r.v]] : []);
  }
  const lowered = [...m.entries()]
    .filter(([, r]) => r.v.toLowerCase() === 'v-5')
    .map(([id]) => id)
    .sort((a, b) => a - b)
    .map((id) => [id]);
  expect(await rows(s, "SELECT id FROM t WHERE lower(v) = 'v-5' ORDER BY id")).toEqual(lowered);
  await s.query('RESET enable_seqscan');
  await s.query('RESET enable_bitmapscan');
}

describe('model-based: random workloads with VACUUM FULL, CLUSTER and REINDEX interleaved', () => {
  it('keeps every row and every index answer equal to the model, and old snapshots intact', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 30 }), async (ops) => {
        const s = await db.connect();
        const reader = await db.connect();
        const table = `t`;
        n++;
        await s.query(`DROP TABLE IF EXISTS ${table}`);
        await s.query('CREATE TABLE t (id int PRIMARY KEY, k int, v text)');
        await s.query('CREATE INDEX t_k ON t (k)');
        await s.query('CREATE INDEX t_lower ON t (lower(v))');
        const m: Model = new Map();
        // rows to update and delete from the start
        await s.query(
          "INSERT INTO t SELECT g, g % 10, 'V-' || (g % 10) FROM generate_series(1, 40, 2) g",
        );
        for (let g = 1; g <= 40; g += 2) m.set(g, { k: g % 10, v: `V-${g % 10}` });
        let held: Model | undefined;
        let version = 0;
        for (const op of ops) {
          switch (op.kind) {
            case 'insert':
              if (m.has(op.id)) break;
              await s.query(`INSERT INTO t VALUES (${op.id}, ${op.k}, 'V-${op.k}')`);
              m.set(op.id, { k: op.k, v: `V-${op.k}` });
              break;
            case 'update': {
              if (!m.has(op.id)) break;
              const v = `u${++version}`;
              await s.query(`UPDATE t SET k = ${op.k}, v = '${v}' WHERE id = ${op.id}`);
              m.set(op.id, { k: op.k, v });
              break;
            }
            case 'delete':
              await s.query(`DELETE FROM t WHERE id = ${op.id}`);
              m.delete(op.id);
              break;
            case 'abortedInsert':
              await s.query('BEGIN');
              await s.query(`INSERT INTO t VALUES (${op.id}, 1, 'aborted')`);
              await s.query('ROLLBACK');
              break;
            case 'snapshot':
              if (held) break;
              await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
              await reader.query('SELECT 1');
              held = new Map(m);
              break;
            case 'release':
              if (!held) break;
              // the old snapshot sees exactly what it saw, whatever was rewritten since
              await reader.query('SET enable_indexscan = off');
              await reader.query('SET enable_bitmapscan = off');
              expect(await rows(reader, 'SELECT id, k, v FROM t ORDER BY id')).toEqual(
                modelRows(held),
              );
              await reader.query('COMMIT');
              await reader.query('RESET enable_indexscan');
              await reader.query('RESET enable_bitmapscan');
              held = undefined;
              break;
            case 'vacuumFull':
              await s.query('VACUUM FULL t');
              await checkAgainst(s, m);
              break;
            case 'vacuum':
              await s.query('VACUUM t');
              break;
            case 'cluster': {
              await s.query(`CLUSTER t USING ${op.index}`);
              await checkAgainst(s, m);
              if (op.index === 't_pkey') {
                // physical order is the index's
                expect(await rows(s, 'SELECT id FROM t')).toEqual(modelRows(m).map((r) => [r[0]]));
              }
              break;
            }
            case 'reindex':
              await s.query(`REINDEX ${op.what}`);
              await checkAgainst(s, m);
              break;
          }
        }
        await checkAgainst(s, m);
        if (held) {
          await reader.query('SET enable_indexscan = off');
          expect(await rows(reader, 'SELECT id, k, v FROM t ORDER BY id')).toEqual(modelRows(held));
          await reader.query('COMMIT');
        }
        await reader.close();
        await s.close();
      }),
      { numRuns: RUNS },
    );
    expect(n).toBeGreaterThan(0);
  }, 120_000);
});
