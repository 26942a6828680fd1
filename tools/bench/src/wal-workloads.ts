/**
 * The WAL workloads: appending records with @pg/wal's writer, and durable
 * commits with and without group commit.
 *
 * Appending (insert only, never a flush) is measured for records of about
 * 64 bytes, 512 bytes, and one 8 KiB full-page image, writing to the memory
 * storage and to files in a temporary directory, against two baselines that
 * do part of the job on the same encoded bytes:
 *
 * - CRC only: the CRC-32C of the record (`walCrc`, as the writer computes
 *   it), nothing else. Every WAL record pays it; the ratio says what the
 *   record encoding, the page layout and the buffers cost on top.
 * - raw append: copy the encoded record into one 16 MiB buffer at the next
 *   8-byte aligned offset (wrapping around). The ceiling for any log that
 *   keeps its bytes in memory.
 *
 * The writer runs with 16 MiB segments and WAL buffers of 512 pages (4 MiB,
 * PostgreSQL's wal_buffers with the default 128 MB of shared_buffers), so it
 * writes out full buffers itself (pwrite, no fsync) as PostgreSQL's
 * backends do. To keep memory and disk bounded, every 32 MiB of WAL the
 * writer is dropped (with what it still buffers) and a new one starts over
 * at the first segment: on files it writes over the existing segments, as
 * over recycled ones; in memory it starts with a fresh storage (the memory
 * storage keeps a copy of every unsynced write, so it cannot be reused
 * without an fdatasync).
 *
 * Durable commits run on files in a temporary directory (real fdatasync):
 * N committers, each inserting a 64-byte commit record and awaiting
 * wal.flush(end), again and again; committers that wait together share one
 * flush (group commit). The peer without group commit inserts and calls
 * flushSync() for every commit. Ratios: each committer count against no
 * group commit, and 4 and 16 committers against 1; fsyncs per commit show
 * how many commits each fdatasync served.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_SEGMENT_SIZE,
  encodeRecord,
  FileWalStorage,
  MemoryWalStorage,
  recordSize,
  type WalRecordInput,
  type WalStorage,
  WalWriter,
  walCrc,
} from '@pg/wal';
import type { Batch, RatioPair, Round, Variant, Workload } from './measure.js';
import { foldSink } from './workloads.js';

export const WAL_SUBJECT = '@pg/wal';
export const CRC_ONLY = 'CRC only';
export const RAW_APPEND = 'raw append';
export const NO_GROUP_COMMIT = 'no group commit';

/** WAL buffers of the writers here, in 8 KiB pages (4 MiB). */
export const WAL_BUFFERS = 512;
/** WAL one writer appends before the append workloads start over. */
const RESET_BYTES = 2n * BigInt(DEFAULT_SEGMENT_SIZE);
/** Size of the raw-append baseline's buffer. */
const RING_SIZE = 16 * 1024 * 1024;
/** Per-variant work of one append batch: about this many bytes of records. */
const BATCH_BYTES = 64 * 1024;

/** Deterministic, varied bytes. */
function pattern(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (seed * 31 + i * 7 + 1) & 0xff;
  return out;
}

/** A record appended by the append workloads. */
export interface RecordShape {
  /** For workload ids: '64', '512', 'fpi'. */
  readonly id: string;
  /** For titles: '64-byte'. */
  readonly title: string;
  readonly input: WalRecordInput;
}

/**
 * A small record (64 bytes: the 32-byte header and 32 bytes of data, a
 * narrow heap insert), a medium one (512 bytes) and a page-sized one (a
 * full-page image of an 8 KiB block: 32 + 28 + 8192 = 8252 bytes).
 * Resource manager 10 and info 0x00 are PostgreSQL's heap insert.
 */
export const RECORD_SHAPES: readonly RecordShape[] = [
  { id: '64', title: '64-byte', input: { rmid: 10, info: 0x00, xid: 742, data: pattern(32) } },
  { id: '512', title: '512-byte', input: { rmid: 10, info: 0x00, xid: 742, data: pattern(480) } },
  {
    id: 'fpi',
    title: '8 KiB-image',
    input: {
      rmid: 10,
      info: 0x00,
      xid: 742,
      blocks: [
        {
          rel: { spcOid: 1663, dbOid: 5, relNumber: 16384 },
          fork: 0,
          blockNumber: 7,
          image: pattern(8192, 2),
        },
      ],
    },
  },
];

export type WalStorageKind = 'memory' | 'file';
export const STORAGE_KINDS: readonly WalStorageKind[] = ['memory', 'file'];

export function appendTitle(shape: RecordShape, kind: WalStorageKind): string {
  return `append ${shape.title} WAL records, ${kind} storage`;
}

