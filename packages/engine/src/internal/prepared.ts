/**
 * The extended query protocol's engine side: prepared statements (Parse)
 * and portals (Bind + Execute), as PostgreSQL's plancache.c and pquery.c
 * keep them.
 *
 *   prepare(sql, paramTypes)      -> PreparedStatement   (Parse; Describe 'S')
 *   bind(statement, params)       -> Portal              (Bind;  Describe 'P')
 *   portal.fetch(maxRows)         -> rows, done, tag     (Execute; PortalSuspended when !done)
 *
 * A plannable statement (SELECT, INSERT, UPDATE, DELETE) is analyzed and
 * planned at prepare; the plan is kept with a stamp of what it depends on
 * (the catalogs' invalidation counter, this session's DDL, search_path,
 * the planner's settings). Bind checks the stamp and plans again when it
 * changed (RevalidateCachedQuery); a new plan whose result columns differ
 * is refused with 0A000 "cached plan must not change result type", as
 * PostgreSQL refuses it. The parameter types stay those resolved at
 * prepare.
 *
 * Utility statements (DDL, SET, SHOW, BEGIN, COPY, EXPLAIN, ...) prepare
 * too: they are parsed, not analyzed; their parameter types are the
 * declared ones, and only SHOW and EXPLAIN describe rows (UtilityTupleDescriptor).
 *
 * Portal state machine (pquery.c's PortalStatus, reduced):
 *
 *   NEW --fetch--> RUN (the statement runs to completion; rows buffered)
 *   RUN --fetch(n) returns n rows--> RUN          (PortalSuspended)
 *   RUN --fetch returns < n rows, or n = 0--> DONE (CommandComplete)
 *   DONE --fetch--> DONE (no rows; 'SELECT 0' for a SELECT, as PostgreSQL)
 *   any --close--> CLOSED (fetch throws 34000)
 *
 * Differences from PostgreSQL: the whole result is computed at the first
 * fetch and buffered (PostgreSQL runs a SELECT portal incrementally); the
 * batches and command tags a client sees are the same.
 */
import type { Plan } from '@pg/executor';
import type { PNode, Query, RawStatement } from '@pg/sql';
import { builtins, type TypeContext } from '@pg/types';
import type { CopySink, CopySource, CopyStart } from './copy.js';
import { EngineError, type FieldDescription, type Notice } from './result.js';

/** A parsed (and, when plannable, planned) statement: Parse's result. */
export interface PreparedStatement {
  readonly sql: string;
  /**
   * The parameter types (ParameterDescription): declared ones as given,
   * the rest inferred by the analyzer. A parameter whose type cannot be
   * inferred is an error at prepare (42P18 "could not determine data type
   * of parameter $n"), as in PostgreSQL.
   */
  readonly paramTypes: readonly number[];
  /** The result columns (RowDescription); [] when the statement returns no rows (NoData). */
  readonly fields: readonly FieldDescription[];
  /** An empty query string (EmptyQueryResponse at Execute). */
  readonly empty: boolean;
}

export interface BindOptions {
  readonly copyIn?: CopySource;
  readonly copyOut?: CopySink;
  /** Called (and awaited) when a COPY starts, before its data flows (CopyInResponse / CopyOutResponse). */
  readonly onCopyStart?: (start: CopyStart) => void | Promise<void>;
}

/** A bound statement ready to run (Execute). */
export interface Portal {
  readonly fields: readonly FieldDescription[];
  /**
   * Up to maxRows (0 = all) further rows as arrays; done=false means
   * PortalSuspended. When done, command/rowCount are the CommandComplete tag.
   */
  fetch(maxRows: number): Promise<PortalBatch>;
  close(): void;
}

export interface PortalBatch {
  readonly rows: unknown[][];
  readonly done: boolean;
  readonly command: string;
  readonly rowCount: number | null;
  readonly notices: Notice[];
}

