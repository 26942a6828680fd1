/**
 * One session's view of one database's catalogs: the relation cache
 * (RelationDesc by OID, with the opened Heap and BTree objects), name
 * lookup through search_path, and the DDL operations.
 *
 * Every catalog read takes a fresh catalog snapshot from the statement's
 * transaction ({@link CatalogTxn.snapshot}); every change is a heap
 * insert/update/delete of catalog rows plus their index entries, under
 * the transaction's xid, followed by CommandCounterIncrement so the next
 * step sees it.
 */

import { compareTids, type IndexAccessMethod, type Tid } from '@pg/access';
import { BTree } from '@pg/btree';
import {
  HEAP_HOT_UPDATED,
  Heap,
  type HeapRow,
  type HeapToastOptions,
  isHeapOnly,
  Toaster,
  type ToasterOptions,
  tupleCtid,
  tupleInfomask2,
} from '@pg/heap';
import { LP_NORMAL, LP_REDIRECT, Page } from '@pg/page';
import {
  createFork,
  createInitFork,
  ForkNumber,
  mainForkPages,
  type RelFileLocator,
} from '@pg/storage';
import { type AnyPgType, builtins, type Registry, SqlError } from '@pg/types';
import type { CatalogCluster, SessionHook } from './cluster.js';
import {
  deleteComments,
  deleteSharedComments,
  writeComment,
  writeSharedComment,
} from './comments.js'; // issue 9 (H): COMMENT ON
import {
  type AddConstraintOptions,
  type ConstraintInfo,
  constraintDefinition,
  type FkAction,
  type FkMatch,
} from './constraint-def.js'; // H8
import {
  AttrDefaultRelationId,
  AuthIdRelationId,
  BOOTSTRAP_SUPERUSERID,
  BTREE_AM_OID,
  ConstraintRelationId,
  DatabaseRelationId,
  DEFAULTTABLESPACE_OID,
  FIRST_NORMAL_OBJECT_ID,
  GLOBALTABLESPACE_OID,
  HEAP_TABLE_AM_OID,
  NamespaceRelationId,
  PG_CATALOG_NAMESPACE,
  PG_PUBLIC_NAMESPACE,
  PG_TOAST_NAMESPACE,
  RelationRelationId,
  RewriteRelationId,
  TypeRelationId,
} from './consts.js';
import type {
  ColumnDesc,
  IndexDesc,
  IndexExpression,
  RelationDesc,
  RelKind,
  RelPersistence,
} from './desc.js';
import {
  type CatalogNotice,
  duplicateColumn,
  duplicateSchema,
  duplicateTable,
  SYSTEM_COLUMN_NAMES,
  systemColumnName,
  undefinedColumn,
  undefinedSchema,
} from './errors.js';
import {
  amNameOfOid,
  buildIndexAm,
  INDEX_AM_OIDS,
  type IndexAmName,
  openIndexAm,
  reloption,
  resolveOpclass,
  validateReloptions,
} from './index-am.js'; // issue 12 (index AMs)
import { decodeMissing, encodeMissing } from './missing.js';
import { type BuildIndexOptions, horizonEntries } from './rewrite.js'; // issue 11: REINDEX, VACUUM FULL, CLUSTER
import {
  arrayTypeRow,
  attributeRow,
  btreeIndexRow,
  classRow,
  compositeTypeRow,
  systemAttributeRows,
} from './rows.js';
import {
  initSequenceFile,
  readSequence,
  SEQUENCE_COLUMNS,
  type SequenceParams,
  sequenceCatalogRow,
  sequenceRow,
  sequenceViewRows,
} from './sequence.js';
import type { StatViewSource } from './stat-views.js'; // issue 11 (pgstat)
import { forgetStatistics, pgStatsRows } from './statistics.js';
import type { CatalogTable } from './table.js';
import type { CatalogTxn } from './txn.js';
import { indexColumnShape, typeByOid } from './types.js';
import {
  decodeViewAction,
  rewriteRow,
  sortedReferences,
  type ViewAction,
  type ViewReference,
  viewCheckOption,
} from './view-def.js'; // issue 9 (G): views
import {
  COMPUTED_VIEWS,
  computeView,
  quoteIdent,
  type SettingRow,
  type ViewSource,
} from './views.js';

/**
 * A relation opened for the executor: its descriptor, heap and indexes (the
 * relcache's smgr references) — or, for a computed system view
 * (`desc.computed`), no heap and a `rows()` that computes its rows from the
 * catalogs with the current statement's catalog snapshot.
 */
export type OpenRelation = OpenTable | OpenComputed;

export interface OpenTable {
  readonly desc: RelationDesc;
  readonly heap: Heap;
  /** issue 12: any index AM (a BTree for btree indexes; Gin, Brin, HashIndex for the others). */
  readonly indexes: readonly { readonly desc: IndexDesc; readonly index: IndexAccessMethod }[];
  readonly rows?: undefined;
}

export interface OpenComputed {
  readonly desc: RelationDesc;
  readonly heap?: undefined;
  readonly indexes: readonly [];
  /** The view's rows, in column order, computed now. */
  rows(): Iterable<unknown[]>;
}

/** What the analyzer resolves names through (@pg/sql's CatalogView, structurally). */
export interface CatalogView {
  readonly registry: Registry;
  readonly searchPath: readonly string[];
  lookupRelation(schema: string | undefined, name: string): RelationDesc | undefined;
  currentUser: string;
  currentDatabase: string;
}

export interface ColumnDef {
  readonly name: string;
  readonly typeOid: number;
  /** atttypmod, -1 for none. */
  readonly typmod: number;
  readonly notNull: boolean;
  /** The default as SQL text, stored in pg_attrdef.adbin (we store text, not a node tree). */
  readonly defaultExpr?: string;
  /** issue 9 (H): GENERATED ALWAYS AS (defaultExpr) STORED (attgenerated 's'). */
  readonly generated?: 's';
}

export interface CreateTableOptions {
  /** The schema's name. */
  readonly namespace: string;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly persistence?: RelPersistence;
  readonly ifNotExists?: boolean;
  /** issue 9 (G): 'v' a view (no storage; add its rule with setViewRule), 'm' a materialized view; default 'r'. */
  /** WITH (...): pg_class.reloptions as `name=value` entries (validated by the caller). */
  readonly reloptions?: readonly string[];
  readonly kind?: 'r' | 'v' | 'm';
  /** issue 9 (G): a materialized view's relispopulated (default true). */
  readonly populated?: boolean;
}

export interface CreateIndexOptions {
  /** The table's OID. */
  readonly table: number;
  /** The index name; default as PostgreSQL picks it (t_pkey, t_a_key, t_a_idx, t_a_b_idx, then a number on collision). */
  readonly name?: string;
  /** The table's attnums, in key order. */
  readonly columns: readonly number[];
  readonly unique?: boolean;
  readonly primary?: boolean;
  /** Make a UNIQUE/PRIMARY KEY constraint (pg_constraint) named so (default: the index's name) — implied by primary. */
  readonly constraint?: boolean;
  readonly constraintName?: string;
  readonly ifNotExists?: boolean;
  readonly nullsNotDistinct?: boolean;
  /** DESC per key column (default ASC). */
  readonly descending?: readonly boolean[];
  /** NULLS FIRST per key column (default: NULLS LAST for ASC, NULLS FIRST for DESC). */
  readonly nullsFirst?: readonly boolean[];
  /** indnkeyatts: how many of `columns` are keys; the rest are INCLUDE columns (default: all keys). */
  readonly nkeys?: number;
  /** indexprs: one per 0 in `columns` (an expression column), in order. */
  readonly expressions?: readonly IndexExpression[];
  /** indpred: a partial index's predicate as SQL text. */
  readonly predicate?: string;
  /**
   * With expressions or a predicate: the index entry of a table row (its
   * values by attnum - 1) — the key values, or undefined when the row
   * does not satisfy the predicate (FormIndexDatum + ExecQual of the
   * predicate, which the catalog cannot evaluate itself).
   */
  readonly entryOf?: (values: readonly unknown[]) => unknown[] | undefined;
  /** The table columns the expressions and predicate read (pg_depend: DROP COLUMN drops the index). */
  readonly referencedColumns?: readonly number[];
  /** issue 12 (index AMs): USING btree (default), hash, gin or brin. */
  readonly am?: IndexAmName;
  /** issue 12: the operator class named for each key column (undefined: the type's default). */
  readonly opclassNames?: readonly (string | undefined)[];
  /** issue 12: WITH (name = value, ...); a bare name has no value. */
  readonly withOptions?: readonly { readonly name: string; readonly value: string | undefined }[];
}

/** CREATE SEQUENCE's catalog part (the caller has checked the parameters). */
export interface CreateSequenceOptions {
  readonly namespace: string;
  readonly name: string;
  readonly params: SequenceParams;
  readonly persistence?: RelPersistence;
  readonly ifNotExists?: boolean;
}

export interface DropOptions {
  readonly cascade?: boolean;
}

export interface CatalogOptions {
  readonly dbOid: number;
  /** Where NOTICEs go (`drop cascades to ...`, `... already exists, skipping`). */
  readonly onNotice?: (notice: CatalogNotice) => void;
  /** pg_settings' rows (the engine's GUCs), by column name. */
  readonly settings?: () => Iterable<SettingRow>;
  /** pg_stat_activity's rows (the engine's sessions), by column name. */
  readonly activity?: () => Record<string, unknown>[];
  /** issue 11: the cumulative statistics the pg_stat_* views read (stat-views.ts). */
  readonly pgstat?: StatViewSource;
}

/** An object address (ObjectAddress): classid, objid, objsubid. */
interface ObjectAddress {
  readonly classid: number;
  readonly objid: number;
  readonly subid: number;
}

type Row = unknown[];

const addrKey = (a: ObjectAddress) => `${a.classid}:${a.objid}:${a.subid}`;

/** The session's catalog for one database. */
export class Catalog implements SessionHook {
  readonly cluster: CatalogCluster;
  readonly dbOid: number;
  readonly #t: ReadonlyMap<string, CatalogTable>;
  readonly #relcache = new Map<number, { desc: RelationDesc; open?: OpenRelation }>();
  readonly #statsCache = new Map<number, Map<number, unknown>>();
  #seenSeq: number;
  #txn: CatalogTxn | undefined;
  #searchPath: readonly string[] = ['pg_catalog', 'public'];
  readonly #onNotice: ((n: CatalogNotice) => void) | undefined;
  readonly #settings: () => Iterable<SettingRow>;
  readonly #activity: (() => Record<string, unknown>[]) | undefined;
  readonly #pgstat: StatViewSource | undefined; // issue 11

  constructor(cluster: CatalogCluster, options: CatalogOptions) {
    this.cluster = cluster;
    this.dbOid = options.dbOid;
    this.#t = cluster.tables(options.dbOid);
    this.#seenSeq = cluster.invalidationSeq;
    this.#onNotice = options.onNotice;
    this.#settings = options.settings ?? (() => []);
    this.#activity = options.activity;
    this.#pgstat = options.pgstat; // issue 11
  }

  // ------------------------------------------------------------ statements

  /**
   * The start of a statement: accepts the invalidations other sessions
   * committed since the last one (AcceptInvalidationMessages) and makes
   * `txn` the transaction later calls read and write with.
   */
  beginStatement(txn: CatalogTxn, options: { readonly searchPath?: readonly string[] } = {}): void {
    this.#txn = txn;
    if (options.searchPath) this.#searchPath = options.searchPath;
    if (this.#seenSeq + 1 < this.cluster.oldestInvalidationSeq) {
      this.#relcache.clear(); // fell behind the log: reset everything (a sinval reset)
      this.#statsCache.clear();
    } else {
      for (const m of this.cluster.invalidationsSince(this.#seenSeq))
        if (m.dbOid === this.dbOid) {
          this.#relcache.delete(m.relOid);
          this.#statsCache.delete(m.relOid);
        }
    }
    this.#seenSeq = this.cluster.invalidationSeq;
  }

  /** SessionHook: drops cached entries (own DDL, end of own transaction). */
  invalidateLocal(relOids: Iterable<number>): void {
    for (const oid of relOids) {
      this.#relcache.delete(oid);
      this.#statsCache.delete(oid);
    }
  }

  /**
   * The decoded pg_statistic rows of one relation, by attnum (undefined:
   * never analyzed), kept until the relation's cache entry is invalidated
   * (ANALYZE, DDL, another session's commit), like PostgreSQL's syscache
   * of pg_statistic: planning a new statement text need not parse the
   * histogram's text again.
   */
  statisticsCache(relOid: number): Map<number, unknown> {
    let m = this.#statsCache.get(relOid);
    if (m === undefined) {
      m = new Map();
      this.#statsCache.set(relOid, m);
    }
    return m;
  }

  /** How many relations are cached (for tests). */
  get cachedRelations(): number {
    return this.#relcache.size;
  }

  get #x(): CatalogTxn {
    if (this.#txn === undefined)
      throw new Error('catalog used outside a statement (call beginStatement)');
    return this.#txn;
  }

  #table(name: string): CatalogTable {
    const t = this.#t.get(name);
    if (t === undefined) throw new Error(`no catalog ${name}`);
    return t;
  }

  #get(table: string, row: Row, col: string): unknown {
    return row[this.#table(table).col(col)];
  }

  #cci(): void {
    this.#x.commandCounterIncrement();
  }

