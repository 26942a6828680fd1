/**
 * One page of the free space map (PostgreSQL 15's fsmpage.c and
 * fsm_internals.h): a standard page header, then FSMPageData, a next-slot
 * hint and a binary tree of one-byte free-space categories stored as an
 * array. freespace.c (fsm.ts here) treats each page as a black box of
 * SLOTS_PER_FSM_PAGE slots through the functions below.
 *
 *   0            24             28                                      8192
 *   +------------+--------------+---------------------------------------+
 *   | PageHeader | fp_next_slot | fp_nodes[0 .. 8163]                   |
 *   +------------+--------------+---------------------------------------+
 *
 *   offset  size  field
 *        0    24  PageHeaderData as PageInit(page, BLCKSZ, 0) leaves it:
 *                 pd_lower 24, pd_upper = pd_special = 8192, pd_flags 0;
 *                 FSMPageData lives in what a slotted page calls free space
 *       24     4  fp_next_slot  int32, little-endian: the leaf slot where the
 *                 next search starts (a hint; any value is tolerated)
 *       28  8164  fp_nodes      uint8 categories, the tree in array form:
 *                 nodes 0..4094 are non-leaf (node 0 is the root), nodes
 *                 4095..8163 are the leaves, slot s at node 4095 + s
 *
 * The tree is complete above the leaf level; only the rightmost leaves are
 * missing (8164 nodes, not 8191), so non-leaf nodes 4082..4094 have no
 * children and hold 0, and node 4081 has a left child only:
 *
 *                         0
 *              1                     2
 *          3       4            5         6
 *         7 8     9 10        11 12     (13 14 missing)
 *
 *   leftchild(x) = 2x + 1, rightchild(x) = 2x + 2, parentof(x) = (x - 1) / 2
 */
import { BLCKSZ, PG_PAGE_LAYOUT_VERSION, SIZE_OF_PAGE_HEADER } from '@pg/page';

/** Where a page's contents start: MAXALIGN(SizeOfPageHeaderData) (PageGetContents). */
export const FSM_PAGE_CONTENTS = SIZE_OF_PAGE_HEADER;
/** Offset of fp_next_slot (int32). */
export const OFF_FP_NEXT_SLOT = FSM_PAGE_CONTENTS;
/** Offset of fp_nodes[0], the root of the page's tree. */
export const OFF_FP_NODES = FSM_PAGE_CONTENTS + 4;
/** NodesPerPage: BLCKSZ - MAXALIGN(SizeOfPageHeaderData) - offsetof(FSMPageData, fp_nodes). */
export const NODES_PER_PAGE = BLCKSZ - OFF_FP_NODES;
/** NonLeafNodesPerPage: BLCKSZ / 2 - 1. */
export const NON_LEAF_NODES_PER_PAGE = BLCKSZ / 2 - 1;
/** LeafNodesPerPage. */
export const LEAF_NODES_PER_PAGE = NODES_PER_PAGE - NON_LEAF_NODES_PER_PAGE;
/** SlotsPerFSMPage: one slot per leaf, 4069 with 8 KiB pages. */
export const SLOTS_PER_FSM_PAGE = LEAF_NODES_PER_PAGE;

// Page header fields checkMapPageHeader reads (bufpage.h; @pg/page documents them).
const OFF_PD_FLAGS = 10;
const OFF_PD_LOWER = 12;
const OFF_PD_UPPER = 14;
const OFF_PD_SPECIAL = 16;
const OFF_PD_PAGESIZE_VERSION = 18;
const OFF_PD_PRUNE_XID = 20;

const leftchild = (x: number) => 2 * x + 1;
const parentof = (x: number) => (x - 1) >> 1;

/**
 * The right neighbour of node x on its level, wrapping around to the
 * leftmost node of the same level (rightneighbor in fsmpage.c).
 */
function rightneighbor(x: number): number {
  x++;
  // The leftmost nodes of each level are numbered 2^level - 1: stepping onto one
  // means we fell off the right end of our level, so climb back to it.
  if (((x + 1) & x) === 0) x = parentof(x);
  return x;
}

function node(page: Uint8Array, n: number): number {
  return page[OFF_FP_NODES + n]!;
}

/** fp_next_slot as stored (any int32; searches treat out-of-range values as 0). */
export function fsmGetNextSlot(page: Uint8Array): number {
  return new DataView(page.buffer, page.byteOffset + OFF_FP_NEXT_SLOT, 4).getInt32(0, true);
}

