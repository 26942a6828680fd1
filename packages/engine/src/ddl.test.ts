/**
 * ALTER TABLE on tables with rows (dropped columns keep their place in old
 * tuples; ADD COLUMN ... DEFAULT reads attmissingval or rewrites), DDL
 * inside transaction blocks and cached plans, in memory.
 */
import { Database, type Session } from '@pg/engine';
import { failure } from '@pg/engine/testing';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let db: Database;

beforeEach(async () => {
  db = await Database.open();
});

afterEach(async () => {
  await db.close();
});

async function rows(s: Session, sql: string): Promise<unknown[][]> {
  return (await s.query<unknown[]>(sql, [], { rowMode: 'array' })).rows;
}

describe('ALTER TABLE DROP COLUMN', () => {
  it('leaves old tuples readable: the dropped bytes are skipped, new rows store NULL there', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (a int, b text, c int, d numeric, e int8, f bool)');
    await s.query(
      "INSERT INTO t VALUES (1, 'xyz', 3, 1.5, 10, true), (2, NULL, 4, NULL, 20, false)",
    );
    await s.query('ALTER TABLE t DROP COLUMN b');
    await s.query('ALTER TABLE t DROP COLUMN e');
    expect(await rows(s, 'SELECT a, c, d::text, f FROM t ORDER BY a')).toEqual([
      [1, 3, '1.5', true],
      [2, 4, null, false],
    ]);
    await s.query('INSERT INTO t VALUES (5, 6, 7.25, NULL)');
    await s.query('UPDATE t SET c = c + 100 WHERE a = 1');
    expect(await rows(s, 'SELECT a, c, d::text FROM t ORDER BY a')).toEqual([
      [1, 103, '1.5'],
      [2, 4, null],
      [5, 6, '7.25'],
    ]);
    const e = await failure(s.query('SELECT b FROM t'));
    expect([e.code, e.message]).toEqual(['42703', 'column "b" does not exist']);
  });

  it('IF EXISTS on a missing column is a NOTICE', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (a int)');
    const r = await s.query('ALTER TABLE t DROP COLUMN IF EXISTS b');
    expect(r.notices.map((n) => n.message)).toEqual([
      'column "b" of relation "t" does not exist, skipping',
    ]);
  });

  it('the dropped column stays in pg_attribute, renamed and typeless', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (a int, b text)');
    await s.query('ALTER TABLE t DROP COLUMN b');
    expect(
      await rows(
        s,
        "SELECT attname, atttypid, attlen, attisdropped FROM pg_attribute WHERE attname LIKE '%pg.dropped%'",
      ),
    ).toEqual([['........pg.dropped.2........', 0, -1, true]]);
  });
});

describe('DDL in a transaction block', () => {
  it('a table created and used in the block is gone after ROLLBACK, also for a cached plan', async () => {
    const s = await db.connect();
    await s.query('BEGIN');
    await s.query('CREATE TABLE t (a int)');
    await s.query('INSERT INTO t VALUES (1)');
    expect(await rows(s, 'SELECT * FROM t')).toEqual([[1]]);
    await s.query('ROLLBACK');
    const e = await failure(s.query('SELECT * FROM t'));
    expect([e.code, e.message]).toEqual(['42P01', 'relation "t" does not exist']);
  });

  it('ROLLBACK TO a savepoint before CREATE TABLE drops cached plans on it', async () => {
    const s = await db.connect();
    await s.query('BEGIN');
    await s.query('SAVEPOINT a');
    await s.query('CREATE TABLE t (a int)');
    expect(await rows(s, 'SELECT * FROM t')).toEqual([]);
    await s.query('ROLLBACK TO a');
    const e = await failure(s.query('SELECT * FROM t'));
    expect(e.code).toBe('42P01');
    await s.query('ROLLBACK');
  });

  it('a cached parameterised statement commits in autocommit mode', async () => {
    const s = await db.connect();
    const other = await db.connect();
    await s.query('CREATE TABLE t (a int)');
    for (let i = 0; i < 3; i++) await s.query('INSERT INTO t VALUES ($1)', [i]);
    expect(s.transactionStatus).toBe('I');
    expect(await rows(other, 'SELECT count(*) FROM t')).toEqual([[3n]]);
  });
});

