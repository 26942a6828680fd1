/**
 * GIN under crashes: random inserts (enough of one key to grow a posting
 * tree, enough keys to split entry pages), bulk deletes, checkpoints, WAL
 * flushes, background writes and crashes that lose every unsynced write and
 * tear unsynced page and WAL writes. After recovery the index holds exactly
 * the durable state: every (entry, TID) whose insert record survived and
 * none whose delete survived (those of a bulk delete cut off in the middle
 * may be either), and its invariants hold.
 */
import type { Tid } from '@pg/access';
import { arrayOps, Gin, ginRmgr } from '@pg/gin';
import {
  ForkNumber,
  MemoryControlStore,
  MemorySmgr,
  type OpenedStorage,
  openStorage,
} from '@pg/storage';
import { builtins, pgArray } from '@pg/types';
import { MemoryWalStorage } from '@pg/wal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);
/** Each run is a long workload with several crashes: 10 by default. */
const CRASH_RUNS = Math.max(8, Math.ceil(RUNS / 30));
const int4 = builtins.typeByName('int4')!;
const REL = { spcOid: 1663, dbOid: 5, relNumber: 16601 };

interface Disk {
  wal: MemoryWalStorage;
  smgr: MemorySmgr;
  control: MemoryControlStore;
}

/** fastupdate off, or on with the smallest pending-list limit (64kB: flushed past 8 pages). */
type Mode = { fastupdate: boolean };

function start(d: Disk, mode: Mode): { s: OpenedStorage; gin: Gin } {
  const s = openStorage({
    walStorage: d.wal,
    smgr: d.smgr,
    control: d.control,
    rmgrs: [ginRmgr],
    sharedBuffers: 32 * 8192,
    dataChecksums: true,
    segmentSize: 256 * 1024,
    walBuffers: 8,
    systemIdentifier: 13n,
  });
  const options = {
    pool: s.pool,
    rel: REL,
    opclasses: [arrayOps('_int4_ops', int4 as never)],
    inserter: s.inserter,
    fastupdate: mode.fastupdate,
    pendingListLimit: 64,
  };
  const exists = d.smgr.exists(REL, ForkNumber.main) && d.smgr.nblocks(REL, ForkNumber.main) > 0;
  if (exists) return { s, gin: new Gin(options) };
  const gin = Gin.create(options);
  s.wal.flushSync();
  return { s, gin };
}

