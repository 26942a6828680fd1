/**
 * Statement analysis (analyze.c transformSelectStmt, transformInsertStmt,
 * transformUpdateStmt, transformDeleteStmt): a raw statement and the
 * catalog to a typed Query.
 */

import type { ColumnDesc, RelationDesc } from '@pg/catalog';
import { defaultContext, type TypeContext, TypeOid } from '@pg/types';
import type { CatalogView } from './catalog-view.js';
import { typeName, UNKNOWN } from './coerce.js';
import { figureColname } from './colname.js';
import {
  type CteItem,
  type CteLevel,
  checkRecursiveTermAggregates,
  finishCtes,
  transformWithClause,
} from './cte.js';
import { Code, PositionedSqlError, PositionMap } from './errors.js';
import {
  coerceTo,
  coerceToBoolean,
  coerceToCommon,
  coerceToSpecificType,
  errorAt,
  exprLocation,
  fixParams,
  makeConst,
  missingRte,
  type ParseState,
  type ScopeEntry,
  transformExpr,
} from './expr.js';
import { transformFromClause } from './from.js';
import {
  beginSelectLevel,
  checkGrouping,
  fixGroupingParams,
  transformGroupClause,
  transformHaving,
} from './grouping.js';
import { fixOnConflict, transformOnConflict } from './on-conflict.js';
import { type PNode, parse, type RawStatement } from './parse.js';
import type {
  AggregateCall,
  DeleteQuery,
  Expr,
  FuncExpr,
  InsertQuery,
  Query,
  RangeTblEntry,
  RelationRte,
  RowMark,
  SelectQuery,
  SortClause,
  SubqueryRte,
  TargetEntry,
  UpdateQuery,
  ValuesRte,
} from './query.js';
import { expandIndirectionStar } from './records.js';
import { transformSetOperation } from './setop.js';
import { usingDescending } from './sort-using.js';
import { varOfLevel } from './sublink.js';
import { systemColumnNamed } from './system-columns.js'; // issue 9 (F)
import { viewTargetError } from './view.js'; // issue 9 (G)
import { checkViewTarget, rewriteViewTarget, viewColumnDefault } from './view-update.js'; // issue 9 (D)
import { transformWindowDefinitions } from './window.js';

export interface AnalyzeOptions {
  /** Types of $1, $2, ... as the client declared them (0 = infer). */
  readonly paramTypes?: readonly number[];
  /** Parameters beyond paramTypes are `42P02 there is no parameter $n` instead of inferred. */
  readonly fixedParams?: boolean;
  /** Session settings for literals converted at analysis time (time zone, ...). */
  readonly typeContext?: TypeContext;
}

export interface State extends ParseState {
  readonly rtable: RangeTblEntry[];
  /** This query's WITH list (cte.ts), once analyzed. */
  ctes?: CteLevel | undefined;
  /** Set while analyzing the query of this recursive WITH query (setop.ts decides its types). */
  recursiveCte?: CteItem | undefined;
  /**
   * resolveTargetListUnknowns: a SELECT's unknown-type outputs become text;
   * not in INSERT ... SELECT, where the target columns' types decide.
   */
  resolveUnknowns: boolean;
}

function newState(catalog: CatalogView, source: string, options: AnalyzeOptions): State {
  return {
    catalog,
    registry: catalog.registry,
    positions: new PositionMap(source),
    typeContext: options.typeContext ?? defaultContext(),
    params: (options.paramTypes ?? []).map((t) => (t === 0 ? UNKNOWN : t)),
    fixedParams: options.fixedParams ?? false,
    scope: [],
    locations: new WeakMap(),
    exprKind: '',
    aggregates: undefined,
    inAggregate: false,
    rtable: [],
    resolveUnknowns: true,
  };
}

/**
 * A sub-SELECT's state: its own range table and scope; the statement's
 * parameters and positions; `parent` is the enclosing query's state.
 */
export function subState(ps: State): State {
  return {
    ...ps,
    parent: ps,
    ctes: undefined,
    recursiveCte: undefined,
    scope: [],
    exprKind: '',
    aggregates: undefined,
    inAggregate: false,
    srf: undefined,
    rtable: [],
    resolveUnknowns: true,
  };
}

/**
 * A sub-SELECT in an expression (sublink.ts): analyzed in a sub-state
 * whose parent is `ps`, so its column references may be outer ones.
 */
export function analyzeSubSelect(ps: ParseState, node: PNode): SelectQuery {
  return transformSelect(subState(ps as State), node);
}

/** A sub-SELECT's tree with the parameter types inferred by the end of the statement. */
export function fixSubQuery(ps: ParseState, q: SelectQuery): SelectQuery {
  return fixQuery(ps as State, q);
}

/** Analyzes one SELECT, INSERT, UPDATE or DELETE. */
export function analyze(
  stmt: RawStatement,
  catalog: CatalogView,
  options: AnalyzeOptions = {},
): Query {
  const ps = newState(catalog, stmt.source, options);
  const [tag] = Object.keys(stmt.node);
  const n = stmt.node[tag!];
  let q: Query;
  switch (tag) {
    case 'SelectStmt':
      q = transformSelect(ps, n);
      break;
    case 'InsertStmt':
      q = transformInsert(ps, n);
      break;
    case 'UpdateStmt':
      q = transformUpdate(ps, n);
      break;
    case 'DeleteStmt':
      q = transformDelete(ps, n);
      break;
    default:
      throw new PositionedSqlError(
        Code.FEATURE_NOT_SUPPORTED,
        `${tag} is not a query the analyzer handles`,
      );
  }
  return finish(ps, q);
}

/** Checks every parameter got a type and rewrites early references to parameters typed later. */
function finish<Q extends Query>(ps: State, q: Q): Q {
  const i = ps.params.indexOf(UNKNOWN);
  if (i >= 0) {
    throw new PositionedSqlError(
      Code.INDETERMINATE_DATATYPE,
      `could not determine data type of parameter $${i + 1}`,
    );
  }
  return fixQuery(ps, q);
}

