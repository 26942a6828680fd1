/**
 * Lazy VACUUM of one heap relation and its indexes: PostgreSQL 15's
 * vacuumlazy.c (heap_vacuum_rel, lazy_scan_heap, lazy_scan_prune,
 * lazy_vacuum, lazy_vacuum_all_indexes, lazy_vacuum_heap_rel,
 * lazy_cleanup_all_indexes, lazy_truncate_heap), over @pg/heap's pages,
 * the indexes' bulk delete, and @pg/storage's visibility map and FSM.
 *
 * Phases, as vacuumlazy.c numbers them:
 *
 *   1. Scan the heap in block order. Ranges of at least
 *      SKIP_PAGES_THRESHOLD (32) pages the VM says are all-visible are
 *      skipped (all-frozen only, in an aggressive vacuum; none with
 *      DISABLE_PAGE_SKIPPING); the last page is always scanned. Each page
 *      is pruned (HOT chains, @pg/heap's prune), its LP_DEAD line pointers
 *      go to the dead-TID store, its tuples older than the freeze cutoff
 *      are frozen, and when every tuple on it is visible to every snapshot
 *      (and no LP_DEAD item is left) PD_ALL_VISIBLE and the VM bits are
 *      set (ALL_FROZEN too when every tuple is frozen).
 *   2. When the store cannot take another page's worth of TIDs, and at
 *      the end: bulk-delete every index with "is this TID dead?", then
 *      (3) set those heap line pointers LP_UNUSED, record the pages' free
 *      space and set their VM bits when they became all-visible; then the
 *      scan goes on. With no index, each page's LP_DEAD items are made
 *      unused right after its scan (one pass). With few LP_DEAD pages
 *      (under 2% of the table) and INDEX_CLEANUP AUTO, index and heap
 *      vacuuming is bypassed, as PostgreSQL 15 does.
 *   4. Index cleanup (amvacuumcleanup) for every index.
 *   5. Truncate: empty pages at the end of the table are cut off when at
 *      least 1000 or 1/16 of the table can go and the exclusive lock can be
 *      had at once (otherwise skipped).
 *
 * Invariants (checked by the model-based test after every vacuum):
 *
 *   V1 A tuple is removed only when it is dead to every running
 *      transaction and every registered snapshot: its deleter committed
 *      before `oldestXmin`, or its inserter aborted.
 *   V2 An index entry is deleted only for a TID whose heap line pointer is
 *      LP_DEAD, and the line pointer is made LP_UNUSED only after every
 *      index has dropped its entries for it (so an index entry never points
 *      at a reused line pointer).
 *   V3 ALL_VISIBLE is set only on a page whose every tuple is committed
 *      before `oldestXmin` and not deleted, with no LP_DEAD item;
 *      ALL_FROZEN only when every such tuple is also frozen with no xmax.
 *   V4 Every page change is WAL-logged (the heap's prune, freeze, vacuum
 *      and visible records; the btree's own; the smgr truncate record).
 *
 * Concurrency: `lazyVacuum` runs in one synchronous call;
 * `lazyVacuumAsync` stops at a delay point between pages (see it), where
 * the caller sleeps for the cost-based delay or yields to the event loop,
 * so other sessions run while a vacuum of a large table goes on. Each
 * page's work is one synchronous step, so there is still no cleanup-lock
 * contention and no "tuples missed" line; an index's bulk delete is one
 * step.
 *
 * Differences from PostgreSQL 15: no failsafe check during the scan (only
 * before it); no parallel index vacuuming; multixacts are not tracked for
 * relminmxid.
 */
import type { IndexBulkDeleteResult, Tid } from '@pg/access';
import {
  freezePage,
  type Heap,
  satisfiesVacuum,
  setPageAllVisible,
  tupleInfomask,
  tupleXmax,
  tupleXmin,
  vacuumHeapPage,
} from '@pg/heap';
import {
  HEAP_XMAX_INVALID,
  HEAP_XMAX_IS_MULTI,
  HEAP_XMIN_COMMITTED,
  type TransactionId,
  transactionIdIsNormal,
  transactionIdPrecedes,
  type UpdateContext,
  xminFrozen,
  xminInvalid,
} from '@pg/mvcc';
import { LP_DEAD, LP_NORMAL, LP_REDIRECT, LP_UNUSED, MAX_HEAP_TUPLES_PER_PAGE } from '@pg/page';
import {
  ForkNumber,
  INVALID_BLOCK_NUMBER,
  SMGR_TRUNCATE_ALL,
  truncateRelation,
  VISIBILITYMAP_ALL_FROZEN,
  VISIBILITYMAP_ALL_VISIBLE,
} from '@pg/storage';
import { DeadItems, deadItemsMaxItems, maxDeadItemsFor } from './dead-items.js';

