/**
 * Compatibility of @pg/heap's tuples with real PostgreSQL 15, through
 * contrib's pageinspect (the reference server runs with data checksums on):
 *
 * 1. Pages built here — tuples with every kind of header (xmin committed,
 *    aborted or frozen; xmax set by a delete, an update elsewhere, a HOT
 *    update, locks of each strength and a multixact; heap-only tuples;
 *    ctids pointing elsewhere; NULLs with one- and two-byte bitmaps; no
 *    columns at all; redirect and dead line pointers), then random rows
 *    with random headers — are read by heap_page_items(page bytea) with
 *    the same lp, lp_off, lp_flags, lp_len, t_xmin, t_xmax, t_field3,
 *    t_ctid, t_infomask2, t_infomask, t_hoff, t_bits and t_data, and
 *    heap_tuple_infomask_flags names their bits as infomaskFlagNames does.
 * 2. A table written by PostgreSQL (twelve column types, NULLs, a column
 *    added later without a default, HOT updates making a chain, a non-HOT
 *    update, deletes, no VACUUM), read raw from its file after CHECKPOINT:
 *    every tuple's header is what heap_page_items reports for the same
 *    page bytes, and every row `SELECT ctid, *` returns is what
 *    deformHeapTuple decodes at that ctid.
 * 3. A table file written by PostgreSQL with HOT chains, redirects (left by
 *    VACUUM's pruning), a STORAGE MAIN column compressed inline with pglz,
 *    deleted rows and rows of an aborted, an in-progress and a
 *    committed-after-the-snapshot transaction, scanned here by Heap (the
 *    file in a MemorySmgr, commit statuses from PostgreSQL's pg_xact, the
 *    reader's pg_current_snapshot()): the same visible rows, ctids and
 *    values as SELECT ctid, * in that snapshot; fetch from each redirect
 *    root finds the version SELECT saw.
 */
import { formatTid, type Tid } from '@pg/access';
import {
  addHeapTuple,
  attributeSpans,
  deformHeapTuple,
  formHeapTuple,
  HEAP_HASVARWIDTH,
  HEAP_HOT_UPDATED,
  HEAP_KEYS_UPDATED,
  HEAP_ONLY_TUPLE,
  HEAP_UPDATED,
  HEAP_XMAX_COMMITTED,
  HEAP_XMAX_EXCL_LOCK,
  HEAP_XMAX_INVALID,
  HEAP_XMAX_IS_MULTI,
  HEAP_XMAX_KEYSHR_LOCK,
  HEAP_XMAX_LOCK_ONLY,
  HEAP_XMAX_SHR_LOCK,
  HEAP_XMIN_COMMITTED,
  HEAP_XMIN_FROZEN,
  HEAP_XMIN_INVALID,
  Heap,
  type HeapTupleFields,
  infomaskFlagNames,
  putHeapTuple,
  readHeapTupleHeader,
  xmaxIsExclLocked,
  xmaxIsKeyShrLocked,
  xmaxIsLockedOnly,
  xmaxIsShrLocked,
  xminFrozen,
} from '@pg/heap';
import { checkHeapTuple } from '@pg/heap/testing';
import {
  Clog,
  MemorySlruStore,
  type Snapshot,
  TRANSACTION_STATUS_ABORTED,
  TRANSACTION_STATUS_COMMITTED,
  TRANSACTION_STATUS_IN_PROGRESS,
  type TransactionLog,
  type VisibilityContext,
} from '@pg/mvcc';
import { BLCKSZ, LP_NORMAL, LP_REDIRECT, Page } from '@pg/page';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { BufferPool, ForkNumber, MemorySmgr } from '@pg/storage';
import { type AnyPgType, builtins, defaultContext, type TypeContext } from '@pg/types';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RUNS = Math.max(10, Math.floor(Number(process.env.PG_PROPERTY_RUNS ?? 150) / 5));

function typ(name: string): AnyPgType {
  const t = builtins.typeByName(name);
  if (!t) throw new Error(`no type ${name}`);
  return t;
}

let pg: ReferencePostgres;
let ctx: TypeContext = defaultContext();

beforeAll(async () => {
  pg = await startReferencePostgres();
  const [row] = await pg.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz");
  ctx = defaultContext({ timeZone: row!.tz });
});

afterAll(async () => {
  await pg?.stop();
});

interface PgItem {
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
  t_bits: string | null;
  t_data: Buffer | null;
  raw_flags: string[] | null;
  combined_flags: string[] | null;
}

