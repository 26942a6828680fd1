/**
 * Compatibility of @pg/btree with real PostgreSQL 15's nbtree, through
 * contrib's pageinspect and amcheck (the reference server runs with data
 * checksums on):
 *
 * 1. Trees built here — the rows of a real table inserted in a shuffled
 *    order: int4 with duplicates (posting lists), long text (suffix
 *    truncation, three levels), NULLs, two and three columns, DESC and
 *    NULLS FIRST, INCLUDE columns, a unique index, int2/int8/date/uuid/
 *    float8/numeric/timestamp keys (alignment, types without deduplication)
 *    — are read by bt_page_items(bytea) and page_header(bytea) item for item
 *    as our layout functions read them, and page_checksum() agrees with our
 *    checksums. Then each file is put in place of an index that PostgreSQL
 *    created with the same definition on the same table, and PostgreSQL
 *    verifies it (bt_index_parent_check with heapallindexed and
 *    rootdescend: every heap row is found, by a descent from the root, as
 *    the very tuple PostgreSQL would have formed), reports its metapage and
 *    pages as we do (bt_metap, bt_page_stats), and answers queries through
 *    it (index scans, forward and backward) as through a sequential scan.
 * 2. Indexes built by PostgreSQL (read from the data directory after
 *    CHECKPOINT, their checksums verified by our buffer pool) are read here:
 *    checkTree finds nothing wrong, meta() is what bt_metap says, every
 *    item re-formed from its decoded values has PostgreSQL's bytes, and
 *    scans of every shape return PostgreSQL's rows in index order, forward
 *    and backward.
 * 3. PostgreSQL's index, after DELETE and VACUUM (which deleted pages),
 *    grows here by the rows PostgreSQL then inserted into freed heap space
 *    (posting-list splits, page splits) and loses rows PostgreSQL deleted
 *    (our bulkDelete, our page deletion); PostgreSQL verifies and uses the
 *    result, then writes into it itself — LP_DEAD hints from its index
 *    scans, then VACUUM (its page deletion over our tree) — and we read
 *    what it wrote.
 * 4. btm_allequalimage: for every built-in type with a default B-tree
 *    operator class, our metapage says that deduplication is safe exactly
 *    when PostgreSQL's does.
 *
 * Putting a file in place of an index's: the index is created (or
 * reindexed) by PostgreSQL, which writes it without shared buffers, and is
 * replaced before anything reads it; pg_buffercache confirms that no page of
 * it is cached.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import {
  compareTids,
  formatTid,
  type IndexColumn,
  parseTid,
  readTid,
  type ScanKey,
  Strategy,
  scanKey,
} from '@pg/access';
import { BTree } from '@pg/btree';
import { checkTree } from '@pg/btree/testing';
import { BLCKSZ, LP_DEAD, Page } from '@pg/page';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { BufferPool, ForkNumber, MemorySmgr, type RelFileLocator } from '@pg/storage';
import { type AnyPgType, builtins, defaultContext } from '@pg/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BTP_DELETED,
  BTP_HAS_FULLXID,
  BTP_LEAF,
  BTP_META,
  BTP_ROOT,
  dataOffset,
  formPivot,
  formPosting,
  formTuple,
  heapTid,
  isIgnored,
  isPivot,
  isPosting,
  P_HIKEY,
  pivotHeapTid,
  postingOffset,
  postingTids,
  readOpaque,
  tupleNatts,
  tupleSize,
} from './internal/layout.js';

const REL: RelFileLocator = { spcOid: 1663, dbOid: 5, relNumber: 16384 };
const main = ForkNumber.main;
const ctx = defaultContext();

function typ(name: string): AnyPgType {
  const t = builtins.typeByName(name);
  if (!t) throw new Error(`no type ${name}`);
  return t;
}
const int2 = typ('int2');
const int4 = typ('int4');
const int8 = typ('int8');
const text = typ('text');

let pg: ReferencePostgres;
const tally = {
  pagesOurs: 0,
  pagesTheirs: 0,
  items: 0,
  postings: 0,
  truncatedPivots: 0,
  heapTidPivots: 0,
  deadItems: 0,
  reformed: 0,
  scans: 0,
  pgScans: 0,
  installed: 0,
  equalImageTypes: 0,
};

// ------------------------------------------------------------------- fixture

/**
 * t: 6,000 rows. a: 1,500 values, each about four times (posting lists), a
 * NULL every 53 rows. b: short keys 'k0'..'k899', a NULL every 41 rows, and
 * every 7th row a long key (123 to 453 bytes: 1-byte and 4-byte varlena
 * headers, never compressed: under TOAST_INDEX_TARGET).
 */
const T_ROWS = `
  SELECT g AS id,
    CASE WHEN g % 53 = 0 THEN NULL ELSE (g * 7919) % 1500 END AS a,
    CASE WHEN g % 41 = 0 THEN NULL
         WHEN g % 7 = 0 THEN repeat(chr(97 + g % 3), 120 + (g * 13) % 330) || to_char(g % 50, 'FM000')
         ELSE 'k' || ((g * 31) % 900) END AS b
  FROM generate_series(1, 6000) g`;

/**
 * long: 2,400 rows of 400-byte keys s (300 distinct, 8 rows each) and n in
 * 0..2, so (s, n) repeats two or three times: pivots keep one column, two,
 * or the heap TID, and a page holds about 18 keys (three levels).
 */
const LONG_ROWS = `
  SELECT g AS id, repeat(chr(97 + g % 4), 400) || '/' || (g % 300) AS s, (g / 300) % 3 AS n
  FROM generate_series(1, 2400) g`;

/**
 * mixed: 3,000 rows of fixed-length keys of every alignment (int2, then
 * int8 eight-aligned, date; uuid; float8), numeric, timestamp, NULLs.
 */