/** SKIP_PAGES_THRESHOLD. */
export const SKIP_PAGES_THRESHOLD = 32;
/** BYPASS_THRESHOLD_PAGES: 2% of the table's pages. */
export const BYPASS_THRESHOLD_PAGES = 0.02;
/** REL_TRUNCATE_MINIMUM and REL_TRUNCATE_FRACTION. */
export const REL_TRUNCATE_MINIMUM = 1000;
export const REL_TRUNCATE_FRACTION = 16;
const FIRST_NORMAL_TRANSACTION_ID = 3;
const PREPARED_HINT =
  'You might also need to commit or roll back old prepared transactions, or drop stale replication slots.';

/** An index as vacuum sees it (@pg/access's amBulkDelete / amVacuumCleanup). */
export interface VacuumIndex {
  readonly name: string;
  bulkDelete(callback: (tid: Tid) => boolean, stats?: IndexBulkDeleteResult): IndexBulkDeleteResult;
  vacuumCleanup(stats?: IndexBulkDeleteResult): IndexBulkDeleteResult;
}

/** The relation: its heap (with its FSM and VM), its indexes, what pg_class said before. */
export interface VacuumRelation {
  readonly heap: Heap;
  readonly indexes: readonly VacuumIndex[];
  /** pg_class.relfrozenxid before this vacuum (default: none known, never aggressive by age). */
  readonly relfrozenxid?: TransactionId;
  /** pg_class.relpages / reltuples before (vac_estimate_reltuples, when pages were skipped). */
  readonly oldRelPages?: number;
  readonly oldRelTuples?: number;
}

/** INDEX_CLEANUP's three values. */
export type IndexCleanup = 'auto' | 'on' | 'off';

export interface LazyVacuumOptions {
  /** Who runs and what committed. */
  readonly ctx: UpdateContext;
  /**
   * The removable cutoff (GetOldestNonRemovableTransactionId): no running
   * transaction and no snapshot is older. Tuples deleted by transactions
   * that committed before it are removed.
   */
  readonly oldestXmin: TransactionId;
  /** ReadNextTransactionId (default: oldestXmin), for the aggressive test and VERBOSE. */
  readonly nextXid?: () => TransactionId;
  /** vacuum_freeze_min_age (default 50000000); FREEZE makes it 0. */
  readonly freezeMinAge?: number;
  /** vacuum_freeze_table_age (default 150000000); FREEZE makes it 0. */
  readonly freezeTableAge?: number;
  readonly freeze?: boolean;
  readonly disablePageSkipping?: boolean;
  readonly indexCleanup?: IndexCleanup;
  /** TRUNCATE option (default true). */
  readonly truncate?: boolean;
  /** maintenance_work_mem in kB (default 65536). */
  readonly maintenanceWorkMemKb?: number;
  /** The dead-TID store's capacity in TIDs, overriding maintenance_work_mem (tests); at least 291. */
  readonly maxDeadItems?: number;
  /**
   * The exclusive lock truncation needs (ConditionalLockRelation
   * AccessExclusiveLock): tryAcquire answers at once; release is called
   * after the truncation. Without it, truncation goes ahead.
   */
  readonly truncateLock?: { tryAcquire(): boolean; release(): void };
  /** freeze (issue 11): autovacuum_freeze_max_age (default 200000000): caps both ages, as vacuum_set_xid_limits. */
  readonly autovacuumFreezeMaxAge?: number;
  /** freeze (issue 11): vacuum_failsafe_age (default 1600000000). */
  readonly failsafeAge?: number;
  /** freeze (issue 11): "db.schema.table", for the failsafe WARNING. */
  readonly qualifiedName?: string;
  /** freeze (issue 11): the WARNINGs a vacuum raises (far-past oldest xmin, failsafe). */
  readonly onWarning?: (w: { message: string; detail?: string; hint?: string }) => void;
  /** pg_stat_progress_vacuum's feed: called as the phases change and between pages. */
  readonly progress?: (p: VacuumProgress) => void;
  /**
   * vacuum delay (issue 11): called by the synchronous {@link lazyVacuum}
   * at each delay point, between pages (tests run other sessions' work
   * there, as the event loop does between the steps of lazyVacuumAsync).
   */
  readonly onDelayPoint?: () => void;
}

