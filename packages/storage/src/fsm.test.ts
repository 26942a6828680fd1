/**
 * The free space map: PostgreSQL's arithmetic (categories, addressing),
 * its search and repair behaviour, and a model-based property test of
 * random sequences of records, searches, vacuums, truncations and
 * evictions over a relation of up to 70,000 heap blocks (18 FSM leaf
 * pages, more than the 16-buffer pool holds), with the invariants F1..F4
 * checked after every step.
 */
import { Page } from '@pg/page';
import {
  BufferPool,
  ForkNumber,
  INVALID_BLOCK_NUMBER,
  MemorySmgr,
  type RelFileLocator,
  StorageError,
} from '@pg/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkFsmFork,
  FreeSpaceMap,
  fsmGetChild,
  fsmGetHeapBlock,
  fsmGetLocation,
  fsmGetParent,
  fsmLogicalToPhysical,
  fsmSpaceAvailToCat,
  fsmSpaceCatToAvail,
  fsmSpaceNeededToCat,
  MAX_FSM_REQUEST_SIZE,
} from './internal/fsm.js';
import {
  checkFsmPage,
  fsmGetAvail,
  fsmGetMaxAvail,
  fsmGetNextSlot,
  fsmSearchAvail,
  fsmSetAvail,
  fsmSetNextSlot,
  LEAF_NODES_PER_PAGE,
  NODES_PER_PAGE,
  NON_LEAF_NODES_PER_PAGE,
  OFF_FP_NODES,
  SLOTS_PER_FSM_PAGE,
} from './internal/fsm-page.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);
const REL: RelFileLocator = { spcOid: 1663, dbOid: 5, relNumber: 16384 };
const FSM = ForkNumber.fsm;
const MAIN = ForkNumber.main;
const ZERO = new Uint8Array(8192);

interface Setup {
  readonly smgr: MemorySmgr;
  readonly pool: BufferPool;
  readonly fsm: FreeSpaceMap;
}

/** A relation whose main fork has `heapBlocks` (zero) blocks, a pool, and its FSM. */
function setup(
  options: { heapBlocks?: number; buffers?: number; checksums?: boolean } = {},
): Setup {
  const smgr = new MemorySmgr();
  smgr.create(REL, MAIN);
  setHeapBlocks(smgr, options.heapBlocks ?? 100);
  const pool = new BufferPool({
    smgr,
    sharedBuffers: (options.buffers ?? 16) * 8192,
    checksums: options.checksums ?? false,
  });
  return { smgr, pool, fsm: new FreeSpaceMap(pool) };
}

/** Grows (a hole, as a sparse file would) or cuts the main fork. */
function setHeapBlocks(smgr: MemorySmgr, n: number): void {
  const now = smgr.nblocks(REL, MAIN);
  if (n > now) smgr.extend(REL, MAIN, n - 1, ZERO);
  else if (n < now) smgr.truncate(REL, MAIN, n);
}

/** A copy of an FSM block as a reader sees it now: from the pool if resident, else from storage. */
function readBlock(pool: BufferPool, block: number, fork: ForkNumber = FSM): Uint8Array {
  if (pool.lookup(REL, fork, block) !== undefined) {
    const b = pool.readBuffer(REL, fork, block);
    const copy = pool.bytes(b).slice();
    pool.release(b);
    return copy;
  }
  const out = new Uint8Array(8192);
  pool.smgr.read(REL, fork, block, out);
  return out;
}

function fsmBlocks(smgr: MemorySmgr): number {
  return smgr.exists(REL, FSM) ? smgr.nblocks(REL, FSM) : 0;
}

function check(s: Setup, vacuumed = false) {
  return checkFsmFork(fsmBlocks(s.smgr), (b) => readBlock(s.pool, b), { vacuumed });
}

/** What RelationTruncate does with the FSM: prepare, drop and cut the fork, vacuum the rest. */
function truncateHeap(s: Setup, nblocks: number): number {
  const keep = s.fsm.prepareTruncate(REL, nblocks);
  if (keep !== INVALID_BLOCK_NUMBER) {
    s.pool.dropRelation(REL, FSM, keep);
    s.smgr.truncate(REL, FSM, keep);
  }
  setHeapBlocks(s.smgr, nblocks);
  s.fsm.vacuumRange(REL, nblocks, INVALID_BLOCK_NUMBER);
  return keep;
}

function pinsHeld(pool: BufferPool): number {
  let n = 0;
  for (let i = 0; i < pool.nBuffers; i++) n += pool.pinCount(i);
  return n;
}

// ------------------------------------------------------------------ arithmetic

