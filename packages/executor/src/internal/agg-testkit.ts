/**
 * Test helpers for the Agg and WindowAgg nodes (not exported by the
 * package): an array-backed input node, a NodeContext without a session,
 * and constructors for the plan and query shapes they run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AggNode, NodeInstrumentation, PlanNode, WindowAggNode } from '@pg/planner';
import type {
  AggregateCall,
  AggSortKey,
  Expr,
  FrameBound,
  GroupingFunc,
  Var,
  WindowClause,
  WindowFuncCall,
} from '@pg/sql';
import { builtins, defaultContext, TypeOid } from '@pg/types';
import type { ExecContext } from './context.js';
import type { ExecNode, NodeContext } from './node.js';

const T = TypeOid;

/** An input node returning `rows` (rescan starts over); counts rescans and closes. */
export function arrayNode(rows: readonly unknown[][]): ExecNode & { closed: number } {
  let at = 0;
  const node = {
    closed: 0,
    next: () => (at < rows.length ? rows[at++]!.slice() : undefined),
    rescan: () => {
      at = 0;
    },
    close: () => {
      node.closed++;
    },
  };
  return node;
}

let tempDir: string | undefined;

/** A NodeContext for running nodes by hand. */
export function testContext(
  opts: { workMemKb?: number; instrumentation?: Map<PlanNode, NodeInstrumentation> } = {},
): NodeContext {
  tempDir ??= mkdtempSync(join(tmpdir(), 'execagg-'));
  return {
    registry: builtins,
    env: {
      params: [],
      tctx: defaultContext(),
      user: 'postgres',
      database: 'postgres',
      execParams: [],
    },
    exec: {} as ExecContext,
    workMemKb: opts.workMemKb ?? 4096,
    tempDir,
    checkInterrupts: () => {},
    ...(opts.instrumentation === undefined ? {} : { instrumentation: opts.instrumentation }),
  };
}

/** The temporary directory testContext uses. */
export function testTempDir(): string {
  tempDir ??= mkdtempSync(join(tmpdir(), 'execagg-'));
  return tempDir;
}

/** Removes the temporary directory (call in afterAll). */
export function removeTestTempDir(): void {
  if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
}

/** Column `attnum` (1-based) of range-table entry 0. */
export function v(attnum: number, type: number): Var {
  return { kind: 'var', rt: 0, attnum, type, typmod: -1 };
}

export function k(value: unknown, type: number): Expr {
  return { kind: 'const', value, type, typmod: -1 };
}

const EST = { startupCost: 0, totalCost: 0, rows: 0, width: 0 };

/** A scan-like plan node whose output is Var(0, 1..n) of `types`. */
export function scanPlan(types: readonly number[]): PlanNode {
  return {
    kind: 'valuesscan',
    rt: 0,
    values: [],
    output: types.map((t, i) => v(i + 1, t)),
    ...EST,
  };
}

/** The result type of a built-in aggregate over these argument types. */
export function aggResultType(name: string, argTypes: readonly number[]): number {
  const a = argTypes[0] ?? T.int8;
  switch (name) {
    case 'count':
      return T.int8;
    case 'sum':
      return a === T.int2 || a === T.int4 ? T.int8 : a === T.int8 ? T.numeric : a;
    case 'avg':
      return a === T.float4 || a === T.float8 ? T.float8 : a === T.interval ? a : T.numeric;
    case 'stddev':
    case 'stddev_samp':
    case 'stddev_pop':
    case 'variance':
    case 'var_samp':
    case 'var_pop':
      return a === T.float4 || a === T.float8 ? T.float8 : T.numeric;
    case 'bool_and':
    case 'bool_or':
    case 'every':
      return T.bool;
    case 'string_agg':
      return a;
    case 'array_agg': {
      const t = builtins.mustType(a);
      return t.category === 'A' ? a : t.arrayOid;
    }
    case 'json_agg':
    case 'json_object_agg':
      return T.json;
    case 'jsonb_agg':
    case 'jsonb_object_agg':
      return T.jsonb;
    default:
      return a; // min, max, bit_*
  }
}

export function aggCall(
  name: string,
  args: readonly Expr[],
  opts: {
    distinct?: boolean;
    filter?: Expr;
    order?: readonly AggSortKey[];
    star?: boolean;
  } = {},
): AggregateCall {
  const type = aggResultType(
    name,
    args.map((a) => a.type),
  );
  return {
    name,
    args,
    argTypes: args.map((a) => a.type),
    star: opts.star ?? false,
    distinct: opts.distinct ?? false,
    ...(opts.filter === undefined ? {} : { filter: opts.filter }),
    ...(opts.order === undefined ? {} : { order: opts.order }),
    type,
    typmod: -1,
  };
}

/** An Agg plan node over `input` whose output is group exprs, Aggrefs, then `groupingFuncs`. */
export function aggPlan(
  input: PlanNode,
  strategy: AggNode['strategy'],
  groupExprs: readonly Expr[],
  aggregates: readonly AggregateCall[],
  opts: {
    groupingSets?: readonly (readonly number[])[];
    having?: Expr;
    groupingFuncs?: readonly GroupingFunc[];
  } = {},
): AggNode {
  return {
    kind: 'agg',
    strategy,
    input,
    groupExprs,
    aggregates,
    output: [
      ...groupExprs,
      ...aggregates.map((a, i): Expr => ({ kind: 'aggref', index: i, type: a.type, typmod: -1 })),
      ...(opts.groupingFuncs ?? []),
    ],
    ...(opts.groupingSets === undefined ? {} : { groupingSets: opts.groupingSets }),
    ...(opts.having === undefined ? {} : { having: opts.having }),
    ...EST,
  };
}

export function frameBound(kind: FrameBound['kind'], offset?: Expr): FrameBound {
  return offset === undefined ? { kind } : { kind, offset };
}

export const DEFAULT_FRAME: WindowClause['frame'] = {
  mode: 'range',
  start: { kind: 'unbounded preceding' },
  end: { kind: 'current row' },
  exclude: 'no others',
};

/** The result type of a window function (non-aggregate) given its first argument's type. */
export function windowResultType(name: string, argType: number | undefined): number {
  switch (name) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
      return T.int8;
    case 'percent_rank':
    case 'cume_dist':
      return T.float8;
    case 'ntile':
      return T.int4;
    default:
      return argType ?? T.int4;
  }
}

export function windowCall(
  name: string,
  args: readonly Expr[],
  aggregate?: AggregateCall,
): WindowFuncCall {
  const type = aggregate !== undefined ? aggregate.type : windowResultType(name, args[0]?.type);
  return {
    name,
    args: aggregate === undefined ? args : [],
    ...(aggregate === undefined ? {} : { aggregate }),
    window: 0,
    type,
    typmod: -1,
  };
}

export function windowPlan(
  input: PlanNode,
  window: WindowClause,
  calls: readonly WindowFuncCall[],
): WindowAggNode {
  return {
    kind: 'windowagg',
    input,
    window,
    funcs: calls.map((call, index) => ({ index, call })),
    output: [
      ...input.output,
      ...calls.map((c, i): Expr => ({ kind: 'windowfunc', index: i, type: c.type, typmod: -1 })),
    ],
    ...EST,
  };
}

/** All rows of a node. */
export function drain(node: ExecNode): unknown[][] {
  const out: unknown[][] = [];
  for (let r = node.next(); r !== undefined; r = node.next()) out.push(r);
  return out;
}
