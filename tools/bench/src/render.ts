/**
 * Turning results into something to read: a bar chart and a table in plain
 * text, or JSON for machines.
 */
import os from 'node:os';
import {
  hasDefaultRatios,
  type MeasureConfig,
  median,
  type Ratio,
  ratios,
  type VariantResult,
  type WorkloadResult,
} from './measure.js';

export interface Environment {
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpu: string;
  readonly cores: number;
}

export interface Report {
  readonly environment: Environment;
  readonly mode: 'full' | 'quick';
  readonly config: MeasureConfig;
  readonly results: readonly WorkloadResult[];
}

export function describeEnvironment(): Environment {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpu: cpus[0]?.model.trim() || 'unknown CPU',
    cores: cpus.length,
  };
}

/** 12345678 → '12.3 M', 123 → '123': three significant digits and an SI prefix. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const prefixes: [number, string][] = [
    [1e9, ' G'],
    [1e6, ' M'],
    [1e3, ' k'],
  ];
  for (const [scale, prefix] of prefixes) {
    if (Math.abs(n) >= scale * 0.9995) return `${significant(n / scale)}${prefix}`;
  }
  return significant(n);
}

function significant(n: number): string {
  const a = Math.abs(n);
  return n.toFixed(a >= 99.95 ? 0 : a >= 9.995 ? 1 : 2);
}

/** Nanoseconds with one decimal below 100, whole above. */
export function formatNanos(ns: number): string {
  return ns < 100 ? ns.toFixed(1) : Math.round(ns).toString();
}

export function formatRatio(r: number): string {
  // a peer that could not run the workload measured nothing: there is no ratio to it
  if (!Number.isFinite(r)) return 'n/a';
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`;
}

/** Megabytes (10^6 bytes) per second, when the workload has a byte size per operation. */
export function megabytesPerSec(result: WorkloadResult, opsPerSec: number): number | undefined {
  return result.bytesPerOp === undefined ? undefined : (opsPerSec * result.bytesPerOp) / 1e6;
}

/** The header lines: what ran where. */
export function renderHeader(report: Report): string {
  const { environment: e, config: c } = report;
  return [
    'pg-ts benchmarks: operations per second, and code under test ÷ baseline or peer (higher is better)',
    `node ${e.node} · ${e.platform} ${e.arch} · ${e.cpu} · ${e.cores} cores`,
    `${report.mode} mode: ${c.rounds} rounds of ${c.roundMs} ms per variant after ` +
      `${c.warmupMs} ms warm-up, median round`,
  ].join('\n');
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `fraction` (0..1) of `width` cells, in eighths of a cell. */
export function bar(fraction: number, width: number): string {
  const eighths = Math.round(Math.max(0, Math.min(1, fraction)) * width * 8);
  const full = Math.floor(eighths / 8);
  const text = '█'.repeat(full) + EIGHTHS[eighths % 8]!;
  return text.padEnd(width, ' ');
}

/**
 * The ratios of a result in words: `0.45x raw copy, 1.16x naive objects` for
 * the default (the code under test against each baseline), else grouped by
 * subject: `16 committers: 11.2x no group commit, 11.4x 1 committer; ...`.
 */
export function describeRatios(result: WorkloadResult): string {
  const all = ratios(result);
  const phrase = (r: Ratio) => `${formatRatio(r.ratio)} ${r.baseline}`;
  if (hasDefaultRatios(result)) return all.map(phrase).join(', ');
  const bySubject = new Map<string, Ratio[]>();
  for (const r of all) bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), r]);
  return [...bySubject]
    .map(([subject, rs]) => `${subject}: ${rs.map(phrase).join(', ')}`)
    .join('; ');
}

/** Counts per operation, e.g. `0.06 fsyncs/commit`; empty when there are none. */
export function describePerOp(v: VariantResult): string {
  return Object.entries(v.perOp ?? {})
    .map(([key, value]) => `${value.toFixed(2)} ${key}`)
    .join(', ');
}

/**
 * One group of bars per workload, each scaled to the fastest variant of its
 * group (the workloads count different things, so they share no axis).
 */
export function renderChart(results: readonly WorkloadResult[], width = 36): string {
  const nameWidth = Math.max(...results.flatMap((r) => r.variants.map((v) => v.name.length)));
  const groups = results.map((result) => {
    const top = Math.max(...result.variants.map((v) => v.opsPerSec));
    const summary = describeRatios(result);
    const subject = result.variants[0];
    const mb = subject === undefined ? undefined : megabytesPerSec(result, subject.opsPerSec);
    const mbText = mb === undefined ? '' : `, ${Math.round(mb)} MB/s`;
    const lines = [`${result.title} (${result.unit}/s${mbText}): ${summary}`];
    for (const v of result.variants) {
      const value = `${formatCount(v.opsPerSec)}/s`.padStart(9);
      const perOp = describePerOp(v);
      lines.push(
        `  ${v.name.padEnd(nameWidth)}  ${bar(v.opsPerSec / top, width)} ${value}${perOp ? `  ${perOp}` : ''}`,
      );
    }
    return lines.join('\n');
  });
  return groups.join('\n\n');
}

type Align = 'left' | 'right';

function table(header: readonly string[], align: readonly Align[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (align[i] === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * The numbers: per variant its median ops/s, time per operation, how far the
 * rounds spread around the median, the first variant's (the code under
 * test's) ratio to it, MB/s, and counts per operation.
 */
export function renderTable(results: readonly WorkloadResult[]): string {
  const rows: string[][] = [];
  for (const result of results) {
    const subject = result.variants[0];
    result.variants.forEach((v, i) => {
      const spread = (Math.max(...v.rounds) - Math.min(...v.rounds)) / 2 / median(v.rounds);
      const mb = megabytesPerSec(result, v.opsPerSec);
      rows.push([
        i === 0 ? result.title : '',
        v.name,
        `${formatCount(v.opsPerSec)} ${result.unit}`,
        formatNanos(1e9 / v.opsPerSec),
        `±${(spread * 100).toFixed(1)}%`,
        i === 0 || subject === undefined ? '' : formatRatio(subject.opsPerSec / v.opsPerSec),
        mb === undefined ? '' : Math.round(mb).toString(),
        describePerOp(v),
      ]);
    });
  }
  return table(
    ['workload', 'variant', 'per second', 'ns/op', 'spread', 'ratio', 'MB/s', 'per op'],
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
    rows,
  );
}

/** Everything, for a machine: the report plus the ratios and MB/s worked out. */
export function renderJson(report: Report): string {
  return JSON.stringify(
    {
      benchmark: '@pg/bench',
      ...report,
      results: report.results.map((r) => {
        const subject = r.variants[0];
        const mb = subject === undefined ? undefined : megabytesPerSec(r, subject.opsPerSec);
        // By baseline name for the default ratios, else `subject ÷ baseline`.
        const key = (x: Ratio) =>
          hasDefaultRatios(r) ? x.baseline : `${x.subject} ÷ ${x.baseline}`;
        return {
          ...r,
          ratios: Object.fromEntries(ratios(r).map((x) => [key(x), x.ratio])),
          ...(mb === undefined ? {} : { megabytesPerSec: mb }),
        };
      }),
    },
    null,
    2,
  );
}
