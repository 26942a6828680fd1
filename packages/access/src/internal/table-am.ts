import type { ScanDirection, ScanKey } from './scankey.js';
import type { Tid } from './tid.js';

/**
 * A sketch of the table access-method contract (TableAmRoutine), for the
 * heap to implement next. `S` is the snapshot type of the transaction
 * manager; this package does not know what a snapshot is.
 */

/** A row as a table AM hands it out. */
export interface TableRow {
  readonly tid: Tid;
  /** Column values, null for SQL NULL. */
  readonly values: readonly unknown[];
}

/** The outcome of a row change that may meet a concurrent one (TM_Result). */
export type TableModifyResult =
  | { readonly kind: 'ok' }
  /** The row was changed by a transaction that committed: READ COMMITTED re-checks the new version at `next`. */
  | { readonly kind: 'updated'; readonly next: Tid }
  | { readonly kind: 'deleted' }
  /** Changed by the current command itself. */
  | { readonly kind: 'self-modified' }
  /** A transaction still running holds it: wait for `xid`, then retry. */
  | { readonly kind: 'being-modified'; readonly xid: number };

/** A sequential scan (TableScanDesc). */
export interface TableScan {
  next(direction?: ScanDirection): TableRow | null;
  rescan(keys?: readonly ScanKey[]): void;
  end(): void;
}

export interface TableAccessMethod<S = unknown> {
  readonly amName: string;
  /** scan_begin: the rows visible to `snapshot`, optionally only those matching `keys`. */
  beginScan(snapshot: S, keys?: readonly ScanKey[]): TableScan;
  /** index_fetch_tuple: the visible version at `tid` (following a HOT chain), or null. */
  fetch(tid: Tid, snapshot: S): TableRow | null;
  /** tuple_insert: stores a new row; returns its TID. */
  insert(values: readonly unknown[], commandId: number): Tid;
  /** tuple_delete. */
  delete(tid: Tid, commandId: number, snapshot: S, wait: boolean): TableModifyResult;
  /** tuple_update: on 'ok', `tid` is the new version's and `indexesNeedUpdate` says whether HOT was impossible. */
  update(
    tid: Tid,
    values: readonly unknown[],
    commandId: number,
    snapshot: S,
    wait: boolean,
  ): TableModifyResult & { readonly tid?: Tid; readonly indexesNeedUpdate?: boolean };
  /** index_build_range_scan: every row an index build must see, with whether it is alive. */
  scanForIndexBuild(): Iterable<TableRow & { readonly alive: boolean }>;
  /** relation_size in blocks, and estimate_rel_size's tuple estimate. */
  estimateSize(): { readonly pages: number; readonly tuples: number };
}
