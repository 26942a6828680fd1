import type { BlockRef, Lsn, WalRecord } from '@pg/wal';
import type { BufferPool } from './buffer-pool.js';
import { ERRCODE_INTERNAL_ERROR, StorageError } from './errors.js';
import { BLCKSZ, ForkNumber, type RelFileLocator, relKey, relpath } from './relfile.js';

/** What {@link RedoContext.readBlock} did (XLogRedoAction). */
export type RedoAction =
  /** The page is older than the record: the caller applies the change. */
  | 'needs-redo'
  /** The record's full-page image was restored; nothing else to do. */
  | 'restored'
  /** The page already holds the change (its LSN is at or past the record's end). */
  | 'done'
  /** The block does not exist (its relation was truncated or dropped later in the WAL). */
  | 'not-found';

/** A block as redo sees it: the action and, unless 'not-found', a pinned and locked buffer. */
export interface RedoBlock {
  readonly action: RedoAction;
  readonly buffer: number;
}

/**
 * What a resource manager's redo gets besides the record: the buffer pool,
 * the record's position, and PostgreSQL's redo helpers
 * (XLogReadBufferForRedo, XLogInitBufferForRedo). Recovery reuses one
 * context for every record.
 */
export class RedoContext {
  readonly pool: BufferPool;
  /** The record being replayed, its start and its end. */
  record!: WalRecord;
  lsn: Lsn = 0n;
  endLsn: Lsn = 0n;
  /** Blocks referenced by WAL that did not exist, by relation and fork: the lowest block number. */
  private readonly missing = new Map<
    string,
    { rel: RelFileLocator; fork: ForkNumber; block: number }
  >();

  constructor(pool: BufferPool) {
    this.pool = pool;
  }

  private ref(index: number): BlockRef {
    const b = this.record.blocks[index];
    if (!b) {
      throw new StorageError(
        ERRCODE_INTERNAL_ERROR,
        `record at ${this.lsn} has no block reference ${index}`,
      );
    }
    return b;
  }

  /**
   * XLogReadBufferForRedo: the buffer for block reference `index`, pinned
   * and exclusively locked. With a full-page image, the image is restored
   * ('restored'); else if the page's LSN is at or past the record's end the
   * change is already there ('done'); else the caller redoes the change
   * ('needs-redo') and then calls {@link RedoContext.finish}.
   */
  readBlock(index: number): RedoBlock {
    const b = this.ref(index);
    const fork = b.fork as ForkNumber;
    // issue 11: a main fork that is gone was dropped after this record by a committed
    // transaction (DROP, TRUNCATE, VACUUM FULL, CLUSTER, REINDEX remove files only after
    // their commit is durable): nothing to redo, as PostgreSQL forgets such references
    // when it replays the drop
    if (fork === ForkNumber.main && !this.pool.smgr.exists(b.rel, fork))
      return { action: 'not-found', buffer: -1 };
    if (b.image) {
      const buffer = this.pool.readBuffer(b.rel, fork, b.blockNumber, { mode: 'zero' });
      this.pool.lock(buffer, 'exclusive');
      if (b.image.length !== BLCKSZ) {
        throw new StorageError(
          ERRCODE_INTERNAL_ERROR,
          `full-page image of ${b.image.length} bytes`,
        );
      }
      this.pool.bytes(buffer).set(b.image);
      this.pool.page(buffer).lsn = this.endLsn;
      this.pool.markDirty(buffer);
      return { action: 'restored', buffer };
    }
    if (b.blockNumber >= this.pool.smgr.nblocks(b.rel, fork)) {
      const key = `${relKey(b.rel)}/${fork}`;
      const seen = this.missing.get(key);
      if (!seen || b.blockNumber < seen.block) {
        this.missing.set(key, { rel: b.rel, fork, block: b.blockNumber });
      }
      return { action: 'not-found', buffer: -1 };
    }
    const buffer = this.pool.readBuffer(b.rel, fork, b.blockNumber);
    this.pool.lock(buffer, 'exclusive');
    if (this.pool.page(buffer).lsn >= this.endLsn) return { action: 'done', buffer };
    return { action: 'needs-redo', buffer };
  }

  /**
   * XLogInitBufferForRedo: the buffer for a block the record initialises
   * (its fork is extended if needed), zeroed, pinned and exclusively locked.
   * The caller builds the page, then calls {@link RedoContext.finish}.
   */
  initBlock(index: number): number {
    const b = this.ref(index);
    // issue 11: a main fork dropped later by a committed transaction is recreated (as
    // PostgreSQL's XLogReadBufferExtended does); it stays behind as an unused file
    if (b.fork === ForkNumber.main && !this.pool.smgr.exists(b.rel, ForkNumber.main))
      this.pool.smgr.create(b.rel, ForkNumber.main, true);
    const buffer = this.pool.readBuffer(b.rel, b.fork as ForkNumber, b.blockNumber, {
      mode: 'zero',
    });
    this.pool.lock(buffer, 'exclusive');
    this.pool.bytes(buffer).fill(0);
    return buffer;
  }

  /**
   * Ends redo of one block: after a change ('needs-redo', or a block from
   * {@link RedoContext.initBlock}) the page gets the record's end LSN and is
   * marked dirty; then the buffer is unlocked and released.
   */
  finish(block: RedoBlock | number): void {
    const { action, buffer } =
      typeof block === 'number' ? { action: 'needs-redo', buffer: block } : block;
    if (action === 'not-found') return;
    if (action === 'needs-redo') {
      this.pool.page(buffer).lsn = this.endLsn;
      this.pool.markDirty(buffer);
    }
    this.pool.unlockRelease(buffer);
  }

  /** A fork was truncated to `nblocks` or dropped: references beyond it were expected to be missing. */
  forgetMissing(rel: RelFileLocator, fork: ForkNumber | undefined, nblocks = 0): void {
    const key = relKey(rel);
    for (const [k, m] of this.missing) {
      if (!k.startsWith(`${key}/`)) continue;
      if (fork !== undefined && m.fork !== fork) continue;
      if (m.block >= nblocks) this.missing.delete(k);
    }
  }

  /**
   * At the end of recovery, blocks the WAL changed that never existed and
   * were not truncated or dropped later mean the data directory lost data
   * (XLogCheckInvalidPages). Returns their descriptions.
   */
  unresolvedMissing(): string[] {
    return [...this.missing.values()].map(
      (m) => `block ${m.block} of relation ${relpath(m.rel, m.fork)}`,
    );
  }
}
