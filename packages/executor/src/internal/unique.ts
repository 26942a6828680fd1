/**
 * What a unique check needs to know of the heap tuple behind an equal
 * index entry (_bt_check_unique's heap_hot_search with SnapshotDirty): is
 * some member of its HOT chain live (inserted by a committed transaction
 * or by us, not deleted by a committed one or by us), being inserted or
 * deleted by a transaction still running (wait for it, then look again),
 * or dead?
 */
import type { HeapTupleStatus, Tid } from '@pg/access';
import {
  HEAP_HOT_UPDATED,
  HEAP_XMAX_COMMITTED,
  HEAP_XMAX_INVALID,
  HEAP_XMAX_IS_MULTI,
  type Heap,
  isHeapOnly,
  tupleCtid,
  tupleInfomask,
  tupleInfomask2,
  tupleXmax,
  tupleXmin,
  xmaxIsLockedOnly,
  xminCommitted,
  xminFrozen,
  xminInvalid,
} from '@pg/heap';
import type { UpdateContext } from '@pg/mvcc';
import { LP_NORMAL, LP_REDIRECT, Page } from '@pg/page';

/** The status of the chain rooted at `tid`, as seen by the transaction of `ctx`. */
export function heapTupleStatus(heap: Heap, tid: Tid, ctx: UpdateContext): HeapTupleStatus {
  const s = heapChainMember(heap, tid, ctx);
  return s.kind === 'live' ? { kind: 'live' } : s;
}

/**
 * issue 9 (upsert): heapTupleStatus with the live member's TID (what
 * ON CONFLICT locks and updates: check_exclusion_or_unique_constraint's
 * SnapshotDirty fetch).
 */
export function heapChainMember(
  heap: Heap,
  tid: Tid,
  ctx: UpdateContext,
):
  | { readonly kind: 'live'; readonly tid: Tid }
  | Exclude<HeapTupleStatus, { readonly kind: 'live' }> {
  if (tid.block >= heap.nblocks()) return { kind: 'dead' };
  const page = Page.wrap(heap.readCopy(tid.block));
  let offset = tid.offset;
  let atRoot = true;
  let prevXmax = 0;
  for (;;) {
    if (offset < 1 || offset > page.maxOffsetNumber) return { kind: 'dead' };
    const lp = page.itemId(offset);
    if (lp.flags === LP_REDIRECT && atRoot) {
      offset = lp.off;
      atRoot = false;
      continue;
    }
    if (lp.flags !== LP_NORMAL) return { kind: 'dead' };
    const item = page.mustItem(offset);
    const mask = tupleInfomask(item);
    const mask2 = tupleInfomask2(item);
    if (atRoot && isHeapOnly(mask2)) return { kind: 'dead' };
    const xmin = tupleXmin(item);
    if (prevXmax !== 0 && xmin !== prevXmax) return { kind: 'dead' };
    const s = memberStatus(item, mask, xmin, ctx);
    if (s !== 'deleted')
      return s.kind === 'live' ? { kind: 'live', tid: { block: tid.block, offset } } : s;
    if ((mask2 & HEAP_HOT_UPDATED) === 0) return { kind: 'dead' };
    const next = tupleCtid(item);
    if (next.block !== tid.block) return { kind: 'dead' };
    prevXmax = tupleXmax(item);
    offset = next.offset;
    atRoot = false;
  }
}

function memberStatus(
  item: Uint8Array,
  mask: number,
  xmin: number,
  ctx: UpdateContext,
): HeapTupleStatus | 'deleted' {
  if (!xminCommitted(mask) && !xminFrozen(mask)) {
    if (xminInvalid(mask)) return { kind: 'dead' };
    if (!ctx.isCurrentTransactionId(xmin)) {
      if (ctx.isInProgress(xmin)) return { kind: 'in-progress', xid: xmin };
      if (!ctx.log.didCommit(xmin)) return { kind: 'dead' };
    }
  }
  if ((mask & HEAP_XMAX_INVALID) !== 0 || xmaxIsLockedOnly(mask)) return { kind: 'live' };
  if ((mask & HEAP_XMAX_IS_MULTI) !== 0) return { kind: 'live' };
  if ((mask & HEAP_XMAX_COMMITTED) !== 0) return 'deleted';
  const xmax = tupleXmax(item);
  if (ctx.isCurrentTransactionId(xmax)) return 'deleted';
  if (ctx.isInProgress(xmax)) return { kind: 'in-progress', xid: xmax };
  return ctx.log.didCommit(xmax) ? 'deleted' : { kind: 'live' };
}
