/**
 * Name handling shared by the OID alias types: stringToQualifiedNameList
 * (SplitIdentifierString on '.') and format_type's names of the types the
 * registry does not hold.
 */
import { SqlError, SqlState } from '../core/errors.js';

/** NAMEDATALEN - 1: identifiers are truncated to 63 bytes. */
const MAX_IDENTIFIER_BYTES = 63;

/** scanner_isspace: the whitespace the SQL scanner skips. */
function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f';
}

/** truncate_identifier: at most 63 bytes of UTF-8, cut on a character boundary. */
export function truncateIdentifier(name: string): string {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes <= MAX_IDENTIFIER_BYTES) return name;
  let out = '';
  let used = 0;
  for (const ch of name) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (used + n > MAX_IDENTIFIER_BYTES) break;
    out += ch;
    used += n;
  }
  return out;
}

/** downcase_identifier in a multi-byte encoding: ASCII A-Z only. */
function downcase(name: string): string {
  return name.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

function invalidNameSyntax(): SqlError {
  return new SqlError(SqlState.INVALID_NAME, 'invalid name syntax');
}

/**
 * stringToQualifiedNameList: `a.b.c` split on dots outside double quotes,
 * whitespace around names skipped, unquoted names folded to lower case,
 * `""` inside quotes a quote, each name truncated to 63 bytes. Throws
 * `42602 invalid name syntax` for an empty name, an unterminated quote or
 * anything else SplitIdentifierString refuses.
 */
export function splitQualifiedName(text: string): string[] {
  const names: string[] = [];
  let i = 0;
  const n = text.length;
  while (isSpace(text[i])) i++;
  if (i >= n) throw invalidNameSyntax();
  for (;;) {
    let name: string;
    if (text[i] === '"') {
      name = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw invalidNameSyntax();
        name += text.slice(i, q);
        if (text[q + 1] === '"') {
          name += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      if (name === '') throw invalidNameSyntax();
    } else {
      const start = i;
      while (i < n && text[i] !== '.' && !isSpace(text[i])) i++;
      if (i === start) throw invalidNameSyntax();
      name = downcase(text.slice(start, i));
    }
    names.push(truncateIdentifier(name));
    while (isSpace(text[i])) i++;
    if (text[i] === '.') {
      i++;
      while (isSpace(text[i])) i++;
    } else if (i >= n) {
      return names;
    } else {
      throw invalidNameSyntax();
    }
  }
}

/**
 * format_type_be for PostgreSQL 15's types that @pg/types does not
 * register (pseudo-types and the catalogs' own column types), so
 * `atttypid::regtype` prints them as PostgreSQL does.
 */
export const UNREGISTERED_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [22, 'int2vector'],
  [24, 'regproc'],
  [27, 'tid'],
  [28, 'xid'],
  [29, 'cid'],
  [30, 'oidvector'],
  [194, 'pg_node_tree'],
  [705, 'unknown'],
  [1006, 'int2vector[]'],
  [1008, 'regproc[]'],
  [1010, 'tid[]'],
  [1011, 'xid[]'],
  [1012, 'cid[]'],
  [1013, 'oidvector[]'],
  [1033, 'aclitem'],
  [1034, 'aclitem[]'],
  [2202, 'regprocedure'],
  [2207, 'regprocedure[]'],
  [2249, 'record'],
  [2275, 'cstring'],
  [2276, '"any"'],
  [2277, 'anyarray'],
  [2278, 'void'],
  [2279, 'trigger'],
  [2283, 'anyelement'],
  [2287, 'record[]'],
  [2776, 'anynonarray'],
  [3220, 'pg_lsn'],
  [3831, 'anyrange'], // ranges
  [5069, 'xid8'],
  [5077, 'anycompatible'],
  [5078, 'anycompatiblearray'],
  [5079, 'anycompatiblenonarray'],
]);
