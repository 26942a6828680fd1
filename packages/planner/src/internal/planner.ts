/**
 * planSelect: PostgreSQL's planner in shape. subquery_planner prepares a
 * query level (WITH queries first, sub-SELECTs in WHERE pulled up into
 * semi/anti joins, every other sub-SELECT planned as a SubPlan, outer
 * Vars replaced by ExecParams), query_planner finds the cheapest paths of
 * the FROM tree (paths.ts, joins.ts), grouping_planner adds aggregation,
 * window functions, projection, DISTINCT, ORDER BY and LIMIT, choosing
 * among the join result's paths by the cost of the finished plan.
 */
import type {
  AggregateCall,
  AggSortKey,
  CommonTableExpr,
  Expr,
  SelectQuery,
  SetOperationTree,
  SubLink,
  TargetEntry,
  WindowClause,
  WindowFuncCall,
} from '@pg/sql';
import { SqlError, TypeOid } from '@pg/types';
import { aggref, Glob, Level, windowFunc } from './context.js';
import { clampRows, costIncrementalSort, costLimit, costSort, DISABLE_COST } from './costs.js';
import {
  andOf,
  BOOL,
  contains,
  exprKey,
  flattenAnd,
  hasSrf,
  isSubset,
  isVolatile,
  mapChildren,
  relidsOf,
  walk,
} from './exprs.js';
import { buildProblem, type Item, outerJoinRel, planProblem, semiJoinRel } from './joins.js';
import { mergeAppendPath, type SortedChild } from './mergeappend.js';
import { rewriteMinMax } from './minmax.js';
import {
  baseRelInfo,
  cheapestStartup,
  cheapestTotal,
  exprWidth,
  makeVarData,
  type Path,
  type PathEnv,
  pathkeysContain,
  presortedPrefix,
  qualCost,
  type RelOpt,
  relWidth,
  sortPath,
  tablePaths,
} from './paths.js';
import type { OutputColumn, PlanNode, PlannedSelect, SortKey } from './plan.js';
import { srfLevels } from './project-set.js';
import { pullUpSubqueries } from './pullup.js';
import { pushRunCondition, runConditions } from './runcondition.js';
import { clauselistSelectivity } from './selectivity.js';
import type { PlannerContext } from './settings.js';
import { estimateNumGroups } from './sizes.js';

/** Plans a SELECT (PostgreSQL's planner(): subquery_planner, grouping_planner, create_plan). */
export function planSelect(query: SelectQuery, ctx: PlannerContext): PlannedSelect {
  const pulled = pullUpSubqueries(query, inlineCte);
  let rewritten = pulled;
  let { glob, path } = planTop(pulled, ctx);
  // planagg.c: min/max through an index when its one-row InitPlans cost less than the Aggregate
  const minmax = rewriteMinMax(pulled, (oid) => ctx.relation(oid));
  if (minmax !== undefined) {
    const alt = planTop(minmax, ctx);
    const altCost =
      alt.glob.subplans.reduce((a, p) => a + p.totalCost, 0) + alt.path.plan.totalCost;
    if (altCost < path.plan.totalCost) {
      rewritten = minmax;
      glob = alt.glob;
      path = alt.path;
    }
  }
  return {
    query: rewritten,
    plan: path.plan,
    subplans: glob.subplans,
    subplanNames: glob.subplanNames,
    execParams: glob.nextParam,
    columns: outputColumns(query),
    relations: [...glob.relations].map(([oid, lockMode]) => ({ oid, lockMode })),
  };
}

function planTop(query: SelectQuery, ctx: PlannerContext): { glob: Glob; path: Path } {
  const glob = new Glob(ctx, ctx.settings);
  glob.planSubquery = (level) => planLevel(level);
  const path = planLevel(new Level(glob, query, undefined));
  return { glob, path };
}

/** The client-visible columns (non-junk target entries), as RowDescription describes them. */
export function outputColumns(query: SelectQuery): OutputColumn[] {
  return query.targetList
    .filter((t) => !t.junk)
    .map((t) => ({
      name: t.name,
      typeOid: t.expr.type,
      typmod: t.expr.typmod,
      tableOid: t.origin?.relationOid ?? 0,
      attnum: t.origin?.attnum ?? 0,
    }));
}

function newEnv(level: Level): PathEnv {
  const env: PathEnv = {
    level,
    sel: {
      registry: level.glob.ctx.registry,
      varData: (v) => makeVarData(level, env.rels, v.rt, v.attnum, v.type),
    },
    totalTablePages: 0,
    queryPathkeys: [],
    mergeExprs: new Set(),
    rels: new Map(),
  };
  return env;
}

/** The ordered target list: non-junk entries first (R4). */
function r4(tlist: readonly TargetEntry[]): TargetEntry[] {
  return [...tlist.filter((t) => !t.junk), ...tlist.filter((t) => t.junk)];
}

interface Fixed {
  tlist: TargetEntry[];
  having?: Expr;
  aggregates: AggregateCall[];
  windowFuncs: WindowFuncCall[];
  windows: WindowClause[];
  limit?: Expr;
  offset?: Expr;
}

interface SemiSpec {
  jt: 'semi' | 'anti';
  from: number[];
  quals: Expr[];
}

/** Plans one query level; the top node returns the target list (R4). */
function planLevel(level: Level): Path {
  const q = level.query;
  const glob = level.glob;
  for (const rte of level.rtable)
    if (rte.kind === 'relation') glob.noteRelation(rte.relationOid, rte.lockMode);
  const env = newEnv(level);
  levelEnvs.set(level, env);
  planCtes(level);
  if (q.setOp !== undefined) return planSetOpQuery(level, env, q.setOp);

  const { rest, semis } = pullUpSublinks(level);
  // sub-SELECTs are numbered as PostgreSQL numbers them: target list, WHERE, JOIN/ON, HAVING, ...
  let whereFixed: Expr[] = [];
  const fixed = fixLevel(level, () => {
    whereFixed = rest.map((c) => level.fix(c));
    joinQuals(level);
  });
  const where = pushDownQuals(level, whereFixed);
  // table sizes for index_pages_fetched
  for (let rt = 0; rt < level.rtable.length; rt++) {
    if (level.rtable[rt]?.kind === 'relation')
      env.totalTablePages += baseRelInfo(env, rt, []).pages;
  }
  env.queryPathkeys = queryPathkeys(q, fixed);

  let rel: RelOpt;
  if (q.from.length === 0) {
    const gating = where.filter((w) => !isVolatile(w));
    const perRow = where.filter((w) => isVolatile(w));
    const g = andOf(gating);
    const f = andOf(perRow);
    const s = glob.s;
    const node: PlanNode = {
      kind: 'result',
      output: [],
      rows: 1,
      width: 0,
      startupCost: 0,
      totalCost: s.cpuTupleCost,
      ...(g === undefined ? {} : { oneTimeFilter: g }),
      ...(f === undefined ? {} : { filter: f }),
    };
    rel = {
      relids: new Set(),
      rows: 1,
      width: 0,
      paths: [{ plan: node, pathkeys: [] }],
      unsat: [],
    };
  } else {
    // the sub-SELECTs' conditions and the FROM functions, VALUES and subqueries first: every
    // column the plan needs is known before any scan path is chosen (index-only scans)
    const semiSpecs = semis.map((semi) => {
      const subRelids = fromRelids(level, semi.from);
      const joinQuals: Expr[] = [];
      const inner: Expr[] = [];
      for (const raw of semi.quals) {
        const qf = level.fix(raw);
        (isSubset(relidsOf(qf), subRelids) && relidsOf(qf).size > 0 ? inner : joinQuals).push(qf);
      }
      return { ...semi, joinQuals, inner };
    });
    for (const rt of fromRelids(level, [...q.from, ...semis.flatMap((x) => x.from)]))
      if (level.rtable[rt]?.kind !== 'relation') prepare(env, rt);
    const problem = buildProblem(env, q.from, where);
    noteMergeExprs(env, [...where, ...semiSpecs.flatMap((x) => x.joinQuals), ...joinQuals(level)]);
    const itemRel = (it: Item): RelOpt => planItem(env, it, itemRel);
    rel = planProblem(env, problem, itemRel);
    for (const semi of semiSpecs) {
      const sub = buildProblem(env, semi.from, semi.inner);
      const innerRel = planProblem(env, sub, itemRel);
      rel = semiJoinRel(env, rel, innerRel, semi.jt, semi.joinQuals);
    }
  }
  return grouping(level, env, rel, fixed);
}

/**
 * set_subquery_pathlist's qual pushdown: a WHERE condition on one FROM
 * subquery's columns (not under an outer join) moves into the subquery,
 * its WHERE, or its HAVING when it reads an aggregate.
 */
