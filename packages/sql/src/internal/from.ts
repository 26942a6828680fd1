/**
 * The FROM clause (parse_clause.c transformFromClause and
 * transformFromClauseItem): base relations, VALUES, functions, subqueries,
 * references to WITH queries, and joins, with PostgreSQL's scoping.
 *
 * Scope (PostgreSQL's namespace items, ParseState.scope here): while a
 * FROM item is analyzed, `ps.scope` holds exactly what it may see
 * laterally: the items to its left and, inside `a JOIN b`, the left side
 * (for INNER and LEFT joins). A function in FROM always sees them (it is
 * implicitly LATERAL); a subquery sees them only when marked LATERAL, as
 * its parent level (Vars with levelsUp 1); a non-lateral subquery's parent
 * level shows nothing of this query. An ON clause sees only the two sides
 * of its join.
 *
 * A join adds a JoinRte and one scope entry for its columns (USING /
 * NATURAL merged columns first, once, then the rest of the left side's,
 * then the right side's). Without an alias the sides stay visible as
 * qualifiers (`a.x`) but not for unqualified names (colsVisible false);
 * with an alias they are hidden entirely and the join entry is the one
 * qualifier. Column references through a join entry resolve to the
 * underlying expressions (expr.ts columnOf), so no Var refers to a join.
 */
import { type PgArray, TypeOid } from '@pg/types';
import {
  addDerived,
  addRangeTableEntry,
  aliasColumns,
  derivedRelation,
  firstLocation,
  inClause,
  type State,
  subState,
  transformSelect,
  unsupported,
} from './analyze.js';
import { isFutureCte, lookupCte, referenceCte } from './cte.js';
import { Code, PositionedSqlError } from './errors.js';
import {
  coerceTo,
  coerceToBoolean,
  coerceToCommon,
  errorAt,
  makeOp,
  type ScopeEntry,
  transformExpr,
} from './expr.js';
import type { PNode } from './parse.js';
import type { CteRte, Expr, FunctionRte, JoinRte, RangeTblEntry, SubqueryRte } from './query.js';
import { expandRelation } from './view.js';

const DUPLICATE_ALIAS = '42712';

/** One analyzed FROM item: its range-table index and the scope entries it contributes. */
interface FromItem {
  readonly rt: number;
  /** The entry whose columns are the item's (the join's own for a join). */
  readonly top: ScopeEntry;
  readonly namespace: readonly ScopeEntry[];
}

/** Entries whose alias was written (`t AS x`): two unaliased tables of one name may coexist. */
const aliased = new WeakSet<RangeTblEntry>();

/** transformFromClause: the FROM list, each item seeing the ones before it laterally. */
export function transformFromClause(ps: State, items: readonly PNode[]): number[] {
  const from: number[] = [];
  for (const item of items) {
    const r = transformFromItem(ps, item);
    checkNameSpaceConflicts(ps.scope, r.namespace);
    ps.scope.push(...r.namespace);
    from.push(r.rt);
  }
  return from;
}

/**
 * checkNameSpaceConflicts: two visible entries of one name are 42712,
 * except two tables without aliases that are different relations
 * (`public.t, other.t`).
 */
function checkNameSpaceConflicts(a: readonly ScopeEntry[], b: readonly ScopeEntry[]): void {
  for (const x of a) {
    if (x.relVisible === false) continue;
    for (const y of b) {
      if (y.relVisible === false || x.rte.alias !== y.rte.alias) continue;
      if (
        x.rte.kind === 'relation' &&
        y.rte.kind === 'relation' &&
        !aliased.has(x.rte) &&
        !aliased.has(y.rte) &&
        x.rte.relationOid !== y.rte.relationOid
      ) {
        continue;
      }
      throw new PositionedSqlError(
        DUPLICATE_ALIAS,
        `table name "${x.rte.alias}" specified more than once`,
      );
    }
  }
}

function transformFromItem(ps: State, item: PNode): FromItem {
  const [tag] = Object.keys(item);
  const n = item[tag!];
  let entry: ScopeEntry;
  switch (tag) {
    case 'RangeVar':
      entry = transformRangeVar(ps, n);
      break;
    case 'RangeSubselect':
      entry = transformRangeSubselect(ps, n);
      break;
    case 'RangeFunction':
      entry = transformRangeFunction(ps, n);
      break;
    case 'JoinExpr':
      return transformJoin(ps, n);
    default:
      unsupported(ps, `${tag} in FROM is not supported yet`, firstLocation(item));
  }
  return { rt: entry.rt, top: entry, namespace: [entry] };
}

