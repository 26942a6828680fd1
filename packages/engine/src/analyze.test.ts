/**
 * The ANALYZE statement through the Session API: pg_class's relpages and
 * reltuples, ANALYZE VERBOSE's INFO lines (PostgreSQL 15's text), the
 * column list, errors as PostgreSQL reports them, transaction blocks,
 * VACUUM (not supported yet), and ALTER TABLE ... SET STATISTICS.
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

const size = (table: string) =>
  rows(`SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = '${table}'`);

describe('ANALYZE', () => {
  it('writes relpages and reltuples to pg_class (-1 before)', async () => {
    await s.query('CREATE TABLE t (a int, b text)');
    await s.query("INSERT INTO t SELECT i, 'x' || i FROM generate_series(1, 10) i");
    expect(await size('t')).toEqual([[0, -1, 0]]);
    const r = await s.query('ANALYZE t');
    expect(r.command).toBe('ANALYZE');
    expect(r.notices).toEqual([]);
    expect(await size('t')).toEqual([[1, 10, 0]]);
    await s.query('DELETE FROM t WHERE a > 4');
    await s.query('ANALYZE t (a)');
    expect(await size('t')).toEqual([[1, 4, 0]]);
  });

  it('VERBOSE reports as PostgreSQL 15 does (INFO)', async () => {
    await s.query('CREATE TABLE t (a int, b text)');
    await s.query("INSERT INTO t SELECT i, 'x' || i FROM generate_series(1, 10) i");
    await s.query('CREATE TABLE e (a int)');
    expect((await s.query('ANALYZE VERBOSE t')).notices).toEqual([
      { severity: 'INFO', code: '00000', message: 'analyzing "public.t"' },
      {
        severity: 'INFO',
        code: '00000',
        message:
          '"t": scanned 1 of 1 pages, containing 10 live rows and 0 dead rows; 10 rows in sample, 10 estimated total rows',
      },
    ]);
    expect((await s.query('ANALYZE (VERBOSE) e')).notices.map((n) => n.message)).toEqual([
      'analyzing "public.e"',
      '"e": scanned 0 of 0 pages, containing 0 live rows and 0 dead rows; 0 rows in sample, 0 estimated total rows',
    ]);
    expect(await size('e')).toEqual([[0, 0, 0]]);
  });

  it('without a list analyzes every user table; a view is skipped with a WARNING', async () => {
    await s.query('CREATE TABLE a1 (x int)');
    await s.query('CREATE SCHEMA s2');
    await s.query('CREATE TABLE s2.a2 (y text)');
    await s.query('INSERT INTO a1 SELECT generate_series(1, 300)');
    await s.query("INSERT INTO s2.a2 VALUES ('p'), ('q')");
    await s.query('ANALYZE');
    expect(await size('a1')).toEqual([[2, 300, 0]]);
    expect(await size('a2')).toEqual([[1, 2, 0]]);
    expect((await s.query('ANALYZE pg_tables')).notices).toEqual([
      {
        severity: 'WARNING',
        code: '01000',
        message: 'skipping "pg_tables" --- cannot analyze non-tables or special system tables',
      },
    ]);
  });

  it('errors as PostgreSQL: missing table, missing or repeated column', async () => {
    await s.query('CREATE TABLE t (a int)');
    const e1 = await failure(s.query('ANALYZE nosuch'));
    expect([e1.code, e1.message]).toEqual(['42P01', 'relation "nosuch" does not exist']);
    const e2 = await failure(s.query('ANALYZE t (zz)'));
    expect([e2.code, e2.message]).toEqual(['42703', 'column "zz" of relation "t" does not exist']);
    const e3 = await failure(s.query('ANALYZE t (a, a)'));
    expect([e3.code, e3.message]).toEqual([
      '42701',
      'column "a" of relation "t" appears more than once',
    ]);
  });

  it('runs inside a transaction block; VACUUM is refused there (25001) and runs outside', async () => {
    await s.query('CREATE TABLE t (a int)');
    await s.query('INSERT INTO t VALUES (1), (2)');
    await s.query('BEGIN');
    await s.query('ANALYZE t');
    expect(await size('t')).toEqual([[1, 2, 0]]);
    const e = await failure(s.query('VACUUM t'));
    expect([e.code, e.message]).toEqual(['25001', 'VACUUM cannot run inside a transaction block']);
    await s.query('ROLLBACK');
    expect((await s.query('VACUUM t')).command).toBe('VACUUM');
    expect((await s.query('VACUUM ANALYZE t')).command).toBe('VACUUM');
    expect(await size('t')).toEqual([[1, 2, 1]]); // VACUUM set the page all-visible
    await s.query('ANALYZE t');
    // another session sees the committed size
    const s2 = await db.connect();
    expect(
      (
        await s2.query<unknown[]>("SELECT reltuples FROM pg_class WHERE relname = 't'", [], {
          rowMode: 'array',
        })
      ).rows,
    ).toEqual([[2]]);
  });
});

describe('ALTER TABLE ... ALTER COLUMN ... SET STATISTICS', () => {
  const target = () =>
    rows("SELECT attstattarget FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'a'");

  it('sets attstattarget; above 10000 is lowered with a WARNING; below -1 is an error', async () => {
    await s.query('CREATE TABLE t (a int, b int)');
    expect(await target()).toEqual([[-1]]);
    await s.query('ALTER TABLE t ALTER COLUMN a SET STATISTICS 7');
    expect(await target()).toEqual([[7]]);
    const r = await s.query('ALTER TABLE t ALTER a SET STATISTICS 20000');
    expect(r.notices).toEqual([
      { severity: 'WARNING', code: '22023', message: 'lowering statistics target to 10000' },
    ]);
    expect(await target()).toEqual([[10000]]);
    const e = await failure(s.query('ALTER TABLE t ALTER a SET STATISTICS -5'));
    expect([e.code, e.message]).toEqual(['22023', 'statistics target -5 is too low']);
    const e2 = await failure(s.query('ALTER TABLE t ALTER zz SET STATISTICS 5'));
    expect([e2.code, e2.message]).toEqual(['42703', 'column "zz" of relation "t" does not exist']);
    await s.query('ALTER TABLE t ALTER a SET STATISTICS 0');
    await s.query('INSERT INTO t VALUES (1, 2)');
    await s.query('ANALYZE t');
    expect(await size('t')).toEqual([[1, 1, 0]]);
  });
});
