/**
 * One aggregate call over the rows of a group (PostgreSQL's nodeAgg.c
 * per-call machinery, reduced to the built-in aggregates): the argument
 * expressions and FILTER are evaluated per input row, DISTINCT and
 * ORDER BY inside the call collect the inputs first, and the transition
 * functions of agg-functions.ts do the rest.
 *
 * Rules kept from PostgreSQL:
 *   A1 NULL inputs are skipped by the strict aggregates; count(*) counts
 *      rows; FILTER skips rows where the condition is not TRUE;
 *   A2 over no input, count gives 0 and every other aggregate NULL;
 *   A3 agg(DISTINCT x, ...) sorts the inputs on the ORDER BY keys and then
 *      every argument (the type's B-tree order, NULLs last), keeps the
 *      first of each run of inputs equal on all arguments (NULL equal to
 *      NULL), and feeds them in that order (so a float sum adds in sorted
 *      order, as PostgreSQL's);
 *   A4 agg(x ORDER BY k) feeds the inputs sorted stably on the keys;
 *   A5 results and types as in agg-functions.ts (F1-F7);
 *   A6 an ordered-set aggregate (WITHIN GROUP) collects its keys per row
 *      that passes FILTER (the rows with a NULL key left out, except for
 *      a hypothetical set), sorts them stably on the keys, and evaluates
 *      its direct arguments once per group, on the group's first input
 *      row (they use only grouped columns; over no rows, on an empty
 *      row), then its final function (agg-functions.ts O1-O4).
 */
import type { AggregateCall, AggSortKey, Expr } from '@pg/sql';
import { compareNullable, type Registry } from '@pg/types';
import { argTypeOf, makeOrderedSetFinal, makeTransition } from './agg-functions.js';
import type { EvalEnv } from './context.js';
import type { Compiled } from './expr.js';
import { compileBound } from './node.js';

/** One aggregate's running state for one group. */
export interface AggRun {
  /** Feeds one input row. */
  row(values: readonly unknown[], env: EvalEnv): void;
  /** The aggregate's result over the rows fed. */
  result(env: EvalEnv): unknown;
}

/** A compiled aggregate call: makes a fresh state per group. */
export type AggFactory = () => AggRun;

/** Compiles one aggregate call whose expressions are bound to `inputs` (a plan node's input, R2). */
export function compileAggCall(
  call: AggregateCall,
  inputs: readonly Expr[],
  registry: Registry,
): AggFactory {
  return buildAggregate(call, registry, (e) => compileBound(e, inputs, registry));
}

/** A comparator of value tuples on `keys` (the type's B-tree order, DESC, NULLS FIRST/LAST). */
export function sortComparator(
  keys: readonly Pick<AggSortKey, 'descending' | 'nullsFirst'>[],
  types: readonly number[],
  registry: Registry,
): (a: readonly unknown[], b: readonly unknown[]) => number {
  const compares = types.map((t) => registry.mustType(t).compare);
  const n = keys.length;
  return (a, b) => {
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      const x = a[i] ?? null;
      const y = b[i] ?? null;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === k.nullsFirst ? -1 : 1;
      }
      const c = compares[i]!(x, y);
      if (c !== 0) return k.descending ? -c : c;
    }
    return 0;
  };
}