function pushDownQuals(level: Level, where: Expr[]): Expr[] {
  const inner = new Set<number>();
  const add = (rt: number) => {
    const rte = level.rtable[rt];
    if (rte?.kind === 'join') {
      if (rte.joinType === 'inner') {
        add(rte.left);
        add(rte.right);
      }
    } else inner.add(rt);
  };
  level.query.from.forEach(add);
  return where.filter((c) => {
    const rel = relidsOf(c);
    if (rel.size !== 1) return true;
    const rt = [...rel][0]!;
    const rte = level.rtable[rt];
    if (!inner.has(rt) || rte?.kind !== 'subquery' || rte.lateral) return true;
    const Q = rte.query;
    if ((Q.windowFuncs?.length ?? 0) > 0) {
      const withRun = pushRunCondition(Q, rt, c, level.glob.ctx.registry);
      if (withRun !== undefined) {
        level.rtable[rt] = { ...rte, query: withRun.query };
        return withRun.keep;
      }
    }
    if (
      Q.setOp !== undefined ||
      Q.limit !== undefined ||
      Q.offset !== undefined ||
      (Q.windowFuncs?.length ?? 0) > 0 ||
      Array.isArray(Q.distinct) ||
      Q.groupingSets !== undefined ||
      Q.rowMarks.length > 0 ||
      isVolatile(c) ||
      contains(c, (x) => x.kind === 'execparam' || x.kind === 'subplan' || x.kind === 'sublink')
    )
      return true;
    const cols = Q.targetList.filter((t) => !t.junk).map((t) => t.expr);
    if (cols.some((e) => hasSrf(e) || isVolatile(e))) return true;
    const subst = (e: Expr): Expr => {
      if (e.kind === 'var' && !e.levelsUp && e.rt === rt) return cols[e.attnum - 1] ?? e;
      return mapChildren(e, subst);
    };
    const moved = subst(c);
    if (contains(moved, (x) => x.kind === 'sublink')) return true;
    const grouped =
      (Q.aggregates?.length ?? 0) > 0 || Q.group !== undefined || Q.having !== undefined;
    const toHaving = grouped && contains(moved, (x) => x.kind === 'aggref');
    const both = (a: Expr | undefined) => (a === undefined ? moved : andOf([a, moved])!);
    level.rtable[rt] = {
      ...rte,
      query: toHaving ? { ...Q, having: both(Q.having) } : { ...Q, where: both(Q.where) },
    };
    return false;
  });
}

/** The two sides of every `a = b` between different relations (pathkeys useful for merging). */
function noteMergeExprs(env: PathEnv, quals: readonly Expr[]): void {
  for (const q of quals) {
    if (q.kind !== 'op' || q.op.name !== '=' || q.args.length !== 2 || q.op.left !== q.op.right)
      continue;
    const [l, r] = q.args as readonly [Expr, Expr];
    const lr = relidsOf(l);
    const rr = relidsOf(r);
    if (lr.size === 0 || rr.size === 0 || [...lr].some((x) => rr.has(x))) continue;
    env.mergeExprs.add(exprKey(l));
    env.mergeExprs.add(exprKey(r));
  }
}

/** The ON conditions of the level's JoinRtes, as fixed (for noteMergeExprs). */
function joinQuals(level: Level): Expr[] {
  const out: Expr[] = [];
  for (const rte of level.rtable)
    if (rte.kind === 'join' && rte.quals !== undefined)
      out.push(...flattenAnd(level.fix(rte.quals)));
  return out;
}

/** Fixes the level's expressions in PostgreSQL's order (sub-plans are numbered as they are planned). */
function fixLevel(level: Level, quals: () => void = () => {}): Fixed {
  const q = level.query;
  const tlist = q.targetList.map((te) => ({ ...te, expr: level.fix(te.expr) }));
  const fixKey = (k: AggSortKey): AggSortKey => ({ ...k, expr: level.fix(k.expr) });
  const fixAgg = (a: AggregateCall): AggregateCall => ({
    ...a,
    args: a.args.map((x) => level.fix(x)),
    ...(a.filter === undefined ? {} : { filter: level.fix(a.filter) }),
    ...(a.order === undefined ? {} : { order: a.order.map(fixKey) }),
  });
  const out: Fixed = {
    tlist,
    aggregates: (q.aggregates ?? []).map(fixAgg),
    windowFuncs: [],
    windows: [],
  };
  quals();
  if (q.having !== undefined) out.having = level.fix(q.having);
  out.windows = (q.windows ?? []).map((w) => ({
    ...w,
    partition: w.partition.map((e) => level.fix(e)),
    order: w.order.map(fixKey),
    frame: {
      ...w.frame,
      start: fixBound(level, w.frame.start),
      end: fixBound(level, w.frame.end),
    },
  }));
  out.windowFuncs = (q.windowFuncs ?? []).map((f) => ({
    ...f,
    args: f.args.map((x) => level.fix(x)),
    ...(f.aggregate === undefined ? {} : { aggregate: fixAgg(f.aggregate) }),
    ...(f.filter === undefined ? {} : { filter: level.fix(f.filter) }),
  }));
  if (q.limit !== undefined) out.limit = level.fix(q.limit);
  if (q.offset !== undefined) out.offset = level.fix(q.offset);
  return regroup(q, out);
}

/**
 * GroupingFunc.refs from targetList indexes to indexes into the Agg's
 * groupExprs (the distinct GROUP BY expressions, in GROUP BY order), as
 * the executor reads them (setrefs.c's set_group_vars / GroupingFunc.cols).
 */
function regroup(q: SelectQuery, f: Fixed): Fixed {
  if ((q.group?.length ?? 0) === 0) return f;
  const groupPos = new Map<string, number>();
  for (const i of q.group ?? []) {
    const k = exprKey(f.tlist[i]!.expr);
    if (!groupPos.has(k)) groupPos.set(k, groupPos.size);
  }
  const fix = (e: Expr): Expr => {
    if (e.kind === 'groupingfunc') {
      return {
        ...e,
        refs: e.refs.map((i) => {
          const t = f.tlist[i];
          return t === undefined ? i : (groupPos.get(exprKey(t.expr)) ?? i);
        }),
      };
    }
    return mapChildren(e, fix);
  };
  const fixKey = (k: AggSortKey): AggSortKey => ({ ...k, expr: fix(k.expr) });
  return {
    ...f,
    tlist: f.tlist.map((t) => ({ ...t, expr: fix(t.expr) })),
    ...(f.having === undefined ? {} : { having: fix(f.having) }),
    windows: f.windows.map((w) => ({
      ...w,
      partition: w.partition.map(fix),
      order: w.order.map(fixKey),
    })),
    windowFuncs: f.windowFuncs.map((w) => ({
      ...w,
      args: w.args.map(fix),
      ...(w.filter === undefined ? {} : { filter: fix(w.filter) }),
    })),
  };
}

function fixBound(level: Level, b: WindowClause['frame']['start']): WindowClause['frame']['start'] {
  return b.offset === undefined ? b : { ...b, offset: level.fix(b.offset) };
}

/** The order the level's upper steps want first (query_pathkeys). */
function queryPathkeys(q: SelectQuery, f: Fixed): SortKey[] {
  if (q.group !== undefined && q.group.length > 0) return groupSortKeys(q, f);
  if (q.aggregates !== undefined && q.aggregates.length > 0) return [];
  const w = f.windows[0];
  if (w !== undefined && (q.windowFuncs ?? []).length > 0) return windowKeys(w);
  return q.sort.map((sc) => ({
    expr: f.tlist[sc.index]!.expr,
    descending: sc.descending,
    nullsFirst: sc.nullsFirst,
  }));
}

function windowKeys(w: WindowClause): SortKey[] {
  return [
    ...w.partition.map((e) => ({ expr: e, descending: false, nullsFirst: false })),
    ...w.order,
  ];
}

/** GROUP BY's sort order: ORDER BY's keys first when they are all group keys (preprocess_groupclause). */
function groupSortKeys(q: SelectQuery, f: Fixed): SortKey[] {
  const group = q.group ?? [];
  const keys: SortKey[] = [];
  const seen = new Set<string>();
  const push = (k: SortKey) => {
    const key = exprKey(k.expr);
    if (seen.has(key)) return;
    seen.add(key);
    keys.push(k);
  };
  if (q.sort.length > 0 && q.sort.every((sc) => group.includes(sc.index))) {
    for (const sc of q.sort)
      push({ expr: f.tlist[sc.index]!.expr, descending: sc.descending, nullsFirst: sc.nullsFirst });
  }
  for (const i of group) push({ expr: f.tlist[i]!.expr, descending: false, nullsFirst: false });
  return keys;
}

// ---------------------------------------------------------------- sub-SELECTs in WHERE

/** pull_up_sublinks: EXISTS / NOT EXISTS / IN conjuncts of WHERE that can become semi and anti joins. */
function pullUpSublinks(level: Level): { rest: Expr[]; semis: SemiSpec[] } {
  const rest: Expr[] = [];
  const semis: SemiSpec[] = [];
  for (const c of flattenAnd(level.query.where)) {
    if (level.query.from.length === 0) {
      rest.push(c);
      continue;
    }
    let sl: SubLink | undefined;
    let jt: 'semi' | 'anti' = 'semi';
    if (c.kind === 'sublink' && (c.linkType === 'exists' || (c.linkType === 'any' && c.testExpr)))
      sl = c;
    else if (
      c.kind === 'bool' &&
      c.op === 'not' &&
      c.args[0]?.kind === 'sublink' &&
      c.args[0].linkType === 'exists'
    ) {
      sl = c.args[0];
      jt = 'anti';
    }
    if (sl === undefined || !simpleSubquery(sl)) {
      rest.push(c);
      continue;
    }
    const Q = sl.query;
    const off = level.rtable.length;
    const ren = (e: Expr): Expr => renumber(e, off);
    for (const rte of Q.rtable) {
      switch (rte.kind) {
        case 'join':
          level.rtable.push({
            ...rte,
            left: rte.left + off,
            right: rte.right + off,
            ...(rte.quals === undefined ? {} : { quals: ren(rte.quals) }),
            columns: rte.columns.map(ren),
          });
          break;
        case 'function': {
          const call = ren(rte.call);
          level.rtable.push({ ...rte, call: call.kind === 'func' ? call : rte.call });
          break;
        }
        case 'values':
          level.rtable.push({ ...rte, rows: rte.rows.map((r) => r.map(ren)) });
          break;
        default:
          level.rtable.push(rte);
      }
      if (rte.kind === 'relation') level.glob.noteRelation(rte.relationOid, rte.lockMode);
    }
    const quals = flattenAnd(Q.where === undefined ? undefined : ren(Q.where));
    if (sl.linkType === 'any' && sl.testExpr !== undefined) {
      const cols = Q.targetList.filter((t) => !t.junk).map((t) => ren(t.expr));
      const subst = (e: Expr): Expr => {
        if (e.kind === 'sublinkparam') return cols[e.column - 1] ?? e;
        return mapChildren(e, subst);
      };
      quals.push(...flattenAnd(subst(sl.testExpr)));
    }
    semis.push({ jt, from: Q.from.map((r) => r + off), quals });
  }
  return { rest, semis };
}

