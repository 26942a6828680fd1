/**
 * A session: one connection's state (its transaction block, settings,
 * catalog caches, prepared plans) and the statement loop — parse, then for
 * each statement: transaction control, settings, DDL through @pg/catalog,
 * or analyze → plan → execute through @pg/sql and @pg/executor.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog, type CatalogTxn, type ColumnDef, mvccCatalogTxn, quoteIdent } from '@pg/catalog';
import {
  compileExpr,
  describePlan,
  type ExecRelations,
  executePlan,
  explainModify,
  type OpenRelation,
  type Plan,
  planQuery,
  type RunOptions,
  type SessionSettings as SessionSettingsBridge,
} from '@pg/executor';
import { type Heap, sessionUpdateContext, sessionWriter } from '@pg/heap';
import {
  ComboCids,
  type IsolationLevel,
  LockMode,
  type MvccNotice,
  relationLockTag,
  type UpdateContext,
  widenTransactionId,
} from '@pg/mvcc';
import {
  type ExplainOptions,
  explainSelect,
  type NodeInstrumentation,
  type PlanNode,
  type PlannerSettings,
} from '@pg/planner';
import {
  analyze,
  analyzeExpression,
  type PNode,
  parse,
  type RawStatement,
  regCatalog,
  resolveTypeName,
  systemColumnNamed, // issue 9 (F)
} from '@pg/sql';
import {
  builtins,
  defaultContext,
  type RegCatalog,
  SqlError,
  type TypeContext,
  type XactContext,
} from '@pg/types';
import { BackendActivity, type ClientInfo } from './activity.js'; // issue 10 (H6)
import {
  type AlterColumnTypePlan,
  type AlterTableHost,
  alterObjectSchema,
  checkPersistenceOnce,
  executeAlterColumnTypes,
  prepareAlterColumnType,
  setSchemaTag,
  setTablePersistence,
} from './alter-table.js'; // issue 9 (ALTER TABLE)
import {
  type AnalyzeContext,
  plannerStatistics,
  runVacuumStatement,
  setColumnStatistics,
} from './analyze-command.js';
import { terminateAutovacuumWorkers } from './autovacuum.js'; // issue 11 (autovacuum vs CREATE/DROP DATABASE)
import {
  addConstraints,
  columnConstraints,
  dropConstraint,
  isHandledContype,
  type PendingConstraint,
  renameConstraint,
  validateConstraint,
} from './constraints.js'; // H8
import { type CopySink, type CopySource, type CopyStart, runCopy } from './copy.js';
import { SessionCursors } from './cursors.js';
import type { Instance } from './database.js';
import { type ForeignKeyHost, SessionForeignKeys } from './foreign-keys.js'; // H8
import {
  alterGeneratedColumn,
  cookGenerationExpression,
  generationClause,
  withGeneratedColumns,
} from './generated-columns.js'; // issue 9 (H)
import { SessionSettings } from './guc.js';
import { bindIndexAmContext, registerIndexAmFunctions } from './index-am-functions.js'; // issue 12
import { addIndexConstraint, isIndexConstraint } from './index-constraint-ddl.js';
import { analyzeIndexDefinition, indexAmClause } from './index-ddl.js';
import { planLockModes, recordingLookups, statementLockModes } from './lock-order.js'; // issue 9 (F)
import { type Notification, SessionNotify } from './notify.js'; // issue 10 (H6)
import {
  bindStatsContext,
  countIndexBuildScan,
  type FetchConsistency,
  SessionStats,
  statViewSource,
} from './pgstat.js'; // issue 11 (pgstat)
// issue 10 (plan cache): statements differing only in constants share a generic plan
import {
  bindEntry,
  NormalizedPlanCache,
  parameterize,
  planRelations,
  planShape,
  type ScannedText,
  sameShape,
  scanNumbers,
  stillValid,
} from './plan-cache.js';
import {
  type BindOptions,
  bindPortal,
  type Portal,
  type PreparedHost,
  type PreparedStatement,
  prepareStatement,
  SqlPreparedStatements,
} from './prepared.js';
import {
  EngineError,
  type FieldDescription,
  type Notice,
  type QueryResult,
  toEngineError,
} from './result.js';
import {
  alterClusterOn,
  alterDropCluster,
  runClusterCommand,
  runReindexCommand,
} from './rewrite-command.js'; // issue 11
import { alterRole, createRole, dropRole, type RoleDdlContext, renameRole } from './role-ddl.js'; // issue 10 (H3)
import { type SequenceHost, SessionSequences } from './sequence.js';
import {
  alterIdentity,
  alterSequence,
  alterSequenceOptions, // issue 9 (ALTER TABLE): an identity column's ALTER TYPE
  createSequence,
  finishSequenceColumns,
  nextvalDefault,
  prepareSequenceColumns,
  type SequenceDdlContext,
  serialSequence,
  setDefaultSequence,
} from './sequence-ddl.js';
import {
  bindSessionContext,
  registerSessionFunctions,
  type SessionFunctionHost,
} from './session-functions.js'; // issue 10 (H6)
import { expressionText } from './source-text.js';
import {
  createExtension,
  dropExtension,
  type ExtensionDdlContext,
  registerStatFunctions,
} from './stat-functions.js'; // issue 11 (pgstat)
import {
  commentOn,
  creationTarget,
  initTempNamespace,
  type TableDdlExtrasContext,
  tempNamespaceName,
} from './table-ddl-extras.js'; // issue 9 (H)
import { alteredReloptions, tableReloptions } from './table-reloptions.js';
import { onCommitActionOf, TempObjects } from './temp-objects.js'; // issue 9 (F)
import { TransactionBlock } from './transaction-statements.js';
import { runVacuumCommand, type VacuumContext } from './vacuum-command.js';
import {
  alterViewReloptions, // issue 9 (D)
  createTableAs,
  createView,
  refreshMaterializedView,
  renameUnderViews,
  type ViewDdlContext,
} from './view-ddl.js'; // issue 9 (G): views

export interface SessionOptions {
  readonly id: number;
  readonly dbOid: number;
  readonly database: string;
  readonly user: string;
  /** issue 10 (H3): the role's rolsuper at connection (default: whether it is the bootstrap superuser). */
  readonly superuser?: boolean;
  readonly startup: Readonly<Record<string, string>>;
  readonly onClose: (session: Session) => void;
}

export interface QueryOptions {
  /** 'object' (default): rows as { column: value }; 'array': rows as arrays in column order. */
  readonly rowMode?: 'object' | 'array';
  /** COPY ... FROM STDIN's data: text or UTF-8 bytes, whole or as (async) chunks, read as they stream. */
  readonly copyIn?: CopySource;
  /** COPY ... TO STDOUT's receiver: called (and awaited) with chunks of whole lines, in order. */
  readonly copyOut?: CopySink;
  // issue 10 (@pg/server's simple-query path): the three options below
  /** Called (and awaited) when a COPY FROM STDIN / TO STDOUT starts, before its data flows. */
  readonly onCopyStart?: (start: CopyStart) => void | Promise<void>;
  /** Called (and awaited) with each statement's result as it completes (execute still returns them all). */
  readonly onResult?: (result: QueryResult<unknown>) => void | Promise<void>;
  /**
   * Several statements in one call run as one transaction unless a BEGIN
   * opens an explicit block (PostgreSQL's implicit transaction block for a
   * simple Query message): an error rolls back the earlier ones too.
   */
  readonly implicitTransaction?: boolean;
}

/** A statement's outcome before it is shaped into a QueryResult. */
interface Outcome {
  readonly command: string;
  readonly rowCount: number | null;
  readonly fields: readonly FieldDescription[];
  readonly rows: readonly (readonly unknown[])[];
}

/** One transaction's state the catalog and the executor share (PostgreSQL's combo cids are per transaction). */
interface TxnState {
  readonly comboCids: ComboCids;
  readonly catalogTxn: CatalogTxn;
}

/** A prepared (cached) plannable statement: valid while the catalogs it read are unchanged. */
interface CachedPlan {
  readonly plan: Plan;
  // issue 10 (plan cache): valid while no committed change touches its relations (plan-cache.ts)
  readonly relations: ReadonlySet<number>;
  seq: number;
  readonly ddlCount: number;
  readonly searchPath: string;
  /** The planner settings it was made with (enable_*, cost constants, work_mem). */
  readonly plannerKey: string;
}

const PLANNABLE = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);

const objectName = (body: PNode) =>
  String(body.removeType ?? body.objtype ?? body.renameType ?? 'OBJECT_TABLE')
    .replace('OBJECT_', '')
    .replace('_', ' ');

/** The statements a read-only transaction refuses (PreventCommandIfReadOnly), by the command tag they report. */
const DDL_COMMANDS: Readonly<Record<string, string | ((body: PNode) => string)>> = {
  CreateStmt: 'CREATE TABLE',
  CommentStmt: 'COMMENT', // issue 9 (H)
  IndexStmt: 'CREATE INDEX',
  CreateSchemaStmt: 'CREATE SCHEMA',
  DropStmt: (body) => `DROP ${objectName(body)}`,
  AlterTableStmt: (body) => `ALTER ${objectName(body)}`,
  AlterObjectSchemaStmt: (body) => setSchemaTag(String(body.objectType)), // issue 9 (ALTER TABLE)
  RenameStmt: (body) => `ALTER ${objectName(body)}`,
  TruncateStmt: 'TRUNCATE TABLE',
  CreateSeqStmt: 'CREATE SEQUENCE',
  AlterSeqStmt: 'ALTER SEQUENCE',
  CreateRoleStmt: 'CREATE ROLE', // issue 10 (H3)
  CreateExtensionStmt: 'CREATE EXTENSION', // issue 11
  AlterRoleStmt: 'ALTER ROLE',
  DropRoleStmt: 'DROP ROLE',
  // issue 9 (G): views
  ViewStmt: 'CREATE VIEW',
  CreateTableAsStmt: (body) =>
    body.objtype === 'OBJECT_MATVIEW' ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW',
};
const PLAN_CACHE_LIMIT = 256;
/**
 * Longer statement texts are not cached: a text that long is usually a
 * one-off (a multi-row INSERT of literals), and its plan is as big as it.
 */
const PLAN_CACHE_MAX_TEXT = 2048;

function tagOf(node: PNode): string {
  return Object.keys(node)[0] ?? '';
}

function stringValue(node: PNode): string {
  if (node?.String !== undefined) return String(node.String.sval ?? '');
  return '';
}

function constText(node: PNode): string {
  const c = node?.A_Const;
  if (c === undefined) {
    if (node?.TypeCast !== undefined) return constText(node.TypeCast.arg);
    throw new EngineError('42601', 'syntax error');
  }
  if (c.sval !== undefined) return String(c.sval.sval ?? '');
  if (c.ival !== undefined) return String(c.ival.ival ?? 0);
  if (c.fval !== undefined) return String(c.fval.fval);
  if (c.boolval !== undefined) return c.boolval.boolval ? 'on' : 'off';
  return '';
}

function isolationOf(text: string): IsolationLevel {
  const v = text.toLowerCase();
  if (v === 'serializable') {
    throw new EngineError('0A000', 'SERIALIZABLE isolation is not supported yet');
  }
  if (v === 'repeatable read') return 'repeatable read';
  return 'read committed';
}

registerSessionFunctions(); // issue 10 (H6): pg_notify, pg_backend_pid, ...
registerStatFunctions(); // issue 11: pg_stat_get_*, pg_stat_reset, pgstattuple, ...
registerIndexAmFunctions(); // issue 12: brin_summarize_new_values & co.

export class Session {
  readonly #i: Instance;
  readonly #o: SessionOptions;
  readonly #settings: SessionSettings;
  readonly #block: TransactionBlock;
  readonly #catalog: Catalog;
  /** issue 11: this session's pending statistics and its read snapshot (pgstat.ts). */
  readonly #stats: SessionStats;
  #txn: TxnState | undefined;
  #notices: Notice[] = [];
  readonly #plans = new Map<string, CachedPlan>();
  // issue 10 (plan cache): the normalised plan cache (plan-cache.ts)
  readonly #normalized = new NormalizedPlanCache<Plan>(PLAN_CACHE_LIMIT);
  /** Keys seen once: a generic plan is made at a key's second miss. */
  readonly #normalizedSeen = new Set<string>();
  /** The scanned text of the statement being run, for #dispatch to make its generic plan. */
  #normalizeNext: { readonly sql: string; readonly scanned: ScannedText } | undefined;
  // end of the plan-cache fields
  /** DDL statements this session ran (its own uncommitted catalog changes invalidate its plans). */
  #ddlCount = 0;
  /** What to do once the open transaction commits (DROP DATABASE's directory). */
  #afterCommit: (() => void)[] = [];
  /** Whether the open transaction ran DDL. */
  #txnDdl = false;
  #closed = false;
  /** Serializes statements: one at a time per session, as a connection does. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(instance: Instance, options: SessionOptions) {
    this.#i = instance;
    this.#o = options;
    this.#settings = new SessionSettings(instance.settings, options.startup);
    this.#stats = new SessionStats(
      instance.stats,
      options.dbOid,
      () => this.#settings.get('stats_fetch_consistency') as FetchConsistency,
    ); // issue 11 (pgstat)
    this.#catalog = new Catalog(instance.cluster, {
      dbOid: options.dbOid,
      settings: () => this.#settings.settingRows(),
      activity: () => instance.activity.rows(this.#role()), // issue 10 (H6)
      pgstat: statViewSource(this.#stats, instance.backends), // issue 11
      onNotice: (n) => this.#notices.push({ ...n, severity: 'NOTICE', code: '00000' } as Notice),
    });
    this.#block = new TransactionBlock(instance.t.manager, options.id, this.#settings, {
      atSubBegin: (session) => {
        instance.cluster.atSubBegin(session);
        this.#stats.subBegin(); // issue 11 (pgstat)
        this.#notify.subBegin(); // issue 10 (H6)
        this.#cursors.subBegin(); // cursors.ts
      },
      atSubCommit: (session) => {
        instance.cluster.atSubCommit(session);
        this.#stats.subCommit(); // issue 11 (pgstat)
        this.#notify.subCommit(); // issue 10 (H6)
        this.#cursors.subCommit(); // cursors.ts
      },
      atSubAbort: (session) => {
        instance.cluster.atSubAbort(session);
        this.#stats.subAbort(); // issue 11 (pgstat)
        this.#notify.subAbort(); // issue 10 (H6)
        this.#cursors.subAbort(); // cursors.ts
        // plans made while the rolled-back DDL was visible name what no longer exists
        if (this.#txnDdl) this.#ddlCount++;
      },
      preCommit: () => this.#onCommitActions(), // issue 9 (F): ON COMMIT (temp-objects.ts)
      atEnd: (session, committed) => {
        this.#tempObjects.atEnd(committed); // issue 9 (F)
        if (committed) instance.cluster.atCommit(session);
        else instance.cluster.atAbort(session);
        this.#stats.end(committed); // issue 11 (pgstat): flushed at transaction end
        this.#notify.atEnd(committed); // issue 10 (H6): NOTIFY at commit, LISTEN/UNLISTEN applied
        this.#cursors.atEnd(committed); // cursors.ts: WITH HOLD cursors outlive a commit
        const after = this.#afterCommit;
        this.#afterCommit = [];
        if (committed) for (const f of after) f();
        instance.locks.releaseAll(session);
        this.#txn = undefined;
        // plans made while this transaction's catalog changes were visible
        // (to it alone) are stale once it ends: rolled back, they name
        // relations that never existed
        if (this.#txnDdl) {
          this.#txnDdl = false;
          this.#ddlCount++;
        }
      },
    });
    // issue 10 (H6): LISTEN/NOTIFY (notify.ts), pg_stat_activity and interrupts (activity.ts)
    this.#notify = new SessionNotify(
      instance.notify,
      options.id,
      options.dbOid,
      () => this.#running === 0 && this.#block.status === 'I',
    );
    this.#activity = new BackendActivity(
      {
        processId: options.id,
        dbOid: options.dbOid,
        database: options.database,
        user: options.user,
        superuser: this.#role().superuser,
      },
      {
        transactionStatus: () => this.#block.status,
        applicationName: () => this.#settings.show('application_name'),
        xid: () => instance.t.manager.topXidIfAny(options.id),
        waitingFor: () => {
          const w = instance.locks.waitingFor(options.id);
          return w === undefined ? undefined : String(w.tag.type ?? 'relation');
        },
        cancelWait: (err) => {
          instance.locks.cancelWait(options.id, err);
        },
        terminate: (err) => this.terminate(err),
        timeoutMs: (name) => Number(this.#settings.get(name)),
      },
    );
    instance.activity.add(this.#activity);
    // freeze (issue 11): GetNewTransactionId's wraparound WARNING goes to this session
    instance.xidNotices.set(options.id, (n) =>
      this.#notices.push({
        severity: 'WARNING',
        code: '01000',
        message: n.message,
        ...(n.hint === undefined ? {} : { hint: n.hint }),
      }),
    );
    this.#functionHost = {
      processId: options.id,
      notify: (channel, payload) => this.#notify.notify(channel, payload),
      listeningChannels: () => this.#notify.channels(),
      signal: (pid, what) =>
        instance.activity.signal(this.#role(), pid, what, (message) =>
          this.#notices.push({ severity: 'WARNING', code: '01000', message }),
        ),
    };
    this.#activity.started();
    // issue 11: what pgstattuple() & co. read of this session (stat-functions.ts)
    this.#stats.host = {
      heapOf: (oid) => {
        const desc = this.#catalog.mustRelation(oid);
        if (desc.kind !== 'r' && desc.kind !== 'm' && desc.kind !== 't')
          throw new EngineError('0A000', `"${desc.name}" is not a table: not supported yet`);
        return this.#catalog.openTable(oid).heap as Heap;
      },
      updateContext: () => this.#txnState().catalogTxn.ctx as UpdateContext,
      oldestXmin: () => this.#i.t.manager.oldestXmin(),
      extensionInstalled: (name) => this.#catalog.extension(name) !== undefined,
      isSuperuser: () => this.#isSuperuser(),
    };
  }

  // ------------------------------------------------------------ notifications, activity, interrupts (issue 10, H6)

  readonly #notify: SessionNotify;
  readonly #activity: BackendActivity;
  readonly #functionHost: SessionFunctionHost;
  readonly #terminateListeners: ((err: EngineError) => void)[] = [];
  /** Client requests running now (the session is idle at 0). */
  #running = 0;

