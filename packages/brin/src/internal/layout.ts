/**
 * The bytes of PostgreSQL 15's BRIN pages (src/include/access/brin_page.h,
 * brin_tuple.h): the special space (BrinSpecialSpace), the metapage
 * (BrinMetaPageData), revmap pages (an array of ItemPointerData) and
 * regular pages holding BrinTuples with the minmax opclass's values. Every
 * function here is a pure function of bytes.
 */
import { readTid, SIZE_OF_TID, type Tid, writeTid } from '@pg/access';
import { Page } from '@pg/page';
import { type AnyPgType, builtins, decodeRow, encodeRow } from '@pg/types';

export const BLCKSZ = 8192;
export const SIZE_OF_PAGE_HEADER = 24;
/** sizeof(BrinSpecialSpace): MAXALIGN(1) bytes, four uint16s. */
export const SIZE_OF_BRIN_SPECIAL = 8;
export const BRIN_METAPAGE_BLKNO = 0;
export const BRIN_META_MAGIC = 0xa8109cfa;
export const BRIN_CURRENT_VERSION = 1;
export const BRIN_DEFAULT_PAGES_PER_RANGE = 128;

/** Page types, in the special space's last uint16. */
export const BRIN_PAGETYPE_META = 0xf091;
export const BRIN_PAGETYPE_REVMAP = 0xf092;
export const BRIN_PAGETYPE_REGULAR = 0xf093;
/** Special-space flag: the page is being emptied for the revmap. */
export const BRIN_EVACUATE_PAGE = 1 << 0;

/** REVMAP_PAGE_MAXITEMS: TIDs per revmap page. */
export const REVMAP_PAGE_MAXITEMS = Math.floor(
  (BLCKSZ - SIZE_OF_PAGE_HEADER - SIZE_OF_BRIN_SPECIAL) / SIZE_OF_TID,
);

/** bt_info bits. */
export const BRIN_OFFSET_MASK = 0x1f;
export const BRIN_EMPTY_RANGE_MASK = 0x20;
export const BRIN_PLACEHOLDER_MASK = 0x40;
export const BRIN_NULLS_MASK = 0x80;
/** SizeOfBrinTuple: bt_blkno (4) and bt_info (1). */
export const SIZE_OF_BRIN_TUPLE = 5;

/** The largest BrinTuple that fits on an empty regular page (BrinMaxItemSize). */
export const BRIN_MAX_ITEM_SIZE =
  BLCKSZ - SIZE_OF_PAGE_HEADER - 4 /* one ItemIdData */ - SIZE_OF_BRIN_SPECIAL;

export function maxAlign(n: number): number {
  return (n + 7) & ~7;
}

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function setU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}

export function readU32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

export function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

// --------------------------------------------------------------- special space

/** BrinPageType: the special space's last uint16. */
export function pageType(page: Uint8Array): number {
  return u16(page, BLCKSZ - 2);
}

/** BrinPageFlags: the special space's third uint16. */
export function pageFlags(page: Uint8Array): number {
  return u16(page, BLCKSZ - 4);
}

/** brin_page_init: PageInit with the special space, and the page type. */
export function initBrinPage(page: Uint8Array, type: number): void {
  page.fill(0);
  Page.init(page, SIZE_OF_BRIN_SPECIAL);
  setU16(page, BLCKSZ - 2, type);
}

// ---------------------------------------------------------------- metapage

/** BrinMetaPageData. */
export interface BrinMeta {
  readonly magic: number;
  readonly version: number;
  readonly pagesPerRange: number;
  readonly lastRevmapPage: number;
}

const META_AT = SIZE_OF_PAGE_HEADER;

/** brin_metapage_init: the page, the metadata, and pd_lower just past it. */
export function initMetaPage(page: Uint8Array, pagesPerRange: number): void {
  initBrinPage(page, BRIN_PAGETYPE_META);
  writeMeta(page, {
    magic: BRIN_META_MAGIC,
    version: BRIN_CURRENT_VERSION,
    pagesPerRange,
    lastRevmapPage: 0,
  });
  setU16(page, 12, META_AT + 16);
}