function fixQuery<Q extends Query>(ps: State, q: Q): Q {
  const fix = (e: Expr) => fixParams(ps, e);
  const fixTargets = (t: readonly TargetEntry[]) => t.map((te) => ({ ...te, expr: fix(te.expr) }));
  const rtable = q.rtable.map((rte): RangeTblEntry => {
    switch (rte.kind) {
      case 'relation':
        return rte;
      case 'values':
        return { ...rte, rows: rte.rows.map((r) => r.map(fix)) };
      case 'function':
        return { ...rte, call: fix(rte.call) as FuncExpr };
      case 'join':
        return {
          ...rte,
          ...(rte.quals ? { quals: fix(rte.quals) } : {}),
          columns: rte.columns.map(fix),
        };
      case 'subquery':
        return { ...rte, query: fixQuery(ps, rte.query) };
      default:
        return rte;
    }
  });
  const ctes = q.ctes
    ? {
        ctes: q.ctes.map((c) => ({
          ...c,
          query: fixQuery(ps, c.query),
          ...(c.modify ? { modify: fixQuery(ps, c.modify) } : {}),
        })),
      }
    : {};
  const base = {
    ...q,
    rtable,
    targetList: fixTargets(q.targetList),
    paramTypes: [...ps.params],
    ...(q.where ? { where: fix(q.where) } : {}),
    ...ctes,
  };
  switch (q.command) {
    case 'select':
      return {
        ...base,
        ...(q.limit ? { limit: fix(q.limit) } : {}),
        ...(q.offset ? { offset: fix(q.offset) } : {}),
        ...(q.aggregates
          ? {
              aggregates: q.aggregates.map((a) => ({
                ...a,
                args: a.args.map(fix),
                ...(a.filter ? { filter: fix(a.filter) } : {}),
                ...(a.order ? { order: a.order.map((o) => ({ ...o, expr: fix(o.expr) })) } : {}),
              })),
            }
          : {}),
        ...fixGroupingParams(fix, q),
      } as Q;
    case 'insert':
      return {
        ...base,
        rows: q.rows.map((r) => r.map(fix)),
        ...(q.onConflict ? { onConflict: fixOnConflict(q.onConflict, fix) } : {}), // issue 9 (upsert)
      } as Q;
    case 'update':
      return { ...base, set: new Map([...q.set].map(([k, v]) => [k, fix(v)])) } as Q;
    default:
      return base as Q;
  }
}

/**
 * Analyzes `f` as part of clause `kind` ("aggregate functions are not
 * allowed in <kind>"); aggregates are collected only where allowed.
 */
export function inClause<T>(ps: State, kind: string, allowAggregates: boolean, f: () => T): T {
  const saved = { exprKind: ps.exprKind, aggregates: ps.aggregates };
  ps.exprKind = kind;
  if (!allowAggregates) ps.aggregates = undefined;
  try {
    return f();
  } finally {
    ps.exprKind = saved.exprKind;
    ps.aggregates = saved.aggregates;
  }
}

// ---------------------------------------------------------------- FROM

export function unsupported(ps: ParseState, message: string, loc?: number): never {
  throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, message, loc);
}

function relationFor(ps: State, rv: PNode): RelationDesc {
  const rel = ps.catalog.lookupRelation(rv.schemaname, rv.relname);
  if (!rel) {
    const name = rv.schemaname ? `${rv.schemaname}.${rv.relname}` : rv.relname;
    throw errorAt(ps, Code.UNDEFINED_TABLE, `relation "${name}" does not exist`, rv.location);
  }
  return rel;
}

export function addRangeTableEntry(
  ps: State,
  rv: PNode,
  lockMode: RelationRte['lockMode'],
  visible = true,
): ScopeEntry {
  const relation = relationFor(ps, rv);
  if (relation.kind === 'i' || relation.kind === 'I' || relation.kind === 'c') {
    const what = relation.kind === 'c' ? 'a composite type' : 'an index';
    throw errorAt(ps, Code.WRONG_OBJECT_TYPE, `"${relation.name}" is ${what}`, rv.location);
  }
  const aliasNames: string[] = (rv.alias?.colnames ?? []).map((c: PNode) => c.String.sval);
  const live = relation.columns.filter((c) => !c.dropped).length;
  if (aliasNames.length > live) {
    throw errorAt(
      ps,
      Code.INVALID_COLUMN_REFERENCE,
      `table "${rv.alias?.aliasname ?? relation.name}" has ${live} columns available but ${aliasNames.length} columns specified`,
    );
  }
  let k = 0;
  const columnNames = relation.columns.map((c) => (c.dropped ? '' : (aliasNames[k++] ?? c.name)));
  const rte: RelationRte = {
    kind: 'relation',
    relationOid: relation.oid,
    alias: rv.alias?.aliasname ?? relation.name,
    columnNames,
    lockMode,
  };
  ps.rtable.push(rte);
  const entry = { rt: ps.rtable.length - 1, rte, relation };
  if (visible) ps.scope.push(entry);
  return entry;
}

function transformFrom(ps: State, from: PNode[] | undefined): number[] {
  return transformFromClause(ps, from ?? []);
}

/** The RelationDesc a derived RTE (VALUES, function, subquery) shows name resolution: its columns. */
export function derivedRelation(
  alias: string,
  names: readonly string[],
  types: readonly { readonly type: number; readonly typmod: number }[],
): RelationDesc {
  return {
    oid: 0,
    name: alias,
    namespaceOid: 0,
    namespaceName: '',
    kind: 'c',
    persistence: 'p',
    relfilenode: 0,
    tablespace: 0,
    shared: false,
    columns: names.map((name, i) => ({
      attnum: i + 1,
      name,
      typeOid: types[i]!.type,
      typmod: types[i]!.typmod,
      notNull: false,
      hasDefault: false,
      dropped: false,
      storage: 'p',
    })),
    indexes: [],
    toastRelid: 0,
    fillfactor: 100,
  };
}

/** Adds a derived RTE to the range table and, when `visible`, to the scope. */
export function addDerived(
  ps: State,
  rte: Exclude<RangeTblEntry, RelationRte>,
  types: readonly { readonly type: number; readonly typmod: number }[],
  visible = true,
): ScopeEntry {
  ps.rtable.push(rte);
  const entry = {
    rt: ps.rtable.length - 1,
    rte,
    relation: derivedRelation(rte.alias, rte.columnNames, types),
  };
  if (visible) ps.scope.push(entry);
  return entry;
}

/** Column aliases `AS x(a, b)` over `names`: the first ones renamed, too many is 42P10. */
export function aliasColumns(
  ps: State,
  alias: PNode | undefined,
  names: readonly string[],
): string[] {
  const given: string[] = (alias?.colnames ?? []).map((c: PNode) => c.String.sval);
  if (given.length > names.length) {
    throw errorAt(
      ps,
      Code.INVALID_COLUMN_REFERENCE,
      `table "${alias.aliasname}" has ${names.length} columns available but ${given.length} columns specified`,
    );
  }
  return names.map((n, i) => given[i] ?? n);
}

export function firstLocation(node: PNode): number | undefined {
  const [tag] = Object.keys(node ?? {});
  return tag ? node[tag].location : undefined;
}

