/**
 * The B-tree's WAL (resource manager 11, as PostgreSQL's RM_BTREE_ID).
 *
 * Every operation logs one record naming every page it changed, so an
 * insertion that splits a leaf, its parent and the root is one atomic
 * record: recovery never sees half a split and there are no "incomplete
 * split" states to finish. Each block reference carries either
 *
 * - an item insertion (kind 1: offset u16, then the tuple), replayed with
 *   PageAddItem on the page as it was, or
 * - the page's new contents (kind 2: pd_lower u16, pd_upper u16, the bytes
 *   before pd_lower and from pd_upper on), replayed by rebuilding the page,
 *   so such blocks need no full-page image.
 *
 * The record's info byte says which operation it was, with PostgreSQL's
 * numbers, for waldump.
 */
import { Page } from '@pg/page';
import { encodePageImage, isPageImage, type RedoContext, restorePageImage } from '@pg/storage';
import type { ResourceManager, WalRecord } from '@pg/wal';

export const RM_BTREE_ID = 11;
export const XLOG_BTREE_INSERT_LEAF = 0x00;
export const XLOG_BTREE_INSERT_UPPER = 0x10;
export const XLOG_BTREE_INSERT_META = 0x20;
export const XLOG_BTREE_SPLIT_L = 0x30;
export const XLOG_BTREE_SPLIT_R = 0x40;
export const XLOG_BTREE_INSERT_POST = 0x50;
export const XLOG_BTREE_DEDUP = 0x60;
export const XLOG_BTREE_DELETE = 0x70;
export const XLOG_BTREE_UNLINK_PAGE = 0x80;
export const XLOG_BTREE_UNLINK_PAGE_META = 0x90;
export const XLOG_BTREE_NEWROOT = 0xa0;
export const XLOG_BTREE_MARK_PAGE_HALFDEAD = 0xb0;
export const XLOG_BTREE_VACUUM = 0xc0;
export const XLOG_BTREE_REUSE_PAGE = 0xd0;
export const XLOG_BTREE_META_CLEANUP = 0xe0;

const NAMES: Record<number, string> = {
  [XLOG_BTREE_INSERT_LEAF]: 'INSERT_LEAF',
  [XLOG_BTREE_INSERT_UPPER]: 'INSERT_UPPER',
  [XLOG_BTREE_INSERT_META]: 'INSERT_META',
  [XLOG_BTREE_SPLIT_L]: 'SPLIT_L',
  [XLOG_BTREE_SPLIT_R]: 'SPLIT_R',
  [XLOG_BTREE_INSERT_POST]: 'INSERT_POST',
  [XLOG_BTREE_DEDUP]: 'DEDUP',
  [XLOG_BTREE_DELETE]: 'DELETE',
  [XLOG_BTREE_UNLINK_PAGE]: 'UNLINK_PAGE',
  [XLOG_BTREE_UNLINK_PAGE_META]: 'UNLINK_PAGE_META',
  [XLOG_BTREE_NEWROOT]: 'NEWROOT',
  [XLOG_BTREE_MARK_PAGE_HALFDEAD]: 'MARK_PAGE_HALFDEAD',
  [XLOG_BTREE_VACUUM]: 'VACUUM',
  [XLOG_BTREE_REUSE_PAGE]: 'REUSE_PAGE',
  [XLOG_BTREE_META_CLEANUP]: 'META_CLEANUP',
};

const KIND_INSERT = 1;
const KIND_IMAGE = 2;

/** Block data: insert `tuple` at `offset`. */
export function insertData(offset: number, tuple: Uint8Array): Uint8Array {
  const out = new Uint8Array(3 + tuple.length);
  out[0] = KIND_INSERT;
  out[1] = offset & 0xff;
  out[2] = offset >>> 8;
  out.set(tuple, 3);
  return out;
}

/** Block data: the page's whole new contents, without the hole between pd_lower and pd_upper. */
export function imageData(page: Uint8Array): Uint8Array {
  return encodePageImage(page, KIND_IMAGE);
}

/** Whether block data is a whole page (replayed without reading the page). */
export function isImageData(data: Uint8Array | undefined): boolean {
  return isPageImage(data, KIND_IMAGE);
}

function applyInsert(page: Uint8Array, data: Uint8Array): void {
  const offset = data[1]! | (data[2]! << 8);
  if (Page.wrap(page).addItem(data.subarray(3), { offsetNumber: offset }) !== offset) {
    throw new Error(`btree redo: could not add an item at offset ${offset}`);
  }
}

/** The B-tree resource manager. */
export const btreeRmgr: ResourceManager<RedoContext> = {
  id: RM_BTREE_ID,
  name: 'Btree',
  redo(record: WalRecord, _lsn, ctx) {
    for (let i = 0; i < record.blocks.length; i++) {
      const ref = record.blocks[i]!;
      if (!ref.image && isImageData(ref.data)) {
        const buffer = ctx.initBlock(i);
        restorePageImage(ctx.pool.bytes(buffer), ref.data!);
        ctx.finish(buffer);
        continue;
      }
      const block = ctx.readBlock(i);
      if (block.action === 'needs-redo') {
        const data = ref.data;
        if (data === undefined || data[0] !== KIND_INSERT) {
          throw new Error(`btree redo: block ${ref.blockNumber} has neither an image nor a change`);
        }
        applyInsert(ctx.pool.bytes(block.buffer), data);
      }
      ctx.finish(block);
    }
  },
  describe(record) {
    const name = NAMES[record.info] ?? `UNKNOWN (0x${record.info.toString(16)})`;
    const blocks = record.blocks
      .map(
        (b) => `blk ${b.blockNumber}${b.image ? ' FPW' : ''}${isImageData(b.data) ? ' page' : ''}`,
      )
      .join(', ');
    return `${name} ${blocks}`;
  },
};
