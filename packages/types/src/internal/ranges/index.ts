/**
 * Registers the range family (rangetypes.c, rangetypes_typanalyze aside):
 * int4range (3904), int8range (3926), numrange (3906), daterange (3912),
 * tsrange (3908) and tstzrange (3910), each with its array type (made by the
 * arrays family); the polymorphic anyrange functions and operators with
 * PostgreSQL 15's names (lower, upper, isempty, ..., range_eq ... range_cmp,
 * @> <@ && << >> &< &> -|- + * -, range_merge), and the constructors
 * `int4range(a, b [, '[)'])` and their kin.
 *
 * Values are PgRange (range.ts). Formats, as PostgreSQL 15:
 * - text: range_in / range_out (io.ts); the discrete types (int4range,
 *   int8range, daterange) are stored in their canonical `[)` form.
 * - binary (range_send / range_recv): the flags byte, then for each bound
 *   present an int32 length and the subtype's send bytes.
 * - on disk (RangeType after its varlena header, little-endian): uint32
 *   rangetypid, the bounds present laid out as datum_write lays them (each
 *   aligned to the subtype's typalign counted from the varlena's start;
 *   the start of the bounds, varlena offset 8, is MAXALIGNed), then the
 *   flags byte (RANGE_EMPTY 0x01, LB_INC 0x02, UB_INC 0x04, LB_INF 0x08,
 *   UB_INF 0x10).
 */
import type { TypeContext } from '../core/context.js';
import { decodeRow, encodeRow } from '../core/datum.js';
import { fn } from '../core/define.js';
import { badBinary, SqlError, SqlState } from '../core/errors.js';
import { combineHash } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import type { AnyPgType, PgType, TypAlign } from '../core/type.js';
import { WireReader } from '../core/wire.js';
import { datePli } from '../datetime/ops.js';
import { deparseRange, parseRange } from './io.js';
import {
  compareRanges,
  defineRange,
  emptyRange,
  makeRange,
  type PgRange,
  RANGE_EMPTY,
  RANGE_LB_INC,
  RANGE_LB_INF,
  RANGE_UB_INC,
  RANGE_UB_INF,
  type RangeBound,
  type RangeInfo,
  rangeAdjacent,
  rangeAfter,
  rangeBefore,
  rangeContains,
  rangeContainsElem,
  rangeFlags,
  rangeFromFlags,
  rangeInfo,
  rangeIntersect,
  rangeMerge,
  rangeMinus,
  rangeOverlaps,
  rangeOverleft,
  rangeOverright,
  rangeUnion,
} from './range.js';

export { deparseRange, escapeBound, malformedRange, parseRange } from './io.js';
export * from './range.js';

/** The range types' OIDs (pg_type.dat). */
export const RangeOid = {
  anyrange: 3831,
  int4range: 3904,
  _int4range: 3905,
  numrange: 3906,
  _numrange: 3907,
  tsrange: 3908,
  _tsrange: 3909,
  tstzrange: 3910,
  _tstzrange: 3911,
  daterange: 3912,
  _daterange: 3913,
  int8range: 3926,
  _int8range: 3927,
} as const;

const ANYRANGE = RangeOid.anyrange;

const INT4_MAX = 2147483647;

/** int4range_canonical / int8range_canonical / daterange_canonical: `[)` bounds. */
function discreteCanonical(
  next: (v: unknown) => unknown,
  finite: (v: unknown) => boolean = () => true,
): (l: RangeBound, u: RangeBound) => [RangeBound, RangeBound] {
  return (l, u) => {
    const lower =
      !l.infinite && finite(l.value) && !l.inclusive
        ? { ...l, value: next(l.value), inclusive: true }
        : l;
    const upper =
      !u.infinite && finite(u.value) && u.inclusive
        ? { ...u, value: next(u.value), inclusive: false }
        : u;
    return [lower, upper];
  };
}

