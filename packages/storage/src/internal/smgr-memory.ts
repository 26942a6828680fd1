/**
 * MemorySmgr: the storage manager in memory, for in-memory databases and for
 * crash tests. It behaves as FileSmgr does, error for error and message for
 * message (it even knows where the segment boundaries would be, so that
 * messages name the same segment file), and it keeps, for every fork, both
 * what a reader sees now and what would survive a power loss.
 *
 * The first half of this file is the part of the Smgr contract that every
 * implementation checks the same way: argument validation and the errors
 * with PostgreSQL's texts (md.c). FileSmgr and FaultySmgr import it from here.
 *
 * Crash model (see {@link MemorySmgr.crash}):
 *
 *     fork state            survives a crash?
 *     ------------------    ------------------------------------------------
 *     created / unlinked    yes, at once (create and unlink are durable)
 *     truncated             yes, at once: no block at or past the cut comes back
 *     write / extend        only after sync() or immedsync() of the fork;
 *                           before that each of the 16 512-byte sectors of
 *                           each such write may or may not have reached disk
 *
 * After a crash the fork's length is its durable length, grown to cover any
 * block of which a sector survived; blocks in between read as zeros.
 */
import {
  ERRCODE_DATA_CORRUPTED,
  ERRCODE_DUPLICATE_FILE,
  ERRCODE_INTERNAL_ERROR,
  ERRCODE_PROGRAM_LIMIT_EXCEEDED,
  ERRCODE_UNDEFINED_FILE,
  StorageError,
} from './errors.js';
import {
  BLCKSZ,
  ForkNumber,
  isForkNumber,
  MAX_BLOCK_NUMBER,
  RELSEG_SIZE,
  type RelFileLocator,
  relKey,
  relpath,
  segmentPath,
} from './relfile.js';
import type { Smgr } from './smgr.js';

// ------------------------------------------------------------------ rules every Smgr checks

/** InvalidBlockNumber: no block has this number, so no fork may grow past MAX_BLOCK_NUMBER. */
export const INVALID_BLOCK_NUMBER = 0xffffffff;
/** The unit in which a crash tears a block write. */
export const SECTOR_SIZE = 512;
/** Sectors in one block: a torn block write keeps any subset of them. */
export const SECTORS_PER_BLOCK = BLCKSZ / SECTOR_SIZE;

const ALL_FORKS: readonly ForkNumber[] = [
  ForkNumber.main,
  ForkNumber.fsm,
  ForkNumber.vm,
  ForkNumber.init,
];

function isUint32(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : typeof v;
}

/** XX000 unless `rel` has three OIDs (integers 0..2^32-1), so that a path can be made of it. */
export function checkRel(rel: RelFileLocator): void {
  if (
    typeof rel !== 'object' ||
    rel === null ||
    !isUint32(rel.spcOid) ||
    !isUint32(rel.dbOid) ||
    !isUint32(rel.relNumber)
  ) {
    const r = rel as Partial<RelFileLocator> | null;
    throw new StorageError(
      ERRCODE_INTERNAL_ERROR,
      `invalid relation file locator ${show(r?.spcOid)}/${show(r?.dbOid)}/${show(r?.relNumber)}`,
    );
  }
}

/** XX000 unless `fork` is 0 (main), 1 (fsm), 2 (vm) or 3 (init). */
export function checkFork(fork: number): asserts fork is ForkNumber {
  if (!isForkNumber(fork)) {
    throw new StorageError(ERRCODE_INTERNAL_ERROR, `invalid fork number ${show(fork)}`);
  }
}

/** XX000 unless `block` is a block number: an integer 0..MAX_BLOCK_NUMBER. */
export function checkBlock(block: number): void {
  if (!isUint32(block) || block > MAX_BLOCK_NUMBER) {
    throw new StorageError(ERRCODE_INTERNAL_ERROR, `invalid block number ${show(block)}`);
  }
}