// ---------------------------------------------------------------- target lists

function originOf(ps: State, e: Expr): TargetEntry['origin'] {
  if (e.kind !== 'var') return undefined;
  // an outer reference's entry is in the range table of the query levelsUp levels up
  let level: ParseState | undefined = ps;
  for (let k = e.levelsUp ?? 0; k > 0 && level; k--) level = level.parent;
  const rte = level?.rtable?.[e.rt];
  if (rte?.kind !== 'relation') return undefined;
  return { relationOid: rte.relationOid, attnum: e.attnum };
}

function target(ps: State, expr: Expr, name: string, junk = false): TargetEntry {
  const origin = originOf(ps, expr);
  return { expr, name, junk, ...(origin ? { origin } : {}) };
}

function starTargets(
  ps: State,
  entries: readonly ScopeEntry[],
  loc?: number | undefined,
): TargetEntry[] {
  const out: TargetEntry[] = [];
  // each expanded column points at the star (errors about it show its position)
  const located = (e: Expr): Expr => {
    if (loc !== undefined && loc >= 0) ps.locations.set(e, loc);
    return e;
  };
  for (const s of entries) {
    if (s.rte.kind === 'join') {
      const { columns } = s.rte;
      s.rte.columnNames.forEach((name, i) => {
        out.push(target(ps, located({ ...columns[i]! }), name));
      });
      continue;
    }
    s.relation.columns.forEach((c, i) => {
      if (c.dropped) return;
      const v: Expr = {
        kind: 'var',
        rt: s.rt,
        attnum: c.attnum,
        type: c.typeOid,
        typmod: c.typmod,
      };
      out.push(target(ps, located(v), s.rte.columnNames[i]!));
    });
  }
  return out;
}

/** transformTargetList + resolveTargetListUnknowns (unknown-type outputs become text). */
function transformTargetList(ps: State, list: PNode[] | undefined): TargetEntry[] {
  const out: TargetEntry[] = [];
  for (const item of list ?? []) {
    const rt = item.ResTarget;
    const val = rt.val;
    const fields: PNode[] | undefined = val?.ColumnRef?.fields;
    if (fields?.[fields.length - 1].A_Star) {
      if (fields.length === 1) {
        if (ps.scope.length === 0) {
          throw errorAt(
            ps,
            Code.SYNTAX_ERROR,
            'SELECT * with no tables specified is not valid',
            val.ColumnRef.location,
          );
        }
        out.push(
          ...starTargets(
            ps,
            ps.scope.filter((s) => s.colsVisible !== false),
            val.ColumnRef.location,
          ),
        );
      } else {
        const qual = fields[fields.length - 2].String.sval as string;
        const entry = ps.scope.find((s) => s.relVisible !== false && s.rte.alias === qual);
        if (!entry) throw missingRte(ps, qual, val.ColumnRef.location);
        out.push(...starTargets(ps, [entry], val.ColumnRef.location));
      }
      continue;
    }
    // (x).* (records.ts): one column per column of x
    const star = val?.A_Indirection ? expandIndirectionStar(ps, val.A_Indirection) : undefined;
    if (star !== undefined) {
      for (const c of star) out.push(target(ps, c.expr, c.name));
      continue;
    }
    let expr = transformExpr(ps, val);
    if (expr.type === UNKNOWN && ps.resolveUnknowns)
      expr = coerceTo(ps, expr, TypeOid.text, -1, 'i', false)!;
    out.push(target(ps, expr, rt.name ?? figureColname(val)));
  }
  return out;
}

// ---------------------------------------------------------------- SELECT

function sameExpr(a: Expr, b: Expr): boolean {
  return JSON.stringify(a, replacer) === JSON.stringify(b, replacer);
}

function replacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return undefined;
  return v;
}

/**
 * A SELECT, VALUES or set operation, with its WITH list (the entry for
 * every query: top level, FROM subqueries, WITH queries, sub-SELECTs).
 */
export function transformSelect(ps: State, n: PNode): SelectQuery {
  const ctes = n.withClause ? transformWithClause(ps, n.withClause) : undefined;
  const q =
    n.op && n.op !== 'SETOP_NONE' ? transformSetOperation(ps, n) : transformPlainSelect(ps, n);
  checkRecursiveTermAggregates(ps, q);
  return ctes ? { ...q, ctes: finishCtes(ctes) } : q;
}