/** A table, a view, or a WITH query's name (a CTE hides a table of the same name). */
function transformRangeVar(ps: State, rv: PNode): ScopeEntry {
  if (!rv.schemaname) {
    const found = lookupCte(ps, rv.relname);
    if (found) {
      const { item, levelsUp, self } = found;
      const rte: CteRte = {
        kind: 'cte',
        alias: rv.alias?.aliasname ?? rv.relname,
        columnNames: aliasColumns(ps, rv.alias, item.columnNames),
        name: item.name,
        index: item.index,
        levelsUp,
        self,
        columnTypes: item.columnTypes,
      };
      referenceCte(found, ps, rv.location);
      if (rv.alias) aliased.add(rte);
      return addDerived(ps, rte, item.columnTypes, false);
    }
  }
  let entry: ScopeEntry;
  try {
    entry = addRangeTableEntry(ps, rv, 'AccessShareLock', false);
  } catch (e) {
    if (e instanceof PositionedSqlError && e.code === Code.UNDEFINED_TABLE && !rv.schemaname) {
      if (isFutureCte(ps, rv.relname)) {
        throw errorAt(ps, Code.UNDEFINED_TABLE, e.message, rv.location, {
          detail: `There is a WITH item named "${rv.relname}", but it cannot be referenced from this part of the query.`,
          hint: 'Use WITH RECURSIVE, or re-order the WITH items to remove forward references.',
        });
      }
    }
    throw e;
  }
  entry = expandRelation(ps, entry, rv); // issue 9 (G): a view becomes its query (view.ts)
  if (rv.alias) aliased.add(entry.rte);
  return entry;
}

/**
 * The state a subquery in FROM is analyzed in: its parent level is this
 * query, showing the items to the left when LATERAL and nothing otherwise.
 */
function fromSubState(ps: State, lateral: boolean): State {
  return { ...subState(ps), parent: { ...ps, scope: lateral ? [...ps.scope] : [] } };
}

/** `[LATERAL] (SELECT ...) AS x(a, b)` (transformRangeSubselect). */
function transformRangeSubselect(ps: State, n: PNode): ScopeEntry {
  const lateral = n.lateral === true;
  if (!n.alias) {
    throw errorAt(
      ps,
      Code.SYNTAX_ERROR,
      'subquery in FROM must have an alias',
      firstLocation(n.subquery),
      { hint: 'For example, FROM (SELECT ...) [AS] foo.' },
    );
  }
  const query = transformSelect(fromSubState(ps, lateral), n.subquery.SelectStmt);
  if (query.rowMarks.length > 0)
    unsupported(ps, 'FOR UPDATE/SHARE in a subquery in FROM is not supported yet');
  const outputs = query.targetList.filter((t) => !t.junk);
  const rte: SubqueryRte = {
    kind: 'subquery',
    alias: n.alias.aliasname,
    columnNames: aliasColumns(
      ps,
      n.alias,
      outputs.map((t) => t.name),
    ),
    query,
    ...(lateral ? { lateral: true } : {}),
  };
  aliased.add(rte);
  return addDerived(
    ps,
    rte,
    outputs.map((t) => ({ type: t.expr.type, typmod: t.expr.typmod })),
    false,
  );
}

/**
 * `generate_series(1, t.n) AS g` (transformRangeFunction): one function,
 * one column. Always lateral: the arguments may refer to the items to the
 * left (Vars of this query, levelsUp 0).
 */
