import { Page } from '@pg/page';
import { ERRCODE_DATA_CORRUPTED, ERRCODE_INTERNAL_ERROR, StorageError } from './errors.js';
import { BLCKSZ, type ForkNumber, type RelFileLocator, relKey, relpath } from './relfile.js';
import type { Smgr } from './smgr.js';

/** PostgreSQL's BM_MAX_USAGE_COUNT: the clock hand passes a busy buffer at most five times. */
export const MAX_USAGE_COUNT = 5;
/** PostgreSQL's default shared_buffers, 128MB. */
export const DEFAULT_SHARED_BUFFERS = 128 * 1024 * 1024;
/** PostgreSQL's smallest shared_buffers, 16 buffers (128kB). */
export const MIN_BUFFERS = 16;

/** What the pool needs of the WAL: how far it is durable, and a way to make all of it durable. */
export interface WalFlusher {
  readonly flushedLsn: bigint;
  /** Makes every inserted record durable (XLogFlush); throws (PANIC) on failure. */
  flushSync(): void;
}

export interface BufferPoolOptions {
  readonly smgr: Smgr;
  /** shared_buffers in bytes, a multiple of 8192, at least 16 buffers (default 128MB). */
  readonly sharedBuffers?: number;
  /** Set the checksum when writing a page and verify it when reading (initdb --data-checksums). */
  readonly checksums?: boolean;
  /**
   * The WAL a dirty page's pd_lsn refers to. Before a page is written, WAL
   * is flushed up to its LSN. Without one (unlogged data, tests) pages are
   * written as they are.
   */
  readonly wal?: WalFlusher;
}

/** Counters since the pool was created (pg_stat_bgwriter, EXPLAIN (BUFFERS)). */
export interface BufferStats {
  /** readBuffer calls answered from the pool. */
  hits: number;
  /** Blocks read from storage. */
  reads: number;
  /** Blocks written to storage (by eviction, the background writer, checkpoints, flushes). */
  writes: number;
  /** Buffers reused for another block (clock sweep or ring). */
  evictions: number;
  /** Blocks added to relations. */
  extends: number;
  /** issue 11 (vacuum cost): clean buffers marked dirty (VacuumPageDirty's event). */
  dirtied: number;
  /** WAL flushes forced by writing a page whose LSN was not yet durable. */
  walFlushes: number;
}

/** Kinds of ring (BufferAccessStrategyType), with PostgreSQL 15's ring sizes. */
export type StrategyKind = 'bulkread' | 'bulkwrite' | 'vacuum';
const RING_BYTES: Record<StrategyKind, number> = {
  bulkread: 256 * 1024,
  bulkwrite: 16 * 1024 * 1024,
  vacuum: 256 * 1024,
};

/**
 * A ring of buffers (BufferAccessStrategy): a large sequential scan, COPY
 * or VACUUM reuses its own few buffers instead of pushing the whole cache
 * out. Get one from {@link BufferPool.strategy}; use it for one scan.
 */
export class BufferAccessStrategy {
  readonly kind: StrategyKind;
  /** Buffer ids, -1 for an empty slot. */
  readonly ring: Int32Array;
  /** Slot used last. */
  current = -1;
  /** Whether the buffer handed out last came from the ring. */
  fromRing = false;

  constructor(kind: StrategyKind, size: number) {
    this.kind = kind;
    this.ring = new Int32Array(size).fill(-1);
  }
}

const FLAG_VALID = 1;
const FLAG_DIRTY = 2;
/** issue 11 (block counters): loaded by an uncounted read; the next counted read is a read, not a hit. */
const FLAG_LOADED_UNCOUNTED = 4;

/** A relation as the pool knows it: one buffer table per fork (an SMgrRelation). */
interface RelEntry {
  readonly locator: RelFileLocator;
  readonly forks: [
    Map<number, number>,
    Map<number, number>,
    Map<number, number>,
    Map<number, number>,
  ];
  // issue 11 (block counters): pgstat_count_buffer_read/hit, per relation
  /** The relation OID the counts belong to (its relfilenode until told otherwise). */
  statOid: number;
  /** Blocks asked for since the counts were last taken (blocks_fetched). */
  fetched: number;
  /** Of those, found in the pool (blocks_hit). */
  hit: number;
  /** Whether the entry is in the pool's list of counted relations. */
  listed: boolean;
}

