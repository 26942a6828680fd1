/**
 * What ANALYZE stores, and where the planner and pg_stats read it:
 *
 * - pg_class.relpages / reltuples / relallvisible: a normal (MVCC)
 *   catalog update of the relation's pg_class row, with a relcache
 *   invalidation. PostgreSQL updates these in place
 *   (heap_inplace_update), so they survive a rollback there and not here.
 * - pg_attribute.attstattarget (ALTER TABLE ... ALTER COLUMN ... SET
 *   STATISTICS n): a normal catalog update.
 * - the per-column statistics: the pg_statistic catalog (PostgreSQL 15's
 *   OID 2619, columns and unique index pg_statistic_relid_att_inh_index),
 *   written by ANALYZE with normal transactional catalog inserts and
 *   updates: WAL-logged, crash-safe, rolled back with the transaction,
 *   visible to other sessions at commit. Slots as analyze.c fills them:
 *   stakind 1 (MCV, staop the type's =, stanumbers the frequencies),
 *   2 (histogram, staop <), 3 (correlation, staop <, stanumbers one
 *   value); stacoll the column's collation. Rows are deleted
 *   (RemoveStatistics) with the relation, with the column (DROP COLUMN)
 *   and when the column's type changes.
 *
 *   Difference: stavalues (anyarray) is stored as an array of the
 *   elements' text forms (the type's output in a fixed context: UTC,
 *   round-trip float digits; as attmissingval), because an on-disk
 *   array here does not keep its element OID; reading takes the element
 *   type from the column's atttypid (what ANALYZE's scalar statistics
 *   store anyway). A type without an output function in the registry
 *   raises 0A000 at ANALYZE. pg_statistic has no toast relation
 *   (PostgreSQL's pg_toast_2619): a row must fit in one page, so for
 *   columns with wide values the MCV list and histogram are shortened
 *   until it does (fitInPage). stainherit is always false (no
 *   inheritance statistics); staop is 0 for a type whose = or < operator
 *   is neither pg_catalog's (type, type) operator nor (varchar) text's.
 */
import {
  builtins,
  defaultContext,
  type PgArray,
  pgArray,
  SqlError,
  type TypeContext,
} from '@pg/types';
import type { Catalog } from './catalog.js';
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

/** The context stavalues elements are written and read in (timestamps in UTC, floats exact). */
let fixedContext: TypeContext | undefined;
function valuesContext(): TypeContext {
  fixedContext ??= defaultContext({ timeZone: 'UTC', extraFloatDigits: 3 });
  return fixedContext;
}

/** PostgreSQL's stakind numbers (pg_statistic.h). */
const STATISTIC_KIND_MCV = 1;
const STATISTIC_KIND_HISTOGRAM = 2;
const STATISTIC_KIND_CORRELATION = 3;
const SLOTS = 5;

/** Types whose default btree operator class is another type's (varchar uses text_ops). */
const OPCLASS_TYPE = new Map([[1043, 25]]);

/** The operator `oprname` (typeOid, typeOid) of the type's btree operator class, or 0. */
function operatorOid(catalog: Catalog, txn: CatalogTxn, oprname: string, typeOid: number): number {
  const t = table(catalog, 'pg_operator');
  const typ = OPCLASS_TYPE.get(typeOid) ?? typeOid;
  const r = t.lookupOne('pg_operator_oprname_l_r_n_index', [oprname, typ, typ, 11], txn);
  return r === undefined ? 0 : (r.values[t.col('oid')] as number);
}

/**
 * The bytes the stanumbers / stavalues arrays may take in a pg_statistic
 * row: the row must fit in one heap page (MaxHeapTupleSize 8160), as
 * pg_statistic has no toast relation here.
 */
const SLOT_BUDGET = 7000;

const utf8 = new TextEncoder();
const arrayBytes = (texts: readonly string[]) =>
  texts.length === 0 ? 0 : 24 + texts.reduce((n, t) => n + 4 + utf8.encode(t).length, 0);

/**
 * Shrinks the MCV list (keeping the most common) and the histogram
 * (keeping every other bound, and the last) until they fit SLOT_BUDGET;
 * a list that cannot fit even with one entry is dropped. Only columns
 * with wide values are affected (PostgreSQL toasts the row instead).
 */
