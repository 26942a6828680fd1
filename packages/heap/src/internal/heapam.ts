/**
 * The heap access method's core: PostgreSQL 15's heapam.c (heap_insert,
 * heap_delete, heap_update, heap_fetch / heap_hot_search_buffer, heapgetpage),
 * hio.c (RelationGetBufferForTuple) and README.HOT, over @pg/storage's
 * buffer pool, FSM and VM, with @pg/mvcc's visibility rules.
 *
 * A HOT chain on one page (README.HOT):
 *
 * ```
 *   lp1 ──▶ (v1: xmax=T2, HEAP_HOT_UPDATED, t_ctid=(0,2))
 *   lp2 ──▶ (v2: xmin=T2, HEAP_ONLY_TUPLE, xmax=T3, HEAP_HOT_UPDATED, t_ctid=(0,3))
 *   lp3 ──▶ (v3: xmin=T3, HEAP_ONLY_TUPLE, xmax invalid, t_ctid=(0,3))
 * ```
 *
 * Index entries point at the root (lp1) only; a fetch by TID walks the
 * chain through t_ctid to the member its snapshot sees. After pruning,
 * lp1 becomes a redirect to the first member still needed.
 *
 * Invariants this file keeps (README sections HA1..HA6):
 *   HA1 a tuple inserted or made by an update has xmin = its xid,
 *       HEAP_XMAX_INVALID, and t_ctid = itself;
 *   HA2 a deleted or updated tuple has xmax = the deleter, no xmax hint
 *       bits, and t_ctid = itself (delete) or the new version (update);
 *   HA3 HEAP_HOT_UPDATED on a tuple iff its t_ctid names a HEAP_ONLY_TUPLE
 *       on the same page; a heap-only tuple is reachable only through its
 *       chain's root;
 *   HA4 every changed page is WAL-logged before its lock is released;
 *       hint bits are not (but the first hint after a checkpoint logs a
 *       full-page image when checksums are on);
 *   HA5 a page changed by a delete or update has pd_prune_xid set to the
 *       oldest such xid not yet pruned;
 *   HA6 an insert leaves targetPageFreeSpace(fillfactor) free on the page,
 *       unless it went onto a new, empty page.
 */
import type { Tid } from '@pg/access';
import {
  adjustCmax,
  type ComboCids,
  type CommandId,
  heapTupleSatisfiesMVCC,
  heapTupleSatisfiesUpdate,
  type ItemPointer,
  type Snapshot,
  TM_Result,
  type TMResult,
  type TransactionId,
  transactionIdIsNormal,
  transactionIdPrecedes,
  type UpdateContext,
  type VisibilityContext,
} from '@pg/mvcc';
import { BLCKSZ, LP_DEAD, LP_NORMAL, LP_REDIRECT, LP_UNUSED, maxAlign, Page } from '@pg/page';
import {
  type BufferPool,
  ForkNumber,
  FreeSpaceMap,
  INVALID_BLOCK_NUMBER,
  type RelFileLocator,
  VisibilityMap,
  type XLogInserter,
} from '@pg/storage';
import {
  MAX_ALLOC_SIZE,
  TOAST_TUPLE_THRESHOLD,
  ToastStorage,
  type ToastStorage as ToastStorageT,
  VARHDRSZ,
} from '@pg/toast';
import { type AnyPgType, SqlError } from '@pg/types';
import {
  heapPageData,
  heapPatchData,
  heapPruneData,
  type PagePatch,
  RM_HEAP_ID,
  XLH_ALL_VISIBLE_CLEARED,
  XLOG_HEAP_DELETE,
  XLOG_HEAP_HINT,
  XLOG_HEAP_HOT_UPDATE,
  XLOG_HEAP_INSERT,
  XLOG_HEAP_PRUNE,
  XLOG_HEAP_UPDATE,
} from './heapam-wal.js';
import { modifyWaitXid, newXmaxForUpdate, type RowLockStrength, updateXidOf } from './rowlock.js';
import type { ToastColumn, Toaster } from './toaster.js';
import {
  attributeSpans,
  type Detoaster,
  deformHeapTuple,
  formHeapTuple,
  formHeapTupleFromDatums,
  HEAP_COMBOCID,
  HEAP_HASEXTERNAL,
  HEAP_HOT_UPDATED,
  HEAP_KEYS_UPDATED,
  HEAP_ONLY_TUPLE,
  HEAP_UPDATED,
  HEAP_XMAX_COMMITTED,
  HEAP_XMAX_INVALID,
  HEAP_XMAX_IS_MULTI,
  HEAP_XMIN_COMMITTED,
  HEAP_XMIN_INVALID,
  type HeapTupleFields,
  heapTupleDatums,
  isHeapOnly,
  isHotUpdated,
  readHeapTupleHeader,
  setTupleCtid,
  setTupleXmaxAndBits,
  tupleCid,
  tupleCtid,
  tupleInfomask,
  tupleInfomask2,
  tupleXmax,
  tupleXmin,
  updateInfomask,
  updateInfomask2,
  xmaxIsLockedOnly,
} from './tuple.js';
import {
  addHeapTuple,
  HEAP_DEFAULT_FILLFACTOR,
  MAX_HEAP_TUPLE_SIZE,
  targetPageFreeSpace,
} from './tuple-page.js';

/** What a Heap is built over. */
export interface HeapOptions {
  readonly pool: BufferPool;
  readonly rel: RelFileLocator;
  /** The column types, in attribute order. */
  readonly types: readonly AnyPgType[];
  /** WAL: without it nothing is logged (a scratch relation, as in unit tests). */
  readonly inserter?: XLogInserter;
  /** The table's fillfactor, 10..100 (default 100). */
  readonly fillfactor?: number;
  /**
   * TOAST: the table's toaster and each column's attstorage. With it,
   * insert and update run heap_toast_insert_or_update and reads detoast
   * (README "Transparent toasting"); without it a row must fit a page.
   */
  readonly toast?: HeapToastOptions;
  /**
   * pg_attribute.attmissingval per column (undefined: none): what a tuple
   * written before ALTER TABLE ADD COLUMN (its natts short of the column)
   * reads there instead of NULL (getmissingattr).
   */
  readonly missing?: readonly unknown[];
}

