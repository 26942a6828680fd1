/**
 * ALTER TABLE's deeper forms (issue 9): ALTER COLUMN TYPE rewrites the
 * table into new files (indexes rebuilt, old files gone at commit, the
 * old ones kept on rollback) unless the change is binary coercible; SET
 * SCHEMA moves the relation; SET LOGGED / UNLOGGED rewrites with init
 * forks created or removed. A property test runs random chains of type
 * changes against a model of the converted values, and checks every
 * index answers as the heap does.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 6);

let dir: string;
let db: Database;
let s: Session;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alter-table-'));
  db = await Database.open({ dataDir: dir });
  s = await db.connect();
});

afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function one(sql: string): Promise<unknown[]> {
  const r = await s.query<unknown[]>(sql, [], { rowMode: 'array' });
  return r.rows[0] ?? [];
}

async function rows(sql: string): Promise<string[][]> {
  const r = await s.query<unknown[]>(sql, [], { rowMode: 'array' });
  return r.rows.map((row) => row.map((v) => (v === null ? 'null' : String(v))));
}

async function filenode(rel: string): Promise<number> {
  return Number((await one(`SELECT relfilenode FROM pg_class WHERE relname = '${rel}'`))[0]);
}

async function dbOid(): Promise<number> {
  return Number((await one('SELECT oid FROM pg_database WHERE datname = current_database()'))[0]);
}

function file(oid: number, node: number, fork = ''): string {
  return join(dir, 'base', String(oid), `${node}${fork}`);
}

describe('ALTER COLUMN TYPE', () => {
  it('rewrites into new files: the old ones go at commit, a rollback keeps them', async () => {
    await s.query('CREATE TABLE r1 (a int PRIMARY KEY, b text)');
    await s.query('INSERT INTO r1 SELECT g, g::text FROM generate_series(1, 300) g');
    await s.query('CHECKPOINT');
    const d = await dbOid();
    const heap0 = await filenode('r1');
    const ix0 = await filenode('r1_pkey');
    expect(existsSync(file(d, heap0))).toBe(true);
    await s.query('BEGIN');
    await s.query('ALTER TABLE r1 ALTER COLUMN b TYPE int USING b::int * 2');
    expect(await filenode('r1')).not.toBe(heap0);
    await s.query('ROLLBACK');
    expect(await filenode('r1')).toBe(heap0);
    expect(await rows('SELECT b FROM r1 WHERE a = 7')).toEqual([['7']]);
    await s.query('ALTER TABLE r1 ALTER COLUMN b TYPE int USING b::int * 2');
    const heap1 = await filenode('r1');
    const ix1 = await filenode('r1_pkey');
    expect(heap1).not.toBe(heap0);
    expect(ix1).not.toBe(ix0);
    expect(existsSync(file(d, heap0))).toBe(false);
    expect(existsSync(file(d, ix0))).toBe(false);
    expect(await rows('SELECT sum(b), count(*) FROM r1')).toEqual([['90300', '300']]);
  });

  it('a binary-coercible change keeps the files', async () => {
    await s.query('CREATE TABLE r2 (a varchar(10), b numeric(6,2))');
    await s.query("INSERT INTO r2 VALUES ('x', 1.5)");
    const heap0 = await filenode('r2');
    await s.query('ALTER TABLE r2 ALTER COLUMN a TYPE varchar(20), ALTER COLUMN b TYPE numeric');
    expect(await filenode('r2')).toBe(heap0);
    await s.query('ALTER TABLE r2 ALTER COLUMN a TYPE text');
    expect(await filenode('r2')).toBe(heap0);
    expect(await rows('SELECT a, b::text, pg_typeof(a)::text FROM r2')).toEqual([
      ['x', '1.50', 'text'],
    ]);
  });
});

describe('SET LOGGED / UNLOGGED', () => {
  it('rewrites with init forks created, then removed', async () => {
    await s.query('CREATE TABLE p1 (a int PRIMARY KEY, b text)');
    await s.query("INSERT INTO p1 SELECT g, 'v' || g FROM generate_series(1, 100) g");
    const d = await dbOid();
    await s.query('ALTER TABLE p1 SET UNLOGGED');
    const heap = await filenode('p1');
    const ix = await filenode('p1_pkey');
    expect(existsSync(file(d, heap, '_init'))).toBe(true);
    expect(existsSync(file(d, ix, '_init'))).toBe(true);
    expect(
      await rows("SELECT relpersistence FROM pg_class WHERE relname IN ('p1', 'p1_pkey')"),
    ).toEqual([['u'], ['u']]);
    await s.query('ALTER TABLE p1 SET LOGGED');
    expect(existsSync(file(d, heap, '_init'))).toBe(false);
    expect(existsSync(file(d, heap))).toBe(false);
    const heap2 = await filenode('p1');
    expect(existsSync(file(d, heap2, '_init'))).toBe(false);
    await s.query('SET enable_seqscan = off');
    expect(await rows('SELECT b FROM p1 WHERE a = 64')).toEqual([['v64']]);
    await s.query('RESET enable_seqscan');
  });
});

describe('SET SCHEMA', () => {
  it('moves the table, its indexes, row type and owned sequence', async () => {
    await s.query('CREATE SCHEMA m');
    await s.query('CREATE TABLE ms (a serial PRIMARY KEY, b text)');
    await s.query("INSERT INTO ms (b) VALUES ('x')");
    await s.query('ALTER TABLE ms SET SCHEMA m');
    expect(
      await rows(
        "SELECT c.relname, n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname IN ('ms', 'ms_pkey', 'ms_a_seq') ORDER BY 1",
      ),
    ).toEqual([
      ['ms', 'm'],
      ['ms_a_seq', 'm'],
      ['ms_pkey', 'm'],
    ]);
    await s.query("INSERT INTO m.ms (b) VALUES ('y')");
    expect(await rows('SELECT a, b FROM m.ms ORDER BY a')).toEqual([
      ['1', 'x'],
      ['2', 'y'],
    ]);
  });
});

// ------------------------------------------------------------ crash images

/** The data directory as a crash would leave it now (files as written, WAL as far as it reached). */
function crashImage(): string {
  const copy = mkdtempSync(join(tmpdir(), 'alter-table-crash-'));
  cpSync(dir, copy, { recursive: true });
  rmSync(join(copy, 'postmaster.pid'), { force: true });
  return copy;
}

