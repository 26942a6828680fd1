/**
 * The block range index (brin.c, brin_revmap.c, brin_pageops.c,
 * brin_minmax.c), in PostgreSQL 15's page format: a metapage, revmap pages
 * mapping each range of `pagesPerRange` heap blocks to the TID of its
 * summary tuple, and regular pages holding the summaries (minmax: per
 * column the smallest and largest value, whether all values were null and
 * whether any was).
 *
 * One event loop runs everything, so an operation runs to its end without
 * interruption: summarisation writes the finished summary directly instead
 * of going through a placeholder tuple (a placeholder read from disk is
 * still honoured: it matches every scan). Every operation logs one WAL
 * record naming every page it changed (see wal.ts).
 */
import type {
  BulkDeleteCallback,
  IndexAccessMethod,
  IndexAmCapabilities,
  IndexBuildResult,
  IndexBuildTuple,
  IndexBulkDeleteResult,
  IndexCost,
  IndexCostInput,
  IndexDescriptor,
  IndexScan,
  IndexScanResult,
  ScanKey,
  Tid,
  TidBitmap,
} from '@pg/access';
import { Page } from '@pg/page';
import {
  type BufferPool,
  createFork,
  ForkNumber,
  type RelFileLocator,
  type XLogInserter,
} from '@pg/storage';
import { type AnyPgType, SqlError } from '@pg/types';
import {
  BRIN_DEFAULT_PAGES_PER_RANGE,
  BRIN_MAX_ITEM_SIZE,
  BRIN_META_MAGIC,
  BRIN_METAPAGE_BLKNO,
  BRIN_PAGETYPE_REGULAR,
  BRIN_PAGETYPE_REVMAP,
  type BrinColumnKind,
  type BrinMeta,
  type BrinSummary,
  deformTuple,
  deleteNoCompact,
  emptyColumns,
  formTuple,
  initBrinPage,
  initMetaPage,
  pageType,
  REVMAP_PAGE_MAXITEMS,
  readMeta,
  revmapGet,
  revmapSet,
  writeMeta,
} from './layout.js';
import { type BrinOpclass, minmaxOpclass } from './opclass.js';
import {
  pageData,
  RM_BRIN_ID,
  XLOG_BRIN_CREATE_INDEX,
  XLOG_BRIN_DESUMMARIZE,
  XLOG_BRIN_INIT_PAGE,
  XLOG_BRIN_INSERT,
  XLOG_BRIN_REVMAP_EXTEND,
  XLOG_BRIN_SAMEPAGE_UPDATE,
  XLOG_BRIN_UPDATE,
} from './wal.js';

const main = ForkNumber.main;

/** The heap a BRIN index summarises (what brin.c reads through table_index_build_range_scan). */
export interface BrinHeap {
  /** RelationGetNumberOfBlocks(heap). */
  nblocks(): number;
  /** The tuples stored in heap blocks [start, end), dead ones included. */
  tuples(start: number, end: number): Iterable<IndexBuildTuple>;
}

export interface BrinOptions {
  readonly pool: BufferPool;
  readonly rel: RelFileLocator;
  readonly descriptor: IndexDescriptor;
  /** The heap, for summarisation and for how many pages a scan covers. */
  readonly heap: BrinHeap;
  /** Log every change through this inserter; without one the index is unlogged. */
  readonly inserter?: XLogInserter;
  /** pages_per_range (default 128); only used by {@link Brin.create}. */
  readonly pagesPerRange?: number;
  /**
   * One operator class per key column (opclass.ts); minmax for a column
   * without one.
   */
  readonly opclasses?: readonly (BrinOpclass | undefined)[];
  /**
   * autosummarize: the first row put on the first page of a range has the
   * range before it summarised, if it has no summary yet. PostgreSQL asks
   * autovacuum to do that later (AutoVacuumRequestWork); here it happens
   * at once, within the insert.
   */
  readonly autosummarize?: boolean;
}

