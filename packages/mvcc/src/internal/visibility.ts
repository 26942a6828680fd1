/**
 * The visibility rules for heap tuples: PostgreSQL 15's
 * access/heap/heapam_visibility.c, HeapTupleSatisfiesMVCC (may a snapshot
 * see this row version?) and HeapTupleSatisfiesUpdate (may this command
 * update or delete it, and if not, why?).
 *
 * The tuple header is given as fields (the heap package reads and writes
 * the bytes):
 *
 *   field      what it holds
 *   xmin       the inserting (sub)transaction's xid
 *   xmax       the deleting or locking xid, 0 when none (or stale: see infomask)
 *   cid        t_cid: the inserting command (cmin), the deleting one (cmax),
 *              or a combo id standing for both (HEAP_COMBOCID)
 *   infomask   t_infomask; the bits read here:
 *
 *   bit      name                  meaning
 *   0x0010   HEAP_XMAX_KEYSHR_LOCK xmax is a key-share locker
 *   0x0020   HEAP_COMBOCID         cid is a combo id
 *   0x0040   HEAP_XMAX_EXCL_LOCK   xmax is an exclusive locker
 *   0x0080   HEAP_XMAX_LOCK_ONLY   xmax only locked the row, did not delete it
 *   0x0100   HEAP_XMIN_COMMITTED   hint: xmin committed
 *   0x0200   HEAP_XMIN_INVALID     hint: xmin aborted
 *   0x0300   HEAP_XMIN_FROZEN      both: xmin committed before every snapshot
 *   0x0400   HEAP_XMAX_COMMITTED   hint: xmax committed
 *   0x0800   HEAP_XMAX_INVALID     hint: xmax aborted, or there is no xmax
 *   0x1000   HEAP_XMAX_IS_MULTI    xmax is a MultiXactId (multixact.ts)
 *   0x2000   HEAP_UPDATED          this version was made by an UPDATE
 *   0x4000   HEAP_MOVED_OFF        pre-9.0 VACUUM FULL (not supported)
 *   0x8000   HEAP_MOVED_IN         pre-9.0 VACUUM FULL (not supported)
 *
 * The rules (for a tuple and a snapshot of transaction T at command c):
 *   V1. A version inserted by T itself (xmin is one of T's live xids) is
 *       seen iff cmin < c, and not deleted by T with cmax < c. So a
 *       command never sees what it inserts itself (the Halloween problem),
 *       and sees what earlier commands did.
 *   V2. Otherwise it is seen iff xmin committed and was not running when
 *       the snapshot was taken (not in xip/subxip, older than xmax), and
 *       xmax is empty, only a locker, aborted, running at the snapshot, or
 *       T's own with cmax >= c.
 *   V3. A frozen xmin (HEAP_XMIN_FROZEN) is seen by every snapshot.
 *   V4. The hint bits returned are facts that no longer change: xmin or
 *       xmax committed or aborted. The caller ORs them into t_infomask
 *       (PostgreSQL's SetHintBits; it may skip them, they are hints). The
 *       caller must not set a COMMITTED hint before the commit record is
 *       flushed (asynchronous commit: PostgreSQL checks the page LSN; the
 *       flush check is not wired here, so every commit is taken as flushed).
 *
 * Multixacts (HEAP_XMAX_IS_MULTI: several transactions hold the row):
 *   V5. A lock-only multi (HEAP_XMAX_LOCK_ONLY, or no update member) never
 *       hides the tuple; no lookup is needed for that.
 *   V6. Otherwise the multi's one updater (HeapTupleGetUpdateXid) decides
 *       deletion visibility as a plain xmax would.
 *   V7. SatisfiesUpdate answers BeingModified while any member is running
 *       (MultiXactIdIsRunning, the reader's own xids included), Updated /
 *       Deleted when the updater committed and no member runs, else Ok.
 *   The members come from ctx.multixacts, or from the MultiXacts attached
 *   to ctx.log (attachMultiXacts); a multi with neither is a clear 0A000.
 *
 * Pre-9.0 moved tuples are a clear 0A000 error when the rules need to look
 * at them.
 */