/** pg_stat_progress_vacuum's columns. */
export interface VacuumProgress {
  readonly phase:
    | 'initializing'
    | 'scanning heap'
    | 'vacuuming indexes'
    | 'vacuuming heap'
    | 'cleaning up indexes'
    | 'truncating heap'
    | 'performing final cleanup';
  readonly heapBlksTotal: number;
  readonly heapBlksScanned: number;
  readonly heapBlksVacuumed: number;
  readonly indexVacuumCount: number;
  readonly maxDeadTuples: number;
  readonly numDeadTuples: number;
}

/** What one lazy vacuum did (LVRelState's counters). */
export interface VacuumResult {
  readonly relPages: number;
  readonly newRelPages: number;
  readonly scannedPages: number;
  /** Pages the VM let the scan skip, all-frozen among them. */
  readonly skippedPages: number;
  readonly frozenSkippedPages: number;
  /** Tuples pruning removed. */
  readonly tuplesDeleted: number;
  /** Live tuples (estimated when pages were skipped): what pg_class.reltuples gets. */
  readonly newLiveTuples: number;
  /** Live + recently dead: VERBOSE's "remain". */
  readonly newRelTuples: number;
  /** Dead to someone still running or a snapshot: "dead but not yet removable". */
  readonly recentlyDeadTuples: number;
  readonly frozenTuples: number;
  readonly lpdeadItems: number;
  readonly lpdeadItemPages: number;
  readonly indexScans: number;
  /** needed (or not needed when none), bypassed, or off (INDEX_CLEANUP off). */
  readonly indexVacuuming: 'done' | 'bypassed' | 'off';
  readonly indexStats: readonly { readonly name: string; readonly stats: IndexBulkDeleteResult }[];
  readonly relAllVisible: number;
  readonly relAllFrozen: number;
  readonly oldestXmin: TransactionId;
  readonly freezeLimit: TransactionId;
  readonly aggressive: boolean;
  /** The new relfrozenxid when it can advance (every unfrozen page scanned), else undefined. */
  readonly newRelfrozenxid: TransactionId | undefined;
  /** Pages truncated away ("truncated N to M pages"), 0 when none. */
  readonly pagesRemoved: number;
  /** The dead-TID store's capacity. */
  readonly maxDeadItems: number;
}

/** What the scan found on one page after pruning (and freezing). */
interface PageState {
  readonly dead: number[];
  readonly hastup: boolean;
  readonly live: number;
  readonly recentlyDead: number;
  readonly allVisible: boolean;
  readonly allFrozen: boolean;
  readonly needsFreeze: boolean;
  /** The oldest unfrozen xid left on the page (for relfrozenxid), 0 when none. */
  readonly oldestXid: TransactionId;
}

function xidMinus(xid: TransactionId, n: number): TransactionId {
  let limit = (xid - n) >>> 0;
  if (limit < FIRST_NORMAL_TRANSACTION_ID) limit = FIRST_NORMAL_TRANSACTION_ID;
  return limit;
}

/**
 * heap_vacuum_rel: one lazy vacuum of `rel` (see the file comment for the
 * phases), run to its end in one synchronous call; every change
 * WAL-logged when the heap has an inserter.
 */
export function lazyVacuum(rel: VacuumRelation, options: LazyVacuumOptions): VacuumResult {
  const steps = lazyVacuumSteps(rel, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    options.onDelayPoint?.();
  }
}

