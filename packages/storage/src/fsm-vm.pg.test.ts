/**
 * Byte compatibility of the free space map and the visibility map with real
 * PostgreSQL 15 (data checksums on):
 *
 * 1. PostgreSQL's own _fsm and _vm files (tables filled, deleted from,
 *    vacuumed, truncated by vacuum, inserted into again, checkpointed) read
 *    through our buffer pool and maps give, for every heap block, what
 *    pg_freespace() (contrib's pg_freespacemap) and pg_visibility_map()
 *    (contrib's pg_visibility) say, and the counts of
 *    pg_visibility_map_summary(). One table is large enough (4,200 pages)
 *    for its FSM to need two leaf pages.
 * 2. The same contents recorded through our interface (recordFreeSpace per
 *    heap block then vacuum; set per heap block) give the same bytes as
 *    PostgreSQL's files, apart from pd_lsn and pd_checksum, and pageinspect's
 *    fsm_page_contents(), page_header() and page_checksum() read our pages as
 *    they read PostgreSQL's.
 */
import { Page } from '@pg/page';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import {
  BufferPool,
  ForkNumber,
  INVALID_BLOCK_NUMBER,
  MemorySmgr,
  type RelFileLocator,
} from '@pg/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FreeSpaceMap, fsmSpaceAvailToCat, fsmSpaceNeededToCat } from './internal/fsm.js';
import { OFF_FP_NEXT_SLOT, OFF_FP_NODES } from './internal/fsm-page.js';
import {
  VISIBILITYMAP_ALL_FROZEN,
  VISIBILITYMAP_ALL_VISIBLE,
  VisibilityMap,
} from './internal/vm.js';

const REL: RelFileLocator = { spcOid: 1663, dbOid: 5, relNumber: 16384 };
const BLCKSZ = 8192;

let pg: ReferencePostgres;

/** What PostgreSQL says about one table, and its files. */
interface Reference {
  readonly heapBlocks: number;
  readonly freeSpace: number[];
  readonly flags: number[];
  readonly summary: { allVisible: number; allFrozen: number };
  readonly fsmFile: Uint8Array;
  readonly vmFile: Uint8Array;
}
const tables = new Map<string, Reference>();

beforeAll(async () => {
  pg = await startReferencePostgres({
    dataChecksums: true,
    extensions: ['pageinspect', 'pg_freespacemap', 'pg_visibility'],
  });
  // t: ~400 pages of rows of varied width, every visibility state.
  await run(`
    CREATE TABLE t (id int, pad text) WITH (autovacuum_enabled = off);
    INSERT INTO t SELECT g, repeat('x', 20 + (g * 7919) % 420) FROM generate_series(1, 12000) g;
    VACUUM (FREEZE) t;
    DELETE FROM t WHERE (id % 3 = 0 AND id % 1000 < 450) OR (id % 11 = 0 AND id % 700 > 500);
    DELETE FROM t WHERE id > 11200;
    VACUUM t;
    INSERT INTO t SELECT g, repeat('z', 30 + (g * 13) % 200) FROM generate_series(20001, 21500) g;
    VACUUM t;
    DELETE FROM t WHERE id % 97 = 0;
  `);
  // big: 4,200 pages, so its FSM has two leaf pages (a leaf covers 4,069 heap pages).
  await run(`
    CREATE TABLE big (id int, pad text) WITH (autovacuum_enabled = off);
    INSERT INTO big SELECT g, repeat('y', 100 + (g * 31) % 1500) FROM generate_series(1, 40000) g;
    DELETE FROM big WHERE id % 5 = 0 OR (id / 50) % 9 = 0;
    VACUUM big;
    DELETE FROM big WHERE id % 1009 = 0;
    CHECKPOINT;
  `);
  for (const name of ['t', 'big']) tables.set(name, await reference(name));
});

/** Runs statements one at a time (VACUUM cannot run in the implicit transaction of a multi-statement query). */
async function run(sql: string): Promise<void> {
  for (const statement of sql.split(';')) if (statement.trim() !== '') await pg.query(statement);
}

afterAll(async () => {
  await pg?.stop();
  for (const [name, ref] of tables) {
    const st = stats(ref);
    console.log(
      `${name} on PostgreSQL ${pg?.version}: ${ref.heapBlocks} heap pages, ${st.distinctFree} distinct ` +
        `free-space values, ${st.visible} all-visible, ${st.frozen} all-frozen; ` +
        `_fsm ${ref.fsmFile.length / BLCKSZ} blocks, _vm ${ref.vmFile.length / BLCKSZ} blocks`,
    );
  }
});