const CAPABILITIES: IndexAmCapabilities = {
  canOrder: false,
  canBackward: false,
  canUnique: false,
  canMultiColumn: true,
  canInclude: false,
  searchNulls: true,
  canReturn: false,
  canBitmap: true,
  strategies: 5,
};

interface Held {
  readonly buffer: number;
  readonly block: number;
  readonly bytes: Uint8Array;
}

/** A page the revmap may take: new (all zero), or a regular page with no item left. */
function isEmptyPage(bytes: Uint8Array): boolean {
  const p = Page.wrap(bytes);
  if (p.isNew()) return true;
  if (pageType(bytes) !== BRIN_PAGETYPE_REGULAR) return false;
  for (let off = 1; off <= p.maxOffsetNumber; off++) if (p.itemId(off).len !== 0) return false;
  return true;
}

function notSupported(what: string): SqlError {
  return new SqlError('0A000', `${what} is not supported yet`);
}

/** Whether a range whose summary is `s` may hold a row satisfying every key (bringetbitmap's consistent calls). */
export function summaryMatches(
  s: BrinSummary,
  keys: readonly ScanKey[],
  types: readonly AnyPgType[],
  opclasses: readonly (BrinOpclass | undefined)[] = [],
): boolean {
  if (s.placeholder) return true;
  // A range that never had a row matches no key (bringetbitmap's bt_empty_range test).
  if (s.empty && keys.length > 0) return false;
  for (const k of keys) {
    const c = s.columns[k.attno - 1];
    if (c === undefined) throw new RangeError(`no index column ${k.attno}`);
    if (k.searchNull) {
      if (!c.hasNulls && !c.allNulls) return false;
      continue;
    }
    if (k.searchNotNull) {
      if (c.allNulls) return false;
      continue;
    }
    if (k.argument === null || k.argument === undefined || c.allNulls) return false;
    const opclass = opclasses[k.attno - 1] ?? minmaxOpclass;
    if (!opclass.consistent(c, k, types[k.attno - 1]!)) return false;
  }
  return true;
}

/**
 * A BRIN index over one relation fork. Create it with {@link Brin.create}
 * (the metapage; the first summary creates the revmap) or open an existing
 * one with `new Brin(options)`.
 */
export class Brin implements IndexAccessMethod {
  readonly amName = 'brin';
  readonly capabilities = CAPABILITIES;
  readonly pool: BufferPool;
  readonly rel: RelFileLocator;
  readonly descriptor: IndexDescriptor;
  readonly heap: BrinHeap;
  readonly autosummarize: boolean;
  readonly inserter: XLogInserter | undefined;
  readonly types: readonly AnyPgType[];
  /** Each key column's operator class. */
  readonly opclasses: readonly BrinOpclass[];
  /** How each key column's summary is stored. */
  readonly kinds: readonly BrinColumnKind[];
  /** Counters for tests. */
  readonly stats = { evacuated: 0 };

  constructor(options: BrinOptions) {
    this.pool = options.pool;
    this.rel = options.rel;
    this.descriptor = options.descriptor;
    this.heap = options.heap;
    this.autosummarize = options.autosummarize ?? false;
    this.inserter = options.inserter;
    if ((options.descriptor.include?.length ?? 0) > 0)
      throw notSupported('INCLUDE on a brin index');
    this.types = options.descriptor.keys.map((k) => k.type as unknown as AnyPgType);
    this.opclasses = this.types.map((_, i) => options.opclasses?.[i] ?? minmaxOpclass);
    this.kinds = this.opclasses.map((o) => o.kind);
  }

