/**
 * issue 11: the statistics views a DBA watches (PostgreSQL 15's
 * system_views.sql: pg_stat_{all,user,sys}_tables,
 * pg_stat_{all,user,sys}_indexes, pg_statio_{all,user,sys}_tables,
 * pg_statio_{all,user,sys}_indexes, pg_stat_database,
 * pg_stat_progress_vacuum), computed from the catalogs and the engine's
 * cumulative statistics (the engine hands them in through
 * CatalogOptions.pgstat). PostgreSQL 15's OIDs, column names and types.
 *
 * As in PostgreSQL, a relation without counters reads as zeros (NULL
 * timestamps); a table without indexes has NULL idx_scan, idx_tup_fetch
 * and idx_blks_*; a table without a TOAST table NULL toast_* and tidx_*.
 * pg_stat_database has a row for datid 0 (shared objects) before the
 * databases.
 */
import type { ViewDef } from './pg15-data.js';

/** A relation's cumulative counters (the engine's PgStat_StatTabEntry), by the engine's names. */
export interface RelationStatCounters {
  readonly numScans: number;
  readonly tuplesReturned: number;
  readonly tuplesFetched: number;
  readonly tuplesInserted: number;
  readonly tuplesUpdated: number;
  readonly tuplesDeleted: number;
  readonly tuplesHotUpdated: number;
  readonly nLiveTuples: number;
  readonly nDeadTuples: number;
  readonly changesSinceAnalyze: number;
  readonly insertsSinceVacuum: number;
  readonly blocksFetched: number;
  readonly blocksHit: number;
  readonly lastVacuum: bigint | null;
  readonly lastAutovacuum: bigint | null;
  readonly lastAnalyze: bigint | null;
  readonly lastAutoanalyze: bigint | null;
  readonly vacuumCount: number;
  readonly autovacuumCount: number;
  readonly analyzeCount: number;
  readonly autoanalyzeCount: number;
}

/** A database's cumulative counters. */
export interface DatabaseStatCounters {
  readonly xactCommit: number;
  readonly xactRollback: number;
  readonly blocksFetched: number;
  readonly blocksHit: number;
  readonly tuplesReturned: number;
  readonly tuplesFetched: number;
  readonly tuplesInserted: number;
  readonly tuplesUpdated: number;
  readonly tuplesDeleted: number;
  readonly statReset: bigint | null;
}

/** One running VACUUM (pg_stat_get_progress_info('VACUUM')). */
export interface VacuumProgressRow {
  readonly pid: number;
  readonly datid: number;
  readonly relid: number;
  readonly phase: string;
  readonly heapBlksTotal: number;
  readonly heapBlksScanned: number;
  readonly heapBlksVacuumed: number;
  readonly indexVacuumCount: number;
  readonly maxDeadTuples: number;
  readonly numDeadTuples: number;
}

/** What the statistics views read (the engine's pgstat.ts, through the session's fetch rules). */
export interface StatViewSource {
  relation(oid: number): RelationStatCounters | undefined;
  database(oid: number): DatabaseStatCounters | undefined;
  /** Sessions connected to the database (numbackends). */
  numBackends(dbOid: number): number;
  vacuumProgress(): readonly VacuumProgressRow[];
}

const TABLE_COLUMNS: ViewDef['columns'] = [
  ['relid', 26, -1],
  ['schemaname', 19, -1],
  ['relname', 19, -1],
  ['seq_scan', 20, -1],
  ['seq_tup_read', 20, -1],
  ['idx_scan', 20, -1],
  ['idx_tup_fetch', 20, -1],
  ['n_tup_ins', 20, -1],
  ['n_tup_upd', 20, -1],
  ['n_tup_del', 20, -1],
  ['n_tup_hot_upd', 20, -1],
  ['n_live_tup', 20, -1],
  ['n_dead_tup', 20, -1],
  ['n_mod_since_analyze', 20, -1],
  ['n_ins_since_vacuum', 20, -1],
  ['last_vacuum', 1184, -1],
  ['last_autovacuum', 1184, -1],
  ['last_analyze', 1184, -1],
  ['last_autoanalyze', 1184, -1],
  ['vacuum_count', 20, -1],
  ['autovacuum_count', 20, -1],
  ['analyze_count', 20, -1],
  ['autoanalyze_count', 20, -1],
];

