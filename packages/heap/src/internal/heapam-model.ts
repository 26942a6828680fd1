/**
 * A trivial reference beside {@link Heap}, for model-based tests: a
 * transaction table (xids from a counter, a clog-like status map, snapshots
 * of who is running) that satisfies @pg/mvcc's VisibilityContext, and a
 * list of row versions with the visibility rule written out plainly (no
 * hint bits, no combo cids, no pages, no HOT chains).
 */
import type { Tid } from '@pg/access';
import {
  ComboCids,
  type CommandId,
  FIRST_NORMAL_TRANSACTION_ID,
  type Snapshot,
  type TransactionId,
  type UpdateContext,
} from '@pg/mvcc';
import type { HeapWriter } from './heapam.js';

export type XactStatus = 'in-progress' | 'committed' | 'aborted';

/** A transaction of the fake transaction manager. */
export interface FakeXact {
  readonly xid: TransactionId;
  /** The next command id (CommandCounterIncrement bumps it). */
  cid: CommandId;
  /** The transaction's snapshot (repeatable read: taken at begin). */
  readonly snap: Omit<Snapshot, 'curcid'>;
  readonly comboCids: ComboCids;
}

/** Xids, a status map standing in for the clog, and snapshots. */
export class FakeTransactions {
  nextXid: TransactionId = FIRST_NORMAL_TRANSACTION_ID;
  readonly status = new Map<TransactionId, XactStatus>();

  /** didCommit/didAbort, as the clog answers. */
  readonly log = {
    didCommit: (xid: TransactionId) => this.status.get(xid) === 'committed',
    didAbort: (xid: TransactionId) => this.status.get(xid) === 'aborted',
  };

  running(): TransactionId[] {
    return [...this.status].filter(([, s]) => s === 'in-progress').map(([x]) => x);
  }

  /** GetSnapshotData: xmax = next xid, xip = running xids, xmin = the oldest of them. */
  snapshotData(): Omit<Snapshot, 'curcid'> {
    const xip = this.running();
    const xmax = this.nextXid;
    return { xmin: Math.min(xmax, ...xip), xmax, xip, subxip: [], suboverflowed: false };
  }

  /** The pruning horizon: older than every running xid and every open snapshot's xmin. */
  oldestXmin(open: readonly FakeXact[]): TransactionId {
    return Math.min(this.snapshotData().xmin, ...open.map((x) => x.snap.xmin));
  }

  begin(): FakeXact {
    const snap = this.snapshotData(); // taken before our xid is assigned, as for a reader
    const xid = this.nextXid++;
    this.status.set(xid, 'in-progress');
    return { xid, cid: 0, snap, comboCids: new ComboCids() };
  }

  end(x: FakeXact, commit: boolean): void {
    this.status.set(x.xid, commit ? 'committed' : 'aborted');
  }

  /** After a crash every transaction still running is aborted. */
  crash(): void {
    for (const x of this.running()) this.status.set(x, 'aborted');
  }

  /** The context a transaction's commands run with. */
  context(x: FakeXact | undefined): UpdateContext & { readonly comboCids: ComboCids } {
    return {
      log: this.log,
      isCurrentTransactionId: (xid) => x !== undefined && xid === x.xid,
      isInProgress: (xid) => this.status.get(xid) === 'in-progress',
      comboCids: x?.comboCids ?? new ComboCids(),
    };
  }

  /** The snapshot of a transaction's current command, or of a new reader. */
  snapshot(x: FakeXact | undefined): Snapshot {
    return x === undefined ? { ...this.snapshotData(), curcid: 0 } : { ...x.snap, curcid: x.cid };
  }

  writer(x: FakeXact): HeapWriter {
    return { xid: x.xid, cid: x.cid, ctx: this.context(x) };
  }
}

/** One row version in the model. */
export interface ModelVersion {
  readonly tid: Tid;
  readonly values: readonly unknown[];
  readonly xmin: TransactionId;
  readonly cmin: CommandId;
  xmax?: TransactionId;
  cmax?: CommandId;
  /** The newer version, when an update made one (t_ctid). */
  next?: Tid;
  /** The HOT chain's root line pointer: its own tid unless a HOT update made it. */
  readonly root: Tid;
}

const tidKey = (t: Tid) => `${t.block}/${t.offset}`;

/** The row versions of a table, and who may see which. */
export class HeapModel {
  readonly versions = new Map<string, ModelVersion>();
  constructor(readonly xacts: FakeTransactions) {}

  get(tid: Tid): ModelVersion | undefined {
    return this.versions.get(tidKey(tid));
  }

  add(v: ModelVersion): void {
    this.versions.set(tidKey(v.tid), v);
  }

  /** Visibility, plainly: inserted before us and committed in our snapshot (or ours, earlier), and not deleted so. */
  visible(v: ModelVersion, x: FakeXact | undefined, curcid?: CommandId): boolean {
    const snap = { ...this.xacts.snapshot(x), ...(curcid === undefined ? {} : { curcid }) };
    const seen = (xid: TransactionId, cid: CommandId) =>
      x !== undefined && xid === x.xid
        ? cid < snap.curcid
        : this.xacts.status.get(xid) === 'committed' && xid < snap.xmax && !snap.xip.includes(xid);
    if (!seen(v.xmin, v.cmin)) return false;
    return v.xmax === undefined || !seen(v.xmax, v.cmax ?? 0);
  }

  /** Forgets the versions dead to every snapshot (pruning may remove them and reuse their line pointers). */
  forgetDead(oldestXmin: TransactionId): void {
    for (const [k, v] of this.versions) {
      const xmin = this.xacts.status.get(v.xmin);
      const xmax = v.xmax === undefined ? undefined : this.xacts.status.get(v.xmax);
      if (xmin === 'aborted' || (xmax === 'committed' && v.xmax! < oldestXmin))
        this.versions.delete(k);
    }
  }

  /** Every version visible to the transaction (or a new reader), by TID. */
  visibleRows(x: FakeXact | undefined, curcid?: CommandId): Map<string, readonly unknown[]> {
    const out = new Map<string, readonly unknown[]>();
    for (const [k, v] of this.versions) if (this.visible(v, x, curcid)) out.set(k, v.values);
    return out;
  }

  /**
   * What heap_update/heap_delete should answer for the version, by
   * HeapTupleSatisfiesUpdate's rules, for any version (TM_Invisible
   * for one inserted by a running or aborted transaction, or later by us).
   */
  expectedModify(v: ModelVersion, x: FakeXact): { result: string; xmax?: TransactionId } {
    const inserter = this.xacts.status.get(v.xmin);
    if (v.xmin === x.xid ? v.cmin >= x.cid : inserter !== 'committed')
      return { result: 'TM_Invisible' };
    if (v.xmax === undefined) return { result: 'TM_Ok' };
    if (v.xmax === x.xid)
      return { result: (v.cmax ?? 0) >= x.cid ? 'TM_SelfModified' : 'TM_Invisible' };
    const s = this.xacts.status.get(v.xmax);
    if (s === 'in-progress') return { result: 'TM_BeingModified', xmax: v.xmax };
    if (s === 'aborted') return { result: 'TM_Ok' };
    return { result: v.next !== undefined ? 'TM_Updated' : 'TM_Deleted', xmax: v.xmax };
  }
}

export { tidKey };
