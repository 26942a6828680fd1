/**
 * Partial and expression indexes for the planner (optimizer/util/plancat.c's
 * indexprs/indpred, optimizer/util/predtest.c's predicate_implied_by).
 *
 * pg_index keeps an index's key expressions and predicate as SQL text over
 * the table's columns; they are analyzed once per index descriptor and
 * their Vars re-pointed at the range-table entry being planned.
 *
 * predicate_implied_by, simple version: a predicate (a list of conjuncts)
 * is implied by a list of restriction clauses when every conjunct is
 *   1. structurally equal to one of the clauses, or
 *   2. `x op c2` (op one of < <= = >= >, c2 a constant) and some clause is
 *      `x op' c1` on the same expression with a constant of the same type,
 *      where `x op' c1` implies `x op c2` (btree strategy arithmetic, as
 *      predtest.c's BT_implic_table), or
 *   3. `x IS NOT NULL` and some clause is a strict operator on x.
 * Anything else (ORs, NOT, non-constant comparisons) is not proven, so
 * the index is not used — never a wrong answer, at worst a missed plan.
 */
import type { IndexDesc, RelationDesc } from '@pg/catalog';
import { analyzeExpression, type CatalogView, type Const, type Expr, parse } from '@pg/sql';
import { type Registry, SqlError } from '@pg/types';
import { sameExpr } from './deparse.js';

export interface IndexExprs {
  /** Per index column: its Var or expression, over entry `rt` (undefined past the expressions). */
  readonly keys: readonly Expr[];
  /** The predicate's top-level AND conjuncts, over entry `rt` (empty when not partial). */
  readonly predicate: readonly Expr[];
}

const analyzed = new WeakMap<IndexDesc, { keys: Expr[]; predicate: Expr[] }>();

/** The index's key expressions and predicate conjuncts over range-table entry `rt`. */
export function indexExprs(
  table: RelationDesc,
  index: IndexDesc,
  registry: Registry,
  rt: number,
): IndexExprs {
  let a = analyzed.get(index);
  if (a === undefined) {
    let e = 0;
    const keys = index.columns.map((attnum): Expr => {
      if (attnum !== 0) {
        const c = table.columns[attnum - 1];
        return { kind: 'var', rt: 0, attnum, type: c?.typeOid ?? 0, typmod: c?.typmod ?? -1 };
      }
      return analyzeStored(index.expressions?.[e++]?.text ?? '', table, registry);
    });
    const predicate =
      index.predicate === undefined
        ? []
        : conjuncts(analyzeStored(index.predicate, table, registry));
    a = { keys, predicate };
    analyzed.set(index, a);
  }
  if (rt === 0) return a;
  return {
    keys: a.keys.map((k) => withRt(k, rt)),
    predicate: a.predicate.map((k) => withRt(k, rt)),
  };
}

/** Whether every conjunct of `predicate` is implied by `clauses` (see the file comment). */
export function predicateImpliedBy(
  predicate: readonly Expr[],
  clauses: readonly Expr[],
  registry: Registry,
): boolean {
  const all = clauses.flatMap(conjuncts);
  return predicate.every((p) => all.some((c) => clauseImplies(c, p, registry)));
}

/** Whether clause `c` implies predicate conjunct `p`. */
export function clauseImplies(c: Expr, p: Expr, registry: Registry): boolean {
  if (sameExpr(c, p)) return true;
  if (p.kind === 'nulltest' && !p.isNull) {
    return (
      (c.kind === 'op' || c.kind === 'scalararrayop') &&
      c.fn.strict &&
      (c.kind === 'op' ? c.args : [c.scalar]).some((x) => sameExpr(x, p.arg))
    );
  }
  const pc = comparison(p);
  const cc = comparison(c);
  if (pc === undefined || cc === undefined) return false;
  if (!sameExpr(pc.x, cc.x) || pc.c.type !== cc.c.type) return false;
  if (pc.c.value === null || cc.c.value === null) return false;
  const t = registry.type(pc.c.type);
  if (t === undefined) return false;
  const cmp = t.compare(cc.c.value, pc.c.value); // clause constant vs predicate constant
  return implies(cc.op, pc.op, cmp);
}

type Op = '<' | '<=' | '=' | '>=' | '>';
const OPS: ReadonlySet<string> = new Set(['<', '<=', '=', '>=', '>']);
const COMMUTE: Readonly<Record<Op, Op>> = { '<': '>', '<=': '>=', '=': '=', '>=': '<=', '>': '<' };

/** `x op const` (either side), with op a B-tree comparison returning boolean. */
function comparison(e: Expr): { x: Expr; op: Op; c: Const } | undefined {
  if (e.kind !== 'op' || e.args.length !== 2 || !OPS.has(e.op.name) || e.type !== 16)
    return undefined;
  const [l, r] = e.args as [Expr, Expr];
  const op = e.op.name as Op;
  const lc = constOf(l);
  const rc = constOf(r);
  if (rc !== undefined && lc === undefined) return { x: l, op, c: rc };
  if (lc !== undefined && rc === undefined) return { x: r, op: COMMUTE[op], c: lc };
  return undefined;
}

function constOf(e: Expr): Const | undefined {
  if (e.kind === 'const') return e;
  return undefined;
}

/** `x a c1` implies `x b c2`, given cmp = compare(c1, c2) (predtest.c's BT_implic_table). */
function implies(a: Op, b: Op, cmp: number): boolean {
  switch (a) {
    case '=':
      return b === '='
        ? cmp === 0
        : b === '<'
          ? cmp < 0
          : b === '<='
            ? cmp <= 0
            : b === '>'
              ? cmp > 0
              : cmp >= 0;
    case '<':
      return (b === '<' || b === '<=') && cmp <= 0;
    case '<=':
      return (b === '<' && cmp < 0) || (b === '<=' && cmp <= 0);
    case '>':
      return (b === '>' || b === '>=') && cmp >= 0;
    case '>=':
      return (b === '>' && cmp > 0) || (b === '>=' && cmp >= 0);
  }
}

/** The top-level AND conjuncts of `e`. */
export function conjuncts(e: Expr): Expr[] {
  if (e.kind === 'bool' && e.op === 'and') return e.args.flatMap(conjuncts);
  return [e];
}

function withRt(e: Expr, rt: number): Expr {
  return remap(e, rt) as Expr;
}

function remap(v: unknown, rt: number): unknown {
  if (Array.isArray(v)) return v.map((x) => remap(x, rt));
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if (o.kind === 'var' && (o.levelsUp === undefined || o.levelsUp === 0)) return { ...o, rt };
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o))
    out[k] = k === 'fn' || k === 'op' || k === 'cast' || k === 'value' ? x : remap(x, rt);
  return out;
}

/** A stored index expression or predicate (SQL text over the table's columns) analyzed. */
function analyzeStored(text: string, table: RelationDesc, registry: Registry): Expr {
  const [stmt] = parse(`SELECT ${text}`);
  const node = stmt?.node?.SelectStmt?.targetList?.[0]?.ResTarget?.val;
  if (!stmt || !node) throw new SqlError('XX000', `invalid index expression "${text}"`);
  const view: CatalogView = {
    registry,
    searchPath: ['pg_catalog'],
    lookupRelation: () => undefined,
    currentUser: '',
    currentDatabase: '',
  };
  return analyzeExpression(node, view, { relation: table, source: stmt.source });
}
