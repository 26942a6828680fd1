/**
 * VACUUM's page steps: LP_DEAD line pointers made unused (and refused when
 * not LP_DEAD), the all-visible marking and its VM bits, both replayed
 * from WAL after a crash.
 */
import { LP_DEAD, LP_UNUSED, Page } from '@pg/page';
import {
  MemoryControlStore,
  MemorySmgr,
  openStorage,
  VISIBILITYMAP_ALL_FROZEN,
  VISIBILITYMAP_ALL_VISIBLE,
} from '@pg/storage';
import { builtins } from '@pg/types';
import { MemoryWalStorage, WalPanic } from '@pg/wal';
import { describe, expect, it } from 'vitest';
import { Heap, heapRmgr, setPageAllVisible, vacuumHeapPage } from './index.js';

const int4 = builtins.typeByName('int4')!;
const rel = { spcOid: 1663, dbOid: 5, relNumber: 16950 };

describe('vacuum page steps', () => {
  it('LP_DEAD -> LP_UNUSED, all-visible marking, and both after redo', () => {
    const wal = new MemoryWalStorage();
    const smgr = new MemorySmgr();
    const control = new MemoryControlStore();
    const open = () =>
      openStorage({
        walStorage: wal,
        smgr,
        control,
        segmentSize: 64 * 1024,
        systemIdentifier: 11n,
        rmgrs: [heapRmgr],
      });
    let st = open();
    smgr.create(rel, 0);
    let heap = new Heap({ pool: st.pool, rel, types: [int4], inserter: st.inserter });
    for (let i = 0; i < 5; i++) heap.insert([i], 100, 0);
    st.checkpointer.checkpoint();
    // make 4 and 5 LP_DEAD by hand, as pruning would
    const buffer = st.pool.readBuffer(rel, 0, 0);
    st.pool.lock(buffer, 'exclusive');
    st.pool.page(buffer).setDead(4);
    st.pool.page(buffer).setDead(5);
    st.pool.page(buffer).repairFragmentation();
    st.pool.markDirty(buffer);
    st.pool.unlockRelease(buffer);
    expect(() => vacuumHeapPage(heap, 0, [3])).toThrow(/not an LP_DEAD/);
    const free = vacuumHeapPage(heap, 0, [4, 5]);
    let page = Page.wrap(heap.readCopy(0));
    expect(page.maxOffsetNumber).toBe(3); // trailing unused line pointers dropped
    expect(free).toBe(page.heapFreeSpace());
    expect(setPageAllVisible(heap, 0, false)).toBe(true);
    expect(setPageAllVisible(heap, 0, false)).toBe(false);
    expect(heap.vm.getStatus(rel, 0)).toBe(VISIBILITYMAP_ALL_VISIBLE);
    st.wal.flushSync();
    Reflect.set(st.wal, 'failure', new WalPanic('simulated crash'));
    smgr.crash({ survives: () => false });
    wal.crash({ tornSectors: () => 0 });
    st = open();
    heap = new Heap({ pool: st.pool, rel, types: [int4], inserter: st.inserter });
    page = Page.wrap(heap.readCopy(0));
    expect(page.maxOffsetNumber).toBe(3);
    expect(page.isAllVisible).toBe(true);
    expect(
      [1, 2, 3].map((o) => page.itemId(o).flags === LP_DEAD || page.itemId(o).flags === LP_UNUSED),
    ).toEqual([false, false, false]);
    expect(heap.vm.getStatus(rel, 0)).toBe(VISIBILITYMAP_ALL_VISIBLE);
    expect(setPageAllVisible(heap, 0, true)).toBe(true);
    expect(heap.vm.getStatus(rel, 0)).toBe(VISIBILITYMAP_ALL_VISIBLE | VISIBILITYMAP_ALL_FROZEN);
  });
});
