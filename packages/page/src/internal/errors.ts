/**
 * The closed vocabulary of things that can be wrong with a page or with a
 * request made of one. Each problem maps to a PostgreSQL SQLSTATE:
 * corruption of bytes (which may have come from disk) is `XX001`
 * data_corrupted, a caller asking for something impossible is `XX000`
 * internal_error (PostgreSQL's elog(ERROR)). None is retryable: a corrupted
 * page stays corrupted, and a bad request is a bug in the caller.
 */
export type PageProblem =
  /** The buffer is not BLCKSZ bytes long. */
  | { readonly kind: 'wrong-buffer-size'; readonly length: number }
  /** pd_pagesize_version is not 8192 | 4. */
  | {
      readonly kind: 'wrong-page-size-or-version';
      readonly pageSize: number;
      readonly version: number;
    }
  /** pd_flags has bits outside PD_VALID_FLAG_BITS. */
  | { readonly kind: 'invalid-flags'; readonly flags: number }
  /** Not 24 <= pd_lower <= pd_upper <= pd_special <= 8192 with pd_special MAXALIGNed. */
  | {
      readonly kind: 'corrupted-page-pointers';
      readonly lower: number;
      readonly upper: number;
      readonly special: number;
    }
  /** A line pointer's storage lies outside [pd_upper, pd_special) or is misaligned. */
  | {
      readonly kind: 'corrupted-line-pointer';
      readonly offsetNumber: number;
      readonly off: number;
      readonly len: number;
    }
  /** The stored items add up to more than the space that holds them. */
  | { readonly kind: 'corrupted-item-lengths'; readonly total: number; readonly available: number }
  /** A page that is not all zeros has pd_upper = 0. */
  | { readonly kind: 'garbage-in-new-page' }
  /** pd_checksum does not match the computed checksum. */
  | {
      readonly kind: 'checksum-mismatch';
      readonly blockNumber: number;
      readonly calculated: number;
      readonly expected: number;
    }
  /** An offset number outside 1..maxOffsetNumber (or beyond the first free slot, for adds). */
  | { readonly kind: 'invalid-offset-number'; readonly offsetNumber: number; readonly max: number }
  /** An overwrite was asked of a line pointer that is in use or has storage. */
  | { readonly kind: 'item-in-use'; readonly offsetNumber: number }
  /** An operation that needs an item's storage met a line pointer without any. */
  | { readonly kind: 'item-has-no-storage'; readonly offsetNumber: number }
  /** The offsets given to a multi-delete are not strictly ascending and in range. */
  | { readonly kind: 'incorrect-index-offsets' }
  /** An item of zero bytes: a line pointer cannot tell it from one without storage. */
  | { readonly kind: 'empty-item' }
  /** An item longer than lp_len can record, or than a page can hold. */
  | { readonly kind: 'item-too-large'; readonly length: number }
  /** A special size that does not fit on a page. */
  | { readonly kind: 'invalid-special-size'; readonly specialSize: number };

export type PageProblemKind = PageProblem['kind'];

/** SQLSTATE data_corrupted. */
export const ERRCODE_DATA_CORRUPTED = 'XX001';
/** SQLSTATE internal_error. */
export const ERRCODE_INTERNAL_ERROR = 'XX000';

/** The SQLSTATE a problem is reported with. */
export function sqlstateOf(problem: PageProblem): string {
  switch (problem.kind) {
    case 'invalid-offset-number':
    case 'item-in-use':
    case 'item-has-no-storage':
    case 'incorrect-index-offsets':
    case 'item-too-large':
    case 'empty-item':
    case 'invalid-special-size':
      return ERRCODE_INTERNAL_ERROR;
    default:
      return ERRCODE_DATA_CORRUPTED;
  }
}

/** The message, worded as PostgreSQL words it where PostgreSQL has one. */
export function describeProblem(p: PageProblem): string {
  switch (p.kind) {
    case 'wrong-buffer-size':
      return `page buffer is ${p.length} bytes, expected 8192`;
    case 'wrong-page-size-or-version':
      return `page has wrong size or layout version: size = ${p.pageSize}, version = ${p.version}`;
    case 'invalid-flags':
      return `page has invalid flag bits: 0x${p.flags.toString(16).padStart(4, '0')}`;
    case 'corrupted-page-pointers':
      return `corrupted page pointers: lower = ${p.lower}, upper = ${p.upper}, special = ${p.special}`;
    case 'corrupted-line-pointer':
      return `corrupted line pointer ${p.offsetNumber}: offset = ${p.off}, size = ${p.len}`;
    case 'corrupted-item-lengths':
      return `corrupted item lengths: total ${p.total}, available space ${p.available}`;
    case 'garbage-in-new-page':
      return 'page is not initialized (pd_upper = 0) but is not all zeros';
    case 'checksum-mismatch':
      return `page verification failed, calculated checksum ${p.calculated} but expected ${p.expected}`;
    case 'invalid-offset-number':
      return `invalid offset number ${p.offsetNumber} (page has ${p.max} line pointers)`;
    case 'item-in-use':
      return `will not overwrite a used ItemId (offset number ${p.offsetNumber})`;
    case 'item-has-no-storage':
      return `line pointer ${p.offsetNumber} has no storage`;
    case 'incorrect-index-offsets':
      return 'incorrect index offsets supplied';
    case 'empty-item':
      return 'cannot add an item of zero bytes';
    case 'item-too-large':
      return `item of ${p.length} bytes is too large for a page`;
    case 'invalid-special-size':
      return `invalid special space size ${p.specialSize}`;
  }
}

/** The one error class this package throws. */
export class PageError extends Error {
  override readonly name = 'PageError';
  /** PostgreSQL SQLSTATE: XX001 for corrupted bytes, XX000 for a bad request. */
  readonly code: string;
  readonly problem: PageProblem;

  constructor(problem: PageProblem, blockNumber?: number) {
    const where = blockNumber === undefined ? '' : ` (block ${blockNumber})`;
    super(describeProblem(problem) + where);
    this.problem = problem;
    this.code = sqlstateOf(problem);
  }
}