async function afterRecovery(image: string, sql: readonly string[]): Promise<string[][][]> {
  const d = await Database.open({ dataDir: image });
  try {
    const c = await d.connect();
    const out: string[][][] = [];
    for (const q of sql) {
      const r = await c.query<unknown[]>(q, [], { rowMode: 'array' });
      out.push(r.rows.map((row) => row.map((v) => (v === null ? 'null' : String(v)))));
    }
    return out;
  } finally {
    await d.close();
    rmSync(image, { recursive: true, force: true });
  }
}

describe('crash recovery', () => {
  it('before the commit the old tables, after it the new ones; an unlogged table is emptied', async () => {
    await s.query('CREATE TABLE cr (a int PRIMARY KEY, b text)');
    await s.query('INSERT INTO cr SELECT g, (g * 3)::text FROM generate_series(1, 400) g');
    await s.query('CREATE UNLOGGED TABLE cu (a int PRIMARY KEY)');
    await s.query('INSERT INTO cu SELECT generate_series(1, 50)');
    await s.query('CREATE TABLE cl (a int PRIMARY KEY)');
    await s.query('INSERT INTO cl SELECT generate_series(1, 30)');
    await s.query('CHECKPOINT');
    const check = [
      'SELECT pg_typeof(b)::text, count(*), sum(length(b::text)) FROM cr GROUP BY 1',
      'SET enable_seqscan = off',
      'SELECT b::text FROM cr WHERE a = 123',
      '(SELECT count(*) FROM cu) UNION ALL (SELECT count(*) FROM cl)',
      "SELECT relpersistence::text FROM pg_class WHERE relname IN ('cl', 'cr', 'cu') ORDER BY relname",
    ];
    await s.query('BEGIN');
    await s.query('ALTER TABLE cr ALTER COLUMN b TYPE bigint USING b::bigint * 10');
    await s.query('ALTER TABLE cu SET LOGGED');
    await s.query('ALTER TABLE cl SET UNLOGGED');
    const before = crashImage();
    await s.query('COMMIT');
    const after = crashImage();
    expect(await afterRecovery(before, check)).toEqual([
      [['text', '400', '1231']],
      [],
      [['369']],
      [['0'], ['30']],
      [['p'], ['p'], ['u']],
    ]);
    expect(await afterRecovery(after, check)).toEqual([
      [['bigint', '400', '1631']],
      [],
      [['3690']],
      [['50'], ['0']],
      [['u'], ['p'], ['p']],
    ]);
  }, 60_000);
});

