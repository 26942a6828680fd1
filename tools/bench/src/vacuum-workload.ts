/**
 * `--vacuum` (issue 11's benchmark): lazy VACUUM throughput after the
 * seed's update example — a table of N rows (`id int PRIMARY KEY`, three
 * more columns, one more index), every row updated once, so N dead row
 * versions wait in the heap and in both indexes — then `VACUUM (VERBOSE)`
 * timed with maintenance_work_mem small (1MB: 174,761 dead TIDs per index
 * pass, so more dead rows than that need several passes) and large (256MB:
 * one pass), each on a fresh copy of the same table.
 *
 * - @pg/engine: a data directory on disk (fsync on, autovacuum off); the
 *   table is loaded and updated once, the database closed (a checkpoint)
 *   and the directory copied; each setting vacuums one of the two copies
 *   after reopening it (the engine's buffer pool starts cold, the files are
 *   in the OS cache).
 * - PostgreSQL 15: a throwaway server from @pg/pg-reference with fsync on,
 *   autovacuum off, shared_buffers 128MB (as the engine); for each setting
 *   the table is created, loaded and updated anew, then CHECKPOINT, then the
 *   timed VACUUM (the table stays in shared_buffers when it fits).
 *
 * From each VERBOSE report: "index scans: N", the heap pages scanned and
 * the row versions removed; with the wall time of the statement (as the
 * client sees it) they give heap pages/s and dead tuples/s. Printed: a
 * table, a bar picture, engine ÷ PostgreSQL per setting, and small ÷ large
 * per system. The two systems run one after the other, never at once.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import { startReferencePostgres } from '@pg/pg-reference';
import { Progress, type ProgressStream } from './progress.js';
import { bar, describeEnvironment, type Environment, formatCount, formatRatio } from './render.js';

/** The flag that selects this benchmark (handled in main.ts). */
export const VACUUM_FLAG = '--vacuum';

/**
 * The default table: 200,000 rows, the smallest round size whose dead rows
 * do not fit in 1MB of maintenance_work_mem (174,761 TIDs), so the small
 * setting needs two index passes.
 */
export const DEFAULT_VACUUM_ROWS = 200_000;
/** --quick: a smoke run (one index pass for both settings). */
export const QUICK_VACUUM_ROWS = 20_000;
/** --seed: the seed's 10 million rows. */
export const SEED_VACUUM_ROWS = 10_000_000;
export const SMALL_MAINTENANCE_WORK_MEM = '1MB';
export const LARGE_MAINTENANCE_WORK_MEM = '256MB';

export const VACUUM_USAGE = `usage: node tools/bench/dist/main.js --vacuum [--quick] [--json] [--rows N | --seed]
                                     [--small 1MB] [--large 256MB] [--no-postgres]

  VACUUM (VERBOSE) of a table of N rows (id int primary key, account int, balance bigint,
  note text; an index on account) after UPDATE of every row, with maintenance_work_mem small
  and large, each on a fresh copy; on @pg/engine (a data directory, fsync on) and on real
  PostgreSQL 15 (fsync on, autovacuum off) in the same run: heap pages/s, dead tuples/s,
  index passes, wall time, and the ratios engine ÷ PostgreSQL and small ÷ large.
  --rows         table size (default ${DEFAULT_VACUUM_ROWS}; ${QUICK_VACUUM_ROWS} with --quick)
  --seed         the seed's ${SEED_VACUUM_ROWS} rows (the engine's load takes an hour or more)
  --small/--large  the two maintenance_work_mem settings (default ${SMALL_MAINTENANCE_WORK_MEM}, ${LARGE_MAINTENANCE_WORK_MEM})
  --no-postgres  the engine only`;

export interface VacuumOptions {
  readonly rows: number;
  readonly small: string;
  readonly large: string;
  readonly postgres: boolean;
  readonly json: boolean;
}

/** What one VACUUM (VERBOSE) of the table reported, and how long it took. */
export interface VacuumRun {
  readonly system: string;
  /** maintenance_work_mem as set ('1MB'). */
  readonly maintenanceWorkMem: string;
  readonly seconds: number;
  /** "index scans: N": the index passes. */
  readonly indexScans: number;
  /** "pages: R removed, M remain, S scanned". */
  readonly pagesScanned: number;
  readonly pagesRemain: number;
  /** "tuples: D removed, ...": the dead row versions removed. */
  readonly tuplesRemoved: number;
  readonly pagesPerSec: number;
  readonly tuplesPerSec: number;
}

