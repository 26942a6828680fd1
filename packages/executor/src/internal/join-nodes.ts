/**
 * Join nodes (PostgreSQL's nodeNestloop.c, nodeHashjoin.c + nodeHash.c,
 * nodeMergejoin.c).
 *
 * J1 a join's input row is outer ++ inner (R2); `joinQual` decides which
 *    pairs match (for outer, semi and anti joins), `filter` is applied to
 *    the joined row afterwards;
 * J2 an unmatched row of a left/right/full join is joined with NULLs for
 *    the other side; semi emits an outer row at its first match, anti an
 *    outer row with none;
 * J3 a NULL join key matches nothing (hash and merge joins), so such an
 *    outer row is unmatched, and such an inner row is never probed for.
 *
 * Hash join batching (the hybrid hash join of nodeHash.c): the inner rows
 * are loaded into memory until they pass work_mem; then the number of
 * batches doubles, and the rows of batch b (hash & (nbatch - 1)) other
 * than 0 move to a temporary file per batch. Outer rows of batch b > 0 go
 * to that batch's outer file; after the outer side ends, each batch's
 * inner file is loaded and its outer file probed. A row found in a batch
 * file that now belongs to a later batch (nbatch grew after it was
 * written) is moved on to that batch's file, as ExecHashJoinNewBatch does.
 */
import type { HashJoinNode, JoinType, MergeJoinNode, NestLoopNode, PlanNode } from '@pg/planner';
import type { Expr } from '@pg/sql';
import { type Registry, SqlError } from '@pg/types';
import { type Builder, paramWatcher } from './builder.js';
import type { EvalEnv } from './context.js';
import { compileBound, type ExecNode } from './node.js';
import { compileBoundQual, compileProjection, genNode, rowBytes, valueHasher } from './rowutil.js';
import { createSpool, type Spool } from './tempfile.js';

type Qual = ((row: readonly unknown[], env: EvalEnv) => boolean) | undefined;

interface JoinParts {
  readonly joinQual: Qual;
  readonly filter: Qual;
  readonly project: ((row: readonly unknown[], env: EvalEnv) => unknown[]) | undefined;
  readonly outerWidth: number;
  readonly innerWidth: number;
  readonly inputs: readonly Expr[];
}

function joinParts(
  b: Builder,
  node: { output: readonly Expr[]; joinQual?: Expr; filter?: Expr; joinType: JoinType },
  outer: PlanNode,
  inner: PlanNode,
): JoinParts {
  const registry = b.cx.registry;
  const inputs = [...outer.output, ...inner.output];
  return {
    joinQual: compileBoundQual(node.joinQual, inputs, registry),
    filter: compileBoundQual(node.filter, inputs, registry),
    project: compileProjection(node.output, inputs, registry),
    outerWidth: outer.output.length,
    innerWidth: inner.output.length,
    inputs,
  };
}

/** Joins two rows (outer ++ inner; either may be null for NULL-extension). */
function combine(
  o: readonly unknown[] | null,
  i: readonly unknown[] | null,
  ow: number,
  iw: number,
): unknown[] {
  const out = new Array<unknown>(ow + iw);
  for (let k = 0; k < ow; k++) out[k] = o === null ? null : (o[k] ?? null);
  for (let k = 0; k < iw; k++) out[ow + k] = i === null ? null : (i[k] ?? null);
  return out;
}

/** Emits `row` through the join's filter and projection (undefined when filtered out). */
function emitter(b: Builder, node: object, p: JoinParts) {
  const env = b.cx.env;
  const instr = b.instr(node);
  return (row: unknown[]): unknown[] | undefined => {
    if (p.filter !== undefined && !p.filter(row, env)) {
      if (instr !== undefined) instr.removedByFilter = (instr.removedByFilter ?? 0) + 1;
      return undefined;
    }
    return p.project === undefined ? row : p.project(row, env);
  };
}

function matcher(b: Builder, node: object, p: JoinParts) {
  const env = b.cx.env;
  const instr = b.instr(node);
  const q = p.joinQual;
  if (q === undefined) return () => true;
  return (row: unknown[]): boolean => {
    if (q(row, env)) return true;
    if (instr !== undefined) instr.removedByJoinFilter = (instr.removedByJoinFilter ?? 0) + 1;
    return false;
  };
}

// ---------------------------------------------------------------- NestLoop

