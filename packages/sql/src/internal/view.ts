/**
 * Views in FROM (issue 9, task G): PostgreSQL's rewriter (fireRIRrules,
 * ApplyRetrieveRule) turns a view's range-table entry into a subquery
 * holding the view's stored query. We do it while analyzing: the view's
 * SQL text (pg_rewrite.ev_action, every relation schema-qualified) is
 * parsed and analyzed as a non-lateral subquery in FROM, named after the
 * view (or its alias), with the view's column names. The planner sees an
 * ordinary subquery and pulls it up when it is simple, so a view over an
 * indexed table is planned as the table itself.
 *
 * A materialized view is read from its heap; one that is not populated
 * is 55000, as ExecCheckRelationsScannable reports it.
 */
import type { RelationDesc } from '@pg/catalog';
import { addDerived, aliasColumns, type State, subState, transformSelect } from './analyze.js';
import { Code, PositionedSqlError, PositionMap } from './errors.js';
import type { ScopeEntry } from './expr.js';
import { type PNode, parse } from './parse.js';
import type { Expr, SelectQuery, SubqueryRte } from './query.js';

/** Replaces `entry` (just added for view `rv`, not yet in scope) by the view's query. */
export function expandRelation(ps: State, entry: ScopeEntry, rv: PNode): ScopeEntry {
  const rel: RelationDesc = entry.relation;
  if (rel.kind === 'm' && rel.unpopulated === true) {
    throw new PositionedSqlError(
      Code.OBJECT_NOT_IN_PREREQUISITE_STATE,
      `materialized view "${rel.name}" has not been populated`,
      { hint: 'Use the REFRESH MATERIALIZED VIEW command.' },
    );
  }
  const vq = rel.viewQuery;
  if (rel.kind !== 'v' || vq === undefined || rel.computed === true) return entry;
  const [stmt] = parse(vq.sql);
  const node = stmt?.node?.SelectStmt;
  if (node === undefined) {
    throw new PositionedSqlError(Code.INTERNAL_ERROR, `view "${rel.name}" has no query`);
  }
  // the view's text is analyzed on its own: no outer columns, its own positions
  const state: State = {
    ...subState(ps),
    parent: { ...ps, scope: [] },
    positions: new PositionMap(vq.sql),
  };
  const query = transformSelect(state, node);
  if (ps.rtable[entry.rt] === entry.rte) ps.rtable.splice(entry.rt, 1);
  const names = rel.columns.filter((c) => !c.dropped).map((c) => c.name);
  const outputs = query.targetList.filter((t) => !t.junk);
  const rte: SubqueryRte = {
    kind: 'subquery',
    alias: rv.alias?.aliasname ?? rel.name,
    columnNames: aliasColumns(ps, rv.alias, names),
    query,
    view: rel.oid,
  };
  return addDerived(
    ps,
    rte,
    outputs.map((t) => ({ type: t.expr.type, typmod: t.expr.typmod })),
    false,
  );
}

const VIEW_VERBS = {
  insert: ['insert into', 'inserting into', 'INSERT'],
  update: ['update', 'updating', 'UPDATE'],
  delete: ['delete from', 'deleting from', 'DELETE'],
} as const;

/**
 * INSERT / UPDATE / DELETE on a view (rewriteTargetView): a view that is
 * not automatically updatable is 55000 with PostgreSQL's reason
 * (view_query_is_auto_updatable); writing through an updatable one is
 * not supported yet (0A000).
 */
export function viewTargetError(
  ps: State,
  rel: RelationDesc,
  command: 'insert' | 'update' | 'delete',
): PositionedSqlError {
  const [verb, gerund, cmd] = VIEW_VERBS[command];
  const reason = notUpdatableReason(ps, rel, command !== 'delete');
  if (reason === undefined) {
    return new PositionedSqlError(
      Code.FEATURE_NOT_SUPPORTED,
      `${cmd} on an automatically updatable view ("${rel.name}") is not supported yet`,
    );
  }
  return new PositionedSqlError(
    Code.OBJECT_NOT_IN_PREREQUISITE_STATE,
    `cannot ${verb} view "${rel.name}"`,
    {
      detail: reason,
      hint: `To enable ${gerund} the view, provide an INSTEAD OF ${cmd} trigger or an unconditional ON ${cmd} DO INSTEAD rule.`,
    },
  );
}

/** view_query_is_auto_updatable: why view `rel` is not automatically updatable (undefined: it is). */
export function notUpdatableReason(
  ps: State,
  rel: RelationDesc,
  checkCols: boolean,
): string | undefined {
  const vq = rel.viewQuery;
  if (vq === undefined) return SINGLE;
  const [stmt] = parse(vq.sql);
  const q = transformSelect(
    { ...subState(ps), parent: { ...ps, scope: [] }, positions: new PositionMap(vq.sql) },
    stmt?.node?.SelectStmt,
  );
  // the kind of the one relation in FROM, found by the name the view's text gives it
  const rv = stmt?.node?.SelectStmt?.fromClause?.[0]?.RangeVar;
  const kind = rv && ps.catalog.lookupRelation(rv.schemaname, rv.relname)?.kind;
  return autoUpdatableError(q, checkCols, () => kind);
}

