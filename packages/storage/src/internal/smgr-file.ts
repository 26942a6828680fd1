/**
 * FileSmgr: relation forks as files in a data directory, laid out as
 * PostgreSQL 15 lays them out (md.c), with synchronous positional I/O.
 *
 * On-disk layout, relative to the data directory:
 *
 *     base/<dbOid>/<relNumber>          main fork, first segment
 *     base/<dbOid>/<relNumber>_fsm      free space map
 *     base/<dbOid>/<relNumber>_vm       visibility map
 *     base/<dbOid>/<relNumber>_init     init fork (unlogged relations)
 *     base/<dbOid>/<relNumber>.1        second segment (blocks S..2S-1), _fsm.1 ...
 *     global/<relNumber>                shared catalogs (tablespace 1664)
 *     pg_tblspc/<spcOid>/PG_15_202209061/<dbOid>/<relNumber>   other tablespaces
 *
 *     fork:  | segment 0 | segment 1 | segment 2    | segment 3 | segment 4 |
 *            |  S blocks |  S blocks | 0 <= n < S   |  0 blocks |  0 blocks |
 *            '------- full ---------'  partial       '--- inactive -----'
 *
 * S is segmentBlocks (RELSEG_SIZE = 131072 blocks = 1 GiB by default). Block
 * b lives in segment floor(b / S) at byte offset (b mod S) * 8192. A fork's
 * length is S times the number of full segments plus the blocks of the first
 * segment that is not full; a missing next segment ends it too. Segments
 * after the partial one are inactive: a truncate leaves them at length zero
 * instead of removing them, as md.c does (another process may still hold
 * them open, and a later extend reuses them). unlink removes them all.
 *
 * Durability: block writes go to the OS page cache and are remembered in a
 * dirty set of segment files; sync() fdatasyncs exactly those files (what a
 * checkpoint does with the fsync requests it absorbed) and immedsync() every
 * segment of one fork, active or inactive, as mdimmedsync() does. create,
 * truncate and unlink are durable when they return: create fsyncs the new
 * file, its directory and any directory it had to make; truncate fdatasyncs
 * each file it shortened; unlink fsyncs the directory. Directories that
 * gained a segment file through extend are fsynced by the next sync() or
 * immedsync(), so that a synced block cannot be lost with its directory
 * entry (md.c leaves that to the file system).
 *
 * A failed fsync is reported as an error and the file stays in the dirty
 * set, but what reached the disk is then unknown (Linux may already have
 * dropped the pages it could not write): the caller must PANIC and recover
 * from WAL, as PostgreSQL does with data_sync_retry = off.
 *
 * One FileSmgr owns its data directory (PostgreSQL's postmaster.pid lock is
 * the engine's job): it caches each fork's length, and a file changed behind
 * its back is seen only after close().
 */
import {
  closeSync,
  constants,
  type Dirent,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { getSystemErrorMap } from 'node:util';
import {
  ERRCODE_DATA_CORRUPTED,
  ERRCODE_DISK_FULL,
  ERRCODE_DUPLICATE_FILE,
  ERRCODE_INSUFFICIENT_PRIVILEGE,
  ERRCODE_INSUFFICIENT_RESOURCES,
  ERRCODE_INTERNAL_ERROR,
  ERRCODE_IO_ERROR,
  ERRCODE_UNDEFINED_FILE,
  ERRCODE_WRONG_OBJECT_TYPE,
  StorageError,
} from './errors.js';
import {
  BLCKSZ,
  type ForkNumber,
  RELSEG_SIZE,
  type RelFileLocator,
  relpath,
  segmentPath,
} from './relfile.js';
import type { Smgr } from './smgr.js';
import {
  checkBlock,
  checkBlockCount,
  checkExtend,
  checkFork,
  checkPage,
  checkRel,
  checkSegmentBlocks,
  extendBelowEndError,
  forkExistsError,
  forksToUnlink,
  missingForkError,
  readPastEndError,
  truncateGrowError,
  writePastEndError,
} from './smgr-memory.js';

/** The SQLSTATE PostgreSQL's errcode_for_file_access() gives an errno (by its name). */
export function errcodeForFileAccess(errno: string | undefined): string {
  switch (errno) {
    case 'EPERM':
    case 'EACCES':
    case 'EROFS':
      return ERRCODE_INSUFFICIENT_PRIVILEGE;
    case 'ENOENT':
      return ERRCODE_UNDEFINED_FILE;
    case 'EEXIST':
      return ERRCODE_DUPLICATE_FILE;
    case 'ENOTDIR':
    case 'EISDIR':
    case 'ENOTEMPTY':
      return ERRCODE_WRONG_OBJECT_TYPE;
    case 'ENOSPC':
      return ERRCODE_DISK_FULL;
    case 'ENFILE':
    case 'EMFILE':
      return ERRCODE_INSUFFICIENT_RESOURCES;
    case 'EIO':
      return ERRCODE_IO_ERROR;
    default:
      return ERRCODE_INTERNAL_ERROR;
  }
}

/** glibc's strerror() texts, which PostgreSQL's %m prints, for the errors file I/O meets. */
const STRERROR: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EIO: 'Input/output error',
  EBADF: 'Bad file descriptor',
  EACCES: 'Permission denied',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  EFBIG: 'File too large',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  ENAMETOOLONG: 'File name too long',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
  EDQUOT: 'Disk quota exceeded',
};