const MIXED_ROWS = `
  SELECT g AS id,
    CASE WHEN g % 11 = 0 THEN NULL ELSE g % 7 - 3 END::int2 AS s,
    ((g * 7919) % 40 - 20)::int8 * 100000000000 AS big,
    date '2000-01-01' + g % 50 AS d,
    md5((g % 500)::text)::uuid AS u,
    CASE WHEN g % 13 = 0 THEN NULL ELSE (g % 97) * 0.25 END::float8 AS f,
    round(((g * 31) % 1000 - 500) / 7.0, 3) AS n,
    timestamp '2020-01-01' + (g % 300) * interval '1 hour 1 second' AS ts
  FROM generate_series(1, 3000) g`;

const TABLES = {
  t: { columns: '(id int, a int, b text)', rows: T_ROWS, count: 6000, shuffle: 6007 },
  long: { columns: '(id int, s text, n int)', rows: LONG_ROWS, count: 2400, shuffle: 2411 },
  mixed: {
    columns: '(id int, s int2, big int8, d date, u uuid, f float8, n numeric, ts timestamp)',
    rows: MIXED_ROWS,
    count: 3000,
    shuffle: 3001,
  },
} as const;
type TableName = keyof typeof TABLES;

/** One condition, as SQL and as the scan keys that say the same. */
interface ScanCase {
  readonly where: string;
  readonly keys: readonly ScanKey[];
}

interface IndexSpec {
  readonly name: string;
  readonly table: TableName;
  /** The columns as CREATE INDEX lists them. */
  readonly sql: string;
  readonly keys: readonly IndexColumn[];
  readonly include?: readonly IndexColumn[];
  readonly unique?: boolean;
  readonly cases: readonly ScanCase[];
}

