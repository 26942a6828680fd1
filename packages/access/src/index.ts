export { type BitmapPage, PAGES_PER_CHUNK, TidBitmap } from './internal/bitmap.js';
export type {
  BulkDeleteCallback,
  HeapTupleStatus,
  IndexAccessMethod,
  IndexAmCapabilities,
  IndexBuildResult,
  IndexBuildTuple,
  IndexBulkDeleteResult,
  IndexColumn,
  IndexCost,
  IndexCostInput,
  IndexDescriptor,
  IndexScan,
  IndexScanResult,
  InsertOptions,
  InsertResult,
  KeyType,
  UniqueCheck,
} from './internal/index-am.js';
export {
  type Comparator,
  type ScanDirection,
  type ScanKey,
  Strategy,
  scanKey,
  strategyHolds,
} from './internal/scankey.js';
export type {
  TableAccessMethod,
  TableModifyResult,
  TableRow,
  TableScan,
} from './internal/table-am.js';
export {
  compareTids,
  encodeTid,
  formatTid,
  INVALID_BLOCK,
  isValidTid,
  parseTid,
  readTid,
  SIZE_OF_TID,
  type Tid,
  tidEquals,
  tidFromKey,
  tidKey,
  writeTid,
} from './internal/tid.js';
