/**
 * Scan nodes (PostgreSQL's nodeSeqscan.c, nodeIndexscan.c,
 * nodeIndexonlyscan.c, nodeBitmap*.c, nodeValuesscan.c,
 * nodeFunctionscan.c, nodeSubqueryscan.c, nodeCtescan.c,
 * nodeWorktablescan.c, nodeResult.c, nodeProjectSet.c).
 *
 * A scan's raw row is its range-table entry's whole row (Var(rt, 1..n),
 * R1); its filter is bound to that, and its `output` is projected from it
 * only when the planner asked for something else.
 */
import { type ScanKey, scanKey, type Tid, TidBitmap } from '@pg/access';
import { Page } from '@pg/page'; // issue 9 (F): system columns
import type {
  BitmapHeapScanNode,
  BitmapNode,
  CteScanNode,
  FunctionScanNode,
  IndexQual,
  IndexScanNode,
  ProjectSetNode,
  ResultNode,
  SeqScanNode,
  SubqueryScanNode,
  ValuesScanNode,
  WorkTableScanNode,
} from '@pg/planner';
import type { Expr, FuncExpr } from '@pg/sql';
import { VISIBILITYMAP_ALL_VISIBLE } from '@pg/storage';
import { type PgArray, SqlError, TypeOid } from '@pg/types';
import type { Builder } from './builder.js';
import type { EvalEnv, OpenRelation, OpenTable, RelationCounters } from './context.js';
import { type Compiled, compileExpr } from './expr.js';
import { indexColumnType } from './index-keys.js';
import { bindToInput, type ExecNode } from './node.js';
import {
  compileBoundQual,
  compileProjection,
  genNode,
  NO_ROW,
  planMemo,
  rowsOf,
} from './rowutil.js';

/** Var(rt, 1..n): the whole row of a range-table entry. */
export function rteVars(rt: number, types: readonly { type: number; typmod: number }[]): Expr[] {
  return types.map((t, i) => ({ kind: 'var', rt, attnum: i + 1, type: t.type, typmod: t.typmod }));
}

/** Var(rt, 1..n) of a relation's columns (the same array at every execution of a plan). */
function relationVars(rt: number, rel: OpenRelation): Expr[] {
  let byRt = relationVarCache.get(rel.desc);
  if (byRt === undefined) {
    byRt = new Map();
    relationVarCache.set(rel.desc, byRt);
  }
  let vars = byRt.get(rt);
  if (vars === undefined) {
    vars = rteVars(
      rt,
      // a dropped column: typeless, as the planner's Vars of it are (its value is always NULL)
      rel.desc.columns.map((c) =>
        c.dropped ? { type: 0, typmod: -1 } : { type: c.typeOid, typmod: c.typmod },
      ),
    );
    byRt.set(rt, vars);
  }
  return vars;
}

const relationVarCache = new WeakMap<object, Map<number, Expr[]>>();

// ---------------------------------------------------------------- system columns (issue 9, F)

/** The system columns (negative attnums, descending) a scan's output and filter read of its entry. */
function systemAttnums(
  b: Builder,
  node: { readonly rt: number; readonly filter?: Expr; readonly output: readonly Expr[] },
): readonly number[] {
  return planMemo(b.cx.registry, node, 'sysattrs', () => {
    const found = new Map<number, number>();
    const walk = (x: unknown): void => {
      if (x === null || typeof x !== 'object') return;
      if (Array.isArray(x)) {
        for (const e of x) walk(e);
        return;
      }
      const o = x as Record<string, unknown>;
      if (o.kind === 'var') {
        const a = o.attnum as number;
        if (o.rt === node.rt && !o.levelsUp && a < 0) found.set(a, o.type as number);
        return;
      }
      for (const k in o) if (k !== 'fn' && k !== 'op' && k !== 'cast') walk(o[k]);
    };
    walk(node.output);
    walk(node.filter);
    return [...found.keys()].sort((x, y) => y - x);
  });
}