function transformRangeFunction(ps: State, n: PNode): ScopeEntry {
  if (n.coldeflist) unsupported(ps, 'column definition lists are not supported yet');
  if (n.is_rowsfrom || (n.functions ?? []).length !== 1) return rowsFrom(ps, n);
  const node: PNode = n.functions[0].List.items[0];
  const fc: PNode | undefined = node.FuncCall;
  const fcName: string[] = (fc?.funcname ?? []).map((x: PNode) => x.String?.sval);
  if (
    fc &&
    fcName[fcName.length - 1] === 'unnest' &&
    (fcName.length === 1 || (fcName.length === 2 && fcName[0] === 'pg_catalog')) &&
    (fc.args?.length ?? 0) > 1 &&
    !fc.over &&
    !fc.agg_star &&
    !fc.agg_distinct &&
    !fc.agg_order &&
    !fc.agg_filter &&
    !fc.agg_within_group &&
    !fc.func_variadic
  )
    return multiUnnest(ps, n, fc, node);
  const call = inClause(ps, 'FROM', false, () => {
    const saved = ps.srf;
    ps.srf = (c) => c;
    try {
      return transformExpr(ps, node);
    } finally {
      ps.srf = saved;
    }
  });
  if (call.kind !== 'func') {
    unsupported(ps, 'only function calls are supported in FROM', firstLocation(node));
  }
  const fname = call.fn.name;
  if (call.type === TypeOid.record) return recordFunction(ps, n, call, fname, node);
  const alias: string = n.alias?.aliasname ?? fname;
  const rte: FunctionRte = {
    kind: 'function',
    alias,
    // WITH ORDINALITY: a last bigint column (the planner tells it by the second name)
    columnNames: aliasColumns(ps, n.alias, [
      OUT_PARAMETER_NAMES.get(fname) ?? n.alias?.aliasname ?? fname,
      ...(n.ordinality ? ['ordinality'] : []),
    ]),
    call,
  };
  if (n.alias) aliased.add(rte);
  return addDerived(
    ps,
    rte,
    [
      { type: call.type, typmod: call.typmod },
      ...(n.ordinality ? [{ type: TypeOid.int8, typmod: -1 }] : []),
    ],
    false,
  );
}

/**
 * `unnest(a, b, ...)` in FROM: PostgreSQL makes it ROWS FROM (unnest(a),
 * unnest(b), ...): the arrays side by side, the shorter padded with NULLs.
 * Each unnest is resolved on its own; the scan calls one function that
 * zips them (a record of one column per array).
 */
function multiUnnest(ps: State, n: PNode, fc: PNode, node: PNode): ScopeEntry {
  if (n.ordinality) {
    unsupported(
      ps,
      'WITH ORDINALITY over unnest of several arrays is not supported yet',
      firstLocation(node),
    );
  }
  const calls = inClause(ps, 'FROM', false, () => {
    const saved = ps.srf;
    ps.srf = (c) => c;
    try {
      return (fc.args as PNode[]).map((a) => transformExpr(ps, { FuncCall: { ...fc, args: [a] } }));
    } finally {
      ps.srf = saved;
    }
  });
  const args: Expr[] = [];
  for (const c of calls) {
    if (c.kind !== 'func' || c.args.length !== 1)
      unsupported(ps, 'only function calls are supported in FROM', firstLocation(node));
    args.push(c.args[0]!);
  }
  const call: Extract<Expr, { kind: 'func' }> = {
    kind: 'func',
    fn: {
      name: 'unnest',
      args: args.map((a) => a.type),
      result: TypeOid.record,
      volatility: 'i',
      strict: false,
      retset: true,
      impl: (values) => zipArrays(values as readonly (PgArray | null)[]),
    },
    args,
    type: TypeOid.record,
    typmod: -1,
  };
  const rte: FunctionRte = {
    kind: 'function',
    alias: n.alias?.aliasname ?? 'unnest',
    columnNames: aliasColumns(
      ps,
      n.alias,
      calls.map(() => 'unnest'),
    ),
    call,
  };
  if (n.alias) aliased.add(rte);
  return addDerived(
    ps,
    rte,
    calls.map((c) => ({ type: c.type, typmod: c.typmod })),
    false,
  );
}

/**
 * `ROWS FROM (f(...), g(...)) [WITH ORDINALITY] [AS t(cols)]`: the
 * functions side by side, each padded with NULLs past its end (the
 * longest decides the row count). Each call is resolved on its own; the
 * scan runs one synthesized function over all of their arguments that
 * zips the calls' rows (a record of every call's columns). Columns are
 * named after each function (its OUT parameters for record results).
 */