export function readMeta(page: Uint8Array): BrinMeta {
  return {
    magic: readU32(page, META_AT),
    version: readU32(page, META_AT + 4),
    pagesPerRange: readU32(page, META_AT + 8),
    lastRevmapPage: readU32(page, META_AT + 12),
  };
}

export function writeMeta(page: Uint8Array, m: BrinMeta): void {
  writeU32(page, META_AT, m.magic);
  writeU32(page, META_AT + 4, m.version);
  writeU32(page, META_AT + 8, m.pagesPerRange);
  writeU32(page, META_AT + 12, m.lastRevmapPage);
}

// ---------------------------------------------------------------- revmap

/** The TID stored for slot `i` of a revmap page (offset 0: none, as ItemPointerIsValid). */
export function revmapGet(page: Uint8Array, i: number): Tid | null {
  const tid = readTid(page, SIZE_OF_PAGE_HEADER + i * SIZE_OF_TID);
  return tid.offset === 0 ? null : tid;
}

export function revmapSet(page: Uint8Array, i: number, tid: Tid | null): void {
  // ItemPointerSetInvalid: block InvalidBlockNumber, offset 0.
  writeTid(page, SIZE_OF_PAGE_HEADER + i * SIZE_OF_TID, tid ?? { block: 0xffffffff, offset: 0 });
}

// ---------------------------------------------------------------- tuples

/** One column's summary (BrinValues): minmax's min and max, or inclusion's three values. */
export interface BrinColumn {
  /** No non-null value seen (bv_allnulls). */
  allNulls: boolean;
  /** Some null seen (bv_hasnulls). */
  hasNulls: boolean;
  /** minmax: the smallest value. */
  min: unknown;
  /** minmax: the largest value. */
  max: unknown;
  /** inclusion (INCLUSION_UNION): the merge of every non-empty value. */
  union?: unknown;
  /** inclusion (INCLUSION_UNMERGEABLE): some values could not be merged. */
  unmergeable?: boolean;
  /** inclusion (INCLUSION_CONTAINS_EMPTY): some value was empty. */
  containsEmpty?: boolean;
}

/** How a column's summary is stored: minmax (min, max) or inclusion (union, unmergeable, contains_empty). */
export type BrinColumnKind = 'minmax' | 'inclusion';

const boolType = (): AnyPgType => {
  const t = builtins.type(16);
  if (t === undefined) throw new Error('@pg/types has no bool');
  return t;
};

/** The types of the values a column stores (oi_typcache): two for minmax, three for inclusion. */
function storedTypes(type: AnyPgType, kind: BrinColumnKind): AnyPgType[] {
  return kind === 'inclusion' ? [type, boolType(), boolType()] : [type, type];
}

function storedValues(c: BrinColumn, kind: BrinColumnKind): unknown[] {
  return kind === 'inclusion'
    ? [c.union, c.unmergeable ?? false, c.containsEmpty ?? false]
    : [c.min, c.max];
}

/** A deformed BrinTuple (BrinMemTuple). */
export interface BrinSummary {
  readonly blkno: number;
  readonly placeholder: boolean;
  /** No row was ever added (bt_empty_range): every column is allnulls and nothing matches. */
  empty: boolean;
  readonly columns: BrinColumn[];
}

export function emptyColumns(natts: number): BrinColumn[] {
  return Array.from({ length: natts }, () => ({
    allNulls: true,
    hasNulls: false,
    min: null,
    max: null,
  }));
}

/**
 * brin_form_tuple (and brin_form_placeholder_tuple): bt_blkno, bt_info,
 * the null bitmap (allnulls bits for every column, then hasnulls bits; a
 * set bit means true) when any column has nulls, then at MAXALIGN the
 * columns' min and max as heap_fill_tuple lays them out.
 */
