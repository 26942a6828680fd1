/**
 * Compatibility of @pg/brin with real PostgreSQL 15's BRIN, through
 * contrib's pageinspect (brin_page_type, brin_metapage_info,
 * brin_revmap_data, brin_page_items):
 *
 * 1. PostgreSQL's index (read from the data directory after CHECKPOINT) is
 *    read here: the metapage, every page's type, every revmap entry and
 *    every summary agree with what pageinspect reports, and every tuple
 *    re-formed from its decoded summary has PostgreSQL's bytes.
 * 2. The same index built here from the same heap rows is, page for page,
 *    PostgreSQL's bytes (pd_lsn and pd_checksum aside), and pageinspect
 *    reads our pages as it reads its own.
 * 3. After the same desummarise, insert and brin_summarize_new_values on
 *    both sides, every range has the same summary.
 */
import { parseTid, type Tid } from '@pg/access';
import {
  BRIN_PAGETYPE_META,
  BRIN_PAGETYPE_REGULAR,
  BRIN_PAGETYPE_REVMAP,
  Brin,
  type BrinHeap,
  deformTuple,
  formTuple,
  pageType,
  REVMAP_PAGE_MAXITEMS,
  rangeInclusionOps,
  revmapGet,
} from '@pg/brin';
import { checkIndex } from '@pg/brin/testing';
import { BLCKSZ, Page } from '@pg/page';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { BufferPool, ForkNumber, MemorySmgr } from '@pg/storage';
import { type AnyPgType, builtins, defaultContext } from '@pg/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pg: ReferencePostgres;
const int4 = builtins.typeByName('int4')!;
const text = builtins.typeByName('text')!;
const TYPES = [int4, text, int4] as AnyPgType[];
const DESCRIPTOR = {
  name: 't_brin',
  keys: [
    { name: 'a', type: int4 },
    { name: 'b', type: text },
    { name: 'c', type: int4 },
  ],
};
const REL = { spcOid: 1663, dbOid: 5, relNumber: 17800 };

interface Row {
  tid: Tid;
  values: unknown[];
}

class Heap implements BrinHeap {
  constructor(
    public rows: Row[],
    public blocks: number,
  ) {}
  nblocks(): number {
    return this.blocks;
  }
  *tuples(start: number, end: number) {
    for (const r of this.rows) if (r.tid.block >= start && r.tid.block < end) yield r;
  }
}

beforeAll(async () => {
  pg = await startReferencePostgres({ dataChecksums: false, extensions: ['pageinspect'] });
  await pg.query('CREATE TABLE t (a int4, b text, c int4) WITH (autovacuum_enabled = off)');
  await pg.query(`INSERT INTO t SELECT
      CASE WHEN i % 17 = 0 THEN NULL ELSE (i * 37) % 1000 END,
      CASE WHEN i < 50 THEN NULL ELSE repeat('x', i % 30) || i END,
      CASE WHEN i > 1500 THEN i END
    FROM generate_series(1, 3000) i`);
  await pg.query('CREATE INDEX t_brin ON t USING brin (a, b, c) WITH (pages_per_range = 2)');
  await pg.query('CHECKPOINT');
});

afterAll(async () => {
  await pg?.stop();
});

async function heapOf(): Promise<Heap> {
  const rows = await pg.query<{
    ctid: string;
    a: number | null;
    b: string | null;
    c: number | null;
  }>('SELECT ctid::text AS ctid, a, b, c FROM t');
  const [size] = await pg.query<{ n: string }>(`SELECT pg_relation_size('t') / 8192 AS n`);
  return new Heap(
    rows.map((r) => ({ tid: parseTid(r.ctid), values: [r.a, r.b, r.c] })),
    Number(size!.n),
  );
}

async function pgIndexPages(): Promise<Uint8Array[]> {
  const [r] = await pg.query<{ path: string }>(`SELECT pg_relation_filepath('t_brin') AS path`);
  const file = await pg.readDataFile(r!.path);
  const pages: Uint8Array[] = [];
  for (let at = 0; at < file.length; at += BLCKSZ) pages.push(file.slice(at, at + BLCKSZ));
  return pages;
}

function open(pages: readonly Uint8Array[], heap: Heap): Brin {
  const smgr = new MemorySmgr();
  smgr.create(REL, ForkNumber.main);
  pages.forEach((p, b) => {
    smgr.extend(REL, ForkNumber.main, b, p);
  });
  const pool = new BufferPool({ smgr, sharedBuffers: 256 * BLCKSZ });
  return new Brin({ pool, rel: REL, descriptor: DESCRIPTOR, heap });
}

