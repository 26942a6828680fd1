/**
 * The B-tree under crashes: random inserts, bulk deletes, checkpoints, WAL
 * flushes, background writes and crashes that lose every unsynced write and
 * tear unsynced page and WAL writes. After recovery the tree's invariants
 * hold and it holds exactly the durable state: every entry whose insert
 * record survived and no entry whose delete survived (entries of a bulk
 * delete cut off in the middle may be either). Also: redo alone, from an
 * empty data directory, reproduces every page byte for byte.
 */
import type { Tid } from '@pg/access';
import { BTree, btreeRmgr } from '@pg/btree';
import { checkTree } from '@pg/btree/testing';
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
const text = builtins.typeByName('text')!;
const REL = { spcOid: 1663, dbOid: 5, relNumber: 16600 };
const DESCRIPTOR = {
  name: 'crash_idx',
  keys: [
    { name: 'a', type: int4 },
    { name: 'b', type: text },
  ],
};

interface Disk {
  wal: MemoryWalStorage;
  smgr: MemorySmgr;
  control: MemoryControlStore;
}

function start(d: Disk, checksums = true): { s: OpenedStorage; tree: BTree } {
  const s = openStorage({
    walStorage: d.wal,
    smgr: d.smgr,
    control: d.control,
    rmgrs: [btreeRmgr],
    sharedBuffers: 32 * 8192,
    dataChecksums: checksums,
    segmentSize: 256 * 1024,
    walBuffers: 8,
    systemIdentifier: 11n,
  });
  const exists = d.smgr.exists(REL, ForkNumber.main) && d.smgr.nblocks(REL, ForkNumber.main) > 0;
  const options = { pool: s.pool, rel: REL, descriptor: DESCRIPTOR, inserter: s.inserter };
  if (exists) return { s, tree: new BTree(options) };
  // CREATE INDEX commits: its WAL is flushed before anything else happens.
  const tree = BTree.create(options);
  s.wal.flushSync();
  return { s, tree };
}

type Op =
  | { kind: 'insert'; a: number; b: string; n: number }
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
      a: fc.integer({ min: 0, max: 30 }),
      b: fc.constantFrom('', 'x', 'y'.repeat(100), 'z'.repeat(400)),
      n: fc.integer({ min: 1, max: 40 }),
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
  readonly b: string;
  readonly tid: Tid;
}

/** What happened, in WAL order: an insert (its record's end LSN) or a bulk delete (its records' span). */
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

const seen = { crashes: 0, replayed: 0, lost: 0, deletesCut: 0 };
const key = (e: { tid: Tid }) => `${e.tid.block}/${e.tid.offset}`;