/** A sub-SELECT simple enough to become a semi/anti join (and correlated, for EXISTS; uncorrelated, for IN). */
function simpleSubquery(sl: SubLink): boolean {
  const Q = sl.query;
  if (
    Q.setOp !== undefined ||
    (Q.aggregates?.length ?? 0) > 0 ||
    Q.group !== undefined ||
    Q.groupingSets !== undefined ||
    Q.having !== undefined ||
    (Q.windowFuncs?.length ?? 0) > 0 ||
    Q.limit !== undefined ||
    Q.offset !== undefined ||
    (Q.ctes?.length ?? 0) > 0 ||
    Q.rowMarks.length > 0 ||
    Q.from.length === 0
  )
    return false;
  // tables and joins only (a sub-SELECT pulled up into Q leaves its emptied entry behind, unused)
  const used = new Set<number>();
  const use = (rt: number): void => {
    used.add(rt);
    const r = Q.rtable[rt];
    if (r?.kind === 'join') {
      use(r.left);
      use(r.right);
    }
  };
  Q.from.forEach(use);
  if (!Q.rtable.every((r, i) => r.kind === 'relation' || r.kind === 'join' || !used.has(i)))
    return false;
  const exprs: Expr[] = [...Q.targetList.map((t) => t.expr)];
  if (Q.where !== undefined) exprs.push(Q.where);
  for (const r of Q.rtable) if (r.kind === 'join' && r.quals !== undefined) exprs.push(r.quals);
  let outerRefs = false;
  let ok = true;
  for (const e of exprs) {
    walk(e, (x) => {
      if (x.kind === 'sublink' || x.kind === 'aggref' || x.kind === 'windowfunc') ok = false;
      if (x.kind === 'var' && (x.levelsUp ?? 0) > 1) ok = false;
      if (x.kind === 'var' && x.levelsUp === 1) outerRefs = true;
      return ok;
    });
  }
  if (!ok) return false;
  if (sl.linkType === 'exists') return outerRefs;
  // x IN (SELECT ...): the sub-SELECT must not refer to this query
  return (
    !outerRefs && sl.testExpr !== undefined && !contains(sl.testExpr, (x) => x.kind === 'sublink')
  );
}

/** Moves a pulled-up sub-SELECT's expression to this level: its Vars shift by `off`, outer Vars come down a level. */
function renumber(e: Expr, off: number): Expr {
  if (e.kind === 'var') {
    const lu = e.levelsUp ?? 0;
    if (lu === 0)
      return { kind: 'var', rt: e.rt + off, attnum: e.attnum, type: e.type, typmod: e.typmod };
    if (lu === 1)
      return { kind: 'var', rt: e.rt, attnum: e.attnum, type: e.type, typmod: e.typmod };
    return { ...e, levelsUp: lu - 1 };
  }
  return mapChildren(e, (c) => renumber(c, off));
}

// ---------------------------------------------------------------- FROM items

/** The base entries under FROM items (through JoinRtes). */
function fromRelids(level: Level, from: readonly number[]): Set<number> {
  const out = new Set<number>();
  const add = (rt: number) => {
    const rte = level.rtable[rt];
    if (rte?.kind === 'join') {
      add(rte.left);
      add(rte.right);
    } else out.add(rt);
  };
  from.forEach(add);
  return out;
}

type Prepared =
  | { kind: 'subquery'; sub: Path; need: RelOpt['unsat'] }
  | { kind: 'exprs'; exprs: Expr[]; need: RelOpt['unsat'] };

const preparedItems = new WeakMap<PathEnv, Map<number, Prepared>>();

/** Plans a FROM subquery (or inlined WITH query), or fixes a FROM function's / VALUES' expressions, once. */
function prepare(env: PathEnv, rt: number): Prepared {
  let cache = preparedItems.get(env);
  if (cache === undefined) {
    cache = new Map();
    preparedItems.set(env, cache);
  }
  const hit = cache.get(rt);
  if (hit !== undefined) return hit;
  const level = env.level;
  const glob = level.glob;
  const rte = level.rtable[rt];
  let out: Prepared;
  switch (rte?.kind) {
    case 'subquery': {
      const saved = level.pending;
      level.pending = [];
      const sub = planLevel(new Level(glob, rte.query, level));
      const registered = level.pending;
      level.pending = saved;
      out = { kind: 'subquery', sub, need: lateralNeed(rt, registered) };
      break;
    }
    case 'function': {
      const r = lateralize(level, rt, [level.fix(rte.call)]);
      out = { kind: 'exprs', exprs: r.exprs, need: r.need };
      break;
    }
    case 'values': {
      const r = lateralize(
        level,
        rt,
        rte.rows.flatMap((row) => row.map((e) => level.fix(e))),
      );
      out = { kind: 'exprs', exprs: r.exprs, need: r.need };
      break;
    }
    case 'cte': {
      const owner = up(level, rte.levelsUp);
      const cte = owner.query.ctes?.[rte.index];
      if (cte !== undefined && !rte.self && inlineCte(cte)) {
        const sub = planLevel(new Level(glob, cte.query, owner));
        out = { kind: 'subquery', sub, need: [] };
      } else out = { kind: 'exprs', exprs: [], need: [] };
      break;
    }
    default:
      out = { kind: 'exprs', exprs: [], need: [] };
  }
  cache.set(rt, out);
  return out;
}

/**
 * A table's conditions in PostgreSQL's order: `x = constant` and `x = y`
 * equalities become equivalence classes, whose clauses are generated again
 * after every other condition was distributed
 * (generate_base_implied_equalities), so they come last.
 */
function equivalencesLast(quals: readonly Expr[]): Expr[] {
  const isEc = (q: Expr): boolean =>
    q.kind === 'op' &&
    q.op.name === '=' &&
    q.args.length === 2 &&
    q.op.result === BOOL &&
    !isVolatile(q) &&
    !contains(q, (x) => x.kind === 'sublink' || x.kind === 'subplan') &&
    q.args.some((a) => relidsOf(a).size > 0);
  return [...quals.filter((q) => !isEc(q)), ...quals.filter(isEc)];
}

/** order_qual_clauses: cheaper conditions first (a stable sort by per-row cost). */
function orderQuals(env: PathEnv, quals: readonly Expr[]): Expr[] {
  const cost = new Map(quals.map((q) => [q, qualCost(env, [q]).perTuple]));
  return [...quals].sort((a, b) => (cost.get(a) ?? 0) - (cost.get(b) ?? 0));
}

