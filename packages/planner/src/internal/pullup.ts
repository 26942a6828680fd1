/**
 * pull_up_subqueries (prepjointree.c): a simple sub-SELECT in FROM is
 * merged into the query that reads it, so its tables join with the rest
 * and no Subquery Scan remains. The rewrite runs once over the whole query
 * tree before planning (every level, sub-SELECTs and WITH queries
 * included); the planner plans the rewritten tree and EXPLAIN names what
 * it shows from the same tree (PlannedSelect.query).
 *
 * A sub-SELECT is simple (is_simple_subquery) when it has a FROM list and
 * no aggregates, GROUP BY, HAVING, window functions, set operation,
 * ORDER BY, DISTINCT, LIMIT/OFFSET, FOR UPDATE, WITH, and no set-returning
 * or volatile function in its target list. Pulling it up:
 *
 *   1. its range-table entries are appended to the parent's (their Vars,
 *      at any depth inside them, shift by the parent's table size; Vars
 *      and CTE references of levels above it come down one level);
 *   2. in the parent's FROM tree its reference becomes its FROM items
 *      (a top-level item: spliced into the list; inside a JOIN: its one
 *      item, or an inner join of its items);
 *   3. its WHERE goes to the parent's WHERE when no outer join can null
 *      it, else into the ON condition of the join right above it (an
 *      inner join, or the nullable side of a LEFT/RIGHT join), where it
 *      filters the same rows;
 *   4. every reference to its output columns (Vars of the sub-SELECT's
 *      entry, at any depth) is replaced by its target expressions.
 *
 * Differences from PostgreSQL: under the nullable side of an outer join a
 * sub-SELECT is pulled up only when every output column is a plain column
 * or a strict expression over one (PostgreSQL wraps other expressions in
 * PlaceHolderVars, which this planner does not have), and a LATERAL one
 * only outside outer joins.
 * Inlined WITH queries (referenced once, or NOT MATERIALIZED, PostgreSQL
 * 12+) become sub-SELECTs first and are pulled up the same way.
 */
import {
  type CommonTableExpr,
  type Expr,
  type JoinRte,
  liftLevels as lift,
  type VarMapOps as Ops,
  type RangeTblEntry,
  type SelectQuery,
  type Var,
  mapExprVars as xExpr,
  mapQueryVars as xQuery,
  mapRteVars as xRte,
} from '@pg/sql';
import { andOf, contains, flattenAnd, hasSrf, isVolatile, mapChildren } from './exprs.js';

/**
 * Moves an expression (or entry) of a sub-SELECT pulled up into its parent:
 * its own Vars (levelsUp = depth) shift by `off`, Vars and WITH references
 * of the levels above it come down one level.
 */
function moveOps(off: number): Ops {
  return {
    v: (v, d) => {
      const lu = v.levelsUp ?? 0;
      if (lu < d) return v;
      if (lu === d) return { ...v, rt: v.rt + off };
      return lu - 1 === 0 ? stripLevels(v) : { ...v, levelsUp: lu - 1 };
    },
    c: (c, d) => (c.levelsUp > d ? { ...c, levelsUp: c.levelsUp - 1 } : c),
  };
}

function stripLevels(v: Var): Var {
  return { kind: 'var', rt: v.rt, attnum: v.attnum, type: v.type, typmod: v.typmod };
}

/** Whether a sub-SELECT can be merged into its parent (is_simple_subquery). */
function isSimple(q: SelectQuery): boolean {
  return (
    q.setOp === undefined &&
    (q.aggregates?.length ?? 0) === 0 &&
    q.group === undefined &&
    q.groupingSets === undefined &&
    q.having === undefined &&
    (q.windowFuncs?.length ?? 0) === 0 &&
    q.sort.length === 0 &&
    q.distinct === undefined &&
    q.limit === undefined &&
    q.offset === undefined &&
    q.rowMarks.length === 0 &&
    (q.ctes?.length ?? 0) === 0 &&
    (q.from.length > 0 || valuesResult(q)) &&
    q.targetList.every((t) => !t.junk && !hasSrf(t.expr) && !isVolatileDeep(t.expr))
  );
}

