/**
 * TOAST for user tables: CREATE TABLE makes pg_toast.pg_toast_<oid> when
 * PostgreSQL would (needs_toast_table), and big values are compressed and
 * moved out of line through it — read back byte for byte by scans and
 * index lookups, kept by updates of other columns, replaced by updates of
 * their own, rolled back with their rows, and durable across a clean
 * close and a crash (close('immediate') + recovery). The toast relation's
 * catalog rows are compared with real PostgreSQL 15's.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 10);
const dirs: string[] = [];
const open: Database[] = [];

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
  const d = mkdtempSync(join(tmpdir(), 'pg-engine-toast-'));
  dirs.push(d);
  return d;
}

async function rows(s: Session, sql: string, params: unknown[] = []): Promise<unknown[][]> {
  return (await s.query<unknown[]>(sql, params, { rowMode: 'array' })).rows;
}

/** ~`n` characters of repetitive prose: pglz compresses it well. */
function compressible(n: number, seed = 0): string {
  const words = ['tuple', 'toast', 'chunk', 'pointer', 'heap', 'page', 'snapshot', 'xmin'];
  let out = '';
  for (let i = seed; out.length < n; i++) out += `${words[(i * 7) % words.length]} ${i % 97} `;
  return out.slice(0, n);
}

/** `n` random printable ASCII characters: pglz finds nothing to compress. */
function incompressible(n: number): string {
  const b = randomBytes(n);
  let out = '';
  for (const x of b) out += String.fromCharCode(33 + (x % 94));
  return out;
}

/** The table's toast relation (name) and how many chunk rows it holds visibly. */
async function toastOf(s: Session, table: string): Promise<{ name: string; chunks: number }> {
  const [[relid]] = (await rows(s, 'SELECT reltoastrelid::int FROM pg_class WHERE relname = $1', [
    table,
  ])) as [[number]];
  expect(relid).toBeGreaterThan(0);
  const [[name]] = (await rows(s, 'SELECT relname::text FROM pg_class WHERE oid = $1', [
    relid,
  ])) as [[string]];
  const [[chunks]] = (await rows(s, `SELECT count(*)::int FROM pg_toast.${name}`)) as [[number]];
  return { name, chunks };
}

const BIG_A = compressible(20_000);
const BIG_B = incompressible(20_000);

describe('toast relations in the catalog', () => {
  it('CREATE TABLE makes pg_toast.pg_toast_<oid> and its index when a column can be toasted', async () => {
    const s = await (await start()).connect();
    await s.query('CREATE TABLE t (id int PRIMARY KEY, a text, b varchar(10))');
    await s.query('CREATE TABLE i (a int, b bigint)');
    await s.query('CREATE TABLE v (a varchar(10))');
    await s.query('CREATE TABLE w (a varchar(600), b varchar(10))');
    await s.query('CREATE TABLE n (a numeric(1000, 2))');
    expect(
      await rows(
        s,
        "SELECT relname::text, reltoastrelid <> 0 FROM pg_class WHERE relname IN ('t','i','v','w','n') ORDER BY relname",
      ),
    ).toEqual([
      ['i', false],
      ['n', false],
      ['t', true],
      ['v', false],
      ['w', true],
    ]);
    const [[oid]] = (await rows(s, "SELECT oid::int FROM pg_class WHERE relname = 't'")) as [
      [number],
    ];
    // the same OIDs as PostgreSQL hands out: table, array type, row type, toast, its index, pkey
    expect(
      await rows(
        s,
        `SELECT oid::int - ${oid}, relname::text, relnamespace::int, reltype::int, relkind::text, relnatts::int, relhasindex, relam::int
           FROM pg_class WHERE relname LIKE 'pg_toast_${oid}%' ORDER BY oid`,
      ),
    ).toEqual([
      [3, `pg_toast_${oid}`, 99, 0, 't', 3, true, 2],
      [4, `pg_toast_${oid}_index`, 99, 0, 'i', 2, false, 403],
    ]);
  });

  it('ADD COLUMN of a varlena gives a table without one a toast relation; DROP TABLE drops it', async () => {
    const s = await (await start()).connect();
    await s.query('CREATE TABLE t (id int)');
    expect(await rows(s, "SELECT reltoastrelid::int FROM pg_class WHERE relname = 't'")).toEqual([
      [0],
    ]);
    await s.query('ALTER TABLE t ADD COLUMN doc text');
    const { name } = await toastOf(s, 't');
    await s.query('INSERT INTO t VALUES (1, $1)', [BIG_B]);
    expect(await rows(s, 'SELECT doc = $1 FROM t', [BIG_B])).toEqual([[true]]);
    await s.query('DROP TABLE t');
    expect(
      await rows(s, "SELECT count(*)::int FROM pg_class WHERE relname LIKE $1 || '%'", [name]),
    ).toEqual([[0]]);
    expect(
      await rows(
        s,
        'SELECT count(*)::int FROM pg_depend WHERE objid >= 16384 OR refobjid >= 16384',
      ),
    ).toEqual([[0]]);
  });
});

