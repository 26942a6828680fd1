/**
 * The JavaScript value of jsonb, and what PostgreSQL does with it apart
 * from I/O: text output (JsonbToCString), the B-tree order
 * (compareJsonbContainers), hashing, containment (JsonbDeepContains) and
 * jsonb_pretty.
 *
 * Representation (JsonbValue):
 *  - JSON null:   JSONB_NULL, the object { kind: 'null' } (JavaScript null
 *                 stays SQL NULL, so '{"a": null}' -> 'a' is not NULL)
 *  - booleans:    true / false
 *  - strings:     JavaScript strings (never containing NUL)
 *  - numbers:     { kind: 'number', text } where text is what numeric_out
 *                 prints for the stored numeric ('1.50', '100', '0.001')
 *  - arrays:      JavaScript arrays of JsonbValue
 *  - objects:     { kind: 'object', pairs: [key, value][] } with keys unique
 *                 and in jsonb's storage order: shorter keys first, then by
 *                 UTF-8 bytes (the last of duplicate keys wins on input)
 * A top-level scalar ('1'::jsonb) is just the scalar; PostgreSQL stores it
 * as a one-element "raw scalar" array, which matters for ordering.
 */
import { combineHash, hashBytes, hashInt32 } from '../core/hash.js';
import { utf8 } from '../core/wire.js';
import { compareDecimal, decimalHashKey } from './decimal.js';

export interface JsonbNull {
  readonly kind: 'null';
}
export interface JsonbNumber {
  readonly kind: 'number';
  /** numeric_out's text of the number, display scale kept ('1.50'). */
  readonly text: string;
}
export interface JsonbObject {
  readonly kind: 'object';
  readonly pairs: readonly (readonly [string, JsonbValue])[];
}
export type JsonbValue =
  | JsonbNull
  | boolean
  | string
  | JsonbNumber
  | readonly JsonbValue[]
  | JsonbObject;

export const JSONB_NULL: JsonbNull = Object.freeze({ kind: 'null' });

export function jsonbNumber(text: string): JsonbNumber {
  return { kind: 'number', text };
}

export function isObject(v: JsonbValue): v is JsonbObject {
  return typeof v === 'object' && !Array.isArray(v) && (v as JsonbObject).kind === 'object';
}
export function isArray(v: JsonbValue): v is readonly JsonbValue[] {
  return Array.isArray(v);
}
export function isNumber(v: JsonbValue): v is JsonbNumber {
  return typeof v === 'object' && !Array.isArray(v) && (v as JsonbNumber).kind === 'number';
}
export function isNull(v: JsonbValue): v is JsonbNull {
  return typeof v === 'object' && !Array.isArray(v) && (v as JsonbNull).kind === 'null';
}
export function isScalar(v: JsonbValue): boolean {
  return !isArray(v) && !isObject(v);
}

/** Byte (UTF-8) order of two strings: code point order. */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** lengthCompareJsonbStringValue: shorter (in UTF-8 bytes) first, then by bytes. */
export function compareKeys(a: string, b: string): number {
  if (a.length === b.length && a === b) return 0;
  const la = utf8Length(a);
  const lb = utf8Length(b);
  if (la !== lb) return la - lb;
  return compareBytes(a, b);
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** An object from pairs in any order: sorted in storage order, last duplicate winning. */
export function makeObject(pairs: readonly (readonly [string, JsonbValue])[]): JsonbObject {
  const indexed = pairs.map((p, i) => ({ p, i }));
  indexed.sort((x, y) => compareKeys(x.p[0], y.p[0]) || y.i - x.i);
  const out: (readonly [string, JsonbValue])[] = [];
  for (const { p } of indexed) {
    const prev = out[out.length - 1];
    if (prev && prev[0] === p[0]) continue;
    out.push(p);
  }
  return { kind: 'object', pairs: out };
}

/** escape_json: the JSON string literal PostgreSQL prints. */
export function escapeJson(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    switch (c) {
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      default:
        if (c.charCodeAt(0) < 0x20) out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
        else out += c;
    }
  }
  return `${out}"`;
}

