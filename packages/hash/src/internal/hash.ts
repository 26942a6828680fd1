/**
 * The hash index (hash.c, hashinsert.c, hashpage.c, hashovfl.c,
 * hashsearch.c reduced): a multimap from a key's 32-bit hash code to heap
 * TIDs, in PostgreSQL 15's page format. Linear hashing: buckets split one at
 * a time as the table grows, at PostgreSQL's split points.
 *
 * One event loop runs everything, so an operation runs to its end without
 * interruption; crashes are the only way to see a split half done, and the
 * split-in-progress flags (LH_BUCKET_BEING_SPLIT on the old bucket,
 * LH_BUCKET_BEING_POPULATED on the new one) make that state readable and
 * finishable (see README).
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
  InsertOptions,
  InsertResult,
  ScanDirection,
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
import { SqlError } from '@pg/types';
import { type HashProc, hashProcFor } from './hashfunc.js';
import {
  BLCKSZ,
  bitToBlock,
  blockToBit,
  bucketToBlock,
  formTuple,
  getBit,
  HASH_DEFAULT_FILLFACTOR,
  HASH_MAGIC,
  HASH_MAX_BITMAPS,
  HASH_MAX_SPLITPOINTS,
  HASH_METAPAGE,
  HASH_TUPLE_SIZE,
  HASH_VERSION,
  HASHO_PAGE_ID,
  type HashMeta,
  hashLog2,
  hashToBucket,
  INVALID_BLOCK,
  INVALID_BUCKET,
  LH_BITMAP_PAGE,
  LH_BUCKET_BEING_POPULATED,
  LH_BUCKET_BEING_SPLIT,
  LH_BUCKET_PAGE,
  LH_META_PAGE,
  LH_OVERFLOW_PAGE,
  LH_UNUSED_PAGE,
  readMeta,
  readOpaque,
  SIZE_OF_HASH_OPAQUE,
  SIZE_OF_PAGE_HEADER,
  setBit,
  spareIndex,
  totalBuckets,
  tupleHash,
  tupleTid,
  writeMeta,
  writeOpaque,
  writeU16,
} from './layout.js';
import {
  imageData,
  insertData,
  RM_HASH_ID,
  XLOG_HASH_ADD_OVFL_PAGE,
  XLOG_HASH_DELETE,
  XLOG_HASH_INIT_META_PAGE,
  XLOG_HASH_INSERT,
  XLOG_HASH_MOVE_PAGE_CONTENTS,
  XLOG_HASH_SPLIT_ALLOCATE_PAGE,
  XLOG_HASH_SPLIT_COMPLETE,
  XLOG_HASH_SPLIT_PAGE,
  XLOG_HASH_SQUEEZE_PAGE,
  XLOG_HASH_UPDATE_META_PAGE,
} from './wal.js';

const main = ForkNumber.main;

export interface HashIndexOptions {
  readonly pool: BufferPool;
  readonly rel: RelFileLocator;
  readonly descriptor: IndexDescriptor;
  /** Log every change through this inserter; without one the index is unlogged. */
  readonly inserter?: XLogInserter;
}

export interface HashCreateOptions extends HashIndexOptions {
  /** The planner's estimate of the heap's tuples (reltuples), which sizes the initial bucket count (_hash_init). */
  readonly numTuples?: number;
}

interface Held {
  readonly buffer: number;
  readonly block: number;
  readonly page: Page;
  readonly bytes: Uint8Array;
}

interface Changed {
  readonly buffer: number;
  readonly insert?: { readonly offset: number; readonly tuple: Uint8Array };
}

const CAPABILITIES: IndexAmCapabilities = {
  canOrder: false,
  canBackward: true,
  canUnique: false,
  canMultiColumn: false,
  canInclude: false,
  searchNulls: false,
  canReturn: false,
  canBitmap: true,
  strategies: 1,
};

function notSupported(what: string): SqlError {
  return new SqlError('0A000', `${what} is not supported yet`);
}

/** _hash_binsearch: the first offset whose hash code is >= `hash`. */
export function binsearch(page: Page, hash: number): number {
  let lower = 1;
  let upper = page.maxOffsetNumber + 1;
  while (upper > lower) {
    const off = (upper + lower) >>> 1;
    if (tupleHash(page.mustItem(off)) < hash) lower = off + 1;
    else upper = off;
  }
  return lower;
}

/** _hash_get_oldblock_from_newbucket's bucket arithmetic: the bucket a new bucket was split from. */
export function oldBucketOf(newBucket: number): number {
  return newBucket & ((1 << (hashLog2(newBucket + 1) - 1)) - 1);
}

