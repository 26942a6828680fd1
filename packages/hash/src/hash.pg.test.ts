/**
 * The hash index against real PostgreSQL 15: the hash functions give
 * hashint4/hashint8/hashtext's values; an index built here by the same
 * inserts in the same order as PostgreSQL's is the same file (but page
 * LSNs, checksums and unused space) — empty, filled with an overflow page and
 * a split, after DELETE + VACUUM (squeeze), and sized from reltuples — and
 * pageinspect (hash_metapage_info, hash_page_type, hash_page_items,
 * hash_page_stats, hash_bitmap_info) reads our pages as it reads
 * PostgreSQL's. After many splits the comparison is by bucket contents (see
 * README for the known physical-order difference).
 */
import { parseTid, type Tid } from '@pg/access';
import { bucketToBlock, HashIndex, hashInt4, hashInt8, hashText, readMeta } from '@pg/hash';
import { checkHash } from '@pg/hash/testing';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { builtins } from '@pg/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BLCKSZ = 8192;
let pg: ReferencePostgres;
const tally = { overflow: 0, buckets: 0, items: 0 };

beforeAll(async () => {
  pg = await startReferencePostgres({ dataChecksums: true, extensions: ['pageinspect'] });
});

afterAll(async () => {
  await pg?.stop();
  console.log(
    `@pg/hash against PostgreSQL: ${tally.overflow} overflow pages checked with hash_bitmap_info, ${tally.buckets} buckets and ${tally.items} items agreed after splits`,
  );
});

const signed = (n: number) => n | 0;

async function relationFile(index: string): Promise<Uint8Array> {
  await pg.query('CHECKPOINT');
  const [r] = await pg.query<{ path: string }>('SELECT pg_relation_filepath($1) AS path', [index]);
  return pg.readDataFile(r!.path);
}

/** A page with pd_lsn and pd_checksum zeroed. */
function firstDiff(a: Uint8Array, b: Uint8Array): string {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `byte ${i}: ${a[i]} vs ${b[i]}`;
  return 'same';
}

function masked(page: Uint8Array): Uint8Array {
  const p = page.slice();
  p.fill(0, 0, 10);
  // The unused space between pd_lower and pd_upper keeps deleted items' old bytes
  // (mask_unused_space, as wal_consistency_checking does).
  const lower = p[12]! | (p[13]! << 8);
  const upper = p[14]! | (p[15]! << 8);
  if (lower < upper) p.fill(0, lower, upper);
  return p;
}

function ours(typeName: string, numTuples: number) {
  const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 256 * 8192 });
  const index = HashIndex.create({
    pool,
    rel: { spcOid: 1663, dbOid: 5, relNumber: 17000 },
    descriptor: { name: 'h', keys: [{ name: 'k', type: builtins.typeByName(typeName)! }] },
    numTuples,
  });
  return index;
}

/** Builds here what PostgreSQL built for `table`'s rows in ctid order (the order they were inserted). */
async function replay(
  table: string,
  index: string,
  typeName: string,
  cast: (v: string) => unknown,
) {
  const [meta] = await pg.query<{ maxbucket: number; ffactor: number }>(
    `SELECT maxbucket, ffactor FROM hash_metapage_info(get_raw_page($1, 0))`,
    [index],
  );
  return {
    meta: meta!,
    build: async () => {
      const h = ours(typeName, 0);
      expect(h.meta().maxbucket).toBe(1);
      const rows = await pg.query<{ ctid: string; k: string }>(
        `SELECT ctid::text AS ctid, k::text AS k FROM ${table} ORDER BY ${table}.ctid`,
      );
      for (const r of rows) h.insert([cast(r.k)], parseTid(r.ctid));
      return h;
    },
  };
}

function blocksOf(h: HashIndex): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let b = 0; b < h.nblocks(); b++) out.push(h.readCopy(b));
  return out;
}

