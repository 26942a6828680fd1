/**
 * `--indexam` (issue 12's benchmark): the seeds' two examples for the other
 * index access methods, on @pg/engine and on real PostgreSQL 15 in the
 * same run.
 *
 * 1. A product catalog, `products(id serial primary key, name text, details
 *    jsonb)` with details such as {"color": "red", "size": "M", "tags":
 *    ["tag3", "tag9"]} (ten colours in turn, so exactly a tenth of the rows
 *    are red). Timed: `CREATE INDEX ... USING gin (details)` (jsonb_ops),
 *    `SELECT count(*) FROM products WHERE details @> '{"color":"red"}'`
 *    through the GIN index (Bitmap Index Scan) and by a sequential scan
 *    (enable_bitmapscan and enable_indexscan off); then the GIN index is
 *    dropped and the same done with a jsonb_path_ops one (build, size,
 *    query).
 * 2. A time series, `sensor(ts timestamptz, device int, value float8)`
 *    inserted in ts order (one row a second). Timed: `CREATE INDEX ... USING
 *    brin (ts)` and a B-tree on ts, their sizes (pg_relation_size; the
 *    seed's "99% smaller"), and a range query over 1% of the time span
 *    through the B-tree (Index Scan), through BRIN (Bitmap Heap Scan; the
 *    B-tree dropped first, or the planner would take its bitmap) and by a
 *    sequential scan.
 *
 * Every query runs once to warm up, then `reps` times; the figure is the
 * median. Each forced plan is checked with EXPLAIN (COSTS OFF) before it is
 * timed, and every way of answering a query must count the same rows. The
 * engine works in a data directory under os.tmpdir(); PostgreSQL 15 is a
 * throwaway server from @pg/pg-reference. Both run with fsync off,
 * autovacuum off and (PostgreSQL) no parallel workers: one process each,
 * the CPU work of the access methods. The systems run one after the other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@pg/engine';
import { startReferencePostgres } from '@pg/pg-reference';
import { Progress, type ProgressStream } from './progress.js';
import { bar, describeEnvironment, type Environment, formatRatio } from './render.js';

/** The flag that selects this benchmark (handled in main.ts). */
export const INDEXAM_FLAG = '--indexam';

/**
 * The default sizes keep the engine's side to about a minute: 10,000
 * catalog rows (the engine's GIN build is a bulk build since session 7, so
 * loading the rows costs more than indexing them) and a time series ten
 * times the catalog, as in the seed (1M and 10M).
 */
export const DEFAULT_CATALOG_ROWS = 10_000;
export const DEFAULT_SERIES_ROWS = 100_000;
/** --quick: a smoke run. */
export const QUICK_CATALOG_ROWS = 2_000;
export const QUICK_SERIES_ROWS = 20_000;
/** --seed: the seed's 1M-row catalog and 10M-row series (the engine: about 40 minutes here, most of it loading rows). */
export const SEED_CATALOG_ROWS = 1_000_000;
export const SEED_SERIES_ROWS = 10_000_000;
export const DEFAULT_REPS = 5;
export const QUICK_REPS = 3;

export const INDEXAM_USAGE = `usage: node tools/bench/dist/main.js --indexam [--quick] [--json] [--rows N | --seed]
                                     [--series-rows N] [--reps N] [--no-postgres]

  GIN on a product catalog (jsonb details, @> '{"color":"red"}': GIN vs sequential scan, index
  build time, jsonb_ops vs jsonb_path_ops size and query) and BRIN vs B-tree on a time series inserted in
  order (index sizes, build times, a range query over 1% of the span); on @pg/engine and on real
  PostgreSQL 15 in the same run, with the ratios engine ÷ PostgreSQL.
  --rows         catalog rows (default ${DEFAULT_CATALOG_ROWS}; ${QUICK_CATALOG_ROWS} with --quick); the series
                 gets ten times as many unless --series-rows says otherwise
  --series-rows  time-series rows (default ${DEFAULT_SERIES_ROWS}; ${QUICK_SERIES_ROWS} with --quick)
  --seed         the seed's ${SEED_CATALOG_ROWS} catalog rows and ${SEED_SERIES_ROWS} series rows (the engine: ~40 min)
  --reps         timed runs of each query after one warm-up (default ${DEFAULT_REPS}; ${QUICK_REPS} with --quick)
  --no-postgres  the engine only`;

