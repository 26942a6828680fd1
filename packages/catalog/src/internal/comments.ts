/**
 * COMMENT ON's catalog part (PostgreSQL's commands/comment.c):
 * pg_description holds one row per commented object of this database,
 * keyed (objoid, classoid, objsubid) — objsubid is the column number of a
 * column's comment, 0 otherwise; pg_shdescription holds the comments of
 * shared objects (roles, databases), keyed (objoid, classoid).
 *
 * Invariants:
 *   C1. At most one row per key (the unique indexes pg_description_o_c_o_index
 *       and pg_shdescription_o_c_index).
 *   C2. No row has an empty description: writing '' or NULL deletes the row
 *       (CreateComments treats an empty string as NULL).
 *   C3. Dropping an object drops its comments (DeleteComments from
 *       deleteOneObject; with objsubid 0 every column's too).
 */
import type { CatalogTable } from './table.js';
import type { CatalogTxn } from './txn.js';

/** CreateComments: sets (or with null / '' removes) the comment of (objoid, classoid, subid). */
export function writeComment(
  t: CatalogTable,
  x: CatalogTxn,
  objoid: number,
  classoid: number,
  subid: number,
  text: string | null,
): void {
  const description = text === '' ? null : text; // C2
  const found = t.lookup('pg_description_o_c_o_index', [objoid, classoid, subid], x);
  for (const r of found) {
    if (description === null) t.delete(r.tid, x);
    else {
      const values = [...r.values];
      values[t.col('description')] = description;
      t.update(r.tid, values, x);
      return;
    }
  }
  if (description !== null && found.length === 0)
    t.insert(t.row({ objoid, classoid, objsubid: subid, description }), x);
}

/** CreateSharedComments: the same for pg_shdescription. */
export function writeSharedComment(
  t: CatalogTable,
  x: CatalogTxn,
  objoid: number,
  classoid: number,
  text: string | null,
): void {
  const description = text === '' ? null : text; // C2
  const found = t.lookup('pg_shdescription_o_c_index', [objoid, classoid], x);
  for (const r of found) {
    if (description === null) t.delete(r.tid, x);
    else {
      const values = [...r.values];
      values[t.col('description')] = description;
      t.update(r.tid, values, x);
      return;
    }
  }
  if (description !== null && found.length === 0)
    t.insert(t.row({ objoid, classoid, description }), x);
}

/** DeleteComments: the object's comments; subid 0 means all of them (the columns' too). C3. */
export function deleteComments(
  t: CatalogTable,
  x: CatalogTxn,
  objoid: number,
  classoid: number,
  subid: number,
): void {
  const keys = subid === 0 ? [objoid, classoid] : [objoid, classoid, subid];
  for (const r of t.lookup('pg_description_o_c_o_index', keys, x)) t.delete(r.tid, x);
}

/** DeleteSharedComments. */
export function deleteSharedComments(
  t: CatalogTable,
  x: CatalogTxn,
  objoid: number,
  classoid: number,
): void {
  for (const r of t.lookup('pg_shdescription_o_c_index', [objoid, classoid], x)) t.delete(r.tid, x);
}
