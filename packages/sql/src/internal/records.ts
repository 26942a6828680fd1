/**
 * Row values, whole-row references, field selection and array subscripts
 * (PostgreSQL's transformRowExpr, makeWholeRowVar, ParseComplexProjection,
 * transformIndirection and transformContainerSubscripts, reduced).
 *
 *   ROW(a, b) / (a, b)      RowExpr, type record, columns f1, f2, ...
 *   t / t.* in an expression RowExpr of t's live columns (wholeRow set)
 *   (x).f                   the column's own expression when x is a
 *                           RowExpr, else a FieldSelect (the record's
 *                           columns must be known here: a ROW, a
 *                           function with OUT columns, a sub-SELECT or
 *                           subquery column of one of those)
 *   a[i][j], a[i:j]         SubscriptRef (int4 subscripts)
 *   (a, b) op (c, d)        per-column comparisons: = is an AND, <> an
 *                           OR, < <= > >= a RowCompareExpr; IS DISTINCT
 *                           FROM an OR of the columns' DistinctExprs
 */
import { type FunctionDef, isPgRecord, type RecordField, SqlError, TypeOid } from '@pg/types';
import { elementType, findCoercionPathway, typeName, UNKNOWN } from './coerce.js';
import { Code } from './errors.js';
import {
  coerceTo,
  coerceToCommon,
  errorAt,
  exprLocation,
  leftmostLocation,
  makeFunc,
  makeOp,
  type ParseState,
  raiseLevels,
  type ScopeEntry,
  transformExpr,
  vectorAsArray,
} from './expr.js';
import { RECORD_COLUMNS } from './from.js';
import type { PNode } from './parse.js';
import type {
  ArrayExpr,
  BoolExpr,
  DistinctExpr,
  Expr,
  FieldSelect,
  FuncExpr,
  RangeTblEntry,
  RowCompareExpr,
  RowExpr,
  SubscriptRef,
  Var,
} from './query.js';

/** MAXDIM: the most subscripts an array reference may have. */
const MAXDIM = 6;

function located<E extends Expr>(ps: ParseState, e: E, loc: number | undefined): E {
  if (loc !== undefined) ps.locations.set(e, loc);
  return e;
}

function fieldsOf(args: readonly Expr[], names: readonly string[]): RecordField[] {
  return args.map((a, i) => ({ name: names[i]!, type: a.type, typmod: a.typmod }));
}

// ---------------------------------------------------------------- ROW(...)

/** Whether a parse node is `t.*` (a ColumnRef ending in a star, qualified). */
function isQualifiedStar(node: PNode): boolean {
  const fields: PNode[] | undefined = node?.ColumnRef?.fields;
  return (
    fields !== undefined && fields.length >= 2 && fields[fields.length - 1]?.A_Star !== undefined
  );
}

/** transformRowExpr: ROW(a, b, t.*) — `t.*` contributes t's columns. */
export function transformRowExpr(ps: ParseState, n: PNode): Expr {
  const args: Expr[] = [];
  for (const a of (n.args ?? []) as PNode[]) {
    if (isQualifiedStar(a)) {
      const whole = transformExpr(ps, a);
      if (whole.kind === 'row') {
        args.push(...whole.args);
        continue;
      }
    }
    // an unknown literal stays unknown (a comparison with another row types it)
    args.push(transformExpr(ps, a));
  }
  return located(
    ps,
    {
      kind: 'row',
      args,
      fieldNames: args.map((_, i) => `f${i + 1}`),
      type: TypeOid.record,
      typmod: -1,
    } satisfies RowExpr,
    n.location,
  );
}

// ---------------------------------------------------------------- whole-row references

/** Whether range-table entry `rt` is on the nullable side of an outer join in `rtable`. */
function onNullableSide(rtable: readonly RangeTblEntry[], rt: number): boolean {
  const contains = (at: number): boolean => {
    if (at === rt) return true;
    const e = rtable[at];
    return e?.kind === 'join' && (contains(e.left) || contains(e.right));
  };
  return rtable.some(
    (e) =>
      e.kind === 'join' &&
      (((e.joinType === 'left' || e.joinType === 'full') && contains(e.right)) ||
        ((e.joinType === 'right' || e.joinType === 'full') && contains(e.left))),
  );
}

/**
 * makeWholeRowVar: `t` or `t.*` in an expression, for scope entry `entry`
 * `levelsUp` query levels up: a RowExpr of its live columns.
 */
