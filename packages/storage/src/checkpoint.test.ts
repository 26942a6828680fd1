import {
  BackgroundWork,
  createFork,
  ForkNumber,
  FreeSpaceMap,
  logNewPages,
  MemoryControlStore,
  MemorySmgr,
  type OpenedStorage,
  openStorage,
  recover,
  StorageError,
  storageRmgr,
  truncateRelation,
  VISIBILITYMAP_ALL_VISIBLE,
  VisibilityMap,
} from '@pg/storage';
import { demoInit, demoReadBlock, demoRmgr, demoSet } from '@pg/storage/testing';
import { createRmgrRegistry, DbState, MemoryWalStorage, WalPanic } from '@pg/wal';
import { describe, expect, it } from 'vitest';
import type { RedoContext } from './internal/redo.js';

const REL = { spcOid: 1663, dbOid: 5, relNumber: 16384 };
const main = ForkNumber.main;

interface Disk {
  wal: MemoryWalStorage;
  smgr: MemorySmgr;
  control: MemoryControlStore;
}

function disk(): Disk {
  return { wal: new MemoryWalStorage(), smgr: new MemorySmgr(), control: new MemoryControlStore() };
}

function start(d: Disk, extra: Partial<Parameters<typeof openStorage>[0]> = {}): OpenedStorage {
  return openStorage({
    walStorage: d.wal,
    smgr: d.smgr,
    control: d.control,
    rmgrs: [demoRmgr],
    sharedBuffers: 16 * 8192,
    segmentSize: 64 * 1024,
    systemIdentifier: 42n,
    ...extra,
  });
}

function crash(d: Disk): void {
  d.smgr.crash();
  d.wal.crash();
}

/** Appends `n` demo pages with counter 0 set to `value`. */
function addPages(s: OpenedStorage, n: number, value: number): void {
  if (!s.pool.smgr.exists(REL, main)) createFork(s.inserter, REL, main);
  for (let i = 0; i < n; i++) {
    const b = s.pool.extend(REL, main);
    s.pool.lock(b, 'exclusive');
    demoInit(s.inserter, b);
    demoSet(s.inserter, [{ buffer: b, slot: 0, value }]);
    s.pool.unlockRelease(b);
  }
}

function setAll(s: OpenedStorage, value: number): void {
  const n = s.pool.smgr.nblocks(REL, main);
  for (let block = 0; block < n; block++) {
    const b = s.pool.readBuffer(REL, main, block);
    s.pool.lock(b, 'exclusive');
    demoSet(s.inserter, [{ buffer: b, slot: 1, value }]);
    s.pool.unlockRelease(b);
  }
}

