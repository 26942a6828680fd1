/**
 * Expression analysis (parse_expr.c transformExpr and friends): raw parse
 * nodes to typed Expr trees, with PostgreSQL's rules for literals,
 * parameters, operators, functions, casts and the special forms.
 */

import type { RelationDesc } from '@pg/catalog';
import {
  type CastContext,
  type FunctionDef,
  type OperatorDef,
  type Registry,
  SqlError,
  type TypeContext,
  TypeOid,
} from '@pg/types';
import {
  isAggregate,
  isOrderedSetAggregateName,
  notAggregate,
  transformAggregate,
} from './aggregate.js';
import type { CatalogView } from './catalog-view.js';
import {
  arrayTypeOf,
  elementType,
  findCoercionPathway,
  resolveTypeName,
  selectCommonType,
  substitutePolymorphic,
  typeName,
  UNKNOWN,
  VECTOR_ARRAY_TYPE,
  vectorCast,
} from './coerce.js';
import { sqlValueFunctionName } from './colname.js';
import { Code, PositionedSqlError, type PositionMap } from './errors.js';
import { type SelectLevel, transformGroupingFunc } from './grouping.js';
import type { PNode } from './parse.js';
import { PSQL_FUNCTION_NAMES, PSQL_FUNCTIONS } from './psql-functions.js';
import type {
  AggregateCall,
  ArrayExpr,
  BoolExpr,
  CaseExpr,
  CoerceExpr,
  Const,
  DistinctExpr,
  Expr,
  FuncExpr,
  OpExpr,
  Param,
  RangeTblEntry,
  ScalarArrayOpExpr,
  Var,
} from './query.js';
import {
  isRowConstructor,
  makeRowComparison,
  makeRowDistinct,
  recordReturningInTargets,
  transformIndirection,
  transformRowExpr,
  wholeRowRef,
} from './records.js';
import { pgTypeofCall, regFunctionsOf } from './reg-functions.js';
import {
  functionNameExists,
  type Resolution,
  resolveAmong,
  resolveFunction,
  resolveOperator,
} from './resolve.js';
import { SEQUENCE_FUNCTION_NAMES, SEQUENCE_FUNCTIONS } from './sequence-functions.js';
import { sessionFunctions } from './session-functions.js';
import { SETTINGS_FUNCTIONS } from './settings-functions.js';
import { fixSubLink, transformSubLink } from './sublink.js';
import { systemColumnNamed, WITHOUT_SYSTEM_COLUMNS } from './system-columns.js'; // issue 9 (F)
import {
  isWindowFunction,
  orderedSetCheck,
  transformWindowFuncCall,
  windowFunctionWithoutOver,
} from './window.js';

/** One relation visible to column references. */
export interface ScopeEntry {
  readonly rt: number;
  readonly rte: RangeTblEntry;
  readonly relation: RelationDesc;
  /**
   * Visible as a qualifier (`t.x`, `t.*`); false for a join without an
   * alias and for whatever an aliased join hides (PostgreSQL's p_rel_visible).
   */
  readonly relVisible?: boolean;
  /**
   * Its columns are found by unqualified names; false for the sides of a
   * join, whose entry shows them, USING columns merged (p_cols_visible).
   */
  readonly colsVisible?: boolean;
  /**
   * false for the left side of a RIGHT or FULL join as a LATERAL item on
   * its right sees it: referring to it is 42P10 (p_lateral_ok).
   */
  readonly lateralOk?: boolean;
}

/** The analysis state of one statement (ParseState). */
export interface ParseState {
  readonly catalog: CatalogView;
  readonly registry: Registry;
  readonly positions: PositionMap;
  readonly typeContext: TypeContext;
  /** Parameter types so far (UNKNOWN while not inferred). */
  readonly params: number[];
  /** Parameters beyond `params` are an error (simple query protocol) rather than inferred. */
  readonly fixedParams: boolean;
  readonly scope: ScopeEntry[];
  /** Where each Expr came from (byte offset), for error positions (exprLocation). */
  readonly locations: WeakMap<Expr, number>;
  /** Which construct expressions are being analyzed in (for "aggregate functions are not allowed in X"). */
  exprKind: string;
  /** Aggregate calls found so far; undefined where aggregates are not allowed. */
  aggregates: AggregateCall[] | undefined;
  /** Inside an aggregate's arguments (nesting is an error). */
  inAggregate: boolean;
  /**
   * Where set-returning functions are allowed (FROM, a SELECT list without
   * FROM): what a call of one becomes. Undefined elsewhere: such functions
   * are then not candidates (PostgreSQL's "function ... does not exist").
   */
  srf?: ((call: FuncExpr, loc: number | undefined) => Expr) | undefined;
  /**
   * The enclosing query's state when this one is a sub-SELECT
   * (PostgreSQL's parentParseState): column references not found in
   * `scope` are looked up there, nearest first, as Vars with levelsUp.
   */
  readonly parent?: ParseState | undefined;
  /** The range table, when the state has one (for errorMissingRTE's search of every level). */
  readonly rtable?: readonly RangeTblEntry[];
  /** The SELECT being analyzed: its window definitions and calls, GROUPING() calls (grouping.ts). */
  selectLevel?: SelectLevel | undefined;
}

/** Aggregates PostgreSQL has that are not built yet (for their error). */
const AGGREGATES: ReadonlySet<string> = new Set(['corr', 'covar_pop', 'covar_samp']);

export function errorAt(
  ps: ParseState,
  code: string,
  message: string,
  loc?: number,
  extra: { hint?: string; detail?: string } = {},
): PositionedSqlError {
  const position = ps.positions.position(loc);
  return new PositionedSqlError(code, message, {
    ...extra,
    ...(position !== undefined ? { position } : {}),
  });
}

/** Re-raises a type-layer error with the position of the construct that caused it. */
function withPosition<T>(ps: ParseState, loc: number | undefined, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SqlError && !(e instanceof PositionedSqlError)) {
      const position = ps.positions.position(loc);
      throw new PositionedSqlError(e.code, e.message, {
        ...(e.detail !== undefined ? { detail: e.detail } : {}),
        ...(e.hint !== undefined ? { hint: e.hint } : {}),
        ...(e.context !== undefined ? { context: e.context } : {}),
        ...(position !== undefined ? { position } : {}),
      });
    }
    throw e;
  }
}

export function exprLocation(ps: ParseState, e: Expr): number | undefined {
  return ps.locations.get(e);
}

function at<E extends Expr>(ps: ParseState, e: E, loc: number | undefined): E {
  if (loc !== undefined && loc >= 0 && !ps.locations.has(e)) ps.locations.set(e, loc);
  return e;
}

function tagOf(node: PNode): [string, PNode] {
  const [tag] = Object.keys(node);
  return [tag!, node[tag!]];
}

function strings(list: PNode[] | undefined): string[] {
  return (list ?? []).map((n) => n.String?.sval ?? (n.A_Star ? '*' : ''));
}

export function makeConst(type: number, typmod: number, value: unknown): Const {
  return { kind: 'const', type, typmod, value };
}

// ---------------------------------------------------------------- coercion

/**
 * coerce_to_target_type: `expr` as `type`/`typmod` in `context`, or
 * undefined when no pathway exists. Unknown literals are converted here
 * (their input function runs now, as in PostgreSQL); unknown parameters
 * take the type.
 */
