/**
 * The visibility rules (V1..V4) against a reference model.
 *
 * A small simulator runs random histories of up to four backends: begin,
 * SAVEPOINT, RELEASE, ROLLBACK TO, insert, delete, lock (FOR UPDATE, lock
 * only), the next command (CommandCounterIncrement), commit, abort, and
 * snapshots taken inside a transaction or by a read-only observer. It
 * keeps real state: xids from an XidGenerator (started at xid 3, just
 * before a clog page boundary, or just before the 2^32 wrap), pg_xact in
 * a four-page cache, pg_subtrans, a ProcArray whose subxid caches hold
 * only one (so snapshots overflow), combo command ids, and tuple headers
 * whose hint bits are written back when the rules return them.
 *
 * The reference model knows only the history: a row version is visible
 * to a snapshot taken at step T by transaction O at command c iff
 *   its inserter is one of O's live xids and inserted at a command < c, or
 *   its inserter's top-level transaction committed before T and neither
 *   it nor an enclosing subtransaction was rolled back;
 * and its deleter (not a mere locker) does not, by the same rule, count.
 * Every tuple is checked under every snapshot as it is taken, and the
 * observers' snapshots again at the end of the history, after later
 * commits, aborts and hint bits. Hint bits are checked against the
 * history's facts (V4) after every step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Clog, transactionIdToPage } from './internal/clog.js';
import { MemorySlruStore } from './internal/clog-store.js';
import { SubTrans } from './internal/clog-subtrans.js';
import { Transam } from './internal/clog-transam.js';
import { checkSnapshot, type Snapshot } from './internal/snapshot.js';
import { initialLatestCompletedXid, ProcArray } from './internal/snapshot-procarray.js';
import {
  adjustCmax,
  HEAP_COMBOCID,
  HEAP_LOCK_MASK,
  HEAP_XMAX_COMMITTED,
  HEAP_XMAX_EXCL_LOCK,
  HEAP_XMAX_INVALID,
  HEAP_XMAX_IS_MULTI,
  HEAP_XMAX_LOCK_ONLY,
  HEAP_XMIN_COMMITTED,
  HEAP_XMIN_FROZEN,
  HEAP_XMIN_INVALID,
  heapTupleSatisfiesMVCC,
  heapTupleSatisfiesUpdate,
  type ItemPointer,
  TM_Result,
  type TupleHeaderFields,
  type UpdateContext,
  type VisibilityContext,
} from './internal/visibility.js';
import { ComboCids } from './internal/visibility-combocid.js';
import {
  type TransactionId,
  transactionIdFollows,
  XidGenerator,
  xidFromFullTransactionId,
} from './internal/xid.js';
import { MvccError } from './internal/xid-errors.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);

interface Level {
  xid: TransactionId | undefined;
  /** xids of released (subcommitted) subtransactions below this level */
  children: TransactionId[];
}
interface Tx {
  readonly backend: number;
  readonly levels: Level[];
  cid: number;
  readonly combo: ComboCids;
}
interface Tuple {
  header: { xmin: TransactionId; xmax: TransactionId; cid: number; infomask: number };
  /** the model's view */
  readonly insXid: TransactionId;
  readonly cmin: number;
  delXid: TransactionId;
  cmax: number;
  lockOnly: boolean;
}
interface TakenSnapshot {
  readonly at: number;
  readonly snapshot: Snapshot;
  /** the observer's live xids (empty for a read-only observer) */
  readonly own: ReadonlySet<TransactionId>;
}

