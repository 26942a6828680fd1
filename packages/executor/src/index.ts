export type {
  EvalEnv,
  ExecContext,
  ExecRelations,
  ExecStats,
  OpenComputed,
  OpenRelation,
  OpenTable,
  RelationCounters,
  RowTriggers,
  SessionSequenceFunctions,
  SessionSettings,
} from './internal/context.js';
export { type ExecResult, executePlan, type RunOptions } from './internal/execute.js';
export { type Compiled, compileExpr, compileQual } from './internal/expr.js';
export { type EntryOf, indexEntryOf } from './internal/index-keys.js'; // issue 11: REINDEX of expression and partial indexes
export {
  describePlan,
  explainModify,
  type IndexQual,
  type OutputColumn,
  outputColumns,
  type Plan,
  type PlanOptions,
  planQuery,
  type ScanNode,
} from './internal/plan.js';
export { type ExecuteSelectOptions, executeSelect } from './internal/run.js';
