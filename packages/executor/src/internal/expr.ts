/**
 * Expression evaluation (PostgreSQL's execExpr.c, reduced): each typed
 * expression of the query tree is compiled once per plan into a closure
 * `(row, env) => value`, so a row costs a few calls instead of a tree walk
 * with a switch per node. Values are the JavaScript values of @pg/types,
 * null for SQL NULL.
 *
 * Rules kept from PostgreSQL:
 *   E1 a strict function (proisstrict) returns NULL without being called
 *      when any argument is NULL;
 *   E2 AND/OR use three-valued logic: FALSE wins over NULL in AND, TRUE
 *      over NULL in OR; arguments are evaluated left to right and stop
 *      at the deciding value;
 *   E3 CASE and COALESCE evaluate only what they need;
 *   E4 `x op ANY (array)` is NULL when no element gives TRUE and some
 *      comparison (or x) is NULL; ALL is the dual; an empty array gives
 *      FALSE (ANY) / TRUE (ALL) even for a NULL x;
 *   E5 GREATEST/LEAST ignore NULLs (NULL only when all are NULL);
 *   E6 a IS DISTINCT FROM b: TRUE when exactly one side is NULL, FALSE
 *      when both are, else NOT (a = b).
 * An Aggref reads `row[index]`: an aggregating query's targetList is
 * evaluated once, over the row of aggregate results (aggregate.ts).
 */
import type {
  ArrayExpr,
  BooleanTest,
  CaseExpr,
  CoerceExpr,
  Expr,
  FuncExpr,
  MinMaxExpr,
  OpExpr,
  RowCompareExpr,
  RowExpr,
  ScalarArrayOpExpr,
  SqlValueFunction,
  SubscriptRef,
} from '@pg/sql';
import { type SequenceFunctionName, sequenceFunction, settingsFunction } from '@pg/sql';
import {
  arrayGet,
  arraySlice,
  type FunctionDef,
  isPgRecord,
  type PgArray,
  pgRecord,
  type RecordField,
  type Registry,
  SqlError,
  sqlValueFunctions,
  TypeOid,
} from '@pg/types';
import type { EvalEnv } from './context.js';

/** A compiled expression. `row` holds the scanned tuple's values by attnum - 1. */
export type Compiled = (row: readonly unknown[], env: EvalEnv) => unknown;

