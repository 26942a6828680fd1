/**
 * Function and operator resolution (parse_func.c func_get_detail,
 * func_match_argtypes, func_select_candidate; parse_oper.c oper,
 * binary_oper_exact, oper_select_candidate).
 */
import { type FunctionDef, type OperatorDef, type Registry, TypeOid } from '@pg/types';
import {
  bindPolymorphic,
  canCoerce,
  isPolymorphic,
  isPreferredType,
  type PolyBinding,
  typeCategory,
  UNKNOWN,
} from './coerce.js';

interface Indexes {
  readonly functions: Map<string, FunctionDef[]>;
  readonly operators: Map<string, OperatorDef[]>;
}

const cache = new WeakMap<Registry, Indexes>();

function indexes(registry: Registry): Indexes {
  let ix = cache.get(registry);
  if (!ix) {
    const functions = new Map<string, FunctionDef[]>();
    for (const f of registry.functions()) {
      const list = functions.get(f.name);
      if (list) list.push(f);
      else functions.set(f.name, [f]);
    }
    const operators = new Map<string, OperatorDef[]>();
    for (const o of registry.operators()) {
      const list = operators.get(o.name);
      if (list) list.push(o);
      else operators.set(o.name, [o]);
    }
    ix = { functions, operators };
    cache.set(registry, ix);
  }
  return ix;
}

/** Whether any function of this name exists (for the error when the aggregate/function is unknown). */
export function functionNameExists(registry: Registry, name: string): boolean {
  return indexes(registry).functions.has(name);
}

/** A candidate: the declared argument types after variadic expansion. */
interface Candidate<T> {
  readonly def: T;
  readonly args: readonly number[];
}

/** What resolution found. */
export type Resolution<T> =
  | {
      readonly kind: 'found';
      readonly def: T;
      readonly args: readonly number[];
      readonly binding: PolyBinding;
    }
  | { readonly kind: 'none' }
  | { readonly kind: 'ambiguous' };

function matches(registry: Registry, input: readonly number[], declared: readonly number[]) {
  for (let i = 0; i < input.length; i++) {
    if (!canCoerce(registry, input[i]!, declared[i]!, 'i')) return undefined;
  }
  return declared.some(isPolymorphic) ? bindPolymorphic(registry, input, declared) : NO_BINDING;
}

const NO_BINDING: PolyBinding = { elem: 0, compatible: 0 };

/** func_get_detail's search among candidates of the right arity. */
function resolve<T>(
  registry: Registry,
  candidates: readonly Candidate<T>[],
  input: readonly number[],
): Resolution<T> {
  // 1. An exact match.
  for (const c of candidates) {
    if (c.args.every((t, i) => t === input[i])) {
      return { kind: 'found', def: c.def, args: c.args, binding: NO_BINDING };
    }
  }
  // 2. Candidates reachable through implicit coercions.
  const ok: { c: Candidate<T>; binding: PolyBinding }[] = [];
  for (const c of candidates) {
    const binding = matches(registry, input, c.args);
    if (binding) ok.push({ c, binding });
  }
  if (ok.length === 0) return { kind: 'none' };
  if (ok.length === 1)
    return { kind: 'found', def: ok[0]!.c.def, args: ok[0]!.c.args, binding: ok[0]!.binding };
  const chosen = selectCandidate(
    registry,
    input,
    ok.map((o) => o.c),
  );
  if (!chosen) return { kind: 'ambiguous' };
  const binding = ok.find((o) => o.c === chosen)!.binding;
  return { kind: 'found', def: chosen.def, args: chosen.args, binding };
}

