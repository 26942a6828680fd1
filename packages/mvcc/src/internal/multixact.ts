/**
 * Multixacts: a MultiXactId names a set of (transaction, lock status)
 * members, stored in a tuple's t_xmax (with HEAP_XMAX_IS_MULTI) when
 * several transactions hold a row at once — two FOR SHARE lockers, a FOR
 * KEY SHARE locker next to a NO KEY UPDATE. PostgreSQL 15's
 * access/transam/multixact.c: two SLRUs under pg_multixact/.
 *
 * pg_multixact/offsets (8 KiB pages, 32 pages per segment file %04X):
 *
 *   page   = multi / 2048                    (MULTIXACT_OFFSETS_PER_PAGE)
 *   offset = (multi % 2048) * 4              a uint32 (little-endian): the
 *                                            member offset of the multi's
 *                                            first member; 0 = never created
 *
 * pg_multixact/members (8 KiB pages of 409 groups of 20 bytes; 1636
 * members per page; the last 12 bytes of a page unused):
 *
 *   group offset  size  field
 *   0             4     flags: one byte per member of the group, the low
 *                       bits its MultiXactStatus (member i of the group in
 *                       byte i)
 *   4             16    xids: four uint32 transaction ids
 *
 *   member offset o:  page  = o / 1636
 *                     group = (o / 4) % 409, at byte group * 20 of the page
 *                     slot  = o % 4: flag byte group*20 + slot,
 *                            xid at group*20 + 4 + slot*4
 *
 * A multi's members are the slots offset(m) .. offset(m+1)-1 (for the
 * newest multi, up to nextOffset). As in PostgreSQL, member offset 0 is
 * never used: the first multi starts at offset 1.
 *
 * MultiXactStatus (the value in a flag byte):
 *
 *   0 ForKeyShare  1 ForShare  2 ForNoKeyUpdate  3 ForUpdate
 *   4 NoKeyUpdate  5 Update          (4 and 5: the member updated the row)
 *
 * WAL: XLOG_MULTIXACT_CREATE_ID (rmgr {@link RM_MULTIXACT_ID} = 6, info
 * 0x20) is written before the SLRU entries, with main data (our format,
 * PostgreSQL's xl_multixact_create, little-endian):
 *
 *   offset  size          field
 *   0       4             mid       the new MultiXactId
 *   4       4             moff      its first member offset
 *   8       4             nmembers
 *   12      8*nmembers    members   (xid uint32, status uint32) each
 *
 * Redo writes the same entries and moves nextMulti / nextOffset past them.
 * PostgreSQL's ZERO_OFF_PAGE / ZERO_MEM_PAGE records are not written: a
 * page is zeroed in the cache when its first entry is made, and in
 * recovery a missing page reads as zeros.
 *
 * Counters across checkpoints: PostgreSQL keeps nextMulti and
 * nextMultiOffset in the checkpoint record. @pg/wal's CheckPoint has no
 * fields for them, so {@link MultiXacts.checkpoint} writes and syncs every
 * dirty SLRU page (CheckPointMultiXact), and at startup, after redo,
 * {@link MultiXacts.recoverCounters} finds the newest multi in
 * pg_multixact/offsets (the last non-zero entry) and its members (the
 * non-zero xids after its offset): every multi created before the
 * checkpoint is in the synced files, every later one was replayed.
 *
 * Invariants:
 *   M1. A multi's members never change once created (a new set is a new
 *       multi); getMembers returns them in creation order.
 *   M2. The CREATE_ID record is inserted before the SLRU entries are made,
 *       and before any heap record that stores the multi in a tuple.
 *   M3. nextMulti > every created multi; nextOffset > every used member slot.
 *   M4. At most one member of a multi is an updater (status 4 or 5).
 *
 * Not done: truncation of old segments (vacuum's oldestMulti), multixact
 * wraparound limits, and MultiXactId / member-offset wraparound (ids are
 * taken as growing from 1 without wrapping).
 */
