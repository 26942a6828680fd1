/**
 * Freezing (freezePage): frozen rows stay visible after the xid counter
 * has moved 2^31 past them, where an unfrozen row of the same age is
 * wrongly judged "in the future"; an aborted or lock-only old xmax is
 * cleared; an old multi is replaced; the page becomes all-frozen in the
 * visibility map; the FREEZE_PAGE record replays after a crash; and once
 * freezing lets the oldest datfrozenxid advance, xid assignment that had
 * reached PostgreSQL's stop limit goes on.
 */
import {
  attachMultiXacts,
  Clog,
  computeXidLimits,
  HEAP_XMAX_INVALID,
  HEAP_XMIN_FROZEN,
  MemorySlruStore,
  MultiXactStatus,
  MultiXacts,
  type Snapshot,
  SubTrans,
  type TransactionId,
  Transam,
  transactionIdToPage,
  type UpdateContext,
  XidGenerator,
  xidFromFullTransactionId,
} from '@pg/mvcc';
import { Page } from '@pg/page';
import {
  BufferPool,
  MemoryControlStore,
  MemorySmgr,
  openStorage,
  VISIBILITYMAP_ALL_FROZEN,
} from '@pg/storage';
import { builtins } from '@pg/types';
import { MemoryWalStorage, WalPanic } from '@pg/wal';
import { describe, expect, it } from 'vitest';
import {
  freezePage,
  HEAP_KEYS_UPDATED,
  HEAP_XMAX_IS_MULTI,
  HEAP_XMAX_KEYSHR_LOCK,
  HEAP_XMAX_LOCK_ONLY,
  Heap,
  heapRmgr,
  setTupleXmaxAndBits,
  tupleInfomask,
  tupleInfomask2,
  tupleXmax,
  tupleXmin,
} from './index.js';

const int4 = builtins.typeByName('int4')!;
const rel = { spcOid: 1663, dbOid: 5, relNumber: 16900 };

/** A cluster-less heap over a clog whose counter starts at `start`. */
function setup(start: bigint) {
  const clog = new Clog({ store: new MemorySlruStore(), buffers: 4 });
  const transam = new Transam(clog, new SubTrans());
  clog.zeroPage(transactionIdToPage(xidFromFullTransactionId(start)));
  const xids = new XidGenerator({ nextFullXid: start, extend: (x) => clog.extend(x) });
  const smgr = new MemorySmgr();
  smgr.create(rel, 0);
  const pool = new BufferPool({ smgr, sharedBuffers: 16 * 8192 });
  const heap = new Heap({ pool, rel, types: [int4, int4] });
  const running = new Set<TransactionId>();
  const ctx: UpdateContext = {
    log: transam,
    isCurrentTransactionId: () => false,
    isInProgress: (x) => running.has(x),
  };
  /** one committed transaction inserting a row */
  const insert = (k: number) => {
    const { xid } = xids.getNewTransactionId();
    heap.insert([k, k * 10], xid, 0);
    transam.commitTree(xid, []);
    return xid;
  };
  /** a snapshot taken now: nothing running */
  const snapshotNow = (): Snapshot => {
    const x = xidFromFullTransactionId(xids.nextFullXid);
    return { xmin: x, xmax: x, xip: [], subxip: [], suboverflowed: false, curcid: 0 };
  };
  const keys = (s: Snapshot) => [...heap.scan(s, ctx)].map((r) => r.values[0] as number).sort();
  const item = (offset: number) => Page.wrap(heap.readCopy(0)).mustItem(offset);
  return { clog, transam, xids, heap, ctx, running, insert, snapshotNow, keys, item };
}

