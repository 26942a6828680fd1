/**
 * Transaction ids, as PostgreSQL 15's access/transam/transam.c and varsup.c
 * define them.
 *
 * On disk (tuple headers, pg_xact, WAL) an xid is 32 bits and compares
 * modulo 2^32: of two normal xids, the one less than 2^31 steps behind is
 * the older. In memory the counter is a FullTransactionId, 64 bits, the
 * epoch (how many times the 32-bit counter wrapped) above the 32-bit xid:
 *
 *   63                 32 31                  0
 *   +--------------------+--------------------+
 *   |       epoch        |        xid         |
 *   +--------------------+--------------------+
 *
 * Special xids (never assigned, never in pg_xact as real transactions):
 *
 *   xid  name                        meaning
 *   0    InvalidTransactionId        "no transaction": xmax of a live tuple
 *   1    BootstrapTransactionId      initdb's rows; always committed
 *   2    FrozenTransactionId         committed before every snapshot
 *   3    FirstNormalTransactionId    the first xid the counter hands out
 *
 * When the 32-bit part wraps past 2^32-1 the counter skips 0, 1 and 2.
 *
 * Wraparound protection (SetTransactionIdLimit, GetNewTransactionId): from
 * the oldest datfrozenxid of any database, xidWrapLimit is 2^31 xids ahead
 * (the point where old xids would start to look like future ones);
 * assignment WARNs within 40,000,000 of it, and refuses with 54000 within
 * 3,000,000 of it (PostgreSQL 15's numbers), except in single-user mode.
 */
import {
  ERRCODE_INTERNAL_ERROR,
  ERRCODE_PROGRAM_LIMIT_EXCEEDED,
  MvccError,
  type MvccNotice,
} from './xid-errors.js';

/** A 32-bit transaction id, as stored in tuple headers and pg_xact. */
export type TransactionId = number;
/** A 64-bit transaction id: epoch << 32 | xid. */
export type FullTransactionId = bigint;

export const INVALID_TRANSACTION_ID = 0;
export const BOOTSTRAP_TRANSACTION_ID = 1;
export const FROZEN_TRANSACTION_ID = 2;
export const FIRST_NORMAL_TRANSACTION_ID = 3;
export const MAX_TRANSACTION_ID = 0xffff_ffff;
/** FirstNormalFullTransactionId: epoch 0, xid 3. */
export const FIRST_NORMAL_FULL_TRANSACTION_ID: FullTransactionId = 3n;

/** Stop assigning this many xids before xidWrapLimit (PostgreSQL 15: 3,000,000). */
export const XID_STOP_MARGIN = 3_000_000;
/** Warn this many xids before xidWrapLimit (40,000,000). */
export const XID_WARN_MARGIN = 40_000_000;
/** autovacuum_freeze_max_age's default. */
export const DEFAULT_AUTOVACUUM_FREEZE_MAX_AGE = 200_000_000;

function checkXid(xid: TransactionId): void {
  if (!Number.isInteger(xid) || xid < 0 || xid > MAX_TRANSACTION_ID) {
    throw new MvccError(ERRCODE_INTERNAL_ERROR, `invalid transaction id ${xid}`);
  }
}

/** TransactionIdIsValid: not 0. */
export function transactionIdIsValid(xid: TransactionId): boolean {
  return xid !== INVALID_TRANSACTION_ID;
}

/** TransactionIdIsNormal: 3 or more. */
export function transactionIdIsNormal(xid: TransactionId): boolean {
  return xid >= FIRST_NORMAL_TRANSACTION_ID;
}

/**
 * TransactionIdPrecedes: is `a` older than `b`? Special xids compare as
 * plain numbers (they are older than every normal xid); two normal xids
 * compare by the sign of their 32-bit difference.
 */
export function transactionIdPrecedes(a: TransactionId, b: TransactionId): boolean {
  if (!transactionIdIsNormal(a) || !transactionIdIsNormal(b)) return a < b;
  return ((a - b) | 0) < 0;
}

/** TransactionIdPrecedesOrEquals. */
export function transactionIdPrecedesOrEquals(a: TransactionId, b: TransactionId): boolean {
  if (!transactionIdIsNormal(a) || !transactionIdIsNormal(b)) return a <= b;
  return ((a - b) | 0) <= 0;
}

