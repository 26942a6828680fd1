/**
 * Row locks: SELECT ... FOR UPDATE / FOR NO KEY UPDATE / FOR SHARE /
 * FOR KEY SHARE, with NOWAIT and SKIP LOCKED — PostgreSQL 15's
 * heap_lock_tuple (heapam.c) and ExecLockRows (nodeLockRows.c) for a
 * SINGLE locker.
 *
 * A lock is kept in the tuple header, as PostgreSQL keeps it: xmax = the
 * locker's xid, HEAP_XMAX_LOCK_ONLY, and the strength bits
 *
 * | mode              | t_infomask                          | t_infomask2       |
 * | ----------------- | ----------------------------------- | ----------------- |
 * | FOR KEY SHARE     | LOCK_ONLY, KEYSHR_LOCK              |                   |
 * | FOR SHARE         | LOCK_ONLY, SHR_LOCK (EXCL | KEYSHR) |                   |
 * | FOR NO KEY UPDATE | LOCK_ONLY, EXCL_LOCK                |                   |
 * | FOR UPDATE        | LOCK_ONLY, EXCL_LOCK                | HEAP_KEYS_UPDATED |
 *
 * and t_ctid = the tuple itself; t_cid is left alone. An UPDATE or DELETE
 * in progress (xmax without LOCK_ONLY) counts as FOR UPDATE when it set
 * HEAP_KEYS_UPDATED (a delete, or a key column changed), else as FOR NO
 * KEY UPDATE. The tuple lock modes conflict as PostgreSQL's
 * tupleLockExtraInfo / MultiXactStatus conflict table says:
 *
 * |                   | KEY SHARE | SHARE | NO KEY UPDATE | UPDATE |
 * | ----------------- | :-------: | :---: | :-----------: | :----: |
 * | FOR KEY SHARE     |           |       |               |   X    |
 * | FOR SHARE         |           |       |       X       |   X    |
 * | FOR NO KEY UPDATE |           |   X   |       X       |   X    |
 * | FOR UPDATE        |     X     |   X   |       X       |   X    |
 *
 * A conflicting lock or change by another transaction that is still
 * running makes the locker wait for that transaction (XactLockTableWait,
 * through @pg/mvcc's LockManager: ShareLock on its transaction lock, so
 * deadlocks are found there), or with NOWAIT fail at once (55P03), or with
 * SKIP LOCKED skip the row. A lock whose holder ended (committed lock-only,
 * or aborted) no longer counts.
 *
 * Not done: multixacts. When two live transactions would hold the row at
 * once (a second FOR SHARE / FOR KEY SHARE next to another's shared lock,
 * FOR KEY SHARE next to a running no-key UPDATE, or a subtransaction
 * strengthening a lock its parent holds), PostgreSQL builds a MultiXactId;
 * here that raises MvccError 0A000 `multixact row locks are not supported
 * yet`.
 *
 * WAL: PostgreSQL logs XLOG_HEAP_LOCK (info 0x60). Here the record goes
 * through the existing heap resource manager as a page-image record with
 * info {@link XLOG_HEAP_LOCK}: its redo rebuilds the page from the block
 * data for any info value (waldump names it `UNKNOWN (0x60)`, as the rmgr's
 * name table is not this file's). Unlike PostgreSQL, which clears only the
 * page's ALL_FROZEN bit, a lock on an all-visible page clears PD_ALL_VISIBLE
 * and both visibility-map bits (XLH_ALL_VISIBLE_CLEARED, which the existing
 * redo repeats): always safe, just less precise.
 */
import type { Tid } from '@pg/access';
import { heapTupleSatisfiesUpdate, MvccError, TM_Result, type TransactionId } from '@pg/mvcc';
import { LP_NORMAL, Page } from '@pg/page';
import { ForkNumber } from '@pg/storage';
import type { Heap, HeapWriter } from './heapam.js';
import { heapPageData, RM_HEAP_ID, XLH_ALL_VISIBLE_CLEARED } from './heapam-wal.js';
import {
  HEAP_KEYS_UPDATED,
  HEAP_XMAX_EXCL_LOCK,
  HEAP_XMAX_INVALID,
  HEAP_XMAX_KEYSHR_LOCK,
  HEAP_XMAX_LOCK_ONLY,
  HEAP_XMAX_SHR_LOCK,
  setTupleXmaxAndBits,
  tupleCid,
  tupleCtid,
  tupleInfomask,
  tupleInfomask2,
  tupleXmax,
  tupleXmin,
  xmaxIsLockedOnly,
} from './tuple.js';