/** Compiles `expr` (Vars read `row[attnum - 1]`). */
export function compileExpr(expr: Expr, registry: Registry): Compiled {
  switch (expr.kind) {
    case 'const': {
      const v = expr.value === undefined ? null : expr.value;
      return () => v;
    }
    case 'param': {
      const i = expr.index - 1;
      return (_row, env) => {
        if (i >= env.params.length) {
          throw new SqlError('42P02', `there is no parameter $${i + 1}`);
        }
        const v = env.params[i];
        return v === undefined ? null : v;
      };
    }
    case 'var': {
      const i = expr.attnum - 1;
      return (row) => {
        const v = row[i];
        return v === undefined ? null : v;
      };
    }
    case 'func':
      return compileCall(expr.fn, expr.args, registry, expr);
    case 'op':
      return compileCall(expr.fn, expr.args, registry, expr);
    case 'bool':
      return compileBool(
        expr.op,
        expr.args.map((a) => compileExpr(a, registry)),
      );
    case 'nulltest': {
      const arg = compileExpr(expr.arg, registry);
      if (expr.arg.type === TypeOid.record && expr.valueOnly !== true) {
        return compileRowNullTest(arg, expr.isNull);
      }
      return expr.isNull
        ? (row, env) => arg(row, env) === null
        : (row, env) => arg(row, env) !== null;
    }
    case 'booltest':
      return compileBoolTest(expr, registry);
    case 'case':
      return compileCase(expr, registry);
    case 'coalesce': {
      const args = expr.args.map((a) => compileExpr(a, registry));
      return (row, env) => {
        for (const a of args) {
          const v = a(row, env);
          if (v !== null) return v;
        }
        return null;
      };
    }
    case 'minmax':
      return compileMinMax(expr, registry);
    case 'nullif': {
      const a = compileExpr(expr.args[0], registry);
      const eq = compileExpr(expr.eq, registry);
      return (row, env) => {
        const v = a(row, env);
        return eq(row, env) === true ? null : v;
      };
    }
    case 'scalararrayop':
      return compileScalarArrayOp(expr, registry);
    case 'coerce':
      return compileCoerce(expr, registry);
    case 'array':
      return compileArray(expr, registry);
    case 'sqlvalue':
      return compileSqlValue(expr);
    case 'distinct': {
      // a IS DISTINCT FROM b: NULLs compare as values; else NOT (a = b)
      const a = compileExpr(expr.args[0], registry);
      const b = compileExpr(expr.args[1], registry);
      const impl = expr.fn.impl;
      const argTypes = [expr.args[0].type, expr.args[1].type];
      return (row, env) => {
        const x = a(row, env);
        const y = b(row, env);
        if (x === null || y === null) return (x === null) !== (y === null);
        return impl([x, y], env.tctx, argTypes) !== true;
      };
    }
    case 'aggref': {
      // the targetList of an aggregating query is evaluated over the row of aggregate results
      const i = expr.index;
      return (row) => {
        const v = row[i];
        return v === undefined ? null : v;
      };
    }
    case 'execparam': {
      const id = expr.id;
      return (_row, env) => {
        const v = (env as { execParams?: readonly unknown[] }).execParams?.[id];
        return v === undefined ? null : v;
      };
    }
    case 'sublinkparam': {
      // in a SubPlan's testExpr: the current sub-SELECT row's column (the testExpr itself is
      // evaluated over the row of the node the SubPlan is in, as PostgreSQL's ExecScanSubPlan)
      const i = expr.column - 1;
      return (_row, env) => {
        const v = (env as { sublinkRow?: readonly unknown[] }).sublinkRow?.[i];
        return v === undefined ? null : v;
      };
    }
    case 'subplan':
      return compileSubPlan(expr, registry);
    case 'row':
      return compileRow(expr, registry);
    case 'rowcompare':
      return compileRowCompare(expr, registry);
    case 'fieldselect': {
      const arg = compileExpr(expr.arg, registry);
      const i = expr.field - 1;
      return (row, env) => {
        const v = arg(row, env);
        if (v === null) return null;
        return isPgRecord(v) ? (v.values[i] ?? null) : ((v as readonly unknown[])[i] ?? null);
      };
    }
    case 'subscript':
      return compileSubscript(expr, registry);
    default:
      throw new SqlError('0A000', `${expr.kind} expressions are not supported yet`);
  }
}

// ---------------------------------------------------------------- records and subscripts

/**
 * ROW(...) and whole-row references: a PgRecord over the arguments'
 * values. A whole-row reference to the nullable side of an outer join is
 * NULL when all its columns are (the NULL-extended row).
 */
function compileRow(expr: RowExpr, registry: Registry): Compiled {
  const args = expr.args.map((a) => compileExpr(a, registry));
  const fields: RecordField[] = expr.args.map((a, i) => ({
    name: expr.fieldNames[i]!,
    type: a.type,
    typmod: a.typmod,
  }));
  const nullable = expr.wholeRow?.nullable === true && args.length > 0;
  return (row, env) => {
    const values = args.map((a) => a(row, env));
    if (nullable && values.every((v) => v === null)) return null;
    return pgRecord(fields, values);
  };
}

/**
 * IS [NOT] NULL of a record (ExecEvalRowNull): IS NULL when the value is
 * NULL or all its columns are; IS NOT NULL when it is not NULL and none
 * of its columns is.
 */