export function wholeRowRef(
  ps: ParseState,
  entry: ScopeEntry,
  levelsUp: number,
  loc: number | undefined,
): RowExpr {
  const args: Expr[] = [];
  const names: string[] = [];
  const rte = entry.rte;
  rte.columnNames.forEach((name, i) => {
    if (rte.kind === 'join') {
      const col = rte.columns[i];
      if (col === undefined) return;
      args.push(raiseLevels(col, levelsUp));
      names.push(name);
      return;
    }
    const column = entry.relation.columns[i];
    if (column === undefined || column.dropped || name === '') return;
    args.push({
      kind: 'var',
      rt: entry.rt,
      attnum: column.attnum,
      type: column.typeOid,
      typmod: column.typmod,
      ...(levelsUp > 0 ? { levelsUp } : {}),
    } satisfies Var);
    names.push(name);
  });
  let level: ParseState | undefined = ps;
  for (let i = 0; i < levelsUp && level; i++) level = level.parent;
  const rtable = level?.rtable ?? level?.scope.map((s) => s.rte) ?? [];
  return located(
    ps,
    {
      kind: 'row',
      args,
      fieldNames: names,
      wholeRow: {
        alias: rte.alias,
        nullable: onNullableSide(rtable, entry.rt),
        ...(rte.kind === 'relation' ? { typeName: entry.relation.name } : {}),
      },
      type: TypeOid.record,
      typmod: -1,
    } satisfies RowExpr,
    loc,
  );
}

// ---------------------------------------------------------------- record columns

/**
 * The columns of a record-valued expression, when analysis can know them
 * (PostgreSQL's get_expr_result_tupdesc with a blessed descriptor).
 */
