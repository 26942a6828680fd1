/**
 * Clause selectivity (optimizer/path/clausesel.c and utils/adt/selfuncs.c):
 * statistics from pg_statistic when the context has them, PostgreSQL's
 * default selectivities otherwise.
 */
import type { Expr, Var } from '@pg/sql';
import type { Registry } from '@pg/types';
import { matchingSel } from './amindex.js'; // issue 12
import type { ColumnStats } from './settings.js';

export const DEFAULT_EQ_SEL = 0.005;
export const DEFAULT_INEQ_SEL = 1 / 3;
export const DEFAULT_RANGE_INEQ_SEL = 0.005;
export const DEFAULT_MATCH_SEL = 0.005;
export const DEFAULT_UNK_SEL = 0.005;
export const DEFAULT_NOT_UNK_SEL = 1 - DEFAULT_UNK_SEL;
export const DEFAULT_NUM_DISTINCT = 200;
const DEFAULT_BOOL_SEL = 0.5;

/** What selectivity needs to know about a Var (examine_variable's VariableStatData). */
export interface VarData {
  /** The relation's estimated tuples (rel->tuples) and rows after its restrictions. */
  readonly tuples: number;
  readonly rows: number;
  readonly stats?: ColumnStats;
  /** The sole column of a unique index. */
  readonly isUnique: boolean;
  readonly type: number;
}

export interface SelEnv {
  readonly registry: Registry;
  varData(v: Var): VarData | undefined;
}

const clamp = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : Number.isNaN(x) ? 0 : x);

/** get_variable_numdistinct: [ndistinct, isDefault]. */
export function numDistinct(vd: VarData | undefined): [number, boolean] {
  if (vd === undefined) return [DEFAULT_NUM_DISTINCT, true];
  let stadistinct = 0;
  let nullfrac = 0;
  if (vd.stats !== undefined) {
    stadistinct = vd.stats.nDistinct;
    nullfrac = vd.stats.nullFrac;
  } else if (vd.type === 16) stadistinct = 2;
  if (vd.isUnique) stadistinct = -1 * (1 - nullfrac);
  if (stadistinct > 0) return [clampRow(stadistinct), false];
  const ntuples = vd.tuples;
  if (ntuples <= 0) return [DEFAULT_NUM_DISTINCT, true];
  if (stadistinct < 0) return [clampRow(-stadistinct * ntuples), false];
  if (ntuples < DEFAULT_NUM_DISTINCT) return [clampRow(ntuples), false];
  return [DEFAULT_NUM_DISTINCT, true];
}

function clampRow(r: number): number {
  return r <= 1 ? 1 : Math.round(r);
}

/** The Var of `e` (through binary-compatible casts), if it is one of this level. */
export function asVar(e: Expr): Var | undefined {
  if (e.kind === 'var' && !e.levelsUp) return e;
  if (e.kind === 'coerce' && (e.via === 'typmod' || e.cast?.method === 'b')) return asVar(e.arg);
  return undefined;
}

/** A pseudo-constant: no Vars of this level, nothing volatile. */
export function isPseudoConstant(e: Expr): boolean {
  switch (e.kind) {
    case 'const':
    case 'param':
    case 'execparam':
    case 'sqlvalue':
      return true;
    case 'var':
      return (e.levelsUp ?? 0) > 0;
    case 'aggref':
    case 'windowfunc':
    case 'groupingfunc':
    case 'sublinkparam':
    case 'sublink':
      return false;
    case 'subplan':
      return e.args.every(isPseudoConstant);
    case 'func':
    case 'op':
      return e.fn.volatility !== 'v' && !e.fn.retset && e.args.every(isPseudoConstant);
    case 'scalararrayop':
      return e.fn.volatility !== 'v' && isPseudoConstant(e.scalar) && isPseudoConstant(e.array);
    case 'nulltest':
    case 'booltest':
    case 'coerce':
      return isPseudoConstant(e.arg);
    case 'case':
      return (
        e.whens.every((w) => isPseudoConstant(w.when) && isPseudoConstant(w.then)) &&
        isPseudoConstant(e.otherwise)
      );
    case 'array':
      return e.elements.every(isPseudoConstant);
    case 'rowcompare':
      return [...e.left, ...e.right].every(isPseudoConstant);
    case 'fieldselect':
      return isPseudoConstant(e.arg);
    case 'subscript':
      return [e.arg, ...e.upper, ...(e.lower ?? [])].every(
        (x) => x === undefined || isPseudoConstant(x),
      );
    case 'nullif':
    case 'distinct':
      return isPseudoConstant(e.args[0]) && isPseudoConstant(e.args[1]);
    default:
      return e.args.every(isPseudoConstant);
  }
}

