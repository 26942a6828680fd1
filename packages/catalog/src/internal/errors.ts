/** The catalog's errors and notices, with PostgreSQL's SQLSTATEs and texts. */
import { SqlError } from '@pg/types';

export function duplicateTable(name: string): SqlError {
  return new SqlError('42P07', `relation "${name}" already exists`);
}
export function duplicateSchema(name: string): SqlError {
  return new SqlError('42P06', `schema "${name}" already exists`);
}
export function undefinedSchema(name: string): SqlError {
  return new SqlError('3F000', `schema "${name}" does not exist`);
}
export function undefinedTable(name: string): SqlError {
  return new SqlError('42P01', `relation "${name}" does not exist`);
}
export function undefinedColumn(column: string, table: string): SqlError {
  return new SqlError('42703', `column "${column}" of relation "${table}" does not exist`);
}
export function duplicateColumn(column: string, table?: string): SqlError {
  return table === undefined
    ? new SqlError('42701', `column "${column}" specified more than once`)
    : new SqlError('42701', `column "${column}" of relation "${table}" already exists`);
}

/** issue 9 (F): the system columns' names (sysattr.h, without the removed oid). */
export const SYSTEM_COLUMN_NAMES: ReadonlySet<string> = new Set([
  'ctid',
  'xmin',
  'cmin',
  'xmax',
  'cmax',
  'tableoid',
]);
/** issue 9 (F): a user column named like a system column. */
export function systemColumnName(column: string): SqlError {
  return new SqlError('42701', `column name "${column}" conflicts with a system column name`);
}

/** A NOTICE (or WARNING) for the client. */
export interface CatalogNotice {
  readonly severity: 'NOTICE' | 'WARNING';
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
}
