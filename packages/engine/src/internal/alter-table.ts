/**
 * ALTER TABLE's deeper forms (issue 9): ALTER COLUMN ... TYPE, SET SCHEMA
 * and SET LOGGED / UNLOGGED (PostgreSQL 15's commands/tablecmds.c
 * ATPrepAlterColumnType, ATExecAlterColumnType, ATRewriteTable,
 * AlterTableNamespace, ATPrepChangePersistence), over @pg/catalog's
 * alter-column.ts (the catalog rows) and rewrite.ts (new files, indexes
 * rebuilt). The caller holds AccessExclusiveLock on the table.
 *
 * ALTER COLUMN TYPE, step by step:
 *
 * 1. prepare (each subcommand, before any change): the column exists and
 *    is not a system column, the type resolves, the transform (USING, or
 *    the column itself) is analyzed over the table as it is and coerced to
 *    the new type by assignment rules (42804 and PostgreSQL's hint when
 *    it cannot be), no view or generated column reads the column, the
 *    default converts (42804), foreign keys on either side stay
 *    implementable (42804).
 * 2. the catalog: pg_attribute (and the key columns of its indexes)
 *    get the new type; statistics go.
 * 3. the rewrite, once for every subcommand of the statement: the rows
 *    this transaction sees are read from the old heap, converted, and
 *    inserted into new files (TRUNCATE's new relfilenodes, the old files
 *    removed at commit) as new tuples of this transaction, as
 *    ATRewriteTable does (so, as in PostgreSQL, the rewrite is not
 *    MVCC-safe for older snapshots); NOT NULL is checked per row (23502);
 *    then every index is rebuilt from the new heap (23505 `could not
 *    create unique index`), CHECK constraints re-checked (23514) and
 *    foreign keys re-validated (23503).
 *
 * When every changed column's conversion is binary coercible and cannot
 * fail (varchar(n) to varchar(m >= n), varchar to text, text to varchar
 * without a length, numeric(p,s) to numeric), the rows are left as they
 * are: only the catalog changes (as PostgreSQL's ATColumnChangeRequiresRewrite).
 *
 * Differences from PostgreSQL 15: columns of a gin, brin or hash index
 * refuse ALTER TYPE, and a relation a view reads refuses SET SCHEMA (a
 * view's query names it by schema-qualified text; 0A000, not supported
 * yet); the
 * default's stored text is kept (it is re-analyzed against the new type
 * when it is used, and must convert); indexes keep their OIDs (PostgreSQL
 * drops and re-creates them under the same names).
 */
import {
  alterColumnType,
  alterIndexColumnType,
  type Catalog,
  type CatalogTxn,
  type ColumnDesc,
  clearMissing,
  type IndexDesc,
  type RelationDesc,
  reindexRelation,
  rewriteTable,
  setRelationNamespace,
  setRelationPersistence,
} from '@pg/catalog';
import { compileExpr, indexEntryOf } from '@pg/executor';
import { type HeapWriter, heapMultiInsert } from '@pg/heap';
import type { TransactionId } from '@pg/mvcc';
import { analyzeExpression, type Expr, PositionedSqlError, parse, resolveTypeName } from '@pg/sql';
import { builtins, formatTypeName } from '@pg/types';
import {
  type ConstraintHost,
  foreignKeyTypesCompatible,
  validateForeignKey,
} from './constraints.js';
import { EngineError } from './result.js';

// biome-ignore lint/suspicious/noExplicitAny: libpg-query's JSON parse tree
type PNode = any;

/** What ALTER TABLE's deeper forms need from the session. */
export interface AlterTableHost extends ConstraintHost {
  /** The statement's catalog transaction. */
  txn(): CatalogTxn;
  /** The HeapWriter of this transaction's current command (the rewrite's new tuples). */
  writer(): HeapWriter;
  /** The oldest xmin any running transaction or snapshot may still need (index builds). */
  oldestXmin(): TransactionId;
  /** The statement's text (error positions). */
  readonly source: string;
  /** ALTER SEQUENCE seq AS type, for an identity column's sequence. */
  alterSequenceType(seqOid: number, typeName: PNode): void;
}

const SYSTEM_COLUMNS: ReadonlySet<string> = new Set([
  'ctid',
  'xmin',
  'cmin',
  'xmax',
  'cmax',
  'tableoid',
]);

