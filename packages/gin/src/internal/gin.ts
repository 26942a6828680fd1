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
  GIN_LEAF,
  GIN_META,
  GIN_METAPAGE_BLKNO,
  GIN_ROOT_BLKNO,
  type GinCategory,
  INVALID_BLOCK,
  initGinPage,
  maxAlign,
  mergeTids,
  parseEntryTuple,
  readDataInternal,
  readDataLeaf,
  readMeta,
  readOpaque,
  SIZE_OF_GIN_OPAQUE,
  writeDataInternal,
  writeDataLeaf,
  writeMeta,
  writeOpaque,
} from './layout.js';
import type { GinOpClass, SearchMode } from './opclass.js';
import {
  imageData,
  RM_GIN_ID,
  XLOG_GIN_INSERT,
  XLOG_GIN_SPLIT,
  XLOG_GIN_UPDATE_META_PAGE,
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
}

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

  /** A new block at the end of the relation (GinNewBuffer without the FSM). */
  newBlock(): number {
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
  readonly stats = { entrySplits: 0, postingTrees: 0, postingSplits: 0 };

  constructor(options: GinOptions) {
    if (options.opclasses.length === 0) throw new Error('a GIN index needs at least one column');
    this.pool = options.pool;
    this.rel = options.rel;
    this.name = options.name ?? 'gin_index';
    this.opclasses = options.opclasses;
    this.inserter = options.inserter;
    this.oneCol = options.opclasses.length === 1;
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

  /** Inserts one TID under one entry (ginEntryInsert). */
  private entryInsert(w: Work, key: EntryKey, tid: Tid): void {
    const stack: { block: number; index: number }[] = [];
    let block = GIN_ROOT_BLKNO;
    for (;;) {
      const page = w.page(block);
      if (readOpaque(page).flags & GIN_LEAF) break;
      const tuples = this.tuples(page);
      const index = this.chooseChild(tuples, key);
      stack.push({ block, index });
      block = this.parse(tuples[index]!, false).block;
    }
    const page = w.page(block);
    const tuples = this.tuples(page);
    let pos = 0;
    while (pos < tuples.length && this.compareEntries(this.parse(tuples[pos]!, true), key) < 0)
      pos++;
    const existing = pos < tuples.length ? this.parse(tuples[pos]!, true) : null;
    let tuple: Uint8Array;
    if (existing && this.compareEntries(existing, key) === 0) {
      if (existing.block !== INVALID_BLOCK) {
        this.postingTreeInsert(w, existing.block, [tid]);
        return;
      }
      const tids = mergeTids(existing.tids, [tid]);
      if (tids.length === existing.tids.length) return;
      tuple = this.leafTuple(w, key, tids);
      tuples[pos] = tuple;
    } else {
      tuple = this.leafTuple(w, key, [tid]);
      tuples.splice(pos, 0, tuple);
      const metaPage = w.page(GIN_METAPAGE_BLKNO);
      const meta = readMeta(metaPage);
      writeMeta(metaPage, { ...meta, nEntries: meta.nEntries + 1n });
      w.touch(GIN_METAPAGE_BLKNO);
    }
    this.placeEntries(w, block, tuples, stack, true);
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

  /** createPostingTree: a data leaf holding the TIDs (they fit: they came from one entry tuple). */
  private createPostingTree(w: Work, tids: readonly Tid[]): number {
    this.stats.postingTrees++;
    const root = w.newBlock();
    if (!writeDataLeaf(w.page(root), tids, INVALID_BLOCK, { block: 0, offset: 0 })) {
      throw new Error('gin: posting list does not fit a data page');
    }
    this.bumpPages(w, 0, 1);
    return root;
  }

  /** Adds TIDs to the posting tree at `root` (two levels: a root of PostingItems over linked leaves). */
  private postingTreeInsert(w: Work, root: number, tids: readonly Tid[]): void {
    const rootPage = w.page(root);
    if (readOpaque(rootPage).flags & GIN_LEAF) {
      const all = mergeTids(readDataLeaf(rootPage), tids);
      w.touch(root);
      if (writeDataLeaf(rootPage, all, INVALID_BLOCK, { block: 0, offset: 0 })) return;
      this.stats.postingSplits++;
      w.split = true;
      const half = all.length >> 1;
      const l = w.newBlock();
      const r = w.newBlock();
      writeDataLeaf(w.page(r), all.slice(half), INVALID_BLOCK, { block: 0, offset: 0 });
      writeDataLeaf(w.page(l), all.slice(0, half), r, all[half - 1]!);
      writeDataInternal(rootPage, [
        { child: l, key: all[half - 1]! },
        { child: r, key: { block: 0, offset: 0 } },
      ]);
      this.bumpPages(w, 0, 2);
      return;
    }
    const items = readDataInternal(rootPage);
    // Each TID goes to the first child whose key is >= it (the last for anything beyond).
    const byChild = new Map<number, Tid[]>();
    for (const tid of tids) {
      let i = items.findIndex((it, n) => n === items.length - 1 || compareTids(it.key, tid) >= 0);
      if (i < 0) i = items.length - 1;
      const list = byChild.get(i) ?? [];
      list.push(tid);
      byChild.set(i, list);
    }
    for (const i of [...byChild.keys()].sort((a, b) => b - a)) {
      const item = items[i]!;
      const page = w.page(item.child);
      const op = readOpaque(page);
      const bound = i === items.length - 1 ? { block: 0, offset: 0 } : item.key;
      const all = mergeTids(readDataLeaf(page), byChild.get(i)!);
      w.touch(item.child);
      if (writeDataLeaf(page, all, op.rightlink, bound)) continue;
      this.stats.postingSplits++;
      w.split = true;
      const half = all.length >> 1;
      const r = w.newBlock();
      writeDataLeaf(w.page(r), all.slice(half), op.rightlink, bound);
      writeDataLeaf(page, all.slice(0, half), r, all[half - 1]!);
      items.splice(i, 1, { child: item.child, key: all[half - 1]! }, { child: r, key: item.key });
      this.bumpPages(w, 0, 1);
    }
    w.touch(root);
    if (!writeDataInternal(rootPage, items)) {
      throw new SqlError('0A000', 'posting trees of more than two levels are not supported yet');
    }
  }

  /** Every TID of a posting tree, in order. */
  private readPostingTree(root: number, read: (b: number) => Uint8Array): Tid[] {
    const page = read(root);
    if (readOpaque(page).flags & GIN_LEAF) return readDataLeaf(page);
    return readDataInternal(page).flatMap((it) => readDataLeaf(read(it.child)));
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
      for (const k of keys) {
        out.push(
          k === null
            ? { attnum, category: GIN_CAT_NULL_KEY, key: new Uint8Array(0) }
            : { attnum, category: GIN_CAT_NORM_KEY, key: oc.encodeKey(k) },
        );
      }
    });
    return out;
  }

  insert(values: readonly unknown[], tid: Tid): InsertResult {
    for (const key of this.rowEntries(values)) {
      const w = new Work(this);
      try {
        this.entryInsert(w, key, tid);
      } finally {
        w.finish(XLOG_GIN_INSERT);
      }
    }
    return { kind: 'inserted' };
  }

  build(tuples: Iterable<IndexBuildTuple>): IndexBuildResult {
    let heapTuples = 0;
    let indexTuples = 0;
    for (const t of tuples) {
      heapTuples++;
      if (t.alive === false) continue;
      this.insert(t.values, t.tid);
      indexTuples++;
    }
    return { heapTuples, indexTuples };
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

  /** ginbulkdelete: removes dead TIDs from posting lists and posting-tree leaves (empty pages stay). */
  bulkDelete(callback: BulkDeleteCallback, stats?: IndexBulkDeleteResult): IndexBulkDeleteResult {
    const result = stats ?? {
      numPages: 0,
      numIndexTuples: 0,
      tuplesRemoved: 0,
      pagesNewlyDeleted: 0,
      pagesDeleted: 0,
      pagesFree: 0,
    };
    for (const block of this.leafBlocks((b) => this.readCopy(b))) {
      const w = new Work(this);
      try {
        const page = w.page(block);
        const tuples = this.tuples(page);
        let changed = false;
        for (let i = 0; i < tuples.length; i++) {
          const e = this.parse(tuples[i]!, true);
          if (e.block !== INVALID_BLOCK) {
            this.vacuumPostingTree(e.block, callback, result);
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
    }
    result.numPages = this.nblocks();
    return result;
  }

  private vacuumPostingTree(
    root: number,
    callback: BulkDeleteCallback,
    result: IndexBulkDeleteResult,
  ): void {
    const rootPage = this.readCopy(root);
    const leaves =
      readOpaque(rootPage).flags & GIN_LEAF
        ? [{ block: root, bound: { block: 0, offset: 0 } }]
        : readDataInternal(rootPage).map((it, i, all) => ({
            block: it.child,
            bound: i === all.length - 1 ? { block: 0, offset: 0 } : it.key,
          }));
    for (const leaf of leaves) {
      const w = new Work(this);
      try {
        const page = w.page(leaf.block);
        const tids = readDataLeaf(page);
        const keep = tids.filter((t) => !callback(t));
        result.tuplesRemoved += tids.length - keep.length;
        result.numIndexTuples += keep.length;
        if (keep.length !== tids.length) {
          writeDataLeaf(page, keep, readOpaque(page).rightlink, leaf.bound);
          w.touch(leaf.block);
        }
      } finally {
        w.finish(XLOG_GIN_VACUUM_PAGE);
      }
    }
  }

  vacuumCleanup(stats?: IndexBulkDeleteResult): IndexBulkDeleteResult {
    return (
      stats ?? {
        numPages: this.nblocks(),
        numIndexTuples: 0,
        tuplesRemoved: 0,
        pagesNewlyDeleted: 0,
        pagesDeleted: 0,
        pagesFree: 0,
      }
    );
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
    let result: Map<number, IndexScanResult> | null = null;
    for (const q of queries) {
      const oc = this.opclasses[q.attno - 1];
      if (!oc) throw new Error(`gin: no column ${q.attno}`);
      const { keys, searchMode } = oc.extractQuery(q.query, q.strategy) as {
        keys: readonly unknown[];
        searchMode: SearchMode;
      };
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
    return problems;
  }
}
