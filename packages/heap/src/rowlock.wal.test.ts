/**
 * A row lock is WAL-logged (page-image record, info XLOG_HEAP_LOCK, through
 * the heap resource manager): redo alone, from a data directory that lost
 * every page, rebuilds the locked tuple's header; a lock on an all-visible
 * page clears PD_ALL_VISIBLE and the page's visibility-map bits.
 */
import { TM_Result } from '@pg/mvcc';
import { Page } from '@pg/page';
import {
  createFork,
  ForkNumber,
  MemoryControlStore,
  MemorySmgr,
  openStorage,
  VISIBILITYMAP_ALL_FROZEN,
  VISIBILITYMAP_ALL_VISIBLE,
} from '@pg/storage';
import { MemoryWalStorage } from '@pg/wal';
import { describe, expect, it } from 'vitest';
import { Heap } from './internal/heapam.js';
import { REL, TYPES } from './internal/heapam-harness.js';
import { FakeTransactions } from './internal/heapam-model.js';
import { heapRmgr } from './internal/heapam-wal.js';
import { heapLockTuple, rowLockOf, XLOG_HEAP_LOCK } from './internal/rowlock.js';

interface Disk {
  wal: MemoryWalStorage;
  smgr: MemorySmgr;
  control: MemoryControlStore;
}

function start(d: Disk) {
  const s = openStorage({
    walStorage: d.wal,
    smgr: d.smgr,
    control: d.control,
    rmgrs: [heapRmgr],
    sharedBuffers: 16 * 8192,
    dataChecksums: false,
    segmentSize: 256 * 1024,
    walBuffers: 8,
    systemIdentifier: 10n,
  });
  if (!d.smgr.exists(REL, ForkNumber.main)) {
    createFork(s.inserter, REL, ForkNumber.main);
    s.wal.flushSync();
  }
  return { s, heap: new Heap({ pool: s.pool, rel: REL, types: TYPES, inserter: s.inserter }) };
}

describe('row lock WAL', () => {
  it('redo rebuilds the lock; the lock clears all-visible', () => {
    const d: Disk = {
      wal: new MemoryWalStorage(),
      smgr: new MemorySmgr(),
      control: new MemoryControlStore(),
    };
    const { s, heap } = start(d);
    const xacts = new FakeTransactions();
    const a = xacts.begin();
    const tid = heap.insert([1, 2, 'x'], a.xid, a.cid);
    xacts.end(a, true);
    // VACUUM's doing: the page all-visible and all-frozen
    const buffer = s.pool.readBuffer(REL, ForkNumber.main, 0);
    s.pool.lock(buffer, 'exclusive');
    s.pool.page(buffer).isAllVisible = true;
    s.pool.markDirty(buffer);
    s.pool.unlockRelease(buffer);
    heap.vm.set(REL, 0, VISIBILITYMAP_ALL_VISIBLE | VISIBILITYMAP_ALL_FROZEN);

    const b = xacts.begin();
    const before = s.wal.insertLsn;
    expect(heapLockTuple(heap, tid, 'no key update', xacts.writer(b)).result).toBe(TM_Result.Ok);
    expect(s.wal.insertLsn).toBeGreaterThan(before);
    expect(rowLockOf(heap, tid)).toEqual({ xmax: b.xid, mode: 'no key update', lockOnly: true });
    expect(Page.wrap(heap.readCopy(0)).isAllVisible).toBe(false);
    expect(heap.vm.getStatus(REL, 0)).toBe(0);
    const live = heap.readCopy(0);

    s.wal.flushSync();
    // a data directory that lost every page (the VM too), with the whole WAL
    const bare: Disk = { wal: d.wal, smgr: new MemorySmgr(), control: d.control };
    const again = start(bare);
    expect(rowLockOf(again.heap, tid)).toEqual({
      xmax: b.xid,
      mode: 'no key update',
      lockOnly: true,
    });
    const replayed = again.heap.readCopy(0);
    expect(Buffer.from(replayed.subarray(24)).equals(Buffer.from(live.subarray(24)))).toBe(true);
    expect(heapRmgr.describe?.({ info: XLOG_HEAP_LOCK, blocks: [] } as never)).toContain('LOCK');
  });
});