  /** Creates the index's fork and its metapage (brinbuildempty). */
  static create(options: BrinOptions): Brin {
    const ppr = options.pagesPerRange ?? BRIN_DEFAULT_PAGES_PER_RANGE;
    if (!Number.isInteger(ppr) || ppr < 1 || ppr > 131072) {
      throw new SqlError('22023', `value ${ppr} out of bounds for option "pages_per_range"`, {
        detail: 'Valid values are between "1" and "131072".',
      });
    }
    const index = new Brin(options);
    const smgr = index.pool.smgr;
    if (!smgr.exists(index.rel, main)) {
      if (index.inserter) createFork(index.inserter, index.rel, main);
      else smgr.create(index.rel, main);
    }
    if (smgr.nblocks(index.rel, main) !== 0)
      throw new Error(`index "${options.descriptor.name}" is not empty`);
    const meta = index.extend();
    initMetaPage(meta.bytes, ppr);
    index.log(XLOG_BRIN_CREATE_INDEX | XLOG_BRIN_INIT_PAGE, [meta]);
    index.release(meta);
    return index;
  }

  // ------------------------------------------------------------ page access

  private hold(block: number): Held {
    const buffer = this.pool.readBuffer(this.rel, main, block);
    this.pool.lock(buffer, 'exclusive');
    return { buffer, block, bytes: this.pool.bytes(buffer) };
  }

  private extend(): Held {
    const buffer = this.pool.extend(this.rel, main);
    this.pool.lock(buffer, 'exclusive');
    return { buffer, block: this.pool.blockNumber(buffer), bytes: this.pool.bytes(buffer) };
  }

  private release(h: Held): void {
    this.pool.unlockRelease(h.buffer);
  }

  /** Reads a page's bytes into a copy (share lock, released at once). */
  readCopy(block: number): Uint8Array {
    const buffer = this.pool.readBuffer(this.rel, main, block);
    this.pool.lock(buffer, 'share');
    const copy = this.pool.bytes(buffer).slice();
    this.pool.unlockRelease(buffer);
    return copy;
  }

  nblocks(): number {
    return this.pool.smgr.nblocks(this.rel, main);
  }

  /** Logs the changed pages as one record, each as its whole page (or marks them dirty when unlogged). */
  private log(info: number, changed: readonly Held[]): void {
    if (!this.inserter) {
      for (const c of changed) this.pool.markDirty(c.buffer);
      return;
    }
    this.inserter.insert({
      rmid: RM_BRIN_ID,
      info,
      buffers: changed.map((c) => ({
        buffer: c.buffer,
        data: pageData(this.pool.bytes(c.buffer)),
        willInit: true,
      })),
    });
  }

  meta(): BrinMeta {
    const m = readMeta(this.readCopy(BRIN_METAPAGE_BLKNO));
    if (m.magic !== BRIN_META_MAGIC) {
      throw new SqlError('XX002', `index "${this.descriptor.name}" is not a BRIN index`);
    }
    return m;
  }

  get pagesPerRange(): number {
    return this.meta().pagesPerRange;
  }

  // ------------------------------------------------------------ revmap

  /** The revmap page and slot of the range holding heap block `heapBlk` (revmap_get_blkno's arithmetic). */
  private revmapSlot(heapBlk: number, ppr: number): { page: number; slot: number } {
    const range = Math.floor(heapBlk / ppr);
    return {
      page: Math.floor(range / REVMAP_PAGE_MAXITEMS) + 1,
      slot: range % REVMAP_PAGE_MAXITEMS,
    };
  }

  /** brinGetTupleForHeapBlock: the summary TID of the range holding `heapBlk`, or null. */
  private lookup(heapBlk: number, m: BrinMeta): Tid | null {
    const { page, slot } = this.revmapSlot(heapBlk, m.pagesPerRange);
    if (page > m.lastRevmapPage) return null;
    return revmapGet(this.readCopy(page), slot);
  }

