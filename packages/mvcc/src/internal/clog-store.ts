/**
 * Where SLRU segment files (pg_xact/0000, 0001, ...) live. The commit log
 * reads and writes whole 8 KiB pages at page-aligned offsets and asks for a
 * sync of each segment it wrote at a checkpoint; nothing else.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface SlruStore {
  /**
   * up to `length` bytes of segment `name` from `offset`: fewer when the
   * file is shorter, undefined when the file does not exist
   */
  read(name: string, offset: number, length: number): Uint8Array | undefined;
  /** write `bytes` at `offset`, creating the file (zero-filled up to `offset`) if needed */
  write(name: string, offset: number, bytes: Uint8Array): void;
  /** make everything written to `name` durable */
  sync(name: string): void;
  /** the names of the segment files, in no particular order */
  list(): string[];
  /** delete a segment file */
  remove(name: string): void;
}

interface MemoryFile {
  current: Uint8Array;
  /** what survives a crash; undefined until the first sync */
  durable: Uint8Array | undefined;
}

/**
 * Segments in memory, with a crash: `crash()` forgets every write not yet
 * synced, and files never synced, as a kill -9 of the machine would.
 */
export class MemorySlruStore implements SlruStore {
  readonly #files = new Map<string, MemoryFile>();

  read(name: string, offset: number, length: number): Uint8Array | undefined {
    const file = this.#files.get(name);
    if (file === undefined) return undefined;
    return file.current.slice(offset, Math.min(offset + length, file.current.length));
  }

  write(name: string, offset: number, bytes: Uint8Array): void {
    let file = this.#files.get(name);
    if (file === undefined) {
      file = { current: new Uint8Array(0), durable: undefined };
      this.#files.set(name, file);
    }
    const end = offset + bytes.length;
    if (end > file.current.length) {
      const grown = new Uint8Array(end);
      grown.set(file.current);
      file.current = grown;
    }
    file.current.set(bytes, offset);
  }

  sync(name: string): void {
    const file = this.#files.get(name);
    if (file !== undefined) file.durable = file.current.slice();
  }

  list(): string[] {
    return [...this.#files.keys()];
  }

  remove(name: string): void {
    this.#files.delete(name);
  }

  /** the whole current content of a segment (for tests and inspection) */
  fileBytes(name: string): Uint8Array | undefined {
    return this.#files.get(name)?.current.slice();
  }

  /** put a whole segment file, durable (e.g. one copied from a real PostgreSQL) */
  putFile(name: string, bytes: Uint8Array): void {
    this.#files.set(name, { current: bytes.slice(), durable: bytes.slice() });
  }

  /** An independent copy of every file, current and durable bytes alike. */
  clone(): MemorySlruStore {
    const copy = new MemorySlruStore();
    for (const [name, file] of this.#files) {
      copy.#files.set(name, { current: file.current.slice(), durable: file.durable?.slice() });
    }
    return copy;
  }

  /** lose every unsynced write, as a crash would */
  crash(): void {
    for (const [name, file] of this.#files) {
      if (file.durable === undefined) this.#files.delete(name);
      else file.current = file.durable.slice();
    }
  }
}

/** Segments as files in a directory (pg_xact/ of a data directory), with positional I/O. */
export class FileSlruStore implements SlruStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  read(name: string, offset: number, length: number): Uint8Array | undefined {
    let fd: number;
    try {
      fd = openSync(join(this.dir, name), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    try {
      const buf = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buf, done, length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return buf.subarray(0, done);
    } finally {
      closeSync(fd);
    }
  }

  write(name: string, offset: number, bytes: Uint8Array): void {
    const fd = openSync(join(this.dir, name), 'a+');
    closeSync(fd);
    const wfd = openSync(join(this.dir, name), 'r+');
    try {
      let done = 0;
      while (done < bytes.length) {
        done += writeSync(wfd, bytes, done, bytes.length - done, offset + done);
      }
    } finally {
      closeSync(wfd);
    }
  }

  sync(name: string): void {
    const fd = openSync(join(this.dir, name), 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  list(): string[] {
    return readdirSync(this.dir).filter((n) => /^[0-9A-F]{4,}$/.test(n));
  }

  remove(name: string): void {
    rmSync(join(this.dir, name), { force: true });
  }
}
