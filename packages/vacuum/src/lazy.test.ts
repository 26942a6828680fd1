/**
 * Lazy VACUUM against a model: random transactions (inserts, HOT and
 * non-HOT updates, deletes, commits and aborts, snapshots held open) over
 * a heap with a B-tree index, with vacuums interleaved. After each vacuum:
 * every snapshot sees exactly what it saw before (no visible row lost,
 * through the heap and through the index), no tuple dead to everyone
 * survives, every index entry points at a used line pointer; after every
 * step: no all-visible VM bit on a page with a tuple some snapshot does not
 * see (V1..V4 of lazy.ts).
 */
import type { Tid } from '@pg/access';
import { BTree, btreeRmgr } from '@pg/btree';
import { checkTree } from '@pg/btree/testing';
import { Heap, heapRmgr, satisfiesVacuum, tupleInfomask, tupleXmax, tupleXmin } from '@pg/heap';
import {
  ComboCids,
  HEAP_XMAX_INVALID,
  heapTupleSatisfiesMVCC,
  type Snapshot,
  TM_Result,
  type TransactionId,
  type UpdateContext,
  xminFrozen,
} from '@pg/mvcc';
import { LP_DEAD, LP_NORMAL, LP_REDIRECT, Page } from '@pg/page';
import {
  BufferPool,
  MemoryControlStore,
  MemorySmgr,
  openStorage,
  VISIBILITYMAP_ALL_FROZEN,
  VISIBILITYMAP_ALL_VISIBLE,
} from '@pg/storage';
import { builtins } from '@pg/types';
import {
  heapTupleStats,
  lazyVacuum,
  maxDeadItemsFor,
  type VacuumIndex,
  type VacuumResult,
  vacuumVerboseReport,
  visibilityMapRows,
  visibilityMapSummary,
} from '@pg/vacuum';
import { MemoryWalStorage, WalPanic } from '@pg/wal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 60);
const int4 = builtins.typeByName('int4')!;
const text = builtins.typeByName('text')!;
const HEAP_REL = { spcOid: 1663, dbOid: 5, relNumber: 16800 };
const INDEX_REL = { spcOid: 1663, dbOid: 5, relNumber: 16801 };
/** Column 2 (k) is indexed. */
const INDEXED = new Set([2]);

type Status = 'in-progress' | 'committed' | 'aborted';

interface Xact {
  readonly xid: TransactionId;
  cid: number;
  readonly snap: Omit<Snapshot, 'curcid'>;
  readonly comboCids: ComboCids;
}

/** A transaction table: xids, a clog, snapshots. */
class Xacts {
  nextXid: TransactionId = 100;
  readonly status = new Map<TransactionId, Status>();
  readonly log = {
    didCommit: (xid: TransactionId) => xid === 2 || this.status.get(xid) === 'committed',
    didAbort: (xid: TransactionId) => this.status.get(xid) === 'aborted',
  };
  running(): TransactionId[] {
    return [...this.status].filter(([, s]) => s === 'in-progress').map(([x]) => x);
  }
  snapshotData(): Omit<Snapshot, 'curcid'> {
    const xip = this.running();
    const xmax = this.nextXid;
    return { xmin: Math.min(xmax, ...xip), xmax, xip, subxip: [], suboverflowed: false };
  }
  oldestXmin(open: readonly Xact[]): TransactionId {
    return Math.min(this.snapshotData().xmin, ...open.map((x) => x.snap.xmin));
  }
  begin(): Xact {
    const snap = this.snapshotData();
    const xid = this.nextXid++;
    this.status.set(xid, 'in-progress');
    return { xid, cid: 0, snap, comboCids: new ComboCids() };
  }
  context(x: Xact | undefined): UpdateContext & { readonly comboCids: ComboCids } {
    return {
      log: this.log,
      isCurrentTransactionId: (xid) => x !== undefined && xid === x.xid,
      isInProgress: (xid) => this.status.get(xid) === 'in-progress',
      comboCids: x?.comboCids ?? new ComboCids(),
    };
  }
}

function setup() {
  const smgr = new MemorySmgr();
  const pool = new BufferPool({ smgr, sharedBuffers: 64 * 8192 });
  smgr.create(HEAP_REL, 0);
  const heap = new Heap({ pool, rel: HEAP_REL, types: [int4, int4, text] });
  const index = BTree.create({
    pool,
    rel: INDEX_REL,
    descriptor: { name: 't_k', keys: [{ name: 'k', type: int4 }] },
  });
  const xacts = new Xacts();
  return { pool, heap, index, xacts };
}
type World = ReturnType<typeof setup>;

