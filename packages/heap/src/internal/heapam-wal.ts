/**
 * The heap's WAL (resource manager 10, as PostgreSQL's RM_HEAP_ID), with
 * PostgreSQL's info numbers (heapam_xlog.h) so a waldump reads familiar
 * names, but a simpler record body: every block reference carries the
 * page's whole new contents (page-image style, as @pg/btree's kind 2),
 * so redo rebuilds each page from the record alone and is exact by
 * construction.
 *
 * Block data (one per changed page):
 *
 * | offset | size            | field                                                   |
 * | -----: | --------------: | ------------------------------------------------------- |
 * |      0 |               1 | kind: 2 (page contents)                                 |
 * |      1 |               2 | pd_lower (u16 little-endian)                            |
 * |      3 |               2 | pd_upper (u16 little-endian)                            |
 * |      5 |        pd_lower | the page's bytes [0, pd_lower)                          |
 * |  5+lo | 8192 - pd_upper | the page's bytes [pd_upper, 8192)                       |
 *
 * An XLOG_HEAP_INSERT that adds a tuple to a page that already had some
 * carries, instead, the tuple alone (xl_heap_insert's offnum and the
 * tuple, as PostgreSQL logs it, with the whole header kept):
 *
 * | offset | size | field                                              |
 * | -----: | ---: | -------------------------------------------------- |
 * |      0 |    1 | kind: 3 (one tuple added)                          |
 * |      1 |    2 | offnum (u16 little-endian)                         |
 * |      3 |    n | the tuple, header included, as stored on the page  |
 *
 * Redo puts it at offnum (PageAddItem with overwrite) unless the page
 * already has the change (its LSN) or came back as a full-page image.
 * The first tuple of a page is logged as the page's contents, so redo
 * needs no page that a crash may have left unwritten (XLOG_HEAP_INIT_PAGE).
 *
 * Main data: one byte per block reference, in order; bit 0x01
 * (XLH_ALL_VISIBLE_CLEARED) says the change cleared the page's
 * PD_ALL_VISIBLE, so redo clears the block's visibility-map bits too.
 *
 * Records: XLOG_HEAP_INSERT (one block), XLOG_HEAP_DELETE (one block),
 * XLOG_HEAP_UPDATE (old page, then new page; one block when both are the
 * same page), XLOG_HEAP_HOT_UPDATE (one block), XLOG_HEAP2_PRUNE-style
 * prune (info XLOG_HEAP_PRUNE, one block), and XLOG_HEAP_HINT (no block
 * data: only the full-page image XLogInserter attaches, the
 * XLogSaveBufferForHint of a hint-bit change with checksums on).
 */

import type { Page } from '@pg/page';
import {
  encodePageImage,
  isPageImage,
  type RedoContext,
  restorePageImage,
  VisibilityMap,
} from '@pg/storage';
import type { ResourceManager, WalRecord } from '@pg/wal';
import { SIZEOF_HEAP_TUPLE_HEADER } from './tuple.js';
import { addHeapTuple } from './tuple-page.js';

/** RM_HEAP_ID. */
export const RM_HEAP_ID = 10;
export const XLOG_HEAP_INSERT = 0x00;
export const XLOG_HEAP_DELETE = 0x10;
export const XLOG_HEAP_UPDATE = 0x20;
/** PostgreSQL's XLOG_HEAP_TRUNCATE slot; here: a hint-bit full-page image (XLOG_FPI_FOR_HINT). */
export const XLOG_HEAP_HINT = 0x30;
export const XLOG_HEAP_HOT_UPDATE = 0x40;
/** PostgreSQL logs pruning as RM_HEAP2_ID's XLOG_HEAP2_PRUNE (0x10); one resource manager here. */
export const XLOG_HEAP_PRUNE = 0x50;
/** Main-data bit: the page's PD_ALL_VISIBLE was cleared (XLH_INSERT_ALL_VISIBLE_CLEARED). */
export const XLH_ALL_VISIBLE_CLEARED = 0x01;
/**
 * A page frozen by freeze.ts (PostgreSQL's XLOG_HEAP2_FREEZE_PAGE; its
 * XLOG_HEAP_INPLACE slot, unused here).
 */
