/**
 * The commit log, pg_xact, as PostgreSQL 15's access/transam/clog.c and
 * slru.c keep it: two status bits per transaction id, 8 KiB pages, 32 pages
 * to a segment file.
 *
 * Status values (XidStatus):
 *
 *   bits  name                        meaning
 *   00    IN_PROGRESS                 running, or crashed before it ended
 *   01    COMMITTED
 *   10    ABORTED
 *   11    SUB_COMMITTED               a subtransaction whose parent's commit is
 *                                     being recorded on another page (or its
 *                                     parent's page, first); see setTreeStatus
 *
 * Addressing (xid is the 32-bit id; pages and segments wrap with it):
 *
 *   page          = xid / 32768              (CLOG_XACTS_PER_PAGE = 8192 * 4)
 *   byte in page  = (xid % 32768) / 4        (CLOG_XACTS_PER_BYTE = 4)
 *   bit shift     = (xid % 4) * 2            (the lowest xid in the low bits)
 *   segment       = page / 32                (SLRU_PAGES_PER_SEGMENT)
 *   file          = pg_xact/%04X of segment  (0000, 0001, ... 0FFF)
 *   offset        = (page % 32) * 8192
 *
 *   one byte:  bit 7 6 | 5 4 | 3 2 | 1 0
 *              xid 4k+3| 4k+2| 4k+1| 4k
 *
 * The page cache (SLRU): a few page buffers with least-recently-used
 * replacement; a dirty page is written when it is evicted and at
 * checkpoint, and the segments written are synced at checkpoint
 * (CheckPointCLOG). Between checkpoints a crash loses status bits, which
 * WAL replay of commit and abort records restores (redo hooks in
 * clog-transam.ts; the xact resource manager that logs them is not wired
 * yet).
 *
 * Invariants:
 *   C1. A status bit moves only IN_PROGRESS -> any, SUB_COMMITTED -> COMMITTED
 *       or ABORTED, or to itself (TransactionIdSetStatusBit's assertion);
 *       during recovery SUB_COMMITTED over COMMITTED is a no-op.
 *   C2. When a transaction tree commits, no reader can see the parent
 *       COMMITTED and a subtransaction IN_PROGRESS: subtransactions on other
 *       pages are SUB_COMMITTED first, then the parent's page is set in one
 *       step (SUB_COMMITTED children on it first), then the other pages.
 *   C3. A page is on disk after checkpoint() returns, with every bit set
 *       before checkpoint() was called.
 */
import type { SlruStore } from './clog-store.js';
import { FIRST_NORMAL_TRANSACTION_ID, MAX_TRANSACTION_ID, type TransactionId } from './xid.js';
import {
  ERRCODE_DATA_CORRUPTED,
  ERRCODE_INTERNAL_ERROR,
  ERRCODE_UNDEFINED_FILE,
  MvccError,
} from './xid-errors.js';

export const TRANSACTION_STATUS_IN_PROGRESS = 0;
export const TRANSACTION_STATUS_COMMITTED = 1;
export const TRANSACTION_STATUS_ABORTED = 2;
export const TRANSACTION_STATUS_SUB_COMMITTED = 3;
/** XidStatus: one of the four TRANSACTION_STATUS_* values. */
export type XidStatus = 0 | 1 | 2 | 3;

export const CLOG_BLCKSZ = 8192;
export const CLOG_BITS_PER_XACT = 2;
export const CLOG_XACTS_PER_BYTE = 4;
export const CLOG_XACTS_PER_PAGE = CLOG_BLCKSZ * CLOG_XACTS_PER_BYTE;
export const CLOG_XACT_BITMASK = (1 << CLOG_BITS_PER_XACT) - 1;
export const SLRU_PAGES_PER_SEGMENT = 32;
/** PostgreSQL 15 sizes the clog cache Min(128, Max(4, NBuffers / 512)); 8 here by default. */
export const DEFAULT_CLOG_BUFFERS = 8;

