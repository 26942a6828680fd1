/** Expression helpers: walking, rewriting, structural keys, conjunctions. */
import type { Expr, Var } from '@pg/sql';

export const BOOL = 16;

/** A structural key, as the executor's bindToInput computes it (functions and operators by content, not identity). */
export function exprKey(e: Expr): string {
  let k = keys.get(e);
  if (k === undefined) {
    k = JSON.stringify(e, keyReplacer);
    keys.set(e, k);
  }
  return k;
}

/** Expressions are never changed once built, so each one's key is computed once. */
const keys = new WeakMap<Expr, string>();

function keyReplacer(k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return undefined;
  if ((k === 'fn' || k === 'op' || k === 'cast') && v !== null && typeof v === 'object') {
    return (v as { oid?: number }).oid ?? v;
  }
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v).toString('hex')}`;
  return v;
}

/** A Var in the planner's canonical shape (the one every node's output uses). */
export function mkVar(rt: number, attnum: number, type: number, typmod: number): Var {
  return { kind: 'var', rt, attnum, type, typmod };
}

/** The direct sub-expressions evaluated in the same row (a SubPlan's args, not its testExpr). */
export function children(e: Expr): readonly Expr[] {
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
      return [];
    case 'sublink':
      return e.testExpr === undefined ? [] : [e.testExpr];
    case 'subplan':
      return e.args;
    case 'nulltest':
    case 'booltest':
    case 'coerce':
      return [e.arg];
    case 'case':
      return [...e.whens.flatMap((w) => [w.when, w.then]), e.otherwise];
    case 'scalararrayop':
      return [e.scalar, e.array];
    case 'array':
      return e.elements;
    case 'rowcompare':
      return [...e.left, ...e.right];
    case 'fieldselect':
      return [e.arg];
    case 'subscript':
      return [e.arg, ...[...e.upper, ...(e.lower ?? [])].filter((x) => x !== undefined)];
    case 'nullif':
      return [e.args[0], e.args[1]];
    case 'distinct':
      return [e.args[0], e.args[1]];
    default:
      return e.args;
  }
}

/** `e` with each direct sub-expression replaced by `f(child)` (sublinks and subplans keep their inner parts). */
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
      return e;
    case 'sublink':
      return e.testExpr === undefined ? e : { ...e, testExpr: f(e.testExpr) };
    case 'subplan':
      return { ...e, args: e.args.map(f) };
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
      return { ...e, args: [f(e.args[0]), f(e.args[1])], eq: eq.kind === 'op' ? eq : e.eq };
    }
    case 'distinct':
      return { ...e, args: [f(e.args[0]), f(e.args[1])] };
    default:
      return { ...e, args: e.args.map(f) } as Expr;
  }
}

/** Visits `e` and its sub-expressions of the same row, pre-order; stop descending when `f` returns false. */
export function walk(e: Expr, f: (e: Expr) => boolean | undefined): void {
  if (f(e) === false) return;
  for (const c of children(e)) walk(c, f);
}

/** The range-table indexes of this level's Vars in `e`. */
export function relidsOf(e: Expr): ReadonlySet<number> {
  let r = relids.get(e);
  if (r === undefined) {
    r = collectRelids(e, new Set());
    relids.set(e, r);
  }
  return r;
}

const relids = new WeakMap<Expr, Set<number>>();

function collectRelids(e: Expr, into: Set<number>): Set<number> {
  walk(e, (x) => {
    if (x.kind === 'var' && !x.levelsUp) into.add(x.rt);
    return true;
  });
  return into;
}

/** This level's Vars in `e`. */
export function varsOf(e: Expr, into: Var[] = []): Var[] {
  walk(e, (x) => {
    if (x.kind === 'var' && !x.levelsUp) into.push(x);
    return true;
  });
  return into;
}

export function contains(e: Expr, pred: (e: Expr) => boolean): boolean {
  let found = false;
  walk(e, (x) => {
    if (found) return false;
    if (pred(x)) found = true;
    return !found;
  });
  return found;
}

/** The conjuncts of a condition (nested ANDs flattened). */
export function flattenAnd(e: Expr | undefined): Expr[] {
  if (e === undefined) return [];
  if (e.kind === 'bool' && e.op === 'and') return e.args.flatMap(flattenAnd);
  return [e];
}

export function andOf(conjuncts: readonly Expr[]): Expr | undefined {
  if (conjuncts.length === 0) return undefined;
  if (conjuncts.length === 1) return conjuncts[0];
  return { kind: 'bool', op: 'and', args: conjuncts, type: BOOL, typmod: -1 };
}

/** Volatile functions anywhere (sub-SELECTs included). */
export function isVolatile(e: Expr): boolean {
  return contains(
    e,
    (x) =>
      ((x.kind === 'func' || x.kind === 'op') && x.fn.volatility === 'v') ||
      (x.kind === 'scalararrayop' && x.fn.volatility === 'v'),
  );
}

/** A set-returning function call (outside sub-SELECTs). */
export function hasSrf(e: Expr): boolean {
  return contains(e, (x) => x.kind === 'func' && x.fn.retset === true);
}

export const isSetEqual = (a: ReadonlySet<number>, b: ReadonlySet<number>) =>
  a.size === b.size && [...a].every((x) => b.has(x));
export const isSubset = (a: ReadonlySet<number>, b: ReadonlySet<number>) =>
  [...a].every((x) => b.has(x));
export const overlaps = (a: ReadonlySet<number>, b: ReadonlySet<number>) =>
  [...a].some((x) => b.has(x));
