export { pgEngineAdapterFactory } from './engine-adapter.js';
export type { Engine, EngineFactory, ExecIo, Field, Notice, Result } from './internal/engine.js';
export { pgEngineFactory } from './internal/pg-adapter.js';
export {
  defaultPrintSettings,
  errorPosition,
  type PrintSettings,
  printResult,
  printTable,
} from './internal/print.js';
export { regenAll } from './internal/regen.js';
export { runScript } from './internal/run-script.js';
export {
  type Case,
  type CaseOutcome,
  listCases,
  parseExpectedFailures,
  type RunOptions,
  runSuite,
  type SuiteResult,
  summarize,
} from './internal/runner.js';
export {
  type MetaCommand,
  ScriptError,
  type ScriptStep,
  splitScript,
  type Verbosity,
} from './internal/script.js';
export { createDatabaseSql, SESSION_SETTINGS, startupOptions } from './internal/settings.js';
