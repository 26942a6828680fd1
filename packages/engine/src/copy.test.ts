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
});
