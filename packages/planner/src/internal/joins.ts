/**
 * The join tree (deconstruct_jointree) and the join order search
 * (standard_join_search: dynamic programming over levels 2..n, left-deep
 * and bushy; a greedy search from geqo_threshold relations up, where
 * PostgreSQL runs GEQO).
 *
 * Differences from PostgreSQL: an outer join is planned as a unit (its
 * two sides are searched separately, then joined), so inner joins are
 * not reordered across it; the outer join identities of
 * make_outerjoininfo are not used. Inner JOINs are always flattened
 * (join_collapse_limit is not applied).
 */
import type { Expr } from '@pg/sql';
import { SqlError } from '@pg/types';
import { clampRows, DISABLE_COST } from './costs.js';
import { andOf, exprKey, flattenAnd, isSubset, isVolatile, overlaps, relidsOf } from './exprs.js';
import {
  addJoinPaths,
  addPath,
  cheapestTotal,
  exprWidth,
  hashClauseSides,
  type JoinSpec,
  joinRows,
  type LateralNeed,
  type PathEnv,
  type RelOpt,
  sortPath,
} from './paths.js';
import type { JoinType, PlanNode } from './plan.js';
import { clauseSelectivity } from './selectivity.js';
import { estimateNumGroups } from './sizes.js';

export type Item =
  | { readonly kind: 'base'; readonly rt: number; readonly restrict: Expr[] }
  | {
      readonly kind: 'outer';
      readonly joinType: 'left' | 'full';
      readonly left: Problem;
      readonly right: Problem;
      readonly on: Expr[];
      readonly top: Expr[];
      /** Written as a RIGHT JOIN (sides swapped here). */
      readonly flipped: boolean;
    };

/** A list of relations joined by inner joins, with the conditions among them. */
export interface Problem {
  readonly items: Item[];
  /** Conditions over several items. */
  readonly quals: Expr[];
  /** Conditions with no Vars of this level and nothing volatile: a one-time filter. */
  readonly gating: Expr[];
  /** Volatile conditions with no Vars: evaluated per row on the result. */
  readonly topFilter: Expr[];
}

export function newProblem(): Problem {
  return { items: [], quals: [], gating: [], topFilter: [] };
}

export function itemRelids(it: Item): Set<number> {
  if (it.kind === 'base') return new Set([it.rt]);
  return new Set([...problemRelids(it.left), ...problemRelids(it.right)]);
}

export function problemRelids(p: Problem): Set<number> {
  const s = new Set<number>();
  for (const it of p.items) for (const r of itemRelids(it)) s.add(r);
  return s;
}

/**
 * The relations a condition cannot be true without (find_nonnullable_rels):
 * a strict operator or function over a column is NULL when the column is.
 */
export function nonNullableRels(conds: readonly Expr[]): Set<number> {
  const strict = (e: Expr): Set<number> => {
    switch (e.kind) {
      case 'var':
        return e.levelsUp ? new Set() : new Set([e.rt]);
      case 'op':
      case 'func':
        return e.fn.strict && !(e.kind === 'func' && e.fn.retset)
          ? new Set(e.args.flatMap((a) => [...strict(a)]))
          : new Set();
      case 'scalararrayop':
        return e.fn.strict ? strict(e.scalar) : new Set();
      case 'nulltest':
        return e.isNull ? new Set() : strict(e.arg);
      case 'booltest':
        return e.test === 'true' || e.test === 'false' ? strict(e.arg) : new Set();
      case 'coerce':
        return strict(e.arg);
      case 'bool': {
        if (e.op === 'and') return new Set(e.args.flatMap((a) => [...strict(a)]));
        if (e.op === 'or') {
          const sets = e.args.map(strict);
          return new Set([...(sets[0] ?? [])].filter((r) => sets.every((x) => x.has(r))));
        }
        return new Set();
      }
      default:
        return new Set();
    }
  };
  return new Set(conds.flatMap((c) => [...strict(c)]));
}

function subtreeRelids(env: PathEnv, rt: number, into = new Set<number>()): Set<number> {
  const rte = env.level.rtable[rt];
  if (rte?.kind === 'join') {
    subtreeRelids(env, rte.left, into);
    subtreeRelids(env, rte.right, into);
  } else into.add(rt);
  return into;
}

/**
 * Adds FROM item `rt` (a base entry or a JoinRte) to `p`. An outer join
 * whose nullable side `nonNull` (relations the conditions above need
 * non-NULL) covers is reduced first (reduce_outer_joins): LEFT/RIGHT to
 * inner, FULL to LEFT or inner.
 */
