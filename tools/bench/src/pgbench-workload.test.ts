/**
 * The --pgbench benchmark's pure parts: its command line, pgbench's output
 * and -l logs, the percentiles and the report. (Running it needs the
 * server binary and real PostgreSQL and takes minutes: `node
 * tools/bench/dist/main.js --pgbench --quick`.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  logLatencies,
  type PgbenchReport,
  type PgbenchRun,
  parsePgbenchArgs,
  parsePgbenchSummary,
  percentile,
  renderPgbench,
} from './pgbench-workload.js';

const SUMMARY = `pgbench (15.20 (Debian 15.20-0+deb12u1), server 15.18 (pg-ts))
transaction type: <builtin: TPC-B (sort of)>
scaling factor: 1
query mode: simple
number of clients: 4
number of threads: 2
maximum number of tries: 1
duration: 5 s
number of transactions actually processed: 104
number of failed transactions: 0 (0.000%)
latency average = 194.819 ms
initial connection time = 22.400 ms
tps = 20.531870 (without initial connection time)
`;

describe('pgbench benchmark', () => {
  it('parses its command line', () => {
    expect(parsePgbenchArgs(['--pgbench'])).toEqual({
      scale: 2,
      seconds: 10,
      clients: [1, 4, 16],
      protocol: 'simple',
      json: false,
      help: false,
    });
    expect(
      parsePgbenchArgs([
        '--pgbench',
        '--quick',
        '--clients',
        '2,8',
        '--protocol',
        'prepared',
        '--json',
      ]),
    ).toMatchObject({ scale: 1, seconds: 3, clients: [2, 8], protocol: 'prepared', json: true });
    expect(() => parsePgbenchArgs(['--pgbench', '--clients', '0'])).toThrow(/positive/);
    expect(() => parsePgbenchArgs(['--pgbench', '--protocol', 'x'])).toThrow(/simple/);
    expect(() => parsePgbenchArgs(['--pgbench', '--nope'])).toThrow(/unknown argument/);
  });

  it("reads pgbench's summary and its per-transaction log", () => {
    expect(parsePgbenchSummary(SUMMARY)).toEqual({
      tps: 20.53187,
      transactions: 104,
      failed: 0,
      avgMs: 194.819,
    });
    const log =
      '0 0 5123 0 1700000000 123456\n1 0 failed 0 1700000000 123999\n0 1 870 0 1700000000 200000\n';
    expect(logLatencies(log)).toEqual([5123, 870]);
  });

  it('percentile is a nearest-rank element, monotone in q, min and max at the ends', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, a, b) => {
          const sorted = [...values].sort((x, y) => x - y);
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const p = percentile(sorted, lo);
          expect(sorted).toContain(p);
          expect(p).toBeLessThanOrEqual(percentile(sorted, hi));
          expect(percentile(sorted, 1)).toBe(sorted.at(-1));
          expect(percentile(sorted, 0)).toBe(sorted[0]);
          // nearest rank: at least a fraction q of the values are <= the q-quantile
          expect(sorted.filter((v) => v <= p).length).toBeGreaterThanOrEqual(lo * sorted.length);
          // ... and it is the smallest such value: fewer than that fraction lie below it
          expect(sorted.filter((v) => v < p).length).toBeLessThan(Math.max(lo * sorted.length, 1));
        },
      ),
    );
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('reports tps ratios, latencies and the target', () => {
    const run = (script: PgbenchRun['script'], clients: number, tps: number): PgbenchRun => ({
      script,
      clients,
      tps,
      transactions: tps * 10,
      failed: 0,
      latencyMs: { avg: 1, p50: 1, p90: 2, p99: 3, max: 4 },
    });
    const report: PgbenchReport = {
      benchmark: '@pg/bench pgbench',
      options: { scale: 1, seconds: 10, clients: [1, 4], protocol: 'simple', json: false },
      ours: {
        system: 'pg-ts server',
        version: 'pgbench 15',
        initSeconds: 4,
        runs: [run('select-only', 1, 50), run('select-only', 4, 70), run('tpcb-like', 4, 30)],
      },
      postgres: {
        system: 'PostgreSQL 15',
        version: '15',
        initSeconds: 1,
        runs: [run('select-only', 1, 100), run('select-only', 4, 100), run('tpcb-like', 4, 100)],
      },
    };
    const text = renderPgbench(report);
    expect(text).toMatch(/select-only\s+1\s+50\.0\s+100\.0\s+0\.50x/);
    expect(text).toMatch(/select-only\s+4\s+70\.0\s+100\.0\s+0\.70x/);
    expect(text).toMatch(/tpcb-like\s+4\s+30\.0\s+100\.0\s+0\.30x/);
    expect(text).toContain('1.00/2.00/3.00/4.0');
    expect(text).toContain('not met for tpcb-like at 4 clients');
  });
});