  #notice(message: string, detail?: string): void {
    this.#onNotice?.({ severity: 'NOTICE', code: '00000', message, ...(detail ? { detail } : {}) });
  }

  // ------------------------------------------------------------ namespaces

  /** The OID of schema `name`, or undefined. */
  namespaceOid(name: string): number | undefined {
    if (name === 'pg_temp') {
      // issue 9 (H): the alias of this session's temporary schema (first in its search path)
      const mine = this.#searchPath.find((n) => n.startsWith('pg_temp_'));
      if (mine === undefined) return undefined;
      name = mine;
    }
    const r = this.#table('pg_namespace').lookupOne('pg_namespace_nspname_index', [name], this.#x);
    return r ? (r.values[0] as number) : undefined;
  }

  namespaceName(oid: number): string | undefined {
    const r = this.#table('pg_namespace').lookupOne('pg_namespace_oid_index', [oid], this.#x);
    return r ? (this.#get('pg_namespace', r.values, 'nspname') as string) : undefined;
  }

  /** The schemas of the search path that exist, pg_catalog first unless listed ("$user" resolved, pg_temp ignored). */
  effectiveSearchPath(searchPath: readonly string[] = this.#searchPath, user?: string): number[] {
    const out: number[] = [];
    const names = searchPath
      .map((n) => (n === '$user' ? (user ?? '') : n))
      .filter((n) => n !== '' && n !== 'pg_temp');
    if (!names.includes('pg_catalog')) out.push(PG_CATALOG_NAMESPACE);
    for (const n of names) {
      const oid = this.namespaceOid(n);
      if (oid !== undefined && !out.includes(oid)) out.push(oid);
    }
    return out;
  }

  /** CREATE SCHEMA. */
  createNamespace(
    name: string,
    options: {
      readonly ifNotExists?: boolean;
      readonly owner?: number;
      /** issue 9 (H): a session's pg_temp_N (the "pg_" prefix is then allowed). */
      readonly temp?: boolean;
    } = {},
  ): number | undefined {
    if (this.namespaceOid(name) !== undefined) {
      if (options.ifNotExists) {
        this.#notice(`schema "${name}" already exists, skipping`);
        return undefined;
      }
      throw duplicateSchema(name);
    }
    if (name.startsWith('pg_') && options.temp !== true)
      throw new SqlError('42939', `unacceptable schema name "${name}"`, {
        detail: 'The prefix "pg_" is reserved for system schemas.',
      });
    const oid = this.#newOid('pg_namespace', 'pg_namespace_oid_index');
    this.#table('pg_namespace').insert(
      this.#table('pg_namespace').row({
        oid,
        nspname: name,
        nspowner: options.owner ?? BOOTSTRAP_SUPERUSERID,
        nspacl: null,
      }),
      this.#x,
    );
    this.#cci();
    return oid;
  }

  /** DROP SCHEMA [CASCADE]. */
  dropNamespace(name: string, options: DropOptions & { readonly ifExists?: boolean } = {}): void {
    const oid = this.namespaceOid(name);
    if (oid === undefined) {
      if (options.ifExists) {
        this.#notice(`schema "${name}" does not exist, skipping`);
        return;
      }
      throw undefinedSchema(name);
    }
    if (oid < FIRST_NORMAL_OBJECT_ID && oid !== PG_PUBLIC_NAMESPACE)
      throw new SqlError(
        '2BP01',
        `cannot drop schema ${name} because it is required by the database system`,
      );
    this.#performDeletion(
      { classid: NamespaceRelationId, objid: oid, subid: 0 },
      options.cascade ?? false,
    );
  }

  // ------------------------------------------------------------ databases (shared pg_database rows)

  /** The OID of database `name` (pg_database), or undefined. */
  databaseOid(name: string): number | undefined {
    const r = this.#table('pg_database').lookupOne('pg_database_datname_index', [name], this.#x);
    return r ? (r.values[0] as number) : undefined;
  }

  /**
   * CREATE DATABASE's catalog part: a pg_database row copied from the
   * template's (encoding, locale), not a template, connections allowed.
   * The engine copies the template's files to base/<oid>/ (and refuses
   * while the template has other connections). Returns the new OID.
   */
  createDatabase(options: {
    readonly name: string;
    readonly template?: string;
    readonly owner?: number;
  }): number {
    const templateName = options.template ?? 'template1';
    const t = this.#table('pg_database');
    const tmpl = t.lookupOne('pg_database_datname_index', [templateName], this.#x);
    if (!tmpl) throw new SqlError('3D000', `template database "${templateName}" does not exist`);
    if (this.databaseOid(options.name) !== undefined)
      throw new SqlError('42P04', `database "${options.name}" already exists`);
    const oid = this.#newOid('pg_database', 'pg_database_oid_index');
    const values = [...tmpl.values];
    const set = (col: string, v: unknown) => {
      values[t.col(col)] = v;
    };
    set('oid', oid);
    set('datname', options.name);
    set('datdba', options.owner ?? BOOTSTRAP_SUPERUSERID);
    set('datistemplate', false);
    set('datallowconn', true);
    set('datacl', null);
    t.insert(values, this.#x);
    this.cluster.copyDatabase(
      this.#x.key,
      tmpl.values[0] as number,
      oid,
      this.#relationFiles(tmpl.values[0] as number),
    );
    this.#cci();
    return oid;
  }

  /** pg_database's row of `name` (oid, datallowconn, datistemplate), or undefined. */
  database(
    name: string,
  ):
    | { readonly oid: number; readonly allowConn: boolean; readonly isTemplate: boolean }
    | undefined {
    const t = this.#table('pg_database');
    const r = t.lookupOne('pg_database_datname_index', [name], this.#x);
    if (!r) return undefined;
    return {
      oid: r.values[0] as number,
      allowConn: r.values[t.col('datallowconn')] as boolean,
      isTemplate: r.values[t.col('datistemplate')] as boolean,
    };
  }

  /**
   * The relation files of database `dbOid`: every pg_class row with
   * storage there (catalogs and their indexes included), with whether it
   * is WAL-logged (relpersistence p).
   */
  #relationFiles(dbOid: number): { relNumber: number; logged: boolean }[] {
    const cls = this.cluster.tables(dbOid).get('pg_class') as CatalogTable;
    const out = new Map<number, boolean>();
    for (const r of cls.scan(this.#x)) {
      const node = r.values[cls.col('relfilenode')] as number;
      if (node === 0 || r.values[cls.col('relisshared')] === true) continue;
      out.set(node, r.values[cls.col('relpersistence')] === 'p');
    }
    return [...out].map(([relNumber, logged]) => ({ relNumber, logged }));
  }

  /** DROP DATABASE's catalog part (the engine removes base/<oid>/ after commit and refuses while others are connected). */
  dropDatabase(name: string): number {
    const t = this.#table('pg_database');
    const r = t.lookupOne('pg_database_datname_index', [name], this.#x);
    if (!r) throw new SqlError('3D000', `database "${name}" does not exist`);
    if (r.values[t.col('datistemplate')] === true)
      throw new SqlError('42809', 'cannot drop a template database');
    if (r.values[0] === this.dbOid)
      throw new SqlError('55006', 'cannot drop the currently open database');
    const oid = r.values[0] as number;
    for (const f of this.#relationFiles(oid))
      this.cluster.deleteOnCommit(this.#x.key, {
        spcOid: DEFAULTTABLESPACE_OID,
        dbOid: oid,
        relNumber: f.relNumber,
      });
    t.delete(r.tid, this.#x);
    deleteSharedComments(this.#table('pg_shdescription'), this.#x, oid, DatabaseRelationId); // issue 9 (H)
    this.#cci();
    return oid;
  }

  /** ALTER DATABASE ... RENAME TO. */
  renameDatabase(name: string, newName: string): void {
    const t = this.#table('pg_database');
    const r = t.lookupOne('pg_database_datname_index', [name], this.#x);
    if (!r) throw new SqlError('3D000', `database "${name}" does not exist`);
    if (this.databaseOid(newName) !== undefined)
      throw new SqlError('42P04', `database "${newName}" already exists`);
    if (r.values[0] === this.dbOid)
      throw new SqlError('0A000', 'current database cannot be renamed');
    this.#updateRow('pg_database', r, { datname: newName });
    this.#cci();
  }

  // ------------------------------------------------------------ extensions (pg_extension rows), issue 11 (pgstat)
  // The engine's extension DDL decides which extensions exist; these only write rows.

  /** pg_extension's row of extension `name`, by column name, or undefined. */
  extension(name: string): Record<string, unknown> | undefined {
    const t = this.#table('pg_extension');
    const r = t.lookupOne('pg_extension_name_index', [name], this.#x);
    return r ? Object.fromEntries(t.def.columns.map(([col], i) => [col, r.values[i]])) : undefined;
  }

  /** CREATE EXTENSION's catalog part: a new pg_extension row (`values` by column name). Returns the OID. */
  createExtension(values: Readonly<Record<string, unknown>>): number {
    const t = this.#table('pg_extension');
    const oid = this.#newOid('pg_extension', 'pg_extension_oid_index');
    t.insert(
      t.def.columns.map(([col]) => (col === 'oid' ? oid : (values[col] ?? null))),
      this.#x,
    );
    this.#cci();
    return oid;
  }

  /** DROP EXTENSION's catalog part: deletes extension `name`'s pg_extension row. */
  dropExtension(name: string): void {
    const t = this.#table('pg_extension');
    const r = t.lookupOne('pg_extension_name_index', [name], this.#x);
    if (!r) throw new SqlError('42704', `extension "${name}" does not exist`);
    t.delete(r.tid, this.#x);
    this.#cci();
  }

  // ------------------------------------------------------------ roles (shared pg_authid rows), issue 10 (H3)
  // The engine's role-ddl.ts decides (permissions, password hashing, errors); these only write rows.

  /** pg_authid's row of role `name`, by column name, or undefined. */
  authid(name: string): Record<string, unknown> | undefined {
    const t = this.#table('pg_authid');
    const r = t.lookupOne('pg_authid_rolname_index', [name], this.#x);
    return r ? Object.fromEntries(t.def.columns.map(([col], i) => [col, r.values[i]])) : undefined;
  }

  /** CREATE ROLE's catalog part: a new pg_authid row (`values` by column name; the OID is assigned). Returns the OID. */
  createAuthid(values: Readonly<Record<string, unknown>>): number {
    const t = this.#table('pg_authid');
    const oid = this.#newOid('pg_authid', 'pg_authid_oid_index');
    t.insert(
      t.def.columns.map(([col]) => (col === 'oid' ? oid : (values[col] ?? null))),
      this.#x,
    );
    this.#cci();
    return oid;
  }

  /** ALTER ROLE's catalog part: changes columns of role `oid`'s pg_authid row. */
  updateAuthid(oid: number, changes: Readonly<Record<string, unknown>>): void {
    const r = this.#table('pg_authid').lookupOne('pg_authid_oid_index', [oid], this.#x);
    if (!r) throw new SqlError('XX000', `cache lookup failed for role ${oid}`);
    this.#updateRow('pg_authid', r, changes);
    this.#cci();
  }

  /** DROP ROLE's catalog part: deletes role `oid`'s pg_authid row. */
  dropAuthid(oid: number): void {
    const t = this.#table('pg_authid');
    const r = t.lookupOne('pg_authid_oid_index', [oid], this.#x);
    if (!r) throw new SqlError('XX000', `cache lookup failed for role ${oid}`);
    t.delete(r.tid, this.#x);
    deleteSharedComments(this.#table('pg_shdescription'), this.#x, oid, AuthIdRelationId); // issue 9 (H)
    this.#cci();
  }

  // ------------------------------------------------------------ COMMENT ON, issue 9 (H) (comments.ts)

  /** COMMENT ON's catalog part: sets (null or '' removes) the comment of (objoid, classoid, subid). */
  setComment(objoid: number, classoid: number, subid: number, text: string | null): void {
    writeComment(this.#table('pg_description'), this.#x, objoid, classoid, subid, text);
    this.#cci();
  }

  /** COMMENT ON ROLE / DATABASE: the shared comment of (objoid, classoid). */
  setSharedComment(objoid: number, classoid: number, text: string | null): void {
    writeSharedComment(this.#table('pg_shdescription'), this.#x, objoid, classoid, text);
    this.#cci();
  }

  // ------------------------------------------------------------ relations: reading

  /** The relation's OID in `namespace`, or undefined (get_relname_relid). */
  relnameRelid(name: string, namespace: number): number | undefined {
    const r = this.#table('pg_class').lookupOne(
      'pg_class_relname_nsp_index',
      [name, namespace],
      this.#x,
    );
    return r ? (r.values[0] as number) : undefined;
  }

  /**
   * RangeVarGetRelid: a qualified name is looked up in its schema (3F000
   * when the schema does not exist); an unqualified one in each schema of
   * the search path in turn.
   */
  lookupRelation(
    schema: string | undefined,
    name: string,
    searchPath?: readonly string[],
  ): RelationDesc | undefined {
    if (schema !== undefined) {
      const nsp = this.namespaceOid(schema);
      if (nsp === undefined) throw undefinedSchema(schema);
      const oid = this.relnameRelid(name, nsp);
      return oid === undefined ? undefined : this.relation(oid);
    }
    for (const nsp of this.effectiveSearchPath(searchPath)) {
      const oid = this.relnameRelid(name, nsp);
      if (oid !== undefined) return this.relation(oid);
    }
    return undefined;
  }

  /** The relation cache: the descriptor of relation `oid`, or undefined when there is none. */
  relation(oid: number): RelationDesc | undefined {
    const hit = this.#relcache.get(oid);
    if (hit) return hit.desc;
    const desc = this.#buildDesc(oid);
    if (desc) this.#relcache.set(oid, { desc });
    return desc;
  }

  mustRelation(oid: number): RelationDesc {
    const d = this.relation(oid);
    if (!d) throw new SqlError('XX000', `could not open relation with OID ${oid}`);
    return d;
  }

  /** Opens relation `oid` for the executor; the Heap and BTree objects stay cached with the descriptor. */
  open(oid: number): OpenRelation {
    const desc = this.mustRelation(oid);
    const entry = this.#relcache.get(oid) as { desc: RelationDesc; open?: OpenRelation };
    if (entry.open) return entry.open;
    if (desc.kind === 'S') {
      // a sequence: its one tuple, read from its page now (sequence.ts)
      const rel = this.#locator(desc);
      entry.open = { desc, indexes: [], rows: () => [sequenceRow(this.cluster.pool, rel)] };
      return entry.open;
    }
    const view = COMPUTED_VIEWS.get(oid);
    if (view) {
      entry.open = { desc, indexes: [], rows: () => computeView(view, this.#viewSource()) };
      return entry.open;
    }
    const inserter = desc.persistence === 'p' ? this.cluster.inserter : undefined;
    const heapOptions = {
      pool: this.cluster.pool,
      rel: this.#locator(desc),
      types: desc.columns.map(columnType),
      fillfactor: desc.fillfactor,
      ...(inserter ? { inserter } : {}),
    };
    const toast = desc.toastRelid !== 0 ? this.#openToast(desc) : undefined;
    const heap = new Heap({
      ...heapOptions,
      missing: desc.columns.map((c) => c.missing),
      ...(toast ? { toast } : {}),
    });
    const indexes = desc.indexes.map((ix) => ({
      desc: ix,
      index:
        ix.am === 'btree'
          ? new BTree({
              pool: this.cluster.pool,
              rel: this.#locator({ ...desc, relfilenode: ix.relfilenode }),
              descriptor: indexDescriptor(desc, ix),
              ...(inserter ? { inserter } : {}),
            })
          : this.#indexAmOptions(desc, ix, heap, openIndexAm),
    }));
    entry.open = { desc, heap, indexes };
    this.#nameStatOids(desc); // issue 11 (block counters)
    return entry.open;
  }

  /** issue 11 (block counters): the pool counts a rewritten relation's blocks for its OID. */
  #nameStatOids(desc: RelationDesc): void {
    const pool = this.cluster.pool;
    if (desc.relfilenode !== desc.oid) pool.setStatOid(this.#locator(desc), desc.oid);
    for (const ix of desc.indexes)
      if (ix.relfilenode !== ix.oid)
        pool.setStatOid(this.#locator({ ...desc, relfilenode: ix.relfilenode }), ix.oid);
    if (desc.toastRelid !== 0) {
      const toast = this.relation(desc.toastRelid);
      if (toast !== undefined && toast.oid !== desc.oid) this.#nameStatOids(toast);
    }
  }

  /**
   * The Heap's toast option for a table with a toast relation: a Toaster
   * over the toast heap and its index (both WAL-logged through the
   * cluster's inserter when permanent), drawing value OIDs from the
   * cluster's OID counter, and each column's attstorage.
   */
  #openToast(desc: RelationDesc): HeapToastOptions {
    const toast = this.mustRelation(desc.toastRelid);
    const ix = toast.indexes[0];
    if (ix === undefined) throw new SqlError('XX000', `toast relation ${toast.name} has no index`);
    const inserter = toast.persistence === 'p' ? this.cluster.inserter : undefined;
    const toastHeap = new Heap({
      pool: this.cluster.pool,
      rel: this.#locator(toast),
      types: toast.columns.map(columnType),
      ...(inserter ? { inserter } : {}),
    });
    const index = new BTree({
      pool: this.cluster.pool,
      rel: this.#locator({ ...toast, relfilenode: ix.relfilenode }),
      descriptor: indexDescriptor(toast, ix),
      ...(inserter ? { inserter } : {}),
    });
    const toaster = new ClusterToaster(
      { heap: toastHeap, index, toastRelId: toast.oid, name: toast.name },
      this.cluster.oids,
    );
    // a dropped column is always NULL: give it its stand-in type's strategy
    const storage = desc.columns.map((c) =>
      c.dropped ? (columnType(c).storage as ColumnDesc['storage']) : c.storage,
    );
    return { toaster, storage };
  }

  /** {@link open} for a relation with storage; a computed view is an error (42809). */
  openTable(oid: number): OpenTable {
    const o = this.open(oid);
    if (o.heap === undefined) throw new SqlError('42809', `"${o.desc.name}" is not a table`);
    return o;
  }

  /** The object the analyzer resolves names through, for the current statement. */
  view(options: {
    readonly searchPath?: readonly string[];
    readonly currentUser: string;
    readonly currentDatabase: string;
  }): CatalogView {
    const searchPath = options.searchPath ?? this.#searchPath;
    return {
      registry: builtins,
      searchPath,
      // parserOpenTable: a missing schema is a missing relation ("nosuch.t" does not exist)
      lookupRelation: (schema, name) =>
        schema !== undefined && this.namespaceOid(schema) === undefined
          ? undefined
          : this.lookupRelation(schema, name, searchPath),
      currentUser: options.currentUser,
      currentDatabase: options.currentDatabase,
    };
  }

  /** Every visible row of a catalog, by column name. */
  #scanObjects(name: string): Record<string, unknown>[] {
    const t = this.#table(name);
    return t
      .scan(this.#x)
      .map((r) => Object.fromEntries(t.def.columns.map(([col], i) => [col, r.values[i]])));
  }

  /** Every visible row of system catalog `name`, by column name (psql's catalog functions in @pg/sql read them). */
  catalogRows(name: string): Record<string, unknown>[] {
    return this.#scanObjects(name);
  }

  /** pg_relation_size(oid, fork): the fork's length in bytes (0 without it), undefined for an unknown OID. */
  relationForkBytes(oid: number, fork: ForkNumber): number | undefined {
    const cls = this.#classRow(oid);
    if (!cls) return undefined;
    const c = (col: string) => this.#get('pg_class', cls.values, col);
    const relfilenode = c('relfilenode') as number;
    if (relfilenode === 0) return 0;
    const rel = this.#locator({
      shared: c('relisshared') as boolean,
      tablespace: c('reltablespace') as number,
      relfilenode,
    });
    const smgr = this.cluster.pool.smgr;
    return smgr.exists(rel, fork) ? smgr.nblocks(rel, fork) * 8192 : 0;
  }

  /** pg_database.datname of this database. */
  get databaseName(): string {
    const r = this.#table('pg_database').lookupOne('pg_database_oid_index', [this.dbOid], this.#x);
    return r ? (this.#get('pg_database', r.values, 'datname') as string) : '';
  }

  #viewSource(): ViewSource {
    return {
      scan: (name) => this.#scanObjects(name),
      currentDatabase: this.databaseName,
      settings: this.#settings,
      statistics: () => pgStatsRows(this, this.#x),
      activity: () => this.#activity?.() ?? [],
      pgstat: this.#pgstat, // issue 11
      sequences: (view) =>
        sequenceViewRows(
          view,
          { scan: (name) => this.#scanObjects(name), currentDatabase: this.databaseName },
          (node) => {
            const rel = { spcOid: DEFAULTTABLESPACE_OID, dbOid: this.dbOid, relNumber: node };
            return this.cluster.pool.smgr.exists(rel, ForkNumber.main)
              ? readSequence(this.cluster.pool, rel)
              : undefined;
          },
        ),
    };
  }

  #locator(desc: Pick<RelationDesc, 'shared' | 'tablespace' | 'relfilenode'>): RelFileLocator {
    return desc.shared
      ? { spcOid: GLOBALTABLESPACE_OID, dbOid: 0, relNumber: desc.relfilenode }
      : {
          spcOid: desc.tablespace || DEFAULTTABLESPACE_OID,
          dbOid: this.dbOid,
          relNumber: desc.relfilenode,
        };
  }

  #classRow(oid: number): HeapRow | undefined {
    return this.#table('pg_class').lookupOne('pg_class_oid_index', [oid], this.#x);
  }

  #attributes(relid: number): Row[] {
    const t = this.#table('pg_attribute');
    const attnum = t.col('attnum');
    return t
      .lookup('pg_attribute_relid_attnum_index', [relid], this.#x)
      .map((r) => r.values)
      .sort((a, b) => (a[attnum] as number) - (b[attnum] as number));
  }

  #buildDesc(oid: number): RelationDesc | undefined {
    const cls = this.#classRow(oid);
    if (!cls) return undefined;
    const c = (col: string) => this.#get('pg_class', cls.values, col);
    const kind = c('relkind') as RelKind;
    const defaults = new Map<number, string>();
    const ad = this.#table('pg_attrdef');
    for (const r of ad.lookup('pg_attrdef_adrelid_adnum_index', [oid], this.#x))
      defaults.set(r.values[ad.col('adnum')] as number, r.values[ad.col('adbin')] as string);
    const a = this.#table('pg_attribute');
    const columns: ColumnDesc[] = this.#attributes(oid)
      .filter((r) => (r[a.col('attnum')] as number) > 0)
      .map((r) => {
        const attnum = r[a.col('attnum')] as number;
        const def = defaults.get(attnum);
        const dropped = r[a.col('attisdropped')] as boolean;
        return {
          attnum,
          name: r[a.col('attname')] as string,
          typeOid: r[a.col('atttypid')] as number,
          typmod: r[a.col('atttypmod')] as number,
          notNull: r[a.col('attnotnull')] as boolean,
          hasDefault: r[a.col('atthasdef')] as boolean,
          ...(def !== undefined ? { defaultExpr: def } : {}),
          dropped,
          storage: r[a.col('attstorage')] as ColumnDesc['storage'],
          ...(!dropped && r[a.col('atthasmissing')] === true
            ? {
                missing: decodeMissing(
                  columnType({ typeOid: r[a.col('atttypid')] as number, dropped }),
                  r[a.col('atttypmod')] as number,
                  r[a.col('attmissingval')],
                ),
              }
            : {}),
          ...(dropped
            ? droppedShape(r[a.col('attlen')] as number, r[a.col('attalign')] as string)
            : {}),
          ...this.#identityDefault(oid, attnum, r[a.col('attidentity')]),
          ...(r[a.col('attgenerated')] === 's' ? { generated: 's' as const } : {}), // issue 9 (H)
        };
      });
    const indexes: IndexDesc[] = [];
    if (kind === 'r' || kind === 'm' || kind === 'p' || kind === 't') {
      const ix = this.#table('pg_index');
      for (const r of ix.lookup('pg_index_indrelid_index', [oid], this.#x)) {
        const d = this.#buildIndexDesc(r.values);
        if (d) indexes.push(d);
      }
      indexes.sort((x, y) => x.oid - y.oid);
    }
    const reloptions = (c('reloptions') as { elements: (string | null)[] } | null)?.elements ?? [];
    const ff = reloptions.find((o) => o?.startsWith('fillfactor='));
    const nsp = c('relnamespace') as number;
    return {
      oid,
      name: c('relname') as string,
      namespaceOid: nsp,
      namespaceName: this.namespaceName(nsp) ?? '',
      kind,
      persistence: c('relpersistence') as RelPersistence,
      relfilenode: c('relfilenode') as number,
      tablespace: c('reltablespace') as number,
      shared: c('relisshared') as boolean,
      columns,
      indexes,
      toastRelid: c('reltoastrelid') as number,
      fillfactor: ff ? Number(ff.slice('fillfactor='.length)) : 100,
      ...(COMPUTED_VIEWS.has(oid) ? { computed: true } : {}),
      ...this.#viewFields(oid, kind, c('relispopulated') as boolean), // issue 9 (G)
    };
  }

  #buildIndexDesc(ixRow: Row): IndexDesc | undefined {
    const ix = this.#table('pg_index');
    const g = (col: string) => ixRow[ix.col(col)];
    const oid = g('indexrelid') as number;
    const cls = this.#classRow(oid);
    if (!cls) return undefined;
    const keys = g('indkey') as number[];
    const options = g('indoption') as number[];
    const nkeys = g('indnkeyatts') as number;
    const table = g('indrelid') as number;
    const con = this.#constraintOfIndex(table, oid);
    const indexprs = g('indexprs') as string | null;
    const indpred = g('indpred') as string | null;
    let expressions: IndexExpression[] | undefined;
    if (indexprs !== null) {
      const texts = JSON.parse(indexprs) as string[];
      const a = this.#table('pg_attribute');
      const atts = this.#attributes(oid);
      expressions = [];
      keys.forEach((k, i) => {
        if (k !== 0) return;
        const r = atts.find((x) => x[a.col('attnum')] === i + 1);
        expressions?.push({
          text: texts[expressions.length] ?? '',
          name: (r?.[a.col('attname')] as string | undefined) ?? 'expr',
          typeOid: (r?.[a.col('atttypid')] as number | undefined) ?? 0,
          typmod: (r?.[a.col('atttypmod')] as number | undefined) ?? -1,
        });
      });
    }
    // issue 12 (index AMs): relam, indclass and reloptions of a gin, brin or hash index
    const am = amNameOfOid(this.#get('pg_class', cls.values, 'relam') as number);
    const relopts = (
      this.#get('pg_class', cls.values, 'reloptions') as { elements: (string | null)[] } | null
    )?.elements;
    return {
      oid,
      name: this.#get('pg_class', cls.values, 'relname') as string,
      relfilenode: this.#get('pg_class', cls.values, 'relfilenode') as number,
      tableOid: table,
      am,
      ...(am !== 'btree' ? { opclasses: [...(g('indclass') as number[])] } : {}),
      ...(relopts && relopts.length > 0
        ? { reloptions: relopts.filter((o): o is string => o !== null) }
        : {}),
      columns: keys,
      nkeys,
      unique: g('indisunique') as boolean,
      primary: g('indisprimary') as boolean,
      ...(con ? { constraintName: con.name } : {}),
      descending: options.slice(0, nkeys).map((o) => (o & 1) !== 0),
      nullsFirst: options.slice(0, nkeys).map((o) => (o & 2) !== 0),
      valid: g('indisvalid') as boolean,
      nullsNotDistinct: g('indnullsnotdistinct') as boolean,
      ...(expressions !== undefined ? { expressions } : {}),
      ...(indpred !== null ? { predicate: indpred } : {}),
    };
  }

  #constraintOfIndex(
    table: number,
    index: number,
  ): { oid: number; name: string; tid: Tid; row: Row } | undefined {
    const t = this.#table('pg_constraint');
    for (const r of t.lookup(
      'pg_constraint_conrelid_contypid_conname_index',
      [table, 0],
      this.#x,
    )) {
      if (
        r.values[t.col('conindid')] === index &&
        ['p', 'u'].includes(r.values[t.col('contype')] as string)
      )
        return {
          oid: r.values[0] as number,
          name: r.values[t.col('conname')] as string,
          tid: r.tid,
          row: r.values,
        };
    }
    return undefined;
  }

  // ------------------------------------------------------------ CHECK and FOREIGN KEY constraints (H8)

  #constraintInfo(values: Row): ConstraintInfo {
    const t = this.#table('pg_constraint');
    const g = (c: string) => values[t.col(c)];
    const arr = (c: string): number[] | undefined => {
      const v = g(c) as { elements?: unknown[] } | null;
      return v === null || v === undefined ? undefined : (v.elements ?? []).map(Number);
    };
    const type = g('contype') as ConstraintInfo['type'];
    const conbin = g('conbin');
    return {
      oid: g('oid') as number,
      name: g('conname') as string,
      type,
      table: g('conrelid') as number,
      columns: arr('conkey') ?? [],
      deferrable: g('condeferrable') as boolean,
      deferred: g('condeferred') as boolean,
      validated: g('convalidated') as boolean,
      index: g('conindid') as number,
      ...(type === 'c' && typeof conbin === 'string' ? { check: conbin } : {}),
      ...(type === 'f'
        ? {
            refTable: g('confrelid') as number,
            refColumns: arr('confkey') ?? [],
            onUpdate: g('confupdtype') as FkAction,
            onDelete: g('confdeltype') as FkAction,
            match: g('confmatchtype') as FkMatch,
            ...(arr('confdelsetcols') === undefined
              ? {}
              : { deleteSetColumns: arr('confdelsetcols') as number[] }),
          }
        : {}),
    };
  }

  /** The table's constraints (pg_constraint rows with conrelid = table), by name. */
  constraintsOf(table: number): ConstraintInfo[] {
    const t = this.#table('pg_constraint');
    return t
      .lookup('pg_constraint_conrelid_contypid_conname_index', [table, 0], this.#x)
      .map((r) => this.#constraintInfo(r.values))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The foreign keys that reference `table` (confrelid = table). */
  referencingConstraints(table: number): ConstraintInfo[] {
    const t = this.#table('pg_constraint');
    const col = t.col('confrelid');
    return t
      .scan(this.#x)
      .filter((r) => r.values[col] === table && r.values[t.col('contype')] === 'f')
      .map((r) => this.#constraintInfo(r.values))
      .sort((a, b) => a.oid - b.oid);
  }

  /** A constraint by OID. */
  constraintByOid(oid: number): ConstraintInfo | undefined {
    const r = this.#table('pg_constraint').lookupOne('pg_constraint_oid_index', [oid], this.#x);
    return r === undefined ? undefined : this.#constraintInfo(r.values);
  }

  /** Whether a constraint of this name exists in the namespace (ChooseConstraintName's test). */
  constraintNameTaken(name: string, namespace: number): boolean {
    return (
      this.#table('pg_constraint').lookup(
        'pg_constraint_conname_nsp_index',
        [name, namespace],
        this.#x,
      ).length > 0
    );
  }

  /** The tables with a constraint of this name in the namespace (SET CONSTRAINTS name). */
  constraintTables(name: string, namespace: number): number[] {
    const t = this.#table('pg_constraint');
    return t
      .lookup('pg_constraint_conname_nsp_index', [name, namespace], this.#x)
      .map((r) => r.values[t.col('conrelid')] as number);
  }

  /** pg_get_constraintdef(oid), as PostgreSQL prints it; undefined for an unknown OID. */
  constraintDef(oid: number): string | undefined {
    const c = this.constraintByOid(oid);
    if (c === undefined) return undefined;
    return constraintDefinition(
      c,
      (table, attnum) => this.relation(table)?.columns[attnum - 1]?.name ?? `${attnum}`,
      (rel) => {
        const d = this.relation(rel);
        if (d === undefined) return `${rel}`;
        const visible = this.lookupRelation(undefined, d.name)?.oid === rel;
        return visible
          ? quoteIdent(d.name)
          : `${quoteIdent(d.namespaceName)}.${quoteIdent(d.name)}`;
      },
    );
  }

  /**
   * CreateConstraintEntry for CHECK ('c') and FOREIGN KEY ('f'): the row
   * and its dependencies (AUTO on the table's columns; a foreign key NORMAL
   * on the referenced columns and unique index), relchecks for CHECK.
   */
  addConstraint(options: AddConstraintOptions): number {
    const table = this.mustRelation(options.table);
    const conOid = this.#newOid('pg_constraint', 'pg_constraint_oid_index');
    const con = this.#table('pg_constraint');
    const int2s = (list: readonly number[] | undefined) =>
      list === undefined || list.length === 0
        ? null
        : { dims: [list.length], lbounds: [1], elements: [...list] };
    const fk = options.type === 'f';
    // the equality operators (conpfeqop...): int4eq-style same-type operators are not recorded here
    con.insert(
      con.row({
        oid: conOid,
        conname: options.name,
        connamespace: table.namespaceOid,
        contype: options.type,
        condeferrable: options.deferrable ?? false,
        condeferred: options.deferred ?? false,
        convalidated: options.validated ?? true,
        conrelid: table.oid,
        contypid: 0,
        conindid: fk ? (options.refIndex ?? 0) : 0,
        conparentid: 0,
        confrelid: fk ? (options.refTable ?? 0) : 0,
        confupdtype: fk ? (options.onUpdate ?? 'a') : ' ',
        confdeltype: fk ? (options.onDelete ?? 'a') : ' ',
        confmatchtype: fk ? (options.match ?? 's') : ' ',
        conislocal: true,
        coninhcount: 0,
        connoinherit: false,
        conkey: int2s(options.columns),
        confkey: fk ? int2s(options.refColumns) : null,
        conpfeqop: null,
        conppeqop: null,
        conffeqop: null,
        confdelsetcols: fk ? int2s(options.deleteSetColumns) : null,
        conexclop: null,
        conbin: options.check ?? null,
      }),
      this.#x,
    );
    const conAddr = { classid: ConstraintRelationId, objid: conOid, subid: 0 };
    const own = options.columns.length === 0 ? [0] : options.columns;
    for (const n of own)
      this.#recordDependency(
        conAddr,
        { classid: RelationRelationId, objid: table.oid, subid: n },
        'a',
      );
    if (fk && options.refTable !== undefined) {
      for (const n of options.refColumns ?? [])
        this.#recordDependency(
          conAddr,
          { classid: RelationRelationId, objid: options.refTable, subid: n },
          'n',
        );
      if (options.refIndex !== undefined && options.refIndex !== 0)
        this.#recordDependency(
          conAddr,
          { classid: RelationRelationId, objid: options.refIndex, subid: 0 },
          'n',
        );
      // issue 10 (H9): PostgreSQL's RI triggers set relhastriggers on both tables (pg_dump reads foreign keys only then)
      for (const rel of new Set([table.oid, options.refTable])) {
        const row = this.#classRow(rel);
        if (row && this.#get('pg_class', row.values, 'relhastriggers') !== true)
          this.#updateRow('pg_class', row, { relhastriggers: true });
      }
      this.#invalidate(options.refTable);
    }
    if (options.type === 'c') this.#bumpRelchecks(table.oid, 1);
    this.#invalidate(table.oid);
    this.#cci();
    return conOid;
  }

  #bumpRelchecks(table: number, by: number): void {
    const row = this.#classRow(table);
    if (!row) return;
    const n = this.#get('pg_class', row.values, 'relchecks') as number;
    this.#updateRow('pg_class', row, { relchecks: Math.max(0, n + by) });
  }

  /** ALTER TABLE ... VALIDATE CONSTRAINT's catalog part: convalidated = true. */
  setConstraintValidated(oid: number): void {
    const t = this.#table('pg_constraint');
    const r = t.lookupOne('pg_constraint_oid_index', [oid], this.#x);
    if (!r) return;
    this.#updateRow('pg_constraint', r, { convalidated: true });
    this.#invalidate(r.values[t.col('conrelid')] as number);
    const ref = r.values[t.col('confrelid')] as number;
    if (ref !== 0) this.#invalidate(ref);
    this.#cci();
  }

  /** ALTER TABLE ... RENAME CONSTRAINT of a CHECK or FOREIGN KEY (a key's is its index's rename). */
  renameConstraint(oid: number, newName: string): void {
    const t = this.#table('pg_constraint');
    const r = t.lookupOne('pg_constraint_oid_index', [oid], this.#x);
    if (!r) return;
    this.#updateRow('pg_constraint', r, { conname: newName });
    this.#invalidate(r.values[t.col('conrelid')] as number);
    const ref = r.values[t.col('confrelid')] as number;
    if (ref !== 0) this.#invalidate(ref);
    this.#cci();
  }

  /** ALTER TABLE ... DROP CONSTRAINT [CASCADE]: any constraint type (a key's index goes with it). */
  dropConstraint(oid: number, options: DropOptions = {}): void {
    this.#performDeletion(
      { classid: ConstraintRelationId, objid: oid, subid: 0 },
      options.cascade ?? false,
    );
  }

  // ------------------------------------------------------------ OIDs

  /** GetNewOidWithIndex: the next OID not already a key of `index` (any row version, visible or not). */
  #newOid(table: string, index: string, alsoFree?: (oid: number) => boolean): number {
    const t = this.#table(table);
    const idx = t.indexes.find((i) => i.def.name === index);
    for (;;) {
      const oid = this.cluster.oids.next();
      if (idx && indexHasKey(idx.tree, oid)) continue;
      if (alsoFree && !alsoFree(oid)) continue;
      return oid;
    }
  }

  /** GetNewRelFileNumber: an OID free in pg_class and pg_type's OID indexes with no file of that number. */
  #newRelOid(): number {
    const cls = this.#table('pg_class');
    const type = this.#table('pg_type');
    return this.#newOid('pg_class', 'pg_class_oid_index', (oid) => {
      const typeIdx = type.indexes.find((i) => i.def.name === 'pg_type_oid_index');
      if (typeIdx && indexHasKey(typeIdx.tree, oid)) return false;
      void cls;
      const rel = { spcOid: DEFAULTTABLESPACE_OID, dbOid: this.dbOid, relNumber: oid };
      return !this.cluster.pool.smgr.exists(rel, ForkNumber.main);
    });
  }

  #newTypeOid(): number {
    return this.#newOid('pg_type', 'pg_type_oid_index', (oid) => {
      const clsIdx = this.#table('pg_class').indexes.find(
        (i) => i.def.name === 'pg_class_oid_index',
      );
      return !(clsIdx && indexHasKey(clsIdx.tree, oid));
    });
  }

  /** A new relfilenode for relation files (truncate): free as a file name and in pg_class. */
  #newRelfilenode(): number {
    return this.#newRelOid();
  }

  #createStorage(rel: RelFileLocator, persistence: RelPersistence): void {
    const inserter = persistence === 'p' ? this.cluster.inserter : undefined;
    if (inserter) createFork(inserter, rel, ForkNumber.main);
    else this.cluster.pool.smgr.create(rel, ForkNumber.main);
    this.cluster.deleteOnAbort(this.#x.key, rel);
    this.#initFork(rel, persistence); // issue 9 (H)
  }

  /**
   * issue 9 (H): an unlogged relation's init fork (heap_create_init_fork,
   * ambuildempty): a copy of its main fork just after creation — empty for
   * a table, the empty index's pages for an index — WAL-logged, so crash
   * recovery can reset the relation from it (storage's unlogged.ts).
   */
  #initFork(rel: RelFileLocator, persistence: RelPersistence): void {
    const inserter = this.cluster.inserter;
    if (persistence !== 'u' || inserter === undefined) return; // no WAL at all: nothing to recover
    createInitFork(inserter, rel, mainForkPages(this.cluster.pool, rel));
  }

  #invalidate(relOid: number): void {
    this.cluster.registerInvalidation(this.#x.key, this, this.dbOid, relOid);
  }

  #recordDependency(dep: ObjectAddress, ref: ObjectAddress, deptype: string): void {
    if (ref.objid < FIRST_NORMAL_OBJECT_ID && ref.classid !== NamespaceRelationId) return; // pinned
    if (ref.classid === NamespaceRelationId && ref.objid === PG_CATALOG_NAMESPACE) return;
    const t = this.#table('pg_depend');
    t.insert(
      t.row({
        classid: dep.classid,
        objid: dep.objid,
        objsubid: dep.subid,
        refclassid: ref.classid,
        refobjid: ref.objid,
        refobjsubid: ref.subid,
        deptype,
      }),
      this.#x,
    );
  }

  // ------------------------------------------------------------ CREATE TABLE

  /** CREATE TABLE: returns the new relation's OID (undefined when IF NOT EXISTS skipped it). */
  createTable(options: CreateTableOptions): number | undefined {
    const nsp = this.namespaceOid(options.namespace);
    if (nsp === undefined) throw undefinedSchema(options.namespace);
    if (this.relnameRelid(options.name, nsp) !== undefined) {
      if (options.ifNotExists) {
        this.#notice(`relation "${options.name}" already exists, skipping`);
        return undefined;
      }
      throw duplicateTable(options.name);
    }
    const seen = new Set<string>();
    for (const c of options.columns) {
      if (seen.has(c.name)) throw duplicateColumn(c.name);
      seen.add(c.name);
      // issue 9 (F): CheckAttributeNamesTypes (a view has no system columns)
      if (options.kind !== 'v' && SYSTEM_COLUMN_NAMES.has(c.name)) throw systemColumnName(c.name);
      if (typeByOid(c.typeOid) === undefined)
        throw new SqlError('42704', `type with OID ${c.typeOid} does not exist`);
    }
    const typeExists = this.#table('pg_type').lookupOne(
      'pg_type_typname_nsp_index',
      [options.name, nsp],
      this.#x,
    );
    if (typeExists) throw new SqlError('42710', `type "${options.name}" already exists`);
    const persistence = options.persistence ?? 'p';
    const relid = this.#newRelOid();
    const arrayOid = this.#newTypeOid();
    const rowtype = this.#newTypeOid();
    const kind = options.kind ?? 'r'; // issue 9 (G): views and materialized views
    const rel = { spcOid: DEFAULTTABLESPACE_OID, dbOid: this.dbOid, relNumber: relid };
    if (kind !== 'v') this.#createStorage(rel, persistence);
    const w = this.#x.writer();
    const cls = this.#table('pg_class');
    cls.insert(
      cls.row({
        ...classRow({
          oid: relid,
          name: options.name,
          namespace: nsp,
          rowtype,
          am: kind === 'v' ? 0 : HEAP_TABLE_AM_OID,
          relfilenode: kind === 'v' ? 0 : relid,
          tablespace: 0,
          hasIndex: false,
          shared: false,
          persistence,
          kind,
          natts: options.columns.length,
          frozenxid: kind === 'v' ? 0 : w.xid,
          minmxid: kind === 'v' ? 0 : 1,
        }),
        ...(kind === 'm' ? { relreplident: 'd', relispopulated: options.populated ?? true } : {}),
        ...(options.reloptions !== undefined && options.reloptions.length > 0
          ? { reloptions: textArray(options.reloptions) }
          : {}),
      }),
      this.#x,
    );
    const att = this.#table('pg_attribute');
    options.columns.forEach((c, i) => {
      const type = typeByOid(c.typeOid) as AnyPgType;
      att.insert(
        att.row({
          ...attributeRow({
            relid,
            name: c.name,
            type,
            attnum: i + 1,
            typmod: c.typmod,
            notNull: c.notNull,
            hasDefault: c.defaultExpr !== undefined,
            ndims: type.category === 'A' ? 1 : 0,
          }),
          ...(c.generated === 's' ? { attgenerated: 's' } : {}), // issue 9 (H)
        }),
        this.#x,
      );
    });
    if (kind !== 'v') for (const r of systemAttributeRows(relid)) att.insert(att.row(r), this.#x);
    const type = this.#table('pg_type');
    type.insert(type.row(compositeTypeRow(rowtype, options.name, nsp, relid, arrayOid)), this.#x);
    type.insert(type.row(arrayTypeRow(arrayOid, `_${options.name}`, nsp, rowtype)), this.#x);
    const relAddr = { classid: RelationRelationId, objid: relid, subid: 0 };
    this.#recordDependency(relAddr, { classid: NamespaceRelationId, objid: nsp, subid: 0 }, 'n');
    this.#recordDependency({ classid: TypeRelationId, objid: rowtype, subid: 0 }, relAddr, 'i');
    this.#recordDependency(
      { classid: TypeRelationId, objid: arrayOid, subid: 0 },
      { classid: TypeRelationId, objid: rowtype, subid: 0 },
      'i',
    );
    options.columns.forEach((c, i) => {
      if (c.defaultExpr !== undefined) this.#insertDefault(relid, i + 1, c.defaultExpr);
    });
    // NewRelationCreateToastTable, after DefineRelation (so after the defaults' OIDs)
    if (
      kind !== 'v' &&
      needsToastTable(
        options.columns.map((c) => ({ ...c, dropped: false })),
        this.#encoding(),
      )
    )
      this.#createToastTable(relid, persistence);
    this.#invalidate(relid);
    this.#cci();
    return relid;
  }

  /** pg_encoding_max_length of this database's encoding (type_maximum_size's factor). */
  #encoding(): number {
    const t = this.#table('pg_database');
    const r = t.lookupOne('pg_database_oid_index', [this.dbOid], this.#x);
    const enc = r ? (r.values[t.col('encoding')] as number) : 6;
    return enc === 0 ? 1 : 4; // SQL_ASCII 1; UTF8 4 (other encodings: at most 4)
  }

  /**
   * create_toast_table: the toast relation pg_toast.pg_toast_<relid> (relkind
   * t, no row type; chunk_id oid, chunk_seq int4, chunk_data bytea, all
   * attstorage PLAIN) and its index pg_toast_<relid>_index (a unique
   * B-tree on (chunk_id, chunk_seq), indisprimary as index_create is told,
   * no constraint); the table's reltoastrelid is set. pg_depend as
   * PostgreSQL records it: the toast relation INTERNAL on the table, the
   * index AUTO on each of its two columns. Returns the toast relation's OID.
   */
  #createToastTable(relid: number, persistence: RelPersistence): number {
    const toastOid = this.#newRelOid();
    const toastRel = { spcOid: DEFAULTTABLESPACE_OID, dbOid: this.dbOid, relNumber: toastOid };
    this.#createStorage(toastRel, persistence);
    const indexOid = this.#newRelOid();
    const indexRel = { spcOid: DEFAULTTABLESPACE_OID, dbOid: this.dbOid, relNumber: indexOid };
    const name = `pg_toast_${relid}`;
    const keys = TOAST_COLUMNS.slice(0, 2);
    const inserter = persistence === 'p' ? this.cluster.inserter : undefined;
    BTree.create({
      pool: this.cluster.pool,
      rel: indexRel,
      descriptor: {
        name: `${name}_index`,
        unique: true,
        keys: keys.map(([n, t]) => ({ name: n, type: typeByOid(t) as AnyPgType })),
      },
      ...(inserter ? { inserter } : {}),
    });
    this.cluster.deleteOnAbort(this.#x.key, indexRel);
    this.#initFork(indexRel, persistence); // issue 9 (H)
    const w = this.#x.writer();
    const cls = this.#table('pg_class');
    const base = {
      namespace: PG_TOAST_NAMESPACE,
      rowtype: 0,
      tablespace: 0,
      shared: false,
      persistence,
    };
    cls.insert(
      cls.row(
        classRow({
          ...base,
          oid: toastOid,
          name,
          am: HEAP_TABLE_AM_OID,
          relfilenode: toastOid,
          hasIndex: true,
          kind: 't',
          natts: 3,
          frozenxid: w.xid,
          minmxid: 1,
        }),
      ),
      this.#x,
    );
    cls.insert(
      cls.row(
        classRow({
          ...base,
          oid: indexOid,
          name: `${name}_index`,
          am: BTREE_AM_OID,
          relfilenode: indexOid,
          hasIndex: false,
          kind: 'i',
          natts: 2,
          frozenxid: 0,
          minmxid: 0,
        }),
      ),
      this.#x,
    );
    const att = this.#table('pg_attribute');
    const column = (rel: number, [n, typeOid]: readonly [string, number], i: number) =>
      att.row({
        ...attributeRow({
          relid: rel,
          name: n,
          type: typeByOid(typeOid) as AnyPgType,
          attnum: i + 1,
          typmod: -1,
          notNull: false,
          hasDefault: false,
          ndims: 0,
        }),
        attstorage: 'p', // the toast relation's own values are never toasted
      });
    for (const [i, c] of TOAST_COLUMNS.entries()) att.insert(column(toastOid, c, i), this.#x);
    for (const r of systemAttributeRows(toastOid)) att.insert(att.row(r), this.#x);
    for (const [i, c] of keys.entries()) att.insert(column(indexOid, c, i), this.#x);
    this.#table('pg_index').insert(
      this.#table('pg_index').row(
        btreeIndexRow({
          indexrelid: indexOid,
          indrelid: toastOid,
          attnums: [1, 2],
          types: keys.map(([, t]) => t),
          unique: true,
          primary: true,
        }),
      ),
      this.#x,
    );
    const toastAddr = { classid: RelationRelationId, objid: toastOid, subid: 0 };
    this.#recordDependency(toastAddr, { classid: RelationRelationId, objid: relid, subid: 0 }, 'i');
    for (const subid of [2, 1])
      this.#recordDependency(
        { classid: RelationRelationId, objid: indexOid, subid: 0 },
        { ...toastAddr, subid },
        'a',
      );
    this.#cci(); // the table's pg_class row (new, or just updated) is seen and updated once more
    this.#updateClass(relid, { reltoastrelid: toastOid });
    this.#invalidate(toastOid);
    this.#invalidate(indexOid);
    return toastOid;
  }

  #insertDefault(relid: number, attnum: number, expr: string): void {
    const ad = this.#table('pg_attrdef');
    const oid = this.#newOid('pg_attrdef', 'pg_attrdef_oid_index');
    ad.insert(ad.row({ oid, adrelid: relid, adnum: attnum, adbin: expr }), this.#x);
    this.#recordDependency(
      { classid: AttrDefaultRelationId, objid: oid, subid: 0 },
      { classid: RelationRelationId, objid: relid, subid: attnum },
      'a',
    );
  }

  // ------------------------------------------------------------ sequences (sequence.ts)

  /**
   * DefineSequence's catalog part: the pg_class row (relkind S, no row
   * type, relam 0), its three columns, the pg_sequence row and the file
   * with its one page (last_value = start, not called). Returns the OID,
   * or undefined when IF NOT EXISTS skipped it.
   */
  createSequence(options: CreateSequenceOptions): number | undefined {
    const nsp = this.namespaceOid(options.namespace);
    if (nsp === undefined) throw undefinedSchema(options.namespace);
    if (this.relnameRelid(options.name, nsp) !== undefined) {
      if (options.ifNotExists) {
        this.#notice(`relation "${options.name}" already exists, skipping`);
        return undefined;
      }
      throw duplicateTable(options.name);
    }
    const persistence = options.persistence ?? 'p';
    const relid = this.#newRelOid();
    const rel = { spcOid: DEFAULTTABLESPACE_OID, dbOid: this.dbOid, relNumber: relid };
    this.#createStorage(rel, persistence);
    initSequenceFile(
      this.cluster.pool,
      persistence === 'p' ? this.cluster.inserter : undefined,
      rel,
      { lastValue: options.params.start, logCnt: 0n, isCalled: false },
    );
    const cls = this.#table('pg_class');
    cls.insert(
      cls.row({
        ...classRow({
          oid: relid,
          name: options.name,
          namespace: nsp,
          rowtype: 0,
          am: 0,
          relfilenode: relid,
          tablespace: 0,
          hasIndex: false,
          shared: false,
          persistence,
          kind: 'S',
          natts: SEQUENCE_COLUMNS.length,
          frozenxid: 0,
          minmxid: 0,
        }),
        relpages: 1,
        reltuples: 1,
      }),
      this.#x,
    );
    const att = this.#table('pg_attribute');
    SEQUENCE_COLUMNS.forEach(([name, typeOid], i) => {
      const type = typeByOid(typeOid) as AnyPgType;
      att.insert(
        att.row(
          attributeRow({
            relid,
            name,
            type,
            attnum: i + 1,
            typmod: -1,
            notNull: true,
            hasDefault: false,
            ndims: 0,
          }),
        ),
        this.#x,
      );
    });
    for (const r of systemAttributeRows(relid)) att.insert(att.row(r), this.#x);
    const seq = this.#table('pg_sequence');
    seq.insert(seq.row(sequenceCatalogRow(relid, options.params)), this.#x);
    this.#recordDependency(
      { classid: RelationRelationId, objid: relid, subid: 0 },
      { classid: NamespaceRelationId, objid: nsp, subid: 0 },
      'n',
    );
    this.#invalidate(relid);
    this.#cci();
    return relid;
  }

  /** The sequence's pg_sequence row (undefined when `oid` is not a sequence). */
  sequenceParams(oid: number): SequenceParams | undefined {
    const t = this.#table('pg_sequence');
    const r = t.lookupOne('pg_sequence_seqrelid_index', [oid], this.#x);
    if (!r) return undefined;
    const v = (col: string) => r.values[t.col(col)];
    return {
      typeOid: v('seqtypid') as number,
      start: BigInt(v('seqstart') as bigint),
      increment: BigInt(v('seqincrement') as bigint),
      max: BigInt(v('seqmax') as bigint),
      min: BigInt(v('seqmin') as bigint),
      cache: BigInt(v('seqcache') as bigint),
      cycle: v('seqcycle') as boolean,
    };
  }

  /** ALTER SEQUENCE: the new pg_sequence row. */
  setSequenceParams(oid: number, params: SequenceParams): void {
    const t = this.#table('pg_sequence');
    const r = t.lookupOne('pg_sequence_seqrelid_index', [oid], this.#x);
    if (!r) throw new SqlError('XX000', `cache lookup failed for sequence ${oid}`);
    this.#updateRow('pg_sequence', r, sequenceCatalogRow(oid, params));
    this.#invalidate(oid);
    this.#cci();
  }

  #deleteSequenceRow(oid: number): void {
    const t = this.#table('pg_sequence');
    const r = t.lookupOne('pg_sequence_seqrelid_index', [oid], this.#x);
    if (r) t.delete(r.tid, this.#x);
  }

  /** The sequence's file (its one page). */
  sequenceLocator(oid: number): RelFileLocator {
    return this.#locator(this.mustRelation(oid));
  }

  /**
   * OWNED BY: the sequence's AUTO ('a', serial and OWNED BY) or INTERNAL
   * ('i', identity) dependency on a table column, replacing any it had;
   * `owner` undefined is OWNED BY NONE.
   */
  setSequenceOwner(
    seqOid: number,
    owner: { readonly table: number; readonly attnum: number } | undefined,
    deptype: 'a' | 'i' = 'a',
  ): void {
    const self = { classid: RelationRelationId, objid: seqOid, subid: 0 };
    const t = this.#table('pg_depend');
    for (const d of this.#dependsOn(self)) {
      if (d.ref.classid === RelationRelationId && (d.deptype === 'a' || d.deptype === 'i')) {
        t.delete(d.tid, this.#x);
      }
    }
    if (owner !== undefined) {
      this.#recordDependency(
        self,
        { classid: RelationRelationId, objid: owner.table, subid: owner.attnum },
        deptype,
      );
    }
    this.#cci();
  }

  /** The table column that owns the sequence (pg_get_serial_sequence's link), with its deptype. */
  sequenceOwner(
    seqOid: number,
  ): { readonly table: number; readonly attnum: number; readonly deptype: string } | undefined {
    const d = this.#dependsOn({ classid: RelationRelationId, objid: seqOid, subid: 0 }).find(
      (x) => x.ref.classid === RelationRelationId && (x.deptype === 'a' || x.deptype === 'i'),
    );
    return d === undefined
      ? undefined
      : { table: d.ref.objid, attnum: d.ref.subid, deptype: d.deptype };
  }

  /** The sequences owned by a table's column (through their 'a' or 'i' dependency). */
  ownedSequences(table: number, attnum: number): number[] {
    const out: number[] = [];
    for (const d of this.#dependents({
      classid: RelationRelationId,
      objid: table,
      subid: attnum,
    })) {
      if (d.dep.classid !== RelationRelationId || d.dep.subid !== 0) continue;
      if (d.deptype !== 'a' && d.deptype !== 'i') continue;
      const r = this.#classRow(d.dep.objid);
      if (r && this.#get('pg_class', r.values, 'relkind') === 'S') out.push(d.dep.objid);
    }
    return out;
  }

  /** The NORMAL dependency of a column default calling nextval('seq'::regclass) on the sequence. */
  recordDefaultUsesSequence(table: number, attnum: number, seqOid: number): void {
    const ad = this.#table('pg_attrdef');
    const r = ad.lookupOne('pg_attrdef_adrelid_adnum_index', [table, attnum], this.#x);
    if (!r) return;
    this.#recordDependency(
      { classid: AttrDefaultRelationId, objid: r.values[ad.col('oid')] as number, subid: 0 },
      { classid: RelationRelationId, objid: seqOid, subid: 0 },
      'n',
    );
    this.#cci();
  }

  /** pg_attribute.attidentity: 'a' (ALWAYS), 'd' (BY DEFAULT) or '' (none). */
  setIdentity(table: number, attnum: number, identity: '' | 'a' | 'd'): void {
    this.#setAttribute(table, attnum, { attidentity: identity });
    this.#invalidate(table);
    this.#cci();
  }

  /**
   * An identity column's ColumnDesc fields: `identity`, and the default
   * INSERT applies — nextval of its sequence (PostgreSQL's NextValueExpr;
   * pg_attrdef has no row for it).
   */
  #identityDefault(
    table: number,
    attnum: number,
    attidentity: unknown,
  ): Pick<ColumnDesc, 'identity' | 'defaultExpr'> & { hasDefault?: boolean } {
    if (attidentity !== 'a' && attidentity !== 'd') return {};
    const seq = this.ownedSequences(table, attnum)[0];
    const r = seq === undefined ? undefined : this.#classRow(seq);
    if (r === undefined) return { identity: attidentity };
    const name = this.#get('pg_class', r.values, 'relname') as string;
    const nsp = this.#get('pg_class', r.values, 'relnamespace') as number;
    const qualified = `${quoteIdent(this.namespaceName(nsp) ?? '')}.${quoteIdent(name)}`;
    return {
      identity: attidentity,
      hasDefault: true,
      defaultExpr: `nextval('${qualified.replace(/'/g, "''")}'::regclass)`,
    };
  }

  /** pg_attribute.attidentity of a column ('' when none). */
  identity(table: number, attnum: number): string {
    const r = this.#attributeRow(table, attnum);
    return r ? String(this.#get('pg_attribute', r.values, 'attidentity') ?? '') : '';
  }

  // ------------------------------------------------------------ CREATE INDEX

  /**
   * issue 12 (index AMs): the opened index `oid` with its descriptor (for
   * brin_summarize_new_values & co.); undefined when `oid` is not an index.
   */
  openIndex(
    oid: number,
  ): { readonly desc: IndexDesc; readonly index: IndexAccessMethod } | undefined {
    const rel = this.relation(oid);
    if (rel === undefined || rel.kind !== 'i') return undefined;
    const row = this.#table('pg_index').lookupOne('pg_index_indexrelid_index', [oid], this.#x);
    if (row === undefined) return undefined;
    const table = this.#get('pg_index', row.values, 'indrelid') as number;
    return this.openTable(table).indexes.find((i) => i.desc.oid === oid);
  }

  /**
   * issue 12 (index AMs): ambuildempty + ambuild of the gin, brin or hash
   * index `ix` of `table` at `rel` (its file created, removed if the
   * transaction aborts) from `entries` (a heap's build entries, as
   * buildEntries gives them). CREATE INDEX calls it; REINDEX and the
   * table rewrites call it for an index whose `am` is not btree.
   */
  buildIndexAm(
    table: RelationDesc,
    ix: IndexDesc,
    rel: RelFileLocator,
    heap: Heap,
    entries: readonly { readonly tid: Tid; readonly values: readonly unknown[] }[],
    entryOf?: (values: readonly unknown[]) => unknown[] | undefined,
  ): { heapTuples: number; indexTuples: number } {
    this.cluster.deleteOnAbort(this.#x.key, rel);
    this.#indexAmOptions(table, ix, heap, (o) => buildIndexAm(o, entries), entryOf, rel);
    return { heapTuples: entries.length, indexTuples: entries.length };
  }

  /**
   * issue 12 (index AMs): opens (or, with `make` = buildIndexAm, builds) the
   * gin, brin or hash object of index `ix` of `table`.
   */
  #indexAmOptions(
    table: RelationDesc,
    ix: IndexDesc,
    heap: Heap,
    make: (o: Parameters<typeof openIndexAm>[0]) => IndexAccessMethod,
    entryOf?: (values: readonly unknown[]) => unknown[] | undefined,
    rel?: RelFileLocator,
  ): IndexAccessMethod {
    const am = ix.am as Exclude<IndexAmName, 'btree'>;
    const inserter = table.persistence === 'p' ? this.cluster.inserter : undefined;
    const reloptions = ix.reloptions ?? [];
    const ff = reloption(reloptions, 'fillfactor');
    const cols = ix.columns;
    return make({
      am,
      pool: this.cluster.pool,
      rel: rel ?? this.#locator({ ...table, relfilenode: ix.relfilenode }),
      descriptor: {
        ...indexDescriptor(table, ix),
        // varchar hashes and compares as text (its opclass is text_ops)
        ...(am === 'hash'
          ? {
              keys: indexDescriptor(table, ix).keys.map((k) =>
                k.type.oid === 1043
                  ? { ...k, type: columnType({ typeOid: 25, dropped: false }) }
                  : k,
              ),
            }
          : {}),
        ...(ff ? { fillfactor: Number(ff) } : {}),
      },
      opclasses: ix.opclasses ?? [],
      reloptions,
      heap,
      entryOf: entryOf ?? ((values) => cols.map((n) => values[n - 1] ?? null)),
      ...(inserter ? { inserter } : {}),
    });
  }

  /** ChooseRelationName: `t_a_b_idx`, `t_a_key`, `t_pkey`, then a number appended until free. */
  #chooseIndexName(
    table: RelationDesc,
    attnums: readonly number[],
    primary: boolean,
    constraint: boolean,
    exprs?: readonly IndexExpression[],
  ): string {
    let e = 0;
    const cols = attnums.map((n) =>
      n === 0
        ? (exprs?.[e++]?.name ?? 'expr')
        : (table.columns.find((c) => c.attnum === n)?.name ?? ''),
    );
    const base = primary
      ? `${table.name}_pkey`
      : `${table.name}_${cols.join('_')}_${constraint ? 'key' : 'idx'}`;
    for (let i = 0; ; i++) {
      const name = i === 0 ? base : `${base}${i}`;
      if (this.relnameRelid(name, table.namespaceOid) === undefined) return name;
    }
  }

  /** CREATE INDEX (B-tree), or the index of a PRIMARY KEY / UNIQUE constraint. Returns the index's OID. */
  createIndex(options: CreateIndexOptions): number | undefined {
    const table = this.mustRelation(options.table);
    const primary = options.primary ?? false;
    const unique = primary || (options.unique ?? false);
    const constraint = primary || (options.constraint ?? false);
    if (options.columns.length === 0)
      throw new SqlError('42601', 'must specify at least one column');
    const exprs = options.expressions ?? [];
    const nkeys = options.nkeys ?? options.columns.length;
    const keyCols = options.columns.slice(0, nkeys);
    for (const n of options.columns) {
      if (n === 0) continue;
      const col = table.columns.find((c) => c.attnum === n && !c.dropped);
      if (!col) throw new SqlError('42703', `column number ${n} does not exist`);
    }
    if (options.columns.filter((n) => n === 0).length !== exprs.length)
      throw new SqlError('XX000', 'index expressions do not match the expression columns');
    // the shape of each index column: a table column's, or an expression's result
    const shapes: { name: string; typeOid: number; typmod: number }[] = [];
    {
      let e = 0;
      for (const n of options.columns) {
        const x = n === 0 ? exprs[e++] : table.columns.find((c) => c.attnum === n);
        if (x) shapes.push({ name: x.name, typeOid: x.typeOid, typmod: x.typmod });
      }
    }
    const name =
      options.name ??
      options.constraintName ??
      this.#chooseIndexName(table, options.columns, primary, constraint, exprs);
    if (this.relnameRelid(name, table.namespaceOid) !== undefined) {
      if (options.ifNotExists) {
        this.#notice(`relation "${name}" already exists, skipping`);
        return undefined;
      }
      throw duplicateTable(name);
    }
    if (primary && table.indexes.some((i) => i.primary))
      throw new SqlError(
        '42P16',
        `multiple primary keys for table "${table.name}" are not allowed`,
      );
    // issue 12 (index AMs): the AM's capabilities, its reloptions and each key's operator class
    const am = options.am ?? 'btree';
    let reloptions: string[] = [];
    let opclasses: number[] | undefined;
    if (am !== 'btree') {
      if (unique)
        throw new SqlError('0A000', `access method "${am}" does not support unique indexes`);
      if (nkeys < options.columns.length)
        throw new SqlError('0A000', `access method "${am}" does not support included columns`);
      if (am === 'hash' && nkeys > 1)
        throw new SqlError('0A000', `access method "${am}" does not support multicolumn indexes`);
      reloptions = validateReloptions(am, options.withOptions ?? []);
      opclasses = shapes
        .slice(0, nkeys)
        .map((sh, i) => resolveOpclass(am, sh.typeOid, options.opclassNames?.[i]).oid);
    }
    const indexOid = this.#newRelOid();
    const rel = { spcOid: DEFAULTTABLESPACE_OID, dbOid: this.dbOid, relNumber: indexOid };
    const ixDesc: IndexDesc = {
      oid: indexOid,
      name,
      relfilenode: indexOid,
      tableOid: table.oid,
      am,
      ...(opclasses !== undefined ? { opclasses } : {}),
      ...(reloptions.length > 0 ? { reloptions } : {}),
      columns: [...options.columns],
      nkeys,
      unique,
      primary,
      descending: keyCols.map((_, i) => options.descending?.[i] ?? false),
      nullsFirst: keyCols.map(
        (_, i) => options.nullsFirst?.[i] ?? options.descending?.[i] ?? false,
      ),
      valid: true,
      nullsNotDistinct: options.nullsNotDistinct ?? false,
      ...(exprs.length > 0 ? { expressions: [...exprs] } : {}),
      ...(options.predicate !== undefined ? { predicate: options.predicate } : {}),
    };
    // the file (btbuildempty through BTree.create logs its CREATE) and the build
    const inserter = table.persistence === 'p' ? this.cluster.inserter : undefined;
    const heap = this.openTable(table.oid).heap;
    const entries = buildEntries(heap, this.#x, options.columns, options.entryOf);
    // issue 9 (H): no init fork for them yet
    if (am !== 'btree' && table.persistence === 'u')
      throw new SqlError('0A000', `${am} indexes on unlogged tables are not supported yet`);
    if (am !== 'btree') {
      // issue 12 (index AMs): ambuildempty + ambuild of a gin, brin or hash index
      this.buildIndexAm(table, ixDesc, rel, heap, entries, options.entryOf);
    }
    const tree =
      am === 'btree'
        ? BTree.create({
            pool: this.cluster.pool,
            rel,
            descriptor: indexDescriptor(table, ixDesc),
            ...(inserter ? { inserter } : {}),
          })
        : undefined;
    if (tree) this.cluster.deleteOnAbort(this.#x.key, rel);
    if (tree) this.#initFork(rel, table.persistence); // issue 9 (H)
    if (primary) {
      for (const e of entries) {
        const i = e.values.findIndex((v) => v === null || v === undefined);
        if (i >= 0) {
          const col = table.columns.find((c) => c.attnum === options.columns[i]);
          throw new SqlError(
            '23502',
            `column "${col?.name}" of relation "${table.name}" contains null values`,
          );
        }
      }
    }
    try {
      tree?.build(entries);
    } catch (e) {
      if (e instanceof SqlError && e.code === '23505')
        throw new SqlError('23505', `could not create unique index "${name}"`, {
          detail: (e.detail ?? '').replace(/ already exists\.$/, ' is duplicated.'),
        });
      throw e;
    }
    // catalog rows
    const cls = this.#table('pg_class');
    cls.insert(
      cls.row({
        ...classRow({
          oid: indexOid,
          name,
          namespace: table.namespaceOid,
          rowtype: 0,
          am: am === 'btree' ? BTREE_AM_OID : INDEX_AM_OIDS[am],
          relfilenode: indexOid,
          tablespace: 0,
          hasIndex: false,
          shared: false,
          persistence: table.persistence,
          kind: 'i',
          natts: options.columns.length,
          frozenxid: 0,
          minmxid: 0,
        }),
        // issue 12: WITH (...) as pg_class.reloptions
        ...(reloptions.length > 0
          ? { reloptions: { dims: [reloptions.length], lbounds: [1], elements: reloptions } }
          : {}),
      }),
      this.#x,
    );
    const att = this.#table('pg_attribute');
    shapes.forEach((col, i) => {
      att.insert(
        att.row(
          attributeRow({
            relid: indexOid,
            name: col.name,
            type: indexColumnShape(col.typeOid),
            attnum: i + 1,
            typmod: col.typmod,
            notNull: false,
            hasDefault: false,
            ndims: 0,
          }),
        ),
        this.#x,
      );
    });
    const ix = this.#table('pg_index');
    ix.insert(
      ix.row({
        ...btreeIndexRow({
          indexrelid: indexOid,
          indrelid: table.oid,
          attnums: options.columns,
          types: shapes.map((c) => c.typeOid),
          ...(exprs.length > 0 ? { indexprs: exprs.map((x) => x.text) } : {}),
          ...(options.predicate !== undefined ? { indpred: options.predicate } : {}),
          unique,
          primary,
          nullsNotDistinct: ixDesc.nullsNotDistinct,
          nkeys,
          options: keyCols.map(
            (_, i) => (ixDesc.descending[i] ? 1 : 0) | (ixDesc.nullsFirst[i] ? 2 : 0),
          ),
        }),
        ...(opclasses !== undefined ? { indclass: opclasses } : {}), // issue 12
      }),
      this.#x,
    );
    const indexAddr = { classid: RelationRelationId, objid: indexOid, subid: 0 };
    if (constraint) {
      const conOid = this.#newOid('pg_constraint', 'pg_constraint_oid_index');
      const con = this.#table('pg_constraint');
      con.insert(
        con.row({
          oid: conOid,
          conname: options.constraintName ?? name,
          connamespace: table.namespaceOid,
          contype: primary ? 'p' : 'u',
          condeferrable: false,
          condeferred: false,
          convalidated: true,
          conrelid: table.oid,
          contypid: 0,
          conindid: indexOid,
          conparentid: 0,
          confrelid: 0,
          confupdtype: ' ',
          confdeltype: ' ',
          confmatchtype: ' ',
          conislocal: true,
          coninhcount: 0,
          connoinherit: true,
          conkey: { dims: [options.columns.length], lbounds: [1], elements: [...options.columns] },
          confkey: null,
          conpfeqop: null,
          conppeqop: null,
          conffeqop: null,
          confdelsetcols: null,
          conexclop: null,
          conbin: null,
        }),
        this.#x,
      );
      const conAddr = { classid: ConstraintRelationId, objid: conOid, subid: 0 };
      for (const n of options.columns)
        this.#recordDependency(
          conAddr,
          { classid: RelationRelationId, objid: table.oid, subid: n },
          'a',
        );
      this.#recordDependency(indexAddr, conAddr, 'i');
      if (primary)
        for (const n of options.columns) this.#setAttribute(table.oid, n, { attnotnull: true });
    } else {
      // the key columns, then the columns the expressions and predicate read (recordDependencyOnSingleRelExpr)
      const cols = options.columns.filter((n) => n !== 0);
      for (const n of options.referencedColumns ?? []) if (!cols.includes(n)) cols.push(n);
      if (cols.length === 0) cols.push(0);
      for (const n of cols)
        this.#recordDependency(
          indexAddr,
          { classid: RelationRelationId, objid: table.oid, subid: n },
          'a',
        );
    }
    this.#updateClass(table.oid, { relhasindex: true });
    this.#invalidate(table.oid);
    this.#invalidate(indexOid);
    this.#cci();
    return indexOid;
  }

  #updateRow(table: string, row: HeapRow, changes: Readonly<Record<string, unknown>>): void {
    const t = this.#table(table);
    const values = [...row.values];
    for (const [k, v] of Object.entries(changes)) values[t.col(k)] = v;
    t.update(row.tid, values, this.#x);
  }

  /** pg_class.reloptions of a relation, as `name=value` entries. */
  relationOptions(oid: number): string[] {
    const row = this.#classRow(oid);
    if (!row) throw new SqlError('XX000', `cache lookup failed for relation ${oid}`);
    const value = this.#get('pg_class', row.values, 'reloptions') as {
      elements: (string | null)[];
    } | null;
    return (value?.elements ?? []).filter((o): o is string => o !== null);
  }

  /** ALTER TABLE SET/RESET (...): replaces pg_class.reloptions (none: NULL). */
  setRelationOptions(oid: number, reloptions: readonly string[]): void {
    this.#updateClass(oid, { reloptions: reloptions.length > 0 ? textArray(reloptions) : null });
    this.#invalidate(oid); // issue 9 (D): the descriptor shows them (checkOption, fillfactor)
  }

  #updateClass(oid: number, changes: Readonly<Record<string, unknown>>): void {
    const row = this.#classRow(oid);
    if (!row) throw new SqlError('XX000', `cache lookup failed for relation ${oid}`);
    this.#updateRow('pg_class', row, changes);
  }

  #attributeRow(relid: number, attnum: number): HeapRow | undefined {
    return this.#table('pg_attribute').lookupOne(
      'pg_attribute_relid_attnum_index',
      [relid, attnum],
      this.#x,
    );
  }

  #setAttribute(relid: number, attnum: number, changes: Readonly<Record<string, unknown>>): void {
    const row = this.#attributeRow(relid, attnum);
    if (!row)
      throw new SqlError(
        'XX000',
        `cache lookup failed for attribute ${attnum} of relation ${relid}`,
      );
    this.#updateRow('pg_attribute', row, changes);
    // ALTER COLUMN TYPE: the column's statistics go (RemoveStatistics)
    if ('atttypid' in changes) forgetStatistics(this, this.#x, relid, attnum);
  }

  // ------------------------------------------------------------ ALTER TABLE

  #mustColumn(table: RelationDesc, name: string): ColumnDesc {
    const c = table.columns.find((x) => x.name === name && !x.dropped);
    if (!c) throw undefinedColumn(name, table.name);
    return c;
  }

  /** ALTER TABLE ... RENAME TO (tables and indexes); a table's row type and array type follow. */
  renameRelation(oid: number, newName: string): void {
    const rel = this.mustRelation(oid);
    if (this.relnameRelid(newName, rel.namespaceOid) !== undefined) throw duplicateTable(newName);
    this.#updateClass(oid, { relname: newName });
    if (rel.kind === 'r') {
      const cls = this.#classRow(oid) as HeapRow;
      const rowtype = this.#get('pg_class', cls.values, 'reltype') as number;
      const type = this.#table('pg_type');
      const tr = type.lookupOne('pg_type_oid_index', [rowtype], this.#x);
      if (tr) {
        this.#updateRow('pg_type', tr, { typname: newName });
        const arr = type.lookupOne('pg_type_oid_index', [tr.values[type.col('typarray')]], this.#x);
        if (arr) this.#updateRow('pg_type', arr, { typname: `_${newName}` });
      }
    }
    if (rel.kind === 'i') {
      const ix = this.#table('pg_index').lookupOne('pg_index_indexrelid_index', [oid], this.#x);
      const table = ix ? (this.#get('pg_index', ix.values, 'indrelid') as number) : 0;
      const con = table ? this.#constraintOfIndex(table, oid) : undefined;
      if (con)
        this.#updateRow('pg_constraint', { tid: con.tid, values: con.row }, { conname: newName });
      if (table) this.#invalidate(table);
    }
    this.#invalidate(oid);
    this.#cci();
  }

  /**
   * ALTER TABLE ADD COLUMN: the new attnum. Existing rows read NULL for it,
   * or `missing` when given and not null (atthasmissing/attmissingval: the
   * value of a non-volatile DEFAULT, evaluated once by the caller); a
   * volatile default is the caller's rewrite. With `ifNotExists`, an
   * existing column is a NOTICE and undefined.
   */
  addColumn(
    tableOid: number,
    column: ColumnDef,
    options: { readonly missing?: unknown; readonly ifNotExists?: boolean } = {},
  ): number | undefined {
    const table = this.mustRelation(tableOid);
    // issue 9 (F): check_for_column_name_collision with a system column (IF NOT EXISTS too)
    if (table.kind !== 'v' && SYSTEM_COLUMN_NAMES.has(column.name))
      throw systemColumnName(column.name);
    if (table.columns.some((c) => c.name === column.name && !c.dropped)) {
      if (options.ifNotExists) {
        this.#notice(
          `column "${column.name}" of relation "${table.name}" already exists, skipping`,
        );
        return undefined;
      }
      throw duplicateColumn(column.name, table.name);
    }
    const type = typeByOid(column.typeOid);
    if (!type) throw new SqlError('42704', `type with OID ${column.typeOid} does not exist`);
    const attnum = table.columns.length + 1;
    const att = this.#table('pg_attribute');
    att.insert(
      att.row({
        ...attributeRow({
          relid: tableOid,
          name: column.name,
          type,
          attnum,
          typmod: column.typmod,
          notNull: column.notNull,
          hasDefault: column.defaultExpr !== undefined,
          ndims: type.category === 'A' ? 1 : 0,
        }),
        ...(options.missing !== undefined && options.missing !== null
          ? { atthasmissing: true, attmissingval: encodeMissing(type, options.missing) }
          : {}),
      }),
      this.#x,
    );
    this.#updateClass(tableOid, { relnatts: attnum });
    if (column.defaultExpr !== undefined) this.#insertDefault(tableOid, attnum, column.defaultExpr);
    // AlterTableCreateToastTable after ALTER TABLE: a table that now needs one gets one
    if (
      table.toastRelid === 0 &&
      table.kind === 'r' &&
      needsToastTable(
        [...table.columns, { ...column, dropped: false, storage: type.storage }],
        this.#encoding(),
      )
    )
      this.#createToastTable(tableOid, table.persistence);
    this.#invalidate(tableOid);
    this.#cci();
    return attnum;
  }

  /** ALTER TABLE DROP COLUMN [CASCADE]: indexes and constraints on it go too. */
  dropColumn(tableOid: number, name: string, options: DropOptions = {}): void {
    const table = this.mustRelation(tableOid);
    const col = this.#mustColumn(table, name);
    this.#performDeletion(
      { classid: RelationRelationId, objid: tableOid, subid: col.attnum },
      options.cascade ?? false,
    );
  }

  /** ALTER TABLE RENAME COLUMN. */
  renameColumn(tableOid: number, oldName: string, newName: string): void {
    const table = this.mustRelation(tableOid);
    const col = table.columns.find((x) => x.name === oldName && !x.dropped);
    // renameatt's error names no relation
    if (!col) throw new SqlError('42703', `column "${oldName}" does not exist`);
    // issue 9 (F): check_for_column_name_collision with a system column
    if (table.kind !== 'v' && SYSTEM_COLUMN_NAMES.has(newName)) throw systemColumnName(newName);
    if (table.columns.some((c) => c.name === newName && !c.dropped))
      throw duplicateColumn(newName, table.name);
    this.#setAttribute(tableOid, col.attnum, { attname: newName });
    // index expressions and predicates are stored as text: rename the column in them too
    for (const ix of table.indexes) {
      if (ix.expressions === undefined && ix.predicate === undefined) continue;
      const row = this.#table('pg_index').lookupOne('pg_index_indexrelid_index', [ix.oid], this.#x);
      if (!row) continue;
      const re = (t: string) => renameIdentifier(t, oldName, newName);
      this.#updateRow('pg_index', row, {
        ...(ix.expressions !== undefined
          ? { indexprs: JSON.stringify(ix.expressions.map((x) => re(x.text))) }
          : {}),
        ...(ix.predicate !== undefined ? { indpred: re(ix.predicate) } : {}),
      });
      this.#invalidate(ix.oid);
    }
    this.#invalidate(tableOid);
    this.#cci();
  }

  /** ALTER COLUMN SET DEFAULT (SQL text) / DROP DEFAULT (undefined). */
  /** issue 9 (H): ALTER COLUMN ... DROP EXPRESSION — a generated column becomes a plain one. */
  dropExpression(tableOid: number, attnum: number): void {
    this.#dropDefault(tableOid, attnum);
    this.#setAttribute(tableOid, attnum, { attgenerated: '', atthasdef: false });
    this.#invalidate(tableOid);
    this.#cci();
  }

  setDefault(tableOid: number, name: string, expr: string | undefined): void {
    const table = this.mustRelation(tableOid);
    const col = this.#mustColumn(table, name);
    this.#dropDefault(tableOid, col.attnum);
    if (expr !== undefined) this.#insertDefault(tableOid, col.attnum, expr);
    this.#setAttribute(tableOid, col.attnum, { atthasdef: expr !== undefined });
    this.#invalidate(tableOid);
    this.#cci();
  }

  #dropDefault(tableOid: number, attnum: number): void {
    const ad = this.#table('pg_attrdef');
    for (const r of ad.lookup('pg_attrdef_adrelid_adnum_index', [tableOid, attnum], this.#x)) {
      ad.delete(r.tid, this.#x);
      this.#deleteDependsOf({
        classid: AttrDefaultRelationId,
        objid: r.values[0] as number,
        subid: 0,
      });
    }
  }

  /**
   * ALTER COLUMN SET / DROP NOT NULL. SET NOT NULL does not check existing
   * rows: the engine scans the table first (23502 `column "a" of relation
   * "t" contains null values`). DROP NOT NULL refuses a primary-key column.
   */
  setNotNull(tableOid: number, name: string, notNull: boolean): void {
    const table = this.mustRelation(tableOid);
    const col = this.#mustColumn(table, name);
    if (!notNull && table.indexes.some((i) => i.primary && i.columns.includes(col.attnum)))
      throw new SqlError('42P16', `column "${name}" is in a primary key`);
    this.#setAttribute(tableOid, col.attnum, { attnotnull: notNull });
    this.#invalidate(tableOid);
    this.#cci();
  }

  /**
   * TRUNCATE: new, empty files for the table and its indexes (relfilenode
   * changes); the old files are removed at commit, the new ones at abort.
   */
  truncate(tableOid: number): void {
    const table = this.mustRelation(tableOid);
    if (table.kind !== 'r') throw new SqlError('42809', `"${table.name}" is not a table`);
    const swap = (oid: number, old: number, isIndex: boolean, ix?: IndexDesc) => {
      const node = this.#newRelfilenode();
      const rel = { spcOid: DEFAULTTABLESPACE_OID, dbOid: this.dbOid, relNumber: node };
      if (isIndex && ix) {
        const inserter = table.persistence === 'p' ? this.cluster.inserter : undefined;
        BTree.create({
          pool: this.cluster.pool,
          rel,
          descriptor: indexDescriptor(table, ix),
          ...(inserter ? { inserter } : {}),
        });
        this.cluster.deleteOnAbort(this.#x.key, rel);
        this.#initFork(rel, table.persistence); // issue 9 (H)
      } else this.#createStorage(rel, table.persistence);
      this.cluster.deleteOnCommit(this.#x.key, { ...rel, relNumber: old });
      this.#updateClass(oid, {
        relfilenode: node,
        relpages: 0,
        reltuples: isIndex ? 0 : -1,
        relallvisible: 0,
      });
      this.#invalidate(oid);
    };
    swap(tableOid, table.relfilenode, false);
    for (const ix of table.indexes) swap(ix.oid, ix.relfilenode, true, ix);
    if (table.toastRelid !== 0) {
      // the toast relation and its index are emptied the same way
      const toast = this.mustRelation(table.toastRelid);
      swap(toast.oid, toast.relfilenode, false);
      for (const ix of toast.indexes) {
        const node = this.#newRelfilenode();
        const rel = { spcOid: DEFAULTTABLESPACE_OID, dbOid: this.dbOid, relNumber: node };
        const inserter = table.persistence === 'p' ? this.cluster.inserter : undefined;
        BTree.create({
          pool: this.cluster.pool,
          rel,
          descriptor: indexDescriptor(toast, ix),
          ...(inserter ? { inserter } : {}),
        });
        this.cluster.deleteOnAbort(this.#x.key, rel);
        this.#initFork(rel, table.persistence); // issue 9 (H)
        this.cluster.deleteOnCommit(this.#x.key, { ...rel, relNumber: ix.relfilenode });
        this.#updateClass(ix.oid, {
          relfilenode: node,
          relpages: 0,
          reltuples: 0,
          relallvisible: 0,
        });
        this.#invalidate(ix.oid);
      }
      this.#invalidate(toast.oid);
    }
    this.#invalidate(tableOid);
    this.#cci();
  }

  // ------------------------------------------------------------ issue 11: index build for REINDEX / VACUUM FULL / CLUSTER (rewrite.ts)

  /**
   * index_build: creates the index's empty file at `rel` (its CREATE
   * logged; removed if the transaction aborts) and fills it from the
   * table's heap (`options.heap`, default the table's current one). Without
   * `horizon` the entries are the tuples the transaction's catalog snapshot
   * sees (CREATE INDEX); with it, every tuple not dead to all
   * (horizonEntries in rewrite.ts: REINDEX and the rewrites). The one
   * function that builds an index from a heap: every caller goes through it.
   */
  buildIndex(
    table: RelationDesc,
    ix: IndexDesc,
    rel: RelFileLocator,
    options: BuildIndexOptions = {},
  ): { heapTuples: number; indexTuples: number } {
    const heap = options.heap ?? this.openTable(table.oid).heap;
    const entries =
      options.horizon === undefined
        ? buildEntries(heap, this.#x, ix.columns, options.entryOf)
        : horizonEntries(heap, options.horizon, ix, options.entryOf, options.missing);
    options.checkEntries?.(entries);
    // gin, brin, hash: issue 12's build (every entry here is one to load)
    if (ix.am !== 'btree') return this.buildIndexAm(table, ix, rel, heap, entries, options.entryOf);
    const inserter = table.persistence === 'p' ? this.cluster.inserter : undefined;
    const tree = BTree.create({
      pool: this.cluster.pool,
      rel,
      descriptor: indexDescriptor(table, ix),
      ...(inserter ? { inserter } : {}),
    });
    this.cluster.deleteOnAbort(this.#x.key, rel);
    this.#initFork(rel, table.persistence); // issue 9 (H)
    try {
      return tree.build(entries);
    } catch (e) {
      if (e instanceof SqlError && e.code === '23505')
        throw new SqlError('23505', `could not create unique index "${ix.name}"`, {
          detail: (e.detail ?? '').replace(/ already exists\.$/, ' is duplicated.'),
        });
      throw e;
    }
  }

  /** GetNewRelFileNumber for a relation's new files (REINDEX, VACUUM FULL, CLUSTER: rewrite.ts). */
  newRelfilenode(): number {
    return this.#newRelfilenode();
  }

  /** An unlogged relation's init fork for its new, empty main fork (VACUUM FULL, CLUSTER: rewrite.ts). */
  initForkOf(rel: RelFileLocator, persistence: RelPersistence): void {
    this.#initFork(rel, persistence);
  }

  /** DROP TABLE / DROP INDEX [CASCADE]. */
  dropRelation(oid: number, options: DropOptions = {}): void {
    const rel = this.mustRelation(oid);
    if (oid < FIRST_NORMAL_OBJECT_ID)
      throw new SqlError('42501', `permission denied: "${rel.name}" is a system catalog`);
    if (rel.kind === 'i' || rel.kind === 'S') {
      // an index that implements a constraint is dropped with the constraint (an identity sequence with its column)
      const owner = this.#dependsOn({ classid: RelationRelationId, objid: oid, subid: 0 }).find(
        (d) => d.deptype === 'i',
      );
      if (owner) {
        const ownerDesc = this.#describe(owner.ref);
        throw new SqlError(
          '2BP01',
          `cannot drop ${this.#describe({ classid: RelationRelationId, objid: oid, subid: 0 })} because ${ownerDesc} requires it`,
          {
            hint: `You can drop ${ownerDesc} instead.`,
          },
        );
      }
    }
    this.#performDeletion(
      { classid: RelationRelationId, objid: oid, subid: 0 },
      options.cascade ?? false,
    );
  }

  // ------------------------------------------------------------ issue 9 (G): views

  /** The descriptor fields of a view or materialized view (view-def.ts). */
  #viewFields(oid: number, kind: RelKind, populated: boolean): Partial<RelationDesc> {
    if ((kind !== 'v' && kind !== 'm') || COMPUTED_VIEWS.has(oid)) return {};
    const action = this.viewAction(oid);
    return {
      ...(action !== undefined ? { viewQuery: action } : {}),
      ...(kind === 'm' && !populated ? { unpopulated: true as const } : {}),
      ...(kind === 'v' ? viewCheckOption(this.relationOptions(oid)) : {}), // issue 9 (D)
    };
  }

  /** pg_rewrite's _RETURN rule of view `relid`, decoded (undefined when it has none). */
  viewAction(relid: number): ViewAction | undefined {
    const t = this.#table('pg_rewrite');
    const r = t.lookupOne('pg_rewrite_rel_rulename_index', [relid, '_RETURN'], this.#x);
    if (!r) return undefined;
    return decodeViewAction(String(r.values[t.col('ev_action')]));
  }

  /**
   * DefineViewRules / StoreViewQuery: the _RETURN rule of view `relid`
   * (inserted, or its action replaced for CREATE OR REPLACE) and its
   * dependencies on what `action` reads (`refs`, each column it uses).
   */
  setViewRule(relid: number, action: ViewAction, refs: readonly ViewReference[]): void {
    const t = this.#table('pg_rewrite');
    const old = t.lookupOne('pg_rewrite_rel_rulename_index', [relid, '_RETURN'], this.#x);
    let ruleOid: number;
    if (old) {
      ruleOid = old.values[t.col('oid')] as number;
      this.#updateRow('pg_rewrite', old, {
        ev_action: rewriteRow(ruleOid, relid, action).ev_action,
      });
      this.#deleteDependsOf({ classid: RewriteRelationId, objid: ruleOid, subid: 0 });
    } else {
      ruleOid = this.#newOid('pg_rewrite', 'pg_rewrite_oid_index');
      t.insert(t.row(rewriteRow(ruleOid, relid, action)), this.#x);
      this.#updateClass(relid, { relhasrules: true });
    }
    const rule = { classid: RewriteRelationId, objid: ruleOid, subid: 0 };
    for (const ref of sortedReferences([...refs, { relid, attnum: 0 }])) {
      this.#recordDependency(
        rule,
        { classid: RelationRelationId, objid: ref.relid, subid: ref.attnum },
        'n',
      );
    }
    this.#recordDependency(rule, { classid: RelationRelationId, objid: relid, subid: 0 }, 'i');
    this.#invalidate(relid);
    this.#cci();
  }

  /** CREATE OR REPLACE VIEW's new trailing columns (ALTER TABLE ADD COLUMN on the view). */
  addViewColumns(
    relid: number,
    columns: readonly {
      readonly name: string;
      readonly typeOid: number;
      readonly typmod: number;
    }[],
  ): void {
    const desc = this.mustRelation(relid);
    const att = this.#table('pg_attribute');
    columns.forEach((c, i) => {
      const type = typeByOid(c.typeOid) as AnyPgType;
      att.insert(
        att.row(
          attributeRow({
            relid,
            name: c.name,
            type,
            attnum: desc.columns.length + i + 1,
            typmod: c.typmod,
            notNull: false,
            hasDefault: false,
            ndims: type.category === 'A' ? 1 : 0,
          }),
        ),
        this.#x,
      );
    });
    this.#updateClass(relid, { relnatts: desc.columns.length + columns.length });
    this.#invalidate(relid);
    this.#cci();
  }

  /** A materialized view's relispopulated (REFRESH ... WITH [NO] DATA). */
  setPopulated(relid: number, populated: boolean): void {
    this.#updateClass(relid, { relispopulated: populated });
    this.#invalidate(relid);
    this.#cci();
  }

  /** Views (and materialized views) whose rule reads `relid` (or its column `attnum`). */
  dependentViews(relid: number, attnum = 0): number[] {
    const out: number[] = [];
    for (const d of this.#dependents({
      classid: RelationRelationId,
      objid: relid,
      subid: attnum,
    })) {
      if (d.dep.classid !== RewriteRelationId || d.deptype !== 'n') continue;
      const owner = this.#dependsOn(d.dep).find((x) => x.deptype === 'i')?.ref;
      if (owner !== undefined && owner.objid !== relid && !out.includes(owner.objid))
        out.push(owner.objid);
    }
    return out;
  }

  /**
   * A dependent found while deleting `obj`: a view's rule is reported and
   * deleted as its view (unless `obj` is that view); undefined when the
   * view is already being visited through another path.
   */
  #ruleOwner(
    d: { dep: ObjectAddress; deptype: string },
    obj: ObjectAddress,
  ): { dep: ObjectAddress; deptype: string } | undefined {
    if (d.dep.classid !== RewriteRelationId) return d;
    const owner = this.#dependsOn(d.dep).find((x) => x.deptype === 'i')?.ref;
    if (owner === undefined || (owner.classid === obj.classid && owner.objid === obj.objid))
      return d;
    return { dep: owner, deptype: d.deptype };
  }

  // ------------------------------------------------------------ dependencies

  /** pg_depend rows whose depender is `a`. */
  #dependsOn(a: ObjectAddress): { ref: ObjectAddress; deptype: string; tid: Tid }[] {
    const t = this.#table('pg_depend');
    return t
      .lookup('pg_depend_depender_index', [a.classid, a.objid, a.subid], this.#x)
      .map((r) => ({
        ref: {
          classid: r.values[t.col('refclassid')] as number,
          objid: r.values[t.col('refobjid')] as number,
          subid: r.values[t.col('refobjsubid')] as number,
        },
        deptype: r.values[t.col('deptype')] as string,
        tid: r.tid,
      }));
  }

  /** pg_depend rows that reference `a` (a whole object: every sub-object too). */
  #dependents(a: ObjectAddress): { dep: ObjectAddress; deptype: string }[] {
    const t = this.#table('pg_depend');
    const keys = a.subid === 0 ? [a.classid, a.objid] : [a.classid, a.objid, a.subid];
    return t
      .lookup('pg_depend_reference_index', keys, this.#x)
      .sort((x, y) => compareTids(x.tid, y.tid))
      .map((r) => ({
        dep: {
          classid: r.values[t.col('classid')] as number,
          objid: r.values[t.col('objid')] as number,
          subid: r.values[t.col('objsubid')] as number,
        },
        deptype: r.values[t.col('deptype')] as string,
      }));
  }

  #deleteDependsOf(a: ObjectAddress): void {
    const t = this.#table('pg_depend');
    for (const r of t.lookup('pg_depend_depender_index', [a.classid, a.objid], this.#x)) {
      if (a.subid !== 0 && r.values[t.col('objsubid')] !== a.subid) continue;
      t.delete(r.tid, this.#x);
    }
  }

  /** getObjectDescription, as PostgreSQL words it. */
  #describe(a: ObjectAddress): string {
    const relName = (oid: number) => {
      const r = this.#classRow(oid);
      if (!r) return `${oid}`;
      const name = this.#get('pg_class', r.values, 'relname') as string;
      const nsp = this.#get('pg_class', r.values, 'relnamespace') as number;
      return this.effectiveSearchPath().includes(nsp) ? name : `${this.namespaceName(nsp)}.${name}`;
    };
    const relKindWord = (oid: number) => {
      const r = this.#classRow(oid);
      const k = r ? (this.#get('pg_class', r.values, 'relkind') as string) : 'r';
      return (
        (
          {
            r: 'table',
            i: 'index',
            v: 'view',
            S: 'sequence',
            m: 'materialized view',
            c: 'composite type',
            p: 'table',
            f: 'foreign table',
            I: 'index',
            t: 'TOAST table',
          } as Record<string, string>
        )[k] ?? 'relation'
      );
    };
    switch (a.classid) {
      case RelationRelationId: {
        if (a.subid !== 0) {
          const att = this.#attributeRow(a.objid, a.subid);
          const n = att
            ? (this.#get('pg_attribute', att.values, 'attname') as string)
            : `${a.subid}`;
          return `column ${n} of ${relKindWord(a.objid)} ${relName(a.objid)}`;
        }
        return `${relKindWord(a.objid)} ${relName(a.objid)}`;
      }
      case NamespaceRelationId:
        return `schema ${this.namespaceName(a.objid) ?? a.objid}`;
      case TypeRelationId: {
        const t = this.#table('pg_type').lookupOne('pg_type_oid_index', [a.objid], this.#x);
        return `type ${t ? (this.#get('pg_type', t.values, 'typname') as string) : a.objid}`;
      }
      case ConstraintRelationId: {
        const t = this.#table('pg_constraint');
        const r = t.lookupOne('pg_constraint_oid_index', [a.objid], this.#x);
        if (!r) return `constraint ${a.objid}`;
        return `constraint ${r.values[t.col('conname')] as string} on table ${relName(r.values[t.col('conrelid')] as number)}`;
      }
      case RewriteRelationId: {
        // issue 9 (G)
        const r = this.#table('pg_rewrite').lookupOne('pg_rewrite_oid_index', [a.objid], this.#x);
        if (!r) return `rule ${a.objid}`;
        const rel = this.#describe({
          classid: RelationRelationId,
          objid: this.#get('pg_rewrite', r.values, 'ev_class') as number,
          subid: 0,
        });
        return `rule ${this.#get('pg_rewrite', r.values, 'rulename') as string} on ${rel}`;
      }
      case AttrDefaultRelationId: {
        const t = this.#table('pg_attrdef');
        const r = t.lookupOne('pg_attrdef_oid_index', [a.objid], this.#x);
        if (!r) return `default value ${a.objid}`;
        const col = this.#describe({
          classid: RelationRelationId,
          objid: r.values[t.col('adrelid')] as number,
          subid: r.values[t.col('adnum')] as number,
        });
        return `default value for ${col}`;
      }
      default:
        return `object ${a.classid}/${a.objid}/${a.subid}`;
    }
  }

  /**
   * performDeletion: finds everything that depends on `target`
   * (recursively), refuses with 2BP01 when a NORMAL dependent exists and
   * CASCADE was not given, else reports the cascaded objects in one NOTICE
   * and deletes them all, dependents first.
   */
  #performDeletion(target: ObjectAddress, cascade: boolean): void {
    const order: ObjectAddress[] = [];
    const seen = new Set<string>([addrKey(target)]);
    const normal: { dep: ObjectAddress; ref: ObjectAddress }[] = [];
    const visit = (obj: ObjectAddress, isTarget: boolean) => {
      for (const found of this.#dependents(obj)) {
        // issue 9 (G): a view's rule stands for its view (findDependentObjects: an
        // object with an INTERNAL dependency is deleted through its owner)
        const d = this.#ruleOwner(found, obj);
        if (d === undefined) continue;
        // a whole-object reference covers column references: dropping the table drops them
        const k = addrKey(d.dep);
        if (seen.has(k)) continue;
        // sub-objects of something already being deleted are deleted with it
        if (d.dep.subid !== 0 && seen.has(addrKey({ ...d.dep, subid: 0 }))) continue;
        if (d.dep.classid === obj.classid && d.dep.objid === obj.objid) continue;
        seen.add(k);
        if (d.deptype === 'n') normal.push({ dep: d.dep, ref: isTarget ? target : obj });
        visit(d.dep, false);
        order.push(d.dep);
      }
    };
    visit(target, true);
    // reportDependentObjects: an object that also has an AUTO or INTERNAL
    // dependency on something being deleted (a serial's sequence and its
    // default, with their table) goes silently, and needs no CASCADE
    const goesWith = (d: ObjectAddress) =>
      this.#dependsOn(d).some(
        (x) =>
          (x.deptype === 'a' || x.deptype === 'i') &&
          (seen.has(addrKey(x.ref)) || seen.has(addrKey({ ...x.ref, subid: 0 }))),
      );
    for (let i = normal.length - 1; i >= 0; i--) {
      if (goesWith((normal[i] as { dep: ObjectAddress }).dep)) normal.splice(i, 1);
    }
    if (normal.length > 0) {
      // H8: an object that depends on the target itself as well (a foreign key on the
      // referenced table, also reached through its unique index) is reported against the target
      const onTarget = (d: ObjectAddress) =>
        this.#dependsOn(d).some(
          (x) => x.ref.classid === target.classid && x.ref.objid === target.objid,
        );
      const lines = normal.map(
        (n) =>
          `${this.#describe(n.dep)} depends on ${this.#describe(onTarget(n.dep) ? target : n.ref)}`,
      );
      if (!cascade) {
        throw new SqlError(
          '2BP01',
          `cannot drop ${this.#describe(target)} because other objects depend on it`,
          {
            detail: lines.join('\n'),
            hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
          },
        );
      }
      const drops = normal.map((n) => `drop cascades to ${this.#describe(n.dep)}`);
      if (drops.length === 1) this.#notice(drops[0] as string);
      else this.#notice(`drop cascades to ${drops.length} other objects`, drops.join('\n'));
    }
    for (const obj of order) this.#deleteObject(obj);
    this.#deleteObject(target);
    this.#cci();
  }

  /** doDeletion for one object: its catalog rows, its pg_depend rows, its files at commit. */
  #deleteObject(a: ObjectAddress): void {
    const x = this.#x;
    switch (a.classid) {
      case RelationRelationId: {
        if (a.subid !== 0) {
          this.#dropColumnRow(a.objid, a.subid);
          break;
        }
        const cls = this.#classRow(a.objid);
        if (!cls) break;
        const kind = this.#get('pg_class', cls.values, 'relkind') as string;
        const node = this.#get('pg_class', cls.values, 'relfilenode') as number;
        if (node !== 0)
          this.cluster.deleteOnCommit(x.key, {
            spcOid: DEFAULTTABLESPACE_OID,
            dbOid: this.dbOid,
            relNumber: node,
          });
        const att = this.#table('pg_attribute');
        for (const r of att.lookup('pg_attribute_relid_attnum_index', [a.objid], x))
          att.delete(r.tid, x);
        const ad = this.#table('pg_attrdef');
        for (const r of ad.lookup('pg_attrdef_adrelid_adnum_index', [a.objid], x))
          ad.delete(r.tid, x);
        forgetStatistics(this, x, a.objid);
        if (kind === 'S') this.#deleteSequenceRow(a.objid);
        if (kind === 'i') {
          const ix = this.#table('pg_index');
          const r = ix.lookupOne('pg_index_indexrelid_index', [a.objid], x);
          if (r) {
            const table = r.values[ix.col('indrelid')] as number;
            ix.delete(r.tid, x);
            this.#invalidate(table);
            const cls2 = this.#classRow(table);
            if (
              cls2 &&
              this.#table('pg_index').lookup('pg_index_indrelid_index', [table], x).length === 0
            )
              this.#updateRow('pg_class', cls2, { relhasindex: false });
          }
        }
        this.#table('pg_class').delete(cls.tid, x);
        this.#invalidate(a.objid);
        break;
      }
      case TypeRelationId: {
        const r = this.#table('pg_type').lookupOne('pg_type_oid_index', [a.objid], x);
        if (r) this.#table('pg_type').delete(r.tid, x);
        break;
      }
      case ConstraintRelationId: {
        const t = this.#table('pg_constraint');
        const r = t.lookupOne('pg_constraint_oid_index', [a.objid], x);
        if (r) {
          t.delete(r.tid, x);
          this.#invalidate(r.values[t.col('conrelid')] as number);
          // H8: a foreign key's referenced table, a CHECK's relchecks
          const ref = r.values[t.col('confrelid')] as number;
          if (ref !== 0) this.#invalidate(ref);
          if (r.values[t.col('contype')] === 'c')
            this.#bumpRelchecks(r.values[t.col('conrelid')] as number, -1);
        }
        break;
      }
      case RewriteRelationId: {
        // issue 9 (G): a view's _RETURN rule
        const t = this.#table('pg_rewrite');
        const r = t.lookupOne('pg_rewrite_oid_index', [a.objid], x);
        if (r) {
          t.delete(r.tid, x);
          this.#invalidate(r.values[t.col('ev_class')] as number);
        }
        break;
      }
      case AttrDefaultRelationId: {
        const t = this.#table('pg_attrdef');
        const r = t.lookupOne('pg_attrdef_oid_index', [a.objid], x);
        if (r) {
          t.delete(r.tid, x);
          const rel = r.values[t.col('adrelid')] as number;
          const attnum = r.values[t.col('adnum')] as number;
          const att = this.#attributeRow(rel, attnum);
          if (att) this.#updateRow('pg_attribute', att, { atthasdef: false });
          this.#invalidate(rel);
        }
        break;
      }
      case NamespaceRelationId: {
        const r = this.#table('pg_namespace').lookupOne('pg_namespace_oid_index', [a.objid], x);
        if (r) this.#table('pg_namespace').delete(r.tid, x);
        break;
      }
      default:
        throw new Error(`cannot delete object of class ${a.classid}`);
    }
    deleteComments(this.#table('pg_description'), x, a.objid, a.classid, a.subid); // issue 9 (H)
    this.#deleteDependsOf(a);
    // PostgreSQL runs CommandCounterIncrement between deletions, so later ones see earlier ones
    this.#cci();
  }

  /** RemoveAttributeById: the column becomes "........pg.dropped.N........", typeless, nullable. */
  #dropColumnRow(relid: number, attnum: number): void {
    const row = this.#attributeRow(relid, attnum);
    if (!row) return;
    this.#dropDefault(relid, attnum);
    forgetStatistics(this, this.#x, relid, attnum);
    this.#updateRow('pg_attribute', row, {
      attname: `........pg.dropped.${attnum}........`,
      atttypid: 0,
      attnotnull: false,
      atthasdef: false,
      attstattarget: 0,
      attcollation: 0,
      attisdropped: true,
      atthasmissing: false,
      attmissingval: null,
    });
    this.#invalidate(relid);
  }
}