/** The text of a scalar as JSON. */
function scalarText(v: JsonbValue): string {
  if (typeof v === 'string') return escapeJson(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (isNumber(v)) return v.text;
  return 'null';
}

/** jsonb_out (JsonbToCString): `{"a": 1, "b": [1, 2]}`. */
export function jsonbToText(v: JsonbValue): string {
  if (isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map(jsonbToText).join(', ')}]`;
  }
  if (isObject(v)) {
    if (v.pairs.length === 0) return '{}';
    return `{${v.pairs.map(([k, x]) => `${escapeJson(k)}: ${jsonbToText(x)}`).join(', ')}}`;
  }
  return scalarText(v);
}

/** jsonb_pretty (JsonbToCStringIndent): 4-space indentation. */
export function jsonbPretty(v: JsonbValue): string {
  const out: string[] = [];
  const walk = (x: JsonbValue, level: number): void => {
    if (isArray(x) || isObject(x)) {
      const open = isArray(x) ? '[' : '{';
      const close = isArray(x) ? ']' : '}';
      out.push(open);
      const items: [string | undefined, JsonbValue][] = isArray(x)
        ? x.map((e) => [undefined, e])
        : x.pairs.map(([k, e]) => [k, e]);
      items.forEach(([k, e], i) => {
        if (i > 0) out.push(',');
        out.push(`\n${'    '.repeat(level + 1)}`);
        if (k !== undefined) out.push(`${escapeJson(k)}: `);
        walk(e, level + 1);
      });
      out.push(`\n${'    '.repeat(level)}${close}`);
      return;
    }
    out.push(scalarText(x));
  };
  walk(v, 0);
  return out.join('');
}

/** jbvType order: null < string < numeric < bool < array < object. */
function rank(v: JsonbValue): number {
  if (isNull(v)) return 0;
  if (typeof v === 'string') return 1;
  if (isNumber(v)) return 2;
  if (typeof v === 'boolean') return 3;
  if (isArray(v)) return 16;
  return 17;
}

function compareInner(a: JsonbValue, b: JsonbValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra > rb ? 1 : -1;
  if (isArray(a)) return compareElems(a, b as readonly JsonbValue[], false, false);
  if (isObject(a)) {
    const bo = b as JsonbObject;
    if (a.pairs.length !== bo.pairs.length) return a.pairs.length > bo.pairs.length ? 1 : -1;
    for (let i = 0; i < a.pairs.length; i++) {
      const [ka, va] = a.pairs[i]!;
      const [kb, vb] = bo.pairs[i]!;
      const c = varstrCmp(ka, kb);
      if (c !== 0) return c;
      const d = compareInner(va, vb);
      if (d !== 0) return d;
    }
    return 0;
  }
  return compareScalars(a, b);
}

function compareElems(
  a: readonly JsonbValue[],
  b: readonly JsonbValue[],
  rawA: boolean,
  rawB: boolean,
): number {
  let res = 0;
  if (rawA !== rawB) res = rawA ? -1 : 1;
  if (a.length !== b.length) res = a.length > b.length ? 1 : -1;
  if (res !== 0) return res;
  for (let i = 0; i < a.length; i++) {
    const c = compareInner(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * varstr_cmp in the "C" collation: memcmp's result (the difference of the
 * first differing UTF-8 bytes, as glibc returns it), else -1 / 1 by length.
 * jsonb_cmp returns this value unchanged.
 */
export function varstrCmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  const n = Math.min(a.length, b.length);
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return utf8Length(a) < utf8Length(b) ? -1 : 1;
  // Back up to the start of a surrogate pair split by the mismatch.
  const c = a.charCodeAt(i);
  if (i > 0 && c >= 0xdc00 && c <= 0xdfff) i--;
  const x = utf8(String.fromCodePoint(a.codePointAt(i)!));
  const y = utf8(String.fromCodePoint(b.codePointAt(i)!));
  for (let j = 0; j < Math.min(x.length, y.length); j++) {
    if (x[j] !== y[j]) return x[j]! - y[j]!;
  }
  return x.length - y.length;
}

function compareScalars(a: JsonbValue, b: JsonbValue): number {
  if (typeof a === 'string') return varstrCmp(a, b as string);
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (isNumber(a)) return compareDecimal(a.text, (b as JsonbNumber).text);
  return 0;
}

/**
 * compareJsonbContainers: the jsonb B-tree order (its sign; the value itself
 * is what jsonb_cmp returns: a byte difference when strings decide). Top-level scalars are
 * one-element "raw scalar" arrays: they sort before real arrays of the
 * same length but by element count otherwise ('null' > '[]').
 */
export function compareJsonb(a: JsonbValue, b: JsonbValue): number {
  const sa = isScalar(a);
  const sb = isScalar(b);
  if (!sa && !sb) return compareInner(a, b);
  const ea = sa ? [a] : a;
  const eb = sb ? [b] : b;
  if (isObject(ea) || isObject(eb)) {
    if (isObject(ea) && isObject(eb)) return compareInner(ea, eb);
    return isObject(ea) ? 1 : -1;
  }
  return compareElems(ea as JsonbValue[], eb as JsonbValue[], sa, sb);
}

/** A hash equal for values compareJsonb calls equal. */
export function hashJsonb(v: JsonbValue): number {
  if (typeof v === 'string') return hashBytes(utf8(v), 0x2545f491);
  if (typeof v === 'boolean') return hashInt32(v ? 3 : 2);
  if (isNumber(v)) return hashBytes(utf8(decimalHashKey(v.text)), 0x3c6ef372);
  if (isNull(v)) return hashInt32(1);
  if (isArray(v)) {
    let h = hashInt32(16 + v.length);
    for (const e of v) h = combineHash(h, hashJsonb(e));
    return h;
  }
  let h = hashInt32(17 + (v as JsonbObject).pairs.length);
  for (const [k, e] of (v as JsonbObject).pairs) {
    h = combineHash(h, hashBytes(utf8(k)));
    h = combineHash(h, hashJsonb(e));
  }
  return h;
}

/** equalsJsonbScalarValue. */
function scalarEquals(a: JsonbValue, b: JsonbValue): boolean {
  return rank(a) === rank(b) && compareScalars(a, b) === 0;
}

function deepContains(
  val: JsonbValue,
  cont: JsonbValue,
  rawVal: boolean,
  rawCont: boolean,
): boolean {
  if (isObject(val) !== isObject(cont)) return false;
  if (isObject(val) && isObject(cont)) {
    if (val.pairs.length < cont.pairs.length) return false;
    for (const [k, cv] of cont.pairs) {
      const lv = val.pairs.find(([lk]) => lk === k)?.[1];
      if (lv === undefined) return false;
      if (isScalar(lv) || isScalar(cv)) {
        if (!isScalar(lv) || !isScalar(cv) || !scalarEquals(lv, cv)) return false;
      } else if (!deepContains(lv, cv, false, false)) return false;
    }
    return true;
  }
  const va = val as readonly JsonbValue[];
  const ca = cont as readonly JsonbValue[];
  if (rawVal && !rawCont) return false;
  for (const c of ca) {
    if (isScalar(c)) {
      if (!va.some((x) => isScalar(x) && scalarEquals(x, c))) return false;
    } else if (!va.some((x) => !isScalar(x) && deepContains(x, c, false, false))) return false;
  }
  return true;
}

/** jsonb_contains (@>): does `a` contain `b`? */
export function jsonbContains(a: JsonbValue, b: JsonbValue): boolean {
  const sa = isScalar(a);
  const sb = isScalar(b);
  return deepContains(sa ? [a] : a, sb ? [b] : b, sa, sb);
}
