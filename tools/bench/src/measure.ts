/**
 * The timing harness. A workload is a handful of variants (the code under
 * test and its baselines), each a `Batch`: a function that does a small,
 * fixed amount of work and returns how many operations it did. A round calls
 * a batch again and again for `roundMs` and yields operations per second;
 * the result of a variant is the median of its rounds.
 *
 * A variant whose work waits on something (a commit awaiting its flush,
 * many committers at once) is a `Round` instead: an asynchronous function
 * that runs for about `roundMs` itself and reports the operations it did,
 * the seconds it took and, optionally, counts of other things (fsyncs) that
 * are reported per operation.
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

/** What one asynchronous round did. */
export interface RoundResult {
  readonly ops: number;
  readonly seconds: number;
  /** Other things counted in the round, reported per operation: `{ 'fsyncs/commit': 12 }`. */
  readonly counts?: Readonly<Record<string, number>>;
}

/** One timed round of an asynchronous variant, running for about `ms` milliseconds. */
export type Round = (ms: number) => Promise<RoundResult>;

export type Variant =
  | {
      /** '@pg/page' or '@pg/wal' for the code under test, else the baseline's name. */
      readonly name: string;
      readonly batch: Batch;
    }
  | {
      readonly name: string;
      readonly round: Round;
    };

/** A ratio to report: the subject's ops/s divided by the baseline's (variant names). */
export interface RatioPair {
  readonly subject: string;
  readonly baseline: string;
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
  /**
   * Which ratios to report; by default the first variant divided by each of
   * the others (the code under test against each baseline).
   */
  readonly ratios?: readonly RatioPair[];
  /** Releases what the workload holds (temporary files); called once it is measured. */
  readonly dispose?: () => void;
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
  /** The round counts over all timed rounds, divided by their operations. */
  readonly perOp?: Readonly<Record<string, number>>;
}

export interface WorkloadResult {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly bytesPerOp?: number;
  /** The code under test first, then the baselines, as in the workload. */
  readonly variants: readonly VariantResult[];
  /** The ratios to report, when not the default (first variant ÷ each other). */
  readonly ratios?: readonly RatioPair[];
}

/** Where a measurement is: which variant, and which round (0 while warming up). */
export interface MeasureProgress {
  readonly variant: string;
  readonly round: number;
  readonly rounds: number;
}

/** Run `batch` for at least `ms` milliseconds; the operations done and the seconds taken. */
export function timeBatch(batch: Batch, ms: number): RoundResult {
  let ops = 0;
  const start = performance.now();
  const deadline = start + ms;
  let now: number;
  do {
    ops += batch();
    now = performance.now();
  } while (now < deadline);
  return { ops, seconds: (now - start) / 1000 };
}

/** Run `batch` for at least `ms` milliseconds; operations per second. */
export function timeRound(batch: Batch, ms: number): number {
  const { ops, seconds } = timeBatch(batch, ms);
  return ops / seconds;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One round of any variant: a batch is timed here, a round times itself. */
async function runRound(v: Variant, ms: number): Promise<RoundResult> {
  return 'round' in v ? v.round(ms) : timeBatch(v.batch, ms);
}

/**
 * Warm up every variant of `workload`, then time them in interleaved rounds;
 * finally dispose of the workload (also when measuring fails).
 */
export async function measureWorkload(
  workload: Workload,
  config: MeasureConfig,
  onProgress: (progress: MeasureProgress) => void = () => {},
): Promise<WorkloadResult> {
  try {
    const { variants } = workload;
    if (variants.length === 0) throw new Error(`workload ${workload.id} has no variants`);
    for (const v of variants) {
      onProgress({ variant: v.name, round: 0, rounds: config.rounds });
      await runRound(v, config.warmupMs);
    }
    const rounds: number[][] = variants.map(() => []);
    const totals = variants.map(() => ({ ops: 0, counts: new Map<string, number>() }));
    for (let r = 0; r < config.rounds; r++) {
      for (let k = 0; k < variants.length; k++) {
        const i = (r + k) % variants.length;
        const v = variants[i]!;
        onProgress({ variant: v.name, round: r + 1, rounds: config.rounds });
        const result = await runRound(v, config.roundMs);
        rounds[i]!.push(result.ops / result.seconds);
        const total = totals[i]!;
        total.ops += result.ops;
        for (const [key, n] of Object.entries(result.counts ?? {})) {
          total.counts.set(key, (total.counts.get(key) ?? 0) + n);
        }
      }
    }
    return {
      id: workload.id,
      title: workload.title,
      unit: workload.unit,
      ...(workload.bytesPerOp === undefined ? {} : { bytesPerOp: workload.bytesPerOp }),
      variants: variants.map((v, i) => {
        const { ops, counts } = totals[i]!;
        return {
          name: v.name,
          opsPerSec: median(rounds[i]!),
          rounds: rounds[i]!,
          ...(counts.size === 0
            ? {}
            : { perOp: Object.fromEntries([...counts].map(([key, n]) => [key, n / ops])) }),
        };
      }),
      ...(workload.ratios === undefined ? {} : { ratios: workload.ratios }),
    };
  } finally {
    workload.dispose?.();
  }
}

/** A reported ratio: `subject` ops/s divided by `baseline` ops/s. */
export interface Ratio {
  readonly subject: string;
  readonly baseline: string;
  readonly ratio: number;
}

/**
 * The ratios of a result: those its workload asked for, or by default the
 * code under test's (first variant's) ops/s divided by each baseline's.
 */
export function ratios(result: WorkloadResult): Ratio[] {
  const byName = new Map(result.variants.map((v) => [v.name, v.opsPerSec]));
  const [subject, ...baselines] = result.variants;
  if (subject === undefined) return [];
  const pairs =
    result.ratios ?? baselines.map((b) => ({ subject: subject.name, baseline: b.name }));
  return pairs.map(({ subject: s, baseline: b }) => {
    const top = byName.get(s);
    const bottom = byName.get(b);
    if (top === undefined || bottom === undefined) {
      throw new Error(`${result.id}: no variant named ${top === undefined ? s : b}`);
    }
    return { subject: s, baseline: b, ratio: top / bottom };
  });
}

/** Whether a result reports the default ratios: its first variant against each other. */
export function hasDefaultRatios(result: WorkloadResult): boolean {
  return result.ratios === undefined;
}
