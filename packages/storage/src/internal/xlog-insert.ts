import type { BlockRef, InsertResult, Lsn, WalWriter } from '@pg/wal';
import type { BufferPool } from './buffer-pool.js';
import { ERRCODE_INTERNAL_ERROR, StorageError } from './errors.js';

/** A buffer a record changes (XLogRegisterBuffer). */
export interface BufferChange {
  /** A pinned, exclusively locked buffer whose page has already been changed. */
  readonly buffer: number;
  /** What redo needs to repeat the change on this page (XLogRegisterBufData). */
  readonly data?: Uint8Array;
  /**
   * The record initialises the page from nothing (REGBUF_WILL_INIT): redo
   * rebuilds it without reading it, so it never needs a full-page image.
   */
  readonly willInit?: boolean;
  /** Attach a full-page image whatever the page's LSN (log_newpage, hint images). */
  readonly forceImage?: boolean;
}

/** A record that changes buffers. */
export interface LoggedChange {
  readonly rmid: number;
  readonly info: number;
  readonly xid?: number;
  readonly buffers?: readonly BufferChange[];
  /** Main data. */
  readonly data?: Uint8Array;
}

/**
 * Logs changes to buffered pages (XLogInsert with registered buffers). The
 * caller changes the pages first, under their exclusive content locks, then
 * calls {@link XLogInserter.insert}; it attaches a full-page image of every
 * page changed for the first time since the last checkpoint's redo point
 * (pd_lsn ≤ RedoRecPtr, full_page_writes on), inserts the record, sets each
 * page's pd_lsn to the record's end and marks the buffers dirty.
 *
 * The image is the page after the change, so redo of a block with an image
 * restores it and does nothing else: a torn write of that page is repaired
 * whatever the torn bytes are.
 */
export class XLogInserter {
  readonly wal: WalWriter;
  readonly pool: BufferPool;
  /** full_page_writes. */
  fullPageWrites: boolean;
  /** The redo point of the checkpoint in progress or last completed (RedoRecPtr). */
  redoRecPtr: Lsn;
  /** Full-page images attached so far. */
  fullPageImages = 0;

  constructor(options: {
    readonly wal: WalWriter;
    readonly pool: BufferPool;
    readonly fullPageWrites?: boolean;
    readonly redoRecPtr?: Lsn;
  }) {
    this.wal = options.wal;
    this.pool = options.pool;
    this.fullPageWrites = options.fullPageWrites ?? true;
    this.redoRecPtr = options.redoRecPtr ?? 0n;
  }

  /** Whether a change to this buffer now needs a full-page image. */
  needsImage(buffer: number): boolean {
    return this.fullPageWrites && this.pool.page(buffer).lsn <= this.redoRecPtr;
  }

  /** Inserts the record and stamps its end LSN on every changed page. */
  insert(change: LoggedChange): InsertResult {
    const buffers = change.buffers ?? [];
    const blocks: BlockRef[] = [];
    for (const b of buffers) {
      if (!this.pool.isExclusivelyLocked(b.buffer)) {
        throw new StorageError(
          ERRCODE_INTERNAL_ERROR,
          `buffer ${b.buffer} is logged without an exclusive lock`,
        );
      }
      const tag = this.pool.tag(b.buffer);
      const image =
        b.forceImage || (!b.willInit && this.needsImage(b.buffer))
          ? this.pool.bytes(b.buffer).slice()
          : undefined;
      if (image) this.fullPageImages++;
      blocks.push({
        rel: tag.rel,
        fork: tag.fork,
        blockNumber: tag.block,
        ...(image ? { image } : {}),
        ...(b.data ? { data: b.data } : {}),
      });
    }
    const result = this.wal.insert({
      rmid: change.rmid,
      info: change.info,
      ...(change.xid !== undefined ? { xid: change.xid } : {}),
      blocks,
      ...(change.data ? { data: change.data } : {}),
    });
    for (const b of buffers) {
      this.pool.page(b.buffer).lsn = result.end;
      this.pool.markDirty(b.buffer);
    }
    return result;
  }
}
