/**
 * The workloads: what @pg/page does, and the same job done by two baselines
 * without the page format.
 *
 * - raw copy: the least work that stores the same items in 8 KiB — copy each
 *   item with Uint8Array.prototype.set to decreasing (8-byte aligned) offsets
 *   of one 8192-byte buffer and remember the offsets and lengths in plain
 *   arrays; read back through subarray(). No header, no line pointers, no
 *   zeroing, no checks. It is the ceiling the page format costs against.
 * - naive objects: what JavaScript code would write without thinking about
 *   bytes — a copy (slice()) of each item pushed to an array per page.
 *
 * Both baselines store exactly as many items per page as @pg/page does, so
 * per-page costs (re-initialising, allocating the array) are spread over the
 * same number of items. Before anything is timed, each workload checks that
 * its variants really do the same job (same item count, same bytes read).
 *
 * Checksums have no page-free equivalent, so their baselines are the cheapest
 * full passes over the same 8 KiB: a native copy (raw copy) and a JavaScript
 * loop summing the 2048 words (word sum). The ratios then say what the FNV
 * mixing of PostgreSQL's algorithm costs on top of just touching the bytes.
 */
import { BLCKSZ, Page } from '@pg/page';
import type { Batch, Workload } from './measure.js';

export const SUBJECT = '@pg/page';
export const RAW_COPY = 'raw copy';
export const NAIVE_OBJECTS = 'naive objects';
export const WORD_SUM = 'word sum';

/** Results are folded in here so the JIT cannot drop the work as dead code. */
let sink = 0;
/** Arrays built by the naive baseline are kept here for the same reason. */
let keep: unknown;

/** What the benchmarks folded their results into (reading it keeps the work observable). */
export function sinkValue(): number {
  return sink + (Array.isArray(keep) ? keep.length : 0);
}

/** Folds a result into the sink, for workloads defined elsewhere. */
export function foldSink(value: number): void {
  sink ^= value;
}

const HEAP = { isHeap: true } as const;
/** Distinct items cycled through, so every copy does not read the same bytes. */
const DISTINCT_ITEMS = 16;

/** `count` items of `size` bytes with varied, deterministic contents. */
export function makeItems(size: number, count = DISTINCT_ITEMS): Uint8Array[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`bad item size ${size}`);
  return Array.from({ length: count }, (_, i) => {
    const item = new Uint8Array(size);
    for (let j = 0; j < size; j++) item[j] = (i * 31 + j * 7 + 1) & 0xff;
    return item;
  });
}

const align8 = (n: number) => (n + 7) & ~7;

/** Fill the page in `bytes` from empty with the items, cyclically; how many fit. */
function fillPage(bytes: Uint8Array, items: readonly Uint8Array[]): Page {
  const page = Page.init(bytes);
  for (let i = 0; page.addItem(items[i % items.length]!, HEAP) !== undefined; i++);
  return page;
}

/** The raw-copy store: one buffer, and the items' offsets and lengths in plain arrays. */
interface RawStore {
  readonly buf: Uint8Array;
  readonly offsets: number[];
  readonly lens: number[];
}

function rawStore(perPage: number): RawStore {
  return {
    buf: new Uint8Array(BLCKSZ),
    offsets: new Array<number>(perPage).fill(0),
    lens: new Array<number>(perPage).fill(0),
  };
}

function rawFill(store: RawStore, items: readonly Uint8Array[], perPage: number): void {
  const { buf, offsets, lens } = store;
  const n = items.length;
  let upper = BLCKSZ;
  for (let i = 0; i < perPage; i++) {
    const item = items[i % n]!;
    upper -= align8(item.length);
    buf.set(item, upper);
    offsets[i] = upper;
    lens[i] = item.length;
  }
}

function naiveFill(items: readonly Uint8Array[], perPage: number): Uint8Array[] {
  const n = items.length;
  const out: Uint8Array[] = [];
  for (let i = 0; i < perPage; i++) out.push(items[i % n]!.slice());
  return out;
}

