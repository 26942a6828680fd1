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

const INFOMASK: readonly [number, string][] = [
  [0x0001, 'HASNULL'],
  [0x0002, 'HASVARWIDTH'],
  [0x0004, 'HASEXTERNAL'],
  [0x0008, 'HASOID_OLD'],
  [0x0010, 'XMAX_KEYSHR_LOCK'],
  [0x0020, 'COMBOCID'],
  [0x0040, 'XMAX_EXCL_LOCK'],
  [0x0080, 'XMAX_LOCK_ONLY'],
  [0x0100, 'XMIN_COMMITTED'],
  [0x0200, 'XMIN_INVALID'],
  [0x0400, 'XMAX_COMMITTED'],
  [0x0800, 'XMAX_INVALID'],
  [0x1000, 'XMAX_IS_MULTI'],
  [0x2000, 'UPDATED'],
  [0x4000, 'MOVED_OFF'],
  [0x8000, 'MOVED_IN'],
];
const INFOMASK2: readonly [number, string][] = [
  [0x2000, 'KEYS_UPDATED'],
  [0x4000, 'HOT_UPDATED'],
  [0x8000, 'HEAP_ONLY_TUPLE'],
];
const LP = ['UNUSED', 'NORMAL', 'REDIRECT', 'DEAD'];

/** Names of the set bits (heap_tuple_infomask_flags' raw flags, without the HEAP_ prefix). */
export function infomaskFlags(infomask: number, infomask2: number): string[] {
  return [
    ...INFOMASK.filter(([bit]) => (infomask & bit) !== 0).map(([, n]) => n),
    ...INFOMASK2.filter(([bit]) => (infomask2 & bit) !== 0).map(([, n]) => n),
  ];
}

/**
 * `inspect tuples FILE -b N`: the heap tuple headers of a block
 * (pageinspect's heap_page_items columns): line pointer, xmin, xmax,
 * cid, ctid, natts, infomask flags decoded, t_hoff, null bitmap.
 */
export async function inspectTuples(io: Io, file: string, block: number): Promise<void> {
  if (!Number.isInteger(block) || block < 0) throw new Error(`invalid block number: ${block}`);
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const blocks = Math.floor(size / BLCKSZ);
    if (block >= blocks) {
      throw new Error(`block ${block} is past the end of ${file} (${blocks} blocks)`);
    }
    const bytes = new Uint8Array(BLCKSZ);
    await handle.read(bytes, 0, BLCKSZ, block * BLCKSZ);
    const page = Page.read(bytes, { blockNumber: block });
    io.out(`${file}, block ${block}: ${page.maxOffsetNumber} line pointers\n`);
    io.out(
      ' lp | lp_off | flags    | len |    xmin    |    xmax    | cid/xvac |   ctid   | natts | hoff | infomask\n',
    );
    for (let lp = 1; lp <= page.maxOffsetNumber; lp++) {
      const id = page.itemId(lp);
      const head = `${String(lp).padStart(3)} | ${String(id.off).padStart(6)} | ${(LP[id.flags] ?? '?').padEnd(8)} | ${String(id.len).padStart(3)} |`;
      const item = id.flags === 1 ? page.item(lp) : undefined;
      if (item === undefined || item.length < 23) {
        io.out(`${head}${id.flags === 2 ? ` -> lp ${id.off}` : ''}\n`);
        continue;
      }
      const dv = new DataView(item.buffer, item.byteOffset, item.byteLength);
      const xmin = dv.getUint32(0, true);
      const xmax = dv.getUint32(4, true);
      const cid = dv.getUint32(8, true);
      const ctidBlock = (dv.getUint16(12, true) << 16) | dv.getUint16(14, true);
      const ctidOff = dv.getUint16(16, true);
      const infomask2 = dv.getUint16(18, true);
      const infomask = dv.getUint16(20, true);
      const hoff = item[22] ?? 0;
      const natts = infomask2 & 0x07ff;
      let bits = '';
      if ((infomask & 0x0001) !== 0) {
        for (let k = 0; k < natts; k++)
          bits += ((item[23 + (k >> 3)] ?? 0) >> (k & 7)) & 1 ? '1' : '0';
      }
      io.out(
        `${head} ${String(xmin).padStart(10)} | ${String(xmax).padStart(10)} | ${String(cid).padStart(8)} | ${`(${ctidBlock},${ctidOff})`.padStart(8)} | ${String(natts).padStart(5)} | ${String(hoff).padStart(4)} | 0x${infomask.toString(16).padStart(4, '0')} 0x${infomask2.toString(16).padStart(4, '0')} ${infomaskFlags(infomask, infomask2).join(' ')}${bits === '' ? '' : ` nulls ${bits}`}\n`,
      );
    }
  } finally {
    await handle.close();
  }
}

