export type { AnalyzeOptions, ExpressionScope } from './internal/analyze.js';
export { analyze, analyzeColumnDefault, analyzeExpression } from './internal/analyze.js';
export type { CatalogView } from './internal/catalog-view.js';
export { resolveTypeName } from './internal/coerce.js';
export { PositionedSqlError } from './internal/errors.js';
export { loadParser, type PNode, parse, type RawStatement } from './internal/parse.js';
export type * from './internal/query.js';
// The query-tree walk shared by the planner's pull-up and the updatable-view rewrite.
export {
  liftLevels,
  mapExprVars,
  mapQueryVars,
  mapRteVars,
  type VarMapOps,
} from './internal/query-map.js';
export {
  type RegCatalogOptions,
  type RegCatalogSource,
  regCatalog,
} from './internal/reg-catalog.js';
// issue 9 (G): views printed back as pg_get_viewdef does
export { type DeparseQueryOptions, deparseQuery } from './internal/ruleutils.js';
export {
  SEQUENCE_FUNCTIONS,
  type SequenceFunctionName,
  sequenceFunction,
} from './internal/sequence-functions.js';
export { addSessionFunction, sessionFunctions } from './internal/session-functions.js';
export { SETTINGS_FUNCTIONS, settingsFunction } from './internal/settings-functions.js';
// issue 9 (F): system columns (ctid, xmin, cmin, xmax, cmax, tableoid)
export {
  SYSTEM_COLUMNS,
  type SystemColumn,
  systemColumnNamed,
  systemColumnOf,
} from './internal/system-columns.js';
// issue 9 (D): automatically updatable views (view_query_is_auto_updatable)
export {
  autoUpdatableError,
  viewUpdatableColumns,
  viewUpdatableEvents,
} from './internal/view.js';
