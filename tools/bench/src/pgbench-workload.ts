/**
 * `--pgbench` (issue 10's benchmark): real pgbench 15 against this
 * project's server and against real PostgreSQL 15, same machine, same run,
 * fsync on for both.
 *
 * - Our server: the server binary (apps/server, `pg-ts-server -D DIR`) on a
 *   fresh data directory under os.tmpdir(), in a process of its own, as a
 *   user would run it (fsync is on by default, commits wait for the WAL
 *   flush).
 * - PostgreSQL 15: a throwaway server from @pg/pg-reference with fsync on
 *   and PostgreSQL's default shared_buffers (128MB) and max_connections
 *   (100); autovacuum stays off (our server has none).
 *
 * On each: `pgbench -i -s SCALE` (timed), then for select-only (`-S`) and
 * TPC-B-like, with 1, 4 and 16 clients (`-j` 1, 2, 2 threads), a timed run
 * `-T SECONDS` with per-transaction logs (`-l`), from which the latency
 * percentiles come. pgbench's own tps ("without initial connection time")
 * is the figure; the ratio is ours ÷ PostgreSQL's. The issue's target:
 * at least 0.60x at 4 and 16 clients for both workloads.
 *
 * The two servers run one after the other, never at once.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPostgresBinDir, startReferencePostgres } from '@pg/pg-reference';

/** The flag that selects this benchmark (handled in main.ts). */
export const PGBENCH_FLAG = '--pgbench';

export const PGBENCH_USAGE = `usage: node tools/bench/dist/main.js --pgbench [--quick] [--json] [--scale N] [--seconds N]
                                     [--clients 1,4,16] [--protocol simple|extended|prepared]

  real pgbench 15 against this project's server (apps/server, a fresh data directory, fsync on)
  and against real PostgreSQL 15 (fsync on): pgbench -i -s N, then select-only (-S) and
  TPC-B-like runs of --seconds each (default 10; 3 with --quick) at each client count;
  tps ratios (ours / PostgreSQL's) and latency percentiles from pgbench's -l logs.
  --scale     pgbench -i scale factor (default 2; 1 with --quick)
  --protocol  pgbench -M (default simple)
  needs apps/server built (pnpm --filter @pg/server-app... build)`;

export type PgbenchScript = 'select-only' | 'tpcb-like';

export interface PgbenchOptions {
  readonly scale: number;
  readonly seconds: number;
  readonly clients: readonly number[];
  readonly protocol: 'simple' | 'extended' | 'prepared';
  readonly json: boolean;
}

/** One timed pgbench run's figures. */
export interface PgbenchRun {
  readonly script: PgbenchScript;
  readonly clients: number;
  readonly tps: number;
  readonly transactions: number;
  readonly failed: number;
  /** Latency percentiles in milliseconds (from the -l logs), and pgbench's average. */
  readonly latencyMs: {
    readonly avg: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
}

export interface PgbenchSystemResult {
  readonly system: string;
  readonly version: string;
  readonly initSeconds: number;
  readonly runs: readonly PgbenchRun[];
}

export interface PgbenchReport {
  readonly benchmark: '@pg/bench pgbench';
  readonly options: PgbenchOptions;
  readonly ours: PgbenchSystemResult;
  readonly postgres: PgbenchSystemResult;
}

/** Parses the --pgbench command line (throws on anything unknown). */
export function parsePgbenchArgs(argv: readonly string[]): PgbenchOptions & { help: boolean } {
  let quick = false;
  let json = false;
  let help = false;
  let scale: number | undefined;
  let seconds: number | undefined;
  let clients: number[] = [1, 4, 16];
  let protocol: PgbenchOptions['protocol'] = 'simple';
  const positive = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} needs a positive integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === PGBENCH_FLAG || arg === '--') continue;
    if (arg === '--quick') quick = true;
    else if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--scale') scale = positive(arg, argv[++i]);
    else if (arg === '--seconds') seconds = positive(arg, argv[++i]);
    else if (arg === '--clients') {
      clients = String(argv[++i] ?? '')
        .split(',')
        .map((c) => positive('--clients', c));
    } else if (arg === '--protocol') {
      const p = argv[++i];
      if (p !== 'simple' && p !== 'extended' && p !== 'prepared') {
        throw new Error('--protocol is simple, extended or prepared');
      }
      protocol = p;
    } else throw new Error(`unknown argument: ${arg}`);
  }
  return {
    scale: scale ?? (quick ? 1 : 2),
    seconds: seconds ?? (quick ? 3 : 10),
    clients,
    protocol,
    json,
    help,
  };
}

