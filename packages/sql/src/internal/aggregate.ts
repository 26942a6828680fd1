/**
 * Aggregate calls (parse_func.c's aggregate path, parse_agg.c
 * transformAggregateCall): the built-in aggregates with PostgreSQL 15's
 * pg_aggregate signatures, argument resolution and coercion, DISTINCT,
 * FILTER and ORDER BY inside the call. A plain aggregate is collected into
 * the SELECT's `aggregates` and replaced by an Aggref; an aggregate OVER a
 * window is built here too (window.ts) and kept in the WindowFuncCall.
 */
import { TypeOid } from '@pg/types';
import { arrayTypeOf, substitutePolymorphic, typeName, UNKNOWN } from './coerce.js';
import { Code, PositionedSqlError } from './errors.js';
import {
  coerceTo,
  coerceToBoolean,
  coerceToCommon,
  errorAt,
  exprLocation,
  forEachChild,
  mapChildren,
  type ParseState,
  transformExpr,
} from './expr.js';
import type { PNode } from './parse.js';
import type { Aggref, AggregateCall, AggSortKey, Expr } from './query.js';
import { type Resolution, resolveAmong } from './resolve.js';
import { resolveUsing } from './sort-using.js';

/** One pg_aggregate entry: declared argument types and the result type. */
export interface AggregateSignature {
  readonly args: readonly number[];
  readonly result: number;
}

const T = TypeOid;
/** The types min/max are defined for (those of PostgreSQL 15's our registry holds), and arrays. */
const ORDERED = [
  T.int8,
  T.int4,
  T.int2,
  T.oid,
  T.float4,
  T.float8,
  T.date,
  T.time,
  T.timetz,
  T.timestamp,
  T.timestamptz,
  T.interval,
  T.text,
  T.numeric,
  T.bpchar,
  27, // issue 9 (F): tid (max(ctid), min(ctid))
];
const one = (arg: number, result: number): AggregateSignature => ({ args: [arg], result });
/** stddev/variance families: numeric for integers and numeric, float8 for floats. */
const STATISTICAL = [
  one(T.int8, T.numeric),
  one(T.int4, T.numeric),
  one(T.int2, T.numeric),
  one(T.float4, T.float8),
  one(T.float8, T.float8),
  one(T.numeric, T.numeric),
];
const BITWISE = [one(T.int2, T.int2), one(T.int4, T.int4), one(T.int8, T.int8), one(T.bit, T.bit)];

/** The built-in aggregates by name (PostgreSQL 15's pg_aggregate, `\da`). */
export const AGGREGATE_SIGNATURES: Readonly<Record<string, readonly AggregateSignature[]>> = {
  count: [one(T.any, T.int8)],
  sum: [
    one(T.int8, T.numeric),
    one(T.int4, T.int8),
    one(T.int2, T.int8),
    one(T.float4, T.float4),
    one(T.float8, T.float8),
    one(T.interval, T.interval),
    one(T.numeric, T.numeric),
  ],
  avg: [
    one(T.int8, T.numeric),
    one(T.int4, T.numeric),
    one(T.int2, T.numeric),
    one(T.numeric, T.numeric),
    one(T.float4, T.float8),
    one(T.float8, T.float8),
    one(T.interval, T.interval),
  ],
  min: [one(T.anyarray, T.anyarray), ...ORDERED.map((t) => one(t, t))],
  max: [one(T.anyarray, T.anyarray), ...ORDERED.map((t) => one(t, t))],
  bool_and: [one(T.bool, T.bool)],
  bool_or: [one(T.bool, T.bool)],
  every: [one(T.bool, T.bool)],
  bit_and: BITWISE,
  bit_or: BITWISE,
  bit_xor: BITWISE,
  string_agg: [
    { args: [T.text, T.text], result: T.text },
    { args: [T.bytea, T.bytea], result: T.bytea },
  ],
  array_agg: [one(T.anynonarray, T.anyarray), one(T.anyarray, T.anyarray)],
  json_agg: [one(T.anyelement, T.json)],
  jsonb_agg: [one(T.anyelement, T.jsonb)],
  json_object_agg: [{ args: [T.any, T.any], result: T.json }],
  jsonb_object_agg: [{ args: [T.any, T.any], result: T.jsonb }],
  corr: [{ args: [T.float8, T.float8], result: T.float8 }],
  covar_pop: [{ args: [T.float8, T.float8], result: T.float8 }],
  covar_samp: [{ args: [T.float8, T.float8], result: T.float8 }],
  regr_avgx: [{ args: [T.float8, T.float8], result: T.float8 }],
  regr_avgy: [{ args: [T.float8, T.float8], result: T.float8 }],
  regr_count: [{ args: [T.float8, T.float8], result: T.int8 }],
  regr_intercept: [{ args: [T.float8, T.float8], result: T.float8 }],
  regr_r2: [{ args: [T.float8, T.float8], result: T.float8 }],
  regr_slope: [{ args: [T.float8, T.float8], result: T.float8 }],
  regr_sxx: [{ args: [T.float8, T.float8], result: T.float8 }],
  regr_sxy: [{ args: [T.float8, T.float8], result: T.float8 }],
  regr_syy: [{ args: [T.float8, T.float8], result: T.float8 }],
  stddev: STATISTICAL,
  stddev_samp: STATISTICAL,
  stddev_pop: STATISTICAL,
  variance: STATISTICAL,
  var_samp: STATISTICAL,
  var_pop: STATISTICAL,
};