export function buildNestLoop(b: Builder, node: NestLoopNode): ExecNode {
  if (node.joinType === 'right' || node.joinType === 'full') {
    throw new SqlError('0A000', `a nested loop ${node.joinType} join is not supported`);
  }
  const outer = b.build(node.outer);
  const inner = b.build(node.inner);
  const p = joinParts(b, node, node.outer, node.inner);
  const emit = emitter(b, node, p);
  const matches = matcher(b, node, p);
  const env = b.cx.env;
  const params = node.params.map((x) => ({
    id: x.id,
    value: compileBound(x.value, node.outer.output, b.cx.registry),
  }));
  const execParams = b.cx.env.execParams;
  const type = node.joinType;
  const { outerWidth: ow, innerWidth: iw } = p;
  return genNode(
    function* () {
      for (let o = outer.next(); o !== undefined; o = outer.next()) {
        for (const x of params) execParams[x.id] = x.value(o, env);
        inner.rescan();
        let matched = false;
        for (let i = inner.next(); i !== undefined; i = inner.next()) {
          const row = combine(o, i, ow, iw);
          if (!matches(row)) continue;
          matched = true;
          if (type === 'anti') break;
          const out = emit(type === 'semi' ? combine(o, null, ow, iw) : row);
          if (out !== undefined) yield out;
          if (type === 'semi') break;
        }
        if (!matched && (type === 'left' || type === 'anti')) {
          const out = emit(combine(o, null, ow, iw));
          if (out !== undefined) yield out;
        }
      }
    },
    {
      rescan: () => outer.rescan(),
      close: () => {
        outer.close();
        inner.close();
      },
    },
  );
}

// ---------------------------------------------------------------- HashJoin

interface Entry {
  readonly row: unknown[];
  readonly hash: number;
  matched: boolean;
}

/** Hashing of join keys: by the key type's hash when both sides have the same type, else not at all (J4). */
function keyHasher(
  outerTypes: readonly number[],
  innerTypes: readonly number[],
  registry: Registry,
) {
  const fns = innerTypes.map((t, i) => {
    if (t !== outerTypes[i]) return undefined; // cross-type: matched by the operator alone
    return valueHasher(t, registry);
  });
  return (keys: readonly unknown[]): number => {
    let h = 0x2f1b;
    for (let i = 0; i < fns.length; i++) {
      const f = fns[i];
      if (f !== undefined) h = (Math.imul(h, 0x01000193) ^ f(keys[i])) | 0;
    }
    // spread the bits: batch numbers take the low bits
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h >>> 0;
  };
}

const MAX_BATCHES = 1 << 16;

