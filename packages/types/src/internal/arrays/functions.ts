/**
 * Array functions and operators (array_eq ... btarraycmp, @>, <@, &&, ||,
 * array_append/prepend/cat, array_length/lower/upper/ndims/dims, cardinality,
 * array_position(s), array_remove/replace, array_to_string, string_to_array,
 * unnest, generate_subscripts, array_fill, trim_array, width_bucket,
 * array_larger/smaller), the ANY/ALL helpers the executor calls
 * (scalarArrayOpAny / scalarArrayOpAll), the pure subscripting helpers
 * (arrayGet, arraySlice, arraySet) and mapArray. Values are PgArray; elements
 * are the element type's JavaScript values, null for SQL NULL. Behaviour and
 * error texts follow PostgreSQL 15's arrayfuncs.c, array_userfuncs.c and
 * varlena.c.
 */
import type { PgArray } from '../core/array-value.js';
import type { TypeContext } from '../core/context.js';
import { SqlError, SqlState } from '../core/errors.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import type { AnyPgType } from '../core/type.js';
import { arrayCheckBounds, arrayGetNItems, MAXDIM, tooManyDims } from './array-in.js';
import { compareArrays, makeArray } from './array-type.js';

const { anyarray, anyelement, anycompatible, anycompatiblearray, bool, int4, text, _int4, _text } =
  TypeOid;

const EMPTY: PgArray = { dims: [], lbounds: [], elements: [] };

function subscriptError(message: string, detail?: string): SqlError {
  return new SqlError(
    SqlState.ARRAY_SUBSCRIPT_ERROR,
    message,
    detail === undefined ? {} : { detail },
  );
}

function incompatible(detail: string): SqlError {
  return subscriptError('cannot concatenate incompatible arrays', detail);
}

function int4Overflow(n: number): number {
  if (n > 2147483647 || n < -2147483648) {
    throw new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'integer out of range');
  }
  return n;
}

/** array_contain_compare: does every (matchall) / some element of `b` equal one of `a`? */
function containCompare(elem: AnyPgType, a: PgArray, b: PgArray, matchall: boolean): boolean {
  for (const x of b.elements) {
    if (x === null) {
      if (matchall) return false;
      continue;
    }
    const found = a.elements.some((y) => y !== null && elem.compare(x, y) === 0);
    if (found && !matchall) return true;
    if (!found && matchall) return false;
  }
  return matchall;
}

/** array_cat. */
export function arrayCat(a: PgArray | null, b: PgArray | null): PgArray | null {
  if (a === null) return b;
  if (b === null) return a;
  const n1 = a.elements.length === 0 ? 0 : a.dims.length;
  const n2 = b.elements.length === 0 ? 0 : b.dims.length;
  if (n1 === 0 && n2 > 0) return b;
  if (n2 === 0) return a;
  if (n1 !== n2 && n1 !== n2 - 1 && n1 !== n2 + 1) {
    throw incompatible(
      `Arrays of ${n1} and ${n2} dimensions are not compatible for concatenation.`,
    );
  }
  let dims: number[];
  let lbounds: number[];
  if (n1 === n2) {
    dims = [a.dims[0]! + b.dims[0]!];
    lbounds = [a.lbounds[0]!];
    for (let i = 1; i < n1; i++) {
      if (a.dims[i] !== b.dims[i] || a.lbounds[i] !== b.lbounds[i]) {
        throw incompatible(
          'Arrays with differing element dimensions are not compatible for concatenation.',
        );
      }
      dims.push(a.dims[i]!);
      lbounds.push(a.lbounds[i]!);
    }
  } else if (n1 === n2 - 1) {
    dims = [...b.dims];
    lbounds = [...b.lbounds];
    dims[0]! += 1;
    for (let i = 0; i < n1; i++) {
      if (a.dims[i] !== dims[i + 1] || a.lbounds[i] !== lbounds[i + 1]) {
        throw incompatible(
          'Arrays with differing dimensions are not compatible for concatenation.',
        );
      }
    }
  } else {
    dims = [...a.dims];
    lbounds = [...a.lbounds];
    dims[0]! += 1;
    for (let i = 0; i < n2; i++) {
      if (b.dims[i] !== dims[i + 1] || b.lbounds[i] !== lbounds[i + 1]) {
        throw incompatible(
          'Arrays with differing dimensions are not compatible for concatenation.',
        );
      }
    }
  }
  arrayGetNItems(dims);
  arrayCheckBounds(dims, lbounds);
  return { dims, lbounds, elements: [...a.elements, ...b.elements] };
}

