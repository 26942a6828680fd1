/**
 * ANALYZE [VERBOSE] [table [(column, ...)], ...] (vacuum.c's
 * ExecVacuum / vacuum for the ANALYZE-only case, analyze.c's
 * analyze_rel / do_analyze_rel), ALTER TABLE ... ALTER COLUMN ... SET
 * STATISTICS, and the planner's view of what ANALYZE stored.
 *
 * Per table: ShareUpdateExclusiveLock (two ANALYZEs of one table
 * serialize; DML goes on), one pass over the live rows the statement's
 * catalog snapshot sees with a reservoir sample of 300 × the largest
 * statistics target (@pg/vacuum's sampleRows), the column statistics
 * (@pg/vacuum's analyzeSample) written to pg_statistic
 * (@pg/catalog's storeColumnStatistics), and relpages / reltuples /
 * relallvisible written to pg_class.
 *
 * Differences from PostgreSQL 15: every page is read (PostgreSQL reads at
 * most targrows pages and extrapolates reltuples from them; here
 * reltuples is the exact live count and VERBOSE says "scanned N of N
 * pages"); ANALYZE without a table list
 * analyzes the user tables only, not the system catalogs; index
 * expression statistics, inheritance trees and extended statistics are
 * not computed; array columns get no most_common_elems.
 */
import {
  type Catalog,
  type CatalogTxn,
  columnStatistics,
  relationSizeStatistics,
  setStatisticsTarget,
  statisticsTargets,
  storeColumnStatistics,
  updateRelationSizeStatistics,
} from '@pg/catalog';
import { type Heap, satisfiesVacuum, updateXidOf } from '@pg/heap';
import type { UpdateContext } from '@pg/mvcc';
import { LP_DEAD, LP_NORMAL } from '@pg/page';
import { ForkNumber } from '@pg/storage';
import { builtins, SqlError } from '@pg/types';
import { type AnalyzeColumn, analyzeSample, sampleRows, sampleSize } from '@pg/vacuum';
import { autovacuumWorker } from './autovacuum.js'; // autovacuum
import type { SessionStats } from './pgstat.js';
import type { Notice } from './result.js';

// biome-ignore lint/suspicious/noExplicitAny: libpg-query's JSON parse tree
type PNode = any;

/** What the statement needs from its session. */
export interface AnalyzeContext {
  readonly catalog: Catalog;
  readonly txn: CatalogTxn;
  readonly searchPath: readonly string[];
  /** Inside BEGIN ... COMMIT. */
  readonly inBlock: boolean;
  notice(n: Notice): void;
  /** A setting's current value (default_statistics_target). */
  setting(name: string): unknown;
  /** Waits for ShareUpdateExclusiveLock on the relation (held to the end of the transaction). */
  lock(relOid: number): Promise<void>;
  /** issue 11: the session's statistics (pgstat_report_analyze, pg_stat_progress_vacuum). */
  readonly stats?: SessionStats;
  /** The session's process id (pg_stat_progress_vacuum.pid). */
  readonly pid?: number;
}

/**
 * issue 11: acquire_sample_rows' dead-row count over every page: line
 * pointers marked dead, and tuples HeapTupleSatisfiesVacuum calls DEAD or
 * RECENTLY_DEAD, and tuples this transaction deleted.
 */
function countDeadRows(heap: Heap, ctx: UpdateContext): number {
  let dead = 0;
  const nblocks = heap.nblocks();
  for (let block = 0; block < nblocks; block++) {
    const buffer = heap.pool.readBuffer(heap.rel, ForkNumber.main, block);
    heap.pool.lock(buffer, 'share');
    try {
      const page = heap.pool.page(buffer);
      if (page.isNew()) continue;
      for (let off = 1; off <= page.maxOffsetNumber; off++) {
        const flags = page.itemId(off).flags;
        if (flags === LP_DEAD) dead++;
        if (flags !== LP_NORMAL) continue;
        // both DEAD and RECENTLY_DEAD count, so the cutoff does not matter
        const item = page.mustItem(off);
        const status = satisfiesVacuum(item, 3, ctx);
        if (status === 'DEAD' || status === 'RECENTLY_DEAD') dead++;
        // deleted by this very transaction: dead to ANALYZE
        else if (
          status === 'DELETE_IN_PROGRESS' &&
          ctx.isCurrentTransactionId(updateXidOf(item, ctx))
        )
          dead++;
      }
    } finally {
      heap.pool.unlockRelease(buffer);
    }
  }
  return dead;
}

/** The namespaces ANALYZE without a list leaves alone. */
const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set([
  'pg_catalog',
  'information_schema',
  'pg_toast',
]);

/**
 * Runs a VacuumStmt: ANALYZE; VACUUM (with or without ANALYZE) is not
 * supported yet (0A000), after PostgreSQL's 25001 inside a block.
 */
