export type {
  EvalEnv,
  ExecContext,
  ExecRelations,
  OpenComputed,
  OpenRelation,
  OpenTable,
  RowTriggers,
  SessionSequenceFunctions,
  SessionSettings,
} from './internal/context.js';
export { type ExecResult, executePlan, type RunOptions } from './internal/execute.js';
export { type Compiled, compileExpr, compileQual } from './internal/expr.js';
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