/** What PostgreSQL's %m prints for a Node.js system error. */
export function strerror(error: NodeJS.ErrnoException): string {
  const known = error.code === undefined ? undefined : STRERROR[error.code];
  if (known) return known;
  const uv = error.errno === undefined ? undefined : getSystemErrorMap().get(error.errno)?.[1];
  if (uv) return uv.charAt(0).toUpperCase() + uv.slice(1);
  return error.message;
}

function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}

/**
 * A StorageError for a failed system call: `what` is the message up to the
 * colon (`could not write block 3 in file "base/5/16384"`), the SQLSTATE is
 * errcode_for_file_access()'s. Anything that is not a system error is
 * rethrown as it is.
 */
function osError(e: unknown, what: string): StorageError {
  if (!isSystemError(e)) throw e;
  return new StorageError(errcodeForFileAccess(e.code), `${what}: ${strerror(e)}`, { cause: e });
}

/** Options of a {@link FileSmgr}. */
export interface FileSmgrOptions {
  /** Blocks per segment file, 1..RELSEG_SIZE (default RELSEG_SIZE, 1 GiB); tests use a few. */
  readonly segmentBlocks?: number;
  /**
   * The most file descriptors kept open at once (default 256), closed least
   * recently used first, as fd.c's virtual file descriptors are. A dirty file
   * may be closed; sync() opens it again.
   */
  readonly maxOpenFiles?: number;
}

const OPEN_FLAGS = constants.O_RDWR;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const ZERO_PAGE = new Uint8Array(BLCKSZ);

/**
 * Relation forks in a data directory. See the top of this file for the
 * layout, the durability rules and what is cached.
 */
export class FileSmgr implements Smgr {
  /** The data directory; every path in a message is relative to it. */
  readonly dataDir: string;
  readonly segmentBlocks: number;
  readonly maxOpenFiles: number;
  /** Open segment files by relative path, least recently used first. */
  private readonly fds = new Map<string, number>();
  /** Each fork's length, by relpath(), once known. */
  private readonly lengths = new Map<string, number>();
  /** Segments written since the last sync, by relpath() of their fork. */
  private readonly dirty = new Map<
    string,
    { rel: RelFileLocator; fork: ForkNumber; segments: Set<number> }
  >();
  /** Directories (relative) that gained a segment file since the last sync. */
  private readonly dirtyDirs = new Set<string>();

  constructor(dataDir: string, options: FileSmgrOptions = {}) {
    this.dataDir = dataDir;
    this.segmentBlocks = options.segmentBlocks ?? RELSEG_SIZE;
    checkSegmentBlocks(this.segmentBlocks);
    this.maxOpenFiles = options.maxOpenFiles ?? 256;
    if (!Number.isInteger(this.maxOpenFiles) || this.maxOpenFiles < 1) {
      throw new StorageError(
        ERRCODE_INTERNAL_ERROR,
        `invalid maxOpenFiles ${this.maxOpenFiles}: must be at least 1`,
      );
    }
  }

  // -------------------------------------------------------------- files

  private abs(path: string): string {
    return join(this.dataDir, path);
  }

