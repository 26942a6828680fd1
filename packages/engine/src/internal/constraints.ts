/**
 * CHECK constraints, and the DDL of CHECK and FOREIGN KEY constraints
 * (H8): CREATE TABLE's column and table constraints, ALTER TABLE ADD /
 * DROP / VALIDATE CONSTRAINT, PostgreSQL's generated names (t_a_check,
 * t_check, c_pid_fkey, then a number on collision).
 *
 * A CHECK is stored in pg_constraint.conbin as the text pg_get_expr prints
 * (deparsed from the analyzed expression); it is analyzed again against the
 * table and compiled once per relation descriptor (the relation cache makes
 * a new descriptor after any DDL, so a WeakMap keyed by it is never stale).
 * ExecConstraints' order: NOT NULL (the executor's), then the CHECKs by
 * name; a CHECK holds unless it is false (NULL passes). A NOT VALID CHECK
 * is enforced on new rows and skipped for the existing ones.
 */
import type { Tid } from '@pg/access';
import type { Catalog, ConstraintInfo, FkAction, FkMatch, RelationDesc } from '@pg/catalog';
import { quoteIdent } from '@pg/catalog';
import { type Compiled, compileExpr, type EvalEnv } from '@pg/executor';
import { analyzeExpression, type CatalogView, type PNode, parse } from '@pg/sql';
import { builtins, SqlError, type TypeContext } from '@pg/types';
import { deparse } from './index-ddl.js';
import { EngineError } from './result.js';

const BOOL = 16;

/** What constraints need from the session. */
export interface ConstraintHost {
  readonly catalog: Catalog;
  view(): CatalogView;
  typeContext(): TypeContext;
  env(): EvalEnv;
  /** The rows of a table the current transaction sees (catalog snapshot). */
  rows(table: number): Iterable<readonly unknown[]>;
  /** Runs one SQL statement inside the current statement (RI queries); its rows. */
  run(sql: string, params: readonly unknown[]): Promise<unknown[][]>;
  lockRelation(oid: number, mode: 'ShareRowExclusiveLock'): Promise<void>;
  /** Whether the row version at `tid` is visible now (not deleted, updated or rolled back since). */
  rowLive(table: number, tid: Tid): boolean;
  /** Whether the transaction is REPEATABLE READ (RI checks then use a crosscheck snapshot). */
  repeatableRead(): boolean;
  /**
   * The rows of `table` whose `attnums` equal `key` under a new snapshot
   * (GetLatestSnapshot), each with whether the transaction snapshot sees it.
   */
  latestMatches(
    table: number,
    attnums: readonly number[],
    key: readonly unknown[],
  ): { readonly inTransactionSnapshot: boolean }[];
  searchPath(): string[];
}

// ---------------------------------------------------------------- CHECK at run time

interface CompiledCheck {
  readonly name: string;
  readonly test: Compiled;
}

const checkCache = new WeakMap<RelationDesc, readonly CompiledCheck[]>();

/** A stored CHECK expression (pg_get_expr text over the table's columns) analyzed. */
function analyzeStored(text: string, table: RelationDesc) {
  const [stmt] = parse(`SELECT ${text}`);
  const node = stmt?.node?.SelectStmt?.targetList?.[0]?.ResTarget?.val;
  if (!stmt || !node) throw new SqlError('XX000', `invalid check expression "${text}"`);
  const view: CatalogView = {
    registry: builtins,
    searchPath: ['pg_catalog'],
    lookupRelation: () => undefined,
    currentUser: '',
    currentDatabase: '',
  };
  return analyzeExpression(node, view, { relation: table, source: stmt.source });
}

function checksOf(catalog: Catalog, desc: RelationDesc): readonly CompiledCheck[] {
  let c = checkCache.get(desc);
  if (c === undefined) {
    c = catalog
      .constraintsOf(desc.oid)
      .filter((x) => x.type === 'c' && x.check !== undefined)
      .map((x) => ({
        name: x.name,
        test: compileExpr(analyzeStored(x.check as string, desc), builtins),
      }));
    checkCache.set(desc, c);
  }
  return c;
}