// ------------------------------------------------------------ helpers

/** The toast relation's columns (create_toast_table): name and type OID. */
const TOAST_COLUMNS: readonly (readonly [string, number])[] = [
  ['chunk_id', 26],
  ['chunk_seq', 23],
  ['chunk_data', 17],
];

/** TOAST_TUPLE_THRESHOLD: a quarter page less overhead. */
const TOAST_TUPLE_THRESHOLD = 2032;
/** SizeofHeapTupleHeader. */
const SIZEOF_HEAP_TUPLE_HEADER = 23;

const maxalign = (n: number) => (n + 7) & ~7;
const alignTo = (n: number, align: string) => {
  const a = align === 'd' ? 8 : align === 'i' ? 4 : align === 's' ? 2 : 1;
  return (n + a - 1) & ~(a - 1);
};

/**
 * type_maximum_size: the most bytes a value of a varlena type with this
 * typmod can take, or -1 when unlimited (text, bytea, varchar without a
 * length, ...). `encodingMaxLength`: pg_encoding_max_length of the database.
 */
function typeMaximumSize(typeOid: number, typmod: number, encodingMaxLength: number): number {
  if (typmod < 0) return -1;
  switch (typeOid) {
    case 1042: // bpchar
    case 1043: // varchar: the typmod counts characters and includes the header
      return (typmod - 4) * encodingMaxLength + 4;
    case 1700: {
      // numeric_maximum_size
      if (typmod < 4) return -1;
      const precision = ((typmod - 4) >> 16) & 0xffff;
      return 8 + Math.trunc((precision + 2 * 3) / 4) * 2;
    }
    case 1560: // bit
    case 1562: // varbit: the typmod counts bits
      return Math.trunc((typmod + 7) / 8) + 8;
    default:
      return -1;
  }
}