import type { TransactionLog } from './clog-transam.js';
import { isUpdateStatus, type MultiXactReader, multiXactsOf } from './multixact.js';
import { type CommandId, type Snapshot, xidInMVCCSnapshot } from './snapshot.js';
import type { ComboCids } from './visibility-combocid.js';
import type { TransactionId } from './xid.js';
import { ERRCODE_FEATURE_NOT_SUPPORTED, MvccError } from './xid-errors.js';

export const HEAP_XMAX_KEYSHR_LOCK = 0x0010;
export const HEAP_COMBOCID = 0x0020;
export const HEAP_XMAX_EXCL_LOCK = 0x0040;
export const HEAP_XMAX_LOCK_ONLY = 0x0080;
export const HEAP_XMAX_SHR_LOCK = HEAP_XMAX_EXCL_LOCK | HEAP_XMAX_KEYSHR_LOCK;
export const HEAP_LOCK_MASK = HEAP_XMAX_SHR_LOCK | HEAP_XMAX_EXCL_LOCK | HEAP_XMAX_KEYSHR_LOCK;
export const HEAP_XMIN_COMMITTED = 0x0100;
export const HEAP_XMIN_INVALID = 0x0200;
export const HEAP_XMIN_FROZEN = HEAP_XMIN_COMMITTED | HEAP_XMIN_INVALID;
export const HEAP_XMAX_COMMITTED = 0x0400;
export const HEAP_XMAX_INVALID = 0x0800;
export const HEAP_XMAX_IS_MULTI = 0x1000;
export const HEAP_UPDATED = 0x2000;
export const HEAP_MOVED_OFF = 0x4000;
export const HEAP_MOVED_IN = 0x8000;
export const HEAP_MOVED = HEAP_MOVED_OFF | HEAP_MOVED_IN;

/** The tuple-header fields the rules read. */
export interface TupleHeaderFields {
  readonly xmin: TransactionId;
  readonly xmax: TransactionId;
  /** t_cid */
  readonly cid: CommandId;
  /** t_infomask */
  readonly infomask: number;
}

/** A tuple's address (ItemPointerData), for SatisfiesUpdate's updated-or-deleted answer. */
export interface ItemPointer {
  readonly blockNumber: number;
  readonly offsetNumber: number;
}

/** What the rules need to know about transactions, from the reader's point of view. */
export interface VisibilityContext {
  /** TransactionIdDidCommit (commit log) */
  readonly log: TransactionLog;
  /**
   * TransactionIdIsCurrentTransactionId: the reader's top-level xid or one
   * of its subtransactions' that has not been rolled back
   */
  isCurrentTransactionId(xid: TransactionId): boolean;
  /** pg_subtrans' topmost lookup, for suboverflowed snapshots */
  readonly getTopmost?: (xid: TransactionId) => TransactionId;
  /** the reader's combo command ids, to read HEAP_COMBOCID tuples it made */
  readonly comboCids?: ComboCids;
  /** the members of multixacts (default: those attached to `log`) */
  readonly multixacts?: MultiXactReader;
}

/** What SatisfiesUpdate needs in addition: TransactionIdIsInProgress (true for the reader's own xids too). */
export interface UpdateContext extends VisibilityContext {
  isInProgress(xid: TransactionId): boolean;
}

