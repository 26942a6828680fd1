/**
 * Sub-SELECTs in expressions (parse_expr.c transformSubLink and
 * make_row_comparison_op): EXISTS, IN / NOT IN, op ANY/SOME/ALL, row
 * forms `(a, b) IN (SELECT x, y ...)`, scalar `(SELECT ...)` and
 * ARRAY(SELECT ...).
 *
 * The sub-SELECT is analyzed in a state whose `parent` is the current
 * one (analyzeSubSelect), so its column references may be outer ones
 * (Vars with levelsUp). For ANY/ALL the comparison of the left side with
 * the sub-SELECT's output columns is built as PostgreSQL builds it: the
 * right side is one SubLinkParam per output column (its type and typmod),
 * and each pair goes through make_op (operator resolution with both
 * types, coercion of both sides), `=` for IN; a row of several columns
 * combines `=` with AND and `<>` with OR.
 */
import { TypeOid } from '@pg/types';
import { analyzeSubSelect, fixSubQuery } from './analyze.js';
import { arrayTypeOf, elementType, typeName } from './coerce.js';
import { subLinkColumnNames } from './colname.js';
import { Code } from './errors.js';
import { errorAt, forEachChild, makeOp, type ParseState, transformExpr } from './expr.js';
import type { PNode } from './parse.js';
import type { BoolExpr, Expr, SelectQuery, SubLink, SubLinkParam, Var } from './query.js';

/**
 * Where PostgreSQL refuses a sub-SELECT (transformSubLink's switch on
 * p_expr_kind), by ParseState.exprKind: the message, 0A000.
 */
const REFUSED: Readonly<Record<string, string>> = {
  CHECK: 'cannot use subquery in check constraint',
  DEFAULT: 'cannot use subquery in DEFAULT expression',
  'index expression': 'cannot use subquery in index expression',
  'index predicate': 'cannot use subquery in index predicate',
  'statistics expression': 'cannot use subquery in statistics expression',
  USING: 'cannot use subquery in transform expression',
  'EXECUTE parameter': 'cannot use subquery in EXECUTE parameter',
  'trigger WHEN condition': 'cannot use subquery in trigger WHEN condition',
  'partition bound': 'cannot use subquery in partition bound',
  'PARTITION BY': 'cannot use subquery in partition key expression',
  'CALL argument': 'cannot use subquery in CALL argument',
  'COPY FROM WHERE condition': 'cannot use subquery in COPY FROM WHERE condition',
  'column generation expression': 'cannot use subquery in column generation expression',
};

const LINK_TYPES: Readonly<Record<string, SubLink['linkType']>> = {
  EXISTS_SUBLINK: 'exists',
  ANY_SUBLINK: 'any',
  ALL_SUBLINK: 'all',
  EXPR_SUBLINK: 'expr',
  ARRAY_SUBLINK: 'array',
};

/** transformSubLink: a SubLink parse node (`n` is the node's body) to a typed SubLink. */
export function transformSubLink(ps: ParseState, n: PNode): Expr {
  const loc: number = n.location;
  const refused = REFUSED[ps.exprKind];
  if (refused !== undefined) throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, refused, loc);
  const linkType = LINK_TYPES[n.subLinkType];
  if (linkType === undefined) {
    // ROWCOMPARE (`(a, b) < (SELECT ...)`), MULTIEXPR (UPDATE SET (a, b) = (SELECT ...)), CTE
    throw errorAt(
      ps,
      Code.FEATURE_NOT_SUPPORTED,
      `${String(n.subLinkType).replace('_SUBLINK', '').toLowerCase()} sub-SELECTs are not supported yet`,
      loc,
    );
  }
  const query = analyzeSubSelect(ps, n.subselect.SelectStmt);
  const outputs = query.targetList.filter((t) => !t.junk);
  const sublink = (type: number, typmod: number, testExpr?: Expr): SubLink => {
    const e: SubLink = {
      kind: 'sublink',
      linkType,
      ...(testExpr !== undefined ? { testExpr } : {}),
      query,
      type,
      typmod,
    };
    if (loc >= 0) ps.locations.set(e, loc);
    return e;
  };
  switch (linkType) {
    case 'exists':
      return sublink(TypeOid.bool, -1);
    case 'expr':
    case 'array': {
      if (outputs.length !== 1) {
        throw errorAt(ps, Code.SYNTAX_ERROR, 'subquery must return only one column', loc);
      }
      const column = outputs[0]!.expr;
      if (linkType === 'expr') {
        subLinkColumnNames.set(n, outputs[0]!.name);
        return sublink(column.type, column.typmod);
      }
      // get_promoted_array_type: an array column gives an array of one more dimension
      const arrayType =
        elementType(ps.registry, column.type) !== 0
          ? column.type
          : arrayTypeOf(ps.registry, column.type);
      if (arrayType === 0) {
        throw errorAt(
          ps,
          Code.UNDEFINED_OBJECT,
          `could not find array type for data type ${typeName(ps.registry, column.type)}`,
        );
      }
      return sublink(arrayType, column.typmod);
    }
    default: {
      const names: string[] = ((n.operName ?? []) as PNode[]).map((s) => s.String?.sval ?? '');
      const opName = names.length === 0 ? '=' : names[names.length - 1]!;
      if (names.length > 1 && names[names.length - 2] !== 'pg_catalog') {
        throw errorAt(
          ps,
          Code.UNDEFINED_FUNCTION,
          `operator does not exist: ${names.join('.')}`,
          loc,
        );
      }
      const testNode: PNode = n.testexpr;
      const left: Expr[] = testNode.RowExpr
        ? ((testNode.RowExpr.args ?? []) as PNode[]).map((a) => transformExpr(ps, a))
        : [transformExpr(ps, testNode)];
      const right = outputs.map(
        (t, i): SubLinkParam => ({
          kind: 'sublinkparam',
          column: i + 1,
          type: t.expr.type,
          typmod: t.expr.typmod,
        }),
      );
      if (left.length < right.length)
        throw errorAt(ps, Code.SYNTAX_ERROR, 'subquery has too many columns', loc);
      if (left.length > right.length)
        throw errorAt(ps, Code.SYNTAX_ERROR, 'subquery has too few columns', loc);
      return sublink(TypeOid.bool, -1, rowComparison(ps, opName, left, right, loc));
    }
  }
}

