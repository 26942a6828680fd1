/**
 * GIN operator classes: the support functions extractValue, extractQuery,
 * consistent and triConsistent (ginhandler's opclass interface) and the
 * built-in classes array_ops, jsonb_ops and jsonb_path_ops.
 */
import type { JsonbValue, PgArray } from '@pg/types';
import type { KeyStorage } from './layout.js';

/** GIN_SEARCH_MODE_DEFAULT / INCLUDE_EMPTY / ALL. */
export type SearchMode = 'default' | 'include-empty' | 'all';
/** GinTernaryValue: GIN_FALSE, GIN_TRUE, GIN_MAYBE. */
export type Ternary = 'false' | 'true' | 'maybe';

export interface ExtractedQuery<K> {
  /** Keys to look up; null is a null key (GIN_CAT_NULL_KEY). */
  readonly keys: readonly (K | null)[];
  readonly searchMode: SearchMode;
}

/** A GIN operator class over indexed values V, keys K and query values Q. */
export interface GinOpClass<V = unknown, K = unknown, Q = unknown> {
  readonly name: string;
  /** How keys are stored in entry tuples (the opclass's STORAGE type). */
  readonly storage: KeyStorage;
  /** Support function 1: the order of keys. */
  compare(a: K, b: K): number;
  encodeKey(key: K): Uint8Array;
  decodeKey(bytes: Uint8Array): K;
  /** Support function 2: the keys of an indexed value (null keys allowed; none: an empty item). */
  extractValue(value: V): readonly (K | null)[];
  /** Support function 3: the keys and search mode of a query. */
  extractQuery(query: Q, strategy: number): ExtractedQuery<K>;
  /** Support function 4: whether an item whose keys match `check` satisfies the query. */
  consistent(
    check: readonly boolean[],
    strategy: number,
    query: Q,
    keys: readonly (K | null)[],
  ): { match: boolean; recheck: boolean };
  /** Support function 6: the same with three-valued inputs (MAYBE: a recheck will be needed). */
  triConsistent?(
    check: readonly Ternary[],
    strategy: number,
    query: Q,
    keys: readonly (K | null)[],
  ): Ternary;
}

