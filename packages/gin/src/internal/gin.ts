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
  logNewPages,
  type RelFileLocator,
  type XLogInserter,
} from '@pg/storage';
import { SqlError } from '@pg/types';
import {
  BLCKSZ,
  compressPostingList,
  compressPostingNumbers,
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
  GIN_MAX_ITEM_SIZE,
  GIN_META,
  GIN_METAPAGE_BLKNO,
  GIN_ROOT_BLKNO,
  GIN_SEGMENT_MAX_SIZE,
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
  readDataLeafNumbers,
  readDeleteXid,
  readItemPointer,
  readMeta,
  readOpaque,
  readRightBound,
  SIZE_OF_GIN_OPAQUE,
  tidToU64,
  u64ToTid,
  writeDataInternal,
  writeDataLeaf,
  writeDataLeafSegments,
  writeDeleteXid,
  writeItemPointer,
  writeMeta,
  writeOpaque,
} from './layout.js';
import type { GinOpClass, SearchMode, Ternary } from './opclass.js';
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
   * maintenance_work_mem in kB (default 65536, 64MB): how much the build
   * accumulates (keys and their TIDs) before writing it to the tree.
   */
  readonly maintenanceWorkMem?: number;
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

/** Pages per full-page-image record at the end of a bulk build. */
const LOG_NEWPAGE_BATCH = 8;

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

  /**
   * A new page, written by `write` at once. During a build (which logs
   * every page at its end) the page is released right away, so a posting
   * tree of any size never holds more than one buffer; otherwise it is
   * held and logged with the operation.
   */
  fresh(write: (page: Uint8Array) => void): number {
    const block = this.reserve();
    this.writeAt(block, write);
    return block;
  }

  /** A new block, to be written later by writeAt (during a build: not held meanwhile). */
  reserve(): number {
    if (!this.gin.building) return this.newBlock();
    const pool = this.gin.pool;
    const buffer = pool.extend(this.gin.rel, main);
    const block = pool.blockNumber(buffer);
    pool.release(buffer);
    return block;
  }

  /** Writes a block this operation reserved. */
  writeAt(block: number, write: (page: Uint8Array) => void): void {
    if (this.gin.building) {
      const pool = this.gin.pool;
      const buffer = pool.readBuffer(this.gin.rel, main, block);
      pool.lock(buffer, 'exclusive');
      write(pool.bytes(buffer));
      pool.markDirty(buffer);
      pool.unlockRelease(buffer);
      return;
    }
    write(this.page(block));
    this.touch(block);
  }

  finish(info: number): void {
    const pool = this.gin.pool;
    const changed = [...this.dirty].sort((a, b) => a - b).map((b) => this.held.get(b)!);
    if (changed.length > 0) {
      // A build logs nothing until its end (logBuiltIndex).
      if (this.gin.inserter && !this.gin.building) {
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
  // Start near the answer: fewer pieces than 90% of the whole list's
  // compressed size over a page's capacity cannot fit (each piece costs
  // at least its share of the deltas).
  const total = compressPostingList(all, GIN_SEGMENT_MAX_SIZE).reduce(
    (n, s) => n + s.bytes.length,
    0,
  );
  const start = Math.max(2, Math.floor((total * 0.9) / ginLimits.maxLeafDataSize));
  for (let n = start; ; n++) {
    const size = Math.ceil(all.length / n);
    const chunks: Tid[][] = [];
    for (let i = 0; i < all.length; i += size) chunks.push(all.slice(i, i + size));
    // Each chunk compressed once: checked against a page's capacity, then written as is.
    const segs = chunks.map((c) => compressPostingList(c, GIN_SEGMENT_MAX_SIZE));
    const fits = (ss: readonly { bytes: Uint8Array }[]) =>
      ss.reduce((n, x) => n + x.bytes.length, 0) <= ginLimits.maxLeafDataSize;
    if (!segs.every(fits)) continue;
    return chunks.map((c, i) => {
      const key = i === chunks.length - 1 ? bound : c[c.length - 1]!;
      return {
        key,
        write: (page, rightlink) => writeDataLeafSegments(page, segs[i]!, rightlink, key),
      };
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

/** TIDs as numbers (block << 11 | offset, exact in a double), as the accumulator keeps them. */
const TID_SPAN = 2048;

/** One accumulated entry: its key and its TIDs in arrival order (GinEntryAccumulator). */
interface Accumulated {
  readonly key: EntryKey;
  /** The opclass's key value, for sorting; null for a non-normal category. */
  readonly value: unknown;
  tids: number[];
  sorted: boolean;
}

/**
 * BuildAccumulator (ginbulk.c): the keys seen so far, each with its TIDs.
 * Keys are found by a map per column and category (a string or number key
 * as itself, any other key by its stored bytes), and `bytes` estimates the
 * memory held (PostgreSQL counts its accumulator entries and TID arrays).
 */
class BuildAccumulator {
  bytes = 0;
  private readonly maps: Map<unknown, Accumulated>[][];

  constructor(
    // biome-ignore lint/suspicious/noExplicitAny: operator classes differ in their types
    private readonly opclasses: readonly GinOpClass<any, any, any>[],
  ) {
    this.maps = opclasses.map(() => [new Map(), new Map(), new Map(), new Map()]);
  }

  /** ginHeapTupleBulkInsert: a row's keys (ginExtractEntries) each get its TID. */
  add(values: readonly unknown[], tid: Tid): void {
    const n = tid.block * TID_SPAN + tid.offset;
    for (let i = 0; i < this.opclasses.length; i++) {
      const oc = this.opclasses[i]!;
      const v = values[i];
      if (v === null || v === undefined) {
        this.push(i, GIN_CAT_NULL_ITEM, 0, null, n);
        continue;
      }
      const keys = oc.extractValue(v);
      if (keys.length === 0) this.push(i, GIN_CAT_EMPTY_ITEM, 0, null, n);
      for (const k of keys) {
        if (k === null) this.push(i, GIN_CAT_NULL_KEY, 0, null, n);
        else this.push(i, GIN_CAT_NORM_KEY, mapKey(oc, k), k, n);
      }
    }
  }

  private push(col: number, category: GinCategory, id: unknown, value: unknown, tid: number) {
    const map = this.maps[col]![category]!;
    const a = map.get(id);
    if (a === undefined) {
      const key: EntryKey = {
        attnum: col + 1,
        category,
        key: category === GIN_CAT_NORM_KEY ? this.opclasses[col]!.encodeKey(value) : EMPTY_KEY,
      };
      map.set(id, { key, value, tids: [tid], sorted: true });
      this.bytes += 96 + key.key.length;
      return;
    }
    const last = a.tids[a.tids.length - 1]!;
    if (tid === last) return; // the same key twice in one row
    if (tid < last) a.sorted = false;
    a.tids.push(tid);
    this.bytes += 8;
  }

  /**
   * Every entry in key order with its sorted, distinct TIDs (keys that
   * compare equal under different bytes merged), and the accumulator
   * emptied.
   */
  drain(compare: (a: EntryKey, b: EntryKey) => number): { key: EntryKey; tids: NumTids }[] {
    const all: Accumulated[] = [];
    for (const col of this.maps) for (const m of col) for (const a of m.values()) all.push(a);
    for (const col of this.maps) for (const m of col) m.clear();
    this.bytes = 0;
    all.sort((a, b) => {
      if (a.key.attnum !== b.key.attnum) return a.key.attnum - b.key.attnum;
      if (a.key.category !== b.key.category) return a.key.category - b.key.category;
      if (a.key.category !== GIN_CAT_NORM_KEY) return 0;
      return this.opclasses[a.key.attnum - 1]!.compare(a.value, b.value);
    });
    const out: { key: EntryKey; tids: NumTids }[] = [];
    let prev: Accumulated | null = null;
    for (const a of all) {
      if (prev !== null && compare(prev.key, a.key) === 0) {
        prev.tids = prev.tids.concat(a.tids);
        prev.sorted = false;
        continue;
      }
      if (prev !== null) out.push({ key: prev.key, tids: toTids(prev) });
      prev = a;
    }
    if (prev !== null) out.push({ key: prev.key, tids: toTids(prev) });
    return out;
  }
}

const EMPTY_KEY = new Uint8Array(0);

/** Sorted union of two ascending number lists without duplicates. */
function unionNumbers(a: readonly number[], b: readonly number[]): number[] {
  if (a.length === 0) return [...b];
  if (b.length === 0) return [...a];
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out.push(x);
      i++;
    } else if (y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** Intersection of two ascending number lists. */
function intersectNumbers(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) i++;
    else if (y < x) j++;
    else {
      out.push(x);
      i++;
      j++;
    }
  }
  return out;
}

/** The accumulator's map key of a normal key: a string or number as itself, else its bytes as a string. */
// biome-ignore lint/suspicious/noExplicitAny: operator classes differ in their types
function mapKey(oc: GinOpClass<any, any, any>, k: unknown): unknown {
  if (typeof k === 'string' || typeof k === 'number') return k;
  if (k instanceof Uint8Array) {
    // The same array often comes again (jsonb_ops caches its keys): its string once.
    let s = keyIds.get(k);
    if (s === undefined) {
      s = bytesId(k);
      keyIds.set(k, s);
    }
    return s;
  }
  return bytesId(oc.encodeKey(k));
}

const keyIds = new WeakMap<Uint8Array, string>();

function bytesId(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** An entry's TIDs sorted, without duplicates. */
function toTids(a: Accumulated): NumTids {
  if (a.sorted) return new NumTids(a.tids); // ascending and distinct as pushed
  const nums = Float64Array.from(a.tids).sort();
  let n = 0;
  for (let i = 0; i < nums.length; i++)
    if (i === 0 || nums[i] !== nums[n - 1]) nums[n++] = nums[i]!;
  return new NumTids(nums.subarray(0, n));
}

/**
 * Sorted distinct TIDs as itemptr_to_uint64 numbers (block << 11 | offset),
 * as the build accumulates them; Tid objects made only when asked.
 */
class NumTids {
  constructor(readonly nums: ArrayLike<number>) {}
  get length(): number {
    return this.nums.length;
  }
  tids(): Tid[] {
    const out: Tid[] = new Array(this.nums.length);
    for (let i = 0; i < this.nums.length; i++) out[i] = u64ToTid(this.nums[i]!);
    return out;
  }
}

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
  /** maintenance_work_mem, kB. */
  readonly maintenanceWorkMem: number;
  /** @internal True while build() runs: operations mark pages dirty without WAL (logBuiltIndex logs them all). */
  building = false;
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
    this.maintenanceWorkMem = options.maintenanceWorkMem ?? 65536;
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
  private entryInsert(w: Work, key: EntryKey, source: readonly Tid[] | NumTids): void {
    // Tid objects only where needed (a new entry's long list goes to createPostingTree as numbers).
    const list = () => (source instanceof NumTids ? source.tids() : source);
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
      // leaf = false: the key alone, without decoding the posting list
      if (this.compareEntries(this.parse(items[mid]!, false), key) < 0) pos = mid + 1;
      else hi = mid;
    }
    const existing = pos < items.length ? this.parse(items[pos]!, true) : null;
    let tuple: Uint8Array;
    if (existing && this.compareEntries(existing, key) === 0) {
      if (existing.block !== INVALID_BLOCK) {
        this.postingTreeInsert(w, existing.block, list());
        return;
      }
      const tids = mergeTids(existing.tids, list());
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
      tuple = this.leafTuple(w, key, source);
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
  private leafTuple(w: Work, key: EntryKey, source: readonly Tid[] | NumTids): Uint8Array {
    const e = { ...key, tids: [] as readonly Tid[], block: INVALID_BLOCK };
    // Every TID after the first takes at least a byte: a longer list cannot fit GinMaxItemSize.
    if (source.length <= GIN_MAX_ITEM_SIZE) {
      const t = this.form({ ...e, tids: source instanceof NumTids ? source.tids() : source }, true);
      if (t) return t;
    }
    // The key alone must fit before any page changes.
    if (!this.form({ ...e, tids: [], block: 0 }, true)) {
      throw new SqlError('54000', `index row size exceeds maximum 2712 for index "${this.name}"`);
    }
    const root = this.createPostingTree(
      w,
      source instanceof NumTids ? source.nums : Float64Array.from(source, tidToU64),
    );
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

  /**
   * createPostingTree, for a list of any length at once: the TIDs
   * compressed into segments once, the segments packed into full leaves
   * left to right, then as many internal levels as needed, each page
   * written once (not TID by TID). The root's block comes first (as
   * PostgreSQL's) and is written last; it is the only leaf when
   * everything fits one page.
   */
  private createPostingTree(w: Work, tids: ArrayLike<number>): number {
    this.stats.postingTrees++;
    const root = w.reserve();
    const segs = compressPostingNumbers(tids, GIN_SEGMENT_MAX_SIZE);
    // Leaves: consecutive segments up to a page's capacity.
    const leaves: { segs: { bytes: Uint8Array; count: number }[]; last: Tid }[] = [];
    let cur: { bytes: Uint8Array; count: number }[] = [];
    let size = 0;
    let seen = 0;
    for (const seg of segs) {
      if (cur.length > 0 && size + seg.bytes.length > ginLimits.maxLeafDataSize) {
        leaves.push({ segs: cur, last: u64ToTid(tids[seen - 1]!) });
        cur = [];
        size = 0;
      }
      cur.push(seg);
      size += seg.bytes.length;
      seen += seg.count;
    }
    leaves.push({ segs: cur, last: NO_BOUND });
    let pages = 0;
    if (leaves.length === 1) {
      w.writeAt(root, (page) => writeDataLeafSegments(page, cur, INVALID_BLOCK, NO_BOUND));
      this.bumpPages(w, 0, 1);
      return root;
    }
    // Written right to left, so each page knows its right sibling's block.
    let items: { child: number; key: Tid }[] = [];
    let right = INVALID_BLOCK;
    for (let i = leaves.length - 1; i >= 0; i--) {
      const leaf = leaves[i]!;
      const rightlink = right;
      right = w.fresh((page) => writeDataLeafSegments(page, leaf.segs, rightlink, leaf.last));
      items.push({ child: right, key: leaf.last });
      pages++;
    }
    items.reverse();
    while (items.length > ginLimits.maxPostingItems) {
      const n = Math.ceil(items.length / ginLimits.maxPostingItems);
      const per = Math.ceil(items.length / n);
      const chunks: { child: number; key: Tid }[][] = [];
      for (let i = 0; i < items.length; i += per) chunks.push(items.slice(i, i + per));
      const up: { child: number; key: Tid }[] = [];
      right = INVALID_BLOCK;
      for (let i = chunks.length - 1; i >= 0; i--) {
        const chunk = chunks[i]!;
        const bound = i === chunks.length - 1 ? NO_BOUND : chunk[chunk.length - 1]!.key;
        const rightlink = right;
        right = w.fresh((page) => writeDataInternal(page, chunk, rightlink, bound));
        up.push({ child: right, key: bound });
        pages++;
      }
      items = up.reverse();
    }
    const top = items;
    w.writeAt(root, (page) => writeDataInternal(page, top));
    this.bumpPages(w, 0, pages + 1);
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
    // The TIDs ascend, so each child's share is one slice of them.
    const byChild = new Map<number, readonly Tid[]>();
    let i = 0;
    let from = 0;
    for (let j = 0; j < tids.length; j++) {
      const tid = tids[j]!;
      if (i < items.length - 1 && compareTids(items[i]!.key, tid) < 0) {
        if (j > from) byChild.set(i, tids.slice(from, j));
        from = j;
        while (i < items.length - 1 && compareTids(items[i]!.key, tid) < 0) i++;
      }
    }
    if (tids.length > from) byChild.set(i, tids.slice(from));
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

  /**
   * ginbuild (gininsert.c, ginbulk.c): one pass over the heap's rows, each
   * row's keys accumulated in memory with their TIDs (BuildAccumulator);
   * whenever the accumulated keys and TIDs outgrow maintenance_work_mem,
   * and at the end, the keys are written to the entry tree in key order,
   * each with its whole sorted TID list (ginEntryInsert: a posting list, or
   * a posting tree written page by page at once). Nothing is WAL-logged
   * while the index is built; its end logs every page of the index as a
   * full-page image (log_newpage_range), 8 a record. Never uses the
   * pending list. `maintenanceWorkMem` (kB) overrides the index's option.
   */
  build(
    tuples: Iterable<IndexBuildTuple>,
    options: { readonly maintenanceWorkMem?: number } = {},
  ): IndexBuildResult {
    const meta = readMeta(this.readCopy(GIN_METAPAGE_BLKNO));
    if (meta.nEntries !== 0n || meta.head !== INVALID_BLOCK)
      throw new Error(`index "${this.name}" already contains data`);
    const limit = (options.maintenanceWorkMem ?? this.maintenanceWorkMem) * 1024;
    let heapTuples = 0;
    let indexTuples = 0;
    const acc = new BuildAccumulator(this.opclasses);
    this.building = true;
    try {
      for (const t of tuples) {
        heapTuples++;
        if (t.alive === false) continue;
        acc.add(t.values, t.tid);
        indexTuples++;
        if (acc.bytes > limit) this.flushAccumulator(acc);
      }
      this.flushAccumulator(acc);
    } finally {
      this.building = false;
    }
    this.logBuiltIndex();
    return { heapTuples, indexTuples };
  }

  /** Writes what the accumulator holds to the entry tree, keys in order (ginBuildCallback's flush). */
  private flushAccumulator(acc: BuildAccumulator): void {
    for (const { key, tids } of acc.drain((a, b) => this.compareEntries(a, b))) {
      const w = new Work(this);
      try {
        this.entryInsert(w, key, tids);
      } finally {
        w.finish(XLOG_GIN_INSERT);
      }
    }
  }

  /**
   * log_newpage_range: every page of the index as a full-page image,
   * LOG_NEWPAGE_BATCH pages a record (PostgreSQL: 32; fewer here, so a
   * small buffer pool has the pins to spare).
   */
  private logBuiltIndex(): void {
    const n = this.nblocks();
    for (let start = 0; start < n; start += LOG_NEWPAGE_BATCH) {
      const buffers: number[] = [];
      try {
        for (let b = start; b < Math.min(n, start + LOG_NEWPAGE_BATCH); b++) {
          const buffer = this.pool.readBuffer(this.rel, main, b);
          buffers.push(buffer);
          this.pool.lock(buffer, 'exclusive');
        }
        if (this.inserter) logNewPages(this.inserter, buffers);
        else for (const b of buffers) this.pool.markDirty(b);
      } finally {
        for (const b of buffers) this.pool.unlockRelease(b);
      }
    }
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

  /** The TIDs of one entry, ascending, as itemptr_to_uint64 numbers (empty when there is no such entry). */
  private lookup(key: EntryKey, read: (b: number) => Uint8Array): number[] {
    let block = GIN_ROOT_BLKNO;
    for (;;) {
      const page = read(block);
      const tuples = this.views(page);
      if (readOpaque(page).flags & GIN_LEAF) {
        // The first entry >= key (its key alone), then its TIDs.
        let lo = 0;
        let hi = tuples.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (this.compareEntries(this.parse(tuples[mid]!, false), key) < 0) lo = mid + 1;
          else hi = mid;
        }
        if (lo >= tuples.length) return [];
        const e = this.parse(tuples[lo]!, true);
        if (this.compareEntries(e, key) !== 0) return [];
        return this.entryNumbers(e, read);
      }
      block = this.parse(tuples[this.chooseChild(tuples, key)]!, false).block;
    }
  }

  /** A leaf entry's TIDs (its posting list or posting tree) as numbers. */
  private entryNumbers(e: EntryTuple, read: (b: number) => Uint8Array): number[] {
    if (e.block === INVALID_BLOCK) return e.tids.map(tidToU64);
    const out: number[] = [];
    for (const b of this.postingLeaves(e.block, read)) readDataLeafNumbers(read(b), out);
    return out;
  }

  private scanColumn(
    attnum: number,
    pred: (c: GinCategory) => boolean,
    read: (b: number) => Uint8Array,
  ): number[] {
    let out: number[] = [];
    for (const block of this.leafBlocks(read)) {
      for (const t of this.views(read(block))) {
        const e = this.parse(t, true);
        if (e.attnum !== attnum || !pred(e.category)) continue;
        out = unionNumbers(out, this.entryNumbers(e, read));
      }
    }
    return out;
  }

  /**
   * The keys every match must hold (ginscan.c's required entries): those
   * whose absence alone, the others unknown, makes triConsistent false.
   * Candidates are then the intersection of their TID lists, not the union
   * of all (for jsonb @>, every key is required).
   */
  private requiredKeys(
    // biome-ignore lint/suspicious/noExplicitAny: operator classes differ in their types
    oc: GinOpClass<any, any, any>,
    q: GinQuery,
    keys: readonly unknown[],
  ): number[] {
    const tri = oc.triConsistent;
    if (!tri || keys.length === 0 || keys.length > 64) return [];
    const out: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const check = keys.map((_, j): Ternary => (j === i ? 'false' : 'maybe'));
      if (tri.call(oc, check, q.strategy, q.query, keys) === 'false') out.push(i);
    }
    return out;
  }

  /**
   * gingetbitmap: every TID satisfying all the queries, with whether the
   * heap tuple must be rechecked. Each query's keys are looked up, then the
   * opclass's consistent function decides for each candidate TID: those of
   * the required keys' lists intersected, or of all lists united (plus
   * the empty items for include-empty; every entry of the column for all).
   * TIDs are itemptr_to_uint64 numbers until the end.
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
    let result: Map<number, { n: number; recheck: boolean }> | null = null;
    for (const { q, oc, keys, searchMode } of prepared) {
      const lists = keys.map((k) =>
        this.lookup(
          k === null
            ? { attnum: q.attno, category: GIN_CAT_NULL_KEY, key: new Uint8Array(0) }
            : { attnum: q.attno, category: GIN_CAT_NORM_KEY, key: oc.encodeKey(k) },
          read,
        ),
      );
      let candidates: number[];
      const required = searchMode === 'default' ? this.requiredKeys(oc, q, keys) : [];
      if (searchMode === 'all') {
        candidates = this.scanColumn(q.attno, (c) => c !== GIN_CAT_NULL_ITEM, read);
      } else if (required.length > 0) {
        const byLength = required.map((i) => lists[i]!).sort((a, b) => a.length - b.length);
        candidates = byLength[0]!;
        for (let i = 1; i < byLength.length; i++)
          candidates = intersectNumbers(candidates, byLength[i]!);
      } else {
        candidates = [];
        for (const l of lists) candidates = unionNumbers(candidates, l);
        if (searchMode === 'include-empty') {
          candidates = unionNumbers(
            candidates,
            this.lookup(
              { attnum: q.attno, category: GIN_CAT_EMPTY_ITEM, key: new Uint8Array(0) },
              read,
            ),
          );
        }
      }
      // check[i]: key i's list holds the candidate (a cursor per list: both ascend).
      const pos = lists.map(() => 0);
      const matched = new Map<number, { n: number; recheck: boolean }>();
      for (const n of candidates) {
        const check = lists.map((l, i) => {
          let p = pos[i]!;
          while (p < l.length && l[p]! < n) p++;
          pos[i] = p;
          return l[p] === n;
        });
        const r = oc.consistent(check, q.strategy, q.query, keys);
        if (r.match) matched.set(n, { n, recheck: r.recheck });
      }
      if (result === null) result = matched;
      else {
        const next = new Map<number, { n: number; recheck: boolean }>();
        for (const [k, r] of result) {
          const other = matched.get(k);
          if (other) next.set(k, { n: k, recheck: r.recheck || other.recheck });
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
      const k = tidToU64(row.tid);
      const prior = result.get(k);
      result.set(k, { n: k, recheck: recheck || (prior?.recheck ?? false) });
    }
    return [...result.values()]
      .sort((a, b) => a.n - b.n)
      .map((r) => ({ tid: u64ToTid(r.n), recheck: r.recheck }));
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