export function fsmSetNextSlot(page: Uint8Array, slot: number): void {
  new DataView(page.buffer, page.byteOffset + OFF_FP_NEXT_SLOT, 4).setInt32(0, slot, true);
}

/** fsm_get_avail: the category in a slot. */
export function fsmGetAvail(page: Uint8Array, slot: number): number {
  return node(page, NON_LEAF_NODES_PER_PAGE + slot);
}

/** fsm_get_max_avail: the root, the largest category on the page. */
export function fsmGetMaxAvail(page: Uint8Array): number {
  return node(page, 0);
}

/**
 * fsm_set_avail: sets a slot and bubbles the change up until a parent does
 * not change (F2). If the new value is then still above the root, the
 * tree was corrupt (a torn page): it is rebuilt. Returns whether the page
 * changed. The caller holds the exclusive content lock.
 */
export function fsmSetAvail(page: Uint8Array, slot: number, value: number): boolean {
  let nodeno = NON_LEAF_NODES_PER_PAGE + slot;
  const old = node(page, nodeno);
  if (old === value && value <= node(page, 0)) return false;
  page[OFF_FP_NODES + nodeno] = value;
  do {
    nodeno = parentof(nodeno);
    const l = leftchild(nodeno);
    let newvalue = node(page, l);
    if (l + 1 < NODES_PER_PAGE) newvalue = Math.max(newvalue, node(page, l + 1));
    if (node(page, nodeno) === newvalue) break;
    page[OFF_FP_NODES + nodeno] = newvalue;
  } while (nodeno > 0);
  if (value > node(page, 0)) fsmRebuildPage(page);
  return true;
}

/**
 * fsm_search_avail: a slot whose category is at least `minvalue`, or -1.
 *
 * The search starts at fp_next_slot and expands a "search triangle": step
 * one node right (wrapping around within the level), climb to the parent,
 * repeat until a node has enough; then descend, preferring the left child.
 * So it finds the first suitable slot at or to the right of the start
 * point (wrapping around) in O(log n), and fp_next_slot spreads concurrent
 * inserters over different pages while still filling the relation in
 * order. fp_next_slot is set to the slot found, plus one with `advancenext`.
 *
 * If a parent promises space that neither child has (a torn page), the
 * page is corrupt: `repair` is called (the caller rebuilds the page under
 * an exclusive lock and marks it dirty) and the search restarts.
 */
export function fsmSearchAvail(
  page: Uint8Array,
  minvalue: number,
  advancenext: boolean,
  repair: () => void = () => {
    fsmRebuildPage(page);
  },
): number {
  for (;;) {
    if (node(page, 0) < minvalue) return -1;
    let target = fsmGetNextSlot(page);
    if (target < 0 || target >= LEAF_NODES_PER_PAGE) target = 0;
    let nodeno = target + NON_LEAF_NODES_PER_PAGE;
    // Climb: move right then up until a node has enough (the root does).
    while (nodeno > 0) {
      if (node(page, nodeno) >= minvalue) break;
      nodeno = parentof(rightneighbor(nodeno));
    }
    // Descend along nodes with enough, preferring the left.
    let corrupt = false;
    while (nodeno < NON_LEAF_NODES_PER_PAGE) {
      const l = leftchild(nodeno);
      if (l < NODES_PER_PAGE && node(page, l) >= minvalue) {
        nodeno = l;
      } else if (l + 1 < NODES_PER_PAGE && node(page, l + 1) >= minvalue) {
        nodeno = l + 1;
      } else {
        corrupt = true;
        break;
      }
    }
    if (corrupt) {
      // The parent promised space that neither child has: fix and restart.
      repair();
      continue;
    }
    const slot = nodeno - NON_LEAF_NODES_PER_PAGE;
    fsmSetNextSlot(page, slot + (advancenext ? 1 : 0));
    return slot;
  }
}

/**
 * fsm_truncate_avail: sets every slot numbered `nslots` or more to 0 and
 * rebuilds the upper nodes if anything changed. Returns whether it did.
 */
export function fsmTruncateAvail(page: Uint8Array, nslots: number): boolean {
  let changed = false;
  for (let n = NON_LEAF_NODES_PER_PAGE + nslots; n < NODES_PER_PAGE; n++) {
    if (page[OFF_FP_NODES + n] !== 0) {
      changed = true;
      page[OFF_FP_NODES + n] = 0;
    }
  }
  if (changed) fsmRebuildPage(page);
  return changed;
}

/**
 * fsm_rebuild_page: recomputes every non-leaf node from the leaves up
 * (F2). Returns whether anything changed.
 */