function rowsFrom(ps: State, n: PNode): ScopeEntry {
  const items: PNode[] = (n.functions as PNode[]).map((f: PNode) => f.List.items[0]);
  const calls = inClause(ps, 'FROM', false, () => {
    const saved = ps.srf;
    ps.srf = (c) => c;
    try {
      return items.map((node) => {
        const call = transformExpr(ps, node);
        if (call.kind !== 'func') {
          unsupported(ps, 'only function calls are supported in FROM', firstLocation(node));
        }
        return call;
      });
    } finally {
      ps.srf = saved;
    }
  });
  const parts = calls.map((call, i) => {
    const fname = call.fn.name;
    if (call.type !== TypeOid.record) {
      return {
        call,
        cols: [[OUT_PARAMETER_NAMES.get(fname) ?? fname, call.type, call.typmod] as const],
      };
    }
    const cols = RECORD_COLUMNS.get(fname);
    if (cols === undefined) {
      unsupported(
        ps,
        'functions returning records in FROM are not supported yet',
        firstLocation(items[i]),
      );
    }
    return { call, cols: cols.map(([name, type]) => [name, type, -1] as const) };
  });
  const args = parts.flatMap((p) => p.call.args);
  const call: Extract<Expr, { kind: 'func' }> = {
    kind: 'func',
    fn: {
      // several functions: no name (EXPLAIN shows no function, as for PostgreSQL's list)
      name: parts.length === 1 ? parts[0]!.call.fn.name : '',
      args: args.map((a) => a.type),
      result: TypeOid.record,
      volatility: parts.some((p) => p.call.fn.volatility === 'v')
        ? 'v'
        : parts.some((p) => p.call.fn.volatility === 's')
          ? 's'
          : 'i',
      strict: false,
      retset: true,
      impl: (values, tctx, types) => zipCalls(parts, values, tctx, types),
    },
    args,
    type: TypeOid.record,
    typmod: -1,
  };
  // one function returning one column: named as without ROWS FROM (after the alias)
  const single = parts.length === 1 && parts[0]!.call.type !== TypeOid.record;
  const names = single
    ? [
        OUT_PARAMETER_NAMES.get(parts[0]!.call.fn.name) ??
          n.alias?.aliasname ??
          parts[0]!.call.fn.name,
      ]
    : parts.flatMap((p) => p.cols.map(([name]) => name));
  const rte: FunctionRte = {
    kind: 'function',
    alias: n.alias?.aliasname ?? parts[0]!.call.fn.name,
    columnNames: aliasColumns(ps, n.alias, [...names, ...(n.ordinality ? ['ordinality'] : [])]),
    call,
    ordinality: n.ordinality === true,
  };
  if (n.alias) aliased.add(rte);
  return addDerived(
    ps,
    rte,
    [
      ...parts.flatMap((p) => p.cols.map(([, type, typmod]) => ({ type, typmod }))),
      ...(n.ordinality ? [{ type: TypeOid.int8, typmod: -1 }] : []),
    ],
    false,
  );
}

type FuncCall = Extract<Expr, { kind: 'func' }>;

/** The rows of ROWS FROM: each call's rows side by side, NULL past a call's end. */
function* zipCalls(
  parts: readonly { readonly call: FuncCall; readonly cols: readonly unknown[] }[],
  values: readonly unknown[],
  tctx: Parameters<FuncCall['fn']['impl']>[1],
  types: Parameters<FuncCall['fn']['impl']>[2],
): Generator<unknown[]> {
  let at = 0;
  const iters = parts.map((p) => {
    const k = p.call.args.length;
    const own = values.slice(at, at + k);
    const ownTypes = types?.slice(at, at + k) ?? p.call.args.map((a) => a.type);
    at += k;
    const fn = p.call.fn;
    if (fn.strict && own.includes(null)) return [][Symbol.iterator]();
    const v = fn.impl(own, tctx, ownTypes);
    return (fn.retset === true ? (v as Iterable<unknown>) : [v])[Symbol.iterator]();
  });
  const done = parts.map(() => false);
  for (;;) {
    const row: unknown[] = [];
    let any = false;
    parts.forEach((p, i) => {
      const r = done[i] ? undefined : iters[i]!.next();
      if (r === undefined || r.done === true) {
        done[i] = true;
        for (const _ of p.cols) row.push(null);
        return;
      }
      any = true;
      if (p.cols.length > 1 || p.call.type === TypeOid.record) {
        const vs = (r.value ?? []) as unknown[];
        p.cols.forEach((_, j) => {
          row.push(vs[j] ?? null);
        });
      } else row.push(r.value);
    });
    if (!any) return;
    yield row;
  }
}