type Op =
  | { kind: 'insert'; key: number | null; n: number; spread: number }
  | { kind: 'delete'; modulo: number }
  | { kind: 'flush' }
  | { kind: 'cleanup' }
  | { kind: 'checkpoint' }
  | { kind: 'walflush' }
  | { kind: 'bgwrite' }
  | { kind: 'crash'; seed: number; odds: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      key: fc.option(fc.integer({ min: 0, max: 20 }), { freq: 8 }),
      n: fc.oneof(
        { weight: 20, arbitrary: fc.integer({ min: 1, max: 120 }) },
        { weight: 2, arbitrary: fc.constant(4000) },
      ),
      spread: fc.constantFrom(0, 0, 1, 500),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      modulo: fc.integer({ min: 2, max: 6 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cleanup' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'walflush' as const }) },
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

type Event =
  | {
      readonly kind: 'insert';
      readonly entry: string;
      /** WAL end before and after the insert (which may have flushed the pending list too). */
      readonly from: bigint;
      readonly to: bigint;
    }
  | {
      readonly kind: 'delete';
      readonly dead: (t: Tid) => boolean;
      readonly from: bigint;
      readonly to: bigint;
    };

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 0x100000000;
  };
}

const tidOf = (entry: string): Tid => {
  const [, b, o] = entry.split('/');
  return { block: Number(b), offset: Number(o) };
};

/** Every (entry, TID) the index holds, in the entry tree or in the pending list. */
function entries(gin: Gin): string[] {
  const key = (category: number, k: Uint8Array, t: Tid) =>
    `${category}:${Buffer.from(k).toString('hex')}/${t.block}/${t.offset}`;
  return [
    ...gin.dump().flatMap((e) => e.tids.map((t) => key(e.category, e.key, t))),
    ...gin.pendingRows().flatMap((r) => r.entries.map((e) => key(e.category, e.key, r.tid))),
  ];
}

const seen = { crashes: 0, replayed: 0, lost: 0, trees: 0, pendingAtCrash: 0, flushes: 0 };

function run(ops: readonly Op[], mode: Mode): void {
  const d: Disk = {
    wal: new MemoryWalStorage(),
    smgr: new MemorySmgr(),
    control: new MemoryControlStore(),
  };
  let { s, gin } = start(d, mode);
  let base = new Set<string>();
  let events: Event[] = [];
  let nextTid = 0;
  const crash = (seed: number, odds: number) => {
    const flushed = s.wal.flushedLsn;
    const r = rng(seed);
    seen.trees += gin.stats.postingTrees;
    seen.flushes += gin.stats.flushes;
    if (gin.pendingRows().length > 0) seen.pendingAtCrash++;
    d.smgr.crash({ survives: () => r() < odds });
    d.wal.crash({ tornSectors: (_n, sectors) => Math.floor(r() * (sectors + 1)) });
    ({ s, gin } = start(d, mode));
    const end = s.recovery!.endLsn;
    expect(end).toBeGreaterThanOrEqual(flushed);
    seen.crashes++;
    seen.replayed += s.recovery!.records;
    const certain = new Set(base);
    const maybe = new Set<string>();
    const possible = new Set<string>();
    for (const ev of events) {
      if (ev.kind === 'insert') {
        if (ev.to <= end) certain.add(ev.entry);
        else if (ev.from < end) possible.add(ev.entry);
        else seen.lost++;
      } else if (ev.to <= end) {
        for (const e of certain) if (ev.dead(tidOf(e))) certain.delete(e);
      } else if (ev.from < end) {
        for (const e of certain) if (ev.dead(tidOf(e))) maybe.add(e);
      }
    }
    expect(gin.check()).toEqual([]);
    const actual = new Set(entries(gin));
    for (const e of certain) if (!maybe.has(e)) expect(actual.has(e), `lost ${e}`).toBe(true);
    for (const e of actual)
      expect(certain.has(e) || possible.has(e), `${e} should not be there`).toBe(true);
    base = actual;
    events = [];
  };
  for (const o of ops) {
    switch (o.kind) {
      case 'insert':
        for (let i = 0; i < o.n; i++) {
          const tid = { block: Math.floor(nextTid / 50), offset: (nextTid % 50) + 1 };
          nextTid++;
          const key = o.key === null ? null : o.key + o.spread * i;
          const from = s.wal.endLsn;
          gin.insert([key === null ? pgArray([]) : pgArray([key])], tid);
          const entry =
            key === null
              ? `2:/${tid.block}/${tid.offset}`
              : `0:${Buffer.from(int4.encode(key as never)).toString('hex')}/${tid.block}/${tid.offset}`;
          events.push({ kind: 'insert', entry, from, to: s.wal.endLsn });
        }
        break;
      case 'delete': {
        const dead = (t: Tid) => (t.block * 50 + t.offset) % o.modulo === 0;
        const from = s.wal.endLsn;
        gin.bulkDelete(dead);
        events.push({ kind: 'delete', dead, from, to: s.wal.endLsn });
        expect(entries(gin).some((e) => dead(tidOf(e)))).toBe(false);
        break;
      }
      case 'flush':
        gin.cleanPendingList();
        expect(gin.pendingRows()).toEqual([]);
        break;
      case 'cleanup':
        gin.vacuumCleanup();
        break;
      case 'checkpoint':
        s.checkpointer.checkpoint();
        break;
      case 'walflush':
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

describe('GIN crash recovery', () => {
  it('recovers the durable state after every crash, with the invariants intact', () => {
    Object.assign(seen, {
      crashes: 0,
      replayed: 0,
      lost: 0,
      trees: 0,
      pendingAtCrash: 0,
      flushes: 0,
    });
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 30, size: 'max' }),
        fc.record({ fastupdate: fc.boolean() }),
        (ops, mode) => run(ops, mode),
      ),
      { numRuns: CRASH_RUNS },
    );
    expect(seen.pendingAtCrash).toBeGreaterThan(0);
    expect(seen.flushes).toBeGreaterThan(0);
    expect(seen.crashes).toBeGreaterThan(CRASH_RUNS);
    expect(seen.replayed).toBeGreaterThan(CRASH_RUNS * 20);
    expect(seen.lost).toBeGreaterThan(0);
    expect(seen.trees).toBeGreaterThan(0);
  }, 300_000); // a few seconds alone; several times that while the whole suite runs on two cores
});

