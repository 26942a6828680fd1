/**
 * VACUUM [ ( option [, ...] ) ] [ table [ (column, ...) ] [, ...] ] and
 * the legacy VACUUM [FULL] [FREEZE] [VERBOSE] [ANALYZE] form (vacuum.c's
 * ExecVacuum, vacuum, vacuum_rel), over @pg/vacuum's lazyVacuum.
 *
 * Order of checks, as PostgreSQL 15: the options (42601 for an unknown
 * one or a bad value), a column list without ANALYZE (0A000), inside a
 * transaction block (25001), FULL's incompatible options (0A000), then the
 * names (42P01). Per table: ShareUpdateExclusiveLock (SKIP_LOCKED: taken
 * only if free at once, else a WARNING and the table is skipped), the
 * removable cutoff from every session's snapshots and running
 * transactions, lazyVacuum on the table and then on its TOAST table,
 * pg_class's relpages / reltuples / relallvisible / relfrozenxid, VERBOSE's
 * INFO messages, and with ANALYZE the ANALYZE of analyze-command.ts.
 * Truncation takes AccessExclusiveLock only if it is free at once.
 *
 * VACUUM FULL rewrites each table under AccessExclusiveLock
 * (rewrite-command.ts, @pg/catalog's rewrite.ts).
 *
 * freeze (issue 11): the ages come from vacuum_freeze_min_age /
 * vacuum_freeze_table_age / vacuum_failsafe_age / autovacuum_freeze_max_age
 * (FREEZE makes both ages 0); pg_class's statistics and relfrozenxid are
 * written in place (no xid: VACUUM works past the wraparound stop limit);
 * VACUUM without a table list also vacuums the system catalogs; after
 * every VACUUM, vac_update_datfrozenxid advances pg_database.datfrozenxid
 * (in place) and the cluster's xid limits are recomputed (wraparound.ts).
 *
 * Differences from PostgreSQL 15: an explicit system catalog is 0A000,
 * and catalogs are not truncated; each table's
 * vacuum runs inside the statement's transaction rather than one
 * transaction per table; the PARALLEL option is accepted
 * and ignored (no parallel workers); VERBOSE's WAL record count and
 * dirtied-buffer count are 0 (not counted) and its CPU times are 0.
 */
import type { Catalog, CatalogTable, CatalogTxn } from '@pg/catalog';
import type { EvalEnv } from '@pg/executor';
import type { Heap } from '@pg/heap';
import { LockMode, type TransactionId, transactionIdPrecedes, type XidLimits } from '@pg/mvcc';
import { SqlError } from '@pg/types';
import {
  type IndexCleanup,
  type LazyVacuumOptions,
  lazyVacuum,
  lazyVacuumAsync,
  truncateMessage,
  type VacuumDelayPoint,
  type VacuumIndex,
  type VacuumResult,
  vacuumVerboseReport,
} from '@pg/vacuum';
import { type AnalyzeContext, runVacuumStatement } from './analyze-command.js';
import { autovacuumInterrupt, autovacuumWorker } from './autovacuum.js'; // autovacuum
import { EngineError } from './result.js';
import { vacuumFullTable } from './rewrite-command.js'; // issue 11
import { catalogTables, vacUpdateDatfrozenxid } from './wraparound.js'; // freeze (issue 11)

// biome-ignore lint/suspicious/noExplicitAny: libpg-query's JSON parse tree
type PNode = any;

/** What VACUUM needs from its session beyond ANALYZE's context. */
export interface VacuumContext extends AnalyzeContext {
  /** current_database(), for VERBOSE's "db.schema.table". */
  readonly database: string;
  /** GetOldestNonRemovableTransactionId: every session's snapshots and running xids. */
  oldestXmin(): TransactionId;
  /** ReadNextTransactionId. */
  nextXid(): TransactionId;
  /** A lock taken only if free at once (held to the end of the transaction when granted). */
  tryLock(relOid: number, mode: LockMode): boolean;
  /** Waits for a lock (held to the end of the transaction). */
  lockMode(relOid: number, mode: LockMode): Promise<void>;
  unlock(relOid: number, mode: LockMode): void;
  /** freeze (issue 11): SetTransactionIdLimit after datfrozenxid moved. */
  readonly setXidLimits?: (limits: XidLimits) => void;
  /** Buffer pool counters and the WAL insert position, for VERBOSE (and dirtied: the cost-based delay). */
  usage(): { hits: number; reads: number; writes: number; dirtied?: number; walBytes: bigint };
  /** vacuum delay (issue 11): CHECK_FOR_INTERRUPTS (cancel, terminate, statement_timeout), at each delay point. */
  readonly checkInterrupts?: (() => void) | undefined;
  /** issue 11: what an expression or partial index's entries are computed with (REINDEX, VACUUM FULL). */
  readonly evalEnv?: () => EvalEnv;
}