/** A fresh temporary directory for WAL files; `dispose` removes it. */
function tempWalDir(prefix: string): { dir: string; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir: join(root, 'pg_wal'),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Run each batch once and check they report the same operation count. */
function sameOps(title: string, batches: readonly Batch[]): void {
  const counts = batches.map((b) => b());
  const first = counts[0]!;
  if (first <= 0 || counts.some((c) => c !== first)) {
    throw new Error(`${title}: variants disagree on the work done: ${counts.join(', ')}`);
  }
}

/** Insert-only appends of one record shape to one kind of storage; operations are records. */
export function appendWorkload(shape: RecordShape, kind: WalStorageKind): Workload {
  const bytes = encodeRecord(shape.input, 0n);
  const size = recordSize(shape.input);
  if (bytes.length !== size) throw new Error(`record of ${size} bytes encoded as ${bytes.length}`);
  const perBatch = Math.max(1, Math.floor(BATCH_BYTES / size));

  const temp = kind === 'file' ? tempWalDir('pg-bench-wal-') : undefined;
  let storage: WalStorage;
  let closeStorage = () => {};
  if (temp) {
    const files = new FileWalStorage(temp.dir);
    storage = files;
    closeStorage = () => files.close();
  } else {
    storage = new MemoryWalStorage();
  }
  const open = () => new WalWriter({ storage, walBuffers: WAL_BUFFERS });
  let writer = open();
  const startOver = () => {
    if (!temp) storage = new MemoryWalStorage();
    writer = open();
  };
  const subject: Batch = () => {
    for (let i = 0; i < perBatch; i++) writer.insert(shape.input);
    if (writer.endLsn - writer.flushedLsn > RESET_BYTES) startOver();
    return perBatch;
  };

  const crc: Batch = () => {
    let s = 0;
    for (let i = 0; i < perBatch; i++) s ^= walCrc(bytes);
    foldSink(s);
    return perBatch;
  };

  const ring = new Uint8Array(RING_SIZE);
  const step = (size + 7) & ~7;
  let offset = 0;
  const raw: Batch = () => {
    for (let i = 0; i < perBatch; i++) {
      if (offset + size > RING_SIZE) offset = 0;
      ring.set(bytes, offset);
      offset += step;
    }
    foldSink(ring[offset - step]!);
    return perBatch;
  };

  const dispose = () => {
    closeStorage();
    temp?.dispose();
  };
  const title = appendTitle(shape, kind);
  try {
    sameOps(title, [subject, crc, raw]);
  } catch (e) {
    dispose();
    throw e;
  }
  return {
    id: `wal-append-${shape.id}-${kind}`,
    title,
    unit: 'records',
    bytesPerOp: size,
    variants: [
      { name: WAL_SUBJECT, batch: subject },
      { name: CRC_ONLY, batch: crc },
      { name: RAW_APPEND, batch: raw },
    ],
    dispose,
  };
}

/** Committer counts of the default run. */
export const COMMITTERS = [16, 4, 1] as const;

export function committersName(n: number): string {
  return `${n} committer${n === 1 ? '' : 's'}`;
}

/** 32 bytes of commit-record data (a commit timestamp and flags, say). */
const COMMIT_DATA = pattern(32, 3);

/**
 * Durable commits on files with real fdatasync: for each committer count,
 * that many concurrent committers (insert a commit record, await its flush,
 * repeat), and the peer without group commit (insert, flushSync, repeat).
 * Operations are commits; every variant also reports fsyncs per commit.
 */
export function commitWorkload(committers: readonly number[] = COMMITTERS): Workload {
  const temp = tempWalDir('pg-bench-commit-');
  const storage = new FileWalStorage(temp.dir);
  const wal = new WalWriter({ storage, walBuffers: WAL_BUFFERS });
  let xid = 1000;
  // Resource manager 1, info 0x00: PostgreSQL's transaction commit.
  const commit = (): WalRecordInput => ({
    rmid: 1,
    info: 0x00,
    xid: xid++ >>> 0,
    data: COMMIT_DATA,
  });

  const group =
    (n: number): Round =>
    async (ms) => {
      const fsyncs = wal.fsyncCount;
      let ops = 0;
      const start = performance.now();
      const deadline = start + ms;
      const committer = async () => {
        do {
          const { end } = wal.insert(commit());
          await wal.flush(end);
          ops++;
        } while (performance.now() < deadline);
      };
      await Promise.all(Array.from({ length: n }, committer));
      const seconds = (performance.now() - start) / 1000;
      return { ops, seconds, counts: { 'fsyncs/commit': wal.fsyncCount - fsyncs } };
    };

  const alone: Round = async (ms) => {
    const fsyncs = wal.fsyncCount;
    let ops = 0;
    const start = performance.now();
    const deadline = start + ms;
    do {
      wal.insert(commit());
      wal.flushSync();
      ops++;
    } while (performance.now() < deadline);
    const seconds = (performance.now() - start) / 1000;
    return { ops, seconds, counts: { 'fsyncs/commit': wal.fsyncCount - fsyncs } };
  };

  const variants: Variant[] = [
    ...committers.map((n) => ({ name: committersName(n), round: group(n) })),
    { name: NO_GROUP_COMMIT, round: alone },
  ];
  const ratios: RatioPair[] = [];
  for (const n of committers) {
    ratios.push({ subject: committersName(n), baseline: NO_GROUP_COMMIT });
    if (n !== 1 && committers.includes(1)) {
      ratios.push({ subject: committersName(n), baseline: committersName(1) });
    }
  }
  return {
    id: 'wal-commit',
    title: 'durable commits, file storage',
    unit: 'commits',
    variants,
    ratios,
    dispose: () => {
      storage.close();
      temp.dispose();
    },
  };
}

/**
 * The WAL workloads of a run, as factories (each is set up just before it is
 * measured, and disposed of after).
 */
export function walWorkloads(
  shapes: readonly RecordShape[] = RECORD_SHAPES,
  committers: readonly number[] = COMMITTERS,
): { readonly title: string; readonly make: () => Workload }[] {
  return [
    ...shapes.flatMap((shape) =>
      STORAGE_KINDS.map((kind) => ({
        title: appendTitle(shape, kind),
        make: () => appendWorkload(shape, kind),
      })),
    ),
    { title: 'durable commits, file storage', make: () => commitWorkload(committers) },
  ];
}
