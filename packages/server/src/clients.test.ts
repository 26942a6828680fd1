/**
 * Real client libraries against the server, each run side by side against
 * real PostgreSQL 15 (tools/pg-reference) through the same client, the
 * parsed JavaScript values compared: node-postgres (pg) parameterised
 * queries, named prepared statements, binary results, row-limited portals,
 * errors; postgres.js (its startup type query, tagged queries, cursors)
 * — and the type parsing of every built-in type's results.
 */
import { Database } from '@pg/engine';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { Server } from '@pg/server';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literalCases } from './internal/values-arbitraries.js';

let db: Database;
let server: Server;
let ref: ReferencePostgres;

beforeAll(async () => {
  db = await Database.open({});
  server = await Server.start({ database: db, port: 0, listenAddresses: ['127.0.0.1'] });
  ref = await startReferencePostgres({ extensions: [] });
}, 120_000);

afterAll(async () => {
  await server?.close('fast');
  await db?.close();
  await ref?.stop();
});

type Target = {
  readonly name: 'engine' | 'postgres';
  readonly port: number;
  readonly user: string;
};

function targets(): Target[] {
  return [
    { name: 'engine', port: server.port, user: 'postgres' },
    { name: 'postgres', port: ref.port, user: ref.user },
  ];
}

async function pgClient(t: Target, options: Partial<pg.ClientConfig> = {}): Promise<pg.Client> {
  const c = new pg.Client({
    host: '127.0.0.1',
    port: t.port,
    user: t.user,
    database: 'postgres',
    ...options,
  });
  await c.connect();
  return c;
}

