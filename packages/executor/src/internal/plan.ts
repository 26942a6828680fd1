/**
 * Planning a statement. A SELECT (without FOR UPDATE/SHARE) gets
 * @pg/planner's cost-based plan tree; INSERT/UPDATE/DELETE and SELECT ...
 * FOR UPDATE get a simple, rule-based scan of their one table. A plan is
 * plain data: the query tree, the plan, and the output columns, so the
 * engine can cache it per prepared statement and run it again with new
 * parameters.
 *
 * The rule-based scan: a B-tree index scan when the WHERE (a conjunction) compares
 * the index's leading key columns with values that do not depend on the
 * row — equality on a prefix of the keys, then at most one column with
 * range conditions (`<`, `<=`, `>`, `>=`; BETWEEN arrives as two of them)
 * — else a sequential scan. Conditions the index applies exactly (the
 * column's own type on both sides, so the index order is the operator's)
 * leave the filter; everything else stays in it. Among usable indexes the
 * one with most equality columns wins, then one with a range, then a
 * unique one.
 */
import { Strategy } from '@pg/access';
import type { IndexDesc, RelationDesc } from '@pg/catalog';
import {
  type ColumnStats,
  defaultPlannerSettings,
  type ExplainOptions,
  explainSelect,
  type NodeInstrumentation,
  type OutputColumn,
  type PlanNode,
  type PlannedSelect,
  type PlannerContext,
  type PlannerSettings,
  planSelect,
} from '@pg/planner';
import type { Expr, OpExpr, Query, SelectQuery } from '@pg/sql';
import { builtins, type Registry, SqlError } from '@pg/types';
import type { ExecRelations, OpenRelation } from './context.js';
import {
  hasModifyingCte,
  type ModifyPlan,
  type ModifyPlanning,
  planInsert,
  planUpdateDelete,
  pullDownCtes,
  withCtid,
} from './modify.js';
import { explainOnConflictLines } from './upsert.js';

/** One condition the index scan applies: `index column <strategy> value`. */
export interface IndexQual {
  /** The index column, 1-based (a scan key's attno). */
  readonly column: number;
  readonly strategy: Strategy;
  /** Evaluated once per execution (a constant, a parameter, an expression of them). */
  readonly value: Expr;
}

/** How the plan reads its table (an INSERT/UPDATE/DELETE target, a SELECT ... FOR UPDATE's table). */
export type ScanNode =
  | {
      readonly kind: 'seqscan';
      readonly rt: number;
      readonly relationOid: number;
      readonly relationName: string;
      /** The WHERE's conditions, evaluated on each row. */
      readonly filter?: Expr;
    }
  | {
      readonly kind: 'indexscan';
      readonly rt: number;
      readonly relationOid: number;
      readonly relationName: string;
      readonly indexOid: number;
      readonly indexName: string;
      readonly indexQuals: readonly IndexQual[];
      /** The conditions the index does not apply. */
      readonly filter?: Expr;
    };

export type { OutputColumn };

/**
 * A plan: the query, the output columns, and how to run it — a SELECT
 * (without FOR UPDATE/SHARE) has `planned`, @pg/planner's plan tree; the
 * others (INSERT/UPDATE/DELETE, SELECT ... FOR UPDATE) have the scan of
 * their table (none for INSERT).
 */
export interface Plan {
  readonly query: Query;
  readonly scan?: ScanNode;
  readonly columns: readonly OutputColumn[];
  /** INSERT ... SELECT: the plan of the SELECT, whose rows are inserted. */
  readonly source?: Plan;
  /** The plan tree of a SELECT, run by the plan-tree executor. */
  readonly planned?: PlannedSelect;
  /** INSERT/UPDATE/DELETE: how the target is changed (modify.ts). */
  readonly modify?: ModifyPlan;
  /**
   * A statement with data-modifying WITH queries: they run first, then the
   * statement is planned again (`replan`) with their rows in place of
   * their stand-ins.
   */
  readonly withModify?: { readonly replan: (query: Query) => Plan };
}

/** What planning needs beside the query: the relations, and the planner's settings (GUCs). */
export interface PlanOptions {
  readonly settings?: PlannerSettings;
  readonly registry?: Registry;
  /** pg_class sizes and ANALYZE's column statistics (without them: the file's size and default selectivities). */
  readonly statistics?: {
    size(oid: number): { pages: number; tuples: number; allVisible: number };
    columnStats(oid: number, attnum: number): ColumnStats | undefined;
  };
}

const STRATEGY: Readonly<Record<string, Strategy>> = {
  '<': Strategy.less,
  '<=': Strategy.lessEqual,
  '=': Strategy.equal,
  '>=': Strategy.greaterEqual,
  '>': Strategy.greater,
};

