/**
 * Small helpers every family uses to register its catalog entries.
 */
import type { TypeContext } from './context.js';
import { TypeOid } from './oids.js';
import type { Registry, Volatility } from './registry.js';
import type { AnyPgType } from './type.js';

/** The six comparison operators: name, PostgreSQL's function-name suffix, test on compare(). */
export const COMPARISONS = [
  ['=', 'eq', (c: number) => c === 0],
  ['<>', 'ne', (c: number) => c !== 0],
  ['<', 'lt', (c: number) => c < 0],
  ['<=', 'le', (c: number) => c <= 0],
  ['>', 'gt', (c: number) => c > 0],
  ['>=', 'ge', (c: number) => c >= 0],
] as const;

/**
 * Registers the six comparison operators of a type's B-tree operator class,
 * and its support function `<prefix>cmp` (btint4cmp, bttextcmp...), from
 * its compare(): `<prefix>eq`, `<prefix>ne`, ... as PostgreSQL names them.
 */
export function registerComparisons(
  r: Registry,
  type: AnyPgType,
  prefix: string,
  cmpName?: string,
  /** Function names that differ from `<prefix><suffix>` (text_lt, text_le, ...). */
  names: Partial<Record<(typeof COMPARISONS)[number][1], string>> = {},
): void {
  for (const [op, suffix, test] of COMPARISONS) {
    const fn = names[suffix] ?? `${prefix}${suffix}`;
    r.addFunction({
      name: fn,
      args: [type.oid, type.oid],
      result: TypeOid.bool,
      volatility: 'i',
      strict: true,
      impl: ([a, b]) => test(type.compare(a, b)),
    });
    r.addOperator({ name: op, left: type.oid, right: type.oid, result: TypeOid.bool, fn });
  }
  r.addFunction({
    name: cmpName ?? `bt${prefix}cmp`,
    args: [type.oid, type.oid],
    result: TypeOid.int4,
    volatility: 'i',
    strict: true,
    impl: ([a, b]) => Math.sign(type.compare(a, b)),
  });
}

/** Registers a function and, when `operator` is given, the operator it implements. */
export function fn(
  r: Registry,
  name: string,
  args: readonly number[],
  result: number,
  // biome-ignore lint/suspicious/noExplicitAny: each implementation destructures its own argument types
  impl: (args: any, ctx: TypeContext, argTypes: readonly number[]) => unknown,
  options: { volatility?: Volatility; strict?: boolean; operator?: string } = {},
): void {
  r.addFunction({
    name,
    args,
    result,
    volatility: options.volatility ?? 'i',
    strict: options.strict ?? true,
    impl,
  });
  if (options.operator !== undefined) {
    const [left, right] = args.length === 1 ? [0, args[0]!] : [args[0]!, args[1]!];
    r.addOperator({ name: options.operator, left, right, result, fn: name });
  }
}

/**
 * B-tree order with NULLs: NULLS LAST by default (ASC), as PostgreSQL sorts;
 * `nullsFirst` for NULLS FIRST. `compare` is the type's order.
 */
export function compareNullable<T>(
  compare: (a: T, b: T) => number,
  a: T | null,
  b: T | null,
  nullsFirst = false,
): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === nullsFirst ? -1 : 1;
  }
  return compare(a, b);
}