export function coerceTo(
  ps: ParseState,
  expr: Expr,
  type: number,
  typmod: number,
  context: CastContext,
  explicit: boolean,
  loc?: number,
): Expr | undefined {
  const where = loc ?? exprLocation(ps, expr);
  let out: Expr;
  if (expr.type === type) {
    out = expr;
  } else if (expr.type === UNKNOWN) {
    if (expr.kind === 'const') {
      // issue 10 (H9): catalog-only types (aclitem[] reads as text[]; a NULL needs no input function)
      const t = ps.registry.type(type) ?? (type === 1034 ? ps.registry.type(1009) : undefined);
      if (!t && expr.value === null)
        return at(ps, makeConst(type, -1, null), exprLocation(ps, expr));
      if (!t) return undefined;
      const inMod = type === TypeOid.interval ? typmod : -1;
      const value =
        expr.value === null
          ? null
          : withPosition(ps, exprLocation(ps, expr), () =>
              t.input(String(expr.value), inMod, ps.typeContext),
            );
      out = at(ps, makeConst(type, inMod, value), exprLocation(ps, expr));
    } else if (expr.kind === 'param') {
      const known = ps.params[expr.index - 1] ?? UNKNOWN;
      if (known === UNKNOWN) {
        ps.params[expr.index - 1] = type;
        out = at(
          ps,
          { kind: 'param', index: expr.index, type, typmod: -1 } satisfies Param,
          exprLocation(ps, expr),
        );
      } else if (known === type) {
        out = at(
          ps,
          { kind: 'param', index: expr.index, type, typmod: -1 } satisfies Param,
          exprLocation(ps, expr),
        );
      } else {
        throw errorAt(
          ps,
          Code.AMBIGUOUS_PARAMETER,
          `inconsistent types deduced for parameter $${expr.index}`,
          exprLocation(ps, expr),
          {
            detail: `${typeName(ps.registry, known)} versus ${typeName(ps.registry, type)}`,
          },
        );
      }
    } else {
      // An unknown-typed expression that is not a literal (e.g. CASE of unknowns): through text I/O.
      out = at(
        ps,
        { kind: 'coerce', arg: expr, type, typmod: -1, via: 'io', explicit } satisfies CoerceExpr,
        where,
      );
    }
  } else if (type === TypeOid.any) {
    return expr;
  } else {
    const path = findCoercionPathway(ps.registry, expr.type, type, context);
    if (path.kind === 'none') return undefined;
    if (path.kind === 'same') out = expr;
    else if (path.kind === 'cast') {
      out = at(
        ps,
        {
          kind: 'coerce',
          arg: expr,
          cast: path.cast,
          type,
          typmod: path.cast.typmodArg === true ? typmod : -1,
          via: 'cast',
          explicit,
        } satisfies CoerceExpr,
        where,
      );
    } else {
      out = at(
        ps,
        { kind: 'coerce', arg: expr, type, typmod: -1, via: 'io', explicit } satisfies CoerceExpr,
        where,
      );
    }
  }
  // coerce_type_typmod: apply the length/precision when it differs.
  if (typmod >= 0 && out.typmod !== typmod) {
    if (out.kind === 'const') {
      // Folded now when it succeeds; a value that does not fit (999.999 into
      // numeric(5,2)) stays a coercion that fails when it is evaluated, as
      // PostgreSQL's length-coercion call does: a DEFAULT is stored, and an
      // error elsewhere in the statement is found first.
      // An untyped literal ('abcdef' into varchar(5)) fails here; stringTypeDatum
      // reads it without the typmod (interval aside), so the length
      // coercion's error carries no position.
      const t = ps.registry.mustType(type);
      const constant = out;
      const apply = () =>
        constant.value === null || !t.applyTypmod
          ? constant.value
          : t.applyTypmod(constant.value, typmod, explicit);
      let folded: { value: unknown } | undefined;
      if (expr.type === TypeOid.unknown) folded = { value: withPosition(ps, undefined, apply) };
      else {
        try {
          folded = { value: apply() };
        } catch {
          folded = undefined;
        }
      }
      if (folded !== undefined) {
        return at(ps, makeConst(type, typmod, folded.value), exprLocation(ps, out));
      }
    }
    return at(
      ps,
      { kind: 'coerce', arg: out, type, typmod, via: 'typmod', explicit } satisfies CoerceExpr,
      where,
    );
  }
  return out;
}

/** coerce_to_boolean: `argument of WHERE must be type boolean, not type integer`. */
export function coerceToBoolean(ps: ParseState, expr: Expr, construct: string): Expr {
  const out = expr.type === TypeOid.bool ? expr : coerceTo(ps, expr, TypeOid.bool, -1, 'a', false);
  if (!out) {
    throw errorAt(
      ps,
      Code.DATATYPE_MISMATCH,
      `argument of ${construct} must be type boolean, not type ${typeName(ps.registry, expr.type)}`,
      exprLocation(ps, expr),
    );
  }
  if (lastSrf([out]) !== undefined) {
    throw errorAt(
      ps,
      Code.DATATYPE_MISMATCH,
      `argument of ${construct} must not return a set`,
      leftmostLocation(ps, out),
    );
  }
  return out;
}

/** coerce_to_specific_type (LIMIT/OFFSET: bigint). */
export function coerceToSpecificType(
  ps: ParseState,
  expr: Expr,
  type: number,
  construct: string,
): Expr {
  if (expr.type === type) return expr;
  const out = coerceTo(ps, expr, type, -1, 'a', false);
  if (!out) {
    throw errorAt(
      ps,
      Code.DATATYPE_MISMATCH,
      `argument of ${construct} must be type ${typeName(ps.registry, type)}, not type ${typeName(ps.registry, expr.type)}`,
      exprLocation(ps, expr),
    );
  }
  return out;
}

/** select_common_type + coerce_to_common_type over a list, with `context` naming the construct. */
export function coerceToCommon(
  ps: ParseState,
  exprs: readonly Expr[],
  context: string,
): { type: number; exprs: Expr[] } {
  const r = selectCommonType(
    ps.registry,
    exprs.map((e) => e.type),
  );
  if (r.conflict) {
    throw errorAt(
      ps,
      Code.DATATYPE_MISMATCH,
      `${context} types ${typeName(ps.registry, r.conflict.left)} and ${typeName(ps.registry, r.conflict.right)} cannot be matched`,
      exprLocation(ps, exprs[r.conflict.at]!),
    );
  }
  const out = exprs.map((e) => {
    const c = coerceTo(ps, e, r.type, -1, 'i', false);
    if (!c) {
      throw errorAt(
        ps,
        Code.CANNOT_COERCE,
        `${context} could not convert type ${typeName(ps.registry, e.type)} to ${typeName(ps.registry, r.type)}`,
        exprLocation(ps, e),
      );
    }
    return c;
  });
  return { type: r.type, exprs: out };
}

/** exprTypmod of a construct whose inputs all share one: that typmod, else -1. */
function commonTypmod(exprs: readonly Expr[]): number {
  const first = exprs[0]?.typmod ?? -1;
  return exprs.every((e) => e.typmod === first) ? first : -1;
}

// ---------------------------------------------------------------- operators and functions

function argList(ps: ParseState, types: readonly number[]): string {
  return types.map((t) => typeName(ps.registry, t)).join(', ');
}