/** TransactionIdFollows. */
export function transactionIdFollows(a: TransactionId, b: TransactionId): boolean {
  if (!transactionIdIsNormal(a) || !transactionIdIsNormal(b)) return a > b;
  return ((a - b) | 0) > 0;
}

/** TransactionIdFollowsOrEquals. */
export function transactionIdFollowsOrEquals(a: TransactionId, b: TransactionId): boolean {
  if (!transactionIdIsNormal(a) || !transactionIdIsNormal(b)) return a >= b;
  return ((a - b) | 0) >= 0;
}

/** TransactionIdAdvance: the next xid, skipping 0, 1 and 2 at the wrap. */
export function transactionIdAdvance(xid: TransactionId): TransactionId {
  const next = (xid + 1) >>> 0;
  return Math.max(next, FIRST_NORMAL_TRANSACTION_ID);
}

/** TransactionIdRetreat: the previous normal xid, skipping 2, 1 and 0 at the wrap. */
export function transactionIdRetreat(xid: TransactionId): TransactionId {
  const prev = (xid - 1) >>> 0;
  return prev < FIRST_NORMAL_TRANSACTION_ID ? MAX_TRANSACTION_ID : prev;
}

/** FullTransactionIdFromEpochAndXid. */
export function fullTransactionIdFromEpochAndXid(
  epoch: number,
  xid: TransactionId,
): FullTransactionId {
  checkXid(xid);
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > MAX_TRANSACTION_ID) {
    throw new MvccError(ERRCODE_INTERNAL_ERROR, `invalid xid epoch ${epoch}`);
  }
  return (BigInt(epoch) << 32n) | BigInt(xid);
}

/** XidFromFullTransactionId: the low 32 bits. */
export function xidFromFullTransactionId(fxid: FullTransactionId): TransactionId {
  return Number(fxid & 0xffff_ffffn);
}

/** EpochFromFullTransactionId: the high 32 bits. */
export function epochFromFullTransactionId(fxid: FullTransactionId): number {
  return Number(fxid >> 32n);
}

/**
 * FullTransactionIdAdvance: the next full xid; when the 32-bit part wraps,
 * the special xids 0, 1 and 2 of the new epoch are skipped.
 */
export function fullTransactionIdAdvance(fxid: FullTransactionId): FullTransactionId {
  let next = fxid + 1n;
  if (next < FIRST_NORMAL_FULL_TRANSACTION_ID) return next;
  while (xidFromFullTransactionId(next) < FIRST_NORMAL_TRANSACTION_ID) next += 1n;
  return next;
}

/**
 * FullTransactionIdFromAllowableAt (txid.c's widen_snapshot_xid): the full
 * form of a 32-bit xid that is not in the future of `nextFullXid` and not
 * more than 2^32 behind it. Special xids widen to epoch 0.
 */
export function widenTransactionId(
  nextFullXid: FullTransactionId,
  xid: TransactionId,
): FullTransactionId {
  checkXid(xid);
  if (!transactionIdIsNormal(xid)) return BigInt(xid);
  let epoch = epochFromFullTransactionId(nextFullXid);
  if (xid > xidFromFullTransactionId(nextFullXid)) epoch -= 1;
  if (epoch < 0) {
    throw new MvccError(
      ERRCODE_INTERNAL_ERROR,
      `transaction id ${xid} is in the future of ${nextFullXid}`,
    );
  }
  return fullTransactionIdFromEpochAndXid(epoch, xid);
}

/** The wraparound limits SetTransactionIdLimit computes from the oldest datfrozenxid. */
export interface XidLimits {
  /** the oldest datfrozenxid of any database */
  readonly oldestXid: TransactionId;
  /** the database that holds it */
  readonly oldestXidDatoid: number;
  /** its name, when it can be looked up (PostgreSQL names it in the WARNING and ERROR) */
  readonly oldestXidDatname: string | undefined;
  /** autovacuum is wanted from here on (oldestXid + autovacuum_freeze_max_age) */
  readonly xidVacLimit: TransactionId;
  /** assignment WARNs from here on (xidWrapLimit - 40,000,000) */
  readonly xidWarnLimit: TransactionId;
  /** assignment fails with 54000 from here on (xidWrapLimit - 3,000,000) */
  readonly xidStopLimit: TransactionId;
  /** old xids would start to look like future ones here (oldestXid + 2^31 - 1) */
  readonly xidWrapLimit: TransactionId;
}