export function fsmRebuildPage(page: Uint8Array): boolean {
  let changed = false;
  for (let nodeno = NON_LEAF_NODES_PER_PAGE - 1; nodeno >= 0; nodeno--) {
    const l = leftchild(nodeno);
    let newvalue = 0;
    if (l < NODES_PER_PAGE) newvalue = node(page, l);
    if (l + 1 < NODES_PER_PAGE) newvalue = Math.max(newvalue, node(page, l + 1));
    if (node(page, nodeno) !== newvalue) {
      page[OFF_FP_NODES + nodeno] = newvalue;
      changed = true;
    }
  }
  return changed;
}

// ------------------------------------------------------------------ invariants

/** A broken FSM invariant (F1..F5) or VM invariant (V1..V4), with the block it was found in. */
export interface MapViolation {
  readonly invariant: `F${number}` | `V${number}`;
  readonly block: number;
  readonly message: string;
}

/**
 * Checks the page header of a map page (F1 / V1): all zeros (new, as an
 * extension leaves it), or as PageInit(page, BLCKSZ, 0) leaves it, whatever
 * pd_lsn and pd_checksum hold. Returns a message, or undefined when fine.
 */
export function checkMapPageHeader(page: Uint8Array): string | undefined {
  if (page.length !== BLCKSZ) return `buffer is ${page.length} bytes`;
  const v = new DataView(page.buffer, page.byteOffset, BLCKSZ);
  const upper = v.getUint16(OFF_PD_UPPER, true);
  if (upper === 0) {
    for (let i = 0; i < BLCKSZ; i++) {
      if (page[i] !== 0) return `new page (pd_upper 0) has a non-zero byte at ${i}`;
    }
    return undefined;
  }
  const flags = v.getUint16(OFF_PD_FLAGS, true);
  const lower = v.getUint16(OFF_PD_LOWER, true);
  const special = v.getUint16(OFF_PD_SPECIAL, true);
  const sizeVersion = v.getUint16(OFF_PD_PAGESIZE_VERSION, true);
  const pruneXid = v.getUint32(OFF_PD_PRUNE_XID, true);
  if (
    lower !== SIZE_OF_PAGE_HEADER ||
    upper !== BLCKSZ ||
    special !== BLCKSZ ||
    sizeVersion !== (BLCKSZ | PG_PAGE_LAYOUT_VERSION) ||
    flags !== 0 ||
    pruneXid !== 0
  ) {
    return (
      `header is not PageInit(BLCKSZ, 0)'s: pd_lower ${lower}, pd_upper ${upper}, ` +
      `pd_special ${special}, pd_pagesize_version ${sizeVersion}, pd_flags ${flags}, pd_prune_xid ${pruneXid}`
    );
  }
  return undefined;
}

/**
 * The invariants of one FSM page, as a checker (empty when it is valid):
 *
 *  F1  The page is new (all zeros) or has the header PageInit(BLCKSZ, 0) gives.
 *  F2  Every non-leaf node holds the largest of its children's values (0 for
 *      the nodes past the end that have no children).
 *  F3  fp_next_slot is within 0..LeafNodesPerPage (4069, one past the last
 *      slot, is what a search leaves after returning the last slot). It is a
 *      hint: a page with another value is read correctly, but we never write one.
 */
export function checkFsmPage(page: Uint8Array, block = 0): MapViolation[] {
  const out: MapViolation[] = [];
  const header = checkMapPageHeader(page);
  if (header !== undefined) {
    out.push({ invariant: 'F1', block, message: header });
    return out;
  }
  const v = new DataView(page.buffer, page.byteOffset, BLCKSZ);
  if (v.getUint16(OFF_PD_UPPER, true) === 0) return out; // new: nothing stored yet
  for (let n = NON_LEAF_NODES_PER_PAGE - 1; n >= 0; n--) {
    const l = leftchild(n);
    let max = 0;
    if (l < NODES_PER_PAGE) max = node(page, l);
    if (l + 1 < NODES_PER_PAGE) max = Math.max(max, node(page, l + 1));
    if (node(page, n) !== max) {
      out.push({
        invariant: 'F2',
        block,
        message: `node ${n} holds ${node(page, n)}, the max of its children is ${max}`,
      });
      if (out.length > 10) return out;
    }
  }
  const next = fsmGetNextSlot(page);
  if (next < 0 || next > LEAF_NODES_PER_PAGE) {
    out.push({ invariant: 'F3', block, message: `fp_next_slot is ${next}` });
  }
  return out;
}
