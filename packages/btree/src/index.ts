export {
  BT_MAX_ITEM_SIZE,
  type BTMeta,
  type BTOpaque,
  BTP_DELETED,
  BTP_HALF_DEAD,
  BTP_HAS_GARBAGE,
  BTP_LEAF,
  BTP_META,
  BTP_ROOT,
  BTREE_MAGIC,
  BTREE_VERSION,
  P_NONE,
} from './internal/layout.js';
export { BTree, type BTreeOptions, type XidHorizon } from './internal/tree.js';
export { btreeRmgr, RM_BTREE_ID } from './internal/wal.js';
