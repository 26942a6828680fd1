/**
 * Scan keys (ScanKeyData): one condition `column op argument` an index scan
 * must satisfy, where op is one of the B-tree strategies. Access methods
 * with other strategies (GIN's @>, BRIN's inclusion) number their own.
 */

/** B-tree strategy numbers (BTLessStrategyNumber ... BTGreaterStrategyNumber). */
export const Strategy = {
  less: 1,
  lessEqual: 2,
  equal: 3,
  greaterEqual: 4,
  greater: 5,
} as const;
export type Strategy = (typeof Strategy)[keyof typeof Strategy];

/** Which way a scan moves (ScanDirection). */
export type ScanDirection = 'forward' | 'backward';

/** A comparison of two non-null values of a column: negative, zero or positive (the opclass's support function 1). */
export type Comparator = (a: unknown, b: unknown) => number;

export interface ScanKey {
  /** The index column, 1-based (sk_attno). */
  readonly attno: number;
  /** The strategy (sk_strategy); ignored for the null tests below. */
  readonly strategy: Strategy;
  /** The value to compare with (sk_argument); null makes the key unsatisfiable unless a null test is asked for. */
  readonly argument: unknown;
  /** `column IS NULL` (SK_SEARCHNULL): matches exactly the null entries. */
  readonly searchNull?: boolean;
  /** `column IS NOT NULL` (SK_SEARCHNOTNULL). */
  readonly searchNotNull?: boolean;
  /** How to compare, when the argument's type is not the column's (a cross-type operator); default: the column's order. */
  readonly compare?: Comparator;
}

/** A key that matches `column op argument`. */
export function scanKey(
  attno: number,
  strategy: Strategy,
  argument: unknown,
  compare?: Comparator,
): ScanKey {
  return compare === undefined
    ? { attno, strategy, argument }
    : { attno, strategy, argument, compare };
}

/**
 * Whether a comparison result `cmp` = compare(value, argument) satisfies the
 * strategy: the one place where strategy numbers get their meaning.
 */
export function strategyHolds(strategy: Strategy, cmp: number): boolean {
  switch (strategy) {
    case Strategy.less:
      return cmp < 0;
    case Strategy.lessEqual:
      return cmp <= 0;
    case Strategy.equal:
      return cmp === 0;
    case Strategy.greaterEqual:
      return cmp >= 0;
    case Strategy.greater:
      return cmp > 0;
  }
}
