/**
 * Sequences: nextval / currval / setval / lastval, not rolled back with
 * their transaction, serial and identity columns, and durability — a
 * model-based test runs random nextval / setval / rollback / checkpoint /
 * crash (close('immediate'), then crash recovery) steps on a data
 * directory and checks invariants S1 and S2 of src/internal/sequence.ts:
 * values one session gets strictly increase, and no value handed out by a
 * committed statement is handed out again after a crash (at most 32 + 1
 * values are skipped).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 4);

const open: Database[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir?: string): Promise<Database> {
  const db = await Database.open(dataDir === undefined ? {} : { dataDir });
  open.push(db);
  return db;
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pg-engine-seq-'));
  dirs.push(d);
  return d;
}

async function value(s: Session, sql: string): Promise<unknown> {
  const r = await s.query(sql, [], { rowMode: 'array' });
  return (r.rows[0] as unknown[] | undefined)?.[0];
}

async function error(s: Session, sql: string): Promise<{ code: string; message: string }> {
  try {
    await s.query(sql);
  } catch (e) {
    const err = e as { code: string; message: string };
    return { code: err.code, message: err.message };
  }
  throw new Error(`no error from ${sql}`);
}

describe('sequence functions', () => {
  it('nextval, currval, setval and lastval, with their errors', async () => {
    const s = await (await start()).connect();
    await s.query('CREATE SEQUENCE s MAXVALUE 3');
    expect(await error(s, "SELECT currval('s')")).toEqual({
      code: '55000',
      message: 'currval of sequence "s" is not yet defined in this session',
    });
    expect(await error(s, 'SELECT lastval()')).toEqual({
      code: '55000',
      message: 'lastval is not yet defined in this session',
    });
    expect(await value(s, "SELECT nextval('s')")).toBe(1n);
    expect(await value(s, "SELECT nextval('s')")).toBe(2n);
    expect(await value(s, "SELECT currval('s')")).toBe(2n);
    expect(await value(s, 'SELECT lastval()')).toBe(2n);
    expect(await error(s, "SELECT setval('s', 0)")).toEqual({
      code: '22003',
      message: 'setval: value 0 is out of bounds for sequence "s" (1..3)',
    });
    expect(await value(s, "SELECT nextval('s')")).toBe(3n);
    expect(await error(s, "SELECT nextval('s')")).toEqual({
      code: '2200H',
      message: 'nextval: reached maximum value of sequence "s" (3)',
    });
    expect(await value(s, "SELECT setval('s', 1, false)")).toBe(1n);
    expect(await value(s, "SELECT nextval('s')")).toBe(1n);
    await s.query('CREATE TABLE t (a int)');
    expect(await error(s, "SELECT nextval('t')")).toEqual({
      code: '42809',
      message: '"t" is not a sequence',
    });
    expect((await error(s, "SELECT nextval('nosuch')")).code).toBe('42P01');
  });

  it('a value taken in a rolled-back transaction is not handed out again; setval is not undone', async () => {
    const s = await (await start()).connect();
    await s.query('CREATE SEQUENCE s');
    await s.query('BEGIN');
    expect(await value(s, "SELECT nextval('s')")).toBe(1n);
    await s.query('ROLLBACK');
    expect(await value(s, "SELECT nextval('s')")).toBe(2n);
    await s.query('BEGIN');
    await s.query("SELECT setval('s', 100)");
    await s.query('ROLLBACK');
    expect(await value(s, "SELECT nextval('s')")).toBe(101n);
  });

  it('two sessions share the sequence; currval is per session', async () => {
    const db = await start();
    const a = await db.connect();
    const b = await db.connect();
    await a.query('CREATE SEQUENCE s');
    expect(await value(a, "SELECT nextval('s')")).toBe(1n);
    expect(await value(b, "SELECT nextval('s')")).toBe(2n);
    expect(await value(a, "SELECT currval('s')")).toBe(1n);
    expect(await value(a, "SELECT nextval('s')")).toBe(3n);
  });

  it('CYCLE wraps around, both ways', async () => {
    const s = await (await start()).connect();
    await s.query('CREATE SEQUENCE up MAXVALUE 2 CYCLE');
    await s.query('CREATE SEQUENCE down INCREMENT -1 MINVALUE 1 MAXVALUE 2 CYCLE');
    const up = [];
    const down = [];
    for (let i = 0; i < 5; i++) {
      up.push(await value(s, "SELECT nextval('up')"));
      down.push(await value(s, "SELECT nextval('down')"));
    }
    expect(up).toEqual([1n, 2n, 1n, 2n, 1n]);
    expect(down).toEqual([2n, 1n, 2n, 1n, 2n]);
  });
});

describe('serial and identity columns', () => {
  it('serial: an owned sequence, its default, NOT NULL, dropped with the table', async () => {
    const s = await (await start()).connect();
    await s.query('CREATE TABLE t (id serial, v text)');
    await s.query("INSERT INTO t (v) VALUES ('a'), ('b')");
    const r = await s.query('SELECT id, v FROM t ORDER BY id', [], { rowMode: 'array' });
    expect(r.rows).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(await value(s, "SELECT pg_get_serial_sequence('t', 'id')")).toBe('public.t_id_seq');
    expect((await error(s, 'DROP SEQUENCE t_id_seq')).code).toBe('2BP01');
    await s.query('DROP TABLE t');
    expect(await value(s, "SELECT count(*) FROM pg_class WHERE relkind = 'S'")).toBe(0n);
  });

  it('GENERATED ALWAYS AS IDENTITY refuses a value unless OVERRIDING SYSTEM VALUE', async () => {
    const s = await (await start()).connect();
    await s.query('CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY, v text)');
    expect(await error(s, "INSERT INTO t VALUES (5, 'x')")).toEqual({
      code: '428C9',
      message: 'cannot insert a non-DEFAULT value into column "id"',
    });
    await s.query("INSERT INTO t (v) VALUES ('a')");
    await s.query("INSERT INTO t OVERRIDING SYSTEM VALUE VALUES (10, 'b')");
    await s.query("INSERT INTO t OVERRIDING USER VALUE VALUES (10, 'c')");
    const r = await s.query('SELECT id, v FROM t ORDER BY id', [], { rowMode: 'array' });
    expect(r.rows).toEqual([
      [1, 'a'],
      [2, 'c'],
      [10, 'b'],
    ]);
  });
});

describe('durability', () => {
  it('after a crash nextval continues past every value handed out', async () => {
    const dir = tempDir();
    let db = await start(dir);
    let s = await db.connect();
    await s.query('CREATE SEQUENCE s');
    let last = 0n;
    for (let i = 0; i < 40; i++) last = (await value(s, "SELECT nextval('s')")) as bigint;
    await db.close('immediate');
    open.splice(0);
    db = await start(dir);
    s = await db.connect();
    const next = (await value(s, "SELECT nextval('s')")) as bigint;
    expect(next).toBeGreaterThan(last);
    expect(next - last).toBeLessThanOrEqual(33n);
  }, 60_000);

  it('a checkpoint between two nextvals: the next one is logged again', async () => {
    const dir = tempDir();
    let db = await start(dir);
    let s = await db.connect();
    await s.query('CREATE SEQUENCE s');
    await s.query("SELECT nextval('s')");
    await s.query('CHECKPOINT');
    const last = (await value(s, "SELECT nextval('s')")) as bigint;
    await db.close('immediate');
    open.splice(0);
    db = await start(dir);
    s = await db.connect();
    expect((await value(s, "SELECT nextval('s')")) as bigint).toBeGreaterThan(last);
  }, 60_000);

  type Step =
    | { kind: 'nextval'; n: number }
    | { kind: 'rolledBack'; n: number }
    | { kind: 'setval'; ahead: number }
    | { kind: 'checkpoint' }
    | { kind: 'crash' }
    | { kind: 'restart' };

  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('nextval' as const),
        n: fc.integer({ min: 1, max: 40 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('rolledBack' as const),
        n: fc.integer({ min: 1, max: 5 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('setval' as const),
        ahead: fc.integer({ min: 0, max: 100 }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
    { weight: 2, arbitrary: fc.constant({ kind: 'crash' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
  );

  it('model: values increase, and none handed out by a committed statement comes back after a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 3, maxLength: 14 }),
        fc.boolean(),
        async (steps, cached) => {
          const dir = tempDir();
          let db = await start(dir);
          let s = await db.connect();
          await s.query(`CREATE SEQUENCE s${cached ? ' CACHE 5' : ''}`);
          /** the largest value handed out by a committed statement (or moved to by setval) */
          let committed = 0n;
          /** the largest value handed out at all, committed or not */
          let handedOut = 0n;
          /** the largest value this session got in this life (S1) */
          let session = 0n;
          /** the first nextval after a crash: how far past handedOut it may land */
          let afterCrash = false;
          const take = async (sql: string): Promise<bigint> => {
            const v = (await value(s, sql)) as bigint;
            expect(v).toBeGreaterThan(session); // S1
            expect(v).toBeGreaterThan(committed); // S2
            if (afterCrash && !cached) expect(v - handedOut).toBeLessThanOrEqual(33n);
            afterCrash = false;
            session = v;
            if (v > handedOut) handedOut = v;
            return v;
          };
          const reopen = async (mode: 'immediate' | 'fast') => {
            await db.close(mode);
            open.splice(0);
            db = await start(dir);
            s = await db.connect();
            session = 0n;
          };
          for (const st of steps) {
            switch (st.kind) {
              case 'nextval':
                for (let i = 0; i < st.n; i++) committed = await take("SELECT nextval('s')");
                break;
              case 'rolledBack':
                await s.query('BEGIN');
                for (let i = 0; i < st.n; i++) await take("SELECT nextval('s')");
                await s.query('ROLLBACK');
                break;
              case 'setval': {
                const v = handedOut + BigInt(st.ahead);
                if (v < 1n) break;
                expect(await value(s, `SELECT setval('s', ${v})`)).toBe(v);
                committed = v;
                handedOut = v;
                session = v;
                break;
              }
              case 'checkpoint':
                await s.query('CHECKPOINT');
                break;
              case 'crash':
                await reopen('immediate');
                afterCrash = true;
                break;
              case 'restart':
                await reopen('fast');
                break;
            }
          }
          await take("SELECT nextval('s')");
          await db.close();
          open.splice(0);
          rmSync(dir, { recursive: true, force: true });
        },
      ),
      {
        numRuns: RUNS,
        examples: [
          // a value logged by a rolled-back transaction, then handed out by a committed one
          // that logs nothing: its commit must flush the record anyway
          [
            [
              { kind: 'rolledBack', n: 1 },
              { kind: 'nextval', n: 1 },
              { kind: 'crash' },
              { kind: 'nextval', n: 1 },
              { kind: 'crash' },
            ],
            false,
          ],
        ],
      },
    );
  }, 300_000);
});
