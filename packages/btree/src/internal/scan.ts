/**
 * Index scans (nbtsearch.c, nbtutils.c): _bt_first positions the scan with
 * one descent, then the scan reads a leaf page at a time — it copies the
 * page's matching entries and the sibling link it will follow — and moves
 * by right-links (forward) or by walking left (backward). Because a page is
 * read whole, a split of it afterwards moves only entries the scan already
 * holds to a page it will not visit; each qualifying entry is returned
 * exactly once.
 */
import {
  type IndexScan,
  type IndexScanResult,
  type ScanDirection,
  type ScanKey,
  Strategy,
  strategyHolds,
  type Tid,
  type TidBitmap,
} from '@pg/access';
import { Page } from '@pg/page';
import { firstDataKey, isIgnored, leafTids, opaqueNext, opaquePrev, P_NONE } from './layout.js';
import type { InsertionKey } from './shape.js';
import type { BTree } from './tree.js';

/** One entry read from a leaf page. */
interface Entry {
  readonly tid: Tid;
  readonly offset: number;
  readonly values: readonly unknown[];
}

/** What the scan holds of the leaf page it is on (BTScanPosData). */
interface Position {
  readonly block: number;
  readonly next: number;
  readonly prev: number;
  readonly lsn: bigint;
  readonly entries: readonly Entry[];
  /** The entry returned last; -1 before the first, entries.length after the last. */
  cursor: number;
  /** Whether entries may still follow on the pages to the right / left. */
  moreRight: boolean;
  moreLeft: boolean;
}

/** A scan key as the scan uses it. */
interface PreparedKey {
  readonly key: ScanKey;
  readonly index: number;
  /**
   * Every earlier column has an equality key: a failure of this key on the
   * far side (in the direction of travel) means no later entry can match
   * (_bt_preprocess_keys' SK_BT_REQFWD and SK_BT_REQBKWD together).
   */
  readonly required: boolean;
}

export class BTScan implements IndexScan {
  private readonly tree: BTree;
  private keys: PreparedKey[] = [];
  private pos: Position | null = null;
  private started = false;
  private lastDirection: ScanDirection = 'forward';
  private marked: Position | null = null;
  private ended = false;

  constructor(tree: BTree) {
    this.tree = tree;
  }

  rescan(keys: readonly ScanKey[]): void {
    this.checkOpen();
    const shape = this.tree.shape;
    for (const k of keys) {
      if (!Number.isInteger(k.attno) || k.attno < 1 || k.attno > shape.nkeys) {
        throw new RangeError(
          `scan key on column ${k.attno} of an index with ${shape.nkeys} key columns`,
        );
      }
    }
    // _bt_preprocess_keys, reduced: keys in column order; a key is required when every
    // earlier column has an equality key.
    const eqCols = new Set(keys.filter((k) => isEquality(k)).map((k) => k.attno));
    this.keys = [...keys]
      .sort((a, b) => a.attno - b.attno)
      .map((key) => {
        let required = true;
        for (let a = 1; a < key.attno; a++) if (!eqCols.has(a)) required = false;
        return { key, index: key.attno - 1, required };
      });
    this.pos = null;
    this.started = false;
    this.marked = null;
  }

  next(direction: ScanDirection = 'forward'): IndexScanResult | null {
    this.checkOpen();
    if (!this.started) {
      this.started = true;
      this.lastDirection = direction;
      this.pos = this.first(direction);
    } else if (this.pos && direction !== this.lastDirection) {
      this.turn(direction);
    }
    this.lastDirection = direction;
    for (;;) {
      const pos = this.pos;
      if (!pos) return null;
      const step = direction === 'forward' ? 1 : -1;
      const at = pos.cursor + step;
      if (at >= 0 && at < pos.entries.length) {
        pos.cursor = at;
        const e = pos.entries[at]!;
        return { tid: e.tid, recheck: false, values: e.values };
      }
      pos.cursor = direction === 'forward' ? pos.entries.length : -1;
      const more = direction === 'forward' ? pos.moreRight && pos.next !== P_NONE : pos.moreLeft;
      if (!more) return null;
      const nextPos =
        direction === 'forward' ? this.readRight(pos.next) : this.readLeft(pos.block, pos.prev);
      if (!nextPos) {
        // Keep the position so a turn of direction still works at the end.
        return null;
      }
      this.pos = nextPos;
    }
  }

  getBitmap(bitmap: TidBitmap): number {
    let n = 0;
    const batch: Tid[] = [];
    for (let r = this.next('forward'); r !== null; r = this.next('forward')) {
      batch.push(r.tid);
      n++;
      if (batch.length >= 1024) bitmap.add(batch.splice(0));
    }
    bitmap.add(batch);
    return n;
  }

