/**
 * The visibility map: PostgreSQL's bit layout and interface, WAL-before-data
 * for pages whose bits were set by a logged change, and a model-based
 * property test of random sets, clears, counts, truncations and evictions
 * over ten relations of up to 70,000 heap blocks (three map pages each, more
 * than the 16-buffer pool holds), with V1..V4 checked after every step.
 */
import { Page } from '@pg/page';
import {
  BufferPool,
  ForkNumber,
  INVALID_BLOCK_NUMBER,
  MemorySmgr,
  type RelFileLocator,
  StorageError,
  type WalFlusher,
} from '@pg/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkVmPage,
  HEAPBLOCKS_PER_PAGE,
  MAPSIZE,
  VISIBILITYMAP_ALL_FROZEN,
  VISIBILITYMAP_ALL_VISIBLE,
  VISIBILITYMAP_VALID_BITS,
  VisibilityMap,
  vmLocation,
} from './internal/vm.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 40);
const VM = ForkNumber.vm;
const V = VISIBILITYMAP_ALL_VISIBLE;
const F = VISIBILITYMAP_ALL_FROZEN;
const VF = VISIBILITYMAP_VALID_BITS;
const rel = (n: number): RelFileLocator => ({ spcOid: 1663, dbOid: 5, relNumber: 16384 + n });
const REL = rel(0);

/** A WAL that is durable up to what was last "inserted" when asked to flush. */
class FakeWal implements WalFlusher {
  flushedLsn = 0n;
  insertedLsn = 0n;
  flushes = 0;
  insert(): bigint {
    this.insertedLsn += 0x28n;
    return this.insertedLsn;
  }
  flushSync(): void {
    this.flushedLsn = this.insertedLsn;
    this.flushes++;
  }
}

function setup(options: { buffers?: number; checksums?: boolean; wal?: FakeWal } = {}) {
  const smgr = new MemorySmgr();
  const pool = new BufferPool({
    smgr,
    sharedBuffers: (options.buffers ?? 16) * 8192,
    checksums: options.checksums ?? false,
    ...(options.wal ? { wal: options.wal } : {}),
  });
  return { smgr, pool, vm: new VisibilityMap(pool) };
}

function readBlock(pool: BufferPool, r: RelFileLocator, block: number): Uint8Array {
  if (pool.lookup(r, VM, block) !== undefined) {
    const b = pool.readBuffer(r, VM, block);
    const copy = pool.bytes(b).slice();
    pool.release(b);
    return copy;
  }
  const out = new Uint8Array(8192);
  pool.smgr.read(r, VM, block, out);
  return out;
}

function vmBlocks(smgr: MemorySmgr, r: RelFileLocator): number {
  return smgr.exists(r, VM) ? smgr.nblocks(r, VM) : 0;
}

/** What RelationTruncate does with the VM: prepare, then drop the buffers and cut the fork. */
function truncateHeap(s: ReturnType<typeof setup>, r: RelFileLocator, nheapblocks: number): number {
  const keep = s.vm.prepareTruncate(r, nheapblocks);
  if (keep !== INVALID_BLOCK_NUMBER) {
    s.pool.dropRelation(r, VM, keep);
    s.smgr.truncate(r, VM, keep);
  }
  return keep;
}

function pinsHeld(pool: BufferPool): number {
  let n = 0;
  for (let i = 0; i < pool.nBuffers; i++) n += pool.pinCount(i);
  return n;
}

describe('visibility map layout', () => {
  it('has visibilitymap.c numbers for 8 KiB pages', () => {
    expect(MAPSIZE).toBe(8168);
    expect(HEAPBLOCKS_PER_PAGE).toBe(32672);
    expect(vmLocation(0)).toEqual({ block: 0, byte: 0, shift: 0 });
    expect(vmLocation(5)).toEqual({ block: 0, byte: 1, shift: 2 });
    expect(vmLocation(32671)).toEqual({ block: 0, byte: 8167, shift: 6 });
    expect(vmLocation(32672)).toEqual({ block: 1, byte: 0, shift: 0 });
    expect(vmLocation(0xfffffffe).block).toBe(131457);
  });

  it('writes PostgreSQL bytes: PageInit header, then two bits per heap block from byte 24', () => {
    const s = setup();
    s.vm.set(REL, 5, VF);
    s.vm.set(REL, 4, V);
    s.vm.set(REL, 32671, VF);
    s.pool.flushAll();
    const page = new Uint8Array(8192);
    s.smgr.read(REL, VM, 0, page);
    const v = new DataView(page.buffer);
    expect([v.getUint16(12, true), v.getUint16(14, true), v.getUint16(16, true)]).toEqual([
      24, 8192, 8192,
    ]);
    expect(v.getUint16(18, true)).toBe(8192 | 4);
    expect(page[24 + 1]).toBe(0b0000_1101); // block 5 visible+frozen, block 4 visible
    expect(page[8191]).toBe(0b1100_0000); // block 32671
    expect(page.subarray(24).reduce((n, b) => n + (b !== 0 ? 1 : 0), 0)).toBe(2);
  });
});

