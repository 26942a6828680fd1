/**
 * issue 9 (H): table DDL beyond the basics — COMMENT ON (commands/comment.c
 * with objectaddress.c's name resolution). The catalog writes the rows
 * (pg_description, pg_shdescription); this file resolves the object, checks
 * its kind and raises PostgreSQL's errors. Also the startup reset of
 * unlogged relations after a crash (ResetUnloggedRelations).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog, RelationDesc } from '@pg/catalog';
import type { PNode } from '@pg/sql';
import { type BufferPool, resetUnloggedRelation } from '@pg/storage';
import { EngineError } from './result.js';

/** What COMMENT ON needs from its session. */
export interface TableDdlExtrasContext {
  readonly catalog: Catalog;
  readonly searchPath: readonly string[];
  /** The session's database (for a three-part name's first part). */
  readonly database: string;
  /** A WARNING for the client (COMMENT ON DATABASE of a missing database warns). */
  readonly warn: (code: string, message: string) => void;
}

const RELATION_CLASS = 1259;
const NAMESPACE_CLASS = 2615;
const CONSTRAINT_CLASS = 2606;
const AUTHID_CLASS = 1260;
const DATABASE_CLASS = 1262;

/** System columns by name: their attnums (sysattr.h). */
const SYSTEM_ATTNUMS: Readonly<Record<string, number>> = {
  ctid: -1,
  xmin: -2,
  cmin: -3,
  xmax: -4,
  cmax: -5,
  tableoid: -6,
};

const KIND_NOUN: Readonly<Record<string, string>> = {
  i: 'indexes',
  I: 'partitioned indexes',
  S: 'sequences',
  t: 'TOAST tables',
};

const strings = (node: PNode): string[] => {
  if (node?.List !== undefined)
    return (node.List.items ?? []).map((i: PNode) => String(i.String?.sval));
  if (Array.isArray(node)) return node.map((i: PNode) => String(i.String?.sval));
  if (node?.String !== undefined) return [String(node.String.sval)];
  return [];
};

/** makeRangeVarFromNameList + RangeVarGetRelid with PostgreSQL's errors. */
function resolveRelation(ctx: TableDdlExtrasContext, names: readonly string[]): RelationDesc {
  let schema: string | undefined;
  let name: string;
  if (names.length === 1) name = names[0] as string;
  else if (names.length === 2) [schema, name] = names as [string, string];
  else if (names.length === 3) {
    if (names[0] !== ctx.database) {
      throw new EngineError(
        '0A000',
        `cross-database references are not implemented: "${names.join('.')}"`,
      );
    }
    [, schema, name] = names as [string, string, string];
  } else {
    throw new EngineError(
      '42601',
      `improper relation name (too many dotted names): ${names.join('.')}`,
    );
  }
  if (schema !== undefined && ctx.catalog.namespaceOid(schema) === undefined)
    throw new EngineError('3F000', `schema "${schema}" does not exist`);
  const desc = ctx.catalog.lookupRelation(schema, name, ctx.searchPath);
  if (desc === undefined) {
    const qualified = schema === undefined ? name : `${schema}.${name}`;
    throw new EngineError('42P01', `relation "${qualified}" does not exist`);
  }
  return desc;
}

/** get_relation_by_qualified_name's kind check. */
function checkKind(desc: RelationDesc, objtype: string): void {
  const want: Readonly<Record<string, readonly [string, string]>> = {
    OBJECT_TABLE: ['rp', 'a table'],
    OBJECT_INDEX: ['iI', 'an index'],
    OBJECT_SEQUENCE: ['S', 'a sequence'],
    OBJECT_VIEW: ['v', 'a view'],
    OBJECT_MATVIEW: ['m', 'a materialized view'],
    OBJECT_FOREIGN_TABLE: ['f', 'a foreign table'],
  };
  const w = want[objtype];
  if (w !== undefined && !w[0].includes(desc.kind))
    throw new EngineError('42809', `"${desc.name}" is not ${w[1]}`);
}