/**
 * The ordered-set aggregates (aggkind 'o'): direct arguments, then the
 * aggregated ones (the WITHIN GROUP keys), PostgreSQL 15's pg_aggregate.
 */
const ORDERED_SET_SIGNATURES: Readonly<Record<string, readonly AggregateSignature[]>> = {
  percentile_cont: [
    { args: [T.float8, T.float8], result: T.float8 },
    { args: [T.float8, T.interval], result: T.interval },
    { args: [T._float8, T.float8], result: T._float8 },
    { args: [T._float8, T.interval], result: T._interval },
  ],
  percentile_disc: [
    { args: [T.float8, T.anyelement], result: T.anyelement },
    { args: [T._float8, T.anyelement], result: T.anyarray },
  ],
  mode: [{ args: [T.anyelement], result: T.anyelement }],
};

/** The hypothetical-set aggregates (aggkind 'h', `VARIADIC "any" ORDER BY VARIADIC "any"`) and their result types. */
const HYPOTHETICAL_RESULTS: Readonly<Record<string, number>> = {
  rank: T.int8,
  dense_rank: T.int8,
  percent_rank: T.float8,
  cume_dist: T.float8,
};

/** Whether `schema.name` names a built-in ordered-set or hypothetical-set aggregate. */
export function isOrderedSetAggregateName(schema: string | undefined, name: string): boolean {
  return (
    (schema === undefined || schema === 'pg_catalog') &&
    (Object.hasOwn(ORDERED_SET_SIGNATURES, name) || Object.hasOwn(HYPOTHETICAL_RESULTS, name))
  );
}

/** Whether `schema.name` (schema as written, or none) names a built-in aggregate. */
export function isAggregate(schema: string | undefined, name: string): boolean {
  return (
    (schema === undefined || schema === 'pg_catalog') && Object.hasOwn(AGGREGATE_SIGNATURES, name)
  );
}

const NO_FUNCTION_HINT =
  'No function matches the given name and argument types. You might need to add explicit type casts.';

/** Whether `e` contains a WindowFunc (returns its location) — for "cannot contain" errors. */
export function findWindowFunc(
  ps: ParseState,
  exprs: readonly (Expr | undefined)[],
): { found: boolean; loc: number | undefined } {
  let found: Expr | undefined;
  const visit = (e: Expr): void => {
    if (found) return;
    if (e.kind === 'windowfunc') {
      found = e;
      return;
    }
    forEachChild(e, visit);
  };
  for (const e of exprs) if (e) visit(e);
  return { found: found !== undefined, loc: found ? exprLocation(ps, found) : undefined };
}

/**
 * Resolves and builds one aggregate call: the arguments and FILTER and
 * ORDER BY analyzed and coerced. With `window`, the call is an aggregate
 * OVER a window: its arguments may contain plain aggregates (of the
 * grouped query), so they are not analyzed as an aggregate's arguments.
 */