const COMMUTE: Readonly<Record<string, string>> = {
  '<': '>',
  '>': '<',
  '<=': '>=',
  '>=': '<=',
  '=': '=',
  '<>': '<>',
};

/** `var op other` with the operator commuted when the Var is on the right. */
function varOnLeft(e: Expr): { v: Var; op: string; other: Expr } | undefined {
  if (e.kind !== 'op' || e.args.length !== 2) return undefined;
  const [l, r] = e.args as readonly [Expr, Expr];
  const lv = asVar(l);
  if (lv !== undefined) return { v: lv, op: e.op.name, other: r };
  const rv = asVar(r);
  const c = COMMUTE[e.op.name];
  if (rv !== undefined && c !== undefined) return { v: rv, op: c, other: l };
  return undefined;
}

function constValue(e: Expr): { value: unknown } | undefined {
  if (e.kind === 'const') return { value: e.value };
  if (e.kind === 'coerce' && e.arg.kind === 'const' && e.arg.type === e.type)
    return { value: e.arg.value };
  return undefined;
}

/** var_eq_const / var_eq_non_const. */
function eqSel(env: SelEnv, v: Var, other: Expr): number {
  const vd = env.varData(v);
  if (vd === undefined) return DEFAULT_EQ_SEL;
  if (vd.isUnique && vd.tuples >= 1) return clamp(1 / vd.tuples);
  const c = constValue(other);
  if (c !== undefined && c.value === null) return 0;
  const st = vd.stats;
  if (st !== undefined) {
    const mcv = st.mcvValues ?? [];
    const freqs = st.mcvFreqs ?? [];
    if (c !== undefined) {
      const type = env.registry.type(v.type);
      for (let i = 0; i < mcv.length; i++) {
        if (type !== undefined && safeCompare(type.compare, mcv[i], c.value) === 0)
          return clamp(freqs[i] ?? 0);
      }
      const sumcommon = freqs.reduce((a, b) => a + b, 0);
      let selec = 1 - sumcommon - st.nullFrac;
      const other = numDistinct(vd)[0] - freqs.length;
      if (other > 1) selec /= other;
      const least = freqs[freqs.length - 1];
      if (least !== undefined && selec > least) selec = least;
      return clamp(selec);
    }
    let selec = 1 - st.nullFrac;
    const nd = numDistinct(vd)[0];
    if (nd > 1) selec /= nd;
    const top = freqs[0];
    if (top !== undefined && selec > top) selec = top;
    return clamp(selec);
  }
  return clamp(1 / numDistinct(vd)[0]);
}

function safeCompare(cmp: (a: never, b: never) => number, a: unknown, b: unknown): number {
  try {
    return cmp(a as never, b as never);
  } catch {
    return Number.NaN;
  }
}

/** scalarineqsel for `v op value` (op one of < <= > >=). */
export function scalarIneqSel(env: SelEnv, v: Var, op: string, value: Expr): number {
  return ineqSel(env, v, op, value);
}

/** scalarineqsel: the fraction below (`<`) or above the constant, by the histogram; DEFAULT_INEQ_SEL without one. */
function ineqSel(env: SelEnv, v: Var, op: string, other: Expr): number {
  const vd = env.varData(v);
  const c = constValue(other);
  const st = vd?.stats;
  if (vd === undefined || st === undefined || c === undefined || c.value === null)
    return DEFAULT_INEQ_SEL;
  const type = env.registry.type(v.type);
  if (type === undefined) return DEFAULT_INEQ_SEL;
  const isLt = op === '<' || op === '<=';
  const orEq = op === '<=' || op === '>=';
  // MCVs: exact
  const mcv = st.mcvValues ?? [];
  const freqs = st.mcvFreqs ?? [];
  let mcvSel = 0;
  let sumcommon = 0;
  for (let i = 0; i < mcv.length; i++) {
    const r = safeCompare(type.compare, mcv[i], c.value);
    const f = freqs[i] ?? 0;
    sumcommon += f;
    if ((isLt && (r < 0 || (orEq && r === 0))) || (!isLt && (r > 0 || (orEq && r === 0))))
      mcvSel += f;
  }
  const hist = st.histogram ?? [];
  let histSel = DEFAULT_INEQ_SEL;
  if (hist.length >= 2) {
    // ineq_histogram_selectivity: the fraction of the histogram with x <= the constant
    const isgt = !isLt;
    const iseq = orEq;
    const n = hist.length - 1;
    let i = 0;
    while (i < hist.length && safeCompare(type.compare, hist[i], c.value) < 0) i++;
    // for <= and >, the bin to the right of an equal bound (same estimate)
    let histfrac: number;
    if (i === 0) histfrac = 0;
    else if (i >= hist.length) histfrac = 1;
    else {
      const lo = Number(hist[i - 1]);
      const hi = Number(hist[i]);
      const x = Number(c.value);
      let binfrac = 0.5;
      if (Number.isFinite(lo) && Number.isFinite(hi) && Number.isFinite(x) && hi > lo)
        binfrac = Math.min(1, Math.max(0, (x - lo) / (hi - lo)));
      histfrac = (i - 1 + binfrac) / n;
      let eqSelec = 0;
      if (i === 1 || isgt === iseq) {
        const other = numDistinct(vd)[0] - mcv.length;
        if (other > 1) eqSelec = 1 / other;
      }
      if (i === 1) histfrac += eqSelec * (1 - binfrac);
      if (isgt === iseq) histfrac -= eqSelec;
    }
    histSel = isgt ? 1 - histfrac : histfrac;
    const cutoff = 0.01 / n;
    if (histSel < cutoff) histSel = cutoff;
    else if (histSel > 1 - cutoff) histSel = 1 - cutoff;
  } else if (mcv.length === 0) return DEFAULT_INEQ_SEL;
  else histSel = 0;
  const rest = 1 - sumcommon - st.nullFrac;
  return clamp(mcvSel + histSel * rest);
}