/**
 * A hash index over one relation fork. Create it with {@link HashIndex.create}
 * or open an existing one with `new HashIndex(options)`.
 */
export class HashIndex implements IndexAccessMethod {
  readonly amName = 'hash';
  readonly capabilities = CAPABILITIES;
  readonly pool: BufferPool;
  readonly rel: RelFileLocator;
  readonly descriptor: IndexDescriptor;
  readonly inserter: XLogInserter | undefined;
  readonly proc: HashProc;
  readonly stats = { splits: 0, overflowPages: 0, splitsFinished: 0, overflowPagesFreed: 0 };

  constructor(options: HashIndexOptions) {
    this.pool = options.pool;
    this.rel = options.rel;
    this.descriptor = options.descriptor;
    this.inserter = options.inserter;
    const keys = options.descriptor.keys;
    if (keys.length !== 1)
      throw new SqlError('0A000', 'access method "hash" does not support multicolumn indexes');
    if (options.descriptor.unique)
      throw new SqlError('0A000', 'access method "hash" does not support unique indexes');
    if ((options.descriptor.include?.length ?? 0) > 0)
      throw new SqlError('0A000', 'access method "hash" does not support included columns');
    const proc = hashProcFor(keys[0]!.type.name);
    if (!proc) throw notSupported(`a hash index on type ${keys[0]!.type.name}`);
    this.proc = proc;
  }

  /** Creates the fork: metapage, the initial buckets and the first bitmap page (_hash_init). */
  static create(options: HashCreateOptions): HashIndex {
    const index = new HashIndex(options);
    const smgr = index.pool.smgr;
    if (!smgr.exists(index.rel, main)) {
      if (index.inserter) createFork(index.inserter, index.rel, main);
      else smgr.create(index.rel, main);
    }
    if (smgr.nblocks(index.rel, main) !== 0)
      throw new Error(`index "${options.descriptor.name}" is not empty`);
    const ffactor = Math.max(
      10,
      Math.floor(
        Math.floor((BLCKSZ * (options.descriptor.fillfactor ?? HASH_DEFAULT_FILLFACTOR)) / 100) /
          (HASH_TUPLE_SIZE + 4),
      ),
    );
    const dnum = (options.numTuples ?? 0) / ffactor;
    let numBuckets: number;
    if (dnum <= 2) numBuckets = 2;
    else if (dnum >= 0x40000000) numBuckets = 0x40000000;
    else numBuckets = totalBuckets(spareIndex(Math.floor(dnum)));
    const spare = spareIndex(numBuckets);
    const bsize = BLCKSZ - (SIZE_OF_PAGE_HEADER + SIZE_OF_HASH_OPAQUE);
    let i = hashLog2(bsize);
    while (i > 0 && 1 << i > bsize) i--;
    const spares = new Array<number>(HASH_MAX_SPLITPOINTS).fill(0);
    spares[spare] = 1;
    let highmask = 1;
    while (highmask < numBuckets + 1) highmask *= 2;
    const meta: HashMeta = {
      magic: HASH_MAGIC,
      version: HASH_VERSION,
      ntuples: 0,
      ffactor,
      bsize,
      bmsize: 1 << i,
      bmshift: i + 3,
      maxbucket: numBuckets - 1,
      highmask: highmask - 1,
      lowmask: (highmask - 1) >>> 1,
      ovflpoint: spare,
      firstfree: 0,
      nmaps: 1,
      procid: index.proc.procOid,
      spares,
      mapp: new Array<number>(HASH_MAX_BITMAPS).fill(0),
    };
    meta.mapp[0] = numBuckets + 1;
    // Bucket pages and the bitmap page first, 32 to a record (a record names at most 33 blocks),
    // the metapage last, so the index never looks valid before its buckets exist.
    const blocks: number[] = [];
    for (let b = 1; b <= numBuckets + 1; b++) blocks.push(b);
    for (let k = 0; k < blocks.length; k += 32) {
      const held = blocks.slice(k, k + 32).map((b) => {
        const h = index.newPage(b);
        if (b <= numBuckets) {
          initHashPage(h.bytes, {
            prev: meta.maxbucket,
            next: INVALID_BLOCK,
            bucket: b - 1,
            flag: LH_BUCKET_PAGE,
          });
        } else {
          initBitmapPage(h.bytes, meta.bmsize);
        }
        return h;
      });
      index.log(
        XLOG_HASH_INIT_META_PAGE,
        held.map((h) => ({ buffer: h.buffer })),
      );
      for (const h of held) index.release(h);
    }
    const m = index.newPage(HASH_METAPAGE);
    initHashPage(m.bytes, {
      prev: INVALID_BLOCK,
      next: INVALID_BLOCK,
      bucket: INVALID_BUCKET,
      flag: LH_META_PAGE,
    });
    writeMeta(m.bytes, meta);
    index.log(XLOG_HASH_INIT_META_PAGE, [{ buffer: m.buffer }]);
    index.release(m);
    return index;
  }

