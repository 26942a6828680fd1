import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { walCrc } from './crc.js';
import { WalError } from './errors.js';
import type { Lsn } from './lsn.js';
import type { CheckPoint } from './rmgr.js';

/** Our pg_control format version (PostgreSQL 15's is 1300; ours is a different format). */
export const PG_CONTROL_VERSION = 9001;
/** pg_control is padded to this size, as PostgreSQL's PG_CONTROL_FILE_SIZE. */
export const PG_CONTROL_FILE_SIZE = 8192;
/** Bytes of pg_control covered by the CRC; the CRC follows them. */
export const SIZE_OF_CONTROL_DATA = 96;

/** The cluster state (PostgreSQL's DBState). */
export const DbState = {
  startup: 0,
  shutdowned: 1,
  shutdownedInRecovery: 2,
  shutdowning: 3,
  inCrashRecovery: 4,
  inArchiveRecovery: 5,
  inProduction: 6,
} as const;
export type DbState = (typeof DbState)[keyof typeof DbState];

/** The contents of pg_control (a subset of PostgreSQL's ControlFileData). */
export interface ControlFile {
  readonly systemIdentifier: bigint;
  readonly catalogVersion: number;
  readonly state: DbState;
  /** Seconds since the epoch of the last update. */
  readonly time: bigint;
  /** LSN of the last checkpoint record. */
  readonly checkPoint: Lsn;
  /** A copy of the last checkpoint record's contents. */
  readonly checkPointCopy: CheckPoint;
  /** Recovery must replay at least to here before the database is consistent. */
  readonly minRecoveryPoint: Lsn;
  readonly walSegmentSize: number;
  readonly walPageSize: number;
  readonly blockSize: number;
  /** 0 off, 1 on (PostgreSQL's data_checksum_version). */
  readonly dataChecksumVersion: number;
}

function bad(detail: string): WalError {
  return new WalError({ kind: 'invalid-control-file', detail });
}

/** Encodes pg_control: the fields, their CRC-32C, zero padding to 8192 bytes. */
export function encodeControlFile(c: ControlFile): Uint8Array {
  const out = new Uint8Array(PG_CONTROL_FILE_SIZE);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, c.systemIdentifier, true);
  dv.setUint32(8, PG_CONTROL_VERSION, true);
  dv.setUint32(12, c.catalogVersion, true);
  dv.setUint32(16, c.state, true);
  dv.setUint32(20, 0, true);
  dv.setBigInt64(24, c.time, true);
  dv.setBigUint64(32, c.checkPoint, true);
  dv.setBigUint64(40, c.checkPointCopy.redo, true);
  dv.setBigUint64(48, c.checkPointCopy.nextXid, true);
  dv.setUint32(56, c.checkPointCopy.nextOid, true);
  dv.setUint32(60, c.checkPointCopy.timeline, true);
  dv.setBigUint64(64, c.minRecoveryPoint, true);
  dv.setUint32(72, c.walSegmentSize, true);
  dv.setUint32(76, c.walPageSize, true);
  dv.setUint32(80, c.blockSize, true);
  dv.setUint32(84, c.dataChecksumVersion, true);
  dv.setBigUint64(88, 0n, true);
  dv.setUint32(SIZE_OF_CONTROL_DATA, walCrc(out.subarray(0, SIZE_OF_CONTROL_DATA)), true);
  return out;
}

/** Decodes and validates pg_control (size, CRC, version, state). */
export function decodeControlFile(bytes: Uint8Array): ControlFile {
  if (bytes.length !== PG_CONTROL_FILE_SIZE) {
    throw bad(`file is ${bytes.length} bytes, expected ${PG_CONTROL_FILE_SIZE}`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = dv.getUint32(SIZE_OF_CONTROL_DATA, true);
  if (walCrc(bytes.subarray(0, SIZE_OF_CONTROL_DATA)) !== stored) {
    throw bad('incorrect checksum in control file');
  }
  const version = dv.getUint32(8, true);
  if (version !== PG_CONTROL_VERSION) {
    throw bad(`pg_control version ${version}, expected ${PG_CONTROL_VERSION}`);
  }
  const state = dv.getUint32(16, true);
  if (state > DbState.inProduction) throw bad(`invalid state ${state}`);
  return {
    systemIdentifier: dv.getBigUint64(0, true),
    catalogVersion: dv.getUint32(12, true),
    state: state as DbState,
    time: dv.getBigInt64(24, true),
    checkPoint: dv.getBigUint64(32, true),
    checkPointCopy: {
      redo: dv.getBigUint64(40, true),
      nextXid: dv.getBigUint64(48, true),
      nextOid: dv.getUint32(56, true),
      timeline: dv.getUint32(60, true),
    },
    minRecoveryPoint: dv.getBigUint64(64, true),
    walSegmentSize: dv.getUint32(72, true),
    walPageSize: dv.getUint32(76, true),
    blockSize: dv.getUint32(80, true),
    dataChecksumVersion: dv.getUint32(84, true),
  };
}

function fsyncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes pg_control atomically: to `path.tmp`, fsync, rename over `path`,
 * fsync the directory. A crash leaves either the old or the new file whole.
 */
export function writeControlFile(path: string, c: ControlFile): void {
  const tmp = `${path}.tmp`;
  const bytes = encodeControlFile(c);
  const fd = openSync(tmp, 'w');
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncPath(dirname(path), 'r');
}

/** Reads and validates pg_control. */
export function readControlFile(path: string): ControlFile {
  return decodeControlFile(new Uint8Array(readFileSync(path)));
}
