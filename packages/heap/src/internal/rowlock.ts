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
 * Multixacts: when another live transaction still holds the row in a mode
 * that does not conflict (a second FOR SHARE / FOR KEY SHARE next to a
 * shared lock, FOR KEY SHARE next to a running no-key UPDATE), or the
 * holder is the locker's own other subtransaction, the new xmax is a
 * MultiXactId (@pg/mvcc's MultiXacts, found through the writer's
 * context) of the surviving holders and the locker, with
 * HEAP_XMAX_IS_MULTI and the strongest member's bits (GetMultiXactIdHintBits;
 * HEAP_XMAX_LOCK_ONLY when no member updated). compute_new_xmax_infomask's
 * rules: holders that ended are dropped (a committed updater stays), a
 * transaction strengthening its own single lock keeps a plain xmax with
 * the stronger mode. A conflicting multi is waited for member by member:
 * the xid returned to wait for is always a transaction's (MultiXactIdWait
 * in turns). heap_update / heap_delete use the same rules
 * ({@link modifyWaitXid}, {@link newXmaxForUpdate}): a no-key UPDATE of a
 * row others hold FOR KEY SHARE proceeds and leaves a multi of the
 * lockers and the updater.
 *
 * Not done: heap_lock_updated_tuple (FOR KEY SHARE carried along an update
 * chain): a KEY SHARE lock next to a running no-key update does not lock
 * the update's new version, and FOR KEY SHARE of a version whose update
 * committed is 0A000; multixacts without MultiXacts attached to the
 * transaction log are 0A000.
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
import {
  HEAP_XMAX_IS_MULTI,
  heapTupleGetUpdateXid,
  heapTupleSatisfiesUpdate,
  isUpdateStatus,
  type MultiXactMember,
  MultiXactStatus,
  type MultiXacts,
  MvccError,
  multiXactReaderOf,
  multiXactsOf,
  TM_Result,
  type TransactionId,
  type UpdateContext,
  type VisibilityContext,
} from '@pg/mvcc';
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

/** get_mxact_status_for_lock: a lock's member status. */
export function lockStatus(strength: RowLockStrength): MultiXactStatus {
  switch (strength) {
    case 'key share':
      return MultiXactStatus.ForKeyShare;
    case 'share':
      return MultiXactStatus.ForShare;
    case 'no key update':
      return MultiXactStatus.ForNoKeyUpdate;
    case 'update':
      return MultiXactStatus.ForUpdate;
  }
}

/** TUPLOCK_from_mxstatus: the tuple lock mode a member status holds. */
export function statusLockMode(status: MultiXactStatus): RowLockStrength {
  switch (status) {
    case MultiXactStatus.ForKeyShare:
      return 'key share';
    case MultiXactStatus.ForShare:
      return 'share';
    case MultiXactStatus.ForNoKeyUpdate:
    case MultiXactStatus.NoKeyUpdate:
      return 'no key update';
    default:
      return 'update';
  }
}

/**
 * GetMultiXactIdHintBits: the t_infomask / t_infomask2 bits of a multi
 * xmax with these members: HEAP_XMAX_IS_MULTI, the strongest member's lock
 * bits (KEYSHR, SHR, EXCL; EXCL + HEAP_KEYS_UPDATED for FOR UPDATE or a key
 * update), and HEAP_XMAX_LOCK_ONLY when no member updated the row.
 */
export function multiXactHintBits(members: readonly MultiXactMember[]): {
  infomask: number;
  infomask2: number;
} {
  let rank = -1;
  let hasUpdate = false;
  for (const m of members) {
    rank = Math.max(rank, RANK[statusLockMode(m.status)]);
    if (isUpdateStatus(m.status)) hasUpdate = true;
  }
  let infomask = HEAP_XMAX_IS_MULTI;
  let infomask2 = 0;
  if (rank === 0) infomask |= HEAP_XMAX_KEYSHR_LOCK;
  else if (rank === 1) infomask |= HEAP_XMAX_SHR_LOCK;
  else if (rank === 2) infomask |= HEAP_XMAX_EXCL_LOCK;
  else {
    infomask |= HEAP_XMAX_EXCL_LOCK;
    infomask2 |= HEAP_KEYS_UPDATED;
  }
  if (!hasUpdate) infomask |= HEAP_XMAX_LOCK_ONLY;
  return { infomask, infomask2 };
}