/** A value of a type, from its text form. */
const val = (type: AnyPgType, literal: string) => type.input(literal, -1, ctx);
const k = (attno: number, strategy: Strategy, v: unknown): ScanKey => scanKey(attno, strategy, v);
const isNull = (attno: number): ScanKey => ({
  attno,
  strategy: Strategy.equal,
  argument: null,
  searchNull: true,
});
const notNull = (attno: number): ScanKey => ({
  attno,
  strategy: Strategy.equal,
  argument: null,
  searchNotNull: true,
});
const { less: LT, lessEqual: LE, equal: EQ, greaterEqual: GE, greater: GT } = Strategy;
const ALL: ScanCase = { where: 'true', keys: [] };
const md5uuid = (s: string) =>
  createHash('md5')
    .update(s)
    .digest('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

const SPECS: readonly IndexSpec[] = [
  {
    name: 'a',
    table: 't',
    sql: '(a)',
    keys: [{ name: 'a', type: int4 }],
    cases: [
      ALL,
      { where: 'a = 42', keys: [k(1, EQ, 42)] },
      { where: 'a < 10', keys: [k(1, LT, 10)] },
      { where: 'a <= 10', keys: [k(1, LE, 10)] },
      { where: 'a >= 700 AND a < 720', keys: [k(1, GE, 700), k(1, LT, 720)] },
      { where: 'a > 1490', keys: [k(1, GT, 1490)] },
      { where: 'a IS NULL', keys: [isNull(1)] },
      { where: 'a IS NOT NULL AND a <= 3', keys: [notNull(1), k(1, LE, 3)] },
      { where: 'a = 100000', keys: [k(1, EQ, 100000)] },
    ],
  },
  {
    name: 'b',
    table: 't',
    sql: '(b)',
    keys: [{ name: 'b', type: text }],
    cases: [
      ALL,
      { where: "b = 'k17'", keys: [k(1, EQ, 'k17')] },
      { where: "b >= 'k5' AND b < 'k6'", keys: [k(1, GE, 'k5'), k(1, LT, 'k6')] },
      { where: "b > 'c'", keys: [k(1, GT, 'c')] },
      { where: "b < 'b'", keys: [k(1, LT, 'b')] },
      { where: "b = repeat('b', 211) || '007'", keys: [k(1, EQ, `${'b'.repeat(211)}007`)] },
      { where: 'b IS NULL', keys: [isNull(1)] },
    ],
  },
  {
    name: 'a_desc_b',
    table: 't',
    sql: '(a DESC, b NULLS FIRST)',
    keys: [
      { name: 'a', type: int4, desc: true },
      { name: 'b', type: text, nullsFirst: true },
    ],
    cases: [
      ALL,
      { where: 'a = 42', keys: [k(1, EQ, 42)] },
      { where: "a = 42 AND b >= 'k3'", keys: [k(1, EQ, 42), k(2, GE, 'k3')] },
      { where: 'a < 10', keys: [k(1, LT, 10)] },
      { where: 'a >= 1495', keys: [k(1, GE, 1495)] },
      { where: 'a IS NULL', keys: [isNull(1)] },
      { where: 'a IS NULL AND b IS NULL', keys: [isNull(1), isNull(2)] },
      { where: "b = 'k17'", keys: [k(2, EQ, 'k17')] },
      {
        where: 'a BETWEEN 5 AND 8 AND b IS NOT NULL',
        keys: [k(1, GE, 5), k(1, LE, 8), notNull(2)],
      },
    ],
  },
  {
    name: 'id',
    table: 't',
    sql: '(id)',
    unique: true,
    keys: [{ name: 'id', type: int4 }],
    cases: [
      ALL,
      { where: 'id = 77', keys: [k(1, EQ, 77)] },
      { where: 'id BETWEEN 100 AND 200', keys: [k(1, GE, 100), k(1, LE, 200)] },
      { where: 'id > 5990', keys: [k(1, GT, 5990)] },
      { where: 'id < 0', keys: [k(1, LT, 0)] },
    ],
  },
  {
    // INCLUDE: no deduplication, and pivots never hold b.
    name: 'a_incl_b',
    table: 't',
    sql: '(a) INCLUDE (b)',
    keys: [{ name: 'a', type: int4 }],
    include: [{ name: 'b', type: text }],
    cases: [
      ALL,
      { where: 'a = 42', keys: [k(1, EQ, 42)] },
      { where: 'a > 1400 AND a <= 1410', keys: [k(1, GT, 1400), k(1, LE, 1410)] },
      { where: 'a IS NULL', keys: [isNull(1)] },
    ],
  },
  {
    name: 's_n',
    table: 'long',
    sql: '(s, n)',
    keys: [
      { name: 's', type: text },
      { name: 'n', type: int4 },
    ],
    cases: [
      ALL,
      { where: "s = repeat('b', 400) || '/5'", keys: [k(1, EQ, `${'b'.repeat(400)}/5`)] },
      {
        where: "s = repeat('b', 400) || '/5' AND n = 1",
        keys: [k(1, EQ, `${'b'.repeat(400)}/5`), k(2, EQ, 1)],
      },
      {
        where: "s >= repeat('c', 400) AND s < repeat('c', 400) || '/2'",
        keys: [k(1, GE, 'c'.repeat(400)), k(1, LT, `${'c'.repeat(400)}/2`)],
      },
      { where: "s > repeat('d', 400) || '/9'", keys: [k(1, GT, `${'d'.repeat(400)}/9`)] },
      { where: 'n = 2', keys: [k(2, EQ, 2)] },
    ],
  },
  {
    name: 'n_desc_s',
    table: 'long',
    sql: '(n DESC, s)',
    keys: [
      { name: 'n', type: int4, desc: true },
      { name: 's', type: text },
    ],
    cases: [
      ALL,
      { where: 'n = 1', keys: [k(1, EQ, 1)] },
      { where: "n = 1 AND s < repeat('b', 400)", keys: [k(1, EQ, 1), k(2, LT, 'b'.repeat(400))] },
      {
        where: "n >= 1 AND s = repeat('a', 400) || '/4'",
        keys: [k(1, GE, 1), k(2, EQ, `${'a'.repeat(400)}/4`)],
      },
      { where: "s > repeat('c', 400)", keys: [k(2, GT, 'c'.repeat(400))] },
    ],
  },
  {
    // int2, then int8 (eight-aligned: six bytes of padding), then date; NULLs move the data to offset 16.
    name: 's_big_d',
    table: 'mixed',
    sql: '(s, big, d)',
    keys: [
      { name: 's', type: int2 },
      { name: 'big', type: int8 },
      { name: 'd', type: typ('date') },
    ],
    cases: [
      ALL,
      { where: 's = 2', keys: [k(1, EQ, val(int2, '2'))] },
      { where: 's IS NULL', keys: [isNull(1)] },
      {
        where: 's = 0 AND big >= 0',
        keys: [k(1, EQ, val(int2, '0')), k(2, GE, val(int8, '0'))],
      },
      {
        where: 's >= 1 AND big < -500000000000',
        keys: [k(1, GE, val(int2, '1')), k(2, LT, val(int8, '-500000000000'))],
      },
      { where: "d = '2000-01-05'", keys: [k(3, EQ, val(typ('date'), '2000-01-05'))] },
    ],
  },
  {
    // float8 has no equalimage support function: no deduplication, allequalimage false.
    name: 'u_desc_f',
    table: 'mixed',
    sql: '(u DESC, f NULLS FIRST)',
    keys: [
      { name: 'u', type: typ('uuid'), desc: true },
      { name: 'f', type: typ('float8'), nullsFirst: true },
    ],
    cases: [
      ALL,
      { where: `u = '${md5uuid('7')}'`, keys: [k(1, EQ, val(typ('uuid'), md5uuid('7')))] },
      {
        where: "u > 'c0000000-0000-0000-0000-000000000000'",
        keys: [k(1, GT, val(typ('uuid'), 'c0000000-0000-0000-0000-000000000000'))],
      },
      { where: 'f IS NULL', keys: [isNull(2)] },
      { where: 'f >= 20.5', keys: [k(2, GE, val(typ('float8'), '20.5'))] },
    ],
  },
  {
    name: 'n_ts',
    table: 'mixed',
    sql: '(n, ts)',
    keys: [
      { name: 'n', type: typ('numeric') },
      { name: 'ts', type: typ('timestamp') },
    ],
    cases: [
      ALL,
      { where: 'n < -50', keys: [k(1, LT, val(typ('numeric'), '-50'))] },
      { where: 'n = 1.571', keys: [k(1, EQ, val(typ('numeric'), '1.571'))] },
      {
        where: "ts > '2020-01-10'",
        keys: [k(2, GT, val(typ('timestamp'), '2020-01-10 00:00:00'))],
      },
    ],
  },
];

const allColumns = (spec: IndexSpec) => [...spec.keys, ...(spec.include ?? [])];
const columnsOf = (spec: IndexSpec) => allColumns(spec).map((c) => c.name);

/** ORDER BY for the index's order (forward) or its reverse (backward), heap TID last. */
function orderBy(spec: IndexSpec, backward: boolean, withCtid: boolean): string {
  const cols = spec.keys.map((c) => {
    const desc = (c.desc ?? false) !== backward;
    const nullsFirst = (c.nullsFirst ?? c.desc ?? false) !== backward;
    return `${c.name} ${desc ? 'DESC' : 'ASC'} NULLS ${nullsFirst ? 'FIRST' : 'LAST'}`;
  });
  if (withCtid) cols.push(backward ? 'ctid DESC' : 'ctid');
  return cols.join(', ');
}

/**
 * The SELECT list for an index's columns as text (compared with our values'
 * text output), named _c so that ORDER BY c still means the column.
 */
const asText = (spec: IndexSpec) => columnsOf(spec).map((c) => `${c}::text AS _${c}`);
const textOf = (spec: IndexSpec, r: Record<string, unknown>) =>
  columnsOf(spec).map((c) => r[`_${c}`]);

// ------------------------------------------------------------------ server

beforeAll(async () => {
  pg = await startReferencePostgres({
    dataChecksums: true,
    extensions: ['pageinspect', 'amcheck', 'pg_buffercache'],
  });
  for (const [name, table] of Object.entries(TABLES)) {
    for (const rel of [name, `ours_${name}`]) {
      await pg.query(`CREATE TABLE ${rel} ${table.columns} WITH (autovacuum_enabled = off)`);
      await pg.query(`INSERT INTO ${rel} ${table.rows}`);
    }
  }
  for (const spec of SPECS) {
    await pg.query(
      `CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX ${spec.table}_${spec.name} ON ${spec.table} ${spec.sql}`,
    );
  }
  await pg.query('CHECKPOINT');
});

afterAll(async () => {
  await pg?.stop();
  console.log(
    `@pg/btree against PostgreSQL ${pg?.version}: ${tally.pagesOurs} pages built here and ` +
      `${tally.pagesTheirs} built there read by pageinspect, ${tally.items} items agreed ` +
      `(${tally.postings} posting lists, ${tally.truncatedPivots} truncated pivots, ` +
      `${tally.heapTidPivots} pivots with a heap TID, ${tally.deadItems} LP_DEAD); ` +
      `${tally.reformed} of PostgreSQL's items re-formed byte for byte; ${tally.scans} scans here ` +
      `and ${tally.pgScans} index scans there agreed; ${tally.installed} index files of ours ` +
      `verified by amcheck; allequalimage compared for ${tally.equalImageTypes} types`,
  );
});

// ----------------------------------------------------------------- helpers

/** A pool over a memory smgr; checksums on, as on the reference server. */
function newPool(smgr: MemorySmgr): BufferPool {
  return new BufferPool({ smgr, sharedBuffers: 1024 * BLCKSZ, checksums: true });
}

function descriptorOf(spec: IndexSpec, name: string) {
  return {
    name,
    keys: spec.keys,
    ...(spec.include ? { include: spec.include } : {}),
    ...(spec.unique ? { unique: true } : {}),
  };
}

/** A value of column `i` of the index from its text form (null for NULL). */
function fromText(spec: IndexSpec, i: number, s: unknown): unknown {
  return s === null ? null : val(allColumns(spec)[i]!.type as AnyPgType, s as string);
}

/** The text form of a value of column `i` (null for NULL). */
function toText(spec: IndexSpec, i: number, v: unknown): string | null {
  return v === null || v === undefined
    ? null
    : (allColumns(spec)[i]!.type as AnyPgType).output(v, ctx);
}

/** The index's relation file, every block, as the smgr holds it. */
function fileOf(smgr: MemorySmgr): Uint8Array {
  const n = smgr.nblocks(REL, main);
  const out = new Uint8Array(n * BLCKSZ);
  for (let b = 0; b < n; b++) smgr.read(REL, main, b, out.subarray(b * BLCKSZ, (b + 1) * BLCKSZ));
  return out;
}

/** A memory smgr holding `file` as the index's main fork. */
function load(file: Uint8Array): MemorySmgr {
  expect(file.length % BLCKSZ).toBe(0);
  const smgr = new MemorySmgr();
  smgr.create(REL, main);
  for (let b = 0; b < file.length / BLCKSZ; b++) {
    smgr.extend(REL, main, b, file.subarray(b * BLCKSZ, (b + 1) * BLCKSZ));
  }
  return smgr;
}

/** Opens an index file here (the pool verifies PostgreSQL's checksums as it reads). */
function open(spec: IndexSpec, index: string, file: Uint8Array) {
  const smgr = load(file);
  const pool = newPool(smgr);
  const tree = new BTree({ pool, rel: REL, descriptor: descriptorOf(spec, index) });
  return { smgr, pool, tree };
}

function blockOf(file: Uint8Array, b: number): Uint8Array {
  return file.slice(b * BLCKSZ, (b + 1) * BLCKSZ);
}

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join(' ');

const bytea = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);

