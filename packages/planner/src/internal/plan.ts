/**
 * The plan tree: what @pg/planner produces and @pg/executor runs
 * (PostgreSQL's plannodes.h, reduced). A plan is plain data, so the engine
 * can cache it per prepared statement and run it again with new
 * parameters.
 *
 * How expressions refer to rows (the one rule both sides rely on):
 *   R1 every node has `output`: one expression per column of the rows it
 *      returns. A scan returns whole rows of its range-table entry, so its
 *      output is Var(rt, 1..n) for every column (dropped ones included,
 *      so a row's index is attnum - 1).
 *   R2 a node's own expressions (filters, join quals, sort keys, group
 *      expressions, aggregate arguments, projections) are evaluated over
 *      its input row(s). Compiling one walks it top-down: a
 *      sub-expression structurally equal to `input.output[k]` reads
 *      column k of the input row; a Var that matches nothing is a planner
 *      bug. For a join the input row is the outer row's columns followed
 *      by the inner row's (`outer.output ++ inner.output`); a scan's
 *      `filter` is evaluated over the scan's own row (its `output`).
 *   R3 the executor never sees Vars of another query level: the planner
 *      replaces them with ExecParams, set by the NestLoop that passes
 *      them (`params`) or by the SubPlan expression that runs the plan.
 *   R4 a query's top node returns the non-junk targetList entries first,
 *      in order; extra (junk) columns may follow and are ignored by
 *      whoever reads the query's rows (the client, a SubqueryScan, a
 *      SubPlan, a CTE).
 */
import type {
  AggregateCall,
  AggSortKey,
  Expr,
  SelectQuery,
  WindowClause,
  WindowFuncCall,
} from '@pg/sql';

/** The planner's estimates for a node, as EXPLAIN shows them. */
export interface Estimates {
  readonly startupCost: number;
  readonly totalCost: number;
  /** Rows per loop. */
  readonly rows: number;
  /** Average output row width in bytes. */
  readonly width: number;
}

interface NodeBase extends Estimates {
  /** The columns of the rows this node returns (R1). */
  readonly output: readonly Expr[];
}

/** A sort key: an expression over the node's input, with the type's B-tree order. */
export interface SortKey extends AggSortKey {}

/** One condition an index applies: `index column <strategy> value`. */
export interface IndexQual {
  /** The index column, 1-based (a scan key's attno). */
  readonly column: number;
  /** B-tree strategy 1..5 (<, <=, =, >=, >). */
  readonly strategy: 1 | 2 | 3 | 4 | 5;
  /**
   * The comparison value: constants, parameters and ExecParams only
   * (evaluated at each (re)scan, so a parameterized inner scan sees the
   * outer row's values). For `col = ANY (array)`, `array` is set and the
   * scan runs once per distinct element.
   */
  readonly value: Expr;
  readonly array?: boolean;
  /** The original condition, for EXPLAIN's Index Cond. */
  readonly clause: Expr;
  /**
   * issue 12 (index AMs): the operator's strategy number in a GIN operator
   * class (array_ops 1-4, jsonb_ops 7/9/10/11), which scan keys carry
   * instead of `strategy`; absent for B-tree, hash and BRIN quals.
   */
  readonly amStrategy?: number;
}

// ---------------------------------------------------------------- scans

export interface SeqScanNode extends NodeBase {
  readonly kind: 'seqscan';
  readonly rt: number;
  readonly relationOid: number;
  readonly relationName: string;
  /** The alias the query gave it (EXPLAIN prints `t alias` when they differ). */
  readonly alias: string;
  readonly filter?: Expr;
}

export interface IndexScanNode extends NodeBase {
  /** 'indexonlyscan' reads heap tuples only for pages not all-visible. */
  readonly kind: 'indexscan' | 'indexonlyscan';
  readonly rt: number;
  readonly relationOid: number;
  readonly relationName: string;
  readonly alias: string;
  readonly indexOid: number;
  readonly indexName: string;
  readonly indexQuals: readonly IndexQual[];
  readonly direction: 'forward' | 'backward';
  readonly filter?: Expr;
}

/** An index scan (any AM that can bitmap-scan) that only collects TIDs, for a BitmapHeapScan. */
export interface BitmapIndexScanNode extends NodeBase {
  readonly kind: 'bitmapindexscan';
  readonly indexOid: number;
  readonly indexName: string;
  readonly indexQuals: readonly IndexQual[];
}