  // ------------------------------------------------------------ page access

  private hold(block: number): Held {
    const buffer = this.pool.readBuffer(this.rel, main, block);
    this.pool.lock(buffer, 'exclusive');
    return { buffer, block, page: this.pool.page(buffer), bytes: this.pool.bytes(buffer) };
  }

  /** _hash_getnewbuf: block `block` for new contents, extending the fork (with a hole) if needed. */
  private newPage(block: number): Held {
    const buffer =
      block < this.pool.smgr.nblocks(this.rel, main)
        ? this.pool.readBuffer(this.rel, main, block)
        : this.pool.readBuffer(this.rel, main, block, { mode: 'zero' });
    this.pool.lock(buffer, 'exclusive');
    return { buffer, block, page: this.pool.page(buffer), bytes: this.pool.bytes(buffer) };
  }

  private release(h: Held): void {
    this.pool.unlockRelease(h.buffer);
  }

  /** A copy of a page's bytes. */
  readCopy(block: number): Uint8Array {
    const buffer = this.pool.readBuffer(this.rel, main, block);
    this.pool.lock(buffer, 'share');
    const copy = this.pool.bytes(buffer).slice();
    this.pool.unlockRelease(buffer);
    return copy;
  }

  /** The number of blocks of the index fork. */
  nblocks(): number {
    return this.pool.smgr.nblocks(this.rel, main);
  }

  private log(info: number, changed: readonly Changed[]): void {
    if (!this.inserter) {
      for (const c of changed) this.pool.markDirty(c.buffer);
      return;
    }
    this.inserter.insert({
      rmid: RM_HASH_ID,
      info,
      buffers: changed.map((c) =>
        c.insert
          ? { buffer: c.buffer, data: insertData(c.insert.offset, c.insert.tuple) }
          : { buffer: c.buffer, data: imageData(this.pool.bytes(c.buffer)), willInit: true },
      ),
    });
  }

  meta(): HashMeta {
    return readMeta(this.readCopy(HASH_METAPAGE));
  }

  /** The hash code of a key value (the opclass's support function 1). */
  hashOf(value: unknown): number {
    return this.proc.hash(value);
  }

  // ------------------------------------------------------------------ insert

  build(tuples: Iterable<IndexBuildTuple>): IndexBuildResult {
    let heapTuples = 0;
    let indexTuples = 0;
    for (const t of tuples) {
      heapTuples++;
      if (t.alive === false) continue;
      const v = t.values[0];
      if (v === null || v === undefined) continue;
      this.insert([v], t.tid);
      indexTuples++;
    }
    return { heapTuples, indexTuples };
  }

  /** _hash_doinsert. NULL keys are not indexed. */
  insert(values: readonly unknown[], tid: Tid, options?: InsertOptions): InsertResult {
    if (options?.unique !== undefined && options.unique !== 'no')
      throw new SqlError('0A000', 'access method "hash" does not support unique indexes');
    const v = values[0];
    if (v === null || v === undefined) return { kind: 'inserted' };
    const hash = this.hashOf(v);
    const tuple = formTuple(tid, hash);
    const m = this.hold(HASH_METAPAGE);
    try {
      let meta = readMeta(m.bytes);
      let bucket = hashToBucket(hash, meta.maxbucket, meta.highmask, meta.lowmask);
      const primary = readOpaque(this.readCopy(bucketToBlock(meta, bucket)));
      if (primary.flag & (LH_BUCKET_BEING_SPLIT | LH_BUCKET_BEING_POPULATED)) {
        this.finishSplit(m, bucket);
        meta = readMeta(m.bytes);
        bucket = hashToBucket(hash, meta.maxbucket, meta.highmask, meta.lowmask);
      }
      let page = this.hold(bucketToBlock(meta, bucket));
      while (page.page.freeSpace() < HASH_TUPLE_SIZE) {
        const next = readOpaque(page.bytes).next;
        if (next !== INVALID_BLOCK) {
          this.release(page);
          page = this.hold(next);
        } else {
          const ovfl = this.addOverflowPage(m, page);
          this.release(page);
          page = ovfl;
        }
      }
      const offset = binsearch(page.page, hash);
      if (page.page.addItem(tuple, { offsetNumber: offset }) !== offset)
        throw new Error('hash insert: the tuple did not fit');
      meta = readMeta(m.bytes);
      meta.ntuples += 1;
      writeMeta(m.bytes, meta);
      this.log(XLOG_HASH_INSERT, [
        { buffer: page.buffer, insert: { offset, tuple } },
        { buffer: m.buffer },
      ]);
      this.release(page);
      if (meta.ntuples > meta.ffactor * (meta.maxbucket + 1)) this.expandTable(m);
    } finally {
      this.release(m);
    }
    return { kind: 'inserted' };
  }

