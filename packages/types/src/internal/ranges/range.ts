/**
 * Range values and their algebra (rangetypes.c): bounds and their order,
 * make_range with the discrete types' canonical form, and the operators
 * (containment, overlap, position, adjacency, union, intersection,
 * difference) that SQL and BRIN's inclusion operator class use.
 *
 * A value carries its range type's OID, as PostgreSQL's RangeType does, so
 * a function of anyrange finds the subtype from the value alone.
 */
import { SqlError, SqlState } from '../core/errors.js';
import type { AnyPgType } from '../core/type.js';

/**
 * A range: `empty`, or two bounds. An infinite bound has no value and is
 * never inclusive (range_serialize clears the flag).
 */
export interface PgRange {
  /** The range type's OID (rangetypid). */
  readonly rangeType: number;
  readonly empty: boolean;
  /** The lower bound's value; null when empty or infinite. */
  readonly lower: unknown;
  readonly upper: unknown;
  readonly lowerInc: boolean;
  readonly upperInc: boolean;
  readonly lowerInf: boolean;
  readonly upperInf: boolean;
}

/** RangeBound: one side of a range, as range_deserialize returns it. */
export interface RangeBound {
  readonly value: unknown;
  readonly infinite: boolean;
  readonly inclusive: boolean;
  /** Whether this is the lower bound. */
  readonly lower: boolean;
}

/** What a range type knows of itself (pg_range plus the subtype's type cache). */
export interface RangeInfo {
  readonly oid: number;
  readonly name: string;
  readonly subtype: AnyPgType;
  /** rngcanonical: the discrete types' [) form; absent for continuous ones. */
  readonly canonical?: (lower: RangeBound, upper: RangeBound) => [RangeBound, RangeBound];
}

/** Flag bits of the on-disk and binary forms (rangetypes.h). */
export const RANGE_EMPTY = 0x01;
export const RANGE_LB_INC = 0x02;
export const RANGE_UB_INC = 0x04;
export const RANGE_LB_INF = 0x08;
export const RANGE_UB_INF = 0x10;
export const RANGE_LB_NULL = 0x20;
export const RANGE_UB_NULL = 0x40;
export const RANGE_CONTAIN_EMPTY = 0x80;

const infos = new Map<number, RangeInfo>();

/** Records a range type (the ranges family's register does it for the built-in six). */
export function defineRange(info: RangeInfo): void {
  infos.set(info.oid, info);
}

/** The range type `oid`'s facts, or undefined when it is not a range type. */
export function rangeInfo(oid: number): RangeInfo | undefined {
  return infos.get(oid);
}

function mustInfo(oid: number): RangeInfo {
  const info = infos.get(oid);
  if (!info) throw new SqlError(SqlState.INTERNAL_ERROR, `type ${oid} is not a range type`);
  return info;
}

/** The subtype OID of range type `oid`, 0 when `oid` is not a range type. */
export function rangeSubtype(oid: number): number {
  return infos.get(oid)?.subtype.oid ?? 0;
}

/** The built-in range type over `subtype` (its only one), 0 when there is none. */
export function rangeTypeOf(subtype: number): number {
  for (const info of infos.values()) if (info.subtype.oid === subtype) return info.oid;
  return 0;
}

export function emptyRange(rangeType: number): PgRange {
  return {
    rangeType,
    empty: true,
    lower: null,
    upper: null,
    lowerInc: false,
    upperInc: false,
    lowerInf: false,
    upperInf: false,
  };
}

export function lowerBound(r: PgRange): RangeBound {
  return { value: r.lower, infinite: r.lowerInf, inclusive: r.lowerInc, lower: true };
}

export function upperBound(r: PgRange): RangeBound {
  return { value: r.upper, infinite: r.upperInf, inclusive: r.upperInc, lower: false };
}

function cmpValues(info: RangeInfo, a: unknown, b: unknown): number {
  return info.subtype.compare(a as never, b as never);
}

