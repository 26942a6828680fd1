/**
 * The typed query tree: what analysis produces and the planner consumes
 * (PostgreSQL's Query with its Expr nodes, reduced). Every expression
 * carries its result type; names are resolved to relation OIDs, attnums,
 * and the @pg/types registry's functions, operators and casts. Nothing
 * here refers to parse nodes, so a plan can be cached and re-run with new
 * parameter values.
 */
import type { CastDef, FunctionDef, OperatorDef } from '@pg/types';

/** A typed expression. */
export type Expr =
  | Const
  | Param
  | Var
  | FuncExpr
  | OpExpr
  | BoolExpr
  | NullTest
  | BooleanTest
  | CaseExpr
  | CoalesceExpr
  | MinMaxExpr
  | NullIfExpr
  | ScalarArrayOpExpr
  | CoerceExpr
  | ArrayExpr
  | SqlValueFunction
  | DistinctExpr
  | Aggref
  | WindowFunc
  | SubLink
  | SubLinkParam
  | GroupingFunc
  | ExecParam
  | SubPlanExpr
  | RowExpr
  | RowCompareExpr
  | FieldSelect
  | SubscriptRef;

interface Typed {
  /** The result type OID. */
  readonly type: number;
  /** Its typmod (-1 for none). */
  readonly typmod: number;
}

/** A constant: `value` is the JavaScript value of `type` (null for NULL). */
export interface Const extends Typed {
  readonly kind: 'const';
  readonly value: unknown;
}

/** $n (1-based), with the type analysis inferred or was told. */
export interface Param extends Typed {
  readonly kind: 'param';
  readonly index: number;
}

/** A column of a range-table entry. */
export interface Var extends Typed {
  readonly kind: 'var';
  /** Index into Query.rtable (0-based). */
  readonly rt: number;
  /** attnum (1-based). */
  readonly attnum: number;
  /**
   * How many query levels up rtable is (PostgreSQL's varlevelsup): absent
   * or 0 for this query's own range table, 1 for the query a sub-SELECT
   * is nested in (a correlated reference), and so on.
   */
  readonly levelsUp?: number;
}

/** A function call (also what an operator resolves to underneath). */
export interface FuncExpr extends Typed {
  readonly kind: 'func';
  readonly fn: FunctionDef;
  readonly args: readonly Expr[];
}

/** `a op b` or `op a`: `fn` is the operator's implementing function (oprcode). */
export interface OpExpr extends Typed {
  readonly kind: 'op';
  readonly op: OperatorDef;
  readonly fn: FunctionDef;
  readonly args: readonly Expr[];
}

/**
 * `a IS DISTINCT FROM b` (PostgreSQL's DistinctExpr): `op` is the resolved
 * `=`; true when exactly one side is NULL, false when both are, else
 * NOT (a = b). `IS NOT DISTINCT FROM` is a NOT BoolExpr around it.
 */
export interface DistinctExpr extends Typed {
  readonly kind: 'distinct';
  readonly op: OperatorDef;
  readonly fn: FunctionDef;
  readonly args: readonly [Expr, Expr];
}

/**
 * The result of an aggregate call (PostgreSQL's Aggref), computed over all
 * the rows that pass WHERE: `SelectQuery.aggregates[index]` says what to
 * compute. Appears only in a SELECT's targetList (ORDER BY and DISTINCT ON
 * entries included), never inside another aggregate's arguments.
 */
export interface Aggref extends Typed {
  readonly kind: 'aggref';
  readonly index: number;
  /**
   * An aggregate of an outer query level (PostgreSQL's agglevelsup): its
   * arguments use only that level's columns, so it is computed there —
   * `aggregates[index]` of the SELECT `levelsUp` levels out — and this
   * query sees its value as an outer reference (a parameter). Absent: 0.
   */
  readonly levelsUp?: number;
}

