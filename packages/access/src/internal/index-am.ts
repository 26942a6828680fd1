import type { TidBitmap } from './bitmap.js';
import type { ScanDirection, ScanKey } from './scankey.js';
import type { Tid } from './tid.js';

/**
 * What an index needs to know of a column's type: its order and its on-disk
 * form. @pg/types' PgType satisfies it as it is; a third-party type only
 * needs these members.
 */
export interface KeyType<T = unknown> {
  readonly name: string;
  readonly oid: number;
  /** typlen: bytes for fixed-length types, -1 for varlena. */
  readonly len: number;
  readonly byVal: boolean;
  readonly align: 'c' | 's' | 'i' | 'd';
  /** typstorage: 'p' plain values are never given a short varlena header. */
  readonly storage: 'p' | 'e' | 'm' | 'x';
  /** The default operator class's order (support function 1). */
  compare(a: T, b: T): number;
  /** The datum's bytes (payload only for varlena types). */
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
  /** Text output, for error messages (`Key (id)=(1) already exists.`). */
  output?(value: T, ctx: never): string;
}

/** One index column (pg_index.indkey entry with its options). */
export interface IndexColumn {
  readonly name: string;
  readonly type: KeyType;
  /** DESC (INDOPTION_DESC). */
  readonly desc?: boolean;
  /** NULLS FIRST (INDOPTION_NULLS_FIRST); the default is NULLS LAST for ASC, NULLS FIRST for DESC. */
  readonly nullsFirst?: boolean;
}

/** What an access method is given to open an index (its relcache entry, reduced). */
export interface IndexDescriptor {
  /** The index's name, for messages ("t_pkey"). */
  readonly name: string;
  /** Key columns, in order. */
  readonly keys: readonly IndexColumn[];
  /** INCLUDE columns: stored in leaf tuples, not ordered, returned by index-only scans. */
  readonly include?: readonly IndexColumn[];
  readonly unique?: boolean;
  /** NULLS NOT DISTINCT (PostgreSQL 15): nulls conflict with each other in a unique index. */
  readonly nullsNotDistinct?: boolean;
  /** fillfactor in percent, for leaf pages of a bulk build. */
  readonly fillfactor?: number;
}

/** A heap tuple as an index build sees it (IndexBuildCallback's arguments). */
export interface IndexBuildTuple {
  readonly tid: Tid;
  /** Key values then INCLUDE values; null for SQL NULL. */
  readonly values: readonly unknown[];
  /** False for a dead tuple that is still in the heap (it is not indexed). */
  readonly alive?: boolean;
}

export interface IndexBuildResult {
  readonly heapTuples: number;
  readonly indexTuples: number;
}

/** How an insert checks uniqueness (IndexUniqueCheck). */
export type UniqueCheck = 'no' | 'yes' | 'partial' | 'existing';

/** What the caller knows of the heap tuple behind an index entry, for uniqueness under MVCC. */
export type HeapTupleStatus =
  /** Visible or committed: a live duplicate. */
  | { readonly kind: 'live' }
  /** Dead to everyone, or inserted by an aborted transaction: no conflict. */
  | { readonly kind: 'dead' }
  /** Inserted (or deleted) by a transaction still running: the inserter must wait for it. */
  | { readonly kind: 'in-progress'; readonly xid: number };

export interface InsertOptions {
  readonly unique?: UniqueCheck;
  /** For unique checks: the status of the heap tuple an existing equal entry points to. */
  readonly heapStatus?: (tid: Tid) => HeapTupleStatus;
}

/** What an insert did. */
export type InsertResult =
  /** Inserted (for 'partial': and no possible conflict was seen). */
  | { readonly kind: 'inserted' }
  /** Not inserted: a conflicting entry's transaction is in progress; wait for it, then retry. */
  | { readonly kind: 'wait'; readonly xid: number }
  /** 'partial' only: inserted, but a conflict is possible; the caller rechecks at commit. */
  | { readonly kind: 'maybe-conflict' };

/** Answers, for bulk delete, whether an index entry's heap tuple is dead (IndexBulkDeleteCallback). */
export type BulkDeleteCallback = (tid: Tid) => boolean;

