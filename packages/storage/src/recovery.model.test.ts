/**
 * The durability property, model-based: random sequences of logged page
 * changes (some touching two pages in one record, some initialising new
 * pages), WAL flushes, checkpoints, background writes, scans that evict,
 * and crashes. A crash loses everything not fsynced in pg_wal/ and in the
 * relation files, tearing unsynced writes at 512-byte sectors. After every
 * crash, recovery must bring back exactly the changes whose WAL survived:
 * at least every change flushed before the crash, and the pages must equal
 * the model replayed to the recovered end of WAL.
 *
 * The last two tests break the rules on purpose (full_page_writes off; a
 * pool that writes pages without flushing WAL first) and check that this
 * property then fails: it can catch both mistakes.
 */

import { checkPage } from '@pg/page/testing';
import {
  ForkNumber,
  MemoryControlStore,
  MemorySmgr,
  type OpenedStorage,
  openStorage,
} from '@pg/storage';
import { DEMO_SLOTS, demoInit, demoReadBlock, demoRmgr, demoSet } from '@pg/storage/testing';
import { MemoryWalStorage } from '@pg/wal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 120);
const RELS = [
  { spcOid: 1663, dbOid: 5, relNumber: 16384 },
  { spcOid: 1663, dbOid: 5, relNumber: 16390 },
] as const;
const SEGMENT = 64 * 1024;

type Target = { rel: 0 | 1; at: number; slot: number; value: number };
type Op =
  | { kind: 'set'; targets: Target[] }
  | { kind: 'flush' }
  | { kind: 'checkpoint' }
  | { kind: 'bgwrite'; pages: number }
  | { kind: 'scan'; rel: 0 | 1; ring: boolean }
  | { kind: 'crash'; seed: number; sectorOdds: number };

const target = fc.record({
  rel: fc.constantFrom<0 | 1>(0, 1),
  // Where in the relation: 1 is a new page at the end, often, so relations outgrow the pool.
  at: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
  slot: fc.integer({ min: 0, max: DEMO_SLOTS - 1 }),
  value: fc.integer({ min: 1, max: 0xffffffff }),
});
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      targets: fc.array(target, { minLength: 1, maxLength: 2 }),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('bgwrite' as const),
      pages: fc.integer({ min: 1, max: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('scan' as const),
      rel: fc.constantFrom<0 | 1>(0, 1),
      ring: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('crash' as const),
      seed: fc.integer(),
      sectorOdds: fc.constantFrom(0, 0.3, 0.7, 1),
    }),
  },
);

/** A change as the model sees it: one page initialised, or one counter set. */
type Change = { end: bigint; key: string; slot?: number; value?: number };

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

interface Cluster {
  readonly wal: MemoryWalStorage;
  readonly smgr: MemorySmgr;
  readonly control: MemoryControlStore;
  s: OpenedStorage;
  history: Change[];
}

interface Breakage {
  readonly fullPageWrites?: boolean;
  /** Replace the pool's WAL access with one that never flushes (breaks WAL-before-data). */
  readonly noWalBeforeData?: boolean;
}

function open(c: Omit<Cluster, 's' | 'history'>, broken: Breakage): OpenedStorage {
  const s = openStorage({
    walStorage: c.wal,
    smgr: c.smgr,
    control: c.control,
    rmgrs: [demoRmgr],
    sharedBuffers: 16 * 8192,
    dataChecksums: true,
    segmentSize: SEGMENT,
    walBuffers: 4,
    systemIdentifier: 7n,
    ...(broken.fullPageWrites === false ? { fullPageWrites: false } : {}),
  });
  if (broken.noWalBeforeData) {
    Reflect.set(s.pool, 'wal', { flushedLsn: 0xffffffffffffffffn, flushSync() {} });
  }
  return s;
}

function replay(history: readonly Change[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const ch of history) {
    if (ch.slot === undefined) m.set(ch.key, new Array<number>(DEMO_SLOTS).fill(0));
    else m.get(ch.key)![ch.slot] = ch.value!;
  }
  return m;
}

function blockCount(model: Map<string, number[]>, rel: 0 | 1): number {
  let n = 0;
  while (model.has(`${rel}:${n}`)) n++;
  return n;
}