export function buildHashJoin(b: Builder, node: HashJoinNode): ExecNode {
  const registry = b.cx.registry;
  const env = b.cx.env;
  const hashNode = node.inner;
  const outer = b.build(node.outer);
  const innerInput = b.build(hashNode.input);
  const p = joinParts(b, node, node.outer, hashNode.input);
  const emit = emitter(b, node, p);
  const matches = matcher(b, node, p);
  const hashClauses = node.hashClauses.map((c) => compileBound(c, p.inputs, registry));
  const outerKeys = node.outerKeys.map((k) => compileBound(k, node.outer.output, registry));
  const innerKeys = hashNode.keys.map((k) => compileBound(k, hashNode.input.output, registry));
  const hashOf = keyHasher(
    node.outerKeys.map((k) => k.type),
    hashNode.keys.map((k) => k.type),
    registry,
  );
  const type = node.joinType;
  const keepNullInner = type === 'right' || type === 'full';
  const outerUnmatched = type === 'left' || type === 'full' || type === 'anti';
  const innerUnmatched = type === 'right' || type === 'full';
  const { outerWidth: ow, innerWidth: iw } = p;
  const workMem = b.cx.workMemKb * 1024;
  const hashInstr = b.instr(hashNode);
  const watch = paramWatcher(b, hashNode);

  // the hash table of the current batch
  let table = new Map<number, Entry[]>();
  let nullInner: Entry[] = [];
  let nbatch = 1;
  let curBatch = 0;
  let innerSpools: (Spool | undefined)[] = [];
  let outerSpools: (Spool | undefined)[] = [];
  let built = false;
  let memory = 0;
  let peak = 0;
  let innerRows = 0;

  const keysOf = (row: readonly unknown[], keys: readonly (typeof outerKeys)[number][]) => {
    const out = new Array<unknown>(keys.length);
    let hasNull = false;
    for (let i = 0; i < keys.length; i++) {
      const v = keys[i]!(row, env);
      if (v === null) hasNull = true;
      out[i] = v;
    }
    return { keys: out, hasNull };
  };
  const spoolFor = (spools: (Spool | undefined)[], batch: number): Spool => {
    let s = spools[batch];
    if (s === undefined) {
      s = createSpool(b.cx);
      spools[batch] = s;
    }
    return s;
  };
  const insert = (e: Entry) => {
    let bucket = table.get(e.hash);
    if (bucket === undefined) {
      bucket = [];
      table.set(e.hash, bucket);
    }
    bucket.push(e);
    memory += rowBytes(e.row) + 48;
    if (memory > peak) peak = memory;
  };
  /** Doubles the batches while the table is over work_mem, moving rows out (ExecHashIncreaseNumBatches). */
  const shrink = () => {
    while (memory > workMem && nbatch < MAX_BATCHES) {
      nbatch *= 2;
      let moved = 0;
      const kept = new Map<number, Entry[]>();
      memory = 0;
      for (const [h, bucket] of table) {
        if ((h & (nbatch - 1)) === curBatch) {
          kept.set(h, bucket);
          for (const e of bucket) memory += rowBytes(e.row) + 48;
          continue;
        }
        const s = spoolFor(innerSpools, h & (nbatch - 1));
        for (const e of bucket) {
          s.write(e.row);
          moved++;
        }
      }
      table = kept;
      if (moved === 0) break; // all rows share one hash: more batches do not help
    }
  };
  const addInner = (row: unknown[]) => {
    const { keys, hasNull } = keysOf(row, innerKeys);
    if (hasNull) {
      if (keepNullInner) {
        nullInner.push({ row, hash: 0, matched: false });
        memory += rowBytes(row);
      }
      return;
    }
    const hash = hashOf(keys);
    const batch = hash & (nbatch - 1);
    if (batch !== curBatch) {
      if (batch < curBatch) throw new SqlError('XX000', 'hash join row for an earlier batch');
      spoolFor(innerSpools, batch).write(row);
      return;
    }
    insert({ row, hash, matched: false });
    if (memory > workMem) shrink();
  };
  const build = () => {
    table = new Map();
    nullInner = [];
    nbatch = 1;
    curBatch = 0;
    memory = 0;
    peak = 0;
    innerRows = 0;
    const t0 = hashInstr === undefined ? 0 : performance.now();
    innerInput.rescan();
    let n = 0;
    for (let r = innerInput.next(); r !== undefined; r = innerInput.next()) {
      addInner(r);
      innerRows++;
      if (++n % 4096 === 0) b.cx.checkInterrupts();
    }
    built = true;
    watch.remember();
    if (hashInstr !== undefined) {
      hashInstr.loops++;
      hashInstr.rows += innerRows;
      const dt = performance.now() - t0;
      hashInstr.totalMs += dt;
      hashInstr.startupMs += dt;
    }
  };
  const report = () => {
    if (hashInstr === undefined) return;
    let buckets = 1024;
    while (buckets < table.size) buckets *= 2;
    hashInstr.hashBuckets = Math.max(hashInstr.hashBuckets ?? 0, buckets);
    hashInstr.hashBatches = nbatch;
    hashInstr.hashMemoryKb = Math.max(hashInstr.hashMemoryKb ?? 0, Math.ceil(peak / 1024));
  };
  const closeSpools = () => {
    for (const s of innerSpools) s?.close();
    for (const s of outerSpools) s?.close();
    innerSpools = [];
    outerSpools = [];
  };

  /** The output rows of outer row `o` (a plain function filling `out`: no generator per outer row). */
  const probe = (o: unknown[], hash: number, out: unknown[][]): void => {
    const bucket = table.get(hash);
    let matched = false;
    if (bucket !== undefined) {
      for (let b = 0; b < bucket.length; b++) {
        const e = bucket[b]!;
        const row = combine(o, e.row, ow, iw);
        let eq = true;
        for (let c = 0; c < hashClauses.length; c++) {
          if (hashClauses[c]!(row, env) !== true) {
            eq = false;
            break;
          }
        }
        if (!eq || !matches(row)) continue;
        matched = true;
        e.matched = true;
        if (type === 'anti') break;
        const r = emit(type === 'semi' ? combine(o, null, ow, iw) : row);
        if (r !== undefined) out.push(r);
        if (type === 'semi') break;
      }
    }
    if (!matched && outerUnmatched) {
      const r = emit(combine(o, null, ow, iw));
      if (r !== undefined) out.push(r);
    }
  };
  const pending: unknown[][] = [];
  function* unmatchedInner(): Generator<unknown[]> {
    if (!innerUnmatched) return;
    for (const bucket of table.values()) {
      for (const e of bucket) {
        if (e.matched) continue;
        const out = emit(combine(null, e.row, ow, iw));
        if (out !== undefined) yield out;
      }
    }
  }

  return genNode(
    function* () {
      pending.length = 0; // rows left by a scan stopped early
      if (!built || nbatch > 1 || watch.changed()) {
        closeSpools();
        build();
      } else {
        for (const bucket of table.values()) for (const e of bucket) e.matched = false;
        for (const e of nullInner) e.matched = false;
      }
      report();
      // batch 0, with the outer rows of later batches spooled
      let n = 0;
      for (let o = outer.next(); o !== undefined; o = outer.next()) {
        if (++n % 4096 === 0) b.cx.checkInterrupts();
        const { keys, hasNull } = keysOf(o, outerKeys);
        if (hasNull) {
          if (outerUnmatched) {
            const out = emit(combine(o, null, ow, iw));
            if (out !== undefined) yield out;
          }
          continue;
        }
        const hash = hashOf(keys);
        const batch = hash & (nbatch - 1);
        if (batch !== 0) {
          spoolFor(outerSpools, batch).write(o);
          continue;
        }
        probe(o, hash, pending);
        if (pending.length === 1) yield pending.pop()!;
        else if (pending.length > 0) {
          yield* pending;
          pending.length = 0;
        }
      }
      yield* unmatchedInner();
      for (const e of nullInner) {
        const out = emit(combine(null, e.row, ow, iw));
        if (out !== undefined) yield out;
      }
      // the later batches
      for (let batch = 1; batch < nbatch; batch++) {
        curBatch = batch;
        table = new Map();
        memory = 0;
        const inSpool = innerSpools[batch];
        if (inSpool !== undefined) {
          for (const row of inSpool.read()) addInner(row);
          inSpool.close();
          innerSpools[batch] = undefined;
        }
        report();
        const outSpool = outerSpools[batch];
        if (outSpool !== undefined) {
          for (const o of outSpool.read()) {
            const hash = hashOf(keysOf(o, outerKeys).keys);
            const ob = hash & (nbatch - 1);
            if (ob !== batch) {
              // nbatch grew while this batch's inner rows were loaded
              spoolFor(outerSpools, ob).write(o);
              continue;
            }
            probe(o, hash, pending);
            yield* pending;
            pending.length = 0;
          }
          outSpool.close();
          outerSpools[batch] = undefined;
        }
        yield* unmatchedInner();
      }
      if (nbatch > 1) {
        // leave batch 0 loaded for a rescan only when there was one batch
        table = new Map();
      }
    },
    {
      rescan: () => {
        outer.rescan();
      },
      close: () => {
        closeSpools();
        outer.close();
        innerInput.close();
        table = new Map();
      },
    },
  );
}