  /**
   * _hash_addovflpage + _hash_getovflpage: links a new overflow page after
   * `tail` (the last page of its chain), reusing a free bit of the bitmap
   * or taking the next page of the current split point. Logged as one record.
   */
  private addOverflowPage(m: Held, tail: Held): Held {
    const meta = readMeta(m.bytes);
    const origFirstfree = meta.firstfree;
    const splitnum = meta.ovflpoint;
    const maxOvfl = meta.spares[splitnum]! - 1;
    const bitsPerMap = 1 << meta.bmshift;
    const changed: Changed[] = [];
    const extra: Held[] = [];
    let bit = -1;
    for (let b = meta.firstfree; b <= maxOvfl; b++) {
      const map = meta.mapp[Math.floor(b / bitsPerMap)]!;
      const mp = this.hold(map);
      // Scan this bitmap page's bits up to the end of the range.
      const last = Math.min(maxOvfl, (Math.floor(b / bitsPerMap) + 1) * bitsPerMap - 1);
      for (; b <= last; b++) {
        if (!getBit(mp.bytes, b % bitsPerMap)) {
          bit = b;
          break;
        }
      }
      if (bit >= 0) {
        setBit(mp.bytes, bit % bitsPerMap, true);
        extra.push(mp);
        changed.push({ buffer: mp.buffer });
        break;
      }
      this.release(mp);
      b = last;
    }
    let ovfl: Held;
    if (bit >= 0) {
      ovfl = this.newPage(bitToBlock(meta, bit));
    } else {
      let newMap: Held | null = null;
      const lastBit = maxOvfl & (bitsPerMap - 1);
      if (lastBit === bitsPerMap - 1) {
        if (meta.nmaps >= HASH_MAX_BITMAPS)
          throw new SqlError(
            '54000',
            `out of overflow pages in hash index "${this.descriptor.name}"`,
          );
        newMap = this.newPage(bitToBlock(meta, meta.spares[splitnum]!));
      }
      bit = newMap ? meta.spares[splitnum]! + 1 : meta.spares[splitnum]!;
      ovfl = this.newPage(bitToBlock(meta, bit));
      meta.spares[splitnum]! += 1;
      if (newMap) {
        initBitmapPage(newMap.bytes, meta.bmsize);
        meta.mapp[meta.nmaps] = newMap.block;
        meta.nmaps += 1;
        meta.spares[splitnum]! += 1;
        extra.push(newMap);
        changed.push({ buffer: newMap.buffer });
      }
    }
    if (meta.firstfree === origFirstfree) meta.firstfree = bit + 1;
    const t = readOpaque(tail.bytes);
    initHashPage(ovfl.bytes, {
      prev: tail.block,
      next: INVALID_BLOCK,
      bucket: t.bucket,
      flag: LH_OVERFLOW_PAGE,
    });
    writeOpaque(tail.bytes, { ...t, next: ovfl.block });
    writeMeta(m.bytes, meta);
    this.log(XLOG_HASH_ADD_OVFL_PAGE, [
      { buffer: ovfl.buffer },
      { buffer: tail.buffer },
      ...changed,
      { buffer: m.buffer },
    ]);
    for (const h of extra) this.release(h);
    this.stats.overflowPages++;
    return ovfl;
  }

  // ------------------------------------------------------------------- split

