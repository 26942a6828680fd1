/**
 * What ANALYZE stores, and where the planner and pg_stats read it:
 *
 * - pg_class.relpages / reltuples / relallvisible: a normal (MVCC)
 *   catalog update of the relation's pg_class row, with a relcache
 *   invalidation. PostgreSQL updates these in place
 *   (heap_inplace_update), so they survive a rollback there and not here.
 * - pg_attribute.attstattarget (ALTER TABLE ... ALTER COLUMN ... SET
 *   STATISTICS n): a normal catalog update.
 * - the per-column statistics (pg_statistic's contents): kept in memory,
 *   per catalog cluster, keyed by (database, relation, attnum). There is
 *   no pg_statistic catalog yet (its anyarray columns need a home in the
 *   on-disk format), so the statistics do not survive a restart, are not
 *   WAL-logged, and are visible to every session as soon as ANALYZE
 *   stores them (PostgreSQL's pg_statistic rows are transactional).
 *   Entries are checked against the relation cache when read: a dropped
 *   relation, a dropped column, or a column whose type changed (ALTER
 *   COLUMN TYPE) has no statistics — PostgreSQL deletes those
 *   pg_statistic rows at the same moments.
 */
import { builtins, defaultContext, pgArray } from '@pg/types';
import type { Catalog } from './catalog.js';
import type { CatalogCluster } from './cluster.js';
import type { ViewDef } from './pg15-data.js';
import type { CatalogTable } from './table.js';
import type { CatalogTxn } from './txn.js';

/** One column's statistics as ANALYZE computed them (a pg_statistic row, reduced). */
export interface StoredColumnStatistics {
  readonly attnum: number;
  /** atttypid when analyzed: the entry is ignored once the column's type changes. */
  readonly typeOid: number;
  readonly nullFrac: number;
  readonly avgWidth: number;
  readonly nDistinct: number;
  readonly mcvValues?: readonly unknown[];
  readonly mcvFreqs?: readonly number[];
  readonly histogram?: readonly unknown[];
  readonly correlation?: number;
}

/** pg_class's size columns. */
export interface RelationSizeStatistics {
  readonly relpages: number;
  /** -1: never vacuumed or analyzed. */
  readonly reltuples: number;
  readonly relallvisible: number;
}

type Store = Map<string, Map<number, StoredColumnStatistics>>;
const stores = new WeakMap<CatalogCluster, Store>();

function storeOf(cluster: CatalogCluster): Store {
  let s = stores.get(cluster);
  if (s === undefined) {
    s = new Map();
    stores.set(cluster, s);
  }
  return s;
}

const relKey = (dbOid: number, relOid: number) => `${dbOid}:${relOid}`;

/**
 * update_attstats: replaces the statistics of the given columns of
 * `relOid` (others keep theirs).
 */
export function storeColumnStatistics(
  catalog: Catalog,
  relOid: number,
  stats: readonly StoredColumnStatistics[],
): void {
  const store = storeOf(catalog.cluster);
  const key = relKey(catalog.dbOid, relOid);
  let m = store.get(key);
  if (m === undefined) {
    m = new Map();
    store.set(key, m);
  }
  for (const s of stats) m.set(s.attnum, s);
}

/** The statistics of column `attnum` of `relOid`, or undefined (never analyzed, dropped, retyped). */
export function columnStatistics(
  catalog: Catalog,
  relOid: number,
  attnum: number,
): StoredColumnStatistics | undefined {
  const m = storeOf(catalog.cluster).get(relKey(catalog.dbOid, relOid));
  const s = m?.get(attnum);
  if (s === undefined) return undefined;
  const desc = catalog.relation(relOid);
  const col = desc?.columns[attnum - 1];
  if (col === undefined || col.dropped || col.typeOid !== s.typeOid) return undefined;
  return s;
}

/** Forgets every statistic of `relOid` (DROP TABLE; reading checks anyway). */
export function forgetStatistics(catalog: Catalog, relOid: number): void {
  storeOf(catalog.cluster).delete(relKey(catalog.dbOid, relOid));
}

function table(catalog: Catalog, name: string): CatalogTable {
  const t = catalog.cluster.tables(catalog.dbOid).get(name);
  if (t === undefined) throw new Error(`no catalog ${name}`);
  return t;
}

/** pg_class.relpages / reltuples / relallvisible of `relOid`, as the transaction's catalog snapshot sees them. */
export function relationSizeStatistics(
  catalog: Catalog,
  txn: CatalogTxn,
  relOid: number,
): RelationSizeStatistics | undefined {
  const t = table(catalog, 'pg_class');
  const row = t.lookupOne('pg_class_oid_index', [relOid], txn);
  if (row === undefined) return undefined;
  return {
    relpages: row.values[t.col('relpages')] as number,
    reltuples: row.values[t.col('reltuples')] as number,
    relallvisible: row.values[t.col('relallvisible')] as number,
  };
}

/**
 * vac_update_relstats: writes relpages / reltuples / relallvisible to the
 * relation's pg_class row (when they changed) and invalidates its relcache entry.
 */
