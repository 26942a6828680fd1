/**
 * Temporary files for sorts, hash joins and hash aggregates that pass
 * work_mem (PostgreSQL's buffile.c / fd.c OpenTemporaryFile, reduced).
 *
 * A spool is a file of rows written once and read back any number of
 * times. Files are named as PostgreSQL names them, `pgsql_tmp<pid>.<n>`,
 * in the execution's temp directory (NodeContext.tempDir). Every spool is
 * registered with its execution: `closeTempFiles(cx)` (called by
 * executeSelect in a `finally`) removes whatever is still open, so no file
 * outlives its statement, on success or on error (T1).
 *
 * Record format (one per row), little-endian:
 *
 *   OFFSET  SIZE  DESCRIPTION
 *   0       4     payload length n
 *   4       n     node:v8 serialize() of the row array
 *
 * The values of @pg/types are plain data (numbers, bigints, strings,
 * booleans, Uint8Array, plain objects and arrays: Numeric, IntervalValue,
 * PgArray, jsonb trees), all of which v8's structured serialization keeps
 * exactly — -0, NaN, bigints and typed arrays included (tempfile.test.ts
 * checks every builtin type's round trip).
 */
import { closeSync, mkdirSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { SqlError } from '@pg/types';
import type { NodeContext } from './node.js';

/** A file of rows: write them all, `finish()`, then read them (again and again). */
export interface Spool {
  /** Appends a row (kept as given; the spool does not keep a reference). */
  write(row: unknown[]): void;
  /** Flushes what is buffered; after it, no more writes. */
  finish(): void;
  /** The rows written, in order (each call reads the file from its start). */
  read(): Iterable<unknown[]>;
  /** Bytes written so far (for EXPLAIN's Disk: kB). */
  readonly bytes: number;
  /** Closes and removes the file. Idempotent. */
  close(): void;
}

const WRITE_BUFFER = 64 * 1024;
const READ_CHUNK = 64 * 1024;

let fileCounter = 0;

/** Open spools per execution, removed by closeTempFiles. */
const openSpools = new WeakMap<object, Set<Spool>>();

/** A new temporary file in `cx.tempDir`, registered with the execution of `cx`. */
export function createSpool(cx: Pick<NodeContext, 'tempDir'>): Spool {
  const path = join(cx.tempDir, `pgsql_tmp${process.pid}.${fileCounter++}`);
  let fd: number;
  try {
    try {
      fd = openSync(path, 'wx+', 0o600);
    } catch (e) {
      // the directory is made on first use, as PostgreSQL makes base/pgsql_tmp
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(cx.tempDir, { recursive: true, mode: 0o700 });
      fd = openSync(path, 'wx+', 0o600);
    }
  } catch (e) {
    throw new SqlError(
      '58P01',
      `could not create temporary file "${path}": ${(e as Error).message}`,
    );
  }
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let fileBytes = 0;
  let finished = false;
  let closed = false;
  const flush = () => {
    if (pendingBytes === 0) return;
    const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off, fileBytes + off);
    fileBytes += buf.length;
    pending = [];
    pendingBytes = 0;
  };
  const set = registry(cx);
  const spool: Spool = {
    write(row) {
      if (finished || closed) throw new Error('spool: write after finish');
      const payload = serialize(row);
      const head = Buffer.allocUnsafe(4);
      head.writeUInt32LE(payload.length, 0);
      pending.push(head, payload);
      pendingBytes += 4 + payload.length;
      if (pendingBytes >= WRITE_BUFFER) flush();
    },
    finish() {
      if (closed) return;
      flush();
      finished = true;
    },
    read() {
      if (!finished) spool.finish();
      return readRows(
        () => fd,
        fileBytes,
        () => closed,
      );
    },
    get bytes() {
      return fileBytes + pendingBytes;
    },
    close() {
      if (closed) return;
      closed = true;
      set?.delete(spool);
      try {
        closeSync(fd);
      } finally {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      }
    },
  };
  set?.add(spool);
  return spool;
}

function registry(cx: object): Set<Spool> | undefined {
  let s = openSpools.get(cx);
  if (s === undefined) {
    s = new Set();
    openSpools.set(cx, s);
  }
  return s;
}

function* readRows(
  fdOf: () => number,
  size: number,
  isClosed: () => boolean,
): Generator<unknown[]> {
  let pos = 0;
  let buf = Buffer.alloc(0);
  let off = 0;
  const fill = (need: number) => {
    if (buf.length - off >= need) return;
    const rest = buf.subarray(off);
    const want = Math.max(need, READ_CHUNK);
    const next = Buffer.allocUnsafe(rest.length + Math.min(want, size - pos));
    rest.copy(next, 0);
    let got = rest.length;
    while (got < next.length) {
      const n = readSync(fdOf(), next, got, next.length - got, pos);
      if (n === 0) break;
      got += n;
      pos += n;
    }
    buf = next.subarray(0, got);
    off = 0;
    if (buf.length < need) throw new SqlError('XX000', 'temporary file is truncated');
  };
  while (pos < size || off < buf.length) {
    if (isClosed()) return;
    fill(4);
    const n = buf.readUInt32LE(off);
    off += 4;
    fill(n);
    const row = deserialize(buf.subarray(off, off + n)) as unknown[];
    off += n;
    yield row;
  }
}

/** How many temporary files of the execution of `cx` are open. */
export function openTempFiles(cx: object): number {
  return openSpools.get(cx)?.size ?? 0;
}

/** Closes and removes every temporary file of the execution of `cx` (end of statement). */
export function closeTempFiles(cx: object): void {
  const s = openSpools.get(cx);
  if (s === undefined) return;
  for (const spool of [...s]) spool.close();
  openSpools.delete(cx);
}
