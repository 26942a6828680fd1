/**
 * The tree's structural invariants, checked page by page (what amcheck's
 * bt_index_parent_check verifies, reduced). Used by the tests after every
 * batch of operations; returns descriptions of what is wrong, never throws
 * on bad bytes.
 */
import { compareTids } from '@pg/access';
import { Page } from '@pg/page';
import { ForkNumber } from '@pg/storage';
import {
  BTP_DELETED,
  BTP_LEAF,
  BTP_META,
  BTP_ROOT,
  BTREE_MAGIC,
  BTREE_METAPAGE,
  BTREE_VERSION,
  downlink,
  firstDataKey,
  heapTid,
  isPivot,
  isPosting,
  maxHeapTid,
  P_HIKEY,
  P_NONE,
  postingTids,
  readMeta,
  readOpaque,
  tupleSize,
} from './layout.js';
import type { IndexShape } from './shape.js';
import type { BTree } from './tree.js';

/** Compares two tuples in the tree's key space: key columns, then heap TID (null = minus infinity). */
function compareTuples(shape: IndexShape, a: Uint8Array, b: Uint8Array): number {
  const ka = shape.keys(a);
  const kb = shape.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const r = shape.compareColumn(i, ka[i], kb[i]);
    if (r !== 0) return r;
  }
  // A truncated column is minus infinity.
  if (ka.length !== kb.length) return ka.length < kb.length ? -1 : 1;
  const ta = heapTid(a);
  const tb = heapTid(b);
  if (ta === null || tb === null) return ta === tb ? 0 : ta === null ? -1 : 1;
  return compareTids(ta, tb);
}

/** a's largest entry < b's smallest (upper end of a posting list against the lower end of the next). */
function strictlyBefore(shape: IndexShape, a: Uint8Array, b: Uint8Array): boolean {
  const r = compareTuples(shape, a, b);
  if (r !== 0) {
    if (r > 0) return false;
    // Equal keys: compare a's max TID with b's min TID.
    const ka = shape.keys(a);
    const kb = shape.keys(b);
    if (ka.length === kb.length && shape.equalKeys(ka, kb, ka.length)) {
      const ma = maxHeapTid(a);
      const mb = heapTid(b);
      if (ma && mb) return compareTids(ma, mb) < 0;
    }
    return true;
  }
  return false;
}