function compileRowNullTest(arg: Compiled, isNull: boolean): Compiled {
  return (row, env) => {
    const v = arg(row, env);
    if (v === null) return isNull;
    if (!isPgRecord(v)) return !isNull;
    return isNull ? v.values.every((x) => x === null) : v.values.every((x) => x !== null);
  };
}

/** (a, b) < (c, d) (ExecEvalRowCompare): the first unequal pair decides; a NULL pair gives NULL. */
function compileRowCompare(expr: RowCompareExpr, registry: Registry): Compiled {
  const left = expr.left.map((a) => compileExpr(a, registry));
  const right = expr.right.map((a) => compileExpr(a, registry));
  const compares = expr.left.map((a) => registry.mustType(a.type).compare);
  const test: (c: number) => boolean =
    expr.op === '<'
      ? (c) => c < 0
      : expr.op === '<='
        ? (c) => c <= 0
        : expr.op === '>'
          ? (c) => c > 0
          : (c) => c >= 0;
  return (row, env) => {
    let c = 0;
    for (let i = 0; i < left.length; i++) {
      const x = left[i]!(row, env);
      const y = right[i]!(row, env);
      if (x === null || y === null) return null;
      c = compares[i]!(x, y);
      if (c !== 0) break;
    }
    return test(c);
  };
}

/**
 * arr[i][j] (array_get_element: NULL out of range, for a NULL subscript
 * or a wrong number of subscripts) and arr[i:j] (array_get_slice: the
 * overlap, lower bounds 1; NULL for a NULL subscript).
 */
function compileSubscript(expr: SubscriptRef, registry: Registry): Compiled {
  const arg = compileExpr(expr.arg, registry);
  const opt = (x: Expr | undefined) => (x === undefined ? undefined : compileExpr(x, registry));
  const upper = expr.upper.map(opt);
  if (expr.lower === undefined) {
    const subs = upper as Compiled[];
    return (row, env) => {
      const a = arg(row, env);
      if (a === null) return null;
      const idx: number[] = [];
      for (const s of subs) {
        const v = s(row, env);
        if (v === null) return null;
        idx.push(v as number);
      }
      return arrayGet(a as PgArray, idx);
    };
  }
  const lower = expr.lower.map(opt);
  return (row, env) => {
    const a = arg(row, env);
    if (a === null) return null;
    const lo: (number | undefined)[] = [];
    const hi: (number | undefined)[] = [];
    for (let i = 0; i < upper.length; i++) {
      const l = lower[i];
      const u = upper[i];
      const lv = l === undefined ? undefined : l(row, env);
      const uv = u === undefined ? undefined : u(row, env);
      if (lv === null || uv === null) return null;
      lo.push(lv as number | undefined);
      hi.push(uv as number | undefined);
    }
    return arraySlice(a as PgArray, lo, hi);
  };
}

/**
 * What a compiled SubPlan expression runs its plan with: the execution
 * (run.ts) registers one per evaluation environment.
 */
export interface SubPlanRunner {
  /** The rows of `subplans[plan]` from the start, with the ExecParams as they are now. */
  start(plan: number): { next(): unknown[] | undefined };
}

const subPlanRunners = new WeakMap<object, SubPlanRunner>();
/** Uncorrelated SubPlans' results, per environment (one execution). */
const initPlanValues = new WeakMap<object, Map<object, unknown>>();

/** Makes `env`'s SubPlan expressions run their plans through `runner`. */
export function setSubPlanRunner(env: EvalEnv, runner: SubPlanRunner): void {
  subPlanRunners.set(env, runner);
  initPlanValues.delete(env);
}

/** An array value (PgArray): a sub-SELECT of an array column gives these. */
function isPgArray(v: unknown): v is PgArray {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Array.isArray((v as PgArray).dims) &&
    Array.isArray((v as PgArray).lbounds) &&
    Array.isArray((v as PgArray).elements)
  );
}

