import { run } from './cli.js';
import { PGBENCH_FLAG, runPgbench } from './pgbench-workload.js';

const argv = process.argv.slice(2);
// --pgbench: real pgbench 15 against our server and PostgreSQL 15 (pgbench-workload.ts)
process.exitCode = argv.includes(PGBENCH_FLAG) ? await runPgbench(argv) : await run(argv);
