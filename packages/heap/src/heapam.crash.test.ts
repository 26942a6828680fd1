/**
 * The heap under crashes: random transactions (commits flush the WAL, as a
 * synchronous commit does), scans that set hint bits, checkpoints, WAL
 * flushes, background writes and crashes that lose every unsynced write
 * and tear unsynced page and WAL writes, with checksums on. After recovery
 * the committed state is exactly what the model says (transactions running
 * at the crash are aborted). And: redo alone, from an empty data directory,
 * rebuilds every page byte for byte (hint bits and unused space masked, as
 * wal_consistency_checking's heap_mask does).
 */
import {
  createFork,
  ForkNumber,
  MemoryControlStore,
  MemorySmgr,
  type OpenedStorage,
  openStorage,
} from '@pg/storage';
import { MemoryWalStorage } from '@pg/wal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Heap } from './internal/heapam.js';
import {
  applyOp,
  checkPages,
  checkReads,
  type Harness,
  type Op,
  opArb,
  REL,
  TYPES,
} from './internal/heapam-harness.js';
import { FakeTransactions, HeapModel } from './internal/heapam-model.js';
import { heapRmgr } from './internal/heapam-wal.js';
import {
  HEAP_XMAX_COMMITTED,
  HEAP_XMAX_INVALID,
  HEAP_XMIN_COMMITTED,
  HEAP_XMIN_INVALID,
} from './internal/tuple.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);

interface Disk {
  wal: MemoryWalStorage;
  smgr: MemorySmgr;
  control: MemoryControlStore;
}

function start(d: Disk, checksums: boolean, fillfactor: number): { s: OpenedStorage; heap: Heap } {
  const s = openStorage({
    walStorage: d.wal,
    smgr: d.smgr,
    control: d.control,
    rmgrs: [heapRmgr],
    sharedBuffers: 16 * 8192,
    dataChecksums: checksums,
    segmentSize: 256 * 1024,
    walBuffers: 8,
    systemIdentifier: 10n,
  });
  if (!d.smgr.exists(REL, ForkNumber.main)) {
    createFork(s.inserter, REL, ForkNumber.main); // CREATE TABLE commits
    s.wal.flushSync();
  }
  return {
    s,
    heap: new Heap({ pool: s.pool, rel: REL, types: TYPES, inserter: s.inserter, fillfactor }),
  };
}

type CrashOp =
  | Op
  | { kind: 'checkpoint' }
  | { kind: 'flush' }
  | { kind: 'bgwrite' }
  | { kind: 'scan' }
  | { kind: 'crash'; seed: number; odds: number }
  | { kind: 'commitCrash'; t: number; seed: number };

const crashOp: fc.Arbitrary<CrashOp> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('commitCrash' as const),
      t: fc.nat(7),
      seed: fc.integer(),
    }),
  },
  { weight: 20, arbitrary: opArb },
  { weight: 2, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'bgwrite' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'scan' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('crash' as const),
      seed: fc.integer(),
      odds: fc.constantFrom(0, 0.5, 1),
    }),
  },
);

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 0x100000000;
  };
}

const stats = { crashes: 0, replayed: 0, hintImages: 0 };

function run(fillfactor: number, ops: readonly CrashOp[]): void {
  const d: Disk = {
    wal: new MemoryWalStorage(),
    smgr: new MemorySmgr(),
    control: new MemoryControlStore(),
  };
  let { s, heap } = start(d, true, fillfactor);
  const xacts = new FakeTransactions();
  const h: Harness = { heap, xacts, model: new HeapModel(xacts), open: [] };
  const crash = (seed: number, odds: number) => {
    const flushed = s.wal.flushedLsn;
    stats.hintImages += s.inserter.fullPageImages;
    const r = rng(seed);
    d.smgr.crash({ survives: () => r() < odds });
    d.wal.crash({ tornSectors: (_n, sectors) => Math.floor(r() * (sectors + 1)) });
    ({ s, heap } = start(d, true, fillfactor));
    expect(s.recovery!.endLsn).toBeGreaterThanOrEqual(flushed);
    stats.crashes++;
    stats.replayed += s.recovery!.records;
    xacts.crash();
    h.heap = heap;
    h.open = [];
    // versions of aborted transactions may be lost, and their line pointers reused
    for (const [k, v] of h.model.versions) {
      if (xacts.status.get(v.xmin) === 'aborted') h.model.versions.delete(k);
    }
    checkReads(h); // the committed state, as a new reader sees it
    checkPages(heap);
  };
  for (const o of ops) {
    switch (o.kind) {
      case 'checkpoint':
        s.checkpointer.checkpoint();
        break;
      case 'flush':
        s.wal.flushSync();
        break;
      case 'bgwrite':
        s.pool.backgroundWrite(8);
        break;
      case 'scan':
        checkReads(h);
        break;
      case 'crash':
        crash(o.seed, o.odds);
        break;
      case 'commitCrash': // a commit, then a crash that loses every unsynced page write
        s.wal.flushSync();
        applyOp(h, { kind: 'end', t: o.t, commit: true });
        crash(o.seed, 0);
        break;
      default:
        if (o.kind === 'end' && o.commit) s.wal.flushSync(); // RecordTransactionCommit's XLogFlush
        applyOp(h, o);
    }
  }
  crash(7, 0.5);
}