const TEXT = 25;
const VARCHAR = 1043;
const BPCHAR = 1042;
const NUMERIC = 1700;

/** Collations by name (the ones this engine has). */
const COLLATIONS: ReadonlyMap<string, number> = new Map([
  ['default', 100],
  ['C', 950],
  ['POSIX', 951],
]);

/** format_type_with_typemod for the hint: `character varying(5)`, `numeric(10,2)`, `integer[]`. */
function typeWithTypmod(oid: number, typmod: number): string {
  const t = builtins.type(oid);
  if (t !== undefined && t.category === 'A' && t.elemOid !== 0)
    return `${typeWithTypmod(t.elemOid, typmod)}[]`;
  const name = formatTypeName(builtins, oid) ?? String(oid);
  if (typmod < 0) return name;
  if (oid === VARCHAR || oid === BPCHAR) return `${name}(${typmod - 4})`;
  if (oid === NUMERIC) {
    const p = ((typmod - 4) >> 16) & 0xffff;
    const s = (((typmod - 4) & 0x7ff) ^ 1024) - 1024;
    return `numeric(${p},${s})`;
  }
  return name;
}

function typeName(oid: number): string {
  return formatTypeName(builtins, oid) ?? String(oid);
}

/** Every Var of an analyzed expression (its attnums: the columns it reads). */
function varAttnums(e: unknown, out = new Set<number>()): Set<number> {
  if (Array.isArray(e)) {
    for (const x of e) varAttnums(x, out);
    return out;
  }
  if (typeof e !== 'object' || e === null) return out;
  const o = e as Record<string, unknown>;
  if (o.kind === 'var' && typeof o.attnum === 'number' && (o.levelsUp ?? 0) === 0)
    out.add(o.attnum);
  for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) varAttnums(v, out);
  return out;
}

/** An expression stored as text (a default, a generation expression, a CHECK) analyzed over `table`. */
function analyzeStored(
  host: AlterTableHost,
  text: string,
  table: RelationDesc,
  column?: ColumnDesc,
) {
  const [stmt] = parse(`SELECT ${text}`);
  const node = stmt?.node?.SelectStmt?.targetList?.[0]?.ResTarget?.val;
  if (stmt === undefined || node === undefined)
    throw new EngineError('XX000', `invalid stored expression "${text}"`);
  try {
    return analyzeExpression(node, host.view(), {
      relation: table,
      source: stmt.source,
      typeContext: host.typeContext(),
      ...(column !== undefined ? { column } : {}),
    });
  } catch (e) {
    // a position in the stored text is no position in the statement
    if (!(e instanceof PositionedSqlError) || e.code === '42804') throw e;
    throw new EngineError(e.code, e.message, {
      ...(e.detail !== undefined ? { detail: e.detail } : {}),
      ...(e.hint !== undefined ? { hint: e.hint } : {}),
    });
  }
}

// ------------------------------------------------------------ ALTER COLUMN TYPE

/** One prepared ALTER COLUMN ... TYPE subcommand. */
export interface AlterColumnTypePlan {
  readonly column: ColumnDesc;
  readonly typeOid: number;
  readonly typmod: number;
  readonly collation: number | undefined;
  /** The new value, over the old row (undefined: binary coercible, the stored value stays). */
  readonly transform: Expr | undefined;
  /** An identity column: the type name its sequence takes (ALTER SEQUENCE ... AS). */
  readonly identityType?: PNode;
}

/** The type of the column as `column` expects it, for assignment coercion. */
function retyped(c: ColumnDesc, typeOid: number, typmod: number): ColumnDesc {
  const { defaultExpr: _d, ...rest } = c;
  return { ...rest, typeOid, typmod, hasDefault: false };
}

/** The column's value coerced to `target` by assignment rules; undefined when no coercion exists. */
function columnCoerced(
  host: AlterTableHost,
  desc: RelationDesc,
  column: ColumnDesc,
  target: ColumnDesc,
): Expr | undefined {
  const node = { ColumnRef: { fields: [{ String: { sval: column.name } }], location: -1 } };
  try {
    return analyzeExpression(node, host.view(), {
      relation: desc,
      source: host.source,
      typeContext: host.typeContext(),
      column: target,
    });
  } catch (e) {
    if (e instanceof PositionedSqlError && e.code === '42804') return undefined;
    throw e;
  }
}