import type { WalRecord, WalRecordInput } from '@pg/wal';
import type { SlruStore } from './clog-store.js';
import type { TransactionId } from './xid.js';
import { ERRCODE_DATA_CORRUPTED, ERRCODE_INTERNAL_ERROR, MvccError } from './xid-errors.js';

/** A MultiXactId (32-bit). */
export type MultiXactId = number;
/** A member offset in pg_multixact/members (32-bit). */
export type MultiXactOffset = number;

export const INVALID_MULTIXACT_ID = 0;
export const FIRST_MULTIXACT_ID = 1;

/** PostgreSQL's RM_MULTIXACT_ID. */
export const RM_MULTIXACT_ID = 6;
export const XLOG_MULTIXACT_ZERO_OFF_PAGE = 0x00;
export const XLOG_MULTIXACT_ZERO_MEM_PAGE = 0x10;
export const XLOG_MULTIXACT_CREATE_ID = 0x20;

/** MultiXactStatus values (multixact.h). */
export const MultiXactStatus = {
  ForKeyShare: 0,
  ForShare: 1,
  ForNoKeyUpdate: 2,
  ForUpdate: 3,
  NoKeyUpdate: 4,
  Update: 5,
} as const;
export type MultiXactStatus = (typeof MultiXactStatus)[keyof typeof MultiXactStatus];

/** A member: a transaction and how it holds the row. */
export interface MultiXactMember {
  readonly xid: TransactionId;
  readonly status: MultiXactStatus;
}

/** ISUPDATE_from_mxstatus: the member updated or deleted the row. */
export function isUpdateStatus(status: MultiXactStatus): boolean {
  return status > MultiXactStatus.ForUpdate;
}

/** The PostgreSQL names pg_get_multixact_members prints: keysh, sh, fornokeyupd, forupd, nokeyupd, upd. */
export function multiXactStatusName(status: MultiXactStatus): string {
  return ['keysh', 'sh', 'fornokeyupd', 'forupd', 'nokeyupd', 'upd'][status] as string;
}

export const MULTIXACT_BLCKSZ = 8192;
export const MULTIXACT_OFFSETS_PER_PAGE = MULTIXACT_BLCKSZ / 4;
export const MULTIXACT_MEMBERS_PER_MEMBERGROUP = 4;
export const MULTIXACT_FLAGBYTES_PER_GROUP = 4;
export const MULTIXACT_MEMBERGROUP_SIZE =
  MULTIXACT_FLAGBYTES_PER_GROUP + MULTIXACT_MEMBERS_PER_MEMBERGROUP * 4;
export const MULTIXACT_MEMBERGROUPS_PER_PAGE = Math.floor(
  MULTIXACT_BLCKSZ / MULTIXACT_MEMBERGROUP_SIZE,
);
export const MULTIXACT_MEMBERS_PER_PAGE =
  MULTIXACT_MEMBERGROUPS_PER_PAGE * MULTIXACT_MEMBERS_PER_MEMBERGROUP;
const SLRU_PAGES_PER_SEGMENT = 32;

/** MultiXactIdToOffsetPage / MultiXactIdToOffsetEntry (byte position in the page). */
export function multiXactOffsetPosition(multi: MultiXactId): { page: number; byte: number } {
  return {
    page: Math.floor(multi / MULTIXACT_OFFSETS_PER_PAGE),
    byte: (multi % MULTIXACT_OFFSETS_PER_PAGE) * 4,
  };
}

/** MXOffsetToMemberPage, MXOffsetToFlagsOffset, MXOffsetToMemberOffset: where member slot `o` lives. */
export function multiXactMemberPosition(o: MultiXactOffset): {
  page: number;
  flagByte: number;
  xidByte: number;
} {
  const group = Math.floor(o / MULTIXACT_MEMBERS_PER_MEMBERGROUP) % MULTIXACT_MEMBERGROUPS_PER_PAGE;
  const slot = o % MULTIXACT_MEMBERS_PER_MEMBERGROUP;
  const base = group * MULTIXACT_MEMBERGROUP_SIZE;
  return {
    page: Math.floor(o / MULTIXACT_MEMBERS_PER_PAGE),
    flagByte: base + slot,
    xidByte: base + MULTIXACT_FLAGBYTES_PER_GROUP + slot * 4,
  };
}

