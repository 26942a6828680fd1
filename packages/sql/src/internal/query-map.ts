/**
 * Rewriting every expression of a query tree, at any sub-SELECT depth
 * (expression_tree_mutator over a Query with its range table, sublinks and
 * WITH queries): the walk the planner's subquery pull-up and the
 * updatable-view rewrite share. `ops.v` sees each Var with the depth (query
 * levels below the root) it stands at, `ops.c` each WITH reference.
 */
import { mapChildren } from './expr.js';
import type { CommonTableExpr, CteRte, Expr, RangeTblEntry, SelectQuery, Var } from './query.js';

export interface VarMapOps {
  /** A Var seen `depth` query levels below the root. */
  readonly v: (v: Var, depth: number) => Expr;
  readonly c?: (c: CteRte, depth: number) => CteRte;
}

export function mapExprVars(e: Expr, d: number, ops: VarMapOps): Expr {
  if (e.kind === 'var') return ops.v(e, d);
  if (e.kind === 'sublink') {
    const query = mapQueryVars(e.query, d + 1, ops);
    return e.testExpr === undefined
      ? { ...e, query }
      : { ...e, query, testExpr: mapExprVars(e.testExpr, d, ops) };
  }
  return mapChildren(e, (c) => mapExprVars(c, d, ops));
}

export function mapRteVars(rte: RangeTblEntry, d: number, ops: VarMapOps): RangeTblEntry {
  const x = (e: Expr) => mapExprVars(e, d, ops);
  switch (rte.kind) {
    case 'join':
      return {
        ...rte,
        ...(rte.quals === undefined ? {} : { quals: x(rte.quals) }),
        columns: rte.columns.map(x),
      };
    case 'values':
      return { ...rte, rows: rte.rows.map((r) => r.map(x)) };
    case 'function': {
      const call = x(rte.call);
      return call.kind === 'func' ? { ...rte, call } : rte;
    }
    case 'subquery':
      return { ...rte, query: mapQueryVars(rte.query, d + 1, ops) };
    case 'cte':
      return ops.c === undefined ? rte : ops.c(rte, d);
    default:
      return rte;
  }
}

export function mapQueryVars(q: SelectQuery, d: number, ops: VarMapOps): SelectQuery {
  const x = (e: Expr) => mapExprVars(e, d, ops);
  const keys = <K extends { expr: Expr }>(ks: readonly K[]): K[] =>
    ks.map((k) => ({ ...k, expr: x(k.expr) }));
  const out: { -readonly [K in keyof SelectQuery]: SelectQuery[K] } = {
    ...q,
    rtable: q.rtable.map((r) => mapRteVars(r, d, ops)),
    targetList: q.targetList.map((t) => ({ ...t, expr: x(t.expr) })),
  };
  if (q.where !== undefined) out.where = x(q.where);
  if (q.having !== undefined) out.having = x(q.having);
  if (q.limit !== undefined) out.limit = x(q.limit);
  if (q.offset !== undefined) out.offset = x(q.offset);
  if (q.aggregates !== undefined)
    out.aggregates = q.aggregates.map((a) => ({
      ...a,
      args: a.args.map(x),
      ...(a.filter === undefined ? {} : { filter: x(a.filter) }),
      ...(a.order === undefined ? {} : { order: keys(a.order) }),
    }));
  if (q.windowFuncs !== undefined)
    out.windowFuncs = q.windowFuncs.map((w) => ({
      ...w,
      args: w.args.map(x),
      ...(w.filter === undefined ? {} : { filter: x(w.filter) }),
      ...(w.aggregate === undefined
        ? {}
        : {
            aggregate: {
              ...w.aggregate,
              args: w.aggregate.args.map(x),
              ...(w.aggregate.filter === undefined ? {} : { filter: x(w.aggregate.filter) }),
              ...(w.aggregate.order === undefined ? {} : { order: keys(w.aggregate.order) }),
            },
          }),
    }));
  if (q.windows !== undefined)
    out.windows = q.windows.map((w) => {
      const bound = (b: (typeof w.frame)['start']) =>
        b.offset === undefined ? b : { ...b, offset: x(b.offset) };
      return {
        ...w,
        partition: w.partition.map(x),
        order: keys(w.order),
        frame: { ...w.frame, start: bound(w.frame.start), end: bound(w.frame.end) },
      };
    });
  if (q.ctes !== undefined)
    out.ctes = q.ctes.map(
      (c): CommonTableExpr => ({ ...c, query: mapQueryVars(c.query, d + 1, ops) }),
    );
  return out;
}

/** IncrementVarSublevelsUp: `e`, written at the root level, as seen `by` levels further down. */
export function liftLevels(e: Expr, by: number): Expr {
  if (by === 0) return e;
  return mapExprVars(e, 0, {
    v: (v, d) => ((v.levelsUp ?? 0) < d ? v : { ...v, levelsUp: (v.levelsUp ?? 0) + by }),
    c: (c, d) => (c.levelsUp < d ? c : { ...c, levelsUp: c.levelsUp + by }),
  });
}