export interface BitmapSetNode extends NodeBase {
  readonly kind: 'bitmapand' | 'bitmapor';
  readonly children: readonly BitmapNode[];
}

export type BitmapNode = BitmapIndexScanNode | BitmapSetNode;

/** Heap pages in block order from a TID bitmap; `recheck` is applied to each row. */
export interface BitmapHeapScanNode extends NodeBase {
  readonly kind: 'bitmapheapscan';
  readonly rt: number;
  readonly relationOid: number;
  readonly relationName: string;
  readonly alias: string;
  readonly bitmap: BitmapNode;
  readonly recheck: Expr;
  readonly filter?: Expr;
}

/** The rows of a VALUES entry (rtable[rt]'s; their expressions may use ExecParams). */
export interface ValuesScanNode extends NodeBase {
  readonly kind: 'valuesscan';
  readonly rt: number;
  readonly values: readonly (readonly Expr[])[];
  readonly filter?: Expr;
}

/** The rows of a set-returning function call (`call`'s arguments may use ExecParams). */
export interface FunctionScanNode extends NodeBase {
  readonly kind: 'functionscan';
  readonly rt: number;
  readonly call: Expr;
  readonly alias: string;
  /** WITH ORDINALITY: a last column numbering the rows from 1. */
  readonly ordinality?: boolean;
  readonly filter?: Expr;
}

/** The rows of a subquery's plan; output Var(rt, i) is the subplan's column i (R4). */
export interface SubqueryScanNode extends NodeBase {
  readonly kind: 'subqueryscan';
  readonly rt: number;
  readonly alias: string;
  readonly input: PlanNode;
  readonly filter?: Expr;
}

/**
 * The rows of WITH query `PlannedSelect.subplans[plan]`, computed at the
 * first read and kept for every CteScan of the same plan in the execution.
 */
export interface CteScanNode extends NodeBase {
  readonly kind: 'ctescan';
  readonly rt: number;
  readonly cteName: string;
  readonly alias: string;
  readonly plan: number;
  readonly filter?: Expr;
}

/** The current work table of RecursiveUnion `worktable` (a WITH RECURSIVE self-reference). */
export interface WorkTableScanNode extends NodeBase {
  readonly kind: 'worktablescan';
  readonly rt: number;
  readonly cteName: string;
  readonly alias: string;
  readonly worktable: number;
  readonly filter?: Expr;
}

/**
 * Projection (PostgreSQL's Result / the projection of any node): `output`
 * evaluated over `input`'s row, or once with no input (SELECT without
 * FROM). `oneTimeFilter`: evaluated once first; when not true, no rows.
 * `filter`: evaluated per input row.
 */
export interface ResultNode extends NodeBase {
  readonly kind: 'result';
  readonly input?: PlanNode;
  readonly oneTimeFilter?: Expr;
  readonly filter?: Expr;
}

/** A set-returning function in the select list (ProjectSet): one output row per row of the longest SRF. */
export interface ProjectSetNode extends NodeBase {
  readonly kind: 'projectset';
  readonly input?: PlanNode;
}

// ---------------------------------------------------------------- joins

/**
 * Join types as the executor runs them. semi: each outer row once when
 * some inner row matches; anti: each outer row with no matching inner row.
 * Output of semi/anti joins is the outer row's columns only.
 */
export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';

interface JoinBase extends NodeBase {
  readonly joinType: JoinType;
  readonly outer: PlanNode;
  readonly inner: PlanNode;
  /** Join conditions (decide matching for outer/semi/anti joins), over outer ++ inner. */
  readonly joinQual?: Expr;
  /** Conditions applied after the join (WHERE conditions on an outer join's result). */
  readonly filter?: Expr;
}

/**
 * For each outer row: set `params` (ExecParams over the outer row), rescan
 * the inner side and join. The inner side is rescanned per outer row
 * (a Material node under it keeps its rows).
 */
export interface NestLoopNode extends JoinBase {
  readonly kind: 'nestloop';
  readonly params: readonly { readonly id: number; readonly value: Expr }[];
}

/** Hash join: the inner side is a Hash node over `innerKeys`; outer rows probe with `outerKeys`. */
export interface HashJoinNode extends JoinBase {
  readonly kind: 'hashjoin';
  readonly inner: HashNode;
  /** The hashable `=` conditions, for EXPLAIN's Hash Cond (also kept out of joinQual). */
  readonly hashClauses: readonly Expr[];
  /** Over the outer row. */
  readonly outerKeys: readonly Expr[];
}