export interface AmOptions {
  readonly catalogRows: number;
  readonly seriesRows: number;
  readonly reps: number;
  readonly postgres: boolean;
  readonly json: boolean;
}

/** Parses the --indexam command line (throws on anything unknown). */
export function parseAmArgs(argv: readonly string[]): AmOptions & { help: boolean } {
  let quick = false;
  let json = false;
  let help = false;
  let postgres = true;
  let catalogRows: number | undefined;
  let seriesRows: number | undefined;
  let reps: number | undefined;
  const positive = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} needs a positive integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === INDEXAM_FLAG || arg === '--') continue;
    if (arg === '--quick') quick = true;
    else if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--no-postgres') postgres = false;
    else if (arg === '--seed') {
      catalogRows = SEED_CATALOG_ROWS;
      seriesRows = SEED_SERIES_ROWS;
    } else if (arg === '--rows') catalogRows = positive(arg, argv[++i]);
    else if (arg === '--series-rows') seriesRows = positive(arg, argv[++i]);
    else if (arg === '--reps') reps = positive(arg, argv[++i]);
    else throw new Error(`unknown argument: ${arg}`);
  }
  const catalog = catalogRows ?? (quick ? QUICK_CATALOG_ROWS : DEFAULT_CATALOG_ROWS);
  return {
    catalogRows: catalog,
    seriesRows:
      seriesRows ??
      (catalogRows !== undefined ? catalog * 10 : quick ? QUICK_SERIES_ROWS : DEFAULT_SERIES_ROWS),
    reps: reps ?? (quick ? QUICK_REPS : DEFAULT_REPS),
    postgres,
    json,
    help,
  };
}

/** One query timed `reps` times (seconds each) and their median. */
export interface Timing {
  readonly runs: readonly number[];
  readonly median: number;
}

export interface CatalogResult {
  readonly rows: number;
  readonly loadSeconds: number;
  readonly tableBytes: number;
  readonly ginBuildSeconds: number;
  readonly ginBytes: number;
  readonly pathOpsBuildSeconds: number;
  readonly pathOpsBytes: number;
  /** count(*) of the red products (the same by both plans). */
  readonly matches: number;
  /** EXPLAIN (COSTS OFF) of the timed query, index forced / sequential scan forced. */
  readonly ginPlan: readonly string[];
  readonly seqPlan: readonly string[];
  /** The same query through a jsonb_path_ops index (built after dropping the jsonb_ops one). */
  readonly pathOpsPlan: readonly string[];
  readonly gin: Timing;
  readonly seq: Timing;
  readonly pathOps: Timing;
}

export interface SeriesResult {
  readonly rows: number;
  readonly loadSeconds: number;
  readonly tableBytes: number;
  readonly brinBuildSeconds: number;
  readonly brinBytes: number;
  readonly btreeBuildSeconds: number;
  readonly btreeBytes: number;
  /** Rows in the queried 1% of the span (the same by every plan). */
  readonly matches: number;
  readonly btreePlan: readonly string[];
  readonly brinPlan: readonly string[];
  readonly seqPlan: readonly string[];
  readonly btree: Timing;
  readonly brin: Timing;
  readonly seq: Timing;
}

export interface AmSystemResult {
  readonly system: string;
  readonly version: string;
  readonly catalog: CatalogResult;
  readonly series: SeriesResult;
}

export interface AmReport {
  readonly benchmark: '@pg/bench indexam';
  readonly environment: Environment;
  readonly options: AmOptions;
  readonly engine: AmSystemResult;
  readonly postgres?: AmSystemResult;
}

export const ENGINE_SYSTEM = '@pg/engine';
export const POSTGRES_SYSTEM = 'PostgreSQL 15';

/** What both systems are driven through: rows as objects by column name. */
export interface SqlClient {
  query(sql: string): Promise<readonly Record<string, unknown>[]>;
}

// ---------------------------------------------------------------- the SQL

const COLORS = [
  'red',
  'green',
  'blue',
  'black',
  'white',
  'yellow',
  'orange',
  'purple',
  'grey',
  'pink',
];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];
const sqlArray = (xs: readonly string[]) => `ARRAY[${xs.map((x) => `'${x}'`).join(', ')}]`;

