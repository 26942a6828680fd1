/**
 * Session.prepare / Session.bind / Portal.fetch: the extended query
 * protocol's engine side. The expected descriptions, tags and errors are
 * what real PostgreSQL 15 sends for the same Parse/Describe/Bind/Execute
 * sequences (captured with a raw pg connection against PostgreSQL 15.x).
 */
import { Database, type Session } from '@pg/engine';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let db: Database;
let s: Session;

beforeEach(async () => {
  db = await Database.open();
  s = await db.connect();
  await s.query('CREATE TABLE t (a int, b varchar(5), c numeric(6,2))');
  await s.query("INSERT INTO t SELECT g, 'x' || g, g FROM generate_series(1, 5) g");
});

afterEach(async () => {
  await s.close();
  await db.close();
});

const shape = (fields: readonly { name: string; dataTypeID: number; dataTypeModifier: number }[]) =>
  fields.map((f) => [f.name, f.dataTypeID, f.dataTypeModifier]);

async function fetchAll(sql: string, batches: number[], params: unknown[] = []) {
  const st = await s.prepare(sql);
  const portal = await s.bind(st, params);
  const out = [];
  for (const n of batches) {
    const b = await portal.fetch(n);
    out.push({ rows: b.rows.length, done: b.done, command: b.command });
  }
  return out;
}

