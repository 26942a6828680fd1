/**
 * Window functions (parse_func.c's window path, parse_agg.c
 * transformWindowFuncCall, parse_clause.c transformWindowDefinitions and
 * transformFrameOffset).
 *
 * A call `f(...) OVER (...)` or `f(...) OVER w` becomes a WindowFunc whose
 * WindowFuncCall names a window by index. Windows are numbered as
 * PostgreSQL's p_windowdefs: the WINDOW clause's definitions first, then
 * each inline OVER (...) that does not duplicate an earlier definition
 * (same reference name or none, equal PARTITION BY, ORDER BY, frame).
 * The definitions are analyzed at the end of the SELECT, as in
 * PostgreSQL: PARTITION BY and ORDER BY are expressions over the (grouped)
 * rows, the frame offsets are constants.
 */
import { TypeOid } from '@pg/types';
import {
  type AggregateSignature,
  buildAggregateCall,
  clauseText,
  findWindowFunc,
  isAggregate,
  notAggregate,
} from './aggregate.js';
import { canCoerce, substitutePolymorphic, typeName, UNKNOWN } from './coerce.js';
import { Code, PositionedSqlError } from './errors.js';
import {
  coerceTo,
  coerceToSpecificType,
  errorAt,
  exprLocation,
  forEachChild,
  type ParseState,
  transformExpr,
} from './expr.js';
import type { SelectLevel } from './grouping.js';
import type { PNode } from './parse.js';
import type {
  AggSortKey,
  Expr,
  FrameBound,
  WindowClause,
  WindowFunc,
  WindowFuncCall,
} from './query.js';
import { type Resolution, resolveAmong } from './resolve.js';
import { resolveUsing } from './sort-using.js';

const WINDOWING_ERROR = '42P20';
const T = TypeOid;

/** The built-in window functions (pg_proc prokind 'w'). */
const WINDOW_SIGNATURES: Readonly<Record<string, readonly AggregateSignature[]>> = {
  row_number: [{ args: [], result: T.int8 }],
  rank: [{ args: [], result: T.int8 }],
  dense_rank: [{ args: [], result: T.int8 }],
  percent_rank: [{ args: [], result: T.float8 }],
  cume_dist: [{ args: [], result: T.float8 }],
  ntile: [{ args: [T.int4], result: T.int4 }],
  lag: [
    { args: [T.anyelement], result: T.anyelement },
    { args: [T.anyelement, T.int4], result: T.anyelement },
    { args: [T.anycompatible, T.int4, T.anycompatible], result: T.anycompatible },
  ],
  lead: [
    { args: [T.anyelement], result: T.anyelement },
    { args: [T.anyelement, T.int4], result: T.anyelement },
    { args: [T.anycompatible, T.int4, T.anycompatible], result: T.anycompatible },
  ],
  first_value: [{ args: [T.anyelement], result: T.anyelement }],
  last_value: [{ args: [T.anyelement], result: T.anyelement }],
  nth_value: [{ args: [T.anyelement, T.int4], result: T.anyelement }],
};

/** Whether `schema.name` names a built-in window function (not an aggregate). */
export function isWindowFunction(schema: string | undefined, name: string): boolean {
  return (
    (schema === undefined || schema === 'pg_catalog') && Object.hasOwn(WINDOW_SIGNATURES, name)
  );
}

const NO_FUNCTION_HINT =
  'No function matches the given name and argument types. You might need to add explicit type casts.';

function transformArgs(ps: ParseState, n: PNode, loc: number): Expr[] {
  const argNodes: PNode[] = n.args ?? [];
  if (argNodes.some((a) => a.NamedArgExpr)) {
    throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, 'named arguments are not supported yet', loc);
  }
  return argNodes.map((a) => transformExpr(ps, a));
}