/** What needs_toast_table reads of a column (attstorage: default the type's typstorage). */
export interface ToastColumnShape {
  readonly typeOid: number;
  readonly typmod: number;
  readonly dropped: boolean;
  readonly storage?: string;
}

/**
 * needs_toast_table / heapam_relation_needs_toast_table: some live column
 * is a varlena with attstorage other than PLAIN, and either one such
 * column is unbounded or the widest possible tuple exceeds
 * TOAST_TUPLE_THRESHOLD.
 */
export function needsToastTable(
  columns: readonly ToastColumnShape[],
  encodingMaxLength = 4,
): boolean {
  let dataLength = 0;
  let unknown = false;
  let toastable = false;
  for (const c of columns) {
    if (c.dropped) continue;
    const t = typeByOid(c.typeOid);
    if (!t) continue;
    dataLength = alignTo(dataLength, t.align);
    if (t.len > 0) {
      dataLength += t.len;
      continue;
    }
    const max = typeMaximumSize(c.typeOid, c.typmod, encodingMaxLength);
    if (max < 0) unknown = true;
    else dataLength += max;
    if ((c.storage ?? t.storage) !== 'p') toastable = true;
  }
  if (!toastable) return false;
  if (unknown) return true;
  const bitmap = Math.ceil(columns.length / 8);
  const tupleLength = maxalign(SIZEOF_HEAP_TUPLE_HEADER + bitmap) + maxalign(dataLength);
  return tupleLength > TOAST_TUPLE_THRESHOLD;
}