class Sim {
  readonly clog: Clog;
  readonly subtrans = new SubTrans();
  readonly transam: Transam;
  readonly xids: XidGenerator;
  readonly procs: ProcArray;
  readonly txs = new Map<number, Tx>();
  readonly tuples: Tuple[] = [];
  readonly observers: TakenSnapshot[] = [];
  /** model: top-level xid -> step at which it committed */
  readonly committedAt = new Map<TransactionId, number>();
  /** model: xid -> its top-level xid */
  readonly topOf = new Map<TransactionId, TransactionId>();
  /** model: every xid rolled back (as a subtransaction or with its top) */
  readonly aborted = new Set<TransactionId>();
  step = 0;
  checks = 0;
  /** how often each interesting case came up, so the test shows it covers them */
  readonly seen = { visible: 0, invisible: 0, overflowed: 0, combo: 0, ownTuples: 0, hints: 0 };

  constructor(startXid: bigint) {
    this.clog = new Clog({ store: new MemorySlruStore(), buffers: 4 });
    this.transam = new Transam(this.clog, this.subtrans);
    this.xids = new XidGenerator({ nextFullXid: startXid, extend: (x) => this.clog.extend(x) });
    const next = xidFromFullTransactionId(this.xids.nextFullXid);
    this.clog.zeroPage(transactionIdToPage(next)); // StartupCLOG: the current page exists
    this.procs = new ProcArray({
      latestCompletedXid: initialLatestCompletedXid(next),
      maxCachedSubxids: 1,
    });
  }

  live(tx: Tx): Set<TransactionId> {
    const out = new Set<TransactionId>();
    for (const l of tx.levels) {
      if (l.xid !== undefined) out.add(l.xid);
      for (const c of l.children) out.add(c);
    }
    return out;
  }

  ctx(own: ReadonlySet<TransactionId>, combo?: ComboCids): VisibilityContext {
    return {
      log: this.transam,
      isCurrentTransactionId: (x) => own.has(x),
      getTopmost: (x) => this.subtrans.getTopmost(x),
      ...(combo === undefined ? {} : { comboCids: combo }),
    };
  }

  /** AssignTransactionId up the stack, parents first. */
  assign(tx: Tx): TransactionId {
    for (let i = 0; i < tx.levels.length; i++) {
      const l = tx.levels[i] as Level;
      if (l.xid !== undefined) continue;
      const x = this.xids.getNewTransactionId().xid;
      l.xid = x;
      if (i === 0) {
        this.procs.addTransaction(tx.backend, x);
        this.topOf.set(x, x);
      } else {
        const parent = (tx.levels[i - 1] as Level).xid as TransactionId;
        this.subtrans.setParent(x, parent);
        this.procs.addSubtransaction(tx.backend, x);
        this.topOf.set(x, (tx.levels[0] as Level).xid as TransactionId);
      }
    }
    return (tx.levels[tx.levels.length - 1] as Level).xid as TransactionId;
  }

  finished(x: TransactionId): boolean {
    const top = this.topOf.get(x) as TransactionId;
    return this.aborted.has(x) || this.committedAt.has(top);
  }

  committedBefore(x: TransactionId, at: number): boolean {
    const t = this.committedAt.get(this.topOf.get(x) as TransactionId);
    return t !== undefined && t < at && !this.aborted.has(x);
  }

  /** the reference model's answer */
  expected(t: Tuple, s: TakenSnapshot): boolean {
    const ins = s.own.has(t.insXid)
      ? t.cmin < s.snapshot.curcid
      : this.committedBefore(t.insXid, s.at);
    if (!ins) return false;
    if (t.delXid === 0 || t.lockOnly) return true;
    const del = s.own.has(t.delXid)
      ? t.cmax < s.snapshot.curcid
      : this.committedBefore(t.delXid, s.at);
    return !del;
  }

  /** can `tx` delete or lock tuple `t` now (it sees it, and nobody else holds xmax)? */
  modifiable(tx: Tx, t: Tuple): boolean {
    const own = this.live(tx);
    const seen = own.has(t.insXid) ? t.cmin < tx.cid : this.committedBefore(t.insXid, Infinity);
    if (!seen) return false;
    if (t.delXid === 0 || this.aborted.has(t.delXid)) return true;
    if (t.lockOnly) return own.has(t.delXid) || this.finished(t.delXid);
    return false;
  }

