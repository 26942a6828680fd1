/**
 * issue 12: gin, brin and hash indexes through the Session API — CREATE
 * INDEX USING with operator classes and WITH options (catalog rows,
 * pg_indexes), the errors PostgreSQL gives, bitmap and index scans that
 * return what a sequential scan returns, maintenance by INSERT, UPDATE,
 * DELETE, COPY and VACUUM, and a model-based run over a table with all
 * three.
 */
import { Database, type Session } from '@pg/engine';
import { failure } from '@pg/engine/testing';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let db: Database;
let s: Session;

beforeEach(async () => {
  db = await Database.open();
  s = await db.connect();
});

afterEach(async () => {
  await db.close();
});

async function rows(sql: string): Promise<unknown[][]> {
  return (await s.query<unknown[]>(sql, [], { rowMode: 'array' })).rows;
}

async function plan(sql: string): Promise<string> {
  // (EXPLAIN of the examples above and of the model's queries)
  return (await rows(`EXPLAIN (COSTS OFF) ${sql}`)).map((r) => r[0]).join('\n');
}

describe('CREATE INDEX USING gin | brin | hash', () => {
  it('stores relam, indclass and reloptions and prints the definition', async () => {
    await s.query('CREATE TABLE p (id serial, details jsonb, tags int[], ts timestamptz, v int)');
    await s.query(
      'CREATE INDEX i1 ON p USING gin (details jsonb_path_ops) WITH (fastupdate=off, gin_pending_list_limit=128)',
    );
    await s.query('CREATE INDEX i2 ON p USING gin (details)');
    await s.query('CREATE INDEX i3 ON p USING brin (ts) WITH (pages_per_range=4, autosummarize)');
    await s.query('CREATE INDEX i4 ON p USING hash (v) WITH (fillfactor=50)');
    await s.query('CREATE INDEX i5 ON p USING gin (tags array_ops)');
    expect(
      await rows(
        "SELECT relname, relam, reloptions::text, pg_get_indexdef(oid) FROM pg_class WHERE relname LIKE 'i_' ORDER BY 1",
      ),
    ).toEqual([
      [
        'i1',
        2742,
        '{fastupdate=off,gin_pending_list_limit=128}',
        "CREATE INDEX i1 ON public.p USING gin (details jsonb_path_ops) WITH (fastupdate=off, gin_pending_list_limit='128')",
      ],
      ['i2', 2742, null, 'CREATE INDEX i2 ON public.p USING gin (details)'],
      [
        'i3',
        3580,
        '{pages_per_range=4,autosummarize=true}',
        "CREATE INDEX i3 ON public.p USING brin (ts) WITH (pages_per_range='4', autosummarize='true')",
      ],
      [
        'i4',
        405,
        '{fillfactor=50}',
        "CREATE INDEX i4 ON public.p USING hash (v) WITH (fillfactor='50')",
      ],
      ['i5', 2742, null, 'CREATE INDEX i5 ON public.p USING gin (tags)'],
    ]);
  });

  it('refuses what PostgreSQL refuses, with its messages', async () => {
    await s.query('CREATE TABLE p (id int, details jsonb, v int, ts timestamptz)');
    const cases: [string, string, string, string?][] = [
      [
        'CREATE INDEX ON p USING gin (v)',
        '42704',
        'data type integer has no default operator class for access method "gin"',
        'You must specify an operator class for the index or define a default operator class for the data type.',
      ],
      [
        'CREATE INDEX ON p USING gin (details foo_ops)',
        '42704',
        'operator class "foo_ops" does not exist for access method "gin"',
      ],
      [
        'CREATE INDEX ON p USING gin (details array_ops)',
        '42804',
        'operator class "array_ops" does not accept data type jsonb',
      ],
      [
        'CREATE UNIQUE INDEX ON p USING gin (details)',
        '0A000',
        'access method "gin" does not support unique indexes',
      ],
      [
        'CREATE INDEX ON p USING hash (v, id)',
        '0A000',
        'access method "hash" does not support multicolumn indexes',
      ],
      ['CREATE INDEX ON p USING foo (v)', '42704', 'access method "foo" does not exist'],
      [
        'CREATE INDEX ON p USING gin (details) INCLUDE (id)',
        '0A000',
        'access method "gin" does not support included columns',
      ],
      [
        'CREATE INDEX ON p USING gin (details DESC)',
        '0A000',
        'access method "gin" does not support ASC/DESC options',
      ],
      [
        'CREATE INDEX ON p USING brin (ts) WITH (pages_per_range=0)',
        '22023',
        'value 0 out of bounds for option "pages_per_range"',
      ],
      ['CREATE INDEX ON p USING brin (ts) WITH (foo=1)', '22023', 'unrecognized parameter "foo"'],
      ["SELECT brin_summarize_new_values('p')", '42809', '"p" is not an index'],
    ];
    for (const [sql, code, message, hint] of cases) {
      const e = await failure(s.query(sql));
      expect([sql, e.code, e.message]).toEqual([sql, code, message]);
      if (hint !== undefined) expect(e.hint).toBe(hint);
    }
  });
});

