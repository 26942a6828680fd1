/**
 * Converting SQL values of any type to JSON, as to_jsonb / to_json,
 * jsonb_build_object / json_build_object, jsonb_build_array /
 * json_build_array and the jsonb_agg / json_agg aggregates do
 * (datum_to_jsonb and datum_to_json): by the value's type OID,
 *  - bool: true / false
 *  - int2, int4, int8, float4, float8, numeric: a number when the type's
 *    text output is a JSON number, else a string ('NaN', 'Infinity')
 *  - date, timestamp, timestamptz: ISO 8601 strings ('2020-01-01T10:00:00+00:00')
 *  - json, jsonb: embedded as they are
 *  - arrays (PgArray): JSON arrays, nested per dimension
 *  - anything else: its text output as a string
 * Composite (record) values are not supported yet (0A000).
 */
import type { PgArray } from '../core/array-value.js';
import { defaultContext, type TypeContext } from '../core/context.js';
import { SqlError, SqlState } from '../core/errors.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import { isPgRecord, type PgRecord } from '../records/record-value.js';
import { isJsonNumber, normalizeNumber } from './decimal.js';
import {
  escapeJson,
  JSONB_NULL,
  type JsonbValue,
  jsonbNumber,
  jsonbToText,
  makeObject,
} from './jsonb-value.js';
import { parseJsonb } from './types.js';

const NUMERIC_TYPES: ReadonlySet<number> = new Set([
  TypeOid.int2,
  TypeOid.int4,
  TypeOid.int8,
  TypeOid.float4,
  TypeOid.float8,
  TypeOid.numeric,
]);

/** Array type OID -> element type OID, for when the arrays family is not registered. */
const ELEMENT_OF: ReadonlyMap<number, number> = new Map(
  Object.entries(TypeOid)
    .filter(([name]) => name.startsWith('_'))
    .map(([name, oid]) => [oid, TypeOid[name.slice(1) as keyof typeof TypeOid]] as const),
);

function elementType(oid: number, r: Registry): number | undefined {
  const t = r.type(oid);
  if (t && t.elemOid !== 0 && t.len === -1) return t.elemOid;
  return ELEMENT_OF.get(oid);
}

function isPgArray(v: unknown): v is PgArray {
  return (
    typeof v === 'object' &&
    v !== null &&
    'dims' in v &&
    'lbounds' in v &&
    'elements' in v &&
    Array.isArray((v as PgArray).elements)
  );
}

function outputText(value: unknown, oid: number, r: Registry, ctx: TypeContext): string {
  const t = r.type(oid);
  if (t) return t.output(value, ctx);
  if (typeof value === 'string') return value;
  if (oid === TypeOid.unknown || oid === TypeOid.text) return String(value);
  throw new SqlError(SqlState.FEATURE_NOT_SUPPORTED, `no output function for type ${oid}`);
}

/** JsonEncodeDateTime: the XSD form of date/timestamp/timestamptz text output. */
function isoDateTime(text: string, oid: number): string {
  if (oid === TypeOid.date) return text;
  const m = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d(?::\d\d){0,2})?( BC)?$/.exec(
    text,
  );
  if (!m) return text;
  let zone = m[3] ?? '';
  if (zone.length === 3) zone += ':00';
  return `${m[1]}T${m[2]}${zone}${m[4] ?? ''}`;
}

type Category = 'bool' | 'number' | 'datetime' | 'json' | 'jsonb' | 'array' | 'composite' | 'other';

function categorize(oid: number, value: unknown, r: Registry): Category {
  if (oid === TypeOid.bool) return 'bool';
  if (NUMERIC_TYPES.has(oid)) return 'number';
  if (oid === TypeOid.date || oid === TypeOid.timestamp || oid === TypeOid.timestamptz) {
    return 'datetime';
  }
  if (oid === TypeOid.json) return 'json';
  if (oid === TypeOid.jsonb) return 'jsonb';
  if (elementType(oid, r) !== undefined || isPgArray(value)) return 'array';
  if (oid === TypeOid.record || isPgRecord(value)) return 'composite';
  return 'other';
}