interface VacuumParams {
  verbose: boolean;
  analyze: boolean;
  freeze: boolean;
  full: boolean;
  disablePageSkipping: boolean;
  skipLocked: boolean;
  indexCleanup: IndexCleanup;
  truncate: boolean;
  processToast: boolean;
}

/** defGetBoolean: absent argument true; true/false/on/off/1/0 (42601 otherwise). */
function defBool(d: PNode): boolean {
  const a = d?.arg;
  if (a === undefined) return true;
  if (a.Boolean !== undefined) return a.Boolean.boolval === true;
  if (a.Integer !== undefined) {
    const v = Number(a.Integer.ival ?? 0);
    if (v === 0 || v === 1) return v === 1;
  } else {
    const s = String(a.String?.sval ?? a.TypeName?.names?.[0]?.String?.sval ?? '').toLowerCase();
    if (['true', 'on', 'yes', '1', 't', 'y'].includes(s)) return true;
    if (['false', 'off', 'no', '0', 'f', 'n'].includes(s)) return false;
  }
  throw new SqlError('42601', `${String(d.defname)} requires a Boolean value`);
}

/** A DefElem's 1-based position in the statement (parser_errposition). */
function position(d: PNode): number | undefined {
  return typeof d?.location === 'number' && d.location >= 0 ? d.location + 1 : undefined;
}

/** ExecVacuum's option loop. */
function parseOptions(body: PNode): VacuumParams {
  const p: VacuumParams = {
    verbose: false,
    analyze: false,
    freeze: false,
    full: false,
    disablePageSkipping: false,
    skipLocked: false,
    indexCleanup: 'auto',
    truncate: true,
    processToast: true,
  };
  for (const o of body.options ?? []) {
    const d = o.DefElem;
    const name = String(d?.defname).toLowerCase();
    switch (name) {
      case 'verbose':
        p.verbose = defBool(d);
        break;
      case 'analyze':
        p.analyze = defBool(d);
        break;
      case 'freeze':
        p.freeze = defBool(d);
        break;
      case 'full':
        p.full = defBool(d);
        break;
      case 'disable_page_skipping':
        p.disablePageSkipping = defBool(d);
        break;
      case 'skip_locked':
        p.skipLocked = defBool(d);
        break;
      case 'truncate':
        p.truncate = defBool(d);
        break;
      case 'process_toast':
        p.processToast = defBool(d);
        break;
      case 'index_cleanup': {
        const a = d.arg;
        const s = a?.String?.sval ?? a?.TypeName?.names?.[0]?.String?.sval;
        if (a !== undefined && typeof s === 'string' && s.toLowerCase() === 'auto')
          p.indexCleanup = 'auto';
        else p.indexCleanup = defBool(d) ? 'on' : 'off';
        break;
      }
      case 'parallel': {
        const a = d.arg;
        if (a === undefined)
          throw new EngineError('42601', 'parallel option requires a value between 0 and 1024', {
            position: position(d),
          });
        const n = Number(a.Integer?.ival ?? (a.Float?.fval !== undefined ? Number.NaN : 0));
        if (!Number.isInteger(n) || n < 0 || n > 1024)
          throw new EngineError('42601', 'parallel workers for vacuum must be between 0 and 1024', {
            position: position(d),
          });
        break;
      }
      default:
        throw new EngineError('42601', `unrecognized VACUUM option "${String(d?.defname)}"`, {
          position: position(d),
        });
    }
  }
  return p;
}

/**
 * Runs a VacuumStmt with is_vacuumcmd (VACUUM, not ANALYZE). Returns the
 * command tag.
 */