function buildAggregate(
  call: AggregateCall,
  registry: Registry,
  compile: (e: Expr) => Compiled,
): AggFactory {
  const filterExpr = call.filter;
  const filter =
    filterExpr === undefined
      ? undefined
      : (() => {
          const c = compile(filterExpr);
          return (row: readonly unknown[], env: EvalEnv) => c(row, env) === true;
        })();
  if (call.aggkind !== undefined) return orderedSetAggregate(call, registry, compile, filter);
  const makeTrans = makeTransition(call, registry);
  const args = call.args.map(compile);
  const nargs = args.length;
  const evalArgs = (row: readonly unknown[], env: EvalEnv): unknown[] => {
    const out = new Array<unknown>(nargs);
    for (let i = 0; i < nargs; i++) out[i] = args[i]!(row, env);
    return out;
  };
  const order = call.order ?? [];
  if (!call.distinct && order.length === 0) {
    return () => {
      const t = makeTrans();
      return {
        row: (row, env) => {
          if (filter !== undefined && !filter(row, env)) return;
          t.add(evalArgs(row, env), env);
        },
        result: (env) => t.result(env),
      };
    };
  }
  // collect (order keys ++ args), sort, feed (A3, A4)
  const keyExprs = order.map((k) => compile(k.expr));
  const nkeys = keyExprs.length;
  const argTypes = call.args.map((_, i) => argTypeOf(call, i));
  const sortKeys: Pick<AggSortKey, 'descending' | 'nullsFirst'>[] = [...order];
  const sortTypes = order.map((k) => k.expr.type);
  if (call.distinct) {
    for (const t of argTypes) {
      sortKeys.push({ descending: false, nullsFirst: false });
      sortTypes.push(t);
    }
  }
  const cmp = sortComparator(sortKeys, sortTypes, registry);
  const argCompares = argTypes.map((t) => registry.mustType(t).compare);
  const sameArgs = (a: readonly unknown[], b: readonly unknown[]) => {
    for (let i = 0; i < nargs; i++) {
      if (compareNullable(argCompares[i]!, a[nkeys + i] ?? null, b[nkeys + i] ?? null) !== 0) {
        return false;
      }
    }
    return true;
  };
  const distinct = call.distinct;
  return () => {
    const seen: unknown[][] = [];
    return {
      row: (row, env) => {
        if (filter !== undefined && !filter(row, env)) return;
        const entry = new Array<unknown>(nkeys + nargs);
        for (let i = 0; i < nkeys; i++) entry[i] = keyExprs[i]!(row, env);
        for (let i = 0; i < nargs; i++) entry[nkeys + i] = args[i]!(row, env);
        seen.push(entry);
      },
      result: (env) => {
        const t = makeTrans();
        if (distinct) {
          // entries are keys ++ args, sorted on the keys and then the args
          const sorted = seen.slice().sort(cmp);
          let prev: unknown[] | undefined;
          for (const e of sorted) {
            if (prev !== undefined && sameArgs(prev, e)) continue;
            prev = e;
            t.add(e.slice(nkeys, nkeys + nargs), env);
          }
        } else {
          const sorted = seen.slice().sort(cmp); // Array.prototype.sort is stable
          for (const e of sorted) t.add(e.slice(nkeys, nkeys + nargs), env);
        }
        return t.result(env);
      },
    };
  };
}

/** agg(direct...) WITHIN GROUP (ORDER BY keys...) (A6). */
function orderedSetAggregate(
  call: AggregateCall,
  registry: Registry,
  compile: (e: Expr) => Compiled,
  filter: ((row: readonly unknown[], env: EvalEnv) => boolean) | undefined,
): AggFactory {
  const order = call.order ?? [];
  const direct = call.args.map(compile);
  const keys = order.map((k) => compile(k.expr));
  const nkeys = keys.length;
  const cmp = sortComparator(
    order,
    order.map((k) => k.expr.type),
    registry,
  );
  const final = makeOrderedSetFinal(call, registry, cmp);
  const skipNulls = call.aggkind === 'o';
  return () => {
    let first: readonly unknown[] | undefined;
    const rows: unknown[][] = [];
    return {
      row: (row, env) => {
        if (first === undefined) first = row.slice();
        if (filter !== undefined && !filter(row, env)) return;
        const entry = new Array<unknown>(nkeys);
        for (let i = 0; i < nkeys; i++) entry[i] = keys[i]!(row, env);
        if (skipNulls && entry[0] === null) return;
        rows.push(entry);
      },
      result: (env) => {
        const at = first ?? [];
        const values = direct.map((d) => d(at, env));
        return final(values, rows.slice().sort(cmp), env);
      },
    };
  };
}
