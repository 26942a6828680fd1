/**
 * Byte compatibility with real PostgreSQL 15, through contrib's pageinspect:
 *
 * 1. pages built here are decoded by page_header() and heap_page_items() and
 *    checksummed by page_checksum() exactly as we decode and checksum them;
 * 2. pages written by PostgreSQL (a table after inserts, deletes, updates and
 *    VACUUM, read from its data file after CHECKPOINT) decode here with the
 *    same header and line pointers, and their checksums verify;
 * 3. the same compaction done here and by PostgreSQL gives the same bytes:
 *    heap pruning (PageRepairFragmentation) and B-tree vacuum
 *    (PageIndexMultiDelete / PageIndexTupleDelete).
 *
 * The reference server runs with data checksums on (see @pg/pg-reference).
 */

import {
  BLCKSZ,
  formatLsn,
  type ItemId,
  LP_DEAD,
  LP_NORMAL,
  LP_REDIRECT,
  LP_UNUSED,
  Page,
} from '@pg/page';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 120);

let pg: ReferencePostgres;
const tally = { built: 0, read: 0, linePointers: 0, compactions: 0 };

beforeAll(async () => {
  pg = await startReferencePostgres({ dataChecksums: true, extensions: ['pageinspect'] });
});

afterAll(async () => {
  await pg?.stop();
  console.log(
    `pageinspect comparison against PostgreSQL ${pg?.version}: ${tally.built} pages built here, ` +
      `${tally.read} pages written there, ${tally.linePointers} line pointers and ` +
      `${tally.compactions} compactions agreed`,
  );
});

// ------------------------------------------------------------------ helpers

type HeaderRow = {
  lsn: string;
  checksum: number;
  flags: number;
  lower: number;
  upper: number;
  special: number;
  pagesize: number;
  version: number;
  prune_xid: string;
};

type ItemRow = {
  lp: number;
  lp_off: number;
  lp_flags: number;
  lp_len: number;
  t_xmin: string | null;
  t_xmax: string | null;
  t_field3: number | null;
  t_ctid: string | null;
  t_infomask2: number | null;
  t_infomask: number | null;
  t_hoff: number | null;
  t_data: Buffer | null;
};

const asBytea = (page: Page) => Buffer.from(page.bytes.buffer, page.bytes.byteOffset, BLCKSZ);
const uint16 = (smallint: number) => (smallint + 65536) % 65536;

async function pageinspect(page: Page, blockNumber: number) {
  const raw = asBytea(page);
  const [header] = await pg.query<HeaderRow & { computed: number }>(
    'SELECT h.*, page_checksum($1, $2) AS computed FROM page_header($1) h',
    [raw, blockNumber],
  );
  const items = await pg.query<ItemRow>('SELECT * FROM heap_page_items($1) ORDER BY lp', [raw]);
  return { header: header!, items };
}

function expectHeaderAgrees(page: Page, h: HeaderRow): void {
  expect({
    lsn: h.lsn,
    checksum: uint16(h.checksum),
    flags: h.flags,
    lower: h.lower,
    upper: h.upper,
    special: h.special,
    pagesize: h.pagesize,
    version: h.version,
    prune_xid: String(h.prune_xid),
  }).toEqual({
    lsn: formatLsn(page.lsn),
    checksum: page.checksum,
    flags: page.flags,
    lower: page.lower,
    upper: page.upper,
    special: page.special,
    pagesize: page.pageSize,
    version: page.layoutVersion,
    prune_xid: String(page.pruneXid),
  });
}

function expectLinePointersAgree(page: Page, items: ItemRow[]): void {
  expect(items.map((r) => ({ off: r.lp_off, flags: r.lp_flags, len: r.lp_len }))).toEqual(
    page.itemIds(),
  );
  tally.linePointers += items.length;
}

/**
 * A heap-tuple-shaped item, so heap_page_items decodes its header:
 * t_xmin, t_xmax, t_cid, t_ctid (block hi/lo, offset), t_infomask2,
 * t_infomask (without HEAP_HASNULL / HEAP_HASOID_OLD), t_hoff = 24, data.
 */