const SYSTEM_TYPES: Readonly<Record<number, number>> = {
  [-1]: 27,
  [-3]: 28,
  [-4]: 29,
  [-5]: 28,
  [-6]: 29,
  [-7]: 26,
};

/** The raw row's Vars with the system columns' after the relation's columns. */
function withSystemVars(raw: Expr[], rt: number, sys: readonly number[]): Expr[] {
  if (sys.length === 0) return raw;
  return [
    ...raw,
    ...sys.map(
      (a): Expr => ({ kind: 'var', rt, attnum: a, type: SYSTEM_TYPES[a] ?? 0, typmod: -1 }),
    ),
  ];
}

/**
 * The values of system columns `sys` of the tuple at a TID
 * (heap_getsysattr): ctid its own TID, xmin / xmax the header's raw
 * t_xmin / t_xmax, cmin and cmax both the raw t_cid (a combo command id
 * too, as PostgreSQL shows it), tableoid the relation's OID. The header
 * is read from a copy of the tuple's page (one copy per block in a row).
 */
export function systemColumnReader(
  rel: OpenTable,
  sys: readonly number[],
): (tid: { readonly block: number; readonly offset: number }) => unknown[] {
  let block = -1;
  let page: Page | undefined;
  const u32 = (b: Uint8Array, at: number) =>
    (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
  return (tid) => {
    if (tid.block !== block || page === undefined) {
      page = Page.wrap(rel.heap.readCopy(tid.block));
      block = tid.block;
    }
    const item = page.mustItem(tid.offset);
    return sys.map((a) => {
      switch (a) {
        case -1:
          return tid.block * 65536 + tid.offset;
        case -3:
          return u32(item, 0);
        case -5:
          return u32(item, 4);
        case -4:
        case -6:
          return u32(item, 8);
        default:
          return rel.desc.oid;
      }
    });
  };
}

/** A heap row's values with its system columns appended (the values themselves when none are read). */
function rowWithSystem(
  read: ((tid: { readonly block: number; readonly offset: number }) => unknown[]) | undefined,
  r: {
    readonly tid: { readonly block: number; readonly offset: number };
    readonly values: unknown[];
  },
): unknown[] {
  return read === undefined ? r.values : [...r.values, ...read(r.tid)];
}

/** A pull source of raw rows (a scan before its filter and projection). */
interface RowSource {
  next(): unknown[] | undefined;
  /** Stops early (a generator's `return`). */
  return?(): void;
}

/** The rows of an iterator as a RowSource. */
function fromIterator(it: Iterator<unknown[], unknown>): RowSource {
  return {
    next() {
      const r = it.next();
      return r.done === true ? undefined : r.value;
    },
    return() {
      it.return?.();
    },
  };
}

/** The `values` of heap rows as a RowSource (no generator in between), counted in `st.tuplesReturned`. */
function heapValues(
  rows: Iterable<{ readonly values: unknown[]; readonly tid: Tid }>,
  st: RelationCounters,
  sys?: (tid: Tid) => unknown[], // issue 9 (F): system columns to append
): RowSource {
  const it = rows[Symbol.iterator]();
  return {
    next() {
      const r = it.next();
      if (r.done === true) return undefined;
      st.tuplesReturned++; // issue 11 (pgstat): seq_tup_read
      return sys === undefined ? r.value.values : rowWithSystem(sys, r.value);
    },
    return() {
      it.return?.();
    },
  };
}

/** The raw-row width a scan's output and filter need (its highest Var(rt) attnum). */
function widthFor(
  b: Builder,
  node: { readonly rt: number; readonly filter?: Expr; readonly output: readonly Expr[] },
): Expr[] {
  return planMemo(b.cx.registry, node, 'raw', () => rawWidth(node.rt, [node.filter], node.output));
}

function rawWidth(
  rt: number,
  exprs: readonly (Expr | undefined)[],
  output: readonly Expr[],
): Expr[] {
  const types = new Map<number, { type: number; typmod: number }>();
  let max = 0;
  const walk = (x: unknown): void => {
    if (x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const e of x) walk(e);
      return;
    }
    const o = x as Record<string, unknown>;
    if (o.kind === 'var' && o.rt === rt && !o.levelsUp) {
      const a = o.attnum as number;
      max = Math.max(max, a);
      types.set(a, { type: o.type as number, typmod: o.typmod as number });
      return;
    }
    for (const k in o) if (k !== 'fn' && k !== 'op' && k !== 'cast') walk(o[k]);
  };
  walk(exprs);
  walk(output);
  const out: { type: number; typmod: number }[] = [];
  for (let a = 1; a <= max; a++) out.push(types.get(a) ?? { type: TypeOid.text, typmod: -1 });
  return rteVars(rt, out);
}

