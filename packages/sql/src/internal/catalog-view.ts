/**
 * What the analyzer needs from the catalog: the type registry, the
 * effective search_path, relation lookup and the session's identity.
 * @pg/catalog implements it; tests use a small in-memory fake.
 */
import type { RelationDesc } from '@pg/catalog';
import type { Registry } from '@pg/types';

export interface CatalogView {
  /** Types, functions, operators and casts (`builtins` from @pg/types). */
  readonly registry: Registry;
  /** The effective search path, e.g. ['pg_catalog', 'public'] ("$user" already resolved or dropped). */
  readonly searchPath: readonly string[];
  /**
   * The relation `schema.name`, or with no schema the first match along
   * the search path; undefined when there is none.
   */
  lookupRelation(schema: string | undefined, name: string): RelationDesc | undefined;
  /** CURRENT_USER / SESSION_USER. */
  readonly currentUser: string;
  /** current_database(). */
  readonly currentDatabase: string;
  /**
   * issue 9 (upsert): the table's constraints by name (pg_constraint), with
   * the OID of the index that backs one (0 for CHECK, FOREIGN KEY, ...);
   * ON CONFLICT ON CONSTRAINT looks names up here. Absent: only the
   * indexes' constraint names are known.
   */
  constraintsOf?(
    relationOid: number,
  ): readonly { readonly name: string; readonly indexOid: number }[];
}
