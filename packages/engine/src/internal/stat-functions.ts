/**
 * issue 11: the SQL functions of the statistics system (pgstatfuncs.c):
 * pg_stat_get_* (per relation and per database) that the pg_stat_* views
 * are built on in PostgreSQL, pg_stat_reset(),
 * pg_stat_reset_single_table_counters(oid), pg_stat_clear_snapshot(),
 * pg_stat_force_next_flush(), pg_stat_get_snapshot_timestamp(); and the
 * inspection functions of two contrib extensions, which exist only after
 * CREATE EXTENSION in the database, as in PostgreSQL:
 *
 * - pgstattuple: pgstattuple(regclass) (table_len, tuple_count,
 *   tuple_len, tuple_percent, dead_tuple_count, dead_tuple_len,
 *   dead_tuple_percent, free_space, free_percent; the percentages rounded
 *   to two decimals, as pgstattuple prints them);
 * - pg_visibility: pg_visibility_map(regclass) (blkno, all_visible,
 *   all_frozen), pg_visibility(regclass) (with pd_all_visible) and
 *   pg_visibility_map_summary(regclass) (all_visible, all_frozen).
 *
 * CREATE EXTENSION [IF NOT EXISTS] pgstattuple | pg_visibility and DROP
 * EXTENSION [IF EXISTS] record and remove the pg_extension row; other
 * extension names are 0A000 "extension ... is not available", as in a
 * PostgreSQL without them installed.
 *
 * Differences from PostgreSQL 15: the functions are registered for every
 * database and refuse to run (42883) where the extension is not created,
 * so the error comes at execution, without a position; they are not in
 * pg_proc; pg_stat_force_next_flush() does nothing (every transaction end
 * flushes); void functions return an empty text value.
 */
import type { Catalog } from '@pg/catalog';
import { addSessionFunction } from '@pg/sql';
import { SqlError, type TypeContext, TypeOid } from '@pg/types';
import { heapTupleStats, visibilityMapRows, visibilityMapSummary } from '@pg/vacuum';
import type { SessionStats, TableStatsEntry } from './pgstat.js';
import { statsOfContext } from './pgstat.js';
import type { Notice } from './result.js';

const { int8, oid: OID, regclass, timestamptz, text, record } = TypeOid;

function statsOf(ctx: TypeContext): SessionStats {
  const s = statsOfContext(ctx);
  if (s === undefined) throw new SqlError('0A000', 'this function runs only in a session');
  return s;
}

/** The extensions this engine can create, with pg_extension's version. */
export const AVAILABLE_EXTENSIONS: ReadonlyMap<string, string> = new Map([
  ['pgstattuple', '1.5'],
  ['pg_visibility', '1.2'],
]);

