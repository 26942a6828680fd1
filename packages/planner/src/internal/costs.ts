/**
 * PostgreSQL 15's cost model (optimizer/path/costsize.c), for the node
 * types this planner builds. Costs are in seq_page_cost units; every
 * function returns {startup, total} for the node alone given its inputs'
 * estimates, as the C functions fill a Path.
 */
import type { PlannerSettings } from './settings.js';

export const DISABLE_COST = 1.0e10;
const BLCKSZ = 8192;
/** MAXALIGN(SizeofHeapTupleHeader). */
const HEAP_TUPLE_HEADER = 24;
const HASH_MEM_MULTIPLIER = 2.0;

export interface Cost {
  startup: number;
  total: number;
}

/** clamp_row_est: rows are whole and at least 1. */
export function clampRows(rows: number): number {
  if (!(rows > 1) || Number.isNaN(rows)) return 1;
  return Math.min(Math.round(rows), 1e100);
}

export const maxalign = (n: number) => Math.ceil(n / 8) * 8;

/** relation_byte_size. */
export function relationByteSize(tuples: number, width: number): number {
  return tuples * (maxalign(width) + HEAP_TUPLE_HEADER);
}

/** page_size. */
export function pageSize(tuples: number, width: number): number {
  return Math.ceil(relationByteSize(tuples, width) / BLCKSZ);
}

/** cost_seqscan. */
export function costSeqscan(
  s: PlannerSettings,
  pages: number,
  tuples: number,
  qual: QualCost,
): Cost {
  const startup = (s.enableSeqscan ? 0 : DISABLE_COST) + qual.startup;
  const cpuRun = (s.cpuTupleCost + qual.perTuple) * tuples;
  const diskRun = s.seqPageCost * pages;
  return { startup, total: startup + cpuRun + diskRun };
}

/** The evaluation cost of expressions: once per execution plus per row. */
export interface QualCost {
  startup: number;
  perTuple: number;
}

export const NO_COST: QualCost = { startup: 0, perTuple: 0 };

/**
 * index_pages_fetched: the Mackert-Lohman formula for pages fetched when
 * `tuplesFetched` random tuples are read from a table of `pages` pages,
 * with effective_cache_size shared proportionally by the query's tables.
 */
export function indexPagesFetched(
  s: PlannerSettings,
  tuplesFetched: number,
  pages: number,
  indexPages: number,
  totalTablePages: number,
): number {
  const T = Math.max(pages, 1);
  const totalPages = Math.max(totalTablePages + indexPages, 1);
  let b = (s.effectiveCacheSize * T) / totalPages;
  b = b <= 1 ? 1 : Math.ceil(b);
  let fetched: number;
  if (T <= b) {
    fetched = (2 * T * tuplesFetched) / (2 * T + tuplesFetched);
    fetched = fetched >= T ? T : Math.ceil(fetched);
  } else {
    const lim = (2 * T * b) / (2 * T - b);
    fetched =
      tuplesFetched <= lim
        ? (2 * T * tuplesFetched) / (2 * T + tuplesFetched)
        : b + ((tuplesFetched - lim) * (T - b)) / T;
    fetched = Math.ceil(fetched);
  }
  return fetched;
}

export interface IndexCostInput {
  /** Heap pages and tuples (estimates), all-visible fraction. */
  pages: number;
  tuples: number;
  allVisFrac: number;
  indexPages: number;
  indexTuples: number;
  treeHeight: number;
  /** Selectivity of all index quals. */
  indexSelectivity: number;
  /** Tuples the index scan reads (btcostestimate's numIndexTuples, before clamping). */
  numIndexTuples: number;
  /** Number of index quals (qual_op_cost) and ScalarArrayOp scans. */
  nQuals: number;
  saScans: number;
  correlation: number;
  indexOnly: boolean;
  loopCount: number;
  totalTablePages: number;
  /** Quals applied to fetched heap tuples (not by the index). */
  qpqual: QualCost;
  /** issue 12: genericcostestimate alone (hashcostestimate), without btcostestimate's descent costs. */
  generic?: boolean;
}