/** Resolves a window function's arguments among its signatures and coerces them. */
function resolveWindowFunction(
  ps: ParseState,
  name: string,
  inputs: readonly Expr[],
  loc: number,
): { args: Expr[]; type: number } {
  const types = inputs.map((e) => e.type);
  const candidates = (WINDOW_SIGNATURES[name] ?? [])
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
    orderedSetCheck(ps, name, inputs.length, loc);
    throw errorAt(ps, Code.UNDEFINED_FUNCTION, `function ${shown} does not exist`, loc, {
      hint: NO_FUNCTION_HINT,
    });
  }
  const b = res.binding;
  const declared = res.args;
  if (declared.some((d) => d === T.anyelement) && b.elem === 0) {
    throw new PositionedSqlError(
      Code.DATATYPE_MISMATCH,
      'could not determine polymorphic type because input has type unknown',
    );
  }
  const args = inputs.map((arg, i) => {
    const target = substitutePolymorphic(ps.registry, declared[i]!, arg.type, b);
    const c = coerceTo(ps, arg, target, -1, 'i', false);
    if (!c) {
      throw errorAt(
        ps,
        Code.CANNOT_COERCE,
        `cannot cast type ${typeName(ps.registry, arg.type)} to ${typeName(ps.registry, target)}`,
        exprLocation(ps, arg),
      );
    }
    return c;
  });
  const r = res.def.result;
  const type =
    r === T.anyelement
      ? b.elem
      : r === T.anycompatible
        ? substitutePolymorphic(ps.registry, r, 0, b)
        : r;
  return { args, type };
}

/** `window functions are not allowed in X` as PostgreSQL names X. */
function windowClauseText(exprKind: string): string {
  return exprKind.startsWith('window ') ? 'window definitions' : clauseText(exprKind);
}

const ALLOWED: ReadonlySet<string> = new Set(['SELECT', 'ORDER BY', 'DISTINCT ON']);

/** The error for calling a window-only function without OVER. */
export function windowFunctionWithoutOver(
  ps: ParseState,
  name: string,
  n: PNode,
  loc: number,
): PositionedSqlError {
  // Resolution comes first: row_number(1) does not exist at all.
  resolveWindowFunction(ps, name, transformArgs(ps, n, loc), loc);
  return errorAt(
    ps,
    Code.WRONG_OBJECT_TYPE,
    `window function ${name} requires an OVER clause`,
    loc,
  );
}

/** `f(...) OVER ...` (transformWindowFuncCall). */
export function transformWindowFuncCall(
  ps: ParseState,
  name: string,
  schema: string | undefined,
  n: PNode,
  loc: number,
): Expr {
  const aggregate = isAggregate(schema, name);
  let call: WindowFuncCall;
  const over: PNode = n.over;
  if (aggregate) {
    const agg = buildAggregateCall(ps, name, n, loc, true);
    if (agg.distinct) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        'DISTINCT is not implemented for window functions',
        loc,
      );
    }
    if (agg.order) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        'aggregate ORDER BY is not implemented for window functions',
        loc,
      );
    }
    call = {
      name,
      args: agg.args,
      aggregate: agg,
      ...(agg.filter ? { filter: agg.filter } : {}),
      window: -1,
      type: agg.type,
      typmod: -1,
    };
  } else {
    const inputs = transformArgs(ps, n, loc);
    if (!isWindowFunction(schema, name)) {
      // resolved as a plain function first (its errors), then refused
      const { over: _over, ...plain } = n;
      transformExpr(ps, { FuncCall: plain });
      throw notAggregate(ps, schema !== undefined ? `${schema}.${name}` : name, n, loc);
    }
    if (n.agg_star) {
      throw errorAt(
        ps,
        Code.WRONG_OBJECT_TYPE,
        `${name}(*) specified, but ${name} is not an aggregate function`,
        loc,
      );
    }
    const { args, type } = resolveWindowFunction(ps, name, inputs, loc);
    if (n.agg_distinct) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        'DISTINCT is not implemented for window functions',
        loc,
      );
    }
    if (n.agg_order) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        'aggregate ORDER BY is not implemented for window functions',
        loc,
      );
    }
    if (n.agg_filter) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        'FILTER is not implemented for non-aggregate window functions',
        loc,
      );
    }
    call = { name, args, window: -1, type, typmod: -1 };
  }
  const nested = findWindowFunc(ps, [...call.args, call.filter]);
  if (nested.found) {
    throw errorAt(ps, WINDOWING_ERROR, 'window function calls cannot be nested', nested.loc);
  }
  const level = ps.selectLevel;
  if (!ALLOWED.has(ps.exprKind) || level === undefined) {
    throw errorAt(
      ps,
      WINDOWING_ERROR,
      `window functions are not allowed in ${windowClauseText(ps.exprKind)}`,
      loc,
    );
  }
  const window = windowIndex(ps, level, over);
  level.windowFuncs.push({ ...call, window });
  const wf: WindowFunc = {
    kind: 'windowfunc',
    index: level.windowFuncs.length - 1,
    type: call.type,
    typmod: -1,
  };
  ps.locations.set(wf, loc);
  return wf;
}