/** XLOG_HEAP_LOCK's info number in PostgreSQL (heapam_xlog.h). */
export const XLOG_HEAP_LOCK = 0x60;
/** SQLSTATE lock_not_available (NOWAIT). */
export const ERRCODE_LOCK_NOT_AVAILABLE = '55P03';
/** SQLSTATE feature_not_supported (multixacts). */
export const ERRCODE_FEATURE_NOT_SUPPORTED = '0A000';

/** LockTupleMode, weakest first. */
export type RowLockStrength = 'key share' | 'share' | 'no key update' | 'update';

const RANK: Record<RowLockStrength, number> = {
  'key share': 0,
  share: 1,
  'no key update': 2,
  update: 3,
};

/** The SQL spelling: `FOR NO KEY UPDATE`. */
export function rowLockClause(strength: RowLockStrength): string {
  return `FOR ${strength.toUpperCase()}`;
}

/**
 * Do two tuple lock modes conflict? (the table above: symmetric; KEY SHARE
 * conflicts only with UPDATE, SHARE with NO KEY UPDATE and UPDATE, NO KEY
 * UPDATE with everything but KEY SHARE, UPDATE with all.)
 */
export function tupleLockConflicts(a: RowLockStrength, b: RowLockStrength): boolean {
  return CONFLICTS[RANK[a]]![RANK[b]]!;
}

/** tupleLockExtraInfo's conflict table, by {@link RANK}: key share, share, no key update, update. */
const CONFLICTS: readonly (readonly boolean[])[] = [
  [false, false, false, true],
  [false, false, true, true],
  [false, true, true, true],
  [true, true, true, true],
];

/**
 * The mode the tuple's (normal, not multi) xmax holds it in: a lock's
 * strength bits, or for an update/delete FOR UPDATE when HEAP_KEYS_UPDATED
 * is set, else FOR NO KEY UPDATE (heap_lock_tuple's / get_mxact_status_for_lock's reading).
 */
export function heldLockMode(infomask: number, infomask2: number): RowLockStrength {
  const keys = (infomask2 & HEAP_KEYS_UPDATED) !== 0;
  if (!xmaxIsLockedOnly(infomask)) return keys ? 'update' : 'no key update';
  if ((infomask & HEAP_XMAX_SHR_LOCK) === HEAP_XMAX_SHR_LOCK) return 'share';
  if ((infomask & HEAP_XMAX_EXCL_LOCK) !== 0) return keys ? 'update' : 'no key update';
  if ((infomask & HEAP_XMAX_KEYSHR_LOCK) !== 0) return 'key share';
  // LOCK_ONLY without strength bits (pre-9.3 style): an exclusive lock
  return 'update';
}

/** compute_new_xmax_infomask for a single locker: the t_infomask / t_infomask2 bits a lock sets. */
export function lockInfomaskBits(strength: RowLockStrength): {
  infomask: number;
  infomask2: number;
} {
  switch (strength) {
    case 'key share':
      return { infomask: HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_KEYSHR_LOCK, infomask2: 0 };
    case 'share':
      return { infomask: HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_SHR_LOCK, infomask2: 0 };
    case 'no key update':
      return { infomask: HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_EXCL_LOCK, infomask2: 0 };
    case 'update':
      return {
        infomask: HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_EXCL_LOCK,
        infomask2: HEAP_KEYS_UPDATED,
      };
  }
}

/**
 * heap_lock_tuple's answer: TM_Ok (locked now or already held at least as
 * strongly by this transaction); TM_BeingModified: `xmax`, another running
 * transaction, holds a conflicting lock or change — wait for it and try
 * again; TM_Updated / TM_Deleted (`ctid` the newer version), TM_SelfModified,
 * TM_Invisible as HeapTupleSatisfiesUpdate found.
 */
export type LockTupleResult =
  | { readonly result: typeof TM_Result.Ok }
  | {
      readonly result: Exclude<(typeof TM_Result)[keyof typeof TM_Result], typeof TM_Result.Ok>;
      readonly ctid: Tid;
      readonly xmax: TransactionId;
    };

function multixactError(): MvccError {
  return new MvccError(ERRCODE_FEATURE_NOT_SUPPORTED, 'multixact row locks are not supported yet', {
    detail:
      'Two transactions (or a transaction and its subtransaction) would hold a lock on the same row at once, which needs a MultiXactId.',
  });
}

