/**
 * initdb's bootstrap: the catalogs of one database (and, once per cluster,
 * the shared ones in global/) created as heap files with their B-tree
 * indexes, filled with PostgreSQL 15's built-in rows. Every row has
 * xmin = FrozenTransactionId with HEAP_XMIN_FROZEN set, as initdb's
 * VACUUM FREEZE leaves them; pages are written whole and WAL-logged as
 * full-page images (log_newpage), files created with the storage rmgr's
 * CREATE record, so recovery rebuilds them.
 */

import type { Tid } from '@pg/access';
import {
  addHeapTuple,
  FROZEN_TRANSACTION_ID,
  formHeapTuple,
  HEAP_XMAX_INVALID,
  HEAP_XMIN_FROZEN,
  setTupleCtid,
} from '@pg/heap';
import { Page } from '@pg/page';
import {
  type BufferPool,
  createFork,
  ForkNumber,
  logNewPages,
  type XLogInserter,
} from '@pg/storage';
import { builtins } from '@pg/types';
import {
  ACCESS_METHODS,
  BOOTSTRAP_SUPERUSERID,
  BTREE_AM_OID,
  C_COLLATION_OID,
  CATALOG_PKEY_INDEXES,
  DEFAULTTABLESPACE_OID,
  GLOBALTABLESPACE_OID,
  HEAP_TABLE_AM_OID,
  INFORMATION_SCHEMA_NAMESPACE,
  PG_CATALOG_NAMESPACE,
  PG_PUBLIC_NAMESPACE,
  PG_TOAST_NAMESPACE,
  POSTGRES_OID,
  PREDEFINED_ROLES,
  ROLE_PG_DATABASE_OWNER,
  TEMPLATE0_OID,
  TEMPLATE1_OID,
} from './consts.js';
import { indexAmCatalogRows } from './index-am.js'; // issue 12
import {
  type CatalogDef,
  PG15_CATALOGS,
  PG15_OPERATORS,
  PG15_PROCS,
  type ViewDef,
} from './pg15-data.js';
import { PGDUMP_CATALOGS } from './pgdump-catalogs.js';
import { PSQL_CATALOGS, psqlCatalogRows } from './psql-catalogs.js';
import {
  attributeRow,
  baseTypeRow,
  btreeIndexRow,
  classRow,
  compositeTypeRow,
  systemAttributeRows,
  typeCollation,
} from './rows.js';
import { CatalogTable, catalogLocator } from './table.js';
import { catalogColumnType, indexColumnShape, localTypes } from './types.js';
import { SYSTEM_VIEWS } from './views.js';

/** Every catalog: pg15-data.ts's, and the ones only clients read (psql-catalogs.ts). */
const ALL_CATALOGS: readonly CatalogDef[] = [
  ...PG15_CATALOGS,
  ...PSQL_CATALOGS,
  ...PGDUMP_CATALOGS,
];
/** The catalogs that live in global/ (relisshared). */
export const SHARED_CATALOGS: readonly CatalogDef[] = ALL_CATALOGS.filter((c) => c.shared);
/** The per-database catalogs. */
export const LOCAL_CATALOGS: readonly CatalogDef[] = ALL_CATALOGS.filter((c) => !c.shared);

export function catalogDef(name: string): CatalogDef {
  const d = ALL_CATALOGS.find((c) => c.name === name);
  if (!d) throw new Error(`no catalog ${name}`);
  return d;
}

export interface BootstrapOptions {
  readonly pool: BufferPool;
  /** WAL: without it nothing is logged (an in-memory scratch cluster). */
  readonly inserter?: XLogInserter;
  /** The bootstrap superuser's name (initdb -U), default 'postgres'. */
  readonly superuser?: string;
  /** Database encoding number (pg_database.encoding), default 6 (UTF8). */
  readonly encoding?: number;
  /** datcollate / datctype, default 'C.UTF-8'. */
  readonly locale?: string;
}

/**
 * Writes `rows` into the empty heap of `table` as frozen tuples, page after
 * page, then builds each index over them. Returns the rows' TIDs.
 */
