/**
 * Automatically updatable views (issue 9, task D): INSERT, UPDATE and
 * DELETE whose target is a simple view are rewritten onto the view's base
 * relation, as PostgreSQL's rewriteTargetView does, one view level at a
 * time (a view over a view is rewritten twice):
 *
 *   - the statement is analyzed against the view's columns (the target
 *     entry is a relation entry of the view); afterwards every reference
 *     to a view column, at any sub-SELECT depth, is replaced by the view's
 *     output expression over the relation below, and the view's entry
 *     becomes that relation's;
 *   - INSERT values and UPDATE SET assignments move from view columns to
 *     the base columns they are (a view column that is an expression is
 *     0A000 "cannot insert into / update column"); a view column's own
 *     default (ALTER VIEW ... ALTER COLUMN ... SET DEFAULT) applies at its
 *     level, else the next level's, else the base column's;
 *   - the view's WHERE is ANDed into UPDATE/DELETE's condition (after the
 *     statement's own, then the lower views'), so only rows the view shows
 *     are changed;
 *   - WITH [LOCAL | CASCADED] CHECK OPTION: the view's WHERE (and, for
 *     CASCADED, every lower view's) becomes a check on each new row of an
 *     INSERT or UPDATE (`viewChecks`, innermost first as PostgreSQL's
 *     list; the executor raises 44000 for the first one that is not true).
 *
 * Whether a view is updatable at all is view.ts's notUpdatableReason
 * (view_query_is_auto_updatable); its 55000 errors name the view at the
 * level that is not.
 */
import type { ColumnDesc, RelationDesc } from '@pg/catalog';
import {
  analyzeColumnDefault,
  defaultFor,
  type State,
  subState,
  transformSelect,
} from './analyze.js';
import { Code, PositionedSqlError, PositionMap } from './errors.js';
import { makeConst } from './expr.js';
import { parse } from './parse.js';
import type {
  DeleteQuery,
  Expr,
  InsertQuery,
  RangeTblEntry,
  UpdateQuery,
  ViewCheck,
} from './query.js';
import {
  liftLevels as lift,
  type VarMapOps as Ops,
  mapExprVars as xExpr,
  mapRteVars as xRte,
} from './query-map.js';
import { notUpdatableReason, viewTargetError } from './view.js';

type Command = 'insert' | 'update' | 'delete';
type ModifyQuery = InsertQuery | UpdateQuery | DeleteQuery;

/** Target entries of a view, with the view (set by the analyzer's targetRelation). */
const viewTargets = new WeakMap<RangeTblEntry, RelationDesc>();

/** DEFAULT of a view column that has none: the next level's default applies. */
const LOWER_DEFAULT = new WeakSet<Expr>();

/** Called by targetRelation for a view: 55000 unless it is updatable; remembers the entry. */
export function checkViewTarget(ps: State, rel: RelationDesc, rte: RangeTblEntry, cmd: Command) {
  if (notUpdatableReason(ps, rel, cmd !== 'delete') !== undefined)
    throw viewTargetError(ps, rel, cmd);
  viewTargets.set(rte, rel);
}

/**
 * defaultFor of a view column (rewriteTargetListIU on a view): its own
 * default, or a marked NULL that the rewrite replaces by the lower one's.
 */
export function viewColumnDefault(ps: State, rel: RelationDesc, col: ColumnDesc): Expr {
  if (col.hasDefault && col.defaultExpr !== undefined)
    return analyzeColumnDefault(rel, col, ps.catalog, ps.typeContext);
  const e = makeConst(col.typeOid, col.typmod, null);
  LOWER_DEFAULT.add(e);
  return e;
}

// ---------------------------------------------------------------- one view level

interface Level {
  /** The view's output expressions over the relation below (Vars of the target's entry). */
  readonly outputs: readonly Expr[];
  readonly where?: Expr;
  /** The relation below, and the name the view's FROM gives it. */
  readonly below: RelationDesc;
  readonly alias: string;
}

/** The view's query, analyzed, its one FROM item renumbered to the statement's target entry. */
function viewLevel(ps: State, view: RelationDesc, target: number): Level {
  const sql = view.viewQuery?.sql ?? '';
  const [stmt] = parse(sql);
  const node = stmt?.node?.SelectStmt;
  const rv = node?.fromClause?.[0]?.RangeVar;
  const below = rv === undefined ? undefined : ps.catalog.lookupRelation(rv.schemaname, rv.relname);
  if (node === undefined || below === undefined)
    throw new PositionedSqlError(Code.INTERNAL_ERROR, `view "${view.name}" has no simple query`);
  const vq = transformSelect(
    { ...subState(ps), parent: { ...ps, scope: [] }, positions: new PositionMap(sql) },
    node,
  );
  const from = vq.from[0]!;
  const rebase = (e: Expr) =>
    xExpr(e, 0, {
      v: (v, d) => ((v.levelsUp ?? 0) === d && v.rt === from ? { ...v, rt: target } : v),
    });
  return {
    outputs: vq.targetList.filter((t) => !t.junk).map((t) => rebase(t.expr)),
    ...(vq.where === undefined ? {} : { where: rebase(vq.where) }),
    below,
    alias: rv.alias?.aliasname ?? below.name,
  };
}