describe('GIN bulk build under a crash', () => {
  it('recovers a bulk-built index from its full-page images, exactly as built', () => {
    let trees = 0;
    let flushes = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            { weight: 1, arbitrary: fc.constant(null) },
            {
              weight: 8,
              arbitrary: fc.array(fc.option(fc.integer({ min: 0, max: 30 }), { freq: 12 }), {
                maxLength: 4,
              }),
            },
          ),
          { minLength: 1, maxLength: 300 },
        ),
        fc.integer({ min: 0, max: 6000 }),
        fc.constantFrom(1, 64, 65536),
        fc.boolean(),
        fc.integer(),
        (rows, hot, workMem, checkpointFirst, seed) => {
          const d: Disk = {
            wal: new MemoryWalStorage(),
            smgr: new MemorySmgr(),
            control: new MemoryControlStore(),
          };
          let { s, gin } = start(d, { fastupdate: true });
          if (checkpointFirst) s.checkpointer.checkpoint();
          // `hot` rows of key 99 (a posting tree past one page when many), then the random rows.
          const values: (ReturnType<typeof pgArray> | null)[] = [
            ...Array.from({ length: hot }, () => pgArray([99])),
            ...rows.map((r) => (r === null ? null : pgArray(r))),
          ];
          const tuples = values.map((v, i) => ({
            tid: { block: Math.floor(i / 50), offset: (i % 50) + 1 },
            values: [v],
          }));
          const model = new Set<string>();
          for (const { tid, values: row } of tuples) {
            const v = row[0] ?? null;
            const at = `/${tid.block}/${tid.offset}`;
            if (v === null) model.add(`3:${at}`);
            else if (v.elements.length === 0) model.add(`2:${at}`);
            for (const k of v?.elements ?? []) {
              if (k === null) model.add(`1:${at}`);
              else model.add(`0:${Buffer.from(int4.encode(k as never)).toString('hex')}${at}`);
            }
          }
          const before = s.wal.endLsn;
          gin.build(tuples, { maintenanceWorkMem: workMem });
          expect(s.wal.endLsn).toBeGreaterThan(before);
          trees += gin.stats.postingTrees;
          expect(new Set(entries(gin))).toEqual(model);
          s.wal.flushSync();
          const r = rng(seed);
          if (r() < 0.5) s.pool.backgroundWrite(8);
          d.smgr.crash({ survives: () => r() < 0.5 });
          d.wal.crash({ tornSectors: (_n, sectors) => Math.floor(r() * (sectors + 1)) });
          ({ s, gin } = start(d, { fastupdate: true }));
          expect(gin.check()).toEqual([]);
          expect(new Set(entries(gin))).toEqual(model);
          if (workMem === 1 && tuples.length > 20) flushes++;
          // The recovered index takes inserts as any other.
          gin.insert([pgArray([99])], { block: 9999, offset: 1 });
          expect(gin.check()).toEqual([]);
        },
      ),
      { numRuns: Math.max(6, Math.ceil(RUNS / 50)) },
    );
    expect(trees).toBeGreaterThan(0);
    expect(flushes).toBeGreaterThan(0);
  }, 120_000);
});