/** ATColumnChangeRequiresRewrite for a plain column (no USING): the stored bytes are already valid. */
function binaryCoercible(from: ColumnDesc, typeOid: number, typmod: number): boolean {
  const varlenaText = (t: number) => t === TEXT || t === VARCHAR;
  if (from.typeOid === typeOid && typmod === from.typmod) return true;
  if (typeOid === TEXT && varlenaText(from.typeOid)) return true;
  if (typeOid === VARCHAR && varlenaText(from.typeOid))
    return typmod < 0 || (from.typeOid === VARCHAR && from.typmod >= 0 && typmod >= from.typmod);
  if (typeOid === NUMERIC && from.typeOid === NUMERIC) return typmod < 0;
  return false;
}

/**
 * ATPrepAlterColumnType (and the checks of ATExecAlterColumnType that
 * need no change yet): one subcommand against the table as it is.
 */
export function prepareAlterColumnType(
  host: AlterTableHost,
  desc: RelationDesc,
  cmd: PNode,
  earlier: readonly AlterColumnTypePlan[],
): AlterColumnTypePlan {
  const name = String(cmd.name);
  const def = cmd.def?.ColumnDef ?? {};
  // ATSimplePermissions: tables only
  if (desc.kind !== 'r')
    throw new EngineError(
      '42809',
      `ALTER action ALTER COLUMN ... SET DATA TYPE cannot be performed on relation "${desc.name}"`,
      {
        detail: `This operation is not supported for ${KIND_PLURAL[desc.kind] ?? 'this kind of relation'}.`,
      },
    );
  if (SYSTEM_COLUMNS.has(name))
    throw new EngineError('0A000', `cannot alter system column "${name}"`);
  const column = desc.columns.find((c) => c.name === name && !c.dropped);
  if (column === undefined)
    throw new EngineError('42703', `column "${name}" of relation "${desc.name}" does not exist`);
  const using: PNode | undefined = def.raw_default;
  if (column.generated !== undefined && using !== undefined)
    throw new EngineError('42611', 'cannot specify USING when altering type of generated column', {
      detail: `Column "${name}" is a generated column.`,
    });
  // (PostgreSQL reports no position for the type of ALTER COLUMN TYPE)
  const { oid: typeOid, typmod } = resolveTypeName(def.typeName, builtins);
  let collation: number | undefined;
  if (def.collClause !== undefined) {
    const cname = (def.collClause.collname ?? []).map((n: PNode) => String(n.String?.sval));
    const last = String(cname.at(-1));
    const coll = COLLATIONS.get(last);
    if (coll === undefined)
      throw new EngineError('42704', `collation "${last}" for encoding "UTF8" does not exist`);
    // collatable: the string category (text, varchar, bpchar, name)
    if (builtins.type(typeOid)?.category !== 'S')
      throw new EngineError('42804', `collations are not supported by type ${typeName(typeOid)}`);
    collation = coll;
  }
  // an identity column's sequence follows its type (ALTER SEQUENCE ... AS)
  if (column.identity !== undefined && ![20, 21, 23].includes(typeOid))
    throw new EngineError('22023', 'identity column type must be smallint, integer, or bigint');
  // the transform: USING, the generation expression, or the column itself; assignment coercion
  const target = retyped(column, typeOid, typmod);
  const scope = {
    relation: desc,
    source: host.source,
    typeContext: host.typeContext(),
  };
  let transform: Expr | undefined;
  if (using !== undefined) {
    analyzeExpression(using, host.view(), { ...scope, exprKind: 'USING' });
    try {
      transform = analyzeExpression(using, host.view(), {
        ...scope,
        exprKind: 'USING',
        column: target,
      });
    } catch (e) {
      if (!(e instanceof PositionedSqlError && e.code === '42804')) throw e;
      throw new EngineError(
        '42804',
        `result of USING clause for column "${name}" cannot be cast automatically to type ${typeName(typeOid)}`,
        { hint: 'You might need to add an explicit cast.' },
      );
    }
  } else if (column.generated !== undefined && column.defaultExpr !== undefined) {
    transform = analyzeStored(host, column.defaultExpr, desc, target);
  } else if (!binaryCoercible(column, typeOid, typmod)) {
    transform = columnCoerced(host, desc, column, target);
    if (transform === undefined)
      throw new EngineError(
        '42804',
        `column "${name}" cannot be cast automatically to type ${typeName(typeOid)}`,
        { hint: `You might need to specify "USING ${name}::${typeWithTypmod(typeOid, typmod)}".` },
      );
  }
  // ATExecAlterColumnType: the default (an expression of the old type) must convert by assignment
  if (
    column.generated === undefined &&
    column.defaultExpr !== undefined &&
    columnCoerced(host, desc, column, target) === undefined
  )
    throw new EngineError(
      '42804',
      `default for column "${name}" cannot be cast automatically to type ${typeName(typeOid)}`,
    );
  // what depends on the column: views refuse, generated columns refuse
  const catalog = host.catalog;
  const views = catalog.dependentViews(desc.oid, column.attnum);
  const view = views[0] === undefined ? undefined : catalog.relation(views[0]);
  if (view !== undefined) {
    throw new EngineError('0A000', 'cannot alter type of a column used by a view or rule', {
      detail: `rule _RETURN on ${view.kind === 'm' ? 'materialized view' : 'view'} ${view.name} depends on column "${name}"`,
    });
  }
  for (const g of desc.columns) {
    if (g.dropped || g.generated === undefined || g.defaultExpr === undefined) continue;
    if (g.attnum === column.attnum) continue;
    if (varAttnums(analyzeStored(host, g.defaultExpr, desc)).has(column.attnum))
      throw new EngineError('0A000', 'cannot alter type of a column used by a generated column', {
        detail: `Column "${name}" is used by generated column "${g.name}".`,
      });
  }
  if (desc.indexes.some((ix) => ix.am !== 'btree' && ix.columns.includes(column.attnum)))
    throw new EngineError(
      '0A000',
      `ALTER TYPE of a column in a ${desc.indexes.find((ix) => ix.am !== 'btree')?.am} index is not supported yet`,
    );
  // the foreign keys on either side stay implementable (ATAddForeignKeyConstraint's check)
  const newType = (table: number, attnum: number): number => {
    if (table === desc.oid && attnum === column.attnum) return typeOid;
    const p = earlier.find((x) => table === desc.oid && x.column.attnum === attnum);
    if (p !== undefined) return p.typeOid;
    return catalog.mustRelation(table).columns[attnum - 1]?.typeOid ?? 0;
  };
  const fks = [
    ...catalog.constraintsOf(desc.oid).filter((c) => c.type === 'f'),
    ...catalog.referencingConstraints(desc.oid).filter((c) => c.table !== desc.oid),
  ];
  for (const fk of fks) {
    const refTable = fk.refTable as number;
    const refCols = fk.refColumns ?? [];
    const touches =
      (fk.table === desc.oid && fk.columns.includes(column.attnum)) ||
      (refTable === desc.oid && refCols.includes(column.attnum));
    if (!touches) continue;
    fk.columns.forEach((a, i) => {
      const r = refCols[i] as number;
      const ft = newType(fk.table, a);
      const pt = newType(refTable, r);
      if (!foreignKeyTypesCompatible(ft, pt)) {
        const fkName = catalog.mustRelation(fk.table).columns[a - 1]?.name ?? '';
        const pkName = catalog.mustRelation(refTable).columns[r - 1]?.name ?? '';
        throw new EngineError(
          '42804',
          `foreign key constraint "${fk.name}" cannot be implemented`,
          {
            detail: `Key columns "${fkName}" and "${pkName}" are of incompatible types: ${typeName(ft)} and ${typeName(pt)}.`,
          },
        );
      }
    });
  }
  if (
    transform !== undefined &&
    earlier.some((p) => p.column.attnum === column.attnum && p.transform !== undefined)
  )
    throw new EngineError('0A000', `cannot alter type of column "${name}" twice`);
  return {
    column,
    typeOid,
    typmod,
    collation,
    transform,
    ...(column.identity !== undefined ? { identityType: def.typeName } : {}),
  };
}

