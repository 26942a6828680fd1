/**
 * The BRIN index's structural invariants, as a list of violations (empty
 * when the index is sound): the metapage is valid; blocks 1 through
 * lastRevmapPage are revmap pages and every later block is a regular page;
 * every revmap entry points at a normal item of a regular page whose
 * bt_blkno is the range's first block; and every summary tuple is pointed
 * at by exactly one revmap entry.
 */
import { Page } from '@pg/page';
import type { Brin } from './brin.js';
import {
  BRIN_CURRENT_VERSION,
  BRIN_META_MAGIC,
  BRIN_PAGETYPE_META,
  BRIN_PAGETYPE_REGULAR,
  BRIN_PAGETYPE_REVMAP,
  pageType,
  REVMAP_PAGE_MAXITEMS,
  readMeta,
  readU32,
  revmapGet,
} from './layout.js';

export function checkIndex(index: Brin): string[] {
  const out: string[] = [];
  const n = index.nblocks();
  if (n === 0) return ['no metapage'];
  const metaPage = index.readCopy(0);
  const m = readMeta(metaPage);
  if (pageType(metaPage) !== BRIN_PAGETYPE_META) out.push('block 0 is not a metapage');
  if (m.magic !== BRIN_META_MAGIC || m.version !== BRIN_CURRENT_VERSION)
    out.push('bad magic or version');
  if (m.lastRevmapPage >= n) out.push(`lastRevmapPage ${m.lastRevmapPage} past the end (${n})`);
  const referenced = new Set<string>();
  for (let b = 1; b <= m.lastRevmapPage && b < n; b++) {
    const page = index.readCopy(b);
    if (pageType(page) !== BRIN_PAGETYPE_REVMAP) {
      out.push(`block ${b} is not a revmap page`);
      continue;
    }
    for (let slot = 0; slot < REVMAP_PAGE_MAXITEMS; slot++) {
      const tid = revmapGet(page, slot);
      if (!tid) continue;
      const rangeStart = ((b - 1) * REVMAP_PAGE_MAXITEMS + slot) * m.pagesPerRange;
      const key = `${tid.block}/${tid.offset}`;
      if (referenced.has(key)) out.push(`tuple ${key} is referenced twice`);
      referenced.add(key);
      if (tid.block <= m.lastRevmapPage || tid.block >= n) {
        out.push(`range ${rangeStart} points at block ${tid.block}`);
        continue;
      }
      const reg = Page.wrap(index.readCopy(tid.block));
      const item = tid.offset <= reg.maxOffsetNumber ? reg.item(tid.offset) : undefined;
      if (!item) {
        out.push(`range ${rangeStart} points at a missing item ${key}`);
        continue;
      }
      if (readU32(item, 0) !== rangeStart) {
        out.push(`range ${rangeStart}'s tuple ${key} says bt_blkno ${readU32(item, 0)}`);
      }
    }
  }
  for (let b = m.lastRevmapPage + 1; b < n; b++) {
    const bytes = index.readCopy(b);
    const page = Page.wrap(bytes);
    if (page.isNew()) continue;
    if (pageType(bytes) !== BRIN_PAGETYPE_REGULAR) {
      out.push(`block ${b} is not a regular page`);
      continue;
    }
    for (let off = 1; off <= page.maxOffsetNumber; off++) {
      if (page.itemId(off).len === 0) continue;
      if (!referenced.has(`${b}/${off}`)) out.push(`tuple ${b}/${off} is not in the revmap`);
    }
  }
  return out;
}