/** A statement's outcome with the notices it raised. */
export interface PreparedOutcome {
  readonly command: string;
  readonly rowCount: number | null;
  readonly fields: readonly FieldDescription[];
  readonly rows: readonly (readonly unknown[])[];
  readonly notices: readonly Notice[];
}

/** What prepare/bind need from the Session (its private state stays there). */
export interface PreparedHost {
  /** Runs `work` after the statements queued before it (one statement at a time per session). */
  enqueue<T>(work: () => Promise<T>, sql?: string): Promise<T>;
  /** Throws 08003 when the session is closed. */
  checkOpen(): void;
  parse(sql: string): RawStatement[];
  /** A parse error fails an open transaction block, as any error does. */
  failBlock(): Promise<void>;
  /** Whether the transaction block is failed (only COMMIT/ROLLBACK may be prepared then). */
  blockFailed(): boolean;
  /**
   * Runs `work` as a statement does: in the block's transaction or an
   * implicit one, with a catalog snapshot; an error fails the block.
   */
  inStatement<T>(work: () => T): Promise<T>;
  analyze(stmt: RawStatement, paramTypes: readonly number[], fixedParams: boolean): Query;
  plan(query: Query): Plan;
  /** The session's settings for reading parameter text (TimeZone, ...). */
  typeContext(): TypeContext;
  /** What a plan depends on besides its text: changes when it must be made again. */
  planStamp(): string;
  /** The session's plan cache (keyed by the text; plans made with inferred parameter types). */
  cachedPlan(sql: string): Plan | undefined;
  remember(sql: string, plan: Plan): void;
  /** SHOW's result columns for `name` (canonical spelling; 42704 for an unknown one). */
  showFields(name: string): readonly FieldDescription[];
  field(column: {
    readonly name: string;
    readonly typeOid: number;
    readonly typmod: number;
    readonly tableOid?: number;
    readonly attnum?: number;
  }): FieldDescription;
  runPlan(plan: Plan, params: readonly unknown[], options: BindOptions): Promise<PreparedOutcome>;
  /** SQL-level EXECUTE, inside the running statement: a plan run with parameters of their types. */
  runPlanInStatement(plan: Plan, params: readonly unknown[]): Promise<PreparedOutcome>;
  /** SQL-level EXECUTE of a utility statement, inside the running statement. */
  dispatchInStatement(stmt: RawStatement, params: readonly unknown[]): Promise<PreparedOutcome>;
  /** A type name of PREPARE's parameter list, as its OID. */
  resolveType(typeName: PNode): number;
  /** An EXECUTE parameter expression, coerced (assignment) to `typeOid` and evaluated. */
  evaluateParam(expr: PNode, typeOid: number, source: string): unknown;
  runStatement(
    stmt: RawStatement,
    params: readonly unknown[],
    options: BindOptions,
  ): Promise<PreparedOutcome>;
}

/** Longer statement texts are not shared with the session's plan cache (as there). */
const SHARED_CACHE_MAX_TEXT = 2048;

const PLANNABLE = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);

/** The internal half of a PreparedStatement. */
interface StatementState {
  readonly stmt: RawStatement | undefined;
  readonly tag: string;
  /** Whether the parameter types were all inferred (the plan may be shared with the session's cache). */
  readonly inferred: boolean;
  plan: Plan | undefined;
  stamp: string;
}

const states = new WeakMap<PreparedStatement, StatementState>();

function tagOf(node: PNode): string {
  return Object.keys(node)[0] ?? '';
}

/** IsTransactionExitStmt: what a failed transaction block still accepts. */
function isTransactionExit(stmt: RawStatement): boolean {
  const body = stmt.node.TransactionStmt;
  if (body === undefined) return false;
  return ['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_ROLLBACK_TO'].includes(
    String(body.kind),
  );
}

function fieldsOfPlan(host: PreparedHost, plan: Plan): FieldDescription[] {
  return plan.columns.map((c) => host.field(c));
}