function applySet(c: Cluster, targets: Target[]): void {
  const { pool, inserter } = c.s;
  const model = replay(c.history);
  const pinned: { buffer: number; key: string; slot: number; value: number }[] = [];
  const newBlock = new Set<number>();
  for (const t of targets) {
    const count = blockCount(model, t.rel);
    const block = Math.min(count, Math.floor(t.at * (count + 1)));
    const key = `${t.rel}:${block}`;
    if (pinned.some((p) => p.key === key)) continue;
    const rel = RELS[t.rel];
    let buffer: number;
    if (block === count) {
      if (newBlock.has(t.rel)) continue;
      newBlock.add(t.rel);
      // A new page: reuse a zero page left past the end by a crash, or extend.
      if (!pool.smgr.exists(rel, ForkNumber.main)) pool.smgr.create(rel, ForkNumber.main);
      buffer =
        block < pool.smgr.nblocks(rel, ForkNumber.main)
          ? pool.readBuffer(rel, ForkNumber.main, block)
          : pool.extend(rel, ForkNumber.main);
      expect(pool.blockNumber(buffer)).toBe(block);
      pool.lock(buffer, 'exclusive');
      expect(pool.page(buffer).isNew()).toBe(true);
      const end = demoInit(inserter, buffer);
      c.history.push({ end, key });
    } else {
      buffer = pool.readBuffer(rel, ForkNumber.main, block);
      pool.lock(buffer, 'exclusive');
    }
    pinned.push({ buffer, key, slot: t.slot, value: t.value });
  }
  const end = demoSet(inserter, pinned);
  for (const p of pinned) {
    c.history.push({ end, key: p.key, slot: p.slot, value: p.value });
    pool.unlockRelease(p.buffer);
  }
}

/** What the runs exercised, so a vacuous generator shows up as a failure. */
const seen = { crashes: 0, replayed: 0, images: 0, pageWrites: 0, lost: 0, recycled: 0 };

function crashAndRecover(c: Cluster, seed: number, sectorOdds: number, broken: Breakage): void {
  const flushed = c.s.wal.flushedLsn;
  seen.crashes++;
  seen.images += c.s.inserter.fullPageImages;
  seen.pageWrites += c.s.pool.stats.writes;
  const before = c.history.length;
  const r = rng(seed);
  c.smgr.crash({ survives: () => r() < sectorOdds });
  c.wal.crash({ tornSectors: (_name, sectors) => Math.floor(r() * (sectors + 1)) });
  c.s = open(c, broken);
  const end = c.s.recovery!.endLsn;
  // W9: every flushed record survived.
  expect(end).toBeGreaterThanOrEqual(flushed);
  c.history = c.history.filter((ch) => ch.end <= end);
  seen.replayed += c.s.recovery!.records;
  seen.lost += before - c.history.length;
  check(c);
}

/** Every page equals the model; pages past the model's end are new (all zeros). */
function check(c: Cluster): void {
  const model = replay(c.history);
  const { pool } = c.s;
  for (const relNo of [0, 1] as const) {
    const rel = RELS[relNo];
    const count = blockCount(model, relNo);
    const nblocks = pool.smgr.exists(rel, ForkNumber.main)
      ? pool.smgr.nblocks(rel, ForkNumber.main)
      : 0;
    expect(nblocks).toBeGreaterThanOrEqual(count);
    for (let block = 0; block < nblocks; block++) {
      const expected = model.get(`${relNo}:${block}`);
      if (expected === undefined) {
        const buffer = pool.readBuffer(rel, ForkNumber.main, block);
        expect(pool.page(buffer).isNew(), `block ${block} past the model's end`).toBe(true);
        pool.release(buffer);
        continue;
      }
      expect(
        demoReadBlock(pool, rel, ForkNumber.main, block),
        `rel ${relNo} block ${block}`,
      ).toEqual(expected);
      const buffer = pool.readBuffer(rel, ForkNumber.main, block);
      expect(checkPage(pool.bytes(buffer))).toEqual([]);
      pool.release(buffer);
    }
  }
}

