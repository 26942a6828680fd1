import { type Tid, tidKey } from './tid.js';

/** Heap pages per lossy chunk (PAGES_PER_CHUNK = BLCKSZ / 32). */
export const PAGES_PER_CHUNK = 256;
/** Bytes an exact page entry is counted as (PagetableEntry with MaxHeapTuplesPerPage bits, rounded). */
export const BYTES_PER_ENTRY = 64;

/** One page of a bitmap's result (TBMIterateResult). */
export interface BitmapPage {
  readonly block: number;
  /** The offsets to visit, ascending; null when the page is lossy (visit every tuple). */
  readonly offsets: readonly number[] | null;
  /** Whether each tuple must be rechecked against the scan's conditions. */
  readonly recheck: boolean;
}

/**
 * A set of TIDs for bitmap scans (TIDBitmap): exact pages hold their offsets;
 * when the exact pages would need more than `maxBytes` (work_mem), pages are
 * made lossy a chunk of 256 heap pages at a time, which then must be
 * rechecked. Iteration is in block order, so the heap is read sequentially.
 */
export class TidBitmap {
  private readonly exact = new Map<number, Set<number>>();
  /** Exact pages whose tuples must be rechecked. */
  private readonly recheckPages = new Set<number>();
  private readonly lossyChunks = new Set<number>();
  private readonly maxEntries: number;

  constructor(maxBytes = 4 * 1024 * 1024) {
    this.maxEntries = Math.max(16, Math.floor(maxBytes / BYTES_PER_ENTRY));
  }

  /** Exact pages held now. */
  get exactPages(): number {
    return this.exact.size;
  }

  /** Lossy chunks held now. */
  get lossyChunkCount(): number {
    return this.lossyChunks.size;
  }

  isEmpty(): boolean {
    return this.exact.size === 0 && this.lossyChunks.size === 0;
  }

  /** tbm_add_tuples: adds TIDs; `recheck` marks their pages as needing a recheck. */
  add(tids: Iterable<Tid>, recheck = false): void {
    for (const tid of tids) {
      if (this.lossyChunks.has(Math.floor(tid.block / PAGES_PER_CHUNK))) continue;
      let set = this.exact.get(tid.block);
      if (!set) {
        set = new Set();
        this.exact.set(tid.block, set);
      }
      set.add(tid.offset);
      if (recheck) this.recheckPages.add(tid.block);
    }
    if (this.exact.size > this.maxEntries) this.lossify();
  }

  /** tbm_add_page: every tuple of the page (a lossy page). */
  addPage(block: number): void {
    this.lossyChunks.add(Math.floor(block / PAGES_PER_CHUNK));
    this.dropChunk(Math.floor(block / PAGES_PER_CHUNK));
  }

  /** Whether a TID may be in the set (true for every TID of a lossy chunk). */
  has(tid: Tid): boolean {
    if (this.lossyChunks.has(Math.floor(tid.block / PAGES_PER_CHUNK))) return true;
    return this.exact.get(tid.block)?.has(tid.offset) ?? false;
  }

  /** tbm_union: this ∪ other. */
  union(other: TidBitmap): void {
    for (const chunk of other.lossyChunks) {
      this.lossyChunks.add(chunk);
      this.dropChunk(chunk);
    }
    for (const [block, offsets] of other.exact) {
      this.add(
        [...offsets].map((offset) => ({ block, offset })),
        other.recheckPages.has(block),
      );
    }
  }

  /**
   * tbm_intersect: this ∩ other. An exact page meeting a lossy chunk stays
   * exact but must be rechecked; two lossy chunks stay lossy.
   */
  intersect(other: TidBitmap): void {
    for (const [block, offsets] of [...this.exact]) {
      if (other.lossyChunks.has(Math.floor(block / PAGES_PER_CHUNK))) {
        this.recheckPages.add(block);
        continue;
      }
      const theirs = other.exact.get(block);
      if (!theirs) {
        this.exact.delete(block);
        this.recheckPages.delete(block);
        continue;
      }
      for (const o of offsets) if (!theirs.has(o)) offsets.delete(o);
      if (offsets.size === 0) {
        this.exact.delete(block);
        this.recheckPages.delete(block);
      } else if (other.recheckPages.has(block)) {
        this.recheckPages.add(block);
      }
    }
    for (const chunk of [...this.lossyChunks]) {
      if (other.lossyChunks.has(chunk)) continue;
      this.lossyChunks.delete(chunk);
      // What is left of a lossy chunk is the other side's exact pages in it, to recheck.
      for (const [block, offsets] of other.exact) {
        if (Math.floor(block / PAGES_PER_CHUNK) !== chunk) continue;
        this.exact.set(block, new Set(offsets));
        this.recheckPages.add(block);
      }
    }
  }

  /** The pages in block order (tbm_iterate). */
  *pages(): Generator<BitmapPage> {
    const blocks = new Set<number>(this.exact.keys());
    for (const chunk of this.lossyChunks) {
      for (let b = chunk * PAGES_PER_CHUNK; b < (chunk + 1) * PAGES_PER_CHUNK; b++) blocks.add(b);
    }
    for (const block of [...blocks].sort((a, b) => a - b)) {
      if (this.lossyChunks.has(Math.floor(block / PAGES_PER_CHUNK))) {
        yield { block, offsets: null, recheck: true };
      } else {
        const offsets = [...this.exact.get(block)!].sort((a, b) => a - b);
        yield { block, offsets, recheck: this.recheckPages.has(block) };
      }
    }
  }

  /** Every exact TID, in order (lossy chunks are not expanded). */
  exactTids(): Tid[] {
    const out: Tid[] = [];
    for (const [block, offsets] of this.exact)
      for (const offset of offsets) out.push({ block, offset });
    return out.sort((a, b) => tidKey(a) - tidKey(b));
  }

  private dropChunk(chunk: number): void {
    for (const block of [...this.exact.keys()]) {
      if (Math.floor(block / PAGES_PER_CHUNK) === chunk) {
        this.exact.delete(block);
        this.recheckPages.delete(block);
      }
    }
  }

  /** tbm_lossify: turns chunks lossy, densest first, until half the budget is free. */
  private lossify(): void {
    const perChunk = new Map<number, number>();
    for (const block of this.exact.keys()) {
      const c = Math.floor(block / PAGES_PER_CHUNK);
      perChunk.set(c, (perChunk.get(c) ?? 0) + 1);
    }
    const order = [...perChunk].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    for (const [chunk] of order) {
      if (this.exact.size <= this.maxEntries / 2) break;
      this.lossyChunks.add(chunk);
      this.dropChunk(chunk);
    }
  }
}