function transformPlainSelect(ps: State, n: PNode): SelectQuery {
  if (n.intoClause) unsupported(ps, 'SELECT INTO is not supported yet');
  const level = beginSelectLevel(ps, n.windowClause);
  const aggregates: AggregateCall[] = [];
  let from: number[];
  let targetList: TargetEntry[];
  if (n.valuesLists) {
    const entry = transformValuesLists(ps, n.valuesLists);
    from = [entry.rt];
    targetList = starTargets(ps, [entry]);
  } else {
    from = transformFrom(ps, n.fromClause);
    ps.aggregates = aggregates;
    // set-returning functions stay in the select list: a ProjectSet (over a one-row Result
    // without FROM) runs them in lockstep, as PostgreSQL 10+ does
    targetList = inClause(ps, 'SELECT', true, () => transformTargetList(ps, n.targetList));
  }
  const where = n.whereClause
    ? inClause(ps, 'WHERE', false, () =>
        coerceToBoolean(ps, transformExpr(ps, n.whereClause), 'WHERE'),
      )
    : undefined;
  const having = inClause(ps, 'HAVING', true, () => transformHaving(ps, n.havingClause));
  const visible = targetList.length;
  const sort = inClause(ps, 'ORDER BY', true, () =>
    transformSort(ps, n.sortClause ?? [], targetList),
  );
  const grouping = transformGroupClause(ps, n.groupClause, n.groupDistinct === true, {
    targetList,
    sort,
    junk: (e, name) => target(ps, e, name, true),
    colname: figureColname,
  });
  let distinct: SelectQuery['distinct'];
  if (n.distinctClause) {
    const items: PNode[] = n.distinctClause;
    if (items.length === 1 && Object.keys(items[0]).length === 0) {
      distinct = 'all';
      sort.forEach((s, i) => {
        if (s.index >= visible) {
          const item = n.sortClause[i].SortBy.node;
          throw errorAt(
            ps,
            Code.INVALID_COLUMN_REFERENCE,
            'for SELECT DISTINCT, ORDER BY expressions must appear in select list',
            exprLocation(ps, targetList[s.index]!.expr) ?? firstLocation(item),
          );
        }
      });
    } else {
      const idx = inClause(ps, 'DISTINCT ON', true, () =>
        items.map((d) => findOrAddTarget(ps, d, targetList, 'DISTINCT ON')),
      );
      distinct = idx;
      // DISTINCT ON expressions must match the initial ORDER BY items.
      for (let i = 0; i < Math.min(sort.length, idx.length); i++) {
        if (!idx.includes(sort[i]!.index)) {
          throw errorAt(
            ps,
            Code.INVALID_COLUMN_REFERENCE,
            'SELECT DISTINCT ON expressions must match initial ORDER BY expressions',
            firstLocation(items[0]),
          );
        }
      }
    }
  }
  const limit = n.limitCount
    ? inClause(ps, 'LIMIT', false, () => limitExpr(ps, n.limitCount, 'LIMIT'))
    : undefined;
  const offset = n.limitOffset
    ? inClause(ps, 'OFFSET', false, () => limitExpr(ps, n.limitOffset, 'OFFSET'))
    : undefined;
  const withTies = n.limitOption === 'LIMIT_OPTION_WITH_TIES';
  const windows = transformWindowDefinitions(ps, level);
  ps.aggregates = undefined;
  if (
    aggregates.length > 0 ||
    grouping.group !== undefined ||
    having !== undefined ||
    level.groupingFuncs.length > 0
  ) {
    checkGrouping(ps, level, { targetList, having, ...grouping, windows, aggregates });
  }
  if (n.lockingClause) {
    const strength = STRENGTHS[n.lockingClause[0].LockingClause.strength]!;
    const why = grouping.group
      ? 'GROUP BY clause'
      : having
        ? 'HAVING clause'
        : aggregates.length > 0
          ? 'aggregate functions'
          : level.windowFuncs.length > 0
            ? 'window functions'
            : undefined;
    if (why) unsupported(ps, `FOR ${strength.toUpperCase()} is not allowed with ${why}`);
  }
  const rowMarks = transformLocking(ps, n.lockingClause ?? [], distinct !== undefined);
  return {
    command: 'select',
    rtable: ps.rtable,
    from,
    ...(where ? { where } : {}),
    targetList,
    paramTypes: [],
    sort,
    ...(distinct !== undefined ? { distinct } : {}),
    ...(limit ? { limit } : {}),
    ...(limit && withTies ? { limitWithTies: true } : {}),
    ...(offset ? { offset } : {}),
    rowMarks,
    ...(aggregates.length > 0 ? { aggregates } : {}),
    ...(grouping.group ? { group: grouping.group } : {}),
    ...(grouping.groupingSets ? { groupingSets: grouping.groupingSets } : {}),
    ...(having ? { having } : {}),
    ...(level.windowFuncs.length > 0 ? { windowFuncs: level.windowFuncs } : {}),
    ...(windows.length > 0 ? { windows } : {}),
  };
}

/**
 * transformValuesClause: the rows, all the same length, each column
 * coerced to its common type (select_common_type across the rows); the
 * result is the "*VALUES*" entry with columns column1, column2, ...
 */
function transformValuesLists(ps: State, valuesLists: PNode[]): ScopeEntry {
  const lists: PNode[][] = valuesLists.map((l) => l.List.items ?? []);
  const width = lists[0]?.length ?? 0;
  const raw = lists.map((items) => {
    if (items.length !== width) {
      throw errorAt(
        ps,
        Code.SYNTAX_ERROR,
        'VALUES lists must all be the same length',
        firstLocation(items[0]),
      );
    }
    return items.map((item) => {
      if (item.SetToDefault) {
        throw errorAt(
          ps,
          Code.SYNTAX_ERROR,
          'DEFAULT is not allowed in this context',
          item.SetToDefault.location,
        );
      }
      return inClause(ps, 'VALUES', false, () => transformExpr(ps, item));
    });
  });
  const columnTypes: { type: number; typmod: number }[] = [];
  const rows: Expr[][] = raw.map(() => []);
  for (let j = 0; j < width; j++) {
    const column = raw.map((r) => r[j]!);
    const { type, exprs } = coerceToCommon(ps, column, 'VALUES');
    const typmod = exprs.every((e) => e.typmod === exprs[0]!.typmod) ? exprs[0]!.typmod : -1;
    columnTypes.push({ type, typmod });
    exprs.forEach((e, i) => {
      rows[i]!.push(e);
    });
  }
  const rte: ValuesRte = {
    kind: 'values',
    alias: '*VALUES*',
    columnNames: columnTypes.map((_, j) => `column${j + 1}`),
    rows,
    columnTypes,
  };
  return addDerived(ps, rte, columnTypes);
}

export function limitExpr(ps: State, node: PNode, construct: string): Expr {
  const e = transformExpr(ps, node);
  // checkExprIsVarFree: no column of this query, outer references from sub-SELECTs included
  const v = varOfLevel(e, 0);
  if (v) {
    throw errorAt(
      ps,
      Code.INVALID_COLUMN_REFERENCE,
      `argument of ${construct} must not contain variables`,
      exprLocation(ps, v),
    );
  }
  return coerceToSpecificType(ps, e, TypeOid.int8, construct);
}

/** findTargetlistEntrySQL92 / SQL99 for ORDER BY and DISTINCT ON items: the target index, adding a junk entry when needed. */
function findOrAddTarget(
  ps: State,
  node: PNode,
  targetList: TargetEntry[],
  clause: string,
): number {
  const visible = targetList.filter((t) => !t.junk).length;
  const cref = node.ColumnRef;
  if (cref && cref.fields.length === 1 && cref.fields[0].String) {
    const name = cref.fields[0].String.sval as string;
    // A bare name that is not a FROM column names an output column (SQL92).
    const isInput = ps.scope.some(
      (s) => s.colsVisible !== false && s.rte.columnNames.includes(name),
    );
    if (!isInput) {
      let match = -1;
      for (let i = 0; i < visible; i++) {
        if (targetList[i]!.name !== name) continue;
        if (match >= 0 && !sameExpr(targetList[match]!.expr, targetList[i]!.expr)) {
          throw errorAt(
            ps,
            Code.AMBIGUOUS_COLUMN,
            `${clause} "${name}" is ambiguous`,
            cref.location,
          );
        }
        if (match < 0) match = i;
      }
      if (match >= 0) return match;
    } else {
      let match = -1;
      for (let i = 0; i < visible; i++) {
        if (targetList[i]!.name === name) {
          if (match >= 0 && !sameExpr(targetList[match]!.expr, targetList[i]!.expr)) {
            throw errorAt(
              ps,
              Code.AMBIGUOUS_COLUMN,
              `${clause} "${name}" is ambiguous`,
              cref.location,
            );
          }
          if (match < 0) match = i;
        }
      }
      if (match >= 0) {
        const e = transformExpr(ps, node);
        if (sameExpr(e, targetList[match]!.expr)) return match;
      }
    }
  }
  const c = node.A_Const;
  if (c && c.ival !== undefined) {
    const pos = Number(c.ival.ival ?? 0);
    if (pos < 1 || pos > visible) {
      throw errorAt(
        ps,
        Code.INVALID_COLUMN_REFERENCE,
        `${clause} position ${pos} is not in select list`,
        c.location,
      );
    }
    return pos - 1;
  }
  if (c) throw errorAt(ps, Code.SYNTAX_ERROR, `non-integer constant in ${clause}`, c.location);
  let e = transformExpr(ps, node);
  for (let i = 0; i < targetList.length; i++) {
    if (sameExpr(targetList[i]!.expr, e)) return i;
  }
  if (e.type === UNKNOWN) e = coerceTo(ps, e, TypeOid.text, -1, 'i', false)!;
  targetList.push(target(ps, e, figureColname(node), true));
  return targetList.length - 1;
}

