export {
  type ControlFile,
  DbState,
  decodeControlFile,
  encodeControlFile,
  PG_CONTROL_FILE_SIZE,
  PG_CONTROL_VERSION,
  readControlFile,
  SIZE_OF_CONTROL_DATA,
  writeControlFile,
} from './internal/control.js';
export { walCrc } from './internal/crc.js';
export {
  ERRCODE_DATA_CORRUPTED,
  ERRCODE_INTERNAL_ERROR,
  ERRCODE_INVALID_TEXT_REPRESENTATION,
  WalError,
  WalPanic,
  type WalProblem,
  type WalProblemKind,
} from './internal/errors.js';
export {
  alignLsn,
  DEFAULT_SEGMENT_SIZE,
  DEFAULT_TIMELINE,
  formatLsn,
  INVALID_LSN,
  type Lsn,
  lsnToSegment,
  pageOffset,
  pageStartLsn,
  parseLsn,
  parseSegmentFileName,
  segmentFileName,
  segmentOffset,
  segmentStartLsn,
  WAL_ALIGN,
  WAL_PAGE_SIZE,
} from './internal/lsn.js';
export {
  pageHeaderSize,
  readPageHeader,
  SIZE_OF_LONG_PAGE_HEADER,
  SIZE_OF_SHORT_PAGE_HEADER,
  validatePageHeader,
  WAL_PAGE_MAGIC,
  type WalPageHeader,
  writePageHeader,
  XLP_FIRST_IS_CONTRECORD,
  XLP_LONG_HEADER,
} from './internal/page-header.js';
export { type ReadResult, WalReader, type WalReaderOptions } from './internal/reader.js';
export {
  BKPBLOCK_HAS_DATA,
  BKPBLOCK_HAS_IMAGE,
  type BlockRef,
  type DecodeOptions,
  type DecodeResult,
  decodeRecord,
  encodeRecord,
  MAX_BLOCK_REFS,
  MAX_RECORD_SIZE,
  type RelFileNode,
  recordSize,
  SIZE_OF_BLOCK_REF,
  SIZE_OF_RECORD_HEADER,
  tryDecodeRecord,
  type WalRecord,
  type WalRecordInput,
} from './internal/record.js';
export {
  DEFAULT_CHECKPOINT_COMPLETION_TARGET,
  DEFAULT_MAX_WAL_SIZE,
  DEFAULT_MIN_WAL_SIZE,
  type RecycleLimitOptions,
  type RemoveOldSegmentsOptions,
  type RemoveOldSegmentsResult,
  recycleSegmentLimit,
  removeOldSegments,
  updateDistanceEstimate,
} from './internal/recycle.js';
export {
  type CheckPoint,
  checkpointRecord,
  createRmgrRegistry,
  decodeCheckPoint,
  encodeCheckPoint,
  type ResourceManager,
  RmgrRegistry,
  xlogRmgr,
} from './internal/rmgr.js';
export {
  RM_XLOG_ID,
  XLOG_CHECKPOINT_ONLINE,
  XLOG_CHECKPOINT_SHUTDOWN,
  XLOG_SWITCH,
} from './internal/rmgr-ids.js';
export {
  type CrashOptions,
  FileWalStorage,
  MemoryWalStorage,
  type MemoryWalStorageOptions,
  SECTOR_SIZE,
  type WalStorage,
} from './internal/storage.js';
export { truncateWalAfter } from './internal/truncate.js';
export { type InsertResult, WalWriter, type WalWriterOptions } from './internal/writer.js';