function loadFrozen(
  table: CatalogTable,
  rows: readonly (readonly unknown[])[],
  pool: BufferPool,
  inserter: XLogInserter | undefined,
): Tid[] {
  const rel = table.heap.rel;
  if (!pool.smgr.exists(rel, ForkNumber.main)) {
    if (inserter) createFork(inserter, rel, ForkNumber.main);
    else pool.smgr.create(rel, ForkNumber.main);
  }
  const tids: Tid[] = [];
  let buffer = -1;
  let page: Page | undefined;
  const finish = () => {
    if (buffer < 0) return;
    pool.markDirty(buffer);
    if (inserter) logNewPages(inserter, [buffer]);
    pool.unlockRelease(buffer);
    buffer = -1;
  };
  for (const values of rows) {
    const tuple = formHeapTuple(table.heap.types, values, {
      xmin: FROZEN_TRANSACTION_ID,
      infomask: HEAP_XMAX_INVALID | HEAP_XMIN_FROZEN,
    });
    let offset = page ? addHeapTuple(page, tuple) : undefined;
    if (offset === undefined) {
      finish();
      buffer = pool.extend(rel, ForkNumber.main);
      pool.lock(buffer, 'exclusive');
      page = Page.init(pool.bytes(buffer));
      offset = addHeapTuple(page, tuple);
      if (offset === undefined) throw new Error(`catalog row too large for ${table.def.name}`);
    }
    const tid = { block: pool.blockNumber(buffer), offset };
    setTupleCtid((page as Page).mustItem(offset), tid);
    tids.push(tid);
  }
  finish();
  for (const idx of table.indexes) {
    idx.tree.build(
      rows.map((values, i) => ({
        tid: tids[i] as Tid,
        values: idx.attnums.map((a) => values[a - 1]),
      })),
    );
  }
  return tids;
}

/** pg_class, pg_attribute, pg_type and pg_index rows describing the catalog `def` and its indexes. */
function describeCatalog(def: CatalogDef, out: Rows): void {
  add(out, 'pg_class').push(
    classRow({
      oid: def.oid,
      name: def.name,
      namespace: PG_CATALOG_NAMESPACE,
      rowtype: def.rowtype,
      am: HEAP_TABLE_AM_OID,
      relfilenode: def.oid,
      tablespace: def.shared ? GLOBALTABLESPACE_OID : 0,
      hasIndex: def.indexes.length > 0,
      shared: def.shared,
      persistence: 'p',
      kind: 'r',
      natts: def.columns.length,
      frozenxid: FROZEN_TRANSACTION_ID + 1,
      minmxid: 1,
    }),
  );
  def.columns.forEach(([name, typeOid, notNull], i) => {
    const type = catalogColumnType(typeOid);
    add(out, 'pg_attribute').push(
      attributeRow({
        relid: def.oid,
        name,
        type,
        attnum: i + 1,
        typmod: -1,
        notNull,
        hasDefault: false,
        ndims: type.elemOid !== 0 && type.category === 'A' ? 1 : 0,
        // catalogs' collatable columns use the C collation
        collation: typeCollation(typeOid) === 0 ? 0 : C_COLLATION_OID,
      }),
    );
  });
  add(out, 'pg_attribute').push(...systemAttributeRows(def.oid));
  add(out, 'pg_type').push(
    compositeTypeRow(def.rowtype, def.name, PG_CATALOG_NAMESPACE, def.oid, 0),
  );
  for (const idx of def.indexes) {
    add(out, 'pg_class').push(
      classRow({
        oid: idx.oid,
        name: idx.name,
        namespace: PG_CATALOG_NAMESPACE,
        rowtype: 0,
        am: BTREE_AM_OID,
        relfilenode: idx.oid,
        tablespace: def.shared ? GLOBALTABLESPACE_OID : 0,
        hasIndex: false,
        shared: def.shared,
        persistence: 'p',
        kind: 'i',
        natts: idx.keys.length,
        frozenxid: 0,
        minmxid: 0,
      }),
    );
    const attnums: number[] = [];
    const types: number[] = [];
    idx.keys.forEach((k, i) => {
      const pos = def.columns.findIndex((c) => c[0] === k);
      const typeOid = (def.columns[pos] as readonly [string, number, boolean])[1];
      attnums.push(pos + 1);
      types.push(typeOid);
      add(out, 'pg_attribute').push(
        attributeRow({
          relid: idx.oid,
          name: k,
          type: indexColumnShape(typeOid),
          attnum: i + 1,
          typmod: -1,
          notNull: false,
          hasDefault: false,
          ndims: 0,
          collation: typeCollation(typeOid) === 0 ? 0 : C_COLLATION_OID,
        }),
      );
    });
    add(out, 'pg_index').push(
      btreeIndexRow({
        indexrelid: idx.oid,
        indrelid: def.oid,
        attnums,
        types,
        unique: idx.unique,
        primary: CATALOG_PKEY_INDEXES.has(idx.oid),
      }),
    );
  }
}

