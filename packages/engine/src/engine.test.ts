/**
 * The embedded Session API end to end, in memory: DDL, DML, transactions,
 * errors with PostgreSQL's SQLSTATEs, settings.
 */
import { Database } from '@pg/engine';
import { failure } from '@pg/engine/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let db: Database;

beforeEach(async () => {
  db = await Database.open();
});

afterEach(async () => {
  await db.close();
});

describe('Session', () => {
  it('creates a table, inserts, selects, updates and deletes', async () => {
    const s = await db.connect();
    expect(
      (await s.query('CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL, n int DEFAULT 7)'))
        .command,
    ).toBe('CREATE TABLE');
    const ins = await s.query("INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'b') RETURNING id, n");
    expect(ins.command).toBe('INSERT 0 2');
    expect(ins.rows).toEqual([
      { id: 1, n: 7 },
      { id: 2, n: 7 },
    ]);
    const sel = await s.query('SELECT id, name FROM t WHERE id = $1', [2]);
    expect(sel.rows).toEqual([{ id: 2, name: 'b' }]);
    expect(sel.fields.map((f) => [f.name, f.dataTypeID])).toEqual([
      ['id', 23],
      ['name', 25],
    ]);
    expect((await s.query("UPDATE t SET name = 'c' WHERE id = 1")).command).toBe('UPDATE 1');
    expect((await s.query('DELETE FROM t WHERE id = 2')).command).toBe('DELETE 1');
    expect((await s.query('SELECT * FROM t')).rows).toEqual([{ id: 1, name: 'c', n: 7 }]);
  });

  it("enforces the primary key with PostgreSQL's text and fails the block until ROLLBACK", async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (id int PRIMARY KEY)');
    await s.query('INSERT INTO t VALUES (1)');
    await s.query('BEGIN');
    const dup = await failure(s.query('INSERT INTO t VALUES (1)'));
    expect([dup.code, dup.message, dup.detail]).toEqual([
      '23505',
      'duplicate key value violates unique constraint "t_pkey"',
      'Key (id)=(1) already exists.',
    ]);
    expect(s.transactionStatus).toBe('E');
    const ignored = await failure(s.query('SELECT 1'));
    expect(ignored.code).toBe('25P02');
    expect((await s.query('COMMIT')).command).toBe('ROLLBACK');
    expect(s.transactionStatus).toBe('I');
  });

  it('isolates sessions: uncommitted rows are invisible to others, committed ones appear', async () => {
    const a = await db.connect();
    const b = await db.connect();
    await a.query('CREATE TABLE t (id int)');
    await a.query('BEGIN');
    await a.query('INSERT INTO t VALUES (1)');
    expect((await b.query('SELECT count(*) AS c FROM t')).rows).toEqual([{ c: 0n }]);
    await a.query('COMMIT');
    expect((await b.query('SELECT id FROM t')).rows).toEqual([{ id: 1 }]);
  });

  it('rolls back to a savepoint', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (id int)');
    await s.query('BEGIN');
    await s.query('INSERT INTO t VALUES (1)');
    await s.query('SAVEPOINT a');
    await s.query('INSERT INTO t VALUES (2)');
    await s.query('ROLLBACK TO a');
    await s.query('COMMIT');
    expect((await s.query('SELECT id FROM t')).rows).toEqual([{ id: 1 }]);
  });

  it('reports unknown relations, columns and syntax errors with their SQLSTATEs', async () => {
    const s = await db.connect();
    expect((await failure(s.query('SELECT * FROM nope'))).code).toBe('42P01');
    await s.query('CREATE TABLE t (a int)');
    expect((await failure(s.query('SELECT b FROM t'))).code).toBe('42703');
    const syntax = await failure(s.query('SELEC 1'));
    expect([syntax.code, syntax.message, syntax.position]).toEqual([
      '42601',
      'syntax error at or near "SELEC"',
      1,
    ]);
  });

  it('SET, SHOW and SET LOCAL', async () => {
    const s = await db.connect();
    await s.query("SET work_mem = '64MB'");
    expect((await s.query('SHOW work_mem')).rows).toEqual([{ work_mem: '64MB' }]);
    await s.query('BEGIN');
    await s.query("SET LOCAL work_mem = '1MB'");
    expect(s.setting('work_mem')).toBe('1MB');
    await s.query('COMMIT');
    expect(s.setting('work_mem')).toBe('64MB');
    expect((await failure(s.query('SET nope = 1'))).code).toBe('42704');
  });
});
