/**
 * What the rest of the engine knows about a relation: the relation
 * cache's entries (RelationData, reduced to what the analyzer, planner and
 * executor read). Built from pg_class, pg_attribute, pg_attrdef, pg_index
 * and pg_constraint rows; never edited in place — DDL writes catalog rows,
 * and the cache rebuilds the descriptor after invalidation.
 */

/** pg_class.relkind. */
export type RelKind = 'r' | 'i' | 'S' | 'v' | 'm' | 't' | 'p' | 'c' | 'f' | 'I';

/** pg_class.relpersistence: permanent, unlogged, temporary. */
export type RelPersistence = 'p' | 'u' | 't';

/** One pg_attribute row of a table (user columns only: attnum > 0). */
export interface ColumnDesc {
  /** attnum, 1-based. */
  readonly attnum: number;
  /** attname. */
  readonly name: string;
  /** atttypid. */
  readonly typeOid: number;
  /** atttypmod (-1 for none). */
  readonly typmod: number;
  /** attnotnull. */
  readonly notNull: boolean;
  /** atthasdef: a pg_attrdef row exists. */
  readonly hasDefault: boolean;
  /**
   * The default expression as SQL text (pg_get_expr(adbin, adrelid) as
   * PostgreSQL prints it, e.g. `0`, `'x'::text`, `now()`), when hasDefault.
   */
  readonly defaultExpr?: string;
  /** attisdropped: a dropped column keeps its attnum and its place in the tuple. */
  readonly dropped: boolean;
  /** attstorage: p, e, m, x. */
  readonly storage: 'p' | 'e' | 'm' | 'x';
  /**
   * atthasmissing: the value rows written before ADD COLUMN read for this
   * column (attmissingval, as a value of the column's type). Absent when
   * the column has none.
   */
  readonly missing?: unknown;
  /**
   * attidentity: 'a' (GENERATED ALWAYS) or 'd' (BY DEFAULT) AS IDENTITY;
   * absent otherwise. An identity column's `defaultExpr` is nextval of its
   * sequence (what INSERT applies; pg_attrdef has no row for it).
   */
  readonly identity?: 'a' | 'd';
  /**
   * issue 9 (H): attgenerated 's' — GENERATED ALWAYS AS (...) STORED; its
   * `defaultExpr` is the generation expression (pg_attrdef), computed on
   * every INSERT and UPDATE, never applied as a default.
   */
  readonly generated?: 's';
}

/** One index of a table (pg_index joined with its pg_class row). */
export interface IndexDesc {
  readonly oid: number;
  readonly name: string;
  readonly relfilenode: number;
  /** The table it indexes (indrelid). */
  readonly tableOid: number;
  /** pg_am.amname: 'btree', 'hash', 'gin' or 'brin'. */
  readonly am: string;
  /**
   * indkey: the table's attnums, key columns first then INCLUDE columns;
   * 0 for an expression column (its expression is the next of `expressions`).
   */
  readonly columns: readonly number[];
  /**
   * indexprs: one per 0 in `columns`, in order — the key expression as SQL
   * text (PostgreSQL's deparse, e.g. `lower(name)`; we store text, not a
   * node tree, as pg_attrdef.adbin does) with its result type.
   */
  readonly expressions?: readonly IndexExpression[];
  /** indpred: a partial index's predicate as SQL text (e.g. `(status = 'pending'::text)`). */
  readonly predicate?: string;
  /** indnkeyatts: how many of `columns` are keys. */
  readonly nkeys: number;
  readonly unique: boolean;
  readonly primary: boolean;
  /** pg_constraint name when the index backs a PRIMARY KEY or UNIQUE constraint. */
  readonly constraintName?: string;
  /** indoption per key: DESC and NULLS FIRST. */
  readonly descending: readonly boolean[];
  readonly nullsFirst: readonly boolean[];
  /** indisvalid. */
  readonly valid: boolean;
  /** indnullsnotdistinct (PostgreSQL 15). */
  readonly nullsNotDistinct: boolean;
  /** issue 12 (index AMs): indclass, one operator class OID per key column (absent for B-trees). */
  readonly opclasses?: readonly number[];
  /** issue 12 (index AMs): the index's pg_class.reloptions as `name=value` strings, when it has any. */
  readonly reloptions?: readonly string[];
}

/** One expression column of an index (pg_index.indexprs + the index's pg_attribute row). */
export interface IndexExpression {
  /** The expression as SQL text, as PostgreSQL deparses it (`lower(name)`, `(a + b)`). */
  readonly text: string;
  /** The index column's name (FigureColname: the function's name, else `expr`). */
  readonly name: string;
  readonly typeOid: number;
  readonly typmod: number;
}

/** A relation as the relation cache holds it. */
export interface RelationDesc {
  readonly oid: number;
  readonly name: string;
  readonly namespaceOid: number;
  readonly namespaceName: string;
  readonly kind: RelKind;
  readonly persistence: RelPersistence;
  /** pg_class.relfilenode: the file name under base/<db>/ (or global/ when shared). */
  readonly relfilenode: number;
  /** pg_class.reltablespace (0 = the database's default). */
  readonly tablespace: number;
  /** relisshared: lives in global/ (pg_database, pg_authid, pg_tablespace). */
  readonly shared: boolean;
  /** The columns in attnum order, dropped ones included (dropped: true). */
  readonly columns: readonly ColumnDesc[];
  /** The table's indexes (empty for an index). */
  readonly indexes: readonly IndexDesc[];
  /** reltoastrelid (0 when none). */
  readonly toastRelid: number;
  /** fillfactor from reloptions (100 when unset). */
  readonly fillfactor: number;
  /**
   * A system view computed from the catalogs (pg_tables, pg_indexes,
   * pg_views, pg_roles, pg_user, pg_settings, information_schema.tables /
   * columns / schemata): kind 'v', no storage; the executor reads its rows
   * with OpenRelation.rows() instead of scanning a heap. Absent for others.
   */
  readonly computed?: boolean;
  /**
   * issue 9 (G): a view's or materialized view's query (its pg_rewrite
   * _RETURN rule, view-def.ts): `sql` (relations schema-qualified) is
   * what the analyzer expands a view into, as a subquery; `display` and
   * `pretty` are pg_get_viewdef's answers.
   */
  readonly viewQuery?: {
    readonly sql: string;
    readonly display: string;
    readonly pretty: string;
  };
  /** issue 9 (G): a materialized view that is not populated (relispopulated false). */
  readonly unpopulated?: true;
  /** issue 9 (D, views): a view's WITH [LOCAL | CASCADED] CHECK OPTION (reloption check_option). */
  readonly checkOption?: 'local' | 'cascaded';
}