function requireExtension(ctx: TypeContext, extension: string, call: string): SessionStats {
  const s = statsOf(ctx);
  if (s.host?.extensionInstalled(extension) !== true) {
    throw new SqlError('42883', `function ${call} does not exist`, {
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  return s;
}

const percent = (x: number) => Number(x.toFixed(2));

type TableCounter = {
  [K in keyof TableStatsEntry]: TableStatsEntry[K] extends number ? K : never;
}[keyof TableStatsEntry];
type TimeCounter = 'lastVacuum' | 'lastAutovacuum' | 'lastAnalyze' | 'lastAutoanalyze';

/** pg_stat_get_<name>(oid) over a counter of the relation's entry. */
const TABLE_COUNTERS: readonly (readonly [string, TableCounter])[] = [
  ['numscans', 'numScans'],
  ['tuples_returned', 'tuplesReturned'],
  ['tuples_fetched', 'tuplesFetched'],
  ['tuples_inserted', 'tuplesInserted'],
  ['tuples_updated', 'tuplesUpdated'],
  ['tuples_deleted', 'tuplesDeleted'],
  ['tuples_hot_updated', 'tuplesHotUpdated'],
  ['live_tuples', 'nLiveTuples'],
  ['dead_tuples', 'nDeadTuples'],
  ['mod_since_analyze', 'changesSinceAnalyze'],
  ['ins_since_vacuum', 'insertsSinceVacuum'],
  ['blocks_fetched', 'blocksFetched'],
  ['blocks_hit', 'blocksHit'],
  ['vacuum_count', 'vacuumCount'],
  ['autovacuum_count', 'autovacuumCount'],
  ['analyze_count', 'analyzeCount'],
  ['autoanalyze_count', 'autoanalyzeCount'],
];

const TABLE_TIMES: readonly (readonly [string, TimeCounter])[] = [
  ['last_vacuum_time', 'lastVacuum'],
  ['last_autovacuum_time', 'lastAutovacuum'],
  ['last_analyze_time', 'lastAnalyze'],
  ['last_autoanalyze_time', 'lastAutoanalyze'],
];

const DB_COUNTERS: readonly (readonly [
  string,
  (e: import('./pgstat.js').DatabaseStatsEntry) => number,
])[] = [
  ['xact_commit', (e) => e.xactCommit],
  ['xact_rollback', (e) => e.xactRollback],
  ['blocks_fetched', (e) => e.blocksFetched],
  ['blocks_hit', (e) => e.blocksHit],
  ['tuples_returned', (e) => e.tuplesReturned],
  ['tuples_fetched', (e) => e.tuplesFetched],
  ['tuples_inserted', (e) => e.tuplesInserted],
  ['tuples_updated', (e) => e.tuplesUpdated],
  ['tuples_deleted', (e) => e.tuplesDeleted],
];

let registered = false;

/** Registers the functions (once per process). */
export function registerStatFunctions(): void {
  if (registered) return;
  registered = true;
  for (const [name, field] of TABLE_COUNTERS) {
    addSessionFunction({
      name: `pg_stat_get_${name}`,
      args: [OID],
      result: int8,
      volatility: 's',
      strict: true,
      impl: ([oid]: readonly unknown[], ctx: TypeContext) =>
        BigInt(statsOf(ctx).fetchTable(oid as number)?.[field] ?? 0),
    });
  }
  for (const [name, field] of TABLE_TIMES) {
    addSessionFunction({
      name: `pg_stat_get_${name}`,
      args: [OID],
      result: timestamptz,
      volatility: 's',
      strict: true,
      impl: ([oid]: readonly unknown[], ctx: TypeContext) =>
        statsOf(ctx).fetchTable(oid as number)?.[field] ?? null,
    });
  }
  for (const [name, get] of DB_COUNTERS) {
    addSessionFunction({
      name: `pg_stat_get_db_${name}`,
      args: [OID],
      result: int8,
      volatility: 's',
      strict: true,
      impl: ([oid]: readonly unknown[], ctx: TypeContext) => {
        const e = statsOf(ctx).fetchDatabase(oid as number);
        return BigInt(e === undefined ? 0 : get(e));
      },
    });
  }
  addSessionFunction({
    name: 'pg_stat_get_db_stat_reset_time',
    args: [OID],
    result: timestamptz,
    volatility: 's',
    strict: true,
    impl: ([oid]: readonly unknown[], ctx: TypeContext) =>
      statsOf(ctx).fetchDatabase(oid as number)?.statReset ?? null,
  });
  addSessionFunction({
    name: 'pg_stat_get_snapshot_timestamp',
    args: [],
    result: timestamptz,
    volatility: 's',
    strict: false,
    impl: (_a: readonly unknown[], ctx: TypeContext) => statsOf(ctx).snapshotTimestamp,
  });
  const voidFn = (
    name: string,
    args: number[],
    run: (a: readonly unknown[], s: SessionStats) => void,
  ) =>
    addSessionFunction({
      name,
      args,
      result: text,
      volatility: 'v',
      strict: args.length > 0,
      impl: (a: readonly unknown[], ctx: TypeContext) => {
        run(a, statsOf(ctx));
        return '';
      },
    });
  const superuserOnly = (s: SessionStats, name: string) => {
    if (s.host !== undefined && !s.host.isSuperuser())
      throw new SqlError('42501', `permission denied for function ${name}`);
  };
  voidFn('pg_stat_reset', [], (_a, s) => {
    superuserOnly(s, 'pg_stat_reset');
    s.hub.resetDatabase(s.dbOid);
  });
  voidFn('pg_stat_reset_single_table_counters', [OID], ([oid], s) => {
    superuserOnly(s, 'pg_stat_reset_single_table_counters');
    s.hub.resetTable(s.dbOid, oid as number);
  });
  voidFn('pg_stat_clear_snapshot', [], (_a, s) => s.clearSnapshot());
  voidFn('pg_stat_force_next_flush', [], () => {});

  // ---------------------------------------------------------- pgstattuple, pg_visibility
  addSessionFunction({
    name: 'pgstattuple',
    args: [regclass],
    result: record,
    volatility: 'v',
    strict: true,
    impl: ([oid]: readonly unknown[], ctx: TypeContext) => {
      const s = requireExtension(ctx, 'pgstattuple', 'pgstattuple(regclass)');
      const host = s.host!;
      const t = heapTupleStats(host.heapOf(oid as number), host.updateContext(), host.oldestXmin());
      return [
        BigInt(t.tableLen),
        BigInt(t.tupleCount),
        BigInt(t.tupleLen),
        percent(t.tuplePercent),
        BigInt(t.deadTupleCount),
        BigInt(t.deadTupleLen),
        percent(t.deadTuplePercent),
        BigInt(t.freeSpace),
        percent(t.freePercent),
      ];
    },
  });
  addSessionFunction({
    name: 'pg_visibility_map',
    args: [regclass],
    result: record,
    volatility: 'v',
    strict: true,
    retset: true,
    impl: ([oid]: readonly unknown[], ctx: TypeContext) => {
      const s = requireExtension(ctx, 'pg_visibility', 'pg_visibility_map(regclass)');
      return visibilityMapRows(s.host!.heapOf(oid as number)).map((r) => [
        BigInt(r.blkno),
        r.allVisible,
        r.allFrozen,
      ]);
    },
  });
  addSessionFunction({
    name: 'pg_visibility',
    args: [regclass],
    result: record,
    volatility: 'v',
    strict: true,
    retset: true,
    impl: ([oid]: readonly unknown[], ctx: TypeContext) => {
      const s = requireExtension(ctx, 'pg_visibility', 'pg_visibility(regclass)');
      return visibilityMapRows(s.host!.heapOf(oid as number)).map((r) => [
        BigInt(r.blkno),
        r.allVisible,
        r.allFrozen,
        r.pdAllVisible,
      ]);
    },
  });
  addSessionFunction({
    name: 'pg_visibility_map_summary',
    args: [regclass],
    result: record,
    volatility: 'v',
    strict: true,
    impl: ([oid]: readonly unknown[], ctx: TypeContext) => {
      const s = requireExtension(ctx, 'pg_visibility', 'pg_visibility_map_summary(regclass)');
      const v = visibilityMapSummary(s.host!.heapOf(oid as number));
      return [BigInt(v.allVisible), BigInt(v.allFrozen)];
    },
  });
}

// ------------------------------------------------------------ CREATE / DROP EXTENSION

// biome-ignore lint/suspicious/noExplicitAny: libpg-query's JSON parse tree
type PNode = any;

/** What the extension statements need of the session. */
export interface ExtensionDdlContext {
  readonly catalog: Catalog;
  /** The current role's pg_authid OID. */
  readonly userOid: number;
  readonly superuser: boolean;
  /** The schema objects are created in (the first existing schema of search_path). */
  readonly creationNamespace: number;
  notice(n: Notice): void;
}

/** CREATE EXTENSION [IF NOT EXISTS] name (CreateExtension, for the extensions this engine has). */
export function createExtension(c: ExtensionDdlContext, body: PNode): void {
  const name = String(body.extname);
  if (c.catalog.extension(name) !== undefined) {
    if (body.if_not_exists === true) {
      c.notice({
        severity: 'NOTICE',
        code: '42710',
        message: `extension "${name}" already exists, skipping`,
      });
      return;
    }
    throw new SqlError('42710', `extension "${name}" already exists`);
  }
  const version = AVAILABLE_EXTENSIONS.get(name);
  if (version === undefined) {
    throw new SqlError('0A000', `extension "${name}" is not available`, {
      detail: `Could not open extension control file "/usr/share/postgresql/15/extension/${name}.control": No such file or directory.`,
      hint: 'The extension must first be installed on the system where PostgreSQL is running.',
    });
  }
  if (!c.superuser) {
    throw new SqlError('42501', `permission denied to create extension "${name}"`, {
      hint: 'Must be superuser to create this extension.',
    });
  }
  c.catalog.createExtension({
    extname: name,
    extowner: c.userOid,
    extnamespace: c.creationNamespace,
    extrelocatable: true,
    extversion: version,
  });
}

/** DROP EXTENSION [IF EXISTS] name [, ...]. */
export function dropExtension(c: ExtensionDdlContext, body: PNode): void {
  const names: string[] = (body.objects ?? []).map((o: PNode) => String(o?.String?.sval ?? o));
  for (const name of names) {
    if (c.catalog.extension(name) !== undefined) continue;
    if (body.missing_ok === true) {
      c.notice({
        severity: 'NOTICE',
        code: '00000',
        message: `extension "${name}" does not exist, skipping`,
      });
      continue;
    }
    throw new SqlError('42704', `extension "${name}" does not exist`);
  }
  for (const name of names)
    if (c.catalog.extension(name) !== undefined) c.catalog.dropExtension(name);
}
