/**
 * ALTER TABLE ... ADD [CONSTRAINT name] PRIMARY KEY | UNIQUE (columns)
 * [INCLUDE (columns)] on a table that may already hold rows (PostgreSQL's
 * transformIndexConstraint + ATExecAddIndex): pgbench's `-i` adds its
 * primary keys this way after loading the data.
 *
 * What PostgreSQL does, in its order of checks:
 *
 * 1. PRIMARY KEY marks every key column NOT NULL (an AT_SetNotNull
 *    subcommand): a column that does not exist is 42703 `column "x" of
 *    relation "t" does not exist`; for UNIQUE it is `column "x" named in
 *    key does not exist`.
 * 2. The unique index is built over the existing rows, named after the
 *    constraint (or t_pkey / t_a_b_key, numbered on collision): a
 *    duplicate key is 23505 `could not create unique index "t_pkey"` with
 *    DETAIL `Key (a)=(1) is duplicated.`; a second primary key is 42P16.
 * 3. The NOT NULL check scans the table: a NULL in a key column is 23502
 *    `column "a" of relation "t" contains null values`.
 *
 * The catalog's createIndex builds the index, checks uniqueness and (for a
 * primary key) NULLs (the NULL check comes first there: a table with both
 * a NULL and a duplicate key reports the NULL), marks primary key columns
 * NOT NULL and writes pg_class/pg_index/pg_constraint.
 * Not supported yet (0A000): USING INDEX, DEFERRABLE, WITH (storage
 * parameters), USING INDEX TABLESPACE.
 */
import type { Catalog } from '@pg/catalog';
import type { PNode } from '@pg/sql';
import { EngineError } from './result.js';

/** What adding an index constraint needs from the session. */
export interface IndexConstraintContext {
  readonly catalog: Catalog;
}

function names(list: readonly PNode[] | undefined): string[] {
  return (list ?? []).map((n: PNode) => String(n?.String?.sval ?? ''));
}

/** Whether a Constraint node is one this module adds (PRIMARY KEY or UNIQUE). */
export function isIndexConstraint(con: PNode | undefined): boolean {
  return con?.contype === 'CONSTR_PRIMARY' || con?.contype === 'CONSTR_UNIQUE';
}

/** ALTER TABLE ... ADD PRIMARY KEY / UNIQUE on table `oid` (already locked AccessExclusive). */
export function addIndexConstraint(ctx: IndexConstraintContext, oid: number, con: PNode): void {
  const primary = con.contype === 'CONSTR_PRIMARY';
  if (con.indexname !== undefined) {
    throw new EngineError('0A000', 'ADD CONSTRAINT ... USING INDEX is not supported yet');
  }
  if (con.deferrable === true) {
    throw new EngineError('0A000', 'DEFERRABLE unique constraints are not supported yet');
  }
  if ((con.options ?? []).length > 0) {
    throw new EngineError('0A000', 'index storage parameters are not supported yet');
  }
  if (con.indexspace !== undefined) {
    throw new EngineError('0A000', 'USING INDEX TABLESPACE is not supported yet');
  }
  const desc = ctx.catalog.mustRelation(oid);
  const attnum = (name: string, key: boolean): number => {
    const c = desc.columns.find((x) => x.name === name && !x.dropped);
    if (c !== undefined) return c.attnum;
    throw new EngineError(
      '42703',
      primary && key
        ? `column "${name}" of relation "${desc.name}" does not exist`
        : `column "${name}" named in key does not exist`,
    );
  };
  const keys = names(con.keys).map((n) => attnum(n, true));
  const included = names(con.including).map((n) => attnum(n, false));
  const name = con.conname === undefined ? undefined : String(con.conname);
  ctx.catalog.createIndex({
    table: oid,
    columns: [...keys, ...included],
    ...(included.length > 0 ? { nkeys: keys.length } : {}),
    unique: true,
    primary,
    constraint: true,
    ...(con.nulls_not_distinct === true ? { nullsNotDistinct: true } : {}),
    ...(name === undefined ? {} : { name }),
  });
}