export function buildAggregateCall(
  ps: ParseState,
  name: string,
  n: PNode,
  loc: number,
  window: boolean,
): AggregateCall {
  if (n.agg_within_group && isOrderedSetAggregateName(undefined, name) && !window) {
    return buildOrderedSetCall(ps, name, n, loc);
  }
  if (n.agg_within_group) {
    // ParseFuncOrColumn looks the function up with the WITHIN GROUP keys as more arguments
    const saved = ps.inAggregate;
    let inputs: Expr[];
    try {
      ps.inAggregate = true;
      inputs = [
        ...(n.args ?? []),
        ...((n.agg_order ?? []) as PNode[]).map((o) => o.SortBy.node),
      ].map((a: PNode) => transformExpr(ps, a));
    } finally {
      ps.inAggregate = saved;
    }
    resolveAggregate(ps, name, inputs, false, loc);
    throw errorAt(
      ps,
      '42809',
      `${name} is not an ordered-set aggregate, so it cannot have WITHIN GROUP`,
      loc,
    );
  }
  if (n.func_variadic) {
    throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, 'VARIADIC arguments are not supported yet', loc);
  }
  const star = n.agg_star === true;
  if (star && name !== 'count') {
    throw errorAt(ps, Code.UNDEFINED_FUNCTION, `function ${name}() does not exist`, loc, {
      hint: NO_FUNCTION_HINT,
    });
  }
  const argNodes: PNode[] = n.args ?? [];
  if (argNodes.some((a) => a.NamedArgExpr)) {
    throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, 'named arguments are not supported yet', loc);
  }
  const saved = { aggregates: ps.aggregates, exprKind: ps.exprKind, inAggregate: ps.inAggregate };
  let inputs: Expr[];
  let orderInputs: { expr: Expr; node: PNode; sort: PNode }[] = [];
  let filter: Expr | undefined;
  try {
    if (!window) ps.inAggregate = true;
    inputs = argNodes.map((a) => transformExpr(ps, a));
    orderInputs = ((n.agg_order ?? []) as PNode[]).map((item) => {
      const written = item.SortBy;
      let expr = transformExpr(ps, written.node);
      if (expr.type === UNKNOWN) expr = coerceTo(ps, expr, TypeOid.text, -1, 'i', false)!;
      const sort = resolveUsing(ps, written, expr);
      return { expr, node: sort.node, sort };
    });
    if (!window) {
      // parse_agg.c check_agglevels_and_constraints: a window function inside the arguments
      const w = findWindowFunc(ps, [...inputs, ...orderInputs.map((o) => o.expr)]);
      if (w.found) {
        throw errorAt(
          ps,
          Code.GROUPING_ERROR,
          'aggregate function calls cannot contain window function calls',
          w.loc,
        );
      }
    }
    ps.inAggregate = false;
    ps.aggregates = undefined;
    ps.exprKind = 'FILTER';
    if (n.agg_filter) filter = coerceToBoolean(ps, transformExpr(ps, n.agg_filter), 'FILTER');
  } finally {
    ps.inAggregate = saved.inAggregate;
    ps.aggregates = saved.aggregates;
    ps.exprKind = saved.exprKind;
  }
  const distinct = n.agg_distinct === true;
  const { args, argTypes, type } = star
    ? { args: [] as Expr[], argTypes: [] as number[], type: TypeOid.int8 as number }
    : resolveAggregate(ps, name, inputs, distinct, loc);
  let order: AggSortKey[] | undefined;
  if (orderInputs.length > 0) {
    order = orderInputs.map(({ expr, sort }) => {
      if (distinct && !args.some((a) => sameExpr(stripImplicit(a), expr))) {
        throw errorAt(
          ps,
          Code.INVALID_COLUMN_REFERENCE,
          'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list',
          exprLocation(ps, expr),
        );
      }
      const descending = sort.sortby_dir === 'SORTBY_DESC';
      const nullsFirst =
        sort.sortby_nulls === 'SORTBY_NULLS_FIRST'
          ? true
          : sort.sortby_nulls === 'SORTBY_NULLS_LAST'
            ? false
            : descending;
      return { expr, descending, nullsFirst };
    });
  }
  return {
    name,
    args,
    argTypes,
    star,
    distinct,
    ...(filter ? { filter } : {}),
    ...(order ? { order } : {}),
    type,
    typmod: -1,
  };
}

/** How an aggregate's sort key was written: direction and NULLS placement (NULLS LAST is the ASC default). */
function sortKeyOf(expr: Expr, sort: PNode): AggSortKey {
  const descending = sort.sortby_dir === 'SORTBY_DESC';
  const nullsFirst =
    sort.sortby_nulls === 'SORTBY_NULLS_FIRST'
      ? true
      : sort.sortby_nulls === 'SORTBY_NULLS_LAST'
        ? false
        : descending;
  return { expr, descending, nullsFirst };
}