/** A raw node without its locations (PostgreSQL's equal() ignores them). */
function shape(n: unknown): string {
  return JSON.stringify(n ?? null, (k, v) => (k === 'location' ? undefined : v));
}

/** The window an OVER clause uses: a WINDOW clause name, or a (possibly shared) inline definition. */
function windowIndex(ps: ParseState, level: SelectLevel, over: PNode): number {
  if (over.name) {
    const i = level.windowDefs.findIndex((d, k) => k < level.named && d.name === over.name);
    if (i < 0) {
      throw errorAt(
        ps,
        Code.UNDEFINED_OBJECT,
        `window "${over.name}" does not exist`,
        over.location,
      );
    }
    return i;
  }
  const i = level.windowDefs.findIndex(
    (d) =>
      (d.refname ?? null) === (over.refname ?? null) &&
      shape(d.partitionClause) === shape(over.partitionClause) &&
      shape(d.orderClause) === shape(over.orderClause) &&
      d.frameOptions === over.frameOptions &&
      shape(d.startOffset) === shape(over.startOffset) &&
      shape(d.endOffset) === shape(over.endOffset),
  );
  if (i >= 0) return i;
  level.windowDefs.push(over);
  return level.windowDefs.length - 1;
}

// ---------------------------------------------------------------- window definitions

const F = {
  NONDEFAULT: 0x1,
  RANGE: 0x2,
  ROWS: 0x4,
  GROUPS: 0x8,
  START_UNBOUNDED_PRECEDING: 0x20,
  START_CURRENT_ROW: 0x200,
  END_UNBOUNDED_FOLLOWING: 0x100,
  END_CURRENT_ROW: 0x400,
  START_OFFSET_PRECEDING: 0x800,
  END_OFFSET_PRECEDING: 0x1000,
  START_OFFSET_FOLLOWING: 0x2000,
  END_OFFSET_FOLLOWING: 0x4000,
  EXCLUDE_CURRENT_ROW: 0x8000,
  EXCLUDE_GROUP: 0x10000,
  EXCLUDE_TIES: 0x20000,
} as const;
const FRAME_DEFAULTS = F.RANGE | F.START_UNBOUNDED_PRECEDING | F.END_CURRENT_ROW;
const START_OFFSET = F.START_OFFSET_PRECEDING | F.START_OFFSET_FOLLOWING;
const END_OFFSET = F.END_OFFSET_PRECEDING | F.END_OFFSET_FOLLOWING;

/**
 * in_range support (pg_amproc procnum 3 of the B-tree opfamilies): for an
 * ORDER BY column type, the offset types RANGE accepts, in the catalog's
 * order (by offset type OID).
 */
const IN_RANGE: Readonly<Record<number, readonly number[]>> = {
  [T.int2]: [T.int8, T.int2, T.int4],
  [T.int4]: [T.int8, T.int2, T.int4],
  [T.int8]: [T.int8],
  [T.float4]: [T.float8],
  [T.float8]: [T.float8],
  [T.numeric]: [T.numeric],
  [T.date]: [T.interval],
  [T.time]: [T.interval],
  [T.timetz]: [T.interval],
  [T.timestamp]: [T.interval],
  [T.timestamptz]: [T.interval],
  [T.interval]: [T.interval],
};

/** The first Var in `e`, for "must not contain variables". */
function firstVar(e: Expr): Expr | undefined {
  if (e.kind === 'var') return e;
  let found: Expr | undefined;
  forEachChild(e, (c) => {
    found ??= firstVar(c);
  });
  return found;
}

function withKind<R>(ps: ParseState, kind: string, aggregates: boolean, f: () => R): R {
  const saved = { exprKind: ps.exprKind, aggregates: ps.aggregates };
  ps.exprKind = kind;
  if (!aggregates) ps.aggregates = undefined;
  try {
    return f();
  } finally {
    ps.exprKind = saved.exprKind;
    ps.aggregates = saved.aggregates;
  }
}

