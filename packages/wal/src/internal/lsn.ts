import { WalError } from './errors.js';

/** A log sequence number: a byte position in the WAL stream (64 bits, as a bigint). */
export type Lsn = bigint;

/** The invalid LSN 0/0. */
export const INVALID_LSN: Lsn = 0n;
/** Size of a WAL page (PostgreSQL's XLOG_BLCKSZ). */
export const WAL_PAGE_SIZE = 8192;
/** Default size of a WAL segment file (PostgreSQL's default --wal-segsize, 16 MiB). */
export const DEFAULT_SEGMENT_SIZE = 16 * 1024 * 1024;
/** Records start on 8-byte boundaries (MAXALIGN). */
export const WAL_ALIGN = 8;
/** The only timeline this first part writes. */
export const DEFAULT_TIMELINE = 1;

/** An LSN printed as PostgreSQL prints it: high and low 32 bits in hex, e.g. 0/16B3748. */
export function formatLsn(lsn: Lsn): string {
  const hi = Number((lsn >> 32n) & 0xffffffffn);
  const lo = Number(lsn & 0xffffffffn);
  return `${hi.toString(16).toUpperCase()}/${lo.toString(16).toUpperCase()}`;
}

/** Parses PostgreSQL's LSN text form (`X/X`, 1 to 8 hex digits each side). */
export function parseLsn(text: string): Lsn {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!m) throw new WalError({ kind: 'invalid-lsn-syntax', text });
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

/** A segment size PostgreSQL accepts: a power of two from 1 MiB to 1 GiB (smaller allowed for tests). */
export function checkSegmentSize(segmentSize: number): void {
  const ok =
    Number.isInteger(segmentSize) &&
    segmentSize >= 2 * WAL_PAGE_SIZE &&
    segmentSize <= 1024 * 1024 * 1024 &&
    (segmentSize & (segmentSize - 1)) === 0;
  if (!ok) {
    throw new WalError({
      kind: 'invalid-request',
      detail: `WAL segment size must be a power of two between 16 KiB and 1 GiB, got ${segmentSize}`,
    });
  }
}

/** The segment number holding an LSN (XLByteToSeg). */
export function lsnToSegment(lsn: Lsn, segmentSize = DEFAULT_SEGMENT_SIZE): bigint {
  return lsn / BigInt(segmentSize);
}

/** The byte offset of an LSN inside its segment (XLogSegmentOffset). */
export function segmentOffset(lsn: Lsn, segmentSize = DEFAULT_SEGMENT_SIZE): number {
  return Number(lsn % BigInt(segmentSize));
}

/** The LSN where a segment begins (XLogSegNoOffsetToRecPtr with offset 0). */
export function segmentStartLsn(segno: bigint, segmentSize = DEFAULT_SEGMENT_SIZE): Lsn {
  return segno * BigInt(segmentSize);
}

/** The LSN of the start of the WAL page holding an LSN. */
export function pageStartLsn(lsn: Lsn): Lsn {
  return lsn - (lsn % BigInt(WAL_PAGE_SIZE));
}

/** The byte offset of an LSN inside its WAL page. */
export function pageOffset(lsn: Lsn): number {
  return Number(lsn % BigInt(WAL_PAGE_SIZE));
}

/** Rounds up to the next multiple of 8 (MAXALIGN). */
export function alignLsn(lsn: Lsn): Lsn {
  return (lsn + 7n) & ~7n;
}

/**
 * The segment file name PostgreSQL gives a segment (XLogFileName): timeline,
 * "log" (segno / segments-per-4-GiB) and segment-within-log, 8 hex digits
 * each, upper case. With 16 MiB segments the log number is lsn >> 32.
 */
export function segmentFileName(
  segno: bigint,
  segmentSize = DEFAULT_SEGMENT_SIZE,
  timeline = DEFAULT_TIMELINE,
): string {
  const perId = 0x100000000n / BigInt(segmentSize);
  const h = (n: bigint | number) => n.toString(16).toUpperCase().padStart(8, '0');
  return `${h(timeline)}${h(segno / perId)}${h(segno % perId)}`;
}

/** Parses a segment file name back into its timeline and segment number (XLogFromFileName). */
export function parseSegmentFileName(
  name: string,
  segmentSize = DEFAULT_SEGMENT_SIZE,
): { timeline: number; segno: bigint } {
  if (!/^[0-9A-F]{24}$/.test(name)) throw new WalError({ kind: 'invalid-segment-name', name });
  const perId = 0x100000000n / BigInt(segmentSize);
  const log = BigInt(`0x${name.slice(8, 16)}`);
  const seg = BigInt(`0x${name.slice(16, 24)}`);
  if (seg >= perId) throw new WalError({ kind: 'invalid-segment-name', name });
  return { timeline: Number.parseInt(name.slice(0, 8), 16), segno: log * perId + seg };
}