async function relationFile(index: string): Promise<Uint8Array> {
  const [r] = await pg.query<{ path: string }>('SELECT pg_relation_filepath($1) AS path', [index]);
  return pg.readDataFile(r!.path);
}

/**
 * Puts `file` in place of the relation file of `index`, which PostgreSQL
 * must not have read into shared buffers yet (it writes a new index's
 * pages itself, past the buffer manager). The file keeps its inode, so
 * backends that have it open see the new contents.
 */
async function install(index: string, file: Uint8Array): Promise<void> {
  const [r] = await pg.query<{ path: string; cached: string }>(
    `SELECT pg_relation_filepath($1) AS path,
            (SELECT count(*) FROM pg_buffercache
              WHERE relfilenode = pg_relation_filenode($1)
                AND reldatabase = (SELECT oid FROM pg_database WHERE datname = current_database())) AS cached`,
    [index],
  );
  expect(Number(r!.cached), `pages of ${index} in shared buffers`).toBe(0);
  const dataDir = resolve(pg.dataDir);
  const path = resolve(dataDir, r!.path);
  expect(relative(dataDir, path).startsWith('..')).toBe(false);
  // Not a no-op: PostgreSQL's own build of the index is not what we built.
  expect(Buffer.compare(bytea(await pg.readDataFile(r!.path)), bytea(file))).not.toBe(0);
  writeFileSync(path, file);
  const [size] = await pg.query<{ size: string }>('SELECT pg_relation_size($1) AS size', [index]);
  expect(Number(size!.size)).toBe(file.length);
}

/** Index scans only (no sequential or bitmap scans) while `fn` runs. */
async function withIndexScans<T>(fn: () => Promise<T>): Promise<T> {
  await pg.query('SET enable_seqscan = off; SET enable_bitmapscan = off');
  try {
    return await fn();
  } finally {
    await pg.query('RESET enable_seqscan; RESET enable_bitmapscan');
  }
}

/** No index scans while `fn` runs. */
async function withoutIndexScans<T>(fn: () => Promise<T>): Promise<T> {
  await pg.query(
    'SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off',
  );
  try {
    return await fn();
  } finally {
    await pg.query('RESET enable_indexscan; RESET enable_indexonlyscan; RESET enable_bitmapscan');
  }
}

// ------------------------------------------------------------- pageinspect

type ItemRow = {
  itemoffset: number;
  ctid: string;
  itemlen: number;
  nulls: boolean;
  vars: boolean;
  data: string;
  dead: boolean | null;
  htid: string | null;
  tids: string[] | null;
};

/** What one file holds, by pageinspect's count. */
interface FileShape {
  blocks: number;
  leaves: number;
  internal: number;
  deleted: number;
  postings: number;
  truncated: number;
  heapTidPivots: number;
  dead: number;
}