export function transformSort(ps: State, items: PNode[], targetList: TargetEntry[]): SortClause[] {
  return items.map((item) => {
    const s = item.SortBy;
    const index = findOrAddTarget(ps, s.node, targetList, 'ORDER BY');
    const descending =
      s.sortby_dir === 'SORTBY_USING'
        ? usingDescending(ps, s, targetList[index]!.expr)
        : s.sortby_dir === 'SORTBY_DESC';
    const nullsFirst =
      s.sortby_nulls === 'SORTBY_NULLS_FIRST'
        ? true
        : s.sortby_nulls === 'SORTBY_NULLS_LAST'
          ? false
          : descending;
    return { index, descending, nullsFirst };
  });
}

export const STRENGTHS: Readonly<Record<string, RowMark['strength']>> = {
  LCS_FORUPDATE: 'update',
  LCS_FORNOKEYUPDATE: 'no key update',
  LCS_FORSHARE: 'share',
  LCS_FORKEYSHARE: 'key share',
};
const WAITS: Readonly<Record<string, RowMark['wait']>> = {
  LockWaitBlock: 'block',
  LockWaitError: 'nowait',
  LockWaitSkip: 'skip locked',
};

function transformLocking(ps: State, clauses: PNode[], distinct: boolean): RowMark[] {
  const marks: RowMark[] = [];
  for (const c of clauses) {
    const lc = c.LockingClause;
    const strength = STRENGTHS[lc.strength]!;
    const clauseName = `FOR ${strength.toUpperCase()}`;
    if (distinct) unsupported(ps, `${clauseName} is not allowed with DISTINCT clause`);
    const wait = WAITS[lc.waitPolicy] ?? 'block';
    const rels: PNode[] = lc.lockedRels ?? [];
    // Without a list: every FROM entry, joins' members included (the joins themselves not).
    const targets =
      rels.length === 0
        ? ps.rtable.flatMap((rte, rt) =>
            rte.kind === 'join' || rte.kind === 'cte'
              ? []
              : [
                  ps.scope.find((s) => s.rt === rt) ?? {
                    rt,
                    rte,
                    relation: derivedRelation('', [], []),
                  },
                ],
          )
        : rels.map((r) => {
            const rv = r.RangeVar;
            const entry = ps.scope.find(
              (s) => s.relVisible !== false && s.rte.alias === rv.relname,
            );
            if (!entry)
              throw errorAt(
                ps,
                Code.UNDEFINED_TABLE,
                `relation "${rv.relname}" in ${clauseName} clause not found in FROM clause`,
                rv.location,
              );
            return entry;
          });
    for (const [k, t] of targets.entries()) {
      const rte = ps.rtable[t.rt]!;
      if (rte.kind !== 'relation') {
        const what =
          rte.kind === 'values'
            ? 'VALUES'
            : rte.kind === 'function'
              ? 'a function'
              : rte.kind === 'join'
                ? 'a join'
                : rte.kind === 'cte'
                  ? 'a WITH query'
                  : 'a subquery';
        unsupported(ps, `${clauseName} cannot be applied to ${what}`, rels[k]?.RangeVar?.location);
      }
      const existing = marks.findIndex((m) => m.rt === t.rt);
      const mark: RowMark = { rt: t.rt, strength, wait };
      if (existing >= 0) marks[existing] = mark;
      else marks.push(mark);
      ps.rtable[t.rt] = { ...rte, lockMode: 'RowShareLock' };
      const at = ps.scope.indexOf(t);
      if (at >= 0) ps.scope[at] = { ...t, rte: ps.rtable[t.rt]! };
    }
  }
  return marks;
}

// ---------------------------------------------------------------- INSERT / UPDATE / DELETE

/** The relation an INSERT, UPDATE or DELETE changes (CheckValidResultRel, rewriteTargetView). */
function targetRelation(ps: State, rv: PNode, command: 'insert' | 'update' | 'delete'): ScopeEntry {
  const entry = addRangeTableEntry(ps, rv, 'RowExclusiveLock');
  const rel = entry.relation;
  // issue 9 (G, D): a view that is not updatable is 55000 (view.ts); an updatable one is
  // rewritten onto its base table once the statement is analyzed (view-update.ts)
  if (rel.kind === 'v') {
    if (rel.computed === true) throw viewTargetError(ps, rel, command);
    checkViewTarget(ps, rel, entry.rte, command);
    return entry;
  }
  if (rel.kind !== 'r' && rel.kind !== 'p') {
    const what =
      rel.kind === 'S'
        ? 'sequence'
        : rel.kind === 'm'
          ? 'materialized view'
          : rel.kind === 't'
            ? 'TOAST relation'
            : 'relation';
    throw new PositionedSqlError(Code.WRONG_OBJECT_TYPE, `cannot change ${what} "${rel.name}"`);
  }
  return entry;
}

function returning(ps: State, list: PNode[] | undefined): TargetEntry[] {
  return inClause(ps, 'RETURNING', false, () => transformTargetList(ps, list));
}

/** transformAssignedExpr: a value coerced to a column's type with the assignment-cast error. */
export function assignToColumn(ps: ParseState, e: Expr, column: ColumnDesc): Expr {
  const out = coerceTo(ps, e, column.typeOid, column.typmod, 'a', false);
  if (!out) {
    throw errorAt(
      ps,
      Code.DATATYPE_MISMATCH,
      `column "${column.name}" is of type ${typeName(ps.registry, column.typeOid)} but expression is of type ${typeName(ps.registry, e.type)}`,
      exprLocation(ps, e),
      { hint: 'You will need to rewrite or cast the expression.' },
    );
  }
  return out;
}