export interface IndexCost extends Cost {
  /** The index part (a Bitmap Index Scan's own cost). */
  indexStartup: number;
  indexTotal: number;
  tuplesFetched: number;
}

/** genericcostestimate + btcostestimate + cost_index. */
export function costIndex(s: PlannerSettings, x: IndexCostInput): IndexCost {
  let numIndexTuples = x.numIndexTuples;
  numIndexTuples = Math.round(numIndexTuples / x.saScans);
  if (numIndexTuples > x.indexTuples) numIndexTuples = x.indexTuples;
  if (numIndexTuples < 1) numIndexTuples = 1;
  const numIndexPages =
    x.indexPages > 1 && x.indexTuples > 1
      ? Math.ceil((numIndexTuples * x.indexPages) / x.indexTuples)
      : 1;
  let indexTotal: number;
  if (x.loopCount > 1 || x.saScans > 1) {
    const fetched = indexPagesFetched(
      s,
      numIndexPages * x.saScans * x.loopCount,
      x.indexPages,
      x.indexPages,
      x.totalTablePages,
    );
    indexTotal = (fetched * s.randomPageCost) / x.loopCount;
  } else {
    indexTotal = numIndexPages * s.randomPageCost;
  }
  const qualOpCost = s.cpuOperatorCost * x.nQuals;
  indexTotal += numIndexTuples * x.saScans * (s.cpuIndexTupleCost + qualOpCost);
  let indexStartup = 0;
  // btcostestimate: the descent, comparisons then pages
  if (x.indexTuples > 1 && x.generic !== true) {
    const d = Math.ceil(Math.log2(x.indexTuples)) * s.cpuOperatorCost;
    indexStartup += d;
    indexTotal += x.saScans * d;
  }
  const d2 = x.generic === true ? 0 : (x.treeHeight + 1) * 50 * s.cpuOperatorCost;
  indexStartup += d2;
  indexTotal += x.saScans * d2;

  // cost_index
  let startup = (s.enableIndexscan ? 0 : DISABLE_COST) + indexStartup;
  let run = indexTotal - indexStartup;
  const tuplesFetched = clampRows(x.indexSelectivity * x.tuples);
  const ivf = (p: number) => (x.indexOnly ? Math.ceil(p * (1 - x.allVisFrac)) : p);
  let maxIO: number;
  let minIO: number;
  if (x.loopCount > 1) {
    let pf = ivf(
      indexPagesFetched(s, tuplesFetched * x.loopCount, x.pages, x.indexPages, x.totalTablePages),
    );
    maxIO = (pf * s.randomPageCost) / x.loopCount;
    pf = Math.ceil(x.indexSelectivity * x.pages);
    pf = ivf(indexPagesFetched(s, pf * x.loopCount, x.pages, x.indexPages, x.totalTablePages));
    minIO = (pf * s.randomPageCost) / x.loopCount;
  } else {
    const pf = ivf(indexPagesFetched(s, tuplesFetched, x.pages, x.indexPages, x.totalTablePages));
    maxIO = pf * s.randomPageCost;
    const pf2 = ivf(Math.ceil(x.indexSelectivity * x.pages));
    minIO = pf2 > 0 ? s.randomPageCost + (pf2 > 1 ? (pf2 - 1) * s.seqPageCost : 0) : 0;
  }
  const c2 = x.correlation * x.correlation;
  run += maxIO + c2 * (minIO - maxIO);
  startup += x.qpqual.startup;
  run += (s.cpuTupleCost + x.qpqual.perTuple) * tuplesFetched;
  return { startup, total: startup + run, indexStartup, indexTotal, tuplesFetched };
}

