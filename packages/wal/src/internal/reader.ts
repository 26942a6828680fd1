import type { WalProblem } from './errors.js';
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
import { pageHeaderSize, readPageHeader, validatePageHeader } from './page-header.js';
import {
  peekTotalLength,
  SIZE_OF_RECORD_HEADER,
  tryDecodeRecord,
  validateRecordHeader,
  type WalRecord,
} from './record.js';
import { RM_XLOG_ID, XLOG_SWITCH } from './rmgr-ids.js';
import type { WalStorage } from './storage.js';

/** How to open a reader. */
export interface WalReaderOptions {
  readonly storage: WalStorage;
  /** The LSN of the first record to read (or the page boundary just before it). */
  readonly startLsn: Lsn;
  readonly segmentSize?: number;
  readonly timeline?: number;
  /** When given, long page headers must carry it. */
  readonly systemIdentifier?: bigint;
  /** When given, the first record's prev-link must equal it. */
  readonly expectedPrev?: Lsn;
  /** Strict mode: records of resource managers it rejects end the WAL with `unknown-rmgr`. */
  readonly isKnownRmgr?: (rmid: number) => boolean;
}

/** One step of reading: a valid record, or the end of valid WAL. */
export type ReadResult =
  | {
      readonly kind: 'record';
      /** Where the record starts. */
      readonly lsn: Lsn;
      /** Where it ends (8-byte aligned): the next record starts here or after the next page header. */
      readonly end: Lsn;
      readonly record: WalRecord;
    }
  | {
      readonly kind: 'end';
      /** Where valid WAL ends: the position a writer resumes at. */
      readonly lsn: Lsn;
      /** Start of the last valid record (the next record's prev-link), 0/0 if none was read. */
      readonly prevLsn: Lsn;
      /** Why reading stopped: null for zeros or a missing segment (the normal end), else what was invalid. */
      readonly problem: WalProblem | null;
    };

/**
 * Reads records forward from an LSN, validating page headers, record
 * lengths, prev-links and CRCs, across page and segment boundaries. It never
 * throws on bad bytes: the first invalid or missing byte is the end of WAL.
 */
export class WalReader {
  private readonly storage: WalStorage;
  private readonly segmentSize: number;
  private readonly timeline: number;
  private readonly systemIdentifier: bigint | undefined;
  private readonly isKnownRmgr: ((rmid: number) => boolean) | undefined;
  private pos: Lsn;
  private prev: Lsn | undefined;
  private lastStart: Lsn;
  private finished: ReadResult | null = null;
  private cachedLsn: Lsn = -1n;
  /** The last page whose header was validated. */
  private checkedPage: Lsn = -1n;
  private cached: Uint8Array | null = null;

  constructor(options: WalReaderOptions) {
    this.storage = options.storage;
    this.segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    checkSegmentSize(this.segmentSize);
    this.timeline = options.timeline ?? DEFAULT_TIMELINE;
    this.systemIdentifier = options.systemIdentifier;
    this.isKnownRmgr = options.isKnownRmgr;
    this.pos = options.startLsn;
    this.prev = options.expectedPrev;
    this.lastStart = options.expectedPrev ?? 0n;
  }

  /** The page at pageLsn, or null if its segment is missing or short. */
  private page(pageLsn: Lsn): Uint8Array | null {
    if (pageLsn === this.cachedLsn) return this.cached;
    const name = segmentFileName(
      lsnToSegment(pageLsn, this.segmentSize),
      this.segmentSize,
      this.timeline,
    );
    const bytes = this.storage.pread(name, segmentOffset(pageLsn, this.segmentSize), WAL_PAGE_SIZE);
    this.cachedLsn = pageLsn;
    this.cached = bytes.length === WAL_PAGE_SIZE ? bytes : null;
    return this.cached;
  }

  /**
   * Enters the page starting at pageLsn, expecting `remaining` bytes of a
   * continued record. Returns the page or why it cannot be used.
   */
  private enter(
    pageLsn: Lsn,
    remaining: number,
  ): { page: Uint8Array } | { problem: WalProblem | null } {
    const page = this.page(pageLsn);
    if (!page) return { problem: null };
    if (page[0] === 0 && page[1] === 0) return { problem: null };
    const problem = validatePageHeader(page, pageLsn, {
      timeline: this.timeline,
      segmentSize: this.segmentSize,
      ...(this.systemIdentifier === undefined ? {} : { systemIdentifier: this.systemIdentifier }),
    });
    if (problem) return { problem };
    const stored = readPageHeader(page).remainingLength;
    if (stored !== remaining) {
      return { problem: { kind: 'missing-contrecord', pageLsn, remaining, stored } };
    }
    this.checkedPage = pageLsn;
    return { page };
  }