function oneDimOnly(): SqlError {
  return new SqlError(SqlState.DATA_EXCEPTION, 'argument must be empty or one-dimensional array');
}

/** array_append: a NULL array counts as empty. */
export function arrayAppend(a: PgArray | null, v: unknown): PgArray {
  const arr = a ?? EMPTY;
  if (arr.elements.length === 0) return { dims: [1], lbounds: [1], elements: [v] };
  if (arr.dims.length !== 1) throw oneDimOnly();
  int4Overflow(arr.lbounds[0]! + arr.dims[0]!);
  const dims = [arr.dims[0]! + 1];
  arrayCheckBounds(dims, arr.lbounds);
  return { dims, lbounds: arr.lbounds, elements: [...arr.elements, v] };
}

/** array_prepend: keeps the lower bound. */
export function arrayPrepend(v: unknown, a: PgArray | null): PgArray {
  const arr = a ?? EMPTY;
  if (arr.elements.length === 0) return { dims: [1], lbounds: [1], elements: [v] };
  if (arr.dims.length !== 1) throw oneDimOnly();
  int4Overflow(arr.lbounds[0]! - 1);
  const dims = [arr.dims[0]! + 1];
  arrayCheckBounds(dims, arr.lbounds);
  return { dims, lbounds: arr.lbounds, elements: [v, ...arr.elements] };
}

/** Row-major offset of a 1-based (lower-bound-relative) subscript, or -1 when out of range. */
function offsetOf(arr: PgArray, subscripts: readonly number[]): number {
  const ndim = arr.elements.length === 0 ? 0 : arr.dims.length;
  if (ndim !== subscripts.length || ndim <= 0 || ndim > MAXDIM) return -1;
  let off = 0;
  for (let i = 0; i < ndim; i++) {
    const lb = arr.lbounds[i]!;
    const d = arr.dims[i]!;
    const s = subscripts[i]!;
    if (s < lb || s >= d + lb) return -1;
    off = off * d + (s - lb);
  }
  return off;
}

/** array_get_element: the element at `subscripts` (as written in SQL), null when out of range. */
export function arrayGet<T>(arr: PgArray<T>, subscripts: readonly number[]): T | null {
  const off = offsetOf(arr, subscripts);
  return off < 0 ? null : (arr.elements[off] ?? null);
}

/**
 * array_get_slice: arr[lower:upper, ...]; an omitted bound (undefined) is the
 * array's own. The result has lower bounds 1, or is empty.
 */
export function arraySlice<T>(
  arr: PgArray<T>,
  lower: readonly (number | undefined)[],
  upper: readonly (number | undefined)[],
): PgArray<T> {
  const ndim = arr.elements.length === 0 ? 0 : arr.dims.length;
  const n = Math.max(lower.length, upper.length);
  if (ndim < n || ndim === 0) return EMPTY as PgArray<T>;
  const lo: number[] = [];
  const hi: number[] = [];
  for (let i = 0; i < ndim; i++) {
    const lb = arr.lbounds[i]!;
    const ub = lb + arr.dims[i]! - 1;
    let l = i < n ? (lower[i] ?? lb) : lb;
    let u = i < n ? (upper[i] ?? ub) : ub;
    if (l < lb) l = lb;
    if (u > ub) u = ub;
    if (l > u) return EMPTY as PgArray<T>;
    lo.push(l);
    hi.push(u);
  }
  const dims = lo.map((l, i) => hi[i]! - l + 1);
  const elements: (T | null)[] = [];
  const idx = [...lo];
  for (;;) {
    elements.push(arrayGet(arr, idx));
    let i = ndim - 1;
    while (i >= 0) {
      idx[i]!++;
      if (idx[i]! <= hi[i]!) break;
      idx[i] = lo[i]!;
      i--;
    }
    if (i < 0) break;
  }
  return { dims, lbounds: dims.map(() => 1), elements };
}

