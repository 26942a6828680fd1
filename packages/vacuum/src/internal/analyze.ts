/**
 * Per-column statistics of a row sample, as PostgreSQL 15's analyze.c
 * computes them (std_typanalyze, compute_scalar_stats,
 * compute_distinct_stats, compute_trivial_stats, analyze_mcv_list).
 *
 * Numbers are rounded as pg_statistic stores them: stanullfrac,
 * stadistinct, stanumbers (MCV frequencies, correlation) are float4, so
 * they go through Math.fround; stawidth is int4, the C truncation of the
 * average.
 */
import type { AnyPgType } from '@pg/types';

/** WIDTH_THRESHOLD: varlena values wider than this (uncompressed, with header) are left out of the sorts. */
export const WIDTH_THRESHOLD = 1024;

/** One column to analyze. */
export interface AnalyzeColumn {
  readonly attnum: number;
  readonly type: AnyPgType;
  /** The statistics target (attstattarget, or default_statistics_target when -1). 0: not analyzed. */
  readonly target: number;
  /** attstorage: 'p' (plain) values never get a 1-byte varlena header. Default: the type's. */
  readonly storage?: 'p' | 'e' | 'm' | 'x';
}

/** One pg_statistic row, reduced (the planner's ColumnStats plus the attnum). */
export interface ColumnStatistics {
  readonly attnum: number;
  /** stanullfrac (float4). */
  readonly nullFrac: number;
  /** stawidth: average stored width in bytes of the non-null values. */
  readonly avgWidth: number;
  /** stadistinct (float4): > 0 a count, < 0 minus a fraction of the rows, 0 unknown. */
  readonly nDistinct: number;
  /** STATISTIC_KIND_MCV: values (most common first) and their sample frequencies (float4). */
  readonly mcvValues?: readonly unknown[];
  readonly mcvFreqs?: readonly number[];
  /** STATISTIC_KIND_HISTOGRAM: bounds over the values not in the MCV list, ascending. */
  readonly histogram?: readonly unknown[];
  /** STATISTIC_KIND_CORRELATION (float4), between physical and value order. */
  readonly correlation?: number;
}

/** How a type is analyzed: with "<" and "=" (scalar), with "=" only (distinct), or neither (trivial). */
export type AnalyzeKind = 'scalar' | 'distinct' | 'trivial';

/** Types without a default B-tree or hash operator class in PostgreSQL 15 (no "=" for ANALYZE). */
const NO_EQUALITY: ReadonlySet<number> = new Set([
  114, // json
  142, // xml
  600, // point
  601, // lseg
  602, // path
  603, // box
  604, // polygon
  628, // line
  718, // circle
]);
/** Types with a hash "=" but no B-tree "<". */
const EQUALITY_ONLY: ReadonlySet<number> = new Set([
  28, // xid
  29, // cid
  1033, // aclitem
]);

/** get_sort_group_operators' verdict for a type (arrays follow their element type). */
export function analyzeKind(type: AnyPgType, elementOf?: (oid: number) => number): AnalyzeKind {
  const oid = type.elemOid !== 0 && type.category === 'A' ? type.elemOid : type.oid;
  const base = elementOf ? elementOf(oid) : oid;
  if (NO_EQUALITY.has(base)) return 'trivial';
  if (EQUALITY_ONLY.has(base)) return type.elemOid !== 0 ? 'trivial' : 'distinct';
  return 'scalar';
}

/** std_typanalyze's minrows: 300 × the target (the Chaudhuri–Motwani–Narasayya bound). */
export function minRows(target: number): number {
  return 300 * target;
}

/** The sample size for a set of columns: the largest minrows, at least 100 (do_analyze_rel). */
export function sampleSize(targets: readonly number[]): number {
  let n = 100;
  for (const t of targets) if (t > 0 && minRows(t) > n) n = minRows(t);
  return n;
}

