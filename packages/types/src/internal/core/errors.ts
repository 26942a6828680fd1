/**
 * Errors of the type layer. They are SQL errors already: each carries
 * PostgreSQL's SQLSTATE and message text, so the engine passes them to the
 * client unchanged (`22P02 invalid input syntax for type integer: "abc"`).
 */

/** The SQLSTATEs this package raises (PostgreSQL's errcodes.txt names). */
export const SqlState = {
  /** 22P02 */ INVALID_TEXT_REPRESENTATION: '22P02',
  /** 22P03 */ INVALID_BINARY_REPRESENTATION: '22P03',
  /** 22003 */ NUMERIC_VALUE_OUT_OF_RANGE: '22003',
  /** 22012 */ DIVISION_BY_ZERO: '22012',
  /** 22008 */ DATETIME_FIELD_OVERFLOW: '22008',
  /** 22007 */ INVALID_DATETIME_FORMAT: '22007',
  /** 22009 */ INVALID_TIME_ZONE_DISPLACEMENT_VALUE: '22009',
  /** 22001 */ STRING_DATA_RIGHT_TRUNCATION: '22001',
  /** 22023 */ INVALID_PARAMETER_VALUE: '22023',
  /** 22021 */ CHARACTER_NOT_IN_REPERTOIRE: '22021',
  /** 22P05 */ UNTRANSLATABLE_CHARACTER: '22P05',
  /** 22025 */ INVALID_ESCAPE_SEQUENCE: '22025',
  /** 2201B */ INVALID_REGULAR_EXPRESSION: '2201B',
  /** 2201E */ INVALID_ARGUMENT_FOR_LOG: '2201E',
  /** 2201F */ INVALID_ARGUMENT_FOR_POWER_FUNCTION: '2201F',
  /** 22011 */ SUBSTRING_ERROR: '22011',
  /** 2202E */ ARRAY_SUBSCRIPT_ERROR: '2202E',
  /** 22004 */ NULL_VALUE_NOT_ALLOWED: '22004',
  /** 22000 */ DATA_EXCEPTION: '22000',
  /** 22030 */ DUPLICATE_JSON_OBJECT_KEY_VALUE: '22030',
  /** 22032 */ INVALID_JSON_TEXT: '22032',
  /** 2203A */ SQL_JSON_MEMBER_NOT_FOUND: '2203A',
  /** 42804 */ DATATYPE_MISMATCH: '42804',
  /** 42846 */ CANNOT_COERCE: '42846',
  /** 42883 */ UNDEFINED_FUNCTION: '42883',
  /** 42P18 */ INDETERMINATE_DATATYPE: '42P18',
  /** 54000 */ PROGRAM_LIMIT_EXCEEDED: '54000',
  /** 54001 */ STATEMENT_TOO_COMPLEX: '54001',
  /** 0A000 */ FEATURE_NOT_SUPPORTED: '0A000',
  /** 42601 */ SYNTAX_ERROR: '42601',
  /** 42602 */ INVALID_NAME: '42602',
  /** 42704 */ UNDEFINED_OBJECT: '42704',
  /** 42P01 */ UNDEFINED_TABLE: '42P01',
  /** 3F000 */ INVALID_SCHEMA_NAME: '3F000',
  /** 08P01 */ PROTOCOL_VIOLATION: '08P01',
  /** XX000 */ INTERNAL_ERROR: 'XX000',
} as const;

export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState];

/** An error with PostgreSQL's SQLSTATE, message, and optional detail and hint. */
/** The names PostgreSQL attaches to an error (errtable, errtablecol, errtableconstraint, errdatatype). */
export interface ErrorObjectNames {
  readonly schema?: string | undefined;
  readonly table?: string | undefined;
  readonly column?: string | undefined;
  readonly dataType?: string | undefined;
  readonly constraint?: string | undefined;
}

export class SqlError extends Error {
  override readonly name = 'SqlError';
  readonly code: string;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  /** PostgreSQL's CONTEXT line(s), e.g. `JSON data, line 1: {"a":...`. */
  readonly context: string | undefined;

  /** The object the error is about (ErrorResponse's s, t, c, d, n fields), when PostgreSQL names it. */
  readonly schema: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly dataType: string | undefined;
  readonly constraint: string | undefined;

  constructor(
    code: string,
    message: string,
    extra: { detail?: string; hint?: string; context?: string } & ErrorObjectNames = {},
  ) {
    super(message);
    this.code = code;
    this.detail = extra.detail;
    this.hint = extra.hint;
    this.context = extra.context;
    this.schema = extra.schema;
    this.table = extra.table;
    this.column = extra.column;
    this.dataType = extra.dataType;
    this.constraint = extra.constraint;
  }
}

/** `invalid input syntax for type <type>: "<text>"` (22P02). */
export function invalidInput(typeName: string, text: string): SqlError {
  return new SqlError(
    SqlState.INVALID_TEXT_REPRESENTATION,
    `invalid input syntax for type ${typeName}: "${text}"`,
  );
}

/** `value "<text>" is out of range for type <type>` (22003). */
export function outOfRangeInput(typeName: string, text: string): SqlError {
  return new SqlError(
    SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
    `value "${text}" is out of range for type ${typeName}`,
  );
}

/** `<type> out of range` (22003), as raised by arithmetic. */
export function outOfRange(what: string): SqlError {
  return new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, `${what} out of range`);
}

/** `division by zero` (22012). */
export function divisionByZero(): SqlError {
  return new SqlError(SqlState.DIVISION_BY_ZERO, 'division by zero');
}

/** `insufficient data left in message` / `incorrect binary data format` (22P03). */
export function badBinary(message = 'incorrect binary data format'): SqlError {
  return new SqlError(SqlState.INVALID_BINARY_REPRESENTATION, message);
}