/** A Heap's TOAST: its toast relation and the columns' strategies. */
export interface HeapToastOptions {
  readonly toaster: Toaster;
  /** pg_attribute.attstorage per column (default: each type's typstorage). */
  readonly storage?: readonly ToastStorageT[];
}

/** A row version as a scan or fetch returns it. */
export interface HeapRow {
  readonly tid: Tid;
  readonly values: unknown[];
}

/** The transaction a change is made by, and how it sees others (heap_delete/heap_update's arguments). */
export interface HeapWriter {
  readonly xid: TransactionId;
  readonly cid: CommandId;
  /** Who is running, what committed; its comboCids is where combo command ids go. */
  readonly ctx: UpdateContext & { readonly comboCids: ComboCids };
}

/**
 * heap_delete/heap_update's answer (TM_Result with TM_FailureData). On
 * TM_Ok `tid` is the new version's (update). Otherwise, as
 * TM_FailureData: `ctid` is the tuple's t_ctid (the newer version for
 * TM_Updated), `xmax` the xid to wait for (TM_BeingModified) or that
 * modified it, `cmax` the command that did (TM_SelfModified).
 */
export type HeapModifyResult =
  | {
      readonly result: typeof TM_Result.Ok;
      /** The new version (update only). */
      readonly tid?: Tid;
      /** Whether the update needs new index entries: false for a HOT update. */
      readonly indexesNeedUpdate?: boolean;
    }
  | {
      readonly result: Exclude<TMResult, typeof TM_Result.Ok>;
      readonly ctid: Tid;
      readonly xmax: TransactionId;
      readonly cmax?: CommandId;
    };

/** heap_page_prune_opt's report. */
export interface PruneResult {
  /** Whether the page was pruned. */
  readonly pruned: boolean;
  /** Tuples removed (their storage freed). */
  readonly removed: number;
}

/** A reader's context that lets reads prune (heap_page_prune_opt needs the horizon). */
export interface PruningContext extends UpdateContext {
  /** The oldest xmin of every snapshot and running transaction, as of this statement. */
  readonly pruneHorizon?: () => TransactionId;
}

function itemPointer(tid: Tid): ItemPointer {
  return { blockNumber: tid.block, offsetNumber: tid.offset };
}

function header(item: Uint8Array) {
  return {
    xmin: tupleXmin(item),
    xmax: tupleXmax(item),
    cid: tupleCid(item),
    infomask: tupleInfomask(item),
  };
}

/**
 * A heap relation. All methods are synchronous: buffer content locks are
 * held only inside one call (design decision 3), so there is no waiting;
 * TM_BeingModified returns the xid to wait for, and the caller waits (on
 * @pg/mvcc's lock manager) and retries.
 */
export class Heap {
  readonly pool: BufferPool;
  readonly rel: RelFileLocator;
  readonly types: readonly AnyPgType[];
  readonly inserter: XLogInserter | undefined;
  readonly fillfactor: number;
  readonly fsm: FreeSpaceMap;
  readonly vm: VisibilityMap;
  /** The toaster, when the table has a toast relation. */
  readonly toaster: Toaster | undefined;
  /** attstorage per column. */
  readonly storage: readonly ToastStorageT[];
  /** Whether every column's attstorage is its type's typstorage (formHeapTuple lays it out alike). */
  private readonly storageIsTypes: boolean;
  /** attmissingval per column, or undefined when no column has one. */
  private readonly missing: readonly unknown[] | undefined;
  /** rd_targblock: the page the last insert used, tried first by the next. */
  private targetBlock = INVALID_BLOCK_NUMBER;

  constructor(options: HeapOptions) {
    this.pool = options.pool;
    this.rel = options.rel;
    this.types = options.types;
    this.missing = options.missing?.some((m) => m !== undefined) ? options.missing : undefined;
    this.toaster = options.toast?.toaster;
    this.storage = options.toast?.storage ?? this.types.map((t) => t.storage);
    if (this.storage.length !== this.types.length)
      throw new RangeError(
        `${this.types.length} columns, ${this.storage.length} storage strategies`,
      );
    for (const [i, st] of this.storage.entries()) {
      const type = this.types[i]!;
      if (st !== ToastStorage.PLAIN && type.len > 0)
        throw new SqlError(
          '42804',
          `column data type ${type.displayName} can only have storage PLAIN`,
        );
    }
    this.storageIsTypes = this.storage.every((st, i) => st === this.types[i]!.storage);
    this.inserter = options.inserter;
    this.fillfactor = options.fillfactor ?? HEAP_DEFAULT_FILLFACTOR;
    targetPageFreeSpace(this.fillfactor); // validates (22023)
    this.fsm = new FreeSpaceMap(this.pool);
    this.vm = new VisibilityMap(this.pool);
  }

  /** RelationGetNumberOfBlocks (0 when the main fork does not exist yet). */
  nblocks(): number {
    const smgr = this.pool.smgr;
    return smgr.exists(this.rel, ForkNumber.main) ? smgr.nblocks(this.rel, ForkNumber.main) : 0;
  }

  // ------------------------------------------------------------------ insert

  /**
   * heap_insert: forms the tuple (xmin = xid, cmin = cid,
   * HEAP_XMAX_INVALID), puts it on a page with room (RelationGetBufferForTuple),
   * sets t_ctid to itself, clears the page's all-visible bits and logs
   * XLOG_HEAP_INSERT. Returns its TID.
   */
  insert(values: readonly unknown[], xid: TransactionId, cid: CommandId): Tid {
    const tuple = this.formTuple(
      values,
      { xmin: xid, cid, infomask: HEAP_XMAX_INVALID },
      { xid, cid },
      undefined,
    );
    checkTupleSize(tuple);
    const buffer = this.bufferForTuple(tuple.length, undefined);
    try {
      const page = this.pool.page(buffer);
      const block = this.pool.blockNumber(buffer);
      const offset = addHeapTuple(page, tuple);
      if (offset === undefined) throw new Error(`heap insert: no room on block ${block}`);
      const tid = { block, offset };
      setTupleCtid(page.mustItem(offset), tid);
      const cleared = this.clearAllVisible(page, block);
      // xl_heap_insert: the tuple (the page's contents when it is the page's first)
      this.logPages(XLOG_HEAP_INSERT, xid, [
        { buffer, cleared, patch: { headers: [], added: [offset] } },
      ]);
      return tid;
    } finally {
      this.pool.unlockRelease(buffer);
    }
  }

