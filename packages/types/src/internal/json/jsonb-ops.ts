/**
 * The jsonb processing functions of PostgreSQL 15 (jsonfuncs.c, jsonb_op.c,
 * jsonb.c) over JsonbValue (see jsonb-value.ts): field and element access,
 * paths, existence, concatenation, deletion, jsonb_set / jsonb_insert,
 * jsonb_strip_nulls and the casts to scalar types. Errors carry
 * PostgreSQL's SQLSTATE and message text.
 */
import type { PgArray } from '../core/array-value.js';
import { SqlError, SqlState } from '../core/errors.js';
import {
  isArray,
  isNull,
  isNumber,
  isObject,
  isScalar,
  type JsonbObject,
  type JsonbValue,
  jsonbToText,
  makeObject,
} from './jsonb-value.js';

function invalidParameter(message: string, hint?: string): SqlError {
  return new SqlError(SqlState.INVALID_PARAMETER_VALUE, message, hint ? { hint } : {});
}

/** jsonb_typeof. */
export function jsonbTypeof(v: JsonbValue): string {
  if (isObject(v)) return 'object';
  if (isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (isNumber(v)) return 'number';
  return 'null';
}

/** JsonbValueAsText: ->> and friends (null for JSON null). */
export function jsonbAsText(v: JsonbValue): string | null {
  if (typeof v === 'string') return v;
  if (isNull(v)) return null;
  return jsonbToText(v);
}

/** jsonb_object_field (->): null unless an object with that key. */
export function objectField(v: JsonbValue, key: string): JsonbValue | null {
  if (!isObject(v)) return null;
  return v.pairs.find(([k]) => k === key)?.[1] ?? null;
}

/** jsonb_array_element (->): negative indexes count from the end; raw scalars act as arrays. */
export function arrayElement(v: JsonbValue, index: number): JsonbValue | null {
  const elems = isArray(v) ? v : isScalar(v) ? [v] : null;
  if (!elems) return null;
  const i = index < 0 ? elems.length + index : index;
  if (i < 0 || i >= elems.length) return null;
  return elems[i]!;
}

/** strtoint(text, &end, 10) accepting the whole string, or undefined. */
export function strtoint(s: string): number | undefined {
  const m = /^[ \t\n\r\f\v]*([+-]?\d+)$/.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n < -2147483648 || n > 2147483647) return undefined;
  return n;
}

/** The path of #> and friends as strings, or null when it holds a NULL. */
function pathStrings(path: PgArray<string>): string[] | null {
  if (path.elements.some((e) => e === null)) return null;
  return path.elements as string[];
}

/** get_jsonb_path_all: #> (asText false) and #>> (asText true). */
export function extractPath(
  v: JsonbValue,
  path: PgArray<string>,
  asText: boolean,
): JsonbValue | string | null {
  const p = pathStrings(path);
  if (!p) return null;
  let cur: JsonbValue = v;
  if (p.length === 0) return asText ? (isScalar(v) ? jsonbAsText(v) : jsonbToText(v)) : v;
  for (const step of p) {
    let next: JsonbValue | null;
    if (isObject(cur)) next = objectField(cur, step);
    else if (isArray(cur)) {
      const i = strtoint(step);
      if (i === undefined) return null;
      next = i < 0 && -i > cur.length ? null : arrayElement(cur, i);
    } else {
      return null;
    }
    if (next === null) return null;
    cur = next;
  }
  return asText ? jsonbAsText(cur) : cur;
}

/** jsonb_exists (?): a top-level key, or a string element of an array (or raw scalar). */
export function exists(v: JsonbValue, key: string): boolean {
  if (isObject(v)) return v.pairs.some(([k]) => k === key);
  const elems = isArray(v) ? v : [v];
  return elems.some((e) => e === key);
}

/** ?| and ?& (NULL keys are skipped). */
export function existsAny(v: JsonbValue, keys: PgArray<string>, all: boolean): boolean {
  const present = keys.elements.filter((k): k is string => k !== null);
  return all ? present.every((k) => exists(v, k)) : present.some((k) => exists(v, k));
}

/** jsonb_concat (||), with raw scalars promoted to one-element arrays. */
export function concat(a: JsonbValue, b: JsonbValue): JsonbValue {
  const aObj = isObject(a);
  const bObj = isObject(b);
  if (aObj === bObj) {
    const count = (x: JsonbValue) => (isObject(x) ? x.pairs.length : isArray(x) ? x.length : 1);
    if (count(a) === 0 && !isScalar(b)) return b;
    if (count(b) === 0 && !isScalar(a)) return a;
  }
  const elems = (x: JsonbValue): JsonbValue[] => (isArray(x) ? [...x] : [x]);
  if (aObj && bObj) return makeObject([...a.pairs, ...b.pairs]);
  if (aObj) return [a, ...elems(b)];
  if (bObj) return [...elems(a), b];
  return [...elems(a), ...elems(b)];
}

