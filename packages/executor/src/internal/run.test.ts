import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlanNode, PlannedSelect } from '@pg/planner';
import type { Expr } from '@pg/sql';
import { builtins, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { col, fn, insertInto, lit, op, TestDb } from './harness.js';
import { executeSelect } from './run.js';

const INT4 = TypeOid.int4;
const INT8 = TypeOid.int8;
const TEXT = TypeOid.text;
const BOOL = TypeOid.bool;
const est = { startupCost: 0, totalCost: 0, rows: 0, width: 0 };
const dir = mkdtempSync(join(tmpdir(), 'execcore-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function planned(plan: PlanNode, extra: Partial<PlannedSelect> = {}): PlannedSelect {
  return {
    plan,
    subplans: [],
    subplanNames: [],
    execParams: 4,
    columns: plan.output.map((e, i) => ({
      name: `c${i}`,
      typeOid: e.type,
      typmod: -1,
      tableOid: 0,
      attnum: 0,
    })),
    relations: [],
    ...extra,
  };
}

async function run(db: TestDb, p: PlannedSelect, opts: Parameters<typeof executeSelect>[2] = {}) {
  db.manager.begin(1, 'read committed');
  try {
    const r = await executeSelect(p, db.context(1), { tempDir: dir, ...opts });
    await db.manager.commit(1);
    return r;
  } catch (e) {
    db.manager.rollback(1);
    throw e;
  }
}

async function table(
  db: TestDb,
  name: string,
  rows: unknown[][],
  types = [INT4, INT4],
  indexes: { name: string; columns: number[] }[] = [],
) {
  const rel = db.createTable(
    name,
    types.map((t, i) => ({ name: `c${i + 1}`, type: t })),
    indexes,
  );
  if (rows.length > 0) await db.autocommit(1, insertInto(rel, rows));
  return rel;
}

const seq = (db: TestDb, name: string, rt: number, filter?: Expr): PlanNode => {
  const rel = db.table(name);
  return {
    kind: 'seqscan',
    rt,
    relationOid: rel.desc.oid,
    relationName: name,
    alias: name,
    output: rel.desc.columns.map((c) => col(c.attnum, c.typeOid, rt)),
    ...(filter === undefined ? {} : { filter }),
    ...est,
  };
};
const eparam = (id: number, type = INT4): Expr => ({ kind: 'execparam', id, type, typmod: -1 });
const sortBy = (a: unknown[][]) =>
  [...a].sort((x, y) => (JSON.stringify(x, big) < JSON.stringify(y, big) ? -1 : 1));
const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

describe('scans', () => {
  it('seq scan with a filter, projection and Result', async () => {
    const db = new TestDb();
    await table(db, 't', [
      [1, 10],
      [2, 20],
      [3, null],
    ]);
    const scan = seq(db, 't', 0, op('>', col(1, INT4, 0), lit(1, INT4)));
    const r = await run(
      db,
      planned(scan, { relations: [{ oid: db.table('t').desc.oid, lockMode: 'AccessShareLock' }] }),
      { instrument: true },
    );
    expect(r.rows).toEqual([
      [2, 20],
      [3, null],
    ]);
    const i = r.instrumentation!.get(scan)!;
    expect(i).toMatchObject({ rows: 2, loops: 1, removedByFilter: 1 });
    expect(i.sharedHit! + i.sharedRead!).toBeGreaterThan(0);
    const res: PlanNode = {
      kind: 'result',
      input: scan,
      output: [op('+', col(2, INT4, 0), lit(1, INT4))],
      ...est,
    };
    expect((await run(db, planned(res))).rows).toEqual([[21], [null]]);
    const one: PlanNode = {
      kind: 'result',
      output: [lit(7, INT4)],
      oneTimeFilter: lit(true, BOOL),
      ...est,
    };
    expect((await run(db, planned(one))).rows).toEqual([[7]]);
    const none: PlanNode = {
      kind: 'result',
      output: [lit(7, INT4)],
      oneTimeFilter: lit(null, BOOL),
      ...est,
    };
    expect((await run(db, planned(none))).rows).toEqual([]);
  });

  it('index scans: range, backward, = ANY, ExecParams, index-only heap fetches; bitmap scans', async () => {
    const db = new TestDb();
    const rows = Array.from({ length: 300 }, (_, i) => [i, i % 7]);
    const rel = await table(
      db,
      't',
      rows,
      [INT4, INT4],
      [
        { name: 't_c1', columns: [1] },
        { name: 't_c2', columns: [2] },
      ],
    );
    const ix = (name: string) => rel.indexes.find((i) => i.desc.name === name)!.desc.oid;
    const base = {
      rt: 0,
      relationOid: rel.desc.oid,
      relationName: 't',
      alias: 't',
      output: rel.desc.columns.map((c) => col(c.attnum, INT4, 0)),
      ...est,
    };
    const q = (strategy: 1 | 2 | 3 | 4 | 5, value: Expr, array = false) => ({
      column: 1,
      strategy,
      value,
      clause: value,
      ...(array ? { array } : {}),
    });
    const scan = (
      quals: ReturnType<typeof q>[],
      direction: 'forward' | 'backward' = 'forward',
      kind: 'indexscan' | 'indexonlyscan' = 'indexscan',
    ): PlanNode => ({
      kind,
      ...base,
      indexOid: ix('t_c1'),
      indexName: 't_c1',
      indexQuals: quals,
      direction,
    });
    expect((await run(db, planned(scan([q(5, lit(296, INT4))])))).rows).toEqual([
      [297, 3],
      [298, 4],
      [299, 5],
    ]);
    expect((await run(db, planned(scan([q(2, lit(2, INT4))], 'backward')))).rows).toEqual([
      [2, 2],
      [1, 1],
      [0, 0],
    ]);
    const arr = {
      kind: 'const',
      value: { dims: [4], lbounds: [1], elements: [7, null, 3, 7] },
      type: TypeOid.int4 + 0 === INT4 ? 1007 : 1007,
      typmod: -1,
    } as Expr;
    expect((await run(db, planned(scan([q(3, arr, true)])))).rows).toEqual([
      [3, 3],
      [7, 0],
    ]);
    expect((await run(db, planned(scan([q(3, lit(null, INT4))])))).rows).toEqual([]);
    // parameterized inner index scan under a nested loop
    await table(db, 'o', [
      [5, 0],
      [8, 0],
      [1000, 0],
    ]);
    const nl: PlanNode = {
      kind: 'nestloop',
      joinType: 'left',
      outer: seq(db, 'o', 1),
      inner: scan([q(3, eparam(0))]),
      params: [{ id: 0, value: col(1, INT4, 1) }],
      output: [col(1, INT4, 1), col(2, INT4, 0)],
      ...est,
    };
    expect((await run(db, planned(nl))).rows).toEqual([
      [5, 5],
      [8, 1],
      [1000, null],
    ]);
    // index-only: no page is all-visible, so every row is a heap fetch
    const ios = scan([q(1, lit(3, INT4))], 'forward', 'indexonlyscan');
    const r = await run(db, planned({ ...ios, output: [col(1, INT4, 0)] } as PlanNode), {
      instrument: true,
    });
    expect(r.rows).toEqual([[0], [1], [2]]);
    expect(
      [...r.instrumentation!.values()].some(
        (i) => (i as { heapFetches?: number }).heapFetches === 3,
      ),
    ).toBe(true);
    // bitmap: c1 < 20 AND c2 = 3, OR-ed with c1 = 299
    const bis = (name: string, _column: number, strategy: 1 | 3, v: number) => ({
      kind: 'bitmapindexscan' as const,
      indexOid: ix(name),
      indexName: name,
      output: [],
      ...est,
      indexQuals: [{ column: 1, strategy, value: lit(v, INT4), clause: lit(true, BOOL) }],
    });
    const bitmap = {
      kind: 'bitmapor' as const,
      output: [],
      ...est,
      children: [
        {
          kind: 'bitmapand' as const,
          output: [],
          ...est,
          children: [bis('t_c1', 1, 1, 20), bis('t_c2', 2, 3, 3)],
        },
        bis('t_c1', 1, 3, 299),
      ],
    };
    const bhs: PlanNode = {
      kind: 'bitmapheapscan',
      ...base,
      bitmap,
      recheck: {
        kind: 'bool',
        op: 'or',
        type: BOOL,
        typmod: -1,
        args: [
          {
            kind: 'bool',
            op: 'and',
            type: BOOL,
            typmod: -1,
            args: [op('<', col(1, INT4, 0), lit(20, INT4)), op('=', col(2, INT4, 0), lit(3, INT4))],
          },
          op('=', col(1, INT4, 0), lit(299, INT4)),
        ],
      },
    };
    expect((await run(db, planned(bhs))).rows).toEqual([
      [3, 3],
      [10, 3],
      [17, 3],
      [299, 5],
    ]);
  });

  it('VALUES, functions WITH ORDINALITY, ProjectSet, subquery and CTE scans', async () => {
    const db = new TestDb();
    const values: PlanNode = {
      kind: 'valuesscan',
      rt: 0,
      values: [
        [lit(1, INT4), lit('a', TEXT)],
        [lit(2, INT4), lit(null, TEXT)],
      ],
      output: [col(1, INT4, 0), col(2, TEXT, 0)],
      ...est,
    };
    expect((await run(db, planned(values))).rows).toEqual([
      [1, 'a'],
      [2, null],
    ]);
    const gs = fn('generate_series', lit(1, INT4), lit(3, INT4));
    const fscan: PlanNode = {
      kind: 'functionscan',
      rt: 0,
      call: gs,
      alias: 'g',
      ordinality: true,
      output: [col(1, INT4, 0), col(2, INT8, 0)],
      ...est,
    };
    expect((await run(db, planned(fscan))).rows).toEqual([
      [1, 1n],
      [2, 2n],
      [3, 3n],
    ]);
    const ps: PlanNode = {
      kind: 'projectset',
      output: [lit(9, INT4), gs, fn('generate_series', lit(1, INT4), lit(2, INT4))],
      ...est,
    };
    expect((await run(db, planned(ps))).rows).toEqual([
      [9, 1, 1],
      [9, 2, 2],
      [9, 3, null],
    ]);
    const sub: PlanNode = {
      kind: 'subqueryscan',
      rt: 1,
      alias: 's',
      input: values,
      filter: op('=', col(1, INT4, 1), lit(2, INT4)),
      output: [col(1, INT4, 1)],
      ...est,
    };
    expect((await run(db, planned(sub))).rows).toEqual([[2]]);
    // two scans of one CTE share its rows (the CTE's plan runs once)
    const cte = (rt: number): PlanNode => ({
      kind: 'ctescan',
      rt,
      cteName: 'c',
      alias: 'c',
      plan: 0,
      output: [col(1, INT4, rt)],
      ...est,
    });
    const app: PlanNode = {
      kind: 'append',
      children: [cte(0), cte(1)],
      output: [col(1, INT4, 0)],
      ...est,
    };
    const r = await run(db, planned(app, { subplans: [fscan] }), { instrument: true });
    expect(r.rows).toEqual([[1], [2], [3], [1], [2], [3]]);
    expect(r.instrumentation!.get(fscan)!.loops).toBe(1);
  });
});

describe('sub-SELECTs', () => {
  it('IN / NOT IN / EXISTS / scalar / ARRAY with NULL semantics', async () => {
    const db = new TestDb();
    await table(db, 'a', [
      [1, 0],
      [2, 0],
      [null, 0],
    ]);
    await table(db, 'b', [
      [1, 0],
      [null, 0],
    ]);
    const inner = seq(db, 'b', 1);
    const sp = (
      linkType: 'any' | 'all' | 'exists' | 'expr' | 'array',
      test?: Expr,
      initPlan = false,
    ): Expr => ({
      kind: 'subplan',
      linkType,
      plan: 0,
      params: [0],
      args: [col(1, INT4, 0)],
      initPlan,
      type: BOOL,
      typmod: -1,
      ...(test === undefined ? {} : { testExpr: test }),
    });
    const slp: Expr = { kind: 'sublinkparam', column: 1, type: INT4, typmod: -1 };
    const eq = op('=', eparam(0), slp);
    const ne = op('<>', eparam(0), slp);
    const q = async (e: Expr, subplan: PlanNode = inner) => {
      const p: PlanNode = {
        kind: 'result',
        input: seq(db, 'a', 0),
        output: [col(1, INT4, 0), e],
        ...est,
      };
      return (await run(db, planned(p, { subplans: [subplan] }))).rows.map((r) => r[1]);
    };
    expect(await q(sp('any', eq))).toEqual([true, null, null]); // x IN (1, NULL)
    expect(await q(sp('all', ne))).toEqual([false, null, null]); // x NOT IN (1, NULL)
    expect(await q(sp('exists'))).toEqual([true, true, true]);
    const empty = seq(db, 'b', 1, lit(false, BOOL));
    expect(await q(sp('any', eq), empty)).toEqual([false, false, false]);
    expect(await q(sp('all', ne), empty)).toEqual([true, true, true]);
    // correlated scalar: (SELECT b.c1 FROM b WHERE b.c1 = a.c1)
    const corr = seq(db, 'b', 1, op('=', col(1, INT4, 1), eparam(0)));
    expect(await q({ ...sp('expr'), type: INT4 }, corr)).toEqual([1, null, null]);
    await expect(
      q({
        ...(sp('expr') as Extract<Expr, { kind: 'subplan' }>),
        type: INT4,
        params: [],
        args: [],
      }),
    ).rejects.toMatchObject({
      code: '21000',
    });
    const arr = await q({
      ...(sp('array') as Extract<Expr, { kind: 'subplan' }>),
      type: 1007,
      initPlan: true,
      params: [],
      args: [],
    });
    expect(arr[0]).toEqual({ dims: [2], lbounds: [1], elements: [1, null] });
  });

  it('WITH RECURSIVE: UNION ends cycles, UNION ALL keeps duplicates', async () => {
    const db = new TestDb();
    await table(db, 'edge', [
      [1, 2],
      [2, 3],
      [3, 1],
      [3, 4],
    ]);
    const wt: PlanNode = {
      kind: 'worktablescan',
      rt: 1,
      cteName: 'r',
      alias: 'r',
      worktable: 0,
      output: [col(1, INT4, 1)],
      ...est,
    };
    const join: PlanNode = {
      kind: 'hashjoin',
      joinType: 'inner',
      outer: seq(db, 'edge', 2),
      inner: { kind: 'hash', input: wt, keys: [col(1, INT4, 1)], output: wt.output, ...est },
      hashClauses: [op('=', col(1, INT4, 2), col(1, INT4, 1))],
      outerKeys: [col(1, INT4, 2)],
      output: [col(2, INT4, 2)],
      ...est,
    };
    const start: PlanNode = { kind: 'result', output: [lit(1, INT4)], ...est };
    const ru = (all: boolean): PlanNode => ({
      kind: 'recursiveunion',
      nonRecursive: start,
      recursive: join,
      all,
      worktable: 0,
      output: [col(1, INT4, 0)],
      ...est,
    });
    expect((await run(db, planned(ru(false)))).rows).toEqual([[1], [2], [3], [4]]);
    const lim: PlanNode = {
      kind: 'limit',
      input: ru(true),
      limit: lit(7n, INT8),
      output: [col(1, INT4, 0)],
      ...est,
    };
    expect((await run(db, planned(lim))).rows).toEqual([[1], [2], [3], [1], [4], [2], [3]]);
    const neg: PlanNode = {
      kind: 'limit',
      input: start,
      limit: lit(-1n, INT8),
      output: start.output,
      ...est,
    };
    await expect(run(db, planned(neg))).rejects.toMatchObject({ code: '2201W' });
    const negOff: PlanNode = {
      kind: 'limit',
      input: start,
      offset: lit(-1n, INT8),
      output: start.output,
      ...est,
    };
    await expect(run(db, planned(negOff))).rejects.toMatchObject({ code: '2201X' });
  });
});

// ------------------------------------------------------------ joins and set operations vs a model

type Row = (number | null)[];
type JT = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';

/** The naive model: nested loops over arrays, equality on c1 plus `c2 <= c2` as an extra join qual. */
function modelJoin(l: Row[], r: Row[], jt: JT, extra: boolean): Row[] {
  const match = (a: Row, b: Row) =>
    a[0] !== null &&
    b[0] !== null &&
    a[0] === b[0] &&
    (!extra || (a[1] != null && b[1] != null && a[1] <= b[1]));
  const out: Row[] = [];
  const rMatched = new Set<number>();
  for (const a of l) {
    let m = false;
    r.forEach((b, j) => {
      if (!match(a, b)) return;
      if (!m && jt === 'semi') out.push([...a, null, null]);
      m = true;
      rMatched.add(j);
      if (jt === 'inner' || jt === 'left' || jt === 'right' || jt === 'full')
        out.push([...a, ...b]);
    });
    if (!m && (jt === 'left' || jt === 'full' || jt === 'anti')) out.push([...a, null, null]);
  }
  if (jt === 'right' || jt === 'full')
    r.forEach((b, j) => {
      if (!rMatched.has(j)) out.push([null, null, ...b]);
    });
  return out;
}

const sortNode = (input: PlanNode, rt: number): PlanNode => ({
  kind: 'sort',
  input,
  output: input.output,
  keys: [{ expr: col(1, INT4, rt), descending: false, nullsFirst: false }],
  ...est,
});

function joinPlan(
  db: TestDb,
  method: 'nestloop' | 'hashjoin' | 'mergejoin',
  jt: JT,
  extra: boolean,
): PlanNode {
  const L = seq(db, 'l', 0);
  const R = seq(db, 'r', 1);
  const eq = op('=', col(1, INT4, 0), col(1, INT4, 1));
  const x = op('<=', col(2, INT4, 0), col(2, INT4, 1));
  const output =
    jt === 'semi' || jt === 'anti'
      ? [col(1, INT4, 0), col(2, INT4, 0), lit(null, INT4), lit(null, INT4)]
      : [col(1, INT4, 0), col(2, INT4, 0), col(1, INT4, 1), col(2, INT4, 1)];
  const common = { joinType: jt, output, ...est };
  if (method === 'nestloop') {
    return {
      kind: 'nestloop',
      ...common,
      outer: L,
      inner: { kind: 'material', input: R, output: R.output, ...est },
      params: [],
      joinQual: extra ? { kind: 'bool', op: 'and', args: [eq, x], type: BOOL, typmod: -1 } : eq,
    };
  }
  if (method === 'hashjoin') {
    return {
      kind: 'hashjoin',
      ...common,
      outer: L,
      inner: { kind: 'hash', input: R, keys: [col(1, INT4, 1)], output: R.output, ...est },
      hashClauses: [eq],
      outerKeys: [col(1, INT4, 0)],
      ...(extra ? { joinQual: x } : {}),
    };
  }
  return {
    kind: 'mergejoin',
    ...common,
    outer: sortNode(L, 0),
    inner: sortNode(R, 1),
    mergeClauses: [eq],
    outerKeys: [col(1, INT4, 0)],
    innerKeys: [col(1, INT4, 1)],
    ...(extra ? { joinQual: x } : {}),
  };
}

const smallInt = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 4 }));
const rowsArb = fc.array(
  fc.tuple(smallInt, smallInt).map((t) => [...t] as Row),
  { maxLength: 12 },
);