/** XX000 unless `nblocks` is a relation length: an integer 0..InvalidBlockNumber. */
export function checkBlockCount(nblocks: number): void {
  if (!isUint32(nblocks)) {
    throw new StorageError(ERRCODE_INTERNAL_ERROR, `invalid number of blocks ${show(nblocks)}`);
  }
}

/** XX000 unless `page` is a Uint8Array of exactly BLCKSZ (8192) bytes. */
export function checkPage(page: Uint8Array): void {
  if (!(page instanceof Uint8Array) || page.length !== BLCKSZ) {
    const got = page instanceof Uint8Array ? `${page.length} bytes` : typeof page;
    throw new StorageError(
      ERRCODE_INTERNAL_ERROR,
      `invalid page buffer: expected ${BLCKSZ} bytes, got ${got}`,
    );
  }
}

/**
 * The checks extend() makes before touching anything, in md.c's order: the
 * arguments, then InvalidBlockNumber, which is 54000 `cannot extend file
 * "base/5/16384" beyond 4294967295 blocks`.
 */
export function checkExtend(
  rel: RelFileLocator,
  fork: ForkNumber,
  block: number,
  page: Uint8Array,
): void {
  checkRel(rel);
  checkFork(fork);
  checkPage(page);
  if (block === INVALID_BLOCK_NUMBER) {
    throw new StorageError(
      ERRCODE_PROGRAM_LIMIT_EXCEEDED,
      `cannot extend file "${relpath(rel, fork)}" beyond ${INVALID_BLOCK_NUMBER} blocks`,
    );
  }
  checkBlock(block);
}

/** 58P01, as mdopenfork() reports a fork whose first segment is missing. */
export function missingForkError(rel: RelFileLocator, fork: ForkNumber): StorageError {
  return new StorageError(
    ERRCODE_UNDEFINED_FILE,
    `could not open file "${relpath(rel, fork)}": No such file or directory`,
  );
}

/** 58P02, as mdcreate() reports an existing fork outside redo. */
export function forkExistsError(rel: RelFileLocator, fork: ForkNumber): StorageError {
  return new StorageError(
    ERRCODE_DUPLICATE_FILE,
    `could not create file "${relpath(rel, fork)}": File exists`,
  );
}

/**
 * XX001, mdread()'s short read: `could not read block 7 in file
 * "base/5/16384": read only 0 of 8192 bytes`. `path` is the segment file the
 * block falls in; `got` the bytes found there (0 unless a crash left part of
 * a block at the end of the file).
 */
export function readPastEndError(path: string, block: number, got: number): StorageError {
  return new StorageError(
    ERRCODE_DATA_CORRUPTED,
    `could not read block ${block} in file "${path}": read only ${got} of ${BLCKSZ} bytes`,
  );
}

/**
 * XX001 for a write of a block the fork does not have. PostgreSQL's mdwrite()
 * would let the file grow (the bufmgr never asks for that); our interface
 * refuses, so a missed extend cannot pass silently. The wording follows
 * mdtruncate()'s `it's only N blocks now`.
 */
export function writePastEndError(
  rel: RelFileLocator,
  fork: ForkNumber,
  block: number,
  nblocks: number,
): StorageError {
  return new StorageError(
    ERRCODE_DATA_CORRUPTED,
    `could not write block ${block} in file "${relpath(rel, fork)}": it's only ${nblocks} blocks now`,
  );
}

/** XX000: extend() of a block the fork already has (an assertion in mdextend()). */
export function extendBelowEndError(
  rel: RelFileLocator,
  fork: ForkNumber,
  block: number,
  nblocks: number,
): StorageError {
  return new StorageError(
    ERRCODE_INTERNAL_ERROR,
    `could not extend file "${relpath(rel, fork)}" at block ${block}: it already has ${nblocks} blocks`,
  );
}

/** XX000, mdtruncate()'s bogus request (it carries no errcode, so internal_error). */
export function truncateGrowError(
  rel: RelFileLocator,
  fork: ForkNumber,
  nblocks: number,
  current: number,
): StorageError {
  return new StorageError(
    ERRCODE_INTERNAL_ERROR,
    `could not truncate file "${relpath(rel, fork)}" to ${nblocks} blocks: it's only ${current} blocks now`,
  );
}