/** A level whose one-row VALUES became a Result (pullUpSimpleValues): no FROM left. */
function valuesResult(q: SelectQuery): boolean {
  return q.from.length === 0 && q.rtable.length === 1 && q.rtable[0]?.kind === 'values';
}

/** A recursive WITH query's one-row VALUES members made Results (nothing else is pulled up there). */
function valuesLeaves(q: SelectQuery): SelectQuery {
  if (q.setOp === undefined) return q;
  return {
    ...q,
    rtable: q.rtable.map(
      (r): RangeTblEntry =>
        r.kind === 'subquery' ? { ...r, query: pullUpSimpleValues(r.query) } : r,
    ),
  };
}

/**
 * pull_up_simple_values: a level whose only FROM item is a one-row VALUES
 * (without set-returning or volatile functions) computes that row in a
 * Result; its columns' references become the row's expressions. The
 * entry stays in the range table, unreferenced.
 */
function pullUpSimpleValues(q: SelectQuery): SelectQuery {
  if (q.setOp !== undefined || q.from.length !== 1 || q.rtable.length !== 1) return q;
  const rt = q.from[0] as number;
  const rte = q.rtable[rt];
  if (rte?.kind !== 'values' || rte.rows.length !== 1) return q;
  const row = rte.rows[0] as readonly Expr[];
  if (row.some((e) => hasSrf(e) || isVolatileDeep(e))) return q;
  const subst: Ops = {
    v: (v, d) => {
      if (v.rt !== rt || (v.levelsUp ?? 0) !== d) return v;
      const e = row[v.attnum - 1];
      if (e === undefined) throw new Error(`VALUES pull-up: column ${v.attnum}`);
      return lift(e, d);
    },
  };
  return xQuery({ ...q, from: [] }, 0, subst);
}

/** Volatile functions anywhere in `e`, inside its sub-SELECTs too (contain_volatile_functions). */
function isVolatileDeep(e: Expr): boolean {
  let found = false;
  const look = (x: Expr): Expr => {
    if (isVolatile(x)) found = true;
    return x;
  };
  const visit = (x: Expr): void => {
    look(x);
    walkSublinks(x, (q) => {
      for (const t of q.targetList) visit(t.expr);
      if (q.where !== undefined) visit(q.where);
      if (q.having !== undefined) visit(q.having);
      for (const r of q.rtable) {
        if (r.kind === 'join' && r.quals !== undefined) visit(r.quals);
        if (r.kind === 'function') visit(r.call);
        if (r.kind === 'subquery') for (const t of r.query.targetList) visit(t.expr);
      }
    });
  };
  visit(e);
  return found;
}

function walkSublinks(e: Expr, f: (q: SelectQuery) => void): void {
  contains(e, (x) => {
    if (x.kind === 'sublink') f(x.query);
    return false;
  });
}

/** A column of this level, or a strict expression containing one (NULL when its columns are). */
function nullsWithRow(e: Expr): boolean {
  if (e.kind === 'var') return !e.levelsUp;
  if (!strictTree(e)) return false;
  return contains(e, (x) => x.kind === 'var' && !x.levelsUp);
}

/** contain_nonstrict_functions's complement: operators and functions that are all strict. */
function strictTree(e: Expr): boolean {
  switch (e.kind) {
    case 'var':
    case 'const':
    case 'param':
      return true;
    case 'func':
    case 'op':
      return e.fn.strict && e.fn.retset !== true && e.args.every(strictTree);
    default:
      return false;
  }
}

/** Whether a WITH query is inlined (PostgreSQL 12+): as the planner decides in planCtes. */
export type InlineCte = (cte: CommonTableExpr) => boolean;

/**
 * The query tree with every simple sub-SELECT in FROM (at every level)
 * pulled up into its parent, and inlined WITH references turned into
 * sub-SELECTs first.
 */
