/**
 * What the executor is given: the relations a plan names (opened by the
 * catalog, or built by hand in tests) and, per execution, the session's
 * transaction services, parameters and settings.
 */
import type { BTree } from '@pg/btree';
import type { IndexDesc, RelationDesc } from '@pg/catalog';
import type { Heap } from '@pg/heap';
import type { ComboCids, LockManager, ProcArray, TransactionManager, Transam } from '@pg/mvcc';
import type { Registry, TypeContext } from '@pg/types';

/** A table opened for a statement: its descriptor, its heap and its indexes. */
export interface OpenRelation {
  readonly desc: RelationDesc;
  readonly heap: Heap;
  readonly indexes: readonly { readonly desc: IndexDesc; readonly index: BTree }[];
}

/** Where the executor gets relations (@pg/catalog's relation cache implements it). */
export interface ExecRelations {
  /** The relation with this OID; throws (42P01) when it does not exist. */
  open(oid: number): OpenRelation;
}

/** One execution's environment. */
export interface ExecContext {
  /** The session: the TransactionManager's and LockManager's holder id. */
  readonly session: number;
  /** The database OID, for relation lock tags. */
  readonly dbOid: number;
  readonly manager: TransactionManager;
  readonly locks: LockManager;
  readonly transam: Transam;
  readonly procArray: ProcArray;
  /** The session's combo command ids (one per transaction, as PostgreSQL's comboCids). */
  readonly comboCids: ComboCids;
  readonly relations: ExecRelations;
  /** $1... values (JavaScript values of the parameter types, null for NULL). */
  readonly params?: readonly unknown[];
  /** Session settings for the types (time zone, styles, statement time). */
  readonly typeContext: TypeContext;
  /** The type registry (default: @pg/types' builtins). */
  readonly registry?: Registry;
  /** current_user / session_user (default 'postgres'). */
  readonly user?: string;
  /** current_database() / current_catalog (default 'postgres'). */
  readonly database?: string;
}

/** What compiled expressions read at run time. */
export interface EvalEnv {
  readonly params: readonly unknown[];
  readonly tctx: TypeContext;
  readonly user: string;
  readonly database: string;
}
