/**
 * A picture of a page for people: a bar with one cell per 128 bytes, then
 * the header and the line pointers as a table.
 *
 *   H header   L line pointers   . free   1-9,0 item storage (offset number's
 *   last digit)   x dead item's storage   ~ unreferenced bytes in the item
 *   area (reclaimable by compaction)   S special space
 */

import {
  BLCKSZ,
  LP_DEAD,
  LP_NORMAL,
  LP_REDIRECT,
  LP_UNUSED,
  maxAlign,
  PD_ALL_VISIBLE,
  PD_HAS_FREE_LINES,
  PD_PAGE_FULL,
  SIZE_OF_PAGE_HEADER,
} from './layout.js';
import { formatLsn } from './lsn.js';
import type { Page } from './page.js';

const FLAG_NAMES: ReadonlyArray<[number, string]> = [
  [PD_HAS_FREE_LINES, 'HAS_FREE_LINES'],
  [PD_PAGE_FULL, 'PAGE_FULL'],
  [PD_ALL_VISIBLE, 'ALL_VISIBLE'],
];
const LP_NAMES = ['UNUSED', 'NORMAL', 'REDIRECT', 'DEAD'] as const;

export interface DrawOptions {
  /** Bytes per cell of the bar (default 128, so the bar is 64 cells). */
  readonly bytesPerCell?: number;
  /** Show at most this many line pointers in the table (default 40). */
  readonly maxRows?: number;
}

/** Renders the page's layout as text. The page should be valid (see Page.verify). */
export function drawPage(page: Page, options: DrawOptions = {}): string {
  const cell = options.bytesPerCell ?? 128;
  const maxRows = options.maxRows ?? 40;
  const h = page.header();
  if (page.isNew()) return 'new page (all zeros)\n';

  // What each byte is, by priority: header, line pointers, items, special, free.
  const owner = new Array<string>(BLCKSZ).fill('.');
  for (let b = 0; b < SIZE_OF_PAGE_HEADER; b++) owner[b] = 'H';
  for (let b = SIZE_OF_PAGE_HEADER; b < h.lower && b < BLCKSZ; b++) owner[b] = 'L';
  for (let b = h.upper; b < h.special && b < BLCKSZ; b++) owner[b] = '~';
  for (let b = h.special; b < BLCKSZ; b++) owner[b] = 'S';
  const ids = page.itemIds();
  ids.forEach((lp, k) => {
    if (lp.len === 0 || (lp.flags !== LP_NORMAL && lp.flags !== LP_DEAD)) return;
    const mark = lp.flags === LP_DEAD ? 'x' : String((k + 1) % 10);
    for (let b = lp.off; b < lp.off + maxAlign(lp.len) && b < BLCKSZ; b++) owner[b] = mark;
  });
  const rank = (c: string) => (c === 'H' ? 5 : c === 'L' ? 4 : c === 'S' ? 3 : c === '.' ? 0 : 2);
  let bar = '';
  for (let start = 0; start < BLCKSZ; start += cell) {
    let best = '.';
    for (let b = start; b < start + cell; b++) {
      const c = owner[b]!;
      if (rank(c) > rank(best)) best = c;
    }
    bar += best;
  }

  const flags = FLAG_NAMES.filter(([bit]) => (h.flags & bit) !== 0).map(([, name]) => name);
  const lines: string[] = [];
  lines.push(
    `page: ${BLCKSZ} bytes, layout version ${h.version}, lsn ${formatLsn(h.lsn)}, checksum ${h.checksum}, ` +
      `flags ${flags.length ? flags.join('|') : '0'}, prune_xid ${h.pruneXid}`,
  );
  lines.push(
    `lower ${h.lower}, upper ${h.upper}, special ${h.special} (${BLCKSZ - h.special} bytes), ` +
      `free ${page.exactFreeSpace()} bytes, ${ids.length} line pointers`,
  );
  lines.push('');
  const ruler = `0${' '.repeat(bar.length - 5)}${BLCKSZ}`;
  lines.push(`  ${ruler}`);
  lines.push(`  [${bar}]`);
  lines.push(
    `  each cell ${cell} bytes: H header, L line pointers, . free, digits items, x dead, ~ reclaimable, S special`,
  );
  lines.push('');
  lines.push('   lp  lp_flags   lp_off  lp_len');
  ids.slice(0, maxRows).forEach((lp, k) => {
    const name = LP_NAMES[lp.flags];
    const target = lp.flags === LP_REDIRECT ? `-> ${lp.off}` : String(lp.off);
    const off = lp.flags === LP_UNUSED ? '' : target;
    lines.push(
      `  ${String(k + 1).padStart(3)}  ${name.padEnd(9)} ${off.padStart(7)}  ${String(lp.len).padStart(6)}`,
    );
  });
  if (ids.length > maxRows) lines.push(`  ... ${ids.length - maxRows} more`);
  return `${lines.join('\n')}\n`;
}
