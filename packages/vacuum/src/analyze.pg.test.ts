/**
 * Our column statistics against a real PostgreSQL 15's ANALYZE
 * (tools/pg-reference). The same rows are loaded into both: PostgreSQL
 * builds the tables with generate_series (skew, NULLs, few and many
 * distinct values, wide values, reversed and shuffled physical order);
 * we read them back in physical order (ORDER BY ctid) as text, parse them
 * with our types and compute the statistics. The tables are smaller than
 * 300 × the statistics target, so PostgreSQL samples every row and its
 * statistics are deterministic: pg_stats' null_frac, avg_width,
 * n_distinct, most_common_vals / freqs, histogram_bounds and correlation
 * must match exactly (float4 values compared after Math.fround).
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { builtins, defaultContext, pgArray } from '@pg/types';
import { analyzeSample, type ColumnStatistics } from '@pg/vacuum';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pg: ReferencePostgres;
const ctx = defaultContext();

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

/** anyarray's text form of values of type `typeOid` (array_out). */
function arrayText(typeOid: number, values: readonly unknown[]): string {
  const t = builtins.type(typeOid);
  if (t === undefined) throw new Error(`no type ${typeOid}`);
  const arr = builtins.type(t.arrayOid);
  if (arr === undefined) throw new Error(`no array type of ${typeOid}`);
  return arr.output(pgArray(values), ctx);
}

/** '{0.1,0.25}' → float4 numbers. */
function floats(text: string | null): number[] | null {
  if (text === null) return null;
  return text
    .slice(1, -1)
    .split(',')
    .map((s) => Math.fround(Number(s)));
}

const f4 = (text: string | null) => (text === null ? null : Math.fround(Number(text)));

type PgStatsRow = {
  attname: string;
  null_frac: string;
  avg_width: number;
  n_distinct: string;
  mcv: string | null;
  freqs: string | null;
  hist: string | null;
  correlation: string | null;
};

