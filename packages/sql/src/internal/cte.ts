/**
 * WITH queries (parse_cte.c): transformWithClause, analyzeCTE,
 * checkWellFormedRecursion, and the name lookup FROM uses.
 *
 * The WITH list of a query is a CteLevel on that query's State. Its
 * queries are analyzed in order (WITH RECURSIVE: in dependency order),
 * each as a sub-SELECT of the query that has the WITH (so a reference
 * from one WITH query to another has levelsUp 1, as PostgreSQL's
 * ctelevelsup), each seeing only the ones analyzed before it. A recursive one (WITH RECURSIVE whose query names itself)
 * must be `non-recursive-term UNION [ALL] recursive-term`: the
 * non-recursive term is analyzed first and decides the column types
 * (set-operation analysis calls `setRecursiveColumns` once it has them),
 * then the recursive term, whose reference is a CteRte with `self`.
 * A data-modifying WITH query (INSERT/UPDATE/DELETE, top level only) is
 * analyzed by analyze.ts; the CTE's `query` is then a stand-in with its
 * RETURNING columns. SEARCH and CYCLE clauses are rewritten into the
 * query first (search-cycle.ts).
 */
import { TypeOid } from '@pg/types';
import {
  analyzeModifyingCte,
  type State,
  subState,
  transformSelect,
  unsupported,
} from './analyze.js';
import { typeName, UNKNOWN } from './coerce.js';
import { Code } from './errors.js';
import type { ParseState } from './expr.js';
import { errorAt, forEachChild } from './expr.js';
import type { PNode } from './parse.js';
import type {
  CommonTableExpr,
  DeleteQuery,
  Expr,
  InsertQuery,
  SelectQuery,
  UpdateQuery,
} from './query.js';
import { rewriteSearchCycle } from './search-cycle.js';

const DUPLICATE_ALIAS = '42712';
const INVALID_RECURSION = '42P19';

export interface CteItem {
  readonly name: string;
  /** Index in the WITH list (CteRte.index). */
  readonly index: number;
  /** The CommonTableExpr parse node. */
  readonly node: PNode;
  readonly recursive: boolean;
  columnNames: string[];
  columnTypes: { readonly type: number; readonly typmod: number }[];
  query?: SelectQuery;
  /** Being analyzed: a recursive one may refer to itself once its types are known (`selfReady`). */
  analyzing: boolean;
  /** Analyzed: visible to the rest of the WITH list and to the query. */
  analyzed: boolean;
  selfReady: boolean;
  refCount: number;
  /** A data-modifying WITH query's statement (its `query` is a stand-in). */
  modify?: InsertQuery | UpdateQuery | DeleteQuery;
}

/** The WITH list of one query level. */
export interface CteLevel {
  readonly recursive: boolean;
  readonly items: CteItem[];
}

const MATERIALIZED: Readonly<Record<string, CommonTableExpr['materialized']>> = {
  CTEMaterializeDefault: 'default',
  CTEMaterializeAlways: 'always',
  CTEMaterializeNever: 'never',
};

/** transformWithClause: analyzes the WITH list and makes it ps's (visible to the rest of the query). */
export function transformWithClause(ps: State, w: PNode): CteLevel {
  const recursive = w.recursive === true;
  const level: CteLevel = { recursive, items: [] };
  for (const c of w.ctes as PNode[]) {
    // SEARCH / CYCLE of a recursive query: rewritten into its terms first (search-cycle.ts)
    const cte =
      recursive && refersTo(c.CommonTableExpr.ctequery, c.CommonTableExpr.ctename)
        ? rewriteSearchCycle(ps, c.CommonTableExpr)
        : c.CommonTableExpr;
    const name: string = cte.ctename;
    if (level.items.some((x) => x.name === name)) {
      throw errorAt(
        ps,
        DUPLICATE_ALIAS,
        `WITH query name "${name}" specified more than once`,
        cte.location,
      );
    }
    if (!cte.ctequery?.SelectStmt) {
      // a data-modifying statement (analyze.ts analyzeModifyingCte): only in the top-level WITH
      if (ps.parent !== undefined) {
        throw errorAt(
          ps,
          Code.FEATURE_NOT_SUPPORTED,
          'WITH clause containing a data-modifying statement must be at the top level',
          cte.location,
        );
      }
    }
    level.items.push({
      name,
      index: level.items.length,
      node: cte,
      recursive: recursive && refersTo(cte.ctequery, name),
      columnNames: [],
      columnTypes: [],
      analyzing: false,
      analyzed: false,
      selfReady: false,
      refCount: 0,
    });
  }
  for (const item of level.items) if (item.recursive) checkWellFormedRecursion(ps, item);
  ps.ctes = level;
  for (const item of recursive ? dependencyOrder(ps, level.items) : level.items) {
    item.analyzing = true;
    analyzeCte(ps, item);
    item.analyzing = false;
    item.analyzed = true;
  }
  return level;
}

