/**
 * EXPLAIN text and JSON for hand-built plans, compared with what
 * PostgreSQL 15 printed for the same plan shape (captured with psql -A -t
 * over `create table t (a int, b int, c text)` with 1000 rows, indexes
 * t_a(a) and t_b(b), and `create table u (id int primary key, x int,
 * name text)` with 100 rows, after ANALYZE). The query trees are built by
 * hand, as the planner would hand them over.
 */
import type { ExplainOptions, NodeInstrumentation, PlanNode, PlannedSelect } from '@pg/planner';
import { explainSelect } from '@pg/planner';
import type { AggregateCall, Expr, SelectQuery } from '@pg/sql';
import { builtins, defaultContext } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

const T_COLS = ['a', 'b', 'c'];
const U_COLS = ['id', 'x', 'name'];

/** A query over `t` (rt 0, aliased `alias`). */
function oneTable(alias = 't'): SelectQuery {
  return {
    command: 'select',
    rtable: [
      {
        kind: 'relation',
        relationOid: 16384,
        lockMode: 'AccessShareLock',
        alias,
        columnNames: T_COLS,
      },
    ],
    from: [0],
    targetList: [],
    paramTypes: [],
    sort: [],
    rowMarks: [],
  };
}

/** A query over `t` (rt 0) and `u` (rt 1). */
function twoTables(): SelectQuery {
  return {
    command: 'select',
    rtable: [
      {
        kind: 'relation',
        relationOid: 16384,
        lockMode: 'AccessShareLock',
        alias: 't',
        columnNames: T_COLS,
      },
      {
        kind: 'relation',
        relationOid: 16385,
        lockMode: 'AccessShareLock',
        alias: 'u',
        columnNames: U_COLS,
      },
    ],
    from: [0, 1],
    targetList: [],
    paramTypes: [],
    sort: [],
    rowMarks: [],
  };
}

function v(rt: number, attnum: number, type = 23): Expr {
  return { kind: 'var', rt, attnum, type, typmod: -1 };
}

function k(value: unknown, type = 23): Expr {
  return { kind: 'const', value, type, typmod: -1 };
}

function op(name: string, l: Expr, r: Expr): Expr {
  const o = builtins.findOperator(name, l.type, r.type);
  if (o === undefined) throw new Error(`no operator ${name}`);
  const fn = builtins.findFunction(o.fn, [o.left, o.right]);
  if (fn === undefined) throw new Error(`no function ${o.fn}`);
  return { kind: 'op', op: o, fn, args: [l, r], type: o.result, typmod: -1 };
}

const OPTS: ExplainOptions = {
  analyze: false,
  verbose: false,
  costs: true,
  buffers: false,
  timing: true,
  summary: false,
  format: 'text',
};

type Est = [number, number, number, number];

function est([startupCost, totalCost, rows, width]: Est) {
  return { startupCost, totalCost, rows, width };
}

function vars(q: SelectQuery, rt: number): Expr[] {
  const rte = q.rtable[rt];
  return (rte?.columnNames ?? []).map((_, i) => ({
    kind: 'var',
    rt,
    attnum: i + 1,
    type: 23,
    typmod: -1,
  }));
}

function seq(q: SelectQuery, rt: number, e: Est, filter?: Expr): PlanNode {
  const rte = q.rtable[rt];
  const name = rte?.kind === 'relation' ? rte.alias : '?';
  return {
    kind: 'seqscan',
    rt,
    relationOid: rte?.kind === 'relation' ? rte.relationOid : 0,
    relationName: rte?.kind === 'relation' ? (rte.alias === 't1' ? 't' : rte.alias) : name,
    alias: rte?.alias ?? name,
    output: vars(q, rt),
    ...est(e),
    ...(filter !== undefined ? { filter } : {}),
  };
}

function indexScan(
  q: SelectQuery,
  rt: number,
  index: string,
  e: Est,
  conds: Expr[],
  filter?: Expr,
  kind: 'indexscan' | 'indexonlyscan' = 'indexscan',
): PlanNode {
  const rte = q.rtable[rt];
  return {
    kind,
    rt,
    relationOid: rte?.kind === 'relation' ? rte.relationOid : 0,
    relationName: 't',
    alias: rte?.alias ?? 't',
    indexOid: 1,
    indexName: index,
    indexQuals: conds.map((clause) => ({ column: 1, strategy: 3, value: clause, clause })),
    direction: 'forward',
    output: vars(q, rt),
    ...est(e),
    ...(filter !== undefined ? { filter } : {}),
  };
}