/** A one-dimensional text array from string_to_array's pieces. */
function textArray(items: readonly string[], nullString: string | null): PgArray<string> {
  return makeArray(
    [items.length],
    [1],
    items.map((s) => (nullString !== null && s === nullString ? null : s)),
  );
}

/** string_to_array (text_to_array_internal). */
export function stringToArray(
  input: string | null,
  sep: string | null,
  nullString: string | null,
): PgArray<string> | null {
  if (input === null) return null;
  if (input === '') return EMPTY as PgArray<string>;
  if (sep === null) return textArray(Array.from(input), nullString);
  if (sep === '') return textArray([input], nullString);
  return textArray(input.split(sep), nullString);
}

function elementType(r: Registry, arrayOid: number | undefined): AnyPgType {
  const arr = r.mustType(arrayOid ?? 0);
  return r.mustType(arr.elemOid);
}

/** The three-valued result of applying `opName` between `left` and each element. */
function scalarArrayOp(
  r: Registry,
  opName: string,
  leftTypeOid: number,
  elemTypeOid: number,
  left: unknown,
  array: PgArray | null,
  ctx: TypeContext,
  useOr: boolean,
): boolean | null {
  if (array === null) return null;
  if (array.elements.length === 0) return !useOr;
  if (left === null) {
    const op = r.findOperator(opName, leftTypeOid, elemTypeOid);
    const fn = op && r.findFunction(op.fn, [leftTypeOid, elemTypeOid]);
    if (!fn || fn.strict) return null;
  }
  let sawNull = false;
  for (const v of array.elements) {
    const res = r.operate(opName, leftTypeOid, elemTypeOid, [left, v], ctx);
    if (res === null || res === undefined) {
      sawNull = true;
    } else if (useOr && res === true) {
      return true;
    } else if (!useOr && res === false) {
      return false;
    }
  }
  return sawNull ? null : !useOr;
}

/** `left op ANY (array)` with SQL's three-valued logic. */
export function scalarArrayOpAny(
  r: Registry,
  opName: string,
  leftTypeOid: number,
  elemTypeOid: number,
  left: unknown,
  array: PgArray | null,
  ctx: TypeContext,
): boolean | null {
  return scalarArrayOp(r, opName, leftTypeOid, elemTypeOid, left, array, ctx, true);
}

/** `left op ALL (array)` with SQL's three-valued logic. */
export function scalarArrayOpAll(
  r: Registry,
  opName: string,
  leftTypeOid: number,
  elemTypeOid: number,
  left: unknown,
  array: PgArray | null,
  ctx: TypeContext,
): boolean | null {
  return scalarArrayOp(r, opName, leftTypeOid, elemTypeOid, left, array, ctx, false);
}

function ndims(a: PgArray): number {
  return a.elements.length === 0 ? 0 : a.dims.length;
}

function dimsText(a: PgArray): string {
  return a.dims.map((d, i) => `[${a.lbounds[i]!}:${a.lbounds[i]! + d - 1}]`).join('');
}

/** array_position / array_positions: the positions of `v` (NULL matches NULL) from `start`. */
function positions(
  elem: AnyPgType,
  a: PgArray,
  v: unknown,
  start: number | undefined,
  first: boolean,
): number[] {
  const out: number[] = [];
  const lb = a.lbounds[0]!;
  a.elements.forEach((x, i) => {
    if (first && out.length > 0) return;
    const pos = lb + i;
    if (start !== undefined && pos < start) return;
    if (x === null || v === null) {
      if (x === null && v === null) out.push(pos);
      return;
    }
    if (elem.compare(x, v) === 0) out.push(pos);
  });
  return out;
}

function multiDimSearch(): SqlError {
  return new SqlError(
    SqlState.FEATURE_NOT_SUPPORTED,
    'searching for elements in multidimensional arrays is not supported',
  );
}