describe('FSM categories', () => {
  it('rounds free space down and requests up, as freespace.c does', () => {
    expect(MAX_FSM_REQUEST_SIZE).toBe(8160);
    const avail: [number, number][] = [
      [0, 0],
      [31, 0],
      [32, 1],
      [63, 1],
      [64, 2],
      [8127, 253],
      [8128, 254],
      [8159, 254],
      [8160, 255],
      [8191, 255],
    ];
    for (const [bytes, cat] of avail) expect(fsmSpaceAvailToCat(bytes), `${bytes} bytes`).toBe(cat);
    const needed: [number, number][] = [
      [0, 1],
      [1, 1],
      [32, 1],
      [33, 2],
      [8128, 254],
      [8129, 255],
      [8160, 255],
    ];
    for (const [bytes, cat] of needed)
      expect(fsmSpaceNeededToCat(bytes), `${bytes} bytes`).toBe(cat);
    expect(fsmSpaceCatToAvail(0)).toBe(0);
    expect(fsmSpaceCatToAvail(254)).toBe(8128);
    expect(fsmSpaceCatToAvail(255)).toBe(8160);
  });

  it('refuses a request larger than MaxFSMRequestSize with XX000', () => {
    expect(() => fsmSpaceNeededToCat(8161)).toThrow(StorageError);
    expect(() => fsmSpaceNeededToCat(8161)).toThrow('invalid FSM request size 8161');
    expect(() => fsmSpaceAvailToCat(8192)).toThrow(/invalid amount of free space/);
    expect(() => fsmSpaceAvailToCat(-1)).toThrow(/invalid amount of free space/);
  });

  it('a page found for n bytes had at least n bytes recorded (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8191 }),
        fc.integer({ min: 0, max: 8160 }),
        (avail, need) => {
          const ok = fsmSpaceAvailToCat(avail) >= fsmSpaceNeededToCat(need);
          if (ok) expect(avail).toBeGreaterThanOrEqual(need);
          // The reported lower bound is never above what was recorded, and within a step of it.
          const reported = fsmSpaceCatToAvail(fsmSpaceAvailToCat(avail));
          expect(reported).toBeLessThanOrEqual(avail);
          if (avail < 8128) expect(avail - reported).toBeLessThan(32);
        },
      ),
      { numRuns: RUNS * 10 },
    );
  });
});

describe('FSM page layout and addressing', () => {
  it('has fsm_internals.h numbers for 8 KiB pages', () => {
    expect(OFF_FP_NODES).toBe(28);
    expect(NODES_PER_PAGE).toBe(8164);
    expect(NON_LEAF_NODES_PER_PAGE).toBe(4095);
    expect(LEAF_NODES_PER_PAGE).toBe(4069);
    expect(SLOTS_PER_FSM_PAGE).toBe(4069);
  });

  it('stores the tree depth first, root at block 0 (fsm_logical_to_physical)', () => {
    expect(fsmLogicalToPhysical({ level: 2, logpageno: 0 })).toBe(0);
    expect(fsmLogicalToPhysical({ level: 1, logpageno: 0 })).toBe(1);
    expect(fsmLogicalToPhysical({ level: 0, logpageno: 0 })).toBe(2);
    expect(fsmLogicalToPhysical({ level: 0, logpageno: 1 })).toBe(3);
    expect(fsmLogicalToPhysical({ level: 0, logpageno: 4068 })).toBe(4070);
    expect(fsmLogicalToPhysical({ level: 1, logpageno: 1 })).toBe(4071);
    expect(fsmLogicalToPhysical({ level: 0, logpageno: 4069 })).toBe(4072);
    // The last heap block of a 2^32 - 2 block relation still has an address.
    const last = fsmGetLocation(0xfffffffe);
    expect(last.addr.logpageno).toBe(Math.floor(0xfffffffe / 4069));
    expect(fsmGetHeapBlock(last.addr, last.slot)).toBe(0xfffffffe);
  });

  it('numbers pages so that every page comes after its parent and before its next sibling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xfffffffe }), (heapBlock) => {
        const { addr, slot } = fsmGetLocation(heapBlock);
        expect(fsmGetHeapBlock(addr, slot)).toBe(heapBlock);
        const p = fsmGetParent(addr);
        expect(fsmGetChild(p.addr, p.slot)).toEqual(addr);
        const g = fsmGetParent(p.addr);
        expect(g.addr).toEqual({ level: 2, logpageno: 0 });
        const leaf = fsmLogicalToPhysical(addr);
        const parent = fsmLogicalToPhysical(p.addr);
        expect(parent).toBeLessThan(leaf);
        expect(leaf - parent).toBe(p.slot + 1);
      }),
      { numRuns: RUNS * 10 },
    );
  });
});

