/**
 * Test-only: a {@link SessionTable} over a real TransactionManager,
 * LockManager (on a manual clock, so deadlock checks run when a test says)
 * and an in-memory heap of (key int4, value int4).
 */
import {
  Clog,
  LockManager,
  ManualClock,
  MemorySlruStore,
  ProcArray,
  SubTrans,
  TransactionManager,
  Transam,
  XidGenerator,
} from '@pg/mvcc';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { builtins } from '@pg/types';
import { Heap } from './heapam.js';
import { SessionTable } from './session.js';

export const DEADLOCK_TIMEOUT_MS = 1000;

export function sessionSetup(fillfactor = 100) {
  const clog = new Clog({ store: new MemorySlruStore(), buffers: 2 });
  const transam = new Transam(clog, new SubTrans());
  const xids = new XidGenerator({ nextFullXid: 3n, extend: (x) => clog.extend(x) });
  clog.zeroPage(0);
  const procArray = new ProcArray({ latestCompletedXid: 2 });
  const clock = new ManualClock();
  const locks = new LockManager({ clock, deadlockTimeoutMs: DEADLOCK_TIMEOUT_MS });
  const manager = new TransactionManager({ xids, transam, procArray, locks });
  const int4 = builtins.typeByName('int4')!;
  const smgr = new MemorySmgr();
  const rel = { spcOid: 1663, dbOid: 5, relNumber: 16800 };
  smgr.create(rel, 0);
  const pool = new BufferPool({ smgr, sharedBuffers: 16 * 8192 });
  const heap = new Heap({
    pool,
    rel,
    types: [int4, int4],
    fillfactor,
  });
  const table = new SessionTable({
    heap,
    manager,
    locks,
    transam,
    procArray,
    indexedColumns: new Set([1]),
  });
  return { table, manager, locks, clock, heap, transam, procArray };
}

/** Lets every settled promise's continuations run (the engine's event loop, one turn). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise's state, without waiting for it. */
export function track<T>(p: Promise<T>): {
  readonly state: () => 'pending' | 'done' | 'error';
  value?: T;
  error?: unknown;
} {
  const t: { state: () => 'pending' | 'done' | 'error'; value?: T; error?: unknown } = {
    state: () => s,
  };
  let s: 'pending' | 'done' | 'error' = 'pending';
  p.then(
    (v) => {
      s = 'done';
      t.value = v;
    },
    (e: unknown) => {
      s = 'error';
      t.error = e;
    },
  );
  return t;
}

/** The key = k predicate, and SET value = value + d. */
export const byKey = (k: number) => (v: readonly unknown[]) => v[0] === k;
export const addTo = (d: number) => (v: readonly unknown[]) => [v[0], (v[1] as number) + d];