describe('VisibilityMap', () => {
  it('answers from a missing fork without creating it', () => {
    const s = setup();
    expect(s.vm.getStatus(REL, 7)).toBe(0);
    expect(s.vm.clear(REL, 7)).toBe(false);
    expect(s.vm.count(REL)).toEqual({ allVisible: 0, allFrozen: 0 });
    expect(s.vm.prepareTruncate(REL, 0)).toBe(INVALID_BLOCK_NUMBER);
    expect(s.smgr.exists(REL, VM)).toBe(false);
  });

  it('creates and extends the fork when a bit is set, never when one is cleared', () => {
    const s = setup();
    expect(s.vm.set(REL, 40000, V)).toBe(true);
    expect(s.smgr.nblocks(REL, VM)).toBe(2);
    expect(s.vm.getStatus(REL, 40000)).toBe(V);
    expect(s.vm.getStatus(REL, 39999)).toBe(0);
    expect(s.vm.clear(REL, 70000)).toBe(false);
    expect(s.smgr.nblocks(REL, VM)).toBe(2);
    expect(s.vm.getStatus(REL, 70000)).toBe(0);
    expect(pinsHeld(s.pool)).toBe(0);
  });

  it('sets and clears as visibilitymap_set and visibilitymap_clear do', () => {
    const s = setup();
    expect(s.vm.set(REL, 9, V)).toBe(true);
    expect(s.vm.set(REL, 9, V)).toBe(false);
    expect(s.vm.set(REL, 9, VF)).toBe(true);
    expect(s.vm.getStatus(REL, 9)).toBe(VF);
    // PostgreSQL compares the flags with the bits, not the union: this counts as a change.
    expect(s.vm.set(REL, 9, V)).toBe(true);
    expect(s.vm.getStatus(REL, 9)).toBe(VF);
    expect(s.vm.clear(REL, 9, F)).toBe(true);
    expect(s.vm.getStatus(REL, 9)).toBe(V);
    expect(s.vm.clear(REL, 9, F)).toBe(false);
    expect(s.vm.clear(REL, 9)).toBe(true);
    expect(s.vm.getStatus(REL, 9)).toBe(0);
    expect(s.vm.clear(REL, 9)).toBe(false);
    expect(s.vm.count(REL)).toEqual({ allVisible: 0, allFrozen: 0 });
  });

  it('refuses flags that would leave a page frozen but not visible (V2)', () => {
    const s = setup();
    for (const bad of [0, F, 4, 5, -1]) {
      expect(() => s.vm.set(REL, 1, bad), `set ${bad}`).toThrow(StorageError);
    }
    for (const bad of [0, V, 4, 7]) {
      expect(() => s.vm.clear(REL, 1, bad), `clear ${bad}`).toThrow(StorageError);
    }
    expect(() => s.vm.getStatus(REL, -1)).toThrow(/invalid heap block/);
    expect(() => s.vm.set(REL, 0xffffffff, V)).toThrow(/invalid heap block/);
  });

  it('raises the page LSN to the record that set a bit, and the pool flushes WAL that far first (V4)', () => {
    const wal = new FakeWal();
    const s = setup({ wal });
    const first = wal.insert();
    s.vm.set(REL, 3, V, first);
    const buffer = s.pool.readBuffer(REL, VM, 0);
    expect(s.pool.page(buffer).lsn).toBe(first);
    s.pool.release(buffer);
    // An older record does not move the LSN back; clearing never touches it.
    s.vm.set(REL, 4, V, 0x10n);
    s.vm.clear(REL, 3);
    expect(readBlock(s.pool, REL, 0).subarray(0, 8)).toEqual(lsnBytes(first));
    // Nothing changed: nothing to stamp.
    const later = wal.insert();
    expect(s.vm.set(REL, 4, V, later)).toBe(false);
    expect(Page.wrap(readBlock(s.pool, REL, 0)).lsn).toBe(first);
    expect(wal.flushedLsn).toBe(0n);
    s.pool.flushAll();
    expect(wal.flushes).toBe(1);
    expect(wal.flushedLsn).toBeGreaterThanOrEqual(first);
    // Without an LSN (an unlogged relation) pd_lsn stays.
    s.vm.set(rel(1), 3, V);
    expect(Page.wrap(readBlock(s.pool, rel(1), 0)).lsn).toBe(0n);
  });

  it('lets a caller set bits in a pinned, locked buffer it logs itself', () => {
    const s = setup();
    const buffer = s.vm.pin(REL, 40000);
    expect(s.pool.blockNumber(buffer)).toBe(1);
    expect(() => s.vm.setInBuffer(buffer, 40000, VF)).toThrow(/without an exclusive lock/);
    s.pool.lock(buffer, 'exclusive');
    expect(() => s.vm.setInBuffer(buffer, 5, VF)).toThrow(
      'wrong VM buffer passed to visibilitymap_set',
    );
    expect(s.vm.setInBuffer(buffer, 40000, VF)).toBe(true);
    s.pool.page(buffer).lsn = 0x5000n; // what XLogInserter.insert does
    s.pool.markDirty(buffer);
    s.pool.unlockRelease(buffer);
    expect(s.vm.getStatus(REL, 40000)).toBe(VF);
    expect(pinsHeld(s.pool)).toBe(0);
  });

  it('counts all-visible and all-frozen pages over every map page', () => {
    const s = setup();
    for (const b of [0, 1, 2, 32671, 32672, 65344, 69999]) s.vm.set(REL, b, V);
    for (const b of [1, 32672, 69999]) s.vm.set(REL, b, VF);
    expect(s.vm.count(REL)).toEqual({ allVisible: 7, allFrozen: 3 });
  });

  it('prepares truncation: clears the bits past the new end and says how many pages to keep (V3)', () => {
    const s = setup();
    for (const b of [0, 4, 5, 6, 7, 32671, 32672, 40000, 65344]) s.vm.set(REL, b, VF);
    expect(s.smgr.nblocks(REL, VM)).toBe(3);
    expect(truncateHeap(s, REL, 65344)).toBe(2); // on a page boundary: page 2 goes whole
    expect(truncateHeap(s, REL, 40001)).toBe(INVALID_BLOCK_NUMBER); // keeps 2 pages: nothing to cut...
    expect(s.vm.getStatus(REL, 40000)).toBe(VF); // ...and block 40000 stays
    expect(truncateHeap(s, REL, 40000)).toBe(INVALID_BLOCK_NUMBER); // ...but now its bits are cleared
    expect(s.vm.getStatus(REL, 40000)).toBe(0);
    expect(truncateHeap(s, REL, 6)).toBe(1);
    expect([4, 5, 6, 7].map((b) => s.vm.getStatus(REL, b))).toEqual([VF, VF, 0, 0]);
    for (let b = 0; b < vmBlocks(s.smgr, REL); b++) {
      expect(checkVmPage(readBlock(s.pool, REL, b), b, 6)).toEqual([]);
    }
    expect(s.vm.count(REL)).toEqual({ allVisible: 3, allFrozen: 3 });
    expect(truncateHeap(s, REL, 0)).toBe(0);
    expect(s.vm.count(REL)).toEqual({ allVisible: 0, allFrozen: 0 });
    expect(truncateHeap(s, REL, 0)).toBe(INVALID_BLOCK_NUMBER);
  });

  it('reads a page that fails verification as zeros: every bit clear is always safe', () => {
    const s = setup({ checksums: true });
    s.vm.set(REL, 3, VF);
    s.pool.flushAll();
    s.pool.dropRelation(REL, VM);
    const page = new Uint8Array(8192);
    s.smgr.read(REL, VM, 0, page);
    expect(Page.wrap(page.slice()).verify({ checksums: true, blockNumber: 0 }).ok).toBe(true);
    page[3000] = page[3000]! ^ 1;
    s.smgr.write(REL, VM, 0, page);
    expect(s.vm.getStatus(REL, 3)).toBe(0);
    expect(s.vm.stats.zeroedPages).toBe(1);
    expect(s.vm.count(REL)).toEqual({ allVisible: 0, allFrozen: 0 });
    expect(s.vm.set(REL, 3, V)).toBe(true);
    s.pool.flushAll();
    s.pool.dropRelation(REL, VM);
    expect(s.vm.getStatus(REL, 3)).toBe(V);
  });
});

