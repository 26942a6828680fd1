/**
 * Freezing a heap page: PostgreSQL 15's heap_prepare_freeze_tuple and
 * heap_freeze_execute_prepared (heapam.c), for one page at a time, as
 * lazy VACUUM calls them.
 *
 * For every normal tuple of the page, with cutoffs { freezeLimit (an xid),
 * multiFreezeLimit (a MultiXactId) }:
 *
 *   F1. xmin normal, older than freezeLimit and committed: HEAP_XMIN_FROZEN
 *       (HEAP_XMIN_COMMITTED | HEAP_XMIN_INVALID) is set and t_xmin kept,
 *       as PostgreSQL 9.4+ does. An xmin that did not commit is left alone
 *       (the tuple is dead; pruning removes it).
 *   F2. a plain xmax older than freezeLimit that only locked, or that
 *       aborted: xmax = 0 (InvalidTransactionId), the xmax bits cleared,
 *       HEAP_XMAX_INVALID set, HEAP_HOT_UPDATED and HEAP_KEYS_UPDATED
 *       cleared. A committed deleter older than the cutoff is left alone
 *       (the tuple is dead to everyone: pruning's work).
 *   F3. a multi xmax older than multiFreezeLimit: lock-only, or its
 *       updater aborted: cleared as F2; its updater committed: replaced by
 *       the updater's plain xid (FRM_RETURN_IS_XID: HEAP_XMAX_IS_MULTI and
 *       the lock bits cleared, HEAP_KEYS_UPDATED as the update had it). A
 *       member still running is an error, as in PostgreSQL (`multixact ...
 *       from before cutoff ... found to be still running`).
 *   F4. when afterwards every tuple of the page is frozen with no xmax (and
 *       the page has no LP_DEAD item), PD_ALL_VISIBLE is set on the page and
 *       ALL_VISIBLE | ALL_FROZEN in the visibility map.
 *
 * WAL: one record, info {@link XLOG_HEAP_FREEZE_PAGE} in the heap resource
 * manager (PostgreSQL logs XLOG_HEAP2_FREEZE_PAGE in RM_HEAP2 and the VM
 * bits in XLOG_HEAP2_VISIBLE; here both are one page-image record, whose
 * main-data bit {@link XLH_ALL_FROZEN_SET} makes redo set the VM bits).
 *
 * Not done: a multi newer than the cutoff with members older than
 * freezeLimit is not rewritten into a new multi (FRM_RETURN_IS_MULTI),
 * and xvac (pre-9.0 VACUUM FULL) is not looked at.
 */
import {
  HEAP_XMAX_INVALID,
  HEAP_XMAX_IS_MULTI,
  HEAP_XMIN_COMMITTED,
  HEAP_XMIN_FROZEN,
  heapTupleGetUpdateXid,
  isUpdateStatus,
  type MultiXactId,
  MvccError,
  multiXactReaderOf,
  type TransactionId,
  transactionIdIsNormal,
  transactionIdPrecedes,
  type UpdateContext,
  xminFrozen,
  xminInvalid,
} from '@pg/mvcc';
import { LP_DEAD, LP_NORMAL } from '@pg/page';
import { ForkNumber, VISIBILITYMAP_ALL_FROZEN, VISIBILITYMAP_ALL_VISIBLE } from '@pg/storage';
import type { Heap } from './heapam.js';
import {
  heapPageData,
  RM_HEAP_ID,
  XLH_ALL_FROZEN_SET,
  XLOG_HEAP_FREEZE_PAGE,
} from './heapam-wal.js';
import {
  HEAP_HOT_UPDATED,
  HEAP_KEYS_UPDATED,
  setTupleXmaxAndBits,
  tupleCid,
  tupleInfomask,
  tupleInfomask2,
  tupleXmax,
  tupleXmin,
  updateInfomask,
  updateInfomask2,
  xmaxIsLockedOnly,
} from './tuple.js';

export { XLH_ALL_FROZEN_SET, XLOG_HEAP_FREEZE_PAGE };

/** VACUUM's freeze cutoffs (FreezeLimit, MultiXactCutoff). */
export interface FreezeCutoffs {
  /** xids older than this are frozen / cleared */
  readonly freezeLimit: TransactionId;
  /** multis older than this are replaced (default: 1, none) */
  readonly multiFreezeLimit?: MultiXactId;
}

/** What freezePage did. */
export interface FreezeResult {
  /** tuples whose header changed */
  readonly frozen: number;
  /** the page is all frozen now (PD_ALL_VISIBLE, VM ALL_VISIBLE | ALL_FROZEN set) */
  readonly allFrozen: boolean;
}

/**
 * heap_prepare_freeze_tuple + heap_freeze_execute_prepared for every
 * tuple of `block` (F1..F4), WAL-logged when the heap has an inserter and
 * something changed. `ctx` answers what committed and who still runs.
 */
