/**
 * Paths for base relations and joins (optimizer/path/allpaths.c,
 * indxpath.c, joinpath.c). A path here is a finished plan node with its
 * estimates plus the sort order of its rows (pathkeys); a relation keeps
 * the paths no other path beats on total cost, startup cost and order
 * together (add_path).
 */
import type { IndexDesc, RelationDesc } from '@pg/catalog';
import type { Expr, OpExpr, RelationRte, ScalarArrayOpExpr, Var } from '@pg/sql';
import { SqlError } from '@pg/types';
import { amBitmapCand, hashIndexScanPaths } from './amindex.js'; // issue 12
import type { Level } from './context.js';
import {
  type Cost,
  chooseHashTableSize,
  clampRows,
  costBitmapHeapScan,
  costIndex,
  costMaterial,
  costSeqscan,
  costSort,
  DISABLE_COST,
  NO_COST,
  pageSize,
  type QualCost,
  rescanMaterial,
} from './costs.js';
import {
  andOf,
  exprKey,
  isSubset,
  isVolatile,
  mapChildren,
  overlaps,
  relidsOf,
  varsOf,
} from './exprs.js';
import { clauseImplies, indexExprs, predicateImpliedBy } from './indexpred.js';
import { costMemoizeFirst, costMemoizeRescan } from './memoize.js';
import type {
  BitmapIndexScanNode,
  BitmapNode,
  IndexQual,
  JoinType,
  PlanNode,
  SortKey,
} from './plan.js';
import {
  asVar,
  clauselistSelectivity,
  clauseSelectivity,
  DEFAULT_INEQ_SEL,
  eqJoinSelSemi,
  isPseudoConstant,
  numDistinct,
  type SelEnv,
  scalarIneqSel,
  type VarData,
} from './selectivity.js';
import { estimateNumGroups, estimateRelSize, typAvgWidth } from './sizes.js';

export interface Path {
  readonly plan: PlanNode;
  readonly pathkeys: readonly SortKey[];
}

/** A relation being joined: a base entry, an outer join planned as a unit, or a join of them. */
export interface RelOpt {
  readonly relids: ReadonlySet<number>;
  rows: number;
  width: number;
  paths: Path[];
  /** Lateral entries inside whose ExecParams a nested loop above must still set. */
  unsat: LateralNeed[];
  /** For a plain table: what parameterized inner index scans need. */
  base?: BaseRel;
  /** A sub-SELECT made unique for a semi join (create_unique_path): good for hashing, one match per row. */
  unique?: boolean;
}

export interface LateralNeed {
  readonly rt: number;
  readonly needs: ReadonlySet<number>;
  readonly params: readonly { readonly id: number; readonly value: Expr }[];
}

export interface BaseRel {
  readonly rt: number;
  readonly rte: RelationRte;
  readonly desc: RelationDesc;
  readonly pages: number;
  readonly tuples: number;
  readonly allVisFrac: number;
  readonly restrict: readonly Expr[];
  readonly rows: number;
  readonly width: number;
}

/** Everything path building needs about the level being planned. */
export interface PathEnv {
  readonly level: Level;
  readonly sel: SelEnv;
  /** Sum of the pages of the level's tables (index_pages_fetched's total_table_pages). */
  totalTablePages: number;
  /** The ORDER BY (or grouping) order the level wants, for index scans that provide it. */
  queryPathkeys: readonly SortKey[];
  /** Expressions of mergejoinable join conditions: an index ordered on one is useful for a merge join. */
  mergeExprs: Set<string>;
  /** Estimates of base relations by range-table index. */
  readonly rels: Map<number, { tuples: number; rows: number; desc?: RelationDesc }>;
}

// ---------------------------------------------------------------- helpers

const STRATEGY: Readonly<Record<string, 1 | 2 | 3 | 4 | 5>> = {
  '<': 1,
  '<=': 2,
  '=': 3,
  '>=': 4,
  '>': 5,
};
const COMMUTED: Readonly<Record<number, 1 | 2 | 3 | 4 | 5>> = { 1: 5, 2: 4, 3: 3, 4: 2, 5: 1 };

export function pathkeysContain(have: readonly SortKey[], want: readonly SortKey[]): boolean {
  if (want.length > have.length) return false;
  return want.every((w, i) => sameKey(have[i], w));
}

export function sameKey(a: SortKey | undefined, b: SortKey): boolean {
  return (
    a !== undefined &&
    a.descending === b.descending &&
    a.nullsFirst === b.nullsFirst &&
    exprKey(a.expr) === exprKey(b.expr)
  );
}

/** How many leading keys of `want` `have` already provides. */
export function presortedPrefix(have: readonly SortKey[], want: readonly SortKey[]): number {
  let n = 0;
  while (n < want.length && sameKey(have[n], want[n]!)) n++;
  return n;
}

/** add_path: keeps `p` unless another path is as cheap on both costs and at least as well ordered. */
export function addPath(rel: RelOpt, p: Path): void {
  const fuzz = 1.0000000001;
  const dominated = (a: Path, b: Path) =>
    b.plan.totalCost <= a.plan.totalCost * fuzz &&
    b.plan.startupCost <= a.plan.startupCost * fuzz &&
    pathkeysContain(b.pathkeys, a.pathkeys);
  if (rel.paths.some((q) => dominated(p, q))) return;
  rel.paths = rel.paths.filter((q) => !dominated(q, p));
  rel.paths.push(p);
}

export function cheapestTotal(rel: RelOpt): Path {
  let best: Path | undefined;
  for (const p of rel.paths) {
    if (
      best === undefined ||
      p.plan.totalCost < best.plan.totalCost ||
      (p.plan.totalCost === best.plan.totalCost && p.plan.startupCost < best.plan.startupCost)
    )
      best = p;
  }
  if (best === undefined) throw new SqlError('XX000', 'no path for a relation');
  return best;
}

export function cheapestStartup(rel: RelOpt): Path {
  let best = cheapestTotal(rel);
  for (const p of rel.paths) if (p.plan.startupCost < best.plan.startupCost) best = p;
  return best;
}

/** The cost of evaluating expressions per row (cost_qual_eval: one cpu_operator_cost per operator or function). */
export function qualCost(env: PathEnv, exprs: readonly Expr[]): QualCost {
  const s = env.level.glob.s;
  let perTuple = 0;
  let startup = 0;
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'func':
      case 'op':
      case 'distinct':
      case 'nullif':
        perTuple += s.cpuOperatorCost;
        break;
      case 'scalararrayop': {
        const n = e.array.kind === 'array' ? e.array.elements.length : 10;
        perTuple += s.cpuOperatorCost * n * 0.5;
        break;
      }
      case 'coerce':
        if (e.via === 'io' || (e.cast?.method === 'f' && e.via === 'cast'))
          perTuple += s.cpuOperatorCost;
        break;
      case 'subplan': {
        const sub = env.level.glob.subplans[e.plan];
        if (sub !== undefined) {
          if (e.initPlan) startup += sub.totalCost;
          else perTuple += sub.totalCost;
        }
        e.args.forEach(visit);
        return;
      }
      default:
        break;
    }
    for (const c of childExprs(e)) visit(c);
  };
  exprs.forEach(visit);
  return { startup, perTuple };
}

function childExprs(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'nulltest':
    case 'booltest':
    case 'coerce':
      return [e.arg];
    case 'case':
      return [...e.whens.flatMap((w) => [w.when, w.then]), e.otherwise];
    case 'scalararrayop':
      return [e.scalar, e.array];
    case 'array':
      return e.elements;
    case 'rowcompare':
      return [...e.left, ...e.right];
    case 'fieldselect':
      return [e.arg];
    case 'subscript':
      return [e.arg, ...[...e.upper, ...(e.lower ?? [])].filter((x) => x !== undefined)];
    case 'row':
      return e.args;
    case 'nullif':
    case 'distinct':
      return e.args;
    case 'func':
    case 'op':
    case 'bool':
    case 'coalesce':
    case 'minmax':
      return e.args;
    default:
      return [];
  }
}

/** The average width of a Var of the level (pg_statistic's avg_width when known). */
export function varWidth(env: PathEnv, v: Var): number {
  const rte = env.level.rtable[v.rt];
  if (rte?.kind === 'relation') {
    const st = env.level.glob.ctx.columnStats?.(rte.relationOid, v.attnum);
    if (st !== undefined) return st.avgWidth;
  }
  return typAvgWidth(env.level.glob.ctx.registry, v.type, v.typmod);
}

