export {
  CLOG_XACTS_PER_PAGE,
  Clog,
  type ClogOptions,
  clogPageStatus,
  clogSegmentName,
  SLRU_PAGES_PER_SEGMENT,
  statusName,
  TRANSACTION_STATUS_ABORTED,
  TRANSACTION_STATUS_COMMITTED,
  TRANSACTION_STATUS_IN_PROGRESS,
  TRANSACTION_STATUS_SUB_COMMITTED,
  transactionIdToPage,
  type XidStatus,
} from './internal/clog.js';
export { FileSlruStore, MemorySlruStore, type SlruStore } from './internal/clog-store.js';
export { SubTrans } from './internal/clog-subtrans.js';
export {
  redoXactAbort,
  redoXactCommit,
  type TransactionLog,
  Transam,
  type XactStatusRecord,
} from './internal/clog-transam.js';
export {
  type AcquireOptions,
  DEFAULT_DEADLOCK_TIMEOUT_MS,
  deadlockDetail,
  ERRCODE_LOCK_NOT_AVAILABLE,
  ERRCODE_QUERY_CANCELED,
  ERRCODE_T_R_DEADLOCK_DETECTED,
  LockManager,
  type LockManagerOptions,
  type LockStatusRow,
} from './internal/lock.js';
export { type LockClock, ManualClock, systemClock } from './internal/lock-clock.js';
export type { DeadlockStep } from './internal/lock-deadlock.js';
export {
  advisoryLockTag,
  advisoryLockTag2,
  describeLockTag,
  isLockMode,
  LOCK_CONFLICTS,
  LOCK_MODES,
  LockMode,
  type LockTag,
  lockModeFromSql,
  lockModeName,
  lockModeSqlName,
  lockModesConflict,
  lockTagKey,
  relationLockTag,
  transactionLockTag,
  tupleLockTag,
} from './internal/lock-modes.js';
export {
  attachMultiXacts,
  decodeMultiXactCreate,
  encodeMultiXactCreate,
  FIRST_MULTIXACT_ID,
  INVALID_MULTIXACT_ID,
  isUpdateStatus,
  MULTIXACT_MEMBERS_PER_PAGE,
  MULTIXACT_OFFSETS_PER_PAGE,
  type MultiXactId,
  type MultiXactMember,
  type MultiXactOffset,
  type MultiXactReader,
  MultiXactStatus,
  MultiXacts,
  type MultiXactsOptions,
  type MultiXactWal,
  multiXactMemberPosition,
  multiXactOffsetPosition,
  multiXactSegmentName,
  multiXactStatusName,
  multiXactsOf,
  multixactRmgr,
  RM_MULTIXACT_ID,
  XLOG_MULTIXACT_CREATE_ID,
} from './internal/multixact.js';
export {
  type CommandId,
  FIRST_COMMAND_ID,
  formatSnapshot,
  INVALID_COMMAND_ID,
  parseSnapshot,
  type Snapshot,
  type SnapshotText,
  xidInMVCCSnapshot,
} from './internal/snapshot.js';
export {
  initialLatestCompletedXid,
  PGPROC_MAX_CACHED_SUBXIDS,
  ProcArray,
  type ProcArrayOptions,
} from './internal/snapshot-procarray.js';
export * from './internal/visibility.js';
export { ComboCids } from './internal/visibility-combocid.js';
export {
  ERRCODE_ACTIVE_SQL_TRANSACTION,
  ERRCODE_IN_FAILED_SQL_TRANSACTION,
  ERRCODE_NO_ACTIVE_SQL_TRANSACTION,
  ERRCODE_S_E_INVALID_SPECIFICATION,
  type IsolationLevel,
  TransactionManager,
  type TransactionManagerOptions,
  type XactOutcome,
  type XactState,
  type XactWal,
} from './internal/xact.js';
export {
  type OpenedTransactions,
  type OpenTransactionsOptions,
  openTransactions,
} from './internal/xact-startup.js';
export {
  decodeXactRecord,
  encodeXactRecord,
  RM_XACT_ID,
  type XactRedoTarget,
  XLOG_XACT_ABORT,
  XLOG_XACT_COMMIT,
  xactRmgr,
} from './internal/xact-wal.js';
export * from './internal/xid.js';
export {
  ERRCODE_FEATURE_NOT_SUPPORTED,
  ERRCODE_PROGRAM_LIMIT_EXCEEDED,
  MvccError,
  type MvccNotice,
} from './internal/xid-errors.js';
