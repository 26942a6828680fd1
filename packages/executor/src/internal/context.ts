/**
 * What the executor is given: the relations a plan names (opened by the
 * catalog, or built by hand in tests) and, per execution, the session's
 * transaction services, parameters and settings.
 */
import type { Tid } from '@pg/access';
import type { OpenComputed, OpenTable, RelationDesc } from '@pg/catalog';
import type { ComboCids, LockManager, ProcArray, TransactionManager, Transam } from '@pg/mvcc';
import type { Registry, TypeContext } from '@pg/types';

/**
 * A relation opened for a statement: a table (heap and indexes), or a
 * system view computed from the catalogs (no storage: a sequential scan
 * iterates `rows()`). The shapes are @pg/catalog's, which opens them;
 * tests build them by hand.
 */
export type OpenRelation = OpenTable | OpenComputed;
export type { OpenComputed, OpenTable };

/**
 * Where the executor gets relations (@pg/catalog's relation cache
 * implements it). `R` is what `open` may return: tables only (the default)
 * or, with `ExecRelations<OpenRelation>`, system views too; the executor
 * accepts either.
 */
export interface ExecRelations<R extends OpenRelation = OpenTable> {
  /** The relation with this OID; throws (42P01) when it does not exist. */
  open(oid: number): R;
}

/**
 * The session's settings (GUCs), for current_setting() and set_config():
 * PostgreSQL's names, values as SHOW prints them.
 */
export interface SessionSettings {
  /**
   * The value of `name` (case-insensitive); when it does not exist, null
   * if `missingOk`, else throws 42704 `unrecognized configuration
   * parameter "name"`.
   */
  get(name: string, missingOk: boolean): string | null;
  /**
   * SET [LOCAL] name = value (SET LOCAL when `isLocal`: until the end of
   * the transaction); returns the new value as SHOW prints it. Throws as
   * SET does (42704 for an unknown name, 22023 for a bad value, ...).
   */
  set(name: string, value: string, isLocal: boolean): string;
  /**
   * The session's sequences, for nextval() / currval() / setval() /
   * lastval() and pg_get_serial_sequence() (they reach the session the way
   * current_setting() does). Without them those functions fail with 0A000.
   */
  readonly sequences?: SessionSequenceFunctions;
}

/** The session's sequence functions (PostgreSQL's errors are theirs to throw). */
export interface SessionSequenceFunctions {
  nextval(relid: number): bigint;
  currval(relid: number): bigint;
  setval(relid: number, value: bigint, isCalled: boolean): bigint;
  lastval(): bigint;
  /** pg_get_serial_sequence(table, column): the owned sequence's qualified name, or null. */
  serialSequence(table: string, column: string): string | null;
}

/** One execution's environment. */
export interface ExecContext {
  /** The session: the TransactionManager's and LockManager's holder id. */
  readonly session: number;
  /** The database OID, for relation lock tags. */
  readonly dbOid: number;
  readonly manager: TransactionManager;
  readonly locks: LockManager;
  readonly transam: Transam;
  readonly procArray: ProcArray;
  /** The session's combo command ids (one per transaction, as PostgreSQL's comboCids). */
  readonly comboCids: ComboCids;
  readonly relations: ExecRelations<OpenRelation>;
  /** $1... values (JavaScript values of the parameter types, null for NULL). */
  readonly params?: readonly unknown[];
  /** Session settings for the types (time zone, styles, statement time). */
  readonly typeContext: TypeContext;
  /** The type registry (default: @pg/types' builtins). */
  readonly registry?: Registry;
  /** current_user / session_user (default 'postgres'). */
  readonly user?: string;
  /** current_database() / current_catalog (default 'postgres'). */
  readonly database?: string;
  /**
   * The session's settings, for current_setting() / set_config(). Without
   * them every name is unknown (42704, or NULL with missing_ok).
   */
  readonly settings?: SessionSettings;
  /** CHECK and FOREIGN KEY constraints (H8, @pg/engine's constraints.ts): absent, none are enforced. */
  readonly rowTriggers?: RowTriggers;
  /** issue 11 (pgstat): the session's pending statistics counters; absent, nothing is counted. */
  readonly stats?: ExecStats;
}

/**
 * issue 11 (pgstat): where the executor counts scans and row changes
 * (PostgreSQL's pgstat_count_* macros), per relation OID (a table or an
 * index). `relation` is called once per scan or statement and returns the
 * counters of the session's current (sub)transaction level; the executor
 * increments their fields directly.
 */
export interface ExecStats {
  relation(oid: number): RelationCounters;
}

/** One relation's pending counters (PgStat_TableCounts' fields the executor bumps). */
export interface RelationCounters {
  /** Sequential scans started (a table) or index scans started (an index). */
  numScans: number;
  /** Rows a sequential scan returned (a table), or TIDs an index scan returned (an index). */
  tuplesReturned: number;
  /** Rows fetched by TID: a bitmap heap scan's (a table), an index scan's heap fetches (an index). */
  tuplesFetched: number;
  tuplesInserted: number;
  tuplesUpdated: number;
  tuplesDeleted: number;
  tuplesHotUpdated: number;
}

/**
 * What INSERT/UPDATE/DELETE tell the session about each row: `check` runs
 * the table's CHECK constraints on a new row before it is written
 * (ExecConstraints, 23514); the others queue the row's foreign-key events
 * (PostgreSQL's RI triggers), which the session fires at the end of the
 * statement or, when deferred, at commit.
 */
export interface RowTriggers {
  /**
   * issue 9 (H): ExecComputeStoredGenerated — fills the row's generated
   * columns in place from its other columns, before NOT NULL and CHECK.
   */
  generate?(rel: RelationDesc, values: unknown[]): void;
  check(rel: RelationDesc, values: readonly unknown[]): void;
  inserted(rel: RelationDesc, values: readonly unknown[], tid: Tid): void;
  updated(
    rel: RelationDesc,
    oldValues: readonly unknown[],
    newValues: readonly unknown[],
    newTid: Tid,
    oldTid: Tid,
  ): void;
  deleted(rel: RelationDesc, oldValues: readonly unknown[], oldTid: Tid): void;
}

/** What compiled expressions read at run time. */
export interface EvalEnv {
  readonly params: readonly unknown[];
  readonly tctx: TypeContext;
  readonly user: string;
  readonly database: string;
  readonly settings?: SessionSettings | undefined;
}