const SINGLE =
  'Views that do not select from a single table or view are not automatically updatable.';

/**
 * issue 9 (D): view_query_is_auto_updatable over an analyzed view query;
 * `kindOf` gives the relkind of the relation its one FROM item reads.
 */
export function autoUpdatableError(
  q: SelectQuery,
  checkCols: boolean,
  kindOf: (relationOid: number) => string | undefined,
): string | undefined {
  const not = (what: string) => `Views containing ${what} are not automatically updatable.`;
  if (q.distinct !== undefined) return not('DISTINCT');
  if ((q.group ?? []).length > 0 || q.groupingSets !== undefined) return not('GROUP BY');
  if (q.having !== undefined) return not('HAVING');
  if (q.setOp !== undefined) return not('UNION, INTERSECT, or EXCEPT');
  if ((q.ctes ?? []).length > 0) return not('WITH');
  if (q.limit !== undefined || q.offset !== undefined) return not('LIMIT or OFFSET');
  if ((q.aggregates ?? []).length > 0)
    return 'Views that return aggregate functions are not automatically updatable.';
  if ((q.windowFuncs ?? []).length > 0)
    return 'Views that return window functions are not automatically updatable.';
  if (q.targetList.some((t) => t.expr.kind === 'func' && t.expr.fn.retset === true))
    return 'Views that return set-returning functions are not automatically updatable.';
  if (q.from.length !== 1) return SINGLE;
  const from = q.from[0] as number;
  const base = q.rtable[from];
  if (base?.kind === 'relation') {
    // a table, partitioned table or view (not a materialized view)
    const kind = kindOf(base.relationOid);
    if (kind !== 'r' && kind !== 'p' && kind !== 'v') return SINGLE;
  } else if (base?.kind !== 'subquery' || base.view === undefined) return SINGLE;
  // issue 9 (D): INSERT/UPDATE need at least one column that is a column of the relation below
  const updatable = (e: Expr) =>
    e.kind === 'var' && (e.levelsUp ?? 0) === 0 && e.rt === from && e.attnum > 0;
  if (checkCols && !q.targetList.some((t) => !t.junk && updatable(t.expr)))
    return 'Views that have no updatable columns are not automatically updatable.';
  return undefined;
}

/**
 * issue 9 (D): relation_is_updatable's events of a view with query `q`
 * (pg_relation_is_updatable's bits: 4 UPDATE, 8 INSERT, 16 DELETE): none
 * unless automatically updatable; DELETE only when no column is a column
 * of the relation below; and no more than a view below allows
 * (`belowEvents`, its stored answer). Triggers and rules: none here.
 */
export function viewUpdatableEvents(
  q: SelectQuery,
  kindOf: (relationOid: number) => string | undefined,
  belowEvents: (viewOid: number) => number,
): number {
  if (autoUpdatableError(q, false, kindOf) !== undefined) return 0;
  const from = q.from[0] as number;
  const hasColumn = q.targetList.some(
    (t) =>
      !t.junk &&
      t.expr.kind === 'var' &&
      (t.expr.levelsUp ?? 0) === 0 &&
      t.expr.rt === from &&
      t.expr.attnum > 0,
  );
  const events = hasColumn ? 28 : 16;
  const base = q.rtable[from];
  if (base?.kind === 'subquery' && base.view !== undefined) return events & belowEvents(base.view);
  if (base?.kind === 'relation' && kindOf(base.relationOid) === 'v')
    return events & belowEvents(base.relationOid);
  return events;
}

/**
 * issue 9 (D): pg_column_is_updatable of each output column (1-based
 * positions): a plain column of the relation below, which for a view
 * below must be updatable there too (`belowColumns`, its stored answer).
 */
export function viewUpdatableColumns(
  q: SelectQuery,
  kindOf: (relationOid: number) => string | undefined,
  belowColumns: (viewOid: number) => readonly number[],
): number[] {
  if (autoUpdatableError(q, false, kindOf) !== undefined) return [];
  const from = q.from[0] as number;
  const base = q.rtable[from];
  const below =
    base?.kind === 'subquery' && base.view !== undefined
      ? belowColumns(base.view)
      : base?.kind === 'relation' && kindOf(base.relationOid) === 'v'
        ? belowColumns(base.relationOid)
        : undefined;
  const out: number[] = [];
  q.targetList
    .filter((t) => !t.junk)
    .forEach((t, i) => {
      const e = t.expr;
      if (e.kind !== 'var' || (e.levelsUp ?? 0) !== 0 || e.rt !== from || e.attnum <= 0) return;
      if (below === undefined || below.includes(e.attnum)) out.push(i + 1);
    });
  return out;
}
