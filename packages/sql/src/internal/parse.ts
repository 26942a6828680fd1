/**
 * Parsing with PostgreSQL 15's own grammar: libpg-query is PostgreSQL's
 * parser (gram.y, scan.l) compiled to WebAssembly, so every statement is
 * parsed exactly as PostgreSQL parses it, into its raw parse tree
 * (SelectStmt, InsertStmt, ...) as JSON.
 */
import { loadModule, parseSync } from 'libpg-query';
import { Code, PositionedSqlError } from './errors.js';

/**
 * A raw parse node as libpg-query returns it: `{ NodeTag: { ...fields } }`.
 * Field names and shapes are PostgreSQL's (see @pgsql/types).
 */
// biome-ignore lint/suspicious/noExplicitAny: parse nodes are JSON whose shapes the analyzer checks field by field
export type PNode = any;

/** One statement of a query string. */
export interface RawStatement {
  /** The raw parse node, e.g. `{ SelectStmt: {...} }`. */
  readonly node: PNode;
  /** The statement's own text (without the separating semicolon). */
  readonly text: string;
  /** Byte offset of the statement in the whole query string. */
  readonly location: number;
  /** The whole query string the statement came from (node locations are byte offsets into it). */
  readonly source: string;
}

let loaded: Promise<void> | undefined;
let ready = false;

/** Loads the WASM parser; call (and await) once before `parse`. Idempotent. */
export function loadParser(): Promise<void> {
  loaded ??= loadModule().then(() => {
    ready = true;
  });
  return loaded;
}

/** The HINTs gram.y attaches to its own errors (the parser library reports only the message). */
const PARSER_HINTS: ReadonlyMap<string, string> = new Map([
  ['subquery in FROM must have an alias', 'For example, FROM (SELECT ...) [AS] foo.'],
  ['LIMIT #,# syntax is not supported', 'Use separate LIMIT and OFFSET clauses.'],
  [
    'UNENCRYPTED PASSWORD is no longer supported',
    'Remove UNENCRYPTED to store the password in encrypted form instead.',
  ], // issue 10 (H3)
]);

/** gram.y's errors that carry no position (the library reports cursor 0), with their SQLSTATEs. */
const UNPOSITIONED: ReadonlyMap<string, string> = new Map([
  ['WITH TIES cannot be specified without ORDER BY clause', Code.SYNTAX_ERROR],
  ['SKIP LOCKED and WITH TIES options cannot be used together', Code.FEATURE_NOT_SUPPORTED],
]);

/**
 * Parses a query string into its statements. Throws a PositionedSqlError
 * 42601 with PostgreSQL's message and position on a syntax error.
 */
export function parse(sql: string): RawStatement[] {
  if (!ready) throw new Error('@pg/sql: call and await loadParser() before parse()');
  // The wrapper refuses an empty string; PostgreSQL answers it with no statements (EmptyQueryResponse).
  if (sql.trim() === '') return [];
  let result: { stmts?: { stmt: PNode; stmt_location?: number; stmt_len?: number }[] };
  try {
    result = parseSync(sql);
  } catch (e) {
    const err = e as { message?: string; sqlDetails?: { message: string; cursorPosition: number } };
    const message = err.sqlDetails?.message ?? err.message ?? 'syntax error';
    // libpg-query reports PostgreSQL's cursor position (characters) minus one.
    const cursor = err.sqlDetails?.cursorPosition;
    const hint = PARSER_HINTS.get(message);
    const positioned = cursor !== undefined && cursor >= 0 && !UNPOSITIONED.has(message);
    throw new PositionedSqlError(UNPOSITIONED.get(message) ?? Code.SYNTAX_ERROR, message, {
      ...(positioned ? { position: cursor + 1 } : {}),
      ...(hint !== undefined ? { hint } : {}),
    });
  }
  const buf = Buffer.from(sql, 'utf8');
  return (result.stmts ?? []).map((s) => {
    const location = s.stmt_location ?? 0;
    const len = s.stmt_len ?? buf.length - location;
    const text = buf
      .subarray(location, location + len)
      .toString('utf8')
      .trim();
    return { node: s.stmt, text, location, source: sql };
  });
}
