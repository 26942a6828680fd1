/**
 * The row sample (acquire_sample_rows, reduced). PostgreSQL 15 samples in
 * two stages: Knuth's Algorithm S picks up to `targrows` blocks, then
 * Vitter's reservoir algorithm keeps `targrows` of the live rows read
 * from them, and the sample is sorted back into physical (TID) order so
 * the correlation statistic can be computed; reltuples is extrapolated
 * from the live-row density of the blocks read.
 *
 * Here: one pass over every live row with a reservoir (Algorithm R), so
 * the sample is a uniform random sample of the live rows and the live
 * row count is exact. When the table has at most `targrows` live rows,
 * both PostgreSQL and this take every row, in physical order, and the
 * statistics are deterministic.
 */

/** A small deterministic PRNG (mulberry32), so a seed reproduces a sample. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The sample and what was seen while taking it. */
export interface Sample<T> {
  /** Up to targrows rows, in the order they were read (physical order). */
  readonly rows: T[];
  /** Rows offered (the live rows of the table): ANALYZE's totalrows. */
  readonly liveRows: number;
}

/** Reservoir sampling of `rows` (read in physical order): at most `targrows` rows, kept in that order. */
export function sampleRows<T>(
  rows: Iterable<T>,
  targrows: number,
  random: () => number = Math.random,
): Sample<T> {
  const kept: { seq: number; row: T }[] = [];
  let seen = 0;
  let replaced = false;
  for (const row of rows) {
    if (kept.length < targrows) kept.push({ seq: seen, row });
    else {
      const k = Math.floor(random() * (seen + 1));
      if (k < targrows) {
        kept[k] = { seq: seen, row };
        replaced = true;
      }
    }
    seen++;
  }
  if (replaced) kept.sort((a, b) => a.seq - b.seq);
  return { rows: kept.map((k) => k.row), liveRows: seen };
}