function planned(plan: PlanNode, extra: Partial<PlannedSelect> = {}): PlannedSelect {
  return {
    plan,
    subplans: [],
    subplanNames: [],
    execParams: 0,
    columns: [],
    relations: [],
    ...extra,
  };
}

function explain(
  p: PlannedSelect,
  q: SelectQuery,
  opts: Partial<ExplainOptions> = {},
  inst?: Map<PlanNode, NodeInstrumentation>,
  totals?: { planningMs: number; executionMs: number },
): string {
  return explainSelect(p, q, { ...OPTS, ...opts }, builtins, inst, totals).join('\n');
}

describe('text format', () => {
  test('index scan with a filter', () => {
    const q = oneTable();
    const [a, c] = [op('=', v(0, 1), k(1)), op('=', v(0, 3, 25), k('x', 25))];
    const p = planned(indexScan(q, 0, 't_a', [0.28, 8.29, 1, 12], [a as Expr], c));
    expect(explain(p, q)).toBe(
      [
        'Index Scan using t_a on t  (cost=0.28..8.29 rows=1 width=12)',
        '  Index Cond: (a = 1)',
        "  Filter: (c = 'x'::text)",
      ].join('\n'),
    );
  });

  test('sort over a bitmap heap scan, alias shown', () => {
    const q = oneTable('t1');
    const b = op('<', v(0, 2), k(3));
    const bitmap: PlanNode = {
      kind: 'bitmapheapscan',
      rt: 0,
      relationOid: 1,
      relationName: 't',
      alias: 't1',
      bitmap: {
        kind: 'bitmapindexscan',
        indexOid: 2,
        indexName: 't_b',
        indexQuals: [{ column: 1, strategy: 1, value: b, clause: b }],
        output: [],
        ...est([0, 6.4, 300, 0]),
      },
      recheck: b,
      output: vars(q, 0),
      ...est([6.48, 16.23, 300, 12]),
    };
    const sort: PlanNode = {
      kind: 'sort',
      input: bitmap,
      keys: [{ expr: vars(q, 0)[0] as Expr, descending: true, nullsFirst: true }],
      output: bitmap.output,
      ...est([28.57, 29.32, 300, 12]),
    };
    expect(explain(planned(sort), q)).toBe(
      [
        'Sort  (cost=28.57..29.32 rows=300 width=12)',
        '  Sort Key: a DESC',
        '  ->  Bitmap Heap Scan on t t1  (cost=6.48..16.23 rows=300 width=12)',
        '        Recheck Cond: (b < 3)',
        '        ->  Bitmap Index Scan on t_b  (cost=0.00..6.40 rows=300 width=0)',
        '              Index Cond: (b < 3)',
      ].join('\n'),
    );
  });

  test('merge join with prefixed conditions', () => {
    const q = twoTables();
    const [cond, tb, un] = [
      op('=', v(0, 1), v(1, 1)),
      op('<', v(0, 2), k(3)),
      op('~~', v(1, 3, 25), k('n%', 25)),
    ];
    const tScan = indexScan(q, 0, 't_a', [0.28, 46.77, 300, 4], [], tb);
    const uScan = seq(q, 1, [0, 2.25, 100, 7], un);
    const uSort: PlanNode = {
      kind: 'sort',
      input: uScan,
      keys: [{ expr: vars(q, 1)[0] as Expr, descending: false, nullsFirst: false }],
      output: uScan.output,
      ...est([5.57, 5.82, 100, 7]),
    };
    const mj: PlanNode = {
      kind: 'mergejoin',
      joinType: 'inner',
      outer: tScan,
      inner: uSort,
      mergeClauses: [cond],
      outerKeys: [],
      innerKeys: [],
      output: [...tScan.output, ...uSort.output],
      ...est([5.85, 11.37, 30, 7]),
    };
    expect(explain(planned(mj), q)).toBe(
      [
        'Merge Join  (cost=5.85..11.37 rows=30 width=7)',
        '  Merge Cond: (t.a = u.id)',
        '  ->  Index Scan using t_a on t  (cost=0.28..46.77 rows=300 width=4)',
        '        Filter: (b < 3)',
        '  ->  Sort  (cost=5.57..5.82 rows=100 width=7)',
        '        Sort Key: u.id',
        '        ->  Seq Scan on u  (cost=0.00..2.25 rows=100 width=7)',
        "              Filter: (name ~~ 'n%'::text)",
      ].join('\n'),
    );
  });

  test('hash left join, limit, costs off', () => {
    const q = twoTables();
    const [eq, ux, tb] = [
      op('=', v(0, 1), v(1, 1)),
      op('>', v(1, 2), k(2)),
      op('<', v(0, 2), k(3)),
    ];
    const uScan = seq(q, 1, [0, 2.25, 56, 7], ux);
    const hash: PlanNode = {
      kind: 'hash',
      input: uScan,
      keys: [],
      output: uScan.output,
      ...est([2.25, 2.25, 56, 7]),
    };
    const tScan = seq(q, 0, [0, 18.5, 300, 4], tb);
    const hj: PlanNode = {
      kind: 'hashjoin',
      joinType: 'left',
      outer: tScan,
      inner: hash,
      hashClauses: [eq],
      outerKeys: [],
      output: [...tScan.output, ...hash.output],
      ...est([9.43, 19.96, 300, 7]),
    };
    const limit: PlanNode = { kind: 'limit', input: hj, output: hj.output, ...est([0, 1, 5, 7]) };
    expect(explain(planned(limit), q, { costs: false })).toBe(
      [
        'Limit',
        '  ->  Hash Left Join',
        '        Hash Cond: (t.a = u.id)',
        '        ->  Seq Scan on t',
        '              Filter: (b < 3)',
        '        ->  Hash',
        '              ->  Seq Scan on u',
        '                    Filter: (x > 2)',
      ].join('\n'),
    );
  });

  test('EXPLAIN ANALYZE: actuals, never executed, sort method, hash buckets, buffers, summary', () => {
    const q = twoTables();
    const [cond, tb] = [op('=', v(0, 1), v(1, 1)), op('<', v(0, 2), k(3))];
    const uScan = seq(q, 1, [0, 2, 100, 7]);
    const hash: PlanNode = {
      kind: 'hash',
      input: uScan,
      keys: [],
      output: uScan.output,
      ...est([2, 2, 100, 7]),
    };
    const tScan = seq(q, 0, [0, 18.5, 300, 4], tb);
    const hj: PlanNode = {
      kind: 'hashjoin',
      joinType: 'inner',
      outer: tScan,
      inner: hash,
      hashClauses: [cond],
      outerKeys: [],
      output: [...tScan.output, ...hash.output],
      ...est([3.25, 23.04, 30, 7]),
    };
    const sort: PlanNode = {
      kind: 'sort',
      input: hj,
      keys: [{ expr: vars(q, 1)[2] as Expr, descending: false, nullsFirst: false }],
      output: hj.output,
      ...est([24.5, 24.58, 30, 7]),
    };
    const inst = new Map<PlanNode, NodeInstrumentation>([
      [
        sort,
        {
          startupMs: 0.25,
          totalMs: 0.26,
          rows: 30,
          loops: 1,
          sortMethod: 'quicksort',
          sortSpaceKb: 25,
          sortSpaceType: 'Memory',
          sharedHit: 7,
        },
      ],
      [hj, { startupMs: 0.05, totalMs: 0.2, rows: 30, loops: 1, sharedHit: 7 }],
      [
        tScan,
        { startupMs: 0.01, totalMs: 0.1, rows: 300, loops: 1, removedByFilter: 700, sharedHit: 6 },
      ],
      [
        hash,
        {
          startupMs: 0.04,
          totalMs: 0.04,
          rows: 100,
          loops: 1,
          hashBuckets: 1024,
          hashBatches: 1,
          hashMemoryKb: 13,
          sharedHit: 1,
          sharedRead: 2,
        },
      ],
    ]);
    const text = explain(planned(sort), q, { analyze: true, buffers: true, summary: true }, inst, {
      planningMs: 0.0504,
      executionMs: 0.1,
    });
    expect(text).toBe(
      [
        'Sort  (cost=24.50..24.58 rows=30 width=7) (actual time=0.250..0.260 rows=30 loops=1)',
        '  Sort Key: u.name',
        '  Sort Method: quicksort  Memory: 25kB',
        '  Buffers: shared hit=7',
        '  ->  Hash Join  (cost=3.25..23.04 rows=30 width=7) (actual time=0.050..0.200 rows=30 loops=1)',
        '        Hash Cond: (t.a = u.id)',
        '        Buffers: shared hit=7',
        '        ->  Seq Scan on t  (cost=0.00..18.50 rows=300 width=4) (actual time=0.010..0.100 rows=300 loops=1)',
        '              Filter: (b < 3)',
        '              Rows Removed by Filter: 700',
        '              Buffers: shared hit=6',
        '        ->  Hash  (cost=2.00..2.00 rows=100 width=7) (actual time=0.040..0.040 rows=100 loops=1)',
        '              Buckets: 1024  Batches: 1  Memory Usage: 13kB',
        '              Buffers: shared hit=1 read=2',
        '              ->  Seq Scan on u  (cost=0.00..2.00 rows=100 width=7) (never executed)',
        'Planning Time: 0.050 ms',
        'Execution Time: 0.100 ms',
      ].join('\n'),
    );
    const noTiming = explain(
      planned(tScan),
      q,
      { analyze: true, timing: false, costs: false },
      inst,
    );
    expect(noTiming).toBe(
      [
        'Seq Scan on t (actual rows=300 loops=1)',
        '  Filter: (b < 3)',
        '  Rows Removed by Filter: 700',
      ].join('\n'),
    );
  });

  test('loops divide the actuals', () => {
    const q = oneTable();
    const s = seq(q, 0, [0, 1, 1, 4]);
    const inst = new Map<PlanNode, NodeInstrumentation>([
      [s, { startupMs: 0.01, totalMs: 0.5, rows: 30, loops: 10 }],
    ]);
    expect(explain(planned(s), q, { analyze: true, costs: false }, inst)).toBe(
      'Seq Scan on t (actual time=0.001..0.050 rows=3 loops=10)',
    );
  });
  test('a removed-rows total that averages to 0 per loop still shows, a zero total does not', () => {
    const q = oneTable();
    const s = seq(q, 0, [0, 1, 1, 4], op('<', v(0, 1), k(10)));
    const run = (removedByFilter: number) =>
      explain(
        planned(s),
        q,
        { analyze: true, costs: false, timing: false },
        new Map([[s, { startupMs: 0, totalMs: 0, rows: 10, loops: 10, removedByFilter }]]),
      );
    expect(run(1)).toBe(
      [
        'Seq Scan on t (actual rows=1 loops=10)',
        '  Filter: (a < 10)',
        '  Rows Removed by Filter: 0',
      ].join('\n'),
    );
    expect(run(0)).toBe(
      ['Seq Scan on t (actual rows=1 loops=10)', '  Filter: (a < 10)'].join('\n'),
    );
  });
});