describe('FSM page (fsmpage.c)', () => {
  it('bubbles a change up to the root and keeps every parent the max of its children (F2)', () => {
    const page = Page.create().bytes;
    expect(fsmSetAvail(page, 7, 100)).toBe(true);
    expect(fsmGetMaxAvail(page)).toBe(100);
    expect(fsmSetAvail(page, 4068, 200)).toBe(true);
    expect(fsmGetMaxAvail(page)).toBe(200);
    expect(fsmSetAvail(page, 4068, 200)).toBe(false);
    expect(fsmSetAvail(page, 4068, 0)).toBe(true);
    expect(fsmGetMaxAvail(page)).toBe(100);
    expect(checkFsmPage(page)).toEqual([]);
  });

  it('searches right of fp_next_slot first, wrapping around', () => {
    const page = Page.create().bytes;
    for (const slot of [2, 10, 3000]) fsmSetAvail(page, slot, 50);
    fsmSetNextSlot(page, 11);
    expect(fsmSearchAvail(page, 40, true)).toBe(3000);
    expect(fsmGetNextSlot(page)).toBe(3001);
    expect(fsmSearchAvail(page, 40, true)).toBe(2);
    expect(fsmSearchAvail(page, 40, false)).toBe(10);
    expect(fsmGetNextSlot(page)).toBe(10);
    expect(fsmSearchAvail(page, 51, true)).toBe(-1);
    // The hint is only a hint: nonsense starts at slot 0.
    for (const bad of [-5, 4069, 1 << 30]) {
      fsmSetNextSlot(page, bad);
      expect(fsmSearchAvail(page, 40, true)).toBe(2);
    }
  });

  it('finds the first suitable slot at or after the start, wrapping (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            slot: fc.integer({ min: 0, max: 4068 }),
            cat: fc.integer({ min: 0, max: 255 }),
          }),
          {
            maxLength: 40,
          },
        ),
        fc.integer({ min: 0, max: 4068 }),
        fc.integer({ min: 1, max: 255 }),
        (sets, start, min) => {
          const page = Page.create().bytes;
          const cats = new Uint8Array(4069);
          for (const s of sets) {
            fsmSetAvail(page, s.slot, s.cat);
            cats[s.slot] = s.cat;
          }
          fsmSetNextSlot(page, start);
          let expected = -1;
          for (let k = 0; k < 4069 && expected < 0; k++) {
            const slot = (start + k) % 4069;
            if (cats[slot]! >= min) expected = slot;
          }
          expect(fsmSearchAvail(page, min, true)).toBe(expected);
          expect(checkFsmPage(page)).toEqual([]);
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });

  it('rebuilds a page whose parent promises space no child has (a torn page)', () => {
    const page = Page.create().bytes;
    fsmSetAvail(page, 5, 90);
    page[OFF_FP_NODES + NON_LEAF_NODES_PER_PAGE + 5] = 0; // the leaf's sector was lost
    expect(checkFsmPage(page).map((v) => v.invariant)).toContain('F2');
    let repaired = 0;
    const repair = () => {
      repaired++;
      fixAll(page);
    };
    expect(fsmSearchAvail(page, 10, true, repair)).toBe(-1);
    expect(repaired).toBe(1);
    expect(checkFsmPage(page)).toEqual([]);
    // fsm_set_avail notices a root below the value just set and rebuilds too: here the
    // bubbling up stops early at a parent that already (wrongly) holds the new value.
    page[OFF_FP_NODES + NON_LEAF_NODES_PER_PAGE + 9] = 77;
    page[OFF_FP_NODES + ((NON_LEAF_NODES_PER_PAGE + 100 - 1) >> 1)] = 60;
    page[OFF_FP_NODES] = 0;
    fsmSetAvail(page, 100, 60);
    expect(fsmGetMaxAvail(page)).toBe(77);
    expect(checkFsmPage(page)).toEqual([]);
  });
});

function fixAll(page: Uint8Array): void {
  for (let n = NON_LEAF_NODES_PER_PAGE - 1; n >= 0; n--) {
    const l = 2 * n + 1;
    let max = l < NODES_PER_PAGE ? page[OFF_FP_NODES + l]! : 0;
    if (l + 1 < NODES_PER_PAGE) max = Math.max(max, page[OFF_FP_NODES + l + 1]!);
    page[OFF_FP_NODES + n] = max;
  }
}

// ------------------------------------------------------------------ the map

