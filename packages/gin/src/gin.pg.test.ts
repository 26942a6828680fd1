/**
 * GIN against PostgreSQL 15: the same tables indexed there (CREATE INDEX
 * ... USING gin WITH (fastupdate = off)) and here (the same values under
 * the same heap TIDs). Our reader parses every page PostgreSQL wrote and
 * finds the same entries and TIDs; entry tuples holding posting lists are
 * byte for byte the same; and contrib's pageinspect reads our pages
 * (gin_page_opaque_info, gin_metapage_info, gin_leafpage_items) as we do.
 */
import { compareTids, parseTid, type Tid } from '@pg/access';
import { arrayOps, Gin, jsonbOps } from '@pg/gin';
import { Page } from '@pg/page';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { builtins, defaultContext } from '@pg/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GIN_DATA,
  GIN_LEAF,
  GIN_META,
  INVALID_BLOCK,
  type KeyStorage,
  parseEntryTuple,
  readDataInternal,
  readDataLeaf,
  readMeta,
  readOpaque,
} from './internal/layout.js';

let pg: ReferencePostgres;
const int4 = builtins.typeByName('int4')!;
const int4Array = builtins.typeByName('_int4')!;
const jsonb = builtins.typeByName('jsonb')!;

const TABLES = {
  ta: {
    columns: '(id int, a int[])',
    rows: `SELECT g, CASE WHEN g % 50 = 0 THEN NULL WHEN g % 37 = 0 THEN '{}'::int[]
             ELSE ARRAY[g % 97, g % 13, (g * 7) % 900] END FROM generate_series(1, 3000) g
           UNION ALL SELECT g, ARRAY[5000] FROM generate_series(1, 6000) g`,
    index: 'USING gin (a)',
  },
  tj: {
    columns: '(id int, j jsonb)',
    rows: `SELECT g, jsonb_build_object('k' || (g % 40), g % 7, 'tags', jsonb_build_array('t' || (g % 11), g % 3 = 0),
             'n', CASE WHEN g % 5 = 0 THEN 'null'::jsonb ELSE to_jsonb((g % 9) * 1.50) END)
           FROM generate_series(1, 2000) g`,
    index: 'USING gin (j)',
  },
  tm: {
    columns: '(id int, a int[], b text[])',
    rows: `SELECT g, CASE WHEN g % 31 = 0 THEN NULL ELSE ARRAY[g % 50, g % 7] END,
             CASE WHEN g % 23 = 0 THEN '{}'::text[] WHEN g % 29 = 0 THEN NULL
             ELSE ARRAY['w' || (g % 60), repeat('v', g % 200), NULL] END
           FROM generate_series(1, 2500) g`,
    index: 'USING gin (a, b)',
  },
} as const;

