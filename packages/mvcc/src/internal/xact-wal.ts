/**
 * The xact resource manager (PostgreSQL 15's rmgr RM_XACT_ID = 1,
 * access/transam/xact.c's XactLogCommitRecord, XactLogAbortRecord and
 * xact_redo), reduced to what the commit log needs.
 *
 *   info  name     written by
 *   0x00  COMMIT   a top-level commit that had an xid (before its clog bits)
 *   0x20  ABORT    a top-level abort, or a rolled-back subtransaction, with an xid
 *
 * The record header's xid (xl_xid) is the root of the tree the record ends:
 * the top-level xid, or the rolled-back subtransaction's xid. Main data
 * (this package's own format, little-endian):
 *
 *   offset  size        field
 *   0       4           xid       the tree's root (equals xl_xid)
 *   4       4           nsubxacts how many subtransaction xids follow
 *   8       4*nsubxacts subxids   the subtransactions ending with it:
 *                                 committed (released) ones for COMMIT, the
 *                                 not yet aborted ones for ABORT
 *
 * Redo applies the status to pg_xact through redoXactCommit/redoXactAbort
 * (which also move the xid counter past the tree).
 */
import type { WalRecord } from '@pg/wal';
import type { Transam, XactStatusRecord } from './clog-transam.js';
import { redoXactAbort, redoXactCommit } from './clog-transam.js';
import type { TransactionId, XidGenerator } from './xid.js';
import { ERRCODE_DATA_CORRUPTED, MvccError } from './xid-errors.js';

/** PostgreSQL's RM_XACT_ID. */
export const RM_XACT_ID = 1;
/** XLOG_XACT_COMMIT */
export const XLOG_XACT_COMMIT = 0x00;
/** XLOG_XACT_ABORT */
export const XLOG_XACT_ABORT = 0x20;

/** The main data of a COMMIT or ABORT record. */
export function encodeXactRecord(
  xid: TransactionId,
  subxids: readonly TransactionId[],
): Uint8Array {
  const data = new Uint8Array(8 + 4 * subxids.length);
  const view = new DataView(data.buffer);
  view.setUint32(0, xid, true);
  view.setUint32(4, subxids.length, true);
  subxids.forEach((s, i) => {
    view.setUint32(8 + 4 * i, s, true);
  });
  return data;
}

/** Decodes a COMMIT or ABORT record's main data; a short or inconsistent one is XX001. */
export function decodeXactRecord(data: Uint8Array): XactStatusRecord {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 8) {
    throw new MvccError(ERRCODE_DATA_CORRUPTED, `xact record of ${data.length} bytes`);
  }
  const xid = view.getUint32(0, true);
  const n = view.getUint32(4, true);
  if (data.length !== 8 + 4 * n) {
    throw new MvccError(
      ERRCODE_DATA_CORRUPTED,
      `xact record of ${data.length} bytes for ${n} subtransactions`,
    );
  }
  const subxids: TransactionId[] = [];
  for (let i = 0; i < n; i++) subxids.push(view.getUint32(8 + 4 * i, true));
  return { xid, subxids };
}

/** What redo changes: the commit log and the xid counter. */
export interface XactRedoTarget {
  readonly transam: Transam;
  readonly xids: XidGenerator;
}

/**
 * The xact resource manager, for @pg/storage's registry (openStorage's
 * `rmgrs`); its redo ignores the redo context (no pages are touched).
 */
export function xactRmgr(target: XactRedoTarget): {
  readonly id: number;
  readonly name: string;
  redo(record: WalRecord): void;
  describe(record: WalRecord): string;
} {
  return {
    id: RM_XACT_ID,
    name: 'Transaction',
    redo(record) {
      const rec = decodeXactRecord(record.data);
      if (record.info === XLOG_XACT_COMMIT) redoXactCommit(target.transam, target.xids, rec);
      else if (record.info === XLOG_XACT_ABORT) redoXactAbort(target.transam, target.xids, rec);
      else {
        throw new MvccError(ERRCODE_DATA_CORRUPTED, `xact_redo: unknown op code ${record.info}`);
      }
    },
    describe(record) {
      const what = record.info === XLOG_XACT_COMMIT ? 'COMMIT' : 'ABORT';
      const rec = decodeXactRecord(record.data);
      return rec.subxids.length === 0
        ? `${what} ${rec.xid}`
        : `${what} ${rec.xid}; subxacts: ${rec.subxids.join(' ')}`;
    },
  };
}