/**
 * One aggregate call. PostgreSQL's built-in aggregates, by name:
 * count(*) and count(x) -> int8; sum(int2|int4) -> int8, sum(int8|numeric)
 * -> numeric, sum(float4|float8|interval) -> the same type; avg(int2|int4|
 * int8|numeric) -> numeric, avg(float4|float8) -> float8, avg(interval) ->
 * interval; min/max(x) -> x's type, by the type's B-tree order;
 * bool_and/bool_or/every(bool) -> bool; string_agg(text, text) -> text,
 * string_agg(bytea, bytea) -> bytea; array_agg(x) -> x[] (array_agg of an
 * array -> the same array type, one dimension more); json_agg(x) -> json,
 * jsonb_agg(x) -> jsonb, json_object_agg(k, v) -> json,
 * jsonb_object_agg(k, v) -> jsonb; stddev/variance families -> numeric for
 * integer and numeric input, float8 for float input. NULL inputs are
 * skipped by the strict ones (all but array_agg, json[b]_agg,
 * json[b]_object_agg's value); over no rows count gives 0 and the others
 * NULL.
 */
export interface AggregateCall {
  readonly name: string;
  /** The arguments (empty for count(*)), already coerced to `argTypes`; evaluated per input row. */
  readonly args: readonly Expr[];
  /** The aggregate's declared input types (count(x): "any" -> the argument's own type). */
  readonly argTypes: readonly number[];
  /** count(*). */
  readonly star: boolean;
  /** agg(DISTINCT x): each distinct input (or argument tuple) fed once. */
  readonly distinct: boolean;
  /** agg(...) FILTER (WHERE cond): rows where cond is not true are skipped. */
  readonly filter?: Expr;
  /** agg(x ORDER BY ...): the inputs are fed in this order (evaluated per input row). */
  readonly order?: readonly AggSortKey[];
  /** Result type (and typmod, -1). */
  readonly type: number;
  readonly typmod: number;
  /**
   * An ordered-set aggregate called WITHIN GROUP (pg_aggregate aggkind):
   * 'o' percentile_cont, percentile_disc, mode; 'h' the hypothetical-set
   * rank, dense_rank, percent_rank, cume_dist. Then `args` are the direct
   * arguments (evaluated once per group, over grouped columns only) and
   * `order` the WITHIN GROUP (ORDER BY ...) keys, the aggregated arguments
   * (`argTypes` lists the direct arguments' types, then the keys'). Absent
   * for a plain aggregate.
   */
  readonly aggkind?: 'o' | 'h';
}