function* zipArrays(arrays: readonly (PgArray | null)[]): Generator<unknown[]> {
  const n = Math.max(0, ...arrays.map((a) => a?.elements.length ?? 0));
  for (let i = 0; i < n; i++) yield arrays.map((a) => a?.elements[i] ?? null);
}

/** The OUT parameters of the functions returning records that @pg/types has. */
export const RECORD_COLUMNS: ReadonlyMap<string, readonly (readonly [string, number])[]> = new Map([
  [
    'jsonb_each',
    [
      ['key', TypeOid.text],
      ['value', TypeOid.jsonb],
    ],
  ],
  [
    'jsonb_each_text',
    [
      ['key', TypeOid.text],
      ['value', TypeOid.text],
    ],
  ],
  // issue 10 (H9): pgdump-functions.ts
  [
    'pg_options_to_table',
    [
      ['option_name', TypeOid.text],
      ['option_value', TypeOid.text],
    ],
  ],
  // issue 11 (pgstat): contrib's pgstattuple and pg_visibility (@pg/engine's stat-functions.ts)
  [
    'pgstattuple',
    [
      ['table_len', TypeOid.int8],
      ['tuple_count', TypeOid.int8],
      ['tuple_len', TypeOid.int8],
      ['tuple_percent', TypeOid.float8],
      ['dead_tuple_count', TypeOid.int8],
      ['dead_tuple_len', TypeOid.int8],
      ['dead_tuple_percent', TypeOid.float8],
      ['free_space', TypeOid.int8],
      ['free_percent', TypeOid.float8],
    ],
  ],
  [
    'pg_visibility_map',
    [
      ['blkno', TypeOid.int8],
      ['all_visible', TypeOid.bool],
      ['all_frozen', TypeOid.bool],
    ],
  ],
  [
    'pg_visibility',
    [
      ['blkno', TypeOid.int8],
      ['all_visible', TypeOid.bool],
      ['all_frozen', TypeOid.bool],
      ['pd_all_visible', TypeOid.bool],
    ],
  ],
  [
    'pg_visibility_map_summary',
    [
      ['all_visible', TypeOid.int8],
      ['all_frozen', TypeOid.int8],
    ],
  ],
]);

/** `jsonb_each(x) AS kv(k, v)`: one column per OUT parameter. */
function recordFunction(
  ps: State,
  n: PNode,
  call: Extract<Expr, { kind: 'func' }>,
  fname: string,
  node: PNode,
): ScopeEntry {
  const cols = RECORD_COLUMNS.get(fname);
  if (cols === undefined || n.ordinality) {
    unsupported(
      ps,
      n.ordinality
        ? 'WITH ORDINALITY over a function returning records is not supported yet'
        : 'functions returning records in FROM are not supported yet',
      firstLocation(node),
    );
  }
  const rte: FunctionRte = {
    kind: 'function',
    alias: n.alias?.aliasname ?? fname,
    columnNames: aliasColumns(
      ps,
      n.alias,
      cols.map(([name]) => name),
    ),
    call,
  };
  if (n.alias) aliased.add(rte);
  return addDerived(
    ps,
    rte,
    cols.map(([, type]) => ({ type, typmod: -1 })),
    false,
  );
}

/**
 * Functions whose single OUT parameter is named (pg_proc.proargnames): the
 * column is named after it, before the alias (chooseScalarFunctionAlias).
 */
const OUT_PARAMETER_NAMES: ReadonlyMap<string, string> = new Map([
  ['jsonb_array_elements', 'value'],
  ['jsonb_array_elements_text', 'value'],
  ['json_array_elements', 'value'],
  ['json_array_elements_text', 'value'],
]);

const JOIN_TYPES: Readonly<Record<string, JoinRte['joinType']>> = {
  JOIN_INNER: 'inner',
  JOIN_LEFT: 'left',
  JOIN_RIGHT: 'right',
  JOIN_FULL: 'full',
};

interface Column {
  readonly name: string;
  readonly expr: Expr;
}

/** The columns an item shows (a join's own list; a base entry's live columns as Vars). */
function columnsOf(entry: ScopeEntry): Column[] {
  if (entry.rte.kind === 'join') {
    const { columns } = entry.rte;
    return entry.rte.columnNames.map((name, i) => ({ name, expr: columns[i]! }));
  }
  const out: Column[] = [];
  entry.relation.columns.forEach((c, i) => {
    if (c.dropped) return;
    out.push({
      name: entry.rte.columnNames[i]!,
      expr: { kind: 'var', rt: entry.rt, attnum: c.attnum, type: c.typeOid, typmod: c.typmod },
    });
  });
  return out;
}

