import type { WalProblem } from './errors.js';
import { type Lsn, WAL_PAGE_SIZE } from './lsn.js';

/** Our WAL page magic. Deliberately not PostgreSQL 15's 0xD110: the record format differs. */
export const WAL_PAGE_MAGIC = 0xd0a7;
/** The page begins with the continuation of a record from the previous page. */
export const XLP_FIRST_IS_CONTRECORD = 0x0001;
/** The page has a long header (first page of a segment). */
export const XLP_LONG_HEADER = 0x0002;
/** All info bits we define; others must be zero. */
export const XLP_ALL_FLAGS = XLP_FIRST_IS_CONTRECORD | XLP_LONG_HEADER;
/** Size of the short page header (MAXALIGNed, as PostgreSQL's SizeOfXLogShortPHD). */
export const SIZE_OF_SHORT_PAGE_HEADER = 24;
/** Size of the long page header (SizeOfXLogLongPHD). */
export const SIZE_OF_LONG_PAGE_HEADER = 40;

/** A decoded WAL page header; the long-header fields are present on a segment's first page. */
export interface WalPageHeader {
  readonly magic: number;
  readonly info: number;
  readonly timeline: number;
  readonly pageAddress: Lsn;
  /** Bytes of a record continued from the previous page that remain (0 if none). */
  readonly remainingLength: number;
  readonly systemIdentifier?: bigint;
  readonly segmentSize?: number;
  readonly pageSize?: number;
}

/** The header size of the page starting at pageLsn. */
export function pageHeaderSize(pageLsn: Lsn, segmentSize: number): number {
  return pageLsn % BigInt(segmentSize) === 0n
    ? SIZE_OF_LONG_PAGE_HEADER
    : SIZE_OF_SHORT_PAGE_HEADER;
}

/** Writes a page header into the first bytes of `page`. */
export function writePageHeader(
  page: Uint8Array,
  h: {
    timeline: number;
    pageAddress: Lsn;
    remainingLength: number;
    segmentSize: number;
    systemIdentifier: bigint;
  },
): void {
  const dv = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const long = h.pageAddress % BigInt(h.segmentSize) === 0n;
  let info = long ? XLP_LONG_HEADER : 0;
  if (h.remainingLength > 0) info |= XLP_FIRST_IS_CONTRECORD;
  dv.setUint16(0, WAL_PAGE_MAGIC, true);
  dv.setUint16(2, info, true);
  dv.setUint32(4, h.timeline, true);
  dv.setBigUint64(8, h.pageAddress, true);
  dv.setUint32(16, h.remainingLength, true);
  dv.setUint32(20, 0, true);
  if (long) {
    dv.setBigUint64(24, h.systemIdentifier, true);
    dv.setUint32(32, h.segmentSize, true);
    dv.setUint32(36, WAL_PAGE_SIZE, true);
  }
}

/** Reads a page header without validating it. `page` must hold at least 40 bytes. */
export function readPageHeader(page: Uint8Array): WalPageHeader {
  const dv = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const info = dv.getUint16(2, true);
  const base = {
    magic: dv.getUint16(0, true),
    info,
    timeline: dv.getUint32(4, true),
    pageAddress: dv.getBigUint64(8, true),
    remainingLength: dv.getUint32(16, true),
  };
  if ((info & XLP_LONG_HEADER) === 0) return base;
  return {
    ...base,
    systemIdentifier: dv.getBigUint64(24, true),
    segmentSize: dv.getUint32(32, true),
    pageSize: dv.getUint32(36, true),
  };
}

/**
 * Validates the header of the page at pageLsn (XLogReaderValidatePageHeader):
 * magic, no unknown flags, the long flag exactly on a segment's first page,
 * the page address, timeline, and, in a long header, segment and page size
 * and (when given) the system identifier. Returns null when it is valid.
 */
export function validatePageHeader(
  page: Uint8Array,
  pageLsn: Lsn,
  expected: { timeline: number; segmentSize: number; systemIdentifier?: bigint },
): WalProblem | null {
  const h = readPageHeader(page);
  const bad = (detail: string): WalProblem => ({ kind: 'invalid-page-header', pageLsn, detail });
  if (h.magic !== WAL_PAGE_MAGIC) return bad(`invalid magic number ${h.magic.toString(16)}`);
  if ((h.info & ~XLP_ALL_FLAGS) !== 0) return bad(`invalid info bits ${h.info.toString(16)}`);
  const long = pageLsn % BigInt(expected.segmentSize) === 0n;
  if (long !== ((h.info & XLP_LONG_HEADER) !== 0)) return bad('long-header flag misplaced');
  if (h.pageAddress !== pageLsn) return bad(`unexpected pageaddr ${h.pageAddress}`);
  if (h.timeline !== expected.timeline) return bad(`unexpected timeline ID ${h.timeline}`);
  const contrecord = (h.info & XLP_FIRST_IS_CONTRECORD) !== 0;
  if (contrecord !== h.remainingLength > 0) return bad('contrecord flag and rem_len disagree');
  if (new DataView(page.buffer, page.byteOffset, page.byteLength).getUint32(20, true) !== 0) {
    return bad('non-zero padding');
  }
  if (long) {
    if (h.segmentSize !== expected.segmentSize) return bad(`segment size ${h.segmentSize}`);
    if (h.pageSize !== WAL_PAGE_SIZE) return bad(`page size ${h.pageSize}`);
    if (
      expected.systemIdentifier !== undefined &&
      h.systemIdentifier !== expected.systemIdentifier
    ) {
      return bad(`system identifier ${h.systemIdentifier}`);
    }
  }
  return null;
}