/** ARRAY(SELECT <array>): one more dimension over equal arrays (accumArrayResultArr). */
function accumArrays(items: readonly unknown[]): PgArray {
  let dims: readonly number[] | undefined;
  let lbounds: readonly number[] = [];
  const elements: unknown[] = [];
  for (const v of items) {
    if (v === null || !isPgArray(v)) throw new SqlError('22004', 'cannot accumulate null arrays');
    if (v.elements.length === 0) throw new SqlError('2202E', 'cannot accumulate empty arrays');
    if (dims === undefined) {
      dims = v.dims;
      lbounds = v.lbounds;
    } else if (v.dims.length !== dims.length || v.dims.some((d, i) => d !== dims![i])) {
      throw new SqlError('2202E', 'cannot accumulate arrays of different dimensionality');
    }
    elements.push(...v.elements);
  }
  return { dims: [items.length, ...(dims ?? [])], lbounds: [1, ...lbounds], elements };
}

/**
 * A sub-SELECT (PostgreSQL's ExecSubPlan / ExecScanSubPlan): `args`
 * (over the current row) are stored in ExecParams `params`, the plan is
 * started over, and its rows are combined by `linkType`:
 *   exists  true when it returns a row;
 *   expr    its one row's first column (NULL with no row; 21000 for two);
 *   array   an array of the rows' first columns;
 *   any     testExpr over each row, OR-ed: TRUE if some row gives TRUE,
 *           else NULL if some gave NULL, else FALSE (also with no rows);
 *   all     the dual: FALSE if some row gives FALSE, else NULL if some
 *           gave NULL, else TRUE.
 * `initPlan`: evaluated once per execution, then remembered.
 */
function compileSubPlan(expr: Extract<Expr, { kind: 'subplan' }>, registry: Registry): Compiled {
  const args = expr.args.map((a) => compileExpr(a, registry));
  const params = expr.params;
  const test = expr.testExpr === undefined ? undefined : compileExpr(expr.testExpr, registry);
  const plan = expr.plan;
  const linkType = expr.linkType;
  const key = {};
  const run = (row: readonly unknown[], env: EvalEnv): unknown => {
    const runner = subPlanRunners.get(env);
    if (runner === undefined) throw new SqlError('XX000', 'SubPlan evaluated outside of a plan');
    const execParams = (env as { execParams?: unknown[] }).execParams;
    if (params.length > 0) {
      if (execParams === undefined) throw new SqlError('XX000', 'SubPlan without ExecParams');
      for (let i = 0; i < params.length; i++) execParams[params[i]!] = args[i]!(row, env);
    }
    const rows = runner.start(plan);
    switch (linkType) {
      case 'exists':
        return rows.next() !== undefined;
      case 'expr': {
        const first = rows.next();
        if (first === undefined) return null;
        if (rows.next() !== undefined) {
          throw new SqlError(
            '21000',
            'more than one row returned by a subquery used as an expression',
          );
        }
        return first[0] ?? null;
      }
      case 'array': {
        const elements: unknown[] = [];
        for (let r = rows.next(); r !== undefined; r = rows.next()) elements.push(r[0] ?? null);
        if (elements.some(isPgArray)) return accumArrays(elements);
        return elements.length === 0
          ? { dims: [], lbounds: [], elements: [] }
          : { dims: [elements.length], lbounds: [1], elements };
      }
      case 'any':
      case 'all': {
        const holder = env as { sublinkRow?: readonly unknown[] | undefined };
        const saved = holder.sublinkRow;
        const stop = linkType === 'any';
        let result: boolean | null = !stop;
        try {
          for (let r = rows.next(); r !== undefined; r = rows.next()) {
            holder.sublinkRow = r;
            const v = test === undefined ? true : test(row, env);
            if (v === stop) return stop;
            if (v === null) result = null;
          }
        } finally {
          holder.sublinkRow = saved;
        }
        return result;
      }
    }
  };
  if (!expr.initPlan) return run;
  return (row, env) => {
    let cache = initPlanValues.get(env);
    if (cache === undefined) {
      cache = new Map();
      initPlanValues.set(env, cache);
    }
    if (cache.has(key)) return cache.get(key);
    const v = run(row, env);
    cache.set(key, v);
    return v;
  };
}

