/**
 * Partial indexes (CREATE INDEX ... WHERE) and expression indexes through
 * the Session API: the catalog rows and pg_indexes text, entries for rows
 * inserted before and after CREATE INDEX, UPDATEs moving rows in and out
 * of the predicate, unique partial and expression indexes (23505 with
 * PostgreSQL's DETAIL), and the errors PostgreSQL gives for what an index
 * definition may not contain.
 */
import { Database, type Session } from '@pg/engine';
import { failure } from '@pg/engine/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let db: Database;
let s: Session;

beforeEach(async () => {
  db = await Database.open();
  s = await db.connect();
});

afterEach(async () => {
  await db.close();
});

async function rows(sql: string): Promise<unknown[][]> {
  return (await s.query<unknown[]>(sql, [], { rowMode: 'array' })).rows;
}

async function plan(sql: string): Promise<string> {
  return (await rows(`EXPLAIN (COSTS OFF) ${sql}`)).map((r) => r[0]).join('\n');
}

describe('partial indexes', () => {
  it('stores the predicate and shows it in pg_indexes', async () => {
    await s.query('CREATE TABLE jobs (id int PRIMARY KEY, status text NOT NULL)');
    await s.query("CREATE INDEX jobs_pending ON jobs (id) WHERE status = 'pending'");
    expect(await rows("SELECT indexdef FROM pg_indexes WHERE indexname = 'jobs_pending'")).toEqual([
      [
        "CREATE INDEX jobs_pending ON public.jobs USING btree (id) WHERE (status = 'pending'::text)",
      ],
    ]);
    expect(
      await rows(
        "SELECT indexprs IS NULL, indpred IS NOT NULL FROM pg_index WHERE indexrelid = 'jobs_pending'::regclass",
      ),
    ).toEqual([[true, true]]);
  });

  it('indexes only matching rows, before and after CREATE INDEX and across UPDATEs', async () => {
    await s.query('CREATE TABLE jobs (id int, status text)');
    await s.query(
      "INSERT INTO jobs SELECT g, CASE WHEN g % 10 = 0 THEN 'pending' ELSE 'done' END FROM generate_series(1, 100) g",
    );
    await s.query("CREATE INDEX jobs_pending ON jobs (id) WHERE status = 'pending'");
    await s.query("INSERT INTO jobs VALUES (105, 'pending'), (106, 'done')");
    await s.query('SET enable_seqscan = off');
    await s.query('SET enable_bitmapscan = off');
    const q = "SELECT id FROM jobs WHERE status = 'pending' ORDER BY id";
    // status is read only by the clause the predicate implies: index-only, as PostgreSQL plans it
    expect(await plan(q)).toBe('Index Only Scan using jobs_pending on jobs');
    expect((await rows(q)).flat()).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 105]);
    await s.query("UPDATE jobs SET status = 'running' WHERE id = 10");
    await s.query("UPDATE jobs SET status = 'pending' WHERE id = 11");
    await s.query('UPDATE jobs SET id = 21 WHERE id = 20');
    expect((await rows(q)).flat()).toEqual([11, 21, 30, 40, 50, 60, 70, 80, 90, 100, 105]);
    // a row moved back in gets an entry again
    await s.query("UPDATE jobs SET status = 'pending' WHERE id = 10");
    expect((await rows(q)).flat()).toContain(10);
  });

  it('enforces uniqueness only among matching rows', async () => {
    await s.query('CREATE TABLE t (k int, live bool)');
    await s.query('INSERT INTO t VALUES (1, false), (1, false), (1, true)');
    await s.query('CREATE UNIQUE INDEX t_live ON t (k) WHERE live');
    await s.query('INSERT INTO t VALUES (1, false)');
    const e = await failure(s.query('INSERT INTO t VALUES (1, true)'));
    expect(e.code).toBe('23505');
    expect(e.message).toBe('duplicate key value violates unique constraint "t_live"');
    expect(e.detail).toBe('Key (k)=(1) already exists.');
    const e2 = await failure(s.query('UPDATE t SET live = true WHERE live = false'));
    expect(e2.code).toBe('23505');
    await s.query('CREATE TABLE u (k int, live bool)');
    await s.query('INSERT INTO u VALUES (1, true), (1, true)');
    const e3 = await failure(s.query('CREATE UNIQUE INDEX u_live ON u (k) WHERE live'));
    expect(e3.code).toBe('23505');
    expect(e3.message).toBe('could not create unique index "u_live"');
    expect(e3.detail).toBe('Key (k)=(1) is duplicated.');
  });

  it('is used only when the query implies the predicate', async () => {
    await s.query('CREATE TABLE t (a int, b int)');
    await s.query('INSERT INTO t SELECT g, g % 100 FROM generate_series(1, 2000) g');
    await s.query('CREATE INDEX t_big ON t (a) WHERE b > 90');
    await s.query('ANALYZE t');
    expect(await plan('SELECT * FROM t WHERE b > 95 AND a = 5')).toMatch(/using t_big/);
    expect(await plan('SELECT * FROM t WHERE b > 90 AND a = 5')).toBe(
      'Index Scan using t_big on t\n  Index Cond: (a = 5)',
    );
    expect(await plan('SELECT * FROM t WHERE a = 5')).not.toMatch(/t_big/);
    expect(await plan('SELECT * FROM t WHERE b > 50 AND a = 5')).not.toMatch(/t_big/);
  });
});