async function reference(table: string): Promise<Reference> {
  const [file] = await pg.query<{ path: string; size: string }>(
    `SELECT pg_relation_filepath('${table}') AS path, pg_relation_size('${table}') AS size`,
  );
  const heapBlocks = Number(file!.size) / BLCKSZ;
  const fsmRows = await pg.query<{ blkno: string; avail: number }>(
    `SELECT blkno, avail FROM pg_freespace('${table}') ORDER BY blkno`,
  );
  const vmRows = await pg.query<{ blkno: string; all_visible: boolean; all_frozen: boolean }>(
    `SELECT blkno, all_visible, all_frozen FROM pg_visibility_map('${table}') ORDER BY blkno`,
  );
  const [summary] = await pg.query<{ all_visible: string; all_frozen: string }>(
    `SELECT all_visible, all_frozen FROM pg_visibility_map_summary('${table}')`,
  );
  expect(fsmRows.length).toBe(heapBlocks);
  expect(vmRows.length).toBe(heapBlocks);
  return {
    heapBlocks,
    freeSpace: fsmRows.map((r) => r.avail),
    flags: vmRows.map(
      (r) =>
        (r.all_visible ? VISIBILITYMAP_ALL_VISIBLE : 0) |
        (r.all_frozen ? VISIBILITYMAP_ALL_FROZEN : 0),
    ),
    summary: { allVisible: Number(summary!.all_visible), allFrozen: Number(summary!.all_frozen) },
    fsmFile: await pg.readDataFile(`${file!.path}_fsm`),
    vmFile: await pg.readDataFile(`${file!.path}_vm`),
  };
}

/** A storage manager holding a relation: a main fork of `heapBlocks` (empty) blocks, and the given forks. */
function load(heapBlocks: number, forks: { fsm?: Uint8Array; vm?: Uint8Array }): MemorySmgr {
  const smgr = new MemorySmgr();
  smgr.create(REL, ForkNumber.main);
  if (heapBlocks > 0) smgr.extend(REL, ForkNumber.main, heapBlocks - 1, new Uint8Array(BLCKSZ));
  for (const [fork, file] of [
    [ForkNumber.fsm, forks.fsm],
    [ForkNumber.vm, forks.vm],
  ] as const) {
    if (!file) continue;
    expect(file.length % BLCKSZ).toBe(0);
    smgr.create(REL, fork);
    for (let b = 0; b < file.length / BLCKSZ; b++) {
      smgr.extend(REL, fork, b, file.subarray(b * BLCKSZ, (b + 1) * BLCKSZ));
    }
  }
  return smgr;
}

function block(file: Uint8Array, b: number): Uint8Array {
  return file.slice(b * BLCKSZ, (b + 1) * BLCKSZ);
}

function stats(ref: Reference) {
  const visible = ref.flags.filter((f) => f & VISIBILITYMAP_ALL_VISIBLE).length;
  const frozen = ref.flags.filter((f) => f & VISIBILITYMAP_ALL_FROZEN).length;
  const distinctFree = new Set(ref.freeSpace).size;
  return { visible, frozen, distinctFree };
}

describe('maps written by PostgreSQL 15, read here', () => {
  for (const table of ['t', 'big']) {
    it(`${table}: getFreeSpace and getStatus agree with pg_freespace and pg_visibility_map for every heap block`, () => {
      const ref = tables.get(table)!;
      const st = stats(ref);
      // The fixture is varied enough to mean something.
      expect(ref.heapBlocks).toBeGreaterThan(table === 't' ? 300 : 4069);
      expect(st.distinctFree).toBeGreaterThan(20);
      expect(st.visible).toBeGreaterThan(0);
      expect(st.visible).toBeLessThan(ref.heapBlocks);
      if (table === 't') {
        expect(st.frozen).toBeGreaterThan(0);
        expect(st.frozen).toBeLessThan(st.visible);
      }
      const smgr = load(ref.heapBlocks, { fsm: ref.fsmFile, vm: ref.vmFile });
      expect(smgr.nblocks(REL, ForkNumber.fsm)).toBe(table === 't' ? 3 : 4);
      const pool = new BufferPool({ smgr, sharedBuffers: 16 * BLCKSZ, checksums: true });
      const fsm = new FreeSpaceMap(pool);
      const vm = new VisibilityMap(pool);
      const freeWrong: string[] = [];
      const flagsWrong: string[] = [];
      for (let b = 0; b < ref.heapBlocks; b++) {
        const free = fsm.getFreeSpace(REL, b);
        if (free !== ref.freeSpace[b])
          freeWrong.push(`block ${b}: ours ${free}, PostgreSQL ${ref.freeSpace[b]}`);
        const flags = vm.getStatus(REL, b);
        if (flags !== ref.flags[b])
          flagsWrong.push(`block ${b}: ours ${flags}, PostgreSQL ${ref.flags[b]}`);
      }
      expect(freeWrong).toEqual([]);
      expect(flagsWrong).toEqual([]);
      expect(vm.count(REL)).toEqual(ref.summary);
      // Blocks past the end of the heap have nothing recorded.
      expect(fsm.getFreeSpace(REL, ref.heapBlocks)).toBe(0);
      expect(vm.getStatus(REL, ref.heapBlocks)).toBe(0);
      // Nothing failed verification: PostgreSQL's checksums are ours.
      expect(fsm.stats.zeroedPages + vm.stats.zeroedPages).toBe(0);

      // Searches over PostgreSQL's tree: vacuum left its upper levels exact, so a search finds
      // a page with enough space exactly when there is one.
      for (const needed of [0, 100, 500, 1000, 2000, 4000, 6000, 8000]) {
        const minCat = fsmSpaceNeededToCat(needed);
        const got = fsm.getPageWithFreeSpace(REL, needed);
        const any = ref.freeSpace.some((f) => fsmSpaceAvailToCat(f) >= minCat);
        if (got === INVALID_BLOCK_NUMBER)
          expect(any, `nothing found for ${needed} bytes`).toBe(false);
        else expect(fsmSpaceAvailToCat(ref.freeSpace[got]!)).toBeGreaterThanOrEqual(minCat);
      }
      expect(
        fsm.stats.upperSlotsFixed + fsm.stats.corruptPagesFixed + fsm.stats.pastEndSlotsFixed,
      ).toBe(0);
    });
  }
});

