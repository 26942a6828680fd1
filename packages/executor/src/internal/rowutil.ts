/**
 * Small pieces the plan nodes share: generator-backed nodes, row equality
 * and hashing by the columns' types, sort comparators, and the memory
 * estimate work_mem is checked against.
 */
import type { SortKey } from '@pg/planner';
import type { Expr } from '@pg/sql';
import { type Registry, SqlError } from '@pg/types';
import type { EvalEnv } from './context.js';
import type { Compiled } from './expr.js';
import { compileBound, type ExecNode } from './node.js';

export const NO_ROW: readonly unknown[] = [];

/**
 * A node whose rows come from a generator: `make()` is called at the
 * first `next()` and again after each `rescan()`; `onClose` releases what
 * the node holds.
 */
export function genNode(
  make: () => Iterator<unknown[], unknown>,
  hooks: { rescan?: () => void; close?: () => void } = {},
): ExecNode {
  let it: Iterator<unknown[], unknown> | undefined;
  let closed = false;
  return {
    next() {
      if (it === undefined) it = make();
      const r = it.next();
      return r.done === true ? undefined : r.value;
    },
    rescan() {
      if (it !== undefined) it.return?.();
      it = undefined;
      hooks.rescan?.();
    },
    close() {
      if (closed) return;
      closed = true;
      if (it !== undefined) it.return?.();
      it = undefined;
      hooks.close?.();
    },
  };
}

/** The rows of `node` from where it is (for `for ... of`). */
export function* rowsOf(node: ExecNode): Generator<unknown[]> {
  for (let r = node.next(); r !== undefined; r = node.next()) yield r;
}

/** True when `output` is exactly `inputs` (the node can pass rows through unchanged). */
export function isIdentity(output: readonly Expr[], inputs: readonly Expr[]): boolean {
  if (output.length !== inputs.length) return false;
  for (let i = 0; i < output.length; i++) {
    const o = output[i]!;
    const n = inputs[i]!;
    if (o === n) continue;
    if (JSON.stringify(o, skipDefs) !== JSON.stringify(n, skipDefs)) return false;
  }
  return true;
}

function skipDefs(k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if ((k === 'fn' || k === 'op' || k === 'cast') && v !== null && typeof v === 'object') {
    return (v as { oid?: number }).oid ?? v;
  }
  return v;
}

/** A projection of `output` over rows shaped like `inputs` (undefined: pass through). */
export function compileProjection(
  output: readonly Expr[],
  inputs: readonly Expr[],
  registry: Registry,
): ((row: readonly unknown[], env: EvalEnv) => unknown[]) | undefined {
  if (isIdentity(output, inputs)) return undefined;
  const cols = output.map((e) => compileBound(e, inputs, registry));
  // a plain column-prefix projection: slice
  const n = cols.length;
  return (row, env) => {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = cols[i]!(row, env);
    return out;
  };
}

/** A condition bound to `inputs` (undefined expr: always true). */
export function compileBoundQual(
  expr: Expr | undefined,
  inputs: readonly Expr[],
  registry: Registry,
): ((row: readonly unknown[], env: EvalEnv) => boolean) | undefined {
  if (expr === undefined) return undefined;
  const c = compileBound(expr, inputs, registry);
  return (row, env) => c(row, env) === true;
}

// ---------------------------------------------------------------- ordering

export interface CompiledSortKey {
  readonly value: Compiled;
  readonly compare: (a: unknown, b: unknown) => number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

export function compileSortKeys(
  keys: readonly SortKey[],
  inputs: readonly Expr[],
  registry: Registry,
): CompiledSortKey[] {
  return keys.map((k) => ({
    value: compileBound(k.expr, inputs, registry),
    compare: registry.mustType(k.expr.type).compare,
    descending: k.descending,
    nullsFirst: k.nullsFirst,
  }));
}

/** Compares two key tuples by `keys` (NULLs placed by nullsFirst, DESC reverses the rest). */
export function compareKeyValues(
  keys: readonly CompiledSortKey[],
  a: readonly unknown[],
  b: readonly unknown[],
): number {
  for (let i = 0; i < keys.length; i++) {
    const x = a[i];
    const y = b[i];
    const k = keys[i]!;
    if (x === null || y === null) {
      if (x === y) continue;
      return (x === null) === k.nullsFirst ? -1 : 1;
    }
    let c = k.compare(x, y);
    if (c !== 0) {
      if (k.descending) c = -c;
      return c < 0 ? -1 : 1;
    }
  }
  return 0;
}

export function keyValues(
  keys: readonly CompiledSortKey[],
  row: readonly unknown[],
  env: EvalEnv,
): unknown[] {
  const out = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = keys[i]!.value(row, env);
  return out;
}

// ---------------------------------------------------------------- row sets

/** Equality and hashing of whole rows (or key tuples) by their columns' types; NULL equals NULL. */
export class RowKeyOps {
  readonly #compare: ((a: unknown, b: unknown) => number)[];
  readonly #hash: ((v: unknown) => number)[];