  /**
   * heap_form_tuple, then heap_toast_insert_or_update when the table has
   * a toast relation and the tuple needs it (it exceeds
   * TOAST_TUPLE_THRESHOLD, or the old version of an update has external
   * values): the toaster compresses and moves values out (writing chunks
   * with the writer's xid and cid), and the tuple is formed from the
   * datums it leaves. For an update, `old` is the old version's bytes: a
   * column whose new value equals its stored value keeps the old pointer
   * (TS5); the old external values not kept are deleted.
   */
  private formTuple(
    values: readonly unknown[],
    fields: HeapTupleFields,
    writer: Pick<HeapWriter, 'xid' | 'cid'> & Partial<Pick<HeapWriter, 'ctx'>>,
    old: Uint8Array | undefined,
  ): Uint8Array {
    const toaster = this.toaster;
    const oldExternal = old !== undefined && (tupleInfomask(old) & HEAP_HASEXTERNAL) !== 0;
    if (toaster === undefined || (!oldExternal && this.storageIsTypes)) {
      const plain = formHeapTuple(this.types, values, fields);
      if (toaster === undefined || plain.length <= TOAST_TUPLE_THRESHOLD) return plain;
    }
    if (values.length !== this.types.length) throw new RangeError('one value per type');
    const oldDatums = oldExternal ? this.varlenaDatums(old) : undefined;
    const columns = this.types.map((type, i): ToastColumn => {
      const value = values[i];
      const align = type.align;
      if (value === null || value === undefined)
        return type.len > 0
          ? { fixed: null, align }
          : { storage: this.storage[i]!, value: null, align };
      const bytes = type.encode(value) as Uint8Array;
      if (type.len > 0) return { fixed: bytes, align };
      checkDatumSize(bytes.length + VARHDRSZ);
      const storage = this.storage[i]!;
      const prev = oldDatums?.[i];
      if (prev != null && prev[0] === 0x01 && toaster.storedEquals(prev, bytes, writer.ctx))
        return { storage, pointer: prev, align };
      return { storage, value: bytes, align };
    });
    const r = toaster.toastRow(columns, writer, oldDatums ? { old: oldDatums } : {});
    return formHeapTupleFromDatums(this.types, r.datums, fields);
  }

  /** detoast_attr for the values a reader sees, through its snapshot (TS4). */
  private detoaster(snapshot: Snapshot, ctx: VisibilityContext): Detoaster | undefined {
    const toaster = this.toaster;
    if (toaster === undefined) return undefined;
    return (pointer) => toaster.detoastCached(pointer, { snapshot, ctx });
  }

  /**
   * The values of the tuple at `tid` whoever may see it (heap_fetch with
   * SnapshotAny), external values read as SnapshotToast sees them: what
   * EvalPlanQual reads of a newer version. Throws when there is none.
   */
  valuesAt(tid: Tid, ctx?: VisibilityContext): unknown[] {
    const page = Page.wrap(this.readCopy(tid.block));
    const item = page.mustItem(tid.offset);
    const toaster = this.toaster;
    return deformHeapTuple(
      this.types,
      item,
      toaster && ((pointer) => toaster.detoastCached(pointer, ctx === undefined ? {} : { ctx })),
      this.missing,
    );
  }

  /**
   * heap_fetch with SnapshotToast (HeapTupleSatisfiesToast), for chunks of
   * a toast relation: the tuple at `tid` itself (toast tuples are never
   * updated, so there is no chain to walk), unless its inserter is known
   * to have aborted — hinted invalid, or with `ctx` neither ours, running
   * nor committed in the commit log. Deletion is ignored, as PostgreSQL
   * does: a chunk lives as long as a row version holding its pointer is
   * seen by someone (TS4).
   */
  fetchToast(tid: Tid, ctx?: VisibilityContext | UpdateContext): HeapRow | null {
    if (tid.block >= this.nblocks()) return null;
    const buffer = this.pool.readBuffer(this.rel, ForkNumber.main, tid.block);
    this.pool.lock(buffer, 'share');
    try {
      const page = this.pool.page(buffer);
      if (page.isNew() || tid.offset < 1 || tid.offset > page.maxOffsetNumber) return null;
      if (page.itemId(tid.offset).flags !== LP_NORMAL) return null;
      const item = page.mustItem(tid.offset);
      const mask = tupleInfomask(item);
      const xmin = tupleXmin(item);
      if ((mask & HEAP_XMIN_COMMITTED) === 0) {
        if ((mask & HEAP_XMIN_INVALID) !== 0 || xmin === 0) return null;
        if (
          ctx !== undefined &&
          !ctx.isCurrentTransactionId(xmin) &&
          !('isInProgress' in ctx && ctx.isInProgress(xmin)) &&
          !ctx.log.didCommit(xmin)
        )
          return null;
      }
      return { tid, values: deformHeapTuple(this.types, item, undefined, this.missing) };
    } finally {
      this.pool.unlockRelease(buffer);
    }
  }

