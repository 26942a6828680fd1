/**
 * Sorting and the nodes over ordered or cached rows (PostgreSQL's
 * nodeSort.c with tuplesort.c, nodeIncrementalSort.c, nodeUnique.c,
 * nodeLimit.c, nodeAppend.c, nodeMergeAppend.c, nodeMaterial.c,
 * nodeMemoize.c).
 *
 * Sort: rows are collected in memory while they fit in work_mem and
 * sorted with a stable sort ("quicksort" in EXPLAIN). Past work_mem, each
 * memory-load is sorted and written to a temporary file as a run, and the
 * runs are merged k ways with a binary heap ("external merge", Disk: the
 * bytes written). Ties keep input order (S1): within a run the sort is
 * stable, and the merge breaks ties by run number, runs being in input
 * order.
 */
import type {
  AppendNode,
  IncrementalSortNode,
  LimitNode,
  MaterialNode,
  MemoizeNode,
  SortNode,
  UniqueNode,
} from '@pg/planner';
import { SqlError } from '@pg/types';
import { type Builder, paramWatcher } from './builder.js';
import { compileExpr } from './expr.js';
import type { ExecNode } from './node.js';
import {
  type CompiledSortKey,
  compareKeyValues,
  compileSortKeys,
  countOf,
  genNode,
  keyComparator,
  keyValues,
  NO_ROW,
  RowKeyOps,
  RowMap,
  rowBytes,
} from './rowutil.js';
import { createSpool, type Spool } from './tempfile.js';

interface Keyed {
  readonly keys: unknown[];
  readonly row: unknown[];
}

/** A sorted set of rows, in memory or in runs on disk; read it with `rows()` (any number of times). */
interface Sorted {
  rows(): Generator<unknown[]>;
  close(): void;
  /** The sorted rows when they fit in memory (read by index: no generator per row). */
  readonly memory?: readonly Keyed[];
}

/** Sorts `input` (a generator of rows) by `keys`, spilling past `workMemBytes`. */
export function sortRows(
  b: Builder,
  input: Iterable<unknown[]>,
  keys: readonly CompiledSortKey[],
  report?: { method: string; spaceKb: number; spaceType: 'Memory' | 'Disk' },
): Sorted {
  const env = b.cx.env;
  const workMem = b.cx.workMemKb * 1024;
  const compareKeys = keyComparator(keys);
  const cmp = (x: Keyed, y: Keyed) => compareKeys(x.keys, y.keys);
  let mem: Keyed[] = [];
  let memBytes = 0;
  let peak = 0;
  const runs: Spool[] = [];
  let n = 0;
  for (const row of input) {
    if (++n % 4096 === 0) b.cx.checkInterrupts();
    mem.push({ keys: keyValues(keys, row, env), row });
    memBytes += rowBytes(row) + 16;
    if (memBytes > workMem) {
      mem.sort(cmp);
      const s = createSpool(b.cx);
      runs.push(s);
      for (const k of mem) s.write(k.row);
      s.finish();
      if (memBytes > peak) peak = memBytes;
      mem = [];
      memBytes = 0;
    }
  }
  if (memBytes > peak) peak = memBytes;
  mem.sort(cmp);
  if (runs.length === 0) {
    if (report !== undefined) {
      report.method = 'quicksort';
      report.spaceKb = Math.max(25, Math.ceil(peak / 1024));
      report.spaceType = 'Memory';
    }
    const sorted = mem;
    return {
      memory: sorted,
      *rows() {
        for (const k of sorted) yield k.row;
      },
      close() {
        mem = [];
      },
    };
  }
  // the last memory-load is a run too
  if (mem.length > 0) {
    const s = createSpool(b.cx);
    runs.push(s);
    for (const k of mem) s.write(k.row);
    s.finish();
    mem = [];
  }
  if (report !== undefined) {
    report.method = 'external merge';
    report.spaceKb = Math.ceil(runs.reduce((a, s) => a + s.bytes, 0) / 1024);
    report.spaceType = 'Disk';
  }
  return {
    *rows() {
      yield* mergeRuns(
        runs.map((s) => s.read()[Symbol.iterator]()),
        (row) => keyValues(keys, row, env),
        (x, y) => compareKeyValues(keys, x, y),
      );
    },
    close() {
      for (const s of runs) s.close();
    },
  };
}