function fitInPage(
  mcvIn: readonly string[],
  freqsIn: readonly number[],
  histIn: readonly string[],
): { mcv: string[]; freqs: number[]; histogram: string[] } {
  let mcv = [...mcvIn];
  let freqs = freqsIn.slice(0, mcv.length);
  let histogram = [...histIn];
  const size = () =>
    arrayBytes(mcv) + (mcv.length > 0 ? 24 + 4 * freqs.length : 0) + arrayBytes(histogram);
  while (size() > SLOT_BUDGET) {
    if (arrayBytes(mcv) >= arrayBytes(histogram)) {
      const n = mcv.length <= 1 ? 0 : Math.ceil(mcv.length / 2);
      mcv = mcv.slice(0, n);
      freqs = freqs.slice(0, n);
    } else if (histogram.length <= 2) histogram = [];
    else {
      const last = histogram[histogram.length - 1] as string;
      const kept = histogram.filter((_, i) => i % 2 === 0);
      if (kept[kept.length - 1] !== last || kept.length === 1) kept.push(last);
      histogram = kept.length >= histogram.length ? [] : kept;
    }
  }
  return { mcv, freqs, histogram };
}

/**
 * update_attstats: replaces the pg_statistic rows (stainherit false) of
 * the given columns of `relOid` (others keep theirs), by normal
 * transactional catalog inserts and updates.
 */
export function storeColumnStatistics(
  catalog: Catalog,
  txn: CatalogTxn,
  relOid: number,
  stats: readonly StoredColumnStatistics[],
): void {
  const st = table(catalog, 'pg_statistic');
  const att = table(catalog, 'pg_attribute');
  for (const s of stats) {
    const type = builtins.type(s.typeOid);
    const ar = att.lookupOne('pg_attribute_relid_attnum_index', [relOid, s.attnum], txn);
    const coll = ar === undefined ? 0 : (ar.values[att.col('attcollation')] as number);
    const text = (vals: readonly unknown[]): string[] => {
      if (type === undefined)
        throw new SqlError('0A000', `statistics of type ${s.typeOid} are not supported yet`);
      return vals.map((v) => type.output(v, valuesContext()));
    };
    const fitted = fitInPage(
      s.mcvValues === undefined ? [] : text(s.mcvValues),
      s.mcvFreqs ?? [],
      s.histogram === undefined ? [] : text(s.histogram),
    );
    const slots: { kind: number; op: number; numbers: unknown; values: unknown }[] = [];
    if (fitted.mcv.length > 0)
      slots.push({
        kind: STATISTIC_KIND_MCV,
        op: operatorOid(catalog, txn, '=', s.typeOid),
        numbers: pgArray(fitted.freqs.map((f) => Math.fround(f))),
        values: pgArray(fitted.mcv),
      });
    if (fitted.histogram.length > 0)
      slots.push({
        kind: STATISTIC_KIND_HISTOGRAM,
        op: operatorOid(catalog, txn, '<', s.typeOid),
        numbers: null,
        values: pgArray(fitted.histogram),
      });
    if (s.correlation !== undefined)
      slots.push({
        kind: STATISTIC_KIND_CORRELATION,
        op: operatorOid(catalog, txn, '<', s.typeOid),
        numbers: pgArray([Math.fround(s.correlation)]),
        values: null,
      });
    const row: Record<string, unknown> = {
      starelid: relOid,
      staattnum: s.attnum,
      stainherit: false,
      stanullfrac: Math.fround(s.nullFrac),
      stawidth: s.avgWidth,
      stadistinct: Math.fround(s.nDistinct),
    };
    for (let i = 0; i < SLOTS; i++) {
      const slot = slots[i];
      row[`stakind${i + 1}`] = slot?.kind ?? 0;
      row[`staop${i + 1}`] = slot?.op ?? 0;
      row[`stacoll${i + 1}`] = slot === undefined ? 0 : coll;
      row[`stanumbers${i + 1}`] = slot?.numbers ?? null;
      row[`stavalues${i + 1}`] = slot?.values ?? null;
    }
    const values = st.row(row);
    const old = st.lookupOne('pg_statistic_relid_att_inh_index', [relOid, s.attnum, false], txn);
    if (old === undefined) st.insert(values, txn);
    else st.update(old.tid, values, txn);
  }
  // Other sessions (at commit) and this one (now) drop their decoded copies.
  catalog.cluster.registerInvalidation(txn.key, catalog, catalog.dbOid, relOid);
  txn.commandCounterIncrement();
}

