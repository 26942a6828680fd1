export {
  type AnalyzeColumn,
  type AnalyzeKind,
  analyzeKind,
  analyzeMcvList,
  type ColumnStatistics,
  computeColumnStats,
  minRows,
  sampleSize,
  WIDTH_THRESHOLD,
} from './internal/analyze.js';
export { DeadItems, deadItemsMaxItems, maxDeadItemsFor, TID_BYTES } from './internal/dead-items.js';
export {
  heapTupleStats,
  type TupleStats,
  type VisibilityRow,
  visibilityMapRows,
  visibilityMapSummary,
} from './internal/inspect.js';
export {
  type IndexCleanup,
  type LazyVacuumOptions,
  lazyVacuum,
  lazyVacuumAsync,
  SKIP_PAGES_THRESHOLD,
  type VacuumDelayPoint,
  type VacuumIndex,
  type VacuumProgress,
  type VacuumRelation,
  type VacuumResult,
} from './internal/lazy.js';
export { analyzeSample } from './internal/relation.js';
export { type Sample, sampleRows, seededRandom } from './internal/sample.js';
export { truncateMessage, type VerboseContext, vacuumVerboseReport } from './internal/verbose.js';