/**
 * makeDependencyGraph + TopologicalSort: a WITH RECURSIVE list is analyzed
 * so that each query comes after the ones it names (a query naming itself
 * is recursive, not a dependency); a cycle of several is 0A000.
 */
function dependencyOrder(ps: State, items: readonly CteItem[]): CteItem[] {
  const order = [...items];
  const deps = new Map(
    items.map((it) => [
      it,
      new Set(items.filter((o) => o !== it && refersTo(it.node.ctequery, o.name))),
    ]),
  );
  for (let i = 0; i < order.length; i++) {
    let j = i;
    while (j < order.length && deps.get(order[j]!)!.size > 0) j++;
    if (j >= order.length) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        'mutual recursion between WITH items is not implemented',
        order[i]!.node.location,
      );
    }
    [order[i], order[j]] = [order[j]!, order[i]!];
    for (let k = i + 1; k < order.length; k++) deps.get(order[k]!)!.delete(order[i]!);
  }
  return order;
}

/** The WITH list as the query tree holds it (after the whole query, so refCount is complete). */
export function finishCtes(level: CteLevel): CommonTableExpr[] {
  return level.items.map((item) => ({
    name: item.name,
    columnNames: item.columnNames,
    query: item.query!,
    recursive: item.recursive,
    materialized: MATERIALIZED[item.node.ctematerialized] ?? 'default',
    refCount: item.refCount,
    ...(item.modify ? { modify: item.modify } : {}),
  }));
}

function analyzeCte(ps: State, item: CteItem): void {
  const sub = subState(ps);
  if (item.recursive) sub.recursiveCte = item;
  const modify = item.node.ctequery.SelectStmt
    ? undefined
    : analyzeModifyingCte(sub, item.node.ctequery);
  const query = modify?.standIn ?? transformSelect(sub, item.node.ctequery.SelectStmt);
  if (modify !== undefined) item.modify = modify.query;
  const outputs = query.targetList.filter((t) => !t.junk);
  if (!item.recursive) {
    item.columnNames = cteColumnNames(
      ps,
      item,
      outputs.map((t) => t.name),
    );
    item.columnTypes = outputs.map((t) => ({ type: t.expr.type, typmod: t.expr.typmod }));
  } else {
    outputs.forEach((t, i) => {
      const want = item.columnTypes[i]!;
      if (t.expr.type === want.type && t.expr.typmod === want.typmod) return;
      throw errorAt(
        ps,
        Code.DATATYPE_MISMATCH,
        `recursive query "${item.name}" column ${i + 1} has type ${formatType(ps, want.type, want.typmod)} in non-recursive term but type ${formatType(ps, t.expr.type, t.expr.typmod)} overall`,
        exprLocationOf(sub, t.expr),
        { hint: 'Cast the output of the non-recursive term to the correct type.' },
      );
    });
  }
  item.query = query;
  searchCycleNotSupported(ps, item);
}

/** SEARCH / CYCLE: their columns checked as PostgreSQL does (42P10), then 0A000 (not built). */
function searchCycleNotSupported(ps: State, item: CteItem): void {
  const cte = item.node;
  const clause = cte.search_clause ?? cte.cycle_clause;
  if (!clause) return;
  const what = cte.search_clause ? 'search' : 'cycle';
  const list: PNode[] = (cte.search_clause ? clause.search_col_list : clause.cycle_col_list) ?? [];
  for (const c of list) {
    const name: string = c.String.sval;
    if (!item.columnNames.includes(name)) {
      throw errorAt(
        ps,
        Code.INVALID_COLUMN_REFERENCE,
        `${what} column "${name}" not in WITH query column list`,
        clause.location,
      );
    }
  }
  unsupported(
    ps,
    `${what.toUpperCase()} clauses of WITH queries are not supported yet`,
    cte.location,
  );
}

function exprLocationOf(ps: ParseState, e: SelectQuery['targetList'][number]['expr']) {
  return ps.locations.get(e);
}

/** analyzeCTETargetList: the output names after the column aliases `t(a, b)`. */
function cteColumnNames(ps: State, item: CteItem, names: readonly string[]): string[] {
  const given: string[] = (item.node.aliascolnames ?? []).map((c: PNode) => c.String.sval);
  if (given.length > names.length) {
    throw errorAt(
      ps,
      Code.INVALID_COLUMN_REFERENCE,
      `WITH query "${item.name}" has ${names.length} columns available but ${given.length} columns specified`,
      item.node.location,
    );
  }
  return names.map((n, i) => given[i] ?? n);
}