beforeAll(async () => {
  pg = await startReferencePostgres({ dataChecksums: true, extensions: ['pageinspect'] });
  for (const [name, t] of Object.entries(TABLES)) {
    await pg.query(`CREATE TABLE ${name} ${t.columns} WITH (autovacuum_enabled = off)`);
    await pg.query(`INSERT INTO ${name} ${t.rows}`);
    await pg.query(`CREATE INDEX ${name}_gin ON ${name} ${t.index} WITH (fastupdate = off)`);
  }
  await pg.query('CHECKPOINT');
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function theirPages(index: string): Promise<Uint8Array[]> {
  const rows = await pg.query<{ p: string }>(
    `SELECT encode(get_raw_page('${index}', g::int), 'hex') AS p
       FROM generate_series(0, pg_relation_size('${index}') / 8192 - 1) g ORDER BY g`,
  );
  return rows.map((r) => new Uint8Array(Buffer.from(r.p, 'hex')));
}

interface Leaf {
  readonly key: string;
  readonly tids: Tid[];
  /** The tuple's bytes when it holds a posting list (not a posting tree). */
  readonly bytes: string | null;
}

/** Every leaf entry of an index's pages, read with our layout code. */
function readLeaves(
  pages: readonly Uint8Array[],
  storages: readonly KeyStorage[],
): Map<string, Leaf> {
  const oneCol = storages.length === 1;
  const out = new Map<string, Leaf>();
  const tree = (root: number): Tid[] => {
    const p = pages[root]!;
    if (readOpaque(p).flags & GIN_LEAF) return readDataLeaf(p);
    return readDataInternal(p).flatMap((it) => readDataLeaf(pages[it.child]!));
  };
  for (const p of pages) {
    const o = readOpaque(p);
    if (o.flags & (GIN_DATA | GIN_META) || !(o.flags & GIN_LEAF)) continue;
    const page = Page.wrap(p);
    for (let i = 1; i <= page.maxOffsetNumber; i++) {
      const t = page.mustItem(i);
      const attAt = (t[7]! & 0x80) !== 0 ? 16 : 8;
      const attnum = oneCol ? 1 : t[attAt]! | (t[attAt + 1]! << 8);
      const e = parseEntryTuple(t, storages[attnum - 1]!, oneCol, true);
      const key = `${e.attnum}:${e.category}:${hex(e.key)}`;
      const tids = e.block === INVALID_BLOCK ? [...e.tids] : tree(e.block);
      out.set(key, {
        key,
        tids: tids.sort(compareTids),
        bytes: e.block === INVALID_BLOCK ? hex(t) : null,
      });
    }
  }
  return out;
}

async function buildOurs(
  table: string,
  column: string,
  gin: Gin,
  type: typeof int4Array,
): Promise<Map<string, unknown>> {
  const rows = await pg.query<{ ctid: string; v: string | null }>(
    `SELECT ctid::text AS ctid, ${column}::text AS v FROM ${table} ORDER BY ctid`,
  );
  const values = new Map<string, unknown>();
  for (const r of rows) {
    const v = r.v === null ? null : type.input(r.v, -1, defaultContext as never);
    gin.insert([v], parseTid(r.ctid));
    values.set(r.ctid, v);
  }
  return values;
}

function ourPages(gin: Gin): Uint8Array[] {
  return [...Array(gin.nblocks()).keys()].map((b) => gin.readCopy(b));
}

const textType = builtins.typeByName('text')!;
const textArray = builtins.typeByName('_text')!;

/** Queries: SQL operator, strategy, right operand's text and type. */
const CASES = [
  {
    table: 'ta',
    column: 'a',
    type: int4Array,
    opclass: arrayOps('_int4_ops', int4 as never),
    queries: [
      ['@>', 2, '{5}', int4Array],
      ['@>', 2, '{5000}', int4Array],
      ['@>', 2, '{1,1}', int4Array],
      ['@>', 2, '{}', int4Array],
      ['&&', 1, '{1,2,800}', int4Array],
      ['<@', 3, '{1,2,3,4,5,6,7,8,9,10,11,12,0,14,21}', int4Array],
      ['=', 4, '{}', int4Array],
      ['=', 4, '{14,1,98}', int4Array],
    ],
  },
  {
    table: 'tj',
    column: 'j',
    type: jsonb,
    opclass: jsonbOps,
    queries: [
      ['@>', 7, '{"tags": ["t3"]}', jsonb],
      ['@>', 7, '{"n": 3}', jsonb],
      ['@>', 7, '{"n": null, "k5": 5}', jsonb],
      ['@>', 7, '{}', jsonb],
      ['?', 9, 'k3', textType],
      ['?', 9, 't3', textType],
      ['?|', 10, '{k1,zz}', textArray],
      ['?&', 11, '{k1,n}', textArray],
      ['?&', 11, '{}', textArray],
    ],
  },
] as const;

describe('GIN pages against PostgreSQL 15', () => {
  for (const c of CASES) {
    it(`${c.table}: the same entries, tuple bytes and rows, and pageinspect reads our pages`, async () => {
      const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 256 * 8192 });
      const gin = Gin.create({
        pool,
        rel: { spcOid: 1663, dbOid: 5, relNumber: 17000 },
        opclasses: [c.opclass],
        fastupdate: false,
      });
      const values = await buildOurs(c.table, c.column, gin, c.type as typeof int4Array);
      const theirs = readLeaves(await theirPages(`${c.table}_gin`), [c.opclass.storage]);
      const mine = readLeaves(ourPages(gin), [c.opclass.storage]);
      expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
      let sameBytes = 0;
      for (const [k, t] of theirs) {
        const m = mine.get(k)!;
        expect(m.tids, k).toEqual(t.tids);
        if (t.bytes !== null && m.bytes !== null) {
          expect(m.bytes, k).toBe(t.bytes);
          sameBytes++;
        }
      }
      expect(sameBytes).toBeGreaterThan(theirs.size / 2);
      if (c.table === 'ta') expect([...theirs.values()].some((l) => l.bytes === null)).toBe(true);

      // The bulk build (ginbuild) from the same rows: the same entries, TIDs and tuple bytes,
      // also when maintenance_work_mem (1 kB here) makes it write to the tree many times.
      for (const maintenanceWorkMem of [65536, 1]) {
        const bulk = Gin.create({
          pool,
          rel: { spcOid: 1663, dbOid: 5, relNumber: 17001 + maintenanceWorkMem },
          opclasses: [c.opclass],
        });
        bulk.build(
          [...values].map(([ctid, v]) => ({ tid: parseTid(ctid), values: [v] })),
          { maintenanceWorkMem },
        );
        expect(bulk.check()).toEqual([]);
        const built = readLeaves(
          [...Array(bulk.nblocks()).keys()].map((b) => bulk.readCopy(b)),
          [c.opclass.storage],
        );
        expect([...built.keys()].sort()).toEqual([...theirs.keys()].sort());
        for (const [k, t] of theirs) {
          const m = built.get(k)!;
          expect(m.tids, k).toEqual(t.tids);
          if (t.bytes !== null) expect(m.bytes, k).toBe(t.bytes);
          else expect(m.bytes, k).toBeNull();
        }
      }

      // The same rows for every operator: PostgreSQL's bitmap scan against ours plus recheck.
      await pg.query('SET enable_seqscan = off');
      for (const [op, strategy, text, type] of c.queries) {
        const lit = text.replace(/'/g, "''");
        const rows = await pg.query<{ ctid: string }>(
          `SELECT ctid::text AS ctid FROM ${c.table} WHERE ${c.column} ${op} '${lit}'::${type.name === 'text' ? 'text' : type.name === '_text' ? 'text[]' : c.table === 'ta' ? 'int[]' : 'jsonb'} ORDER BY ctid`,
        );
        const query = type.input(text, -1, defaultContext as never);
        const found = gin.search([{ attno: 1, strategy, query }]).filter((r) => {
          if (!r.recheck) return true;
          const v = values.get(`(${r.tid.block},${r.tid.offset})`);
          return (
            v !== null &&
            builtins.operate(op, c.type.oid, type.oid, [v, query], defaultContext as never) === true
          );
        });
        expect(
          found.map((r) => `(${r.tid.block},${r.tid.offset})`),
          `${op} ${text}`,
        ).toEqual(rows.map((r) => r.ctid).sort((a, b) => compareTids(parseTid(a), parseTid(b))));
      }
      await pg.query('RESET enable_seqscan');

      // pageinspect on our pages.
      const pages = ourPages(gin);
      const [meta] = await pg.query<{ n_entries: string; version: number; pending_head: string }>(
        `SELECT * FROM gin_metapage_info(decode($1, 'hex'))`,
        [hex(pages[0]!)],
      );
      expect(Number(meta!.n_entries)).toBe(theirs.size);
      expect(meta!.version).toBe(2);
      expect(readMeta(pages[0]!).nEntries).toBe(BigInt(theirs.size));
      for (let b = 1; b < pages.length; b++) {
        const [info] = await pg.query<{ rightlink: string; maxoff: number; flags: string[] }>(
          `SELECT rightlink::text, maxoff, flags FROM gin_page_opaque_info(decode($1, 'hex'))`,
          [hex(pages[b]!)],
        );
        const o = readOpaque(pages[b]!);
        expect(Number(info!.rightlink)).toBe(o.rightlink);
        expect(info!.maxoff).toBe(o.maxoff);
        const flags = [
          ...(o.flags & GIN_DATA ? ['data'] : []),
          ...(o.flags & GIN_LEAF ? ['leaf'] : []),
          ...(o.flags & 128 ? ['compressed'] : []),
        ];
        expect([...info!.flags].sort()).toEqual(flags.sort());
        if ((o.flags & (GIN_DATA | GIN_LEAF)) === (GIN_DATA | GIN_LEAF)) {
          const items = await pg.query<{ tids: string }>(
            `SELECT tids::text FROM gin_leafpage_items(decode($1, 'hex'))`,
            [hex(pages[b]!)],
          );
          const tids = items.flatMap((r) =>
            r.tids
              .slice(1, -1)
              .split('","')
              .map((s) => parseTid(s.replace(/"/g, ''))),
          );
          expect(tids).toEqual(readDataLeaf(pages[b]!));
        }
      }
    }, 300_000);
  }

  it('tm: two columns (attnum in every entry), the same entries and tuple bytes', async () => {
    const text = builtins.typeByName('text')!;
    const opclasses = [arrayOps('_int4_ops', int4 as never), arrayOps('_text_ops', text as never)];
    const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 256 * 8192 });
    const gin = Gin.create({
      pool,
      rel: { spcOid: 1663, dbOid: 5, relNumber: 17001 },
      opclasses,
      fastupdate: false,
    });
    const rows = await pg.query<{ ctid: string; a: string | null; b: string | null }>(
      'SELECT ctid::text AS ctid, a::text AS a, b::text AS b FROM tm ORDER BY ctid',
    );
    for (const r of rows) {
      gin.insert(
        [
          r.a === null ? null : int4Array.input(r.a, -1, defaultContext as never),
          r.b === null ? null : textArray.input(r.b, -1, defaultContext as never),
        ],
        parseTid(r.ctid),
      );
    }
    const storages = opclasses.map((o) => o.storage);
    const theirs = readLeaves(await theirPages('tm_gin'), storages);
    const mine = readLeaves(ourPages(gin), storages);
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    let sameBytes = 0;
    for (const [k, t] of theirs) {
      const m = mine.get(k)!;
      expect(m.tids, k).toEqual(t.tids);
      if (t.bytes !== null && m.bytes !== null) {
        expect(m.bytes, k).toBe(t.bytes);
        sameBytes++;
      }
    }
    expect(sameBytes).toBe(theirs.size);
    expect(gin.check()).toEqual([]);
  }, 300_000);

  it('fastupdate: the same pending list (metapage fields, list pages byte for byte), scans and flush', async () => {
    // Built from 300 rows, then 2500 inserted after the build: they wait in the pending list.
    const rowsSql = (from: number, to: number) =>
      `SELECT g, CASE WHEN g % 97 = 0 THEN NULL WHEN g % 89 = 0 THEN '{}'::int[]
                 WHEN g = 1500 THEN (SELECT array_agg(x) FROM generate_series(1, 1500) x)
                 ELSE ARRAY[g % 41, g % 7, g] END FROM generate_series(${from}, ${to}) g ORDER BY g`;
    await pg.query('CREATE TABLE tp (id int, a int[]) WITH (autovacuum_enabled = off)');
    await pg.query(`INSERT INTO tp ${rowsSql(1, 300)}`);
    await pg.query('CREATE INDEX tp_gin ON tp USING gin (a) WITH (fastupdate = on)');
    await pg.query(`INSERT INTO tp ${rowsSql(301, 2800)}`);
    await pg.query('CHECKPOINT');
    const rows = await pg.query<{ ctid: string; id: number; a: string | null }>(
      'SELECT ctid::text AS ctid, id, a::text AS a FROM tp ORDER BY ctid',
    );
    const values = new Map<string, unknown>();
    const opclass = arrayOps('_int4_ops', int4 as never);
    const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 256 * 8192 });
    const gin = Gin.create({
      pool,
      rel: { spcOid: 1663, dbOid: 5, relNumber: 17002 },
      opclasses: [opclass],
    });
    const tuple = (r: (typeof rows)[number]) => {
      const v = r.a === null ? null : int4Array.input(r.a, -1, defaultContext as never);
      values.set(r.ctid, v);
      return { tid: parseTid(r.ctid), values: [v] };
    };
    gin.build(rows.filter((r) => r.id <= 300).map(tuple));
    // In insertion order (the pending list's order), which is not quite ctid order.
    for (const r of rows.filter((r) => r.id > 300).sort((a, b) => a.id - b.id)) {
      const t = tuple(r);
      gin.insert(t.values, t.tid);
    }
    expect(gin.check()).toEqual([]);

    // The metapage's pending-list fields.
    const [their] = await pg.query<Record<string, string>>(
      "SELECT pending_head::text, pending_tail::text, tail_free_size::text, n_pending_pages::text, n_pending_tuples::text FROM gin_metapage_info(get_raw_page('tp_gin', 0))",
    );
    const mine = readMeta(gin.readCopy(0));
    expect(Number(their!.n_pending_pages)).toBeGreaterThan(3);
    expect(mine.nPendingPages).toBe(Number(their!.n_pending_pages));
    expect(mine.nPendingHeapTuples).toBe(BigInt(their!.n_pending_tuples!));
    const tailFree = Number(their!.tail_free_size);
    const ours = await pg.query<Record<string, string>>(
      "SELECT n_pending_pages::text, n_pending_tuples::text, tail_free_size::text FROM gin_metapage_info(decode($1, 'hex'))",
      [hex(gin.readCopy(0))],
    );
    expect(ours[0]).toEqual({
      n_pending_pages: their!.n_pending_pages,
      n_pending_tuples: their!.n_pending_tuples,
      tail_free_size: String(mine.tailFreeSize),
    });

    // The list pages, head to tail: flags, maxoff and every tuple's bytes.
    const theirPagesAll = await theirPages('tp_gin');
    const chain = (read: (b: number) => Uint8Array, head: number) => {
      const out: { flags: number; maxoff: number; items: string[] }[] = [];
      for (let b = head; b !== INVALID_BLOCK; b = readOpaque(read(b)).rightlink) {
        const p = read(b);
        const page = Page.wrap(p);
        const items: string[] = [];
        for (let i = 1; i <= page.maxOffsetNumber; i++) items.push(hex(page.mustItem(i)));
        out.push({ flags: readOpaque(p).flags, maxoff: readOpaque(p).maxoff, items });
      }
      return out;
    };
    const theirChain = chain((b) => theirPagesAll[b]!, Number(their!.pending_head));
    const myChain = chain((b) => gin.readCopy(b), mine.head);
    const summary = (c: typeof myChain) =>
      c.map((p) => `${p.flags}/${p.maxoff}/${p.items.length}`).join(' ');
    expect(summary(myChain)).toBe(summary(theirChain));
    expect(myChain.length).toBe(theirChain.length);
    expect(theirChain.some((p) => p.maxoff === 0)).toBe(true); // the 1500-element row spans pages
    expect(myChain).toEqual(theirChain);
    expect(mine.tailFreeSize).toBe(tailFree);
    // pageinspect reads our list pages' opaque as PostgreSQL's.
    for (const b of [mine.head, mine.tail]) {
      const [info] = await pg.query<{ maxoff: number; flags: string[] }>(
        "SELECT maxoff, flags FROM gin_page_opaque_info(decode($1, 'hex'))",
        [hex(gin.readCopy(b))],
      );
      expect(info!.flags).toContain('list');
      expect(info!.maxoff).toBe(readOpaque(gin.readCopy(b)).maxoff);
    }

    // Scans see the pending rows as PostgreSQL's do.
    await pg.query('SET enable_seqscan = off');
    for (const [op, strategy, text] of [
      ['@>', 2, '{7}'],
      ['@>', 2, '{1,1499}'],
      ['&&', 1, '{3,2777}'],
      ['<@', 3, '{0,1,2,3,4,5,6,7,8,9,10}'],
      ['=', 4, '{}'],
    ] as const) {
      const expected = await pg.query<{ ctid: string }>(
        `SELECT ctid::text AS ctid FROM tp WHERE a ${op} '${text}'::int[] ORDER BY ctid`,
      );
      const query = int4Array.input(text, -1, defaultContext as never);
      const found = gin.search([{ attno: 1, strategy, query }]).filter((r) => {
        const v = values.get(`(${r.tid.block},${r.tid.offset})`);
        return (
          !r.recheck ||
          (v !== null &&
            builtins.operate(
              op,
              int4Array.oid,
              int4Array.oid,
              [v, query],
              defaultContext as never,
            ) === true)
        );
      });
      expect(
        found.map((r) => `(${r.tid.block},${r.tid.offset})`),
        `${op} ${text}`,
      ).toEqual(expected.map((r) => r.ctid).sort((a, b) => compareTids(parseTid(a), parseTid(b))));
    }
    await pg.query('RESET enable_seqscan');

    // gin_clean_pending_list(): the same page count, then the same entries and TIDs.
    const [cleaned] = await pg.query<{ n: string }>(
      "SELECT gin_clean_pending_list('tp_gin')::text AS n",
    );
    expect(gin.cleanPendingList()).toBe(Number(cleaned!.n));
    await pg.query('CHECKPOINT');
    const theirLeaves = readLeaves(await theirPages('tp_gin'), [opclass.storage]);
    const myLeaves = readLeaves(ourPages(gin), [opclass.storage]);
    expect([...myLeaves.keys()].sort()).toEqual([...theirLeaves.keys()].sort());
    for (const [k, t] of theirLeaves) expect(myLeaves.get(k)!.tids, k).toEqual(t.tids);
    expect(readMeta(gin.readCopy(0)).head).toBe(INVALID_BLOCK);
    expect(gin.check()).toEqual([]);
  }, 300_000);
});