export interface VacuumSystemResult {
  readonly system: string;
  readonly version: string;
  /** Creating, loading and updating the table once (not part of the figures). */
  readonly loadSeconds: number;
  readonly runs: readonly VacuumRun[];
}

export interface VacuumReport {
  readonly benchmark: '@pg/bench vacuum';
  readonly environment: Environment;
  readonly options: VacuumOptions;
  readonly engine: VacuumSystemResult;
  readonly postgres?: VacuumSystemResult;
}

/** Parses the --vacuum command line (throws on anything unknown). */
export function parseVacuumArgs(argv: readonly string[]): VacuumOptions & { help: boolean } {
  let quick = false;
  let json = false;
  let help = false;
  let postgres = true;
  let rows: number | undefined;
  let small = SMALL_MAINTENANCE_WORK_MEM;
  let large = LARGE_MAINTENANCE_WORK_MEM;
  const memory = (name: string, v: string | undefined): string => {
    if (v === undefined || !/^\d+\s*(kB|MB|GB)?$/.test(v)) {
      throw new Error(`${name} needs a memory size such as 1MB or 65536kB`);
    }
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === VACUUM_FLAG || arg === '--') continue;
    if (arg === '--quick') quick = true;
    else if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--no-postgres') postgres = false;
    else if (arg === '--seed') rows = SEED_VACUUM_ROWS;
    else if (arg === '--rows') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n <= 0) throw new Error('--rows needs a positive integer');
      rows = n;
    } else if (arg === '--small') small = memory(arg, argv[++i]);
    else if (arg === '--large') large = memory(arg, argv[++i]);
    else throw new Error(`unknown argument: ${arg}`);
  }
  return {
    rows: rows ?? (quick ? QUICK_VACUUM_ROWS : DEFAULT_VACUUM_ROWS),
    small,
    large,
    postgres,
    json,
    help,
  };
}

const TABLE = 'vac_bench';
const CREATE = [
  `CREATE TABLE ${TABLE} (id int PRIMARY KEY, account int NOT NULL, balance bigint NOT NULL, note text NOT NULL)`,
  `CREATE INDEX ${TABLE}_account ON ${TABLE} (account)`,
];
/** The update that leaves one dead version of every row (not HOT: the loaded pages are full). */
const UPDATE = `UPDATE ${TABLE} SET balance = balance + 1`;

/** Rows `from`..`to` (1-based, inclusive) as one INSERT ... SELECT (the same on both systems). */
function insertRange(from: number, to: number): string {
  return (
    `INSERT INTO ${TABLE} SELECT g, g % 1000, 0, 'account holder ' || g ` +
    `FROM generate_series(${from}, ${to}) g`
  );
}

/** The load in statements of at most 100,000 rows (each its own transaction). */
function loadStatements(rows: number): string[] {
  const out: string[] = [];
  for (let from = 1; from <= rows; from += 100_000) {
    out.push(insertRange(from, Math.min(rows, from + 99_999)));
  }
  return out;
}

/**
 * The figures of the table's "finished vacuuming" report (PostgreSQL 15's
 * wording, which the engine shares); throws when it is missing.
 */
export function parseVacuumVerbose(
  messages: readonly string[],
  table = TABLE,
): Pick<VacuumRun, 'indexScans' | 'pagesScanned' | 'pagesRemain' | 'tuplesRemoved'> {
  const report = messages.find((m) =>
    new RegExp(`^finished vacuuming "[^"]*\\.${table}": index scans: \\d+`).test(m),
  );
  if (report === undefined) {
    throw new Error(`no "finished vacuuming" report for ${table} in:\n${messages.join('\n')}`);
  }
  const num = (re: RegExp) => {
    const m = re.exec(report);
    if (m === null) throw new Error(`VACUUM VERBOSE report without ${re}:\n${report}`);
    return Number(m[1]);
  };
  return {
    indexScans: num(/index scans: (\d+)/),
    pagesRemain: num(/^pages: \d+ removed, (\d+) remain/m),
    pagesScanned: num(/^pages: \d+ removed, \d+ remain, (\d+) scanned/m),
    tuplesRemoved: num(/^tuples: (\d+) removed/m),
  };
}

function makeRun(
  system: string,
  maintenanceWorkMem: string,
  seconds: number,
  messages: readonly string[],
): VacuumRun {
  const v = parseVacuumVerbose(messages);
  return {
    system,
    maintenanceWorkMem,
    seconds,
    ...v,
    pagesPerSec: v.pagesScanned / seconds,
    tuplesPerSec: v.tuplesRemoved / seconds,
  };
}