  private stop(lsn: Lsn, problem: WalProblem | null): ReadResult {
    this.finished = { kind: 'end', lsn, prevLsn: this.lastStart, problem };
    return this.finished;
  }

  /** The next record, or the end of valid WAL (returned again on every later call). */
  next(): ReadResult {
    if (this.finished) return this.finished;
    const boundary = this.pos;
    let p = this.pos;
    if (pageOffset(p) === 0) {
      const entered = this.enter(p, 0);
      if ('problem' in entered) return this.stop(boundary, entered.problem);
      p += BigInt(pageHeaderSize(p, this.segmentSize));
    }
    if (pageStartLsn(p) !== this.checkedPage) {
      // Reading starts in the middle of a page: check its header once, without rem_len.
      const page = this.page(pageStartLsn(p));
      if (!page) return this.stop(boundary, null);
      const stored = readPageHeader(page).remainingLength;
      const entered = this.enter(pageStartLsn(p), stored);
      if ('problem' in entered) return this.stop(boundary, entered.problem);
    }
    const first = this.page(pageStartLsn(p));
    if (!first) return this.stop(boundary, null);
    const off = pageOffset(p);
    const total = peekTotalLength(first.subarray(off, off + 4));
    if (total === 0) return this.stop(boundary, null);
    // Read the record chunk by chunk, checking each continuation page, so a
    // corrupted length cannot make us allocate or read far past the damage.
    const chunks: Uint8Array[] = [];
    let have = 0;
    let q = p;
    let headerChecked = false;
    while (have < total) {
      if (pageOffset(q) === 0) {
        const entered = this.enter(q, total - have);
        if ('problem' in entered) return this.stop(boundary, entered.problem);
        q += BigInt(pageHeaderSize(q, this.segmentSize));
      }
      const page = this.page(pageStartLsn(q));
      if (!page) return this.stop(boundary, null);
      const o = pageOffset(q);
      const n = Math.min(total - have, WAL_PAGE_SIZE - o);
      chunks.push(page.slice(o, o + n));
      have += n;
      q += BigInt(n);
      if (!headerChecked && have >= SIZE_OF_RECORD_HEADER) {
        headerChecked = true;
        const header = concat(chunks, SIZE_OF_RECORD_HEADER);
        const problem = validateRecordHeader(header, {
          lsn: p,
          ...(this.prev === undefined ? {} : { expectedPrev: this.prev }),
          ...(this.isKnownRmgr ? { isKnownRmgr: this.isKnownRmgr } : {}),
        });
        if (problem) return this.stop(boundary, problem);
      }
    }
    const decoded = tryDecodeRecord(concat(chunks, total), {
      lsn: p,
      ...(this.prev === undefined ? {} : { expectedPrev: this.prev }),
      ...(this.isKnownRmgr ? { isKnownRmgr: this.isKnownRmgr } : {}),
    });
    if (!decoded.ok) return this.stop(boundary, decoded.problem);
    const end = alignLsn(q);
    if (end > q) {
      // Alignment padding is not covered by the CRC; we insist it is zero.
      const page = this.page(pageStartLsn(q));
      const o = pageOffset(q);
      if (page?.subarray(o, o + Number(end - q)).some((b) => b !== 0)) {
        return this.stop(boundary, {
          kind: 'invalid-record-layout',
          lsn: p,
          detail: 'non-zero alignment padding',
        });
      }
    }
    const record = decoded.record;
    this.prev = p;
    this.lastStart = p;
    this.pos =
      record.rmid === RM_XLOG_ID && record.info === XLOG_SWITCH
        ? segmentStartLsn(lsnToSegment(p, this.segmentSize) + 1n, this.segmentSize)
        : end;
    return { kind: 'record', lsn: p, end, record };
  }

  /** Iterates the records; the end result is available from next() afterwards. */
  *records(): Generator<Extract<ReadResult, { kind: 'record' }>> {
    for (;;) {
      const r = this.next();
      if (r.kind === 'end') return;
      yield r;
    }
  }
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let off = 0;
  for (const c of chunks) {
    if (off >= length) break;
    const n = Math.min(c.length, length - off);
    out.set(c.subarray(0, n), off);
    off += n;
  }
  return out;
}
