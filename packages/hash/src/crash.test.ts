/**
 * The hash index under crashes: random inserts (enough to split buckets and
 * add overflow pages), bulk deletes, checkpoints, WAL flushes, background
 * writes and crashes that lose every unsynced write and tear unsynced page
 * and WAL writes. After recovery the structure is sound and the index holds
 * exactly the durable state: every entry whose insert record survived, none
 * whose delete survived (entries of a bulk delete cut off in the middle may
 * be either). A split cut off in the middle is finished by later inserts,
 * and scans find every entry in the meantime. Also: redo alone, from an
 * empty data directory, reproduces every page byte for byte.
 */
import type { Tid } from '@pg/access';
import {
  bucketToBlock,
  HashIndex,
  hashRmgr,
  LH_BUCKET_BEING_POPULATED,
  LH_BUCKET_PAGE,
  readOpaque,
} from '@pg/hash';
import { checkHash } from '@pg/hash/testing';
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

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 80);
const int4 = builtins.typeByName('int4')!;
const REL = { spcOid: 1663, dbOid: 5, relNumber: 16600 };
const DESCRIPTOR = { name: 'crash_idx', keys: [{ name: 'a', type: int4 }] };
const KEYS = 40;

interface Disk {
  wal: MemoryWalStorage;
  smgr: MemorySmgr;
  control: MemoryControlStore;
}

function start(d: Disk, checksums = true): { s: OpenedStorage; index: HashIndex } {
  const s = openStorage({
    walStorage: d.wal,
    smgr: d.smgr,
    control: d.control,
    rmgrs: [hashRmgr],
    sharedBuffers: 32 * 8192,
    dataChecksums: checksums,
    segmentSize: 256 * 1024,
    walBuffers: 8,
    systemIdentifier: 12n,
  });
  const exists = d.smgr.exists(REL, ForkNumber.main) && d.smgr.nblocks(REL, ForkNumber.main) > 0;
  const options = { pool: s.pool, rel: REL, descriptor: DESCRIPTOR, inserter: s.inserter };
  if (exists) return { s, index: new HashIndex(options) };
  const index = HashIndex.create(options);
  s.wal.flushSync();
  return { s, index };
}

