/**
 * issue 9 (H): temporary tables across sessions, COMMENT ON DATABASE, and
 * generated columns through COPY-free paths the difftest cases cannot show
 * (two sessions, session end). The single-session behaviour is in
 * tools/difftest/cases/tables/.
 */
import { Database } from '@pg/engine';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 10);

let db: Database;
beforeEach(async () => {
  db = await Database.open({});
});
afterEach(async () => {
  await db.close();
});

const count = async (s: Awaited<ReturnType<Database['connect']>>, sql: string) =>
  Number(Object.values((await s.query(sql)).rows[0] as object)[0]);

describe('temporary tables', () => {
  it('are session-local, shadow permanent tables and are dropped at session end', async () => {
    const s1 = await db.connect();
    const s2 = await db.connect();
    await s1.query('CREATE TABLE t (a int)');
    await s1.query('INSERT INTO t VALUES (100)');
    await s1.query('CREATE TEMP TABLE t (a int PRIMARY KEY)');
    await s1.query('INSERT INTO t VALUES (1), (2)');
    expect(await count(s1, 'SELECT count(*) FROM t')).toBe(2);
    // the other session sees the permanent table only
    expect(await count(s2, 'SELECT count(*) FROM t')).toBe(1);
    await s1.query('CREATE TEMP TABLE only_s1 (a int)');
    await expect(s2.query('SELECT * FROM only_s1')).rejects.toMatchObject({ code: '42P01' });
    // its own temp table of the same name
    await s2.query('CREATE TEMP TABLE only_s1 (b text)');
    await s2.query("INSERT INTO only_s1 VALUES ('x')");
    expect(await count(s1, 'SELECT count(*) FROM only_s1')).toBe(0);
    expect(await count(s2, 'SELECT count(*) FROM only_s1')).toBe(1);
    expect(
      await count(
        s2,
        "SELECT count(*) FROM pg_class WHERE relname = 'only_s1' AND relpersistence = 't'",
      ),
    ).toBe(2);
    await s1.close();
    expect(
      await count(s2, "SELECT count(*) FROM pg_class WHERE relname IN ('only_s1', 't', 't_pkey')"),
    ).toBe(2); // s2's only_s1 and the permanent t
    expect(await count(s2, 'SELECT count(*) FROM t')).toBe(1);
    await s2.close();
    const s3 = await db.connect();
    expect(await count(s3, "SELECT count(*) FROM pg_class WHERE relpersistence = 't'")).toBe(0);
    await s3.close();
  });

  it('roll back with their transaction', async () => {
    const s = await db.connect();
    await s.query('BEGIN');
    await s.query('CREATE TEMP TABLE r (a int)');
    await s.query('ROLLBACK');
    await expect(s.query('SELECT * FROM r')).rejects.toMatchObject({ code: '42P01' });
    await s.query('CREATE TEMP TABLE r (a int)');
    expect(await count(s, 'SELECT count(*) FROM r')).toBe(0);
    await s.close();
  });
});

describe('COMMENT ON DATABASE and ROLE', () => {
  it('stores shared comments in pg_shdescription, removed with NULL', async () => {
    const s = await db.connect();
    await s.query("COMMENT ON DATABASE postgres IS 'the db'");
    const row = await s.query(
      "SELECT shobj_description(oid, 'pg_database') AS d FROM pg_database WHERE datname = 'postgres'",
    );
    expect(row.rows[0]).toEqual({ d: 'the db' });
    await s.query('COMMENT ON DATABASE postgres IS NULL');
    expect(await count(s, 'SELECT count(*) FROM pg_shdescription')).toBe(0);
    const warned = await s.query("COMMENT ON DATABASE nope IS 'x'");
    expect(warned.notices[0]).toMatchObject({
      severity: 'WARNING',
      message: 'database "nope" does not exist',
    });
    await s.close();
  });
});

describe('COMMENT ON COLUMN against a model', () => {
  it('col_description always shows the last comment set (NULL and empty remove it), and DROP removes them', async () => {
    const s = await db.connect();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            col: fc.integer({ min: 1, max: 3 }),
            text: fc.option(fc.constantFrom('', 'a', "it's", 'long comment text', 'x'), {
              nil: null,
            }),
          }),
          { maxLength: 12 },
        ),
        async (ops) => {
          const t = `c${n++}`;
          await s.query(`CREATE TABLE ${t} (c1 int, c2 int, c3 int)`);
          const model = new Map<number, string>();
          for (const { col, text } of ops) {
            const lit = text === null ? 'NULL' : `'${text.replace(/'/g, "''")}'`;
            await s.query(`COMMENT ON COLUMN ${t}.c${col} IS ${lit}`);
            if (text === null || text === '') model.delete(col);
            else model.set(col, text);
          }
          const got = await s.query(
            `SELECT col_description('${t}'::regclass, 1) AS a, col_description('${t}'::regclass, 2) AS b, col_description('${t}'::regclass, 3) AS c, (SELECT count(*) FROM pg_description WHERE objoid = '${t}'::regclass) AS n`,
          );
          expect(got.rows[0]).toEqual({
            a: model.get(1) ?? null,
            b: model.get(2) ?? null,
            c: model.get(3) ?? null,
            n: BigInt(model.size),
          });
          const oid = Object.values(
            (await s.query(`SELECT '${t}'::regclass::oid AS o`)).rows[0] as object,
          )[0];
          await s.query(`DROP TABLE ${t}`);
          expect(await count(s, `SELECT count(*) FROM pg_description WHERE objoid = ${oid}`)).toBe(
            0,
          );
        },
      ),
      { numRuns: RUNS },
    );
    await s.close();
  }, 60_000);
});