/** Run each batch once and check they report the same operation count. */
function sameOps(title: string, batches: readonly Batch[]): number {
  const counts = batches.map((b) => b());
  const first = counts[0]!;
  if (first <= 0 || counts.some((c) => c !== first)) {
    throw new Error(`${title}: variants disagree on the work done: ${counts.join(', ')}`);
  }
  return first;
}

/** Items of `itemSize` bytes that fit on one empty heap page. */
export function itemsPerPage(itemSize: number): number {
  return fillPage(new Uint8Array(BLCKSZ), makeItems(itemSize)).maxOffsetNumber;
}

/** Fill fresh heap pages with items; operations are items added. */
export function addWorkload(itemSize: number): Workload {
  const items = makeItems(itemSize);
  const n = items.length;
  const perPage = itemsPerPage(itemSize);

  const pageBuf = new Uint8Array(BLCKSZ);
  const subject: Batch = () => {
    // Page.init on the same buffer when the page is full, as a loader would.
    const page = Page.init(pageBuf);
    let added = 0;
    while (page.addItem(items[added % n]!, HEAP) !== undefined) added++;
    return added;
  };

  const store = rawStore(perPage);
  const raw: Batch = () => {
    rawFill(store, items, perPage);
    return perPage;
  };

  const naive: Batch = () => {
    keep = naiveFill(items, perPage);
    return perPage;
  };

  const title = `add ${itemSize}-byte items`;
  sameOps(title, [subject, raw, naive]);
  return {
    id: `add-${itemSize}`,
    title,
    unit: 'items',
    variants: [
      { name: SUBJECT, batch: subject },
      { name: RAW_COPY, batch: raw },
      { name: NAIVE_OBJECTS, batch: naive },
    ],
  };
}

/** Read every item of a full page and touch its first byte; operations are items read. */
export function readWorkload(itemSize: number): Workload {
  const items = makeItems(itemSize);
  const page = fillPage(new Uint8Array(BLCKSZ), items);
  const perPage = page.maxOffsetNumber;
  let sum = 0;

  const subject: Batch = () => {
    let s = 0;
    for (let i = 1; i <= perPage; i++) s += page.item(i)![0]!;
    sum = s;
    sink ^= s;
    return perPage;
  };

  const store = rawStore(perPage);
  rawFill(store, items, perPage);
  const { buf, offsets, lens } = store;
  const raw: Batch = () => {
    let s = 0;
    for (let i = 0; i < perPage; i++) {
      const off = offsets[i]!;
      s += buf.subarray(off, off + lens[i]!)[0]!;
    }
    sum = s;
    sink ^= s;
    return perPage;
  };

  const objects = naiveFill(items, perPage);
  const naive: Batch = () => {
    let s = 0;
    for (let i = 0; i < perPage; i++) s += objects[i]![0]!;
    sum = s;
    sink ^= s;
    return perPage;
  };

  const title = `read ${itemSize}-byte items`;
  const sums = [subject, raw, naive].map((b) => {
    b();
    return sum;
  });
  if (sums.some((s) => s !== sums[0])) {
    throw new Error(`${title}: variants read different bytes: ${sums.join(', ')}`);
  }
  return {
    id: `read-${itemSize}`,
    title,
    unit: 'items',
    variants: [
      { name: SUBJECT, batch: subject },
      { name: RAW_COPY, batch: raw },
      { name: NAIVE_OBJECTS, batch: naive },
    ],
  };
}