  /**
   * RelationGetBufferForTuple: a pinned, exclusively locked buffer with room
   * for `len` bytes plus the fillfactor's reserve; tries the last page used,
   * then the FSM (recording the real free space of pages found too full),
   * then the last page, then extends. `other` is a block the caller holds
   * locked (an update's old page), never returned.
   */
  private bufferForTuple(len: number, other: number | undefined): number {
    const need = maxAlign(len);
    const saveFreeSpace = targetPageFreeSpace(this.fillfactor);
    const nblocks = this.nblocks();
    let target = this.targetBlock;
    if (target === INVALID_BLOCK_NUMBER || target >= nblocks) {
      target = nblocks > 0 ? this.fsmSearch(need + saveFreeSpace) : INVALID_BLOCK_NUMBER;
      if (target === INVALID_BLOCK_NUMBER && nblocks > 0) target = nblocks - 1;
    }
    const tried = new Set<number>();
    while (target !== INVALID_BLOCK_NUMBER && !tried.has(target)) {
      tried.add(target);
      if (target !== other) {
        const buffer = this.pool.readBuffer(this.rel, ForkNumber.main, target);
        this.pool.lock(buffer, 'exclusive');
        const page = this.pool.page(buffer);
        if (page.isNew()) Page.init(this.pool.bytes(buffer));
        const free = page.heapFreeSpace();
        if (need + saveFreeSpace <= free) {
          this.targetBlock = target;
          return buffer;
        }
        this.pool.unlockRelease(buffer);
        target = this.fsmRecordAndSearch(target, free, need + saveFreeSpace);
      } else {
        target = this.fsmSearch(need + saveFreeSpace);
      }
    }
    const buffer = this.pool.extend(this.rel, ForkNumber.main);
    this.pool.lock(buffer, 'exclusive');
    Page.init(this.pool.bytes(buffer));
    this.targetBlock = this.pool.blockNumber(buffer);
    return buffer;
  }

  private fsmSearch(need: number): number {
    if (need > 8160) return INVALID_BLOCK_NUMBER;
    const b = this.fsm.getPageWithFreeSpace(this.rel, need);
    return b < 0 ? INVALID_BLOCK_NUMBER : b;
  }

  private fsmRecordAndSearch(block: number, free: number, need: number): number {
    if (need > 8160) {
      this.fsm.recordFreeSpace(this.rel, block, free);
      return INVALID_BLOCK_NUMBER;
    }
    const b = this.fsm.recordAndGetPageWithFreeSpace(this.rel, block, free, need);
    return b < 0 ? INVALID_BLOCK_NUMBER : b;
  }

  /** PageClearAllVisible + visibilitymap_clear, when the page was all-visible. */
  private clearAllVisible(page: Page, block: number): boolean {
    if (!page.isAllVisible) return false;
    page.isAllVisible = false;
    this.vm.clear(this.rel, block);
    return true;
  }

  /** Logs the changed pages (page-image block data), or marks them dirty without WAL. */
  private logPages(
    info: number,
    xid: TransactionId,
    pages: readonly { buffer: number; cleared: boolean; patch?: PagePatch }[],
  ): void {
    if (this.inserter === undefined) {
      for (const p of pages) this.pool.markDirty(p.buffer);
      return;
    }
    this.inserter.insert({
      rmid: RM_HEAP_ID,
      info,
      xid,
      buffers: pages.map((p) => {
        const page = this.pool.page(p.buffer);
        // a page whose only tuple is the one added is logged whole (XLOG_HEAP_INIT_PAGE's role)
        const fresh = p.patch?.added.includes(1) === true && page.maxOffsetNumber === 1;
        return p.patch === undefined || fresh
          ? { buffer: p.buffer, data: heapPageData(this.pool.bytes(p.buffer)), willInit: true }
          : { buffer: p.buffer, data: heapPatchData(page, p.patch) };
      }),
      data: Uint8Array.from(pages.map((p) => (p.cleared ? XLH_ALL_VISIBLE_CLEARED : 0))),
    });
  }

  /**
   * SetHintBits + MarkBufferDirtyHint: ORs hint bits into the tuple and
   * marks the buffer dirty without WAL. With checksums on, the first hint
   * after a checkpoint logs a full-page image (XLogSaveBufferForHint), so a
   * torn write of the hinted page cannot fail verification after a crash.
   * The caller holds the exclusive content lock.
   */
  private setHintBits(buffer: number, item: Uint8Array, hints: number): void {
    if (hints === 0) return;
    if ((tupleInfomask(item) & hints) === hints) return;
    updateInfomask(item, hints);
    this.markDirtyHint(buffer);
  }

  /** MarkBufferDirtyHint: with checksums, the first hint after a checkpoint logs a full-page image. */
  private markDirtyHint(buffer: number): void {
    if (this.inserter && this.pool.checksums && this.inserter.needsImage(buffer)) {
      this.inserter.insert({ rmid: RM_HEAP_ID, info: XLOG_HEAP_HINT, buffers: [{ buffer }] });
      return;
    }
    this.pool.markDirty(buffer);
  }

  // ------------------------------------------------------------ reading

  /**
   * A sequential scan, page at a time (heapgetpage): each page's visible
   * tuples are collected under its lock (hint bits written back), then
   * returned. The block count is taken when the scan starts.
   */
  *scan(snapshot: Snapshot, ctx: VisibilityContext): Generator<HeapRow> {
    const nblocks = this.nblocks();
    for (let block = 0; block < nblocks; block++) yield* this.scanPage(block, snapshot, ctx);
  }

  /**
   * heap_page_prune_opt, as heapgetpage and index fetches call it: when the
   * reader's context carries a horizon (a session's statement does; a
   * catalog reader does not), a page with something prunable and little
   * free space is pruned before it is read.
   */
  private pruneOnRead(block: number, ctx: VisibilityContext | PruningContext): void {
    if ('pruneHorizon' in ctx && ctx.pruneHorizon !== undefined) {
      this.pruneOpt(block, ctx.pruneHorizon(), ctx);
    }
  }