  /** _hash_expandtable: splits bucket maxbucket+1 & lowmask into itself and a new bucket. */
  private expandTable(m: Held): void {
    let meta = readMeta(m.bytes);
    if (meta.maxbucket >= 0x7ffffffe) return;
    const newBucket = meta.maxbucket + 1;
    const oldBucket = newBucket & meta.lowmask;
    const oldFlag = readOpaque(this.readCopy(bucketToBlock(meta, oldBucket))).flag;
    if (oldFlag & (LH_BUCKET_BEING_SPLIT | LH_BUCKET_BEING_POPULATED)) {
      // Finish the earlier split first; this split waits for the next insert (as PostgreSQL does).
      this.finishSplit(m, oldBucket);
      return;
    }
    meta = readMeta(m.bytes);
    const startOld = bucketToBlock(meta, oldBucket);
    const startNew = bucketToBlock(meta, newBucket);
    const spareNdx = spareIndex(newBucket + 1);
    const changed: Changed[] = [];
    const held: Held[] = [];
    if (spareNdx > meta.ovflpoint) {
      // _hash_alloc_buckets: reserve the split point's bucket pages by writing its last one.
      const toAdd = totalBuckets(spareNdx) - newBucket;
      const last = startNew + toAdd - 1;
      if (last !== startNew) {
        const h = this.newPage(last);
        initHashPage(h.bytes, {
          prev: INVALID_BLOCK,
          next: INVALID_BLOCK,
          bucket: INVALID_BUCKET,
          flag: LH_UNUSED_PAGE,
        });
        held.push(h);
        changed.push({ buffer: h.buffer });
      }
    }
    meta.maxbucket = newBucket;
    if (newBucket > meta.highmask) {
      meta.lowmask = meta.highmask;
      meta.highmask = (newBucket | meta.lowmask) >>> 0;
    }
    if (spareNdx > meta.ovflpoint) {
      meta.spares[spareNdx] = meta.spares[meta.ovflpoint]!;
      meta.ovflpoint = spareNdx;
    }
    writeMeta(m.bytes, meta);
    const o = this.hold(startOld);
    const oo = readOpaque(o.bytes);
    writeOpaque(o.bytes, { ...oo, prev: meta.maxbucket, flag: oo.flag | LH_BUCKET_BEING_SPLIT });
    const n = this.newPage(startNew);
    initHashPage(n.bytes, {
      prev: meta.maxbucket,
      next: INVALID_BLOCK,
      bucket: newBucket,
      flag: LH_BUCKET_PAGE | LH_BUCKET_BEING_POPULATED,
    });
    this.log(XLOG_HASH_SPLIT_ALLOCATE_PAGE, [
      { buffer: o.buffer },
      { buffer: n.buffer },
      ...changed,
      { buffer: m.buffer },
    ]);
    for (const h of held) this.release(h);
    this.release(o);
    this.release(n);
    this.stats.splits++;
    this.moveTuples(m, oldBucket, newBucket);
  }

  /**
   * _hash_finish_split: completes a split a crash interrupted, given either
   * of its buckets (one flagged LH_BUCKET_BEING_SPLIT or LH_BUCKET_BEING_POPULATED).
   */
  private finishSplit(m: Held, bucket: number): void {
    const meta = readMeta(m.bytes);
    const flag = readOpaque(this.readCopy(bucketToBlock(meta, bucket))).flag;
    let oldBucket: number;
    let newBucket: number;
    if (flag & LH_BUCKET_BEING_POPULATED) {
      newBucket = bucket;
      oldBucket = oldBucketOf(bucket);
    } else {
      oldBucket = bucket;
      // _hash_get_newbucket_from_oldbucket
      let lowmask = meta.lowmask;
      newBucket = (oldBucket | (lowmask + 1)) >>> 0;
      if (newBucket > meta.maxbucket) {
        lowmask >>>= 1;
        newBucket = (oldBucket | (lowmask + 1)) >>> 0;
      }
    }
    this.stats.splitsFinished++;
    this.moveTuples(m, oldBucket, newBucket);
  }

