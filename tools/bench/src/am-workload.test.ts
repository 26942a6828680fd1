/**
 * The --indexam benchmark: its command line, the rendering, and a run on
 * @pg/engine alone at a tiny size (the GIN plan is the one timed, BRIN is
 * smaller than the B-tree, every plan counts the same rows).
 */
import { describe, expect, it } from 'vitest';
import {
  type AmReport,
  type AmSystemResult,
  DEFAULT_CATALOG_ROWS,
  DEFAULT_REPS,
  DEFAULT_SERIES_ROWS,
  ENGINE_SYSTEM,
  formatBytes,
  measureEngineAm,
  median,
  POSTGRES_SYSTEM,
  parseAmArgs,
  QUICK_CATALOG_ROWS,
  QUICK_SERIES_ROWS,
  renderAm,
  SEED_CATALOG_ROWS,
  SEED_SERIES_ROWS,
  STEPS_PER_SYSTEM,
  seriesQuery,
} from './am-workload.js';

describe('indexam benchmark', () => {
  it('parses its command line', () => {
    expect(parseAmArgs(['--indexam'])).toEqual({
      catalogRows: DEFAULT_CATALOG_ROWS,
      seriesRows: DEFAULT_SERIES_ROWS,
      reps: DEFAULT_REPS,
      postgres: true,
      json: false,
      help: false,
    });
    expect(parseAmArgs(['--indexam', '--quick', '--no-postgres', '--json'])).toMatchObject({
      catalogRows: QUICK_CATALOG_ROWS,
      seriesRows: QUICK_SERIES_ROWS,
      postgres: false,
      json: true,
    });
    expect(parseAmArgs(['--indexam', '--seed'])).toMatchObject({
      catalogRows: SEED_CATALOG_ROWS,
      seriesRows: SEED_SERIES_ROWS,
    });
    // --rows alone: the series is ten times the catalog
    expect(parseAmArgs(['--indexam', '--rows', '500'])).toMatchObject({
      catalogRows: 500,
      seriesRows: 5000,
    });
    expect(
      parseAmArgs(['--indexam', '--rows', '500', '--series-rows', '7', '--reps', '2']),
    ).toMatchObject({ catalogRows: 500, seriesRows: 7, reps: 2 });
    expect(() => parseAmArgs(['--indexam', '--rows', '0'])).toThrow(/positive/);
    expect(() => parseAmArgs(['--indexam', '--nope'])).toThrow(/unknown argument/);
  });

  it('medians, sizes and the range query', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(formatBytes(8192)).toBe('8.00 kB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.00 MB');
    const q = seriesQuery(100_000);
    expect(q.expected).toBe(1000);
    expect(q.sql).toContain("ts >= '2024-01-01T13:53:20.000Z'");
    expect(seriesQuery(10).expected).toBe(1);
  });

  it('renders the tables, the bars and the ratios', () => {
    const timing = (median: number) => ({ runs: [median], median });
    const system = (name: string, scale: number): AmSystemResult => ({
      system: name,
      version: '15',
      catalog: {
        rows: 1000,
        loadSeconds: 1,
        tableBytes: 81920,
        ginBuildSeconds: 2 * scale,
        ginBytes: 16384,
        pathOpsBuildSeconds: scale,
        pathOpsBytes: 8192,
        matches: 100,
        ginPlan: [],
        seqPlan: [],
        pathOpsPlan: [],
        gin: timing(0.001 * scale),
        seq: timing(0.01 * scale),
        pathOps: timing(0.002 * scale),
      },
      series: {
        rows: 10_000,
        loadSeconds: 1,
        tableBytes: 1024 * 1024,
        brinBuildSeconds: 0.1 * scale,
        brinBytes: 24576,
        btreeBuildSeconds: 0.2 * scale,
        btreeBytes: 2_457_600,
        matches: 100,
        btreePlan: [],
        brinPlan: [],
        seqPlan: [],
        btree: timing(0.002 * scale),
        brin: timing(0.004 * scale),
        seq: timing(0.1 * scale),
      },
    });
    const report: AmReport = {
      benchmark: '@pg/bench indexam',
      environment: { node: 'v20', platform: 'linux', arch: 'x64', cpu: 'cpu', cores: 2 },
      options: { catalogRows: 1000, seriesRows: 10_000, reps: 3, postgres: true, json: false },
      engine: system(ENGINE_SYSTEM, 10),
      postgres: system(POSTGRES_SYSTEM, 1),
    };
    const text = renderAm(report);
    expect(text).toContain('(100 rows match)');
    expect(text).toMatch(/@pg\/engine\s+1\.00\s+20\.00\s+16\.0 kB\s+10\.00\s+8\.00 kB/);
    expect(text).toMatch(/PostgreSQL 15 .*\s1\.00 ms\s+2\.00 ms\s+10\.0 ms\s+10\.0x$/m);
    expect(text).toContain('seq scan ÷ GIN time 10.0x (jsonb_ops), 5.00x (jsonb_path_ops)');
    expect(text).toContain('1.00 %');
    expect(text).toContain('BRIN 99.0 % smaller than the B-tree');
    expect(text).toContain('GIN build 10.0x, GIN query 10.0x');
    expect(text).toContain('BRIN size 1.00x');
    // the slowest query fills its bar
    expect(text).toMatch(/@pg\/engine, seq scan\s+█{36}\s+100 ms/);
  });

  it('runs on @pg/engine at a tiny size: the GIN and BRIN plans, BRIN smaller than the B-tree', {
    timeout: 120_000,
  }, async () => {
    const steps: string[] = [];
    // in memory: the access methods' work without initdb on disk
    const r = await measureEngineAm(
      { catalogRows: 300, seriesRows: 5000, reps: 1 },
      (s) => steps.push(s),
      true,
    );
    expect(steps).toHaveLength(STEPS_PER_SYSTEM);
    const c = r.catalog;
    expect(c.matches).toBe(30);
    expect(c.ginPlan.join('\n')).toMatch(/Bitmap Index Scan on products_details_gin/);
    expect(c.seqPlan.join('\n')).toMatch(/Seq Scan on products/);
    expect(c.seqPlan.join('\n')).not.toMatch(/Index/);
    expect(c.ginBytes).toBeGreaterThan(0);
    expect(c.pathOpsBytes).toBeGreaterThan(0);
    expect(c.pathOpsPlan.join('\n')).toMatch(/Bitmap Index Scan on products_details_path/);
    expect(c.gin.runs).toHaveLength(1);
    const s = r.series;
    expect(s.matches).toBe(50);
    expect(s.btreePlan.join('\n')).toMatch(/Index Scan using sensor_ts_btree/);
    expect(s.brinPlan.join('\n')).toMatch(/Bitmap Index Scan on sensor_ts_brin/);
    expect(s.brinBytes).toBeGreaterThan(0);
    expect(s.brinBytes).toBeLessThan(s.btreeBytes);
    for (const t of [c.gin, c.seq, c.pathOps, s.brin, s.btree, s.seq])
      expect(t.median).toBeGreaterThan(0);
  });
});
