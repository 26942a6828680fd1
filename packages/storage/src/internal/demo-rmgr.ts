import { Page } from '@pg/page';
import type { ResourceManager } from '@pg/wal';
import type { BufferPool } from './buffer-pool.js';
import type { RedoContext } from './redo.js';
import type { ForkNumber, RelFileLocator } from './relfile.js';
import type { XLogInserter } from './xlog-insert.js';

/**
 * A small logged page format for tests, crash tests and benchmarks: a page
 * of {@link DEMO_SLOTS} 4-byte counters kept as line-pointer items, changed
 * only through WAL records of its own resource manager. It exercises
 * everything a real access method does with @pg/storage (initialising
 * pages, changing several pages in one record, full-page images, redo)
 * without depending on one.
 */

/** PostgreSQL's RM_EXPERIMENTAL_ID, the id reserved for extensions under development. */
export const RM_DEMO_ID = 128;
/** Initialise one page (REGBUF_WILL_INIT): SLOTS zero counters. */
export const DEMO_INIT = 0x00;
/** Set counters: per block, data = slot u8 + value u32. */
export const DEMO_SET = 0x10;
export const DEMO_SLOTS = 8;

/** PageInit plus the slot items. */
export function demoInitPage(bytes: Uint8Array): void {
  const page = Page.init(bytes);
  const zero = new Uint8Array(4);
  for (let i = 0; i < DEMO_SLOTS; i++) page.addItem(zero);
}

/** The counters of a demo page. */
export function demoReadPage(page: Page): number[] {
  const out: number[] = [];
  for (let i = 1; i <= DEMO_SLOTS; i++) {
    const item = page.mustItem(i);
    out.push(new DataView(item.buffer, item.byteOffset, 4).getUint32(0, true));
  }
  return out;
}

function setSlot(page: Page, slot: number, value: number): void {
  const item = new Uint8Array(4);
  new DataView(item.buffer).setUint32(0, value, true);
  page.overwriteItem(slot + 1, item);
}

function slotData(slot: number, value: number): Uint8Array {
  const data = new Uint8Array(5);
  data[0] = slot;
  new DataView(data.buffer).setUint32(1, value, true);
  return data;
}

/** One counter to set. */
export interface DemoSet {
  readonly buffer: number;
  readonly slot: number;
  readonly value: number;
}

/**
 * Initialises a pinned buffer as a demo page and logs it. The caller holds
 * the exclusive lock.
 */
export function demoInit(inserter: XLogInserter, buffer: number): bigint {
  demoInitPage(inserter.pool.bytes(buffer));
  return inserter.insert({
    rmid: RM_DEMO_ID,
    info: DEMO_INIT,
    buffers: [{ buffer, willInit: true }],
  }).end;
}

/** Sets counters on one or more pinned, exclusively locked demo pages in one record. */
export function demoSet(inserter: XLogInserter, sets: readonly DemoSet[], xid = 0): bigint {
  for (const s of sets) setSlot(inserter.pool.page(s.buffer), s.slot, s.value);
  return inserter.insert({
    rmid: RM_DEMO_ID,
    info: DEMO_SET,
    xid,
    buffers: sets.map((s) => ({ buffer: s.buffer, data: slotData(s.slot, s.value) })),
  }).end;
}

/** Reads a demo page's counters through the pool. */
export function demoReadBlock(
  pool: BufferPool,
  rel: RelFileLocator,
  fork: ForkNumber,
  block: number,
): number[] {
  const buffer = pool.readBuffer(rel, fork, block);
  try {
    return demoReadPage(pool.page(buffer));
  } finally {
    pool.release(buffer);
  }
}

/** The demo resource manager. */
export const demoRmgr: ResourceManager<RedoContext> = {
  id: RM_DEMO_ID,
  name: 'Demo',
  redo(record, _lsn, ctx) {
    if (record.info === DEMO_INIT) {
      const buffer = ctx.initBlock(0);
      demoInitPage(ctx.pool.bytes(buffer));
      ctx.finish(buffer);
      return;
    }
    for (let i = 0; i < record.blocks.length; i++) {
      const block = ctx.readBlock(i);
      if (block.action === 'needs-redo') {
        const data = record.blocks[i]!.data!;
        setSlot(
          ctx.pool.page(block.buffer),
          data[0]!,
          new DataView(data.buffer, data.byteOffset + 1, 4).getUint32(0, true),
        );
      }
      ctx.finish(block);
    }
  },
  describe(record) {
    if (record.info === DEMO_INIT) return `INIT blk ${record.blocks[0]?.blockNumber}`;
    return `SET ${record.blocks
      .map((b) => `blk ${b.blockNumber}${b.image ? ' FPW' : ''} slot ${b.data?.[0]}`)
      .join(', ')}`;
  },
};