/** heap_page_items and heap_tuple_infomask_flags of a page, given as bytea. */
async function pageItems(bytes: Uint8Array): Promise<PgItem[]> {
  return pg.query<PgItem & Record<string, unknown>>(
    `SELECT i.lp, i.lp_off, i.lp_flags, i.lp_len, i.t_xmin::text, i.t_xmax::text, i.t_field3,
            i.t_ctid::text, i.t_infomask2, i.t_infomask, i.t_hoff, i.t_bits, i.t_data,
            f.raw_flags, f.combined_flags
       FROM heap_page_items($1::bytea) i
       LEFT JOIN LATERAL heap_tuple_infomask_flags(i.t_infomask, i.t_infomask2) f ON true
      ORDER BY i.lp`,
    [Buffer.from(bytes)],
  );
}

/** What heap_page_items should say of each line pointer of `page`, from our reading of it. */
function ourItems(page: Page): PgItem[] {
  return page.itemIds().map((id, i) => {
    const base = { lp: i + 1, lp_off: id.off, lp_flags: id.flags, lp_len: id.len };
    if (id.flags !== LP_NORMAL || id.len === 0) {
      return {
        ...base,
        t_xmin: null,
        t_xmax: null,
        t_field3: null,
        t_ctid: null,
        t_infomask2: null,
        t_infomask: null,
        t_hoff: null,
        t_bits: null,
        t_data: null,
        raw_flags: null,
        combined_flags: null,
      };
    }
    const bytes = page.mustItem(i + 1);
    const h = readHeapTupleHeader(bytes);
    const names = infomaskFlagNames(h.infomask, h.infomask2);
    let bits: string | null = null;
    if (h.nullBitmap) {
      bits = '';
      for (let b = 0; b < h.nullBitmap.length * 8; b++) {
        bits += (h.nullBitmap[b >> 3]! >> (b & 7)) & 1 ? '1' : '0';
      }
    }
    return {
      ...base,
      t_xmin: String(h.xmin),
      t_xmax: String(h.xmax),
      t_field3: h.field3 | 0,
      t_ctid: formatTid(h.ctid),
      t_infomask2: h.infomask2,
      t_infomask: h.infomask,
      t_hoff: h.hoff,
      t_bits: bits,
      t_data: Buffer.from(bytes.subarray(h.hoff)),
      raw_flags: names.raw,
      combined_flags: names.combined,
    };
  });
}

