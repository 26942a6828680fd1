// issue 9 (upsert): ON CONFLICT's arbiter inference and EXPLAIN lines
export { explainOnConflict, inferArbiterIndexes } from './internal/arbiter.js';
export { type ExplainOptions, explainSelect } from './internal/explain.js';
export type * from './internal/plan.js';
export { outputColumns, planSelect } from './internal/planner.js';
export {
  type ColumnStats,
  defaultPlannerSettings,
  type PlannerContext,
  type PlannerSettings,
} from './internal/settings.js';
