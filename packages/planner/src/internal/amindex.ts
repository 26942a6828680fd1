/**
 * issue 12: paths over gin, brin and hash indexes. The clauses an index's
 * operator classes answer (match_clause_to_indexcol against pg_amop), the
 * AMs' cost estimates (gincostestimate, brincostestimate, hashcostestimate
 * = genericcostestimate in selfuncs.c, reduced to what the engine knows:
 * no GIN metapage statistics, so gincostestimate's "no stats" branch), the
 * bitmap index scan candidates that paths.ts combines with B-tree ones, and
 * the plain index scan a hash index also offers. matchingsel (the
 * selectivity of `@>`, `?`, `&&` ... from the column's MCVs and histogram)
 * lives here too.
 */
import { familyStrategies, type IndexDesc, opclassByOid } from '@pg/catalog';
import type { Expr, OpExpr } from '@pg/sql';
import { defaultContext, rangeSubtype } from '@pg/types';
import { clampRows, costIndex, NO_COST } from './costs.js';
import type { BaseRel, Path, PathEnv } from './paths.js';
import type { BitmapIndexScanNode, IndexQual } from './plan.js';
import {
  asVar,
  clauselistSelectivity,
  isPseudoConstant,
  type SelEnv,
  type VarData,
} from './selectivity.js';

/** A clause an index answers, as its scan key. */
export interface AmMatched {
  readonly clause: Expr;
  readonly qual: IndexQual;
}

const COMMUTED: Readonly<Record<string, string>> = {
  '<': '>',
  '<=': '>=',
  '=': '=',
  '>=': '<=',
  '>': '<',
  // ranges: the commutators of range_inclusion_ops' operators
  '&&': '&&',
  '-|-': '-|-',
  '<<': '>>',
  '>>': '<<',
  '@>': '<@',
  '<@': '@>',
};
/** ranges: anyrange and anyelement, the operand types of range_inclusion_ops' pg_amop rows. */
const ANYRANGE = 3831;
const ANYELEMENT = 2283;
const BTREE_STRATEGY: Readonly<Record<string, 1 | 2 | 3 | 4 | 5>> = {
  '<': 1,
  '<=': 2,
  '=': 3,
  '>=': 4,
  '>': 5,
};

/** The index's key columns' clauses its operator classes answer (`col op pseudo-constant`). */
export function matchAmIndex(
  _env: PathEnv,
  b: BaseRel,
  index: IndexDesc,
  clauses: readonly Expr[],
): AmMatched[] {
  const out: AmMatched[] = [];
  for (let k = 0; k < index.nkeys; k++) {
    const attnum = index.columns[k] ?? 0;
    if (attnum === 0) continue; // expression keys: not matched yet
    const colType = b.desc.columns[attnum - 1]?.typeOid;
    const opclass = opclassByOid(index.opclasses?.[k] ?? 0);
    if (colType === undefined || opclass === undefined) continue;
    const ops = familyStrategies(opclass.family);
    for (const c of clauses) {
      if (c.kind !== 'op' || c.args.length !== 2) continue;
      const op = c as OpExpr;
      const [l, r] = op.args as readonly [Expr, Expr];
      const isKey = (e: Expr) => {
        const v = asVar(e);
        return v !== undefined && v.rt === b.rt && v.attnum === attnum;
      };
      let name = op.op.name;
      let value: Expr;
      if (isKey(l) && isPseudoConstant(r)) value = r;
      else if (isKey(r) && isPseudoConstant(l) && opclass.am !== 'gin') {
        const commuted = COMMUTED[name];
        if (commuted === undefined) continue;
        name = commuted;
        value = l;
      } else continue;
      // the operator of the family with the column's type on the left (arrays: anyarray)
      const inclusion = opclass.inType === ANYRANGE; // ranges: range_inclusion_ops
      const left = opclass.inType === 2277 || inclusion ? opclass.inType : colType;
      const right =
        opclass.inType === 2277
          ? 2277
          : inclusion
            ? value.type === colType
              ? ANYRANGE
              : value.type === rangeSubtype(colType)
                ? ANYELEMENT
                : value.type
            : value.type;
      const hit = ops.find((o) => o.name === name && o.left === left && o.right === right);
      if (hit === undefined) continue;
      // the scan compares the value with the column's type: same type only (cross-type later)
      if (opclass.am !== 'gin' && !inclusion && value.type !== colType) continue;
      const strategy = opclass.am === 'hash' ? 3 : (BTREE_STRATEGY[name] ?? 3);
      // ranges: a commuted inclusion clause is shown (and kept) as `column op value`
      const shown = inclusion && value === l ? commutedClause(_env, op, name, r, l) : c;
      out.push({
        clause: c,
        qual: {
          column: k + 1,
          strategy,
          value,
          clause: shown,
          ...(opclass.am === 'gin' || inclusion ? { amStrategy: hit.strategy } : {}),
        },
      });
    }
  }
  return out;
}

