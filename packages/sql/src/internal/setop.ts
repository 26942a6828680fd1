/**
 * UNION / INTERSECT / EXCEPT (analyze.c transformSetOperationStmt and
 * transformSetOperationTree).
 *
 * Each leaf SELECT (or VALUES, or a parenthesized set operation with its
 * own ORDER BY / LIMIT / WITH) is analyzed as a sub-SELECT (unknown-type
 * outputs left unknown) and becomes a subquery entry "*SELECT* n" of the
 * range table. At each operation the column types are select_common_type
 * of its two sides ("UNION types integer and text cannot be matched"),
 * and the leaves below it get their outputs coerced to them inside their
 * queries, so the leaves' outputs are the operation's column types
 * (query.ts SetOperationTree). Difference from PostgreSQL: where a nested
 * operation's columns are of another type than the enclosing one's
 * (`(int UNION int) UNION numeric`), PostgreSQL's planner coerces the
 * nested result; here the leaves are coerced to the outermost types and
 * every operation node lists those (the same rows for the widening
 * coercions select_common_type picks).
 *
 * The query's output columns are Vars over the leftmost leaf (attnum 1..n)
 * named after its columns; ORDER BY may name them or give their positions
 * only (0A000 otherwise), LIMIT and OFFSET apply to the result.
 */
import {
  addDerived,
  derivedRelation,
  inClause,
  limitExpr,
  STRENGTHS,
  type State,
  subState,
  transformSelect,
  transformSort,
  unsupported,
} from './analyze.js';
import { UNKNOWN } from './coerce.js';
import { setRecursiveColumns } from './cte.js';
import { Code } from './errors.js';
import { coerceTo, coerceToCommon, errorAt, exprLocation, makeConst } from './expr.js';
import type { PNode } from './parse.js';
import type {
  Expr,
  SelectQuery,
  SetOperationTree,
  SubqueryRte,
  TargetEntry,
  Var,
} from './query.js';

type ColumnType = { readonly type: number; readonly typmod: number };

interface Node {
  readonly tree: SetOperationTree;
  readonly types: ColumnType[];
  /** One expression per column standing for this side (error positions, unknown literals). */
  readonly reps: Expr[];
  /** Range-table indexes of the leaves below. */
  readonly leaves: number[];
  /** The leftmost leaf's output names. */
  readonly names: string[];
}

const OPS: Readonly<Record<string, 'union' | 'intersect' | 'except'>> = {
  SETOP_UNION: 'union',
  SETOP_INTERSECT: 'intersect',
  SETOP_EXCEPT: 'except',
};

/** A SelectStmt whose `op` is a set operation (its WITH already made visible by the caller). */
export function transformSetOperation(ps: State, n: PNode): SelectQuery {
  // SELECT ... INTO on the leftmost SELECT is the whole statement's (CREATE TABLE AS).
  let first: PNode = n;
  while (first.larg) first = first.larg.SelectStmt ?? first.larg;
  if (first.intoClause) unsupported(ps, 'SELECT INTO is not supported yet');
  checkNode(ps, n);
  const root = transformNode(ps, n, true);
  const leftmost = root.leaves[0]!;
  const tree = retype(root.tree, root.types);
  const targetList: TargetEntry[] = root.types.map((t, i) => {
    const v: Var = { kind: 'var', rt: leftmost, attnum: i + 1, type: t.type, typmod: t.typmod };
    const loc = exprLocation(ps, leafOutputs(ps, leftmost)[i]!.expr);
    if (loc !== undefined) ps.locations.set(v, loc);
    return { expr: v, name: root.names[i]!, junk: false };
  });
  // ORDER BY sees the result columns by name only.
  const leftRte = ps.rtable[leftmost]!;
  ps.scope.push({
    rt: leftmost,
    rte: { ...leftRte, alias: '', columnNames: root.names },
    relation: derivedRelation('', root.names, root.types),
    relVisible: false,
  });
  const visible = targetList.length;
  const sort = inClause(ps, 'ORDER BY', false, () =>
    transformSort(ps, n.sortClause ?? [], targetList),
  );
  if (targetList.length > visible) {
    throw errorAt(
      ps,
      Code.FEATURE_NOT_SUPPORTED,
      'invalid UNION/INTERSECT/EXCEPT ORDER BY clause',
      exprStart(ps, targetList[visible]!.expr),
      {
        detail: 'Only result column names can be used, not expressions or functions.',
        hint: 'Add the expression/function to every SELECT, or move the UNION into a FROM clause.',
      },
    );
  }
  const limit = n.limitCount
    ? inClause(ps, 'LIMIT', false, () => limitExpr(ps, n.limitCount, 'LIMIT'))
    : undefined;
  const offset = n.limitOffset
    ? inClause(ps, 'OFFSET', false, () => limitExpr(ps, n.limitOffset, 'OFFSET'))
    : undefined;
  return {
    command: 'select',
    rtable: ps.rtable,
    from: [],
    targetList,
    paramTypes: [],
    setOp: tree,
    sort,
    ...(limit ? { limit } : {}),
    ...(limit && n.limitOption === 'LIMIT_OPTION_WITH_TIES' ? { limitWithTies: true } : {}),
    ...(offset ? { offset } : {}),
    rowMarks: [],
  };
}