/** XX000 unless `segmentBlocks` is a whole number of blocks between 1 and RELSEG_SIZE. */
export function checkSegmentBlocks(segmentBlocks: number): void {
  if (!Number.isInteger(segmentBlocks) || segmentBlocks < 1 || segmentBlocks > RELSEG_SIZE) {
    throw new StorageError(
      ERRCODE_INTERNAL_ERROR,
      `invalid segment size ${show(segmentBlocks)}: must be 1..${RELSEG_SIZE} blocks`,
    );
  }
}

/** The forks unlink() removes: the one given, or all four. */
export function forksToUnlink(fork: ForkNumber | undefined): readonly ForkNumber[] {
  return fork === undefined ? ALL_FORKS : [fork];
}

/**
 * The segment files an extend of `block` writes when the fork has `nblocks`
 * blocks: the target's segment and, when the target lies in a later segment,
 * every segment from the current last one on, which md.c pads to full size
 * with a zero block (_mdfd_getseg with EXTENSION_CREATE).
 */
export function segmentsWrittenByExtend(
  nblocks: number,
  block: number,
  segmentBlocks: number,
): number[] {
  const out: number[] = [];
  const last = Math.floor(block / segmentBlocks);
  for (let s = Math.min(Math.floor(nblocks / segmentBlocks), last); s <= last; s++) out.push(s);
  return out;
}

// ------------------------------------------------------------------ MemorySmgr

/** How {@link MemorySmgr.crash} treats block writes that were not synced. */
export interface MemoryCrashOptions {
  /**
   * Whether sector `sector` (0..15) of an unsynced write (write or extend) of
   * `block` reached disk before the power went. `path` is the fork's path as
   * relpath() prints it (base/5/16384_fsm), `block` the block number in the
   * fork. Called once for every sector of every unsynced write, in write
   * order. The default loses every unsynced write.
   */
  readonly survives?: (path: string, block: number, sector: number) => boolean;
}

/** Options of a {@link MemorySmgr}. */
export interface MemorySmgrOptions {
  /**
   * Blocks per segment (default RELSEG_SIZE). Memory has no files, but error
   * messages and sync() counts are per segment file, as FileSmgr's are.
   */
  readonly segmentBlocks?: number;
  /**
   * No crash model (an in-memory database, which no crash can outlive):
   * writes keep no unsynced copies and sync keeps no durable state, so the
   * memory held is the blocks stored; `crash()` throws.
   */
  readonly volatile?: boolean;
}

/** Calls a {@link MemorySmgr} has served since it was made or its stats were reset. */
export interface MemorySmgrStats {
  /** Blocks read. */
  reads: number;
  /** Blocks overwritten (write). */
  writes: number;
  /** Blocks added (extend). */
  extends: number;
  /** sync() calls. */
  syncs: number;
  /** immedsync() calls. */
  immedsyncs: number;
  /** Segment files made durable by sync() (the sum of what it returned). */
  filesSynced: number;
  /** truncate() calls that cut something. */
  truncates: number;
}

interface MemoryFork {
  readonly rel: RelFileLocator;
  readonly fork: ForkNumber;
  /** relpath(rel, fork). */
  readonly path: string;
  /** What a reader sees now. Sparse: a block below nblocks that is absent reads as zeros. */
  blocks: Map<number, Uint8Array>;
  nblocks: number;
  /** What survives a crash. Keys are below durableNblocks, which is at most nblocks. */
  durable: Map<number, Uint8Array>;
  durableNblocks: number;
  /** Segments written (write, extend) since the last sync or immedsync of the fork. */
  readonly dirtySegments: Set<number>;
}

/** One write or extend not yet synced. `page` is shared with `blocks` and never mutated. */
interface UnsyncedWrite {
  readonly fork: MemoryFork;
  readonly block: number;
  readonly page: Uint8Array;
}

const ZERO_PAGE = new Uint8Array(BLCKSZ);