/**
 * Applies filter and projection to a scan's raw rows, counting removed
 * rows for EXPLAIN ANALYZE.
 */
function finishScan(
  b: Builder,
  node: { readonly output: readonly Expr[]; readonly filter?: Expr },
  raw: readonly Expr[],
  rows: () => Iterator<unknown[], unknown>,
  hooks: { rescan?: () => void; close?: () => void } = {},
): ExecNode {
  return finishSource(b, node, raw, () => fromIterator(rows()), hooks);
}

/** finishScan over a RowSource: `open()` at the first `next()` and after each rescan. */
function finishSource(
  b: Builder,
  node: { readonly output: readonly Expr[]; readonly filter?: Expr },
  raw: readonly Expr[],
  open: () => RowSource,
  hooks: { rescan?: () => void; close?: () => void } = {},
): ExecNode {
  const registry = b.cx.registry;
  const filter = compileBoundQual(node.filter, raw, registry);
  const project = compileProjection(node.output, raw, registry);
  const env = b.cx.env;
  const instr = b.instr(node);
  let src: RowSource | undefined;
  let closed = false;
  return {
    next() {
      if (src === undefined) src = open();
      let n = 0;
      for (;;) {
        const row = src.next();
        if (row === undefined) return undefined;
        // issue 10 (H6): a long scan that filters out every row still checks for interrupts
        if ((++n & 4095) === 0) b.cx.checkInterrupts();
        if (filter !== undefined && !filter(row, env)) {
          if (instr !== undefined) instr.removedByFilter = (instr.removedByFilter ?? 0) + 1;
          continue;
        }
        return project === undefined ? row : project(row, env);
      }
    },
    rescan() {
      src?.return?.();
      src = undefined;
      hooks.rescan?.();
    },
    close() {
      if (closed) return;
      closed = true;
      src?.return?.();
      src = undefined;
      hooks.close?.();
    },
  };
}

// ---------------------------------------------------------------- pgstat (issue 11)

/** The session's pending counters of relation `oid`, or a sink nobody reads (looked up once per scan). */
export function statsOf(b: Builder, oid: number): RelationCounters {
  return (
    b.cx.exec.stats?.relation(oid) ?? {
      numScans: 0,
      tuplesReturned: 0,
      tuplesFetched: 0,
      tuplesInserted: 0,
      tuplesUpdated: 0,
      tuplesDeleted: 0,
      tuplesHotUpdated: 0,
    }
  );
}

// ---------------------------------------------------------------- SeqScan

export function buildSeqScan(b: Builder, node: SeqScanNode): ExecNode {
  const rel = b.cx.exec.relations.open(node.relationOid);
  const raw = relationVars(node.rt, rel);
  if (rel.heap === undefined) {
    const computed = rel;
    return finishScan(b, node, raw, () => computed.rows()[Symbol.iterator]());
  }
  const heap = rel.heap;
  const st = statsOf(b, node.relationOid); // issue 11 (pgstat): seq_scan, seq_tup_read
  const sys = systemAttnums(b, node); // issue 9 (F)
  const table = rel;
  return finishSource(b, node, withSystemVars(raw, node.rt, sys), () => {
    st.numScans++;
    const read = sys.length === 0 ? undefined : systemColumnReader(table, sys);
    return heapValues(heap.scan(b.snapshot, b.vctx), st, read);
  });
}

