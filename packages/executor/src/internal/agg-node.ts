/**
 * The Agg plan node (PostgreSQL's nodeAgg.c): groups its input rows and
 * computes each aggregate per group.
 *
 *   plain   one row over all input (also over no input);
 *   sorted  input sorted on the group expressions: one row per run of
 *           equal keys, emitted as soon as the run ends;
 *   hashed  a hash table keyed by the group values (the types' hash and
 *           B-tree equality; NULLs group together). Past work_mem, rows of
 *           groups not yet in the table are spilled, by hash bits, to
 *           SPILL_PARTITIONS temporary files (PostgreSQL 13+'s hash agg
 *           spilling); after the input ends the table's groups are
 *           emitted and each spilled partition is aggregated in turn as a
 *           batch of its own (spilling again, on the next hash bits, if it
 *           still does not fit);
 *   mixed   grouping sets: one hash table per set, filled in one pass;
 *           the sets are emitted one after another (an empty set gives
 *           one row even over no input). `sorted` or `hashed` with
 *           grouping sets run the same way.
 *
 * Output rows (R1): node.output in order, where a column is a group value
 * (NULL when the current grouping set does not include it), an Aggref's
 * result, or a GroupingFunc's bit mask. `having` is bound to node.output.
 *
 * Invariants:
 *   G1 every input row feeds exactly one group per grouping set (a row
 *      spilled is fed when its partition is processed, never twice);
 *   G2 a group's key is compared with the types' compare (0 = equal),
 *      NULL equal to NULL;
 *   G3 temporary files are closed when the node is closed or rescanned;
 *   G4 see dependentColumns.
 *
 * GroupingFunc.refs in an Agg node's expressions index node.groupExprs
 * (the planner's rewrite of the query's targetList indexes).
 */
import type { AggNode } from '@pg/planner';
import type { Expr, GroupingFunc } from '@pg/sql';
import { SqlError } from '@pg/types';
import { type AggFactory, type AggRun, compileAggCall } from './aggregate.js';
import type { EvalEnv } from './context.js';
import { compileBound, type ExecNode, exprKey, mapChildren, type NodeContext } from './node.js';
import { pgHashFunction, simplehashOrder, tupleHash } from './pg-hash-order.js';
import { valueHasher } from './rowutil.js';
import { createSpool, type Spool } from './tempfile.js';

/** How many files a spilling hash aggregate splits new groups' rows into. */
export const SPILL_PARTITIONS = 4;
const SPILL_BITS = 2;
/** Beyond this depth a batch no longer spills (hash bits run out). */
const MAX_SPILL_DEPTH = 12;

interface Group {
  readonly key: readonly unknown[];
  readonly states: AggRun[];
}