/** The strategy of `value op column` seen as `column op' value`. */
const COMMUTED: Readonly<Record<Strategy, Strategy>> = {
  [Strategy.less]: Strategy.greater,
  [Strategy.lessEqual]: Strategy.greaterEqual,
  [Strategy.equal]: Strategy.equal,
  [Strategy.greaterEqual]: Strategy.lessEqual,
  [Strategy.greater]: Strategy.less,
};

/** Plans `query` over the relations it names. */
export function planQuery(
  query: Query,
  relations: ExecRelations<OpenRelation>,
  options: PlanOptions = {},
): Plan {
  const columns = outputColumns(query);
  if (hasModifyingCte(query)) {
    return { query, columns, withModify: { replan: (q) => planQuery(q, relations, options) } };
  }
  if (query.command === 'select' && query.rowMarks.length === 0) {
    return { query, columns, planned: planSelect(query, plannerContext(relations, options)) };
  }
  const planning: ModifyPlanning = {
    relations,
    planner: (targetOid) => {
      const base = plannerContext(relations, options);
      if (targetOid === undefined) return base;
      return {
        ...base,
        relation: (oid) =>
          oid === targetOid ? withCtid(relations.open(oid).desc) : relations.open(oid).desc,
      };
    },
  };
  if (query.command === 'insert') {
    const modify = planInsert(query, planning);
    if (query.source === undefined) return { query, columns, modify };
    const src = query.rtable[query.source];
    if (src?.kind !== 'subquery') throw new SqlError('XX000', 'INSERT source is not a subquery');
    const source = query.ctes === undefined ? src.query : pullDownCtes(src.query, query.ctes);
    return { query, columns, modify, source: planQuery(source, relations, options) };
  }
  if (query.command === 'update' || query.command === 'delete') {
    return { query, columns, modify: planUpdateDelete(query, planning) };
  }
  // SELECT ... FOR UPDATE: its one table (the analyzer allows row marks on tables only)
  if (query.from.length !== 1) {
    throw new SqlError(
      '0A000',
      `FOR ${(query.rowMarks[0]?.strength ?? 'update').toUpperCase()} over more than one table is not supported yet`,
    );
  }
  const rt = query.from[0]!;
  const rte = query.rtable[rt];
  if (rte === undefined) throw new SqlError('XX000', `no range-table entry ${rt}`);
  if (rte.kind !== 'relation') {
    throw new SqlError('0A000', `${rte.kind} range-table entries are not supported yet`);
  }
  const rel = relations.open(rte.relationOid);
  return { query, scan: chooseScan(rt, rel.desc, query.where), columns };
}

/** @pg/planner's view of the relations: descriptors, sizes, and (later) pg_statistic. */
function plannerContext(
  relations: ExecRelations<OpenRelation>,
  options: PlanOptions,
): PlannerContext {
  return {
    registry: options.registry ?? builtins,
    settings: options.settings ?? defaultPlannerSettings,
    relation: (oid) => relations.open(oid).desc,
    size: (oid) => {
      if (options.statistics !== undefined) return options.statistics.size(oid);
      const rel = relations.open(oid);
      // never analyzed: reltuples -1 makes the planner estimate from the pages
      return { pages: rel.heap === undefined ? 0 : rel.heap.nblocks(), tuples: -1, allVisible: 0 };
    },
    ...(options.statistics === undefined
      ? {}
      : {
          columnStats: (oid: number, attnum: number) =>
            options.statistics?.columnStats(oid, attnum),
        }),
  };
}

/** The output columns (non-junk target entries) without running anything. */
export function outputColumns(query: Query): OutputColumn[] {
  return query.targetList
    .filter((t) => !t.junk)
    .map((t) => ({
      name: t.name,
      typeOid: t.expr.type,
      typmod: t.expr.typmod,
      tableOid: t.origin?.relationOid ?? 0,
      attnum: t.origin?.attnum ?? 0,
    }));
}

/** A candidate index condition found in the WHERE: conjunct `index` is `attnum <strategy> value`. */
interface Candidate {
  readonly conjunct: number;
  readonly attnum: number;
  readonly strategy: Strategy;
  readonly value: Expr;
}