export interface HashNode extends NodeBase {
  readonly kind: 'hash';
  readonly input: PlanNode;
  /** Over the input row. */
  readonly keys: readonly Expr[];
}

/** Merge join over inputs sorted on the merge keys (ascending, NULLS LAST). */
export interface MergeJoinNode extends JoinBase {
  readonly kind: 'mergejoin';
  readonly mergeClauses: readonly Expr[];
  readonly outerKeys: readonly Expr[];
  readonly innerKeys: readonly Expr[];
}

// ---------------------------------------------------------------- upper nodes

export interface SortNode extends NodeBase {
  readonly kind: 'sort';
  readonly input: PlanNode;
  readonly keys: readonly SortKey[];
}

/** Sort where the input is already sorted on the first `presorted` keys. */
export interface IncrementalSortNode extends NodeBase {
  readonly kind: 'incrementalsort';
  readonly input: PlanNode;
  readonly keys: readonly SortKey[];
  readonly presorted: number;
}

/**
 * Aggregation. Output (R1): the group expressions, then Aggref(i) for each
 * aggregate, then any GroupingFunc the query uses. plain: one row over all
 * input; sorted: input sorted on the group expressions; hashed: a hash
 * table per key (spills past work_mem); mixed: grouping sets. `having` is
 * evaluated over the node's own output. With no aggregates and `hashed`,
 * this is a hash DISTINCT / UNION.
 */
export interface AggNode extends NodeBase {
  readonly kind: 'agg';
  readonly strategy: 'plain' | 'sorted' | 'hashed' | 'mixed';
  readonly input: PlanNode;
  /** Over the input row. */
  readonly groupExprs: readonly Expr[];
  /** Grouping sets as indexes into groupExprs (absent: one set, all of them). */
  readonly groupingSets?: readonly (readonly number[])[];
  /**
   * The estimated groups of each grouping set (numGroups of PostgreSQL's
   * per-set Agg): the size a hashed set's table starts at, which decides
   * the order its groups come out in.
   */
  readonly setGroups?: readonly number[];
  readonly aggregates: readonly AggregateCall[];
  readonly having?: Expr;
}

/**
 * Window functions over `input` sorted on the partition then the order
 * keys. Output: input.output, then WindowFunc(i) for each of `funcs`.
 */
export interface WindowAggNode extends NodeBase {
  readonly kind: 'windowagg';
  readonly input: PlanNode;
  readonly window: WindowClause;
  readonly funcs: readonly { readonly index: number; readonly call: WindowFuncCall }[];
  /**
   * PostgreSQL 15's run condition: a condition over the output (a
   * monotonic window function against a constant) that, once false, stays
   * false for the rest of the partition: those rows are not returned, and
   * without PARTITION BY the node stops.
   */
  readonly runCondition?: Expr;
}

/** Drops rows equal to the previous one on the first `columns` output columns (input sorted on them). */
export interface UniqueNode extends NodeBase {
  readonly kind: 'unique';
  readonly input: PlanNode;
  readonly columns: number;
}

/** LIMIT / OFFSET (evaluated once per execution; NULL means none). */
export interface LimitNode extends NodeBase {
  readonly kind: 'limit';
  readonly input: PlanNode;
  readonly limit?: Expr;
  readonly offset?: Expr;
  /**
   * FETCH FIRST n ROWS WITH TIES: the ORDER BY keys (over the input's
   * output); rows equal to the n-th under them are returned too.
   */
  readonly withTies?: readonly SortKey[];
}

/** The children's rows one after another (UNION ALL); output positionally the first child's. */
export interface AppendNode extends NodeBase {
  readonly kind: 'append';
  readonly children: readonly PlanNode[];
}

/** Merges children sorted on `keys` (over each child's row). */
export interface MergeAppendNode extends NodeBase {
  readonly kind: 'mergeappend';
  readonly children: readonly PlanNode[];
  readonly keys: readonly SortKey[];
}

/**
 * INTERSECT [ALL] / EXCEPT [ALL] of `left` and `right` (same width);
 * sorted: both sides sorted on all columns; hashed: a hash table. EXPLAIN
 * shows it as PostgreSQL does: SetOp/HashSetOp over an Append of both.
 */
export interface SetOpNode extends NodeBase {
  readonly kind: 'setop';
  readonly op: 'intersect' | 'except';
  readonly all: boolean;
  readonly strategy: 'sorted' | 'hashed';
  readonly left: PlanNode;
  readonly right: PlanNode;
}