/** `left [INNER|LEFT|RIGHT|FULL|CROSS] JOIN right [ON ... | USING (...)]`, NATURAL, aliases. */
function transformJoin(ps: State, j: PNode): FromItem {
  const joinType = JOIN_TYPES[j.jointype];
  if (!joinType) unsupported(ps, `join type ${j.jointype} is not supported yet`);
  const l = transformFromItem(ps, j.larg);
  // The left side is visible laterally to the right side of an INNER or LEFT join.
  // (RIGHT and FULL: it is there, but a reference to it is 42P10, ScopeEntry.lateralOk.)
  const saved = ps.scope.length;
  const lateralOk = joinType === 'inner' || joinType === 'left';
  ps.scope.push(...l.namespace.map((e) => (lateralOk ? e : { ...e, lateralOk: false })));
  let r: FromItem;
  try {
    r = transformFromItem(ps, j.rarg);
  } finally {
    ps.scope.length = saved;
  }
  checkNameSpaceConflicts(l.namespace, r.namespace);

  const lcols = columnsOf(l.top);
  const rcols = columnsOf(r.top);
  const names: string[] = [];
  const columns: Expr[] = [];
  let quals: Expr | undefined;

  let using: string[] | undefined;
  if (j.isNatural) {
    using = [];
    for (const c of lcols) {
      if (c.name !== '' && rcols.some((x) => x.name === c.name)) using.push(c.name);
    }
  } else if (j.usingClause) {
    using = (j.usingClause as PNode[]).map((u) => u.String.sval as string);
  }
  const lmerged = new Set<number>();
  const rmerged = new Set<number>();
  if (using) {
    const pairs: [Expr, Expr][] = [];
    for (const name of using) {
      if (names.includes(name)) {
        throw new PositionedSqlError(
          Code.DUPLICATE_COLUMN,
          `column name "${name}" appears more than once in USING clause`,
        );
      }
      const li = findUsingColumn(lcols, name, 'left');
      const ri = findUsingColumn(rcols, name, 'right');
      lmerged.add(li);
      rmerged.add(ri);
      const lvar = lcols[li]!.expr;
      const rvar = rcols[ri]!.expr;
      names.push(name);
      columns.push(mergedColumn(ps, joinType, lvar, rvar));
      // a FULL join runs only as a hash or merge join, which needs `=` of one type: the
      // sides are compared in their common type (int = bigint as bigint = bigint)
      if (joinType === 'full' && (lvar.type !== rvar.type || lvar.typmod !== rvar.typmod)) {
        const { ln, rn } = commonPair(ps, lvar, rvar);
        pairs.push([ln, rn]);
      } else pairs.push([lvar, rvar]);
    }
    // transformJoinUsingClause: l = r for each pair, after all merged columns are built
    const conds = pairs.map(([lvar, rvar]) =>
      inClause(ps, 'JOIN/USING', false, () => makeOp(ps, '=', lvar, rvar, undefined)),
    );
    if (conds.length > 0) {
      const cond: Expr =
        conds.length === 1
          ? conds[0]!
          : { kind: 'bool', op: 'and', args: conds, type: TypeOid.bool, typmod: -1 };
      quals = coerceToBoolean(ps, cond, 'JOIN/USING');
    }
  } else if (j.quals) {
    // ON sees the two sides only (plus enclosing query levels).
    const outer = ps.scope.splice(0);
    ps.scope.push(...l.namespace, ...r.namespace);
    try {
      quals = inClause(ps, 'JOIN/ON', false, () =>
        coerceToBoolean(ps, transformExpr(ps, j.quals), 'JOIN/ON'),
      );
    } finally {
      ps.scope.splice(0);
      ps.scope.push(...outer);
    }
  }
  lcols.forEach((c, i) => {
    if (lmerged.has(i)) return;
    names.push(c.name);
    columns.push(c.expr);
  });
  rcols.forEach((c, i) => {
    if (rmerged.has(i)) return;
    names.push(c.name);
    columns.push(c.expr);
  });

  const aliasName: string | undefined = j.alias?.aliasname;
  const given: string[] = (j.alias?.colnames ?? []).map((c: PNode) => c.String.sval);
  if (given.length > names.length) {
    throw new PositionedSqlError(
      Code.INVALID_COLUMN_REFERENCE,
      `join expression "${aliasName}" has ${names.length} columns available but ${given.length} columns specified`,
    );
  }
  const rte: JoinRte = {
    kind: 'join',
    alias: aliasName ?? 'unnamed_join',
    columnNames: names.map((n, i) => given[i] ?? n),
    joinType,
    left: l.rt,
    right: r.rt,
    ...(quals ? { quals } : {}),
    columns,
    ...(using ? { using } : {}), // issue 9 (G): views print it back
  };
  if (aliasName !== undefined) aliased.add(rte);
  ps.rtable.push(rte);
  const top: ScopeEntry = {
    rt: ps.rtable.length - 1,
    rte,
    relation: derivedRelation(
      rte.alias,
      rte.columnNames,
      columns.map((c) => ({ type: c.type, typmod: c.typmod })),
    ),
    relVisible: aliasName !== undefined,
    colsVisible: true,
  };
  // With an alias the sides are hidden; without, they stay qualifiers but not column sources.
  const namespace: ScopeEntry[] =
    aliasName !== undefined
      ? [top]
      : [...l.namespace, ...r.namespace].map((e) => ({ ...e, colsVisible: false }));
  // `USING (x) AS u`: u.x is the merged column (a qualifier only, hidden by a join alias).
  const usingAlias: string | undefined = j.join_using_alias?.aliasname;
  if (usingAlias !== undefined && using) {
    const count = using.length;
    const entry: ScopeEntry = {
      rt: top.rt,
      rte: {
        ...rte,
        alias: usingAlias,
        columnNames: names.slice(0, count),
        columns: columns.slice(0, count),
      },
      relation: derivedRelation(
        usingAlias,
        names.slice(0, count),
        top.relation.columns.slice(0, count).map((c) => ({ type: c.typeOid, typmod: c.typmod })),
      ),
      relVisible: true,
      colsVisible: false,
    };
    aliased.add(entry.rte);
    checkNameSpaceConflicts([entry], [...l.namespace, ...r.namespace]);
    if (aliasName === undefined) namespace.push(entry);
  }
  if (aliasName === undefined) namespace.push(top);
  return { rt: top.rt, top, namespace };
}