describe('joins and set operations against a nested-loop model', () => {
  it('every join method and type gives the model multiset', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, rowsArb, fc.boolean(), async (l, r, extra) => {
        const db = new TestDb();
        await table(db, 'l', l);
        await table(db, 'r', r);
        for (const jt of ['inner', 'left', 'right', 'full', 'semi', 'anti'] as JT[]) {
          const expected = sortBy(modelJoin(l, r, jt, extra));
          for (const method of ['nestloop', 'hashjoin', 'mergejoin'] as const) {
            if (method === 'nestloop' && (jt === 'right' || jt === 'full')) continue;
            const got = await run(db, planned(joinPlan(db, method, jt, extra)), { workMemKb: 1 });
            expect(sortBy(got.rows), `${method} ${jt}`).toEqual(expected);
          }
        }
      }),
      { numRuns: Number(process.env.PG_PROPERTY_RUNS ?? 40) },
    );
  });

  it('INTERSECT / EXCEPT [ALL] count copies as PostgreSQL does', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, rowsArb, async (l, r) => {
        const db = new TestDb();
        await table(db, 'l', l);
        await table(db, 'r', r);
        const key = (x: Row) => JSON.stringify(x);
        const count = (rows: Row[]) => {
          const m = new Map<string, number>();
          for (const x of rows) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
          return m;
        };
        const cl = count(l);
        const cr = count(r);
        for (const o of ['intersect', 'except'] as const) {
          for (const all of [false, true]) {
            const expected: Row[] = [];
            for (const [k, n] of cl) {
              const m = cr.get(k) ?? 0;
              const copies =
                o === 'intersect'
                  ? all
                    ? Math.min(n, m)
                    : n > 0 && m > 0
                      ? 1
                      : 0
                  : all
                    ? Math.max(n - m, 0)
                    : m === 0
                      ? 1
                      : 0;
              for (let i = 0; i < copies; i++) expected.push(JSON.parse(k));
            }
            const p: PlanNode = {
              kind: 'setop',
              op: o,
              all,
              strategy: 'hashed',
              left: seq(db, 'l', 0),
              right: seq(db, 'r', 1),
              output: seq(db, 'l', 0).output,
              ...est,
            };
            expect(sortBy((await run(db, planned(p))).rows), `${o} ${all}`).toEqual(
              sortBy(expected),
            );
          }
        }
      }),
      { numRuns: Number(process.env.PG_PROPERTY_RUNS ?? 40) },
    );
  });
});