  check(s: TakenSnapshot, combo: ComboCids | undefined, writeHints: boolean): void {
    expect(checkSnapshot(s.snapshot)).toEqual([]);
    const ctx = this.ctx(s.own, combo);
    for (const t of this.tuples) {
      const got = heapTupleSatisfiesMVCC(t.header, s.snapshot, ctx);
      this.checks++;
      if (got.visible !== this.expected(t, s)) {
        throw new Error(
          `tuple ${JSON.stringify(t)} under snapshot ${JSON.stringify(s.snapshot)} taken at ${s.at} by ${[...s.own]}: got ${got.visible}`,
        );
      }
      if (writeHints) t.header.infomask |= got.setHints;
      if (got.visible) this.seen.visible++;
      else this.seen.invisible++;
      if (got.setHints !== 0) this.seen.hints++;
      if ((t.header.infomask & HEAP_COMBOCID) !== 0) this.seen.combo++;
      if (s.own.has(t.insXid)) this.seen.ownTuples++;
    }
    if (s.snapshot.suboverflowed) this.seen.overflowed++;
    this.checkHints();
  }

  /** V4: every hint bit states a fact of the history */
  checkHints(): void {
    for (const t of this.tuples) {
      const m = t.header.infomask;
      if ((m & HEAP_XMIN_FROZEN) === HEAP_XMIN_COMMITTED) {
        expect(this.committedBefore(t.insXid, Infinity)).toBe(true);
      }
      if ((m & HEAP_XMIN_FROZEN) === HEAP_XMIN_INVALID)
        expect(this.aborted.has(t.insXid)).toBe(true);
      if ((m & HEAP_XMAX_COMMITTED) !== 0) {
        expect(t.delXid !== 0 && this.committedBefore(t.delXid, Infinity)).toBe(true);
      }
      if ((m & HEAP_XMAX_INVALID) !== 0 && t.delXid !== 0) {
        expect(this.aborted.has(t.delXid)).toBe(true);
      }
    }
  }
}

type Op =
  | { kind: 'begin' | 'savepoint' | 'release' | 'rollbackTo' | 'insert' | 'cci'; b: number }
  | { kind: 'commit' | 'abort'; b: number }
  | { kind: 'delete' | 'lock'; b: number; pick: number }
  | { kind: 'snapshot'; b: number; hints: boolean }
  | { kind: 'observe'; hints: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('begin' as const), b: fc.nat(3) }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('savepoint' as const, 'release' as const, 'rollbackTo' as const),
      b: fc.nat(3),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('insert' as const), b: fc.nat(3) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('cci' as const), b: fc.nat(3) }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('commit' as const, 'abort' as const),
      b: fc.nat(3),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('delete' as const, 'lock' as const),
      b: fc.nat(3),
      pick: fc.nat(),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('snapshot' as const),
      b: fc.nat(3),
      hints: fc.boolean(),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('observe' as const), hints: fc.boolean() }),
    weight: 2,
  },
);

const startArb = fc.constantFrom(
  3n,
  32768n * 2n - 6n, // just before a clog page boundary
  32768n * 32n - 6n, // just before a segment boundary
  0xffff_fff0n, // just before the 32-bit wrap, epoch 0
  (7n << 32n) | 0xffff_fff8n, // just before the wrap, epoch 7
);

