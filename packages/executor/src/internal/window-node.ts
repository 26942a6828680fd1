/**
 * The WindowAgg plan node (PostgreSQL's nodeWindowAgg.c): the input
 * arrives sorted on the window's PARTITION BY and then ORDER BY keys; the
 * node reads one partition at a time, computes every window function for
 * each of its rows and returns each input row followed by the functions'
 * values (node.funcs order).
 *
 * Definitions (one partition of n rows, 0-based row i):
 *   peers      rows equal on every ORDER BY key (all rows without ORDER BY);
 *              peerStart[i] .. peerEnd[i] (exclusive) is i's peer group,
 *              group[i] its number (0, 1, ...);
 *   frame      rows [start(i), end(i)) per the frame mode and bounds:
 *              ROWS counts rows, GROUPS counts peer groups, RANGE compares
 *              the single ORDER BY value with the type's in_range rule
 *              (`val >= cur - offset` for n PRECEDING ascending, and so
 *              on; NULLs are in range of NULLs only);
 *   exclusion  EXCLUDE CURRENT ROW drops i, GROUP drops i's peers, TIES
 *              drops i's peers but i.
 *
 * Invariants:
 *   W1 start(i) and end(i) never decrease as i grows (the bounds are
 *      monotone in every mode), so a frame whose start stays at the
 *      partition's first row is computed incrementally: each row is fed to
 *      the aggregate once (running sums are O(n));
 *   W2 a frame equal to the previous row's (peers in RANGE mode, or the
 *      whole partition) reuses the previous value;
 *   W3 when the start moves, an aggregate with an inverse transition
 *      (count, sum and avg of integers) removes the rows left behind and
 *      adds the new ones (O(n)); any other frame (a moving start without
 *      an inverse, or an exclusion) is aggregated from scratch
 *      (O(n * frame size)).
 * Frame offsets are evaluated once per scan (they refer to no column):
 * NULL is 22004 `frame starting offset must not be null`, a negative ROWS
 * or GROUPS offset 22013 `frame starting offset must not be negative`, a
 * negative RANGE offset 22013 `invalid preceding or following size in
 * window function` (raised by the type's in_range support on first use).
 */
import type { WindowAggNode } from '@pg/planner';
import type { AggSortKey, FrameBound, WindowFuncCall } from '@pg/sql';
import { defaultContext, type Registry, SqlError, TypeOid } from '@pg/types';
import { makeTransition, type TransFactory } from './agg-functions.js';
import type { EvalEnv } from './context.js';
import type { Compiled } from './expr.js';
import { compileBound, type ExecNode, type NodeContext } from './node.js';

const T = TypeOid;

/** What a function computes for row i of a partition. */
type WindowEval = (p: Partition, i: number) => unknown;

interface Partition {
  readonly rows: readonly (readonly unknown[])[];
  readonly n: number;
  readonly peerStart: Int32Array;
  readonly peerEnd: Int32Array;
  readonly group: Int32Array;
  /** groupStart[g] .. groupStart[g + 1] */
  readonly groupStart: Int32Array;
  readonly ngroups: number;
  /** The frame of each row: [frameStart[i], frameEnd[i]). */
  readonly frameStart: Int32Array;
  readonly frameEnd: Int32Array;
}