function planItem(env: PathEnv, it: Item, itemRel: (it: Item) => RelOpt): RelOpt {
  if (it.kind === 'outer') {
    const left = planProblem(env, it.left, itemRel);
    const right = planProblem(env, it.right, itemRel);
    return outerJoinRel(env, left, right, it.joinType, it.on, it.top, it.flipped);
  }
  const level = env.level;
  const glob = level.glob;
  const s = glob.s;
  const rt = it.rt;
  const rte = level.rtable[rt];
  if (rte === undefined) throw new SqlError('XX000', `no range-table entry ${rt}`);
  const restrict = orderQuals(env, equivalencesLast(it.restrict));
  if (rte.kind === 'relation') return tablePaths(env, baseRelInfo(env, rt, restrict));
  const output = level.scanOutput(rt);
  const width = relWidth(env, rt);
  const filter = andOf(restrict);
  const qc = qualCost(env, restrict);
  const withFilter = filter === undefined ? {} : { filter };
  const finish = (node: PlanNode, tuples: number, unsat: RelOpt['unsat']): RelOpt => {
    env.rels.set(rt, { tuples, rows: node.rows });
    return {
      relids: new Set([rt]),
      rows: node.rows,
      width,
      paths: [{ plan: node, pathkeys: [] }],
      unsat,
    };
  };
  const rowsAfter = (tuples: number) => {
    env.rels.set(rt, { tuples, rows: tuples });
    return clampRows(tuples * clauselistSelectivity(env.sel, it.restrict));
  };
  switch (rte.kind) {
    case 'subquery': {
      const prep = prepare(env, rt);
      if (prep.kind !== 'subquery') throw new SqlError('XX000', 'subquery not planned');
      const sub = prep.sub;
      const rows = rowsAfter(sub.plan.rows);
      const startup = sub.plan.startupCost + qc.startup;
      const node: PlanNode = {
        kind: 'subqueryscan',
        rt,
        alias: rte.alias,
        input: sub.plan,
        output,
        rows,
        width,
        startupCost: startup,
        totalCost: sub.plan.totalCost + qc.startup + (s.cpuTupleCost + qc.perTuple) * sub.plan.rows,
        ...withFilter,
      };
      return finish(node, sub.plan.rows, prep.need);
    }
    case 'function': {
      const prep = prepare(env, rt);
      if (prep.kind !== 'exprs') throw new SqlError('XX000', 'function not prepared');
      const { exprs, need } = prep;
      const call = exprs[0]!;
      const tuples = srfRows(call);
      const rows = rowsAfter(tuples);
      const fc = qualCost(env, [call]);
      const startup = fc.startup + fc.perTuple + qc.startup;
      const ordinality = rte.ordinality ?? (rte.columnNames.length === 2 && rte.call.type !== 2249);
      const node: PlanNode = {
        kind: 'functionscan',
        rt,
        call,
        alias: rte.alias,
        output,
        rows,
        width,
        startupCost: startup,
        totalCost: startup + (s.cpuTupleCost + qc.perTuple) * tuples,
        ...(ordinality ? { ordinality } : {}),
        ...withFilter,
      };
      return finish(node, tuples, need);
    }
    case 'values': {
      const prep = prepare(env, rt);
      if (prep.kind !== 'exprs') throw new SqlError('XX000', 'VALUES not prepared');
      const { exprs, need } = prep;
      const n = rte.columnTypes.length;
      const values: Expr[][] = [];
      for (let i = 0; i < rte.rows.length; i++) values.push(exprs.slice(i * n, i * n + n));
      const tuples = rte.rows.length;
      const rows = rowsAfter(tuples);
      const node: PlanNode = {
        kind: 'valuesscan',
        rt,
        values,
        output,
        rows,
        width,
        startupCost: qc.startup,
        totalCost: qc.startup + (s.cpuOperatorCost + s.cpuTupleCost + qc.perTuple) * tuples,
        ...withFilter,
      };
      return finish(node, tuples, need);
    }
    case 'cte': {
      const owner = up(level, rte.levelsUp);
      const cte = owner.query.ctes?.[rte.index];
      if (cte === undefined) throw new SqlError('XX000', `no WITH query ${rte.name}`);
      if (rte.self) {
        const wt = owner.worktables.get(rte.index);
        if (wt === undefined)
          throw new SqlError('XX000', `recursive reference to ${rte.name} outside its query`);
        const tuples = 10 * (owner.wtRows.get(rte.index) ?? 1);
        const rows = rowsAfter(tuples);
        const node: PlanNode = {
          kind: 'worktablescan',
          rt,
          cteName: rte.name,
          alias: rte.alias,
          worktable: wt,
          output,
          rows,
          width,
          startupCost: qc.startup,
          totalCost: qc.startup + (s.cpuTupleCost + qc.perTuple) * tuples,
          ...withFilter,
        };
        return finish(node, tuples, []);
      }
      const prep = prepare(env, rt);
      if (prep.kind === 'subquery') {
        const sub = prep.sub;
        const rows = rowsAfter(sub.plan.rows);
        const node: PlanNode = {
          kind: 'subqueryscan',
          rt,
          alias: rte.alias,
          input: sub.plan,
          output,
          rows,
          width,
          startupCost: sub.plan.startupCost + qc.startup,
          totalCost:
            sub.plan.totalCost + qc.startup + (s.cpuTupleCost + qc.perTuple) * sub.plan.rows,
          ...withFilter,
        };
        return finish(node, sub.plan.rows, []);
      }
      const plan = cteSubplan(owner, rte.index);
      const tuples = glob.subplans[plan]?.rows ?? 1000;
      const rows = rowsAfter(tuples);
      const node: PlanNode = {
        kind: 'ctescan',
        rt,
        cteName: rte.name,
        alias: rte.alias,
        plan,
        output,
        rows,
        width,
        startupCost: qc.startup,
        totalCost: qc.startup + (s.cpuTupleCost + qc.perTuple) * tuples,
        ...withFilter,
      };
      return finish(node, tuples, []);
    }
    default:
      throw new SqlError('XX000', `unexpected ${rte.kind} range-table entry in FROM`);
  }
}

function lateralNeed(rt: number, registered: Level['pending']): RelOpt['unsat'] {
  if (registered.length === 0) return [];
  const needs = new Set<number>();
  for (const r of registered) if (r.value.kind === 'var') needs.add(r.value.rt);
  return [{ rt, needs, params: registered.map((r) => ({ id: r.id, value: r.value })) }];
}

/** This level's Vars in a FROM function's or VALUES' expressions (LATERAL) → ExecParams a nested loop sets. */
function lateralize(
  level: Level,
  rt: number,
  exprs: readonly Expr[],
): { exprs: Expr[]; need: RelOpt['unsat'] } {
  const params = new Map<string, { id: number; value: Expr; rt: number }>();
  const sub = (e: Expr): Expr => {
    if (e.kind === 'var' && !e.levelsUp) {
      const key = exprKey(e);
      let p = params.get(key);
      if (p === undefined) {
        p = { id: level.glob.param(), value: e, rt: e.rt };
        params.set(key, p);
      }
      return { kind: 'execparam', id: p.id, type: e.type, typmod: e.typmod };
    }
    return mapChildren(e, sub);
  };
  const out = exprs.map(sub);
  if (params.size === 0) return { exprs: out, need: [] };
  const ps = [...params.values()];
  return {
    exprs: out,
    need: [
      {
        rt,
        needs: new Set(ps.map((p) => p.rt)),
        params: ps.map((p) => ({ id: p.id, value: p.value })),
      },
    ],
  };
}

/** Rows of a set-returning function: generate_series over constants exactly, unnest by its array, else 1000 (prorows). */
function srfRows(call: Expr): number {
  if (call.kind !== 'func') return 1000;
  const name = call.fn.name;
  const num = (e: Expr | undefined) =>
    e?.kind === 'const' && (typeof e.value === 'number' || typeof e.value === 'bigint')
      ? Number(e.value)
      : undefined;
  if (name === 'generate_series') {
    const [a, b, c] = call.args.map(num);
    if (a !== undefined && b !== undefined && (call.args.length === 2 || c !== undefined)) {
      const step = c ?? 1;
      if (step === 0) return 1000;
      return Math.max(1, Math.floor((b - a) / step) + 1);
    }
    return 1000;
  }
  if (name === 'unnest') {
    const a = call.args[0];
    if (a?.kind === 'array') return Math.max(1, a.elements.length);
    return 10;
  }
  return call.fn.retset ? 1000 : 1;
}

function up(level: Level, n: number): Level {
  let l: Level | undefined = level;
  for (let i = 0; i < n; i++) l = l?.parent;
  if (l === undefined) throw new SqlError('XX000', 'WITH query of a level that does not exist');
  return l;
}

/** PostgreSQL 12+ inlines a non-recursive WITH query referenced once (or NOT MATERIALIZED) without volatile functions. */
function inlineCte(cte: CommonTableExpr): boolean {
  if (cte.recursive || cte.materialized === 'always') return false;
  if (cte.materialized === 'default' && cte.refCount !== 1) return false;
  const q = cte.query;
  const exprs = [...q.targetList.map((t) => t.expr), ...(q.where === undefined ? [] : [q.where])];
  return !exprs.some(isVolatile);
}

/** Plans the level's WITH queries that are not inlined (SS_process_ctes), in order. */
function planCtes(level: Level): void {
  const ctes = level.query.ctes ?? [];
  ctes.forEach((cte, index) => {
    if (inlineCte(cte) || cte.refCount === 0) return;
    cteSubplan(level, index);
  });
}

function cteSubplan(owner: Level, index: number): number {
  const done = owner.cteSubplans.get(index);
  if (done !== undefined) return done;
  const cte = owner.query.ctes?.[index];
  if (cte === undefined) throw new SqlError('XX000', 'no such WITH query');
  const glob = owner.glob;
  const saved = owner.pending;
  owner.pending = [];
  const child = new Level(glob, cte.query, owner);
  let path: Path;
  if (cte.recursive && cte.query.setOp?.kind === 'setop') {
    path = planRecursive(owner, index, child, cte);
  } else {
    path = planLevel(child);
  }
  if (owner.pending.length > 0)
    throw new SqlError(
      '0A000',
      'a WITH query referring to an outer query level is not supported yet',
    );
  owner.pending = saved;
  const plan = glob.addSubplan(path.plan, () => `CTE ${cte.name}`);
  owner.cteSubplans.set(index, plan);
  return plan;
}

/** WITH RECURSIVE: RecursiveUnion of the non-recursive term and the recursive one reading the work table. */
function planRecursive(owner: Level, index: number, child: Level, cte: CommonTableExpr): Path {
  const q = cte.query;
  const so = q.setOp;
  if (so === undefined || so.kind !== 'setop' || so.op !== 'union')
    throw new SqlError('XX000', 'recursive query is not a UNION');
  const glob = owner.glob;
  for (const rte of child.rtable)
    if (rte.kind === 'relation') glob.noteRelation(rte.relationOid, rte.lockMode);
  const env = newEnv(child);
  const tlist = q.targetList.map((te) => ({ ...te, expr: child.fix(te.expr) }));
  const nonRec = planSetOpTree(child, env, so.left, true);
  const wt = glob.param();
  owner.worktables.set(index, wt);
  owner.wtRows.set(index, nonRec.plan.rows);
  const rec = planSetOpTree(child, env, so.right, true);
  owner.worktables.delete(index);
  const node: PlanNode = {
    kind: 'recursiveunion',
    nonRecursive: nonRec.plan,
    recursive: rec.plan,
    all: so.all,
    worktable: wt,
    output: nonRec.label,
    rows: clampRows(nonRec.plan.rows + 10 * rec.plan.rows),
    width: nonRec.plan.width,
    startupCost: nonRec.startupCost,
    totalCost: nonRec.totalCost + 10 * rec.totalCost,
  };
  const f: Fixed = { tlist, aggregates: [], windowFuncs: [], windows: [] };
  if (q.limit !== undefined) f.limit = child.fix(q.limit);
  if (q.offset !== undefined) f.offset = child.fix(q.offset);
  return finishSetOp(child, env, { plan: node, pathkeys: [] }, f);
}

// ---------------------------------------------------------------- set operations

