export type * from './internal/plan.js';
