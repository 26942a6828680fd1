/**
 * Views and materialized views (issue 9, task G): CREATE [OR REPLACE]
 * VIEW, CREATE MATERIALIZED VIEW, CREATE TABLE AS / SELECT INTO, REFRESH
 * MATERIALIZED VIEW [CONCURRENTLY], as PostgreSQL 15's view.c, createas.c
 * and matview.c do them.
 *
 * A view's query is analyzed here, printed back with @pg/sql's ruleutils
 * (deparseQuery) and stored as text in its _RETURN rule (@pg/catalog's
 * view-def.ts); the analyzer expands it wherever the view is read. Before
 * storing, the printed text is analyzed again and must give the same
 * output columns: a query we cannot print faithfully is refused (0A000)
 * rather than stored wrong.
 *
 * A materialized view is a heap (relkind 'm') plus the same rule. Its rows
 * are written by INSERT and DELETE query trees built here (the analyzer
 * refuses them on a materialized view, as PostgreSQL does for users).
 *   - REFRESH: ACCESS EXCLUSIVE lock (readers wait); the old rows are
 *     deleted and the query's rows inserted in this transaction.
 *   - REFRESH CONCURRENTLY: needs a populated view and a unique index
 *     without WHERE on plain columns; EXCLUSIVE lock (readers go on and
 *     see the old contents until the refresh commits, never a mix).
 * Difference: PostgreSQL's plain REFRESH fills a new heap file and swaps
 * it in, and CONCURRENTLY applies a diff touching only changed rows; we
 * delete all rows and insert all (the old versions are VACUUM's). A new
 * file was tried: a reader that had waited behind the lock still read the
 * old file. issue 9 (D) checked why: the session analyzes and plans a
 * statement with the relation descriptors of its statement start (the
 * relcache takes invalidations in Catalog.beginStatement only) and the
 * executor takes the statement's locks afterwards (execute.ts
 * lockRelations); PostgreSQL locks while analyzing (parserOpenTable) and
 * LockRelationOid accepts invalidation messages after each new lock. So a
 * statement that waited behind any DDL runs with the descriptors from
 * before it: a reader behind ALTER TABLE ADD COLUMN sees the old columns,
 * one behind REFRESH ... WITH NO DATA reads the emptied heap instead of
 * 55000. Deleting and inserting in place keeps the file a waiting reader
 * has, so its rows (read with a snapshot taken after the lock) are right.
 *
 * issue 9 (D): CREATE [TEMP] VIEW ... WITH [LOCAL | CASCADED] CHECK OPTION
 * / WITH (check_option = ...) (reloptions; the writes through the view
 * are @pg/sql's view-update.ts), a view over temporary relations becomes
 * temporary (NOTICE), CREATE TEMP / UNLOGGED TABLE AS and SELECT INTO
 * (the session hands SELECT ... INTO over as CREATE TABLE AS).
 */
import type { Catalog, RelationDesc, ViewAction, ViewReference } from '@pg/catalog';
import { LockMode } from '@pg/mvcc';
import {
  analyze,
  autoUpdatableError,
  type CatalogView,
  type DeleteQuery,
  deparseQuery,
  type Expr,
  type InsertQuery,
  type PNode,
  parse,
  type Query,
  type RawStatement,
  type RelationRte,
  type SelectQuery,
  type SubqueryRte,
  viewUpdatableColumns,
  viewUpdatableEvents,
} from '@pg/sql';
import { builtins, type TypeContext } from '@pg/types';
import { EngineError, type Notice } from './result.js';

/** What the statements need from the session. */
export interface ViewDdlContext {
  readonly catalog: Catalog;
  /** The analyzer's catalog view for the current statement. */
  readonly view: CatalogView;
  readonly typeContext: TypeContext;
  /** The effective search path's schema names (relation visibility). */
  readonly searchPath: readonly string[];
  creationNamespace(schema: string | undefined): string;
  notice(n: Notice): void;
  lock(oid: number, mode: LockMode): Promise<void>;
  /** Plans and runs a query tree in the current statement; the rows it changed. */
  run(query: Query): Promise<number>;
  /** issue 9 (D): this session's pg_temp_N (`use` creates it on first use). */
  readonly temp?: { readonly name: string; use(): void };
}

const VIEW_QUERY_ERROR = '0A000';

