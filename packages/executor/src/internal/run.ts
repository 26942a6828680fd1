/**
 * Runs a planned SELECT (@pg/planner's PlannedSelect) as a tree of pull
 * iterators (PostgreSQL's ExecutorStart / ExecutorRun / ExecutorEnd).
 *
 *   1. takes the relation locks of `planned.relations` (waiting when a
 *      conflicting lock is held), as executePlan does;
 *   2. takes the statement snapshot (READ COMMITTED: a new one; REPEATABLE
 *      READ: the transaction's), which also refuses a failed block (25P02);
 *   3. builds the node tree (ExecInitNode), instrumented for EXPLAIN
 *      ANALYZE when asked;
 *   4. pulls the top node's rows, yielding to the event loop (setImmediate)
 *      and checking for cancellation every BATCH rows;
 *   5. closes every node and removes every temporary file, also when a
 *      node throws (the `finally`).
 * SubPlans and CTEs are built on first use, once per execution; a SubPlan
 * is restarted (rescan) at each evaluation, a CTE's rows are kept in a
 * tuplestore every CteScan of it reads.
 */
import { tmpdir } from 'node:os';
import { sessionUpdateContext } from '@pg/heap';
import { LockMode, relationLockTag } from '@pg/mvcc';
import type { NodeInstrumentation, PlanNode, PlannedSelect } from '@pg/planner';
import type { BufferPool } from '@pg/storage';
import { builtins, SqlError } from '@pg/types';
import { buildAggNode } from './agg-node.js';
import type { Builder, CteStore } from './builder.js';
import type { EvalEnv, ExecContext } from './context.js';
import { setSubPlanRunner } from './expr.js';
import { buildHashJoin, buildMergeJoin, buildNestLoop } from './join-nodes.js';
import { buildMergeAppend } from './merge-append.js';
import type { ExecNode, NodeContext } from './node.js';
import { execParamsOf } from './rowutil.js';
import {
  buildBitmapHeapScan,
  buildCteScan,
  buildFunctionScan,
  buildIndexScan,
  buildProjectSet,
  buildResult,
  buildSeqScan,
  buildSubqueryScan,
  buildValuesScan,
  buildWorkTableScan,
} from './scan-nodes.js';
import { buildRecursiveUnion, buildSetOp } from './setop-nodes.js';
import {
  buildAppend,
  buildIncrementalSort,
  buildLimit,
  buildMaterial,
  buildMemoize,
  buildSort,
  buildUnique,
} from './sort.js';
import { closeTempFiles } from './tempfile.js';
import { buildWindowAggNode } from './window-node.js';

export interface ExecuteSelectOptions {
  /** Collect EXPLAIN ANALYZE counters per plan node. */
  readonly instrument?: boolean;
  /** work_mem in kB (default 4096, PostgreSQL's 4MB). */
  readonly workMemKb?: number;
  /** Where temporary files go (default: the OS temporary directory). */
  readonly tempDir?: string;
  /** Throws 57014 when the statement is canceled; called between batches. */
  readonly checkInterrupts?: () => void;
}

/** Rows pulled between yields to the event loop. */
const BATCH = 1000;

/** os.tmpdir() reads the environment at each call: once is enough. */
let defaultTempDir: string | undefined;
function defaultTemp(): string {
  if (defaultTempDir === undefined) defaultTempDir = tmpdir();
  return defaultTempDir;
}

