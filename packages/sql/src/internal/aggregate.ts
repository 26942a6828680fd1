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
  errorAt,
  exprLocation,
  forEachChild,
  type ParseState,
  transformExpr,
} from './expr.js';
import type { PNode } from './parse.js';
import type { Aggref, AggregateCall, AggSortKey, Expr } from './query.js';
import { type Resolution, resolveAmong } from './resolve.js';

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
const BITWISE = [one(T.int2, T.int2), one(T.int4, T.int4), one(T.int8, T.int8)];

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
  stddev: STATISTICAL,
  stddev_samp: STATISTICAL,
  stddev_pop: STATISTICAL,
  variance: STATISTICAL,
  var_samp: STATISTICAL,
  var_pop: STATISTICAL,
};

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
  if (n.agg_within_group) {
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
      const sort = item.SortBy;
      if (sort.sortby_dir === 'SORTBY_USING')
        throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, 'ORDER BY ... USING is not supported yet');
      let expr = transformExpr(ps, sort.node);
      if (expr.type === UNKNOWN) expr = coerceTo(ps, expr, TypeOid.text, -1, 'i', false)!;
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

/** func_get_detail among the aggregate's pg_aggregate entries, then the arguments coerced. */
function resolveAggregate(
  ps: ParseState,
  name: string,
  inputs: readonly Expr[],
  distinct: boolean,
  loc: number,
): { args: Expr[]; argTypes: number[]; type: number } {
  const types = inputs.map((e) => e.type);
  const candidates = (AGGREGATE_SIGNATURES[name] ?? [])
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

/** A plain aggregate call: collected into the SELECT's aggregates, replaced by an Aggref. */
export function transformAggregate(ps: ParseState, name: string, n: PNode, loc: number): Expr {
  if (ps.inAggregate) {
    throw errorAt(ps, Code.GROUPING_ERROR, 'aggregate function calls cannot be nested', loc);
  }
  if (ps.aggregates === undefined) {
    throw errorAt(
      ps,
      Code.GROUPING_ERROR,
      `aggregate functions are not allowed in ${clauseText(ps.exprKind)}`,
      loc,
    );
  }
  const aggregates = ps.aggregates;
  const call = buildAggregateCall(ps, name, n, loc, false);
  if (outerLevel(call.args) > 0) {
    // PostgreSQL evaluates it in the outer query (an outer-level aggregate)
    throw errorAt(
      ps,
      Code.FEATURE_NOT_SUPPORTED,
      'aggregates of an outer query level are not supported yet',
      loc,
    );
  }
  aggregates.push(call);
  const ref: Aggref = { kind: 'aggref', index: aggregates.length - 1, type: call.type, typmod: -1 };
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

/** The lowest query level the arguments' Vars refer to (0 when any is this level's, or none). */
function outerLevel(args: readonly Expr[]): number {
  let min = Number.POSITIVE_INFINITY;
  const visit = (e: Expr): void => {
    if (e.kind === 'var') min = Math.min(min, e.levelsUp ?? 0);
    forEachChild(e, visit);
  };
  args.forEach(visit);
  return Number.isFinite(min) ? min : 0;
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
    default:
      return exprKind;
  }
}