describe('pages built here, read by pageinspect', () => {
  it('heap_page_items reads tuples with every kind of header as we do', async () => {
    const int4 = typ('int4');
    const text = typ('text');
    const two = [int4, text];
    const ten = [
      int4,
      text,
      typ('int8'),
      typ('bool'),
      typ('float8'),
      text,
      int4,
      text,
      int4,
      typ('numeric'),
    ];
    const numeric = typ('numeric').input('12345.678', -1, ctx);
    const page = Page.create();
    const put = (types: AnyPgType[], values: unknown[], fields: HeapTupleFields) => {
      const tid = putHeapTuple(page, 0, formHeapTuple(types, values, fields));
      if (!tid) throw new Error('page is full');
      return tid;
    };
    const committed = HEAP_XMIN_COMMITTED;
    put(two, [1, 'inserted, committed'], { xmin: 700, infomask: committed | HEAP_XMAX_INVALID });
    put(two, [2, null], { xmin: 701, infomask: HEAP_XMIN_INVALID | HEAP_XMAX_INVALID });
    put(two, [null, null], { xmin: 702, cid: 5 });
    put(two, [3, 'frozen'], { xmin: 703, infomask: HEAP_XMIN_FROZEN | HEAP_XMAX_INVALID });
    // Deleted, by a committed transaction.
    put(two, [4, 'deleted'], {
      xmin: 704,
      xmax: 800,
      infomask: committed | HEAP_XMAX_COMMITTED,
      infomask2: HEAP_KEYS_UPDATED,
    });
    // Updated to another page: ctid points there.
    const moved = put(two, [5, 'updated elsewhere'], {
      xmin: 705,
      xmax: 801,
      cid: 2,
      infomask: committed,
    });
    expect(moved.offset).toBe(6);
    // A HOT chain: 7 -> 8, the new version heap-only.
    const root = formHeapTuple(two, [6, 'hot root'], {
      xmin: 706,
      xmax: 802,
      ctid: { block: 0, offset: 8 },
      infomask: committed,
      infomask2: HEAP_HOT_UPDATED,
    });
    expect(addHeapTuple(page, root)).toBe(7);
    put(two, [6, 'hot root, updated'], {
      xmin: 802,
      infomask: HEAP_UPDATED | HEAP_XMAX_INVALID,
      infomask2: HEAP_ONLY_TUPLE,
    });
    // Locks of each strength, and a multixact of lockers.
    put(two, [7, 'for update'], {
      xmin: 707,
      xmax: 803,
      infomask: committed | HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_EXCL_LOCK,
      infomask2: HEAP_KEYS_UPDATED,
    });
    put(two, [8, 'for share'], {
      xmin: 708,
      xmax: 804,
      infomask: committed | HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_SHR_LOCK,
    });
    put(two, [9, 'for key share'], {
      xmin: 709,
      xmax: 805,
      infomask: committed | HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_KEYSHR_LOCK,
    });
    put(two, [10, 'multi'], {
      xmin: 710,
      xmax: 3,
      infomask: committed | HEAP_XMAX_IS_MULTI | HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_SHR_LOCK,
    });
    // Ten columns with NULLs: a two-byte bitmap, t_hoff 32; none null; no columns at all.
    put(ten, [1, null, 3n, true, null, 'x'.repeat(200), null, 'y', 9, numeric], {
      xmin: 711,
      xmax: 0xfffffff0,
      cid: 0x80000001,
      infomask: committed | HEAP_XMAX_INVALID,
    });
    put(ten, [1, 'a', 3n, false, 1.5, 'b', 2, 'c', 9, numeric], { xmin: 712 });
    put([], [], { xmin: 713, infomask: HEAP_XMAX_INVALID });
    // Redirect and dead line pointers.
    put(two, [11, 'to be pruned'], { xmin: 714 });
    put(two, [12, 'to be dead'], { xmin: 715 });
    page.setRedirect(16, 8);
    page.setDead(17);

    for (const off of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15]) {
      const types = off === 15 ? [] : off >= 13 ? ten : two;
      expect(checkHeapTuple(types, page.mustItem(off))).toEqual([]);
    }
    const theirs = await pageItems(page.bytes);
    expect(theirs).toHaveLength(17);
    expect(theirs).toEqual(ourItems(page));
    // A few by hand, so the comparison above is not only ours against ours.
    expect(theirs[0]).toMatchObject({ t_xmin: '700', t_ctid: '(0,1)', t_hoff: 24, t_bits: null });
    expect(theirs[1]).toMatchObject({
      t_bits: '10000000',
      raw_flags: expect.arrayContaining(['HEAP_HASNULL', 'HEAP_XMIN_INVALID']),
    });
    expect(theirs[3]!.combined_flags).toEqual(['HEAP_XMIN_FROZEN']);
    expect(theirs[6]).toMatchObject({ t_ctid: '(0,8)', t_infomask2: HEAP_HOT_UPDATED | 2 });
    expect(theirs[7]!.raw_flags).toContain('HEAP_ONLY_TUPLE');
    expect(theirs[9]!.combined_flags).toEqual(['HEAP_XMAX_SHR_LOCK']);
    expect(theirs[12]).toMatchObject({
      t_hoff: 32,
      t_bits: '1011010111000000',
      t_xmax: String(0xfffffff0),
      t_field3: 0x80000001 | 0,
    });
    expect(theirs[14]).toMatchObject({ lp_len: 24, t_hoff: 24, t_infomask2: 0 });
    expect(theirs[15]).toMatchObject({ lp_flags: 2, lp_off: 8, t_xmin: null });
    expect(theirs[16]).toMatchObject({ lp_flags: 3, t_xmin: null });
    expect(theirs[2]!.raw_flags).toEqual(['HEAP_HASNULL']);
    expect(HEAP_HASVARWIDTH).toBe(2);
    expect(xminFrozen(theirs[3]!.t_infomask!)).toBe(true);
  });

  it('random rows with random headers, page after page, read the same', async () => {
    const pool = [
      'int2',
      'int4',
      'int8',
      'float8',
      'bool',
      'text',
      'numeric',
      'uuid',
      'bytea',
      'timestamp',
    ].map(typ);
    const literal: Record<string, fc.Arbitrary<string>> = {
      int2: fc.integer({ min: -32768, max: 32767 }).map(String),
      int4: fc.integer().map(String),
      int8: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
      float8: fc.double({ noNaN: true }).map(String),
      bool: fc.constantFrom('t', 'f'),
      text: fc
        .string({ unit: 'grapheme-ascii', maxLength: 300 })
        .filter((s) => !s.includes('\u0000')),
      numeric: fc.integer().map((i) => `${i}.${Math.abs(i % 1000)}`),
      uuid: fc.uuid(),
      bytea: fc.uint8Array({ maxLength: 200 }).map((b) => `\\x${Buffer.from(b).toString('hex')}`),
      timestamp: fc.constantFrom('2024-02-29 12:34:56.789', 'infinity', '1900-01-01 00:00:00'),
    };
    const rowArb = fc
      .array(fc.integer({ min: 0, max: pool.length - 1 }), { maxLength: 20 })
      .chain((idx) =>
        fc.tuple(
          fc.constant(idx.map((i) => pool[i]!)),
          fc.tuple(
            ...idx.map((i) => fc.option(literal[pool[i]!.name]!, { nil: null })),
          ) as fc.Arbitrary<Array<string | null>>,
          fc
            .record({
              xmin: fc.nat({ max: 0xffffffff }),
              xmax: fc.nat({ max: 0xffffffff }),
              cid: fc.nat({ max: 0xffffffff }),
              ctid: fc.record({
                block: fc.nat({ max: 0xffffffff }),
                offset: fc.nat({ max: 0xffff }),
              }),
              infomask: fc.nat({ max: 0xffff }).map((m) => m & 0xfff0),
              infomask2: fc.nat({ max: 7 }).map((m) => m << 13),
            })
            // Leave out the combination readHeapTupleHeader refuses (H6).
            .map((f) => ({
              ...f,
              infomask:
                f.infomask & HEAP_XMAX_IS_MULTI ? f.infomask & ~HEAP_XMAX_COMMITTED : f.infomask,
            })),
        ),
      );
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 60 }), async (rows) => {
        const page = Page.create();
        for (const [types, literals, fields] of rows) {
          const values = literals.map((l, i) => (l === null ? null : types[i]!.input(l, -1, ctx)));
          if (addHeapTuple(page, formHeapTuple(types, values, fields)) === undefined) break;
        }
        expect(await pageItems(page.bytes)).toEqual(ourItems(page));
      }),
      { numRuns: RUNS },
    );
  });
});