export function checkTree(tree: BTree): string[] {
  const out: string[] = [];
  const shape = tree.shape;
  const nblocks = tree.pool.smgr.nblocks(tree.rel, ForkNumber.main);
  if (nblocks === 0) return ['the index has no metapage'];
  const metaBytes = tree.readCopy(BTREE_METAPAGE);
  const meta = readMeta(metaBytes);
  if (meta.magic !== BTREE_MAGIC || meta.version !== BTREE_VERSION)
    out.push('bad metapage magic or version');
  if ((readOpaque(metaBytes).flags & BTP_META) === 0) out.push('metapage lacks BTP_META');
  if (meta.root === P_NONE) {
    if (nblocks > 1) {
      for (let b = 1; b < nblocks; b++) {
        const p = tree.readCopy(b);
        if (!Page.wrap(p).isNew() && (readOpaque(p).flags & BTP_DELETED) === 0)
          out.push(`block ${b} in use without a root`);
      }
    }
    return out;
  }
  const seen = new Set<number>();
  // Walk each level from its leftmost page, checking pages, sibling links and downlinks.
  let levelStart = meta.root;
  let expectedLevel = meta.level;
  const rootBytes = tree.readCopy(meta.root);
  if ((readOpaque(rootBytes).flags & BTP_ROOT) === 0) out.push(`root ${meta.root} lacks BTP_ROOT`);
  if (readOpaque(rootBytes).level !== meta.level)
    out.push(`root level ${readOpaque(rootBytes).level} but metapage says ${meta.level}`);
  for (;;) {
    let block = levelStart;
    let prev = P_NONE;
    let prevHigh: Uint8Array | null = null;
    let nextLevelStart = P_NONE;
    const children: { child: number; low: Uint8Array | null; high: Uint8Array | null }[] = [];
    while (block !== P_NONE) {
      if (seen.has(block)) {
        out.push(`block ${block} reached twice`);
        break;
      }
      seen.add(block);
      const bytes = tree.readCopy(block);
      const o = readOpaque(bytes);
      const page = Page.wrap(bytes);
      const where = `block ${block} (level ${expectedLevel})`;
      if ((o.flags & BTP_DELETED) !== 0) {
        out.push(`${where} is deleted but linked`);
        break;
      }
      if (o.level !== expectedLevel) out.push(`${where} has btpo_level ${o.level}`);
      if (((o.flags & BTP_LEAF) !== 0) !== (expectedLevel === 0))
        out.push(`${where}: leaf flag does not match level`);
      if (o.prev !== prev) out.push(`${where}: btpo_prev ${o.prev}, expected ${prev}`);
      if (block !== meta.root && (o.flags & BTP_ROOT) !== 0)
        out.push(`${where}: BTP_ROOT on a non-root page`);
      const first = firstDataKey(bytes);
      const max = page.maxOffsetNumber;
      const high = o.next === P_NONE ? null : page.mustItem(P_HIKEY);
      if (high && !isPivot(high)) out.push(`${where}: high key is not a pivot tuple`);
      const items: Uint8Array[] = [];
      for (let off = first; off <= max; off++) items.push(page.mustItem(off));
      if (expectedLevel > 0 && items.length === 0)
        out.push(`${where}: internal page without items`);
      for (let i = 0; i < items.length; i++) {
        const t = items[i]!;
        if (expectedLevel === 0) {
          if (isPivot(t)) out.push(`${where} item ${first + i}: pivot tuple on a leaf`);
          if (isPosting(t)) {
            const tids = postingTids(t);
            for (let j = 1; j < tids.length; j++) {
              if (compareTids(tids[j - 1]!, tids[j]!) >= 0)
                out.push(`${where} item ${first + i}: posting list not ascending`);
            }
          }
        } else if (!isPivot(t)) {
          out.push(`${where} item ${first + i}: non-pivot tuple on an internal page`);
        }
        if (tupleSize(t) !== t.length)
          out.push(`${where} item ${first + i}: t_info size ${tupleSize(t)} but ${t.length} bytes`);
        // Order within the page (an internal page's first item is minus infinity).
        const afterMinusInfinity = expectedLevel > 0 && i === 1;
        if (i > 0 && !afterMinusInfinity && !strictlyBefore(shape, items[i - 1]!, t)) {
          out.push(`${where}: items ${first + i - 1} and ${first + i} out of order`);
        }
        // Bounded by the high key, and above the left sibling's high key.
        if (
          high &&
          expectedLevel === 0 &&
          !strictlyBefore(shape, t, high) &&
          compareTuples(shape, t, high) > 0
        ) {
          out.push(`${where} item ${first + i}: above the high key`);
        }
        if (high && expectedLevel > 0 && i > 0 && compareTuples(shape, t, high) > 0) {
          out.push(`${where} item ${first + i}: above the high key`);
        }
        if (prevHigh && expectedLevel === 0 && compareTuples(shape, t, prevHigh) <= 0) {
          out.push(`${where} item ${first + i}: not above the left sibling's high key`);
        }
      }
      if (expectedLevel > 0) {
        for (let i = 0; i < items.length; i++) {
          children.push({
            child: downlink(items[i]!),
            low: i === 0 ? prevHigh : items[i]!,
            high: i + 1 < items.length ? items[i + 1]! : high,
          });
        }
        if (nextLevelStart === P_NONE && block === levelStart) nextLevelStart = downlink(items[0]!);
      }
      prev = block;
      prevHigh = high;
      block = o.next;
    }
    // Every child's high key equals the pivot after its downlink (Lehman and Yao's invariant).
    for (const c of children) {
      const bytes = tree.readCopy(c.child);
      const o = readOpaque(bytes);
      if (o.level !== expectedLevel - 1)
        out.push(`downlink to ${c.child} at level ${expectedLevel} skips a level`);
      const childHigh = o.next === P_NONE ? null : Page.wrap(bytes).mustItem(P_HIKEY);
      if ((childHigh === null) !== (c.high === null)) {
        out.push(`child ${c.child}: rightmost-ness does not match its parent`);
      } else if (childHigh && c.high && compareTuples(shape, childHigh, c.high) !== 0) {
        out.push(`child ${c.child}: high key differs from the parent's next pivot`);
      }
    }
    if (expectedLevel === 0) break;
    levelStart = nextLevelStart;
    expectedLevel--;
  }
  // Pages outside the tree are deleted, new, or the metapage.
  for (let b = 1; b < nblocks; b++) {
    if (seen.has(b)) continue;
    const p = tree.readCopy(b);
    if (Page.wrap(p).isNew()) continue;
    if ((readOpaque(p).flags & BTP_DELETED) === 0)
      out.push(`block ${b} is neither in the tree nor deleted`);
  }
  return out;
}
