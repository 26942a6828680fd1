import type { ForkNumber, RelFileLocator } from './relfile.js';

/**
 * The storage manager (PostgreSQL's smgr/md): relation forks as sequences of
 * 8 KiB blocks, stored in 1 GiB segment files under the data directory.
 * Every call is synchronous (design decision 4). Writes are durable only
 * after {@link Smgr.sync} (or {@link Smgr.immedsync} of that fork); creating,
 * truncating and unlinking are durable when they return.
 *
 * Errors are {@link StorageError}s with PostgreSQL's SQLSTATEs and texts:
 * reading past the end is XX001 `could not read block 7 in file
 * "base/5/16384": read only 0 of 8192 bytes`, a missing fork is 58P01.
 */
export interface Smgr {
  /** Whether the fork exists (smgrexists). */
  exists(rel: RelFileLocator, fork: ForkNumber): boolean;
  /**
   * Creates an empty fork (smgrcreate). With `isRedo`, an existing fork is
   * left as it is (redo of a creation may find it); otherwise that is 58P02.
   */
  create(rel: RelFileLocator, fork: ForkNumber, isRedo?: boolean): void;
  /** Number of blocks in the fork (smgrnblocks); 58P01 if it does not exist. */
  nblocks(rel: RelFileLocator, fork: ForkNumber): number;
  /**
   * Writes a block at or past the end (smgrextend). Blocks between the old
   * end and `block` read as zeros afterwards, as a hole in a file does.
   */
  extend(rel: RelFileLocator, fork: ForkNumber, block: number, page: Uint8Array): void;
  /** Reads a block into `into` (8192 bytes); XX001 if it is past the end. */
  read(rel: RelFileLocator, fork: ForkNumber, block: number, into: Uint8Array): void;
  /** Overwrites an existing block (smgrwrite); XX001 if it is past the end. */
  write(rel: RelFileLocator, fork: ForkNumber, block: number, page: Uint8Array): void;
  /** Cuts the fork to `nblocks` blocks, durably (smgrtruncate); growing is an error. */
  truncate(rel: RelFileLocator, fork: ForkNumber, nblocks: number): void;
  /** Removes the fork's files, or all forks when `fork` is omitted, durably (smgrdounlinkall). */
  unlink(rel: RelFileLocator, fork?: ForkNumber): void;
  /** Makes every write to the fork durable now (smgrimmedsync). */
  immedsync(rel: RelFileLocator, fork: ForkNumber): void;
  /**
   * Makes every write since the last sync durable, for all relations: what
   * a checkpoint does with the fsync requests it has absorbed
   * (ProcessSyncRequests). Returns the number of files synced.
   */
  sync(): number;
  /**
   * Makes every relation file durable, including writes made by an earlier
   * process that crashed (SyncDataDirectory, run before crash recovery).
   * Returns the number of files synced.
   */
  syncAll(): number;
  /** Closes open files. The smgr may be used again afterwards. */
  close(): void;
}