// ---------------------------------------------------------------- MergeJoin

/** Compares merge keys (ascending, NULLS LAST); numbers of different JS types compare numerically. */
function mergeComparator(
  outerTypes: readonly number[],
  innerTypes: readonly number[],
  registry: Registry,
) {
  const cmps = outerTypes.map((t, i) => {
    if (t === innerTypes[i]) return registry.mustType(t).compare;
    return (a: unknown, b: unknown): number => {
      if (
        (typeof a === 'number' || typeof a === 'bigint') &&
        (typeof b === 'number' || typeof b === 'bigint')
      ) {
        if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
        const x = Number(a);
        const y = Number(b);
        return x < y ? -1 : x > y ? 1 : 0;
      }
      throw new SqlError('0A000', 'a merge join across these types is not supported yet');
    };
  });
  return (a: readonly unknown[], b: readonly unknown[]): number => {
    for (let i = 0; i < cmps.length; i++) {
      const x = a[i];
      const y = b[i];
      if (x === null || y === null) {
        if (x === y) continue;
        return x === null ? 1 : -1;
      }
      const c = cmps[i]!(x, y);
      if (c !== 0) return c < 0 ? -1 : 1;
    }
    return 0;
  };
}

/**
 * Merge join over inputs sorted on the keys. The inner rows with the
 * current key are kept as a group (PostgreSQL marks the group's first
 * inner row and restores to it for each outer row with the same key;
 * keeping the group in memory is the same thing without re-reading).
 */
