/**
 * BRIN under crashes: random inserts, summarising, desummarising,
 * checkpoints, WAL flushes, background writes and crashes that lose every
 * unsynced write and tear unsynced page and WAL writes. After recovery the
 * index's invariants hold and scans still return every page holding a row
 * whose insert is durable (a heap row is durable when the WAL up to its
 * insert survived). Also: redo alone, from an empty data directory,
 * reproduces every page byte for byte.
 */
import { type ScanKey, Strategy, type Tid } from '@pg/access';
import { Brin, brinRmgr, REVMAP_PAGE_MAXITEMS } from '@pg/brin';
import { checkIndex } from '@pg/brin/testing';
import {
  ForkNumber,
  MemoryControlStore,
  MemorySmgr,
  type OpenedStorage,
  openStorage,
} from '@pg/storage';
import { builtins } from '@pg/types';
import { MemoryWalStorage } from '@pg/wal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);
const int4 = builtins.typeByName('int4')!;
const REL = { spcOid: 1663, dbOid: 5, relNumber: 17600 };
const DESCRIPTOR = { name: 'crash_brin', keys: [{ name: 'a', type: int4 }] };
const PPR = 2;

interface Row {
  readonly tid: Tid;
  readonly values: readonly [number];
  /** The WAL's end when the row was inserted: it is durable when recovery gets that far. */
  readonly lsn: bigint;
}

class Heap {
  rows: Row[] = [];
  blocks = 0;
  nblocks(): number {
    return this.blocks;
  }
  *tuples(start: number, end: number) {
    for (const r of this.rows) if (r.tid.block >= start && r.tid.block < end) yield r;
  }
}

interface Disk {
  wal: MemoryWalStorage;
  smgr: MemorySmgr;
  control: MemoryControlStore;
}

function start(d: Disk, heap: Heap, checksums = true): { s: OpenedStorage; index: Brin } {
  const s = openStorage({
    walStorage: d.wal,
    smgr: d.smgr,
    control: d.control,
    rmgrs: [brinRmgr],
    sharedBuffers: 32 * 8192,
    dataChecksums: checksums,
    segmentSize: 256 * 1024,
    walBuffers: 8,
    systemIdentifier: 17n,
  });
  const exists = d.smgr.exists(REL, ForkNumber.main) && d.smgr.nblocks(REL, ForkNumber.main) > 0;
  const options = {
    pool: s.pool,
    rel: REL,
    descriptor: DESCRIPTOR,
    heap,
    inserter: s.inserter,
    pagesPerRange: PPR,
  };
  if (exists) return { s, index: new Brin(options) };
  const index = Brin.create(options);
  s.wal.flushSync();
  return { s, index };
}

type Op =
  | { kind: 'insert'; block: number; a: number; n: number }
  | { kind: 'summarize' }
  | { kind: 'desummarize'; block: number }
  | { kind: 'checkpoint' }
  | { kind: 'flush' }
  | { kind: 'bgwrite' }
  | { kind: 'crash'; seed: number; odds: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      block: fc.integer({ min: 0, max: 30 }),
      a: fc.integer({ min: 0, max: 1000 }),
      n: fc.integer({ min: 1, max: 8 }),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ kind: 'summarize' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('desummarize' as const),
      block: fc.integer({ min: 0, max: 30 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'bgwrite' as const }) },
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

const seen = { crashes: 0, replayed: 0, lost: 0 };

/** Every durable row's page is returned by a scan for its value, and by a range scan around it. */
function checkCovers(index: Brin, heap: Heap, sample = 1): void {
  expect(checkIndex(index)).toEqual([]);
  const all = new Set(index.matchingPages([]));
  for (const [i, r] of heap.rows.entries()) {
    expect(all.has(r.tid.block)).toBe(true);
    if (i % sample !== 0) continue;
    const keys: ScanKey[] = [{ attno: 1, strategy: Strategy.equal, argument: r.values[0] }];
    expect(
      index.matchingPages(keys),
      `row (${r.tid.block},${r.tid.offset})=${r.values[0]} missed`,
    ).toContain(r.tid.block);
  }
}

function run(ops: readonly Op[]): void {
  const d: Disk = {
    wal: new MemoryWalStorage(),
    smgr: new MemorySmgr(),
    control: new MemoryControlStore(),
  };
  const heap = new Heap();
  let { s, index } = start(d, heap);
  const nextOffset = new Map<number, number>();
  const crash = (seed: number, odds: number) => {
    const flushed = s.wal.flushedLsn;
    const r = rng(seed);
    d.smgr.crash({ survives: () => r() < odds });
    d.wal.crash({ tornSectors: (_n, sectors) => Math.floor(r() * (sectors + 1)) });
    ({ s, index } = start(d, heap));
    const end = s.recovery!.endLsn;
    expect(end).toBeGreaterThanOrEqual(flushed);
    seen.crashes++;
    seen.replayed += s.recovery!.records;
    // The heap keeps the rows whose WAL survived (their heap records came before).
    const before = heap.rows.length;
    heap.rows = heap.rows.filter((row) => row.lsn <= end);
    seen.lost += before - heap.rows.length;
    checkCovers(index, heap);
  };
  for (const o of ops) {
    switch (o.kind) {
      case 'insert':
        for (let i = 0; i < o.n; i++) {
          const offset = (nextOffset.get(o.block) ?? 0) + 1;
          nextOffset.set(o.block, offset);
          const tid = { block: o.block, offset };
          heap.blocks = Math.max(heap.blocks, o.block + 1);
          const values = [(o.a * (i + 1)) % 1000] as const;
          index.insert(values, tid);
          heap.rows.push({ tid, values, lsn: s.wal.endLsn });
        }
        break;
      case 'summarize':
        index.summarizeNewValues();
        break;
      case 'desummarize':
        index.desummarizeRange(o.block);
        break;
      case 'checkpoint':
        s.checkpointer.checkpoint();
        break;
      case 'flush':
        s.wal.flushSync();
        break;
      case 'bgwrite':
        s.pool.backgroundWrite(8);
        break;
      case 'crash':
        crash(o.seed, o.odds);
        break;
    }
  }
  crash(7, 0.5);
}