// ---------------------------------------------------------------- index scans

function tableOf(b: Builder, oid: number): OpenTable {
  const rel = b.cx.exec.relations.open(oid);
  if (rel.heap === undefined) {
    throw new SqlError('XX000', `index scan over the view "${rel.desc.name}"`);
  }
  return rel;
}

function indexOf(rel: OpenTable, indexOid: number) {
  const entry = rel.indexes.find((i) => i.desc.oid === indexOid);
  if (entry === undefined) {
    throw new SqlError('XX000', `index ${indexOid} of relation "${rel.desc.name}" is gone`);
  }
  return entry;
}

const numericJs = (v: unknown) => typeof v === 'number' || typeof v === 'bigint';

/** A comparator of an index column's values with a value of another type (numbers only). */
function crossCompare(a: unknown, b: unknown): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

interface CompiledQual {
  readonly column: number;
  readonly strategy: IndexQual['strategy'];
  readonly value: Compiled;
  readonly array: boolean;
  readonly cross: boolean;
  readonly compare: (a: unknown, b: unknown) => number;
}

function compileIndexQuals(
  b: Builder,
  quals: readonly IndexQual[],
  columnType: (column: number) => number,
): CompiledQual[] {
  const registry = b.cx.registry;
  return quals.map((q) => {
    const colType = columnType(q.column);
    const valueType = q.array === true ? (registry.type(q.value.type)?.elemOid ?? 0) : q.value.type;
    return {
      column: q.column,
      // issue 12: a GIN operator class's own strategy number (jsonb_ops 7, 9, ...) when set
      strategy: (q.amStrategy ?? q.strategy) as IndexQual['strategy'],
      value: compileExpr(q.value, registry),
      array: q.array === true,
      cross: valueType !== colType,
      compare: registry.mustType(valueType === 0 ? colType : valueType).compare,
    };
  });
}

/**
 * The key sets to scan with (one per combination of `= ANY` elements, in
 * index order), or [] when some value is NULL (a strict comparison holds
 * for no row).
 */
function keySets(
  quals: readonly CompiledQual[],
  env: EvalEnv,
  direction: 'forward' | 'backward',
): ScanKey[][] {
  let sets: ScanKey[][] = [[]];
  for (const q of quals) {
    const v = q.value(NO_ROW, env);
    if (v === null) return [];
    const make = (x: unknown) =>
      q.cross && numericJs(x)
        ? scanKey(q.column, q.strategy, x, crossCompare)
        : scanKey(q.column, q.strategy, x);
    if (!q.array) {
      for (const s of sets) s.push(make(v));
      continue;
    }
    const elems = (v as PgArray).elements.filter((e) => e !== null);
    elems.sort((x, y) => q.compare(x, y));
    const distinct = elems.filter((e, i) => i === 0 || q.compare(elems[i - 1], e) !== 0);
    if (direction === 'backward') distinct.reverse();
    if (distinct.length === 0) return [];
    const next: ScanKey[][] = [];
    for (const e of distinct) for (const s of sets) next.push([...s, make(e)]);
    sets = next;
  }
  return sets;
}

/** issue 12: the index quals' conditions ANDed (an Index Scan's indexqualorig, for rechecks). */
function qualsClause(quals: readonly IndexQual[]): Expr | undefined {
  if (quals.length <= 1) return quals[0]?.clause;
  return { kind: 'bool', op: 'and', args: quals.map((q) => q.clause), type: 16, typmod: -1 };
}

