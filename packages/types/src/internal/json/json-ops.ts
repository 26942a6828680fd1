/**
 * The json (text) processing functions: -> / ->> / #> / #>> returning the
 * exact original text of the selected sub-value (as jsonfuncs.c's
 * get_worker does), json_typeof and json_array_length. The document is
 * parsed with de-escaping, as PostgreSQL does for these functions, so a
 * "\u0000" anywhere in it is an error.
 */
import type { PgArray } from '../core/array-value.js';
import { SqlError, SqlState } from '../core/errors.js';
import { strtoint } from './jsonb-ops.js';
import { escapeJson } from './jsonb-value.js';
import { type JsonNode, parseJson } from './parser.js';

function find(node: JsonNode, step: string | number): JsonNode | null {
  if (typeof step === 'string') {
    if (node.kind !== 'object') return null;
    let found: JsonNode | null = null;
    for (const p of node.pairs) if (p.key === step) found = p.value; // the last duplicate wins
    return found;
  }
  if (node.kind !== 'array') return null;
  const i = step < 0 ? node.elements.length + step : step;
  return node.elements[i] ?? null;
}

function result(src: string, node: JsonNode | null, asText: boolean): string | null {
  if (node === null) return null;
  if (!asText) return src.slice(node.start, node.end);
  if (node.kind === 'null') return null;
  if (node.kind === 'string') return node.value ?? '';
  return src.slice(node.start, node.end);
}

/** json_object_field(_text): json -> text, json ->> text. */
export function jsonObjectField(src: string, key: string, asText: boolean): string | null {
  return result(src, find(parseJson(src, true), key), asText);
}

/** json_array_element(_text): json -> int, json ->> int. */
export function jsonArrayElement(src: string, index: number, asText: boolean): string | null {
  return result(src, find(parseJson(src, true), index), asText);
}

/**
 * json_extract_path(_text): json #> text[], json #>> text[]. As get_worker
 * in PostgreSQL 15, a negative index at path level L is resolved against the
 * first array met at nesting level L (in document order) that is long
 * enough, not necessarily the array the path leads to; we reproduce that.
 */
export function jsonExtractPath(
  src: string,
  path: PgArray<string>,
  asText: boolean,
): string | null {
  if (path.elements.some((e) => e === null)) return null;
  const names = path.elements as string[];
  const npath = names.length;
  const INT_MIN = -2147483648;
  const indexes = names.map((t) => (t === '' ? INT_MIN : (strtoint(t) ?? INT_MIN)));
  const root = parseJson(src, true);
  // No path extracts nothing: as get_worker, an array or object comes back as
  // its own span, a scalar from the very start of the text (leading
  // whitespace kept) to the end of its token; #>> still de-escapes a string.
  if (npath === 0) {
    if (root.kind === 'array' || root.kind === 'object') return src.slice(root.start, root.end);
    if (asText && (root.kind === 'string' || root.kind === 'null')) return result(src, root, true);
    return src.slice(0, root.end);
  }
  let found: JsonNode | null = null;
  const visit = (node: JsonNode, depth: number, onPath: boolean): void => {
    if (onPath && depth === npath) found = node;
    if (node.kind === 'array') {
      if (depth < npath) {
        const idx = indexes[depth]!;
        if (idx < 0 && idx !== INT_MIN && -idx <= node.elements.length) {
          indexes[depth] = idx + node.elements.length;
        }
      }
      const want = depth < npath ? indexes[depth]! : INT_MIN;
      node.elements.forEach((e, i) => {
        visit(e, depth + 1, onPath && depth < npath && i === want);
      });
    } else if (node.kind === 'object') {
      for (const p of node.pairs) {
        visit(p.value, depth + 1, onPath && depth < npath && p.key === names[depth]);
      }
    }
  };
  visit(root, 0, true);
  return result(src, found, asText);
}

/** json_typeof. */
export function jsonTypeof(src: string): string {
  const node = parseJson(src, false);
  switch (node.kind) {
    case 'object':
      return 'object';
    case 'array':
      return 'array';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'bool':
      return 'boolean';
    default:
      return 'null';
  }
}

/** json_array_length. */
export function jsonArrayLength(src: string): number {
  const node = parseJson(src, false); // PostgreSQL does not de-escape here
  if (node.kind === 'array') return node.elements.length;
  throw new SqlError(
    SqlState.INVALID_PARAMETER_VALUE,
    node.kind === 'object'
      ? 'cannot get array length of a non-array'
      : 'cannot get array length of a scalar',
  );
}

function invalidParameter(message: string): SqlError {
  return new SqlError(SqlState.INVALID_PARAMETER_VALUE, message);
}

function kindName(node: JsonNode): string {
  return node.kind === 'object' ? 'an object' : node.kind === 'array' ? 'an array' : 'a scalar';
}

/**
 * Parses for a function that wants one kind of container: like
 * PostgreSQL's semantic actions, a container of the wrong kind is reported
 * at its start (before any string in it is de-escaped), a scalar after it
 * was lexed (de-escaped).
 */
function parseExpecting(
  src: string,
  kind: 'array' | 'object',
  wrong: (n: JsonNode) => never,
  deEscape = true,
): JsonNode {
  const shallow = parseJson(src, false);
  if (shallow.kind !== kind && (shallow.kind === 'array' || shallow.kind === 'object')) {
    wrong(shallow);
  }
  const node = deEscape ? parseJson(src, true) : shallow;
  if (node.kind !== kind) wrong(node);
  return node;
}

/** json_array_elements(_text): each element's original text (de-escaped strings with asText). */
export function jsonArrayElements(src: string, asText: boolean): (string | null)[] {
  const name = asText ? 'json_array_elements_text' : 'json_array_elements';
  const node = parseExpecting(
    src,
    'array',
    (n) => {
      throw invalidParameter(
        `cannot call ${name} on ${n.kind === 'object' ? 'a non-array' : 'a scalar'}`,
      );
    },
    asText,
  ); // json_array_elements does not de-escape, json_array_elements_text does
  if (node.kind !== 'array') return [];
  return node.elements.map((e) => result(src, e, asText));
}

/** json_each(_text): [key, value] rows in document order, duplicates included. */
export function jsonEach(src: string, asText: boolean): [string, string | null][] {
  const node = parseExpecting(src, 'object', (n) => {
    throw invalidParameter(
      n.kind === 'array'
        ? 'cannot deconstruct an array as an object'
        : 'cannot deconstruct a scalar',
    );
  });
  if (node.kind !== 'object') return [];
  return node.pairs.map((p) => [p.key ?? '', result(src, p.value, asText)]);
}

/** json_object_keys: the keys in document order, duplicates included. */
export function jsonObjectKeys(src: string): string[] {
  const node = parseExpecting(src, 'object', (n) => {
    throw invalidParameter(`cannot call json_object_keys on ${kindName(n)}`);
  });
  if (node.kind !== 'object') return [];
  return node.pairs.map((p) => p.key ?? '');
}

/** json_strip_nulls: the document without null-valued fields, whitespace dropped. */
export function jsonStripNulls(src: string): string {
  const walk = (n: JsonNode): string => {
    switch (n.kind) {
      case 'object':
        return `{${n.pairs
          .filter((p) => p.value.kind !== 'null')
          .map((p) => `${escapeJson(p.key ?? '')}:${walk(p.value)}`)
          .join(',')}}`;
      case 'array':
        return `[${n.elements.map(walk).join(',')}]`;
      case 'string':
        return escapeJson(n.value ?? '');
      default:
        return src.slice(n.start, n.end);
    }
  };
  return walk(parseJson(src, true));
}
