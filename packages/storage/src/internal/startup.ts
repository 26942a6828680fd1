import {
  type ControlFile,
  checkpointRecord,
  createRmgrRegistry,
  DbState,
  DEFAULT_SEGMENT_SIZE,
  type ResourceManager,
  type RmgrRegistry,
  type WalRecord,
  type WalStorage,
  WalWriter,
} from '@pg/wal';
import { BufferPool } from './buffer-pool.js';
import { Checkpointer, type CheckpointerOptions } from './checkpointer.js';
import type { ControlFileStore } from './control-store.js';
import { type RecoveryResult, recover } from './recovery.js';
import type { RedoContext } from './redo.js';
import type { Smgr } from './smgr.js';
import { storageRmgr } from './storage-rmgr.js';
import { XLogInserter } from './xlog-insert.js';

export interface OpenStorageOptions {
  readonly walStorage: WalStorage;
  readonly smgr: Smgr;
  readonly control: ControlFileStore;
  /** Resource managers besides XLOG and Storage, which are always registered. */
  readonly rmgrs?: readonly ResourceManager<RedoContext>[];
  readonly sharedBuffers?: number;
  /** For a new cluster: initdb --data-checksums. An existing cluster keeps what pg_control says. */
  readonly dataChecksums?: boolean;
  readonly fullPageWrites?: boolean;
  readonly segmentSize?: number;
  readonly walBuffers?: number;
  /** For a new cluster (default: from the clock and process id, as initdb does). */
  readonly systemIdentifier?: bigint;
  readonly checkpointer?: Omit<CheckpointerOptions, 'inserter' | 'control' | 'initialControl'>;
  readonly onRecoveryProgress?: (lsn: bigint, records: number) => void;
  /** Told about every record recovery replays, before its redo (see RecoveryOptions.onRecord). */
  readonly onReplay?: (record: WalRecord, lsn: bigint) => void;
}

/** A started storage layer: WAL, pool, logging and checkpoints, ready for work. */
export interface OpenedStorage {
  readonly wal: WalWriter;
  readonly pool: BufferPool;
  readonly inserter: XLogInserter;
  readonly checkpointer: Checkpointer;
  readonly registry: RmgrRegistry<RedoContext>;
  /** What recovery did, or null for a new cluster. */
  readonly recovery: RecoveryResult | null;
  /** A clean shutdown: a shutdown checkpoint, pg_control says shut down. */
  shutdown(): void;
}

const CATALOG_VERSION = 202209061;

/**
 * Starts the storage layer of a cluster (StartupXLOG, and BootStrapXLOG for
 * a new one). Without pg_control it writes the first checkpoint and
 * pg_control, as initdb does. Otherwise it runs crash recovery from the
 * last checkpoint's redo point — after a clean shutdown that replays only
 * the shutdown checkpoint — resumes the WAL at the end of valid WAL, and
 * after a crash takes an end-of-recovery checkpoint.
 */
export function openStorage(options: OpenStorageOptions): OpenedStorage {
  const segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
  const registry = createRmgrRegistry<RedoContext>();
  registry.register(storageRmgr);
  for (const r of options.rmgrs ?? []) registry.register(r);
  const existing = options.control.read();
  const walBuffers = options.walBuffers === undefined ? {} : { walBuffers: options.walBuffers };

  let control: ControlFile;
  let wal: WalWriter | undefined;
  let recovery: RecoveryResult | null = null;
  const poolFor = (checksums: boolean) =>
    new BufferPool({
      smgr: options.smgr,
      checksums,
      ...(options.sharedBuffers === undefined ? {} : { sharedBuffers: options.sharedBuffers }),
      // During recovery there is no writer yet: the WAL being replayed is on disk already.
      wal: {
        get flushedLsn() {
          return wal === undefined ? 0xffffffffffffffffn : wal.flushedLsn;
        },
        flushSync() {
          wal?.flushSync();
        },
      },
    });
  let pool: BufferPool;
  if (existing === null) {
    const systemIdentifier =
      options.systemIdentifier ??
      ((BigInt(Date.now()) / 1000n) << 32n) | BigInt(process.pid & 0xfffff);
    wal = new WalWriter({
      storage: options.walStorage,
      segmentSize,
      systemIdentifier,
      ...walBuffers,
    });
    const checkpoint = { redo: wal.insertLsn, nextXid: 3n, nextOid: 16384, timeline: wal.timeline };
    const { start } = wal.insert(checkpointRecord(checkpoint, true));
    wal.flushSync();
    control = {
      systemIdentifier,
      catalogVersion: CATALOG_VERSION,
      state: DbState.shutdowned,
      time: BigInt(Math.floor(Date.now() / 1000)),
      checkPoint: start,
      checkPointCopy: checkpoint,
      minRecoveryPoint: 0n,
      walSegmentSize: segmentSize,
      walPageSize: 8192,
      blockSize: 8192,
      dataChecksumVersion: options.dataChecksums ? 1 : 0,
    };
    options.control.write(control);
    pool = poolFor(options.dataChecksums ?? false);
  } else {
    control = existing;
    pool = poolFor(control.dataChecksumVersion !== 0);
    const rec = recover({
      walStorage: options.walStorage,
      segmentSize: control.walSegmentSize,
      control: options.control,
      pool,
      registry,
      ...(options.onRecoveryProgress ? { onProgress: options.onRecoveryProgress } : {}),
      ...(options.onReplay ? { onRecord: options.onReplay } : {}),
    });
    recovery = rec;
    control = { ...control, checkPointCopy: rec.lastCheckpoint };
    wal = new WalWriter({
      storage: options.walStorage,
      segmentSize: control.walSegmentSize,
      systemIdentifier: control.systemIdentifier,
      startLsn: rec.endLsn,
      prevLsn: rec.prevLsn,
      ...walBuffers,
    });
  }
  const inserter = new XLogInserter({
    wal,
    pool,
    redoRecPtr: control.checkPointCopy.redo,
    ...(options.fullPageWrites === undefined ? {} : { fullPageWrites: options.fullPageWrites }),
  });
  const checkpointer = new Checkpointer({
    ...options.checkpointer,
    inserter,
    control: options.control,
    initialControl: control,
  });
  if (recovery !== null && !recovery.wasClean) {
    checkpointer.checkpoint({ shutdown: true }); // end of recovery: everything replayed is on disk
  }
  options.control.write({ ...checkpointer.controlFile, state: DbState.inProduction });
  return {
    wal,
    pool,
    inserter,
    checkpointer,
    registry,
    recovery,
    shutdown() {
      checkpointer.checkpoint({ shutdown: true });
    },
  };
}
