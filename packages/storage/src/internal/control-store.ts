import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type ControlFile,
  decodeControlFile,
  encodeControlFile,
  readControlFile,
  writeControlFile,
} from '@pg/wal';

/** Where pg_control lives. Writes are atomic and durable when they return. */
export interface ControlFileStore {
  /** The current contents, or null if there is none (a cluster not yet initialised). */
  read(): ControlFile | null;
  write(control: ControlFile): void;
}

/** global/pg_control in a data directory, replaced atomically (durable_rename). */
export class FileControlStore implements ControlFileStore {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }
  read(): ControlFile | null {
    return existsSync(this.path) ? readControlFile(this.path) : null;
  }
  write(control: ControlFile): void {
    mkdirSync(dirname(this.path), { recursive: true });
    writeControlFile(this.path, control);
  }
}

/** pg_control in memory: every write is durable at once, as the file's atomic rename makes it. */
export class MemoryControlStore implements ControlFileStore {
  private bytes: Uint8Array | null = null;
  read(): ControlFile | null {
    return this.bytes ? decodeControlFile(this.bytes) : null;
  }
  write(control: ControlFile): void {
    this.bytes = encodeControlFile(control);
  }
  /** An independent copy (the bytes are replaced on write, never changed, so they are shared). */
  clone(): MemoryControlStore {
    const copy = new MemoryControlStore();
    copy.bytes = this.bytes;
    return copy;
  }
}
