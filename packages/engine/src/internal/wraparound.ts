/**
 * Transaction-id wraparound (freeze, issue 11): pg_database.datfrozenxid
 * (vacuum.c's vac_update_datfrozenxid), the cluster-wide limits
 * (vac_truncate_clog's choice of the oldest database, then varsup.c's
 * SetTransactionIdLimit in @pg/mvcc's computeXidLimits), the start-up
 * computation of those limits, pg_resetwal -x, and what an autovacuum
 * launcher needs to force anti-wraparound vacuums.
 *
 * 1. After every VACUUM, vacUpdateDatfrozenxid takes the minimum
 *    relfrozenxid of the database's tables, materialized views and TOAST
 *    tables (system catalogs included), starting from the removable
 *    horizon (the value a table created now would get), and writes it to
 *    the database's pg_database row in place (no xid: VACUUM must work
 *    past the stop limit). A relfrozenxid "in the future" of nextXid means
 *    corruption: nothing is changed ("chicken out", as PostgreSQL).
 * 2. Then the oldest datfrozenxid of all databases (the current one
 *    first, so that it is named on a tie) gives the limits:
 *    xidVacLimit = oldest + autovacuum_freeze_max_age, xidWrapLimit =
 *    oldest + 2^31 - 1, xidStopLimit = wrap - 3,000,000, xidWarnLimit =
 *    wrap - 40,000,000 (each moved past the special xids 0-2).
 * 3. At start-up the limits are computed from pg_database the same way
 *    (PostgreSQL reads oldestXid from the checkpoint record instead; our
 *    checkpoint record has no such field, and pg_database's rows are
 *    WAL-logged, so recovery restores the same answer).
 *
 * Differences from PostgreSQL 15: pg_xact is not truncated; multixact
 * horizons (datminmxid, relminmxid) are not advanced.
 */
import { type CatalogCluster, type CatalogTable, type CatalogTxn, POSTGRES_OID } from '@pg/catalog';
import {
  CLOG_XACTS_PER_PAGE,
  computeXidLimits,
  type FullTransactionId,
  type OpenedTransactions,
  type TransactionId,
  transactionIdIsNormal,
  transactionIdPrecedes,
  transactionIdToPage,
  type XidLimits,
  xidFromFullTransactionId,
} from '@pg/mvcc';
import { EngineError } from './result.js';

/** pg_database's rows: oid, name, datfrozenxid. */
function databases(cluster: CatalogCluster, txn: CatalogTxn) {
  const t = cluster.tables(POSTGRES_OID).get('pg_database');
  if (t === undefined) throw new Error('no catalog pg_database');
  return {
    table: t,
    rows: t.scan(txn).map((r) => ({
      tid: r.tid,
      oid: Number(r.values[t.col('oid')]),
      name: String(r.values[t.col('datname')]),
      datfrozenxid: Number(r.values[t.col('datfrozenxid')]),
    })),
  };
}

/**
 * vac_truncate_clog's choice and SetTransactionIdLimit: the limits from
 * the oldest datfrozenxid of every database (`preferDbOid`'s row first, so
 * that it is the one named when several are equally old).
 */
export function clusterXidLimits(
  cluster: CatalogCluster,
  txn: CatalogTxn,
  autovacuumFreezeMaxAge: number,
  preferDbOid: number = POSTGRES_OID,
): XidLimits | undefined {
  const { rows } = databases(cluster, txn);
  const ordered = [
    ...rows.filter((r) => r.oid === preferDbOid),
    ...rows.filter((r) => r.oid !== preferDbOid),
  ];
  let oldest: (typeof rows)[number] | undefined;
  for (const r of ordered) {
    if (!transactionIdIsNormal(r.datfrozenxid)) continue;
    if (oldest === undefined || transactionIdPrecedes(r.datfrozenxid, oldest.datfrozenxid))
      oldest = r;
  }
  if (oldest === undefined) return undefined;
  return computeXidLimits(oldest.datfrozenxid, oldest.oid, {
    datname: oldest.name,
    autovacuumFreezeMaxAge,
  });
}

/** What vac_update_datfrozenxid needs. */
export interface DatfrozenxidContext {
  readonly cluster: CatalogCluster;
  readonly txn: CatalogTxn;
  readonly dbOid: number;
  /** GetOldestNonRemovableTransactionId */
  readonly oldestXmin: TransactionId;
  /** ReadNextTransactionId */
  readonly nextXid: TransactionId;
  readonly autovacuumFreezeMaxAge: number;
  /** SetTransactionIdLimit */
  setLimits(limits: XidLimits): void;
}

const HOLDS_XIDS: ReadonlySet<unknown> = new Set(['r', 'm', 't']);

/**
 * vac_update_datfrozenxid, then vac_truncate_clog's limit update. Returns
 * the database's datfrozenxid afterwards (undefined when it chickened out).
 */