function forkKey(rel: RelFileLocator, fork: ForkNumber): string {
  return `${relKey(rel)}/${fork}`;
}

/**
 * The storage manager in memory. Pages are copied on the way in and out and
 * never shared with the caller. Memory grows with the blocks stored plus the
 * writes made since the last sync (kept for the crash model), so a database
 * that lives here should checkpoint as one on disk does.
 */
export class MemorySmgr implements Smgr {
  readonly segmentBlocks: number;
  /** Counters for tests (the buffer pool's count reads and writes). */
  readonly stats: MemorySmgrStats = MemorySmgr.zeroStats();
  private readonly forkMap = new Map<string, MemoryFork>();
  /** Every unsynced write of every fork, oldest first. */
  private unsynced: UnsyncedWrite[] = [];
  /** Forks with dirtySegments or unsynced writes. */
  private readonly dirtyForks = new Set<MemoryFork>();

  private readonly volatile: boolean;

  constructor(options: MemorySmgrOptions = {}) {
    this.segmentBlocks = options.segmentBlocks ?? RELSEG_SIZE;
    this.volatile = options.volatile ?? false;
    checkSegmentBlocks(this.segmentBlocks);
  }

  private static zeroStats(): MemorySmgrStats {
    return {
      reads: 0,
      writes: 0,
      extends: 0,
      syncs: 0,
      immedsyncs: 0,
      filesSynced: 0,
      truncates: 0,
    };
  }

  /** Sets every counter of {@link stats} back to zero. */
  resetStats(): void {
    Object.assign(this.stats, MemorySmgr.zeroStats());
  }

  private lookup(rel: RelFileLocator, fork: ForkNumber): MemoryFork | undefined {
    return this.forkMap.get(forkKey(rel, fork));
  }

  private mustGet(rel: RelFileLocator, fork: ForkNumber): MemoryFork {
    const f = this.lookup(rel, fork);
    if (!f) throw missingForkError(rel, fork);
    return f;
  }

  exists(rel: RelFileLocator, fork: ForkNumber): boolean {
    checkRel(rel);
    checkFork(fork);
    return this.forkMap.has(forkKey(rel, fork));
  }

  create(rel: RelFileLocator, fork: ForkNumber, isRedo = false): void {
    checkRel(rel);
    checkFork(fork);
    const key = forkKey(rel, fork);
    if (this.forkMap.has(key)) {
      if (isRedo) return;
      throw forkExistsError(rel, fork);
    }
    this.forkMap.set(key, {
      rel: { spcOid: rel.spcOid, dbOid: rel.dbOid, relNumber: rel.relNumber },
      fork,
      path: relpath(rel, fork),
      blocks: new Map(),
      nblocks: 0,
      durable: new Map(),
      durableNblocks: 0,
      dirtySegments: new Set(),
    });
  }

  nblocks(rel: RelFileLocator, fork: ForkNumber): number {
    checkRel(rel);
    checkFork(fork);
    return this.mustGet(rel, fork).nblocks;
  }

  extend(rel: RelFileLocator, fork: ForkNumber, block: number, page: Uint8Array): void {
    checkExtend(rel, fork, block, page);
    const f = this.mustGet(rel, fork);
    if (block < f.nblocks) throw extendBelowEndError(rel, fork, block, f.nblocks);
    for (const s of segmentsWrittenByExtend(f.nblocks, block, this.segmentBlocks)) {
      f.dirtySegments.add(s);
    }
    this.store(f, block, page);
    f.nblocks = block + 1;
    this.stats.extends++;
  }

  read(rel: RelFileLocator, fork: ForkNumber, block: number, into: Uint8Array): void {
    checkRel(rel);
    checkFork(fork);
    checkBlock(block);
    checkPage(into);
    const f = this.mustGet(rel, fork);
    if (block >= f.nblocks) throw readPastEndError(this.segmentPathOf(f, block), block, 0);
    into.set(f.blocks.get(block) ?? ZERO_PAGE);
    this.stats.reads++;
  }