function planSetOpQuery(level: Level, env: PathEnv, tree: SetOperationTree): Path {
  const q = level.query;
  const tlist = q.targetList.map((te) => ({ ...te, expr: level.fix(te.expr) }));
  const f: Fixed = { tlist, aggregates: [], windowFuncs: [], windows: [] };
  if (q.limit !== undefined) f.limit = level.fix(q.limit);
  if (q.offset !== undefined) f.offset = level.fix(q.offset);
  const p = planSetOpTree(level, env, tree);
  const plain = finishSetOp(level, env, p, f);
  const merged = mergeAppendOver(level, env, tree, p, f);
  if (merged === undefined) return plain;
  const m = finishSetOp(level, env, merged, f);
  return m.plan.totalCost < plain.plan.totalCost ? m : plain;
}

/**
 * generate_orderedappend_paths for a UNION ALL under an ORDER BY: each
 * child sorted on the ORDER BY's columns — a simple leaf planned again
 * with that ORDER BY (an index scan where one is cheaper; under a LIMIT,
 * for the first rows), a leaf whose own ORDER BY matches as it is, any
 * other child with a Sort — merged by a MergeAppend. Undefined when the
 * query is not a UNION ALL ordered by output columns.
 */
function mergeAppendOver(
  level: Level,
  env: PathEnv,
  tree: SetOperationTree,
  p: SetOpInput,
  f: Fixed,
): Path | undefined {
  const q = level.query;
  const glob = level.glob;
  const s = glob.s;
  // PostgreSQL 15 was seen to merge only under a LIMIT (without one it sorts the Append)
  if (q.sort.length === 0 || p.plan.kind !== 'append' || f.limit === undefined) return undefined;
  if (tree.kind !== 'setop' || tree.op !== 'union' || !tree.all) return undefined;
  const leaves: SetOperationTree[] = [];
  const collect = (t: SetOperationTree) => {
    if (t.kind === 'setop' && t.op === 'union' && t.all) {
      collect(t.left);
      collect(t.right);
    } else leaves.push(t);
  };
  collect(tree);
  const children = p.plan.children;
  if (leaves.length !== children.length) return undefined;
  const labelKeys = p.label.map((e) => exprKey(e));
  const cols: { pos: number; descending: boolean; nullsFirst: boolean }[] = [];
  for (const sc of q.sort) {
    const pos = labelKeys.indexOf(exprKey(f.tlist[sc.index]!.expr));
    if (pos < 0) return undefined;
    cols.push({ pos, descending: sc.descending, nullsFirst: sc.nullsFirst });
  }
  const limit = limitEstimate(f, p.plan.rows).tuples;
  const keysOver = (out: readonly Expr[]): SortKey[] =>
    cols.map((c) => ({ expr: out[c.pos]!, descending: c.descending, nullsFirst: c.nullsFirst }));
  // generate_orderedappend_paths: only an order some child delivers without a Sort
  let natural = false;
  const sorted: SortedChild[] = leaves.map((leaf, i) => {
    const child = children[i]!;
    const again = leaf.kind === 'leaf' ? sortedLeaf(level, leaf.rt, child, cols, limit) : undefined;
    if (again !== undefined) {
      const top = again.plan.kind === 'subqueryscan' ? again.plan.input : again.plan;
      if (top.kind !== 'sort' && top.kind !== 'incrementalsort') natural = true;
      return again;
    }
    const plan = sortPath(env, { plan: child, pathkeys: [] }, keysOver(child.output), limit).plan;
    const extra = plan === child ? 0 : plan.totalCost - child.totalCost;
    return {
      plan,
      startupCost: plan.startupCost,
      totalCost: child.totalCost + extra + s.cpuTupleCost * child.rows,
    };
  });
  if (!natural) return undefined;
  const pathkeys = q.sort.map((sc) => ({
    expr: f.tlist[sc.index]!.expr,
    descending: sc.descending,
    nullsFirst: sc.nullsFirst,
  }));
  // the Sort Key is shown (and evaluated, positionally) over the first child's columns
  return mergeAppendPath(s, sorted, p.label, keysOver(sorted[0]!.plan.output), pathkeys);
}

/**
 * A UNION ALL leaf planned with the ORDER BY on its output columns `cols`
 * (and, under a LIMIT of `limit` rows, costed for those rows): its sub-SELECT
 * must have no ORDER BY, LIMIT or sub-SELECTs of its own, else undefined.
 * A leaf whose own ORDER BY starts with `cols` is its plan as it is.
 */
function sortedLeaf(
  level: Level,
  rt: number,
  child: PlanNode,
  cols: readonly { pos: number; descending: boolean; nullsFirst: boolean }[],
  limit: number | undefined,
): SortedChild | undefined {
  const glob = level.glob;
  const rte = level.rtable[rt];
  if (rte?.kind !== 'subquery') return undefined;
  const q = rte.query;
  const visible: number[] = [];
  q.targetList.forEach((te, i) => {
    if (!te.junk) visible.push(i);
  });
  const sort = cols.map((c) => ({
    index: visible[c.pos]!,
    descending: c.descending,
    nullsFirst: c.nullsFirst,
  }));
  // the leaf's own ORDER BY already gives the order: its plan (planned by planSetOpTree) stays
  if (
    q.setOp === undefined &&
    q.sort.length >= sort.length &&
    sort.every((k, i) => {
      const o = q.sort[i]!;
      return o.index === k.index && o.descending === k.descending && o.nullsFirst === k.nullsFirst;
    })
  ) {
    const extra = child.kind === 'subqueryscan' ? 0 : level.glob.s.cpuTupleCost * child.rows;
    return { plan: child, startupCost: child.startupCost, totalCost: child.totalCost + extra };
  }
  if (q.setOp !== undefined || q.limit !== undefined || q.offset !== undefined) return undefined;
  if (q.rowMarks.length > 0 || q.distinct !== undefined || q.sort.length > 0) return undefined;
  const subplans = glob.subplans.length;
  const sub = planLevel(
    new Level(
      glob,
      {
        ...q,
        sort,
        ...(limit === undefined
          ? {}
          : {
              limit: {
                kind: 'const',
                value: BigInt(Math.ceil(limit)),
                type: TypeOid.int8,
                typmod: -1,
              },
            }),
      },
      level,
    ),
  );
  if (glob.subplans.length !== subplans) {
    // a sub-SELECT was planned again: drop the copies and keep the plain child
    glob.subplans.length = subplans;
    glob.subplanNames.length = subplans;
    return undefined;
  }
  const top = limit !== undefined && sub.plan.kind === 'limit' ? sub.plan.input : sub.plan;
  const output = level.scanOutput(rt);
  const startupCost = top.startupCost;
  const totalCost = top.totalCost + glob.s.cpuTupleCost * top.rows;
  if (trivialSubqueryScan(top, output)) return { plan: top, startupCost, totalCost };
  return {
    plan: {
      kind: 'subqueryscan',
      rt,
      alias: rte.alias,
      input: top,
      output,
      rows: top.rows,
      width: top.width,
      startupCost,
      totalCost,
    },
    startupCost,
    totalCost,
  };
}

function finishSetOp(level: Level, env: PathEnv, p0: Path, f: Fixed): Path {
  const q = level.query;
  let p = project(
    env,
    p0,
    r4(f.tlist).map((t) => t.expr),
  );
  const keys = q.sort.map((sc) => ({
    expr: f.tlist[sc.index]!.expr,
    descending: sc.descending,
    nullsFirst: sc.nullsFirst,
  }));
  const lim = limitEstimate(f, p.plan.rows);
  if (keys.length > 0) p = orderBy(env, p, keys, lim.tuples);
  return applyLimit(level, p, f);
}

/**
 * A set operation's input: `plan`, and what its rows are in the parent's
 * terms (`label`, the leftmost leaf's columns) with PostgreSQL's path costs.
 * A trivial SubqueryScan over a leaf (its columns exactly the leaf query's,
 * same types) is left out of the plan, as setrefs.c's
 * trivial_subqueryscan does; its cost stays in the estimates above it.
 */
interface SetOpInput extends Path {
  readonly label: readonly Expr[];
  readonly startupCost: number;
  readonly totalCost: number;
  /** The estimated number of distinct rows (recurse_set_operations' pNumGroups). */
  readonly groups?: number;
}

/** Each planned level's path environment, for estimates over a set operation leaf's columns. */
const levelEnvs = new WeakMap<Level, PathEnv>();

/** A leaf's distinct rows: its row count when grouped, aggregated or DISTINCT, else estimate_num_groups. */
function leafGroups(child: Level, rows: number): number {
  const q = child.query;
  const cenv = levelEnvs.get(child);
  if (
    cenv === undefined ||
    q.setOp !== undefined ||
    q.group !== undefined ||
    q.groupingSets !== undefined ||
    q.distinct !== undefined ||
    q.having !== undefined ||
    (q.aggregates?.length ?? 0) > 0
  )
    return rows;
  const exprs = q.targetList.filter((t) => !t.junk).map((t) => t.expr);
  return estimateNumGroups(exprs, rows, (rt, a) =>
    cenv.sel.varData({ kind: 'var', rt, attnum: a, type: 0, typmod: -1 }),
  );
}

function setOpInput(p: Path): SetOpInput {
  return {
    ...p,
    label: p.plan.output,
    startupCost: p.plan.startupCost,
    totalCost: p.plan.totalCost,
  };
}

/** setrefs.c's trivial_subqueryscan: the scan's columns are the subplan's, one for one. */
function trivialSubqueryScan(sub: PlanNode, output: readonly Expr[]): boolean {
  if (sub.output.length !== output.length) return false;
  return output.every((e, i) => {
    const c = sub.output[i]!;
    return c.type === e.type && c.typmod === e.typmod;
  });
}