/** Nests a PgArray's flat elements per dimension. */
function nest<T>(a: PgArray, leaf: (v: unknown) => T, wrap: (items: T[]) => T, empty: T): T {
  if (a.dims.length === 0) return empty;
  let at = 0;
  const walk = (dim: number): T => {
    const items: T[] = [];
    for (let i = 0; i < a.dims[dim]!; i++) {
      items.push(dim === a.dims.length - 1 ? leaf(a.elements[at++]) : walk(dim + 1));
    }
    return wrap(items);
  };
  return walk(0);
}

/**
 * datum_to_jsonb: the jsonb value of `value` (null for SQL NULL) of type
 * `typeOid`. This is also what jsonb_agg uses for each element.
 */
export function toJsonbElement(
  value: unknown,
  typeOid: number,
  registry: Registry,
  ctx: TypeContext = defaultContext(),
): JsonbValue {
  if (value === null || value === undefined) return JSONB_NULL;
  switch (categorize(typeOid, value, registry)) {
    case 'bool':
      return value as boolean;
    case 'number': {
      const text = outputText(value, typeOid, registry, ctx);
      return isJsonNumber(text) ? jsonbNumber(normalizeNumber(text)) : text;
    }
    case 'datetime':
      return isoDateTime(outputText(value, typeOid, registry, ctx), typeOid);
    case 'json':
      return parseJsonb(value as string);
    case 'jsonb':
      return value as JsonbValue;
    case 'array': {
      const elem = elementType(typeOid, registry) ?? TypeOid.text;
      return nest<JsonbValue>(
        value as PgArray,
        (e) => toJsonbElement(e, elem, registry, ctx),
        (items) => items,
        [],
      );
    }
    case 'composite': {
      // composite_to_jsonb: an object of the columns by name
      const rec = value as PgRecord;
      return makeObject(
        rec.fields.map(
          (f, i) => [f.name, toJsonbElement(rec.values[i] ?? null, f.type, registry, ctx)] as const,
        ),
      );
    }
    default:
      return outputText(value, typeOid, registry, ctx);
  }
}

/** datum_to_json: the json text of `value` of type `typeOid` (to_json, json_build_*). */
export function toJsonText(
  value: unknown,
  typeOid: number,
  registry: Registry,
  ctx: TypeContext = defaultContext(),
): string {
  if (value === null || value === undefined) return 'null';
  switch (categorize(typeOid, value, registry)) {
    case 'bool':
      return value ? 'true' : 'false';
    case 'number': {
      const text = outputText(value, typeOid, registry, ctx);
      return isJsonNumber(text) ? text : escapeJson(text);
    }
    case 'datetime':
      return escapeJson(isoDateTime(outputText(value, typeOid, registry, ctx), typeOid));
    case 'json':
      return value as string;
    case 'jsonb':
      return jsonbToText(value as JsonbValue);
    case 'array': {
      const elem = elementType(typeOid, registry) ?? TypeOid.text;
      return nest<string>(
        value as PgArray,
        (e) => toJsonText(e, elem, registry, ctx),
        (items) => `[${items.join(',')}]`,
        '[]',
      );
    }
    case 'composite': {
      // composite_to_json: the columns in order, "name":value
      const rec = value as PgRecord;
      const cols = rec.fields.map(
        (f, i) =>
          `${escapeJson(f.name)}:${toJsonText(rec.values[i] ?? null, f.type, registry, ctx)}`,
      );
      return `{${cols.join(',')}}`;
    }
    default:
      return escapeJson(outputText(value, typeOid, registry, ctx));
  }
}

/** An object key: scalars only, numbers as their text output (always quoted). */
function keyText(value: unknown, oid: number, r: Registry, ctx: TypeContext): string {
  const c = categorize(oid, value, r);
  if (c === 'array' || c === 'json' || c === 'jsonb' || c === 'composite') {
    throw new SqlError(
      SqlState.INVALID_PARAMETER_VALUE,
      'key value must be scalar, not array, composite, or json',
    );
  }
  if (c === 'bool') return value ? 'true' : 'false';
  const text = outputText(value, oid, r, ctx);
  return c === 'datetime' ? isoDateTime(text, oid) : text;
}

