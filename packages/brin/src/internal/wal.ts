/**
 * BRIN's WAL (resource manager 17, as PostgreSQL's RM_BRIN_ID).
 *
 * Every operation logs one record naming every page it changed (the
 * regular page or pages, the revmap page, the metapage when the revmap
 * grew), each with the page's whole new contents, so redo never reads a
 * page: it writes the block. Whole pages are logged without dropping the
 * bytes between pd_lower and pd_upper, because a revmap page keeps its TIDs
 * there (its pd_lower stays at the end of the page header, as in
 * PostgreSQL). The info byte names the operation with PostgreSQL's numbers,
 * for waldump.
 */
import type { RedoContext } from '@pg/storage';
import type { ResourceManager, WalRecord } from '@pg/wal';
import { BLCKSZ } from './layout.js';

export const RM_BRIN_ID = 17;
export const XLOG_BRIN_CREATE_INDEX = 0x00;
export const XLOG_BRIN_INSERT = 0x10;
export const XLOG_BRIN_UPDATE = 0x20;
export const XLOG_BRIN_SAMEPAGE_UPDATE = 0x30;
export const XLOG_BRIN_REVMAP_EXTEND = 0x40;
export const XLOG_BRIN_DESUMMARIZE = 0x50;
export const XLOG_BRIN_INIT_PAGE = 0x80;

const NAMES: Record<number, string> = {
  [XLOG_BRIN_CREATE_INDEX]: 'CREATE_INDEX',
  [XLOG_BRIN_INSERT]: 'INSERT',
  [XLOG_BRIN_UPDATE]: 'UPDATE',
  [XLOG_BRIN_SAMEPAGE_UPDATE]: 'SAMEPAGE_UPDATE',
  [XLOG_BRIN_REVMAP_EXTEND]: 'REVMAP_EXTEND',
  [XLOG_BRIN_DESUMMARIZE]: 'DESUMMARIZE',
};

const KIND_PAGE = 2;

/** Block data: the page's whole new contents. */
export function pageData(page: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + BLCKSZ);
  out[0] = KIND_PAGE;
  out.set(page, 1);
  return out;
}

/** The BRIN resource manager. */
export const brinRmgr: ResourceManager<RedoContext> = {
  id: RM_BRIN_ID,
  name: 'BRIN',
  redo(record: WalRecord, _lsn, ctx) {
    for (let i = 0; i < record.blocks.length; i++) {
      const ref = record.blocks[i]!;
      const data = ref.data;
      if (data === undefined || data[0] !== KIND_PAGE || data.length !== 1 + BLCKSZ) {
        // A full-page image alone (the block was logged with one): restore it.
        const block = ctx.readBlock(i);
        if (block.action === 'needs-redo') {
          throw new Error(`brin redo: block ${ref.blockNumber} has neither an image nor a page`);
        }
        ctx.finish(block);
        continue;
      }
      const buffer = ctx.initBlock(i);
      ctx.pool.bytes(buffer).set(data.subarray(1));
      ctx.finish(buffer);
    }
  },
  describe(record) {
    const init = (record.info & XLOG_BRIN_INIT_PAGE) !== 0 ? '+INIT' : '';
    const name = NAMES[record.info & 0x70] ?? `UNKNOWN (0x${record.info.toString(16)})`;
    const blocks = record.blocks.map((b) => `blk ${b.blockNumber}`).join(', ');
    return `${name}${init} ${blocks}`;
  },
};