/** Builds the running WindowAgg node over `input`. */
export function buildWindowAggNode(
  node: WindowAggNode,
  input: ExecNode,
  cx: NodeContext,
): ExecNode {
  const registry = cx.registry;
  const env = cx.env;
  const inputs = node.input.output;
  const win = node.window;
  const partExprs = win.partition.map((e) => compileBound(e, inputs, registry));
  const partCompares = win.partition.map((e) => registry.mustType(e.type).compare);
  const orderExprs = win.order.map((k) => compileBound(k.expr, inputs, registry));
  const orderCompares = win.order.map((k) => registry.mustType(k.expr.type).compare);
  const frame = win.frame;
  const compileOffset = (b: FrameBound) =>
    b.offset === undefined ? undefined : compileBound(b.offset, inputs, registry);
  const startOffset = compileOffset(frame.start);
  const endOffset = compileOffset(frame.end);
  const rangeIn =
    frame.mode === 'range' && (startOffset !== undefined || endOffset !== undefined)
      ? makeInRange(win.order, frame, registry)
      : undefined;
  const exclude = makeExcluder(frame.exclude);
  const evals = node.funcs.map((f) => compileWindowFunc(f.call, inputs, registry, env, exclude));
  // PostgreSQL 15's run condition: once false it stays false for the partition (the function is
  // monotonic), so the partition's remaining rows are skipped; without PARTITION BY the node stops
  const runCondition =
    node.runCondition === undefined
      ? undefined
      : compileBound(node.runCondition, node.output, registry);

  const same = (
    compares: readonly ((a: unknown, b: unknown) => number)[],
    a: readonly unknown[],
    b: readonly unknown[],
  ) => {
    for (let j = 0; j < compares.length; j++) {
      const x = a[j] ?? null;
      const y = b[j] ?? null;
      if (x === null || y === null) {
        if (x !== y) return false;
      } else if (compares[j]!(x, y) !== 0) return false;
    }
    return true;
  };

  // ------------------------------------------------------------ run state
  let started = false;
  let offsets: { start: number | unknown; end: number | unknown } = { start: 0, end: 0 };
  let lookahead: { row: unknown[]; part: unknown[] } | undefined;
  let ended = false;
  let out: unknown[][] = [];
  let outAt = 0;

  const evalOffset = (c: Compiled | undefined, which: 'starting' | 'ending'): unknown => {
    if (c === undefined) return 0;
    const v = c([], env);
    if (v === null) {
      throw new SqlError('22004', `frame ${which} offset must not be null`);
    }
    if (frame.mode !== 'range') {
      const k = typeof v === 'bigint' ? v : BigInt(v as number);
      if (k < 0n) throw new SqlError('22013', `frame ${which} offset must not be negative`);
      return k > 2147483647n ? 2147483647 : Number(k);
    }
    return v;
  };

  const readPartition = (): unknown[][] | undefined => {
    if (lookahead === undefined) {
      if (ended) return undefined;
      const row = input.next();
      if (row === undefined) {
        ended = true;
        return undefined;
      }
      lookahead = { row, part: partExprs.map((c) => c(row, env)) };
    }
    const first = lookahead;
    const rows: unknown[][] = [first.row];
    lookahead = undefined;
    for (;;) {
      const row = input.next();
      if (row === undefined) {
        ended = true;
        break;
      }
      const part = partExprs.map((c) => c(row, env));
      if (!same(partCompares, first.part, part)) {
        lookahead = { row, part };
        break;
      }
      rows.push(row);
      if ((rows.length & 1023) === 0) cx.checkInterrupts();
    }
    return rows;
  };

  const computePartition = (rows: unknown[][]): unknown[][] => {
    const n = rows.length;
    const keys = rows.map((r) => orderExprs.map((c) => c(r, env)));
    const peerStart = new Int32Array(n);
    const peerEnd = new Int32Array(n);
    const group = new Int32Array(n);
    const starts: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i === 0 || !same(orderCompares, keys[i - 1]!, keys[i]!)) starts.push(i);
      group[i] = starts.length - 1;
      peerStart[i] = starts[starts.length - 1]!;
    }
    const ngroups = starts.length;
    const groupStart = new Int32Array(ngroups + 1);
    starts.forEach((s, g) => {
      groupStart[g] = s;
    });
    groupStart[ngroups] = n;
    for (let i = 0; i < n; i++) peerEnd[i] = groupStart[group[i]! + 1]!;
    const frameStart = new Int32Array(n);
    const frameEnd = new Int32Array(n);
    const p: Partition = {
      rows,
      n,
      peerStart,
      peerEnd,
      group,
      groupStart,
      ngroups,
      frameStart,
      frameEnd,
    };
    for (let i = 0; i < n; i++) {
      frameStart[i] = bound(p, i, frame.start, offsets.start, true, keys);
      frameEnd[i] = bound(p, i, frame.end, offsets.end, false, keys);
    }
    const values = evals.map((f) => f.forPartition(p));
    const result: unknown[][] = new Array(n);
    const nv = values.length;
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      const w = r.length;
      const o = new Array<unknown>(w + nv);
      for (let k = 0; k < w; k++) o[k] = r[k];
      for (let j = 0; j < nv; j++) o[w + j] = values[j]!(p, i);
      result[i] = o;
    }
    return result;
  };

  /** A frame bound as a row index: the first row (start) or one past the last (end). */
  const bound = (
    p: Partition,
    i: number,
    b: FrameBound,
    offset: unknown,
    isStart: boolean,
    keys: readonly (readonly unknown[])[],
  ): number => {
    const n = p.n;
    switch (b.kind) {
      case 'unbounded preceding':
        return 0;
      case 'unbounded following':
        return n;
      case 'current row':
        if (frame.mode === 'rows') return isStart ? i : i + 1;
        return isStart ? p.peerStart[i]! : p.peerEnd[i]!;
      default:
        break;
    }
    const following = b.kind === 'following';
    if (frame.mode === 'rows') {
      const k = offset as number;
      const at = following ? i + k : i - k;
      return clamp(isStart ? at : at + 1, 0, n);
    }
    if (frame.mode === 'groups') {
      const k = offset as number;
      const g = following ? p.group[i]! + k : p.group[i]! - k;
      if (isStart) return g < 0 ? 0 : g >= p.ngroups ? n : p.groupStart[g]!;
      return g < 0 ? 0 : g >= p.ngroups ? n : p.groupStart[g + 1]!;
    }
    // RANGE with an offset: compare the single ORDER BY value
    const r = rangeIn!;
    const cur = keys[i]![0] ?? null;
    if (cur === null) return isStart ? p.peerStart[i]! : p.peerEnd[i]!;
    // the non-NULL rows
    let lo = 0;
    let hi = n;
    if (r.nullsFirst) {
      while (lo < n && (keys[lo]![0] ?? null) === null) lo = p.peerEnd[lo]!;
    } else {
      while (hi > 0 && (keys[hi - 1]![0] ?? null) === null) hi = p.peerStart[hi - 1]!;
    }
    const sub = following ? r.descending : !r.descending;
    // start: first row whose value is in range (>= cur -/+ offset ascending);
    // end: one past the last row whose value is within (<= ... ascending)
    const less = isStart ? r.descending : !r.descending;
    const inRange = (k: number) => r.inRange(keys[k]![0], cur, offset, sub, less, env);
    // `inRange` is false then true (start) or true then false (end) over lo..hi
    let a = lo;
    let z = hi;
    while (a < z) {
      const m = (a + z) >>> 1;
      if (inRange(m) === isStart) z = m;
      else a = m + 1;
    }
    return a;
  };

  const next = (): unknown[] | undefined => {
    if (!started) {
      started = true;
      offsets = {
        start: evalOffset(startOffset, 'starting'),
        end: evalOffset(endOffset, 'ending'),
      };
    }
    for (;;) {
      if (outAt < out.length) {
        const r = out[outAt++]!;
        if (runCondition === undefined || runCondition(r, env) === true) return r;
        out = [];
        outAt = 0;
        if (partExprs.length === 0) {
          ended = true;
          lookahead = undefined;
          return undefined;
        }
        continue;
      }
      const rows = readPartition();
      if (rows === undefined) return undefined;
      cx.checkInterrupts();
      out = computePartition(rows);
      outAt = 0;
    }
  };

  const reset = () => {
    started = false;
    lookahead = undefined;
    ended = false;
    out = [];
    outAt = 0;
  };

  return {
    next,
    rescan() {
      reset();
      input.rescan();
    },
    close() {
      reset();
      input.close();
    },
  };
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(x, hi));