/**
 * `f(direct...) WITHIN GROUP (ORDER BY aggregated...)` of an ordered-set
 * or hypothetical-set aggregate (ParseFuncOrColumn with agg_within_group,
 * then transformAggregateCall): resolved on the direct and the aggregated
 * argument types together; a hypothetical set needs as many direct
 * arguments as keys, each pair coerced to their common type
 * (unify_hypothetical_args).
 */
function buildOrderedSetCall(ps: ParseState, name: string, n: PNode, loc: number): AggregateCall {
  if (n.func_variadic) {
    throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, 'VARIADIC arguments are not supported yet', loc);
  }
  const argNodes: PNode[] = n.args ?? [];
  if (argNodes.some((a) => a.NamedArgExpr)) {
    throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, 'named arguments are not supported yet', loc);
  }
  const saved = { aggregates: ps.aggregates, exprKind: ps.exprKind, inAggregate: ps.inAggregate };
  let direct: Expr[];
  let keys: { expr: Expr; sort: PNode }[];
  let filter: Expr | undefined;
  try {
    ps.inAggregate = true;
    direct = argNodes.map((a) => transformExpr(ps, a));
    keys = ((n.agg_order ?? []) as PNode[]).map((item) => {
      const sort = item.SortBy;
      if (sort.sortby_dir === 'SORTBY_USING')
        throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, 'ORDER BY ... USING is not supported yet');
      return { expr: transformExpr(ps, sort.node), sort };
    });
    const w = findWindowFunc(ps, [...direct, ...keys.map((k) => k.expr)]);
    if (w.found) {
      throw errorAt(
        ps,
        Code.GROUPING_ERROR,
        'aggregate function calls cannot contain window function calls',
        w.loc,
      );
    }
    ps.inAggregate = false;
    ps.aggregates = undefined;
    ps.exprKind = 'FILTER';
    if (n.agg_filter) filter = coerceToBoolean(ps, transformExpr(ps, n.agg_filter), 'FILTER');
  } finally {
    ps.inAggregate = saved.inAggregate;
    ps.aggregates = saved.aggregates;
    ps.exprKind = saved.exprKind;
  }
  const nd = direct.length;
  const hypothetical = HYPOTHETICAL_RESULTS[name];
  let args: Expr[];
  let argTypes: number[];
  let type: number;
  if (hypothetical !== undefined) {
    if (nd !== keys.length) {
      const types = [...direct, ...keys.map((k) => k.expr)].map((e) =>
        typeName(ps.registry, e.type),
      );
      throw errorAt(
        ps,
        Code.UNDEFINED_FUNCTION,
        `function ${name}(${types.join(', ')}) does not exist`,
        loc,
        {
          hint: `To use the hypothetical-set aggregate ${name}, the number of hypothetical direct arguments (here ${nd}) must match the number of ordering columns (here ${keys.length}).`,
        },
      );
    }
    // unify_hypothetical_args: select_common_type over (key, direct argument)
    const unified = keys.map((k, i) => coerceToCommon(ps, [k.expr, direct[i]!], 'WITHIN GROUP'));
    args = unified.map((u) => u.exprs[1]!);
    keys = keys.map((k, i) => ({ ...k, expr: unified[i]!.exprs[0]! }));
    argTypes = [...unified.map((u) => u.type), ...unified.map((u) => u.type)];
    type = hypothetical;
  } else {
    const inputs = [...direct, ...keys.map((k) => k.expr)];
    const r = resolveAggregate(ps, name, inputs, false, loc, ORDERED_SET_SIGNATURES[name] ?? []);
    args = r.args.slice(0, nd);
    keys = keys.map((k, i) => ({ ...k, expr: r.args[nd + i]! }));
    argTypes = r.argTypes;
    type = r.type;
  }
  return {
    name,
    args,
    argTypes,
    star: false,
    distinct: false,
    ...(filter ? { filter } : {}),
    order: keys.map((k) => sortKeyOf(k.expr, k.sort)),
    type,
    typmod: -1,
    aggkind: hypothetical !== undefined ? 'h' : 'o',
  };
}