/** An ORDER BY item inside an aggregate call or a window definition. */
export interface AggSortKey {
  readonly expr: Expr;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/**
 * A window function call's result (PostgreSQL's WindowFunc):
 * `SelectQuery.windowFuncs[index]` says what to compute. Appears in the
 * targetList (ORDER BY entries included) only, never in WHERE, GROUP BY,
 * HAVING or an aggregate's arguments.
 */
export interface WindowFunc extends Typed {
  readonly kind: 'windowfunc';
  readonly index: number;
}

/**
 * One window function call: a ranking/value function (row_number, rank,
 * dense_rank, percent_rank, cume_dist, ntile, lag, lead, first_value,
 * last_value, nth_value) or an aggregate over the window (`aggregate`
 * set, its args in `aggregate.args`). `window` indexes
 * SelectQuery.windows.
 */
export interface WindowFuncCall {
  readonly name: string;
  /** The arguments of a non-aggregate window function, coerced. */
  readonly args: readonly Expr[];
  /** When the call is an aggregate over the window. */
  readonly aggregate?: AggregateCall;
  /** FILTER (WHERE ...) on a window aggregate. */
  readonly filter?: Expr;
  readonly window: number;
  readonly type: number;
  readonly typmod: number;
}

/** A frame bound: UNBOUNDED PRECEDING, n PRECEDING, CURRENT ROW, n FOLLOWING, UNBOUNDED FOLLOWING. */
export interface FrameBound {
  readonly kind:
    | 'unbounded preceding'
    | 'preceding'
    | 'current row'
    | 'following'
    | 'unbounded following';
  /** The offset of `n PRECEDING/FOLLOWING` (ROWS/GROUPS: int8; RANGE: the order column's offset type). */
  readonly offset?: Expr;
}

/**
 * A window (WindowClause): PARTITION BY, ORDER BY and the frame. The
 * default frame is RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW.
 * For RANGE with an offset, `inRange` is the in_range support of the
 * ORDER BY column's type (the single ORDER BY key).
 */
export interface WindowClause {
  readonly name?: string;
  readonly partition: readonly Expr[];
  readonly order: readonly AggSortKey[];
  readonly frame: {
    readonly mode: 'rows' | 'range' | 'groups';
    readonly start: FrameBound;
    readonly end: FrameBound;
    readonly exclude: 'no others' | 'current row' | 'group' | 'ties';
  };
}

/**
 * GROUPING(a, b, ...) (PostgreSQL's GroupingFunc): a bit mask, 1 for each
 * argument not grouped in the current grouping set (first argument the
 * most significant bit). `refs` are targetList indexes of the arguments.
 */
export interface GroupingFunc extends Typed {
  readonly kind: 'groupingfunc';
  readonly refs: readonly number[];
}

/**
 * A sub-SELECT in an expression (PostgreSQL's SubLink):
 *   exists  EXISTS (SELECT ...)                       -> bool
 *   any     x op ANY (SELECT ...), x IN (SELECT ...)  -> bool
 *   all     x op ALL (SELECT ...), x NOT IN is NOT(ANY)-> bool
 *   expr    (SELECT one column)                       -> the column's type;
 *           more than one row is 21000, none is NULL
 *   array   ARRAY(SELECT one column)                  -> array of it
 * For any/all, `testExpr` is the comparison of the left side with the
 * sub-SELECT's output columns, written with SubLinkParams (column 1, 2,
 * ...): `x = $1` for `x IN (SELECT y ...)`, an AND of such for a row
 * `(a, b) IN (SELECT ...)`; it is evaluated for each row of the sub-SELECT
 * and combined with OR (any) or AND (all), NULL-aware as PostgreSQL.
 * The sub-SELECT's Vars with levelsUp 1 refer to this query's rows.
 */
export interface SubLink extends Typed {
  readonly kind: 'sublink';
  readonly linkType: 'exists' | 'any' | 'all' | 'expr' | 'array';
  readonly testExpr?: Expr;
  readonly query: SelectQuery;
}

/** In a SubLink's testExpr: the current sub-SELECT row's `column`-th output (1-based). */
export interface SubLinkParam extends Typed {
  readonly kind: 'sublinkparam';
  readonly column: number;
}

/**
 * Planner-made: a value set at run time by an enclosing plan node (a
 * nested loop passing the outer row's values to a parameterized inner
 * scan, or a SubPlan passing correlated values to its plan): PostgreSQL's
 * PARAM_EXEC. Never produced by analysis.
 */
export interface ExecParam extends Typed {
  readonly kind: 'execparam';
  readonly id: number;
}

/**
 * Planner-made: a SubLink whose query was planned (PostgreSQL's SubPlan).
 * `plan` indexes the planned statement's subplans; before each run, `args`
 * (evaluated in the current row) are stored in ExecParams `params`. Never
 * produced by analysis.
 */
export interface SubPlanExpr extends Typed {
  readonly kind: 'subplan';
  readonly linkType: SubLink['linkType'];
  readonly testExpr?: Expr;
  readonly plan: number;
  readonly params: readonly number[];
  readonly args: readonly Expr[];
  /** Uncorrelated: run once per execution and remembered (an InitPlan's behaviour). */
  readonly initPlan: boolean;
}

/** AND / OR (n-ary) and NOT (one argument), with SQL's three-valued logic. */
export interface BoolExpr extends Typed {
  readonly kind: 'bool';
  readonly op: 'and' | 'or' | 'not';
  readonly args: readonly Expr[];
}

/** IS [NOT] NULL. */
export interface NullTest extends Typed {
  readonly kind: 'nulltest';
  readonly arg: Expr;
  readonly isNull: boolean;
  /**
   * Of a record argument, test the value itself rather than its columns
   * (PostgreSQL's argisrow false: `ROW(...) IS DISTINCT FROM NULL`). A
   * record's plain IS [NOT] NULL tests its columns.
   */
  readonly valueOnly?: boolean;
}

/** IS [NOT] TRUE / FALSE / UNKNOWN. */
export interface BooleanTest extends Typed {
  readonly kind: 'booltest';
  readonly arg: Expr;
  readonly test: 'true' | 'not true' | 'false' | 'not false' | 'unknown' | 'not unknown';
}

/** CASE [arg] WHEN ... THEN ... ELSE ... END; with `arg`, each `when` is already `arg = value`. */
export interface CaseExpr extends Typed {
  readonly kind: 'case';
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly otherwise: Expr;
}

/** COALESCE(a, b, ...). */
export interface CoalesceExpr extends Typed {
  readonly kind: 'coalesce';
  readonly args: readonly Expr[];
}

/** GREATEST / LEAST: `compare` is the type's B-tree order. */
export interface MinMaxExpr extends Typed {
  readonly kind: 'minmax';
  readonly op: 'greatest' | 'least';
  readonly args: readonly Expr[];
}

/** NULLIF(a, b): `eq` is the resolved `=`. */
export interface NullIfExpr extends Typed {
  readonly kind: 'nullif';
  readonly args: readonly [Expr, Expr];
  readonly eq: OpExpr;
}

/**
 * `a op ANY (array)` / `a op ALL (array)`; `x IN (1, 2)` is `x = ANY
 * (ARRAY[1, 2])` as in PostgreSQL, `NOT IN` is `<> ALL`.
 */
export interface ScalarArrayOpExpr extends Typed {
  readonly kind: 'scalararrayop';
  readonly useOr: boolean;
  readonly op: OperatorDef;
  readonly fn: FunctionDef;
  readonly scalar: Expr;
  readonly array: Expr;
}

/**
 * A cast: through `cast` (pg_cast: a function or binary-coercible), or
 * through text I/O when `cast` is undefined (`via` 'io'). Applies the
 * target typmod (varchar(3), numeric(5,2)).
 */
export interface CoerceExpr extends Typed {
  readonly kind: 'coerce';
  readonly arg: Expr;
  readonly cast?: CastDef;
  readonly via: 'cast' | 'io' | 'typmod';
  /** CoercionForm: explicit (::, CAST) or implicit/assignment (matters for errors and deparse). */
  readonly explicit: boolean;
}

/** ARRAY[a, b, ...]. */
export interface ArrayExpr extends Typed {
  readonly kind: 'array';
  readonly elementType: number;
  readonly elements: readonly Expr[];
}

/**
 * ROW(a, b, ...) or (a, b, ...): a record value (type record, 2249) of one
 * column per argument, named `fieldNames` (f1, f2, ... for a row
 * constructor). A whole-row reference (`t`, `t.*` in an expression) is a
 * RowExpr of the entry's live columns with `wholeRow` set: then its
 * column names are the entry's, and when the entry is on the nullable
 * side of an outer join (`wholeRow.nullable`) a row whose columns are all
 * NULL is the NULL record (PostgreSQL's whole-row Var of a NULL-extended
 * row; a stored row of all NULLs there reads as NULL too).
 */
export interface RowExpr extends Typed {
  readonly kind: 'row';
  readonly args: readonly Expr[];
  readonly fieldNames: readonly string[];
  readonly wholeRow?: {
    readonly alias: string;
    readonly nullable: boolean;
    /** A table's: its row type's name (the table's name), for messages. */
    readonly typeName?: string;
  };
}

/**
 * (a, b) < (c, d) and its kin (PostgreSQL's RowCompareExpr): the pairs are
 * compared left to right with their type's order (each pair already
 * coerced to one type); the first unequal pair decides, a NULL in a
 * compared pair makes the result NULL, all equal is `op` on equality.
 * `=`/`<>` between row constructors are ANDs/ORs of the pairs instead.
 */
export interface RowCompareExpr extends Typed {
  readonly kind: 'rowcompare';
  readonly op: '<' | '<=' | '>' | '>=';
  readonly left: readonly Expr[];
  readonly right: readonly Expr[];
}

/** (record).field (PostgreSQL's FieldSelect): column `field` (1-based) of a record value. */
export interface FieldSelect extends Typed {
  readonly kind: 'fieldselect';
  readonly arg: Expr;
  readonly field: number;
  readonly fieldName: string;
}

/**
 * arr[i], arr[i][j], arr[i:j] (PostgreSQL's SubscriptingRef, fetch only):
 * `upper` holds one int4 subscript per dimension written; `lower` is
 * present for a slice (any `:` written), with undefined for an omitted
 * bound (`[:j]`, `[i:]`), and a plain `[i]` among slices is `[1:i]`.
 * An element fetch gives NULL out of range (or for NULL subscripts); a
 * slice gives the overlapping part with lower bounds 1, or an empty array.
 */
export interface SubscriptRef extends Typed {
  readonly kind: 'subscript';
  readonly arg: Expr;
  readonly upper: readonly (Expr | undefined)[];
  readonly lower?: readonly (Expr | undefined)[];
}

/** CURRENT_DATE, CURRENT_TIMESTAMP, CURRENT_USER, ... */
export interface SqlValueFunction extends Typed {
  readonly kind: 'sqlvalue';
  readonly name: string;
}

/**
 * A range-table entry: a relation, a VALUES list, a set-returning function,
 * a subquery, a join, or a reference to a WITH query.
 */
export type RangeTblEntry = RelationRte | ValuesRte | FunctionRte | SubqueryRte | JoinRte | CteRte;

interface RteBase {
  /** The alias (or the relation's name, "*VALUES*", the function's name): what columns are qualified with. */
  readonly alias: string;
  /** Column names visible through the alias (after column aliases), dropped columns as ''. */
  readonly columnNames: readonly string[];
}

/** A table or view the query reads or writes. */
export interface RelationRte extends RteBase {
  readonly kind: 'relation';
  readonly relationOid: number;
  /** The lock the statement takes on it: AccessShareLock for reads, RowExclusiveLock for writes. */
  readonly lockMode: 'AccessShareLock' | 'RowShareLock' | 'RowExclusiveLock';
}

/**
 * `VALUES (...), (...)` (an RTE_VALUES): every row has one expression per
 * column, already coerced to the column's common type (select_common_type
 * across the rows); the expressions refer to no column.
 */
export interface ValuesRte extends RteBase {
  readonly kind: 'values';
  readonly rows: readonly (readonly Expr[])[];
  readonly columnTypes: readonly { readonly type: number; readonly typmod: number }[];
}

/**
 * A set-returning function in FROM (`generate_series(1, 10) AS g`): one
 * column, of the function's result type; the arguments refer to no column.
 */
export interface FunctionRte extends RteBase {
  readonly kind: 'function';
  readonly call: FuncExpr;
  /** WITH ORDINALITY: the last column numbers the rows (set by ROWS FROM; else told by two names). */
  readonly ordinality?: boolean;
}

/** A subquery in FROM, or the SELECT of an INSERT ... SELECT: its output columns are the RTE's. */
export interface SubqueryRte extends RteBase {
  readonly kind: 'subquery';
  readonly query: SelectQuery;
  /** LATERAL: its query refers (levelsUp 1) to range-table entries left of it in FROM. */
  readonly lateral?: boolean;
  /**
   * issue 9 (G): the view (pg_class OID) this subquery expands: printed
   * back as the view's name, and what a view defined over it depends on.
   */
  readonly view?: number;
}

/**
 * `left JOIN right ON quals` (also CROSS JOIN, USING, NATURAL): `left` and
 * `right` are range-table indexes (base entries or other joins). Column
 * references through the join's alias are resolved by analysis to the
 * underlying Vars (a merged USING column of a FULL JOIN to COALESCE(l, r)),
 * so no Var refers to a join entry; `columns` are those expressions, for
 * `alias.*`.
 */
export interface JoinRte extends RteBase {
  readonly kind: 'join';
  readonly joinType: 'inner' | 'left' | 'right' | 'full';
  readonly left: number;
  readonly right: number;
  /** ON / USING conditions (absent for CROSS JOIN). */
  readonly quals?: Expr;
  readonly columns: readonly Expr[];
  /** issue 9 (G, views): USING (...) / NATURAL's merged column names, for printing the join back (ruleutils.ts). */
  readonly using?: readonly string[];
}

/**
 * A reference to WITH query `name` (SelectQuery.ctes[index] of the query
 * `levelsUp` levels up). `self` marks the recursive reference inside a
 * WITH RECURSIVE query's own recursive term (PostgreSQL's work table).
 */
export interface CteRte extends RteBase {
  readonly kind: 'cte';
  readonly name: string;
  readonly index: number;
  readonly levelsUp: number;
  readonly self: boolean;
  readonly columnTypes: readonly { readonly type: number; readonly typmod: number }[];
}

/**
 * One WITH query. A recursive one (`recursive`) is a UNION [ALL] whose
 * right side refers to itself (a CteRte with `self`). `materialized`:
 * MATERIALIZED / NOT MATERIALIZED as written, 'default' otherwise
 * (PostgreSQL 12+ inlines a non-recursive, side-effect-free query
 * referenced once).
 */
export interface CommonTableExpr {
  readonly name: string;
  readonly columnNames: readonly string[];
  readonly query: SelectQuery;
  readonly recursive: boolean;
  readonly materialized: 'default' | 'always' | 'never';
  /** How many CteRtes refer to it (self-references excluded). */
  readonly refCount: number;
  /**
   * A data-modifying WITH query (`WITH d AS (DELETE ... RETURNING *)`):
   * the statement, run once to completion before the query that has the
   * WITH; `query` is then a stand-in of its RETURNING columns (no rows),
   * which the executor replaces by the rows the statement returned.
   */
  readonly modify?: InsertQuery | UpdateQuery | DeleteQuery;
}

/**
 * A set operation tree (PostgreSQL's SetOperationStmt): leaves are
 * range-table indexes of subquery entries; each operation's output
 * columns are `columnTypes` (select_common_type of both sides; the leaves'
 * outputs are coerced to them inside their subqueries).
 */
export type SetOperationTree =
  | { readonly kind: 'leaf'; readonly rt: number }
  | {
      readonly kind: 'setop';
      readonly op: 'union' | 'intersect' | 'except';
      readonly all: boolean;
      readonly left: SetOperationTree;
      readonly right: SetOperationTree;
      readonly columnTypes: readonly { readonly type: number; readonly typmod: number }[];
    };

/** One output column (TargetEntry). */
export interface TargetEntry {
  readonly expr: Expr;
  /** The column name a client sees (?column? when PostgreSQL gives none). */
  readonly name: string;
  /** resjunk: computed for ORDER BY or row identity, not returned. */
  readonly junk: boolean;
  /** When the entry is a plain column of a table: its relation and attnum (for RowDescription). */
  readonly origin?: { readonly relationOid: number; readonly attnum: number };
}

/** ORDER BY item: sorts on targetList[index]. */
export interface SortClause {
  readonly index: number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** SELECT ... FOR UPDATE / SHARE. */
export interface RowMark {
  readonly rt: number;
  readonly strength: 'update' | 'no key update' | 'share' | 'key share';
  readonly wait: 'block' | 'nowait' | 'skip locked';
}

interface QueryBase {
  readonly rtable: readonly RangeTblEntry[];
  /**
   * WITH queries (their CteRtes name them by index). On INSERT/UPDATE/
   * DELETE: the statement's own WITH list (PostgreSQL 15 allows it there).
   */
  readonly ctes?: readonly CommonTableExpr[];
  /**
   * The FROM items, in order (empty for SELECT without FROM): range-table
   * indexes of base entries or of JoinRtes (whose `left`/`right` name the
   * entries they join). Several items are a cross join filtered by WHERE.
   */
  readonly from: readonly number[];
  /** WHERE, already coerced to boolean. */
  readonly where?: Expr;
  /** The output columns (RETURNING for INSERT/UPDATE/DELETE; empty when none). */
  readonly targetList: readonly TargetEntry[];
  /** Parameter types, $1 first (given or inferred). */
  readonly paramTypes: readonly number[];
  /**
   * issue 9 (D, views): the views an INSERT/UPDATE/DELETE was written
   * through (view-update.ts), outermost first: a cached plan depends on them.
   */
  readonly writtenViews?: readonly { readonly view: number }[];
}

export interface SelectQuery extends QueryBase {
  readonly command: 'select';
  /**
   * UNION / INTERSECT / EXCEPT: then `from` is empty and the targetList's
   * expressions are Vars (rt: the leftmost leaf, attnum 1..n) over the
   * operation's output; sort, limit and offset apply to that output.
   */
  readonly setOp?: SetOperationTree;
  /**
   * GROUP BY: targetList indexes of the grouping expressions (added as
   * junk entries when not selected). With aggregates and no group, one
   * row; with a group, one row per distinct key (NULLs group together).
   */
  readonly group?: readonly number[];
  /**
   * GROUPING SETS / ROLLUP / CUBE, expanded: each set lists targetList
   * indexes (a subset of `group`); rows are produced per set, the columns
   * outside the set NULL.
   */
  readonly groupingSets?: readonly (readonly number[])[];
  /** HAVING, over group keys and Aggrefs. */
  readonly having?: Expr;
  /** The window function calls (WindowFunc.index) and the windows they use. */
  readonly windowFuncs?: readonly WindowFuncCall[];
  readonly windows?: readonly WindowClause[];
  readonly sort: readonly SortClause[];
  /** DISTINCT: all output columns; DISTINCT ON: the target indexes listed. */
  readonly distinct?: 'all' | readonly number[];
  readonly limit?: Expr;
  /** FETCH FIRST n ROWS WITH TIES: rows that tie with the last one under `sort` come too. */
  readonly limitWithTies?: boolean;
  readonly offset?: Expr;
  readonly rowMarks: readonly RowMark[];
  /**
   * Aggregate calls, when the query has any: its targetList and HAVING
   * refer to them through Aggref and contain no Var that is not inside
   * an aggregate's arguments or a grouping expression.
   */
  readonly aggregates?: readonly AggregateCall[];
}

export interface InsertQuery extends QueryBase {
  readonly command: 'insert';
  /** The target relation: rtable[target]. */
  readonly target: number;
  /**
   * One expression list per row, each already coerced to the column's type
   * (assignment casts, typmods) and filled out to every column in attnum
   * order: columns not given get their default expression or NULL.
   * With `source`, exactly one list, evaluated once per source row, whose
   * Vars (rt = source) are the source's output columns.
   */
  readonly rows: readonly (readonly Expr[])[];
  /** INSERT ... SELECT / VALUES with more than plain rows: rtable[source] is the subquery RTE. */
  readonly source?: number;
  /** ON CONFLICT (issue 9, upsert): absent for a plain INSERT. */
  readonly onConflict?: OnConflict;
  /** issue 9 (D, views): WITH CHECK OPTION checks of the views written through (view-update.ts). */
  readonly viewChecks?: readonly ViewCheck[];
}

/**
 * issue 9 (D, views): one WITH CHECK OPTION of a view an INSERT or UPDATE
 * writes through (PostgreSQL's WithCheckOption, WCO_VIEW_CHECK): each new
 * row of the target must make `qual` (over the target's Vars) true, else
 * 44000 "new row violates check option for view". No `qual`: nothing to
 * check (a CASCADED view without WHERE).
 */
export interface ViewCheck {
  readonly viewName: string;
  readonly cascaded: boolean;
  readonly qual?: Expr;
}

// ---- ON CONFLICT (issue 9, upsert)

/**
 * One element of an ON CONFLICT inference specification (PostgreSQL's
 * InferenceElem): a column (a Var of the target) or an index expression
 * over the target's columns, with the COLLATE and operator class written
 * (absent: any). The planner matches them against the unique indexes
 * (infer_arbiter_indexes).
 */
export interface InferenceElem {
  readonly expr: Expr;
  /** COLLATE name as written (lower-cased unless quoted), resolved to a known collation. */
  readonly collation?: string;
  /** The operator class named, with its input type (pg_opclass.opcintype). */
  readonly opclass?: { readonly name: string; readonly inputType: number };
}

/**
 * INSERT ... ON CONFLICT (PostgreSQL's OnConflictExpr before planning):
 * the arbiter specification (inference elements and predicate, or a
 * constraint, or neither for DO NOTHING without a target) and, for DO
 * UPDATE, the SET list and WHERE over the existing row (Vars of the
 * target, InsertQuery.target) and the proposed one (Vars of
 * rtable[excluded], the EXCLUDED pseudo relation, same columns).
 */
export interface OnConflict {
  readonly action: 'nothing' | 'update';
  /** `(a, lower(b))`: the inference elements (absent with ON CONSTRAINT or no target). */
  readonly inferElems?: readonly InferenceElem[];
  /** `(...) WHERE pred`: the inference predicate, for partial unique indexes. */
  readonly inferWhere?: Expr;
  /** ON CONSTRAINT name: the constraint and the OID of its index (0: a constraint without one). */
  readonly constraint?: { readonly name: string; readonly indexOid: number };
  /** DO UPDATE: rtable index of EXCLUDED (a relation entry of the target, never scanned). */
  readonly excluded?: number;
  /** DO UPDATE SET: attnum -> new value (coerced to the column); other columns keep theirs. */
  readonly set?: ReadonlyMap<number, Expr>;
  /** DO UPDATE ... WHERE: rows for which it is not true are left alone (and not returned). */
  readonly where?: Expr;
}

export interface UpdateQuery extends QueryBase {
  readonly command: 'update';
  readonly target: number;
  /** attnum -> new value expression (coerced to the column's type); columns not listed keep their value. */
  readonly set: ReadonlyMap<number, Expr>;
  /** issue 9 (D, views): as InsertQuery's. */
  readonly viewChecks?: readonly ViewCheck[];
}

export interface DeleteQuery extends QueryBase {
  readonly command: 'delete';
  readonly target: number;
}

export type Query = SelectQuery | InsertQuery | UpdateQuery | DeleteQuery;
