/**
 * The B-tree: descent with Lehman and Yao's move-right, insertion with
 * unique checks, posting-list splits, simple deletion of killed items,
 * deduplication and page splits (nbtinsert.c, nbtsearch.c, nbtdedup.c,
 * nbtsplitloc.c, nbtpage.c), in PostgreSQL 15's page format.
 *
 * One event loop runs everything (design decision 3), so an operation runs
 * to its end without interruption: content locks are taken to keep the
 * buffer pool's rules, never waited for. Every operation logs one WAL
 * record naming every page it changed (see wal.ts).
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
  type IndexDescriptor,
  type IndexScan,
  type InsertOptions,
  type InsertResult,
  type Tid,
  tidEquals,
} from '@pg/access';
import { LP_DEAD, Page } from '@pg/page';
import {
  type BufferPool,
  createFork,
  ForkNumber,
  FreeSpaceMap,
  INVALID_BLOCK_NUMBER,
  logNewPages,
  type RelFileLocator,
  type XLogInserter,
} from '@pg/storage';
import { defaultContext, SqlError } from '@pg/types';
import { type BuildOptions, bulkBuild } from './build.js';
import {
  BLCKSZ,
  BT_MAX_ITEM_SIZE,
  BT_PAGE_CAPACITY,
  type BTMeta,
  BTP_DELETED,
  BTP_HAS_FULLXID,
  BTP_HAS_GARBAGE,
  BTP_LEAF,
  BTP_META,
  BTP_ROOT,
  BTREE_MAGIC,
  BTREE_METAPAGE,
  BTREE_NONLEAF_FILLFACTOR,
  BTREE_SINGLEVAL_FILLFACTOR,
  BTREE_VERSION,
  downlink,
  firstDataKey,
  formPivot,
  formPosting,
  formTuple,
  isIgnored,
  isLeaf,
  isPosting,
  isRightmost,
  keyPart,
  leafTids,
  maxAlign,
  opaqueNext,
  P_HIKEY,
  P_NONE,
  pivotHeapTid,
  postingTids,
  readDeletedXid,
  readMeta,
  readOpaque,
  SIZE_OF_BT_OPAQUE,
  SIZE_OF_ITEM_ID,
  tupleSize,
  withDownlink,
  writeDeletedXid,
  writeMeta,
  writeOpaque,
} from './layout.js';
import { BTScan } from './scan.js';
import { IndexShape, type InsertionKey } from './shape.js';
import {
  imageData,
  insertData,
  RM_BTREE_ID,
  XLOG_BTREE_DEDUP,
  XLOG_BTREE_DELETE,
  XLOG_BTREE_INSERT_LEAF,
  XLOG_BTREE_INSERT_META,
  XLOG_BTREE_INSERT_POST,
  XLOG_BTREE_NEWROOT,
  XLOG_BTREE_SPLIT_L,
  XLOG_BTREE_UNLINK_PAGE,
  XLOG_BTREE_VACUUM,
} from './wal.js';

const main = ForkNumber.main;

/** Transaction-id horizon for recycling deleted pages (safexid < oldestXmin means no scan can still reach them). */
export interface XidHorizon {
  /** The next full transaction id: stamped on a page when it is deleted. */
  nextXid(): bigint;
  /** The oldest xmin of any running snapshot. */
  oldestXmin(): bigint;
}

export interface BTreeOptions {
  readonly pool: BufferPool;
  readonly rel: RelFileLocator;
  readonly descriptor: IndexDescriptor;
  /** Log every change through this inserter; without one the index is unlogged. */
  readonly inserter?: XLogInserter;
  /** deduplicate_items (default on; only effective when every key type has bitwise equality). */
  readonly deduplicate?: boolean;
  /** Without a horizon, deleted pages are never recycled. */
  readonly horizon?: XidHorizon;
}

/** The stack of a descent (BTStack): the internal pages and the downlink followed on each. */
interface StackEntry {
  readonly block: number;
  readonly offset: number;
}

/** A page about to be logged, and how. */
interface Changed {
  readonly buffer: number;
  /** An item insertion (replayed with PageAddItem) instead of the whole page. */
  readonly insert?: { readonly offset: number; readonly tuple: Uint8Array };
}

/** A pinned, exclusively locked page in the middle of an operation. */
export interface Held {
  readonly buffer: number;
  readonly block: number;
  readonly page: Page;
  readonly bytes: Uint8Array;
}

const CAPABILITIES: IndexAmCapabilities = {
  canOrder: true,
  canBackward: true,
  canUnique: true,
  canMultiColumn: true,
  canInclude: true,
  searchNulls: true,
  canReturn: true,
  canBitmap: true,
  strategies: 5,
};

/** The error for a duplicate key, with PostgreSQL's text. */
function uniqueViolation(shape: IndexShape, values: readonly unknown[]): SqlError {
  const text = values
    .slice(0, shape.nkeys)
    .map((v, i) =>
      v === null || v === undefined ? 'null' : shape.keyTypes[i]!.output(v, defaultContext()),
    )
    .join(', ');
  return new SqlError('23505', `duplicate key value violates unique constraint "${shape.name}"`, {
    detail: `Key (${shape.columnNames.join(', ')})=(${text}) already exists.`,
  });
}

/**
 * A B-tree index over one relation fork. Create it with {@link BTree.create}
 * (a new, empty index) or open an existing one with `new BTree(options)`.
 */
export class BTree implements IndexAccessMethod {
  readonly amName = 'btree';
  readonly capabilities = CAPABILITIES;
  readonly pool: BufferPool;
  readonly rel: RelFileLocator;
  readonly shape: IndexShape;
  readonly inserter: XLogInserter | undefined;
  readonly deduplicate: boolean;
  readonly horizon: XidHorizon | undefined;
  readonly fsm: FreeSpaceMap;
  /** Counters for tests and EXPLAIN-like reports. */
  readonly stats = {
    splits: 0,
    rootSplits: 0,
    dedupPasses: 0,
    killedRemoved: 0,
    postingSplits: 0,
    pagesDeleted: 0,
    pagesReused: 0,
  };