describe('work_mem and temporary files', () => {
  it('a sort and a hash join ten times work_mem spill and give the same rows; no file remains, also after an error', async () => {
    const db = new TestDb();
    const n = 12000;
    const rows = Array.from({ length: n }, (_, i) => [(i * 7919) % n, i]);
    await table(db, 'l', rows);
    await table(
      db,
      'r',
      rows.map((x) => [x[0]!, -x[1]!]),
    );
    const sort: PlanNode = {
      kind: 'sort',
      input: seq(db, 'l', 0),
      output: seq(db, 'l', 0).output,
      keys: [{ expr: op('%', col(1, INT4, 0), lit(10, INT4)), descending: true, nullsFirst: true }],
      ...est,
    };
    const mem = await run(db, planned(sort), { instrument: true });
    const disk = await run(db, planned(sort), { instrument: true, workMemKb: 64 });
    expect(disk.rows).toEqual(mem.rows); // stable: the same order, ties in input order
    expect(mem.instrumentation!.get(sort)).toMatchObject({
      sortMethod: 'quicksort',
      sortSpaceType: 'Memory',
    });
    expect(disk.instrumentation!.get(sort)).toMatchObject({
      sortMethod: 'external merge',
      sortSpaceType: 'Disk',
    });
    expect(disk.instrumentation!.get(sort)!.sortSpaceKb!).toBeGreaterThan(64);
    expect(readdirSync(dir)).toEqual([]);
    for (const jt of ['inner', 'full', 'anti'] as JT[]) {
      const hj = joinPlan(db, 'hashjoin', jt, false);
      const a = await run(db, planned(hj), { instrument: true });
      const b = await run(db, planned(hj), { instrument: true, workMemKb: 64 });
      expect(sortBy(b.rows)).toEqual(sortBy(a.rows));
      const hash = (hj as { inner: PlanNode }).inner;
      expect(a.instrumentation!.get(hash)!.hashBatches).toBe(1);
      expect(b.instrumentation!.get(hash)!.hashBatches).toBeGreaterThanOrEqual(8);
      expect(readdirSync(dir)).toEqual([]);
    }
    // an error after the spill: 1 / (c1 - 5000) fails mid-query
    const failing: PlanNode = {
      kind: 'result',
      input: sort,
      output: [op('/', lit(1, INT4), op('-', col(1, INT4, 0), lit(5000, INT4)))],
      ...est,
    };
    await expect(run(db, planned(failing), { workMemKb: 64 })).rejects.toMatchObject({
      code: '22012',
    });
    expect(readdirSync(dir)).toEqual([]);
  });
});
void builtins;