describe('FreeSpaceMap', () => {
  it('answers from a missing fork without creating it', () => {
    const s = setup();
    expect(s.fsm.getFreeSpace(REL, 5)).toBe(0);
    expect(s.fsm.getPageWithFreeSpace(REL, 100)).toBe(INVALID_BLOCK_NUMBER);
    expect(s.fsm.prepareTruncate(REL, 0)).toBe(INVALID_BLOCK_NUMBER);
    s.fsm.vacuum(REL);
    expect(s.smgr.exists(REL, FSM)).toBe(false);
  });

  it('creates and extends the fork on demand, down to the leaf page needed', () => {
    const s = setup({ heapBlocks: 9000 });
    s.fsm.recordFreeSpace(REL, 5, 1000);
    expect(s.smgr.nblocks(REL, FSM)).toBe(3); // root, level 1, leaf 0
    expect(s.fsm.getFreeSpace(REL, 5)).toBe(992);
    s.fsm.recordFreeSpace(REL, 8500, 8160);
    expect(s.smgr.nblocks(REL, FSM)).toBe(5); // leaf 2 is block 4
    expect(s.fsm.getFreeSpace(REL, 8500)).toBe(8160);
    expect(s.fsm.getFreeSpace(REL, 4100)).toBe(0);
    expect(pinsHeld(s.pool)).toBe(0);
    expect(check(s)).toEqual([]);
  });

  it('writes PostgreSQL bytes: PageInit header, fp_next_slot, nodes', () => {
    const s = setup({ heapBlocks: 10 });
    s.fsm.recordFreeSpace(REL, 0, 8160);
    s.fsm.recordFreeSpace(REL, 3, 100);
    s.fsm.vacuum(REL);
    s.pool.flushAll();
    const leaf = new Uint8Array(8192);
    s.smgr.read(REL, FSM, 2, leaf);
    const v = new DataView(leaf.buffer);
    expect([v.getUint16(12, true), v.getUint16(14, true), v.getUint16(16, true)]).toEqual([
      24, 8192, 8192,
    ]);
    expect(v.getUint16(18, true)).toBe(8192 | 4);
    expect(v.getInt32(24, true)).toBe(0);
    expect(leaf[28 + 4095]).toBe(255);
    expect(leaf[28 + 4095 + 3]).toBe(3);
    expect(leaf[28]).toBe(255);
    const root = new Uint8Array(8192);
    s.smgr.read(REL, FSM, 0, root);
    expect(root[28 + 4095]).toBe(255); // slot 0 of the root: level-1 page 0
    expect(root[28]).toBe(255);
  });

  it('does not see new space until vacuum propagates it upwards, as PostgreSQL does', () => {
    const s = setup();
    s.fsm.recordFreeSpace(REL, 40, 2000);
    expect(s.fsm.getPageWithFreeSpace(REL, 1000)).toBe(INVALID_BLOCK_NUMBER);
    s.fsm.vacuum(REL);
    expect(check(s, true)).toEqual([]);
    expect(s.fsm.getPageWithFreeSpace(REL, 1000)).toBe(40);
    expect(s.fsm.getPageWithFreeSpace(REL, 2000)).toBe(INVALID_BLOCK_NUMBER); // 2000 is category 62.5 -> 63 > 62
    expect(s.fsm.getPageWithFreeSpace(REL, 1984)).toBe(40);
  });

  it('hands out pages round-robin with fp_next_slot', () => {
    const s = setup();
    for (let b = 0; b < 10; b++) s.fsm.recordFreeSpace(REL, b, 1000);
    s.fsm.vacuum(REL);
    const got = Array.from({ length: 12 }, () => s.fsm.getPageWithFreeSpace(REL, 500));
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  });

  it('recordAndGetPageWithFreeSpace prefers a page on the same FSM page', () => {
    const s = setup({ heapBlocks: 9000 });
    s.fsm.recordFreeSpace(REL, 5, 3000);
    s.fsm.recordFreeSpace(REL, 5000, 3000);
    s.fsm.vacuum(REL);
    expect(s.fsm.recordAndGetPageWithFreeSpace(REL, 4999, 0, 100)).toBe(5000);
    expect(s.fsm.recordAndGetPageWithFreeSpace(REL, 3, 0, 100)).toBe(5);
    // Nothing on the same page: a full search.
    expect(s.fsm.recordAndGetPageWithFreeSpace(REL, 8500, 10, 100)).toBe(5);
    expect(s.fsm.getFreeSpace(REL, 8500)).toBe(0);
    expect(s.fsm.recordAndGetPageWithFreeSpace(REL, 8500, 10, 4000)).toBe(INVALID_BLOCK_NUMBER);
  });

  it('corrects an upper slot that promises more than its child page has', () => {
    const s = setup({ heapBlocks: 9000 });
    s.fsm.recordFreeSpace(REL, 4500, 5000);
    s.fsm.vacuum(REL);
    s.fsm.recordFreeSpace(REL, 4500, 0); // the upper pages still say 5000
    expect(check(s, true).map((v) => v.invariant)).toContain('F4');
    expect(s.fsm.getPageWithFreeSpace(REL, 100)).toBe(INVALID_BLOCK_NUMBER);
    expect(s.fsm.stats.upperSlotsFixed).toBe(2); // level 1, then the root
    expect(check(s, true)).toEqual([]);
  });

  it('repairs a torn leaf page found by a search instead of failing (F2)', () => {
    const s = setup();
    s.fsm.recordFreeSpace(REL, 3, 5000);
    s.fsm.vacuum(REL);
    s.pool.flushAll();
    s.pool.dropRelation(REL, FSM);
    const leaf = new Uint8Array(8192);
    s.smgr.read(REL, FSM, 2, leaf);
    leaf[28 + 4095 + 3] = 0; // the sector holding the leaf was not written
    s.smgr.write(REL, FSM, 2, leaf);
    expect(s.fsm.getPageWithFreeSpace(REL, 100)).toBe(INVALID_BLOCK_NUMBER);
    expect(s.fsm.stats.corruptPagesFixed).toBe(1);
    expect(check(s, true)).toEqual([]);
    expect(pinsHeld(s.pool)).toBe(0);
  });

  it('reads a page that fails verification as zeros (RBM_ZERO_ON_ERROR)', () => {
    const s = setup({ checksums: true });
    s.fsm.recordFreeSpace(REL, 3, 5000);
    s.fsm.recordFreeSpace(REL, 4, 6000);
    s.fsm.vacuum(REL);
    s.pool.flushAll();
    s.pool.dropRelation(REL, FSM);
    // Every page written through the pool has a valid checksum.
    for (let b = 0; b < 3; b++) {
      const bytes = readBlock(s.pool, b);
      expect(Page.wrap(bytes).verify({ checksums: true, blockNumber: b }).ok).toBe(true);
    }
    s.pool.dropRelation(REL, FSM);
    const leaf = new Uint8Array(8192);
    s.smgr.read(REL, FSM, 2, leaf);
    leaf[5000] = leaf[5000]! ^ 0xff;
    s.smgr.write(REL, FSM, 2, leaf);
    expect(s.fsm.getFreeSpace(REL, 3)).toBe(0);
    expect(s.fsm.stats.zeroedPages).toBe(1);
    // The root still promises space: the search finds the zeroed page empty and fixes the parents.
    expect(s.fsm.getPageWithFreeSpace(REL, 100)).toBe(INVALID_BLOCK_NUMBER);
    s.fsm.recordFreeSpace(REL, 4, 6000);
    s.fsm.vacuum(REL);
    expect(s.fsm.getPageWithFreeSpace(REL, 100)).toBe(4);
    expect(check(s, true)).toEqual([]);
  });

  it('never hands out a heap block past the end of the main fork (fsm_does_block_exist)', () => {
    const s = setup({ heapBlocks: 200 });
    s.fsm.recordFreeSpace(REL, 150, 4000);
    s.fsm.recordFreeSpace(REL, 20, 1000);
    s.fsm.vacuum(REL);
    setHeapBlocks(s.smgr, 100); // a crash lost the heap's extension, not the FSM's
    expect(s.fsm.getPageWithFreeSpace(REL, 2000)).toBe(INVALID_BLOCK_NUMBER);
    expect(s.fsm.stats.pastEndSlotsFixed).toBe(1);
    expect(s.fsm.getFreeSpace(REL, 150)).toBe(0);
    expect(s.fsm.getPageWithFreeSpace(REL, 500)).toBe(20);
    expect(s.fsm.recordAndGetPageWithFreeSpace(REL, 20, 0, 500)).toBe(INVALID_BLOCK_NUMBER);
  });

  it('prepares truncation: clears the tail of the last leaf page and says how many blocks to keep', () => {
    const s = setup({ heapBlocks: 12000 });
    for (const b of [10, 4068, 4069, 5000, 8137, 8138, 11999]) s.fsm.recordFreeSpace(REL, b, 3000);
    s.fsm.vacuum(REL);
    expect(s.smgr.nblocks(REL, FSM)).toBe(5);
    expect(truncateHeap(s, 8138)).toBe(4); // whole leaf 2 goes
    expect(s.fsm.getFreeSpace(REL, 8137)).toBe(2976);
    expect(truncateHeap(s, 5000)).toBe(4); // leaf 1 stays, its tail from slot 931 is cleared
    expect(s.fsm.getFreeSpace(REL, 4069)).toBe(2976);
    expect(s.fsm.getFreeSpace(REL, 5000)).toBe(0);
    expect(check(s, true)).toEqual([]);
    expect(truncateHeap(s, 4069)).toBe(3);
    expect(s.fsm.prepareTruncate(REL, 4069)).toBe(INVALID_BLOCK_NUMBER); // already that short
    expect(s.fsm.prepareTruncate(REL, 5000)).toBe(INVALID_BLOCK_NUMBER); // no leaf 1 to clear
    expect(truncateHeap(s, 1)).toBe(3);
    expect(s.fsm.getFreeSpace(REL, 10)).toBe(0);
    expect(check(s, true)).toEqual([]);
    expect(s.fsm.getPageWithFreeSpace(REL, 100)).toBe(INVALID_BLOCK_NUMBER);
  });

  it('vacuumRange updates only the upper slots of the range', () => {
    const s = setup({ heapBlocks: 9000 });
    s.fsm.recordFreeSpace(REL, 100, 3000);
    s.fsm.recordFreeSpace(REL, 5000, 3000);
    s.fsm.vacuumRange(REL, 4069, 8138);
    expect(s.fsm.getPageWithFreeSpace(REL, 1000)).toBe(5000);
    s.fsm.recordFreeSpace(REL, 5000, 0);
    expect(s.fsm.getPageWithFreeSpace(REL, 1000)).toBe(INVALID_BLOCK_NUMBER);
    s.fsm.vacuumRange(REL, 0, 1);
    expect(s.fsm.getPageWithFreeSpace(REL, 1000)).toBe(100);
    s.fsm.vacuumRange(REL, 50, 50); // empty: nothing
  });

  it('checks its arguments', () => {
    const s = setup();
    expect(() => s.fsm.recordFreeSpace(REL, -1, 10)).toThrow(/invalid heap block/);
    expect(() => s.fsm.recordFreeSpace(REL, 1.5, 10)).toThrow(/invalid heap block/);
    expect(() => s.fsm.recordFreeSpace(REL, 1, 8192)).toThrow(/invalid amount of free space/);
    expect(() => s.fsm.getPageWithFreeSpace(REL, 9000)).toThrow(/invalid FSM request size 9000/);
  });
});

