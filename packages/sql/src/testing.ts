/**
 * Test helpers: an in-memory CatalogView over relations described in SQL,
 * for tests of this package and of packages that consume its query tree.
 */
import type { ColumnDesc, RelationDesc } from '@pg/catalog';
import { builtins } from '@pg/types';
import type { CatalogView } from './internal/catalog-view.js';
import { resolveTypeName } from './internal/coerce.js';
import { type PNode, parse } from './internal/parse.js';

export interface FakeTable {
  /** `CREATE TABLE` text, e.g. `create table t (a int, b text, c varchar(5))`; defaults through `defaults`. */
  readonly sql: string;
  /** Schema (default 'public'). */
  readonly schema?: string;
  /** Column name -> default expression text as pg_get_expr prints it. */
  readonly defaults?: Readonly<Record<string, string>>;
}

let nextOid = 16384;

/** A RelationDesc from CREATE TABLE text (call `await loadParser()` first). */
export function fakeRelation(table: FakeTable): RelationDesc {
  const [stmt] = parse(table.sql);
  const create = stmt?.node.CreateStmt;
  if (!create) throw new Error(`not a CREATE TABLE: ${table.sql}`);
  const columns: ColumnDesc[] = (create.tableElts ?? []).map((e: PNode, i: number) => {
    const def = e.ColumnDef as {
      colname: string;
      typeName: unknown;
      constraints?: { Constraint: { contype: string } }[];
    };
    const { oid, typmod } = resolveTypeName(def.typeName, builtins);
    const defaultExpr = table.defaults?.[def.colname];
    return {
      attnum: i + 1,
      name: def.colname,
      typeOid: oid,
      typmod,
      notNull: (def.constraints ?? []).some((c) => c.Constraint.contype === 'CONSTR_NOTNULL'),
      hasDefault: defaultExpr !== undefined,
      ...(defaultExpr !== undefined ? { defaultExpr } : {}),
      dropped: false,
      storage: 'x',
    } satisfies ColumnDesc;
  });
  const oid = nextOid++;
  return {
    oid,
    name: create.relation.relname,
    namespaceOid: 2200,
    namespaceName: table.schema ?? create.relation.schemaname ?? 'public',
    kind: 'r',
    persistence: 'p',
    relfilenode: oid,
    tablespace: 0,
    shared: false,
    columns,
    indexes: [],
    toastRelid: 0,
    fillfactor: 100,
  };
}

/** A CatalogView over these relations, with search_path pg_catalog, public. */
export function fakeCatalog(relations: readonly RelationDesc[]): CatalogView {
  const searchPath = ['pg_catalog', 'public'];
  return {
    registry: builtins,
    searchPath,
    currentUser: 'postgres',
    currentDatabase: 'postgres',
    lookupRelation(schema, name) {
      if (schema !== undefined)
        return relations.find((r) => r.namespaceName === schema && r.name === name);
      for (const s of searchPath) {
        const r = relations.find((x) => x.namespaceName === s && x.name === name);
        if (r) return r;
      }
      return undefined;
    },
  };
}