/**
 * The catalog change and the one rewrite for every ALTER COLUMN TYPE of a
 * statement (ATExecAlterColumnType for each, then ATRewriteTables).
 */
export async function executeAlterColumnTypes(
  host: AlterTableHost,
  tableOid: number,
  plans: readonly AlterColumnTypePlan[],
): Promise<void> {
  if (plans.length === 0) return;
  const catalog = host.catalog;
  const txn = host.txn();
  const old = catalog.mustRelation(tableOid);
  const oldHeap = catalog.openTable(tableOid).heap;
  const rewrite = plans.some((p) => p.transform !== undefined);
  // the conversions, compiled over the old row
  const converters = plans.flatMap((p) =>
    p.transform === undefined
      ? []
      : [{ attnum: p.column.attnum, name: p.column.name, f: compileExpr(p.transform, builtins) }],
  );
  for (const p of plans) {
    alterColumnType(
      catalog,
      txn,
      tableOid,
      p.column.attnum,
      {
        typeOid: p.typeOid,
        typmod: p.typmod,
        ...(p.collation !== undefined ? { collation: p.collation } : {}),
      },
      { keepMissing: !rewrite },
    );
  }
  for (const p of plans) {
    if (p.identityType === undefined) continue;
    const seq = catalog.ownedSequences(tableOid, p.column.attnum)[0];
    if (seq !== undefined) host.alterSequenceType(seq, p.identityType);
  }
  // expression keys over a changed column take their expression's new type
  const changedCols = new Set(plans.map((p) => p.column.attnum));
  const retypedTable = catalog.mustRelation(tableOid);
  for (const ix of retypedTable.indexes) {
    if (ix.expressions === undefined) continue;
    let k = 0;
    ix.columns.forEach((a, i) => {
      if (a !== 0) return;
      const x = ix.expressions?.[k++];
      if (x === undefined) return;
      const e = analyzeStored(host, x.text, retypedTable);
      if (![...varAttnums(e)].some((v) => changedCols.has(v))) return;
      if (e.type === x.typeOid && e.typmod === x.typmod) return;
      alterIndexColumnType(catalog, txn, ix, i + 1, { typeOid: e.type, typmod: e.typmod });
    });
  }
  txn.commandCounterIncrement();
  const desc = catalog.mustRelation(tableOid);
  if (rewrite) {
    const env = host.env();
    // new, empty files (TRUNCATE's swap); the old heap, opened before, still reads the old ones
    catalog.truncate(tableOid);
    const heap = catalog.openTable(tableOid).heap;
    let batch: unknown[][] = [];
    const flush = () => {
      if (batch.length > 0) heapMultiInsert(heap, batch, host.writer());
      batch = [];
    };
    for (const row of oldHeap.scan(txn.snapshot(), txn.ctx)) {
      const values = desc.columns.map((_, i) => row.values[i] ?? null);
      for (const c of converters) {
        const v = c.f(row.values, env);
        values[c.attnum - 1] = v === undefined ? null : v;
      }
      for (const c of desc.columns) {
        if (c.notNull && !c.dropped && values[c.attnum - 1] === null)
          throw new EngineError(
            '23502',
            `column "${c.name}" of relation "${desc.name}" contains null values`,
          );
      }
      batch.push(values);
      if (batch.length >= 1000) flush();
    }
    flush();
    txn.commandCounterIncrement();
    clearMissing(catalog, txn, tableOid);
    const evalEnv = host.env();
    reindexRelation(catalog, txn, tableOid, {
      oldestXmin: host.oldestXmin(),
      ctx: txn.ctx,
      entryOf: (table: RelationDesc, ix: IndexDesc) => {
        if (ix.expressions === undefined && ix.predicate === undefined) return undefined;
        const f = indexEntryOf(table, ix, builtins);
        return (values) => f(values, evalEnv);
      },
    });
  }
  // CHECK constraints re-checked (their text re-analyzed against the new types)
  const changed = new Set(plans.map((p) => p.column.attnum));
  for (const c of catalog.constraintsOf(tableOid)) {
    if (c.type !== 'c' || c.check === undefined) continue;
    const test = compileExpr(analyzeStored(host, c.check, desc), builtins);
    if (!rewrite) continue;
    if (![...varAttnums(analyzeStored(host, c.check, desc))].some((a) => changed.has(a))) continue;
    const env = host.env();
    for (const row of host.rows(tableOid)) {
      if (test(row, env) === false)
        throw new EngineError(
          '23514',
          `check constraint "${c.name}" of relation "${desc.name}" is violated by some row`,
        );
    }
  }
  // foreign keys on either side re-validated when their keys changed
  if (rewrite) {
    const fks = [
      ...catalog.constraintsOf(tableOid).filter((c) => c.type === 'f'),
      ...catalog.referencingConstraints(tableOid).filter((c) => c.table !== tableOid),
    ];
    for (const fk of fks) {
      const touches =
        (fk.table === tableOid && fk.columns.some((a) => changed.has(a))) ||
        (fk.refTable === tableOid && (fk.refColumns ?? []).some((a) => changed.has(a)));
      if (touches && fk.validated) await validateForeignKey(host, fk);
    }
  }
  void old;
}