const HINTS = HEAP_XMIN_COMMITTED | HEAP_XMIN_INVALID | HEAP_XMAX_COMMITTED | HEAP_XMAX_INVALID;

/** heap_mask: hint bits of every tuple, the page's hints (PD_PAGE_FULL, pd_prune_xid), the checksum, and the unused space between pd_lower and pd_upper. */
export function maskHeapPage(page: Uint8Array): Uint8Array {
  const v = new DataView(page.buffer, page.byteOffset, page.length);
  const lower = v.getUint16(12, true);
  const upper = v.getUint16(14, true);
  v.setUint16(8, 0, true); // pd_checksum
  // PD_HAS_FREE_LINES and PD_PAGE_FULL are hints (bufmask.c's mask_page_hint_bits):
  // an insert clears the first when its search finds no free line pointer, redo does not search
  v.setUint16(10, v.getUint16(10, true) & ~0x0003, true);
  v.setUint32(16, 0, true); // pd_prune_xid, a hint
  if (lower < upper) page.fill(0, lower, upper);
  for (let at = 24; at < lower; at += 4) {
    const word = v.getUint32(at, true);
    if (((word >>> 15) & 3) !== 1) continue; // LP_NORMAL only
    const off = word & 0x7fff;
    v.setUint16(off + 20, v.getUint16(off + 20, true) & ~HINTS, true);
    // the MAXALIGN padding after the tuple is whatever was there (heapdesc's heap_mask masks it)
    const len = word >>> 17;
    page.fill(0, off + len, off + ((len + 7) & ~7));
  }
  return page;
}

describe('heap crash recovery', () => {
  it('recovers the committed state after every crash', () => {
    Object.assign(stats, { crashes: 0, replayed: 0, hintImages: 0 });
    fc.assert(
      fc.property(
        fc.constantFrom(50, 100),
        fc.array(crashOp, { minLength: 1, maxLength: 100, size: 'max' }),
        (fillfactor, ops) => run(fillfactor, ops),
      ),
      { numRuns: Math.max(10, Math.ceil(RUNS / 5)) },
    );
    expect(stats.crashes).toBeGreaterThan(RUNS / 5);
    expect(stats.replayed).toBeGreaterThan(RUNS / 3);
    expect(stats.hintImages).toBeGreaterThan(0); // hint bits after a checkpoint, checksums on
  });

  it('a hint-bit change after a checkpoint, torn by a crash, is repaired (checksums on)', () => {
    const d: Disk = {
      wal: new MemoryWalStorage(),
      smgr: new MemorySmgr(),
      control: new MemoryControlStore(),
    };
    let { s, heap } = start(d, true, 100);
    const xacts = new FakeTransactions();
    const h: Harness = { heap, xacts, model: new HeapModel(xacts), open: [] };
    applyOp(h, { kind: 'begin' });
    for (let i = 0; i < 30; i++) applyOp(h, { kind: 'insert', t: 0, k: i, pad: 200 });
    s.wal.flushSync();
    applyOp(h, { kind: 'end', t: 0, commit: true });
    s.checkpointer.checkpoint(); // the page on disk now has no hint bits
    const images = s.inserter.fullPageImages;
    checkReads(h); // sets HEAP_XMIN_COMMITTED on every tuple: only a hint
    expect(s.inserter.fullPageImages).toBe(images + 1); // XLogSaveBufferForHint
    s.wal.flushSync();
    s.pool.flushAll(); // the hinted page is written, not synced
    d.smgr.crash({ survives: (_path, _block, sector) => sector % 2 === 0 }); // torn
    d.wal.crash({ tornSectors: () => 0 });
    ({ s, heap } = start(d, true, 100));
    xacts.crash();
    h.heap = heap;
    checkReads(h); // an unrepaired torn page would fail its checksum (XX001)
    expect(h.model.visibleRows(undefined).size).toBe(30);
  });

  it('replays the WAL into exactly the pages the operations wrote', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(50, 100),
        fc.array(opArb, { minLength: 1, maxLength: 60, size: 'max' }),
        (fillfactor, ops) => {
          const d: Disk = {
            wal: new MemoryWalStorage(),
            smgr: new MemorySmgr(),
            control: new MemoryControlStore(),
          };
          const { s, heap } = start(d, false, fillfactor);
          const xacts = new FakeTransactions();
          const h: Harness = { heap, xacts, model: new HeapModel(xacts), open: [] };
          for (const o of ops) {
            applyOp(h, o);
            checkReads(h); // sets hint bits, which are not logged
          }
          s.wal.flushSync();
          s.pool.flushAll();
          const nblocks = d.smgr.nblocks(REL, ForkNumber.main);
          const live: Uint8Array[] = [];
          for (let b = 0; b < nblocks; b++) live.push(heap.readCopy(b));
          // a data directory that lost every page, with the whole WAL: redo rebuilds them
          const bare: Disk = { wal: d.wal, smgr: new MemorySmgr(), control: d.control };
          const again = start(bare, false, fillfactor);
          expect(again.heap.nblocks()).toBe(nblocks);
          for (let b = 0; b < nblocks; b++) {
            const replayed = maskHeapPage(again.heap.readCopy(b));
            expect(
              Buffer.from(replayed).equals(Buffer.from(maskHeapPage(live[b]!))),
              `block ${b}`,
            ).toBe(true);
          }
        },
      ),
      { numRuns: Math.max(10, Math.ceil(RUNS / 10)) },
    );
  });
});