/** A condition: TRUE keeps the row; FALSE and NULL drop it. */
export function compileQual(
  expr: Expr | undefined,
  registry: Registry,
): (row: readonly unknown[], env: EvalEnv) => boolean {
  if (expr === undefined) return () => true;
  const c = compileExpr(expr, registry);
  return (row, env) => c(row, env) === true;
}

function compileCall(
  fn: FunctionDef,
  argExprs: readonly Expr[],
  registry: Registry,
  expr: FuncExpr | OpExpr,
): Compiled {
  const setting = settingsFunction(fn);
  if (setting !== undefined) return compileSettingsCall(setting, argExprs, registry);
  const sequence = sequenceFunction(fn);
  if (sequence !== undefined) return compileSequenceCall(sequence, argExprs, registry);
  if (fn.retset === true) {
    throw new SqlError(
      '0A000',
      `set-returning functions are not supported in this context (${fn.name})`,
    );
  }
  const args = argExprs.map((a) => compileExpr(a, registry));
  const argTypes = argExprs.map((a) => a.type);
  const impl = fn.impl;
  const strict = fn.strict;
  void expr;
  if (args.length === 0) return (_row, env) => impl([], env.tctx, argTypes);
  if (args.length === 1) {
    const a0 = args[0]!;
    return (row, env) => {
      const x = a0(row, env);
      if (strict && x === null) return null;
      return impl([x], env.tctx, argTypes);
    };
  }
  if (args.length === 2) {
    const a0 = args[0]!;
    const a1 = args[1]!;
    return (row, env) => {
      const x = a0(row, env);
      if (strict && x === null) return null;
      const y = a1(row, env);
      if (strict && y === null) return null;
      return impl([x, y], env.tctx, argTypes);
    };
  }
  return (row, env) => {
    const vals: unknown[] = new Array(args.length);
    for (let i = 0; i < args.length; i++) {
      const v = args[i]!(row, env);
      if (strict && v === null) return null;
      vals[i] = v;
    }
    return impl(vals, env.tctx, argTypes);
  };
}

/**
 * current_setting(name [, missing_ok]) and set_config(name, value,
 * is_local) over the session's settings (EvalEnv.settings); without them
 * every name is unrecognized.
 */
function compileSettingsCall(
  which: 'current_setting' | 'set_config',
  argExprs: readonly Expr[],
  registry: Registry,
): Compiled {
  const args = argExprs.map((a) => compileExpr(a, registry));
  const unknown = (name: string) =>
    new SqlError('42704', `unrecognized configuration parameter "${name}"`);
  if (which === 'current_setting') {
    const nameArg = args[0]!;
    const missingArg = args[1];
    return (row, env) => {
      const name = nameArg(row, env);
      if (name === null) return null;
      const missing = missingArg === undefined ? false : missingArg(row, env);
      if (missing === null) return null; // strict
      const missingOk = missing === true;
      if (env.settings === undefined) {
        if (missingOk) return null;
        throw unknown(String(name));
      }
      return env.settings.get(String(name), missingOk);
    };
  }
  const [nameArg, valueArg, localArg] = args as [Compiled, Compiled, Compiled];
  return (row, env) => {
    const name = nameArg(row, env);
    if (name === null) throw new SqlError('22004', 'SET requires parameter name');
    const value = valueArg(row, env);
    if (value === null) {
      throw new SqlError('0A000', 'set_config with a NULL value is not supported yet');
    }
    const isLocal = localArg(row, env) === true;
    if (env.settings === undefined) throw unknown(String(name));
    return env.settings.set(String(name), String(value), isLocal);
  };
}

/**
 * nextval / currval / setval / lastval / pg_get_serial_sequence over the
 * session's sequences (EvalEnv.settings.sequences); all strict.
 */
