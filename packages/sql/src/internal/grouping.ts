/**
 * GROUP BY, GROUPING SETS / ROLLUP / CUBE, HAVING and GROUPING() (parse_clause.c
 * transformGroupClause, flatten_grouping_sets; parse_agg.c
 * parseCheckAggregates, check_ungrouped_columns, finalize_grouping_exprs,
 * expand_grouping_sets).
 *
 * A SELECT is grouped when it has aggregates, GROUP BY, HAVING or a
 * GROUPING() call. Then (parseCheckAggregates):
 *   G1. every Var of this level in the target list (ORDER BY and DISTINCT ON
 *       entries included), HAVING and the window definitions is inside an
 *       aggregate's arguments, inside an expression equal to a grouping
 *       expression, or a column of a table whose primary key columns are all
 *       grouped (functional dependency) — else 42803 at the Var;
 *   G2. every GROUPING() argument equals a grouping expression;
 *   G3. `groupingSets` is the expansion of the GROUP BY items into a list of
 *       sets (target indexes), sorted by size as PostgreSQL's
 *       expand_grouping_sets sorts them (with its own qsort, so ties come
 *       out in PostgreSQL's order); one non-empty set is a plain GROUP BY.
 */
import { TypeOid } from '@pg/types';
import { sameExpr, stripImplicit } from './aggregate.js';
import { UNKNOWN } from './coerce.js';
import { Code, PositionedSqlError } from './errors.js';
import {
  coerceTo,
  coerceToBoolean,
  errorAt,
  exprLocation,
  forEachChild,
  type ParseState,
  transformExpr,
} from './expr.js';
import type { PNode } from './parse.js';
import type {
  AggregateCall,
  Expr,
  GroupingFunc,
  SelectQuery,
  SortClause,
  TargetEntry,
  WindowClause,
  WindowFuncCall,
} from './query.js';

const TOO_MANY_COLUMNS = '54011';
const STATEMENT_TOO_COMPLEX = '54001';
const TOO_MANY_ARGUMENTS = '54023';

/** What one SELECT level collects for GROUP BY and windows while its clauses are analyzed. */
export interface SelectLevel {
  /** PostgreSQL's p_windowdefs: the WINDOW clause's definitions, then each new inline OVER (...). */
  readonly windowDefs: PNode[];
  /** How many of windowDefs came from the WINDOW clause. */
  readonly named: number;
  readonly windowFuncs: WindowFuncCall[];
  /** GROUPING() calls: their `refs` are filled in when the GROUP BY is known. */
  readonly groupingFuncs: { readonly refs: number[]; readonly args: readonly Expr[] }[];
}

/** Starts a SELECT level (transformSelectStmt sets p_windowdefs to the WINDOW clause). */
export function beginSelectLevel(ps: ParseState, windowClause: PNode[] | undefined): SelectLevel {
  const defs = (windowClause ?? []).map((w) => w.WindowDef as PNode);
  const level: SelectLevel = {
    windowDefs: defs,
    named: defs.length,
    windowFuncs: [],
    groupingFuncs: [],
  };
  ps.selectLevel = level;
  return level;
}

// ---------------------------------------------------------------- GROUPING()

/** GROUPING(a, b, ...): an int4 bit mask; its arguments are checked against GROUP BY later (G2). */
export function transformGroupingFunc(ps: ParseState, n: PNode): Expr {
  const loc: number = n.location;
  const argNodes: PNode[] = n.args ?? [];
  if (argNodes.length >= 32) {
    throw errorAt(ps, TOO_MANY_ARGUMENTS, 'GROUPING must have fewer than 32 arguments', loc);
  }
  if (ps.inAggregate) {
    throw errorAt(ps, Code.GROUPING_ERROR, 'aggregate function calls cannot be nested', loc);
  }
  const level = ps.selectLevel;
  if (ps.aggregates === undefined || level === undefined) {
    const kind = ps.exprKind === 'JOIN/ON' ? 'JOIN conditions' : ps.exprKind;
    throw errorAt(ps, Code.GROUPING_ERROR, `grouping operations are not allowed in ${kind}`, loc);
  }
  const saved = ps.inAggregate;
  let args: Expr[];
  try {
    ps.inAggregate = true;
    args = argNodes.map((a) => transformExpr(ps, a));
  } finally {
    ps.inAggregate = saved;
  }
  const refs: number[] = [];
  level.groupingFuncs.push({ refs, args });
  const g: GroupingFunc = { kind: 'groupingfunc', refs, type: TypeOid.int4, typmod: -1 };
  ps.locations.set(g, loc);
  return g;
}