export function pullUpSubqueries(q: SelectQuery, inline: InlineCte): SelectQuery {
  // the levels below first: sub-SELECTs in expressions, in FROM, WITH queries
  let cur = pullUpSimpleValues(rewriteNested(q, inline));
  if (cur.setOp !== undefined || cur.rowMarks.length > 0) return cur;
  // inlined WITH references of this level become sub-SELECTs
  const ctes = cur.ctes;
  if (ctes !== undefined && ctes.length > 0) {
    const rtable = cur.rtable.map((rte): RangeTblEntry => {
      if (rte.kind !== 'cte' || rte.levelsUp !== 0 || rte.self) return rte;
      const cte = ctes[rte.index];
      if (cte === undefined || cte.recursive || !inline(cte)) return rte;
      return {
        kind: 'subquery',
        alias: rte.alias,
        columnNames: rte.columnNames,
        query: pullUpSubqueries(cte.query, inline),
      };
    });
    cur = { ...cur, rtable };
  }
  // pulled-up WHERE conditions come first, in FROM order (deconstruct_jointree meets them first)
  let pulled = 0;
  for (;;) {
    const next = pullUpOne(cur, pulled);
    if (next === undefined) return cur;
    cur = next.query;
    pulled += next.quals;
  }
}

/** `q` with pull-up applied inside every nested query (not to `q` itself). */
function rewriteNested(q: SelectQuery, inline: InlineCte): SelectQuery {
  const sub = (s: SelectQuery) => pullUpSubqueries(s, inline);
  const ex = (e: Expr): Expr => {
    if (e.kind === 'sublink') {
      const query = sub(e.query);
      return e.testExpr === undefined ? { ...e, query } : { ...e, query, testExpr: ex(e.testExpr) };
    }
    return mapChildren(e, ex);
  };
  const out: { -readonly [K in keyof SelectQuery]: SelectQuery[K] } = {
    ...q,
    rtable: q.rtable.map((r): RangeTblEntry => {
      switch (r.kind) {
        case 'subquery':
          return { ...r, query: sub(r.query) };
        case 'join':
          return {
            ...r,
            ...(r.quals === undefined ? {} : { quals: ex(r.quals) }),
            columns: r.columns.map(ex),
          };
        default:
          return r;
      }
    }),
    targetList: q.targetList.map((t) => ({ ...t, expr: ex(t.expr) })),
  };
  if (q.where !== undefined) out.where = ex(q.where);
  if (q.having !== undefined) out.having = ex(q.having);
  if (q.ctes !== undefined)
    out.ctes = q.ctes.map((c) =>
      c.recursive ? { ...c, query: valuesLeaves(c.query) } : { ...c, query: sub(c.query) },
    );
  return out;
}

interface Site {
  /** Under the nullable side of some outer join. */
  readonly nullable: boolean;
  /** The JoinRte right above the reference, and which side it is on. */
  readonly join?: { readonly rt: number; readonly side: 'left' | 'right' };
}

/**
 * Pulls up the first simple sub-SELECT in FROM (its WHERE conjuncts going
 * to WHERE at position `at`); undefined when there is none.
 */
function pullUpOne(q: SelectQuery, at: number): { query: SelectQuery; quals: number } | undefined {
  const sites: { rt: number; site: Site }[] = [];
  const visit = (rt: number, site: Site) => {
    const rte = q.rtable[rt];
    if (rte?.kind === 'join') {
      const jt = rte.joinType;
      visit(rte.left, {
        nullable: site.nullable || jt === 'right' || jt === 'full',
        join: { rt, side: 'left' },
      });
      visit(rte.right, {
        nullable: site.nullable || jt === 'left' || jt === 'full',
        join: { rt, side: 'right' },
      });
    } else if (rte?.kind === 'subquery') sites.push({ rt, site });
  };
  for (const rt of q.from) visit(rt, { nullable: false });
  for (const { rt, site } of sites) {
    const out = tryPullUp(q, rt, site, at);
    if (out !== undefined) return out;
  }
  return undefined;
}