/** SlruFileName for pg_multixact: '0000', '0001', ... */
export function multiXactSegmentName(pageno: number): string {
  return Math.floor(pageno / SLRU_PAGES_PER_SEGMENT)
    .toString(16)
    .toUpperCase()
    .padStart(4, '0');
}

/** A small SLRU page cache over a store (slru.c, as clog.ts keeps its pages). */
class SlruPages {
  readonly #store: SlruStore;
  readonly #buffers: number;
  readonly #dir: string;
  readonly #pages = new Map<number, { bytes: Uint8Array; dirty: boolean }>();
  readonly #unsynced = new Set<string>();
  inRecovery = false;

  constructor(store: SlruStore, buffers: number, dir: string) {
    this.#store = store;
    this.#buffers = Math.max(2, buffers);
    this.#dir = dir;
  }

  /** the page; `create`: zeroed when it is not in the store (a fresh page) */
  page(pageno: number, what: string, create = false): Uint8Array {
    const hit = this.#pages.get(pageno);
    if (hit !== undefined) {
      this.#pages.delete(pageno);
      this.#pages.set(pageno, hit);
      return hit.bytes;
    }
    const name = multiXactSegmentName(pageno);
    const offset = (pageno % SLRU_PAGES_PER_SEGMENT) * MULTIXACT_BLCKSZ;
    const read = this.#store.read(name, offset, MULTIXACT_BLCKSZ);
    const bytes = new Uint8Array(MULTIXACT_BLCKSZ);
    if (read === undefined || read.length < MULTIXACT_BLCKSZ) {
      if (!create && !this.inRecovery) {
        throw new MvccError(ERRCODE_INTERNAL_ERROR, `could not access status of ${what}`, {
          detail: `Could not read from file "${this.#dir}/${name}" at offset ${offset}: ${read === undefined ? 'No such file or directory' : 'read too few bytes'}.`,
        });
      }
      if (read !== undefined) bytes.set(read);
    } else {
      bytes.set(read);
    }
    this.#install(pageno, bytes);
    return bytes;
  }