/** What one value adds to total_width, and whether it is too wide to sort. */
function valueWidth(
  type: AnyPgType,
  storage: string,
  value: unknown,
): { width: number; tooWide: boolean } {
  if (type.len > 0) return { width: type.len, tooWide: false };
  if (type.len === -2) {
    // cstring: strlen + 1
    return { width: new TextEncoder().encode(String(value)).length + 1, tooWide: false };
  }
  // varlena: VARSIZE_ANY of the datum as stored (a 1-byte header when it fits and
  // the column's storage is not plain); too wide when the raw size exceeds WIDTH_THRESHOLD
  const payload = (type.encode(value) as Uint8Array).length;
  const short = storage !== 'p' && payload + 1 <= 0x7f;
  return { width: short ? payload + 1 : payload + 4, tooWide: payload + 4 > WIDTH_THRESHOLD };
}

const isNull = (v: unknown): boolean => v === null || v === undefined;

/**
 * Statistics of one column from `values`, the column's values in the
 * sample in physical (TID) order (null for NULL); `totalRows` is the
 * estimated number of live rows in the table. Undefined when the sample
 * is empty (PostgreSQL then stores nothing).
 */
export function computeColumnStats(
  values: readonly unknown[],
  totalRows: number,
  column: AnalyzeColumn,
  kind: AnalyzeKind = analyzeKind(column.type),
): ColumnStatistics | undefined {
  switch (kind) {
    case 'scalar':
      return computeScalarStats(values, totalRows, column);
    case 'distinct':
      return computeDistinctStats(values, totalRows, column);
    default:
      return computeTrivialStats(values, column);
  }
}

const f4 = Math.fround;
/** stawidth = total_width / nonnull_cnt, assigned to an int32 (truncation). */
const avg = (total: number, n: number) => Math.trunc(total / n);

/** compute_trivial_stats: null fraction and width only. */
function computeTrivialStats(
  values: readonly unknown[],
  column: AnalyzeColumn,
): ColumnStatistics | undefined {
  const samplerows = values.length;
  const type = column.type;
  const storage = column.storage ?? type.storage;
  let nullCnt = 0;
  let total = 0;
  for (const v of values) {
    if (isNull(v)) nullCnt++;
    else if (type.len < 0) total += valueWidth(type, storage, v).width;
  }
  const nonnull = samplerows - nullCnt;
  if (nonnull > 0) {
    return {
      attnum: column.attnum,
      nullFrac: f4(nullCnt / samplerows),
      avgWidth: type.len < 0 ? avg(total, nonnull) : type.len,
      nDistinct: 0,
    };
  }
  if (nullCnt > 0) return allNull(column);
  return undefined;
}

/** Only NULLs in the sample: assume the column is entirely null. */
function allNull(column: AnalyzeColumn): ColumnStatistics {
  return {
    attnum: column.attnum,
    nullFrac: 1,
    avgWidth: Math.max(column.type.len, 0),
    nDistinct: 0,
  };
}

/**
 * The n_distinct estimate shared by compute_scalar_stats and
 * compute_distinct_stats: -1 × (1 - nullfrac) when no value repeats; the
 * sample's count when every value repeats; else Haas & Stokes' Duj1
 * estimator n·d / (n - f1 + f1·n/N), clamped to [d, N] and rounded; then
 * negative (a fraction of the rows) when above 10% of them.
 */
function estimateDistinct(a: {
  nmultiple: number;
  ndistinct: number;
  f1: number;
  allRepeatedAndSeen: boolean;
  nullCnt: number;
  samplerows: number;
  totalRows: number;
  nullFrac: number;
}): number {
  let stadistinct: number;
  if (a.nmultiple === 0) {
    stadistinct = -1 * (1 - a.nullFrac);
  } else if (a.allRepeatedAndSeen) {
    stadistinct = a.ndistinct;
  } else {
    const f1 = a.f1;
    const d = f1 + a.nmultiple;
    const n = a.samplerows - a.nullCnt;
    const N = a.totalRows * (1 - a.nullFrac);
    let est = N > 0 ? (n * d) / (n - f1 + (f1 * n) / N) : 0;
    if (est < d) est = d;
    if (est > N) est = N;
    stadistinct = Math.floor(est + 0.5);
  }
  if (stadistinct > 0.1 * a.totalRows) stadistinct = -(stadistinct / a.totalRows);
  return stadistinct;
}