/** The type a dropped column's bytes are skipped with: any type of the same length and alignment. */
function droppedShape(len: number, align: string): { typeOid: number } {
  const t = builtins.types().find((x) => x.len === len && x.align === align);
  return { typeOid: t?.oid ?? 25 };
}

function columnType(c: Pick<ColumnDesc, 'typeOid' | 'dropped'>): AnyPgType {
  const t = typeByOid(c.typeOid);
  if (!t) throw new SqlError('XX000', `cache lookup failed for type ${c.typeOid}`);
  return c.dropped ? droppedType(t) : t;
}

const droppedTypes = new Map<AnyPgType, AnyPgType>();

/**
 * The heap's type for a dropped column: the stand-in of its attlen and
 * attalign ({@link droppedShape}), whose bytes old tuples still hold — read
 * past and returned as NULL (a dropped column has no value to show, and
 * its bytes need not be valid for the stand-in), written only as NULL.
 */
function droppedType(shape: AnyPgType): AnyPgType {
  const hit = droppedTypes.get(shape);
  if (hit) return hit;
  const { decodeAt: _skip, ...rest } = shape;
  const t: AnyPgType = { ...rest, decode: () => null };
  droppedTypes.set(shape, t);
  return t;
}

function indexDescriptor(table: RelationDesc, ix: IndexDesc) {
  // the i-th index column: a table column, or the next expression's result
  const exprAt = new Map<number, IndexExpression>();
  let e = 0;
  ix.columns.forEach((n, i) => {
    if (n !== 0) return;
    const x = ix.expressions?.[e++];
    if (x) exprAt.set(i, x);
  });
  const colAt = (n: number, i: number): { name: string; typeOid: number; dropped: boolean } => {
    const x = exprAt.get(i);
    if (n === 0 && x) return { name: x.name, typeOid: x.typeOid, dropped: false };
    const c = table.columns.find((y) => y.attnum === n);
    if (!c) throw new SqlError('XX000', `index ${ix.name} names a missing column ${n}`);
    return c;
  };
  return {
    name: ix.name,
    unique: ix.unique,
    nullsNotDistinct: ix.nullsNotDistinct,
    keys: ix.columns.slice(0, ix.nkeys).map((n, i) => ({
      name: colAt(n, i).name,
      type: columnType(colAt(n, i)),
      ...(ix.descending[i] ? { desc: true } : {}),
      ...(ix.nullsFirst[i] ? { nullsFirst: true } : {}),
    })),
    include: ix.columns.slice(ix.nkeys).map((n, j) => ({
      name: colAt(n, ix.nkeys + j).name,
      type: columnType(colAt(n, ix.nkeys + j)),
    })),
  };
}

