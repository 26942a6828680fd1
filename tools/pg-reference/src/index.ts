export { findPostgresBinDir } from './internal/bin-dir.js';
export { startReferencePostgres } from './internal/server.js';
export type { ReferencePostgres, ReferencePostgresOptions } from './internal/types.js';