export function formTuple(
  types: readonly AnyPgType[],
  s: BrinSummary,
  kinds: readonly BrinColumnKind[] = [],
): Uint8Array {
  const natts = types.length;
  const anyNulls = s.columns.some((c) => c.allNulls || c.hasNulls);
  let len = SIZE_OF_BRIN_TUPLE;
  if (anyNulls) len += (natts * 2 + 7) >> 3;
  const hoff = maxAlign(len);
  const diskTypes: AnyPgType[] = [];
  const values: unknown[] = [];
  s.columns.forEach((c, i) => {
    if (c.allNulls) return;
    const kind = kinds[i] ?? 'minmax';
    diskTypes.push(...storedTypes(types[i]!, kind));
    values.push(...storedValues(c, kind));
  });
  const data = encodeRow(diskTypes, values).data;
  // brin_form_tuple MAXALIGNs the whole length, so the padding is part of the item.
  const out = new Uint8Array(maxAlign(hoff + data.length));
  writeU32(out, 0, s.blkno);
  let info = hoff;
  if (anyNulls) {
    info |= BRIN_NULLS_MASK;
    s.columns.forEach((c, i) => {
      if (c.allNulls) out[SIZE_OF_BRIN_TUPLE + (i >> 3)]! |= 1 << (i & 7);
      const j = natts + i;
      if (c.hasNulls) out[SIZE_OF_BRIN_TUPLE + (j >> 3)]! |= 1 << (j & 7);
    });
  }
  if (s.placeholder) info |= BRIN_PLACEHOLDER_MASK;
  if (s.empty) info |= BRIN_EMPTY_RANGE_MASK;
  out[4] = info;
  out.set(data, hoff);
  return out;
}

/** brin_deform_tuple. */
export function deformTuple(
  types: readonly AnyPgType[],
  t: Uint8Array,
  kinds: readonly BrinColumnKind[] = [],
): BrinSummary {
  const natts = types.length;
  const info = t[4]!;
  const hoff = info & BRIN_OFFSET_MASK;
  const columns = emptyColumns(natts);
  const diskTypes: AnyPgType[] = [];
  const present: number[] = [];
  for (let i = 0; i < natts; i++) {
    const c = columns[i]!;
    if ((info & BRIN_NULLS_MASK) !== 0) {
      c.allNulls = ((t[SIZE_OF_BRIN_TUPLE + (i >> 3)]! >> (i & 7)) & 1) === 1;
      const j = natts + i;
      c.hasNulls = ((t[SIZE_OF_BRIN_TUPLE + (j >> 3)]! >> (j & 7)) & 1) === 1;
    } else {
      c.allNulls = false;
    }
    if (!c.allNulls) {
      diskTypes.push(...storedTypes(types[i]!, kinds[i] ?? 'minmax'));
      present.push(i);
    }
  }
  const values = decodeRow(diskTypes, t.subarray(hoff), undefined);
  let at = 0;
  for (const i of present) {
    const c = columns[i]!;
    if ((kinds[i] ?? 'minmax') === 'inclusion') {
      c.union = values[at];
      c.unmergeable = values[at + 1] === true;
      c.containsEmpty = values[at + 2] === true;
      at += 3;
    } else {
      c.min = values[at];
      c.max = values[at + 1];
      at += 2;
    }
  }
  return {
    blkno: readU32(t, 0),
    placeholder: (info & BRIN_PLACEHOLDER_MASK) !== 0,
    empty: (info & BRIN_EMPTY_RANGE_MASK) !== 0,
    columns,
  };
}

/**
 * PageIndexTupleDeleteNoCompact: frees item `off`'s storage (the items
 * stored below it move up) and its line pointer becomes unused, so every
 * other item keeps its offset number (the revmap points at them); a
 * trailing line pointer is dropped.
 */
export function deleteNoCompact(page: Uint8Array, off: number): void {
  const p = Page.wrap(page);
  const nline = p.maxOffsetNumber;
  const { off: itemOff, len } = p.itemId(off);
  const size = maxAlign(len);
  const upper = p.upper;
  page.copyWithin(upper + size, upper, itemOff);
  page.fill(0, upper, upper + size);
  for (let i = 1; i <= nline; i++) {
    if (i === off) continue;
    const at = SIZE_OF_PAGE_HEADER + (i - 1) * 4;
    const w = readU32(page, at);
    const o = w & 0x7fff;
    if (w >>> 17 !== 0 && o < itemOff) writeU32(page, at, (w & ~0x7fff) | (o + size));
  }
  setU16(page, 14, upper + size);
  if (off === nline) {
    setU16(page, 12, p.lower - 4);
    page.fill(0, p.lower, p.lower + 4);
  } else {
    p.setUnused(off);
  }
}