type Op =
  | { kind: 'insert'; a: number; n: number }
  | { kind: 'delete'; modulo: number }
  | { kind: 'checkpoint' }
  | { kind: 'flush' }
  | { kind: 'bgwrite' }
  | { kind: 'crash'; seed: number; odds: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      a: fc.integer({ min: 0, max: KEYS }),
      n: fc.integer({ min: 1, max: 150 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      modulo: fc.integer({ min: 2, max: 6 }),
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

interface Entry {
  readonly a: number;
  readonly tid: Tid;
}

type Event =
  | { readonly kind: 'insert'; readonly entry: Entry; readonly lsn: bigint }
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

const seen = { crashes: 0, replayed: 0, lost: 0, splits: 0, finished: 0 };
const key = (t: Tid) => `${t.block}/${t.offset}`;

/** Every entry, found by scanning for every key. */
function scanAll(index: HashIndex): Entry[] {
  const out: Entry[] = [];
  for (let a = 0; a <= KEYS; a++) for (const tid of index.lookup(a)) out.push({ a, tid });
  return out;
}

function run(ops: readonly Op[]): void {
  const d: Disk = {
    wal: new MemoryWalStorage(),
    smgr: new MemorySmgr(),
    control: new MemoryControlStore(),
  };
  let { s, index } = start(d);
  let base: Entry[] = [];
  let events: Event[] = [];
  let nextTid = 0;
  const crash = (seed: number, odds: number) => {
    const flushed = s.wal.flushedLsn;
    const r = rng(seed);
    seen.splits += index.stats.splits;
    seen.finished += index.stats.splitsFinished;
    d.smgr.crash({ survives: () => r() < odds });
    d.wal.crash({ tornSectors: (_n, sectors) => Math.floor(r() * (sectors + 1)) });
    ({ s, index } = start(d));
    const end = s.recovery!.endLsn;
    expect(end).toBeGreaterThanOrEqual(flushed);
    seen.crashes++;
    seen.replayed += s.recovery!.records;
    const certain = new Map(base.map((e) => [key(e.tid), e]));
    const maybe = new Set<string>();
    for (const ev of events) {
      if (ev.kind === 'insert') {
        if (ev.lsn <= end) certain.set(key(ev.entry.tid), ev.entry);
        else seen.lost++;
      } else if (ev.to <= end) {
        for (const [k, e] of certain) if (ev.dead(e.tid)) certain.delete(k);
      } else if (ev.from < end) {
        for (const [k, e] of certain) if (ev.dead(e.tid)) maybe.add(k);
      }
    }
    expect(checkHash(index)).toEqual([]);
    const actual = scanAll(index);
    const got = new Map(actual.map((e) => [key(e.tid), e]));
    expect(got.size).toBe(actual.length);
    for (const [k, e] of certain) {
      const g = got.get(k);
      if (!maybe.has(k)) expect(g, `lost ${k}`).toBeDefined();
      if (g) expect(g.a).toBe(e.a);
    }
    for (const k of got.keys()) expect(certain.has(k), `${k} should not be there`).toBe(true);
    base = actual;
    events = [];
  };
  for (const o of ops) {
    switch (o.kind) {
      case 'insert':
        for (let i = 0; i < o.n; i++) {
          const tid = { block: Math.floor(nextTid / 50), offset: (nextTid % 50) + 1 };
          nextTid++;
          const entry = { a: (o.a + i * 7) % (KEYS + 1), tid };
          index.insert([entry.a], tid);
          events.push({ kind: 'insert', entry, lsn: s.wal.endLsn });
        }
        break;
      case 'delete': {
        const dead = (t: Tid) => (t.block * 50 + t.offset) % o.modulo === 0;
        const from = s.wal.endLsn;
        index.bulkDelete(dead);
        events.push({ kind: 'delete', dead, from, to: s.wal.endLsn });
        expect(scanAll(index).some((e) => dead(e.tid))).toBe(false);
        break;
      }
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
  seen.finished += index.stats.splitsFinished;
}

function maskUnusedSpace(page: Uint8Array): Uint8Array {
  const lower = page[12]! | (page[13]! << 8);
  const upper = page[14]! | (page[15]! << 8);
  if (lower < upper) page.fill(0, lower, upper);
  return page;
}

describe('hash index crash recovery', () => {
  it('recovers the durable state after every crash, with the invariants intact', () => {
    Object.assign(seen, { crashes: 0, replayed: 0, lost: 0, splits: 0, finished: 0 });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60, size: 'max' }), (ops) => run(ops)),
      { numRuns: Math.max(10, Math.ceil(RUNS / 10)) },
    );
    expect(seen.crashes).toBeGreaterThan(RUNS / 10);
    expect(seen.replayed).toBeGreaterThan(RUNS);
    expect(seen.lost).toBeGreaterThan(0);
    expect(seen.splits).toBeGreaterThan(0);
    console.log('hash crash test:', seen);
  });

  it('replays the WAL into exactly the pages the operations wrote', () => {
    fc.assert(
      fc.property(
        fc.array(
          op.filter((o) => o.kind === 'insert' || o.kind === 'delete'),
          { minLength: 1, maxLength: 30, size: 'max' },
        ),
        (ops) => {
          const d: Disk = {
            wal: new MemoryWalStorage(),
            smgr: new MemorySmgr(),
            control: new MemoryControlStore(),
          };
          const { s, index } = start(d, false);
          let next = 0;
          for (const o of ops) {
            if (o.kind === 'insert') {
              for (let i = 0; i < o.n * 4; i++, next++)
                index.insert([(o.a + i) % 31], { block: next >> 6, offset: (next & 63) + 1 });
            } else if (o.kind === 'delete') {
              index.bulkDelete((t) => (t.block + t.offset) % o.modulo === 0);
            }
          }
          s.wal.flushSync();
          s.pool.flushAll();
          const nblocks = d.smgr.nblocks(REL, ForkNumber.main);
          const live: Uint8Array[] = [];
          for (let b = 0; b < nblocks; b++) live.push(index.readCopy(b));
          const bare: Disk = { wal: d.wal, smgr: new MemorySmgr(), control: d.control };
          const again = start(bare, false);
          expect(bare.smgr.nblocks(REL, ForkNumber.main)).toBe(nblocks);
          for (let b = 0; b < nblocks; b++) {
            const replayed = maskUnusedSpace(again.index.readCopy(b));
            expect(
              Buffer.from(replayed).equals(Buffer.from(maskUnusedSpace(live[b]!))),
              `block ${b}`,
            ).toBe(true);
          }
        },
      ),
      { numRuns: Math.max(5, Math.ceil(RUNS / 30)) },
    );
  });

  it('finishes a split a crash cut off after any of its records, and scans see every entry meanwhile', () => {
    for (let cut = 0; cut < 4; cut++) {
      const d: Disk = {
        wal: new MemoryWalStorage(),
        smgr: new MemorySmgr(),
        control: new MemoryControlStore(),
      };
      const { s, index } = start(d);
      const inserter = s.inserter;
      const orig = inserter.insert.bind(inserter);
      let after = -1;
      inserter.insert = (change) => {
        const r = orig(change);
        if (change.rmid === 12 && change.info === 0x40) after = 0;
        else if (after >= 0) after++;
        if (after === cut) {
          s.wal.flushSync();
          throw new Error('crash in the middle of a split');
        }
        return r;
      };
      const entries: Entry[] = [];
      expect(() => {
        for (let i = 0; ; i++) {
          const e = { a: i % (KEYS + 1), tid: { block: i, offset: 1 } };
          index.insert([e.a], e.tid);
          entries.push(e);
        }
      }).toThrow('crash in the middle of a split');
      d.smgr.crash({ survives: () => false });
      d.wal.crash({ tornSectors: () => 0 });
      const again = start(d);
      // The insert that started the split is durable (its record came first).
      const n = entries.length + 1;
      const meta = again.index.meta();
      expect(meta.maxbucket).toBe(2);
      expect(checkHash(again.index)).toEqual([]);
      expect(scanAll(again.index).length).toBe(n);
      const b2 = bucketToBlock(meta, 2);
      const interrupted =
        (readOpaque(again.index.readCopy(b2)).flag & LH_BUCKET_BEING_POPULATED) !== 0;
      expect(interrupted, `cut ${cut}`).toBe(cut < 2);
      again.index.insert([0], { block: 1_000_000, offset: 1 });
      again.index.insert([1], { block: 1_000_001, offset: 1 });
      again.index.insert([2], { block: 1_000_002, offset: 1 });
      expect(again.index.stats.splitsFinished, `cut ${cut}`).toBe(interrupted ? 1 : 0);
      expect(readOpaque(again.index.readCopy(b2)).flag).toBe(LH_BUCKET_PAGE);
      expect(checkHash(again.index, { exactCount: true })).toEqual([]);
      expect(scanAll(again.index).length).toBe(n + 3);
    }
  });
});