/** scalararraysel for `x op ANY/ALL (array)`. */
function arraySel(env: SelEnv, e: Extract<Expr, { kind: 'scalararrayop' }>): number {
  const v = asVar(e.scalar);
  const elems: Expr[] | undefined =
    e.array.kind === 'array'
      ? [...e.array.elements]
      : e.array.kind === 'const' && Array.isArray((e.array.value as { values?: unknown })?.values)
        ? undefined
        : undefined;
  const n = elems?.length ?? 10;
  const one = (x: Expr): number => {
    if (v === undefined)
      return e.op.name === '=' ? DEFAULT_EQ_SEL : e.op.name === '<>' ? 1 - DEFAULT_EQ_SEL : 0.5;
    return opSel(env, e.op.name, v, x);
  };
  const sample: Expr = elems?.[0] ?? { kind: 'param', index: 0, type: e.scalar.type, typmod: -1 };
  if (e.useOr) {
    if (e.op.name === '=') {
      let s = 0;
      for (let i = 0; i < n; i++) s += one(elems?.[i] ?? sample);
      if (s <= 1) return clamp(s);
    }
    let s = 0;
    for (let i = 0; i < n; i++) {
      const s2 = one(elems?.[i] ?? sample);
      s = s + s2 - s * s2;
    }
    return clamp(s);
  }
  let s = 1;
  for (let i = 0; i < n; i++) s *= one(elems?.[i] ?? sample);
  return clamp(s);
}