function run(ops: readonly Op[]): void {
  const d: Disk = {
    wal: new MemoryWalStorage(),
    smgr: new MemorySmgr(),
    control: new MemoryControlStore(),
  };
  let { s, tree } = start(d);
  let base: Entry[] = [];
  let events: Event[] = [];
  let nextTid = 0;
  const crash = (seed: number, odds: number) => {
    const flushed = s.wal.flushedLsn;
    const r = rng(seed);
    d.smgr.crash({ survives: () => r() < odds });
    d.wal.crash({ tornSectors: (_n, sectors) => Math.floor(r() * (sectors + 1)) });
    ({ s, tree } = start(d));
    const end = s.recovery!.endLsn;
    expect(end).toBeGreaterThanOrEqual(flushed);
    seen.crashes++;
    seen.replayed += s.recovery!.records;
    // The durable state: the events whose records survived, in order. Entries a bulk delete
    // cut off in the middle would have removed may be there or not.
    const certain = new Map(base.map((e) => [key(e), e]));
    const maybe = new Set<string>();
    for (const ev of events) {
      if (ev.kind === 'insert') {
        if (ev.lsn <= end) certain.set(key(ev.entry), ev.entry);
        else seen.lost++;
      } else if (ev.to <= end) {
        for (const [k, e] of certain) if (ev.dead(e.tid)) certain.delete(k);
      } else if (ev.from < end) {
        seen.deletesCut++;
        for (const [k, e] of certain) if (ev.dead(e.tid)) maybe.add(k);
      }
    }
    expect(checkTree(tree)).toEqual([]);
    const actual = scanAll(tree);
    const got = new Map(actual.map((e) => [key(e), e]));
    for (const [k, e] of certain) {
      const g = got.get(k);
      if (!maybe.has(k)) expect(g, `lost ${k}`).toBeDefined();
      if (g) expect([g.a, g.b]).toEqual([e.a, e.b]);
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
          const entry = { a: (o.a + i * 7) % 31, b: o.b, tid };
          tree.insert([entry.a, entry.b], tid);
          events.push({ kind: 'insert', entry, lsn: s.wal.endLsn });
        }
        break;
      case 'delete': {
        const dead = (t: Tid) => (t.block * 50 + t.offset) % o.modulo === 0;
        const from = s.wal.endLsn;
        tree.bulkDelete(dead);
        events.push({ kind: 'delete', dead, from, to: s.wal.endLsn });
        expect(scanAll(tree).some((e) => dead(e.tid))).toBe(false);
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
}

/**
 * mask_unused_space, as PostgreSQL's wal_consistency_checking does: the
 * bytes between pd_lower and pd_upper hold nothing (a deleted item's old
 * bytes live on there until they are overwritten; redo leaves zeros).
 */
function maskUnusedSpace(page: Uint8Array): Uint8Array {
  const lower = page[12]! | (page[13]! << 8);
  const upper = page[14]! | (page[15]! << 8);
  if (lower < upper) page.fill(0, lower, upper);
  return page;
}

function scanAll(tree: BTree): { a: number; b: string; tid: Tid }[] {
  const scan = tree.beginScan();
  scan.rescan([]);
  const out: { a: number; b: string; tid: Tid }[] = [];
  for (let r = scan.next(); r !== null; r = scan.next())
    out.push({ a: r.values![0] as number, b: r.values![1] as string, tid: r.tid });
  scan.end();
  return out;
}

describe('B-tree crash recovery', () => {
  it('recovers the durable state after every crash, with the invariants intact', () => {
    Object.assign(seen, { crashes: 0, replayed: 0, lost: 0, deletesCut: 0 });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60, size: 'max' }), (ops) => run(ops)),
      { numRuns: Math.max(10, Math.ceil(RUNS / 10)) },
    );
    expect(seen.crashes).toBeGreaterThan(RUNS / 10);
    expect(seen.replayed).toBeGreaterThan(RUNS);
    expect(seen.lost).toBeGreaterThan(0);
  });

  it('replays the WAL into exactly the pages the operations wrote', () => {
    fc.assert(
      fc.property(
        fc.array(
          op.filter((o) => o.kind === 'insert' || o.kind === 'delete'),
          { minLength: 1, maxLength: 40, size: 'max' },
        ),
        (ops) => {
          const d: Disk = {
            wal: new MemoryWalStorage(),
            smgr: new MemorySmgr(),
            control: new MemoryControlStore(),
          };
          const { s, tree } = start(d, false);
          let next = 0;
          for (const o of ops) {
            if (o.kind === 'insert') {
              for (let i = 0; i < o.n; i++, next++)
                tree.insert([(o.a + i) % 31, o.b], { block: next >> 6, offset: (next & 63) + 1 });
            } else if (o.kind === 'delete') {
              tree.bulkDelete((t) => (t.block + t.offset) % o.modulo === 0);
            }
          }
          s.wal.flushSync();
          s.pool.flushAll();
          const nblocks = d.smgr.nblocks(REL, ForkNumber.main);
          const live: Uint8Array[] = [];
          for (let b = 0; b < nblocks; b++) live.push(tree.readCopy(b));
          // A data directory that lost every page, with the whole WAL: redo rebuilds them.
          const bare: Disk = { wal: d.wal, smgr: new MemorySmgr(), control: d.control };
          const again = start(bare, false);
          for (let b = 0; b < nblocks; b++) {
            const replayed = maskUnusedSpace(again.tree.readCopy(b));
            expect(
              Buffer.from(replayed).equals(Buffer.from(maskUnusedSpace(live[b]!))),
              `block ${b}`,
            ).toBe(true);
          }
        },
      ),
      { numRuns: Math.max(10, Math.ceil(RUNS / 15)) },
    );
  });
});
