/**
 * The slotted page: a view over 8192 bytes laid out as PostgreSQL 15 lays
 * them out (see layout.ts for the diagram and offsets). The algorithms follow
 * src/backend/storage/page/bufpage.c function by function, so that a page
 * changed here has the same bytes as the same change made by PostgreSQL;
 * the name of the PostgreSQL function is given on each method.
 *
 * A Page never copies the bytes it was given: it reads and writes them in
 * place, so a buffer pool can hand out pages that are views into one large
 * buffer. Every read of an offset that comes from the page itself is checked
 * before use, so a corrupted page raises a PageError naming the problem
 * instead of a RangeError or silently wrong data.
 */
import { pageChecksum } from './checksum.js';
import { PageError, type PageProblem } from './errors.js';
import {
  BLCKSZ,
  FIRST_OFFSET_NUMBER,
  LP_DEAD,
  LP_FLAGS_MASK,
  LP_FLAGS_SHIFT,
  LP_LEN_SHIFT,
  LP_NORMAL,
  LP_OFF_MASK,
  LP_REDIRECT,
  LP_UNUSED,
  type LpFlags,
  MAX_HEAP_TUPLES_PER_PAGE,
  MAX_ITEM_LENGTH,
  maxAlign,
  OFF_CHECKSUM,
  OFF_FLAGS,
  OFF_LINP,
  OFF_LOWER,
  OFF_LSN_HI,
  OFF_LSN_LO,
  OFF_PAGESIZE_VERSION,
  OFF_PRUNE_XID,
  OFF_SPECIAL,
  OFF_UPPER,
  PD_ALL_VISIBLE,
  PD_HAS_FREE_LINES,
  PD_PAGE_FULL,
  PD_VALID_FLAG_BITS,
  PG_PAGE_LAYOUT_VERSION,
  packItemId,
  SIZE_OF_ITEM_ID,
  SIZE_OF_PAGE_HEADER,
} from './layout.js';

/** A decoded line pointer (ItemIdData). */
export interface ItemId {
  /** lp_off: byte offset of the item, or for LP_REDIRECT the target offset number. */
  readonly off: number;
  /** lp_flags: LP_UNUSED, LP_NORMAL, LP_REDIRECT or LP_DEAD. */
  readonly flags: LpFlags;
  /** lp_len: byte length of the item, 0 when it has no storage. */
  readonly len: number;
}

/** The decoded page header (PageHeaderData without the line pointers). */
export interface PageHeader {
  readonly lsn: bigint;
  readonly checksum: number;
  readonly flags: number;
  readonly lower: number;
  readonly upper: number;
  readonly special: number;
  readonly pageSize: number;
  readonly version: number;
  readonly pruneXid: number;
}

/** Options of addItem, PageAddItemExtended's offsetNumber and flags. */
export interface AddItemOptions {
  /**
   * Where to put the item. Without it the item goes into the first unused
   * line pointer when the page's PD_HAS_FREE_LINES hint says there may be one,
   * else after the last line pointer.
   */
  readonly offsetNumber?: number;
  /**
   * PAI_OVERWRITE: put the item into the line pointer at offsetNumber, which
   * must be unused. Without it, the line pointers from offsetNumber on move up
   * by one to make room (index-page style).
   */
  readonly overwrite?: boolean;
  /** PAI_IS_HEAP: refuse more than MaxHeapTuplesPerPage line pointers. */
  readonly isHeap?: boolean;
}

/** What {@link Page.verify} and {@link Page.read} check. */
export interface VerifyOptions {
  /** The block number the page was read from, mixed into its checksum (default 0). */
  readonly blockNumber?: number;
  /** Check pd_checksum (data checksums are on). */
  readonly checksums?: boolean;
  /** Check every line pointer (the page is known to be a slotted page, not a metapage). */
  readonly linePointers?: boolean;
}

/** The result of verifying a page read from disk. */
export type VerifyResult =
  | { readonly ok: true; readonly isNew: boolean }
  | { readonly ok: false; readonly problems: readonly PageProblem[] };

/** One item's place in compaction: line pointer index, current offset, aligned length. */
interface CompactItem {
  readonly index: number;
  readonly itemOff: number;
  readonly alignedLen: number;
}

const scratch = new Uint8Array(BLCKSZ);

export class Page {
  /** The page's 8192 bytes; a view, never a copy. */
  readonly bytes: Uint8Array;
  readonly #view: DataView;

