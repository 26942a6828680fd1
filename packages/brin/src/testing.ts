/** Test-only helpers: the structural invariant checker. */
export { checkIndex } from './internal/check.js';
