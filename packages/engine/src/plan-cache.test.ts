/**
 * The normalised plan cache (internal/plan-cache.ts): texts that differ only
 * in numeric constants share a generic plan. Everything must answer as
 * with the cache off (plan_cache_mode = force_custom_plan): results, tags,
 * errors and their cursor positions, through DDL, ANALYZE and search_path
 * changes between the statements.
 */
import { Database, type Session } from '@pg/engine';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindEntry, numericConstType, scanNumbers } from './internal/plan-cache.js';

describe('scanNumbers', () => {
  it('finds numeric literals outside strings, identifiers, comments and dollar quotes', () => {
    const s = scanNumbers(
      'SELECT a1, \'x 5\', "c 7", $$ 9 $$, $1 -- 3\n FROM t2 /* 4 /* 6 */ */ WHERE a = -12 AND b = 1.5e3',
    );
    expect(s?.tokens.map((t) => t.text)).toEqual(['12', '1.5e3']);
    expect(s?.key).toContain('a = -\0 AND b = \0');
  });
  it('gives no key for what it does not follow', () => {
    expect(scanNumbers("SELECT E'\\n'")).toBeUndefined(); // backslash
    expect(scanNumbers('SELECT 1x')).toBeUndefined(); // trailing junk
    expect(scanNumbers("SELECT 'é'")).toBeUndefined(); // non-ASCII
    expect(scanNumbers("SELECT 'open")).toBeUndefined();
  });
  it('types constants as the analyzer does and refuses an entry of other types', () => {
    expect(numericConstType('-2147483648')).toBe(23);
    expect(numericConstType('2147483648')).toBe(20);
    expect(numericConstType('9223372036854775808')).toBe(1700);
    expect(numericConstType('1.0')).toBe(1700);
    const entry = {
      plan: 0,
      slots: [{ param: 1, negate: true }],
      paramTypes: [23],
      stamp: '',
      relations: new Set<number>(),
      seq: 0,
    };
    const key = (sql: string) => scanNumbers(sql) ?? { key: '', tokens: [] };
    expect(bindEntry(entry, key('SELECT -5'))).toEqual(['-5']);
    expect(bindEntry(entry, key('SELECT -2147483648'))).toEqual(['-2147483648']);
    expect(bindEntry(entry, key('SELECT -2147483649'))).toBeUndefined();
    expect(bindEntry(entry, key('SELECT -1.5'))).toBeUndefined();
  });
});

let db: Database;
let on: Session;
let off: Session;

beforeAll(async () => {
  db = await Database.open();
  on = await db.connect();
  off = await db.connect();
  await off.query('SET plan_cache_mode = force_custom_plan');
});

afterAll(async () => {
  await on.close();
  await off.close();
  await db.close();
});

/** What a statement answers: rows and tag, or the error's code, message and position. */
async function outcome(s: Session, sql: string): Promise<unknown> {
  try {
    const r = await s.query(sql, [], { rowMode: 'array' });
    return { command: r.command, rows: r.rows, types: r.fields.map((f) => f.dataTypeID) };
  } catch (e) {
    const err = e as { code?: string; message?: string; position?: number };
    return { code: err.code, message: err.message, position: err.position };
  }
}

/** The same text in both sessions, each on its own copy of the tables (search_path pc / pu). */
async function both(sql: string): Promise<[unknown, unknown]> {
  return [await outcome(on, sql), await outcome(off, sql)];
}

describe('the normalised plan cache', () => {
  beforeAll(async () => {
    await on.query('CREATE SCHEMA pc; SET search_path = pc');
    await off.query('CREATE SCHEMA pu; SET search_path = pu');
  });

  it('answers pgbench statements with other constants as an uncached session does', async () => {
    for (const s of [on, off]) {
      await s.query(
        'CREATE TABLE acc (aid int PRIMARY KEY, bid int, abalance int, filler char(10)); CREATE TABLE hist (tid int, bid int, aid int, delta int, mtime timestamp)',
      );
      await s.query(
        'INSERT INTO acc SELECT g, 1 + g / 10, 0, null FROM generate_series(1, 50) g; ANALYZE acc',
      );
    }
    for (let k = 0; k < 8; k++) {
      const aid = 1 + ((k * 17) % 60);
      const delta = (k % 2 === 0 ? -1 : 1) * k * 311;
      for (const sql of [
        `UPDATE acc SET abalance = abalance + ${delta} WHERE aid = ${aid};`,
        `SELECT abalance FROM acc WHERE aid = ${aid};`,
        `SELECT abalance + ${k}, ${k} FROM acc WHERE aid = ${aid}`,
        `INSERT INTO hist (tid, bid, aid, delta, mtime) VALUES (${k}, 1, ${aid}, ${delta}, '2020-01-01');`,
        `DELETE FROM hist WHERE aid = ${aid} AND delta = ${delta + 1}`,
      ]) {
        const [a, b] = await both(sql);
        expect(a).toEqual(b);
      }
    }
    for (const sql of ['TABLE acc ORDER BY aid', 'TABLE hist']) {
      const [a, b] = await both(sql);
      expect(a).toEqual(b);
    }
  });

  it("plans again when another session's new table comes first in search_path", async () => {
    await off.query(
      'CREATE SCHEMA sh1; CREATE SCHEMA sh2; CREATE TABLE sh2.t (id int PRIMARY KEY, v text); INSERT INTO sh2.t VALUES (1, $$second$$), (2, $$second$$)',
    );
    await off.query('ANALYZE sh2.t');
    await on.query('SET search_path = sh1, sh2; SET enable_seqscan = off');
    try {
      for (const id of [1, 2, 1]) {
        expect((await outcome(on, `SELECT v FROM t WHERE id = ${id}`)) as unknown).toMatchObject({
          rows: [['second']],
        });
      }
      // another session commits a new table earlier in the path
      await off.query(
        'CREATE TABLE sh1.t (id int PRIMARY KEY, v text); INSERT INTO sh1.t VALUES (1, $$first$$), (2, $$first$$)',
      );
      expect(await outcome(on, 'SELECT v FROM t WHERE id = 2')).toMatchObject({
        rows: [['first']],
      });
    } finally {
      await on.query('SET search_path = pc; RESET enable_seqscan');
    }
  });

  it('reports the errors of a cached statement with the uncached cursor position', async () => {
    for (const s of [on, off]) {
      await s.query('CREATE TABLE e (id int PRIMARY KEY, s smallint, n numeric)');
      await s.query('INSERT INTO e VALUES (1, 1, 1)');
      await s.query('SET enable_seqscan = off'); // an index scan of the one-row table
    }
    // the first text of each pair with other constants (an identical text would hit the exact-text cache)
    for (const [good, bad] of [
      ['UPDATE e SET n = n + 1.5 WHERE id = 1', 'UPDATE e SET n = n + 1e1000000 WHERE id = 1'],
      ['SELECT n * 2.5 FROM e WHERE id = 1', 'SELECT n * 2e131072 FROM e WHERE id = 1'],
      ['UPDATE e SET s = 7 WHERE id = 1', 'UPDATE e SET s = 70000 WHERE id = 1'],
      ['SELECT s / 3 FROM e WHERE id = 1', 'SELECT s / 0 FROM e WHERE id = 1'],
    ] as const) {
      for (let k = 1; k <= 3; k++) await both(good.replace(/\d(?=\D*$)/, String(k + 3))); // cached from the second on
      const [a, b] = await both(bad);
      expect(a).toHaveProperty('code');
      expect(a).toEqual(b);
    }
  });
});