function findUsingColumn(cols: readonly Column[], name: string, side: 'left' | 'right'): number {
  let found = -1;
  cols.forEach((c, i) => {
    if (c.name !== name) return;
    if (found >= 0) {
      throw new PositionedSqlError(
        Code.AMBIGUOUS_COLUMN,
        `common column name "${name}" appears more than once in ${side} table`,
      );
    }
    found = i;
  });
  if (found < 0) {
    throw new PositionedSqlError(
      Code.UNDEFINED_COLUMN,
      `column "${name}" specified in USING clause does not exist in ${side} table`,
    );
  }
  return found;
}

/** The two sides of a USING column coerced to their common type (and typmod when they agree). */
function commonPair(
  ps: State,
  l: Expr,
  r: Expr,
): { ln: Expr; rn: Expr; type: number; typmod: number } {
  const { type, exprs } = coerceToCommon(ps, [l, r], 'JOIN/USING');
  const typmod = l.type === r.type && l.typmod === r.typmod ? l.typmod : -1;
  const fit = (e: Expr, coerced: Expr): Expr => {
    if (e.type === type && e.typmod === typmod) return e;
    return coerceTo(ps, coerced, type, typmod, 'i', false) ?? coerced;
  };
  return { ln: fit(l, exprs[0]!), rn: fit(r, exprs[1]!), type, typmod };
}

/**
 * buildMergedJoinVar: both sides coerced to their common type; INNER and
 * LEFT show the left one (INNER the right one when only it is a plain
 * Var), RIGHT the right one, FULL COALESCE(left, right).
 */
function mergedColumn(ps: State, joinType: JoinRte['joinType'], l: Expr, r: Expr): Expr {
  const { ln, rn, type, typmod } = commonPair(ps, l, r);
  switch (joinType) {
    case 'inner':
      return ln.kind === 'var' || rn.kind !== 'var' ? ln : rn;
    case 'left':
      return ln;
    case 'right':
      return rn;
    default:
      return { kind: 'coalesce', args: [ln, rn], type, typmod };
  }
}