/** make_op: resolves and builds `left name right` (left undefined for a prefix operator). */
export function makeOp(
  ps: ParseState,
  name: string,
  left: Expr | undefined,
  right: Expr,
  loc: number | undefined,
): OpExpr {
  const lt = left ? left.type : 0;
  if (left && lt === 1034 && right.type === 1034) {
    // issue 10 (H9): aclitem[] (catalog-only, values as text[]) compared as text[] (pg_dump)
    const asText = (e: Expr): Expr => ({
      kind: 'coerce',
      arg: e,
      cast: { source: 1034, target: 1009, context: 'i', method: 'b' },
      via: 'cast',
      explicit: false,
      type: 1009,
      typmod: -1,
    });
    return makeOp(ps, name, asText(left), asText(right), loc);
  }
  const res = resolveOperator(ps.registry, name, lt, right.type);
  if (res.kind !== 'found') {
    // a whole-row reference to a table shows the table's row type name, as in PostgreSQL
    const shownType = (e: Expr) =>
      e.kind === 'row' && e.wholeRow?.typeName !== undefined
        ? e.wholeRow.typeName
        : typeName(ps.registry, e.type);
    const shown = left
      ? `${shownType(left)} ${name} ${shownType(right)}`
      : `${name} ${shownType(right)}`;
    if (res.kind === 'ambiguous') {
      throw errorAt(ps, Code.AMBIGUOUS_FUNCTION, `operator is not unique: ${shown}`, loc, {
        hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.',
      });
    }
    throw errorAt(ps, Code.UNDEFINED_FUNCTION, `operator does not exist: ${shown}`, loc, {
      hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  const op = res.def;
  const inputs = left ? [left, right] : [right];
  const declared = left ? [op.left, op.right] : [op.right];
  const { args, result } = coerceArgs(ps, inputs, declared, op.result, res);
  const fn = mustFunction(ps, op.fn, declared);
  return at(ps, { kind: 'op', op, fn, args, type: result, typmod: -1 } satisfies OpExpr, loc);
}

function mustFunction(ps: ParseState, name: string, args: readonly number[]): FunctionDef {
  const fn = ps.registry.findFunction(name, args);
  if (!fn)
    throw new PositionedSqlError(Code.INTERNAL_ERROR, `cache lookup failed for function ${name}`);
  return fn;
}

/** Coerces actual arguments to the declared (polymorphism-resolved) types; returns the result type too. */
function coerceArgs(
  ps: ParseState,
  inputs: readonly Expr[],
  declared: readonly number[],
  result: number,
  res: Resolution<unknown> & { kind: 'found' },
): { args: Expr[]; result: number } {
  const binding = res.binding;
  const targets = inputs.map((e, i) =>
    substitutePolymorphic(ps.registry, res.args[i] ?? declared[i]!, e.type, binding),
  );
  const args = inputs.map((e, i) => {
    // A "any" parameter takes an unknown-typed parameter as it is (its type stays undetermined).
    if ((res.args[i] ?? declared[i]) === TypeOid.any && e.kind === 'param' && e.type === UNKNOWN)
      return e;
    const out = coerceTo(ps, e, targets[i]!, -1, 'i', false);
    if (!out)
      throw errorAt(
        ps,
        Code.CANNOT_COERCE,
        `cannot cast type ${typeName(ps.registry, e.type)} to ${typeName(ps.registry, targets[i]!)}`,
        exprLocation(ps, e),
      );
    return out;
  });
  let resultType = result;
  if (
    result === TypeOid.anyelement ||
    result === TypeOid.anynonarray ||
    result === TypeOid.anyarray ||
    result === TypeOid.anycompatible ||
    result === TypeOid.anycompatiblearray ||
    result === TypeOid.anyrange // ranges
  ) {
    if (
      (result === TypeOid.anyelement ||
        result === TypeOid.anynonarray ||
        result === TypeOid.anyarray ||
        result === TypeOid.anyrange) && // ranges
      binding.elem === 0
    ) {
      throw errorAt(
        ps,
        Code.DATATYPE_MISMATCH,
        'could not determine polymorphic type because input has type unknown',
        exprLocation(ps, inputs[0]!),
      );
    }
    resultType = substitutePolymorphic(ps.registry, result, 0, binding);
  }
  return { args, result: resultType };
}

/**
 * check_srf_call_placement, by ParseState.exprKind: where a set-returning
 * function is a value of the SELECT list (PostgreSQL's ProjectSet runs
 * all of a list's in lockstep): the FuncExpr itself, `retset` true.
 */
const SRF_IN_TARGETS: ReadonlySet<string> = new Set([
  'SELECT',
  'ORDER BY',
  'DISTINCT ON',
  'GROUP BY',
  'window PARTITION BY',
  'window ORDER BY',
  'INSERT',
]);

/** Where PostgreSQL refuses one with a message of its own; other refusals name the clause. */
const SRF_REFUSED: Readonly<Record<string, string>> = {
  'JOIN/ON': 'JOIN conditions',
  'JOIN/USING': 'JOIN conditions',
  'window RANGE': 'window definitions',
  'window ROWS': 'window definitions',
  'window GROUPS': 'window definitions',
  CHECK: 'check constraints',
  DEFAULT: 'DEFAULT expressions',
  'index expression': 'index expressions',
  'index predicate': 'index predicates',
  POLICY: 'policy expressions',
  'column generation expression': 'column generation expressions', // issue 9 (H)
  USING: 'transform expressions', // issue 9 (ALTER TABLE): ALTER COLUMN TYPE's transform
};

/** Whether a set-returning function may be called here (ps.srf, or a SELECT list's clauses). */
function srfAllowed(ps: ParseState): boolean {
  return ps.srf !== undefined || SRF_IN_TARGETS.has(ps.exprKind);
}

/** A set-returning function where none is allowed (0A000). */
export function srfMisplaced(ps: ParseState, loc: number | undefined): PositionedSqlError {
  const where = SRF_REFUSED[ps.exprKind] ?? ps.exprKind;
  return where === ''
    ? errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        'set-returning functions are not supported here yet',
        loc,
      )
    : errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        `set-returning functions are not allowed in ${where}`,
        loc,
      );
}

/**
 * pstate->p_last_srf over `exprs`: the set-returning call analyzed last
 * (post-order, so an SRF's SRF arguments come before it); sub-SELECTs'
 * calls are theirs, not looked at.
 */
function lastSrf(exprs: readonly Expr[]): FuncExpr | undefined {
  let last: FuncExpr | undefined;
  const visit = (e: Expr): void => {
    forEachChild(e, visit);
    if (e.kind === 'func' && e.fn.retset === true) last = e;
  };
  exprs.forEach(visit);
  return last;
}

/**
 * exprLocation as PostgreSQL computes it for operators, functions, tests
 * and coercions: the leftmost of the construct's own location and its
 * first argument's (`a + 1` is located at `a`).
 */
export function leftmostLocation(ps: ParseState, e: Expr): number | undefined {
  const own = exprLocation(ps, e);
  let first: Expr | undefined;
  switch (e.kind) {
    case 'op':
    case 'distinct':
    case 'nullif':
    case 'func':
    case 'bool':
      first = e.args[0];
      break;
    case 'scalararrayop':
      first = e.scalar;
      break;
    case 'nulltest':
    case 'booltest':
    case 'coerce':
      first = e.arg;
      break;
    case 'sublink':
      first = e.testExpr?.kind === 'op' ? e.testExpr.args[0] : undefined;
      break;
    default:
      return own;
  }
  const inner = first === undefined ? undefined : leftmostLocation(ps, first);
  if (own === undefined) return inner;
  return inner === undefined ? own : Math.min(own, inner);
}

/** CASE and COALESCE evaluate their arguments lazily: no set-returning function inside (0A000). */
function srfRefusedIn(ps: ParseState, exprs: readonly Expr[], construct: string): void {
  const srf = lastSrf(exprs);
  if (srf === undefined) return;
  throw errorAt(
    ps,
    Code.FEATURE_NOT_SUPPORTED,
    `set-returning functions are not allowed in ${construct}`,
    exprLocation(ps, srf),
    { hint: 'You might be able to move the set-returning function into a LATERAL FROM item.' },
  );
}

/** A set-returning function call in a SELECT list (or its ORDER BY, ...): the call itself. */
function srfInTargets(ps: ParseState, call: FuncExpr, loc: number | undefined): Expr {
  if (ps.inAggregate) {
    throw errorAt(
      ps,
      Code.FEATURE_NOT_SUPPORTED,
      'aggregate function calls cannot contain set-returning function calls',
      loc,
      { hint: 'You might be able to move the set-returning function into a LATERAL FROM item.' },
    );
  }
  return recordReturningInTargets(ps, call);
}

export function makeFunc(
  ps: ParseState,
  name: string,
  inputs: Expr[],
  loc: number | undefined,
  shown = name,
): Expr {
  const types = inputs.map((e) => e.type);
  let res = resolveFunction(ps.registry, name, types, srfAllowed(ps));
  if (res.kind !== 'found' && (name === 'current_setting' || name === 'set_config')) {
    const own = SETTINGS_FUNCTIONS.filter(
      (f) => f.name === name && f.args.length === types.length,
    ).map((def) => ({
      def,
      args: def.args,
    }));
    const r = resolveAmong(ps.registry, own, types);
    if (r.kind === 'found') res = r;
  }
  if (res.kind !== 'found' && SEQUENCE_FUNCTION_NAMES.has(name)) {
    // nextval & co.: functions of the session's sequences (sequence-functions.ts)
    const own = SEQUENCE_FUNCTIONS.filter(
      (f) => f.name === name && f.args.length === types.length,
    ).map((def) => ({ def, args: def.args }));
    const r = resolveAmong(ps.registry, own, types);
    if (r.kind === 'found') res = r;
  }
  if (res.kind !== 'found') {
    // to_regclass & co.: PostgreSQL's functions that the registry does not hold (reg-functions.ts)
    const own = regFunctionsOf(ps.registry)
      .filter((f) => f.name === name && f.args.length === types.length)
      .map((def) => ({ def, args: def.args }));
    if (own.length > 0) {
      const r = resolveAmong(ps.registry, own, types);
      if (r.kind === 'found') res = r;
    }
  }
  if (res.kind !== 'found') {
    // pg_notify & co.: functions of the engine's sessions (session-functions.ts)
    const own = sessionFunctions(name, types.length).map((def) => ({ def, args: def.args }));
    if (own.length > 0) {
      const r = resolveAmong(ps.registry, own, types);
      if (r.kind === 'found') res = r;
    }
  }
  if (res.kind !== 'found' && PSQL_FUNCTION_NAMES.has(name)) {
    // pg_get_userbyid & co.: catalog functions psql calls (psql-functions.ts)
    const own = PSQL_FUNCTIONS.filter((f) => f.name === name && f.args.length === types.length).map(
      (def) => ({ def, args: def.args }),
    );
    const r = resolveAmong(ps.registry, own, types);
    if (r.kind === 'found') res = r;
  }
  if (res.kind !== 'found' && !srfAllowed(ps)) {
    const srf = resolveFunction(ps.registry, name, types, true);
    if (srf.kind === 'found' && srf.def.retset === true) throw srfMisplaced(ps, loc);
  }
  if (res.kind !== 'found') {
    if (AGGREGATES.has(name) && !functionNameExists(ps.registry, name)) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        'aggregate functions are not supported yet',
        loc,
      );
    }
    if (res.kind === 'ambiguous') {
      throw errorAt(
        ps,
        Code.AMBIGUOUS_FUNCTION,
        `function ${shown}(${argList(ps, types)}) is not unique`,
        loc,
        {
          hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
        },
      );
    }
    if (shown === name) orderedSetCheck(ps, name, types.length, loc);
    throw errorAt(
      ps,
      Code.UNDEFINED_FUNCTION,
      `function ${shown}(${argList(ps, types)}) does not exist`,
      loc,
      {
        hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
      },
    );
  }
  const fn = res.def;
  const { args, result } = coerceArgs(ps, inputs, res.args, fn.result, res);
  const call = at(ps, { kind: 'func', fn, args, type: result, typmod: -1 } satisfies FuncExpr, loc);
  if (fn.retset !== true) return call;
  return ps.srf !== undefined ? ps.srf(call, loc) : srfInTargets(ps, call, loc);
}

// ---------------------------------------------------------------- transformExpr