/**
 * heap_lock_tuple (single locker, wait handled by the caller): locks the
 * tuple at `tid` in `strength` for `w` (its xid, command id and view of who
 * is running), WAL-logging the page. Throws 0A000 where PostgreSQL would
 * make a multixact.
 */
export function heapLockTuple(
  heap: Heap,
  tid: Tid,
  strength: RowLockStrength,
  w: HeapWriter,
): LockTupleResult {
  if (tid.block >= heap.nblocks()) throw new Error(`heap: block ${tid.block} does not exist`);
  const { pool } = heap;
  const buffer = pool.readBuffer(heap.rel, ForkNumber.main, tid.block);
  pool.lock(buffer, 'exclusive');
  try {
    const page = pool.page(buffer);
    if (
      page.isNew() ||
      tid.offset > page.maxOffsetNumber ||
      page.itemId(tid.offset).flags !== LP_NORMAL
    ) {
      throw new Error(`heap: no tuple at (${tid.block},${tid.offset})`);
    }
    const item = page.mustItem(tid.offset);
    const mask = tupleInfomask(item);
    const xmax = tupleXmax(item);
    const ctid = tupleCtid(item);
    const r = heapTupleSatisfiesUpdate(
      {
        xmin: tupleXmin(item),
        xmax,
        cid: tupleCid(item),
        infomask: mask,
        ctid: { blockNumber: ctid.block, offsetNumber: ctid.offset },
      },
      { blockNumber: tid.block, offsetNumber: tid.offset },
      w.cid,
      w.ctx,
    );
    // hint bits are not written back here (the next scan sets them)
    if (r.result === TM_Result.BeingModified) {
      const held = heldLockMode(mask, tupleInfomask2(item));
      if (w.ctx.isCurrentTransactionId(xmax)) {
        // our own lock: enough already, or strengthened when the same xid holds it
        if (RANK[held] >= RANK[strength]) return { result: TM_Result.Ok };
        if (xmax !== w.xid) throw multixactError();
      } else if (tupleLockConflicts(held, strength)) {
        return { result: TM_Result.BeingModified, ctid, xmax };
      } else {
        throw multixactError();
      }
    } else if (r.result === TM_Result.Updated && strength === 'key share') {
      // a committed update that kept the key: PostgreSQL locks this version
      // anyway, with a multixact of the updater and the locker
      if ((tupleInfomask2(item) & HEAP_KEYS_UPDATED) === 0) throw multixactError();
      return { result: r.result, ctid, xmax };
    } else if (r.result !== TM_Result.Ok) {
      return { result: r.result, ctid, xmax };
    }
    const bits = lockInfomaskBits(strength);
    setTupleXmaxAndBits(item, {
      xmax: w.xid,
      infomask: bits.infomask,
      infomask2: bits.infomask2,
      ctid: tid,
    });
    let cleared = false;
    if (page.isAllVisible) {
      page.isAllVisible = false;
      heap.vm.clear(heap.rel, tid.block);
      cleared = true;
    }
    if (heap.inserter === undefined) pool.markDirty(buffer);
    else
      heap.inserter.insert({
        rmid: RM_HEAP_ID,
        info: XLOG_HEAP_LOCK,
        xid: w.xid,
        buffers: [{ buffer, data: heapPageData(pool.bytes(buffer)), willInit: true }],
        data: Uint8Array.of(cleared ? XLH_ALL_VISIBLE_CLEARED : 0),
      });
    return { result: TM_Result.Ok };
  } finally {
    pool.unlockRelease(buffer);
  }
}

/** The row's lock as the tuple header shows it (for tests and tools): null when xmax is invalid. */
export function rowLockOf(
  heap: Heap,
  tid: Tid,
): { xmax: TransactionId; mode: RowLockStrength; lockOnly: boolean } | null {
  const page = Page.wrap(heap.readCopy(tid.block));
  const item = page.mustItem(tid.offset);
  const mask = tupleInfomask(item);
  if ((mask & HEAP_XMAX_INVALID) !== 0) return null;
  return {
    xmax: tupleXmax(item),
    mode: heldLockMode(mask, tupleInfomask2(item)),
    lockOnly: xmaxIsLockedOnly(mask),
  };
}

export interface LockRowsOptions {
  /** NOWAIT: 55P03 instead of waiting. */
  readonly nowait?: boolean;
  /** SKIP LOCKED: rows another transaction holds are left out. */
  readonly skipLocked?: boolean;
}
