/**
 * The --vacuum benchmark: its command line, the VERBOSE report's figures
 * (PostgreSQL 15's text), the rendering, and a run of the workload on
 * @pg/engine alone at a tiny size. maintenance_work_mem cannot go below
 * 1MB (174,761 dead TIDs), so several index passes need about 200,000 dead
 * rows: that run is behind PG_SLOW_TESTS=1 (minutes of loading here).
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_VACUUM_ROWS,
  ENGINE_SYSTEM,
  measureEngineVacuum,
  POSTGRES_SYSTEM,
  parseVacuumArgs,
  parseVacuumVerbose,
  QUICK_VACUUM_ROWS,
  renderVacuum,
  SEED_VACUUM_ROWS,
  type VacuumReport,
  type VacuumRun,
  type VacuumSystemResult,
} from './vacuum-workload.js';

/** What PostgreSQL 15.20 printed for the table (one INFO message; the toast table's follows). */
const PG_REPORT = `finished vacuuming "postgres.public.vac_bench": index scans: 2
pages: 0 removed, 3334 remain, 3334 scanned (100.00% of total)
tuples: 200000 removed, 200000 remain, 0 are dead but not yet removable
removable cutoff: 748, which was 0 XIDs old when operation ended
new relfrozenxid: 745, which is 3 XIDs ahead of previous value
index scan needed: 1667 pages from table (50.00% of total) had 200000 dead item identifiers removed
index "vac_bench_pkey": pages: 1098 in total, 0 newly deleted, 0 currently deleted, 0 reusable
index "vac_bench_account": pages: 434 in total, 0 newly deleted, 0 currently deleted, 0 reusable
avg read rate: 0.000 MB/s, avg write rate: 0.000 MB/s
buffer usage: 11985 hits, 0 misses, 3 dirtied
WAL usage: 8338 records, 3 full page images, 1253513 bytes
system usage: CPU: user: 0.05 s, system: 0.00 s, elapsed: 0.06 s`;

/** Checks one run's shape and arithmetic. */
function checkRun(run: VacuumRun, rows: number): void {
  expect(run.system).toBe(ENGINE_SYSTEM);
  expect(run.indexScans).toBeGreaterThanOrEqual(1);
  expect(run.tuplesRemoved).toBe(rows);
  expect(run.pagesScanned).toBeGreaterThan(0);
  expect(run.pagesRemain).toBeGreaterThanOrEqual(run.pagesScanned);
  expect(run.seconds).toBeGreaterThan(0);
  expect(run.pagesPerSec).toBeCloseTo(run.pagesScanned / run.seconds);
  expect(run.tuplesPerSec).toBeCloseTo(run.tuplesRemoved / run.seconds);
}