describe("PostgreSQL's own table file, read here", () => {
  it('every tuple header matches heap_page_items and every visible row matches SELECT ctid, *', async () => {
    const columns: ReadonlyArray<readonly [string, string]> = [
      ['id', 'int4'],
      ['a', 'text'],
      ['b', 'int8'],
      ['c', 'numeric'],
      ['d', 'timestamp'],
      ['e', 'uuid'],
      ['f', 'jsonb'],
      ['g', 'bytea'],
      ['h', 'int4[]'],
      ['i', 'bool'],
      ['j', 'float8'],
      ['k', 'varchar(20)'],
    ];
    const typnames = [
      'int4',
      'text',
      'int8',
      'numeric',
      'timestamp',
      'uuid',
      'jsonb',
      'bytea',
      '_int4',
      'bool',
      'float8',
      'varchar',
      'int2',
    ];
    await pg.query(
      `CREATE TABLE t (${columns.map(([n, s]) => `${n} ${s}`).join(', ')}) WITH (autovacuum_enabled = off, fillfactor = 70)`,
    );
    await pg.query('ALTER TABLE t ADD PRIMARY KEY (id)');
    // An open snapshot holds the xmin horizon back, so no page is pruned behind our back.
    const holder = await pg.connect();
    await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await holder.query('SELECT 1');
    await pg.query(`
      INSERT INTO t SELECT g,
        CASE WHEN g % 5 = 0 THEN NULL WHEN g % 7 = 0 THEN repeat('long-', 40 + g % 30) ELSE 'row ' || g END,
        CASE WHEN g % 3 = 0 THEN NULL ELSE g * 1000000007::int8 END,
        CASE WHEN g % 4 = 0 THEN NULL ELSE (g * 3.14159)::numeric(20, 5) END,
        CASE WHEN g % 6 = 0 THEN NULL ELSE '2024-02-29 12:00'::timestamp + g * interval '1 hour 1 second' END,
        CASE WHEN g % 8 = 0 THEN NULL ELSE md5(g::text)::uuid END,
        CASE WHEN g % 9 = 0 THEN NULL ELSE jsonb_build_object('g', g, 'tags', jsonb_build_array('x', g % 3, null)) END,
        CASE WHEN g % 10 = 0 THEN NULL ELSE decode(repeat(to_hex(g), 1 + g % 4), 'escape') END,
        CASE WHEN g % 11 = 0 THEN NULL ELSE ARRAY[g, NULL, -g] END,
        CASE WHEN g % 2 = 0 THEN NULL ELSE g % 4 = 1 END,
        CASE WHEN g % 13 = 0 THEN NULL ELSE g / 7.0::float8 END,
        CASE WHEN g % 12 = 0 THEN NULL ELSE 'v' || g END
      FROM generate_series(1, 150) g`);
    // A column added without a default: the rows above have 12 attributes, the rows below 13.
    await pg.query('ALTER TABLE t ADD COLUMN z int2');
    await pg.query(`INSERT INTO t (id, a, z) SELECT g, 'late ' || g, CASE WHEN g % 2 = 0 THEN g END
                    FROM generate_series(151, 170) g`);
    // HOT updates (no indexed column changes) make chains; a key update is not HOT; deletes.
    await pg.query("UPDATE t SET a = a || ' (hot)' WHERE id IN (3, 161)");
    await pg.query("UPDATE t SET a = 'twice hot', z = 7 WHERE id = 3");
    await pg.query('UPDATE t SET id = 1000 WHERE id = 4');
    await pg.query('DELETE FROM t WHERE id IN (5, 6, 162)');
    // Row locks of each strength, by committed transactions: lock-only xmax bits.
    await pg.query('SELECT 1 FROM t WHERE id = 7 FOR UPDATE');
    await pg.query('SELECT 1 FROM t WHERE id = 8 FOR NO KEY UPDATE');
    await pg.query('SELECT 1 FROM t WHERE id = 9 FOR SHARE');
    await pg.query('SELECT 1 FROM t WHERE id = 10 FOR KEY SHARE');
    // Every value in the type's text output form (the wire's text format), not parsed by pg.
    const reader = await pg.connect();
    const { rows: selected } = await reader.query<Record<string, string | null>>({
      text: 'SELECT ctid, * FROM t',
      types: { getTypeParser: () => (value: string) => value },
    });
    await reader.end();
    await pg.query('CHECKPOINT');
    await holder.query('COMMIT');
    await holder.end();
    const [r] = await pg.query<{ path: string }>("SELECT pg_relation_filepath('t') AS path");
    const file = await pg.readDataFile(r!.path);
    expect(file.length % BLCKSZ).toBe(0);
    const types = typnames.map(typ);

    const tuples = new Map<string, Uint8Array>();
    let hotUpdated = 0;
    let heapOnly = 0;
    let deleted = 0;
    let short = 0;
    for (let block = 0; block < file.length / BLCKSZ; block++) {
      const bytes = file.slice(block * BLCKSZ, (block + 1) * BLCKSZ);
      const page = Page.read(bytes, { blockNumber: block, checksums: true, linePointers: true });
      expect(await pageItems(bytes)).toEqual(ourItems(page));
      for (const [i, id] of page.itemIds().entries()) {
        if (id.flags !== LP_NORMAL) continue;
        const item = page.mustItem(i + 1);
        const h = readHeapTupleHeader(item);
        expect(checkHeapTuple(types.slice(0, h.natts), item)).toEqual([]);
        if (h.infomask2 & HEAP_HOT_UPDATED) hotUpdated++;
        if (h.infomask2 & HEAP_ONLY_TUPLE) heapOnly++;
        if (h.xmax !== 0 && !(h.infomask & HEAP_XMAX_INVALID)) deleted++;
        if (h.natts === 12) short++;
        tuples.set(`(${block},${i + 1})`, item);
      }
    }
    expect(hotUpdated).toBeGreaterThanOrEqual(3);
    expect(heapOnly).toBeGreaterThanOrEqual(3);
    expect(deleted).toBeGreaterThanOrEqual(7);
    expect(short).toBeGreaterThan(100);

    // The lockers' bits, as PostgreSQL set them, read by our predicates.
    const byId = new Map(
      selected.map((row) => [row.id, readHeapTupleHeader(tuples.get(row.ctid!)!)]),
    );
    const lock = (id: string) => {
      const h = byId.get(id)!;
      return {
        lockedOnly: xmaxIsLockedOnly(h.infomask),
        excl: xmaxIsExclLocked(h.infomask),
        shr: xmaxIsShrLocked(h.infomask),
        keyShr: xmaxIsKeyShrLocked(h.infomask),
        keysUpdated: (h.infomask2 & HEAP_KEYS_UPDATED) !== 0,
      };
    };
    const no = { lockedOnly: true, excl: false, shr: false, keyShr: false, keysUpdated: false };
    expect(lock('7')).toEqual({ ...no, excl: true, keysUpdated: true }); // FOR UPDATE
    expect(lock('8')).toEqual({ ...no, excl: true }); // FOR NO KEY UPDATE
    expect(lock('9')).toEqual({ ...no, shr: true }); // FOR SHARE
    expect(lock('10')).toEqual({ ...no, keyShr: true }); // FOR KEY SHARE
    expect(lock('11').lockedOnly).toBe(false);

    expect(selected).toHaveLength(170 - 3);
    for (const row of selected) {
      const item = tuples.get(row.ctid!);
      expect(item, row.ctid!).toBeDefined();
      const values = deformHeapTuple(types, item!);
      const ours = values.map((v, i) => (v === null ? null : types[i]!.output(v, ctx)));
      const { ctid: _, ...theirs } = row;
      expect(ours, row.ctid!).toEqual(Object.values(theirs));
    }
  });
});