  /**
   * _hash_splitbucket: moves every tuple of the old bucket's chain that now
   * maps to the new bucket onto the new bucket's chain, one old page at a
   * time (each move is one record naming the source and target pages, so
   * every tuple is in exactly one bucket at every record boundary), then
   * clears both split flags (SPLIT_COMPLETE).
   */
  private moveTuples(m: Held, oldBucket: number, newBucket: number): void {
    const meta = readMeta(m.bytes);
    let target = this.hold(bucketToBlock(meta, newBucket));
    let nextTarget = readOpaque(target.bytes).next;
    while (nextTarget !== INVALID_BLOCK) {
      this.release(target);
      target = this.hold(nextTarget);
      nextTarget = readOpaque(target.bytes).next;
    }
    let block = bucketToBlock(meta, oldBucket);
    let movedAny = false;
    while (block !== INVALID_BLOCK) {
      const src = this.hold(block);
      const moving: number[] = [];
      for (let off = 1; off <= src.page.maxOffsetNumber; off++) {
        const h = tupleHash(src.page.mustItem(off));
        if (hashToBucket(h, meta.maxbucket, meta.highmask, meta.lowmask) === newBucket)
          moving.push(off);
      }
      while (moving.length > 0) {
        if (target.page.freeSpace() < HASH_TUPLE_SIZE) {
          const ovfl = this.addOverflowPage(m, target);
          this.release(target);
          target = ovfl;
        }
        const batch: number[] = [];
        while (moving.length > 0 && target.page.freeSpace() >= HASH_TUPLE_SIZE) {
          const off = moving.shift()!;
          const t = src.page.mustItem(off);
          const moved = formTuple(tupleTid(t), tupleHash(t), true);
          const at = binsearch(target.page, tupleHash(t));
          if (target.page.addItem(moved, { offsetNumber: at }) !== at)
            throw new Error('hash split: the tuple did not fit');
          batch.push(off);
        }
        src.page.indexMultiDelete(batch);
        movedAny = true;
        // Offsets after the deleted ones moved down.
        for (let k = 0; k < moving.length; k++) {
          const o = moving[k]!;
          moving[k] = o - batch.filter((d) => d < o).length;
        }
        this.log(XLOG_HASH_SPLIT_PAGE, [{ buffer: target.buffer }, { buffer: src.buffer }]);
      }
      block = readOpaque(src.bytes).next;
      this.release(src);
    }
    this.release(target);
    const o = this.hold(bucketToBlock(meta, oldBucket));
    const n = this.hold(bucketToBlock(meta, newBucket));
    const oo = readOpaque(o.bytes);
    const no = readOpaque(n.bytes);
    writeOpaque(o.bytes, { ...oo, flag: oo.flag & ~LH_BUCKET_BEING_SPLIT });
    writeOpaque(n.bytes, { ...no, flag: no.flag & ~LH_BUCKET_BEING_POPULATED });
    this.log(XLOG_HASH_SPLIT_COMPLETE, [{ buffer: o.buffer }, { buffer: n.buffer }]);
    this.release(o);
    this.release(n);
    // hashbucketcleanup at the end of _hash_splitbucket: the old bucket lost tuples, so squeeze it.
    if (movedAny) this.squeezeBucket(m, bucketToBlock(meta, oldBucket));
  }

  // ------------------------------------------------------------------- scans

  /** The TIDs of every entry whose hash code is `hash`, in bucket-chain order (_hash_first/_hash_next). */
  lookupHash(hash: number): Tid[] {
    const meta = this.meta();
    const bucket = hashToBucket(hash, meta.maxbucket, meta.highmask, meta.lowmask);
    const out: Tid[] = [];
    const chain = (start: number) => {
      for (let block = start; block !== INVALID_BLOCK; ) {
        const bytes = this.readCopy(block);
        const page = Page.wrap(bytes);
        for (let off = binsearch(page, hash); off <= page.maxOffsetNumber; off++) {
          const t = page.mustItem(off);
          if (tupleHash(t) !== hash) break;
          out.push(tupleTid(t));
        }
        block = readOpaque(bytes).next;
      }
    };
    const start = bucketToBlock(meta, bucket);
    chain(start);
    // A split a crash interrupted: the tuples not yet moved are still in the old bucket.
    if (readOpaque(this.readCopy(start)).flag & LH_BUCKET_BEING_POPULATED)
      chain(bucketToBlock(meta, oldBucketOf(bucket)));
    return out;
  }

  /** The TIDs of entries whose key hashes like `value` (all equal keys, maybe a few colliding ones: recheck). */
  lookup(value: unknown): Tid[] {
    if (value === null || value === undefined) return [];
    return this.lookupHash(this.hashOf(value));
  }

  beginScan(): IndexScan {
    return new HashScan(this);
  }

  canReturn(_attno: number): boolean {
    return false;
  }

  // ------------------------------------------------------------------ vacuum

  /** hashbulkdelete: removes dead entries bucket by bucket, one record per changed page, then updates hashm_ntuples. */
  bulkDelete(callback: BulkDeleteCallback, stats?: IndexBulkDeleteResult): IndexBulkDeleteResult {
    const out = stats ?? emptyStats();
    const m = this.hold(HASH_METAPAGE);
    try {
      const meta = readMeta(m.bytes);
      let remaining = 0;
      for (let bucket = 0; bucket <= meta.maxbucket; bucket++) {
        let dirty = false;
        for (let block = bucketToBlock(meta, bucket); block !== INVALID_BLOCK; ) {
          const h = this.hold(block);
          const dead: number[] = [];
          for (let off = 1; off <= h.page.maxOffsetNumber; off++) {
            if (callback(tupleTid(h.page.mustItem(off)))) dead.push(off);
            else remaining++;
          }
          if (dead.length > 0) {
            h.page.indexMultiDelete(dead);
            this.log(XLOG_HASH_DELETE, [{ buffer: h.buffer }]);
            out.tuplesRemoved += dead.length;
            dirty = true;
          }
          block = readOpaque(h.bytes).next;
          this.release(h);
        }
        if (dirty) this.squeezeBucket(m, bucketToBlock(meta, bucket));
      }
      const after = readMeta(m.bytes);
      after.ntuples = remaining;
      writeMeta(m.bytes, after);
      this.log(XLOG_HASH_UPDATE_META_PAGE, [{ buffer: m.buffer }]);
      out.numIndexTuples = remaining;
      out.numPages = this.nblocks();
    } finally {
      this.release(m);
    }
    return out;
  }