function sameResultType(a: readonly FieldDescription[], b: readonly FieldDescription[]): boolean {
  return (
    a.length === b.length &&
    a.every((f, k) => {
      const g = b[k];
      return (
        g !== undefined &&
        f.dataTypeID === g.dataTypeID &&
        f.dataTypeModifier === g.dataTypeModifier
      );
    })
  );
}

/** EXPLAIN's one column: 'QUERY PLAN', json for FORMAT JSON, else text. */
function explainFields(host: PreparedHost, body: PNode): FieldDescription[] {
  let json = false;
  for (const item of (body.options ?? []) as PNode[]) {
    const d = item.DefElem;
    if (String(d?.defname) !== 'format') continue;
    const arg = d.arg;
    const v = arg?.String !== undefined ? String(arg.String.sval) : '';
    json = v.toLowerCase() === 'json';
  }
  return [host.field({ name: 'QUERY PLAN', typeOid: json ? 114 : 25, typmod: -1 })];
}

/** Parse: one statement analyzed (and planned) without running it. */
export function prepareStatement(
  host: PreparedHost,
  sql: string,
  paramTypes: readonly number[] = [],
): Promise<PreparedStatement> {
  return host.enqueue(async () => {
    host.checkOpen();
    let statements: RawStatement[];
    try {
      statements = host.parse(sql);
    } catch (err) {
      await host.failBlock();
      throw err;
    }
    if (statements.length > 1) {
      await host.failBlock();
      throw new EngineError('42601', 'cannot insert multiple commands into a prepared statement');
    }
    const stmt = statements[0];
    if (stmt === undefined) {
      const empty: PreparedStatement = {
        sql,
        paramTypes: [...paramTypes],
        fields: [],
        empty: true,
      };
      states.set(empty, { stmt: undefined, tag: '', inferred: false, plan: undefined, stamp: '' });
      return empty;
    }
    if (host.blockFailed() && !isTransactionExit(stmt)) {
      throw new EngineError(
        '25P02',
        'current transaction is aborted, commands ignored until end of transaction block',
      );
    }
    const tag = tagOf(stmt.node);
    // analysis reads the catalog: as a statement (an error fails the block); utility statements are not analyzed
    if (PLANNABLE.has(tag) || tag === 'ExplainStmt' || tag === 'VariableShowStmt') {
      return host.inStatement(() => describeStatement(host, sql, stmt, paramTypes, true));
    }
    return describeStatement(host, sql, stmt, paramTypes, true);
  });
}

/**
 * Analyzes (and plans) `stmt` inside a running statement: the
 * PreparedStatement of Parse and of SQL-level PREPARE. `share`: the plan
 * may come from and go to the session's plan cache (keyed by `sql`).
 */
function describeStatement(
  host: PreparedHost,
  sql: string,
  stmt: RawStatement,
  paramTypes: readonly number[],
  share: boolean,
): PreparedStatement {
  const tag = tagOf(stmt.node);
  const body = stmt.node[tag];
  const inferred = paramTypes.every((t) => t === 0);
  const shareable = share && inferred && sql.length <= SHARED_CACHE_MAX_TEXT;
  if (PLANNABLE.has(tag)) {
    let plan = shareable ? host.cachedPlan(sql) : undefined;
    // a cached plan made for fewer parameters than declared would report too few types
    if (plan !== undefined && plan.query.paramTypes.length < paramTypes.length) plan = undefined;
    if (plan === undefined) {
      plan = host.plan(host.analyze(stmt, paramTypes, false));
      if (shareable) host.remember(sql, plan);
    }
    const statement: PreparedStatement = {
      sql,
      paramTypes: [...plan.query.paramTypes],
      fields: fieldsOfPlan(host, plan),
      empty: false,
    };
    states.set(statement, { stmt, tag, inferred, plan, stamp: host.planStamp() });
    return statement;
  }
  let fields: readonly FieldDescription[] = [];
  let types: readonly number[] = [...paramTypes];
  if (tag === 'VariableShowStmt') {
    fields = host.showFields(String(body.name));
  } else if (tag === 'ExplainStmt') {
    const inner: RawStatement = { ...stmt, node: body.query };
    if (PLANNABLE.has(tagOf(body.query)))
      types = [...host.analyze(inner, paramTypes, false).paramTypes];
    fields = explainFields(host, body);
  }
  const statement: PreparedStatement = { sql, paramTypes: types, fields, empty: false };
  states.set(statement, { stmt, tag, inferred, plan: undefined, stamp: '' });
  return statement;
}

