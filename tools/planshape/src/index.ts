export { type CompareOptions, comparePlans } from './compare.js';
export { DEFAULT_FILES, readThresholds, type Thresholds } from './files.js';
export { type NamedQuery, parseQueries } from './internal/queries.js';
export {
  engineSource,
  explainSql,
  formatOutcome,
  formatReport,
  type PlanSource,
  type PlanshapeOptions,
  type PlanshapeReport,
  type QueryOutcome,
  referenceSource,
  runPlanshape,
  type SetupError,
  type ShapeOrError,
  type StatementError,
  summaryLine,
} from './internal/run.js';
export { formatShape, nodeName, type PlanNode, planShape, sameShape } from './internal/shape.js';
