/**
 * Multixacts, model-based: random creations of multis (2..6 members, at
 * most one updater, spanning member-page and offsets-page boundaries),
 * lookups, checkpoints and crashes of a whole cluster (@pg/storage's
 * openStorage on memory WAL, and memory SLRU stores that lose unsynced
 * writes). The model is a Map multi -> members. After every crash and
 * recovery every multi whose CREATE_ID record is in the recovered WAL has
 * exactly its members, and a new multi never reuses an id.
 */
import {
  attachMultiXacts,
  decodeMultiXactCreate,
  encodeMultiXactCreate,
  HEAP_XMAX_IS_MULTI,
  HEAP_XMAX_KEYSHR_LOCK,
  HEAP_XMAX_LOCK_ONLY,
  HEAP_XMIN_COMMITTED,
  heapTupleGetUpdateXid,
  heapTupleSatisfiesMVCC,
  heapTupleSatisfiesUpdate,
  MemorySlruStore,
  MULTIXACT_MEMBERS_PER_PAGE,
  type MultiXactMember,
  MultiXactStatus,
  MultiXacts,
  multiXactIdIsRunning,
  multiXactMemberPosition,
  multiXactOffsetPosition,
  multiXactsOf,
  type Snapshot,
  TM_Result,
  type UpdateContext,
} from '@pg/mvcc';
import { MemoryControlStore, MemorySmgr } from '@pg/storage';
import { MemoryWalStorage, WalPanic } from '@pg/wal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type OpenedTransactions, openTransactions } from './internal/xact-startup.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 30);

describe('multixact SLRU format (PostgreSQL 15)', () => {
  it('places offsets 4 bytes per multi and members in groups of 4 flag bytes + 4 xids', () => {
    expect(multiXactOffsetPosition(1)).toEqual({ page: 0, byte: 4 });
    expect(multiXactOffsetPosition(2048)).toEqual({ page: 1, byte: 0 });
    expect(MULTIXACT_MEMBERS_PER_PAGE).toBe(1636);
    expect(multiXactMemberPosition(1)).toEqual({ page: 0, flagByte: 1, xidByte: 8 });
    expect(multiXactMemberPosition(5)).toEqual({ page: 0, flagByte: 21, xidByte: 24 + 4 });
    expect(multiXactMemberPosition(1636)).toEqual({ page: 1, flagByte: 0, xidByte: 4 });
  });

  it('writes the bytes PostgreSQL writes for a first multi of two lockers', () => {
    const offsets = new MemorySlruStore();
    const members = new MemorySlruStore();
    const mx = new MultiXacts({ offsetsStore: offsets, membersStore: members });
    const m = mx.create([
      { xid: 740, status: MultiXactStatus.ForShare },
      { xid: 741, status: MultiXactStatus.ForKeyShare },
    ]);
    expect(m).toBe(1);
    mx.checkpoint();
    const off = offsets.fileBytes('0000') as Uint8Array;
    // multi 1's offset is 1 (member slot 0 is never used)
    expect([...off.subarray(4, 8)]).toEqual([1, 0, 0, 0]);
    const mem = members.fileBytes('0000') as Uint8Array;
    // group 0: flags [-, sh, keysh, -], xids [-, 740, 741, -]
    expect([...mem.subarray(0, 4)]).toEqual([0, 1, 0, 0]);
    expect(new DataView(mem.buffer).getUint32(8, true)).toBe(740);
    expect(new DataView(mem.buffer).getUint32(12, true)).toBe(741);
    expect(mx.getMembers(1)).toEqual([
      { xid: 740, status: MultiXactStatus.ForShare },
      { xid: 741, status: MultiXactStatus.ForKeyShare },
    ]);
    expect(() => mx.getMembers(2)).toThrow(/has not been created yet/);
  });

  it('encodes and decodes CREATE_ID records; a short one is XX001', () => {
    const ms: MultiXactMember[] = [
      { xid: 9, status: MultiXactStatus.ForKeyShare },
      { xid: 10, status: MultiXactStatus.NoKeyUpdate },
    ];
    expect(decodeMultiXactCreate(encodeMultiXactCreate(5, 77, ms))).toEqual({
      multi: 5,
      offset: 77,
      members: ms,
    });
    expect(() => decodeMultiXactCreate(new Uint8Array(13))).toThrow(
      expect.objectContaining({ code: 'XX001' }),
    );
  });
});