describe('plans as the planner shapes them', () => {
  test('a projection Result over a node that projects is shown as that node', () => {
    const q = oneTable();
    const scan = seq(q, 0, [0, 18.5, 1000, 12], op('>', v(0, 2), k(1)));
    const result: PlanNode = {
      kind: 'result',
      input: scan,
      output: [op('+', v(0, 1), k(1))],
      ...est([0, 21, 1000, 4]),
    };
    const inst = new Map<PlanNode, NodeInstrumentation>([
      [result, { startupMs: 0, totalMs: 1, rows: 900, loops: 1 }],
      [scan, { startupMs: 0, totalMs: 1, rows: 900, loops: 1, removedByFilter: 100 }],
    ]);
    expect(explain(planned(result), q, { verbose: true, analyze: true, timing: false }, inst)).toBe(
      [
        'Seq Scan on public.t  (cost=0.00..21.00 rows=1000 width=4) (actual rows=900 loops=1)',
        '  Output: (a + 1)',
        '  Filter: (t.b > 1)',
        '  Rows Removed by Filter: 100',
      ].join('\n'),
    );
    // A Result with a one-time filter stays (gating).
    const gated: PlanNode = { ...result, oneTimeFilter: k(false, 16) } as PlanNode;
    expect(explain(planned(gated), q, { costs: false })).toBe(
      ['Result', '  One-Time Filter: false', '  ->  Seq Scan on t', '        Filter: (b > 1)'].join(
        '\n',
      ),
    );
  });

  test("a pulled-up NOT EXISTS sub-SELECT's entries follow the query's own", () => {
    const sub: SelectQuery = {
      ...oneTable(),
      rtable: [
        {
          kind: 'relation',
          relationOid: 16385,
          lockMode: 'AccessShareLock',
          alias: 'u',
          columnNames: U_COLS,
        },
      ],
    };
    const q: SelectQuery = {
      ...oneTable(),
      where: {
        kind: 'bool',
        op: 'not',
        args: [{ kind: 'sublink', linkType: 'exists', query: sub, type: 16, typmod: -1 }],
        type: 16,
        typmod: -1,
      },
    };
    const outer = seq(q, 0, [0, 1, 1, 4]);
    const uScan: PlanNode = {
      ...seq(q, 0, [0, 1, 1, 4]),
      rt: 1,
      relationName: 'u',
      alias: 'u',
      output: [v(1, 1), v(1, 2), v(1, 3, 25)],
    } as PlanNode;
    const hash: PlanNode & { kind: 'hash' } = {
      kind: 'hash',
      input: uScan,
      keys: [v(1, 1)],
      output: uScan.output,
      ...est([0, 1, 1, 4]),
    };
    const hj: PlanNode = {
      kind: 'hashjoin',
      joinType: 'anti',
      outer,
      inner: hash,
      hashClauses: [op('=', v(0, 1), v(1, 1))],
      outerKeys: [v(0, 1)],
      output: outer.output,
      ...est([0, 1, 1, 4]),
    };
    expect(explain(planned(hj), q, { costs: false })).toBe(
      [
        'Hash Anti Join',
        '  Hash Cond: (t.a = u.id)',
        '  ->  Seq Scan on t',
        '  ->  Hash',
        '        ->  Seq Scan on u',
      ].join('\n'),
    );
  });
});