export function freezePage(
  heap: Heap,
  block: number,
  cutoffs: FreezeCutoffs,
  ctx: UpdateContext,
): FreezeResult {
  if (block >= heap.nblocks()) throw new Error(`heap: block ${block} does not exist`);
  const { pool } = heap;
  const buffer = pool.readBuffer(heap.rel, ForkNumber.main, block);
  pool.lock(buffer, 'exclusive');
  try {
    const page = pool.page(buffer);
    if (page.isNew()) return { frozen: 0, allFrozen: false };
    let frozen = 0;
    let allFrozen = true;
    for (let off = 1; off <= page.maxOffsetNumber; off++) {
      const lp = page.itemId(off);
      if (lp.flags === LP_DEAD) allFrozen = false;
      if (lp.flags !== LP_NORMAL) continue;
      const item = page.mustItem(off);
      if (freezeTuple(item, cutoffs, ctx)) frozen++;
      const mask = tupleInfomask(item);
      if (!xminFrozen(mask) || (mask & HEAP_XMAX_INVALID) === 0) allFrozen = false;
    }
    const setVm = allFrozen && (!page.isAllVisible || !isAllFrozenInVm(heap, block));
    if (frozen === 0 && !setVm) return { frozen: 0, allFrozen };
    if (allFrozen) page.isAllVisible = true;
    let end: bigint | undefined;
    if (heap.inserter === undefined) pool.markDirty(buffer);
    else {
      end = heap.inserter.insert({
        rmid: RM_HEAP_ID,
        info: XLOG_HEAP_FREEZE_PAGE,
        buffers: [{ buffer, data: heapPageData(pool.bytes(buffer)), willInit: true }],
        data: Uint8Array.of(allFrozen ? XLH_ALL_FROZEN_SET : 0),
      }).end;
    }
    if (allFrozen) {
      heap.vm.set(heap.rel, block, VISIBILITYMAP_ALL_VISIBLE | VISIBILITYMAP_ALL_FROZEN, end);
    }
    return { frozen, allFrozen };
  } finally {
    pool.unlockRelease(buffer);
  }
}

function isAllFrozenInVm(heap: Heap, block: number): boolean {
  return (heap.vm.getStatus(heap.rel, block) & VISIBILITYMAP_ALL_FROZEN) !== 0;
}

/** F1..F3 on one tuple; whether its header changed. */
function freezeTuple(item: Uint8Array, cutoffs: FreezeCutoffs, ctx: UpdateContext): boolean {
  let changed = false;
  const mask = tupleInfomask(item);
  const xmin = tupleXmin(item);
  // F1
  if (
    !xminFrozen(mask) &&
    !xminInvalid(mask) &&
    transactionIdIsNormal(xmin) &&
    transactionIdPrecedes(xmin, cutoffs.freezeLimit) &&
    ((mask & HEAP_XMIN_COMMITTED) !== 0 || ctx.log.didCommit(xmin))
  ) {
    updateInfomask(item, HEAP_XMIN_FROZEN);
    changed = true;
  }
  const xmax = tupleXmax(item);
  const clearXmax = () => {
    setTupleXmaxAndBits(item, { xmax: 0, infomask: HEAP_XMAX_INVALID, infomask2: 0 });
    updateInfomask2(item, 0, HEAP_HOT_UPDATED | HEAP_KEYS_UPDATED);
    changed = true;
  };
  if ((mask & HEAP_XMAX_IS_MULTI) !== 0) {
    // F3
    const limit = cutoffs.multiFreezeLimit ?? 1;
    if (xmax >= limit) return changed;
    for (const m of multiXactReaderOf(ctx, xmax).getMembers(xmax)) {
      if (ctx.isInProgress(m.xid) && (!isUpdateStatus(m.status) || xmaxIsLockedOnly(mask))) {
        throw new MvccError(
          'XX001',
          `multixact ${xmax} from before cutoff ${limit} found to be still running`,
        );
      }
    }
    const header = { xmin, xmax, cid: tupleCid(item), infomask: mask };
    const updater = xmaxIsLockedOnly(mask) ? 0 : heapTupleGetUpdateXid(header, ctx);
    if (updater !== 0 && (ctx.isInProgress(updater) || ctx.log.didCommit(updater))) {
      // FRM_RETURN_IS_XID: the updater alone, as a plain xmax
      setTupleXmaxAndBits(item, {
        xmax: updater,
        infomask: 0,
        infomask2: tupleInfomask2(item) & HEAP_KEYS_UPDATED,
      });
      changed = true;
    } else {
      clearXmax();
    }
    return changed;
  }
  // F2
  if ((mask & HEAP_XMAX_INVALID) !== 0 && xmax === 0) return changed;
  if (transactionIdIsNormal(xmax) && transactionIdPrecedes(xmax, cutoffs.freezeLimit)) {
    if (xmaxIsLockedOnly(mask) || !ctx.log.didCommit(xmax)) clearXmax();
  }
  return changed;
}