  private constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, BLCKSZ);
  }

  /**
   * A view of 8192 bytes as a page, without checking their contents: use it
   * for memory this process wrote. For bytes from disk or the network use
   * {@link Page.read}, which validates them first.
   */
  static wrap(bytes: Uint8Array): Page {
    if (bytes.length !== BLCKSZ)
      throw new PageError({ kind: 'wrong-buffer-size', length: bytes.length });
    return new Page(bytes);
  }

  /**
   * PageInit: zero the bytes and make them an empty page with `specialSize`
   * bytes (rounded up to MAXALIGN) of special space at the end.
   */
  static init(bytes: Uint8Array, specialSize = 0): Page {
    const page = Page.wrap(bytes);
    const special = maxAlign(specialSize);
    if (
      !Number.isInteger(specialSize) ||
      specialSize < 0 ||
      special > BLCKSZ - SIZE_OF_PAGE_HEADER
    ) {
      throw new PageError({ kind: 'invalid-special-size', specialSize });
    }
    bytes.fill(0);
    const v = page.#view;
    v.setUint16(OFF_LOWER, SIZE_OF_PAGE_HEADER, true);
    v.setUint16(OFF_UPPER, BLCKSZ - special, true);
    v.setUint16(OFF_SPECIAL, BLCKSZ - special, true);
    v.setUint16(OFF_PAGESIZE_VERSION, BLCKSZ | PG_PAGE_LAYOUT_VERSION, true);
    return page;
  }

  /** A new empty page in a fresh buffer. */
  static create(specialSize = 0): Page {
    return Page.init(new Uint8Array(BLCKSZ), specialSize);
  }

  /**
   * A page read from disk or received from elsewhere: verified as
   * {@link Page.verify} does (the header, the checksum when `checksums` is
   * on, and the line pointers when `linePointers` is on) before any of its
   * offsets is trusted. Throws a PageError with SQLSTATE XX001 naming the
   * first problem. An all-zero page is accepted (PostgreSQL treats it as
   * new); check {@link Page.isNew}.
   */
  static read(bytes: Uint8Array, options: VerifyOptions = {}): Page {
    const page = Page.wrap(bytes);
    const result = page.verify(options);
    if (!result.ok) throw new PageError(result.problems[0]!, options.blockNumber);
    return page;
  }

  // ---------------------------------------------------------------- header

  /** pd_lsn, as a 64-bit number. */
  get lsn(): bigint {
    const hi = this.#view.getUint32(OFF_LSN_HI, true);
    const lo = this.#view.getUint32(OFF_LSN_LO, true);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }
  set lsn(lsn: bigint) {
    this.#view.setUint32(OFF_LSN_HI, Number((lsn >> 32n) & 0xffffffffn), true);
    this.#view.setUint32(OFF_LSN_LO, Number(lsn & 0xffffffffn), true);
  }
  /** pd_checksum. */
  get checksum(): number {
    return this.#view.getUint16(OFF_CHECKSUM, true);
  }
  set checksum(value: number) {
    this.#view.setUint16(OFF_CHECKSUM, value, true);
  }
  /** pd_flags. */
  get flags(): number {
    return this.#view.getUint16(OFF_FLAGS, true);
  }
  set flags(value: number) {
    this.#view.setUint16(OFF_FLAGS, value, true);
  }
  /** pd_lower: the end of the line pointer array. */
  get lower(): number {
    return this.#view.getUint16(OFF_LOWER, true);
  }
  /** pd_upper: the start of the item area. */
  get upper(): number {
    return this.#view.getUint16(OFF_UPPER, true);
  }
  /** pd_special: the start of the special space. */
  get special(): number {
    return this.#view.getUint16(OFF_SPECIAL, true);
  }
  /** The page size recorded in pd_pagesize_version. */
  get pageSize(): number {
    return this.#view.getUint16(OFF_PAGESIZE_VERSION, true) & 0xff00;
  }
  /** The layout version recorded in pd_pagesize_version. */
  get layoutVersion(): number {
    return this.#view.getUint16(OFF_PAGESIZE_VERSION, true) & 0x00ff;
  }
  /** pd_prune_xid. */
  get pruneXid(): number {
    return this.#view.getUint32(OFF_PRUNE_XID, true);
  }
  set pruneXid(xid: number) {
    this.#view.setUint32(OFF_PRUNE_XID, xid, true);
  }

  /** The whole header at once. */
  header(): PageHeader {
    return {
      lsn: this.lsn,
      checksum: this.checksum,
      flags: this.flags,
      lower: this.lower,
      upper: this.upper,
      special: this.special,
      pageSize: this.pageSize,
      version: this.layoutVersion,
      pruneXid: this.pruneXid,
    };
  }

  /** PageHasFreeLinePointers: the hint that an unused line pointer may exist. */
  get hasFreeLinePointers(): boolean {
    return (this.flags & PD_HAS_FREE_LINES) !== 0;
  }
  /** PageIsFull: the hint that an UPDATE found no room here. */
  get isFull(): boolean {
    return (this.flags & PD_PAGE_FULL) !== 0;
  }
  set isFull(on: boolean) {
    this.#setFlag(PD_PAGE_FULL, on);
  }
  /** PageIsAllVisible: every tuple is visible to every transaction. */
  get isAllVisible(): boolean {
    return (this.flags & PD_ALL_VISIBLE) !== 0;
  }
  set isAllVisible(on: boolean) {
    this.#setFlag(PD_ALL_VISIBLE, on);
  }

  #setFlag(bit: number, on: boolean): void {
    this.flags = on ? this.flags | bit : this.flags & ~bit;
  }

  /** PageIsNew: never initialised (pd_upper = 0). */
  isNew(): boolean {
    return this.upper === 0;
  }

  /** PageIsEmpty: no line pointers. */
  isEmpty(): boolean {
    return this.lower <= SIZE_OF_PAGE_HEADER;
  }

  /** PageGetMaxOffsetNumber: the number of line pointers. */
  get maxOffsetNumber(): number {
    const lower = this.lower;
    return lower <= SIZE_OF_PAGE_HEADER ? 0 : (lower - SIZE_OF_PAGE_HEADER) >>> 2;
  }

  /** The special space, as a view. */
  specialSpace(): Uint8Array {
    this.#checkPointers();
    return this.bytes.subarray(this.special, BLCKSZ);
  }

  // ---------------------------------------------------------- line pointers

  #lpWord(offsetNumber: number): number {
    return this.#view.getUint32(OFF_LINP + (offsetNumber - 1) * SIZE_OF_ITEM_ID, true);
  }

  #setLp(offsetNumber: number, off: number, flags: LpFlags, len: number): void {
    this.#view.setUint32(
      OFF_LINP + (offsetNumber - 1) * SIZE_OF_ITEM_ID,
      packItemId(off, flags, len),
      true,
    );
  }

  #checkOffsetNumber(offsetNumber: number): void {
    const max = this.maxOffsetNumber;
    if (
      !Number.isInteger(offsetNumber) ||
      offsetNumber < FIRST_OFFSET_NUMBER ||
      offsetNumber > max
    ) {
      throw new PageError({ kind: 'invalid-offset-number', offsetNumber, max });
    }
    // Line pointers past pd_upper would overlap items: only a corrupt page has them.
    if (this.lower > this.upper || this.lower > BLCKSZ) this.#checkPointers();
  }

  /** PageGetItemId: the line pointer at `offsetNumber` (1-based). */
  itemId(offsetNumber: number): ItemId {
    this.#checkOffsetNumber(offsetNumber);
    const word = this.#lpWord(offsetNumber);
    return {
      off: word & LP_OFF_MASK,
      flags: ((word >>> LP_FLAGS_SHIFT) & LP_FLAGS_MASK) as LpFlags,
      len: word >>> LP_LEN_SHIFT,
    };
  }

  /** All line pointers, in offset-number order (index 0 is offset number 1). */
  itemIds(): ItemId[] {
    const out: ItemId[] = [];
    for (let i = 1; i <= this.maxOffsetNumber; i++) out.push(this.itemId(i));
    return out;
  }

  /**
   * PageGetItem: the bytes of the item at `offsetNumber`, as a view into the
   * page, or undefined when its line pointer has no storage (unused,
   * redirect, or dead without storage). Throws a PageError when the pointer
   * points outside the item area.
   */
  item(offsetNumber: number): Uint8Array | undefined {
    this.#checkOffsetNumber(offsetNumber);
    const word = this.#lpWord(offsetNumber);
    const len = word >>> LP_LEN_SHIFT;
    const flags = (word >>> LP_FLAGS_SHIFT) & LP_FLAGS_MASK;
    if (len === 0 || flags === LP_UNUSED || flags === LP_REDIRECT) return undefined;
    const off = word & LP_OFF_MASK;
    if (off < this.upper || off + len > Math.min(this.special, BLCKSZ) || off !== maxAlign(off)) {
      throw new PageError({ kind: 'corrupted-line-pointer', offsetNumber, off, len });
    }
    return this.bytes.subarray(off, off + len);
  }

  /** Like {@link Page.item}, but throws when the line pointer has no storage. */
  mustItem(offsetNumber: number): Uint8Array {
    const item = this.item(offsetNumber);
    if (item === undefined) throw new PageError({ kind: 'item-has-no-storage', offsetNumber });
    return item;
  }

  /** ItemIdSetUnused: the line pointer becomes free; its storage, if any, is garbage until compaction. */
  setUnused(offsetNumber: number): void {
    this.#checkOffsetNumber(offsetNumber);
    this.#setLp(offsetNumber, 0, LP_UNUSED, 0);
  }

  /** ItemIdSetDead: dead, and its storage given up (heap pruning). */
  setDead(offsetNumber: number): void {
    this.#checkOffsetNumber(offsetNumber);
    this.#setLp(offsetNumber, 0, LP_DEAD, 0);
  }

  /** ItemIdMarkDead: dead, keeping its storage (an index's killed tuple). */
  markDead(offsetNumber: number): void {
    const { off, len } = this.itemId(offsetNumber);
    this.#setLp(offsetNumber, off, LP_DEAD, len);
  }

  /** ItemIdSetRedirect: redirect to the line pointer at `target` (a HOT chain's next member). */
  setRedirect(offsetNumber: number, target: number): void {
    this.#checkOffsetNumber(offsetNumber);
    this.#checkOffsetNumber(target);
    this.#setLp(offsetNumber, target, LP_REDIRECT, 0);
  }

  // ------------------------------------------------------------- adding items

  /**
   * PageAddItemExtended: store `item` on the page and return its offset
   * number, or undefined when it does not fit (or, with `isHeap`, when the
   * page already has MaxHeapTuplesPerPage line pointers). The bytes are
   * copied to MAXALIGNed storage just below pd_upper.
   */
  addItem(item: Uint8Array, options: AddItemOptions = {}): number | undefined {
    this.#checkPointers();
    const size = item.length;
    if (size > MAX_ITEM_LENGTH) throw new PageError({ kind: 'item-too-large', length: size });
    if (size === 0) throw new PageError({ kind: 'empty-item' });
    const limit = this.maxOffsetNumber + 1;
    let offsetNumber = options.offsetNumber ?? 0;
    let needShuffle = false;

    if (offsetNumber !== 0) {
      if (
        !Number.isInteger(offsetNumber) ||
        offsetNumber < FIRST_OFFSET_NUMBER ||
        offsetNumber > limit
      ) {
        throw new PageError({ kind: 'invalid-offset-number', offsetNumber, max: limit - 1 });
      }
      if (options.overwrite) {
        if (offsetNumber < limit) {
          const word = this.#lpWord(offsetNumber);
          const flags = (word >>> LP_FLAGS_SHIFT) & LP_FLAGS_MASK;
          if (flags !== LP_UNUSED || word >>> LP_LEN_SHIFT !== 0) {
            throw new PageError({ kind: 'item-in-use', offsetNumber });
          }
        }
      } else if (offsetNumber < limit) {
        needShuffle = true;
      }
    } else if (this.hasFreeLinePointers) {
      // Reuse the earliest unused line pointer, if the hint was right.
      for (offsetNumber = FIRST_OFFSET_NUMBER; offsetNumber < limit; offsetNumber++) {
        const word = this.#lpWord(offsetNumber);
        if (
          ((word >>> LP_FLAGS_SHIFT) & LP_FLAGS_MASK) === LP_UNUSED &&
          word >>> LP_LEN_SHIFT === 0
        ) {
          break;
        }
      }
      if (offsetNumber >= limit) this.#setFlag(PD_HAS_FREE_LINES, false);
    } else {
      offsetNumber = limit;
    }

    if (options.isHeap && offsetNumber > MAX_HEAP_TUPLES_PER_PAGE) return undefined;

    const lower = offsetNumber === limit || needShuffle ? this.lower + SIZE_OF_ITEM_ID : this.lower;
    const upper = this.upper - maxAlign(size);
    if (lower > upper) return undefined;

    if (needShuffle) {
      const at = OFF_LINP + (offsetNumber - 1) * SIZE_OF_ITEM_ID;
      this.bytes.copyWithin(at + SIZE_OF_ITEM_ID, at, this.lower);
    }
    this.#setLp(offsetNumber, upper, LP_NORMAL, size);
    this.bytes.set(item, upper);
    this.#view.setUint16(OFF_LOWER, lower, true);
    this.#view.setUint16(OFF_UPPER, upper, true);
    return offsetNumber;
  }

  /**
   * PageIndexTupleOverwrite: replace the item at `offsetNumber` (which must
   * have storage) with `item`, keeping its offset number, and move the other
   * items' storage so no gap is left. Returns false when it does not fit.
   */
  overwriteItem(offsetNumber: number, item: Uint8Array): boolean {
    this.#checkPointers();
    this.#checkOffsetNumber(offsetNumber);
    const word = this.#lpWord(offsetNumber);
    const flags = (word >>> LP_FLAGS_SHIFT) & LP_FLAGS_MASK;
    const off = word & LP_OFF_MASK;
    const oldLen = word >>> LP_LEN_SHIFT;
    if (oldLen === 0) throw new PageError({ kind: 'item-has-no-storage', offsetNumber });
    const upper = this.upper;
    if (off < upper || off + oldLen > this.special || off !== maxAlign(off)) {
      throw new PageError({ kind: 'corrupted-line-pointer', offsetNumber, off, len: oldLen });
    }
    const oldSize = maxAlign(oldLen);
    const newSize = maxAlign(item.length);
    if (item.length === 0) throw new PageError({ kind: 'empty-item' });
    if (item.length > MAX_ITEM_LENGTH || newSize > oldSize + (upper - this.lower)) return false;

    const sizeDiff = oldSize - newSize;
    let newOff = off;
    if (sizeDiff !== 0) {
      // Move the storage below the item up (or down) by sizeDiff, and fix
      // the line pointers of the items that moved.
      this.bytes.copyWithin(upper + sizeDiff, upper, off);
      this.#view.setUint16(OFF_UPPER, upper + sizeDiff, true);
      for (let i = FIRST_OFFSET_NUMBER; i <= this.maxOffsetNumber; i++) {
        const w = this.#lpWord(i);
        const o = w & LP_OFF_MASK;
        if (w >>> LP_LEN_SHIFT !== 0 && o <= off) {
          this.#setLp(
            i,
            o + sizeDiff,
            ((w >>> LP_FLAGS_SHIFT) & LP_FLAGS_MASK) as LpFlags,
            w >>> LP_LEN_SHIFT,
          );
        }
      }
      newOff = off + sizeDiff;
    }
    this.#setLp(offsetNumber, newOff, flags as LpFlags, item.length);
    this.bytes.set(item, newOff);
    return true;
  }

  // ------------------------------------------------------ space accounting

  /** PageGetExactFreeSpace: the bytes between pd_lower and pd_upper. */
  exactFreeSpace(): number {
    return Math.max(0, this.upper - this.lower);
  }

  /** PageGetFreeSpace: room for one more item, after its line pointer. */
  freeSpace(): number {
    const space = this.upper - this.lower;
    return space < SIZE_OF_ITEM_ID ? 0 : space - SIZE_OF_ITEM_ID;
  }

  /** PageGetFreeSpaceForMultipleTuples: room for `count` more items, after their line pointers. */
  freeSpaceForMultipleTuples(count: number): number {
    const space = this.upper - this.lower;
    return space < count * SIZE_OF_ITEM_ID ? 0 : space - count * SIZE_OF_ITEM_ID;
  }

  /**
   * PageGetHeapFreeSpace: like freeSpace, but 0 when the page already has
   * MaxHeapTuplesPerPage line pointers and none of them is unused.
   */
  heapFreeSpace(): number {
    this.#checkPointers();
    const space = this.freeSpace();
    if (space === 0) return 0;
    const nline = this.maxOffsetNumber;
    if (nline < MAX_HEAP_TUPLES_PER_PAGE) return space;
    if (!this.hasFreeLinePointers) return 0;
    for (let i = FIRST_OFFSET_NUMBER; i <= nline; i++) {
      if (((this.#lpWord(i) >>> LP_FLAGS_SHIFT) & LP_FLAGS_MASK) === LP_UNUSED) return space;
    }
    return 0;
  }

  // ------------------------------------------------------------- compaction

  /**
   * PageRepairFragmentation (heap pages): move the storage of every item
   * that has any (normal, and dead with storage) together at the end of the
   * page, in offset-number order, keeping every offset number; drop unused
   * line pointers from the end of the array; set PD_HAS_FREE_LINES if unused
   * line pointers remain.
   */
  repairFragmentation(): void {
    this.#checkPointers();
    const special = this.special;
    const upper = this.upper;
    const nline = this.maxOffsetNumber;
    const items: CompactItem[] = [];
    let nunused = 0;
    let totalLen = 0;
    let finalUsed = 0;
    for (let i = FIRST_OFFSET_NUMBER; i <= nline; i++) {
      const word = this.#lpWord(i);
      const flags = (word >>> LP_FLAGS_SHIFT) & LP_FLAGS_MASK;
      if (flags !== LP_UNUSED) {
        const len = word >>> LP_LEN_SHIFT;
        if (len > 0) {
          const off = word & LP_OFF_MASK;
          if (off < upper || off >= special || off + len > special || off !== maxAlign(off)) {
            throw new PageError({ kind: 'corrupted-line-pointer', offsetNumber: i, off, len });
          }
          items.push({ index: i, itemOff: off, alignedLen: maxAlign(len) });
          totalLen += maxAlign(len);
        }
        finalUsed = i;
      } else {
        this.#setLp(i, 0, LP_UNUSED, 0);
        nunused++;
      }
    }
    if (items.length === 0) {
      this.#view.setUint16(OFF_UPPER, special, true);
    } else {
      if (totalLen > special - this.lower) {
        throw new PageError({
          kind: 'corrupted-item-lengths',
          total: totalLen,
          available: special - this.lower,
        });
      }
      this.#compactify(items, special);
    }
    if (finalUsed !== nline) {
      const unusedAtEnd = nline - finalUsed;
      nunused -= unusedAtEnd;
      this.#view.setUint16(OFF_LOWER, this.lower - SIZE_OF_ITEM_ID * unusedAtEnd, true);
    }
    this.#setFlag(PD_HAS_FREE_LINES, nunused > 0);
  }

  /**
   * PageTruncateLinePointerArray (heap pages, VACUUM's second pass): drop
   * unused line pointers from the end of the array, always keeping the first
   * one, and set PD_HAS_FREE_LINES when unused ones remain before them.
   */
  truncateLinePointerArray(): void {
    this.#checkPointers();
    let countDone = false;
    let setHint = false;
    let unusedAtEnd = 0;
    for (let i = this.maxOffsetNumber; i >= FIRST_OFFSET_NUMBER; i--) {
      const unused = ((this.#lpWord(i) >>> LP_FLAGS_SHIFT) & LP_FLAGS_MASK) === LP_UNUSED;
      if (!countDone && i > FIRST_OFFSET_NUMBER) {
        if (unused) unusedAtEnd++;
        else countDone = true;
      } else if (unused) {
        setHint = true;
        break;
      }
    }
    if (unusedAtEnd > 0) {
      this.#view.setUint16(OFF_LOWER, this.lower - SIZE_OF_ITEM_ID * unusedAtEnd, true);
    }
    this.#setFlag(PD_HAS_FREE_LINES, setHint);
  }

  /**
   * PageIndexTupleDelete (index pages): remove the item at `offsetNumber`
   * and its line pointer; later line pointers move down by one and the
   * storage in front of the item moves up to close the gap.
   */
  indexTupleDelete(offsetNumber: number): void {
    this.#checkPointers();
    this.#checkOffsetNumber(offsetNumber);
    const word = this.#lpWord(offsetNumber);
    const off = word & LP_OFF_MASK;
    const len = word >>> LP_LEN_SHIFT;
    const upper = this.upper;
    const lower = this.lower;
    if (off < upper || off + len > this.special || off !== maxAlign(off)) {
      throw new PageError({ kind: 'corrupted-line-pointer', offsetNumber, off, len });
    }
    const size = maxAlign(len);
    const at = OFF_LINP + (offsetNumber - 1) * SIZE_OF_ITEM_ID;
    this.bytes.copyWithin(at, at + SIZE_OF_ITEM_ID, lower);
    if (off > upper) this.bytes.copyWithin(upper + size, upper, off);
    this.#view.setUint16(OFF_UPPER, upper + size, true);
    this.#view.setUint16(OFF_LOWER, lower - SIZE_OF_ITEM_ID, true);
    const nline = this.maxOffsetNumber;
    for (let i = FIRST_OFFSET_NUMBER; i <= nline; i++) {
      const w = this.#lpWord(i);
      const o = w & LP_OFF_MASK;
      if (o <= off) {
        this.#setLp(
          i,
          o + size,
          ((w >>> LP_FLAGS_SHIFT) & LP_FLAGS_MASK) as LpFlags,
          w >>> LP_LEN_SHIFT,
        );
      }
    }
  }

  /**
   * PageIndexMultiDelete (index pages): remove the items at the given
   * offset numbers, which must be strictly ascending; the remaining line
   * pointers close up and their storage is compacted in offset-number order.
   * As in PostgreSQL, two or fewer deletions are done one at a time with
   * indexTupleDelete, which leaves a different (but equally valid) layout.
   */
  indexMultiDelete(offsetNumbers: readonly number[]): void {
    const n = offsetNumbers.length;
    if (n <= 2) {
      if (n === 2 && !(offsetNumbers[0]! < offsetNumbers[1]!)) {
        throw new PageError({ kind: 'incorrect-index-offsets' });
      }
      for (let k = n - 1; k >= 0; k--) this.indexTupleDelete(offsetNumbers[k]!);
      return;
    }
    this.#checkPointers();
    const special = this.special;
    const upper = this.upper;
    const nline = this.maxOffsetNumber;
    const kept: CompactItem[] = [];
    const keptWords: number[] = [];
    let totalLen = 0;
    let next = 0;
    for (let i = FIRST_OFFSET_NUMBER; i <= nline; i++) {
      const word = this.#lpWord(i);
      const off = word & LP_OFF_MASK;
      const len = word >>> LP_LEN_SHIFT;
      if (off < upper || off + len > special || off !== maxAlign(off)) {
        throw new PageError({ kind: 'corrupted-line-pointer', offsetNumber: i, off, len });
      }
      if (next < n && i === offsetNumbers[next]) {
        next++;
      } else {
        keptWords.push(word);
        kept.push({ index: keptWords.length, itemOff: off, alignedLen: maxAlign(len) });
        totalLen += maxAlign(len);
      }
    }
    if (next !== n) throw new PageError({ kind: 'incorrect-index-offsets' });
    if (totalLen > special - this.lower) {
      throw new PageError({
        kind: 'corrupted-item-lengths',
        total: totalLen,
        available: special - this.lower,
      });
    }
    for (let k = 0; k < keptWords.length; k++) {
      this.#view.setUint32(OFF_LINP + k * SIZE_OF_ITEM_ID, keptWords[k]!, true);
    }
    this.#view.setUint16(OFF_LOWER, SIZE_OF_PAGE_HEADER + keptWords.length * SIZE_OF_ITEM_ID, true);
    if (kept.length > 0) this.#compactify(kept, special);
    else this.#view.setUint16(OFF_UPPER, special, true);
  }

  /**
   * compactify_tuples: lay the items' storage out from pd_special downward
   * in the order given (offset-number order), each taking its MAXALIGNed
   * length, and point their line pointers at the new places. Bytes between
   * the new pd_lower and pd_upper keep whatever they held, as in PostgreSQL.
   */
  #compactify(items: readonly CompactItem[], special: number): void {
    const upper = this.upper;
    scratch.set(this.bytes.subarray(upper, special), upper);
    let next = special;
    for (const item of items) {
      next -= item.alignedLen;
      this.bytes.set(scratch.subarray(item.itemOff, item.itemOff + item.alignedLen), next);
      const word = this.#lpWord(item.index);
      this.#setLp(
        item.index,
        next,
        ((word >>> LP_FLAGS_SHIFT) & LP_FLAGS_MASK) as LpFlags,
        word >>> LP_LEN_SHIFT,
      );
    }
    this.#view.setUint16(OFF_UPPER, next, true);
  }

  // ------------------------------------------------------ checks and checksums

  /** The header sanity check of every mutating operation ("paranoia seems justified"). */
  #checkPointers(): void {
    const lower = this.lower;
    const upper = this.upper;
    const special = this.special;
    if (
      lower < SIZE_OF_PAGE_HEADER ||
      lower > upper ||
      upper > special ||
      special > BLCKSZ ||
      special !== maxAlign(special)
    ) {
      throw new PageError({ kind: 'corrupted-page-pointers', lower, upper, special });
    }
  }

  /** pg_checksum_page: the checksum these bytes should carry at `blockNumber`. */
  computeChecksum(blockNumber: number): number {
    return pageChecksum(this.bytes, blockNumber);
  }

  /** PageSetChecksumInplace: store the checksum for `blockNumber` (skipped for new pages). */
  setChecksum(blockNumber: number): void {
    if (!this.isNew()) this.checksum = pageChecksum(this.bytes, blockNumber);
  }

  /**
   * PageIsVerifiedExtended, and more: is this page safe to use? An all-zero
   * page is valid and new. Otherwise the header must be sane (size and
   * version, flags, pointer order and alignment); with `linePointers`, every
   * line pointer must be well formed and its storage inside the item area;
   * with `checksums`, pd_checksum must match for `blockNumber` (default 0).
   * Problems are listed in that order; nothing is thrown.
   *
   * `linePointers` is off by default because not every page is slotted:
   * PostgreSQL's B-tree and GIN metapages keep their metadata where line
   * pointers would be and set pd_lower past it. Without it, each line
   * pointer is still checked when {@link Page.item} reads it.
   */
  verify(options: VerifyOptions = {}): VerifyResult {
    const problems = verifyPage(
      this,
      this.bytes,
      options.blockNumber ?? 0,
      options.checksums ?? false,
      options.linePointers ?? false,
    );
    if (problems === 'new') return { ok: true, isNew: true };
    return problems.length === 0 ? { ok: true, isNew: false } : { ok: false, problems };
  }
}