/** TransactionIdToPage. */
export function transactionIdToPage(xid: TransactionId): number {
  return Math.floor(xid / CLOG_XACTS_PER_PAGE);
}
/** TransactionIdToPgIndex: the xid's position in its page. */
export function transactionIdToPgIndex(xid: TransactionId): number {
  return xid % CLOG_XACTS_PER_PAGE;
}
/** TransactionIdToByte: the byte of its page that holds the xid's bits. */
export function transactionIdToByte(xid: TransactionId): number {
  return Math.floor(transactionIdToPgIndex(xid) / CLOG_XACTS_PER_BYTE);
}
/** TransactionIdToBIndex * CLOG_BITS_PER_XACT: the shift of the xid's bits in its byte. */
export function transactionIdToBitShift(xid: TransactionId): number {
  return (xid % CLOG_XACTS_PER_BYTE) * CLOG_BITS_PER_XACT;
}
/** SlruFileName: the segment file that holds a page ('0000', '0001', ..., '0FFF'). */
export function clogSegmentName(pageno: number): string {
  return Math.floor(pageno / SLRU_PAGES_PER_SEGMENT)
    .toString(16)
    .toUpperCase()
    .padStart(4, '0');
}
/** the byte offset of a page in its segment file */
export function clogPageOffset(pageno: number): number {
  return (pageno % SLRU_PAGES_PER_SEGMENT) * CLOG_BLCKSZ;
}

/** Decode one xid's status from a page's bytes (the page the xid belongs to). */
export function clogPageStatus(page: Uint8Array, xid: TransactionId): XidStatus {
  const byte = page[transactionIdToByte(xid)] ?? 0;
  return ((byte >> transactionIdToBitShift(xid)) & CLOG_XACT_BITMASK) as XidStatus;
}

export interface ClogOptions {
  readonly store: SlruStore;
  /** page buffers in the cache (default 8; at least 2) */
  readonly buffers?: number;
  /** the directory name used in error messages (default 'pg_xact') */
  readonly dir?: string;
  /** called for each status bit as it is set, in order (for tests of the commit protocol) */
  readonly trace?: (xid: TransactionId, status: XidStatus) => void;
}

interface PageBuffer {
  readonly bytes: Uint8Array;
  dirty: boolean;
}

/**
 * The commit log with its page cache. Synchronous; one per instance.
 * Pages that were never zeroed (by `extend` or `zeroPage`) and are not in
 * the store are an error, as in PostgreSQL, except in recovery, where they
 * read as zeros (PostgreSQL does the same, so that redo can run ahead of
 * a lost segment).
 */
export class Clog {
  readonly #store: SlruStore;
  readonly #buffers: number;
  readonly #dir: string;
  readonly #trace: ((xid: TransactionId, status: XidStatus) => void) | undefined;
  /** the cache, least recently used first (Map keeps insertion order) */
  readonly #pages = new Map<number, PageBuffer>();
  /** The most recently used page number (the last key of #pages), or -1. */
  #mru = -1;
  /** segments written since the last checkpoint, to sync */
  readonly #unsynced = new Set<string>();
  #inRecovery = false;

  constructor(options: ClogOptions) {
    this.#store = options.store;
    this.#buffers = Math.max(2, options.buffers ?? DEFAULT_CLOG_BUFFERS);
    this.#dir = options.dir ?? 'pg_xact';
    this.#trace = options.trace;
  }

  /** In recovery, missing pages read as zeros and a re-applied commit is a no-op (C1). */
  setInRecovery(inRecovery: boolean): void {
    this.#inRecovery = inRecovery;
  }

