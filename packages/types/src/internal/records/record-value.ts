/**
 * The JavaScript value of the record type (2249): a row value that carries
 * its own column descriptor, as PostgreSQL's composite datum carries its
 * type (a blessed tuple descriptor for an anonymous record, the table's
 * row type for a whole-row reference). A plain object of arrays, so it
 * survives structured cloning (the executor's temporary files).
 *
 *   ROW(1, 'a')       ->  { fields: [{ name: 'f1', type: 23, typmod: -1 },
 *                                    { name: 'f2', type: 25, typmod: -1 }],
 *                           values: [1, 'a'] }
 */
export interface RecordField {
  /** The column name: f1, f2, ... for ROW(...); the table's column names for a whole row. */
  readonly name: string;
  /** The column's type OID (a registry type). */
  readonly type: number;
  readonly typmod: number;
}

export interface PgRecord {
  readonly fields: readonly RecordField[];
  /** One value per field; null is SQL NULL. */
  readonly values: readonly unknown[];
}

/** A record of `values` described by `fields` (shared between rows). */
export function pgRecord(fields: readonly RecordField[], values: readonly unknown[]): PgRecord {
  return { fields, values };
}

/** Whether `v` is a record value. */
export function isPgRecord(v: unknown): v is PgRecord {
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray((v as PgRecord).fields) &&
    Array.isArray((v as PgRecord).values)
  );
}