export function transformExpr(ps: ParseState, node: PNode): Expr {
  const [tag, n] = tagOf(node);
  switch (tag) {
    case 'A_Const':
      return transformConst(ps, n);
    case 'ColumnRef':
      return transformColumnRef(ps, n);
    case 'ParamRef':
      return transformParam(ps, n);
    case 'A_Expr':
      return transformAExpr(ps, n);
    case 'BoolExpr': {
      const op = n.boolop === 'AND_EXPR' ? 'and' : n.boolop === 'OR_EXPR' ? 'or' : 'not';
      const construct = op.toUpperCase();
      const args = (n.args as PNode[]).map((a) =>
        coerceToBoolean(ps, transformExpr(ps, a), construct),
      );
      return at(
        ps,
        { kind: 'bool', op, args, type: TypeOid.bool, typmod: -1 } satisfies BoolExpr,
        n.location,
      );
    }
    case 'NullTest': {
      const arg = transformExpr(ps, n.arg);
      return at(
        ps,
        {
          kind: 'nulltest',
          arg,
          isNull: n.nulltesttype === 'IS_NULL',
          type: TypeOid.bool,
          typmod: -1,
        },
        n.location,
      );
    }
    case 'BooleanTest': {
      const tests: Record<
        string,
        ['true' | 'not true' | 'false' | 'not false' | 'unknown' | 'not unknown', string]
      > = {
        IS_TRUE: ['true', 'IS TRUE'],
        IS_NOT_TRUE: ['not true', 'IS NOT TRUE'],
        IS_FALSE: ['false', 'IS FALSE'],
        IS_NOT_FALSE: ['not false', 'IS NOT FALSE'],
        IS_UNKNOWN: ['unknown', 'IS UNKNOWN'],
        IS_NOT_UNKNOWN: ['not unknown', 'IS NOT UNKNOWN'],
      };
      const [test, construct] = tests[n.booltesttype]!;
      const arg = coerceToBoolean(ps, transformExpr(ps, n.arg), construct);
      return at(ps, { kind: 'booltest', arg, test, type: TypeOid.bool, typmod: -1 }, n.location);
    }
    case 'TypeCast':
      return transformTypeCast(ps, n);
    case 'FuncCall':
      return transformFuncCall(ps, n);
    case 'CaseExpr':
      return transformCase(ps, n);
    case 'CoalesceExpr': {
      const args = (n.args as PNode[]).map((a) => transformExpr(ps, a));
      srfRefusedIn(ps, args, 'COALESCE');
      const { type, exprs } = coerceToCommon(ps, args, 'COALESCE');
      return at(
        ps,
        { kind: 'coalesce', args: exprs, type, typmod: commonTypmod(exprs) },
        n.location,
      );
    }
    case 'MinMaxExpr': {
      const op = n.op === 'IS_GREATEST' ? 'greatest' : 'least';
      const { type, exprs } = coerceToCommon(
        ps,
        (n.args as PNode[]).map((a) => transformExpr(ps, a)),
        op.toUpperCase(),
      );
      return at(
        ps,
        { kind: 'minmax', op, args: exprs, type, typmod: commonTypmod(exprs) },
        n.location,
      );
    }
    case 'A_ArrayExpr':
      return transformArray(ps, n, 0);
    case 'SQLValueFunction':
      return transformSqlValueFunction(ps, n);
    case 'CollateClause': {
      const coll = strings(n.collname).join('.');
      // pg_catalog.default & co. (psql's patterns say COLLATE pg_catalog.default)
      const bare = coll.startsWith('pg_catalog.') ? coll.slice('pg_catalog.'.length) : coll;
      if (!['C', 'POSIX', 'default'].includes(bare)) {
        throw errorAt(
          ps,
          Code.UNDEFINED_OBJECT,
          `collation "${coll}" for encoding "UTF8" does not exist`,
          n.location,
        );
      }
      return transformExpr(ps, n.arg);
    }
    case 'SubLink':
      return transformSubLink(ps, n);
    case 'RowExpr':
      return transformRowExpr(ps, n);
    case 'A_Indirection':
      return transformIndirection(ps, n);
    case 'SetToDefault':
      throw errorAt(ps, Code.SYNTAX_ERROR, 'DEFAULT is not allowed in this context', n.location);
    case 'GroupingFunc':
      return transformGroupingFunc(ps, n);
    default:
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        `expression ${tag} is not supported yet`,
        n?.location,
      );
  }
}

function transformConst(ps: ParseState, n: PNode): Expr {
  const loc = n.location;
  if (n.isnull) return at(ps, makeConst(UNKNOWN, -1, null), loc);
  if (n.ival !== undefined)
    return at(ps, makeConst(TypeOid.int4, -1, Number(n.ival.ival ?? 0)), loc);
  if (n.fval !== undefined) {
    const text: string = n.fval.fval;
    if (/^[-+]?\d+$/.test(text)) {
      const v = BigInt(text);
      if (v >= -2147483648n && v <= 2147483647n)
        return at(ps, makeConst(TypeOid.int4, -1, Number(v)), loc);
      if (v >= -(2n ** 63n) && v < 2n ** 63n) {
        return at(
          ps,
          makeConst(
            TypeOid.int8,
            -1,
            ps.registry.mustType(TypeOid.int8).input(text, -1, ps.typeContext),
          ),
          loc,
        );
      }
    }
    const numeric = ps.registry.mustType(TypeOid.numeric);
    return at(
      ps,
      makeConst(
        TypeOid.numeric,
        -1,
        withPosition(ps, loc, () => numeric.input(text, -1, ps.typeContext)),
      ),
      loc,
    );
  }
  if (n.boolval !== undefined)
    return at(ps, makeConst(TypeOid.bool, -1, n.boolval.boolval === true), loc);
  if (n.sval !== undefined) return at(ps, makeConst(UNKNOWN, -1, n.sval.sval ?? ''), loc);
  if (n.bsval !== undefined) {
    // B'1010' / X'1F': the scanner keeps the b/x prefix, which bit_in reads (make_const's T_BitString)
    const bits = ps.registry.mustType(TypeOid.bit);
    const text: string = n.bsval.bsval ?? '';
    const value = withPosition(ps, loc, () => bits.input(text, -1, ps.typeContext));
    return at(ps, makeConst(TypeOid.bit, -1, value), loc);
  }
  throw errorAt(ps, Code.INTERNAL_ERROR, 'unrecognized constant', loc);
}

function transformParam(ps: ParseState, n: PNode): Expr {
  const index: number = n.number;
  if (index < 1 || (ps.fixedParams && index > ps.params.length)) {
    throw errorAt(ps, Code.UNDEFINED_PARAMETER, `there is no parameter $${index}`, n.location);
  }
  while (ps.params.length < index) ps.params.push(UNKNOWN);
  const type = ps.params[index - 1]!;
  return at(ps, { kind: 'param', index, type, typmod: -1 } satisfies Param, n.location);
}

/**
 * transformColumnRef: `col`, `rel.col` or `schema.rel.col`, looked up in
 * this query's scope and then in the enclosing queries' (a sub-SELECT's
 * outer references), nearest first; a column found k levels up is a Var
 * with levelsUp k. An unqualified name that is ambiguous at the level it
 * is first found is 42702; a qualifier found at no level is 42P01.
 */
function transformColumnRef(ps: ParseState, n: PNode): Expr {
  const fields = strings(n.fields);
  const loc: number = n.location;
  if (ps.exprKind === 'DEFAULT') {
    throw errorAt(
      ps,
      Code.FEATURE_NOT_SUPPORTED,
      'cannot use column reference in DEFAULT expression',
      loc,
    );
  }
  if (
    fields.length >= 2 &&
    fields[fields.length - 1] === '*' &&
    !fields.slice(0, -1).includes('*')
  ) {
    return wholeRowOf(ps, fields.slice(0, -1), loc);
  }
  if (fields.includes('*'))
    throw errorAt(ps, Code.SYNTAX_ERROR, 'row expansion via "*" is not supported here', loc);
  let schema: string | undefined;
  let qualifier: string | undefined;
  let col: string;
  if (fields.length === 1) col = fields[0]!;
  else if (fields.length === 2) [qualifier, col] = fields as [string, string];
  else if (fields.length === 3) [schema, qualifier, col] = fields as [string, string, string];
  else {
    throw errorAt(
      ps,
      Code.SYNTAX_ERROR,
      `improper qualified name (too many dotted names): ${fields.join('.')}`,
      loc,
    );
  }
  if (qualifier !== undefined) {
    const rel = qualifier;
    let up = 0;
    for (let level: ParseState | undefined = ps; level; level = level.parent, up++) {
      // scanNameSpaceForRefname: two visible entries of that name are 42P09
      let entry: ScopeEntry | undefined;
      for (const s of level.scope) {
        if (s.relVisible === false || s.rte.alias !== rel) continue;
        if (schema !== undefined && s.relation.namespaceName !== schema) continue;
        if (entry) throw errorAt(ps, '42P09', `table reference "${rel}" is ambiguous`, loc);
        checkLateralRef(ps, s, loc);
        entry = s;
      }
      if (entry) return columnOf(ps, entry, col, loc, `${rel}.${col}`, up);
    }
    throw missingRte(ps, rel, loc);
  }
  let up = 0;
  for (let level: ParseState | undefined = ps; level; level = level.parent, up++) {
    let found: Expr | undefined;
    for (const entry of level.scope) {
      if (entry.colsVisible === false) continue;
      const i = entry.rte.columnNames.indexOf(col);
      if (i < 0) continue;
      if (found)
        throw errorAt(ps, Code.AMBIGUOUS_COLUMN, `column reference "${col}" is ambiguous`, loc);
      found = columnOf(ps, entry, col, loc, col, up);
      checkLateralRef(ps, entry, loc);
    }
    if (found) return found;
  }
  if (systemColumnNamed(col) !== undefined) {
    // issue 10 (H9), issue 9 (F): an unqualified system column (scanRTEForColumn)
    up = 0;
    for (let level: ParseState | undefined = ps; level; level = level.parent, up++) {
      const rels = level.scope.filter(
        (s) =>
          s.colsVisible !== false &&
          s.rte.kind === 'relation' &&
          s.relVisible !== false &&
          hasSystemColumn(s, col),
      );
      if (rels.length > 1)
        throw errorAt(ps, Code.AMBIGUOUS_COLUMN, `column reference "${col}" is ambiguous`, loc);
      if (rels.length === 1) return columnOf(ps, rels[0]!, col, loc, col, up);
    }
  }
  up = 0;
  for (let level: ParseState | undefined = ps; level; level = level.parent, up++) {
    // makeWholeRowVar: a function returning a scalar gives its value as it is
    const fn = level.scope.find(
      (s) => s.relVisible !== false && s.rte.alias === col && s.rte.kind === 'function',
    );
    if (fn !== undefined && fn.rte.kind === 'function' && fn.rte.columnNames.length === 1) {
      checkLateralRef(ps, fn, loc);
      return columnOf(ps, fn, fn.rte.columnNames[0]!, loc, col, up);
    }
    const whole = level.scope.find((s) => s.relVisible !== false && s.rte.alias === col);
    if (whole !== undefined) {
      checkLateralRef(ps, whole, loc);
      return wholeRowRef(ps, whole, up, loc);
    }
  }
  throw missingColumn(ps, undefined, col, loc);
}

