/**
 * VACUUM FULL, CLUSTER, REINDEX and ALTER TABLE ... CLUSTER ON / SET
 * WITHOUT CLUSTER (PostgreSQL 15's commands/cluster.c cluster,
 * cluster_rel, check_index_is_clusterable, mark_index_clustered;
 * commands/indexcmds.c ExecReindex, ReindexIndex, ReindexTable,
 * ReindexMultipleTables), over @pg/catalog's rewrite.ts.
 *
 * Locks, as PostgreSQL: AccessExclusiveLock on a table rewritten by VACUUM
 * FULL or CLUSTER; ShareLock on the table of REINDEX (and
 * AccessExclusiveLock on the index of REINDEX INDEX). Each runs in the
 * statement's transaction: the old files go when it commits, the new
 * ones if it aborts.
 *
 * Differences from PostgreSQL 15: REINDEX CONCURRENTLY and REINDEX
 * SYSTEM are not supported yet (0A000); REINDEX DATABASE and SCHEMA
 * reindex the user tables only (system catalogs are skipped), all in the
 * statement's one transaction rather than one per table; CLUSTER and
 * VACUUM FULL refuse system catalogs (0A000); VERBOSE's CPU times are
 * 0.00. See @pg/catalog's rewrite.ts for the rewrite's own differences.
 */
import {
  clusteredIndex,
  clusteredTables,
  type EntryFunction,
  type IndexDesc,
  markClustered,
  type RelationDesc,
  type RewriteOptions,
  reindexIndex,
  reindexRelation,
  rewriteTable,
} from '@pg/catalog';
import { indexEntryOf } from '@pg/executor';
import { LockMode } from '@pg/mvcc';
import { builtins, SqlError } from '@pg/types';
import { EngineError } from './result.js';
import type { VacuumContext } from './vacuum-command.js';

// biome-ignore lint/suspicious/noExplicitAny: libpg-query's JSON parse tree
type PNode = any;

/** Crash tests: a function called at each step of a rewrite or reindex (after every page written). */
let stepHook: ((step: string) => void) | undefined;

/** Installs (or removes, with undefined) the step hook of {@link stepHook}; for tests only. */
export function setRewriteStepHook(hook: ((step: string) => void) | undefined): void {
  stepHook = hook;
}

const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set([
  'pg_catalog',
  'information_schema',
  'pg_toast',
]);

const RUSAGE = 'CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.00 s.';

function info(ctx: VacuumContext, message: string, detail?: string): void {
  ctx.notice({ severity: 'INFO', code: '00000', message, ...(detail ? { detail } : {}) });
}

/** The options every rewrite and reindex shares: the horizon, expression entries, the step hook. */
function rewriteOptions(ctx: VacuumContext): RewriteOptions {
  const env = ctx.evalEnv?.();
  return {
    oldestXmin: ctx.oldestXmin(),
    ctx: ctx.txn.ctx,
    entryOf: (table: RelationDesc, ix: IndexDesc): EntryFunction | undefined => {
      if (ix.expressions === undefined && ix.predicate === undefined) return undefined;
      if (env === undefined)
        throw new SqlError('0A000', 'rebuilding an expression index is not supported here');
      const f = indexEntryOf(table, ix, builtins);
      return (values) => f(values, env);
    },
    ...(stepHook !== undefined ? { onStep: stepHook } : {}),
  };
}

function relationName(rv: PNode): { schema: string | undefined; name: string; shown: string } {
  const schema = rv.schemaname === undefined ? undefined : String(rv.schemaname);
  const name = String(rv.relname);
  return { schema, name, shown: schema === undefined ? name : `${schema}.${name}` };
}

function mustResolve(ctx: VacuumContext, rv: PNode): RelationDesc {
  const n = relationName(rv);
  const desc = ctx.catalog.lookupRelation(n.schema, n.name, [...ctx.searchPath]);
  if (desc === undefined) throw new SqlError('42P01', `relation "${n.shown}" does not exist`);
  return desc;
}

/** A DefElem's 1-based position in the statement (parser_errposition). */
function position(d: PNode): number | undefined {
  return typeof d?.location === 'number' && d.location >= 0 ? d.location + 1 : undefined;
}

/** defGetBoolean. */
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

/** The relation may be rewritten here (not a system catalog, not another kind). */
function checkRewritable(desc: RelationDesc, what: 'CLUSTER' | 'VACUUM'): void {
  if (desc.shared) throw new SqlError('0A000', `cannot ${what.toLowerCase()} a shared catalog`);
  if (SYSTEM_NAMESPACES.has(desc.namespaceName) || desc.oid < 16384)
    throw new SqlError(
      '0A000',
      `${what === 'VACUUM' ? 'VACUUM FULL' : what} of a system catalog is not supported yet`,
    );
  if (desc.persistence === 't')
    throw new SqlError(
      '0A000',
      `${what === 'VACUUM' ? 'VACUUM FULL' : what} of a temporary table is not supported yet`,
    );
}

