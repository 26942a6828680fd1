/** SQLSTATE program_limit_exceeded: the xid stop limit has been reached. */
export const ERRCODE_PROGRAM_LIMIT_EXCEEDED = '54000';
/** SQLSTATE feature_not_supported: a tuple uses something this package does not do yet. */
export const ERRCODE_FEATURE_NOT_SUPPORTED = '0A000';
/** SQLSTATE internal_error: the caller broke a rule of the interface, or a short read. */
export const ERRCODE_INTERNAL_ERROR = 'XX000';
/** SQLSTATE undefined_file: a pg_xact segment that should exist does not. */
export const ERRCODE_UNDEFINED_FILE = '58P01';
/** SQLSTATE data_corrupted: a commit-log or tuple-header state that cannot happen. */
export const ERRCODE_DATA_CORRUPTED = 'XX001';

/**
 * The error the transaction-id, commit-log, snapshot and visibility code
 * throws: an ERROR with PostgreSQL's SQLSTATE, message, DETAIL and HINT.
 * The session that hit it fails; nothing shared is left half-changed.
 */
export class MvccError extends Error {
  override readonly name = 'MvccError';
  readonly code: string;
  readonly severity = 'ERROR';
  /** PostgreSQL's DETAIL line, when there is one. */
  readonly detail: string | undefined;
  /** PostgreSQL's HINT line, when there is one. */
  readonly hint: string | undefined;
  constructor(
    code: string,
    message: string,
    options?: { detail?: string; hint?: string; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = options?.detail;
    this.hint = options?.hint;
  }
}

/** A WARNING (or NOTICE) for the client: the session goes on. */
export interface MvccNotice {
  readonly severity: 'WARNING';
  readonly message: string;
  readonly hint?: string;
}