/**
 * determineRecursiveColTypes: called by set-operation analysis of a
 * recursive WITH query once its non-recursive term is analyzed; unknown
 * columns are text.
 */
export function setRecursiveColumns(
  ps: State,
  item: CteItem,
  names: readonly string[],
  types: readonly { readonly type: number; readonly typmod: number }[],
): void {
  const owner = ps.parent as State;
  item.columnNames = cteColumnNames(owner, item, names);
  item.columnTypes = types.map((t) =>
    t.type === UNKNOWN ? { type: TypeOid.text, typmod: -1 } : t,
  );
  item.selfReady = true;
}

/** format_type_with_typemod for the types whose typmod shows. */
function formatType(ps: ParseState, type: number, typmod: number): string {
  const name = typeName(ps.registry, type);
  if (typmod < 0) return name;
  if (type === TypeOid.numeric)
    return `${name}(${((typmod - 4) >> 16) & 0xffff},${(typmod - 4) & 0xffff})`;
  if (type === TypeOid.varchar || type === TypeOid.bpchar) return `${name}(${typmod - 4})`;
  return name;
}

/**
 * The WITH query `name` visible from `ps` (nearest level first): `self`
 * for a recursive query's reference to itself from its recursive term.
 */
export function lookupCte(
  ps: ParseState,
  name: string,
): { item: CteItem; levelsUp: number; self: boolean } | undefined {
  let levelsUp = 0;
  for (let level: ParseState | undefined = ps; level; level = level.parent, levelsUp++) {
    const ctes = (level as State).ctes;
    if (!ctes) continue;
    const i = ctes.items.findIndex((x) => x.name === name);
    if (i < 0) continue;
    const item = ctes.items[i]!;
    if (item.analyzed) return { item, levelsUp, self: false };
    if (item.analyzing && item.recursive && item.selfReady) return { item, levelsUp, self: true };
  }
  return undefined;
}

/** isFutureCTE: a WITH query of that name exists but is not analyzed yet (a forward or self reference). */
export function isFutureCte(ps: ParseState, name: string): boolean {
  for (let level: ParseState | undefined = ps; level; level = level.parent) {
    const ctes = (level as State).ctes;
    if (ctes?.items.some((x) => x.name === name && !x.analyzed)) return true;
  }
  return false;
}

export function referenceCte(
  found: { item: CteItem; self: boolean },
  ps?: ParseState,
  location?: number,
): void {
  // a data-modifying WITH query is read through its RETURNING list
  if (
    ps !== undefined &&
    found.item.modify !== undefined &&
    found.item.modify.targetList.length === 0
  ) {
    throw errorAt(
      ps,
      Code.FEATURE_NOT_SUPPORTED,
      `WITH query "${found.item.name}" does not have a RETURNING clause`,
      location,
    );
  }
  if (!found.self) found.item.refCount++;
}

/** parseCheckAggregates: a query reading its WITH query's work table (a recursive term) has no aggregates. */
export function checkRecursiveTermAggregates(ps: State, q: SelectQuery): void {
  if (!q.aggregates?.length || !q.rtable.some((r) => r.kind === 'cte' && r.self)) return;
  let loc: number | undefined;
  let seen = false;
  const visit = (e: Expr): void => {
    if (seen) return;
    if (e.kind === 'aggref') {
      seen = true;
      loc = ps.locations.get(e);
      return;
    }
    forEachChild(e, visit);
  };
  for (const t of q.targetList) visit(t.expr);
  if (q.having) visit(q.having);
  throw errorAt(
    ps,
    INVALID_RECURSION,
    "aggregate functions are not allowed in a recursive query's recursive term",
    loc,
  );
}

// ---------------------------------------------------------------- recursion checks (raw tree)

/** Whether the raw statement refers to `name` as a table (not shadowed by an inner WITH of that name). */
function refersTo(node: unknown, name: string): boolean {
  if (Array.isArray(node)) return node.some((x) => refersTo(x, name));
  if (node === null || typeof node !== 'object') return false;
  const o = node as PNode;
  if (o.RangeVar) return !o.RangeVar.schemaname && o.RangeVar.relname === name;
  if (o.SelectStmt && shadows(o.SelectStmt, name)) return false;
  return Object.values(o).some((x) => refersTo(x, name));
}

function shadows(stmt: PNode, name: string): boolean {
  return ((stmt.withClause?.ctes ?? []) as PNode[]).some(
    (c) => c.CommonTableExpr?.ctename === name,
  );
}

