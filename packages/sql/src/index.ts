export type { AnalyzeOptions, ExpressionScope } from './internal/analyze.js';
export { analyze, analyzeColumnDefault, analyzeExpression } from './internal/analyze.js';
export type { CatalogView } from './internal/catalog-view.js';
export { resolveTypeName } from './internal/coerce.js';
export { PositionedSqlError } from './internal/errors.js';
export { loadParser, type PNode, parse, type RawStatement } from './internal/parse.js';
export type * from './internal/query.js';
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