/**
 * `text` (an expression as our deparser writes it) with every column
 * reference `from` renamed `to`: identifiers outside string literals, not
 * function names (followed by `(`) and not type names (after `::`).
 */
function renameIdentifier(text: string, from: string, to: string): string {
  const token = /'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*|::|[\s\S]/g;
  let out = '';
  let afterCast = false;
  for (const m of text.matchAll(token)) {
    const t = m[0];
    const end = (m.index ?? 0) + t.length;
    const ident = t.startsWith('"')
      ? t.slice(1, -1).replaceAll('""', '"')
      : /^[A-Za-z_]/.test(t)
        ? t
        : undefined;
    if (ident === from && !afterCast && text[end] !== '(') out += quoteIdent(to);
    else out += t;
    if (t === '::') afterCast = true;
    else if (t.trim() !== '' && t !== '::') afterCast = false;
  }
  return out;
}

/**
 * A Toaster whose value OIDs come from the cluster's OID counter, as
 * PostgreSQL's toast_save_datum calls GetNewOidWithIndex: the next OID
 * with no entry (live or dead) in the toast index (TS3).
 */
class ClusterToaster extends Toaster {
  readonly #oids: { next(): number };

  constructor(options: ToasterOptions, oids: { next(): number }) {
    // firstOid: the inherited counter is unused (and the index not scanned for its start)
    super({ ...options, firstOid: FIRST_NORMAL_OBJECT_ID });
    this.#oids = oids;
  }