const nextInt4 = (v: unknown) => {
  const n = v as number;
  if (n >= INT4_MAX)
    throw new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'integer out of range');
  return n + 1;
};
const nextInt8 = (v: unknown) => {
  const n = v as bigint;
  if (n >= 9223372036854775807n)
    throw new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'bigint out of range');
  return n + 1n;
};
const DATE_NOBEGIN = -2147483648;
const DATE_NOEND = 2147483647;
const dateFinite = (v: unknown) => v !== DATE_NOBEGIN && v !== DATE_NOEND;

function rangeType(
  oid: number,
  name: string,
  arrayOid: number,
  align: TypAlign,
  sub: AnyPgType,
): PgType<PgRange> {
  const boundTypes = (r: PgRange): AnyPgType[] => {
    const out: AnyPgType[] = [];
    if (!r.empty && !r.lowerInf) out.push(sub);
    if (!r.empty && !r.upperInf) out.push(sub);
    return out;
  };
  const boundValues = (r: PgRange): unknown[] => {
    const out: unknown[] = [];
    if (!r.empty && !r.lowerInf) out.push(r.lower);
    if (!r.empty && !r.upperInf) out.push(r.upper);
    return out;
  };
  const check = (r: PgRange): PgRange => {
    if (r.rangeType !== oid)
      throw new SqlError(SqlState.INTERNAL_ERROR, `range of type ${r.rangeType} given as ${name}`);
    return r;
  };
  return {
    name,
    displayName: name,
    oid,
    arrayOid,
    elemOid: 0,
    len: -1,
    byVal: false,
    align,
    storage: 'x',
    category: 'R',
    preferred: false,
    input(text: string, _typmod: number, ctx: TypeContext): PgRange {
      const p = parseRange(text);
      if (p.empty) return emptyRange(oid);
      const value = (s: string | null) => (s === null ? null : sub.input(s, -1, ctx));
      return makeRange(
        oid,
        { value: value(p.lower), infinite: p.lower === null, inclusive: p.lowerInc, lower: true },
        { value: value(p.upper), infinite: p.upper === null, inclusive: p.upperInc, lower: false },
      );
    },
    output(r: PgRange, ctx: TypeContext): string {
      return deparseRange({
        empty: r.empty,
        lowerInc: r.lowerInc,
        upperInc: r.upperInc,
        lower: r.empty || r.lowerInf ? null : sub.output(r.lower, ctx),
        upper: r.empty || r.upperInf ? null : sub.output(r.upper, ctx),
      });
    },
    send(r: PgRange, ctx: TypeContext): Uint8Array {
      const parts: Uint8Array[] = [Uint8Array.of(rangeFlags(r))];
      for (const v of boundValues(r)) {
        const b = sub.send(v, ctx);
        const len = new Uint8Array(4);
        new DataView(len.buffer).setInt32(0, b.length);
        parts.push(len, b);
      }
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    },
    receive(bytes: Uint8Array, _typmod: number, ctx: TypeContext): PgRange {
      const r = new WireReader(bytes);
      const flags = r.uint8();
      if (
        (flags & ~(RANGE_EMPTY | RANGE_LB_INC | RANGE_LB_INF | RANGE_UB_INC | RANGE_UB_INF)) !==
        0
      )
        throw badBinary('range flags invalid');
      const bound = (present: boolean) => {
        if (!present) return null;
        const len = r.int32();
        return sub.receive(r.bytes(len), -1, ctx);
      };
      const empty = (flags & RANGE_EMPTY) !== 0;
      const lower = bound(!empty && (flags & RANGE_LB_INF) === 0);
      const upper = bound(!empty && (flags & RANGE_UB_INF) === 0);
      r.end();
      if (empty) return emptyRange(oid);
      const f = rangeFromFlags(oid, flags, lower, upper);
      return makeRange(oid, lowerOf(f), upperOf(f));
    },
    encode(r: PgRange): Uint8Array {
      check(r);
      const data = encodeRow(boundTypes(r), boundValues(r)).data;
      const out = new Uint8Array(4 + data.length + 1);
      new DataView(out.buffer).setUint32(0, oid, true);
      out.set(data, 4);
      out[out.length - 1] = rangeFlags(r);
      return out;
    },
    decode(bytes: Uint8Array): PgRange {
      if (bytes.length < 5) throw badBinary('range datum too short');
      const flags = bytes[bytes.length - 1]!;
      const shape = rangeFromFlags(oid, flags, null, null);
      const values = decodeRow(boundTypes(shape), bytes.subarray(4, bytes.length - 1), undefined);
      let i = 0;
      const lower = shape.empty || shape.lowerInf ? null : values[i++];
      const upper = shape.empty || shape.upperInf ? null : values[i++];
      return rangeFromFlags(oid, flags, lower, upper);
    },
    compare: compareRanges,
    hash(r: PgRange): number {
      // hash_range: the flags, then each bound's hash, rotated in
      let h = rangeFlags(r);
      for (const v of boundValues(r)) h = combineHash((h << 1) | (h >>> 31), sub.hash(v));
      return h | 0;
    },
  };
}