/** SetTransactionIdLimit's arithmetic, PostgreSQL 15's margins. */
export function computeXidLimits(
  oldestDatfrozenxid: TransactionId,
  oldestDatoid: number,
  options: { datname?: string; autovacuumFreezeMaxAge?: number } = {},
): XidLimits {
  checkXid(oldestDatfrozenxid);
  if (!transactionIdIsNormal(oldestDatfrozenxid)) {
    throw new MvccError(
      ERRCODE_INTERNAL_ERROR,
      `oldest datfrozenxid ${oldestDatfrozenxid} is not a normal transaction id`,
    );
  }
  const freezeMaxAge = options.autovacuumFreezeMaxAge ?? DEFAULT_AUTOVACUUM_FREEZE_MAX_AGE;
  // Each limit lands on a special xid at most once per wrap; PostgreSQL
  // moves it past them (+3 or -3), and so do we.
  let xidWrapLimit = (oldestDatfrozenxid + (MAX_TRANSACTION_ID >>> 1)) >>> 0;
  if (xidWrapLimit < FIRST_NORMAL_TRANSACTION_ID) xidWrapLimit += FIRST_NORMAL_TRANSACTION_ID;
  let xidStopLimit = (xidWrapLimit - XID_STOP_MARGIN) >>> 0;
  if (xidStopLimit < FIRST_NORMAL_TRANSACTION_ID) {
    xidStopLimit = (xidStopLimit - FIRST_NORMAL_TRANSACTION_ID) >>> 0;
  }
  let xidWarnLimit = (xidWrapLimit - XID_WARN_MARGIN) >>> 0;
  if (xidWarnLimit < FIRST_NORMAL_TRANSACTION_ID) {
    xidWarnLimit = (xidWarnLimit - FIRST_NORMAL_TRANSACTION_ID) >>> 0;
  }
  let xidVacLimit = (oldestDatfrozenxid + freezeMaxAge) >>> 0;
  if (xidVacLimit < FIRST_NORMAL_TRANSACTION_ID) xidVacLimit += FIRST_NORMAL_TRANSACTION_ID;
  return {
    oldestXid: oldestDatfrozenxid,
    oldestXidDatoid: oldestDatoid,
    oldestXidDatname: options.datname,
    xidVacLimit,
    xidWarnLimit,
    xidStopLimit,
    xidWrapLimit,
  };
}

const PREPARED_HINT =
  'You might also need to commit or roll back old prepared transactions, or drop stale replication slots.';

/** What GetNewTransactionId hands back. */
export interface NewTransactionId {
  readonly fullXid: FullTransactionId;
  readonly xid: TransactionId;
  /** the "must be vacuumed within N transactions" WARNING, when past xidWarnLimit */
  readonly warning: MvccNotice | undefined;
  /** past xidVacLimit: PostgreSQL would signal the autovacuum launcher here */
  readonly autovacuumWanted: boolean;
}

export interface XidGeneratorOptions {
  /** the first full xid to hand out (default FirstNormalFullTransactionId); any value, e.g. near a wrap */
  readonly nextFullXid?: FullTransactionId;
  /** wraparound limits; without them no WARNING or ERROR is raised */
  readonly limits?: XidLimits;
  /**
   * single-user mode: past xidStopLimit PostgreSQL still assigns xids (only
   * WARNs) when not under the postmaster, so that VACUUM can be run
   */
  readonly singleUser?: boolean;
  /**
   * called with each new xid before it is handed out, as GetNewTransactionId
   * calls ExtendCLOG and ExtendSUBTRANS (zero a page on its first xid)
   */
  readonly extend?: (xid: TransactionId) => void;
}

/**
 * The xid counter (TransamVariables->nextXid with its limits). One per
 * instance; not thread-safe (the engine runs it on one event loop, as
 * PostgreSQL runs it under XidGenLock).
 */
export class XidGenerator {
  #nextFullXid: FullTransactionId;
  #limits: XidLimits | undefined;
  readonly #singleUser: boolean;
  readonly #extend: ((xid: TransactionId) => void) | undefined;