/** jsonb_delete(jsonb, text) and jsonb_delete(jsonb, VARIADIC text[]). */
export function deleteKeys(v: JsonbValue, keys: readonly (string | null)[]): JsonbValue {
  if (isScalar(v)) throw invalidParameter('cannot delete from scalar');
  const drop = new Set(keys.filter((k): k is string => k !== null));
  if (isObject(v)) {
    if (v.pairs.length === 0 || drop.size === 0) return v;
    return { kind: 'object', pairs: v.pairs.filter(([k]) => !drop.has(k)) };
  }
  const arr = v as readonly JsonbValue[];
  if (arr.length === 0) return v;
  return arr.filter((e) => !(typeof e === 'string' && drop.has(e)));
}

/** jsonb_delete(jsonb, integer). */
export function deleteIndex(v: JsonbValue, index: number): JsonbValue {
  if (isScalar(v)) throw invalidParameter('cannot delete from scalar');
  if (isObject(v)) throw invalidParameter('cannot delete from object using integer index');
  const arr = v as readonly JsonbValue[];
  if (arr.length === 0) return v;
  let i = index;
  if (i < 0) {
    if (-i > arr.length) return v;
    i += arr.length;
  }
  if (i >= arr.length) return v;
  return arr.filter((_, j) => j !== i);
}

const CREATE = 0x1;
const DELETE = 0x2;
const REPLACE = 0x4;
const INSERT_BEFORE = 0x8;
const INSERT_AFTER = 0x10;
const CREATE_OR_INSERT = CREATE | INSERT_BEFORE | INSERT_AFTER;

function setPath(
  v: JsonbValue,
  path: readonly (string | null)[],
  level: number,
  newval: JsonbValue | undefined,
  op: number,
): JsonbValue {
  if (path[level] === null) {
    throw new SqlError(
      SqlState.NULL_VALUE_NOT_ALLOWED,
      `path element at position ${level + 1} is null`,
    );
  }
  if (isArray(v)) return setPathArray(v, path, level, newval, op);
  if (isObject(v)) return setPathObject(v, path, level, newval, op);
  return v;
}

function setPathObject(
  v: JsonbObject,
  path: readonly (string | null)[],
  level: number,
  newval: JsonbValue | undefined,
  op: number,
): JsonbValue {
  const key = path[level]!;
  const last = level === path.length - 1;
  const pairs: (readonly [string, JsonbValue])[] = [];
  let done = false;
  if (v.pairs.length === 0 && op & CREATE_OR_INSERT && last) pairs.push([key, newval!]);
  v.pairs.forEach(([k, x], i) => {
    if (!done && k === key) {
      done = true;
      if (last) {
        if (op & (INSERT_BEFORE | INSERT_AFTER)) {
          throw invalidParameter(
            'cannot replace existing key',
            'Try using the function jsonb_set to replace key value.',
          );
        }
        if (!(op & DELETE)) pairs.push([k, newval!]);
      } else {
        pairs.push([k, setPath(x, path, level + 1, newval, op)]);
      }
      return;
    }
    if (op & CREATE_OR_INSERT && !done && last && i === v.pairs.length - 1) {
      pairs.push([key, newval!]);
    }
    pairs.push([k, x]);
  });
  return makeObject(pairs);
}

function setPathArray(
  v: readonly JsonbValue[],
  path: readonly (string | null)[],
  level: number,
  newval: JsonbValue | undefined,
  op: number,
): JsonbValue {
  const nelems = v.length;
  const text = path[level]!;
  const parsed = strtoint(text);
  if (parsed === undefined) {
    throw new SqlError(
      SqlState.INVALID_TEXT_REPRESENTATION,
      `path element at position ${level + 1} is not an integer: "${text}"`,
    );
  }
  let idx = parsed;
  const INT_MIN = -2147483648;
  if (idx < 0) idx = -idx > nelems ? INT_MIN : nelems + idx;
  if (idx > 0 && idx > nelems) idx = nelems;
  const last = level === path.length - 1;
  const out: JsonbValue[] = [];
  let done = false;
  if ((idx === INT_MIN || nelems === 0) && last && op & CREATE_OR_INSERT) {
    out.push(newval!);
    done = true;
  }
  v.forEach((x, i) => {
    if (i === idx) {
      done = true;
      if (last) {
        if (op & (INSERT_BEFORE | CREATE)) out.push(newval!);
        if (op & (INSERT_AFTER | INSERT_BEFORE)) out.push(x);
        if (op & (INSERT_AFTER | REPLACE)) out.push(newval!);
      } else out.push(setPath(x, path, level + 1, newval, op));
      return;
    }
    out.push(x);
  });
  if (op & CREATE_OR_INSERT && !done && last) out.push(newval!);
  return out;
}

