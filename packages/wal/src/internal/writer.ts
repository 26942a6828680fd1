import { WalError, WalPanic } from './errors.js';
import {
  alignLsn,
  checkSegmentSize,
  DEFAULT_SEGMENT_SIZE,
  DEFAULT_TIMELINE,
  type Lsn,
  lsnToSegment,
  pageOffset,
  pageStartLsn,
  segmentFileName,
  segmentOffset,
  segmentStartLsn,
  WAL_PAGE_SIZE,
} from './lsn.js';
import { pageHeaderSize, validatePageHeader, writePageHeader } from './page-header.js';
import { encodeRecord, type WalRecordInput } from './record.js';
import { RM_XLOG_ID, XLOG_SWITCH } from './rmgr-ids.js';
import type { WalStorage } from './storage.js';

/** How to open a writer. */
export interface WalWriterOptions {
  readonly storage: WalStorage;
  /** Segment size in bytes, a power of two (default 16 MiB). */
  readonly segmentSize?: number;
  /** Timeline written into page headers and file names (default 1). */
  readonly timeline?: number;
  /** System identifier written into long page headers (default 0). */
  readonly systemIdentifier?: bigint;
  /**
   * Where the next record goes: for a new cluster the default, the first
   * record position of segment 1 (as initdb's first record); after recovery
   * the reader's end of valid WAL.
   */
  readonly startLsn?: Lsn;
  /** Start of the last valid record: the prev-link of the first record inserted (default 0/0). */
  readonly prevLsn?: Lsn;
  /**
   * WAL buffers, in 8 KiB pages (default 2048 = 16 MiB, PostgreSQL's largest
   * automatic wal_buffers). When more pages are buffered, completed pages are
   * written out (not fsynced) by `insert`, as XLogWrite does when buffers fill.
   */
  readonly walBuffers?: number;
}

/** Where an inserted record lies: its start and its (8-byte aligned) end. */
export interface InsertResult {
  readonly start: Lsn;
  readonly end: Lsn;
}

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * Appends records to WAL buffers and makes them durable. One writer per
 * cluster, used from one event loop. Every storage failure is a PANIC: the
 * writer keeps the error and throws a {@link WalPanic} from every later call.
 */
export class WalWriter {
  readonly storage: WalStorage;
  readonly segmentSize: number;
  readonly timeline: number;
  readonly systemIdentifier: bigint;
  /** Position where the next byte of WAL goes (may be a page boundary). */
  private pos: Lsn;
  /** End of the last inserted record: everything before it may be flushed. */
  private end: Lsn;
  private prev: Lsn;
  private flushed: Lsn;
  /** WAL buffers: pages not yet fully flushed, by page LSN. */
  private readonly pages = new Map<Lsn, Uint8Array>();
  private readonly walBuffers: number;
  /** Segments written since their last fdatasync. */
  private readonly unsynced = new Set<string>();
  private waiters: Waiter[] = [];
  private scheduled = false;
  /** An asynchronous flush is in progress; new waiters queue for the next one. */
  private flushing = false;
  /** Segments the flush in progress is syncing (flushSync syncs them too). */
  private readonly inflight = new Set<string>();
  private failure: WalPanic | null = null;
  private fsyncs = 0;

  constructor(options: WalWriterOptions) {
    this.storage = options.storage;
    this.segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    checkSegmentSize(this.segmentSize);
    this.timeline = options.timeline ?? DEFAULT_TIMELINE;
    this.systemIdentifier = options.systemIdentifier ?? 0n;
    this.walBuffers = Math.max(2, options.walBuffers ?? 2048);
    // A new cluster starts at segment 1; the first record lands after its long header.
    const start = options.startLsn ?? segmentStartLsn(1n, this.segmentSize);
    if (start % 8n !== 0n) {
      throw new WalError({ kind: 'invalid-request', detail: 'start LSN is not 8-byte aligned' });
    }
    this.pos = start;
    this.end = start;
    this.flushed = start;
    this.prev = options.prevLsn ?? 0n;
    if (pageOffset(start) !== 0) this.loadPage(pageStartLsn(start), pageOffset(start));
  }

  /** The LSN the next record would start at (before page-header adjustment). */
  get insertLsn(): Lsn {
    return this.pos;
  }

  /** End of the last inserted record. */
  get endLsn(): Lsn {
    return this.end;
  }

  /** Everything before this LSN is durable. It never moves backwards. */
  get flushedLsn(): Lsn {
    return this.flushed;
  }