export function addFromItem(
  env: PathEnv,
  p: Problem,
  rt: number,
  pendingQuals: Expr[],
  nonNull: ReadonlySet<number> = new Set(),
): void {
  const level = env.level;
  const rte = level.rtable[rt];
  if (rte === undefined) throw new SqlError('XX000', `no range-table entry ${rt}`);
  if (rte.kind !== 'join') {
    p.items.push({ kind: 'base', rt, restrict: [] });
    return;
  }
  const on = rte.quals === undefined ? [] : flattenAnd(level.fix(rte.quals));
  const forced = (side: number) => overlaps(subtreeRelids(env, side), nonNull);
  let jt = rte.joinType;
  let flipped = jt === 'right';
  if (jt === 'left' && forced(rte.right)) jt = 'inner';
  else if (jt === 'right' && forced(rte.left)) jt = 'inner';
  else if (jt === 'full') {
    const l = forced(rte.left);
    const r = forced(rte.right);
    if (l && r) jt = 'inner';
    else if (l) jt = 'left';
    else if (r) {
      jt = 'right';
      flipped = false;
    }
  }
  if (jt === 'inner') {
    const below = new Set([...nonNull, ...nonNullableRels(on)]);
    addFromItem(env, p, rte.left, pendingQuals, below);
    addFromItem(env, p, rte.right, pendingQuals, below);
    pendingQuals.push(...on);
    return;
  }
  const [l, r] = jt === 'right' ? [rte.right, rte.left] : [rte.left, rte.right];
  const left = buildProblem(env, [l], [], jt === 'full' ? new Set() : nonNull);
  const right = buildProblem(env, [r], [], jt === 'full' ? new Set() : nonNullableRels(on));
  const item: Item = {
    kind: 'outer',
    joinType: jt === 'full' ? 'full' : 'left',
    left,
    right,
    on: [],
    top: [],
    flipped,
  };
  const rightRelids = problemRelids(right);
  for (const q of on) {
    const rel = relidsOf(q);
    if (item.joinType === 'left' && rel.size > 0 && isSubset(rel, rightRelids))
      distribute(right, q);
    else item.on.push(q);
  }
  p.items.push(item);
}

export function buildProblem(
  env: PathEnv,
  from: readonly number[],
  quals: readonly Expr[],
  nonNull: ReadonlySet<number> = nonNullableRels(quals),
): Problem {
  const p = newProblem();
  const pending: Expr[] = [...quals];
  for (const rt of from) addFromItem(env, p, rt, pending, nonNull);
  for (const q of pending) distribute(p, q);
  return p;
}

/** distribute_qual_to_rels: to the one relation it reads, into an outer join's non-nullable side, or among the join quals. */
export function distribute(p: Problem, q: Expr): void {
  const rel = relidsOf(q);
  if (rel.size === 0) {
    if (isVolatile(q)) p.topFilter.push(q);
    else p.gating.push(q);
    return;
  }
  for (const it of p.items) {
    const ir = itemRelids(it);
    if (!isSubset(rel, ir)) continue;
    if (it.kind === 'base') it.restrict.push(q);
    else if (it.joinType === 'left' && isSubset(rel, problemRelids(it.left)))
      distribute(it.left, q);
    else it.top.push(q);
    return;
  }
  p.quals.push(q);
}

/** Plans a problem to a relation with paths; `itemRel` plans one item. */
export function planProblem(env: PathEnv, p: Problem, itemRel: (it: Item) => RelOpt): RelOpt {
  const rels = p.items.map(itemRel);
  if (rels.length === 0) throw new SqlError('XX000', 'empty join problem');
  let final: RelOpt;
  if (rels.length === 1) final = rels[0]!;
  else if (rels.length >= env.level.glob.s.geqoThreshold) final = greedySearch(env, rels, p.quals);
  else final = dpSearch(env, rels, p.quals);
  // needs on relations outside this problem are set by an outer join above it (LEFT JOIN LATERAL)
  if (final.unsat.some((n) => overlaps(n.needs, final.relids))) {
    throw new SqlError('XX000', 'a LATERAL reference could not be satisfied by the join order');
  }
  return gate(env, final, p.gating, p.topFilter);
}