describe('vacuum benchmark', () => {
  it('parses its command line', () => {
    expect(parseVacuumArgs(['--vacuum'])).toEqual({
      rows: DEFAULT_VACUUM_ROWS,
      small: '1MB',
      large: '256MB',
      postgres: true,
      json: false,
      help: false,
    });
    expect(parseVacuumArgs(['--vacuum', '--quick', '--no-postgres', '--json'])).toMatchObject({
      rows: QUICK_VACUUM_ROWS,
      postgres: false,
      json: true,
    });
    expect(parseVacuumArgs(['--vacuum', '--seed']).rows).toBe(SEED_VACUUM_ROWS);
    expect(
      parseVacuumArgs(['--vacuum', '--rows', '5000', '--small', '2MB', '--large', '65536kB']),
    ).toMatchObject({ rows: 5000, small: '2MB', large: '65536kB' });
    expect(() => parseVacuumArgs(['--vacuum', '--rows', '0'])).toThrow(/positive/);
    expect(() => parseVacuumArgs(['--vacuum', '--small', 'lots'])).toThrow(/memory size/);
    expect(() => parseVacuumArgs(['--vacuum', '--nope'])).toThrow(/unknown argument/);
  });

  it("reads the table's figures from PostgreSQL 15's VERBOSE report", () => {
    const toast = PG_REPORT.replace('public.vac_bench', 'pg_toast.pg_toast_16384').replace(
      'index scans: 2',
      'index scans: 0',
    );
    expect(parseVacuumVerbose(['vacuuming "postgres.public.vac_bench"', PG_REPORT, toast])).toEqual(
      { indexScans: 2, pagesScanned: 3334, pagesRemain: 3334, tuplesRemoved: 200000 },
    );
    expect(() => parseVacuumVerbose([toast])).toThrow(/no "finished vacuuming" report/);
  });

  it('renders the table, the bars and both ratios', () => {
    const run = (system: string, mwm: string, seconds: number, scans: number): VacuumRun => ({
      system,
      maintenanceWorkMem: mwm,
      seconds,
      indexScans: scans,
      pagesScanned: 1000,
      pagesRemain: 1000,
      tuplesRemoved: 100_000,
      pagesPerSec: 1000 / seconds,
      tuplesPerSec: 100_000 / seconds,
    });
    const system = (name: string, runs: VacuumRun[]): VacuumSystemResult => ({
      system: name,
      version: '15',
      loadSeconds: 1,
      runs,
    });
    const report: VacuumReport = {
      benchmark: '@pg/bench vacuum',
      environment: { node: 'v20', platform: 'linux', arch: 'x64', cpu: 'cpu', cores: 2 },
      options: { rows: 100_000, small: '1MB', large: '256MB', postgres: true, json: false },
      engine: system(ENGINE_SYSTEM, [
        run(ENGINE_SYSTEM, '1MB', 4, 3),
        run(ENGINE_SYSTEM, '256MB', 2, 1),
      ]),
      postgres: system(POSTGRES_SYSTEM, [
        run(POSTGRES_SYSTEM, '1MB', 0.2, 3),
        run(POSTGRES_SYSTEM, '256MB', 0.1, 1),
      ]),
    };
    const text = renderVacuum(report);
    expect(text).toMatch(/@pg\/engine\s+1MB\s+3\s+1000\s+100000\s+4\.00\s+250\s+25\.0 k/);
    expect(text).toMatch(/PostgreSQL 15\s+256MB\s+1\s+1000\s+100000\s+0\.10\s+10\.0 k\s+1\.00 M/);
    expect(text).toContain('@pg/engine: 1MB ÷ 256MB: 0.50x the throughput, 3 ÷ 1 index scans');
    expect(text).toContain('@pg/engine ÷ PostgreSQL 15 at 1MB: 0.05x heap pages/s');
    expect(text).toContain('@pg/engine ÷ PostgreSQL 15 at 256MB: 0.05x heap pages/s');
    // the fastest run fills the bar
    expect(text).toMatch(/PostgreSQL 15, 256MB\s+█{36}\s+1\.00 M\/s {2}\(1 index scan\)/);
  });

  it('runs on @pg/engine at a tiny size: every dead row removed by both settings', async () => {
    const rows = 1000;
    const steps: string[] = [];
    const r = await measureEngineVacuum({ rows, small: '1MB', large: '256MB' }, (s) =>
      steps.push(s),
    );
    expect(steps).toHaveLength(3);
    expect(r.runs.map((x) => x.maintenanceWorkMem)).toEqual(['1MB', '256MB']);
    for (const run of r.runs) checkRun(run, rows);
    // 1000 dead TIDs fit in 1MB: one pass each, the same pages
    expect(r.runs.map((x) => x.indexScans)).toEqual([1, 1]);
    expect(r.runs[0]?.pagesScanned).toBe(r.runs[1]?.pagesScanned);
  });

  it.skipIf(process.env.PG_SLOW_TESTS !== '1')(
    'with more dead rows than 1MB holds, the small setting makes more index passes',
    { timeout: 1_800_000 },
    async () => {
      const rows = DEFAULT_VACUUM_ROWS;
      const r = await measureEngineVacuum({ rows, small: '1MB', large: '256MB' }, () => {});
      for (const run of r.runs) checkRun(run, rows);
      const [small, large] = r.runs;
      expect(small?.indexScans).toBe(2);
      expect(large?.indexScans).toBe(1);
    },
  );
});
