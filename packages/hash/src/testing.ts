/** Test-only helpers: the structural invariant checker. */
export { checkHash } from './internal/check.js';