  /**
   * The descriptor of a segment file, opened if need be; undefined if the
   * file does not exist, unless `create`, which makes it (and remembers its
   * directory for the next sync).
   */
  private open(path: string, create = false): number | undefined {
    const cached = this.fds.get(path);
    if (cached !== undefined) {
      this.fds.delete(path);
      this.fds.set(path, cached);
      return cached;
    }
    let fd: number | undefined;
    try {
      fd = openSync(this.abs(path), OPEN_FLAGS);
    } catch (e) {
      if (!isSystemError(e) || e.code !== 'ENOENT') {
        throw osError(e, `could not open file "${path}"`);
      }
    }
    if (fd === undefined) {
      if (!create) return undefined;
      try {
        fd = openSync(this.abs(path), OPEN_FLAGS | constants.O_CREAT, FILE_MODE);
      } catch (e) {
        throw osError(e, `could not open file "${path}"`);
      }
      this.dirtyDirs.add(dirname(path));
    }
    this.remember(path, fd);
    return fd;
  }

  private remember(path: string, fd: number): void {
    for (const oldest of this.fds.keys()) {
      if (this.fds.size < this.maxOpenFiles) break;
      this.forget(oldest);
    }
    this.fds.set(path, fd);
  }

  private forget(path: string): void {
    const fd = this.fds.get(path);
    if (fd === undefined) return;
    this.fds.delete(path);
    try {
      closeSync(fd);
    } catch {
      // A close that fails changes nothing we rely on: writes are synced through new descriptors.
    }
  }

  /** Size in bytes of a segment file, or undefined if it does not exist. */
  private fileSize(path: string): number | undefined {
    try {
      const fd = this.fds.get(path);
      if (fd !== undefined) return fstatSync(fd).size;
      return statSync(this.abs(path), { throwIfNoEntry: false })?.size;
    } catch (e) {
      throw osError(e, `could not seek to end of file "${path}"`);
    }
  }