export const ENGINE_SYSTEM = '@pg/engine';
export const POSTGRES_SYSTEM = 'PostgreSQL 15';

const ENGINE_SETTINGS = { autovacuum: 'off', fsync: 'on' } as const;

async function engineVacuum(dataDir: string, setting: string): Promise<VacuumRun> {
  const db = await Database.open({ dataDir, settings: ENGINE_SETTINGS });
  try {
    const s = await db.connect();
    await s.query(`SET maintenance_work_mem = '${setting}'`);
    const start = performance.now();
    const r = await s.query(`VACUUM (VERBOSE) ${TABLE}`);
    const seconds = (performance.now() - start) / 1000;
    return makeRun(
      ENGINE_SYSTEM,
      setting,
      seconds,
      r.notices.map((n) => n.message),
    );
  } finally {
    await db.close();
  }
}

async function runAll(s: Session, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await s.query(sql);
}

/**
 * @pg/engine: load and update once in a new data directory under
 * os.tmpdir(), copy it, vacuum each copy with one setting.
 */
export async function measureEngineVacuum(
  o: Pick<VacuumOptions, 'rows' | 'small' | 'large'>,
  onStep: (text: string) => void,
): Promise<VacuumSystemResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-bench-vacuum-'));
  try {
    const first = join(dir, 'small');
    const second = join(dir, 'large');
    onStep(`${ENGINE_SYSTEM}: initdb, load ${o.rows} rows, update every row`);
    const db = await Database.open({ dataDir: first, settings: ENGINE_SETTINGS });
    const start = performance.now();
    try {
      const s = await db.connect();
      await runAll(s, [...CREATE, ...loadStatements(o.rows), UPDATE, 'CHECKPOINT']);
    } finally {
      await db.close();
    }
    const loadSeconds = (performance.now() - start) / 1000;
    cpSync(first, second, { recursive: true });
    const runs: VacuumRun[] = [];
    for (const [setting, path] of [
      [o.small, first],
      [o.large, second],
    ] as const) {
      onStep(`${ENGINE_SYSTEM}: VACUUM (VERBOSE) with maintenance_work_mem ${setting}`);
      runs.push(await engineVacuum(path, setting));
    }
    return { system: ENGINE_SYSTEM, version: 'pg-ts', loadSeconds, runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PostgreSQL 15: a fresh table per setting in one throwaway server. */
export async function measurePostgresVacuum(
  o: Pick<VacuumOptions, 'rows' | 'small' | 'large'>,
  onStep: (text: string) => void,
): Promise<VacuumSystemResult> {
  onStep(`${POSTGRES_SYSTEM}: starting`);
  const pg = await startReferencePostgres({
    dataChecksums: false,
    extensions: [],
    settings: { fsync: 'on', autovacuum: 'off', shared_buffers: '128MB' },
  });
  try {
    const client = await pg.connect();
    const messages: string[] = [];
    client.on('notice', (n) => messages.push(n.message ?? ''));
    try {
      let loadSeconds = 0;
      const runs: VacuumRun[] = [];
      for (const setting of [o.small, o.large]) {
        onStep(`${POSTGRES_SYSTEM}: load ${o.rows} rows, update every row`);
        const start = performance.now();
        await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
        for (const sql of [...CREATE, ...loadStatements(o.rows), UPDATE]) await client.query(sql);
        loadSeconds ||= (performance.now() - start) / 1000;
        await client.query('CHECKPOINT');
        await client.query(`SET maintenance_work_mem = '${setting}'`);
        onStep(`${POSTGRES_SYSTEM}: VACUUM (VERBOSE) with maintenance_work_mem ${setting}`);
        messages.length = 0;
        const t0 = performance.now();
        await client.query(`VACUUM (VERBOSE) ${TABLE}`);
        const seconds = (performance.now() - t0) / 1000;
        runs.push(makeRun(POSTGRES_SYSTEM, setting, seconds, messages));
      }
      return { system: POSTGRES_SYSTEM, version: pg.version, loadSeconds, runs };
    } finally {
      await client.end();
    }
  } finally {
    await pg.stop();
  }
}

/** Both systems, one after the other. */
export async function measureVacuum(
  o: VacuumOptions,
  onStep: (text: string) => void,
): Promise<VacuumReport> {
  const engine = await measureEngineVacuum(o, onStep);
  const postgres = o.postgres ? await measurePostgresVacuum(o, onStep) : undefined;
  return {
    benchmark: '@pg/bench vacuum',
    environment: describeEnvironment(),
    options: o,
    engine,
    ...(postgres === undefined ? {} : { postgres }),
  };
}

function cellTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
}

/** The table, the bars (dead tuples/s) and the ratios. */
export function renderVacuum(r: VacuumReport, width = 36): string {
  const systems = [r.engine, ...(r.postgres === undefined ? [] : [r.postgres])];
  const runs = systems.flatMap((s) => s.runs);
  const e = r.environment;
  const lines = [
    `VACUUM (VERBOSE) after UPDATE of every row of a ${r.options.rows}-row table (primary key + one more index); fsync on, autovacuum off`,
    `node ${e.node} · ${e.platform} ${e.arch} · ${e.cpu} · ${e.cores} cores`,
    `load + update (not timed in the figures): ${systems.map((s) => `${s.system} ${s.loadSeconds.toFixed(1)} s`).join(', ')}`,
    '',
    ...cellTable(
      [
        'system',
        'maintenance_work_mem',
        'index scans',
        'pages scanned',
        'dead tuples removed',
        'wall s',
        'heap pages/s',
        'dead tuples/s',
      ],
      runs.map((x) => [
        x.system,
        x.maintenanceWorkMem,
        String(x.indexScans),
        String(x.pagesScanned),
        String(x.tuplesRemoved),
        x.seconds.toFixed(2),
        formatCount(x.pagesPerSec),
        formatCount(x.tuplesPerSec),
      ]),
    ),
    '',
    'dead tuples removed per second:',
  ];
  const top = Math.max(...runs.map((x) => x.tuplesPerSec));
  const label = (x: VacuumRun) => `${x.system}, ${x.maintenanceWorkMem}`;
  const labelWidth = Math.max(...runs.map((x) => label(x).length));
  for (const x of runs) {
    lines.push(
      `  ${label(x).padEnd(labelWidth)}  ${bar(x.tuplesPerSec / top, width)} ${`${formatCount(x.tuplesPerSec)}/s`.padStart(9)}  (${x.indexScans} index scan${x.indexScans === 1 ? '' : 's'})`,
    );
  }
  lines.push('');
  const [engineSmall, engineLarge] = r.engine.runs;
  for (const s of systems) {
    const [small, large] = s.runs;
    if (small === undefined || large === undefined) continue;
    lines.push(
      `${s.system}: ${small.maintenanceWorkMem} ÷ ${large.maintenanceWorkMem}: ${formatRatio(small.tuplesPerSec / large.tuplesPerSec)} the throughput, ${small.indexScans} ÷ ${large.indexScans} index scans`,
    );
  }
  if (r.postgres !== undefined) {
    for (const [i, ours] of [engineSmall, engineLarge].entries()) {
      const theirs = r.postgres.runs[i];
      if (ours === undefined || theirs === undefined) continue;
      lines.push(
        `${ENGINE_SYSTEM} ÷ ${POSTGRES_SYSTEM} at ${ours.maintenanceWorkMem}: ${formatRatio(ours.pagesPerSec / theirs.pagesPerSec)} heap pages/s, ${formatRatio(ours.tuplesPerSec / theirs.tuplesPerSec)} dead tuples/s`,
      );
    }
  }
  lines.push(
    '',
    'wall s: the VACUUM statement as the client sees it; pages and tuples from its VERBOSE report.',
    'ratio: engine ÷ PostgreSQL throughput (below 1x the engine is slower); small ÷ large per system.',
  );
  return lines.join('\n');
}

/** `--vacuum`: measure, print; the exit code. */
export async function runVacuum(
  argv: readonly string[],
  out: { write(text: string): unknown } = process.stdout,
  err: ProgressStream = process.stderr,
): Promise<number> {
  let options: ReturnType<typeof parseVacuumArgs>;
  try {
    options = parseVacuumArgs(argv);
  } catch (e) {
    err.write(`${e instanceof Error ? e.message : String(e)}\n\n${VACUUM_USAGE}\n`);
    return 2;
  }
  if (options.help) {
    out.write(`${VACUUM_USAGE}\n`);
    return 0;
  }
  const { help: _help, ...o } = options;
  const progress = new Progress(err);
  // engine: load, two vacuums; PostgreSQL: start, then load and vacuum per setting
  const total = 3 + (o.postgres ? 5 : 0);
  let step = 0;
  const report = await measureVacuum(o, (text) => progress.step(++step, total, text));
  progress.done(
    `measured ${report.engine.runs.length + (report.postgres?.runs.length ?? 0)} vacuums`,
  );
  out.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderVacuum(report)}\n`);
  return 0;
}