/** COMMENT ON ... IS 'text' | NULL. Returns the command tag. */
export function commentOn(ctx: TableDdlExtrasContext, body: PNode): string {
  const objtype = String(body.objtype);
  const text = body.comment === undefined || body.comment === null ? null : String(body.comment);
  const { catalog } = ctx;
  switch (objtype) {
    case 'OBJECT_TABLE':
    case 'OBJECT_INDEX':
    case 'OBJECT_SEQUENCE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
    case 'OBJECT_FOREIGN_TABLE': {
      const desc = resolveRelation(ctx, strings(body.object));
      checkKind(desc, objtype);
      catalog.setComment(desc.oid, RELATION_CLASS, 0, text);
      return 'COMMENT';
    }
    case 'OBJECT_COLUMN': {
      const names = strings(body.object);
      if (names.length < 2) throw new EngineError('42601', 'column name must be qualified');
      const column = names[names.length - 1] as string;
      const desc = resolveRelation(ctx, names.slice(0, -1));
      const col = desc.columns.find((c) => c.name === column && !c.dropped);
      const attnum = col?.attnum ?? SYSTEM_ATTNUMS[column];
      if (attnum === undefined || (col === undefined && desc.kind === 'v')) {
        throw new EngineError(
          '42703',
          `column "${column}" of relation "${names.slice(0, -1).join('.')}" does not exist`,
        );
      }
      const noun = KIND_NOUN[desc.kind];
      if (noun !== undefined) {
        throw new EngineError('42809', `cannot set comment on relation "${desc.name}"`, {
          detail: `This operation is not supported for ${noun}.`,
        });
      }
      catalog.setComment(desc.oid, RELATION_CLASS, attnum, text);
      return 'COMMENT';
    }
    case 'OBJECT_TABCONSTRAINT': {
      const names = strings(body.object);
      const conname = names[names.length - 1] as string;
      const desc = resolveRelation(ctx, names.slice(0, -1));
      const con = catalog.constraintsOf(desc.oid).find((c) => c.name === conname);
      if (con === undefined) {
        throw new EngineError(
          '42704',
          `constraint "${conname}" for table "${desc.name}" does not exist`,
        );
      }
      catalog.setComment(con.oid, CONSTRAINT_CLASS, 0, text);
      return 'COMMENT';
    }
    case 'OBJECT_SCHEMA': {
      const name = strings(body.object)[0] as string;
      const oid = catalog.namespaceOid(name);
      if (oid === undefined) throw new EngineError('3F000', `schema "${name}" does not exist`);
      catalog.setComment(oid, NAMESPACE_CLASS, 0, text);
      return 'COMMENT';
    }
    case 'OBJECT_ROLE': {
      const name = strings(body.object)[0] as string;
      const role = catalog.authid(name);
      if (role === undefined) throw new EngineError('42704', `role "${name}" does not exist`);
      catalog.setSharedComment(Number(role.oid), AUTHID_CLASS, text);
      return 'COMMENT';
    }
    case 'OBJECT_DATABASE': {
      const name = strings(body.object)[0] as string;
      const oid = catalog.databaseOid(name);
      if (oid === undefined) {
        ctx.warn('3D000', `database "${name}" does not exist`);
        return 'COMMENT';
      }
      catalog.setSharedComment(oid, DATABASE_CLASS, text);
      return 'COMMENT';
    }
    default:
      throw new EngineError(
        '0A000',
        `COMMENT ON ${objtype.replace(/^OBJECT_/, '').replace(/_/g, ' ')} is not supported yet`,
      );
  }
}

/**
 * ResetUnloggedRelations(UNLOGGED_RELATION_INIT) after crash recovery: every
 * `base/<db>/<relfilenode>_init` file marks an unlogged relation, whose main
 * fork becomes a copy of its init fork (empty table, empty index). Returns
 * how many relations were reset.
 */