export function columnByName(
  ps: State,
  entry: ScopeEntry,
  name: string,
  loc: number | undefined,
): ColumnDesc {
  const c = entry.relation.columns.find((col) => !col.dropped && col.name === name);
  if (!c)
    throw errorAt(
      ps,
      Code.UNDEFINED_COLUMN,
      `column "${name}" of relation "${entry.relation.name}" does not exist`,
      loc,
    );
  return c;
}

export function defaultFor(ps: State, relation: RelationDesc, column: ColumnDesc): Expr {
  if (relation.kind === 'v') return viewColumnDefault(ps, relation, column); // issue 9 (D)
  // issue 9 (H): a generated column's value is computed by the executor, never a default
  if (
    column.dropped ||
    !column.hasDefault ||
    column.defaultExpr === undefined ||
    column.generated !== undefined
  ) {
    return makeConst(column.typeOid, column.typmod, null);
  }
  return analyzeColumnDefault(relation, column, ps.catalog, ps.typeContext);
}

/**
 * rewriteTargetListIU's identity rule for a value given to `col`: an
 * ALWAYS identity column refuses it (428C9) unless OVERRIDING SYSTEM
 * VALUE; OVERRIDING USER VALUE replaces it with the default.
 */
function identityOverride(col: ColumnDesc, override: unknown): 'value' | 'default' {
  if (col.generated !== undefined) {
    // issue 9 (H): rewriteTargetListIU refuses any value but DEFAULT for a generated column
    throw new PositionedSqlError(
      '428C9',
      `cannot insert a non-DEFAULT value into column "${col.name}"`,
      { detail: `Column "${col.name}" is a generated column.` },
    );
  }
  if (col.identity === undefined) return 'value';
  if (override === 'OVERRIDING_USER_VALUE') return 'default';
  if (col.identity === 'a' && override !== 'OVERRIDING_SYSTEM_VALUE') {
    throw new PositionedSqlError(
      '428C9',
      `cannot insert a non-DEFAULT value into column "${col.name}"`,
      {
        detail: `Column "${col.name}" is an identity column defined as GENERATED ALWAYS.`,
        hint: 'Use OVERRIDING SYSTEM VALUE to override.',
      },
    );
  }
  return 'value';
}

function transformInsert(ps: State, n: PNode): InsertQuery {
  const ctes = n.withClause ? transformWithClause(ps, n.withClause) : undefined;
  const q = rewriteViewTarget(ps, transformInsertBody(ps, n)); // issue 9 (D): through a view
  return ctes ? { ...q, ctes: finishCtes(ctes) } : q;
}

/** issue 9 (upsert): the ON CONFLICT clause, when written (on-conflict.ts). */
function onConflictOf(ps: State, n: PNode, entry: ScopeEntry): Pick<InsertQuery, 'onConflict'> {
  // issue 9 (D): not through an updatable view yet (view-update.ts)
  if (n.onConflictClause && entry.relation.kind === 'v')
    unsupported(ps, 'INSERT ... ON CONFLICT on a view is not supported yet');
  return n.onConflictClause
    ? { onConflict: transformOnConflict(ps, n.onConflictClause, entry) }
    : {};
}

function transformInsertBody(ps: State, n: PNode): InsertQuery {
  const entry = targetRelation(ps, n.relation, 'insert');
  const rel = entry.relation;
  // Columns named, or all of them in order.
  const cols: ColumnDesc[] = [];
  const colLocs: (number | undefined)[] = [];
  if (n.cols) {
    for (const c of n.cols as PNode[]) {
      const rt = c.ResTarget;
      if (rt.indirection)
        unsupported(ps, 'assignment to array elements or fields is not supported yet', rt.location);
      const col = columnByName(ps, entry, rt.name, rt.location);
      if (cols.includes(col)) {
        throw errorAt(
          ps,
          Code.DUPLICATE_COLUMN,
          `column "${rt.name}" specified more than once`,
          rt.location,
        );
      }
      cols.push(col);
      colLocs.push(rt.location);
    }
  } else {
    for (const c of rel.columns) if (!c.dropped) cols.push(c);
  }
  const select = n.selectStmt?.SelectStmt;
  let lists: PNode[][];
  if (!select) {
    lists = [[]]; // DEFAULT VALUES
    if (n.cols) unsupported(ps, 'DEFAULT VALUES with a column list');
    cols.length = 0;
  } else if (
    select.valuesLists &&
    !select.sortClause &&
    !select.limitCount &&
    !select.limitOffset &&
    !select.lockingClause &&
    !select.withClause
  ) {
    lists = (select.valuesLists as PNode[]).map((l) => l.List.items ?? []);
  } else {
    for (const col of cols) {
      if (col.generated !== undefined) continue; // issue 9 (H): checked if a value goes there
      if (identityOverride(col, n.override) === 'default') {
        unsupported(ps, 'OVERRIDING USER VALUE with INSERT ... SELECT is not supported yet');
      }
    }
    return transformInsertSelect(ps, n, entry, cols, colLocs, select);
  }
  const width = lists[0]?.length ?? 0;
  const rows = lists.map((items) => {
    if (items.length !== width) {
      throw errorAt(
        ps,
        Code.SYNTAX_ERROR,
        'VALUES lists must all be the same length',
        firstLocation(items[0]),
      );
    }
    if (items.length > cols.length) {
      throw errorAt(
        ps,
        Code.SYNTAX_ERROR,
        'INSERT has more expressions than target columns',
        firstLocation(items[cols.length]),
      );
    }
    // without a column list, the values fill the leading columns (the rest get defaults)
    if (items.length < cols.length && select && n.cols) {
      throw errorAt(
        ps,
        Code.SYNTAX_ERROR,
        'INSERT has more target columns than expressions',
        colLocs[items.length] ?? firstLocation(items[items.length - 1]),
      );
    }
    const given = new Map<number, Expr>();
    items.forEach((item, i) => {
      const col = cols[i]!;
      if (item.SetToDefault || identityOverride(col, n.override) === 'default') {
        given.set(col.attnum, defaultFor(ps, rel, col));
        return;
      }
      given.set(
        col.attnum,
        inClause(ps, 'VALUES', false, () => {
          // PostgreSQL projects a set-returning function here (ProjectSet); not built yet
          ps.srf = (_call, loc) =>
            unsupported(
              ps,
              'set-returning functions in INSERT ... VALUES are not supported yet',
              loc,
            );
          try {
            return assignToColumn(ps, transformExpr(ps, item), col);
          } finally {
            ps.srf = undefined;
          }
        }),
      );
    });
    return rel.columns.map((c) => given.get(c.attnum) ?? defaultFor(ps, rel, c));
  });
  return {
    command: 'insert',
    rtable: ps.rtable,
    from: [],
    target: entry.rt,
    ...onConflictOf(ps, n, entry), // issue 9 (upsert): before RETURNING, as PostgreSQL
    targetList: returning(ps, n.returningList),
    paramTypes: [],
    rows,
  };
}