  constructor(options: BTreeOptions) {
    this.pool = options.pool;
    this.rel = options.rel;
    this.shape = new IndexShape(options.descriptor);
    this.inserter = options.inserter;
    this.deduplicate = (options.deduplicate ?? true) && this.shape.allEqualImage;
    this.horizon = options.horizon;
    this.fsm = new FreeSpaceMap(this.pool);
  }

  /** Creates the index's fork and its metapage (btbuildempty); the tree gets a root on the first insert. */
  static create(options: BTreeOptions): BTree {
    const tree = new BTree(options);
    const smgr = tree.pool.smgr;
    if (!smgr.exists(tree.rel, main)) {
      if (tree.inserter) createFork(tree.inserter, tree.rel, main);
      else smgr.create(tree.rel, main);
    }
    if (smgr.nblocks(tree.rel, main) !== 0)
      throw new Error(`index "${tree.shape.name}" is not empty`);
    const meta = tree.newPage(BTREE_METAPAGE);
    initBtPage(meta.bytes, 0, BTP_META);
    writeMeta(meta.bytes, emptyMeta(tree.shape.allEqualImage));
    tree.log(XLOG_BTREE_INSERT_META, [{ buffer: meta.buffer }]);
    tree.release(meta);
    return tree;
  }

  // ------------------------------------------------------------ page access

