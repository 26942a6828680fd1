/**
 * One relation's statistics from its sample: each column's values picked
 * out of the sampled rows and handed to computeColumnStats.
 */
import { type AnalyzeColumn, type ColumnStatistics, computeColumnStats } from './analyze.js';

/**
 * The statistics of `columns` over `rows` (the sample, in physical order;
 * a row's value for column attnum is at index attnum - 1) for a table of
 * `totalRows` live rows. Columns with target 0 and an empty sample give
 * nothing.
 */
export function analyzeSample(
  rows: readonly (readonly unknown[])[],
  totalRows: number,
  columns: readonly AnalyzeColumn[],
): ColumnStatistics[] {
  const out: ColumnStatistics[] = [];
  if (rows.length === 0) return out;
  for (const column of columns) {
    if (column.target <= 0) continue;
    const values = rows.map((r) => r[column.attnum - 1] ?? null);
    const stats = computeColumnStats(values, totalRows, column);
    if (stats !== undefined) out.push(stats);
  }
  return out;
}