const BTP_FLAGS: readonly [number, string][] = [
  [0x0001, 'LEAF'],
  [0x0002, 'ROOT'],
  [0x0004, 'DELETED'],
  [0x0008, 'META'],
  [0x0010, 'HALF_DEAD'],
  [0x0020, 'SPLIT_END'],
  [0x0040, 'HAS_GARBAGE'],
  [0x0080, 'INCOMPLETE_SPLIT'],
  [0x0100, 'HAS_FULLXID'],
];

/**
 * `inspect btree FILE`: a B-tree index file's structure, as pageinspect's
 * bt_metap() (block 0) and bt_page_stats() per block show it: type (l
 * leaf, i internal, r root, d deleted, e half-dead), level, live and dead
 * items, free space, left and right siblings, btpo_flags named.
 */
export async function inspectBtree(io: Io, file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const blocks = Math.floor(size / BLCKSZ);
    if (blocks === 0) throw new Error(`${file} is empty`);
    const read = async (block: number) => {
      const bytes = new Uint8Array(BLCKSZ);
      await handle.read(bytes, 0, BLCKSZ, block * BLCKSZ);
      return bytes;
    };
    const meta = await read(0);
    const mv = new DataView(meta.buffer);
    const magic = mv.getUint32(24, true);
    if (magic !== 0x053162) {
      throw new Error(`${file} is not a B-tree index (meta page magic 0x${magic.toString(16)})`);
    }
    io.out(
      `${file}: ${blocks} blocks\nmeta: magic 0x${magic.toString(16)}, version ${mv.getUint32(28, true)}, root ${mv.getUint32(32, true)}, level ${mv.getUint32(36, true)}, fastroot ${mv.getUint32(40, true)}, fastlevel ${mv.getUint32(44, true)}, allequalimage ${meta[64] === 1 ? 't' : 'f'}\n`,
    );
    io.out('blkno | type | level | live | dead | free | btpo_prev | btpo_next | flags\n');
    for (let block = 1; block < blocks; block++) {
      const page = Page.read(await read(block), { blockNumber: block });
      if (page.isNew()) {
        io.out(`${String(block).padStart(5)} | new (all zeros)\n`);
        continue;
      }
      const sp = new DataView(page.bytes.buffer, page.bytes.byteOffset + page.special, 16);
      const prev = sp.getUint32(0, true);
      const next = sp.getUint32(4, true);
      const level = sp.getUint32(8, true);
      const flags = sp.getUint16(12, true);
      const type =
        flags & 0x0004
          ? 'd'
          : flags & 0x0010
            ? 'e'
            : flags & 0x0001
              ? 'l'
              : flags & 0x0002
                ? 'r'
                : 'i';
      let live = 0;
      let dead = 0;
      for (let lp = 1; lp <= page.maxOffsetNumber; lp++) {
        if (page.itemId(lp).flags === 3) dead++;
        else live++;
      }
      const names = BTP_FLAGS.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n);
      io.out(
        `${String(block).padStart(5)} | ${type.padEnd(4)} | ${String(level).padStart(5)} | ${String(live).padStart(4)} | ${String(dead).padStart(4)} | ${String(page.exactFreeSpace()).padStart(4)} | ${String(prev).padStart(9)} | ${String(next).padStart(9)} | ${names.join(' ')}\n`,
      );
    }
  } finally {
    await handle.close();
  }
}
