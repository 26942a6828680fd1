export { type ExplainOptions, explainSelect } from './internal/explain.js';
export type * from './internal/plan.js';
export { outputColumns, planSelect } from './internal/planner.js';
export {
  type ColumnStats,
  defaultPlannerSettings,
  type PlannerContext,
  type PlannerSettings,
} from './internal/settings.js';
