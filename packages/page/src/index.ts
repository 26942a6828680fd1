export { pageChecksum } from './internal/checksum.js';
export { type DrawOptions, drawPage } from './internal/draw.js';
export {
  ERRCODE_DATA_CORRUPTED,
  ERRCODE_INTERNAL_ERROR,
  PageError,
  type PageProblem,
  type PageProblemKind,
} from './internal/errors.js';
export {
  BLCKSZ,
  LP_DEAD,
  LP_NORMAL,
  LP_REDIRECT,
  LP_UNUSED,
  type LpFlags,
  MAX_HEAP_TUPLES_PER_PAGE,
  MAX_INDEX_TUPLES_PER_PAGE,
  MAXIMUM_ALIGNOF,
  maxAlign,
  PD_ALL_VISIBLE,
  PD_HAS_FREE_LINES,
  PD_PAGE_FULL,
  PG_PAGE_LAYOUT_VERSION,
  SIZE_OF_ITEM_ID,
  SIZE_OF_PAGE_HEADER,
} from './internal/layout.js';
export { formatLsn, parseLsn } from './internal/lsn.js';
export {
  type AddItemOptions,
  type ItemId,
  Page,
  type PageHeader,
  type VerifyOptions,
  type VerifyResult,
} from './internal/page.js';