  /** The tuples of one page visible to the snapshot (heapgetpage). */
  scanPage(block: number, snapshot: Snapshot, ctx: VisibilityContext): HeapRow[] {
    this.pruneOnRead(block, ctx);
    const buffer = this.pool.readBuffer(this.rel, ForkNumber.main, block);
    // exclusive: hint bits are written back (MarkBufferDirtyHint needs the lock here, B4)
    this.pool.lock(buffer, 'exclusive');
    try {
      const page = this.pool.page(buffer);
      if (page.isNew()) return [];
      const out: HeapRow[] = [];
      const detoast = this.detoaster(snapshot, ctx);
      for (let off = 1; off <= page.maxOffsetNumber; off++) {
        if (page.itemId(off).flags !== LP_NORMAL) continue;
        const item = page.mustItem(off);
        const v = heapTupleSatisfiesMVCC(header(item), snapshot, ctx);
        this.setHintBits(buffer, item, v.setHints);
        if (v.visible)
          out.push({
            tid: { block, offset: off },
            values: deformHeapTuple(this.types, item, detoast, this.missing),
          });
      }
      return out;
    } finally {
      this.pool.unlockRelease(buffer);
    }
  }

  /**
   * heap_hot_search_buffer: from the root line pointer at `tid`, walks the
   * HOT chain (following a redirect at the root, then t_ctid while the
   * member is HEAP_HOT_UPDATED and the next one's xmin is its xmax) and
   * returns the member the snapshot sees, or null.
   */
  fetch(tid: Tid, snapshot: Snapshot, ctx: VisibilityContext): HeapRow | null {
    if (tid.block >= this.nblocks()) return null;
    this.pruneOnRead(tid.block, ctx);
    const buffer = this.pool.readBuffer(this.rel, ForkNumber.main, tid.block);
    this.pool.lock(buffer, 'exclusive');
    try {
      const page = this.pool.page(buffer);
      if (page.isNew()) return null;
      let offset = tid.offset;
      let atChainStart = true;
      let prevXmax = 0;
      for (;;) {
        if (offset < 1 || offset > page.maxOffsetNumber) return null;
        const lp = page.itemId(offset);
        if (lp.flags !== LP_NORMAL) {
          if (lp.flags === LP_REDIRECT && atChainStart) {
            offset = lp.off;
            atChainStart = false;
            continue;
          }
          return null;
        }
        const item = page.mustItem(offset);
        if (atChainStart && isHeapOnly(tupleInfomask2(item))) return null;
        if (prevXmax !== 0 && tupleXmin(item) !== prevXmax) return null; // broken chain
        const v = heapTupleSatisfiesMVCC(header(item), snapshot, ctx);
        this.setHintBits(buffer, item, v.setHints);
        if (v.visible) {
          return {
            tid: { block: tid.block, offset },
            values: deformHeapTuple(this.types, item, this.detoaster(snapshot, ctx), this.missing),
          };
        }
        if ((tupleInfomask2(item) & HEAP_HOT_UPDATED) === 0) return null;
        const next = tupleCtid(item);
        if (next.block !== tid.block) return null;
        prevXmax = updateXidOf(item, ctx);
        offset = next.offset;
        atChainStart = false;
      }
    } finally {
      this.pool.unlockRelease(buffer);
    }
  }

  // ------------------------------------------------------------ delete, update

  /**
   * Locks the page of `tid`, checks the tuple with HeapTupleSatisfiesUpdate
   * (writing its hints back); on anything but TM_Ok returns the failure
   * (the buffer released), else the locked buffer and tuple.
   */
  private beginModify(
    tid: Tid,
    w: HeapWriter,
    strength: RowLockStrength = 'no key update',
  ):
    | { readonly fail: HeapModifyResult }
    | { readonly buffer: number; readonly page: Page; readonly item: Uint8Array } {
    if (tid.block >= this.nblocks()) throw new Error(`heap: block ${tid.block} does not exist`);
    const buffer = this.pool.readBuffer(this.rel, ForkNumber.main, tid.block);
    this.pool.lock(buffer, 'exclusive');
    const page = this.pool.page(buffer);
    if (
      page.isNew() ||
      tid.offset > page.maxOffsetNumber ||
      page.itemId(tid.offset).flags !== LP_NORMAL
    ) {
      this.pool.unlockRelease(buffer);
      throw new Error(`heap: no tuple at (${tid.block},${tid.offset})`);
    }
    const item = page.mustItem(tid.offset);
    const h = header(item);
    const r = heapTupleSatisfiesUpdate(
      { ...h, ctid: itemPointer(tupleCtid(item)) },
      itemPointer(tid),
      w.cid,
      w.ctx,
    );
    this.setHintBits(buffer, item, r.setHints);
    if (r.result === TM_Result.Ok) return { buffer, page, item };
    // A row only this transaction, or others in modes that do not conflict (KEY SHARE
    // against a no-key update), hold: nothing to wait for; markOld keeps the others in a
    // multixact (heap_update's "locked by us" and DoesMultiXactIdConflict). Otherwise the
    // xid to wait for is a transaction's, never a MultiXactId (rowlock.ts).
    const wait = r.result === TM_Result.BeingModified ? modifyWaitXid(item, strength, w.ctx) : null;
    if (r.result === TM_Result.BeingModified && wait === null) return { buffer, page, item };
    const fail: HeapModifyResult = {
      result: r.result,
      ctid: tupleCtid(item),
      xmax: wait ?? updateXidOf(item, w.ctx),
      ...(r.result === TM_Result.SelfModified ? { cmax: tupleCid(item) } : {}),
    };
    this.pool.unlockRelease(buffer);
    return { fail };
  }

  /** The header change of heap_delete / heap_update on the old version. */
  private markOld(item: Uint8Array, w: HeapWriter, ctid: Tid, infomask2: number): void {
    const { cid, isCombo } = adjustCmax(header(item), w.cid, w.ctx);
    setTupleXmaxAndBits(item, { ...newXmaxForUpdate(item, w, infomask2), cid, ctid });
    updateInfomask(item, isCombo ? HEAP_COMBOCID : 0, HEAP_COMBOCID);
  }

  /** PageSetPrunable. */
  private static setPrunable(page: Page, xid: TransactionId): void {
    const cur = page.pruneXid;
    if (!transactionIdIsNormal(cur) || transactionIdPrecedes(xid, cur)) page.pruneXid = xid;
  }

