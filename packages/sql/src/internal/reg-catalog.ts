/**
 * The catalog hook of the OID alias types (`TypeContext.catalog` in
 * @pg/types) over what @pg/catalog's Catalog already offers, with regtype
 * names read by the real grammar (parseTypeString).
 */
import { type RegCatalog, type Registry, SqlError } from '@pg/types';
import { resolveTypeName } from './coerce.js';
import { PositionedSqlError } from './errors.js';
import { type PNode, parse } from './parse.js';
import { attachPsqlSource } from './psql-functions.js';

/** What `regCatalog` reads; @pg/catalog's Catalog has all of it. */
export interface RegCatalogSource {
  /** RangeVarGetRelid (3F000 for a missing schema). */
  lookupRelation(
    schema: string | undefined,
    name: string,
    searchPath?: readonly string[],
  ): { readonly oid: number } | undefined;
  /** The relation cache entry of `oid`. */
  relation(oid: number): { readonly name: string; readonly namespaceName: string } | undefined;
  namespaceOid(name: string): number | undefined;
  namespaceName(oid: number): string | undefined;
  /** current_database(). */
  readonly databaseName: string;
  /** Every visible row of a system catalog, by column name (psql-functions.ts reads them). */
  catalogRows?(name: string): Record<string, unknown>[];
  /** The search path's existing schema OIDs, pg_catalog first unless listed. */
  effectiveSearchPath?(searchPath: readonly string[], user?: string): number[];
  /** The length in bytes of fork `fork` of relation `oid` (pg_relation_size). */
  relationForkBytes?(oid: number, fork: number): number | undefined;
  /** Roles, when the source knows them (regrole reads numbers only without). */
  roleOid?(name: string): number | undefined;
  roleName?(oid: number): string | undefined;
}

export interface RegCatalogOptions {
  /** The session's search_path, as lookupRelation takes it. */
  readonly searchPath: readonly string[];
  /** The types regtype can name. */
  readonly registry: Registry;
  /** The session's user, for "$user" in current_schemas() (without it "$user" names no schema). */
  readonly user?: string;
}

/** A plain SqlError (no position: the caller positions it at the literal). */
function unpositioned(e: unknown, context?: string): unknown {
  if (!(e instanceof PositionedSqlError)) return e;
  return new SqlError(e.code, e.message, {
    ...(e.detail !== undefined ? { detail: e.detail } : {}),
    ...(e.hint !== undefined ? { hint: e.hint } : {}),
    ...(context !== undefined ? { context } : {}),
  });
}

/**
 * typeStringToTypeName: `SELECT NULL::<text>` parsed by the real grammar;
 * anything but one such cast is `42601 invalid type name "<text>"`.
 */
function typeNameNode(text: string): PNode {
  const context = `invalid type name "${text}"`;
  let stmts: ReturnType<typeof parse>;
  try {
    stmts = parse(`SELECT NULL::${text}`);
  } catch (e) {
    throw unpositioned(e, context);
  }
  const fail = () => new SqlError('42601', context);
  if (stmts.length !== 1) throw fail();
  const sel = stmts[0]!.node.SelectStmt as PNode | undefined;
  if (
    sel === undefined ||
    sel.fromClause ||
    sel.whereClause ||
    sel.distinctClause ||
    sel.intoClause ||
    sel.groupClause ||
    sel.havingClause ||
    sel.windowClause ||
    sel.valuesLists ||
    sel.sortClause ||
    sel.limitCount ||
    sel.limitOffset ||
    sel.lockingClause ||
    sel.withClause ||
    (sel.op !== undefined && sel.op !== 'SETOP_NONE')
  ) {
    throw fail();
  }
  const targets: PNode[] = sel.targetList ?? [];
  const rt = targets.length === 1 ? targets[0]!.ResTarget : undefined;
  const cast = rt === undefined || rt.name !== undefined ? undefined : rt.val?.TypeCast;
  if (cast === undefined || cast.arg?.A_Const === undefined) throw fail();
  const typeName: PNode = cast.typeName;
  if (typeName.setof) throw fail();
  return typeName;
}

/** The RegCatalog of a session: relations, schemas and types as its catalog and search_path see them. */
export function regCatalog(source: RegCatalogSource, options: RegCatalogOptions): RegCatalog {
  const { searchPath, registry } = options;
  const hook: RegCatalog = {
    get databaseName() {
      return source.databaseName;
    },
    relationOid: (schema, name) => source.lookupRelation(schema, name, searchPath)?.oid,
    relation(oid) {
      const d = source.relation(oid);
      return d === undefined ? undefined : { name: d.name, schema: d.namespaceName };
    },
    namespaceOid: (name) => source.namespaceOid(name),
    namespaceName: (oid) => source.namespaceName(oid),
    // fetch_search_path: the existing schemas, duplicates dropped, implicit pg_catalog first
    currentSchemas(includeImplicit) {
      const out: string[] = [];
      for (const s of searchPath) {
        const name = s === '$user' ? (options.user ?? '') : s;
        if (name === '' || name === 'pg_temp' || out.includes(name)) continue;
        if (source.namespaceOid(name) !== undefined) out.push(name);
      }
      if (includeImplicit && !out.includes('pg_catalog')) out.unshift('pg_catalog');
      return out;
    },
    typeOid(text) {
      const node = typeNameNode(text);
      const names: string[] = (node.names ?? []).map((n: PNode) => n.String?.sval ?? '');
      if (names.length > 1) {
        const schema = names[names.length - 2]!;
        if (names.length > 3) {
          throw new SqlError(
            '42601',
            `improper qualified name (too many dotted names): ${names.join('.')}`,
          );
        }
        if (names.length === 3 && names[0] !== source.databaseName) {
          throw new SqlError(
            '0A000',
            `cross-database references are not implemented: ${names.join('.')}`,
          );
        }
        if (source.namespaceOid(schema) === undefined) {
          throw new SqlError('3F000', `schema "${schema}" does not exist`);
        }
      }
      try {
        return resolveTypeName(
          names.length === 3 ? { ...node, names: node.names.slice(1) } : node,
          registry,
        ).oid;
      } catch (e) {
        throw unpositioned(e);
      }
    },
  };
  if (source.catalogRows !== undefined) {
    const rows = source.catalogRows.bind(source);
    const path = source.effectiveSearchPath?.bind(source);
    const forks = source.relationForkBytes?.bind(source);
    attachPsqlSource(hook, {
      rows,
      searchPath: () => path?.(searchPath, options.user) ?? [],
      ...(forks !== undefined ? { forkBytes: forks } : {}),
    });
  }
  if (source.roleOid !== undefined) {
    const roleOid = source.roleOid.bind(source);
    (hook as { roleOid?: (name: string) => number | undefined }).roleOid = roleOid;
  }
  if (source.roleName !== undefined) {
    const roleName = source.roleName.bind(source);
    (hook as { roleName?: (oid: number) => string | undefined }).roleName = roleName;
  }
  return hook;
}