function lowerOf(r: PgRange): RangeBound {
  return { value: r.lower, infinite: r.lowerInf, inclusive: r.lowerInc, lower: true };
}

function upperOf(r: PgRange): RangeBound {
  return { value: r.upper, infinite: r.upperInf, inclusive: r.upperInc, lower: false };
}

/** range_parse_flags: '[)' and its three kin (42601 otherwise). */
function parseFlags(text: string): { lowerInc: boolean; upperInc: boolean } {
  const bad = () =>
    new SqlError(SqlState.SYNTAX_ERROR, 'invalid range bound flags', {
      hint: 'Valid values are "[]", "[)", "(]", and "()".',
    });
  if (text.length !== 2) throw bad();
  const [a, b] = [text[0], text[1]];
  if ((a !== '[' && a !== '(') || (b !== ']' && b !== ')')) throw bad();
  return { lowerInc: a === '[', upperInc: b === ']' };
}

/** range_constructor2/3: NULL bounds are infinite; the flags must not be NULL. */
function construct(oid: number, lower: unknown, upper: unknown, flags: unknown): PgRange {
  if (flags === null) {
    throw new SqlError(
      SqlState.NULL_VALUE_NOT_ALLOWED,
      'range constructor flags argument must not be null',
    );
  }
  const f = parseFlags(flags as string);
  return makeRange(
    oid,
    { value: lower, infinite: lower === null, inclusive: f.lowerInc, lower: true },
    { value: upper, infinite: upper === null, inclusive: f.upperInc, lower: false },
  );
}

/** The six built-in range types: [oid, name, array oid, typalign, subtype]. */
const RANGES: readonly (readonly [number, string, number, TypAlign, number])[] = [
  [RangeOid.int4range, 'int4range', RangeOid._int4range, 'i', TypeOid.int4],
  [RangeOid.numrange, 'numrange', RangeOid._numrange, 'i', TypeOid.numeric],
  [RangeOid.tsrange, 'tsrange', RangeOid._tsrange, 'd', TypeOid.timestamp],
  [RangeOid.tstzrange, 'tstzrange', RangeOid._tstzrange, 'd', TypeOid.timestamptz],
  [RangeOid.daterange, 'daterange', RangeOid._daterange, 'i', TypeOid.date],
  [RangeOid.int8range, 'int8range', RangeOid._int8range, 'd', TypeOid.int8],
];

function canonicalOf(oid: number): RangeInfo['canonical'] {
  switch (oid) {
    case RangeOid.int4range:
      return discreteCanonical(nextInt4);
    case RangeOid.int8range:
      return discreteCanonical(nextInt8);
    case RangeOid.daterange:
      return discreteCanonical((v) => datePli(v as number, 1), dateFinite);
    default:
      return undefined;
  }
}

type R = PgRange;

