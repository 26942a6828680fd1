/**
 * The command line: `node dist/main.js [--quick] [--json] [--page] [--wal] [--storage] [--btree] [--heap] [--toast]`.
 */
import { btreeWorkloads } from './btree-workloads.js';
import {
  COPY_CHILD,
  copyChild,
  DEFAULT_COPY_ROWS,
  measureCopy,
  QUICK_COPY_ROWS,
  renderCopy,
} from './copy-workloads.js';
import { DEFAULT_COUNT_ROWS, engineWorkloads } from './engine-workloads.js';
import { heapWorkloads } from './heap-workloads.js';
import {
  FULL_CONFIG,
  measureWorkload,
  QUICK_CONFIG,
  type Workload,
  type WorkloadResult,
} from './measure.js';
import {
  MEMORY_CHILD,
  type MemoryResult,
  measureMemory,
  memoryChild,
  renderMemory,
} from './memory.js';
import { Progress, type ProgressStream } from './progress.js';
import { QUICK_QUERY_SIZES, queryWorkloads } from './query-workloads.js';
import {
  describeEnvironment,
  type Report,
  renderChart,
  renderHeader,
  renderJson,
  renderTable,
} from './render.js';
import { storageWorkloads } from './storage-workloads.js';
import { toastWorkloads } from './toast-workloads.js';
import { walWorkloads } from './wal-workloads.js';
import { defaultWorkloads, sinkValue } from './workloads.js';

export const USAGE = `usage: pnpm bench [--quick] [--json] [--page] [--wal] [--storage] [--btree] [--heap] [--toast]
       node tools/bench/dist/main.js [--quick] [--json] [--page] [--wal] [--storage] [--btree]
                                     [--heap] [--toast]

  --quick  far fewer and shorter rounds (a smoke run; the numbers are rough)
  --json   print the results as JSON on stdout instead of the chart and table
  --page   only the @pg/page workloads
  --wal    only the @pg/wal workloads (appends, durable commits)
  --storage  only the @pg/storage workloads (buffer hits and misses)
  --btree  only the @pg/btree workloads (inserts, lookups, range scans, bulk build)
  --heap   only the @pg/heap and @pg/toast workloads (inserts, HOT updates, scans, pglz)
  --toast  only the TOAST workloads (out-of-line writes and reads, MB/s)
  --engine only the embedded SQL workloads (@pg/engine vs PGlite, pg-mem, SQLite),
           then each engine's peak memory on the same work, in a process of its own
  --queries only the analytic SQL workloads (joins, windows, ORDER BY LIMIT, recursive CTE:
           @pg/engine vs PGlite, pg-mem and real PostgreSQL 15)
  --copy   only the bulk-load comparison: COPY of 1M CSV rows (50k with --quick) into
           @pg/engine, PGlite and PostgreSQL 15, and @pg/engine's INSERT in batches of 1000,
           each with its peak memory (not part of a run without flags)
  --memory only the peak-memory comparison of the embedded engines
  --vacuum VACUUM throughput after updating every row, maintenance_work_mem small and large,
           @pg/engine vs PostgreSQL 15 (vacuum-workload.ts; its options: --vacuum --help)
  --indexam  GIN on a jsonb product catalog (vs a sequential scan) and BRIN vs B-tree on a time
           series, @pg/engine vs PostgreSQL 15 (am-workload.ts; its options: --indexam --help)
  --no-memory  with --engine: the timed workloads only
  --help   this text

Progress goes to stderr; results to stdout.`;

export interface Options {
  readonly quick: boolean;
  readonly json: boolean;
  readonly help: boolean;
  /** Run the @pg/page workloads (every group runs when no group flag is given). */
  readonly page: boolean;
  /** Run the @pg/wal workloads. */
  readonly wal: boolean;
  /** Run the @pg/storage workloads. */
  readonly storage: boolean;
  /** Run the @pg/btree workloads. */
  readonly btree: boolean;
  /** Run the @pg/heap and @pg/toast workloads. */
  readonly heap: boolean;
  /** Run the TOAST (out-of-line storage) workloads. */
  readonly toast: boolean;
  /** Run the embedded SQL workloads (@pg/engine against PGlite, pg-mem and SQLite). */
  readonly engine: boolean;
  /** Measure the embedded engines' peak memory (with --engine, or alone). */
  readonly memory: boolean;
  /** Run the analytic SQL workloads (issue 8's queries against PGlite, pg-mem, PostgreSQL 15). */
  readonly queries: boolean;
  /** Run the bulk-load (COPY) comparison. */
  readonly copy: boolean;
}