  /**
   * heap_delete: sets xmax (and a combo cid when the deleter inserted it),
   * HEAP_KEYS_UPDATED, t_ctid = itself; marks the page prunable; logs
   * XLOG_HEAP_DELETE. TM_Ok or the failure HeapTupleSatisfiesUpdate found.
   */
  delete(tid: Tid, w: HeapWriter): HeapModifyResult {
    const m = this.beginModify(tid, w, 'update');
    if ('fail' in m) return m.fail;
    try {
      // heap_toast_delete's datums, read before the page changes
      const external = this.externalDatums(m.item);
      this.markOld(m.item, w, tid, HEAP_KEYS_UPDATED);
      updateInfomask2(m.item, 0, HEAP_HOT_UPDATED);
      Heap.setPrunable(m.page, w.xid);
      const cleared = this.clearAllVisible(m.page, tid.block);
      this.logPages(XLOG_HEAP_DELETE, w.xid, [
        { buffer: m.buffer, cleared, patch: { headers: [tid.offset], added: [] } },
      ]);
      if (external.length > 0) this.toaster?.deleteRow(external, w);
      return { result: TM_Result.Ok };
    } finally {
      this.pool.unlockRelease(m.buffer);
    }
  }

  /**
   * heap_update: the new version goes on the same page when it fits
   * (PageGetHeapFreeSpace), else on another page chosen as an insert
   * chooses. A same-page update that changes no column of `indexedColumns`
   * (1-based attribute numbers) is a HOT update: HEAP_HOT_UPDATED on the
   * old, HEAP_ONLY_TUPLE on the new, no new index entries
   * (indexesNeedUpdate false). HEAP_KEYS_UPDATED is set when an indexed
   * column changed. Logs XLOG_HEAP_HOT_UPDATE or XLOG_HEAP_UPDATE.
   */
  update(
    tid: Tid,
    values: readonly unknown[],
    w: HeapWriter,
    indexedColumns: ReadonlySet<number> = new Set(),
  ): HeapModifyResult {
    const m = this.beginModify(tid, w);
    if ('fail' in m) return m.fail;
    let newBuffer: number | undefined;
    try {
      const tuple = this.formTuple(
        values,
        { xmin: w.xid, cid: w.cid, infomask: HEAP_XMAX_INVALID | HEAP_UPDATED },
        w,
        m.item,
      );
      checkTupleSize(tuple);
      const keysChanged = this.indexedColumnsChanged(m.item, tuple, indexedColumns);
      // a key update waits for KEY SHARE lockers too
      const keyWait = keysChanged ? modifyWaitXid(m.item, 'update', w.ctx) : null;
      if (keyWait !== null) {
        return { result: TM_Result.BeingModified, ctid: tupleCtid(m.item), xmax: keyWait };
      }
      const samePage = maxAlign(tuple.length) <= m.page.heapFreeSpace();
      const hot = samePage && !keysChanged;
      if (!samePage) {
        newBuffer = this.bufferForTuple(tuple.length, tid.block);
        m.page.isFull = true; // PageSetFull: a hint that the old page could use pruning
      }
      const target = newBuffer ?? m.buffer;
      const newPage = this.pool.page(target);
      const newBlock = this.pool.blockNumber(target);
      if (hot) {
        updateInfomask2(tuple, HEAP_ONLY_TUPLE);
      }
      const offset = addHeapTuple(newPage, tuple);
      if (offset === undefined) throw new Error(`heap update: no room on block ${newBlock}`);
      const newTid = { block: newBlock, offset };
      setTupleCtid(newPage.mustItem(offset), newTid);
      // the old version: xmax, cmax, t_ctid -> new, HOT flag
      const old = m.page.mustItem(tid.offset);
      this.markOld(old, w, newTid, keysChanged ? HEAP_KEYS_UPDATED : 0);
      updateInfomask2(old, hot ? HEAP_HOT_UPDATED : 0, HEAP_HOT_UPDATED);
      Heap.setPrunable(m.page, w.xid);
      const pages = [
        {
          buffer: m.buffer,
          cleared: this.clearAllVisible(m.page, tid.block),
          patch: { headers: [tid.offset], added: newBuffer === undefined ? [offset] : [] },
        },
      ];
      if (newBuffer !== undefined)
        pages.push({
          buffer: newBuffer,
          cleared: this.clearAllVisible(newPage, newBlock),
          patch: { headers: [], added: [offset] },
        });
      this.logPages(hot ? XLOG_HEAP_HOT_UPDATE : XLOG_HEAP_UPDATE, w.xid, pages);
      return { result: TM_Result.Ok, tid: newTid, indexesNeedUpdate: !hot };
    } finally {
      if (newBuffer !== undefined) this.pool.unlockRelease(newBuffer);
      this.pool.unlockRelease(m.buffer);
    }
  }

  /** The external toast pointers of a tuple (copies), for heap_toast_delete; none without a toaster. */
  private externalDatums(item: Uint8Array): Uint8Array[] {
    if (this.toaster === undefined || (tupleInfomask(item) & HEAP_HASEXTERNAL) === 0) return [];
    return this.varlenaDatums(item).filter((d): d is Uint8Array => d !== null && d[0] === 0x01);
  }

  /** A tuple's varlena datums as stored (copies), null for NULLs and fixed-length columns. */
  private varlenaDatums(item: Uint8Array): (Uint8Array | null)[] {
    return heapTupleDatums(this.types, item).map((d, i) => (this.types[i]!.len > 0 ? null : d));
  }