export async function runVacuumStatement(body: PNode, ctx: AnalyzeContext): Promise<string> {
  let verbose = false;
  for (const o of body.options ?? []) {
    const name = String(o.DefElem?.defname);
    if (name === 'verbose') verbose = defBool(o.DefElem);
    else if (name === 'analyze' && body.is_vacuumcmd === true) continue;
    else if (name === 'skip_locked')
      throw new SqlError('0A000', 'ANALYZE (SKIP_LOCKED) is not supported yet');
    else if (body.is_vacuumcmd !== true)
      throw new SqlError('42601', `unrecognized ANALYZE option "${name}"`);
  }
  if (body.is_vacuumcmd === true) {
    if (ctx.inBlock) throw new SqlError('25001', 'VACUUM cannot run inside a transaction block');
    throw new SqlError('0A000', 'VACUUM is not supported yet');
  }
  const targets: { oid: number; columns?: string[]; explicit: boolean }[] = [];
  const rels: PNode[] = body.rels ?? [];
  if (rels.length === 0) {
    for (const oid of userTables(ctx)) targets.push({ oid, explicit: false });
  } else {
    // expand_vacuum_rel: resolve every name first (42P01 before any work)
    for (const r of rels) {
      const vr = r.VacuumRelation;
      const rv = vr.relation;
      const schema = rv.schemaname === undefined ? undefined : String(rv.schemaname);
      const name = String(rv.relname);
      const desc = ctx.catalog.lookupRelation(schema, name, [...ctx.searchPath]);
      if (desc === undefined) {
        throw new SqlError(
          '42P01',
          `relation "${schema === undefined ? name : `${schema}.${name}`}" does not exist`,
        );
      }
      const columns = (vr.va_cols ?? []).map((c: PNode) => String(c.String?.sval));
      targets.push({ oid: desc.oid, explicit: true, ...(columns.length ? { columns } : {}) });
    }
  }
  for (const t of targets) await analyzeRelation(ctx, t.oid, t.columns, verbose);
  return 'ANALYZE';
}

/** DefElem's boolean: absent argument = true. */
function defBool(d: PNode): boolean {
  const a = d?.arg;
  if (a === undefined) return true;
  if (a.Boolean !== undefined) return a.Boolean.boolval === true;
  if (a.Integer !== undefined) return Number(a.Integer.ival ?? 0) !== 0;
  const s = String(a.String?.sval ?? a.TypeName?.names?.[0]?.String?.sval ?? '').toLowerCase();
  return ['true', 'on', 'yes', '1'].includes(s);
}

/** get_all_vacuum_rels, reduced: the plain tables outside the system schemas, in OID order. */
function userTables(ctx: AnalyzeContext): number[] {
  const cls = ctx.catalog.cluster.tables(ctx.catalog.dbOid).get('pg_class');
  if (cls === undefined) return [];
  const out: number[] = [];
  for (const row of cls.scan(ctx.txn)) {
    const kind = row.values[cls.col('relkind')];
    if (kind !== 'r' && kind !== 'm') continue;
    const oid = row.values[cls.col('oid')] as number;
    const desc = ctx.catalog.relation(oid);
    if (desc === undefined || desc.computed === true) continue;
    if (SYSTEM_NAMESPACES.has(desc.namespaceName)) continue;
    out.push(oid);
  }
  return out.sort((a, b) => a - b);
}

