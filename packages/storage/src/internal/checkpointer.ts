import {
  type CheckPoint,
  type ControlFile,
  checkpointRecord,
  DbState,
  DEFAULT_CHECKPOINT_COMPLETION_TARGET,
  DEFAULT_MAX_WAL_SIZE,
  DEFAULT_MIN_WAL_SIZE,
  type Lsn,
  type RemoveOldSegmentsResult,
  removeOldSegments,
  WalPanic,
  type WalWriter,
} from '@pg/wal';
import type { BufferPool } from './buffer-pool.js';
import type { ControlFileStore } from './control-store.js';
import type { XLogInserter } from './xlog-insert.js';

/** PostgreSQL's default checkpoint_timeout, 5min (max_wal_size and min_wal_size default as in @pg/wal). */
export const DEFAULT_CHECKPOINT_TIMEOUT_MS = 5 * 60 * 1000;

export interface CheckpointerOptions {
  readonly inserter: XLogInserter;
  readonly control: ControlFileStore;
  /** The cluster's pg_control as initdb or recovery left it (fields a checkpoint does not change). */
  readonly initialControl: ControlFile;
  /** Where the next transaction id and OID come from (the engine's counters); default: pg_control's. */
  readonly counters?: () => { readonly nextXid: bigint; readonly nextOid: number };
  readonly checkpointTimeoutMs?: number;
  /** max_wal_size in bytes (default 1GB): when a checkpoint is due, and how much WAL recycling may keep. */
  readonly maxWalSize?: number;
  /** min_wal_size in bytes (default 80MB): WAL recycling keeps at least this much. */
  readonly minWalSize?: number;
  readonly checkpointCompletionTarget?: number;
  /**
   * Whether each checkpoint removes or recycles the WAL segments before its
   * redo point's (@pg/wal's removeOldSegments; default true).
   */
  readonly removeOldWal?: boolean;
  /** Clock, in milliseconds (tests pass their own). */
  readonly now?: () => number;
}

/** What one checkpoint did. */
export interface CheckpointResult {
  readonly lsn: Lsn;
  readonly redo: Lsn;
  /** Buffers written. */
  readonly buffersWritten: number;
  /** Relation files fsynced. */
  readonly filesSynced: number;
  readonly shutdown: boolean;
}

/** Why a checkpoint is due. */
export type CheckpointReason = 'time' | 'wal';

/**
 * Checkpoints (CreateCheckPoint) and the test for when one is due. A
 * checkpoint:
 *
 * 1. takes the current insert position as its redo point and publishes it
 *    as RedoRecPtr, so every page changed from now on gets a full-page image
 *    in its first record;
 * 2. writes every dirty buffer (each one after the WAL up to its LSN);
 * 3. fsyncs every relation file written since the last checkpoint — a
 *    failure is a PANIC, as PostgreSQL's data_sync_retry=off makes it;
 * 4. inserts the checkpoint record and flushes the WAL;
 * 5. replaces pg_control, naming the new checkpoint;
 * 6. lets old WAL segments go.
 *
 * After step 5, recovery starts at the redo point: everything before it is
 * in the data files, durably.
 */
export class Checkpointer {
  private readonly inserter: XLogInserter;
  private readonly store: ControlFileStore;
  private control: ControlFile;
  private readonly counters: () => { readonly nextXid: bigint; readonly nextOid: number };
  private readonly timeoutMs: number;
  private readonly walThreshold: bigint;
  private readonly removeOldWal: boolean;
  private readonly minWalSize: number;
  private readonly maxWalSize: number;
  private readonly completionTarget: number;
  /** CheckPointDistanceEstimate, carried from one checkpoint to the next. */
  private distanceEstimate = 0;
  /** What the last checkpoint did to old WAL segments. */
  lastWalRemoval: RemoveOldSegmentsResult | null = null;
  private readonly now: () => number;
  private lastTime: number;
  /** Checkpoints completed by this checkpointer. */
  count = 0;