/** What bt_page_items must say of a page, by our layout functions (contrib's bt_page_print_tuples). */
function expectedItems(bytes: Uint8Array, nkeys: number, shape: FileShape): ItemRow[] {
  const page = Page.wrap(bytes);
  const o = readOpaque(bytes);
  const leaf = (o.flags & BTP_LEAF) !== 0;
  const rightmost = o.next === 0;
  const rows: ItemRow[] = [];
  for (let off = 1; off <= page.maxOffsetNumber; off++) {
    const t = page.mustItem(off);
    const pivotSlot = !leaf || (!rightmost && off === P_HIKEY);
    // The data column stops before a posting list, or before a pivot's heap TID (MAXALIGNed).
    const end = isPosting(t)
      ? postingOffset(t)
      : isPivot(t) && pivotHeapTid(t)
        ? tupleSize(t) - 8
        : tupleSize(t);
    const htid = pivotSlot && !isPivot(t) ? null : heapTid(t);
    const dead = page.itemId(off).flags === LP_DEAD;
    rows.push({
      itemoffset: off,
      ctid: formatTid(readTid(t, 0)),
      itemlen: tupleSize(t),
      nulls: (t[7]! & 0x80) !== 0,
      vars: (t[7]! & 0x40) !== 0,
      data: hex(t.subarray(dataOffset(t), end)),
      dead: pivotSlot ? null : dead,
      htid: htid ? formatTid(htid) : null,
      tids: isPosting(t) ? postingTids(t).map(formatTid) : null,
    });
    if (dead) shape.dead++;
    if (isPosting(t)) shape.postings++;
    if (isPivot(t) && tupleNatts(t, nkeys) > 0) {
      if (tupleNatts(t, nkeys) < nkeys) shape.truncated++;
      if (pivotHeapTid(t)) shape.heapTidPivots++;
    }
  }
  return rows;
}

/**
 * Hands every page of an index file to pageinspect as bytea: the header
 * (page_header) and checksum (page_checksum) agree with ours, and
 * bt_page_items returns, item for item, what our layout functions read
 * (nothing, and no error, for a deleted page).
 */
async function expectPageinspectAgrees(
  file: Uint8Array,
  nkeys: number,
  what: string,
): Promise<FileShape> {
  const blocks = file.length / BLCKSZ;
  const shape: FileShape = {
    blocks,
    leaves: 0,
    internal: 0,
    deleted: 0,
    postings: 0,
    truncated: 0,
    heapTidPivots: 0,
    dead: 0,
  };
  for (let b = 0; b < blocks; b++) {
    const bytes = blockOf(file, b);
    const page = Page.wrap(bytes);
    const where = `${what}, block ${b}`;
    const [h] = await pg.query<{
      lower: number;
      upper: number;
      special: number;
      pagesize: number;
      version: number;
      checksum: number;
      computed: number;
    }>('SELECT h.*, page_checksum($1, $2) AS computed FROM page_header($1) h', [bytea(bytes), b]);
    expect(
      { ...h, checksum: (h!.checksum + 65536) % 65536, computed: (h!.computed + 65536) % 65536 },
      where,
    ).toMatchObject({
      lower: page.lower,
      upper: page.upper,
      special: BLCKSZ - 16,
      pagesize: BLCKSZ,
      version: 4,
      checksum: page.checksum,
      computed: page.checksum,
    });
    const o = readOpaque(bytes);
    if (b === 0) {
      expect(o.flags & BTP_META, where).toBe(BTP_META);
      continue;
    }
    const rows = await pg.query<ItemRow>(
      `SELECT itemoffset, ctid::text AS ctid, itemlen, nulls, vars, data, dead,
              htid::text AS htid, tids::text[] AS tids
         FROM bt_page_items($1) ORDER BY itemoffset`,
      [bytea(bytes)],
    );
    if ((o.flags & BTP_DELETED) !== 0) {
      shape.deleted++;
      expect(rows, where).toEqual([]);
      continue;
    }
    if ((o.flags & BTP_LEAF) !== 0) shape.leaves++;
    else shape.internal++;
    expect(rows, where).toEqual(expectedItems(bytes, nkeys, shape));
    tally.items += rows.length;
  }
  tally.postings += shape.postings;
  tally.truncatedPivots += shape.truncated;
  tally.heapTidPivots += shape.heapTidPivots;
  tally.deadItems += shape.dead;
  return shape;
}

/**
 * Re-forms every item of an index's pages from what we decode of it —
 * formTuple of its values, formPosting of its heap TIDs, formPivot of its
 * kept key columns and heap TID — and returns the items whose bytes differ.
 * A pivot keeps the block number of its t_tid (a downlink, or in a high
 * key whatever _bt_truncate copied from firstright).
 */