  /** HeapDetermineColumnsInfo: does any indexed column's stored value differ (heap_attr_equals on bytes)? */
  private indexedColumnsChanged(
    oldItem: Uint8Array,
    newTuple: Uint8Array,
    indexed: ReadonlySet<number>,
  ): boolean {
    if (indexed.size === 0) return false;
    const spans = (t: Uint8Array) => {
      const h = readHeapTupleHeader(t);
      const data = t.subarray(h.hoff);
      return {
        data,
        spans: attributeSpans(this.types, data, h.nullBitmap, Math.min(h.natts, this.types.length)),
      };
    };
    const a = spans(oldItem);
    const b = spans(newTuple);
    for (const attno of indexed) {
      const sa = a.spans[attno - 1] ?? null;
      const sb = b.spans[attno - 1] ?? null;
      if (sa === null || sb === null) {
        if (sa !== sb) return true;
        continue;
      }
      const x = a.data.subarray(sa.offset, sa.offset + sa.size);
      const y = b.data.subarray(sb.offset, sb.offset + sb.size);
      if (!Buffer.from(x).equals(Buffer.from(y))) return true;
    }
    return false;
  }

  // ------------------------------------------------------------ pruning

  /**
   * heap_page_prune_opt: prunes the page when its pd_prune_xid says some
   * tuple may be dead to everyone (it precedes `oldestXmin`, the oldest
   * xmin any snapshot still has) and its free space is below
   * max(fillfactor-100 target, BLCKSZ / 10), and nobody else has it pinned
   * (the cleanup lock). `ctx` answers who is still running.
   */
  pruneOpt(block: number, oldestXmin: TransactionId, ctx: UpdateContext): PruneResult {
    const none: PruneResult = { pruned: false, removed: 0 };
    if (block >= this.nblocks()) return none;
    // issue 11 (block counters): the reader that called this pins the page next and counts it
    const buffer = this.pool.readBuffer(this.rel, ForkNumber.main, block, { uncounted: true });
    try {
      const page = this.pool.page(buffer);
      const pruneXid = page.pruneXid;
      if (page.isNew() || !transactionIdIsNormal(pruneXid)) return none;
      if (!transactionIdPrecedes(pruneXid, oldestXmin)) return none;
      const minfree = Math.max(targetPageFreeSpace(HEAP_DEFAULT_FILLFACTOR), BLCKSZ / 10);
      if (!page.isFull && page.heapFreeSpace() >= minfree) return none;
      if (this.pool.pinCount(buffer) !== 1) return none; // ConditionalLockBufferForCleanup
      this.pool.lock(buffer, 'exclusive');
      try {
        return this.prunePage(buffer, block, oldestXmin, ctx);
      } finally {
        this.pool.unlock(buffer);
      }
    } finally {
      this.pool.release(buffer);
    }
  }

  /** heap_page_prune on a page the caller will not otherwise touch: takes the lock itself. */
  prune(block: number, oldestXmin: TransactionId, ctx: UpdateContext): PruneResult {
    const buffer = this.pool.readBuffer(this.rel, ForkNumber.main, block);
    this.pool.lock(buffer, 'exclusive');
    try {
      if (this.pool.page(buffer).isNew()) return { pruned: false, removed: 0 };
      return this.prunePage(buffer, block, oldestXmin, ctx);
    } finally {
      this.pool.unlockRelease(buffer);
    }
  }

  /**
   * heap_page_prune + heap_prune_chain + heap_page_prune_execute: for each
   * HOT chain, the members dead to everyone (a prefix of the chain) are
   * removed; the root line pointer becomes a redirect to the first member
   * left, or LP_DEAD when none is; dead heap-only tuples outside any chain
   * become unused. Then the page is compacted, pd_prune_xid is set to the
   * oldest xid that may make something prunable later, and the change is
   * logged (XLOG_HEAP_PRUNE with the line pointer changes; redo compacts).
   */
  private prunePage(
    buffer: number,
    block: number,
    oldestXmin: TransactionId,
    ctx: UpdateContext,
  ): PruneResult {
    const page = this.pool.page(buffer);
    const maxoff = page.maxOffsetNumber;
    const marked = new Uint8Array(maxoff + 1); // 1: already handled as part of a chain
    const redirects: [number, number][] = [];
    const dead: number[] = [];
    const unused: number[] = [];
    let newPruneXid = 0;
    const prunable = (xid: TransactionId) => {
      if (!transactionIdIsNormal(newPruneXid) || transactionIdPrecedes(xid, newPruneXid))
        newPruneXid = xid;
    };
    let hinted = false;
    let hinting: Uint8Array = page.bytes;
    const setHints = (bits: number) => {
      updateInfomask(hinting, bits);
      hinted = true;
    };
    const status = (item: Uint8Array) => {
      hinting = item;
      return satisfiesVacuum(item, oldestXmin, ctx, setHints);
    };
    let removed = 0;
    for (let root = 1; root <= maxoff; root++) {
      if (marked[root] === 1) continue;
      const rootLp = page.itemId(root);
      if (rootLp.flags === LP_UNUSED || rootLp.flags === LP_DEAD) continue;
      if (rootLp.flags === LP_NORMAL) {
        const item = page.mustItem(root);
        if (isHeapOnly(tupleInfomask2(item))) {
          // an orphan: only reached through its chain; dead and not in a chain, it goes
          const st = status(item);
          if (st === 'DEAD' && !isHotUpdated(header2(item))) {
            unused.push(root);
            marked[root] = 1;
            removed++;
          }
          continue;
        }
      }
      const chain: number[] = [];
      let latestDead = -1;
      let offset = root;
      let priorXmax = 0;
      for (;;) {
        if (offset < 1 || offset > maxoff || marked[offset] === 1) break;
        const lp = page.itemId(offset);
        if (lp.flags === LP_UNUSED || lp.flags === LP_DEAD) break;
        if (lp.flags === LP_REDIRECT) {
          if (chain.length > 0) break;
          chain.push(offset);
          offset = lp.off;
          continue;
        }
        const item = page.mustItem(offset);
        if (priorXmax !== 0 && tupleXmin(item) !== priorXmax) break;
        chain.push(offset);
        const st = status(item);
        if (st === 'RECENTLY_DEAD' || st === 'DELETE_IN_PROGRESS') prunable(updateXidOf(item, ctx));
        if (st === 'DEAD') latestDead = offset;
        else if (st !== 'RECENTLY_DEAD') break;
        if (!isHotUpdated(header2(item))) break;
        const next = tupleCtid(item);
        if (next.block !== block) break;
        offset = next.offset;
        priorXmax = updateXidOf(item, ctx);
      }
      if (latestDead !== -1) {
        let i = 1;
        for (; i < chain.length && chain[i - 1] !== latestDead; i++) {
          unused.push(chain[i]!);
          marked[chain[i]!] = 1;
          removed++;
        }
        if (rootLp.flags === LP_NORMAL) removed++;
        marked[root] = 1;
        if (i >= chain.length) dead.push(root);
        else {
          redirects.push([root, chain[i]!]);
          marked[chain[i]!] = 1;
        }
      } else if (chain.length < 2 && rootLp.flags === LP_REDIRECT) {
        dead.push(root);
        marked[root] = 1;
      }
    }
    const changed = redirects.length + dead.length + unused.length > 0;
    if (changed) {
      for (const [from, to] of redirects) page.setRedirect(from, to);
      for (const off of dead) page.setDead(off);
      for (const off of unused) page.setUnused(off);
      page.repairFragmentation();
    }
    const pruneXidChanged = page.pruneXid !== newPruneXid || page.isFull;
    if (!changed && !pruneXidChanged) {
      if (hinted) this.markDirtyHint(buffer);
      return { pruned: false, removed: 0 };
    }
    page.pruneXid = newPruneXid;
    page.isFull = false;
    if (changed) {
      if (this.inserter === undefined) this.pool.markDirty(buffer);
      else
        this.inserter.insert({
          rmid: RM_HEAP_ID,
          info: XLOG_HEAP_PRUNE,
          buffers: [{ buffer, data: heapPruneData(page, { redirects, dead, unused }) }],
          data: Uint8Array.of(0),
        });
      this.fsm.recordFreeSpace(this.rel, block, page.heapFreeSpace());
    } else {
      // only hints changed (pd_prune_xid, PD_PAGE_FULL): MarkBufferDirtyHint
      this.markDirtyHint(buffer);
    }
    return { pruned: changed, removed };
  }

