/**
 * CREATE INDEX (nbtsort.c): sort every heap tuple's index entry, then write
 * the tree bottom-up, left to right — leaves filled to fillfactor (90%),
 * internal pages to 70%, equal keys merged into posting lists as they
 * stream past, each page's high key truncated against the next page's
 * first entry — instead of inserting entry by entry.
 */
import { compareTids, type IndexBuildTuple, readTid, type Tid } from '@pg/access';
import {
  BT_MAX_ITEM_SIZE,
  BT_PAGE_CAPACITY,
  BTP_LEAF,
  BTP_ROOT,
  BTREE_METAPAGE,
  BTREE_NONLEAF_FILLFACTOR,
  downlink,
  formPivot,
  formPosting,
  formTuple,
  keyPart,
  maxAlign,
  P_NONE,
  readMeta,
  SIZE_OF_ITEM_ID,
  tupleSize,
  withDownlink,
  writeMeta,
} from './layout.js';
import { ExternalSorter } from './sort.js';
import type { BTree } from './tree.js';
import { initBtPage, rebuildPage } from './tree.js';

/** An entry being sorted: the tuple, its decoded key columns and its heap TID. */
interface SortItem {
  readonly t: Uint8Array;
  readonly keys: readonly unknown[];
  readonly tid: Tid;
}

/** A page being filled on one level (BTPageState). */
interface LevelState {
  readonly level: number;
  block: number;
  prev: number;
  items: Uint8Array[];
  used: number;
}

export interface BuildOptions {
  /** maintenance_work_mem in bytes (default 64MB). */
  readonly memoryBytes?: number;
  /** Told as the build advances: the phase and how far it is. */
  readonly onProgress?: (phase: 'sorting' | 'loading', done: number) => void;
}

/** Builds an empty tree from `tuples`. Returns the counts. */
export function bulkBuild(
  tree: BTree,
  tuples: Iterable<IndexBuildTuple>,
  options: BuildOptions = {},
): { heapTuples: number; indexTuples: number } {
  const shape = tree.shape;
  const sorter = new ExternalSorter<SortItem>({
    compare: (a, b) => {
      for (let i = 0; i < shape.nkeys; i++) {
        const r = shape.compareColumn(i, a.keys[i], b.keys[i]);
        if (r !== 0) return r;
      }
      return compareTids(a.tid, b.tid);
    },
    serialize: (x) => x.t,
    deserialize: (bytes) => {
      const t = bytes.slice();
      return { t, keys: shape.keys(t), tid: readTid(t, 0) };
    },
    sizeOf: (x) => x.t.length + 96,
    memoryBytes: options.memoryBytes ?? 64 * 1024 * 1024,
  });
  let heapTuples = 0;
  let indexTuples = 0;
  try {
    for (const tuple of tuples) {
      heapTuples++;
      if (tuple.alive === false) continue;
      const t = formTuple(shape.types as never, tuple.values, tuple.tid);
      if (t.length > BT_MAX_ITEM_SIZE) tree.insert(tuple.values, tuple.tid); // raises the size error
      sorter.add({ t, keys: shape.keys(t), tid: tuple.tid });
      indexTuples++;
      if (indexTuples % 100000 === 0) options.onProgress?.('sorting', indexTuples);
    }
    const loader = new Loader(tree);
    let loaded = 0;
    for (const item of sorter.sorted()) {
      loader.addLeafEntry(item.t, item.keys);
      if (++loaded % 100000 === 0) options.onProgress?.('loading', loaded);
    }
    loader.finish();
  } finally {
    sorter.close();
  }
  return { heapTuples, indexTuples };
}

/** Writes pages level by level as entries arrive in order (_bt_buildadd, _bt_uppershutdown). */
class Loader {
  private readonly tree: BTree;
  private readonly levels: LevelState[] = [];
  private readonly leafTarget: number;
  private readonly upperTarget: number;
  private readonly dedup: boolean;
  /** Equal-key entries waiting to become one posting list. */
  private pending: {
    base: Uint8Array;
    keys: readonly unknown[];
    tids: Tid[];
    size: number;
  } | null = null;
  private lastLeaf: Uint8Array | null = null;

  constructor(tree: BTree) {
    this.tree = tree;
    this.leafTarget = Math.floor((BT_PAGE_CAPACITY * tree.shape.fillfactor) / 100);
    this.upperTarget = Math.floor((BT_PAGE_CAPACITY * BTREE_NONLEAF_FILLFACTOR) / 100);
    this.dedup = tree.deduplicate;
  }