/**
 * One relation's block counts since they were last taken
 * ({@link BufferPool.takeRelationCounts}): pg_statio's heap_blks_* and
 * idx_blks_* (read = fetched - hit).
 */
export interface RelationBlockCounts {
  /** The relation's database (0 for a shared catalog). */
  readonly dbOid: number;
  /** Its OID as {@link BufferPool.setStatOid} named it, else its relfilenode. */
  readonly relOid: number;
  readonly fetched: number;
  readonly hit: number;
}

/** What a buffer holds. */
export interface BufferTag {
  readonly rel: RelFileLocator;
  readonly fork: ForkNumber;
  readonly block: number;
}

/** How {@link BufferPool.readBuffer} fills the buffer. */
export interface ReadBufferOptions {
  readonly strategy?: BufferAccessStrategy;
  /**
   * 'normal' reads and verifies the block. 'zero' (RBM_ZERO_AND_LOCK) does
   * not read: the caller is about to overwrite the whole page, as redo of a
   * full-page image or of a record that initialises the page does; the
   * fork is extended with zero pages if the block is past its end.
   */
  readonly mode?: 'normal' | 'zero';
  /**
   * issue 11 (block counters): a pin the caller's next readBuffer of the
   * same block repeats (the heap's heap_page_prune_opt pins a page just
   * before the scan that reads it does): not counted in the relation's
   * block counts; a block it had to load counts as read at that next
   * readBuffer rather than as a hit.
   */
  readonly uncounted?: boolean;
}

/**
 * The shared buffer pool: shared_buffers / 8192 frames of one ArrayBuffer,
 * each handed out as a @pg/page view. A buffer is a small integer. Callers
 * pin a buffer (readBuffer/extend), take its content lock to look at or
 * change the page, mark it dirty after changing it, and release it.
 *
 * Replacement is PostgreSQL's clock sweep: every pin raises a buffer's usage
 * count (to at most 5); the hand lowers it as it passes; the first unpinned
 * buffer found at zero is reused. A dirty victim is written first, and
 * before any page is written the WAL is flushed up to its pd_lsn.
 */
export class BufferPool {
  readonly smgr: Smgr;
  readonly nBuffers: number;
  readonly checksums: boolean;
  /** The one allocation for page contents: nBuffers × 8 KiB. */
  readonly memory: ArrayBuffer;
  private readonly wal: WalFlusher | undefined;
  private readonly pages: Page[];
  private readonly frames: Uint8Array[];
  private readonly tagRel: (RelEntry | null)[];
  private readonly tagFork: Uint8Array;
  private readonly tagBlock: Uint32Array;
  private readonly flags: Uint8Array;
  private readonly usage: Uint8Array;
  private readonly refcount: Int32Array;
  /** 0 unlocked, n > 0 share-locked n times, -1 exclusively locked. */
  private readonly lockState: Int32Array;
  private readonly rels = new Map<string, RelEntry>();
  private readonly relByObject = new WeakMap<RelFileLocator, RelEntry>();
  /** Buffers never used or invalidated, reused before the clock sweep runs. */
  private readonly freeList: number[] = [];
  /** issue 11 (block counters): relations whose counts moved since the last take. */
  private counted: RelEntry[] = [];
  private nextVictim = 0;
  private mapped = 0;
  readonly stats: BufferStats = {
    hits: 0,
    reads: 0,
    writes: 0,
    evictions: 0,
    extends: 0,
    dirtied: 0,
    walFlushes: 0,
  };

  constructor(options: BufferPoolOptions) {
    const bytes = options.sharedBuffers ?? DEFAULT_SHARED_BUFFERS;
    if (!Number.isInteger(bytes) || bytes % BLCKSZ !== 0 || bytes / BLCKSZ < MIN_BUFFERS) {
      throw new StorageError(
        '22023',
        `invalid value for parameter "shared_buffers": ${bytes} bytes (a multiple of 8kB, at least 128kB)`,
      );
    }
    this.smgr = options.smgr;
    this.wal = options.wal;
    this.checksums = options.checksums ?? false;
    const n = bytes / BLCKSZ;
    this.nBuffers = n;
    this.memory = new ArrayBuffer(bytes);
    this.frames = new Array<Uint8Array>(n);
    this.pages = new Array<Page>(n);
    for (let i = 0; i < n; i++) {
      const frame = new Uint8Array(this.memory, i * BLCKSZ, BLCKSZ);
      this.frames[i] = frame;
      this.pages[i] = Page.wrap(frame);
    }
    this.tagRel = new Array<RelEntry | null>(n).fill(null);
    this.tagFork = new Uint8Array(n);
    this.tagBlock = new Uint32Array(n);
    this.flags = new Uint8Array(n);
    this.usage = new Uint8Array(n);
    this.refcount = new Int32Array(n);
    this.lockState = new Int32Array(n);
    for (let i = n - 1; i >= 0; i--) this.freeList.push(i);
  }