/** HEAP_XMAX_IS_LOCKED_ONLY. */
export function xmaxIsLockedOnly(infomask: number): boolean {
  return (
    (infomask & HEAP_XMAX_LOCK_ONLY) !== 0 ||
    (infomask & (HEAP_XMAX_IS_MULTI | HEAP_LOCK_MASK)) === HEAP_XMAX_EXCL_LOCK
  );
}
/** HeapTupleHeaderXminCommitted (true for frozen too). */
export function xminCommitted(infomask: number): boolean {
  return (infomask & HEAP_XMIN_COMMITTED) !== 0;
}
/** HeapTupleHeaderXminInvalid: the INVALID hint without COMMITTED (that pair means frozen). */
export function xminInvalid(infomask: number): boolean {
  return (infomask & HEAP_XMIN_FROZEN) === HEAP_XMIN_INVALID;
}
/** HeapTupleHeaderXminFrozen. */
export function xminFrozen(infomask: number): boolean {
  return (infomask & HEAP_XMIN_FROZEN) === HEAP_XMIN_FROZEN;
}

/** HeapTupleHeaderGetCmin: only meaningful to the inserting transaction. */
export function tupleCmin(tuple: TupleHeaderFields, ctx: VisibilityContext): CommandId {
  if ((tuple.infomask & HEAP_COMBOCID) === 0) return tuple.cid;
  return mustComboCids(tuple, ctx).getRealCmin(tuple.cid);
}

/** HeapTupleHeaderGetCmax: only meaningful to the deleting transaction. */
export function tupleCmax(tuple: TupleHeaderFields, ctx: VisibilityContext): CommandId {
  if ((tuple.infomask & HEAP_COMBOCID) === 0) return tuple.cid;
  return mustComboCids(tuple, ctx).getRealCmax(tuple.cid);
}

/**
 * HeapTupleHeaderAdjustCmax: the t_cid a deleting command should store.
 * When the deleter also inserted the tuple (xmin is its own, not yet
 * hinted committed), a combo id for (cmin, cmax) and HEAP_COMBOCID.
 */
export function adjustCmax(
  tuple: TupleHeaderFields,
  cmax: CommandId,
  ctx: VisibilityContext & { readonly comboCids: ComboCids },
): { cid: CommandId; isCombo: boolean } {
  if (!xminCommitted(tuple.infomask) && ctx.isCurrentTransactionId(tuple.xmin)) {
    const cmin = tupleCmin(tuple, ctx);
    return { cid: ctx.comboCids.getComboCommandId(cmin, cmax), isCombo: true };
  }
  return { cid: cmax, isCombo: false };
}

/** HeapTupleSatisfiesMVCC's answer: visible or not, and the hint bits to set. */
export interface MvccVisibility {
  readonly visible: boolean;
  /** infomask bits to OR into the tuple (0 for none) */
  readonly setHints: number;
}

const SETTLED_VISIBLE: MvccVisibility = Object.freeze({ visible: true, setHints: 0 });
const SETTLED_INVISIBLE: MvccVisibility = Object.freeze({ visible: false, setHints: 0 });