/** pg_class, pg_attribute and pg_type rows of a computed system view (views have no system columns). */
function describeView(view: ViewDef, out: Rows): void {
  add(out, 'pg_class').push(
    classRow({
      oid: view.oid,
      name: view.name,
      namespace: view.nsp,
      rowtype: view.rowtype,
      am: 0,
      relfilenode: 0,
      tablespace: 0,
      hasIndex: false,
      shared: false,
      persistence: 'p',
      kind: 'v',
      natts: view.columns.length,
      frozenxid: 0,
      minmxid: 0,
    }),
  );
  view.columns.forEach(([name, typeOid, typmod], i) => {
    const type = catalogColumnType(typeOid);
    add(out, 'pg_attribute').push(
      attributeRow({
        relid: view.oid,
        name,
        type,
        attnum: i + 1,
        typmod,
        notNull: false,
        hasDefault: false,
        ndims: type.category === 'A' ? 1 : 0,
      }),
    );
  });
  add(out, 'pg_type').push(compositeTypeRow(view.rowtype, view.name, view.nsp, view.oid, 0));
}

type Rows = Record<string, Record<string, unknown>[]>;

function add(rows: Rows, name: string): Record<string, unknown>[] {
  let list = rows[name];
  if (list === undefined) {
    list = [];
    rows[name] = list;
  }
  return list;
}

function emptyRows(defs: readonly CatalogDef[]): Record<string, Record<string, unknown>[]> {
  return Object.fromEntries(ALL_CATALOGS.concat(defs).map((d) => [d.name, []]));
}

function writeAll(
  defs: readonly CatalogDef[],
  rows: Rows,
  pool: BufferPool,
  inserter: XLogInserter | undefined,
  dbOid: number,
): void {
  for (const def of defs) {
    const table = new CatalogTable(def, pool, dbOid, inserter, true);
    loadFrozen(
      table,
      (rows[def.name] ?? []).map((r) => table.row(r)),
      pool,
      inserter,
    );
  }
}

/**
 * Creates the shared catalogs (pg_database, pg_authid, pg_tablespace in
 * global/) with their rows: the databases template1 (1), template0 (4) and
 * postgres (5), the bootstrap superuser (10) and PostgreSQL 15's predefined
 * roles, the tablespaces pg_default (1663) and pg_global (1664). Once per
 * cluster.
 */
export function bootstrapShared(options: BootstrapOptions): void {
  const rows = emptyRows(SHARED_CATALOGS);
  const su = options.superuser ?? 'postgres';
  const locale = options.locale ?? 'C.UTF-8';
  for (const [oid, name, tmpl, conn] of [
    [TEMPLATE1_OID, 'template1', true, true],
    [TEMPLATE0_OID, 'template0', true, false],
    [POSTGRES_OID, 'postgres', false, true],
  ] as const) {
    add(rows, 'pg_database').push({
      oid,
      datname: name,
      datdba: BOOTSTRAP_SUPERUSERID,
      encoding: options.encoding ?? 6,
      datlocprovider: 'c',
      datistemplate: tmpl,
      datallowconn: conn,
      datconnlimit: -1,
      datfrozenxid: FROZEN_TRANSACTION_ID + 1,
      datminmxid: 1,
      dattablespace: DEFAULTTABLESPACE_OID,
      datcollate: locale,
      datctype: locale,
      daticulocale: null,
      datcollversion: null,
      datacl: null,
    });
  }
  const role = (oid: number, name: string, superuser: boolean) => ({
    oid,
    rolname: name,
    rolsuper: superuser,
    rolinherit: true,
    rolcreaterole: superuser,
    rolcreatedb: superuser,
    rolcanlogin: superuser,
    rolreplication: superuser,
    rolbypassrls: superuser,
    rolconnlimit: -1,
    rolpassword: null,
    rolvaliduntil: null,
  });
  add(rows, 'pg_authid').push(role(BOOTSTRAP_SUPERUSERID, su, true));
  for (const [oid, name] of PREDEFINED_ROLES) add(rows, 'pg_authid').push(role(oid, name, false));
  add(rows, 'pg_tablespace').push(
    {
      oid: DEFAULTTABLESPACE_OID,
      spcname: 'pg_default',
      spcowner: BOOTSTRAP_SUPERUSERID,
      spcacl: null,
      spcoptions: null,
    },
    {
      oid: GLOBALTABLESPACE_OID,
      spcname: 'pg_global',
      spcowner: BOOTSTRAP_SUPERUSERID,
      spcacl: null,
      spcoptions: null,
    },
  );
  writeAll(SHARED_CATALOGS, rows, options.pool, options.inserter, 0);
}

