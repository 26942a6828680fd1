import { WalError } from './errors.js';
import { formatLsn, type Lsn } from './lsn.js';
import type { WalRecord, WalRecordInput } from './record.js';
import {
  RM_XLOG_ID,
  XLOG_CHECKPOINT_ONLINE,
  XLOG_CHECKPOINT_SHUTDOWN,
  XLOG_SWITCH,
} from './rmgr-ids.js';

/**
 * A resource manager: the owner of a family of record types (design
 * decision 5). `C` is what redo is given besides the record: the package
 * that runs recovery (@pg/storage) passes its buffer access there.
 */
export interface ResourceManager<C = unknown> {
  /** 0..255; ids follow PostgreSQL's rmgrlist.h where a package mirrors a PostgreSQL rmgr. */
  readonly id: number;
  readonly name: string;
  /** Replays a record during recovery; `lsn` is the record's start. */
  redo(record: WalRecord, lsn: Lsn, context: C): void;
  /** One line describing a record, for waldump. */
  describe(record: WalRecord): string;
}

/** Resource managers by id. Packages register theirs; ids and names are unique. */
export class RmgrRegistry<C = unknown> {
  private readonly byId = new Map<number, ResourceManager<C>>();

  register(rmgr: ResourceManager<C>): void {
    if (!Number.isInteger(rmgr.id) || rmgr.id < 0 || rmgr.id > 255) {
      throw new WalError({ kind: 'rmgr-conflict', rmid: rmgr.id, detail: 'id is not in 0..255' });
    }
    const existing = this.byId.get(rmgr.id);
    if (existing) {
      throw new WalError({
        kind: 'rmgr-conflict',
        rmid: rmgr.id,
        detail: `already registered as ${existing.name}`,
      });
    }
    for (const r of this.byId.values()) {
      if (r.name === rmgr.name) {
        throw new WalError({
          kind: 'rmgr-conflict',
          rmid: rmgr.id,
          detail: `name ${rmgr.name} is taken`,
        });
      }
    }
    this.byId.set(rmgr.id, rmgr);
  }

  get(id: number): ResourceManager<C> | undefined {
    return this.byId.get(id);
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** Registered resource managers in id order. */
  list(): ResourceManager<C>[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  /** A predicate for strict decoding. */
  readonly isKnown = (id: number): boolean => this.byId.has(id);

  /** `rmgr: name len: N, tx: X, prev: P, desc: ...`, after pg_waldump. */
  describe(record: WalRecord, lsn: Lsn): string {
    const r = this.byId.get(record.rmid);
    const desc = r ? r.describe(record) : `UNKNOWN info 0x${record.info.toString(16)}`;
    return `rmgr: ${r?.name ?? record.rmid} len (rec/tot): ${record.data.length}/${record.totalLength}, tx: ${record.xid}, lsn: ${formatLsn(lsn)}, prev ${formatLsn(record.prev)}, desc: ${desc}`;
  }
}

/** A checkpoint record's payload (a subset of PostgreSQL's CheckPoint). */
export interface CheckPoint {
  /** Where replay must start. */
  readonly redo: Lsn;
  /** Next full transaction id (epoch in the high 32 bits). */
  readonly nextXid: bigint;
  readonly nextOid: number;
  readonly timeline: number;
}

/** Size of an encoded checkpoint payload. */
export const SIZE_OF_CHECKPOINT = 24;

/** The main data of a checkpoint record: redo u64, nextXid u64, nextOid u32, timeline u32. */
export function encodeCheckPoint(c: CheckPoint): Uint8Array {
  const out = new Uint8Array(SIZE_OF_CHECKPOINT);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, c.redo, true);
  dv.setBigUint64(8, c.nextXid, true);
  dv.setUint32(16, c.nextOid, true);
  dv.setUint32(20, c.timeline, true);
  return out;
}

/** Decodes a checkpoint record's main data. */
export function decodeCheckPoint(data: Uint8Array): CheckPoint {
  if (data.length !== SIZE_OF_CHECKPOINT) {
    throw new WalError({
      kind: 'invalid-record-layout',
      lsn: 0n,
      detail: `checkpoint data of ${data.length} bytes`,
    });
  }
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    redo: dv.getBigUint64(0, true),
    nextXid: dv.getBigUint64(8, true),
    nextOid: dv.getUint32(16, true),
    timeline: dv.getUint32(20, true),
  };
}

/** A checkpoint record ready to insert. */
export function checkpointRecord(c: CheckPoint, shutdown: boolean): WalRecordInput {
  return {
    rmid: RM_XLOG_ID,
    info: shutdown ? XLOG_CHECKPOINT_SHUTDOWN : XLOG_CHECKPOINT_ONLINE,
    data: encodeCheckPoint(c),
  };
}

/**
 * The XLOG resource manager (id 0). Its redo does nothing here: what a
 * checkpoint means to recovery belongs to the engine, which reads the
 * record itself.
 */
export const xlogRmgr: ResourceManager = {
  id: RM_XLOG_ID,
  name: 'XLOG',
  redo() {},
  describe(record) {
    switch (record.info) {
      case XLOG_CHECKPOINT_SHUTDOWN:
      case XLOG_CHECKPOINT_ONLINE: {
        const c = decodeCheckPoint(record.data);
        const kind =
          record.info === XLOG_CHECKPOINT_SHUTDOWN ? 'CHECKPOINT_SHUTDOWN' : 'CHECKPOINT_ONLINE';
        return `${kind} redo ${formatLsn(c.redo)}; tli ${c.timeline}; xid ${c.nextXid >> 32n}:${c.nextXid & 0xffffffffn}; oid ${c.nextOid}`;
      }
      case XLOG_SWITCH:
        return 'SWITCH';
      default:
        return `UNKNOWN (0x${record.info.toString(16)})`;
    }
  },
};

/** A registry holding only the XLOG resource manager. */
export function createRmgrRegistry<C = unknown>(): RmgrRegistry<C> {
  const r = new RmgrRegistry<C>();
  r.register(xlogRmgr);
  return r;
}
