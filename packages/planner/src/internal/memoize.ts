/**
 * Memoize over a parameterized nested loop's inner side (PostgreSQL 14+'s
 * create_memoize_path and cost_memoize_rescan): the inner rows are cached
 * per value of the outer values the inner side is parameterized by, so a
 * rescan with a value seen before reads the cache instead of the scan.
 */

import { relationByteSize } from './costs.js';
import type { PlannerSettings } from './settings.js';

/** hash_mem_multiplier's default (PostgreSQL 15): hash tables may use twice work_mem. */
const HASH_MEM_MULTIPLIER = 2;

/** ExecEstimateCacheEntryOverheadBytes: MemoizeEntry + MemoizeKey + a MemoizeTuple per row (64-bit). */
function entryOverheadBytes(tuples: number): number {
  return 24 + 24 + 16 * tuples;
}

/** create_memoize_path: the first scan costs the inner path's plus a cpu_tuple_cost for the first entry. */
export function costMemoizeFirst(
  s: PlannerSettings,
  inner: { startup: number; total: number },
): { startup: number; total: number } {
  return { startup: inner.startup + s.cpuTupleCost, total: inner.total + s.cpuTupleCost };
}

/**
 * cost_memoize_rescan: a rescan's cost when `calls` rescans see `ndistinct`
 * distinct keys and the inner side returns `tuples` rows of `width` bytes.
 */
export function costMemoizeRescan(
  s: PlannerSettings,
  inner: { startup: number; total: number },
  tuples: number,
  width: number,
  calls: number,
  ndistinct: number,
): { startup: number; total: number } {
  const hashMemBytes = s.workMem * 1024 * HASH_MEM_MULTIPLIER;
  const entryBytes = relationByteSize(tuples, width) + entryOverheadBytes(tuples);
  const cacheEntries = Math.floor(hashMemBytes / entryBytes);
  const evictRatio = 1 - Math.min(cacheEntries, ndistinct) / ndistinct;
  const hitRatio =
    ((calls - ndistinct) / calls) * (cacheEntries / Math.max(ndistinct, cacheEntries));
  let total = inner.total * (1 - hitRatio) + s.cpuOperatorCost;
  total += s.cpuTupleCost * evictRatio;
  total += (s.cpuOperatorCost / 10) * evictRatio * tuples;
  total += s.cpuTupleCost + s.cpuOperatorCost * tuples;
  const startup = inner.startup * (1 - hitRatio) + s.cpuTupleCost;
  return { startup, total };
}