// ------------------------------------------------------------ SET SCHEMA

/** The relation kinds each ALTER ... SET SCHEMA form accepts (RangeVarCallbackForAlterRelation). */
/** errdetail_relkind_not_supported's words. */
const KIND_PLURAL: Readonly<Record<string, string>> = {
  v: 'views',
  m: 'materialized views',
  i: 'indexes',
  c: 'composite types',
  f: 'foreign tables',
  p: 'partitioned tables',
  t: 'TOAST tables',
  S: 'sequences',
};

const KIND_WORDS: Readonly<Record<string, { kinds: string; word: string }>> = {
  OBJECT_VIEW: { kinds: 'v', word: 'a view' },
  OBJECT_MATVIEW: { kinds: 'm', word: 'a materialized view' },
  OBJECT_SEQUENCE: { kinds: 'S', word: 'a sequence' },
};

/** The command tag of ALTER ... SET SCHEMA. */
export function setSchemaTag(objectType: string): string {
  switch (objectType) {
    case 'OBJECT_VIEW':
      return 'ALTER VIEW';
    case 'OBJECT_MATVIEW':
      return 'ALTER MATERIALIZED VIEW';
    case 'OBJECT_SEQUENCE':
      return 'ALTER SEQUENCE';
    default:
      return 'ALTER TABLE';
  }
}