/** Builds the running Agg node over `input`. */
export function buildAggNode(node: AggNode, input: ExecNode, cx: NodeContext): ExecNode {
  const registry = cx.registry;
  const inputs = node.input.output;
  const groupExprs = node.groupExprs.map((e) => compileBound(e, inputs, registry));
  const ngroup = groupExprs.length;
  const dependent = dependentColumns(node);
  const aggs: AggFactory[] = [
    ...node.aggregates.map((a) => compileAggCall(a, inputs, registry)),
    ...dependent.columns.map((e) => firstValue(compileBound(e, inputs, registry))),
  ];
  const having =
    node.having === undefined ? undefined : compileBound(node.having, node.output, registry);
  const groupTypes = node.groupExprs.map((e) => registry.mustType(e.type));
  const compares = groupTypes.map((t) => t.compare);
  const hashes = node.groupExprs.map((e) => valueHasher(e.type, registry));
  const env = cx.env;
  const allSet = node.groupExprs.map((_, i) => i);
  const sets: readonly (readonly number[])[] = node.groupingSets ?? [allSet];
  const setMode = node.groupingSets !== undefined || node.strategy === 'mixed';
  const project = makeProjector({ ...node, output: dependent.output }, ngroup, cx);
  const instr = cx.instrumentation?.get(node);
  const workMemBytes = cx.workMemKb * 1024;

  const evalGroup = (row: readonly unknown[]): unknown[] => {
    const out = new Array<unknown>(ngroup);
    for (let i = 0; i < ngroup; i++) out[i] = groupExprs[i]!(row, env);
    return out;
  };
  const newStates = (): AggRun[] => aggs.map((f) => f());
  const feed = (states: AggRun[], row: readonly unknown[]) => {
    for (let i = 0; i < states.length; i++) states[i]!.row(row, env);
  };
  const results = (states: readonly AggRun[]) => states.map((s) => s.result(env));
  const sameKey = (a: readonly unknown[], b: readonly unknown[], cols: readonly number[]) => {
    for (let j = 0; j < cols.length; j++) {
      const x = a[j] ?? null;
      const y = b[j] ?? null;
      if (x === null || y === null) {
        if (x !== y) return false;
      } else if (compares[cols[j]!]!(x, y) !== 0) return false;
    }
    return true;
  };
  /** The group of `key` in a hash bucket (a loop: no closure per row). */
  const findGroup = <G extends { readonly key: readonly unknown[] }>(
    bucket: readonly G[] | undefined,
    key: readonly unknown[],
    cols: readonly number[],
  ): G | undefined => {
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) {
      const g = bucket[i]!;
      if (sameKey(g.key, key, cols)) return g;
    }
    return undefined;
  };
  const hashKey = (key: readonly unknown[], cols: readonly number[]) => {
    let h = 0;
    for (let j = 0; j < cols.length; j++) {
      const v = key[j] ?? null;
      const hv = v === null ? 0x9e3779b9 : hashes[cols[j]!]!(v);
      h = (Math.imul(h, 31) + hv) | 0;
      h ^= h >>> 15;
    }
    return h >>> 0;
  };

  /** The output row for a group of grouping set `set` (key values in set order). */
  const emit = (set: readonly number[], key: readonly unknown[], aggValues: readonly unknown[]) => {
    const full = new Array<unknown>(ngroup).fill(null);
    for (let j = 0; j < set.length; j++) full[set[j]!] = key[j] ?? null;
    const row = project(full, aggValues, set);
    if (having !== undefined && having(row, env) !== true) return undefined;
    return row;
  };

  // ------------------------------------------------------------ the run's state
  let pending: (() => unknown[] | undefined) | undefined;
  let spools: Spool[] = [];
  let peakBytes = 0;
  let diskBytes = 0;
  let batches = 0;

  const closeSpools = () => {
    for (const s of spools) s.close();
    spools = [];
  };

  function start(): () => unknown[] | undefined {
    if (node.strategy === 'plain' && !setMode) return runPlain();
    if (node.strategy === 'sorted' && !setMode) return runSorted();
    if (!setMode) return runHashed();
    return runSets();
  }

  function runPlain(): () => unknown[] | undefined {
    let done = false;
    return () => {
      while (!done) {
        done = true;
        const states = newStates();
        let n = 0;
        for (let row = input.next(); row !== undefined; row = input.next()) {
          if ((++n & 1023) === 0) cx.checkInterrupts();
          feed(states, row);
        }
        const out = emit([], [], results(states));
        if (out !== undefined) return out;
      }
      return undefined;
    };
  }

  function runSorted(): () => unknown[] | undefined {
    let current: { key: unknown[]; states: AggRun[] } | undefined;
    let ended = false;
    let n = 0;
    return () => {
      while (!ended) {
        if ((++n & 1023) === 0) cx.checkInterrupts();
        const row = input.next();
        if (row === undefined) {
          ended = true;
          if (current === undefined) return undefined;
          const out = emit(allSet, current.key, results(current.states));
          current = undefined;
          if (out !== undefined) return out;
          return undefined;
        }
        const key = evalGroup(row);
        if (current !== undefined && sameKey(current.key, key, allSet)) {
          feed(current.states, row);
          continue;
        }
        const finished = current;
        current = { key, states: newStates() };
        feed(current.states, row);
        if (finished !== undefined) {
          const out = emit(allSet, finished.key, results(finished.states));
          if (out !== undefined) return out;
        }
      }
      return undefined;
    };
  }

  /** Group size estimate in bytes (PostgreSQL measures its memory contexts; we estimate). */
  const groupBytes = (key: readonly unknown[]) => {
    let b = 64 + 48 * aggs.length;
    for (const v of key) b += typeof v === 'string' ? 16 + 2 * v.length : 16;
    return b;
  };

  function runHashed(): () => unknown[] | undefined {
    // batches to process: the input first, then spilled partitions (with their depth)
    const queue: { rows: () => Iterable<unknown[]>; depth: number; spool?: Spool }[] = [
      {
        rows: function* () {
          for (let row = input.next(); row !== undefined; row = input.next()) yield row;
        },
        depth: 0,
      },
    ];
    let out: Iterator<unknown[]> | undefined;
    return () => {
      for (;;) {
        if (out !== undefined) {
          const r = out.next();
          if (!r.done) return r.value;
          out = undefined;
        }
        const batch = queue.shift();
        if (batch === undefined) return undefined;
        batches++;
        out = runBatch(batch.rows(), batch.depth, (parts) => {
          for (const p of parts) {
            queue.push({ rows: () => p.read(), depth: batch.depth + 1, spool: p });
          }
        });
        report();
        if (batch.spool !== undefined) {
          // runBatch has read the whole partition: its file can go
          const done = batch.spool;
          done.close();
          spools = spools.filter((x) => x !== done);
        }
      }
    };
  }

  /** Aggregates one batch into a hash table, spilling rows of new groups past work_mem. */
  function runBatch(
    rows: Iterable<unknown[]>,
    depth: number,
    addPartitions: (parts: Spool[]) => void,
  ): Iterator<unknown[]> {
    const table = new Map<number, Group[]>();
    let bytes = 0;
    let parts: Spool[] | undefined;
    const canSpill = depth < MAX_SPILL_DEPTH;
    let n = 0;
    for (const row of rows) {
      if ((++n & 1023) === 0) cx.checkInterrupts();
      const key = evalGroup(row);
      const h = hashKey(key, allSet);
      let bucket = table.get(h);
      let group = findGroup(bucket, key, allSet);
      if (group === undefined) {
        if (parts !== undefined) {
          const p = (h >>> (depth * SPILL_BITS)) & (SPILL_PARTITIONS - 1);
          parts[p]!.write(row);
          continue;
        }
        group = { key, states: newStates() };
        if (bucket === undefined) {
          bucket = [];
          table.set(h, bucket);
        }
        bucket.push(group);
        bytes += groupBytes(key);
        if (bytes > peakBytes) peakBytes = bytes;
        if (canSpill && bytes > workMemBytes && workMemBytes > 0) {
          parts = [];
          for (let i = 0; i < SPILL_PARTITIONS; i++) parts.push(createSpool(cx));
          spools.push(...parts);
        }
      }
      feed(group.states, row);
    }
    if (parts !== undefined) {
      for (const p of parts) {
        p.finish();
        diskBytes += p.bytes;
      }
      addPartitions(parts);
    }
    const groups = table.values();
    let bucket: Group[] = [];
    let at = 0;
    return {
      next: () => {
        for (;;) {
          if (at < bucket.length) {
            const g = bucket[at++]!;
            const row = emit(allSet, g.key, results(g.states));
            if (row !== undefined) return { done: false, value: row };
            continue;
          }
          const nextBucket = groups.next();
          if (nextBucket.done) return { done: true, value: undefined };
          bucket = nextBucket.value;
          at = 0;
        }
      },
    };
  }

  function runSets(): () => unknown[] | undefined {
    const tables = sets.map(() => new Map<number, Group[]>());
    const order: Group[][] = sets.map(() => []);
    // per set, the input row that made its last new group (hash-table growth: pg-hash-order.ts)
    const lastNew: number[] = sets.map(() => 0);
    let n = 0;
    for (let row = input.next(); row !== undefined; row = input.next()) {
      if ((++n & 1023) === 0) cx.checkInterrupts();
      const all = evalGroup(row);
      for (let s = 0; s < sets.length; s++) {
        const set = sets[s]!;
        const key = set.map((i) => all[i]);
        const h = hashKey(key, set);
        const table = tables[s]!;
        let bucket = table.get(h);
        let group = findGroup(bucket, key, set);
        if (group === undefined) {
          group = { key, states: newStates() };
          if (bucket === undefined) {
            bucket = [];
            table.set(h, bucket);
          }
          bucket.push(group);
          order[s]!.push(group);
          lastNew[s] = n;
        }
        feed(group.states, row);
      }
    }
    for (let s = 0; s < sets.length; s++) {
      // an empty grouping set gives its one row even over no input
      if (sets[s]!.length === 0 && order[s]!.length === 0) {
        order[s]!.push({ key: [], states: newStates() });
      }
      if (node.strategy !== 'sorted' && sets[s]!.length > 0) {
        // a hashed set's groups come out in PostgreSQL's hash table order when it can be reproduced
        const set = sets[s]!;
        const est = node.setGroups?.[s];
        const fns = set.map((i) => pgHashFunction(node.groupExprs[i]!.type));
        if (est !== undefined && fns.every((f) => f !== undefined)) {
          const fs = fns as ((v: unknown) => number)[];
          const groups = order[s]!;
          order[s] = simplehashOrder(
            groups,
            groups.map((g) => tupleHash(g.key, fs)),
            est,
            lastNew[s]! < n,
          );
        }
      }
      if (node.strategy === 'sorted') {
        const set = sets[s]!;
        order[s]!.sort((a, b) => {
          for (let j = 0; j < set.length; j++) {
            const x = a.key[j] ?? null;
            const y = b.key[j] ?? null;
            if (x === null || y === null) {
              if (x === y) continue;
              return x === null ? 1 : -1;
            }
            const c = compares[set[j]!]!(x, y);
            if (c !== 0) return c;
          }
          return 0;
        });
      }
    }
    batches = 1;
    peakBytes = order.reduce(
      (b, groups) => b + groups.reduce((x, g) => x + groupBytes(g.key), 0),
      0,
    );
    report();
    let s = 0;
    let at = 0;
    return () => {
      while (s < sets.length) {
        const groups = order[s]!;
        if (at >= groups.length) {
          s++;
          at = 0;
          continue;
        }
        const g = groups[at++]!;
        const row = emit(sets[s]!, g.key, results(g.states));
        if (row !== undefined) return row;
      }
      return undefined;
    };
  }

  function report() {
    if (instr === undefined) return;
    instr.aggBatches = Math.max(instr.aggBatches ?? 0, batches);
    instr.hashMemoryKb = Math.max(instr.hashMemoryKb ?? 0, Math.ceil(peakBytes / 1024));
    instr.diskUsageKb = Math.max(instr.diskUsageKb ?? 0, Math.ceil(diskBytes / 1024));
  }

  return {
    next() {
      if (pending === undefined) pending = start();
      return pending();
    },
    rescan() {
      closeSpools();
      pending = undefined;
      input.rescan();
    },
    close() {
      closeSpools();
      pending = undefined;
      input.close();
    },
  };
}