  /** TransactionIdGetStatus. */
  getStatus(xid: TransactionId): XidStatus {
    return clogPageStatus(this.#readPage(transactionIdToPage(xid), xid), xid);
  }

  /**
   * ZeroCLOGPage: a fresh page of IN_PROGRESS bits in the cache, dirty.
   * (PostgreSQL WAL-logs CLOG_ZEROPAGE here; that record is not wired yet.)
   */
  zeroPage(pageno: number): void {
    this.#install(pageno, { bytes: new Uint8Array(CLOG_BLCKSZ), dirty: true });
  }

  /**
   * Whether page `pageno` is in the cache or whole in the store (freeze,
   * issue 11: startup skips the pages that never existed). With
   * `segmentExists` false, only the cache is asked.
   */
  hasPage(pageno: number, segmentExists = true): boolean {
    if (this.#pages.has(pageno)) return true;
    if (!segmentExists) return false;
    const bytes = this.#store.read(clogSegmentName(pageno), clogPageOffset(pageno), CLOG_BLCKSZ);
    return bytes !== undefined && bytes.length >= CLOG_BLCKSZ;
  }

  /**
   * ExtendCLOG: called for every xid as it is assigned; zeroes the page when
   * the xid is the first on it (or the first normal xid).
   */
  extend(newestXid: TransactionId): void {
    if (transactionIdToPgIndex(newestXid) !== 0 && newestXid !== FIRST_NORMAL_TRANSACTION_ID) {
      return;
    }
    this.zeroPage(transactionIdToPage(newestXid));
  }

  /**
   * TransactionIdSetTreeStatus: record the status of a transaction and its
   * subtransactions (committed or aborted subtransactions of the tree still
   * in it; subxids ascending). Commit keeps C2.
   */
  setTreeStatus(xid: TransactionId, subxids: readonly TransactionId[], status: XidStatus): void {
    const pageno = transactionIdToPage(xid);
    let onFirst = 0;
    while (onFirst < subxids.length && transactionIdToPage(subxids[onFirst] as number) === pageno) {
      onFirst++;
    }
    if (onFirst === subxids.length) {
      this.#setPageStatus(xid, subxids, status);
      return;
    }
    const rest = subxids.slice(onFirst);
    if (status === TRANSACTION_STATUS_COMMITTED) {
      this.#setByPages(rest, TRANSACTION_STATUS_SUB_COMMITTED);
    }
    this.#setPageStatus(xid, subxids.slice(0, onFirst), status);
    this.#setByPages(rest, status);
  }

  /** CheckPointCLOG: write every dirty page and sync every segment written (C3). */
  checkpoint(): void {
    for (const [pageno, buf] of this.#pages) {
      if (buf.dirty) this.#writePage(pageno, buf);
    }
    for (const name of this.#unsynced) this.#store.sync(name);
    this.#unsynced.clear();
  }

  /** the pages in the cache, least recently used first, and whether each is dirty */
  cachedPages(): { pageno: number; dirty: boolean }[] {
    return [...this.#pages].map(([pageno, b]) => ({ pageno, dirty: b.dirty }));
  }

  #setByPages(subxids: readonly TransactionId[], status: XidStatus): void {
    let i = 0;
    while (i < subxids.length) {
      const pageno = transactionIdToPage(subxids[i] as number);
      let j = i;
      while (j < subxids.length && transactionIdToPage(subxids[j] as number) === pageno) j++;
      this.#setPageStatus(undefined, subxids.slice(i, j), status);
      i = j;
    }
  }

  /** TransactionIdSetPageStatusInternal: all xids given are on one page. */
  #setPageStatus(
    xid: TransactionId | undefined,
    subxids: readonly TransactionId[],
    status: XidStatus,
  ): void {
    const first = xid ?? subxids[0];
    if (first === undefined) return;
    const pageno = transactionIdToPage(first);
    const page = this.#readPage(pageno, first);
    if (xid !== undefined) {
      if (status === TRANSACTION_STATUS_COMMITTED) {
        for (const sub of subxids) this.#setStatusBit(page, sub, TRANSACTION_STATUS_SUB_COMMITTED);
      }
      this.#setStatusBit(page, xid, status);
    }
    for (const sub of subxids) this.#setStatusBit(page, sub, status);
    const buf = this.#pages.get(pageno);
    if (buf !== undefined) buf.dirty = true;
  }

  /** TransactionIdSetStatusBit, with its assertion as an error (C1). */
  #setStatusBit(page: Uint8Array, xid: TransactionId, status: XidStatus): void {
    const byteno = transactionIdToByte(xid);
    const shift = transactionIdToBitShift(xid);
    const byte = page[byteno] ?? 0;
    const cur = (byte >> shift) & CLOG_XACT_BITMASK;
    if (
      this.#inRecovery &&
      status === TRANSACTION_STATUS_SUB_COMMITTED &&
      cur === TRANSACTION_STATUS_COMMITTED
    ) {
      return;
    }
    if (
      !(
        cur === TRANSACTION_STATUS_IN_PROGRESS ||
        (cur === TRANSACTION_STATUS_SUB_COMMITTED && status !== TRANSACTION_STATUS_IN_PROGRESS) ||
        cur === status
      )
    ) {
      throw new MvccError(
        ERRCODE_DATA_CORRUPTED,
        `cannot change status of transaction ${xid} from ${statusName(cur as XidStatus)} to ${statusName(status)}`,
      );
    }
    page[byteno] = (byte & ~(CLOG_XACT_BITMASK << shift)) | (status << shift);
    this.#trace?.(xid, status);
  }

  /** SimpleLruReadPage: the page's bytes, from the cache or the store; marks it most recently used. */
  #readPage(pageno: number, xid: TransactionId): Uint8Array {
    if (!Number.isInteger(xid) || xid < 0 || xid > MAX_TRANSACTION_ID) {
      throw new MvccError(ERRCODE_INTERNAL_ERROR, `invalid transaction id ${xid}`);
    }
    const hit = this.#pages.get(pageno);
    if (hit !== undefined) {
      // move to the most recently used end, unless it is there already
      // (the common case: a scan asks about xids of one page in a row)
      if (pageno !== this.#mru) {
        this.#pages.delete(pageno);
        this.#pages.set(pageno, hit);
        this.#mru = pageno;
      }
      return hit.bytes;
    }
    const name = clogSegmentName(pageno);
    const offset = clogPageOffset(pageno);
    const bytes = this.#store.read(name, offset, CLOG_BLCKSZ);
    let page: Uint8Array;
    if (bytes === undefined || bytes.length < CLOG_BLCKSZ) {
      if (!this.#inRecovery) {
        const path = `${this.#dir}/${name}`;
        throw bytes === undefined
          ? new MvccError(ERRCODE_UNDEFINED_FILE, `could not access status of transaction ${xid}`, {
              detail: `Could not open file "${path}": No such file or directory.`,
            })
          : new MvccError(ERRCODE_INTERNAL_ERROR, `could not access status of transaction ${xid}`, {
              detail: `Could not read from file "${path}" at offset ${offset}: read too few bytes.`,
            });
      }
      page = new Uint8Array(CLOG_BLCKSZ);
      if (bytes !== undefined) page.set(bytes);
    } else {
      page = bytes.slice();
    }
    this.#install(pageno, { bytes: page, dirty: false });
    return page;
  }

