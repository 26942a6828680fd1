/**
 * WindowAgg run conditions (PostgreSQL 15's check_and_push_window_quals
 * and find_window_run_conditions): a WHERE condition of an outer query on
 * a FROM sub-SELECT's window function column, `wfunc op constant`, where
 * the function is monotonic within a partition (row_number, rank,
 * dense_rank, percent_rank, cume_dist, ntile; count over a frame starting
 * at UNBOUNDED PRECEDING grows, over one ending at UNBOUNDED FOLLOWING
 * shrinks; without ORDER BY it is the same on every row) and `op` bounds
 * it from the side it moves away from (`<`, `<=` for a growing one, `>`,
 * `>=` for a shrinking one). Once false such a condition stays false for
 * the rest of the partition, so the WindowAgg stops there; the condition
 * then needs no Filter above it. For `=` the run condition is `<=` (`>=`
 * for a shrinking function) and the equality stays in the WHERE.
 *
 * The sub-SELECT's planning finds the conditions through `runConditions`
 * (keyed by the rewritten query object), written over its WindowFuncs.
 */

import type { Expr, SelectQuery, WindowFunc } from '@pg/sql';
import { type Registry, TypeOid } from '@pg/types';

/** The run conditions pushed into each (rewritten) sub-SELECT, over its WindowFuncs. */
export const runConditions = new WeakMap<SelectQuery, readonly Expr[]>();

const RANKING = new Set(['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile']);
const NUMERIC = new Set<number>([
  TypeOid.int2,
  TypeOid.int4,
  TypeOid.int8,
  TypeOid.numeric,
  TypeOid.float4,
  TypeOid.float8,
]);
const MIRROR: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** How a window function's value moves within a partition: 'up', 'down', 'both', or undefined. */
function monotonic(q: SelectQuery, wf: WindowFunc): 'up' | 'down' | 'both' | undefined {
  const call = q.windowFuncs?.[wf.index];
  if (call === undefined || call.filter !== undefined) return undefined;
  if (call.aggregate === undefined) return RANKING.has(call.name) ? 'up' : undefined;
  const agg = call.aggregate;
  if (call.name !== 'count' || agg.distinct || agg.filter !== undefined) return undefined;
  if ((agg.order?.length ?? 0) > 0) return undefined;
  const w = q.windows?.[call.window];
  // no ORDER BY: every row is a peer, the count is the same on each
  if (w !== undefined && w.order.length === 0) return 'both';
  const frame = w?.frame;
  if (frame === undefined || frame.exclude !== 'no others') return undefined;
  const up = frame.start.kind === 'unbounded preceding';
  const down = frame.end.kind === 'unbounded following';
  return up && down ? 'both' : up ? 'up' : down ? 'down' : undefined;
}

/**
 * `c`, a condition of the outer query on sub-SELECT `rt` (whose query is
 * `q`), as a run condition: `q` rewritten (a new object, its condition
 * recorded in `runConditions`), or undefined when `c` is not one.
 */
export function pushRunCondition(
  q: SelectQuery,
  rt: number,
  c: Expr,
  registry: Registry,
): { query: SelectQuery; keep: boolean } | undefined {
  if (c.kind !== 'op' || c.args.length !== 2) return undefined;
  if (q.setOp !== undefined || q.limit !== undefined || q.offset !== undefined) return undefined;
  if (q.distinct !== undefined || q.groupingSets !== undefined || q.rowMarks.length > 0)
    return undefined;
  // one WindowAgg only: the condition then belongs to the top window
  if (new Set((q.windowFuncs ?? []).map((w) => w.window)).size !== 1) return undefined;
  const [a, b] = c.args as [Expr, Expr];
  const cols = q.targetList.filter((t) => !t.junk).map((t) => t.expr);
  const wfOf = (e: Expr): WindowFunc | undefined => {
    if (e.kind !== 'var' || (e.levelsUp ?? 0) !== 0 || e.rt !== rt) return undefined;
    const t = cols[e.attnum - 1];
    return t?.kind === 'windowfunc' ? t : undefined;
  };
  const left = wfOf(a);
  const wf = left ?? wfOf(b);
  const other = left !== undefined ? b : a;
  if (wf === undefined || other.kind !== 'const' || !NUMERIC.has(other.type)) return undefined;
  const name = c.op.name;
  const dir = monotonic(q, wf);
  if (dir === undefined) return undefined;
  const args: [Expr, Expr] = left !== undefined ? [wf, other] : [other, wf];
  let cond: Expr;
  let keep = false;
  if (name === '=') {
    if (dir === 'both') cond = { ...c, args };
    else {
      // the equality stays a Filter above; the run condition bounds it from the moving side
      const asLeft = dir === 'up' ? '<=' : '>=';
      const opName = left !== undefined ? asLeft : MIRROR[asLeft]!;
      const op = registry.findOperator(opName, args[0].type, args[1].type);
      const fn = op === undefined ? undefined : registry.findFunction(op.fn, [op.left, op.right]);
      if (op === undefined || fn === undefined) return undefined;
      cond = { kind: 'op', op, fn, args, type: TypeOid.bool, typmod: -1 };
      keep = true;
    }
  } else {
    if (MIRROR[name] === undefined) return undefined;
    // the operator as if the window function were on the left
    const asLeft = left !== undefined ? name : MIRROR[name]!;
    const ok =
      asLeft === '<' || asLeft === '<='
        ? dir === 'up' || dir === 'both'
        : dir === 'down' || dir === 'both';
    if (!ok) return undefined;
    cond = { ...c, args };
  }
  const next: SelectQuery = { ...q };
  runConditions.set(next, [...(runConditions.get(q) ?? []), cond]);
  return { query: next, keep };
}
