/**
 * What a plan node's constructor is given: the execution's shared state
 * (NodeContext, the statement snapshot, CTE tuplestores, work tables) and
 * a way to build its children.
 */

import type { Snapshot, UpdateContext } from '@pg/mvcc';
import type { NodeInstrumentation, PlanNode, PlannedSelect } from '@pg/planner';
import type { ExecNode, NodeContext } from './node.js';

/** The rows of a WITH query, computed once per execution and read by every CteScan of it. */
export interface CteStore {
  /** Row `i`, computing rows up to it when needed; undefined past the end. */
  row(i: number): unknown[] | undefined;
}

export interface Builder {
  readonly cx: NodeContext;
  readonly planned: PlannedSelect;
  /** The statement snapshot (taken once, after the locks). */
  readonly snapshot: Snapshot;
  /** Visibility context for heap reads (the session's own transaction, combo cids). */
  readonly vctx: UpdateContext;
  /** Builds a child node (instrumented when the execution is). */
  build(node: PlanNode): ExecNode;
  /** The shared tuplestore of subplans[plan]. */
  cte(plan: number): CteStore;
  /** The current rows of RecursiveUnion `id`'s work table. */
  readonly worktables: Map<number, readonly unknown[][]>;
  /** The ExecParam ids `node`'s subtree reads (for deciding whether a rescan must recompute). */
  paramsOf(node: PlanNode): readonly number[];
  /** The instrumentation record of `node` (when instrumenting). */
  instr(node: object): NodeInstrumentation | undefined;
}

/**
 * PostgreSQL's chgParam, reduced: remembers the values of the ExecParams
 * a subtree reads; `changed()` says whether any differs since `remember()`.
 */
export function paramWatcher(b: Builder, node: PlanNode): { remember(): void; changed(): boolean } {
  const ids = b.paramsOf(node);
  const params = b.cx.env.execParams;
  let saved: unknown[] | undefined;
  // a subtree over a work table (id < 0) must always be recomputed
  const volatile = ids.some((id) => id < 0);
  return {
    remember() {
      saved = ids.map((id) => params[id]);
    },
    changed() {
      if (saved === undefined || volatile) return true;
      for (let i = 0; i < ids.length; i++) if (!Object.is(saved[i], params[ids[i]!])) return true;
      return false;
    },
  };
}