/**
 * The function that builds an output row from the group values (all of
 * groupExprs, NULL outside the set), the aggregate results and the set.
 */
/**
 * G4 (check_functional_grouping): a column of a table whose primary key is
 * grouped may appear outside aggregates; it is read, as PostgreSQL reads
 * it, from the group's representative (here: first) input row. Such Vars
 * of node.output become Aggrefs (numbered after node.aggregates) of an
 * internal first-value aggregate.
 */
function dependentColumns(node: AggNode): { columns: Expr[]; output: Expr[] } {
  const groupKeys = new Set(node.groupExprs.map(exprKey));
  const inputKeys = new Set(node.input.output.map(exprKey));
  const columns: Expr[] = [];
  const keys: string[] = [];
  const rewrite = (e: Expr): Expr => {
    if (e.kind === 'aggref' || e.kind === 'groupingfunc') return e;
    const key = exprKey(e);
    if (groupKeys.has(key)) return e;
    if (e.kind === 'var' && inputKeys.has(key)) {
      let i = keys.indexOf(key);
      if (i < 0) {
        i = keys.length;
        keys.push(key);
        columns.push(e);
      }
      return { kind: 'aggref', index: node.aggregates.length + i, type: e.type, typmod: e.typmod };
    }
    return mapChildren(e, rewrite);
  };
  const output = node.output.map(rewrite);
  return { columns, output };
}