  /** is the page in the cache or the store? */
  exists(pageno: number): boolean {
    if (this.#pages.has(pageno)) return true;
    const name = multiXactSegmentName(pageno);
    const offset = (pageno % SLRU_PAGES_PER_SEGMENT) * MULTIXACT_BLCKSZ;
    const read = this.#store.read(name, offset, MULTIXACT_BLCKSZ);
    return read !== undefined && read.length > 0;
  }

  markDirty(pageno: number): void {
    const p = this.#pages.get(pageno);
    if (p !== undefined) p.dirty = true;
  }

  /** the highest page number in the store or the cache, -1 when none */
  lastPage(): number {
    let last = -1;
    for (const p of this.#pages.keys()) last = Math.max(last, p);
    for (const name of this.#store.list()) {
      const seg = Number.parseInt(name, 16);
      for (let i = SLRU_PAGES_PER_SEGMENT - 1; i >= 0; i--) {
        const r = this.#store.read(name, i * MULTIXACT_BLCKSZ, MULTIXACT_BLCKSZ);
        if (r !== undefined && r.length > 0) {
          last = Math.max(last, seg * SLRU_PAGES_PER_SEGMENT + i);
          break;
        }
      }
    }
    return last;
  }

  checkpoint(): void {
    for (const [pageno, p] of this.#pages) if (p.dirty) this.#write(pageno, p);
    for (const name of this.#unsynced) this.#store.sync(name);
    this.#unsynced.clear();
  }

  #install(pageno: number, bytes: Uint8Array): void {
    while (this.#pages.size >= this.#buffers) {
      const [victim, vp] = this.#pages.entries().next().value as [
        number,
        { bytes: Uint8Array; dirty: boolean },
      ];
      if (vp.dirty) this.#write(victim, vp);
      this.#pages.delete(victim);
    }
    this.#pages.set(pageno, { bytes, dirty: false });
  }

  #write(pageno: number, p: { bytes: Uint8Array; dirty: boolean }): void {
    const name = multiXactSegmentName(pageno);
    this.#store.write(name, (pageno % SLRU_PAGES_PER_SEGMENT) * MULTIXACT_BLCKSZ, p.bytes);
    p.dirty = false;
    this.#unsynced.add(name);
  }
}

/** Where CREATE_ID records go (a WAL writer or @pg/storage's XLogInserter's WAL). */
export interface MultiXactWal {
  insert(record: WalRecordInput): unknown;
}

export interface MultiXactsOptions {
  /** pg_multixact/offsets */
  readonly offsetsStore: SlruStore;
  /** pg_multixact/members */
  readonly membersStore: SlruStore;
  /** page buffers per SLRU (default 8) */
  readonly buffers?: number;
  /** without it nothing is logged */
  readonly wal?: MultiXactWal;
  /** counters to start from (default: 1 and 0, a new cluster) */
  readonly nextMulti?: MultiXactId;
  readonly nextOffset?: MultiXactOffset;
}

/** The main data of a CREATE_ID record. */
export function encodeMultiXactCreate(
  multi: MultiXactId,
  offset: MultiXactOffset,
  members: readonly MultiXactMember[],
): Uint8Array {
  const data = new Uint8Array(12 + 8 * members.length);
  const v = new DataView(data.buffer);
  v.setUint32(0, multi, true);
  v.setUint32(4, offset, true);
  v.setUint32(8, members.length, true);
  members.forEach((m, i) => {
    v.setUint32(12 + 8 * i, m.xid, true);
    v.setUint32(16 + 8 * i, m.status, true);
  });
  return data;
}

/** Decodes a CREATE_ID record's main data; a malformed one is XX001. */
export function decodeMultiXactCreate(data: Uint8Array): {
  multi: MultiXactId;
  offset: MultiXactOffset;
  members: MultiXactMember[];
} {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 12) throw new MvccError(ERRCODE_DATA_CORRUPTED, 'short multixact record');
  const n = v.getUint32(8, true);
  if (data.length !== 12 + 8 * n) {
    throw new MvccError(
      ERRCODE_DATA_CORRUPTED,
      `multixact record of ${data.length} bytes for ${n} members`,
    );
  }
  const members: MultiXactMember[] = [];
  for (let i = 0; i < n; i++) {
    const status = v.getUint32(16 + 8 * i, true);
    if (status > MultiXactStatus.Update) {
      throw new MvccError(ERRCODE_DATA_CORRUPTED, `invalid multixact member status ${status}`);
    }
    members.push({ xid: v.getUint32(12 + 8 * i, true), status: status as MultiXactStatus });
  }
  return { multi: v.getUint32(0, true), offset: v.getUint32(4, true), members };
}

/** What the visibility rules need: the members of a multi. */
export interface MultiXactReader {
  /** GetMultiXactIdMembers (all members, in creation order) */
  getMembers(multi: MultiXactId): readonly MultiXactMember[];
}

/**
 * The multixact manager of one cluster: creation (WAL-logged), lookup,
 * checkpoint, redo. Synchronous.
 */
export class MultiXacts implements MultiXactReader {
  readonly #offsets: SlruPages;
  readonly #members: SlruPages;
  readonly #wal: MultiXactWal | undefined;
  #nextMulti: MultiXactId;
  #nextOffset: MultiXactOffset;

  constructor(options: MultiXactsOptions) {
    const buffers = options.buffers ?? 8;
    this.#offsets = new SlruPages(options.offsetsStore, buffers, 'pg_multixact/offsets');
    this.#members = new SlruPages(options.membersStore, buffers, 'pg_multixact/members');
    this.#wal = options.wal;
    this.#nextMulti = options.nextMulti ?? FIRST_MULTIXACT_ID;
    this.#nextOffset = options.nextOffset ?? 0;
  }