describe('toasted values through SQL', () => {
  it('20 kB compressible and incompressible texts round trip, through scans and index lookups', async () => {
    const s = await (await start()).connect();
    await s.query('CREATE TABLE t (id int PRIMARY KEY, n int, doc text)');
    await s.query('INSERT INTO t VALUES (1, 0, $1), (2, 0, $2)', [BIG_A, BIG_B]);
    const { chunks } = await toastOf(s, 't');
    // the random one goes out of line raw (11 chunks of 1996 bytes); the prose compressed
    expect(chunks).toBeGreaterThanOrEqual(11);
    expect(await rows(s, 'SELECT id, doc FROM t ORDER BY id')).toEqual([
      [1, BIG_A],
      [2, BIG_B],
    ]);
    expect(await rows(s, 'SELECT doc FROM t WHERE id = 2')).toEqual([[BIG_B]]);
    expect(await rows(s, 'SELECT length(doc) FROM t WHERE id = 1')).toEqual([[20_000]]);

    // UPDATE of another column keeps the value (and writes no new chunks)
    await s.query('UPDATE t SET n = n + 1');
    expect((await toastOf(s, 't')).chunks).toBe(chunks);
    expect(await rows(s, 'SELECT n, doc FROM t ORDER BY id')).toEqual([
      [1, BIG_A],
      [1, BIG_B],
    ]);

    // UPDATE of the toasted column changes it
    const next = incompressible(30_000);
    await s.query('UPDATE t SET doc = $1 WHERE id = 1', [next]);
    expect(await rows(s, 'SELECT doc FROM t WHERE id = 1')).toEqual([[next]]);
    expect(await rows(s, 'SELECT doc FROM t WHERE id = 2')).toEqual([[BIG_B]]);

    // DELETE + ROLLBACK: the value lives on
    await s.query('BEGIN');
    await s.query('DELETE FROM t WHERE id = 2');
    expect(await rows(s, 'SELECT count(*)::int FROM t')).toEqual([[1]]);
    await s.query('ROLLBACK');
    expect(await rows(s, 'SELECT doc FROM t WHERE id = 2')).toEqual([[BIG_B]]);

    // TRUNCATE empties the toast relation too
    await s.query('TRUNCATE t');
    expect((await toastOf(s, 't')).chunks).toBe(0);
    await s.query('INSERT INTO t VALUES (3, 0, $1)', [BIG_B]);
    expect(await rows(s, 'SELECT doc FROM t WHERE id = 3')).toEqual([[BIG_B]]);
  });

  it('another session sees a toasted value only after commit, and the old one until then', async () => {
    const db = await start();
    const a = await db.connect();
    const b = await db.connect();
    await a.query('CREATE TABLE t (id int PRIMARY KEY, doc text)');
    await a.query('INSERT INTO t VALUES (1, $1)', [BIG_A]);
    await a.query('BEGIN');
    await a.query('UPDATE t SET doc = $1', [BIG_B]);
    expect(await rows(b, 'SELECT doc FROM t WHERE id = 1')).toEqual([[BIG_A]]);
    await a.query('COMMIT');
    expect(await rows(b, 'SELECT doc FROM t WHERE id = 1')).toEqual([[BIG_B]]);
  });

  it('random transactions of big and small values agree with a model', async () => {
    const db = await start();
    const s = await db.connect();
    await s.query('CREATE TABLE t (id int PRIMARY KEY, doc text)');
    const value = fc.oneof(
      fc.constant(null),
      fc.integer({ min: 0, max: 100 }).map((n) => `small ${n}`),
      fc.integer({ min: 3000, max: 40_000 }).map((n) => compressible(n, n)),
      fc.integer({ min: 2500, max: 25_000 }).map((n) => incompressible(n)),
    );
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('upsert' as const),
        id: fc.integer({ min: 1, max: 5 }),
        value,
      }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 1, max: 5 }) }),
    );
    const txn = fc.record({
      ops: fc.array(op, { minLength: 1, maxLength: 4 }),
      commit: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(txn, { minLength: 1, maxLength: 6 }), async (txns) => {
        await s.query('TRUNCATE t');
        const model = new Map<number, string | null>();
        for (const t of txns) {
          const work = new Map(model);
          await s.query('BEGIN');
          for (const o of t.ops) {
            if (o.kind === 'delete') {
              await s.query('DELETE FROM t WHERE id = $1', [o.id]);
              work.delete(o.id);
            } else if (work.has(o.id)) {
              await s.query('UPDATE t SET doc = $2 WHERE id = $1', [o.id, o.value]);
              work.set(o.id, o.value);
            } else {
              await s.query('INSERT INTO t VALUES ($1, $2)', [o.id, o.value]);
              work.set(o.id, o.value);
            }
          }
          await s.query(t.commit ? 'COMMIT' : 'ROLLBACK');
          if (t.commit) for (const [k] of model) if (!work.has(k)) model.delete(k);
          if (t.commit) for (const [k, v] of work) model.set(k, v);
          const want = [...model].sort((x, y) => x[0] - y[0]);
          expect(await rows(s, 'SELECT id, doc FROM t ORDER BY id')).toEqual(want);
          for (const [id, v] of want)
            expect(await rows(s, 'SELECT doc FROM t WHERE id = $1', [id])).toEqual([[v]]);
        }
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});

describe('durability', () => {
  it('a toasted value survives close/reopen and a crash (close immediate) with recovery', async () => {
    const dir = tempDir();
    let db = await start(dir);
    let s = await db.connect();
    await s.query('CREATE TABLE t (id int PRIMARY KEY, doc text)');
    await s.query('INSERT INTO t VALUES (1, $1), (2, $2)', [BIG_A, BIG_B]);
    await s.close();
    await db.close();
    open.splice(0);

    db = await start(dir);
    s = await db.connect();
    expect(await rows(s, 'SELECT id, doc FROM t ORDER BY id')).toEqual([
      [1, BIG_A],
      [2, BIG_B],
    ]);
    const later = incompressible(12_000);
    await s.query('INSERT INTO t VALUES (3, $1)', [later]);
    await s.query('UPDATE t SET doc = $1 WHERE id = 1', [BIG_B]);
    await s.query('BEGIN');
    await s.query('INSERT INTO t VALUES (4, $1)', [compressible(9000)]);
    await s.close(); // never committed
    await db.close('immediate');
    open.splice(0);

    db = await start(dir); // crash recovery replays the chunks from the WAL
    s = await db.connect();
    expect(await rows(s, 'SELECT id, doc FROM t ORDER BY id')).toEqual([
      [1, BIG_B],
      [2, BIG_B],
      [3, later],
    ]);
    expect(await rows(s, 'SELECT doc FROM t WHERE id = 3')).toEqual([[later]]);
    // value OIDs stay unique after recovery: a new value does not collide with the stored ones
    await s.query('INSERT INTO t VALUES (5, $1)', [BIG_A]);
    expect(await rows(s, 'SELECT doc = $1 FROM t WHERE id IN (1, 5) ORDER BY id', [BIG_B])).toEqual(
      [[true], [false]],
    );
    expect(await rows(s, 'SELECT doc FROM t WHERE id = 5')).toEqual([[BIG_A]]);
  }, 60_000);
});

describe('compared with PostgreSQL 15', () => {
  let pg: ReferencePostgres;
  beforeAll(async () => {
    pg = await startReferencePostgres({ extensions: [] });
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
  });

  it('the same tables get toast relations, with the same catalog rows', async () => {
    const ddl = [
      'CREATE TABLE t (id int PRIMARY KEY, a text, b varchar(10))',
      'CREATE TABLE i (a int, b bigint, c timestamptz)',
      'CREATE TABLE v (a varchar(10), b char(20))',
      'CREATE TABLE w (a varchar(600), b varchar(10))',
      'CREATE TABLE n (a numeric(1000, 2), b numeric)',
      'CREATE TABLE m (a numeric(1000, 2), b int, c varchar(400))',
      'CREATE TABLE bb (a bytea)',
      'CREATE TABLE late (a int)',
      'ALTER TABLE late ADD COLUMN b int',
      'ALTER TABLE late ADD COLUMN c jsonb',
    ];
    type Run = (sql: string, params?: unknown[]) => Promise<unknown[][]>;
    /** What each table's toast relation looks like (OIDs made relative to the table's). */
    const describeAll = async (run: Run) => {
      const out: unknown[] = [];
      const tables = await run(
        "SELECT relname::text, oid::int, reltoastrelid::int FROM pg_class WHERE relnamespace = 2200 AND relkind = 'r' ORDER BY 1",
      );
      for (const [name, oid, toast] of tables as [string, number, number][]) {
        out.push([name, toast !== 0]);
        if (toast === 0) continue;
        out.push(
          await run(
            'SELECT relname::text, relnamespace::int, relkind::text, relnatts::int, relpersistence::text, reltype::int, relhasindex, relam::int FROM pg_class WHERE oid = $1',
            [toast],
          ),
          (
            await run(
              'SELECT attname::text, atttypid::int, attnum::int, attstorage::text, attnotnull, attalign::text FROM pg_attribute WHERE attrelid = $1 ORDER BY attnum',
              [toast],
            )
          ).map((r) => r.join()),
          await run(
            'SELECT indexrelid::int - $2::int, indnatts::int, indisunique, indisprimary FROM pg_index WHERE indrelid = $1',
            [toast, oid],
          ),
          await run(
            'SELECT relname::text, relnamespace::int, relkind::text, relnatts::int, relam::int FROM pg_class WHERE relname = $1',
            [`pg_toast_${oid}_index`],
          ),
          await run(
            'SELECT refobjid::int - $2::int, refobjsubid::int, deptype::text FROM pg_depend WHERE objid = $1 ORDER BY 1, 2',
            [toast, oid],
          ),
          await run(
            'SELECT objid::int - $2::int, refobjsubid::int, deptype::text FROM pg_depend WHERE refobjid = $1 ORDER BY 1, 2',
            [toast, oid],
          ),
        );
      }
      return out;
    };
    const client = await pg.connect();
    let want: unknown[];
    try {
      for (const q of ddl) await client.query(q);
      want = await describeAll(
        async (text, values = []) =>
          (await client.query({ text, values, rowMode: 'array' })).rows as unknown[][],
      );
    } finally {
      await client.end();
    }
    const s = await (await start()).connect();
    for (const q of ddl) await s.query(q);
    const got = await describeAll((sql, params = []) => rows(s, sql, params));
    expect(got).toEqual(want);
  }, 60_000);
});
