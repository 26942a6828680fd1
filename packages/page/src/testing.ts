/**
 * Test-only helpers: the invariant checker and the reference model used by
 * this package's property tests, for packages built on pages to reuse.
 */
export { checkPage, type Violation } from './internal/check.js';
export { type ModelEntry, PageModel } from './internal/model.js';
