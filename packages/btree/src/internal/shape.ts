/**
 * An index's shape: its columns, their order options, and the comparisons
 * nbtree makes with them — _bt_compare (an insertion key against a tuple),
 * _bt_keep_natts and _bt_truncate (suffix truncation of pivots).
 */
import { compareTids, type IndexDescriptor, type Tid } from '@pg/access';
import type { AnyPgType } from '@pg/types';
import {
  deformTuple,
  formPivot,
  heapTid,
  INDEX_MAX_KEYS,
  isPivot,
  isPosting,
  maxHeapTid,
  tupleNatts,
} from './layout.js';

/**
 * An insertion scan key (BTScanInsertData): values for the leading key
 * columns, and the heap TID that makes every entry unique (scantid), or
 * null to find the first of the equal entries.
 */
export interface InsertionKey {
  readonly values: readonly unknown[];
  readonly scantid: Tid | null;
  /** Find the first item > key rather than ≥ key (nextkey). */
  readonly nextkey: boolean;
  /** Descend to the leaf a pivot with these values would lead to (pivotsearch, for page deletion). */
  readonly pivotsearch?: boolean;
}

/** Types of @pg/types whose equality is bitwise (btequalimage): deduplication is safe for them. */
const EQUAL_IMAGE = new Set([
  'bool',
  'int2',
  'int4',
  'int8',
  'oid',
  'char',
  'name',
  'text',
  'varchar',
  'bytea',
  'date',
  'time',
  'timetz',
  'timestamp',
  'timestamptz',
  'uuid',
  'money',
  'pg_lsn',
  'macaddr',
  'macaddr8',
  'xid8',
  'regclass',
  'regtype',
  'regnamespace',
  'regrole',
  'regproc',
  'oidvector',
  'bit',
  'varbit',
  'tid',
  'cid',
  'xid',
]);

export class IndexShape {
  readonly name: string;
  /** Key columns' types, then INCLUDE columns'. */
  readonly types: readonly AnyPgType[];
  readonly keyTypes: readonly AnyPgType[];
  readonly nkeys: number;
  readonly natts: number;
  readonly desc: readonly boolean[];
  readonly nullsFirst: readonly boolean[];
  readonly columnNames: readonly string[];
  readonly unique: boolean;
  readonly nullsNotDistinct: boolean;
  /** btm_allequalimage: no INCLUDE columns and every key type has bitwise equality. */
  readonly allEqualImage: boolean;
  readonly fillfactor: number;

  constructor(d: IndexDescriptor) {
    const include = d.include ?? [];
    if (d.keys.length === 0) throw new RangeError('an index needs at least one key column');
    if (d.keys.length + include.length > INDEX_MAX_KEYS) {
      throw new RangeError(`cannot use more than ${INDEX_MAX_KEYS} columns in an index`);
    }
    this.name = d.name;
    this.keyTypes = d.keys.map((c) => c.type as AnyPgType);
    this.types = [...this.keyTypes, ...include.map((c) => c.type as AnyPgType)];
    this.nkeys = d.keys.length;
    this.natts = this.types.length;
    this.desc = d.keys.map((c) => c.desc ?? false);
    // NULLS LAST is the default for ASC, NULLS FIRST for DESC.
    this.nullsFirst = d.keys.map((c) => c.nullsFirst ?? c.desc ?? false);
    this.columnNames = d.keys.map((c) => c.name);
    this.unique = d.unique ?? false;
    this.nullsNotDistinct = d.nullsNotDistinct ?? false;
    this.allEqualImage =
      include.length === 0 && this.keyTypes.every((t) => EQUAL_IMAGE.has(t.name));
    this.fillfactor = d.fillfactor ?? 90;
  }

  /** The key columns of a tuple (fewer for a truncated pivot). */
  keys(t: Uint8Array): unknown[] {
    return deformTuple(this.keyTypes, t, Math.min(this.nkeys, tupleNatts(t, this.natts)));
  }

  /** Every column of a leaf tuple (keys, then INCLUDE columns). */
  values(t: Uint8Array): unknown[] {
    return deformTuple(this.types, t, this.natts);
  }

  /**
   * Compares one column's key value with a tuple's value in index order
   * (the body of _bt_compare's loop): negative when the key sorts first.
   */
  compareColumn(i: number, key: unknown, value: unknown): number {
    const keyNull = key === null || key === undefined;
    const valueNull = value === null || value === undefined;
    if (keyNull) {
      if (valueNull) return 0;
      return this.nullsFirst[i] ? -1 : 1;
    }
    if (valueNull) return this.nullsFirst[i] ? 1 : -1;
    const cmp = this.keyTypes[i]!.compare(key, value);
    return this.desc[i] ? -cmp : cmp;
  }

  /**
   * _bt_compare: the insertion key against a tuple already deformed to
   * `values` (its stored key columns). `firstOnInternal` marks an internal
   * page's first data item, which is minus infinity.
   */
  compare(
    key: InsertionKey,
    t: Uint8Array,
    values: readonly unknown[],
    firstOnInternal: boolean,
  ): number {
    if (firstOnInternal) return 1;
    const ntupatts = values.length;
    const ncmp = Math.min(ntupatts, key.values.length);
    for (let i = 0; i < ncmp; i++) {
      const r = this.compareColumn(i, key.values[i], values[i]);
      if (r !== 0) return r;
    }
    // Truncated key columns of a pivot are minus infinity.
    if (key.values.length > ntupatts) return 1;
    const tid = heapTid(t);
    if (key.scantid === null) {
      // A pivot equal on every key column whose heap TID was truncated: what we look
      // for is entirely to its right (unless we are searching for that pivot itself).
      if (!key.pivotsearch && key.values.length === ntupatts && tid === null && isPivot(t))
        return 1;
      return 0;
    }
    if (tid === null) return 1;
    const r = compareTids(key.scantid, tid);
    if (r <= 0 || !isPosting(t)) return r;
    return compareTids(key.scantid, maxHeapTid(t)!) > 0 ? 1 : 0;
  }

  /** Whether two key value lists are equal on their first `n` columns (NULLs equal each other here). */
  equalKeys(a: readonly unknown[], b: readonly unknown[], n = this.nkeys): boolean {
    for (let i = 0; i < n; i++) if (this.compareColumn(i, a[i], b[i]) !== 0) return false;
    return true;
  }

  /**
   * _bt_keep_natts: how many key columns a pivot between `lastleft` and
   * `firstright` must keep — one past the first that differs, or
   * nkeys + 1 when all are equal (then the heap TID must be kept).
   */
  keepNatts(lastleft: readonly unknown[], firstright: readonly unknown[]): number {
    for (let i = 0; i < this.nkeys; i++) {
      if (this.compareColumn(i, lastleft[i], firstright[i]) !== 0) return i + 1;
    }
    return this.nkeys + 1;
  }

  /**
   * _bt_truncate: the smallest pivot that separates the leaf tuples
   * `lastleft` and `firstright`: firstright's leading key columns, as many
   * as needed; when every key column is equal, all of them and lastleft's
   * largest heap TID.
   */
  truncate(lastleft: Uint8Array, firstright: Uint8Array): Uint8Array {
    const left = this.keys(lastleft);
    const right = this.keys(firstright);
    const keep = this.keepNatts(left, right);
    if (keep <= this.nkeys) return formPivot(this.keyTypes, right, keep, null);
    return formPivot(this.keyTypes, right, this.nkeys, maxHeapTid(lastleft));
  }
}
