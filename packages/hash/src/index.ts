export { type HashCreateOptions, HashIndex, type HashIndexOptions } from './internal/hash.js';
export { hashBytes, hashInt4, hashInt8, hashText, hashUint32 } from './internal/hashfunc.js';
export {
  bucketToBlock,
  HASH_MAGIC,
  HASH_VERSION,
  HASHO_PAGE_ID,
  type HashMeta,
  type HashOpaque,
  LH_BITMAP_PAGE,
  LH_BUCKET_BEING_POPULATED,
  LH_BUCKET_BEING_SPLIT,
  LH_BUCKET_PAGE,
  LH_META_PAGE,
  LH_OVERFLOW_PAGE,
  LH_UNUSED_PAGE,
  readMeta,
  readOpaque,
  tupleHash,
  tupleTid,
} from './internal/layout.js';
export { hashRmgr, RM_HASH_ID } from './internal/wal.js';