export const XLOG_HEAP_FREEZE_PAGE = 0x70;
/** Main-data bit: the page is all frozen: redo sets its VM ALL_VISIBLE | ALL_FROZEN (XLOG_HEAP2_VISIBLE). */
export const XLH_ALL_FROZEN_SET = 0x02;
/** Main-data bit: the page is all visible: redo sets its VM ALL_VISIBLE (XLOG_HEAP2_VISIBLE). */
export const XLH_ALL_VISIBLE_SET = 0x04;
/** VACUUM's second heap pass: LP_DEAD items made unused (PostgreSQL's XLOG_HEAP2_VACUUM). */
export const XLOG_HEAP_VACUUM = 0x80;
/** VACUUM set the page all-visible (PostgreSQL's XLOG_HEAP2_VISIBLE); page image + VM bit. */
export const XLOG_HEAP_VISIBLE = 0x90;

const KIND_IMAGE = 2;
const KIND_PATCH = 4;
/** The header bytes a patch carries: t_xmin .. t_infomask (t_hoff and the data never change in place). */
const PATCHED_HEADER = 22;

/** What an update, delete or lock changed on a page that already had the tuples it touches. */
export interface PagePatch {
  /** Tuples whose header changed (xmax, cid, ctid, infomask2, infomask): offsets. */
  readonly headers: readonly number[];
  /** Tuples added: offsets. */
  readonly added: readonly number[];
}

/**
 * Block data of a page patch: the page's pd_flags and pd_prune_xid after
 * the change, the changed tuple headers and the added tuples.
 *
 * | size | field                                             |
 * | ---: | ------------------------------------------------- |
 * |    1 | kind: 4 (patch)                                   |
 * |    2 | pd_flags                                          |
 * |    4 | pd_prune_xid                                      |
 * |    2 | number of header patches, then each: offnum u16 and the header's first 22 bytes |
 * |    2 | number of added tuples, then each: offnum u16, length u16, the tuple |
 */