export function buildMergeJoin(b: Builder, node: MergeJoinNode): ExecNode {
  const registry = b.cx.registry;
  const env = b.cx.env;
  const outer = b.build(node.outer);
  const inner = b.build(node.inner);
  const p = joinParts(b, node, node.outer, node.inner);
  const emit = emitter(b, node, p);
  const matches = matcher(b, node, p);
  const outerKeys = node.outerKeys.map((k) => compileBound(k, node.outer.output, registry));
  const innerKeys = node.innerKeys.map((k) => compileBound(k, node.inner.output, registry));
  const cmp = mergeComparator(
    node.outerKeys.map((k) => k.type),
    node.innerKeys.map((k) => k.type),
    registry,
  );
  const type = node.joinType;
  const outerUnmatched = type === 'left' || type === 'full' || type === 'anti';
  const innerUnmatched = type === 'right' || type === 'full';
  const { outerWidth: ow, innerWidth: iw } = p;
  const keysOf = (row: readonly unknown[], keys: typeof outerKeys) => keys.map((k) => k(row, env));
  const hasNull = (k: readonly unknown[]) => k.includes(null);

  return genNode(
    function* () {
      let head = inner.next();
      let headKey = head === undefined ? undefined : keysOf(head, innerKeys);
      let group: { row: unknown[]; matched: boolean }[] = [];
      let groupKey: unknown[] | undefined;
      function* flushGroup(): Generator<unknown[]> {
        if (innerUnmatched) {
          for (const g of group) {
            if (g.matched) continue;
            const out = emit(combine(null, g.row, ow, iw));
            if (out !== undefined) yield out;
          }
        }
        group = [];
        groupKey = undefined;
      }
      function* skipInner(): Generator<unknown[]> {
        if (innerUnmatched && head !== undefined) {
          const out = emit(combine(null, head, ow, iw));
          if (out !== undefined) yield out;
        }
        head = inner.next();
        headKey = head === undefined ? undefined : keysOf(head, innerKeys);
      }
      for (let o = outer.next(); o !== undefined; o = outer.next()) {
        const ko = keysOf(o, outerKeys);
        if (!hasNull(ko)) {
          if (groupKey === undefined || cmp(ko, groupKey) !== 0) {
            yield* flushGroup();
            // advance the inner side to the first row not below the outer key
            while (
              headKey !== undefined &&
              (cmp(headKey, ko) < 0 || (cmp(headKey, ko) === 0 && hasNull(headKey)))
            ) {
              yield* skipInner();
            }
            if (headKey !== undefined && cmp(headKey, ko) === 0) {
              groupKey = headKey;
              while (head !== undefined && headKey !== undefined && cmp(headKey, ko) === 0) {
                group.push({ row: head, matched: false });
                head = inner.next();
                headKey = head === undefined ? undefined : keysOf(head, innerKeys);
              }
            }
          }
        } else if (groupKey !== undefined) {
          yield* flushGroup();
        }
        let matched = false;
        if (!hasNull(ko) && groupKey !== undefined) {
          for (const g of group) {
            const row = combine(o, g.row, ow, iw);
            if (!matches(row)) continue;
            matched = true;
            g.matched = true;
            if (type === 'anti') break;
            const out = emit(type === 'semi' ? combine(o, null, ow, iw) : row);
            if (out !== undefined) yield out;
            if (type === 'semi') break;
          }
        }
        if (!matched && outerUnmatched) {
          const out = emit(combine(o, null, ow, iw));
          if (out !== undefined) yield out;
        }
      }
      yield* flushGroup();
      while (head !== undefined) yield* skipInner();
    },
    {
      rescan: () => {
        outer.rescan();
        inner.rescan();
      },
      close: () => {
        outer.close();
        inner.close();
      },
    },
  );
}