/** A Result over each path for one-time (gating) and Var-free volatile conditions. */
function gate(
  env: PathEnv,
  rel: RelOpt,
  gating: readonly Expr[],
  topFilter: readonly Expr[],
): RelOpt {
  if (gating.length === 0 && topFilter.length === 0) return rel;
  const s = env.level.glob.s;
  const g = andOf(gating);
  const f = andOf(topFilter);
  return {
    ...rel,
    paths: rel.paths.map((path) => ({
      plan: {
        kind: 'result',
        input: path.plan,
        output: path.plan.output,
        rows: f === undefined ? path.plan.rows : clampRows(path.plan.rows / 3),
        width: path.plan.width,
        startupCost: path.plan.startupCost + (g === undefined ? 0 : s.cpuOperatorCost),
        totalCost:
          path.plan.totalCost +
          (g === undefined ? 0 : s.cpuOperatorCost) +
          (f === undefined ? 0 : s.cpuOperatorCost * path.plan.rows),
        ...(g === undefined ? {} : { oneTimeFilter: g }),
        ...(f === undefined ? {} : { filter: f }),
      },
      pathkeys: path.pathkeys,
    })),
  };
}

const keyOf = (s: ReadonlySet<number>) => [...s].sort((a, b) => a - b).join(',');

function clausesFor(quals: readonly Expr[], a: RelOpt, b: RelOpt): Expr[] {
  const j = new Set([...a.relids, ...b.relids]);
  return quals.filter((q) => {
    const r = relidsOf(q);
    return isSubset(r, j) && !isSubset(r, a.relids) && !isSubset(r, b.relids);
  });
}

function hasJoinClause(quals: readonly Expr[], a: RelOpt, b: RelOpt): boolean {
  return quals.some((q) => {
    const r = relidsOf(q);
    return overlaps(r, a.relids) && overlaps(r, b.relids);
  });
}

function lateralLink(a: RelOpt, b: RelOpt): boolean {
  return (
    a.unsat.some((n) => overlaps(n.needs, b.relids)) ||
    b.unsat.some((n) => overlaps(n.needs, a.relids))
  );
}

/**
 * The lateral needs `inner` has that `outer` satisfies (a nested loop with
 * this outer sets their params), or undefined when the pair cannot join.
 */
function lateralSplit(
  outer: RelOpt,
  inner: RelOpt,
): { set: LateralNeed[]; remain: LateralNeed[] } | undefined {
  const set: LateralNeed[] = [];
  const remain: LateralNeed[] = [];
  const j = new Set([...outer.relids, ...inner.relids]);
  for (const n of inner.unsat) {
    if (isSubset(n.needs, outer.relids)) set.push(n);
    else if (overlaps(n.needs, j)) return undefined;
    else remain.push(n);
  }
  for (const n of outer.unsat) {
    if (overlaps(n.needs, j)) return undefined;
    remain.push(n);
  }
  return { set, remain };
}

/** make_join_rel: the join relation of a ∪ b with paths for both orders. */
export function makeJoinRel(
  env: PathEnv,
  joinrels: Map<string, RelOpt>,
  a: RelOpt,
  b: RelOpt,
  quals: readonly Expr[],
): RelOpt | undefined {
  const ab = lateralSplit(a, b);
  const ba = lateralSplit(b, a);
  if (ab === undefined && ba === undefined) return undefined;
  const relids = new Set([...a.relids, ...b.relids]);
  const key = keyOf(relids);
  const clauses = clausesFor(quals, a, b);
  let rel = joinrels.get(key);
  const isNew = rel === undefined;
  if (rel === undefined) {
    rel = {
      relids,
      rows: joinRows(env, a, b, 'inner', clauses),
      width: a.width + b.width,
      paths: [],
      unsat: (ab ?? ba)!.remain,
    };
  }
  for (const [outer, inner, split] of [
    [a, b, ab],
    [b, a, ba],
  ] as const) {
    if (split === undefined) continue;
    const params = split.set.flatMap((n) => n.params);
    const spec: JoinSpec = {
      jt: 'inner',
      clauses,
      filter: [],
      rows: rel.rows,
      width: rel.width,
      params,
      nestloopOnly: split.set.length > 0,
    };
    addJoinPaths(env, rel, outer, inner, spec);
  }
  if (rel.paths.length === 0) return undefined;
  if (isNew) joinrels.set(key, rel);
  return rel;
}