/** CREATE [OR REPLACE] VIEW name [(columns)] AS query. */
export async function createView(
  ctx: ViewDdlContext,
  body: PNode,
  stmt: RawStatement,
): Promise<string> {
  const rv = body.view;
  const { query, names } = analyzeDefinition(ctx, body.query, stmt, body.aliases, 'CREATE VIEW');
  const reloptions = viewReloptions(ctx, body, query); // issue 9 (D): WITH CHECK OPTION
  const name = String(rv.relname);
  const refs = references(query);
  // issue 9 (D): TEMP views, and views over temporary relations that become temporary
  if (rv.relpersistence === 'u')
    throw new EngineError('0A000', 'views cannot be unlogged because they do not have storage');
  let temp = rv.relpersistence === 't';
  if (!temp && refs.some((r) => ctx.catalog.mustRelation(r.relid).persistence === 't')) {
    temp = true;
    ctx.notice({
      severity: 'NOTICE',
      code: '00000',
      message: `view "${name}" will be a temporary view`,
    });
  }
  const namespace = creationSchema(ctx, rv, temp);
  const columns = outputs(query).map((t, i) => ({
    name: names[i] as string,
    typeOid: t.expr.type,
    typmod: t.expr.typmod,
  }));
  const action = viewAction(ctx, query, names);
  const nsp = ctx.catalog.namespaceOid(namespace);
  const existingOid = nsp === undefined ? undefined : ctx.catalog.relnameRelid(name, nsp);
  if (existingOid !== undefined && body.replace === true) {
    const old = ctx.catalog.mustRelation(existingOid);
    if (old.kind !== 'v') throw new EngineError('42809', `"${name}" is not a view`);
    await ctx.lock(existingOid, LockMode.AccessExclusiveLock);
    checkReplacement(old, columns);
    const live = old.columns.filter((c) => !c.dropped).length;
    if (columns.length > live) ctx.catalog.addViewColumns(existingOid, columns.slice(live));
    ctx.catalog.setViewRule(existingOid, action, refs);
    ctx.catalog.setRelationOptions(existingOid, reloptions); // issue 9 (D)
    return 'CREATE VIEW';
  }
  const oid = ctx.catalog.createTable({
    namespace,
    name,
    kind: 'v',
    columns: columns.map((c) => ({ ...c, notNull: false })),
    ...(reloptions.length > 0 ? { reloptions } : {}), // issue 9 (D)
    ...(namespace === ctx.temp?.name ? { persistence: 't' as const } : {}), // issue 9 (D)
  });
  if (oid !== undefined) ctx.catalog.setViewRule(oid, action, refs);
  return 'CREATE VIEW';
}

// ---------------------------------------------------------------- issue 9 (D): view options

/**
 * RangeVarGetAndCheckCreationNamespace with RangeVarAdjustRelationPersistence:
 * a relation in pg_temp (or this session's pg_temp_N) is temporary; a
 * temporary one named in another schema is 42P16; a temporary one goes
 * to this session's pg_temp_N, made on first use.
 */
function creationSchema(ctx: ViewDdlContext, rv: PNode, temp: boolean): string {
  const schema = rv.schemaname === undefined ? undefined : String(rv.schemaname);
  const inTemp = schema === 'pg_temp' || (schema !== undefined && schema === ctx.temp?.name);
  if (!temp && !inTemp) return ctx.creationNamespace(schema);
  if (schema !== undefined && !inTemp)
    throw new EngineError('42P16', 'cannot create temporary relation in non-temporary schema');
  if (ctx.temp === undefined)
    throw new EngineError('0A000', 'temporary relations are not supported here yet');
  ctx.temp.use();
  return ctx.temp.name;
}

/**
 * DefineView's options: WITH [LOCAL | CASCADED] CHECK OPTION is the
 * reloption check_option; any check option needs an automatically
 * updatable query (0A000 with the reason as HINT); then view_reloptions
 * validates the list (22023). security_barrier and security_invoker are
 * validated but not supported yet (0A000).
 */