/** func_get_detail among the aggregate's pg_aggregate entries, then the arguments coerced. */
function resolveAggregate(
  ps: ParseState,
  name: string,
  inputs: readonly Expr[],
  distinct: boolean,
  loc: number,
  signatures: readonly AggregateSignature[] = AGGREGATE_SIGNATURES[name] ?? [],
): { args: Expr[]; argTypes: number[]; type: number } {
  const types = inputs.map((e) => e.type);
  const candidates = signatures
    .filter((s) => s.args.length === inputs.length)
    .map((s) => ({ def: s, args: s.args }));
  const res: Resolution<AggregateSignature> =
    candidates.length > 0 ? resolveAmong(ps.registry, candidates, types) : { kind: 'none' };
  if (res.kind !== 'found') {
    const shown = `${name}(${types.map((t) => typeName(ps.registry, t)).join(', ')})`;
    if (res.kind === 'ambiguous') {
      throw errorAt(ps, Code.AMBIGUOUS_FUNCTION, `function ${shown} is not unique`, loc, {
        hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
      });
    }
    throw errorAt(ps, Code.UNDEFINED_FUNCTION, `function ${shown} does not exist`, loc, {
      hint: NO_FUNCTION_HINT,
    });
  }
  const declared = res.args;
  const polymorphicResult =
    res.def.result === TypeOid.anyarray ||
    res.def.result === TypeOid.anyelement ||
    res.def.result === TypeOid.anynonarray;
  const needsElem = declared.some(
    (d) => d === TypeOid.anyelement || d === TypeOid.anynonarray || d === TypeOid.anyarray,
  );
  if (needsElem && res.binding.elem === 0) {
    throw new PositionedSqlError(
      Code.DATATYPE_MISMATCH,
      'could not determine polymorphic type because input has type unknown',
    );
  }
  const args: Expr[] = [];
  const argTypes: number[] = [];
  inputs.forEach((arg, i) => {
    const d = declared[i]!;
    // count($1) leaves $1's type undetermined; with DISTINCT it needs equality, so $1 becomes text.
    if (d === TypeOid.any && arg.kind === 'param' && arg.type === UNKNOWN && !distinct) {
      args.push(arg);
      argTypes.push(UNKNOWN);
      return;
    }
    const target = substitutePolymorphic(ps.registry, d, arg.type, res.binding);
    const c = coerceTo(ps, arg, target, -1, 'i', false);
    if (!c) {
      throw errorAt(
        ps,
        Code.CANNOT_COERCE,
        `cannot cast type ${typeName(ps.registry, arg.type)} to ${typeName(ps.registry, target)}`,
        exprLocation(ps, arg),
      );
    }
    args.push(c);
    argTypes.push(target);
  });
  const type = polymorphicResult
    ? res.def.result === TypeOid.anyarray
      ? arrayTypeOf(ps.registry, res.binding.elem)
      : res.binding.elem
    : res.def.result;
  return { args, argTypes, type };
}

/** strip_implicit_coercions: an argument as written, for matching ORDER BY items. */
export function stripImplicit(e: Expr): Expr {
  return e.kind === 'coerce' && !e.explicit ? stripImplicit(e.arg) : e;
}

/** Structural equality of analyzed expressions (PostgreSQL's equal(); locations are not part of a node). */
export function sameExpr(a: Expr, b: Expr): boolean {
  return JSON.stringify(a, replacer) === JSON.stringify(b, replacer);
}

function replacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return undefined;
  return v;
}

/**
 * A plain aggregate call: collected into the aggregates of the SELECT it
 * belongs to, replaced by an Aggref (check_agglevels_and_constraints).
 * It belongs to the innermost query level whose columns its arguments
 * (the WITHIN GROUP keys of an ordered-set aggregate, not its direct
 * arguments) and FILTER use; with none, to this level. An aggregate of
 * an outer level is checked against that level's clause, its Vars are
 * rewritten relative to that level, and the Aggref here carries levelsUp.
 */
