import { Page } from '@pg/page';
import {
  BufferPool,
  ForkNumber,
  MAX_USAGE_COUNT,
  MemorySmgr,
  type Smgr,
  StorageError,
} from '@pg/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 120);
const REL = { spcOid: 1663, dbOid: 5, relNumber: 16384 };
const main = ForkNumber.main;

/** A relation of `n` initialised pages whose first item holds the block number. */
function filled(smgr: Smgr, n: number, rel = REL): void {
  if (!smgr.exists(rel, main)) smgr.create(rel, main);
  const bytes = new Uint8Array(8192);
  for (let b = 0; b < n; b++) {
    const page = Page.init(bytes);
    page.addItem(new Uint8Array(new Uint32Array([b]).buffer));
    page.setChecksum(smgr.nblocks(rel, main));
    smgr.extend(rel, main, smgr.nblocks(rel, main), bytes);
  }
}

function pool(buffers: number, smgr: Smgr = new MemorySmgr(), checksums = false): BufferPool {
  return new BufferPool({ smgr, sharedBuffers: buffers * 8192, checksums });
}

describe('buffer pool (model-based)', () => {
  it('never evicts a pinned page, and every read sees the latest content', () => {
    const arb = fc.array(
      fc.oneof(
        {
          weight: 5,
          arbitrary: fc.record({
            kind: fc.constant('read' as const),
            block: fc.integer({ min: 0, max: 39 }),
          }),
        },
        {
          weight: 4,
          arbitrary: fc.record({ kind: fc.constant('release' as const), which: fc.nat() }),
        },
        {
          weight: 3,
          arbitrary: fc.record({
            kind: fc.constant('write' as const),
            which: fc.nat(),
            value: fc.integer({ min: 0, max: 1e9 }),
          }),
        },
        { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
        { weight: 1, arbitrary: fc.constant({ kind: 'bgwrite' as const }) },
      ),
      { maxLength: 200, size: 'max' },
    );
    fc.assert(
      fc.property(arb, (ops) => {
        const smgr = new MemorySmgr();
        filled(smgr, 40);
        const p = pool(16, smgr);
        const model = Array.from({ length: 40 }, (_, b) => b);
        const pins: { buffer: number; block: number }[] = [];
        const counterOf = (buffer: number) =>
          new DataView(
            p.page(buffer).mustItem(1).buffer,
            p.page(buffer).mustItem(1).byteOffset,
          ).getUint32(0, true);
        for (const o of ops) {
          if (o.kind === 'read') {
            const distinctPinned = new Set(pins.map((x) => x.buffer)).size;
            const resident = p.lookup(REL, main, o.block) !== undefined;
            if (distinctPinned === 16 && !resident) {
              expect(() => p.readBuffer(REL, main, o.block)).toThrow(
                /no unpinned buffers available/,
              );
              continue;
            }
            const buffer = p.readBuffer(REL, main, o.block);
            pins.push({ buffer, block: o.block });
            expect(counterOf(buffer)).toBe(model[o.block]);
          } else if (o.kind === 'release' && pins.length > 0) {
            const [x] = pins.splice(o.which % pins.length, 1);
            p.release(x!.buffer);
          } else if (o.kind === 'write' && pins.length > 0) {
            const x = pins[o.which % pins.length]!;
            p.lock(x.buffer, 'exclusive');
            p.page(x.buffer).overwriteItem(1, new Uint8Array(new Uint32Array([o.value]).buffer));
            p.markDirty(x.buffer);
            p.unlock(x.buffer);
            model[x.block] = o.value;
          } else if (o.kind === 'flush') {
            p.flushAll();
          } else if (o.kind === 'bgwrite') {
            p.backgroundWrite(4);
          }
          // Every pinned buffer still holds its block.
          for (const x of pins) {
            expect(p.tag(x.buffer).block).toBe(x.block);
            expect(p.lookup(REL, main, x.block)).toBe(x.buffer);
          }
          expect(p.residentCount).toBeLessThanOrEqual(16);
        }
        for (const x of pins) p.release(x.buffer);
        // Written back, the relation holds the model.
        p.flushAll();
        const fresh = pool(16, smgr);
        for (let b = 0; b < 40; b++) {
          const buffer = fresh.readBuffer(REL, main, b);
          const item = fresh.page(buffer).mustItem(1);
          expect(new DataView(item.buffer, item.byteOffset).getUint32(0, true)).toBe(model[b]);
          fresh.release(buffer);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('buffer pool', () => {
  // issue 11 (block counters)
  it('counts blocks fetched and hit per relation (pgstat_count_buffer_read/hit) until taken', () => {
    const smgr = new MemorySmgr();
    const other = { ...REL, relNumber: 16390 };
    filled(smgr, 20, REL);
    filled(smgr, 1, other);
    const p = pool(16, smgr);
    const read = (rel: typeof REL, block: number, uncounted = false) =>
      p.release(p.readBuffer(rel, main, block, uncounted ? { uncounted } : {}));
    for (let b = 0; b < 20; b++) read(REL, b); // 20 misses; the pool holds 16
    read(other, 0);
    read(other, 0);
    p.setStatOid(other, 99);
    expect(p.takeRelationCounts()).toEqual([
      { dbOid: 5, relOid: 16384, fetched: 20, hit: 0 },
      { dbOid: 5, relOid: 99, fetched: 2, hit: 1 },
    ]);
    expect(p.takeRelationCounts()).toEqual([]); // taken: zero again
    read(REL, 19);
    // an uncounted pin that loads a block: the next counted read of it is a read, then hits
    read(REL, 0, true);
    read(REL, 0);
    read(REL, 0);
    const b = p.extend(REL, main); // ReadBufferExtended(P_NEW) counts a read
    p.release(b);
    expect(p.takeRelationCounts()).toEqual([{ dbOid: 5, relOid: 16384, fetched: 4, hit: 2 }]);
  });

  it('keeps the hot set through a large scan that uses a ring', () => {
    const smgr = new MemorySmgr();
    filled(smgr, 16 * 64 + 8);
    const p = pool(64, smgr);
    const hot = [0, 1, 2, 3, 4, 5, 6, 7];
    for (let i = 0; i < MAX_USAGE_COUNT; i++)
      for (const b of hot) p.release(p.readBuffer(REL, main, b));
    const ring = p.strategy('bulkread');
    expect(ring.ring.length).toBe(8); // 256kB, capped at 1/8 of the pool
    for (let b = 8; b < 16 * 64 + 8; b++) p.release(p.readBuffer(REL, main, b, { strategy: ring }));
    const readsBefore = p.stats.reads;
    for (const b of hot) {
      expect(p.lookup(REL, main, b), `hot block ${b}`).toBeDefined();
      p.release(p.readBuffer(REL, main, b));
    }
    expect(p.stats.reads).toBe(readsBefore);
    // The scan used only its ring: at most 8 + the hot set's 8 buffers ever held blocks... of the scan.
    let scanResident = 0;
    for (let b = 8; b < 16 * 64 + 8; b++) if (p.lookup(REL, main, b) !== undefined) scanResident++;
    expect(scanResident).toBeLessThanOrEqual(ring.ring.length);
  });

  it('loses the hot set to the same scan without a ring (the ring is what protects it)', () => {
    const smgr = new MemorySmgr();
    filled(smgr, 16 * 64 + 8);
    const p = pool(64, smgr);
    for (let i = 0; i < MAX_USAGE_COUNT; i++)
      for (let b = 0; b < 8; b++) p.release(p.readBuffer(REL, main, b));
    for (let b = 8; b < 16 * 64 + 8; b++) p.release(p.readBuffer(REL, main, b));
    let resident = 0;
    for (let b = 0; b < 8; b++) if (p.lookup(REL, main, b) !== undefined) resident++;
    expect(resident).toBe(0);
  });

  it('stays within shared_buffers: one fixed allocation, at most that many resident blocks', () => {
    const smgr = new MemorySmgr();
    filled(smgr, 320);
    const p = pool(32, smgr);
    expect(p.memory.byteLength).toBe(32 * 8192);
    for (let round = 0; round < 3; round++) {
      for (let b = 0; b < 320; b++) {
        const buffer = p.readBuffer(REL, main, b);
        p.lock(buffer, 'exclusive');
        p.markDirty(buffer);
        p.unlockRelease(buffer);
        expect(p.residentCount).toBeLessThanOrEqual(32);
      }
    }
    expect(p.memory.byteLength).toBe(32 * 8192);
    expect(p.stats.evictions).toBeGreaterThan(800);
    expect(p.stats.writes).toBeGreaterThan(800);
  });

  it('raises usage counts to at most 5, and a ring pin counts once', () => {
    const smgr = new MemorySmgr();
    filled(smgr, 2);
    const p = pool(16, smgr);
    const b = p.readBuffer(REL, main, 0);
    expect(p.usageCount(b)).toBe(1);
    for (let i = 0; i < 10; i++) p.pinAgain(b);
    for (let i = 0; i < 10; i++) p.release(p.readBuffer(REL, main, 0));
    expect(p.usageCount(b)).toBe(MAX_USAGE_COUNT);
    const ring = p.strategy('vacuum');
    const c = p.readBuffer(REL, main, 1, { strategy: ring });
    p.release(p.readBuffer(REL, main, 1, { strategy: ring }));
    expect(p.usageCount(c)).toBe(1);
  });

  it('reports a checksum failure as XX001 naming block and relation, and keeps working', () => {
    const smgr = new MemorySmgr();
    filled(smgr, 4);
    const bytes = new Uint8Array(8192);
    smgr.read(REL, main, 3, bytes);
    bytes[8000] = bytes[8000]! ^ 0x10;
    smgr.write(REL, main, 3, bytes);
    const p = pool(16, smgr, true);
    let error: unknown;
    try {
      p.readBuffer(REL, main, 3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('XX001');
    expect((error as StorageError).message).toBe(
      'invalid page in block 3 of relation base/5/16384',
    );
    expect((error as StorageError).detail).toMatch(
      /^page verification failed, calculated checksum \d+ but expected \d+$/,
    );
    expect(p.lookup(REL, main, 3)).toBeUndefined();
    expect(p.residentCount).toBe(0);
    for (let b = 0; b < 3; b++) p.release(p.readBuffer(REL, main, b));
    expect(() => p.readBuffer(REL, main, 3)).toThrow(StorageError);
  });

  it('flushes WAL up to the page LSN before writing the page', () => {
    const smgr = new MemorySmgr();
    filled(smgr, 20);
    const events: string[] = [];
    let flushed = 0n;
    const wal = {
      get flushedLsn() {
        return flushed;
      },
      flushSync() {
        events.push('wal-flush');
        flushed = 1000n;
      },
    };
    const write = smgr.write.bind(smgr);
    smgr.write = (rel, fork, block, page) => {
      events.push(`write ${block}`);
      write(rel, fork, block, page);
    };
    const p = new BufferPool({ smgr, sharedBuffers: 16 * 8192, wal });
    const b = p.readBuffer(REL, main, 0);
    p.lock(b, 'exclusive');
    p.page(b).lsn = 500n;
    p.markDirty(b);
    p.unlockRelease(b);
    const c = p.readBuffer(REL, main, 1);
    p.lock(c, 'exclusive');
    p.page(c).lsn = 900n;
    p.markDirty(c);
    p.unlockRelease(c);
    p.flushAll();
    expect(events).toEqual(['wal-flush', 'write 0', 'write 1']);
    expect(p.stats.walFlushes).toBe(1);
  });

  it('refuses misuse: content locks, pins and dirtying follow PostgreSQL rules', () => {
    const smgr = new MemorySmgr();
    filled(smgr, 2);
    const p = pool(16, smgr);
    const b = p.readBuffer(REL, main, 0);
    expect(() => p.markDirty(b)).toThrow(/without an exclusive lock/);
    p.lock(b, 'share');
    p.lock(b, 'share');
    expect(() => p.lock(b, 'exclusive')).toThrow(/already share locked/);
    p.unlock(b);
    p.unlock(b);
    expect(() => p.unlock(b)).toThrow(/not locked/);
    p.release(b);
    expect(() => p.page(b)).toThrow(/not pinned/);
    expect(() => p.readBuffer(REL, main, 2)).toThrow(expect.objectContaining({ code: 'XX001' }));
    expect(() => new BufferPool({ smgr, sharedBuffers: 8 * 8192 })).toThrow(/shared_buffers/);
  });

  it("drops a truncated relation's buffers without writing them", () => {
    const smgr = new MemorySmgr();
    filled(smgr, 8);
    const p = pool(16, smgr);
    for (let b = 0; b < 8; b++) {
      const x = p.readBuffer(REL, main, b);
      p.lock(x, 'exclusive');
      p.markDirty(x);
      p.unlockRelease(x);
    }
    const writes = p.stats.writes;
    p.dropRelation(REL, main, 4);
    expect(p.residentCount).toBe(4);
    expect(p.flushAll()).toBe(4);
    expect(p.stats.writes).toBe(writes + 4);
  });
});