  override newValueOid(): number {
    for (;;) {
      const oid = this.#oids.next();
      if (!indexHasKey(this.index, oid)) return oid;
    }
  }
}

/** Whether `tree` has any entry (live or not) with key `oid` in its first column. */
function indexHasKey(tree: BTree, key: unknown): boolean {
  const scan = tree.beginScan();
  try {
    scan.rescan([{ attno: 1, strategy: 3, argument: key }]);
    return scan.next() !== null;
  } finally {
    scan.end();
  }
}

/**
 * The entries of an index build: every tuple the transaction's catalog
 * snapshot sees, keyed by the root of its HOT chain (so a fetch through
 * the index walks the chain to the version a snapshot sees).
 */
function buildEntries(
  heap: Heap,
  txn: CatalogTxn,
  attnums: readonly number[],
  entryOf?: (values: readonly unknown[]) => unknown[] | undefined,
) {
  const out: { tid: Tid; values: unknown[] }[] = [];
  let rootsOf: { block: number; roots: Map<number, number> } | undefined;
  for (const row of heap.scan(txn.snapshot(), txn.ctx)) {
    if (rootsOf?.block !== row.tid.block)
      rootsOf = { block: row.tid.block, roots: hotRoots(heap.readCopy(row.tid.block)) };
    const root = rootsOf.roots.get(row.tid.offset) ?? row.tid.offset;
    const values = entryOf ? entryOf(row.values) : attnums.map((n) => row.values[n - 1] ?? null);
    if (values === undefined) continue; // not in a partial index
    out.push({ tid: { block: row.tid.block, offset: root }, values });
  }
  return out;
}