  // ------------------------------------------------------------ relations

  private entry(rel: RelFileLocator): RelEntry {
    let e = this.relByObject.get(rel);
    if (e) return e;
    const key = relKey(rel);
    e = this.rels.get(key);
    if (!e) {
      e = {
        locator: { spcOid: rel.spcOid, dbOid: rel.dbOid, relNumber: rel.relNumber },
        forks: [new Map(), new Map(), new Map(), new Map()],
        statOid: rel.relNumber,
        fetched: 0,
        hit: 0,
        listed: false,
      };
      this.rels.set(key, e);
    }
    this.relByObject.set(rel, e);
    return e;
  }

  // issue 11 (block counters)
  /**
   * Names the relation OID whose statistics count the blocks of `rel`
   * (a relation whose relfilenode is not its OID: after TRUNCATE, VACUUM
   * FULL, CLUSTER or REINDEX).
   */
  setStatOid(rel: RelFileLocator, oid: number): void {
    this.entry(rel).statOid = oid;
  }

  /**
   * The per-relation block counts since the last call, and zeroes them
   * (what pgstat flushes). Every {@link readBuffer} counts one block
   * fetched for its relation (any fork), and one hit when the block was in
   * the pool; {@link extend} counts one fetched block, as PostgreSQL 15's
   * ReadBufferExtended(P_NEW) does.
   */
  takeRelationCounts(): RelationBlockCounts[] {
    const list = this.counted;
    this.counted = [];
    const out: RelationBlockCounts[] = [];
    for (const e of list) {
      out.push({ dbOid: e.locator.dbOid, relOid: e.statOid, fetched: e.fetched, hit: e.hit });
      e.fetched = 0;
      e.hit = 0;
      e.listed = false;
    }
    return out;
  }

  /** A ring for a bulk operation (GetAccessStrategy), at most 1/8 of the pool. */
  strategy(kind: StrategyKind): BufferAccessStrategy {
    const size = Math.max(1, Math.min(RING_BYTES[kind] / BLCKSZ, Math.floor(this.nBuffers / 8)));
    return new BufferAccessStrategy(kind, size);
  }

  // ------------------------------------------------------------- pinning

  /**
   * Pins block `block` of a fork and returns its buffer (ReadBufferExtended).
   * The page is read and verified on a miss: a page that fails verification
   * (a bad header, or a checksum mismatch with checksums on) is an ERROR
   * with SQLSTATE XX001 naming block and relation; the buffer is not kept.
   */
  readBuffer(
    rel: RelFileLocator,
    fork: ForkNumber,
    block: number,
    options?: ReadBufferOptions,
  ): number {
    const e = this.entry(rel);
    const strategy = options?.strategy;
    // issue 11 (block counters): pgstat_count_buffer_read
    const counted = options?.uncounted !== true;
    if (counted) {
      e.fetched++;
      if (!e.listed) {
        e.listed = true;
        this.counted.push(e);
      }
    }
    const found = e.forks[fork].get(block);
    if (found !== undefined) {
      this.pin(found, strategy);
      this.stats.hits++;
      // issue 11 (block counters): pgstat_count_buffer_hit
      if (counted) {
        if ((this.flags[found]! & FLAG_LOADED_UNCOUNTED) === 0) e.hit++;
        else this.flags[found]! &= ~FLAG_LOADED_UNCOUNTED;
      }
      return found;
    }
    checkBlock(block);
    const zero = options?.mode === 'zero';
    if (zero) {
      const n = this.smgr.nblocks(e.locator, fork);
      if (block >= n) {
        this.smgr.extend(e.locator, fork, block, new Uint8Array(BLCKSZ));
        this.stats.extends++;
      }
    }
    const id = this.victim(strategy);
    const frame = this.frames[id]!;
    if (zero) {
      frame.fill(0);
    } else {
      try {
        this.smgr.read(e.locator, fork, block, frame);
      } catch (err) {
        this.freeList.push(id);
        throw err;
      }
      this.stats.reads++;
      const verdict = this.pages[id]!.verify({ checksums: this.checksums, blockNumber: block });
      if (!verdict.ok) {
        frame.fill(0);
        this.freeList.push(id);
        const first = verdict.problems[0]!;
        const detail =
          first.kind === 'checksum-mismatch'
            ? `page verification failed, calculated checksum ${first.calculated} but expected ${first.expected}`
            : `page verification failed: ${first.kind}`;
        throw new StorageError(
          ERRCODE_DATA_CORRUPTED,
          `invalid page in block ${block} of relation ${relpath(e.locator, fork)}`,
          { detail },
        );
      }
    }
    this.install(id, e, fork, block);
    if (!counted) this.flags[id]! |= FLAG_LOADED_UNCOUNTED; // issue 11 (block counters)
    return id;
  }