describe('startup, checkpoints and recovery', () => {
  it('initialises a cluster, shuts it down cleanly and starts again replaying only the shutdown checkpoint', () => {
    const d = disk();
    const s = start(d, { dataChecksums: true });
    expect(s.recovery).toBeNull();
    expect(d.control.read()!.state).toBe(DbState.inProduction);
    addPages(s, 3, 7);
    s.shutdown();
    expect(d.control.read()!.state).toBe(DbState.shutdowned);
    const again = start(d);
    expect(again.recovery!.wasClean).toBe(true);
    expect(again.recovery!.records).toBe(1);
    expect(again.pool.checksums).toBe(true);
    expect(demoReadBlock(again.pool, REL, main, 2)[0]).toBe(7);
  });

  it('attaches a full-page image to the first change of each page after a checkpoint, and only to it', () => {
    const s = start(disk());
    addPages(s, 4, 1);
    expect(s.inserter.fullPageImages).toBe(0); // new pages are initialised by their record
    s.checkpointer.checkpoint();
    setAll(s, 2);
    expect(s.inserter.fullPageImages).toBe(4);
    setAll(s, 3);
    expect(s.inserter.fullPageImages).toBe(4);
    s.inserter.fullPageWrites = false;
    s.checkpointer.checkpoint();
    setAll(s, 4);
    expect(s.inserter.fullPageImages).toBe(4);
  });

  it('recovers changes made while a spread checkpoint was writing buffers', async () => {
    const d = disk();
    const s = start(d);
    addPages(s, 12, 1);
    s.wal.flushSync();
    let round = 0;
    const result = await s.checkpointer.checkpointSpread({
      batch: 2,
      pause: async () => {
        setAll(s, 100 + round++);
      },
    });
    expect(round).toBeGreaterThan(2);
    expect(result.buffersWritten).toBe(12);
    setAll(s, 999);
    s.wal.flushSync();
    crash(d);
    const r = start(d);
    expect(r.recovery!.redoLsn).toBe(result.redo);
    for (let block = 0; block < 12; block++)
      expect(demoReadBlock(r.pool, REL, main, block).slice(0, 2)).toEqual([1, 999]);
  });

  it('replays truncation, creation and image-only records', () => {
    const d = disk();
    const s = start(d);
    addPages(s, 10, 5);
    s.checkpointer.checkpoint();
    truncateRelation(s.inserter, REL, 4);
    expect(s.pool.smgr.nblocks(REL, main)).toBe(4);
    const other = { ...REL, relNumber: 16390 };
    createFork(s.inserter, other, main);
    const b = s.pool.extend(other, main);
    s.pool.lock(b, 'exclusive');
    demoInit(s.inserter, b);
    s.pool.unlockRelease(b);
    const c = s.pool.readBuffer(REL, main, 3);
    s.pool.lock(c, 'exclusive');
    logNewPages(s.inserter, [c]);
    s.pool.unlockRelease(c);
    s.wal.flushSync();
    crash(d);
    const r = start(d);
    expect(r.pool.smgr.nblocks(REL, main)).toBe(4);
    expect(r.pool.smgr.nblocks(other, main)).toBe(1);
    expect(demoReadBlock(r.pool, other, main, 0)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(r.recovery!.records).toBeGreaterThanOrEqual(4);
  });

  it('truncates the visibility map and free space map with the heap, also in redo', () => {
    const d = disk();
    const s = start(d);
    addPages(s, 10, 5);
    const vm = new VisibilityMap(s.pool);
    const fsm = new FreeSpaceMap(s.pool);
    for (let b = 0; b < 10; b++) {
      vm.set(REL, b, VISIBILITYMAP_ALL_VISIBLE, s.wal.endLsn);
      fsm.recordFreeSpace(REL, b, 4000);
    }
    fsm.vacuum(REL);
    s.checkpointer.checkpoint();
    truncateRelation(s.inserter, REL, 4);
    expect(vm.count(REL)).toEqual({ allVisible: 4, allFrozen: 0 });
    expect(fsm.getFreeSpace(REL, 7)).toBe(0);
    expect(fsm.getPageWithFreeSpace(REL, 3000)).toBeLessThan(4);
    s.wal.flushSync();
    crash(d);
    const r = start(d);
    expect(new VisibilityMap(r.pool).count(REL)).toEqual({ allVisible: 4, allFrozen: 0 });
    expect(new VisibilityMap(r.pool).getStatus(REL, 8)).toBe(0);
  });

  it('tolerates changes to blocks that a later truncation removed', () => {
    const d = disk();
    const s = start(d);
    addPages(s, 6, 5);
    s.checkpointer.checkpoint();
    setAll(s, 6); // changes to blocks 0..5, logged with images
    truncateRelation(s.inserter, REL, 2);
    s.wal.flushSync();
    crash(d);
    const r = start(d);
    expect(r.pool.smgr.nblocks(REL, main)).toBe(2);
  });

  it('is a PANIC when pg_control is missing or names no checkpoint', () => {
    const d = disk();
    const pool = start(d).pool;
    const registry = createRmgrRegistry<RedoContext>();
    registry.register(storageRmgr);
    expect(() =>
      recover({ walStorage: d.wal, control: new MemoryControlStore(), pool, registry }),
    ).toThrow(WalPanic);
    const control = d.control.read()!;
    d.control.write({ ...control, checkPoint: control.checkPoint + 8n });
    expect(() =>
      recover({ walStorage: d.wal, control: d.control, pool, registry, segmentSize: 64 * 1024 }),
    ).toThrow(/could not locate a valid checkpoint record/);
  });

  it('is a PANIC when relation files cannot be fsynced at a checkpoint', () => {
    const d = disk();
    const s = start(d);
    addPages(s, 2, 1);
    d.smgr.sync = () => {
      throw new StorageError('58030', 'could not fsync file "base/5/16384": Input/output error');
    };
    expect(() => s.checkpointer.checkpoint()).toThrow(WalPanic);
  });

  it('reports a checksum failure met during recovery as XX001 naming the block', () => {
    const d = disk();
    const s = start(d, { dataChecksums: true });
    addPages(s, 2, 1);
    s.checkpointer.checkpoint();
    // The changes below carry no images (full_page_writes off), so redo must read block 1 from
    // disk, where it rots after the WAL is flushed.
    s.inserter.fullPageWrites = false;
    setAll(s, 3);
    s.wal.flushSync();
    const bytes = new Uint8Array(8192);
    d.smgr.read(REL, main, 1, bytes);
    bytes[8100] = bytes[8100]! ^ 1;
    d.smgr.write(REL, main, 1, bytes);
    d.smgr.sync();
    crash(d);
    expect(() => start(d)).toThrow('invalid page in block 1 of relation base/5/16384');
  });
});

describe('background work', () => {
  it("takes a checkpoint when WAL since the redo point passes max_wal_size's share, or when the time comes", async () => {
    let now = 0;
    const d = disk();
    const s = start(d, {
      checkpointer: { maxWalSize: 256 * 1024, checkpointTimeoutMs: 60_000, now: () => now },
    });
    const work = new BackgroundWork({ pool: s.pool, checkpointer: s.checkpointer });
    await work.tick();
    expect(work.stats.checkpoints).toEqual({ time: 0, wal: 0 });
    addPages(s, 20, 1);
    s.checkpointer.checkpoint();
    setAll(s, 2); // 20 full-page images: 160kB, more than 256kB / 1.9
    expect(s.checkpointer.due()).toBe('wal');
    await work.tick();
    expect(work.stats.checkpoints.wal).toBe(1);
    expect(s.checkpointer.due()).toBeNull();
    now += 60_000;
    expect(s.checkpointer.due()).toBe('time');
    await work.tick();
    expect(work.stats.checkpoints.time).toBe(1);
  });

  it('writes dirty buffers the clock hand is about to reuse', async () => {
    const s = start(disk());
    addPages(s, 30, 1); // more pages than buffers: the sweep has passed over them
    const dirty = s.pool.dirtyBuffers().length;
    expect(dirty).toBeGreaterThan(0);
    const work = new BackgroundWork({
      pool: s.pool,
      checkpointer: s.checkpointer,
      lruMaxPages: 100,
    });
    for (let i = 0; i < 3; i++) {
      // The sweep lowers usage counts as it passes; a read of a cold block moves it on.
      s.pool.release(s.pool.readBuffer(REL, main, i));
      await work.tick();
    }
    expect(work.stats.buffersWritten).toBeGreaterThan(0);
  });
});
