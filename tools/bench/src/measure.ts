/**
 * The timing harness. A workload is a handful of variants (the code under
 * test and its baselines), each a `Batch`: a function that does a small,
 * fixed amount of work and returns how many operations it did. A round calls
 * a batch again and again for `roundMs` and yields operations per second;
 * the result of a variant is the median of its rounds.
 *
 * Rounds of the variants are interleaved (A B C, B C A, C A B, ...) so that
 * a slow stretch of the machine (another process, frequency scaling) hits
 * every variant alike and the ratios stay meaningful even when the absolute
 * numbers wobble. The garbage one variant leaves can still be collected on
 * another's time; forcing a full collection before each round was tried and
 * made allocation-heavy code slower and noisier (V8 shrinks the young
 * generation), so the spread of the rounds is reported instead.
 */

/** One unit of work: does some operations and returns how many. */
export type Batch = () => number;

export interface Variant {
  /** '@pg/page' for the code under test, else the baseline's name. */
  readonly name: string;
  readonly batch: Batch;
}

export interface Workload {
  /** Stable identifier, used in the JSON output, e.g. 'add-40'. */
  readonly id: string;
  /** What a person reads, e.g. 'add 40-byte items'. */
  readonly title: string;
  /** What one operation is, plural: 'items', 'pages'. */
  readonly unit: string;
  /** Bytes processed per operation, when a throughput in MB/s means something. */
  readonly bytesPerOp?: number;
  /** The code under test first, then its baselines. */
  readonly variants: readonly Variant[];
}

export interface MeasureConfig {
  /** Time each variant runs untimed first, so the JIT has compiled it. */
  readonly warmupMs: number;
  /** Length of one timed round. */
  readonly roundMs: number;
  /** Timed rounds per variant; the median is reported. */
  readonly rounds: number;
}

export const FULL_CONFIG: MeasureConfig = { warmupMs: 200, roundMs: 80, rounds: 7 };
export const QUICK_CONFIG: MeasureConfig = { warmupMs: 20, roundMs: 15, rounds: 3 };

export interface VariantResult {
  readonly name: string;
  /** Median of the rounds. */
  readonly opsPerSec: number;
  /** Every round's operations per second, in the order they ran. */
  readonly rounds: readonly number[];
}

export interface WorkloadResult {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly bytesPerOp?: number;
  /** The code under test first, then the baselines, as in the workload. */
  readonly variants: readonly VariantResult[];
}

/** Where a measurement is: which variant, and which round (0 while warming up). */
export interface MeasureProgress {
  readonly variant: string;
  readonly round: number;
  readonly rounds: number;
}

/** Run `batch` for at least `ms` milliseconds; operations per second. */
export function timeRound(batch: Batch, ms: number): number {
  let ops = 0;
  const start = performance.now();
  const deadline = start + ms;
  let now: number;
  do {
    ops += batch();
    now = performance.now();
  } while (now < deadline);
  return ops / ((now - start) / 1000);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Warm up every variant of `workload`, then time them in interleaved rounds. */
export function measureWorkload(
  workload: Workload,
  config: MeasureConfig,
  onProgress: (progress: MeasureProgress) => void = () => {},
): WorkloadResult {
  const { variants } = workload;
  if (variants.length === 0) throw new Error(`workload ${workload.id} has no variants`);
  for (const v of variants) {
    onProgress({ variant: v.name, round: 0, rounds: config.rounds });
    timeRound(v.batch, config.warmupMs);
  }
  const rounds: number[][] = variants.map(() => []);
  for (let r = 0; r < config.rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (r + k) % variants.length;
      const v = variants[i]!;
      onProgress({ variant: v.name, round: r + 1, rounds: config.rounds });
      rounds[i]!.push(timeRound(v.batch, config.roundMs));
    }
  }
  return {
    id: workload.id,
    title: workload.title,
    unit: workload.unit,
    ...(workload.bytesPerOp === undefined ? {} : { bytesPerOp: workload.bytesPerOp }),
    variants: variants.map((v, i) => ({
      name: v.name,
      opsPerSec: median(rounds[i]!),
      rounds: rounds[i]!,
    })),
  };
}

/** The code under test's ops/s divided by each baseline's, by baseline name. */
export function ratios(
  result: WorkloadResult,
): { readonly name: string; readonly ratio: number }[] {
  const [subject, ...baselines] = result.variants;
  if (subject === undefined) return [];
  return baselines.map((b) => ({ name: b.name, ratio: subject.opsPerSec / b.opsPerSec }));
}
