/**
 * The GIN index: an entry tree (a B-tree of (attnum, category, key) entry
 * tuples whose leaves hold compressed posting lists or posting-tree roots)
 * and posting trees (B-trees of TIDs on data pages), in PostgreSQL 15's
 * page format (ginbtree.c, ginentrypage.c, gindatapage.c, ginget.c,
 * ginvacuum.c, reduced).
 *
 * One event loop runs everything, so an operation runs to its end without
 * interruption; it logs one WAL record with every page it changed (wal.ts).
 */
import {
  type BulkDeleteCallback,
  compareTids,
  type IndexAccessMethod,
  type IndexAmCapabilities,
  type IndexBuildResult,
  type IndexBuildTuple,
  type IndexBulkDeleteResult,
  type IndexCost,
  type IndexCostInput,
  type IndexScan,
  type IndexScanResult,
  type InsertResult,
  type ScanKey,
  type Tid,
  type TidBitmap,
  tidKey,
} from '@pg/access';
import { Page } from '@pg/page';
import {
  type BufferPool,
  createFork,
  ForkNumber,
  FreeSpaceMap,
  type RelFileLocator,
  type XLogInserter,
} from '@pg/storage';
import { SqlError } from '@pg/types';
import {
  BLCKSZ,
  type EntryTuple,
  formEntryTuple,
  GIN_CAT_EMPTY_ITEM,
  GIN_CAT_NORM_KEY,
  GIN_CAT_NULL_ITEM,
  GIN_CAT_NULL_KEY,
  GIN_DATA,
  GIN_DELETED,
  GIN_LEAF,
  GIN_LIST,
  GIN_LIST_FULLROW,
  GIN_LIST_PAGE_SIZE,
  GIN_META,
  GIN_METAPAGE_BLKNO,
  GIN_ROOT_BLKNO,
  type GinCategory,
  type GinMetaPage,
  ginLimits,
  INVALID_BLOCK,
  initGinPage,
  maxAlign,
  mergeTids,
  parseEntryTuple,
  readDataInternal,
  readDataLeaf,
  readDeleteXid,
  readItemPointer,
  readMeta,
  readOpaque,
  readRightBound,
  SIZE_OF_GIN_OPAQUE,
  writeDataInternal,
  writeDataLeaf,
  writeDeleteXid,
  writeItemPointer,
  writeMeta,
  writeOpaque,
} from './layout.js';
import type { GinOpClass, SearchMode } from './opclass.js';
import {
  imageData,
  RM_GIN_ID,
  XLOG_GIN_DELETE_LISTPAGE,
  XLOG_GIN_DELETE_PAGE,
  XLOG_GIN_INSERT,
  XLOG_GIN_SPLIT,
  XLOG_GIN_UPDATE_META_PAGE,
  XLOG_GIN_VACUUM_DATA_LEAF_PAGE,
  XLOG_GIN_VACUUM_PAGE,
} from './wal.js';

const main = ForkNumber.main;

export interface GinOptions {
  readonly pool: BufferPool;
  readonly rel: RelFileLocator;
  /** The index's name, for messages. */
  readonly name?: string;
  /** One operator class per key column. */
  // biome-ignore lint/suspicious/noExplicitAny: operator classes differ in their types
  readonly opclasses: readonly GinOpClass<any, any, any>[];
  /** Log every change through this inserter; without one the index is unlogged. */
  readonly inserter?: XLogInserter;
  /**
   * fastupdate (default on, as in PostgreSQL): insert() appends the row's
   * entries to the pending list instead of the entry tree.
   */
  readonly fastupdate?: boolean;
  /** gin_pending_list_limit in kB (default 4096, 4MB): a larger pending list is flushed on insert. */
  readonly pendingListLimit?: number;
  /**
   * When deleted pages may be reused. Without one a deleted page is
   * recyclable at once: every scan here reads its pages within one call,
   * so none can still be on its way to a page deleted after it started.
   */
  readonly horizon?: GinXidHorizon;
}

/** Transaction-id horizon for recycling deleted pages (as @pg/btree's XidHorizon). */
export interface GinXidHorizon {
  /** The next transaction id: stamped on a page when it is deleted (pd_prune_xid). */
  nextXid(): bigint;
  /** The oldest xmin of any running snapshot. */
  oldestXmin(): bigint;
}

/** GIN_NDELETE_AT_ONCE: pending-list pages removed per WAL record. */
const GIN_NDELETE_AT_ONCE = 16;

/** A query on one column: the operator's strategy number and its right operand. */
export interface GinQuery {
  readonly attno: number;
  readonly strategy: number;
  readonly query: unknown;
}

const CAPABILITIES: IndexAmCapabilities = {
  canOrder: false,
  canBackward: false,
  canUnique: false,
  canMultiColumn: true,
  canInclude: false,
  searchNulls: false,
  canReturn: false,
  canBitmap: true,
  strategies: 0,
};

/** An entry's identity: attnum, category, key (decoded for the opclass's compare). */
interface EntryKey {
  readonly attnum: number;
  readonly category: GinCategory;
  readonly key: Uint8Array;
}

/** The pages one operation holds (pinned, exclusively locked) and which it changed. */
class Work {
  readonly held = new Map<number, number>();
  readonly dirty = new Set<number>();
  split = false;
  constructor(private readonly gin: Gin) {}

  page(block: number): Uint8Array {
    let buffer = this.held.get(block);
    if (buffer === undefined) {
      buffer = this.gin.pool.readBuffer(this.gin.rel, main, block);
      this.gin.pool.lock(buffer, 'exclusive');
      this.held.set(block, buffer);
    }
    return this.gin.pool.bytes(buffer);
  }

  /** GinNewBuffer: a recyclable page from the FSM, or a new block at the end of the relation. */
  newBlock(): number {
    const reused = this.gin.reusableBlock(this.held);
    if (reused !== null) {
      const buffer = this.gin.pool.readBuffer(this.gin.rel, main, reused);
      this.gin.pool.lock(buffer, 'exclusive');
      if (this.gin.isRecyclable(this.gin.pool.bytes(buffer))) {
        this.gin.stats.pagesReused++;
        this.held.set(reused, buffer);
        this.dirty.add(reused);
        return reused;
      }
      this.gin.pool.unlockRelease(buffer);
      return this.newBlock();
    }
    const buffer = this.gin.pool.extend(this.gin.rel, main);
    this.gin.pool.lock(buffer, 'exclusive');
    const block = this.gin.pool.blockNumber(buffer);
    this.held.set(block, buffer);
    this.dirty.add(block);
    return block;
  }

  touch(block: number): void {
    this.dirty.add(block);
  }

  finish(info: number): void {
    const pool = this.gin.pool;
    const changed = [...this.dirty].sort((a, b) => a - b).map((b) => this.held.get(b)!);
    if (changed.length > 0) {
      if (this.gin.inserter) {
        this.gin.inserter.insert({
          rmid: RM_GIN_ID,
          info: this.split ? XLOG_GIN_SPLIT : info,
          buffers: changed.map((buffer) => ({
            buffer,
            data: imageData(pool.bytes(buffer)),
            willInit: true,
          })),
        });
      } else for (const b of changed) pool.markDirty(b);
    }
    for (const buffer of this.held.values()) pool.unlockRelease(buffer);
    this.held.clear();
  }
}