/** HeapTupleSatisfiesMVCC (V1..V4). */
export function heapTupleSatisfiesMVCC(
  tuple: TupleHeaderFields,
  snapshot: Snapshot,
  ctx: VisibilityContext,
): MvccVisibility {
  const mask = tuple.infomask;
  // The settled case a scan meets most: inserter hinted committed, no
  // deleter. The general path below gives the same answer; this one
  // allocates nothing.
  if (
    (mask & (HEAP_XMIN_COMMITTED | HEAP_XMAX_INVALID)) ===
    (HEAP_XMIN_COMMITTED | HEAP_XMAX_INVALID)
  ) {
    return xminFrozen(mask) || !xidInMVCCSnapshot(tuple.xmin, snapshot, ctx.getTopmost)
      ? SETTLED_VISIBLE
      : SETTLED_INVISIBLE;
  }
  let hints = 0;
  const answer = (visible: boolean): MvccVisibility => ({ visible, setHints: hints });
  const inSnapshot = (xid: TransactionId) => xidInMVCCSnapshot(xid, snapshot, ctx.getTopmost);

  if (!xminCommitted(mask)) {
    if (xminInvalid(mask)) return answer(false);
    rejectMoved(tuple);
    if (ctx.isCurrentTransactionId(tuple.xmin)) {
      if (tupleCmin(tuple, ctx) >= snapshot.curcid) return answer(false); // inserted after scan started
      if ((mask & HEAP_XMAX_INVALID) !== 0) return answer(true);
      if (xmaxIsLockedOnly(mask)) return answer(true);
      if ((mask & HEAP_XMAX_IS_MULTI) !== 0) {
        const xmax = heapTupleGetUpdateXid(tuple, ctx);
        if (xmax === 0) return answer(true); // V5: no updater among the members
        // the updating subtransaction must have aborted
        if (!ctx.isCurrentTransactionId(xmax)) return answer(true);
        return answer(tupleCmax(tuple, ctx) >= snapshot.curcid);
      }
      if (!ctx.isCurrentTransactionId(tuple.xmax)) {
        // the deleting subtransaction must have aborted
        hints |= HEAP_XMAX_INVALID;
        return answer(true);
      }
      return answer(tupleCmax(tuple, ctx) >= snapshot.curcid); // deleted after / before scan started
    }
    if (inSnapshot(tuple.xmin)) return answer(false);
    if (ctx.log.didCommit(tuple.xmin)) {
      hints |= HEAP_XMIN_COMMITTED;
    } else {
      // it must have aborted or crashed
      hints |= HEAP_XMIN_INVALID;
      return answer(false);
    }
  } else if (!xminFrozen(mask) && inSnapshot(tuple.xmin)) {
    return answer(false); // committed, but not according to this snapshot
  }

  // by here, the inserting transaction has committed (for this snapshot)
  if ((mask & HEAP_XMAX_INVALID) !== 0) return answer(true);
  if (xmaxIsLockedOnly(mask)) return answer(true);
  if ((mask & HEAP_XMAX_IS_MULTI) !== 0) {
    // V6: the updater inside the multi decides (no hint: lockers may still run)
    const xmax = heapTupleGetUpdateXid(tuple, ctx);
    if (xmax === 0) return answer(true);
    if (ctx.isCurrentTransactionId(xmax)) return answer(tupleCmax(tuple, ctx) >= snapshot.curcid);
    if (inSnapshot(xmax)) return answer(true);
    return answer(!ctx.log.didCommit(xmax));
  }
  if ((mask & HEAP_XMAX_COMMITTED) === 0) {
    if (ctx.isCurrentTransactionId(tuple.xmax)) {
      return answer(tupleCmax(tuple, ctx) >= snapshot.curcid);
    }
    if (inSnapshot(tuple.xmax)) return answer(true);
    if (!ctx.log.didCommit(tuple.xmax)) {
      hints |= HEAP_XMAX_INVALID; // it must have aborted or crashed
      return answer(true);
    }
    hints |= HEAP_XMAX_COMMITTED;
  } else if (inSnapshot(tuple.xmax)) {
    return answer(true);
  }
  return answer(false);
}

/** TM_Result: what an attempt to update, delete or lock a row version meets. */
export const TM_Result = {
  /** the tuple may be updated */
  Ok: 'TM_Ok',
  /** not visible to the command at all (inserted later, or by an aborted or running transaction) */
  Invisible: 'TM_Invisible',
  /** already updated or deleted by the current command (or a later one of this transaction) */
  SelfModified: 'TM_SelfModified',
  /** updated by a committed transaction: t_ctid points to the newer version */
  Updated: 'TM_Updated',
  /** deleted by a committed transaction */
  Deleted: 'TM_Deleted',
  /** a running transaction is updating, deleting or locking it: wait for it */
  BeingModified: 'TM_BeingModified',
} as const;
export type TMResult = (typeof TM_Result)[keyof typeof TM_Result];

/** HeapTupleSatisfiesUpdate's answer and hint bits. */
export interface UpdateVisibility {
  readonly result: TMResult;
  readonly setHints: number;
}