function vacuumIndex(index: BTree): VacuumIndex {
  return {
    name: 't_k',
    bulkDelete: (cb, stats) => index.bulkDelete(cb, stats),
    vacuumCleanup: (stats) => index.vacuumCleanup(stats),
  };
}

/** Every TID the index holds (a bulk delete that deletes nothing). */
function indexTids(index: BTree): Tid[] {
  const out: Tid[] = [];
  index.bulkDelete((tid) => {
    out.push(tid);
    return false;
  });
  return out;
}

function rowKey(values: readonly unknown[]): string {
  return JSON.stringify(values);
}

/** What a snapshot sees through a heap scan and through the index, sorted. */
function views(w: World, snap: Snapshot, ctx: UpdateContext) {
  const scan = [...w.heap.scan(snap, ctx)].map((r) => rowKey(r.values)).sort();
  const seen = new Set<string>();
  const viaIndex: string[] = [];
  for (const tid of indexTids(w.index)) {
    const k = `${tid.block},${tid.offset}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const r = w.heap.fetch(tid, snap, ctx);
    if (r !== null) viaIndex.push(rowKey(r.values));
  }
  return { scan, viaIndex: viaIndex.sort() };
}

/** Every snapshot in play: each open transaction's, and a fresh reader's. */
function snapshots(w: World, open: readonly Xact[]) {
  const out = open.map((x) => ({
    snap: { ...x.snap, curcid: x.cid },
    ctx: w.xacts.context(x),
  }));
  out.push({ snap: { ...w.xacts.snapshotData(), curcid: 0 }, ctx: w.xacts.context(undefined) });
  return out;
}

/** V3: no ALL_VISIBLE page holds a tuple some snapshot does not see, no ALL_FROZEN page an unfrozen one. */
function checkVisibilityMap(w: World, open: readonly Xact[]): void {
  const snaps = snapshots(w, open);
  for (let block = 0; block < w.heap.nblocks(); block++) {
    const bits = w.heap.vm.getStatus(HEAP_REL, block);
    if ((bits & VISIBILITYMAP_ALL_VISIBLE) === 0) continue;
    const page = Page.wrap(w.heap.readCopy(block));
    expect(page.isAllVisible, `block ${block}: VM set, PD_ALL_VISIBLE clear`).toBe(true);
    for (let off = 1; off <= page.maxOffsetNumber; off++) {
      const flags = page.itemId(off).flags;
      expect(flags, `block ${block}: LP_DEAD on an all-visible page`).not.toBe(LP_DEAD);
      if (flags !== LP_NORMAL) continue;
      const item = page.mustItem(off);
      const header = {
        xmin: tupleXmin(item),
        xmax: tupleXmax(item),
        cid: 0,
        infomask: tupleInfomask(item),
      };
      for (const { snap, ctx } of snaps) {
        expect(
          heapTupleSatisfiesMVCC(header, snap, ctx).visible,
          `(${block},${off}) on an all-visible page is invisible to a snapshot`,
        ).toBe(true);
      }
      if ((bits & VISIBILITYMAP_ALL_FROZEN) !== 0) {
        expect(xminFrozen(header.infomask) && (header.infomask & HEAP_XMAX_INVALID) !== 0).toBe(
          true,
        );
      }
    }
  }
}

/**
 * After a vacuum with horizon `horizon`: V1 (nothing dead to all is left),
 * V2 (index entries point at used line pointers). `concurrent`: other
 * work ran between the vacuum's pages (it may have extended the table,
 * and what its transactions wrote, all at or past the horizon, is not the
 * vacuum's to remove).
 */
function checkAfterVacuum(
  w: World,
  horizon: TransactionId,
  r: VacuumResult,
  concurrent = false,
): void {
  const ctx = w.xacts.context(undefined);
  const nblocks = w.heap.nblocks();
  if (concurrent) expect(nblocks).toBeGreaterThanOrEqual(r.newRelPages);
  else expect(nblocks).toBe(r.newRelPages);
  for (let block = 0; block < nblocks; block++) {
    const page = Page.wrap(w.heap.readCopy(block));
    if (page.isNew()) continue;
    for (let off = 1; off <= page.maxOffsetNumber; off++) {
      const flags = page.itemId(off).flags;
      expect(flags, `(${block},${off}) LP_DEAD left after vacuum`).not.toBe(LP_DEAD);
      if (flags !== LP_NORMAL) continue;
      const item = page.mustItem(off);
      if (concurrent && (tupleXmin(item) >= horizon || tupleXmax(item) >= horizon)) continue;
      expect(
        satisfiesVacuum(item, horizon, ctx),
        `(${block},${off}) dead to everyone survived`,
      ).not.toBe('DEAD');
    }
  }
  for (const tid of indexTids(w.index)) {
    expect(tid.block).toBeLessThan(nblocks);
    const page = Page.wrap(w.heap.readCopy(tid.block));
    expect(tid.offset).toBeLessThanOrEqual(page.maxOffsetNumber);
    const flags = page.itemId(tid.offset).flags;
    expect(
      flags === LP_NORMAL || flags === LP_REDIRECT,
      `index entry (${tid.block},${tid.offset}) points at line pointer kind ${flags}`,
    ).toBe(true);
  }
  expect(checkTree(w.index)).toEqual([]);
}

type Op =
  | { kind: 'begin' }
  | { kind: 'insert'; t: number; k: number; pad: number }
  | { kind: 'update'; t: number; pick: number; changeKey: boolean; pad: number }
  | { kind: 'delete'; t: number; pick: number }
  | { kind: 'end'; t: number; commit: boolean }
  | { kind: 'bulk'; n: number; k: number; abort: boolean }
  | { kind: 'vacuum'; freeze: boolean; maxDead: number; truncate: boolean; interleave?: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'begin' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      t: fc.nat(5),
      k: fc.integer({ min: 0, max: 30 }),
      pad: fc.constantFrom(0, 20, 300, 1500),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      t: fc.nat(5),
      pick: fc.nat(1000),
      changeKey: fc.boolean(),
      pad: fc.constantFrom(0, 20, 300, 1500),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      t: fc.nat(5),
      pick: fc.nat(1000),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('end' as const), t: fc.nat(5), commit: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('bulk' as const),
      n: fc.integer({ min: 20, max: 200 }),
      k: fc.integer({ min: 0, max: 30 }),
      abort: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('vacuum' as const),
      freeze: fc.boolean(),
      maxDead: fc.constantFrom(291, 300, 400, 100000),
      truncate: fc.boolean(),
      // vacuum delay (issue 11): the next ops run between the vacuum's pages
      interleave: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 })),
    }),
  },
);

function runOps(ops: readonly Op[]): { vacuums: number; indexScans: number; interleaved: number } {
  const w = setup();
  const open: Xact[] = [];
  let nextId = 1;
  let vacuums = 0;
  let indexScans = 0;
  let interleaved = 0;
  const writer = (x: Xact) => ({ xid: x.xid, cid: x.cid, ctx: w.xacts.context(x) });
  const visible = (x: Xact) =>
    [...w.heap.scan({ ...x.snap, curcid: x.cid }, w.xacts.context(x))].sort(
      (a, b) => a.tid.block - b.tid.block || a.tid.offset - b.tid.offset,
    );
  /** One op; returns the open transaction it acted in, if any. */
  const step = (op: Op): Xact | undefined => {
    const x = open.length > 0 && 't' in op ? open[op.t % open.length] : undefined;
    switch (op.kind) {
      case 'begin':
        if (open.length < 6) open.push(w.xacts.begin());
        break;
      case 'insert':
      case 'bulk': {
        const t = x ?? w.xacts.begin();
        const n = op.kind === 'bulk' ? op.n : 1;
        for (let i = 0; i < n; i++) {
          const pad = op.kind === 'insert' ? 'p'.repeat(op.pad) : 'b'.repeat(100);
          const tid = w.heap.insert([nextId++, op.k, pad], t.xid, t.cid);
          w.index.insert([op.k], tid);
        }
        t.cid++;
        if (x === undefined)
          w.xacts.status.set(t.xid, op.kind === 'bulk' && op.abort ? 'aborted' : 'committed');
        break;
      }
      case 'update':
      case 'delete': {
        if (x === undefined) break;
        const rows = visible(x);
        const row = rows[op.pick % Math.max(rows.length, 1)];
        if (row === undefined) break;
        if (op.kind === 'delete') {
          w.heap.delete(row.tid, writer(x));
        } else {
          const k = op.changeKey ? ((row.values[1] as number) + 1) % 31 : row.values[1];
          const r = w.heap.update(
            row.tid,
            [row.values[0], k, 'u'.repeat(op.pad)],
            writer(x),
            INDEXED,
          );
          if (r.result === TM_Result.Ok && r.indexesNeedUpdate === true && r.tid !== undefined)
            w.index.insert([k], r.tid);
        }
        x.cid++;
        break;
      }
      case 'end': {
        if (x === undefined) break;
        w.xacts.status.set(x.xid, op.commit ? 'committed' : 'aborted');
        open.splice(open.indexOf(x), 1);
        break;
      }
      case 'vacuum':
        throw new Error('a vacuum is not a step');
    }
    return x;
  };
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    switch (op.kind) {
      case 'vacuum': {
        const horizon = w.xacts.oldestXmin(open);
        const before = snapshots(w, open).map((s) => views(w, s.snap, s.ctx));
        for (const v of before) expect(v.viaIndex).toEqual(v.scan);
        // vacuum delay (issue 11): the next `interleave` ops (up to a
        // vacuum) run one at a time at the vacuum's delay points, as other
        // sessions do between its pages
        const during: Op[] = [];
        while (during.length < (op.interleave ?? 0) && ops[i + 1]?.kind !== undefined) {
          const next = ops[i + 1]!;
          if (next.kind === 'vacuum') break;
          during.push(next);
          i++;
        }
        const snapsBefore = [...open];
        const acted = new Set<Xact>();
        let ran = 0;
        const r = lazyVacuum(
          { heap: w.heap, indexes: [vacuumIndex(w.index)] },
          {
            ctx: w.xacts.context(undefined),
            oldestXmin: horizon,
            nextXid: () => w.xacts.nextXid,
            freeze: op.freeze,
            indexCleanup: 'on',
            maxDeadItems: op.maxDead,
            truncate: op.truncate,
            onDelayPoint: () => {
              const next = during.shift();
              if (next === undefined) return;
              ran++;
              const x = step(next);
              if (x !== undefined) acted.add(x);
              checkVisibilityMap(w, open);
            },
          },
        );
        const concurrent = ran > 0;
        vacuums++;
        indexScans += r.indexScans;
        if (!concurrent) {
          const after = snapshots(w, open).map((s) => views(w, s.snap, s.ctx));
          expect(after).toEqual(before);
        } else {
          // V1-V2 under concurrency: a transaction open before the vacuum
          // that did nothing during it sees exactly what it saw
          for (const [k, x] of snapsBefore.entries()) {
            if (acted.has(x) || !open.includes(x)) continue;
            const v = views(w, { ...x.snap, curcid: x.cid }, w.xacts.context(x));
            expect(v).toEqual(before[k]);
          }
        }
        checkAfterVacuum(w, horizon, r, concurrent);
        if (concurrent) interleaved++;
        // what did not get its turn runs after the vacuum
        for (const rest of during.splice(0)) step(rest);
        break;
      }
      default:
        step(op);
    }
    checkVisibilityMap(w, open);
  }
  return { vacuums, indexScans, interleaved };
}

describe('lazy vacuum, model-based', () => {
  it('keeps every visible row, removes what is dead to all, never marks an invisible page all-visible', () => {
    let multiPass = 0;
    let vacuums = 0;
    let interleaved = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 80 }), (ops) => {
        const r = runOps([
          ...ops,
          { kind: 'vacuum', freeze: false, maxDead: 100000, truncate: true },
        ]);
        vacuums += r.vacuums;
        interleaved += r.interleaved;
        if (r.indexScans > r.vacuums) multiPass++;
      }),
      {
        numRuns: RUNS,
        // one run certain to need several index passes: 200 aborted rows over 4 pages
        examples: [
          [
            [
              { kind: 'begin' },
              { kind: 'bulk', n: 200, k: 3, abort: true },
              { kind: 'vacuum', freeze: false, maxDead: 300, truncate: false },
            ],
          ],
          // vacuum delay (issue 11): an update lands between the vacuum's
          // pages, right after page 0 was found all-visible and marked so
          [
            [
              { kind: 'bulk', n: 20, k: 3, abort: false },
              { kind: 'begin' },
              { kind: 'vacuum', freeze: false, maxDead: 100000, truncate: false, interleave: 2 },
              { kind: 'begin' },
              { kind: 'update', t: 0, pick: 0, changeKey: false, pad: 0 },
            ],
          ],
        ],
      },
    );
    // the runs did exercise vacuums, and some made more than one index pass
    expect(vacuums).toBeGreaterThan(RUNS);
    expect(multiPass).toBeGreaterThan(0);
    // vacuum delay (issue 11): some vacuums had other work run between their pages
    expect(interleaved).toBeGreaterThan(0);
  });
});

describe('lazy vacuum, examples', () => {
  it('removes deleted rows, their index entries, and sets the VM; a second vacuum skips nothing it need not scan', () => {
    const w = setup();
    const t = w.xacts.begin();
    for (let i = 0; i < 1000; i++) {
      const tid = w.heap.insert([i, i % 30, 'x'.repeat(20)], t.xid, 0);
      w.index.insert([i % 30], tid);
    }
    w.xacts.status.set(t.xid, 'committed');
    const d = w.xacts.begin();
    for (const row of [
      ...w.heap.scan({ ...w.xacts.snapshotData(), curcid: 0 }, w.xacts.context(d)),
    ])
      if ((row.values[0] as number) % 2 === 0)
        w.heap.delete(row.tid, { xid: d.xid, cid: 0, ctx: w.xacts.context(d) });
    w.xacts.status.set(d.xid, 'committed');
    const pages = w.heap.nblocks();
    const r = lazyVacuum(
      { heap: w.heap, indexes: [vacuumIndex(w.index)] },
      { ctx: w.xacts.context(undefined), oldestXmin: w.xacts.oldestXmin([]) },
    );
    expect(r).toMatchObject({
      relPages: pages,
      newRelPages: pages,
      scannedPages: pages,
      tuplesDeleted: 500,
      newLiveTuples: 500,
      newRelTuples: 500,
      recentlyDeadTuples: 0,
      lpdeadItems: 500,
      lpdeadItemPages: pages,
      indexScans: 1,
      relAllVisible: pages,
      relAllFrozen: 0,
    });
    expect(r.indexStats[0]?.stats.tuplesRemoved).toBe(500);
    expect(indexTids(w.index)).toHaveLength(500);
    checkAfterVacuum(w, w.xacts.oldestXmin([]), r);
    // VACUUM FREEZE: every page frozen, relfrozenxid can move to the cutoff
    const f = lazyVacuum(
      { heap: w.heap, indexes: [vacuumIndex(w.index)], relfrozenxid: t.xid },
      { ctx: w.xacts.context(undefined), oldestXmin: w.xacts.oldestXmin([]), freeze: true },
    );
    expect(f.aggressive).toBe(true);
    expect(f.frozenTuples).toBe(500);
    expect(f.relAllFrozen).toBe(pages);
    expect(f.newRelfrozenxid).toBe(w.xacts.oldestXmin([]));
  });

  it('a held snapshot keeps what it sees: "dead but not yet removable"', () => {
    const w = setup();
    const t = w.xacts.begin();
    for (let i = 0; i < 100; i++) w.index.insert([i], w.heap.insert([i, i, 'x'], t.xid, 0));
    w.xacts.status.set(t.xid, 'committed');
    const old = w.xacts.begin(); // holds its snapshot
    const d = w.xacts.begin();
    for (const row of [...w.heap.scan({ ...d.snap, curcid: 0 }, w.xacts.context(d))])
      w.heap.delete(row.tid, { xid: d.xid, cid: 0, ctx: w.xacts.context(d) });
    w.xacts.status.set(d.xid, 'committed');
    const r = lazyVacuum(
      { heap: w.heap, indexes: [vacuumIndex(w.index)] },
      { ctx: w.xacts.context(undefined), oldestXmin: w.xacts.oldestXmin([old]) },
    );
    expect(r).toMatchObject({ tuplesDeleted: 0, recentlyDeadTuples: 100, newRelTuples: 100 });
    expect(r.relAllVisible).toBe(0);
    expect([...w.heap.scan({ ...old.snap, curcid: 0 }, w.xacts.context(old))]).toHaveLength(100);
    w.xacts.status.set(old.xid, 'committed');
    const r2 = lazyVacuum(
      { heap: w.heap, indexes: [vacuumIndex(w.index)] },
      { ctx: w.xacts.context(undefined), oldestXmin: w.xacts.oldestXmin([]) },
    );
    expect(r2).toMatchObject({ tuplesDeleted: 100, recentlyDeadTuples: 0, newRelPages: 0 });
    expect(r2.pagesRemoved).toBeGreaterThan(0);
    expect(w.heap.nblocks()).toBe(0);
  });

  it('a small dead-TID store makes several index passes', () => {
    const w = setup();
    const t = w.xacts.begin();
    for (let i = 0; i < 3000; i++)
      w.index.insert([i % 50], w.heap.insert([i, i % 50, 'y'], t.xid, 0));
    w.xacts.status.set(t.xid, 'committed');
    const d = w.xacts.begin();
    for (const row of [...w.heap.scan({ ...d.snap, curcid: 0 }, w.xacts.context(d))])
      if ((row.values[0] as number) % 3 !== 0)
        w.heap.delete(row.tid, { xid: d.xid, cid: 0, ctx: w.xacts.context(d) });
    w.xacts.status.set(d.xid, 'committed');
    const phases: string[] = [];
    const r = lazyVacuum(
      { heap: w.heap, indexes: [vacuumIndex(w.index)] },
      {
        ctx: w.xacts.context(undefined),
        oldestXmin: w.xacts.oldestXmin([]),
        maxDeadItems: 600,
        progress: (p) => phases.push(`${p.phase}:${p.indexVacuumCount}`),
      },
    );
    expect(r.lpdeadItems).toBe(2000);
    // pg_stat_progress_vacuum's phases, index_vacuum_count counting the passes
    expect(phases[0]).toBe('initializing:0');
    expect(phases).toContain('vacuuming indexes:0');
    expect(phases).toContain(`vacuuming heap:${r.indexScans}`);
    expect(phases.at(-1)).toBe(`performing final cleanup:${r.indexScans}`);
    // 600 TIDs, at most 600 - 291 before a page is refused: passes of ~309..600
    expect(r.indexScans).toBeGreaterThanOrEqual(4);
    expect(indexTids(w.index)).toHaveLength(1000);
    checkAfterVacuum(w, w.xacts.oldestXmin([]), r);
  });

  it('bypasses index vacuuming when few pages have LP_DEAD items (INDEX_CLEANUP AUTO)', () => {
    const w = setup();
    const t = w.xacts.begin();
    for (let i = 0; i < 60000; i++)
      w.index.insert([i % 50], w.heap.insert([i, i % 50, 'z'], t.xid, 0));
    w.xacts.status.set(t.xid, 'committed');
    const d = w.xacts.begin();
    w.heap.delete({ block: 3, offset: 1 }, { xid: d.xid, cid: 0, ctx: w.xacts.context(d) });
    w.xacts.status.set(d.xid, 'committed');
    const r = lazyVacuum(
      { heap: w.heap, indexes: [vacuumIndex(w.index)] },
      { ctx: w.xacts.context(undefined), oldestXmin: w.xacts.oldestXmin([]) },
    );
    expect(r).toMatchObject({ indexVacuuming: 'bypassed', indexScans: 0, lpdeadItems: 1 });
    expect(r.relAllVisible).toBe(r.relPages - 1);
  });

  it('skips all-visible ranges of 32 pages or more, and scans the last page', () => {
    const w = setup();
    const t = w.xacts.begin();
    for (let i = 0; i < 20000; i++) w.heap.insert([i, i, 'z'], t.xid, 0);
    w.xacts.status.set(t.xid, 'committed');
    const opts = { ctx: w.xacts.context(undefined), oldestXmin: w.xacts.oldestXmin([]) };
    const first = lazyVacuum({ heap: w.heap, indexes: [] }, opts);
    expect(first.scannedPages).toBe(first.relPages);
    const second = lazyVacuum({ heap: w.heap, indexes: [] }, opts);
    expect(second.scannedPages).toBe(1);
    expect(second.skippedPages).toBe(second.relPages - 1);
    expect(second.newRelfrozenxid).toBeUndefined(); // all-visible, not frozen, pages skipped
    // a change on block 5: blocks 0..4 (a run under 32) are scanned anyway, then 6.. skipped
    const d = w.xacts.begin();
    w.heap.delete({ block: 5, offset: 1 }, { xid: d.xid, cid: 0, ctx: w.xacts.context(d) });
    w.xacts.status.set(d.xid, 'committed');
    const third = lazyVacuum(
      { heap: w.heap, indexes: [] },
      { ...opts, oldestXmin: w.xacts.oldestXmin([]) },
    );
    expect(third.scannedPages).toBe(7);
    expect(third.tuplesDeleted).toBe(1);
    const all = lazyVacuum({ heap: w.heap, indexes: [] }, { ...opts, disablePageSkipping: true });
    expect(all.scannedPages).toBe(all.relPages);
  });
});

describe('lazy vacuum, WAL', () => {
  it('after a crash, redo rebuilds the vacuumed heap, its VM bits, the truncation and the index', () => {
    const wal = new MemoryWalStorage();
    const smgr = new MemorySmgr();
    const control = new MemoryControlStore();
    const open = () =>
      openStorage({
        walStorage: wal,
        smgr,
        control,
        segmentSize: 1024 * 1024,
        systemIdentifier: 7n,
        rmgrs: [heapRmgr, btreeRmgr],
      });
    let st = open();
    smgr.create(HEAP_REL, 0);
    const xacts = new Xacts();
    const make = () => ({
      heap: new Heap({
        pool: st.pool,
        rel: HEAP_REL,
        types: [int4, int4, text],
        inserter: st.inserter,
      }),
      index: new BTree({
        pool: st.pool,
        rel: INDEX_REL,
        descriptor: { name: 't_k', keys: [{ name: 'k', type: int4 }] },
        inserter: st.inserter,
      }),
    });
    smgr.create(INDEX_REL, 0);
    let { heap, index } = make();
    index = BTree.create({
      pool: st.pool,
      rel: INDEX_REL,
      descriptor: { name: 't_k', keys: [{ name: 'k', type: int4 }] },
      inserter: st.inserter,
    });
    const t = xacts.begin();
    for (let i = 0; i < 3000; i++)
      index.insert([i % 40], heap.insert([i, i % 40, 'w'.repeat(30)], t.xid, 0));
    xacts.status.set(t.xid, 'committed');
    st.checkpointer.checkpoint();
    const d = xacts.begin();
    for (const row of [...heap.scan({ ...d.snap, curcid: 0 }, xacts.context(d))]) {
      const id = row.values[0] as number;
      if (id % 4 === 0 || id >= 2000)
        heap.delete(row.tid, { xid: d.xid, cid: 0, ctx: xacts.context(d) });
    }
    xacts.status.set(d.xid, 'committed');
    const r = lazyVacuum(
      {
        heap,
        indexes: [
          {
            name: 't_k',
            bulkDelete: (cb, stats) => index.bulkDelete(cb, stats),
            vacuumCleanup: (stats) => index.vacuumCleanup(stats),
          },
        ],
      },
      { ctx: xacts.context(undefined), oldestXmin: xacts.oldestXmin([]), maxDeadItems: 400 },
    );
    expect(r.indexScans).toBeGreaterThan(1);
    expect(r.pagesRemoved).toBeGreaterThan(0);
    const snap = { ...xacts.snapshotData(), curcid: 0 };
    const rowsBefore = [...heap.scan(snap, xacts.context(undefined))].map((x) => rowKey(x.values));
    const vmBefore = Array.from({ length: heap.nblocks() }, (_, b) =>
      heap.vm.getStatus(HEAP_REL, b),
    );
    const tidsBefore = indexTids(index).length;
    expect(rowsBefore).toHaveLength(1500);
    st.wal.flushSync();
    Reflect.set(st.wal, 'failure', new WalPanic('simulated crash'));
    smgr.crash({ survives: () => false });
    wal.crash({ tornSectors: () => 0 });
    st = open();
    ({ heap, index } = make());
    expect(heap.nblocks()).toBe(r.newRelPages);
    expect([...heap.scan(snap, xacts.context(undefined))].map((x) => rowKey(x.values))).toEqual(
      rowsBefore,
    );
    expect(
      Array.from({ length: heap.nblocks() }, (_, b) => heap.vm.getStatus(HEAP_REL, b)),
    ).toEqual(vmBefore);
    expect(vmBefore.every((bits) => bits === VISIBILITYMAP_ALL_VISIBLE)).toBe(true);
    expect(indexTids(index)).toHaveLength(tidsBefore);
    expect(checkTree(index)).toEqual([]);
  });
});

describe('VACUUM VERBOSE report', () => {
  it("reports several index passes in PostgreSQL 15's words", () => {
    const w = setup();
    const t = w.xacts.begin();
    for (let i = 0; i < 3000; i++)
      w.index.insert([i % 50], w.heap.insert([i, i % 50, 'v'], t.xid, 0));
    w.xacts.status.set(t.xid, 'committed');
    const d = w.xacts.begin();
    for (const row of [...w.heap.scan({ ...d.snap, curcid: 0 }, w.xacts.context(d))])
      w.heap.delete(row.tid, { xid: d.xid, cid: 0, ctx: w.xacts.context(d) });
    w.xacts.status.set(d.xid, 'committed');
    const oldestXmin = w.xacts.oldestXmin([]);
    const r = lazyVacuum(
      { heap: w.heap, indexes: [vacuumIndex(w.index)], relfrozenxid: t.xid },
      {
        ctx: w.xacts.context(undefined),
        oldestXmin,
        // what maintenance_work_mem = 8kB would hold: (8192 - 8) / 6 TIDs
        maxDeadItems: maxDeadItemsFor(8 * 1024),
      },
    );
    const text = vacuumVerboseReport(r, {
      qualifiedName: 'postgres.public.t',
      nextXid: w.xacts.nextXid,
      relfrozenxid: t.xid,
      ...(r.newRelfrozenxid === undefined ? {} : { newRelfrozenxid: r.newRelfrozenxid }),
      elapsedMs: 0,
    });
    const lines = text.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      `finished vacuuming "postgres.public.t": index scans: ${r.indexScans}`,
      `pages: ${r.relPages} removed, 0 remain, ${r.relPages} scanned (100.00% of total)`,
      'tuples: 3000 removed, 0 remain, 0 are dead but not yet removable',
      `removable cutoff: ${oldestXmin}, which was 0 XIDs old when operation ended`,
      `new relfrozenxid: ${oldestXmin}, which is ${oldestXmin - t.xid} XIDs ahead of previous value`,
      `index scan needed: ${r.relPages} pages from table (100.00% of total) had 3000 dead item identifiers removed`,
    ]);
    expect(r.indexScans).toBe(3);
    expect(lines[6]).toMatch(
      /^index "t_k": pages: \d+ in total, \d+ newly deleted, \d+ currently deleted, \d+ reusable$/,
    );
  });
});

describe('inspection: pgstattuple and pg_visibility', () => {
  it('counts live and dead tuples and free space, and shows the VM before and after a vacuum', () => {
    const w = setup();
    const t = w.xacts.begin();
    for (let i = 0; i < 600; i++) w.heap.insert([i, i, 'q'.repeat(40)], t.xid, 0);
    w.xacts.status.set(t.xid, 'committed');
    const d = w.xacts.begin();
    for (const row of [...w.heap.scan({ ...d.snap, curcid: 0 }, w.xacts.context(d))])
      if ((row.values[0] as number) < 200)
        w.heap.delete(row.tid, { xid: d.xid, cid: 0, ctx: w.xacts.context(d) });
    w.xacts.status.set(d.xid, 'committed');
    const ctx = w.xacts.context(undefined);
    const horizon = w.xacts.oldestXmin([]);
    const pages = w.heap.nblocks();
    const before = heapTupleStats(w.heap, ctx, horizon);
    expect(before).toMatchObject({ tableLen: pages * 8192, tupleCount: 400, deadTupleCount: 200 });
    expect(before.tupleLen).toBe(400 * (24 + 4 + 4 + 41));
    expect(visibilityMapSummary(w.heap)).toEqual({ allVisible: 0, allFrozen: 0 });
    lazyVacuum({ heap: w.heap, indexes: [] }, { ctx, oldestXmin: horizon, freeze: true });
    const after = heapTupleStats(w.heap, ctx, horizon);
    expect(after).toMatchObject({ tupleCount: 400, deadTupleCount: 0, deadTupleLen: 0 });
    expect(after.freeSpace).toBeGreaterThan(before.freeSpace);
    const rows = visibilityMapRows(w.heap);
    expect(rows).toHaveLength(w.heap.nblocks());
    expect(rows.every((r) => r.allVisible && r.allFrozen && r.pdAllVisible)).toBe(true);
    expect(visibilityMapSummary(w.heap)).toEqual({
      allVisible: rows.length,
      allFrozen: rows.length,
    });
  });
});
