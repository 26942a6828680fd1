/**
 * Starting a cluster with transactions: @pg/storage's openStorage with the
 * xact resource manager registered, the commit log checkpointed with every
 * checkpoint, and the transactions that were running at a crash aborted.
 *
 * 1. pg_control's last checkpoint gives the xid counter's start (nextXid);
 *    the clog is in recovery mode (missing pages read as zeros).
 * 2. openStorage replays the WAL: COMMIT and ABORT records set clog bits
 *    and move the counter past their xids.
 * 3. Every checkpoint (the end-of-recovery one included) writes and syncs
 *    the clog's dirty pages (CheckPointCLOG) after its redo point is fixed
 *    and before its record is written, and records the counter as
 *    nextXid. @pg/storage's Checkpointer has no hook for other SLRUs; its
 *    `counters` callback runs at exactly that point of CreateCheckPoint
 *    (after the buffers are written, before the record is inserted), so
 *    CheckPointCLOG runs from it.
 * 4. After recovery, every xid from `oldestXid` (the limits' oldest
 *    datfrozenxid, else 3) up to nextXid whose status is still
 *    IN_PROGRESS or SUB_COMMITTED was running at the crash (no running
 *    transaction survives a restart): it is set ABORTED in the clog
 *    (not WAL-logged: a later crash finds it IN_PROGRESS again and this
 *    step repeats). Then, as TrimCLOG, the page of nextXid is zeroed past
 *    nextXid (it may never have reached the disk: CLOG_ZEROPAGE is not
 *    logged here), keeping the statuses before it. PostgreSQL leaves those bits IN_PROGRESS and lets
 *    TransactionIdIsInProgress answer false; aborting them makes the
 *    clog, the ProcArray and didAbort agree. The scan costs one status
 *    read per xid since oldestXid.
 */
import { type OpenedStorage, type OpenStorageOptions, openStorage } from '@pg/storage';
import {
  CLOG_XACTS_PER_PAGE,
  Clog,
  clogSegmentName,
  TRANSACTION_STATUS_IN_PROGRESS,
  TRANSACTION_STATUS_SUB_COMMITTED,
  transactionIdToPage,
  type XidStatus,
} from './clog.js';
import type { SlruStore } from './clog-store.js';
import { SubTrans } from './clog-subtrans.js';
import { Transam } from './clog-transam.js';
import type { LockManager } from './lock.js';
import { attachMultiXacts, MultiXacts, multixactRmgr } from './multixact.js';
import { initialLatestCompletedXid, ProcArray } from './snapshot-procarray.js';
import { TransactionManager } from './xact.js';
import { xactRmgr } from './xact-wal.js';
import {
  FIRST_NORMAL_FULL_TRANSACTION_ID,
  FIRST_NORMAL_TRANSACTION_ID,
  type TransactionId,
  transactionIdAdvance,
  transactionIdIsNormal,
  transactionIdPrecedes,
  XidGenerator,
  type XidLimits,
  xidFromFullTransactionId,
} from './xid.js';
import type { MvccNotice } from './xid-errors.js';

export interface OpenTransactionsOptions extends OpenStorageOptions {
  /** pg_xact's segments (survive a crash as their own crash semantics say) */
  readonly clogStore: SlruStore;
  readonly clogBuffers?: number;
  readonly xidLimits?: XidLimits;
  readonly maxCachedSubxids?: number;
  readonly locks?: LockManager;
  /** the OID counter for checkpoints (default: pg_control's) */
  readonly nextOid?: () => number;
  readonly onNotice?: (session: number, notice: MvccNotice) => void;
  /**
   * pg_multixact/offsets and pg_multixact/members: when both are given,
   * multixacts are set up (rmgr 6 registered, checkpointed with the clog,
   * counters recovered after redo, attached to the transam).
   */
  readonly multixactOffsetsStore?: SlruStore;
  readonly multixactMembersStore?: SlruStore;
}

export interface OpenedTransactions {
  readonly storage: OpenedStorage;
  readonly clog: Clog;
  readonly subtrans: SubTrans;
  readonly transam: Transam;
  readonly xids: XidGenerator;
  readonly procArray: ProcArray;
  readonly manager: TransactionManager;
  /** the xids found running at the crash and aborted at startup, ascending */
  readonly abortedAtStartup: readonly TransactionId[];
  /** the cluster's multixacts (when their stores were given) */
  readonly multixacts: MultiXacts | undefined;
}

