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
  | Aggref;

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
}

/**
 * One aggregate call of a SELECT without GROUP BY (the registry has no
 * aggregates; these are PostgreSQL's built-in ones, by name):
 * count(*) and count(x) -> int8; sum(int2|int4) -> int8, sum(int8|numeric)
 * -> numeric, sum(float4|float8|interval) -> the same type; avg(int2|int4|
 * int8|numeric) -> numeric, avg(float4|float8) -> float8, avg(interval) ->
 * interval; min/max(x) -> x's type, by the type's B-tree order;
 * bool_and/bool_or/every(bool) -> bool. NULL inputs are skipped; over no
 * rows count gives 0 and the others NULL.
 */
export interface AggregateCall {
  readonly name: 'count' | 'sum' | 'avg' | 'min' | 'max' | 'bool_and' | 'bool_or' | 'every';
  /** The arguments (empty for count(*)), already coerced to `argTypes`; evaluated per row. */
  readonly args: readonly Expr[];
  /** The aggregate's declared input types (count(x): "any" -> the argument's own type). */
  readonly argTypes: readonly number[];
  /** count(*). */
  readonly star: boolean;
  /** agg(DISTINCT x): each distinct non-NULL input counted once. */
  readonly distinct: boolean;
  /** agg(...) FILTER (WHERE cond): rows where cond is not true are skipped. */
  readonly filter?: Expr;
  /** Result type (and typmod, -1). */
  readonly type: number;
  readonly typmod: number;
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

/** CURRENT_DATE, CURRENT_TIMESTAMP, CURRENT_USER, ... */
export interface SqlValueFunction extends Typed {
  readonly kind: 'sqlvalue';
  readonly name: string;
}

/** A range-table entry: a relation, a VALUES list, a set-returning function or a subquery. */
export type RangeTblEntry = RelationRte | ValuesRte | FunctionRte | SubqueryRte;

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
}

/** A subquery in FROM, or the SELECT of an INSERT ... SELECT: its output columns are the RTE's. */
export interface SubqueryRte extends RteBase {
  readonly kind: 'subquery';
  readonly query: SelectQuery;
}

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
  /** The range-table entries in FROM (empty for SELECT without FROM), in order. */
  readonly from: readonly number[];
  /** WHERE, already coerced to boolean. */
  readonly where?: Expr;
  /** The output columns (RETURNING for INSERT/UPDATE/DELETE; empty when none). */
  readonly targetList: readonly TargetEntry[];
  /** Parameter types, $1 first (given or inferred). */
  readonly paramTypes: readonly number[];
}

export interface SelectQuery extends QueryBase {
  readonly command: 'select';
  readonly sort: readonly SortClause[];
  /** DISTINCT: all output columns; DISTINCT ON: the target indexes listed. */
  readonly distinct?: 'all' | readonly number[];
  readonly limit?: Expr;
  readonly offset?: Expr;
  readonly rowMarks: readonly RowMark[];
  /**
   * Aggregate calls, when the query has any: it then returns exactly one
   * row (no GROUP BY yet), whose targetList refers to them through Aggref
   * and may contain no Var outside them.
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
}

export interface UpdateQuery extends QueryBase {
  readonly command: 'update';
  readonly target: number;
  /** attnum -> new value expression (coerced to the column's type); columns not listed keep their value. */
  readonly set: ReadonlyMap<number, Expr>;
}

export interface DeleteQuery extends QueryBase {
  readonly command: 'delete';
  readonly target: number;
}

export type Query = SelectQuery | InsertQuery | UpdateQuery | DeleteQuery;