  /**
   * Adds a zero-filled block at the end of a fork, writes it to storage at
   * once (so the file's length is the number of blocks, as smgrextend does)
   * and returns it pinned. The caller initialises the page.
   */
  extend(rel: RelFileLocator, fork: ForkNumber, strategy?: BufferAccessStrategy): number {
    const e = this.entry(rel);
    const block = this.smgr.nblocks(e.locator, fork);
    checkBlock(block);
    // issue 11 (block counters): ReadBufferExtended(P_NEW) counts a read
    e.fetched++;
    if (!e.listed) {
      e.listed = true;
      this.counted.push(e);
    }
    const id = this.victim(strategy);
    const frame = this.frames[id]!;
    frame.fill(0);
    try {
      this.smgr.extend(e.locator, fork, block, frame);
    } catch (err) {
      this.freeList.push(id);
      throw err;
    }
    this.stats.extends++;
    this.install(id, e, fork, block);
    return id;
  }

  private pin(id: number, strategy: BufferAccessStrategy | undefined): void {
    this.refcount[id]!++;
    const u = this.usage[id]!;
    if (strategy === undefined) {
      if (u < MAX_USAGE_COUNT) this.usage[id] = u + 1;
    } else if (u === 0) {
      // A ring's pin counts once, so a bulk scan cannot make its pages look hot.
      this.usage[id] = 1;
    }
  }

  /** Pins an already pinned buffer once more (IncrBufferRefCount). */
  pinAgain(id: number): void {
    this.checkPinned(id);
    this.refcount[id]!++;
  }

  /** Drops one pin (ReleaseBuffer). The buffer must not be content-locked by this pin's holder. */
  release(id: number): void {
    this.checkPinned(id);
    this.refcount[id]!--;
  }

  /** Unlocks and releases (UnlockReleaseBuffer). */
  unlockRelease(id: number): void {
    this.unlock(id);
    this.release(id);
  }

  // -------------------------------------------------------- content locks

  /**
   * Takes the buffer's content lock. Sessions share one thread and hold
   * content locks only while they run synchronously, so a conflicting
   * request can only be a bug: it throws instead of waiting forever.
   */
  lock(id: number, mode: 'share' | 'exclusive'): void {
    this.checkPinned(id);
    const s = this.lockState[id]!;
    if (mode === 'exclusive') {
      if (s !== 0)
        throw internal(`buffer ${id} is already ${s < 0 ? 'exclusively' : 'share'} locked`);
      this.lockState[id] = -1;
    } else {
      if (s < 0) throw internal(`buffer ${id} is exclusively locked`);
      this.lockState[id] = s + 1;
    }
  }

  /** Releases one content lock. */
  unlock(id: number): void {
    const s = this.lockState[id]!;
    if (s === 0) throw internal(`buffer ${id} is not locked`);
    this.lockState[id] = s < 0 ? 0 : s - 1;
  }

  /** Whether the buffer is exclusively locked. */
  isExclusivelyLocked(id: number): boolean {
    return this.lockState[id] === -1;
  }

  // --------------------------------------------------------------- pages

  /** The page in a pinned buffer. Change it only under the exclusive content lock. */
  page(id: number): Page {
    this.checkPinned(id);
    return this.pages[id]!;
  }

  /** The buffer's 8192 bytes. */
  bytes(id: number): Uint8Array {
    this.checkPinned(id);
    return this.frames[id]!;
  }