function run(start: bigint, ops: readonly Op[]): Sim {
  const sim = new Sim(start);
  for (const op of ops) {
    sim.step++;
    if (op.kind === 'observe') {
      const s = {
        at: sim.step,
        snapshot: sim.procs.getSnapshotData(undefined, 0),
        own: new Set<number>(),
      };
      sim.observers.push(s);
      sim.check(s, undefined, op.hints);
      continue;
    }
    const tx = sim.txs.get(op.b);
    if (op.kind === 'begin') {
      if (tx === undefined) {
        sim.txs.set(op.b, {
          backend: op.b,
          levels: [{ xid: undefined, children: [] }],
          cid: 0,
          combo: new ComboCids(),
        });
      }
      continue;
    }
    if (tx === undefined) continue;
    const top = tx.levels[tx.levels.length - 1] as Level;
    switch (op.kind) {
      case 'savepoint':
        tx.levels.push({ xid: undefined, children: [] });
        break;
      case 'release': {
        if (tx.levels.length === 1) break;
        tx.levels.pop();
        const parent = tx.levels[tx.levels.length - 1] as Level;
        if (top.xid !== undefined) parent.children.push(top.xid);
        parent.children.push(...top.children);
        break;
      }
      case 'rollbackTo': {
        if (tx.levels.length === 1) break;
        tx.levels.pop();
        if (top.xid !== undefined) {
          sim.transam.abortTree(top.xid, top.children);
          sim.procs.removeSubtransactions(tx.backend, [top.xid, ...top.children]);
          for (const x of [top.xid, ...top.children]) sim.aborted.add(x);
        }
        tx.levels.push({ xid: undefined, children: [] }); // ROLLBACK TO keeps the savepoint
        break;
      }
      case 'insert': {
        const xid = sim.assign(tx);
        sim.tuples.push({
          header: { xmin: xid, xmax: 0, cid: tx.cid, infomask: HEAP_XMAX_INVALID },
          insXid: xid,
          cmin: tx.cid,
          delXid: 0,
          cmax: 0,
          lockOnly: false,
        });
        break;
      }
      case 'delete':
      case 'lock': {
        if (sim.tuples.length === 0) break;
        const t = sim.tuples[op.pick % sim.tuples.length] as Tuple;
        if (!sim.modifiable(tx, t)) break;
        const xid = sim.assign(tx);
        const h = t.header;
        let infomask =
          h.infomask &
          ~(HEAP_XMAX_INVALID | HEAP_XMAX_COMMITTED | HEAP_LOCK_MASK | HEAP_XMAX_LOCK_ONLY);
        if (op.kind === 'lock') {
          // heap_lock_tuple leaves t_cid alone
          infomask |= HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_EXCL_LOCK;
          t.header = { ...h, xmax: xid, infomask };
          t.lockOnly = true;
        } else {
          const { cid, isCombo } = adjustCmax(h, tx.cid, {
            ...sim.ctx(sim.live(tx)),
            comboCids: tx.combo,
          });
          infomask = isCombo ? infomask | HEAP_COMBOCID : infomask & ~HEAP_COMBOCID;
          t.header = { ...h, xmax: xid, cid, infomask };
          t.lockOnly = false;
          t.cmax = tx.cid;
        }
        t.delXid = xid;
        break;
      }
      case 'cci':
        tx.cid++;
        break;
      case 'snapshot': {
        const s = {
          at: sim.step,
          snapshot: sim.procs.getSnapshotData(tx.backend, tx.cid),
          own: sim.live(tx),
        };
        sim.check(s, tx.combo, op.hints);
        break;
      }
      case 'commit':
      case 'abort': {
        sim.txs.delete(op.b);
        const live = [...sim.live(tx)];
        const topXid = (tx.levels[0] as Level).xid;
        if (topXid === undefined) break;
        const subs = live.filter((x) => x !== topXid);
        let latest = topXid;
        for (const x of subs) if (transactionIdFollows(x, latest)) latest = x;
        if (op.kind === 'commit') {
          sim.transam.commitTree(topXid, subs);
          sim.committedAt.set(topXid, sim.step);
        } else {
          sim.transam.abortTree(topXid, subs);
          for (const x of live) sim.aborted.add(x);
        }
        sim.procs.endTransaction(tx.backend, latest);
        break;
      }
    }
    sim.checkHints();
  }
  // the observers' snapshots, again, after everything that followed
  for (const s of sim.observers) sim.check(s, undefined, true);
  return sim;
}