/**
 * The statistics of column `attnum` of `relOid` (pg_statistic, as the
 * transaction's catalog snapshot sees it), or undefined (never analyzed,
 * dropped, retyped).
 */
export function columnStatistics(
  catalog: Catalog,
  txn: CatalogTxn,
  relOid: number,
  attnum: number,
): StoredColumnStatistics | undefined {
  const cache = catalog.statisticsCache(relOid);
  if (cache.has(attnum)) return cache.get(attnum) as StoredColumnStatistics | undefined;
  const s = readColumnStatistics(catalog, txn, relOid, attnum);
  cache.set(attnum, s);
  return s;
}

function readColumnStatistics(
  catalog: Catalog,
  txn: CatalogTxn,
  relOid: number,
  attnum: number,
): StoredColumnStatistics | undefined {
  const st = table(catalog, 'pg_statistic');
  const r = st.lookupOne('pg_statistic_relid_att_inh_index', [relOid, attnum, false], txn);
  if (r === undefined) return undefined;
  const desc = catalog.relation(relOid);
  const col = desc?.columns[attnum - 1];
  if (col === undefined || col.dropped) return undefined;
  const type = builtins.type(col.typeOid);
  if (type === undefined) return undefined;
  const get = (name: string) => r.values[st.col(name)];
  const decode = (v: unknown): unknown[] =>
    ((v as PgArray<string | null>).elements ?? []).map((e) =>
      e === null ? null : type.input(e, col.typmod, valuesContext()),
    );
  const numbers = (v: unknown): number[] =>
    [...((v as PgArray<number>).elements ?? [])] as number[];
  let out: {
    -readonly [K in keyof StoredColumnStatistics]: StoredColumnStatistics[K];
  } = {
    attnum,
    typeOid: col.typeOid,
    nullFrac: get('stanullfrac') as number,
    avgWidth: get('stawidth') as number,
    nDistinct: get('stadistinct') as number,
  };
  for (let i = 1; i <= SLOTS; i++) {
    const kind = get(`stakind${i}`) as number;
    if (kind === STATISTIC_KIND_MCV)
      out = {
        ...out,
        mcvValues: decode(get(`stavalues${i}`)),
        mcvFreqs: numbers(get(`stanumbers${i}`)),
      };
    else if (kind === STATISTIC_KIND_HISTOGRAM)
      out = { ...out, histogram: decode(get(`stavalues${i}`)) };
    else if (kind === STATISTIC_KIND_CORRELATION) {
      const c = numbers(get(`stanumbers${i}`))[0];
      if (c !== undefined) out = { ...out, correlation: c };
    }
  }
  return out;
}

/**
 * RemoveStatistics: deletes the pg_statistic rows of `relOid` (of its
 * column `attnum` only, when given), transactionally.
 */
export function forgetStatistics(
  catalog: Catalog,
  txn: CatalogTxn,
  relOid: number,
  attnum?: number,
): void {
  const st = table(catalog, 'pg_statistic');
  const keys = attnum === undefined ? [relOid] : [relOid, attnum];
  for (const r of st.lookup('pg_statistic_relid_att_inh_index', keys, txn)) st.delete(r.tid, txn);
  catalog.cluster.registerInvalidation(txn.key, catalog, catalog.dbOid, relOid);
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
export function pgStatsRows(catalog: Catalog, txn: CatalogTxn): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const st = table(catalog, 'pg_statistic');
  const keys = st
    .scan(txn)
    .filter((r) => r.values[st.col('stainherit')] === false)
    .map((r) => [r.values[st.col('starelid')] as number, r.values[st.col('staattnum')] as number])
    .sort((x, y) => (x[0] as number) - (y[0] as number) || (x[1] as number) - (y[1] as number));
  for (const [relOid, attnum] of keys as [number, number][]) {
    const desc = catalog.relation(relOid);
    if (desc === undefined) continue;
    const s = columnStatistics(catalog, txn, relOid, attnum);
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
  return out;
}