  addLeafEntry(t: Uint8Array, keys: readonly unknown[]): void {
    const tids = [readTid(t, 0)];
    if (!this.dedup) {
      this.add(0, t);
      return;
    }
    const p = this.pending;
    const maxPosting = Math.floor(BT_MAX_ITEM_SIZE / 2);
    if (p && this.tree.shape.equalKeys(p.keys, keys) && maxAlign(p.size + 6) <= maxPosting) {
      p.tids.push(tids[0]!);
      p.size += 6;
      return;
    }
    this.flushPending();
    this.pending = { base: t, keys, tids, size: tupleSize(keyPart(t)) + 6 };
  }

  private flushPending(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.add(0, p.tids.length === 1 ? p.base : formPosting(p.base, p.tids));
  }

  /** Appends an item to the page being filled on `level`, starting a new page when it is full. */
  private add(level: number, item: Uint8Array): void {
    let st = this.levels[level];
    if (!st) {
      st = this.startPage(level, P_NONE);
      this.levels[level] = st;
    }
    const size = maxAlign(item.length) + SIZE_OF_ITEM_ID;
    const target = level === 0 ? this.leafTarget : this.upperTarget;
    // Room for the high key this page will get: at most the next item plus a heap TID.
    const highRoom = maxAlign(item.length) + 8 + SIZE_OF_ITEM_ID;
    if (st.items.length > 0 && st.used + size + highRoom > target) {
      const highKey =
        level === 0 ? this.tree.shape.truncate(this.lastLeaf!, item) : withDownlink(item, P_NONE);
      const next = this.startPage(level, st.block);
      this.finishPage(st, highKey, next.block);
      this.levels[level] = next;
      st = next;
      // The new page's downlink goes to the parent level, keyed by the high key; a new
      // parent level starts with a minus-infinity downlink to this level's first page.
      if (!this.levels[level + 1]) {
        const parent = this.startPage(level + 1, P_NONE);
        this.levels[level + 1] = parent;
        const minusInfinity = formPivot(
          this.tree.shape.keyTypes as never,
          [],
          0,
          null,
          this.firstBlocks[level]!,
        );
        parent.items.push(minusInfinity);
        parent.used += maxAlign(minusInfinity.length) + SIZE_OF_ITEM_ID;
      }
      this.add(level + 1, withDownlink(highKey, next.block));
      if (level > 0) {
        // On an internal page the first item is minus infinity: keep only its downlink.
        item = formPivot(this.tree.shape.keyTypes as never, [], 0, null, downlink(item));
      }
    }
    st.items.push(item);
    st.used += maxAlign(item.length) + SIZE_OF_ITEM_ID;
    if (level === 0) this.lastLeaf = item;
  }

  private startPage(level: number, prev: number): LevelState {
    const st: LevelState = { level, block: this.tree.allocBlock(), prev, items: [], used: 0 };
    if (prev === P_NONE) this.firstBlocks[level] = st.block;
    return st;
  }

  /** Each level's leftmost page. */
  private readonly firstBlocks: number[] = [];

  /** Writes a finished page with its high key (none for the rightmost) and its right-link. */
  private finishPage(st: LevelState, highKey: Uint8Array | null, next: number, root = false): void {
    const h = this.tree.holdBlock(st.block);
    const flags = (st.level === 0 ? BTP_LEAF : 0) | (root ? BTP_ROOT : 0);
    initBtPage(h.bytes, st.level, flags, { prev: st.prev, next });
    rebuildPage(h.bytes, highKey, st.items);
    this.tree.logPages([h.buffer]);
    this.tree.releaseHeld(h);
  }

  /** _bt_uppershutdown: closes every level's last page; the top one becomes the root. */
  finish(): void {
    this.flushPending();
    if (this.levels.length === 0) return; // nothing to index: the metapage says there is no root
    for (let level = 0; level < this.levels.length; level++) {
      this.finishPage(this.levels[level]!, null, P_NONE, level === this.levels.length - 1);
    }
    const top = this.levels[this.levels.length - 1]!;
    const meta = this.tree.holdBlock(BTREE_METAPAGE);
    const m = readMeta(meta.bytes);
    writeMeta(meta.bytes, {
      ...m,
      root: top.block,
      level: top.level,
      fastRoot: top.block,
      fastLevel: top.level,
    });
    this.tree.logPages([meta.buffer]);
    this.tree.releaseHeld(meta);
  }
}
