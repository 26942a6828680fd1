/**
 * `pg-ts inspect page`: read blocks of a relation file, verify them as
 * PostgreSQL does when it reads a page (header sanity, and the checksum if
 * asked), and draw them.
 */
import { open } from 'node:fs/promises';
import { BLCKSZ, drawPage, Page, PageError } from '@pg/page';
import type { Io } from './cli.js';

export interface InspectOptions {
  readonly block: number;
  readonly checksums: boolean;
  readonly summary: boolean;
}

export async function inspectPage(io: Io, file: string, options: InspectOptions): Promise<void> {
  if (!Number.isInteger(options.block) || options.block < 0) {
    throw new Error(`invalid block number: ${options.block}`);
  }
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const blocks = Math.floor(size / BLCKSZ);
    if (size % BLCKSZ !== 0) {
      io.err(`warning: ${file} is ${size} bytes, not a whole number of ${BLCKSZ}-byte pages\n`);
    }
    const readBlock = async (block: number) => {
      const bytes = new Uint8Array(BLCKSZ);
      await handle.read(bytes, 0, BLCKSZ, block * BLCKSZ);
      return bytes;
    };
    if (options.summary) {
      io.out(`${file}: ${blocks} blocks\n`);
      io.out('block   lower  upper  special  items  free   checksum\n');
      for (let block = 0; block < blocks; block++) {
        const bytes = await readBlock(block);
        let line: string;
        try {
          const page = Page.read(bytes, { blockNumber: block, checksums: options.checksums });
          line = page.isNew()
            ? 'new (all zeros)'
            : [
                String(page.lower).padStart(5),
                String(page.upper).padStart(6),
                String(page.special).padStart(8),
                String(page.maxOffsetNumber).padStart(6),
                String(page.exactFreeSpace()).padStart(5),
                `  ${page.checksum}${options.checksums ? ' ok' : ''}`,
              ].join(' ');
        } catch (e) {
          if (!(e instanceof PageError)) throw e;
          line = `INVALID: ${e.message}`;
        }
        io.out(`${String(block).padStart(5)}  ${line}\n`);
      }
      return;
    }
    if (options.block >= blocks) {
      throw new Error(`block ${options.block} is past the end of ${file} (${blocks} blocks)`);
    }
    const page = Page.read(await readBlock(options.block), {
      blockNumber: options.block,
      checksums: options.checksums,
    });
    io.out(`${file}, block ${options.block}${options.checksums ? ', checksum verified' : ''}\n`);
    io.out(drawPage(page, { maxRows: 400 }));
  } finally {
    await handle.close();
  }
}