describe('HeapTupleSatisfiesMVCC against the reference model', () => {
  it('agrees on every tuple under every snapshot of random histories', () => {
    let checks = 0;
    const seen = { visible: 0, invisible: 0, overflowed: 0, combo: 0, ownTuples: 0, hints: 0 };
    fc.assert(
      fc.property(
        startArb,
        fc.array(opArb, { minLength: 30, maxLength: 160, size: 'max' }),
        (start, ops) => {
          const sim = run(start, ops);
          checks += sim.checks;
          for (const k of Object.keys(seen) as (keyof typeof seen)[]) seen[k] += sim.seen[k];
        },
      ),
      { numRuns: RUNS },
    );
    expect(checks).toBeGreaterThan(RUNS * 10);
    for (const k of Object.keys(seen) as (keyof typeof seen)[])
      expect(seen[k], k).toBeGreaterThan(0);
  });

  it('a fixed history: the Halloween problem, own earlier commands, a rolled-back savepoint', () => {
    const sim = run(3n, [
      { kind: 'begin', b: 0 },
      { kind: 'insert', b: 0 }, // command 0 inserts row A (xid 3)
      { kind: 'snapshot', b: 0, hints: false }, // command 0 does not see its own insert
      { kind: 'cci', b: 0 },
      { kind: 'snapshot', b: 0, hints: false }, // command 1 sees it
      { kind: 'savepoint', b: 0 },
      { kind: 'delete', b: 0, pick: 0 }, // command 1 deletes A in subxact 4 (combo cid)
      { kind: 'cci', b: 0 },
      { kind: 'rollbackTo', b: 0 }, // the delete is undone
      { kind: 'snapshot', b: 0, hints: true }, // A visible again
      { kind: 'commit', b: 0 },
      { kind: 'observe', hints: true },
    ]);
    const a = sim.tuples[0] as Tuple;
    expect(a.header.xmin).toBe(3);
    expect(a.header.xmax).toBe(4);
    expect(a.header.infomask & HEAP_COMBOCID).toBe(HEAP_COMBOCID);
    expect(a.header.infomask & HEAP_XMAX_INVALID).toBe(HEAP_XMAX_INVALID); // hinted: deleter aborted
    expect(a.header.infomask & HEAP_XMIN_COMMITTED).toBe(HEAP_XMIN_COMMITTED);
    expect(sim.checks).toBe(5);
  });
});

// --- unit cases --------------------------------------------------------------

const log = {
  committed: new Set<number>([100, 101, 110]),
  aborted: new Set<number>([102]),
  didCommit(x: number) {
    return x === 1 || x === 2 || this.committed.has(x);
  },
  didAbort(x: number) {
    return this.aborted.has(x);
  },
};
const snap = (over: Partial<Snapshot> = {}): Snapshot => ({
  xmin: 105,
  xmax: 120,
  xip: [105, 108],
  subxip: [],
  suboverflowed: false,
  curcid: 5,
  ...over,
});
const ctxFor = (own: number[], running: number[] = []): UpdateContext => ({
  log,
  isCurrentTransactionId: (x) => own.includes(x),
  isInProgress: (x) => own.includes(x) || running.includes(x),
  comboCids: new ComboCids(),
});
const tup = (over: Partial<TupleHeaderFields>): TupleHeaderFields => ({
  xmin: 100,
  xmax: 0,
  cid: 0,
  infomask: HEAP_XMAX_INVALID,
  ...over,
});
const SELF: ItemPointer = { blockNumber: 0, offsetNumber: 1 };