/** A free TCP port on the loopback address (bound, read, released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function execute(
  file: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/**
 * The per-transaction latencies (µs) of pgbench's -l log lines:
 * `client_id transaction_no time script_no time_epoch time_us [...]`;
 * failed transactions ("failed" in the time field) are left out.
 */
export function logLatencies(text: string): number[] {
  const out: number[] = [];
  for (const line of text.split('\n')) {
    const time = line.split(' ')[2];
    if (time === undefined) continue;
    const n = Number(time);
    if (Number.isFinite(n)) out.push(n);
  }
  return out;
}

/** pgbench's summary lines. */
export function parsePgbenchSummary(stdout: string): {
  tps: number;
  transactions: number;
  failed: number;
  avgMs: number;
} {
  const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? Number.NaN);
  return {
    tps: num(/tps = ([\d.]+) \(without initial connection time\)/),
    transactions: num(/number of transactions actually processed: (\d+)/),
    failed: num(/number of failed transactions: (\d+)/),
    avgMs: num(/latency average = ([\d.]+) ms/),
  };
}

interface Target {
  readonly host: string;
  readonly port: number;
}

async function pgbenchInit(bin: string, t: Target, scale: number): Promise<number> {
  const start = performance.now();
  const r = await execute(
    bin,
    [
      '-h',
      t.host,
      '-p',
      String(t.port),
      '-U',
      'postgres',
      '-i',
      '-q',
      '-s',
      String(scale),
      'postgres',
    ],
    1_800_000,
  );
  if (r.code !== 0) throw new Error(`pgbench -i failed (exit ${r.code}): ${r.stderr.trim()}`);
  return (performance.now() - start) / 1000;
}