function planSetOpTree(
  level: Level,
  env: PathEnv,
  tree: SetOperationTree,
  dropTrivial = false,
): SetOpInput {
  const glob = level.glob;
  const s = glob.s;
  if (tree.kind === 'leaf') {
    const rte = level.rtable[tree.rt];
    if (rte?.kind !== 'subquery')
      throw new SqlError('XX000', 'set operation leaf is not a subquery');
    const child = new Level(glob, rte.query, level);
    const sub = planLevel(child);
    const output = level.scanOutput(tree.rt);
    const startupCost = sub.plan.startupCost;
    const totalCost = sub.plan.totalCost + s.cpuTupleCost * sub.plan.rows;
    const groups = leafGroups(child, sub.plan.rows);
    if (dropTrivial && trivialSubqueryScan(sub.plan, output))
      return { plan: sub.plan, pathkeys: [], label: output, startupCost, totalCost, groups };
    const scan = setOpInput({
      plan: {
        kind: 'subqueryscan',
        rt: tree.rt,
        alias: rte.alias,
        input: sub.plan,
        output,
        rows: sub.plan.rows,
        width: sub.plan.width,
        startupCost,
        totalCost,
      },
      pathkeys: [],
    });
    return { ...scan, groups };
  }
  if (tree.op === 'union') {
    // flatten: UNION ALL children of UNION ALL; any UNION children of a UNION
    const leaves: SetOperationTree[] = [];
    const collect = (t: SetOperationTree) => {
      if (
        t.kind === 'setop' &&
        t.op === 'union' &&
        (tree.all ? t.all : true) &&
        (t.all === tree.all || !tree.all)
      ) {
        collect(t.left);
        collect(t.right);
      } else leaves.push(t);
    };
    collect(tree.left);
    collect(tree.right);
    const inputs = leaves.map((t) => planSetOpTree(level, env, t, true));
    const children = inputs.map((c) => c.plan);
    const rows = children.reduce((a, c) => a + c.rows, 0);
    const first = inputs[0]!;
    const total = inputs.reduce((a, c) => a + c.totalCost, 0) + s.cpuTupleCost * 0.5 * rows;
    const append: Path = {
      plan: {
        kind: 'append',
        children,
        output: first.label,
        rows: clampRows(rows),
        width: Math.max(...children.map((c) => c.width)),
        startupCost: first.startupCost,
        totalCost: total,
      },
      pathkeys: [],
    };
    if (tree.all) return setOpInput(append);
    return setOpInput(dedupe(env, append, append.plan.output));
  }
  const lin = planSetOpTree(level, env, tree.left);
  const rin = planSetOpTree(level, env, tree.right);
  // generate_nonunion_paths: INTERSECT puts the input with fewer groups first (the hash table's)
  const swap =
    tree.op === 'intersect' && (lin.groups ?? lin.plan.rows) > (rin.groups ?? rin.plan.rows);
  const left = swap ? rin.plan : lin.plan;
  const right = swap ? lin.plan : rin.plan;
  const n = left.output.length;
  const rows =
    tree.op === 'intersect'
      ? Math.min(left.rows, right.rows)
      : clampRows(left.rows * (tree.all ? 1 : 0.5));
  const hashed = s.enableHashagg;
  const keysOf = (p: PlanNode): SortKey[] =>
    p.output.slice(0, n).map((e) => ({ expr: e, descending: false, nullsFirst: false }));
  const l = hashed
    ? left
    : sortPath(env, { plan: left, pathkeys: [] }, keysOf(left), undefined).plan;
  const r = hashed
    ? right
    : sortPath(env, { plan: right, pathkeys: [] }, keysOf(right), undefined).plan;
  const inputRows = left.rows + right.rows;
  const startup = l.totalCost + r.totalCost + s.cpuTupleCost * 0.5 * inputRows;
  return setOpInput({
    plan: {
      kind: 'setop',
      op: tree.op,
      all: tree.all,
      strategy: hashed ? 'hashed' : 'sorted',
      left: l,
      right: r,
      // the columns keep the leftmost leaf's names (the parent's Vars refer to it)
      output: lin.plan.output,
      rows: clampRows(rows),
      width: left.width,
      startupCost: hashed
        ? startup + s.cpuOperatorCost * n * inputRows
        : l.startupCost + r.startupCost,
      totalCost: startup + s.cpuOperatorCost * n * inputRows,
    },
    pathkeys: [],
  });
}

/** Duplicate removal on all columns: a hashed Agg or Sort + Unique, the cheaper. */
function dedupe(env: PathEnv, p: Path, cols: readonly Expr[]): Path {
  const groups = estimateNumGroups(cols, p.plan.rows, (rt, a) =>
    env.sel.varData({ kind: 'var', rt, attnum: a, type: 0, typmod: -1 }),
  );
  const keys: SortKey[] = cols.map((e) => ({ expr: e, descending: false, nullsFirst: false }));
  const unique = uniquePath(env, sortPath(env, p, keys, undefined), cols.length, groups);
  const hashed = hashDistinctPath(env, p, cols, groups, p.plan.width);
  return hashed.plan.totalCost < unique.plan.totalCost ? hashed : unique;
}

/** Unique over `sorted` on its first `columns` columns (cost_unique's cpu_operator_cost per comparison). */
function uniquePath(env: PathEnv, sorted: Path, columns: number, groups: number): Path {
  const s = env.level.glob.s;
  return {
    plan: {
      kind: 'unique',
      input: sorted.plan,
      columns,
      output: sorted.plan.output,
      rows: groups,
      width: sorted.plan.width,
      startupCost: sorted.plan.startupCost,
      totalCost: sorted.plan.totalCost + s.cpuOperatorCost * sorted.plan.rows * columns,
    },
    pathkeys: sorted.pathkeys,
  };
}

/** A hashed Agg without aggregates over `cols` (a hash DISTINCT / UNION). */
function hashDistinctPath(
  env: PathEnv,
  p: Path,
  cols: readonly Expr[],
  groups: number,
  width: number,
): Path {
  const s = env.level.glob.s;
  const start =
    p.plan.totalCost +
    s.cpuOperatorCost * cols.length * p.plan.rows +
    (s.enableHashagg ? 0 : DISABLE_COST);
  return {
    plan: {
      kind: 'agg',
      strategy: 'hashed',
      input: p.plan,
      groupExprs: cols,
      aggregates: [],
      output: [...cols],
      rows: groups,
      width,
      startupCost: start,
      totalCost: start + s.cpuTupleCost * groups,
    },
    pathkeys: [],
  };
}

// ---------------------------------------------------------------- grouping_planner

interface LimitInfo {
  count?: number;
  offset?: number;
  /** Rows the sort must deliver (count + offset), for a top-N sort. */
  tuples?: number;
}

function constNumber(e: Expr | undefined): number | null | undefined {
  if (e === undefined) return undefined;
  if (e.kind === 'const') return e.value === null ? null : Number(e.value);
  if (e.kind === 'coerce' && e.arg.kind === 'const')
    return e.arg.value === null ? null : Number(e.arg.value);
  return Number.NaN;
}

function limitEstimate(f: Fixed, rows: number): LimitInfo {
  const info: LimitInfo = {};
  const c = constNumber(f.limit);
  const o = constNumber(f.offset);
  if (c !== undefined && c !== null) info.count = Number.isNaN(c) ? clampRows(rows * 0.1) : c;
  if (o !== undefined && o !== null) info.offset = Number.isNaN(o) ? clampRows(rows * 0.1) : o;
  if (info.count !== undefined) info.tuples = info.count + (info.offset ?? 0);
  return info;
}

/** The finished plan for each candidate input path; the cheapest wins (fractionally, under a LIMIT). */
function grouping(level: Level, env: PathEnv, rel: RelOpt, f: Fixed): Path {
  const cands = new Set<Path>([cheapestTotal(rel), cheapestStartup(rel)]);
  if (env.queryPathkeys.length > 0) {
    for (const p of rel.paths) if (presortedPrefix(p.pathkeys, env.queryPathkeys) > 0) cands.add(p);
  }
  let best: Path | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const c of cands) {
    const done = upper(level, env, c, f);
    const lim = done.plan;
    const cost = lim.totalCost;
    if (cost < bestCost) {
      best = done;
      bestCost = cost;
    }
  }
  return best!;
}

/** `e` with each WindowFunc replaced by the WindowAgg output column computing it (its types). */
function outputWindowFuncs(e: Expr, output: readonly Expr[]): Expr {
  if (e.kind === 'windowfunc')
    return output.find((o) => o.kind === 'windowfunc' && o.index === e.index) ?? e;
  return mapChildren(e, (x) => outputWindowFuncs(x, output));
}

/** A ProjectSet adding set-returning `calls` (run in lockstep) to `p`'s columns. */
function projectSetOver(env: PathEnv, p: Path, calls: readonly Expr[]): Path {
  const output = [...p.plan.output, ...calls];
  const rows = clampRows(p.plan.rows * Math.max(1, ...calls.map(srfRows)));
  const pc = qualCost(env, calls);
  return {
    plan: {
      kind: 'projectset',
      input: p.plan,
      output,
      rows,
      width: output.reduce((a, e) => a + exprWidth(env, e), 0),
      startupCost: p.plan.startupCost,
      totalCost: p.plan.totalCost + (pc.perTuple + env.level.glob.s.cpuTupleCost) * rows,
    },
    pathkeys: [],
  };
}

