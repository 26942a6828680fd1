/** Test-only helpers: the page-format readers, for inspecting pages (ours or PostgreSQL's). */
export {
  type EntryTuple,
  formEntryTuple,
  ginLimits,
  type KeyStorage,
  parseEntryTuple,
  readDataInternal,
  readDataLeaf,
} from './internal/layout.js';
