/**
 * FaultySmgr: a wrapper around any Smgr that counts calls and fails them on
 * demand, for tests of the paths a real disk takes rarely: a write that
 * fails (EIO), an extend that finds the disk full (ENOSPC), an fsync that
 * fails, which a checkpointer must answer with PANIC because the kernel may
 * already have dropped the dirty pages it could not write.
 *
 * A call that fails does nothing: the inner storage manager is not called.
 * The errors are those FileSmgr raises for the same errno, with PostgreSQL's
 * texts (md.c) and errcode_for_file_access()'s SQLSTATEs.
 */
import { ERRCODE_DISK_FULL, ERRCODE_IO_ERROR, StorageError } from './errors.js';
import {
  type ForkNumber,
  RELSEG_SIZE,
  type RelFileLocator,
  relpath,
  segmentPath,
} from './relfile.js';
import type { Smgr } from './smgr.js';
import { forksToUnlink } from './smgr-memory.js';

/** Every method of the Smgr interface, by name. */
export type SmgrCall =
  | 'exists'
  | 'create'
  | 'nblocks'
  | 'extend'
  | 'read'
  | 'write'
  | 'truncate'
  | 'unlink'
  | 'immedsync'
  | 'sync'
  | 'syncAll'
  | 'close';

/** The calls a {@link FaultySmgr} can fail. */
export type FaultyOp = 'read' | 'write' | 'extend' | 'immedsync' | 'sync';

/** One call that may be failed, as {@link FaultySmgr.failWhen} sees it. */
export type FaultyCall =
  | {
      readonly op: 'read' | 'write' | 'extend';
      readonly rel: RelFileLocator;
      readonly fork: ForkNumber;
      readonly block: number;
    }
  | { readonly op: 'immedsync'; readonly rel: RelFileLocator; readonly fork: ForkNumber }
  | { readonly op: 'sync' };

/** Options of a {@link FaultySmgr}. */
export interface FaultySmgrOptions {
  /** Blocks per segment of the wrapped smgr, for the file names in messages (default RELSEG_SIZE). */
  readonly segmentBlocks?: number;
}

function zeroCalls(): Record<SmgrCall, number> {
  return {
    exists: 0,
    create: 0,
    nblocks: 0,
    extend: 0,
    read: 0,
    write: 0,
    truncate: 0,
    unlink: 0,
    immedsync: 0,
    sync: 0,
    syncAll: 0,
    close: 0,
  };
}

/**
 * Wraps an Smgr, counting every call (failed ones too) and failing reads,
 * writes, extends and syncs while the matching flag is set or
 * {@link failWhen} says so:
 *
 *     read       58030 could not read block 3 in file "base/5/16384": Input/output error
 *     write      58030 could not write block 3 in file "base/5/16384": Input/output error
 *     extend     53100 could not extend file "base/5/16384": No space left on device
 *     immedsync  58030 could not fsync file "base/5/16384": Input/output error
 *     sync       58030 could not fsync file "base/5/16384": Input/output error
 *
 * sync() names the first segment file written through this wrapper since
 * its last successful sync(), or "." (the data directory) if none was.
 */
export class FaultySmgr implements Smgr {
  readonly inner: Smgr;
  readonly segmentBlocks: number;
  /** Calls per method, failed ones included. */
  readonly calls: Record<SmgrCall, number> = zeroCalls();
  /** While true, read() fails with EIO. */
  failRead = false;
  /** While true, write() fails with EIO. */
  failWrite = false;
  /** While true, extend() fails with ENOSPC. */
  failExtend = false;
  /** While true, immedsync() fails with EIO. */
  failImmedsync = false;
  /** While true, sync() fails with EIO. */
  failSync = false;
  /** Fails a call when it returns true, flags or not: to fail the third write, or block 7 only. */
  failWhen: ((call: FaultyCall) => boolean) | undefined;
  /** Segment files written through this wrapper since the last successful sync(). */
  private readonly written = new Set<string>();

  constructor(inner: Smgr, options: FaultySmgrOptions = {}) {
    this.inner = inner;
    this.segmentBlocks = options.segmentBlocks ?? RELSEG_SIZE;
  }