  /** The summary of the range holding `heapBlk`, with its TID, or null when unsummarised. */
  summaryOf(heapBlk: number): { tid: Tid; summary: BrinSummary } | null {
    const m = this.meta();
    const tid = this.lookup(heapBlk, m);
    if (!tid) return null;
    const page = Page.wrap(this.readCopy(tid.block));
    const summary = deformTuple(this.types, page.mustItem(tid.offset), this.kinds);
    return { tid, summary };
  }

  /**
   * revmap_extend: makes sure the revmap page for `heapBlk` exists, adding
   * revmap pages (and advancing the metapage's lastRevmapPage) as needed.
   * Returns the pages it changed (meta and new revmap pages), held.
   */
  private extendRevmap(heapBlk: number, meta: Held): Held[] {
    const changed: Held[] = [];
    let m = readMeta(meta.bytes);
    const { page } = this.revmapSlot(heapBlk, m.pagesPerRange);
    while (m.lastRevmapPage < page) {
      const next = m.lastRevmapPage + 1;
      let h: Held;
      if (next < this.nblocks()) {
        // A page left new by a crash, or a regular page evacuate() emptied.
        h = this.hold(next);
        if (!isEmptyPage(h.bytes)) {
          this.release(h);
          for (const c of changed) this.release(c);
          throw new Error(`brin: block ${next} was not evacuated before the revmap took it`);
        }
      } else {
        h = this.extend();
      }
      if (h.block !== next)
        throw new Error(`brin: revmap page ${next} was allocated as ${h.block}`);
      initBrinPage(h.bytes, BRIN_PAGETYPE_REVMAP);
      m = { ...m, lastRevmapPage: next };
      writeMeta(meta.bytes, m);
      changed.push(h);
    }
    return changed;
  }

  /**
   * brin_evacuate_page: before the revmap grows over blocks that are
   * regular pages, every summary on them moves to another page (each move
   * one UPDATE record), so the pages hold nothing when they are taken.
   */
  private evacuateFor(heapBlk: number): void {
    const m = this.meta();
    const { page } = this.revmapSlot(heapBlk, m.pagesPerRange);
    for (let next = m.lastRevmapPage + 1; next <= page && next < this.nblocks(); next++) {
      const bytes = this.readCopy(next);
      if (isEmptyPage(bytes)) continue;
      const p = Page.wrap(bytes);
      for (let off = 1; off <= p.maxOffsetNumber; off++) {
        if (p.itemId(off).len === 0) continue;
        const s = deformTuple(this.types, p.mustItem(off), this.kinds);
        this.updateSummary({ block: next, offset: off }, s, true);
        this.stats.evacuated++;
      }
    }
  }

  /** A regular page with room for `size` bytes: the last block if it is one, else a new one. */
  private pageFor(size: number, avoid: readonly number[]): { held: Held; fresh: boolean } {
    const n = this.nblocks();
    const last = n - 1;
    if (last > BRIN_METAPAGE_BLKNO && !avoid.includes(last)) {
      const h = this.hold(last);
      if (Page.wrap(h.bytes).isNew()) {
        // An extension whose record a crash lost (brin_initialize_empty_new_buffer).
        initBrinPage(h.bytes, BRIN_PAGETYPE_REGULAR);
        return { held: h, fresh: true };
      }
      if (pageType(h.bytes) === BRIN_PAGETYPE_REGULAR && Page.wrap(h.bytes).freeSpace() >= size) {
        return { held: h, fresh: false };
      }
      this.release(h);
    }
    const h = this.extend();
    initBrinPage(h.bytes, BRIN_PAGETYPE_REGULAR);
    return { held: h, fresh: true };
  }