// ---------------------------------------------------------------- GROUP BY

/** A grouping set while the GROUP BY is transformed (PostgreSQL's GroupingSet, contents as target indexes). */
type GSet =
  | { readonly kind: 'empty' }
  | { readonly kind: 'simple'; readonly refs: readonly number[] }
  | { readonly kind: 'rollup' | 'cube' | 'sets'; readonly content: readonly GSet[] };

/** A raw item after flatten_grouping_sets: an expression, a list of them (a row), or a grouping set. */
type Flat =
  | { readonly kind: 'expr'; readonly node: PNode }
  | { readonly kind: 'list'; readonly items: readonly Flat[] }
  | {
      readonly kind: 'gset';
      readonly set: 'empty' | 'rollup' | 'cube' | 'sets';
      readonly content: readonly Flat[];
      readonly location: number;
    };

const GSET_KINDS: Readonly<Record<string, 'empty' | 'rollup' | 'cube' | 'sets'>> = {
  GROUPING_SET_EMPTY: 'empty',
  GROUPING_SET_ROLLUP: 'rollup',
  GROUPING_SET_CUBE: 'cube',
  GROUPING_SET_SETS: 'sets',
};

/** flatten_grouping_sets: implicit rows become lists, nested GROUPING SETS merge, top-level () vanish. */
function flatten(node: PNode, toplevel: boolean, has: { sets: boolean }): Flat[] {
  if (node.RowExpr && node.RowExpr.row_format === 'COERCE_IMPLICIT_CAST') {
    const items = ((node.RowExpr.args ?? []) as PNode[]).flatMap((a) => flatten(a, false, has));
    return toplevel ? items : [{ kind: 'list', items }];
  }
  if (node.GroupingSet) {
    const g = node.GroupingSet;
    has.sets = true;
    const kind = GSET_KINDS[g.kind]!;
    if (toplevel && kind === 'empty') return [];
    const content: Flat[] = [];
    for (const c of (g.content ?? []) as PNode[]) {
      content.push(...flatten(c, false, has));
    }
    if (toplevel || kind !== 'sets')
      return [{ kind: 'gset', set: kind, content, location: g.location }];
    return content;
  }
  return [{ kind: 'expr', node }];
}

/** What the GROUP BY analysis needs from the statement's analysis. */
export interface GroupContext {
  readonly targetList: TargetEntry[];
  readonly sort: readonly SortClause[];
  /** Makes a junk target entry for an expression GROUP BY adds (origin and all). */
  readonly junk: (expr: Expr, name: string) => TargetEntry;
  /** The column name figureColname gives a node. */
  readonly colname: (node: PNode) => string;
}

/**
 * transformGroupClause: the GROUP BY items' target indexes (`group`, each
 * once, in order of appearance; junk entries appended for expressions not
 * selected) and, with GROUPING SETS / ROLLUP / CUBE / (), the expanded sets.
 */
