export type * from './internal/query.js';