function checkEven(n: number, fnName: string): void {
  if (n % 2 !== 0) {
    throw new SqlError(
      SqlState.INVALID_PARAMETER_VALUE,
      'argument list must have even number of elements',
      {
        hint: `The arguments of ${fnName}() must consist of alternating keys and values.`,
      },
    );
  }
}

/** jsonb_build_object(VARIADIC "any"). */
export function jsonbBuildObject(
  args: readonly unknown[],
  types: readonly number[],
  r: Registry,
  ctx: TypeContext,
): JsonbValue {
  checkEven(args.length, 'jsonb_build_object');
  const pairs: (readonly [string, JsonbValue])[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const k = args[i];
    if (k === null || k === undefined) {
      throw new SqlError(
        SqlState.INVALID_PARAMETER_VALUE,
        `argument ${i + 1}: key must not be null`,
      );
    }
    pairs.push([keyText(k, types[i]!, r, ctx), toJsonbElement(args[i + 1], types[i + 1]!, r, ctx)]);
  }
  return makeObject(pairs);
}

/** jsonb_build_array(VARIADIC "any"). */
export function jsonbBuildArray(
  args: readonly unknown[],
  types: readonly number[],
  r: Registry,
  ctx: TypeContext,
): JsonbValue {
  return args.map((a, i) => toJsonbElement(a, types[i]!, r, ctx));
}

/** json_build_object(VARIADIC "any"): `{"a" : 1, "b" : 2}`. */
export function jsonBuildObject(
  args: readonly unknown[],
  types: readonly number[],
  r: Registry,
  ctx: TypeContext,
): string {
  checkEven(args.length, 'json_build_object');
  const parts: string[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const k = args[i];
    if (k === null || k === undefined) {
      throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, `argument ${i + 1} cannot be null`, {
        hint: 'Object keys should be text.',
      });
    }
    const key = escapeJson(keyText(k, types[i]!, r, ctx));
    parts.push(`${key} : ${toJsonText(args[i + 1], types[i + 1]!, r, ctx)}`);
  }
  return `{${parts.join(', ')}}`;
}

/** json_build_array(VARIADIC "any"): `[1, "a", null]`. */
export function jsonBuildArray(
  args: readonly unknown[],
  types: readonly number[],
  r: Registry,
  ctx: TypeContext,
): string {
  return `[${args.map((a, i) => toJsonText(a, types[i]!, r, ctx)).join(', ')}]`;
}

/** array_to_json(anyarray [, pretty]): with pretty, top-level elements are separated by ",\n ". */
export function arrayToJson(
  value: PgArray,
  typeOid: number,
  pretty: boolean,
  r: Registry,
  ctx: TypeContext,
): string {
  const elem = elementType(typeOid, r) ?? TypeOid.text;
  if (value.dims.length === 0) return '[]';
  let at = 0;
  const walk = (dim: number): string => {
    const items: string[] = [];
    for (let i = 0; i < value.dims[dim]!; i++) {
      items.push(
        dim === value.dims.length - 1
          ? toJsonText(value.elements[at++], elem, r, ctx)
          : walk(dim + 1),
      );
    }
    return `[${items.join(pretty && dim === 0 ? ',\n ' : ',')}]`;
  };
  return walk(0);
}

function subscriptError(message: string): SqlError {
  return new SqlError(SqlState.ARRAY_SUBSCRIPT_ERROR, message);
}

/** The [key, value] pairs of json_object / jsonb_object (text[] [, text[]]). */
function objectPairs(a: PgArray<string>, b?: PgArray<string>): [string, string | null][] {
  const pairs: [string, string | null][] = [];
  if (b !== undefined) {
    if (a.dims.length > 1 || a.dims.length !== b.dims.length) {
      throw subscriptError('wrong number of array subscripts');
    }
    if (a.elements.length !== b.elements.length) {
      throw subscriptError('mismatched array dimensions');
    }
    a.elements.forEach((k, i) => {
      pairs.push([checkKey(k), b.elements[i] ?? null]);
    });
    return pairs;
  }
  if (a.dims.length === 1) {
    if (a.dims[0]! % 2 !== 0) throw subscriptError('array must have even number of elements');
  } else if (a.dims.length === 2) {
    if (a.dims[1] !== 2) throw subscriptError('array must have two columns');
  } else if (a.dims.length !== 0) {
    throw subscriptError('wrong number of array subscripts');
  }
  for (let i = 0; i < a.elements.length; i += 2) {
    pairs.push([checkKey(a.elements[i] ?? null), a.elements[i + 1] ?? null]);
  }
  return pairs;
}