/** heap_get_root_tuples: for each heap-only tuple on the page, the root line pointer of its chain. */
function hotRoots(bytes: Uint8Array): Map<number, number> {
  const page = Page.wrap(bytes);
  const roots = new Map<number, number>();
  for (let off = 1; off <= page.maxOffsetNumber; off++) {
    const lp = page.itemId(off);
    let next: number;
    if (lp.flags === LP_REDIRECT) next = lp.off;
    else if (lp.flags === LP_NORMAL) {
      const item = page.mustItem(off);
      if (isHeapOnly(tupleInfomask2(item))) continue;
      if ((tupleInfomask2(item) & HEAP_HOT_UPDATED) === 0) continue;
      next = tupleCtid(item).offset;
    } else continue;
    for (let guard = 0; guard < 1000 && next >= 1 && next <= page.maxOffsetNumber; guard++) {
      roots.set(next, off);
      const l = page.itemId(next);
      if (l.flags !== LP_NORMAL) break;
      const it = page.mustItem(next);
      if ((tupleInfomask2(it) & HEAP_HOT_UPDATED) === 0) break;
      next = tupleCtid(it).offset;
    }
  }
  return roots;
}

export { NamespaceRelationId };

/** A one-dimensional text[] value as the catalog rows hold it. */
function textArray(elements: readonly string[]) {
  return { dims: [elements.length], lbounds: [1], elements: [...elements] };
}