function tryPullUp(
  q: SelectQuery,
  rt: number,
  site: Site,
  at: number,
): { query: SelectQuery; quals: number } | undefined {
  const rte = q.rtable[rt];
  if (rte?.kind !== 'subquery') return undefined;
  const sub = rte.query;
  if (!isSimple(sub)) return undefined;
  // a VALUES turned Result leaves nothing to put in the join tree: only at the top of FROM
  if (sub.from.length === 0 && site.join !== undefined) return undefined;
  if (site.nullable && rte.lateral === true) return undefined;
  const targets = sub.targetList.filter((t) => !t.junk);
  // PlaceHolderVars are not implemented: under an outer join, only outputs that go to NULL
  // with the row (pullup_replace_vars_callback's no-wrap cases: a column, or a strict
  // expression over a column of the sub-SELECT)
  if (site.nullable && !targets.every((t) => nullsWithRow(t.expr))) return undefined;
  const join = site.join === undefined ? undefined : q.rtable[site.join.rt];
  const joinQualsOk =
    join?.kind === 'join' &&
    (join.joinType === 'inner' ||
      (join.joinType === 'left' && site.join?.side === 'right') ||
      (join.joinType === 'right' && site.join?.side === 'left'));
  if (site.nullable && sub.where !== undefined && !joinQualsOk && sub.from.length < 2)
    return undefined;

  const off = q.rtable.length;
  const mv = moveOps(off);
  const rtable: RangeTblEntry[] = [...q.rtable];
  for (const r of sub.rtable) {
    const moved = xRte(r, 0, mv);
    rtable.push(
      moved.kind === 'join'
        ? { ...moved, left: moved.left + off, right: moved.right + off }
        : moved,
    );
  }
  const where = sub.where === undefined ? undefined : xExpr(sub.where, 0, mv);
  const exprs = targets.map((t) => xExpr(t.expr, 0, mv));
  const items = sub.from.map((f) => f + off);

  // the reference's replacement in the FROM tree
  const from = [...q.from];
  let extraWhere: Expr | undefined;
  const topIndex = site.join === undefined ? from.indexOf(rt) : -1;
  if (topIndex >= 0) {
    from.splice(topIndex, 1, ...items);
    extraWhere = where;
  } else {
    let replacement = items[0] as number;
    let pending = where;
    if (!site.nullable) {
      extraWhere = where;
      pending = undefined;
    }
    if (items.length > 1) {
      for (let i = 1; i < items.length; i++) {
        const last = i === items.length - 1;
        const j: JoinRte = {
          kind: 'join',
          joinType: 'inner',
          left: replacement,
          right: items[i] as number,
          alias: 'unnamed_join',
          columnNames: [],
          columns: [],
          ...(last && pending !== undefined ? { quals: pending } : {}),
        };
        rtable.push(j);
        replacement = rtable.length - 1;
      }
      pending = undefined;
    }
    const parent = site.join === undefined ? undefined : rtable[site.join.rt];
    if (parent?.kind !== 'join' || site.join === undefined) return undefined;
    const quals =
      pending === undefined ? parent.quals : andOf([...flattenAnd(parent.quals), pending]);
    rtable[site.join.rt] = {
      ...parent,
      ...(site.join.side === 'left' ? { left: replacement } : { right: replacement }),
      ...(quals === undefined ? {} : { quals }),
    };
  }

  // references to the sub-SELECT's columns, at any depth, become its target expressions
  const subst: Ops = {
    v: (v, d) => {
      if (v.rt !== rt || (v.levelsUp ?? 0) !== d) return v;
      const e = exprs[v.attnum - 1];
      if (e === undefined) throw new Error(`pull-up: column ${v.attnum} of entry ${rt}`);
      return lift(e, d);
    },
  };
  const conjuncts = flattenAnd(q.where);
  const extra = flattenAnd(extraWhere);
  conjuncts.splice(at, 0, ...extra);
  const newWhere = andOf(conjuncts);
  const base: SelectQuery = {
    ...q,
    rtable,
    from,
    ...(newWhere === undefined ? {} : { where: newWhere }),
  };
  const replaced = xQuery(base, 0, subst);
  // the pulled-up entry stays in the range table, unreferenced and emptied (as in PostgreSQL)
  const dead: RangeTblEntry = {
    ...rte,
    query: {
      command: 'select',
      rtable: [],
      from: [],
      targetList: [],
      paramTypes: sub.paramTypes,
      sort: [],
      rowMarks: [],
    },
  };
  return {
    query: { ...replaced, rtable: replaced.rtable.map((r, i) => (i === rt ? dead : r)) },
    quals: extra.length,
  };
}