/** Runs ANALYZE on PostgreSQL and our computation on the same rows; compares every column. */
async function compareTable(table: string, target: number): Promise<number> {
  await pg.query(`SET default_statistics_target = ${target}; ANALYZE ${table}`);
  const cols = await pg.query<{
    attnum: number;
    attname: string;
    atttypid: number;
    attstorage: string;
  }>(
    `SELECT attnum, attname, atttypid::int4 AS atttypid, attstorage FROM pg_attribute
      WHERE attrelid = '${table}'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
  );
  const select = cols.map((c) => `"${c.attname}"::text`).join(', ');
  const client = await pg.connect();
  let rowsText: (string | null)[][];
  try {
    const r = await client.query({
      text: `SELECT ${select} FROM ${table} ORDER BY ctid`,
      rowMode: 'array',
    });
    rowsText = r.rows as (string | null)[][];
  } finally {
    await client.end();
  }
  const rows = rowsText.map((r) =>
    r.map((v, i) => {
      if (v === null) return null;
      const t = builtins.type((cols[i] as { atttypid: number }).atttypid);
      if (t === undefined) throw new Error('unknown type');
      return t.input(v, -1, ctx);
    }),
  );
  const ours = analyzeSample(
    rows,
    rows.length,
    cols.map((c) => ({
      attnum: c.attnum,
      type: builtins.type(c.atttypid) as NonNullable<ReturnType<typeof builtins.type>>,
      target,
      storage: c.attstorage as 'p' | 'e' | 'm' | 'x',
    })),
  );
  const theirs = await pg.query<PgStatsRow>(
    `SELECT attname, null_frac::text, avg_width, n_distinct::text,
            most_common_vals::text AS mcv, most_common_freqs::text AS freqs,
            histogram_bounds::text AS hist, correlation::text
       FROM pg_stats WHERE schemaname = 'public' AND tablename = '${table}'`,
  );
  expect(ours.length).toBe(theirs.length);
  for (const c of cols) {
    const t = theirs.find((x) => x.attname === c.attname);
    const o = ours.find((x) => x.attnum === c.attnum) as ColumnStatistics;
    expect(t, c.attname).toBeDefined();
    expect(o, c.attname).toBeDefined();
    if (t === undefined) continue;
    const label = `${table}.${c.attname}`;
    expect({ label, nullFrac: o.nullFrac }).toEqual({ label, nullFrac: f4(t.null_frac) });
    expect({ label, avgWidth: o.avgWidth }).toEqual({ label, avgWidth: t.avg_width });
    expect({ label, nDistinct: o.nDistinct }).toEqual({ label, nDistinct: f4(t.n_distinct) });
    expect({ label, mcv: o.mcvValues ? arrayText(c.atttypid, o.mcvValues) : null }).toEqual({
      label,
      mcv: t.mcv,
    });
    expect({ label, freqs: o.mcvFreqs ?? null }).toEqual({ label, freqs: floats(t.freqs) });
    expect({ label, hist: o.histogram ? arrayText(c.atttypid, o.histogram) : null }).toEqual({
      label,
      hist: t.hist,
    });
    expect({ label, corr: o.correlation ?? null }).toEqual({ label, corr: f4(t.correlation) });
  }
  return cols.length;
}

describe('ANALYZE statistics compared with PostgreSQL 15 (every row sampled)', () => {
  it('integers: unique, reversed, shuffled, skewed, few values, NULLs', async () => {
    await pg.query(`CREATE TABLE ints AS SELECT
        i AS id,
        1001 - i AS rev,
        (i * 7919) % 1000 AS shuffled,
        (i * i) % 97 AS skew,
        i % 3 AS three,
        CASE WHEN i % 4 = 0 THEN NULL ELSE i % 50 END AS nulls,
        CASE WHEN i < 900 THEN 1 ELSE i END AS heavy,
        (i / 10)::int8 AS tens,
        NULL::int4 AS allnull
      FROM generate_series(1, 1000) i`);
    expect(await compareTable('ints', 100)).toBe(9);
  });

  it('text and varchar: widths across the 1-byte header limit, too-wide values, few and many distinct', async () => {
    await pg.query(`CREATE TABLE texts AS SELECT
        md5(i::text) AS hash,
        'v' || (i % 7) AS seven,
        repeat('x', i % 200) AS grow,
        CASE WHEN i % 10 = 0 THEN repeat('w', 1100 + i % 500) ELSE 'short' || (i % 5) END AS wide,
        CASE WHEN i % 2 = 0 THEN NULL ELSE ('name' || (i % 13))::varchar(20) END AS vc,
        chr(65 + (i * 31) % 26) AS letter
      FROM generate_series(1, 1200) i`);
    expect(await compareTable('texts', 100)).toBe(6);
  });

  it('numeric, float8, bool, date, timestamp', async () => {
    await pg.query(`CREATE TABLE mixed AS SELECT
        (i % 37)::numeric / 4 AS num,
        ((i * 13) % 101)::float8 / 3 AS f8,
        i % 5 = 0 AS flag,
        date '2020-01-01' + (i % 365) AS d,
        timestamp '2021-06-01 12:00' + make_interval(mins => (i * 17) % 500) AS ts
      FROM generate_series(1, 3000) i`);
    expect(await compareTable('mixed', 100)).toBe(5);
  });

  it('a 20,000-row skewed table: MCV list capped at the target, 101 histogram bounds', async () => {
    await pg.query(`CREATE TABLE zipf AS SELECT
        (1000 / (1 + (i * 7) % 1000))::int AS z,
        (i * 2654435761::int8) % 20000 AS u,
        i % 250 AS c250
      FROM generate_series(1, 20000) i`);
    expect(await compareTable('zipf', 100)).toBe(3);
  });

  it('a small statistics target (10): fewer MCVs and 11 histogram bounds', async () => {
    await pg.query(`CREATE TABLE small AS SELECT
        (i * i) % 61 AS skew,
        i % 40 AS even40,
        CASE WHEN i % 9 = 0 THEN NULL ELSE md5((i % 300)::text) END AS h
      FROM generate_series(1, 2500) i`);
    expect(await compareTable('small', 10)).toBe(3);
  });
});