/** cost_bitmap_heap_scan with compute_bitmap_pages (exact pages only). */
export function costBitmapHeapScan(
  s: PlannerSettings,
  x: {
    pages: number;
    tuples: number;
    bitmapCost: number;
    bitmapSelectivity: number;
    loopCount: number;
    indexPages: number;
    totalTablePages: number;
    qual: QualCost;
  },
): Cost & { tuplesFetched: number } {
  let startup = s.enableBitmapscan ? 0 : DISABLE_COST;
  const tuplesFetched = clampRows(x.bitmapSelectivity * x.tuples);
  const T = Math.max(x.pages, 1);
  let pagesFetched: number;
  if (x.loopCount > 1) {
    pagesFetched =
      indexPagesFetched(s, tuplesFetched * x.loopCount, x.pages, x.indexPages, x.totalTablePages) /
      x.loopCount;
  } else {
    pagesFetched = (2 * T * tuplesFetched) / (2 * T + tuplesFetched);
  }
  pagesFetched = pagesFetched >= T ? T : Math.ceil(pagesFetched);
  startup += x.bitmapCost;
  const costPerPage =
    pagesFetched >= 2
      ? s.randomPageCost - (s.randomPageCost - s.seqPageCost) * Math.sqrt(pagesFetched / T)
      : s.randomPageCost;
  let run = pagesFetched * costPerPage;
  startup += x.qual.startup;
  run += (s.cpuTupleCost + x.qual.perTuple) * tuplesFetched;
  return { startup, total: startup + run, tuplesFetched };
}

/** tuplesort_merge_order. */
function mergeOrder(allowedBytes: number): number {
  const m = Math.floor(allowedBytes / (BLCKSZ + BLCKSZ * 32));
  return Math.min(Math.max(m, 6), 500);
}

/** cost_sort: quicksort, top-N heapsort under a LIMIT, or an external merge past work_mem. */
export function costSort(
  s: PlannerSettings,
  input: Cost,
  tuplesIn: number,
  width: number,
  limitTuples: number | undefined,
  comparisonCost = 0,
): Cost & { method: 'quicksort' | 'top-N heapsort' | 'external merge' } {
  let startup = s.enableSort ? 0 : DISABLE_COST;
  const tuples = Math.max(tuplesIn, 2);
  const cmp = comparisonCost + 2 * s.cpuOperatorCost;
  const inputBytes = relationByteSize(tuples, width);
  const sortMemBytes = s.workMem * 1024;
  let outputTuples = tuples;
  let outputBytes = inputBytes;
  if (limitTuples !== undefined && limitTuples > 0 && limitTuples < tuples) {
    outputTuples = limitTuples;
    outputBytes = relationByteSize(outputTuples, width);
  }
  let method: 'quicksort' | 'top-N heapsort' | 'external merge';
  if (outputBytes > sortMemBytes) {
    const npages = Math.ceil(inputBytes / BLCKSZ);
    const nruns = inputBytes / sortMemBytes;
    const order = mergeOrder(sortMemBytes);
    startup += cmp * tuples * Math.log2(tuples);
    const logRuns = nruns > order ? Math.ceil(Math.log(nruns) / Math.log(order)) : 1;
    startup += 2 * npages * logRuns * (s.seqPageCost * 0.75 + s.randomPageCost * 0.25);
    method = 'external merge';
  } else if (tuples > 2 * outputTuples || inputBytes > sortMemBytes) {
    startup += cmp * tuples * Math.log2(2 * outputTuples);
    method = 'top-N heapsort';
  } else {
    startup += cmp * tuples * Math.log2(tuples);
    method = 'quicksort';
  }
  const run = s.cpuOperatorCost * tuples;
  startup += input.total;
  return { startup, total: startup + run, method };
}

/** cost_incremental_sort, simplified: the groups of the presorted prefix are sorted one by one. */
export function costIncrementalSort(
  s: PlannerSettings,
  input: Cost,
  tuples: number,
  width: number,
  presortedGroups: number,
  limitTuples: number | undefined,
): Cost {
  const groups = Math.max(1, Math.min(presortedGroups, tuples));
  const groupTuples = tuples / groups;
  const g = costSort(s, { startup: 0, total: 0 }, groupTuples, width, undefined);
  const groupStartup = g.startup;
  const groupRun = g.total - g.startup;
  let startup = input.startup + (input.total - input.startup) * (1 / groups) + groupStartup;
  if (!s.enableIncrementalSort) startup += DISABLE_COST;
  let run =
    groupRun +
    (groupRun + groupStartup) * (groups - 1) +
    (input.total - input.startup) * (1 - 1 / groups);
  run += (s.cpuTupleCost + 2 * s.cpuOperatorCost) * tuples + 2 * s.cpuOperatorCost * groups * 0;
  if (limitTuples !== undefined && limitTuples < tuples)
    run *= Math.max(limitTuples / tuples, 1 / groups);
  return { startup, total: startup + run };
}