export async function runVacuumCommand(body: PNode, ctx: VacuumContext): Promise<string> {
  const params = parseOptions(body);
  const rels: PNode[] = body.rels ?? [];
  if (!params.analyze && rels.some((r) => (r.VacuumRelation?.va_cols ?? []).length > 0))
    throw new SqlError('0A000', 'ANALYZE option must be specified when a column list is provided');
  if (ctx.inBlock) throw new SqlError('25001', 'VACUUM cannot run inside a transaction block');
  if (params.full && params.disablePageSkipping)
    throw new SqlError('0A000', 'VACUUM option DISABLE_PAGE_SKIPPING cannot be used with FULL');
  if (params.full && !params.processToast)
    throw new SqlError('0A000', 'PROCESS_TOAST required with VACUUM FULL');
  // expand_vacuum_rel: every name resolved first
  const targets: { oid: number; rel?: PNode }[] = [];
  if (rels.length === 0) {
    for (const oid of userTables(ctx)) targets.push({ oid });
  } else {
    for (const r of rels) {
      const rv = r.VacuumRelation.relation;
      const schema = rv.schemaname === undefined ? undefined : String(rv.schemaname);
      const name = String(rv.relname);
      const desc = ctx.catalog.lookupRelation(schema, name, [...ctx.searchPath]);
      if (desc === undefined)
        throw new SqlError(
          '42P01',
          `relation "${schema === undefined ? name : `${schema}.${name}`}" does not exist`,
        );
      targets.push({ oid: desc.oid, rel: r });
    }
  }
  for (const t of targets) {
    // issue 11: VACUUM FULL rewrites the table (rewrite-command.ts)
    const done = params.full
      ? await vacuumFullTable(ctx, t.oid, params)
      : await vacuumTable(ctx, t.oid, params);
    if (done && params.analyze) {
      const desc = ctx.catalog.relation(t.oid);
      if (desc === undefined) continue;
      const vr = t.rel?.VacuumRelation ?? {};
      await runVacuumStatement(
        {
          is_vacuumcmd: false,
          options: params.verbose ? [{ DefElem: { defname: 'verbose' } }] : [],
          rels: [
            {
              VacuumRelation: {
                relation: { schemaname: desc.namespaceName, relname: desc.name },
                ...(vr.va_cols !== undefined ? { va_cols: vr.va_cols } : {}),
              },
            },
          ],
        },
        ctx,
      );
    }
  }
  // freeze (issue 11): a database-wide VACUUM vacuums the system catalogs
  // too (their relfrozenxid bounds datfrozenxid); then vac_update_datfrozenxid
  if (rels.length === 0 && !params.full) {
    for (const table of catalogTables(ctx.catalog.cluster, ctx.catalog.dbOid))
      await vacuumOne(ctx, table.def.oid, params, table);
  }
  vacUpdateDatfrozenxid({
    cluster: ctx.catalog.cluster,
    txn: ctx.txn,
    dbOid: ctx.catalog.dbOid,
    oldestXmin: ctx.oldestXmin(),
    nextXid: ctx.nextXid(),
    autovacuumFreezeMaxAge: Number(settingOr(ctx, 'autovacuum_freeze_max_age', 200_000_000)),
    setLimits: (l) => ctx.setXidLimits?.(l),
  });
  return 'VACUUM';
}

const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set([
  'pg_catalog',
  'information_schema',
  'pg_toast',
]);