function viewReloptions(ctx: ViewDdlContext, body: PNode, query: SelectQuery): string[] {
  const defs: { name: string; text: string }[] = ((body.options ?? []) as PNode[]).map((d) => {
    const e = (d.DefElem ?? d) as PNode;
    if (e.defnamespace !== undefined)
      throw new EngineError(
        '22023',
        `unrecognized parameter namespace "${String(e.defnamespace)}"`,
      );
    return { name: String(e.defname), text: optionText(e.arg) };
  });
  const wco = body.withCheckOption as string | undefined;
  if (wco === 'LOCAL_CHECK_OPTION') defs.push({ name: 'check_option', text: 'local' });
  if (wco === 'CASCADED_CHECK_OPTION') defs.push({ name: 'check_option', text: 'cascaded' });
  if (defs.some((d) => d.name === 'check_option')) {
    const reason = autoUpdatableError(query, true, (oid) => ctx.catalog.mustRelation(oid).kind);
    if (reason !== undefined)
      throw new EngineError(
        '0A000',
        'WITH CHECK OPTION is supported only on automatically updatable views',
        { hint: reason },
      );
  }
  return validatedViewOptions([], defs);
}

/**
 * ALTER VIEW ... SET (...) / RESET (...) (ATExecSetRelOptions on a view):
 * the new reloptions, validated as CREATE VIEW's; a check_option needs an
 * automatically updatable view (0A000).
 */
export function alterViewReloptions(
  ctx: ViewDdlContext,
  rel: RelationDesc,
  defs: readonly PNode[],
  reset: boolean,
): string[] {
  const items = defs.map((d) => {
    const e = (d.DefElem ?? d) as PNode;
    return { name: String(e.defname), text: optionText(e.arg) };
  });
  const kept = ctx.catalog
    .relationOptions(rel.oid)
    .filter((o) => !items.some((i) => o.startsWith(`${i.name}=`)));
  const out = reset ? kept : validatedViewOptions(kept, items);
  if (out.some((o) => o.startsWith('check_option='))) {
    const query = definitionOf(ctx, rel);
    const reason = autoUpdatableError(query, true, (oid) => ctx.catalog.mustRelation(oid).kind);
    if (reason !== undefined)
      throw new EngineError(
        '0A000',
        'WITH CHECK OPTION is supported only on automatically updatable views',
        { hint: reason },
      );
  }
  return out;
}

/** view_reloptions: check_option, security_barrier, security_invoker (22023 otherwise). */
function validatedViewOptions(
  kept: readonly string[],
  defs: readonly { name: string; text: string }[],
): string[] {
  const out = [...kept];
  for (const { name, text } of defs) {
    if (name === 'check_option') {
      const v = text.toLowerCase();
      if (v !== 'local' && v !== 'cascaded')
        throw new EngineError('22023', `invalid value for enum option "check_option": ${text}`, {
          detail: 'Valid values are "local" and "cascaded".',
        });
    } else if (name === 'security_barrier' || name === 'security_invoker') {
      if (!/^(t|tr|tru|true|f|fa|fal|fals|false|y|ye|yes|n|no|on|of|off|1|0)$/i.test(text.trim()))
        throw new EngineError('22023', `invalid value for boolean option "${name}": ${text}`);
      throw new EngineError('0A000', `view option "${name}" is not supported yet`);
    } else {
      throw new EngineError('22023', `unrecognized parameter "${name}"`);
    }
    if (out.some((o) => o.startsWith(`${name}=`)))
      throw new EngineError('22023', `parameter "${name}" specified more than once`);
    out.push(`${name}=${text}`);
  }
  return out;
}

/** defGetString of an option's argument; none is "true". */
function optionText(arg: PNode | undefined): string {
  if (arg === undefined) return 'true';
  if (arg.String !== undefined) return String(arg.String.sval ?? '');
  if (arg.Integer !== undefined) return String(arg.Integer.ival ?? 0);
  if (arg.Float !== undefined) return String(arg.Float.fval ?? '0');
  if (arg.Boolean !== undefined) return arg.Boolean.boolval === true ? 'true' : 'false';
  if (arg.TypeName !== undefined)
    return ((arg.TypeName.names ?? []) as PNode[]).map((n) => String(n.String?.sval)).join('.');
  return String(Object.values(arg)[0]);
}