  killPrior(): void {
    const pos = this.pos;
    if (!pos || pos.cursor < 0 || pos.cursor >= pos.entries.length) return;
    const e = pos.entries[pos.cursor]!;
    this.tree.killItem(pos.block, e.offset, e.tid, pos.lsn);
  }

  markPosition(): void {
    this.marked = this.pos ? { ...this.pos } : null;
  }

  restorePosition(): void {
    if (this.marked) this.pos = { ...this.marked };
  }

  end(): void {
    this.ended = true;
    this.pos = null;
    this.marked = null;
  }

  private checkOpen(): void {
    if (this.ended) throw new Error('index scan has ended');
  }

  // ------------------------------------------------------------ positioning

  /** _bt_first: one descent to where the scan starts. */
  private first(direction: ScanDirection): Position | null {
    const start = this.startKey(direction);
    if (start === null) {
      const block = this.tree.endpoint(direction === 'backward');
      if (block === P_NONE) return null;
      return this.readPage(block, direction, null);
    }
    // Forward: from the first item ≥ (or >) the key. Backward: from the item before it.
    return this.tree.findLeaf(start, (block, offset, bytes) =>
      this.readPage(block, direction, direction === 'forward' ? offset : offset - 1, bytes),
    );
  }

  /**
   * The insertion key _bt_first builds from the scan keys: equality keys on
   * leading columns, then at most one bound in the direction of travel.
   * Null when nothing bounds the start (the scan starts at an end).
   */
  private startKey(direction: ScanDirection): InsertionKey | null {
    const shape = this.tree.shape;
    const values: unknown[] = [];
    let nextkey = direction === 'backward';
    for (let i = 0; i < shape.nkeys; i++) {
      const mine = this.keys.filter((k) => k.index === i && k.key.compare === undefined);
      const eq = mine.find((k) => isEquality(k.key));
      if (eq) {
        values.push(eq.key.searchNull ? null : eq.key.argument);
        continue;
      }
      const desc = shape.desc[i]!;
      // A bound that is a lower bound in index order for a forward scan, an upper bound backward.
      const bound = mine.find((k) => {
        if (k.key.searchNull || k.key.searchNotNull || k.key.argument === null) return false;
        const lowerInIndex = desc ? isUpper(k.key.strategy) : isLower(k.key.strategy);
        return direction === 'forward' ? lowerInIndex : !lowerInIndex;
      });
      if (bound) {
        values.push(bound.key.argument);
        const strict =
          bound.key.strategy === Strategy.less || bound.key.strategy === Strategy.greater;
        nextkey = direction === 'forward' ? strict : !strict;
      }
      break;
    }
    if (values.length === 0) return null;
    return { values, scantid: null, nextkey };
  }

  /** Turns around on the current page: re-reads it in the other direction from the current entry. */
  private turn(direction: ScanDirection): void {
    const pos = this.pos!;
    const inRange = pos.cursor >= 0 && pos.cursor < pos.entries.length;
    if (!inRange) {
      // Past the end of this page's entries: the page's entries in the other direction are
      // exactly the ones already returned, in reverse.
      pos.cursor = direction === 'forward' ? -1 : pos.entries.length;
      if (direction === 'forward') pos.moreRight = true;
      else pos.moreLeft = true;
      return;
    }
    const current = pos.entries[pos.cursor]!;
    const fresh = this.readPage(pos.block, direction, current.offset);
    if (!fresh) {
      this.pos = null;
      return;
    }
    // Skip up to and including the current entry.
    const idx = fresh.entries.findIndex(
      (e) =>
        e.offset === current.offset &&
        e.tid.block === current.tid.block &&
        e.tid.offset === current.tid.offset,
    );
    fresh.cursor = idx;
    this.pos = fresh;
  }

  // ------------------------------------------------------------- page reads

  private readRight(block: number): Position | null {
    let b = block;
    for (;;) {
      if (b === P_NONE) return null;
      const from = b;
      const r = this.tree.withPage(from, (bytes) =>
        isIgnored(bytes) ? opaqueNext(bytes) : this.readPage(from, 'forward', null, bytes),
      );
      if (typeof r !== 'number') return r;
      b = r;
    }
  }

  /**
   * _bt_walk_left: the page to the left of `block`. The stale left link may
   * point at a page that has split since: move right from it until the page
   * whose right-link is `block` (or, if `block` was deleted, its old right
   * sibling).
   */
  private readLeft(block: number, prev: number): Position | null {
    if (prev === P_NONE) return null;
    const current = this.tree.readCopy(block);
    const alsoAccept = isIgnored(current) ? opaqueNext(current) : -1;
    let b = prev;
    for (let hops = 0; b !== P_NONE && hops < 1_000_000; hops++) {
      const bytes = this.tree.readCopy(b);
      const next = opaqueNext(bytes);
      if (!isIgnored(bytes) && (next === block || next === alsoAccept)) {
        return this.readPage(b, 'backward', null, bytes);
      }
      if (isIgnored(bytes) && next === block) {
        // A deleted page still linking here: go further left.
        return this.readLeft(b, opaquePrev(bytes));
      }
      if (b === block) return null;
      b = next;
    }
    return null;
  }