/**
 * Who holds the tuple through its xmax: a multi's members, or the one
 * xid with the status its infomask says (a lock's strength, or an
 * update / key update).
 */
export function xmaxHolders(
  xmax: TransactionId,
  infomask: number,
  infomask2: number,
  ctx: VisibilityContext,
): readonly MultiXactMember[] {
  if ((infomask & HEAP_XMAX_IS_MULTI) !== 0) return multiXactReaderOf(ctx, xmax).getMembers(xmax);
  const mode = heldLockMode(infomask, infomask2);
  if (!xmaxIsLockedOnly(infomask)) {
    return [
      {
        xid: xmax,
        status: mode === 'update' ? MultiXactStatus.Update : MultiXactStatus.NoKeyUpdate,
      },
    ];
  }
  return [{ xid: xmax, status: lockStatus(mode) }];
}

/**
 * The first member of a holder set another running transaction holds in
 * a mode conflicting with `strength` (the xid to wait for: MultiXactIdWait
 * waits for each conflicting member in turn; the caller waits for this one
 * and asks again), or a committed conflicting updater (`committedUpdate`),
 * or nothing.
 */
export function conflictingHolder(
  holders: readonly MultiXactMember[],
  strength: RowLockStrength,
  ctx: UpdateContext,
): { running: TransactionId } | { committedUpdate: TransactionId } | null {
  let committed: TransactionId | undefined;
  for (const m of holders) {
    if (ctx.isCurrentTransactionId(m.xid)) continue;
    if (!tupleLockConflicts(statusLockMode(m.status), strength)) continue;
    if (ctx.isInProgress(m.xid)) return { running: m.xid };
    if (isUpdateStatus(m.status) && ctx.log.didCommit(m.xid)) committed = m.xid;
  }
  return committed === undefined ? null : { committedUpdate: committed };
}

/**
 * The xid a failed heap_update / heap_delete / heap_lock_tuple reports to
 * wait for: a plain xmax as is; for a multi, the first running member
 * whose hold conflicts with `strength` (else the first running one), so
 * the caller's XactLockTableWait waits on a transaction, never on a
 * MultiXactId.
 */
export function xidToWaitFor(
  xmax: TransactionId,
  infomask: number,
  infomask2: number,
  strength: RowLockStrength,
  ctx: UpdateContext,
): TransactionId {
  if ((infomask & HEAP_XMAX_IS_MULTI) === 0) return xmax;
  const holders = xmaxHolders(xmax, infomask, infomask2, ctx);
  const c = conflictingHolder(holders, strength, ctx);
  if (c !== null && 'running' in c) return c.running;
  for (const m of holders)
    if (!ctx.isCurrentTransactionId(m.xid) && ctx.isInProgress(m.xid)) return m.xid;
  return xmax;
}