/** func_select_candidate: PostgreSQL's heuristics among several candidates. */
function selectCandidate<T>(
  registry: Registry,
  input: readonly number[],
  all: readonly Candidate<T>[],
): Candidate<T> | undefined {
  const n = input.length;
  const keepBest = (list: readonly Candidate<T>[], score: (c: Candidate<T>) => number) => {
    let best = -1;
    let out: Candidate<T>[] = [];
    for (const c of list) {
      const s = score(c);
      if (s > best) {
        best = s;
        out = [c];
      } else if (s === best) out.push(c);
    }
    return out;
  };
  // Most exact matches on known inputs.
  let list = keepBest(all, (c) => {
    let m = 0;
    for (let i = 0; i < n; i++) if (input[i] !== UNKNOWN && c.args[i] === input[i]) m++;
    return m;
  });
  if (list.length === 1) return list[0];
  // Most exact-or-preferred matches where coercion is needed.
  const slotCategory = input.map((t) => typeCategory(registry, t));
  list = keepBest(list, (c) => {
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (
        input[i] !== UNKNOWN &&
        (c.args[i] === input[i] || isPreferredType(registry, slotCategory[i]!, c.args[i]!))
      ) {
        m++;
      }
    }
    return m;
  });
  if (list.length === 1) return list[0];
  // Resolve unknown inputs by category: STRING wins, else one category must be shared.
  const nunknowns = input.filter((t) => t === UNKNOWN).length;
  if (nunknowns === 0) return undefined;
  let resolvedUnknowns = false;
  const cat: string[] = [];
  const hasPreferred: boolean[] = [];
  for (let i = 0; i < n; i++) {
    if (input[i] !== UNKNOWN) continue;
    resolvedUnknowns = true;
    let slot = '';
    let pref = false;
    let conflict = false;
    for (const c of list) {
      const t = c.args[i]!;
      const ccat = typeCategory(registry, t);
      const cpref = isPreferredType(registry, ccat, t);
      if (slot === '') {
        slot = ccat;
        pref = cpref;
      } else if (ccat === slot) {
        pref ||= cpref;
      } else if (ccat === 'S') {
        slot = ccat;
        pref = cpref;
      } else {
        conflict = true;
      }
    }
    cat[i] = slot;
    hasPreferred[i] = pref;
    if (conflict && slot !== 'S') {
      resolvedUnknowns = false;
      break;
    }
  }
  if (resolvedUnknowns) {
    const kept = list.filter((c) => {
      for (let i = 0; i < n; i++) {
        if (input[i] !== UNKNOWN) continue;
        const t = c.args[i]!;
        const ccat = typeCategory(registry, t);
        if (ccat !== cat[i]) return false;
        if (hasPreferred[i] && !isPreferredType(registry, ccat, t)) return false;
      }
      return true;
    });
    if (kept.length > 0) list = kept;
    if (list.length === 1) return list[0];
  }
  // Last gasp: all known inputs of one type, assume the unknowns are that type too.
  if (nunknowns < n) {
    let known = UNKNOWN as number;
    for (const t of input) {
      if (t === UNKNOWN) continue;
      if (known === UNKNOWN) known = t;
      else if (known !== t) {
        known = UNKNOWN;
        break;
      }
    }
    if (known !== UNKNOWN) {
      const same = input.map(() => known);
      const fits = list.filter((c) => matches(registry, same, c.args) !== undefined);
      if (fits.length === 1) return fits[0];
    }
  }
  return undefined;
}

/** Resolution among candidates the caller lists (the built-in aggregates). */
export function resolveAmong<T>(
  registry: Registry,
  candidates: readonly { readonly def: T; readonly args: readonly number[] }[],
  input: readonly number[],
): Resolution<T> {
  return resolve(registry, candidates, input);
}

/** Resolves `name(args)` among the registry's functions (set-returning ones only when allowed). */
export function resolveFunction(
  registry: Registry,
  name: string,
  input: readonly number[],
  allowRetset = false,
): Resolution<FunctionDef> {
  const defs = indexes(registry).functions.get(name) ?? [];
  const n = input.length;
  const candidates: Candidate<FunctionDef>[] = [];
  for (const f of defs) {
    if (f.retset && !allowRetset) continue;
    if (f.args.length === n && f.variadic === undefined) candidates.push({ def: f, args: f.args });
    else if (f.variadic !== undefined && n >= f.args.length - 1) {
      const fixed = f.args.slice(0, -1);
      const elem = f.variadic === TypeOid.any ? TypeOid.any : f.variadic;
      candidates.push({ def: f, args: [...fixed, ...Array(n - fixed.length).fill(elem)] });
    }
  }
  return resolve(registry, candidates, input);
}

/** Resolves a binary (`left` given) or prefix (`left` 0) operator. */
export function resolveOperator(
  registry: Registry,
  name: string,
  left: number,
  right: number,
): Resolution<OperatorDef> {
  const defs = (indexes(registry).operators.get(name) ?? []).filter((o) =>
    left === 0 ? o.left === 0 : o.left !== 0,
  );
  // binary_oper_exact: an unknown side is assumed to be the other side's type.
  if (left !== 0) {
    const l = left === UNKNOWN ? right : left;
    const r = right === UNKNOWN ? left : right;
    if (l !== UNKNOWN && r !== UNKNOWN) {
      const exact = defs.find((o) => o.left === l && o.right === r);
      if (exact) return { kind: 'found', def: exact, args: [l, r], binding: NO_BINDING };
    }
  }
  const candidates = defs.map((o) => ({
    def: o,
    args: left === 0 ? [o.right] : [o.left, o.right],
  }));
  return resolve(registry, candidates, left === 0 ? [right] : [left, right]);
}