/** openStorage plus the transaction machinery (StartupXLOG, StartupCLOG, TrimCLOG). */
export function openTransactions(options: OpenTransactionsOptions): OpenedTransactions {
  const existing = options.control.read();
  const clog = new Clog({
    store: options.clogStore,
    ...(options.clogBuffers === undefined ? {} : { buffers: options.clogBuffers }),
  });
  const subtrans = new SubTrans();
  const transam = new Transam(clog, subtrans);
  const xids = new XidGenerator({
    nextFullXid: existing?.checkPointCopy.nextXid ?? FIRST_NORMAL_FULL_TRANSACTION_ID,
    extend: (x) => clog.extend(x),
    ...(options.xidLimits === undefined ? {} : { limits: options.xidLimits }),
  });
  const defaultOid = existing?.checkPointCopy.nextOid ?? 16384;
  clog.setInRecovery(existing !== null);
  let opened: { storage: OpenedStorage; manager: TransactionManager } | undefined;
  let storageRef: OpenedStorage | undefined;
  const multixacts =
    options.multixactOffsetsStore !== undefined && options.multixactMembersStore !== undefined
      ? new MultiXacts({
          offsetsStore: options.multixactOffsetsStore,
          membersStore: options.multixactMembersStore,
          wal: {
            insert: (record) => {
              if (storageRef === undefined) throw new Error('multixact created during recovery');
              return storageRef.wal.insert(record);
            },
          },
        })
      : undefined;
  multixacts?.setInRecovery(existing !== null);
  const storage = openStorage({
    ...options,
    rmgrs: [
      xactRmgr({ transam, xids }),
      ...(multixacts === undefined ? [] : [multixactRmgr(multixacts)]),
      ...(options.rmgrs ?? []),
    ],
    // Every replayed record's xid was handed out before the crash: the counter must
    // move past it, or a new transaction would reuse an xid whose rows are on disk
    // (AdvanceNextFullTransactionIdPastXid in PostgreSQL's redo loop).
    onReplay: (record, lsn) => {
      if (transactionIdIsNormal(record.xid)) xids.advancePastXid(record.xid);
      options.onReplay?.(record, lsn);
    },
    checkpointer: {
      ...options.checkpointer,
      counters: () => {
        if (opened !== undefined) {
          opened.storage.wal.flushSync();
          opened.manager.completeFlushedCommits(opened.storage.wal.flushedLsn);
        }
        clog.checkpoint();
        multixacts?.checkpoint();
        return { nextXid: xids.nextFullXid, nextOid: options.nextOid?.() ?? defaultOid };
      },
    },
  });
  storageRef = storage;
  if (multixacts !== undefined) {
    multixacts.recoverCounters();
    multixacts.setInRecovery(false);
    attachMultiXacts(transam, multixacts);
  }
  const aborted: TransactionId[] = [];
  if (existing !== null) {
    const next = xidFromFullTransactionId(xids.nextFullXid);
    let x = options.xidLimits?.oldestXid ?? FIRST_NORMAL_TRANSACTION_ID;
    if (!transactionIdIsNormal(x)) x = FIRST_NORMAL_TRANSACTION_ID;
    // freeze (issue 11): no running xid is 2^31 or more behind nextXid (the
    // start could look "ahead" of next once the counter wrapped)
    if ((next - x) >>> 0 >= 0x8000_0000) {
      x = (next - 0x7fff_ffff) >>> 0;
      if (!transactionIdIsNormal(x)) x = FIRST_NORMAL_TRANSACTION_ID;
    }
    // freeze (issue 11): a clog page that is not on disk and lies wholly
    // before the last checkpoint's nextXid never held an assigned xid (the
    // checkpoint wrote every page that did), e.g. after pg_resetwal -x: skip it.
    const checkpointNext = xidFromFullTransactionId(existing.checkPointCopy.nextXid);
    const checkpointPage = transactionIdToPage(checkpointNext);
    const segments = new Set(options.clogStore.list());
    for (; x !== next; x = transactionIdAdvance(x)) {
      const pageno = transactionIdToPage(x);
      if (
        pageno !== checkpointPage &&
        pageno !== transactionIdToPage(next) &&
        transactionIdPrecedes(x, checkpointNext) &&
        !clog.hasPage(pageno, segments.has(clogSegmentName(pageno)))
      ) {
        // jump to the last xid of the page (the loop's advance moves past it)
        const last = (pageno + 1) * CLOG_XACTS_PER_PAGE - 1;
        if (transactionIdPrecedes(last, next) && transactionIdPrecedes(last, checkpointNext)) {
          x = last;
          continue;
        }
      }
      const st = clog.getStatus(x);
      if (st === TRANSACTION_STATUS_IN_PROGRESS || st === TRANSACTION_STATUS_SUB_COMMITTED) {
        transam.abortTree(x, []);
        aborted.push(x);
      }
    }
    // TrimCLOG: the page of nextXid holds nothing past it (it may never
    // have reached the disk: CLOG_ZEROPAGE is not logged here).
    const pageno = transactionIdToPage(next);
    const keep: [TransactionId, XidStatus][] = [];
    for (let y = next - (next % CLOG_XACTS_PER_PAGE); y !== next; y++) {
      if (!transactionIdIsNormal(y)) continue;
      const st = clog.getStatus(y);
      if (st !== TRANSACTION_STATUS_IN_PROGRESS) keep.push([y, st]);
    }
    clog.zeroPage(pageno);
    for (const [y, st] of keep) clog.setTreeStatus(y, [], st);
  }
  clog.setInRecovery(false);
  const procArray = new ProcArray({
    latestCompletedXid: initialLatestCompletedXid(xidFromFullTransactionId(xids.nextFullXid)),
    ...(options.maxCachedSubxids === undefined
      ? {}
      : { maxCachedSubxids: options.maxCachedSubxids }),
  });
  const manager = new TransactionManager({
    xids,
    transam,
    procArray,
    wal: storage.wal,
    ...(options.locks === undefined ? {} : { locks: options.locks }),
    ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }),
  });
  opened = { storage, manager };
  return {
    storage,
    clog,
    subtrans,
    transam,
    xids,
    procArray,
    manager,
    abortedAtStartup: aborted,
    multixacts,
  };
}