/** Runs `planned` in the session of `ctx`; returns the client-visible columns of each row (R4). */
export async function executeSelect(
  planned: PlannedSelect,
  ctx: ExecContext,
  options: ExecuteSelectOptions = {},
): Promise<{ rows: unknown[][]; instrumentation?: Map<PlanNode, NodeInstrumentation> }> {
  for (const r of planned.relations) {
    const tag = relationLockTag(ctx.dbOid, r.oid);
    const mode = LockMode[r.lockMode];
    if (!ctx.locks.tryAcquire(ctx.session, tag, mode)) {
      await ctx.locks.acquire(ctx.session, tag, mode);
    }
  }
  const snapshot = ctx.manager.statementSnapshot(ctx.session);
  const registry = ctx.registry ?? builtins;
  const env: EvalEnv & { execParams: unknown[]; sublinkRow: readonly unknown[] | undefined } = {
    params: ctx.params ?? [],
    tctx: ctx.typeContext,
    user: ctx.user ?? 'postgres',
    database: ctx.database ?? 'postgres',
    settings: ctx.settings,
    execParams: new Array<unknown>(planned.execParams).fill(null),
    // the sub-SELECT row a SubPlan's testExpr is looking at (SubLinkParams read it)
    sublinkRow: undefined,
  };
  const instrumentation =
    options.instrument === true ? new Map<PlanNode, NodeInstrumentation>() : undefined;
  const check = options.checkInterrupts ?? (() => {});
  const cx: NodeContext = {
    registry,
    env,
    exec: ctx,
    workMemKb: options.workMemKb ?? 4096,
    tempDir: options.tempDir ?? defaultTemp(),
    checkInterrupts: check,
    ...(instrumentation === undefined ? {} : { instrumentation }),
  };
  const execution = new Execution(
    cx,
    planned,
    snapshot,
    instrumentation === undefined ? undefined : bufferPoolOf(planned, ctx),
  );
  const width = planned.columns.length;
  const rows: unknown[][] = [];
  try {
    const top = execution.build(planned.plan);
    let n = 0;
    for (let r = top.next(); r !== undefined; r = top.next()) {
      rows.push(r.length === width ? r : r.slice(0, width));
      if (++n % BATCH === 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        check();
      }
    }
  } finally {
    execution.close();
    closeTempFiles(cx);
  }
  return instrumentation === undefined ? { rows } : { rows, instrumentation };
}

/** The buffer pool the statement's tables live in (for Buffers: shared hit/read). */
function bufferPoolOf(planned: PlannedSelect, ctx: ExecContext): BufferPool | undefined {
  for (const r of planned.relations) {
    try {
      const rel = ctx.relations.open(r.oid);
      if (rel.heap !== undefined) return rel.heap.pool;
    } catch {
      // a relation that cannot be opened fails later, where it is scanned
    }
  }
  return undefined;
}

/** The ExecParam ids each plan node's subtree reads. */
const nodeParams = new WeakMap<PlanNode, number[]>();

/** One execution: the Builder every node constructor is given. */
class Execution implements Builder {
  readonly worktables = new Map<number, readonly unknown[][]>();
  readonly vctx;
  readonly #nodes: ExecNode[] = [];
  readonly #subplanNodes = new Map<number, ExecNode>();
  readonly #ctes = new Map<number, CteStore>();

  constructor(
    readonly cx: NodeContext,
    readonly planned: PlannedSelect,
    readonly snapshot: ReturnType<ExecContext['manager']['statementSnapshot']>,
    readonly pool: BufferPool | undefined,
  ) {
    const ctx = cx.exec;
    this.vctx = sessionUpdateContext(ctx, ctx.session, ctx.comboCids);
    setSubPlanRunner(cx.env, {
      start: (plan) => {
        let node = this.#subplanNodes.get(plan);
        if (node === undefined) {
          node = this.build(this.#subplan(plan));
          this.#subplanNodes.set(plan, node);
        } else {
          node.rescan();
        }
        return node;
      },
    });
  }

  #subplan(plan: number): PlanNode {
    const p = this.planned.subplans[plan];
    if (p === undefined) throw new SqlError('XX000', `subplan ${plan} does not exist`);
    return p;
  }

  instr(node: object): NodeInstrumentation | undefined {
    const m = this.cx.instrumentation;
    if (m === undefined) return undefined;
    let i = m.get(node as PlanNode);
    if (i === undefined) {
      i = { startupMs: 0, totalMs: 0, rows: 0, loops: 0 };
      m.set(node as PlanNode, i);
    }
    return i;
  }

  paramsOf(node: PlanNode): readonly number[] {
    // a plan node belongs to one (immutable, cached) plan: computed once per plan
    let p = nodeParams.get(node);
    if (p === undefined) {
      p = [...execParamsOf(node, this.planned.subplans)];
      nodeParams.set(node, p);
    }
    return p;
  }