  /** Which block the buffer holds. */
  tag(id: number): BufferTag {
    const e = this.tagRel[id];
    if (!e) throw internal(`buffer ${id} holds no block`);
    return { rel: e.locator, fork: this.tagFork[id] as ForkNumber, block: this.tagBlock[id]! };
  }

  /** The block number the buffer holds (BufferGetBlockNumber). */
  blockNumber(id: number): number {
    return this.tagBlock[id]!;
  }

  /**
   * Marks a changed page dirty (MarkBufferDirty): it will be written before
   * the buffer is reused, by the background writer, or at the next
   * checkpoint. Requires a pin and the exclusive content lock.
   */
  markDirty(id: number): void {
    this.checkPinned(id);
    if (this.lockState[id] !== -1)
      throw internal(`buffer ${id} is marked dirty without an exclusive lock`);
    if ((this.flags[id]! & FLAG_DIRTY) === 0) this.stats.dirtied++; // issue 11 (vacuum cost)
    this.flags[id]! |= FLAG_DIRTY;
  }

  isDirty(id: number): boolean {
    return (this.flags[id]! & FLAG_DIRTY) !== 0;
  }

  /** The pin count (for tests and pg_buffercache). */
  pinCount(id: number): number {
    return this.refcount[id]!;
  }

  /** The usage count (for tests and pg_buffercache). */
  usageCount(id: number): number {
    return this.usage[id]!;
  }

  /** The buffer holding a block, if it is in the pool; does not pin. */
  lookup(rel: RelFileLocator, fork: ForkNumber, block: number): number | undefined {
    return this.entry(rel).forks[fork].get(block);
  }

  /** Buffers holding a block. */
  get residentCount(): number {
    return this.mapped;
  }

  // ------------------------------------------------------------- writing

  /**
   * Writes a buffer if it is dirty (FlushBuffer): WAL first, up to the
   * page's LSN; then the checksum; then the block. Returns whether it wrote.
   */
  flushBuffer(id: number): boolean {
    if ((this.flags[id]! & FLAG_DIRTY) === 0) return false;
    if (this.lockState[id] === -1)
      throw internal(`buffer ${id} is written while exclusively locked`);
    const e = this.tagRel[id]!;
    const page = this.pages[id]!;
    const block = this.tagBlock[id]!;
    if (this.wal !== undefined && page.lsn > this.wal.flushedLsn) {
      this.wal.flushSync();
      this.stats.walFlushes++;
      if (page.lsn > this.wal.flushedLsn) {
        throw internal(`WAL is not flushed up to the page's LSN after a flush (block ${block})`);
      }
    }
    if (this.checksums) page.setChecksum(block);
    this.smgr.write(e.locator, this.tagFork[id] as ForkNumber, block, this.frames[id]!);
    this.flags[id]! &= ~FLAG_DIRTY;
    this.stats.writes++;
    return true;
  }

