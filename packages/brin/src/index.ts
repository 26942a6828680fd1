export { Brin, type BrinHeap, type BrinOptions, summaryMatches } from './internal/brin.js';
export {
  BRIN_CURRENT_VERSION,
  BRIN_DEFAULT_PAGES_PER_RANGE,
  BRIN_EMPTY_RANGE_MASK,
  BRIN_META_MAGIC,
  BRIN_NULLS_MASK,
  BRIN_PAGETYPE_META,
  BRIN_PAGETYPE_REGULAR,
  BRIN_PAGETYPE_REVMAP,
  BRIN_PLACEHOLDER_MASK,
  type BrinColumn,
  type BrinColumnKind,
  type BrinMeta,
  type BrinSummary,
  deformTuple,
  formTuple,
  pageType,
  REVMAP_PAGE_MAXITEMS,
  readMeta,
  revmapGet,
} from './internal/layout.js';
export {
  type BrinOpclass,
  type InclusionSupport,
  inclusionOpclass,
  minmaxOpclass,
  RTStrategy,
  rangeInclusionOps,
} from './internal/opclass.js';
export { brinRmgr, RM_BRIN_ID } from './internal/wal.js';