  constructor(options: XidGeneratorOptions = {}) {
    const next = options.nextFullXid ?? FIRST_NORMAL_FULL_TRANSACTION_ID;
    this.#nextFullXid =
      next < FIRST_NORMAL_FULL_TRANSACTION_ID ? FIRST_NORMAL_FULL_TRANSACTION_ID : next;
    if (xidFromFullTransactionId(this.#nextFullXid) < FIRST_NORMAL_TRANSACTION_ID) {
      this.#nextFullXid = fullTransactionIdAdvance(this.#nextFullXid - 1n);
    }
    this.#limits = options.limits;
    this.#singleUser = options.singleUser ?? false;
    this.#extend = options.extend;
  }

  /** ReadNextFullTransactionId: the full xid the next assignment will return. */
  get nextFullXid(): FullTransactionId {
    return this.#nextFullXid;
  }

  /** the current wraparound limits */
  get limits(): XidLimits | undefined {
    return this.#limits;
  }

  /** SetTransactionIdLimit: new limits (after VACUUM advanced the oldest datfrozenxid). */
  setLimits(limits: XidLimits): void {
    this.#limits = limits;
  }

  /**
   * GetNewTransactionId: hand out the next xid. Throws 54000 past
   * xidStopLimit (not in single-user mode); returns a WARNING past
   * xidWarnLimit.
   */
  getNewTransactionId(): NewTransactionId {
    const fullXid = this.#nextFullXid;
    const xid = xidFromFullTransactionId(fullXid);
    let warning: MvccNotice | undefined;
    let autovacuumWanted = false;
    const limits = this.#limits;
    if (limits !== undefined && transactionIdFollowsOrEquals(xid, limits.xidVacLimit)) {
      autovacuumWanted = true;
      const where =
        limits.oldestXidDatname === undefined
          ? `database with OID ${limits.oldestXidDatoid}`
          : `database "${limits.oldestXidDatname}"`;
      if (!this.#singleUser && transactionIdFollowsOrEquals(xid, limits.xidStopLimit)) {
        throw new MvccError(
          ERRCODE_PROGRAM_LIMIT_EXCEEDED,
          `database is not accepting commands to avoid wraparound data loss in ${where}`,
          {
            hint: `Stop the postmaster and vacuum that database in single-user mode.\n${PREPARED_HINT}`,
          },
        );
      }
      if (transactionIdFollowsOrEquals(xid, limits.xidWarnLimit)) {
        warning = {
          severity: 'WARNING',
          message: `${where} must be vacuumed within ${(limits.xidWrapLimit - xid) >>> 0} transactions`,
          hint: `To avoid a database shutdown, execute a database-wide VACUUM in that database.\n${PREPARED_HINT}`,
        };
      }
    }
    this.#extend?.(xid);
    this.#nextFullXid = fullTransactionIdAdvance(fullXid);
    return { fullXid, xid, warning, autovacuumWanted };
  }

  /**
   * pg_resetwal -x / -e: the counter jumps to `fxid` (at least
   * FirstNormalFullTransactionId; the special xids of an epoch are skipped).
   * For a cluster with no transaction running; the caller makes it durable
   * (a checkpoint records it) and gives the clog the page of the new xid.
   */
  setNextFullXid(fxid: FullTransactionId): void {
    let next = fxid < FIRST_NORMAL_FULL_TRANSACTION_ID ? FIRST_NORMAL_FULL_TRANSACTION_ID : fxid;
    if (xidFromFullTransactionId(next) < FIRST_NORMAL_TRANSACTION_ID)
      next = fullTransactionIdAdvance(next - 1n);
    this.#nextFullXid = next;
  }

  /**
   * AdvanceNextFullTransactionIdPastXid: during redo, make sure the counter
   * is past an xid seen in WAL (the epoch is inferred from the counter).
   */
  advancePastXid(xid: TransactionId): void {
    checkXid(xid);
    if (!transactionIdIsNormal(xid)) return;
    const nextXid = xidFromFullTransactionId(this.#nextFullXid);
    if (transactionIdPrecedes(xid, nextXid)) return;
    let epoch = epochFromFullTransactionId(this.#nextFullXid);
    if (xid < nextXid) epoch += 1; // the 32-bit counter wrapped between them
    this.#nextFullXid = fullTransactionIdAdvance(fullTransactionIdFromEpochAndXid(epoch, xid));
  }
}