  /** Start of the last inserted record (the next record's prev-link). */
  get prevLsn(): Lsn {
    return this.prev;
  }

  /** fdatasync calls made so far. */
  get fsyncCount(): number {
    return this.fsyncs;
  }

  /** Whether a PANIC has occurred. */
  get failed(): boolean {
    return this.failure !== null;
  }

  private check(): void {
    if (this.failure)
      throw new WalPanic(
        this.failure.problem.kind === 'panic' ? this.failure.problem.detail : 'WAL writer failed',
        { cause: this.failure },
      );
  }

  /** Re-reads the partially written page at the resume point; bytes past `keep` are zeroed. */
  private loadPage(pageLsn: Lsn, keep: number): void {
    const name = segmentFileName(
      lsnToSegment(pageLsn, this.segmentSize),
      this.segmentSize,
      this.timeline,
    );
    const page = new Uint8Array(WAL_PAGE_SIZE);
    page.set(this.storage.pread(name, segmentOffset(pageLsn, this.segmentSize), keep));
    const valid =
      keep >= pageHeaderSize(pageLsn, this.segmentSize) &&
      validatePageHeader(page, pageLsn, {
        timeline: this.timeline,
        segmentSize: this.segmentSize,
      }) === null;
    if (!valid) {
      // Nothing valid was ever written here (resuming right after the page
      // header): start the page afresh.
      page.fill(0);
      writePageHeader(page, {
        timeline: this.timeline,
        pageAddress: pageLsn,
        remainingLength: 0,
        segmentSize: this.segmentSize,
        systemIdentifier: this.systemIdentifier,
      });
    }
    this.pages.set(pageLsn, page);
  }

  /** Starts a new page at `this.pos` (a page boundary) whose first bytes continue a record by `remaining`. */
  private newPage(remaining: number): void {
    const page = new Uint8Array(WAL_PAGE_SIZE);
    writePageHeader(page, {
      timeline: this.timeline,
      pageAddress: this.pos,
      remainingLength: remaining,
      segmentSize: this.segmentSize,
      systemIdentifier: this.systemIdentifier,
    });
    this.pages.set(this.pos, page);
    this.pos += BigInt(pageHeaderSize(this.pos, this.segmentSize));
  }

  /** Appends a record to the WAL buffers; it is durable once flush() covers its end. */
  insert(record: WalRecordInput): InsertResult {
    this.check();
    if (pageOffset(this.pos) === 0) this.newPage(0);
    const start = this.pos;
    const bytes = encodeRecord(record, this.prev);
    let done = 0;
    while (done < bytes.length) {
      if (pageOffset(this.pos) === 0) this.newPage(bytes.length - done);
      const pageLsn = pageStartLsn(this.pos);
      const page = this.pages.get(pageLsn);
      if (!page) throw new Error('WAL buffer page missing');
      const off = pageOffset(this.pos);
      const n = Math.min(bytes.length - done, WAL_PAGE_SIZE - off);
      page.set(bytes.subarray(done, done + n), off);
      done += n;
      this.pos += BigInt(n);
    }
    this.pos = alignLsn(this.pos);
    this.end = this.pos;
    this.prev = start;
    if (this.pages.size > this.walBuffers) this.writeCompletedPages();
    return { start, end: this.end };
  }

  /**
   * Inserts an XLOG segment-switch record; the next record starts at the
   * beginning of the next segment, the rest of this one stays zero.
   */
  switchSegment(): InsertResult {
    const r = this.insert({ rmid: RM_XLOG_ID, info: XLOG_SWITCH });
    const seg = lsnToSegment(r.start, this.segmentSize);
    this.pos = segmentStartLsn(seg + 1n, this.segmentSize);
    return r;
  }

  /**
   * Makes everything up to `upTo` (default: all inserted WAL) durable.
   * Callers that arrive before the pending flush runs share it: one
   * fdatasync per segment touched, however many callers.
   */
  flush(upTo: Lsn = this.end): Promise<void> {
    try {
      this.check();
    } catch (e) {
      return Promise.reject(e);
    }
    if (upTo > this.end) {
      return Promise.reject(
        new WalError({ kind: 'invalid-request', detail: 'xlog flush request is not satisfied' }),
      );
    }
    if (upTo <= this.flushed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => this.runFlush());
  }

  private runFlush(): void {
    this.scheduled = false;
    if (this.storage.fdatasyncAsync !== undefined) {
      this.runFlushAsync();
      return;
    }
    const waiters = this.waiters;
    this.waiters = [];
    try {
      this.check();
      this.flushSync();
    } catch (e) {
      for (const w of waiters) w.reject(e);
      return;
    }
    for (const w of waiters) w.resolve();
  }