/** Element type members array_ops needs (a @pg/types PgType satisfies it). */
export interface ElementType<T> {
  readonly len: number;
  readonly align: 'c' | 's' | 'i' | 'd';
  compare(a: T, b: T): number;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

export const GinArrayStrategy = { overlap: 1, contains: 2, containedBy: 3, equal: 4 } as const;
export const JsonbStrategy = { contains: 7, exists: 9, existsAny: 10, existsAll: 11 } as const;

function dedupe<K>(keys: readonly (K | null)[], cmp: (a: K, b: K) => number): (K | null)[] {
  const normal = keys.filter((k): k is K => k !== null).sort(cmp);
  const out: (K | null)[] = [];
  for (const k of normal)
    if (out.length === 0 || cmp(out[out.length - 1] as K, k) !== 0) out.push(k);
  if (keys.includes(null)) out.push(null);
  return out;
}

/** array_ops (ginarrayextract, ginqueryarrayextract, ginarrayconsistent, ginarraytriconsistent). */
export function arrayOps<T>(
  name: string,
  elem: ElementType<T>,
): GinOpClass<PgArray<T>, T, PgArray<T>> {
  const cmp = (a: T, b: T) => elem.compare(a, b);
  return {
    name,
    storage: { len: elem.len, align: elem.align },
    compare: cmp,
    encodeKey: (k) => elem.encode(k),
    decodeKey: (b) => elem.decode(b),
    extractValue: (v) => dedupe(v.elements, cmp),
    extractQuery(q, strategy) {
      const keys = dedupe(q.elements, cmp);
      switch (strategy) {
        case GinArrayStrategy.overlap:
          return { keys, searchMode: 'default' };
        case GinArrayStrategy.contains:
          return { keys, searchMode: keys.length === 0 ? 'all' : 'default' };
        case GinArrayStrategy.containedBy:
          return { keys, searchMode: 'include-empty' };
        case GinArrayStrategy.equal:
          return { keys, searchMode: keys.length === 0 ? 'include-empty' : 'default' };
        default:
          throw new Error(`ginqueryarrayextract: unknown strategy number: ${strategy}`);
      }
    },
    consistent(check, strategy, _q, keys) {
      switch (strategy) {
        case GinArrayStrategy.overlap:
          return { match: check.some((c, i) => c && keys[i] !== null), recheck: false };
        case GinArrayStrategy.contains:
          return { match: check.every((c, i) => c && keys[i] !== null), recheck: false };
        case GinArrayStrategy.containedBy:
          return { match: true, recheck: true };
        case GinArrayStrategy.equal:
          return { match: check.every((c) => c), recheck: true };
        default:
          throw new Error(`ginarrayconsistent: unknown strategy number: ${strategy}`);
      }
    },
    triConsistent(check, strategy, _q, keys) {
      const anyOf = (xs: Ternary[]): Ternary =>
        xs.includes('true') ? 'true' : xs.includes('maybe') ? 'maybe' : 'false';
      const allOf = (xs: Ternary[]): Ternary =>
        xs.includes('false') ? 'false' : xs.includes('maybe') ? 'maybe' : 'true';
      const masked = check.map((c, i): Ternary => (keys[i] === null ? 'false' : c));
      switch (strategy) {
        case GinArrayStrategy.overlap:
          return anyOf(masked);
        case GinArrayStrategy.contains:
          return check.length === 0 ? 'true' : allOf(masked);
        case GinArrayStrategy.containedBy:
          return 'maybe';
        case GinArrayStrategy.equal:
          return allOf([...check]) === 'false' ? 'false' : 'maybe';
        default:
          throw new Error(`ginarraytriconsistent: unknown strategy number: ${strategy}`);
      }
    },
  };
}

// ------------------------------------------------------------------ jsonb

export const JGINFLAG_KEY = 0x01;
export const JGINFLAG_NULL = 0x02;
export const JGINFLAG_BOOL = 0x03;
export const JGINFLAG_NUM = 0x04;
export const JGINFLAG_STR = 0x05;
export const JGINFLAG_HASHED = 0x10;
/** JGIN_MAXLENGTH: longer entries are hashed. */
export const JGIN_MAXLENGTH = 125;

const enc = new TextEncoder();
const dec = new TextDecoder();

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A 32-bit FNV-1a hash (not PostgreSQL's hash_any: hashed entries differ from PostgreSQL's bytes). */
export function fnv32(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

function isObj(
  v: JsonbValue,
): v is { kind: 'object'; pairs: readonly (readonly [string, JsonbValue])[] } {
  return typeof v === 'object' && !Array.isArray(v) && (v as { kind: string }).kind === 'object';
}

/** numeric_normalize: trailing fractional zeros dropped. */
function normalizeNumber(text: string): string {
  if (!text.includes('.') || /e/i.test(text)) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * Recently made scalar keys by flag and text: documents repeat their keys
 * and many of their values, and encoding each again is most of the build's
 * key extraction. Bounded; the cached arrays are shared and never changed.
 */
const scalarKeys = new Map<string, Uint8Array>();
const SCALAR_KEY_CACHE = 4096;

/** make_scalar_key: a flag byte, then the text (hashed past JGIN_MAXLENGTH). */
function scalarKey(v: JsonbValue, isKey: boolean): Uint8Array {
  let flag: number;
  let text: string;
  if (isKey) {
    flag = JGINFLAG_KEY;
    text = v as string;
  } else if (typeof v === 'string') {
    flag = JGINFLAG_STR;
    text = v;
  } else if (typeof v === 'boolean') {
    flag = JGINFLAG_BOOL;
    text = v ? 't' : 'f';
  } else if ((v as { kind: string }).kind === 'null') {
    flag = JGINFLAG_NULL;
    text = '';
  } else {
    flag = JGINFLAG_NUM;
    text = normalizeNumber((v as { text: string }).text);
  }
  const id = String.fromCharCode(flag) + text;
  const cached = scalarKeys.get(id);
  if (cached !== undefined) return cached;
  const made = makeScalarKey(flag, text);
  if (scalarKeys.size >= SCALAR_KEY_CACHE) scalarKeys.clear();
  scalarKeys.set(id, made);
  return made;
}

function makeScalarKey(flag0: number, text: string): Uint8Array {
  let flag = flag0;
  let body = enc.encode(text);
  if (body.length > JGIN_MAXLENGTH) {
    flag |= JGINFLAG_HASHED;
    body = enc.encode(fnv32(body).toString(16).padStart(8, '0'));
  }
  const out = new Uint8Array(body.length + 1);
  out[0] = flag;
  out.set(body, 1);
  return out;
}

function jsonbOpsEntries(v: JsonbValue): Uint8Array[] {
  const out: Uint8Array[] = [];
  const walk = (x: JsonbValue, elem: boolean) => {
    if (Array.isArray(x)) for (const e of x as readonly JsonbValue[]) walk(e, true);
    else if (isObj(x))
      for (const [k, e] of x.pairs) {
        out.push(scalarKey(k, true));
        walk(e, false);
      }
    else out.push(scalarKey(x, elem && typeof x === 'string'));
  };
  walk(v, true);
  return out;
}

/** jsonb_ops: keys and values as flag-prefixed text entries. */
export const jsonbOps: GinOpClass<JsonbValue, Uint8Array, JsonbValue | string | PgArray<string>> = {
  name: 'jsonb_ops',
  storage: { len: -1, align: 'i' },
  compare: compareBytes,
  encodeKey: (k) => k,
  decodeKey: (b) => b.slice(),
  extractValue: (v) => dedupe(jsonbOpsEntries(v), compareBytes),
  extractQuery(q, strategy) {
    switch (strategy) {
      case JsonbStrategy.contains: {
        const keys = dedupe(jsonbOpsEntries(q as JsonbValue), compareBytes);
        return { keys, searchMode: keys.length === 0 ? 'all' : 'default' };
      }
      case JsonbStrategy.exists:
        return { keys: [scalarKey(q as string, true)], searchMode: 'default' };
      case JsonbStrategy.existsAny:
      case JsonbStrategy.existsAll: {
        const names = (q as PgArray<string>).elements.filter((e): e is string => e !== null);
        const keys = dedupe(
          names.map((n) => scalarKey(n, true)),
          compareBytes,
        );
        const all = strategy === JsonbStrategy.existsAll && keys.length === 0;
        return { keys, searchMode: all ? 'all' : 'default' };
      }
      default:
        throw new Error(`unrecognized strategy number: ${strategy}`);
    }
  },
  consistent(check, strategy) {
    if (strategy === JsonbStrategy.existsAny) return { match: check.some((c) => c), recheck: true };
    if (strategy === JsonbStrategy.exists) return { match: check.every((c) => c), recheck: true };
    return { match: check.every((c) => c), recheck: true };
  },
  triConsistent(check, strategy) {
    if (strategy === JsonbStrategy.existsAny)
      return check.includes('true') || check.includes('maybe') ? 'maybe' : 'false';
    return check.includes('false') ? 'false' : 'maybe';
  },
};

/** JsonbHashScalarValue's combining step over our scalar hash. */
function mixPath(hash: number, v: JsonbValue): number {
  const h = fnv32(scalarKey(v, false));
  return (((hash << 1) | (hash >>> 31)) ^ h) >>> 0;
}

function pathEntries(v: JsonbValue): number[] {
  const out: number[] = [];
  const walk = (x: JsonbValue, hash: number) => {
    if (Array.isArray(x)) for (const e of x as readonly JsonbValue[]) walk(e, hash);
    else if (isObj(x)) for (const [k, e] of x.pairs) walk(e, mixPath(hash, k));
    else out.push(mixPath(hash, x) | 0);
  };
  walk(v, 0);
  return out;
}

/** jsonb_path_ops: one int4 hash per path to a scalar. */
export const jsonbPathOps: GinOpClass<JsonbValue, number, JsonbValue> = {
  name: 'jsonb_path_ops',
  storage: { len: 4, align: 'i' },
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  encodeKey(k) {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setInt32(0, k, true);
    return out;
  },
  decodeKey: (b) => new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true),
  extractValue: (v) => dedupe(pathEntries(v), (a, b) => a - b),
  extractQuery(q, strategy) {
    if (strategy !== JsonbStrategy.contains)
      throw new Error(`unrecognized strategy number: ${strategy}`);
    const keys = dedupe(pathEntries(q), (a, b) => a - b);
    return { keys, searchMode: keys.length === 0 ? 'all' : 'default' };
  },
  consistent: (check) => ({ match: check.every((c) => c), recheck: true }),
  triConsistent: (check) => (check.includes('false') ? 'false' : 'maybe'),
};

export function keyText(b: Uint8Array): string {
  return dec.decode(b);
}