/** The checks PostgreSQL makes on every SELECT of a set operation, leaf or not. */
function checkNode(ps: State, n: PNode): void {
  if (n.intoClause) {
    throw errorAt(
      ps,
      Code.SYNTAX_ERROR,
      'INTO is only allowed on first SELECT of UNION/INTERSECT/EXCEPT',
      n.intoClause.rel?.RangeVar?.location ?? n.intoClause.rel?.location,
    );
  }
  if (n.lockingClause) {
    const strength = STRENGTHS[n.lockingClause[0].LockingClause.strength]!;
    unsupported(ps, `FOR ${strength.toUpperCase()} is not allowed with UNION/INTERSECT/EXCEPT`);
  }
}

function transformNode(ps: State, n: PNode, top: boolean): Node {
  if (!top) checkNode(ps, n);
  const op = OPS[n.op];
  const isLeaf =
    !op ||
    (!top &&
      (n.sortClause !== undefined ||
        n.limitCount !== undefined ||
        n.limitOffset !== undefined ||
        n.lockingClause !== undefined ||
        n.withClause !== undefined));
  if (isLeaf) return transformLeaf(ps, n);
  const context = op.toUpperCase();
  const l = transformNode(ps, n.larg.SelectStmt ?? n.larg, false);
  if (top && ps.recursiveCte) setRecursiveColumns(ps, ps.recursiveCte, l.names, l.types);
  const r = transformNode(ps, n.rarg.SelectStmt ?? n.rarg, false);
  if (l.types.length !== r.types.length) {
    throw errorAt(
      ps,
      Code.SYNTAX_ERROR,
      `each ${context} query must have the same number of columns`,
      r.reps[0] ? exprLocation(ps, r.reps[0]) : undefined,
    );
  }
  const leaves = [...l.leaves, ...r.leaves];
  const types: ColumnType[] = [];
  const reps: Expr[] = [];
  l.types.forEach((lt, j) => {
    const rt = r.types[j]!;
    const { type } = coerceToCommon(ps, [l.reps[j]!, r.reps[j]!], context);
    const typmod = lt.type === type && rt.type === type && lt.typmod === rt.typmod ? lt.typmod : -1;
    types.push({ type, typmod });
    const rep = makeConst(type, typmod, null);
    // select_common_type's which_expr: the side whose type the result is (the left on a tie)
    const best = lt.type !== type && rt.type === type ? r.reps[j]! : l.reps[j]!;
    const loc = exprLocation(ps, best);
    if (loc !== undefined) ps.locations.set(rep, loc);
    reps.push(rep);
    for (const leaf of leaves) coerceLeafColumn(ps, leaf, j, type, typmod, context);
  });
  return {
    tree: {
      kind: 'setop',
      op,
      all: n.all === true,
      left: l.tree,
      right: r.tree,
      columnTypes: types,
    },
    types,
    reps,
    leaves,
    names: l.names,
  };
}

function transformLeaf(ps: State, n: PNode): Node {
  const sub = subState(ps);
  sub.resolveUnknowns = false;
  const query = transformSelect(sub, n);
  const outputs = query.targetList.filter((t) => !t.junk);
  const rte: SubqueryRte = {
    kind: 'subquery',
    alias: `*SELECT* ${ps.rtable.length + 1}`,
    columnNames: outputs.map((t) => t.name),
    query,
  };
  const types = outputs.map((t) => ({ type: t.expr.type, typmod: t.expr.typmod }));
  const { rt } = addDerived(ps, rte, types, false);
  return {
    tree: { kind: 'leaf', rt },
    types,
    reps: outputs.map((t) => t.expr),
    leaves: [rt],
    names: outputs.map((t) => t.name),
  };
}

function leafOutputs(ps: State, rt: number): TargetEntry[] {
  const rte = ps.rtable[rt] as SubqueryRte;
  return rte.query.targetList.filter((t) => !t.junk);
}

/** Coerces output column `j` of leaf `rt` to the operation's column type, inside its query. */
function coerceLeafColumn(
  ps: State,
  rt: number,
  j: number,
  type: number,
  typmod: number,
  context: string,
): void {
  const rte = ps.rtable[rt] as SubqueryRte;
  const outputs = rte.query.targetList.filter((t) => !t.junk);
  const te = outputs[j]!;
  const e = te.expr;
  if (e.type === type && (e.typmod === typmod || typmod === -1)) return;
  const coerced = coerceTo(ps, e, type, typmod, 'i', false);
  if (!coerced) {
    throw errorAt(
      ps,
      Code.CANNOT_COERCE,
      `${context} could not convert type ${e.type === UNKNOWN ? 'unknown' : String(e.type)} to ${type}`,
      exprLocation(ps, e),
    );
  }
  const loc = exprLocation(ps, e);
  if (loc !== undefined && !ps.locations.has(coerced)) ps.locations.set(coerced, loc);
  const targetList = rte.query.targetList.map((t) => (t === te ? { ...t, expr: coerced } : t));
  ps.rtable[rt] = { ...rte, query: { ...rte.query, targetList } };
}

/** exprLocation as PostgreSQL's: an operator or function call starts at its leftmost argument. */
function exprStart(ps: State, e: Expr): number | undefined {
  const own = exprLocation(ps, e);
  const first = e.kind === 'op' || e.kind === 'func' ? e.args[0] : undefined;
  const inner = first ? exprStart(ps, first) : undefined;
  if (own === undefined) return inner;
  return inner !== undefined && inner < own ? inner : own;
}

/** Every operation node lists the final column types (the leaves are coerced to them). */
function retype(t: SetOperationTree, types: readonly ColumnType[]): SetOperationTree {
  if (t.kind === 'leaf') return t;
  return {
    ...t,
    left: retype(t.left, types),
    right: retype(t.right, types),
    columnTypes: types,
  };
}