/**
 * INSERT ... SELECT (transformInsertStmt's subquery path): the SELECT is a
 * subquery RTE whose outputs, as Vars, are assigned to the target columns
 * (unknown-type literals and parameters directly, so the column's type
 * decides theirs).
 */
function transformInsertSelect(
  ps: State,
  n: PNode,
  entry: ScopeEntry,
  cols: ColumnDesc[],
  colLocs: readonly (number | undefined)[],
  select: PNode,
): InsertQuery {
  // the SELECT does not see the target table (PostgreSQL adds it to no namespace)
  const sub: State = { ...subState(ps), parent: { ...ps, scope: [] } };
  sub.resolveUnknowns = false;
  const query = transformSelect(sub, select);
  const outputs = query.targetList.filter((t) => !t.junk);
  const rte: SubqueryRte = {
    kind: 'subquery',
    alias: '*SELECT*',
    columnNames: outputs.map((t) => t.name),
    query,
  };
  const source = addDerived(
    ps,
    rte,
    outputs.map((t) => ({ type: t.expr.type, typmod: t.expr.typmod })),
    false,
  ).rt;
  if (outputs.length > cols.length) {
    throw errorAt(
      ps,
      Code.SYNTAX_ERROR,
      'INSERT has more expressions than target columns',
      exprLocation(ps, outputs[cols.length]!.expr),
    );
  }
  if (outputs.length < cols.length && n.cols) {
    throw errorAt(
      ps,
      Code.SYNTAX_ERROR,
      'INSERT has more target columns than expressions',
      colLocs[outputs.length],
    );
  }
  const rel = entry.relation;
  const given = new Map<number, Expr>();
  outputs.forEach((te, i) => {
    const col = cols[i]!;
    if (col.generated !== undefined) identityOverride(col, n.override); // issue 9 (H): 428C9
    let e: Expr;
    if ((te.expr.kind === 'const' || te.expr.kind === 'param') && te.expr.type === UNKNOWN) {
      e = te.expr;
    } else {
      e = { kind: 'var', rt: source, attnum: i + 1, type: te.expr.type, typmod: te.expr.typmod };
      const loc = exprLocation(ps, te.expr);
      if (loc !== undefined) ps.locations.set(e, loc);
    }
    given.set(col.attnum, assignToColumn(ps, e, col));
  });
  const row = rel.columns.map((c) => given.get(c.attnum) ?? defaultFor(ps, rel, c));
  return {
    command: 'insert',
    rtable: ps.rtable,
    from: [],
    target: entry.rt,
    ...onConflictOf(ps, n, entry), // issue 9 (upsert)
    targetList: returning(ps, n.returningList),
    paramTypes: [],
    rows: [row],
    source,
  };
}

function transformUpdate(ps: State, n: PNode): UpdateQuery {
  const ctes = n.withClause ? transformWithClause(ps, n.withClause) : undefined;
  const entry = targetRelation(ps, n.relation, 'update');
  // UPDATE ... FROM: the target first, then the FROM items (transformFromClause checks names)
  const from = [entry.rt, ...transformFrom(ps, n.fromClause)];
  const set = new Map<number, Expr>();
  for (const item of n.targetList as PNode[]) {
    const rt = item.ResTarget;
    if (rt.indirection)
      unsupported(ps, 'assignment to array elements or fields is not supported yet', rt.location);
    // issue 9 (F): transformUpdateTargetList's refusal of a system column
    if (systemColumnNamed(rt.name) !== undefined)
      unsupported(ps, `cannot assign to system column "${rt.name}"`, rt.location);
    const col = columnByName(ps, entry, rt.name, rt.location);
    if (set.has(col.attnum)) {
      throw errorAt(ps, Code.SYNTAX_ERROR, `multiple assignments to same column "${rt.name}"`);
    }
    const node = rt.val?.MultiAssignRef ? multiAssignValue(ps, rt.val.MultiAssignRef) : rt.val;
    if (col.generated !== undefined && !node.SetToDefault) {
      // issue 9 (H): rewriteTargetListIU
      throw new PositionedSqlError('428C9', `column "${col.name}" can only be updated to DEFAULT`, {
        detail: `Column "${col.name}" is a generated column.`,
      });
    }
    const value = node.SetToDefault
      ? defaultFor(ps, entry.relation, col)
      : inClause(ps, 'UPDATE', false, () =>
          assignToColumn(
            ps,
            node[MULTI_COLUMN]
              ? multiColumnValue(ps, node[MULTI_COLUMN].ref)
              : transformExpr(ps, node),
            col,
          ),
        );
    set.set(col.attnum, value);
  }
  const where = n.whereClause
    ? inClause(ps, 'WHERE', false, () =>
        coerceToBoolean(ps, transformExpr(ps, n.whereClause), 'WHERE'),
      )
    : undefined;
  // issue 9 (D): through a view, rewritten onto its base table (view-update.ts)
  return rewriteViewTarget<UpdateQuery>(ps, {
    command: 'update',
    rtable: ps.rtable,
    from,
    target: entry.rt,
    ...(where ? { where } : {}),
    targetList: returning(ps, n.returningList),
    paramTypes: [],
    set,
    ...(ctes ? { ctes: finishCtes(ctes) } : {}),
  });
}

/**
 * `SET (a, b) = (1, 2)` / `= ROW(1, 2)` (transformMultiAssignRef): the
 * parser gives each column a MultiAssignRef to the same row; column
 * `colno` takes the row's colno-th value.
 */
export function multiAssignValue(ps: State, ref: PNode): PNode {
  const row = ref.source?.RowExpr;
  if (!row) {
    // the raw parser marks it EXPR_SUBLINK; analysis makes it a MULTIEXPR one
    if (ref.source?.SubLink?.subLinkType === 'EXPR_SUBLINK') {
      return { [MULTI_COLUMN]: { ref } };
    }
    throw errorAt(
      ps,
      Code.FEATURE_NOT_SUPPORTED,
      'source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression',
      firstLocation(ref.source),
    );
  }
  const args: PNode[] = row.args ?? [];
  if (args.length !== ref.ncolumns) {
    throw errorAt(
      ps,
      Code.SYNTAX_ERROR,
      'number of columns does not match number of values',
      row.location,
    );
  }
  return args[ref.colno - 1];
}