describe('scans over gin, brin and hash indexes', () => {
  it("plans the seeds' examples as PostgreSQL does and returns the seq scan's rows", async () => {
    await s.query('CREATE TABLE products (id serial PRIMARY KEY, name text, details jsonb)');
    await s.query(
      `INSERT INTO products (name, details) SELECT 'p' || g, jsonb_build_object('color', (ARRAY['red','green','blue','black','white','yellow','purple','orange','pink','grey'])[g % 10 + 1], 'size', g % 7) FROM generate_series(1, 1200) g`,
    );
    await s.query('CREATE INDEX idx_product_details ON products USING gin (details)');
    await s.query('CREATE TABLE sensor (ts timestamptz, value float8)');
    await s.query(
      "INSERT INTO sensor SELECT '2024-01-01'::timestamptz + g * interval '1 minute', g % 100 FROM generate_series(1, 10000) g",
    );
    await s.query(
      'CREATE INDEX sensor_ts_brin ON sensor USING brin (ts) WITH (pages_per_range = 4)',
    );
    await s.query('CREATE TABLE h (id int, v int)');
    await s.query('INSERT INTO h SELECT g, g % 500 FROM generate_series(1, 3000) g');
    await s.query('CREATE INDEX h_id_hash ON h USING hash (id)');
    await s.query('ANALYZE');
    const red = `SELECT id FROM products WHERE details @> '{"color":"red"}'`;
    expect(await plan(red)).toBe(
      [
        'Bitmap Heap Scan on products',
        `  Recheck Cond: (details @> '{"color": "red"}'::jsonb)`,
        '  ->  Bitmap Index Scan on idx_product_details',
        `        Index Cond: (details @> '{"color": "red"}'::jsonb)`,
      ].join('\n'),
    );
    const day = "SELECT count(*) FROM sensor WHERE ts >= '2024-01-03' AND ts < '2024-01-04'";
    expect(await plan(day)).toMatch(/Bitmap Index Scan on sensor_ts_brin/);
    expect(await plan('SELECT * FROM h WHERE id = 42')).toBe(
      ['Index Scan using h_id_hash on h', '  Index Cond: (id = 42)'].join('\n'),
    );
    const viaIndex = [
      await rows(`${red} ORDER BY id`),
      await rows(day),
      await rows('SELECT * FROM h WHERE id = 42'),
    ];
    await s.query('SET enable_bitmapscan = off');
    await s.query('SET enable_indexscan = off');
    expect(await plan(day)).toMatch(/Seq Scan/);
    const viaSeq = [
      await rows(`${red} ORDER BY id`),
      await rows(day),
      await rows('SELECT * FROM h WHERE id = 42'),
    ];
    expect(viaIndex).toEqual(viaSeq);
    expect(viaIndex[0]).toHaveLength(120);
    expect(viaIndex[1]).toEqual([[1440n]]);
    // EXPLAIN ANALYZE shows BRIN's lossy pages and the rows the recheck removed
    await s.query('RESET enable_bitmapscan');
    const analyzed = (
      await rows(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${day}`)
    ).map((r) => r[0]);
    expect(analyzed.some((l) => /Heap Blocks: lossy=\d+/.test(String(l)))).toBe(true);
    expect(analyzed.some((l) => /Rows Removed by Index Recheck: \d+/.test(String(l)))).toBe(true);
  });

  it('keeps BRIN summaries with brin_summarize_new_values, _range and desummarize, and VACUUM', async () => {
    await s.query('CREATE TABLE t (n int)');
    await s.query('INSERT INTO t SELECT g FROM generate_series(1, 1000) g');
    await s.query('CREATE INDEX t_n_brin ON t USING brin (n) WITH (pages_per_range = 1)');
    await s.query('INSERT INTO t SELECT g FROM generate_series(1001, 3000) g');
    expect(await rows("SELECT brin_summarize_new_values('t_n_brin')")).not.toEqual([[0]]);
    expect(await rows("SELECT brin_summarize_new_values('t_n_brin')")).toEqual([[0]]);
    expect(await rows("SELECT brin_desummarize_range('t_n_brin', 0)")).toEqual([['']]);
    expect(await rows("SELECT brin_summarize_range('t_n_brin', 0)")).toEqual([[1]]);
    expect(await rows("SELECT brin_summarize_range('t_n_brin', 0)")).toEqual([[0]]);
    const e = await failure(s.query("SELECT brin_summarize_range('t_n_brin', -1)"));
    expect([e.code, e.message]).toEqual(['22003', 'block number out of range: -1']);
    await s.query('INSERT INTO t SELECT g FROM generate_series(3001, 5000) g');
    await s.query('VACUUM t');
    await s.query('SET enable_seqscan = off');
    expect(await rows('SELECT count(*) FROM t WHERE n BETWEEN 2990 AND 3010')).toEqual([[21n]]);
    await s.query('DROP INDEX t_n_brin');
    await s.query('DROP TABLE t');
  });
});

// ---------------------------------------------------------------- model-based

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 4);

type Op =
  | { kind: 'insert'; rows: [number, number[], number][] }
  | { kind: 'update'; id: number; n: number; tag: number }
  | { kind: 'delete'; id: number }
  | { kind: 'vacuum' }
  | { kind: 'copy'; rows: [number, number[], number][] };

const rowArb = fc.tuple(
  fc.integer({ min: 0, max: 20 }),
  fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 4 }),
  fc.integer({ min: 0, max: 3 }),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    rows: fc.array(rowArb, { minLength: 1, maxLength: 30 }),
  }),
  fc.record({
    kind: fc.constant('update' as const),
    id: fc.integer({ min: 1, max: 120 }),
    n: fc.integer({ min: 0, max: 20 }),
    tag: fc.integer({ min: 0, max: 9 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 1, max: 120 }) }),
  fc.record({ kind: fc.constant('vacuum' as const) }),
  fc.record({
    kind: fc.constant('copy' as const),
    rows: fc.array(rowArb, { minLength: 1, maxLength: 10 }),
  }),
);

const rowSql = ([n, tags, c]: [number, number[], number]) =>
  `(${n}, '{${tags.join(',')}}', '{"c": ${c}, "k${c}": true}')`;

describe('model: gin, brin and hash indexes answer as a sequential scan does', () => {
  it('after random inserts, updates, deletes, COPY and VACUUM', async () => {
    // the queries each index answers, forced through it and through a seq scan
    const queries = (n: number, tag: number, c: number) => [
      `SELECT id FROM m WHERE tags @> '{${tag}}' ORDER BY id`,
      `SELECT id FROM m WHERE tags && '{${tag},${(tag + 3) % 10}}' ORDER BY id`,
      `SELECT id FROM m WHERE tags <@ '{${tag},${(tag + 1) % 10}}' ORDER BY id`,
      `SELECT id FROM m WHERE doc @> '{"c": ${c}}' ORDER BY id`,
      `SELECT id FROM m WHERE doc ? 'k${c}' ORDER BY id`,
      `SELECT id FROM m WHERE n = ${n} ORDER BY id`,
      `SELECT id FROM m WHERE n < ${n} ORDER BY id`,
      `SELECT id FROM m WHERE b >= ${n} AND b <= ${n + 3} ORDER BY id`,
    ];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 3, maxLength: 12 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 3 }),
        async (ops, n, tag, c) => {
          run++;
          await s.query('DROP TABLE IF EXISTS m');
          await s.query(
            'CREATE TABLE m (id serial, n int, tags int[], doc jsonb, b int GENERATED ALWAYS AS (n * 2) STORED)',
          );
          // some indexes before the rows, some after (build from the heap)
          await s.query('CREATE INDEX m_tags ON m USING gin (tags)');
          await s.query('CREATE INDEX m_n_hash ON m USING hash (n)');
          let built = false;
          for (const op of ops) {
            if (op.kind === 'insert')
              await s.query(
                `INSERT INTO m (n, tags, doc) VALUES ${op.rows.map(rowSql).join(', ')}`,
              );
            else if (op.kind === 'copy')
              await s.copyFrom(
                'COPY m (n, tags, doc) FROM STDIN',
                op.rows
                  .map(
                    ([n1, tags, c1]) =>
                      `${n1}\t{${tags.join(',')}}\t{"c": ${c1}, "k${c1}": true}\n`,
                  )
                  .join(''),
              );
            else if (op.kind === 'update')
              await s.query(
                `UPDATE m SET n = ${op.n}, tags = tags || ${op.tag} WHERE id % 7 = ${op.id % 7}`,
              );
            else if (op.kind === 'delete')
              await s.query(`DELETE FROM m WHERE id % 5 = ${op.id % 5}`);
            else await s.query('VACUUM m');
            if (!built) {
              built = true;
              await s.query('CREATE INDEX m_doc ON m USING gin (doc jsonb_path_ops)');
              await s.query('CREATE INDEX m_doc2 ON m USING gin (doc)');
              await s.query(
                'CREATE INDEX m_b_brin ON m USING brin (b, n) WITH (pages_per_range = 1)',
              );
            }
          }
          await s.query('SET enable_seqscan = off');
          await s.query('SET enable_indexscan = off');
          const viaIndex: unknown[][][] = [];
          for (const q of queries(n, tag, c)) viaIndex.push(await rows(q));
          if (run === 1)
            for (const q of queries(n, tag, c))
              expect(await plan(q), q).toMatch(/Bitmap Index Scan on m_/);
          await s.query('RESET enable_seqscan');
          await s.query('SET enable_bitmapscan = off');
          const viaSeq: unknown[][][] = [];
          for (const q of queries(n, tag, c)) viaSeq.push(await rows(q));
          await s.query('RESET enable_bitmapscan');
          await s.query('RESET enable_indexscan');
          expect(viaIndex).toEqual(viaSeq);
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);
});
