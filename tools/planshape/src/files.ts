/**
 * The checked-in inputs, found relative to this module: src/files.ts in
 * tests, dist/*.js once bundled — both one level below the package root.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);

/** queries/setup.sql, queries/queries.sql, thresholds.json: absolute paths. */
export const DEFAULT_FILES = {
  setup: fileURLToPath(new URL('queries/setup.sql', root)),
  queries: fileURLToPath(new URL('queries/queries.sql', root)),
  thresholds: fileURLToPath(new URL('thresholds.json', root)),
} as const;

/** thresholds.json: the number of queries whose shapes must match (raised as the planner improves). */
export interface Thresholds {
  readonly matches: number;
}

export function readThresholds(path: string = DEFAULT_FILES.thresholds): Thresholds {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { matches?: unknown };
  if (typeof parsed.matches !== 'number' || !Number.isInteger(parsed.matches)) {
    throw new Error(`${path}: "matches" must be an integer`);
  }
  return { matches: parsed.matches };
}