  constructor(types: readonly number[], registry: Registry) {
    this.#compare = types.map((t) => registry.mustType(t).compare);
    this.#hash = types.map((t) => {
      const ty = registry.mustType(t);
      return (v: unknown) => ty.hash(v);
    });
  }

  hash(row: readonly unknown[]): number {
    let h = 0;
    for (let i = 0; i < this.#hash.length; i++) {
      const v = row[i];
      const x = v === null || v === undefined ? 0x5bd1e995 : this.#hash[i]!(v);
      h = (Math.imul(h, 31) + x) | 0;
    }
    return h;
  }

  equal(a: readonly unknown[], b: readonly unknown[]): boolean {
    for (let i = 0; i < this.#compare.length; i++) {
      const x = a[i] ?? null;
      const y = b[i] ?? null;
      if (x === null || y === null) {
        if (x !== y) return false;
        continue;
      }
      if (this.#compare[i]!(x, y) !== 0) return false;
    }
    return true;
  }
}

/** A hash map from rows (compared by RowKeyOps) to values. */
export class RowMap<V> {
  readonly #buckets = new Map<number, { key: readonly unknown[]; value: V }[]>();
  #size = 0;
  constructor(readonly ops: RowKeyOps) {}

  get size(): number {
    return this.#size;
  }

  get(key: readonly unknown[]): V | undefined {
    const b = this.#buckets.get(this.ops.hash(key));
    if (b === undefined) return undefined;
    for (const e of b) if (this.ops.equal(e.key, key)) return e.value;
    return undefined;
  }

  set(key: readonly unknown[], value: V): void {
    const h = this.ops.hash(key);
    let b = this.#buckets.get(h);
    if (b === undefined) {
      b = [];
      this.#buckets.set(h, b);
    }
    for (const e of b) {
      if (this.ops.equal(e.key, key)) {
        e.value = value;
        return;
      }
    }
    b.push({ key, value });
    this.#size++;
  }

  clear(): void {
    this.#buckets.clear();
    this.#size = 0;
  }
}

// ---------------------------------------------------------------- memory

/** An estimate of the bytes a row takes in memory (what work_mem is checked against). */
export function rowBytes(row: readonly unknown[]): number {
  let n = 24 + 8 * row.length;
  for (let i = 0; i < row.length; i++) n += valueBytes(row[i], 0);
  return n;
}

function valueBytes(v: unknown, depth: number): number {
  switch (typeof v) {
    case 'number':
    case 'boolean':
    case 'undefined':
      return 0;
    case 'bigint':
      return 16;
    case 'string':
      return 16 + v.length;
    case 'object': {
      if (v === null) return 0;
      if (v instanceof Uint8Array) return 32 + v.length;
      if (depth > 4) return 32;
      let n = 32;
      if (Array.isArray(v)) {
        for (const e of v) n += 8 + valueBytes(e, depth + 1);
        return n;
      }
      for (const k in v) n += 8 + valueBytes((v as Record<string, unknown>)[k], depth + 1);
      return n;
    }
    default:
      return 16;
  }
}

/** LIMIT / OFFSET as a count (null: none), with PostgreSQL's errors for negative values. */
export function countOf(v: unknown, what: 'LIMIT' | 'OFFSET'): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
  if (n < 0n) {
    throw new SqlError(what === 'LIMIT' ? '2201W' : '2201X', `${what} must not be negative`);
  }
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}

/** The ExecParam ids an expression tree (or plan subtree) reads, SubPlans' plans included. */
export function execParamsOf(
  root: unknown,
  subplans: readonly unknown[],
  seen: Set<number> = new Set(),
  visitedPlans: Set<number> = new Set(),
): Set<number> {
  const walk = (x: unknown): void => {
    if (x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const e of x) walk(e);
      return;
    }
    const o = x as Record<string, unknown>;
    if (o.kind === 'execparam' && typeof o.id === 'number') seen.add(o.id);
    // a work table changes at every iteration of its RecursiveUnion: a negative id, never equal
    if (o.kind === 'worktablescan' && typeof o.worktable === 'number') seen.add(-1 - o.worktable);
    if (o.kind === 'subplan' && typeof o.plan === 'number') {
      walk(o.args);
      walk(o.testExpr);
      if (!visitedPlans.has(o.plan)) {
        visitedPlans.add(o.plan);
        const inner = new Set<number>();
        execParamsOf(subplans[o.plan], subplans, inner, visitedPlans);
        const own = new Set(o.params as number[]);
        for (const id of inner) if (!own.has(id)) seen.add(id);
      }
      return;
    }
    for (const k in o) {
      if (k === 'fn' || k === 'op' || k === 'cast') continue;
      walk(o[k]);
    }
  };
  walk(root);
  return seen;
}