/** range_cmp_bound_values: infinities and values only, inclusivity ignored. */
export function cmpBoundValues(info: RangeInfo, b1: RangeBound, b2: RangeBound): number {
  if (b1.infinite && b2.infinite) return b1.lower === b2.lower ? 0 : b1.lower ? -1 : 1;
  if (b1.infinite) return b1.lower ? -1 : 1;
  if (b2.infinite) return b2.lower ? 1 : -1;
  return Math.sign(cmpValues(info, b1.value, b2.value));
}

/** range_cmp_bounds: the order of two bounds, lower or upper, inclusivity counted. */
export function cmpBounds(info: RangeInfo, b1: RangeBound, b2: RangeBound): number {
  if (b1.infinite || b2.infinite) return cmpBoundValues(info, b1, b2);
  const result = Math.sign(cmpValues(info, b1.value, b2.value));
  if (result !== 0) return result;
  if (!b1.inclusive && !b2.inclusive) return b1.lower === b2.lower ? 0 : b1.lower ? 1 : -1;
  if (!b1.inclusive) return b1.lower ? 1 : -1;
  if (!b2.inclusive) return b2.lower ? -1 : 1;
  return 0;
}

/** range_serialize's checks and flags, without the canonical function. */
function serialize(info: RangeInfo, lower: RangeBound, upper: RangeBound, empty: boolean): PgRange {
  if (empty) return emptyRange(info.oid);
  const cmp = cmpBoundValues(info, lower, upper);
  if (cmp > 0) {
    throw new SqlError(
      SqlState.DATA_EXCEPTION,
      'range lower bound must be less than or equal to range upper bound',
    );
  }
  if (cmp === 0 && !(lower.inclusive && upper.inclusive)) return emptyRange(info.oid);
  return {
    rangeType: info.oid,
    empty: false,
    lower: lower.infinite ? null : lower.value,
    upper: upper.infinite ? null : upper.value,
    lowerInc: !lower.infinite && lower.inclusive,
    upperInc: !upper.infinite && upper.inclusive,
    lowerInf: lower.infinite,
    upperInf: upper.infinite,
  };
}

/** make_range: the range of these bounds, in canonical form for a discrete type. */
export function makeRange(
  rangeType: number,
  lower: RangeBound,
  upper: RangeBound,
  empty = false,
): PgRange {
  const info = mustInfo(rangeType);
  const r = serialize(info, lower, upper, empty);
  if (r.empty || !info.canonical) return r;
  const [l, u] = info.canonical(lowerBound(r), upperBound(r));
  return serialize(info, l, u, false);
}

function infoOf(r: PgRange): RangeInfo {
  return mustInfo(r.rangeType);
}

/** range_cmp: the B-tree order (empty first, then lower bounds, then upper bounds). */
export function compareRanges(a: PgRange, b: PgRange): number {
  if (a.empty || b.empty) return a.empty === b.empty ? 0 : a.empty ? -1 : 1;
  const info = infoOf(a);
  const c = cmpBounds(info, lowerBound(a), lowerBound(b));
  return c !== 0 ? c : cmpBounds(info, upperBound(a), upperBound(b));
}

/** range_contains_elem_internal. */
export function rangeContainsElem(r: PgRange, value: unknown): boolean {
  if (r.empty) return false;
  const info = infoOf(r);
  if (!r.lowerInf) {
    const c = cmpValues(info, r.lower, value);
    if (c > 0 || (c === 0 && !r.lowerInc)) return false;
  }
  if (!r.upperInf) {
    const c = cmpValues(info, r.upper, value);
    if (c < 0 || (c === 0 && !r.upperInc)) return false;
  }
  return true;
}

/** range_contains_internal: r1 @> r2. */
export function rangeContains(r1: PgRange, r2: PgRange): boolean {
  if (r2.empty) return true;
  if (r1.empty) return false;
  const info = infoOf(r1);
  return (
    cmpBounds(info, lowerBound(r1), lowerBound(r2)) <= 0 &&
    cmpBounds(info, upperBound(r1), upperBound(r2)) >= 0
  );
}