export function transformGroupClause(
  ps: ParseState,
  items: PNode[] | undefined,
  distinct: boolean,
  cx: GroupContext,
): { group?: number[]; groupingSets?: number[][] } {
  if (!items || items.length === 0) return {};
  const saved = { exprKind: ps.exprKind, aggregates: ps.aggregates };
  ps.exprKind = 'GROUP BY';
  ps.aggregates = undefined;
  try {
    const has = { sets: false };
    let flat = items.flatMap((i) => flatten(i, true, has));
    if (flat.length === 0 && has.sets) {
      flat = [{ kind: 'gset', set: 'empty', content: [], location: -1 }];
    }
    const group: number[] = [];
    const gsets: GSet[] = [];
    const seenLocal = new Set<number>();
    const exprRef = (node: PNode): number => {
      const i = groupTarget(ps, node, cx);
      if (!group.includes(i)) group.push(i);
      return i;
    };
    const listRefs = (list: readonly Flat[]): number[] => {
      const seen: number[] = [];
      for (const f of list) {
        if (f.kind !== 'expr') continue;
        const r = exprRef(f.node);
        if (!seen.includes(r)) seen.push(r);
      }
      return seen;
    };
    const transformSet = (f: Flat & { kind: 'gset' }): GSet => {
      if (f.set === 'empty') return { kind: 'empty' };
      const content: GSet[] = f.content.map((c): GSet => {
        if (c.kind === 'list') return { kind: 'simple', refs: listRefs(c.items) };
        if (c.kind === 'gset') return transformSet(c);
        return { kind: 'simple', refs: [exprRef(c.node)] };
      });
      if (f.set === 'cube' && content.length > 12) {
        throw errorAt(ps, TOO_MANY_COLUMNS, 'CUBE is limited to 12 elements', f.location);
      }
      return { kind: f.set, content };
    };
    for (const f of flat) {
      if (f.kind === 'gset') {
        gsets.push(transformSet(f));
      } else if (f.kind === 'expr') {
        const r = groupTarget(ps, f.node, cx);
        if (seenLocal.has(r)) continue;
        seenLocal.add(r);
        if (!group.includes(r)) group.push(r);
        if (has.sets) gsets.push({ kind: 'simple', refs: [r] });
      }
    }
    if (!has.sets) {
      if (distinct) {
        // GROUP BY DISTINCT without grouping sets is a plain GROUP BY
      }
      return { group };
    }
    const rank = sortGroupRefRank(cx.sort, group);
    const expanded = expandGroupingSets(gsets, distinct, rank);
    if (expanded === undefined) {
      throw new PositionedSqlError(
        STATEMENT_TOO_COMPLEX,
        'too many grouping sets present (maximum 4096)',
      );
    }
    // One non-empty set is a plain GROUP BY.
    if (expanded.length === 1 && group.length > 0) return { group };
    return { group, groupingSets: expanded };
  } finally {
    ps.exprKind = saved.exprKind;
    ps.aggregates = saved.aggregates;
  }
}

/**
 * The order PostgreSQL numbers targets' ressortgroupref in (ORDER BY's
 * first, then GROUP BY's): GROUP BY DISTINCT sorts sets by these numbers.
 */
function sortGroupRefRank(
  sort: readonly SortClause[],
  group: readonly number[],
): Map<number, number> {
  const rank = new Map<number, number>();
  for (const s of sort) if (!rank.has(s.index)) rank.set(s.index, rank.size + 1);
  for (const g of group) if (!rank.has(g)) rank.set(g, rank.size + 1);
  return rank;
}

/**
 * findTargetlistEntrySQL92 for GROUP BY: a bare name that is not an input
 * column names an output column; an integer constant is a position;
 * otherwise the expression, matched against the target list or added as
 * a junk entry.
 */
function groupTarget(ps: ParseState, node: PNode, cx: GroupContext): number {
  const tl = cx.targetList;
  const visible = tl.filter((t) => !t.junk).length;
  const cref = node.ColumnRef;
  if (cref && cref.fields.length === 1 && cref.fields[0].String) {
    const name = cref.fields[0].String.sval as string;
    const isInput = ps.scope.some(
      (s) => s.colsVisible !== false && s.rte.columnNames.includes(name),
    );
    if (!isInput) {
      let match = -1;
      for (let i = 0; i < visible; i++) {
        if (tl[i]!.name !== name) continue;
        if (match >= 0 && !sameExpr(tl[match]!.expr, tl[i]!.expr)) {
          throw errorAt(
            ps,
            Code.AMBIGUOUS_COLUMN,
            `GROUP BY "${name}" is ambiguous`,
            cref.location,
          );
        }
        if (match < 0) match = i;
      }
      if (match >= 0) return checkSql92(ps, tl[match]!.expr, match);
    }
  }
  const c = node.A_Const;
  if (c) {
    if (c.ival !== undefined) {
      const pos = Number(c.ival.ival ?? 0);
      if (pos < 1 || pos > visible) {
        throw errorAt(
          ps,
          Code.INVALID_COLUMN_REFERENCE,
          `GROUP BY position ${pos} is not in select list`,
          c.location,
        );
      }
      return checkSql92(ps, tl[pos - 1]!.expr, pos - 1);
    }
    throw errorAt(ps, Code.SYNTAX_ERROR, 'non-integer constant in GROUP BY', c.location);
  }
  let e = transformExpr(ps, node);
  for (let i = 0; i < tl.length; i++) {
    if (sameExpr(stripImplicit(tl[i]!.expr), e)) return i;
  }
  if (e.type === UNKNOWN) e = coerceTo(ps, e, TypeOid.text, -1, 'i', false)!;
  tl.push(cx.junk(e, cx.colname(node)));
  return tl.length - 1;
}

