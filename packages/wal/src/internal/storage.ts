import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * Where WAL segments live. Segments are named by their file name
 * (24 hex digits). All calls are synchronous, as the storage layer's I/O is
 * (design decision 4). `create` leaves a zero-filled segment that exists
 * durably; `pwrite` bytes are durable only after `fdatasync` of that segment.
 */
export interface WalStorage {
  /** Whether the segment exists. */
  exists(name: string): boolean;
  /** Creates a zero-filled segment of `size` bytes, durably (file and directory entry). */
  create(name: string, size: number): void;
  /** Writes bytes at an offset of an existing segment. */
  pwrite(name: string, offset: number, bytes: Uint8Array): void;
  /** Reads up to `length` bytes at an offset; fewer at the end of the segment, none if it is absent. */
  pread(name: string, offset: number, length: number): Uint8Array;
  /** Makes every write to the segment durable. */
  fdatasync(name: string): void;
  /**
   * fdatasync off the event loop (optional): the writer's commit flushes use
   * it so that sessions keep running, and queue their commit records behind
   * the flush in progress, while the disk works (group commit).
   */
  fdatasyncAsync?(name: string): Promise<void>;
  /** Names of existing segments, sorted. */
  list(): string[];
  /** Removes a segment. */
  remove(name: string): void;
  /**
   * Renames segment `from` to `to`, which must not exist, durably: when it
   * returns, a crash leaves the segment under its new name only. The
   * segment's contents are not synced by the rename (they are what they
   * were: durable up to its last fdatasync). Used to recycle old segments.
   */
  rename(from: string, to: string): void;
}

const SEGMENT_NAME = /^[0-9A-F]{24}$/;

/** Segment files in a pg_wal/ directory, with synchronous positional I/O. */
export class FileWalStorage implements WalStorage {
  readonly dir: string;
  private readonly fds = new Map<string, number>();
  /** Asynchronous fdatasyncs not finished yet; close() waits for them. */
  private inflight = 0;
  private closing = false;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  private fd(name: string): number {
    let fd = this.fds.get(name);
    if (fd === undefined) {
      fd = openSync(join(this.dir, name), 'r+');
      this.fds.set(name, fd);
    }
    return fd;
  }

  exists(name: string): boolean {
    // An open descriptor means the segment exists (remove and rename close it).
    return this.fds.has(name) || this.list().includes(name);
  }

