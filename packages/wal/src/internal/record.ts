import { walCrc } from './crc.js';
import { WalError, type WalProblem } from './errors.js';
import type { Lsn } from './lsn.js';

/** Size of the fixed record header. */
export const SIZE_OF_RECORD_HEADER = 32;
/** Size of one block reference header. */
export const SIZE_OF_BLOCK_REF = 28;
/** The largest record accepted (PostgreSQL's XLogRecordMaxSize is 1020 MB). */
export const MAX_RECORD_SIZE = 1020 * 1024 * 1024;
/** The most block references one record may carry (PostgreSQL's XLR_MAX_BLOCK_ID + 1). */
export const MAX_BLOCK_REFS = 33;
/** Block reference flag: a full-page image follows. */
export const BKPBLOCK_HAS_IMAGE = 0x01;
/** Block reference flag: per-block data follows. */
export const BKPBLOCK_HAS_DATA = 0x02;
/** Offset of xl_crc in the header. */
const CRC_OFFSET = 20;

/** A relation file locator (PostgreSQL's RelFileNode): tablespace, database, relation. */
export interface RelFileNode {
  readonly spcOid: number;
  readonly dbOid: number;
  readonly relNumber: number;
}

/** A block a record touches, with an optional full-page image and per-block data. */
export interface BlockRef {
  readonly rel: RelFileNode;
  /** Fork number: 0 main, 1 fsm, 2 vm, 3 init. */
  readonly fork: number;
  readonly blockNumber: number;
  readonly image?: Uint8Array;
  readonly data?: Uint8Array;
}

/** What a caller inserts. */
export interface WalRecordInput {
  /** Resource manager id (0..255). */
  readonly rmid: number;
  /** Record type within the resource manager (0..255). */
  readonly info: number;
  /** Transaction id, 0 (InvalidTransactionId) when none. */
  readonly xid?: number;
  readonly blocks?: readonly BlockRef[];
  /** Main data. */
  readonly data?: Uint8Array;
}

/** A decoded record. */
export interface WalRecord {
  readonly totalLength: number;
  readonly xid: number;
  readonly prev: Lsn;
  readonly info: number;
  readonly rmid: number;
  readonly crc: number;
  readonly blocks: readonly BlockRef[];
  readonly data: Uint8Array;
}

const u8 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xff;
const u32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

function badRequest(detail: string): WalError {
  return new WalError({ kind: 'invalid-request', detail });
}

/** The encoded size of a record (xl_tot_len). */
export function recordSize(r: WalRecordInput): number {
  let n = SIZE_OF_RECORD_HEADER + (r.data?.length ?? 0);
  for (const b of r.blocks ?? []) {
    n += SIZE_OF_BLOCK_REF + (b.image?.length ?? 0) + (b.data?.length ?? 0);
  }
  return n;
}

/** Encodes a record whose previous record starts at `prev`, computing its CRC-32C. */
export function encodeRecord(r: WalRecordInput, prev: Lsn): Uint8Array {
  const blocks = r.blocks ?? [];
  if (!u8(r.rmid)) throw badRequest(`rmid ${r.rmid} is not in 0..255`);
  if (!u8(r.info)) throw badRequest(`info ${r.info} is not in 0..255`);
  if (!u32(r.xid ?? 0)) throw badRequest(`xid ${r.xid} is not a 32-bit unsigned integer`);
  if (blocks.length > MAX_BLOCK_REFS) throw badRequest(`too many block references`);
  if (prev < 0n || prev > 0xffffffffffffffffn) throw badRequest('prev LSN out of range');
  const total = recordSize(r);
  if (total > MAX_RECORD_SIZE) throw badRequest(`record of ${total} bytes is too large`);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, total, true);
  dv.setUint32(4, r.xid ?? 0, true);
  dv.setBigUint64(8, prev, true);
  out[16] = r.info;
  out[17] = r.rmid;
  out[18] = blocks.length;
  out[19] = 0;
  dv.setUint32(CRC_OFFSET, 0, true);
  dv.setUint32(24, r.data?.length ?? 0, true);
  dv.setUint32(28, 0, true);
  let off = SIZE_OF_RECORD_HEADER;
  for (const b of blocks) {
    if (!u32(b.rel.spcOid) || !u32(b.rel.dbOid) || !u32(b.rel.relNumber)) {
      throw badRequest('relfilenode fields must be 32-bit unsigned integers');
    }
    if (!u8(b.fork) || b.fork > 3) throw badRequest(`fork ${b.fork} is not in 0..3`);
    if (!u32(b.blockNumber)) throw badRequest(`block number ${b.blockNumber} out of range`);
    dv.setUint32(off, b.rel.spcOid, true);
    dv.setUint32(off + 4, b.rel.dbOid, true);
    dv.setUint32(off + 8, b.rel.relNumber, true);
    out[off + 12] = b.fork;
    out[off + 13] =
      (b.image !== undefined ? BKPBLOCK_HAS_IMAGE : 0) |
      (b.data !== undefined ? BKPBLOCK_HAS_DATA : 0);
    dv.setUint16(off + 14, 0, true);
    dv.setUint32(off + 16, b.blockNumber, true);
    dv.setUint32(off + 20, b.image?.length ?? 0, true);
    dv.setUint32(off + 24, b.data?.length ?? 0, true);
    off += SIZE_OF_BLOCK_REF;
    if (b.image) {
      out.set(b.image, off);
      off += b.image.length;
    }
    if (b.data) {
      out.set(b.data, off);
      off += b.data.length;
    }
  }
  if (r.data) out.set(r.data, off);
  dv.setUint32(CRC_OFFSET, walCrc(out), true);
  return out;
}