describe('hash functions', () => {
  it('hashint4 agrees', async () => {
    const values = [0, 1, -1, 2, 42, 1000, -1000, 2147483647, -2147483648, 123456789];
    for (let i = 0; i < 200; i++) values.push(Math.imul(i, 2654435761) | 0);
    const rows = await pg.query<{ v: number; h: number }>(
      'SELECT v, hashint4(v) AS h FROM unnest($1::int4[]) v',
      [values],
    );
    expect(rows.length).toBe(values.length);
    for (const r of rows) expect(signed(hashInt4(r.v)), `hashint4(${r.v})`).toBe(r.h);
  });

  it('hashint8 agrees', async () => {
    const values = [
      '0',
      '1',
      '-1',
      '4294967296',
      '-4294967296',
      '9223372036854775807',
      '-9223372036854775808',
    ];
    for (let i = 0; i < 100; i++)
      values.push(String(BigInt(i) * 92233720368547758n - 4611686018427387904n));
    const rows = await pg.query<{ v: string; h: number }>(
      'SELECT v::text AS v, hashint8(v) AS h FROM unnest($1::int8[]) v',
      [values],
    );
    expect(rows.length).toBe(values.length);
    for (const r of rows) expect(signed(hashInt8(BigInt(r.v))), `hashint8(${r.v})`).toBe(r.h);
  });

  it('hashtext agrees (hash_any over every tail length)', async () => {
    const values: string[] = [''];
    for (let n = 1; n <= 40; n++)
      values.push('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'.slice(0, n));
    values.push('héllo wörld', '日本語のテキスト', '🐘 elephant', 'x'.repeat(1000));
    const rows = await pg.query<{ v: string; h: number }>(
      'SELECT v, hashtext(v) AS h FROM unnest($1::text[]) v',
      [values],
    );
    expect(rows.length).toBe(values.length);
    for (const r of rows)
      expect(signed(hashText(r.v)), `hashtext(${JSON.stringify(r.v)})`).toBe(r.h);
  });
});

