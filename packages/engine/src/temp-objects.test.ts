/**
 * issue 9 (F): system columns (ctid, xmin, cmin, xmax, cmax, tableoid) and
 * temporary objects (ON COMMIT DELETE ROWS / DROP, temporary sequences)
 * through the Session API, with two sessions where visibility matters.
 * One database for the file.
 */
import { Database, type Session } from '@pg/engine';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: Database;
let s1: Session;
let s2: Session;

beforeAll(async () => {
  db = await Database.open();
  s1 = await db.connect();
  s2 = await db.connect();
});

afterAll(async () => {
  await db?.close();
});

const rows = async (s: Session, sql: string) =>
  (await s.query<unknown[]>(sql, [], { rowMode: 'array' })).rows;
const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('system columns', () => {
  it('xmin is the inserting transaction, xmax its deleter, ctid the tuple, tableoid the table', async () => {
    await s1.query('CREATE TABLE sc (a int PRIMARY KEY, b text)');
    await s1.query('BEGIN');
    await s1.query("INSERT INTO sc VALUES (1, 'x'), (2, 'y')");
    const [[xid]] = (await rows(s1, 'SELECT txid_current()')) as [[bigint]];
    await s1.query('COMMIT');
    expect(await rows(s1, 'SELECT ctid, xmin, xmax, cmin, cmax FROM sc ORDER BY a')).toEqual([
      [1, Number(xid), 0, 0, 0],
      [2, Number(xid), 0, 0, 0],
    ]);
    expect(await rows(s1, "SELECT tableoid = 'sc'::regclass FROM sc LIMIT 1")).toEqual([[true]]);
    // a delete in progress in another session shows as xmax to a reader
    await s2.query('BEGIN');
    await s2.query('DELETE FROM sc WHERE a = 2');
    const [[deleter]] = (await rows(s2, 'SELECT txid_current()')) as [[bigint]];
    expect(await rows(s1, 'SELECT a, xmax FROM sc ORDER BY a')).toEqual([
      [1, 0],
      [2, Number(deleter)],
    ]);
    await s2.query('ROLLBACK');
    // an update moves the row: its new ctid
    expect(await rows(s1, "UPDATE sc SET b = 'z' WHERE a = 1 RETURNING ctid, xmax")).toEqual([
      [3, 0],
    ]);
    expect(await rows(s1, "SELECT a FROM sc WHERE ctid = '(0,3)'")).toEqual([[1]]);
  });

  it('RETURNING (xmax = 0) tells an upsert’s insert from its update', async () => {
    await s1.query('CREATE TABLE kv (k text PRIMARY KEY, v int)');
    const upsert = (k: string) =>
      rows(
        s1,
        `INSERT INTO kv VALUES ('${k}', 1) ON CONFLICT (k) DO UPDATE SET v = kv.v + 1 RETURNING k, v, xmax = 0`,
      );
    expect(await upsert('a')).toEqual([['a', 1, true]]);
    expect(await upsert('a')).toEqual([['a', 2, false]]);
    expect(await upsert('b')).toEqual([['b', 1, true]]);
  });

  it('are refused as column names and not expanded by *', async () => {
    expect(await code(s1.query('CREATE TABLE bad (xmin int)'))).toBe('42701');
    expect(await code(s1.query('ALTER TABLE sc ADD COLUMN ctid int'))).toBe('42701');
    expect(await code(s1.query("UPDATE sc SET xmax = '1'"))).toBe('0A000');
    expect((await s1.query('SELECT * FROM sc LIMIT 1')).fields.map((f) => f.name)).toEqual([
      'a',
      'b',
    ]);
    expect(await code(s1.query('SELECT ctid FROM (SELECT * FROM sc) s'))).toBe('42703');
  });
});