/** analyze_rel + do_analyze_rel for one table. */
async function analyzeRelation(
  ctx: AnalyzeContext,
  oid: number,
  columnNames: readonly string[] | undefined,
  verbose: boolean,
): Promise<void> {
  await ctx.lock(oid);
  const { catalog, txn } = ctx;
  const desc = catalog.relation(oid);
  if (desc === undefined) return; // dropped meanwhile
  if ((desc.kind !== 'r' && desc.kind !== 'm') || desc.computed === true) {
    ctx.notice({
      severity: 'WARNING',
      code: '01000',
      message: `skipping "${desc.name}" --- cannot analyze non-tables or special system tables`,
    });
    return;
  }
  if (verbose) {
    ctx.notice({
      severity: 'INFO',
      code: '00000',
      message: `analyzing "${desc.namespaceName}.${desc.name}"`,
    });
  }
  // the columns: the list given (each once), else every live column; target 0 skips one
  const live = desc.columns.filter((c) => !c.dropped);
  let chosen = live;
  if (columnNames !== undefined) {
    chosen = [];
    for (const name of columnNames) {
      const c = live.find((x) => x.name === name);
      if (c === undefined) {
        throw new SqlError('42703', `column "${name}" of relation "${desc.name}" does not exist`);
      }
      if (chosen.includes(c)) {
        throw new SqlError(
          '42701',
          `column "${name}" of relation "${desc.name}" appears more than once`,
        );
      }
      chosen.push(c);
    }
  }
  const attTargets = statisticsTargets(catalog, txn, oid);
  const defaultTarget = Number(ctx.setting('default_statistics_target'));
  const columns: AnalyzeColumn[] = [];
  for (const c of chosen) {
    const type = builtins.type(c.typeOid);
    if (type === undefined) continue; // a type we cannot compare: no statistics (examine_attribute's NULL)
    const att = attTargets.get(c.attnum) ?? -1;
    const target = att < 0 ? defaultTarget : att;
    if (target === 0) continue;
    columns.push({ attnum: c.attnum, type, target, storage: c.storage });
  }
  const { heap } = catalog.openTable(oid);
  const nblocks = heap.nblocks();
  const targrows = sampleSize(columns.map((c) => c.target));
  const natts = desc.columns.length;
  const rows = (function* () {
    for (const row of heap.scan(txn.snapshot(), txn.ctx)) {
      const v = row.values;
      if (v.length >= natts) yield v;
      else {
        // rows older than ADD COLUMN read the column's missing value
        const full = [...v];
        for (let i = v.length; i < natts; i++) full.push(desc.columns[i]?.missing ?? null);
        yield full;
      }
    }
  })();
  const sample = sampleRows(rows, targrows);
  const totalRows = sample.liveRows;
  if (sample.rows.length > 0) {
    const stats = analyzeSample(sample.rows, totalRows, columns);
    storeColumnStatistics(
      catalog,
      txn,
      oid,
      stats.map((s) => ({
        ...s,
        typeOid: (desc.columns[s.attnum - 1] as { typeOid: number }).typeOid,
      })),
    );
  }
  updateRelationSizeStatistics(catalog, txn, oid, {
    relpages: nblocks,
    reltuples: totalRows,
    relallvisible: Math.min(heap.vm.count(heap.rel).allVisible, nblocks),
  });
  // issue 11 (pgstat): pgstat_report_analyze, less what this transaction will report itself
  const deadRows = countDeadRows(heap as Heap, txn.ctx as UpdateContext);
  if (ctx.stats !== undefined) {
    const c = ctx.stats.analyzeCounts(oid, totalRows, deadRows);
    ctx.stats.hub.reportAnalyze(catalog.dbOid, oid, c.live, c.dead, {
      auto: autovacuumWorker(ctx.stats.hub, ctx.pid), // autovacuum: a worker's ANALYZE
    });
  }
  if (verbose) {
    ctx.notice({
      severity: 'INFO',
      code: '00000',
      message:
        `"${desc.name}": scanned ${nblocks} of ${nblocks} pages, containing ${totalRows} live rows and ${deadRows} dead rows; ` +
        `${sample.rows.length} rows in sample, ${totalRows} estimated total rows`,
    });
  }
}

/**
 * ALTER TABLE ... ALTER COLUMN name SET STATISTICS n (ATExecSetStatistics):
 * -1 restores the default; above 10000 is lowered with a WARNING.
 */
export function setColumnStatistics(
  ctx: Pick<AnalyzeContext, 'catalog' | 'txn' | 'notice'>,
  relOid: number,
  column: string,
  value: number,
): void {
  const desc = ctx.catalog.relation(relOid);
  const c = desc?.columns.find((x) => x.name === column && !x.dropped);
  if (desc === undefined || c === undefined) {
    throw new SqlError(
      '42703',
      `column "${column}" of relation "${desc?.name ?? relOid}" does not exist`,
    );
  }
  let target = value;
  if (target < -1) throw new SqlError('22023', `statistics target ${target} is too low`);
  if (target > 10000) {
    target = 10000;
    ctx.notice({
      severity: 'WARNING',
      code: '22023',
      message: 'lowering statistics target to 10000',
    });
  }
  setStatisticsTarget(ctx.catalog, ctx.txn, relOid, c.attnum, target);
}

/**
 * What @pg/planner's PlannerContext reads about a relation (size and
 * columnStats), from what ANALYZE stored: pg_class's reltuples /
 * relallvisible through the transaction's catalog snapshot, the main
 * fork's current size in pages, and the column statistics.
 */
export function plannerStatistics(catalog: Catalog, txn: CatalogTxn) {
  return {
    size(oid: number): { pages: number; tuples: number; allVisible: number } {
      const rel = catalog.open(oid);
      const pages = rel.heap === undefined ? 0 : rel.heap.nblocks();
      const s = relationSizeStatistics(catalog, txn, oid);
      return { pages, tuples: s?.reltuples ?? -1, allVisible: s?.relallvisible ?? 0 };
    },
    columnStats(oid: number, attnum: number) {
      const s = columnStatistics(catalog, txn, oid, attnum);
      if (s === undefined) return undefined;
      return {
        nullFrac: s.nullFrac,
        avgWidth: s.avgWidth,
        nDistinct: s.nDistinct,
        ...(s.mcvValues === undefined ? {} : { mcvValues: s.mcvValues }),
        ...(s.mcvFreqs === undefined ? {} : { mcvFreqs: s.mcvFreqs }),
        ...(s.histogram === undefined ? {} : { histogram: s.histogram }),
        ...(s.correlation === undefined ? {} : { correlation: s.correlation }),
      };
    },
  };
}