/** RevalidateCachedQuery: plans `state` again when what its plan depends on changed. */
function revalidate(host: PreparedHost, statement: PreparedStatement, state: StatementState): void {
  if (state.plan === undefined || state.stmt === undefined || state.stamp === host.planStamp()) {
    return;
  }
  const plan = host.plan(host.analyze(state.stmt, statement.paramTypes, true));
  if (!sameResultType(fieldsOfPlan(host, plan), statement.fields)) {
    throw new EngineError('0A000', 'cached plan must not change result type');
  }
  state.plan = plan;
  state.stamp = host.planStamp();
}

/** Bind: checks the statement's plan is still valid (planning it again if not) and makes a portal. */
export function bindPortal(
  host: PreparedHost,
  statement: PreparedStatement,
  params: readonly unknown[],
  options: BindOptions = {},
): Promise<Portal> {
  const state = states.get(statement);
  if (state === undefined) {
    return Promise.reject(
      new EngineError('26000', 'prepared statement was not made by this engine'),
    );
  }
  if (params.length !== statement.paramTypes.length) {
    return Promise.reject(
      new EngineError(
        '08P01',
        `bind message supplies ${params.length} parameters, but prepared statement "" requires ${statement.paramTypes.length}`,
      ),
    );
  }
  return host.enqueue(async () => {
    host.checkOpen();
    if (state.plan !== undefined && state.stamp !== host.planStamp()) {
      await host.inStatement(() => revalidate(host, statement, state));
    }
    const values = state.plan === undefined ? params : bindValues(host, statement, params);
    return new BufferedPortal(host, statement, state, values, options);
  }, statement.sql);
}

/** JavaScript number representations that are already the engine's values of these types. */
const NUMBER_TYPES = new Set([16, 21, 23, 26, 700, 701]);

/**
 * Bind's parameters as values of the statement's parameter types: text is
 * read with the type's input function (for the string types that gives the
 * same string again; a string for jsonb is taken as its string scalar, as
 * decodeParam makes it);
 * a JavaScript number or boolean for int8 or numeric is read as its text;
 * other values (what decodeParam made) are the engine's values already.
 */
function bindValues(
  host: PreparedHost,
  statement: PreparedStatement,
  params: readonly unknown[],
): unknown[] {
  let ctx: TypeContext | undefined;
  return params.map((value, k) => {
    if (value === null || value === undefined) return null;
    const oid = statement.paramTypes[k] ?? 25;
    const type = builtins.type(oid);
    if (type === undefined) return value;
    // jsonb's value for a JSON string scalar is a string: decodeParam's result, not text to read
    if (typeof value === 'string' && oid !== 3802) {
      ctx ??= host.typeContext();
      return type.input(value, -1, ctx);
    }
    if (oid === 20 && (typeof value === 'number' || typeof value === 'boolean')) {
      return BigInt(value as number);
    }
    if (typeof value === 'number' && !NUMBER_TYPES.has(oid) && oid !== 1082) {
      ctx ??= host.typeContext();
      return type.input(String(value), -1, ctx);
    }
    if (typeof value === 'bigint' && NUMBER_TYPES.has(oid)) return Number(value);
    return value;
  });
}

