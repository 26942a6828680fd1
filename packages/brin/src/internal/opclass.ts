/**
 * BRIN operator classes: what a column's summary holds, how a row's value
 * widens it (add_value) and whether a scan key can match it (consistent).
 *
 * - minmax (brin_minmax.c): the smallest and largest value; keys use the
 *   B-tree strategies 1-5.
 * - inclusion (brin_inclusion.c): the union of the values (for ranges: the
 *   smallest range holding every value, range_merge), an "unmergeable" flag
 *   (some values could not be merged: the summary then matches every key)
 *   and a "contains empty" flag (some value was empty: empty elements are
 *   not merged into the union, yet `<@` and `=` can match them). Keys use
 *   the R-tree strategy numbers of pg_amop (1 `<<`, 2 `&<`, 3 `&&`, 4 `&>`,
 *   5 `>>`, 7 `@>`, 8 `<@`, 16 `@>` element, 17 `-|-`, 18 `=`, 20 `<`,
 *   21 `<=`, 22 `>`, 23 `>=`), each answered with the operators of the
 *   class applied to the union, as brin_inclusion_consistent does.
 *
 * NULLs (hasnulls / allnulls) and IS [NOT] NULL keys are handled by the
 * caller for every class alike.
 */
import { type ScanKey, Strategy } from '@pg/access';
import {
  type AnyPgType,
  builtins,
  defaultContext,
  type PgRange,
  rangeContains,
  rangeMerge,
  SqlError,
} from '@pg/types';
import type { BrinColumn } from './layout.js';

/** A BRIN operator class, seen from the access method. */
export interface BrinOpclass {
  /** How the column's summary is stored (layout.ts): min and max, or union and two flags. */
  readonly kind: 'minmax' | 'inclusion';
  /** add_value for a non-null value; returns whether the column changed. */
  addValue(c: BrinColumn, value: unknown, type: AnyPgType): boolean;
  /** consistent for a key with a non-null argument on a column that has a non-null value. */
  consistent(c: BrinColumn, key: ScanKey, type: AnyPgType): boolean;
}

/** The minmax operator class of any type with a B-tree order. */
export const minmaxOpclass: BrinOpclass = {
  kind: 'minmax',
  addValue(c, v, type) {
    if (c.allNulls) {
      c.allNulls = false;
      c.min = v;
      c.max = v;
      return true;
    }
    let changed = false;
    if (type.compare(v as never, c.min as never) < 0) {
      c.min = v;
      changed = true;
    }
    if (type.compare(v as never, c.max as never) > 0) {
      c.max = v;
      changed = true;
    }
    return changed;
  },
  consistent(c, k, type) {
    const cmp = k.compare ?? ((a: unknown, b: unknown) => type.compare(a as never, b as never));
    switch (k.strategy) {
      case Strategy.less:
        return cmp(c.min, k.argument) < 0;
      case Strategy.lessEqual:
        return cmp(c.min, k.argument) <= 0;
      case Strategy.equal:
        return cmp(c.min, k.argument) <= 0 && cmp(c.max, k.argument) >= 0;
      case Strategy.greaterEqual:
        return cmp(c.max, k.argument) >= 0;
      case Strategy.greater:
        return cmp(c.max, k.argument) > 0;
      default:
        return true;
    }
  },
};

/** The R-tree strategy numbers (stratnum.h) the inclusion class answers. */
export const RTStrategy = {
  left: 1,
  overLeft: 2,
  overlap: 3,
  overRight: 4,
  right: 5,
  same: 6,
  contains: 7,
  containedBy: 8,
  containsElem: 16,
  adjacent: 17,
  equal: 18,
  less: 20,
  lessEqual: 21,
  greater: 22,
  greaterEqual: 23,
} as const;

/**
 * An inclusion class's support procedures (pg_amproc 11-14) and operators
 * (pg_amop), as functions of JavaScript values.
 */
export interface InclusionSupport {
  /** PROCNUM_MERGE (11): the smallest value holding both. */
  merge(a: unknown, b: unknown): unknown;
  /** PROCNUM_MERGEABLE (12), optional: whether two values can be merged. */
  mergeable?(a: unknown, b: unknown): boolean;
  /** PROCNUM_CONTAINS (13), optional: whether `a` holds `b`. */
  contains?(a: unknown, b: unknown): boolean;
  /** PROCNUM_EMPTY (14), optional: whether a value is empty (contained by everything). */
  isEmpty?(v: unknown): boolean;
  /** The operator of strategy `n` as op(union, query); undefined when the class has none. */
  operator(strategy: number): ((a: unknown, b: unknown) => boolean) | undefined;
}