/** checkViewColumns: OR REPLACE may add columns at the end, never drop, rename or retype one. */
function checkReplacement(
  old: RelationDesc,
  columns: readonly { name: string; typeOid: number; typmod: number }[],
): void {
  const live = old.columns.filter((c) => !c.dropped);
  if (columns.length < live.length) throw new EngineError('42P16', 'cannot drop columns from view');
  live.forEach((c, i) => {
    const n = columns[i] as { name: string; typeOid: number; typmod: number };
    if (n.name !== c.name) {
      throw new EngineError(
        '42P16',
        `cannot change name of view column "${c.name}" to "${n.name}"`,
        { hint: 'Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.' },
      );
    }
    if (n.typeOid !== c.typeOid || n.typmod !== c.typmod) {
      throw new EngineError(
        '42P16',
        `cannot change data type of view column "${c.name}" from ${typeName(c.typeOid, c.typmod)} to ${typeName(n.typeOid, n.typmod)}`,
      );
    }
  });
}

function typeName(oid: number, typmod: number): string {
  const t = builtins.type(oid);
  if (t === undefined) return `type ${oid}`;
  const mod = typmod >= 0 && t.typmodOut !== undefined ? t.typmodOut(typmod) : '';
  return t.displayName + mod;
}

function outputs(q: SelectQuery) {
  return q.targetList.filter((t) => !t.junk);
}

/** The query of a view or CREATE ... AS, analyzed, with its column names (aliases applied). */
function analyzeDefinition(
  ctx: ViewDdlContext,
  node: PNode,
  stmt: RawStatement,
  aliases: PNode[] | undefined,
  what: string,
): { query: SelectQuery; names: string[] } {
  if (node?.SelectStmt?.intoClause !== undefined)
    throw new EngineError('0A000', 'views must not contain SELECT INTO');
  const q = analyze({ ...stmt, node }, ctx.view, { typeContext: ctx.typeContext });
  if (q.command !== 'select')
    throw new EngineError('0A000', `${what} of a ${q.command} is not supported`);
  if (q.ctes?.some((c) => c.modify !== undefined))
    throw new EngineError('0A000', 'views must not contain data-modifying statements in WITH');
  const outs = outputs(q);
  const given: string[] = (aliases ?? []).map((a: PNode) => String(a.String?.sval ?? ''));
  if (given.length > outs.length) {
    throw new EngineError(
      '42601',
      what === 'CREATE VIEW'
        ? 'CREATE VIEW specifies more column names than columns'
        : 'too many column names were specified',
    );
  }
  const names = outs.map((t, i) => given[i] ?? t.name);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new EngineError('42701', `column "${n}" specified more than once`);
    seen.add(n);
  }
  return { query: q, names };
}

/** The rule's action: the query printed three ways, checked to read back the same. */
function viewAction(ctx: ViewDdlContext, query: SelectQuery, names: readonly string[]): ViewAction {
  const qualified = (oid: number) => {
    const d = ctx.catalog.mustRelation(oid);
    return `${quoteIdentifier(d.namespaceName)}.${quoteIdentifier(d.name)}`;
  };
  const visible = (oid: number) => {
    const d = ctx.catalog.mustRelation(oid);
    const found = ctx.catalog.lookupRelation(undefined, d.name, ctx.searchPath);
    return found?.oid === oid ? quoteIdentifier(d.name) : qualified(oid);
  };
  const print = (pretty: boolean, relationName: (oid: number) => string) =>
    deparseQuery(query, { registry: builtins, pretty, relationName, columnNames: names });
  const sql = print(false, qualified);
  // issue 9 (D): pg_relation_is_updatable's events, for information_schema
  const kindOf = (oid: number) => ctx.catalog.mustRelation(oid).kind;
  const events = viewUpdatableEvents(query, kindOf, (v) => ctx.catalog.viewAction(v)?.events ?? 0);
  const updatableColumns = viewUpdatableColumns(
    query,
    kindOf,
    (v) => ctx.catalog.viewAction(v)?.updatableColumns ?? [],
  );
  const action: ViewAction = {
    sql,
    display: print(false, visible),
    pretty: print(true, visible),
    events,
    updatableColumns,
  };
  // the stored text must mean the same query
  let again: Query;
  try {
    const [stmt] = parse(sql);
    if (stmt === undefined) throw new Error('no statement');
    again = analyze(stmt, ctx.view, { typeContext: ctx.typeContext });
  } catch (e) {
    throw new EngineError(
      VIEW_QUERY_ERROR,
      `a view with this query is not supported yet (its text does not read back: ${(e as Error).message})`,
    );
  }
  const a = again.targetList.filter((t) => !t.junk);
  const b = outputs(query);
  if (
    a.length !== b.length ||
    a.some((t, i) => t.expr.type !== b[i]?.expr.type || t.expr.typmod !== b[i]?.expr.typmod)
  ) {
    throw new EngineError(
      VIEW_QUERY_ERROR,
      'a view with this query is not supported yet (its text reads back with other columns)',
    );
  }
  return action;
}