function upper(level: Level, env: PathEnv, input: Path, f: Fixed): Path {
  const q = level.query;
  const s = level.glob.s;
  let p = input;
  const tl = r4(f.tlist).map((t) => t.expr);
  const hasAgg =
    (q.aggregates?.length ?? 0) > 0 ||
    (q.group?.length ?? 0) > 0 ||
    q.groupingSets !== undefined ||
    q.having !== undefined;
  // set-returning functions in GROUP BY or in a window's PARTITION BY / ORDER BY run below the
  // Agg / WindowAgg: a ProjectSet per nesting level over the scan/join adds them as columns
  const below = new Set<string>();
  const keyExprs = [
    ...[...new Set([...(q.group ?? []), ...(q.groupingSets ?? []).flat()])].map(
      (i) => f.tlist[i]!.expr,
    ),
    ...f.windows.flatMap((w) => windowKeys(w).map((k) => k.expr)),
  ];
  for (const calls of srfLevels(keyExprs)) {
    p = projectSetOver(env, p, calls);
    for (const c of calls) below.add(exprKey(c));
  }
  if (hasAgg) p = aggregate(level, env, p, f);
  // window functions, one WindowAgg per window
  const byWindow = new Map<number, { index: number; call: WindowFuncCall }[]>();
  f.windowFuncs.forEach((call, index) => {
    const l = byWindow.get(call.window) ?? [];
    l.push({ index, call });
    byWindow.set(call.window, l);
  });
  for (const w of [...byWindow.keys()].sort((a, b) => a - b)) {
    const window = f.windows[w];
    if (window === undefined) throw new SqlError('XX000', `no window ${w}`);
    const funcs = byWindow.get(w)!;
    const keys = windowKeys(window);
    p = sortOrIncremental(env, p, keys, undefined);
    const wc = qualCost(
      env,
      funcs.flatMap((x) => x.call.args),
    );
    const rows = p.plan.rows;
    const total =
      p.plan.totalCost +
      (funcs.length * s.cpuOperatorCost + wc.perTuple) * rows +
      s.cpuOperatorCost * keys.length * rows +
      s.cpuTupleCost * rows;
    const output = [
      ...p.plan.output,
      ...funcs.map((x) => {
        const t = level.winTypes.get(x.index) ?? { type: x.call.type, typmod: x.call.typmod };
        return windowFunc(x.index, t.type, t.typmod);
      }),
    ];
    // run conditions pushed down from the outer query (over this window's functions' outputs)
    const mine = new Set(funcs.map((x) => x.index));
    const run = (runConditions.get(q) ?? [])
      .filter((c) => contains(c, (x) => x.kind === 'windowfunc' && mine.has(x.index)))
      .map((c) => outputWindowFuncs(c, output));
    const runCondition = andOf(run);
    p = {
      plan: {
        kind: 'windowagg',
        input: p.plan,
        window,
        funcs,
        ...(runCondition === undefined ? {} : { runCondition }),
        output,
        rows,
        width:
          p.plan.width +
          funcs.reduce(
            (a, x) =>
              a +
              exprWidth(env, {
                kind: 'const',
                value: null,
                type: x.call.type,
                typmod: x.call.typmod,
              }),
            0,
          ),
        startupCost: p.plan.startupCost,
        totalCost: total,
      },
      pathkeys: p.pathkeys,
    };
  }
  // projection (ProjectSet for set-returning functions in the select list)
  const distinctOn = Array.isArray(q.distinct) ? (q.distinct as readonly number[]) : undefined;
  const onExprs = distinctOn?.map((i) => f.tlist[i]!.expr) ?? [];
  // Unique compares the first columns: the DISTINCT ON expressions go first unless they lead
  // the target list already (then no projection is needed above the Unique)
  const onLeads =
    onExprs.length <= tl.length && onExprs.every((e, i) => exprKey(e) === exprKey(tl[i]!));
  const projected = onLeads ? [...tl] : [...onExprs, ...tl];
  // nested set-returning functions: the levels below the top one, each its own ProjectSet
  const levels = srfLevels(projected, below);
  for (const calls of levels.slice(0, -1)) p = projectSetOver(env, p, calls);
  if (levels.length > 0) {
    const mult = Math.max(
      ...tl.flatMap((e) => {
        const r: number[] = [];
        walk(e, (x) => {
          if (x.kind === 'func' && x.fn.retset) r.push(srfRows(x));
          return true;
        });
        return r;
      }),
    );
    const rows = clampRows(p.plan.rows * mult);
    // a set-returning function inside an expression (generate_series(1, 3)::text): the
    // ProjectSet returns the calls beside its input's columns, a Result above computes the rest
    const isSrf = (e: Expr) => (e.kind === 'func' || e.kind === 'op') && e.fn.retset === true;
    const nested = projected.some((e) => !isSrf(e) && hasSrf(e));
    let setOutput = projected;
    if (nested) {
      const calls: Expr[] = [];
      const seen = new Set<string>();
      const collect = (e: Expr): void => {
        if (isSrf(e)) {
          const k = exprKey(e);
          if (!seen.has(k)) {
            seen.add(k);
            calls.push(e);
          }
          return;
        }
        walk(e, (x) => {
          if (x === e) return true;
          collect(x);
          return false;
        });
      };
      for (const e of projected) collect(e);
      setOutput = [...p.plan.output, ...calls];
    }
    const pc = qualCost(env, setOutput);
    // over the one-row Result too (`SELECT generate_series(1, 3)`: ProjectSet -> Result)
    p = {
      plan: {
        kind: 'projectset',
        input: p.plan,
        output: setOutput,
        rows,
        width: setOutput.reduce((a, e) => a + exprWidth(env, e), 0),
        startupCost: p.plan.startupCost,
        totalCost: p.plan.totalCost + (pc.perTuple + s.cpuTupleCost) * rows,
      },
      pathkeys: [],
    };
    if (nested) p = project(env, p, projected);
  } else {
    p = project(env, p, projected);
  }
  // DISTINCT
  const lim = limitEstimate(f, p.plan.rows);
  const sortKeys: SortKey[] = q.sort.map((sc) => ({
    expr: f.tlist[sc.index]!.expr,
    descending: sc.descending,
    nullsFirst: sc.nullsFirst,
  }));
  if (q.distinct === 'all') {
    const cols = f.tlist.filter((t) => !t.junk).map((t) => t.expr);
    p = distinctAll(env, p, cols, sortKeys);
  } else if (distinctOn !== undefined) {
    const keys: SortKey[] = [...sortKeys];
    for (const e of onExprs)
      if (!keys.some((k) => exprKey(k.expr) === exprKey(e)))
        keys.push({ expr: e, descending: false, nullsFirst: false });
    // create_distinct_paths (PostgreSQL 15): an input already ordered, or an explicit full Sort
    p = sortPath(env, p, keys, undefined);
    p = {
      plan: {
        kind: 'unique',
        input: p.plan,
        columns: onExprs.length,
        output: p.plan.output,
        rows: estimateNumGroups(onExprs, p.plan.rows, (rt, a) =>
          env.sel.varData({ kind: 'var', rt, attnum: a, type: 0, typmod: -1 }),
        ),
        width: p.plan.width,
        startupCost: p.plan.startupCost,
        totalCost: p.plan.totalCost + s.cpuOperatorCost * p.plan.rows * onExprs.length,
      },
      pathkeys: p.pathkeys,
    };
  }
  if (sortKeys.length > 0) p = orderBy(env, p, sortKeys, lim.tuples);
  p = applyLimit(level, p, f);
  if (distinctOn !== undefined && !onLeads) p = project(env, p, tl, true);
  return p;
}

/** A projection Result unless the input already returns exactly these columns. */
function project(env: PathEnv, p: Path, exprs: readonly Expr[], force = false): Path {
  const out = p.plan.output;
  const same =
    !force && out.length === exprs.length && exprs.every((e, i) => exprKey(e) === exprKey(out[i]!));
  if (same) return p;
  const s = env.level.glob.s;
  const pc = qualCost(env, exprs);
  const width = exprs.reduce((a, e) => a + exprWidth(env, e), 0);
  // SELECT without FROM: the Result computes the target list itself
  if (p.plan.kind === 'result' && p.plan.input === undefined && p.plan.output.length === 0) {
    return {
      plan: {
        ...p.plan,
        output: [...exprs],
        width,
        startupCost: p.plan.startupCost + pc.startup,
        totalCost: p.plan.totalCost + pc.startup + pc.perTuple,
      },
      pathkeys: [],
    };
  }
  void s;
  return {
    plan: {
      kind: 'result',
      input: p.plan,
      output: [...exprs],
      rows: p.plan.rows,
      width,
      startupCost: p.plan.startupCost + pc.startup,
      totalCost: p.plan.totalCost + pc.startup + pc.perTuple * p.plan.rows,
    },
    pathkeys: p.pathkeys,
  };
}

function distinctAll(
  env: PathEnv,
  p: Path,
  cols: readonly Expr[],
  sortKeys: readonly SortKey[],
): Path {
  const groups = estimateNumGroups(cols, p.plan.rows, (rt, a) =>
    env.sel.varData({ kind: 'var', rt, attnum: a, type: 0, typmod: -1 }),
  );
  // sorted: ORDER BY's keys first, then the other columns
  const keys: SortKey[] = [...sortKeys];
  for (const e of cols)
    if (!keys.some((k) => exprKey(k.expr) === exprKey(e)))
      keys.push({ expr: e, descending: false, nullsFirst: false });
  // create_distinct_paths (PostgreSQL 15): an input already ordered, or an explicit full Sort
  const unique = uniquePath(env, sortPath(env, p, keys, undefined), cols.length, groups);
  let hashed = hashDistinctPath(
    env,
    p,
    cols,
    groups,
    cols.reduce((a, e) => a + exprWidth(env, e), 0),
  );
  if (sortKeys.length > 0) hashed = orderBy(env, hashed, sortKeys, undefined);
  return hashed.plan.totalCost < unique.plan.totalCost ? hashed : unique;
}

/** Sort, or nothing when the input is ordered, or an Incremental Sort when a prefix is. */
function orderBy(env: PathEnv, p: Path, keys: readonly SortKey[], limit: number | undefined): Path {
  return sortOrIncremental(env, p, keys, limit);
}