export function recordShape(ps: ParseState, e: Expr): readonly RecordField[] | undefined {
  switch (e.kind) {
    case 'row':
      return fieldsOf(e.args, e.fieldNames);
    case 'func': {
      const cols = RECORD_COLUMNS.get(e.fn.name);
      return e.type === TypeOid.record && cols !== undefined
        ? cols.map(([name, type]) => ({ name, type, typmod: -1 }))
        : undefined;
    }
    case 'const':
      return isPgRecord(e.value) ? e.value.fields : undefined;
    case 'var': {
      let level: ParseState | undefined = ps;
      for (let i = 0; i < (e.levelsUp ?? 0) && level; i++) level = level.parent;
      const rte = level?.rtable?.[e.rt];
      if (rte?.kind === 'subquery') {
        const t = rte.query.targetList.filter((x) => !x.junk)[e.attnum - 1];
        return t === undefined ? undefined : recordShape(ps, t.expr);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

const wrapped = new WeakMap<FunctionDef, FunctionDef>();

/**
 * A function returning records with OUT columns called in a SELECT list
 * (jsonb_each(x)): its rows become record values of those columns. In
 * FROM the same function gives the columns themselves.
 */
export function recordReturningInTargets(ps: ParseState, call: FuncExpr): FuncExpr {
  const cols = RECORD_COLUMNS.get(call.fn.name);
  if (call.type !== TypeOid.record || cols === undefined) return call;
  let fn = wrapped.get(call.fn);
  if (fn === undefined) {
    const fields: RecordField[] = cols.map(([name, type]) => ({ name, type, typmod: -1 }));
    const inner = call.fn.impl;
    fn = {
      ...call.fn,
      impl: (args, ctx, types) => {
        const rows = inner(args, ctx, types) as Iterable<readonly unknown[]>;
        return Array.from(rows, (values) => ({ fields, values }));
      },
    };
    wrapped.set(call.fn, fn);
  }
  return located(ps, { ...call, fn }, exprLocation(ps, call));
}

// ---------------------------------------------------------------- (x).field, x[i]

/** transformIndirection: subscripts and field names after an expression, left to right. */
export function transformIndirection(ps: ParseState, n: PNode): Expr {
  let e = transformExpr(ps, n.arg);
  const loc = exprLocation(ps, e) ?? n.arg?.ColumnRef?.location;
  let subs: PNode[] = [];
  for (const ind of (n.indirection ?? []) as PNode[]) {
    if (ind.A_Indices !== undefined) {
      subs.push(ind.A_Indices);
      continue;
    }
    if (subs.length > 0) {
      e = makeSubscript(ps, e, subs, loc);
      subs = [];
    }
    if (ind.A_Star !== undefined) {
      throw errorAt(ps, Code.SYNTAX_ERROR, 'row expansion via "*" is not supported here', loc);
    }
    e = selectField(ps, e, ind.String?.sval as string, loc);
  }
  if (subs.length > 0) e = makeSubscript(ps, e, subs, loc);
  return e;
}

/**
 * `(x).*` in a SELECT list: one output column per column of x (x's
 * columns must be known), named after them.
 */
export function expandIndirectionStar(
  ps: ParseState,
  n: PNode,
): { name: string; expr: Expr }[] | undefined {
  const list = (n.indirection ?? []) as PNode[];
  if (list.length === 0 || list[list.length - 1]?.A_Star === undefined) return undefined;
  const base = transformIndirection(ps, { ...n, indirection: list.slice(0, -1) });
  const loc = exprLocation(ps, base);
  if (base.kind === 'row') {
    return base.args.map((expr, i) => ({ name: base.fieldNames[i]!, expr }));
  }
  const shape = fieldsFor(ps, base, '*', loc);
  return shape.map((f, i) => ({ name: f.name, expr: fieldSelect(ps, base, i, f, loc) }));
}

function fieldSelect(
  ps: ParseState,
  arg: Expr,
  i: number,
  f: RecordField,
  loc: number | undefined,
): FieldSelect {
  return located(
    ps,
    {
      kind: 'fieldselect',
      arg,
      field: i + 1,
      fieldName: f.name,
      type: f.type,
      typmod: f.typmod,
    } satisfies FieldSelect,
    loc,
  );
}

/** The known columns of record-valued `e`, or PostgreSQL's error for selecting `name` from it. */
function fieldsFor(
  ps: ParseState,
  e: Expr,
  name: string,
  loc: number | undefined,
): readonly RecordField[] {
  if (e.type !== TypeOid.record) {
    throw errorAt(
      ps,
      Code.WRONG_OBJECT_TYPE,
      `column notation .${name} applied to type ${typeName(ps.registry, e.type)}, which is not a composite type`,
      loc,
    );
  }
  const shape = recordShape(ps, e);
  if (shape === undefined) {
    throw errorAt(
      ps,
      Code.UNDEFINED_COLUMN,
      `could not identify column "${name}" in record data type`,
      loc,
    );
  }
  return shape;
}

/** ParseComplexProjection: column `name` of record-valued `e`. */
function selectField(ps: ParseState, e: Expr, name: string, loc: number | undefined): Expr {
  if (e.kind === 'row') {
    const i = e.fieldNames.indexOf(name);
    if (i >= 0) return e.args[i]!;
    if (e.wholeRow !== undefined) {
      throw errorAt(
        ps,
        Code.UNDEFINED_COLUMN,
        `column ${e.wholeRow.alias}.${name} does not exist`,
        loc,
      );
    }
    throw errorAt(
      ps,
      Code.UNDEFINED_COLUMN,
      `could not identify column "${name}" in record data type`,
      loc,
    );
  }
  if (e.type !== TypeOid.record) {
    // (x).f of a scalar is f(x) when such a function exists (ParseFuncOrColumn)
    try {
      return makeFunc(ps, name, [e], loc);
    } catch (err) {
      if (!(err instanceof SqlError)) throw err;
    }
  }
  const shape = fieldsFor(ps, e, name, loc);
  const i = shape.findIndex((f) => f.name === name);
  if (i < 0) {
    throw errorAt(
      ps,
      Code.UNDEFINED_COLUMN,
      `could not identify column "${name}" in record data type`,
      loc,
    );
  }
  return fieldSelect(ps, e, i, shape[i]!, loc);
}

/** One subscript, coerced to int4 (transformContainerSubscripts). */
function subscript(ps: ParseState, node: PNode): Expr {
  const e = transformExpr(ps, node);
  const loc = leftmostLocation(ps, e);
  let out: Expr | undefined;
  try {
    out = coerceTo(ps, e, TypeOid.int4, -1, 'a', false);
  } catch (err) {
    if (e.type === UNKNOWN || !(err instanceof SqlError)) throw err;
    out = undefined;
  }
  if (out === undefined) {
    throw errorAt(ps, Code.DATATYPE_MISMATCH, 'array subscript must have type integer', loc);
  }
  return out;
}

/**
 * name[i]: the "char" of byte i (0-based) of the 64-byte NAMEDATALEN
 * buffer, '' (a zero byte) past the end of the name, NULL outside it.
 */
const NAME_BYTE: FunctionDef = {
  name: 'name_subscript',
  args: [TypeOid.name, TypeOid.int4],
  result: 18,
  volatility: 'i',
  strict: true,
  impl: ([v, i]) => {
    const at = Number(i);
    if (at < 0 || at >= 64) return null;
    const bytes = Buffer.from(String(v), 'utf8');
    return at < bytes.length ? String.fromCharCode(bytes[at]!) : '';
  },
};

/** arr[...][...]: an element fetch, or a slice when any subscript has a colon. */
function makeSubscript(
  ps: ParseState,
  argIn: Expr,
  indices: readonly PNode[],
  loc: number | undefined,
): Expr {
  // int2vector / oidvector subscript as their arrays (indkey[0], proargtypes[0])
  const arg = vectorAsArray(argIn);
  const elem = elementType(ps.registry, arg.type);
  if (elem === 0) {
    if (arg.type === TypeOid.jsonb) return jsonbSubscript(ps, arg, indices, loc);
    // issue 10 (H9): name[i] (raw_array_subscript_handler), pg_dump's typname[0] = '_'
    if (arg.type === TypeOid.name && indices.length === 1 && indices[0]!.is_slice !== true)
      return located(
        ps,
        {
          kind: 'func',
          fn: NAME_BYTE,
          args: [arg, subscript(ps, indices[0]!.uidx)],
          type: 18,
          typmod: -1,
        } satisfies FuncExpr,
        loc,
      );
    throw errorAt(
      ps,
      Code.DATATYPE_MISMATCH,
      `cannot subscript type ${typeName(ps.registry, arg.type)} because it does not support subscripting`,
      loc,
    );
  }
  if (indices.length > MAXDIM) {
    throw errorAt(
      ps,
      '54000',
      `number of array dimensions (${indices.length}) exceeds the maximum allowed (${MAXDIM})`,
    );
  }
  const isSlice = indices.some((i) => i.is_slice === true);
  const upper: (Expr | undefined)[] = [];
  const lower: (Expr | undefined)[] = [];
  for (const ind of indices) {
    if (isSlice) {
      if (ind.is_slice === true) {
        lower.push(ind.lidx === undefined ? undefined : subscript(ps, ind.lidx));
      } else {
        lower.push({ kind: 'const', type: TypeOid.int4, typmod: -1, value: 1 });
      }
      upper.push(ind.uidx === undefined ? undefined : subscript(ps, ind.uidx));
    } else {
      upper.push(subscript(ps, ind.uidx));
    }
  }
  return located(
    ps,
    {
      kind: 'subscript',
      arg,
      upper,
      ...(isSlice ? { lower } : {}),
      type: isSlice ? arg.type : elem,
      typmod: arg.typmod,
    } satisfies SubscriptRef,
    loc,
  );
}

/**
 * jsonb['a'][0] (jsonb_subscript_transform): each subscript becomes text
 * (an int4-coercible one through int4, others text-coercible; unknown
 * literals are text), and the fetch is jsonb_extract_path(x, ARRAY[...])
 * — the same walk as jsonb_get_element, NULL for a NULL subscript.
 */
function jsonbSubscript(
  ps: ParseState,
  arg: Expr,
  indices: readonly PNode[],
  loc: number | undefined,
): Expr {
  const path: Expr[] = [];
  for (const ind of indices) {
    if (ind.is_slice === true) {
      const at = ind.uidx ?? ind.lidx;
      const e = at === undefined ? undefined : transformExpr(ps, at);
      throw errorAt(
        ps,
        Code.DATATYPE_MISMATCH,
        'jsonb subscript does not support slices',
        e === undefined ? loc : exprLocation(ps, e),
      );
    }
    const e = transformExpr(ps, ind.uidx);
    let target: number = TypeOid.text;
    if (e.type !== UNKNOWN) {
      const fits = (t: number) =>
        e.type === t || findCoercionPathway(ps.registry, e.type, t, 'i').kind !== 'none';
      if (fits(TypeOid.int4)) target = TypeOid.int4;
      else if (!fits(TypeOid.text)) {
        throw errorAt(
          ps,
          Code.DATATYPE_MISMATCH,
          `subscript type ${typeName(ps.registry, e.type)} is not supported`,
          leftmostLocation(ps, e),
          { hint: 'jsonb subscript must be coercible to either integer or text.' },
        );
      }
    }
    let x = coerceTo(ps, e, target, -1, 'i', false)!;
    if (target === TypeOid.int4) x = coerceTo(ps, x, TypeOid.text, -1, 'e', false)!;
    path.push(x);
  }
  const fn = ps.registry.findFunction('jsonb_extract_path', [TypeOid.jsonb, TypeOid._text]);
  if (fn === undefined) {
    throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, 'jsonb subscripting is not supported yet', loc);
  }
  const array: ArrayExpr = {
    kind: 'array',
    elementType: TypeOid.text,
    elements: path,
    type: TypeOid._text,
    typmod: -1,
  };
  return located(
    ps,
    { kind: 'func', fn, args: [arg, array], type: TypeOid.jsonb, typmod: -1 } satisfies FuncExpr,
    loc,
  );
}

// ---------------------------------------------------------------- row comparisons

const ROW_COMPARE_OPS = new Set(['<', '<=', '>', '>=']);

/**
 * A row constructor (ROW(...), (a, b)) rather than a whole-row reference:
 * only two row constructors compare column by column; anything else is a
 * comparison of record values (record_eq & co.), as in PostgreSQL.
 */
export function isRowConstructor(e: Expr | undefined): e is RowExpr {
  return e?.kind === 'row' && e.wholeRow === undefined;
}

/** make_row_comparison_op: `ROW(...) op ROW(...)`. */
export function makeRowComparison(
  ps: ParseState,
  name: string,
  left: RowExpr,
  right: RowExpr,
  loc: number,
): Expr {
  if (left.args.length !== right.args.length) {
    throw errorAt(ps, Code.SYNTAX_ERROR, 'unequal number of entries in row expressions', loc);
  }
  if (left.args.length === 0) {
    throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, 'cannot compare rows of zero length', loc);
  }
  const ops = left.args.map((l, i) => {
    const op = makeOp(ps, name, l, right.args[i]!, loc);
    if (op.type !== TypeOid.bool) {
      throw errorAt(
        ps,
        Code.DATATYPE_MISMATCH,
        `row comparison operator must yield type boolean, not type ${typeName(ps.registry, op.type)}`,
        loc,
      );
    }
    return op;
  });
  if (ops.length === 1) return ops[0]!;
  if (name === '=' || name === '<>') {
    return located(
      ps,
      {
        kind: 'bool',
        op: name === '=' ? 'and' : 'or',
        args: ops,
        type: TypeOid.bool,
        typmod: -1,
      } satisfies BoolExpr,
      loc,
    );
  }
  if (!ROW_COMPARE_OPS.has(name)) {
    throw errorAt(
      ps,
      Code.UNDEFINED_FUNCTION,
      `could not determine interpretation of row comparison operator ${name}`,
      loc,
      { hint: 'Row comparison operators must be associated with btree operator families.' },
    );
  }
  const l: Expr[] = [];
  const r: Expr[] = [];
  for (const op of ops) {
    const pair = coerceToCommon(ps, [op.args[0]!, op.args[1]!], 'row comparison').exprs;
    l.push(pair[0]!);
    r.push(pair[1]!);
  }
  return located(
    ps,
    {
      kind: 'rowcompare',
      op: name as RowCompareExpr['op'],
      left: l,
      right: r,
      type: TypeOid.bool,
      typmod: -1,
    } satisfies RowCompareExpr,
    loc,
  );
}

/** make_row_distinct_op: `ROW(...) IS DISTINCT FROM ROW(...)`, an OR of the columns'. */
export function makeRowDistinct(
  ps: ParseState,
  name: string,
  left: RowExpr,
  right: RowExpr,
  loc: number,
): Expr {
  if (left.args.length !== right.args.length) {
    throw errorAt(ps, Code.SYNTAX_ERROR, 'unequal number of entries in row expressions', loc);
  }
  const parts: Expr[] = left.args.map((l, i) => {
    const eq = makeOp(ps, name, l, right.args[i]!, loc);
    if (eq.type !== TypeOid.bool) {
      throw errorAt(
        ps,
        Code.DATATYPE_MISMATCH,
        'IS DISTINCT FROM requires = operator to yield boolean',
        loc,
      );
    }
    return located(
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
  });
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 0) return { kind: 'const', type: TypeOid.bool, typmod: -1, value: false };
  return located(
    ps,
    { kind: 'bool', op: 'or', args: parts, type: TypeOid.bool, typmod: -1 } satisfies BoolExpr,
    loc,
  );
}