/** Every normal tuple of the heap's pages, with its attributes' places. */
function* tuplesOf(heap: Heap) {
  for (let block = 0; block < heap.nblocks(); block++) {
    const page = Page.read(heap.readCopy(block), { blockNumber: block, checksums: true });
    for (const [i, id] of page.itemIds().entries()) {
      if (id.flags !== LP_NORMAL) continue;
      const item = page.mustItem(i + 1).slice();
      const h = readHeapTupleHeader(item);
      const spans = attributeSpans(heap.types, item.subarray(h.hoff), h.nullBitmap, h.natts);
      yield { tid: { block, offset: i + 1 }, item, hoff: h.hoff, spans };
    }
  }
}

/** '(block,offset)' as PostgreSQL prints a tid. */
function parseTidText(text: string): Tid {
  const m = /^\((\d+),(\d+)\)$/.exec(text);
  if (!m) throw new Error(`not a tid: ${text}`);
  return { block: Number(m[1]), offset: Number(m[2]) };
}

describe("PostgreSQL's table file scanned by Heap", () => {
  it('HOT chains, redirects, a compressed value, deleted, aborted and in-progress rows: the same visible rows as SELECT ctid, *', async () => {
    await pg.query(
      `CREATE TABLE s (id int4 PRIMARY KEY, n int8, note text, big text COMPRESSION pglz, f float8,
                       amount numeric, flag bool, d date) WITH (autovacuum_enabled = off, fillfactor = 60)`,
    );
    // STORAGE MAIN: a value too big for the tuple is compressed inline, never moved out of line.
    await pg.query('ALTER TABLE s ALTER COLUMN big SET STORAGE MAIN');
    await pg.query(`
      INSERT INTO s SELECT g, g * 10, 'note ' || g,
        CASE WHEN g % 4 = 0 THEN repeat(md5(g::text), 128) WHEN g % 4 = 1 THEN NULL ELSE 'small ' || g END,
        CASE WHEN g % 5 = 0 THEN NULL ELSE g / 3.0::float8 END,
        (g * 1.25)::numeric(12, 2), g % 2 = 0, date '2024-02-28' + g
      FROM generate_series(1, 240) g`);
    // HOT updates (n is not indexed), then VACUUM prunes the dead roots into redirects.
    await pg.query('UPDATE s SET n = n + 1 WHERE id % 3 = 0');
    await pg.query('UPDATE s SET n = n + 1, note = note || $1 WHERE id % 6 = 0', [' twice']);
    await pg.query('VACUUM s');
    // More HOT updates: chains that now start at a redirect.
    await pg.query("UPDATE s SET note = note || ' after vacuum' WHERE id % 12 = 0");
    // A non-HOT update (key change) and deletes, committed.
    await pg.query('UPDATE s SET id = id + 1000 WHERE id IN (7, 8)');
    await pg.query('DELETE FROM s WHERE id IN (10, 11, 13, 36)');
    // An aborted transaction: an insert, a HOT update and a delete that never happened.
    await pg.query(`BEGIN;
      INSERT INTO s (id, n, note, big) VALUES (5000, 1, 'aborted', repeat('z', 4000));
      UPDATE s SET note = 'aborted update' WHERE id IN (24, 25);
      DELETE FROM s WHERE id = 26;
      ROLLBACK`);
    // One transaction left in progress, one that commits after the snapshot is taken.
    const open = await pg.connect();
    const late = await pg.connect();
    const reader = await pg.connect();
    try {
      await open.query('BEGIN');
      await open.query(
        "INSERT INTO s (id, n, note, big) VALUES (6000, 2, 'in progress', repeat('y', 4000))",
      );
      await open.query("UPDATE s SET note = 'in progress update' WHERE id IN (48, 49)");
      await open.query('DELETE FROM s WHERE id = 50');
      await late.query('BEGIN');
      await late.query("UPDATE s SET note = 'committed later' WHERE id IN (60, 61)");
      await late.query("INSERT INTO s (id, note) VALUES (7000, 'committed later')");

      // A commit after theirs, so both are below the snapshot's xmax, in its xip.
      await pg.query("UPDATE s SET note = 'committed before the snapshot' WHERE id = 96");
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const snap = (
        await reader.query<{ xmin: string; xmax: string; xip: string[] }>(
          `SELECT pg_snapshot_xmin(s)::text AS xmin, pg_snapshot_xmax(s)::text AS xmax,
                  array(SELECT x::text FROM pg_snapshot_xip(s) AS x) AS xip
             FROM pg_current_snapshot() AS s`,
        )
      ).rows[0]!;
      const { rows: selected } = await reader.query<Record<string, string | null>>({
        text: 'SELECT ctid, * FROM s',
        types: { getTypeParser: () => (value: string) => value },
      });
      const { rows: compression } = await reader.query<{ c: string | null }>(
        'SELECT pg_column_compression(big) AS c FROM s WHERE length(big) > 1000',
      );
      await reader.query('COMMIT');
      await late.query('COMMIT');
      await pg.query('CHECKPOINT');

      const [r] = await pg.query<{ path: string }>("SELECT pg_relation_filepath('s') AS path");
      const file = await pg.readDataFile(r!.path);
      const store = new MemorySlruStore();
      store.putFile('0000', await pg.readDataFile('pg_xact/0000'));
      const clog = new Clog({ store });
      const status = (xid: number) =>
        xid === 1 || xid === 2 ? TRANSACTION_STATUS_COMMITTED : clog.getStatus(xid);
      const log: TransactionLog = {
        didCommit: (xid) => status(xid) === TRANSACTION_STATUS_COMMITTED,
        didAbort: (xid) => status(xid) === TRANSACTION_STATUS_ABORTED,
      };
      // The reader never took an xid: nothing is its own.
      const vctx: VisibilityContext = { log, isCurrentTransactionId: () => false };
      const snapshot: Snapshot = {
        xmin: Number(snap.xmin),
        xmax: Number(snap.xmax),
        xip: snap.xip.map(Number),
        subxip: [],
        suboverflowed: false,
        curcid: 0,
      };
      expect(snapshot.xip.length, JSON.stringify(snap)).toBe(2); // open and late

      const smgr = new MemorySmgr();
      const rel = { spcOid: 1663, dbOid: 5, relNumber: 16384 };
      smgr.create(rel, ForkNumber.main);
      for (let block = 0; block < file.length / BLCKSZ; block++) {
        smgr.extend(rel, ForkNumber.main, block, file.slice(block * BLCKSZ, (block + 1) * BLCKSZ));
      }
      const types = ['int4', 'int8', 'text', 'text', 'float8', 'numeric', 'bool', 'date'].map(typ);
      const heap = new Heap({
        pool: new BufferPool({ smgr, sharedBuffers: 16 * BLCKSZ, checksums: true }),
        rel,
        types,
      });

      // What the file holds: redirects, HOT chains, compressed values, aborted and running xids.
      const redirects: Array<{ block: number; offset: number; to: number }> = [];
      // Each HOT chain member's root: a redirect or a tuple that is not heap-only.
      const roots = new Map<string, { tid: Tid; redirect: boolean; chain: string[] }>();
      let heapOnly = 0;
      let compressed = 0;
      const xmins = new Set<number>();
      for (let block = 0; block < heap.nblocks(); block++) {
        const page = Page.read(heap.readCopy(block), { blockNumber: block, checksums: true });
        for (const [i, id] of page.itemIds().entries()) {
          if (id.flags === LP_REDIRECT) redirects.push({ block, offset: i + 1, to: id.off });
          if (id.flags !== LP_NORMAL) continue;
          const item = page.mustItem(i + 1);
          const h = readHeapTupleHeader(item);
          xmins.add(h.xmin);
          if (h.infomask2 & HEAP_ONLY_TUPLE) heapOnly++;
          const spans = attributeSpans(types, item.subarray(h.hoff), h.nullBitmap, h.natts);
          if (spans.some((s) => s?.varlena === 'compressed')) compressed++;
        }
        for (const [i, id] of page.itemIds().entries()) {
          const tid = { block, offset: i + 1 };
          let next = id.flags === LP_REDIRECT ? id.off : i + 1;
          if (id.flags === LP_NORMAL) {
            if (readHeapTupleHeader(page.mustItem(i + 1)).infomask2 & HEAP_ONLY_TUPLE) continue;
          } else if (id.flags !== LP_REDIRECT) continue;
          const root = { tid, redirect: id.flags === LP_REDIRECT, chain: [] as string[] };
          for (;;) {
            const member = formatTid({ block, offset: next });
            root.chain.push(member);
            roots.set(member, root);
            const h = readHeapTupleHeader(page.mustItem(next));
            if (!(h.infomask2 & HEAP_HOT_UPDATED) || h.ctid.block !== block) break;
            next = h.ctid.offset;
          }
        }
      }
      expect(redirects.length).toBeGreaterThanOrEqual(20);
      // pageinspect sees the same redirects (lp_flags 2) in the same page bytes.
      let theirRedirects = 0;
      for (let block = 0; block < heap.nblocks(); block++) {
        const items = await pageItems(file.slice(block * BLCKSZ, (block + 1) * BLCKSZ));
        theirRedirects += items.filter((i) => i.lp_flags === 2).length;
      }
      expect(theirRedirects).toBe(redirects.length);
      expect(heapOnly).toBeGreaterThanOrEqual(40);
      expect(compressed).toBeGreaterThanOrEqual(60);
      expect(compression.length).toBeGreaterThan(50);
      expect(compression.every((c) => c.c === 'pglz')).toBe(true);
      const statuses = new Set([...xmins].map(status));
      expect(statuses).toEqual(
        new Set([
          TRANSACTION_STATUS_COMMITTED,
          TRANSACTION_STATUS_ABORTED,
          TRANSACTION_STATUS_IN_PROGRESS,
        ]),
      );

      // The scan sees exactly the rows SELECT saw, at the same ctids, with the same values.
      const text = (values: unknown[]) =>
        values.map((v, i) => (v === null ? null : types[i]!.output(v, ctx)));
      const ours = [...heap.scan(snapshot, vctx)].map((row) => [
        formatTid(row.tid),
        ...text(row.values),
      ]);
      const theirs = selected.map((row) => Object.values(row));
      expect(theirs.length).toBe(240 - 4); // 4 deleted; 5000, 6000 and 7000 not seen
      expect(ours).toEqual(theirs);

      // A fetch by each redirect's root TID finds the visible version of that HOT chain.
      const byCtid = new Map(theirs.map((row) => [row[0], row]));
      let found = 0;
      let beyond = 0; // visible member past the redirect's target
      for (const { block, offset, to } of redirects) {
        const row = heap.fetch({ block, offset }, snapshot, vctx);
        if (row === null) continue;
        found++;
        if (row.tid.offset !== to) beyond++;
        expect(text(row.values), formatTid(row.tid)).toEqual(
          byCtid.get(formatTid(row.tid))!.slice(1),
        );
      }
      // Every chain behind a redirect still holds a row visible to the snapshot (no delete hit one).
      expect(found).toBe(redirects.length);
      expect(beyond).toBeGreaterThanOrEqual(1);
      // id 96 was updated after the VACUUM and again once open held the
      // horizon back: redirect -> dead-to-us member -> the visible one.
      const ninetySix = theirs.find((t) => t[1] === '96')!;
      const chain96 = roots.get(ninetySix[0]!)!;
      expect(chain96.redirect).toBe(true);
      expect(chain96.chain.indexOf(ninetySix[0]!)).toBeGreaterThanOrEqual(1);
      expect(heap.fetch(chain96.tid, snapshot, vctx)?.tid).toEqual(parseTidText(ninetySix[0]!));

      // The compressed path's errors, on one of PostgreSQL's compressed tuples:
      // lz4 (compression method id 1 in va_tcinfo's top bits) is 0A000, a
      // pglz stream that does not decode to its rawsize is XX001 corruption.
      const sample = [...tuplesOf(heap)].find(({ spans }) =>
        spans.some((x) => x?.varlena === 'compressed'),
      )!;
      const attnum = sample.spans.findIndex((x) => x?.varlena === 'compressed') + 1;
      expect(attnum).toBe(4);
      const tcinfo = sample.hoff + sample.spans[attnum - 1]!.offset + 4;
      const lz4 = sample.item.slice();
      lz4[tcinfo + 3] = (lz4[tcinfo + 3]! & 0x3f) | 0x40;
      expect(() => deformHeapTuple(types, lz4)).toThrowError(
        expect.objectContaining({ code: '0A000', message: expect.stringMatching(/lz4/) }),
      );
      const corrupt = sample.item.slice();
      corrupt[tcinfo] = corrupt[tcinfo]! ^ 0x01; // rawsize off by one
      expect(() => deformHeapTuple(types, corrupt)).toThrowError(
        expect.objectContaining({
          code: 'XX001',
          problem: expect.objectContaining({ attribute: 4 }),
        }),
      );
      expect(deformHeapTuple(types, sample.item)[3]).toHaveLength(4096);
      // An external toast pointer: out-of-line storage is not built yet, 0A000.
      const base = formHeapTuple([typ('int4')], [1]);
      const external = new Uint8Array(base.length + 18);
      external.set(base);
      external[18] = 2; // natts
      external[base.length] = 0x01; // VARATT_IS_EXTERNAL
      external[base.length + 1] = 18; // VARTAG_ONDISK
      expect(() => deformHeapTuple([typ('int4'), typ('text')], external)).toThrowError(
        expect.objectContaining({ code: '0A000', message: expect.stringMatching(/external/) }),
      );
      // Rows whose chain's newest member the snapshot does not see (an update
      // by the aborted, the in-progress and the late transaction): a fetch
      // from the chain's root, through its redirect, stops at the older member.
      for (const id of ['24', '48', '60']) {
        const row = theirs.find((t) => t[1] === id)!;
        const root = roots.get(row[0]!);
        expect(root, `id ${id}`).toBeDefined();
        expect(root!.redirect, `id ${id}`).toBe(true);
        expect(root!.chain.at(-1), `id ${id}`).not.toBe(row[0]); // a newer, invisible member
        const fetched = heap.fetch(root!.tid, snapshot, vctx);
        expect(fetched && formatTid(fetched.tid), `id ${id}`).toBe(row[0]);
        expect(text(fetched!.values)).toEqual(row.slice(1));
      }
    } finally {
      await open.query('ROLLBACK').catch(() => undefined);
      await late.query('ROLLBACK').catch(() => undefined);
      for (const c of [open, late, reader]) await c.end().catch(() => undefined);
    }
  });
});