/**
 * What a vacuum does at each of its delay points (vacuum_delay_point):
 * nothing (undefined), or a promise the vacuum waits for, during which
 * other sessions run (a cost-based sleep, or a turn of the event loop). It
 * may throw to cancel the vacuum (a query cancel, DROP DATABASE): the
 * vacuum stops there, every page it changed being consistent and logged.
 */
export type VacuumDelayPoint = () => Promise<void> | undefined;

/**
 * heap_vacuum_rel as {@link lazyVacuum}, stopping at a delay point between
 * pages (of the heap scan and of each heap vacuuming pass) to let
 * `delayPoint` sleep or yield to the event loop. Each page's work (prune,
 * inspect, freeze, collect its dead TIDs, set its VM bits; or make its dead
 * line pointers unused) is done in one synchronous step, so no other
 * session sees or changes a page between two steps of its work; between
 * pages they may read and write the table (the caller holds
 * ShareUpdateExclusiveLock, so no DDL runs). What that relies on: a
 * collected dead TID's line pointer stays LP_DEAD until this vacuum makes
 * it unused (pruning and inserts never reuse LP_DEAD line pointers, V2),
 * and the horizon `oldestXmin` is older than every xid a concurrent
 * session can write.
 */
export async function lazyVacuumAsync(
  rel: VacuumRelation,
  options: LazyVacuumOptions,
  delayPoint: VacuumDelayPoint,
): Promise<VacuumResult> {
  const steps = lazyVacuumSteps(rel, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    const wait = delayPoint();
    if (wait !== undefined) await wait;
  }
}