function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/**
 * find_expr_references_walker over a query: every column of a relation a
 * Var reads (at any query level), and each relation it reads no column of.
 */
export function references(query: SelectQuery): ViewReference[] {
  const out: ViewReference[] = [];
  const stack: (readonly unknown[])[] = [];
  const seenRel = (rtable: readonly unknown[]) => {
    for (const rte of rtable) {
      const r = rte as RelationRte | SubqueryRte;
      if (r.kind === 'relation') out.push({ relid: r.relationOid, attnum: 0 });
      if (r.kind === 'subquery' && r.view !== undefined) out.push({ relid: r.view, attnum: 0 });
    }
  };
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) walk(x);
      return;
    }
    if (node instanceof Map) {
      for (const v of node.values()) walk(v);
      return;
    }
    const o = node as Record<string, unknown>;
    const isQuery =
      (o.command === 'select' ||
        o.command === 'insert' ||
        o.command === 'update' ||
        o.command === 'delete') &&
      Array.isArray(o.rtable);
    if (isQuery) {
      stack.unshift(o.rtable as unknown[]);
      seenRel(o.rtable as unknown[]);
    }
    if (o.kind === 'var') {
      const v = o as unknown as Extract<Expr, { kind: 'var' }>;
      const rte = stack[v.levelsUp ?? 0]?.[v.rt] as RelationRte | SubqueryRte | undefined;
      if (rte?.kind === 'relation') out.push({ relid: rte.relationOid, attnum: v.attnum });
      if (rte?.kind === 'subquery' && rte.view !== undefined)
        out.push({ relid: rte.view, attnum: v.attnum });
    }
    // an expanded view is a dependency on the view, not on what it reads
    const skipQuery = o.kind === 'subquery' && o.view !== undefined;
    for (const [k, v] of Object.entries(o)) {
      if (k === 'fn' || k === 'op' || k === 'cast') continue;
      if (skipQuery && k === 'query') continue;
      walk(v);
    }
    if (isQuery) stack.shift();
  };
  walk(query);
  return out;
}

// ---------------------------------------------------------------- materialized views and CREATE TABLE AS

/** CREATE MATERIALIZED VIEW / CREATE TABLE AS / SELECT INTO: the command tag. */
export async function createTableAs(
  ctx: ViewDdlContext,
  body: PNode,
  stmt: RawStatement,
): Promise<string> {
  const matview = body.objtype === 'OBJECT_MATVIEW';
  const into = body.into;
  const rv = into.rel;
  const what = matview ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS';
  // issue 9 (D): CREATE TEMP / UNLOGGED TABLE AS and SELECT INTO TEMP; materialized views are neither
  if (matview && rv.relpersistence === 'u')
    throw new EngineError('0A000', 'materialized views cannot be unlogged');
  if ((into.onCommit ?? 'ONCOMMIT_NOOP') !== 'ONCOMMIT_NOOP')
    throw new EngineError('0A000', `${what} with ON COMMIT is not supported yet`);
  if ((into.options ?? []).length > 0)
    throw new EngineError('0A000', `${what} with storage options is not supported yet`);
  const name = String(rv.relname);
  const namespace = creationSchema(ctx, rv, rv.relpersistence === 't');
  const persistence: 'p' | 'u' | 't' =
    namespace === ctx.temp?.name ? 't' : rv.relpersistence === 'u' ? 'u' : 'p';
  const nsp = ctx.catalog.namespaceOid(namespace);
  if (
    body.if_not_exists === true &&
    nsp !== undefined &&
    ctx.catalog.relnameRelid(name, nsp) !== undefined
  ) {
    ctx.notice({
      severity: 'NOTICE',
      code: '42P07',
      message: `relation "${name}" already exists, skipping`,
    });
    return what;
  }
  const { query, names } = analyzeDefinition(ctx, body.query, stmt, into.colNames, what);
  if (query.paramTypes.length > 0) throw new EngineError('42P02', 'there is no parameter $1');
  const columns = outputs(query).map((t, i) => ({
    name: names[i] as string,
    typeOid: t.expr.type === 705 ? 25 : t.expr.type,
    typmod: t.expr.typmod,
    notNull: false,
  }));
  const skipData = into.skipData === true;
  // PostgreSQL: a materialized view must not read temporary relations
  if (
    matview &&
    references(query).some((r) => ctx.catalog.mustRelation(r.relid).persistence === 't')
  )
    throw new EngineError('0A000', 'materialized views must not use temporary tables or views');
  const oid = ctx.catalog.createTable({
    namespace,
    name,
    columns,
    ...(matview ? { kind: 'm' as const, populated: !skipData } : {}),
    ...(persistence !== 'p' ? { persistence } : {}), // issue 9 (D)
  });
  if (oid === undefined) return what;
  if (matview) ctx.catalog.setViewRule(oid, viewAction(ctx, query, names), references(query));
  if (skipData) return what;
  const n = await ctx.run(insertInto(ctx.catalog.mustRelation(oid), query));
  return `SELECT ${n}`;
}