  private hold(block: number): Held {
    const buffer = this.pool.readBuffer(this.rel, main, block);
    this.pool.lock(buffer, 'exclusive');
    return { buffer, block, page: this.pool.page(buffer), bytes: this.pool.bytes(buffer) };
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

  /** A page for new contents: block `block` (the metapage) or a recycled or new block. */
  private newPage(block?: number): Held {
    if (block === undefined) {
      const reused = this.reusePage();
      if (reused) return reused;
      const buffer = this.pool.extend(this.rel, main);
      this.pool.lock(buffer, 'exclusive');
      return {
        buffer,
        block: this.pool.blockNumber(buffer),
        page: this.pool.page(buffer),
        bytes: this.pool.bytes(buffer),
      };
    }
    const buffer =
      block < this.pool.smgr.nblocks(this.rel, main)
        ? this.pool.readBuffer(this.rel, main, block)
        : this.pool.extend(this.rel, main);
    this.pool.lock(buffer, 'exclusive');
    return { buffer, block, page: this.pool.page(buffer), bytes: this.pool.bytes(buffer) };
  }

  /** _bt_allocbuf's free-page path: a deleted page no scan can still reach, from the FSM. */
  private reusePage(): Held | null {
    if (!this.horizon || !this.pool.smgr.exists(this.rel, ForkNumber.fsm)) return null;
    for (;;) {
      const block = this.fsm.getPageWithFreeSpace(this.rel, BLCKSZ / 2);
      if (block === INVALID_BLOCK_NUMBER) return null;
      this.fsm.recordFreeSpace(this.rel, block, 0);
      const h = this.hold(block);
      if (this.isRecyclable(h.bytes)) {
        this.stats.pagesReused++;
        return h;
      }
      this.release(h);
    }
  }

  /** BTPageIsRecyclable. */
  isRecyclable(page: Uint8Array): boolean {
    if (Page.wrap(page).isNew()) return true;
    if ((readOpaque(page).flags & BTP_DELETED) === 0 || !this.horizon) return false;
    return readDeletedXid(page) < this.horizon.oldestXmin();
  }

  /** Logs the changed pages as one record (or marks them dirty when unlogged). */
  private log(info: number, changed: readonly Changed[]): void {
    if (!this.inserter) {
      for (const c of changed) this.pool.markDirty(c.buffer);
      return;
    }
    this.inserter.insert({
      rmid: RM_BTREE_ID,
      info,
      buffers: changed.map((c) =>
        c.insert
          ? { buffer: c.buffer, data: insertData(c.insert.offset, c.insert.tuple) }
          : { buffer: c.buffer, data: imageData(this.pool.bytes(c.buffer)), willInit: true },
      ),
    });
  }

  // ---------------------------------------------------------------- metapage

  meta(): BTMeta {
    const m = readMeta(this.readCopy(BTREE_METAPAGE));
    this.cachedRoot = m.root === P_NONE ? null : m.root;
    return m;
  }

  /**
   * The root to descend from, cached as PostgreSQL caches the metapage in
   * the relcache. A stale root is still a page of the tree: descending from
   * it moves right where needed, and a split of it that finds no parent on
   * its stack looks the parent up afresh.
   */
  private rootBlock(): number {
    return this.cachedRoot ?? this.meta().root;
  }

  private cachedRoot: number | null = null;

  // ------------------------------------------------------------------ search

  /** Deformed key columns of item `off`, and the item. */
  private itemKeys(page: Page, off: number): { t: Uint8Array; keys: unknown[] } {
    const t = page.mustItem(off);
    return { t, keys: this.shape.keys(t) };
  }

  /** _bt_compare against item `off` of a page. */
  compareAt(key: InsertionKey, bytes: Uint8Array, page: Page, off: number): number {
    const leaf = isLeaf(bytes);
    if (!leaf && off === firstDataKey(bytes)) return 1;
    const { t, keys } = this.itemKeys(page, off);
    return this.shape.compare(key, t, keys, false);
  }

  /**
   * _bt_binsrch: on a leaf, the first item ≥ key (> key with nextkey); on an
   * internal page, the last item < key (≤ key with nextkey), whose downlink
   * covers the key.
   */
  binsrch(key: InsertionKey, bytes: Uint8Array, page: Page): number {
    let low = firstDataKey(bytes);
    let high = page.maxOffsetNumber + 1;
    const cmpval = key.nextkey ? 0 : 1;
    while (low < high) {
      const mid = low + ((high - low) >> 1);
      if (this.compareAt(key, bytes, page, mid) >= cmpval) low = mid + 1;
      else high = mid;
    }
    return isLeaf(bytes) ? low : low - 1;
  }

  /** Whether the key belongs to the right of this page (_bt_moveright's test against the high key). */
  private beyondHighKey(key: InsertionKey, bytes: Uint8Array, page: Page): boolean {
    if (isRightmost(bytes)) return false;
    const cmp = this.compareAt(key, bytes, page, P_HIKEY);
    return key.nextkey ? cmp >= 0 : cmp > 0;
  }

  /**
   * _bt_search: descends from the root to the leaf where the key belongs,
   * moving right past pages split since their parent was read, and ignoring
   * deleted pages. Returns the leaf, held, and the path.
   */
  private descend(key: InsertionKey): { leaf: Held; stack: StackEntry[] } | null {
    const root = this.rootBlock();
    if (root === P_NONE) return null;
    const stack: StackEntry[] = [];
    let h = this.hold(root);
    for (;;) {
      h = this.moveRight(key, h);
      if (isLeaf(h.bytes)) return { leaf: h, stack };
      const off = this.binsrch(key, h.bytes, h.page);
      const child = downlink(h.page.mustItem(off));
      stack.push({ block: h.block, offset: off });
      this.release(h);
      h = this.hold(child);
    }
  }

  private moveRight(key: InsertionKey, start: Held): Held {
    let h = start;
    while (isIgnored(h.bytes) || this.beyondHighKey(key, h.bytes, h.page)) {
      const next = opaqueNext(h.bytes);
      if (next === P_NONE)
        throw new Error(`index "${this.shape.name}": fell off the end of a level`);
      this.release(h);
      h = this.hold(next);
    }
    return h;
  }

  /** The leftmost (or rightmost) leaf's block, or P_NONE for an empty tree (_bt_get_endpoint). */
  endpoint(rightmost: boolean): number {
    const root = this.rootBlock();
    if (root === P_NONE) return P_NONE;
    let block = root;
    for (;;) {
      let bytes = this.readCopy(block);
      while (isIgnored(bytes) || (rightmost && !isRightmost(bytes))) {
        block = opaqueNext(bytes);
        bytes = this.readCopy(block);
      }
      if (isLeaf(bytes)) return block;
      const page = Page.wrap(bytes);
      const off = rightmost ? page.maxOffsetNumber : firstDataKey(bytes);
      block = downlink(page.mustItem(off));
    }
  }

  /**
   * Descends for a scan and hands `visit` the leaf, the offset binsrch finds
   * there and the page's bytes (valid only during the call: the page is
   * locked then). Null for an empty index.
   */
  findLeaf<T>(
    key: InsertionKey,
    visit: (block: number, offset: number, bytes: Uint8Array) => T,
  ): T | null {
    const found = this.descend(key);
    if (!found) return null;
    const { leaf } = found;
    try {
      return visit(leaf.block, this.binsrch(key, leaf.bytes, leaf.page), leaf.bytes);
    } finally {
      this.release(leaf);
    }
  }

  /** Hands `visit` a page's bytes under a share lock, without copying them. */
  withPage<T>(block: number, visit: (bytes: Uint8Array) => T): T {
    const buffer = this.pool.readBuffer(this.rel, main, block);
    this.pool.lock(buffer, 'share');
    try {
      return visit(this.pool.bytes(buffer));
    } finally {
      this.pool.unlockRelease(buffer);
    }
  }

  // ------------------------------------------------------------------ insert

  /**
   * aminsert (btinsert, _bt_doinsert): adds an entry for `values` pointing
   * at `tid`. With `unique: 'yes'` an equal live entry is an error 23505;
   * an equal entry of a transaction in progress returns `wait` and inserts
   * nothing.
   */
  insert(values: readonly unknown[], tid: Tid, options: InsertOptions = {}): InsertResult {
    const shape = this.shape;
    if (values.length !== shape.natts) {
      throw new RangeError(
        `index "${shape.name}" has ${shape.natts} columns, got ${values.length} values`,
      );
    }
    const tuple = formTuple(shape.types as never, values, tid);
    this.checkItemSize(tuple, tid);
    const uniqueMode = options.unique ?? (shape.unique ? 'yes' : 'no');
    let maybeConflict = false;
    const keyValues = values.slice(0, shape.nkeys);
    const hasNull = keyValues.some((v) => v === null || v === undefined);
    if (uniqueMode !== 'no' && (!hasNull || shape.nullsNotDistinct)) {
      const verdict = this.checkUnique(keyValues, tid, uniqueMode, options);
      if (verdict.kind === 'wait') return verdict;
      if (verdict.kind === 'maybe-conflict') maybeConflict = true;
      if (uniqueMode === 'existing') return { kind: 'inserted' };
    }
    this.ensureRoot();
    const key: InsertionKey = { values: keyValues, scantid: tid, nextkey: false };
    const found = this.descend(key)!;
    this.insertOnLeaf(found.leaf, found.stack, key, tuple);
    return maybeConflict ? { kind: 'maybe-conflict' } : { kind: 'inserted' };
  }

  private checkItemSize(tuple: Uint8Array, tid: Tid): void {
    if (tuple.length > BT_MAX_ITEM_SIZE) {
      throw new SqlError(
        '54000',
        `index row size ${tuple.length} exceeds btree version ${BTREE_VERSION} maximum ${BT_MAX_ITEM_SIZE} for index "${this.shape.name}"`,
        {
          detail: `Index row references tuple (${tid.block},${tid.offset}) in relation "${this.shape.name}".`,
          hint: 'Values larger than 1/3 of a buffer page cannot be indexed.\nConsider a function index of an MD5 hash of the value, or use full text indexing.',
        },
      );
    }
  }

  /** _bt_getroot for writing: makes the first leaf the root of an empty tree. */
  private ensureRoot(): void {
    // A root, once made, stays: only an empty index needs the metapage here.
    if (this.cachedRoot !== null) return;
    const metaH = this.hold(BTREE_METAPAGE);
    const meta = readMeta(metaH.bytes);
    if (meta.root !== P_NONE) {
      this.release(metaH);
      return;
    }
    const root = this.newPage();
    initBtPage(root.bytes, 0, BTP_LEAF | BTP_ROOT);
    writeMeta(metaH.bytes, {
      ...meta,
      root: root.block,
      level: 0,
      fastRoot: root.block,
      fastLevel: 0,
    });
    this.log(XLOG_BTREE_NEWROOT, [{ buffer: root.buffer }, { buffer: metaH.buffer }]);
    this.release(root);
    this.release(metaH);
  }

  /**
   * _bt_check_unique: looks at every entry whose key columns equal `keys`.
   * Entries killed or whose heap tuple is dead do not conflict.
   */
  private checkUnique(
    keys: readonly unknown[],
    tid: Tid,
    mode: 'yes' | 'partial' | 'existing',
    options: InsertOptions,
  ): InsertResult {
    const key: InsertionKey = { values: keys, scantid: null, nextkey: false };
    const found = this.descend(key);
    if (!found) return { kind: 'inserted' };
    let h = found.leaf;
    let off = this.binsrch(key, h.bytes, h.page);
    const status = options.heapStatus ?? (() => ({ kind: 'live' as const }));
    for (;;) {
      const max = h.page.maxOffsetNumber;
      for (; off <= max; off++) {
        const { t, keys: itemKeys } = this.itemKeys(h.page, off);
        if (!this.shape.equalKeys(keys, itemKeys)) {
          this.release(h);
          return { kind: 'inserted' };
        }
        if (h.page.itemId(off).flags === LP_DEAD) continue;
        for (const other of leafTids(t)) {
          if (tidEquals(other, tid)) continue;
          const s = status(other);
          if (s.kind === 'dead') continue;
          if (mode === 'partial') {
            this.release(h);
            return { kind: 'maybe-conflict' };
          }
          if (s.kind === 'in-progress') {
            this.release(h);
            return { kind: 'wait', xid: s.xid };
          }
          this.release(h);
          throw uniqueViolation(this.shape, keys);
        }
      }
      // Equal entries may continue on the right sibling if the high key is still equal.
      if (isRightmost(h.bytes)) break;
      const high = this.itemKeys(h.page, P_HIKEY).keys;
      if (high.length < this.shape.nkeys || !this.shape.equalKeys(keys, high)) break;
      const next = opaqueNext(h.bytes);
      this.release(h);
      h = this.hold(next);
      while (isIgnored(h.bytes)) {
        const n = opaqueNext(h.bytes);
        this.release(h);
        h = this.hold(n);
      }
      off = firstDataKey(h.bytes);
    }
    this.release(h);
    return { kind: 'inserted' };
  }

  /**
   * _bt_findinsertloc + _bt_insertonpg for a leaf: finds the offset (a
   * posting-list split when the new TID falls inside a posting list), makes
   * room by removing killed items or deduplicating, and splits if it must.
   */
  private insertOnLeaf(
    leaf: Held,
    stack: StackEntry[],
    key: InsertionKey,
    tuple: Uint8Array,
  ): void {
    const h = leaf;
    let off = this.binsrch(key, h.bytes, h.page);
    let size = maxAlign(tuple.length) + SIZE_OF_ITEM_ID;
    // A new TID inside a posting list's range splits the posting list (_bt_swap_posting).
    let replace: { off: number; tuple: Uint8Array } | null = null;
    let newItem = tuple;
    const posting = this.postingSplit(h, key, off);
    if (posting) {
      replace = { off, tuple: posting.orig };
      off++;
      newItem = posting.newItem;
      size = maxAlign(newItem.length) + SIZE_OF_ITEM_ID;
      this.stats.postingSplits++;
    }
    if (h.page.freeSpace() + SIZE_OF_ITEM_ID < size && !replace) {
      // Make room: drop killed items, then deduplicate (_bt_delete_or_dedup_one_page).
      if ((readOpaque(h.bytes).flags & BTP_HAS_GARBAGE) !== 0 && this.removeKilled(h)) {
        off = this.binsrch(key, h.bytes, h.page);
      }
      if (h.page.freeSpace() + SIZE_OF_ITEM_ID < size && this.deduplicate && this.dedupPass(h)) {
        off = this.binsrch(key, h.bytes, h.page);
        const again = this.postingSplit(h, key, off);
        if (again) {
          replace = { off, tuple: again.orig };
          off++;
          newItem = again.newItem;
          size = maxAlign(newItem.length) + SIZE_OF_ITEM_ID;
          this.stats.postingSplits++;
        }
      }
    }
    if (h.page.freeSpace() + SIZE_OF_ITEM_ID >= size) {
      if (replace) {
        h.page.overwriteItem(replace.off, replace.tuple);
        h.page.addItem(newItem, { offsetNumber: off });
        this.log(XLOG_BTREE_INSERT_POST, [{ buffer: h.buffer }]);
      } else {
        if (h.page.addItem(newItem, { offsetNumber: off }) !== off)
          throw new Error('index page is full');
        this.log(XLOG_BTREE_INSERT_LEAF, [
          { buffer: h.buffer, insert: { offset: off, tuple: newItem } },
        ]);
      }
      this.release(h);
      return;
    }
    if (replace) h.page.overwriteItem(replace.off, replace.tuple);
    this.splitAndInsert(h, stack, off, newItem, [], XLOG_BTREE_SPLIT_L);
  }

  /**
   * _bt_binsrch_insert's posting case: when the item at `off` is a posting
   * list whose TID range holds the new TID, the posting list with the new
   * TID in place of its largest (_bt_swap_posting), and a plain tuple with
   * that largest TID, to go right after it.
   */
  private postingSplit(
    h: Held,
    key: InsertionKey,
    off: number,
  ): { orig: Uint8Array; newItem: Uint8Array } | null {
    if (off > h.page.maxOffsetNumber || key.scantid === null) return null;
    const t = h.page.mustItem(off);
    if (!isPosting(t) || h.page.itemId(off).flags === LP_DEAD) return null;
    // Equal keys and a TID inside the list's range compare as 0 (_bt_compare's posting case).
    if (this.compareAt(key, h.bytes, h.page, off) !== 0) return null;
    const tids = postingTids(t);
    const last = tids[tids.length - 1]!;
    if (compareTids(key.scantid, tids[0]!) <= 0 || compareTids(key.scantid, last) >= 0) return null;
    const merged = [...tids.slice(0, -1), key.scantid].sort(compareTids);
    return { orig: formPosting(t, merged), newItem: formPosting(t, [last]) };
  }

  /**
   * _bt_simpledel_pass, reduced: removes the items scans marked LP_DEAD.
   * Returns whether it removed anything.
   */
  private removeKilled(h: Held): boolean {
    const dead: number[] = [];
    for (let off = firstDataKey(h.bytes); off <= h.page.maxOffsetNumber; off++) {
      if (h.page.itemId(off).flags === LP_DEAD) dead.push(off);
    }
    const o = readOpaque(h.bytes);
    writeOpaque(h.bytes, { ...o, flags: o.flags & ~BTP_HAS_GARBAGE });
    if (dead.length === 0) return false;
    h.page.indexMultiDelete(dead);
    this.stats.killedRemoved += dead.length;
    this.log(XLOG_BTREE_DELETE, [{ buffer: h.buffer }]);
    return true;
  }

  /**
   * _bt_dedup_pass: merges runs of equal keys into posting lists, rebuilding
   * the page. Returns whether it changed the page.
   */
  private dedupPass(h: Held): boolean {
    const first = firstDataKey(h.bytes);
    const max = h.page.maxOffsetNumber;
    const maxPosting = Math.floor(BT_MAX_ITEM_SIZE / 2);
    const out: Uint8Array[] = [];
    let merged = false;
    let group: { base: Uint8Array; keys: unknown[]; tids: Tid[] } | null = null;
    const flush = () => {
      if (!group) return;
      out.push(
        group.tids.length === 1 && !isPosting(group.base)
          ? group.base
          : formPosting(group.base, group.tids),
      );
      group = null;
    };
    for (let off = first; off <= max; off++) {
      const t = h.page.mustItem(off).slice();
      if (h.page.itemId(off).flags === LP_DEAD) {
        merged = true; // dropped: a killed item
        continue;
      }
      const keys = this.shape.keys(t);
      const tids = leafTids(t);
      const g = group as { base: Uint8Array; keys: unknown[]; tids: Tid[] } | null;
      if (
        g &&
        this.shape.equalKeys(g.keys, keys) &&
        maxAlign(tupleSize(keyPart(g.base)) + (g.tids.length + tids.length) * 6) <= maxPosting
      ) {
        g.tids.push(...tids);
        merged = true;
        continue;
      }
      flush();
      group = { base: t, keys, tids: [...tids] };
    }
    flush();
    if (!merged) return false;
    this.stats.dedupPasses++;
    rebuildPage(h.bytes, isRightmost(h.bytes) ? null : h.page.mustItem(P_HIKEY).slice(), out);
    this.log(XLOG_BTREE_DEDUP, [{ buffer: h.buffer }]);
    return true;
  }

  // ------------------------------------------------------------------- split

  /**
   * Inserts `newItem` at `off` into a page without room: splits it
   * (_bt_split), then inserts the new right page's downlink into the parent
   * (_bt_insert_parent), splitting upwards as needed, or grows a new root.
   * `changed` collects the pages changed so far by this operation, all
   * logged together at the end.
   */
  private splitAndInsert(
    h: Held,
    stackIn: StackEntry[],
    off: number,
    newItem: Uint8Array,
    changed: Changed[],
    info: number,
  ): void {
    let stack = stackIn;
    const bytes = h.bytes;
    const leaf = isLeaf(bytes);
    const o = readOpaque(bytes);
    const first = firstDataKey(bytes);
    const items: Uint8Array[] = [];
    for (let i = first; i <= h.page.maxOffsetNumber; i++) {
      if (i === off) items.push(newItem);
      items.push(h.page.mustItem(i).slice());
    }
    if (off > h.page.maxOffsetNumber) items.push(newItem);
    const oldHighKey = isRightmost(bytes) ? null : h.page.mustItem(P_HIKEY).slice();
    const newPos = off - first;
    const split = this.chooseSplit(items, oldHighKey, leaf, isRightmost(bytes), newPos);
    const leftItems = items.slice(0, split);
    const rightItems = items.slice(split);
    let leftHighKey: Uint8Array;
    if (leaf) {
      leftHighKey = this.shape.truncate(leftItems[leftItems.length - 1]!, rightItems[0]!);
    } else {
      // The first right item's key becomes the left page's high key; on the right page it
      // becomes minus infinity (a pivot with no key columns), keeping its downlink.
      const firstRight = rightItems[0]!;
      leftHighKey = withDownlink(firstRight, P_NONE);
      rightItems[0] = formPivot(this.shape.keyTypes as never, [], 0, null, downlink(firstRight));
    }
    const right = this.newPage();
    const rightFlags = (o.flags & BTP_LEAF) | 0;
    initBtPage(right.bytes, o.level, rightFlags, { prev: h.block, next: o.next });
    rebuildPage(right.bytes, oldHighKey, rightItems);
    const leftOpaque = { ...o, next: right.block, flags: o.flags & ~(BTP_ROOT | BTP_HAS_GARBAGE) };
    const leftPage = new Uint8Array(BLCKSZ);
    initBtPage(leftPage, o.level, leftOpaque.flags, leftOpaque);
    rebuildPage(leftPage, leftHighKey, leftItems);
    const wasRoot = (o.flags & BTP_ROOT) !== 0;
    bytes.set(leftPage);
    changed.push({ buffer: h.buffer }, { buffer: right.buffer });
    const siblings: Held[] = [];
    if (o.next !== P_NONE) {
      const sib = this.hold(o.next);
      const so = readOpaque(sib.bytes);
      writeOpaque(sib.bytes, { ...so, prev: right.block });
      changed.push({ buffer: sib.buffer });
      siblings.push(sib);
    }
    this.stats.splits++;
    const downlinkItem = withDownlink(leftHighKey, right.block);
    const held = [h, right, ...siblings];
    if (!wasRoot && stack.length === 0) {
      // Descended from a cached root that has since split: find this page's parent afresh.
      const parentEntry = this.descendTo(
        {
          values: this.shape.keys(leftHighKey),
          scantid: pivotHeapTid(leftHighKey),
          nextkey: false,
          pivotsearch: true,
        },
        h.block,
        true,
      );
      if (parentEntry) stack = [parentEntry];
    }
    if (stack.length === 0) {
      held.push(...this.newRoot(h.block, right.block, leftHighKey, o.level + 1, changed));
      this.log(info, changed);
    } else {
      const parentEntry = stack[stack.length - 1]!;
      const parent = this.findParent(parentEntry, h.block);
      const pOff = parent.offset + 1;
      if (
        parent.held.page.freeSpace() + SIZE_OF_ITEM_ID >=
        maxAlign(downlinkItem.length) + SIZE_OF_ITEM_ID
      ) {
        parent.held.page.addItem(downlinkItem, { offsetNumber: pOff });
        changed.push({ buffer: parent.held.buffer });
        this.log(info, changed);
        this.release(parent.held);
      } else {
        this.splitAndInsert(parent.held, stack.slice(0, -1), pOff, downlinkItem, changed, info);
      }
    }
    for (const x of held) this.release(x);
  }

  /**
   * _bt_getstackbuf: the parent page and the offset of the downlink to
   * `child`, starting where the descent left it and moving right if the
   * parent has split since.
   */
  private findParent(entry: StackEntry, child: number): { held: Held; offset: number } {
    let h = this.hold(entry.block);
    for (;;) {
      if (!isIgnored(h.bytes)) {
        const max = h.page.maxOffsetNumber;
        const start = Math.max(firstDataKey(h.bytes), Math.min(entry.offset, max));
        for (let off = start; off <= max; off++) {
          if (downlink(h.page.mustItem(off)) === child) return { held: h, offset: off };
        }
        for (let off = firstDataKey(h.bytes); off < start; off++) {
          if (downlink(h.page.mustItem(off)) === child) return { held: h, offset: off };
        }
      }
      const next = opaqueNext(h.bytes);
      if (next === P_NONE)
        throw new Error(`index "${this.shape.name}": no downlink to block ${child}`);
      this.release(h);
      h = this.hold(next);
    }
  }

  /**
   * _bt_newroot: a root above `left` and `right`, and the metapage pointing
   * to it. Returns both, held until the caller has logged the operation.
   */
  private newRoot(
    left: number,
    right: number,
    rightKey: Uint8Array,
    level: number,
    changed: Changed[],
  ): Held[] {
    const root = this.newPage();
    initBtPage(root.bytes, level, BTP_ROOT);
    rebuildPage(root.bytes, null, [
      formPivot(this.shape.keyTypes as never, [], 0, null, left),
      withDownlink(rightKey, right),
    ]);
    const meta = this.hold(BTREE_METAPAGE);
    const m = readMeta(meta.bytes);
    writeMeta(meta.bytes, {
      ...m,
      root: root.block,
      level,
      fastRoot: root.block,
      fastLevel: level,
    });
    changed.push({ buffer: root.buffer }, { buffer: meta.buffer });
    this.stats.rootSplits++;
    return [root, meta];
  }

  /**
   * _bt_findsplitloc, simplified: where to split `items` (the page's data
   * items with the new one in place). On the rightmost page, inserting at
   * its end, the left page is left fillfactor full; on a page of one
   * repeated value, 96% full; otherwise the split balances free space,
   * preferring, among the points near the balance, the one whose pivot
   * needs the fewest key columns.
   */
  private chooseSplit(
    items: readonly Uint8Array[],
    oldHighKey: Uint8Array | null,
    leaf: boolean,
    rightmost: boolean,
    newPos: number,
  ): number {
    const n = items.length;
    const cost = items.map((t) => maxAlign(t.length) + SIZE_OF_ITEM_ID);
    const total = cost.reduce((a, b) => a + b, 0);
    const rightBase = oldHighKey ? maxAlign(oldHighKey.length) + SIZE_OF_ITEM_ID : 0;
    let leftSum = 0;
    const candidates: { s: number; left: number; right: number }[] = [];
    for (let s = 1; s < n; s++) {
      leftSum += cost[s - 1]!;
      // The left page's new high key is at most the first right item plus a heap TID.
      const high = maxAlign(items[s]!.length) + 8 + SIZE_OF_ITEM_ID;
      const left = leftSum + high;
      const right = total - leftSum + rightBase;
      if (left <= BT_PAGE_CAPACITY && right <= BT_PAGE_CAPACITY)
        candidates.push({ s, left, right });
    }
    if (candidates.length === 0)
      throw new Error('no split point leaves both pages within their capacity');
    const fillTo = (ff: number) => {
      const target = (BT_PAGE_CAPACITY * ff) / 100;
      let best = candidates[0]!;
      for (const c of candidates) if (c.left <= target) best = c;
      return best.s;
    };
    if (rightmost && newPos === n - 1)
      return fillTo(leaf ? this.shape.fillfactor : BTREE_NONLEAF_FILLFACTOR);
    if (leaf && this.shape.equalKeys(this.shape.keys(items[0]!), this.shape.keys(items[n - 1]!))) {
      return fillTo(rightmost ? BTREE_SINGLEVAL_FILLFACTOR : 50);
    }
    const sorted = [...candidates].sort(
      (a, b) => Math.abs(a.left - a.right) - Math.abs(b.left - b.right),
    );
    if (!leaf) return sorted[0]!.s;
    const window = sorted.slice(0, Math.max(1, Math.min(8, Math.ceil(n / 20))));
    let best = window[0]!;
    let bestNatts = Number.POSITIVE_INFINITY;
    for (const c of window) {
      const natts = this.shape.keepNatts(
        this.shape.keys(items[c.s - 1]!),
        this.shape.keys(items[c.s]!),
      );
      if (natts < bestNatts) {
        best = c;
        bestNatts = natts;
      }
    }
    return best.s;
  }

  // -------------------------------------------------------------------- scans

  beginScan(): IndexScan {
    return new BTScan(this);
  }

  canReturn(attno: number): boolean {
    return attno >= 1 && attno <= this.shape.natts;
  }

  /**
   * Marks a leaf item dead (a kill_prior_tuple hint) if the page has not
   * changed since the scan read it. Not WAL-logged, as in PostgreSQL; with
   * checksums on, the first hint after a checkpoint logs a full-page image
   * so a torn write cannot fail verification after a crash.
   */
  killItem(block: number, offset: number, tid: Tid, lsn: bigint): void {
    const h = this.hold(block);
    try {
      if (h.page.lsn !== lsn || offset > h.page.maxOffsetNumber) return;
      const t = h.page.mustItem(offset);
      if (
        isPosting(t) ||
        !tidEquals(leafTidsFirst(t), tid) ||
        h.page.itemId(offset).flags === LP_DEAD
      )
        return;
      if (this.inserter && this.pool.checksums && this.inserter.needsImage(h.buffer)) {
        h.page.markDead(offset);
        setGarbage(h.bytes);
        this.log(XLOG_BTREE_DELETE, [{ buffer: h.buffer }]);
        return;
      }
      h.page.markDead(offset);
      setGarbage(h.bytes);
      this.pool.markDirty(h.buffer);
    } finally {
      this.release(h);
    }
  }

  // ------------------------------------------------------------ build, vacuum

  /**
   * ambuild on an empty index: sorts the entries (spilling past
   * maintenance_work_mem) and writes the tree bottom-up (nbtsort.c). A
   * unique index refuses duplicate live keys (23505) after the sort.
   */
  build(tuples: Iterable<IndexBuildTuple>, options: BuildOptions = {}): IndexBuildResult {
    if (this.meta().root !== P_NONE) throw new Error(`index "${this.shape.name}" is not empty`);
    const result = bulkBuild(this, tuples, options);
    if (this.shape.unique) this.checkBuiltUnique();
    return result;
  }

  /** After a unique build: adjacent equal keys with non-null columns are duplicates (_bt_spool's check). */
  private checkBuiltUnique(): void {
    const scan = this.beginScan();
    scan.rescan([]);
    let prev: readonly unknown[] | null = null;
    for (let r = scan.next(); r !== null; r = scan.next()) {
      const keys = r.values!.slice(0, this.shape.nkeys);
      const hasNull = keys.some((v) => v === null || v === undefined);
      if (prev && (!hasNull || this.shape.nullsNotDistinct) && this.shape.equalKeys(prev, keys)) {
        scan.end();
        throw uniqueViolation(this.shape, keys);
      }
      prev = keys;
    }
    scan.end();
  }

  /** @internal For the bulk build: reserves a new block at the end of the index. */
  allocBlock(): number {
    const buffer = this.pool.extend(this.rel, main);
    const block = this.pool.blockNumber(buffer);
    this.pool.release(buffer);
    return block;
  }

  /** @internal For the bulk build: a block pinned and exclusively locked. */
  holdBlock(block: number): Held {
    return this.hold(block);
  }

  /** @internal */
  releaseHeld(h: Held): void {
    this.release(h);
  }

  /** @internal For the bulk build: logs whole pages as images (log_newpage), or marks them dirty. */
  logPages(buffers: readonly number[]): void {
    if (this.inserter) logNewPages(this.inserter, buffers);
    else for (const b of buffers) this.pool.markDirty(b);
  }

  bulkDelete(callback: BulkDeleteCallback, stats?: IndexBulkDeleteResult): IndexBulkDeleteResult {
    const out = stats ?? emptyStats();
    const nblocks = this.pool.smgr.nblocks(this.rel, main);
    out.numPages = nblocks;
    out.numIndexTuples = 0;
    for (let block = 1; block < nblocks; block++) {
      const h = this.hold(block);
      const o = readOpaque(h.bytes);
      if (h.page.isNew() || (o.flags & BTP_DELETED) !== 0) {
        out.pagesDeleted += (o.flags & BTP_DELETED) !== 0 ? 1 : 0;
        if (this.isRecyclable(h.bytes)) {
          this.release(h);
          this.fsm.recordFreeSpace(this.rel, block, BLCKSZ - 1);
          out.pagesFree++;
          continue;
        }
        this.release(h);
        continue;
      }
      if ((o.flags & BTP_LEAF) === 0 || isIgnored(h.bytes)) {
        this.release(h);
        continue;
      }
      const deletable: number[] = [];
      const updates: { off: number; tuple: Uint8Array }[] = [];
      for (let off = firstDataKey(h.bytes); off <= h.page.maxOffsetNumber; off++) {
        const t = h.page.mustItem(off);
        const tids = leafTids(t);
        const keep = tids.filter((tid) => !callback(tid));
        out.tuplesRemoved += tids.length - keep.length;
        out.numIndexTuples += keep.length;
        if (keep.length === 0) deletable.push(off);
        else if (keep.length < tids.length) updates.push({ off, tuple: formPosting(t, keep) });
      }
      if (deletable.length > 0 || updates.length > 0) {
        for (const u of updates) h.page.overwriteItem(u.off, u.tuple);
        if (deletable.length > 0) h.page.indexMultiDelete(deletable);
        const no = readOpaque(h.bytes);
        writeOpaque(h.bytes, { ...no, flags: no.flags & ~BTP_HAS_GARBAGE });
        this.log(XLOG_BTREE_VACUUM, [{ buffer: h.buffer }]);
      }
      const empty = h.page.maxOffsetNumber < firstDataKey(h.bytes);
      this.release(h);
      if (empty && this.deletePage(block)) {
        out.pagesNewlyDeleted++;
        out.pagesDeleted++;
      }
    }
    // IndexFreeSpaceMapVacuum: make the recorded free pages visible to searches.
    if (out.pagesFree > 0) this.fsm.vacuum(this.rel);
    return out;
  }

  vacuumCleanup(stats?: IndexBulkDeleteResult): IndexBulkDeleteResult {
    return stats ?? this.bulkDelete(() => false);
  }

  /**
   * Deletes an empty leaf page (_bt_mark_page_halfdead and
   * _bt_unlink_halfdead_page in one atomic step): its parent's downlink to
   * it takes over its right sibling's key space, its siblings are linked to
   * each other, and it is marked deleted with the next transaction id, to
   * be recycled once no scan can still be on its way to it. Only a leaf
   * that is not the rightmost on its level, nor its parent's rightmost
   * child, is deleted; others stay empty. Returns whether it deleted.
   */
  private deletePage(block: number): boolean {
    const target = this.hold(block);
    const o = readOpaque(target.bytes);
    if (
      isRightmost(target.bytes) ||
      (o.flags & BTP_ROOT) !== 0 ||
      target.page.maxOffsetNumber >= firstDataKey(target.bytes)
    ) {
      this.release(target);
      return false;
    }
    // Find the parent by descending with the page's high key (pivotsearch).
    const hk = target.page.mustItem(P_HIKEY);
    const key: InsertionKey = {
      values: this.shape.keys(hk),
      scantid: pivotHeapTid(hk),
      nextkey: false,
      pivotsearch: true,
    };
    this.release(target);
    const path = this.descendTo(key, block);
    if (!path) return false;
    const parent = this.findParent(path, block);
    const pmax = parent.held.page.maxOffsetNumber;
    if (parent.offset >= pmax) {
      this.release(parent.held);
      return false;
    }
    const rightPivot = parent.held.page.mustItem(parent.offset + 1);
    const t = this.hold(block);
    const to = readOpaque(t.bytes);
    if (downlink(rightPivot) !== to.next || t.page.maxOffsetNumber >= firstDataKey(t.bytes)) {
      this.release(t);
      this.release(parent.held);
      return false;
    }
    const changed: Changed[] = [];
    const held: Held[] = [t, parent.held];
    // Parent: the target's downlink now leads to the right sibling; the right sibling's pivot goes.
    const own = parent.held.page.mustItem(parent.offset).slice();
    parent.held.page.overwriteItem(parent.offset, withDownlink(own, to.next));
    parent.held.page.indexTupleDelete(parent.offset + 1);
    changed.push({ buffer: parent.held.buffer });
    if (to.prev !== P_NONE) {
      const left = this.hold(to.prev);
      writeOpaque(left.bytes, { ...readOpaque(left.bytes), next: to.next });
      changed.push({ buffer: left.buffer });
      held.push(left);
    }
    const right = this.hold(to.next);
    writeOpaque(right.bytes, { ...readOpaque(right.bytes), prev: to.prev });
    changed.push({ buffer: right.buffer });
    held.push(right);
    const safexid = this.horizon ? this.horizon.nextXid() : 0xffffffffffffffffn;
    initBtPage(t.bytes, to.level, (to.flags & BTP_LEAF) | BTP_DELETED | BTP_HAS_FULLXID, {
      prev: to.prev,
      next: to.next,
    });
    writeDeletedXid(t.bytes, safexid);
    changed.push({ buffer: t.buffer });
    this.log(XLOG_BTREE_UNLINK_PAGE, changed);
    for (const x of held) this.release(x);
    this.stats.pagesDeleted++;
    return true;
  }

  /** The stack entry of the parent of `block` on a descent with `key`, or null if `block` is the root. */
  private descendTo(key: InsertionKey, block: number, fresh = false): StackEntry | null {
    const root = fresh ? this.meta().root : this.rootBlock();
    if (root === P_NONE || root === block) return null;
    let h = this.hold(root);
    let last: StackEntry | null = null;
    for (;;) {
      h = this.moveRight(key, h);
      if (isLeaf(h.bytes) || h.block === block) {
        // The descent did not pass through a downlink to `block`: leave the page alone.
        this.release(h);
        return null;
      }
      const off = this.binsrch(key, h.bytes, h.page);
      const child = downlink(h.page.mustItem(off));
      last = { block: h.block, offset: off };
      this.release(h);
      if (child === block) return last;
      h = this.hold(child);
    }
  }

  costEstimate(input: IndexCostInput): IndexCost {
    // genericcostestimate, reduced: descend, then read the selected fraction of leaf pages.
    const tuples = Math.max(1, input.indexTuples * input.selectivity);
    const pages = Math.max(1, Math.ceil(input.indexPages * input.selectivity));
    const loops = input.loopCount ?? 1;
    const descent = Math.ceil(Math.log2(Math.max(2, input.indexTuples))) * input.cpuOperatorCost;
    const startupCost = descent + 50 * input.cpuOperatorCost;
    const totalCost =
      startupCost +
      pages * input.randomPageCost +
      tuples * (input.cpuIndexTupleCost + input.keys.length * input.cpuOperatorCost);
    return {
      startupCost,
      totalCost: totalCost * loops,
      selectivity: input.selectivity,
      correlation: 0,
      pages,
    };
  }
}

function leafTidsFirst(t: Uint8Array): Tid {
  return leafTids(t)[0]!;
}

function setGarbage(bytes: Uint8Array): void {
  const o = readOpaque(bytes);
  writeOpaque(bytes, { ...o, flags: o.flags | BTP_HAS_GARBAGE });
}

function emptyMeta(allEqualImage: boolean): BTMeta {
  return {
    magic: BTREE_MAGIC,
    version: BTREE_VERSION,
    root: P_NONE,
    level: 0,
    fastRoot: P_NONE,
    fastLevel: 0,
    lastCleanupNumDelPages: 0,
    lastCleanupNumHeapTuples: -1,
    allEqualImage,
  };
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

/** _bt_pageinit plus the opaque fields. */
export function initBtPage(
  bytes: Uint8Array,
  level: number,
  flags: number,
  links: { prev?: number; next?: number } = {},
): void {
  Page.init(bytes, SIZE_OF_BT_OPAQUE);
  writeOpaque(bytes, {
    prev: links.prev ?? P_NONE,
    next: links.next ?? P_NONE,
    level,
    flags,
    cycleId: 0,
  });
}

/** Replaces a page's items with the high key (if any) and `items`, keeping its header and special space. */
export function rebuildPage(
  bytes: Uint8Array,
  highKey: Uint8Array | null,
  items: readonly Uint8Array[],
): void {
  const o = readOpaque(bytes);
  const lsn = Page.wrap(bytes).lsn;
  const page = Page.init(bytes, SIZE_OF_BT_OPAQUE);
  page.lsn = lsn;
  writeOpaque(bytes, o);
  if (highKey && page.addItem(highKey) === undefined) throw new Error('high key does not fit');
  for (const t of items) {
    if (page.addItem(t) === undefined) throw new Error('items do not fit on the page');
  }
}
