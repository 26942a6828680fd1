/**
 * CHECK and FOREIGN KEY constraints as pg_constraint rows (H8): the shape
 * the engine reads them in, and pg_get_constraintdef's text for every
 * constraint type, as PostgreSQL 15's ruleutils prints it.
 */
import { quoteIdent } from './views.js';

/** confupdtype / confdeltype: NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT. */
export type FkAction = 'a' | 'r' | 'c' | 'n' | 'd';
/** confmatchtype: SIMPLE, FULL, PARTIAL. */
export type FkMatch = 's' | 'f' | 'p';

/** One pg_constraint row, decoded. */
export interface ConstraintInfo {
  readonly oid: number;
  readonly name: string;
  readonly type: 'c' | 'f' | 'p' | 'u' | 'x' | 't';
  /** conrelid. */
  readonly table: number;
  /** conkey (attnums of `table`). */
  readonly columns: readonly number[];
  readonly deferrable: boolean;
  readonly deferred: boolean;
  readonly validated: boolean;
  /** conindid: a key's index, or a foreign key's referenced unique index. */
  readonly index: number;
  /** CHECK: the expression as pg_get_expr prints it (conbin holds this text). */
  readonly check?: string;
  /** FOREIGN KEY: confrelid, confkey, the actions, the match type, confdelsetcols. */
  readonly refTable?: number;
  readonly refColumns?: readonly number[];
  readonly onUpdate?: FkAction;
  readonly onDelete?: FkAction;
  readonly match?: FkMatch;
  readonly deleteSetColumns?: readonly number[];
}

/** What to add: a CHECK or FOREIGN KEY constraint (the caller has chosen its name and checked it). */
export interface AddConstraintOptions {
  readonly table: number;
  readonly name: string;
  readonly type: 'c' | 'f';
  readonly columns: readonly number[];
  readonly deferrable?: boolean;
  readonly deferred?: boolean;
  readonly validated?: boolean;
  readonly check?: string;
  readonly refTable?: number;
  readonly refColumns?: readonly number[];
  readonly refIndex?: number;
  readonly onUpdate?: FkAction;
  readonly onDelete?: FkAction;
  readonly match?: FkMatch;
  readonly deleteSetColumns?: readonly number[];
}

const ACTION_WORDS: Record<FkAction, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

/**
 * pg_get_constraintdef(oid): `columnName(table, attnum)` names a column,
 * `relationName(oid)` a table (qualified when not visible, as
 * generate_relation_name does).
 */
export function constraintDefinition(
  c: ConstraintInfo,
  columnName: (table: number, attnum: number) => string,
  relationName: (oid: number) => string,
): string {
  const cols = (table: number, list: readonly number[]) =>
    list.map((n) => quoteIdent(columnName(table, n))).join(', ');
  let s: string;
  switch (c.type) {
    case 'c':
      s = `CHECK (${c.check ?? ''})`;
      break;
    case 'p':
      s = `PRIMARY KEY (${cols(c.table, c.columns)})`;
      break;
    case 'u':
      s = `UNIQUE (${cols(c.table, c.columns)})`;
      break;
    case 'f': {
      const ref = c.refTable ?? 0;
      s = `FOREIGN KEY (${cols(c.table, c.columns)}) REFERENCES ${relationName(ref)}(${cols(ref, c.refColumns ?? [])})`;
      if (c.match === 'f') s += ' MATCH FULL';
      else if (c.match === 'p') s += ' MATCH PARTIAL';
      if (c.onUpdate !== undefined && c.onUpdate !== 'a')
        s += ` ON UPDATE ${ACTION_WORDS[c.onUpdate]}`;
      if (c.onDelete !== undefined && c.onDelete !== 'a') {
        s += ` ON DELETE ${ACTION_WORDS[c.onDelete]}`;
        if (c.deleteSetColumns !== undefined && c.deleteSetColumns.length > 0)
          s += ` (${cols(c.table, c.deleteSetColumns)})`;
      }
      break;
    }
    default:
      s = '';
  }
  if (c.deferrable) s += ' DEFERRABLE';
  if (c.deferred) s += ' INITIALLY DEFERRED';
  if (!c.validated) s += ' NOT VALID';
  return s;
}