function chooseScan(rt: number, desc: RelationDesc, where: Expr | undefined): ScanNode {
  const base = { rt, relationOid: desc.oid, relationName: desc.name };
  const conjuncts = where === undefined ? [] : flattenAnd(where);
  const candidates: Candidate[] = [];
  conjuncts.forEach((c, i) => {
    const m = matchIndexable(c, rt, desc);
    if (m !== undefined) candidates.push({ conjunct: i, ...m });
  });
  let best: { score: number; index: IndexDesc; used: Candidate[]; quals: IndexQual[] } | undefined;
  for (const index of desc.indexes) {
    if (index.am !== 'btree' || !index.valid) continue;
    // a partial index holds only some rows: @pg/planner proves its predicate, this chooser cannot
    if (index.predicate !== undefined) continue;
    const used: Candidate[] = [];
    const quals: IndexQual[] = [];
    let eqColumns = 0;
    let range = 0;
    for (let k = 0; k < index.nkeys; k++) {
      const attnum = index.columns[k]!;
      const onColumn = candidates.filter((c) => c.attnum === attnum);
      const eq = onColumn.find((c) => c.strategy === Strategy.equal);
      if (eq !== undefined) {
        used.push(eq);
        quals.push({ column: k + 1, strategy: eq.strategy, value: eq.value });
        eqColumns++;
        continue;
      }
      for (const c of onColumn) {
        used.push(c);
        quals.push({ column: k + 1, strategy: c.strategy, value: c.value });
      }
      if (onColumn.length > 0) range = 1;
      break;
    }
    if (used.length === 0) continue;
    const allEqUnique = index.unique && eqColumns === index.nkeys ? 1 : 0;
    const score = eqColumns * 4 + range * 2 + allEqUnique;
    if (best === undefined || score > best.score) best = { score, index, used, quals };
  }
  if (best === undefined) {
    return where === undefined
      ? { kind: 'seqscan', ...base }
      : { kind: 'seqscan', ...base, filter: where };
  }
  const usedSet = new Set(best.used.map((c) => c.conjunct));
  const rest = conjuncts.filter((_, i) => !usedSet.has(i));
  const filter = andOf(rest);
  return {
    kind: 'indexscan',
    ...base,
    indexOid: best.index.oid,
    indexName: best.index.name,
    indexQuals: best.quals,
    ...(filter === undefined ? {} : { filter }),
  };
}

/** The conjuncts of a WHERE (nested ANDs flattened). */
export function flattenAnd(e: Expr): Expr[] {
  if (e.kind === 'bool' && e.op === 'and') return e.args.flatMap(flattenAnd);
  return [e];
}

function andOf(conjuncts: readonly Expr[]): Expr | undefined {
  if (conjuncts.length === 0) return undefined;
  if (conjuncts.length === 1) return conjuncts[0];
  return { kind: 'bool', op: 'and', args: conjuncts, type: 16, typmod: -1 };
}

/** `col op value` or `value op col` where the index order is the operator's. */
function matchIndexable(
  e: Expr,
  rt: number,
  desc: RelationDesc,
): Omit<Candidate, 'conjunct'> | undefined {
  if (e.kind !== 'op' || e.args.length !== 2) return undefined;
  const strategy = STRATEGY[e.op.name];
  if (strategy === undefined) return undefined;
  const [l, r] = e.args as readonly [Expr, Expr];
  const side = (col: Expr, value: Expr, s: Strategy) => {
    if (col.kind !== 'var' || col.rt !== rt) return undefined;
    const column = desc.columns[col.attnum - 1];
    if (column === undefined || column.dropped) return undefined;
    if (!sameTypeComparison(e, column.typeOid)) return undefined;
    if (!rowIndependent(value)) return undefined;
    return { attnum: col.attnum, strategy: s, value };
  };
  return side(l, r, strategy) ?? side(r, l, COMMUTED[strategy]);
}

/** The operator compares two values of the column's type (so the B-tree's order is its order). */
function sameTypeComparison(e: OpExpr, typeOid: number): boolean {
  return e.op.left === typeOid && e.op.right === typeOid && e.fn.result === 16;
}

/** No Vars and nothing volatile: the value can be computed once, before the scan. */
function rowIndependent(e: Expr): boolean {
  switch (e.kind) {
    case 'const':
    case 'param':
    case 'sqlvalue':
      return true;
    case 'var':
    case 'aggref':
      return false;
    case 'func':
    case 'op':
      return e.fn.volatility !== 'v' && e.args.every(rowIndependent);
    case 'bool':
    case 'coalesce':
    case 'minmax':
      return e.args.every(rowIndependent);
    case 'nulltest':
    case 'booltest':
    case 'coerce':
      return rowIndependent(e.arg);
    case 'case':
      return (
        e.whens.every((w) => rowIndependent(w.when) && rowIndependent(w.then)) &&
        rowIndependent(e.otherwise)
      );
    case 'nullif':
      return rowIndependent(e.args[0]) && rowIndependent(e.eq);
    case 'scalararrayop':
      return e.fn.volatility !== 'v' && rowIndependent(e.scalar) && rowIndependent(e.array);
    case 'distinct':
      return e.args.every(rowIndependent);
    case 'array':
      return e.elements.every(rowIndependent);
    default:
      return false;
  }
}