/**
 * analyze_mcv_list: drops the least common values from an incomplete MCV
 * list while they are not significantly more common than the non-MCV
 * values would be (the lower end of a continuity-corrected Wald interval
 * of the hypergeometric distribution, 2 standard deviations).
 */
export function analyzeMcvList(
  mcvCounts: readonly number[],
  numMcvIn: number,
  stadistinct: number,
  stanullfrac: number,
  samplerows: number,
  totalrows: number,
): number {
  let numMcv = numMcvIn;
  if (samplerows === totalrows || totalrows <= 1) return numMcv;
  let ndistinctTable = stadistinct;
  if (ndistinctTable < 0) ndistinctTable = -ndistinctTable * totalrows;
  let sumcount = 0;
  for (let i = 0; i < numMcv - 1; i++) sumcount += mcvCounts[i] as number;
  while (numMcv > 0) {
    let selec = 1 - sumcount / samplerows - stanullfrac;
    if (selec < 0) selec = 0;
    if (selec > 1) selec = 1;
    const otherdistinct = ndistinctTable - (numMcv - 1);
    if (otherdistinct > 1) selec /= otherdistinct;
    const N = totalrows;
    const n = samplerows;
    const count = mcvCounts[numMcv - 1] as number;
    const K = (N * count) / n;
    const variance = (n * K * (N - K) * (N - n)) / (N * N * (N - 1));
    const stddev = Math.sqrt(variance);
    if (count > selec * samplerows + 2 * stddev + 0.5) break;
    numMcv--;
    if (numMcv === 0) break;
    sumcount -= mcvCounts[numMcv - 1] as number;
  }
  return numMcv;
}