/** ExecConstraints' CHECK part: 23514 with the failing row. */
export function checkRow(host: ConstraintHost, desc: RelationDesc, values: readonly unknown[]) {
  const checks = checksOf(host.catalog, desc);
  if (checks.length === 0) return;
  const env = host.env();
  for (const c of checks) {
    if (c.test(values, env) !== false) continue;
    throw new EngineError(
      '23514',
      `new row for relation "${desc.name}" violates check constraint "${c.name}"`,
      {
        detail: `Failing row contains (${failingRow(desc, values, env.tctx)}).`,
        schema: desc.namespaceName,
        table: desc.name,
        constraint: c.name,
      },
    );
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** ExecBuildSlotValueDescription: the row's values, each cut at 64 bytes. */
export function failingRow(desc: RelationDesc, values: readonly unknown[], tctx: TypeContext) {
  return desc.columns
    .filter((c) => !c.dropped)
    .map((c) => {
      const v = values[c.attnum - 1] ?? null;
      if (v === null) return 'null';
      const text = builtins.mustType(c.typeOid).output(v, tctx);
      const bytes = encoder.encode(text);
      if (bytes.length <= 64) return text;
      let end = 64;
      while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
      return `${decoder.decode(bytes.subarray(0, end))}...`;
    })
    .join(', ');
}

// ---------------------------------------------------------------- names

/** ChooseConstraintName: `<table>_<column>_<label>`, then 1, 2, ... until free (63-byte names). */
export function chooseConstraintName(
  catalog: Catalog,
  namespace: number,
  table: string,
  column: string | undefined,
  label: string,
  taken: ReadonlySet<string> = new Set(),
): string {
  for (let pass = 0; ; pass++) {
    const suffix = pass === 0 ? label : `${label}${pass}`;
    const name = makeObjectName(table, column, suffix);
    if (!taken.has(name) && !catalog.constraintNameTaken(name, namespace)) return name;
  }
}

/** makeObjectName: name1_name2_label, truncating the longer of name1/name2 to fit 63 bytes. */
function makeObjectName(name1: string, name2: string | undefined, label: string): string {
  const max = 63;
  let a = name1;
  let b = name2 ?? '';
  const overhead = label.length + 1 + (name2 === undefined ? 0 : 1);
  while (a.length + b.length + overhead > max) {
    if (a.length > b.length) a = a.slice(0, -1);
    else b = b.slice(0, -1);
  }
  return name2 === undefined ? `${a}_${label}` : `${a}_${b}_${label}`;
}

// ---------------------------------------------------------------- DDL

/** A CHECK or FOREIGN KEY of a CREATE TABLE or ALTER TABLE, from its parse node. */
export interface PendingConstraint {
  readonly node: PNode;
  /** The column it was written on (a column constraint). */
  readonly column?: string;
  deferrable?: boolean;
  deferred?: boolean;
}

/**
 * The CHECK and FOREIGN KEY constraints of a column definition (with the
 * DEFERRABLE / INITIALLY DEFERRED attributes that follow a foreign key
 * applied to it, as transformConstraintAttrs does).
 */
export function columnConstraints(column: string, list: readonly PNode[]): PendingConstraint[] {
  const out: PendingConstraint[] = [];
  let last: PendingConstraint | undefined;
  for (const c of list) {
    const con = c.Constraint;
    switch (con?.contype) {
      case 'CONSTR_CHECK':
      case 'CONSTR_FOREIGN':
        last = { node: con, column };
        out.push(last);
        break;
      case 'CONSTR_ATTR_DEFERRABLE':
      case 'CONSTR_ATTR_NOT_DEFERRABLE':
      case 'CONSTR_ATTR_DEFERRED':
      case 'CONSTR_ATTR_IMMEDIATE': {
        if (last === undefined || last.node.contype !== 'CONSTR_FOREIGN') {
          throw new EngineError('42601', 'misplaced DEFERRABLE clause');
        }
        if (con.contype === 'CONSTR_ATTR_DEFERRABLE') last.deferrable = true;
        if (con.contype === 'CONSTR_ATTR_NOT_DEFERRABLE') last.deferrable = false;
        if (con.contype === 'CONSTR_ATTR_DEFERRED') {
          // INITIALLY DEFERRED implies DEFERRABLE, unless NOT DEFERRABLE was said
          if (last.deferrable === false) {
            throw new EngineError(
              '42601',
              'constraint declared INITIALLY DEFERRED must be DEFERRABLE',
              typeof con.location === 'number' ? { position: con.location + 1 } : {},
            );
          }
          last.deferrable = true;
          last.deferred = true;
        }
        if (con.contype === 'CONSTR_ATTR_IMMEDIATE') last.deferred = false;
        break;
      }
      default:
        last = undefined;
    }
  }
  return out;
}

/** Whether a column constraint is one this module handles (not NOT NULL, DEFAULT, keys). */
export function isHandledContype(contype: unknown): boolean {
  return (
    contype === 'CONSTR_CHECK' ||
    contype === 'CONSTR_FOREIGN' ||
    contype === 'CONSTR_ATTR_DEFERRABLE' ||
    contype === 'CONSTR_ATTR_NOT_DEFERRABLE' ||
    contype === 'CONSTR_ATTR_DEFERRED' ||
    contype === 'CONSTR_ATTR_IMMEDIATE'
  );
}

/**
 * Adds CHECK constraints first (AddRelationNewConstraints), then foreign
 * keys, to table `oid`. `validate`: check the existing rows (ALTER TABLE;
 * a new table has none).
 */
export async function addConstraints(
  host: ConstraintHost,
  oid: number,
  pending: readonly PendingConstraint[],
  source: string,
  validate: boolean,
): Promise<void> {
  const chosen = new Set<string>();
  for (const p of pending) {
    if (p.node.contype === 'CONSTR_CHECK') await addCheck(host, oid, p, source, validate, chosen);
  }
  for (const p of pending) {
    if (p.node.contype === 'CONSTR_FOREIGN') await addForeignKey(host, oid, p, validate, chosen);
  }
}

async function addCheck(
  host: ConstraintHost,
  oid: number,
  p: PendingConstraint,
  source: string,
  validate: boolean,
  chosen: Set<string>,
): Promise<void> {
  const catalog = host.catalog;
  const desc = catalog.mustRelation(oid);
  const con = p.node;
  if (con.is_no_inherit === true) {
    throw new EngineError('0A000', 'NO INHERIT constraints are not supported yet');
  }
  // transformExpr with EXPR_KIND_CHECK_CONSTRAINT: no sub-SELECTs, aggregates or window functions
  const found = findRaw(con.raw_expr);
  if (found !== undefined) {
    const [code, message] =
      found.kind === 'sublink'
        ? ['0A000', 'cannot use subquery in check constraint']
        : found.kind === 'window'
          ? ['42P20', 'window functions are not allowed in check constraints']
          : ['42803', 'aggregate functions are not allowed in check constraints'];
    throw new EngineError(code, message, { position: found.location + 1 });
  }
  const expr = analyzeExpression(con.raw_expr, host.view(), {
    relation: desc,
    source,
    typeContext: host.typeContext(),
  });
  if (expr.type !== BOOL) {
    const t = builtins.type(expr.type);
    const loc = firstLocation(con.raw_expr);
    throw new EngineError(
      '42804',
      `argument of CHECK must be type boolean, not type ${t?.displayName ?? expr.type}`,
      loc === undefined ? {} : { position: loc + 1 },
    );
  }
  const vars = [...new Set(varsOf(expr))];
  const text = deparse(expr, desc, builtins);
  // the stored text is what every row is checked with: it must read back
  try {
    analyzeStored(text, desc);
  } catch {
    throw new EngineError('0A000', `CHECK expression "${text}" is not supported yet`);
  }
  let name: string;
  if (con.conname !== undefined) {
    name = String(con.conname);
    if (chosen.has(name)) {
      throw new EngineError('42710', `check constraint "${name}" already exists`);
    }
    if (catalog.constraintsOf(oid).some((c) => c.name === name)) {
      throw new EngineError(
        '42710',
        `constraint "${name}" for relation "${desc.name}" already exists`,
      );
    }
  } else {
    const only = vars.length === 1 ? desc.columns[(vars[0] as number) - 1]?.name : undefined;
    name = chooseConstraintName(catalog, desc.namespaceOid, desc.name, only, 'check', chosen);
  }
  chosen.add(name);
  const notValid = con.skip_validation === true;
  if (validate && !notValid) {
    const test = compileExpr(expr, builtins);
    const env = host.env();
    for (const row of host.rows(oid)) {
      if (test(row, env) === false) {
        throw new EngineError(
          '23514',
          `check constraint "${name}" of relation "${desc.name}" is violated by some row`,
        );
      }
    }
  }
  catalog.addConstraint({
    table: oid,
    name,
    type: 'c',
    columns: vars,
    validated: !notValid,
    check: text,
  });
}

const AGGREGATE_NAMES = new Set([
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'array_agg',
  'string_agg',
  'bool_and',
  'bool_or',
  'every',
  'bit_and',
  'bit_or',
  'json_agg',
  'jsonb_agg',
  'stddev',
  'variance',
]);

/** A sub-SELECT, window function or (well-known) aggregate call in a raw expression. */
function findRaw(
  node: unknown,
): { kind: 'sublink' | 'window' | 'aggregate'; location: number } | undefined {
  if (Array.isArray(node)) {
    for (const x of node) {
      const f = findRaw(x);
      if (f !== undefined) return f;
    }
    return undefined;
  }
  if (typeof node !== 'object' || node === null) return undefined;
  const o = node as Record<string, PNode>;
  if (o.SubLink !== undefined)
    return { kind: 'sublink', location: Number(o.SubLink.location ?? 0) };
  const fc = o.FuncCall;
  if (fc !== undefined) {
    if (fc.over !== undefined) return { kind: 'window', location: Number(fc.location ?? 0) };
    const name = String((fc.funcname ?? []).at(-1)?.String?.sval ?? '');
    if (AGGREGATE_NAMES.has(name) || fc.agg_star === true) {
      return { kind: 'aggregate', location: Number(fc.location ?? 0) };
    }
  }
  for (const v of Object.values(o)) {
    const f = findRaw(v);
    if (f !== undefined) return f;
  }
  return undefined;
}

/** exprLocation of a raw expression: its leftmost token. */
function firstLocation(node: unknown): number | undefined {
  let min: number | undefined;
  const go = (x: unknown) => {
    if (Array.isArray(x)) {
      for (const y of x) go(y);
      return;
    }
    if (typeof x !== 'object' || x === null) return;
    for (const [k, v] of Object.entries(x)) {
      if (k === 'location' && typeof v === 'number' && v >= 0) {
        if (min === undefined || v < min) min = v;
      } else go(v);
    }
  };
  go(node);
  return min;
}

function varsOf(e: unknown, out: number[] = []): number[] {
  if (Array.isArray(e)) {
    for (const x of e) varsOf(x, out);
    return out;
  }
  if (typeof e !== 'object' || e === null) return out;
  const o = e as { kind?: unknown; attnum?: unknown; levelsUp?: unknown };
  if (o.kind === 'var' && typeof o.attnum === 'number' && (o.levelsUp ?? 0) === 0)
    out.push(o.attnum);
  for (const [k, v] of Object.entries(e))
    if (k !== 'fn' && k !== 'op' && k !== 'cast') varsOf(v, out);
  return out;
}

const ACTIONS: Record<string, FkAction> = { a: 'a', r: 'r', c: 'c', n: 'n', d: 'd' };
const INT_FAMILY = new Set([20, 21, 23]);
const TEXT_FAMILY = new Set([25, 1043]);
const FLOAT_FAMILY = new Set([700, 701]);

/** Whether `fk` values compare with the referenced column's `pk` type in its B-tree family. */
function compatible(fk: number, pk: number): boolean {
  if (fk === pk) return true;
  for (const f of [INT_FAMILY, TEXT_FAMILY, FLOAT_FAMILY]) if (f.has(fk) && f.has(pk)) return true;
  return false;
}

/** issue 9 (ALTER TABLE): ALTER COLUMN TYPE re-checks its foreign keys' key types (alter-table.ts). */
export const foreignKeyTypesCompatible = compatible;

function typeName(oid: number): string {
  return builtins.type(oid)?.displayName ?? `${oid}`;
}

async function addForeignKey(
  host: ConstraintHost,
  oid: number,
  p: PendingConstraint,
  validate: boolean,
  chosen: Set<string>,
): Promise<void> {
  const catalog = host.catalog;
  const desc = catalog.mustRelation(oid);
  const con = p.node;
  const rv = con.pktable;
  const schema = rv.schemaname === undefined ? undefined : String(rv.schemaname);
  const refDesc = catalog.lookupRelation(schema, String(rv.relname), host.searchPath());
  if (refDesc === undefined) {
    const q = schema === undefined ? String(rv.relname) : `${schema}.${String(rv.relname)}`;
    throw new EngineError('42P01', `relation "${q}" does not exist`);
  }
  if (refDesc.kind !== 'r') {
    throw new EngineError('42809', `referenced relation "${refDesc.name}" is not a table`);
  }
  // ATAddForeignKeyConstraint's persistence rules
  if (desc.persistence === 'p' && refDesc.persistence !== 'p') {
    throw new EngineError(
      '42P16',
      'constraints on permanent tables may reference only permanent tables',
    );
  }
  if (desc.persistence === 'u' && refDesc.persistence === 't') {
    throw new EngineError(
      '42P16',
      'constraints on unlogged tables may reference only permanent or unlogged tables',
    );
  }
  if (desc.persistence === 't' && refDesc.persistence !== 't') {
    throw new EngineError(
      '42P16',
      'constraints on temporary tables may reference only temporary tables',
    );
  }
  if (refDesc.oid !== oid) await host.lockRelation(refDesc.oid, 'ShareRowExclusiveLock');
  const names = (list: PNode[] | undefined) => (list ?? []).map((x) => String(x.String?.sval));
  const fkNames = p.column !== undefined ? [p.column] : names(con.fk_attrs);
  const attnumOf = (d: RelationDesc, n: string) => {
    const c = d.columns.find((x) => x.name === n && !x.dropped);
    if (c === undefined) {
      throw new EngineError(
        '42703',
        `column "${n}" referenced in foreign key constraint does not exist`,
      );
    }
    return c.attnum;
  };
  const fkCols = fkNames.map((n) => attnumOf(desc, n));
  let pkNames = names(con.pk_attrs);
  let refIndex: number | undefined;
  let pkCols: number[];
  if (pkNames.length === 0) {
    const pk = refDesc.indexes.find((i) => i.primary);
    if (pk === undefined) {
      throw new EngineError(
        '42830',
        `there is no primary key for referenced table "${refDesc.name}"`,
      );
    }
    pkCols = pk.columns.slice(0, pk.nkeys);
    pkNames = pkCols.map((n) => refDesc.columns[n - 1]?.name ?? '');
    refIndex = pk.oid;
  } else {
    pkCols = pkNames.map((n) => attnumOf(refDesc, n));
  }
  if (fkCols.length !== pkCols.length) {
    throw new EngineError(
      '42830',
      'number of referencing and referenced columns for foreign key disagree',
    );
  }
  if (refIndex === undefined) {
    if (new Set(pkCols).size !== pkCols.length) {
      throw new EngineError(
        '42830',
        'foreign key referenced-columns list must not contain duplicates',
      );
    }
    const want = [...pkCols].sort((a, b) => a - b).join(',');
    const ix = refDesc.indexes.find(
      (i) =>
        i.unique &&
        i.valid &&
        i.predicate === undefined &&
        i.expressions === undefined &&
        i.nkeys === pkCols.length &&
        [...i.columns.slice(0, i.nkeys)].sort((a, b) => a - b).join(',') === want,
    );
    if (ix === undefined || new Set(pkCols).size !== pkCols.length) {
      throw new EngineError(
        '42830',
        `there is no unique constraint matching given keys for referenced table "${refDesc.name}"`,
      );
    }
    refIndex = ix.oid;
  }
  let name: string;
  if (con.conname !== undefined) {
    name = String(con.conname);
    if (catalog.constraintsOf(oid).some((c) => c.name === name) || chosen.has(name)) {
      throw new EngineError(
        '42710',
        `constraint "${name}" for relation "${desc.name}" already exists`,
      );
    }
  } else {
    name = chooseConstraintName(
      catalog,
      desc.namespaceOid,
      desc.name,
      fkNames.join('_'),
      'fkey',
      chosen,
    );
  }
  fkCols.forEach((a, i) => {
    const fkType = desc.columns[a - 1]?.typeOid ?? 0;
    const pkType = refDesc.columns[(pkCols[i] as number) - 1]?.typeOid ?? 0;
    if (!compatible(fkType, pkType)) {
      throw new EngineError('42804', `foreign key constraint "${name}" cannot be implemented`, {
        detail: `Key columns "${fkNames[i]}" and "${pkNames[i]}" are of incompatible types: ${typeName(fkType)} and ${typeName(pkType)}.`,
      });
    }
  });
  chosen.add(name);
  const onDelete = ACTIONS[String(con.fk_del_action ?? 'a')] ?? 'a';
  const onUpdate = ACTIONS[String(con.fk_upd_action ?? 'a')] ?? 'a';
  const match: FkMatch = con.fk_matchtype === 'f' ? 'f' : 's';
  if (con.fk_matchtype === 'p') {
    throw new EngineError('0A000', 'MATCH PARTIAL not yet implemented');
  }
  const setCols = names(con.fk_del_set_cols).map((n) => {
    const a = attnumOf(desc, n);
    if (!fkCols.includes(a)) {
      throw new EngineError(
        '42P10',
        `column "${n}" referenced in ON DELETE SET action must be part of foreign key`,
      );
    }
    return a;
  });
  if (setCols.length > 0 && onDelete !== 'n' && onDelete !== 'd') {
    throw new EngineError(
      '0A000',
      'a column list with ON DELETE is supported only for SET NULL and SET DEFAULT',
    );
  }
  const deferrable = p.deferrable ?? con.deferrable === true;
  const deferred = p.deferred ?? con.initdeferred === true;
  if (deferred && !deferrable) {
    throw new EngineError('42601', 'constraint declared INITIALLY DEFERRED must be DEFERRABLE');
  }
  const notValid = con.skip_validation === true;
  const info: ConstraintInfo = {
    oid: 0,
    name,
    type: 'f',
    table: oid,
    columns: fkCols,
    deferrable,
    deferred,
    validated: !notValid,
    index: refIndex,
    refTable: refDesc.oid,
    refColumns: pkCols,
    onUpdate,
    onDelete,
    match,
    ...(setCols.length > 0 ? { deleteSetColumns: setCols } : {}),
  };
  if (validate && !notValid) await validateForeignKey(host, info);
  catalog.addConstraint({
    table: oid,
    name,
    type: 'f',
    columns: fkCols,
    deferrable,
    deferred,
    validated: !notValid,
    refTable: refDesc.oid,
    refColumns: pkCols,
    refIndex,
    onUpdate,
    onDelete,
    match,
    ...(setCols.length > 0 ? { deleteSetColumns: setCols } : {}),
  });
}

/** A relation's name qualified by its schema, quoted, for RI queries. */
export function qualifiedName(desc: RelationDesc): string {
  return `${quoteIdent(desc.namespaceName)}.${quoteIdent(desc.name)}`;
}

/** RI_Initial_Check: the first row of the referencing table without a referenced row is 23503. */
export async function validateForeignKey(host: ConstraintHost, fk: ConstraintInfo): Promise<void> {
  const catalog = host.catalog;
  const desc = catalog.mustRelation(fk.table);
  const ref = catalog.mustRelation(fk.refTable as number);
  const fkc = fk.columns.map((a) => `fk.${quoteIdent(desc.columns[a - 1]?.name ?? '')}`);
  const pkc = (fk.refColumns ?? []).map((a) => `pk.${quoteIdent(ref.columns[a - 1]?.name ?? '')}`);
  const join = fkc.map((c, i) => `${pkc[i]} = ${c}`).join(' AND ');
  const nonNull =
    fk.match === 'f'
      ? fkc.map((c) => `${c} IS NOT NULL`).join(' OR ')
      : fkc.map((c) => `${c} IS NOT NULL`).join(' AND ');
  const sql = `SELECT ${fkc.join(', ')} FROM ${qualifiedName(desc)} fk WHERE (${nonNull}) AND NOT EXISTS (SELECT 1 FROM ${qualifiedName(ref)} pk WHERE ${join}) LIMIT 1`;
  const rows = await host.run(sql, []);
  const row = rows[0];
  if (row === undefined) return;
  throw fkViolation(host, fk, row);
}

/** 23503 of the referencing side: the key is not present (or MATCH FULL mixes nulls). */
export function fkViolation(
  host: ConstraintHost,
  fk: ConstraintInfo,
  key: readonly unknown[],
): EngineError {
  const desc = host.catalog.mustRelation(fk.table);
  const ref = host.catalog.mustRelation(fk.refTable as number);
  const message = `insert or update on table "${desc.name}" violates foreign key constraint "${fk.name}"`;
  // errtableconstraint(fk_rel, ...): the referencing table names the error
  const names = { schema: desc.namespaceName, table: desc.name, constraint: fk.name };
  if (fk.match === 'f' && key.some((v) => v === null) && key.some((v) => v !== null)) {
    return new EngineError('23503', message, {
      detail: 'MATCH FULL does not allow mixing of null and nonnull key values.',
      ...names,
    });
  }
  return new EngineError('23503', message, {
    detail: `Key (${keyText(desc, fk.columns, key, host.typeContext())}) is not present in table "${ref.name}".`,
    ...names,
  });
}

/** `(a, b)=(1, 2)`: the key columns' names and values, as ri_ReportViolation prints them. */
export function keyText(
  desc: RelationDesc,
  attnums: readonly number[],
  key: readonly unknown[],
  tctx: TypeContext,
): string {
  const names = attnums.map((a) => quoteIdent(desc.columns[a - 1]?.name ?? ''));
  const vals = attnums.map((a, i) => {
    const v = key[i] ?? null;
    return v === null
      ? 'null'
      : builtins.mustType(desc.columns[a - 1]?.typeOid ?? 25).output(v, tctx);
  });
  return `${names.join(', ')})=(${vals.join(', ')}`;
}

/** ALTER TABLE ... VALIDATE CONSTRAINT name. */
export async function validateConstraint(
  host: ConstraintHost,
  oid: number,
  name: string,
): Promise<void> {
  const catalog = host.catalog;
  const desc = catalog.mustRelation(oid);
  const c = catalog.constraintsOf(oid).find((x) => x.name === name);
  if (c === undefined) {
    throw new EngineError(
      '42704',
      `constraint "${name}" of relation "${desc.name}" does not exist`,
    );
  }
  if (c.type !== 'c' && c.type !== 'f') {
    throw new EngineError(
      '42809',
      `constraint "${name}" of relation "${desc.name}" is not a foreign key or check constraint`,
    );
  }
  if (c.validated) return;
  if (c.type === 'c') {
    const test = compileExpr(analyzeStored(c.check ?? 'true', desc), builtins);
    const env = host.env();
    for (const row of host.rows(oid)) {
      if (test(row, env) === false) {
        throw new EngineError(
          '23514',
          `check constraint "${name}" of relation "${desc.name}" is violated by some row`,
        );
      }
    }
  } else {
    await host.lockRelation(c.refTable as number, 'ShareRowExclusiveLock');
    await validateForeignKey(host, c);
  }
  catalog.setConstraintValidated(c.oid);
}

/** ALTER TABLE ... DROP CONSTRAINT [IF EXISTS] name [CASCADE]; false when missing with IF EXISTS. */
export function dropConstraint(
  host: ConstraintHost,
  oid: number,
  name: string,
  options: { readonly missingOk: boolean; readonly cascade: boolean },
): boolean {
  const catalog = host.catalog;
  const desc = catalog.mustRelation(oid);
  const c = catalog.constraintsOf(oid).find((x) => x.name === name);
  if (c === undefined) {
    if (options.missingOk) return false;
    throw new EngineError(
      '42704',
      `constraint "${name}" of relation "${desc.name}" does not exist`,
    );
  }
  catalog.dropConstraint(c.oid, { cascade: options.cascade });
  return true;
}

/** ALTER TABLE ... RENAME CONSTRAINT old TO new (a key constraint renames its index too). */
export function renameConstraint(host: ConstraintHost, oid: number, from: string, to: string) {
  const catalog = host.catalog;
  const desc = catalog.mustRelation(oid);
  const all = catalog.constraintsOf(oid);
  const c = all.find((x) => x.name === from);
  if (c === undefined) {
    throw new EngineError('42704', `constraint "${from}" for table "${desc.name}" does not exist`);
  }
  if (all.some((x) => x.name === to)) {
    throw new EngineError('42710', `constraint "${to}" for relation "${desc.name}" already exists`);
  }
  if ((c.type === 'p' || c.type === 'u') && c.index !== 0) catalog.renameRelation(c.index, to);
  else catalog.renameConstraint(c.oid, to);
}