/** The value of `f` on the first row fed (G4). */
function firstValue(f: (row: readonly unknown[], env: EvalEnv) => unknown): AggFactory {
  return () => {
    let fed = false;
    let value: unknown = null;
    return {
      row: (row, env) => {
        if (fed) return;
        fed = true;
        value = f(row, env);
      },
      result: () => value,
    };
  };
}

function makeProjector(
  node: AggNode,
  ngroup: number,
  cx: NodeContext,
): (group: readonly unknown[], aggs: readonly unknown[], set: readonly number[]) => unknown[] {
  const cols: ((
    g: readonly unknown[],
    a: readonly unknown[],
    set: readonly number[],
  ) => unknown)[] = node.output.map((e: Expr, j) => {
    if (!isDirect(node, e)) return computed(node, e, cx);
    // a group expression: by structure (the planner's copy; an Aggref of the
    // input when this node makes DISTINCT over an aggregation), else by position (R1)
    const key = exprKey(e);
    const k = node.groupExprs.findIndex((g) => exprKey(g) === key);
    if (k < 0 && e.kind === 'aggref') {
      const i = e.index;
      return (_g, a) => a[i] ?? null;
    }
    if (k < 0 && e.kind === 'groupingfunc') return groupingMask(e);
    const i = k >= 0 ? k : j;
    if (i >= ngroup) {
      throw new SqlError(
        'XX000',
        `plan error: Agg output column ${j + 1} is not a group expression`,
      );
    }
    return (g) => g[i] ?? null;
  });
  return (g, a, set) => cols.map((c) => c(g, a, set));
}