/** A parsed value in a comparable form (Dates as their time, Buffers as hex). */
function plain(v: unknown): unknown {
  if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()})`;
  if (Buffer.isBuffer(v)) return `Buffer(${v.toString('hex')})`;
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'bigint') return `${v}n`;
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/** Runs `work` with a pg client on both servers; returns both results. */
async function onBoth<T>(
  work: (c: pg.Client) => Promise<T>,
  options: Partial<pg.ClientConfig> = {},
): Promise<{ engine: unknown; postgres: unknown }> {
  const out: Record<string, unknown> = {};
  for (const t of targets()) {
    const c = await pgClient(t, options);
    try {
      out[t.name] = plain(await work(c));
    } catch (err) {
      const e = err as { code?: string; message?: string };
      out[t.name] = { error: e.code ?? 'none', message: e.message };
    } finally {
      await c.end();
    }
  }
  return out as { engine: unknown; postgres: unknown };
}

async function expectSame<T>(work: (c: pg.Client) => Promise<T>, options = {}): Promise<unknown> {
  const r = await onBoth(work, options);
  expect(r.engine).toEqual(r.postgres);
  return r.engine;
}

describe('node-postgres', () => {
  it('runs parameterised queries', async () => {
    const r = await expectSame(async (c) => {
      const a = await c.query('SELECT $1::int + $2::int AS s, $3::text AS t, $4::numeric AS n', [
        2,
        40,
        'hello',
        '12.50',
      ]);
      const b = await c.query('SELECT $1 AS untyped, $2::bool AS b, $3::int8 AS big', [
        'x',
        true,
        '9007199254740993',
      ]);
      const nulls = await c.query('SELECT $1::int IS NULL AS isnull', [null]);
      return [a.rows, b.rows, nulls.rows, a.fields.map((f) => [f.name, f.dataTypeID])];
    });
    expect(r).toEqual([
      [{ s: 42, t: 'hello', n: '12.50' }],
      [{ untyped: 'x', b: true, big: '9007199254740993' }],
      [{ isnull: true }],
      [
        ['s', 23],
        ['t', 25],
        ['n', 1700],
      ],
    ]);
  });

  it('runs named prepared statements again with new values', async () => {
    await expectSame(async (c) => {
      const out = [];
      for (const v of [1, 2, 3]) {
        const r = await c.query({
          name: 'series',
          text: 'SELECT g, g * $1::int AS m FROM generate_series(1, $1::int) g',
          values: [v],
        });
        out.push(r.rows, r.command, r.rowCount);
      }
      return out;
    });
  });

  it('reports errors with their SQLSTATE and recovers', async () => {
    const r = await expectSame(async (c) => {
      const errors = [];
      for (const [text, values] of [
        ['SELECT 1/0', []],
        ['SELECT $1::int', ['x']],
        ['SELECT * FROM no_such_table', []],
        ['SELECT 1 WHERE $1 IS NULL', [null]],
      ] as const) {
        try {
          await c.query(text, [...values]);
          errors.push('ok');
        } catch (err) {
          errors.push((err as { code: string }).code);
        }
      }
      errors.push((await c.query('SELECT 1 AS one')).rows);
      return errors;
    });
    expect(r).toEqual(['22012', '22P02', '42P01', '42P18', [{ one: 1 }]]);
  });

  it('runs a transaction with prepared statements', async () => {
    await expectSame(async (c) => {
      await c.query('CREATE TEMP TABLE IF NOT EXISTS acct (id int PRIMARY KEY, bal int)');
      await c.query('BEGIN');
      await c.query({ name: 'ins', text: 'INSERT INTO acct VALUES ($1, $2)', values: [1, 10] });
      await c.query({ name: 'ins', text: 'INSERT INTO acct VALUES ($1, $2)', values: [2, 20] });
      const upd = await c.query('UPDATE acct SET bal = bal + $1 RETURNING id, bal', [5]);
      await c.query('ROLLBACK');
      const after = await c.query('SELECT count(*)::int AS n FROM acct');
      return [upd.command, upd.rows, after.rows];
    });
  });

  it('receives binary results', async () => {
    const exprs = [
      '1::int2 AS a',
      '2::int4 AS b',
      "'9007199254740993'::int8 AS c",
      '1.5::float4 AS d',
      '2.25::float8 AS e',
      'true AS f',
      "'\\xdeadbeef'::bytea AS g",
      "'text'::text AS h",
      "'2024-02-29 12:34:56.789'::timestamp AS i",
      "'2024-02-29 12:34:56.789+00'::timestamptz AS j",
      "'12.34'::numeric AS k",
      "'2024-02-29'::date AS l",
      "'{1,2}'::int[] AS m",
      "'a1b2c3d4-0000-4000-8000-000000000000'::uuid AS n",
    ];
    const r = await expectSame(
      async (c) => {
        const q = await c.query({
          text: `SELECT ${exprs.join(', ')}`,
          queryMode: 'extended',
        } as pg.QueryConfig);
        return [q.rows, q.fields.map((f) => f.format)];
      },
      { binary: true },
    );
    expect((r as unknown[][])[1]).toEqual(exprs.map(() => 'binary'));
  });

  it('parses the binary results of every built-in type as from PostgreSQL', async () => {
    const exprs = literalCases.flatMap((c) => c.fixed).filter((e) => !e.includes('regclass'));
    await expectSame(
      async (c) => {
        const out = [];
        for (const e of exprs) {
          const r = await c.query({
            text: `SELECT ${e} AS v`,
            rowMode: 'array',
            queryMode: 'extended',
          } as pg.QueryConfig);
          out.push([e, r.fields[0]?.format, r.rows[0]]);
        }
        return out;
      },
      { binary: true },
    );
  });

  it('parses the text results of every built-in type as from PostgreSQL', async () => {
    const exprs = literalCases.flatMap((c) => c.fixed).filter((e) => !e.includes('regclass'));
    await expectSame(async (c) => {
      const out = [];
      for (const e of exprs) {
        const r = await c.query({ text: `SELECT ${e} AS v`, rowMode: 'array' });
        out.push([e, r.fields[0]?.dataTypeID, r.rows[0]]);
      }
      return out;
    });
  });

  it('parses parameterised values of every built-in type as from PostgreSQL', async () => {
    const exprs = literalCases.flatMap((c) => c.fixed).filter((e) => !e.includes('::reg'));
    await expectSame(async (c) => {
      const out = [];
      for (const e of exprs) {
        // the same value as a text parameter of the expression's type, sent back
        const typed = await c.query({ text: `SELECT ${e} AS v`, rowMode: 'array' });
        const oid = typed.fields[0]?.dataTypeID;
        if (oid === 2249) continue; // anonymous records cannot be parameters
        const typeName = (await c.query('SELECT format_type($1::oid, NULL) AS t', [oid])).rows[0]
          ?.t as string;
        const back = await c.query({
          text: `SELECT $1::${typeName} AS v`,
          values: [
            (await c.query({ text: `SELECT (${e})::text AS v`, rowMode: 'array' })).rows[0]?.[0],
          ],
          rowMode: 'array',
        });
        out.push([e, back.rows[0]]);
      }
      return out;
    });
  });

  it('fetches a row-limited portal in batches (Execute with max rows)', async () => {
    const r = await expectSame(async (c) => {
      // pg's Query with `rows` binds an unnamed portal and executes it `rows` at a time
      const q = new (pg as unknown as { Query: new (config: object) => pg.Query }).Query({
        text: 'SELECT g FROM generate_series(1, 7) g',
        rows: 3,
        rowMode: 'array',
      });
      const rows = await new Promise<unknown[]>((resolve, reject) => {
        const got: unknown[] = [];
        (q as unknown as NodeJS.EventEmitter).on('row', (row: unknown) => got.push(row));
        (q as unknown as NodeJS.EventEmitter).on('end', () => resolve(got));
        (q as unknown as NodeJS.EventEmitter).on('error', reject);
        c.query(q);
      });
      return rows;
    });
    expect(r).toEqual([[1], [2], [3], [4], [5], [6], [7]]);
  });
});

describe('postgres.js', () => {
  function sqlFor(t: Target) {
    return postgres({
      host: '127.0.0.1',
      port: t.port,
      user: t.user,
      database: 'postgres',
      max: 2,
      onnotice: () => {},
    });
  }

  async function both(work: (sql: postgres.Sql) => Promise<unknown>) {
    const out: Record<string, unknown> = {};
    for (const t of targets()) {
      const sql = sqlFor(t);
      try {
        out[t.name] = plain(await work(sql));
      } catch (err) {
        const e = err as { code?: string; message?: string };
        out[t.name] = { error: e.code ?? 'none', message: e.message };
      } finally {
        await sql.end({ timeout: 5 });
      }
    }
    expect(out.engine).toEqual(out.postgres);
    return out.engine;
  }

  it('connects (its startup type query) and runs tagged queries', async () => {
    const r = await both(async (sql) => {
      const a = await sql`SELECT ${1}::int + ${2}::int AS s, ${'x'} AS t`;
      const b =
        await sql`SELECT ${[1, 2, 3]}::int[] AS arr, ${new Date('2024-01-02T03:04:05Z')}::timestamptz AS ts`;
      const c = await sql`SELECT ${'{"a":1}'}::jsonb AS j, ${true} AS b, ${null}::int AS n`;
      return [[...a], [...b], [...c]];
    });
    expect((r as unknown[][])[0]).toEqual([{ s: 3, t: 'x' }]);
  });

  it('runs prepared statements many times and in a transaction', async () => {
    await both(async (sql) => {
      const out = [];
      for (let k = 0; k < 3; k++) out.push([...(await sql`SELECT ${k}::int * 2 AS v`)]);
      const tx = await sql.begin(async (s) => {
        await s`CREATE TEMP TABLE pj (id int, v text)`;
        await s`INSERT INTO pj ${s([
          { id: 1, v: 'a' },
          { id: 2, v: 'b' },
        ])}`;
        return [...(await s`SELECT * FROM pj ORDER BY id`)];
      });
      out.push(tx);
      return out;
    });
  });

  it('reads a cursor in batches (row-limited portal)', async () => {
    const r = await both(async (sql) => {
      const batches: unknown[] = [];
      await sql`SELECT g FROM generate_series(1, 7) g`.cursor(3, (rows) => {
        batches.push(rows.map((x) => x.g));
      });
      return batches;
    });
    expect(r).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('parses every built-in type as from PostgreSQL', async () => {
    const exprs = literalCases.flatMap((c) => c.fixed).filter((e) => !e.includes('regclass'));
    await both(async (sql) => {
      const out = [];
      for (const e of exprs) out.push([e, [...(await sql.unsafe(`SELECT ${e} AS v`))]]);
      return out;
    });
  });

  it('reports errors with codes', async () => {
    const r = await both(async (sql) => {
      try {
        await sql`SELECT 1/0`;
        return 'ok';
      } catch (err) {
        return (err as { code: string }).code;
      }
    });
    expect(r).toBe('22012');
  });
});