type PortalState =
  | { readonly kind: 'new' }
  | {
      readonly kind: 'run';
      readonly outcome: PreparedOutcome;
      position: number;
      notices: Notice[];
    }
  | { readonly kind: 'done'; readonly outcome: PreparedOutcome }
  | { readonly kind: 'closed' };

/** A portal whose statement runs to completion at the first fetch; batches come from the buffer. */
class BufferedPortal implements Portal {
  readonly fields: readonly FieldDescription[];
  readonly #host: PreparedHost;
  readonly #statement: PreparedStatement;
  readonly #state: StatementState;
  readonly #params: readonly unknown[];
  readonly #options: BindOptions;
  #portal: PortalState = { kind: 'new' };

  constructor(
    host: PreparedHost,
    statement: PreparedStatement,
    state: StatementState,
    params: readonly unknown[],
    options: BindOptions,
  ) {
    this.#host = host;
    this.#statement = statement;
    this.#state = state;
    this.#params = params;
    this.#options = options;
    this.fields = statement.fields;
  }

  async fetch(maxRows: number): Promise<PortalBatch> {
    if (this.#portal.kind === 'closed') {
      throw new EngineError('34000', 'portal does not exist');
    }
    if (this.#statement.empty) {
      this.#portal = { kind: 'done', outcome: EMPTY };
      return { rows: [], done: true, command: '', rowCount: null, notices: [] };
    }
    if (this.#portal.kind === 'new') {
      const outcome = await this.#run();
      this.#portal = { kind: 'run', outcome, position: 0, notices: [...outcome.notices] };
    }
    const p = this.#portal;
    if (p.kind === 'done') {
      // an exhausted portal: no rows, and for a row-returning one a count of 0
      return { ...tagFor(p.outcome, 0, this.fields.length > 0), rows: [], done: true, notices: [] };
    }
    if (p.kind !== 'run') throw new EngineError('34000', 'portal does not exist');
    const rows = p.outcome.rows;
    const take =
      maxRows <= 0 ? rows.length - p.position : Math.min(maxRows, rows.length - p.position);
    const batch = rows.slice(p.position, p.position + take).map((r) => [...r]);
    p.position += take;
    const notices = p.notices;
    p.notices = [];
    // pquery.c: the portal is at its end once a fetch returns fewer rows than asked for
    const done = maxRows <= 0 || take < maxRows;
    if (!done) return { rows: batch, done, command: '', rowCount: null, notices };
    this.#portal = { kind: 'done', outcome: p.outcome };
    return { ...tagFor(p.outcome, take, this.fields.length > 0), rows: batch, done, notices };
  }

  close(): void {
    this.#portal = { kind: 'closed' };
  }

  #run(): Promise<PreparedOutcome> {
    const state = this.#state;
    if (state.plan !== undefined) {
      return this.#host.runPlan(state.plan, this.#params, this.#options);
    }
    if (state.stmt === undefined) return Promise.resolve(EMPTY);
    return this.#host.runStatement(state.stmt, this.#params, this.#options);
  }
}

const EMPTY: PreparedOutcome = { command: '', rowCount: null, fields: [], rows: [], notices: [] };

/**
 * CommandComplete for a fetch of `count` rows: a row-returning statement's
 * tag counts the rows of this fetch (PortalRun sets nprocessed), others
 * keep their own count. Tags without a count (SHOW, EXPLAIN) stay so.
 */
function tagFor(
  outcome: PreparedOutcome,
  count: number,
  returnsRows: boolean,
): { command: string; rowCount: number | null } {
  if (!returnsRows || outcome.rowCount === null) {
    return { command: outcome.command, rowCount: outcome.rowCount };
  }
  const words = outcome.command.split(' ');
  if (words.length < 2) return { command: outcome.command, rowCount: outcome.rowCount };
  words[words.length - 1] = String(count);
  return { command: words.join(' '), rowCount: count };
}