/** What a vacuum pass over an index did (IndexBulkDeleteResult). */
export interface IndexBulkDeleteResult {
  numPages: number;
  numIndexTuples: number;
  tuplesRemoved: number;
  pagesNewlyDeleted: number;
  pagesDeleted: number;
  pagesFree: number;
}

/** One entry an index scan returns. */
export interface IndexScanResult {
  readonly tid: Tid;
  /** Whether the scan's conditions must be rechecked on the heap tuple (xs_recheck). */
  readonly recheck: boolean;
  /** For index-only scans: the key and INCLUDE values (xs_itup), when the AM can return them. */
  readonly values?: readonly unknown[];
}

/**
 * An open index scan (IndexScanDesc with amrescan, amgettuple, amgetbitmap,
 * amendscan, ammarkpos, amrestrpos).
 */
export interface IndexScan {
  /** (Re)starts the scan with these conditions (all must hold: AND). */
  rescan(keys: readonly ScanKey[]): void;
  /** The next entry in index order in `direction`, or null at the end. */
  next(direction?: ScanDirection): IndexScanResult | null;
  /** Adds every matching TID to the bitmap; returns how many (amgetbitmap). */
  getBitmap(bitmap: TidBitmap): number;
  /**
   * The entry returned last points to a heap tuple dead to everyone
   * (kill_prior_tuple): the AM may mark it so later scans skip it.
   */
  killPrior(): void;
  /** Remembers the current position (ammarkpos), for merge joins. */
  markPosition(): void;
  /** Returns to the remembered position (amrestrpos). */
  restorePosition(): void;
  /** Ends the scan, releasing what it holds. */
  end(): void;
}

/** The planner's question to an AM (amcostestimate's inputs, reduced). */
export interface IndexCostInput {
  readonly keys: readonly ScanKey[];
  /** Estimated fraction of the table the conditions select. */
  readonly selectivity: number;
  readonly indexPages: number;
  readonly indexTuples: number;
  /** How many times the scan runs (the outer side of a nested loop). */
  readonly loopCount?: number;
  /** Cost settings: random_page_cost, cpu_index_tuple_cost, cpu_operator_cost. */
  readonly randomPageCost: number;
  readonly cpuIndexTupleCost: number;
  readonly cpuOperatorCost: number;
}

/** amcostestimate's outputs. */
export interface IndexCost {
  readonly startupCost: number;
  readonly totalCost: number;
  /** Fraction of the index's tuples returned. */
  readonly selectivity: number;
  /** How well index order follows heap order, -1..1. */
  readonly correlation: number;
  readonly pages: number;
}

/** What an AM can do (IndexAmRoutine's flags). */
export interface IndexAmCapabilities {
  readonly canOrder: boolean;
  readonly canBackward: boolean;
  readonly canUnique: boolean;
  readonly canMultiColumn: boolean;
  readonly canInclude: boolean;
  readonly searchNulls: boolean;
  readonly canReturn: boolean;
  readonly canBitmap: boolean;
  /** Number of strategies (amstrategies; 0 when they are not fixed). */
  readonly strategies: number;
}

/**
 * An index access method as the executor and vacuum use it. One object per
 * open index. btree, gin, brin and third-party indexes implement it.
 */
export interface IndexAccessMethod {
  readonly amName: string;
  readonly capabilities: IndexAmCapabilities;
  /** ambuild: builds the index from the heap's tuples (the index must be empty). */
  build(tuples: Iterable<IndexBuildTuple>): IndexBuildResult;
  /** aminsert: adds one entry; may refuse a duplicate (SQLSTATE 23505) or ask the caller to wait. */
  insert(values: readonly unknown[], tid: Tid, options?: InsertOptions): InsertResult;
  /** ambulkdelete: removes every entry whose TID the callback calls dead. */
  bulkDelete(callback: BulkDeleteCallback, stats?: IndexBulkDeleteResult): IndexBulkDeleteResult;
  /** amvacuumcleanup: after bulk deletes (or instead of them), recycles pages and reports. */
  vacuumCleanup(stats?: IndexBulkDeleteResult): IndexBulkDeleteResult;
  /** ambeginscan. */
  beginScan(): IndexScan;
  /** amcanreturn: whether index-only scans can return column `attno` (1-based). */
  canReturn(attno: number): boolean;
  /** amcostestimate. */
  costEstimate(input: IndexCostInput): IndexCost;
}