const fakeTuple = fc
  .record({
    xmin: fc.nat(),
    xmax: fc.nat(),
    cid: fc.nat(),
    block: fc.nat(),
    posid: fc.nat({ max: 0xffff }),
    infomask2: fc.nat({ max: 0xffff }),
    infomask: fc.nat({ max: 0xffff }),
    data: fc.uint8Array({ maxLength: 300 }),
  })
  .map((t) => {
    const bytes = new Uint8Array(24 + t.data.length);
    const v = new DataView(bytes.buffer);
    v.setUint32(0, t.xmin, true);
    v.setUint32(4, t.xmax, true);
    v.setUint32(8, t.cid, true);
    v.setUint16(12, t.block >>> 16, true);
    v.setUint16(14, t.block & 0xffff, true);
    v.setUint16(16, t.posid, true);
    v.setUint16(18, t.infomask2, true);
    v.setUint16(20, t.infomask & ~0x0009, true);
    v.setUint8(22, 24);
    bytes.set(t.data, 24);
    return { ...t, infomask: t.infomask & ~0x0009, bytes };
  });
type FakeTuple = typeof fakeTuple extends fc.Arbitrary<infer T> ? T : never;

type BuildOp =
  | { op: 'tuple'; tuple: FakeTuple }
  | { op: 'raw'; bytes: Uint8Array }
  | { op: 'unused' | 'dead' | 'redirect'; at: number }
  | { op: 'repair' };

const buildOp: fc.Arbitrary<BuildOp> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('tuple' as const), tuple: fakeTuple }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('raw' as const),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 7 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom('unused' as const, 'dead' as const, 'redirect' as const),
      at: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('repair' as const) }) },
);

// -------------------------------------------------------------------- tests