/** pg_checksum_page over a full heap page; operations are pages checksummed. */
export function checksumWorkload(itemSize = 40): Workload {
  const page = fillPage(new Uint8Array(BLCKSZ), makeItems(itemSize));
  let block = 0;
  const subject: Batch = () => {
    sink ^= page.computeChecksum(block);
    block = (block + 1) & 0xffff;
    return 1;
  };

  const copy = new Uint8Array(BLCKSZ);
  const raw: Batch = () => {
    copy.set(page.bytes);
    sink ^= copy[BLCKSZ - 1]!;
    return 1;
  };

  const words = new Uint32Array(page.bytes.buffer, page.bytes.byteOffset, BLCKSZ / 4);
  const wordSum: Batch = () => {
    let s = 0;
    for (let i = 0; i < words.length; i++) s = (s + words[i]!) | 0;
    sink ^= s;
    return 1;
  };

  return {
    id: 'checksum',
    title: 'checksum 8 KiB pages',
    unit: 'pages',
    bytesPerOp: BLCKSZ,
    variants: [
      { name: SUBJECT, batch: subject },
      { name: RAW_COPY, batch: raw },
      { name: WORD_SUM, batch: wordSum },
    ],
  };
}

/**
 * Fill a page, set every 3rd item unused, repairFragmentation; operations are
 * pages. The baselines fill the same number of items, drop every 3rd, and
 * close the gaps (raw copy: copyWithin toward the end of the buffer; naive
 * objects: Array.prototype.filter).
 */
export function compactionWorkload(itemSize: number): Workload {
  const items = makeItems(itemSize);
  const n = items.length;
  const perPage = itemsPerPage(itemSize);
  const kept = perPage - Math.floor(perPage / 3);
  let left = 0;

  const pageBuf = new Uint8Array(BLCKSZ);
  const subject: Batch = () => {
    const page = Page.init(pageBuf);
    let added = 0;
    while (page.addItem(items[added % n]!, HEAP) !== undefined) added++;
    for (let i = 3; i <= added; i += 3) page.setUnused(i);
    page.repairFragmentation();
    left = (BLCKSZ - page.upper) / align8(itemSize);
    return 1;
  };

  const store = rawStore(perPage);
  const { buf, offsets, lens } = store;
  const raw: Batch = () => {
    rawFill(store, items, perPage);
    // Items sit at decreasing offsets in index order, so each kept item moves
    // toward the end of the buffer, over space already freed or vacated.
    let next = BLCKSZ;
    let k = 0;
    for (let i = 0; i < perPage; i++) {
      if (i % 3 === 2) continue;
      const off = offsets[i]!;
      const len = lens[i]!;
      next -= align8(len);
      if (next !== off) buf.copyWithin(next, off, off + len);
      offsets[k] = next;
      lens[k] = len;
      k++;
    }
    left = k;
    return 1;
  };

  const naive: Batch = () => {
    const objects = naiveFill(items, perPage).filter((_, i) => i % 3 !== 2);
    keep = objects;
    left = objects.length;
    return 1;
  };

  const title = `compact ${itemSize}-byte items`;
  const lefts = [subject, raw, naive].map((b) => {
    b();
    return left;
  });
  if (lefts.some((l) => l !== kept)) {
    throw new Error(`${title}: expected ${kept} items left, got ${lefts.join(', ')}`);
  }
  return {
    id: `compact-${itemSize}`,
    title,
    unit: 'pages',
    variants: [
      { name: SUBJECT, batch: subject },
      { name: RAW_COPY, batch: raw },
      { name: NAIVE_OBJECTS, batch: naive },
    ],
  };
}

/** Item sizes of the default run: a narrow row and a wide one. */
export const ITEM_SIZES = [40, 200] as const;

/**
 * The workloads of a run, as factories so each is set up just before it is
 * measured (and its garbage does not disturb the others).
 */
export function defaultWorkloads(
  sizes: readonly number[] = ITEM_SIZES,
): { readonly title: string; readonly make: () => Workload }[] {
  return [
    ...sizes.map((s) => ({ title: `add ${s}-byte items`, make: () => addWorkload(s) })),
    ...sizes.map((s) => ({ title: `read ${s}-byte items`, make: () => readWorkload(s) })),
    { title: 'checksum 8 KiB pages', make: () => checksumWorkload(sizes[0]) },
    ...sizes.map((s) => ({ title: `compact ${s}-byte items`, make: () => compactionWorkload(s) })),
  ];
}