/**
 * AlterTableNamespace: checks (the relation kind for the form, the target
 * schema exists and is not a temporary or TOAST schema, no relation of the
 * name there) and moves the relation. Returns without change when the
 * relation is already there.
 */
export function setRelationSchema(
  host: { readonly catalog: Catalog; txn(): CatalogTxn },
  desc: RelationDesc,
  objectType: string,
  newSchema: string,
): void {
  const catalog = host.catalog;
  const want = KIND_WORDS[objectType];
  if (want !== undefined && !want.kinds.includes(desc.kind))
    throw new EngineError('42809', `"${desc.name}" is not ${want.word}`);
  if (desc.kind === 'i' || desc.kind === 'c' || desc.kind === 't')
    throw new EngineError('42809', `cannot move "${desc.name}" to another schema`); // not reachable from SQL forms
  if (desc.kind === 'S') {
    const owner = catalog.sequenceOwner(desc.oid);
    if (owner !== undefined) {
      const t = catalog.mustRelation(owner.table);
      throw new EngineError('0A000', 'cannot move an owned sequence into another schema', {
        detail: `Sequence "${desc.name}" is linked to table "${t.name}".`,
      });
    }
  }
  const nsp = catalog.namespaceOid(newSchema);
  if (nsp === undefined) throw new EngineError('3F000', `schema "${newSchema}" does not exist`);
  // CheckSetNamespace
  const temp = (n: string) => n.startsWith('pg_temp') || n.startsWith('pg_toast_temp');
  if (temp(newSchema) || temp(desc.namespaceName) || desc.persistence === 't')
    throw new EngineError('0A000', 'cannot move objects into or out of temporary schemas');
  if (newSchema === 'pg_toast' || desc.namespaceName === 'pg_toast')
    throw new EngineError('0A000', 'cannot move objects into or out of TOAST schema');
  if (nsp === desc.namespaceOid) return;
  if (catalog.relnameRelid(desc.name, nsp) !== undefined)
    throw new EngineError(
      '42P07',
      `relation "${desc.name}" already exists in schema "${newSchema}"`,
    );
  // a view's query names its relations by schema-qualified text here (not by OID as in
  // PostgreSQL): moving a relation a view reads would leave the view naming the old place
  const reader = catalog.dependentViews(desc.oid)[0];
  if (reader !== undefined)
    throw new EngineError(
      '0A000',
      `SET SCHEMA of "${desc.name}", which view "${catalog.relation(reader)?.name ?? reader}" reads, is not supported yet`,
    );
  setRelationNamespace(catalog, host.txn(), desc.oid, nsp);
}