describe('maps written here, read by PostgreSQL 15', () => {
  for (const table of ['t', 'big']) {
    it(`${table}: the same contents give PostgreSQL's bytes, and pageinspect reads our pages`, async () => {
      const ref = tables.get(table)!;
      const smgr = load(ref.heapBlocks, {});
      const pool = new BufferPool({ smgr, sharedBuffers: 16 * BLCKSZ, checksums: true });
      const fsm = new FreeSpaceMap(pool);
      const vm = new VisibilityMap(pool);
      for (let b = 0; b < ref.heapBlocks; b++) {
        if (ref.freeSpace[b]! > 0) fsm.recordFreeSpace(REL, b, ref.freeSpace[b]!);
        if (ref.flags[b]! !== 0) vm.set(REL, b, ref.flags[b]!);
      }
      fsm.vacuum(REL);
      pool.flushAll();

      const fsmBlocks = ref.fsmFile.length / BLCKSZ;
      expect(smgr.nblocks(REL, ForkNumber.fsm)).toBe(fsmBlocks);
      for (let b = 0; b < fsmBlocks; b++) {
        const ours = new Uint8Array(BLCKSZ);
        smgr.read(REL, ForkNumber.fsm, b, ours);
        const theirs = block(ref.fsmFile, b);
        // The header past pd_lsn and pd_checksum, and the tree, byte for byte.
        expect(Buffer.from(ours.subarray(10, 24))).toEqual(Buffer.from(theirs.subarray(10, 24)));
        expect(Buffer.from(ours.subarray(OFF_FP_NODES))).toEqual(
          Buffer.from(theirs.subarray(OFF_FP_NODES)),
        );
        expect(new DataView(ours.buffer).getInt32(OFF_FP_NEXT_SLOT, true)).toBe(0);
        // pageinspect reads our page as it reads PostgreSQL's.
        const [a] = await pg.query<{ c: string }>('SELECT fsm_page_contents($1::bytea) AS c', [
          Buffer.from(ours),
        ]);
        const [z] = await pg.query<{ c: string }>(
          `SELECT fsm_page_contents(get_raw_page('${table}', 'fsm', ${b})) AS c`,
        );
        expect(nodeLines(a!.c)).toEqual(nodeLines(z!.c));
        expect(a!.c).toContain('fp_next_slot: 0');
        await checkHeaderAndChecksum(ours, b);
      }

      const vmBlocks = ref.vmFile.length / BLCKSZ;
      expect(smgr.nblocks(REL, ForkNumber.vm)).toBe(vmBlocks);
      for (let b = 0; b < vmBlocks; b++) {
        const ours = new Uint8Array(BLCKSZ);
        smgr.read(REL, ForkNumber.vm, b, ours);
        const theirs = block(ref.vmFile, b);
        expect(Buffer.from(ours.subarray(10))).toEqual(Buffer.from(theirs.subarray(10)));
        expect(Page.wrap(theirs).lsn).toBeGreaterThan(0n); // PostgreSQL's set() was WAL-logged
        await checkHeaderAndChecksum(ours, b);
      }
    });
  }
});

/** fsm_page_contents() lines for the nodes (all but fp_next_slot). */
function nodeLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('fp_next_slot'));
}

async function checkHeaderAndChecksum(page: Uint8Array, blockNumber: number): Promise<void> {
  const [h] = await pg.query<{
    lower: number;
    upper: number;
    special: number;
    pagesize: number;
    version: number;
  }>('SELECT lower, upper, special, pagesize, version FROM page_header($1::bytea)', [
    Buffer.from(page),
  ]);
  expect(h).toEqual({ lower: 24, upper: 8192, special: 8192, pagesize: 8192, version: 4 });
  const [c] = await pg.query<{ checksum: number }>(
    'SELECT page_checksum($1::bytea, $2) AS checksum',
    [Buffer.from(page), blockNumber],
  );
  const stored = new DataView(page.buffer, page.byteOffset).getUint16(8, true);
  expect((c!.checksum + 65536) % 65536).toBe(stored);
}