/** cost_material. */
export function costMaterial(s: PlannerSettings, input: Cost, tuples: number, width: number): Cost {
  const nbytes = relationByteSize(tuples, width);
  let run = 2 * s.cpuOperatorCost * tuples;
  if (nbytes > s.workMem * 1024) run += s.seqPageCost * Math.ceil(nbytes / BLCKSZ);
  const startup = input.startup + (s.enableMaterial ? 0 : DISABLE_COST);
  return { startup, total: startup + (input.total - input.startup) + run };
}

/** cost_rescan of a Material node: rows come from memory (or its file). */
export function rescanMaterial(s: PlannerSettings, tuples: number, width: number): Cost {
  const nbytes = relationByteSize(tuples, width);
  let run = s.cpuOperatorCost * tuples;
  if (nbytes > s.workMem * 1024) run += s.seqPageCost * Math.ceil(nbytes / BLCKSZ);
  return { startup: 0, total: run };
}

/** ExecChooseHashTableSize: buckets and batches for the inner side of a hash join. */
export function chooseHashTableSize(
  s: PlannerSettings,
  ntuplesIn: number,
  width: number,
): { buckets: number; batches: number } {
  const ntuples = ntuplesIn <= 0 ? 1000 : ntuplesIn;
  const tupsize = 16 + 16 + maxalign(width);
  const innerBytes = ntuples * tupsize;
  let hashTableBytes = s.workMem * 1024 * HASH_MEM_MULTIPLIER;
  const skewMem = (hashTableBytes * 2) / 100;
  const numSkewMcvs = Math.floor(skewMem / (tupsize + 8 * 8 + 4 + 16));
  if (numSkewMcvs > 0) hashTableBytes -= skewMem;
  let maxPointers = Math.floor(hashTableBytes / 8);
  const p2 = 2 ** Math.ceil(Math.log2(Math.max(maxPointers, 1)));
  if (maxPointers !== p2) maxPointers = p2 / 2;
  let nbuckets = Math.min(Math.ceil(ntuples), maxPointers);
  nbuckets = Math.max(nbuckets, 1024);
  nbuckets = 2 ** Math.ceil(Math.log2(nbuckets));
  let nbatch = 1;
  if (innerBytes + 8 * nbuckets > hashTableBytes) {
    let sb = Math.floor(hashTableBytes / (tupsize + 8));
    sb = Math.min(sb, maxPointers);
    nbuckets = 2 ** Math.floor(Math.log2(Math.max(sb, 1)));
    const bucketBytes = nbuckets * 8;
    const dbatch = Math.min(Math.ceil(innerBytes / (hashTableBytes - bucketBytes)), maxPointers);
    nbatch = 2 ** Math.ceil(Math.log2(Math.max(2, dbatch)));
  }
  return { buckets: nbuckets, batches: nbatch };
}

/** The rows of a LIMIT / OFFSET and its costs (adjust_limit_rows_costs). */
export function costLimit(
  input: Cost,
  inputRows: number,
  offset: number | undefined,
  count: number | undefined,
): Cost & { rows: number } {
  let rows = inputRows;
  let startup = input.startup;
  let total = input.total;
  if (offset !== undefined) {
    const off = Math.min(offset, rows);
    if (rows > 0) startup += ((input.total - input.startup) * off) / rows;
    rows = Math.max(rows - off, 1);
  }
  if (count !== undefined) {
    const c = Math.min(count, rows);
    if (inputRows > 0) total = startup + ((input.total - input.startup) * c) / inputRows;
    rows = c;
  }
  return { startup, total, rows: clampRows(rows) };
}