export function buildIndexScan(b: Builder, node: IndexScanNode): ExecNode {
  const rel = tableOf(b, node.relationOid);
  const heap = rel.heap;
  const entry = indexOf(rel, node.indexOid);
  const sys = systemAttnums(b, node); // issue 9 (F)
  const raw = withSystemVars(relationVars(node.rt, rel), node.rt, sys);
  const colType = (c: number) => indexColumnType(rel.desc, entry.desc, c);
  const quals = planMemo(b.cx.registry, node, 'quals', () =>
    compileIndexQuals(b, node.indexQuals, colType),
  );
  const env = b.cx.env;
  const indexOnly = node.kind === 'indexonlyscan';
  const instr = b.instr(node);
  const width = rel.desc.columns.length;
  const ist = statsOf(b, node.indexOid); // issue 11 (pgstat): idx_scan, idx_tup_read, idx_tup_fetch
  // issue 12: a hash index's entries are candidates (xs_recheck): the index conditions are checked again
  const recheck =
    entry.desc.am === 'btree'
      ? undefined
      : planMemo(b.cx.registry, node, 'recheck', () =>
          compileBoundQual(qualsClause(node.indexQuals), raw, b.cx.registry),
        );
  let scan: ReturnType<typeof entry.index.beginScan> | undefined;
  return finishScan(
    b,
    node,
    raw,
    function* () {
      const read = sys.length === 0 ? undefined : systemColumnReader(rel, sys);
      const sets = keySets(quals, env, node.direction);
      for (const keys of sets) {
        scan?.end();
        scan = entry.index.beginScan();
        scan.rescan(keys);
        ist.numScans++;
        for (let r = scan.next(node.direction); r !== null; r = scan.next(node.direction)) {
          ist.tuplesReturned++;
          if (
            indexOnly &&
            r.values !== undefined &&
            (heap.vm.getStatus(heap.rel, r.tid.block) & VISIBILITYMAP_ALL_VISIBLE) !== 0
          ) {
            const row = new Array<unknown>(width).fill(null);
            const cols = entry.desc.columns;
            for (let i = 0; i < cols.length && i < r.values.length; i++) {
              row[cols[i]! - 1] = r.values[i];
            }
            yield row;
            continue;
          }
          if (indexOnly && instr !== undefined) {
            const x = instr as { heapFetches?: number };
            x.heapFetches = (x.heapFetches ?? 0) + 1;
          }
          const row = heap.fetch(r.tid, b.snapshot, b.vctx);
          if (row !== null) {
            ist.tuplesFetched++;
            const values = rowWithSystem(read, row); // issue 9 (F)
            if (r.recheck && recheck !== undefined && !recheck(values, env)) continue; // issue 12
            yield values;
          }
        }
        scan.end();
        scan = undefined;
      }
    },
    {
      close() {
        scan?.end();
        scan = undefined;
      },
    },
  );
}

// ---------------------------------------------------------------- bitmap scans

function bitmapOf(b: Builder, node: BitmapNode, rel: OpenTable): TidBitmap {
  const instr = b.instr(node);
  const t0 = instr === undefined ? 0 : performance.now();
  const bytes = b.cx.workMemKb * 1024;
  let result: TidBitmap;
  if (node.kind === 'bitmapindexscan') {
    const entry = indexOf(rel, node.indexOid);
    const colType = (c: number) => indexColumnType(rel.desc, entry.desc, c);
    const quals = planMemo(b.cx.registry, node, 'quals', () =>
      compileIndexQuals(b, node.indexQuals, colType),
    );
    result = new TidBitmap(bytes);
    let n = 0;
    const ist = statsOf(b, node.indexOid); // issue 11 (pgstat)
    for (const keys of keySets(quals, b.cx.env, 'forward')) {
      const s = entry.index.beginScan();
      try {
        s.rescan(keys);
        ist.numScans++;
        n += s.getBitmap(result);
      } finally {
        s.end();
      }
    }
    ist.tuplesReturned += n;
    if (instr !== undefined) instr.rows += n;
  } else {
    const [first, ...rest] = node.children;
    if (first === undefined) throw new SqlError('XX000', `${node.kind} without children`);
    result = bitmapOf(b, first, rel);
    for (const c of rest) {
      const other = bitmapOf(b, c, rel);
      if (node.kind === 'bitmapand') result.intersect(other);
      else result.union(other);
    }
  }
  if (instr !== undefined) {
    instr.loops++;
    const dt = performance.now() - t0;
    instr.totalMs += dt;
    instr.startupMs += dt;
  }
  return result;
}