export function vacUpdateDatfrozenxid(c: DatfrozenxidContext): TransactionId | undefined {
  const cls = c.cluster.tables(c.dbOid).get('pg_class');
  if (cls === undefined) return undefined;
  let newFrozenXid = c.oldestXmin;
  if (!transactionIdIsNormal(newFrozenXid)) newFrozenXid = c.nextXid;
  const lastSane = c.nextXid;
  for (const row of cls.scan(c.txn)) {
    if (!HOLDS_XIDS.has(row.values[cls.col('relkind')])) continue;
    const frozen = Number(row.values[cls.col('relfrozenxid')]);
    if (!transactionIdIsNormal(frozen)) continue;
    if (transactionIdPrecedes(lastSane, frozen)) return undefined; // "in the future": bogus
    if (transactionIdPrecedes(frozen, newFrozenXid)) newFrozenXid = frozen;
  }
  const { table, rows } = databases(c.cluster, c.txn);
  const mine = rows.find((r) => r.oid === c.dbOid);
  if (mine === undefined) return undefined;
  let result = mine.datfrozenxid;
  if (
    mine.datfrozenxid !== newFrozenXid &&
    (transactionIdPrecedes(mine.datfrozenxid, newFrozenXid) ||
      transactionIdPrecedes(lastSane, mine.datfrozenxid))
  ) {
    table.inplaceUpdate(mine.tid, { datfrozenxid: newFrozenXid });
    result = newFrozenXid;
  }
  const limits = clusterXidLimits(c.cluster, c.txn, c.autovacuumFreezeMaxAge, c.dbOid);
  if (limits !== undefined) c.setLimits(limits);
  return result;
}

/**
 * pg_resetwal -x (and -e: the epoch is the high 32 bits): the xid counter
 * jumps forward to `fxid`, on a cluster just opened (no transaction
 * running). The clog gets the page of the new xid, and a checkpoint
 * records the counter, so a crash from here on restarts from it
 * (WAL-consistent: the checkpoint record carries nextXid). Going backward
 * is refused (22023): xids already on disk would be handed out again.
 */
export function resetNextXid(
  t: OpenedTransactions,
  fxid: FullTransactionId,
  /** runs after the jump, before the checkpoint (initdb at an xid: freezeHorizonsAt) */
  before?: (xid: TransactionId) => void,
): void {
  const current = t.xids.nextFullXid;
  if (fxid < current)
    throw new EngineError(
      '22023',
      `next transaction ID ${fxid} is behind the current one ${current}: it can only move forward`,
    );
  if (fxid === current) return;
  t.xids.setNextFullXid(fxid);
  const xid = xidFromFullTransactionId(t.xids.nextFullXid);
  // as TrimCLOG: the page of nextXid exists, zeroed (an xid not its first
  // would not zero it in ExtendCLOG)
  if (xid % CLOG_XACTS_PER_PAGE !== 0 && !t.clog.hasPage(transactionIdToPage(xid)))
    t.clog.zeroPage(transactionIdToPage(xid));
  t.procArray.resetLatestCompletedXid(xid);
  before?.(xid);
  t.storage.checkpointer.checkpoint();
}

/**
 * initdb at xid `xid` (a fresh cluster opened with nextXid): every tuple
 * is a frozen bootstrap tuple, so every database's datfrozenxid and every
 * table's relfrozenxid may be `xid` -- as pg_resetwal -x sets oldestXid to
 * the new xid. Written in place (full-page images).
 */
export function freezeHorizonsAt(cluster: CatalogCluster, txn: CatalogTxn, xid: TransactionId) {
  const { table, rows } = databases(cluster, txn);
  for (const db of rows) {
    table.inplaceUpdate(db.tid, { datfrozenxid: xid });
    const cls = cluster.tables(db.oid).get('pg_class');
    if (cls === undefined) continue;
    for (const row of cls.scan(txn)) {
      if (!HOLDS_XIDS.has(row.values[cls.col('relkind')])) continue;
      if (!transactionIdIsNormal(Number(row.values[cls.col('relfrozenxid')]))) continue;
      cls.inplaceUpdate(row.tid, { relfrozenxid: xid });
    }
  }
}

/** One table an anti-wraparound vacuum must process (autovacuum's relation_needs_vacanalyze, force_vacuum). */
export interface WraparoundTarget {
  readonly dbOid: number;
  readonly relOid: number;
  readonly name: string;
  readonly relfrozenxid: TransactionId;
  /** age(relfrozenxid) */
  readonly age: number;
}

/**
 * For an autovacuum launcher: the tables of database `dbOid` whose
 * age(relfrozenxid) exceeds autovacuum_freeze_max_age (they must be
 * vacuumed even with autovacuum off). System catalogs included.
 */
export function wraparoundTargets(
  cluster: CatalogCluster,
  txn: CatalogTxn,
  dbOid: number,
  nextXid: TransactionId,
  autovacuumFreezeMaxAge: number,
): WraparoundTarget[] {
  const cls = cluster.tables(dbOid).get('pg_class');
  if (cls === undefined) return [];
  const out: WraparoundTarget[] = [];
  for (const row of cls.scan(txn)) {
    if (!HOLDS_XIDS.has(row.values[cls.col('relkind')])) continue;
    const frozen = Number(row.values[cls.col('relfrozenxid')]);
    if (!transactionIdIsNormal(frozen)) continue;
    const age = (nextXid - frozen) | 0;
    if (age > autovacuumFreezeMaxAge)
      out.push({
        dbOid,
        relOid: Number(row.values[cls.col('oid')]),
        name: String(row.values[cls.col('relname')]),
        relfrozenxid: frozen,
        age,
      });
  }
  return out;
}

/** The catalogs of database `dbOid` with heap storage (shared ones included), for a database-wide VACUUM. */
export function catalogTables(cluster: CatalogCluster, dbOid: number): CatalogTable[] {
  return [...cluster.tables(dbOid).values()].sort((a, b) => a.def.oid - b.def.oid);
}