  /** The session's role as pg_signal_backend and pg_stat_activity check it. */
  #role(): { readonly user: string; readonly superuser: boolean } {
    return { user: this.#o.user, superuser: this.#isSuperuser() };
  }

  /** superuser() for the session's role: rolsuper when it connected (issue 10, H3). */
  #isSuperuser(): boolean {
    return this.#o.superuser ?? this.#o.user === this.#i.superuser;
  }

  /** BackendKeyData's secret key (a random 32-bit integer; Database.cancelBackend checks it). */
  get secretKey(): number {
    return this.#activity.secretKey;
  }

  /**
   * NOTIFY delivery: called after the notifying transaction commits (also
   * for the session's own notifications), when this session is between
   * transactions: at once (on the event loop) when idle, else when its
   * request or transaction block ends.
   */
  onNotification(listener: (n: Notification) => void): void {
    this.#notify.onNotification(listener);
  }

  /**
   * FATAL ends forced from outside (pg_terminate_backend 57P01,
   * idle_in_transaction_session_timeout 25P03, idle_session_timeout 57P05,
   * a fast shutdown): called once, after the session has ended and rolled
   * back. When the session was running a request, that request rejects
   * with the same EngineError object.
   */
  onTerminate(listener: (err: EngineError) => void): void {
    this.#terminateListeners.push(listener);
  }

  /** Client address etc. for pg_stat_activity (set by the server after startup). */
  setClientInfo(info: ClientInfo): void {
    this.#activity.setClientInfo(info);
    if (info.applicationName !== undefined) {
      this.#settings.set('application_name', info.applicationName, false);
    }
  }

  /**
   * One client request (a Query message, or an extended-query Execute):
   * pg_stat_activity shows `sql` as active while it runs; afterwards a
   * pending termination ends the session, notifications are delivered if
   * the session is between transactions, and the idle timeouts are armed.
   */
  async #activityRun<T>(sql: string, work: () => Promise<T>): Promise<T> {
    if (this.#closed) return work();
    this.#activity.begin(sql);
    this.#running++;
    let result: T;
    try {
      result = await work();
    } catch (err) {
      this.#running--;
      this.#afterActivity();
      throw err;
    }
    this.#running--;
    this.#afterActivity();
    return result;
  }

  #afterActivity(): void {
    if (this.#running > 0 || this.#closed) return;
    this.#activity.end();
    this.#notify.deliver();
  }

  // ------------------------------------------------------------ end of the H6 hunk

  /** The session's id (its backend pid, as pg_backend_pid() would show). */
  get processId(): number {
    return this.#o.id;
  }

  /** ReadyForQuery's transaction status: I (idle), T (in a block), E (failed block). */
  get transactionStatus(): 'I' | 'T' | 'E' {
    return this.#block.status;
  }

  /** A setting's value as SHOW prints it. */
  setting(name: string): string {
    return this.#settings.show(name);
  }

  /**
   * Runs `sql` (one statement, or several separated by semicolons) and
   * returns the last statement's result. `params` fill $1, $2, ... (given
   * as JavaScript values or text). Errors are thrown as EngineErrors.
   */
  async query<R = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
    options: QueryOptions = {},
  ): Promise<QueryResult<R>> {
    const results = await this.execute<R>(sql, params, options);
    const last = results.at(-1);
    if (last === undefined) {
      return { command: '', rowCount: null, fields: [], rows: [], notices: [] };
    }
    return last;
  }

  /** Runs every statement of `sql` and returns each one's result (stops at the first error, which is thrown). */
  execute<R = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
    options: QueryOptions = {},
  ): Promise<QueryResult<R>[]> {
    const run = this.#queue.then(() =>
      this.#activityRun(sql, () => this.#execute<R>(sql, params, options)),
    );
    this.#queue = run.catch(() => {});
    return run;
  }

  /**
   * Runs one COPY ... FROM STDIN statement with `data` as its input (a
   * string, UTF-8 bytes, or an (async) iterable of chunks, read as it
   * streams). Returns the result (command tag `COPY n`).
   */
  async copyFrom(sql: string, data: CopySource): Promise<QueryResult> {
    return this.query(sql, [], { copyIn: data });
  }

  /**
   * Runs one COPY ... TO STDOUT statement: `sink` receives the output in
   * chunks of whole lines (awaited in order); without a sink the output is
   * returned as one string. Resolves with the result (`COPY n`).
   */
  async copyTo(sql: string, sink?: CopySink): Promise<QueryResult & { readonly data: string }> {
    let data = '';
    const result = await this.query(sql, [], {
      copyOut:
        sink ??
        ((chunk: string) => {
          data += chunk;
        }),
    });
    return { ...result, data };
  }

  /** Ends the session: an open transaction rolls back. */
  async close(): Promise<void> {
    await this.#queue;
    // issue 9 (H): RemoveTempRelations at backend exit, after the open transaction rolls back
    if (this.#tempUsed && !this.#closed) {
      try {
        this.#block.abandon();
        await this.query(`DROP SCHEMA IF EXISTS ${tempNamespaceName(this.#o.id)} CASCADE`);
      } catch {
        // the next session with this id empties it (initTempNamespace)
      }
    }
    this.terminate();
  }

  /**
   * Ends the session now (shutdown): rolls back whatever is open. With
   * `err` (a FATAL: shutdown, pg_terminate_backend, an idle timeout) the
   * onTerminate listeners are told.
   */
  terminate(err?: EngineError): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#block.abandon();
    } finally {
      // issue 10 (H6)
      this.#activity.close();
      this.#i.activity.remove(this.#activity);
      this.#i.xidNotices.delete(this.#o.id); // freeze (issue 11)
      this.#notify.close();
      this.#o.onClose(this);
      if (err !== undefined) {
        for (const l of this.#terminateListeners) {
          // called from timers too: a listener's failure must not reach the event loop
          try {
            l(err);
          } catch {}
        }
      }
    }
  }

  // issue 10 (H1, @pg/server): the extended protocol's implicit transaction
  /**
   * The extended protocol's implicit transaction: from the first message of
   * a batch to Sync, the statements run in one transaction (open = true);
   * Sync ends it (open = false: commits, unless an error already rolled it
   * back or a BEGIN made it an explicit block), as PostgreSQL does.
   */
  extendedBatch(open: boolean): Promise<void> {
    const run = this.#queue.then(async () => {
      this.#block.implicit = open;
      if (!open) await this.#block.endImplicit(false);
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  // ------------------------------------------------------------ extended query (issue 10, H2: prepared.ts)

  /** The settings values are read and printed with (TimeZone, extra_float_digits, bytea_output, ...): the wire protocol's text format. */
  typeContext(): TypeContext {
    const version = this.#settings.version;
    if (this.#outputContext?.version !== version) {
      const context = this.#typeContext();
      const hook = context.catalog;
      this.#outputContext = {
        version,
        // reg* values print names read from the catalog: between statements, in a short read-only transaction
        context: hook === undefined ? context : { ...context, catalog: this.#readingCatalog(hook) },
      };
    }
    return this.#outputContext.context;
  }

  /** `hook` whose look-ups run in the open transaction, or, between transactions, in one of their own (rolled back). */
  #readingCatalog(hook: RegCatalog): RegCatalog {
    const read = <T>(f: () => T): T => {
      const manager = this.#i.t.manager;
      const id = this.#o.id;
      if (manager.state(id) !== 'idle') return f();
      manager.begin(id);
      try {
        this.#catalog.beginStatement(this.#txnState().catalogTxn, {
          searchPath: this.#searchPath(),
        });
        return f();
      } finally {
        manager.rollback(id);
        this.#i.cluster.atAbort(id);
        this.#i.locks.releaseAll(id);
        this.#txn = undefined;
      }
    };
    const wrapped: Record<string, unknown> = {
      get databaseName() {
        return read(() => hook.databaseName);
      },
    };
    for (const name of Object.keys(hook)) {
      if (name === 'databaseName') continue;
      const value = (hook as unknown as Record<string, unknown>)[name];
      if (typeof value === 'function') {
        wrapped[name] = (...args: unknown[]) => read(() => value.apply(hook, args));
      }
    }
    return wrapped as unknown as RegCatalog;
  }

  #outputContext: { readonly version: number; readonly context: TypeContext } | undefined;
  /** PREPARE / EXECUTE / DEALLOCATE's statements. */
  readonly #sqlPrepared = new SqlPreparedStatements();
  readonly #cursors = new SessionCursors(); // DECLARE / FETCH / MOVE / CLOSE (cursors.ts)
  /** While a portal runs: its parameters are already values of their types (no text conversion). */
  #boundParams = false;

  /**
   * Parse: analyzes (and plans) one statement without running it.
   * paramTypes: 0 = infer. Zero statements give an empty statement; two or
   * more are refused (42601). See prepared.ts.
   */
  prepare(sql: string, paramTypes: readonly number[] = []): Promise<PreparedStatement> {
    return prepareStatement(this.#preparedHost, sql, paramTypes);
  }

  /** Bind: a portal that runs `statement` with `params` (JavaScript values, or text) at its first fetch. */
  bind(
    statement: PreparedStatement,
    params: readonly unknown[],
    options: BindOptions = {},
  ): Promise<Portal> {
    return bindPortal(this.#preparedHost, statement, params, options);
  }

  /**
   * The session's named prepared statements, one namespace for SQL-level
   * PREPARE and the protocol's named Parse (as PostgreSQL's): `store`
   * (42P05 for a name in use), `get`, `delete`. The unnamed statement is
   * the caller's own.
   */
  get preparedStatements(): {
    store(name: string, statement: PreparedStatement): void;
    get(name: string): PreparedStatement | undefined;
    delete(name: string): boolean;
  } {
    return this.#sqlPrepared;
  }

  readonly #preparedHost: PreparedHost = {
    enqueue: (work, sql = '') => {
      // issue 10 (H6): pg_stat_activity's state, interrupts, notifications after (sql: what it shows)
      const run = this.#queue.then(() => this.#activityRun(sql, work));
      this.#queue = run.catch(() => {});
      return run;
    },
    checkOpen: () => {
      if (this.#closed) throw new EngineError('08003', 'connection is closed');
    },
    parse: (sql) => {
      try {
        return parse(sql);
      } catch (err) {
        throw toEngineError(err);
      }
    },
    failBlock: async () => {
      if (this.#block.inBlock && !this.#block.failed) await this.#block.finishStatement(true);
    },
    blockFailed: () => this.#block.failed,
    inStatement: async (work) => {
      this.#block.startStatement();
      this.#inStatement = true;
      try {
        this.#catalog.beginStatement(this.#txnState().catalogTxn, {
          searchPath: this.#searchPath(),
        });
        const result = work();
        await this.#block.finishStatement(false);
        return result;
      } catch (err) {
        await this.#block.finishStatement(true);
        throw toEngineError(err);
      } finally {
        this.#inStatement = false;
      }
    },
    analyze: (stmt, paramTypes, fixedParams) =>
      analyze(stmt, this.#view(), {
        paramTypes,
        fixedParams,
        typeContext: this.#typeContext(),
      }),
    plan: (query) =>
      planQuery(query, this.#relations, {
        settings: this.#plannerSettings(),
        statistics: plannerStatistics(this.#catalog, this.#txnState().catalogTxn),
      }),
    typeContext: () => this.#typeContext(),
    planStamp: () =>
      `${this.#i.cluster.invalidationSeq}/${this.#ddlCount}/${String(this.#settings.get('search_path'))}/${this.#plannerKey()}`,
    cachedPlan: (sql) => this.#cachedPlan(sql),
    remember: (sql, plan) => this.#remember(sql, plan),
    showFields: (name) => this.#show(name).fields,
    field: (c) => field(c),
    runPlan: async (plan, params, options) => {
      if (this.#closed) throw new EngineError('08003', 'connection is closed');
      this.#copyIo = options;
      this.#notices = [];
      this.#boundParams = true;
      let outcome: Outcome;
      try {
        outcome = await this.#runPlan(plan, params);
      } finally {
        this.#boundParams = false;
      }
      const notices = this.#notices;
      this.#notices = [];
      return { ...outcome, notices };
    },
    runPlanInStatement: async (plan, params) => {
      this.#boundParams = true;
      try {
        return { ...(await this.#runPlan(plan, params)), notices: [] };
      } finally {
        this.#boundParams = false;
      }
    },
    dispatchInStatement: async (stmt, params) => {
      const tag = Object.keys(stmt.node)[0] ?? '';
      return {
        ...(await this.#dispatch(tag, stmt.node[tag], stmt, params, undefined)),
        notices: [],
      };
    },
    resolveType: (typeName) => resolveTypeName(typeName, builtins).oid,
    evaluateParam: (expr, typeOid, source) => {
      const analyzed = analyzeExpression(expr, this.#view(), {
        column: {
          attnum: 1,
          name: '',
          typeOid,
          typmod: -1,
          notNull: false,
          hasDefault: false,
          dropped: false,
          storage: 'p',
        },
        typeContext: this.#typeContext(),
        source,
      });
      const value = compileExpr(analyzed, builtins)([], {
        params: [],
        tctx: this.#typeContext(),
        user: this.#o.user,
        database: this.#o.database,
        settings: this.#settingsBridge,
      });
      return value === undefined ? null : value;
    },
    runStatement: async (stmt, params, options) => {
      if (this.#closed) throw new EngineError('08003', 'connection is closed');
      this.#copyIo = options;
      this.#notices = [];
      const outcome = await this.#statement(stmt, params, undefined);
      const notices = this.#notices;
      this.#notices = [];
      return { ...outcome, notices };
    },
  };

  // ------------------------------------------------------------ end of the extended-query hunk

  async #execute<R>(
    sql: string,
    params: readonly unknown[],
    options: QueryOptions,
  ): Promise<QueryResult<R>[]> {
    if (this.#closed) throw new EngineError('08003', 'connection is closed');
    this.#copyIo = options;
    let cached = params.length > 0 || this.#plans.has(sql) ? this.#cachedPlan(sql) : undefined;
    // issue 9 (F): lock order — a cached plan's relations are locked, then it is checked again
    if (cached !== undefined && (await this.#lockPlanned(cached))) cached = this.#cachedPlan(sql);
    if (cached !== undefined) {
      this.#notices = [];
      const result = this.#shape<R>(await this.#runPlan(cached, params), options);
      await options.onResult?.(result as QueryResult<unknown>); // issue 10
      return [result];
    }
    // issue 10 (plan cache): a text differing from an earlier one only in constants
    let scanned: ScannedText | undefined;
    if (params.length === 0 && sql.length <= PLAN_CACHE_MAX_TEXT && this.#normalizedOn()) {
      scanned = scanNumbers(sql);
      if (scanned !== undefined && scanned.tokens.length > 0) {
        const entry = this.#normalized.get(
          scanned.key,
          this.#normalizedStamp(),
          this.#i.cluster,
          this.#o.dbOid,
        );
        const values = entry === undefined ? undefined : bindEntry(entry, scanned);
        if (entry !== undefined && values !== undefined) {
          this.#notices = [];
          const result = this.#shape<R>(
            await this.#runNormalized(sql, entry.plan, values),
            options,
          );
          await options.onResult?.(result as QueryResult<unknown>);
          return [result];
        }
      } else scanned = undefined;
    }
    // end of the plan-cache hunk
    let statements: RawStatement[];
    try {
      statements = parse(sql);
    } catch (err) {
      if (this.#block.inBlock && !this.#block.failed) await this.#block.finishStatement(true);
      throw toEngineError(err);
    }
    const out: QueryResult<R>[] = [];
    // issue 10: PostgreSQL's implicit transaction block for a multi-statement Query message
    const implicit = options.implicitTransaction === true && statements.length > 1;
    if (implicit) this.#block.implicit = true;
    try {
      for (const stmt of statements) {
        this.#notices = [];
        // issue 10 (plan cache): #dispatch makes the generic plan of a single statement
        this.#normalizeNext =
          statements.length === 1 && scanned !== undefined ? { sql, scanned } : undefined;
        const outcome = await this.#statement(
          stmt,
          params,
          statements.length === 1 && sql.length <= PLAN_CACHE_MAX_TEXT ? sql : undefined,
        );
        const result = this.#shape<R>(outcome, options);
        out.push(result);
        await options.onResult?.(result as QueryResult<unknown>);
      }
      if (implicit) await this.#block.endImplicit(false);
    } catch (err) {
      if (implicit) await this.#block.endImplicit(true);
      throw err;
    } finally {
      if (implicit) this.#block.implicit = false;
    }
    return out;
  }

  #shape<R>(outcome: Outcome, options: QueryOptions): QueryResult<R> {
    const notices = this.#notices;
    this.#notices = [];
    let rows: R[];
    if (options.rowMode === 'array') rows = outcome.rows as unknown as R[];
    else {
      const names = outcome.fields.map((f) => f.name);
      rows = outcome.rows.map((r) => {
        const o: Record<string, unknown> = {};
        for (let k = 0; k < names.length; k++) o[names[k] as string] = r[k];
        return o as R;
      });
    }
    return {
      command: outcome.command,
      rowCount: outcome.rowCount,
      fields: outcome.fields,
      rows,
      notices,
    };
  }

  // ------------------------------------------------------------ statements

  async #statement(
    stmt: RawStatement,
    params: readonly unknown[],
    cacheKey: string | undefined,
  ): Promise<Outcome> {
    const tag = tagOf(stmt.node);
    const body = stmt.node[tag];
    if (tag === 'TransactionStmt') return this.#transactionStatement(body);
    this.#block.startStatement();
    this.#inStatement = true;
    try {
      const txn = this.#txnState();
      this.#catalog.beginStatement(txn.catalogTxn, { searchPath: this.#searchPath() });
      const outcome = await this.#dispatch(tag, body, stmt, params, cacheKey);
      await this.#block.finishStatement(false);
      return outcome;
    } catch (err) {
      await this.#block.finishStatement(true);
      throw toEngineError(err);
    } finally {
      this.#inStatement = false;
    }
  }

  #txnState(): TxnState {
    if (this.#txn !== undefined) return this.#txn;
    const comboCids = new ComboCids();
    this.#txn = { comboCids, catalogTxn: mvccCatalogTxn(this.#i.t, this.#o.id, comboCids) };
    return this.#txn;
  }

  #searchPath(): string[] {
    const path = String(this.#settings.get('search_path'))
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s));
    // issue 9 (H): this session's temporary schema is searched first for relations
    return this.#tempUsed ? [tempNamespaceName(this.#o.id), ...path] : path;
  }

  /** issue 9 (H): whether this session created its temporary schema (pg_temp_N). */
  #tempUsed = false;

  // ---- issue 9 (F): temporary objects (temp-objects.ts)
  /** The session's ON COMMIT DELETE ROWS / DROP tables. */
  readonly #tempObjects = new TempObjects();

  /** PreCommit_on_commit_actions: empties the DELETE ROWS tables, drops the DROP ones. */
  async #onCommitActions(): Promise<void> {
    if (this.#tempObjects.empty) return;
    this.#catalog.beginStatement(this.#txnState().catalogTxn, { searchPath: this.#searchPath() });
    const { truncate, drop } = this.#tempObjects.actions(
      (oid) => this.#catalog.relation(oid) !== undefined,
    );
    for (const oid of truncate) {
      if (!this.#anyRow(oid, () => true)) continue; // already empty
      this.#ddl();
      this.#catalog.truncate(oid);
    }
    const notices = this.#notices.length;
    for (const oid of drop) {
      this.#ddl();
      // performDeletion(DROP_CASCADE, PERFORM_DELETION_QUIETLY): what depends on it goes too
      for (const fk of this.#catalog.referencingConstraints(oid))
        if (fk.table !== oid) this.#catalog.dropConstraint(fk.oid);
      this.#catalog.dropRelation(oid, { cascade: true });
    }
    this.#notices.length = notices;
  }

  /** A temporary relation's creation: pg_temp_N made on first use (InitTempTableNamespace). */
  #useTempNamespace(): void {
    initTempNamespace(this.#catalog, this.#o.id, !this.#tempUsed);
    this.#tempUsed = true;
  }
  // ---- end of the issue 9 (F) temporary-objects hunk

  /** The reg* types' catalog hook: it reads the catalog when used, so one serves while search_path stays. */
  #reg: { readonly key: string; readonly hook: RegCatalog } | undefined;

  #regCatalog(): RegCatalog {
    const searchPath = this.#searchPath();
    const key = searchPath.join('\0');
    if (this.#reg?.key !== key) {
      this.#reg = {
        key,
        hook: regCatalog(this.#catalog, { searchPath, registry: builtins, user: this.#o.user }),
      };
    }
    return this.#reg.hook;
  }

  #typeContext(): TypeContext {
    // issue 10 (H6): pg_notify & co. find this session through the context
    // issue 11: pg_stat_get_* & co. find this session's statistics through it too
    // issue 12: brin_summarize_new_values & co. find this session's catalog through it
    return bindIndexAmContext(
      bindStatsContext(bindSessionContext(this.#typeContextOf(), this.#functionHost), this.#stats),
      () => this.#catalog,
    );
  }

  #typeContextOf(): TypeContext {
    return defaultContext({
      timeZone: String(this.#settings.get('TimeZone')),
      extraFloatDigits: Number(this.#settings.get('extra_float_digits')),
      byteaOutput: this.#settings.get('bytea_output') === 'escape' ? 'escape' : 'hex',
      // regclass, regtype, regnamespace read and print names through the catalog
      catalog: this.#regCatalog(),
      xact: this.#xactContext(), // freeze (issue 11)
    });
  }

  /** freeze (issue 11): what age(xid), mxid_age(xid) and txid_current() read. */
  #xactContext(): XactContext {
    const t = this.#i.t;
    const id = this.#o.id;
    return {
      stableLatestXid: () => {
        const x = t.manager.topXidIfAny(id);
        return x !== 0 ? x : Number(BigInt.asUintN(32, t.xids.nextFullXid));
      },
      nextMultiXactId: () => t.multixacts?.nextMulti ?? 1,
      topFullXid: (assign) => {
        const x = assign ? t.manager.getTopXid(id) : t.manager.topXidIfAny(id);
        return x === 0 ? undefined : widenTransactionId(t.xids.nextFullXid, x);
      },
    };
  }

  #mvccNotices(list: MvccNotice[]): void {
    for (const n of list) {
      this.#notices.push({
        severity: n.severity,
        // issue 10 (found over the wire): BEGIN inside a block is ERRCODE_ACTIVE_SQL_TRANSACTION
        code: n.message === 'there is already a transaction in progress' ? '25001' : '25P01',
        message: n.message,
        ...(n.hint !== undefined ? { hint: n.hint } : {}),
      });
    }
  }

  async #transactionStatement(body: PNode): Promise<Outcome> {
    const notices: MvccNotice[] = [];
    const done = (command: string): Outcome => {
      this.#mvccNotices(notices);
      return { command, rowCount: null, fields: [], rows: [] };
    };
    try {
      switch (body.kind) {
        case 'TRANS_STMT_BEGIN':
        case 'TRANS_STMT_START': {
          let isolation: IsolationLevel | undefined;
          let readOnly: boolean | undefined;
          for (const opt of body.options ?? []) {
            const d = opt.DefElem;
            if (d?.defname === 'transaction_isolation') isolation = isolationOf(constText(d.arg));
            if (d?.defname === 'transaction_read_only') readOnly = constText(d.arg) !== '0';
          }
          this.#block.begin(isolation, notices, readOnly);
          return done(body.kind === 'TRANS_STMT_BEGIN' ? 'BEGIN' : 'START TRANSACTION');
        }
        case 'TRANS_STMT_COMMIT':
          // H8: deferred foreign-key checks; a violation rolls the transaction back
          if (this.#block.inBlock && !this.#block.failed) {
            this.#fks.enter(this.#txnState());
            try {
              await this.#riRunStatement(() => this.#fks.beforeCommit());
            } catch (err) {
              this.#block.rollback(notices);
              throw err;
            }
          }
          return done(await this.#block.commit(notices));
        case 'TRANS_STMT_ROLLBACK':
          this.#block.rollback(notices);
          return done('ROLLBACK');
        case 'TRANS_STMT_SAVEPOINT':
          if (this.#block.failed) {
            throw new EngineError(
              '25P02',
              'current transaction is aborted, commands ignored until end of transaction block',
            );
          }
          this.#block.savepoint(String(body.savepoint_name));
          return done('SAVEPOINT');
        case 'TRANS_STMT_RELEASE':
          if (this.#block.failed) {
            throw new EngineError(
              '25P02',
              'current transaction is aborted, commands ignored until end of transaction block',
            );
          }
          this.#block.release(String(body.savepoint_name));
          return done('RELEASE');
        case 'TRANS_STMT_ROLLBACK_TO':
          this.#block.rollbackTo(String(body.savepoint_name));
          if (this.#txnDdl) this.#ddlCount++; // the savepoint's DDL is undone
          return done('ROLLBACK');
        default:
          throw new EngineError('0A000', `${String(body.kind)} is not supported`);
      }
    } catch (err) {
      const e = toEngineError(err);
      // An error in a transaction statement fails an open block, as any error does.
      if (this.#block.inBlock && !this.#block.failed) await this.#block.finishStatement(true);
      throw e;
    }
  }

  async #dispatch(
    tag: string,
    body: PNode,
    stmt: RawStatement,
    params: readonly unknown[],
    cacheKey: string | undefined,
  ): Promise<Outcome> {
    // issue 9 (D): SELECT ... INTO [TEMP] t is CREATE TABLE t AS SELECT ... (view-ddl.ts)
    if (tag === 'SelectStmt' && body.intoClause !== undefined) {
      const { intoClause, ...select } = body;
      const ctas = { query: { SelectStmt: select }, into: intoClause, objtype: 'OBJECT_TABLE' };
      const node = { CreateTableAsStmt: ctas };
      return this.#dispatch('CreateTableAsStmt', ctas, { ...stmt, node }, params, undefined);
    }
    const writes = DDL_COMMANDS[tag];
    if (writes !== undefined)
      this.#checkWritable(typeof writes === 'string' ? writes : writes(body));
    if (PLANNABLE.has(tag)) {
      const plan = await this.#planLocked(stmt, params); // issue 9 (F): lock order
      if (cacheKey !== undefined) this.#remember(cacheKey, plan);
      // issue 10 (plan cache)
      const normalize = this.#normalizeNext;
      this.#normalizeNext = undefined;
      if (normalize !== undefined && cacheKey !== undefined && normalize.sql === stmt.source)
        this.#makeGeneric(normalize, stmt, plan);
      return this.#runPlan(plan, params);
    }
    switch (tag) {
      case 'VariableSetStmt':
        return this.#set(body);
      case 'VariableShowStmt':
        return this.#show(String(body.name));
      case 'CreateSchemaStmt':
        this.#ddl();
        this.#catalog.createNamespace(String(body.schemaname), {
          ifNotExists: body.if_not_exists === true,
        });
        return command('CREATE SCHEMA');
      case 'CreateStmt':
        return this.#createTable(body, stmt);
      case 'CommentStmt': // issue 9 (H): COMMENT ON (table-ddl-extras.ts)
        this.#ddl();
        return command(commentOn(this.#tableDdlExtras(), body));
      case 'CreateSeqStmt': {
        this.#ddl();
        // issue 9 (F): CREATE TEMP SEQUENCE (or in pg_temp): in this session's pg_temp_N
        const target = creationTarget(
          { ...this.#tableDdlExtras(), backendId: this.#o.id, source: stmt.source },
          body.sequence,
          undefined,
        );
        if (target.persistence === 't') this.#useTempNamespace();
        const seqBody =
          target.persistence === 't'
            ? {
                ...body,
                sequence: { ...body.sequence, schemaname: target.namespace, relpersistence: 't' },
              }
            : body;
        createSequence(this.#sequenceDdl(), seqBody);
        return command('CREATE SEQUENCE');
      }
      case 'AlterSeqStmt':
        this.#ddl();
        alterSequence(this.#sequenceDdl(), body);
        return command('ALTER SEQUENCE');
      case 'IndexStmt':
        return this.#createIndex(body, stmt.source);
      case 'DropStmt':
        if (body.removeType === 'OBJECT_EXTENSION') {
          this.#ddl(); // issue 11 (pgstat): DROP EXTENSION (stat-functions.ts)
          dropExtension(this.#extensionContext(), body);
          return command('DROP EXTENSION');
        }
        return this.#drop(body);
      case 'CreateExtensionStmt':
        this.#ddl(); // issue 11 (pgstat): CREATE EXTENSION (stat-functions.ts)
        createExtension(this.#extensionContext(), body);
        return command('CREATE EXTENSION');
      case 'TruncateStmt':
        return this.#truncate(body);
      case 'ConstraintsSetStmt':
        return this.#setConstraints(body); // H8
      case 'AlterTableStmt':
        return this.#alterTable(body, stmt);
      case 'AlterObjectSchemaStmt': // issue 9 (ALTER TABLE): SET SCHEMA (alter-table.ts)
        this.#ddl();
        return command(
          await alterObjectSchema(
            {
              catalog: this.#catalog,
              txn: () => this.#txnState().catalogTxn,
              resolve: (rv, missingOk) => this.#resolveRange(rv, missingOk),
              lock: (oid) => this.#lockRelation(oid, LockMode.AccessExclusiveLock),
              notice: (message) =>
                this.#notices.push({ severity: 'NOTICE', code: '00000', message }),
            },
            body,
          ),
        );
      case 'RenameStmt':
        return this.#rename(body);
      // issue 9 (G): views and materialized views (view-ddl.ts)
      case 'ViewStmt':
        this.#ddl();
        return command(await createView(this.#viewDdl(), body, stmt));
      case 'CreateTableAsStmt': {
        this.#ddl();
        const tag = await createTableAs(this.#viewDdl(), body, stmt);
        const n = /^SELECT (\d+)$/.exec(tag);
        return n ? { ...command(tag), rowCount: Number(n[1]) } : command(tag);
      }
      case 'RefreshMatViewStmt':
        this.#ddl();
        return command(await refreshMaterializedView(this.#viewDdl(), body));
      case 'CheckPointStmt':
        // RequestCheckpoint(CHECKPOINT_IMMEDIATE | CHECKPOINT_FORCE | CHECKPOINT_WAIT)
        if (!this.#isSuperuser()) {
          throw new EngineError(
            '42501',
            'must be superuser or have privileges of pg_checkpoint to do CHECKPOINT',
          );
        }
        this.#i.t.storage.checkpointer.checkpoint();
        return command('CHECKPOINT');
      // issue 10 (H3): roles (role-ddl.ts)
      case 'CreateRoleStmt':
        this.#ddl();
        await this.#lockRoles();
        return command(createRole(this.#roleDdl(), body));
      case 'AlterRoleStmt':
        this.#ddl();
        await this.#lockRoles();
        return command(alterRole(this.#roleDdl(), body));
      case 'DropRoleStmt':
        this.#ddl();
        await this.#lockRoles();
        return command(dropRole(this.#roleDdl(), body));
      case 'AlterRoleSetStmt':
        throw new EngineError('0A000', 'ALTER ROLE ... SET is not supported yet');
      case 'CreatedbStmt':
        return this.#createDatabase(body);
      case 'DropdbStmt':
        return this.#dropDatabase(body);
      case 'ExplainStmt':
        return this.#explain(body, stmt, params);
      // issue 11: CLUSTER and REINDEX (rewrite-command.ts)
      case 'ClusterStmt':
        this.#ddl();
        return command(await runClusterCommand(body, this.#vacuumContext()));
      case 'ReindexStmt':
        this.#ddl();
        return command(await runReindexCommand(body, this.#vacuumContext()));
      case 'VacuumStmt':
        this.#ddl(); // new statistics: this session's cached plans are replanned
        if (body.is_vacuumcmd === true)
          return command(await runVacuumCommand(body, this.#vacuumContext()));
        return command(await runVacuumStatement(body, this.#analyzeContext()));
      case 'CopyStmt':
        return this.#copy(body, stmt);
      // issue 10 (H2): SQL-level prepared statements (prepared.ts)
      case 'PrepareStmt':
        this.#sqlPrepared.prepare(this.#preparedHost, body, stmt);
        return command('PREPARE');
      case 'ExecuteStmt': {
        const { notices: _n, ...outcome } = await this.#sqlPrepared.execute(
          this.#preparedHost,
          body,
          stmt,
        );
        return outcome;
      }
      case 'DeallocateStmt':
        return command(this.#sqlPrepared.deallocate(body));
      // cursors.ts: the query runs at DECLARE, FETCH and MOVE read its rows
      case 'DeclareCursorStmt': {
        this.#cursors.checkDeclare(body, this.#block.inBlock);
        const plan = this.#plan({ ...stmt, node: body.query }, params);
        this.#cursors.declare(body, stmt.text.trim(), await this.#runPlan(plan, params));
        return command('DECLARE CURSOR');
      }
      case 'FetchStmt':
        return this.#cursors.fetch(body);
      case 'ClosePortalStmt':
        this.#cursors.close(body);
        return command(body.portalname === undefined ? 'CLOSE CURSOR ALL' : 'CLOSE CURSOR');
      // issue 10 (H6): LISTEN / UNLISTEN / NOTIFY take effect at commit (notify.ts)
      case 'ListenStmt':
        this.#notify.listen(String(body.conditionname));
        return command('LISTEN');
      case 'UnlistenStmt':
        this.#notify.unlisten(
          body.conditionname === undefined ? undefined : String(body.conditionname),
        );
        return command('UNLISTEN');
      case 'LockStmt': {
        // issue 10 (H9): LOCK TABLE (pg_dump locks every table it dumps)
        if (!this.#block.inBlock)
          throw new EngineError('25P01', 'LOCK TABLE can only be used in transaction blocks');
        const mode = Number(body.mode ?? LockMode.AccessExclusiveLock) as LockMode;
        for (const rel of (body.relations ?? []) as PNode[]) {
          const rv = rel.RangeVar ?? rel;
          const oid = this.#resolveRange(rv)!;
          const kind = this.#catalog.relation(oid)?.kind;
          if (kind === 'S' || kind === 'i') {
            throw new EngineError('42809', `cannot lock relation "${String(rv.relname)}"`, {
              detail: `This operation is not supported for ${kind === 'S' ? 'sequences' : 'indexes'}.`,
            });
          }
          await this.#i.locks.acquire(this.#o.id, relationLockTag(this.#o.dbOid, oid), mode, {
            timeoutMs: Number(this.#settings.get('lock_timeout')),
            nowait: body.nowait === true,
            relationName: String(rv.relname),
          });
        }
        return command('LOCK TABLE');
      }
      case 'NotifyStmt':
        this.#notify.notify(
          String(body.conditionname ?? ''),
          body.payload === undefined ? null : String(body.payload),
        );
        return command('NOTIFY');
      default:
        throw new EngineError(
          '0A000',
          `${tag.replace(/Stmt$/, '')} statements are not supported yet`,
        );
    }
  }

  // ------------------------------------------------------------ queries

  #view() {
    const view = this.#catalog.view({
      searchPath: this.#searchPath(),
      currentUser: this.#o.user,
      currentDatabase: this.#o.database,
    });
    // issue 9 (upsert): ON CONFLICT ON CONSTRAINT looks up the table's constraints
    return {
      ...view,
      constraintsOf: (oid: number) =>
        this.#catalog.constraintsOf(oid).map((c) => ({
          name: c.name,
          indexOid: c.type === 'p' || c.type === 'u' || c.type === 'x' ? c.index : 0,
        })),
    };
  }

  // ---- issue 9 (F): lock order — relation locks with analysis, as parserOpenTable takes them
  /**
   * #plan with the statement's relation locks: each relation analysis
   * looked up is locked (in lookup order) with the mode the statement takes
   * on it (AccessShareLock for one it failed on). When a lock had to be
   * waited for, the DDL that held it may have committed (a new file, new
   * columns, a dropped table): the invalidations are taken in
   * (AcceptInvalidationMessages) and the statement analyzed and planned
   * again, until its locks are granted without a wait. An analysis error
   * is only reported once its relations' locks are held, so a query naming
   * a column added while it waited finds it.
   */
  async #planLocked(stmt: RawStatement, params: readonly unknown[]): Promise<Plan> {
    for (let attempt = 0; ; attempt++) {
      const seen: number[] = [];
      let plan: Plan | undefined;
      let error: unknown;
      try {
        plan = this.#plan(stmt, params, seen);
      } catch (err) {
        error = err;
      }
      const modes = new Map<number, LockMode>();
      if (plan !== undefined) statementLockModes(plan.query, modes);
      let waited = false;
      for (const oid of [...seen, ...modes.keys()]) {
        const mode = modes.get(oid) ?? LockMode.AccessShareLock;
        const tag = relationLockTag(this.#o.dbOid, oid);
        if (this.#i.locks.tryAcquire(this.#o.id, tag, mode)) continue;
        await this.#lockRelation(oid, mode);
        waited = true;
      }
      if (!waited || attempt >= 8) {
        if (plan === undefined) throw error;
        return plan;
      }
      // The lock holder's commit releases its locks (@pg/mvcc) before the session publishes
      // its invalidations (PostgreSQL's AtEOXact_Inval comes first): let it finish, and drop
      // what this session cached of the relations it waited behind in any case
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.#catalog.invalidateLocal([...seen, ...modes.keys()]);
      this.#catalog.beginStatement(this.#txnState().catalogTxn, { searchPath: this.#searchPath() });
    }
  }

  /**
   * A cached plan's relation locks (RevalidateCachedQuery's AcquirePlannerLocks):
   * whether one had to be waited for — then the invalidations are in and the
   * plan must be checked again.
   */
  async #lockPlanned(plan: Plan): Promise<boolean> {
    let waited = false;
    for (const [oid, mode] of planLockModes(plan.query)) {
      if (this.#i.locks.tryAcquire(this.#o.id, relationLockTag(this.#o.dbOid, oid), mode)) continue;
      await this.#lockRelation(oid, mode);
      waited = true;
    }
    if (!waited) return false;
    await new Promise<void>((resolve) => setImmediate(resolve)); // as in #planLocked
    this.#catalog.beginStatement(this.#txnState().catalogTxn, { searchPath: this.#searchPath() });
    return true;
  }
  // ---- end of the issue 9 (F) lock-order hunk

  #plan(stmt: RawStatement, params: readonly unknown[], seen?: number[]): Plan {
    const view = this.#view();
    const query = analyze(stmt, seen === undefined ? view : recordingLookups(view, seen), {
      paramTypes: params.map(() => 0),
      typeContext: this.#typeContext(),
    });
    return planQuery(query, this.#relations, {
      settings: this.#plannerSettings(),
      statistics: plannerStatistics(this.#catalog, this.#txnState().catalogTxn),
    });
  }

  /** The planner's settings from the session's GUCs (PostgreSQL's names). */
  #plannerSettings(): PlannerSettings {
    const g = this.#settings;
    const num = (name: string) => Number(g.get(name));
    const on = (name: string) => g.get(name) === true;
    return {
      seqPageCost: num('seq_page_cost'),
      randomPageCost: num('random_page_cost'),
      cpuTupleCost: num('cpu_tuple_cost'),
      cpuIndexTupleCost: num('cpu_index_tuple_cost'),
      cpuOperatorCost: num('cpu_operator_cost'),
      effectiveCacheSize: num('effective_cache_size'),
      workMem: num('work_mem'),
      geqoThreshold: num('geqo_threshold'),
      joinCollapseLimit: num('join_collapse_limit'),
      fromCollapseLimit: num('from_collapse_limit'),
      enableSeqscan: on('enable_seqscan'),
      enableIndexscan: on('enable_indexscan'),
      enableIndexonlyscan: on('enable_indexonlyscan'),
      enableBitmapscan: on('enable_bitmapscan'),
      enableNestloop: on('enable_nestloop'),
      enableHashjoin: on('enable_hashjoin'),
      enableMergejoin: on('enable_mergejoin'),
      enableHashagg: on('enable_hashagg'),
      enableSort: on('enable_sort'),
      enableIncrementalSort: on('enable_incremental_sort'),
      enableMaterial: on('enable_material'),
      enableMemoize: on('enable_memoize'),
    };
  }

  #plannerKeyMemo: { version: number; key: string } | undefined;

  /** A cache key of the planner settings: a plan made under other settings is made again. */
  #plannerKey(): string {
    const version = this.#settings.version;
    if (this.#plannerKeyMemo?.version !== version) {
      this.#plannerKeyMemo = { version, key: Object.values(this.#plannerSettings()).join(',') };
    }
    return this.#plannerKeyMemo.key;
  }

  /** How plan-tree SELECTs run: work_mem, where they spill, statement_timeout. */
  #runOptions(instrument = false): RunOptions {
    const timeout = Number(this.#settings.get('statement_timeout'));
    const started = performance.now();
    const dataDir = this.#i.dataDir;
    return {
      workMemKb: Number(this.#settings.get('work_mem')),
      ...(dataDir === undefined ? {} : { tempDir: join(dataDir, 'base', 'pgsql_tmp') }),
      checkInterrupts: () => {
        this.#activity.checkInterrupts(); // issue 10 (H6): cancel, terminate
        if (timeout > 0 && performance.now() - started > timeout) {
          throw new EngineError('57014', 'canceling statement due to statement timeout');
        }
      },
      ...(instrument ? { instrument } : {}),
    };
  }

  #remember(key: string, plan: Plan): void {
    if (this.#plans.size >= PLAN_CACHE_LIMIT) {
      const oldest = this.#plans.keys().next().value;
      if (oldest !== undefined) this.#plans.delete(oldest);
    }
    this.#plans.set(key, {
      plan,
      relations: planRelations(plan),
      seq: this.#i.cluster.invalidationSeq,
      ddlCount: this.#ddlCount,
      searchPath: String(this.#settings.get('search_path')),
      plannerKey: this.#plannerKey(),
    });
  }

  /** A cached plan still valid for `sql`: no DDL committed or run here since, same search_path. */
  #cachedPlan(sql: string): Plan | undefined {
    const c = this.#plans.get(sql);
    if (c === undefined) return undefined;
    if (
      !stillValid(c, this.#i.cluster, this.#o.dbOid) ||
      c.ddlCount !== this.#ddlCount ||
      c.searchPath !== String(this.#settings.get('search_path')) ||
      c.plannerKey !== this.#plannerKey()
    ) {
      this.#plans.delete(sql);
      return undefined;
    }
    return c.plan;
  }

  // ------------------------------------------------------------ issue 10 (plan cache)

  /** plan_cache_mode = force_custom_plan turns the normalised cache off. */
  #normalizedOn(): boolean {
    return this.#settings.get('plan_cache_mode') !== 'force_custom_plan';
  }

  #stampMemo: { version: number; key: string } | undefined;

  /**
   * What a normalised entry depends on beside its relations' invalidations:
   * DDL here, search_path, the planner's settings, the settings literals are
   * read with, the role (not settings.version: BEGIN changes that).
   */
  #normalizedStamp(): string {
    const version = this.#settings.version;
    if (this.#stampMemo?.version !== version) {
      const g = (name: string) => String(this.#settings.get(name));
      const key = [
        g('search_path'),
        this.#plannerKey(),
        g('DateStyle'),
        g('TimeZone'),
        g('IntervalStyle'),
        g('session_authorization'),
        this.#o.user,
      ].join('\0');
      this.#stampMemo = { version, key };
    }
    return `${this.#ddlCount}\0${this.#stampMemo.key}`;
  }

  /**
   * After the custom plan of a statement whose text has numeric literals:
   * at the key's second miss, its generic plan (the literals plan-cache.ts
   * chooses as parameters), kept when it is the custom plan's shape and
   * answers every WHERE parameter through a unique index.
   */
  #makeGeneric(
    normalize: { readonly sql: string; readonly scanned: ScannedText },
    stmt: RawStatement,
    custom: Plan,
  ): void {
    const key = normalize.scanned.key;
    if (!this.#normalizedSeen.has(key)) {
      if (this.#normalizedSeen.size >= PLAN_CACHE_LIMIT) this.#normalizedSeen.clear();
      this.#normalizedSeen.add(key);
      return;
    }
    const stamp = this.#normalizedStamp();
    const seq = this.#i.cluster.invalidationSeq;
    try {
      const p = parameterize(stmt.node, normalize.sql, normalize.scanned);
      if (p === undefined) return;
      const query = analyze({ ...stmt, node: p.generic }, this.#view(), {
        paramTypes: p.paramTypes,
        fixedParams: true,
        typeContext: this.#typeContext(),
      });
      const plan = planQuery(query, this.#relations, {
        settings: this.#plannerSettings(),
        statistics: plannerStatistics(this.#catalog, this.#txnState().catalogTxn),
      });
      if (plan.withModify !== undefined || !sameShape(planShape(custom), planShape(plan))) return;
      if (!this.#uniqueLookup(plan, p.whereParams)) return;
      this.#normalized.set(key, {
        plan,
        slots: p.slots,
        paramTypes: p.paramTypes,
        stamp,
        relations: planRelations(plan),
        seq,
      });
    } catch {
      // no generic form: the statement keeps its custom plans
    }
  }

  /**
   * Whether the plan cannot depend on the WHERE parameters' values: its one
   * scan (a seq scan or an index scan) has `column = $n` conditions (same
   * types on both sides) for every WHERE parameter, and those columns (with
   * `column = constant` ones) cover a unique, non-partial, plain-column
   * index of the table — at most one row for every value, so every value's
   * estimate, and plan, is the same.
   */
  #uniqueLookup(plan: Plan, whereParams: ReadonlySet<number>): boolean {
    if (whereParams.size === 0) return true;
    type Qual = { clause?: unknown };
    type Scan = {
      kind: string;
      relationOid: number;
      filter?: unknown;
      indexQuals?: readonly Qual[];
    };
    const scans: Scan[] = [];
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      if (Array.isArray(node)) {
        for (const x of node) walk(x);
        return;
      }
      const n = node as Record<string, unknown>;
      if (typeof n.kind === 'string' && typeof n.relationOid === 'number') {
        scans.push(n as unknown as Scan);
      }
      for (const [k, v] of Object.entries(n)) {
        if (k === 'query' || k === 'output' || k === 'filter' || k === 'indexQuals') continue;
        if (typeof v === 'object') walk(v);
      }
    };
    walk(plan.scan);
    walk(plan.planned?.plan);
    walk(plan.planned?.subplans);
    walk(plan.modify?.find?.planned.plan);
    walk(plan.modify?.find?.planned.subplans);
    const scan = scans[0];
    if (scans.length !== 1 || scan === undefined) return false;
    if (scan.kind !== 'seqscan' && scan.kind !== 'indexscan' && scan.kind !== 'indexonlyscan')
      return false;
    type E = {
      kind?: string;
      op?: unknown;
      args?: readonly E[];
      attnum?: number;
      index?: number;
      type?: number;
      levelsUp?: number;
    };
    const equated = new Set<number>(); // attnums
    const covered = new Set<number>(); // parameters
    const conjunct = (e: E | undefined): void => {
      if (e === undefined) return;
      if (e.kind === 'bool' && e.op === 'and') {
        for (const x of e.args ?? []) conjunct(x);
        return;
      }
      const op = e.op as { name?: string } | undefined;
      if (e.kind !== 'op' || op?.name !== '=' || e.args?.length !== 2) return;
      const [l, r] = e.args as [E, E];
      const [v, c] = l.kind === 'var' ? [l, r] : [r, l];
      if (
        v.kind !== 'var' ||
        (v.levelsUp ?? 0) !== 0 ||
        v.attnum === undefined ||
        v.type !== c.type
      )
        return;
      if (c.kind === 'param' && c.index !== undefined) {
        covered.add(c.index);
        equated.add(v.attnum);
      } else if (c.kind === 'const') equated.add(v.attnum);
    };
    conjunct(scan.filter as E | undefined);
    for (const q of scan.indexQuals ?? []) conjunct(q.clause as E | undefined);
    for (const k of whereParams) if (!covered.has(k)) return false;
    const indexes = this.#catalog.relation(scan.relationOid)?.indexes ?? [];
    return indexes.some(
      (ix) =>
        ix.unique &&
        ix.valid &&
        ix.predicate === undefined &&
        ix.expressions === undefined &&
        ix.columns.slice(0, ix.nkeys).every((attnum) => equated.has(attnum)),
    );
  }

  /**
   * Runs a normalised entry's plan as #statement runs a statement; when it
   * fails, the error is the one the uncached path would give if its
   * analysis or planning fails (with that error's cursor position).
   */
  async #runNormalized(sql: string, plan: Plan, values: readonly string[]): Promise<Outcome> {
    this.#block.startStatement();
    this.#inStatement = true;
    try {
      this.#catalog.beginStatement(this.#txnState().catalogTxn, {
        searchPath: this.#searchPath(),
      });
      const outcome = await this.#runPlan(plan, values);
      await this.#block.finishStatement(false);
      return outcome;
    } catch (err) {
      let error = err;
      try {
        const [stmt] = parse(sql);
        if (stmt !== undefined) this.#plan(stmt, []);
      } catch (planError) {
        error = planError;
      }
      await this.#block.finishStatement(true);
      throw toEngineError(error);
    } finally {
      this.#inStatement = false;
    }
  }

  // ------------------------------------------------------------ end of the plan-cache hunk

  /** PreventCommandIfReadOnly: 25006 in a read-only transaction. */
  #checkWritable(what: string): void {
    const readOnly = this.#block.inBlock
      ? this.#settings.get('transaction_read_only')
      : this.#settings.get('default_transaction_read_only');
    if (readOnly === true) {
      throw new EngineError('25006', `cannot execute ${what} in a read-only transaction`);
    }
  }

  async #runPlan(
    plan: Plan,
    params: readonly unknown[],
    instrument = false,
  ): Promise<Outcome & { instrumentation?: Map<PlanNode, NodeInstrumentation> }> {
    const fromCache = !this.#inStatement;
    if (fromCache) {
      this.#block.startStatement();
      this.#catalog.beginStatement(this.#txnState().catalogTxn, { searchPath: this.#searchPath() });
    }
    try {
      this.#fks.enter(this.#txnState()); // H8
      if (plan.query.command !== 'select') this.#checkWritable(plan.query.command.toUpperCase());
      // a data-modifying WITH query writes too (PostgreSQL names the statement's command)
      else if (plan.query.ctes?.some((c) => c.modify !== undefined)) this.#checkWritable('SELECT');
      const { t, locks } = this.#i;
      const typeContext = this.#typeContext();
      // issue 10 (H2): a bound portal's parameters are values of their types already (prepared.ts)
      const values = this.#boundParams
        ? [...params]
        : convertParams(plan.query.paramTypes, params, typeContext);
      if (fromCache) this.#inStatement = true;
      const result = await executePlan(
        plan,
        {
          session: this.#o.id,
          dbOid: this.#o.dbOid,
          manager: t.manager,
          locks,
          transam: t.transam,
          procArray: t.procArray,
          comboCids: this.#txnState().comboCids,
          relations: this.#relations,
          params: values,
          typeContext,
          user: this.#o.user,
          database: this.#o.database,
          settings: this.#settingsBridge,
          rowTriggers: this.#rowTriggers(), // H8; issue 9 (H): generated columns
          stats: this.#stats, // issue 11 (pgstat)
        },
        this.#runOptions(instrument),
      );
      if (plan.query.command !== 'select' || this.#fks.pending)
        await this.#endStatementConstraints(); // H8
      const fields = plan.columns.map((c) => field(c));
      const command =
        result.command === 'INSERT'
          ? `INSERT 0 ${result.rowCount}`
          : `${result.command} ${result.rowCount}`;
      if (fromCache) await this.#block.finishStatement(false);
      return {
        command,
        rowCount: result.rowCount,
        fields,
        rows: result.rows,
        ...(result.instrumentation === undefined
          ? {}
          : { instrumentation: result.instrumentation }),
      };
    } catch (err) {
      if (this.#riDepth === 0) this.#fks.discardStatement(); // H8: the failed statement's events
      if (fromCache) await this.#block.finishStatement(true);
      throw toEngineError(err);
    } finally {
      if (fromCache) this.#inStatement = false;
    }
  }

  #inStatement = false;

  /** The executor's view of the catalog: tables with their heaps and indexes. */
  /** Tables and the computed system views (pg_tables, information_schema...), as the catalog opens them. */
  readonly #relations: ExecRelations<OpenRelation> = {
    open: (oid) => this.#catalog.open(oid),
  };

  /** current_setting() and set_config(): the session's settings, as SHOW and SET see them. */
  readonly #settingsBridge: SessionSettingsBridge = {
    get: (name, missingOk) => {
      try {
        return this.#settings.show(name);
      } catch (err) {
        if (missingOk && err instanceof SqlError && err.code === '42704') return null;
        throw err;
      }
    },
    set: (name, value, isLocal) => {
      this.#settings.set(name, value, isLocal);
      return this.#settings.show(name);
    },
    sequences: {
      nextval: (relid) => this.#sequences.nextval(this.#sequenceHost(), relid),
      currval: (relid) => this.#sequences.currval(this.#sequenceHost(), relid),
      setval: (relid, value, isCalled) =>
        this.#sequences.setval(this.#sequenceHost(), relid, value, isCalled),
      lastval: () => this.#sequences.lastval(this.#sequenceHost()),
      serialSequence: (table, column) =>
        serialSequence(this.#catalog, this.#searchPath(), table, column),
    },
  };

  // ------------------------------------------------------------ sequences (sequence.ts)

  /** This session's sequence state (SeqTable, last_used_seq). */
  readonly #sequences = new SessionSequences();

  #sequenceHost(): SequenceHost {
    return {
      catalog: this.#catalog,
      pool: this.#i.cluster.pool,
      inserter: this.#i.cluster.inserter,
      assignXid: () => {
        this.#i.t.manager.getXid(this.#o.id);
      },
      checkWritable: (what) => this.#checkWritable(what),
    };
  }

  /** issue 9 (G): what view-ddl.ts needs. */
  #viewDdl(): ViewDdlContext {
    return {
      catalog: this.#catalog,
      view: this.#view(),
      typeContext: this.#typeContext(),
      searchPath: this.#searchPath(),
      creationNamespace: (schema) => this.#creationNamespace(schema),
      notice: (n) => this.#notices.push(n),
      lock: (oid, mode) => this.#lockRelation(oid, mode),
      // issue 9 (D): TEMP views, CREATE TEMP TABLE AS, SELECT INTO TEMP
      temp: { name: tempNamespaceName(this.#o.id), use: () => this.#useTempNamespace() },
      run: async (query) => {
        const plan = planQuery(query, this.#relations, {
          settings: this.#plannerSettings(),
          statistics: plannerStatistics(this.#catalog, this.#txnState().catalogTxn),
        });
        return (await this.#runPlan(plan, [])).rowCount ?? 0;
      },
    };
  }

  #sequenceDdl(): SequenceDdlContext {
    return {
      catalog: this.#catalog,
      host: this.#sequenceHost(),
      sequences: this.#sequences,
      searchPath: this.#searchPath(),
      creationNamespace: (schema) => this.#creationNamespace(schema),
      notice: (n) => this.#notices.push(n),
    };
  }

  /**
   * EXPLAIN [ANALYZE] [(option [value], ...)] statement. A SELECT is shown
   * from @pg/planner's plan tree (every option); INSERT/UPDATE/DELETE as
   * ModifyTable over the plan that finds their rows (@pg/executor's
   * explainModify, text format; ANALYZE really changes the rows).
   */
  async #explain(body: PNode, stmt: RawStatement, params: readonly unknown[]): Promise<Outcome> {
    const options = explainOptions(body.options ?? []);
    const inner: RawStatement = { ...stmt, node: body.query };
    const started = performance.now();
    const query = analyze(inner, this.#view(), {
      paramTypes: params.map(() => 0),
      typeContext: this.#typeContext(),
    });
    const plan = planQuery(query, this.#relations, {
      settings: this.#plannerSettings(),
      statistics: plannerStatistics(this.#catalog, this.#txnState().catalogTxn),
    });
    const planningMs = performance.now() - started;
    const json = options.format === 'json';
    const fields = [
      json ? field({ name: 'QUERY PLAN', typeOid: 114, typmod: -1 }) : textField('QUERY PLAN'),
    ];
    if (query.command !== 'select' || plan.withModify !== undefined) {
      // INSERT/UPDATE/DELETE: ModifyTable over the plan that finds the rows (ANALYZE really changes them)
      let run: { ms: number; rows: number; instrumentation?: Map<PlanNode, NodeInstrumentation> } =
        {
          ms: 0,
          rows: 0,
        };
      if (options.analyze) {
        const t0 = performance.now();
        const result = await this.#runPlan(plan, params, true);
        run = {
          ms: performance.now() - t0,
          rows: result.rowCount ?? 0,
          ...(result.instrumentation ? { instrumentation: result.instrumentation } : {}),
        };
      }
      const lines = explainModify(plan, options, builtins, run.instrumentation, {
        planningMs,
        executionMs: run.ms,
        rows: run.rows,
      });
      return { command: 'EXPLAIN', rowCount: lines.length, fields, rows: lines.map((l) => [l]) };
    }
    if (plan.planned === undefined) {
      if (options.analyze) {
        throw new EngineError(
          '0A000',
          `EXPLAIN ANALYZE of ${query.command.toUpperCase()} is not supported yet`,
        );
      }
      const lines = describePlan(plan).split('\n');
      return { command: 'EXPLAIN', rowCount: lines.length, fields, rows: lines.map((l) => [l]) };
    }
    let instrumentation: ReadonlyMap<PlanNode, NodeInstrumentation> | undefined;
    let executionMs: number | undefined;
    if (options.analyze) {
      const run = performance.now();
      const result = await this.#runPlan(plan, params, true);
      executionMs = performance.now() - run;
      instrumentation = result.instrumentation;
    }
    const lines = explainSelect(
      plan.planned,
      query,
      options,
      builtins,
      instrumentation,
      executionMs === undefined ? { planningMs, executionMs: 0 } : { planningMs, executionMs },
    );
    return { command: 'EXPLAIN', rowCount: lines.length, fields, rows: lines.map((l) => [l]) };
  }

  // ------------------------------------------------------------ settings

  #set(body: PNode): Outcome {
    const kind = String(body.kind);
    if (kind === 'VAR_SET_MULTI' && String(body.name) === 'TRANSACTION') {
      const notices: MvccNotice[] = [];
      for (const opt of body.args ?? []) {
        const d = opt.DefElem;
        if (d?.defname === 'transaction_isolation') {
          this.#block.setIsolation(isolationOf(constText(d.arg)), notices);
        }
        if (d?.defname === 'transaction_read_only' && this.#block.inBlock) {
          this.#settings.set(
            'transaction_read_only',
            constText(d.arg) === '0' ? 'off' : 'on',
            true,
          );
        }
      }
      this.#mvccNotices(notices);
      return command('SET');
    }
    if (kind === 'VAR_RESET_ALL') {
      this.#settings.resetAll();
      return command('RESET');
    }
    const name = String(body.name);
    if (kind === 'VAR_RESET') {
      this.#settings.reset(name);
      return command('RESET');
    }
    if (kind === 'VAR_SET_DEFAULT') {
      this.#settings.set(name, undefined, body.is_local === true);
      return command('SET');
    }
    const args: PNode[] = body.args ?? [];
    const values = args.map(constText);
    if (body.is_local === true && !this.#block.inBlock) {
      this.#notices.push({
        severity: 'WARNING',
        code: '25P01',
        message: 'SET LOCAL can only be used in transaction blocks',
      });
    }
    this.#settings.set(
      name,
      name.toLowerCase() === 'search_path' ? values : values.join(', '),
      body.is_local === true,
    );
    return command('SET');
  }

  #show(name: string): Outcome {
    if (name.toLowerCase() === 'all') {
      const rows = this.#settings.all().map(({ def, value }) => [def.name, value, def.short]);
      return {
        command: 'SHOW',
        rowCount: rows.length,
        fields: [textField('name'), textField('setting'), textField('description')],
        rows,
      };
    }
    const canonical = this.#settings.canonicalName(name);
    if (canonical === 'transaction_isolation') {
      // The running transaction's level (every statement runs in one).
      return {
        command: 'SHOW',
        rowCount: 1,
        fields: [textField(canonical)],
        rows: [[this.#i.t.manager.isolation(this.#o.id)]],
      };
    }
    return {
      command: 'SHOW',
      rowCount: 1,
      fields: [textField(canonical)],
      rows: [[this.#settings.show(canonical)]],
    };
  }

  // ------------------------------------------------------------ DDL

  #ddl(): void {
    this.#ddlCount++;
    this.#txnDdl = true;
  }

  // issue 9 (H): COMMENT ON, temporary and unlogged tables (table-ddl-extras.ts)
  #tableDdlExtras(): TableDdlExtrasContext {
    return {
      catalog: this.#catalog,
      searchPath: this.#searchPath(),
      database: this.#o.database,
      warn: (code, message) => this.#notices.push({ severity: 'WARNING', code, message }),
    };
  }

  #lockRelation(oid: number, mode: LockMode): Promise<void> {
    const timeout = Number(this.#settings.get('lock_timeout'));
    return this.#i.locks.acquire(this.#o.id, relationLockTag(this.#o.dbOid, oid), mode, {
      timeoutMs: timeout,
    });
  }

  #resolveRange(rv: PNode, missingOk = false): number | undefined {
    const schema = rv.schemaname === undefined ? undefined : String(rv.schemaname);
    const name = String(rv.relname);
    const desc = this.#catalog.lookupRelation(schema, name, this.#searchPath());
    if (desc === undefined) {
      if (missingOk) return undefined;
      const qualified = schema === undefined ? name : `${schema}.${name}`;
      throw new EngineError('42P01', `relation "${qualified}" does not exist`);
    }
    return desc.oid;
  }

  /** issue 11: what CREATE / DROP EXTENSION need (stat-functions.ts). */
  #extensionContext(): ExtensionDdlContext {
    return {
      catalog: this.#catalog,
      userOid: Number(this.#catalog.authid(this.#o.user)?.oid ?? 10),
      superuser: this.#isSuperuser(),
      creationNamespace: this.#catalog.namespaceOid(this.#creationNamespace(undefined)) ?? 2200,
      notice: (n) => this.#notices.push(n),
    };
  }

  /** issue 11 (pgstat): an index build's scan of its table counts as a sequential scan. */
  #countIndexBuild(table: number): void {
    countIndexBuildScan(this.#stats, table, this.#catalog.openTable(table).heap as Heap);
  }

  #creationNamespace(schema: string | undefined): string {
    if (schema !== undefined) return schema;
    for (const s of this.#searchPath()) {
      const name = s === '$user' ? this.#o.user : s;
      if (name.startsWith('pg_temp')) continue; // issue 9 (H): only TEMP creates there
      if (this.#catalog.namespaceOid(name) !== undefined && name !== 'pg_catalog') return name;
    }
    throw new EngineError('3F000', 'no schema has been selected to create in');
  }

  #columnDef(def: PNode, source: string): { column: ColumnDef; primary: boolean; unique: boolean } {
    const { oid, typmod } = resolveTypeName(def.typeName, builtins);
    let notNull = false;
    let primary = false;
    let unique = false;
    let defaultExpr: string | undefined;
    for (const c of def.constraints ?? []) {
      const con = c.Constraint;
      switch (con?.contype) {
        case 'CONSTR_NOTNULL':
          notNull = true;
          break;
        case 'CONSTR_NULL':
          notNull = false;
          break;
        case 'CONSTR_DEFAULT':
          defaultExpr = expressionText(source, con.raw_expr);
          break;
        case 'CONSTR_PRIMARY':
          primary = true;
          notNull = true;
          break;
        case 'CONSTR_UNIQUE':
          unique = true;
          break;
        case 'CONSTR_GENERATED': // issue 9 (H): generated-columns.ts
          break;
        default:
          if (isHandledContype(con?.contype)) break; // H8: CHECK / REFERENCES (constraints.ts)
          throw new EngineError(
            '0A000',
            `${String(con?.contype).replace('CONSTR_', '')} constraints are not supported yet`,
          );
      }
    }
    const column: ColumnDef = {
      name: String(def.colname),
      typeOid: oid,
      typmod,
      notNull,
      ...(defaultExpr !== undefined ? { defaultExpr } : {}),
    };
    return { column, primary, unique };
  }

  /** Checks a DEFAULT expression analyzes (and coerces to its column) before it is stored. */
  #checkDefault(column: ColumnDef, source: string, node: PNode): void {
    this.#analyzeDefault(column, source, node);
  }

  /** A DEFAULT expression analyzed and coerced to its column's type. */
  #analyzeDefault(column: ColumnDef, source: string, node: PNode) {
    return analyzeExpression(node, this.#view(), {
      column: {
        attnum: 1,
        name: column.name,
        typeOid: column.typeOid,
        typmod: column.typmod,
        notNull: column.notNull,
        hasDefault: false,
        dropped: false,
        storage: 'p',
      },
      source,
      typeContext: this.#typeContext(),
    });
  }

  async #createTable(body: PNode, stmt: RawStatement): Promise<Outcome> {
    this.#ddl();
    const rv = body.relation;
    // issue 9 (H): TEMP / UNLOGGED, pg_temp, ON COMMIT (table-ddl-extras.ts)
    const target = creationTarget(
      { ...this.#tableDdlExtras(), backendId: this.#o.id, source: stmt.source },
      rv,
      body.oncommit,
    );
    if (target.persistence === 't') {
      initTempNamespace(this.#catalog, this.#o.id, !this.#tempUsed);
      this.#tempUsed = true;
    }
    const namespace = this.#creationNamespace(target.namespace);
    const columns: ColumnDef[] = [];
    const keys: { names: string[]; primary: boolean; name?: string }[] = [];
    const pending: PendingConstraint[] = []; // H8: CHECK and FOREIGN KEY
    const generatedNodes = new Map<string, PNode>(); // issue 9 (H)
    const conname = (c: PNode | undefined) =>
      c?.conname === undefined ? {} : { name: String(c.conname) };
    // serial and identity columns: their sequences first (sequence-ddl.ts)
    const sequenceColumns = prepareSequenceColumns(
      this.#sequenceDdl(),
      // issue 9 (F): a temporary table's serial columns get temporary sequences
      target.persistence === 't' ? { ...body, relation: { ...rv, relpersistence: 't' } } : body,
      namespace,
      (t) => resolveTypeName(t, builtins).oid,
    );
    for (const elt of body.tableElts ?? []) {
      if (elt.ColumnDef !== undefined) {
        const seqCol = sequenceColumns.get(elt.ColumnDef);
        const {
          column: plain,
          primary,
          unique,
        } = this.#columnDef(seqCol?.def ?? elt.ColumnDef, stmt.source);
        const column: ColumnDef =
          seqCol?.defaultExpr === undefined ? plain : { ...plain, defaultExpr: seqCol.defaultExpr };
        // issue 9 (H): GENERATED ALWAYS AS (...) STORED, cooked once every column is known
        const gen = generationClause(elt.ColumnDef, String(rv.relname), stmt.source);
        if (gen !== undefined) generatedNodes.set(column.name, gen.raw_expr);
        for (const c of elt.ColumnDef.constraints ?? []) {
          if (c.Constraint?.contype === 'CONSTR_DEFAULT') {
            this.#checkDefault(column, stmt.source, c.Constraint.raw_expr);
          }
        }
        columns.push(column);
        const named = (contype: string) =>
          conname(
            (elt.ColumnDef.constraints ?? []).find((c: PNode) => c.Constraint?.contype === contype)
              ?.Constraint,
          );
        pending.push(...columnConstraints(column.name, elt.ColumnDef.constraints ?? [])); // H8
        if (primary) keys.push({ names: [column.name], primary: true, ...named('CONSTR_PRIMARY') });
        if (unique) keys.push({ names: [column.name], primary: false, ...named('CONSTR_UNIQUE') });
      } else if (elt.Constraint !== undefined) {
        const con = elt.Constraint;
        if (con.contype === 'CONSTR_CHECK' || con.contype === 'CONSTR_FOREIGN') {
          pending.push({ node: con }); // H8
          continue;
        }
        if (con.contype !== 'CONSTR_PRIMARY' && con.contype !== 'CONSTR_UNIQUE') {
          throw new EngineError(
            '0A000',
            `${String(con.contype).replace('CONSTR_', '')} constraints are not supported yet`,
          );
        }
        keys.push({
          names: (con.keys ?? []).map(stringValue),
          primary: con.contype === 'CONSTR_PRIMARY',
          ...conname(con),
        });
      } else {
        throw new EngineError('0A000', 'LIKE and table inheritance are not supported yet');
      }
    }
    // issue 9 (H): generation expressions (G1-G3), stored as pg_get_expr prints them
    for (const [name, node] of generatedNodes) {
      const i = columns.findIndex((c) => c.name === name);
      const target = columns[i] as ColumnDef;
      const defaultExpr = cookGenerationExpression(
        node,
        target,
        String(rv.relname),
        columns,
        new Set(generatedNodes.keys()),
        this.#view(),
        stmt.source,
        this.#typeContext(),
      );
      columns[i] = { ...target, defaultExpr, generated: 's' };
    }
    const primaries = keys.filter((k) => k.primary);
    if (primaries.length > 1) {
      throw new EngineError(
        '42P16',
        `multiple primary keys for table "${String(rv.relname)}" are not allowed`,
      );
    }
    for (const k of primaries) {
      for (const n of k.names) {
        const col = columns.findIndex((c) => c.name === n);
        const found = columns[col];
        if (found === undefined) {
          throw new EngineError('42703', `column "${n}" named in key does not exist`);
        }
        columns[col] = { ...found, notNull: true };
      }
    }
    const oid = this.#catalog.createTable({
      namespace,
      name: String(rv.relname),
      columns,
      persistence: target.persistence, // issue 9 (H)
      ifNotExists: body.if_not_exists === true,
      reloptions: tableReloptions(body.options), // WITH (...) (table-reloptions.ts)
    });
    if (oid === undefined) return command('CREATE TABLE');
    finishSequenceColumns(this.#sequenceDdl(), oid, sequenceColumns);
    const onCommit = onCommitActionOf(body.oncommit); // issue 9 (F): ON COMMIT DELETE ROWS / DROP
    if (onCommit !== undefined) this.#tempObjects.register(oid, onCommit);
    const desc = this.#catalog.mustRelation(oid);
    // transformIndexConstraints: the primary key's index first (lowest OID, checked first), then the rest in order
    for (const k of [...primaries, ...keys.filter((key) => !key.primary)]) {
      const attnums = k.names.map((n) => {
        const c = desc.columns.find((col) => col.name === n && !col.dropped);
        if (c === undefined) {
          throw new EngineError('42703', `column "${n}" named in key does not exist`);
        }
        return c.attnum;
      });
      this.#catalog.createIndex({
        table: oid,
        columns: attnums,
        unique: true,
        primary: k.primary,
        constraint: true,
        ...(k.name === undefined ? {} : { name: k.name }),
      });
      this.#countIndexBuild(oid); // issue 11 (pgstat)
    }
    // H8: CHECK, then FOREIGN KEY constraints (a new table has no rows to validate)
    if (pending.length > 0) {
      await addConstraints(this.#constraintHost, oid, pending, stmt.source, false);
    }
    return command('CREATE TABLE');
  }

  // ------------------------------------------------------------ H8: constraints (constraints.ts, foreign-keys.ts)

  /** issue 9 (H): the foreign keys' row triggers, with generated columns computed (generated-columns.ts). */
  #rowTriggers() {
    return withGeneratedColumns(this.#fks.triggers, this.#constraintHost);
  }

  /** What CHECK and FOREIGN KEY constraints need from the session. */
  get #constraintHost(): ForeignKeyHost {
    return {
      catalog: this.#catalog,
      view: () => this.#view(),
      typeContext: () => this.#typeContext(),
      env: () => ({
        params: [],
        tctx: this.#typeContext(),
        user: this.#o.user,
        database: this.#o.database,
        settings: this.#settingsBridge,
      }),
      rows: (table) => {
        const { heap } = this.#catalog.openTable(table);
        const txn = this.#txnState().catalogTxn;
        return (function* () {
          for (const row of heap.scan(txn.snapshot(), txn.ctx)) yield row.values;
        })();
      },
      run: (sql, params) => this.#riRun(sql, params),
      lockRelation: (oid) => this.#lockRelation(oid, LockMode.ShareRowExclusiveLock),
      searchPath: () => this.#searchPath(),
      rowLive: (table, tid) => {
        // by its page (a HOT version cannot be fetched by its own TID)
        const { t } = this.#i;
        const { heap } = this.#catalog.openTable(table);
        const snapshot = t.manager.statementSnapshot(this.#o.id);
        const ctx = sessionUpdateContext(t, this.#o.id, this.#txnState().comboCids);
        return heap.scanPage(tid.block, snapshot, ctx).some((r) => r.tid.offset === tid.offset);
      },
      repeatableRead: () => this.#i.t.manager.isolation(this.#o.id) !== 'read committed',
      latestMatches: (table, attnums, key) => {
        const { t } = this.#i;
        const { heap } = this.#catalog.openTable(table);
        const ctx = sessionUpdateContext(t, this.#o.id, this.#txnState().comboCids);
        const xact = t.manager.statementSnapshot(this.#o.id);
        const latest = t.procArray.getSnapshotData(this.#o.id, xact.curcid);
        const same = (a: unknown, b: unknown) =>
          a !== null && b !== null && a !== undefined && (a === b || String(a) === String(b));
        const match = (values: readonly unknown[]) =>
          attnums.every((a, i) => same(values[a - 1], key[i]));
        const seen = new Set<string>();
        for (const row of heap.scan(xact, ctx))
          if (match(row.values)) seen.add(`${row.tid.block}:${row.tid.offset}`);
        const out: { inTransactionSnapshot: boolean }[] = [];
        for (const row of heap.scan(latest, ctx)) {
          if (!match(row.values)) continue;
          out.push({ inTransactionSnapshot: seen.has(`${row.tid.block}:${row.tid.offset}`) });
        }
        return out;
      },
    };
  }

  /** The session's foreign-key events and SET CONSTRAINTS state. */
  #fksMade: SessionForeignKeys | undefined;
  get #fks(): SessionForeignKeys {
    this.#fksMade ??= new SessionForeignKeys(this.#constraintHost);
    return this.#fksMade;
  }
  /** Nesting of RI queries (their events are the enclosing statement's to fire). */
  #riDepth = 0;

  /** Runs an RI query inside the current statement. */
  async #riRun(sql: string, params: readonly unknown[]): Promise<unknown[][]> {
    // planned once per text (the plan cache drops it after DDL)
    const key = `\0ri:${sql}`;
    let plan = this.#cachedPlan(key);
    if (plan === undefined) {
      const [stmt] = parse(sql);
      if (stmt === undefined) return [];
      plan = this.#plan(stmt, params);
      this.#remember(key, plan);
    }
    const inStatement = this.#inStatement;
    this.#inStatement = true;
    this.#riDepth++;
    try {
      const out = await this.#runPlan(plan, params);
      return out.rows as unknown[][];
    } finally {
      this.#riDepth--;
      this.#inStatement = inStatement;
    }
  }

  /** After a top-level INSERT/UPDATE/DELETE/COPY: its foreign-key events; an implicit transaction's deferred ones too. */
  async #endStatementConstraints(): Promise<void> {
    if (this.#riDepth > 0) return;
    try {
      await this.#fks.endStatement();
      if (!this.#block.inBlock) await this.#fks.beforeCommit();
    } catch (err) {
      this.#fks.discardStatement();
      throw err;
    }
  }

  /** SET CONSTRAINTS {ALL | name, ...} {DEFERRED | IMMEDIATE}. */
  async #setConstraints(body: PNode): Promise<Outcome> {
    if (!this.#block.inBlock) {
      this.#notices.push({
        severity: 'WARNING',
        code: '25P01',
        message: 'SET CONSTRAINTS can only be used in transaction blocks',
      });
      return command('SET CONSTRAINTS');
    }
    this.#fks.enter(this.#txnState());
    const names =
      body.constraints === undefined
        ? undefined
        : (body.constraints as PNode[]).map((c) => ({
            ...(c.RangeVar.schemaname === undefined
              ? {}
              : { schema: String(c.RangeVar.schemaname) }),
            name: String(c.RangeVar.relname),
          }));
    await this.#riRunStatement(() => this.#fks.setConstraints(names, body.deferred === true));
    return command('SET CONSTRAINTS');
  }

  /** Work that may run RI queries, outside a plan (SET CONSTRAINTS, COMMIT). */
  async #riRunStatement(work: () => Promise<void>): Promise<void> {
    const inStatement = this.#inStatement;
    this.#inStatement = true;
    try {
      this.#catalog.beginStatement(this.#txnState().catalogTxn, { searchPath: this.#searchPath() });
      await work();
    } finally {
      this.#inStatement = inStatement;
    }
  }
  // end H8

  async #createIndex(body: PNode, source: string): Promise<Outcome> {
    this.#ddl();
    const table = this.#resolveRange(body.relation) as number;
    await this.#lockRelation(table, LockMode.ShareLock);
    const desc = this.#catalog.mustRelation(table);
    // issue 12 (index AMs): USING gin | brin | hash, operator classes, WITH (...)
    const amClause = indexAmClause(body);
    const def = analyzeIndexDefinition(body, source, desc, this.#view(), this.#typeContext(), {
      params: [],
      tctx: this.#typeContext(),
      user: this.#o.user,
      database: this.#o.database,
    });
    const built = this.#catalog.createIndex({
      table,
      ...(body.idxname !== undefined ? { name: String(body.idxname) } : {}),
      columns: def.columns,
      ...(def.nkeys < def.columns.length ? { nkeys: def.nkeys } : {}),
      unique: body.unique === true,
      ifNotExists: body.if_not_exists === true,
      ...(body.nulls_not_distinct === true ? { nullsNotDistinct: true } : {}),
      ...(def.expressions.length > 0 ? { expressions: def.expressions } : {}),
      ...(def.predicate !== undefined ? { predicate: def.predicate } : {}),
      ...(def.entryOf !== undefined ? { entryOf: def.entryOf } : {}),
      ...(def.referencedColumns !== undefined ? { referencedColumns: def.referencedColumns } : {}),
      ...(amClause.am !== 'btree'
        ? {
            am: amClause.am,
            opclassNames: amClause.opclassNames,
            withOptions: amClause.withOptions,
          }
        : {}),
    });
    if (built !== undefined) this.#countIndexBuild(table); // issue 11 (pgstat)
    return command('CREATE INDEX');
  }

  async #drop(body: PNode): Promise<Outcome> {
    this.#ddl();
    const missingOk = body.missing_ok === true;
    const cascade = body.behavior === 'DROP_CASCADE';
    const type = String(body.removeType);
    if (type === 'OBJECT_SCHEMA') {
      for (const o of body.objects ?? []) {
        this.#catalog.dropNamespace(stringValue(o), { cascade, ifExists: missingOk });
      }
      return command('DROP SCHEMA');
    }
    // issue 9 (G): DROP VIEW and DROP MATERIALIZED VIEW
    const viewKinds: Readonly<Record<string, string>> = {
      OBJECT_VIEW: 'view',
      OBJECT_MATVIEW: 'materialized view',
    };
    if (
      type !== 'OBJECT_TABLE' &&
      type !== 'OBJECT_INDEX' &&
      type !== 'OBJECT_SEQUENCE' &&
      viewKinds[type] === undefined
    ) {
      throw new EngineError('0A000', `DROP ${type.replace('OBJECT_', '')} is not supported yet`);
    }
    const what =
      viewKinds[type] ??
      (type === 'OBJECT_TABLE' ? 'table' : type === 'OBJECT_SEQUENCE' ? 'sequence' : 'index');
    // issue 9 (G): listed views go dependents first (performMultipleDeletions deletes them together)
    const objects: PNode[] =
      viewKinds[type] !== undefined
        ? this.#dependentsFirst(body.objects ?? [])
        : (body.objects ?? []);
    for (const o of objects) {
      const names: string[] = (o.List?.items ?? []).map(stringValue);
      const name = names.at(-1) ?? '';
      const schema = names.length > 1 ? names.at(-2) : undefined;
      const desc = this.#catalog.lookupRelation(schema, name, this.#searchPath());
      const qualified = names.join('.');
      if (desc === undefined) {
        if (missingOk) {
          this.#notices.push({
            severity: 'NOTICE',
            code: '00000',
            message: `${what} "${name}" does not exist, skipping`,
          });
          continue;
        }
        throw new EngineError(
          what === 'index' ? '42704' : '42P01',
          `${what} "${qualified}" does not exist`,
        );
      }
      const dropHint = DROP_HINTS[desc.kind];
      if (what === 'sequence' && desc.kind !== 'S') {
        throw new EngineError('42809', `"${name}" is not a sequence`, {
          ...(dropHint === undefined ? {} : { hint: dropHint }),
        });
      }
      if (what === 'table' && desc.kind !== 'r') {
        throw new EngineError('42809', `"${name}" is not a table`, {
          hint: dropHint ?? 'Use DROP INDEX to remove an index.',
        });
      }
      if (
        (what === 'view' && desc.kind !== 'v') ||
        (what === 'materialized view' && desc.kind !== 'm')
      ) {
        throw new EngineError('42809', `"${name}" is not a ${what}`, {
          ...(dropHint === undefined ? {} : { hint: dropHint }),
        });
      }
      if (what === 'index' && desc.kind !== 'i') {
        throw new EngineError('42809', `"${name}" is not an index`, {
          hint: dropHint ?? 'Use DROP TABLE to remove a table.', // issue 9 (G): a view's hint
        });
      }
      await this.#lockRelation(desc.oid, LockMode.AccessExclusiveLock);
      if (what === 'table' && (body.objects ?? []).length > 1) {
        // H8: the listed tables go together (performMultipleDeletions): the foreign
        // keys of another listed table referencing this one go with them silently,
        // those of other tables refuse the whole list (without CASCADE)
        const listed = (body.objects as PNode[]).map((x) => {
          const n: string[] = (x.List?.items ?? []).map(stringValue);
          const s = n.length > 1 ? n.at(-2) : undefined;
          return this.#catalog.lookupRelation(s, n.at(-1) ?? '', this.#searchPath())?.oid;
        });
        if (!cascade) {
          const lines: string[] = [];
          for (const t of [...listed].reverse()) {
            if (t === undefined) continue;
            for (const fk of this.#catalog.referencingConstraints(t)) {
              if (listed.includes(fk.table)) continue;
              const child = this.#catalog.mustRelation(fk.table).name;
              const parent = this.#catalog.mustRelation(t).name;
              lines.push(`constraint ${fk.name} on table ${child} depends on table ${parent}`);
            }
          }
          if (lines.length > 0) {
            throw new EngineError(
              '2BP01',
              'cannot drop desired object(s) because other objects depend on them',
              {
                detail: lines.join('\n'),
                hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
              },
            );
          }
        }
        for (const fk of this.#catalog.referencingConstraints(desc.oid))
          if (fk.table !== desc.oid && listed.includes(fk.table))
            this.#catalog.dropConstraint(fk.oid);
      }
      this.#catalog.dropRelation(desc.oid, { cascade });
    }
    return command(`DROP ${what.toUpperCase()}`);
  }

  /** issue 9 (G): DROP VIEW a, b: a view another listed view reads goes after it. */
  #dependentsFirst(objects: readonly PNode[]): PNode[] {
    const oidOf = (o: PNode) => {
      const n: string[] = (o.List?.items ?? []).map(stringValue);
      return this.#catalog.lookupRelation(
        n.length > 1 ? n.at(-2) : undefined,
        n.at(-1) ?? '',
        this.#searchPath(),
      )?.oid;
    };
    const left = objects.map((o) => ({ o, oid: oidOf(o) }));
    const out: PNode[] = [];
    while (left.length > 0) {
      const i = left.findIndex(
        (x) =>
          x.oid === undefined ||
          !this.#catalog
            .dependentViews(x.oid)
            .some((d) => left.some((y) => y !== x && y.oid === d)),
      );
      const [next] = left.splice(Math.max(i, 0), 1);
      if (next !== undefined) out.push(next.o);
    }
    return out;
  }

  async #truncate(body: PNode): Promise<Outcome> {
    this.#ddl();
    const oids = (body.relations ?? []).map((r: PNode) => this.#resolveRange(r.RangeVar) as number);
    // H8: a table referenced by a foreign key goes only with its referencing tables (or CASCADE)
    for (let i = 0; i < oids.length; i++) {
      for (const fk of this.#catalog.referencingConstraints(oids[i] as number)) {
        if (oids.includes(fk.table)) continue;
        if (body.behavior === 'DROP_CASCADE') {
          oids.push(fk.table);
          this.#notices.push({
            severity: 'NOTICE',
            code: '00000',
            message: `truncate cascades to table "${this.#catalog.mustRelation(fk.table).name}"`,
          });
          continue;
        }
        const child = this.#catalog.mustRelation(fk.table).name;
        throw new EngineError(
          '0A000',
          'cannot truncate a table referenced in a foreign key constraint',
          {
            detail: `Table "${child}" references "${this.#catalog.mustRelation(oids[i] as number).name}".`,
            hint: `Truncate table "${child}" at the same time, or use TRUNCATE ... CASCADE.`,
          },
        );
      }
    }
    for (const oid of oids) {
      await this.#lockRelation(oid, LockMode.AccessExclusiveLock);
      this.#catalog.truncate(oid);
      this.#stats.countTruncate(oid); // issue 11 (pgstat)
    }
    return command('TRUNCATE TABLE');
  }

  async #alterTable(body: PNode, stmt: RawStatement): Promise<Outcome> {
    this.#ddl();
    const oid = this.#resolveRange(body.relation, body.missing_ok === true);
    if (oid === undefined) {
      this.#notices.push({
        severity: 'NOTICE',
        code: '00000',
        message: `relation "${String(body.relation.relname)}" does not exist, skipping`,
      });
      return command('ALTER TABLE');
    }
    await this.#lockRelation(oid, LockMode.AccessExclusiveLock);
    const typePlans: AlterColumnTypePlan[] = []; // issue 9 (ALTER TABLE): one rewrite at the end
    checkPersistenceOnce(body.cmds ?? []); // issue 9 (ALTER TABLE)
    for (const c of body.cmds ?? []) {
      const cmd = c.AlterTableCmd;
      // issue 9 (H): generated columns' ALTER rules and DROP EXPRESSION (generated-columns.ts)
      const gdesc = this.#catalog.mustRelation(oid);
      const notice = (message: string) =>
        this.#notices.push({ severity: 'NOTICE', code: '00000', message });
      if (alterGeneratedColumn(this.#catalog, gdesc, cmd, notice)) continue;
      switch (cmd.subtype) {
        case 'AT_AddColumn': {
          const { column, primary, unique } = this.#columnDef(cmd.def.ColumnDef, stmt.source);
          if (
            column.notNull &&
            column.defaultExpr === undefined &&
            !this.#catalog
              .mustRelation(oid)
              .columns.some((x) => x.name === column.name && !x.dropped) &&
            this.#anyRow(oid, () => true)
          ) {
            throw new EngineError(
              '23502',
              `column "${column.name}" of relation "${this.#catalog.mustRelation(oid).name}" contains null values`,
            );
          }
          const ifNotExists = cmd.missing_ok === true;
          const defaultNode = (cmd.def.ColumnDef.constraints ?? []).find(
            (x: PNode) => x.Constraint?.contype === 'CONSTR_DEFAULT',
          )?.Constraint?.raw_expr;
          const fill =
            defaultNode === undefined
              ? undefined
              : this.#defaultFill(column, stmt.source, defaultNode);
          const attnum = this.#catalog.addColumn(oid, column, {
            ifNotExists,
            ...(fill?.volatile === false ? { missing: fill.value } : {}),
          });
          if (attnum === undefined) break;
          if (
            column.notNull &&
            fill?.volatile === false &&
            fill.value === null &&
            this.#anyRow(oid, () => true)
          ) {
            throw new EngineError(
              '23502',
              `column "${column.name}" of relation "${this.#catalog.mustRelation(oid).name}" contains null values`,
            );
          }
          // a volatile default (random(), clock_timestamp()) is evaluated per row: the table is rewritten
          if (fill?.volatile === true) await this.#rewriteWithDefault(oid, column.name);
          if (primary || unique) {
            this.#catalog.createIndex({
              table: oid,
              columns: [attnum],
              unique: true,
              primary,
              constraint: true,
            });
            this.#countIndexBuild(oid); // issue 11 (pgstat)
          }
          {
            // H8: the column's CHECK and REFERENCES constraints
            const more = columnConstraints(column.name, cmd.def.ColumnDef.constraints ?? []);
            if (more.length > 0)
              await addConstraints(this.#constraintHost, oid, more, stmt.source, true);
          }
          break;
        }
        case 'AT_DropColumn': {
          const desc = this.#catalog.mustRelation(oid);
          const name = String(cmd.name);
          // issue 9 (F): ATExecDropColumn refuses a system column
          if (systemColumnNamed(name) !== undefined)
            throw new EngineError('0A000', `cannot drop system column "${name}"`);
          if (cmd.missing_ok === true && !desc.columns.some((x) => x.name === name && !x.dropped)) {
            this.#notices.push({
              severity: 'NOTICE',
              code: '00000',
              message: `column "${name}" of relation "${desc.name}" does not exist, skipping`,
            });
            break;
          }
          this.#catalog.dropColumn(oid, String(cmd.name), {
            cascade: cmd.behavior === 'DROP_CASCADE',
          });
          break;
        }
        case 'AT_ColumnDefault': {
          // DEFAULT nextval('seq'): deparsed as PostgreSQL prints it, and depending on the sequence
          const nv =
            cmd.def === undefined ? undefined : nextvalDefault(this.#sequenceDdl(), cmd.def);
          this.#catalog.setDefault(
            oid,
            String(cmd.name),
            cmd.def === undefined
              ? undefined
              : (nv?.defaultExpr ?? expressionText(stmt.source, cmd.def)),
          );
          if (nv !== undefined) setDefaultSequence(this.#sequenceDdl(), oid, String(cmd.name), nv);
          break;
        }
        case 'AT_AddIdentity':
        case 'AT_SetIdentity':
        case 'AT_DropIdentity':
          alterIdentity(this.#sequenceDdl(), oid, cmd); // sequence-ddl.ts
          break;
        case 'AT_DropNotNull':
          this.#catalog.setNotNull(oid, String(cmd.name), false);
          break;
        case 'AT_SetNotNull': {
          const desc = this.#catalog.mustRelation(oid);
          const col = desc.columns.find((x) => x.name === cmd.name && !x.dropped);
          if (
            col !== undefined &&
            this.#anyRow(oid, (v) => v[col.attnum - 1] === null || v[col.attnum - 1] === undefined)
          ) {
            throw new EngineError(
              '23502',
              `column "${col.name}" of relation "${desc.name}" contains null values`,
            );
          }
          this.#catalog.setNotNull(oid, String(cmd.name), true);
          break;
        }
        case 'AT_SetStatistics':
          setColumnStatistics(
            this.#analyzeContext(),
            oid,
            String(cmd.name),
            Number(cmd.def?.Integer?.ival ?? 0),
          );
          break;
        // H8: CHECK and FOREIGN KEY (constraints.ts)
        case 'AT_ValidateConstraint':
          await validateConstraint(this.#constraintHost, oid, String(cmd.name));
          break;
        case 'AT_DropConstraint': {
          const dropped = dropConstraint(this.#constraintHost, oid, String(cmd.name), {
            missingOk: cmd.missing_ok === true,
            cascade: cmd.behavior === 'DROP_CASCADE',
          });
          if (!dropped) {
            this.#notices.push({
              severity: 'NOTICE',
              code: '00000',
              message: `constraint "${String(cmd.name)}" of relation "${this.#catalog.mustRelation(oid).name}" does not exist, skipping`,
            });
          }
          break;
        }
        // end H8
        // H7 (pgbench): ADD PRIMARY KEY / UNIQUE over existing rows (index-constraint-ddl.ts)
        case 'AT_AddConstraint':
          if (
            cmd.def?.Constraint?.contype === 'CONSTR_CHECK' ||
            cmd.def?.Constraint?.contype === 'CONSTR_FOREIGN'
          ) {
            // H8
            await addConstraints(
              this.#constraintHost,
              oid,
              [{ node: cmd.def.Constraint }],
              stmt.source,
              true,
            );
            break;
          }
          if (isIndexConstraint(cmd.def?.Constraint)) {
            addIndexConstraint({ catalog: this.#catalog }, oid, cmd.def.Constraint);
            break;
          }
          throw new EngineError(
            '0A000',
            `${String(cmd.def?.Constraint?.contype ?? 'this').replace('CONSTR_', '')} constraints are not supported yet`,
          );
        // end H7
        // issue 11: CLUSTER ON / SET WITHOUT CLUSTER (rewrite-command.ts)
        case 'AT_ClusterOn':
          alterClusterOn(this.#vacuumContext(), oid, String(cmd.name));
          break;
        case 'AT_DropCluster':
          alterDropCluster(this.#vacuumContext(), oid);
          break;
        // storage parameters (table-reloptions.ts)
        case 'AT_SetRelOptions':
        case 'AT_ResetRelOptions':
          // issue 9 (D): a view's options are check_option & co. (view-ddl.ts)
          if (this.#catalog.mustRelation(oid).kind === 'v') {
            const defs = (cmd.def?.List?.items ?? []) as PNode[];
            const reset = cmd.subtype === 'AT_ResetRelOptions';
            const rel = this.#catalog.mustRelation(oid);
            const next = alterViewReloptions(this.#viewDdl(), rel, defs, reset);
            this.#catalog.setRelationOptions(oid, next);
            break;
          }
          this.#catalog.setRelationOptions(
            oid,
            alteredReloptions(
              this.#catalog.relationOptions(oid),
              (cmd.def?.List?.items ?? []) as PNode[],
              cmd.subtype === 'AT_ResetRelOptions',
            ),
          );
          break;
        // issue 9 (ALTER TABLE): ALTER COLUMN TYPE, SET LOGGED / UNLOGGED (alter-table.ts)
        case 'AT_AlterColumnType':
          typePlans.push(
            prepareAlterColumnType(this.#alterHost(stmt.source), gdesc, cmd, typePlans),
          );
          break;
        case 'AT_SetLogged':
        case 'AT_SetUnLogged':
          setTablePersistence(this.#alterHost(stmt.source), gdesc, cmd.subtype === 'AT_SetLogged');
          break;
        // end issue 9 (ALTER TABLE)
        default:
          throw new EngineError(
            '0A000',
            `ALTER TABLE ${String(cmd.subtype).replace('AT_', '')} is not supported yet`,
          );
      }
    }
    await executeAlterColumnTypes(this.#alterHost(stmt.source), oid, typePlans); // issue 9 (ALTER TABLE)
    return command('ALTER TABLE');
  }

  /** issue 9 (ALTER TABLE): what alter-table.ts needs from the session. */
  #alterHost(source: string): AlterTableHost {
    const { t } = this.#i;
    return {
      ...this.#constraintHost,
      source,
      txn: () => this.#txnState().catalogTxn,
      writer: () => sessionWriter(t, this.#o.id, this.#txnState().comboCids),
      oldestXmin: () => t.manager.oldestXmin(),
      alterSequenceType: (seqOid, typeName) =>
        alterSequenceOptions(this.#sequenceDdl(), this.#catalog.mustRelation(seqOid), [
          { DefElem: { defname: 'as', arg: { TypeName: typeName } } },
        ]),
    };
  }

  /**
   * An ADD COLUMN default: analyzed against the column (coerced to its
   * type), and — when it calls no volatile function — evaluated once, the
   * value rows older than the column read (attmissingval).
   */
  #defaultFill(
    column: ColumnDef,
    source: string,
    node: PNode,
  ): { volatile: true } | { volatile: false; value: unknown } {
    const expr = this.#analyzeDefault(column, source, node);
    if (callsVolatile(expr)) return { volatile: true };
    const value = compileExpr(expr, builtins)([], {
      params: [],
      tctx: this.#typeContext(),
      user: this.#o.user,
      database: this.#o.database,
      settings: undefined,
    });
    return { volatile: false, value: value === undefined ? null : value };
  }

  /** ATRewriteTable for a volatile ADD COLUMN default: every row gets the default evaluated for it. */
  async #rewriteWithDefault(oid: number, column: string): Promise<void> {
    const desc = this.#catalog.mustRelation(oid);
    const sql = `UPDATE ${quoteIdent(desc.namespaceName)}.${quoteIdent(desc.name)} SET ${quoteIdent(column)} = DEFAULT`;
    const [stmt] = parse(sql);
    if (stmt === undefined) return;
    await this.#runPlan(this.#plan(stmt, []), []);
  }

  /** Whether the table has a row this transaction sees that satisfies `test`. */
  #anyRow(oid: number, test: (values: readonly unknown[]) => boolean): boolean {
    const { heap } = this.#catalog.openTable(oid);
    const txn = this.#txnState().catalogTxn;
    for (const row of heap.scan(txn.snapshot(), txn.ctx)) if (test(row.values)) return true;
    return false;
  }

  /** What ANALYZE and SET STATISTICS need from the session (analyze-command.ts). */
  #analyzeContext(): AnalyzeContext {
    return {
      catalog: this.#catalog,
      txn: this.#txnState().catalogTxn,
      searchPath: this.#searchPath(),
      inBlock: this.#block.inBlock || this.#block.implicitOpen, // issue 10: IsTransactionBlock
      notice: (n) => this.#notices.push(n),
      setting: (name) => this.#settings.get(name),
      lock: (oid) => this.#lockRelation(oid, LockMode.ShareUpdateExclusiveLock),
      stats: this.#stats, // issue 11 (pgstat)
      pid: this.#o.id,
    };
  }

  /** VACUUM's context (vacuum-command.ts): ANALYZE's, the horizon, conditional locks. */
  #vacuumContext(): VacuumContext {
    const t = this.#i.t;
    const tag = (oid: number) => relationLockTag(this.#o.dbOid, oid);
    return {
      ...this.#analyzeContext(),
      database: this.#o.database,
      oldestXmin: () => t.manager.oldestXmin(),
      nextXid: () => Number(BigInt.asUintN(32, t.xids.nextFullXid)),
      setXidLimits: (limits) => t.xids.setLimits(limits), // freeze (issue 11)
      tryLock: (oid, mode) => this.#i.locks.tryAcquire(this.#o.id, tag(oid), mode),
      lockMode: (oid, mode) => this.#lockRelation(oid, mode),
      unlock: (oid, mode) => this.#i.locks.release(this.#o.id, tag(oid), mode),
      usage: () => ({ ...this.#i.cluster.pool.stats, walBytes: t.storage.wal.insertLsn }),
      checkInterrupts: this.#runOptions().checkInterrupts, // issue 11 (vacuum delay): at each delay point
      evalEnv: () => ({
        params: [],
        tctx: this.#typeContext(),
        user: this.#o.user,
        database: this.#o.database,
      }), // issue 11: REINDEX / VACUUM FULL of expression indexes
    };
  }

  // ------------------------------------------------------------ COPY

  /** The current statement's COPY input and output (the query options it runs with). */
  #copyIo: QueryOptions = {};

  /** COPY (copy.ts), with this session's tables, types, queries and inserts. */
  async #copy(body: PNode, stmt: RawStatement): Promise<Outcome> {
    const interrupts = this.#runOptions().checkInterrupts; // issue 10 (H6)
    const n = await runCopy(
      body,
      {
        table: (rv) => {
          const oid = this.#resolveRange(rv) as number;
          return this.#catalog.mustRelation(oid);
        },
        typeContext: () => this.#typeContext(),
        select: async (query) => {
          const raw: RawStatement =
            typeof query === 'string'
              ? (parse(query)[0] as RawStatement)
              : { ...stmt, node: query };
          const plan = this.#plan(raw, []);
          const out = await this.#runPlan(plan, []);
          return {
            names: plan.columns.map((c) => c.name),
            typeOids: plan.columns.map((c) => c.typeOid),
            rows: out.rows,
          };
        },
        scanTable: async (table) => {
          await this.#lockRelation(table.oid, LockMode.AccessShareLock);
          const { t } = this.#i;
          const snapshot = t.manager.statementSnapshot(this.#o.id);
          const ctx = sessionUpdateContext(t, this.#o.id, this.#txnState().comboCids);
          const { heap } = this.#catalog.openTable(table.oid);
          const st = this.#stats.relation(table.oid); // issue 11 (pgstat): COPY TO's seq scan
          st.numScans++;
          return (function* () {
            for (const row of heap.scan(snapshot, ctx)) {
              st.tuplesReturned++;
              yield row.values;
            }
          })();
        },
        inserter: (table, attnums) => this.#copyInserter(table, attnums),
        bulkTarget: async (table) => {
          // H8: CHECK and FOREIGN KEY constraints take INSERT's path
          if (this.#catalog.constraintsOf(table.oid).some((c) => c.type === 'c' || c.type === 'f'))
            return undefined;
          const rel = this.#catalog.openTable(table.oid);
          // unique, expression and partial indexes take INSERT's path (unique checks, computed keys)
          const plain = rel.indexes.every(
            (i) =>
              !i.desc.unique && i.desc.expressions === undefined && i.desc.predicate === undefined,
          );
          if (!plain) return undefined;
          await this.#lockRelation(table.oid, LockMode.RowExclusiveLock);
          const { t } = this.#i;
          t.manager.statementSnapshot(this.#o.id);
          const comboCids = this.#txnState().comboCids;
          return {
            heap: rel.heap,
            indexes: rel.indexes.map(({ desc, index }) => ({
              columns: desc.columns,
              insert: (key, tid) => {
                index.insert(key, tid, { unique: 'no' });
              },
            })),
            writer: () => sessionWriter(t, this.#o.id, comboCids),
            finish: () => t.manager.commandCounterIncrement(this.#o.id),
            counted: (n) => {
              this.#stats.relation(table.oid).tuplesInserted += n; // issue 11 (pgstat)
            },
          };
        },
        dataDir: this.#i.dataDir,
        superuser: this.#isSuperuser(),
        checkWritable: (what) => this.#checkWritable(what),
        checkInterrupts: () => interrupts?.(), // issue 10 (H6)
        // H7: COPY FREEZE's condition (rd_newRelfilenodeSubid)
        newInSubtransaction: (table) =>
          this.#i.cluster.createdInCurrentSubtransaction(
            this.#o.id,
            this.#o.dbOid,
            table.relfilenode,
          ),
      },
      this.#copyIo,
    );
    await this.#endStatementConstraints(); // H8: the copied rows' foreign-key checks
    return { command: `COPY ${n}`, rowCount: n, fields: [], rows: [] };
  }

  /** One row at a time through an INSERT plan (defaults, NOT NULL, unique indexes as INSERT has them). */
  #copyInserter(
    table: {
      readonly namespaceName: string;
      readonly name: string;
      readonly columns: readonly {
        readonly attnum: number;
        readonly name: string;
        readonly typeOid: number;
      }[];
    },
    attnums: readonly number[],
  ): (values: unknown[]) => Promise<void> {
    const cols = attnums.map((a) => table.columns[a - 1]!);
    const sql = `INSERT INTO ${quoteIdent(table.namespaceName)}.${quoteIdent(table.name)} (${cols
      .map((c) => quoteIdent(c.name))
      .join(', ')}) VALUES (${cols.map((_, k) => `$${k + 1}`).join(', ')})`;
    const raw = parse(sql)[0] as RawStatement;
    const query = analyze(raw, this.#view(), {
      paramTypes: cols.map((c) => c.typeOid),
      typeContext: this.#typeContext(),
    });
    const plan = planQuery(query, this.#relations, { settings: this.#plannerSettings() });
    const { t, locks } = this.#i;
    const base = {
      session: this.#o.id,
      dbOid: this.#o.dbOid,
      manager: t.manager,
      locks,
      transam: t.transam,
      procArray: t.procArray,
      comboCids: this.#txnState().comboCids,
      relations: this.#relations,
      typeContext: this.#typeContext(),
      user: this.#o.user,
      database: this.#o.database,
      settings: this.#settingsBridge,
      rowTriggers: this.#rowTriggers(), // H8; issue 9 (H): generated columns
      stats: this.#stats, // issue 11 (pgstat)
    };
    const run = this.#runOptions();
    return async (values) => {
      await executePlan(plan, { ...base, params: values }, run);
    };
  }

  // ------------------------------------------------------------ roles (role-ddl.ts), issue 10 (H3)

  /**
   * Role DDL is serialized across the cluster until the transaction ends:
   * the catalogs' unique indexes are not enforced, so two concurrent CREATE
   * ROLE x would otherwise both insert. The second waits, then sees the
   * first's row ("already exists"). The tag is pg_authid's (shared, dbOid 0).
   */
  #lockRoles(): Promise<void> {
    const timeout = Number(this.#settings.get('lock_timeout'));
    return this.#i.locks.acquire(
      this.#o.id,
      relationLockTag(0, 1260),
      LockMode.ShareRowExclusiveLock,
      { timeoutMs: timeout },
    );
  }

  #roleDdl(): RoleDdlContext {
    return {
      catalog: this.#catalog,
      user: this.#o.user,
      passwordEncryption: String(this.#settings.get('password_encryption')),
      timestamptz: (text) => builtins.mustType(1184).input(text, -1, this.#typeContext()),
      notice: (n) => this.#notices.push(n),
    };
  }

  // ------------------------------------------------------------ databases

  /** PreventInTransactionBlock. */
  #notInBlock(what: string): void {
    if (this.#block.inBlock || this.#block.implicitOpen /* issue 10 */) {
      throw new EngineError('25001', `${what} cannot run inside a transaction block`);
    }
  }

  /** errdetail_busy_db. */
  #busy(message: string, dbOid: number): EngineError {
    const n = this.#i.backends.others(dbOid, this.#o.id);
    return new EngineError('55006', message, {
      detail:
        n === 1
          ? 'There is 1 other session using the database.'
          : `There are ${n} other sessions using the database.`,
    });
  }

  // issue 11 (autovacuum vs CREATE/DROP DATABASE): CountOtherDBBackends
  /**
   * The autovacuum workers connected to database `name` are told to end
   * (a running vacuum stops at its next delay point); waits for them to
   * disconnect, at most 5 s. Other sessions are not waited for (PostgreSQL
   * waits the 5 s for them too, then fails the same way).
   */
  async #endAutovacuumWorkersIn(name: string): Promise<void> {
    for (let tries = 0; tries < 500; tries++) {
      if (terminateAutovacuumWorkers(this.#i.stats, name) === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** CREATE DATABASE name [TEMPLATE t]: a copy of the template's files and catalogs. */
  async #createDatabase(body: PNode): Promise<Outcome> {
    this.#notInBlock('CREATE DATABASE');
    this.#ddl();
    const name = String(body.dbname);
    let template = 'template1';
    for (const o of body.options ?? []) {
      const d = o.DefElem;
      const opt = String(d?.defname);
      if (opt === 'template') template = stringValue(d.arg);
      else if (opt !== 'strategy') {
        throw new EngineError('0A000', `CREATE DATABASE option "${opt}" is not supported yet`);
      }
    }
    const tmpl = this.#catalog.database(template);
    if (tmpl !== undefined) await this.#endAutovacuumWorkersIn(template); // issue 11 (autovacuum)
    if (tmpl !== undefined && this.#i.backends.others(tmpl.oid, this.#o.id) > 0) {
      // the template must be quiet while its files are copied
      if (this.#catalog.database(name) === undefined) {
        throw this.#busy(
          `source database "${template}" is being accessed by other users`,
          tmpl.oid,
        );
      }
    }
    this.#catalog.createDatabase({ name, template });
    return command('CREATE DATABASE');
  }

  /** DROP DATABASE [IF EXISTS] name: its files go when the drop commits. */
  async #dropDatabase(body: PNode): Promise<Outcome> {
    this.#notInBlock('DROP DATABASE');
    this.#ddl();
    const name = String(body.dbname);
    const row = this.#catalog.database(name);
    if (row === undefined && body.missing_ok === true) {
      this.#notices.push({
        severity: 'NOTICE',
        code: '00000',
        message: `database "${name}" does not exist, skipping`,
      });
      return command('DROP DATABASE');
    }
    if (row !== undefined && row.oid !== this.#o.dbOid) await this.#endAutovacuumWorkersIn(name); // issue 11 (autovacuum)
    if (
      row !== undefined &&
      !row.isTemplate &&
      row.oid !== this.#o.dbOid &&
      this.#i.backends.others(row.oid, this.#o.id) > 0
    ) {
      throw this.#busy(`database "${name}" is being accessed by other users`, row.oid);
    }
    const oid = this.#catalog.dropDatabase(name);
    this.#afterCommit.push(() => {
      this.#i.cluster.forgetDatabase(oid);
      if (this.#i.dataDir !== undefined) {
        rmSync(join(this.#i.dataDir, 'base', String(oid)), { recursive: true, force: true });
      }
    });
    return command('DROP DATABASE');
  }

  async #rename(body: PNode): Promise<Outcome> {
    this.#ddl();
    if (body.renameType === 'OBJECT_ROLE') {
      // issue 10 (H3)
      await this.#lockRoles();
      return command(renameRole(this.#roleDdl(), body));
    }
    const type = String(body.renameType);
    if (type === 'OBJECT_DATABASE') {
      const from = String(body.subname);
      const to = String(body.newname);
      const row = this.#catalog.database(from);
      if (
        row !== undefined &&
        row.oid !== this.#o.dbOid &&
        this.#catalog.database(to) === undefined &&
        this.#i.backends.others(row.oid, this.#o.id) > 0
      ) {
        throw this.#busy(`database "${from}" is being accessed by other users`, row.oid);
      }
      this.#catalog.renameDatabase(from, to);
      return command('ALTER DATABASE');
    }
    const oid = this.#resolveRange(body.relation) as number;
    await this.#lockRelation(oid, LockMode.AccessExclusiveLock);
    if (type === 'OBJECT_COLUMN') {
      // issue 9 (G): the views reading the column are printed again (view-ddl.ts)
      const oldName = String(body.subname);
      const newName = String(body.newname);
      const attnum = this.#catalog
        .mustRelation(oid)
        .columns.find((c) => c.name === oldName && !c.dropped)?.attnum;
      const doRename = () => this.#catalog.renameColumn(oid, oldName, newName);
      if (attnum === undefined) doRename();
      else
        renameUnderViews(
          this.#viewDdl(),
          oid,
          { kind: 'column', attnum, oldName, newName },
          doRename,
        );
      return command(
        `ALTER ${String(body.relationType).replace('OBJECT_', '').replace('MATVIEW', 'MATERIALIZED VIEW')}`,
      );
    }
    if (type === 'OBJECT_TABCONSTRAINT') {
      // H8 (constraints.ts)
      renameConstraint(this.#constraintHost, oid, String(body.subname), String(body.newname));
      return command('ALTER TABLE');
    }
    if (
      type === 'OBJECT_TABLE' ||
      type === 'OBJECT_INDEX' ||
      type === 'OBJECT_SEQUENCE' ||
      type === 'OBJECT_VIEW' ||
      type === 'OBJECT_MATVIEW'
    ) {
      const desc = this.#catalog.mustRelation(oid);
      if (type === 'OBJECT_SEQUENCE' && desc.kind !== 'S') {
        throw new EngineError('42809', `"${String(body.relation.relname)}" is not a sequence`);
      }
      // issue 9 (G): ALTER VIEW / ALTER MATERIALIZED VIEW, and the views reading the relation
      const word = type === 'OBJECT_MATVIEW' ? 'MATERIALIZED VIEW' : type.replace('OBJECT_', '');
      if (
        (type === 'OBJECT_VIEW' && desc.kind !== 'v') ||
        (type === 'OBJECT_MATVIEW' && desc.kind !== 'm')
      ) {
        throw new EngineError(
          '42809',
          `"${String(body.relation.relname)}" is not a ${word.toLowerCase()}`,
        );
      }
      const newName = String(body.newname);
      renameUnderViews(
        this.#viewDdl(),
        oid,
        { kind: 'relation', oldName: desc.name, newName },
        () => this.#catalog.renameRelation(oid, newName),
      );
      return command(`ALTER ${word}`);
    }
    throw new EngineError(
      '0A000',
      `ALTER ${type.replace('OBJECT_', '')} RENAME is not supported yet`,
    );
  }
}

/** DropErrorMsgWrongType's hints, by the relkind found. */
const DROP_HINTS: Readonly<Record<string, string>> = {
  r: 'Use DROP TABLE to remove a table.',
  i: 'Use DROP INDEX to remove an index.',
  S: 'Use DROP SEQUENCE to remove a sequence.',
  v: 'Use DROP VIEW to remove a view.',
  m: 'Use DROP MATERIALIZED VIEW to remove a materialized view.', // issue 9 (G)
};

function command(tag: string): Outcome {
  return { command: tag, rowCount: null, fields: [], rows: [] };
}

function textField(name: string): FieldDescription {
  return {
    name,
    tableID: 0,
    columnID: 0,
    dataTypeID: 25,
    dataTypeSize: -1,
    dataTypeModifier: -1,
    format: 'text',
  };
}

function field(c: {
  readonly name: string;
  readonly typeOid: number;
  readonly typmod: number;
  readonly tableOid?: number;
  readonly attnum?: number;
}): FieldDescription {
  const type = builtins.type(c.typeOid);
  return {
    name: c.name,
    tableID: c.tableOid ?? 0,
    columnID: c.attnum ?? 0,
    dataTypeID: c.typeOid,
    dataTypeSize: type?.len ?? -1,
    dataTypeModifier: c.typmod,
    format: 'text',
  };
}

/**
 * Parameters as the executor takes them: JavaScript values of their
 * types. Text is read with the type's input function (as the wire
 * protocol's text format is); numbers and booleans pass through, with
 * int8 made a bigint and numeric read from its text.
 */
function convertParams(
  types: readonly number[],
  params: readonly unknown[],
  ctx: TypeContext,
): unknown[] {
  return params.map((value, k) => {
    if (value === null || value === undefined) return null;
    const oid = types[k] ?? 25;
    const type = builtins.type(oid);
    if (type === undefined) return value;
    if (typeof value === 'string') return type.input(value, -1, ctx);
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
      if (oid === 20) return BigInt(value as number);
      if (oid === 21 || oid === 23 || oid === 26 || oid === 700 || oid === 701 || oid === 16) {
        return typeof value === 'bigint' ? Number(value) : value;
      }
      return type.input(String(value), -1, ctx);
    }
    return value;
  });
}

/** Whether an analyzed expression calls a volatile function (contain_volatile_functions). */
function callsVolatile(expr: unknown): boolean {
  if (Array.isArray(expr)) return expr.some(callsVolatile);
  if (expr === null || typeof expr !== 'object') return false;
  const e = expr as { kind?: unknown; fn?: { volatility?: unknown } };
  if (e.fn?.volatility === 'v') return true;
  for (const [k, v] of Object.entries(expr)) {
    if (k === 'fn' || k === 'op' || k === 'cast' || k === 'value') continue;
    if (typeof v === 'object' && v !== null && callsVolatile(v)) return true;
  }
  return false;
}

const EXPLAIN_FORMATS: readonly ExplainOptions['format'][] = ['text', 'json', 'yaml', 'xml'];

/** ExplainQuery's option list: booleans (default true when given bare) and FORMAT, with PostgreSQL's errors. */
function explainOptions(list: readonly PNode[]): ExplainOptions {
  const o = {
    analyze: false,
    verbose: false,
    costs: true,
    buffers: false,
    timing: undefined as boolean | undefined,
    summary: undefined as boolean | undefined,
    format: 'text' as ExplainOptions['format'],
  };
  for (const item of list) {
    const d = item.DefElem;
    const name = String(d.defname);
    const raw: string | undefined =
      d.arg === undefined
        ? undefined
        : d.arg.String !== undefined
          ? String(d.arg.String.sval)
          : d.arg.Integer !== undefined
            ? String(d.arg.Integer.ival ?? 0)
            : constText(d.arg);
    if (name === 'format') {
      const f = (raw ?? '').toLowerCase() as ExplainOptions['format'];
      if (!EXPLAIN_FORMATS.includes(f)) {
        throw new EngineError('22023', `unrecognized value for EXPLAIN option "format": "${raw}"`);
      }
      o.format = f;
      continue;
    }
    if (!['analyze', 'verbose', 'costs', 'buffers', 'timing', 'summary'].includes(name)) {
      throw new EngineError('42601', `unrecognized EXPLAIN option "${name}"`);
    }
    let value = true;
    if (raw !== undefined) {
      const v = raw.toLowerCase();
      if (['true', 'on', '1', 'yes'].includes(v)) value = true;
      else if (['false', 'off', '0', 'no'].includes(v)) value = false;
      else {
        throw new EngineError('22023', `${name} requires a Boolean value`);
      }
    }
    (o as Record<string, unknown>)[name] = value;
  }
  if (o.timing === true && !o.analyze) {
    throw new EngineError('22023', 'EXPLAIN option TIMING requires ANALYZE');
  }
  return {
    analyze: o.analyze,
    verbose: o.verbose,
    costs: o.costs,
    buffers: o.buffers,
    timing: o.timing ?? o.analyze,
    summary: o.summary ?? o.analyze,
    format: o.format,
  };
}
