/**
 * The cumulative statistics system (PostgreSQL 15's pgstat: pgstat.c,
 * pgstat_relation.c, pgstat_database.c, pgstat_xact.c), on one event loop.
 *
 * Two halves, as in PostgreSQL:
 *
 * - `SessionStats`, a session's pending counters (PgStat_TableStatus and
 *   its per-(sub)transaction PgStat_TableXactStatus). The executor bumps
 *   them (@pg/executor's ExecStats: scans and tuples read, rows inserted,
 *   updated, deleted, HOT-updated), keyed by relation OID (tables and
 *   indexes alike). Inserts, updates and deletes are kept per
 *   subtransaction level, so that at the end of each level the live and
 *   dead estimates can be adjusted as pgstat_relation.c's
 *   AtEOXact/AtEOSubXact_PgStat_Relations do.
 * - `StatsHub`, the instance's shared entries (PgStat_StatTabEntry,
 *   PgStat_StatDBEntry), which every session's views read. A session's
 *   pending counters are flushed into it when its transaction ends
 *   (pgstat_report_stat; PostgreSQL waits up to a second between flushes,
 *   here every transaction end flushes, so pg_stat_force_next_flush() has
 *   nothing to force).
 *
 * The end-of-transaction rules (pgstat_relation.c), per relation:
 *
 *   1. inserted, updated, deleted count whether the transaction commits or
 *      aborts ("attempted actions");
 *   2. commit: n_live_tup += inserted - deleted, n_dead_tup += updated +
 *      deleted, n_mod_since_analyze += inserted + updated + deleted;
 *   3. abort (of the transaction or of a subtransaction): n_dead_tup +=
 *      inserted + updated; nothing is a change for ANALYZE;
 *   4. a TRUNCATE (committed) forgets the live and dead counts seen so far
 *      (and n_ins_since_vacuum) and the inserted/updated/deleted counts of
 *      its transaction before it; aborted, the counts from before it are
 *      restored;
 *   5. n_ins_since_vacuum += inserted (committed or not);
 *   6. n_live_tup and n_dead_tup never go below 0.
 *
 * VACUUM and ANALYZE set n_live_tup / n_dead_tup at once, not at the end
 * of their transaction (pgstat_report_vacuum / pgstat_report_analyze);
 * ANALYZE first subtracts what its own transaction's pending counts will
 * add at commit.
 *
 * Reading (stats_fetch_consistency = cache, PostgreSQL's default): the
 * first read of an entry in a transaction copies it; later reads in the
 * same transaction see that copy, until pg_stat_clear_snapshot() or the
 * transaction's end. 'snapshot' copies every entry at the first read;
 * 'none' reads the shared entries each time.
 *
 * Persistence: a clean shutdown writes every entry to
 * pg_stat/pgstat.stat in the data directory (JSON here, PostgreSQL's file
 * is binary); the next start reads it and removes the file, so after a
 * crash (no file written) the statistics start from zero, as PostgreSQL's
 * pgstat_discard_stats.
 *
 * For autovacuum: `StatsHub.autovacuumCounts(dbOid, relOid)` gives a
 * table's n_dead_tup, n_ins_since_vacuum and n_mod_since_analyze (the
 * inputs of relation_needs_vacanalyze besides pg_class.reltuples), and
 * `reportVacuum` / `reportAnalyze` take `auto: true` for its runs.
 *
 * Block counters (issue 11): the buffer pool counts, per relation, the
 * blocks asked for and the blocks found in the pool (a field bump on the
 * relation entry it looks up anyway; pgstat_count_buffer_read/hit), and
 * the hub takes those counts whenever any transaction's counts are
 * flushed (`flushBlocks`), into the relation's and its database's
 * blocks_fetched / blocks_hit (pg_statio_*, pg_stat_database.blks_*).
 *
 * Differences from PostgreSQL 15: opportunistic pruning by readers does
 * not lower n_dead_tup (pgstat_update_heap_dead_tuples); the pool's block
 * counts are one instance-wide tally, so a session's block reads become
 * visible when any session's transaction ends (not necessarily its own);
 * the tuple counters of system catalogs read by the engine itself are not
 * counted (their blocks are); dropped relations keep their entries until
 * pg_stat_reset().
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatViewSource } from '@pg/catalog';
import type { ExecStats, RelationCounters } from '@pg/executor';
import type { Heap } from '@pg/heap';
import type { TransactionId, UpdateContext } from '@pg/mvcc';
import { LP_NORMAL } from '@pg/page';
import { ForkNumber, type RelationBlockCounts } from '@pg/storage';
import { currentTimestamp, type TypeContext } from '@pg/types';
import type { VacuumProgress } from '@pg/vacuum';

// ------------------------------------------------------------ shared entries

/** PgStat_StatTabEntry: one relation's shared counters (a table or an index). */
export interface TableStatsEntry {
  numScans: number;
  tuplesReturned: number;
  tuplesFetched: number;
  tuplesInserted: number;
  tuplesUpdated: number;
  tuplesDeleted: number;
  tuplesHotUpdated: number;
  nLiveTuples: number;
  nDeadTuples: number;
  changesSinceAnalyze: number;
  insertsSinceVacuum: number;
  blocksFetched: number;
  blocksHit: number;
  /** Timestamps (microseconds since 2000-01-01 UTC), null when never. */
  lastVacuum: bigint | null;
  lastAutovacuum: bigint | null;
  lastAnalyze: bigint | null;
  lastAutoanalyze: bigint | null;
  vacuumCount: number;
  autovacuumCount: number;
  analyzeCount: number;
  autoanalyzeCount: number;
}

