/**
 * Errors of the analyzer. @pg/types' SqlError carries SQLSTATE, message,
 * detail, hint and context but no cursor position; PostgreSQL's parser and
 * analyzer errors carry one (the `P` field of ErrorResponse), so this
 * subclass adds it. `position` is 1-based and counts characters, as
 * PostgreSQL reports it.
 */
import { SqlError } from '@pg/types';

export class PositionedSqlError extends SqlError {
  /** 1-based character position in the statement text, as PostgreSQL's `position` field. */
  readonly position: number | undefined;

  constructor(
    code: string,
    message: string,
    extra: { detail?: string; hint?: string; context?: string; position?: number } = {},
  ) {
    const { position, ...rest } = extra;
    super(code, message, rest);
    this.position = position;
  }
}

/** A location in the statement: a byte offset as the parser gives it (-1 when unknown). */
export type Location = number;

/**
 * Converts parser byte offsets into PostgreSQL's 1-based character
 * positions for one source text.
 */
export class PositionMap {
  readonly #text: string;
  #bytesToChars: Int32Array | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  /** The 1-based character position of byte offset `loc`, or undefined for -1. */
  position(loc: Location | undefined): number | undefined {
    if (loc === undefined || loc < 0) return undefined;
    if (this.#bytesToChars === undefined) this.#bytesToChars = buildMap(this.#text);
    const map = this.#bytesToChars;
    const chars = loc < map.length ? map[loc]! : map[map.length - 1]!;
    return chars + 1;
  }
}

function buildMap(text: string): Int32Array {
  const bytes = Buffer.byteLength(text, 'utf8');
  const map = new Int32Array(bytes + 1);
  let b = 0;
  let c = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    for (let i = 0; i < n; i++) map[b + i] = c;
    b += n;
    c += 1;
  }
  map[bytes] = c;
  return map;
}

/** The SQLSTATEs the analyzer raises beyond @pg/types' SqlState. */
export const Code = {
  SYNTAX_ERROR: '42601',
  UNDEFINED_TABLE: '42P01',
  UNDEFINED_COLUMN: '42703',
  AMBIGUOUS_COLUMN: '42702',
  AMBIGUOUS_FUNCTION: '42725',
  DATATYPE_MISMATCH: '42804',
  UNDEFINED_FUNCTION: '42883',
  UNDEFINED_OBJECT: '42704',
  UNDEFINED_PARAMETER: '42P02',
  AMBIGUOUS_PARAMETER: '42P08',
  INDETERMINATE_DATATYPE: '42P18',
  CANNOT_COERCE: '42846',
  FEATURE_NOT_SUPPORTED: '0A000',
  INVALID_COLUMN_REFERENCE: '42P10',
  DUPLICATE_COLUMN: '42701',
  WRONG_OBJECT_TYPE: '42809',
  GROUPING_ERROR: '42803',
  INVALID_PARAMETER_VALUE: '22023',
  OBJECT_NOT_IN_PREREQUISITE_STATE: '55000',
  INTERNAL_ERROR: 'XX000',
} as const;