describe('multixacts in the visibility rules', () => {
  const committed = new Set([100, 101]);
  const log = { didCommit: (x: number) => committed.has(x), didAbort: () => false };
  const mx = new MultiXacts({
    offsetsStore: new MemorySlruStore(),
    membersStore: new MemorySlruStore(),
  });
  attachMultiXacts(log, mx);
  const lockers = mx.create([
    { xid: 200, status: MultiXactStatus.ForShare },
    { xid: 201, status: MultiXactStatus.ForShare },
  ]);
  const withUpdate = mx.create([
    { xid: 200, status: MultiXactStatus.ForKeyShare },
    { xid: 101, status: MultiXactStatus.NoKeyUpdate },
  ]);
  const running = new Set([200, 201]);
  const ctx: UpdateContext = {
    log,
    isCurrentTransactionId: () => false,
    isInProgress: (x) => running.has(x),
  };
  const snap: Snapshot = {
    xmin: 150,
    xmax: 300,
    xip: [200, 201],
    subxip: [],
    suboverflowed: false,
    curcid: 0,
  };
  const tuple = (xmax: number, infomask: number) => ({
    xmin: 100,
    xmax,
    cid: 0,
    infomask: HEAP_XMIN_COMMITTED | HEAP_XMAX_IS_MULTI | infomask,
    ctid: { blockNumber: 0, offsetNumber: 1 },
  });

  it('a lock-only multi does not hide the row; SatisfiesUpdate says BeingModified while a member runs', () => {
    const t = tuple(lockers, HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_KEYSHR_LOCK);
    expect(multiXactsOf(log)).toBe(mx);
    expect(heapTupleSatisfiesMVCC(t, snap, ctx).visible).toBe(true);
    expect(heapTupleSatisfiesUpdate(t, t.ctid, 0, ctx).result).toBe(TM_Result.BeingModified);
    expect(multiXactIdIsRunning(lockers, ctx)).toBe(true);
    const none: UpdateContext = { ...ctx, isInProgress: () => false };
    expect(heapTupleSatisfiesUpdate(t, t.ctid, 0, none)).toEqual({
      result: TM_Result.Ok,
      setHints: 0x0800,
    });
  });

  it('the updater inside a multi decides: committed and not in the snapshot hides the row', () => {
    const t = tuple(withUpdate, 0);
    expect(heapTupleGetUpdateXid(t, ctx)).toBe(101);
    expect(heapTupleSatisfiesMVCC(t, snap, ctx).visible).toBe(false);
    // a snapshot that saw 101 running still sees the row
    expect(heapTupleSatisfiesMVCC(t, { ...snap, xmin: 100, xip: [101, 200] }, ctx).visible).toBe(
      true,
    );
    // a member still runs: BeingModified; when none does, the committed update says Deleted
    expect(heapTupleSatisfiesUpdate(t, t.ctid, 0, ctx).result).toBe(TM_Result.BeingModified);
    const none: UpdateContext = { ...ctx, isInProgress: () => false };
    expect(heapTupleSatisfiesUpdate(t, t.ctid, 0, none).result).toBe(TM_Result.Deleted);
  });
});

// ------------------------------------------------------------ model-based, with crashes

type Op =
  | { kind: 'create'; members: MultiXactMember[] }
  | { kind: 'read'; pick: number }
  | { kind: 'flush' }
  | { kind: 'checkpoint' }
  | { kind: 'crash'; seed: number };

const memberArb: fc.Arbitrary<MultiXactMember[]> = fc
  .uniqueArray(fc.integer({ min: 3, max: 5000 }), { minLength: 2, maxLength: 6 })
  .chain((xids) =>
    fc
      .tuple(
        fc.array(fc.integer({ min: 0, max: 3 }), {
          minLength: xids.length,
          maxLength: xids.length,
        }),
        fc.option(fc.constantFrom(4, 5), { nil: undefined }),
      )
      .map(([statuses, upd]) =>
        xids.map((xid, i) => ({
          xid,
          status: (i === 0 && upd !== undefined ? upd : statuses[i]) as MultiXactStatus,
        })),
      ),
  );

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('create' as const), members: memberArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), seed: fc.integer() }) },
);

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