  constructor(options: CheckpointerOptions) {
    this.inserter = options.inserter;
    this.store = options.control;
    this.control = options.initialControl;
    const initial = options.initialControl.checkPointCopy;
    this.counters =
      options.counters ?? (() => ({ nextXid: initial.nextXid, nextOid: initial.nextOid }));
    this.timeoutMs = options.checkpointTimeoutMs ?? DEFAULT_CHECKPOINT_TIMEOUT_MS;
    const target = options.checkpointCompletionTarget ?? DEFAULT_CHECKPOINT_COMPLETION_TARGET;
    // CheckPointSegments: a checkpoint is requested when WAL since the last redo point reaches
    // max_wal_size / (1 + checkpoint_completion_target).
    this.maxWalSize = options.maxWalSize ?? DEFAULT_MAX_WAL_SIZE;
    this.minWalSize = options.minWalSize ?? DEFAULT_MIN_WAL_SIZE;
    this.completionTarget = target;
    this.walThreshold = BigInt(Math.floor(this.maxWalSize / (1 + target)));
    this.removeOldWal = options.removeOldWal ?? true;
    this.now = options.now ?? Date.now;
    this.lastTime = this.now();
  }

  /** The last checkpoint's redo point. */
  get redo(): Lsn {
    return this.control.checkPointCopy.redo;
  }

  /** pg_control as this checkpointer last wrote it. */
  get controlFile(): ControlFile {
    return this.control;
  }

  /** Whether a checkpoint is due: checkpoint_timeout has passed, or WAL since the redo point passed the threshold. */
  due(): CheckpointReason | null {
    if (this.inserter.wal.insertLsn - this.redo >= this.walThreshold) return 'wal';
    if (this.now() - this.lastTime >= this.timeoutMs) return 'time';
    return null;
  }

  /** Runs a checkpoint to the end, synchronously. */
  checkpoint(options: { readonly shutdown?: boolean } = {}): CheckpointResult {
    const run = this.begin(options.shutdown ?? false);
    while (run.step(Number.POSITIVE_INFINITY)) {}
    return run.finish();
  }

  /**
   * A checkpoint spread over time: its buffers are written `batch` at a
   * time with a turn of the event loop in between, so sessions keep running
   * (checkpoint_completion_target's purpose, without its pacing).
   */
  async checkpointSpread(
    options: { readonly batch?: number; readonly pause?: () => Promise<void> } = {},
  ): Promise<CheckpointResult> {
    const run = this.begin(false);
    const pause = options.pause ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
    while (run.step(options.batch ?? 64)) await pause();
    return run.finish();
  }

  private begin(shutdown: boolean): { step(n: number): boolean; finish(): CheckpointResult } {
    const wal = this.inserter.wal;
    const pool: BufferPool = this.inserter.pool;
    const redo = wal.insertLsn;
    this.inserter.redoRecPtr = redo;
    const toWrite = pool.dirtyBuffers();
    let next = 0;
    let written = 0;
    return {
      step: (n) => {
        for (let k = 0; k < n && next < toWrite.length; k++) {
          if (pool.flushBuffer(toWrite[next++]!)) written++;
        }
        return next < toWrite.length;
      },
      finish: () => {
        let filesSynced: number;
        try {
          filesSynced = pool.smgr.sync();
        } catch (e) {
          throw new WalPanic(
            `could not fsync relation files during checkpoint: ${e instanceof Error ? e.message : String(e)}`,
            { cause: e },
          );
        }
        return this.complete(wal, redo, shutdown, written, filesSynced);
      },
    };
  }

  private complete(
    wal: WalWriter,
    redo: Lsn,
    shutdown: boolean,
    buffersWritten: number,
    filesSynced: number,
  ): CheckpointResult {
    const previousRedo = this.control.checkPointCopy.redo;
    const { nextXid, nextOid } = this.counters();
    const copy: CheckPoint = { redo, nextXid, nextOid, timeline: wal.timeline };
    const { start } = wal.insert(checkpointRecord(copy, shutdown));
    wal.flushSync();
    this.control = {
      ...this.control,
      state: shutdown ? DbState.shutdowned : DbState.inProduction,
      time: BigInt(Math.floor(this.now() / 1000)),
      checkPoint: start,
      checkPointCopy: copy,
    };
    this.store.write(this.control);
    this.lastTime = this.now();
    this.count++;
    if (this.removeOldWal) {
      this.lastWalRemoval = removeOldSegments(wal.storage, {
        redoLsn: redo,
        endLsn: wal.insertLsn,
        previousRedoLsn: previousRedo,
        segmentSize: wal.segmentSize,
        timeline: wal.timeline,
        minWalSize: this.minWalSize,
        maxWalSize: this.maxWalSize,
        checkpointCompletionTarget: this.completionTarget,
        distanceEstimate: this.distanceEstimate,
      });
      this.distanceEstimate = this.lastWalRemoval.distanceEstimate;
    }
    return { lsn: start, redo, buffersWritten, filesSynced, shutdown };
  }
}
