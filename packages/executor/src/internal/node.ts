/**
 * The run-time shape of a plan node (PostgreSQL's PlanState) and how a
 * node's expressions are bound to its input rows (the plan tree's rule R2,
 * see @pg/planner's plan.ts).
 *
 * A node is pulled: `next()` returns the next row (an array, one value per
 * `output` column) or undefined at the end; `rescan()` starts it over (a
 * nested loop's inner side, after its ExecParams changed). Rows a node
 * returns may be reused by it after the next call, so a consumer that
 * keeps a row (a sort, a hash table) keeps it as returned and the node
 * must not change it: nodes build a new array per row.
 */
import type { NodeInstrumentation, PlanNode } from '@pg/planner';
import type { Expr } from '@pg/sql';
import type { Registry } from '@pg/types';
import type { EvalEnv, ExecContext } from './context.js';
import { type Compiled, compileExpr } from './expr.js';

/** What every node of one execution shares. */
export interface NodeContext {
  readonly registry: Registry;
  /** The evaluation environment; `execParams` holds the ExecParams' current values. */
  readonly env: EvalEnv & { readonly execParams: unknown[] };
  /** The statement's session context (snapshots, relations, locks). */
  readonly exec: ExecContext;
  /** work_mem in kB: a sort or hash past it spills to temporary files. */
  readonly workMemKb: number;
  /** Where temporary files go (the data directory's base/pgsql_tmp, or the OS temp directory). */
  readonly tempDir: string;
  /** Throws 57014 when the statement was canceled or statement_timeout passed; call between batches. */
  checkInterrupts(): void;
  /** EXPLAIN ANALYZE: per-node counters to fill (absent when not instrumenting). */
  readonly instrumentation?: Map<PlanNode, NodeInstrumentation>;
}

/** A running plan node. */
export interface ExecNode {
  /** The next row, or undefined when there are no more. */
  next(): unknown[] | undefined;
  /** Starts over (re-evaluating ExecParams the node depends on). */
  rescan(): void;
  /** Releases what the node holds (temporary files, hash tables). Idempotent. */
  close(): void;
}

/**
 * Rewrites `expr` so it reads the row of a node whose input columns are
 * `inputs` (R2): every sub-expression structurally equal to `inputs[k]`
 * becomes a column reference to k (a Var with rt -1 and attnum k + 1,
 * which compileExpr reads as `row[k]`). Matching is top-down, so a whole
 * group expression `a + b` matches before its Vars are looked at.
 * Throws XX000 for a Var that matches no input column.
 */
export function bindToInput(expr: Expr, inputs: readonly Expr[]): Expr {
  const index = new Map<string, number>();
  inputs.forEach((e, k) => {
    const key = exprKey(e);
    if (!index.has(key)) index.set(key, k);
  });
  return bind(expr, index);
}

/**
 * `bindToInput` then compile. Memoized: a cached plan's expressions are
 * compiled once, not at every execution — the entry of `expr` (by
 * identity) is reused when `inputs` holds the same expressions (by
 * identity, element by element) and the registry is the same. Compiled
 * expressions keep no per-execution state (that lives in the EvalEnv).
 */
export function compileBound(expr: Expr, inputs: readonly Expr[], registry: Registry): Compiled {
  let byExpr = boundCache.get(registry);
  if (byExpr === undefined) {
    byExpr = new WeakMap();
    boundCache.set(registry, byExpr);
  }
  const entries = byExpr.get(expr);
  if (entries !== undefined) {
    for (const e of entries) if (sameExprs(e.inputs, inputs)) return e.compiled;
  }
  const compiled = compileExpr(bindToInput(expr, inputs), registry);
  const entry = { inputs: [...inputs], compiled };
  if (entries === undefined) byExpr.set(expr, [entry]);
  else if (entries.length < 8) entries.push(entry);
  return compiled;
}

const boundCache = new WeakMap<
  Registry,
  WeakMap<Expr, { readonly inputs: readonly Expr[]; readonly compiled: Compiled }[]>
>();

/** Same length and the same expression objects at every position. */
export function sameExprs(a: readonly Expr[], b: readonly Expr[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A structural key of an expression (functions and operators by OID, constants by value). */
export function exprKey(e: Expr): string {
  return JSON.stringify(e, keyReplacer);
}

function keyReplacer(k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return undefined;
  // a function or operator definition is identified by its OID, not its contents
  if ((k === 'fn' || k === 'op' || k === 'cast') && v !== null && typeof v === 'object') {
    return (v as { oid?: number }).oid ?? v;
  }
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v).toString('hex')}`;
  return v;
}

function bind(e: Expr, index: ReadonlyMap<string, number>): Expr {
  const k = index.get(exprKey(e));
  if (k !== undefined)
    return { kind: 'var', rt: -1, attnum: k + 1, type: e.type, typmod: e.typmod };
  switch (e.kind) {
    case 'var':
      if (e.rt === -1) return e;
      throw new Error(
        `plan error: Var ${e.rt}.${e.attnum}${e.levelsUp ? ` (${e.levelsUp} up)` : ''} is not an input column`,
      );
    case 'const':
    case 'param':
    case 'sqlvalue':
    case 'execparam':
    case 'sublinkparam':
      return e;
    default:
      return mapChildren(e, (c) => bind(c, index));
  }
}

/** `e` with each direct sub-expression replaced by `f(child)` (same shape otherwise). */
export function mapChildren(e: Expr, f: (child: Expr) => Expr): Expr {
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
    case 'sublink':
      return e;
    case 'subplan':
      // testExpr is evaluated over this node's row too; its SubLinkParams read the sub-SELECT's row
      return e.testExpr === undefined
        ? { ...e, args: e.args.map(f) }
        : { ...e, args: e.args.map(f), testExpr: f(e.testExpr) };
    case 'nulltest':
    case 'booltest':
    case 'coerce':
      return { ...e, arg: f(e.arg) } as Expr;
    case 'case':
      return {
        ...e,
        // biome-ignore lint/suspicious/noThenProperty: CaseExpr's shape names the result `then`
        whens: e.whens.map((w) => ({ when: f(w.when), then: f(w.then) })),
        otherwise: f(e.otherwise),
      };
    case 'scalararrayop':
      return { ...e, scalar: f(e.scalar), array: f(e.array) };
    case 'array':
      return { ...e, elements: e.elements.map(f) };
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
    case 'nullif': {
      const eq = f(e.eq);
      if (eq.kind !== 'op') throw new Error('plan error: NULLIF comparison bound to a column');
      return { ...e, args: [f(e.args[0]), f(e.args[1])], eq };
    }
    case 'distinct':
      return { ...e, args: [f(e.args[0]), f(e.args[1])] };
    default:
      return { ...e, args: e.args.map(f) } as Expr;
  }
}
