#!/usr/bin/env node
// Sums the JSON reports that each package's vitest run writes to
// .test-results.json and prints one closing line: "tests: N passed, N failed".
// With --clean, removes old reports first (run before the tests).
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = ['packages', 'apps', 'tools'].flatMap((group) => {
  const dir = join(root, group);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => join(dir, name, '.test-results.json'))
    .filter((file) => existsSync(file));
});

if (process.argv.includes('--clean')) {
  for (const file of reports) rmSync(file);
  process.exit(0);
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of reports) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
console.log(`\n${reports.length} packages tested`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || reports.length === 0 ? 1 : 0);
