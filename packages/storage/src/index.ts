export { BackgroundWork, type BackgroundWorkOptions } from './internal/background.js';
export {
  BufferAccessStrategy,
  BufferPool,
  type BufferPoolOptions,
  type BufferStats,
  type BufferTag,
  DEFAULT_SHARED_BUFFERS,
  MAX_USAGE_COUNT,
  MIN_BUFFERS,
  type ReadBufferOptions,
  type RelationBlockCounts,
  type StrategyKind,
  type WalFlusher,
} from './internal/buffer-pool.js';
export {
  Checkpointer,
  type CheckpointerOptions,
  type CheckpointReason,
  type CheckpointResult,
  DEFAULT_CHECKPOINT_TIMEOUT_MS,
} from './internal/checkpointer.js';
export {
  type ControlFileStore,
  FileControlStore,
  MemoryControlStore,
} from './internal/control-store.js';
export {
  ERRCODE_DATA_CORRUPTED,
  ERRCODE_DISK_FULL,
  ERRCODE_DUPLICATE_FILE,
  ERRCODE_INSUFFICIENT_PRIVILEGE,
  ERRCODE_INSUFFICIENT_RESOURCES,
  ERRCODE_INTERNAL_ERROR,
  ERRCODE_IO_ERROR,
  ERRCODE_PROGRAM_LIMIT_EXCEEDED,
  ERRCODE_UNDEFINED_FILE,
  ERRCODE_WRONG_OBJECT_TYPE,
  StorageError,
} from './internal/errors.js';
export {
  FreeSpaceMap,
  FSM_CAT_STEP,
  fsmSpaceAvailToCat,
  fsmSpaceCatToAvail,
  fsmSpaceNeededToCat,
  MAX_FSM_REQUEST_SIZE,
} from './internal/fsm.js';
export type { MapStats } from './internal/fsm-vm-readbuf.js';
export { encodePageImage, isPageImage, restorePageImage } from './internal/page-image.js';
export { type RecoveryOptions, type RecoveryResult, recover } from './internal/recovery.js';
export { type RedoAction, type RedoBlock, RedoContext } from './internal/redo.js';
export {
  BLCKSZ,
  DEFAULTTABLESPACE_OID,
  FORK_NAMES,
  ForkNumber,
  GLOBALTABLESPACE_OID,
  isForkNumber,
  MAX_BLOCK_NUMBER,
  RELSEG_SIZE,
  type RelFileLocator,
  relpath,
  segmentPath,
} from './internal/relfile.js';
export type { Smgr } from './internal/smgr.js';
export { FileSmgr, type FileSmgrOptions } from './internal/smgr-file.js';
export {
  INVALID_BLOCK_NUMBER,
  type MemoryCrashOptions,
  MemorySmgr,
  type MemorySmgrOptions,
  type MemorySmgrStats,
  SECTOR_SIZE,
  SECTORS_PER_BLOCK,
} from './internal/smgr-memory.js';
export { type OpenedStorage, type OpenStorageOptions, openStorage } from './internal/startup.js';
export {
  createFork,
  logNewPages,
  RM_SMGR_ID,
  SMGR_TRUNCATE_ALL,
  SMGR_TRUNCATE_FSM,
  SMGR_TRUNCATE_HEAP,
  SMGR_TRUNCATE_VM,
  storageRmgr,
  truncateRelation,
  XLOG_SMGR_CREATE,
  XLOG_SMGR_FPI,
  XLOG_SMGR_TRUNCATE,
} from './internal/storage-rmgr.js';
export {
  createInitFork,
  mainForkPages,
  resetUnloggedRelation,
} from './internal/unlogged.js'; // issue 9 (H): unlogged relations
export {
  HEAPBLOCKS_PER_PAGE,
  VISIBILITYMAP_ALL_FROZEN,
  VISIBILITYMAP_ALL_VISIBLE,
  VISIBILITYMAP_VALID_BITS,
  type VisibilityCounts,
  VisibilityMap,
} from './internal/vm.js';
export { type BufferChange, type LoggedChange, XLogInserter } from './internal/xlog-insert.js';