/**
 * heap_lock_tuple (the wait handled by the caller): locks the tuple at
 * `tid` in `strength` for `w` (its xid, command id and view of who is
 * running), WAL-logging the page. When other transactions still hold the
 * row in modes that do not conflict (or the holder is the caller's other
 * subtransaction), the new xmax is a MultiXactId of the surviving holders
 * and the locker (compute_new_xmax_infomask); the multixacts come from
 * `w.ctx.multixacts` or those attached to `w.ctx.log`.
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
    const mask2 = tupleInfomask2(item);
    const xmax = tupleXmax(item);
    const ctid = tupleCtid(item);
    const ctx = w.ctx;
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
      ctx,
    );
    // hint bits are not written back here (the next scan sets them)
    let bits: { xmax: TransactionId; infomask: number; infomask2: number };
    if (r.result === TM_Result.Ok) {
      bits = { xmax: w.xid, ...lockInfomaskBits(strength) };
    } else if (
      r.result === TM_Result.BeingModified ||
      r.result === TM_Result.Updated ||
      r.result === TM_Result.Deleted
    ) {
      const holders = xmaxHolders(xmax, mask, mask2, ctx);
      // a lock as strong held by this transaction already (any of its live xids)
      for (const m of holders) {
        if (ctx.isCurrentTransactionId(m.xid) && RANK[statusLockMode(m.status)] >= RANK[strength])
          return { result: TM_Result.Ok };
      }
      const c = conflictingHolder(holders, strength, ctx);
      if (c !== null && 'running' in c) {
        return { result: TM_Result.BeingModified, ctid, xmax: c.running };
      }
      if (c !== null) {
        const moved = ctid.block !== tid.block || ctid.offset !== tid.offset;
        return {
          result: moved ? TM_Result.Updated : TM_Result.Deleted,
          ctid,
          xmax: c.committedUpdate,
        };
      }
      // KEY SHARE of a version whose committed update kept the key: PostgreSQL locks
      // it with a multixact of the updater and the locker AND locks the newer
      // versions (heap_lock_updated_tuple), which is not done here
      if (holders.some((m) => isUpdateStatus(m.status) && ctx.log.didCommit(m.xid))) {
        throw new MvccError(
          ERRCODE_FEATURE_NOT_SUPPORTED,
          'locking a row version whose update committed (FOR KEY SHARE across an update chain) is not supported yet',
        );
      }
      // survivors: running holders, and a committed updater (MultiXactIdExpand)
      const live = holders.filter(
        (m) =>
          ctx.isCurrentTransactionId(m.xid) ||
          ctx.isInProgress(m.xid) ||
          (isUpdateStatus(m.status) && ctx.log.didCommit(m.xid)),
      );
      const only = live[0];
      if (live.length === 0) {
        bits = { xmax: w.xid, ...lockInfomaskBits(strength) };
      } else if (live.length === 1 && only !== undefined && only.xid === w.xid) {
        // our own single lock, strengthened: the strongest of both, no multi
        const mode = statusLockMode(only.status);
        const stronger = RANK[mode] > RANK[strength] ? mode : strength;
        bits = { xmax: w.xid, ...lockInfomaskBits(stronger) };
      } else {
        const members = [...live, { xid: w.xid, status: lockStatus(strength) }];
        const mx = ctx.multixacts ?? multiXactsOf(ctx.log);
        if (mx === undefined || !('create' in mx)) {
          throw new MvccError(
            ERRCODE_FEATURE_NOT_SUPPORTED,
            'cannot lock the row: it needs a MultiXactId and no multixacts are attached to the transaction log',
          );
        }
        const multi = (mx as MultiXacts).create(members);
        bits = { xmax: multi, ...multiXactHintBits(members) };
      }
    } else {
      return { result: r.result, ctid, xmax };
    }
    setTupleXmaxAndBits(item, { ...bits, ctid: tid });
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

/**
 * HeapTupleHeaderGetUpdateXid: the xid that updated or deleted the tuple —
 * its plain xmax, or a multi xmax's updating member (0 when the multi only
 * locks).
 */
export function updateXidOf(item: Uint8Array, ctx: VisibilityContext): TransactionId {
  const mask = tupleInfomask(item);
  if ((mask & HEAP_XMAX_IS_MULTI) === 0) return tupleXmax(item);
  return heapTupleGetUpdateXid(
    { xmin: tupleXmin(item), xmax: tupleXmax(item), cid: tupleCid(item), infomask: mask },
    ctx,
  );
}

