/**
 * MVCC snapshots, as PostgreSQL 15's utils/time/snapmgr.c and
 * storage/ipc/procarray.c build and use them.
 *
 * A snapshot says which transactions' effects a reader sees:
 *
 *          xmin                         xmax
 *   --------|============================|----------------> xid
 *   all finished    finished unless          all still running
 *   before the      listed in xip/subxip     (or not yet started)
 *   snapshot        (running when taken)     when taken
 *
 *   xmin     every xid older than it had finished when the snapshot was taken
 *   xmax     latestCompletedXid + 1: every xid at or past it had not finished
 *   xip      top-level xids that were running (xmin <= xid < xmax), not ours
 *   subxip   their subtransaction xids, unless suboverflowed
 *   suboverflowed  some running transaction had more subtransactions than
 *            its cache holds (PGPROC_MAX_CACHED_SUBXIDS, 64): then subxip is
 *            not complete, and a subxid is mapped to its top-level xid
 *            through pg_subtrans before xip is searched
 *   curcid   the command id of the current transaction the snapshot is for:
 *            its own changes made by earlier commands are seen, not those
 *            of this command or later ones
 *
 * "Finished" means committed or aborted; whether it committed is the commit
 * log's business (the visibility rules ask it after the snapshot).
 *
 * Invariants (checkSnapshot):
 *   S1. xmin precedes or equals xmax; both are normal xids.
 *   S2. every xip entry is in [xmin, xmax).
 *   S3. xmin is the oldest xip entry, or xmax when xip is empty
 *       (GetSnapshotData: xmin starts at xmax and falls to the oldest running xid).
 *   S4. no xip entry is repeated.
 */

import {
  type FullTransactionId,
  type TransactionId,
  transactionIdFollowsOrEquals,
  transactionIdIsNormal,
  transactionIdPrecedes,
  widenTransactionId,
} from './xid.js';
import { ERRCODE_INTERNAL_ERROR, MvccError } from './xid-errors.js';

/** A command id within a transaction (CommandId): 0 for its first command. */
export type CommandId = number;
export const FIRST_COMMAND_ID = 0;
export const INVALID_COMMAND_ID = 0xffff_ffff;

export interface Snapshot {
  readonly xmin: TransactionId;
  readonly xmax: TransactionId;
  /** running top-level xids, in no particular order */
  readonly xip: readonly TransactionId[];
  /** running subtransaction xids (complete unless suboverflowed) */
  readonly subxip: readonly TransactionId[];
  readonly suboverflowed: boolean;
  /** the current command id of the transaction that uses it */
  readonly curcid: CommandId;
}

/**
 * XidInMVCCSnapshot: was `xid` still running when the snapshot was taken
 * (so its effects are not seen, whatever its fate)? `getTopmost` maps a
 * subtransaction xid to its top-level xid (pg_subtrans), needed only for a
 * suboverflowed snapshot.
 */
export function xidInMVCCSnapshot(
  xid: TransactionId,
  snapshot: Snapshot,
  getTopmost?: (xid: TransactionId) => TransactionId,
): boolean {
  if (transactionIdPrecedes(xid, snapshot.xmin)) return false;
  if (transactionIdFollowsOrEquals(xid, snapshot.xmax)) return true;
  let x = xid;
  if (!snapshot.suboverflowed) {
    if (snapshot.subxip.includes(x)) return true;
  } else {
    if (getTopmost === undefined) {
      throw new MvccError(
        ERRCODE_INTERNAL_ERROR,
        'a suboverflowed snapshot needs pg_subtrans to map subtransaction ids',
      );
    }
    x = getTopmost(x);
    if (transactionIdPrecedes(x, snapshot.xmin)) return false;
  }
  return snapshot.xip.includes(x);
}

/**
 * pg_current_snapshot() / txid_current_snapshot() text: 'xmin:xmax:xip,...'
 * with 64-bit xids (widened against the counter's next full xid), xip
 * ascending without duplicates, subtransactions not shown. '10:20:10,14,15';
 * '10:10:' when nothing is running.
 */
export function formatSnapshot(snapshot: Snapshot, nextFullXid: FullTransactionId): string {
  const xip = [...new Set(snapshot.xip.map((x) => widenTransactionId(nextFullXid, x)))].sort(
    (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  );
  return `${widenTransactionId(nextFullXid, snapshot.xmin)}:${widenTransactionId(nextFullXid, snapshot.xmax)}:${xip.join(',')}`;
}

/** The parts of a pg_snapshot's text. */
export interface SnapshotText {
  readonly xmin: FullTransactionId;
  readonly xmax: FullTransactionId;
  readonly xip: readonly FullTransactionId[];
}

/**
 * pg_snapshot_in's parsing (22P02 'invalid input syntax for type
 * pg_snapshot' on bad text): xmin <= xmax, xip ascending, each in
 * [xmin, xmax). Duplicates are removed, as PostgreSQL does.
 */
export function parseSnapshot(text: string): SnapshotText {
  const bad = () => new MvccError('22P02', `invalid input syntax for type pg_snapshot: "${text}"`);
  const m = /^(\d+):(\d+):((?:\d+(?:,\d+)*)?)$/.exec(text);
  if (m === null) throw bad();
  const xmin = BigInt(m[1] as string);
  const xmax = BigInt(m[2] as string);
  if (xmin === 0n || xmax === 0n || xmin > xmax || xmax > 0x7fff_ffff_ffff_ffffn) throw bad();
  const xip: bigint[] = [];
  for (const part of (m[3] as string) === '' ? [] : (m[3] as string).split(',')) {
    const x = BigInt(part);
    const last = xip[xip.length - 1];
    if (x < xmin || x >= xmax || (last !== undefined && x < last)) throw bad();
    if (x !== last) xip.push(x);
  }
  return { xmin, xmax, xip };
}

/** A broken snapshot rule, by number (S1..S4). */
export interface SnapshotViolation {
  readonly rule: 'S1' | 'S2' | 'S3' | 'S4';
  readonly message: string;
}

/** The invariants S1..S4; empty when the snapshot keeps them all. */
export function checkSnapshot(s: Snapshot): SnapshotViolation[] {
  const out: SnapshotViolation[] = [];
  if (
    !transactionIdIsNormal(s.xmin) ||
    !transactionIdIsNormal(s.xmax) ||
    transactionIdPrecedes(s.xmax, s.xmin)
  ) {
    out.push({ rule: 'S1', message: `xmin ${s.xmin} does not precede or equal xmax ${s.xmax}` });
  }
  for (const x of s.xip) {
    if (transactionIdPrecedes(x, s.xmin) || transactionIdFollowsOrEquals(x, s.xmax)) {
      out.push({ rule: 'S2', message: `xip entry ${x} outside [${s.xmin}, ${s.xmax})` });
    }
  }
  let oldest = s.xmax;
  for (const x of s.xip) if (transactionIdPrecedes(x, oldest)) oldest = x;
  if (oldest !== s.xmin) {
    out.push({ rule: 'S3', message: `xmin ${s.xmin} is not the oldest running xid ${oldest}` });
  }
  if (new Set(s.xip).size !== s.xip.length) {
    out.push({ rule: 'S4', message: 'xip has a repeated entry' });
  }
  return out;
}