function verifyPage(
  page: Page,
  bytes: Uint8Array,
  blockNumber: number,
  checksums: boolean,
  linePointers: boolean,
): PageProblem[] | 'new' {
  const problems: PageProblem[] = [];
  const lower = page.lower;
  const upper = page.upper;
  const special = page.special;
  if (upper === 0) {
    for (let i = 0; i < BLCKSZ; i++) {
      if (bytes[i] !== 0) return [{ kind: 'garbage-in-new-page' }];
    }
    return 'new';
  }
  if (page.pageSize !== BLCKSZ || page.layoutVersion !== PG_PAGE_LAYOUT_VERSION) {
    problems.push({
      kind: 'wrong-page-size-or-version',
      pageSize: page.pageSize,
      version: page.layoutVersion,
    });
  }
  if ((page.flags & ~PD_VALID_FLAG_BITS) !== 0)
    problems.push({ kind: 'invalid-flags', flags: page.flags });
  const pointersSane =
    lower >= SIZE_OF_PAGE_HEADER &&
    lower <= upper &&
    upper <= special &&
    special <= BLCKSZ &&
    special === maxAlign(special) &&
    (lower - SIZE_OF_PAGE_HEADER) % SIZE_OF_ITEM_ID === 0;
  if (!pointersSane) {
    problems.push({ kind: 'corrupted-page-pointers', lower, upper, special });
  } else if (linePointers) {
    let total = 0;
    for (let i = FIRST_OFFSET_NUMBER; i <= page.maxOffsetNumber; i++) {
      const { off, flags, len } = page.itemId(i);
      const hasStorage = (flags === LP_NORMAL || flags === LP_DEAD) && len > 0;
      if (flags === LP_NORMAL && len === 0) {
        problems.push({ kind: 'corrupted-line-pointer', offsetNumber: i, off, len });
      } else if (hasStorage) {
        if (off < upper || off + len > special || off !== maxAlign(off)) {
          problems.push({ kind: 'corrupted-line-pointer', offsetNumber: i, off, len });
        } else {
          total += maxAlign(len);
        }
      } else if (
        flags === LP_REDIRECT &&
        (len !== 0 || off < FIRST_OFFSET_NUMBER || off > page.maxOffsetNumber)
      ) {
        problems.push({ kind: 'corrupted-line-pointer', offsetNumber: i, off, len });
      }
    }
    if (total > special - upper) {
      problems.push({ kind: 'corrupted-item-lengths', total, available: special - upper });
    }
  }
  if (checksums) {
    const calculated = pageChecksum(bytes, blockNumber);
    if (calculated !== page.checksum) {
      problems.push({
        kind: 'checksum-mismatch',
        blockNumber,
        calculated,
        expected: page.checksum,
      });
    }
  }
  return problems;
}