// ------------------------------------------------------------ property: chains of type changes

type Kind = 'int' | 'bigint' | 'text' | 'numeric';

/** A type change and how the model converts a value (null stays null). */
interface Change {
  readonly sql: (col: string) => string;
  readonly from: Kind;
  readonly to: Kind;
  readonly convert: (v: bigint) => bigint;
}

const CHANGES: readonly Change[] = [
  { from: 'int', to: 'bigint', sql: () => 'TYPE bigint', convert: (v) => v },
  {
    from: 'int',
    to: 'text',
    sql: (c) => `TYPE text USING (${c} + 1)::text`,
    convert: (v) => v + 1n,
  },
  { from: 'int', to: 'numeric', sql: () => 'TYPE numeric', convert: (v) => v },
  { from: 'bigint', to: 'int', sql: (c) => `TYPE int USING ${c} - 3`, convert: (v) => v - 3n },
  { from: 'bigint', to: 'text', sql: () => 'TYPE text', convert: (v) => v },
  { from: 'text', to: 'int', sql: (c) => `TYPE int USING ${c}::int * 2`, convert: (v) => v * 2n },
  { from: 'text', to: 'bigint', sql: (c) => `TYPE bigint USING ${c}::bigint`, convert: (v) => v },
  { from: 'numeric', to: 'int', sql: () => 'TYPE int', convert: (v) => v },
  { from: 'numeric', to: 'text', sql: (c) => `TYPE text USING ${c}::int::text`, convert: (v) => v },
];

describe('ALTER COLUMN TYPE, property', () => {
  it('random chains of type changes: the values the model computes, every index agreeing', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }), {
          minLength: 0,
          maxLength: 40,
        }),
        fc.array(fc.nat(100), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (values, picks, two) => {
          const t = `pt${n++}`;
          await s.query(`CREATE TABLE ${t} (id int PRIMARY KEY, v int, w int)`);
          await s.query(`CREATE INDEX ${t}_v ON ${t} (v)`);
          if (values.length > 0)
            await s.query(
              `INSERT INTO ${t} VALUES ${values.map((v, i) => `(${i}, ${v ?? 'NULL'}, ${i})`).join(', ')}`,
            );
          let kind: Kind = 'int';
          let model = values.map((v) => (v === null ? null : BigInt(v)));
          for (const p of picks) {
            const options = CHANGES.filter((c) => c.from === kind);
            const c = options[p % options.length] as Change;
            const also = two ? `, ALTER COLUMN w TYPE bigint USING w + 1` : '';
            await s.query(`ALTER TABLE ${t} ALTER COLUMN v ${c.sql('v')}${also}`);
            model = model.map((v) => (v === null ? null : c.convert(v)));
            kind = c.to;
          }
          const got = await rows(`SELECT v::text, pg_typeof(v)::text, w FROM ${t} ORDER BY id`);
          expect(got.map((r) => r[0])).toEqual(model.map((v) => (v === null ? 'null' : String(v))));
          if (got.length > 0) expect(got[0]?.[1]).toBe(kind === 'int' ? 'integer' : kind);
          // the other column of the same statement: converted in the same rewrite
          expect(got.map((r) => r[2])).toEqual(
            values.map((_, i) => String(i + (two ? picks.length : 0))),
          );
          // each index answers as the heap does
          await s.query('SET enable_seqscan = off');
          for (const [i, v] of model.entries()) {
            if (v === null) continue;
            const lit = kind === 'text' ? `'${v}'` : String(v);
            const viaIndex = await rows(`SELECT count(*) FROM ${t} WHERE v = ${lit} AND id = ${i}`);
            expect(viaIndex).toEqual([['1']]);
            if (i > 3) break;
          }
          expect(await rows(`SELECT count(*) FROM ${t} WHERE id >= 0`)).toEqual([
            [String(values.length)],
          ]);
          await s.query('RESET enable_seqscan');
          await s.query(`DROP TABLE ${t}`);
        },
      ),
      { numRuns: RUNS },
    );
  }, 60_000);
});