// ------------------------------------------------------------ SQL-level PREPARE / EXECUTE / DEALLOCATE

/**
 * A session's SQL-level prepared statements (PREPARE name AS ...;
 * EXECUTE name(...); DEALLOCATE). They run inside the statement that
 * names them, so they are analyzed and run without the session's queue.
 * (The protocol's named statements are kept by @pg/server, in a namespace
 * of their own; PostgreSQL shares one.)
 */
export class SqlPreparedStatements {
  readonly #byName = new Map<string, PreparedStatement>();

  /** PREPARE name [(types)] AS statement. */
  prepare(host: PreparedHost, body: PNode, stmt: RawStatement): void {
    const name = String(body.name);
    if (this.#byName.has(name)) {
      throw new EngineError('42P05', `prepared statement "${name}" already exists`);
    }
    const types = ((body.argtypes ?? []) as PNode[]).map((t) => host.resolveType(t));
    const inner: RawStatement = { ...stmt, node: body.query };
    const statement = describeStatement(host, stmt.text, inner, types, false);
    this.#byName.set(name, statement);
  }

  /**
   * A protocol-level named statement (Parse with a name) kept in the same
   * namespace, as PostgreSQL keeps both: EXECUTE and DEALLOCATE see it,
   * and a second one of the same name is 42P05.
   */
  store(name: string, statement: PreparedStatement): void {
    if (this.#byName.has(name)) {
      throw new EngineError('42P05', `prepared statement "${name}" already exists`);
    }
    if (!states.has(statement)) {
      throw new EngineError('26000', 'prepared statement was not made by this engine');
    }
    this.#byName.set(name, statement);
  }

  /** The statement called `name`, from PREPARE or a named Parse. */
  get(name: string): PreparedStatement | undefined {
    return this.#byName.get(name);
  }

  /** Close of a named statement: whether there was one. */
  delete(name: string): boolean {
    return this.#byName.delete(name);
  }

  /** EXECUTE name [(params)]: the statement's own result and command tag. */
  async execute(host: PreparedHost, body: PNode, stmt: RawStatement): Promise<PreparedOutcome> {
    const name = String(body.name);
    const statement = this.#byName.get(name);
    const state = statement === undefined ? undefined : states.get(statement);
    if (statement === undefined || state === undefined) {
      throw new EngineError('26000', `prepared statement "${name}" does not exist`);
    }
    const exprs = (body.params ?? []) as PNode[];
    if (exprs.length !== statement.paramTypes.length) {
      throw new EngineError(
        '42601',
        `wrong number of parameters for prepared statement "${name}"`,
        {
          detail: `Expected ${statement.paramTypes.length} parameters but got ${exprs.length}.`,
        },
      );
    }
    const params = exprs.map((e, k) =>
      host.evaluateParam(e, statement.paramTypes[k] ?? 25, stmt.text),
    );
    revalidate(host, statement, state);
    if (state.plan !== undefined) {
      const outcome = await host.runPlanInStatement(state.plan, params);
      return { ...outcome, fields: statement.fields };
    }
    if (state.stmt === undefined) return EMPTY;
    return host.dispatchInStatement(state.stmt, params);
  }

  /** DEALLOCATE [PREPARE] name | ALL. */
  deallocate(body: PNode): string {
    if (body.name === undefined) {
      this.#byName.clear();
      return 'DEALLOCATE ALL';
    }
    const name = String(body.name);
    if (!this.#byName.delete(name)) {
      throw new EngineError('26000', `prepared statement "${name}" does not exist`);
    }
    return 'DEALLOCATE';
  }

  /** pg_prepared_statements' rows: name, statement text, parameter types. */
  list(): { name: string; statement: string; paramTypes: readonly number[] }[] {
    return [...this.#byName].map(([name, s]) => ({
      name,
      statement: s.sql,
      paramTypes: s.paramTypes,
    }));
  }
}
