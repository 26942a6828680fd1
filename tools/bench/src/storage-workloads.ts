/**
 * Buffer pool workloads: hits (the block is in the pool) and misses (it is
 * read from the storage manager, verified, and a victim found by the clock
 * sweep), each measured against peers doing the same work without a buffer
 * manager in the same run.
 */
import { Page } from '@pg/page';
import { BufferPool, ForkNumber, MemorySmgr } from '@pg/storage';
import type { Workload } from './measure.js';

export const POOL_SUBJECT = '@pg/storage';
/** Peer: a Map from a block's key string to its bytes, the cache a naive engine would write. */
export const MAP_CACHE = 'Map cache';
/** Peer: the storage manager's read into one reused buffer, with no cache at all. */
export const RAW_SMGR_READ = 'smgr read only';

const REL = { spcOid: 1663, dbOid: 5, relNumber: 16384 };
const BATCH = 256;
let sink = 0;

/** A value the workloads fold their results into, so nothing is optimised away. */
export function storageSink(): number {
  return sink;
}

function filledSmgr(blocks: number, checksums: boolean): MemorySmgr {
  const smgr = new MemorySmgr();
  smgr.create(REL, ForkNumber.main);
  const bytes = new Uint8Array(8192);
  for (let b = 0; b < blocks; b++) {
    const page = Page.init(bytes);
    page.addItem(new Uint8Array(64).fill(b & 0xff));
    if (checksums) page.setChecksum(b);
    smgr.extend(REL, ForkNumber.main, b, bytes);
  }
  return smgr;
}

/** Random block numbers below `n`, fixed per workload. */
function blockSequence(n: number, length: number): Uint32Array {
  const out = new Uint32Array(length);
  let s = 12345;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s % n;
  }
  return out;
}

/**
 * Buffer hits: pin and release blocks of a working set that fits in the pool
 * (1,000 blocks in 2,048 buffers, random order), reading one byte each.
 */
export function hitWorkload(): Workload {
  const blocks = 1000;
  const smgr = filledSmgr(blocks, false);
  const pool = new BufferPool({ smgr, sharedBuffers: 2048 * 8192 });
  for (let b = 0; b < blocks; b++) pool.release(pool.readBuffer(REL, ForkNumber.main, b));
  const map = new Map<string, Uint8Array>();
  for (let b = 0; b < blocks; b++) {
    const bytes = new Uint8Array(8192);
    smgr.read(REL, ForkNumber.main, b, bytes);
    map.set(`${REL.spcOid}/${REL.dbOid}/${REL.relNumber}/0/${b}`, bytes);
  }
  const seq = blockSequence(blocks, 1 << 16);
  let at = 0;
  return {
    id: 'buffer-hit',
    title: 'buffer hits (block in the pool)',
    unit: 'reads',
    variants: [
      {
        name: POOL_SUBJECT,
        batch: () => {
          for (let i = 0; i < BATCH; i++) {
            const id = pool.readBuffer(REL, ForkNumber.main, seq[at++ & 0xffff]!);
            sink += pool.bytes(id)[8191]!;
            pool.release(id);
          }
          return BATCH;
        },
      },
      {
        name: MAP_CACHE,
        batch: () => {
          for (let i = 0; i < BATCH; i++) {
            const b = seq[at++ & 0xffff]!;
            const bytes = map.get(`${REL.spcOid}/${REL.dbOid}/${REL.relNumber}/0/${b}`)!;
            sink += bytes[8191]!;
          }
          return BATCH;
        },
      },
    ],
  };
}

/**
 * Buffer misses: a sequential scan of 4,096 blocks through 256 buffers, so
 * every read misses, copies the block from the (memory) storage manager,
 * verifies the page header (and the checksum, in the second workload) and
 * evicts a clean victim.
 */
export function missWorkload(checksums: boolean): Workload {
  const blocks = 4096;
  const smgr = filledSmgr(blocks, checksums);
  const pool = new BufferPool({ smgr, sharedBuffers: 256 * 8192, checksums });
  const scratch = new Uint8Array(8192);
  let next = 0;
  let raw = 0;
  return {
    id: checksums ? 'buffer-miss-checksums' : 'buffer-miss',
    title: checksums ? 'buffer misses, checksums verified' : 'buffer misses (read from storage)',
    unit: 'reads',
    bytesPerOp: 8192,
    variants: [
      {
        name: POOL_SUBJECT,
        batch: () => {
          for (let i = 0; i < BATCH; i++) {
            const id = pool.readBuffer(REL, ForkNumber.main, next);
            next = next + 1 === blocks ? 0 : next + 1;
            sink += pool.bytes(id)[8191]!;
            pool.release(id);
          }
          return BATCH;
        },
      },
      {
        name: RAW_SMGR_READ,
        batch: () => {
          for (let i = 0; i < BATCH; i++) {
            smgr.read(REL, ForkNumber.main, raw, scratch);
            raw = raw + 1 === blocks ? 0 : raw + 1;
            sink += scratch[8191]!;
          }
          return BATCH;
        },
      },
    ],
  };
}

/** The buffer pool workloads of a run. */
export function storageWorkloads(): { readonly title: string; readonly make: () => Workload }[] {
  return [
    { title: 'buffer hits', make: hitWorkload },
    { title: 'buffer misses', make: () => missWorkload(false) },
    { title: 'buffer misses with checksums', make: () => missWorkload(true) },
  ];
}