/** jsonb_set(target, path, new, create_if_missing). */
export function jsonbSet(
  v: JsonbValue,
  path: PgArray<string>,
  newval: JsonbValue,
  create: boolean,
): JsonbValue {
  if (isScalar(v)) throw invalidParameter('cannot set path in scalar');
  const count = isObject(v) ? v.pairs.length : (v as readonly JsonbValue[]).length;
  if (count === 0 && !create) return v;
  if (path.elements.length === 0) return v;
  return setPath(v, path.elements, 0, newval, create ? CREATE : REPLACE);
}

/** jsonb_insert(target, path, new, insert_after). */
export function jsonbInsert(
  v: JsonbValue,
  path: PgArray<string>,
  newval: JsonbValue,
  after: boolean,
): JsonbValue {
  if (isScalar(v)) throw invalidParameter('cannot set path in scalar');
  if (path.elements.length === 0) return v;
  return setPath(v, path.elements, 0, newval, after ? INSERT_AFTER : INSERT_BEFORE);
}

/** jsonb_delete_path (#-). */
export function deletePath(v: JsonbValue, path: PgArray<string>): JsonbValue {
  if (isScalar(v)) throw invalidParameter('cannot delete path in scalar');
  const count = isObject(v) ? v.pairs.length : (v as readonly JsonbValue[]).length;
  if (count === 0 || path.elements.length === 0) return v;
  return setPath(v, path.elements, 0, undefined, DELETE);
}

/** jsonb_strip_nulls: drops object fields whose value is null, recursively. */
export function stripNulls(v: JsonbValue): JsonbValue {
  if (isArray(v)) return v.map(stripNulls);
  if (isObject(v)) {
    return {
      kind: 'object',
      pairs: v.pairs.filter(([, x]) => !isNull(x)).map(([k, x]) => [k, stripNulls(x)] as const),
    };
  }
  return v;
}

/** cannotCastJsonbValue. */
export function cannotCast(v: JsonbValue, sqltype: string): SqlError {
  const what = isObject(v)
    ? 'object'
    : isArray(v)
      ? 'array'
      : typeof v === 'string'
        ? 'string'
        : typeof v === 'boolean'
          ? 'boolean'
          : isNumber(v)
            ? 'numeric'
            : 'null';
  return invalidParameter(`cannot cast jsonb ${what} to type ${sqltype}`);
}

/** The numeric text of a jsonb scalar number, or the cast error. */
export function numberText(v: JsonbValue, sqltype: string): string {
  if (!isNumber(v)) throw cannotCast(v, sqltype);
  return v.text;
}

/** numeric -> integer with rounding half away from zero (numeric_int4 and friends). */
export function roundToBigInt(text: string): bigint {
  const neg = text.startsWith('-');
  const [ip, fp = ''] = (neg ? text.slice(1) : text).split('.') as [string, string?];
  let n = BigInt(ip);
  if ((fp[0] ?? '0') >= '5') n += 1n;
  return neg ? -n : n;
}

/**
 * jsonb_set_lax(target, path, new, create_if_missing, null_value_treatment):
 * not strict; an SQL NULL `new` is handled per the treatment.
 */
export function jsonbSetLax(
  v: JsonbValue | null,
  path: PgArray<string> | null,
  newval: JsonbValue | null,
  create: boolean | null,
  treatment: string | null,
  jsonNull: JsonbValue,
): JsonbValue | null {
  if (v === null || path === null || create === null) return null;
  const bad = () =>
    invalidParameter(
      'null_value_treatment must be "delete_key", "return_target", "use_json_null", or "raise_exception"',
    );
  if (treatment === null) throw bad();
  if (newval !== null) return jsonbSet(v, path, newval, create);
  switch (treatment) {
    case 'raise_exception':
      throw new SqlError(SqlState.NULL_VALUE_NOT_ALLOWED, 'JSON value must not be null', {
        detail: 'Exception was raised because null_value_treatment is "raise_exception".',
        hint: 'To avoid, either change the null_value_treatment argument or ensure that an SQL NULL is not passed.',
      });
    case 'delete_key':
      return deletePath(v, path);
    case 'return_target':
      return v;
    case 'use_json_null':
      return jsonbSet(v, path, jsonNull, create);
    default:
      throw bad();
  }
}