/** A group expression, an Aggref or a GroupingFunc: read as it is, not computed. */
function isDirect(node: AggNode, e: Expr): boolean {
  if (e.kind === 'aggref' || e.kind === 'groupingfunc') return true;
  const key = exprKey(e);
  return node.groupExprs.some((g) => exprKey(g) === key);
}

/**
 * An output column computed over the group values, the aggregate results
 * and the GroupingFuncs (the planner put the SELECT list's expressions on
 * the Agg, as PostgreSQL projects there): bound to a row of
 * groupExprs ++ every Aggref and GroupingFunc inside it.
 */
function computed(
  node: AggNode,
  e: Expr,
  cx: NodeContext,
): (g: readonly unknown[], a: readonly unknown[], set: readonly number[]) => unknown {
  const leaves: Expr[] = [];
  const collect = (x: Expr): Expr => {
    if (x.kind === 'aggref' || x.kind === 'groupingfunc') leaves.push(x);
    else mapChildren(x, collect);
    return x;
  };
  collect(e);
  const inputs = [...node.groupExprs, ...leaves];
  const f = compileBound(e, inputs, cx.registry);
  const reads = leaves.map((x) => {
    if (x.kind === 'aggref') {
      const i = x.index;
      return (_g: readonly unknown[], a: readonly unknown[]) => a[i] ?? null;
    }
    return groupingMask(x as GroupingFunc);
  });
  return (g, a, set) => {
    const row: unknown[] = [...g];
    for (const r of reads) row.push(r(g, a, set));
    return f(row, cx.env);
  };
}

function groupingMask(
  e: GroupingFunc,
): (g: readonly unknown[], a: readonly unknown[], set: readonly number[]) => unknown {
  const refs = e.refs;
  return (_g, _a, set) => {
    let mask = 0;
    for (const r of refs) mask = (mask << 1) | (set.includes(r) ? 0 : 1);
    return mask;
  };
}