/** `t.*` (or `s.t.*`) in an expression: the whole row of the entry named t, nearest level first. */
function wholeRowOf(ps: ParseState, quals: readonly string[], loc: number): Expr {
  if (quals.length > 2) {
    throw errorAt(
      ps,
      Code.SYNTAX_ERROR,
      `improper qualified name (too many dotted names): ${[...quals, '*'].join('.')}`,
      loc,
    );
  }
  const rel = quals[quals.length - 1]!;
  const schema = quals.length === 2 ? quals[0] : undefined;
  let up = 0;
  for (let level: ParseState | undefined = ps; level; level = level.parent, up++) {
    let entry: ScopeEntry | undefined;
    for (const s of level.scope) {
      if (s.relVisible === false || s.rte.alias !== rel) continue;
      if (schema !== undefined && s.relation.namespaceName !== schema) continue;
      if (entry) throw errorAt(ps, '42P09', `table reference "${rel}" is ambiguous`, loc);
      checkLateralRef(ps, s, loc);
      entry = s;
    }
    if (entry) return wholeRowRef(ps, entry, up, loc);
  }
  throw missingRte(ps, rel, loc);
}

/** Levenshtein distance (varstr_levenshtein with unit costs). */
function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, sub));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

const MAX_FUZZY_DISTANCE = 3;

/**
 * errorMissingColumn: "column ... does not exist", with PostgreSQL's hint
 * from searchRangeTableForCol (the closest column names, by Levenshtein
 * distance, of every range-table entry of every level but joins; an exact
 * match that cannot be referenced from here).
 */
export function missingColumn(
  ps: ParseState,
  alias: string | undefined,
  col: string,
  loc: number | undefined,
): PositionedSqlError {
  let distance = MAX_FUZZY_DISTANCE + 1;
  let first: { rte: RangeTblEntry; name: string | undefined } | undefined;
  let second: { rte: RangeTblEntry; name: string } | undefined;
  let secondValid = false;
  const update = (penalty: number, rte: RangeTblEntry, actual: string) => {
    if (penalty > distance || actual === '') return;
    let d = levenshtein(actual, col);
    if (d > Math.floor(col.length / 2)) return;
    d += penalty;
    if (d < distance) {
      distance = d;
      first = { rte, name: actual };
      second = undefined;
      secondValid = false;
    } else if (d === distance) {
      if (secondValid) {
        first = undefined;
        second = undefined;
        secondValid = false;
        distance = d - 1;
      } else if (first?.name !== undefined) {
        second = { rte, name: actual };
        secondValid = true;
      } else if (distance <= MAX_FUZZY_DISTANCE) first = { rte, name: actual };
    }
  };
  search: for (let level: ParseState | undefined = ps; level; level = level.parent) {
    const rtable: readonly RangeTblEntry[] = level.rtable ?? level.scope.map((s) => s.rte);
    for (const rte of rtable) {
      if (rte === undefined || rte.kind === 'join') continue;
      const penalty = alias === undefined ? 0 : levenshtein(alias, rte.alias);
      let exact = false;
      for (const name of rte.columnNames) {
        if (name === col) exact = true;
        update(penalty, rte, name);
      }
      // issue 9 (F): scanRTEForColumn finds a relation's system columns too
      if (
        rte.kind === 'relation' &&
        systemColumnNamed(col) !== undefined &&
        !WITHOUT_SYSTEM_COLUMNS.has(rte)
      )
        exact = true;
      if (exact && penalty === 0) {
        first = { rte, name: undefined };
        second = undefined;
        break search;
      }
    }
  }
  const message =
    alias !== undefined
      ? `column ${alias}.${col} does not exist`
      : `column "${col}" does not exist`;
  let hint: string | undefined;
  if (first !== undefined && second !== undefined)
    hint = `Perhaps you meant to reference the column "${first.rte.alias}.${first.name}" or the column "${second.rte.alias}.${second.name}".`;
  else if (first !== undefined)
    hint =
      first.name !== undefined
        ? `Perhaps you meant to reference the column "${first.rte.alias}.${first.name}".`
        : `There is a column named "${col}" in table "${first.rte.alias}", but it cannot be referenced from this part of the query.`;
  return errorAt(ps, Code.UNDEFINED_COLUMN, message, loc, hint !== undefined ? { hint } : {});
}

/** check_lateral_ref_ok: a LATERAL reference to the left side of a RIGHT or FULL join. */
function checkLateralRef(ps: ParseState, entry: ScopeEntry, loc: number | undefined): void {
  if (entry.lateralOk !== false) return;
  throw errorAt(
    ps,
    Code.INVALID_COLUMN_REFERENCE,
    `invalid reference to FROM-clause entry for table "${entry.rte.alias}"`,
    loc,
    { detail: 'The combining JOIN type must be INNER or LEFT for a LATERAL reference.' },
  );
}

/**
 * errorMissingRTE: a qualifier found at no level. When some range table
 * (this query's or an enclosing one's) has an entry of that name, or of
 * the relation that name denotes, the reference is invalid rather than
 * missing: a table hidden behind its alias, or an entry this part of the
 * query cannot see (INSERT's target from its SELECT, ...).
 */
export function missingRte(
  ps: ParseState,
  name: string,
  loc: number | undefined,
): PositionedSqlError {
  const relationOid = ps.catalog.lookupRelation(undefined, name)?.oid;
  for (let level: ParseState | undefined = ps; level; level = level.parent) {
    const rtable: readonly RangeTblEntry[] = level.rtable ?? level.scope.map((s) => s.rte);
    const rte = rtable.find(
      (r) =>
        (r.kind === 'relation' && relationOid !== undefined && r.relationOid === relationOid) ||
        (r.kind === 'cte' && r.name === name) ||
        r.alias === name,
    );
    if (!rte) continue;
    // refnameNamespaceItem(rte's alias): the nearest level showing that name (once) shows rte
    const visible = (l: ParseState | undefined): boolean => {
      for (let level = l; level; level = level.parent) {
        let hit: ScopeEntry | undefined;
        for (const s of level.scope) {
          if (s.relVisible === false || s.rte.alias !== rte.alias) continue;
          if (hit) throw errorAt(ps, '42P09', `table reference "${rte.alias}" is ambiguous`, loc);
          checkLateralRef(ps, s, loc);
          hit = s;
        }
        if (hit) return hit.rte === rte;
      }
      return false;
    };
    const badAlias = rte.alias !== name && visible(ps) ? rte.alias : undefined;
    return errorAt(
      ps,
      Code.UNDEFINED_TABLE,
      `invalid reference to FROM-clause entry for table "${name}"`,
      loc,
      {
        hint:
          badAlias !== undefined
            ? `Perhaps you meant to reference the table alias "${badAlias}".`
            : `There is an entry for table "${rte.alias}", but it cannot be referenced from this part of the query.`,
      },
    );
  }
  return errorAt(ps, Code.UNDEFINED_TABLE, `missing FROM-clause entry for table "${name}"`, loc);
}

/**
 * issue 9 (F): whether the entry has system column `col`: tableoid on any
 * relation (as before), the others on a relation with storage (a table or
 * materialized view; not a view, nor a system view computed here).
 */
function hasSystemColumn(entry: ScopeEntry, col: string): boolean {
  if (entry.rte.kind !== 'relation' || systemColumnNamed(col) === undefined) return false;
  if (WITHOUT_SYSTEM_COLUMNS.has(entry.rte)) return false;
  if (col === 'tableoid') return true;
  return entry.relation.kind !== 'v' && entry.relation.computed !== true;
}