function compileSequenceCall(
  which: SequenceFunctionName,
  argExprs: readonly Expr[],
  registry: Registry,
): Compiled {
  const args = argExprs.map((a) => compileExpr(a, registry));
  return (row, env) => {
    const vals: unknown[] = [];
    for (const a of args) {
      const v = a(row, env);
      if (v === null) return null;
      vals.push(v);
    }
    const seq = env.settings?.sequences;
    if (seq === undefined) throw new SqlError('0A000', `${which}() is not supported here`);
    switch (which) {
      case 'nextval':
        return seq.nextval(Number(vals[0]));
      case 'currval':
        return seq.currval(Number(vals[0]));
      case 'setval':
        return seq.setval(Number(vals[0]), BigInt(vals[1] as bigint), vals[2] !== false);
      case 'lastval':
        return seq.lastval();
      case 'pg_get_serial_sequence':
        return seq.serialSequence(String(vals[0]), String(vals[1]));
    }
  };
}

function compileBool(op: 'and' | 'or' | 'not', args: readonly Compiled[]): Compiled {
  if (op === 'not') {
    const a = args[0]!;
    return (row, env) => {
      const v = a(row, env);
      return v === null ? null : !v;
    };
  }
  if (op === 'and') {
    return (row, env) => {
      let sawNull = false;
      for (const a of args) {
        const v = a(row, env);
        if (v === false) return false;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : true;
    };
  }
  return (row, env) => {
    let sawNull = false;
    for (const a of args) {
      const v = a(row, env);
      if (v === true) return true;
      if (v === null) sawNull = true;
    }
    return sawNull ? null : false;
  };
}

function compileBoolTest(expr: BooleanTest, registry: Registry): Compiled {
  const a = compileExpr(expr.arg, registry);
  switch (expr.test) {
    case 'true':
      return (row, env) => a(row, env) === true;
    case 'not true':
      return (row, env) => a(row, env) !== true;
    case 'false':
      return (row, env) => a(row, env) === false;
    case 'not false':
      return (row, env) => a(row, env) !== false;
    case 'unknown':
      return (row, env) => a(row, env) === null;
    case 'not unknown':
      return (row, env) => a(row, env) !== null;
  }
}

function compileCase(expr: CaseExpr, registry: Registry): Compiled {
  const whens = expr.whens.map((w) => ({
    when: compileExpr(w.when, registry),
    result: compileExpr(w.then, registry),
  }));
  const otherwise = compileExpr(expr.otherwise, registry);
  return (row, env) => {
    for (const w of whens) if (w.when(row, env) === true) return w.result(row, env);
    return otherwise(row, env);
  };
}

function compileMinMax(expr: MinMaxExpr, registry: Registry): Compiled {
  const args = expr.args.map((a) => compileExpr(a, registry));
  const compare = registry.mustType(expr.type).compare;
  const sign = expr.op === 'greatest' ? 1 : -1;
  return (row, env) => {
    let best: unknown = null;
    for (const a of args) {
      const v = a(row, env);
      if (v === null) continue;
      if (best === null || sign * compare(v, best) > 0) best = v;
    }
    return best;
  };
}

function compileScalarArrayOp(expr: ScalarArrayOpExpr, registry: Registry): Compiled {
  const scalar = compileExpr(expr.scalar, registry);
  const array = compileExpr(expr.array, registry);
  const impl = expr.fn.impl;
  const strict = expr.fn.strict;
  const argTypes = [expr.scalar.type, registry.type(expr.array.type)?.elemOid ?? expr.array.type];
  const useOr = expr.useOr;
  return (row, env) => {
    const s = scalar(row, env);
    const arr = array(row, env) as PgArray | null;
    if (arr === null) return null;
    if (arr.elements.length === 0) return !useOr;
    if (s === null && strict) return null;
    let sawNull = false;
    for (const e of arr.elements) {
      const r = e === null && strict ? null : impl([s, e], env.tctx, argTypes);
      if (r === null) sawNull = true;
      else if (useOr && r === true) return true;
      else if (!useOr && r === false) return false;
    }
    return sawNull ? null : !useOr;
  };
}

function compileCoerce(expr: CoerceExpr, registry: Registry): Compiled {
  const arg = compileExpr(expr.arg, registry);
  const to = registry.mustType(expr.type);
  const typmod = expr.typmod;
  const explicit = expr.explicit;
  const applyTypmod =
    typmod >= 0 && to.applyTypmod !== undefined ? to.applyTypmod.bind(to) : undefined;
  const finish =
    applyTypmod === undefined
      ? (v: unknown) => v
      : (v: unknown) => applyTypmod(v, typmod, explicit);
  if (expr.via === 'typmod' && expr.arg.kind === 'const') {
    // eval_const_expressions: a constant's length coercion is folded when
    // the statement is planned, so its error comes before any row is read
    const value = expr.arg.value;
    const folded = value === null ? null : finish(value);
    return () => folded;
  }
  if (expr.via === 'typmod' || (expr.via === 'cast' && expr.cast?.method === 'b')) {
    return (row, env) => {
      const v = arg(row, env);
      return v === null ? null : finish(v);
    };
  }
  if (expr.via === 'cast') {
    const fn = expr.cast?.fn;
    if (fn === undefined) {
      throw new SqlError('XX000', `cast ${expr.arg.type}->${expr.type} has no function`);
    }
    return (row, env) => {
      const v = arg(row, env);
      return v === null ? null : finish(fn(v, typmod, env.tctx, explicit));
    };
  }
  const from = registry.mustType(expr.arg.type);
  return (row, env) => {
    const v = arg(row, env);
    return v === null ? null : finish(to.input(from.output(v, env.tctx), typmod, env.tctx));
  };
}

function compileArray(expr: ArrayExpr, registry: Registry): Compiled {
  const elements = expr.elements.map((e) => compileExpr(e, registry));
  const nested = expr.elements.length > 0 && expr.elements.every((e) => e.type === expr.type);
  if (!nested) {
    return (row, env) => {
      const vals = elements.map((e) => e(row, env));
      return vals.length === 0
        ? { dims: [], lbounds: [], elements: [] }
        : { dims: [vals.length], lbounds: [1], elements: vals };
    };
  }
  // ARRAY[ARRAY[...], ...]: a multidimensional array; the sub-arrays must match
  return (row, env) => {
    const subs = elements.map((e) => e(row, env) as PgArray | null);
    const present = subs.filter((s): s is PgArray => s !== null && s.elements.length > 0);
    if (present.length === 0) return { dims: [], lbounds: [], elements: [] };
    const first = present[0]!;
    if (
      present.length !== subs.length ||
      present.some((s) => s.dims.join() !== first.dims.join())
    ) {
      throw new SqlError(
        '2202E',
        'multidimensional arrays must have array expressions with matching dimensions',
      );
    }
    return {
      dims: [present.length, ...first.dims],
      lbounds: [1, ...first.lbounds],
      elements: present.flatMap((s) => s.elements),
    };
  };
}

function compileSqlValue(expr: SqlValueFunction): Compiled {
  const name = expr.name.toLowerCase();
  const f = sqlValueFunctions[name];
  if (f !== undefined) {
    const ev = f.eval;
    return (_row, env) => ev(env.tctx);
  }
  switch (name) {
    case 'current_user':
    case 'session_user':
    case 'user':
    case 'current_role':
      return (_row, env) => env.user;
    case 'current_catalog':
    case 'current_database': // issue 10 (H9): pg_dump's subquery on pg_database
      return (_row, env) => env.database;
    case 'current_schema':
      return () => 'public';
    default:
      throw new SqlError('0A000', `${expr.name} is not supported`);
  }
}