describe('upper nodes', () => {
  it('IncrementalSort, Unique, MergeAppend, Memoize, Material, sorted SetOp, Agg', async () => {
    const db = new TestDb();
    await table(db, 't', [
      [1, 3],
      [1, 1],
      [2, 2],
      [2, 2],
      [3, null],
      [1, 1],
    ]);
    const t = seq(db, 't', 0);
    const k = (n: number, descending = false, nullsFirst = false) => ({
      expr: col(n, INT4, 0),
      descending,
      nullsFirst,
    });
    const s1: PlanNode = { kind: 'sort', input: t, keys: [k(1)], output: t.output, ...est };
    const inc: PlanNode = {
      kind: 'incrementalsort',
      input: s1,
      keys: [k(1), k(2, true, true)],
      presorted: 1,
      output: t.output,
      ...est,
    };
    expect((await run(db, planned(inc))).rows).toEqual([
      [1, 3],
      [1, 1],
      [1, 1],
      [2, 2],
      [2, 2],
      [3, null],
    ]);
    const uniq: PlanNode = { kind: 'unique', input: inc, columns: 2, output: t.output, ...est };
    expect((await run(db, planned(uniq))).rows).toEqual([
      [1, 3],
      [1, 1],
      [2, 2],
      [3, null],
    ]);
    const ma: PlanNode = {
      kind: 'mergeappend',
      children: [inc, inc],
      keys: [k(1)],
      output: t.output,
      ...est,
    };
    expect((await run(db, planned(ma))).rows.map((r) => r[0])).toEqual([
      1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3,
    ]);
    // Memoize under a nested loop: inner scan filtered by the outer value, cached per key
    const inner = seq(db, 't', 1, op('=', col(1, INT4, 1), eparam(0)));
    const memo: PlanNode = {
      kind: 'memoize',
      input: inner,
      keys: [eparam(0)],
      output: inner.output,
      ...est,
    };
    const nl: PlanNode = {
      kind: 'nestloop',
      joinType: 'inner',
      outer: t,
      inner: memo,
      params: [{ id: 0, value: col(1, INT4, 0) }],
      output: [col(1, INT4, 0), col(2, INT4, 1)],
      ...est,
    };
    const r = await run(db, planned(nl), { instrument: true });
    expect(r.rows.length).toBe(3 * 3 + 2 * 2 + 1);
    expect(r.instrumentation!.get(inner)!.loops).toBe(3);
    expect(r.instrumentation!.get(memo)!.loops).toBe(6);
    expect(r.instrumentation!.get(nl)).toMatchObject({ loops: 1, rows: 14 });
    // Material keeps the inner rows: the scan under it runs once
    const mat: PlanNode = {
      kind: 'material',
      input: seq(db, 't', 1),
      output: inner.output,
      ...est,
    };
    const nl2: PlanNode = {
      kind: 'nestloop',
      joinType: 'semi',
      outer: t,
      inner: mat,
      params: [],
      joinQual: op('<', col(2, INT4, 0), col(2, INT4, 1)),
      output: t.output,
      ...est,
    };
    const r2 = await run(db, planned(nl2), { instrument: true });
    expect(r2.rows).toEqual([
      [1, 1],
      [2, 2],
      [2, 2],
      [1, 1],
    ]);
    expect(r2.instrumentation!.get((mat as { input: PlanNode }).input)!.loops).toBe(1);
    const setop: PlanNode = {
      kind: 'setop',
      op: 'except',
      all: true,
      strategy: 'sorted',
      left: s1,
      right: seq(db, 't', 1, op('=', col(1, INT4, 1), lit(1, INT4))),
      output: t.output,
      ...est,
    };
    expect((await run(db, planned(setop))).rows).toEqual([
      [2, 2],
      [2, 2],
      [3, null],
    ]);
    const agg: PlanNode = {
      kind: 'agg',
      strategy: 'hashed',
      input: t,
      groupExprs: [col(1, INT4, 0)],
      aggregates: [
        {
          name: 'count',
          args: [],
          argTypes: [],
          star: true,
          distinct: false,
          type: INT8,
          typmod: -1,
        },
      ],
      output: [col(1, INT4, 0), { kind: 'aggref', index: 0, type: INT8, typmod: -1 }],
      ...est,
    };
    expect(sortBy((await run(db, planned(agg))).rows)).toEqual(
      sortBy([
        [1, 3n],
        [2, 2n],
        [3, 1n],
      ]),
    );
  });

  it('checks for interrupts between batches, and closes its files when canceled', async () => {
    const db = new TestDb();
    const gs: PlanNode = {
      kind: 'functionscan',
      rt: 0,
      call: fn('generate_series', lit(1, INT4), lit(50000, INT4)),
      alias: 'g',
      output: [col(1, INT4, 0)],
      ...est,
    };
    const sort: PlanNode = {
      kind: 'sort',
      input: gs,
      keys: [{ expr: col(1, INT4, 0), descending: true, nullsFirst: true }],
      output: gs.output,
      ...est,
    };
    let calls = 0;
    const canceled = run(db, planned(sort), {
      workMemKb: 64,
      checkInterrupts: () => {
        if (++calls === 20)
          throw Object.assign(new Error('canceling statement due to user request'), {
            code: '57014',
          });
      },
    });
    await expect(canceled).rejects.toMatchObject({ code: '57014' });
    expect(readdirSync(dir)).toEqual([]);
  });
});