  /** brin_doinsert: stores a new summary and points the revmap at it (one record). */
  private insertSummary(summary: BrinSummary): void {
    const tuple = formTuple(this.types, summary, this.kinds);
    if (tuple.length > BRIN_MAX_ITEM_SIZE) {
      throw new SqlError(
        '54000',
        `index row size ${tuple.length} exceeds maximum ${BRIN_MAX_ITEM_SIZE} for index "${this.descriptor.name}"`,
      );
    }
    this.evacuateFor(summary.blkno);
    const meta = this.hold(BRIN_METAPAGE_BLKNO);
    const held: Held[] = [];
    try {
      const newRevmap = this.extendRevmap(summary.blkno, meta);
      held.push(...newRevmap);
      const m = readMeta(meta.bytes);
      const { page: revBlk, slot } = this.revmapSlot(summary.blkno, m.pagesPerRange);
      const revmap = newRevmap.find((h) => h.block === revBlk) ?? this.hold(revBlk);
      if (!newRevmap.includes(revmap)) held.push(revmap);
      const { held: reg, fresh } = this.pageFor(tuple.length, [revmap.block]);
      held.push(reg);
      const off = Page.wrap(reg.bytes).addItem(tuple);
      if (off === undefined) throw new Error('brin: a summary did not fit on a fresh page');
      revmapSet(revmap.bytes, slot, { block: reg.block, offset: off });
      const changed = newRevmap.length > 0 ? [meta, ...held] : held;
      this.log(
        newRevmap.length > 0
          ? XLOG_BRIN_REVMAP_EXTEND
          : XLOG_BRIN_INSERT | (fresh ? XLOG_BRIN_INIT_PAGE : 0),
        changed,
      );
    } finally {
      for (const h of held) this.release(h);
      this.release(meta);
    }
  }

  /** brin_doupdate: replaces the summary at `tid` (same page when it fits, else moved and the revmap updated). */
  private updateSummary(tid: Tid, summary: BrinSummary, move = false): void {
    const tuple = formTuple(this.types, summary, this.kinds);
    const old = this.hold(tid.block);
    const held: Held[] = [old];
    try {
      const page = Page.wrap(old.bytes);
      if (!move && page.overwriteItem(tid.offset, tuple)) {
        this.log(XLOG_BRIN_SAMEPAGE_UPDATE, [old]);
        return;
      }
      const m = this.meta();
      const { page: revBlk, slot } = this.revmapSlot(summary.blkno, m.pagesPerRange);
      const revmap = this.hold(revBlk);
      held.push(revmap);
      const { held: reg, fresh } = this.pageFor(tuple.length, [old.block, revmap.block]);
      held.push(reg);
      deleteNoCompact(old.bytes, tid.offset);
      const off = Page.wrap(reg.bytes).addItem(tuple);
      if (off === undefined) throw new Error('brin: a summary did not fit on a fresh page');
      revmapSet(revmap.bytes, slot, { block: reg.block, offset: off });
      this.log(XLOG_BRIN_UPDATE | (fresh ? XLOG_BRIN_INIT_PAGE : 0), [reg, old, revmap]);
    } finally {
      for (const h of held) this.release(h);
    }
  }

  // ------------------------------------------------------------ summaries

  /** add_values_to_range for one row (brin_minmax_add_value per column); returns whether it changed. */
  private addValues(s: BrinSummary, values: readonly unknown[]): boolean {
    // A range with no rows yet (bt_empty_range) stops being empty with any row.
    let changed = s.empty;
    s.empty = false;
    this.types.forEach((type, i) => {
      const c = s.columns[i]!;
      const v = values[i];
      if (v === null || v === undefined) {
        if (!c.hasNulls) {
          c.hasNulls = true;
          changed = true;
        }
        return;
      }
      if (this.opclasses[i]!.addValue(c, v, type)) changed = true;
    });
    return changed;
  }

  private newSummary(rangeStart: number): BrinSummary {
    return {
      blkno: rangeStart,
      placeholder: false,
      empty: true,
      columns: emptyColumns(this.types.length),
    };
  }

  /** summarize_range: reads the range's heap tuples and stores their summary. */
  private summarizeRange(rangeStart: number, ppr: number, heapBlocks: number): void {
    const s = this.newSummary(rangeStart);
    const end = Math.min(rangeStart + ppr, heapBlocks);
    for (const t of this.heap.tuples(rangeStart, end)) this.addValues(s, t.values);
    this.insertSummary(s);
  }