  /**
   * Group commit: the pages are written at once, the fdatasyncs run off the
   * event loop. Sessions go on meanwhile; their commit records wait for the
   * next flush, which starts when this one ends and covers all of them.
   */
  private runFlushAsync(): void {
    const waiters = this.waiters;
    this.waiters = [];
    let target: Lsn;
    let names: string[];
    try {
      this.check();
      target = this.end;
      this.writeUpTo(target);
      names = [...this.unsynced];
      this.unsynced.clear();
    } catch (e) {
      const err = e instanceof WalPanic ? e : this.panic('could not write WAL', e);
      for (const w of waiters) w.reject(err);
      return;
    }
    for (const n of names) this.inflight.add(n);
    this.flushing = true;
    const syncAsync = this.storage.fdatasyncAsync?.bind(this.storage);
    Promise.all(names.map((n) => (syncAsync ? syncAsync(n) : Promise.resolve()))).then(
      () => {
        this.flushing = false;
        this.fsyncs += names.length;
        for (const n of names) this.inflight.delete(n);
        this.advanceFlushed(target);
        for (const w of waiters) w.resolve();
        if (this.waiters.length > 0) this.scheduleFlush();
      },
      (e: unknown) => {
        this.flushing = false;
        const err = this.failure ?? this.panic(`could not fsync WAL up to ${target}`, e);
        for (const w of [...waiters, ...this.waiters]) w.reject(err);
        this.waiters = [];
      },
    );
  }

  /** Writes the buffered pages that hold WAL before `target` (no fsync). */
  private writeUpTo(target: Lsn): void {
    try {
      const keys = [...this.pages.keys()].sort(compareLsn);
      for (const pageLsn of keys) {
        if (pageLsn >= target) break;
        const page = this.pages.get(pageLsn);
        if (page) this.writePage(pageLsn, page);
      }
    } catch (e) {
      throw this.panic(`could not write WAL up to ${target}`, e);
    }
  }

  /** Everything before `target` is durable: move flushedLsn (never back) and drop whole pages. */
  private advanceFlushed(target: Lsn): void {
    if (target <= this.flushed) return;
    this.flushed = target;
    for (const pageLsn of [...this.pages.keys()]) {
      if (pageLsn + BigInt(WAL_PAGE_SIZE) <= target) this.pages.delete(pageLsn);
    }
  }

  /** Writes one buffered page to its segment, creating the segment if needed. */
  private writePage(pageLsn: Lsn, page: Uint8Array): void {
    const seg = lsnToSegment(pageLsn, this.segmentSize);
    const name = segmentFileName(seg, this.segmentSize, this.timeline);
    if (!this.unsynced.has(name) && !this.storage.exists(name)) {
      this.storage.create(name, this.segmentSize);
    }
    this.storage.pwrite(name, segmentOffset(pageLsn, this.segmentSize), page);
    this.unsynced.add(name);
  }

  private panic(what: string, e: unknown): WalPanic {
    const detail = `${what}: ${e instanceof Error ? e.message : String(e)}`;
    this.failure = new WalPanic(detail, { cause: e });
    return this.failure;
  }

  /** WAL buffers are full: write out (without fsync) the pages no record will touch again. */
  private writeCompletedPages(): void {
    const current = pageStartLsn(this.pos);
    const keys = [...this.pages.keys()].filter((k) => k < current).sort(compareLsn);
    try {
      for (const pageLsn of keys) {
        const page = this.pages.get(pageLsn);
        if (page) this.writePage(pageLsn, page);
        this.pages.delete(pageLsn);
      }
    } catch (e) {
      throw this.panic('could not write WAL buffers', e);
    }
  }

  /** Writes and fdatasyncs everything inserted so far, synchronously. */
  flushSync(): void {
    this.check();
    const target = this.end;
    if (target <= this.flushed) return;
    this.writeUpTo(target);
    try {
      // Segments an asynchronous flush is still syncing count as unsynced here.
      for (const name of new Set([...this.unsynced, ...this.inflight])) {
        this.storage.fdatasync(name);
        this.fsyncs++;
        this.unsynced.delete(name);
      }
    } catch (e) {
      throw this.panic(`could not write or fsync WAL up to ${target}`, e);
    }
    this.advanceFlushed(target);
  }
}

function compareLsn(a: Lsn, b: Lsn): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