export const CATALOG_QUERY = `SELECT count(*) AS n FROM products WHERE details @> '{"color":"red"}'`;

/** Catalog rows `from`..`to` as one INSERT ... SELECT (red when g % 10 = 0). */
function insertProducts(from: number, to: number): string {
  return (
    'INSERT INTO products (name, details) ' +
    `SELECT 'product ' || g, jsonb_build_object('color', (${sqlArray(COLORS)})[g % 10 + 1], ` +
    `'size', (${sqlArray(SIZES)})[g % 5 + 1], ` +
    `'tags', jsonb_build_array('tag' || (g % 7), 'tag' || (g % 11 + 7))) ` +
    `FROM generate_series(${from}, ${to}) g`
  );
}

const SERIES_START_MS = Date.UTC(2024, 0, 1);
const at = (second: number) => `'${new Date(SERIES_START_MS + second * 1000).toISOString()}'`;

/** Series rows `from`..`to`: one a second, in ts order. */
function insertSensor(from: number, to: number): string {
  return (
    'INSERT INTO sensor SELECT ' +
    `timestamptz ${at(0)} + g * interval '1 second', g % 100, (g % 1000) / 10.0 ` +
    `FROM generate_series(${from}, ${to}) g`
  );
}

/** The range query: 1% of the span (at least one row), starting half-way. */
export function seriesQuery(rows: number): { sql: string; expected: number } {
  const lo = Math.floor(rows / 2);
  const width = Math.max(1, Math.floor(rows / 100));
  return {
    sql: `SELECT count(*) AS n, sum(value) AS s FROM sensor WHERE ts >= ${at(lo)} AND ts < ${at(lo + width)}`,
    expected: width,
  };
}

/** A load in statements of at most 100,000 rows (each its own transaction). */
function chunks(rows: number, insert: (from: number, to: number) => string): string[] {
  const out: string[] = [];
  for (let from = 1; from <= rows; from += 100_000)
    out.push(insert(from, Math.min(rows, from + 99_999)));
  return out;
}

// ---------------------------------------------------------------- measuring

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

async function timed(c: SqlClient, sql: string): Promise<number> {
  const start = performance.now();
  await c.query(sql);
  return (performance.now() - start) / 1000;
}

async function timedAll(c: SqlClient, statements: readonly string[]): Promise<number> {
  const start = performance.now();
  for (const sql of statements) await c.query(sql);
  return (performance.now() - start) / 1000;
}

async function scalar(c: SqlClient, sql: string): Promise<number> {
  const row = (await c.query(sql))[0];
  const v = row === undefined ? undefined : Object.values(row)[0];
  const n = Number(v);
  if (v === undefined || v === null || !Number.isFinite(n)) {
    throw new Error(`${sql}: expected a number, got ${String(v)}`);
  }
  return n;
}

interface Force {
  readonly seqscan: boolean;
  readonly indexscan: boolean;
  readonly bitmapscan: boolean;
}

async function force(c: SqlClient, f: Force): Promise<void> {
  for (const [name, on] of Object.entries(f))
    await c.query(`SET enable_${name} = ${on ? 'on' : 'off'}`);
}

async function explain(c: SqlClient, sql: string): Promise<string[]> {
  return (await c.query(`EXPLAIN (COSTS OFF) ${sql}`)).map((r) => String(Object.values(r)[0]));
}

/**
 * Forces a plan, checks EXPLAIN shows `node`, checks the count, then one
 * warm-up and `reps` timed runs.
 */
async function measureQuery(
  c: SqlClient,
  sql: string,
  f: Force,
  node: RegExp,
  expected: number,
  reps: number,
): Promise<{ plan: string[]; timing: Timing }> {
  await force(c, f);
  const plan = await explain(c, sql);
  if (!plan.some((line) => node.test(line))) {
    throw new Error(`expected ${node} in the plan of ${sql}:\n${plan.join('\n')}`);
  }
  const n = await scalar(c, sql);
  if (n !== expected) throw new Error(`${sql}: ${n} rows, expected ${expected}`);
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) runs.push(await timed(c, sql));
  return { plan, timing: { runs, median: median(runs) } };
}