  /**
   * brinsummarize: summarises every range with no summary yet; the last,
   * partial range only with `includePartial` (brin_summarize_new_values
   * includes it, vacuum does not). Returns how many ranges it summarised.
   */
  summarizeNewValues(includePartial = true): number {
    const m = this.meta();
    const heapBlocks = this.heap.nblocks();
    let count = 0;
    for (let start = 0; start < heapBlocks; start += m.pagesPerRange) {
      if (!includePartial && start + m.pagesPerRange > heapBlocks) break;
      if (this.lookup(start, this.meta()) !== null) continue;
      this.summarizeRange(start, m.pagesPerRange, heapBlocks);
      count++;
    }
    return count;
  }

  /** brin_summarize_range(index, heapBlk): summarises the range holding `heapBlk` if it has no summary. */
  summarizeRangeOf(heapBlk: number): number {
    const m = this.meta();
    const heapBlocks = this.heap.nblocks();
    const start = heapBlk - (heapBlk % m.pagesPerRange);
    if (start >= heapBlocks || this.lookup(start, m) !== null) return 0;
    this.summarizeRange(start, m.pagesPerRange, heapBlocks);
    return 1;
  }

  /** brin_desummarize_range: forgets the summary of the range holding `heapBlk`; returns whether it had one. */
  desummarizeRange(heapBlk: number): boolean {
    const m = this.meta();
    const tid = this.lookup(heapBlk, m);
    if (!tid) return false;
    const { page: revBlk, slot } = this.revmapSlot(heapBlk, m.pagesPerRange);
    const revmap = this.hold(revBlk);
    const reg = this.hold(tid.block);
    try {
      revmapSet(revmap.bytes, slot, null);
      deleteNoCompact(reg.bytes, tid.offset);
      this.log(XLOG_BRIN_DESUMMARIZE, [revmap, reg]);
    } finally {
      this.release(reg);
      this.release(revmap);
    }
    return true;
  }

  // ------------------------------------------------------------ the AM

  /** brinbuild: summarises every range from block 0 to the last tuple's (an empty heap gets range 0). */
  build(tuples: Iterable<IndexBuildTuple>): IndexBuildResult {
    const m = this.meta();
    if (m.lastRevmapPage !== 0) throw new Error(`index "${this.descriptor.name}" is not empty`);
    const ppr = m.pagesPerRange;
    const ranges = new Map<number, BrinSummary>();
    let heapTuples = 0;
    let last = 0;
    for (const t of tuples) {
      heapTuples++;
      const start = t.tid.block - (t.tid.block % ppr);
      last = Math.max(last, start);
      let s = ranges.get(start);
      if (!s) {
        s = this.newSummary(start);
        ranges.set(start, s);
      }
      this.addValues(s, t.values);
    }
    let indexTuples = 0;
    for (let start = 0; start <= last; start += ppr) {
      this.insertSummary(ranges.get(start) ?? this.newSummary(start));
      indexTuples++;
    }
    return { heapTuples, indexTuples };
  }

  /** brininsert: widens the summary of the row's range, if it has one; autosummarize as the option says. */
  insert(values: readonly unknown[], tid: Tid): { readonly kind: 'inserted' } {
    if (this.autosummarize && tid.offset === 1 && tid.block > 0) {
      const ppr = this.meta().pagesPerRange;
      if (tid.block % ppr === 0) this.summarizeRangeOf(tid.block - 1);
    }
    const found = this.summaryOf(tid.block);
    if (found && this.addValues(found.summary, values)) {
      const s = found.summary;
      this.updateSummary(found.tid, s);
    }
    return { kind: 'inserted' };
  }