describe('HeapTupleSatisfiesMVCC, case by case', () => {
  it('sets hint bits for facts it learns from the commit log, and none otherwise', () => {
    expect(heapTupleSatisfiesMVCC(tup({}), snap(), ctxFor([]))).toEqual({
      visible: true,
      setHints: HEAP_XMIN_COMMITTED,
    });
    expect(heapTupleSatisfiesMVCC(tup({ xmin: 102 }), snap(), ctxFor([]))).toEqual({
      visible: false,
      setHints: HEAP_XMIN_INVALID,
    });
    // xmin running in the snapshot: no hint, invisible
    expect(heapTupleSatisfiesMVCC(tup({ xmin: 108 }), snap(), ctxFor([]))).toEqual({
      visible: false,
      setHints: 0,
    });
    // deleted by a committed xact outside the snapshot
    expect(
      heapTupleSatisfiesMVCC(tup({ xmax: 101, infomask: HEAP_XMIN_COMMITTED }), snap(), ctxFor([])),
    ).toEqual({ visible: false, setHints: HEAP_XMAX_COMMITTED });
    // deleted by a transaction that committed after the snapshot (in xip): still visible
    log.committed.add(108);
    expect(
      heapTupleSatisfiesMVCC(tup({ xmax: 108, infomask: HEAP_XMIN_COMMITTED }), snap(), ctxFor([])),
    ).toEqual({ visible: true, setHints: 0 });
    log.committed.delete(108);
  });

  it('sees a frozen xmin whatever the snapshot, and trusts hint bits over the log', () => {
    const frozen = tup({ xmin: 108, infomask: HEAP_XMIN_FROZEN | HEAP_XMAX_INVALID });
    expect(heapTupleSatisfiesMVCC(frozen, snap(), ctxFor([])).visible).toBe(true);
    // committed hint but in the snapshot: not yet visible
    const hinted = tup({ xmin: 108, infomask: HEAP_XMIN_COMMITTED | HEAP_XMAX_INVALID });
    expect(heapTupleSatisfiesMVCC(hinted, snap(), ctxFor([])).visible).toBe(false);
  });

  it('own changes by command id (V1), with combo command ids', () => {
    const ctx = ctxFor([130]);
    const combo = ctx.comboCids as ComboCids;
    const s = snap({ curcid: 3 });
    expect(heapTupleSatisfiesMVCC(tup({ xmin: 130, cid: 3 }), s, ctx).visible).toBe(false);
    expect(heapTupleSatisfiesMVCC(tup({ xmin: 130, cid: 2 }), s, ctx).visible).toBe(true);
    const c1 = combo.getComboCommandId(1, 3); // inserted by 1, deleted by 3 (this command)
    const c2 = combo.getComboCommandId(1, 2); // deleted by 2 (earlier)
    expect(c1).not.toBe(c2);
    const base = { xmin: 130, xmax: 130, infomask: HEAP_COMBOCID };
    expect(heapTupleSatisfiesMVCC(tup({ ...base, cid: c1 }), s, ctx).visible).toBe(true);
    expect(heapTupleSatisfiesMVCC(tup({ ...base, cid: c2 }), s, ctx).visible).toBe(false);
    // an own-deleted row of another transaction: cmax decides
    const other = tup({ xmin: 100, xmax: 130, cid: 3, infomask: HEAP_XMIN_COMMITTED });
    expect(heapTupleSatisfiesMVCC(other, s, ctx).visible).toBe(true);
    expect(heapTupleSatisfiesMVCC({ ...other, cid: 2 }, s, ctx).visible).toBe(false);
  });

  it('refuses multixacts without members and combo ids without a table with 0A000', () => {
    const multi = tup({ xmax: 7, infomask: HEAP_XMIN_COMMITTED | HEAP_XMAX_IS_MULTI });
    expect(() => heapTupleSatisfiesMVCC(multi, snap(), ctxFor([]))).toThrow(
      expect.objectContaining({
        code: '0A000',
        message: expect.stringMatching(/^multixact xmax 7 cannot be read/),
      }),
    );
    // a lock-only multi needs no lookup: visible, as in PostgreSQL
    const lockMulti = { ...multi, infomask: multi.infomask | HEAP_XMAX_LOCK_ONLY };
    expect(heapTupleSatisfiesMVCC(lockMulti, snap(), ctxFor([])).visible).toBe(true);
    const noTable: VisibilityContext = { log, isCurrentTransactionId: (x) => x === 130 };
    expect(() =>
      heapTupleSatisfiesMVCC(tup({ xmin: 130, infomask: HEAP_COMBOCID }), snap(), noTable),
    ).toThrow(MvccError);
  });
});

