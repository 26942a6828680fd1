import {
  type CheckPoint,
  type ControlFile,
  DbState,
  DEFAULT_SEGMENT_SIZE,
  DEFAULT_TIMELINE,
  decodeCheckPoint,
  formatLsn,
  type Lsn,
  RM_XLOG_ID,
  type RmgrRegistry,
  truncateWalAfter,
  WalPanic,
  type WalProblem,
  WalReader,
  type WalRecord,
  type WalStorage,
  XLOG_CHECKPOINT_ONLINE,
  XLOG_CHECKPOINT_SHUTDOWN,
} from '@pg/wal';
import type { BufferPool } from './buffer-pool.js';
import type { ControlFileStore } from './control-store.js';
import { RedoContext } from './redo.js';

export interface RecoveryOptions {
  /** pg_wal/. */
  readonly walStorage: WalStorage;
  readonly segmentSize?: number;
  readonly timeline?: number;
  readonly control: ControlFileStore;
  /** The pool redo reads and changes pages through (and its smgr). */
  readonly pool: BufferPool;
  /** Every resource manager whose records the WAL may hold. */
  readonly registry: RmgrRegistry<RedoContext>;
  /**
   * Called for every record before its redo, in WAL order: what the
   * transaction manager needs to see of every record, such as moving the
   * next transaction id past the record's xid (PostgreSQL's main redo loop
   * calls AdvanceNextFullTransactionIdPastXid for each record).
   */
  readonly onRecord?: (record: WalRecord, lsn: Lsn) => void;
  /** Called every `progressEvery` records and at the end. */
  readonly onProgress?: (lsn: Lsn, records: number) => void;
  readonly progressEvery?: number;
}

export interface RecoveryResult {
  readonly control: ControlFile;
  /** The checkpoint recovery started from, and where its record is. */
  readonly checkpoint: CheckPoint;
  readonly checkpointLsn: Lsn;
  /** Where replay began: the checkpoint's redo point. */
  readonly redoLsn: Lsn;
  /** End of valid WAL: a writer resumes here, with `prevLsn` as its first prev-link. */
  readonly endLsn: Lsn;
  readonly prevLsn: Lsn;
  /** Records replayed. */
  readonly records: number;
  /** The latest checkpoint record replayed (its nextXid and nextOid are the ones to continue from). */
  readonly lastCheckpoint: CheckPoint;
  /** Why reading stopped: null at zeros or a missing segment, else the invalid record's problem. */
  readonly stopReason: WalProblem | null;
  /** Whether the cluster was shut down cleanly (then nothing needed replaying). */
  readonly wasClean: boolean;
}

/**
 * Crash recovery (StartupXLOG, simplified to one timeline): read pg_control,
 * find the last checkpoint record, replay every record from its redo point
 * to the end of valid WAL through the registered resource managers, then
 * remove whatever lies after that end in pg_wal/ (a torn tail), durably.
 *
 * Afterwards the pool holds the replayed pages, dirty. The caller resumes
 * writing WAL at `endLsn` and runs an end-of-recovery checkpoint
 * ({@link Checkpointer.checkpoint} with `endOfRecovery`) before accepting
 * new work. A missing or unreadable checkpoint, or WAL that references
 * blocks that never existed, is a PANIC, as in PostgreSQL.
 */
export function recover(options: RecoveryOptions): RecoveryResult {
  const segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
  const timeline = options.timeline ?? DEFAULT_TIMELINE;
  const control = options.control.read();
  if (control === null)
    throw new WalPanic('could not read pg_control: the data directory is not initialised');
  if (control.state !== DbState.shutdowned) {
    // SyncDataDirectory: what the crashed process wrote, WAL and pages, may still be
    // only in the kernel's cache. Make it durable before recovery builds on it.
    try {
      for (const name of options.walStorage.list()) options.walStorage.fdatasync(name);
      options.pool.smgr.syncAll();
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      throw new WalPanic(`could not fsync the data directory before recovery: ${detail}`, {
        cause: e,
      });
    }
  }
  const checkpointLsn = control.checkPoint;
  const reader = new WalReader({
    storage: options.walStorage,
    startLsn: checkpointLsn,
    segmentSize,
    timeline,
    systemIdentifier: control.systemIdentifier,
  });
  const first = reader.next();
  if (
    first.kind !== 'record' ||
    first.record.rmid !== RM_XLOG_ID ||
    (first.record.info !== XLOG_CHECKPOINT_ONLINE && first.record.info !== XLOG_CHECKPOINT_SHUTDOWN)
  ) {
    throw new WalPanic(`could not locate a valid checkpoint record at ${formatLsn(checkpointLsn)}`);
  }
  const checkpoint = decodeCheckPoint(first.record.data);
  const wasClean = control.state === DbState.shutdowned;
  options.control.write({ ...control, state: DbState.inCrashRecovery, time: nowSeconds() });

  const ctx = new RedoContext(options.pool);
  const replay = new WalReader({
    storage: options.walStorage,
    startLsn: checkpoint.redo,
    segmentSize,
    timeline,
    systemIdentifier: control.systemIdentifier,
    isKnownRmgr: options.registry.isKnown,
  });
  let records = 0;
  let lastCheckpoint = checkpoint;
  const every = options.progressEvery ?? 10000;
  for (;;) {
    const r = replay.next();
    if (r.kind === 'end') {
      const missing = ctx.unresolvedMissing();
      if (missing.length > 0) {
        throw new WalPanic(`WAL contains references to invalid pages: ${missing.join(', ')}`);
      }
      truncateWalAfter(options.walStorage, r.lsn, segmentSize, timeline);
      options.onProgress?.(r.lsn, records);
      return {
        control,
        checkpoint,
        checkpointLsn,
        redoLsn: checkpoint.redo,
        endLsn: r.lsn,
        prevLsn: r.prevLsn,
        records,
        lastCheckpoint,
        stopReason: r.problem,
        wasClean,
      };
    }
    ctx.record = r.record;
    ctx.lsn = r.lsn;
    ctx.endLsn = r.end;
    if (
      r.record.rmid === RM_XLOG_ID &&
      (r.record.info === XLOG_CHECKPOINT_ONLINE || r.record.info === XLOG_CHECKPOINT_SHUTDOWN)
    ) {
      lastCheckpoint = decodeCheckPoint(r.record.data);
    }
    options.onRecord?.(r.record, r.lsn);
    // isKnownRmgr made the reader stop at any record without a resource manager.
    options.registry.get(r.record.rmid)!.redo(r.record, r.lsn, ctx);
    records++;
    if (records % every === 0) options.onProgress?.(r.end, records);
  }
}

function nowSeconds(): bigint {
  return BigInt(Math.floor(Date.now() / 1000));
}
