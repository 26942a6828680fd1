/**
 * The catalog side of ALTER TABLE's deeper forms (PostgreSQL 15's
 * commands/tablecmds.c ATExecAlterColumnType, AlterTableNamespace /
 * AlterRelationNamespaceInternal, ATExecSetRelationPersistence): the
 * pg_attribute, pg_class, pg_type, pg_index and pg_constraint rows they
 * change. The data (a table rewrite, the checks) is the engine's
 * (packages/engine/src/internal/alter-table.ts); the caller holds
 * AccessExclusiveLock on the relation.
 *
 * Each function updates rows in the caller's transaction, registers the
 * relcache invalidations and ends with a CommandCounterIncrement, so the
 * next read of the transaction sees the new definition.
 */
import { builtins, quoteIdent, SqlError } from '@pg/types';
import type { Catalog } from './catalog.js';
import {
  BTREE_DEFAULT_OPCLASS,
  NamespaceRelationId,
  RelationRelationId,
  TypeRelationId,
} from './consts.js';
import type { IndexDesc, RelPersistence } from './desc.js';
import { keyCollation, typeCollation } from './rows.js';
import { forgetStatistics } from './statistics.js';
import type { CatalogTable } from './table.js';
import type { CatalogTxn } from './txn.js';
import { indexColumnShape, typeByOid } from './types.js';

function table(catalog: Catalog, name: string): CatalogTable {
  const t = catalog.cluster.tables(catalog.dbOid).get(name);
  if (t === undefined) throw new Error(`no catalog ${name}`);
  return t;
}

function update(
  catalog: Catalog,
  txn: CatalogTxn,
  name: string,
  row: { readonly tid: { block: number; offset: number }; readonly values: readonly unknown[] },
  changes: Readonly<Record<string, unknown>>,
): void {
  const t = table(catalog, name);
  const values = [...row.values];
  for (const [k, v] of Object.entries(changes)) values[t.col(k)] = v;
  t.update(row.tid, values, txn);
}

function invalidate(catalog: Catalog, txn: CatalogTxn, oid: number): void {
  catalog.cluster.registerInvalidation(txn.key, catalog, catalog.dbOid, oid);
}

/** The pg_attribute columns that follow a column's type. */
function typeColumns(typeOid: number, typmod: number, collation: number | undefined) {
  const type = typeByOid(typeOid);
  if (type === undefined) throw new SqlError('42704', `type with OID ${typeOid} does not exist`);
  return {
    atttypid: typeOid,
    atttypmod: typmod,
    attlen: type.len,
    attbyval: type.byVal,
    attalign: type.align,
    attstorage: type.storage,
    attndims: builtins.type(typeOid)?.category === 'A' ? 1 : 0,
    attcollation: collation ?? typeCollation(typeOid),
  };
}

/**
 * ATExecAlterColumnType's catalog part: the column's pg_attribute row
 * gets the new type (atttypid, atttypmod, attlen, attbyval, attalign,
 * attstorage, attndims, attcollation), its missing value goes (the table
 * is rewritten) unless `keepMissing` (a binary-coercible change), its
 * statistics go (RemoveStatistics); every index whose key is the column
 * follows: its own pg_attribute row and, for a B-tree, pg_index.indclass
 * and indcollation (the new type's default operator class).
 */
export function alterColumnType(
  catalog: Catalog,
  txn: CatalogTxn,
  tableOid: number,
  attnum: number,
  type: { readonly typeOid: number; readonly typmod: number; readonly collation?: number },
  options: { readonly keepMissing?: boolean } = {},
): void {
  const att = table(catalog, 'pg_attribute');
  const row = att.lookupOne('pg_attribute_relid_attnum_index', [tableOid, attnum], txn);
  if (row === undefined)
    throw new SqlError(
      'XX000',
      `cache lookup failed for attribute ${attnum} of relation ${tableOid}`,
    );
  update(catalog, txn, 'pg_attribute', row, {
    ...typeColumns(type.typeOid, type.typmod, type.collation),
    // a binary-coercible change keeps the missing value (its bytes are valid for the new type)
    ...(options.keepMissing === true ? {} : { atthasmissing: false, attmissingval: null }),
  });
  forgetStatistics(catalog, txn, tableOid, attnum);
  const desc = catalog.mustRelation(tableOid);
  for (const ix of desc.indexes) {
    ix.columns.forEach((a, i) => {
      if (a === attnum) alterIndexColumnType(catalog, txn, ix, i + 1, type);
    });
  }
  invalidate(catalog, txn, tableOid);
  txn.commandCounterIncrement();
}