const INDEX_ONLY: Force = { seqscan: false, indexscan: true, bitmapscan: false };
const BITMAP_ONLY: Force = { seqscan: false, indexscan: false, bitmapscan: true };
const SEQ_ONLY: Force = { seqscan: true, indexscan: false, bitmapscan: false };

/** The product catalog on one system (a fresh table). */
export async function measureCatalog(
  c: SqlClient,
  rows: number,
  reps: number,
  onStep: (text: string) => void,
): Promise<CatalogResult> {
  onStep(`load ${rows} products`);
  await c.query('DROP TABLE IF EXISTS products');
  const loadSeconds = await timedAll(c, [
    'CREATE TABLE products (id serial PRIMARY KEY, name text, details jsonb)',
    ...chunks(rows, insertProducts),
    'ANALYZE products',
  ]);
  onStep(`CREATE INDEX ... USING gin (details) on ${rows} products`);
  const ginBuildSeconds = await timed(
    c,
    'CREATE INDEX products_details_gin ON products USING gin (details)',
  );
  const tableBytes = await scalar(c, `SELECT pg_relation_size('products')`);
  const ginBytes = await scalar(c, `SELECT pg_relation_size('products_details_gin')`);
  const expected = Math.floor(rows / 10);
  onStep(
    `@> '{"color":"red"}' through GIN (jsonb_ops) and by a sequential scan, ${reps} runs each`,
  );
  const gin = await measureQuery(
    c,
    CATALOG_QUERY,
    BITMAP_ONLY,
    /Bitmap Index Scan on products_details_gin\b/,
    expected,
    reps,
  );
  const seq = await measureQuery(
    c,
    CATALOG_QUERY,
    SEQ_ONLY,
    /Seq Scan on products\b/,
    expected,
    reps,
  );
  // jsonb_path_ops in its place (one GIN index at a time, so the plan uses this one)
  onStep(`jsonb_path_ops: CREATE INDEX and @> '{"color":"red"}' through it, ${reps} runs`);
  await c.query('DROP INDEX products_details_gin');
  const pathOpsBuildSeconds = await timed(
    c,
    'CREATE INDEX products_details_path ON products USING gin (details jsonb_path_ops)',
  );
  const pathOpsBytes = await scalar(c, `SELECT pg_relation_size('products_details_path')`);
  const pathOps = await measureQuery(
    c,
    CATALOG_QUERY,
    BITMAP_ONLY,
    /Bitmap Index Scan on products_details_path\b/,
    expected,
    reps,
  );
  return {
    rows,
    loadSeconds,
    tableBytes,
    ginBuildSeconds,
    ginBytes,
    pathOpsBuildSeconds,
    pathOpsBytes,
    matches: expected,
    ginPlan: gin.plan,
    seqPlan: seq.plan,
    pathOpsPlan: pathOps.plan,
    gin: gin.timing,
    seq: seq.timing,
    pathOps: pathOps.timing,
  };
}

/** The time series on one system (a fresh table). */
export async function measureSeries(
  c: SqlClient,
  rows: number,
  reps: number,
  onStep: (text: string) => void,
): Promise<SeriesResult> {
  onStep(`load ${rows} sensor rows in ts order`);
  await c.query('DROP TABLE IF EXISTS sensor');
  const loadSeconds = await timedAll(c, [
    'CREATE TABLE sensor (ts timestamptz, device int, value float8)',
    ...chunks(rows, insertSensor),
    'ANALYZE sensor',
  ]);
  onStep(`CREATE INDEX ... USING brin (ts) and a B-tree on ts, ${rows} rows`);
  const brinBuildSeconds = await timed(c, 'CREATE INDEX sensor_ts_brin ON sensor USING brin (ts)');
  const btreeBuildSeconds = await timed(c, 'CREATE INDEX sensor_ts_btree ON sensor (ts)');
  const tableBytes = await scalar(c, `SELECT pg_relation_size('sensor')`);
  const brinBytes = await scalar(c, `SELECT pg_relation_size('sensor_ts_brin')`);
  const btreeBytes = await scalar(c, `SELECT pg_relation_size('sensor_ts_btree')`);
  const q = seriesQuery(rows);
  onStep(
    `range over 1% of the span through the B-tree, BRIN and a sequential scan, ${reps} runs each`,
  );
  const btree = await measureQuery(
    c,
    q.sql,
    INDEX_ONLY,
    /Index Scan using sensor_ts_btree\b/,
    q.expected,
    reps,
  );
  // with the B-tree there, the planner would take a bitmap of it instead of BRIN's
  await c.query('DROP INDEX sensor_ts_btree');
  const brin = await measureQuery(
    c,
    q.sql,
    BITMAP_ONLY,
    /Bitmap Index Scan on sensor_ts_brin\b/,
    q.expected,
    reps,
  );
  const seq = await measureQuery(c, q.sql, SEQ_ONLY, /Seq Scan on sensor\b/, q.expected, reps);
  return {
    rows,
    loadSeconds,
    tableBytes,
    brinBuildSeconds,
    brinBytes,
    btreeBuildSeconds,
    btreeBytes,
    matches: q.expected,
    btreePlan: btree.plan,
    brinPlan: brin.plan,
    seqPlan: seq.plan,
    btree: btree.timing,
    brin: brin.timing,
    seq: seq.timing,
  };
}

