/**
 * GIN's WAL (resource manager 13, as PostgreSQL's RM_GIN_ID). Every
 * operation logs one record naming every page it changed, each with the
 * page's new contents (pd_lower, pd_upper, the bytes outside the hole), so
 * redo rebuilds the pages without reading them and a split is atomic. The
 * info byte carries PostgreSQL's record numbers, for waldump.
 */
import { encodePageImage, isPageImage, type RedoContext, restorePageImage } from '@pg/storage';
import type { ResourceManager, WalRecord } from '@pg/wal';

export const RM_GIN_ID = 13;
export const XLOG_GIN_CREATE_PTREE = 0x10;
export const XLOG_GIN_INSERT = 0x20;
export const XLOG_GIN_SPLIT = 0x30;
export const XLOG_GIN_VACUUM_PAGE = 0x40;
export const XLOG_GIN_DELETE_PAGE = 0x50;
export const XLOG_GIN_UPDATE_META_PAGE = 0x60;
export const XLOG_GIN_INSERT_LISTPAGE = 0x70;
export const XLOG_GIN_DELETE_LISTPAGE = 0x80;
export const XLOG_GIN_VACUUM_DATA_LEAF_PAGE = 0x90;

const NAMES: Record<number, string> = {
  [XLOG_GIN_CREATE_PTREE]: 'CREATE_PTREE',
  [XLOG_GIN_INSERT]: 'INSERT',
  [XLOG_GIN_SPLIT]: 'SPLIT',
  [XLOG_GIN_VACUUM_PAGE]: 'VACUUM_PAGE',
  [XLOG_GIN_DELETE_PAGE]: 'DELETE_PAGE',
  [XLOG_GIN_UPDATE_META_PAGE]: 'UPDATE_META_PAGE',
  [XLOG_GIN_INSERT_LISTPAGE]: 'INSERT_LISTPAGE',
  [XLOG_GIN_DELETE_LISTPAGE]: 'DELETE_LISTPAGE',
  [XLOG_GIN_VACUUM_DATA_LEAF_PAGE]: 'VACUUM_DATA_LEAF_PAGE',
};

const KIND_IMAGE = 2;

export function imageData(page: Uint8Array): Uint8Array {
  return encodePageImage(page, KIND_IMAGE);
}

export const ginRmgr: ResourceManager<RedoContext> = {
  id: RM_GIN_ID,
  name: 'Gin',
  redo(record: WalRecord, _lsn, ctx) {
    for (let i = 0; i < record.blocks.length; i++) {
      const ref = record.blocks[i]!;
      if (!ref.image && isPageImage(ref.data, KIND_IMAGE)) {
        const buffer = ctx.initBlock(i);
        restorePageImage(ctx.pool.bytes(buffer), ref.data!);
        ctx.finish(buffer);
        continue;
      }
      const block = ctx.readBlock(i);
      if (block.action === 'needs-redo') {
        throw new Error(`gin redo: block ${ref.blockNumber} has no page contents`);
      }
      ctx.finish(block);
    }
  },
  describe(record) {
    const name = NAMES[record.info] ?? `UNKNOWN (0x${record.info.toString(16)})`;
    return `${name} ${record.blocks.map((b) => `blk ${b.blockNumber}${b.image ? ' FPW' : ''}`).join(', ')}`;
  },
};
