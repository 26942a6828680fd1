#!/usr/bin/env node
/**
 * pg-difftest run [filter...]    compare every case (or those whose name contains a filter) with @pg/engine
 * pg-difftest regen [filter...]  rewrite the expected files from real PostgreSQL 15 through psql
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgEngineAdapterFactory } from './engine-adapter.js';
import { regenAll } from './internal/regen.js';
import { listCases, parseExpectedFailures, runSuite, summarize } from './internal/runner.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const casesDir = join(root, 'cases');
const expectedFailuresPath = join(root, 'expected-failures.txt');

async function main(argv: string[]): Promise<number> {
  const [command = 'run', ...filter] = argv;
  if (command === 'regen') {
    const cases = listCases(casesDir).filter(
      (c) => filter.length === 0 || filter.some((f) => c.name.includes(f)),
    );
    await regenAll(cases, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(`difftest regen: wrote ${cases.length} expected files\n`);
    return 0;
  }
  if (command !== 'run') {
    process.stderr.write('usage: pg-difftest run|regen [case-name-filter...]\n');
    return 2;
  }
  const expectedFailures = parseExpectedFailures(readFileSync(expectedFailuresPath, 'utf8'));
  const result = await runSuite({
    casesDir,
    expectedFailures,
    engine: pgEngineAdapterFactory(),
    filter,
    onCase: (name, o) => {
      if (o.kind === 'failed') process.stdout.write(`FAILED ${name}\n${o.report}\n`);
      else if (o.kind === 'unexpected-pass')
        process.stdout.write(`FIXED  ${name} (listed: ${o.reason})\n`);
    },
  });
  process.stdout.write(summarize(result));
  return result.ok ? 0 : 1;
}

// exitCode rather than exit(): stdout may be a pipe (turbo), whose writes would be cut short.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `difftest: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 2;
  },
);