// ------------------------------------------------------------------ model-based

const MAX_HEAP = 70_000;

type Op =
  | { kind: 'record'; block: number; bytes: number }
  | { kind: 'get'; block: number }
  | { kind: 'search'; needed: number }
  | { kind: 'recordAndGet'; block: number; bytes: number; needed: number }
  | { kind: 'vacuum' }
  | { kind: 'vacuumRange'; start: number; length: number }
  | { kind: 'truncate'; fraction: number }
  | { kind: 'extendHeap'; blocks: number }
  | { kind: 'loseHeapTail'; blocks: number }
  | { kind: 'evict' }
  | { kind: 'checkpoint' };

/**
 * Blocks near the interesting places: the start, leaf page boundaries,
 * anywhere, and (numbers from MAX_HEAP on) the last blocks of the heap.
 * Numbers past the heap's end wrap around (block % heapBlocks).
 */
const heapBlock = fc.oneof(
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 4060, max: 4080 }),
  fc.integer({ min: 8130, max: 8145 }),
  fc.integer({ min: 0, max: MAX_HEAP - 1 }),
  fc.integer({ min: MAX_HEAP, max: MAX_HEAP + 40 }),
);
const bytes = fc.oneof(
  fc.integer({ min: 0, max: 8191 }),
  fc.integer({ min: 0, max: 600 }),
  fc.constantFrom(0, 31, 32, 8159, 8160, 8191),
);
const needed = fc.oneof(
  fc.integer({ min: 0, max: 8160 }),
  fc.integer({ min: 0, max: 400 }),
  fc.constantFrom(0, 1, 32, 33, 8160),
);