type Context = 'ok' | 'non-recursive' | 'sublink' | 'outer join' | 'intersect' | 'except';

const RECURSION_MESSAGES: Readonly<Record<Exclude<Context, 'ok'>, string>> = {
  'non-recursive': 'must not appear within its non-recursive term',
  sublink: 'must not appear within a subquery',
  'outer join': 'must not appear within an outer join',
  intersect: 'must not appear within INTERSECT',
  except: 'must not appear within EXCEPT',
};

/** checkWellFormedRecursion for one recursive WITH query. */
function checkWellFormedRecursion(ps: State, item: CteItem): void {
  const stmt: PNode = item.node.ctequery.SelectStmt;
  if (stmt.op !== 'SETOP_UNION') {
    throw errorAt(
      ps,
      INVALID_RECURSION,
      `recursive query "${item.name}" does not have the form non-recursive-term UNION [ALL] recursive-term`,
      item.node.location,
    );
  }
  const state = { refs: 0 };
  const walk = (node: unknown, ctx: Context): void => {
    if (Array.isArray(node)) {
      for (const x of node) walk(x, ctx);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as PNode;
    if (o.RangeVar) {
      const rv = o.RangeVar;
      if (rv.schemaname || rv.relname !== item.name) return;
      if (ctx !== 'ok') {
        throw errorAt(
          ps,
          INVALID_RECURSION,
          `recursive reference to query "${item.name}" ${RECURSION_MESSAGES[ctx]}`,
          rv.location,
        );
      }
      if (++state.refs > 1) {
        throw errorAt(
          ps,
          INVALID_RECURSION,
          `recursive reference to query "${item.name}" must not appear more than once`,
          rv.location,
        );
      }
      return;
    }
    if (o.SelectStmt) {
      const s = o.SelectStmt;
      if (shadows(s, item.name)) return;
      switch (s.op) {
        case 'SETOP_UNION':
          walk(s.larg, ctx);
          walk(s.rarg, ctx);
          break;
        case 'SETOP_INTERSECT':
          walk(s.larg, s.all ? 'intersect' : ctx);
          walk(s.rarg, s.all ? 'intersect' : ctx);
          break;
        case 'SETOP_EXCEPT':
          walk(s.larg, s.all ? 'except' : ctx);
          walk(s.rarg, 'except');
          break;
        default:
          for (const [k, v] of Object.entries(s)) if (k !== 'larg' && k !== 'rarg') walk(v, ctx);
          return;
      }
      walk(s.sortClause, ctx);
      walk(s.limitOffset, ctx);
      walk(s.limitCount, ctx);
      walk(s.lockingClause, ctx);
      return;
    }
    if (o.JoinExpr) {
      const j = o.JoinExpr;
      const outer: Context = ctx === 'ok' ? 'outer join' : ctx;
      switch (j.jointype) {
        case 'JOIN_LEFT':
          walk(j.larg, ctx);
          walk(j.rarg, outer);
          break;
        case 'JOIN_RIGHT':
          walk(j.larg, outer);
          walk(j.rarg, ctx);
          break;
        case 'JOIN_FULL':
          walk(j.larg, outer);
          walk(j.rarg, outer);
          break;
        default:
          walk(j.larg, ctx);
          walk(j.rarg, ctx);
      }
      walk(j.quals, ctx);
      return;
    }
    if (o.SubLink) {
      walk(o.SubLink.subselect, 'sublink');
      walk(o.SubLink.testexpr, ctx);
      return;
    }
    for (const v of Object.values(o)) walk(v, ctx);
  };
  walk(stmt.larg, 'non-recursive');
  state.refs = 0;
  walk(stmt.rarg, 'ok');
  if (stmt.withClause) walk(stmt.withClause, 'sublink');
  const notImplemented = (what: string, node: PNode | undefined) =>
    errorAt(
      ps,
      Code.FEATURE_NOT_SUPPORTED,
      `${what} in a recursive query is not implemented`,
      firstLocationDeep(node),
    );
  if (stmt.sortClause) throw notImplemented('ORDER BY', stmt.sortClause[0]?.SortBy?.node);
  if (stmt.limitOffset) throw notImplemented('OFFSET', stmt.limitOffset);
  if (stmt.limitCount) throw notImplemented('LIMIT', stmt.limitCount);
  if (stmt.lockingClause) throw notImplemented('FOR UPDATE/SHARE', undefined);
}

function firstLocationDeep(node: PNode | undefined): number | undefined {
  if (!node) return undefined;
  const [tag] = Object.keys(node);
  const loc = tag ? node[tag]?.location : undefined;
  return typeof loc === 'number' ? loc : undefined;
}