// ---------------------------------------------------------------- RANGE offsets

interface InRange {
  readonly descending: boolean;
  readonly nullsFirst: boolean;
  /** PostgreSQL's in_range(val, base, offset, sub, less): val <= / >= base -/+ offset. */
  inRange(
    val: unknown,
    base: unknown,
    offset: unknown,
    sub: boolean,
    less: boolean,
    env: EvalEnv,
  ): boolean;
}

function makeInRange(
  order: readonly AggSortKey[],
  frame: WindowAggNode['window']['frame'],
  registry: Registry,
): InRange {
  const key = order[0];
  if (key === undefined || order.length !== 1) {
    throw new SqlError(
      '42P20',
      'RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column',
    );
  }
  const offsetType = frame.start.offset?.type ?? frame.end.offset?.type ?? T.int8;
  const colType = key.expr.type;
  const badSize = () =>
    new SqlError('22013', 'invalid preceding or following size in window function');
  const base = { descending: key.descending, nullsFirst: key.nullsFirst };
  const checked = new WeakSet<object>();
  switch (colType) {
    case T.int2:
    case T.int4:
    case T.int8:
      return {
        ...base,
        inRange: (val, cur, offset, sub, less) => {
          const off = BigInt(offset as number | bigint);
          if (off < 0n) throw badSize();
          const b = BigInt(cur as number | bigint);
          const target = sub ? b - off : b + off;
          const v = BigInt(val as number | bigint);
          return less ? v <= target : v >= target;
        },
      };
    case T.float4:
    case T.float8:
      return {
        ...base,
        inRange: (val, cur, offset, sub, less) => {
          const off = offset as number;
          const v = val as number;
          const b = cur as number;
          if (Number.isNaN(off) || off < 0) throw badSize();
          // in_range_float8_float8: NaN sorts above everything and is a peer of NaN
          if (Number.isNaN(v)) return Number.isNaN(b) ? true : !less;
          if (Number.isNaN(b)) return less;
          if (!Number.isFinite(b) && off === Number.POSITIVE_INFINITY) {
            if (sub ? b > 0 : b < 0) return true;
          }
          const target = sub ? b - off : b + off;
          return less ? v <= target : v >= target;
        },
      };
    default:
      break;
  }
  // numeric, date/time types: the type's own + / - and B-tree order
  const isDate = colType === T.date;
  const work = isDate ? T.timestamp : colType;
  const workType = registry.mustType(work);
  const offType = registry.mustType(offsetType);
  const zero = offType.input('0', -1, defaultContext()); // '0' does not depend on session settings;
  const plus = registry.findOperator('+', work, offsetType);
  const minus = registry.findOperator('-', work, offsetType);
  if (plus === undefined || minus === undefined) {
    throw new SqlError(
      '0A000',
      `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${registry.mustType(colType).displayName} and offset type ${offType.displayName}`,
    );
  }
  const plusFn = registry.findFunction(plus.fn, [work, offsetType])!.impl;
  const minusFn = registry.findFunction(minus.fn, [work, offsetType])!.impl;
  const argTypes = [work, offsetType];
  const toWork = (v: unknown, env: EvalEnv) =>
    isDate ? registry.coerce(v, T.date, T.timestamp, -1, 'i', env.tctx) : v;
  const isNaNNumeric = (v: unknown) =>
    colType === T.numeric && (v as { sign: number }).sign === 0xc000;
  return {
    ...base,
    inRange: (val, cur, offset, sub, less, env) => {
      if (typeof offset === 'object' && offset !== null && !checked.has(offset)) {
        if (isNaNNumericOffset(offset, offsetType) || offType.compare(offset, zero) < 0) {
          throw badSize();
        }
        checked.add(offset);
      }
      if (isNaNNumeric(val)) return isNaNNumeric(cur) ? true : !less;
      if (isNaNNumeric(cur)) return less;
      const b = toWork(cur, env);
      const target = (sub ? minusFn : plusFn)([b, offset], env.tctx, argTypes);
      const c = workType.compare(toWork(val, env), target);
      return less ? c <= 0 : c >= 0;
    },
  };
}