describe('prepare', () => {
  it('describes parameters and result columns with table OID and attnum', async () => {
    const st = await s.prepare('SELECT a, a + 1 AS x, b, c FROM t WHERE a = $1');
    expect(st.paramTypes).toEqual([23]);
    expect(shape(st.fields)).toEqual([
      ['a', 23, -1],
      ['x', 23, -1],
      ['b', 1043, 9],
      ['c', 1700, 393222],
    ]);
    const oid = (await s.query<{ oid: number }>("SELECT 't'::regclass::oid AS oid")).rows[0]?.oid;
    expect(st.fields.map((f) => [f.tableID, f.columnID])).toEqual([
      [oid, 1],
      [0, 0],
      [oid, 2],
      [oid, 3],
    ]);
    expect(st.empty).toBe(false);
  });

  it('infers, keeps declared, and refuses undeterminable parameter types', async () => {
    expect((await s.prepare('SELECT $1')).paramTypes).toEqual([25]);
    expect((await s.prepare('SELECT $1::int', [0, 20])).paramTypes).toEqual([23, 20]);
    await expect(s.prepare('SELECT 1 WHERE $1 IS NULL')).rejects.toMatchObject({
      code: '42P18',
      message: 'could not determine data type of parameter $1',
    });
  });

  it('describes utility statements: SHOW and EXPLAIN return rows, others none', async () => {
    expect(shape((await s.prepare('SHOW timezone')).fields)).toEqual([['TimeZone', 25, -1]]);
    expect((await s.prepare('SHOW ALL')).fields.map((f) => f.name)).toEqual([
      'name',
      'setting',
      'description',
    ]);
    expect(shape((await s.prepare('EXPLAIN SELECT 1')).fields)).toEqual([['QUERY PLAN', 25, -1]]);
    expect(shape((await s.prepare('EXPLAIN (FORMAT JSON) SELECT 1')).fields)).toEqual([
      ['QUERY PLAN', 114, -1],
    ]);
    expect((await s.prepare('EXPLAIN SELECT $1::int')).paramTypes).toEqual([23]);
    const ddl = await s.prepare('CREATE TABLE zz (a int)', [23]);
    expect(ddl.fields).toEqual([]);
    expect(ddl.paramTypes).toEqual([23]);
    await expect(s.prepare('SHOW nosuch')).rejects.toMatchObject({ code: '42704' });
  });

  it('refuses several statements and gives an empty statement for none', async () => {
    await expect(s.prepare('SELECT 1; SELECT 2')).rejects.toMatchObject({
      code: '42601',
      message: 'cannot insert multiple commands into a prepared statement',
    });
    const empty = await s.prepare('');
    expect(empty.empty).toBe(true);
    const b = await (await s.bind(empty, [])).fetch(0);
    expect(b).toMatchObject({ rows: [], done: true, command: '' });
  });

  it('refuses all but COMMIT/ROLLBACK in a failed transaction block', async () => {
    await s.query('BEGIN');
    await expect(s.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    await expect(s.prepare('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    const rb = await s.prepare('COMMIT');
    expect((await (await s.bind(rb, [])).fetch(0)).command).toBe('ROLLBACK');
    expect(s.transactionStatus).toBe('I');
  });
});

describe('portals', () => {
  it('returns rows in batches with the tags PostgreSQL sends', async () => {
    expect(await fetchAll('SELECT * FROM t', [2, 2, 1, 1])).toEqual([
      { rows: 2, done: false, command: '' },
      { rows: 2, done: false, command: '' },
      { rows: 1, done: false, command: '' },
      { rows: 0, done: true, command: 'SELECT 0' },
    ]);
    expect(await fetchAll('SELECT * FROM t', [5, 1])).toEqual([
      { rows: 5, done: false, command: '' },
      { rows: 0, done: true, command: 'SELECT 0' },
    ]);
    expect(await fetchAll('SELECT * FROM t WHERE a = $1', [0], ['1'])).toEqual([
      { rows: 1, done: true, command: 'SELECT 1' },
    ]);
    expect(await fetchAll('INSERT INTO t VALUES (10), (11) RETURNING a', [1, 1, 1])).toEqual([
      { rows: 1, done: false, command: '' },
      { rows: 1, done: false, command: '' },
      { rows: 0, done: true, command: 'INSERT 0 0' },
    ]);
    expect(await fetchAll('INSERT INTO t VALUES (12)', [0])).toEqual([
      { rows: 0, done: true, command: 'INSERT 0 1' },
    ]);
    expect(await fetchAll('SHOW timezone', [0])).toEqual([
      { rows: 1, done: true, command: 'SHOW' },
    ]);
    expect(await fetchAll('BEGIN', [0])).toEqual([{ rows: 0, done: true, command: 'BEGIN' }]);
    expect(s.transactionStatus).toBe('T');
    expect(await fetchAll('COMMIT', [0])).toEqual([{ rows: 0, done: true, command: 'COMMIT' }]);
  });

  it('runs a prepared statement many times with parameters of its types', async () => {
    const st = await s.prepare('SELECT b FROM t WHERE a = $1');
    for (const a of [1, 3, 5]) {
      const b = await (await s.bind(st, [a])).fetch(0);
      expect(b.rows).toEqual([[`x${a}`]]);
    }
    const text = await (await s.bind(st, ['2'])).fetch(0);
    expect(text.rows).toEqual([['x2']]);
    await expect(s.bind(st, [])).rejects.toMatchObject({ code: '08P01' });
  });

  it('plans again after DDL and refuses a changed result type', async () => {
    const narrow = await s.prepare('SELECT a FROM t WHERE a = 1');
    const star = await s.prepare('SELECT * FROM t WHERE a = 1');
    await s.query('CREATE INDEX t_a ON t (a)');
    expect((await (await s.bind(star, [])).fetch(0)).rows).toHaveLength(1);
    await s.query('ALTER TABLE t ADD COLUMN d int');
    expect((await (await s.bind(narrow, [])).fetch(0)).rows).toEqual([[1]]);
    await expect(s.bind(star, [])).rejects.toMatchObject({
      code: '0A000',
      message: 'cached plan must not change result type',
    });
    await s.query('DROP TABLE t');
    await expect(s.bind(narrow, [])).rejects.toMatchObject({ code: '42P01' });
  });

  it('runs DDL, SET and transaction statements prepared', async () => {
    const set = await s.prepare("SET timezone = 'Europe/Paris'");
    expect((await (await s.bind(set, [])).fetch(0)).command).toBe('SET');
    expect(s.setting('TimeZone')).toBe('Europe/Paris');
    expect(s.typeContext().timeZone).toBe('Europe/Paris');
    const ddl = await s.prepare('CREATE TABLE u (x int)');
    expect((await (await s.bind(ddl, [])).fetch(0)).command).toBe('CREATE TABLE');
    expect((await s.query('SELECT count(*) AS n FROM u')).rows).toEqual([{ n: 0n }]);
  });

  it('collects notices, and a closed portal is gone', async () => {
    const st = await s.prepare('DROP TABLE IF EXISTS nope');
    const portal = await s.bind(st, []);
    const b = await portal.fetch(0);
    expect(b.notices.map((n) => n.message)).toEqual(['table "nope" does not exist, skipping']);
    portal.close();
    await expect(portal.fetch(0)).rejects.toMatchObject({ code: '34000' });
  });
});

describe('PREPARE / EXECUTE / DEALLOCATE', () => {
  it('prepares, executes with coerced parameter expressions, and deallocates', async () => {
    await s.query('CREATE TABLE q (a int, b text)');
    expect(
      (await s.query('PREPARE p1(int, text) AS INSERT INTO q VALUES ($1, $2) RETURNING *')).command,
    ).toBe('PREPARE');
    const r = await s.query("EXECUTE p1(1, 'x')");
    expect(r.command).toBe('INSERT 0 1');
    expect(r.rows).toEqual([{ a: 1, b: 'x' }]);
    expect((await s.query('EXECUTE p1(2 + 3, 7)')).rows).toEqual([{ a: 5, b: '7' }]);
    await expect(s.query('PREPARE p1 AS SELECT 1')).rejects.toMatchObject({
      code: '42P05',
      message: 'prepared statement "p1" already exists',
    });
    await expect(s.query('EXECUTE nope')).rejects.toMatchObject({
      code: '26000',
      message: 'prepared statement "nope" does not exist',
    });
    await expect(s.query('EXECUTE p1(1)')).rejects.toMatchObject({
      code: '42601',
      message: 'wrong number of parameters for prepared statement "p1"',
      detail: 'Expected 2 parameters but got 1.',
    });
    await s.query('PREPARE p2 AS SELECT * FROM q WHERE a > $1');
    const sel = await s.query('EXECUTE p2(0)');
    expect(sel.command).toBe('SELECT 2');
    expect(sel.fields.map((f) => f.name)).toEqual(['a', 'b']);
    await s.query('ALTER TABLE q ADD COLUMN c int');
    await expect(s.query('EXECUTE p2(0)')).rejects.toMatchObject({
      code: '0A000',
      message: 'cached plan must not change result type',
    });
    expect((await s.query('DEALLOCATE p2')).command).toBe('DEALLOCATE');
    await expect(s.query('DEALLOCATE p2')).rejects.toMatchObject({ code: '26000' });
    await s.query('PREPARE p3 AS SELECT $1');
    expect((await s.query("EXECUTE p3('hi')")).rows).toEqual([{ '?column?': 'hi' }]);
    expect((await s.query('DEALLOCATE ALL')).command).toBe('DEALLOCATE ALL');
    await expect(s.query("EXECUTE p3('hi')")).rejects.toMatchObject({ code: '26000' });
  });
});

describe('COPY through a portal', () => {
  it('streams COPY FROM STDIN and TO STDOUT with the bind options', async () => {
    const into = await s.prepare('COPY t (a, b) FROM STDIN');
    expect(into.fields).toEqual([]);
    const starts: string[] = [];
    const inPortal = await s.bind(into, [], {
      copyIn: '7\tx7\n8\tx8\n',
      onCopyStart: (start) => {
        starts.push(start.direction);
      },
    });
    expect((await inPortal.fetch(0)).command).toBe('COPY 2');
    let data = '';
    const out = await s.prepare('COPY (SELECT a, b FROM t WHERE a > 6 ORDER BY a) TO STDOUT');
    const outPortal = await s.bind(out, [], {
      copyOut: (chunk) => {
        data += chunk;
      },
      onCopyStart: (start) => {
        starts.push(start.direction);
      },
    });
    expect((await outPortal.fetch(0)).command).toBe('COPY 2');
    expect(data).toBe('7\tx7\n8\tx8\n');
    expect(starts).toEqual(['in', 'out']);
  });
});

describe('one namespace for PREPARE and named Parse', () => {
  it('lets EXECUTE and DEALLOCATE see a statement stored by the protocol', async () => {
    const st = await s.prepare('SELECT b FROM t WHERE a = $1');
    s.preparedStatements.store('byparse', st);
    expect(() => s.preparedStatements.store('byparse', st)).toThrow(
      expect.objectContaining({ code: '42P05' }),
    );
    expect((await s.query('EXECUTE byparse(2)')).rows).toEqual([{ b: 'x2' }]);
    await s.query('PREPARE bysql AS SELECT 1 AS one');
    const bysql = s.preparedStatements.get('bysql');
    expect(bysql?.fields.map((f) => f.name)).toEqual(['one']);
    if (bysql === undefined) throw new Error('missing');
    expect((await (await s.bind(bysql, [])).fetch(0)).rows).toEqual([[1]]);
    await s.query('DEALLOCATE byparse');
    expect(s.preparedStatements.get('byparse')).toBeUndefined();
    expect(s.preparedStatements.delete('bysql')).toBe(true);
  });
});

describe('portal batches (property)', () => {
  it("any sequence of fetch sizes returns the whole result once, in order, with pquery.c's end", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 12 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 10 }),
        async (n, sizes) => {
          const sql = `SELECT g FROM generate_series(1, ${n}) g`;
          const portal = await s.bind(await s.prepare(sql), []);
          const got: unknown[] = [];
          let remaining = n;
          for (const size of sizes) {
            const b = await portal.fetch(size);
            const expected = size === 0 ? remaining : Math.min(size, remaining);
            expect(b.rows).toHaveLength(expected);
            got.push(...b.rows.map((r) => r[0]));
            remaining -= expected;
            // done once a fetch returns fewer rows than asked for (or all were asked for)
            const done = size === 0 || expected < size;
            expect(b.done).toBe(done);
            if (done) {
              expect(b.command).toBe(`SELECT ${expected}`);
              const again = await portal.fetch(size);
              expect(again).toMatchObject({ rows: [], done: true, command: 'SELECT 0' });
              break;
            }
          }
          const full = await s.query(sql, [], { rowMode: 'array' });
          expect(got).toEqual(
            (full.rows as unknown as unknown[][]).slice(0, got.length).map((r) => r[0]),
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});
