/**
 * COPY through the embedded Session API: data from a string, bytes or an
 * async iterable of chunks (streamed), output to a sink, PostgreSQL's
 * errors with their CONTEXT line, and a failed COPY inserting nothing.
 */
import { Database, type EngineError } from '@pg/engine';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 20);

let db: Database;

beforeEach(async () => {
  db = await Database.open();
});

afterEach(async () => {
  await db.close();
});

async function fails(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (e) {
    return e as EngineError;
  }
  throw new Error('expected an error');
}

describe('COPY', () => {
  it('loads text from a string and writes it back', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (a int, b text, c numeric DEFAULT 7)');
    const r = await s.copyFrom('COPY t (a, b) FROM STDIN', '1\tx\n2\t\\N\n3\ttab\\there\n');
    expect(r.command).toBe('COPY 3');
    expect(r.rowCount).toBe(3);
    const out = await s.copyTo('COPY t TO STDOUT');
    expect(out.command).toBe('COPY 3');
    expect(out.data).toBe('1\tx\t7\n2\t\\N\t7\n3\ttab\\there\t7\n');
    const csv = await s.copyTo(
      'COPY (SELECT a, b FROM t ORDER BY a) TO STDOUT (FORMAT csv, HEADER)',
    );
    expect(csv.data).toBe('a,b\n1,x\n2,\n3,tab\there\n');
  });

  it('streams chunks from an async iterable, split anywhere', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (a int, b text)');
    const text = '1,"multi\nline"\n2,"quote ""x"""\r\n'.replace('\r\n', '\n');
    async function* chunks() {
      for (const ch of text) yield Buffer.from(ch);
    }
    const r = await s.copyFrom('COPY t FROM STDIN (FORMAT csv)', chunks());
    expect(r.command).toBe('COPY 2');
    const rows = await s.query('SELECT a, b FROM t ORDER BY a');
    expect(rows.rows).toEqual([
      { a: 1, b: 'multi\nline' },
      { a: 2, b: 'quote "x"' },
    ]);
  });

  it('loads many rows from a generator without holding the input', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (a int, b text)');
    async function* chunks() {
      for (let k = 0; k < 50; k++) {
        let chunk = '';
        for (let j = 0; j < 100; j++) chunk += `${k * 100 + j}\trow ${j}\n`;
        yield chunk;
      }
    }
    expect((await s.copyFrom('COPY t FROM STDIN', chunks())).command).toBe('COPY 5000');
    expect((await s.query('SELECT count(*)::int AS n, sum(a)::int AS s FROM t')).rows).toEqual([
      { n: 5000, s: 12497500 },
    ]);
  });

  it('reports bad input with the CONTEXT line and inserts nothing', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (a int, b int)');
    const e = await fails(s.copyFrom('COPY t FROM STDIN', '1\t2\n3\tx\n'));
    expect(e.code).toBe('22P02');
    expect(e.message).toBe('invalid input syntax for type integer: "x"');
    expect(e.context).toBe('COPY t, line 2, column b: "x"');
    const extra = await fails(s.copyFrom('COPY t FROM STDIN', '1\t2\t3\n'));
    expect([extra.code, extra.message, extra.context]).toEqual([
      '22P04',
      'extra data after last expected column',
      'COPY t, line 1: "1\t2\t3"',
    ]);
    const missing = await fails(s.copyFrom('COPY t FROM STDIN', '1\n'));
    expect(missing.message).toBe('missing data for column "b"');
    expect((await s.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 0 }]);
  });

  it('refuses COPY FROM STDIN without data and relative COPY TO paths', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (a int)');
    expect((await fails(s.query('COPY t FROM STDIN'))).code).toBe('0A000');
    const rel = await fails(s.query("COPY t TO 'x.txt'"));
    expect([rel.code, rel.message]).toEqual([
      '42602',
      'relative path not allowed for COPY to file',
    ]);
  });

  it('adds index entries for rows loaded in bulk (a plain index)', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (a int, b text)');
    await s.query('CREATE INDEX t_b ON t (b)');
    let data = '';
    for (let i = 0; i < 3000; i++) data += `${i}\tk${i % 50}\n`;
    expect((await s.copyFrom('COPY t FROM STDIN', data)).command).toBe('COPY 3000');
    await s.query('SET enable_seqscan = off');
    const plan = await s.query("EXPLAIN (COSTS OFF) SELECT count(*) FROM t WHERE b = 'k7'", [], {
      rowMode: 'array',
    });
    expect(JSON.stringify(plan.rows)).toContain('t_b');
    expect((await s.query("SELECT count(*)::int AS n FROM t WHERE b = 'k7'")).rows).toEqual([
      { n: 60 },
    ]);
  });

  it('enforces unique indexes with the line number', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (a int PRIMARY KEY)');
    const e = await fails(s.copyFrom('COPY t FROM STDIN', '1\n2\n1\n'));
    expect([e.code, e.context]).toEqual(['23505', 'COPY t, line 3']);
  });

  it('COPY TO then COPY FROM gives back the rows (random rows and options)', async () => {
    const s = await db.connect();
    let n = 0;
    const text = fc.string({
      unit: fc.constantFrom(
        'a',
        'Z',
        ' ',
        ',',
        '|',
        '\t',
        '\n',
        '\r',
        '\\',
        '"',
        "'",
        'N',
        '.',
        'é',
      ),
      maxLength: 6,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }),
            fc.option(text, { nil: null }),
          ),
          { maxLength: 15 },
        ),
        fc.constantFrom(
          '',
          '(FORMAT csv)',
          "(FORMAT csv, DELIMITER '|', NULL 'NULL', QUOTE '''')",
          "(DELIMITER ',')",
          "(FORMAT csv, HEADER, ESCAPE '\\')",
        ),
        async (rows, options) => {
          n++;
          await s.query(`CREATE TABLE a${n} (k int, v text)`);
          await s.query(`CREATE TABLE b${n} (k int, v text)`);
          for (const [k, v] of rows) await s.query(`INSERT INTO a${n} VALUES ($1, $2)`, [k, v]);
          const out = await s.copyTo(`COPY a${n} TO STDOUT ${options}`);
          const back = await s.copyFrom(`COPY b${n} FROM STDIN ${options}`, out.data);
          expect(back.rowCount).toBe(rows.length);
          const q = (t: string) =>
            s.query(`SELECT k, v FROM ${t} ORDER BY k, v COLLATE "C"`, [], { rowMode: 'array' });
          expect((await q(`b${n}`)).rows).toEqual((await q(`a${n}`)).rows);
        },
      ),
      {
        numRuns: RUNS,
        examples: [
          [
            [
              [1, 'x,y|z'],
              [null, '\\N'],
              [2, 'a\tb\n"\r\\.'],
              [3, ''],
            ],
            "(DELIMITER ',')",
          ],
        ],
      },
    );
  });
  // issue 9: the fast path (copy-bulk.ts) against the row-at-a-time path on the same input
  it('the bulk fast path loads and fails exactly as the row-at-a-time path', async () => {
    const s = await db.connect();
    const cols =
      'a int2, b int4, c int8, d numeric, e text, f varchar(5), g bool, h date, i timestamp, j timestamptz, k float8';
    const junk = fc.constantFrom(
      ' 5',
      '+5',
      '1e3',
      '.5',
      '5.',
      'NaN',
      'abc',
      'yes',
      'infinity',
      '',
    );
    const pad = (v: number, w: number) => String(v).padStart(w, '0');
    const date = fc
      .tuple(
        fc.integer({ min: 900, max: 2500 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
      )
      .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
    const time = fc
      .tuple(
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.stringMatching(/^(\.[0-9]{0,7})?$/),
      )
      .map(([h, m, sec, frac]) => `${pad(h, 2)}:${pad(m, 2)}:${pad(sec, 2)}${frac}`);
    const zone = fc.constantFrom('', '+00', '-08', '+05:30', '+15:59', '+16', '-03:7', 'Z');
    const ts = fc.tuple(date, time, zone).map(([d, t, z]) => `${d} ${t}${z}`);
    const column = (valid: fc.Arbitrary<string>) =>
      fc.option(fc.oneof({ arbitrary: valid, weight: 30 }, { arbitrary: junk, weight: 1 }), {
        nil: '\\N',
        freq: 8,
      });
    const safe = (t: string) => t.replace(/[\t\n\r\\]/g, '');
    const row = fc.tuple(
      column(fc.integer({ min: -40000, max: 40000 }).map(String)),
      column(fc.oneof(fc.integer().map(String), fc.stringMatching(/^-?0*[0-9]{1,11}$/))),
      column(
        fc.oneof(
          fc.bigInt({ min: -(2n ** 63n) - 3n, max: 2n ** 63n + 3n }).map(String),
          fc.integer().map(String),
        ),
      ),
      column(fc.stringMatching(/^-?[0-9]{1,20}(\.[0-9]{0,12})?$/)),
      column(fc.string({ maxLength: 8, unit: 'binary' }).map(safe)),
      column(fc.string({ maxLength: 7 }).map(safe)),
      column(fc.constantFrom('t', 'f', 'true', 'false', '1', '0', 'TRUE', ' t', 'fals')),
      column(date),
      column(ts),
      column(ts),
      column(fc.double().map(String)),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 6 }), async (rows) => {
        n++;
        await s.query(`CREATE TABLE fast${n} (${cols})`);
        await s.query(`CREATE TABLE slow${n} (${cols}, CHECK (true))`);
        const run = async (t: string, data: string) => {
          try {
            return (await s.copyFrom(`COPY ${t} FROM STDIN`, data)).command;
          } catch (e) {
            const err = e as EngineError;
            return `${err.code} ${err.message} ${err.context}`.replace(`${t},`, 'T,');
          }
        };
        // each row alone (most random rows have a bad field somewhere), then all at once
        for (const r of rows) {
          const data = `${r.join('\t')}\n`;
          expect(await run(`fast${n}`, data)).toBe(await run(`slow${n}`, data));
        }
        const all = rows.map((r) => `${r.join('\t')}\n`).join('');
        expect(await run(`fast${n}`, all)).toBe(await run(`slow${n}`, all));
        const out = async (t: string) => (await s.copyTo(`COPY ${t} TO STDOUT`)).data;
        expect(await out(`fast${n}`)).toBe(await out(`slow${n}`));
      }),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  });

  it('the bulk fast path: column lists, FORCE_NULL / FORCE_NOT_NULL, NOT NULL, toasted and indexed rows', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE t (a int NOT NULL, b text, c text, d int8)');
    await s.query('CREATE INDEX t_d ON t (d)');
    await s.query('CREATE INDEX t_c ON t (c)');
    const long = 'x'.repeat(5000);
    const r = await s.copyFrom(
      "COPY t (a, b, c) FROM STDIN (FORMAT csv, FORCE_NULL (b), FORCE_NOT_NULL (c), NULL 'z')",
      `1,z,z\n2,"z",\n3,${long},"q"\n`,
    );
    expect(r.rowCount).toBe(3);
    const rows = await s.query('SELECT a, b, c, length(b) AS lb, d FROM t ORDER BY a');
    expect(rows.rows).toEqual([
      { a: 1, b: null, c: 'z', lb: null, d: null },
      { a: 2, b: null, c: '', lb: null, d: null },
      { a: 3, b: long, c: 'q', lb: 5000, d: null },
    ]);
    await s.query('SET enable_seqscan = off');
    expect((await s.query("SELECT a FROM t WHERE c = 'q'")).rows).toEqual([{ a: 3 }]);
    // a 4-byte varlena header whose first byte is zero (252 + 4 = 256 bytes), after padding or not
    const y = 'y'.repeat(252);
    await s.copyFrom('COPY t (a, c) FROM STDIN', `4\t${y}\n`);
    await s.copyFrom('COPY t (a, b, c) FROM STDIN', `5\tb\t${y}\n`);
    expect((await s.query('SELECT a FROM t WHERE c = $1 ORDER BY a', [y])).rows).toEqual([
      { a: 4 },
      { a: 5 },
    ]);
    await s.query('DELETE FROM t WHERE a > 3');
    expect((await s.query('SELECT count(*)::int AS n FROM t WHERE d IS NULL')).rows).toEqual([
      { n: 3 },
    ]);
    const e = await fails(s.copyFrom('COPY t (b, a) FROM STDIN', 'x\t5\ny\t\\N\n'));
    expect([e.code, e.message, e.detail, e.context]).toEqual([
      '23502',
      'null value in column "a" of relation "t" violates not-null constraint',
      'Failing row contains (null, y, null, null).',
      'COPY t, line 2: "y\t\\N"',
    ]);
    const e2 = await fails(s.copyFrom('COPY t (a, d) FROM STDIN', '5\t7\n\\N\t8\n'));
    expect([e2.code, e2.context]).toEqual(['23502', 'COPY t, line 2: "\\N\t8"']);
    expect((await s.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 3 }]);
    // a dropped column stays null in the rows laid out after it
    await s.query('ALTER TABLE t DROP COLUMN b');
    await s.copyFrom('COPY t FROM STDIN (FORMAT csv)', '6,c6,60\n');
    expect((await s.query('SELECT a, c, d FROM t WHERE a = 6')).rows).toEqual([
      { a: 6, c: 'c6', d: 60n },
    ]);
  });
});