const bytea = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length);
const TYPE_NAMES: Record<number, string> = {
  [BRIN_PAGETYPE_META]: 'meta',
  [BRIN_PAGETYPE_REVMAP]: 'revmap',
  [BRIN_PAGETYPE_REGULAR]: 'regular',
};

interface ItemRow extends Record<string, unknown> {
  itemoffset: number;
  blknum: string;
  attnum: number;
  allnulls: boolean;
  hasnulls: boolean;
  placeholder: boolean;
  value: string | null;
}

/** What brin_page_items says of a regular page, as `offset blknum attnum allnulls hasnulls placeholder value` lines. */
async function pgItems(page: Uint8Array): Promise<string[]> {
  const rows = await pg.query<ItemRow>(
    `SELECT * FROM brin_page_items($1, 't_brin') ORDER BY itemoffset, attnum`,
    [bytea(page)],
  );
  return rows.map(
    (r) =>
      `${r.itemoffset} ${r.blknum} ${r.attnum} ${r.allnulls} ${r.hasnulls} ${r.placeholder} ${r.value}`,
  );
}

/** The same lines from our reading of the page. */
function ourItems(page: Uint8Array): string[] {
  const p = Page.wrap(page);
  const out: string[] = [];
  for (let off = 1; off <= p.maxOffsetNumber; off++) {
    const item = p.item(off);
    if (!item || p.itemId(off).len === 0) continue;
    const s = deformTuple(TYPES, item);
    s.columns.forEach((c, i) => {
      const t = TYPES[i]!;
      const out1 = (v: unknown) => t.output(v as never, defaultContext());
      const value = c.allNulls ? null : `{${out1(c.min)} .. ${out1(c.max)}}`;
      // brin_deform_tuple leaves bv_hasnulls false for an allnulls column even when the
      // tuple's hasnulls bit is set (brin_form_tuple writes it); deformTuple keeps the bit.
      const hasNulls = c.allNulls ? false : c.hasNulls;
      out.push(`${off} ${s.blkno} ${i + 1} ${c.allNulls} ${hasNulls} ${s.placeholder} ${value}`);
    });
  }
  return out;
}