describe('deparse (ruleutils) as EXPLAIN VERBOSE prints it', () => {
  test('operators, constants, casts, NULLIF, GREATEST, ARRAY, CURRENT_DATE', () => {
    const q = oneTable();
    const neg = builtins.findOperator('-', 0, 23);
    const negFn = neg !== undefined ? builtins.findFunction(neg.fn, [23]) : undefined;
    if (neg === undefined || negFn === undefined) throw new Error('no prefix -');
    const typed = (value: unknown, type: number, typmod = -1): Expr => ({
      kind: 'const',
      value,
      type,
      typmod,
    });
    const numeric = (text: string) => builtins.mustType(1700).input(text, -1, defaultContext());
    const cast = (arg: Expr, type: number, explicit: boolean, typmod = -1): Expr => ({
      kind: 'coerce',
      arg,
      via: 'cast',
      explicit,
      type,
      typmod,
    });
    const gt = op('>', v(0, 1), k(1));
    const eq = op('=', v(0, 1), k(2));
    const exprs: Expr[] = [
      { kind: 'op', op: neg, fn: negFn, args: [v(0, 1)], type: 23, typmod: -1 },
      op('*', v(0, 1), k(-1)),
      typed(numeric('1.5'), 1700),
      typed(numeric('-2.5'), 1700),
      typed('x', 1043, 7),
      typed(null, 25),
      typed(true, 16),
      { kind: 'booltest', arg: gt, test: 'true', type: 16, typmod: -1 },
      {
        kind: 'nullif',
        args: [v(0, 1), k(2)],
        eq: eq as Extract<Expr, { kind: 'op' }>,
        type: 23,
        typmod: -1,
      },
      { kind: 'minmax', op: 'greatest', args: [v(0, 1), v(0, 2), k(3)], type: 23, typmod: -1 },
      { kind: 'array', elementType: 23, elements: [v(0, 1), v(0, 2)], type: 1007, typmod: -1 },
      { kind: 'sqlvalue', name: 'current_date', type: 1082, typmod: -1 },
      cast(op('>', cast(v(0, 1), 701, true), typed(0.5, 701)), 25, true),
      cast(v(0, 1), 20, true),
      op('+', typed(2n, 20), v(0, 1)),
      op('||', v(0, 3, 25), typed('z', 25)),
      typed("it's", 25),
      typed(5000000000n, 20),
      typed(numeric('1000'), 1700),
    ];
    const result: PlanNode = {
      kind: 'result',
      input: seq(q, 0, [0, 1, 1, 4]),
      output: exprs,
      ...est([0, 1, 1, 4]),
    };
    const lines = explain(planned(result), q, { verbose: true, costs: false });
    expect(lines.split('\n')[1]).toBe(
      "  Output: (- a), (a * '-1'::integer), 1.5, '-2.5'::numeric, 'x'::character varying(3), NULL::text, true, ((a > 1) IS TRUE), NULLIF(a, 2), GREATEST(a, b, 3), ARRAY[a, b], CURRENT_DATE, (((a)::double precision > '0.5'::double precision))::text, (a)::bigint, ('2'::bigint + a), (c || 'z'::text), 'it''s'::text, '5000000000'::bigint, '1000'::numeric",
    );
  });

  test('aggregates with DISTINCT, FILTER and ORDER BY; window functions print OVER (?)', () => {
    const q = oneTable();
    const aggs: AggregateCall[] = [
      {
        name: 'count',
        args: [v(0, 1)],
        argTypes: [23],
        star: false,
        distinct: true,
        type: 20,
        typmod: -1,
      },
      {
        name: 'sum',
        args: [v(0, 2)],
        argTypes: [23],
        star: false,
        distinct: false,
        filter: op('>', v(0, 2), k(1)),
        type: 20,
        typmod: -1,
      },
      {
        name: 'string_agg',
        args: [v(0, 3, 25), { kind: 'const', value: ',', type: 25, typmod: -1 }],
        argTypes: [25, 25],
        star: false,
        distinct: false,
        order: [{ expr: v(0, 3, 25), descending: true, nullsFirst: true }],
        type: 25,
        typmod: -1,
      },
      {
        name: 'max',
        args: [v(0, 1)],
        argTypes: [23],
        star: false,
        distinct: false,
        type: 23,
        typmod: -1,
      },
    ];
    const scan = seq(q, 0, [0, 1, 1, 4]);
    const agg: PlanNode = {
      kind: 'agg',
      strategy: 'plain',
      input: scan,
      groupExprs: [],
      aggregates: aggs,
      output: aggs.map((a, index) => ({ kind: 'aggref', index, type: a.type, typmod: -1 })),
      ...est([0, 1, 1, 4]),
    };
    expect(explain(planned(agg), q, { verbose: true, costs: false })).toBe(
      [
        'Aggregate',
        "  Output: count(DISTINCT a), sum(b) FILTER (WHERE (b > 1)), string_agg(c, ','::text ORDER BY c DESC), max(a)",
        '  ->  Seq Scan on public.t',
        '        Output: a, b, c',
      ].join('\n'),
    );
    const wq: SelectQuery = {
      ...q,
      windowFuncs: [
        { name: 'rank', args: [], window: 0, type: 20, typmod: -1 },
        {
          name: 'sum',
          args: [],
          aggregate: aggs[1] as AggregateCall,
          window: 0,
          type: 20,
          typmod: -1,
        },
      ],
    };
    const win: PlanNode = {
      kind: 'windowagg',
      input: scan,
      window: {
        partition: [],
        order: [],
        frame: {
          mode: 'range',
          start: { kind: 'unbounded preceding' },
          end: { kind: 'current row' },
          exclude: 'no others',
        },
      },
      funcs: [],
      output: [v(0, 1), { kind: 'windowfunc', index: 0, type: 20, typmod: -1 }],
      ...est([0, 1, 1, 4]),
    };
    expect(explain(planned(win), wq, { verbose: true, costs: false }).split('\n')[1]).toBe(
      '  Output: a, rank() OVER (?)',
    );
  });

  test('a parameter prints as $n; a hashed SubPlan and an InitPlan output as PostgreSQL names them', () => {
    const q = oneTable();
    const param: Expr = { kind: 'param', index: 1, type: 23, typmod: -1 };
    const p = planned(indexScan(q, 0, 't_a', [0, 1, 1, 4], [op('=', v(0, 1), param)]));
    expect(explain(p, q, { costs: false })).toBe(
      ['Index Scan using t_a on t', '  Index Cond: (a = $1)'].join('\n'),
    );
    const hashed: Expr = {
      kind: 'subplan',
      linkType: 'any',
      plan: 0,
      params: [],
      args: [],
      initPlan: false,
      type: 16,
      typmod: -1,
    };
    const init: Expr = {
      kind: 'subplan',
      linkType: 'expr',
      plan: 1,
      params: [],
      args: [],
      initPlan: true,
      type: 23,
      typmod: -1,
    };
    const filter: Expr = {
      kind: 'bool',
      op: 'and',
      args: [
        { kind: 'bool', op: 'not', args: [hashed], type: 16, typmod: -1 },
        op('>', v(0, 1), init),
      ],
      type: 16,
      typmod: -1,
    };
    const scan = seq(q, 0, [0, 1, 1, 4], filter);
    const sub0 = seq(q, 0, [0, 1, 1, 4]);
    const sub1 = seq(q, 0, [0, 1, 1, 4]);
    const text = explain(
      planned(scan, {
        subplans: [sub0, sub1],
        subplanNames: ['SubPlan 1', 'InitPlan 2 (returns $1)'],
      }),
      q,
      { costs: false },
    );
    expect(text).toBe(
      [
        'Seq Scan on t',
        '  Filter: ((NOT (hashed SubPlan 1)) AND (a > $1))',
        '  InitPlan 2 (returns $1)',
        '    ->  Seq Scan on t',
        '  SubPlan 1',
        '    ->  Seq Scan on t',
      ].join('\n'),
    );
  });
});