/** array_replace_internal (array_remove when `remove`). */
function replaceInternal(
  elem: AnyPgType,
  a: PgArray,
  search: unknown,
  replace: unknown,
  remove: boolean,
): PgArray {
  if (a.elements.length === 0) return a;
  if (remove && a.dims.length > 1) {
    throw new SqlError(
      SqlState.FEATURE_NOT_SUPPORTED,
      'removing elements from multidimensional arrays is not supported',
    );
  }
  let changed = false;
  const out: unknown[] = [];
  for (const x of a.elements) {
    const match = x === null ? search === null : search !== null && elem.compare(x, search) === 0;
    if (match) {
      changed = true;
      if (!remove) out.push(replace);
    } else {
      out.push(x);
    }
  }
  if (!changed) return a;
  if (out.length === 0) return EMPTY;
  return { dims: remove ? [out.length] : a.dims, lbounds: a.lbounds, elements: out };
}

/** array_fill_internal. */
function arrayFill(value: unknown, dimsArr: PgArray, lbsArr: PgArray | null): PgArray {
  const checkShape = (arr: PgArray) => {
    if (ndims(arr) > 1) {
      throw subscriptError(
        'wrong number of array subscripts',
        'Dimension array must be one dimensional.',
      );
    }
    if (arr.elements.some((x) => x === null)) {
      throw new SqlError(SqlState.NULL_VALUE_NOT_ALLOWED, 'dimension values cannot be null');
    }
  };
  checkShape(dimsArr);
  const n = dimsArr.elements.length;
  if (n > MAXDIM) throw tooManyDims(n);
  const dims = dimsArr.elements as number[];
  let lbounds: number[];
  if (lbsArr !== null) {
    checkShape(lbsArr);
    if (lbsArr.elements.length !== n) {
      throw subscriptError(
        'wrong number of array subscripts',
        'Low bound array has different size than dimensions array.',
      );
    }
    lbounds = lbsArr.elements as number[];
  } else {
    lbounds = dims.map(() => 1);
  }
  const nitems = arrayGetNItems(dims);
  arrayCheckBounds(dims, lbounds);
  if (nitems <= 0) return EMPTY;
  return { dims, lbounds, elements: new Array<unknown>(nitems).fill(value) };
}

function trimArray(a: PgArray, n: number): PgArray {
  const len = ndims(a) > 0 ? a.dims[0]! : 0;
  if (n < 0 || n > len) {
    throw subscriptError(`number of elements to trim must be between 0 and ${len}`);
  }
  if (ndims(a) === 0) return EMPTY;
  return arraySlice(a, [undefined], [a.lbounds[0]! + len - n - 1]);
}