describe('pages built by @pg/page, read by pageinspect', () => {
  it('agree field for field: header, line pointers, tuple headers, checksum', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(buildOp, { maxLength: 60 }),
        fc.record({
          lsn: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          pruneXid: fc.nat(),
          allVisible: fc.boolean(),
          blockNumber: fc.nat(),
          special: fc.constantFrom(0, 0, 8, 16),
          checksum: fc.boolean(),
        }),
        async (ops, h) => {
          const page = Page.create(h.special);
          const tuples = new Map<number, FakeTuple>();
          for (const step of ops) {
            const n = page.maxOffsetNumber;
            const at = n === 0 ? 0 : ('at' in step ? step.at % n : 0) + 1;
            switch (step.op) {
              case 'tuple': {
                const off = page.addItem(step.tuple.bytes, { isHeap: true });
                if (off !== undefined) tuples.set(off, step.tuple);
                break;
              }
              case 'raw': {
                const off = page.addItem(step.bytes, { isHeap: true });
                if (off !== undefined) tuples.delete(off);
                break;
              }
              case 'unused':
              case 'dead':
                if (at === 0) break;
                if (step.op === 'unused') page.setUnused(at);
                else page.setDead(at);
                tuples.delete(at);
                break;
              case 'redirect':
                if (n < 2) break;
                page.setRedirect(at, (at % n) + 1);
                tuples.delete(at);
                break;
              case 'repair':
                // Redirects may point at pointers that became unused: fine for
                // pageinspect, but repair would keep them; make them dead first.
                for (let i = 1; i <= n; i++) {
                  if (page.itemId(i).flags === LP_REDIRECT) page.setDead(i);
                }
                page.repairFragmentation();
                break;
            }
          }
          page.lsn = h.lsn;
          page.pruneXid = h.pruneXid;
          page.isAllVisible = h.allVisible;
          if (h.checksum) page.setChecksum(h.blockNumber);

          const { header, items } = await pageinspect(page, h.blockNumber);
          expectHeaderAgrees(page, header);
          expect(uint16(header.computed)).toBe(page.computeChecksum(h.blockNumber));
          expectLinePointersAgree(page, items);
          for (const [off, t] of tuples) {
            const row = items[off - 1]!;
            expect({
              t_xmin: row.t_xmin,
              t_xmax: row.t_xmax,
              t_field3: row.t_field3,
              t_ctid: row.t_ctid,
              t_infomask2: row.t_infomask2,
              t_infomask: row.t_infomask,
              t_hoff: row.t_hoff,
              t_data: row.t_data ? new Uint8Array(row.t_data) : null,
            }).toEqual({
              t_xmin: String(t.xmin),
              t_xmax: String(t.xmax),
              t_field3: t.cid | 0,
              t_ctid: `(${t.block},${t.posid})`,
              t_infomask2: t.infomask2,
              t_infomask: t.infomask,
              t_hoff: 24,
              t_data: t.data,
            });
          }
          tally.built++;
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** Reads every block of a relation from its data file (after a CHECKPOINT). */
async function relationBlocks(relation: string): Promise<Uint8Array[]> {
  await pg.query('CHECKPOINT');
  const [{ path }] = (await pg.query<{ path: string }>('SELECT pg_relation_filepath($1) AS path', [
    relation,
  ])) as [{ path: string }];
  const file = await pg.readDataFile(path);
  expect(file.length % BLCKSZ).toBe(0);
  const blocks: Uint8Array[] = [];
  for (let at = 0; at < file.length; at += BLCKSZ) blocks.push(file.slice(at, at + BLCKSZ));
  return blocks;
}

async function rawPage(relation: string, block: number): Promise<Page> {
  const [row] = await pg.query<{ p: Buffer }>('SELECT get_raw_page($1, $2) AS p', [
    relation,
    block,
  ]);
  return Page.wrap(new Uint8Array(row!.p));
}

describe('pages written by PostgreSQL, read by @pg/page', () => {
  it('decode with the same header and line pointers, and their checksums verify', async () => {
    const script = [
      'CREATE TABLE written (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = off)',
      'INSERT INTO written SELECT g, repeat(md5(g::text), 1 + g % 7) FROM generate_series(1, 2000) g',
      'DELETE FROM written WHERE id % 5 = 0',
      "UPDATE written SET note = 'short' WHERE id % 7 = 0",
      "UPDATE written SET note = note || 'x' WHERE id % 11 = 0",
      'VACUUM written',
      "INSERT INTO written SELECT g, 'again' FROM generate_series(2001, 2100) g",
      'DELETE FROM written WHERE id % 13 = 0',
    ];
    for (const sql of script) await pg.query(sql);
    const flagsSeen = new Set<number>();
    for (const relation of ['written', 'written_pkey']) {
      const blocks = await relationBlocks(relation);
      expect(blocks.length).toBeGreaterThan(relation === 'written' ? 10 : 3);
      for (const [blockNumber, bytes] of blocks.entries()) {
        // Page.read verifies the structure and the checksum, or throws.
        const slotted = blockNumber > 0 || relation === 'written'; // not the B-tree metapage
        const page = Page.read(bytes, { blockNumber, checksums: true, linePointers: slotted });
        expect(page.checksum).not.toBe(0);
        const { header, items } = await pageinspect(page, blockNumber);
        expectHeaderAgrees(page, header);
        expect(uint16(header.computed)).toBe(page.checksum);
        if (slotted) {
          expectLinePointersAgree(page, items);
          for (const lp of page.itemIds()) flagsSeen.add(lp.flags);
        }
        tally.read++;
      }
    }
    // The table went through deletes, HOT updates and vacuum: every kind of line pointer.
    expect([...flagsSeen].sort()).toEqual([LP_UNUSED, LP_NORMAL, LP_REDIRECT]);
  });
});

describe('compaction matches PostgreSQL byte for byte', () => {
  it('heap pruning: VACUUM and PageRepairFragmentation give the same page', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 10, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 15 }),
        fc.array(fc.nat(), { maxLength: 15 }),
        async (pads, deletes, updates) => {
          await pg.query('DROP TABLE IF EXISTS pruned');
          await pg.query('CREATE TABLE pruned (id int, pad text) WITH (autovacuum_enabled = off)');
          await pg.query(
            'INSERT INTO pruned SELECT i, repeat($2, n) FROM unnest($1::int[]) WITH ORDINALITY u(n, i)',
            [pads, 'p'],
          );
          for (const d of deletes)
            await pg.query('DELETE FROM pruned WHERE id = $1', [(d % pads.length) + 1]);
          for (const u of updates) {
            await pg.query('UPDATE pruned SET pad = pad || $2 WHERE id = $1', [
              (u % pads.length) + 1,
              'u',
            ]);
          }
          const before = await rawPage('pruned', 0);
          await pg.query('VACUUM pruned');
          const after = await rawPage('pruned', 0);

          // Replay VACUUM's decisions (read off `after`) with @pg/page:
          // pruning marks pointers, PageRepairFragmentation compacts, then the
          // second heap pass turns LP_DEAD into LP_UNUSED and truncates.
          const page = Page.wrap(before.bytes.slice());
          const secondPass: number[] = [];
          for (let n = 1; n <= before.maxOffsetNumber; n++) {
            const target: ItemId =
              n <= after.maxOffsetNumber ? after.itemId(n) : { off: 0, flags: LP_UNUSED, len: 0 };
            const was = page.itemId(n);
            if (target.flags === LP_REDIRECT) page.setRedirect(n, target.off);
            else if (target.flags === LP_DEAD) page.setDead(n);
            else if (target.flags === LP_UNUSED && was.flags === LP_NORMAL) {
              const heapOnly = (page.mustItem(n)[19]! & 0x80) !== 0; // HEAP_ONLY_TUPLE
              if (heapOnly) page.setUnused(n);
              else {
                page.setDead(n);
                secondPass.push(n);
              }
            } else if (target.flags === LP_UNUSED && was.flags === LP_REDIRECT) {
              page.setDead(n);
              secondPass.push(n);
            }
          }
          page.repairFragmentation();
          if (secondPass.length > 0) {
            for (const n of secondPass) page.setUnused(n);
            page.truncateLinePointerArray();
          }

          expect(page.itemIds()).toEqual(after.itemIds());
          expect([page.lower, page.upper, page.hasFreeLinePointers]).toEqual([
            after.lower,
            after.upper,
            after.hasFreeLinePointers,
          ]);
          // Item bytes agree except t_infomask, where VACUUM sets hint bits.
          for (let n = 1; n <= after.maxOffsetNumber; n++) {
            const ours = page.item(n)?.slice();
            const theirs = after.item(n)?.slice();
            if (ours && theirs) {
              ours.fill(0, 20, 22);
              theirs.fill(0, 20, 22);
            }
            expect(ours).toEqual(theirs);
          }
          tally.compactions++;
        },
      ),
      { numRuns: Math.max(8, Math.floor(RUNS / 3)) },
    );
  });

  it('B-tree vacuum: PageIndexMultiDelete gives the same leaf page', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(
          Array.from({ length: 150 }, (_, i) => i + 1),
          { minLength: 150 },
        ),
        fc.uniqueArray(fc.integer({ min: 1, max: 150 }), { minLength: 1, maxLength: 60 }),
        async (insertOrder, deleted) => {
          await pg.query('DROP TABLE IF EXISTS indexed');
          await pg.query('CREATE TABLE indexed (id int) WITH (autovacuum_enabled = off)');
          await pg.query('CREATE INDEX indexed_id ON indexed (id)');
          await pg.query('INSERT INTO indexed SELECT unnest($1::int[])', [insertOrder]);
          const before = await rawPage('indexed_id', 1);
          const items = await pg.query<{ itemoffset: number; ctid: string }>(
            "SELECT itemoffset, ctid::text AS ctid FROM bt_page_items('indexed_id', 1)",
          );
          const ctids = await pg.query<{ ctid: string }>(
            'SELECT ctid::text AS ctid FROM indexed WHERE id = ANY($1)',
            [deleted],
          );
          const gone = new Set(ctids.map((r) => r.ctid));
          const offsets = items.filter((r) => gone.has(r.ctid)).map((r) => r.itemoffset);
          expect(offsets.length).toBe(deleted.length);

          await pg.query('DELETE FROM indexed WHERE id = ANY($1)', [deleted]);
          await pg.query('VACUUM (INDEX_CLEANUP ON) indexed');
          const after = await rawPage('indexed_id', 1);

          const page = Page.wrap(before.bytes.slice());
          page.indexMultiDelete(offsets.sort((a, b) => a - b));
          expect(page.itemIds()).toEqual(after.itemIds());
          expect([page.lower, page.upper]).toEqual([after.lower, after.upper]);
          expect(page.bytes.subarray(page.upper, page.special)).toEqual(
            after.bytes.subarray(after.upper, after.special),
          );
          tally.compactions++;
        },
      ),
      { numRuns: Math.max(8, Math.floor(RUNS / 3)) },
    );
  });
});