async function pgbenchRun(
  bin: string,
  t: Target,
  script: PgbenchScript,
  clients: number,
  o: PgbenchOptions,
): Promise<PgbenchRun> {
  const logDir = mkdtempSync(join(tmpdir(), 'pgbench-log-'));
  try {
    const args = [
      '-h',
      t.host,
      '-p',
      String(t.port),
      '-U',
      'postgres',
      ...(script === 'select-only' ? ['-S'] : []),
      '-M',
      o.protocol,
      '-c',
      String(clients),
      '-j',
      String(Math.min(clients, 2)),
      '-T',
      String(o.seconds),
      '-l',
      `--log-prefix=${join(logDir, 'tx')}`,
      'postgres',
    ];
    const r = await execute(bin, args, (o.seconds + 120) * 1000);
    if (r.code !== 0) {
      throw new Error(`pgbench ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
    }
    const s = parsePgbenchSummary(r.stdout);
    const latencies = readdirSync(logDir)
      .flatMap((f) => logLatencies(readFileSync(join(logDir, f), 'utf8')))
      .sort((a, b) => a - b);
    const ms = (us: number) => us / 1000;
    return {
      script,
      clients,
      tps: s.tps,
      transactions: s.transactions,
      failed: s.failed,
      latencyMs: {
        avg: s.avgMs,
        p50: ms(percentile(latencies, 0.5)),
        p90: ms(percentile(latencies, 0.9)),
        p99: ms(percentile(latencies, 0.99)),
        max: ms(latencies.at(-1) ?? Number.NaN),
      },
    };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

async function measureSystem(
  system: string,
  version: string,
  bin: string,
  t: Target,
  o: PgbenchOptions,
  onStep: (text: string) => void,
): Promise<PgbenchSystemResult> {
  onStep(`${system}: pgbench -i -s ${o.scale}`);
  const initSeconds = await pgbenchInit(bin, t, o.scale);
  const runs: PgbenchRun[] = [];
  for (const script of ['select-only', 'tpcb-like'] as const) {
    for (const c of o.clients) {
      onStep(`${system}: ${script}, ${c} client${c === 1 ? '' : 's'}, ${o.seconds} s`);
      runs.push(await pgbenchRun(bin, t, script, c, o));
    }
  }
  return { system, version, initSeconds, runs };
}

/** The server binary (apps/server's dist/main.js), found from this file's place in the repository. */
function serverBinary(): string {
  const path = fileURLToPath(new URL('../../../apps/server/dist/main.js', import.meta.url));
  if (!existsSync(path)) {
    throw new Error(
      `${path} not found: build the server first (pnpm turbo run build --filter @pg/server-app...)`,
    );
  }
  return path;
}

/** Starts our server on a fresh data directory; resolves once it accepts connections. */
async function startOurServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [serverBinary(), '-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', ''],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`our server did not start within 120 s:\n${log.slice(-4000)}`));
    }, 120_000);
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`our server exited with ${code} before it was ready:\n${log.slice(-4000)}`));
    });
  });
  child.stderr?.resume();
  return child;
}

/** Fast shutdown (SIGINT), SIGKILL after 30 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}

/** Runs both systems, one after the other. */
export async function measurePgbench(
  o: PgbenchOptions,
  onStep: (text: string) => void,
): Promise<PgbenchReport> {
  const bin = join(findPostgresBinDir(), 'pgbench');
  const versionOut = await execute(bin, ['--version'], 10_000);
  const clientVersion = versionOut.stdout.trim();
  const dir = mkdtempSync(join(tmpdir(), 'pgts-pgbench-'));
  let ours: PgbenchSystemResult;
  try {
    const port = await freePort();
    onStep('our server: starting on a fresh data directory');
    const child = await startOurServer(join(dir, 'data'), port);
    try {
      ours = await measureSystem(
        'pg-ts server',
        clientVersion,
        bin,
        { host: '127.0.0.1', port },
        o,
        onStep,
      );
    } finally {
      await stopChild(child);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  onStep('PostgreSQL 15: starting');
  const pg = await startReferencePostgres({
    dataChecksums: false,
    extensions: [],
    settings: { fsync: 'on', shared_buffers: '128MB', max_connections: '100' },
  });
  try {
    const postgres = await measureSystem(
      'PostgreSQL 15',
      pg.version,
      bin,
      { host: pg.host, port: pg.port },
      o,
      onStep,
    );
    return { benchmark: '@pg/bench pgbench', options: o, ours, postgres };
  } finally {
    await pg.stop();
  }
}

const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** The table: tps of each, the ratio, and latency percentiles. */
export function renderPgbench(r: PgbenchReport): string {
  const o = r.options;
  const lines = [
    `pgbench (${r.ours.version}): scale ${o.scale}, ${o.seconds} s per run, -M ${o.protocol}, fsync on for both`,
    `pgbench -i -s ${o.scale}: pg-ts server ${fixed(r.ours.initSeconds)} s, PostgreSQL 15 ${fixed(r.postgres.initSeconds)} s (${fixed(r.postgres.initSeconds / r.ours.initSeconds, 2)}x)`,
    '',
    'workload      clients   pg-ts tps   PG 15 tps   ratio   pg-ts latency ms p50/p90/p99/max   PG 15 latency ms p50/p90/p99/max',
  ];
  const lat = (x: PgbenchRun) =>
    `${fixed(x.latencyMs.p50, 2)}/${fixed(x.latencyMs.p90, 2)}/${fixed(x.latencyMs.p99, 2)}/${fixed(x.latencyMs.max, 1)}`;
  const misses: string[] = [];
  for (const ours of r.ours.runs) {
    const pg = r.postgres.runs.find((x) => x.script === ours.script && x.clients === ours.clients);
    const ratio = pg === undefined ? Number.NaN : ours.tps / pg.tps;
    if (ours.clients >= 4 && !(ratio >= 0.6)) misses.push(`${ours.script} at ${ours.clients}`);
    lines.push(
      [
        ours.script.padEnd(12),
        String(ours.clients).padStart(8),
        fixed(ours.tps).padStart(11),
        fixed(pg?.tps ?? Number.NaN).padStart(11),
        `${fixed(ratio, 2)}x`.padStart(7),
        `   ${lat(ours).padEnd(34)}`,
        pg === undefined ? '' : lat(pg),
      ].join(' '),
    );
    if (ours.failed > 0) lines.push(`  (${ours.failed} failed transactions on the pg-ts server)`);
  }
  lines.push(
    '',
    'ratio: pg-ts server tps ÷ PostgreSQL 15 tps (pgbench\'s "without initial connection time").',
    'latency: per-transaction times from pgbench -l, nearest-rank percentiles.',
    misses.length === 0
      ? 'target (>= 0.60x at 4 and 16 clients, both workloads): met'
      : `target (>= 0.60x at 4 and 16 clients, both workloads): not met for ${misses.join(', ')} clients`,
  );
  return lines.join('\n');
}

/** `--pgbench`: measure, print; the exit code. */
export async function runPgbench(
  argv: readonly string[],
  out: { write(text: string): unknown } = process.stdout,
  err: { write(text: string): unknown } = process.stderr,
): Promise<number> {
  let options: ReturnType<typeof parsePgbenchArgs>;
  try {
    options = parsePgbenchArgs(argv);
  } catch (e) {
    err.write(`${e instanceof Error ? e.message : String(e)}\n\n${PGBENCH_USAGE}\n`);
    return 2;
  }
  if (options.help) {
    out.write(`${PGBENCH_USAGE}\n`);
    return 0;
  }
  const { help: _help, ...o } = options;
  const report = await measurePgbench(o, (text) => err.write(`${text} ...\n`));
  out.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderPgbench(report)}\n`);
  return 0;
}