  cte(plan: number): CteStore {
    let store = this.#ctes.get(plan);
    if (store === undefined) {
      const node = this.build(this.#subplan(plan));
      const rows: unknown[][] = [];
      let done = false;
      store = {
        row: (i) => {
          while (i >= rows.length && !done) {
            const r = node.next();
            if (r === undefined) done = true;
            else rows.push(r);
          }
          return rows[i];
        },
      };
      this.#ctes.set(plan, store);
    }
    return store;
  }

  build(node: PlanNode): ExecNode {
    const instr = this.instr(node);
    const built = this.#dispatch(node);
    this.#nodes.push(built);
    return instr === undefined ? built : instrumented(built, instr, this.pool);
  }

  #dispatch(node: PlanNode): ExecNode {
    switch (node.kind) {
      case 'seqscan':
        return buildSeqScan(this, node);
      case 'indexscan':
      case 'indexonlyscan':
        return buildIndexScan(this, node);
      case 'bitmapheapscan':
        return buildBitmapHeapScan(this, node);
      case 'valuesscan':
        return buildValuesScan(this, node);
      case 'functionscan':
        return buildFunctionScan(this, node);
      case 'subqueryscan':
        return buildSubqueryScan(this, node);
      case 'ctescan':
        return buildCteScan(this, node);
      case 'worktablescan':
        return buildWorkTableScan(this, node);
      case 'result':
        return buildResult(this, node);
      case 'projectset':
        return buildProjectSet(this, node);
      case 'nestloop':
        return buildNestLoop(this, node);
      case 'hashjoin':
        return buildHashJoin(this, node);
      case 'mergejoin':
        return buildMergeJoin(this, node);
      case 'hash':
        throw new SqlError('XX000', 'a Hash node outside of a hash join');
      case 'sort':
        return buildSort(this, node);
      case 'incrementalsort':
        return buildIncrementalSort(this, node);
      case 'unique':
        return buildUnique(this, node);
      case 'limit':
        return buildLimit(this, node);
      case 'append':
        return buildAppend(this, node);
      case 'mergeappend':
        return buildMergeAppend(this, node);
      case 'setop':
        return buildSetOp(this, node);
      case 'recursiveunion':
        return buildRecursiveUnion(this, node);
      case 'material':
        return buildMaterial(this, node);
      case 'memoize':
        return buildMemoize(this, node);
      case 'agg':
        return buildAggNode(node, this.build(node.input), this.cx);
      case 'windowagg':
        return buildWindowAggNode(node, this.build(node.input), this.cx);
    }
  }

  /** Closes every node built (ExecEndNode), even after an error. */
  close(): void {
    let first: unknown;
    for (const n of this.#nodes.reverse()) {
      try {
        n.close();
      } catch (e) {
        first ??= e;
      }
    }
    if (first !== undefined) throw first;
  }
}

/**
 * A node counted for EXPLAIN ANALYZE (InstrStartNode / InstrStopNode): a
 * loop starts at the first `next()` after construction or a rescan;
 * startup is the time in `next()` until the loop's first row; buffer
 * counts are the pool's hits and reads during the node's calls (its
 * children's included, as PostgreSQL reports them).
 */
function instrumented(
  node: ExecNode,
  instr: NodeInstrumentation,
  pool: BufferPool | undefined,
): ExecNode {
  let inLoop = false;
  let firstRow = false;
  if (pool !== undefined) {
    instr.sharedHit ??= 0;
    instr.sharedRead ??= 0;
  }
  return {
    next() {
      if (!inLoop) {
        inLoop = true;
        firstRow = false;
        instr.loops++;
      }
      const hits = pool?.stats.hits ?? 0;
      const reads = pool?.stats.reads ?? 0;
      const t0 = performance.now();
      let r: unknown[] | undefined;
      try {
        r = node.next();
      } finally {
        const dt = performance.now() - t0;
        instr.totalMs += dt;
        if (!firstRow) instr.startupMs += dt;
        if (pool !== undefined) {
          instr.sharedHit = (instr.sharedHit ?? 0) + pool.stats.hits - hits;
          instr.sharedRead = (instr.sharedRead ?? 0) + pool.stats.reads - reads;
        }
      }
      if (r !== undefined) {
        instr.rows++;
        firstRow = true;
      }
      return r;
    },
    rescan() {
      inLoop = false;
      node.rescan();
    },
    close() {
      node.close();
    },
  };
}