/** Per range: the summary lines pageinspect gives for the tuple the revmap points at. */
async function summariesByRange(pages: readonly Uint8Array[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  const [meta] = await pg.query<{ lastrevmappage: number; pagesperrange: number }>(
    'SELECT * FROM brin_metapage_info($1)',
    [bytea(pages[0]!)],
  );
  const items = new Map<number, string[]>();
  for (let b = meta!.lastrevmappage + 1; b < pages.length; b++) {
    if (pageType(pages[b]!) === BRIN_PAGETYPE_REGULAR) items.set(b, await pgItems(pages[b]!));
  }
  for (let r = 1; r <= meta!.lastrevmappage; r++) {
    const tids = await pg.query<{ pages: string }>('SELECT pages::text FROM brin_revmap_data($1)', [
      bytea(pages[r]!),
    ]);
    tids.forEach((t, slot) => {
      const tid = parseTid(t.pages);
      if (tid.offset === 0) return;
      const start = ((r - 1) * REVMAP_PAGE_MAXITEMS + slot) * meta!.pagesperrange;
      out.set(
        start,
        (items.get(tid.block) ?? [])
          .filter((l) => l.startsWith(`${tid.offset} `))
          .map((l) => l.slice(l.indexOf(' ') + 1)),
      );
    });
  }
  return out;
}

/** A page with pd_lsn and pd_checksum zeroed. */
const masked = (p: Uint8Array) => {
  const c = p.slice();
  c.fill(0, 0, 10);
  return c;
};

describe('BRIN against PostgreSQL 15', () => {
  it("reads PostgreSQL's index as pageinspect does, and re-forms its tuples byte for byte", async () => {
    const pages = await pgIndexPages();
    const heap = await heapOf();
    const index = open(pages, heap);
    expect(checkIndex(index)).toEqual([]);
    const [m] = await pg.query<Record<string, unknown>>(
      `SELECT * FROM brin_metapage_info(get_raw_page('t_brin', 0))`,
    );
    const ours = index.meta();
    expect({
      magic: `0x${ours.magic.toString(16).toUpperCase()}`,
      version: ours.version,
      pagesperrange: ours.pagesPerRange,
      lastrevmappage: String(ours.lastRevmapPage),
    }).toEqual(m);
    let tuples = 0;
    for (let b = 0; b < pages.length; b++) {
      const [t] = await pg.query<{ t: string }>(
        `SELECT brin_page_type(get_raw_page('t_brin', $1)) AS t`,
        [b],
      );
      expect(TYPE_NAMES[pageType(pages[b]!)]).toBe(t!.t);
      if (t!.t === 'revmap') {
        const tids = await pg.query<{ pages: string }>(
          `SELECT pages::text FROM brin_revmap_data(get_raw_page('t_brin', $1))`,
          [b],
        );
        expect(tids.length).toBe(REVMAP_PAGE_MAXITEMS);
        tids.forEach((row, slot) => {
          const tid = revmapGet(pages[b]!, slot);
          expect(tid ? `(${tid.block},${tid.offset})` : '(0,0)').toBe(row.pages);
        });
      }
      if (t!.t === 'regular') {
        expect(ourItems(pages[b]!)).toEqual(await pgItems(pages[b]!));
        const p = Page.wrap(pages[b]!);
        for (let off = 1; off <= p.maxOffsetNumber; off++) {
          const item = p.item(off);
          if (!item || p.itemId(off).len === 0) continue;
          expect(bytea(formTuple(TYPES, deformTuple(TYPES, item)))).toEqual(bytea(item));
          tuples++;
        }
      }
    }
    expect(tuples).toBeGreaterThan(10);
  });

  it("builds PostgreSQL's pages from the same heap", async () => {
    const theirs = await pgIndexPages();
    const heap = await heapOf();
    const smgr = new MemorySmgr();
    const pool = new BufferPool({ smgr, sharedBuffers: 256 * BLCKSZ });
    const index = Brin.create({ pool, rel: REL, descriptor: DESCRIPTOR, heap, pagesPerRange: 2 });
    index.build(heap.rows);
    expect(checkIndex(index)).toEqual([]);
    const ours = Array.from({ length: index.nblocks() }, (_, b) => index.readCopy(b));
    expect(ours.length).toBe(theirs.length);
    for (let b = 0; b < ours.length; b++) {
      expect(bytea(masked(ours[b]!)).equals(bytea(masked(theirs[b]!))), `block ${b}`).toBe(true);
    }
    expect(await summariesByRange(ours)).toEqual(await summariesByRange(theirs));
  });

  it('agrees after desummarise, insert and summarize_new_values on both sides', async () => {
    const heap0 = await heapOf();
    const index = open(await pgIndexPages(), heap0);
    await pg.query(
      `SELECT brin_desummarize_range('t_brin', 4), brin_desummarize_range('t_brin', 9)`,
    );
    expect(index.desummarizeRange(4)).toBe(true);
    expect(index.desummarizeRange(9)).toBe(true);
    const added = await pg.query<{ ctid: string; a: number; b: string; c: number }>(
      `INSERT INTO t SELECT 5000 + i, repeat('y', 300) || i, -i FROM generate_series(1, 40) i
       RETURNING ctid::text AS ctid, a, b, c`,
    );
    const heap = await heapOf();
    heap0.rows = heap.rows;
    heap0.blocks = heap.blocks;
    for (const r of added) index.insert([r.a, r.b, r.c], parseTid(r.ctid));
    await pg.query(`SELECT brin_summarize_new_values('t_brin')`);
    index.summarizeNewValues();
    await pg.query('CHECKPOINT');
    expect(checkIndex(index)).toEqual([]);
    const ours = Array.from({ length: index.nblocks() }, (_, b) => index.readCopy(b));
    const theirs = await pgIndexPages();
    expect(await summariesByRange(ours)).toEqual(await summariesByRange(theirs));
  });

  it('marks a range with no rows as PostgreSQL does, byte for byte', async () => {
    await pg.query('CREATE TABLE e (a int4) WITH (autovacuum_enabled = off)');
    await pg.query('INSERT INTO e SELECT i FROM generate_series(1, 1500) i');
    await pg.query(`DELETE FROM e WHERE (ctid::text::point)[0] IN (2, 3)`);
    await pg.query('VACUUM e');
    await pg.query('CREATE INDEX e_brin ON e USING brin (a) WITH (pages_per_range = 2)');
    await pg.query('CHECKPOINT');
    const [r] = await pg.query<{ path: string }>(`SELECT pg_relation_filepath('e_brin') AS path`);
    const file = await pg.readDataFile(r!.path);
    const theirs: Uint8Array[] = [];
    for (let at = 0; at < file.length; at += BLCKSZ) theirs.push(file.slice(at, at + BLCKSZ));
    const rows = await pg.query<{ ctid: string; a: number }>('SELECT ctid::text AS ctid, a FROM e');
    const [size] = await pg.query<{ n: string }>(`SELECT pg_relation_size('e') / 8192 AS n`);
    const heap = new Heap(
      rows.map((x) => ({ tid: parseTid(x.ctid), values: [x.a] })),
      Number(size!.n),
    );
    const smgr = new MemorySmgr();
    const pool = new BufferPool({ smgr, sharedBuffers: 64 * BLCKSZ });
    const descriptor = { name: 'e_brin', keys: [{ name: 'a', type: int4 }] };
    const index = Brin.create({ pool, rel: REL, descriptor, heap, pagesPerRange: 2 });
    index.build(heap.rows);
    const ours = Array.from({ length: index.nblocks() }, (_, b) => index.readCopy(b));
    const infos = (pages: Uint8Array[]) => {
      const p = Page.wrap(pages[2]!);
      return Array.from({ length: p.maxOffsetNumber }, (_, k) => p.item(k + 1)![4]);
    };
    expect(infos(ours)).toEqual(infos(theirs));
    expect(ours.length).toBe(theirs.length);
    for (let b = 0; b < ours.length; b++) {
      expect(bytea(masked(ours[b]!)).equals(bytea(masked(theirs[b]!))), `block ${b}`).toBe(true);
    }
  });

  it('grows the revmap over regular pages (evacuating them) as PostgreSQL does', async () => {
    await pg.query('CREATE TABLE big (a int4) WITH (autovacuum_enabled = off, fillfactor = 10)');
    await pg.query('INSERT INTO big SELECT (i * 7919) % 100000 FROM generate_series(1, 40000) i');
    await pg.query('CREATE INDEX big_brin ON big USING brin (a) WITH (pages_per_range = 1)');
    await pg.query('CHECKPOINT');
    const [r] = await pg.query<{ path: string }>(`SELECT pg_relation_filepath('big_brin') AS path`);
    const file = await pg.readDataFile(r!.path);
    const theirs: Uint8Array[] = [];
    for (let at = 0; at < file.length; at += BLCKSZ) theirs.push(file.slice(at, at + BLCKSZ));
    const rows = await pg.query<{ ctid: string; a: number }>(
      'SELECT ctid::text AS ctid, a FROM big',
    );
    const [size] = await pg.query<{ n: string }>(`SELECT pg_relation_size('big') / 8192 AS n`);
    expect(Number(size!.n)).toBeGreaterThan(REVMAP_PAGE_MAXITEMS);
    const heap = new Heap(
      rows.map((x) => ({ tid: parseTid(x.ctid), values: [x.a] })),
      Number(size!.n),
    );
    const smgr = new MemorySmgr();
    const pool = new BufferPool({ smgr, sharedBuffers: 64 * BLCKSZ });
    const descriptor = { name: 'big_brin', keys: [{ name: 'a', type: int4 }] };
    const index = Brin.create({ pool, rel: REL, descriptor, heap, pagesPerRange: 1 });
    index.build(heap.rows);
    expect(index.stats.evacuated).toBeGreaterThan(0);
    expect(checkIndex(index)).toEqual([]);
    const ours = Array.from({ length: index.nblocks() }, (_, b) => index.readCopy(b));
    const metaOf = (page: Uint8Array) =>
      pg.query('SELECT * FROM brin_metapage_info($1)', [bytea(page)]);
    expect(await metaOf(ours[0]!)).toEqual(await metaOf(theirs[0]!));
    const summaries = async (pages: Uint8Array[], name: string) => {
      const out = new Map<number, string[]>();
      const [meta] = await pg.query<{ lastrevmappage: number }>(
        'SELECT * FROM brin_metapage_info($1)',
        [bytea(pages[0]!)],
      );
      const items = new Map<number, string[]>();
      for (let b = Number(meta!.lastrevmappage) + 1; b < pages.length; b++) {
        const rows = await pg.query<{ itemoffset: number; blknum: string; value: string }>(
          `SELECT itemoffset, blknum::text, value FROM brin_page_items($1, '${name}')`,
          [bytea(pages[b]!)],
        );
        items.set(
          b,
          rows.map((x) => `${x.itemoffset} ${x.blknum} ${x.value}`),
        );
      }
      for (let p = 1; p <= Number(meta!.lastrevmappage); p++) {
        const tids = await pg.query<{ pages: string }>(
          'SELECT pages::text FROM brin_revmap_data($1)',
          [bytea(pages[p]!)],
        );
        tids.forEach((t, slot) => {
          const tid = parseTid(t.pages);
          if (tid.offset === 0) return;
          const line = (items.get(tid.block) ?? []).find((l) => l.startsWith(`${tid.offset} `));
          out.set((p - 1) * REVMAP_PAGE_MAXITEMS + slot, [
            line?.slice(line.indexOf(' ') + 1) ?? 'missing',
          ]);
        });
      }
      return out;
    };
    const mine = await summaries(ours, 'big_brin');
    expect(mine.size).toBe(Number(size!.n));
    expect(mine).toEqual(await summaries(theirs, 'big_brin'));
  });

  it("builds PostgreSQL's range_inclusion_ops pages from the same heap, byte for byte", async () => {
    // ranges: an int4range column with empty ranges, NULLs and infinite bounds
    await pg.query('CREATE TABLE tr (r int4range, n int4) WITH (autovacuum_enabled = off)');
    await pg.query(`INSERT INTO tr SELECT
        CASE WHEN i % 23 = 0 THEN NULL
             WHEN i % 41 = 0 THEN 'empty'
             WHEN i % 97 = 0 THEN int4range(NULL, i)
             ELSE int4range(i * 3, i * 3 + i % 11, '[]') END,
        i
      FROM generate_series(1, 2000) i`);
    await pg.query('CREATE INDEX tr_brin ON tr USING brin (r, n) WITH (pages_per_range = 2)');
    await pg.query('CHECKPOINT');
    const [f] = await pg.query<{ path: string }>(`SELECT pg_relation_filepath('tr_brin') AS path`);
    const file = await pg.readDataFile(f!.path);
    const theirs: Uint8Array[] = [];
    for (let at = 0; at < file.length; at += BLCKSZ) theirs.push(file.slice(at, at + BLCKSZ));
    const int4range = builtins.typeByName('int4range')!;
    const tctx = defaultContext();
    const rows = await pg.query<{ ctid: string; r: string | null; n: number }>(
      'SELECT ctid::text AS ctid, r::text AS r, n FROM tr',
    );
    const [size] = await pg.query<{ n: string }>(`SELECT pg_relation_size('tr') / 8192 AS n`);
    const heap = new Heap(
      rows.map((row) => ({
        tid: parseTid(row.ctid),
        values: [row.r === null ? null : int4range.input(row.r, -1, tctx), row.n],
      })),
      Number(size!.n),
    );
    const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 256 * BLCKSZ });
    const index = Brin.create({
      pool,
      rel: REL,
      descriptor: {
        name: 'tr_brin',
        keys: [
          { name: 'r', type: int4range },
          { name: 'n', type: int4 },
        ],
      },
      heap,
      pagesPerRange: 2,
      opclasses: [rangeInclusionOps],
    });
    index.build(heap.rows);
    expect(checkIndex(index)).toEqual([]);
    const ours = Array.from({ length: index.nblocks() }, (_, b) => index.readCopy(b));
    expect(ours.length).toBe(theirs.length);
    for (let b = 0; b < ours.length; b++) {
      expect(bytea(masked(ours[b]!)).equals(bytea(masked(theirs[b]!))), `block ${b}`).toBe(true);
    }
    // and a summary as pageinspect prints it: {union|unmergeable|contains_empty}
    const [item] = await pg.query<{ value: string }>(
      `SELECT value FROM brin_page_items(get_raw_page('tr_brin', 2), 'tr_brin') WHERE attnum = 1 LIMIT 1`,
    );
    const first = index.summaryOf(0)!.summary.columns[0]!;
    expect(item!.value).toBe(
      `{${int4range.output(first.union, tctx)} .. ${first.unmergeable ? 't' : 'f'} .. ${first.containsEmpty ? 't' : 'f'}}`,
    );
  });
});