/** INSERT INTO rel <query>, as a query tree: every output column into the column of its position. */
function insertInto(rel: RelationDesc, query: SelectQuery): InsertQuery {
  const outs = outputs(query);
  const live = rel.columns.filter((c) => !c.dropped);
  const target: RelationRte = {
    kind: 'relation',
    relationOid: rel.oid,
    alias: rel.name,
    columnNames: rel.columns.map((c) => (c.dropped ? '' : c.name)),
    lockMode: 'RowExclusiveLock',
  };
  const source: SubqueryRte = {
    kind: 'subquery',
    alias: '*SELECT*',
    columnNames: outs.map((t) => t.name),
    query,
  };
  const row: Expr[] = rel.columns.map((c) => {
    const i = live.indexOf(c);
    const t = outs[i];
    if (c.dropped || t === undefined)
      return { kind: 'const', value: null, type: c.typeOid, typmod: c.typmod };
    return { kind: 'var', rt: 1, attnum: i + 1, type: t.expr.type, typmod: t.expr.typmod };
  });
  return {
    command: 'insert',
    rtable: [target, source],
    from: [],
    targetList: [],
    paramTypes: [],
    target: 0,
    rows: [row],
    source: 1,
  };
}

/** DELETE FROM rel, as a query tree. */
function deleteAll(rel: RelationDesc): DeleteQuery {
  return {
    command: 'delete',
    rtable: [
      {
        kind: 'relation',
        relationOid: rel.oid,
        alias: rel.name,
        columnNames: rel.columns.map((c) => (c.dropped ? '' : c.name)),
        lockMode: 'RowExclusiveLock',
      },
    ],
    from: [0],
    targetList: [],
    paramTypes: [],
    target: 0,
  };
}

/** REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO] DATA]. */
export async function refreshMaterializedView(ctx: ViewDdlContext, body: PNode): Promise<string> {
  const rv = body.relation;
  const name = String(rv.relname);
  const schema = rv.schemaname === undefined ? undefined : String(rv.schemaname);
  const desc = ctx.catalog.lookupRelation(schema, name, ctx.searchPath);
  if (desc === undefined) {
    throw new EngineError(
      '42P01',
      `relation "${schema === undefined ? name : `${schema}.${name}`}" does not exist`,
    );
  }
  if (desc.kind !== 'm') {
    // RangeVarCallbackOwnsTable refuses what is not a table first
    const what = desc.kind === 'r' || desc.kind === 'p' ? 'a' : 'a table or';
    throw new EngineError('42809', `"${name}" is not ${what} materialized view`);
  }
  const concurrent = body.concurrent === true;
  const skipData = body.skipData === true;
  if (concurrent && skipData) {
    throw new EngineError('0A000', 'CONCURRENTLY and WITH NO DATA options cannot be used together');
  }
  await ctx.lock(desc.oid, concurrent ? LockMode.ExclusiveLock : LockMode.AccessExclusiveLock);
  const rel = ctx.catalog.mustRelation(desc.oid);
  if (concurrent) {
    if (rel.unpopulated === true) {
      throw new EngineError(
        '0A000',
        'CONCURRENTLY cannot be used when the materialized view is not populated',
      );
    }
    const usable = rel.indexes.some(
      (ix) =>
        ix.unique &&
        ix.valid &&
        ix.predicate === undefined &&
        ix.columns.slice(0, ix.nkeys).every((c) => c > 0),
    );
    if (!usable) {
      throw new EngineError(
        '55000',
        `cannot refresh materialized view "${rel.namespaceName}.${rel.name}" concurrently`,
        {
          hint: 'Create a unique index with no WHERE clause on one or more columns of the materialized view.',
        },
      );
    }
  }
  const query = definitionOf(ctx, rel);
  // Both forms delete the old rows and insert the new ones in this transaction
  // (see the file comment: a reader that waited behind the lock takes its
  // snapshot after, and must find the rows in the relation's current file).
  await ctx.run(deleteAll(rel));
  if (!concurrent && (rel.unpopulated === true) !== skipData)
    ctx.catalog.setPopulated(rel.oid, !skipData);
  if (!skipData) await ctx.run(insertInto(ctx.catalog.mustRelation(rel.oid), query));
  return 'REFRESH MATERIALIZED VIEW';
}

