/**
 * issue 9 (F, system columns): the system columns of a table
 * (PostgreSQL 15's sysattr.h and heap.c's SysAtt table, without the
 * removed `oid`), with their attnums and types. A Var of one has the
 * negative attnum: its value comes from the scanned tuple's header
 * (ctid, xmin, cmin, xmax, cmax); tableoid is the relation's OID, which the
 * analyzer writes as a constant (no inheritance here). They belong to
 * relations with storage (tables, materialized views), not to views,
 * subqueries or joins, and `*` does not expand them.
 */
export interface SystemColumn {
  readonly name: string;
  readonly attnum: number;
  readonly type: number;
}

export const SYSTEM_COLUMNS: readonly SystemColumn[] = [
  { name: 'ctid', attnum: -1, type: 27 }, // SelfItemPointerAttributeNumber, tid
  { name: 'xmin', attnum: -3, type: 28 }, // MinTransactionIdAttributeNumber (-3), xid
  { name: 'cmin', attnum: -4, type: 29 }, // MinCommandIdAttributeNumber, cid
  { name: 'xmax', attnum: -5, type: 28 }, // MaxTransactionIdAttributeNumber, xid
  { name: 'cmax', attnum: -6, type: 29 }, // MaxCommandIdAttributeNumber, cid
  { name: 'tableoid', attnum: -7, type: 26 }, // TableOidAttributeNumber, oid
];

/** The system column of this name, or undefined. */
export function systemColumnNamed(name: string): SystemColumn | undefined {
  return SYSTEM_COLUMNS.find((c) => c.name === name);
}

/** The system column of this (negative) attnum, or undefined. */
export function systemColumnOf(attnum: number): SystemColumn | undefined {
  return attnum < 0 ? SYSTEM_COLUMNS.find((c) => c.attnum === attnum) : undefined;
}

/**
 * Relation entries that have no system columns although they name a
 * table: ON CONFLICT's EXCLUDED (PostgreSQL marks it a composite type).
 */
export const WITHOUT_SYSTEM_COLUMNS = new WeakSet<object>();