  /** The next MultiXactId to be assigned. */
  get nextMulti(): MultiXactId {
    return this.#nextMulti;
  }
  /** The next member offset to be used. */
  get nextOffset(): MultiXactOffset {
    return this.#nextOffset;
  }

  /** In recovery, missing pages read as zeros. */
  setInRecovery(inRecovery: boolean): void {
    this.#offsets.inRecovery = inRecovery;
    this.#members.inRecovery = inRecovery;
  }

  /**
   * MultiXactIdCreateFromMembers: a new multi of these members (at least
   * two, at most one updater, no xid twice with the same status),
   * WAL-logged (M2), then recorded.
   */
  create(members: readonly MultiXactMember[]): MultiXactId {
    if (members.length < 1)
      throw new MvccError(ERRCODE_INTERNAL_ERROR, 'a multixact needs members');
    if (members.filter((m) => isUpdateStatus(m.status)).length > 1) {
      throw new MvccError(ERRCODE_INTERNAL_ERROR, 'a multixact has at most one updater'); // M4
    }
    // GetNewMultiXactId: member offset 0 is never used
    let offset = this.#nextOffset;
    if (offset === 0) offset = 1;
    const multi = this.#nextMulti;
    this.#wal?.insert({
      rmid: RM_MULTIXACT_ID,
      info: XLOG_MULTIXACT_CREATE_ID,
      data: encodeMultiXactCreate(multi, offset, members),
    });
    this.#record(multi, offset, members);
    return multi;
  }

  /** GetMultiXactIdMembers (M1). An id never assigned is an error, as in PostgreSQL. */
  getMembers(multi: MultiXactId): readonly MultiXactMember[] {
    if (multi < FIRST_MULTIXACT_ID || multi >= this.#nextMulti) {
      throw new MvccError(
        ERRCODE_INTERNAL_ERROR,
        `MultiXactId ${multi} has not been created yet -- apparent wraparound`,
      );
    }
    const start = this.#offsetOf(multi);
    if (start === 0) {
      throw new MvccError(ERRCODE_DATA_CORRUPTED, `MultiXactId ${multi} has no offset entry`);
    }
    const end = multi + 1 === this.#nextMulti ? this.#nextOffset : this.#offsetOf(multi + 1);
    const out: MultiXactMember[] = [];
    for (let o = start; o < end; o++) {
      const m = this.#memberAt(o, multi);
      if (m.xid === 0) continue; // a slot left empty (never in our files; tolerated as PostgreSQL does)
      out.push(m);
    }
    return out;
  }

  /** CheckPointMultiXact: write and sync every dirty page of both SLRUs. */
  checkpoint(): void {
    this.#offsets.checkpoint();
    this.#members.checkpoint();
  }

  /** multixact_redo of CREATE_ID: the entries, and the counters past them. */
  redo(record: WalRecord): void {
    if (record.info === XLOG_MULTIXACT_CREATE_ID) {
      const r = decodeMultiXactCreate(record.data);
      this.#record(r.multi, r.offset, r.members);
    } else if (
      record.info !== XLOG_MULTIXACT_ZERO_OFF_PAGE &&
      record.info !== XLOG_MULTIXACT_ZERO_MEM_PAGE
    ) {
      throw new MvccError(ERRCODE_DATA_CORRUPTED, `multixact_redo: unknown op code ${record.info}`);
    }
  }

  /**
   * After redo: moves the counters past the newest multi found in the
   * SLRUs (see the file comment: @pg/wal's checkpoint does not carry them).
   */
  recoverCounters(): void {
    const last = this.#offsets.lastPage();
    if (last < 0) return;
    const page = this.#offsets.page(last, 'the offsets');
    const v = new DataView(page.buffer, page.byteOffset, page.byteLength);
    let multi = -1;
    for (let i = MULTIXACT_OFFSETS_PER_PAGE - 1; i >= 0; i--) {
      if (v.getUint32(i * 4, true) !== 0) {
        multi = last * MULTIXACT_OFFSETS_PER_PAGE + i;
        break;
      }
    }
    if (multi < FIRST_MULTIXACT_ID || multi < this.#nextMulti) return;
    let o = v.getUint32((multi % MULTIXACT_OFFSETS_PER_PAGE) * 4, true);
    while (
      this.#members.exists(multiXactMemberPosition(o).page) &&
      this.#memberAt(o, multi).xid !== 0
    )
      o++;
    this.#nextMulti = multi + 1;
    this.#nextOffset = Math.max(this.#nextOffset, o);
  }

  /** RecordNewMultiXact, and the counters past it (M3). */
  #record(multi: MultiXactId, offset: MultiXactOffset, members: readonly MultiXactMember[]): void {
    const pos = multiXactOffsetPosition(multi);
    const op = this.#offsets.page(pos.page, `multixact ${multi}`, true);
    new DataView(op.buffer, op.byteOffset).setUint32(pos.byte, offset, true);
    this.#offsets.markDirty(pos.page);
    members.forEach((m, i) => {
      const mp = multiXactMemberPosition(offset + i);
      const page = this.#members.page(mp.page, `multixact ${multi}`, true);
      page[mp.flagByte] = m.status;
      new DataView(page.buffer, page.byteOffset).setUint32(mp.xidByte, m.xid, true);
      this.#members.markDirty(mp.page);
    });
    if (multi >= this.#nextMulti) this.#nextMulti = multi + 1;
    if (offset + members.length > this.#nextOffset) this.#nextOffset = offset + members.length;
  }

  #offsetOf(multi: MultiXactId): MultiXactOffset {
    const pos = multiXactOffsetPosition(multi);
    const page = this.#offsets.page(pos.page, `multixact ${multi}`);
    return new DataView(page.buffer, page.byteOffset).getUint32(pos.byte, true);
  }

  #memberAt(o: MultiXactOffset, multi: MultiXactId): MultiXactMember {
    const mp = multiXactMemberPosition(o);
    const page = this.#members.page(mp.page, `multixact ${multi}`);
    const status = page[mp.flagByte] as number;
    if (status > MultiXactStatus.Update) {
      throw new MvccError(
        ERRCODE_DATA_CORRUPTED,
        `invalid status ${status} of a member of multixact ${multi}`,
      );
    }
    return {
      xid: new DataView(page.buffer, page.byteOffset).getUint32(mp.xidByte, true),
      status: status as MultiXactStatus,
    };
  }
}