/** ranges: `value op column` as `column op' value`, op' the commutator (as PostgreSQL's EXPLAIN shows it). */
function commutedClause(env: PathEnv, op: OpExpr, name: string, key: Expr, value: Expr): Expr {
  const registry = env.sel.registry;
  const left = ANYRANGE;
  const right = op.op.left === ANYELEMENT ? ANYELEMENT : ANYRANGE;
  const def = registry.findOperator(name, left, right);
  const fn = def && registry.findFunction(def.fn, [left, right]);
  if (def === undefined || fn === undefined) return op;
  return { ...op, op: def, fn, args: [key, value] };
}

/** The index's own size in pages (its file), or an estimate when it cannot be read. */
function indexPages(env: PathEnv, b: BaseRel, index: IndexDesc): number {
  try {
    return env.level.glob.ctx.size(index.oid).pages;
  } catch {
    return Math.max(1, Math.ceil(b.tuples / 300));
  }
}

/** How many entries GIN's extractQuery gives for a constant (gincost_pattern's nentries, estimated). */
function ginEntries(value: unknown): number {
  if (value === null || value === undefined) return 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + ginEntries(v), 0);
  if (typeof value === 'object') {
    const o = value as { kind?: string; pairs?: readonly (readonly [string, unknown])[] };
    if (o.kind === 'object' && o.pairs !== undefined)
      return o.pairs.reduce((n, [, v]) => n + 1 + ginEntries(v), 0);
    const arr = value as { elements?: readonly unknown[] };
    if (arr.elements !== undefined) return arr.elements.filter((e) => e !== null).length;
  }
  return 1;
}

export interface AmCost {
  readonly startup: number;
  readonly total: number;
  readonly selectivity: number;
  readonly pages: number;
}