/** checkTargetlistEntrySQL92: a select-list entry named by GROUP BY must not hold an aggregate or window function. */
function checkSql92(ps: ParseState, e: Expr, index: number): number {
  const find = (x: Expr, kind: 'aggref' | 'windowfunc'): Expr | undefined => {
    if (x.kind === kind || (kind === 'aggref' && x.kind === 'groupingfunc')) return x;
    let found: Expr | undefined;
    forEachChild(x, (c) => {
      found ??= find(c, kind);
    });
    return found;
  };
  const agg = find(e, 'aggref');
  if (agg) {
    throw errorAt(
      ps,
      Code.GROUPING_ERROR,
      'aggregate functions are not allowed in GROUP BY',
      exprLocation(ps, agg),
    );
  }
  const win = find(e, 'windowfunc');
  if (win) {
    throw errorAt(
      ps,
      '42P20',
      'window functions are not allowed in GROUP BY',
      exprLocation(ps, win),
    );
  }
  return index;
}

// ---------------------------------------------------------------- expand_grouping_sets

function expandNode(g: GSet): number[][] {
  switch (g.kind) {
    case 'empty':
      return [[]];
    case 'simple':
      return [[...g.refs]];
    case 'rollup': {
      const parts = g.content.map((c) => (c.kind === 'simple' ? c.refs : []));
      const out: number[][] = [];
      for (let size = parts.length; size > 0; size--) out.push(parts.slice(0, size).flat());
      out.push([]);
      return out;
    }
    case 'cube': {
      const parts = g.content.map((c) => (c.kind === 'simple' ? c.refs : []));
      const out: number[][] = [];
      for (let i = 0; i < 1 << parts.length; i++) {
        out.push(parts.flatMap((p, bit) => ((i >> bit) & 1 ? p : [])));
      }
      return out;
    }
    case 'sets':
      return g.content.flatMap(expandNode);
  }
}

/** list_union_int: `a` then the members of `b` not in it, duplicates dropped. */
function unionInt(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (const x of [...a, ...b]) if (!out.includes(x)) out.push(x);
  return out;
}

/**
 * expand_grouping_sets: the cartesian product of the items' expansions,
 * sorted by size (GROUP BY DISTINCT: by contents too, duplicates
 * removed); undefined past 4096 sets.
 */
export function expandGroupingSets(
  gsets: readonly GSet[],
  distinct: boolean,
  rank: ReadonlyMap<number, number>,
): number[][] | undefined {
  const expanded: number[][][] = [];
  let numsets = 1;
  for (const g of gsets) {
    const e = expandNode(g);
    numsets *= e.length;
    if (numsets > 4096) return undefined;
    expanded.push(e);
  }
  let result = expanded[0]!.map((s) => unionInt([], s));
  for (const p of expanded.slice(1)) {
    const next: number[][] = [];
    for (const q of result) for (const s of p) next.push(unionInt(q, s));
    result = next;
  }
  if (!distinct || result.length < 2) {
    pgQsort(result, (a, b) => a.length - b.length);
    return result;
  }
  const r = (x: number) => rank.get(x) ?? 0;
  for (const s of result) pgQsort(s, (a, b) => r(a) - r(b));
  pgQsort(result, (a, b) => {
    if (a.length !== b.length) return a.length - b.length;
    for (let i = 0; i < a.length; i++) {
      const d = r(a[i]!) - r(b[i]!);
      if (d !== 0) return d;
    }
    return 0;
  });
  return result.filter((s, i) => i === 0 || !sameList(s, result[i - 1]!));
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * PostgreSQL's qsort (src/include/lib/sort_template.h, Bentley & McIlroy's
 * "Engineering a Sort Function"): not stable, so equal-sized grouping sets
 * keep PostgreSQL's order only when sorted with the same algorithm.
 */