  write(rel: RelFileLocator, fork: ForkNumber, block: number, page: Uint8Array): void {
    checkRel(rel);
    checkFork(fork);
    checkBlock(block);
    checkPage(page);
    const f = this.mustGet(rel, fork);
    if (block >= f.nblocks) throw writePastEndError(rel, fork, block, f.nblocks);
    f.dirtySegments.add(Math.floor(block / this.segmentBlocks));
    this.store(f, block, page);
    this.stats.writes++;
  }

  private store(f: MemoryFork, block: number, page: Uint8Array): void {
    const copy = page.slice();
    f.blocks.set(block, copy);
    if (!this.volatile) this.unsynced.push({ fork: f, block, page: copy });
    this.dirtyForks.add(f);
  }

  truncate(rel: RelFileLocator, fork: ForkNumber, nblocks: number): void {
    checkRel(rel);
    checkFork(fork);
    checkBlockCount(nblocks);
    const f = this.mustGet(rel, fork);
    if (nblocks > f.nblocks) throw truncateGrowError(rel, fork, nblocks, f.nblocks);
    if (nblocks === f.nblocks) return;
    for (const b of [...f.blocks.keys()]) if (b >= nblocks) f.blocks.delete(b);
    for (const b of [...f.durable.keys()]) if (b >= nblocks) f.durable.delete(b);
    f.nblocks = nblocks;
    f.durableNblocks = Math.min(f.durableNblocks, nblocks);
    this.unsynced = this.unsynced.filter((w) => w.fork !== f || w.block < nblocks);
    this.stats.truncates++;
  }

  unlink(rel: RelFileLocator, fork?: ForkNumber): void {
    checkRel(rel);
    if (fork !== undefined) checkFork(fork);
    for (const fk of forksToUnlink(fork)) {
      const f = this.lookup(rel, fk);
      if (!f) continue;
      this.forkMap.delete(forkKey(rel, fk));
      this.dirtyForks.delete(f);
      this.unsynced = this.unsynced.filter((w) => w.fork !== f);
    }
  }

  immedsync(rel: RelFileLocator, fork: ForkNumber): void {
    checkRel(rel);
    checkFork(fork);
    const f = this.mustGet(rel, fork);
    const rest: UnsyncedWrite[] = [];
    for (const w of this.unsynced) {
      if (w.fork === f) f.durable.set(w.block, w.page);
      else rest.push(w);
    }
    this.unsynced = rest;
    this.makeDurable(f);
    this.dirtyForks.delete(f);
    this.stats.immedsyncs++;
  }

  sync(): number {
    for (const w of this.unsynced) w.fork.durable.set(w.block, w.page);
    this.unsynced = [];
    let files = 0;
    for (const f of this.dirtyForks) {
      files += f.dirtySegments.size;
      this.makeDurable(f);
    }
    this.dirtyForks.clear();
    this.stats.syncs++;
    this.stats.filesSynced += files;
    return files;
  }

  /** The fork's durable state becomes its current state (its unsynced writes already applied). */
  private makeDurable(f: MemoryFork): void {
    f.durableNblocks = f.nblocks;
    f.dirtySegments.clear();
  }

  /** Everything written so far becomes durable, as {@link MemorySmgr.sync} for every fork. */
  syncAll(): number {
    return this.sync();
  }

  /** Nothing to close in memory. */
  close(): void {}