function run(ops: Op[], broken: Breakage = {}): void {
  const base = {
    wal: new MemoryWalStorage(),
    smgr: new MemorySmgr(),
    control: new MemoryControlStore(),
  };
  const c: Cluster = { ...base, s: open(base, broken), history: [] };
  for (const o of ops) {
    switch (o.kind) {
      case 'set':
        applySet(c, o.targets);
        break;
      case 'flush':
        c.s.wal.flushSync();
        break;
      case 'checkpoint':
        c.s.checkpointer.checkpoint();
        seen.recycled += c.s.checkpointer.lastWalRemoval?.recycled.length ?? 0;
        break;
      case 'bgwrite':
        c.s.pool.backgroundWrite(o.pages);
        break;
      case 'scan': {
        const rel = RELS[o.rel];
        if (!c.s.pool.smgr.exists(rel, ForkNumber.main)) break;
        const n = c.s.pool.smgr.nblocks(rel, ForkNumber.main);
        const options = o.ring ? { strategy: c.s.pool.strategy('bulkread') } : {};
        for (let b = 0; b < n; b++)
          c.s.pool.release(c.s.pool.readBuffer(rel, ForkNumber.main, b, options));
        break;
      }
      case 'crash':
        crashAndRecover(c, o.seed, o.sectorOdds, broken);
        break;
    }
  }
  // Always end with a crash that tears as much as it can.
  crashAndRecover(c, 1, 0.5, broken);
}

const ops = fc.array(op, { minLength: 1, maxLength: 120, size: 'max' });

describe('crash recovery (model-based)', () => {
  it('recovers exactly the flushed changes and a prefix of the rest, after every crash', () => {
    Object.assign(seen, {
      crashes: 0,
      replayed: 0,
      images: 0,
      pageWrites: 0,
      lost: 0,
      recycled: 0,
    });
    fc.assert(
      fc.property(ops, (o) => run(o)),
      { numRuns: RUNS },
    );
    // The runs crashed, replayed, restored images, wrote pages and lost unflushed changes.
    expect(seen.crashes).toBeGreaterThan(RUNS);
    expect(seen.replayed).toBeGreaterThan(RUNS * 5);
    expect(seen.images).toBeGreaterThan(RUNS);
    expect(seen.pageWrites).toBeGreaterThan(RUNS * 2);
    expect(seen.lost).toBeGreaterThan(0);
    expect(seen.recycled).toBeGreaterThan(0); // old segments renamed, then written over
  });

  it('survives a crash right after a checkpoint and one in the middle of writing pages', () => {
    const sets: Op[] = [];
    for (let i = 0; i < 30; i++) {
      sets.push({
        kind: 'set',
        targets: [
          {
            rel: (i % 2) as 0 | 1,
            at: ((i * 7919) % 100) / 100,
            slot: i % DEMO_SLOTS,
            value: i + 1,
          },
        ],
      });
    }
    run([...sets, { kind: 'checkpoint' }, { kind: 'crash', seed: 3, sectorOdds: 0.5 }]);
    run([
      ...sets,
      { kind: 'checkpoint' },
      ...sets,
      { kind: 'bgwrite', pages: 16 },
      { kind: 'crash', seed: 4, sectorOdds: 0.5 },
    ]);
  });
});

describe('the property can fail', () => {
  // Enough pages to overflow the pool, a checkpoint, then changes and scans that evict the
  // changed pages (written, not yet synced, so the final crash tears them): the situations
  // each rule exists for.
  const grow: Op[] = Array.from({ length: 40 }, (_, i) => ({
    kind: 'set' as const,
    targets: [{ rel: (i % 2) as 0 | 1, at: 1, slot: 0, value: i + 1 }],
  }));
  const risky = fc
    .array(
      fc.oneof(
        { weight: 10, arbitrary: op.filter((o) => o.kind === 'set') },
        { weight: 1, arbitrary: fc.constant<Op>({ kind: 'checkpoint' }) },
        { weight: 3, arbitrary: fc.constant<Op>({ kind: 'scan', rel: 0, ring: false }) },
        { weight: 1, arbitrary: fc.constant<Op>({ kind: 'flush' }) },
      ),
      { minLength: 10, maxLength: 40 },
    )
    .map((rest): Op[] => [...grow, { kind: 'flush' }, { kind: 'checkpoint' }, ...rest]);
  const once = { numRuns: 100, endOnFailure: true };

  it('fails with full_page_writes off (torn pages cannot be repaired)', () => {
    const result = fc.check(
      fc.property(risky, (o) => run(o, { fullPageWrites: false })),
      once,
    );
    expect(result.failed).toBe(true);
  });

  it('fails when pages reach disk before their WAL', () => {
    const result = fc.check(
      fc.property(risky, (o) => run(o, { noWalBeforeData: true })),
      once,
    );
    expect(result.failed).toBe(true);
  });
});