  /**
   * _bt_readpage: the matching entries of a leaf page, from `offset` on in
   * the scan's direction (the whole page when null), in index order, with
   * whether the scan may continue past the page.
   */
  private readPage(
    block: number,
    direction: ScanDirection,
    offset: number | null,
    copy?: Uint8Array,
  ): Position | null {
    const bytes = copy ?? this.tree.readCopy(block);
    const page = Page.wrap(bytes);
    const first = firstDataKey(bytes);
    const max = page.maxOffsetNumber;
    const shape = this.tree.shape;
    const entries: Entry[] = [];
    let moreRight = true;
    let moreLeft = true;
    const from = direction === 'forward' ? Math.max(first, offset ?? first) : first;
    const to = direction === 'forward' ? max : Math.min(max, offset ?? max);
    const scanOrder: number[] = [];
    if (direction === 'forward') for (let o = from; o <= to; o++) scanOrder.push(o);
    else for (let o = to; o >= from; o--) scanOrder.push(o);
    const found: { offset: number; t: Uint8Array; values: unknown[] }[] = [];
    for (const o of scanOrder) {
      if (page.itemId(o).flags === 3) continue; // LP_DEAD: killed by an earlier scan
      const t = page.mustItem(o);
      const values = shape.values(t);
      const verdict = this.check(values, direction);
      if (verdict === 'stop') {
        if (direction === 'forward') moreRight = false;
        else moreLeft = false;
        break;
      }
      if (verdict === 'match') found.push({ offset: o, t, values });
    }
    if (direction === 'backward') found.reverse();
    for (const f of found) {
      for (const tid of leafTids(f.t)) entries.push({ tid, offset: f.offset, values: f.values });
    }
    const pos: Position = {
      block,
      next: opaqueNext(bytes),
      prev: opaquePrev(bytes),
      lsn: page.lsn,
      entries,
      cursor: direction === 'forward' ? -1 : entries.length,
      moreRight,
      moreLeft,
    };
    // A start offset before the page's first item (backward) or after its last (forward)
    // means the scan begins on the neighbour: the entries are empty and more is true.
    return pos;
  }

  /**
   * _bt_checkkeys: 'match', 'skip' (this entry fails), or 'stop' (a required
   * key fails on the side the scan is moving towards, so no later entry can
   * match).
   */
  private check(values: readonly unknown[], direction: ScanDirection): 'match' | 'skip' | 'stop' {
    const shape = this.tree.shape;
    const ahead = direction === 'forward' ? 1 : -1;
    for (const p of this.keys) {
      const k = p.key;
      const v = values[p.index];
      const isNull = v === null || v === undefined;
      if (k.searchNull || k.searchNotNull) {
        if (isNull === (k.searchNull === true)) continue;
        // The nulls sort first or last in index order: which side of them is this entry on?
        const nullsFirst = shape.nullsFirst[p.index]!;
        const side = k.searchNull ? (nullsFirst ? 1 : -1) : nullsFirst ? -1 : 1;
        return p.required && side === ahead ? 'stop' : 'skip';
      }
      if (k.argument === null || k.argument === undefined) return 'stop';
      if (isNull) {
        const side = shape.nullsFirst[p.index]! ? -1 : 1;
        return p.required && side === ahead ? 'stop' : 'skip';
      }
      const cmp = (k.compare ?? shape.keyTypes[p.index]!.compare)(v, k.argument);
      if (strategyHolds(k.strategy, cmp)) continue;
      // Which side of the allowed range the value is on, in index order.
      const valueSide = isUpper(k.strategy) ? 1 : isLower(k.strategy) ? -1 : Math.sign(cmp);
      const side = shape.desc[p.index] ? -valueSide : valueSide;
      return p.required && side === ahead ? 'stop' : 'skip';
    }
    return 'match';
  }
}

function isEquality(k: ScanKey): boolean {
  return k.searchNull === true || (k.strategy === Strategy.equal && !k.searchNotNull);
}

/** A value-order upper bound (< or <=). */
function isUpper(s: Strategy): boolean {
  return s === Strategy.less || s === Strategy.lessEqual;
}

/** A value-order lower bound (> or >=). */
function isLower(s: Strategy): boolean {
  return s === Strategy.greater || s === Strategy.greaterEqual;
}