function dpSearch(env: PathEnv, base: RelOpt[], quals: readonly Expr[]): RelOpt {
  const n = base.length;
  const joinrels = new Map<string, RelOpt>();
  const levels: RelOpt[][] = [[], base];
  for (let k = 2; k <= n; k++) {
    const found = new Map<string, RelOpt>();
    const tryPairs = (clauseless: boolean) => {
      for (let i = 1; i <= Math.floor(k / 2); i++) {
        const left = levels[i] ?? [];
        const right = levels[k - i] ?? [];
        for (let x = 0; x < left.length; x++) {
          const a = left[x]!;
          for (let y = i === k - i ? x + 1 : 0; y < right.length; y++) {
            const b = right[y]!;
            if (overlaps(a.relids, b.relids)) continue;
            if (!clauseless && !hasJoinClause(quals, a, b) && !lateralLink(a, b)) continue;
            const r = makeJoinRel(env, joinrels, a, b, quals);
            if (r !== undefined) found.set(keyOf(r.relids), r);
          }
        }
      }
    };
    tryPairs(false);
    // relations with no join clause to the others join everything (make_rels_by_clauseless_joins)
    const prev = levels[k - 1] ?? [];
    for (const a of prev) {
      const connected = base.some(
        (b) => !overlaps(a.relids, b.relids) && (hasJoinClause(quals, a, b) || lateralLink(a, b)),
      );
      if (connected) continue;
      for (const b of base) {
        if (overlaps(a.relids, b.relids)) continue;
        const r = makeJoinRel(env, joinrels, a, b, quals);
        if (r !== undefined) found.set(keyOf(r.relids), r);
      }
    }
    if (found.size === 0) tryPairs(true);
    levels[k] = [...found.values()];
  }
  const all = levels[n]?.[0];
  if (all === undefined) throw new SqlError('XX000', 'failed to build any join order');
  return all;
}

/** Beyond geqo_threshold: repeatedly join the pair whose join is cheapest (PostgreSQL runs GEQO here). */
function greedySearch(env: PathEnv, base: RelOpt[], quals: readonly Expr[]): RelOpt {
  let rels = [...base];
  const joinrels = new Map<string, RelOpt>();
  while (rels.length > 1) {
    let best: { r: RelOpt; i: number; j: number } | undefined;
    for (const clauseless of [false, true]) {
      for (let i = 0; i < rels.length; i++) {
        for (let j = i + 1; j < rels.length; j++) {
          const a = rels[i]!;
          const b = rels[j]!;
          if (!clauseless && !hasJoinClause(quals, a, b) && !lateralLink(a, b)) continue;
          const r = makeJoinRel(env, joinrels, a, b, quals);
          if (r === undefined) continue;
          if (
            best === undefined ||
            cheapestTotal(r).plan.totalCost < cheapestTotal(best.r).plan.totalCost
          )
            best = { r, i, j };
        }
      }
      if (best !== undefined) break;
    }
    if (best === undefined) throw new SqlError('XX000', 'failed to build any join order');
    const b = best;
    rels = rels.filter((_, k) => k !== b.i && k !== b.j);
    rels.push(b.r);
  }
  return rels[0]!;
}

/** An outer join planned as a unit: LEFT (also as a RIGHT join with the sides swapped) or FULL. */
export function outerJoinRel(
  env: PathEnv,
  left: RelOpt,
  right: RelOpt,
  joinType: 'left' | 'full',
  on: readonly Expr[],
  top: readonly Expr[],
  flipped = false,
): RelOpt {
  const rows = joinRows(env, left, right, joinType, on, top);
  const rel: RelOpt = {
    relids: new Set([...left.relids, ...right.relids]),
    rows,
    width: left.width + right.width,
    paths: [],
    unsat: [],
  };
  const lat = lateralSplit(left, right);
  if (lat === undefined) throw new SqlError('0A000', 'this LATERAL reference is not supported yet');
  rel.unsat = lat.remain;
  const params = lat.set.flatMap((n) => n.params);
  const spec = (jt: JoinType, nestloopOnly: boolean): JoinSpec => ({
    jt,
    clauses: on,
    filter: top,
    rows,
    width: rel.width,
    params,
    nestloopOnly,
  });
  if (joinType === 'left') {
    // a RIGHT JOIN as written first (PostgreSQL keeps the first of equally cheap paths)
    if (flipped && params.length === 0) addJoinPaths(env, rel, right, left, spec('right', false));
    addJoinPaths(env, rel, left, right, spec('left', params.length > 0));
    if (!flipped && params.length === 0) addJoinPaths(env, rel, right, left, spec('right', false));
  } else {
    if (params.length > 0)
      throw new SqlError('0A000', 'a LATERAL reference in a FULL JOIN is not supported yet');
    addJoinPaths(env, rel, left, right, spec('full', false));
  }
  return rel;
}