  /** Buffers dirty now, in buffer order (what a checkpoint must write: BufferSync). */
  dirtyBuffers(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.nBuffers; i++) if ((this.flags[i]! & FLAG_DIRTY) !== 0) out.push(i);
    return out;
  }

  /** Writes every dirty buffer (checkpoint or shutdown). Returns how many it wrote. */
  flushAll(): number {
    let n = 0;
    for (const id of this.dirtyBuffers()) if (this.flushBuffer(id)) n++;
    return n;
  }

  /** Writes the dirty buffers of one relation (FlushRelationBuffers). */
  flushRelation(rel: RelFileLocator): number {
    const e = this.entry(rel);
    let n = 0;
    for (const fork of e.forks) for (const id of fork.values()) if (this.flushBuffer(id)) n++;
    return n;
  }

  /**
   * Forgets a relation's buffers from block `fromBlock` on, without writing
   * them (DropRelationBuffers): the blocks are being truncated or the
   * relation unlinked. The buffers must not be pinned.
   */
  dropRelation(rel: RelFileLocator, fork?: ForkNumber, fromBlock = 0): void {
    const e = this.entry(rel);
    const forks = fork === undefined ? [0, 1, 2, 3] : [fork];
    for (const f of forks) {
      for (const [block, id] of [...e.forks[f as ForkNumber].entries()]) {
        if (block < fromBlock) continue;
        if (this.refcount[id] !== 0) throw internal(`buffer ${id} of a dropped relation is pinned`);
        this.invalidate(id);
        this.freeList.push(id);
      }
    }
  }

  /**
   * One round of the background writer (BgBufferSync, simplified): writes up
   * to `maxPages` dirty, unpinned, not recently used buffers just ahead of
   * the clock hand, so the buffers the sweep reaches next can be reused
   * without a write. Returns how many it wrote.
   */
  backgroundWrite(maxPages = 100): number {
    let written = 0;
    for (let k = 0, i = this.nextVictim; k < this.nBuffers && written < maxPages; k++) {
      if (
        (this.flags[i]! & FLAG_DIRTY) !== 0 &&
        this.refcount[i] === 0 &&
        this.usage[i] === 0 &&
        this.lockState[i] === 0
      ) {
        if (this.flushBuffer(i)) written++;
      }
      i = i + 1 === this.nBuffers ? 0 : i + 1;
    }
    return written;
  }

  // ---------------------------------------------------------- replacement

  /** Maps a buffer to its new block, pinned once, usage count 1. */
  private install(id: number, e: RelEntry, fork: ForkNumber, block: number): void {
    this.refcount[id] = 1;
    this.usage[id] = 1;
    this.tagRel[id] = e;
    this.tagFork[id] = fork;
    this.tagBlock[id] = block;
    this.flags[id] = FLAG_VALID;
    this.lockState[id] = 0;
    e.forks[fork].set(block, id);
    this.mapped++;
  }

  private invalidate(id: number): void {
    const e = this.tagRel[id];
    if (e) {
      e.forks[this.tagFork[id] as ForkNumber].delete(this.tagBlock[id]!);
      this.mapped--;
    }
    this.tagRel[id] = null;
    this.flags[id] = 0;
    this.usage[id] = 0;
  }

  /**
   * A buffer to load a new block into, unpinned and no longer mapped: from
   * the free list, the ring, or the clock sweep (StrategyGetBuffer). A dirty
   * victim is written first.
   */
  private victim(strategy: BufferAccessStrategy | undefined): number {
    for (;;) {
      const id = this.pickVictim(strategy);
      if ((this.flags[id]! & FLAG_DIRTY) !== 0) {
        // StrategyRejectBuffer: a bulk read does not flush WAL to reuse its own ring buffer.
        if (
          strategy?.fromRing &&
          strategy.kind === 'bulkread' &&
          this.wal !== undefined &&
          this.pages[id]!.lsn > this.wal.flushedLsn
        ) {
          strategy.ring[strategy.current] = -1;
          continue;
        }
        this.flushBuffer(id);
      }
      if (this.tagRel[id] !== null) {
        this.invalidate(id);
        this.stats.evictions++;
      }
      return id;
    }
  }

  private pickVictim(strategy: BufferAccessStrategy | undefined): number {
    if (strategy) {
      strategy.current = (strategy.current + 1) % strategy.ring.length;
      const id = strategy.ring[strategy.current]!;
      if (id >= 0 && this.refcount[id] === 0 && this.usage[id]! <= 1) {
        strategy.fromRing = true;
        return id;
      }
      strategy.fromRing = false;
    }
    let id: number;
    const free = this.freeList.pop();
    if (free !== undefined) {
      id = free;
    } else {
      id = this.clockSweep();
    }
    if (strategy) strategy.ring[strategy.current] = id;
    return id;
  }

  private clockSweep(): number {
    let pinnedInARow = 0;
    for (;;) {
      const id = this.nextVictim;
      this.nextVictim = id + 1 === this.nBuffers ? 0 : id + 1;
      if (this.refcount[id] === 0) {
        const u = this.usage[id]!;
        if (u === 0) return id;
        this.usage[id] = u - 1;
        pinnedInARow = 0;
      } else if (++pinnedInARow >= this.nBuffers) {
        throw internal('no unpinned buffers available');
      }
    }
  }

  private checkPinned(id: number): void {
    if (!(id >= 0 && id < this.nBuffers) || (this.refcount[id] ?? 0) <= 0) {
      throw internal(`buffer ${id} is not pinned`);
    }
  }
}

function checkBlock(block: number): void {
  if (!Number.isInteger(block) || block < 0 || block > 0xfffffffe) {
    throw internal(`invalid block number ${block}`);
  }
}

function internal(message: string): StorageError {
  return new StorageError(ERRCODE_INTERNAL_ERROR, message);
}