/**
 * A data-modifying WITH query (cte.ts): the statement, analyzed as a
 * sub-query of the one that has the WITH, and a stand-in SELECT of its
 * RETURNING columns without rows (the executor replaces its rows by the
 * statement's).
 */
export function analyzeModifyingCte(
  ps: State,
  node: PNode,
): { query: InsertQuery | UpdateQuery | DeleteQuery; standIn: SelectQuery } {
  const [tag] = Object.keys(node);
  const body = node[tag!];
  const query =
    tag === 'InsertStmt'
      ? transformInsert(ps, body)
      : tag === 'UpdateStmt'
        ? transformUpdate(ps, body)
        : tag === 'DeleteStmt'
          ? transformDelete(ps, body)
          : unsupported(ps, `${tag} in WITH is not supported yet`);
  const standIn: SelectQuery = {
    command: 'select',
    rtable: [],
    from: [],
    where: makeConst(TypeOid.bool, -1, false),
    targetList: query.targetList
      .filter((t) => !t.junk)
      .map((t) => ({ ...t, expr: makeConst(t.expr.type, t.expr.typmod, null) })),
    paramTypes: [],
    sort: [],
    rowMarks: [],
  };
  return { query, standIn };
}

/** A stand-in parse node: the column of `SET (a, b) = (SELECT ...)` this MultiAssignRef takes. */
export const MULTI_COLUMN = '@pg/multicolumn';

/**
 * `SET (a, b) = (SELECT x, y ...)` (a MULTIEXPR SubLink): column `colno`
 * is an expression sub-SELECT of the query's colno-th output (the query
 * runs once per column; more than one row is 21000, none gives NULLs, as
 * in PostgreSQL).
 */
export function multiColumnValue(ps: State, ref: PNode): Expr {
  const link = ref.source.SubLink;
  const query = analyzeSubSelect(ps, link.subselect.SelectStmt);
  const outputs = query.targetList.filter((t) => !t.junk);
  if (outputs.length !== ref.ncolumns) {
    throw errorAt(
      ps,
      Code.SYNTAX_ERROR,
      'number of columns does not match number of values',
      link.location,
    );
  }
  const chosen = outputs[ref.colno - 1]!;
  return {
    kind: 'sublink',
    linkType: 'expr',
    query: {
      ...query,
      targetList: query.targetList.map((t) => (t === chosen || t.junk ? t : { ...t, junk: true })),
    },
    type: chosen.expr.type,
    typmod: chosen.expr.typmod,
  };
}

function transformDelete(ps: State, n: PNode): DeleteQuery {
  const ctes = n.withClause ? transformWithClause(ps, n.withClause) : undefined;
  const entry = targetRelation(ps, n.relation, 'delete');
  // DELETE ... USING: the target first, then the USING items
  const from = [entry.rt, ...transformFrom(ps, n.usingClause)];
  const where = n.whereClause
    ? inClause(ps, 'WHERE', false, () =>
        coerceToBoolean(ps, transformExpr(ps, n.whereClause), 'WHERE'),
      )
    : undefined;
  // issue 9 (D): through a view, rewritten onto its base table (view-update.ts)
  return rewriteViewTarget<DeleteQuery>(ps, {
    command: 'delete',
    rtable: ps.rtable,
    from,
    target: entry.rt,
    ...(where ? { where } : {}),
    targetList: returning(ps, n.returningList),
    paramTypes: [],
    ...(ctes ? { ctes: finishCtes(ctes) } : {}),
  });
}

// ---------------------------------------------------------------- expressions outside statements

/** What `analyzeExpression` may refer to. */
export interface ExpressionScope {
  /** Columns of this relation may be referenced (by name, or qualified by its name). */
  readonly relation?: RelationDesc;
  /** Coerce the result to this type (assignment rules and the column error) when given. */
  readonly column?: ColumnDesc;
  readonly paramTypes?: readonly number[];
  readonly typeContext?: TypeContext;
  /** The query text the node's locations refer to (for error positions). */
  readonly source?: string;
  /** issue 9 (H): ParseState's exprKind (e.g. 'column generation expression'), for its refusals. */
  readonly exprKind?: string;
}

/**
 * Analyzes one expression parse node (a column DEFAULT, a CHECK, ...).
 * Without `column`, a literal of unknown type stays unknown (type 705).
 */
export function analyzeExpression(
  exprNode: PNode,
  catalog: CatalogView,
  scope: ExpressionScope = {},
): Expr {
  const ps = newState(catalog, scope.source ?? '', {
    ...(scope.paramTypes ? { paramTypes: scope.paramTypes } : {}),
    ...(scope.typeContext ? { typeContext: scope.typeContext } : {}),
  });
  if (scope.relation) {
    const rel = scope.relation;
    const rte: RangeTblEntry = {
      kind: 'relation',
      relationOid: rel.oid,
      alias: rel.name,
      columnNames: rel.columns.map((c) => (c.dropped ? '' : c.name)),
      lockMode: 'AccessShareLock',
    };
    ps.rtable.push(rte);
    ps.scope.push({ rt: 0, rte, relation: rel });
  }
  // a column default (its only use today): no column references, subqueries, ...
  if (scope.column && !scope.relation) ps.exprKind = 'DEFAULT';
  if (scope.exprKind !== undefined) ps.exprKind = scope.exprKind; // issue 9 (H)
  let e = transformExpr(ps, exprNode);
  if (scope.column) e = assignToColumn(ps, e, scope.column);
  return fixParams(ps, e);
}

/**
 * The analyzed default of `column` (its `defaultExpr` text, parsed as
 * `SELECT <text>`), coerced to the column's type as INSERT applies it.
 */
export function analyzeColumnDefault(
  relation: RelationDesc,
  column: ColumnDesc,
  catalog: CatalogView,
  typeContext?: TypeContext,
): Expr {
  if (column.defaultExpr === undefined) return makeConst(column.typeOid, column.typmod, null);
  const [stmt] = parse(`SELECT ${column.defaultExpr}`);
  const node = stmt?.node?.SelectStmt?.targetList?.[0]?.ResTarget?.val;
  if (!stmt || !node) {
    throw new PositionedSqlError(
      Code.INTERNAL_ERROR,
      `invalid default expression for column "${column.name}" of relation "${relation.name}"`,
    );
  }
  return analyzeExpression(node, catalog, {
    column,
    source: stmt.source,
    ...(typeContext ? { typeContext } : {}),
  });
}