function reformMismatches(tree: BTree, file: Uint8Array): string[] {
  const shape = tree.shape;
  const out: string[] = [];
  for (let b = 1; b < file.length / BLCKSZ; b++) {
    const bytes = blockOf(file, b);
    const page = Page.wrap(bytes);
    if (page.isNew() || isIgnored(bytes)) continue;
    for (let off = 1; off <= page.maxOffsetNumber; off++) {
      const t = page.mustItem(off);
      let again: Uint8Array;
      if (isPivot(t)) {
        const natts = tupleNatts(t, shape.natts);
        const block = readTid(t, 0).block;
        again = formPivot(shape.keyTypes, shape.keys(t), natts, pivotHeapTid(t), block);
      } else if (isPosting(t)) {
        const tids = postingTids(t);
        again = formPosting(formTuple(shape.types, shape.values(t), tids[0]!), tids);
      } else {
        again = formTuple(shape.types, shape.values(t), readTid(t, 0));
      }
      tally.reformed++;
      if (hex(again) !== hex(t)) {
        out.push(`block ${b} item ${off}: PostgreSQL ${hex(t)}, re-formed ${hex(again)}`);
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------- scans

/**
 * Rows [tid, keys..., included...] with each run of equal keys put in heap
 * TID order. A backward scan is compared in this form: PostgreSQL 15
 * returns a posting list's TIDs in ascending order even in a backward scan
 * (nbtsearch.c, _bt_readpage: "we deliberately save/return items from
 * posting lists in ascending heap TID order for backwards scans"), so only
 * the order of the keys is the same.
 */
function byKeysThenTids(rows: readonly unknown[][], nkeys: number): unknown[][] {
  const out: unknown[][] = [];
  let run: unknown[][] = [];
  const keyOf = (r: readonly unknown[]) => JSON.stringify(r.slice(1, 1 + nkeys));
  const flush = () => {
    run.sort((x, y) => compareTids(parseTid(x[0] as string), parseTid(y[0] as string)));
    out.push(...run);
    run = [];
  };
  for (const r of rows) {
    if (run.length > 0 && keyOf(run[0]!) !== keyOf(r)) flush();
    run.push(r);
  }
  flush();
  return out;
}

/** Our scan: rows [tid, values as text...]. */
function scanHere(
  tree: BTree,
  spec: IndexSpec,
  keys: readonly ScanKey[],
  backward: boolean,
): unknown[][] {
  const scan = tree.beginScan();
  scan.rescan(keys);
  const out: unknown[][] = [];
  const dir = backward ? 'backward' : 'forward';
  for (let r = scan.next(dir); r !== null; r = scan.next(dir)) {
    out.push([formatTid(r.tid), ...r.values!.map((v, i) => toText(spec, i, v))]);
  }
  scan.end();
  tally.scans++;
  return out;
}

/** PostgreSQL's rows matching `where` in the index's order (of the scan direction): [tid, values as text...]. */
async function rowsThere(
  table: string,
  spec: IndexSpec,
  where: string,
  order: string,
): Promise<unknown[][]> {
  const rows = await pg.query<Record<string, unknown>>(
    `SELECT ctid::text AS tid, ${asText(spec).join(', ')} FROM ${table} WHERE ${where} ORDER BY ${order}`,
  );
  return rows.map((r) => [r.tid, ...textOf(spec, r)]);
}

/** Every scan case, both ways, here against PostgreSQL's rows. */
async function expectScansAgree(tree: BTree, table: string, spec: IndexSpec): Promise<void> {
  for (const c of spec.cases) {
    for (const backward of [false, true]) {
      const expected = await rowsThere(table, spec, c.where, orderBy(spec, backward, true));
      const got = scanHere(tree, spec, c.keys, backward);
      const what = `${spec.name}: ${c.where} ${backward ? 'backward' : 'forward'}`;
      const n = spec.keys.length;
      if (backward) expect(byKeysThenTids(got, n), what).toEqual(byKeysThenTids(expected, n));
      else expect(got, what).toEqual(expected);
    }
  }
}

/**
 * PostgreSQL's index scans through `index` (forced, and checked with
 * EXPLAIN) return the rows its sequential scan and sort return, in the
 * same order: keys, then heap TID (exactly, forward; see byKeysThenTids
 * for backward).
 */
async function expectIndexScansThereAgree(
  table: string,
  index: string,
  spec: IndexSpec,
): Promise<void> {
  for (const c of spec.cases) {
    for (const backward of [false, true]) {
      const what = `${index}: ${c.where} ${backward ? 'backward' : 'forward'}`;
      const sql = `SELECT ctid::text AS tid, ${asText(spec).join(', ')} FROM ${table}
                    WHERE ${c.where} ORDER BY ${orderBy(spec, backward, false)}`;
      const { plan, viaIndex } = await withIndexScans(async () => ({
        plan: (await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${sql}`))
          .map((r) => r['QUERY PLAN'])
          .join('\n'),
        viaIndex: await rowsThere(table, spec, c.where, orderBy(spec, backward, false)),
      }));
      // An equality on every key column makes the order moot: the scan may then run either way.
      const ran = new RegExp(`Index Scan (Backward )?using ${index} `).exec(plan);
      expect(ran, `${what}:\n${plan}`).not.toBeNull();
      const viaSeqScan = await withoutIndexScans(() =>
        rowsThere(table, spec, c.where, orderBy(spec, backward, true)),
      );
      const n = spec.keys.length;
      if (ran![1] === undefined && !backward) expect(viaIndex, what).toEqual(viaSeqScan);
      else expect(byKeysThenTids(viaIndex, n), what).toEqual(byKeysThenTids(viaSeqScan, n));
      tally.pgScans++;
    }
  }
}

/** bt_metap of an index PostgreSQL reads, against our meta(). */
async function expectMetaAgrees(tree: BTree, index: string): Promise<void> {
  const [m] = await pg.query<Record<string, unknown>>(`SELECT * FROM bt_metap('${index}')`);
  const meta = tree.meta();
  expect({
    magic: Number(m!.magic),
    version: Number(m!.version),
    root: Number(m!.root),
    level: Number(m!.level),
    fastroot: Number(m!.fastroot),
    fastlevel: Number(m!.fastlevel),
    last_cleanup_num_delpages: Number(m!.last_cleanup_num_delpages),
    last_cleanup_num_tuples: Number(m!.last_cleanup_num_tuples),
    allequalimage: m!.allequalimage,
  }).toEqual({
    magic: meta.magic,
    version: meta.version,
    root: meta.root,
    level: meta.level,
    fastroot: meta.fastRoot,
    fastlevel: meta.fastLevel,
    last_cleanup_num_delpages: meta.lastCleanupNumDelPages,
    last_cleanup_num_tuples: meta.lastCleanupNumHeapTuples,
    allequalimage: meta.allEqualImage,
  });
}

/** bt_page_stats of every page of an index PostgreSQL reads, against our reading of the file. */
async function expectPageStatsAgree(index: string, file: Uint8Array): Promise<void> {
  for (let b = 1; b < file.length / BLCKSZ; b++) {
    const bytes = blockOf(file, b);
    const page = Page.wrap(bytes);
    const o = readOpaque(bytes);
    const deleted = (o.flags & BTP_DELETED) !== 0;
    let live = 0;
    let dead = 0;
    let size = 0;
    if (!deleted) {
      for (let off = 1; off <= page.maxOffsetNumber; off++) {
        if (page.itemId(off).flags === LP_DEAD) dead++;
        else live++;
        size += tupleSize(page.mustItem(off));
      }
    }
    const type = deleted
      ? (o.flags & BTP_LEAF) !== 0 || (o.flags & BTP_HAS_FULLXID) === 0
        ? 'd'
        : 'D'
      : isIgnored(bytes)
        ? 'e'
        : (o.flags & BTP_LEAF) !== 0
          ? 'l'
          : (o.flags & BTP_ROOT) !== 0
            ? 'r'
            : 'i';
    const [s] = await pg.query<Record<string, unknown>>(
      `SELECT * FROM bt_page_stats('${index}', ${b})`,
    );
    expect(
      {
        type: s!.type,
        live: Number(s!.live_items),
        dead: Number(s!.dead_items),
        avg: Number(s!.avg_item_size),
        free: Number(s!.free_size),
        prev: Number(s!.btpo_prev),
        next: Number(s!.btpo_next),
        level: Number(s!.btpo_level),
        flags: Number(s!.btpo_flags),
      },
      `${index} block ${b}`,
    ).toEqual({
      type,
      live,
      dead,
      avg: live + dead > 0 ? Math.floor(size / (live + dead)) : 0,
      free: page.freeSpace(),
      prev: o.prev,
      next: o.next,
      level: o.level,
      flags: o.flags,
    });
  }
}

/** amcheck's strictest check: structure, parent-child agreement, and every heap row found from the root. */
async function amcheck(index: string): Promise<void> {
  await pg.query(
    `SELECT bt_index_parent_check('${index}', heapallindexed => true, rootdescend => true)`,
  );
}

/**
 * PostgreSQL reads our file in place of `index`'s: amcheck passes,
 * bt_metap and bt_page_stats say what we say, and its index scans return
 * what its sequential scans return.
 */
async function expectPostgresUsesOurs(
  table: string,
  index: string,
  spec: IndexSpec,
  tree: BTree,
  file: Uint8Array,
): Promise<void> {
  await install(index, file);
  await amcheck(index);
  await expectMetaAgrees(tree, index);
  await expectPageStatsAgree(index, file);
  await expectIndexScansThereAgree(table, index, spec);
  tally.installed++;
}

/** The rows of a table as [tid, index columns as text] for inserting into an index. */
async function rowsToInsert(table: string, spec: IndexSpec, order: string) {
  const rows = await pg.query<Record<string, unknown>>(
    `SELECT ctid::text AS tid, ${asText(spec).join(', ')} FROM ${table} ORDER BY ${order}`,
  );
  return rows.map((r) => ({
    tid: parseTid(r.tid as string),
    values: textOf(spec, r).map((v, i) => fromText(spec, i, v)),
  }));
}

// ------------------------------------------------------------------- tests

describe('trees built here, read by PostgreSQL 15', () => {
  for (const spec of SPECS) {
    it(`${spec.table} ${spec.sql}${spec.unique ? ' unique' : ''}: pageinspect reads every page as we do, and PostgreSQL verifies and scans the index`, async () => {
      const table = `ours_${spec.table}`;
      const index = `${table}_${spec.name}`;
      const t = TABLES[spec.table];
      const rows = await rowsToInsert(table, spec, `(id::bigint * 7919) % ${t.shuffle}, id`);
      expect(rows.length).toBe(t.count);
      const smgr = new MemorySmgr();
      const pool = newPool(smgr);
      const tree = BTree.create({ pool, rel: REL, descriptor: descriptorOf(spec, index) });
      for (const r of rows) tree.insert(r.values, r.tid);
      expect(checkTree(tree)).toEqual([]);
      pool.flushAll();
      const file = fileOf(smgr);
      tally.pagesOurs += file.length / BLCKSZ;

      const shape = await expectPageinspectAgrees(file, spec.keys.length, index);
      expect(tree.meta().level).toBeGreaterThanOrEqual(spec.table === 'long' ? 2 : 1);
      expect(shape.internal).toBeGreaterThan(0);
      // Deduplication where PostgreSQL would deduplicate, and only there.
      if (spec.name === 'a' || spec.name === 'b' || spec.name === 's_big_d')
        expect(shape.postings).toBeGreaterThan(0);
      if (!tree.meta().allEqualImage) expect(shape.postings).toBe(0);
      if (spec.keys.length > 1) expect(shape.truncated).toBeGreaterThan(0);

      // Our scans of our tree against PostgreSQL's rows.
      await expectScansAgree(tree, table, spec);

      await pg.query(
        `CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX ${index} ON ${table} ${spec.sql}`,
      );
      await expectPostgresUsesOurs(table, index, spec, tree, file);
      await pg.query(`DROP INDEX ${index}`);
    });
  }
});

describe("PostgreSQL 15's indexes, read here", () => {
  for (const spec of SPECS) {
    it(`${spec.table} ${spec.sql}${spec.unique ? ' unique' : ''}: checkTree, meta, re-formed items and scans agree`, async () => {
      const index = `${spec.table}_${spec.name}`;
      const file = await relationFile(index);
      tally.pagesTheirs += file.length / BLCKSZ;
      const { tree } = open(spec, index, file);
      expect(checkTree(tree)).toEqual([]);
      await expectMetaAgrees(tree, index);
      expect(reformMismatches(tree, file)).toEqual([]);
      const shape = await expectPageinspectAgrees(file, spec.keys.length, index);
      expect(shape.leaves).toBeGreaterThan(1);
      await expectScansAgree(tree, spec.table, spec);
    });
  }
});

describe("PostgreSQL 15's index, changed here, then by PostgreSQL again", () => {
  for (const spec of [SPECS[0]!, SPECS[2]!]) {
    it(`t ${spec.sql}: grown and shrunk here after PostgreSQL's DELETE and VACUUM, then hinted and vacuumed there`, async () => {
      const table = `grow_${spec.name}`;
      const index = `${table}_idx`;
      await pg.query(`CREATE TABLE ${table} ${TABLES.t.columns} WITH (autovacuum_enabled = off)`);
      await pg.query(`INSERT INTO ${table} ${T_ROWS}`);
      await pg.query(`CREATE INDEX ${index} ON ${table} ${spec.sql}`);
      // Empty whole leaf pages (VACUUM deletes them) and leave holes in the heap for new rows.
      await pg.query(`DELETE FROM ${table} WHERE a BETWEEN 150 AND 720 OR id % 10 = 0`);
      await pg.query(`VACUUM ${table}`);
      await pg.query('CHECKPOINT');
      const theirs = await relationFile(index);
      const vacuumed = await expectPageinspectAgrees(theirs, spec.keys.length, `${index} vacuumed`);
      expect(vacuumed.deleted).toBeGreaterThan(0);
      const { smgr, pool, tree } = open(spec, index, theirs);
      expect(checkTree(tree)).toEqual([]);
      await expectMetaAgrees(tree, index);

      // New rows, many in the heap's holes: TIDs inside existing posting lists.
      const added = await pg.query<Record<string, unknown> & { tid: string }>(
        `INSERT INTO ${table}
           SELECT 10000 + g, CASE WHEN g % 37 = 0 THEN NULL ELSE (g * 13) % 1600 END,
                  CASE WHEN g % 5 = 0 THEN repeat('q', 200 + g % 100) ELSE 'k' || (g % 700) END
             FROM generate_series(1, 900) g
         RETURNING ctid::text AS tid, ${asText(spec).join(', ')}`,
      );
      for (const r of added) {
        tree.insert(
          textOf(spec, r).map((v, i) => fromText(spec, i, v)),
          parseTid(r.tid),
        );
      }
      expect(checkTree(tree)).toEqual([]);
      expect(tree.stats.splits).toBeGreaterThan(0);
      if (spec.name === 'a') expect(tree.stats.postingSplits).toBeGreaterThan(0);

      // Rows PostgreSQL deletes go here too (bulkDelete), emptying leaf pages we then delete.
      const gone = await pg.query<{ tid: string }>(
        `DELETE FROM ${table} WHERE a BETWEEN 1200 AND 1400 RETURNING ctid::text AS tid`,
      );
      const goneTids = new Set(gone.map((r) => r.tid));
      const removed = tree.bulkDelete((tid) => goneTids.has(formatTid(tid)));
      expect(removed.tuplesRemoved).toBe(gone.length);
      expect(tree.stats.pagesDeleted).toBeGreaterThan(0);
      expect(checkTree(tree)).toEqual([]);
      await expectScansAgree(tree, table, spec);
      pool.flushAll();
      const file = fileOf(smgr);
      tally.pagesOurs += file.length / BLCKSZ;
      const changed = await expectPageinspectAgrees(
        file,
        spec.keys.length,
        `${index} changed here`,
      );
      expect(changed.deleted).toBeGreaterThan(vacuumed.deleted);
      // A new relation file for the index, not yet read, then ours in its place.
      await pg.query(`REINDEX INDEX ${index}`);
      await expectPostgresUsesOurs(table, index, spec, tree, file);

      // PostgreSQL writes into our file: its index scans mark the entries of rows it deleted
      // LP_DEAD (kill_prior_tuple), then VACUUM removes them and deletes the pages they emptied.
      await pg.query(`DELETE FROM ${table} WHERE a BETWEEN 800 AND 1000`);
      await withIndexScans(() =>
        pg.query(`SELECT id FROM ${table} WHERE a BETWEEN 800 AND 1000 ORDER BY a`),
      );
      await pg.query('CHECKPOINT');
      const hinted = await relationFile(index);
      const hintedShape = await expectPageinspectAgrees(
        hinted,
        spec.keys.length,
        `${index} hinted`,
      );
      expect(hintedShape.dead).toBeGreaterThan(0);
      expect(checkTree(open(spec, index, hinted).tree)).toEqual([]);
      await pg.query(`VACUUM ${table}`);
      await amcheck(index);
      await pg.query('CHECKPOINT');
      const final = await relationFile(index);
      const finalShape = await expectPageinspectAgrees(
        final,
        spec.keys.length,
        `${index} vacuumed`,
      );
      expect(finalShape.dead).toBe(0);
      expect(finalShape.deleted).toBeGreaterThan(changed.deleted);
      const reopened = open(spec, index, final).tree;
      expect(checkTree(reopened)).toEqual([]);
      await expectMetaAgrees(reopened, index);
      await expectScansAgree(reopened, table, spec);
    });
  }
});

describe('btm_allequalimage', () => {
  it('for each built-in type with a default B-tree operator class, our metapage allows deduplication exactly when PostgreSQL does', async () => {
    const candidates = await pg.query<{ typname: string }>(
      `SELECT typname FROM pg_type
        WHERE typname = ANY($1) AND typtype IN ('b', 'e', 'd') AND typrelid = 0 AND typisdefined
        ORDER BY 1`,
      [builtins.types().map((t) => t.name)],
    );
    const compared: string[] = [];
    const wrong: string[] = [];
    for (const { typname } of candidates) {
      const table = `eq_${typname}`;
      try {
        await pg.query(`CREATE TABLE ${table} (c "${typname}")`);
        await pg.query(`CREATE INDEX ${table}_idx ON ${table} (c)`);
      } catch (e) {
        // No default B-tree operator class (42704), or not a column type at all.
        const code = (e as { code?: string }).code;
        if (code === '42704' || code === '42P16' || code === '0A000') continue;
        throw e;
      }
      const [m] = await pg.query<{ allequalimage: boolean }>(
        `SELECT allequalimage FROM bt_metap('${table}_idx')`,
      );
      const tree = BTree.create({
        pool: newPool(new MemorySmgr()),
        rel: REL,
        descriptor: { name: `${table}_idx`, keys: [{ name: 'c', type: typ(typname) }] },
      });
      compared.push(typname);
      if (tree.meta().allEqualImage !== m!.allequalimage) {
        wrong.push(`${typname}: ours ${tree.meta().allEqualImage}, PostgreSQL ${m!.allequalimage}`);
      }
    }
    tally.equalImageTypes = compared.length;
    console.log(`allequalimage compared for: ${compared.join(' ')}`);
    expect(compared.length).toBeGreaterThan(30);
    expect(wrong).toEqual([]);
  });
});