/** The reloption check_option of a view ('local' | 'cascaded'), if any. */
function checkOption(rel: RelationDesc): 'local' | 'cascaded' | undefined {
  return rel.checkOption;
}

const AND = (a: Expr | undefined, b: Expr | undefined): Expr | undefined =>
  a === undefined
    ? b
    : b === undefined
      ? a
      : { kind: 'bool', op: 'and', args: [a, b], type: 16, typmod: -1 };

/**
 * rewriteTargetView, repeated until the target is a table: `q` analyzed
 * with its target a view entry becomes the same statement on the base
 * table. Statements whose target is not a view come back unchanged.
 */
export function rewriteViewTarget<Q extends ModifyQuery>(ps: State, q: Q): Q {
  const V = q.target;
  let view = viewTargets.get(q.rtable[V]!);
  if (view === undefined) return q;
  const cmd: Command = q.command;
  if (q.command === 'insert' && q.onConflict !== undefined)
    throw new PositionedSqlError(
      Code.FEATURE_NOT_SUPPORTED,
      'INSERT ... ON CONFLICT on a view is not supported yet',
    );
  // the assignments by attnum of the current level's relation (LOWER_DEFAULT: not given here)
  let rows: Map<number, Expr>[] =
    q.command === 'insert'
      ? q.rows.map(
          (r) =>
            new Map(
              r.flatMap((e, i) =>
                LOWER_DEFAULT.has(e) ? [] : [[view!.columns[i]!.attnum, e] as const],
              ),
            ),
        )
      : [];
  // UPDATE ... SET c = DEFAULT of a view column without a default is NULL (rewriteTargetListIU)
  let set = new Map<number, Expr>();
  if (q.command === 'update')
    for (const [k, e] of q.set) set.set(k, LOWER_DEFAULT.has(e) ? { ...e } : e);
  let where = q.where;
  let targetList = q.targetList;
  let rtable = [...q.rtable];
  let checks: ViewCheck[] = [];
  let level = 0;
  let alias = view.name;
  const views: { view: number; name: string }[] = [];
  for (;;) {
    const current: RelationDesc = view;
    views.push({ view: current.oid, name: current.name });
    if (level > 0) {
      if (notUpdatableReason(ps, current, cmd !== 'delete') !== undefined)
        throw viewTargetError(ps, current, cmd);
      // rewriteTargetListIU on this view: its defaults for what the level above left open
      for (const c of current.columns) {
        if (c.dropped || !c.hasDefault) continue;
        if (cmd === 'insert')
          for (const r of rows)
            if (!r.has(c.attnum)) r.set(c.attnum, viewColumnDefault(ps, current, c));
      }
    }
    const lv = viewLevel(ps, current, V);
    // the modified columns must be plain columns of the relation below (view_cols_are_auto_updatable)
    const modified = new Set<number>();
    for (const r of rows) for (const k of r.keys()) modified.add(k);
    for (const k of set.keys()) modified.add(k);
    const mapped = new Map<number, number>();
    for (const c of current.columns) {
      if (c.dropped || !modified.has(c.attnum)) continue;
      const out = lv.outputs[c.attnum - 1];
      if (out?.kind !== 'var' || (out.levelsUp ?? 0) !== 0 || out.rt !== V || out.attnum <= 0) {
        throw new PositionedSqlError(
          Code.FEATURE_NOT_SUPPORTED,
          `cannot ${cmd === 'insert' ? 'insert into' : 'update'} column "${c.name}" of view "${current.name}"`,
          {
            detail:
              out?.kind === 'var' && out.attnum <= 0
                ? 'View columns that refer to system columns are not updatable.'
                : 'View columns that are not columns of their base relation are not updatable.',
          },
        );
      }
      mapped.set(c.attnum, out.attnum);
    }
    const remap = (m: Map<number, Expr>): Map<number, Expr> => {
      const out = new Map<number, Expr>();
      for (const [k, e] of m) {
        const to = mapped.get(k)!;
        if (out.has(to)) {
          const name = lv.below.columns[to - 1]?.name ?? '';
          throw new PositionedSqlError(
            Code.SYNTAX_ERROR,
            `multiple assignments to same column "${name}"`,
          );
        }
        out.set(to, e);
      }
      return out;
    };
    // every reference to this view's columns becomes the view's expression
    const ops: Ops = {
      v: (v, d) =>
        (v.levelsUp ?? 0) === d && v.rt === V
          ? lift(lv.outputs[v.attnum - 1] ?? makeConst(v.type, v.typmod, null), d)
          : v,
    };
    const x = (e: Expr) => (LOWER_DEFAULT.has(e) ? e : xExpr(e, 0, ops));
    rows = rows.map((r) => new Map([...remap(r)].map(([k, e]) => [k, x(e)])));
    set = new Map([...remap(set)].map(([k, e]) => [k, x(e)]));
    where = where === undefined ? undefined : x(where);
    targetList = targetList.map((t) => ({ ...t, expr: x(t.expr) }));
    rtable = rtable.map((r, i) => (i === V ? r : xRte(r, 0, ops)));
    checks = checks.map((c) => (c.qual === undefined ? c : { ...c, qual: x(c.qual) }));
    if (cmd !== 'insert') where = AND(where, lv.where);
    if (cmd !== 'delete') {
      // WITH CHECK OPTION: a cascaded check above makes this view's cascaded too
      let option = checkOption(current);
      if (checks[0]?.cascaded === true) option = 'cascaded';
      if (option !== undefined && (option === 'cascaded' || lv.where !== undefined)) {
        checks = [
          {
            viewName: current.name,
            cascaded: option === 'cascaded',
            ...(lv.where === undefined ? {} : { qual: lv.where }),
          },
          ...checks,
        ];
      }
    }
    alias = lv.alias;
    level++;
    if (lv.below.kind === 'v') {
      view = lv.below;
      continue;
    }
    return finishOnBase(ps, q, lv.below, alias, {
      rows,
      set,
      where,
      targetList,
      rtable,
      checks,
      views,
    });
  }
}

