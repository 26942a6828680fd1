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
export { analyzeSample } from './internal/relation.js';
export { type Sample, sampleRows, seededRandom } from './internal/sample.js';