/** The options in `argv` (without node and the script); throws on anything unknown. */
export function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let json = false;
  let help = false;
  let page = false;
  let wal = false;
  let storage = false;
  let btree = false;
  let heap = false;
  let toast = false;
  let engine = false;
  let memory = false;
  let noMemory = false;
  let queries = false;
  let copy = false;
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--json') json = true;
    else if (arg === '--page') page = true;
    else if (arg === '--wal') wal = true;
    else if (arg === '--storage') storage = true;
    else if (arg === '--btree') btree = true;
    else if (arg === '--heap') heap = true;
    else if (arg === '--toast') toast = true;
    else if (arg === '--engine') engine = memory = true;
    else if (arg === '--memory') memory = true;
    else if (arg === '--queries') queries = true;
    else if (arg === '--copy') copy = true;
    else if (arg === '--no-memory') noMemory = true;
    else if (arg === '--help' || arg === '-h') help = true;
    // `pnpm bench -- --quick` passes the `--` through.
    else if (arg !== '--') throw new Error(`unknown argument: ${arg}`);
  }
  if (
    !page &&
    !wal &&
    !storage &&
    !btree &&
    !heap &&
    !toast &&
    !engine &&
    !memory &&
    !queries &&
    !copy
  )
    page = wal = storage = btree = heap = toast = engine = memory = queries = true;
  if (noMemory) memory = false;
  return {
    quick,
    json,
    help,
    page,
    wal,
    storage,
    btree,
    heap,
    toast,
    engine,
    memory,
    queries,
    copy,
  };
}

/** The workloads the options select, as factories, in the order page, wal, storage, btree, heap, toast. */
export function selectWorkloads(
  options: Pick<Options, 'page' | 'wal' | 'storage' | 'btree'> & {
    readonly heap?: boolean;
    readonly toast?: boolean;
    readonly engine?: boolean;
    readonly queries?: boolean;
    readonly quick?: boolean;
  },
): { readonly title: string; readonly make: () => Workload }[] {
  return [
    ...(options.page ? defaultWorkloads() : []),
    ...(options.wal ? walWorkloads() : []),
    ...(options.storage ? storageWorkloads() : []),
    ...(options.btree ? btreeWorkloads() : []),
    ...(options.heap ? heapWorkloads() : []),
    ...(options.toast ? toastWorkloads() : []),
    ...(options.engine
      ? engineWorkloads(options.quick ? { pointRows: 10_000, countRows: 100_000 } : {})
      : []),
    ...(options.queries ? queryWorkloads(options.quick ? QUICK_QUERY_SIZES : undefined) : []),
  ];
}

interface Output {
  write(text: string): unknown;
}

/** Run the benchmarks as `argv` says; the exit code. */
export async function run(
  argv: readonly string[],
  out: Output = process.stdout,
  err: ProgressStream = process.stderr,
): Promise<number> {
  if (argv[0] === MEMORY_CHILD) return memoryChild(argv[1] ?? '', Number(argv[2]));
  if (argv[0] === COPY_CHILD) return copyChild(argv[1] ?? '', argv[2] ?? '', Number(argv[3]));
  let options: Options;
  try {
    options = parseArgs(argv);
  } catch (e) {
    err.write(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }

  const config = options.quick ? QUICK_CONFIG : FULL_CONFIG;
  const report: Report = {
    environment: describeEnvironment(),
    mode: options.quick ? 'quick' : 'full',
    config,
    results: [],
  };
  if (!options.json) out.write(`${renderHeader(report)}\n\n`);

  const progress = new Progress(err);
  const workloads = selectWorkloads(options);
  const results: WorkloadResult[] = [];
  const started = performance.now();
  for (const [i, { title, make }] of workloads.entries()) {
    progress.step(i + 1, workloads.length, title);
    const workload = make();
    results.push(
      await measureWorkload(workload, config, ({ variant, round, rounds }) =>
        progress.detail(
          round === 0 ? `${variant}, warming up` : `${variant}, round ${round}/${rounds}`,
        ),
      ),
    );
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  progress.done(
    `measured ${workloads.length} workloads in ${seconds} s (check value ${sinkValue()})`,
  );

  const memoryRows = options.quick ? 100_000 : DEFAULT_COUNT_ROWS;
  let memory: MemoryResult[] = [];
  if (options.memory) {
    memory = await measureMemory(memoryRows, (name) =>
      progress.detail(`peak memory: ${name}, ${memoryRows} rows`),
    );
    progress.done(`measured peak memory of ${memory.length} processes`);
  }

  const copyRows = options.quick ? QUICK_COPY_ROWS : DEFAULT_COPY_ROWS;
  const copy = options.copy
    ? await measureCopy(copyRows, (name) => progress.detail(`COPY: ${name}, ${copyRows} rows`))
    : undefined;
  if (copy !== undefined) progress.done(`measured ${copy.length} bulk loads`);

  const done = {
    ...report,
    results,
    ...(options.memory ? { memory } : {}),
    ...(copy !== undefined ? { copy } : {}),
  };
  if (options.json) {
    out.write(`${renderJson(done)}\n`);
  } else {
    if (options.memory) out.write(`${renderMemory(memory, memoryRows)}\n\n`);
    if (copy !== undefined) out.write(`${renderCopy(copy)}\n\n`);
    if (results.length > 0) out.write(`${renderChart(results)}\n\n${renderTable(results)}\n\n`);
    out.write(
      'ratio: code under test ops/s ÷ baseline ops/s; below 1x, the code under test is slower.\n' +
        "ratio (table): the workload's first variant ops/s ÷ that row's.\n" +
        'spread: half the range of the rounds, relative to their median.\n',
    );
  }
  return 0;
}