/** The vacuum as a generator: it yields between pages (its delay points). */
function* lazyVacuumSteps(
  rel: VacuumRelation,
  options: LazyVacuumOptions,
): Generator<void, VacuumResult, void> {
  const { heap, indexes } = rel;
  const { ctx, oldestXmin } = options;
  const nextXid = options.nextXid ?? (() => oldestXmin);
  const freeze = options.freeze === true;
  // freeze (issue 11): vacuum_set_xid_limits -- the ages are capped by
  // autovacuum_freeze_max_age (half of it, and 95% of it), and a freeze
  // cutoff older than nextXid - autovacuum_freeze_max_age is a WARNING and
  // becomes oldestXmin itself
  const freezeMaxAge = options.autovacuumFreezeMaxAge ?? 200_000_000;
  const freezeMinAge = Math.min(
    freeze ? 0 : (options.freezeMinAge ?? 50_000_000),
    Math.floor(freezeMaxAge / 2),
  );
  const freezeTableAge = Math.min(
    freeze ? 0 : (options.freezeTableAge ?? 150_000_000),
    Math.trunc(freezeMaxAge * 0.95),
  );
  let freezeLimit = xidMinus(oldestXmin, freezeMinAge);
  if (transactionIdPrecedes(freezeLimit, xidMinus(nextXid(), freezeMaxAge))) {
    options.onWarning?.({
      message: 'oldest xmin is far in the past',
      hint: `Close open transactions soon to avoid wraparound problems.\n${PREPARED_HINT}`,
    });
    freezeLimit = oldestXmin;
  }
  const relfrozenxid = rel.relfrozenxid ?? 0;
  const fullScanLimit = xidMinus(nextXid(), freezeTableAge);
  let aggressive =
    transactionIdIsNormal(relfrozenxid) &&
    (relfrozenxid === fullScanLimit || transactionIdPrecedes(relfrozenxid, fullScanLimit));
  const skipWithVm = options.disablePageSkipping !== true;
  if (!skipWithVm) aggressive = true;
  const indexCleanup = options.indexCleanup ?? 'auto';
  let doIndexVacuuming = indexCleanup !== 'off';
  const doIndexCleanup = indexCleanup !== 'off';
  let considerBypass = indexCleanup === 'auto';
  let doTruncate = options.truncate !== false;
  let doIndexCleanupNow = doIndexCleanup;
  // freeze (issue 11): lazy_check_wraparound_failsafe, before the scan --
  // relfrozenxid older than max(vacuum_failsafe_age, 1.05 x
  // autovacuum_freeze_max_age): no index vacuuming or cleanup, no truncation
  const failsafeLimit = xidMinus(
    nextXid(),
    Math.max(options.failsafeAge ?? 1_600_000_000, Math.trunc(freezeMaxAge * 1.05)),
  );
  const failsafe =
    transactionIdIsNormal(relfrozenxid) && transactionIdPrecedes(relfrozenxid, failsafeLimit);
  if (failsafe) {
    doIndexVacuuming = false;
    doIndexCleanupNow = false;
    doTruncate = false;
    options.onWarning?.({
      message: `bypassing nonessential maintenance of table "${options.qualifiedName ?? 'table'}" as a failsafe after 0 index scans`,
      detail: "The table's relfrozenxid or relminmxid is too far in the past.",
      hint: 'Consider increasing configuration parameter "maintenance_work_mem" or "autovacuum_work_mem".\nYou might also need to consider other ways for VACUUM to keep up with the allocation of transaction IDs.',
    });
  }

  const relPages = heap.nblocks();
  const maxItems =
    options.maxDeadItems ??
    deadItemsMaxItems(options.maintenanceWorkMemKb ?? 65536, relPages, indexes.length > 0);
  // never less than one page's worth, as PostgreSQL guarantees: a page's LP_DEAD items always fit
  const dead = new DeadItems(Math.max(MAX_HEAP_TUPLES_PER_PAGE, maxItems));
  const indexStats: (IndexBulkDeleteResult | undefined)[] = indexes.map(() => undefined);

  let scannedPages = 0;
  let skippedPages = 0;
  let frozenSkippedPages = 0;
  let skippedAllVisible = false;
  let tuplesDeleted = 0;
  let liveTuples = 0;
  let recentlyDead = 0;
  let frozenTuples = 0;
  let lpdeadItems = 0;
  let lpdeadItemPages = 0;
  let indexScans = 0;
  let nonemptyPages = 0;
  let vacuumedPages = 0;
  let newRelfrozenxid: TransactionId = oldestXmin;
  let phase: VacuumProgress['phase'] = 'initializing';
  let scannedBlock = 0;
  const report = () =>
    options.progress?.({
      phase,
      heapBlksTotal: relPages,
      heapBlksScanned: scannedBlock,
      heapBlksVacuumed: vacuumedPages,
      indexVacuumCount: indexScans,
      maxDeadTuples: dead.maxItems,
      numDeadTuples: dead.count,
    });
  report();

  /** lazy_scan_prune's look at a page, with heap_page_is_all_visible's verdict. */
  const inspect = (block: number): PageState => {
    const pool = heap.pool;
    const buffer = pool.readBuffer(heap.rel, ForkNumber.main, block);
    pool.lock(buffer, 'share');
    try {
      const page = pool.page(buffer);
      const out = {
        dead: [] as number[],
        hastup: false,
        live: 0,
        recentlyDead: 0,
        allVisible: true,
        allFrozen: true,
        needsFreeze: false,
        oldestXid: 0,
      };
      const older = (xid: TransactionId) => {
        if (!transactionIdIsNormal(xid)) return;
        if (out.oldestXid === 0 || transactionIdPrecedes(xid, out.oldestXid)) out.oldestXid = xid;
      };
      if (page.isNew()) return out;
      for (let off = 1; off <= page.maxOffsetNumber; off++) {
        const lp = page.itemId(off);
        if (lp.flags === LP_UNUSED) continue;
        if (lp.flags === LP_REDIRECT) {
          out.hastup = true;
          continue;
        }
        if (lp.flags === LP_DEAD) {
          out.dead.push(off);
          out.allVisible = false;
          out.allFrozen = false;
          continue;
        }
        if (lp.flags !== LP_NORMAL) continue;
        out.hastup = true;
        const item = page.mustItem(off);
        const mask = tupleInfomask(item);
        const xminU = tupleXmin(item);
        const xmax = tupleXmax(item);
        const status = satisfiesVacuum(item, oldestXmin, ctx);
        const frozenXmin = xminFrozen(mask);
        const xmaxNone = (mask & HEAP_XMAX_INVALID) !== 0 || xmax === 0;
        switch (status) {
          case 'LIVE': {
            out.live++;
            const committed =
              frozenXmin || (mask & HEAP_XMIN_COMMITTED) !== 0 || ctx.log.didCommit(xminU);
            if (!committed || (!frozenXmin && !transactionIdPrecedes(xminU, oldestXmin)))
              out.allVisible = false;
            break;
          }
          case 'DELETE_IN_PROGRESS':
            out.live++;
            out.allVisible = false;
            break;
          default:
            // RECENTLY_DEAD, INSERT_IN_PROGRESS, and DEAD that pruning left in a chain
            if (status !== 'INSERT_IN_PROGRESS') out.recentlyDead++;
            out.allVisible = false;
        }
        // freezing (heap_prepare_freeze_tuple's test) and relfrozenxid tracking
        if (!frozenXmin && !xminInvalid(mask) && transactionIdIsNormal(xminU)) {
          if (transactionIdPrecedes(xminU, freezeLimit)) out.needsFreeze = true;
          older(xminU);
        }
        if ((mask & HEAP_XMAX_IS_MULTI) === 0 && transactionIdIsNormal(xmax)) {
          if (transactionIdPrecedes(xmax, freezeLimit)) out.needsFreeze = true;
          older(xmax);
        }
        if (!frozenXmin || !xmaxNone) out.allFrozen = false;
      }
      return out;
    } finally {
      pool.unlockRelease(buffer);
    }
  };

  /** The page's VM bits after its dead items are gone (lazy_vacuum_heap_page's end, lazy_scan_heap's step). */
  const markVisible = (block: number, state: PageState) => {
    if (!state.allVisible || state.dead.length > 0) return;
    setPageAllVisible(heap, block, state.allFrozen);
  };

  const recordFreeSpace = (block: number) => {
    heap.fsm.recordFreeSpace(heap.rel, block, pageHeapFreeSpace(heap, block));
  };

  /** lazy_vacuum: an index pass and a heap pass over what the store holds. */
  function* vacuumDeadItems(): Generator<void, void, void> {
    if (dead.count === 0) return;
    if (!doIndexVacuuming) {
      dead.reset();
      return;
    }
    if (considerBypass && relPages > 0) {
      // a BlockNumber in PostgreSQL: the fraction is truncated
      const threshold = Math.floor(relPages * BYPASS_THRESHOLD_PAGES);
      if (lpdeadItemPages < threshold && lpdeadItems < maxDeadItemsFor(32 * 1024 * 1024)) {
        doIndexVacuuming = false;
        dead.reset();
        return;
      }
    }
    phase = 'vacuuming indexes';
    report();
    for (const [i, index] of indexes.entries()) {
      yield; // a delay point between indexes (each bulk delete is one step)
      indexStats[i] = index.bulkDelete(dead.isDead, indexStats[i]);
    }
    indexScans++;
    phase = 'vacuuming heap';
    report();
    for (const [block, offsets] of dead.blocks()) {
      // a delay point between pages (lazy_vacuum_heap_rel's vacuum_delay_point)
      report();
      yield;
      const free = vacuumHeapPage(heap, block, offsets);
      heap.fsm.recordFreeSpace(heap.rel, block, free);
      vacuumedPages++;
      markVisible(block, inspect(block));
    }
    dead.reset();
    phase = 'scanning heap';
    report();
  }

  // -------------------------------------------------------- phase 1: scan
  phase = 'scanning heap';
  report();
  /** lazy_scan_skip: the next block that must be scanned from `from` on, and whether the run before it is skipped. */
  const skipFrom = (from: number): { next: number; skipping: boolean } => {
    let n = from;
    let allVisRun = false;
    while (n < relPages) {
      const bits = heap.vm.getStatus(heap.rel, n);
      if ((bits & VISIBILITYMAP_ALL_VISIBLE) === 0) break;
      if (n === relPages - 1) break; // the last page is always scanned
      if (!skipWithVm) break;
      if ((bits & VISIBILITYMAP_ALL_FROZEN) === 0) {
        if (aggressive) break;
        allVisRun = true;
      }
      n++;
    }
    const skipping = n - from >= SKIP_PAGES_THRESHOLD;
    if (skipping && allVisRun) skippedAllVisible = true;
    return { next: n, skipping };
  };
  let { next: nextUnskippable, skipping: skippingRange } = skipFrom(0);
  for (let block = 0; block < relPages; block++) {
    scannedBlock = block;
    if (block === nextUnskippable) {
      ({ next: nextUnskippable, skipping: skippingRange } = skipFrom(block + 1));
    } else if (skippingRange) {
      skippedPages++;
      if ((heap.vm.getStatus(heap.rel, block) & VISIBILITYMAP_ALL_FROZEN) !== 0)
        frozenSkippedPages++;
      continue;
    }
    // vacuum the dead items first when another page's worth may not fit
    if (!dead.hasRoomForPage() && dead.count > 0) {
      considerBypass = false;
      yield* vacuumDeadItems();
    }
    // a delay point between pages (lazy_scan_heap's vacuum_delay_point); the
    // progress row shows the block about to be scanned
    report();
    yield;
    scannedPages++;
    if (pageIsNew(heap, block)) {
      // lazy_scan_new_or_empty: a page extended but never initialized
      if (heap.fsm.getFreeSpace(heap.rel, block) === 0)
        heap.fsm.recordFreeSpace(heap.rel, block, 8192 - 24);
      continue;
    }
    const pruned = heap.prune(block, oldestXmin, ctx);
    tuplesDeleted += pruned.removed;
    let state = inspect(block);
    if (state.needsFreeze) {
      const r = freezePage(heap, block, { freezeLimit }, ctx);
      frozenTuples += r.frozen;
      state = inspect(block);
    }
    liveTuples += state.live;
    recentlyDead += state.recentlyDead;
    if (state.oldestXid !== 0 && transactionIdPrecedes(state.oldestXid, newRelfrozenxid))
      newRelfrozenxid = state.oldestXid;
    if (state.dead.length > 0) {
      lpdeadItemPages++;
      lpdeadItems += state.dead.length;
    }
    if (state.hastup) nonemptyPages = block + 1;
    if (indexes.length === 0 && state.dead.length > 0 && indexCleanup !== 'off') {
      // one-pass: no index can point at these line pointers
      const free = vacuumHeapPage(heap, block, state.dead);
      heap.fsm.recordFreeSpace(heap.rel, block, free);
      vacuumedPages++;
      markVisible(block, inspect(block));
      continue;
    }
    if (state.dead.length > 0) {
      dead.addPage(block, state.dead);
    } else {
      recordFreeSpace(block);
    }
    markVisible(block, state);
  }
  scannedBlock = relPages;
  report();
  yield; // a delay point after the last page

  // -------------------------------------------------------- phases 2-3: the last pass
  yield* vacuumDeadItems();
  heap.fsm.vacuum(heap.rel);

  // -------------------------------------------------------- phase 4: index cleanup
  if (indexes.length > 0 && doIndexCleanupNow) {
    phase = 'cleaning up indexes';
    report();
    for (const [i, index] of indexes.entries()) {
      yield; // a delay point between indexes
      indexStats[i] = index.vacuumCleanup(indexStats[i]);
    }
  }

  // -------------------------------------------------------- phase 5: truncate
  let newRelPages = relPages;
  const freeable = relPages - nonemptyPages;
  if (
    doTruncate &&
    freeable > 0 &&
    (freeable >= REL_TRUNCATE_MINIMUM || freeable >= Math.floor(relPages / REL_TRUNCATE_FRACTION))
  ) {
    const lock = options.truncateLock;
    if (lock === undefined || lock.tryAcquire()) {
      try {
        phase = 'truncating heap';
        report();
        const keep = countNondeletablePages(heap, relPages, nonemptyPages);
        if (keep < relPages && heap.nblocks() === relPages) {
          truncateHeap(heap, keep);
          newRelPages = keep;
        }
      } finally {
        lock?.release();
      }
    }
  }

  phase = 'performing final cleanup';
  report();
  const counts = heap.vm.count(heap.rel);
  // vac_estimate_reltuples
  let newLiveTuples = liveTuples;
  if (scannedPages < relPages) {
    const oldPages = rel.oldRelPages ?? 0;
    const oldTuples = rel.oldRelTuples ?? -1;
    // the same size and under 2% scanned, or at most one page scanned: keep the old value
    if ((oldPages === relPages && scannedPages < relPages * 0.02) || scannedPages <= 1)
      newLiveTuples = oldTuples;
    else if (oldTuples < 0 || oldPages === 0)
      newLiveTuples = Math.floor((liveTuples / scannedPages) * relPages + 0.5);
    else
      newLiveTuples = Math.floor(
        (oldTuples / oldPages) * (relPages - scannedPages) + liveTuples + 0.5,
      );
  }
  const canAdvance = !skippedAllVisible;
  return {
    relPages,
    newRelPages,
    scannedPages,
    skippedPages,
    frozenSkippedPages,
    tuplesDeleted,
    newLiveTuples,
    newRelTuples: Math.max(newLiveTuples, 0) + recentlyDead,
    recentlyDeadTuples: recentlyDead,
    frozenTuples,
    lpdeadItems,
    lpdeadItemPages,
    indexScans,
    indexVacuuming: indexCleanup === 'off' ? 'off' : doIndexVacuuming ? 'done' : 'bypassed',
    indexStats: indexes.flatMap((ix, i) => {
      const stats = indexStats[i];
      return stats === undefined ? [] : [{ name: ix.name, stats }];
    }),
    relAllVisible: Math.min(counts.allVisible, newRelPages),
    relAllFrozen: Math.min(counts.allFrozen, newRelPages),
    oldestXmin,
    freezeLimit,
    aggressive,
    newRelfrozenxid: canAdvance ? newRelfrozenxid : undefined,
    pagesRemoved: relPages - newRelPages,
    maxDeadItems: dead.maxItems,
  };
}