/** A semi or anti join of the query's relations with a pulled-up sub-SELECT's. */
export function semiJoinRel(
  env: PathEnv,
  outer: RelOpt,
  inner: RelOpt,
  jt: 'semi' | 'anti',
  clauses: readonly Expr[],
): RelOpt {
  const rows = joinRows(env, outer, inner, jt, clauses);
  // compute_semi_anti_join_factors
  const jselec = joinRows(env, { ...outer, rows: 1e6 }, inner, 'semi', clauses) / 1e6;
  const nselec = clauses.reduce((a, c) => a * clauseSelectivity(env.sel, c), 1);
  const matchCount = jselec > 0 ? Math.max(1, (nselec * inner.rows) / jselec) : 1;
  const rel: RelOpt = {
    relids: outer.relids,
    rows,
    width: outer.width,
    paths: [],
    unsat: outer.unsat,
  };
  addJoinPaths(env, rel, outer, inner, {
    jt,
    clauses,
    filter: [],
    rows,
    width: outer.width,
    params: [],
    nestloopOnly: false,
    semi: { matchFrac: Math.min(1, jselec), matchCount },
  });
  // a semi join is also an inner join with the inner side made unique on its keys (create_unique_path)
  if (jt === 'semi' && clauses.length > 0) {
    const keys: Expr[] = [];
    for (const c of clauses) {
      const sides = hashClauseSides(c, outer.relids, inner.relids);
      if (sides === undefined) return rel;
      if (!keys.some((k) => exprKey(k) === exprKey(sides.inner))) keys.push(sides.inner);
    }
    const uniq = uniquePaths(env, inner, keys);
    const spec: JoinSpec = {
      jt: 'inner',
      clauses,
      filter: [],
      rows,
      width: outer.width,
      params: [],
      nestloopOnly: false,
      semi: { matchFrac: Math.min(1, jselec), matchCount: 1 },
    };
    addJoinPaths(env, rel, outer, uniq, spec);
    addJoinPaths(env, rel, uniq, outer, spec);
  }
  return rel;
}

/** The inner side of a semi join made distinct on `keys`: hashed Agg, or Sort + Unique (the cheaper). */
function uniquePaths(env: PathEnv, inner: RelOpt, keys: readonly Expr[]): RelOpt {
  const s = env.level.glob.s;
  const input = cheapestTotal(inner);
  const groups = estimateNumGroups(keys, input.plan.rows, (rt, a) =>
    env.sel.varData({
      kind: 'var',
      rt,
      attnum: a,
      type: env.level.columnType(rt, a).type,
      typmod: -1,
    }),
  );
  const width = keys.reduce((a, k) => a + exprWidth(env, k), 0);
  const rel: RelOpt = {
    relids: inner.relids,
    rows: groups,
    width,
    paths: [],
    unsat: inner.unsat,
    unique: true,
  };
  const hstart =
    input.plan.totalCost +
    s.cpuOperatorCost * keys.length * input.plan.rows +
    (s.enableHashagg ? 0 : DISABLE_COST);
  addPath(rel, {
    plan: {
      kind: 'agg',
      strategy: 'hashed',
      input: input.plan,
      groupExprs: keys,
      aggregates: [],
      output: [...keys],
      rows: groups,
      width,
      startupCost: hstart,
      totalCost: hstart + s.cpuTupleCost * groups,
    },
    pathkeys: [],
  });
  const sortKeys = keys.map((e) => ({ expr: e, descending: false, nullsFirst: false }));
  const sorted = sortPath(
    env,
    { plan: projectTo(input.plan, keys, width), pathkeys: input.pathkeys },
    sortKeys,
    undefined,
  );
  addPath(rel, {
    plan: {
      kind: 'unique',
      input: sorted.plan,
      columns: keys.length,
      output: sorted.plan.output,
      rows: groups,
      width,
      startupCost: sorted.plan.startupCost,
      totalCost: sorted.plan.totalCost + s.cpuOperatorCost * keys.length * sorted.plan.rows,
    },
    pathkeys: sortKeys,
  });
  return rel;
}

/** A Result computing `exprs` over `input` (so Unique compares exactly the keys). */
function projectTo(input: PlanNode, exprs: readonly Expr[], width: number): PlanNode {
  return {
    kind: 'result',
    input,
    output: [...exprs],
    rows: input.rows,
    width,
    startupCost: input.startupCost,
    totalCost: input.totalCost,
  };
}