function lsnBytes(lsn: bigint): Uint8Array {
  const out = new Uint8Array(8);
  const v = new DataView(out.buffer);
  v.setUint32(0, Number(lsn >> 32n), true);
  v.setUint32(4, Number(lsn & 0xffffffffn), true);
  return out;
}

// ------------------------------------------------------------------ model-based

const MAX_HEAP = 70_000;
const NRELS = 10;

type Op =
  | { kind: 'set'; rel: number; block: number; frozen: boolean; logged: boolean }
  | { kind: 'clear'; rel: number; block: number; both: boolean }
  | { kind: 'get'; rel: number; block: number }
  | { kind: 'count'; rel: number }
  | { kind: 'truncate'; rel: number; fraction: number }
  | { kind: 'extendHeap'; rel: number; blocks: number }
  | { kind: 'evict' }
  | { kind: 'checkpoint' };

const relIndex = fc.integer({ min: 0, max: NRELS - 1 });
const heapBlock = fc.oneof(
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 32660, max: 32685 }),
  fc.integer({ min: 65335, max: 65350 }),
  fc.integer({ min: 0, max: MAX_HEAP - 1 }),
  fc.integer({ min: MAX_HEAP, max: MAX_HEAP + 20 }),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      rel: relIndex,
      block: heapBlock,
      frozen: fc.boolean(),
      logged: fc.boolean(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('clear' as const),
      rel: relIndex,
      block: heapBlock,
      both: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('get' as const), rel: relIndex, block: heapBlock }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('count' as const), rel: relIndex }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('truncate' as const),
      rel: relIndex,
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('extendHeap' as const),
      rel: relIndex,
      blocks: fc.integer({ min: 1, max: 40_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'evict' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
);

/** One relation as the model sees it. */
interface RelModel {
  heapBlocks: number;
  readonly bits: Map<number, number>;
  /** Per map block, the highest LSN passed to a set() that changed it (V4). */
  readonly lsn: Map<number, bigint>;
}

function resolve(block: number, heapBlocks: number): number {
  if (block >= MAX_HEAP) return Math.max(0, heapBlocks - 1 - (block - MAX_HEAP));
  return block % heapBlocks;
}

const tally = { sets: 0, clears: 0, truncations: 0, evictions: 0, walFlushes: 0, multiPage: 0 };

describe('VisibilityMap (model-based)', () => {
  it('agrees with a map of heap block to flags, V1..V4 after every step, through a 16-buffer pool', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(MAX_HEAP), fc.integer({ min: 1, max: MAX_HEAP })), {
          minLength: NRELS,
          maxLength: NRELS,
        }),
        fc.boolean(),
        fc.array(opArb, { minLength: 10, maxLength: 100, size: 'max' }),
        (sizes, checksums, ops) => {
          const wal = new FakeWal();
          const s = setup({ checksums, wal });
          const models: RelModel[] = sizes.map((n) => ({
            heapBlocks: n,
            bits: new Map(),
            lsn: new Map(),
          }));
          for (const o of ops) {
            runOp(s, wal, models, o);
            expect(pinsHeld(s.pool), `pins left after ${o.kind}`).toBe(0);
            for (let r = 0; r < NRELS; r++) checkRel(s, wal, models[r]!, r, o);
          }
          for (let r = 0; r < NRELS; r++) {
            const m = models[r]!;
            const c = s.vm.count(rel(r));
            expect(c).toEqual(countModel(m));
            if (vmBlocks(s.smgr, rel(r)) > 1) tally.multiPage++;
          }
          // Everything survives a trip through storage, read by a fresh pool.
          s.pool.flushAll();
          const again = new VisibilityMap(
            new BufferPool({ smgr: s.smgr, sharedBuffers: 16 * 8192, checksums }),
          );
          for (let r = 0; r < NRELS; r++) {
            for (const [b, bits] of models[r]!.bits) expect(again.getStatus(rel(r), b)).toBe(bits);
            expect(again.count(rel(r))).toEqual(countModel(models[r]!));
          }
          expect(again.stats.zeroedPages + s.vm.stats.zeroedPages).toBe(0);
          tally.evictions += s.pool.stats.evictions;
          tally.walFlushes += s.pool.stats.walFlushes;
        },
      ),
      { numRuns: RUNS },
    );
    console.log('VM model runs exercised', tally);
    for (const [what, n] of Object.entries(tally)) expect(n, what).toBeGreaterThan(0);
  });
});