  /** Sets every counter of {@link calls} back to zero. */
  resetCalls(): void {
    Object.assign(this.calls, zeroCalls());
  }

  private segment(rel: RelFileLocator, fork: ForkNumber, block: number): string {
    return segmentPath(rel, fork, Math.floor(block / this.segmentBlocks));
  }

  private fails(flag: boolean, call: FaultyCall): boolean {
    return flag || (this.failWhen?.(call) ?? false);
  }

  exists(rel: RelFileLocator, fork: ForkNumber): boolean {
    this.calls.exists++;
    return this.inner.exists(rel, fork);
  }

  create(rel: RelFileLocator, fork: ForkNumber, isRedo?: boolean): void {
    this.calls.create++;
    this.inner.create(rel, fork, isRedo);
  }

  nblocks(rel: RelFileLocator, fork: ForkNumber): number {
    this.calls.nblocks++;
    return this.inner.nblocks(rel, fork);
  }

  extend(rel: RelFileLocator, fork: ForkNumber, block: number, page: Uint8Array): void {
    this.calls.extend++;
    if (this.fails(this.failExtend, { op: 'extend', rel, fork, block })) {
      throw new StorageError(
        ERRCODE_DISK_FULL,
        `could not extend file "${this.segment(rel, fork, block)}": No space left on device`,
      );
    }
    this.inner.extend(rel, fork, block, page);
    this.written.add(this.segment(rel, fork, block));
  }

  read(rel: RelFileLocator, fork: ForkNumber, block: number, into: Uint8Array): void {
    this.calls.read++;
    if (this.fails(this.failRead, { op: 'read', rel, fork, block })) {
      throw new StorageError(
        ERRCODE_IO_ERROR,
        `could not read block ${block} in file "${this.segment(rel, fork, block)}": Input/output error`,
      );
    }
    this.inner.read(rel, fork, block, into);
  }

  write(rel: RelFileLocator, fork: ForkNumber, block: number, page: Uint8Array): void {
    this.calls.write++;
    if (this.fails(this.failWrite, { op: 'write', rel, fork, block })) {
      throw new StorageError(
        ERRCODE_IO_ERROR,
        `could not write block ${block} in file "${this.segment(rel, fork, block)}": Input/output error`,
      );
    }
    this.inner.write(rel, fork, block, page);
    this.written.add(this.segment(rel, fork, block));
  }

  truncate(rel: RelFileLocator, fork: ForkNumber, nblocks: number): void {
    this.calls.truncate++;
    this.inner.truncate(rel, fork, nblocks);
  }

  unlink(rel: RelFileLocator, fork?: ForkNumber): void {
    this.calls.unlink++;
    this.inner.unlink(rel, fork);
    for (const path of [...this.written]) {
      for (const f of forksToUnlink(fork)) {
        const base = relpath(rel, f);
        if (path === base || path.startsWith(`${base}.`)) this.written.delete(path);
      }
    }
  }

  immedsync(rel: RelFileLocator, fork: ForkNumber): void {
    this.calls.immedsync++;
    if (this.fails(this.failImmedsync, { op: 'immedsync', rel, fork })) {
      throw new StorageError(
        ERRCODE_IO_ERROR,
        `could not fsync file "${relpath(rel, fork)}": Input/output error`,
      );
    }
    this.inner.immedsync(rel, fork);
  }

  sync(): number {
    this.calls.sync++;
    if (this.fails(this.failSync, { op: 'sync' })) {
      const first = [...this.written].sort()[0] ?? '.';
      throw new StorageError(
        ERRCODE_IO_ERROR,
        `could not fsync file "${first}": Input/output error`,
      );
    }
    const n = this.inner.sync();
    this.written.clear();
    return n;
  }

  /** Counted; fails with sync() (failSync), as both are fsyncs at the same moment. */
  syncAll(): number {
    this.calls.syncAll++;
    if (this.fails(this.failSync, { op: 'sync' })) {
      throw new StorageError(ERRCODE_IO_ERROR, 'could not fsync file ".": Input/output error');
    }
    const n = this.inner.syncAll();
    this.written.clear();
    return n;
  }

  close(): void {
    this.calls.close++;
    this.inner.close();
  }
}
