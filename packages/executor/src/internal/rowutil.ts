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
import { compileBound, type ExecNode, sameExprs } from './node.js';

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

type Projection = (row: readonly unknown[], env: EvalEnv) => unknown[];

/**
 * Per-plan memo of what `compute` derives from (`key`, `inputs`, registry):
 * `key` by identity, `inputs` element by element (a join's inputs are a
 * new array of the same expressions at every execution).
 */
function memo<K extends object, V>(
  cache: WeakMap<Registry, WeakMap<K, { inputs: readonly Expr[]; value: V }[]>>,
  registry: Registry,
  key: K,
  inputs: readonly Expr[],
  compute: () => V,
): V {
  let byKey = cache.get(registry);
  if (byKey === undefined) {
    byKey = new WeakMap();
    cache.set(registry, byKey);
  }
  const entries = byKey.get(key);
  if (entries !== undefined) {
    for (const e of entries) if (sameExprs(e.inputs, inputs)) return e.value;
  }
  const value = compute();
  const entry = { inputs: [...inputs], value };
  if (entries === undefined) byKey.set(key, [entry]);
  else if (entries.length < 8) entries.push(entry);
  return value;
}

const projections = new WeakMap<
  Registry,
  WeakMap<readonly Expr[], { inputs: readonly Expr[]; value: Projection | undefined }[]>
>();

/** A projection of `output` over rows shaped like `inputs` (undefined: pass through). */
export function compileProjection(
  output: readonly Expr[],
  inputs: readonly Expr[],
  registry: Registry,
): Projection | undefined {
  return memo(projections, registry, output, inputs, () =>
    makeProjection(output, inputs, registry),
  );
}

function makeProjection(
  output: readonly Expr[],
  inputs: readonly Expr[],
  registry: Registry,
): Projection | undefined {
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
  return memo(quals, registry, expr, inputs, () => {
    const c = compileBound(expr, inputs, registry);
    return (row: readonly unknown[], env: EvalEnv) => c(row, env) === true;
  });
}

const quals = new WeakMap<
  Registry,
  WeakMap<
    Expr,
    { inputs: readonly Expr[]; value: (row: readonly unknown[], env: EvalEnv) => boolean }[]
  >
>();

// ---------------------------------------------------------------- ordering

export interface CompiledSortKey {
  readonly value: Compiled;
  readonly compare: (a: unknown, b: unknown) => number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
  /** int2, int4, int8: values compared with `<` (numbers, or bigints for int8). */
  readonly integer?: boolean;
}

/** The integer types, whose JavaScript values order as the type does. */
const INTEGER_TYPES: ReadonlySet<number> = new Set([21, 23, 20]);

export function compileSortKeys(
  keys: readonly SortKey[],
  inputs: readonly Expr[],
  registry: Registry,
): CompiledSortKey[] {
  return memo(sortKeys, registry, keys, inputs, () => makeSortKeys(keys, inputs, registry));
}

const sortKeys = new WeakMap<
  Registry,
  WeakMap<readonly SortKey[], { inputs: readonly Expr[]; value: CompiledSortKey[] }[]>
>();

function makeSortKeys(
  keys: readonly SortKey[],
  inputs: readonly Expr[],
  registry: Registry,
): CompiledSortKey[] {
  return keys.map((k) => ({
    value: compileBound(k.expr, inputs, registry),
    compare: registry.mustType(k.expr.type).compare,
    descending: k.descending,
    nullsFirst: k.nullsFirst,
    ...(INTEGER_TYPES.has(k.expr.type) ? { integer: true } : {}),
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

/**
 * compareKeyValues(keys, a, b) as one closure, unrolled for one and two
 * keys (the common sorts): the hot comparator of Sort and WindowAgg.
 */
export function keyComparator(
  keys: readonly CompiledSortKey[],
): (a: readonly unknown[], b: readonly unknown[]) => number {
  const one = (k: CompiledSortKey) => {
    const compare = k.compare;
    const desc = k.descending;
    const nullLow = k.nullsFirst ? -1 : 1;
    if (k.integer === true) {
      // numbers (bigints for int8) order by `<` as the type does
      const lt = desc ? 1 : -1;
      return (x: unknown, y: unknown): number => {
        if (x === null || y === null) return x === y ? 0 : x === null ? nullLow : -nullLow;
        return (x as number) < (y as number) ? lt : (x as number) > (y as number) ? -lt : 0;
      };
    }
    return (x: unknown, y: unknown): number => {
      if (x === null || y === null) return x === y ? 0 : x === null ? nullLow : -nullLow;
      const c = compare(x, y);
      if (c === 0) return 0;
      return c < 0 !== desc ? -1 : 1;
    };
  };
  if (keys.length === 1) {
    const c0 = one(keys[0]!);
    return (a, b) => c0(a[0], b[0]);
  }
  if (keys.length === 2) {
    const c0 = one(keys[0]!);
    const c1 = one(keys[1]!);
    return (a, b) => c0(a[0], b[0]) || c1(a[1], b[1]);
  }
  return (a, b) => compareKeyValues(keys, a, b);
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

/** text, varchar, name: equal exactly when the strings are (code-point comparison). */
const STRING_EQUALITY_TYPES: ReadonlySet<number> = new Set([25, 1043, 19]);

/** FNV-1a over a string's UTF-16 code units. */
function hashString(v: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < v.length; i++) h = Math.imul(h ^ v.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * The hash a hash table of the executor uses for a (non-NULL) value of
 * `typeOid`: the type's own hash, except for the types whose equality is
 * string equality, hashed from the JavaScript string directly (the type's
 * hash encodes UTF-8 first). Only consistency with equality matters here:
 * these hashes never leave one execution.
 */
export function valueHasher(typeOid: number, registry: Registry): (v: unknown) => number {
  if (STRING_EQUALITY_TYPES.has(typeOid)) {
    const ty = registry.mustType(typeOid);
    return (v) => (typeof v === 'string' ? hashString(v) : ty.hash(v));
  }
  const ty = registry.mustType(typeOid);
  return (v) => ty.hash(v);
}

/** Equality and hashing of whole rows (or key tuples) by their columns' types; NULL equals NULL. */
export class RowKeyOps {
  readonly #compare: ((a: unknown, b: unknown) => number)[];
  readonly #hash: ((v: unknown) => number)[];

  constructor(types: readonly number[], registry: Registry) {
    this.#compare = types.map((t) => registry.mustType(t).compare);
    this.#hash = types.map((t) => valueHasher(t, registry));
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

// ---------------------------------------------------------------- per-plan memo

const planMemos = new WeakMap<Registry, WeakMap<object, Map<string, unknown>>>();

/**
 * What `compute` derives from a plan node (or another part of a cached
 * plan, `key`) and the registry alone, computed at its first execution
 * and reused by the next ones; `tag` names the derived thing.
 */
export function planMemo<T>(registry: Registry, key: object, tag: string, compute: () => T): T {
  let byKey = planMemos.get(registry);
  if (byKey === undefined) {
    byKey = new WeakMap();
    planMemos.set(registry, byKey);
  }
  let m = byKey.get(key);
  if (m === undefined) {
    m = new Map();
    byKey.set(key, m);
  }
  if (m.has(tag)) return m.get(tag) as T;
  const v = compute();
  m.set(tag, v);
  return v;
}