  /** put a page in the cache, evicting (and writing, if dirty) the least recently used one */
  #install(pageno: number, buf: PageBuffer): void {
    this.#pages.delete(pageno);
    while (this.#pages.size >= this.#buffers) {
      const [victim, vbuf] = this.#pages.entries().next().value as [number, PageBuffer];
      if (vbuf.dirty) this.#writePage(victim, vbuf);
      this.#pages.delete(victim);
    }
    this.#pages.set(pageno, buf);
    this.#mru = pageno;
  }

  /** SlruPhysicalWritePage: the page goes to its segment; synced at the next checkpoint. */
  #writePage(pageno: number, buf: PageBuffer): void {
    const name = clogSegmentName(pageno);
    this.#store.write(name, clogPageOffset(pageno), buf.bytes);
    buf.dirty = false;
    this.#unsynced.add(name);
  }
}

/** PostgreSQL's name of a status, as txid_status() would say it (sub-committed is its own). */
export function statusName(status: XidStatus): string {
  switch (status) {
    case TRANSACTION_STATUS_IN_PROGRESS:
      return 'in progress';
    case TRANSACTION_STATUS_COMMITTED:
      return 'committed';
    case TRANSACTION_STATUS_ABORTED:
      return 'aborted';
    default:
      return 'sub-committed';
  }
}
