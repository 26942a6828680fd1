/**
 * Test-only helpers: a storage wrapper that counts calls and fails on
 * demand, for packages built on the WAL to test their PANIC paths.
 */
export { FaultyWalStorage } from './internal/faulty.js';
