/**
 * DDL inside savepoints: what ROLLBACK TO undoes is undone on disk too
 * (the dropped file stays, the created one goes), what RELEASE keeps
 * belongs to the enclosing level, and a failed statement leaves the
 * subtransaction for ROLLBACK TO to end, as in PostgreSQL.
 */
import { Database, type Session } from '@pg/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let db: Database;
let s: Session;

beforeEach(async () => {
  db = await Database.open();
  s = await db.connect();
  await s.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
  await s.query("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
});

afterEach(async () => {
  await db.close();
});

const ids = async () =>
  (await s.query('SELECT id FROM t ORDER BY id')).rows.map((r) => (r as { id: number }).id);

describe('DDL in savepoints', () => {
  for (const ddl of [
    'DROP TABLE t',
    'TRUNCATE t',
    'DROP INDEX t_v',
    'ALTER TABLE t DROP COLUMN v',
  ]) {
    it(`${ddl} undone by ROLLBACK TO keeps the data at COMMIT`, async () => {
      await s.query('CREATE INDEX t_v ON t (v)');
      await s.query('BEGIN');
      await s.query('SAVEPOINT a');
      await s.query(ddl);
      await s.query('ROLLBACK TO a');
      await s.query("INSERT INTO t VALUES (3, 'c')");
      await s.query('COMMIT');
      expect(await ids()).toEqual([1, 2, 3]);
      expect((await s.query("SELECT id FROM t WHERE v = 'b'")).rows).toEqual([{ id: 2 }]);
      expect((await s.query('SELECT v FROM t WHERE id = 3')).rows).toEqual([{ v: 'c' }]);
    });
  }

  it('a table created in a rolled-back savepoint is gone; the transaction commits', async () => {
    await s.query('BEGIN');
    await s.query('SAVEPOINT a');
    await s.query('CREATE TABLE u (x int)');
    await s.query('INSERT INTO u VALUES (1)');
    await s.query('ROLLBACK TO a');
    await s.query('CREATE TABLE u (y text)');
    await s.query("INSERT INTO u VALUES ('kept')");
    await s.query('COMMIT');
    expect((await s.query('SELECT * FROM u')).rows).toEqual([{ y: 'kept' }]);
  });

  it('RELEASE hands the drop to the enclosing savepoint; rolling that back keeps the table', async () => {
    await s.query('BEGIN');
    await s.query('SAVEPOINT a');
    await s.query('SAVEPOINT b');
    await s.query('DROP TABLE t');
    await s.query('RELEASE b');
    await s.query('ROLLBACK TO a');
    await s.query('COMMIT');
    expect(await ids()).toEqual([1, 2]);
  });

  it('a drop released to the top level happens at COMMIT', async () => {
    await s.query('BEGIN');
    await s.query('SAVEPOINT a');
    await s.query('DROP TABLE t');
    await s.query('RELEASE a');
    await s.query('COMMIT');
    await expect(s.query('SELECT * FROM t')).rejects.toMatchObject({ code: '42P01' });
  });

  it('a failed statement after the drop: ROLLBACK TO undoes both', async () => {
    await s.query('BEGIN');
    await s.query('SAVEPOINT a');
    await s.query('DROP TABLE t');
    await expect(s.query('SELECT 1 / 0')).rejects.toMatchObject({ code: '22012' });
    await s.query('ROLLBACK TO a');
    await s.query('COMMIT');
    expect(await ids()).toEqual([1, 2]);
  });
});