/** Options for {@link tryDecodeRecord}. */
export interface DecodeOptions {
  /** The record's own LSN, for messages. */
  readonly lsn?: Lsn;
  /** When given, xl_prev must equal it. */
  readonly expectedPrev?: Lsn;
  /** When given, the rmid must satisfy it (strict decoding). */
  readonly isKnownRmgr?: (rmid: number) => boolean;
}

export type DecodeResult =
  | { readonly ok: true; readonly record: WalRecord }
  | { readonly ok: false; readonly problem: WalProblem };

/** Reads xl_tot_len from the first 4 bytes of a record header. */
export function peekTotalLength(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
}

/** Checks the header fields that can be checked before the rest of the record is read. */
export function validateRecordHeader(
  header: Uint8Array,
  options: DecodeOptions,
): WalProblem | null {
  const lsn = options.lsn ?? 0n;
  const dv = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const total = dv.getUint32(0, true);
  if (total < SIZE_OF_RECORD_HEADER || total > MAX_RECORD_SIZE) {
    return { kind: 'invalid-record-length', lsn, length: total };
  }
  const prev = dv.getBigUint64(8, true);
  if (options.expectedPrev !== undefined && prev !== options.expectedPrev) {
    return { kind: 'prev-link-mismatch', lsn, prev, expected: options.expectedPrev };
  }
  const rmid = header[17] ?? 0;
  if (options.isKnownRmgr && !options.isKnownRmgr(rmid)) return { kind: 'unknown-rmgr', lsn, rmid };
  return null;
}

/** Decodes and validates one record; never throws on bad bytes. */
export function tryDecodeRecord(bytes: Uint8Array, options: DecodeOptions = {}): DecodeResult {
  const lsn = options.lsn ?? 0n;
  const fail = (problem: WalProblem): DecodeResult => ({ ok: false, problem });
  if (bytes.length < SIZE_OF_RECORD_HEADER) {
    return fail({ kind: 'invalid-record-length', lsn, length: bytes.length });
  }
  const headerProblem = validateRecordHeader(bytes, options);
  if (headerProblem) return fail(headerProblem);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const total = dv.getUint32(0, true);
  if (total !== bytes.length) return fail({ kind: 'invalid-record-length', lsn, length: total });
  const stored = dv.getUint32(CRC_OFFSET, true);
  const zeroed = new Uint8Array(4);
  const calculated = walCrc(
    bytes.subarray(CRC_OFFSET + 4),
    walCrc(zeroed, walCrc(bytes.subarray(0, CRC_OFFSET))),
  );
  if (calculated !== stored) {
    return fail({ kind: 'crc-mismatch', lsn, expected: stored, calculated });
  }
  const layout = (detail: string) => fail({ kind: 'invalid-record-layout', lsn, detail });
  const nblocks = bytes[18] ?? 0;
  if (nblocks > MAX_BLOCK_REFS) return layout(`${nblocks} block references`);
  const mainLength = dv.getUint32(24, true);
  let off = SIZE_OF_RECORD_HEADER;
  const blocks: BlockRef[] = [];
  for (let i = 0; i < nblocks; i++) {
    if (off + SIZE_OF_BLOCK_REF > total) return layout(`block reference ${i} is truncated`);
    const flags = bytes[off + 13] ?? 0;
    const fork = bytes[off + 12] ?? 0;
    if ((flags & ~(BKPBLOCK_HAS_IMAGE | BKPBLOCK_HAS_DATA)) !== 0 || fork > 3) {
      return layout(`block reference ${i} has invalid flags or fork`);
    }
    const imageLength = dv.getUint32(off + 20, true);
    const dataLength = dv.getUint32(off + 24, true);
    if ((flags & BKPBLOCK_HAS_IMAGE) === 0 && imageLength !== 0)
      return layout('image length without image');
    if ((flags & BKPBLOCK_HAS_DATA) === 0 && dataLength !== 0)
      return layout('data length without data');
    const start = off + SIZE_OF_BLOCK_REF;
    if (start + imageLength + dataLength > total) return layout(`block reference ${i} overruns`);
    const block: {
      rel: RelFileNode;
      fork: number;
      blockNumber: number;
      image?: Uint8Array;
      data?: Uint8Array;
    } = {
      rel: {
        spcOid: dv.getUint32(off, true),
        dbOid: dv.getUint32(off + 4, true),
        relNumber: dv.getUint32(off + 8, true),
      },
      fork,
      blockNumber: dv.getUint32(off + 16, true),
    };
    if (flags & BKPBLOCK_HAS_IMAGE) block.image = bytes.slice(start, start + imageLength);
    if (flags & BKPBLOCK_HAS_DATA) {
      block.data = bytes.slice(start + imageLength, start + imageLength + dataLength);
    }
    blocks.push(block);
    off = start + imageLength + dataLength;
  }
  if (off + mainLength !== total) return layout('lengths do not add up to xl_tot_len');
  return {
    ok: true,
    record: {
      totalLength: total,
      xid: dv.getUint32(4, true),
      prev: dv.getBigUint64(8, true),
      info: bytes[16] ?? 0,
      rmid: bytes[17] ?? 0,
      crc: stored,
      blocks,
      data: bytes.slice(off, total),
    },
  };
}

/** Decodes and validates one record, throwing a {@link WalError} on bad bytes. */
export function decodeRecord(bytes: Uint8Array, options: DecodeOptions = {}): WalRecord {
  const r = tryDecodeRecord(bytes, options);
  if (!r.ok) throw new WalError(r.problem);
  return r.record;
}