/** PageIsNew: extended but never initialized. */
function pageIsNew(heap: Heap, block: number): boolean {
  const buffer = heap.pool.readBuffer(heap.rel, ForkNumber.main, block);
  try {
    return heap.pool.page(buffer).isNew();
  } finally {
    heap.pool.release(buffer);
  }
}

/** PageGetHeapFreeSpace of a heap page. */
function pageHeapFreeSpace(heap: Heap, block: number): number {
  const buffer = heap.pool.readBuffer(heap.rel, ForkNumber.main, block);
  try {
    return heap.pool.page(buffer).heapFreeSpace();
  } finally {
    heap.pool.release(buffer);
  }
}

/**
 * count_nondeletable_pages: from the end back to `nonempty`, the first
 * page with a used line pointer ends what must stay.
 */
function countNondeletablePages(heap: Heap, relPages: number, nonempty: number): number {
  for (let block = relPages - 1; block >= nonempty; block--) {
    const buffer = heap.pool.readBuffer(heap.rel, ForkNumber.main, block);
    try {
      const page = heap.pool.page(buffer);
      if (page.isNew() || page.isEmpty()) continue;
      for (let off = 1; off <= page.maxOffsetNumber; off++) {
        if (page.itemId(off).flags !== LP_UNUSED) return block + 1;
      }
    } finally {
      heap.pool.release(buffer);
    }
  }
  return nonempty;
}

/** RelationTruncate: logged through the smgr record when the heap is; else cut directly. */
function truncateHeap(heap: Heap, nblocks: number): void {
  if (heap.inserter !== undefined) {
    truncateRelation(heap.inserter, heap.rel, nblocks, SMGR_TRUNCATE_ALL);
    return;
  }
  const { pool } = heap;
  const cut = (fork: ForkNumber, keep: number) => {
    pool.dropRelation(heap.rel, fork, keep);
    if (pool.smgr.exists(heap.rel, fork) && pool.smgr.nblocks(heap.rel, fork) > keep)
      pool.smgr.truncate(heap.rel, fork, keep);
  };
  cut(ForkNumber.main, nblocks);
  const fsmKeep = heap.fsm.prepareTruncate(heap.rel, nblocks);
  if (fsmKeep !== INVALID_BLOCK_NUMBER) cut(ForkNumber.fsm, fsmKeep);
  if (pool.smgr.exists(heap.rel, ForkNumber.fsm)) heap.fsm.vacuumRange(heap.rel, nblocks);
  const vmKeep = heap.vm.prepareTruncate(heap.rel, nblocks);
  if (vmKeep !== INVALID_BLOCK_NUMBER) cut(ForkNumber.vm, vmKeep);
}