export function buildBitmapHeapScan(b: Builder, node: BitmapHeapScanNode): ExecNode {
  const rel = tableOf(b, node.relationOid);
  const heap = rel.heap;
  const sys = systemAttnums(b, node); // issue 9 (F)
  const raw = withSystemVars(relationVars(node.rt, rel), node.rt, sys);
  const recheck = compileBoundQual(node.recheck, raw, b.cx.registry);
  const env = b.cx.env;
  const instr = b.instr(node);
  const st = statsOf(b, node.relationOid); // issue 11 (pgstat): bitmap heap fetches count in idx_tup_fetch
  return finishScan(b, node, raw, function* () {
    const bitmap = bitmapOf(b, node.bitmap, rel);
    const read = sys.length === 0 ? undefined : systemColumnReader(rel, sys); // issue 9 (F)
    // issue 12: a lossy chunk covers PAGES_PER_CHUNK pages, past the heap's end too (BRIN's
    // last range): such pages are skipped, as heapam_scan_bitmap_next_block does
    const nblocks = heap.nblocks();
    for (const page of bitmap.pages()) {
      if (page.block >= nblocks) continue;
      // issue 12: EXPLAIN ANALYZE's "Heap Blocks: exact=N lossy=M"
      if (instr !== undefined) {
        const x = instr as { exactPages?: number; lossyPages?: number };
        if (page.offsets === null) x.lossyPages = (x.lossyPages ?? 0) + 1;
        else x.exactPages = (x.exactPages ?? 0) + 1;
      }
      const rows =
        page.offsets === null
          ? heap.scanPage(page.block, b.snapshot, b.vctx)
          : page.offsets.flatMap((offset) => {
              const r = heap.fetch({ block: page.block, offset }, b.snapshot, b.vctx);
              return r === null ? [] : [r];
            });
      for (const r0 of rows) {
        const r = read === undefined ? r0 : { tid: r0.tid, values: rowWithSystem(read, r0) };
        st.tuplesFetched++;
        // Exact pages are checked too: a BitmapOr arm's index condition can be weaker than
        // its clause (`b = 'x'` of `b = 'x' AND id <= 0`), and the planner gives the scan no
        // Filter with the rest; rows failing it on an exact page count as removed by a filter.
        if (recheck !== undefined && !page.recheck && !recheck(r.values, env)) {
          if (instr !== undefined) instr.removedByFilter = (instr.removedByFilter ?? 0) + 1;
          continue;
        }
        if (page.recheck && recheck !== undefined && !recheck(r.values, env)) {
          if (instr !== undefined) {
            const x = instr as { removedByIndexRecheck?: number };
            x.removedByIndexRecheck = (x.removedByIndexRecheck ?? 0) + 1;
          }
          continue;
        }
        yield r.values;
      }
    }
  });
}

// ---------------------------------------------------------------- VALUES, functions

export function buildValuesScan(b: Builder, node: ValuesScanNode): ExecNode {
  const registry = b.cx.registry;
  const { rows, raw } = planMemo(registry, node, 'values', () => ({
    rows: node.values.map((r) => r.map((e) => compileExpr(e, registry))),
    raw: rteVars(
      node.rt,
      (node.values[0] ?? []).map((e) => ({ type: e.type, typmod: e.typmod })),
    ),
  }));
  const env = b.cx.env;
  return finishScan(b, node, raw, function* () {
    for (const r of rows) yield r.map((e) => e(NO_ROW, env));
  });
}