const INDEX_COLUMNS: ViewDef['columns'] = [
  ['relid', 26, -1],
  ['indexrelid', 26, -1],
  ['schemaname', 19, -1],
  ['relname', 19, -1],
  ['indexrelname', 19, -1],
  ['idx_scan', 20, -1],
  ['idx_tup_read', 20, -1],
  ['idx_tup_fetch', 20, -1],
];

const STATIO_TABLE_COLUMNS: ViewDef['columns'] = [
  ['relid', 26, -1],
  ['schemaname', 19, -1],
  ['relname', 19, -1],
  ['heap_blks_read', 20, -1],
  ['heap_blks_hit', 20, -1],
  ['idx_blks_read', 20, -1],
  ['idx_blks_hit', 20, -1],
  ['toast_blks_read', 20, -1],
  ['toast_blks_hit', 20, -1],
  ['tidx_blks_read', 20, -1],
  ['tidx_blks_hit', 20, -1],
];

const STATIO_INDEX_COLUMNS: ViewDef['columns'] = [
  ['relid', 26, -1],
  ['indexrelid', 26, -1],
  ['schemaname', 19, -1],
  ['relname', 19, -1],
  ['indexrelname', 19, -1],
  ['idx_blks_read', 20, -1],
  ['idx_blks_hit', 20, -1],
];

const view = (name: string, oid: number, columns: ViewDef['columns']): ViewDef => ({
  name,
  nsp: 11,
  oid,
  rowtype: oid + 2,
  columns,
});

/** The views, with PostgreSQL 15's pg_class OIDs (their row types are the OID + 2). */
export const STAT_VIEWS: readonly ViewDef[] = [
  view('pg_stat_all_tables', 12142, TABLE_COLUMNS),
  view('pg_stat_sys_tables', 12152, TABLE_COLUMNS),
  view('pg_stat_user_tables', 12161, TABLE_COLUMNS),
  view('pg_statio_all_tables', 12170, STATIO_TABLE_COLUMNS),
  view('pg_statio_sys_tables', 12175, STATIO_TABLE_COLUMNS),
  view('pg_statio_user_tables', 12179, STATIO_TABLE_COLUMNS),
  view('pg_stat_all_indexes', 12183, INDEX_COLUMNS),
  view('pg_stat_sys_indexes', 12188, INDEX_COLUMNS),
  view('pg_stat_user_indexes', 12192, INDEX_COLUMNS),
  view('pg_statio_all_indexes', 12196, STATIO_INDEX_COLUMNS),
  view('pg_statio_sys_indexes', 12201, STATIO_INDEX_COLUMNS),
  view('pg_statio_user_indexes', 12205, STATIO_INDEX_COLUMNS),
  view('pg_stat_database', 12266, [
    ['datid', 26, -1],
    ['datname', 19, -1],
    ['numbackends', 23, -1],
    ['xact_commit', 20, -1],
    ['xact_rollback', 20, -1],
    ['blks_read', 20, -1],
    ['blks_hit', 20, -1],
    ['tup_returned', 20, -1],
    ['tup_fetched', 20, -1],
    ['tup_inserted', 20, -1],
    ['tup_updated', 20, -1],
    ['tup_deleted', 20, -1],
    ['conflicts', 20, -1],
    ['temp_files', 20, -1],
    ['temp_bytes', 20, -1],
    ['deadlocks', 20, -1],
    ['checksum_failures', 20, -1],
    ['checksum_last_failure', 1184, -1],
    ['blk_read_time', 701, -1],
    ['blk_write_time', 701, -1],
    ['session_time', 701, -1],
    ['active_time', 701, -1],
    ['idle_in_transaction_time', 701, -1],
    ['sessions', 20, -1],
    ['sessions_abandoned', 20, -1],
    ['sessions_fatal', 20, -1],
    ['sessions_killed', 20, -1],
    ['stats_reset', 1184, -1],
  ]),
  view('pg_stat_progress_vacuum', 12302, [
    ['pid', 23, -1],
    ['datid', 26, -1],
    ['datname', 19, -1],
    ['relid', 26, -1],
    ['phase', 25, -1],
    ['heap_blks_total', 20, -1],
    ['heap_blks_scanned', 20, -1],
    ['heap_blks_vacuumed', 20, -1],
    ['index_vacuum_count', 20, -1],
    ['max_dead_tuples', 20, -1],
    ['num_dead_tuples', 20, -1],
  ]),
];

export const STAT_VIEW_NAMES: ReadonlySet<string> = new Set(STAT_VIEWS.map((v) => v.name));

type Row = Record<string, unknown>;