/** The multixact resource manager, for @pg/storage's registry. */
export function multixactRmgr(mx: MultiXacts): {
  readonly id: number;
  readonly name: string;
  redo(record: WalRecord): void;
  describe(record: WalRecord): string;
} {
  return {
    id: RM_MULTIXACT_ID,
    name: 'MultiXact',
    redo(record) {
      mx.redo(record);
    },
    describe(record) {
      if (record.info !== XLOG_MULTIXACT_CREATE_ID) return `ZERO PAGE`;
      const r = decodeMultiXactCreate(record.data);
      return `CREATE_ID ${r.multi} offset ${r.offset} nmembers ${r.members.length}: ${r.members
        .map((m) => `${m.xid} (${multiXactStatusName(m.status)})`)
        .join(' ')}`;
    },
  };
}

// --------------------------------------------------- who a cluster's multixacts are

const byLog = new WeakMap<object, MultiXacts>();

/**
 * Ties a cluster's multixacts to its transaction log (the Transam), so the
 * visibility rules and the heap find them from a VisibilityContext's `log`
 * when the context does not carry `multixacts` itself.
 */
export function attachMultiXacts(log: object, mx: MultiXacts): void {
  byLog.set(log, mx);
}

/** The multixacts attached to a transaction log, if any. */
export function multiXactsOf(log: object): MultiXacts | undefined {
  return byLog.get(log);
}
