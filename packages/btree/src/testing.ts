/** Test-only helpers: the structural invariant checker (amcheck's parent check, reduced). */
export { checkTree } from './internal/check.js';
