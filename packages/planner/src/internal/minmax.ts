/**
 * preprocess_minmax_aggregates (planagg.c): `SELECT min(x), max(y) FROM t
 * WHERE ...` where every aggregate is min or max of a column that leads a
 * B-tree index of t becomes
 *
 *   SELECT (SELECT x FROM t WHERE ... AND x IS NOT NULL ORDER BY x LIMIT 1),
 *          (SELECT y FROM t WHERE ... AND y IS NOT NULL ORDER BY y DESC LIMIT 1)
 *
 * so each aggregate is an InitPlan reading one row from the index (a
 * Limit over an index scan, forward for min, backward for max) under a
 * Result, as PostgreSQL plans it.
 *
 * Differences from PostgreSQL: it compares the cost of the rewritten plan
 * with the plain aggregate's; here the rewrite is made whenever every
 * aggregate has such an index (an index scan reading one row is then
 * almost always the cheaper). `x IS NOT NULL` is not an index condition
 * here, so EXPLAIN shows it as the scan's Filter where PostgreSQL shows an
 * Index Cond.
 */
import type { RelationDesc } from '@pg/catalog';
import type { Expr, SelectQuery, SubLink } from '@pg/sql';
import { BOOL, contains, isVolatile, mapChildren } from './exprs.js';

const INT8 = 20;

/** The query with its min/max aggregates replaced by one-row sub-SELECTs, or undefined when it does not apply. */
export function rewriteMinMax(
  q: SelectQuery,
  relation: (oid: number) => RelationDesc,
): SelectQuery | undefined {
  const aggs = q.aggregates ?? [];
  if (
    aggs.length === 0 ||
    q.setOp !== undefined ||
    q.group !== undefined ||
    q.groupingSets !== undefined ||
    q.having !== undefined ||
    (q.windowFuncs?.length ?? 0) > 0 ||
    q.distinct !== undefined ||
    q.rowMarks.length > 0 ||
    (q.ctes?.length ?? 0) > 0 ||
    q.from.length !== 1
  )
    return undefined;
  const rt = q.from[0] as number;
  const rte = q.rtable[rt];
  if (rte?.kind !== 'relation') return undefined;
  if (q.where !== undefined && (isVolatile(q.where) || hasSubLink(q.where))) return undefined;
  const desc = relation(rte.relationOid);
  const subs: Expr[] = [];
  for (const a of aggs) {
    if ((a.name !== 'min' && a.name !== 'max') || a.distinct || a.star) return undefined;
    if (a.filter !== undefined || (a.order?.length ?? 0) > 0 || a.args.length !== 1)
      return undefined;
    const arg = a.args[0] as Expr;
    if (arg.kind !== 'var' || (arg.levelsUp ?? 0) !== 0 || arg.rt !== rt) return undefined;
    if (arg.type !== a.type) return undefined;
    const indexed = desc.indexes.some(
      (ix) => ix.am === 'btree' && ix.predicate === undefined && ix.columns[0] === arg.attnum,
    );
    if (!indexed) return undefined;
    const max = a.name === 'max';
    const notNull: Expr = { kind: 'nulltest', arg, isNull: false, type: BOOL, typmod: -1 };
    const where: Expr =
      q.where === undefined
        ? notNull
        : { kind: 'bool', op: 'and', args: [q.where, notNull], type: BOOL, typmod: -1 };
    const sub: SelectQuery = {
      command: 'select',
      rtable: [rte],
      from: [0],
      where: renumberTo0(where, rt),
      targetList: [{ expr: renumberTo0(arg, rt), name: a.name, junk: false }],
      paramTypes: q.paramTypes,
      sort: [{ index: 0, descending: max, nullsFirst: max }],
      limit: { kind: 'const', value: 1n, type: INT8, typmod: -1 },
      rowMarks: [],
    };
    const link: SubLink = {
      kind: 'sublink',
      linkType: 'expr',
      query: sub,
      type: a.type,
      typmod: a.typmod,
    };
    subs.push(link);
  }
  const replace = (e: Expr): Expr => {
    if (e.kind === 'aggref') return subs[e.index] ?? e;
    if (e.kind === 'var') return e;
    return mapChildren(e, replace);
  };
  const targetList = q.targetList.map((t) => ({ ...t, expr: replace(t.expr) }));
  if (targetList.some((t) => contains(t.expr, (x) => x.kind === 'var' && !x.levelsUp)))
    return undefined;
  const { aggregates: _aggs, where: _where, ...rest } = q;
  return { ...rest, rtable: [], from: [], targetList };
}

function hasSubLink(e: Expr): boolean {
  return contains(e, (x) => x.kind === 'sublink');
}

/** The one table's Vars, renumbered to entry 0 of the sub-SELECT's range table. */
function renumberTo0(e: Expr, rt: number): Expr {
  if (e.kind === 'var' && (e.levelsUp ?? 0) === 0 && e.rt === rt)
    return { kind: 'var', rt: 0, attnum: e.attnum, type: e.type, typmod: e.typmod };
  return mapChildren(e, (c) => renumberTo0(c, rt));
}
