/**
 * The closed vocabulary of things that can be wrong with WAL bytes or with a
 * request made of the log. Each problem maps to a PostgreSQL SQLSTATE:
 * bytes that fail validation (they may have come from disk) are `XX001`
 * data_corrupted; a caller asking for something impossible is `XX000`
 * internal_error; a failed write or fsync is a PANIC, reported as `XX000`
 * with severity PANIC by {@link WalPanic}.
 */
export type WalProblem =
  /** xl_tot_len is below the header size, above the maximum, or the record is truncated. */
  | { readonly kind: 'invalid-record-length'; readonly lsn: bigint; readonly length: number }
  /** The stored CRC-32C does not match the computed one. */
  | {
      readonly kind: 'crc-mismatch';
      readonly lsn: bigint;
      readonly expected: number;
      readonly calculated: number;
    }
  /** xl_prev is not the start of the previous record. */
  | {
      readonly kind: 'prev-link-mismatch';
      readonly lsn: bigint;
      readonly prev: bigint;
      readonly expected: bigint;
    }
  /** The record's block references or data lengths do not add up to xl_tot_len. */
  | { readonly kind: 'invalid-record-layout'; readonly lsn: bigint; readonly detail: string }
  /** A resource manager id that is not registered (strict decoding only). */
  | { readonly kind: 'unknown-rmgr'; readonly lsn: bigint; readonly rmid: number }
  /** A WAL page header with the wrong magic, address, timeline, flags or lengths. */
  | { readonly kind: 'invalid-page-header'; readonly pageLsn: bigint; readonly detail: string }
  /** A continuation page whose header does not say it continues the record being read. */
  | {
      readonly kind: 'missing-contrecord';
      readonly pageLsn: bigint;
      readonly remaining: number;
      readonly stored: number;
    }
  /** Text that is not an LSN. */
  | { readonly kind: 'invalid-lsn-syntax'; readonly text: string }
  /** A segment file name that is not 24 hex digits. */
  | { readonly kind: 'invalid-segment-name'; readonly name: string }
  /** A caller-side mistake: a field out of range, a flush beyond the insert position. */
  | { readonly kind: 'invalid-request'; readonly detail: string }
  /** A resource manager id registered twice, or outside 0..255. */
  | { readonly kind: 'rmgr-conflict'; readonly rmid: number; readonly detail: string }
  /** pg_control bytes that fail validation. */
  | { readonly kind: 'invalid-control-file'; readonly detail: string }
  /** A write or fsync of WAL failed: durability is unknown, nothing may continue. */
  | { readonly kind: 'panic'; readonly detail: string };

export type WalProblemKind = WalProblem['kind'];

/** SQLSTATE data_corrupted. */
export const ERRCODE_DATA_CORRUPTED = 'XX001';
/** SQLSTATE internal_error. */
export const ERRCODE_INTERNAL_ERROR = 'XX000';
/** SQLSTATE invalid_text_representation (bad LSN text, as pg_lsn reports it). */
export const ERRCODE_INVALID_TEXT_REPRESENTATION = '22P02';

/** The SQLSTATE a problem is reported with. */
export function sqlstateOf(problem: WalProblem): string {
  switch (problem.kind) {
    case 'invalid-lsn-syntax':
      return ERRCODE_INVALID_TEXT_REPRESENTATION;
    case 'invalid-request':
    case 'rmgr-conflict':
    case 'panic':
      return ERRCODE_INTERNAL_ERROR;
    default:
      return ERRCODE_DATA_CORRUPTED;
  }
}

function hex(lsn: bigint): string {
  const hi = Number((lsn >> 32n) & 0xffffffffn);
  const lo = Number(lsn & 0xffffffffn);
  return `${hi.toString(16).toUpperCase()}/${lo.toString(16).toUpperCase()}`;
}

/** The message, worded after PostgreSQL's xlogreader.c where it has one. */
export function describeProblem(p: WalProblem): string {
  switch (p.kind) {
    case 'invalid-record-length':
      return `invalid record length at ${hex(p.lsn)}: ${p.length}`;
    case 'crc-mismatch':
      return `incorrect resource manager data checksum in record at ${hex(p.lsn)}`;
    case 'prev-link-mismatch':
      return `record with incorrect prev-link ${hex(p.prev)} at ${hex(p.lsn)} (expected ${hex(p.expected)})`;
    case 'invalid-record-layout':
      return `invalid record layout at ${hex(p.lsn)}: ${p.detail}`;
    case 'unknown-rmgr':
      return `invalid resource manager ID ${p.rmid} at ${hex(p.lsn)}`;
    case 'invalid-page-header':
      return `invalid WAL page header at ${hex(p.pageLsn)}: ${p.detail}`;
    case 'missing-contrecord':
      return `there is no contrecord flag or wrong remaining length at ${hex(p.pageLsn)} (expected ${p.remaining}, stored ${p.stored})`;
    case 'invalid-lsn-syntax':
      return `invalid input syntax for type pg_lsn: "${p.text}"`;
    case 'invalid-segment-name':
      return `invalid WAL segment file name "${p.name}"`;
    case 'invalid-request':
      return p.detail;
    case 'rmgr-conflict':
      return `resource manager ${p.rmid}: ${p.detail}`;
    case 'invalid-control-file':
      return `invalid pg_control: ${p.detail}`;
    case 'panic':
      return `PANIC: ${p.detail}`;
  }
}

/** The one error class this package throws. */
export class WalError extends Error {
  override readonly name: string = 'WalError';
  /** PostgreSQL SQLSTATE: XX001 for corrupted bytes, XX000 for a bad request or a PANIC. */
  readonly code: string;
  readonly problem: WalProblem;

  constructor(problem: WalProblem, options?: { cause?: unknown }) {
    super(describeProblem(problem), options);
    this.problem = problem;
    this.code = sqlstateOf(problem);
  }
}

/**
 * PostgreSQL's PANIC: a WAL write or fsync failed, so what is durable is
 * unknown. The writer that raised it refuses every later call.
 */
export class WalPanic extends WalError {
  override readonly name: string = 'WalPanic';
  readonly severity = 'PANIC';
  constructor(detail: string, options?: { cause?: unknown }) {
    super({ kind: 'panic', detail }, options);
  }
}