describe('HeapTupleSatisfiesUpdate', () => {
  const at = (ctid: ItemPointer) => ({ ctid });
  it('answers each TM_Result', () => {
    const c = ctxFor([130], [108]);
    // Ok: live tuple of a committed inserter
    expect(heapTupleSatisfiesUpdate({ ...tup({}), ...at(SELF) }, SELF, 5, c)).toEqual({
      result: TM_Result.Ok,
      setHints: HEAP_XMIN_COMMITTED,
    });
    // Invisible: inserter running, or aborted, or own later command
    expect(
      heapTupleSatisfiesUpdate({ ...tup({ xmin: 108 }), ...at(SELF) }, SELF, 5, c).result,
    ).toBe(TM_Result.Invisible);
    expect(heapTupleSatisfiesUpdate({ ...tup({ xmin: 102 }), ...at(SELF) }, SELF, 5, c)).toEqual({
      result: TM_Result.Invisible,
      setHints: HEAP_XMIN_INVALID,
    });
    expect(
      heapTupleSatisfiesUpdate({ ...tup({ xmin: 130, cid: 5 }), ...at(SELF) }, SELF, 5, c).result,
    ).toBe(TM_Result.Invisible);
    // SelfModified: deleted by this command
    const mine = {
      ...tup({ xmin: 100, xmax: 130, cid: 5, infomask: HEAP_XMIN_COMMITTED }),
      ...at(SELF),
    };
    expect(heapTupleSatisfiesUpdate(mine, SELF, 5, c).result).toBe(TM_Result.SelfModified);
    expect(heapTupleSatisfiesUpdate({ ...mine, cid: 4 }, SELF, 5, c).result).toBe(
      TM_Result.Invisible,
    );
    // BeingModified: a running deleter or locker
    const running = { ...tup({ xmax: 108, infomask: HEAP_XMIN_COMMITTED }), ...at(SELF) };
    expect(heapTupleSatisfiesUpdate(running, SELF, 5, c).result).toBe(TM_Result.BeingModified);
    // Updated / Deleted: committed deleter; ctid says which
    const done = { ...tup({ xmax: 101, infomask: HEAP_XMIN_COMMITTED }), ...at(SELF) };
    expect(heapTupleSatisfiesUpdate(done, SELF, 5, c)).toEqual({
      result: TM_Result.Deleted,
      setHints: HEAP_XMAX_COMMITTED,
    });
    expect(
      heapTupleSatisfiesUpdate({ ...done, ctid: { blockNumber: 3, offsetNumber: 7 } }, SELF, 5, c)
        .result,
    ).toBe(TM_Result.Updated);
    // a committed locker does not matter; an aborted deleter neither
    const locked = { ...done, infomask: HEAP_XMIN_COMMITTED | HEAP_XMAX_LOCK_ONLY };
    expect(heapTupleSatisfiesUpdate(locked, SELF, 5, c)).toEqual({
      result: TM_Result.Ok,
      setHints: HEAP_XMAX_INVALID,
    });
    const abortedDeleter = { ...done, xmax: 102 };
    expect(heapTupleSatisfiesUpdate(abortedDeleter, SELF, 5, c)).toEqual({
      result: TM_Result.Ok,
      setHints: HEAP_XMAX_INVALID,
    });
    // own lock: BeingModified (PostgreSQL's answer; heap_update treats it as its own)
    const ownLock = { ...running, xmax: 130, infomask: HEAP_XMIN_COMMITTED | HEAP_XMAX_LOCK_ONLY };
    expect(heapTupleSatisfiesUpdate(ownLock, SELF, 5, c).result).toBe(TM_Result.BeingModified);
  });
});