function isNaNNumericOffset(offset: unknown, type: number): boolean {
  return type === T.numeric && (offset as { sign: number }).sign === 0xc000;
}

// ---------------------------------------------------------------- functions

interface CompiledWindowFunc {
  forPartition(p: Partition): WindowEval;
}

function compileWindowFunc(
  call: WindowFuncCall,
  inputs: WindowAggNode['input']['output'],
  registry: Registry,
  env: EvalEnv,
  exclude: Excluder,
): CompiledWindowFunc {
  const args = call.args.map((e) => compileBound(e, inputs, registry));
  const arg = (k: number, row: readonly unknown[]) => {
    const c = args[k];
    return c === undefined ? null : c(row, env);
  };
  if (call.aggregate !== undefined) {
    return windowAggregate(call, inputs, registry, env, exclude);
  }
  switch (call.name) {
    case 'row_number':
      return { forPartition: () => (_p, i) => BigInt(i + 1) };
    case 'rank':
      return { forPartition: () => (p, i) => BigInt(p.peerStart[i]! + 1) };
    case 'dense_rank':
      return { forPartition: () => (p, i) => BigInt(p.group[i]! + 1) };
    case 'percent_rank':
      return { forPartition: () => (p, i) => (p.n > 1 ? p.peerStart[i]! / (p.n - 1) : 0) };
    case 'cume_dist':
      return { forPartition: () => (p, i) => p.peerEnd[i]! / p.n };
    case 'ntile':
      return {
        forPartition: (p) => {
          const v = arg(0, p.rows[0]!);
          if (v === null) return () => null;
          const k = Number(v);
          if (k <= 0) throw new SqlError('22014', 'argument of ntile must be greater than zero');
          const per = Math.floor(p.n / k);
          const rem = p.n % k;
          const big = rem * (per + 1);
          return (_p, i) =>
            i < big ? Math.floor(i / (per + 1)) + 1 : rem + Math.floor((i - big) / per) + 1;
        },
      };
    case 'lag':
    case 'lead': {
      const sign = call.name === 'lag' ? -1 : 1;
      return {
        forPartition: () => (p, i) => {
          const row = p.rows[i]!;
          let off = 1;
          if (args.length > 1) {
            const o = arg(1, row);
            if (o === null) return null;
            off = Number(o);
          }
          const at = i + sign * off;
          if (at < 0 || at >= p.n) return args.length > 2 ? arg(2, row) : null;
          return arg(0, p.rows[at]!);
        },
      };
    }
    case 'first_value':
    case 'last_value':
    case 'nth_value': {
      return {
        forPartition: () => (p, i) => {
          let nth = 1;
          if (call.name === 'nth_value') {
            const v = arg(1, p.rows[i]!);
            if (v === null) return null;
            nth = Number(v);
            if (nth <= 0) {
              throw new SqlError('22016', 'argument of nth_value must be greater than zero');
            }
          }
          const s = p.frameStart[i]!;
          const e = p.frameEnd[i]!;
          if (call.name === 'last_value') {
            for (let k = e - 1; k >= s; k--) {
              if (!exclude(p, i, k)) return arg(0, p.rows[k]!);
            }
            return null;
          }
          let seen = 0;
          for (let k = s; k < e; k++) {
            if (exclude(p, i, k)) continue;
            if (++seen === nth) return arg(0, p.rows[k]!);
          }
          return null;
        },
      };
    }
    default:
      throw new SqlError('0A000', `window function ${call.name} is not supported yet`);
  }
}