/** get_all_vacuum_rels, reduced: plain tables and materialized views outside the system schemas. */
function userTables(ctx: VacuumContext): number[] {
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

/** vacuum_rel: one table and its TOAST table. Whether it was vacuumed (ANALYZE follows). */
async function vacuumTable(
  ctx: VacuumContext,
  oid: number,
  params: VacuumParams,
): Promise<boolean> {
  const mode = LockMode.ShareUpdateExclusiveLock;
  if (params.skipLocked) {
    if (!ctx.tryLock(oid, mode)) {
      const name = ctx.catalog.relation(oid)?.name ?? String(oid);
      ctx.notice({
        severity: 'WARNING',
        code: '55P03',
        message: `skipping vacuum of "${name}" --- lock not available`,
      });
      return false;
    }
  } else await ctx.lockMode(oid, mode);
  const desc = ctx.catalog.relation(oid);
  if (desc === undefined) return false; // dropped meanwhile
  if ((desc.kind !== 'r' && desc.kind !== 'm' && desc.kind !== 't') || desc.computed === true) {
    ctx.notice({
      severity: 'WARNING',
      code: '01000',
      message: `skipping "${desc.name}" --- cannot vacuum non-tables or special system tables`,
    });
    return false;
  }
  if (SYSTEM_NAMESPACES.has(desc.namespaceName) && desc.kind !== 't')
    throw new SqlError('0A000', 'VACUUM of a system catalog is not supported yet');
  if (desc.persistence === 't')
    throw new SqlError('0A000', 'VACUUM of a temporary table is not supported yet');
  await vacuumOne(ctx, oid, params);
  if (params.processToast && desc.toastRelid !== 0) await vacuumOne(ctx, desc.toastRelid, params);
  return true;
}

/** heap_vacuum_rel for one relation with storage, then vac_update_relstats. */
async function vacuumOne(
  ctx: VacuumContext,
  oid: number,
  params: VacuumParams,
  systemCatalog?: CatalogTable, // freeze (issue 11): a catalog of a database-wide VACUUM
): Promise<void> {
  const { catalog, txn } = ctx;
  const desc = systemCatalog
    ? { name: systemCatalog.def.name, namespaceName: 'pg_catalog' }
    : catalog.relation(oid);
  if (desc === undefined) return;
  const open = systemCatalog ? undefined : catalog.openTable(oid);
  const heap = (open ? open.heap : systemCatalog?.heap) as Heap;
  const qualified = `${ctx.database}.${desc.namespaceName}.${desc.name}`;
  if (params.verbose)
    ctx.notice({ severity: 'INFO', code: '00000', message: `vacuuming "${qualified}"` });
  const before = relationRow(catalog, txn, oid);
  const indexes: VacuumIndex[] = open
    ? open.indexes.map((ix) => ({
        name: ix.desc.name,
        bulkDelete: (cb, stats) => ix.index.bulkDelete(cb, stats),
        vacuumCleanup: (stats) => ix.index.vacuumCleanup(stats),
      }))
    : (systemCatalog?.indexes ?? []).map((ix) => ({
        name: ix.def.name,
        bulkDelete: (cb, stats) => ix.tree.bulkDelete(cb, stats),
        vacuumCleanup: (stats) => ix.tree.vacuumCleanup(stats),
      }));
  const usage0 = ctx.usage();
  const start = Date.now();
  // issue 11 (pgstat): pg_stat_progress_vacuum's row while it runs
  const progress = ctx.stats?.hub.startVacuumProgress(ctx.pid ?? 0, catalog.dbOid, oid);
  let r: VacuumResult;
  try {
    const relation = {
      heap,
      indexes,
      ...(before ? { relfrozenxid: before.relfrozenxid } : {}),
      ...(before ? { oldRelPages: before.relpages, oldRelTuples: before.reltuples } : {}),
    };
    const options: LazyVacuumOptions = {
      ctx: txn.ctx,
      oldestXmin: ctx.oldestXmin(),
      nextXid: () => ctx.nextXid(),
      freeze: params.freeze,
      freezeMinAge: Number(settingOr(ctx, 'vacuum_freeze_min_age', 50_000_000)),
      freezeTableAge: Number(settingOr(ctx, 'vacuum_freeze_table_age', 150_000_000)),
      disablePageSkipping: params.disablePageSkipping,
      indexCleanup: params.indexCleanup,
      // freeze (issue 11): catalogs are not truncated here (their files stay as the cluster opened them)
      truncate: params.truncate && systemCatalog === undefined,
      autovacuumFreezeMaxAge: Number(settingOr(ctx, 'autovacuum_freeze_max_age', 200_000_000)),
      failsafeAge: Number(settingOr(ctx, 'vacuum_failsafe_age', 1_600_000_000)),
      qualifiedName: qualified,
      onWarning: (w) => ctx.notice({ severity: 'WARNING', code: '01000', ...w }),
      maintenanceWorkMemKb: settingKb(settingOr(ctx, 'maintenance_work_mem', 65536)),
      truncateLock: {
        tryAcquire: () => ctx.tryLock(oid, LockMode.AccessExclusiveLock),
        release: () => ctx.unlock(oid, LockMode.AccessExclusiveLock),
      },
      ...(progress === undefined
        ? {}
        : {
            progress: (p) => {
              progress.progress = p;
            },
          }),
    };
    // vacuum delay (issue 11): a user table's vacuum stops between pages
    // (other sessions run meanwhile); a system catalog's runs in one step
    // (this engine's catalog readers take no locks)
    r =
      systemCatalog === undefined
        ? await lazyVacuumAsync(relation, options, vacuumDelayPoint(ctx))
        : lazyVacuum(relation, options);
  } finally {
    if (progress !== undefined) ctx.stats?.hub.endVacuumProgress(progress.pid);
  }
  // issue 11 (pgstat): pgstat_report_vacuum
  ctx.stats?.hub.reportVacuum(
    catalog.dbOid,
    oid,
    r.newLiveTuples,
    r.recentlyDeadTuples,
    autovacuumWorker(ctx.stats.hub, ctx.pid), // autovacuum: a worker's VACUUM counts as autovacuum
  );
  const elapsedMs = Date.now() - start;
  const usage1 = ctx.usage();
  // vac_update_relstats: relfrozenxid only moves forward (unless it is "in the future": corrupt)
  const oldFrozen = before?.relfrozenxid ?? 0;
  const newFrozen =
    r.newRelfrozenxid !== undefined &&
    oldFrozen !== r.newRelfrozenxid &&
    (oldFrozen === 0 ||
      transactionIdPrecedes(oldFrozen, r.newRelfrozenxid) ||
      transactionIdPrecedes(ctx.nextXid(), oldFrozen))
      ? r.newRelfrozenxid
      : undefined;
  updateRelationStats(catalog, txn, oid, {
    relpages: r.newRelPages,
    reltuples: r.newLiveTuples,
    relallvisible: r.relAllVisible,
    ...(newFrozen !== undefined ? { relfrozenxid: newFrozen } : {}),
  });
  if (params.verbose) {
    if (r.pagesRemoved > 0)
      ctx.notice({
        severity: 'INFO',
        code: '00000',
        message: truncateMessage(desc.name, r.relPages, r.newRelPages),
      });
    ctx.notice({
      severity: 'INFO',
      code: '00000',
      message: vacuumVerboseReport(r, {
        qualifiedName: qualified,
        nextXid: ctx.nextXid(),
        relfrozenxid: oldFrozen,
        ...(newFrozen !== undefined ? { newRelfrozenxid: newFrozen } : {}),
        elapsedMs,
        buffers: {
          hits: usage1.hits - usage0.hits,
          misses: usage1.reads - usage0.reads,
          dirtied: 0,
        },
        wal: { records: 0, fpi: 0, bytes: Number(usage1.walBytes - usage0.walBytes) },
        readPages: usage1.reads - usage0.reads,
        writtenPages: usage1.writes - usage0.writes,
      }),
    });
  }
}

// vacuum delay (issue 11)
/** Pages a vacuum does between two turns of the event loop when no cost-based sleep comes first. */
export const VACUUM_YIELD_PAGES = 8;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/**
 * vacuum_delay_point, called by the vacuum between pages: checks for
 * interrupts (the session's cancel, terminate and statement_timeout; an
 * autovacuum worker told to end by CREATE/DROP DATABASE),
 * charges the buffer pool's hits, misses and newly dirtied pages since the
 * last call at vacuum_cost_page_hit / _miss / _dirty, and when the balance
 * reaches the cost limit (autovacuum_vacuum_cost_limit for a worker, -1:
 * vacuum_cost_limit) sleeps the cost delay (autovacuum_vacuum_cost_delay
 * for a worker, -1: vacuum_cost_delay) × balance / limit, at most 4 × the
 * delay. Without a sleep it still yields to the event loop every
 * VACUUM_YIELD_PAGES pages, so other sessions' statements and
 * pg_stat_progress_vacuum readers run while a large table is vacuumed.
 * (Nothing else runs between two calls, so the pool's counter deltas are
 * this vacuum's own.)
 */
export function vacuumDelayPoint(ctx: VacuumContext): VacuumDelayPoint {
  const hub = ctx.stats?.hub;
  const worker = autovacuumWorker(hub, ctx.pid);
  const n = (name: string, fallback: number) => Number(settingOr(ctx, name, fallback));
  let delay = worker ? n('autovacuum_vacuum_cost_delay', 2) : -1;
  if (delay < 0) delay = n('vacuum_cost_delay', 0);
  let limit = worker ? n('autovacuum_vacuum_cost_limit', -1) : -1;
  if (limit <= 0) limit = n('vacuum_cost_limit', 200);
  const hit = n('vacuum_cost_page_hit', 1);
  const miss = n('vacuum_cost_page_miss', 2);
  const dirty = n('vacuum_cost_page_dirty', 20);
  let last = ctx.usage();
  let balance = 0;
  let pages = 0;
  return () => {
    ctx.checkInterrupts?.();
    const interrupt = worker ? autovacuumInterrupt(hub, ctx.pid) : undefined;
    if (interrupt !== undefined) throw interrupt;
    const now = ctx.usage();
    balance +=
      (now.hits - last.hits) * hit +
      (now.reads - last.reads) * miss +
      ((now.dirtied ?? 0) - (last.dirtied ?? 0)) * dirty;
    last = now;
    if (delay > 0 && balance >= limit) {
      const ms = Math.min(delay * 4, (delay * balance) / limit);
      balance = 0;
      pages = 0;
      return sleep(ms);
    }
    if (++pages < VACUUM_YIELD_PAGES) return undefined;
    pages = 0;
    return nextTurn();
  };
}

/** A setting's value, or PostgreSQL's default when this engine does not have the setting yet. */
function settingOr(ctx: VacuumContext, name: string, fallback: number): unknown {
  try {
    return ctx.setting(name) ?? fallback;
  } catch {
    return fallback;
  }
}

/** maintenance_work_mem as the session shows it ('64MB', '1024kB', or a number of kB). */
function settingKb(v: unknown): number {
  if (typeof v === 'number') return v;
  const m = /^\s*(\d+)\s*(kB|MB|GB|TB)?\s*$/.exec(String(v ?? ''));
  if (m === null) return 65536;
  const n = Number(m[1]);
  const unit = m[2] ?? 'kB';
  return n * ({ kB: 1, MB: 1024, GB: 1024 * 1024, TB: 1024 * 1024 * 1024 } as const)[unit as 'kB'];
}

interface RelationRow {
  relpages: number;
  reltuples: number;
  relfrozenxid: TransactionId;
}

function pgClass(catalog: Catalog) {
  const t = catalog.cluster.tables(catalog.dbOid).get('pg_class');
  if (t === undefined) throw new Error('no catalog pg_class');
  return t;
}

function relationRow(catalog: Catalog, txn: CatalogTxn, oid: number): RelationRow | undefined {
  const t = pgClass(catalog);
  const row = t.lookupOne('pg_class_oid_index', [oid], txn);
  if (row === undefined) return undefined;
  return {
    relpages: Number(row.values[t.col('relpages')]),
    reltuples: Number(row.values[t.col('reltuples')]),
    relfrozenxid: Number(row.values[t.col('relfrozenxid')]),
  };
}

/**
 * vac_update_relstats: in place (freeze, issue 11), as PostgreSQL, so that
 * VACUUM needs no xid and works past the wraparound stop limit.
 */
function updateRelationStats(
  catalog: Catalog,
  txn: CatalogTxn,
  oid: number,
  s: { relpages: number; reltuples: number; relallvisible: number; relfrozenxid?: number },
): void {
  const t = pgClass(catalog);
  const row = t.lookupOne('pg_class_oid_index', [oid], txn);
  if (row === undefined) return;
  const changes: Record<string, number> = {
    relpages: s.relpages,
    reltuples: Math.fround(s.reltuples),
    relallvisible: s.relallvisible,
    ...(s.relfrozenxid === undefined ? {} : { relfrozenxid: s.relfrozenxid }),
  };
  if (Object.entries(changes).every(([k, v]) => row.values[t.col(k)] === v)) return;
  t.inplaceUpdate(row.tid, changes);
  catalog.cluster.registerInvalidation(txn.key, catalog, catalog.dbOid, oid);
  txn.commandCounterIncrement();
}