describe('pages', () => {
  it('an empty index and one without splits are PostgreSQL files, byte for byte', async () => {
    await pg.query('CREATE TABLE e (k int4) WITH (autovacuum_enabled = off)');
    await pg.query('VACUUM e');
    await pg.query('CREATE INDEX e_h ON e USING hash (k)');
    const empty = ours('int4', 0);
    const theirsEmpty = await relationFile('e_h');
    expect(theirsEmpty.length).toBe(empty.nblocks() * BLCKSZ);
    blocksOf(empty).forEach((p, b) => {
      expect(
        Buffer.from(masked(p)).equals(
          Buffer.from(masked(theirsEmpty.slice(b * BLCKSZ, (b + 1) * BLCKSZ))),
        ),
        `empty block ${b} ${firstDiff(masked(p), masked(theirsEmpty.slice(b * BLCKSZ, (b + 1) * BLCKSZ)))}`,
      ).toBe(true);
    });
    // 760 rows: no split yet (the first comes after 2 * 384), overflow pages where a bucket fills.
    await pg.query(
      'INSERT INTO e SELECT CASE WHEN i % 3 = 0 THEN 7 ELSE (i * 7919) % 500 END FROM generate_series(1, 760) i',
    );
    const { build } = await replay('e', 'e_h', 'int4', Number);
    const h = await build();
    expect(checkHash(h, { exactCount: true })).toEqual([]);
    const theirs = await relationFile('e_h');
    const mine = blocksOf(h);
    expect(theirs.length).toBe(mine.length * BLCKSZ);
    mine.forEach((p, b) => {
      expect(
        Buffer.from(masked(p)).equals(
          Buffer.from(masked(theirs.slice(b * BLCKSZ, (b + 1) * BLCKSZ))),
        ),
        `block ${b} ${firstDiff(masked(p), masked(theirs.slice(b * BLCKSZ, (b + 1) * BLCKSZ)))}`,
      ).toBe(true);
    });
    // pageinspect reads our pages as it reads theirs.
    for (let b = 0; b < mine.length; b++) {
      const [t] = await pg.query<{ t: string }>('SELECT hash_page_type($1::bytea) AS t', [
        Buffer.from(mine[b]!),
      ]);
      const [u] = await pg.query<{ t: string }>(
        'SELECT hash_page_type(get_raw_page($1, $2)) AS t',
        ['e_h', b],
      );
      expect(t!.t).toBe(u!.t);
    }
    // hash_bitmap_info: every overflow page's bit is set (before the DELETE).
    for (let b = 0; b < mine.length; b++) {
      const [t] = await pg.query<{ t: string }>('SELECT hash_page_type($1::bytea) AS t', [
        Buffer.from(mine[b]!),
      ]);
      if (t!.t !== 'overflow') continue;
      tally.overflow++;
      const [bi] = await pg.query<{ bitstatus: boolean }>(
        "SELECT * FROM hash_bitmap_info('e_h', $1)",
        [b],
      );
      expect(bi!.bitstatus, `block ${b}`).toBe(true);
    }
    // DELETE + VACUUM: PostgreSQL's bulk delete and squeeze give the same file as ours.
    const gone = await pg.query<{ ctid: string }>(
      'SELECT ctid::text AS ctid FROM e WHERE k % 5 = 2',
    );
    expect(gone.length).toBeGreaterThan(200);
    await pg.query('DELETE FROM e WHERE k % 5 = 2');
    await pg.query('VACUUM (INDEX_CLEANUP ON) e');
    const dead = new Set(gone.map((r) => r.ctid));
    h.bulkDelete((t) => dead.has(`(${t.block},${t.offset})`));
    expect(h.stats.overflowPagesFreed).toBeGreaterThan(0);
    expect(checkHash(h, { exactCount: true })).toEqual([]);
    const theirs2 = await relationFile('e_h');
    blocksOf(h).forEach((p, b) => {
      const t = theirs2.slice(b * BLCKSZ, (b + 1) * BLCKSZ);
      expect(
        Buffer.from(masked(p)).equals(Buffer.from(masked(t))),
        `after VACUUM, block ${b} ${firstDiff(masked(p), masked(t))}`,
      ).toBe(true);
    });
    const now = blocksOf(h);
    const [mm] = await pg.query('SELECT * FROM hash_metapage_info($1::bytea)', [
      Buffer.from(now[0]!),
    ]);
    const [tm] = await pg.query("SELECT * FROM hash_metapage_info(get_raw_page('e_h', 0))");
    expect(mm).toEqual(tm);
    const meta = readMeta(now[0]!);
    expect(Number((tm as { ntuples: number }).ntuples)).toBe(meta.ntuples);
  });

  it('after splits and VACUUM, the metapage and every bucket agree with PostgreSQL', async () => {
    await pg.query('CREATE TABLE s (k text) WITH (autovacuum_enabled = off)');
    await pg.query('VACUUM s');
    await pg.query('CREATE INDEX s_h ON s USING hash (k)');
    await pg.query(
      "INSERT INTO s SELECT 'key-' || ((i * 7919) % 3000) FROM generate_series(1, 6000) i",
    );
    await pg.query('VACUUM s');
    const { build } = await replay('s', 's_h', 'text', (v) => v);
    const h = await build();
    expect(checkHash(h, { exactCount: true })).toEqual([]);
    // Items agree bucket by bucket (below); the files are not compared byte for byte after
    // several splits: some pages place the same items in a different physical order and some
    // moved tuples lack INDEX_MOVED_BY_SPLIT_MASK here (see README).
    const meta = h.meta();
    const [tm] = await pg.query<Record<string, unknown>>(
      "SELECT * FROM hash_metapage_info(get_raw_page('s_h', 0))",
    );
    for (const f of [
      'magic',
      'version',
      'ffactor',
      'bsize',
      'bmsize',
      'bmshift',
      'maxbucket',
      'highmask',
      'lowmask',
      'ovflpoint',
      'procid',
    ] as const) {
      expect(Number(tm![f]), f).toBe(meta[f]);
    }
    expect(Number(tm!.ntuples)).toBe(meta.ntuples);
    // Every bucket's entries (ctid, hash code), over its chain, as a set.
    const bucketOf = async (
      read: (block: number) => Promise<Record<string, unknown>[]>,
      chainOf: (block: number) => Promise<number>,
      start: number,
    ) => {
      const out: string[] = [];
      for (let b = start; b !== 0xffffffff; b = await chainOf(b))
        for (const r of await read(b)) out.push(`${r.ctid} ${r.data}`);
      return out.sort();
    };
    // PostgreSQL's overflow pages differ (moved tuples stay in the old bucket until cleanup),
    // so its buckets start where its own spares[] put them.
    const theirSpares = String(tm!.spares).replace(/[{}]/g, '').split(',').map(Number);
    const theirMeta = { ...meta, spares: theirSpares };
    for (let bucket = 0; bucket <= meta.maxbucket; bucket++) {
      const start = bucketToBlock(meta, bucket);
      const theirStart = bucketToBlock(theirMeta, bucket);
      const theirs = await bucketOf(
        (b) =>
          pg.query("SELECT ctid::text, data::text FROM hash_page_items(get_raw_page('s_h', $1))", [
            b,
          ]),
        async (b) =>
          Number(
            (
              await pg.query<{ n: string }>(
                "SELECT hasho_nextblkno AS n FROM hash_page_stats(get_raw_page('s_h', $1))",
                [b],
              )
            )[0]!.n,
          ),
        theirStart,
      );
      const mine = await bucketOf(
        (b) =>
          pg.query('SELECT ctid::text, data::text FROM hash_page_items($1::bytea)', [
            Buffer.from(h.readCopy(b)),
          ]),
        async (b) =>
          Number(
            (
              await pg.query<{ n: string }>(
                'SELECT hasho_nextblkno AS n FROM hash_page_stats($1::bytea)',
                [Buffer.from(h.readCopy(b))],
              )
            )[0]!.n,
          ),
        start,
      );
      expect(mine, `bucket ${bucket}`).toEqual(theirs);
      expect(mine.length).toBeGreaterThan(0);
      tally.buckets++;
      tally.items += mine.length;
    }
    // Every scan finds what PostgreSQL's index scan finds.
    await pg.query('SET enable_seqscan = off; SET enable_bitmapscan = off');
    for (const k of ['key-0', 'key-17', 'key-2999', 'nope']) {
      const rows = await pg.query<{ ctid: string }>('SELECT ctid::text FROM s WHERE k = $1', [k]);
      const got = h
        .lookup(k)
        .map((t: Tid) => `(${t.block},${t.offset})`)
        .sort();
      expect(got).toEqual(rows.map((r) => r.ctid).sort());
    }
    await pg.query('RESET enable_seqscan; RESET enable_bitmapscan');
  });

  it('CREATE INDEX on a vacuumed table sizes the buckets from reltuples and builds the same file', async () => {
    await pg.query('CREATE TABLE big (k int8) WITH (autovacuum_enabled = off)');
    await pg.query(
      'INSERT INTO big SELECT (i::int8 * 104729) % 40000 FROM generate_series(1, 30000) i',
    );
    await pg.query('VACUUM big');
    await pg.query('CREATE INDEX big_h ON big USING hash (k)');
    const h = ours('int8', 30000);
    const rows = await pg.query<{ ctid: string; k: string }>(
      'SELECT ctid::text AS ctid, k::text AS k FROM big ORDER BY big.ctid',
    );
    for (const r of rows) h.insert([BigInt(r.k)], parseTid(r.ctid));
    const [tm] = await pg.query<Record<string, unknown>>(
      "SELECT maxbucket, ntuples FROM hash_metapage_info(get_raw_page('big_h', 0))",
    );
    expect(Number(tm!.maxbucket)).toBe(h.meta().maxbucket);
    expect(h.meta().maxbucket).toBeGreaterThan(1);
    const theirs = await relationFile('big_h');
    const mine = blocksOf(h);
    expect(theirs.length).toBe(mine.length * BLCKSZ);
    mine.forEach((p, b) => {
      const t = theirs.slice(b * BLCKSZ, (b + 1) * BLCKSZ);
      expect(
        Buffer.from(masked(p)).equals(Buffer.from(masked(t))),
        `block ${b} ${firstDiff(masked(p), masked(t))}`,
      ).toBe(true);
    });
  });
});