function checkKey(k: string | null): string {
  if (k === null) {
    throw new SqlError(SqlState.NULL_VALUE_NOT_ALLOWED, 'null value not allowed for object key');
  }
  return k;
}

/** jsonb_object(text[]) and jsonb_object(keys text[], values text[]). */
export function jsonbObjectFromArrays(a: PgArray<string>, b?: PgArray<string>): JsonbValue {
  return makeObject(objectPairs(a, b).map(([k, v]) => [k, v === null ? JSONB_NULL : v] as const));
}

/** json_object(text[]) and json_object(keys text[], values text[]): `{"a" : "1"}`. */
export function jsonObjectFromArrays(a: PgArray<string>, b?: PgArray<string>): string {
  const parts = objectPairs(a, b).map(
    ([k, v]) => `${escapeJson(k)} : ${v === null ? 'null' : escapeJson(v)}`,
  );
  return `{${parts.join(', ')}}`;
}

/**
 * json_agg's result over `values` of type `typeOid` (NULL, that is null,
 * for no rows): `[1, null, 3]`, with "\n " before each non-first, non-null
 * array element, as json_agg_transfn does.
 */
export function jsonAgg(
  values: readonly unknown[],
  typeOid: number,
  r: Registry,
  ctx: TypeContext = defaultContext(),
): string | null {
  if (values.length === 0) return null;
  let out = '[';
  values.forEach((v, i) => {
    if (i > 0) out += ', ';
    if (i > 0 && v !== null && v !== undefined) {
      const c = categorize(typeOid, v, r);
      if (c === 'array' || c === 'composite') out += '\n ';
    }
    out += toJsonText(v, typeOid, r, ctx);
  });
  return `${out}]`;
}

/** jsonb_agg's result (null for no rows). */
export function jsonbAgg(
  values: readonly unknown[],
  typeOid: number,
  r: Registry,
  ctx: TypeContext = defaultContext(),
): JsonbValue | null {
  if (values.length === 0) return null;
  return values.map((v) => toJsonbElement(v, typeOid, r, ctx));
}

function fieldName(k: unknown, keyType: number, r: Registry, ctx: TypeContext): string {
  if (k === null || k === undefined) {
    throw new SqlError(SqlState.INVALID_PARAMETER_VALUE, 'field name must not be null');
  }
  return keyText(k, keyType, r, ctx);
}

/** json_object_agg's result (null for no rows): `{ "a" : 1, "b" : null }`, duplicates kept. */
export function jsonObjectAgg(
  pairs: readonly (readonly [unknown, unknown])[],
  keyType: number,
  valueType: number,
  r: Registry,
  ctx: TypeContext = defaultContext(),
): string | null {
  if (pairs.length === 0) return null;
  const parts = pairs.map(
    ([k, v]) =>
      `${escapeJson(fieldName(k, keyType, r, ctx))} : ${toJsonText(v, valueType, r, ctx)}`,
  );
  return `{ ${parts.join(', ')} }`;
}

/** jsonb_object_agg's result (null for no rows); the last of duplicate keys wins. */
export function jsonbObjectAgg(
  pairs: readonly (readonly [unknown, unknown])[],
  keyType: number,
  valueType: number,
  r: Registry,
  ctx: TypeContext = defaultContext(),
): JsonbValue | null {
  if (pairs.length === 0) return null;
  return makeObject(
    pairs.map(
      ([k, v]) => [fieldName(k, keyType, r, ctx), toJsonbElement(v, valueType, r, ctx)] as const,
    ),
  );
}
