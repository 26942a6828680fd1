/**
 * The heavyweight lock modes, their conflict table and the lock tags, as in
 * PostgreSQL 15 (src/include/storage/lockdefs.h, lock.h; the conflict table
 * `LockConflicts` in src/backend/storage/lmgr/lock.c; `DescribeLockTag` in
 * lmgr.c). This is the table of the documentation's "Explicit Locking"
 * chapter (13.3.1, "Conflicting Lock Modes"):
 *
 * ```
 * requested \ held      AS  RS  RX  SUE  S  SRX  X  AX
 * ACCESS SHARE                                        X
 * ROW SHARE                                       X   X
 * ROW EXCLUSIVE                         X   X     X   X
 * SHARE UPDATE EXCLUSIVE           X    X   X     X   X
 * SHARE                     X      X        X     X   X
 * SHARE ROW EXCLUSIVE       X      X    X   X     X   X
 * EXCLUSIVE             X   X      X    X   X     X   X
 * ACCESS EXCLUSIVE  X   X   X      X    X   X     X   X
 * ```
 */

/** The eight lock modes, numbered as PostgreSQL numbers them (NoLock = 0 is not a mode). */
export const LockMode = {
  AccessShareLock: 1,
  RowShareLock: 2,
  RowExclusiveLock: 3,
  ShareUpdateExclusiveLock: 4,
  ShareLock: 5,
  ShareRowExclusiveLock: 6,
  ExclusiveLock: 7,
  AccessExclusiveLock: 8,
} as const;
export type LockMode = (typeof LockMode)[keyof typeof LockMode];

/** Every mode, weakest first. */
export const LOCK_MODES: readonly LockMode[] = [1, 2, 3, 4, 5, 6, 7, 8];