describe('JSON format', () => {
  test('parses back with PostgreSQL keys and order', () => {
    const q = oneTable('t1');
    const a = op('>', v(0, 1), k(5));
    const s = seq(q, 0, [0, 18.5, 995, 12], a);
    const sort: PlanNode = {
      kind: 'sort',
      input: s,
      keys: [{ expr: vars(q, 0)[2] as Expr, descending: false, nullsFirst: false }],
      output: s.output,
      ...est([31.36, 33.85, 995, 12]),
    };
    const limit: PlanNode = {
      kind: 'limit',
      input: sort,
      output: sort.output,
      ...est([31.36, 31.37, 3, 12]),
    };
    const lines = explainSelect(planned(limit), q, { ...OPTS, format: 'json' }, builtins);
    expect(lines).toHaveLength(1);
    const expected = [
      {
        Plan: {
          'Node Type': 'Limit',
          'Parallel Aware': false,
          'Async Capable': false,
          'Startup Cost': 31.36,
          'Total Cost': 31.37,
          'Plan Rows': 3,
          'Plan Width': 12,
          Plans: [
            {
              'Node Type': 'Sort',
              'Parent Relationship': 'Outer',
              'Parallel Aware': false,
              'Async Capable': false,
              'Startup Cost': 31.36,
              'Total Cost': 33.85,
              'Plan Rows': 995,
              'Plan Width': 12,
              'Sort Key': ['c'],
              Plans: [
                {
                  'Node Type': 'Seq Scan',
                  'Parent Relationship': 'Outer',
                  'Parallel Aware': false,
                  'Async Capable': false,
                  'Relation Name': 't',
                  Alias: 't1',
                  'Startup Cost': 0.0,
                  'Total Cost': 18.5,
                  'Plan Rows': 995,
                  'Plan Width': 12,
                  Filter: '(a > 5)',
                },
              ],
            },
          ],
        },
      },
    ];
    const parsed = JSON.parse(lines[0] as string);
    expect(parsed).toEqual(expected);
    // Key order and layout are PostgreSQL's exactly (2-space indent, "0.00" kept).
    expect(lines[0]).toContain('"Startup Cost": 0.00,');
    expect(Object.keys(parsed[0].Plan.Plans[0].Plans[0])).toEqual(
      Object.keys(expected[0]?.Plan.Plans[0]?.Plans[0] ?? {}),
    );
    expect((lines[0] as string).split('\n').slice(0, 4)).toEqual([
      '[',
      '  {',
      '    "Plan": {',
      '      "Node Type": "Limit",',
    ]);
  });
});

