/** Size and width estimates: estimate_rel_size, get_typavgwidth, estimate_num_groups. */
import type { Expr } from '@pg/sql';
import type { Registry } from '@pg/types';
import { clampRows } from './costs.js';
import { varsOf } from './exprs.js';
import { asVar, numDistinct, type VarData } from './selectivity.js';

const BLCKSZ = 8192;
const PAGE_HEADER = 24;
const TUPLE_OVERHEAD = 24 + 4; // MAXALIGN(SizeofHeapTupleHeader) + sizeof(ItemIdData)

/** get_typavgwidth. */
export function typAvgWidth(registry: Registry, type: number, typmod: number): number {
  const t = registry.type(type);
  if (t !== undefined && t.len > 0) return t.len;
  if (typmod > 0 && (type === 1043 || type === 1042)) {
    const maxwidth = (typmod - 4) * 4 + 4;
    if (type === 1042) return maxwidth;
    if (maxwidth <= 32) return maxwidth;
    if (maxwidth < 1000) return 32 + Math.floor((maxwidth - 32) / 2);
    return 32 + Math.floor((1000 - 32) / 2);
  }
  return 32;
}

/**
 * estimate_rel_size for a heap (table_block_relation_estimate_size): pages
 * from the file (a never-vacuumed table under 10 pages counts as 10),
 * tuples from the density reltuples gives, or from the row width.
 */
export function estimateRelSize(
  size: { pages: number; tuples: number; allVisible: number },
  dataWidth: number,
): { pages: number; tuples: number; allVisFrac: number } {
  let curpages = size.pages;
  if (curpages < 10 && size.tuples < 0) curpages = 10;
  if (curpages === 0) return { pages: 0, tuples: 0, allVisFrac: 0 };
  let density: number;
  if (size.tuples >= 0 && size.pages > 0) density = size.tuples / size.pages;
  else density = Math.floor((BLCKSZ - PAGE_HEADER) / (dataWidth + TUPLE_OVERHEAD));
  const tuples = Math.round(density * curpages);
  const allVisFrac =
    size.allVisible <= 0 ? 0 : size.allVisible >= curpages ? 1 : size.allVisible / curpages;
  return { pages: curpages, tuples, allVisFrac };
}

/**
 * estimate_num_groups: the product of the grouping columns' distinct
 * counts (200 when unknown), per relation clamped to its rows and reduced
 * for its restrictions, and in all clamped to the input rows.
 */
export function estimateNumGroups(
  exprs: readonly Expr[],
  inputRows: number,
  varData: (rt: number, attnum: number) => VarData | undefined,
): number {
  if (inputRows < 2) return inputRows;
  if (exprs.length === 0) return 1;
  const perRel = new Map<number, { nd: number; vd?: VarData }>();
  let other = 1;
  const seen = new Set<string>();
  for (const e of exprs) {
    const v = asVar(e);
    const vars = v !== undefined ? [v] : varsOf(e);
    if (vars.length === 0) continue;
    if (v === undefined && vars.length > 0 && e.kind !== 'var') {
      // an expression: PostgreSQL uses its variables' distinct counts
    }
    for (const x of vars) {
      const key = `${x.rt}.${x.attnum}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const vd = varData(x.rt, x.attnum);
      if (vd === undefined) {
        other *= 200;
        continue;
      }
      const [nd] = numDistinct(vd);
      const r = perRel.get(x.rt);
      if (r === undefined) perRel.set(x.rt, { nd, vd });
      else r.nd *= nd;
    }
  }
  let numdistinct = other;
  for (const { nd, vd } of perRel.values()) {
    let reldistinct = nd;
    if (vd !== undefined) {
      if (reldistinct > vd.tuples && vd.tuples > 0) reldistinct = vd.tuples;
      if (vd.tuples > 0 && vd.rows < vd.tuples && reldistinct > 0) {
        reldistinct *= 1 - ((vd.tuples - vd.rows) / vd.tuples) ** (vd.tuples / reldistinct);
      }
      reldistinct = clampRows(reldistinct);
    }
    numdistinct *= reldistinct;
  }
  if (numdistinct > inputRows) numdistinct = inputRows;
  return clampRows(numdistinct);
}