function sortKeys(ps: ParseState, items: PNode[] | undefined): AggSortKey[] {
  return (items ?? []).map((item) => {
    let expr = transformExpr(ps, item.SortBy.node);
    if (expr.type === UNKNOWN) expr = coerceTo(ps, expr, T.text, -1, 'i', false)!;
    const s = resolveUsing(ps, item.SortBy, expr);
    const descending = s.sortby_dir === 'SORTBY_DESC';
    const nullsFirst =
      s.sortby_nulls === 'SORTBY_NULLS_FIRST'
        ? true
        : s.sortby_nulls === 'SORTBY_NULLS_LAST'
          ? false
          : descending;
    return { expr, descending, nullsFirst };
  });
}

/** transformFrameOffset: a ROWS/GROUPS offset as int8, a RANGE offset as its in_range type. */
function frameOffset(
  ps: ParseState,
  mode: 'rows' | 'range' | 'groups',
  node: PNode,
  order: readonly AggSortKey[],
): Expr {
  const construct = mode.toUpperCase();
  return withKind(ps, `window ${construct}`, false, () => {
    const e = transformExpr(ps, node);
    const v = firstVar(e);
    if (v) {
      throw errorAt(
        ps,
        Code.INVALID_COLUMN_REFERENCE,
        `argument of ${construct} must not contain variables`,
        exprLocation(ps, v),
      );
    }
    if (mode !== 'range') return coerceToSpecificType(ps, e, T.int8, construct);
    const column = order[0]!.expr.type;
    const colType = column === T.varchar ? T.text : column;
    const offsets = IN_RANGE[colType] ?? [];
    const where = exprLocation(ps, e);
    if (offsets.length === 0) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${typeName(ps.registry, colType)}`,
        where,
      );
    }
    const preferred = e.type !== UNKNOWN ? e.type : colType;
    let selected = 0;
    let matches = 0;
    for (const t of offsets) {
      if (!canCoerce(ps.registry, e.type, t, 'i')) continue;
      matches++;
      if (selected !== preferred) selected = t;
    }
    const shown = `${typeName(ps.registry, colType)} and offset type ${typeName(ps.registry, e.type)}`;
    if (matches === 0) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${shown}`,
        where,
        { hint: 'Cast the offset value to an appropriate type.' },
      );
    }
    if (matches !== 1 && selected !== preferred) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        `RANGE with offset PRECEDING/FOLLOWING has multiple interpretations for column type ${shown}`,
        where,
        { hint: 'Cast the offset value to the exact intended type.' },
      );
    }
    return coerceToSpecificType(ps, e, selected, 'RANGE');
  });
}

function bound(options: number, which: 'start' | 'end', offset: Expr | undefined): FrameBound {
  if (which === 'start') {
    if (options & F.START_UNBOUNDED_PRECEDING) return { kind: 'unbounded preceding' };
    if (options & F.START_CURRENT_ROW) return { kind: 'current row' };
    if (options & F.START_OFFSET_PRECEDING) return { kind: 'preceding', offset: offset! };
    return { kind: 'following', offset: offset! };
  }
  if (options & F.END_UNBOUNDED_FOLLOWING) return { kind: 'unbounded following' };
  if (options & F.END_CURRENT_ROW) return { kind: 'current row' };
  if (options & F.END_OFFSET_PRECEDING) return { kind: 'preceding', offset: offset! };
  return { kind: 'following', offset: offset! };
}

/**
 * transformWindowDefinitions: every definition of the level, in order
 * (WindowFuncCall.window indexes the result). PARTITION BY and ORDER BY
 * may contain the grouped query's aggregates; offsets may not.
 */