/** range_overlaps_internal: r1 && r2. */
export function rangeOverlaps(r1: PgRange, r2: PgRange): boolean {
  if (r1.empty || r2.empty) return false;
  const info = infoOf(r1);
  const [l1, u1, l2, u2] = [lowerBound(r1), upperBound(r1), lowerBound(r2), upperBound(r2)];
  if (cmpBounds(info, l1, l2) >= 0 && cmpBounds(info, l1, u2) <= 0) return true;
  if (cmpBounds(info, l2, l1) >= 0 && cmpBounds(info, l2, u1) <= 0) return true;
  return false;
}

/** range_before_internal: r1 << r2. */
export function rangeBefore(r1: PgRange, r2: PgRange): boolean {
  if (r1.empty || r2.empty) return false;
  return cmpBounds(infoOf(r1), upperBound(r1), lowerBound(r2)) < 0;
}

/** range_after_internal: r1 >> r2. */
export function rangeAfter(r1: PgRange, r2: PgRange): boolean {
  if (r1.empty || r2.empty) return false;
  return cmpBounds(infoOf(r1), lowerBound(r1), upperBound(r2)) > 0;
}

/** range_overleft_internal: r1 &< r2 (r1 does not extend to the right of r2). */
export function rangeOverleft(r1: PgRange, r2: PgRange): boolean {
  if (r1.empty || r2.empty) return false;
  return cmpBounds(infoOf(r1), upperBound(r1), upperBound(r2)) <= 0;
}

/** range_overright_internal: r1 &> r2 (r1 does not extend to the left of r2). */
export function rangeOverright(r1: PgRange, r2: PgRange): boolean {
  if (r1.empty || r2.empty) return false;
  return cmpBounds(infoOf(r1), lowerBound(r1), lowerBound(r2)) >= 0;
}

/**
 * bounds_adjacent: upper bound `a` and lower bound `b` touch with nothing
 * between them (for a discrete type: the range between them is empty).
 */
function boundsAdjacent(info: RangeInfo, a: RangeBound, b: RangeBound): boolean {
  const cmp = cmpBoundValues(info, a, b);
  if (cmp < 0) {
    if (!info.canonical) return false;
    const between = makeRange(
      info.oid,
      { ...a, inclusive: !a.inclusive, lower: true },
      { ...b, inclusive: !b.inclusive, lower: false },
    );
    return between.empty;
  }
  if (cmp === 0) return a.inclusive !== b.inclusive;
  return false;
}

/** range_adjacent_internal: r1 -|- r2. */
export function rangeAdjacent(r1: PgRange, r2: PgRange): boolean {
  if (r1.empty || r2.empty) return false;
  const info = infoOf(r1);
  return (
    boundsAdjacent(info, upperBound(r1), lowerBound(r2)) ||
    boundsAdjacent(info, upperBound(r2), lowerBound(r1))
  );
}

/** range_super_union (range_merge): the smallest range holding both, gaps included. */
export function rangeMerge(r1: PgRange, r2: PgRange): PgRange {
  if (r1.empty) return r2;
  if (r2.empty) return r1;
  const info = infoOf(r1);
  const lowerFrom1 = cmpBounds(info, lowerBound(r1), lowerBound(r2)) <= 0;
  const upperFrom1 = cmpBounds(info, upperBound(r1), upperBound(r2)) >= 0;
  if (lowerFrom1 && upperFrom1) return r1;
  if (!lowerFrom1 && !upperFrom1) return r2;
  return makeRange(info.oid, lowerBound(lowerFrom1 ? r1 : r2), upperBound(upperFrom1 ? r1 : r2));
}

