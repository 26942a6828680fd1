/**
 * INSERT/UPDATE/DELETE over the plan tree (modify.ts): UPDATE ... FROM,
 * DELETE ... USING, sub-SELECTs in WHERE / SET / RETURNING / VALUES,
 * WITH before the statement and data-modifying WITH, and the plan shape.
 * Statements are SQL, analyzed by @pg/sql over a TestDb.
 */
import { describePlan, planQuery } from '@pg/executor';
import { TestDb } from '@pg/executor/testing';
import { analyze, type CatalogView, loadParser, parse } from '@pg/sql';
import { builtins, defaultContext, TypeOid } from '@pg/types';
import { beforeAll, describe, expect, it } from 'vitest';

const { int4, text } = TypeOid;
const tctx = defaultContext();

beforeAll(async () => {
  await loadParser();
});

function setup() {
  const db = new TestDb();
  db.createTable(
    't',
    [
      { name: 'id', type: int4, notNull: true },
      { name: 'v', type: int4 },
    ],
    [{ name: 't_pkey', columns: [1], unique: true }],
  );
  db.createTable('s', [
    { name: 'id', type: int4 },
    { name: 'w', type: int4 },
  ]);
  db.createTable('log', [
    { name: 'id', type: int4 },
    { name: 'note', type: text },
  ]);
  const catalog: CatalogView = {
    registry: builtins,
    searchPath: ['pg_catalog', 'public'],
    lookupRelation: (_schema, name) => {
      try {
        return db.table(name).desc;
      } catch {
        return undefined;
      }
    },
    currentUser: 'postgres',
    currentDatabase: 'postgres',
  };
  const analyzed = (sql: string) => analyze(parse(sql)[0]!, catalog);
  const run = async (sql: string) => {
    const q = analyzed(sql);
    const r = await db.autocommit(1, q);
    const types = q.targetList.filter((t) => !t.junk).map((t) => builtins.mustType(t.expr.type));
    return {
      rowCount: r.rowCount,
      rows: r.rows.map((row) => row.map((v, i) => (v === null ? null : types[i]!.output(v, tctx)))),
    };
  };
  const rows = async (sql: string) => (await run(sql)).rows;
  return { db, run, rows, analyzed };
}

describe('UPDATE ... FROM and DELETE ... USING', () => {
  it('updates each target row once, by one of its join partners', async () => {
    const { run, rows } = setup();
    await run('INSERT INTO t VALUES (1, 0), (2, 0), (3, 0)');
    await run('INSERT INTO s VALUES (1, 5), (1, 5), (2, 7)');
    expect((await run('UPDATE t SET v = v + s.w FROM s WHERE s.id = t.id')).rowCount).toBe(2);
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([
      ['1', '5'],
      ['2', '7'],
      ['3', '0'],
    ]);
    const del = await run('DELETE FROM t USING s WHERE s.id = t.id RETURNING t.id, s.w');
    expect(del.rowCount).toBe(2);
    expect(del.rows.map((r) => r[0]).sort()).toEqual(['1', '2']);
    expect(await rows('SELECT id FROM t')).toEqual([['3']]);
  });

  it('sub-SELECTs in WHERE, SET and RETURNING (correlated and not)', async () => {
    const { run, rows } = setup();
    await run('INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)');
    await run('INSERT INTO s VALUES (1, 10), (1, 20), (3, 30)');
    const r = await run(
      'UPDATE t SET v = (SELECT sum(w) FROM s WHERE s.id = t.id) WHERE EXISTS (SELECT 1 FROM s WHERE s.id = t.id) RETURNING id, v, (SELECT count(*) FROM s WHERE s.id = t.id)',
    );
    expect(r.rows).toEqual([
      ['1', '30', '2'],
      ['3', '30', '1'],
    ]);
    await run('DELETE FROM t WHERE v < (SELECT max(w) FROM s)');
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([
      ['1', '30'],
      ['3', '30'],
    ]);
    await run('UPDATE t SET (id, v) = (SELECT id + 10, w FROM s WHERE s.w = 30) WHERE id = 3');
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([
      ['1', '30'],
      ['13', '30'],
    ]);
  });

  it('INSERT with sub-SELECTs in VALUES and RETURNING, INSERT ... SELECT with a join', async () => {
    const { run, rows } = setup();
    await run('INSERT INTO s VALUES (1, 10), (2, 20)');
    const r = await run(
      'INSERT INTO t VALUES ((SELECT max(id) FROM s), (SELECT min(w) FROM s)) RETURNING id, (SELECT w FROM s WHERE s.id = t.id)',
    );
    expect(r.rows).toEqual([['2', '20']]);
    await run('INSERT INTO log SELECT s.id, t.v::text FROM s JOIN t ON t.id = s.id');
    expect(await rows('SELECT id, note FROM log')).toEqual([['2', '10']]);
  });
});

describe('WITH', () => {
  it('read-only WITH before UPDATE, DELETE and INSERT', async () => {
    const { run, rows } = setup();
    await run('INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)');
    await run(
      'WITH big AS (SELECT id FROM t WHERE v >= 2) UPDATE t SET v = 0 WHERE id IN (SELECT id FROM big)',
    );
    await run('WITH x AS (SELECT max(id) AS m FROM t) INSERT INTO t SELECT m + 1, 9 FROM x');
    await run('WITH z AS (SELECT 1 AS id) DELETE FROM t USING z WHERE z.id = t.id');
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([
      ['2', '0'],
      ['3', '0'],
      ['4', '9'],
    ]);
  });

  it('data-modifying WITH: one snapshot, each runs once, its RETURNING rows read by the statement', async () => {
    const { run, rows } = setup();
    await run('INSERT INTO t VALUES (1, 1), (2, 2)');
    const r = await run(
      'WITH d AS (DELETE FROM t WHERE id = 1 RETURNING *), u AS (UPDATE t SET v = 0 RETURNING id) SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM d), (SELECT count(*) FROM u)',
    );
    // the main query sees neither change; u does not see d's delete (same snapshot): it updates both
    expect(r.rows).toEqual([['2', '1', '1']]);
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([['2', '0']]);
    await run(
      "WITH moved AS (DELETE FROM t RETURNING id) INSERT INTO log SELECT id, 'moved' FROM moved",
    );
    expect(await rows('SELECT id, note FROM log')).toEqual([['2', 'moved']]);
    expect(await rows('SELECT count(*) FROM t')).toEqual([['0']]);
  });
});

describe('plans', () => {
  it('ModifyTable over the plan that finds the rows', () => {
    const { db, analyzed } = setup();
    const plan = (sql: string) => describePlan(planQuery(analyzed(sql), db));
    expect(plan('UPDATE t SET v = 1 WHERE id = 1')).toBe(
      'Update on t\n  ->  Index Scan using t_pkey on t',
    );
    expect(plan('DELETE FROM t x WHERE v = 1')).toBe('Delete on t x\n  ->  Seq Scan on t x');
  });
});
