/**
 * The reference model of a page: what PostgreSQL's page routines promise,
 * without any byte layout. It keeps the line pointers as a plain array of
 * entries and the two numbers a caller can observe, pd_lower (implied by the
 * array's length) and pd_upper, with the rules that move them:
 *
 *   add              upper -= MAXALIGN(len)
 *   set/mark states  upper unchanged (the storage becomes garbage in place)
 *   repair           upper = special - sum of MAXALIGN(len) over items with storage
 *   index delete     upper += MAXALIGN(len) of the deleted item
 *   index multi      upper = special - sum over the kept items (if more than 2 deleted)
 *   overwrite        upper += MAXALIGN(old len) - MAXALIGN(new len)
 *
 * Property tests run the same operations on a Page and on a PageModel and
 * compare them after every step.
 */
import {
  BLCKSZ,
  MAX_HEAP_TUPLES_PER_PAGE,
  maxAlign,
  SIZE_OF_ITEM_ID,
  SIZE_OF_PAGE_HEADER,
} from './layout.js';

export type ModelEntry =
  | { readonly kind: 'unused' }
  | { readonly kind: 'normal'; readonly data: Uint8Array }
  | { readonly kind: 'dead'; readonly data: Uint8Array | undefined }
  | { readonly kind: 'redirect'; readonly target: number };

export class PageModel {
  entries: ModelEntry[] = [];
  upper: number;
  readonly special: number;
  hasFreeLines = false;

  constructor(specialSize = 0) {
    this.special = BLCKSZ - maxAlign(specialSize);
    this.upper = this.special;
  }

  get lower(): number {
    return SIZE_OF_PAGE_HEADER + SIZE_OF_ITEM_ID * this.entries.length;
  }

  #storage(e: ModelEntry): Uint8Array | undefined {
    return e.kind === 'normal' || e.kind === 'dead' ? e.data : undefined;
  }

  /** Returns the offset number used, or undefined when the item does not fit. */
  add(
    data: Uint8Array,
    opts: { offsetNumber?: number; overwrite?: boolean; isHeap?: boolean } = {},
  ): number | undefined {
    const limit = this.entries.length + 1;
    let at = opts.offsetNumber;
    let shuffle = false;
    if (at === undefined) {
      at = limit;
      if (this.hasFreeLines) {
        const free = this.entries.findIndex((e) => e.kind === 'unused');
        if (free >= 0) at = free + 1;
        else this.hasFreeLines = false;
      }
    } else if (!opts.overwrite && at < limit) {
      shuffle = true;
    }
    if (opts.isHeap && at > MAX_HEAP_TUPLES_PER_PAGE) return undefined;
    const grows = at === limit || shuffle;
    const lower = this.lower + (grows ? SIZE_OF_ITEM_ID : 0);
    if (lower > this.upper - maxAlign(data.length)) return undefined;
    const entry: ModelEntry = { kind: 'normal', data: data.slice() };
    if (grows) this.entries.splice(at - 1, 0, entry);
    else this.entries[at - 1] = entry;
    this.upper -= maxAlign(data.length);
    return at;
  }

  setUnused(n: number): void {
    this.entries[n - 1] = { kind: 'unused' };
  }
  setDead(n: number): void {
    this.entries[n - 1] = { kind: 'dead', data: undefined };
  }
  markDead(n: number): void {
    const e = this.entries[n - 1]!;
    this.entries[n - 1] = { kind: 'dead', data: this.#storage(e) };
  }
  setRedirect(n: number, target: number): void {
    this.entries[n - 1] = { kind: 'redirect', target };
  }

  repairFragmentation(): void {
    let used = 0;
    for (const e of this.entries) {
      const s = this.#storage(e);
      if (s) used += maxAlign(s.length);
    }
    this.upper = this.special - used;
    let last = this.entries.length;
    while (last > 0 && this.entries[last - 1]!.kind === 'unused') last--;
    this.entries.length = last;
    this.hasFreeLines = this.entries.some((e) => e.kind === 'unused');
  }

  truncateLinePointerArray(): void {
    let last = this.entries.length;
    while (last > 1 && this.entries[last - 1]!.kind === 'unused') last--;
    this.entries.length = last;
    this.hasFreeLines = this.entries.some((e) => e.kind === 'unused');
  }

  indexTupleDelete(n: number): void {
    const [e] = this.entries.splice(n - 1, 1);
    this.upper += maxAlign(this.#storage(e!)?.length ?? 0);
  }

  indexMultiDelete(ns: readonly number[]): void {
    if (ns.length <= 2) {
      for (let k = ns.length - 1; k >= 0; k--) this.indexTupleDelete(ns[k]!);
      return;
    }
    const gone = new Set(ns);
    this.entries = this.entries.filter((_, i) => !gone.has(i + 1));
    let used = 0;
    for (const e of this.entries) used += maxAlign(this.#storage(e)?.length ?? 0);
    this.upper = this.special - used;
  }

  /** Returns false when the new item does not fit. */
  overwrite(n: number, data: Uint8Array): boolean {
    const e = this.entries[n - 1]!;
    const old = maxAlign(this.#storage(e)!.length);
    if (maxAlign(data.length) > old + (this.upper - this.lower)) return false;
    this.upper += old - maxAlign(data.length);
    this.entries[n - 1] =
      e.kind === 'dead'
        ? { kind: 'dead', data: data.slice() }
        : { kind: 'normal', data: data.slice() };
    return true;
  }
}