/**
 * HeapTupleSatisfiesUpdate: may command `curcid` of the current transaction
 * update, delete or lock this version (found at `self`, its t_ctid
 * `ctid`)? Unlike the MVCC test it judges by who is running now, not by a
 * snapshot: the heap waits for a BeingModified tuple's xmax, then asks
 * again.
 */
export function heapTupleSatisfiesUpdate(
  tuple: TupleHeaderFields & { readonly ctid: ItemPointer },
  self: ItemPointer,
  curcid: CommandId,
  ctx: UpdateContext,
): UpdateVisibility {
  const mask = tuple.infomask;
  let hints = 0;
  const answer = (result: TMResult): UpdateVisibility => ({ result, setHints: hints });
  const updatedOrDeleted = (): TMResult =>
    tuple.ctid.blockNumber !== self.blockNumber || tuple.ctid.offsetNumber !== self.offsetNumber
      ? TM_Result.Updated
      : TM_Result.Deleted;

  if (!xminCommitted(mask)) {
    if (xminInvalid(mask)) return answer(TM_Result.Invisible);
    rejectMoved(tuple);
    if (ctx.isCurrentTransactionId(tuple.xmin)) {
      if (tupleCmin(tuple, ctx) >= curcid) return answer(TM_Result.Invisible);
      if ((mask & HEAP_XMAX_INVALID) !== 0) return answer(TM_Result.Ok);
      if (xmaxIsLockedOnly(mask)) {
        // our own tuple may still be locked by others (key-share locks carried over)
        const running =
          (mask & HEAP_XMAX_IS_MULTI) !== 0
            ? multiXactIdIsRunning(tuple.xmax, ctx)
            : ctx.isInProgress(tuple.xmax);
        return answer(running ? TM_Result.BeingModified : TM_Result.Ok);
      }
      if ((mask & HEAP_XMAX_IS_MULTI) !== 0) {
        const xmax = heapTupleGetUpdateXid(tuple, ctx);
        if (xmax === 0 || !ctx.isCurrentTransactionId(xmax)) {
          // the updating subtransaction must have aborted
          return answer(
            multiXactIdIsRunning(tuple.xmax, ctx) ? TM_Result.BeingModified : TM_Result.Ok,
          );
        }
        return answer(
          tupleCmax(tuple, ctx) >= curcid ? TM_Result.SelfModified : TM_Result.Invisible,
        );
      }
      if (!ctx.isCurrentTransactionId(tuple.xmax)) {
        hints |= HEAP_XMAX_INVALID; // the deleting subtransaction must have aborted
        return answer(TM_Result.Ok);
      }
      return answer(tupleCmax(tuple, ctx) >= curcid ? TM_Result.SelfModified : TM_Result.Invisible);
    }
    if (ctx.isInProgress(tuple.xmin)) return answer(TM_Result.Invisible);
    if (ctx.log.didCommit(tuple.xmin)) {
      hints |= HEAP_XMIN_COMMITTED;
    } else {
      hints |= HEAP_XMIN_INVALID; // it must have aborted or crashed
      return answer(TM_Result.Invisible);
    }
  }

  // by here, the inserting transaction has committed
  if ((mask & HEAP_XMAX_INVALID) !== 0) return answer(TM_Result.Ok);
  if ((mask & HEAP_XMAX_COMMITTED) !== 0) {
    if (xmaxIsLockedOnly(mask)) return answer(TM_Result.Ok);
    return answer(updatedOrDeleted());
  }
  if ((mask & HEAP_XMAX_IS_MULTI) !== 0) {
    // V7
    if (xmaxIsLockedOnly(mask)) {
      if (multiXactIdIsRunning(tuple.xmax, ctx)) return answer(TM_Result.BeingModified);
      hints |= HEAP_XMAX_INVALID;
      return answer(TM_Result.Ok);
    }
    const xmax = heapTupleGetUpdateXid(tuple, ctx);
    if (xmax !== 0 && ctx.isCurrentTransactionId(xmax)) {
      return answer(tupleCmax(tuple, ctx) >= curcid ? TM_Result.SelfModified : TM_Result.Invisible);
    }
    if (multiXactIdIsRunning(tuple.xmax, ctx)) return answer(TM_Result.BeingModified);
    if (xmax !== 0 && ctx.log.didCommit(xmax)) return answer(updatedOrDeleted());
    hints |= HEAP_XMAX_INVALID; // no member alive, the updater aborted
    return answer(TM_Result.Ok);
  }
  if (ctx.isCurrentTransactionId(tuple.xmax)) {
    if (xmaxIsLockedOnly(mask)) return answer(TM_Result.BeingModified);
    return answer(tupleCmax(tuple, ctx) >= curcid ? TM_Result.SelfModified : TM_Result.Invisible);
  }
  if (ctx.isInProgress(tuple.xmax)) return answer(TM_Result.BeingModified);
  if (!ctx.log.didCommit(tuple.xmax)) {
    hints |= HEAP_XMAX_INVALID; // it must have aborted or crashed
    return answer(TM_Result.Ok);
  }
  if (xmaxIsLockedOnly(mask)) {
    hints |= HEAP_XMAX_INVALID; // a committed locker no longer matters
    return answer(TM_Result.Ok);
  }
  hints |= HEAP_XMAX_COMMITTED;
  return answer(updatedOrDeleted());
}