/** k-way merge of sorted iterators; ties go to the lower-numbered source (stable). */
export function* mergeRuns(
  sources: Iterator<unknown[]>[],
  keysOf: (row: unknown[]) => unknown[],
  compare: (a: unknown[], b: unknown[]) => number,
): Generator<unknown[]> {
  interface Head {
    row: unknown[];
    keys: unknown[];
    src: number;
  }
  const heap: Head[] = [];
  const less = (a: Head, b: Head) => {
    const c = compare(a.keys, b.keys);
    return c < 0 || (c === 0 && a.src < b.src);
  };
  const push = (h: Head) => {
    heap.push(h);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const pop = (): Head => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  sources.forEach((s, src) => {
    const r = s.next();
    if (r.done !== true) push({ row: r.value, keys: keysOf(r.value), src });
  });
  while (heap.length > 0) {
    const h = pop();
    yield h.row;
    const r = sources[h.src]!.next();
    if (r.done !== true) push({ row: r.value, keys: keysOf(r.value), src: h.src });
  }
}

export function buildSort(b: Builder, node: SortNode): ExecNode {
  const input = b.build(node.input);
  const keys = compileSortKeys(node.keys, node.input.output, b.cx.registry);
  const instr = b.instr(node);
  const watch = paramWatcher(b, node.input);
  let sorted: Sorted | undefined;
  const report = { method: '', spaceKb: 0, spaceType: 'Memory' as 'Memory' | 'Disk' };
  // reading position: an index into the in-memory rows, or an iterator over the runs on disk
  let started = false;
  let pos = 0;
  let mem: readonly Keyed[] | undefined;
  let it: Generator<unknown[]> | undefined;
  let closed = false;
  const start = (): void => {
    if (sorted === undefined || watch.changed()) {
      sorted?.close();
      sorted = undefined;
      input.rescan();
      sorted = sortRows(b, drain(input), keys, report);
      watch.remember();
      if (instr !== undefined) {
        instr.sortMethod = report.method;
        instr.sortSpaceKb = Math.max(instr.sortSpaceKb ?? 0, report.spaceKb);
        instr.sortSpaceType = report.spaceType;
      }
    }
    started = true;
    pos = 0;
    mem = sorted.memory;
    it = mem === undefined ? sorted.rows() : undefined;
  };
  return {
    next() {
      if (!started) start();
      if (mem !== undefined) return pos < mem.length ? mem[pos++]!.row : undefined;
      const r = it!.next();
      return r.done === true ? undefined : r.value;
    },
    rescan() {
      it?.return(undefined);
      it = undefined;
      started = false;
    },
    close() {
      if (closed) return;
      closed = true;
      it?.return(undefined);
      it = undefined;
      sorted?.close();
      input.close();
    },
  };
}

/** The rows of `node` as an iterable (a plain iterator: no generator per row). */
function drain(node: ExecNode): Iterable<unknown[]> {
  return {
    [Symbol.iterator]: () => ({
      next: (): IteratorResult<unknown[]> => {
        const r = node.next();
        return r === undefined ? { done: true, value: undefined } : { done: false, value: r };
      },
    }),
  };
}

export function buildIncrementalSort(b: Builder, node: IncrementalSortNode): ExecNode {
  const input = b.build(node.input);
  const keys = compileSortKeys(node.keys, node.input.output, b.cx.registry);
  const prefix = keys.slice(0, node.presorted);
  const env = b.cx.env;
  const instr = b.instr(node);
  return genNode(
    function* () {
      let group: unknown[][] = [];
      let groupKey: unknown[] | undefined;
      function* flush(): Generator<unknown[]> {
        if (group.length === 0) return;
        const s = sortRows(b, group, keys);
        try {
          yield* s.rows();
        } finally {
          s.close();
        }
        group = [];
      }
      for (let r = input.next(); r !== undefined; r = input.next()) {
        const k = keyValues(prefix, r, env);
        if (groupKey !== undefined && compareKeyValues(prefix, groupKey, k) !== 0) yield* flush();
        groupKey = k;
        group.push(r);
      }
      yield* flush();
      if (instr !== undefined) {
        instr.sortMethod = 'quicksort';
        instr.sortSpaceType = 'Memory';
        instr.sortSpaceKb = Math.max(instr.sortSpaceKb ?? 0, 25);
      }
    },
    { rescan: () => input.rescan(), close: () => input.close() },
  );
}

export function buildUnique(b: Builder, node: UniqueNode): ExecNode {
  const input = b.build(node.input);
  const ops = new RowKeyOps(
    node.input.output.slice(0, node.columns).map((e) => e.type),
    b.cx.registry,
  );
  return genNode(
    function* () {
      let prev: unknown[] | undefined;
      for (let r = input.next(); r !== undefined; r = input.next()) {
        if (prev !== undefined && ops.equal(prev, r)) continue;
        prev = r;
        yield r;
      }
    },
    { rescan: () => input.rescan(), close: () => input.close() },
  );
}

export function buildLimit(b: Builder, node: LimitNode): ExecNode {
  const input = b.build(node.input);
  const registry = b.cx.registry;
  const env = b.cx.env;
  const limit = node.limit === undefined ? undefined : compileExpr(node.limit, registry);
  const offset = node.offset === undefined ? undefined : compileExpr(node.offset, registry);
  const ties =
    node.withTies === undefined
      ? undefined
      : compileSortKeys(node.withTies, node.input.output, registry);
  return genNode(
    function* () {
      const off = offset === undefined ? 0 : (countOf(offset(NO_ROW, env), 'OFFSET') ?? 0);
      const count = limit === undefined ? undefined : limit(NO_ROW, env);
      if (ties !== undefined && count === null) {
        throw new SqlError('2201W', 'row count cannot be null in FETCH FIRST ... WITH TIES clause');
      }
      const lim = count === undefined ? null : countOf(count, 'LIMIT');
      if (lim === 0) return;
      let skipped = 0;
      let returned = 0;
      for (let r = input.next(); r !== undefined; r = input.next()) {
        if (skipped < off) {
          skipped++;
          continue;
        }
        yield r;
        if (lim !== null && ++returned >= lim) {
          if (ties === undefined) return;
          // WITH TIES: go on while the rows equal the last one returned under the ORDER BY
          const last = keyValues(ties, r, env);
          for (let t = input.next(); t !== undefined; t = input.next()) {
            if (compareKeyValues(ties, last, keyValues(ties, t, env)) !== 0) return;
            yield t;
          }
          return;
        }
      }
    },
    { rescan: () => input.rescan(), close: () => input.close() },
  );
}

export function buildAppend(b: Builder, node: AppendNode): ExecNode {
  const children = node.children.map((c) => b.build(c));
  return genNode(
    function* () {
      for (const c of children) {
        for (let r = c.next(); r !== undefined; r = c.next()) yield r;
      }
    },
    {
      rescan: () => {
        for (const c of children) c.rescan();
      },
      close: () => {
        for (const c of children) c.close();
      },
    },
  );
}

/** Material: keeps its input's rows (read lazily) and replays them on rescan unless the input's ExecParams changed. */
export function buildMaterial(b: Builder, node: MaterialNode): ExecNode {
  const input = b.build(node.input);
  const watch = paramWatcher(b, node.input);
  let rows: unknown[][] = [];
  let complete = false;
  let started = false;
  return genNode(
    function* () {
      if (!started || watch.changed()) {
        if (started) input.rescan();
        rows = [];
        complete = false;
        started = true;
        watch.remember();
      }
      let i = 0;
      for (;;) {
        if (i < rows.length) {
          yield rows[i++]!;
          continue;
        }
        if (complete) return;
        const r = input.next();
        if (r === undefined) {
          complete = true;
          return;
        }
        rows.push(r);
      }
    },
    {
      close: () => {
        rows = [];
        input.close();
      },
    },
  );
}

/** Memoize: the inner rows per value of `keys` (evaluated over the ExecParams), cached when read to the end. */
export function buildMemoize(b: Builder, node: MemoizeNode): ExecNode {
  const input = b.build(node.input);
  const registry = b.cx.registry;
  const env = b.cx.env;
  const keys = node.keys.map((k) => compileExpr(k, registry));
  const cache = new RowMap<unknown[][]>(
    new RowKeyOps(
      node.keys.map((k) => k.type),
      registry,
    ),
  );
  let cacheBytes = 0;
  const workMem = b.cx.workMemKb * 1024;
  const instr = b.instr(node) as { cacheHits?: number; cacheMisses?: number } | undefined;
  return genNode(
    function* () {
      const k = keys.map((c) => c(NO_ROW, env));
      const hit = cache.get(k);
      if (hit !== undefined) {
        if (instr !== undefined) instr.cacheHits = (instr.cacheHits ?? 0) + 1;
        yield* hit;
        return;
      }
      if (instr !== undefined) instr.cacheMisses = (instr.cacheMisses ?? 0) + 1;
      input.rescan();
      const rows: unknown[][] = [];
      for (let r = input.next(); r !== undefined; r = input.next()) {
        rows.push(r);
        yield r;
      }
      let bytes = 0;
      for (const r of rows) bytes += rowBytes(r);
      if (cacheBytes + bytes > workMem) {
        cache.clear();
        cacheBytes = 0;
      }
      cache.set(k, rows);
      cacheBytes += bytes;
    },
    {
      close: () => {
        cache.clear();
        input.close();
      },
    },
  );
}
