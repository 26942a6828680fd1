/**
 * Set-returning functions in a query level's expressions, by nesting
 * level (PostgreSQL's split_pathtarget_at_srfs): a call whose arguments
 * hold no set-returning call is at level 1; one whose arguments hold a
 * level-k call is at level k + 1. Each level becomes one ProjectSet, the
 * lower ones below, so `generate_series(1, generate_series(1, 3))` runs
 * the inner call in the lower ProjectSet and the outer one, once per row
 * of it, in the upper one.
 */
import type { Expr } from '@pg/sql';
import { exprKey, walk } from './exprs.js';

/** A set-returning function call (or an operator implemented by one). */
export function isSrfCall(e: Expr): boolean {
  return (e.kind === 'func' || e.kind === 'op') && e.fn.retset === true;
}

/**
 * The distinct set-returning calls in `exprs`, grouped by nesting level
 * (index 0: level 1). Calls whose key is in `computed` (already columns
 * of the input, e.g. evaluated below an Agg) count as plain values.
 */
export function srfLevels(
  exprs: readonly Expr[],
  computed: ReadonlySet<string> = new Set(),
): Expr[][] {
  const levels: Expr[][] = [];
  const seen = new Map<string, number>();
  const depthOf = (e: Expr): number => {
    const key = exprKey(e);
    if (computed.has(key)) return 0;
    let inner = 0;
    walk(e, (x) => {
      if (x === e) return true;
      inner = Math.max(inner, depthOf(x));
      return false;
    });
    if (!isSrfCall(e)) return inner;
    const known = seen.get(key);
    if (known !== undefined) return known;
    const depth = inner + 1;
    seen.set(key, depth);
    while (levels.length < depth) levels.push([]);
    levels[depth - 1]!.push(e);
    return depth;
  };
  for (const e of exprs) depthOf(e);
  return levels;
}