  /** A copy of a page's bytes, read through the pool (for tests and tools). */
  readCopy(block: number): Uint8Array {
    const buffer = this.pool.readBuffer(this.rel, ForkNumber.main, block);
    try {
      return this.pool.bytes(buffer).slice();
    } finally {
      this.pool.release(buffer);
    }
  }
}

/** heap_insert's check, before any page is chosen: 54000 row is too big. */
function checkTupleSize(tuple: Uint8Array): void {
  if (tuple.length > MAX_HEAP_TUPLE_SIZE) {
    throw new SqlError(
      '54000',
      `row is too big: size ${tuple.length}, maximum size ${MAX_HEAP_TUPLE_SIZE}`,
    );
  }
}

/**
 * A varlena datum of `size` bytes (header included) is at most 1 GB - 1
 * (MaxAllocSize): PostgreSQL cannot palloc a bigger one, and says
 * `invalid memory alloc request size` (XX000, elog) — the error a value
 * built past the limit (by || or a type's input) meets.
 */
export function checkDatumSize(size: number): void {
  if (size > MAX_ALLOC_SIZE)
    throw new SqlError('XX000', `invalid memory alloc request size ${size}`);
}

function header2(item: Uint8Array) {
  return { infomask: tupleInfomask(item), infomask2: tupleInfomask2(item) };
}

/** HTSV_Result, the subset pruning needs. */
export type VacuumStatus =
  | 'DEAD'
  | 'RECENTLY_DEAD'
  | 'LIVE'
  | 'INSERT_IN_PROGRESS'
  | 'DELETE_IN_PROGRESS';

/**
 * HeapTupleSatisfiesVacuum (without multixacts): is the tuple dead to every
 * snapshot whose xmin is at least `oldestXmin`? With `hint`, the hint bits
 * the answer settles (xmin committed or invalid, a plain xmax committed or
 * invalid) are passed to it, as SetHintBits: the caller, holding the page's
 * exclusive lock, writes them, so the next look needs no commit-log read.
 */
export function satisfiesVacuum(
  item: Uint8Array,
  oldestXmin: TransactionId,
  ctx: UpdateContext,
  hint?: (bits: number) => void,
): VacuumStatus {
  const mask = tupleInfomask(item);
  const xmin = tupleXmin(item);
  if ((mask & HEAP_XMIN_COMMITTED) === 0) {
    if ((mask & HEAP_XMIN_INVALID) !== 0) return 'DEAD';
    if (ctx.isInProgress(xmin)) {
      if ((mask & HEAP_XMAX_INVALID) !== 0 || xmaxIsLockedOnly(mask)) return 'INSERT_IN_PROGRESS';
      return updateXidOf(item, ctx) === xmin ? 'DELETE_IN_PROGRESS' : 'INSERT_IN_PROGRESS';
    }
    if (!ctx.log.didCommit(xmin)) {
      hint?.(HEAP_XMIN_INVALID);
      return 'DEAD'; // aborted or crashed
    }
    hint?.(HEAP_XMIN_COMMITTED);
  }
  if ((mask & HEAP_XMAX_INVALID) !== 0 || xmaxIsLockedOnly(mask)) return 'LIVE';
  const xmax = updateXidOf(item, ctx);
  if (xmax === 0) return 'LIVE'; // a multi of lockers only
  if ((mask & HEAP_XMAX_COMMITTED) === 0) {
    if (ctx.isInProgress(xmax)) return 'DELETE_IN_PROGRESS';
    const plain = (mask & HEAP_XMAX_IS_MULTI) === 0;
    if (!ctx.log.didCommit(xmax)) {
      if (plain) hint?.(HEAP_XMAX_INVALID);
      return 'LIVE'; // the deleter aborted
    }
    if (plain) hint?.(HEAP_XMAX_COMMITTED);
  }
  return transactionIdPrecedes(xmax, oldestXmin) ? 'DEAD' : 'RECENTLY_DEAD';
}