/** PgStat_StatDBEntry's counters this engine keeps. */
export interface DatabaseStatsEntry {
  xactCommit: number;
  xactRollback: number;
  blocksFetched: number;
  blocksHit: number;
  tuplesReturned: number;
  tuplesFetched: number;
  tuplesInserted: number;
  tuplesUpdated: number;
  tuplesDeleted: number;
  statReset: bigint | null;
}

function newTableEntry(): TableStatsEntry {
  return {
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
}

function newDatabaseEntry(): DatabaseStatsEntry {
  return {
    xactCommit: 0,
    xactRollback: 0,
    blocksFetched: 0,
    blocksHit: 0,
    tuplesReturned: 0,
    tuplesFetched: 0,
    tuplesInserted: 0,
    tuplesUpdated: 0,
    tuplesDeleted: 0,
    statReset: null,
  };
}

/** What autovacuum reads of a table (relation_needs_vacanalyze's inputs besides reltuples). */
export interface AutovacuumCounts {
  readonly nDeadTup: number;
  readonly nInsSinceVacuum: number;
  readonly nModSinceAnalyze: number;
}

/** What the hub takes block counts from (@pg/storage's BufferPool). */
export interface BlockCountSource {
  takeRelationCounts(): readonly RelationBlockCounts[];
}

/** One running VACUUM's pg_stat_progress_vacuum row. */
export interface VacuumProgressEntry {
  readonly pid: number;
  readonly datid: number;
  readonly relid: number;
  progress: VacuumProgress;
}

/** The per-relation counts one transaction hands to the shared entries (PgStat_TableCounts). */
interface FlushCounts {
  numScans: number;
  tuplesReturned: number;
  tuplesFetched: number;
  tuplesInserted: number;
  tuplesUpdated: number;
  tuplesDeleted: number;
  tuplesHotUpdated: number;
  deltaLive: number;
  deltaDead: number;
  changed: number;
  truncdropped: boolean;
}

function newFlushCounts(): FlushCounts {
  return {
    numScans: 0,
    tuplesReturned: 0,
    tuplesFetched: 0,
    tuplesInserted: 0,
    tuplesUpdated: 0,
    tuplesDeleted: 0,
    tuplesHotUpdated: 0,
    deltaLive: 0,
    deltaDead: 0,
    changed: 0,
    truncdropped: false,
  };
}

const STAT_FILE_VERSION = 1;

/** The instance's shared statistics (pgstat's shared memory). */
export class StatsHub {
  readonly #tables = new Map<number, Map<number, TableStatsEntry>>();
  readonly #databases = new Map<number, DatabaseStatsEntry>();
  readonly #progress = new Map<number, VacuumProgressEntry>();
  /** issue 11 (block counters): where block counts come from (the buffer pool). */
  #blocks: BlockCountSource | undefined;

  // issue 11 (block counters)
  /**
   * Takes block counts from `source` (the buffer pool) from now on; what it
   * counted before (recovery's reads) is dropped, as PostgreSQL's startup
   * process reports no relation statistics.
   */
  attachBlockCounts(source: BlockCountSource): void {
    source.takeRelationCounts();
    this.#blocks = source;
  }

  /**
   * Adds the pool's block counts since the last call to the relations'
   * and databases' entries (pgstat_relation_flush_cb's blocks_fetched and
   * blocks_hit). The pool counts for every session at once, so they are
   * taken whenever any transaction's counts are flushed.
   */
  flushBlocks(): void {
    if (this.#blocks === undefined) return;
    for (const c of this.#blocks.takeRelationCounts()) {
      if (c.fetched === 0) continue;
      const e = this.table(c.dbOid, c.relOid, true);
      e.blocksFetched += c.fetched;
      e.blocksHit += c.hit;
      const db = this.database(c.dbOid, true);
      db.blocksFetched += c.fetched;
      db.blocksHit += c.hit;
    }
  }

  /** The shared entry of relation `relOid` in database `dbOid` (created when `create`). */
  table(dbOid: number, relOid: number, create: true): TableStatsEntry;
  table(dbOid: number, relOid: number, create?: boolean): TableStatsEntry | undefined;
  table(dbOid: number, relOid: number, create = false): TableStatsEntry | undefined {
    let db = this.#tables.get(dbOid);
    if (db === undefined) {
      if (!create) return undefined;
      db = new Map();
      this.#tables.set(dbOid, db);
    }
    let e = db.get(relOid);
    if (e === undefined && create) {
      e = newTableEntry();
      db.set(relOid, e);
    }
    return e;
  }

  database(dbOid: number, create: true): DatabaseStatsEntry;
  database(dbOid: number, create?: boolean): DatabaseStatsEntry | undefined;
  database(dbOid: number, create = false): DatabaseStatsEntry | undefined {
    let e = this.#databases.get(dbOid);
    if (e === undefined && create) {
      e = newDatabaseEntry();
      this.#databases.set(dbOid, e);
    }
    return e;
  }

  /** Every relation entry of a database (for a 'snapshot' read). */
  tables(dbOid: number): ReadonlyMap<number, TableStatsEntry> {
    return this.#tables.get(dbOid) ?? new Map();
  }

  /** The autovacuum interface: a table's counters, undefined when nothing was counted yet. */
  autovacuumCounts(dbOid: number, relOid: number): AutovacuumCounts | undefined {
    const e = this.table(dbOid, relOid);
    if (e === undefined) return undefined;
    return {
      nDeadTup: e.nDeadTuples,
      nInsSinceVacuum: e.insertsSinceVacuum,
      nModSinceAnalyze: e.changesSinceAnalyze,
    };
  }

  /** pgstat_relation_flush_cb and the database part, for one transaction's counts. */
  flush(dbOid: number, counts: ReadonlyMap<number, FlushCounts>, committed: boolean): void {
    this.flushBlocks(); // issue 11 (block counters)
    const db = this.database(dbOid, true);
    if (committed) db.xactCommit++;
    else db.xactRollback++;
    for (const [oid, c] of counts) {
      const e = this.table(dbOid, oid, true);
      e.numScans += c.numScans;
      e.tuplesReturned += c.tuplesReturned;
      e.tuplesFetched += c.tuplesFetched;
      e.tuplesInserted += c.tuplesInserted;
      e.tuplesUpdated += c.tuplesUpdated;
      e.tuplesDeleted += c.tuplesDeleted;
      e.tuplesHotUpdated += c.tuplesHotUpdated;
      // rule 4: a committed TRUNCATE forgets the live/dead counts
      if (c.truncdropped) {
        e.nLiveTuples = 0;
        e.nDeadTuples = 0;
        e.insertsSinceVacuum = 0;
      }
      // rule 6: clamped at 0
      e.nLiveTuples = Math.max(0, e.nLiveTuples + c.deltaLive);
      e.nDeadTuples = Math.max(0, e.nDeadTuples + c.deltaDead);
      e.changesSinceAnalyze += c.changed;
      e.insertsSinceVacuum += c.tuplesInserted; // rule 5
      db.tuplesReturned += c.tuplesReturned;
      db.tuplesFetched += c.tuplesFetched;
      db.tuplesInserted += c.tuplesInserted;
      db.tuplesUpdated += c.tuplesUpdated;
      db.tuplesDeleted += c.tuplesDeleted;
    }
  }

  /** pgstat_report_vacuum: VACUUM's live and dead counts replace the estimates. */
  reportVacuum(dbOid: number, relOid: number, live: number, dead: number, auto = false): void {
    this.flushBlocks(); // issue 11 (block counters)
    const e = this.table(dbOid, relOid, true);
    e.nLiveTuples = Math.max(0, live);
    e.nDeadTuples = Math.max(0, dead);
    e.insertsSinceVacuum = 0;
    const now = currentTimestamp();
    if (auto) {
      e.lastAutovacuum = now;
      e.autovacuumCount++;
    } else {
      e.lastVacuum = now;
      e.vacuumCount++;
    }
  }

  /** pgstat_report_analyze (the caller has subtracted its own transaction's pending counts). */
  reportAnalyze(
    dbOid: number,
    relOid: number,
    live: number,
    dead: number,
    options: { readonly auto?: boolean; readonly resetCounter?: boolean } = {},
  ): void {
    const e = this.table(dbOid, relOid, true);
    e.nLiveTuples = Math.max(0, live);
    e.nDeadTuples = Math.max(0, dead);
    if (options.resetCounter !== false) e.changesSinceAnalyze = 0;
    const now = currentTimestamp();
    if (options.auto === true) {
      e.lastAutoanalyze = now;
      e.autoanalyzeCount++;
    } else {
      e.lastAnalyze = now;
      e.analyzeCount++;
    }
  }

  /** pg_stat_reset(): every counter of the database, and its stats_reset time. */
  resetDatabase(dbOid: number): void {
    this.#tables.delete(dbOid);
    const db = newDatabaseEntry();
    db.statReset = currentTimestamp();
    this.#databases.set(dbOid, db);
  }

  /** pg_stat_reset_single_table_counters(oid): that relation's entry (and the database's stats_reset time). */
  resetTable(dbOid: number, relOid: number): void {
    this.#tables.get(dbOid)?.delete(relOid);
    this.database(dbOid, true).statReset = currentTimestamp();
  }

  // ------------------------------------------------------------ pg_stat_progress_vacuum

  /** pgstat_progress_start_command(PROGRESS_COMMAND_VACUUM): the row appears. */
  startVacuumProgress(pid: number, datid: number, relid: number): VacuumProgressEntry {
    const entry: VacuumProgressEntry = {
      pid,
      datid,
      relid,
      progress: {
        phase: 'initializing',
        heapBlksTotal: 0,
        heapBlksScanned: 0,
        heapBlksVacuumed: 0,
        indexVacuumCount: 0,
        maxDeadTuples: 0,
        numDeadTuples: 0,
      },
    };
    this.#progress.set(pid, entry);
    return entry;
  }

  /** pgstat_progress_end_command: the row goes. */
  endVacuumProgress(pid: number): void {
    this.#progress.delete(pid);
  }

  vacuumProgress(): readonly VacuumProgressEntry[] {
    return [...this.#progress.values()];
  }

  // ------------------------------------------------------------ persistence

  /** pgstat_write_statsfile: at a clean shutdown, every entry to pg_stat/pgstat.stat. */
  save(dataDir: string): void {
    const dir = join(dataDir, 'pg_stat');
    mkdirSync(dir, { recursive: true });
    const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);
    const body = JSON.stringify(
      {
        version: STAT_FILE_VERSION,
        databases: [...this.#databases],
        tables: [...this.#tables].map(([db, m]) => [db, [...m]]),
      },
      big,
    );
    const tmp = join(dir, 'pgstat.tmp');
    writeFileSync(tmp, body);
    renameSync(tmp, join(dir, 'pgstat.stat'));
  }

  /**
   * pgstat_restore_stats: reads pg_stat/pgstat.stat if a clean shutdown
   * wrote it, then removes it (a crash before the next clean shutdown
   * leaves no file: the statistics start over). A file that does not
   * parse is ignored, as PostgreSQL ignores a corrupt one.
   */
  load(dataDir: string): void {
    const file = join(dataDir, 'pg_stat', 'pgstat.stat');
    if (!existsSync(file)) return;
    try {
      const big = (_k: string, v: unknown) =>
        typeof v === 'string' && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v;
      const data = JSON.parse(readFileSync(file, 'utf8'), big) as {
        version: number;
        databases: [number, DatabaseStatsEntry][];
        tables: [number, [number, TableStatsEntry][]][];
      };
      if (data.version === STAT_FILE_VERSION) {
        for (const [db, e] of data.databases)
          this.#databases.set(db, { ...newDatabaseEntry(), ...e });
        for (const [db, rels] of data.tables)
          this.#tables.set(
            db,
            new Map(rels.map(([oid, e]) => [oid, { ...newTableEntry(), ...e }])),
          );
      }
    } catch {
      // a damaged file: start from zero
    }
    rmSync(file, { force: true });
  }
}

// ------------------------------------------------------------ a session's pending counters

/** One relation's counters at one (sub)transaction level (PgStat_TableXactStatus + the non-transactional counts). */
interface PendingRel extends RelationCounters {
  /** Counts from before a TRUNCATE at this level (save_truncdrop_counters), or undefined. */
  preTruncate: { ins: number; upd: number; del: number } | undefined;
}

function newPending(): PendingRel {
  return {
    numScans: 0,
    tuplesReturned: 0,
    tuplesFetched: 0,
    tuplesInserted: 0,
    tuplesUpdated: 0,
    tuplesDeleted: 0,
    tuplesHotUpdated: 0,
    preTruncate: undefined,
  };
}

/** What the inspection functions (pgstattuple, pg_visibility) need of the session. */
export interface StatsFunctionHost {
  /** The heap of table `oid` (SQLSTATE errors for what is not a table). */
  heapOf(oid: number): Heap;
  /** The transaction's visibility context (who is running, the commit log). */
  updateContext(): UpdateContext;
  /** GetOldestNonRemovableTransactionId. */
  oldestXmin(): TransactionId;
  /** Whether CREATE EXTENSION `name` ran in this database (pg_extension). */
  extensionInstalled(name: string): boolean;
  /** The current role is a superuser (pg_stat_reset needs it here). */
  isSuperuser(): boolean;
}

/** stats_fetch_consistency's values. */
export type FetchConsistency = 'none' | 'cache' | 'snapshot';

/**
 * A session's pending statistics and its read snapshot. Implements the
 * executor's ExecStats. The session calls subBegin / subCommit / subAbort /
 * end at its transaction boundaries.
 */
export class SessionStats implements ExecStats {
  readonly hub: StatsHub;
  readonly dbOid: number;
  /** What pgstattuple() & co. need of the session (set by it; stat-functions.ts). */
  host: StatsFunctionHost | undefined;
  /** Level 0 is the top-level transaction; one more per open savepoint. */
  #levels: Map<number, PendingRel>[] = [new Map()];
  /** The transaction's PgStat_TableCounts: aborted subtransactions' counts land here at once. */
  #done = new Map<number, FlushCounts>();
  readonly #consistency: () => FetchConsistency;
  #cache = new Map<number, TableStatsEntry | undefined>();
  #dbCache: DatabaseStatsEntry | undefined | null = null;
  #snapshotTaken = false;
  #snapshotTime: bigint | null = null;

  constructor(hub: StatsHub, dbOid: number, consistency: () => FetchConsistency = () => 'cache') {
    this.hub = hub;
    this.dbOid = dbOid;
    this.#consistency = consistency;
  }

  /** ExecStats: the current level's counters of `oid`. */
  relation(oid: number): RelationCounters {
    const level = this.#levels[this.#levels.length - 1]!;
    let p = level.get(oid);
    if (p === undefined) {
      p = newPending();
      level.set(oid, p);
    }
    return p;
  }

  /** pgstat_count_truncate: TRUNCATE of `oid` in the current level (rule 4). */
  countTruncate(oid: number): void {
    const p = this.relation(oid) as PendingRel;
    if (p.preTruncate === undefined)
      p.preTruncate = { ins: p.tuplesInserted, upd: p.tuplesUpdated, del: p.tuplesDeleted };
    p.tuplesInserted = 0;
    p.tuplesUpdated = 0;
    p.tuplesDeleted = 0;
  }

  /** SAVEPOINT (and the fresh level after ROLLBACK TO). */
  subBegin(): void {
    this.#levels.push(new Map());
  }

  /** RELEASE: the innermost level's counts become its parent's (AtEOSubXact_PgStat_Relations, commit). */
  subCommit(): void {
    if (this.#levels.length < 2) return;
    const child = this.#levels.pop()!;
    const parent = this.#levels[this.#levels.length - 1]!;
    for (const [oid, c] of child) {
      const p = parent.get(oid);
      if (p === undefined) {
        parent.set(oid, c);
        continue;
      }
      if (c.preTruncate !== undefined) {
        // the child truncated: the parent's counts before it are forgotten at commit
        if (p.preTruncate === undefined)
          p.preTruncate = { ins: p.tuplesInserted, upd: p.tuplesUpdated, del: p.tuplesDeleted };
        p.tuplesInserted = 0;
        p.tuplesUpdated = 0;
        p.tuplesDeleted = 0;
      }
      p.numScans += c.numScans;
      p.tuplesReturned += c.tuplesReturned;
      p.tuplesFetched += c.tuplesFetched;
      p.tuplesInserted += c.tuplesInserted;
      p.tuplesUpdated += c.tuplesUpdated;
      p.tuplesDeleted += c.tuplesDeleted;
      p.tuplesHotUpdated += c.tuplesHotUpdated;
    }
  }

  /** ROLLBACK TO: the innermost level is rolled back (rules 1 and 3). */
  subAbort(): void {
    if (this.#levels.length < 2) return;
    const child = this.#levels.pop()!;
    this.#apply(child, false);
  }

  /** The end of the top-level transaction: every level folded, the counts flushed. */
  end(committed: boolean): void {
    while (this.#levels.length > 1) {
      if (committed) this.subCommit();
      else this.subAbort();
    }
    this.#apply(this.#levels[0]!, committed);
    this.hub.flush(this.dbOid, this.#done, committed);
    this.#levels = [new Map()];
    this.#done = new Map();
    this.clearSnapshot();
  }

  /** AtEOXact_PgStat_Relations for one level's counts into the transaction's. */
  #apply(level: ReadonlyMap<number, PendingRel>, committed: boolean): void {
    for (const [oid, p] of level) {
      let d = this.#done.get(oid);
      if (d === undefined) {
        d = newFlushCounts();
        this.#done.set(oid, d);
      }
      let ins = p.tuplesInserted;
      let upd = p.tuplesUpdated;
      let del = p.tuplesDeleted;
      // rule 4: an aborted TRUNCATE gives the counts from before it back
      if (!committed && p.preTruncate !== undefined) {
        ins = p.preTruncate.ins;
        upd = p.preTruncate.upd;
        del = p.preTruncate.del;
      }
      d.numScans += p.numScans;
      d.tuplesReturned += p.tuplesReturned;
      d.tuplesFetched += p.tuplesFetched;
      d.tuplesHotUpdated += p.tuplesHotUpdated;
      // rule 1
      d.tuplesInserted += ins;
      d.tuplesUpdated += upd;
      d.tuplesDeleted += del;
      if (committed) {
        if (p.preTruncate !== undefined) {
          d.truncdropped = true;
          d.deltaLive = 0;
          d.deltaDead = 0;
        }
        // rule 2
        d.deltaLive += ins - del;
        d.deltaDead += upd + del;
        d.changed += ins + upd + del;
      } else {
        // rule 3
        d.deltaDead += ins + upd;
      }
    }
  }

  /**
   * pgstat_report_analyze's correction: ANALYZE counted this transaction's
   * own inserts as live and deletes as dead, which the end of the
   * transaction will add again; subtract them (and aborted
   * subtransactions' dead rows).
   */
  analyzeCounts(oid: number, live: number, dead: number): { live: number; dead: number } {
    let l = live;
    let d = dead;
    for (const level of this.#levels) {
      const p = level.get(oid);
      if (p === undefined) continue;
      l -= p.tuplesInserted - p.tuplesDeleted;
      d -= p.tuplesUpdated + p.tuplesDeleted;
    }
    d -= this.#done.get(oid)?.deltaDead ?? 0;
    return { live: Math.max(0, l), dead: Math.max(0, d) };
  }

  // ------------------------------------------------------------ reading (pgstat_fetch_*)

  /** pgstat_fetch_stat_tabentry under stats_fetch_consistency. */
  fetchTable(oid: number): TableStatsEntry | undefined {
    const mode = this.#consistency();
    if (mode === 'none') return this.hub.table(this.dbOid, oid);
    if (mode === 'snapshot') this.#takeSnapshot();
    if (this.#cache.has(oid)) return this.#cache.get(oid);
    if (mode === 'snapshot') return undefined;
    const e = this.hub.table(this.dbOid, oid);
    const copy = e === undefined ? undefined : { ...e };
    this.#cache.set(oid, copy);
    return copy;
  }

  /** pgstat_fetch_stat_dbentry under stats_fetch_consistency. */
  fetchDatabase(dbOid: number): DatabaseStatsEntry | undefined {
    const mode = this.#consistency();
    if (mode === 'none' || dbOid !== this.dbOid) return this.hub.database(dbOid);
    if (this.#dbCache === null) {
      const e = this.hub.database(dbOid);
      this.#dbCache = e === undefined ? undefined : { ...e };
    }
    return this.#dbCache;
  }

  #takeSnapshot(): void {
    if (this.#snapshotTaken) return;
    this.#snapshotTaken = true;
    this.#snapshotTime = currentTimestamp();
    for (const [oid, e] of this.hub.tables(this.dbOid)) this.#cache.set(oid, { ...e });
  }

  /** pg_stat_get_snapshot_timestamp(): when a 'snapshot' read took its copy, else null. */
  get snapshotTimestamp(): bigint | null {
    return this.#snapshotTime;
  }

  /** pg_stat_clear_snapshot(), and the end of each transaction. */
  clearSnapshot(): void {
    this.#cache = new Map();
    this.#dbCache = null;
    this.#snapshotTaken = false;
    this.#snapshotTime = null;
  }
}

// ------------------------------------------------------------ functions find their session

const contexts = new WeakMap<TypeContext, SessionStats>();

/** Records that statistics functions evaluated with `ctx` read `stats`. */
export function bindStatsContext<T extends TypeContext>(ctx: T, stats: SessionStats): T {
  contexts.set(ctx, stats);
  return ctx;
}

/** The session statistics a function call runs with, undefined outside a session. */
export function statsOfContext(ctx: TypeContext): SessionStats | undefined {
  return contexts.get(ctx);
}

/** What the catalog's statistics views read, through a session's fetch rules. */
export function statViewSource(
  stats: SessionStats,
  backends: { others(dbOid: number, self: number): number },
): StatViewSource {
  return {
    relation: (oid) => stats.fetchTable(oid),
    database: (oid) => stats.fetchDatabase(oid),
    numBackends: (dbOid) => backends.others(dbOid, -1),
    vacuumProgress: () =>
      stats.hub
        .vacuumProgress()
        .map((e) => ({ pid: e.pid, datid: e.datid, relid: e.relid, ...e.progress })),
  };
}

/**
 * An index build's heap scan as pgstat counts it (the build reads the
 * table with SnapshotAny through heap_getnext: one sequential scan, every
 * normal line pointer's tuple returned).
 */
export function countIndexBuildScan(stats: SessionStats, tableOid: number, heap: Heap): void {
  const st = stats.relation(tableOid);
  st.numScans++;
  const nblocks = heap.nblocks();
  for (let block = 0; block < nblocks; block++) {
    const buffer = heap.pool.readBuffer(heap.rel, ForkNumber.main, block);
    try {
      const page = heap.pool.page(buffer);
      if (page.isNew()) continue;
      for (let off = 1; off <= page.maxOffsetNumber; off++)
        if (page.itemId(off).flags === LP_NORMAL) st.tuplesReturned++;
    } finally {
      heap.pool.release(buffer);
    }
  }
}