/** A materialized view's stored query, analyzed now. */
function definitionOf(ctx: ViewDdlContext, rel: RelationDesc): SelectQuery {
  const action = rel.viewQuery ?? ctx.catalog.viewAction(rel.oid);
  if (action === undefined)
    throw new EngineError('XX000', `materialized view "${rel.name}" has no query`);
  const [stmt] = parse(action.sql);
  if (stmt === undefined)
    throw new EngineError('XX000', `materialized view "${rel.name}" has no query`);
  const q = analyze(stmt, ctx.view, { typeContext: ctx.typeContext });
  if (q.command !== 'select')
    throw new EngineError('XX000', `materialized view "${rel.name}" has no query`);
  return q;
}

// ---------------------------------------------------------------- renames under views

/** What a rename changes, for the views that read the renamed object. */
export type RenameChange =
  | { readonly kind: 'relation'; readonly oldName: string; readonly newName: string }
  | {
      readonly kind: 'column';
      readonly attnum: number;
      readonly oldName: string;
      readonly newName: string;
    };

/**
 * Renames relation `oid` (or one of its columns) through `rename`, and
 * prints again the stored text of every view reading it (the text names
 * relations and columns; PostgreSQL's rules hold OIDs and attnums, so
 * they need nothing). Each view's query is analyzed before the rename,
 * patched to the new names, printed, and checked to read back.
 */
export function renameUnderViews(
  ctx: ViewDdlContext,
  oid: number,
  change: RenameChange,
  rename: () => void,
): void {
  const viewOids = ctx.catalog.dependentViews(oid, change.kind === 'column' ? change.attnum : 0);
  const self = ctx.catalog.mustRelation(oid);
  // a view's own column renamed: its own text shows the new name after AS
  if (
    change.kind === 'column' &&
    (self.kind === 'v' || self.kind === 'm') &&
    !viewOids.includes(oid)
  )
    viewOids.push(oid);
  const queries = viewOids.map((v) => ({
    v,
    query: definitionOf(ctx, ctx.catalog.mustRelation(v)),
  }));
  rename();
  for (const { v, query } of queries) {
    if (v !== oid) patchNames(query, oid, change);
    const rel = ctx.catalog.mustRelation(v);
    const names = rel.columns.filter((c) => !c.dropped).map((c) => c.name);
    ctx.catalog.setViewRule(v, viewAction(ctx, query, names), references(query));
  }
}

/** The renamed object's names in a freshly analyzed query tree (mutated in place). */
function patchNames(query: SelectQuery, oid: number, change: RenameChange): void {
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) walk(x);
      return;
    }
    if (node instanceof Map) return;
    const o = node as Record<string, unknown>;
    const hit =
      (o.kind === 'relation' && o.relationOid === oid) || (o.kind === 'subquery' && o.view === oid);
    if (hit && Array.isArray(o.columnNames) && typeof o.alias === 'string') {
      const m = o as { alias: string; columnNames: string[] };
      if (change.kind === 'relation' && m.alias === change.oldName) m.alias = change.newName;
      if (change.kind === 'column' && m.columnNames[change.attnum - 1] === change.oldName)
        m.columnNames = m.columnNames.map((n, i) => (i === change.attnum - 1 ? change.newName : n));
    }
    for (const [k, v] of Object.entries(o)) {
      if (k === 'fn' || k === 'op' || k === 'cast') continue;
      walk(v);
    }
  };
  walk(query);
}
