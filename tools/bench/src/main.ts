import { INDEXAM_FLAG, runAm } from './am-workload.js';
import { run } from './cli.js';
import { PGBENCH_FLAG, runPgbench } from './pgbench-workload.js';
import { runVacuum, VACUUM_FLAG } from './vacuum-workload.js';

const argv = process.argv.slice(2);
// --pgbench: real pgbench 15 against our server and PostgreSQL 15 (pgbench-workload.ts)
// --vacuum (issue 11): VACUUM throughput, @pg/engine and PostgreSQL 15 (vacuum-workload.ts)
// --indexam (issue 12): GIN, BRIN vs B-tree, @pg/engine and PostgreSQL 15 (am-workload.ts)
process.exitCode = argv.includes(PGBENCH_FLAG)
  ? await runPgbench(argv)
  : argv.includes(VACUUM_FLAG)
    ? await runVacuum(argv)
    : argv.includes(INDEXAM_FLAG)
      ? await runAm(argv)
      : await run(argv);