/**
 * An index's key column `position` (1-based) takes a new type: its
 * pg_attribute row and, for a B-tree, pg_index.indclass / indcollation
 * (the new type's default operator class). For a column key or an
 * expression key whose type changed with its table's column.
 */
export function alterIndexColumnType(
  catalog: Catalog,
  txn: CatalogTxn,
  index: Pick<IndexDesc, 'oid' | 'am'>,
  position: number,
  type: { readonly typeOid: number; readonly typmod: number; readonly collation?: number },
): void {
  const att = table(catalog, 'pg_attribute');
  const ir = att.lookupOne('pg_attribute_relid_attnum_index', [index.oid, position], txn);
  if (ir !== undefined) {
    const shape = indexColumnShape(type.typeOid);
    update(catalog, txn, 'pg_attribute', ir, {
      ...typeColumns(shape.oid, type.typmod, type.collation),
      attlen: shape.len,
      attbyval: shape.byVal,
      attalign: shape.align,
      attstorage: shape.storage,
    });
  }
  const ixt = table(catalog, 'pg_index');
  const xr = ixt.lookupOne('pg_index_indexrelid_index', [index.oid], txn);
  if (index.am === 'btree' && xr !== undefined) {
    const indclass = [...(xr.values[ixt.col('indclass')] as number[])];
    const indcollation = [...(xr.values[ixt.col('indcollation')] as number[])];
    const i = position - 1;
    if (i < indclass.length) {
      indclass[i] = BTREE_DEFAULT_OPCLASS.get(type.typeOid) ?? 0;
      indcollation[i] = type.collation ?? keyCollation(type.typeOid);
      update(catalog, txn, 'pg_index', xr, { indclass, indcollation });
    }
  }
  invalidate(catalog, txn, index.oid);
}

/**
 * RelationClearMissing: after a rewrite every row has every column, so no
 * attribute of the table keeps a missing value.
 */
export function clearMissing(catalog: Catalog, txn: CatalogTxn, tableOid: number): void {
  const att = table(catalog, 'pg_attribute');
  for (const r of att.lookup('pg_attribute_relid_attnum_index', [tableOid], txn)) {
    if (r.values[att.col('atthasmissing')] !== true) continue;
    update(catalog, txn, 'pg_attribute', r, { atthasmissing: false, attmissingval: null });
  }
  invalidate(catalog, txn, tableOid);
  txn.commandCounterIncrement();
}

/**
 * AlterTableNamespace's catalog part (AlterRelationNamespaceInternal,
 * AlterIndexNamespaces, AlterSeqNamespaces, AlterConstraintNamespaces,
 * AlterTypeNamespaceInternal): the relation, its row type and that
 * type's array type, its indexes, the sequences its columns own and its
 * constraints move to `nspOid`. The caller checks the target schema
 * (CheckSetNamespace) and that no relation of the name is there.
 */