/** The heap block an op means, given the heap's length now. */
function resolve(block: number, heapBlocks: number): number {
  if (block >= MAX_HEAP) return Math.max(0, heapBlocks - 1 - (block - MAX_HEAP));
  return block % heapBlocks;
}
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({ kind: fc.constant('record' as const), block: heapBlock, bytes }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('get' as const), block: heapBlock }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('search' as const), needed }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('recordAndGet' as const),
      block: heapBlock,
      bytes,
      needed,
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'vacuum' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('vacuumRange' as const),
      start: heapBlock,
      length: fc.integer({ min: 0, max: 20_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('truncate' as const),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('extendHeap' as const),
      blocks: fc.integer({ min: 1, max: 30_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('loseHeapTail' as const),
      blocks: fc.integer({ min: 1, max: 5_000 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'evict' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
);

const cat = (b: number) => fsmSpaceAvailToCat(b);

/** What the random runs exercised, summed over all runs (checked at the end, so the test cannot go vacuous). */
const tally = {
  found: 0,
  notFound: 0,
  provedNone: 0,
  upperFixes: 0,
  pastEndFixes: 0,
  evictions: 0,
  truncations: 0,
};

/**
 * The model: the bytes last recorded per heap block (absent = nothing, 0).
 * `uncertain` holds blocks whose slot a search may have zeroed: blocks that
 * were past the end of the main fork for a while (loseHeapTail), whose value
 * is either the one recorded or 0.
 */
class FsmModel {
  heapBlocks: number;
  readonly recorded = new Map<number, number>();
  readonly uncertain = new Map<number, number>();
  /** No recorded increase since the last full vacuum: searches are complete. */
  complete = true;
  /** Nothing but vacuum-consistent changes since the last full vacuum: F4 holds. */
  vacuumed = true;

  constructor(heapBlocks: number) {
    this.heapBlocks = heapBlocks;
  }

  catOf(block: number): number {
    const b = this.recorded.get(block);
    return b === undefined ? 0 : cat(b);
  }

  record(block: number, bytes: number): void {
    const c = cat(bytes);
    if (this.uncertain.delete(block)) {
      // Its slot held the old value or 0: assume the worst of both.
      if (c > 0) this.complete = false;
      this.vacuumed = false;
    } else {
      const before = this.catOf(block);
      if (c > before) this.complete = false;
      if (c !== before) this.vacuumed = false;
    }
    if (bytes === 0) this.recorded.delete(block);
    else this.recorded.set(block, bytes);
  }

  /** The best category among certain blocks inside the heap. */
  anyWith(minCat: number): boolean {
    for (const [b, bytes] of this.recorded)
      if (b < this.heapBlocks && cat(bytes) >= minCat) return true;
    return false;
  }

  /** A block a search returned must be inside the heap and have had enough recorded. */
  checkFound(block: number, minCat: number): void {
    expect(block, 'a block past the end of the heap').toBeLessThan(this.heapBlocks);
    const bytes = this.uncertain.get(block) ?? this.recorded.get(block) ?? 0;
    expect(cat(bytes), `block ${block} was found for category ${minCat}`).toBeGreaterThanOrEqual(
      minCat,
    );
  }
}

function runOp(s: Setup, m: FsmModel, o: Op): void {
  const count = (got: number) => {
    if (got !== INVALID_BLOCK_NUMBER) tally.found++;
    else if (m.complete) tally.provedNone++;
    else tally.notFound++;
  };
  switch (o.kind) {
    case 'record': {
      if (m.heapBlocks === 0) return;
      const block = resolve(o.block, m.heapBlocks);
      s.fsm.recordFreeSpace(REL, block, o.bytes);
      m.record(block, o.bytes);
      return;
    }
    case 'get': {
      const block = o.block >= MAX_HEAP ? resolve(o.block, m.heapBlocks) : o.block;
      const got = s.fsm.getFreeSpace(REL, block);
      const u = m.uncertain.get(block);
      if (u !== undefined) {
        expect([0, fsmSpaceCatToAvail(cat(u))]).toContain(got);
        m.uncertain.delete(block);
        if (got !== 0) m.recorded.set(block, u);
        else m.recorded.delete(block);
        return;
      }
      expect(got, `free space of block ${block}`).toBe(fsmSpaceCatToAvail(m.catOf(block)));
      return;
    }
    case 'search': {
      const minCat = fsmSpaceNeededToCat(o.needed);
      const before = s.fsm.stats.pastEndSlotsFixed;
      const got = s.fsm.getPageWithFreeSpace(REL, o.needed);
      if (s.fsm.stats.pastEndSlotsFixed !== before) m.vacuumed = false;
      count(got);
      if (got !== INVALID_BLOCK_NUMBER) m.checkFound(got, minCat);
      else if (m.complete)
        expect(m.anyWith(minCat), `nothing found for category ${minCat}`).toBe(false);
      return;
    }
    case 'recordAndGet': {
      if (m.heapBlocks === 0) return;
      const block = resolve(o.block, m.heapBlocks);
      const minCat = fsmSpaceNeededToCat(o.needed);
      const before = s.fsm.stats.pastEndSlotsFixed;
      const got = s.fsm.recordAndGetPageWithFreeSpace(REL, block, o.bytes, o.needed);
      m.record(block, o.bytes);
      if (s.fsm.stats.pastEndSlotsFixed !== before) m.vacuumed = false;
      count(got);
      if (got !== INVALID_BLOCK_NUMBER) m.checkFound(got, minCat);
      else if (m.complete) expect(m.anyWith(minCat)).toBe(false);
      return;
    }
    case 'vacuum':
      s.fsm.vacuum(REL);
      m.complete = true;
      m.vacuumed = true;
      return;
    case 'vacuumRange':
      s.fsm.vacuumRange(REL, o.start, Math.min(o.start + o.length, INVALID_BLOCK_NUMBER));
      return;
    case 'truncate': {
      const to = Math.floor(m.heapBlocks * o.fraction);
      if (truncateHeap(s, to) !== INVALID_BLOCK_NUMBER) tally.truncations++;
      m.heapBlocks = to;
      for (const b of [...m.recorded.keys()]) if (b >= to) m.recorded.delete(b);
      for (const b of [...m.uncertain.keys()]) if (b >= to) m.uncertain.delete(b);
      return;
    }
    case 'extendHeap': {
      const to = Math.min(MAX_HEAP, m.heapBlocks + o.blocks);
      setHeapBlocks(s.smgr, to);
      m.heapBlocks = to;
      return;
    }
    case 'loseHeapTail': {
      // The heap is shorter than the FSM thinks (its extension did not survive a crash).
      const to = Math.max(1, m.heapBlocks - o.blocks);
      setHeapBlocks(s.smgr, to);
      for (const [b, bytes] of m.recorded) {
        if (b >= to) {
          m.uncertain.set(b, bytes);
          m.recorded.delete(b);
        }
      }
      m.heapBlocks = to;
      return;
    }
    case 'evict':
      s.pool.flushAll();
      s.pool.dropRelation(REL, FSM);
      return;
    case 'checkpoint':
      s.pool.flushAll();
      s.smgr.sync();
      return;
  }
}

describe('FreeSpaceMap (model-based)', () => {
  it('agrees with a map of heap block to free bytes, F1..F4 after every step, through a 16-buffer pool', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constant(MAX_HEAP),
          fc.integer({ min: 8200, max: MAX_HEAP }),
          fc.integer({ min: 1, max: 5000 }),
        ),
        fc.boolean(),
        fc.array(opArb, { minLength: 10, maxLength: 80, size: 'max' }),
        (heapBlocks, checksums, ops) => {
          const s = setup({ heapBlocks, checksums });
          const m = new FsmModel(heapBlocks);
          for (const o of ops) {
            runOp(s, m, o);
            expect(pinsHeld(s.pool), `pins left after ${o.kind}`).toBe(0);
            const violations = check(s, m.vacuumed);
            expect(violations, `after ${JSON.stringify(o)}`).toEqual([]);
          }
          // Every slot of every leaf page agrees with the model.
          const n = fsmBlocks(s.smgr);
          const wrong: string[] = [];
          for (let leaf = 0; ; leaf++) {
            const block = fsmLogicalToPhysical({ level: 0, logpageno: leaf });
            if (block >= n) break;
            const page = readBlock(s.pool, block);
            for (let slot = 0; slot < SLOTS_PER_FSM_PAGE; slot++) {
              const hb = leaf * SLOTS_PER_FSM_PAGE + slot;
              const u = m.uncertain.get(hb);
              const got = fsmGetAvail(page, slot);
              const ok = u !== undefined ? got === 0 || got === cat(u) : got === m.catOf(hb);
              if (!ok) wrong.push(`heap block ${hb}: slot holds ${got}`);
            }
          }
          expect(wrong).toEqual([]);
          // And it all survives a trip through storage.
          s.pool.flushAll();
          const again = new FreeSpaceMap(
            new BufferPool({ smgr: s.smgr, sharedBuffers: 16 * 8192, checksums }),
          );
          for (const [b, bytes] of m.recorded) {
            expect(again.getFreeSpace(REL, b)).toBe(fsmSpaceCatToAvail(cat(bytes)));
          }
          expect(again.stats.zeroedPages).toBe(0);
          expect(s.fsm.stats.corruptPagesFixed).toBe(0);
          tally.upperFixes += s.fsm.stats.upperSlotsFixed;
          tally.pastEndFixes += s.fsm.stats.pastEndSlotsFixed;
          tally.evictions += s.pool.stats.evictions;
        },
      ),
      { numRuns: Math.max(10, Math.round(RUNS * 0.4)) },
    );
    console.log('FSM model runs exercised', tally);
    for (const [what, n] of Object.entries(tally)) expect(n, what).toBeGreaterThan(0);
  });
});

describe('checkFsmPage', () => {
  it('accepts new pages and PostgreSQL-initialised pages, and names what is wrong otherwise', () => {
    expect(checkFsmPage(new Uint8Array(8192))).toEqual([]);
    const page = Page.create().bytes;
    expect(checkFsmPage(page)).toEqual([]);
    const torn = page.slice();
    torn[28 + 5000] = 9;
    expect(checkFsmPage(torn).map((v) => v.invariant)).toContain('F2');
    const hint = page.slice();
    fsmSetNextSlot(hint, 5000);
    expect(checkFsmPage(hint).map((v) => v.invariant)).toEqual(['F3']);
    const heapish = Page.create(16).bytes;
    expect(checkFsmPage(heapish).map((v) => v.invariant)).toEqual(['F1']);
    const junk = new Uint8Array(8192);
    junk[100] = 1;
    expect(checkFsmPage(junk).map((v) => v.invariant)).toEqual(['F1']);
  });
});