/** Whether frame row k is excluded for current row i (EXCLUDE ...). */
type Excluder = (p: Partition, i: number, k: number) => boolean;

const noExclusion: Excluder = () => false;

function makeExcluder(exclude: 'no others' | 'current row' | 'group' | 'ties'): Excluder {
  switch (exclude) {
    case 'no others':
      return noExclusion;
    case 'current row':
      return (_p, i, k) => k === i;
    case 'group':
      return (p, i, k) => k >= p.peerStart[i]! && k < p.peerEnd[i]!;
    case 'ties':
      return (p, i, k) => k !== i && k >= p.peerStart[i]! && k < p.peerEnd[i]!;
  }
}

function windowAggregate(
  call: WindowFuncCall,
  inputs: WindowAggNode['input']['output'],
  registry: Registry,
  env: EvalEnv,
  exclude: Excluder,
): CompiledWindowFunc {
  const agg = call.aggregate!;
  if (agg.distinct) throw new SqlError('0A000', 'DISTINCT is not implemented for window functions');
  if (agg.order !== undefined && agg.order.length > 0) {
    throw new SqlError('0A000', 'aggregate ORDER BY is not implemented for window functions');
  }
  const make: TransFactory = makeTransition(agg, registry);
  const args = agg.args.map((e) => compileBound(e, inputs, registry));
  const filterExpr = call.filter ?? agg.filter;
  const filter = filterExpr === undefined ? undefined : compileBound(filterExpr, inputs, registry);
  const excluding = exclude !== noExclusion;
  return {
    forPartition: (p) => {
      // each row's argument values, or undefined when FILTER drops it
      const inputsOf: (unknown[] | undefined)[] = p.rows.map((row) => {
        if (filter !== undefined && filter(row, env) !== true) return undefined;
        return args.map((c) => c(row, env));
      });
      const values = new Array<unknown>(p.n);
      let state = make();
      let fedFrom = 0;
      let fedTo = 0;
      let prevS = -1;
      let prevE = -1;
      let prev: unknown = null;
      for (let i = 0; i < p.n; i++) {
        const s = p.frameStart[i]!;
        const e = p.frameEnd[i]!;
        if (!excluding && s === prevS && e === prevE) {
          values[i] = prev; // W2
          continue;
        }
        if (!excluding && s === fedFrom && e >= fedTo) {
          // W1: the start did not move, feed the new rows
          for (let k = fedTo; k < e; k++) {
            const a = inputsOf[k];
            if (a !== undefined) state.add(a, env);
          }
          fedTo = e;
        } else if (
          !excluding &&
          state.remove !== undefined &&
          s >= fedFrom &&
          s <= fedTo &&
          e >= fedTo
        ) {
          // W1': the start moved and the aggregate has an inverse: drop the rows left behind
          for (let k = fedFrom; k < s; k++) {
            const a = inputsOf[k];
            if (a !== undefined) state.remove(a, env);
          }
          for (let k = fedTo; k < e; k++) {
            const a = inputsOf[k];
            if (a !== undefined) state.add(a, env);
          }
          fedFrom = s;
          fedTo = e;
        } else {
          // W3: aggregate the frame from scratch
          state = make();
          for (let k = s; k < e; k++) {
            if (excluding && exclude(p, i, k)) continue;
            const a = inputsOf[k];
            if (a !== undefined) state.add(a, env);
          }
          // the state holds rows [fedFrom, fedTo) (an empty frame s >= e holds none)
          fedFrom = s;
          fedTo = excluding ? -1 : Math.max(s, e);
        }
        prev = state.result(env);
        prevS = s;
        prevE = e;
        values[i] = prev;
      }
      return (_p, i) => values[i];
    },
  };
}
