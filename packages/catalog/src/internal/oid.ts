/**
 * The cluster-wide OID counter (PostgreSQL's GetNewObjectId in varsup.c):
 * starts at FirstNormalObjectId (16384) and wraps back to it; OIDs are
 * handed out of a prefetched range of VAR_OID_PREFETCH (8192). Before the
 * first OID of a range is used, a NEXTOID record naming the range's end is
 * WAL-logged (XLogPutNextOid) in this package's resource manager
 * ({@link RM_CATALOG_ID}, record {@link XLOG_CATALOG_NEXTOID}); redo moves
 * the counter to that end. Checkpoints record `checkpointNextOid()` (the
 * range's end, as CreateCheckPoint records nextOid + oidCount) through the
 * `nextOid` option of @pg/mvcc's openTransactions / the Checkpointer's
 * `counters` hook; startup begins from the checkpoint's nextOid and replays
 * later NEXTOID records. So an OID is never handed out twice after a
 * crash: every OID used by a change that reached the WAL lies below a
 * NEXTOID record (or checkpoint) that precedes that change.
 *
 * A NEXTOID record is not flushed by itself: anything that makes an OID
 * durable (a catalog row, a commit) is logged after it and flushes it too.
 * So OIDs that only transactions which aborted before any flush used may
 * be handed out again after a crash, as in PostgreSQL: no durable row
 * holds them.
 */

import type { XLogInserter } from '@pg/storage';
import type { ResourceManager } from '@pg/wal';
import { FIRST_NORMAL_OBJECT_ID } from './consts.js';

/** Our resource manager's id: a custom id (128..255); 128 is @pg/storage's demo rmgr. */
export const RM_CATALOG_ID = 130;
/** XLOG_NEXTOID's equivalent: data = the new nextOid, uint32 little-endian. */
export const XLOG_CATALOG_NEXTOID = 0x30;
/** VAR_OID_PREFETCH. */
export const VAR_OID_PREFETCH = 8192;

export class OidCounter {
  /** The next OID to hand out. */
  nextOid: number;
  /** OIDs left in the logged range (oidCount). */
  oidCount = 0;
  readonly #inserter: XLogInserter | undefined;

  constructor(start = FIRST_NORMAL_OBJECT_ID, inserter?: XLogInserter) {
    this.nextOid = Math.max(start, FIRST_NORMAL_OBJECT_ID);
    this.#inserter = inserter;
  }

  /** GetNewObjectId: the next OID (never below FirstNormalObjectId). */
  next(): number {
    if (this.nextOid < FIRST_NORMAL_OBJECT_ID || this.nextOid > 0xffffffff) {
      this.nextOid = FIRST_NORMAL_OBJECT_ID;
      this.oidCount = 0;
    }
    if (this.oidCount === 0) {
      const end = this.nextOid + VAR_OID_PREFETCH;
      if (this.#inserter) {
        const data = new Uint8Array(4);
        new DataView(data.buffer).setUint32(0, end >>> 0, true);
        this.#inserter.insert({ rmid: RM_CATALOG_ID, info: XLOG_CATALOG_NEXTOID, data });
      }
      this.oidCount = VAR_OID_PREFETCH;
    }
    const oid = this.nextOid;
    this.nextOid++;
    this.oidCount--;
    return oid;
  }

  /** What a checkpoint records as nextOid: the end of the logged range. */
  checkpointNextOid(): number {
    return this.nextOid + this.oidCount;
  }
}

/**
 * The catalog resource manager. Its redo moves `counter` (when given) to
 * the logged nextOid; create the counter after recovery from
 * `recoveredNextOid()` (max of the checkpoint's nextOid and the records).
 */
export function catalogRmgr(
  state: { nextOid: number } = { nextOid: 0 },
): ResourceManager<unknown> & {
  recoveredNextOid(checkpointNextOid: number): number;
} {
  return {
    id: RM_CATALOG_ID,
    name: 'Catalog',
    redo(record) {
      if (record.info !== XLOG_CATALOG_NEXTOID)
        throw new Error(`catalog redo: unknown info ${record.info}`);
      state.nextOid = new DataView(record.data.buffer, record.data.byteOffset, 4).getUint32(
        0,
        true,
      );
    },
    describe(record) {
      if (record.info !== XLOG_CATALOG_NEXTOID) return `UNKNOWN ${record.info}`;
      const v = new DataView(record.data.buffer, record.data.byteOffset, 4).getUint32(0, true);
      return `NEXTOID ${v}`;
    },
    recoveredNextOid(checkpointNextOid: number) {
      return Math.max(state.nextOid, checkpointNextOid);
    },
  };
}