  /**
   * Simulates a power loss. Forks created, truncated or unlinked stay so;
   * every block write (write or extend) not yet synced is lost, except the
   * sectors `options.survives` keeps, applied over the durable bytes in
   * write order. Each fork's length becomes its durable length, grown to
   * cover any block of which a sector survived (blocks in between read as
   * zeros). Afterwards current and durable state are equal and nothing is
   * waiting for sync.
   */
  crash(options: MemoryCrashOptions = {}): void {
    if (this.volatile) throw new Error('a volatile MemorySmgr has no crash model');
    const after = new Map<MemoryFork, { blocks: Map<number, Uint8Array>; nblocks: number }>();
    for (const f of this.forkMap.values()) {
      after.set(f, { blocks: new Map(f.durable), nblocks: f.durableNblocks });
    }
    const survives = options.survives;
    if (survives) {
      // Pages copied during this crash, so that durable pages (shared) are never mutated.
      const own = new Set<Uint8Array>();
      for (const w of this.unsynced) {
        const state = after.get(w.fork);
        if (!state) continue;
        for (let s = 0; s < SECTORS_PER_BLOCK; s++) {
          if (!survives(w.fork.path, w.block, s)) continue;
          let page = state.blocks.get(w.block);
          if (!page || !own.has(page)) {
            page = (page ?? ZERO_PAGE).slice();
            own.add(page);
            state.blocks.set(w.block, page);
          }
          page.set(w.page.subarray(s * SECTOR_SIZE, (s + 1) * SECTOR_SIZE), s * SECTOR_SIZE);
          state.nblocks = Math.max(state.nblocks, w.block + 1);
        }
      }
    }
    for (const [f, state] of after) {
      f.blocks = state.blocks;
      f.nblocks = state.nblocks;
      f.durable = new Map(state.blocks);
      f.durableNblocks = state.nblocks;
      f.dirtySegments.clear();
    }
    this.unsynced = [];
    this.dirtyForks.clear();
  }

  /**
   * A copy of the block as it would read after a crash that kept no unsynced
   * sector; undefined if the fork does not exist or is durably shorter.
   */
  durableBlock(rel: RelFileLocator, fork: ForkNumber, block: number): Uint8Array | undefined {
    const f = this.lookup(rel, fork);
    if (!f || block >= f.durableNblocks) return undefined;
    return (f.durable.get(block) ?? ZERO_PAGE).slice();
  }

  /** The fork's length after a crash that kept no unsynced sector; undefined if it does not exist. */
  durableNblocks(rel: RelFileLocator, fork: ForkNumber): number | undefined {
    return this.lookup(rel, fork)?.durableNblocks;
  }

  /** Number of block writes (write and extend) waiting for sync, over all forks. */
  unsyncedWrites(): number {
    return this.unsynced.length;
  }

  /**
   * The segment files sync() would make durable now, as paths relative to the
   * data directory, sorted: FileSmgr's dirtyFiles() for the same calls.
   */
  dirtyFiles(): string[] {
    const out: string[] = [];
    for (const f of this.dirtyForks) {
      for (const s of f.dirtySegments) out.push(segmentPath(f.rel, f.fork, s));
    }
    return out.sort();
  }

  /** Every fork that exists, sorted by path. */
  forks(): { rel: RelFileLocator; fork: ForkNumber }[] {
    return [...this.forkMap.values()]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((f) => ({ rel: { ...f.rel }, fork: f.fork }));
  }

  /**
   * An independent copy with the same current and durable state and the
   * same unsynced writes (stats start at zero): crash one copy, keep going
   * with the other. Pages are shared, since a stored page is never changed
   * in place (a write stores a fresh copy); a volatile store stays volatile.
   */
  clone(): MemorySmgr {
    const c = new MemorySmgr({ segmentBlocks: this.segmentBlocks, volatile: this.volatile });
    const map = new Map<MemoryFork, MemoryFork>();
    for (const [key, f] of this.forkMap) {
      const g: MemoryFork = {
        rel: f.rel,
        fork: f.fork,
        path: f.path,
        blocks: new Map(f.blocks),
        nblocks: f.nblocks,
        durable: new Map(f.durable),
        durableNblocks: f.durableNblocks,
        dirtySegments: new Set(f.dirtySegments),
      };
      map.set(f, g);
      c.forkMap.set(key, g);
    }
    for (const f of this.dirtyForks) c.dirtyForks.add(map.get(f) as MemoryFork);
    c.unsynced = this.unsynced.map((w) => ({ ...w, fork: map.get(w.fork) as MemoryFork }));
    return c;
  }

  private segmentPathOf(f: MemoryFork, block: number): string {
    return segmentPath(f.rel, f.fork, Math.floor(block / this.segmentBlocks));
  }
}