function opSel(env: SelEnv, op: string, v: Var, other: Expr): number {
  switch (op) {
    case '=':
      return eqSel(env, v, other);
    case '<>': {
      const nullfrac = env.varData(v)?.stats?.nullFrac ?? 0;
      return clamp(1 - eqSel(env, v, other) - nullfrac);
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return ineqSel(env, v, op, other);
    case '~~':
    case '~~*':
    case '~':
    case '~*':
      return DEFAULT_MATCH_SEL;
    case '!~~':
    case '!~~*':
    case '!~':
    case '!~*':
      return 1 - DEFAULT_MATCH_SEL;
    default:
      return 0.5;
  }
}

/** clause_selectivity for one restriction clause. */
export function clauseSelectivity(env: SelEnv, e: Expr): number {
  switch (e.kind) {
    case 'const':
      return e.value === true ? 1 : 0;
    case 'bool':
      if (e.op === 'and') return clauselistSelectivity(env, e.args);
      if (e.op === 'not') return clamp(1 - clauseSelectivity(env, e.args[0]!));
      return clamp(
        e.args.reduce((s1, a) => {
          const s2 = clauseSelectivity(env, a);
          return s1 + s2 - s1 * s2;
        }, 0),
      );
    case 'var': {
      if (e.levelsUp) return DEFAULT_BOOL_SEL;
      const vd = env.varData(e);
      if (vd?.stats !== undefined)
        return eqSel(env, e, { kind: 'const', value: true, type: 16, typmod: -1 });
      return DEFAULT_BOOL_SEL;
    }
    case 'nulltest': {
      const v = asVar(e.arg);
      const nf = v === undefined ? undefined : env.varData(v)?.stats?.nullFrac;
      if (nf === undefined) return e.isNull ? DEFAULT_UNK_SEL : DEFAULT_NOT_UNK_SEL;
      return e.isNull ? nf : 1 - nf;
    }
    case 'booltest': {
      const base = clauseSelectivity(env, e.arg);
      switch (e.test) {
        case 'true':
          return base;
        case 'not true':
          return clamp(1 - base);
        case 'false':
          return clamp(1 - base);
        case 'not false':
          return base;
        case 'unknown':
          return DEFAULT_UNK_SEL;
        default:
          return DEFAULT_NOT_UNK_SEL;
      }
    }
    case 'op': {
      // issue 12: jsonb and array containment / existence (matchingsel, arraycontsel)
      const ms = matchingSel(env, e);
      if (ms !== undefined) return ms;
      const m = varOnLeft(e);
      if (m !== undefined && isPseudoConstant(m.other)) return opSel(env, m.op, m.v, m.other);
      if (m !== undefined) {
        const rv = asVar(m.other);
        if (rv !== undefined && rv.rt !== m.v.rt && m.op === '=') return eqJoinSel(env, m.v, rv);
        if (rv !== undefined && rv.rt !== m.v.rt && ['<', '<=', '>', '>='].includes(m.op))
          return DEFAULT_INEQ_SEL;
      }
      switch (e.op.name) {
        case '=':
          return DEFAULT_EQ_SEL;
        case '<>':
          return 1 - DEFAULT_EQ_SEL;
        case '<':
        case '<=':
        case '>':
        case '>=':
          return DEFAULT_INEQ_SEL;
        case '~~':
        case '~~*':
        case '~':
        case '~*':
          return DEFAULT_MATCH_SEL;
        default:
          return 0.5;
      }
    }
    case 'scalararrayop':
      return arraySel(env, e);
    case 'distinct':
      return 1 - DEFAULT_EQ_SEL;
    case 'func':
      return 1 / 3;
    case 'subplan':
      return 0.5;
    default:
      return 0.5;
  }
}

/** eqjoinsel (inner), without MCV matching: (1 - nullfrac1)(1 - nullfrac2) / max(nd1, nd2). */
export function eqJoinSel(env: SelEnv, a: Var, b: Var): number {
  const va = env.varData(a);
  const vb = env.varData(b);
  const [nd1] = numDistinct(va);
  const [nd2] = numDistinct(vb);
  const nf1 = va?.stats?.nullFrac ?? 0;
  const nf2 = vb?.stats?.nullFrac ?? 0;
  const selec = ((1 - nf1) * (1 - nf2)) / Math.max(nd1, nd2);
  return clamp(selec);
}

/** eqjoinsel_semi without MCVs: the fraction of outer rows with a match. */
export function eqJoinSelSemi(env: SelEnv, outer: Var, inner: Var, innerRows: number): number {
  const vo = env.varData(outer);
  const vi = env.varData(inner);
  let [nd1, d1] = numDistinct(vo);
  let [nd2, d2] = numDistinct(vi);
  if (vi !== undefined && innerRows < vi.tuples) nd2 = Math.min(nd2, innerRows);
  const nf1 = vo?.stats?.nullFrac ?? 0;
  if (d1 || d2) {
    // no real ndistinct on one side: PostgreSQL guesses 0.5 when both are defaults
    if (d1 && d2) return 0.5 * (1 - nf1);
    if (d1) nd1 = DEFAULT_NUM_DISTINCT;
    if (d2) nd2 = DEFAULT_NUM_DISTINCT;
  }
  if (nd2 >= nd1) return clamp(1 - nf1);
  return clamp(((1 - nf1) * nd2) / nd1);
}

/** clauselist_selectivity: the product, with `lo < x AND x < hi` pairs on one Var estimated together. */
export function clauselistSelectivity(env: SelEnv, clauses: readonly Expr[]): number {
  let s = 1;
  const ranges = new Map<string, { lo?: number; hi?: number }>();
  for (const c of clauses) {
    const m = varOnLeft(c);
    if (m !== undefined && isPseudoConstant(m.other) && ['<', '<=', '>', '>='].includes(m.op)) {
      const key = `${m.v.rt}.${m.v.attnum}`;
      const r = ranges.get(key) ?? {};
      const sel = ineqSel(env, m.v, m.op, m.other);
      if (m.op === '<' || m.op === '<=') r.hi = r.hi === undefined ? sel : Math.min(r.hi, sel);
      else r.lo = r.lo === undefined ? sel : Math.min(r.lo, sel);
      ranges.set(key, r);
      continue;
    }
    s *= clauseSelectivity(env, c);
  }
  for (const r of ranges.values()) {
    if (r.lo !== undefined && r.hi !== undefined) {
      let s2: number;
      if (r.lo === DEFAULT_INEQ_SEL || r.hi === DEFAULT_INEQ_SEL) s2 = DEFAULT_RANGE_INEQ_SEL;
      else {
        s2 = r.hi + r.lo - 1;
        if (s2 <= 0) s2 = 1e-10;
      }
      s *= s2;
    } else s *= r.lo ?? r.hi ?? 1;
  }
  return clamp(s);
}