export function updateRelationSizeStatistics(
  catalog: Catalog,
  txn: CatalogTxn,
  relOid: number,
  size: RelationSizeStatistics,
): void {
  const t = table(catalog, 'pg_class');
  const row = t.lookupOne('pg_class_oid_index', [relOid], txn);
  if (row === undefined) return;
  const values = [...row.values];
  values[t.col('relpages')] = size.relpages;
  values[t.col('reltuples')] = Math.fround(size.reltuples);
  values[t.col('relallvisible')] = size.relallvisible;
  if (values.every((v, i) => v === row.values[i])) return;
  t.update(row.tid, values, txn);
  catalog.cluster.registerInvalidation(txn.key, catalog, catalog.dbOid, relOid);
  txn.commandCounterIncrement();
}

/** pg_attribute.attstattarget of every column of `relOid` (-1: default_statistics_target). */
export function statisticsTargets(
  catalog: Catalog,
  txn: CatalogTxn,
  relOid: number,
): Map<number, number> {
  const t = table(catalog, 'pg_attribute');
  const out = new Map<number, number>();
  for (const r of t.lookup('pg_attribute_relid_attnum_index', [relOid], txn)) {
    const attnum = r.values[t.col('attnum')] as number;
    if (attnum > 0) out.set(attnum, r.values[t.col('attstattarget')] as number);
  }
  return out;
}

/** ALTER TABLE ... ALTER COLUMN ... SET STATISTICS: pg_attribute.attstattarget (the caller checks the range). */
export function setStatisticsTarget(
  catalog: Catalog,
  txn: CatalogTxn,
  relOid: number,
  attnum: number,
  target: number,
): void {
  const t = table(catalog, 'pg_attribute');
  const row = t.lookupOne('pg_attribute_relid_attnum_index', [relOid, attnum], txn);
  if (row === undefined) return;
  const values = [...row.values];
  values[t.col('attstattarget')] = target;
  t.update(row.tid, values, txn);
  catalog.cluster.registerInvalidation(txn.key, catalog, catalog.dbOid, relOid);
  txn.commandCounterIncrement();
}

/**
 * pg_catalog.pg_stats (PostgreSQL 15's OID, row type and columns), for
 * the computed views. Difference: most_common_vals, histogram_bounds and
 * most_common_elems are anyarray in PostgreSQL; here they are text, the
 * anyarray's text form ('{1,2,3}'), since no anyarray value carries its
 * element type through our executor.
 */
export const PG_STATS_VIEW: ViewDef = {
  name: 'pg_stats',
  nsp: 11,
  oid: 12053,
  rowtype: 12055,
  columns: [
    ['schemaname', 19, -1],
    ['tablename', 19, -1],
    ['attname', 19, -1],
    ['inherited', 16, -1],
    ['null_frac', 700, -1],
    ['avg_width', 23, -1],
    ['n_distinct', 700, -1],
    ['most_common_vals', 25, -1],
    ['most_common_freqs', 1021, -1],
    ['histogram_bounds', 25, -1],
    ['correlation', 700, -1],
    ['most_common_elems', 25, -1],
    ['most_common_elem_freqs', 1021, -1],
    ['elem_count_histogram', 1021, -1],
  ],
};

/** anyarray's text form of values of type `typeOid` (array_out). */
function arrayText(typeOid: number, values: readonly unknown[]): string | null {
  const t = builtins.type(typeOid);
  const arr = t === undefined ? undefined : builtins.type(t.arrayOid);
  if (arr === undefined) return null;
  return arr.output(pgArray(values), defaultContext());
}

/**
 * The rows of pg_stats for this database, by column name (the columns of
 * PG_STATS_VIEW), ordered by relation and attnum. No privilege filter
 * (every session sees everything, as a superuser does).
 */
export function pgStatsRows(catalog: Catalog): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const prefix = `${catalog.dbOid}:`;
  const entries = [...storeOf(catalog.cluster)].filter(([k]) => k.startsWith(prefix));
  entries.sort(([a], [b]) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
  for (const [key, m] of entries) {
    const relOid = Number(key.slice(prefix.length));
    const desc = catalog.relation(relOid);
    if (desc === undefined) continue;
    for (const attnum of [...m.keys()].sort((a, b) => a - b)) {
      const s = columnStatistics(catalog, relOid, attnum);
      const col = desc.columns[attnum - 1];
      if (s === undefined || col === undefined) continue;
      out.push({
        schemaname: desc.namespaceName,
        tablename: desc.name,
        attname: col.name,
        inherited: false,
        null_frac: s.nullFrac,
        avg_width: s.avgWidth,
        n_distinct: s.nDistinct,
        most_common_vals: s.mcvValues ? arrayText(s.typeOid, s.mcvValues) : null,
        most_common_freqs: s.mcvFreqs ? pgArray(s.mcvFreqs) : null,
        histogram_bounds: s.histogram ? arrayText(s.typeOid, s.histogram) : null,
        correlation: s.correlation ?? null,
        most_common_elems: null,
        most_common_elem_freqs: null,
        elem_count_histogram: null,
      });
    }
  }
  return out;
}