/** compute_scalar_stats: sort the sample's values, then everything follows from runs of equal values. */
function computeScalarStats(
  sample: readonly unknown[],
  totalRows: number,
  column: AnalyzeColumn,
): ColumnStatistics | undefined {
  const samplerows = sample.length;
  const type = column.type;
  const storage = column.storage ?? type.storage;
  const numBins = column.target;
  let numMcv = column.target;
  let nullCnt = 0;
  let nonnullCnt = 0;
  let toowideCnt = 0;
  let totalWidth = 0;
  const varwidth = type.len < 0;
  /** ScalarItem: the value and its position among the values kept, in sample order (tupno). */
  const items: { value: unknown; tupno: number }[] = [];
  for (let i = 0; i < samplerows; i++) {
    const value = sample[i];
    if (isNull(value)) {
      nullCnt++;
      continue;
    }
    nonnullCnt++;
    if (varwidth) {
      const w = valueWidth(type, storage, value);
      totalWidth += w.width;
      if (w.tooWide) {
        toowideCnt++;
        continue;
      }
    }
    // tupno numbers the values kept (nulls and too-wide values left out), as PostgreSQL's does
    items.push({ value, tupno: items.length });
  }
  const valuesCnt = items.length;
  if (valuesCnt > 0) {
    // compare_scalars: by value, ties by tupno (the sort is stable and items are in tupno order)
    items.sort((a, b) => type.compare(a.value, b.value));
    // Scan the sorted values: runs of equal values, the MCV candidates, correlation's sum.
    let corrXysum = 0;
    let ndistinct = 0;
    let nmultiple = 0;
    let dupsCnt = 0;
    /** ScalarMCVItem: count and the position of the run's first value. */
    const track: { count: number; first: number }[] = [];
    for (let i = 0; i < valuesCnt; i++) {
      const it = items[i] as { value: unknown; tupno: number };
      corrXysum += i * it.tupno;
      dupsCnt++;
      const next = items[i + 1];
      if (next === undefined || type.compare(it.value, next.value) !== 0) {
        ndistinct++;
        if (dupsCnt > 1) {
          nmultiple++;
          const last = track[track.length - 1];
          if (track.length < numMcv || (last !== undefined && dupsCnt > last.count)) {
            // insert in count order, after equal counts; the least common drops when full
            if (track.length < numMcv) track.push({ count: 0, first: 0 });
            let j = track.length - 1;
            for (; j > 0; j--) {
              const prev = track[j - 1] as { count: number; first: number };
              if (dupsCnt <= prev.count) break;
              track[j] = { ...prev };
            }
            track[j] = { count: dupsCnt, first: i + 1 - dupsCnt };
          }
        }
        dupsCnt = 0;
      }
    }
    const nullFrac = nullCnt / samplerows;
    const stadistinct = estimateDistinct({
      nmultiple,
      ndistinct,
      f1: ndistinct - nmultiple + toowideCnt,
      allRepeatedAndSeen: toowideCnt === 0 && nmultiple === ndistinct,
      nullCnt,
      samplerows,
      totalRows,
      nullFrac,
    });
    const trackCnt = track.length;
    if (trackCnt === ndistinct && toowideCnt === 0 && stadistinct > 0 && trackCnt <= numMcv) {
      numMcv = trackCnt; // a complete list that fits
    } else {
      if (numMcv > trackCnt) numMcv = trackCnt;
      if (numMcv > 0) {
        numMcv = analyzeMcvList(
          track.map((t) => t.count),
          numMcv,
          stadistinct,
          nullFrac,
          samplerows,
          totalRows,
        );
      }
    }
    const out: {
      -readonly [K in keyof ColumnStatistics]: ColumnStatistics[K];
    } = {
      attnum: column.attnum,
      nullFrac: f4(nullFrac),
      avgWidth: varwidth ? avg(totalWidth, nonnullCnt) : type.len,
      nDistinct: f4(stadistinct),
    };
    const mcv = track.slice(0, numMcv);
    if (numMcv > 0) {
      out.mcvValues = mcv.map((t) => (items[t.first] as { value: unknown }).value);
      out.mcvFreqs = mcv.map((t) => f4(t.count / samplerows));
    }
    // A histogram when at least two distinct values are left outside the MCV list.
    let numHist = ndistinct - numMcv;
    if (numHist > numBins) numHist = numBins + 1;
    if (numHist >= 2) {
      // collapse the MCV runs out of the sorted values
      const inMcv = [...mcv].sort((a, b) => a.first - b.first);
      const rest: unknown[] = [];
      let src = 0;
      for (const m of inMcv) {
        for (; src < m.first; src++) rest.push((items[src] as { value: unknown }).value);
        src = m.first + m.count;
      }
      for (; src < valuesCnt; src++) rest.push((items[src] as { value: unknown }).value);
      const nvals = rest.length;
      // the first and last values and evenly spaced ones between: rest[(i*(nvals-1))/(numHist-1)]
      const delta = Math.floor((nvals - 1) / (numHist - 1));
      const deltafrac = (nvals - 1) % (numHist - 1);
      let pos = 0;
      let posfrac = 0;
      const hist: unknown[] = [];
      for (let i = 0; i < numHist; i++) {
        hist.push(rest[pos]);
        pos += delta;
        posfrac += deltafrac;
        if (posfrac >= numHist - 1) {
          pos++;
          posfrac -= numHist - 1;
        }
      }
      out.histogram = hist;
    }
    if (valuesCnt > 1) {
      // x = rank in value order, y = tupno; sums of x and x² as if both ran over 0..valuesCnt-1
      const n = valuesCnt;
      const corrXsum = ((n - 1) * n) / 2;
      const corrX2sum = ((n - 1) * n * (2 * n - 1)) / 6;
      out.correlation = f4(
        (n * corrXysum - corrXsum * corrXsum) / (n * corrX2sum - corrXsum * corrXsum),
      );
    }
    return out;
  }
  if (nonnullCnt > 0) {
    // every non-null value was too wide: assume a unique column
    const nullFrac = nullCnt / samplerows;
    return {
      attnum: column.attnum,
      nullFrac: f4(nullFrac),
      avgWidth: varwidth ? avg(totalWidth, nonnullCnt) : type.len,
      nDistinct: f4(-1 * (1 - nullFrac)),
    };
  }
  if (nullCnt > 0) return allNull(column);
  return undefined;
}