export function resetUnloggedRelations(dataDir: string, pool: BufferPool): number {
  let n = 0;
  const base = join(dataDir, 'base');
  for (const db of readdirSync(base)) {
    if (!/^\d+$/.test(db)) continue;
    for (const file of readdirSync(join(base, db))) {
      const m = /^(\d+)_init$/.exec(file);
      if (m === null) continue;
      const rel = { spcOid: 1663, dbOid: Number(db), relNumber: Number(m[1]) };
      if (resetUnloggedRelation(pool, rel)) n++;
    }
  }
  return n;
}

// ---------------------------------------------------------------- temporary tables

/** The session's temporary schema (PostgreSQL's pg_temp_<backend id>). */
export function tempNamespaceName(backendId: number): string {
  return `pg_temp_${backendId}`;
}

/** Where CREATE TABLE / SEQUENCE puts a relation, and with which persistence. */
export interface CreationTarget {
  /** The schema's name, or undefined to take the search path's first (the caller's rule). */
  readonly namespace: string | undefined;
  readonly persistence: 'p' | 'u' | 't';
}

/**
 * RangeVarAdjustRelationPersistence and the ON COMMIT check of
 * DefineRelation: a relation named in pg_temp (or this session's
 * pg_temp_N) is temporary; TEMP in another schema, UNLOGGED in pg_temp and
 * ON COMMIT on a non-temporary table are 42P16. The temporary schema is
 * created on first use (InitTempTableNamespace); one left by a session
 * that crashed is emptied first.
 */
export function creationTarget(
  ctx: TableDdlExtrasContext & { readonly backendId: number; readonly source: string },
  rv: PNode,
  oncommit: unknown,
): CreationTarget {
  const mine = tempNamespaceName(ctx.backendId);
  const schema = rv.schemaname === undefined ? undefined : String(rv.schemaname);
  const inTemp = schema === 'pg_temp' || schema === mine;
  let persistence: 'p' | 'u' | 't' =
    rv.relpersistence === 't' ? 't' : rv.relpersistence === 'u' ? 'u' : 'p';
  const at = { position: positionOf(ctx.source, rv.location) };
  if (inTemp) {
    if (persistence === 'u') {
      throw new EngineError(
        '42P16',
        'only temporary relations may be created in temporary schemas',
        at,
      );
    }
    persistence = 't';
  } else if (persistence === 't' && schema !== undefined) {
    throw new EngineError('42P16', 'cannot create temporary relation in non-temporary schema', at);
  }
  if (oncommit !== undefined && oncommit !== 'ONCOMMIT_NOOP') {
    if (persistence !== 't')
      throw new EngineError('42P16', 'ON COMMIT can only be used on temporary tables');
    // issue 9 (F): DELETE ROWS and DROP are the session's to do at commit (temp-objects.ts)
  }
  if (persistence !== 't') return { namespace: schema, persistence };
  return { namespace: mine, persistence };
}

/**
 * InitTempTableNamespace: creates pg_temp_N when missing; when this session
 * has not used it yet and it exists, it was left by a session that crashed
 * (or was killed): its objects are dropped first. Returns the name.
 */
export function initTempNamespace(catalog: Catalog, backendId: number, firstUse: boolean): string {
  const name = tempNamespaceName(backendId);
  if (catalog.namespaceOid(name) !== undefined) {
    if (!firstUse) return name;
    catalog.dropNamespace(name, { cascade: true });
  }
  catalog.createNamespace(name, { temp: true });
  return name;
}

/** 1-based character position of a parser byte offset in `source`. */
function positionOf(source: string, loc: unknown): number | undefined {
  if (typeof loc !== 'number' || loc < 0) return undefined;
  return Buffer.from(source, 'utf8').subarray(0, loc).toString('utf8').length + 1;
}