/** Column `col` of a scope entry `levelsUp` query levels up (0: this query's). */
function columnOf(
  ps: ParseState,
  entry: ScopeEntry,
  col: string,
  loc: number,
  shown: string,
  levelsUp = 0,
): Expr {
  const i = entry.rte.columnNames.indexOf(col);
  if (i >= 0 && entry.rte.columnNames.lastIndexOf(col) !== i)
    throw errorAt(ps, Code.AMBIGUOUS_COLUMN, `column reference "${col}" is ambiguous`, loc);
  // A join's columns are the expressions of its sides (query.ts JoinRte).
  if (i >= 0 && entry.rte.kind === 'join')
    return at(ps, { ...raiseLevels(entry.rte.columns[i]!, levelsUp) }, loc);
  const column = i >= 0 ? entry.relation.columns[i] : undefined;
  // issue 10 (H9, pg_dump): the system column tableoid of a plain relation
  // (no inheritance here, so it is that relation's OID for every row)
  if (i < 0 && col === 'tableoid' && entry.rte.kind === 'relation')
    return at(ps, makeConst(26, -1, entry.rte.relationOid), loc);
  // issue 9 (F): ctid, xmin, cmin, xmax, cmax of a table: a Var of the negative attnum
  const sys = i < 0 && hasSystemColumn(entry, col) ? systemColumnNamed(col) : undefined;
  if (sys !== undefined) {
    const v: Var = {
      kind: 'var',
      rt: entry.rt,
      attnum: sys.attnum,
      type: sys.type,
      typmod: -1,
      ...(levelsUp > 0 ? { levelsUp } : {}),
    };
    return at(ps, v, loc);
  }
  if (!column || column.dropped) {
    const dot = shown.lastIndexOf('.');
    throw missingColumn(ps, dot >= 0 ? shown.slice(0, dot) : undefined, col, loc);
  }
  return at(
    ps,
    {
      kind: 'var',
      rt: entry.rt,
      attnum: column.attnum,
      type: column.typeOid,
      typmod: column.typmod,
      ...(levelsUp > 0 ? { levelsUp } : {}),
    } satisfies Var,
    loc,
  );
}

/**
 * An expression of some query level as seen from `by` levels further down
 * (IncrementVarSublevelsUp): its Vars' levelsUp grow by `by`. Only the
 * shapes a join column has (Vars, COALESCE of Vars, coercions) occur.
 */
export function raiseLevels(e: Expr, by: number): Expr {
  if (by === 0) return e;
  switch (e.kind) {
    case 'var':
      return { ...e, levelsUp: (e.levelsUp ?? 0) + by };
    case 'coalesce':
      return { ...e, args: e.args.map((a) => raiseLevels(a, by)) };
    case 'coerce':
      return { ...e, arg: raiseLevels(e.arg, by) };
    default:
      return e;
  }
}

function opName(list: PNode[]): string {
  const names = strings(list);
  return names[names.length - 1]!;
}

function transformAExpr(ps: ParseState, n: PNode): Expr {
  const loc: number = n.location;
  const name = opName(n.name);
  switch (n.kind) {
    case 'AEXPR_OP':
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE':
    case 'AEXPR_SIMILAR': {
      const left = n.lexpr ? transformExpr(ps, n.lexpr) : undefined;
      const right = transformExpr(ps, n.rexpr);
      if (n.kind === 'AEXPR_OP' && isRowConstructor(left) && isRowConstructor(right))
        return makeRowComparison(ps, name, left, right, loc);
      return makeOp(ps, name, left, right, loc);
    }
    case 'AEXPR_OP_ANY':
    case 'AEXPR_OP_ALL': {
      const scalar = transformExpr(ps, n.lexpr);
      const array = transformExpr(ps, n.rexpr);
      return makeScalarArrayOp(ps, name, n.kind === 'AEXPR_OP_ANY', scalar, array, loc);
    }
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT': {
      // transformAExprDistinct: against an undecorated NULL it is a null test
      // (x IS DISTINCT FROM NULL = x IS NOT NULL), which types no parameter
      const isNullConst = (e: PNode) => e?.A_Const?.isnull === true;
      if (isNullConst(n.rexpr) || isNullConst(n.lexpr)) {
        const other = isNullConst(n.rexpr) ? n.lexpr : n.rexpr;
        const arg = transformExpr(ps, other);
        return at(
          ps,
          {
            kind: 'nulltest',
            arg,
            isNull: n.kind === 'AEXPR_NOT_DISTINCT',
            ...(arg.type === TypeOid.record ? { valueOnly: true } : {}),
            type: TypeOid.bool,
            typmod: -1,
          },
          loc,
        );
      }
      const left = transformExpr(ps, n.lexpr);
      const right = transformExpr(ps, n.rexpr);
      if (isRowConstructor(left) && isRowConstructor(right)) {
        const rows = makeRowDistinct(ps, name, left, right, loc);
        if (n.kind === 'AEXPR_DISTINCT') return rows;
        return at(
          ps,
          { kind: 'bool', op: 'not', args: [rows], type: TypeOid.bool, typmod: -1 },
          loc,
        );
      }
      const eq = makeOp(ps, name, left, right, loc);
      if (eq.type !== TypeOid.bool) {
        throw errorAt(
          ps,
          Code.DATATYPE_MISMATCH,
          'IS DISTINCT FROM requires = operator to yield boolean',
          loc,
        );
      }
      const distinct = at(
        ps,
        {
          kind: 'distinct',
          op: eq.op,
          fn: eq.fn,
          args: [eq.args[0]!, eq.args[1]!],
          type: TypeOid.bool,
          typmod: -1,
        } satisfies DistinctExpr,
        loc,
      );
      if (n.kind === 'AEXPR_DISTINCT') return distinct;
      return at(
        ps,
        {
          kind: 'bool',
          op: 'not',
          args: [distinct],
          type: TypeOid.bool,
          typmod: -1,
        } satisfies BoolExpr,
        loc,
      );
    }
    case 'AEXPR_NULLIF': {
      const left = transformExpr(ps, n.lexpr);
      const right = transformExpr(ps, n.rexpr);
      const eq = makeOp(ps, '=', left, right, loc);
      if (eq.type !== TypeOid.bool) {
        throw errorAt(
          ps,
          Code.DATATYPE_MISMATCH,
          'NULLIF requires = operator to yield boolean',
          loc,
        );
      }
      const first = eq.args[0]!;
      return at(
        ps,
        { kind: 'nullif', args: [first, eq.args[1]!], eq, type: first.type, typmod: first.typmod },
        loc,
      );
    }
    case 'AEXPR_IN':
      return transformIn(ps, n, name === '=', loc);
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
    case 'AEXPR_NOT_BETWEEN_SYM':
      return transformBetween(ps, n, loc);
    default:
      throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, `${n.kind} is not supported yet`, loc);
  }
}

function bool(ps: ParseState, op: 'and' | 'or', args: Expr[], loc: number): Expr {
  return at(ps, { kind: 'bool', op, args, type: TypeOid.bool, typmod: -1 } satisfies BoolExpr, loc);
}

function transformBetween(ps: ParseState, n: PNode, loc: number): Expr {
  const [lo, hi] = n.rexpr.List.items as [PNode, PNode];
  const a = () => transformExpr(ps, n.lexpr);
  const x = () => transformExpr(ps, lo);
  const y = () => transformExpr(ps, hi);
  const cmp = (op: string, l: Expr, r: Expr) =>
    coerceToBoolean(ps, makeOp(ps, op, l, r, loc), 'BETWEEN');
  switch (n.kind) {
    case 'AEXPR_BETWEEN':
      return bool(ps, 'and', [cmp('>=', a(), x()), cmp('<=', a(), y())], loc);
    case 'AEXPR_NOT_BETWEEN':
      return bool(ps, 'or', [cmp('<', a(), x()), cmp('>', a(), y())], loc);
    case 'AEXPR_BETWEEN_SYM':
      return bool(
        ps,
        'or',
        [
          bool(ps, 'and', [cmp('>=', a(), x()), cmp('<=', a(), y())], loc),
          bool(ps, 'and', [cmp('>=', a(), y()), cmp('<=', a(), x())], loc),
        ],
        loc,
      );
    default:
      return bool(
        ps,
        'and',
        [
          bool(ps, 'or', [cmp('<', a(), x()), cmp('>', a(), y())], loc),
          bool(ps, 'or', [cmp('<', a(), y()), cmp('>', a(), x())], loc),
        ],
        loc,
      );
  }
}

function containsVars(e: Expr): boolean {
  switch (e.kind) {
    case 'var':
      return true;
    case 'const':
    case 'param':
    case 'sqlvalue':
    case 'aggref':
      return false;
    case 'nulltest':
    case 'booltest':
    case 'coerce':
      return containsVars(e.arg);
    case 'case':
      return (
        e.whens.some((w) => containsVars(w.when) || containsVars(w.then)) ||
        containsVars(e.otherwise)
      );
    case 'scalararrayop':
      return containsVars(e.scalar) || containsVars(e.array);
    case 'array':
      return e.elements.some(containsVars);
    default:
      return ('args' in e ? (e.args as readonly Expr[]) : []).some(containsVars);
  }
}

