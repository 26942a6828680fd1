/**
 * Registers the json family: the json and jsonb types, jsonb's B-tree
 * comparison operators, the json/jsonb operators (-> ->> #> #>> @> <@ ? ?|
 * ?& || - #-), the processing and construction functions, and the casts
 * json <-> jsonb and jsonb -> bool / numeric / int2 / int4 / int8 /
 * float4 / float8. Set-returning functions return Iterables; jsonb_each and
 * jsonb_each_text yield each row as a JavaScript array [key, value].
 */

import type { PgArray } from '../core/array-value.js';
import type { TypeContext } from '../core/context.js';
import { fn } from '../core/define.js';
import { outOfRange, SqlError, SqlState } from '../core/errors.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import {
  jsonArrayElement,
  jsonArrayElements,
  jsonArrayLength,
  jsonEach,
  jsonExtractPath,
  jsonObjectField,
  jsonObjectKeys,
  jsonStripNulls,
  jsonTypeof,
} from './json-ops.js';
import {
  arrayElement,
  cannotCast,
  concat,
  deleteIndex,
  deleteKeys,
  deletePath,
  exists,
  existsAny,
  extractPath,
  jsonbAsText,
  jsonbInsert,
  jsonbSet,
  jsonbSetLax,
  jsonbTypeof,
  numberText,
  objectField,
  roundToBigInt,
  stripNulls,
} from './jsonb-ops.js';
import {
  compareJsonb,
  isArray,
  isObject,
  isScalar,
  JSONB_NULL,
  type JsonbValue,
  jsonbContains,
  jsonbPretty,
  jsonbToText,
} from './jsonb-value.js';
import {
  arrayToJson,
  jsonBuildArray,
  jsonBuildObject,
  jsonbBuildArray,
  jsonbBuildObject,
  jsonbObjectFromArrays,
  jsonObjectFromArrays,
  toJsonbElement,
  toJsonText,
} from './to-json.js';
import { jsonbType, jsonType, parseJsonb, parseJsonText } from './types.js';

export type { JsonbNull, JsonbNumber, JsonbObject, JsonbValue } from './jsonb-value.js';
export { JSONB_NULL, jsonbNumber, makeObject } from './jsonb-value.js';
export {
  jsonAgg,
  jsonbAgg,
  jsonbObjectAgg,
  jsonObjectAgg,
  toJsonbElement,
  toJsonText,
} from './to-json.js';
export { jsonbType, jsonType } from './types.js';

const { json, jsonb, text, int4, bool, _text, anyelement, any } = TypeOid;

type J = JsonbValue;

function invalidParameter(message: string): SqlError {
  return new SqlError(SqlState.INVALID_PARAMETER_VALUE, message);
}

/** float8in / float4in of a numeric's text: overflow and underflow to zero are 22003. */
function toFloat(textValue: string, typeName: string): number {
  const n = typeName === 'real' ? Math.fround(Number(textValue)) : Number(textValue);
  if (!Number.isFinite(n) || (n === 0 && /[1-9]/.test(textValue))) {
    throw new SqlError(
      SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
      `"${textValue}" is out of range for type ${typeName}`,
    );
  }
  return n;
}

function toInteger(v: J, sqltype: string, min: bigint, max: bigint, what: string): bigint {
  const n = roundToBigInt(numberText(v, sqltype));
  if (n < min || n > max) throw outOfRange(what);
  return n;
}