function finishOnBase<Q extends ModifyQuery>(
  ps: State,
  q: Q,
  base: RelationDesc,
  alias: string,
  s: {
    rows: Map<number, Expr>[];
    set: Map<number, Expr>;
    where: Expr | undefined;
    targetList: Q['targetList'];
    rtable: RangeTblEntry[];
    checks: ViewCheck[];
    views: { view: number; name: string }[];
  },
): Q {
  s.rtable[q.target] = {
    kind: 'relation',
    relationOid: base.oid,
    alias,
    columnNames: base.columns.map((c) => (c.dropped ? '' : c.name)),
    lockMode: 'RowExclusiveLock',
  };
  // the views stay in the range table, unreferenced, so the executor locks them
  // (RowExclusiveLock, as PostgreSQL's parser does) and a cached plan depends on them
  for (const v of s.views) {
    s.rtable.push({
      kind: 'relation',
      relationOid: v.view,
      alias: v.name,
      columnNames: [],
      lockMode: 'RowExclusiveLock',
    });
  }
  const common = {
    rtable: s.rtable,
    targetList: s.targetList,
    writtenViews: s.views.map((v) => ({ view: v.view })),
    ...(s.checks.length > 0 ? { viewChecks: s.checks } : {}),
  };
  const { where: _w, ...rest } = q;
  const withWhere = s.where === undefined ? rest : { ...rest, where: s.where };
  switch (q.command) {
    case 'insert': {
      const rows = s.rows.map((r) =>
        base.columns.map((c) => {
          const e = r.get(c.attnum);
          if (e === undefined || LOWER_DEFAULT.has(e)) return defaultFor(ps, base, c);
          givenToBase(c, 'insert');
          return e;
        }),
      );
      return { ...withWhere, ...common, rows } as unknown as Q;
    }
    case 'update': {
      const set = new Map<number, Expr>();
      for (const [k, e] of s.set) {
        const c = base.columns[k - 1]!;
        if (LOWER_DEFAULT.has(e)) set.set(k, defaultFor(ps, base, c));
        else {
          givenToBase(c, 'update');
          set.set(k, e);
        }
      }
      return { ...withWhere, ...common, set } as unknown as Q;
    }
    default:
      return { ...withWhere, ...common } as unknown as Q;
  }
}

/** rewriteTargetListIU on the base table: generated and GENERATED ALWAYS identity columns take no value. */
function givenToBase(c: ColumnDesc, cmd: 'insert' | 'update'): void {
  if (c.generated !== undefined) {
    throw new PositionedSqlError(
      '428C9',
      cmd === 'insert'
        ? `cannot insert a non-DEFAULT value into column "${c.name}"`
        : `column "${c.name}" can only be updated to DEFAULT`,
      { detail: `Column "${c.name}" is a generated column.` },
    );
  }
  if (c.identity === 'a') {
    throw new PositionedSqlError(
      '428C9',
      cmd === 'insert'
        ? `cannot insert a non-DEFAULT value into column "${c.name}"`
        : `column "${c.name}" can only be updated to DEFAULT`,
      {
        detail: `Column "${c.name}" is an identity column defined as GENERATED ALWAYS.`,
        ...(cmd === 'insert' ? { hint: 'Use OVERRIDING SYSTEM VALUE to override.' } : {}),
      },
    );
  }
}