/** The multixact members a context reads (ctx.multixacts, else those attached to ctx.log). */
export function multiXactReaderOf(ctx: VisibilityContext, multi: number): MultiXactReader {
  const r = ctx.multixacts ?? multiXactsOf(ctx.log);
  if (r === undefined) {
    throw new MvccError(
      ERRCODE_FEATURE_NOT_SUPPORTED,
      `multixact xmax ${multi} cannot be read: no multixacts are attached to this transaction log`,
      {
        detail:
          'Give the VisibilityContext `multixacts`, or call attachMultiXacts(log, multixacts).',
      },
    );
  }
  return r;
}

/**
 * HeapTupleGetUpdateXid for a tuple whose xmax is a multi: its updating
 * member's xid, 0 when there is none (lock-only).
 */
export function heapTupleGetUpdateXid(
  tuple: TupleHeaderFields,
  ctx: VisibilityContext,
): TransactionId {
  if ((tuple.infomask & HEAP_XMAX_LOCK_ONLY) !== 0) return 0;
  for (const m of multiXactReaderOf(ctx, tuple.xmax).getMembers(tuple.xmax)) {
    if (isUpdateStatus(m.status)) return m.xid;
  }
  return 0;
}

/**
 * MultiXactIdIsRunning: is any member still running? (the reader's own
 * live xids count as running, as in PostgreSQL)
 */
export function multiXactIdIsRunning(multi: number, ctx: UpdateContext): boolean {
  for (const m of multiXactReaderOf(ctx, multi).getMembers(multi)) {
    if (ctx.isCurrentTransactionId(m.xid) || ctx.isInProgress(m.xid)) return true;
  }
  return false;
}

function rejectMoved(tuple: TupleHeaderFields): void {
  if ((tuple.infomask & HEAP_MOVED) !== 0) {
    throw new MvccError(
      ERRCODE_FEATURE_NOT_SUPPORTED,
      'tuples moved by pre-9.0 VACUUM FULL (HEAP_MOVED_OFF, HEAP_MOVED_IN) are not supported',
    );
  }
}

function mustComboCids(tuple: TupleHeaderFields, ctx: VisibilityContext): ComboCids {
  if (ctx.comboCids === undefined) {
    throw new MvccError(
      ERRCODE_FEATURE_NOT_SUPPORTED,
      `tuple with xmin ${tuple.xmin} has a combo command id, and no combo command id table was given`,
    );
  }
  return ctx.comboCids;
}
