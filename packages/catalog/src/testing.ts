export { type CatalogViolation, checkCatalogIndexes } from './internal/check.js';
export { catalogHarness, type HarnessSession } from './internal/harness.js';
