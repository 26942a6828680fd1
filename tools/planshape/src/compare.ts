/**
 * The whole comparison: a throwaway PostgreSQL 15 (no parallel plans, see
 * setup.sql), a fresh in-memory @pg/engine, the checked-in setup and
 * queries, and the report.
 */
import { readFileSync } from 'node:fs';
import { startReferencePostgres } from '@pg/pg-reference';
import { DEFAULT_FILES } from './files.js';
import {
  engineSource,
  type PlanSource,
  type PlanshapeReport,
  type QueryOutcome,
  referenceSource,
  runPlanshape,
} from './internal/run.js';

export interface CompareOptions {
  readonly setupFile?: string;
  readonly queriesFile?: string;
  readonly filters?: readonly string[];
  readonly onQuery?: (q: QueryOutcome) => void;
  /** The engine's module specifier (default '@pg/engine'). */
  readonly engine?: string;
}

/** Starts PostgreSQL, opens the engine, runs everything, stops both. */
export async function comparePlans(o: CompareOptions = {}): Promise<PlanshapeReport> {
  const setupSql = readFileSync(o.setupFile ?? DEFAULT_FILES.setup, 'utf8');
  const queriesSql = readFileSync(o.queriesFile ?? DEFAULT_FILES.queries, 'utf8');
  const server = await startReferencePostgres({ dataChecksums: false, extensions: [] });
  let reference: PlanSource | undefined;
  let engine: PlanSource | undefined;
  try {
    reference = await referenceSource(server);
    engine = await engineSource(o.engine);
    return await runPlanshape({
      setupSql,
      queriesSql,
      reference,
      engine,
      ...(o.filters === undefined ? {} : { filters: o.filters }),
      ...(o.onQuery === undefined ? {} : { onQuery: o.onQuery }),
    });
  } finally {
    await engine?.close().catch(() => {});
    await reference?.close().catch(() => {});
    await server.stop();
  }
}