/** transformAExprIn: `x IN (a, b)` as `x = ANY (ARRAY[a, b])` when a common type exists, else ORs. */
function transformIn(ps: ParseState, n: PNode, useOr: boolean, loc: number): Expr {
  const name = opName(n.name);
  let lexpr = transformExpr(ps, n.lexpr);
  const items = (n.rexpr.List?.items ?? n.rexpr) as PNode[];
  const rexprs = items.map((i) => transformExpr(ps, i));
  const rvars = rexprs.filter(containsVars);
  const rnonvars = rexprs.filter((e) => !containsVars(e));
  let result: Expr | undefined;
  let rest = rexprs;
  if (isRowConstructor(lexpr)) {
    // (a, b) IN ((1, 2), (3, 4)): row comparisons, ORed (NOT IN: <> ANDed)
    const row = lexpr;
    for (const r of rexprs) {
      const cmp = isRowConstructor(r)
        ? makeRowComparison(ps, name, row, r, loc)
        : coerceToBoolean(ps, makeOp(ps, name, row, r, loc), 'IN');
      result = result ? bool(ps, useOr ? 'or' : 'and', [result, cmp], loc) : cmp;
    }
    return result!;
  }
  if (rnonvars.length > 1) {
    const all = [lexpr, ...rnonvars];
    const common = selectCommonType(
      ps.registry,
      all.map((e) => e.type),
    );
    const works =
      !common.conflict &&
      all.every(
        (e) =>
          e.type === UNKNOWN ||
          e.type === common.type ||
          findCoercionPathway(ps.registry, e.type, common.type, 'i').kind !== 'none',
      );
    const arrayType = works ? arrayTypeOf(ps.registry, common.type) : 0;
    if (arrayType !== 0) {
      const elements = rnonvars.map((e) => coerceTo(ps, e, common.type, -1, 'i', false)!);
      const array = at(
        ps,
        {
          kind: 'array',
          elementType: common.type,
          elements,
          type: arrayType,
          typmod: -1,
        } satisfies ArrayExpr,
        loc,
      );
      result = makeScalarArrayOp(ps, name, useOr, lexpr, array, loc);
      rest = rvars;
      // PostgreSQL types an unknown $n in place, so the comparisons below see its new type.
      if (lexpr.kind === 'param' && lexpr.type === UNKNOWN) {
        const t = ps.params[lexpr.index - 1] ?? UNKNOWN;
        if (t !== UNKNOWN) lexpr = at(ps, { ...lexpr, type: t }, exprLocation(ps, lexpr));
      }
    }
  }
  for (const r of rest) {
    const cmp = coerceToBoolean(ps, makeOp(ps, name, lexpr, r, loc), 'IN');
    result = result ? bool(ps, useOr ? 'or' : 'and', [result, cmp], loc) : cmp;
  }
  return result!;
}

/** An int2vector / oidvector expression as its int2[] / oid[] (lower bound 0); others unchanged. */
export function vectorAsArray(e: Expr): Expr {
  const target = VECTOR_ARRAY_TYPE.get(e.type);
  const cast = target === undefined ? undefined : vectorCast(e.type, target);
  if (target === undefined || cast === undefined) return e;
  return { kind: 'coerce', arg: e, cast, via: 'cast', explicit: false, type: target, typmod: -1 };
}

function makeScalarArrayOp(
  ps: ParseState,
  name: string,
  useOr: boolean,
  scalar: Expr,
  arrayIn: Expr,
  loc: number,
): Expr {
  let array = arrayIn;
  // issue 10 (H9): oidvector / int2vector as oid[] / int2[] (pg_dump's = ANY(partclass))
  array = vectorAsArray(array);
  let elem = elementType(ps.registry, array.type);
  if (array.type === UNKNOWN) elem = UNKNOWN;
  if (elem === 0) {
    throw errorAt(
      ps,
      Code.WRONG_OBJECT_TYPE,
      'op ANY/ALL (array) requires array on right side',
      loc,
    );
  }
  const res = resolveOperator(ps.registry, name, scalar.type, elem);
  if (res.kind !== 'found') {
    const shown = `${typeName(ps.registry, scalar.type)} ${name} ${typeName(ps.registry, elem)}`;
    throw errorAt(
      ps,
      res.kind === 'ambiguous' ? Code.AMBIGUOUS_FUNCTION : Code.UNDEFINED_FUNCTION,
      res.kind === 'ambiguous'
        ? `operator is not unique: ${shown}`
        : `operator does not exist: ${shown}`,
      loc,
      {
        hint:
          res.kind === 'ambiguous'
            ? 'Could not choose a best candidate operator. You might need to add explicit type casts.'
            : 'No operator matches the given name and argument types. You might need to add explicit type casts.',
      },
    );
  }
  const op: OperatorDef = res.def;
  if (op.result !== TypeOid.bool) {
    throw errorAt(
      ps,
      Code.WRONG_OBJECT_TYPE,
      'op ANY/ALL (array) requires operator to yield boolean',
      loc,
    );
  }
  const lt = substitutePolymorphic(ps.registry, res.args[0]!, scalar.type, res.binding);
  const rt = substitutePolymorphic(ps.registry, res.args[1]!, elem, res.binding);
  const s = coerceTo(ps, scalar, lt, -1, 'i', false)!;
  const arrType = arrayTypeOf(ps.registry, rt);
  const a = coerceTo(ps, array, arrType, -1, 'i', false);
  if (!a)
    throw errorAt(
      ps,
      Code.CANNOT_COERCE,
      `cannot cast type ${typeName(ps.registry, array.type)} to ${typeName(ps.registry, arrType)}`,
      loc,
    );
  const fn = mustFunction(ps, op.fn, [op.left, op.right]);
  return at(
    ps,
    {
      kind: 'scalararrayop',
      useOr,
      op,
      fn,
      scalar: s,
      array: a,
      type: TypeOid.bool,
      typmod: -1,
    } satisfies ScalarArrayOpExpr,
    loc,
  );
}

function transformTypeCast(ps: ParseState, n: PNode): Expr {
  const target = resolveTypeName(n.typeName, ps.registry, (l) => ps.positions.position(l));
  const loc: number =
    n.location >= 0 ? n.location : (n.typeName.TypeName?.location ?? n.typeName.location);
  const argNode = n.arg;
  let arg: Expr;
  if (argNode.A_ArrayExpr && elementType(ps.registry, target.oid) !== 0) {
    arg = transformArray(ps, argNode.A_ArrayExpr, target.oid);
  } else {
    arg = transformExpr(ps, argNode);
  }
  const out = coerceTo(ps, arg, target.oid, target.typmod, 'e', true, loc);
  if (!out) {
    throw errorAt(
      ps,
      Code.CANNOT_COERCE,
      `cannot cast type ${typeName(ps.registry, arg.type)} to ${typeName(ps.registry, target.oid)}`,
      loc,
    );
  }
  // An explicit cast to the type without a typmod drops the input's (a RelabelType in PostgreSQL).
  if (target.typmod < 0 && out.typmod >= 0) {
    if (out.kind === 'const') return at(ps, { ...out, typmod: -1 }, exprLocation(ps, out));
    return at(
      ps,
      {
        kind: 'coerce',
        arg: out,
        type: out.type,
        typmod: -1,
        via: 'typmod',
        explicit: true,
      } satisfies CoerceExpr,
      loc,
    );
  }
  return out;
}

function transformArray(ps: ParseState, n: PNode, arrayType: number): Expr {
  const loc: number = n.location;
  // a sub-array ARRAY[[1, 2], [3, 4]] makes a multidimensional array: its elements are
  // arrays of the result's type (the executor tells it by that)
  const items: PNode[] = n.elements ?? [];
  const multidims = items.some((e) => e.A_ArrayExpr);
  const elements = items.map((e) =>
    e.A_ArrayExpr ? transformArray(ps, e.A_ArrayExpr, arrayType) : transformExpr(ps, e),
  );
  let elem: number;
  let coerced: Expr[];
  if (arrayType !== 0) {
    elem = elementType(ps.registry, arrayType);
    const each = multidims ? arrayType : elem;
    coerced = elements.map((e) => {
      const c = coerceTo(ps, e, each, -1, 'e', true);
      if (!c)
        throw errorAt(
          ps,
          Code.CANNOT_COERCE,
          `cannot cast type ${typeName(ps.registry, e.type)} to ${typeName(ps.registry, elem)}`,
          exprLocation(ps, e),
        );
      return c;
    });
  } else {
    if (elements.length === 0) {
      throw errorAt(ps, Code.INDETERMINATE_DATATYPE, 'cannot determine type of empty array', loc, {
        hint: 'Explicitly cast to the desired type, for example ARRAY[]::integer[].',
      });
    }
    const r = coerceToCommon(ps, elements, 'ARRAY');
    elem = r.type;
    coerced = r.exprs;
    if (multidims) {
      arrayType = elem;
      elem = elementType(ps.registry, arrayType);
      if (elem === 0)
        throw errorAt(
          ps,
          Code.UNDEFINED_OBJECT,
          `could not find element type for data type ${typeName(ps.registry, arrayType)}`,
          loc,
        );
    } else arrayType = arrayTypeOf(ps.registry, elem);
    if (arrayType === 0)
      throw errorAt(
        ps,
        Code.UNDEFINED_OBJECT,
        `could not find array type for data type ${typeName(ps.registry, elem)}`,
        loc,
      );
  }
  return at(
    ps,
    {
      kind: 'array',
      elementType: elem,
      elements: coerced,
      type: arrayType,
      typmod: commonTypmod(coerced),
    } satisfies ArrayExpr,
    loc,
  );
}