/** expression_returns_set: a set-returning call in `e` (not inside its sub-SELECTs). */
function returnsSet(e: Expr): boolean {
  let found = false;
  const visit = (x: Expr): void => {
    if (x.kind === 'func' && x.fn.retset === true) found = true;
    else forEachChild(x, visit);
  };
  visit(e);
  return found;
}

/** make_row_comparison_op for equal-length lists (`=` and `<>` over several columns). */
function rowComparison(
  ps: ParseState,
  opName: string,
  left: readonly Expr[],
  right: readonly Expr[],
  loc: number,
): Expr {
  if (left.length === 0) {
    throw errorAt(ps, Code.FEATURE_NOT_SUPPORTED, 'cannot compare rows of zero length', loc);
  }
  const comparisons = left.map((l, i) => {
    const cmp = makeOp(ps, opName, l, right[i]!, loc);
    if (cmp.type !== TypeOid.bool) {
      throw errorAt(
        ps,
        Code.DATATYPE_MISMATCH,
        `row comparison operator must yield type boolean, not type ${typeName(ps.registry, cmp.type)}`,
        loc,
      );
    }
    if (returnsSet(cmp)) {
      throw errorAt(
        ps,
        Code.DATATYPE_MISMATCH,
        'row comparison operator must not return a set',
        loc,
      );
    }
    return cmp;
  });
  if (comparisons.length === 1) return comparisons[0]!;
  let op: BoolExpr['op'];
  if (opName === '=') op = 'and';
  else if (opName === '<>') op = 'or';
  else if (['<', '<=', '>', '>='].includes(opName)) {
    throw errorAt(
      ps,
      Code.FEATURE_NOT_SUPPORTED,
      `row comparisons with ${opName} against a sub-SELECT are not supported yet`,
      loc,
    );
  } else {
    throw errorAt(
      ps,
      Code.UNDEFINED_FUNCTION,
      `could not determine interpretation of row comparison operator ${opName}`,
      loc,
      { hint: 'Row comparison operators must be associated with btree operator families.' },
    );
  }
  const e: BoolExpr = { kind: 'bool', op, args: comparisons, type: TypeOid.bool, typmod: -1 };
  if (loc >= 0) ps.locations.set(e, loc);
  return e;
}

/** A SubLink with the parameter types inferred by the end of the statement (fixParams). */
export function fixSubLink(ps: ParseState, e: SubLink, fix: (x: Expr) => Expr): SubLink {
  return {
    ...e,
    ...(e.testExpr !== undefined ? { testExpr: fix(e.testExpr) } : {}),
    query: fixSubQuery(ps, e.query),
  };
}

/** Calls `f` on every expression directly in `q` (not inside nested sub-SELECTs' queries). */
export function forEachQueryExpr(q: SelectQuery, f: (e: Expr) => void): void {
  for (const rte of q.rtable) {
    if (rte.kind === 'values') for (const r of rte.rows) r.forEach(f);
    else if (rte.kind === 'function') f(rte.call);
    else if (rte.kind === 'join') {
      if (rte.quals) f(rte.quals);
      rte.columns.forEach(f);
    }
  }
  if (q.where) f(q.where);
  for (const t of q.targetList) f(t.expr);
  if (q.having) f(q.having);
  if (q.limit) f(q.limit);
  if (q.offset) f(q.offset);
  for (const a of q.aggregates ?? []) {
    a.args.forEach(f);
    if (a.filter) f(a.filter);
    for (const k of a.order ?? []) f(k.expr);
  }
  for (const w of q.windowFuncs ?? []) {
    w.args.forEach(f);
    if (w.filter) f(w.filter);
    w.aggregate?.args.forEach(f);
  }
  for (const w of q.windows ?? []) {
    w.partition.forEach(f);
    for (const k of w.order) f(k.expr);
    if (w.frame.start.offset) f(w.frame.start.offset);
    if (w.frame.end.offset) f(w.frame.end.offset);
  }
}

/** The sub-SELECTs of `q` outside its expressions: subqueries in FROM and WITH queries. */
function forEachFromSubQuery(q: SelectQuery, f: (sub: SelectQuery) => void): void {
  for (const rte of q.rtable) if (rte.kind === 'subquery') f(rte.query);
  for (const c of q.ctes ?? []) f(c.query);
}

/**
 * locate_var_of_level: the first Var of `e` that refers to a column of
 * the query `e` belongs to (`level` 0), outer references from its
 * sub-SELECTs included; undefined when there is none.
 */
export function varOfLevel(e: Expr, level = 0): Var | undefined {
  let found: Var | undefined;
  const inQuery = (q: SelectQuery, depth: number): void => {
    forEachQueryExpr(q, (x) => inExpr(x, depth));
    forEachFromSubQuery(q, (sub) => inQuery(sub, depth + 1));
  };
  const inExpr = (x: Expr, depth: number): void => {
    if (found) return;
    if (x.kind === 'var' && (x.levelsUp ?? 0) === depth) found = x;
    if (x.kind === 'sublink') inQuery(x.query, depth + 1);
    forEachChild(x, (c) => inExpr(c, depth));
  };
  inExpr(e, level);
  return found;
}