/** amcostestimate of a gin, brin or hash index for these matched quals. */
export function amCostEstimate(
  env: PathEnv,
  b: BaseRel,
  index: IndexDesc,
  matched: readonly AmMatched[],
): AmCost {
  const s = env.level.glob.s;
  const clauses = matched.map((m) => m.clause);
  const sel = clauselistSelectivity(env.sel, clauses);
  const pages = indexPages(env, b, index);
  const nquals = matched.length;
  if (index.am === 'brin') {
    // brincostestimate: ranges of pages_per_range, correlation from the stats
    const ppr = Number(
      index.reloptions?.find((o) => o.startsWith('pages_per_range='))?.slice(16) ?? 128,
    );
    let corr = 0;
    for (const m of matched) {
      const attnum = index.columns[m.qual.column - 1] ?? 0;
      // ranges: range_typanalyze stores no correlation, so an inclusion column has none
      if (opclassByOid(index.opclasses?.[m.qual.column - 1] ?? 0)?.inType === ANYRANGE) continue;
      const c = Math.abs(env.level.glob.ctx.columnStats?.(b.desc.oid, attnum)?.correlation ?? 0);
      if (c > corr) corr = c;
    }
    const indexRanges = Math.max(Math.ceil(b.pages / ppr), 1);
    const minimalRanges = Math.ceil(indexRanges * sel);
    const estimatedRanges =
      corr < 1e-10 ? indexRanges : Math.min(minimalRanges / corr, indexRanges);
    const selectivity = Math.min(1, Math.max(0, estimatedRanges / indexRanges));
    const total = s.randomPageCost * pages + 0.1 * s.cpuOperatorCost * estimatedRanges * ppr;
    return { startup: 0, total, selectivity, pages };
  }
  if (index.am === 'gin') {
    // gincostestimate without metapage statistics
    const numPages = Math.max(pages, 10);
    const numEntryPages = Math.floor(numPages * 0.9);
    const numDataPages = numPages - numEntryPages;
    const numEntries = Math.max(1, Math.floor(numEntryPages * 100));
    let searchEntries = 0;
    let fullScan = false;
    for (const m of matched) {
      const v = m.qual.value;
      const n = v.kind === 'const' ? ginEntries(v.value) : 1;
      if (n === 0) fullScan = true;
      searchEntries += Math.max(n, 1);
      if (
        m.qual.amStrategy === 3 &&
        (opclassByOid(index.opclasses?.[0] ?? 0)?.inType ?? 0) === 2277
      )
        searchEntries++; // <@ searches the empty-item entry too
    }
    if (fullScan) searchEntries = numEntries;
    const entryPagesFetched = Math.ceil(searchEntries * Math.round(numEntryPages ** 0.15));
    const startup = entryPagesFetched * s.randomPageCost;
    let dataPagesFetched = Math.ceil((numDataPages * searchEntries) / numEntries);
    const bySel = Math.ceil(sel * (b.tuples / Math.floor(8192 / 3)));
    if (bySel > dataPagesFetched) dataPagesFetched = bySel;
    const total =
      startup +
      dataPagesFetched * s.randomPageCost +
      b.tuples * sel * (s.cpuIndexTupleCost + s.cpuOperatorCost * nquals);
    return { startup, total, selectivity: sel, pages: dataPagesFetched };
  }
  // hashcostestimate: genericcostestimate
  const tuples = b.tuples;
  let numIndexTuples = Math.round(sel * tuples);
  if (numIndexTuples < 1) numIndexTuples = 1;
  const numIndexPages = pages > 1 && tuples > 1 ? Math.ceil((numIndexTuples * pages) / tuples) : 1;
  const total =
    numIndexPages * s.randomPageCost +
    numIndexTuples * (s.cpuIndexTupleCost + s.cpuOperatorCost * nquals);
  return { startup: 0, total, selectivity: sel, pages };
}

/** A bitmap index scan over a gin, brin or hash index (paths.ts's BitmapCand). */
export function amBitmapCand(
  env: PathEnv,
  b: BaseRel,
  index: IndexDesc,
  clauses: readonly Expr[],
):
  | {
      node: BitmapIndexScanNode;
      cost: number;
      selectivity: number;
      clauses: Expr[];
      indexPages: number;
    }
  | undefined {
  if (index.predicate !== undefined) return undefined; // partial gin/brin/hash indexes: not planned yet
  const matched = matchAmIndex(env, b, index, clauses);
  if (matched.length === 0) return undefined;
  const c = amCostEstimate(env, b, index, matched);
  const s = env.level.glob.s;
  const rows = clampRows(c.selectivity * b.tuples);
  const node: BitmapIndexScanNode = {
    kind: 'bitmapindexscan',
    indexOid: index.oid,
    indexName: index.name,
    indexQuals: matched.map((m) => m.qual),
    output: [],
    // create_bitmap_scan_plan: a Bitmap Index Scan's startup cost is shown as 0
    startupCost: 0,
    totalCost: c.total,
    rows,
    width: 0,
  };
  return {
    node,
    cost: c.total + 0.1 * s.cpuOperatorCost * rows,
    selectivity: c.selectivity,
    clauses: matched.map((m) => m.clause),
    indexPages: c.pages,
  };
}