describe('ALTER TABLE ADD COLUMN', () => {
  it('a constant DEFAULT is stored as attmissingval and old rows read it', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (id int)');
    await s.query('INSERT INTO t VALUES (1), (2)');
    await s.query("ALTER TABLE t ADD COLUMN q int DEFAULT 5, ADD COLUMN w text DEFAULT 'x' || 'y'");
    await s.query('INSERT INTO t (id) VALUES (3)');
    await s.query('INSERT INTO t VALUES (4, NULL, NULL)');
    expect(await rows(s, 'SELECT * FROM t ORDER BY id')).toEqual([
      [1, 5, 'xy'],
      [2, 5, 'xy'],
      [3, 5, 'xy'],
      [4, null, null],
    ]);
    expect(
      await rows(
        s,
        "SELECT attname, atthasmissing FROM pg_attribute WHERE attname IN ('q', 'w') ORDER BY attname",
      ),
    ).toEqual([
      ['q', true],
      ['w', true],
    ]);
    // an index lookup fetches old tuples too; an update stores the value
    await s.query('CREATE INDEX ON t (q)');
    expect(await rows(s, 'SELECT id FROM t WHERE q = 5 ORDER BY id')).toEqual([[1], [2], [3]]);
    await s.query('UPDATE t SET id = id * 10 WHERE id = 1');
    expect(await rows(s, 'SELECT * FROM t WHERE id = 10')).toEqual([[10, 5, 'xy']]);
  });

  it('the missing value survives a new session (read back from pg_attribute)', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (id int)');
    await s.query('INSERT INTO t VALUES (1)');
    await s.query(
      "ALTER TABLE t ADD COLUMN n numeric(6,2) DEFAULT 1.005, ADD COLUMN ts timestamptz DEFAULT '2020-01-02 03:04:05+02', ADD COLUMN f float8 DEFAULT 0.1",
    );
    await s.close();
    const s2 = await db.connect();
    await s2.query("SET TimeZone = 'UTC'");
    expect(await rows(s2, 'SELECT id, n::text, ts::text, f FROM t')).toEqual([
      [1, '1.01', '2020-01-02 01:04:05+00', 0.1],
    ]);
  });

  it('a volatile DEFAULT rewrites the table: each row gets its own value', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (id int)');
    await s.query('INSERT INTO t VALUES (1), (2), (3)');
    await s.query('ALTER TABLE t ADD COLUMN r float8 DEFAULT random()');
    const r = await rows(s, 'SELECT r FROM t');
    expect(r.every(([v]) => typeof v === 'number')).toBe(true);
    expect(new Set(r.map(([v]) => v)).size).toBe(3);
    expect(await rows(s, "SELECT atthasmissing FROM pg_attribute WHERE attname = 'r'")).toEqual([
      [false],
    ]);
  });

  it('NOT NULL: refused without a default on a table with rows, a default fills it', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (id int)');
    await s.query('INSERT INTO t VALUES (1)');
    const e = await failure(s.query('ALTER TABLE t ADD COLUMN a int NOT NULL'));
    expect([e.code, e.message]).toEqual([
      '23502',
      'column "a" of relation "t" contains null values',
    ]);
    await s.query('ALTER TABLE t ADD COLUMN b int NOT NULL DEFAULT 0');
    expect(await rows(s, 'SELECT * FROM t')).toEqual([[1, 0]]);
  });

  it('IF NOT EXISTS on an existing column is a NOTICE; without it 42701', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (id int)');
    const e = await failure(s.query('ALTER TABLE t ADD COLUMN id int'));
    expect([e.code, e.message]).toEqual(['42701', 'column "id" of relation "t" already exists']);
    const r = await s.query('ALTER TABLE t ADD COLUMN IF NOT EXISTS id int');
    expect(r.notices.map((n) => n.message)).toEqual([
      'column "id" of relation "t" already exists, skipping',
    ]);
  });

  it('a rolled-back ADD COLUMN leaves rows as they were', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (id int)');
    await s.query('INSERT INTO t VALUES (1)');
    await s.query('BEGIN');
    await s.query('ALTER TABLE t ADD COLUMN q int DEFAULT 5');
    expect(await rows(s, 'SELECT * FROM t')).toEqual([[1, 5]]);
    await s.query('ROLLBACK');
    expect(await rows(s, 'SELECT * FROM t')).toEqual([[1]]);
  });

  it('property: rows read the same after any sequence of inserts, ADD COLUMN DEFAULT and DROP COLUMN', async () => {
    // a model: each table row as a map from live column name to value
    type Op =
      | { kind: 'insert'; v: number }
      | { kind: 'add'; def: number | null }
      | { kind: 'drop'; pick: number }
      | { kind: 'update'; v: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), v: fc.integer({ min: -99, max: 99 }) }),
      fc.record({
        kind: fc.constant('add' as const),
        def: fc.option(fc.integer({ min: -99, max: 99 }), { nil: null }),
      }),
      fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('update' as const), v: fc.integer({ min: -99, max: 99 }) }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const s = await db.connect();
        const t = `p${run++}`;
        await s.query(`CREATE TABLE ${t} (k int)`);
        let cols: string[] = ['k'];
        let model: Map<string, number | null>[] = [];
        let n = 0;
        let next = 0;
        for (const o of ops) {
          if (o.kind === 'insert') {
            const row = new Map(cols.map((c) => [c, o.v] as [string, number]));
            row.set('k', n++);
            model.push(row);
            await s.query(
              `INSERT INTO ${t} (${cols.join(', ')}) VALUES (${cols.map((c) => (c === 'k' ? row.get('k') : o.v)).join(', ')})`,
            );
          } else if (o.kind === 'add') {
            const c = `c${next++}`;
            await s.query(
              `ALTER TABLE ${t} ADD COLUMN ${c} int${o.def === null ? '' : ` DEFAULT ${o.def}`}`,
            );
            cols.push(c);
            for (const row of model) row.set(c, o.def);
          } else if (o.kind === 'drop') {
            const candidates = cols.filter((c) => c !== 'k');
            const c = candidates[o.pick % Math.max(1, candidates.length)];
            if (c === undefined) continue;
            await s.query(`ALTER TABLE ${t} DROP COLUMN ${c}`);
            cols = cols.filter((x) => x !== c);
            for (const row of model) row.delete(c);
          } else {
            const c = cols.at(-1) as string;
            if (c === 'k') continue;
            await s.query(`UPDATE ${t} SET ${c} = ${o.v} WHERE k % 2 = 0`);
            for (const row of model) if ((row.get('k') as number) % 2 === 0) row.set(c, o.v);
          }
        }
        const got = await rows(s, `SELECT ${cols.join(', ')} FROM ${t} ORDER BY k`);
        model = model.sort((a, b) => (a.get('k') as number) - (b.get('k') as number));
        expect(got).toEqual(model.map((row) => cols.map((c) => row.get(c) ?? null)));
        await s.close();
      }),
      { numRuns: 25 },
    );
  });
});