describe('expression indexes', () => {
  it('indexes the expression and is used for it', async () => {
    await s.query('CREATE TABLE users (id int, name text)');
    await s.query("INSERT INTO users SELECT g, 'User' || g FROM generate_series(1, 500) g");
    await s.query('CREATE INDEX ON users (lower(name))');
    expect(
      await rows("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'users'"),
    ).toEqual([
      ['users_lower_idx', 'CREATE INDEX users_lower_idx ON public.users USING btree (lower(name))'],
    ]);
    await s.query('ANALYZE users');
    await s.query("INSERT INTO users VALUES (501, 'MiXed')");
    expect(await plan("SELECT id FROM users WHERE lower(name) = 'mixed'")).toMatch(
      /Index Cond: \(lower\(name\) = 'mixed'::text\)/,
    );
    expect(await rows("SELECT id FROM users WHERE lower(name) = 'mixed'")).toEqual([[501]]);
    expect(await rows("SELECT id FROM users WHERE lower(name) = 'user7'")).toEqual([[7]]);
    await s.query("UPDATE users SET name = 'Other' WHERE id = 7");
    expect(await rows("SELECT id FROM users WHERE lower(name) = 'user7'")).toEqual([]);
    expect(await rows("SELECT id FROM users WHERE lower(name) = 'other'")).toEqual([[7]]);
  });

  it('mixes plain columns and expressions; unique violations name the expression', async () => {
    await s.query('CREATE TABLE t (a int, name text)');
    await s.query('CREATE UNIQUE INDEX t_a_lower ON t (a, lower(name))');
    await s.query("INSERT INTO t VALUES (1, 'X'), (2, 'x')");
    const e = await failure(s.query("INSERT INTO t VALUES (1, 'x')"));
    expect(e.code).toBe('23505');
    expect(e.detail).toBe('Key (a, lower(name))=(1, x) already exists.');
    await s.query('CREATE TABLE v (name text)');
    await s.query('CREATE UNIQUE INDEX v_lower ON v (lower(name))');
    await s.query("INSERT INTO v VALUES ('x')");
    const e2 = await failure(s.query("INSERT INTO v VALUES ('X')"));
    expect(e2.detail).toBe('Key (lower(name))=(x) already exists.');
    await s.query('CREATE INDEX v_sum ON v ((name || name))');
    expect(await rows("SELECT indexdef FROM pg_indexes WHERE indexname = 'v_sum'")).toEqual([
      ['CREATE INDEX v_sum ON public.v USING btree (((name || name)))'],
    ]);
  });

  it('goes with a column its expression or predicate reads (DROP COLUMN)', async () => {
    await s.query('CREATE TABLE t (a int, b text, c int)');
    await s.query('CREATE INDEX t_lower ON t (lower(b))');
    await s.query('CREATE INDEX t_part ON t (a) WHERE c > 0');
    await s.query('ALTER TABLE t DROP COLUMN b');
    await s.query('ALTER TABLE t DROP COLUMN c');
    expect(await rows("SELECT indexname FROM pg_indexes WHERE tablename = 't'")).toEqual([]);
  });

  it('refuses what PostgreSQL refuses', async () => {
    await s.query('CREATE TABLE t (a int, ts timestamptz)');
    const cases: [string, string, string][] = [
      [
        'CREATE INDEX ON t (a) WHERE random() > 0.5',
        '42P17',
        'functions in index predicate must be marked IMMUTABLE',
      ],
      [
        'CREATE INDEX ON t ((a + random()))',
        '42P17',
        'functions in index expression must be marked IMMUTABLE',
      ],
      [
        'CREATE INDEX ON t (a) WHERE a IN (SELECT 1)',
        '0A000',
        'cannot use subquery in index predicate',
      ],
      ['CREATE INDEX ON t ((a + (SELECT 1)))', '0A000', 'cannot use subquery in index expression'],
      [
        'CREATE INDEX ON t ((count(a)))',
        '42803',
        'aggregate functions are not allowed in index expressions',
      ],
      [
        'CREATE INDEX ON t (a) WHERE count(a) > 1',
        '42803',
        'aggregate functions are not allowed in index predicates',
      ],
      ['CREATE INDEX ON t (a) WHERE nosuch > 1', '42703', 'column "nosuch" does not exist'],
    ];
    for (const [sql, code, message] of cases) {
      const e = await failure(s.query(sql));
      expect([e.code, e.message], sql).toEqual([code, message]);
    }
  });
});