  create(name: string, size: number): void {
    const fd = openSync(join(this.dir, name), 'wx+');
    try {
      ftruncateSync(fd, size);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.syncDir();
  }

  pwrite(name: string, offset: number, bytes: Uint8Array): void {
    const fd = this.fd(name);
    let done = 0;
    while (done < bytes.length) {
      done += writeSync(fd, bytes, done, bytes.length - done, offset + done);
    }
  }

  pread(name: string, offset: number, length: number): Uint8Array {
    if (!this.fds.has(name) && !this.exists(name)) return new Uint8Array(0);
    const fd = this.fd(name);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return out.subarray(0, done);
  }

  fdatasync(name: string): void {
    fdatasyncSync(this.fd(name));
  }

  fdatasyncAsync(name: string): Promise<void> {
    const fd = this.fd(name);
    this.inflight++;
    return new Promise<void>((resolve, reject) => {
      fdatasync(fd, (e) => {
        this.inflight--;
        if (this.inflight === 0 && this.closing) this.close();
        if (e) reject(e);
        else resolve();
      });
    });
  }

  list(): string[] {
    return readdirSync(this.dir)
      .filter((n) => SEGMENT_NAME.test(n))
      .sort();
  }

  remove(name: string): void {
    const fd = this.fds.get(name);
    if (fd !== undefined) {
      closeSync(fd);
      this.fds.delete(name);
    }
    unlinkSync(join(this.dir, name));
    this.syncDir();
  }

  /** renameSync, then an fsync of the directory (PostgreSQL's durable_rename without the file fsyncs). */
  rename(from: string, to: string): void {
    if (this.exists(to))
      throw new Error(`could not rename file "${from}" to "${to}": target exists`);
    for (const name of [from, to]) {
      const fd = this.fds.get(name);
      if (fd !== undefined) {
        closeSync(fd);
        this.fds.delete(name);
      }
    }
    renameSync(join(this.dir, from), join(this.dir, to));
    this.syncDir();
  }

  /** Closes every open file descriptor (once no asynchronous fdatasync is using them). */
  close(): void {
    if (this.inflight > 0) {
      this.closing = true;
      return;
    }
    this.closing = false;
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private syncDir(): void {
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

interface MemorySegment {
  /** What a reader sees now. */
  current: Uint8Array;
  /** What survives a crash: the bytes as of the last fdatasync. */
  durable: Uint8Array;
  /** Writes since the last fdatasync, oldest first. */
  unsynced: { offset: number; bytes: Uint8Array }[];
}

/** How a {@link MemoryWalStorage} crash treats the last unsynced write of each segment. */
export interface CrashOptions {
  /**
   * For the last unsynced write of a segment, how many leading 512-byte
   * sectors reach "disk" (clamped to the write's length); 0, the default, loses it.
   */
  readonly tornSectors?: (name: string, sectors: number) => number;
}

/** The sector size at which a crash tears a write. */
export const SECTOR_SIZE = 512;

export interface MemoryWalStorageOptions {
  /**
   * No crash model (an in-memory database, which no crash can outlive):
   * fdatasync keeps no durable copy and no unsynced writes, `crash()`
   * throws, and a segment recycled (renamed) is dropped instead: the
   * writer creates it afresh when it gets there, and until then a reader
   * finds no segment, the end of the WAL, as old garbage would read. The
   * memory held is the WAL since the last checkpoint's removal, instead of
   * twice every segment kept plus every write since the last fdatasync.
   */
  readonly volatile?: boolean;
}

const EMPTY = new Uint8Array(0);

/**
 * Segment images two MemoryWalStorage copies share after clone(): whichever
 * writes first copies the image (copy on write), so a clone costs nothing
 * until a segment changes.
 */
const SHARED = new WeakSet<Uint8Array>();

/**
 * Segments in memory, for tests. `crash()` loses everything written since
 * each segment's last fdatasync, except that the last unsynced write may
 * survive as a prefix of whole 512-byte sectors (a torn write).
 */
export class MemoryWalStorage implements WalStorage {
  private readonly segments = new Map<string, MemorySegment>();
  private readonly volatile: boolean;

  constructor(options: MemoryWalStorageOptions = {}) {
    this.volatile = options.volatile ?? false;
  }

  exists(name: string): boolean {
    return this.segments.has(name);
  }

  create(name: string, size: number): void {
    if (this.segments.has(name)) throw new Error(`segment ${name} already exists`);
    this.segments.set(name, {
      current: new Uint8Array(size),
      durable: this.volatile ? EMPTY : new Uint8Array(size),
      unsynced: [],
    });
  }

  private get(name: string): MemorySegment {
    const s = this.segments.get(name);
    if (!s) throw new Error(`could not open file "pg_wal/${name}": No such file or directory`);
    return s;
  }

  pwrite(name: string, offset: number, bytes: Uint8Array): void {
    const s = this.get(name);
    if (offset < 0 || offset + bytes.length > s.current.length) {
      throw new Error(`write beyond the end of segment ${name}`);
    }
    if (SHARED.has(s.current)) s.current = s.current.slice();
    s.current.set(bytes, offset);
    if (!this.volatile) s.unsynced.push({ offset, bytes: bytes.slice() });
  }

  pread(name: string, offset: number, length: number): Uint8Array {
    const s = this.segments.get(name);
    if (!s) return new Uint8Array(0);
    return s.current.slice(offset, Math.min(offset + length, s.current.length));
  }

  fdatasync(name: string): void {
    const s = this.get(name);
    if (this.volatile) return;
    // Only the written ranges differ from the durable image: replaying them
    // in order costs what was written, not the segment's 16 MB.
    if (s.unsynced.length > 0 && SHARED.has(s.durable)) s.durable = s.durable.slice();
    for (const w of s.unsynced) s.durable.set(w.bytes, w.offset);
    s.unsynced = [];
  }

  list(): string[] {
    return [...this.segments.keys()].sort();
  }

  remove(name: string): void {
    this.segments.delete(name);
  }

  /** Moves the segment, contents and unsynced writes included; the new name is durable at once. */
  rename(from: string, to: string): void {
    const s = this.get(from);
    if (this.segments.has(to))
      throw new Error(`could not rename segment ${from} to ${to}: target exists`);
    this.segments.delete(from);
    // Volatile: a recycled segment's bytes are garbage anyway; the writer creates it afresh when it gets there.
    if (!this.volatile) this.segments.set(to, s);
  }

  /**
   * An independent copy of every segment, current and durable bytes and
   * unsynced writes alike; the images are shared until either side writes.
   */
  clone(): MemoryWalStorage {
    const copy = new MemoryWalStorage({ volatile: this.volatile });
    for (const [name, s] of this.segments) {
      SHARED.add(s.current);
      if (s.durable !== EMPTY) SHARED.add(s.durable);
      copy.segments.set(name, {
        current: s.current,
        durable: s.durable,
        unsynced: [...s.unsynced],
      });
    }
    return copy;
  }

  /** Simulates a power loss: unsynced writes vanish, the last one possibly torn. */
  crash(options: CrashOptions = {}): void {
    if (this.volatile) throw new Error('a volatile MemoryWalStorage has no crash model');
    for (const [name, s] of this.segments) {
      const last = s.unsynced.at(-1);
      const after = s.durable.slice();
      if (last && options.tornSectors) {
        const sectors = Math.ceil(last.bytes.length / SECTOR_SIZE);
        const keep = Math.max(0, Math.min(sectors, options.tornSectors(name, sectors)));
        after.set(last.bytes.subarray(0, keep * SECTOR_SIZE), last.offset);
      }
      s.current = after;
      s.durable = after.slice();
      s.unsynced = [];
    }
  }
}
