/**
 * The functions of the OID alias types that the @pg/types registry does
 * not hold (to_regclass, to_regtype, to_regnamespace, to_regrole,
 * pg_typeof: `regFunctions` there), resolved by the analyzer after the
 * registry, like the settings functions.
 */
import { type FunctionDef, type Registry, RegOid, regFunctions } from '@pg/types';
import type { Expr, FuncExpr } from './query.js';
import { SCHEMA_FUNCTIONS } from './schema-functions.js';

const cache = new WeakMap<Registry, readonly FunctionDef[]>();

/** `regFunctions(registry)`, made once per registry. */
export function regFunctionsOf(registry: Registry): readonly FunctionDef[] {
  let fns = cache.get(registry);
  if (fns === undefined) {
    fns = [...regFunctions(registry), ...SCHEMA_FUNCTIONS]; // current_schemas: schema-functions.ts
    cache.set(registry, fns);
  }
  return fns;
}

/**
 * pg_typeof(x): a call of type regtype whose value is x's resolved type
 * OID (the executor passes argument types to every implementation). The
 * argument is left as it is, whatever its type (unknown included), and
 * still evaluated, as PostgreSQL does: `pg_typeof(1/0)` fails. Undefined
 * when the registry has a pg_typeof of its own.
 */
export function pgTypeofCall(registry: Registry, arg: Expr): FuncExpr | undefined {
  if (registry.findFunction('pg_typeof', [arg.type]) !== undefined) return undefined;
  const fn = regFunctionsOf(registry).find((f) => f.name === 'pg_typeof')!;
  return { kind: 'func', fn, args: [arg], type: RegOid.regtype, typmod: -1 };
}
