/**
 * The hash index's WAL (resource manager 12, as PostgreSQL's RM_HASH_ID).
 *
 * Every operation logs one record naming every page it changed, so a split
 * (metapage, old bucket chain, new bucket chain, bitmap pages) replays
 * atomically and there is never a half-finished split to complete. Each
 * block reference carries either
 *
 * - an item insertion (kind 1: offset u16, then the tuple), replayed with
 *   PageAddItem on the page as it was, or
 * - the page's new contents (kind 2, as @pg/storage's page images: the bytes
 *   before pd_lower and from pd_upper on), replayed by rebuilding the page.
 *
 * The info byte carries PostgreSQL's XLOG_HASH_* number, for waldump; the
 * record bodies are this engine's, not PostgreSQL's (see README).
 */
import { Page } from '@pg/page';
import { encodePageImage, isPageImage, type RedoContext, restorePageImage } from '@pg/storage';
import type { ResourceManager, WalRecord } from '@pg/wal';

export const RM_HASH_ID = 12;
export const XLOG_HASH_INIT_META_PAGE = 0x00;
export const XLOG_HASH_INIT_BITMAP_PAGE = 0x10;
export const XLOG_HASH_INSERT = 0x20;
export const XLOG_HASH_ADD_OVFL_PAGE = 0x30;
export const XLOG_HASH_SPLIT_ALLOCATE_PAGE = 0x40;
export const XLOG_HASH_SPLIT_PAGE = 0x50;
export const XLOG_HASH_SPLIT_COMPLETE = 0x60;
export const XLOG_HASH_MOVE_PAGE_CONTENTS = 0x70;
export const XLOG_HASH_SQUEEZE_PAGE = 0x80;
export const XLOG_HASH_DELETE = 0x90;
export const XLOG_HASH_SPLIT_CLEANUP = 0xa0;
export const XLOG_HASH_UPDATE_META_PAGE = 0xb0;
export const XLOG_HASH_VACUUM_ONE_PAGE = 0xc0;

const NAMES: Record<number, string> = {
  [XLOG_HASH_INIT_META_PAGE]: 'INIT_META_PAGE',
  [XLOG_HASH_INIT_BITMAP_PAGE]: 'INIT_BITMAP_PAGE',
  [XLOG_HASH_INSERT]: 'INSERT',
  [XLOG_HASH_ADD_OVFL_PAGE]: 'ADD_OVFL_PAGE',
  [XLOG_HASH_SPLIT_ALLOCATE_PAGE]: 'SPLIT_ALLOCATE_PAGE',
  [XLOG_HASH_SPLIT_PAGE]: 'SPLIT_PAGE',
  [XLOG_HASH_SPLIT_COMPLETE]: 'SPLIT_COMPLETE',
  [XLOG_HASH_MOVE_PAGE_CONTENTS]: 'MOVE_PAGE_CONTENTS',
  [XLOG_HASH_SQUEEZE_PAGE]: 'SQUEEZE_PAGE',
  [XLOG_HASH_DELETE]: 'DELETE',
  [XLOG_HASH_SPLIT_CLEANUP]: 'SPLIT_CLEANUP',
  [XLOG_HASH_UPDATE_META_PAGE]: 'UPDATE_META_PAGE',
  [XLOG_HASH_VACUUM_ONE_PAGE]: 'VACUUM_ONE_PAGE',
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

export function isImageData(data: Uint8Array | undefined): boolean {
  return isPageImage(data, KIND_IMAGE);
}

/** The hash resource manager. */
export const hashRmgr: ResourceManager<RedoContext> = {
  id: RM_HASH_ID,
  name: 'Hash',
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
          throw new Error(`hash redo: block ${ref.blockNumber} has neither an image nor a change`);
        }
        const offset = data[1]! | (data[2]! << 8);
        const page = Page.wrap(ctx.pool.bytes(block.buffer));
        if (page.addItem(data.subarray(3), { offsetNumber: offset }) !== offset) {
          throw new Error(`hash redo: could not add an item at offset ${offset}`);
        }
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