describe('random plan trees', () => {
  type Shape =
    | { kind: 'scan' }
    | { kind: 'sort' | 'limit' | 'material'; input: Shape }
    | { kind: 'join'; outer: Shape; inner: Shape }
    | { kind: 'append'; children: Shape[] };
  const shape: fc.Arbitrary<Shape> = fc.letrec<{ node: Shape }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant<Shape>({ kind: 'scan' }),
      fc.record({
        kind: fc.constantFrom('sort' as const, 'limit' as const, 'material' as const),
        input: tie('node'),
      }),
      fc.record({ kind: fc.constant('join' as const), outer: tie('node'), inner: tie('node') }),
      fc.record({
        kind: fc.constant('append' as const),
        children: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
      }),
    ),
  })).node;

  function build(q: SelectQuery, s: Shape): PlanNode {
    const e = est([1, 2, 3, 4]);
    switch (s.kind) {
      case 'scan':
        return seq(q, 0, [0, 1, 10, 4], op('>', v(0, 1), k(1)));
      case 'sort': {
        const input = build(q, s.input);
        return {
          kind: 'sort',
          input,
          keys: [{ expr: v(0, 1), descending: false, nullsFirst: false }],
          output: input.output,
          ...e,
        };
      }
      case 'limit':
      case 'material': {
        const input = build(q, s.input);
        return { kind: s.kind, input, output: input.output, ...e };
      }
      case 'join': {
        const outer = build(q, s.outer);
        const inner = build(q, s.inner);
        return {
          kind: 'nestloop',
          joinType: 'inner',
          outer,
          inner,
          params: [],
          output: [...outer.output, ...inner.output],
          ...e,
        };
      }
      case 'append': {
        const children = s.children.map((c) => build(q, c));
        return { kind: 'append', children, output: children[0]?.output ?? [], ...e };
      }
    }
  }

  const count = (s: Shape): number =>
    1 +
    (s.kind === 'scan'
      ? 0
      : s.kind === 'join'
        ? count(s.outer) + count(s.inner)
        : s.kind === 'append'
          ? s.children.reduce((n, c) => n + count(c), 0)
          : count(s.input));

  interface JsonPlan {
    'Node Type': string;
    Plans?: JsonPlan[];
  }
  const jsonCount = (p: JsonPlan): number =>
    1 + (p.Plans ?? []).reduce((n, c) => n + jsonCount(c), 0);

  test('every format shows every node once, JSON parses, XML tags balance, text indents by 6 per level', () => {
    const q = oneTable();
    fc.assert(
      fc.property(shape, fc.boolean(), (s, costs) => {
        const p = planned(build(q, s));
        const n = count(s);
        const text = explain(p, q, { costs });
        const labels = text
          .split('\n')
          .filter(
            (l) => !l.trimStart().startsWith('Filter:') && !l.trimStart().startsWith('Sort Key:'),
          );
        expect(labels).toHaveLength(n);
        for (const line of labels.slice(1)) {
          const indent = line.indexOf('->  ');
          expect(indent >= 2 && (indent - 2) % 6 === 0).toBe(true);
        }
        const json = JSON.parse(explain(p, q, { costs, format: 'json' })) as { Plan: JsonPlan }[];
        expect(jsonCount((json[0] as { Plan: JsonPlan }).Plan)).toBe(n);
        const xml = explain(p, q, { costs, format: 'xml' });
        expect(xml.match(/<Plan>/g)?.length).toBe(n);
        expect(xml.match(/<\/Plan>/g)?.length).toBe(n);
        const yaml = explain(p, q, { costs, format: 'yaml' });
        expect(yaml.match(/Node Type: /g)?.length).toBe(n);
      }),
    );
  });
});

describe('printf rounding', () => {
  test('formatFixed matches C on exact ties and otherwise agrees with toFixed', async () => {
    const { formatFixed } = await import('./internal/explain.js');
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(18.5, 2)).toBe('18.50');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: 0, max: 1e9, noNaN: true }),
          // Costs and times as EXPLAIN prints them: a few decimals, many of them near a tie.
          fc.integer({ min: 0, max: 10 ** 8 }).map((n) => n / 10000),
        ),
        fc.integer({ min: 0, max: 3 }),
        (x, d) => {
          const s = formatFixed(x, d);
          // Within half a unit of the last place, and the same as toFixed unless an exact tie.
          expect(Math.abs(Number(s) - x)).toBeLessThanOrEqual(
            0.5 * 10 ** -d * (1 + 1e-9) + Math.abs(x) * 1e-15,
          );
          const tie = Math.abs(x * 10 ** d - Math.trunc(x * 10 ** d)) === 0.5;
          if (!tie) expect(s).toBe(x.toFixed(d));
        },
      ),
    );
  });
});