export function register(r: Registry): void {
  const { bool, int4, anyelement, text } = TypeOid;
  for (const [oid, name, arrayOid, align, subOid] of RANGES) {
    const sub = r.mustType(subOid);
    const canonical = canonicalOf(oid);
    defineRange({ oid, name, subtype: sub, ...(canonical ? { canonical } : {}) });
    r.addType(rangeType(oid, name, arrayOid, align, sub));
    fn(r, name, [subOid, subOid], oid, ([a, b]: unknown[]) => construct(oid, a, b, '[)'), {
      strict: false,
    });
    fn(
      r,
      name,
      [subOid, subOid, text],
      oid,
      ([a, b, f]: unknown[]) => construct(oid, a ?? null, b ?? null, f ?? null),
      { strict: false },
    );
  }
  const A = ANYRANGE;
  // accessors
  fn(r, 'lower', [A], anyelement, ([x]: R[]) => (x!.empty || x!.lowerInf ? null : x!.lower));
  fn(r, 'upper', [A], anyelement, ([x]: R[]) => (x!.empty || x!.upperInf ? null : x!.upper));
  fn(r, 'isempty', [A], bool, ([x]: R[]) => x!.empty);
  fn(r, 'lower_inc', [A], bool, ([x]: R[]) => x!.lowerInc);
  fn(r, 'upper_inc', [A], bool, ([x]: R[]) => x!.upperInc);
  fn(r, 'lower_inf', [A], bool, ([x]: R[]) => x!.lowerInf);
  fn(r, 'upper_inf', [A], bool, ([x]: R[]) => x!.upperInf);
  // B-tree order (range_ops)
  const cmp = ([a, b]: R[]) => compareRanges(a!, b!);
  fn(r, 'range_eq', [A, A], bool, (x: R[]) => cmp(x) === 0, { operator: '=' });
  fn(r, 'range_ne', [A, A], bool, (x: R[]) => cmp(x) !== 0, { operator: '<>' });
  fn(r, 'range_lt', [A, A], bool, (x: R[]) => cmp(x) < 0, { operator: '<' });
  fn(r, 'range_le', [A, A], bool, (x: R[]) => cmp(x) <= 0, { operator: '<=' });
  fn(r, 'range_ge', [A, A], bool, (x: R[]) => cmp(x) >= 0, { operator: '>=' });
  fn(r, 'range_gt', [A, A], bool, (x: R[]) => cmp(x) > 0, { operator: '>' });
  fn(r, 'range_cmp', [A, A], int4, (x: R[]) => Math.sign(cmp(x)));
  fn(r, 'hash_range', [A], int4, ([x]: R[]) => {
    const t = r.mustType(x!.rangeType);
    return t.hash(x!);
  });
  // containment, overlap, position
  const pred = (name: string, op: string, f: (a: R, b: R) => boolean) =>
    fn(r, name, [A, A], bool, ([a, b]: R[]) => f(a!, b!), { operator: op });
  pred('range_overlaps', '&&', rangeOverlaps);
  pred('range_contains', '@>', rangeContains);
  pred('range_contained_by', '<@', (a, b) => rangeContains(b, a));
  pred('range_adjacent', '-|-', rangeAdjacent);
  pred('range_before', '<<', rangeBefore);
  pred('range_after', '>>', rangeAfter);
  pred('range_overleft', '&<', rangeOverleft);
  pred('range_overright', '&>', rangeOverright);
  fn(
    r,
    'range_contains_elem',
    [A, anyelement],
    bool,
    ([a, v]: [R, unknown]) => rangeContainsElem(a, v),
    { operator: '@>' },
  );
  fn(
    r,
    'elem_contained_by_range',
    [anyelement, A],
    bool,
    ([v, a]: [unknown, R]) => rangeContainsElem(a, v),
    { operator: '<@' },
  );
  // set operations
  fn(r, 'range_union', [A, A], A, ([a, b]: R[]) => rangeUnion(a!, b!), { operator: '+' });
  fn(r, 'range_intersect', [A, A], A, ([a, b]: R[]) => rangeIntersect(a!, b!), {
    operator: '*',
  });
  fn(r, 'range_minus', [A, A], A, ([a, b]: R[]) => rangeMinus(a!, b!), { operator: '-' });
  fn(r, 'range_merge', [A, A], A, ([a, b]: R[]) => rangeMerge(a!, b!));
}

/** Whether `oid` is one of the range types. */
export function isRangeType(oid: number): boolean {
  return rangeInfo(oid) !== undefined;
}
