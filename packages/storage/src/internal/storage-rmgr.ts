import { type ResourceManager, WalError, type WalRecord } from '@pg/wal';
import type { BufferPool } from './buffer-pool.js';
import { FreeSpaceMap } from './fsm.js';
import type { RedoContext } from './redo.js';
import { ForkNumber, isForkNumber, type RelFileLocator, relpath } from './relfile.js';
import { INVALID_BLOCK_NUMBER } from './smgr-memory.js';
import { VisibilityMap } from './vm.js';
import type { XLogInserter } from './xlog-insert.js';

/** PostgreSQL's RM_SMGR_ID. */
export const RM_SMGR_ID = 2;
/** A fork was created (XLOG_SMGR_CREATE). */
export const XLOG_SMGR_CREATE = 0x10;
/** A relation was truncated (XLOG_SMGR_TRUNCATE). */
export const XLOG_SMGR_TRUNCATE = 0x20;
/** Full-page images and nothing else (PostgreSQL's XLOG_FPI, which lives in the XLOG rmgr there). */
export const XLOG_SMGR_FPI = 0x30;

/** Truncate flags: which forks (SMGR_TRUNCATE_HEAP, _FSM, _VM). */
export const SMGR_TRUNCATE_HEAP = 0x1;
export const SMGR_TRUNCATE_FSM = 0x2;
export const SMGR_TRUNCATE_VM = 0x4;
export const SMGR_TRUNCATE_ALL = 0x7;

function encodeRel(rel: RelFileLocator, extra: number, extra2: number): Uint8Array {
  const out = new Uint8Array(20);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, rel.spcOid, true);
  dv.setUint32(4, rel.dbOid, true);
  dv.setUint32(8, rel.relNumber, true);
  dv.setUint32(12, extra, true);
  dv.setUint32(16, extra2, true);
  return out;
}

function decodeRel(record: WalRecord): { rel: RelFileLocator; a: number; b: number } {
  if (record.data.length !== 20) {
    throw new WalError({
      kind: 'invalid-record-layout',
      lsn: 0n,
      detail: `storage record with ${record.data.length} bytes of main data`,
    });
  }
  const dv = new DataView(record.data.buffer, record.data.byteOffset, 20);
  return {
    rel: {
      spcOid: dv.getUint32(0, true),
      dbOid: dv.getUint32(4, true),
      relNumber: dv.getUint32(8, true),
    },
    a: dv.getUint32(12, true),
    b: dv.getUint32(16, true),
  };
}

/**
 * Creates a fork and logs it (RelationCreateStorage / log_smgrcreate), so
 * that recovery recreates it before replaying changes to its pages.
 */
export function createFork(inserter: XLogInserter, rel: RelFileLocator, fork: ForkNumber): void {
  inserter.pool.smgr.create(rel, fork);
  inserter.wal.insert({ rmid: RM_SMGR_ID, info: XLOG_SMGR_CREATE, data: encodeRel(rel, fork, 0) });
}

/**
 * Truncates a relation's forks to `nblocks` (RelationTruncate): logs it,
 * flushes the WAL (the truncation must not reach disk before its record),
 * drops the buffers past the new end without writing them, then cuts the
 * files. Forks that do not exist are skipped.
 */
export function truncateRelation(
  inserter: XLogInserter,
  rel: RelFileLocator,
  nblocks: number,
  forks = SMGR_TRUNCATE_ALL,
): void {
  inserter.wal.insert({
    rmid: RM_SMGR_ID,
    info: XLOG_SMGR_TRUNCATE,
    data: encodeRel(rel, nblocks, forks),
  });
  inserter.wal.flushSync();
  applyTruncate(inserter.pool, rel, nblocks, forks);
}