export function setRelationNamespace(
  catalog: Catalog,
  txn: CatalogTxn,
  oid: number,
  nspOid: number,
): void {
  const cls = table(catalog, 'pg_class');
  const type = table(catalog, 'pg_type');
  const dep = table(catalog, 'pg_depend');
  // changeDependencyFor: the object's dependency on its schema follows it
  const moveDependency = (classid: number, objid: number, oldNsp: number): void => {
    for (const d of dep.lookup('pg_depend_depender_index', [classid, objid], txn)) {
      if (d.values[dep.col('refclassid')] !== NamespaceRelationId) continue;
      if (d.values[dep.col('refobjid')] !== oldNsp) continue;
      update(catalog, txn, 'pg_depend', d, { refobjid: nspOid });
    }
  };
  const moveRelation = (relOid: number): void => {
    const r = cls.lookupOne('pg_class_oid_index', [relOid], txn);
    if (r === undefined) throw new SqlError('XX000', `cache lookup failed for relation ${relOid}`);
    const oldNsp = r.values[cls.col('relnamespace')] as number;
    if (oldNsp === nspOid) return;
    update(catalog, txn, 'pg_class', r, { relnamespace: nspOid });
    moveDependency(RelationRelationId, relOid, oldNsp);
    const rowtype = r.values[cls.col('reltype')] as number;
    if (rowtype !== 0) {
      const tr = type.lookupOne('pg_type_oid_index', [rowtype], txn);
      if (tr !== undefined) {
        update(catalog, txn, 'pg_type', tr, { typnamespace: nspOid });
        moveDependency(TypeRelationId, rowtype, oldNsp);
        const arr = tr.values[type.col('typarray')] as number;
        const ar = arr === 0 ? undefined : type.lookupOne('pg_type_oid_index', [arr], txn);
        if (ar !== undefined) {
          update(catalog, txn, 'pg_type', ar, { typnamespace: nspOid });
          moveDependency(TypeRelationId, arr, oldNsp);
        }
      }
    }
    invalidate(catalog, txn, relOid);
  };
  const desc = catalog.mustRelation(oid);
  const nspName = catalog.namespaceName(nspOid) ?? '';
  moveRelation(oid);
  for (const ix of desc.indexes) moveRelation(ix.oid);
  const ad = table(catalog, 'pg_attrdef');
  for (const c of desc.columns) {
    if (c.dropped) continue;
    for (const seq of catalog.ownedSequences(oid, c.attnum)) {
      const seqName = catalog.mustRelation(seq).name;
      moveRelation(seq);
      // a serial's default names its sequence (adbin is SQL text here, not an OID): it follows
      const shown =
        nspName === 'public' ? seqName : `${quoteIdent(nspName)}.${quoteIdent(seqName)}`;
      for (const r of ad.lookup('pg_attrdef_adrelid_adnum_index', [oid, c.attnum], txn)) {
        const text = r.values[ad.col('adbin')] as string;
        const next = text.replace(/nextval\('((?:[^']|'')*)'::regclass\)/, (m, name: string) =>
          name.replace(/''/g, "'").split('.').at(-1)?.replace(/"/g, '') === seqName
            ? `nextval('${shown.replace(/'/g, "''")}'::regclass)`
            : m,
        );
        if (next !== text) update(catalog, txn, 'pg_attrdef', r, { adbin: next });
      }
    }
  }
  const con = table(catalog, 'pg_constraint');
  for (const r of con.lookup('pg_constraint_conrelid_contypid_conname_index', [oid, 0], txn)) {
    if (r.values[con.col('connamespace')] === nspOid) continue;
    update(catalog, txn, 'pg_constraint', r, { connamespace: nspOid });
  }
  invalidate(catalog, txn, oid);
  txn.commandCounterIncrement();
}

/**
 * ATExecSetRelationPersistence's catalog part: relpersistence of the
 * table, its indexes and its TOAST table (and the TOAST table's index).
 * The caller then rewrites the table (rewriteTable), which creates the
 * new files with the new persistence: WAL-logged for 'p', with init
 * forks for 'u'.
 */
export function setRelationPersistence(
  catalog: Catalog,
  txn: CatalogTxn,
  oid: number,
  persistence: RelPersistence,
): void {
  const cls = table(catalog, 'pg_class');
  const set = (relOid: number): void => {
    const r = cls.lookupOne('pg_class_oid_index', [relOid], txn);
    if (r === undefined) throw new SqlError('XX000', `cache lookup failed for relation ${relOid}`);
    update(catalog, txn, 'pg_class', r, { relpersistence: persistence });
    invalidate(catalog, txn, relOid);
  };
  const desc = catalog.mustRelation(oid);
  set(oid);
  for (const ix of desc.indexes) set(ix.oid);
  if (desc.toastRelid !== 0) {
    set(desc.toastRelid);
    for (const ix of catalog.mustRelation(desc.toastRelid).indexes) set(ix.oid);
  }
  txn.commandCounterIncrement();
}