/** What the computation reads of the catalogs. */
export interface StatCatalogSource {
  scan(catalog: string): Row[];
}

const ZERO: RelationStatCounters = {
  numScans: 0,
  tuplesReturned: 0,
  tuplesFetched: 0,
  tuplesInserted: 0,
  tuplesUpdated: 0,
  tuplesDeleted: 0,
  tuplesHotUpdated: 0,
  nLiveTuples: 0,
  nDeadTuples: 0,
  changesSinceAnalyze: 0,
  insertsSinceVacuum: 0,
  blocksFetched: 0,
  blocksHit: 0,
  lastVacuum: null,
  lastAutovacuum: null,
  lastAnalyze: null,
  lastAutoanalyze: null,
  vacuumCount: 0,
  autovacuumCount: 0,
  analyzeCount: 0,
  autoanalyzeCount: 0,
};

const big = (n: number) => BigInt(n);

/** The user/sys split of system_views.sql. */
function isSystemSchema(nspname: string): boolean {
  return nspname === 'pg_catalog' || nspname === 'information_schema' || /^pg_toast/.test(nspname);
}

/** The rows of statistics view `name` (one of STAT_VIEW_NAMES), by column name. */
export function computeStatView(
  name: string,
  src: StatCatalogSource,
  stats: StatViewSource | undefined,
): Row[] {
  if (name === 'pg_stat_progress_vacuum') return progressRows(src, stats);
  if (name === 'pg_stat_database') return databaseRows(src, stats);
  const counters = (oid: number) => stats?.relation(oid) ?? ZERO;
  const nsp = new Map(src.scan('pg_namespace').map((n) => [n.oid as number, n.nspname as string]));
  const classes = src.scan('pg_class');
  const byOid = new Map(classes.map((c) => [c.oid as number, c]));
  const indexesOf = new Map<number, number[]>();
  for (const ix of src.scan('pg_index')) {
    const t = ix.indrelid as number;
    const list = indexesOf.get(t);
    if (list === undefined) indexesOf.set(t, [ix.indexrelid as number]);
    else list.push(ix.indexrelid as number);
  }
  const scope = name.includes('_user_') ? 'user' : name.includes('_sys_') ? 'sys' : 'all';
  const inScope = (schema: string | undefined) =>
    scope === 'all' || (schema !== undefined && (scope === 'sys') === isSystemSchema(schema));
  const sumOf = (oids: readonly number[] | undefined, f: (c: RelationStatCounters) => number) => {
    if (oids === undefined || oids.length === 0) return null;
    let s = 0;
    for (const o of oids) s += f(counters(o));
    return big(s);
  };
  const out: Row[] = [];
  if (name.includes('tables')) {
    const kinds = name.startsWith('pg_statio') ? ['r', 't', 'm'] : ['r', 't', 'm', 'p'];
    for (const c of classes) {
      if (!kinds.includes(c.relkind as string)) continue;
      const schemaname = nsp.get(c.relnamespace as number);
      if (!inScope(schemaname)) continue;
      const oid = c.oid as number;
      const s = counters(oid);
      const ix = indexesOf.get(oid);
      const base = { relid: oid, schemaname: schemaname ?? null, relname: c.relname };
      if (name.startsWith('pg_statio')) {
        const toast = c.reltoastrelid as number;
        const t = toast === 0 || !byOid.has(toast) ? undefined : counters(toast);
        const tix = toast === 0 ? undefined : indexesOf.get(toast);
        out.push({
          ...base,
          heap_blks_read: big(s.blocksFetched - s.blocksHit),
          heap_blks_hit: big(s.blocksHit),
          idx_blks_read: sumOf(ix, (x) => x.blocksFetched - x.blocksHit),
          idx_blks_hit: sumOf(ix, (x) => x.blocksHit),
          toast_blks_read: t === undefined ? null : big(t.blocksFetched - t.blocksHit),
          toast_blks_hit: t === undefined ? null : big(t.blocksHit),
          tidx_blks_read: sumOf(tix, (x) => x.blocksFetched - x.blocksHit),
          tidx_blks_hit: sumOf(tix, (x) => x.blocksHit),
        });
        continue;
      }
      const idxFetch = sumOf(ix, (x) => x.tuplesFetched);
      out.push({
        ...base,
        seq_scan: big(s.numScans),
        seq_tup_read: big(s.tuplesReturned),
        idx_scan: sumOf(ix, (x) => x.numScans),
        idx_tup_fetch: idxFetch === null ? null : idxFetch + big(s.tuplesFetched),
        n_tup_ins: big(s.tuplesInserted),
        n_tup_upd: big(s.tuplesUpdated),
        n_tup_del: big(s.tuplesDeleted),
        n_tup_hot_upd: big(s.tuplesHotUpdated),
        n_live_tup: big(s.nLiveTuples),
        n_dead_tup: big(s.nDeadTuples),
        n_mod_since_analyze: big(s.changesSinceAnalyze),
        n_ins_since_vacuum: big(s.insertsSinceVacuum),
        last_vacuum: s.lastVacuum,
        last_autovacuum: s.lastAutovacuum,
        last_analyze: s.lastAnalyze,
        last_autoanalyze: s.lastAutoanalyze,
        vacuum_count: big(s.vacuumCount),
        autovacuum_count: big(s.autovacuumCount),
        analyze_count: big(s.analyzeCount),
        autoanalyze_count: big(s.autoanalyzeCount),
      });
    }
    return out;
  }
  // the index views
  for (const [table, list] of indexesOf) {
    const c = byOid.get(table);
    if (c === undefined || !['r', 't', 'm'].includes(c.relkind as string)) continue;
    const schemaname = nsp.get(c.relnamespace as number);
    if (!inScope(schemaname)) continue;
    for (const indexOid of list) {
      const i = byOid.get(indexOid);
      if (i === undefined) continue;
      const s = counters(indexOid);
      const base = {
        relid: table,
        indexrelid: indexOid,
        schemaname: schemaname ?? null,
        relname: c.relname,
        indexrelname: i.relname,
      };
      out.push(
        name.startsWith('pg_statio')
          ? {
              ...base,
              idx_blks_read: big(s.blocksFetched - s.blocksHit),
              idx_blks_hit: big(s.blocksHit),
            }
          : {
              ...base,
              idx_scan: big(s.numScans),
              idx_tup_read: big(s.tuplesReturned),
              idx_tup_fetch: big(s.tuplesFetched),
            },
      );
    }
  }
  return out;
}