/** Registers the polymorphic array functions and operators. */
export function registerArrayFunctions(r: Registry): void {
  const elemOf = (argTypes: readonly number[], i: number) => elementType(r, argTypes[i]);
  const def = (
    name: string,
    args: number[],
    result: number,
    impl: (args: readonly unknown[], ctx: TypeContext, argTypes: readonly number[]) => unknown,
    options: { strict?: boolean; operator?: string; volatility?: 'i' | 's'; retset?: boolean } = {},
  ) => {
    // Another family may already define this signature; its definition wins.
    const exists = r
      .functions()
      .some(
        (f) =>
          f.name === name && f.args.length === args.length && f.args.every((a, i) => a === args[i]),
      );
    if (exists) return;
    r.addFunction({
      name,
      args,
      result,
      volatility: options.volatility ?? 'i',
      strict: options.strict ?? true,
      ...(options.retset ? { retset: true } : {}),
      impl,
    });
    if (options.operator !== undefined) {
      r.addOperator({ name: options.operator, left: args[0]!, right: args[1]!, result, fn: name });
    }
  };
  /** The element type of two array arguments, which must agree (42804 otherwise). */
  const sameElem = (argTypes: readonly number[]) => {
    if (argTypes[0] !== argTypes[1]) {
      throw new SqlError(
        SqlState.DATATYPE_MISMATCH,
        'cannot compare arrays of different element types',
      );
    }
    return elemOf(argTypes, 0);
  };
  const cmp = (args: readonly unknown[], argTypes: readonly number[]) =>
    compareArrays(sameElem(argTypes), args[0] as PgArray, args[1] as PgArray);

  const comparisons: Array<[string, string, (c: number) => boolean]> = [
    ['array_eq', '=', (c) => c === 0],
    ['array_ne', '<>', (c) => c !== 0],
    ['array_lt', '<', (c) => c < 0],
    ['array_gt', '>', (c) => c > 0],
    ['array_le', '<=', (c) => c <= 0],
    ['array_ge', '>=', (c) => c >= 0],
  ];
  for (const [name, op, test] of comparisons) {
    def(name, [anyarray, anyarray], bool, (args, _ctx, t) => test(cmp(args, t)), { operator: op });
  }
  def('btarraycmp', [anyarray, anyarray], int4, (args, _ctx, t) => Math.sign(cmp(args, t)));
  def('array_larger', [anyarray, anyarray], anyarray, (args, _ctx, t) =>
    cmp(args, t) > 0 ? args[0] : args[1],
  );
  def('array_smaller', [anyarray, anyarray], anyarray, (args, _ctx, t) =>
    cmp(args, t) < 0 ? args[0] : args[1],
  );
  def('hash_array', [anyarray], int4, ([a], _ctx, t) => r.mustType(t[0]!).hash(a));

  def(
    'arraycontains',
    [anyarray, anyarray],
    bool,
    ([a, b], _ctx, t) => containCompare(sameElem(t), a as PgArray, b as PgArray, true),
    { operator: '@>' },
  );
  def(
    'arraycontained',
    [anyarray, anyarray],
    bool,
    ([a, b], _ctx, t) => containCompare(sameElem(t), b as PgArray, a as PgArray, true),
    { operator: '<@' },
  );
  def(
    'arrayoverlap',
    [anyarray, anyarray],
    bool,
    ([a, b], _ctx, t) => containCompare(sameElem(t), a as PgArray, b as PgArray, false),
    { operator: '&&' },
  );

  // array_cat's operator first: anycompatible also matches arrays in findOperator.
  def(
    'array_cat',
    [anycompatiblearray, anycompatiblearray],
    anycompatiblearray,
    ([a, b], _ctx, t) => {
      if (a !== null && b !== null && t[0] !== t[1]) {
        const name = (oid: number | undefined) =>
          r.type(r.type(oid ?? 0)?.elemOid ?? 0)?.displayName ?? String(oid);
        throw new SqlError(SqlState.DATATYPE_MISMATCH, 'cannot concatenate incompatible arrays', {
          detail: `Arrays with element types ${name(t[0])} and ${name(t[1])} are not compatible for concatenation.`,
        });
      }
      return arrayCat(a as PgArray | null, b as PgArray | null);
    },
    { strict: false, operator: '||' },
  );
  def(
    'array_append',
    [anycompatiblearray, anycompatible],
    anycompatiblearray,
    ([a, v]) => arrayAppend(a as PgArray | null, v),
    { strict: false, operator: '||' },
  );
  def(
    'array_prepend',
    [anycompatible, anycompatiblearray],
    anycompatiblearray,
    ([v, a]) => arrayPrepend(v, a as PgArray | null),
    { strict: false, operator: '||' },
  );

  const dimFn = (pick: (a: PgArray, d: number) => number) => (args: readonly unknown[]) => {
    const a = args[0] as PgArray;
    const d = args[1] as number;
    if (ndims(a) <= 0 || d <= 0 || d > ndims(a)) return null;
    return pick(a, d - 1);
  };
  def(
    'array_length',
    [anyarray, int4],
    int4,
    dimFn((a, d) => a.dims[d]!),
  );
  def(
    'array_lower',
    [anyarray, int4],
    int4,
    dimFn((a, d) => a.lbounds[d]!),
  );
  def(
    'array_upper',
    [anyarray, int4],
    int4,
    dimFn((a, d) => a.dims[d]! + a.lbounds[d]! - 1),
  );
  def('array_ndims', [anyarray], int4, ([a]) =>
    ndims(a as PgArray) > 0 ? ndims(a as PgArray) : null,
  );
  def('array_dims', [anyarray], text, ([a]) =>
    ndims(a as PgArray) > 0 ? dimsText(a as PgArray) : null,
  );
  def('cardinality', [anyarray], int4, ([a]) => (a as PgArray).elements.length);

  const position = (args: readonly unknown[], t: readonly number[]) => {
    const a = args[0] as PgArray | null;
    if (a === null) return null;
    if (ndims(a) > 1) throw multiDimSearch();
    if (ndims(a) < 1) return null;
    const v = args[1] ?? null;
    if (v === null && !a.elements.includes(null)) return null;
    let start: number | undefined;
    if (args.length === 3) {
      if (args[2] === null || args[2] === undefined) {
        throw new SqlError(SqlState.NULL_VALUE_NOT_ALLOWED, 'initial position must not be null');
      }
      start = args[2] as number;
    }
    return positions(elemOf(t, 0), a, v, start, true)[0] ?? null;
  };
  def('array_position', [anycompatiblearray, anycompatible], int4, (a, _c, t) => position(a, t), {
    strict: false,
  });
  def(
    'array_position',
    [anycompatiblearray, anycompatible, int4],
    int4,
    (a, _c, t) => position(a, t),
    { strict: false },
  );
  def(
    'array_positions',
    [anycompatiblearray, anycompatible],
    _int4,
    ([a, v], _c, t) => {
      if (a === null) return null;
      const arr = a as PgArray;
      if (ndims(arr) > 1) throw multiDimSearch();
      if (ndims(arr) < 1) return EMPTY;
      const found = positions(elemOf(t, 0), arr, v ?? null, undefined, false);
      return makeArray([found.length], [1], found);
    },
    { strict: false },
  );
  def(
    'array_remove',
    [anycompatiblearray, anycompatible],
    anycompatiblearray,
    ([a, v], _c, t) =>
      a === null ? null : replaceInternal(elemOf(t, 0), a as PgArray, v ?? null, null, true),
    { strict: false },
  );
  def(
    'array_replace',
    [anycompatiblearray, anycompatible, anycompatible],
    anycompatiblearray,
    ([a, s, v], _c, t) =>
      a === null ? null : replaceInternal(elemOf(t, 0), a as PgArray, s ?? null, v ?? null, false),
    { strict: false },
  );

  const joinElements = (
    a: PgArray,
    sep: string,
    nullString: string | null,
    elem: AnyPgType,
    ctx: TypeContext,
  ) => {
    const parts: string[] = [];
    for (const v of a.elements) {
      if (v === null) {
        if (nullString !== null) parts.push(nullString);
      } else {
        parts.push(elem.output(v, ctx));
      }
    }
    return parts.join(sep);
  };
  def(
    'array_to_string',
    [anyarray, text],
    text,
    ([a, sep], ctx, t) => joinElements(a as PgArray, sep as string, null, elemOf(t, 0), ctx),
    { volatility: 's' },
  );
  def(
    'array_to_string',
    [anyarray, text, text],
    text,
    ([a, sep, ns], ctx, t) =>
      a === null || sep === null
        ? null
        : joinElements(
            a as PgArray,
            sep as string,
            (ns ?? null) as string | null,
            elemOf(t, 0),
            ctx,
          ),
    { volatility: 's', strict: false },
  );
  def(
    'string_to_array',
    [text, text],
    _text,
    ([s, sep]) => stringToArray((s ?? null) as string | null, (sep ?? null) as string | null, null),
    { strict: false },
  );
  def(
    'string_to_array',
    [text, text, text],
    _text,
    ([s, sep, ns]) =>
      stringToArray(
        (s ?? null) as string | null,
        (sep ?? null) as string | null,
        (ns ?? null) as string | null,
      ),
    { strict: false },
  );
  def('unnest', [anyarray], anyelement, ([a]) => (a as PgArray).elements.slice(), {
    retset: true,
  });
  def(
    'array_fill',
    [anyelement, _int4],
    anyarray,
    ([v, d]) => {
      if (d === null) {
        throw new SqlError(
          SqlState.NULL_VALUE_NOT_ALLOWED,
          'dimension array or low bound array cannot be null',
        );
      }
      return arrayFill(v ?? null, d as PgArray, null);
    },
    { strict: false },
  );
  def(
    'array_fill',
    [anyelement, _int4, _int4],
    anyarray,
    ([v, d, l]) => {
      if (d === null || l === null) {
        throw new SqlError(
          SqlState.NULL_VALUE_NOT_ALLOWED,
          'dimension array or low bound array cannot be null',
        );
      }
      return arrayFill(v ?? null, d as PgArray, l as PgArray);
    },
    { strict: false },
  );
  def('trim_array', [anyarray, int4], anyarray, ([a, n]) => trimArray(a as PgArray, n as number));
  def('width_bucket', [anycompatible, anycompatiblearray], int4, ([x, th], _c, t) => {
    const thresholds = th as PgArray;
    if (ndims(thresholds) > 1) throw subscriptError('thresholds must be one-dimensional array');
    if (thresholds.elements.includes(null)) {
      throw new SqlError(
        SqlState.NULL_VALUE_NOT_ALLOWED,
        'thresholds array must not contain NULLs',
      );
    }
    const elem = elemOf(t, 1);
    let left = 0;
    let right = thresholds.elements.length;
    while (left < right) {
      const mid = (left + right) >> 1;
      if (elem.compare(x, thresholds.elements[mid]) < 0) right = mid;
      else left = mid + 1;
    }
    return left;
  });
  const subscripts = (a: PgArray, dim: number, reverse: boolean): number[] => {
    if (ndims(a) <= 0 || dim < 1 || dim > ndims(a)) return [];
    const lb = a.lbounds[dim - 1]!;
    const out = Array.from({ length: a.dims[dim - 1]! }, (_, i) => lb + i);
    return reverse ? out.reverse() : out;
  };
  def(
    'generate_subscripts',
    [anyarray, int4],
    int4,
    ([a, d]) => subscripts(a as PgArray, d as number, false),
    { retset: true },
  );
  def(
    'generate_subscripts',
    [anyarray, int4, bool],
    int4,
    ([a, d, rev]) => subscripts(a as PgArray, d as number, rev as boolean),
    { retset: true },
  );
}

