/**
 * MergeAppend paths (PostgreSQL's generate_orderedappend_paths and
 * cost_merge_append): the children of a UNION ALL, each delivering the
 * ORDER BY's order (an index scan, a sub-SELECT's own ORDER BY, or a Sort
 * below the MergeAppend), merged into one sorted stream.
 */

import { clampRows } from './costs.js';
import type { Path } from './paths.js';
import type { PlanNode, SortKey } from './plan.js';
import type { PlannerSettings } from './settings.js';

/** APPEND_CPU_COST_MULTIPLIER: an Append's or MergeAppend's per-row overhead, in cpu_tuple_costs. */
const APPEND_CPU_COST_MULTIPLIER = 0.5;

/** A sorted child: its plan and the cost PostgreSQL's path for it has (a dropped SubqueryScan's included). */
export interface SortedChild {
  readonly plan: PlanNode;
  readonly startupCost: number;
  readonly totalCost: number;
}

/**
 * cost_merge_append: a heap of the children's current rows, log2(N)
 * comparisons (2 cpu_operator_cost each) per row and N log2 N to build it.
 */
export function costMergeAppend(
  s: PlannerSettings,
  children: readonly SortedChild[],
  rows: number,
): { startup: number; total: number } {
  const n = Math.max(children.length, 2);
  const logN = Math.log2(n);
  const cmp = 2 * s.cpuOperatorCost;
  const startup = cmp * n * logN;
  const run = rows * cmp * logN + s.cpuTupleCost * APPEND_CPU_COST_MULTIPLIER * rows;
  const inStartup = children.reduce((a, c) => a + c.startupCost, 0);
  const inTotal = children.reduce((a, c) => a + c.totalCost, 0);
  return { startup: startup + inStartup, total: startup + run + inTotal };
}

/** A MergeAppend over `children` (each sorted on `keys`), output `output`; its pathkeys are `pathkeys`. */
export function mergeAppendPath(
  s: PlannerSettings,
  children: readonly SortedChild[],
  output: PlanNode['output'],
  keys: readonly SortKey[],
  pathkeys: readonly SortKey[],
): Path {
  const rows = children.reduce((a, c) => a + c.plan.rows, 0);
  const c = costMergeAppend(s, children, rows);
  return {
    plan: {
      kind: 'mergeappend',
      children: children.map((x) => x.plan),
      keys,
      output,
      rows: clampRows(rows),
      width: Math.max(...children.map((x) => x.plan.width)),
      startupCost: c.startup,
      totalCost: c.total,
    },
    pathkeys,
  };
}
