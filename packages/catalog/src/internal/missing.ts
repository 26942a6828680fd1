/**
 * pg_attribute.atthasmissing / attmissingval (PostgreSQL 11+): ALTER TABLE
 * ADD COLUMN with a non-volatile DEFAULT does not rewrite the table. The
 * default's value is stored once in attmissingval, and a tuple written
 * before the column existed — whose natts (t_infomask2 & HEAP_NATTS_MASK)
 * stops short of the column — reads that value instead of NULL
 * (heap_deform_tuple's getmissingattr). A tuple written later stores the
 * column itself, NULL included.
 *
 * attmissingval is an anyarray: a one-element array of the column's type.
 * We store its text form (the type's output in a fixed context, UTC and
 * round-trip float digits) and read it back with the type's input; the
 * Heap is opened with the values (HeapOptions.missing) and fills them in.
 */
import { type AnyPgType, defaultContext, type PgArray, pgArray, type TypeContext } from '@pg/types';

let fixedContext: TypeContext | undefined;

/** The context missing values are written and read in (timestamps in UTC, floats exact). */
function missingContext(): TypeContext {
  fixedContext ??= defaultContext({ timeZone: 'UTC', extraFloatDigits: 3 });
  return fixedContext;
}

/** attmissingval for `value` of `type` (a one-element array of its text form). */
export function encodeMissing(type: AnyPgType, value: unknown): PgArray<string> {
  return pgArray([type.output(value, missingContext())]);
}

/** The value attmissingval holds, read with the column's type and typmod. */
export function decodeMissing(type: AnyPgType, typmod: number, stored: unknown): unknown {
  const text = (stored as { elements?: readonly (string | null)[] } | null)?.elements?.[0];
  if (text === undefined || text === null) return null;
  return type.input(text, typmod, missingContext());
}