// ------------------------------------------------------------ VACUUM FULL

/**
 * VACUUM FULL of one table (vacuum_rel with VACOPT_FULL → cluster_rel
 * without an index): AccessExclusiveLock, the rewrite, VERBOSE's report.
 * Whether it was vacuumed (ANALYZE follows).
 */
export async function vacuumFullTable(
  ctx: VacuumContext,
  oid: number,
  options: { verbose: boolean; skipLocked: boolean },
): Promise<boolean> {
  const mode = LockMode.AccessExclusiveLock;
  if (options.skipLocked) {
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
  if (desc === undefined) return false;
  if ((desc.kind !== 'r' && desc.kind !== 'm' && desc.kind !== 't') || desc.computed === true) {
    ctx.notice({
      severity: 'WARNING',
      code: '01000',
      message: `skipping "${desc.name}" --- cannot vacuum non-tables or special system tables`,
    });
    return false;
  }
  checkRewritable(desc, 'VACUUM');
  rebuild(ctx, desc, undefined, options.verbose);
  return true;
}

/** rebuild_relation with copy_table_data's VERBOSE messages. */
function rebuild(
  ctx: VacuumContext,
  desc: RelationDesc,
  index: IndexDesc | undefined,
  verbose: boolean,
): void {
  const qualified = `${desc.namespaceName}.${desc.name}`;
  if (verbose) {
    if (index !== undefined)
      info(ctx, `clustering "${qualified}" using index scan on "${index.name}"`);
    else info(ctx, `vacuuming "${qualified}"`);
  }
  const stats = rewriteTable(ctx.catalog, ctx.txn, desc.oid, {
    ...rewriteOptions(ctx),
    ...(index !== undefined ? { clusterIndex: index.oid } : {}),
  });
  if (verbose)
    info(
      ctx,
      `"${qualified}": found ${stats.removable} removable, ${stats.nonRemovable} nonremovable row versions in ${stats.oldPages} pages`,
      `${stats.recentlyDead} dead row versions cannot be removed yet.\n${RUSAGE}`,
    );
}

// ------------------------------------------------------------ CLUSTER

/** check_index_is_clusterable. */
function checkClusterable(
  table: RelationDesc,
  index: RelationDesc | undefined,
  name: string,
): IndexDesc {
  const ix = index === undefined ? undefined : table.indexes.find((i) => i.oid === index.oid);
  if (ix === undefined)
    throw new SqlError('42809', `"${name}" is not an index for table "${table.name}"`);
  if (ix.am !== 'btree')
    throw new SqlError(
      '0A000',
      `cannot cluster on index "${ix.name}" because access method does not support clustering`,
    );
  if (ix.predicate !== undefined)
    throw new SqlError('0A000', `cannot cluster on partial index "${ix.name}"`);
  if (!ix.valid) throw new SqlError('0A000', `cannot cluster on invalid index "${ix.name}"`);
  return ix;
}

/** get_relname_relid in the table's schema, as an index of the table (42704 when there is no such relation). */
function indexByName(ctx: VacuumContext, table: RelationDesc, name: string): IndexDesc {
  const oid = ctx.catalog.relnameRelid(name, table.namespaceOid);
  if (oid === undefined)
    throw new SqlError('42704', `index "${name}" for table "${table.name}" does not exist`);
  return checkClusterable(table, ctx.catalog.relation(oid), name);
}

/** CLUSTER [VERBOSE] [table [USING index]]. Returns the command tag. */
export async function runClusterCommand(body: PNode, ctx: VacuumContext): Promise<string> {
  let verbose = false;
  for (const o of body.params ?? []) {
    const d = o.DefElem;
    if (String(d?.defname).toLowerCase() === 'verbose') verbose = defBool(d);
    else
      throw new EngineError('42601', `unrecognized CLUSTER option "${String(d?.defname)}"`, {
        position: position(d),
      });
  }
  if (body.relation !== undefined) {
    const n = relationName(body.relation);
    const found = mustResolve(ctx, body.relation);
    await ctx.lockMode(found.oid, LockMode.AccessExclusiveLock);
    const table = ctx.catalog.mustRelation(found.oid);
    if (table.kind === 'i') throw new SqlError('42809', `"${table.name}" is an index`);
    if (table.kind === 'p')
      throw new SqlError('0A000', 'CLUSTER of a partitioned table is not supported yet');
    let index: IndexDesc;
    if (body.indexname === undefined) {
      const oid = clusteredIndex(ctx.catalog, ctx.txn, table.oid);
      if (oid === undefined)
        throw new SqlError('42704', `there is no previously clustered index for table "${n.name}"`);
      index = checkClusterable(table, ctx.catalog.relation(oid), String(oid));
    } else index = indexByName(ctx, table, String(body.indexname));
    if (table.kind !== 'r' && table.kind !== 'm')
      throw new SqlError('42809', `"${table.name}" is not a table`);
    checkRewritable(table, 'CLUSTER');
    await ctx.lockMode(index.oid, LockMode.AccessExclusiveLock);
    markClustered(ctx.catalog, ctx.txn, table.oid, index.oid);
    rebuild(ctx, ctx.catalog.mustRelation(table.oid), index, verbose);
    return 'CLUSTER';
  }
  // every table with a clustered index, each with its own checks
  if (ctx.inBlock) throw new SqlError('25001', 'CLUSTER cannot run inside a transaction block');
  for (const oid of clusteredTables(ctx.catalog, ctx.txn)) {
    await ctx.lockMode(oid, LockMode.AccessExclusiveLock);
    const table = ctx.catalog.relation(oid);
    if (table === undefined || table.kind !== 'r') continue;
    if (SYSTEM_NAMESPACES.has(table.namespaceName) || table.persistence === 't') continue;
    const ixOid = clusteredIndex(ctx.catalog, ctx.txn, oid);
    const index = table.indexes.find((i) => i.oid === ixOid);
    if (index === undefined) continue;
    rebuild(ctx, table, index, verbose);
  }
  return 'CLUSTER';
}

/** ALTER TABLE ... CLUSTER ON index (ATExecClusterOn). */
export function alterClusterOn(ctx: VacuumContext, tableOid: number, indexName: string): void {
  const table = ctx.catalog.mustRelation(tableOid);
  const index = indexByName(ctx, table, indexName);
  markClustered(ctx.catalog, ctx.txn, table.oid, index.oid);
}

/** ALTER TABLE ... SET WITHOUT CLUSTER (ATExecDropCluster). */
export function alterDropCluster(ctx: VacuumContext, tableOid: number): void {
  markClustered(ctx.catalog, ctx.txn, tableOid, undefined);
}

// ------------------------------------------------------------ REINDEX

/** REINDEX [ (VERBOSE) ] { INDEX | TABLE | SCHEMA | DATABASE | SYSTEM } [CONCURRENTLY] name. */
export async function runReindexCommand(body: PNode, ctx: VacuumContext): Promise<string> {
  let verbose = false;
  let concurrently = false;
  for (const o of body.params ?? []) {
    const d = o.DefElem;
    const name = String(d?.defname).toLowerCase();
    if (name === 'verbose') verbose = defBool(d);
    else if (name === 'concurrently') concurrently = defBool(d);
    else if (name === 'tablespace')
      throw new SqlError('0A000', 'REINDEX (TABLESPACE) is not supported yet');
    else
      throw new EngineError('42601', `unrecognized REINDEX option "${String(d?.defname)}"`, {
        position: position(d),
      });
  }
  if (concurrently && ctx.inBlock)
    throw new SqlError('25001', 'REINDEX CONCURRENTLY cannot run inside a transaction block');
  const kind = String(body.kind);
  switch (kind) {
    case 'REINDEX_OBJECT_INDEX': {
      const n = relationName(body.relation);
      const desc = mustResolve(ctx, body.relation);
      if (desc.kind !== 'i' && desc.kind !== 'I')
        throw new SqlError('42809', `"${n.name}" is not an index`);
      if (concurrently) throw new SqlError('0A000', 'REINDEX CONCURRENTLY is not supported yet');
      const tableOid = tableOfIndex(ctx, desc.oid);
      await ctx.lockMode(tableOid, LockMode.ShareLock);
      await ctx.lockMode(desc.oid, LockMode.AccessExclusiveLock);
      const table = ctx.catalog.mustRelation(tableOid);
      checkReindexable(table);
      reindexIndex(ctx.catalog, ctx.txn, desc.oid, rewriteOptions(ctx));
      if (verbose) info(ctx, `index "${desc.name}" was reindexed`, RUSAGE);
      return 'REINDEX';
    }
    case 'REINDEX_OBJECT_TABLE': {
      const n = relationName(body.relation);
      const desc = mustResolve(ctx, body.relation);
      if (desc.kind !== 'r' && desc.kind !== 'm' && desc.kind !== 't')
        throw new SqlError('42809', `"${n.name}" is not a table or materialized view`);
      if (concurrently) throw new SqlError('0A000', 'REINDEX CONCURRENTLY is not supported yet');
      await ctx.lockMode(desc.oid, LockMode.ShareLock);
      if (!reindexTable(ctx, desc.oid, verbose))
        ctx.notice({
          severity: 'NOTICE',
          code: '00000',
          message: `table "${n.name}" has no indexes to reindex`,
        });
      return 'REINDEX';
    }
    case 'REINDEX_OBJECT_SCHEMA':
    case 'REINDEX_OBJECT_SYSTEM':
    case 'REINDEX_OBJECT_DATABASE': {
      const what =
        kind === 'REINDEX_OBJECT_SCHEMA'
          ? 'REINDEX SCHEMA'
          : kind === 'REINDEX_OBJECT_SYSTEM'
            ? 'REINDEX SYSTEM'
            : 'REINDEX DATABASE';
      if (ctx.inBlock) throw new SqlError('25001', `${what} cannot run inside a transaction block`);
      const name = String(body.name ?? '');
      let namespace: number | undefined;
      if (kind === 'REINDEX_OBJECT_SCHEMA') {
        namespace = ctx.catalog.namespaceOid(name);
        if (namespace === undefined) throw new SqlError('3F000', `schema "${name}" does not exist`);
      } else if (name !== ctx.database)
        throw new SqlError('0A000', 'can only reindex the currently open database');
      if (concurrently) throw new SqlError('0A000', 'REINDEX CONCURRENTLY is not supported yet');
      if (kind === 'REINDEX_OBJECT_SYSTEM')
        throw new SqlError('0A000', 'REINDEX SYSTEM is not supported yet');
      for (const oid of userTables(ctx, namespace)) {
        await ctx.lockMode(oid, LockMode.ShareLock);
        const desc = ctx.catalog.relation(oid);
        if (desc === undefined) continue;
        reindexTable(ctx, oid, false);
        if (verbose) info(ctx, `table "${desc.namespaceName}.${desc.name}" was reindexed`);
      }
      return 'REINDEX';
    }
    default:
      throw new SqlError('0A000', `REINDEX ${kind} is not supported yet`);
  }
}

function checkReindexable(table: RelationDesc): void {
  if (table.shared || SYSTEM_NAMESPACES.has(table.namespaceName) || table.oid < 16384) {
    if (table.kind !== 't')
      throw new SqlError('0A000', 'REINDEX of a system catalog is not supported yet');
  }
  if (table.persistence === 't')
    throw new SqlError('0A000', 'REINDEX of a temporary table is not supported yet');
}

/** reindex_relation with VERBOSE's per-index INFO; whether there was any index. */
function reindexTable(ctx: VacuumContext, oid: number, verbose: boolean): boolean {
  const table = ctx.catalog.mustRelation(oid);
  checkReindexable(table);
  const names = [
    ...(table.toastRelid !== 0 ? ctx.catalog.mustRelation(table.toastRelid).indexes : []),
    ...table.indexes,
  ].map((i) => i.name);
  const n = reindexRelation(ctx.catalog, ctx.txn, oid, rewriteOptions(ctx));
  if (verbose) for (const name of names) info(ctx, `index "${name}" was reindexed`, RUSAGE);
  return n > 0;
}

function tableOfIndex(ctx: VacuumContext, indexOid: number): number {
  const t = ctx.catalog.cluster.tables(ctx.catalog.dbOid).get('pg_index');
  const row = t?.lookupOne('pg_index_indexrelid_index', [indexOid], ctx.txn);
  if (t === undefined || row === undefined)
    throw new SqlError('XX000', `cache lookup failed for index ${indexOid}`);
  return row.values[t.col('indrelid')] as number;
}

/** The user tables with indexes (REINDEX DATABASE / SCHEMA), optionally of one schema. */
function userTables(ctx: VacuumContext, namespace: number | undefined): number[] {
  const cls = ctx.catalog.cluster.tables(ctx.catalog.dbOid).get('pg_class');
  if (cls === undefined) return [];
  const out: number[] = [];
  for (const row of cls.scan(ctx.txn)) {
    const kind = row.values[cls.col('relkind')];
    if (kind !== 'r' && kind !== 'm') continue;
    if (namespace !== undefined && row.values[cls.col('relnamespace')] !== namespace) continue;
    const oid = row.values[cls.col('oid')] as number;
    const desc = ctx.catalog.relation(oid);
    if (desc === undefined || desc.computed === true || oid < 16384) continue;
    if (SYSTEM_NAMESPACES.has(desc.namespaceName) || desc.persistence === 't') continue;
    out.push(oid);
  }
  return out.sort((a, b) => a - b);
}