/** The rows of a set-returning (or plain) function call, as arrays of its result columns. */
export function* functionRows(
  call: FuncExpr,
  args: readonly unknown[],
  env: EvalEnv,
): Generator<unknown[]> {
  const fn = call.fn;
  const composite = fn.result === TypeOid.record;
  if (fn.retset !== true) {
    const v =
      fn.strict && args.includes(null)
        ? null
        : fn.impl(
            args,
            env.tctx,
            call.args.map((a) => a.type),
          );
    yield composite && Array.isArray(v) ? [...(v as unknown[])] : [v];
    return;
  }
  if (fn.strict && args.includes(null)) return;
  const result = fn.impl(
    args,
    env.tctx,
    call.args.map((a) => a.type),
  ) as Iterable<unknown>;
  for (const v of result) yield composite && Array.isArray(v) ? [...(v as unknown[])] : [v];
}

export function buildFunctionScan(b: Builder, node: FunctionScanNode): ExecNode {
  const registry = b.cx.registry;
  const env = b.cx.env;
  const call = node.call;
  const raw = widthFor(b, node);
  const ordinality = node.ordinality === true;
  const width = raw.length;
  if (call.kind !== 'func') {
    const value = planMemo(registry, node, 'call', () => compileExpr(call, registry));
    return finishScan(b, node, raw, function* () {
      const row: unknown[] = [value(NO_ROW, env)];
      if (ordinality) row.push(1n);
      yield row;
    });
  }
  const args = planMemo(registry, node, 'args', () =>
    call.args.map((a) => compileExpr(a, registry)),
  );
  return finishScan(b, node, raw, function* () {
    let n = 0n;
    for (const cols of functionRows(
      call,
      args.map((a) => a(NO_ROW, env)),
      env,
    )) {
      n++;
      if (ordinality) {
        // the ordinality column is the last one the RTE has
        while (cols.length < width - 1) cols.push(null);
        cols.push(n);
      }
      yield cols;
    }
  });
}

// ---------------------------------------------------------------- subqueries, CTEs

export function buildSubqueryScan(b: Builder, node: SubqueryScanNode): ExecNode {
  const input = b.build(node.input);
  const raw = planMemo(b.cx.registry, node, 'raw', () =>
    rteVars(
      node.rt,
      node.input.output.map((e) => ({ type: e.type, typmod: e.typmod })),
    ),
  );
  return finishSource(b, node, raw, () => input, {
    rescan: () => input.rescan(),
    close: () => input.close(),
  });
}

export function buildCteScan(b: Builder, node: CteScanNode): ExecNode {
  const sub = b.planned.subplans[node.plan];
  if (sub === undefined) throw new SqlError('XX000', `CTE plan ${node.plan} does not exist`);
  const raw = planMemo(b.cx.registry, node, 'raw', () =>
    rteVars(
      node.rt,
      sub.output.map((e) => ({ type: e.type, typmod: e.typmod })),
    ),
  );
  return finishSource(b, node, raw, () => {
    const store = b.cte(node.plan);
    let i = 0;
    return { next: () => store.row(i++) };
  });
}

export function buildWorkTableScan(b: Builder, node: WorkTableScanNode): ExecNode {
  const raw = widthFor(b, node);
  return finishScan(b, node, raw, function* () {
    const rows = b.worktables.get(node.worktable);
    if (rows === undefined) {
      throw new SqlError('XX000', `work table ${node.worktable} read outside its RecursiveUnion`);
    }
    yield* rows;
  });
}

// ---------------------------------------------------------------- Result, ProjectSet

