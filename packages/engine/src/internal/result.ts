/**
 * What a statement returns through the Session API: PostgreSQL's command
 * tag, the row count, the field descriptions a RowDescription carries, and
 * the rows. Errors are thrown as {@link EngineError}s with PostgreSQL's
 * fields (SQLSTATE, message, detail, hint, position).
 */

/** One output column (RowDescription's field). */
export interface FieldDescription {
  readonly name: string;
  /** The table's OID when the column is a plain column of a table, else 0. */
  readonly tableID: number;
  /** Its attnum, else 0. */
  readonly columnID: number;
  /** The type OID. */
  readonly dataTypeID: number;
  /** pg_type.typlen. */
  readonly dataTypeSize: number;
  /** atttypmod (-1 for none). */
  readonly dataTypeModifier: number;
  /** 'text' (the values here are JavaScript values; the server formats them). */
  readonly format: 'text';
}

/** A NOTICE or WARNING raised while the statement ran. */
export interface Notice {
  readonly severity: 'NOTICE' | 'WARNING' | 'INFO';
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
}

export interface QueryResult<R = Record<string, unknown>> {
  /** The command tag: 'SELECT 2', 'INSERT 0 1', 'CREATE TABLE', ... */
  readonly command: string;
  /** Rows returned or affected; null for a command that has none (CREATE TABLE). */
  readonly rowCount: number | null;
  readonly fields: readonly FieldDescription[];
  readonly rows: R[];
  /** The notices and warnings the statement raised. */
  readonly notices: readonly Notice[];
}

/** An error as PostgreSQL reports it (ErrorResponse's fields). */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly severity: 'ERROR' | 'FATAL' | 'PANIC';
  readonly code: string;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  /** 1-based character position in the statement text. */
  readonly position: number | undefined;
  /** The CONTEXT field (where the error happened, e.g. COPY's line and column). */
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
    extra: {
      detail?: string | undefined;
      hint?: string | undefined;
      position?: number | undefined;
      severity?: 'ERROR' | 'FATAL' | 'PANIC';
      context?: string | undefined;
      cause?: unknown;
      schema?: string | undefined;
      table?: string | undefined;
      column?: string | undefined;
      dataType?: string | undefined;
      constraint?: string | undefined;
    } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.severity = extra.severity ?? 'ERROR';
    this.detail = extra.detail;
    this.hint = extra.hint;
    this.position = extra.position;
    this.context = extra.context;
    this.schema = extra.schema;
    this.table = extra.table;
    this.column = extra.column;
    this.dataType = extra.dataType;
    this.constraint = extra.constraint;
  }
}

/** Any error from a layer below, as the client sees it (unknown errors are XX000). */
export function toEngineError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string') {
    const e = err as Error & {
      code: string;
      detail?: string;
      hint?: string;
      position?: number;
      schema?: string;
      table?: string;
      column?: string;
      dataType?: string;
      constraint?: string;
    };
    if (/^[0-9A-Z]{5}$/.test(e.code)) {
      return new EngineError(e.code, e.message, {
        detail: e.detail,
        hint: e.hint,
        position: e.position,
        cause: err,
        schema: e.schema,
        table: e.table,
        column: e.column,
        dataType: e.dataType,
        constraint: e.constraint,
      });
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return new EngineError('XX000', message, { cause: err });
}