  /**
   * _hash_squeezebucket: moves tuples from the end of a bucket's chain
   * into free space nearer its start and frees the overflow pages that
   * empties (_hash_freeovflpage). Each step is one record naming every page
   * it changed (MOVE_PAGE_CONTENTS, SQUEEZE_PAGE), so tuples are never lost
   * or doubled at a record boundary. Buckets in an unfinished split are
   * left alone.
   */
  private squeezeBucket(m: Held, primary: number): void {
    let w = this.hold(primary);
    const flag = readOpaque(w.bytes).flag;
    if (
      flag & (LH_BUCKET_BEING_SPLIT | LH_BUCKET_BEING_POPULATED) ||
      readOpaque(w.bytes).next === INVALID_BLOCK
    ) {
      this.release(w);
      return;
    }
    // The last page of the chain.
    let rBlock = readOpaque(w.bytes).next;
    while (true) {
      const next = readOpaque(this.readCopy(rBlock)).next;
      if (next === INVALID_BLOCK) break;
      rBlock = next;
    }
    let r = this.hold(rBlock);
    for (;;) {
      let pending: number[] = [];
      let size = 0;
      let off = 1;
      while (off <= r.page.maxOffsetNumber) {
        const itemsz = HASH_TUPLE_SIZE;
        if (w.page.freeSpaceForMultipleTuples(pending.length + 1) < size + itemsz) {
          // The write page is full: move what fits there, then go to the next page.
          const wNext = readOpaque(w.bytes).next;
          if (pending.length > 0) {
            this.addMulti(w, r, pending);
            r.page.indexMultiDelete(pending);
            this.log(XLOG_HASH_MOVE_PAGE_CONTENTS, [{ buffer: w.buffer }, { buffer: r.buffer }]);
          }
          const moved = pending.length > 0;
          this.release(w);
          if (wNext === r.block) {
            this.release(r);
            return;
          }
          w = this.hold(wNext);
          pending = [];
          size = 0;
          if (moved) off = 1;
          continue;
        }
        pending.push(off);
        size += itemsz;
        off++;
      }
      // Every remaining tuple of the read page goes to the write page; the read page is freed.
      const prevBlock = readOpaque(r.bytes).prev;
      this.freeOverflowPage(m, w, r, pending);
      if (prevBlock === w.block) {
        this.release(w);
        return;
      }
      r = this.hold(prevBlock);
    }
  }

  /** _hash_pgaddmultitup: copies the tuples at `offsets` of `from` onto `to`, in hash order. */
  private addMulti(to: Held, from: Held, offsets: readonly number[]): void {
    for (const off of offsets) {
      const t = from.page.mustItem(off).slice();
      const at = binsearch(to.page, tupleHash(t));
      if (to.page.addItem(t, { offsetNumber: at }) !== at)
        throw new Error('hash squeeze: the tuple did not fit');
    }
  }

  /**
   * _hash_freeovflpage: moves `offsets` of the overflow page `r` (the last
   * of its chain) onto `w`, unlinks `r`, reinitialises it as an unused page,
   * clears its bitmap bit and lowers hashm_firstfree. Releases `r`.
   */
  private freeOverflowPage(m: Held, w: Held, r: Held, offsets: readonly number[]): void {
    const meta = readMeta(m.bytes);
    const ro = readOpaque(r.bytes);
    if (offsets.length > 0) this.addMulti(w, r, offsets);
    const changed: Changed[] = [{ buffer: w.buffer }, { buffer: r.buffer }];
    const held: Held[] = [];
    if (ro.prev === w.block) {
      writeOpaque(w.bytes, { ...readOpaque(w.bytes), next: ro.next });
    } else {
      const p = this.hold(ro.prev);
      writeOpaque(p.bytes, { ...readOpaque(p.bytes), next: ro.next });
      held.push(p);
      changed.push({ buffer: p.buffer });
    }
    if (ro.next !== INVALID_BLOCK) {
      const n = this.hold(ro.next);
      writeOpaque(n.bytes, { ...readOpaque(n.bytes), prev: ro.prev });
      held.push(n);
      changed.push({ buffer: n.buffer });
    }
    const bit = blockToBit(meta, r.block);
    const bitsPerMap = 1 << meta.bmshift;
    const map = this.hold(meta.mapp[Math.floor(bit / bitsPerMap)]!);
    setBit(map.bytes, bit % bitsPerMap, false);
    held.push(map);
    changed.push({ buffer: map.buffer });
    initHashPage(r.bytes, {
      prev: INVALID_BLOCK,
      next: INVALID_BLOCK,
      bucket: INVALID_BUCKET,
      flag: LH_UNUSED_PAGE,
    });
    if (bit < meta.firstfree) {
      meta.firstfree = bit;
      writeMeta(m.bytes, meta);
    }
    changed.push({ buffer: m.buffer });
    this.log(XLOG_HASH_SQUEEZE_PAGE, changed);
    for (const h of held) this.release(h);
    this.release(r);
    this.stats.overflowPagesFreed++;
  }