interface Disk {
  readonly wal: MemoryWalStorage;
  readonly smgr: MemorySmgr;
  readonly control: MemoryControlStore;
  readonly clogStore: MemorySlruStore;
  readonly offsets: MemorySlruStore;
  readonly members: MemorySlruStore;
}

function open(d: Disk): OpenedTransactions {
  return openTransactions({
    walStorage: d.wal,
    smgr: d.smgr,
    control: d.control,
    clogStore: d.clogStore,
    multixactOffsetsStore: d.offsets,
    multixactMembersStore: d.members,
    segmentSize: 64 * 1024,
    walBuffers: 2,
    systemIdentifier: 7n,
  });
}

describe('multixact creation and lookup across checkpoints and crashes', () => {
  it('every multi whose record survived has its members; ids are never reused', async () => {
    let crashes = 0;
    let lost = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 10, maxLength: 60 }),
        fc.integer({ min: 0, max: 2047 + 3 }),
        async (ops, skip) => {
          const d: Disk = {
            wal: new MemoryWalStorage(),
            smgr: new MemorySmgr(),
            control: new MemoryControlStore(),
            clogStore: new MemorySlruStore(),
            offsets: new MemorySlruStore(),
            members: new MemorySlruStore(),
          };
          let t = open(d);
          let mx = t.multixacts as MultiXacts;
          // start somewhere inside the first offsets page / near a members page end
          // by making `skip` throwaway multis of 2 members
          for (let i = 0; i < skip % 900; i++) {
            mx.create([
              { xid: 3, status: MultiXactStatus.ForKeyShare },
              { xid: 4, status: MultiXactStatus.ForShare },
            ]);
          }
          t.storage.wal.flushSync();
          const model = new Map<number, { members: MultiXactMember[]; end: bigint }>();
          const used = new Set<number>();
          for (let i = 1; i < mx.nextMulti; i++) used.add(i);
          for (const op of [...ops, { kind: 'crash' as const, seed: 3 }]) {
            switch (op.kind) {
              case 'create': {
                const m = mx.create(op.members);
                expect(used.has(m), `multi ${m} reused`).toBe(false);
                used.add(m);
                model.set(m, { members: op.members, end: t.storage.wal.insertLsn });
                expect(mx.getMembers(m)).toEqual(op.members);
                break;
              }
              case 'read': {
                const keys = [...model.keys()];
                if (keys.length === 0) break;
                const k = keys[op.pick % keys.length] as number;
                expect(mx.getMembers(k)).toEqual(model.get(k)?.members);
                break;
              }
              case 'flush':
                t.storage.wal.flushSync();
                break;
              case 'checkpoint':
                t.storage.checkpointer.checkpoint();
                break;
              case 'crash': {
                crashes++;
                Reflect.set(t.storage.wal, 'failure', new WalPanic('simulated crash'));
                const r = rng(op.seed);
                d.smgr.crash({ survives: () => r() < 0.5 });
                d.wal.crash({ tornSectors: (_n, sectors) => Math.floor(r() * (sectors + 1)) });
                d.clogStore.crash();
                d.offsets.crash();
                d.members.crash();
                t = open(d);
                mx = t.multixacts as MultiXacts;
                const end = t.storage.recovery?.endLsn ?? 0n;
                for (const [k, v] of [...model]) {
                  if (v.end <= end) {
                    expect(mx.getMembers(k), `multi ${k} after crash`).toEqual(v.members);
                  } else {
                    // its record was lost: no tuple can name it (its heap record came later)
                    model.delete(k);
                    used.delete(k);
                    lost++;
                  }
                }
                break;
              }
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(crashes).toBeGreaterThan(0);
    expect(lost).toBeGreaterThanOrEqual(0);
  });
});