/** GetLockmodeName's names (as pg_locks.mode and the deadlock DETAIL print them), by mode. */
const MODE_NAMES = [
  'INVALID',
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const;

/** The names LOCK TABLE ... IN <name> MODE takes, by mode. */
const SQL_NAMES = [
  '',
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;

/** The bit of a mode in a lock mask (LOCKBIT_ON). */
export function lockBit(mode: LockMode): number {
  return 1 << mode;
}

const b = lockBit;
/** LockConflicts: the mask of modes each mode conflicts with, by mode (index 0 unused). */
export const LOCK_CONFLICTS: readonly number[] = [
  0,
  // AccessShareLock
  b(8),
  // RowShareLock
  b(7) | b(8),
  // RowExclusiveLock
  b(5) | b(6) | b(7) | b(8),
  // ShareUpdateExclusiveLock
  b(4) | b(5) | b(6) | b(7) | b(8),
  // ShareLock
  b(3) | b(4) | b(6) | b(7) | b(8),
  // ShareRowExclusiveLock
  b(3) | b(4) | b(5) | b(6) | b(7) | b(8),
  // ExclusiveLock
  b(2) | b(3) | b(4) | b(5) | b(6) | b(7) | b(8),
  // AccessExclusiveLock
  b(1) | b(2) | b(3) | b(4) | b(5) | b(6) | b(7) | b(8),
];

/** The conflict mask of a mode. */
export function conflictMask(mode: LockMode): number {
  return LOCK_CONFLICTS[mode]!;
}

/** Whether a lock in mode `a` and one in mode `b` held by different holders conflict (symmetric). */
export function lockModesConflict(a: LockMode, b: LockMode): boolean {
  return (conflictMask(a) & lockBit(b)) !== 0;
}

/** `AccessShareLock` ... `AccessExclusiveLock`. */
export function lockModeName(mode: LockMode): string {
  return MODE_NAMES[mode];
}

/** `ACCESS SHARE` ... `ACCESS EXCLUSIVE`, as LOCK TABLE spells them. */
export function lockModeSqlName(mode: LockMode): string {
  return SQL_NAMES[mode];
}

/** The mode LOCK TABLE's `IN <name> MODE` names (any case, any spacing), or undefined. */
export function lockModeFromSql(name: string): LockMode | undefined {
  const wanted = name.trim().toUpperCase().split(/\s+/).join(' ');
  const i = SQL_NAMES.indexOf(wanted as (typeof SQL_NAMES)[number]);
  return i >= 1 ? (i as LockMode) : undefined;
}

export function isLockMode(n: number): n is LockMode {
  return Number.isInteger(n) && n >= 1 && n <= 8;
}

/**
 * What a lock is on, by pg_locks.locktype. Numbers are unsigned 32-bit, as
 * in PostgreSQL's LOCKTAG fields.
 */
export type LockTag =
  | { readonly type: 'relation'; readonly dbOid: number; readonly relOid: number }
  | { readonly type: 'extend'; readonly dbOid: number; readonly relOid: number }
  | {
      readonly type: 'page';
      readonly dbOid: number;
      readonly relOid: number;
      readonly block: number;
    }
  | {
      readonly type: 'tuple';
      readonly dbOid: number;
      readonly relOid: number;
      readonly block: number;
      readonly offset: number;
    }
  /** "wait for xid": each transaction holds ExclusiveLock on its own xid; waiters ask for ShareLock. */
  | { readonly type: 'transactionid'; readonly xid: number }
  | { readonly type: 'virtualxid'; readonly backendId: number; readonly localXid: number }
  | {
      readonly type: 'object';
      readonly dbOid: number;
      readonly classOid: number;
      readonly objOid: number;
      readonly objSubId: number;
    }
  /**
   * pg_advisory_lock: field4 is 1 for a bigint key (key1 = high 32 bits,
   * key2 = low 32 bits) and 2 for a pair of int4 keys.
   */
  | {
      readonly type: 'advisory';
      readonly dbOid: number;
      readonly key1: number;
      readonly key2: number;
      readonly field4: 1 | 2;
    }
  | { readonly type: 'userlock'; readonly id1: number; readonly id2: number; readonly id3: number };

/** SET_LOCKTAG_RELATION. */
export function relationLockTag(dbOid: number, relOid: number): LockTag {
  return { type: 'relation', dbOid, relOid };
}

/** SET_LOCKTAG_TUPLE. */
export function tupleLockTag(
  dbOid: number,
  relOid: number,
  block: number,
  offset: number,
): LockTag {
  return { type: 'tuple', dbOid, relOid, block, offset };
}

/** SET_LOCKTAG_TRANSACTION: the lock XactLockTableWait waits on. */
export function transactionLockTag(xid: number): LockTag {
  return { type: 'transactionid', xid };
}

/** SET_LOCKTAG_INT64: pg_advisory_lock(bigint). */
export function advisoryLockTag(dbOid: number, key: bigint): LockTag {
  const k = BigInt.asUintN(64, key);
  return {
    type: 'advisory',
    dbOid,
    key1: Number(k >> 32n),
    key2: Number(k & 0xffffffffn),
    field4: 1,
  };
}

/** SET_LOCKTAG_INT32: pg_advisory_lock(int4, int4). */
export function advisoryLockTag2(dbOid: number, key1: number, key2: number): LockTag {
  return { type: 'advisory', dbOid, key1: key1 >>> 0, key2: key2 >>> 0, field4: 2 };
}

/** A string that identifies a tag: equal tags, equal keys. */
export function lockTagKey(tag: LockTag): string {
  switch (tag.type) {
    case 'relation':
    case 'extend':
      return `${tag.type}:${tag.dbOid}:${tag.relOid}`;
    case 'page':
      return `page:${tag.dbOid}:${tag.relOid}:${tag.block}`;
    case 'tuple':
      return `tuple:${tag.dbOid}:${tag.relOid}:${tag.block}:${tag.offset}`;
    case 'transactionid':
      return `transactionid:${tag.xid}`;
    case 'virtualxid':
      return `virtualxid:${tag.backendId}:${tag.localXid}`;
    case 'object':
      return `object:${tag.dbOid}:${tag.classOid}:${tag.objOid}:${tag.objSubId}`;
    case 'advisory':
      return `advisory:${tag.dbOid}:${tag.key1}:${tag.key2}:${tag.field4}`;
    case 'userlock':
      return `userlock:${tag.id1}:${tag.id2}:${tag.id3}`;
  }
}

/** DescribeLockTag's text (lmgr.c), as the deadlock DETAIL prints it. */
export function describeLockTag(tag: LockTag): string {
  switch (tag.type) {
    case 'relation':
      return `relation ${tag.relOid} of database ${tag.dbOid}`;
    case 'extend':
      return `extension of relation ${tag.relOid} of database ${tag.dbOid}`;
    case 'page':
      return `page ${tag.block} of relation ${tag.relOid} of database ${tag.dbOid}`;
    case 'tuple':
      return `tuple (${tag.block},${tag.offset}) of relation ${tag.relOid} of database ${tag.dbOid}`;
    case 'transactionid':
      return `transaction ${tag.xid}`;
    case 'virtualxid':
      return `virtual transaction ${tag.backendId}/${tag.localXid}`;
    case 'object':
      return `object ${tag.objOid} of class ${tag.classOid} of database ${tag.dbOid}`;
    case 'advisory':
      return `advisory lock [${tag.dbOid},${tag.key1},${tag.key2},${tag.field4}]`;
    case 'userlock':
      return `user lock [${tag.id1},${tag.id2},${tag.id3}]`;
  }
}