describe('freezePage', () => {
  it('frozen rows stay visible 2^31 xids later; an unfrozen row of their age does not', () => {
    // start just before the 32-bit wrap, so the rows' xids cross it
    const t = setup(2n ** 32n - 1n);
    const a = t.insert(1);
    const b = t.insert(2);
    expect(b).toBeLessThan(a); // wrapped: 0xFFFFFFFF then 3
    const freezeLimit = xidFromFullTransactionId(t.xids.nextFullXid);
    const r = freezePage(t.heap, 0, { freezeLimit }, t.ctx);
    expect(r).toEqual({ frozen: 2, allFrozen: true });
    expect(tupleInfomask(t.item(1)) & HEAP_XMIN_FROZEN).toBe(HEAP_XMIN_FROZEN);
    expect(tupleXmin(t.item(1))).toBe(a); // xmin is kept (PostgreSQL 9.4+)
    expect(t.heap.vm.getStatus(rel, 0) & VISIBILITYMAP_ALL_FROZEN).toBe(VISIBILITYMAP_ALL_FROZEN);
    // a third row, not frozen
    t.insert(3);
    expect(t.keys(t.snapshotNow())).toEqual([1, 2, 3]);
    expect(t.heap.vm.getStatus(rel, 0)).toBe(0); // the insert cleared the page's bits
    // 2^31 + 10 transactions later (the counter moved, the clog page of the new xids zeroed)
    const later = t.xids.nextFullXid + 2n ** 31n + 10n;
    t.clog.zeroPage(transactionIdToPage(xidFromFullTransactionId(later)));
    const t2 = new XidGenerator({ nextFullXid: later, extend: (x) => t.clog.extend(x) });
    const x = t2.getNewTransactionId().xid;
    const s: Snapshot = { xmin: x, xmax: x, xip: [], subxip: [], suboverflowed: false, curcid: 0 };
    // the frozen rows are seen; row 3's xmin now looks like the future
    expect(t.keys(s)).toEqual([1, 2]);
    // freezing it in time would have kept it
    freezePage(t.heap, 0, { freezeLimit: xidFromFullTransactionId(t.xids.nextFullXid) }, t.ctx);
    expect(t.keys(s)).toEqual([1, 2, 3]);
  });

  it('leaves young and uncommitted xmins alone, clears old aborted and lock-only xmax', () => {
    const t = setup(1000n);
    const a = t.insert(1); // will be deleted by an aborted transaction
    t.insert(2); // locked by a committed locker
    const young = t.xids.getNewTransactionId().xid; // row 3: aborted inserter
    t.heap.insert([3, 30], young, 0);
    t.transam.abortTree(young, []);
    const deleter = t.xids.getNewTransactionId().xid;
    const locker = t.xids.getNewTransactionId().xid;
    t.transam.abortTree(deleter, []);
    t.transam.commitTree(locker, []);
    // headers as heap_delete / heap_lock_tuple leave them
    const page = t.heap.pool.readBuffer(rel, 0, 0);
    t.heap.pool.lock(page, 'exclusive');
    const p = t.heap.pool.page(page);
    setTupleXmaxAndBits(p.mustItem(1), {
      xmax: deleter,
      infomask: 0,
      infomask2: HEAP_KEYS_UPDATED,
    });
    setTupleXmaxAndBits(p.mustItem(2), {
      xmax: locker,
      infomask: HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_KEYSHR_LOCK,
    });
    t.heap.pool.markDirty(page);
    t.heap.pool.unlockRelease(page);
    // a cutoff before the deleter: only xmins older than it are frozen
    const r1 = freezePage(t.heap, 0, { freezeLimit: deleter }, t.ctx);
    expect(r1).toEqual({ frozen: 2, allFrozen: false });
    expect(tupleXmax(t.item(1))).toBe(deleter);
    expect(tupleInfomask(t.item(3)) & HEAP_XMIN_FROZEN).toBe(0); // aborted inserter
    // a later cutoff: the aborted deleter and the committed locker go
    const r2 = freezePage(t.heap, 0, { freezeLimit: locker + 1 }, t.ctx);
    expect(r2.frozen).toBe(2);
    for (const off of [1, 2]) {
      expect(tupleXmax(t.item(off))).toBe(0);
      expect(tupleInfomask(t.item(off)) & HEAP_XMAX_INVALID).toBe(HEAP_XMAX_INVALID);
      expect(tupleInfomask2(t.item(off)) & HEAP_KEYS_UPDATED).toBe(0);
    }
    expect(tupleXmin(t.item(1))).toBe(a);
    // row 3 (aborted, not frozen) keeps the page from being all-frozen
    expect(r2.allFrozen).toBe(false);
  });

  it('replaces a multi older than the cutoff: lockers gone, the committed updater kept', () => {
    const t = setup(1000n);
    const mx = new MultiXacts({
      offsetsStore: new MemorySlruStore(),
      membersStore: new MemorySlruStore(),
    });
    attachMultiXacts(t.transam, mx);
    t.insert(1);
    t.insert(2);
    const l1 = t.xids.getNewTransactionId().xid;
    const l2 = t.xids.getNewTransactionId().xid;
    t.transam.commitTree(l1, []);
    t.transam.commitTree(l2, []);
    const lockers = mx.create([
      { xid: l1, status: MultiXactStatus.ForShare },
      { xid: l2, status: MultiXactStatus.ForShare },
    ]);
    const withUpdate = mx.create([
      { xid: l1, status: MultiXactStatus.ForKeyShare },
      { xid: l2, status: MultiXactStatus.NoKeyUpdate },
    ]);
    const buf = t.heap.pool.readBuffer(rel, 0, 0);
    t.heap.pool.lock(buf, 'exclusive');
    const p = t.heap.pool.page(buf);
    setTupleXmaxAndBits(p.mustItem(1), {
      xmax: lockers,
      infomask: HEAP_XMAX_IS_MULTI | HEAP_XMAX_LOCK_ONLY | 0x0050,
    });
    setTupleXmaxAndBits(p.mustItem(2), { xmax: withUpdate, infomask: HEAP_XMAX_IS_MULTI | 0x0040 });
    t.heap.pool.markDirty(buf);
    t.heap.pool.unlockRelease(buf);
    // multis not older than the cutoff are left alone
    freezePage(t.heap, 0, { freezeLimit: l1, multiFreezeLimit: lockers }, t.ctx);
    expect(tupleXmax(t.item(1))).toBe(lockers);
    freezePage(t.heap, 0, { freezeLimit: l1, multiFreezeLimit: withUpdate + 1 }, t.ctx);
    expect(tupleXmax(t.item(1))).toBe(0);
    expect(tupleInfomask(t.item(1)) & (HEAP_XMAX_INVALID | HEAP_XMAX_IS_MULTI)).toBe(
      HEAP_XMAX_INVALID,
    );
    expect(tupleXmax(t.item(2))).toBe(l2);
    expect(tupleInfomask(t.item(2)) & (HEAP_XMAX_IS_MULTI | HEAP_XMAX_LOCK_ONLY | 0x50)).toBe(0);
    // row 2 is deleted by l2 for every new snapshot
    expect(t.keys(t.snapshotNow())).toEqual([1]);
  });

  it('WAL: a crash after the FREEZE_PAGE record replays the frozen page and its VM bits', () => {
    const wal = new MemoryWalStorage();
    const smgr = new MemorySmgr();
    const control = new MemoryControlStore();
    const open = () =>
      openStorage({
        walStorage: wal,
        smgr,
        control,
        segmentSize: 64 * 1024,
        systemIdentifier: 9n,
        rmgrs: [heapRmgr],
      });
    let st = open();
    smgr.create(rel, 0);
    const clog = new Clog({ store: new MemorySlruStore() });
    clog.zeroPage(0);
    const transam = new Transam(clog, new SubTrans());
    const ctx: UpdateContext = {
      log: transam,
      isCurrentTransactionId: () => false,
      isInProgress: () => false,
    };
    let heap = new Heap({ pool: st.pool, rel, types: [int4, int4], inserter: st.inserter });
    for (let i = 0; i < 5; i++) {
      heap.insert([i, i], 100 + i, 0);
      transam.commitTree(100 + i, []);
    }
    st.checkpointer.checkpoint();
    expect(freezePage(heap, 0, { freezeLimit: 200 }, ctx)).toEqual({ frozen: 5, allFrozen: true });
    st.wal.flushSync();
    Reflect.set(st.wal, 'failure', new WalPanic('simulated crash'));
    smgr.crash({ survives: () => false });
    wal.crash({ tornSectors: () => 0 });
    st = open();
    heap = new Heap({ pool: st.pool, rel, types: [int4, int4], inserter: st.inserter });
    const page = Page.wrap(heap.readCopy(0));
    for (let off = 1; off <= 5; off++) {
      expect(tupleInfomask(page.mustItem(off)) & HEAP_XMIN_FROZEN).toBe(HEAP_XMIN_FROZEN);
    }
    expect(page.isAllVisible).toBe(true);
    expect(heap.vm.getStatus(rel, 0) & VISIBILITYMAP_ALL_FROZEN).toBe(VISIBILITYMAP_ALL_FROZEN);
  });

  it('after freezing moves the oldest datfrozenxid, assignment stopped at xidStopLimit goes on', () => {
    const t = setup(1000n);
    const first = t.insert(1);
    // the limits as if row 1's xid were the oldest unfrozen one in the cluster
    const limits = computeXidLimits(first, 5, { datname: 'postgres' });
    const gen = new XidGenerator({
      nextFullXid: BigInt(limits.xidStopLimit),
      limits,
      extend: () => undefined,
    });
    expect(() => gen.getNewTransactionId()).toThrow(expect.objectContaining({ code: '54000' }));
    freezePage(t.heap, 0, { freezeLimit: first + 1 }, t.ctx);
    // VACUUM would now set datfrozenxid to the freeze cutoff: new limits
    gen.setLimits(computeXidLimits(first + 100_000_000, 5, { datname: 'postgres' }));
    expect(gen.getNewTransactionId().warning).toBeUndefined();
  });
});
