import type { WalStorage } from './storage.js';

/**
 * Wraps a storage, counting calls and failing on demand: for tests of
 * group commit and of PANIC on failed writes, fsyncs or renames.
 */
export class FaultyWalStorage implements WalStorage {
  readonly inner: WalStorage;
  fdatasyncCalls = 0;
  pwriteCalls = 0;
  renameCalls = 0;
  /** When true, the next fdatasync (and every one after) throws EIO. */
  failFsync = false;
  /** When true, pwrite throws ENOSPC. */
  failWrite = false;
  /** When true, rename throws EIO. */
  failRename = false;

  constructor(inner: WalStorage) {
    this.inner = inner;
  }

  exists(name: string): boolean {
    return this.inner.exists(name);
  }
  create(name: string, size: number): void {
    this.inner.create(name, size);
  }
  pwrite(name: string, offset: number, bytes: Uint8Array): void {
    this.pwriteCalls++;
    if (this.failWrite) throw new Error('ENOSPC: no space left on device, write');
    this.inner.pwrite(name, offset, bytes);
  }
  pread(name: string, offset: number, length: number): Uint8Array {
    return this.inner.pread(name, offset, length);
  }
  fdatasync(name: string): void {
    this.fdatasyncCalls++;
    if (this.failFsync) throw new Error('EIO: i/o error, fdatasync');
    this.inner.fdatasync(name);
  }
  list(): string[] {
    return this.inner.list();
  }
  remove(name: string): void {
    this.inner.remove(name);
  }
  rename(from: string, to: string): void {
    this.renameCalls++;
    if (this.failRename) throw new Error('EIO: i/o error, rename');
    this.inner.rename(from, to);
  }
}