/**
 * WITH RECURSIVE: the non-recursive term's rows, then the recursive
 * term's, run repeatedly with WorkTableScan `worktable` reading the
 * previous iteration's rows, until one returns none. Without `all`,
 * duplicates (of all rows so far) are discarded, which also ends cycles.
 */
export interface RecursiveUnionNode extends NodeBase {
  readonly kind: 'recursiveunion';
  readonly nonRecursive: PlanNode;
  readonly recursive: PlanNode;
  readonly all: boolean;
  readonly worktable: number;
}

/** Keeps its input's rows for rescans. */
export interface MaterialNode extends NodeBase {
  readonly kind: 'material';
  readonly input: PlanNode;
}

/** Caches inner rows by the ExecParams' values (PostgreSQL 14+'s Memoize). */
export interface MemoizeNode extends NodeBase {
  readonly kind: 'memoize';
  readonly input: PlanNode;
  readonly keys: readonly Expr[];
  /**
   * EXPLAIN's `Cache Mode: binary`: a join clause's operator is not the
   * hash equality (PostgreSQL then compares keys by their bytes); absent,
   * logical.
   */
  readonly binary?: boolean;
}

export type PlanNode =
  | SeqScanNode
  | IndexScanNode
  | BitmapHeapScanNode
  | ValuesScanNode
  | FunctionScanNode
  | SubqueryScanNode
  | CteScanNode
  | WorkTableScanNode
  | ResultNode
  | ProjectSetNode
  | NestLoopNode
  | HashJoinNode
  | HashNode
  | MergeJoinNode
  | SortNode
  | IncrementalSortNode
  | AggNode
  | WindowAggNode
  | UniqueNode
  | LimitNode
  | AppendNode
  | MergeAppendNode
  | SetOpNode
  | RecursiveUnionNode
  | MaterialNode
  | MemoizeNode;

/** An output column, as RowDescription describes it. */
export interface OutputColumn {
  readonly name: string;
  readonly typeOid: number;
  readonly typmod: number;
  /** The table and column when the output is a plain column of a table (else 0 and 0). */
  readonly tableOid: number;
  readonly attnum: number;
}

/** A planned SELECT. */
export interface PlannedSelect {
  readonly plan: PlanNode;
  /**
   * The query tree the plan was made from: the statement's, after the
   * planner's rewrites (sub-SELECTs in FROM pulled up). EXPLAIN names
   * tables and columns from it.
   */
  readonly query?: SelectQuery;
  /**
   * Plans of sub-SELECTs (SubPlanExpr.plan) and WITH queries
   * (CteScanNode.plan), by index. Each returns its query's rows (R4).
   */
  readonly subplans: readonly PlanNode[];
  /** For EXPLAIN: each subplan's name ("SubPlan 1", "InitPlan 1 (returns $0)", "CTE t"). */
  readonly subplanNames: readonly string[];
  /** How many ExecParam ids the plan uses (0..n-1). */
  readonly execParams: number;
  /** The client-visible columns. */
  readonly columns: readonly OutputColumn[];
  /** Every relation the statement reads, with its lock, sub-SELECTs and WITH queries included. */
  readonly relations: readonly {
    readonly oid: number;
    readonly lockMode: 'AccessShareLock' | 'RowShareLock' | 'RowExclusiveLock';
  }[];
}

/** What EXPLAIN ANALYZE shows for a node, collected by the executor. */
export interface NodeInstrumentation {
  /** Milliseconds from the start of the node's first loop to its first row (sum over loops). */
  startupMs: number;
  /** Milliseconds in the node, all loops. */
  totalMs: number;
  /** Rows returned, all loops. */
  rows: number;
  loops: number;
  /** Rows a filter / join filter removed. */
  removedByFilter?: number;
  removedByJoinFilter?: number;
  /** Buffer accesses: shared hit/read (pages found in / read into the buffer pool). */
  sharedHit?: number;
  sharedRead?: number;
  /** Sort: "quicksort" / "top-N heapsort" / "external merge", memory or disk in kB. */
  sortMethod?: string;
  sortSpaceKb?: number;
  sortSpaceType?: 'Memory' | 'Disk';
  /** Hash: buckets, batches, peak memory in kB. */
  hashBuckets?: number;
  hashBatches?: number;
  hashMemoryKb?: number;
  /** HashAgg: batches, memory, disk. */
  aggBatches?: number;
  diskUsageKb?: number;
}