export function transformAggregate(ps: ParseState, name: string, n: PNode, loc: number): Expr {
  if (ps.inAggregate) {
    throw errorAt(ps, Code.GROUPING_ERROR, 'aggregate function calls cannot be nested', loc);
  }
  if (ps.aggregates === undefined && ps.parent === undefined) {
    throw errorAt(
      ps,
      Code.GROUPING_ERROR,
      `aggregate functions are not allowed in ${clauseText(ps.exprKind)}`,
      loc,
    );
  }
  const call = buildAggregateCall(ps, name, n, loc, false);
  const levelsUp = aggLevel(call);
  let owner: ParseState = ps;
  for (let i = 0; i < levelsUp && owner.parent !== undefined; i++) owner = owner.parent;
  if (levelsUp > 0 && owner.inAggregate) {
    throw errorAt(ps, Code.GROUPING_ERROR, 'aggregate function calls cannot be nested', loc);
  }
  if (owner.aggregates === undefined) {
    throw errorAt(
      ps,
      Code.GROUPING_ERROR,
      `aggregate functions are not allowed in ${clauseText(owner.exprKind)}`,
      loc,
    );
  }
  const aggregates = owner.aggregates;
  aggregates.push(levelsUp > 0 ? shiftCall(ps, call, levelsUp) : call);
  const ref: Aggref = {
    kind: 'aggref',
    index: aggregates.length - 1,
    type: call.type,
    typmod: -1,
    ...(levelsUp > 0 ? { levelsUp } : {}),
  };
  ps.locations.set(ref, loc);
  return ref;
}

/** ParseFuncOrColumn's error for a plain function called with an aggregate's decoration. */
export function notAggregate(
  ps: ParseState,
  name: string,
  n: PNode,
  loc: number,
): PositionedSqlError {
  const what = n.agg_star
    ? `${name}(*)`
    : n.agg_distinct
      ? 'DISTINCT'
      : n.agg_within_group
        ? 'WITHIN GROUP'
        : n.agg_order
          ? 'ORDER BY'
          : n.agg_filter
            ? 'FILTER'
            : 'OVER';
  const kind =
    what === 'OVER' ? 'a window function nor an aggregate function' : 'an aggregate function';
  return errorAt(ps, Code.WRONG_OBJECT_TYPE, `${what} specified, but ${name} is not ${kind}`, loc);
}

/**
 * check_agg_arguments' min_varlevel: the lowest query level the Vars of
 * the aggregated arguments and FILTER refer to (0 when any is this
 * level's, or there are none). An ordered-set aggregate's direct
 * arguments do not count.
 */
function aggLevel(call: AggregateCall): number {
  let min = Number.POSITIVE_INFINITY;
  const visit = (e: Expr): void => {
    if (e.kind === 'var') min = Math.min(min, e.levelsUp ?? 0);
    forEachChild(e, visit);
  };
  if (call.aggkind === undefined) call.args.forEach(visit);
  for (const k of call.order ?? []) visit(k.expr);
  if (call.filter) visit(call.filter);
  return Number.isFinite(min) ? min : 0;
}

/** The call as the query `by` levels out sees it: its Vars' levelsUp lowered by `by`. */
function shiftCall(ps: ParseState, call: AggregateCall, by: number): AggregateCall {
  const shift = (e: Expr): Expr => {
    if (e.kind === 'var') {
      const lu = (e.levelsUp ?? 0) - by;
      if (lu < 0) {
        // only a direct argument can refer to a level below the aggregate's
        throw errorAt(
          ps,
          Code.GROUPING_ERROR,
          'outer-level aggregate cannot contain a lower-level variable in its direct arguments',
          exprLocation(ps, e),
        );
      }
      const { levelsUp: _, ...rest } = e;
      const out: Expr = lu > 0 ? { ...rest, levelsUp: lu } : rest;
      const loc = ps.locations.get(e);
      if (loc !== undefined) ps.locations.set(out, loc);
      return out;
    }
    if (e.kind === 'sublink' || e.kind === 'aggref') {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        'sub-SELECTs in the arguments of an aggregate of an outer query level are not supported yet',
        exprLocation(ps, e),
      );
    }
    return mapChildren(e, shift);
  };
  return {
    ...call,
    args: call.args.map(shift),
    ...(call.filter ? { filter: shift(call.filter) } : {}),
    ...(call.order ? { order: call.order.map((k) => ({ ...k, expr: shift(k.expr) })) } : {}),
  };
}

/** How PostgreSQL's "... are not allowed in X" messages name the clause an expression is in. */
export function clauseText(exprKind: string): string {
  switch (exprKind) {
    case 'JOIN/ON':
      return 'JOIN conditions';
    case 'FROM':
      return 'functions in FROM';
    case 'DEFAULT':
      return 'DEFAULT expressions';
    case 'column generation expression': // issue 9 (H)
      return 'column generation expressions';
    case 'USING': // issue 9 (ALTER TABLE): ALTER COLUMN TYPE's transform
      return 'transform expressions';
    default:
      return exprKind;
  }
}