/** A hash index's plain Index Scan for `col = value` (hash can return TIDs one by one). */
export function hashIndexScanPaths(
  env: PathEnv,
  b: BaseRel,
  index: IndexDesc,
  common: {
    rt: number;
    relationOid: number;
    relationName: string;
    alias: string;
    output: Expr[];
    rows: number;
    width: number;
  },
  qualCost: (exprs: readonly Expr[]) => { startup: number; perTuple: number },
  andOf: (exprs: readonly Expr[]) => Expr | undefined,
): Path[] {
  if (index.am !== 'hash' || index.predicate !== undefined) return [];
  const matched = matchAmIndex(env, b, index, b.restrict);
  const first = matched[0];
  if (first === undefined) return [];
  const s = env.level.glob.s;
  const sel = clauselistSelectivity(env.sel, [first.clause]);
  const rest = b.restrict.filter((c) => c !== first.clause);
  const corr = 0;
  const c = costIndex(s, {
    pages: b.pages,
    tuples: b.tuples,
    allVisFrac: b.allVisFrac,
    indexPages: indexPages(env, b, index),
    indexTuples: b.tuples,
    treeHeight: 0,
    indexSelectivity: sel,
    numIndexTuples: sel * b.tuples,
    nQuals: 1,
    saScans: 1,
    correlation: corr,
    indexOnly: false,
    loopCount: 1,
    totalTablePages: env.totalTablePages,
    qpqual: rest.length === 0 ? NO_COST : qualCost(rest),
    generic: true,
  });
  const filter = andOf(rest);
  return [
    {
      plan: {
        kind: 'indexscan',
        ...common,
        indexOid: index.oid,
        indexName: index.name,
        indexQuals: [first.qual],
        direction: 'forward',
        startupCost: c.startup,
        totalCost: c.total,
        ...(filter === undefined ? {} : { filter }),
      },
      pathkeys: [],
    },
  ];
}

// ---------------------------------------------------------------- matchingsel

/** Operators whose selectivity is matchingsel / arraycontsel in PostgreSQL 15 (jsonb and arrays). */
export const MATCHING_OPERATORS: ReadonlySet<string> = new Set(['@>', '<@', '&&', '?', '?|', '?&']);

const DEFAULT_MATCHING_SEL = 0.01;
const DEFAULT_CONTAIN_SEL = 0.005;

/**
 * generic_restriction_selectivity (matchingsel) for `var op const`: the
 * operator applied to the MCVs (their frequencies summed where it holds)
 * and to the histogram's entries (the fraction where it holds, trusted in
 * proportion to the histogram's size), the default for what is unknown.
 * Arrays' operators (arraycontsel) take its default without statistics.
 */
export function matchingSel(env: SelEnv, e: OpExpr): number | undefined {
  if (!MATCHING_OPERATORS.has(e.op.name) || e.args.length !== 2) return undefined;
  const [l, r] = e.args as readonly [Expr, Expr];
  const v = asVar(l);
  if (v === undefined || !isPseudoConstant(r) || r.kind !== 'const') return undefined;
  const isArray = env.registry.type(v.type)?.elemOid !== 0 && v.type !== 3802;
  const dflt = isArray ? DEFAULT_CONTAIN_SEL : DEFAULT_MATCHING_SEL;
  if (r.value === null) return 0;
  const vd: VarData | undefined = env.varData(v);
  const st = vd?.stats;
  if (st === undefined) return dflt;
  const tctx = defaultContext();
  const holds = (x: unknown): boolean => {
    try {
      return e.fn.impl([x, r.value], tctx, [l.type, r.type]) === true;
    } catch {
      return false;
    }
  };
  const mcv = st.mcvValues ?? [];
  const freqs = st.mcvFreqs ?? [];
  let mcvSel = 0;
  let sumCommon = 0;
  mcv.forEach((x, i) => {
    const f = freqs[i] ?? 0;
    sumCommon += f;
    if (holds(x)) mcvSel += f;
  });
  const hist = st.histogram ?? [];
  let histSel: number;
  if (hist.length >= 10) {
    // histogram_selectivity with n_skip 1: the first and last entries left out
    const inner = hist.slice(1, -1);
    const n = inner.filter(holds).length;
    histSel = n / Math.max(inner.length, 1);
    if (hist.length < 100) {
      const w = hist.length / 100;
      histSel = histSel * w + dflt * (1 - w);
    }
  } else histSel = dflt;
  if (histSel < 0.0001) histSel = 0.0001;
  else if (histSel > 0.9999) histSel = 0.9999;
  const sel = mcvSel + histSel * (1 - st.nullFrac - sumCommon);
  return Math.max(0, Math.min(sel, 1));
}