export function exprWidth(env: PathEnv, e: Expr): number {
  if (e.kind === 'var' && !e.levelsUp) return varWidth(env, e);
  return typAvgWidth(env.level.glob.ctx.registry, e.type, e.typmod);
}

/** The width of the needed columns of entry `rt` (set_rel_width). */
export function relWidth(env: PathEnv, rt: number): number {
  const needed = env.level.needed.get(rt);
  if (needed === undefined) return 0;
  let w = 0;
  for (const a of needed) {
    const t = env.level.columnType(rt, a);
    w += varWidth(env, { kind: 'var', rt, attnum: a, type: t.type, typmod: t.typmod });
  }
  return w;
}

/** VarData for selectivity (examine_variable). */
export function makeVarData(
  level: Level,
  rels: PathEnv['rels'],
  rt: number,
  attnum: number,
  type: number,
): VarData | undefined {
  const r = rels.get(rt);
  if (r === undefined) return undefined;
  const rte = level.rtable[rt];
  const stats =
    rte?.kind === 'relation' ? level.glob.ctx.columnStats?.(rte.relationOid, attnum) : undefined;
  const isUnique =
    r.desc?.indexes.some(
      (i) => i.unique && i.valid && i.nkeys === 1 && i.columns[0] === attnum && i.am === 'btree',
    ) ?? false;
  return {
    tuples: r.tuples,
    rows: r.rows,
    isUnique,
    type,
    ...(stats === undefined ? {} : { stats }),
  };
}

// ---------------------------------------------------------------- base relations

/** Size estimates for a table entry (set_baserel_size_estimates). */
export function baseRelInfo(env: PathEnv, rt: number, restrict: readonly Expr[]): BaseRel {
  const level = env.level;
  const rte = level.rtable[rt];
  if (rte?.kind !== 'relation') throw new SqlError('XX000', 'not a table entry');
  const desc = level.glob.desc(rte.relationOid);
  let dataWidth = 0;
  for (const c of desc.columns) {
    if (c.dropped) continue;
    const st = level.glob.ctx.columnStats?.(desc.oid, c.attnum);
    dataWidth += st?.avgWidth ?? typAvgWidth(level.glob.ctx.registry, c.typeOid, c.typmod);
  }
  const est =
    desc.kind === 'v' || desc.computed
      ? { pages: 10, tuples: 1000, allVisFrac: 0 }
      : estimateRelSize(level.glob.ctx.size(desc.oid), dataWidth);
  return {
    rt,
    rte,
    desc,
    pages: est.pages,
    tuples: est.tuples,
    allVisFrac: est.allVisFrac,
    restrict,
    rows: 0,
    width: relWidth(env, rt),
  };
}

/** All scan paths of a table: sequential, index (forward/backward, index-only), bitmap. */
export function tablePaths(env: PathEnv, b0: BaseRel): RelOpt {
  const s = env.level.glob.s;
  env.rels.set(b0.rt, { tuples: b0.tuples, rows: b0.tuples, desc: b0.desc });
  const sel = clauselistSelectivity(env.sel, b0.restrict);
  const b: BaseRel = { ...b0, rows: clampRows(b0.tuples * sel) };
  env.rels.set(b.rt, { tuples: b.tuples, rows: b.rows, desc: b.desc });
  const rel: RelOpt = {
    relids: new Set([b.rt]),
    rows: b.rows,
    width: b.width,
    paths: [],
    unsat: [],
    base: b,
  };
  const output = env.level.scanOutput(b.rt);
  const common = {
    rt: b.rt,
    relationOid: b.desc.oid,
    relationName: b.desc.name,
    alias: b.rte.alias,
    output,
    rows: b.rows,
    width: b.width,
  };
  const qc = qualCost(env, b.restrict);
  const seq = costSeqscan(s, b.pages, b.tuples, qc);
  const filter = andOf(b.restrict);
  addPath(rel, {
    plan: {
      kind: 'seqscan',
      ...common,
      startupCost: seq.startup,
      totalCost: seq.total,
      ...(filter === undefined ? {} : { filter }),
    },
    pathkeys: [],
  });
  if (b.desc.computed) return rel;
  for (const index of b.desc.indexes) {
    // issue 12: a hash index's Index Scan for `col = value`
    if (index.am === 'hash' && index.valid && s.enableIndexscan)
      for (const p of hashIndexScanPaths(env, b, index, common, (x) => qualCost(env, x), andOf))
        addPath(rel, p);
    if (index.am !== 'btree' || !index.valid) continue;
    for (const p of indexPaths(env, b, index, b.restrict, [], 1, common)) addPath(rel, p);
  }
  for (const p of bitmapPaths(env, b, common)) addPath(rel, p);
  return rel;
}

interface MatchedQual {
  readonly clause: Expr;
  readonly qual: IndexQual;
  readonly arrayLen: number;
}

/** `c` with every sub-expression not reading entry `rt` replaced by a parameter of its type. */
function paramize(c: Expr, rt: number): Expr {
  const rel = relidsOf(c);
  if (!rel.has(rt)) return { kind: 'param', index: 0, type: c.type, typmod: c.typmod };
  if (c.kind === 'var') return c;
  return mapChildren(c, (x) => paramize(x, rt));
}

/** Widening casts only, so the index's comparison order is the value's. */
function compatibleValue(env: PathEnv, value: Expr, colType: number): Expr | undefined {
  if (value.type === colType) return value;
  const widen: Record<number, number[]> = { 20: [21, 23], 23: [21], 701: [700] };
  if (!(widen[colType] ?? []).includes(value.type)) return undefined;
  const cast = env.level.glob.ctx.registry.cast(value.type, colType);
  if (cast === undefined) return undefined;
  return {
    kind: 'coerce',
    arg: value,
    cast,
    via: 'cast',
    explicit: false,
    type: colType,
    typmod: -1,
  };
}

/** `col op value` on column `attnum` usable by a B-tree (match_clause_to_indexcol). */
function matchIndexClause(
  env: PathEnv,
  clause: Expr,
  rt: number,
  attnum: number,
  colType: number,
  column: number,
  outerRelids: ReadonlySet<number> | undefined,
  keyExpr?: Expr,
): MatchedQual | undefined {
  // an expression column matches a structurally equal expression (match_index_to_operand)
  const isKey = (col: Expr) => {
    if (keyExpr !== undefined) return col.type === colType && exprKey(col) === exprKey(keyExpr);
    const v = asVar(col);
    return v !== undefined && v.rt === rt && v.attnum === attnum && col.type === colType;
  };
  const valueOk = (v: Expr) =>
    outerRelids === undefined
      ? isPseudoConstant(v)
      : relidsOf(v).size > 0 && isSubset(relidsOf(v), outerRelids) && !relidsOf(v).has(rt);
  if (clause.kind === 'op' && clause.args.length === 2) {
    const op = clause as OpExpr;
    const st = STRATEGY[op.op.name];
    if (st === undefined || op.fn.result !== 16) return undefined;
    if (op.op.left !== op.op.right && !(op.op.left === colType || op.op.right === colType))
      return undefined;
    const [l, r] = op.args as readonly [Expr, Expr];
    const tryside = (col: Expr, value: Expr, strategy: 1 | 2 | 3 | 4 | 5) => {
      if (!isKey(col)) return undefined;
      if (!valueOk(value)) return undefined;
      const cv = compatibleValue(env, value, colType);
      if (cv === undefined) return undefined;
      return { clause, qual: { column, strategy, value: cv, clause }, arrayLen: 1 };
    };
    return tryside(l, r, st) ?? tryside(r, l, COMMUTED[st]!);
  }
  if (clause.kind === 'scalararrayop' && clause.useOr && clause.op.name === '=') {
    const sa = clause as ScalarArrayOpExpr;
    if (!isKey(sa.scalar)) return undefined;
    if (!isPseudoConstant(sa.array) || outerRelids !== undefined) return undefined;
    const elemType = env.level.glob.ctx.registry.type(sa.array.type)?.elemOid;
    if (elemType !== colType) return undefined;
    const n = sa.array.kind === 'array' ? sa.array.elements.length : 10;
    return {
      clause,
      qual: { column, strategy: 3, value: sa.array, array: true, clause },
      arrayLen: n,
    };
  }
  return undefined;
}