export function heapPatchData(page: Page, patch: PagePatch): Uint8Array {
  const added = patch.added.map((off) => ({ off, t: page.mustItem(off) }));
  const size =
    9 +
    patch.headers.length * (2 + PATCHED_HEADER) +
    2 +
    added.reduce((n, a) => n + 4 + a.t.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  out[0] = KIND_PATCH;
  v.setUint16(1, page.flags, true);
  v.setUint32(3, page.pruneXid, true);
  v.setUint16(7, patch.headers.length, true);
  let at = 9;
  for (const off of patch.headers) {
    v.setUint16(at, off, true);
    out.set(page.mustItem(off).subarray(0, PATCHED_HEADER), at + 2);
    at += 2 + PATCHED_HEADER;
  }
  v.setUint16(at, added.length, true);
  at += 2;
  for (const { off, t } of added) {
    v.setUint16(at, off, true);
    v.setUint16(at + 2, t.length, true);
    out.set(t, at + 4);
    at += 4 + t.length;
  }
  return out;
}

const KIND_PRUNE = 5;

/** What pruning did to a page: line pointers redirected, made dead, made unused. */
export interface PruneChanges {
  readonly redirects: readonly (readonly [number, number])[];
  readonly dead: readonly number[];
  readonly unused: readonly number[];
}

/**
 * Block data of a prune (xl_heap_prune's arrays): kind u8 = 5, pd_flags
 * u16 and pd_prune_xid u32 after the prune, then the redirected pairs
 * (count u16, from u16 and to u16 each), the dead and the unused offsets
 * (count u16, offnum u16 each). Redo changes the line pointers and
 * compacts the page (PageRepairFragmentation), which lays the tuples out
 * exactly as the prune did.
 */
export function heapPruneData(page: Page, c: PruneChanges): Uint8Array {
  const out = new Uint8Array(
    7 + 2 + c.redirects.length * 4 + 2 + c.dead.length * 2 + 2 + c.unused.length * 2,
  );
  const v = new DataView(out.buffer);
  out[0] = KIND_PRUNE;
  v.setUint16(1, page.flags, true);
  v.setUint32(3, page.pruneXid, true);
  let at = 7;
  v.setUint16(at, c.redirects.length, true);
  at += 2;
  for (const [from, to] of c.redirects) {
    v.setUint16(at, from, true);
    v.setUint16(at + 2, to, true);
    at += 4;
  }
  for (const list of [c.dead, c.unused]) {
    v.setUint16(at, list.length, true);
    at += 2;
    for (const off of list) {
      v.setUint16(at, off, true);
      at += 2;
    }
  }
  return out;
}

/** Redo of {@link heapPruneData}, every count and offset checked first. */
function redoPrune(page: Page, data: Uint8Array, lsn: bigint): void {
  const bad = (why: string) => new Error(`heap redo at ${lsn}: prune record ${why}`);
  const v = new DataView(data.buffer, data.byteOffset, data.length);
  const u16 = (at: number) => {
    if (at + 2 > data.length) throw bad('too short');
    return v.getUint16(at, true);
  };
  const offset = (at: number) => {
    const off = u16(at);
    if (off < 1 || off > page.maxOffsetNumber) {
      throw bad(`names offset ${off} beyond the page's ${page.maxOffsetNumber}`);
    }
    return off;
  };
  if (data.length < 9) throw bad('too short');
  const flags = v.getUint16(1, true);
  const pruneXid = v.getUint32(3, true);
  let at = 7;
  const redirects = u16(at);
  at += 2;
  const changes: (() => void)[] = [];
  for (let i = 0; i < redirects; i++, at += 4) {
    const from = offset(at);
    const to = offset(at + 2);
    changes.push(() => page.setRedirect(from, to));
  }
  for (const set of [(o: number) => page.setDead(o), (o: number) => page.setUnused(o)]) {
    const n = u16(at);
    at += 2;
    for (let i = 0; i < n; i++, at += 2) {
      const off = offset(at);
      changes.push(() => set(off));
    }
  }
  if (at !== data.length) throw bad('has trailing bytes');
  for (const change of changes) change();
  page.repairFragmentation();
  page.flags = flags;
  page.pruneXid = pruneXid;
}

/** Redo of {@link heapPatchData}, every length and offset checked before use. */
function redoPatch(page: Page, data: Uint8Array, lsn: bigint): void {
  const bad = (why: string) => new Error(`heap redo at ${lsn}: patch record ${why}`);
  if (data.length < 11) throw bad('too short');
  const v = new DataView(data.buffer, data.byteOffset, data.length);
  const flags = v.getUint16(1, true);
  const pruneXid = v.getUint32(3, true);
  const headers = v.getUint16(7, true);
  let at = 9;
  for (let i = 0; i < headers; i++) {
    if (at + 2 + PATCHED_HEADER > data.length) throw bad('header patch past its end');
    const off = v.getUint16(at, true);
    const item = off >= 1 && off <= page.maxOffsetNumber ? page.item(off) : undefined;
    if (item === undefined || item.length < SIZEOF_HEAP_TUPLE_HEADER) {
      throw bad(`names offset ${off}, which has no tuple`);
    }
    item.set(data.subarray(at + 2, at + 2 + PATCHED_HEADER));
    at += 2 + PATCHED_HEADER;
  }
  if (at + 2 > data.length) throw bad('has no tuple count');
  const added = v.getUint16(at, true);
  at += 2;
  for (let i = 0; i < added; i++) {
    if (at + 4 > data.length) throw bad('tuple past its end');
    const off = v.getUint16(at, true);
    const len = v.getUint16(at + 2, true);
    if (at + 4 + len > data.length) throw bad('tuple past its end');
    redoInsert(page, off, data.subarray(at + 4, at + 4 + len), lsn);
    at += 4 + len;
  }
  if (at !== data.length) throw bad('has trailing bytes');
  page.flags = flags;
  page.pruneXid = pruneXid;
}

/** A tuple of a patch back at its offset, the bytes checked first. */
function redoInsert(page: Page, offset: number, tuple: Uint8Array, lsn: bigint): void {
  if (offset < 1 || offset > page.maxOffsetNumber + 1 || tuple.length < SIZEOF_HEAP_TUPLE_HEADER) {
    throw new Error(
      `heap redo at ${lsn}: insert record with offset ${offset} and a ${tuple.length}-byte tuple does not fit the page`,
    );
  }
  if (addHeapTuple(page, tuple, { offsetNumber: offset }) !== offset) {
    throw new Error(`heap redo at ${lsn}: could not add the tuple at offset ${offset}`);
  }
}

const NAMES: Record<number, string> = {
  [XLOG_HEAP_INSERT]: 'INSERT',
  [XLOG_HEAP_DELETE]: 'DELETE',
  [XLOG_HEAP_UPDATE]: 'UPDATE',
  [XLOG_HEAP_HINT]: 'FPI_FOR_HINT',
  [XLOG_HEAP_HOT_UPDATE]: 'HOT_UPDATE',
  [XLOG_HEAP_PRUNE]: 'PRUNE',
  // XLOG_HEAP_LOCK, logged by rowlock.ts.
  96: 'LOCK',
  [XLOG_HEAP_FREEZE_PAGE]: 'FREEZE_PAGE',
  [XLOG_HEAP_VACUUM]: 'VACUUM',
  [XLOG_HEAP_VISIBLE]: 'VISIBLE',
};

/** Block data: the page's whole contents without the hole between pd_lower and pd_upper. */
export function heapPageData(page: Uint8Array): Uint8Array {
  return encodePageImage(page, KIND_IMAGE);
}

/** The heap resource manager: register it through openStorage's `rmgrs`. */
export const heapRmgr: ResourceManager<RedoContext> = {
  id: RM_HEAP_ID,
  name: 'Heap',
  redo(record: WalRecord, _lsn, ctx) {
    for (let i = 0; i < record.blocks.length; i++) {
      const ref = record.blocks[i]!;
      if (!ref.image && isPageImage(ref.data, KIND_IMAGE)) {
        const buffer = ctx.initBlock(i);
        restorePageImage(ctx.pool.bytes(buffer), ref.data);
        ctx.finish(buffer);
      } else if (!ref.image && (ref.data?.[0] === KIND_PATCH || ref.data?.[0] === KIND_PRUNE)) {
        const block = ctx.readBlock(i);
        if (block.action === 'needs-redo') {
          const page = ctx.pool.page(block.buffer);
          if (ref.data[0] === KIND_PATCH) redoPatch(page, ref.data, ctx.lsn);
          else redoPrune(page, ref.data, ctx.lsn);
          if (((record.data?.[i] ?? 0) & XLH_ALL_VISIBLE_CLEARED) !== 0) page.isAllVisible = false;
        }
        ctx.finish(block);
      } else {
        const block = ctx.readBlock(i);
        if (block.action === 'needs-redo' && record.info !== XLOG_HEAP_HINT) {
          throw new Error(`heap redo: block ${ref.blockNumber} has neither an image nor contents`);
        }
        ctx.finish(block);
      }
      if (((record.data?.[i] ?? 0) & XLH_ALL_VISIBLE_CLEARED) !== 0) {
        new VisibilityMap(ctx.pool).clear(ref.rel, ref.blockNumber);
      }
      if (((record.data?.[i] ?? 0) & XLH_ALL_FROZEN_SET) !== 0) {
        new VisibilityMap(ctx.pool).set(ref.rel, ref.blockNumber, 0x03);
      } else if (((record.data?.[i] ?? 0) & XLH_ALL_VISIBLE_SET) !== 0) {
        new VisibilityMap(ctx.pool).set(ref.rel, ref.blockNumber, 0x01);
      }
    }
  },
  describe(record) {
    const name = NAMES[record.info] ?? `UNKNOWN (0x${record.info.toString(16)})`;
    const blocks = record.blocks
      .map(
        (b) =>
          `blk ${b.blockNumber}${b.image ? ' FPW' : ''}${isPageImage(b.data, KIND_IMAGE) ? ' page' : ''}${b.data?.[0] === KIND_PATCH ? ' patch' : ''}${b.data?.[0] === KIND_PRUNE ? ' prune' : ''}`,
      )
      .join(', ');
    return `${name} ${blocks}`;
  },
};
