/**
 * Rows that do not come from a table's heap: VALUES lists, set-returning
 * functions in FROM (and alone in a SELECT list without FROM), subqueries
 * in FROM, and INSERT ... SELECT. Statements are SQL, parsed and analyzed
 * by @pg/sql over a TestDb, planned and run here.
 */
import { describePlan, planQuery } from '@pg/executor';
import { TestDb } from '@pg/executor/testing';
import { analyze, type CatalogView, loadParser, parse } from '@pg/sql';
import { builtins, defaultContext, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

const { int4, text } = TypeOid;
const tctx = defaultContext();

beforeAll(async () => {
  await loadParser();
});

function setup() {
  const db = new TestDb();
  db.createTable('src', [{ name: 'a', type: int4 }]);
  db.createTable('dst', [
    { name: 'a', type: int4 },
    { name: 'doubled', type: int4 },
  ]);
  db.createTable(
    'u',
    [{ name: 'id', type: int4, notNull: true }],
    [{ name: 'u_pkey', columns: [1], unique: true }],
  );
  // a system view: rows computed at each scan, from the tables' current names
  let computedScans = 0;
  db.createView(
    'pg_tables',
    [
      { name: 'schemaname', type: TypeOid.name },
      { name: 'tablename', type: TypeOid.name },
      { name: 'hasindexes', type: TypeOid.bool },
    ],
    () => {
      computedScans++;
      return [
        ['public', 'src', false],
        ['public', 'dst', false],
        ['public', 'u', true],
      ];
    },
  );
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
  /** Runs `sql` in its own transaction; rows as text (NULL as null). */
  const run = async (sql: string) => {
    const q = analyzed(sql);
    const r = await db.autocommit(1, q);
    const types = q.targetList.filter((t) => !t.junk).map((t) => builtins.mustType(t.expr.type));
    return {
      rowCount: r.rowCount,
      rows: r.rows.map((row) => row.map((v, i) => (v === null ? null : types[i]!.output(v, tctx)))),
    };
  };
  return { db, run, analyzed, scans: () => computedScans };
}

describe('VALUES', () => {
  it('as a statement: columns column1.., a common type per column, ORDER BY / LIMIT', async () => {
    const { run, analyzed } = setup();
    const q = analyzed("values (1, 'a'), (2.5, null), (3, 'c') order by 1 desc limit 2");
    expect(q.targetList.map((t) => [t.name, t.expr.type])).toEqual([
      ['column1', TypeOid.numeric],
      ['column2', text],
    ]);
    expect(
      (await run("values (1, 'a'), (2.5, null), (3, 'c') order by 1 desc limit 2")).rows,
    ).toEqual([
      ['3', 'c'],
      ['2.5', null],
    ]);
    await expect(run("values (1), ('x')")).rejects.toMatchObject({ code: '22P02' });
    await expect(run('values (1), (true)')).rejects.toMatchObject({
      code: '42804',
      message: 'VALUES types integer and boolean cannot be matched',
    });
  });

  it('in FROM with column aliases, filtered and aggregated', async () => {
    const { run } = setup();
    expect(
      (
        await run(
          "select s, n * 10 from (values (3, 'c'), (1, 'a'), (2, 'b')) as v(n, s) where n > 1 order by n",
        )
      ).rows,
    ).toEqual([
      ['b', '20'],
      ['c', '30'],
    ]);
    expect(
      (await run('select count(*), sum(column1) from (values (1), (2), (null::int)) v')).rows,
    ).toEqual([['3', '3']]);
  });
});

describe('set-returning functions', () => {
  it('generate_series in FROM (named by its alias) and alone in a SELECT list', async () => {
    const { run, analyzed } = setup();
    expect(
      (await run('select g * 2 as even from generate_series(1, 3) as g order by g desc')).rows,
    ).toEqual([['6'], ['4'], ['2']]);
    expect(
      (await run('select count(*) from generate_series(1, 100) g where g % 7 = 0')).rows,
    ).toEqual([['14']]);
    expect((await run('select generate_series(1, 3) + 1 as x')).rows).toEqual([
      ['2'],
      ['3'],
      ['4'],
    ]);
    expect((await run('select generate_series(1, null)')).rows).toEqual([]);
    const q = analyzed('select * from generate_series(1, 2) x');
    expect(q.targetList.map((t) => t.name)).toEqual(['x']);
    expect(analyzed('select * from generate_series(1, 2)').targetList.map((t) => t.name)).toEqual([
      'generate_series',
    ]);
  });

  it('a scalar function in FROM gives one row; SRFs where PostgreSQL refuses them are 0A000', async () => {
    const { run } = setup();
    expect((await run("select * from lower('ABC') l")).rows).toEqual([['abc']]);
    await expect(run('select 1 where generate_series(1, 2) > 1')).rejects.toMatchObject({
      code: '0A000',
      message: 'set-returning functions are not allowed in WHERE',
      position: 16,
    });
    await expect(run('update dst set a = generate_series(1, 2)')).rejects.toMatchObject({
      message: 'set-returning functions are not allowed in UPDATE',
    });
    await expect(run('values (generate_series(1, 2))')).rejects.toMatchObject({
      message: 'set-returning functions are not allowed in VALUES',
    });
  });
});

describe('INSERT ... SELECT', () => {
  it('inserts the SELECT rows with assignment casts, RETURNING the new rows', async () => {
    const { run, db } = setup();
    await run('insert into src values (1), (2), (3)');
    const r = await run('insert into dst select a, a * 2 from src where a > 1 returning *');
    expect(r.rowCount).toBe(2);
    expect(r.rows).toEqual([
      ['2', '4'],
      ['3', '6'],
    ]);
    expect((await run("insert into dst (doubled) select '7'")).rowCount).toBe(1);
    expect((await run('insert into dst (a) select 2.6::numeric')).rowCount).toBe(1);
    expect((await run('select * from dst order by a')).rows).toEqual([
      ['2', '4'],
      ['3', '6'],
      ['3', null],
      [null, '7'],
    ]);
    expect(describePlan(planQuery(setup().analyzed('insert into dst select a from src'), db))).toBe(
      'Insert on dst\n  ->  Seq Scan on src',
    );
  });

  it('reads every source row before inserting (INSERT INTO t SELECT FROM t doubles it once)', async () => {
    const { run } = setup();
    await run('insert into src select generate_series(1, 5)');
    expect((await run('insert into src select a + 10 from src')).rowCount).toBe(5);
    expect((await run('select count(*), sum(a) from src')).rows).toEqual([['10', '80']]);
  });

  it('errors: type mismatch at the expression, too many expressions, duplicate keys', async () => {
    const { run } = setup();
    await expect(run("insert into dst (a) select 'x'::text")).rejects.toMatchObject({
      code: '42804',
      message: 'column "a" is of type integer but expression is of type text',
      position: 28,
    });
    await expect(run('insert into dst (a) select 1, 2')).rejects.toMatchObject({
      code: '42601',
      message: 'INSERT has more expressions than target columns',
      position: 31,
    });
    await expect(run('insert into dst (a, doubled) select 1')).rejects.toMatchObject({
      message: 'INSERT has more target columns than expressions',
    });
    await expect(run('insert into u select 7 from generate_series(1, 2)')).rejects.toMatchObject({
      code: '23505',
    });
    expect((await run('select count(*) from u')).rows).toEqual([['0']]);
  });

  it('property: INSERT INTO dst SELECT a, a * 2 FROM src WHERE a > k copies exactly the matching rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }), { maxLength: 30 }),
        fc.integer({ min: -60, max: 60 }),
        async (values, k) => {
          const { run } = setup();
          if (values.length > 0) {
            await run(`insert into src values ${values.map((v) => `(${v ?? 'null'})`).join(', ')}`);
          }
          const r = await run(`insert into dst select a, a * 2 from src where a > ${k}`);
          const expected = values
            .filter((v): v is number => v !== null && v > k)
            .sort((x, y) => x - y);
          expect(r.rowCount).toBe(expected.length);
          const rows = (await run('select a, doubled from dst order by a')).rows;
          expect(rows).toEqual(expected.map((v) => [String(v), String(v * 2)]));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('computed relations (system views)', () => {
  it('a scan iterates rows(): filter, project, sort, aggregate; computed anew each time', async () => {
    const { run, scans } = setup();
    expect(
      (
        await run(
          "select tablename, upper(schemaname) from pg_tables where tablename <> 'u' order by 1",
        )
      ).rows,
    ).toEqual([
      ['dst', 'PUBLIC'],
      ['src', 'PUBLIC'],
    ]);
    expect((await run('select count(*), bool_or(hasindexes) from pg_tables')).rows).toEqual([
      ['3', 't'],
    ]);
    expect((await run('select distinct schemaname from pg_tables limit 1')).rows).toEqual([
      ['public'],
    ]);
    expect(scans()).toBe(3);
  });

  it('INSERT ... SELECT from a view; changing a view is 55000; FOR UPDATE is not built', async () => {
    const { run, db } = setup();
    db.createTable('names', [{ name: 'n', type: text }]);
    expect((await run('insert into names select tablename from pg_tables')).rowCount).toBe(3);
    await expect(run("insert into pg_tables values ('x', 'y', true)")).rejects.toMatchObject({
      code: '55000',
      message: 'cannot insert into view "pg_tables"',
    });
    await expect(run('delete from pg_tables')).rejects.toMatchObject({
      code: '55000',
      message: 'cannot delete from view "pg_tables"',
    });
    await expect(run('select * from pg_tables for update')).rejects.toMatchObject({
      code: '0A000',
    });
  });
});