/** The index quals a B-tree can use: equalities on a prefix of its keys, then ranges on one more. */
function matchIndex(
  env: PathEnv,
  b: BaseRel,
  index: IndexDesc,
  clauses: readonly Expr[],
  outerRelids?: ReadonlySet<number>,
): { matched: MatchedQual[]; eqColumns: number; allEq: boolean } {
  const matched: MatchedQual[] = [];
  let eqColumns = 0;
  let allEq = true;
  const keys = indexExprs(b.desc, index, env.level.glob.ctx.registry, b.rt).keys;
  for (let k = 0; k < index.nkeys; k++) {
    const attnum = index.columns[k]!;
    const keyExpr = attnum === 0 ? keys[k] : undefined;
    const colType = attnum === 0 ? keyExpr?.type : b.desc.columns[attnum - 1]?.typeOid;
    if (colType === undefined) break;
    const onCol: MatchedQual[] = [];
    for (const c of clauses) {
      const m = matchIndexClause(env, c, b.rt, attnum, colType, k + 1, outerRelids, keyExpr);
      if (m !== undefined) onCol.push(m);
    }
    const eq = onCol.find((m) => m.qual.strategy === 3 && !m.qual.array);
    if (eq !== undefined) {
      matched.push(eq);
      eqColumns++;
      continue;
    }
    const arr = onCol.find((m) => m.qual.array);
    if (arr !== undefined) {
      matched.push(arr);
      eqColumns++;
      allEq = false;
      continue;
    }
    allEq = false;
    const ranges = onCol.filter((m) => m.qual.strategy !== 3);
    matched.push(...ranges);
    break;
  }
  if (eqColumns < index.nkeys) allEq = false;
  return { matched, eqColumns, allEq };
}

/** The index's own size (get_relation_info: pages from its file, tuples = the table's). */
function indexSize(env: PathEnv, b: BaseRel, index: IndexDesc): { pages: number; height: number } {
  let pages: number;
  try {
    pages = env.level.glob.ctx.size(index.oid).pages;
  } catch {
    pages = Math.max(1, Math.ceil(b.tuples / 300));
  }
  const height = pages <= 1 ? 0 : pages <= 300 ? 1 : pages <= 90000 ? 2 : 3;
  return { pages, height };
}

/** The order an index scan returns in, for the query's keys. */
function indexPathkeys(env: PathEnv, b: BaseRel, index: IndexDesc, backward: boolean): SortKey[] {
  const keys: SortKey[] = [];
  const exprs = indexExprs(b.desc, index, env.level.glob.ctx.registry, b.rt).keys;
  for (let k = 0; k < index.nkeys; k++) {
    const attnum = index.columns[k]!;
    const t = attnum === 0 ? undefined : env.level.columnType(b.rt, attnum);
    const expr: Expr | undefined =
      t === undefined
        ? exprs[k]
        : { kind: 'var', rt: b.rt, attnum, type: t.type, typmod: t.typmod };
    if (expr === undefined) break;
    const desc = index.descending[k] ?? false;
    const nf = index.nullsFirst[k] ?? desc;
    keys.push({
      expr,
      descending: backward ? !desc : desc,
      nullsFirst: backward ? !nf : nf,
    });
  }
  return keys;
}

/**
 * A partial index's predicate conjuncts when the restriction clauses imply
 * them (check_index_predicates' predOK), false when they do not (the index
 * cannot be used), undefined for an index without a predicate.
 */
function partialIndex(
  env: PathEnv,
  b: BaseRel,
  index: IndexDesc,
): readonly Expr[] | false | undefined {
  if (index.predicate === undefined) return undefined;
  const registry = env.level.glob.ctx.registry;
  const pred = indexExprs(b.desc, index, registry, b.rt).predicate;
  return predicateImpliedBy(pred, b.restrict, registry) ? pred : false;
}

/** Whether restriction clause `c` is implied by a partial index's predicate (so need not be re-checked). */
function impliedByPredicate(env: PathEnv, pred: readonly Expr[] | undefined, c: Expr): boolean {
  if (pred === undefined) return false;
  const registry = env.level.glob.ctx.registry;
  return pred.some((p) => clauseImplies(p, c, registry));
}

/** The index quals plus the predicate's conjuncts they do not repeat (add_predicate_to_index_quals). */
function withPredicate(quals: readonly Expr[], pred: readonly Expr[] | undefined): Expr[] {
  if (pred === undefined) return [...quals];
  const have = new Set(quals.map(exprKey));
  return [...quals, ...pred.filter((p) => !have.has(exprKey(p)))];
}

/**
 * The columns an index-only scan must return (check_index_only): every
 * column the level reads from the entry, less those read only by
 * restriction clauses a partial index's predicate implies (PostgreSQL
 * leaves those out of indrestrictinfo). Counting is conservative: a column
 * is dropped only when each of its references in the query is inside such
 * a clause.
 */
function indexOnlyNeeded(
  env: PathEnv,
  b: BaseRel,
  partial: readonly Expr[] | undefined,
): ReadonlySet<number> {
  const needed = env.level.needed.get(b.rt) ?? new Set<number>();
  if (partial === undefined || b.rt >= env.level.query.rtable.length) return needed;
  const implied = b.restrict.filter((c) => impliedByPredicate(env, partial, c));
  if (implied.length === 0) return needed;
  const inImplied = new Map<number, number>();
  for (const c of implied) countVars(c, b.rt, inImplied);
  const total = new Map<number, number>();
  for (const [k, v] of Object.entries(env.level.query))
    if (k !== 'rtable') countVars(v, b.rt, total);
  const out = new Set<number>();
  for (const a of needed) {
    const n = inImplied.get(a) ?? 0;
    if (n === 0 || (total.get(a) ?? 0) !== n) out.add(a);
  }
  return out;
}