export function pgQsort<T>(arr: T[], cmp: (a: T, b: T) => number): void {
  const swap = (i: number, j: number) => {
    const t = arr[i]!;
    arr[i] = arr[j]!;
    arr[j] = t;
  };
  const swapn = (i: number, j: number, n: number) => {
    for (let k = 0; k < n; k++) swap(i + k, j + k);
  };
  const c = (i: number, j: number) => cmp(arr[i]!, arr[j]!);
  const med3 = (a: number, b: number, d: number) =>
    c(a, b) < 0 ? (c(b, d) < 0 ? b : c(a, d) < 0 ? d : a) : c(b, d) > 0 ? b : c(a, d) < 0 ? a : d;
  const sort = (start: number, count: number): void => {
    let a = start;
    let n = count;
    for (;;) {
      if (n < 7) {
        for (let pm = a + 1; pm < a + n; pm++)
          for (let pl = pm; pl > a && c(pl - 1, pl) > 0; pl--) swap(pl, pl - 1);
        return;
      }
      let presorted = true;
      for (let pm = a + 1; pm < a + n; pm++) {
        if (c(pm - 1, pm) > 0) {
          presorted = false;
          break;
        }
      }
      if (presorted) return;
      let pm = a + Math.floor(n / 2);
      if (n > 7) {
        let pl = a;
        let pn = a + n - 1;
        if (n > 40) {
          const d = Math.floor(n / 8);
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(a, pm);
      let pa = a + 1;
      let pb = pa;
      let pc = a + n - 1;
      let pd = pc;
      for (;;) {
        while (pb <= pc) {
          const r = c(pb, a);
          if (r > 0) break;
          if (r === 0) {
            swap(pa, pb);
            pa++;
          }
          pb++;
        }
        while (pb <= pc) {
          const r = c(pc, a);
          if (r < 0) break;
          if (r === 0) {
            swap(pc, pd);
            pd--;
          }
          pc--;
        }
        if (pb > pc) break;
        swap(pb, pc);
        pb++;
        pc--;
      }
      const pn = a + n;
      let d1 = Math.min(pa - a, pb - pa);
      swapn(a, pb - d1, d1);
      d1 = Math.min(pd - pc, pn - pd - 1);
      swapn(pb, pn - d1, d1);
      d1 = pb - pa;
      const d2 = pd - pc;
      if (d1 <= d2) {
        if (d1 > 1) sort(a, d1);
        if (d2 > 1) {
          a = pn - d2;
          n = d2;
          continue;
        }
      } else {
        if (d2 > 1) sort(pn - d2, d2);
        if (d1 > 1) {
          n = d1;
          continue;
        }
      }
      return;
    }
  };
  sort(0, arr.length);
}

// ---------------------------------------------------------------- HAVING

/** HAVING: a boolean condition over group keys and aggregates. */
export function transformHaving(ps: ParseState, node: PNode | undefined): Expr | undefined {
  if (!node) return undefined;
  const saved = ps.exprKind;
  ps.exprKind = 'HAVING';
  try {
    return coerceToBoolean(ps, transformExpr(ps, node), 'HAVING');
  } finally {
    ps.exprKind = saved;
  }
}

// ---------------------------------------------------------------- parseCheckAggregates

/** The parts of a SELECT the grouping checks read. */
export interface GroupedQuery {
  readonly targetList: readonly TargetEntry[];
  readonly having?: Expr | undefined;
  readonly group?: readonly number[] | undefined;
  readonly groupingSets?: readonly (readonly number[])[] | undefined;
  readonly windows: readonly WindowClause[];
  /** The level's aggregates: an ordered-set aggregate's direct arguments are checked as grouped expressions. */
  readonly aggregates?: readonly AggregateCall[];
}

/**
 * parseCheckAggregates for a grouped SELECT: GROUPING() arguments resolved
 * to target indexes (G2), then every column reference checked (G1), in
 * PostgreSQL's order: target list, window definitions, HAVING.
 */
export function checkGrouping(ps: ParseState, level: SelectLevel, q: GroupedQuery): void {
  const group = q.group ?? [];
  const groupExprs = group.map((i) => ({ index: i, expr: q.targetList[i]!.expr }));
  // G2
  for (const g of level.groupingFuncs) {
    for (const arg of g.args) {
      let ref = -1;
      if (arg.kind === 'var') {
        if ((arg.levelsUp ?? 0) === 0) {
          const m = groupExprs.find(
            (x) =>
              x.expr.kind === 'var' &&
              x.expr.rt === arg.rt &&
              x.expr.attnum === arg.attnum &&
              (x.expr.levelsUp ?? 0) === 0,
          );
          if (m) ref = m.index;
        }
      } else {
        const m = groupExprs.find((x) => sameExpr(x.expr, arg));
        if (m) ref = m.index;
      }
      if (ref < 0) {
        throw errorAt(
          ps,
          Code.GROUPING_ERROR,
          'arguments to GROUPING must be grouping expressions of the associated query level',
          leftmostLocation(ps, arg),
        );
      }
      g.refs.push(ref);
    }
  }
  // G1: the grouped Vars common to every grouping set justify functional dependencies.
  let common = group;
  if (q.groupingSets) {
    common = [...(q.groupingSets[0] ?? [])];
    for (const s of q.groupingSets.slice(1)) common = common.filter((x) => s.includes(x));
  }
  const commonVars = common
    .map((i) => q.targetList[i]!.expr)
    .filter((e) => e.kind === 'var' && (e.levelsUp ?? 0) === 0);
  const dependent = (rt: number): boolean => {
    const entry = ps.scope.find((s) => s.rt === rt && s.rte.kind === 'relation');
    if (!entry) return false;
    const pk = entry.relation.indexes.find((ix) => ix.primary);
    if (!pk) return false;
    return pk.columns
      .slice(0, pk.nkeys)
      .every((col) => commonVars.some((v) => v.kind === 'var' && v.rt === rt && v.attnum === col));
  };
  const rtable = ps.rtable;
  let inDirectArgs = false;
  const visit = (e: Expr, depth: number): void => {
    if (
      depth === 0 &&
      e.kind !== 'var' &&
      groupExprs.some((x) => x.expr.kind !== 'var' && sameExpr(x.expr, e))
    )
      return;
    switch (e.kind) {
      case 'aggref': {
        // check_ungrouped_columns_walker: direct arguments as though they were not in an aggregate
        const call = (e.levelsUp ?? 0) === depth ? q.aggregates?.[e.index] : undefined;
        if (call?.aggkind !== undefined && !inDirectArgs) {
          inDirectArgs = true;
          for (const a of call.args) visit(a, depth);
          inDirectArgs = false;
        }
        return;
      }
      case 'groupingfunc':
        return;
      case 'var': {
        if ((e.levelsUp ?? 0) !== depth) return;
        if (
          groupExprs.some(
            (x) =>
              x.expr.kind === 'var' &&
              x.expr.rt === e.rt &&
              x.expr.attnum === e.attnum &&
              (x.expr.levelsUp ?? 0) === 0,
          )
        )
          return;
        if (dependent(e.rt)) return;
        const rte = rtable?.[e.rt];
        const name = rte ? `${rte.alias}.${rte.columnNames[e.attnum - 1]}` : `${e.attnum}`;
        throw errorAt(
          ps,
          Code.GROUPING_ERROR,
          depth === 0
            ? `column "${name}" must appear in the GROUP BY clause or be used in an aggregate function`
            : `subquery uses ungrouped column "${name}" from outer query`,
          exprLocation(ps, e),
          inDirectArgs
            ? {
                detail:
                  'Direct arguments of an ordered-set aggregate must use only grouped columns.',
              }
            : {},
        );
      }
      case 'windowfunc': {
        const call = level.windowFuncs[e.index];
        if (call) {
          for (const a of call.args) visit(a, depth);
          if (call.filter) visit(call.filter, depth);
        }
        return;
      }
      case 'sublink':
        if (e.testExpr) visit(e.testExpr, depth);
        visitQuery(e.query, depth + 1);
        return;
      default:
        forEachChild(e, (child) => visit(child, depth));
    }
  };
  const visitQuery = (sub: SelectQuery, depth: number): void => {
    const all: Expr[] = [];
    for (const t of sub.targetList) all.push(t.expr);
    if (sub.where) all.push(sub.where);
    if (sub.having) all.push(sub.having);
    for (const a of sub.aggregates ?? []) {
      all.push(...a.args);
      if (a.filter) all.push(a.filter);
      for (const o of a.order ?? []) all.push(o.expr);
    }
    for (const w of sub.windowFuncs ?? []) {
      all.push(...w.args);
      if (w.filter) all.push(w.filter);
    }
    for (const w of sub.windows ?? []) {
      all.push(...w.partition, ...w.order.map((o) => o.expr));
    }
    for (const rte of sub.rtable) {
      if (rte.kind === 'subquery') visitQuery(rte.query, depth + 1);
      else if (rte.kind === 'join' && rte.quals) all.push(rte.quals);
      else if (rte.kind === 'function') all.push(rte.call);
      else if (rte.kind === 'values') for (const r of rte.rows) all.push(...r);
    }
    for (const x of all) visit(x, depth);
  };
  for (const t of q.targetList) visit(t.expr, 0);
  // transformWindowDefinitions adds each window's ORDER BY before its PARTITION BY to the target list
  for (const w of q.windows) {
    for (const o of w.order) visit(o.expr, 0);
    for (const p of w.partition) visit(p, 0);
  }
  if (q.having) visit(q.having, 0);
}

/** PostgreSQL's exprLocation: an operator's or coercion's position is its leftmost operand's when earlier. */
function leftmostLocation(ps: ParseState, e: Expr): number | undefined {
  const own = exprLocation(ps, e);
  let first: Expr | undefined;
  switch (e.kind) {
    case 'op':
    case 'bool':
    case 'distinct':
    case 'nullif':
      first = e.args[0];
      break;
    case 'scalararrayop':
      first = e.scalar;
      break;
    case 'coerce':
      first = e.arg;
      break;
    default:
      return own;
  }
  const inner = first ? leftmostLocation(ps, first) : undefined;
  if (own === undefined) return inner;
  return inner !== undefined && inner < own ? inner : own;
}

/** Parameter types inferred late, applied to the parts of a SELECT this module produces. */
export function fixGroupingParams(
  fix: (e: Expr) => Expr,
  q: SelectQuery,
): Partial<Pick<SelectQuery, 'having' | 'windowFuncs' | 'windows'>> {
  const fixAgg = <
    A extends { args: readonly Expr[]; filter?: Expr; order?: readonly { expr: Expr }[] },
  >(
    a: A,
  ): A => ({
    ...a,
    args: a.args.map(fix),
    ...(a.filter ? { filter: fix(a.filter) } : {}),
    ...(a.order ? { order: a.order.map((o) => ({ ...o, expr: fix(o.expr) })) } : {}),
  });
  return {
    ...(q.having ? { having: fix(q.having) } : {}),
    ...(q.windowFuncs
      ? {
          windowFuncs: q.windowFuncs.map((w) => ({
            ...fixAgg(w),
            ...(w.aggregate ? { aggregate: fixAgg(w.aggregate) } : {}),
          })),
        }
      : {}),
    ...(q.windows
      ? {
          windows: q.windows.map((w) => ({
            ...w,
            partition: w.partition.map(fix),
            order: w.order.map((o) => ({ ...o, expr: fix(o.expr) })),
            frame: {
              ...w.frame,
              start: w.frame.start.offset
                ? { ...w.frame.start, offset: fix(w.frame.start.offset) }
                : w.frame.start,
              end: w.frame.end.offset
                ? { ...w.frame.end, offset: fix(w.frame.end.offset) }
                : w.frame.end,
            },
          })),
        }
      : {}),
  };
}