function databaseRows(src: StatCatalogSource, stats: StatViewSource | undefined): Row[] {
  const dbs: { oid: number; datname: string | null }[] = [
    { oid: 0, datname: null },
    ...src.scan('pg_database').map((d) => ({ oid: d.oid as number, datname: d.datname as string })),
  ];
  return dbs.map(({ oid, datname }) => {
    const s = stats?.database(oid);
    const n = (v: number | undefined) => big(v ?? 0);
    return {
      datid: oid,
      datname,
      numbackends: oid === 0 ? 0 : (stats?.numBackends(oid) ?? 0),
      xact_commit: n(s?.xactCommit),
      xact_rollback: n(s?.xactRollback),
      blks_read: n(s === undefined ? 0 : s.blocksFetched - s.blocksHit),
      blks_hit: n(s?.blocksHit),
      tup_returned: n(s?.tuplesReturned),
      tup_fetched: n(s?.tuplesFetched),
      tup_inserted: n(s?.tuplesInserted),
      tup_updated: n(s?.tuplesUpdated),
      tup_deleted: n(s?.tuplesDeleted),
      conflicts: 0n,
      temp_files: 0n,
      temp_bytes: 0n,
      deadlocks: 0n,
      // data checksums are on: counted (never any here)
      checksum_failures: 0n,
      checksum_last_failure: null,
      blk_read_time: 0,
      blk_write_time: 0,
      session_time: 0,
      active_time: 0,
      idle_in_transaction_time: 0,
      sessions: 0n,
      sessions_abandoned: 0n,
      sessions_fatal: 0n,
      sessions_killed: 0n,
      stats_reset: s?.statReset ?? null,
    };
  });
}

function progressRows(src: StatCatalogSource, stats: StatViewSource | undefined): Row[] {
  const names = new Map(src.scan('pg_database').map((d) => [d.oid as number, d.datname]));
  return (stats?.vacuumProgress() ?? []).map((p) => ({
    pid: p.pid,
    datid: p.datid,
    datname: names.get(p.datid) ?? null,
    relid: p.relid,
    phase: p.phase,
    heap_blks_total: big(p.heapBlksTotal),
    heap_blks_scanned: big(p.heapBlksScanned),
    heap_blks_vacuumed: big(p.heapBlksVacuumed),
    index_vacuum_count: big(p.indexVacuumCount),
    max_dead_tuples: big(p.maxDeadTuples),
    num_dead_tuples: big(p.numDeadTuples),
  }));
}