/**
 * Cuts the forks (smgr_redo's and RelationTruncate's shared part): the main
 * fork to `nblocks` blocks; the free space map and the visibility map to
 * what they need for `nblocks` heap blocks, after clearing the entries of
 * the removed heap blocks in the last page they keep
 * (FreeSpaceMapPrepareTruncateRel, visibilitymap_prepare_truncate); then the
 * FSM's upper levels forget the removed space.
 */
function applyTruncate(
  pool: BufferPool,
  rel: RelFileLocator,
  nblocks: number,
  forks: number,
): void {
  const cut = (fork: ForkNumber, keep: number) => {
    pool.dropRelation(rel, fork, keep);
    if (pool.smgr.exists(rel, fork) && pool.smgr.nblocks(rel, fork) > keep) {
      pool.smgr.truncate(rel, fork, keep);
    }
  };
  if (forks & SMGR_TRUNCATE_HEAP) cut(ForkNumber.main, nblocks);
  if (forks & SMGR_TRUNCATE_FSM) {
    const fsm = new FreeSpaceMap(pool);
    const keep = fsm.prepareTruncate(rel, nblocks);
    if (keep !== INVALID_BLOCK_NUMBER) cut(ForkNumber.fsm, keep);
    if (pool.smgr.exists(rel, ForkNumber.fsm)) fsm.vacuumRange(rel, nblocks);
  }
  if (forks & SMGR_TRUNCATE_VM) {
    const keep = new VisibilityMap(pool).prepareTruncate(rel, nblocks);
    if (keep !== INVALID_BLOCK_NUMBER) cut(ForkNumber.vm, keep);
  }
}

/** Logs full-page images of pinned, exclusively locked buffers (log_newpage_buffer). */
export function logNewPages(inserter: XLogInserter, buffers: readonly number[]): void {
  inserter.insert({
    rmid: RM_SMGR_ID,
    info: XLOG_SMGR_FPI,
    buffers: buffers.map((buffer) => ({ buffer, forceImage: true })),
  });
}

/** The storage resource manager: fork creation, truncation and image-only records. */
export const storageRmgr: ResourceManager<RedoContext> = {
  id: RM_SMGR_ID,
  name: 'Storage',
  redo(record, _lsn, ctx) {
    switch (record.info) {
      case XLOG_SMGR_CREATE: {
        const { rel, a: fork } = decodeRel(record);
        if (!isForkNumber(fork)) throw new Error(`invalid fork number ${fork}`);
        ctx.pool.smgr.create(rel, fork, true);
        return;
      }
      case XLOG_SMGR_TRUNCATE: {
        const { rel, a: nblocks, b: forks } = decodeRel(record);
        applyTruncate(ctx.pool, rel, nblocks, forks);
        if (forks & SMGR_TRUNCATE_HEAP) ctx.forgetMissing(rel, ForkNumber.main, nblocks);
        if (forks & SMGR_TRUNCATE_FSM) ctx.forgetMissing(rel, ForkNumber.fsm, nblocks);
        if (forks & SMGR_TRUNCATE_VM) ctx.forgetMissing(rel, ForkNumber.vm, nblocks);
        return;
      }
      case XLOG_SMGR_FPI:
        for (let i = 0; i < record.blocks.length; i++) ctx.finish(ctx.readBlock(i));
        return;
      default:
        throw new Error(`storage redo: unknown info 0x${record.info.toString(16)}`);
    }
  },
  describe(record) {
    switch (record.info) {
      case XLOG_SMGR_CREATE: {
        const { rel, a: fork } = decodeRel(record);
        return `CREATE ${relpath(rel, isForkNumber(fork) ? fork : ForkNumber.main)}`;
      }
      case XLOG_SMGR_TRUNCATE: {
        const { rel, a: nblocks, b: forks } = decodeRel(record);
        return `TRUNCATE ${relpath(rel)} to ${nblocks} blocks flags ${forks}`;
      }
      case XLOG_SMGR_FPI:
        return `FPI ${record.blocks.length} blocks`;
      default:
        return `UNKNOWN (0x${record.info.toString(16)})`;
    }
  },
};