/**
 * Creates the catalogs of database `dbOid` in base/<dbOid>/ with their
 * built-in rows: namespaces, types, functions, operators, access methods,
 * and pg_class / pg_attribute / pg_type / pg_index rows describing every
 * catalog (the shared ones included) and its indexes.
 */
export function bootstrapDatabase(options: BootstrapOptions & { readonly dbOid: number }): void {
  const rows = emptyRows(LOCAL_CATALOGS);
  const su = BOOTSTRAP_SUPERUSERID;
  add(rows, 'pg_namespace').push(
    { oid: PG_CATALOG_NAMESPACE, nspname: 'pg_catalog', nspowner: su, nspacl: null },
    { oid: PG_TOAST_NAMESPACE, nspname: 'pg_toast', nspowner: su, nspacl: null },
    { oid: PG_PUBLIC_NAMESPACE, nspname: 'public', nspowner: ROLE_PG_DATABASE_OWNER, nspacl: null },
    {
      oid: INFORMATION_SCHEMA_NAMESPACE,
      nspname: 'information_schema',
      nspowner: su,
      nspacl: null,
    },
  );
  for (const t of [...builtins.types(), ...localTypes()]) add(rows, 'pg_type').push(baseTypeRow(t));
  for (const f of builtins.functions()) {
    const key = `${f.name}(${f.args.join(',')})`;
    const pg = PG15_PROCS[key];
    if (!pg) throw new Error(`no PostgreSQL 15 OID for function ${key}`);
    const [oid, prokind, prosrc, proparallel, procost, prorows] = pg;
    add(rows, 'pg_proc').push({
      oid,
      proname: f.name,
      pronamespace: PG_CATALOG_NAMESPACE,
      proowner: su,
      prolang: 12,
      procost,
      prorows,
      provariadic: f.variadic ?? 0,
      prosupport: 0,
      prokind,
      prosecdef: false,
      proleakproof: false,
      proisstrict: f.strict,
      proretset: f.retset ?? false,
      provolatile: f.volatility,
      proparallel,
      pronargs: f.args.length,
      pronargdefaults: 0,
      prorettype: f.result,
      proargtypes: [...f.args],
      proallargtypes: null,
      proargmodes: null,
      proargnames: null,
      proargdefaults: null,
      protrftypes: null,
      prosrc,
      probin: null,
      prosqlbody: null,
      proconfig: null,
      proacl: null,
    });
  }
  for (const o of PG15_OPERATORS) {
    add(rows, 'pg_operator').push({
      oid: o[0],
      oprname: o[1],
      oprnamespace: PG_CATALOG_NAMESPACE,
      oprowner: su,
      oprkind: o[2],
      oprcanmerge: o[3],
      oprcanhash: o[4],
      oprleft: o[5],
      oprright: o[6],
      oprresult: o[7],
      oprcom: o[8],
      oprnegate: o[9],
      oprcode: o[10],
      oprrest: o[11],
      oprjoin: o[12],
    });
  }
  for (const [oid, amname, amhandler, amtype] of ACCESS_METHODS)
    add(rows, 'pg_am').push({ oid, amname, amhandler, amtype });
  for (const def of ALL_CATALOGS) describeCatalog(def, rows);
  for (const def of PSQL_CATALOGS) add(rows, def.name).push(...psqlCatalogRows(def.name));
  // issue 12 (index AMs): the gin, brin and hash operator classes, families and operators
  for (const name of ['pg_opclass', 'pg_opfamily', 'pg_amop'])
    add(rows, name).push(...indexAmCatalogRows(name));
  // issue 10 (H9): initdb's comment on the public schema (pg_dump leaves it out only when it is this)
  add(rows, 'pg_description').push({
    objoid: 2200,
    classoid: 2615,
    objsubid: 0,
    description: 'standard public schema',
  });
  for (const view of SYSTEM_VIEWS) describeView(view, rows);
  writeAll(LOCAL_CATALOGS, rows, options.pool, options.inserter, options.dbOid);
}

/**
 * initdb's catalog part: the shared catalogs, then the catalogs of
 * template1, template0 and postgres (each database gets its own files, as
 * CREATE DATABASE's copy of template1 would give).
 */
export function bootstrapCatalog(options: BootstrapOptions): void {
  bootstrapShared(options);
  for (const dbOid of [TEMPLATE1_OID, TEMPLATE0_OID, POSTGRES_OID])
    bootstrapDatabase({ ...options, dbOid });
}

export { catalogLocator };