/**
 * compute_distinct_stats: for types with "=" but no "<": a track list of
 * up to 2 × target values (at least 10) kept in count order, a value seen
 * once entering after the last value seen more than once; the oldest
 * single drops off when the list is full.
 */
function computeDistinctStats(
  sample: readonly unknown[],
  totalRows: number,
  column: AnalyzeColumn,
): ColumnStatistics | undefined {
  const samplerows = sample.length;
  const type = column.type;
  const storage = column.storage ?? type.storage;
  let numMcv = column.target;
  const trackMax = Math.max(10, 2 * numMcv);
  const track: { value: unknown; count: number }[] = [];
  let nullCnt = 0;
  let nonnullCnt = 0;
  let toowideCnt = 0;
  let totalWidth = 0;
  const varwidth = type.len < 0;
  for (const value of sample) {
    if (isNull(value)) {
      nullCnt++;
      continue;
    }
    nonnullCnt++;
    if (varwidth) {
      const w = valueWidth(type, storage, value);
      totalWidth += w.width;
      if (w.tooWide) {
        toowideCnt++;
        continue;
      }
    }
    let match = -1;
    let firstcount1 = track.length;
    for (let j = 0; j < track.length; j++) {
      const t = track[j] as { value: unknown; count: number };
      if (type.compare(value, t.value) === 0) {
        match = j;
        break;
      }
      if (j < firstcount1 && t.count === 1) firstcount1 = j;
    }
    if (match >= 0) {
      let j = match;
      (track[j] as { count: number }).count++;
      while (
        j > 0 &&
        (track[j] as { count: number }).count > (track[j - 1] as { count: number }).count
      ) {
        const tmp = track[j] as { value: unknown; count: number };
        track[j] = track[j - 1] as { value: unknown; count: number };
        track[j - 1] = tmp;
        j--;
      }
    } else {
      if (track.length < trackMax) track.push({ value: undefined, count: 0 });
      for (let j = track.length - 1; j > firstcount1; j--) {
        track[j] = { ...(track[j - 1] as { value: unknown; count: number }) };
      }
      if (firstcount1 < track.length) track[firstcount1] = { value, count: 1 };
    }
  }
  if (nonnullCnt === 0) return nullCnt > 0 ? allNull(column) : undefined;
  const trackCnt = track.length;
  let nmultiple = 0;
  let summultiple = 0;
  for (; nmultiple < trackCnt; nmultiple++) {
    const c = (track[nmultiple] as { count: number }).count;
    if (c === 1) break;
    summultiple += c;
  }
  const nullFrac = nullCnt / samplerows;
  const f1 = nonnullCnt - summultiple;
  const stadistinct = estimateDistinct({
    nmultiple,
    ndistinct: trackCnt,
    f1,
    allRepeatedAndSeen: trackCnt < trackMax && toowideCnt === 0 && nmultiple === trackCnt,
    nullCnt,
    samplerows,
    totalRows,
    nullFrac,
  });
  if (trackCnt < trackMax && toowideCnt === 0 && stadistinct > 0 && trackCnt <= numMcv) {
    numMcv = trackCnt;
  } else {
    if (numMcv > trackCnt) numMcv = trackCnt;
    if (numMcv > 0) {
      numMcv = analyzeMcvList(
        track.map((t) => t.count),
        numMcv,
        stadistinct,
        nullFrac,
        samplerows,
        totalRows,
      );
    }
  }
  const mcv = track.slice(0, numMcv);
  return {
    attnum: column.attnum,
    nullFrac: f4(nullFrac),
    avgWidth: varwidth ? avg(totalWidth, nonnullCnt) : type.len,
    nDistinct: f4(stadistinct),
    ...(numMcv > 0
      ? { mcvValues: mcv.map((t) => t.value), mcvFreqs: mcv.map((t) => f4(t.count / samplerows)) }
      : {}),
  };
}