/** range_union (+): 22000 when the ranges neither overlap nor touch. */
export function rangeUnion(r1: PgRange, r2: PgRange): PgRange {
  if (r1.empty) return r2;
  if (r2.empty) return r1;
  if (!rangeOverlaps(r1, r2) && !rangeAdjacent(r1, r2)) {
    throw new SqlError(SqlState.DATA_EXCEPTION, 'result of range union would not be contiguous');
  }
  return rangeMerge(r1, r2);
}

/** range_intersect (*). */
export function rangeIntersect(r1: PgRange, r2: PgRange): PgRange {
  if (r1.empty || r2.empty || !rangeOverlaps(r1, r2)) return emptyRange(r1.rangeType);
  const info = infoOf(r1);
  const lower =
    cmpBounds(info, lowerBound(r1), lowerBound(r2)) >= 0 ? lowerBound(r1) : lowerBound(r2);
  const upper =
    cmpBounds(info, upperBound(r1), upperBound(r2)) <= 0 ? upperBound(r1) : upperBound(r2);
  return makeRange(info.oid, lower, upper);
}

/** range_minus (-): 22000 when the result would be two pieces. */
export function rangeMinus(r1: PgRange, r2: PgRange): PgRange {
  if (r1.empty || r2.empty) return r1;
  const info = infoOf(r1);
  const [l1, u1, l2, u2] = [lowerBound(r1), upperBound(r1), lowerBound(r2), upperBound(r2)];
  const cl1l2 = cmpBounds(info, l1, l2);
  const cl1u2 = cmpBounds(info, l1, u2);
  const cu1l2 = cmpBounds(info, u1, l2);
  const cu1u2 = cmpBounds(info, u1, u2);
  if (cl1l2 < 0 && cu1u2 > 0) {
    throw new SqlError(
      SqlState.DATA_EXCEPTION,
      'result of range difference would not be contiguous',
    );
  }
  if (cl1u2 > 0 || cu1l2 < 0) return r1;
  if (cl1l2 >= 0 && cu1u2 <= 0) return emptyRange(info.oid);
  if (cl1l2 <= 0 && cu1l2 >= 0 && cu1u2 <= 0) {
    return makeRange(info.oid, l1, { ...l2, inclusive: !l2.inclusive, lower: false });
  }
  if (cl1l2 >= 0 && cu1u2 >= 0 && cl1u2 <= 0) {
    return makeRange(info.oid, { ...u2, inclusive: !u2.inclusive, lower: true }, u1);
  }
  throw new SqlError(SqlState.INTERNAL_ERROR, 'unexpected case in range_minus');
}

/** The flags byte of the binary and on-disk forms. */
export function rangeFlags(r: PgRange): number {
  if (r.empty) return RANGE_EMPTY;
  return (
    (r.lowerInc ? RANGE_LB_INC : 0) |
    (r.upperInc ? RANGE_UB_INC : 0) |
    (r.lowerInf ? RANGE_LB_INF : 0) |
    (r.upperInf ? RANGE_UB_INF : 0)
  );
}

/** A range from its flags byte and the values of the bounds it has. */
export function rangeFromFlags(
  rangeType: number,
  flags: number,
  lower: unknown,
  upper: unknown,
): PgRange {
  if ((flags & RANGE_EMPTY) !== 0) return emptyRange(rangeType);
  const lowerInf = (flags & RANGE_LB_INF) !== 0;
  const upperInf = (flags & RANGE_UB_INF) !== 0;
  return {
    rangeType,
    empty: false,
    lower: lowerInf ? null : lower,
    upper: upperInf ? null : upper,
    lowerInc: !lowerInf && (flags & RANGE_LB_INC) !== 0,
    upperInc: !upperInf && (flags & RANGE_UB_INC) !== 0,
    lowerInf,
    upperInf,
  };
}

/** Whether `v` is a range value (of any range type). */
export function isPgRange(v: unknown): v is PgRange {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as PgRange).rangeType === 'number' &&
    typeof (v as PgRange).empty === 'boolean'
  );
}