/** One step of the property: a statement differing in constants, or DDL between them. */
const step = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(
      fc.constantFrom('sel', 'upd', 'ins', 'del', 'expr'),
      fc.integer({ min: -3, max: 12 }),
      fc.integer({ min: -99, max: 99 }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'ALTER TABLE t ADD COLUMN IF NOT EXISTS x int DEFAULT 7',
      'ALTER TABLE t DROP COLUMN IF EXISTS x',
      'ALTER TABLE t ALTER COLUMN v TYPE bigint',
      'ALTER TABLE t ALTER COLUMN v TYPE int',
      'DROP INDEX IF EXISTS t_id',
      'CREATE UNIQUE INDEX IF NOT EXISTS t_id ON t (id)',
      'CREATE INDEX IF NOT EXISTS t_v ON t (v)',
      'DROP INDEX IF EXISTS t_v',
      'ANALYZE t',
      'SET search_path = a',
      'SET search_path = b',
      'BEGIN',
      'COMMIT',
      'ROLLBACK',
    ),
  },
);

function text(s: string | [string, number, number]): string {
  if (typeof s === 'string') return s;
  const [kind, id, c] = s;
  switch (kind) {
    case 'sel':
      return `SELECT * FROM t WHERE id = ${id}`;
    case 'upd':
      return `UPDATE t SET v = v + ${c} WHERE id = ${id}`;
    case 'ins':
      return `INSERT INTO t (id, v) VALUES (${id}, ${c})`;
    case 'del':
      return `DELETE FROM t WHERE id = ${id}`;
    default:
      return `SELECT v * ${c}, ${c} FROM t WHERE id = ${id}`;
  }
}

async function reset(s: Session, schema: string): Promise<void> {
  await s.query('ROLLBACK').catch(() => undefined);
  await s.query(
    `DROP SCHEMA IF EXISTS ${schema}1, ${schema}2 CASCADE; CREATE SCHEMA ${schema}1; CREATE SCHEMA ${schema}2`,
  );
  for (const k of [1, 2]) {
    await s.query(
      `CREATE TABLE ${schema}${k}.t (id int, v int); CREATE UNIQUE INDEX t_id ON ${schema}${k}.t (id); INSERT INTO ${schema}${k}.t SELECT g, g * ${k} FROM generate_series(1, 8) g`,
    );
  }
  await s.query(`SET search_path = ${schema}1; SET enable_seqscan = off`);
}

describe('property: the cache answers as force_custom_plan', () => {
  it('through DDL, ANALYZE and search_path changes', async () => {
    const runs = Number(process.env.PG_PROPERTY_RUNS ?? 5);
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 30 }), async (steps) => {
        // each session has its own pair of schemas (p1/p2 cached, q1/q2 uncached)
        await reset(on, 'p');
        await reset(off, 'q');
        for (const st of steps) {
          const sql = text(st);
          const a = await outcome(
            on,
            sql.replace(/search_path = ([ab])/, (_m, x) => `search_path = p${x === 'a' ? 1 : 2}`),
          );
          const b = await outcome(
            off,
            sql.replace(/search_path = ([ab])/, (_m, x) => `search_path = q${x === 'a' ? 1 : 2}`),
          );
          const norm = (o: unknown) =>
            JSON.parse(
              JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))
                .replace(/"[pq]([12])\./g, '"s$1.')
                .replace(/\b[pq]([12])\b/g, 's$1'),
            );
          expect(norm(a)).toEqual(norm(b));
        }
        await on.query('ROLLBACK').catch(() => undefined);
        await off.query('ROLLBACK').catch(() => undefined);
      }),
      { numRuns: runs },
    );
  });
});