/** What ALTER ... SET SCHEMA needs from the session. */
export interface SetSchemaHost {
  readonly catalog: Catalog;
  txn(): CatalogTxn;
  /** The relation named by a RangeVar (42P01 unless `missingOk`). */
  resolve(rv: PNode, missingOk: boolean): number | undefined;
  /** AccessExclusiveLock on the relation (lock_timeout honoured). */
  lock(oid: number): Promise<void>;
  notice(message: string): void;
}

/** ALTER TABLE / VIEW / MATERIALIZED VIEW / SEQUENCE [IF EXISTS] name SET SCHEMA s; the command tag. */
export async function alterObjectSchema(host: SetSchemaHost, body: PNode): Promise<string> {
  const objectType = String(body.objectType);
  if (!['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE'].includes(objectType))
    throw new EngineError(
      '0A000',
      `ALTER ${objectType.replace('OBJECT_', '')} ... SET SCHEMA is not supported yet`,
    );
  const tag = setSchemaTag(objectType);
  const oid = host.resolve(body.relation, body.missing_ok === true);
  if (oid === undefined) {
    host.notice(`relation "${String(body.relation?.relname)}" does not exist, skipping`);
    return tag;
  }
  await host.lock(oid);
  setRelationSchema(host, host.catalog.mustRelation(oid), objectType, String(body.newschema));
  return tag;
}

// ------------------------------------------------------------ SET LOGGED / UNLOGGED

/** ATPrepCmd's refusal of a second SET LOGGED / UNLOGGED in one statement (before any change). */
export function checkPersistenceOnce(cmds: readonly PNode[]): void {
  const n = cmds.filter((c) =>
    ['AT_SetLogged', 'AT_SetUnLogged'].includes(String(c?.AlterTableCmd?.subtype)),
  ).length;
  if (n > 1) throw new EngineError('42601', 'cannot change persistence setting twice');
}

/**
 * ATPrepChangePersistence, then the rewrite: SET LOGGED refuses a table
 * with a foreign key to an unlogged table; SET UNLOGGED a table a logged
 * table references (self-references aside), both 42P16 in PostgreSQL's
 * words. Then relpersistence changes (table, indexes, TOAST) and the
 * table is rewritten into new files (VACUUM FULL's copy: WAL-logged
 * full pages for a logged table, init forks for an unlogged one), its
 * indexes rebuilt with it.
 */
export function setTablePersistence(
  host: AlterTableHost,
  desc: RelationDesc,
  logged: boolean,
): void {
  const catalog = host.catalog;
  const action = logged ? 'SET LOGGED' : 'SET UNLOGGED';
  if (desc.kind === 'S')
    throw new EngineError('0A000', `ALTER SEQUENCE ... ${action} is not supported yet`);
  if (desc.kind !== 'r')
    throw new EngineError(
      '42809',
      `ALTER action ${action} cannot be performed on relation "${desc.name}"`,
      {
        detail: `This operation is not supported for ${KIND_PLURAL[desc.kind] ?? 'this kind of relation'}.`,
      },
    );
  if (desc.persistence === 't')
    throw new EngineError(
      '42P16',
      `cannot change logged status of table "${desc.name}" because it is temporary`,
    );
  const want = logged ? 'p' : 'u';
  if (desc.persistence === want) return;
  if (logged) {
    for (const fk of catalog.constraintsOf(desc.oid)) {
      if (fk.type !== 'f' || fk.refTable === desc.oid) continue;
      const ref = catalog.mustRelation(fk.refTable as number);
      if (ref.persistence !== 'p')
        throw new EngineError(
          '42P16',
          `could not change table "${desc.name}" to logged because it references unlogged table "${ref.name}"`,
        );
    }
  } else {
    for (const fk of catalog.referencingConstraints(desc.oid)) {
      if (fk.table === desc.oid) continue;
      const from = catalog.mustRelation(fk.table);
      if (from.persistence === 'p')
        throw new EngineError(
          '42P16',
          `could not change table "${desc.name}" to unlogged because it references logged table "${from.name}"`,
        );
    }
  }
  const txn = host.txn();
  setRelationPersistence(catalog, txn, desc.oid, want);
  const evalEnv = host.env();
  rewriteTable(catalog, txn, desc.oid, {
    oldestXmin: host.oldestXmin(),
    ctx: txn.ctx,
    entryOf: (table: RelationDesc, ix: IndexDesc) => {
      if (ix.expressions === undefined && ix.predicate === undefined) return undefined;
      const f = indexEntryOf(table, ix, builtins);
      return (values) => f(values, evalEnv);
    },
  });
}