function countVars(v: unknown, rt: number, into: Map<number, number>): void {
  if (Array.isArray(v)) {
    for (const x of v) countVars(x, rt, into);
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  const o = v as Record<string, unknown>;
  if (o.kind === 'var' && o.rt === rt && !o.levelsUp && typeof o.attnum === 'number') {
    into.set(o.attnum, (into.get(o.attnum) ?? 0) + 1);
    return;
  }
  for (const [k, x] of Object.entries(o))
    if (k !== 'fn' && k !== 'op' && k !== 'cast' && k !== 'value') countVars(x, rt, into);
}

/** A partial index's tuple count (its reltuples: the table's rows the predicate keeps). */
function partialTuples(env: PathEnv, b: BaseRel, pred: readonly Expr[] | undefined): number {
  if (pred === undefined) return b.tuples;
  return clampRows(b.tuples * clauselistSelectivity(env.sel, pred));
}

type ScanCommon = {
  rt: number;
  relationOid: number;
  relationName: string;
  alias: string;
  output: Expr[];
  rows: number;
  width: number;
};

/** Index scans of one index: with the quals it can use, index-only when it covers the columns, backward when that gives the wanted order. */
export function indexPaths(
  env: PathEnv,
  b: BaseRel,
  index: IndexDesc,
  clauses: readonly Expr[],
  joinClauses: readonly Expr[],
  loopCount: number,
  common: ScanCommon,
  outerRelids?: ReadonlySet<number>,
): Path[] {
  const s = env.level.glob.s;
  const partial = partialIndex(env, b, index);
  if (partial === false) return [];
  // check_index_predicates' indrestrictinfo: clauses the predicate implies are not index quals
  const usable = [...clauses, ...joinClauses].filter((c) => !impliedByPredicate(env, partial, c));
  const { matched, allEq } = matchIndex(env, b, index, usable, outerRelids);
  if (outerRelids !== undefined && !matched.some((m) => joinClauses.includes(m.clause))) return [];
  const fwd = indexPathkeys(env, b, index, false);
  const bwd = indexPathkeys(env, b, index, true);
  const want = env.queryPathkeys;
  const useful = (pk: SortKey[]) =>
    (want.length > 0 && presortedPrefix(pk, want) > 0) ||
    (pk[0] !== undefined &&
      !pk[0].descending &&
      !pk[0].nullsFirst &&
      env.mergeExprs.has(exprKey(pk[0].expr)));
  // build_index_paths: a partial index whose predicate holds is useful by itself (useful_predicate)
  if (matched.length === 0 && !useful(fwd) && !useful(bwd) && partial === undefined) return [];
  const used = new Set(matched.map((m) => m.clause));
  // create_indexscan_plan: clauses the predicate implies are not checked again
  const rest = [...clauses, ...joinClauses].filter(
    (c) => !used.has(c) && !impliedByPredicate(env, partial, c),
  );
  // a parameterized path sees the outer values as parameters (clause_selectivity with varRelid)
  const asRestriction = (c: Expr) => (outerRelids === undefined ? c : paramize(c, b.rt));
  const indexClauses = matched.map((m) => asRestriction(m.clause));
  // btcostestimate: add_predicate_to_index_quals — the predicate's conjuncts the quals do not repeat
  const indexSel = clauselistSelectivity(env.sel, withPredicate(indexClauses, partial));
  const saScans = matched.reduce((n, m) => n * m.arrayLen, 1);
  const numIndexTuples = index.unique && allEq ? 1 : indexSel * b.tuples;
  const { pages: indexPages, height } = indexSize(env, b, index);
  const indexTuples = partialTuples(env, b, partial);
  const needed = indexOnlyNeeded(env, b, partial);
  const covers =
    s.enableIndexonlyscan &&
    [...needed].every((a) => index.columns.includes(a)) &&
    (env.level.needed.get(b.rt)?.size ?? 0) > 0;
  const corrStats = env.level.glob.ctx.columnStats?.(
    b.desc.oid,
    index.columns[0] ?? 0,
  )?.correlation;
  const correlation = corrStats === undefined ? 0 : index.nkeys > 1 ? corrStats * 0.75 : corrStats;
  const rows =
    joinClauses.length > 0
      ? clampRows(
          b.tuples *
            clauselistSelectivity(env.sel, [...clauses, ...joinClauses].map(asRestriction)),
        )
      : b.rows;
  const out: Path[] = [];
  const qp = qualCost(env, rest);
  const filter = andOf(rest);
  // build_index_paths makes the index-only path instead of a plain one when the index covers the query
  for (const indexOnly of [covers]) {
    const c = costIndex(s, {
      pages: b.pages,
      tuples: b.tuples,
      allVisFrac: b.allVisFrac,
      indexPages,
      indexTuples,
      treeHeight: height,
      indexSelectivity: indexSel,
      numIndexTuples: Math.min(numIndexTuples, indexTuples),
      nQuals: matched.length,
      saScans,
      correlation,
      indexOnly,
      loopCount,
      totalTablePages: env.totalTablePages,
      qpqual: qp,
    });
    for (const backward of [false, true]) {
      const pk = backward ? bwd : fwd;
      if (backward && !useful(bwd)) continue;
      if (!backward && matched.length === 0 && !useful(fwd)) continue;
      out.push({
        plan: {
          kind: indexOnly ? 'indexonlyscan' : 'indexscan',
          ...common,
          rows,
          indexOid: index.oid,
          indexName: index.name,
          indexQuals: matched.map((m) => m.qual),
          direction: backward ? 'backward' : 'forward',
          startupCost: c.startup,
          totalCost: c.total,
          ...(filter === undefined ? {} : { filter }),
        },
        pathkeys: saScans > 1 ? [] : pk,
      });
    }
  }
  return out;
}

const BITMAP_AMS: ReadonlySet<string> = new Set(['btree', 'hash', 'gin', 'brin']); // issue 12

interface BitmapCand {
  node: BitmapNode;
  cost: number;
  selectivity: number;
  clauses: Expr[];
  indexPages: number;
  /** A partial index's predicate conjuncts (what its entries already satisfy). */
  predicate?: readonly Expr[];
}

function bitmapIndexCand(
  env: PathEnv,
  b: BaseRel,
  index: IndexDesc,
  clauses: readonly Expr[],
): BitmapCand | undefined {
  if (index.am !== 'btree') return amBitmapCand(env, b, index, clauses); // issue 12: gin, brin, hash
  const s = env.level.glob.s;
  const partial = partialIndex(env, b, index);
  if (partial === false) return undefined;
  const usable = clauses.filter((c) => !impliedByPredicate(env, partial, c));
  const { matched, allEq } = matchIndex(env, b, index, usable);
  if (matched.length === 0 && partial === undefined) return undefined;
  const indexClauses = matched.map((m) => m.clause);
  const indexSel = clauselistSelectivity(env.sel, withPredicate(indexClauses, partial));
  if (matched.length === 0 && indexSel >= 1) return undefined;
  const saScans = matched.reduce((n, m) => n * m.arrayLen, 1);
  const { pages, height } = indexSize(env, b, index);
  const indexTuples = partialTuples(env, b, partial);
  const c = costIndex(s, {
    pages: b.pages,
    tuples: b.tuples,
    allVisFrac: 0,
    indexPages: pages,
    indexTuples,
    treeHeight: height,
    indexSelectivity: indexSel,
    numIndexTuples: Math.min(index.unique && allEq ? 1 : indexSel * b.tuples, indexTuples),
    nQuals: matched.length,
    saScans,
    correlation: 0,
    indexOnly: false,
    loopCount: 1,
    totalTablePages: env.totalTablePages,
    qpqual: NO_COST,
  });
  const rows = clampRows(indexSel * b.tuples);
  const node: BitmapIndexScanNode = {
    kind: 'bitmapindexscan',
    indexOid: index.oid,
    indexName: index.name,
    indexQuals: matched.map((m) => m.qual),
    output: [],
    startupCost: c.indexStartup,
    totalCost: c.indexTotal,
    rows,
    width: 0,
  };
  // cost_bitmap_tree_node: a small charge per TID for the bitmap
  return {
    node,
    cost: c.indexTotal + 0.1 * s.cpuOperatorCost * rows,
    selectivity: indexSel,
    clauses: indexClauses,
    indexPages: pages,
    ...(partial === undefined ? {} : { predicate: partial }),
  };
}

/** Bitmap heap scans: one index, two ANDed, or an OR of indexable arms (BitmapOr). */
function bitmapPaths(env: PathEnv, b: BaseRel, common: ScanCommon): Path[] {
  const s = env.level.glob.s;
  // issue 12: every AM that can bitmap-scan (amgetbitmap): btree, hash, gin, brin
  const indexes = b.desc.indexes.filter((i) => BITMAP_AMS.has(i.am) && i.valid);
  if (indexes.length === 0) return [];
  const cands: BitmapCand[] = [];
  const best = (clauses: readonly Expr[]) => {
    let r: BitmapCand | undefined;
    for (const i of indexes) {
      const c = bitmapIndexCand(env, b, i, clauses);
      if (c !== undefined && (r === undefined || c.cost < r.cost)) r = c;
    }
    return r;
  };
  for (const i of indexes) {
    const c = bitmapIndexCand(env, b, i, b.restrict);
    if (c !== undefined) cands.push(c);
  }
  // ORs whose every arm an index can answer
  for (const clause of b.restrict) {
    if (clause.kind !== 'bool' || clause.op !== 'or') continue;
    const arms: BitmapCand[] = [];
    for (const arm of clause.args) {
      const c = best(arm.kind === 'bool' && arm.op === 'and' ? arm.args : [arm]);
      if (c === undefined) break;
      arms.push(c);
    }
    if (arms.length !== clause.args.length) continue;
    const selectivity = Math.min(
      1,
      arms.reduce((a, c) => a + c.selectivity, 0),
    );
    const cost = arms.reduce((a, c, i) => a + c.cost + (i > 0 ? 100 * s.cpuOperatorCost : 0), 0);
    cands.push({
      node: {
        kind: 'bitmapor',
        children: arms.map((a) => a.node),
        output: [],
        startupCost: cost,
        totalCost: cost,
        rows: clampRows(selectivity * b.tuples),
        width: 0,
      },
      cost,
      selectivity,
      clauses: [clause],
      indexPages: arms.reduce((a, c) => a + c.indexPages, 0),
    });
  }
  // the two cheapest on different clauses, ANDed
  const sorted = [...cands].sort((x, y) => x.cost - y.cost);
  if (sorted.length >= 2) {
    const [x, y] = sorted as [BitmapCand, BitmapCand];
    if (!x.clauses.some((c) => y.clauses.includes(c))) {
      const selectivity = x.selectivity * y.selectivity;
      const cost = x.cost + y.cost + 100 * s.cpuOperatorCost;
      cands.push({
        node: {
          kind: 'bitmapand',
          children: [x.node, y.node],
          output: [],
          startupCost: cost,
          totalCost: cost,
          rows: clampRows(selectivity * b.tuples),
          width: 0,
        },
        cost,
        selectivity,
        clauses: [...x.clauses, ...y.clauses],
        indexPages: x.indexPages + y.indexPages,
      });
    }
  }
  const qc = qualCost(env, b.restrict);
  return cands.map((c) => {
    const cost = costBitmapHeapScan(s, {
      pages: b.pages,
      tuples: b.tuples,
      bitmapCost: c.cost,
      bitmapSelectivity: c.selectivity,
      loopCount: 1,
      indexPages: c.indexPages,
      totalTablePages: env.totalTablePages,
      qual: qc,
    });
    const rest = b.restrict.filter(
      (r) => !c.clauses.includes(r) && !impliedByPredicate(env, c.predicate, r),
    );
    const filter = andOf(rest);
    return {
      plan: {
        kind: 'bitmapheapscan',
        ...common,
        bitmap: c.node,
        recheck: andOf(c.clauses)!,
        startupCost: cost.startup,
        totalCost: cost.total,
        ...(filter === undefined ? {} : { filter }),
      },
      pathkeys: [],
    };
  });
}

// ---------------------------------------------------------------- joins

/** `a = b` with one side over the outer relation and the other over the inner (hash- and merge-joinable). */
export function hashClauseSides(
  clause: Expr,
  outer: ReadonlySet<number>,
  inner: ReadonlySet<number>,
): { outer: Expr; inner: Expr } | undefined {
  if (clause.kind !== 'op' || clause.op.name !== '=' || clause.args.length !== 2) return undefined;
  if (clause.op.left !== clause.op.right || clause.fn.volatility === 'v') return undefined;
  const [l, r] = clause.args as readonly [Expr, Expr];
  const lr = relidsOf(l);
  const rr = relidsOf(r);
  if (lr.size === 0 || rr.size === 0) return undefined;
  if (isSubset(lr, outer) && isSubset(rr, inner)) return { outer: l, inner: r };
  if (isSubset(rr, outer) && isSubset(lr, inner)) return { outer: r, inner: l };
  return undefined;
}

/**
 * get_switched_clauses: a hash or merge clause as EXPLAIN shows it, the
 * outer side's operand first (the clauses are `=` of one type, their own
 * commutators).
 */
function switchedClause(h: { clause: Expr; outer: Expr; inner: Expr }): Expr {
  const c = h.clause;
  if (c.kind !== 'op' || c.args[0] === h.outer) return c;
  return { ...c, args: [h.outer, h.inner] };
}

/** Join rows (calc_joinrel_size_estimate). */
export function joinRows(
  env: PathEnv,
  outer: RelOpt,
  inner: RelOpt,
  jt: JoinType,
  clauses: readonly Expr[],
  topQuals: readonly Expr[] = [],
): number {
  const pselec = clauselistSelectivity(env.sel, topQuals);
  if (jt === 'semi' || jt === 'anti') {
    let jselec = 1;
    for (const c of clauses) {
      const sides = hashClauseSides(c, outer.relids, inner.relids);
      const ov = sides && asVar(sides.outer);
      const iv = sides && asVar(sides.inner);
      jselec *=
        ov !== undefined && iv !== undefined
          ? eqJoinSelSemi(env.sel, ov, iv, inner.rows)
          : clauses.length > 0
            ? 0.5
            : 1;
    }
    if (clauses.length === 0) jselec = 1;
    const n = jt === 'semi' ? outer.rows * jselec : outer.rows * (1 - jselec);
    return clampRows(n * pselec);
  }
  const jselec = clauses.reduce((a, c) => a * clauseSelectivity(env.sel, c), 1);
  let n = outer.rows * inner.rows * jselec;
  if (jt === 'left' && n < outer.rows) n = outer.rows;
  if (jt === 'right' && n < inner.rows) n = inner.rows;
  if (jt === 'full') n = Math.max(n, outer.rows, inner.rows);
  return clampRows(n * pselec);
}

export interface JoinSpec {
  readonly jt: JoinType;
  /** Conditions evaluated by the join (ON for outer joins; all applicable quals for inner joins). */
  readonly clauses: readonly Expr[];
  /** Conditions applied to the join's result (WHERE over an outer join). */
  readonly filter: readonly Expr[];
  readonly rows: number;
  readonly width: number;
  /** ExecParams a nested loop must set from the outer row (lateral entries). */
  readonly params: readonly { readonly id: number; readonly value: Expr }[];
  /** Only a nested loop with this outer side (lateral). */
  readonly nestloopOnly: boolean;
  /** Semi/anti joins: the fraction of outer rows with a match and the matches per matched row (compute_semi_anti_join_factors). */
  readonly semi?: { readonly matchFrac: number; readonly matchCount: number };
}

/**
 * mergejoinscansel: the fractions of each side a merge join reads before
 * its first match and up to its last (histogram ends; 0 and 1 without
 * statistics).
 */
function mergeScanSel(
  env: PathEnv,
  outerKey: Expr,
  innerKey: Expr,
): { outerStart: number; outerEnd: number; innerStart: number; innerEnd: number } {
  const none = { outerStart: 0, outerEnd: 1, innerStart: 0, innerEnd: 1 };
  const ov = asVar(outerKey);
  const iv = asVar(innerKey);
  if (ov === undefined || iv === undefined) return none;
  const range = (v: Var) => {
    const st = env.sel.varData(v)?.stats;
    const vals = [...(st?.histogram ?? []), ...(st?.mcvValues ?? [])]
      .map(Number)
      .filter(Number.isFinite);
    return vals.length === 0 ? undefined : { min: Math.min(...vals), max: Math.max(...vals) };
  };
  const or = range(ov);
  const ir = range(iv);
  if (or === undefined || ir === undefined) return none;
  const c = (value: number, type: number): Expr => ({ kind: 'const', value, type, typmod: -1 });
  let outerEnd = 1;
  let innerEnd = 1;
  let outerStart = 0;
  let innerStart = 0;
  const le = (v: Var, x: number) => scalarIneqSel(env.sel, v, '<=', c(x, v.type));
  const lt = (v: Var, x: number) => scalarIneqSel(env.sel, v, '<', c(x, v.type));
  let sel = le(ov, ir.max);
  if (sel !== DEFAULT_INEQ_SEL) outerEnd = sel;
  sel = le(iv, or.max);
  if (sel !== DEFAULT_INEQ_SEL) innerEnd = sel;
  if (outerEnd > innerEnd) outerEnd = 1;
  else if (outerEnd < innerEnd) innerEnd = 1;
  else outerEnd = innerEnd = 1;
  sel = lt(ov, ir.min);
  if (sel !== DEFAULT_INEQ_SEL) outerStart = sel;
  sel = lt(iv, or.min);
  if (sel !== DEFAULT_INEQ_SEL) innerStart = sel;
  if (outerStart < innerStart) outerStart = 0;
  else if (outerStart > innerStart) innerStart = 0;
  else outerStart = innerStart = 0;
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  outerStart = clamp(outerStart);
  outerEnd = clamp(outerEnd);
  innerStart = clamp(innerStart);
  innerEnd = clamp(innerEnd);
  if (outerStart >= outerEnd || innerStart >= innerEnd) {
    outerStart = 0;
    outerEnd = 1;
    innerStart = 0;
    innerEnd = 1;
  }
  return { outerStart, outerEnd, innerStart, innerEnd };
}

/** estimate_hash_bucketsize: the fraction of the inner rows in one bucket. */
function bucketSize(env: PathEnv, innerKey: Expr, nbuckets: number): number {
  const v = asVar(innerKey);
  const vd = v === undefined ? undefined : env.sel.varData(v);
  let [nd, isDefault] = numDistinct(vd);
  if (vd === undefined || isDefault) return Math.max(0.1, 1 / nbuckets);
  const nullfrac = vd.stats?.nullFrac ?? 0;
  const avgfreq = (1 - nullfrac) / nd;
  if (vd.tuples > 0) nd = clampRows(nd * (vd.rows / vd.tuples));
  let est = nd > nbuckets ? 1 / nbuckets : 1 / nd;
  const mcvfreq = vd.stats?.mcvFreqs?.[0];
  if (mcvfreq !== undefined && avgfreq > 0 && mcvfreq > avgfreq) est *= mcvfreq / avgfreq;
  return Math.min(1, Math.max(1e-6, est));
}

function joinOutput(jt: JoinType, outer: PlanNode, inner: PlanNode): Expr[] {
  return jt === 'semi' || jt === 'anti' ? [...outer.output] : [...outer.output, ...inner.output];
}

/** All join paths of `outer ⋈ inner` (match_unsorted_outer, hash_inner_and_outer, sort_inner_and_outer). */
export function addJoinPaths(
  env: PathEnv,
  rel: RelOpt,
  outer: RelOpt,
  inner: RelOpt,
  spec: JoinSpec,
): void {
  const s = env.level.glob.s;
  const { jt } = spec;
  const hashable: { clause: Expr; outer: Expr; inner: Expr }[] = [];
  const other: Expr[] = [];
  for (const c of spec.clauses) {
    const sides = hashClauseSides(c, outer.relids, inner.relids);
    if (sides !== undefined) hashable.push({ clause: c, ...sides });
    else other.push(c);
  }
  const filterExpr = andOf(spec.filter);
  const filterCost = qualCost(env, spec.filter);
  const withFilter = filterExpr === undefined ? {} : { filter: filterExpr };
  const ocheap = cheapestTotal(outer);
  const icheap = cheapestTotal(inner);
  // the cheapest path, and the cheapest of each order (bounded: match_unsorted_outer's choices)
  const oPaths = [
    ocheap,
    ...outer.paths.filter((p) => p !== ocheap && p.pathkeys.length > 0).slice(0, 2),
  ];
  const semiLike = jt === 'semi' || jt === 'anti';
  // semi-join costing also for an inner side known unique (extra->inner_unique)
  const stopsAtMatch = semiLike || (inner.unique === true && spec.semi !== undefined);

  // nested loops (not for FULL/RIGHT)
  if (jt !== 'full' && jt !== 'right') {
    const innerChoices: { path: Path; rescan: Cost; params: { id: number; value: Expr }[] }[] = [];
    innerChoices.push({
      path: icheap,
      rescan: { startup: icheap.plan.startupCost, total: icheap.plan.totalCost },
      params: [...spec.params],
    });
    {
      const m = costMaterial(
        s,
        { startup: icheap.plan.startupCost, total: icheap.plan.totalCost },
        icheap.plan.rows,
        icheap.plan.width,
      );
      if (spec.params.length === 0 && isMaterializable(icheap.plan)) {
        innerChoices.push({
          path: {
            plan: {
              kind: 'material',
              input: icheap.plan,
              output: icheap.plan.output,
              rows: icheap.plan.rows,
              width: icheap.plan.width,
              startupCost: m.startup,
              totalCost: m.total,
            },
            pathkeys: icheap.pathkeys,
          },
          rescan: rescanMaterial(s, icheap.plan.rows, icheap.plan.width),
          params: [],
        });
      }
    }
    // parameterized inner index scans
    if (inner.base !== undefined && spec.params.length === 0) {
      for (const p of [
        ...paramIndexPaths(env, inner.base, outer, spec.clauses, ocheap.plan.rows),
        ...paramBitmapPaths(env, inner.base, outer, spec.clauses, ocheap.plan.rows),
      ]) {
        innerChoices.push({
          path: p.path,
          rescan: { startup: p.path.plan.startupCost, total: p.path.plan.totalCost },
          params: p.params,
        });
        const memo = memoizeChoice(env, p, spec.clauses, outer.rows, stopsAtMatch && semiLike);
        if (memo !== undefined) innerChoices.push(memo);
      }
    }
    for (const op of oPaths) {
      for (const ic of innerChoices) {
        const consumed = new Set(
          ic.params.length > 0 && ic.path.plan.kind !== 'material'
            ? usedJoinClauses(ic.path.plan)
            : [],
        );
        const quals = spec.clauses.filter((c) => !consumed.has(exprKey(c)));
        const qc = qualCost(env, quals);
        const outerRows = op.plan.rows;
        const innerRows = ic.path.plan.rows;
        let startup = op.plan.startupCost + ic.path.plan.startupCost;
        let run = op.plan.totalCost - op.plan.startupCost;
        if (outerRows > 1) run += (outerRows - 1) * ic.rescan.startup;
        const innerRun = ic.path.plan.totalCost - ic.path.plan.startupCost;
        const innerRescanRun = ic.rescan.total - ic.rescan.startup;
        let ntuples: number;
        if (stopsAtMatch) {
          // final_cost_nestloop: a matched outer row stops at its first match
          const sf = spec.semi ?? { matchFrac: 0.5, matchCount: 1 };
          let matched = Math.round(outerRows * sf.matchFrac);
          let unmatched = outerRows - matched;
          const scanFrac = 2 / (sf.matchCount + 1);
          ntuples = matched * innerRows * scanFrac + unmatched * innerRows;
          run += innerRun;
          if (unmatched >= 1) unmatched -= 1;
          else matched -= 1;
          if (matched > 0) run += matched * innerRescanRun * scanFrac;
          if (unmatched > 0) run += unmatched * innerRescanRun;
        } else {
          run += innerRun;
          if (outerRows > 1) run += (outerRows - 1) * innerRescanRun;
          ntuples = outerRows * innerRows;
        }
        if (!s.enableNestloop) startup += DISABLE_COST;
        startup += qc.startup + filterCost.startup;
        run += (s.cpuTupleCost + qc.perTuple) * ntuples + filterCost.perTuple * spec.rows;
        const joinQual = andOf(quals);
        addPath(rel, {
          plan: {
            kind: 'nestloop',
            joinType: jt,
            outer: op.plan,
            inner: ic.path.plan,
            params: ic.params,
            output: joinOutput(jt, op.plan, ic.path.plan),
            rows: spec.rows,
            width: spec.width,
            startupCost: startup,
            totalCost: startup + run,
            ...(joinQual === undefined ? {} : { joinQual }),
            ...withFilter,
          },
          pathkeys: op.pathkeys,
        });
      }
    }
  }
  if (spec.nestloopOnly) return;

  // hash join
  if (hashable.length > 0) {
    const { batches } = chooseHashTableSize(s, icheap.plan.rows, icheap.plan.width);
    const outerRows = ocheap.plan.rows;
    const innerRows = icheap.plan.rows;
    let startup = ocheap.plan.startupCost;
    let run = ocheap.plan.totalCost - ocheap.plan.startupCost;
    startup += icheap.plan.totalCost;
    startup += (s.cpuOperatorCost * hashable.length + s.cpuTupleCost) * innerRows;
    run += s.cpuOperatorCost * hashable.length * outerRows;
    if (batches > 1) {
      const op = pageSize(outerRows, ocheap.plan.width);
      const ip = pageSize(innerRows, icheap.plan.width);
      startup += s.seqPageCost * ip;
      run += s.seqPageCost * (ip + 2 * op);
    }
    if (!s.enableHashjoin) startup += DISABLE_COST;
    const hq = qualCost(
      env,
      hashable.map((h) => h.clause),
    );
    const { buckets } = chooseHashTableSize(s, innerRows, icheap.plan.width);
    const bucketFrac = inner.unique
      ? 1 / (buckets * batches)
      : Math.min(...hashable.map((h) => bucketSize(env, h.inner, buckets)));
    let hashTuples: number;
    if (stopsAtMatch) {
      const sf = spec.semi ?? { matchFrac: 0.5, matchCount: 1 };
      const matched = Math.round(outerRows * sf.matchFrac);
      const scanFrac = 2 / (sf.matchCount + 1);
      run += hq.perTuple * matched * clampRows(innerRows * bucketFrac * scanFrac) * 0.5;
      run +=
        hq.perTuple * (outerRows - matched) * clampRows(innerRows / (buckets * batches)) * 0.05;
      hashTuples = jt === 'anti' ? outerRows - matched : matched;
    } else {
      run += hq.perTuple * outerRows * clampRows(innerRows * bucketFrac) * 0.5;
      hashTuples = clampRows(
        outerRows *
          innerRows *
          hashable.reduce((a, h) => a * clauseSelectivity(env.sel, h.clause), 1),
      );
    }
    const qc = qualCost(env, other);
    startup += qc.startup + filterCost.startup;
    run += (s.cpuTupleCost + qc.perTuple) * hashTuples + filterCost.perTuple * spec.rows;
    const joinQual = andOf(other);
    addPath(rel, {
      plan: {
        kind: 'hashjoin',
        joinType: jt,
        outer: ocheap.plan,
        inner: {
          kind: 'hash',
          input: icheap.plan,
          keys: hashable.map((h) => h.inner),
          output: icheap.plan.output,
          rows: icheap.plan.rows,
          width: icheap.plan.width,
          startupCost: icheap.plan.totalCost,
          totalCost: icheap.plan.totalCost,
        },
        hashClauses: hashable.map(switchedClause),
        outerKeys: hashable.map((h) => h.outer),
        output: joinOutput(jt, ocheap.plan, icheap.plan),
        rows: spec.rows,
        width: spec.width,
        startupCost: startup,
        totalCost: startup + run,
        ...(joinQual === undefined ? {} : { joinQual }),
        ...withFilter,
      },
      pathkeys: [],
    });
  }

  // merge join: both sides sorted ascending on the merge keys
  // a right/full merge join takes only constant extra join quals (FULL JOIN ON false: no merge keys)
  const constOther = other.every((c) => c.kind === 'const');
  if (hashable.length > 0 ? jt !== 'full' || constOther : jt === 'full' && constOther) {
    const okeys: SortKey[] = hashable.map((h) => ({
      expr: h.outer,
      descending: false,
      nullsFirst: false,
    }));
    const ikeys: SortKey[] = hashable.map((h) => ({
      expr: h.inner,
      descending: false,
      nullsFirst: false,
    }));
    const sorted = (rel2: RelOpt, keys: SortKey[]): Path => {
      if (keys.length === 0) return cheapestTotal(rel2);
      let best = sortPath(env, cheapestTotal(rel2), keys, undefined);
      for (const p of rel2.paths)
        if (pathkeysContain(p.pathkeys, keys) && p.plan.totalCost < best.plan.totalCost) best = p;
      return best;
    };
    const op = sorted(outer, okeys);
    const ip = sorted(inner, ikeys);
    // cost_mergejoin: the scans stop early when one side's keys end before the other's
    const first = hashable[0];
    const sel =
      first === undefined
        ? { outerStart: 0, outerEnd: 1, innerStart: 0, innerEnd: 1 }
        : mergeScanSel(env, first.outer, first.inner);
    // an outer join reads its preserved side to the end
    if (jt === 'left' || jt === 'anti' || jt === 'full') {
      sel.outerStart = 0;
      sel.outerEnd = 1;
    }
    if (jt === 'right' || jt === 'full') {
      sel.innerStart = 0;
      sel.innerEnd = 1;
    }
    const outerPathRows = op.plan.rows;
    const innerPathRows = ip.plan.rows;
    const outerSkip = Math.round(outerPathRows * sel.outerStart);
    const innerSkip = Math.round(innerPathRows * sel.innerStart);
    const outerRows = clampRows(outerPathRows * sel.outerEnd);
    const innerRows = clampRows(innerPathRows * sel.innerEnd);
    const oStart = outerSkip / outerPathRows;
    const oEnd = outerRows / outerPathRows;
    const iStart = innerSkip / innerPathRows;
    const iEnd = innerRows / innerPathRows;
    const oRun = op.plan.totalCost - op.plan.startupCost;
    const iRun = ip.plan.totalCost - ip.plan.startupCost;
    let startup = op.plan.startupCost + oRun * oStart + ip.plan.startupCost + iRun * iStart;
    let run = oRun * (oEnd - oStart);
    const innerRunCost = iRun * (iEnd - iStart);
    const mq = qualCost(
      env,
      hashable.map((h) => h.clause),
    );
    const qc = qualCost(env, other);
    const mergeTuples = clampRows(
      outerPathRows *
        innerPathRows *
        hashable.reduce((a, h) => a * clauseSelectivity(env.sel, h.clause), 1),
    );
    const skipMarkRestore = semiLike || inner.unique === true;
    const rescanned = skipMarkRestore ? 0 : Math.max(0, mergeTuples - innerPathRows);
    const rescanRatio = 1 + rescanned / innerRows;
    const bare = innerRunCost * rescanRatio;
    const mat = innerRunCost + s.cpuOperatorCost * innerRows * rescanRatio;
    run += s.enableMaterial && mat < bare ? mat : bare;
    if (!s.enableMergejoin) startup += DISABLE_COST;
    startup += mq.startup + mq.perTuple * (outerSkip + innerSkip * rescanRatio);
    run += mq.perTuple * (outerRows - outerSkip + (innerRows - innerSkip) * rescanRatio);
    startup += qc.startup + filterCost.startup;
    const outTuples = semiLike ? spec.rows : mergeTuples;
    run += (s.cpuTupleCost + qc.perTuple) * outTuples + filterCost.perTuple * spec.rows;
    const joinQual = andOf(other);
    addPath(rel, {
      plan: {
        kind: 'mergejoin',
        joinType: jt,
        outer: op.plan,
        inner: ip.plan,
        mergeClauses: hashable.map(switchedClause),
        outerKeys: hashable.map((h) => h.outer),
        innerKeys: hashable.map((h) => h.inner),
        output: joinOutput(jt, op.plan, ip.plan),
        rows: spec.rows,
        width: spec.width,
        startupCost: startup,
        totalCost: startup + run,
        ...(joinQual === undefined ? {} : { joinQual }),
        ...withFilter,
      },
      pathkeys: jt === 'inner' || jt === 'left' || semiLike ? op.pathkeys : [],
    });
  }
  if (jt === 'full' && hashable.length === 0 && !constOther) {
    throw new SqlError(
      '0A000',
      'FULL JOIN is only supported with merge-joinable or hash-joinable join conditions',
    );
  }
}

function isMaterializable(p: PlanNode): boolean {
  return (
    p.kind !== 'material' &&
    p.kind !== 'ctescan' &&
    p.kind !== 'worktablescan' &&
    p.kind !== 'valuesscan' &&
    p.kind !== 'functionscan'
  );
}

/**
 * get_memoize_path: a Memoize over a parameterized inner path when every
 * join clause it uses is an operator of two arguments (the cache is a hash
 * table on the outer side's values), the outer side has at least two rows, and the join
 * is not a semi/anti join (PostgreSQL 15 caches those only for a unique
 * inner side).
 */
function memoizeChoice(
  env: PathEnv,
  p: { path: Path; params: readonly { id: number; value: Expr }[] },
  clauses: readonly Expr[],
  calls: number,
  semiLike: boolean,
): { path: Path; rescan: Cost; params: { id: number; value: Expr }[] } | undefined {
  const s = env.level.glob.s;
  if (!s.enableMemoize || semiLike || calls < 2 || p.params.length === 0) return undefined;
  const used = new Set(usedJoinClauses(p.path.plan));
  const mine = clauses.filter((c) => used.has(exprKey(c)));
  if (mine.length === 0) return undefined;
  // paraminfo_get_equal_hashops: each an operator of two arguments (any: the cache hashes the
  // outer side's values with its type's equality, not the clause's operator)
  for (const c of mine) if (c.kind !== 'op' || c.args.length !== 2) return undefined;
  // a clause whose operator is not hash-joinable (not `=`) puts the cache in binary mode
  const binary = mine.some((c) => c.kind !== 'op' || c.op.name !== '=');
  if (p.params.some((x) => isVolatile(x.value))) return undefined;
  const values = p.params.map((x) => x.value);
  // estimate_num_groups over the outer values; without statistics, every call distinct
  const noStats = values
    .flatMap((v) => varsOf(v))
    .some((v) => env.sel.varData(v)?.stats === undefined);
  const ndistinct = noStats
    ? calls
    : estimateNumGroups(values, calls, (rt, a) =>
        env.sel.varData({ kind: 'var', rt, attnum: a, type: 0, typmod: -1 }),
      );
  const inner = p.path.plan;
  const sub = { startup: inner.startupCost, total: inner.totalCost };
  const first = costMemoizeFirst(s, sub);
  const rescan = costMemoizeRescan(s, sub, inner.rows, inner.width, calls, ndistinct);
  return {
    path: {
      plan: {
        kind: 'memoize',
        input: inner,
        keys: p.params.map(
          (x): Expr => ({
            kind: 'execparam',
            id: x.id,
            type: x.value.type,
            typmod: x.value.typmod,
          }),
        ),
        ...(binary ? { binary } : {}),
        output: inner.output,
        rows: inner.rows,
        width: inner.width,
        startupCost: first.startup,
        totalCost: first.total,
      },
      pathkeys: [],
    },
    rescan,
    params: [...p.params],
  };
}

/** A parameterized index qual's shown condition (ExecParams) -> the join clause it came from. */
const joinClauseOf = new WeakMap<Expr, Expr>();

function withJoinClause(shown: Expr, clause: Expr): Expr {
  joinClauseOf.set(shown, clause);
  return shown;
}

/** The key of the join clause an index qual applies (its clause as written before ExecParams). */
function qualClauseKey(q: { readonly clause: Expr }): string {
  return exprKey(joinClauseOf.get(q.clause) ?? q.clause);
}

function usedJoinClauses(p: PlanNode): string[] {
  if (p.kind === 'memoize') return usedJoinClauses(p.input);
  if (p.kind === 'indexscan' || p.kind === 'indexonlyscan') return p.indexQuals.map(qualClauseKey);
  if (p.kind === 'bitmapheapscan') {
    const out: string[] = [];
    const visit = (n: BitmapNode) => {
      if (n.kind === 'bitmapindexscan') out.push(...n.indexQuals.map(qualClauseKey));
      else n.children.forEach(visit);
    };
    visit(p.bitmap);
    return out;
  }
  return [];
}

/** `e` with every sub-expression structurally equal to `from` replaced by `to`. */
function replaceExpr(e: Expr, from: string, to: Expr): Expr {
  if (exprKey(e) === from) return to;
  return mapChildren(e, (c) => replaceExpr(c, from, to));
}

/**
 * Parameterized bitmap heap scans over one index for the inner side of a
 * nested loop (create_index_paths' bitmap paths with a required outer):
 * the index quals compare with ExecParams the nested loop sets; costs are
 * cost_index and cost_bitmap_heap_scan with the outer rows as loop_count.
 */
function paramBitmapPaths(
  env: PathEnv,
  b: BaseRel,
  outer: RelOpt,
  clauses: readonly Expr[],
  loopCount: number,
): { path: Path; params: { id: number; value: Expr }[] }[] {
  const s = env.level.glob.s;
  const joinClauses = clauses.filter((c) => {
    const r = relidsOf(c);
    return (
      r.has(b.rt) && overlaps(r, outer.relids) && isSubset(r, new Set([...outer.relids, b.rt]))
    );
  });
  if (joinClauses.length === 0) return [];
  const out: { path: Path; params: { id: number; value: Expr }[] }[] = [];
  for (const index of b.desc.indexes) {
    if (index.am !== 'btree' || !index.valid) continue;
    const partial = partialIndex(env, b, index);
    if (partial === false) continue;
    const usable = [...b.restrict, ...joinClauses].filter(
      (c) => !impliedByPredicate(env, partial, c),
    );
    const { matched, allEq } = matchIndex(env, b, index, usable, outer.relids);
    if (!matched.some((m) => joinClauses.includes(m.clause))) continue;
    const indexClauses = matched.map((m) => paramize(m.clause, b.rt));
    const indexSel = clauselistSelectivity(env.sel, withPredicate(indexClauses, partial));
    const saScans = matched.reduce((n, m) => n * m.arrayLen, 1);
    const { pages, height } = indexSize(env, b, index);
    const indexTuples = partialTuples(env, b, partial);
    const c = costIndex(s, {
      pages: b.pages,
      tuples: b.tuples,
      allVisFrac: 0,
      indexPages: pages,
      indexTuples,
      treeHeight: height,
      indexSelectivity: indexSel,
      numIndexTuples: Math.min(index.unique && allEq ? 1 : indexSel * b.tuples, indexTuples),
      nQuals: matched.length,
      saScans,
      correlation: 0,
      indexOnly: false,
      loopCount,
      totalTablePages: env.totalTablePages,
      qpqual: NO_COST,
    });
    const params: { id: number; value: Expr }[] = [];
    const rechecks: Expr[] = [];
    const quals = matched.map((m) => {
      const q = m.qual;
      if (isPseudoConstant(q.value)) {
        rechecks.push(q.clause);
        return q;
      }
      const id = env.level.glob.param();
      params.push({ id, value: q.value });
      const value = { kind: 'execparam', id, type: q.value.type, typmod: q.value.typmod } as Expr;
      const shown = replaceExpr(q.clause, exprKey(q.value), value);
      rechecks.push(shown);
      return { ...q, value, clause: withJoinClause(shown, q.clause) };
    });
    if (params.length === 0) continue;
    const indexRows = clampRows(indexSel * b.tuples);
    const bitmapCost = c.indexTotal + 0.1 * s.cpuOperatorCost * indexRows;
    const all = [...b.restrict, ...joinClauses];
    const heap = costBitmapHeapScan(s, {
      pages: b.pages,
      tuples: b.tuples,
      bitmapCost,
      bitmapSelectivity: indexSel,
      loopCount,
      indexPages: pages,
      totalTablePages: env.totalTablePages,
      qual: qualCost(env, all),
    });
    const usedKeys = new Set(matched.map((m) => exprKey(m.clause)));
    const restFilter = andOf(
      b.restrict.filter((r) => !usedKeys.has(exprKey(r)) && !impliedByPredicate(env, partial, r)),
    );
    const rows = clampRows(
      b.tuples *
        clauselistSelectivity(
          env.sel,
          all.map((x) => paramize(x, b.rt)),
        ),
    );
    out.push({
      path: {
        plan: {
          kind: 'bitmapheapscan',
          rt: b.rt,
          relationOid: b.desc.oid,
          relationName: b.desc.name,
          alias: b.rte.alias,
          output: env.level.scanOutput(b.rt),
          rows,
          width: b.width,
          bitmap: {
            kind: 'bitmapindexscan',
            indexOid: index.oid,
            indexName: index.name,
            indexQuals: quals,
            output: [],
            startupCost: c.indexStartup,
            totalCost: c.indexTotal,
            rows: indexRows,
            width: 0,
          },
          recheck: andOf(rechecks)!,
          startupCost: heap.startup,
          totalCost: heap.total,
          ...(restFilter === undefined ? {} : { filter: restFilter }),
        },
        pathkeys: [],
      },
      params,
    });
  }
  return out;
}

/** Inner index scans whose index quals compare with the outer row's values (parameterized paths). */
function paramIndexPaths(
  env: PathEnv,
  b: BaseRel,
  outer: RelOpt,
  clauses: readonly Expr[],
  loopCount: number,
): { path: Path; params: { id: number; value: Expr }[] }[] {
  const joinClauses = clauses.filter((c) => {
    const r = relidsOf(c);
    return (
      r.has(b.rt) && overlaps(r, outer.relids) && isSubset(r, new Set([...outer.relids, b.rt]))
    );
  });
  if (joinClauses.length === 0) return [];
  const out: { path: Path; params: { id: number; value: Expr }[] }[] = [];
  const common = {
    rt: b.rt,
    relationOid: b.desc.oid,
    relationName: b.desc.name,
    alias: b.rte.alias,
    output: env.level.scanOutput(b.rt),
    rows: b.rows,
    width: b.width,
  };
  for (const index of b.desc.indexes) {
    if (index.am !== 'btree' || !index.valid) continue;
    const paths = indexPaths(
      env,
      b,
      index,
      b.restrict,
      joinClauses,
      loopCount,
      common,
      outer.relids,
    );
    for (const p of paths) {
      if (p.plan.kind !== 'indexscan' && p.plan.kind !== 'indexonlyscan') continue;
      if (p.plan.direction === 'backward') continue;
      // replace the outer values by ExecParams the nested loop sets
      const params: { id: number; value: Expr }[] = [];
      const quals = p.plan.indexQuals.map((q) => {
        if (isPseudoConstant(q.value)) return q;
        const id = env.level.glob.param();
        params.push({ id, value: q.value });
        const value = { kind: 'execparam', id, type: q.value.type, typmod: q.value.typmod } as Expr;
        // EXPLAIN's Index Cond shows the ExecParam (the outer Var, qualified), as PostgreSQL does
        const shown = replaceExpr(q.clause, exprKey(q.value), value);
        return { ...q, value, clause: withJoinClause(shown, q.clause) };
      });
      if (params.length === 0) continue;
      // conditions the index does not apply stay in its filter only when they are this table's own
      const usedKeys = new Set(p.plan.indexQuals.map((q) => exprKey(q.clause)));
      const pred = partialIndex(env, b, index);
      const restFilter = andOf(
        b.restrict.filter(
          (c) =>
            !usedKeys.has(exprKey(c)) &&
            !impliedByPredicate(env, pred === false ? undefined : pred, c),
        ),
      );
      const { filter: _f, ...plan } = p.plan;
      out.push({
        path: {
          plan: {
            ...plan,
            indexQuals: quals,
            ...(restFilter === undefined ? {} : { filter: restFilter }),
          },
          pathkeys: [],
        },
        params,
      });
    }
  }
  return out;
}

/** An explicit Sort (or none when `p` is ordered already). */
export function sortPath(
  env: PathEnv,
  p: Path,
  keys: readonly SortKey[],
  limit: number | undefined,
): Path {
  if (pathkeysContain(p.pathkeys, keys)) return p;
  const c = costSort(
    env.level.glob.s,
    { startup: p.plan.startupCost, total: p.plan.totalCost },
    p.plan.rows,
    p.plan.width,
    limit,
  );
  return {
    plan: {
      kind: 'sort',
      input: p.plan,
      keys,
      output: p.plan.output,
      rows: p.plan.rows,
      width: p.plan.width,
      startupCost: c.startup,
      totalCost: c.total,
    },
    pathkeys: keys,
  };
}