describe('temporary objects', () => {
  it('ON COMMIT DELETE ROWS empties the table at each of its session’s commits only', async () => {
    await s1.query('CREATE TEMP TABLE tdel (a int) ON COMMIT DELETE ROWS');
    await s1.query('BEGIN');
    await s1.query('INSERT INTO tdel VALUES (1), (2)');
    expect(await rows(s1, 'SELECT count(*) FROM tdel')).toEqual([[2n]]);
    await s2.query('SELECT 1'); // another session's commit changes nothing here
    expect(await rows(s1, 'SELECT count(*) FROM tdel')).toEqual([[2n]]);
    await s1.query('COMMIT');
    expect(await rows(s1, 'SELECT count(*) FROM tdel')).toEqual([[0n]]);
    expect(await code(s2.query('SELECT * FROM tdel'))).toBe('42P01');
  });

  it('ON COMMIT DROP drops at commit; a rollback drops the creation', async () => {
    await s1.query('BEGIN');
    await s1.query('CREATE TEMP TABLE tdrop (a int) ON COMMIT DROP');
    await s1.query('INSERT INTO tdrop VALUES (1)');
    await s1.query('COMMIT');
    expect(await code(s1.query('SELECT * FROM tdrop'))).toBe('42P01');
    await s1.query('BEGIN');
    await s1.query('CREATE TEMP TABLE tdrop (a int) ON COMMIT DROP');
    await s1.query('ROLLBACK');
    expect(await code(s1.query('SELECT * FROM tdrop'))).toBe('42P01');
    expect(await code(s1.query('CREATE TABLE nt (a int) ON COMMIT DROP'))).toBe('42P16');
  });

  it('temporary sequences are the session’s and go with it', async () => {
    const s3 = await db.connect();
    await s3.query('CREATE TEMP SEQUENCE tseq START 5');
    await s3.query('CREATE TEMP TABLE tser (id serial, b text)');
    expect(await rows(s3, "SELECT nextval('tseq'), nextval('tseq')")).toEqual([[5n, 6n]]);
    expect(await rows(s3, "INSERT INTO tser (b) VALUES ('x') RETURNING id")).toEqual([[1]]);
    expect(
      await rows(
        s3,
        "SELECT relpersistence FROM pg_class WHERE relname IN ('tseq', 'tser_id_seq')",
      ),
    ).toEqual([['t'], ['t']]);
    // another session neither sees nor reaches them by name
    expect(await code(s2.query("SELECT nextval('tseq')"))).toBe('42P01');
    await s3.query('BEGIN');
    await s3.query('CREATE TEMP SEQUENCE gone');
    await s3.query('ROLLBACK');
    expect(await code(s3.query("SELECT nextval('gone')"))).toBe('42P01');
    await s3.close();
    expect(
      await rows(
        s1,
        "SELECT count(*) FROM pg_class WHERE relname IN ('tseq', 'tser', 'tser_id_seq')",
      ),
    ).toEqual([[0n]]);
  });

  // model: an ON COMMIT DELETE ROWS table is empty outside a transaction; inside one it holds
  // the rows the transaction (and its surviving savepoints) inserted
  it('ON COMMIT DELETE ROWS against a model (random transactions)', async () => {
    const s = await db.connect();
    await s.query('CREATE TEMP TABLE m (a int) ON COMMIT DELETE ROWS');
    const op = fc.oneof(
      fc.constant('BEGIN'),
      fc.constant('COMMIT'),
      fc.constant('ROLLBACK'),
      fc.integer({ min: 1, max: 3 }).map((n) => `INSERT ${n}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
        let inBlock = false;
        let count = 0;
        for (const o of ops) {
          if (o === 'BEGIN') {
            if (inBlock) continue;
            await s.query('BEGIN');
            inBlock = true;
          } else if (o === 'COMMIT' || o === 'ROLLBACK') {
            if (!inBlock) continue;
            await s.query(o);
            inBlock = false;
            count = 0;
          } else {
            const n = Number(o.slice(7));
            await s.query(`INSERT INTO m SELECT generate_series(1, ${n})`);
            if (inBlock) count += n;
          }
          const [[seen]] = (await rows(s, 'SELECT count(*) FROM m')) as [[bigint]];
          expect(Number(seen)).toBe(count);
        }
        if (inBlock) await s.query('ROLLBACK');
      }),
      { numRuns: Number(process.env.PG_PROPERTY_RUNS ?? 15) },
    );
    await s.close();
  });
});