describe('BRIN crash recovery', () => {
  it('recovers an index that covers every durable row, with the invariants intact', () => {
    Object.assign(seen, { crashes: 0, replayed: 0, lost: 0 });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60, size: 'max' }), (ops) => run(ops)),
      { numRuns: Math.max(10, Math.ceil(RUNS / 10)) },
    );
    expect(seen.crashes).toBeGreaterThan(RUNS / 10);
    expect(seen.replayed).toBeGreaterThan(RUNS / 10);
    expect(seen.lost).toBeGreaterThan(0);
  });

  it('replays the WAL into exactly the pages the operations wrote', () => {
    fc.assert(
      fc.property(
        fc.array(
          op.filter(
            (o) => o.kind === 'insert' || o.kind === 'summarize' || o.kind === 'desummarize',
          ),
          { minLength: 1, maxLength: 40, size: 'max' },
        ),
        (ops) => {
          const d: Disk = {
            wal: new MemoryWalStorage(),
            smgr: new MemorySmgr(),
            control: new MemoryControlStore(),
          };
          const heap = new Heap();
          const { s, index } = start(d, heap, false);
          let next = 0;
          for (const o of ops) {
            if (o.kind === 'insert') {
              for (let i = 0; i < o.n; i++, next++) {
                heap.blocks = Math.max(heap.blocks, o.block + 1);
                const tid = { block: o.block, offset: next + 1 };
                heap.rows.push({ tid, values: [o.a + i], lsn: 0n });
                index.insert([o.a + i], tid);
              }
            } else if (o.kind === 'summarize') {
              index.summarizeNewValues();
            } else if (o.kind === 'desummarize') {
              index.desummarizeRange(o.block);
            }
          }
          s.wal.flushSync();
          s.pool.flushAll();
          const nblocks = d.smgr.nblocks(REL, ForkNumber.main);
          const live: Uint8Array[] = [];
          for (let b = 0; b < nblocks; b++) live.push(index.readCopy(b));
          const bare: Disk = { wal: d.wal, smgr: new MemorySmgr(), control: d.control };
          const again = start(bare, heap, false);
          for (let b = 0; b < nblocks; b++) {
            expect(
              Buffer.from(again.index.readCopy(b)).equals(Buffer.from(live[b]!)),
              `block ${b}`,
            ).toBe(true);
          }
        },
      ),
      { numRuns: Math.max(10, Math.ceil(RUNS / 15)) },
    );
  });

  it('grows the revmap over regular pages: exact replay, and coverage after a crash', () => {
    let evacuated = 0;
    for (const seed of [1, 2]) {
      const d: Disk = {
        wal: new MemoryWalStorage(),
        smgr: new MemorySmgr(),
        control: new MemoryControlStore(),
      };
      const heap = new Heap();
      // One range per block: the 1361st range needs a second revmap page where regular pages are.
      const blocks = Math.floor((REVMAP_PAGE_MAXITEMS * PPR * (3 + seed)) / 3);
      for (let b = 0; b < blocks; b++) {
        heap.rows.push({ tid: { block: b, offset: 1 }, values: [(b * 7919) % 5000], lsn: 0n });
      }
      heap.blocks = blocks;
      let { s, index } = start(d, heap, false);
      // Ranges in an order that puts summaries on the pages the revmap grows over.
      for (let b = 0; b < blocks; b += 2 * PPR) index.summarizeRangeOf(b);
      s.wal.flushSync();
      index.summarizeNewValues();
      evacuated += index.stats.evacuated;
      const nblocks = d.smgr.nblocks(REL, ForkNumber.main);
      const live: Uint8Array[] = [];
      for (let b = 0; b < nblocks; b++) live.push(index.readCopy(b));
      // Recovery from the whole WAL reproduces the pages.
      s.wal.flushSync();
      s.pool.flushAll();
      const again = start({ wal: d.wal, smgr: new MemorySmgr(), control: d.control }, heap, false);
      for (let b = 0; b < nblocks; b++) {
        expect(
          Buffer.from(again.index.readCopy(b)).equals(Buffer.from(live[b]!)),
          `block ${b}`,
        ).toBe(true);
      }
      // A crash that keeps a random prefix of the WAL: the index still covers every row.
      const r = rng(seed);
      const d2: Disk = {
        wal: new MemoryWalStorage(),
        smgr: new MemorySmgr(),
        control: new MemoryControlStore(),
      };
      ({ s, index } = start(d2, heap));
      for (let b = 0; b < blocks; b += 2 * PPR) index.summarizeRangeOf(b);
      s.wal.flushSync();
      index.summarizeNewValues();
      d2.smgr.crash({ survives: () => r() < 0.5 });
      d2.wal.crash({ tornSectors: (_n, sectors) => Math.floor(r() * (sectors + 1)) });
      ({ s, index } = start(d2, heap));
      checkCovers(index, heap, 97);
      index.summarizeNewValues();
      checkCovers(index, heap, 97);
    }
    expect(evacuated).toBeGreaterThan(0);
  });
});