export function transformWindowDefinitions(ps: ParseState, level: SelectLevel): WindowClause[] {
  const result: WindowClause[] = [];
  const rawOptions: number[] = [];
  level.windowDefs.forEach((def, k) => {
    const named = k < level.named ? (def.name as string) : undefined;
    if (named !== undefined && result.some((w) => w.name === named)) {
      throw errorAt(ps, WINDOWING_ERROR, `window "${named}" is already defined`, def.location);
    }
    let ref: WindowClause | undefined;
    let refOptions = FRAME_DEFAULTS as number;
    if (def.refname) {
      const r = result.findIndex((w) => w.name === def.refname);
      ref = result[r];
      refOptions = rawOptions[r] ?? FRAME_DEFAULTS;
      if (!ref) {
        throw errorAt(
          ps,
          Code.UNDEFINED_OBJECT,
          `window "${def.refname}" does not exist`,
          def.location,
        );
      }
    }
    // ORDER BY first: PostgreSQL transforms the partitioning as a GROUP BY that sees the ordering
    const ownOrder = withKind(ps, 'window ORDER BY', true, () => sortKeys(ps, def.orderClause));
    const partition = withKind(ps, 'window PARTITION BY', true, () =>
      ((def.partitionClause ?? []) as PNode[]).map((p) => {
        const e = transformExpr(ps, p);
        return e.type === UNKNOWN ? coerceTo(ps, e, T.text, -1, 'i', false)! : e;
      }),
    );
    const options: number = def.frameOptions;
    if (ref) {
      if (partition.length > 0) {
        throw errorAt(
          ps,
          WINDOWING_ERROR,
          `cannot override PARTITION BY clause of window "${def.refname}"`,
          def.location,
        );
      }
      if (ownOrder.length > 0 && ref.order.length > 0) {
        throw errorAt(
          ps,
          WINDOWING_ERROR,
          `cannot override ORDER BY clause of window "${def.refname}"`,
          def.location,
        );
      }
      if (refOptions !== FRAME_DEFAULTS) {
        throw errorAt(
          ps,
          WINDOWING_ERROR,
          `cannot copy window "${def.refname}" because it has a frame clause`,
          def.location,
          named !== undefined || ownOrder.length > 0 || options !== FRAME_DEFAULTS
            ? {}
            : { hint: 'Omit the parentheses in this OVER clause.' },
        );
      }
    }
    const order = ownOrder.length > 0 ? ownOrder : (ref?.order ?? []);
    const mode = options & F.ROWS ? 'rows' : options & F.GROUPS ? 'groups' : 'range';
    if (mode === 'range' && options & (START_OFFSET | END_OFFSET) && order.length !== 1) {
      throw errorAt(
        ps,
        WINDOWING_ERROR,
        'RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column',
        def.location,
      );
    }
    if (mode === 'groups' && order.length === 0) {
      throw errorAt(ps, WINDOWING_ERROR, 'GROUPS mode requires an ORDER BY clause', def.location);
    }
    const startOffset =
      options & START_OFFSET ? frameOffset(ps, mode, def.startOffset, order) : undefined;
    const endOffset =
      options & END_OFFSET ? frameOffset(ps, mode, def.endOffset, order) : undefined;
    const exclude =
      options & F.EXCLUDE_CURRENT_ROW
        ? 'current row'
        : options & F.EXCLUDE_GROUP
          ? 'group'
          : options & F.EXCLUDE_TIES
            ? 'ties'
            : 'no others';
    rawOptions.push(options);
    result.push({
      ...(named !== undefined ? { name: named } : {}),
      partition: ref ? ref.partition : partition,
      order,
      frame: {
        mode,
        start: bound(options, 'start', startOffset),
        end: bound(options, 'end', endOffset),
        exclude,
      },
    });
  });
  return result;
}

/**
 * PostgreSQL's ordered-set and hypothetical-set aggregates (pg_aggregate
 * aggkind 'o'/'h'): called without WITHIN GROUP, function lookup finds them
 * and ParseFuncOrColumn refuses the call.
 */
const ORDERED_SET_ARGS: ReadonlyMap<string, (n: number) => boolean> = new Map([
  ['rank', (n: number) => n >= 1],
  ['dense_rank', (n: number) => n >= 1],
  ['percent_rank', (n: number) => n >= 1],
  ['cume_dist', (n: number) => n >= 1],
  // pronargs counts the direct and the aggregated arguments
  ['percentile_cont', (n: number) => n === 2],
  ['percentile_disc', (n: number) => n === 2],
  ['mode', (n: number) => n === 1],
]);

/** An ordered-set or hypothetical-set aggregate's name. */
export function isOrderedSetAggregate(name: string): boolean {
  return ORDERED_SET_ARGS.has(name);
}

export function orderedSetCheck(
  ps: ParseState,
  name: string,
  nargs: number,
  loc: number | undefined,
): void {
  if (ORDERED_SET_ARGS.get(name)?.(nargs) === true) {
    throw errorAt(ps, '42809', `WITHIN GROUP is required for ordered-set aggregate ${name}`, loc);
  }
}