const ENGINE_SETTINGS = { autovacuum: 'off', fsync: 'off' } as const;

/**
 * @pg/engine: a new data directory under os.tmpdir(), removed afterwards
 * (`inMemory`: a cluster in memory instead, for the test).
 */
export async function measureEngineAm(
  o: Pick<AmOptions, 'catalogRows' | 'seriesRows' | 'reps'>,
  onStep: (text: string) => void,
  inMemory = false,
): Promise<AmSystemResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-bench-indexam-'));
  try {
    const db = await Database.open({
      ...(inMemory ? {} : { dataDir: join(dir, 'data') }),
      settings: ENGINE_SETTINGS,
    });
    let result: AmSystemResult;
    try {
      const s = await db.connect();
      const c: SqlClient = { query: async (sql) => (await s.query(sql)).rows };
      const step = (text: string) => onStep(`${ENGINE_SYSTEM}: ${text}`);
      const catalog = await measureCatalog(c, o.catalogRows, o.reps, step);
      const series = await measureSeries(c, o.seriesRows, o.reps, step);
      result = { system: ENGINE_SYSTEM, version: 'pg-ts', catalog, series };
    } catch (e) {
      // The workload's error, not one from closing after it.
      await db.close().catch(() => {});
      throw e;
    }
    await db.close();
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PostgreSQL 15: a throwaway server. */
export async function measurePostgresAm(
  o: Pick<AmOptions, 'catalogRows' | 'seriesRows' | 'reps'>,
  onStep: (text: string) => void,
): Promise<AmSystemResult> {
  onStep(`${POSTGRES_SYSTEM}: starting`);
  const pg = await startReferencePostgres({
    dataChecksums: false,
    extensions: [],
    settings: {
      fsync: 'off',
      autovacuum: 'off',
      shared_buffers: '128MB',
      max_parallel_workers_per_gather: '0',
      max_parallel_maintenance_workers: '0',
    },
  });
  try {
    const client = await pg.connect();
    try {
      const c: SqlClient = { query: async (sql) => (await client.query(sql)).rows };
      const step = (text: string) => onStep(`${POSTGRES_SYSTEM}: ${text}`);
      const catalog = await measureCatalog(c, o.catalogRows, o.reps, step);
      const series = await measureSeries(c, o.seriesRows, o.reps, step);
      return { system: POSTGRES_SYSTEM, version: pg.version, catalog, series };
    } finally {
      await client.end();
    }
  } finally {
    await pg.stop();
  }
}

/** Steps reported per system (onStep calls): 4 catalog + 3 series (and PostgreSQL's start). */
export const STEPS_PER_SYSTEM = 7;

/** Both systems, one after the other. */
export async function measureAm(o: AmOptions, onStep: (text: string) => void): Promise<AmReport> {
  const engine = await measureEngineAm(o, onStep);
  const postgres = o.postgres ? await measurePostgresAm(o, onStep) : undefined;
  return {
    benchmark: '@pg/bench indexam',
    environment: describeEnvironment(),
    options: o,
    engine,
    ...(postgres === undefined ? {} : { postgres }),
  };
}

// ---------------------------------------------------------------- rendering

/** Bytes as kB (1024) or MB (1024²), three significant digits. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toPrecision(3)} MB`;
  return `${(n / 1024).toPrecision(3)} kB`;
}

/** Seconds as milliseconds, three significant digits (whole above 100 ms). */
export function formatMs(seconds: number): string {
  const ms = seconds * 1000;
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toPrecision(3)} ms`;
}

function cellTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i < 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
}

/** Bars of `values` (label → value) scaled to the largest. */
function bars(entries: readonly [string, number, string][], width: number): string[] {
  const top = Math.max(...entries.map(([, v]) => v));
  const labelWidth = Math.max(...entries.map(([l]) => l.length));
  return entries.map(
    ([label, v, text]) =>
      `  ${label.padEnd(labelWidth)}  ${bar(top > 0 ? v / top : 0, width)} ${text}`,
  );
}

/** The tables, the bars and the ratios. */
export function renderAm(r: AmReport, width = 36): string {
  const systems = [r.engine, ...(r.postgres === undefined ? [] : [r.postgres])];
  const e = r.environment;
  const reps = r.options.reps;
  const lines = [
    `Index access methods: GIN on a ${r.options.catalogRows}-row product catalog, BRIN vs B-tree on a ${r.options.seriesRows}-row time series`,
    `node ${e.node} · ${e.platform} ${e.arch} · ${e.cpu} · ${e.cores} cores`,
    `fsync off, autovacuum off, no parallel workers; query times: median of ${reps} runs after one warm-up`,
    '',
    `product catalog: ${CATALOG_QUERY}  (${r.engine.catalog.matches} rows match)`,
    ...cellTable(
      [
        'system',
        'load s',
        'GIN build s',
        'GIN size',
        'path_ops build s',
        'path_ops size',
        'table size',
        'GIN query',
        'path_ops query',
        'seq scan',
        'seq ÷ GIN',
      ],
      systems.map(({ system, catalog: c }) => [
        system,
        c.loadSeconds.toFixed(2),
        c.ginBuildSeconds.toFixed(2),
        formatBytes(c.ginBytes),
        c.pathOpsBuildSeconds.toFixed(2),
        formatBytes(c.pathOpsBytes),
        formatBytes(c.tableBytes),
        formatMs(c.gin.median),
        formatMs(c.pathOps.median),
        formatMs(c.seq.median),
        formatRatio(c.seq.median / c.gin.median),
      ]),
    ),
    '',
    'query time (shorter is faster):',
    ...bars(
      systems.flatMap(({ system, catalog: c }) => [
        [`${system}, GIN`, c.gin.median, formatMs(c.gin.median)] as [string, number, string],
        [`${system}, path_ops`, c.pathOps.median, formatMs(c.pathOps.median)] as [
          string,
          number,
          string,
        ],
        [`${system}, seq scan`, c.seq.median, formatMs(c.seq.median)] as [string, number, string],
      ]),
      width,
    ),
    '',
    `time series: range over 1% of the span (${r.engine.series.matches} rows), sensor(ts, device, value) in ts order`,
    ...cellTable(
      [
        'system',
        'load s',
        'BRIN build s',
        'BRIN size',
        'B-tree build s',
        'B-tree size',
        'BRIN ÷ B-tree size',
        'table size',
        'BRIN query',
        'B-tree query',
        'seq scan',
      ],
      systems.map(({ system, series: s }) => [
        system,
        s.loadSeconds.toFixed(2),
        s.brinBuildSeconds.toFixed(2),
        formatBytes(s.brinBytes),
        s.btreeBuildSeconds.toFixed(2),
        formatBytes(s.btreeBytes),
        `${((100 * s.brinBytes) / s.btreeBytes).toFixed(2)} %`,
        formatBytes(s.tableBytes),
        formatMs(s.brin.median),
        formatMs(s.btree.median),
        formatMs(s.seq.median),
      ]),
    ),
    '',
    'index size:',
    ...bars(
      systems.flatMap(({ system, series: s }) => [
        [`${system}, BRIN`, s.brinBytes, formatBytes(s.brinBytes)] as [string, number, string],
        [`${system}, B-tree`, s.btreeBytes, formatBytes(s.btreeBytes)] as [string, number, string],
      ]),
      width,
    ),
    'range query time (shorter is faster):',
    ...bars(
      systems.flatMap(({ system, series: s }) =>
        (
          [
            ['BRIN', s.brin.median],
            ['B-tree', s.btree.median],
            ['seq scan', s.seq.median],
          ] as const
        ).map(([what, v]) => [`${system}, ${what}`, v, formatMs(v)] as [string, number, string]),
      ),
      width,
    ),
    '',
  ];
  for (const { system, catalog: c, series: s } of systems) {
    lines.push(
      `${system}: seq scan ÷ GIN time ${formatRatio(c.seq.median / c.gin.median)} (jsonb_ops), ` +
        `${formatRatio(c.seq.median / c.pathOps.median)} (jsonb_path_ops); ` +
        `BRIN ${(100 * (1 - s.brinBytes / s.btreeBytes)).toFixed(1)} % smaller than the B-tree; ` +
        `range query BRIN ÷ B-tree time ${formatRatio(s.brin.median / s.btree.median)}, ` +
        `seq ÷ BRIN ${formatRatio(s.seq.median / s.brin.median)}`,
    );
  }
  const p = r.postgres;
  if (p !== undefined) {
    const ours = r.engine;
    const t = (a: number, b: number) => formatRatio(a / b);
    lines.push(
      '',
      `${ENGINE_SYSTEM} ÷ ${POSTGRES_SYSTEM} (time: above 1x the engine is slower; size: above 1x the engine's is larger):`,
      `  GIN build ${t(ours.catalog.ginBuildSeconds, p.catalog.ginBuildSeconds)}, GIN query ${t(ours.catalog.gin.median, p.catalog.gin.median)}, ` +
        `seq scan ${t(ours.catalog.seq.median, p.catalog.seq.median)}, GIN size ${t(ours.catalog.ginBytes, p.catalog.ginBytes)}, ` +
        `path_ops build ${t(ours.catalog.pathOpsBuildSeconds, p.catalog.pathOpsBuildSeconds)}, ` +
        `path_ops query ${t(ours.catalog.pathOps.median, p.catalog.pathOps.median)}, ` +
        `path_ops size ${t(ours.catalog.pathOpsBytes, p.catalog.pathOpsBytes)}`,
      `  BRIN build ${t(ours.series.brinBuildSeconds, p.series.brinBuildSeconds)}, B-tree build ${t(ours.series.btreeBuildSeconds, p.series.btreeBuildSeconds)}, ` +
        `BRIN size ${t(ours.series.brinBytes, p.series.brinBytes)}, B-tree size ${t(ours.series.btreeBytes, p.series.btreeBytes)}`,
      `  range query: BRIN ${t(ours.series.brin.median, p.series.brin.median)}, B-tree ${t(ours.series.btree.median, p.series.btree.median)}, ` +
        `seq scan ${t(ours.series.seq.median, p.series.seq.median)}`,
      `  seq scan ÷ GIN time (the index's speed-up): ${formatRatio(ours.catalog.seq.median / ours.catalog.gin.median)} on the engine, ${formatRatio(p.catalog.seq.median / p.catalog.gin.median)} on PostgreSQL`,
    );
  }
  lines.push(
    '',
    'times: the statement as the client sees it; sizes: pg_relation_size. Plans checked with EXPLAIN before timing.',
  );
  return lines.join('\n');
}

/** `--indexam`: measure, print; the exit code. */
export async function runAm(
  argv: readonly string[],
  out: { write(text: string): unknown } = process.stdout,
  err: ProgressStream = process.stderr,
): Promise<number> {
  let options: ReturnType<typeof parseAmArgs>;
  try {
    options = parseAmArgs(argv);
  } catch (e) {
    err.write(`${e instanceof Error ? e.message : String(e)}\n\n${INDEXAM_USAGE}\n`);
    return 2;
  }
  if (options.help) {
    out.write(`${INDEXAM_USAGE}\n`);
    return 0;
  }
  const { help: _help, ...o } = options;
  const progress = new Progress(err);
  const total = STEPS_PER_SYSTEM + (o.postgres ? STEPS_PER_SYSTEM + 1 : 0);
  let step = 0;
  const report = await measureAm(o, (text) => progress.step(++step, total, text));
  progress.done(`measured ${o.postgres ? 2 : 1} system${o.postgres ? 's' : ''}`);
  out.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderAm(report)}\n`);
  return 0;
}