/** inclusion_get_strategy_procinfo: the operator, or the error PostgreSQL raises without it. */
function strategyOp(support: InclusionSupport, n: number): (a: unknown, b: unknown) => boolean {
  const op = support.operator(n);
  if (op === undefined)
    throw new SqlError('XX000', `missing operator ${n} in the BRIN inclusion operator family`);
  return op;
}

/** An inclusion operator class over `support` (brin_inclusion_add_value / _consistent). */
export function inclusionOpclass(support: InclusionSupport): BrinOpclass {
  return {
    kind: 'inclusion',
    addValue(c, v) {
      let fresh = false;
      if (c.allNulls) {
        c.union = v;
        c.unmergeable = false;
        c.containsEmpty = false;
        c.allNulls = false;
        fresh = true;
      }
      if (c.unmergeable === true) return false;
      if (support.isEmpty?.(v) === true) {
        if (c.containsEmpty !== true) {
          c.containsEmpty = true;
          return true;
        }
        return fresh;
      }
      if (fresh) return true;
      if (support.contains?.(c.union, v) === true) return false;
      if (support.mergeable !== undefined && !support.mergeable(c.union, v)) {
        c.unmergeable = true;
        return true;
      }
      c.union = support.merge(c.union, v);
      return true;
    },
    consistent(c, k) {
      if (c.unmergeable === true) return true;
      const u = c.union;
      const q = k.argument;
      const call = (n: number) => strategyOp(support, n)(u, q);
      const orEmpty = (hit: boolean) => hit || c.containsEmpty === true;
      const S = RTStrategy;
      switch (k.strategy as number) {
        // placement: the converse operator, negated (both false on empty elements)
        case S.left:
          return !call(S.overRight);
        case S.overLeft:
          return !call(S.right);
        case S.overRight:
          return !call(S.left);
        case S.right:
          return !call(S.overLeft);
        // overlap and containment: the operator itself
        case S.overlap:
        case S.contains:
        case S.containsElem:
          return call(k.strategy as number);
        // contained by: overlap, or an empty element
        case S.containedBy:
          return orEmpty(call(S.overlap));
        case S.adjacent:
          return call(S.overlap) || call(S.adjacent);
        case S.less:
        case S.lessEqual:
          return orEmpty(!call(S.right));
        case S.same:
        case S.equal:
          return orEmpty(call(S.contains));
        case S.greaterEqual:
          return orEmpty(!call(S.left));
        case S.greater:
          return !call(S.left);
        default:
          throw new SqlError('XX000', `invalid strategy number ${k.strategy}`);
      }
    },
  };
}

const ANYRANGE = 3831;
const ANYELEMENT = 2283;

/** range_inclusion_ops' pg_amop: strategy → operator name and right operand type. */
const RANGE_OPERATORS: Readonly<Record<number, readonly [string, number]>> = {
  [RTStrategy.left]: ['<<', ANYRANGE],
  [RTStrategy.overLeft]: ['&<', ANYRANGE],
  [RTStrategy.overlap]: ['&&', ANYRANGE],
  [RTStrategy.overRight]: ['&>', ANYRANGE],
  [RTStrategy.right]: ['>>', ANYRANGE],
  [RTStrategy.contains]: ['@>', ANYRANGE],
  [RTStrategy.containedBy]: ['<@', ANYRANGE],
  [RTStrategy.containsElem]: ['@>', ANYELEMENT],
  [RTStrategy.adjacent]: ['-|-', ANYRANGE],
  [RTStrategy.equal]: ['=', ANYRANGE],
  [RTStrategy.less]: ['<', ANYRANGE],
  [RTStrategy.lessEqual]: ['<=', ANYRANGE],
  [RTStrategy.greater]: ['>', ANYRANGE],
  [RTStrategy.greaterEqual]: ['>=', ANYRANGE],
};

const opCtx = defaultContext();

/**
 * range_inclusion_ops (brin, the default class of every range type): the
 * union is range_merge of the values, empty ranges set "contains empty",
 * ranges are always mergeable (no procedure 12), and the operators are
 * the anyrange operators of @pg/types.
 */
export const rangeInclusionOps: BrinOpclass = inclusionOpclass({
  merge: (a, b) => rangeMerge(a as PgRange, b as PgRange),
  contains: (a, b) => rangeContains(a as PgRange, b as PgRange),
  isEmpty: (v) => (v as PgRange).empty,
  operator(n) {
    const o = RANGE_OPERATORS[n];
    if (o === undefined) return undefined;
    const [name, right] = o;
    const def = builtins.findOperator(name, ANYRANGE, right);
    const fn = def && builtins.findFunction(def.fn, [ANYRANGE, right]);
    if (fn === undefined) return undefined;
    return (a, b) => fn.impl([a, b], opCtx, [(a as PgRange).rangeType, right]) === true;
  },
});