/**
 * Element-wise coercion (what array_map does for array casts such as
 * int4[] -> text[]): applies `fn` to every non-NULL element, keeping the shape.
 */
export function mapArray<T, U>(arr: PgArray<T>, fn: (v: T) => U | null): PgArray<U> {
  return {
    dims: arr.dims,
    lbounds: arr.lbounds,
    elements: arr.elements.map((v) => (v === null ? null : fn(v))),
  };
}

/**
 * array_set_element: `arr[subscripts] := value` (a NULL array counts as
 * empty). A one-dimensional array grows to take the subscript, filling the
 * gap with NULLs; a multi-dimensional one must already span it.
 */
export function arraySet<T>(
  arr: PgArray<T> | null,
  subscripts: readonly number[],
  value: T | null,
): PgArray<T> {
  const a = arr ?? (EMPTY as PgArray<T>);
  const n = subscripts.length;
  const ndim = a.elements.length === 0 ? 0 : a.dims.length;
  if (ndim === 0) {
    if (n <= 0 || n > MAXDIM) throw subscriptError('wrong number of array subscripts');
    const dims = subscripts.map(() => 1);
    arrayCheckBounds(dims, subscripts);
    return { dims, lbounds: [...subscripts], elements: [value] };
  }
  if (ndim !== n) throw subscriptError('wrong number of array subscripts');
  if (ndim === 1) {
    const s = subscripts[0]!;
    let lb = a.lbounds[0]!;
    let dim = a.dims[0]!;
    let before = 0;
    let after = 0;
    const tooBig = () =>
      new SqlError(
        SqlState.PROGRAM_LIMIT_EXCEEDED,
        'array size exceeds the maximum allowed (134217727)',
      );
    if (s < lb) {
      before = lb - s;
      if (before > 2147483647 || dim + before > 2147483647) throw tooBig();
      dim += before;
      lb = s;
    }
    if (s >= dim + lb) {
      after = s - (dim + lb) + 1;
      if (after > 2147483647 || dim + after > 2147483647) throw tooBig();
      dim += after;
    }
    arrayGetNItems([dim]);
    arrayCheckBounds([dim], [lb]);
    const elements: (T | null)[] = [
      ...new Array<T | null>(before).fill(null),
      ...a.elements,
      ...new Array<T | null>(after).fill(null),
    ];
    elements[s - lb] = value;
    return { dims: [dim], lbounds: [lb], elements };
  }
  const off = offsetOf(a, subscripts);
  if (off < 0) throw subscriptError('array subscript out of range');
  const elements = [...a.elements];
  elements[off] = value;
  return { dims: a.dims, lbounds: a.lbounds, elements };
}
