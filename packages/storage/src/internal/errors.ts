/** SQLSTATE data_corrupted: a page failed verification, a read came up short. */
export const ERRCODE_DATA_CORRUPTED = 'XX001';
/** SQLSTATE internal_error: the caller broke a rule of the interface. */
export const ERRCODE_INTERNAL_ERROR = 'XX000';
/** SQLSTATE undefined_file: a relation file that should exist does not. */
export const ERRCODE_UNDEFINED_FILE = '58P01';
/** SQLSTATE duplicate_file: a relation file that should not exist does. */
export const ERRCODE_DUPLICATE_FILE = '58P02';
/** SQLSTATE io_error. */
export const ERRCODE_IO_ERROR = '58030';
/** SQLSTATE program_limit_exceeded: a relation would grow past the largest block number. */
export const ERRCODE_PROGRAM_LIMIT_EXCEEDED = '54000';

/** SQLSTATE disk_full: a write or extend ran out of space (ENOSPC). */
export const ERRCODE_DISK_FULL = '53100';
/** SQLSTATE insufficient_privilege: EACCES, EPERM, EROFS. */
export const ERRCODE_INSUFFICIENT_PRIVILEGE = '42501';
/** SQLSTATE wrong_object_type: ENOTDIR, EISDIR, ENOTEMPTY. */
export const ERRCODE_WRONG_OBJECT_TYPE = '42809';
/** SQLSTATE insufficient_resources: EMFILE, ENFILE. */
export const ERRCODE_INSUFFICIENT_RESOURCES = '53000';

/**
 * The one error class this package throws: an ERROR with PostgreSQL's
 * SQLSTATE and message text. The session that hit it fails; the process and
 * every other session go on.
 */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: string;
  readonly severity = 'ERROR';
  /** PostgreSQL's DETAIL line, when there is one. */
  readonly detail: string | undefined;
  constructor(code: string, message: string, options?: { detail?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = options?.detail;
  }
}