/**
 * The plan as text, one line per node, in EXPLAIN's shape without costs
 * or conditions:
 *
 * ```
 * Update on t
 *   ->  Index Scan using t_pkey on t
 * ```
 */
export function describePlan(plan: Plan, registry: Registry = builtins): string {
  if (plan.withModify !== undefined) {
    throw new SqlError(
      '0A000',
      'EXPLAIN of a statement with data-modifying WITH is not supported yet',
    );
  }
  const find = plan.modify?.find;
  if (find !== undefined) {
    const tree = treeLines(find.planned, find.query, registry);
    return [modifyLabel(plan), ...tree.map((l, i) => (i === 0 ? `  ->  ${l}` : `      ${l}`))].join(
      '\n',
    );
  }
  const nodes = describeNodes(plan);
  const lines = nodes.map((n, i) => (i === 0 ? n : `${' '.repeat(6 * i - 4)}->  ${n}`));
  const source = plan.planned ?? plan.source?.planned;
  if (source !== undefined) {
    const query = plan.planned !== undefined ? plan.query : sourceQuery(plan);
    const tree = treeLines(source, query as SelectQuery, registry);
    if (nodes.length === 0) return tree.join('\n');
    // the tree is the last node's child
    const pad = ' '.repeat(6 * nodes.length - 6);
    tree.forEach((l, i) => {
      lines.push(i === 0 ? `${pad}  ->  ${l}` : `${pad}      ${l}`);
    });
  }
  return lines.join('\n');
}

/** ModifyTable's line: `Update on t`, `Delete on t x` (relation, then alias when they differ). */
function modifyLabel(plan: Plan): string {
  const q = plan.query;
  const verb = { select: 'Select', insert: 'Insert', update: 'Update', delete: 'Delete' }[
    q.command
  ];
  const target = q.command === 'select' ? undefined : q.rtable[q.target];
  const alias = target?.alias ?? '?';
  const name = plan.modify?.targetName ?? alias;
  return `${verb} on ${name === alias ? name : `${name} ${alias}`}`;
}

/**
 * EXPLAIN [ANALYZE] of INSERT/UPDATE/DELETE in PostgreSQL's shape: the
 * ModifyTable line (`Update on t`) over the plan that finds the rows (or
 * the INSERT's SELECT, `Result` or `Values Scan`). Text format only.
 */
export function explainModify(
  plan: Plan,
  options: ExplainOptions,
  registry: Registry = builtins,
  instrumentation?: ReadonlyMap<PlanNode, NodeInstrumentation>,
  totals?: { planningMs: number; executionMs: number; rows: number },
): string[] {
  if (plan.withModify !== undefined) {
    throw new SqlError(
      '0A000',
      'EXPLAIN of a statement with data-modifying WITH is not supported yet',
    );
  }
  if (options.format !== 'text') {
    throw new SqlError(
      '0A000',
      `EXPLAIN (FORMAT ${options.format.toUpperCase()}) of INSERT/UPDATE/DELETE is not supported yet`,
    );
  }
  const q = plan.query;
  const child =
    plan.modify?.find ??
    (plan.source?.planned === undefined
      ? undefined
      : { planned: plan.source.planned, query: plan.source.query as SelectQuery });
  const inner = { ...options, summary: false };
  let tree: string[];
  let top: { startupCost: number; totalCost: number; rows: number } = {
    startupCost: 0,
    totalCost: 0.01,
    rows: 1,
  };
  if (child !== undefined) {
    const planned =
      plan.modify?.find === undefined ? renamedSource(child.planned, q) : child.planned;
    tree = explainSelect(planned, child.query, inner, registry, instrumentation);
    top = child.planned.plan;
  } else {
    const values = q.command === 'insert' && q.rows.length > 1;
    const rows = values ? q.rows.length : 1;
    const cost = values ? 0.0125 * rows : 0.01;
    top = { startupCost: 0, totalCost: cost, rows };
    const label = values ? 'Values Scan on "*VALUES*"' : 'Result';
    const width = q.command === 'insert' ? 4 * (q.rows[0]?.length ?? 0) : 0;
    let line = label;
    if (options.costs) {
      line += `  (cost=0.00..${cost.toFixed(2)} rows=${rows} width=${width})`;
    }
    if (options.analyze) {
      line += options.timing
        ? ` (actual time=0.001..0.001 rows=${rows} loops=1)`
        : ` (actual rows=${rows} loops=1)`;
    }
    tree = [line];
  }
  const returning = q.targetList.length > 0;
  let head = modifyLabel(plan);
  if (options.costs) {
    const width = returning ? 4 * q.targetList.length : 0;
    head += `  (cost=${top.startupCost.toFixed(2)}..${top.totalCost.toFixed(2)} rows=${returning ? Math.round(top.rows) : 0} width=${width})`;
  }
  if (options.analyze) {
    const ms = (totals?.executionMs ?? 0).toFixed(3);
    const rows = returning ? (totals?.rows ?? 0) : 0;
    head += options.timing
      ? ` (actual time=${ms}..${ms} rows=${rows} loops=1)`
      : ` (actual rows=${rows} loops=1)`;
  }
  // InitPlans of the top node belong to ModifyTable (PostgreSQL attaches them to the top plan)
  const initPlans: string[] = [];
  const rest: string[] = [];
  let moving = false;
  tree.forEach((l, i) => {
    if (i > 0 && /^ {2}\S/.test(l)) moving = l.startsWith('  InitPlan ');
    (moving ? initPlans : rest).push(l);
  });
  const lines = [
    head,
    // issue 9 (upsert): Conflict Resolution / Arbiter Indexes / Filter
    ...(q.command === 'insert'
      ? explainOnConflictLines(q, plan.modify?.onConflict, registry).map((l) => `  ${l}`)
      : []),
    ...initPlans,
    ...rest.map((l, i) => (i === 0 ? `  ->  ${l}` : `      ${l}`)),
  ];
  if (options.summary && totals !== undefined) {
    lines.push(`Planning Time: ${totals.planningMs.toFixed(3)} ms`);
    if (options.analyze) lines.push(`Execution Time: ${totals.executionMs.toFixed(3)} ms`);
  }
  return lines;
}

