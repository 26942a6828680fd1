export type {
  EvalEnv,
  ExecContext,
  ExecRelations,
  OpenComputed,
  OpenRelation,
  OpenTable,
  SessionSettings,
} from './internal/context.js';
export { type ExecResult, executePlan } from './internal/execute.js';
export { type Compiled, compileExpr, compileQual } from './internal/expr.js';
export {
  describePlan,
  type IndexQual,
  type OutputColumn,
  outputColumns,
  type Plan,
  planQuery,
  type ScanNode,
} from './internal/plan.js';