function countModel(m: RelModel): { allVisible: number; allFrozen: number } {
  let allVisible = 0;
  let allFrozen = 0;
  for (const bits of m.bits.values()) {
    if (bits & V) allVisible++;
    if (bits & F) allFrozen++;
  }
  return { allVisible, allFrozen };
}

function runOp(s: ReturnType<typeof setup>, wal: FakeWal, models: RelModel[], o: Op): void {
  switch (o.kind) {
    case 'set': {
      const m = models[o.rel]!;
      if (m.heapBlocks === 0) return;
      const block = resolve(o.block, m.heapBlocks);
      const flags = o.frozen ? VF : V;
      const lsn = o.logged ? wal.insert() : undefined;
      const before = m.bits.get(block) ?? 0;
      expect(s.vm.set(rel(o.rel), block, flags, lsn)).toBe(flags !== before);
      m.bits.set(block, before | flags);
      if (flags !== before && lsn !== undefined) {
        const mapBlock = vmLocation(block).block;
        const seen = m.lsn.get(mapBlock) ?? 0n;
        if (lsn > seen) m.lsn.set(mapBlock, lsn);
      }
      tally.sets++;
      return;
    }
    case 'clear': {
      const m = models[o.rel]!;
      if (m.heapBlocks === 0) return;
      const block = resolve(o.block, m.heapBlocks);
      const flags = o.both ? VF : F;
      const before = m.bits.get(block) ?? 0;
      expect(s.vm.clear(rel(o.rel), block, flags)).toBe((before & flags) !== 0);
      const after = before & ~flags;
      if (after === 0) m.bits.delete(block);
      else m.bits.set(block, after);
      tally.clears++;
      return;
    }
    case 'get': {
      const m = models[o.rel]!;
      const block = o.block >= MAX_HEAP ? resolve(o.block, m.heapBlocks) : o.block;
      expect(s.vm.getStatus(rel(o.rel), block), `status of block ${block}`).toBe(
        m.bits.get(block) ?? 0,
      );
      return;
    }
    case 'count':
      expect(s.vm.count(rel(o.rel))).toEqual(countModel(models[o.rel]!));
      return;
    case 'truncate': {
      const m = models[o.rel]!;
      const to = Math.floor(m.heapBlocks * o.fraction);
      const keep = truncateHeap(s, rel(o.rel), to);
      if (keep !== INVALID_BLOCK_NUMBER) {
        tally.truncations++;
        for (const b of [...m.lsn.keys()]) if (b >= keep) m.lsn.delete(b);
      }
      m.heapBlocks = to;
      for (const b of [...m.bits.keys()]) if (b >= to) m.bits.delete(b);
      return;
    }
    case 'extendHeap': {
      const m = models[o.rel]!;
      m.heapBlocks = Math.min(MAX_HEAP, m.heapBlocks + o.blocks);
      return;
    }
    case 'evict':
      s.pool.flushAll();
      for (let r = 0; r < NRELS; r++) s.pool.dropRelation(rel(r), VM);
      return;
    case 'checkpoint':
      s.pool.flushAll();
      s.smgr.sync();
      return;
  }
}

/** V1..V3 on every map page, V4 on every page the pool holds, WAL-before-data on every page on disk. */
function checkRel(s: ReturnType<typeof setup>, wal: FakeWal, m: RelModel, r: number, o: Op): void {
  const n = vmBlocks(s.smgr, rel(r));
  for (let b = 0; b < n; b++) {
    const page = readBlock(s.pool, rel(r), b);
    const violations = checkVmPage(page, b, m.heapBlocks);
    if (violations.length > 0)
      expect(violations, `relation ${r} after ${JSON.stringify(o)}`).toEqual([]);
    const lsn = Page.wrap(page).lsn;
    const want = m.lsn.get(b);
    if (want !== undefined && lsn < want) {
      expect.fail(`V4: map page ${b} of relation ${r} has LSN ${lsn}, a set stamped ${want}`);
    }
    const onDisk = new Uint8Array(8192);
    s.smgr.read(rel(r), VM, b, onDisk);
    if (Page.wrap(onDisk).lsn > wal.flushedLsn) {
      expect.fail(`map page ${b} of relation ${r} reached disk before its WAL`);
    }
  }
}