/** A posting tree's right bound of a rightmost page: none. */
const NO_BOUND: Tid = { block: 0, offset: 0 };

/** One page of a split data page: its key in the parent and how to write it. */
interface Piece {
  readonly key: Tid;
  write(page: Uint8Array, rightlink: number): void;
}

/** Splits a leaf's TIDs into the fewest even pieces that each fit a data leaf. */
function leafPieces(all: readonly Tid[], bound: Tid): Piece[] {
  for (let n = 2; ; n++) {
    const size = Math.ceil(all.length / n);
    const chunks: Tid[][] = [];
    for (let i = 0; i < all.length; i += size) chunks.push(all.slice(i, i + size));
    const scratch = new Uint8Array(BLCKSZ);
    const ok = chunks.every((c) => writeDataLeaf(scratch, c, INVALID_BLOCK, NO_BOUND));
    if (!ok) continue;
    return chunks.map((c, i) => {
      const key = i === chunks.length - 1 ? bound : c[c.length - 1]!;
      return { key, write: (page, rightlink) => writeDataLeaf(page, c, rightlink, key) };
    });
  }
}

/** Splits an internal data page's PostingItems into even pieces of at most ginLimits.maxPostingItems. */
function internalPieces(items: readonly { child: number; key: Tid }[], bound: Tid): Piece[] {
  const n = Math.max(2, Math.ceil(items.length / ginLimits.maxPostingItems));
  const size = Math.ceil(items.length / n);
  const chunks: { child: number; key: Tid }[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks.map((c, i) => {
    const key = i === chunks.length - 1 ? bound : c[c.length - 1]!.key;
    return { key, write: (page, rightlink) => writeDataInternal(page, c, rightlink, key) };
  });
}

/** One heap row in the pending list: its TID and the entries it produced. */
export interface PendingRow {
  readonly tid: Tid;
  readonly entries: { attnum: number; category: GinCategory; key: Uint8Array }[];
}

function emptyStats(): IndexBulkDeleteResult {
  return {
    numPages: 0,
    numIndexTuples: 0,
    tuplesRemoved: 0,
    pagesNewlyDeleted: 0,
    pagesDeleted: 0,
    pagesFree: 0,
  };
}

function entryPageSpace(tuples: readonly Uint8Array[]): number {
  return tuples.reduce((n, t) => n + maxAlign(t.length) + 4, 0);
}
const ENTRY_PAGE_SPACE = BLCKSZ - 24 - SIZE_OF_GIN_OPAQUE;

export class Gin implements IndexAccessMethod {
  readonly amName = 'gin';
  readonly capabilities = CAPABILITIES;
  readonly pool: BufferPool;
  readonly rel: RelFileLocator;
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: operator classes differ in their types
  readonly opclasses: readonly GinOpClass<any, any, any>[];
  readonly inserter: XLogInserter | undefined;
  readonly oneCol: boolean;
  readonly fastupdate: boolean;
  /** gin_pending_list_limit, kB. */
  readonly pendingListLimit: number;
  readonly horizon: GinXidHorizon | undefined;
  readonly fsm: FreeSpaceMap;
  readonly stats = {
    entrySplits: 0,
    postingTrees: 0,
    postingSplits: 0,
    /** Pending-list flushes (ginInsertCleanup runs that moved something). */
    flushes: 0,
    /** Posting-tree pages deleted by vacuum. */
    pagesDeleted: 0,
    /** Deleted pages handed out again by newBlock. */
    pagesReused: 0,
  };

  constructor(options: GinOptions) {
    if (options.opclasses.length === 0) throw new Error('a GIN index needs at least one column');
    this.pool = options.pool;
    this.rel = options.rel;
    this.name = options.name ?? 'gin_index';
    this.opclasses = options.opclasses;
    this.inserter = options.inserter;
    this.oneCol = options.opclasses.length === 1;
    this.fastupdate = options.fastupdate ?? true;
    this.pendingListLimit = options.pendingListLimit ?? 4096;
    if (!Number.isInteger(this.pendingListLimit) || this.pendingListLimit < 64) {
      throw new SqlError(
        '22023',
        `value ${this.pendingListLimit} out of bounds for option "gin_pending_list_limit"`,
      );
    }
    this.horizon = options.horizon;
    this.fsm = new FreeSpaceMap(this.pool);
  }

  /** A block the FSM offers (not one this operation already holds), or null. */
  reusableBlock(held: ReadonlyMap<number, number>): number | null {
    if (!this.pool.smgr.exists(this.rel, ForkNumber.fsm)) return null;
    for (;;) {
      const block = this.fsm.getPageWithFreeSpace(this.rel, BLCKSZ / 2);
      if (block === INVALID_BLOCK) return null;
      this.fsm.recordFreeSpace(this.rel, block, 0);
      if (!held.has(block) && block > GIN_ROOT_BLKNO) return block;
    }
  }

  /** GinPageIsRecyclable: a new page, or a deleted one no scan can still reach. */
  isRecyclable(page: Uint8Array): boolean {
    if (Page.wrap(page).isNew()) return true;
    if ((readOpaque(page).flags & GIN_DELETED) === 0) return false;
    const xid = readDeleteXid(page);
    if (xid === 0 || !this.horizon) return true;
    const oldest = Number(this.horizon.oldestXmin() & 0xffffffffn);
    return ((xid - oldest) | 0) < 0; // TransactionIdPrecedes
  }

  /** The xid to stamp on a page being deleted (0, InvalidTransactionId, without a horizon). */
  private deleteXid(): number {
    return this.horizon ? Number(this.horizon.nextXid() & 0xffffffffn) : 0;
  }

  /** ginbuildempty: the fork, the metapage and an empty root leaf. */
  static create(options: GinOptions): Gin {
    const gin = new Gin(options);
    const smgr = gin.pool.smgr;
    if (!smgr.exists(gin.rel, main)) {
      if (gin.inserter) createFork(gin.inserter, gin.rel, main);
      else smgr.create(gin.rel, main);
    }
    if (smgr.nblocks(gin.rel, main) !== 0) throw new Error(`index "${gin.name}" is not empty`);
    const w = new Work(gin);
    const meta = w.newBlock();
    const root = w.newBlock();
    initGinPage(w.page(meta), GIN_META);
    writeMeta(w.page(meta), { nTotalPages: 2, nEntryPages: 1, nDataPages: 0, nEntries: 0n });
    initGinPage(w.page(root), GIN_LEAF);
    if (meta !== GIN_METAPAGE_BLKNO || root !== GIN_ROOT_BLKNO)
      throw new Error('gin: unexpected block numbers');
    w.finish(XLOG_GIN_UPDATE_META_PAGE);
    return gin;
  }

  /** A page's bytes, copied under a share lock. */
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

  // ---------------------------------------------------------------- entries

  private opclass(attnum: number) {
    return this.opclasses[attnum - 1]!;
  }

  /** ginCompareAttEntries: attnum, then category, then the opclass's order. */
  compareEntries(a: EntryKey, b: EntryKey): number {
    if (a.attnum !== b.attnum) return a.attnum - b.attnum;
    if (a.category !== b.category) return a.category - b.category;
    if (a.category !== GIN_CAT_NORM_KEY) return 0;
    const oc = this.opclass(a.attnum);
    return oc.compare(oc.decodeKey(a.key), oc.decodeKey(b.key));
  }

  private storageOf(attnum: number) {
    return this.opclass(attnum).storage;
  }

  private tuples(page: Uint8Array): Uint8Array[] {
    const p = Page.wrap(page);
    const out: Uint8Array[] = [];
    for (let i = 1; i <= p.maxOffsetNumber; i++) out.push(p.mustItem(i).slice());
    return out;
  }

  /** The page's tuples as views into it (valid until the page changes). */
  private views(page: Uint8Array): Uint8Array[] {
    const p = Page.wrap(page);
    const out: Uint8Array[] = [];
    for (let i = 1; i <= p.maxOffsetNumber; i++) out.push(p.mustItem(i));
    return out;
  }

  /** Attnum of a raw entry tuple (needed to know its key's storage). */
  private parse(t: Uint8Array, leaf: boolean): EntryTuple {
    if (this.oneCol) return parseEntryTuple(t, this.storageOf(1), true, leaf);
    const hasNull = (t[7]! & 0x80) !== 0;
    const at = hasNull ? 16 : 8;
    const attnum = t[at]! | (t[at + 1]! << 8);
    return parseEntryTuple(t, this.storageOf(attnum), false, leaf);
  }

  private form(e: EntryTuple, leaf: boolean): Uint8Array | null {
    return formEntryTuple(e, this.storageOf(e.attnum), this.oneCol, leaf);
  }

  private writeEntryPage(
    page: Uint8Array,
    tuples: readonly Uint8Array[],
    flags: number,
    rightlink: number,
  ): void {
    initGinPage(page, flags);
    const p = Page.wrap(page);
    for (const t of tuples) {
      if (p.addItem(t) === undefined) throw new Error('gin: entry page overflow');
    }
    writeOpaque(page, { rightlink, maxoff: 0, flags });
  }

  /** Index of the downlink to follow on an internal entry page. */
  private chooseChild(tuples: readonly Uint8Array[], key: EntryKey): number {
    let lo = 0;
    let hi = tuples.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compareEntries(this.parse(tuples[mid]!, false), key) >= 0) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Inserts sorted TIDs under one entry (ginEntryInsert). */
  private entryInsert(w: Work, key: EntryKey, add: readonly Tid[]): void {
    const stack: { block: number; index: number }[] = [];
    let block = GIN_ROOT_BLKNO;
    for (;;) {
      const page = w.page(block);
      if (readOpaque(page).flags & GIN_LEAF) break;
      const items = this.views(page);
      const index = this.chooseChild(items, key);
      stack.push({ block, index });
      block = this.parse(items[index]!, false).block;
    }
    const page = w.page(block);
    const p = Page.wrap(page);
    const items = this.views(page);
    // The first entry >= key (binary search).
    let pos = 0;
    let hi = items.length;
    while (pos < hi) {
      const mid = (pos + hi) >> 1;
      if (this.compareEntries(this.parse(items[mid]!, true), key) < 0) pos = mid + 1;
      else hi = mid;
    }
    const existing = pos < items.length ? this.parse(items[pos]!, true) : null;
    let tuple: Uint8Array;
    if (existing && this.compareEntries(existing, key) === 0) {
      if (existing.block !== INVALID_BLOCK) {
        this.postingTreeInsert(w, existing.block, add);
        return;
      }
      const tids = mergeTids(existing.tids, add);
      if (tids.length === existing.tids.length) return;
      tuple = this.leafTuple(w, key, tids);
      // In place when the page has room (PageIndexTupleDelete + PageAddItem).
      if (p.exactFreeSpace() + maxAlign(items[pos]!.length) >= maxAlign(tuple.length)) {
        p.indexTupleDelete(pos + 1);
        p.addItem(tuple, { offsetNumber: pos + 1 });
        w.touch(block);
        return;
      }
      const tuples = this.tuples(page);
      tuples[pos] = tuple;
      this.placeEntries(w, block, tuples, stack, true);
    } else {
      tuple = this.leafTuple(w, key, add);
      const metaPage = w.page(GIN_METAPAGE_BLKNO);
      const meta = readMeta(metaPage);
      writeMeta(metaPage, { ...meta, nEntries: meta.nEntries + 1n });
      w.touch(GIN_METAPAGE_BLKNO);
      if (p.exactFreeSpace() >= maxAlign(tuple.length) + 4) {
        p.addItem(tuple, { offsetNumber: pos + 1 });
        w.touch(block);
        return;
      }
      const tuples = this.tuples(page);
      tuples.splice(pos, 0, tuple);
      this.placeEntries(w, block, tuples, stack, true);
    }
  }

  /** A leaf tuple for these TIDs, moving them to a new posting tree when they outgrow GinMaxItemSize. */
  private leafTuple(w: Work, key: EntryKey, tids: readonly Tid[]): Uint8Array {
    const e = { ...key, tids, block: INVALID_BLOCK };
    const t = this.form(e, true);
    if (t) return t;
    // The key alone must fit before any page changes.
    if (!this.form({ ...e, tids: [], block: 0 }, true)) {
      throw new SqlError('54000', `index row size exceeds maximum 2712 for index "${this.name}"`);
    }
    const root = this.createPostingTree(w, tids);
    const withTree = this.form({ ...e, tids: [], block: root }, true)!;
    return withTree;
  }

  /** Writes `tuples` to entry page `block`, splitting it (and its parents) when they do not fit. */
  private placeEntries(
    w: Work,
    block: number,
    tuples: Uint8Array[],
    stack: { block: number; index: number }[],
    leaf: boolean,
  ): void {
    const page = w.page(block);
    const old = readOpaque(page);
    w.touch(block);
    if (entryPageSpace(tuples) <= ENTRY_PAGE_SPACE) {
      this.writeEntryPage(page, tuples, old.flags, old.rightlink);
      return;
    }
    this.stats.entrySplits++;
    w.split = true;
    const flags = leaf ? GIN_LEAF : 0;
    let cut = 0;
    let size = 0;
    const total = entryPageSpace(tuples);
    while (cut < tuples.length - 1 && size + maxAlign(tuples[cut]!.length) + 4 <= total / 2) {
      size += maxAlign(tuples[cut]!.length) + 4;
      cut++;
    }
    cut = Math.max(1, cut);
    const left = tuples.slice(0, cut);
    const right = tuples.slice(cut);
    const pivot = (t: Uint8Array, child: number) => {
      const e = this.parse(t, leaf);
      return this.form({ ...e, tids: [], block: child }, false)!;
    };
    if (block === GIN_ROOT_BLKNO) {
      const l = w.newBlock();
      const r = w.newBlock();
      this.writeEntryPage(w.page(r), right, flags, INVALID_BLOCK);
      this.writeEntryPage(w.page(l), left, flags, r);
      this.writeEntryPage(
        page,
        [pivot(left[left.length - 1]!, l), pivot(right[right.length - 1]!, r)],
        0,
        INVALID_BLOCK,
      );
      this.bumpPages(w, 2, 0);
      return;
    }
    const r = w.newBlock();
    this.writeEntryPage(w.page(r), right, flags, old.rightlink);
    this.writeEntryPage(page, left, flags, r);
    this.bumpPages(w, 1, 0);
    const parent = stack.pop()!;
    const ptuples = this.tuples(w.page(parent.block));
    const oldDown = this.parse(ptuples[parent.index]!, false);
    ptuples[parent.index] = this.form({ ...oldDown, block: r }, false)!;
    ptuples.splice(parent.index, 0, pivot(left[left.length - 1]!, block));
    this.placeEntries(w, parent.block, ptuples, stack, false);
  }

  private bumpPages(w: Work, entry: number, data: number): void {
    const metaPage = w.page(GIN_METAPAGE_BLKNO);
    const meta = readMeta(metaPage);
    writeMeta(metaPage, {
      ...meta,
      nTotalPages: this.nblocks(),
      nEntryPages: meta.nEntryPages + entry,
      nDataPages: meta.nDataPages + data,
    });
    w.touch(GIN_METAPAGE_BLKNO);
  }

  // ---------------------------------------------------------- posting trees

  /** createPostingTree: an empty data leaf as the root, then the TIDs inserted into it (splitting as needed). */
  private createPostingTree(w: Work, tids: readonly Tid[]): number {
    this.stats.postingTrees++;
    const root = w.newBlock();
    writeDataLeaf(w.page(root), [], INVALID_BLOCK, NO_BOUND);
    this.bumpPages(w, 0, 1);
    this.postingTreeInsert(w, root, tids);
    return root;
  }

  /**
   * ginInsertItemPointers: adds sorted TIDs to the posting tree at `root`.
   * A page that overflows splits into as many pages as it needs (chained
   * by rightlink, each with its right bound) and its parent gets their
   * PostingItems, splitting in turn; the root stays at its block: when it
   * overflows its contents move to new pages below it (one level more).
   */
  private postingTreeInsert(w: Work, root: number, tids: readonly Tid[]): void {
    if (tids.length === 0) return;
    const pieces = this.dataInsert(w, root, tids);
    if (pieces === null) return;
    this.stats.postingSplits++;
    w.split = true;
    let items = this.placePieces(w, null, pieces, INVALID_BLOCK);
    while (items.length > ginLimits.maxPostingItems) {
      items = this.placePieces(w, null, internalPieces(items, NO_BOUND), INVALID_BLOCK);
    }
    writeDataInternal(w.page(root), items);
    w.touch(root);
  }

  /**
   * Writes pieces of a split page: the first to `block` (null: a new
   * block), the others to new blocks, chained by rightlink, the last
   * linking to `rightlink`. Returns their PostingItems.
   */
  private placePieces(
    w: Work,
    block: number | null,
    pieces: readonly Piece[],
    rightlink: number,
  ): { child: number; key: Tid }[] {
    const blocks = pieces.map((_, i) => (i === 0 && block !== null ? block : w.newBlock()));
    this.bumpPages(w, 0, blocks.length - (block === null ? 0 : 1));
    pieces.forEach((p, i) => {
      p.write(w.page(blocks[i]!), blocks[i + 1] ?? rightlink);
      w.touch(blocks[i]!);
    });
    return pieces.map((p, i) => ({ child: blocks[i]!, key: p.key }));
  }

  /** Inserts into the subtree at `block`; null when it fit, else the pieces the page must split into. */
  private dataInsert(w: Work, block: number, tids: readonly Tid[]): Piece[] | null {
    const page = w.page(block);
    const op = readOpaque(page);
    const bound = readRightBound(page);
    if (op.flags & GIN_LEAF) {
      const old = readDataLeaf(page);
      const all = mergeTids(old, tids);
      if (all.length === old.length) return null;
      w.touch(block);
      if (writeDataLeaf(page, all, op.rightlink, bound)) return null;
      return leafPieces(all, bound);
    }
    const items = readDataInternal(page);
    // Each TID goes to the first child whose key is >= it (the last for anything beyond).
    const byChild = new Map<number, Tid[]>();
    let i = 0;
    for (const tid of tids) {
      while (i < items.length - 1 && compareTids(items[i]!.key, tid) < 0) i++;
      const list = byChild.get(i) ?? [];
      list.push(tid);
      byChild.set(i, list);
    }
    let changed = false;
    for (const c of [...byChild.keys()].sort((a, b) => b - a)) {
      const item = items[c]!;
      const pieces = this.dataInsert(w, item.child, byChild.get(c)!);
      if (pieces === null) continue;
      this.stats.postingSplits++;
      w.split = true;
      changed = true;
      const childRight = readOpaque(w.page(item.child)).rightlink;
      const placed = this.placePieces(w, item.child, pieces, childRight);
      placed[placed.length - 1] = { child: placed[placed.length - 1]!.child, key: item.key };
      items.splice(c, 1, ...placed);
    }
    if (!changed) return null;
    w.touch(block);
    if (writeDataInternal(page, items, op.rightlink, bound)) return null;
    return internalPieces(items, bound);
  }

  /** The posting tree's leaves, left to right (descend the leftmost downlinks, then follow rightlinks). */
  private postingLeaves(root: number, read: (b: number) => Uint8Array): number[] {
    let block = root;
    for (;;) {
      const page = read(block);
      if (readOpaque(page).flags & GIN_LEAF) break;
      block = readDataInternal(page)[0]!.child;
    }
    const out: number[] = [];
    while (block !== INVALID_BLOCK) {
      out.push(block);
      block = readOpaque(read(block)).rightlink;
    }
    return out;
  }

  /** Every TID of a posting tree, in order. */
  private readPostingTree(root: number, read: (b: number) => Uint8Array): Tid[] {
    return this.postingLeaves(root, read).flatMap((b) => readDataLeaf(read(b)));
  }

  // ----------------------------------------------------------------- insert

  /** The entries an indexed row produces (ginExtractEntries per column). */
  private rowEntries(values: readonly unknown[]): EntryKey[] {
    const out: EntryKey[] = [];
    this.opclasses.forEach((oc, i) => {
      const attnum = i + 1;
      const v = values[i];
      if (v === null || v === undefined) {
        out.push({ attnum, category: GIN_CAT_NULL_ITEM, key: new Uint8Array(0) });
        return;
      }
      const keys = oc.extractValue(v);
      if (keys.length === 0)
        out.push({ attnum, category: GIN_CAT_EMPTY_ITEM, key: new Uint8Array(0) });
      // ginExtractEntries: the keys sorted (null keys last) without duplicates.
      const mine: EntryKey[] = keys.map((k) =>
        k === null
          ? { attnum, category: GIN_CAT_NULL_KEY, key: new Uint8Array(0) }
          : { attnum, category: GIN_CAT_NORM_KEY, key: oc.encodeKey(k) },
      );
      if (mine.length > 1) mine.sort((a, b) => this.compareEntries(a, b));
      for (const e of mine) {
        const last = out[out.length - 1];
        if (last && last.attnum === attnum && this.compareEntries(last, e) === 0) continue;
        out.push(e);
      }
    });
    return out;
  }

  insert(values: readonly unknown[], tid: Tid): InsertResult {
    if (this.fastupdate) this.fastInsert(this.rowEntries(values), tid);
    else this.insertDirect(values, tid);
    return { kind: 'inserted' };
  }

  /** Straight into the entry tree: one operation (one WAL record) per entry. */
  private insertDirect(values: readonly unknown[], tid: Tid): void {
    for (const key of this.rowEntries(values)) {
      const w = new Work(this);
      try {
        this.entryInsert(w, key, [tid]);
      } finally {
        w.finish(XLOG_GIN_INSERT);
      }
    }
  }

  /** ginbuild (row by row, never through the pending list). */
  build(tuples: Iterable<IndexBuildTuple>): IndexBuildResult {
    let heapTuples = 0;
    let indexTuples = 0;
    for (const t of tuples) {
      heapTuples++;
      if (t.alive === false) continue;
      this.insertDirect(t.values, t.tid);
      indexTuples++;
    }
    return { heapTuples, indexTuples };
  }

  // ----------------------------------------------------------- pending list

  /**
   * A pending-list tuple (ginHeapTupleFastCollect): the entry tuple
   * GinFormTuple makes with no posting list, t_tid holding the heap TID.
   */
  private pendingTuple(key: EntryKey, tid: Tid): Uint8Array {
    const t = this.form({ ...key, tids: [], block: INVALID_BLOCK }, true);
    if (!t) {
      throw new SqlError('54000', `index row size exceeds maximum 2712 for index "${this.name}"`);
    }
    writeItemPointer(t, 0, tid);
    return t;
  }

  /**
   * ginHeapTupleFastInsert: appends one heap row's entry tuples to the
   * pending list, to the tail page when they fit in its free space, else
   * as a sublist of new pages (the row spread over as many as it needs)
   * linked after the tail. One WAL record holds the metapage and every
   * page changed. A list longer than gin_pending_list_limit is flushed.
   */
  private fastInsert(entries: readonly EntryKey[], tid: Tid): void {
    const tuples = entries.map((e) => this.pendingTuple(e, tid));
    if (tuples.length === 0) return;
    const sumsize = tuples.reduce((n, t) => n + t.length, 0);
    const needed = sumsize + tuples.length * 4;
    const w = new Work(this);
    let meta: GinMetaPage;
    try {
      const metaPage = w.page(GIN_METAPAGE_BLKNO);
      meta = readMeta(metaPage);
      if (
        needed > GIN_LIST_PAGE_SIZE ||
        meta.head === INVALID_BLOCK ||
        needed > meta.tailFreeSize
      ) {
        const sub = this.makeSublist(w, tuples);
        if (meta.head === INVALID_BLOCK) {
          meta = { ...meta, ...sub };
        } else {
          const tailPage = w.page(meta.tail);
          writeOpaque(tailPage, { ...readOpaque(tailPage), rightlink: sub.head });
          w.touch(meta.tail);
          meta = {
            ...meta,
            tail: sub.tail,
            tailFreeSize: sub.tailFreeSize,
            nPendingPages: meta.nPendingPages + sub.nPendingPages,
            nPendingHeapTuples: meta.nPendingHeapTuples + sub.nPendingHeapTuples,
          };
        }
      } else {
        const tailPage = w.page(meta.tail);
        const p = Page.wrap(tailPage);
        for (const t of tuples) {
          if (p.addItem(t) === undefined) throw new Error('gin: pending tail page overflow');
        }
        const op = readOpaque(tailPage);
        writeOpaque(tailPage, { ...op, maxoff: op.maxoff + 1 });
        w.touch(meta.tail);
        meta = {
          ...meta,
          tailFreeSize: p.exactFreeSpace(),
          nPendingHeapTuples: meta.nPendingHeapTuples + 1n,
        };
      }
      writeMeta(metaPage, meta);
      w.touch(GIN_METAPAGE_BLKNO);
    } finally {
      w.finish(XLOG_GIN_UPDATE_META_PAGE);
    }
    if (meta.nPendingPages * GIN_LIST_PAGE_SIZE > this.pendingListLimit * 1024) {
      this.cleanPendingList();
    }
  }

  /** makeSublist: the tuples on new list pages; the last page is the sublist's tail (GIN_LIST_FULLROW, maxoff 1). */
  private makeSublist(
    w: Work,
    tuples: readonly Uint8Array[],
  ): {
    head: number;
    tail: number;
    tailFreeSize: number;
    nPendingPages: number;
    nPendingHeapTuples: bigint;
  } {
    const pages: Uint8Array[][] = [[]];
    let size = 0;
    for (const t of tuples) {
      const tupsize = maxAlign(t.length) + 4;
      if (size + tupsize > GIN_LIST_PAGE_SIZE) {
        pages.push([]);
        size = 0;
      }
      pages[pages.length - 1]!.push(t);
      size += tupsize;
    }
    const blocks = pages.map(() => w.newBlock());
    let tailFreeSize = 0;
    pages.forEach((items, i) => {
      const page = w.page(blocks[i]!);
      const last = i === pages.length - 1;
      initGinPage(page, GIN_LIST);
      const p = Page.wrap(page);
      for (const t of items) {
        if (p.addItem(t) === undefined) throw new Error('gin: pending list page overflow');
      }
      writeOpaque(page, {
        rightlink: last ? INVALID_BLOCK : blocks[i + 1]!,
        maxoff: last ? 1 : 0,
        flags: last ? GIN_LIST | GIN_LIST_FULLROW : GIN_LIST,
      });
      if (last) tailFreeSize = p.exactFreeSpace();
    });
    return {
      head: blocks[0]!,
      tail: blocks[blocks.length - 1]!,
      tailFreeSize,
      nPendingPages: blocks.length,
      nPendingHeapTuples: 1n,
    };
  }

  /** The pending list's pages, head to tail. */
  private pendingBlocks(read: (b: number) => Uint8Array): number[] {
    const out: number[] = [];
    let block = readMeta(read(GIN_METAPAGE_BLKNO)).head;
    while (block !== INVALID_BLOCK) {
      out.push(block);
      block = readOpaque(read(block)).rightlink;
    }
    return out;
  }

  /** The pending list's rows in order: each heap TID with its entries (consecutive tuples with that TID). */
  pendingRows(read: (b: number) => Uint8Array = (b) => this.readCopy(b)): PendingRow[] {
    const rows: PendingRow[] = [];
    let cur: PendingRow | null = null;
    for (const block of this.pendingBlocks(read)) {
      for (const t of this.tuples(read(block))) {
        const tid = readItemPointer(t, 0);
        const e = this.parse(t, false);
        const entry = { attnum: e.attnum, category: e.category, key: e.key };
        if (cur === null || compareTids(cur.tid, tid) !== 0) {
          cur = { tid, entries: [] };
          rows.push(cur);
        }
        cur.entries.push(entry);
      }
    }
    return rows;
  }

  /**
   * ginInsertCleanup / gin_clean_pending_list(): moves every pending row
   * into the entry tree (the entries sorted, each with its sorted TIDs, one
   * insertion each), then removes the list's pages from its head,
   * GIN_NDELETE_AT_ONCE a record (shiftList), marking them GIN_DELETED.
   * Returns the number of pending pages removed. A crash in between
   * leaves rows both in the tree and in the list: flushing them again adds
   * nothing (posting lists hold each TID once).
   */
  cleanPendingList(): number {
    const read = (b: number) => this.readCopy(b);
    const blocks = this.pendingBlocks(read);
    if (blocks.length === 0) return 0;
    this.stats.flushes++;
    const accum = new Map<string, { key: EntryKey; tids: Tid[] }>();
    for (const row of this.pendingRows(read)) {
      for (const e of row.entries) {
        const k = `${e.attnum}:${e.category}:${Buffer.from(e.key).toString('hex')}`;
        const a = accum.get(k);
        if (a) a.tids.push(row.tid);
        else accum.set(k, { key: e, tids: [row.tid] });
      }
    }
    const sorted = [...accum.values()].sort((a, b) => this.compareEntries(a.key, b.key));
    for (const { key, tids } of sorted) {
      const w = new Work(this);
      try {
        this.entryInsert(w, key, mergeTids([], [...tids].sort(compareTids)));
      } finally {
        w.finish(XLOG_GIN_INSERT);
      }
    }
    // shiftList
    const freed: number[] = [];
    for (let i = 0; i < blocks.length; i += GIN_NDELETE_AT_ONCE) {
      const batch = blocks.slice(i, i + GIN_NDELETE_AT_ONCE);
      const w = new Work(this);
      try {
        const metaPage = w.page(GIN_METAPAGE_BLKNO);
        const meta = readMeta(metaPage);
        let heapTuples = 0n;
        let next = INVALID_BLOCK;
        const xid = this.deleteXid();
        for (const b of batch) {
          const page = w.page(b);
          const op = readOpaque(page);
          heapTuples += BigInt(op.maxoff);
          next = op.rightlink;
          initGinPage(page, GIN_DELETED);
          writeDeleteXid(page, xid);
          w.touch(b);
          freed.push(b);
        }
        writeMeta(
          metaPage,
          next === INVALID_BLOCK
            ? {
                ...meta,
                head: INVALID_BLOCK,
                tail: INVALID_BLOCK,
                tailFreeSize: 0,
                nPendingPages: 0,
                nPendingHeapTuples: 0n,
              }
            : {
                ...meta,
                head: next,
                nPendingPages: meta.nPendingPages - batch.length,
                nPendingHeapTuples: meta.nPendingHeapTuples - heapTuples,
              },
        );
        w.touch(GIN_METAPAGE_BLKNO);
      } finally {
        w.finish(XLOG_GIN_DELETE_LISTPAGE);
      }
    }
    for (const b of freed) this.fsm.recordFreeSpace(this.rel, b, BLCKSZ - 1);
    this.fsm.vacuum(this.rel);
    return freed.length;
  }

  // ----------------------------------------------------------------- vacuum

  /** Leaf entry pages left to right. */
  private leafBlocks(read: (b: number) => Uint8Array): number[] {
    let block = GIN_ROOT_BLKNO;
    for (;;) {
      const page = read(block);
      if (readOpaque(page).flags & GIN_LEAF) break;
      block = this.parse(this.tuples(page)[0]!, false).block;
    }
    const out: number[] = [];
    while (block !== INVALID_BLOCK) {
      out.push(block);
      block = readOpaque(read(block)).rightlink;
    }
    return out;
  }

  /**
   * ginbulkdelete: flushes the pending list, removes dead TIDs from posting
   * lists and posting-tree leaves, and deletes posting-tree leaves left
   * empty (never a tree's leftmost or rightmost leaf, nor a parent's only
   * child). Entries with empty posting lists stay (as in PostgreSQL).
   */
  bulkDelete(callback: BulkDeleteCallback, stats?: IndexBulkDeleteResult): IndexBulkDeleteResult {
    const result = stats ?? emptyStats();
    if (!stats) result.pagesNewlyDeleted += this.cleanPendingList();
    for (const block of this.leafBlocks((b) => this.readCopy(b))) {
      const trees: number[] = [];
      const w = new Work(this);
      try {
        const page = w.page(block);
        const tuples = this.tuples(page);
        let changed = false;
        for (let i = 0; i < tuples.length; i++) {
          const e = this.parse(tuples[i]!, true);
          if (e.block !== INVALID_BLOCK) {
            trees.push(e.block);
            continue;
          }
          const keep = e.tids.filter((t) => !callback(t));
          result.tuplesRemoved += e.tids.length - keep.length;
          result.numIndexTuples += keep.length;
          if (keep.length !== e.tids.length) {
            tuples[i] = this.form({ ...e, tids: keep }, true)!;
            changed = true;
          }
        }
        if (changed) {
          const op = readOpaque(page);
          this.writeEntryPage(page, tuples, op.flags, op.rightlink);
          w.touch(block);
        }
      } finally {
        w.finish(XLOG_GIN_VACUUM_PAGE);
      }
      for (const root of trees) this.vacuumPostingTree(root, callback, result);
    }
    result.numPages = this.nblocks();
    return result;
  }

  /** ginVacuumPostingTree: each leaf rewritten without the dead TIDs, then empty leaves deleted. */
  private vacuumPostingTree(
    root: number,
    callback: BulkDeleteCallback,
    result: IndexBulkDeleteResult,
  ): void {
    let emptied = false;
    for (const leaf of this.postingLeaves(root, (b) => this.readCopy(b))) {
      const w = new Work(this);
      try {
        const page = w.page(leaf);
        const tids = readDataLeaf(page);
        const keep = tids.filter((t) => !callback(t));
        result.tuplesRemoved += tids.length - keep.length;
        result.numIndexTuples += keep.length;
        if (keep.length !== tids.length) {
          writeDataLeaf(page, keep, readOpaque(page).rightlink, readRightBound(page));
          w.touch(leaf);
          if (keep.length === 0) emptied = true;
        }
      } finally {
        w.finish(XLOG_GIN_VACUUM_DATA_LEAF_PAGE);
      }
    }
    if (emptied) this.deleteEmptyLeaves(root, result);
  }

  /**
   * ginScanToDelete / ginDeletePage, for leaves: an empty leaf with a left
   * sibling, a right sibling and a sibling under the same parent is
   * unlinked (left sibling's rightlink, the parent's PostingItem) and
   * marked GIN_DELETED, the three pages in one record.
   */
  private deleteEmptyLeaves(root: number, result: IndexBulkDeleteResult): void {
    const read = (b: number) => this.readCopy(b);
    if (readOpaque(read(root)).flags & GIN_LEAF) return;
    // The parents of the leaves, left to right.
    let level = [root];
    for (;;) {
      const first = read(level[0]!);
      const child = readDataInternal(first)[0]!.child;
      if (readOpaque(read(child)).flags & GIN_LEAF) break;
      level = level.flatMap((b) => readDataInternal(read(b)).map((it) => it.child));
    }
    let left = INVALID_BLOCK;
    for (const parent of level) {
      for (let i = 0; ; ) {
        const items = readDataInternal(read(parent));
        if (i >= items.length) break;
        const leaf = items[i]!.child;
        const page = read(leaf);
        const op = readOpaque(page);
        const empty = readDataLeaf(page).length === 0;
        if (
          !empty ||
          left === INVALID_BLOCK ||
          op.rightlink === INVALID_BLOCK ||
          items.length < 2
        ) {
          left = leaf;
          i++;
          continue;
        }
        const w = new Work(this);
        try {
          const lp = w.page(left);
          writeOpaque(lp, { ...readOpaque(lp), rightlink: op.rightlink });
          w.touch(left);
          const pp = w.page(parent);
          const pop = readOpaque(pp);
          const kept = items.filter((_, n) => n !== i);
          writeDataInternal(pp, kept, pop.rightlink, readRightBound(pp));
          w.touch(parent);
          const dp = w.page(leaf);
          writeOpaque(dp, { ...readOpaque(dp), flags: readOpaque(dp).flags | GIN_DELETED });
          writeDeleteXid(dp, this.deleteXid());
          w.touch(leaf);
          const metaPage = w.page(GIN_METAPAGE_BLKNO);
          const meta = readMeta(metaPage);
          writeMeta(metaPage, { ...meta, nDataPages: meta.nDataPages - 1 });
          w.touch(GIN_METAPAGE_BLKNO);
        } finally {
          w.finish(XLOG_GIN_DELETE_PAGE);
        }
        this.stats.pagesDeleted++;
        result.pagesNewlyDeleted++;
        result.pagesDeleted++;
      }
    }
  }

  /**
   * ginvacuumcleanup: flushes the pending list when no bulk delete ran,
   * records every recyclable page (deleted, or new) in the free space map
   * for reuse, and recounts the metapage's statistics.
   */
  vacuumCleanup(stats?: IndexBulkDeleteResult): IndexBulkDeleteResult {
    const result = stats ?? emptyStats();
    if (!stats) result.pagesNewlyDeleted += this.cleanPendingList();
    const nblocks = this.nblocks();
    let entryPages = 0;
    let dataPages = 0;
    let entries = 0n;
    let free = 0;
    let deleted = 0;
    for (let b = GIN_ROOT_BLKNO; b < nblocks; b++) {
      const page = this.readCopy(b);
      const op = readOpaque(page);
      if (b !== GIN_ROOT_BLKNO && this.isRecyclable(page)) {
        this.fsm.recordFreeSpace(this.rel, b, BLCKSZ - 1);
        free++;
        if (op.flags & GIN_DELETED) deleted++;
      } else if (op.flags & GIN_DELETED) {
        deleted++;
      } else if (op.flags & GIN_DATA) {
        dataPages++;
      } else if (!(op.flags & GIN_LIST)) {
        entryPages++;
        if (op.flags & GIN_LEAF) entries += BigInt(Page.wrap(page).maxOffsetNumber);
      }
    }
    if (free > 0) this.fsm.vacuum(this.rel);
    const w = new Work(this);
    try {
      const metaPage = w.page(GIN_METAPAGE_BLKNO);
      const meta = readMeta(metaPage);
      writeMeta(metaPage, {
        ...meta,
        nTotalPages: nblocks,
        nEntryPages: entryPages,
        nDataPages: dataPages,
        nEntries: entries,
      });
      w.touch(GIN_METAPAGE_BLKNO);
    } finally {
      w.finish(XLOG_GIN_UPDATE_META_PAGE);
    }
    result.numPages = nblocks;
    result.pagesFree = free;
    result.pagesDeleted = deleted;
    return result;
  }

  // ------------------------------------------------------------------- scan

  /** The TIDs of one entry, or of every entry of `attnum` matching `pred`. */
  private lookup(key: EntryKey, read: (b: number) => Uint8Array): Tid[] {
    let block = GIN_ROOT_BLKNO;
    for (;;) {
      const page = read(block);
      const tuples = this.tuples(page);
      if (readOpaque(page).flags & GIN_LEAF) {
        for (const t of tuples) {
          const e = this.parse(t, true);
          const c = this.compareEntries(e, key);
          if (c === 0)
            return e.block === INVALID_BLOCK ? [...e.tids] : this.readPostingTree(e.block, read);
          if (c > 0) return [];
        }
        return [];
      }
      block = this.parse(tuples[this.chooseChild(tuples, key)]!, false).block;
    }
  }

  private scanColumn(
    attnum: number,
    pred: (c: GinCategory) => boolean,
    read: (b: number) => Uint8Array,
  ): Tid[] {
    let out: Tid[] = [];
    for (const block of this.leafBlocks(read)) {
      for (const t of this.tuples(read(block))) {
        const e = this.parse(t, true);
        if (e.attnum !== attnum || !pred(e.category)) continue;
        out = mergeTids(
          out,
          e.block === INVALID_BLOCK ? e.tids : this.readPostingTree(e.block, read),
        );
      }
    }
    return out;
  }

  /**
   * gingetbitmap: every TID satisfying all the queries, with whether the
   * heap tuple must be rechecked. Each query's keys are looked up, then the
   * opclass's consistent function decides for each candidate TID.
   */
  search(queries: readonly GinQuery[]): IndexScanResult[] {
    const cache = new Map<number, Uint8Array>();
    const read = (b: number) => {
      let p = cache.get(b);
      if (!p) {
        p = this.readCopy(b);
        cache.set(b, p);
      }
      return p;
    };
    const prepared = queries.map((q) => {
      const oc = this.opclasses[q.attno - 1];
      if (!oc) throw new Error(`gin: no column ${q.attno}`);
      const { keys, searchMode } = oc.extractQuery(q.query, q.strategy) as {
        keys: readonly unknown[];
        searchMode: SearchMode;
      };
      return { q, oc, keys, searchMode };
    });
    let result: Map<number, IndexScanResult> | null = null;
    for (const { q, oc, keys, searchMode } of prepared) {
      const lists = keys.map((k) =>
        this.lookup(
          k === null
            ? { attnum: q.attno, category: GIN_CAT_NULL_KEY, key: new Uint8Array(0) }
            : { attnum: q.attno, category: GIN_CAT_NORM_KEY, key: oc.encodeKey(k) },
          read,
        ),
      );
      let candidates: Tid[] = [];
      for (const l of lists) candidates = mergeTids(candidates, l);
      if (searchMode === 'include-empty') {
        candidates = mergeTids(
          candidates,
          this.lookup(
            { attnum: q.attno, category: GIN_CAT_EMPTY_ITEM, key: new Uint8Array(0) },
            read,
          ),
        );
      } else if (searchMode === 'all') {
        candidates = this.scanColumn(q.attno, (c) => c !== GIN_CAT_NULL_ITEM, read);
      }
      const sets = lists.map((l) => new Set(l.map(tidKey)));
      const matched = new Map<number, IndexScanResult>();
      for (const tid of candidates) {
        const k = tidKey(tid);
        const check = sets.map((s) => s.has(k));
        const r = oc.consistent(check, q.strategy, q.query, keys);
        if (r.match) matched.set(k, { tid, recheck: r.recheck });
      }
      if (result === null) result = matched;
      else {
        const next = new Map<number, IndexScanResult>();
        for (const [k, r] of result) {
          const other = matched.get(k);
          if (other) next.set(k, { tid: r.tid, recheck: r.recheck || other.recheck });
        }
        result = next;
      }
    }
    if (result === null) {
      throw new SqlError('0A000', 'GIN full-index scans without a condition are not supported yet');
    }
    // scanPendingInsert: the pending rows, each judged on its own entries.
    for (const row of this.pendingRows(read)) {
      let match = true;
      let recheck = false;
      for (const { q, oc, keys, searchMode } of prepared) {
        const mine = row.entries.filter((e) => e.attnum === q.attno);
        const check = keys.map((k) =>
          mine.some((e) =>
            k === null
              ? e.category === GIN_CAT_NULL_KEY
              : e.category === GIN_CAT_NORM_KEY && oc.compare(k, oc.decodeKey(e.key)) === 0,
          ),
        );
        // collectMatchesForHeapRow: some entry of the key must match (the
        // empty-item entry for include-empty, any non-null item for all).
        const candidate =
          check.some((c) => c) ||
          (searchMode === 'include-empty' && mine.some((e) => e.category === GIN_CAT_EMPTY_ITEM)) ||
          (searchMode === 'all' && mine.some((e) => e.category !== GIN_CAT_NULL_ITEM));
        const r = candidate ? oc.consistent(check, q.strategy, q.query, keys) : null;
        if (!r?.match) {
          match = false;
          break;
        }
        recheck ||= r.recheck;
      }
      if (!match) continue;
      const k = tidKey(row.tid);
      const prior = result.get(k);
      result.set(k, { tid: row.tid, recheck: recheck || (prior?.recheck ?? false) });
    }
    return [...result.values()].sort((a, b) => compareTids(a.tid, b.tid));
  }

  beginScan(): IndexScan {
    let results: IndexScanResult[] = [];
    let pos = 0;
    let mark = 0;
    return {
      rescan: (keys: readonly ScanKey[]) => {
        results = this.search(
          keys.map((k) => ({ attno: k.attno, strategy: k.strategy, query: k.argument })),
        );
        pos = 0;
      },
      next: () => results[pos++] ?? null,
      getBitmap: (bitmap: TidBitmap) => {
        for (const r of results) bitmap.add([r.tid], r.recheck);
        return results.length;
      },
      killPrior: () => {},
      markPosition: () => {
        mark = pos;
      },
      restorePosition: () => {
        pos = mark;
      },
      end: () => {
        results = [];
      },
    };
  }

  canReturn(): boolean {
    return false;
  }

  /** gincostestimate, much reduced: every index page may be read, and every selected tuple. */
  costEstimate(input: IndexCostInput): IndexCost {
    const pages = Math.max(
      1,
      Math.ceil(input.indexPages * Math.min(1, input.selectivity * 4 + 0.01)),
    );
    const tuples = input.selectivity * input.indexTuples;
    const startupCost = pages * input.randomPageCost + tuples * input.cpuIndexTupleCost;
    return {
      startupCost,
      totalCost: startupCost + tuples * input.cpuOperatorCost,
      selectivity: input.selectivity,
      correlation: 0,
      pages,
    };
  }

  // ------------------------------------------------------------------ debug

  /** Every (entry, TIDs) in index order, for tests and checks. */
  dump(): { attnum: number; category: GinCategory; key: Uint8Array; tids: Tid[] }[] {
    const read = (b: number) => this.readCopy(b);
    const out: { attnum: number; category: GinCategory; key: Uint8Array; tids: Tid[] }[] = [];
    for (const block of this.leafBlocks(read)) {
      for (const t of this.tuples(read(block))) {
        const e = this.parse(t, true);
        out.push({
          attnum: e.attnum,
          category: e.category,
          key: e.key,
          tids: e.block === INVALID_BLOCK ? [...e.tids] : this.readPostingTree(e.block, read),
        });
      }
    }
    return out;
  }

  /** Structural checks: entries strictly ascending across leaves, TIDs ascending, meta version. */
  check(): string[] {
    const problems: string[] = [];
    const meta = readMeta(this.readCopy(GIN_METAPAGE_BLKNO));
    if (meta.version !== 2) problems.push(`metapage version ${meta.version}`);
    const all = this.dump();
    for (let i = 1; i < all.length; i++) {
      if (this.compareEntries(all[i - 1]!, all[i]!) >= 0)
        problems.push(`entries ${i - 1} and ${i} out of order`);
    }
    for (const e of all) {
      for (let i = 1; i < e.tids.length; i++) {
        if (compareTids(e.tids[i - 1]!, e.tids[i]!) >= 0)
          problems.push('posting list out of order');
      }
    }
    if (BigInt(all.length) !== meta.nEntries)
      problems.push(`nEntries ${meta.nEntries} but ${all.length} entries`);
    problems.push(...this.checkPending(meta));
    problems.push(...this.checkPostingTrees());
    return problems;
  }

  /** Every posting-tree page reachable from an entry is live, with its kind's flags. */
  private checkPostingTrees(): string[] {
    const problems: string[] = [];
    const read = (b: number) => this.readCopy(b);
    const visit = (block: number) => {
      const op = readOpaque(read(block));
      if (op.flags & GIN_DELETED || !(op.flags & GIN_DATA))
        problems.push(`posting-tree page ${block} has flags ${op.flags}`);
      if (!(op.flags & GIN_LEAF)) for (const it of readDataInternal(read(block))) visit(it.child);
    };
    for (const block of this.leafBlocks(read)) {
      for (const t of this.tuples(read(block))) {
        const e = this.parse(t, true);
        if (e.block !== INVALID_BLOCK) visit(e.block);
      }
    }
    return problems;
  }

  /** The pending list's invariants (README, "The pending list"). */
  private checkPending(meta: GinMetaPage): string[] {
    const problems: string[] = [];
    const read = (b: number) => this.readCopy(b);
    if (meta.head === INVALID_BLOCK) {
      if (
        meta.tail !== INVALID_BLOCK ||
        meta.nPendingPages !== 0 ||
        meta.nPendingHeapTuples !== 0n ||
        meta.tailFreeSize !== 0
      )
        problems.push('empty pending list with non-empty metapage fields');
      return problems;
    }
    const blocks = this.pendingBlocks(read);
    if (blocks[blocks.length - 1] !== meta.tail) problems.push('pending tail is not the last page');
    if (blocks.length !== meta.nPendingPages)
      problems.push(`nPendingPages ${meta.nPendingPages} but ${blocks.length} pages`);
    let heapTuples = 0n;
    for (const b of blocks) {
      const op = readOpaque(read(b));
      if ((op.flags & (GIN_LIST | GIN_DELETED)) !== GIN_LIST)
        problems.push(`page ${b} not a list page`);
      if (op.maxoff > 0 !== ((op.flags & GIN_LIST_FULLROW) !== 0))
        problems.push(`list page ${b}: maxoff ${op.maxoff} with flags ${op.flags}`);
      heapTuples += BigInt(op.maxoff);
    }
    if (!(readOpaque(read(meta.tail)).flags & GIN_LIST_FULLROW))
      problems.push('tail without a full row');
    if (heapTuples !== meta.nPendingHeapTuples)
      problems.push(`nPendingHeapTuples ${meta.nPendingHeapTuples} but pages count ${heapTuples}`);
    const rows = this.pendingRows(read);
    if (BigInt(rows.length) !== meta.nPendingHeapTuples)
      problems.push(`nPendingHeapTuples ${meta.nPendingHeapTuples} but ${rows.length} rows`);
    if (new Set(rows.map((r) => tidKey(r.tid))).size !== rows.length)
      problems.push('a heap row split into several runs');
    if (Page.wrap(read(meta.tail)).exactFreeSpace() !== meta.tailFreeSize)
      problems.push("tailFreeSize is not the tail page's free space");
    return problems;
  }
}
