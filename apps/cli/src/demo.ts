/**
 * `pg-ts demo`: what a PostgreSQL heap page goes through, drawn at each step
 * with @pg/page. The bytes are PostgreSQL 15's: the same page handed to
 * pageinspect's page_header() and heap_page_items() reads the same.
 */
import { drawPage, Page } from '@pg/page';
import type { Io } from './cli.js';

const encoder = new TextEncoder();

export function runDemo(io: Io): void {
  const say = (text: string) => io.out(`${text}\n`);
  const page = Page.create();
  say('An empty heap page: a 24-byte header, then nothing but free space.\n');
  io.out(drawPage(page));

  const rows = [
    'alice',
    'bob',
    'carol',
    'dave',
    'erin',
    'frank',
    'grace',
    'heidi',
    'ivan',
    'judy',
  ].map((name, i) => encoder.encode(`${i + 1}: ${name} ${'.'.repeat(40 + ((i * 97) % 300))}`));
  for (const row of rows) page.addItem(row, { isHeap: true });
  say('\nTen rows inserted: line pointers grow from the front, items from the back,');
  say('each item MAXALIGNed to 8 bytes.\n');
  io.out(drawPage(page));

  page.setDead(2);
  page.setDead(5);
  page.setUnused(9);
  page.setRedirect(7, 8);
  say('\nPruning: rows 2 and 5 are dead, row 9 is gone, and row 7 was HOT-updated into');
  say('row 8, so line pointer 7 now redirects to 8. Their old bytes are still on the');
  say('page (~), not yet reclaimed.\n');
  io.out(drawPage(page));

  page.repairFragmentation();
  say('\nCompaction (PageRepairFragmentation): the live items move to the end of the');
  say('page in line-pointer order; every offset number stays the same, so indexes');
  say('that point at (block, offset) stay right. The unused pointer is free to reuse.\n');
  io.out(drawPage(page));

  page.lsn = 0x16b3748n;
  page.setChecksum(0);
  const verified = page.verify({ blockNumber: 0, checksums: true, linePointers: true });
  say(
    `\nChecksummed for block 0 (PostgreSQL's FNV-1a-based page checksum): ${page.checksum}, ` +
      `verifies: ${verified.ok ? 'yes' : 'no'}.`,
  );
  say('Look inside a real PostgreSQL data file with: pg-ts inspect page <file> --block N');
}