export function buildResult(b: Builder, node: ResultNode): ExecNode {
  const registry = b.cx.registry;
  const env = b.cx.env;
  const oneTime = planMemo(registry, node, 'oneTime', () =>
    node.oneTimeFilter === undefined ? undefined : compileExpr(node.oneTimeFilter, registry),
  );
  const instr = b.instr(node);
  if (node.input === undefined) {
    const { filter, cols } = planMemo(registry, node, 'noinput', () => ({
      filter: node.filter === undefined ? undefined : compileExpr(node.filter, registry),
      cols: node.output.map((e) => compileExpr(e, registry)),
    }));
    return genNode(function* () {
      if (oneTime !== undefined && oneTime(NO_ROW, env) !== true) return;
      if (filter !== undefined && filter(NO_ROW, env) !== true) {
        if (instr !== undefined) instr.removedByFilter = (instr.removedByFilter ?? 0) + 1;
        return;
      }
      yield cols.map((c) => c(NO_ROW, env));
    });
  }
  const input = b.build(node.input);
  const inputs = node.input.output;
  const filter = compileBoundQual(node.filter, inputs, registry);
  const project = compileProjection(node.output, inputs, registry);
  return genNode(
    function* () {
      if (oneTime !== undefined && oneTime(NO_ROW, env) !== true) return;
      for (let r = input.next(); r !== undefined; r = input.next()) {
        if (filter !== undefined && !filter(r, env)) {
          if (instr !== undefined) instr.removedByFilter = (instr.removedByFilter ?? 0) + 1;
          continue;
        }
        yield project === undefined ? r : project(r, env);
      }
    },
    { rescan: () => input.rescan(), close: () => input.close() },
  );
}

/**
 * ProjectSet: the output's set-returning function calls (at the top of an
 * output column) run in lockstep over each input row; the row count is
 * the longest one's, shorter ones give NULL past their end; an input row
 * for which every SRF returns nothing gives no row.
 */
export function buildProjectSet(b: Builder, node: ProjectSetNode): ExecNode {
  const registry = b.cx.registry;
  const env = b.cx.env;
  const input = node.input === undefined ? undefined : b.build(node.input);
  const inputs = node.input?.output ?? [];
  type Col =
    | { readonly srf: false; readonly value: Compiled }
    | { readonly srf: true; readonly call: FuncExpr; readonly args: readonly Compiled[] };
  const cols: Col[] = planMemo(registry, node, 'cols', () =>
    node.output.map((e): Col => {
      const bound = input === undefined ? e : bindToInput(e, inputs);
      if ((bound.kind === 'func' || bound.kind === 'op') && bound.fn.retset === true) {
        const call: FuncExpr = {
          kind: 'func',
          fn: bound.fn,
          args: bound.args,
          type: bound.type,
          typmod: bound.typmod,
        };
        return { srf: true, call, args: bound.args.map((a) => compileExpr(a, registry)) };
      }
      return { srf: false, value: compileExpr(bound, registry) };
    }),
  );
  return genNode(
    function* () {
      const source = input === undefined ? [NO_ROW as unknown[]] : rowsOf(input);
      for (const row of source) {
        const iters = cols.map((c) =>
          c.srf
            ? functionRows(
                c.call,
                c.args.map((a) => a(row, env)),
                env,
              )
            : undefined,
        );
        const plain = cols.map((c) => (c.srf ? null : c.value(row, env)));
        for (;;) {
          let any = false;
          const out = new Array<unknown>(cols.length);
          for (let i = 0; i < cols.length; i++) {
            const it = iters[i];
            if (it === undefined) {
              out[i] = plain[i];
              continue;
            }
            const r = it.next();
            if (r.done === true) out[i] = null;
            else {
              any = true;
              const v = r.value;
              out[i] = v.length === 1 ? v[0] : v;
            }
          }
          if (!any) break;
          yield out;
        }
      }
    },
    { rescan: () => input?.rescan(), close: () => input?.close() },
  );
}