export function register(r: Registry): void {
  r.addType(jsonType);
  r.addType(jsonbType);
  for (const [op, name, test] of [
    ['=', 'jsonb_eq', (c: number) => c === 0],
    ['<>', 'jsonb_ne', (c: number) => c !== 0],
    ['<', 'jsonb_lt', (c: number) => c < 0],
    ['<=', 'jsonb_le', (c: number) => c <= 0],
    ['>', 'jsonb_gt', (c: number) => c > 0],
    ['>=', 'jsonb_ge', (c: number) => c >= 0],
  ] as const) {
    fn(r, name, [jsonb, jsonb], bool, ([a, b]: J[]) => test(compareJsonb(a!, b!)), {
      operator: op,
    });
  }
  // compareJsonbContainers' value as is (not only its sign), as PostgreSQL's jsonb_cmp
  fn(r, 'jsonb_cmp', [jsonb, jsonb], int4, ([a, b]: J[]) => compareJsonb(a!, b!));
  fn(r, 'jsonb_hash', [jsonb], int4, ([a]: J[]) => jsonbType.hash(a!));

  // jsonb operators
  fn(r, 'jsonb_object_field', [jsonb, text], jsonb, ([a, k]: [J, string]) => objectField(a, k), {
    operator: '->',
  });
  fn(r, 'jsonb_array_element', [jsonb, int4], jsonb, ([a, i]: [J, number]) => arrayElement(a, i), {
    operator: '->',
  });
  fn(
    r,
    'jsonb_object_field_text',
    [jsonb, text],
    text,
    ([a, k]: [J, string]) => {
      const v = objectField(a, k);
      return v === null ? null : jsonbAsText(v);
    },
    { operator: '->>' },
  );
  fn(
    r,
    'jsonb_array_element_text',
    [jsonb, int4],
    text,
    ([a, i]: [J, number]) => {
      const v = arrayElement(a, i);
      return v === null ? null : jsonbAsText(v);
    },
    { operator: '->>' },
  );
  r.addFunction({
    name: 'jsonb_extract_path',
    args: [jsonb, _text],
    result: jsonb,
    volatility: 'i',
    strict: true,
    variadic: text,
    impl: ([a, p]) => extractPath(a as J, p as PgArray<string>, false),
  });
  r.addOperator({ name: '#>', left: jsonb, right: _text, result: jsonb, fn: 'jsonb_extract_path' });
  r.addFunction({
    name: 'jsonb_extract_path_text',
    args: [jsonb, _text],
    result: text,
    volatility: 'i',
    strict: true,
    variadic: text,
    impl: ([a, p]) => extractPath(a as J, p as PgArray<string>, true),
  });
  r.addOperator({
    name: '#>>',
    left: jsonb,
    right: _text,
    result: text,
    fn: 'jsonb_extract_path_text',
  });
  fn(r, 'jsonb_contains', [jsonb, jsonb], bool, ([a, b]: J[]) => jsonbContains(a!, b!), {
    operator: '@>',
  });
  fn(r, 'jsonb_contained', [jsonb, jsonb], bool, ([a, b]: J[]) => jsonbContains(b!, a!), {
    operator: '<@',
  });
  fn(r, 'jsonb_exists', [jsonb, text], bool, ([a, k]: [J, string]) => exists(a, k), {
    operator: '?',
  });
  fn(
    r,
    'jsonb_exists_any',
    [jsonb, _text],
    bool,
    ([a, k]: [J, PgArray<string>]) => existsAny(a, k, false),
    { operator: '?|' },
  );
  fn(
    r,
    'jsonb_exists_all',
    [jsonb, _text],
    bool,
    ([a, k]: [J, PgArray<string>]) => existsAny(a, k, true),
    { operator: '?&' },
  );
  fn(r, 'jsonb_concat', [jsonb, jsonb], jsonb, ([a, b]: J[]) => concat(a!, b!), {
    operator: '||',
  });
  fn(r, 'jsonb_delete', [jsonb, text], jsonb, ([a, k]: [J, string]) => deleteKeys(a, [k]), {
    operator: '-',
  });
  fn(r, 'jsonb_delete', [jsonb, int4], jsonb, ([a, i]: [J, number]) => deleteIndex(a, i), {
    operator: '-',
  });
  r.addFunction({
    name: 'jsonb_delete',
    args: [jsonb, _text],
    result: jsonb,
    volatility: 'i',
    strict: true,
    variadic: text,
    impl: ([a, k]) => deleteKeys(a as J, (k as PgArray<string>).elements),
  });
  r.addOperator({ name: '-', left: jsonb, right: _text, result: jsonb, fn: 'jsonb_delete' });
  fn(
    r,
    'jsonb_delete_path',
    [jsonb, _text],
    jsonb,
    ([a, p]: [J, PgArray<string>]) => deletePath(a, p),
    {
      operator: '#-',
    },
  );

  // jsonb functions
  fn(r, 'jsonb_typeof', [jsonb], text, ([a]: J[]) => jsonbTypeof(a!));
  fn(r, 'jsonb_array_length', [jsonb], int4, ([a]: J[]) => {
    if (isArray(a!)) return a.length;
    throw invalidParameter(
      isScalar(a!)
        ? 'cannot get array length of a scalar'
        : 'cannot get array length of a non-array',
    );
  });
  r.addFunction({
    name: 'jsonb_object_keys',
    args: [jsonb],
    result: text,
    volatility: 'i',
    strict: true,
    retset: true,
    impl: ([a]) => {
      const v = a as J;
      if (isObject(v)) return v.pairs.map(([k]) => k);
      throw invalidParameter(
        `cannot call jsonb_object_keys on ${isScalar(v) ? 'a scalar' : 'an array'}`,
      );
    },
  });
  const elements = (v: J): readonly J[] => {
    if (isArray(v)) return v;
    throw invalidParameter(
      `cannot extract elements from ${isScalar(v) ? 'a scalar' : 'an object'}`,
    );
  };
  r.addFunction({
    name: 'jsonb_array_elements',
    args: [jsonb],
    result: jsonb,
    volatility: 'i',
    strict: true,
    retset: true,
    impl: ([a]) => elements(a as J),
  });
  r.addFunction({
    name: 'jsonb_array_elements_text',
    args: [jsonb],
    result: text,
    volatility: 'i',
    strict: true,
    retset: true,
    impl: ([a]) => elements(a as J).map(jsonbAsText),
  });
  const pairs = (v: J, name: string) => {
    if (isObject(v)) return v.pairs;
    throw invalidParameter(`cannot call ${name} on a non-object`);
  };
  r.addFunction({
    name: 'jsonb_each',
    args: [jsonb],
    result: TypeOid.record,
    volatility: 'i',
    strict: true,
    retset: true,
    impl: ([a]) => pairs(a as J, 'jsonb_each').map(([k, v]) => [k, v]),
  });
  r.addFunction({
    name: 'jsonb_each_text',
    args: [jsonb],
    result: TypeOid.record,
    volatility: 'i',
    strict: true,
    retset: true,
    impl: ([a]) => pairs(a as J, 'jsonb_each_text').map(([k, v]) => [k, jsonbAsText(v)]),
  });
  for (const [name, build] of [
    ['jsonb_build_object', jsonbBuildObject],
    ['jsonb_build_array', jsonbBuildArray],
    ['json_build_object', jsonBuildObject],
    ['json_build_array', jsonBuildArray],
  ] as const) {
    const result = name.startsWith('jsonb') ? jsonb : json;
    r.addFunction({
      name,
      args: [],
      result,
      volatility: 's',
      strict: false,
      impl: (args, ctx, types) => build(args, types, r, ctx),
    });
    r.addFunction({
      name,
      args: [any],
      result,
      volatility: 's',
      strict: false,
      variadic: any,
      impl: (args, ctx, types) => build(args, types, r, ctx),
    });
  }
  fn(
    r,
    'to_jsonb',
    [anyelement],
    jsonb,
    ([v], ctx, types) => toJsonbElement(v, types[0]!, r, ctx),
    {
      volatility: 's',
    },
  );
  fn(r, 'to_json', [anyelement], json, ([v], ctx, types) => toJsonText(v, types[0]!, r, ctx), {
    volatility: 's',
  });
  fn(
    r,
    'jsonb_set',
    [jsonb, _text, jsonb, bool],
    jsonb,
    // create_if_missing DEFAULT true: a caller may pass three arguments
    ([a, p, v, c = true]: [J, PgArray<string>, J, boolean?]) => jsonbSet(a, p, v, c),
  );
  fn(
    r,
    'jsonb_insert',
    [jsonb, _text, jsonb, bool],
    jsonb,
    // insert_after DEFAULT false
    ([a, p, v, after = false]: [J, PgArray<string>, J, boolean?]) => jsonbInsert(a, p, v, after),
  );
  // create_if_missing DEFAULT true, null_value_treatment DEFAULT 'use_json_null'
  r.addFunction({
    name: 'jsonb_set_lax',
    args: [jsonb, _text, jsonb, bool, text],
    result: jsonb,
    volatility: 'i',
    strict: false,
    impl: ([a, p, v, c = true, t = 'use_json_null']) =>
      jsonbSetLax(
        a as J | null,
        p as PgArray<string> | null,
        v as J | null,
        c as boolean | null,
        t as string | null,
        JSONB_NULL,
      ),
  });
  fn(r, 'jsonb_strip_nulls', [jsonb], jsonb, ([a]: J[]) => stripNulls(a!));
  fn(r, 'jsonb_pretty', [jsonb], text, ([a]: J[]) => jsonbPretty(a!));

  // json operators and functions
  fn(
    r,
    'json_object_field',
    [json, text],
    json,
    ([a, k]: string[]) => jsonObjectField(a!, k!, false),
    {
      operator: '->',
    },
  );
  fn(
    r,
    'json_array_element',
    [json, int4],
    json,
    ([a, i]: [string, number]) => jsonArrayElement(a, i, false),
    {
      operator: '->',
    },
  );
  fn(
    r,
    'json_object_field_text',
    [json, text],
    text,
    ([a, k]: string[]) => jsonObjectField(a!, k!, true),
    {
      operator: '->>',
    },
  );
  fn(
    r,
    'json_array_element_text',
    [json, int4],
    text,
    ([a, i]: [string, number]) => jsonArrayElement(a, i, true),
    {
      operator: '->>',
    },
  );
  for (const [name, asText, op] of [
    ['json_extract_path', false, '#>'],
    ['json_extract_path_text', true, '#>>'],
  ] as const) {
    const result = asText ? text : json;
    r.addFunction({
      name,
      args: [json, _text],
      result,
      volatility: 'i',
      strict: true,
      variadic: text,
      impl: ([a, p]) => jsonExtractPath(a as string, p as PgArray<string>, asText),
    });
    r.addOperator({ name: op, left: json, right: _text, result, fn: name });
  }
  fn(r, 'json_typeof', [json], text, ([a]: string[]) => jsonTypeof(a!));
  fn(r, 'jsonb_object', [_text], jsonb, ([a]: PgArray<string>[]) => jsonbObjectFromArrays(a!));
  fn(r, 'jsonb_object', [_text, _text], jsonb, ([a, b]: PgArray<string>[]) =>
    jsonbObjectFromArrays(a!, b!),
  );
  fn(r, 'json_object', [_text], json, ([a]: PgArray<string>[]) => jsonObjectFromArrays(a!));
  fn(r, 'json_object', [_text, _text], json, ([a, b]: PgArray<string>[]) =>
    jsonObjectFromArrays(a!, b!),
  );
  fn(r, 'json_strip_nulls', [json], json, ([a]: string[]) => jsonStripNulls(a!));
  const retset = (name: string, result: number, impl: (src: string) => Iterable<unknown>) =>
    r.addFunction({
      name,
      args: [json],
      result,
      volatility: 'i',
      strict: true,
      retset: true,
      impl: ([a]) => impl(a as string),
    });
  retset('json_array_elements', json, (a) => jsonArrayElements(a, false));
  retset('json_array_elements_text', text, (a) => jsonArrayElements(a, true));
  retset('json_each', TypeOid.record, (a) => jsonEach(a, false));
  retset('json_each_text', TypeOid.record, (a) => jsonEach(a, true));
  retset('json_object_keys', text, jsonObjectKeys);
  fn(
    r,
    'array_to_json',
    [TypeOid.anyarray],
    json,
    ([a], ctx, types) => arrayToJson(a as PgArray, types[0]!, false, r, ctx),
    { volatility: 's' },
  );
  fn(
    r,
    'array_to_json',
    [TypeOid.anyarray, bool],
    json,
    ([a, pretty], ctx, types) => arrayToJson(a as PgArray, types[0]!, pretty as boolean, r, ctx),
    { volatility: 's' },
  );
  fn(r, 'json_array_length', [json], int4, ([a]: string[]) => jsonArrayLength(a!));

  // casts (json <-> jsonb are castmethod 'i' in pg_cast: through text I/O, assignment)
  r.addCast({
    source: json,
    target: jsonb,
    context: 'a',
    method: 'f',
    fn: (v) => parseJsonb(v as string),
  });
  r.addCast({
    source: jsonb,
    target: json,
    context: 'a',
    method: 'f',
    fn: (v) => parseJsonText(jsonbToText(v as J)),
  });
  const scalarCast = (
    target: number,
    name: string,
    convert: (v: J, ctx: TypeContext) => unknown,
  ) => {
    fn(r, name, [jsonb], target, ([a]: J[], ctx) => convert(a!, ctx));
    r.addCast({
      source: jsonb,
      target,
      context: 'e',
      method: 'f',
      fn: (v, _typmod, ctx) => convert(v as J, ctx),
    });
  };
  scalarCast(bool, 'bool', (v) => {
    if (typeof v !== 'boolean') throw cannotCast(v, 'boolean');
    return v;
  });
  scalarCast(TypeOid.int2, 'int2', (v) =>
    Number(toInteger(v, 'smallint', -32768n, 32767n, 'smallint')),
  );
  scalarCast(int4, 'int4', (v) =>
    Number(toInteger(v, 'integer', -2147483648n, 2147483647n, 'integer')),
  );
  scalarCast(TypeOid.int8, 'int8', (v) =>
    toInteger(v, 'bigint', -(2n ** 63n), 2n ** 63n - 1n, 'bigint'),
  );
  scalarCast(TypeOid.float4, 'float4', (v) => toFloat(numberText(v, 'real'), 'real'));
  scalarCast(TypeOid.float8, 'float8', (v) =>
    toFloat(numberText(v, 'double precision'), 'double precision'),
  );
  scalarCast(TypeOid.numeric, 'numeric', (v, ctx) => {
    const textValue = numberText(v, 'numeric');
    const numeric = r.type(TypeOid.numeric);
    if (!numeric) {
      throw new SqlError(SqlState.FEATURE_NOT_SUPPORTED, 'the numeric type is not registered');
    }
    return numeric.input(textValue, -1, ctx);
  });
}