function sortOrIncremental(
  env: PathEnv,
  p: Path,
  keys: readonly SortKey[],
  limit: number | undefined,
): Path {
  if (pathkeysContain(p.pathkeys, keys)) return p;
  const full = sortPath(env, { plan: p.plan, pathkeys: [] }, keys, limit);
  const prefix = presortedPrefix(p.pathkeys, keys);
  const s = env.level.glob.s;
  if (prefix > 0 && s.enableIncrementalSort) {
    const groups = estimateNumGroups(
      keys.slice(0, prefix).map((k) => k.expr),
      p.plan.rows,
      (rt, a) => env.sel.varData({ kind: 'var', rt, attnum: a, type: 0, typmod: -1 }),
    );
    const c = costIncrementalSort(
      s,
      { startup: p.plan.startupCost, total: p.plan.totalCost },
      p.plan.rows,
      p.plan.width,
      groups,
      limit,
    );
    if (c.total < full.plan.totalCost) {
      return {
        plan: {
          kind: 'incrementalsort',
          input: p.plan,
          keys,
          presorted: prefix,
          output: p.plan.output,
          rows: p.plan.rows,
          width: p.plan.width,
          startupCost: c.startup,
          totalCost: c.total,
        },
        pathkeys: keys,
      };
    }
  }
  return full;
}

function applyLimit(level: Level, p: Path, f: Fixed): Path {
  if (f.limit === undefined && f.offset === undefined) return p;
  const lim = limitEstimate(f, p.plan.rows);
  const c = costLimit(
    { startup: p.plan.startupCost, total: p.plan.totalCost },
    p.plan.rows,
    lim.offset,
    lim.count,
  );
  const q = level.query;
  const withTies =
    q.limitWithTies === true
      ? q.sort.map((sc) => ({
          expr: f.tlist[sc.index]!.expr,
          descending: sc.descending,
          nullsFirst: sc.nullsFirst,
        }))
      : undefined;
  return {
    plan: {
      kind: 'limit',
      input: p.plan,
      ...(f.limit === undefined ? {} : { limit: f.limit }),
      ...(f.offset === undefined ? {} : { offset: f.offset }),
      ...(withTies === undefined ? {} : { withTies }),
      output: p.plan.output,
      rows: c.rows,
      width: p.plan.width,
      startupCost: c.startup,
      totalCost: c.total,
    },
    pathkeys: p.pathkeys,
  };
}

/** GROUP BY / aggregates / grouping sets / HAVING: plain, sorted or hashed Agg, the cheaper. */
function aggregate(level: Level, env: PathEnv, p: Path, f: Fixed): Path {
  const q = level.query;
  const s = level.glob.s;
  const groupExprs: Expr[] = [];
  const groupPos = new Map<string, number>();
  for (const i of q.group ?? []) {
    const e = f.tlist[i]!.expr;
    const k = exprKey(e);
    if (groupPos.has(k)) continue;
    groupPos.set(k, groupExprs.length);
    groupExprs.push(e);
  }
  const sets = q.groupingSets?.map((set) =>
    set.map((i) => groupPos.get(exprKey(f.tlist[i]!.expr)) ?? 0),
  );
  const groupingFuncs: Expr[] = [];
  const seen = new Set<string>();
  for (const e of [...f.tlist.map((t) => t.expr), ...(f.having === undefined ? [] : [f.having])]) {
    walk(e, (x) => {
      if (x.kind === 'groupingfunc') {
        const k = exprKey(x);
        if (!seen.has(k)) {
          seen.add(k);
          groupingFuncs.push(x);
        }
      }
      return true;
    });
  }
  // check_functional_grouping: a column of a table whose primary key is grouped is passed
  // through from the group's input rows (the executor reads the first row's)
  const dependentVars: Expr[] = [];
  for (const e of [...f.tlist.map((t) => t.expr), ...(f.having === undefined ? [] : [f.having])]) {
    walk(e, (x) => {
      if (x.kind === 'aggref' || groupPos.has(exprKey(x))) return false;
      if (x.kind === 'var' && (x.levelsUp ?? 0) === 0 && !seen.has(exprKey(x))) {
        seen.add(exprKey(x));
        dependentVars.push(x);
      }
      return true;
    });
  }
  const output: Expr[] = [
    ...groupExprs,
    ...f.aggregates.map((a, i) => {
      const t = level.aggTypes.get(i) ?? { type: a.type, typmod: a.typmod };
      return aggref(i, t.type, t.typmod);
    }),
    ...groupingFuncs,
    ...dependentVars,
  ];
  const width =
    groupExprs.reduce((a, e) => a + exprWidth(env, e), 0) +
    f.aggregates.reduce(
      (a, x) => a + exprWidth(env, { kind: 'const', value: null, type: x.type, typmod: x.typmod }),
      0,
    );
  // transition and final function costs
  let transPerTuple = 0;
  let finalPerGroup = 0;
  for (const a of f.aggregates) {
    transPerTuple += s.cpuOperatorCost + qualCost(env, a.args).perTuple;
    if (a.filter !== undefined) transPerTuple += qualCost(env, [a.filter]).perTuple;
    if (!['count', 'sum', 'min', 'max', 'bool_and', 'bool_or', 'every'].includes(a.name))
      finalPerGroup += s.cpuOperatorCost;
  }
  const having = f.having;
  const hc = having === undefined ? { startup: 0, perTuple: 0 } : qualCost(env, [having]);
  const withHaving = having === undefined ? {} : { having };
  const inRows = p.plan.rows;
  const varData = (rt: number, a: number) =>
    env.sel.varData({ kind: 'var', rt, attnum: a, type: level.columnType(rt, a).type, typmod: -1 });
  if (groupExprs.length === 0 && sets === undefined) {
    const startup = p.plan.totalCost + transPerTuple * inRows + finalPerGroup + hc.startup;
    return {
      plan: {
        kind: 'agg',
        strategy: 'plain',
        input: p.plan,
        groupExprs: [],
        aggregates: f.aggregates,
        output,
        rows: 1,
        width,
        startupCost: startup,
        totalCost: startup + s.cpuTupleCost + hc.perTuple,
        ...withHaving,
      },
      pathkeys: [],
    };
  }
  const setGroups = sets?.map((set) =>
    estimateNumGroups(
      set.map((i) => groupExprs[i]!),
      inRows,
      varData,
    ),
  );
  const numGroups =
    setGroups === undefined
      ? estimateNumGroups(groupExprs, inRows, varData)
      : clampRows(setGroups.reduce((a, g) => a + g, 0));
  const nCols = groupExprs.length;
  const keys = groupSortKeys(q, f);
  if (sets !== undefined) {
    const mixed = s.enableHashagg;
    const input = mixed ? p : sortPath(env, p, keys, undefined);
    const startup = input.plan.totalCost + (transPerTuple + s.cpuOperatorCost * nCols) * inRows;
    return {
      plan: {
        kind: 'agg',
        // consider_groupingsets_paths: every set hashed is AGG_HASHED; the empty set
        // cannot be hashed, so with it the node is AGG_MIXED
        strategy: mixed ? (sets.some((set) => set.length === 0) ? 'mixed' : 'hashed') : 'sorted',
        input: input.plan,
        groupExprs,
        groupingSets: sets,
        ...(setGroups === undefined ? {} : { setGroups }),
        aggregates: f.aggregates,
        output,
        rows: numGroups,
        width,
        startupCost: startup,
        totalCost: startup + (finalPerGroup + s.cpuTupleCost + hc.perTuple) * numGroups,
        ...withHaving,
      },
      pathkeys: [],
    };
  }
  // sorted
  const sorted = sortOrIncremental(env, p, keys, undefined);
  const sTotal =
    sorted.plan.totalCost +
    (transPerTuple + s.cpuOperatorCost * nCols) * inRows +
    (finalPerGroup + s.cpuTupleCost + hc.perTuple) * numGroups;
  const groupAgg: Path = {
    plan: {
      kind: 'agg',
      strategy: 'sorted',
      input: sorted.plan,
      groupExprs: keys.map((k) => k.expr),
      aggregates: f.aggregates,
      output: [...keys.map((k) => k.expr), ...output.slice(nCols)],
      rows: numGroups,
      width,
      startupCost: sorted.plan.startupCost,
      totalCost: sTotal,
      ...withHaving,
    },
    pathkeys: keys,
  };
  const orderedAggs = f.aggregates.some((a) => a.distinct || (a.order?.length ?? 0) > 0);
  if (orderedAggs) return groupAgg;
  const hStart =
    p.plan.totalCost +
    (s.enableHashagg ? 0 : DISABLE_COST) +
    (transPerTuple + s.cpuOperatorCost * nCols) * inRows +
    hc.startup;
  const hashAgg: Path = {
    plan: {
      kind: 'agg',
      strategy: 'hashed',
      input: p.plan,
      groupExprs,
      aggregates: f.aggregates,
      output,
      rows: numGroups,
      width,
      startupCost: hStart,
      totalCost: hStart + (finalPerGroup + s.cpuTupleCost + hc.perTuple) * numGroups,
      ...withHaving,
    },
    pathkeys: [],
  };
  // with an ORDER BY, the hashed result still needs its sort
  const sortKeys: SortKey[] = q.sort.map((sc) => ({
    expr: f.tlist[sc.index]!.expr,
    descending: sc.descending,
    nullsFirst: sc.nullsFirst,
  }));
  const extra = (x: Path) =>
    sortKeys.length > 0 && !pathkeysContain(x.pathkeys, sortKeys)
      ? costSort(s, { startup: 0, total: 0 }, numGroups, width, undefined).total
      : 0;
  return hashAgg.plan.totalCost + extra(hashAgg) < groupAgg.plan.totalCost + extra(groupAgg)
    ? hashAgg
    : groupAgg;
}

export { BOOL };