  /** hashvacuumcleanup: reports the index size. */
  vacuumCleanup(stats?: IndexBulkDeleteResult): IndexBulkDeleteResult {
    const out = stats ?? emptyStats();
    out.numPages = this.nblocks();
    out.numIndexTuples = this.meta().ntuples;
    return out;
  }

  costEstimate(input: IndexCostInput): IndexCost {
    const tuples = Math.max(0, input.selectivity * input.indexTuples);
    const pages =
      input.indexTuples > 0
        ? Math.max(1, Math.ceil((tuples * input.indexPages) / input.indexTuples))
        : 1;
    const loops = input.loopCount ?? 1;
    const totalCost =
      pages * input.randomPageCost +
      tuples * (input.cpuIndexTupleCost + input.cpuOperatorCost) * loops;
    return { startupCost: 0, totalCost, selectivity: input.selectivity, correlation: 0, pages };
  }
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

/** _hash_pageinit plus the special space. */
function initHashPage(
  bytes: Uint8Array,
  o: { prev: number; next: number; bucket: number; flag: number },
): void {
  Page.init(bytes, SIZE_OF_HASH_OPAQUE);
  writeOpaque(bytes, { ...o, pageId: HASHO_PAGE_ID });
}

/** _hash_initbitmapbuffer: every bit set ("in use"), pd_lower just past the bitmap. */
function initBitmapPage(bytes: Uint8Array, bmsize: number): void {
  initHashPage(bytes, {
    prev: INVALID_BLOCK,
    next: INVALID_BLOCK,
    bucket: INVALID_BUCKET,
    flag: LH_BITMAP_PAGE,
  });
  bytes.fill(0xff, SIZE_OF_PAGE_HEADER, SIZE_OF_PAGE_HEADER + bmsize);
  writeU16(bytes, 12, SIZE_OF_PAGE_HEADER + bmsize);
}

/** An equality scan (hashgettuple/hashgetbitmap): one key `column = value`; every result needs a recheck. */
class HashScan implements IndexScan {
  private results: Tid[] = [];
  private pos = -1;
  private marked = -1;
  private ended = false;

  constructor(private readonly index: HashIndex) {}

  rescan(keys: readonly ScanKey[]): void {
    if (this.ended) throw new Error('hash scan: the scan has ended');
    if (keys.length === 0)
      throw new SqlError('0A000', 'hash indexes do not support whole-index scans');
    let hash: number | null = null;
    let empty = false;
    for (const k of keys) {
      if (k.attno !== 1)
        throw new RangeError(`scan key on column ${k.attno} of a one-column index`);
      if (k.searchNull || k.searchNotNull) throw notSupported('a null test on a hash index');
      if (k.strategy !== 3) throw notSupported('a hash index scan other than equality');
      if (k.argument === null || k.argument === undefined) {
        empty = true;
        continue;
      }
      const h = this.index.hashOf(k.argument);
      if (hash !== null && hash !== h) empty = true;
      hash = h;
    }
    this.results = empty || hash === null ? [] : this.index.lookupHash(hash);
    this.pos = -1;
    this.marked = -1;
  }

  next(direction: ScanDirection = 'forward'): IndexScanResult | null {
    if (direction === 'forward') {
      if (this.pos < this.results.length) this.pos++;
    } else if (this.pos === -1) this.pos = this.results.length - 1;
    else if (this.pos >= 0) this.pos--;
    const tid = this.results[this.pos];
    return tid === undefined ? null : { tid, recheck: true };
  }

  getBitmap(bitmap: TidBitmap): number {
    bitmap.add(this.results, true);
    return this.results.length;
  }

  killPrior(): void {
    // LH_PAGE_HAS_DEAD_TUPLES hints are not kept yet: a no-op is always correct.
  }

  markPosition(): void {
    this.marked = this.pos;
  }

  restorePosition(): void {
    this.pos = this.marked;
  }

  end(): void {
    this.ended = true;
    this.results = [];
  }
}