function transformCase(ps: ParseState, n: PNode): Expr {
  const loc: number = n.location;
  let arg = n.arg ? transformExpr(ps, n.arg) : undefined;
  if (arg && arg.type === UNKNOWN) arg = coerceTo(ps, arg, TypeOid.text, -1, 'i', false)!;
  if (arg) srfRefusedIn(ps, [arg], 'CASE');
  const whens: { when: Expr; then: Expr }[] = [];
  const results: Expr[] = [];
  for (const w of n.args as PNode[]) {
    const cw = w.CaseWhen;
    let cond: Expr;
    if (arg) {
      const value = transformExpr(ps, cw.expr);
      cond = makeOp(ps, '=', arg, value, cw.expr.A_Const?.location ?? cw.location);
    } else {
      cond = transformExpr(ps, cw.expr);
    }
    cond = coerceToBoolean(ps, cond, 'CASE/WHEN');
    const then = transformExpr(ps, cw.result);
    whens.push({ when: cond, then });
    results.push(then);
  }
  const otherwise = n.defresult
    ? transformExpr(ps, n.defresult)
    : at(ps, makeConst(UNKNOWN, -1, null), loc);
  results.unshift(otherwise);
  srfRefusedIn(
    ps,
    [...(arg ? [arg] : []), ...whens.flatMap((w) => [w.when, w.then]), otherwise],
    'CASE',
  );
  const { type, exprs } = coerceToCommon(ps, results, 'CASE');
  const [other, ...thens] = exprs;
  return at(
    ps,
    {
      kind: 'case',
      // biome-ignore lint/suspicious/noThenProperty: CaseExpr's shape (query.ts) names the result `then`
      whens: whens.map((w, i) => ({ when: w.when, then: thens[i]! })),
      otherwise: other!,
      type,
      typmod: commonTypmod(exprs),
    } satisfies CaseExpr,
    loc,
  );
}

const SVF_TYPES: Readonly<Record<string, number>> = {
  current_date: TypeOid.date,
  current_time: TypeOid.timetz,
  current_timestamp: TypeOid.timestamptz,
  localtime: TypeOid.time,
  localtimestamp: TypeOid.timestamp,
  current_role: TypeOid.name,
  current_user: TypeOid.name,
  user: TypeOid.name,
  session_user: TypeOid.name,
  current_catalog: TypeOid.name,
  current_schema: TypeOid.name,
};

function transformSqlValueFunction(ps: ParseState, n: PNode): Expr {
  const name = sqlValueFunctionName(n.op);
  const type = SVF_TYPES[name] ?? TypeOid.text;
  const typmod = typeof n.typmod === 'number' && n.op.endsWith('_N') ? n.typmod : -1;
  return at(ps, { kind: 'sqlvalue', name, type, typmod }, n.location);
}

/** Functions without arguments that PostgreSQL implements in the system catalogs and we as SQL value functions. */
const SESSION_FUNCTIONS: Readonly<Record<string, number>> = {
  current_database: TypeOid.name,
  current_user: TypeOid.name,
  session_user: TypeOid.name,
  current_schema: TypeOid.name,
};

function transformFuncCall(ps: ParseState, n: PNode): Expr {
  const names = strings(n.funcname);
  const loc: number = n.location;
  const name = names[names.length - 1]!;
  const schema = names.length > 1 ? names[names.length - 2] : undefined;
  // an ordered-set aggregate WITHIN GROUP (rank(x) WITHIN GROUP is one, not the window function)
  const orderedSet = n.agg_within_group && isOrderedSetAggregateName(schema, name);
  if (orderedSet && n.over) {
    throw errorAt(
      ps,
      Code.FEATURE_NOT_SUPPORTED,
      `OVER is not supported for ordered-set aggregate ${name}`,
      loc,
    );
  }
  if (n.over) return transformWindowFuncCall(ps, name, schema, n, loc);
  if (orderedSet || isAggregate(schema, name)) return transformAggregate(ps, name, n, loc);
  if (isWindowFunction(schema, name)) throw windowFunctionWithoutOver(ps, name, n, loc);
  if (n.agg_star || n.agg_distinct || n.agg_order || n.agg_filter || n.agg_within_group) {
    // ParseFuncOrColumn: the function is resolved first, then its aggregate decoration refused
    const { agg_star, agg_distinct, agg_order, agg_filter, agg_within_group, ...plain } = n;
    transformFuncCall(ps, plain);
    throw notAggregate(ps, names.join('.'), n, loc);
  }
  if (n.func_variadic)
    throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, 'VARIADIC arguments are not supported yet', loc);
  const argNodes: PNode[] = n.args ?? [];
  if (argNodes.some((a) => a.NamedArgExpr)) {
    throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, 'named arguments are not supported yet', loc);
  }
  // int2vector / oidvector arguments as their arrays (unnest(indkey), array_length(indkey, 1))
  const args = argNodes.map((a) => vectorAsArray(transformExpr(ps, a)));
  if (schema !== undefined && schema !== 'pg_catalog') {
    throw errorAt(
      ps,
      Code.UNDEFINED_FUNCTION,
      `function ${names.join('.')}(${argList(
        ps,
        args.map((a) => a.type),
      )}) does not exist`,
      loc,
      {
        hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
      },
    );
  }
  if (name === 'pg_typeof' && args.length === 1) {
    const typeofCall = pgTypeofCall(ps.registry, args[0]!);
    if (typeofCall !== undefined) return at(ps, typeofCall, loc);
  }
  const session = SESSION_FUNCTIONS[name];
  if (
    session !== undefined &&
    args.length === 0 &&
    resolveFunction(ps.registry, name, []).kind !== 'found'
  ) {
    return at(ps, { kind: 'sqlvalue', name, type: session, typmod: -1 }, loc);
  }
  // func_signature_string: the name as written, qualified or not
  return makeFunc(ps, name, args, loc, names.join('.'));
}

/** Calls `f` on each direct sub-expression of `e`. */
export function forEachChild(e: Expr, f: (child: Expr) => void): void {
  switch (e.kind) {
    case 'const':
    case 'param':
    case 'var':
    case 'sqlvalue':
    case 'aggref':
    case 'windowfunc':
    case 'sublinkparam':
    case 'groupingfunc':
    case 'execparam':
      return;
    case 'sublink':
    case 'subplan':
      // the sub-SELECT is another query level; only the test expression and arguments are here
      if (e.testExpr !== undefined) f(e.testExpr);
      if (e.kind === 'subplan') e.args.forEach(f);
      return;
    case 'nulltest':
    case 'booltest':
    case 'coerce':
      f(e.arg);
      return;
    case 'case':
      for (const w of e.whens) {
        f(w.when);
        f(w.then);
      }
      f(e.otherwise);
      return;
    case 'scalararrayop':
      f(e.scalar);
      f(e.array);
      return;
    case 'array':
      e.elements.forEach(f);
      return;
    case 'rowcompare':
      e.left.forEach(f);
      e.right.forEach(f);
      return;
    case 'fieldselect':
      f(e.arg);
      return;
    case 'subscript':
      f(e.arg);
      for (const x of e.upper) if (x !== undefined) f(x);
      for (const x of e.lower ?? []) if (x !== undefined) f(x);
      return;
    default:
      e.args.forEach(f);
  }
}

/** Replaces parameters whose type was inferred after they were first seen. */
export function fixParams(ps: ParseState, e: Expr): Expr {
  if (e.kind === 'param') {
    const t = ps.params[e.index - 1] ?? UNKNOWN;
    return e.type === UNKNOWN && t !== UNKNOWN ? { ...e, type: t } : e;
  }
  const map = (x: Expr): Expr => fixParams(ps, x);
  return e.kind === 'sublink' ? fixSubLink(ps, e, map) : mapChildren(e, map);
}

/** `e` with each direct sub-expression replaced by `f` of it (sub-SELECTs are leaves; forEachChild's mapping twin). */
export function mapChildren(e: Expr, f: (x: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'const':
    case 'param':
    case 'var':
    case 'sqlvalue':
    case 'aggref':
    case 'windowfunc':
    case 'sublinkparam':
    case 'groupingfunc':
    case 'execparam':
    case 'subplan':
    case 'sublink':
      return e;
    case 'nulltest':
    case 'booltest':
    case 'coerce':
      return { ...e, arg: f(e.arg) } as Expr;
    case 'case':
      return {
        ...e,
        // biome-ignore lint/suspicious/noThenProperty: CaseExpr's shape (query.ts) names the result `then`
        whens: e.whens.map((w) => ({ when: f(w.when), then: f(w.then) })),
        otherwise: f(e.otherwise),
      };
    case 'scalararrayop':
      return { ...e, scalar: f(e.scalar), array: f(e.array) };
    case 'array':
      return { ...e, elements: e.elements.map(f) };
    case 'nullif':
      return { ...e, args: [f(e.args[0]), f(e.args[1])], eq: mapChildren(e.eq, f) as OpExpr };
    case 'rowcompare':
      return { ...e, left: e.left.map(f), right: e.right.map(f) };
    case 'fieldselect':
      return { ...e, arg: f(e.arg) };
    case 'subscript': {
      const opt = (x: Expr | undefined) => (x === undefined ? undefined : f(x));
      return {
        ...e,
        arg: f(e.arg),
        upper: e.upper.map(opt),
        ...(e.lower !== undefined ? { lower: e.lower.map(opt) } : {}),
      };
    }
    default:
      return { ...e, args: (e.args as readonly Expr[]).map(f) } as Expr;
  }
}
