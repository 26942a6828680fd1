/**
 * The closed error vocabulary of @pg/toast. Bytes that fail validation
 * (they may have come from disk) are `XX001` data_corrupted; a caller asking
 * for something impossible is `XX000` internal_error (PostgreSQL's
 * elog(ERROR)); a compression method this build cannot run is `0A000`
 * feature_not_supported, as in a PostgreSQL built without lz4. None is
 * retryable: corrupt bytes stay corrupt, a bad request is a bug in the
 * caller.
 */

/** SQLSTATE data_corrupted. */
export const ERRCODE_DATA_CORRUPTED = 'XX001';
/** SQLSTATE internal_error. */
export const ERRCODE_INTERNAL_ERROR = 'XX000';
/** SQLSTATE feature_not_supported. */
export const ERRCODE_FEATURE_NOT_SUPPORTED = '0A000';

/** PostgreSQL's message for a pglz stream that does not decode (pglz_decompress_datum). */
export const PGLZ_CORRUPT_MESSAGE = 'compressed pglz data is corrupt';

/** The one error class this package throws: PostgreSQL's SQLSTATE, message and detail. */
export class ToastError extends Error {
  override readonly name = 'ToastError';
  /** PostgreSQL SQLSTATE: XX001 corrupt bytes, XX000 bad request, 0A000 unsupported. */
  readonly code: string;
  readonly severity = 'ERROR';
  /** What exactly was wrong (PostgreSQL's DETAIL line), when known. */
  readonly detail: string | undefined;
  constructor(code: string, message: string, detail?: string) {
    super(message);
    this.code = code;
    this.detail = detail;
  }
}

/** XX001 `compressed pglz data is corrupt`, with what was wrong as the detail. */
export function pglzCorrupt(detail: string): ToastError {
  return new ToastError(ERRCODE_DATA_CORRUPTED, PGLZ_CORRUPT_MESSAGE, detail);
}

/** XX001 for a varlena header or toast pointer that cannot be what PostgreSQL writes. */
export function varlenaCorrupt(detail: string): ToastError {
  return new ToastError(ERRCODE_DATA_CORRUPTED, 'invalid varlena datum', detail);
}

/** XX000 for a request that breaks the interface's rules. */
export function badRequest(message: string): ToastError {
  return new ToastError(ERRCODE_INTERNAL_ERROR, message);
}
