/**
 * pg-planshape [--setup FILE] [--queries FILE] [FILTER...]
 *
 * Prints one line per query (match / mismatch with both shapes), then
 * `planshape: N of M queries match`. Exits 1 when fewer than
 * thresholds.json's "matches" match (only without filters) or when a query
 * fails on PostgreSQL itself.
 */
import { comparePlans } from './compare.js';
import { readThresholds } from './files.js';
import { formatOutcome, formatReport, summaryLine } from './internal/run.js';

async function main(argv: string[]): Promise<number> {
  const filters: string[] = [];
  let setupFile: string | undefined;
  let queriesFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--setup') setupFile = argv[++i];
    else if (a === '--queries') queriesFile = argv[++i];
    else if (a === '--') continue;
    else filters.push(a);
  }
  const report = await comparePlans({
    ...(setupFile === undefined ? {} : { setupFile }),
    ...(queriesFile === undefined ? {} : { queriesFile }),
    filters,
    onQuery: (q) => process.stdout.write(`${formatOutcome(q)}\n`),
  });
  const setup = formatReport({ ...report, queries: [] });
  process.stdout.write(setup.slice(0, setup.length - summaryLine(report).length - 1));
  process.stdout.write(`${summaryLine(report)}\n`);
  const refErrors = report.queries.filter((q) => !q.reference.ok).length;
  if (refErrors > 0) {
    process.stderr.write(`${refErrors} queries failed on PostgreSQL itself\n`);
    return 1;
  }
  const { matches } = readThresholds();
  if (filters.length === 0 && report.matched < matches) {
    process.stderr.write(`below the threshold: thresholds.json wants ${matches} matches\n`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