  private fsyncDir(dir: string): void {
    let fd: number | undefined;
    try {
      fd = openSync(this.abs(dir), constants.O_RDONLY);
      fsyncSync(fd);
    } catch (e) {
      throw osError(e, `could not fsync file "${dir}"`);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private datasync(path: string, fd: number): void {
    try {
      fdatasyncSync(fd);
    } catch (e) {
      throw osError(e, `could not fsync file "${path}"`);
    }
  }

  private markDirty(rel: RelFileLocator, fork: ForkNumber, segno: number): void {
    const key = relpath(rel, fork);
    let d = this.dirty.get(key);
    if (!d) {
      d = {
        rel: { spcOid: rel.spcOid, dbOid: rel.dbOid, relNumber: rel.relNumber },
        fork,
        segments: new Set(),
      };
      this.dirty.set(key, d);
    }
    d.segments.add(segno);
  }

  /** Writes all of `page` at `offset`; a short write is 53100, as in md.c. */
  private pwrite(fd: number, page: Uint8Array, offset: number, what: string, tail: string): void {
    let done = 0;
    while (done < BLCKSZ) {
      let n: number;
      try {
        n = writeSync(fd, page, done, BLCKSZ - done, offset + done);
      } catch (e) {
        throw osError(e, what);
      }
      if (n === 0) {
        throw new StorageError(
          ERRCODE_DISK_FULL,
          `${what}: wrote only ${done} of ${BLCKSZ} bytes${tail}`,
        );
      }
      done += n;
    }
  }

  /** Reads up to a block at `offset`; returns the bytes read (fewer at the end of the file). */
  private pread(fd: number, into: Uint8Array, offset: number, what: string): number {
    let done = 0;
    while (done < BLCKSZ) {
      let n: number;
      try {
        n = readSync(fd, into, done, BLCKSZ - done, offset + done);
      } catch (e) {
        throw osError(e, what);
      }
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  // -------------------------------------------------------------- Smgr

  exists(rel: RelFileLocator, fork: ForkNumber): boolean {
    checkRel(rel);
    checkFork(fork);
    const path = relpath(rel, fork);
    // a fork whose length is cached exists (unlink drops the entry): no
    // stat for every heap fetch, which asks before reading a block
    if (this.lengths.has(path)) return true;
    try {
      return statSync(this.abs(path), { throwIfNoEntry: false }) !== undefined;
    } catch (e) {
      throw osError(e, `could not open file "${path}"`);
    }
  }

  create(rel: RelFileLocator, fork: ForkNumber, isRedo = false): void {
    checkRel(rel);
    checkFork(fork);
    const path = relpath(rel, fork);
    this.makeDirectories(dirname(path));
    let fd: number;
    try {
      fd = openSync(this.abs(path), OPEN_FLAGS | constants.O_CREAT | constants.O_EXCL, FILE_MODE);
    } catch (e) {
      if (isSystemError(e) && e.code === 'EEXIST') {
        if (isRedo) {
          this.lengths.delete(path);
          return;
        }
        throw forkExistsError(rel, fork);
      }
      throw osError(e, `could not create file "${path}"`);
    }
    this.remember(path, fd);
    this.datasync(path, fd);
    this.fsyncDir(dirname(path));
    this.lengths.set(path, 0);
  }

  /**
   * Creates the fork's directory and any missing parent (base/<db> the first
   * time a database gets a relation, as TablespaceCreateDbspace() does), and
   * fsyncs each new directory and the one it was made in.
   */
  private makeDirectories(dir: string): void {
    let first: string | undefined;
    try {
      if (statSync(this.abs(dir), { throwIfNoEntry: false })?.isDirectory()) return;
    } catch {
      // A path component that is not a directory: mkdir below says so.
    }
    try {
      first = mkdirSync(this.abs(dir), { recursive: true, mode: DIR_MODE });
    } catch (e) {
      throw osError(e, `could not create directory "${dir}"`);
    }
    if (first === undefined) return;
    // fsync each new directory, deepest first, then the one the first was made in.
    const stop = dirname(first);
    for (let d = this.abs(dir); ; d = dirname(d)) {
      this.fsyncDir(relative(this.dataDir, d) || '.');
      if (d === stop || d === dirname(d)) break;
    }
  }

  nblocks(rel: RelFileLocator, fork: ForkNumber): number {
    checkRel(rel);
    checkFork(fork);
    return this.length(rel, fork);
  }

  /** The fork's length (cached), walking its segments as mdnblocks() does; 58P01 if missing. */
  private length(rel: RelFileLocator, fork: ForkNumber): number {
    const key = relpath(rel, fork);
    const cached = this.lengths.get(key);
    if (cached !== undefined) return cached;
    const S = this.segmentBlocks;
    for (let segno = 0; ; segno++) {
      const path = segmentPath(rel, fork, segno);
      const size = this.fileSize(path);
      if (size === undefined) {
        if (segno === 0) throw missingForkError(rel, fork);
        this.lengths.set(key, segno * S);
        return segno * S;
      }
      const blocks = Math.floor(size / BLCKSZ);
      if (blocks > S) {
        throw new StorageError(
          ERRCODE_DATA_CORRUPTED,
          `segment too big: file "${path}" has ${blocks} blocks, more than ${S}`,
        );
      }
      if (blocks < S) {
        this.lengths.set(key, segno * S + blocks);
        return segno * S + blocks;
      }
    }
  }

  extend(rel: RelFileLocator, fork: ForkNumber, block: number, page: Uint8Array): void {
    checkExtend(rel, fork, block, page);
    const S = this.segmentBlocks;
    let n = this.length(rel, fork);
    if (block < n) throw extendBelowEndError(rel, fork, block, n);
    const key = relpath(rel, fork);
    try {
      // Pad each segment before the target's to full size, as _mdfd_getseg(EXTENSION_CREATE) does.
      while (Math.floor(block / S) > Math.floor(n / S)) {
        const segno = Math.floor(n / S);
        this.writeInSegment(rel, fork, segno, S - 1, ZERO_PAGE, (segno + 1) * S - 1);
        n = (segno + 1) * S;
      }
      this.writeInSegment(rel, fork, Math.floor(block / S), block % S, page, block);
    } catch (e) {
      // A failed write may have grown a file: measure again next time.
      this.lengths.delete(key);
      throw e;
    }
    this.lengths.set(key, block + 1);
  }

  private writeInSegment(
    rel: RelFileLocator,
    fork: ForkNumber,
    segno: number,
    blockInSegment: number,
    page: Uint8Array,
    block: number,
  ): void {
    const path = segmentPath(rel, fork, segno);
    const fd = this.open(path, true) as number;
    this.pwrite(
      fd,
      page,
      blockInSegment * BLCKSZ,
      `could not extend file "${path}"`,
      ` at block ${block}`,
    );
    this.markDirty(rel, fork, segno);
  }

  read(rel: RelFileLocator, fork: ForkNumber, block: number, into: Uint8Array): void {
    checkRel(rel);
    checkFork(fork);
    checkBlock(block);
    checkPage(into);
    const n = this.length(rel, fork);
    const segno = Math.floor(block / this.segmentBlocks);
    const path = segmentPath(rel, fork, segno);
    const offset = (block % this.segmentBlocks) * BLCKSZ;
    if (block >= n) {
      // Past the end: report what the file holds there, as mdread()'s short read does.
      const size = this.fileSize(path) ?? 0;
      throw readPastEndError(path, block, Math.max(0, Math.min(BLCKSZ, size - offset)));
    }
    const fd = this.open(path);
    if (fd === undefined) throw readPastEndError(path, block, 0);
    const got = this.pread(fd, into, offset, `could not read block ${block} in file "${path}"`);
    if (got < BLCKSZ) throw readPastEndError(path, block, got);
  }

  write(rel: RelFileLocator, fork: ForkNumber, block: number, page: Uint8Array): void {
    checkRel(rel);
    checkFork(fork);
    checkBlock(block);
    checkPage(page);
    const n = this.length(rel, fork);
    if (block >= n) throw writePastEndError(rel, fork, block, n);
    const segno = Math.floor(block / this.segmentBlocks);
    const path = segmentPath(rel, fork, segno);
    const fd = this.open(path);
    if (fd === undefined) {
      throw new StorageError(
        ERRCODE_UNDEFINED_FILE,
        `could not open file "${path}" (target block ${block}): No such file or directory`,
      );
    }
    const what = `could not write block ${block} in file "${path}"`;
    this.pwrite(fd, page, (block % this.segmentBlocks) * BLCKSZ, what, '');
    this.markDirty(rel, fork, segno);
  }

  truncate(rel: RelFileLocator, fork: ForkNumber, nblocks: number): void {
    checkRel(rel);
    checkFork(fork);
    checkBlockCount(nblocks);
    const current = this.length(rel, fork);
    if (nblocks > current) throw truncateGrowError(rel, fork, nblocks, current);
    if (nblocks === current) return;
    const S = this.segmentBlocks;
    const key = relpath(rel, fork);
    // Measured again should this fail half-way.
    this.lengths.delete(key);
    // From the last active segment down, as mdtruncate() does: segments wholly
    // past the cut become inactive (length 0, kept), the one holding it is shortened.
    for (
      let segno = Math.floor((current - 1) / S);
      segno >= 0 && (segno + 1) * S > nblocks;
      segno--
    ) {
      const path = segmentPath(rel, fork, segno);
      const fd = this.open(path);
      if (fd === undefined) continue;
      const keep = Math.max(0, nblocks - segno * S);
      try {
        ftruncateSync(fd, keep * BLCKSZ);
      } catch (e) {
        throw osError(
          e,
          keep === 0
            ? `could not truncate file "${path}"`
            : `could not truncate file "${path}" to ${nblocks} blocks`,
        );
      }
      this.datasync(path, fd);
    }
    this.lengths.set(key, nblocks);
  }

  unlink(rel: RelFileLocator, fork?: ForkNumber): void {
    checkRel(rel);
    if (fork !== undefined) checkFork(fork);
    const dirs = new Set<string>();
    for (const fk of forksToUnlink(fork)) {
      const path = relpath(rel, fk);
      this.lengths.delete(path);
      this.dirty.delete(path);
      for (let segno = 0; ; segno++) {
        const seg = segmentPath(rel, fk, segno);
        this.forget(seg);
        try {
          unlinkSync(this.abs(seg));
        } catch (e) {
          // The first missing segment ends the fork (md.c loops until ENOENT).
          if (isSystemError(e) && e.code === 'ENOENT') break;
          throw osError(e, `could not remove file "${seg}"`);
        }
        dirs.add(dirname(path));
      }
    }
    for (const dir of dirs) this.fsyncDir(dir);
  }

  immedsync(rel: RelFileLocator, fork: ForkNumber): void {
    checkRel(rel);
    checkFork(fork);
    this.length(rel, fork);
    // Active and inactive segments alike, as mdimmedsync() does.
    for (let segno = 0; ; segno++) {
      const path = segmentPath(rel, fork, segno);
      const fd = this.open(path);
      if (fd === undefined) break;
      this.datasync(path, fd);
    }
    const dir = dirname(relpath(rel, fork));
    if (this.dirtyDirs.has(dir)) {
      this.fsyncDir(dir);
      this.dirtyDirs.delete(dir);
    }
    this.dirty.delete(relpath(rel, fork));
  }

  /**
   * fdatasyncs every segment file written since the last sync (and the
   * directories that gained one); returns how many files. On a failure the
   * files not yet synced stay dirty, and the caller must PANIC (see above).
   */
  sync(): number {
    let files = 0;
    for (const [key, d] of this.dirty) {
      for (const segno of [...d.segments].sort((a, b) => a - b)) {
        const path = segmentPath(d.rel, d.fork, segno);
        const fd = this.open(path);
        if (fd === undefined) {
          throw new StorageError(
            ERRCODE_UNDEFINED_FILE,
            `could not fsync file "${path}": No such file or directory`,
          );
        }
        this.datasync(path, fd);
        d.segments.delete(segno);
        files++;
      }
      this.dirty.delete(key);
    }
    for (const dir of [...this.dirtyDirs]) {
      this.fsyncDir(dir);
      this.dirtyDirs.delete(dir);
    }
    return files;
  }

  syncAll(): number {
    this.sync();
    let files = 0;
    const walk = (dir: string): void => {
      let entries: Dirent[];
      try {
        entries = readdirSync(this.abs(dir), { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw osError(e, `could not open directory "${dir}"`);
      }
      for (const entry of entries) {
        const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
        if (entry.isDirectory() || (entry.isSymbolicLink() && dir === 'pg_tblspc')) {
          walk(path);
        } else if (entry.isFile()) {
          let fd: number | undefined;
          try {
            fd = openSync(this.abs(path), constants.O_RDONLY);
            fsyncSync(fd);
          } catch (e) {
            throw osError(e, `could not fsync file "${path}"`);
          } finally {
            if (fd !== undefined) closeSync(fd);
          }
          files++;
        }
      }
      this.fsyncDir(dir === '' ? '.' : dir);
    };
    for (const top of ['global', 'base', 'pg_tblspc']) walk(top);
    return files;
  }

  close(): void {
    for (const fd of this.fds.values()) {
      try {
        closeSync(fd);
      } catch {
        // Nothing to do: the descriptor is gone either way.
      }
    }
    this.fds.clear();
    this.lengths.clear();
  }

  /** The segment files sync() would fdatasync now, relative to the data directory, sorted. */
  dirtyFiles(): string[] {
    const out: string[] = [];
    for (const d of this.dirty.values()) {
      for (const s of d.segments) out.push(segmentPath(d.rel, d.fork, s));
    }
    return out.sort();
  }

  /** Number of file descriptors open now (at most maxOpenFiles). */
  openFiles(): number {
    return this.fds.size;
  }
}

/**
 * Checks the segment files of one fork in a data directory against md.c's
 * layout rule and returns what is wrong (empty when all is well): zero or
 * more full segments of exactly `segmentBlocks` blocks (F1), then one partial
 * segment (F2), then only inactive segments of length zero (F3); every file a
 * whole number of blocks (F4); no segment missing between two that exist (F5).
 */
export function checkForkFiles(
  dataDir: string,
  rel: RelFileLocator,
  fork: ForkNumber,
  segmentBlocks: number = RELSEG_SIZE,
): string[] {
  const problems: string[] = [];
  const sizes: number[] = [];
  for (let segno = 0; ; segno++) {
    const st = statSync(join(dataDir, segmentPath(rel, fork, segno)), { throwIfNoEntry: false });
    if (!st) break;
    sizes.push(st.size);
  }
  // F5: a segment after the first missing one would be invisible to nblocks.
  const after = statSync(join(dataDir, segmentPath(rel, fork, sizes.length + 1)), {
    throwIfNoEntry: false,
  });
  if (after) problems.push(`F5: segment ${sizes.length} is missing but ${sizes.length + 1} exists`);
  let phase: 'full' | 'inactive' = 'full';
  sizes.forEach((size, segno) => {
    const path = segmentPath(rel, fork, segno);
    if (size % BLCKSZ !== 0) problems.push(`F4: "${path}" is ${size} bytes, not whole blocks`);
    const blocks = Math.floor(size / BLCKSZ);
    if (blocks > segmentBlocks) {
      problems.push(`F1: "${path}" has ${blocks} blocks, more than ${segmentBlocks}`);
    }
    if (phase === 'full') {
      if (blocks < segmentBlocks) phase = 'inactive'; // F2: this is the partial segment
    } else if (size !== 0) {
      problems.push(`F3: "${path}" follows a partial segment but has ${size} bytes`);
    }
  });
  return problems;
}