  /** brinbulkdelete: summaries cannot shrink, so nothing is removed. */
  bulkDelete(_callback: BulkDeleteCallback, stats?: IndexBulkDeleteResult): IndexBulkDeleteResult {
    return stats ?? this.emptyStats();
  }

  /** brinvacuumcleanup: summarises the new complete ranges. */
  vacuumCleanup(stats?: IndexBulkDeleteResult): IndexBulkDeleteResult {
    this.summarizeNewValues(false);
    const out = stats ?? this.emptyStats();
    out.numPages = this.nblocks();
    return out;
  }

  private emptyStats(): IndexBulkDeleteResult {
    return {
      numPages: this.nblocks(),
      numIndexTuples: 0,
      tuplesRemoved: 0,
      pagesNewlyDeleted: 0,
      pagesDeleted: 0,
      pagesFree: 0,
    };
  }

  /**
   * bringetbitmap's core: the first heap block of every range that may hold
   * a row satisfying every key — each summarised range whose summary is
   * consistent with the keys, and every unsummarised range.
   */
  matchingRanges(keys: readonly ScanKey[]): number[] {
    const m = this.meta();
    const heapBlocks = this.heap.nblocks();
    const out: number[] = [];
    const revmapPages = new Map<number, Uint8Array>();
    const regular = new Map<number, Page>();
    for (let start = 0; start < heapBlocks; start += m.pagesPerRange) {
      const { page, slot } = this.revmapSlot(start, m.pagesPerRange);
      let tid: Tid | null = null;
      if (page <= m.lastRevmapPage) {
        let rp = revmapPages.get(page);
        if (!rp) {
          rp = this.readCopy(page);
          revmapPages.set(page, rp);
        }
        tid = revmapGet(rp, slot);
      }
      if (!tid) {
        out.push(start);
        continue;
      }
      let reg = regular.get(tid.block);
      if (!reg) {
        reg = Page.wrap(this.readCopy(tid.block));
        regular.set(tid.block, reg);
      }
      const s = deformTuple(this.types, reg.mustItem(tid.offset), this.kinds);
      if (s.blkno !== start)
        throw new SqlError('XX002', `corrupted BRIN index: inconsistent range map`);
      if (summaryMatches(s, keys, this.types, this.opclasses)) out.push(start);
    }
    return out;
  }

  /** The heap pages a bitmap scan with these keys returns (every page of every matching range). */
  matchingPages(keys: readonly ScanKey[]): number[] {
    const ppr = this.meta().pagesPerRange;
    const heapBlocks = this.heap.nblocks();
    const out: number[] = [];
    for (const start of this.matchingRanges(keys)) {
      for (let b = start; b < Math.min(start + ppr, heapBlocks); b++) out.push(b);
    }
    return out;
  }

  beginScan(): IndexScan {
    let keys: readonly ScanKey[] = [];
    const fail = (): never => {
      throw new SqlError('0A000', 'access method "brin" does not support plain index scans');
    };
    return {
      rescan: (k) => {
        keys = k;
      },
      next: (): IndexScanResult | null => fail(),
      getBitmap: (bitmap: TidBitmap) => {
        const pages = this.matchingPages(keys);
        for (const b of pages) bitmap.addPage(b);
        // bringetbitmap returns 10 tuples per page, as a guess.
        return pages.length * 10;
      },
      killPrior: () => undefined,
      markPosition: () => fail(),
      restorePosition: () => fail(),
      end: () => undefined,
    };
  }

  canReturn(): boolean {
    return false;
  }

  /** brincostestimate, reduced: the whole revmap and the matching fraction of regular pages are read. */
  costEstimate(input: IndexCostInput): IndexCost {
    const pages = Math.max(1, input.indexPages);
    const cost = pages * input.randomPageCost + input.indexTuples * input.cpuOperatorCost;
    return { startupCost: cost, totalCost: cost, selectivity: 1, correlation: 0, pages };
  }
}