/**
 * heap_update / heap_delete on a tuple HeapTupleSatisfiesUpdate called
 * BeingModified: the xid to wait for, or null when the change may go on
 * (every running holder is the caller's own or holds a mode that does not
 * conflict with `strength` — 'update' for a delete or a key update, 'no
 * key update' for an update keeping the key: KEY SHARE lockers stay).
 */
export function modifyWaitXid(
  item: Uint8Array,
  strength: RowLockStrength,
  ctx: UpdateContext,
): TransactionId | null {
  const mask = tupleInfomask(item);
  if ((mask & HEAP_XMAX_INVALID) !== 0) return null;
  const holders = xmaxHolders(tupleXmax(item), mask, tupleInfomask2(item), ctx);
  const c = conflictingHolder(holders, strength, ctx);
  return c !== null && 'running' in c ? c.running : null;
}

/**
 * compute_new_xmax_infomask for heap_update / heap_delete: the old
 * version's new xmax. Plain `w.xid` (infomask2 as given: HEAP_KEYS_UPDATED
 * for a delete or key update) when nobody else still holds the row;
 * otherwise a MultiXactId of the surviving holders (other running
 * transactions' locks, and this transaction's other subtransactions')
 * and the updater (NoKeyUpdate, or Update when the key changed), with
 * GetMultiXactIdHintBits' bits.
 */
export function newXmaxForUpdate(
  item: Uint8Array,
  w: HeapWriter,
  infomask2: number,
): { xmax: TransactionId; infomask: number; infomask2: number } {
  const plain = { xmax: w.xid, infomask: 0, infomask2 };
  const mask = tupleInfomask(item);
  if ((mask & HEAP_XMAX_INVALID) !== 0) return plain;
  const ctx = w.ctx;
  const live = xmaxHolders(tupleXmax(item), mask, tupleInfomask2(item), ctx).filter(
    (m) =>
      m.xid !== w.xid &&
      !isUpdateStatus(m.status) &&
      (ctx.isCurrentTransactionId(m.xid) || ctx.isInProgress(m.xid)),
  );
  if (live.length === 0) return plain;
  const status =
    (infomask2 & HEAP_KEYS_UPDATED) !== 0 ? MultiXactStatus.Update : MultiXactStatus.NoKeyUpdate;
  const members = [...live, { xid: w.xid, status }];
  const mx = ctx.multixacts ?? multiXactsOf(ctx.log);
  if (mx === undefined || !('create' in mx)) {
    throw new MvccError(
      ERRCODE_FEATURE_NOT_SUPPORTED,
      'cannot update the row: it needs a MultiXactId and no multixacts are attached to the transaction log',
    );
  }
  const multi = (mx as MultiXacts).create(members);
  return { xmax: multi, ...multiXactHintBits(members) };
}

/** The row's lock as the tuple header shows it (for tests and tools): null when xmax is invalid; `multi` when xmax is a MultiXactId. */
export function rowLockOf(
  heap: Heap,
  tid: Tid,
): { xmax: TransactionId; mode: RowLockStrength; lockOnly: boolean; multi?: true } | null {
  const page = Page.wrap(heap.readCopy(tid.block));
  const item = page.mustItem(tid.offset);
  const mask = tupleInfomask(item);
  if ((mask & HEAP_XMAX_INVALID) !== 0) return null;
  return {
    xmax: tupleXmax(item),
    mode: heldLockMode(mask, tupleInfomask2(item)),
    lockOnly: xmaxIsLockedOnly(mask),
    // xmax is then a MultiXactId, mode the strongest member's
    ...((mask & HEAP_XMAX_IS_MULTI) !== 0 ? { multi: true as const } : {}),
  };
}

export interface LockRowsOptions {
  /** NOWAIT: 55P03 instead of waiting. */
  readonly nowait?: boolean;
  /** SKIP LOCKED: rows another transaction holds are left out. */
  readonly skipLocked?: boolean;
}