/**
 * An INSERT's SELECT as EXPLAIN names it: a table of the SELECT with the
 * target's name gets `name_1` (PostgreSQL makes names unique over the
 * whole statement, the target first).
 */
function renamedSource(planned: PlannedSelect, q: Query): PlannedSelect {
  if (q.command !== 'insert' || planned.query === undefined) return planned;
  const taken = q.rtable[q.target]?.alias;
  const rtable = planned.query.rtable.map((rte) =>
    rte.kind === 'relation' && rte.alias === taken ? { ...rte, alias: `${taken}_1` } : rte,
  );
  return { ...planned, query: { ...planned.query, rtable } };
}

function sourceQuery(plan: Plan): Query {
  const src = plan.source;
  if (src === undefined) throw new SqlError('XX000', 'plan without a source');
  return src.query;
}

/** EXPLAIN (COSTS OFF)'s node lines of a plan tree (conditions and other details left out). */
function treeLines(planned: PlannedSelect, query: SelectQuery, registry: Registry): string[] {
  const lines = explainSelect(
    planned,
    query,
    {
      analyze: false,
      verbose: false,
      costs: false,
      buffers: false,
      timing: false,
      summary: false,
      format: 'text',
    },
    registry,
  );
  return lines.filter((l, i) => i === 0 || /^\s*-> {2}/.test(l));
}

function describeNodes(plan: Plan): string[] {
  const q = plan.query;
  const nodes: string[] = [];
  if (plan.planned !== undefined) return nodes;
  const rel = (rt: number) => q.rtable[rt]?.alias ?? '?';
  if (q.command === 'insert') nodes.push(`Insert on ${rel(q.target)}`);
  if (q.command === 'update') nodes.push(`Update on ${rel(q.target)}`);
  if (q.command === 'delete') nodes.push(`Delete on ${rel(q.target)}`);
  if (q.command === 'select') {
    if (q.limit !== undefined || q.offset !== undefined) nodes.push('Limit');
    if (q.rowMarks.length > 0) nodes.push('LockRows');
    if (q.sort.length > 0) nodes.push('Sort');
  }
  const scan = plan.scan;
  if (plan.source !== undefined) {
    if (plan.source.planned === undefined) nodes.push(...describeNodes(plan.source));
  } else if (scan === undefined) {
    nodes.push(
      q.command === 'insert' && q.rows.length > 1 ? 'Values Scan on "*VALUES*"' : 'Result',
    );
  } else {
    const alias = rel(scan.rt);
    const name = alias === scan.relationName ? alias : `${scan.relationName} ${alias}`;
    nodes.push(
      scan.kind === 'seqscan'
        ? `Seq Scan on ${name}`
        : `Index Scan using ${scan.indexName} on ${name}`,
    );
  }
  return nodes;
}
