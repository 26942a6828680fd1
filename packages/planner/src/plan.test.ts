/**
 * Plan shapes for representative queries, the enable_* switches, and the
 * R1–R4 checker on each. Single-table queries go through @pg/sql's
 * analyzer; joins, WITH and set operations are built by hand (the analyzer
 * does not produce them yet).
 */
import { type PlanNode, type PlannedSelect, planSelect } from '@pg/planner';
import { checkPlan, planShape } from '@pg/planner/testing';
import type { Expr, FuncExpr, RangeTblEntry, SelectQuery } from '@pg/sql';
import { builtins } from '@pg/types';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  col,
  count,
  cte,
  INT4,
  int,
  join,
  not,
  op,
  rel,
  select,
  sublink,
  te,
} from './build.test-helper.js';
import { type Fixture, fixture } from './fixture.test-helper.js';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});

function ok(p: PlannedSelect): PlannedSelect {
  expect(checkPlan(p)).toEqual([]);
  return p;
}

/** The plan's node kinds in pre-order. */
function kinds(p: PlannedSelect): string {
  return planShape(p)
    .split('\n')
    .map((l) => l.trim())
    .join(' > ');
}

function find(n: PlanNode, kind: PlanNode['kind']): PlanNode | undefined {
  if (n.kind === kind) return n;
  for (const v of Object.values(n)) {
    if (v !== null && typeof v === 'object' && 'kind' in v && 'totalCost' in v) {
      const r = find(v as PlanNode, kind);
      if (r) return r;
    }
    if (Array.isArray(v))
      for (const c of v)
        if (c !== null && typeof c === 'object' && 'totalCost' in c) {
          const r = find(c as PlanNode, kind);
          if (r) return r;
        }
  }
  return undefined;
}

const plan = (q: SelectQuery, s = {}) => ok(planSelect(q, f.ctx(s)));

describe('scans', () => {
  it('a sequential scan costs pages × seq_page_cost + tuples × cpu_tuple_cost', () => {
    const p = ok(f.plan('select * from t'));
    expect(p.plan).toMatchObject({
      kind: 'seqscan',
      startupCost: 0,
      totalCost: 2000,
      rows: 100000,
    });
    expect(p.columns.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(p.columns[0]).toMatchObject({
      typeOid: INT4,
      tableOid: f.rels.get('t')!.oid,
      attnum: 1,
    });
    expect(p.relations).toEqual([{ oid: f.rels.get('t')!.oid, lockMode: 'AccessShareLock' }]);
  });

  it('a never-vacuumed table smaller than 10 pages counts as 10 pages', () => {
    // v (k int, w text): 1 page, reltuples -1: 10 pages of (8192-24)/(4+32+28) = 127 rows each
    const p = ok(f.plan('select * from v'));
    expect(p.plan).toMatchObject({ kind: 'seqscan', rows: 1270 });
    expect(p.plan.totalCost).toBeCloseTo(10 + 12.7, 10);
  });

  it('equality on a unique key: an index scan; enable_* switches change the choice', () => {
    const idx = ok(f.plan('select * from t where a = 5'));
    expect(idx.plan).toMatchObject({ kind: 'indexscan', indexName: 't_pkey', rows: 1 });
    if (idx.plan.kind !== 'indexscan') throw new Error();
    expect(idx.plan.indexQuals).toMatchObject([
      { column: 1, strategy: 3, value: { kind: 'const', value: 5 } },
    ]);
    expect(idx.plan.filter).toBeUndefined();
    expect(ok(f.plan('select * from t where a = 5', { enableIndexscan: false })).plan.kind).toBe(
      'bitmapheapscan',
    );
    const seq = ok(
      f.plan('select * from t where a = 5', { enableIndexscan: false, enableBitmapscan: false }),
    );
    expect(seq.plan.kind).toBe('seqscan');
    // disable_cost is added, not removal: with nothing else, a disabled seqscan is still used
    const forced = ok(f.plan('select * from t where b = $1', { enableSeqscan: false }));
    expect(forced.plan.kind).toBe('seqscan');
    expect(forced.plan.startupCost).toBeGreaterThanOrEqual(1e10);
  });

  it('equality prefix then one range column; other conditions stay in the filter', () => {
    const p = ok(f.plan('select * from t where c = 3 and a > 10 and a < 20 and b = $1'));
    const scan = find(p.plan, 'indexscan') ?? find(p.plan, 'bitmapheapscan');
    expect(scan).toBeDefined();
    const bm = ok(
      f.plan('select * from t where c = 3 and a > 10 and a < 20 and b = $1', {
        enableIndexscan: false,
      }),
    );
    const bi = find(bm.plan, 'bitmapheapscan');
    expect(bi?.kind).toBe('bitmapheapscan');
  });

  it('col = ANY(array) is an index qual with array set', () => {
    const p = ok(f.plan('select * from t where a in (1, 2, 3)'));
    const s = p.plan;
    if (s.kind !== 'indexscan' && s.kind !== 'bitmapheapscan') throw new Error(planShape(p));
    const quals =
      s.kind === 'indexscan'
        ? s.indexQuals
        : s.kind === 'bitmapheapscan' && s.bitmap.kind === 'bitmapindexscan'
          ? s.bitmap.indexQuals
          : [];
    expect(quals[0]).toMatchObject({ column: 1, strategy: 3, array: true });
  });

  it('an index-only scan when the index holds every needed column', () => {
    const p = ok(f.plan('select x from u where x < 100'));
    expect(find(p.plan, 'indexonlyscan')).toMatchObject({ indexName: 'u_x_idx' });
    expect(
      ok(f.plan('select x from u where x < 100', { enableIndexonlyscan: false })).plan.kind,
    ).not.toBe('indexonlyscan');
  });

  it('ORs of indexable conditions: BitmapOr', () => {
    const p = ok(f.plan('select * from u where x = 1 or y = 2'));
    expect(kinds(p)).toBe('BitmapHeapScan u > bitmapor > bitmapindexscan > bitmapindexscan');
  });

  it('ORDER BY ... DESC LIMIT reads the index backward, without a sort', () => {
    const p = ok(f.plan('select a, b from t order by a desc limit 10'));
    expect(kinds(p)).toBe('limit > result > IndexScan Backward t_pkey t');
    expect(p.plan.rows).toBe(10);
    expect(p.plan.totalCost).toBeLessThan(10);
  });

  it('ORDER BY a non-indexed column: a sort (top-N under a LIMIT)', () => {
    const p = ok(f.plan('select a, b from t order by b limit 10'));
    expect(kinds(p)).toBe('limit > sort > result > SeqScan t');
    const full = ok(f.plan('select a, b from t order by b'));
    expect(full.plan.totalCost).toBeGreaterThan(p.plan.totalCost);
  });

  it('ORDER BY c, b with an index on c: an incremental sort when enabled', () => {
    const p = ok(f.plan('select * from t order by c, b limit 5'));
    expect(find(p.plan, 'incrementalsort')).toMatchObject({ presorted: 1 });
    const off = ok(
      f.plan('select * from t order by c, b limit 5', { enableIncrementalSort: false }),
    );
    expect(find(off.plan, 'incrementalsort')).toBeUndefined();
  });

  it('SELECT without FROM: one Result; a constant WHERE is its one-time filter', () => {
    expect(kinds(ok(f.plan('select 1')))).toBe('result');
    const p = ok(f.plan('select 1 where false'));
    expect(p.plan).toMatchObject({
      kind: 'result',
      oneTimeFilter: { kind: 'const', value: false },
    });
    expect(p.plan.totalCost).toBeCloseTo(0.01);
  });

  it('set-returning functions in the select list: ProjectSet', () => {
    const gs = builtins.findFunction('generate_series', [INT4, INT4])!;
    const call: FuncExpr = { kind: 'func', fn: gs, args: [int(1), int(3)], type: INT4, typmod: -1 };
    const p = plan(select([], [], [te(call, 'generate_series')]));
    expect(kinds(p)).toBe('projectset > result');
    expect(p.plan.rows).toBe(3);
    // nested: one ProjectSet per level (PostgreSQL's ProjectSet -> ProjectSet -> Result)
    const nested: FuncExpr = { ...call, args: [int(1), call] };
    expect(kinds(plan(select([], [], [te(nested, 'n')])))).toBe('projectset > projectset > result');
    const overT = plan(select([rel(f, 'v')], [0], [te(col(0, 1), 'k'), te(call, 'g')]));
    expect(kinds(overT)).toBe('projectset > SeqScan v');
  });
});

describe('upper nodes', () => {
  it('aggregates: plain; GROUP BY hashed, or sorted when hashing is off', () => {
    expect(kinds(ok(f.plan('select count(*) from t')))).toBe('Agg plain > SeqScan t');
    expect(ok(f.plan('select count(*) from t')).plan.width).toBe(8);
    expect(kinds(ok(f.plan('select b, count(*) from t group by b')))).toBe(
      'Agg hashed > SeqScan t',
    );
    expect(
      kinds(ok(f.plan('select b, count(*) from t group by b', { enableHashagg: false }))),
    ).toBe('Agg sorted > sort > SeqScan t');
    const h = ok(f.plan('select b, count(*) from t group by b having count(*) > 1'));
    expect(find(h.plan, 'agg')).toMatchObject({ kind: 'agg', having: { kind: 'op' } });
    // an index in the group order: sorted without a sort
    const s = ok(f.plan('select c, count(*) from t group by c', { enableHashagg: false }));
    expect(find(s.plan, 'sort')).toBeUndefined();
  });

  it('DISTINCT: hashed Agg or Sort + Unique; DISTINCT ON keeps the first of each group', () => {
    const d = ok(f.plan('select distinct b from t'));
    expect(['Agg hashed > result > SeqScan t', 'unique > sort > result > SeqScan t']).toContain(
      kinds(d),
    );
    const d2 = ok(f.plan('select distinct b from t', { enableHashagg: false }));
    expect(kinds(d2)).toBe('unique > sort > result > SeqScan t');
    const on = ok(f.plan('select distinct on (b) a, b from t order by b, a'));
    expect(kinds(on)).toBe('result > unique > sort > result > SeqScan t');
    expect(find(on.plan, 'unique')).toMatchObject({ columns: 1 });
  });

  it('window functions: a Sort on partition + order keys below WindowAgg', () => {
    const p = ok(f.plan('select b, row_number() over (partition by b order by a) from t'));
    expect(kinds(p)).toBe('result > windowagg > sort > SeqScan t');
    const w = find(p.plan, 'windowagg');
    expect(w?.output.at(-1)).toMatchObject({ kind: 'windowfunc', index: 0 });
  });

  it('LIMIT with a parameter estimates 10% of the rows', () => {
    const p = ok(f.plan('select * from t limit $1'));
    expect(p.plan).toMatchObject({ kind: 'limit', rows: 10000 });
  });
});

describe('joins', () => {
  const tu = () =>
    select([rel(f, 't'), rel(f, 'u')], [0, 1], [te(col(0, 2, 25), 'b'), te(col(1, 2), 'y')], {
      where: op('=', col(0, 3), col(1, 1)),
    });

  it('an equijoin of tables without statistics: merge join (hash buckets assumed skewed, as PostgreSQL); the switches', () => {
    expect(find(plan(tu()).plan, 'mergejoin')).toBeDefined();
    const hash = plan(tu(), { enableMergejoin: false, enableNestloop: false });
    expect(find(hash.plan, 'hashjoin')).toBeDefined();
    const noHash = plan(tu(), { enableHashjoin: false });
    expect(find(noHash.plan, 'hashjoin')).toBeUndefined();
    const nl = plan(tu(), { enableHashjoin: false, enableMergejoin: false });
    expect(find(nl.plan, 'nestloop')).toBeDefined();
    expect(find(nl.plan, 'mergejoin')).toBeUndefined();
  });

  it('a few outer rows: a nested loop over a parameterized inner index scan', () => {
    const q = select([rel(f, 'u'), rel(f, 't')], [0, 1], [te(col(1, 2, 25), 'b')], {
      where: op('=', col(1, 1), col(0, 1)),
    });
    const with5 = select(q.rtable as RangeTblEntry[], [0, 1], q.targetList as never, {
      where: {
        kind: 'bool',
        op: 'and',
        args: [q.where!, op('=', col(0, 2), int(7))],
        type: 16,
        typmod: -1,
      },
    });
    const p = plan(with5);
    const nl = find(p.plan, 'nestloop');
    if (nl?.kind !== 'nestloop') throw new Error(planShape(p));
    expect(nl.params).toHaveLength(1);
    expect(nl.inner).toMatchObject({ kind: 'indexscan', indexName: 't_pkey' });
    if (nl.inner.kind !== 'indexscan') throw new Error();
    expect(nl.inner.indexQuals[0]?.value).toMatchObject({
      kind: 'execparam',
      id: nl.params[0]!.id,
    });
    expect(nl.params[0]!.value).toMatchObject({ kind: 'var', rt: 0, attnum: 1 });
  });

  it('LEFT / RIGHT / FULL joins keep their semantics (RIGHT flipped to LEFT)', () => {
    const mk = (jt: 'left' | 'right' | 'full') =>
      select(
        [rel(f, 't'), rel(f, 'v'), join(jt, 0, 1, op('=', col(0, 1), col(1, 1)))],
        [2],
        [te(col(0, 2, 25), 'b'), te(col(1, 2, 25), 'w')],
      );
    const joinTypes = (p: PlannedSelect) => {
      const j = find(p.plan, 'hashjoin') ?? find(p.plan, 'mergejoin') ?? find(p.plan, 'nestloop');
      if (j === undefined || !('joinType' in j)) throw new Error(planShape(p));
      const outerRel = (n: PlanNode): number[] =>
        'rt' in n ? [n.rt] : 'input' in n && n.input ? outerRel(n.input) : [];
      return { jt: j.joinType, outer: outerRel(j.outer) };
    };
    const left = joinTypes(plan(mk('left')));
    // preserved side t (rt 0): outer of a left join or inner of a right join
    expect(left.jt === 'left' ? left.outer : [0]).toEqual([0]);
    const right = joinTypes(plan(mk('right')));
    expect(right.jt === 'left' ? right.outer : [1]).toEqual([1]);
    expect(['left', 'right']).toContain(right.jt);
    expect(joinTypes(plan(mk('full'))).jt).toBe('full');
  });

  it('FULL JOIN without an equality condition is refused as PostgreSQL does', () => {
    const q = select(
      [rel(f, 't'), rel(f, 'v'), join('full', 0, 1, op('<', col(0, 1), col(1, 1)))],
      [2],
      [te(col(0, 1), 'a')],
    );
    expect(() => planSelect(q, f.ctx())).toThrow(
      /FULL JOIN is only supported with merge-joinable or hash-joinable/,
    );
  });

  it('WHERE on the nullable side of a LEFT JOIN stays above the join', () => {
    const q = select(
      [rel(f, 't'), rel(f, 'v'), join('left', 0, 1, op('=', col(0, 1), col(1, 1)))],
      [2],
      [te(col(0, 1), 'a')],
      {
        where: { kind: 'nulltest', arg: col(1, 1), isNull: true, type: 16, typmod: -1 },
      },
    );
    const p = plan(q);
    const v = find(p.plan, 'seqscan');
    const scans = [p.plan].flatMap(function all(n: PlanNode): PlanNode[] {
      const kids = Object.values(n).filter(
        (x) => x !== null && typeof x === 'object' && 'totalCost' in x,
      ) as PlanNode[];
      return [n, ...kids.flatMap(all)];
    });
    const vScan = scans.find((n) => 'rt' in n && n.rt === 1);
    expect(vScan && 'filter' in vScan ? vScan.filter : undefined).toBeUndefined();
    expect(v).toBeDefined();
    const j = scans.find((n) => 'joinType' in n);
    expect(j && 'filter' in j ? j.filter : undefined).toMatchObject({ kind: 'nulltest' });
  });

  it('a strict WHERE condition on the nullable side reduces an outer join (reduce_outer_joins)', () => {
    const j = (jt: 'left' | 'full', where: Expr) =>
      plan(
        select(
          [rel(f, 't'), rel(f, 'v'), join(jt, 0, 1, op('=', col(0, 1), col(1, 1)))],
          [2],
          [te(col(0, 1), 'a')],
          {
            where,
          },
        ),
      );
    const joinType = (p: PlannedSelect) =>
      (find(p.plan, 'hashjoin') ?? find(p.plan, 'mergejoin') ?? find(p.plan, 'nestloop')) as {
        joinType: string;
      };
    expect(
      joinType(
        j('left', op('=', col(1, 2, 25), { kind: 'const', value: 'x', type: 25, typmod: -1 })),
      ).joinType,
    ).toBe('inner');
    expect(['left', 'right']).toContain(
      joinType(
        j('left', { kind: 'nulltest', arg: col(1, 2, 25), isNull: true, type: 16, typmod: -1 }),
      ).joinType,
    );
    // FULL with the left side required: a LEFT join (t preserved)
    const full = joinType(j('full', op('>', col(0, 3), int(1))));
    expect(['left', 'right']).toContain(full.joinType);
  });

  it('join order: dynamic programming for 4 relations, greedy beyond geqo_threshold', () => {
    const names = ['t', 'u', 'v', 'e'];
    const q4 = select(
      names.map((n) => rel(f, n)),
      [0, 1, 2, 3],
      [te(col(0, 1), 'a')],
      {
        where: {
          kind: 'bool',
          op: 'and',
          args: [
            op('=', col(0, 1), col(1, 1)),
            op('=', col(1, 2), col(2, 1)),
            op('=', col(2, 1), col(3, 1)),
          ],
          type: 16,
          typmod: -1,
        },
      },
    );
    const p4 = plan(q4);
    expect(p4.relations).toHaveLength(4);
    const n = 14;
    const qn = select(
      Array.from({ length: n }, (_, i) => rel(f, names[i % 4]!, `r${i}`)),
      Array.from({ length: n }, (_, i) => i),
      [te(col(0, 1), 'a')],
      {
        where: {
          kind: 'bool',
          op: 'and',
          args: Array.from({ length: n - 1 }, (_, i) => op('=', col(i, 1), col(i + 1, 1))),
          type: 16,
          typmod: -1,
        },
      },
    );
    const pn = plan(qn);
    expect(planShape(pn).match(/Scan/g)).toHaveLength(n);
  });

  it('LATERAL function arguments are ExecParams set by the nested loop', () => {
    const gs = builtins.findFunction('generate_series', [INT4, INT4])!;
    const call: FuncExpr = {
      kind: 'func',
      fn: gs,
      args: [int(1), col(0, 1)],
      type: INT4,
      typmod: -1,
    };
    const q = select(
      [rel(f, 'v'), { kind: 'function', call, alias: 'g', columnNames: ['g'] }],
      [0, 1],
      [te(col(0, 1), 'k'), te(col(1, 1), 'g')],
    );
    const p = plan(q);
    const nl = find(p.plan, 'nestloop');
    if (nl?.kind !== 'nestloop') throw new Error(planShape(p));
    expect(nl.inner.kind).toBe('functionscan');
    expect(nl.params).toEqual([{ id: 0, value: col(0, 1) }]);
    if (nl.inner.kind !== 'functionscan') throw new Error();
    expect(nl.inner.call).toMatchObject({
      args: [{ kind: 'const' }, { kind: 'execparam', id: 0 }],
    });
  });
});

describe('sub-SELECTs', () => {
  const corr = (): SelectQuery =>
    select([rel(f, 'u')], [0], [te(col(0, 2), 'y')], {
      where: op('=', col(0, 1), col(0, 1, INT4, 1)),
    });
  const outer = (where: Expr, tl = [te(col(0, 2, 25), 'b')]) =>
    select([rel(f, 't')], [0], tl, { where });

  it('EXISTS → semi join (or an inner join with the sub-SELECT made unique), NOT EXISTS → anti join', () => {
    const semi = plan(outer(sublink('exists', corr())));
    // u made distinct on x, then t's rows fetched by its primary key, as PostgreSQL plans it
    expect(kinds(semi)).toBe(
      'result > NestLoop inner > Agg hashed > SeqScan u > IndexScan t_pkey t',
    );
    const noUnique = plan(outer(sublink('exists', corr())), {
      enableHashagg: false,
      enableSort: false,
    });
    expect(kinds(noUnique)).toMatch(/(HashJoin|MergeJoin|NestLoop) semi/);
    expect(semi.subplans).toHaveLength(0);
    const anti = plan(outer(not(sublink('exists', corr()))));
    expect(kinds(anti)).toMatch(/(HashJoin|MergeJoin|NestLoop) anti/);
    expect(anti.relations.map((r) => r.oid).sort()).toEqual(
      [f.rels.get('t')!.oid, f.rels.get('u')!.oid].sort(),
    );
  });

  it('x IN (SELECT ...) → semi join; NOT IN stays a SubPlan', () => {
    const sub = select([rel(f, 'u')], [0], [te(col(0, 2), 'y')]);
    const test = op('=', col(0, 3), { kind: 'sublinkparam', column: 1, type: INT4, typmod: -1 });
    expect(kinds(plan(outer(sublink('any', sub, test))))).toMatch(
      /semi|inner > .*Agg hashed|inner > .*unique/,
    );
    const notIn = plan(outer(not(sublink('any', sub, test))));
    expect(notIn.subplans).toHaveLength(1);
    expect(notIn.subplanNames).toEqual(['SubPlan 1']);
    const sp = notIn.plan.kind === 'result' ? notIn.plan.input : notIn.plan;
    expect(sp && 'filter' in sp ? sp.filter : undefined).toMatchObject({
      kind: 'bool',
      op: 'not',
      args: [
        {
          kind: 'subplan',
          linkType: 'any',
          initPlan: false,
          args: [{ kind: 'var', rt: 0, attnum: 3 }],
        },
      ],
    });
  });

  it('a correlated scalar sub-SELECT: SubPlan whose args pass the outer row; an uncorrelated one: InitPlan', () => {
    const scalar = sublink('expr', corr(), undefined, INT4);
    const p = plan(select([rel(f, 't')], [0], [te(scalar, 'y')]));
    expect(p.subplanNames).toEqual(['SubPlan 1']);
    const sp = p.plan.output[0]!;
    expect(sp).toMatchObject({
      kind: 'subplan',
      initPlan: false,
      args: [{ kind: 'var', rt: 0, attnum: 1 }],
    });
    if (sp.kind !== 'subplan') throw new Error();
    // the sub-plan reads the outer value through the ExecParam
    expect(JSON.stringify(p.subplans[0])).toContain(`"kind":"execparam","id":${sp.params[0]}`);
    const c = count();
    const unc = sublink(
      'expr',
      select([rel(f, 'u')], [0], [te(c.ref, 'count')], { aggregates: c.aggregates }),
      undefined,
      20,
    );
    const q = plan(
      select([rel(f, 't')], [0], [te(col(0, 1), 'a')], { where: op('>', col(0, 1), unc) }),
    );
    expect(q.subplanNames).toEqual(['InitPlan 1 (returns $0)']);
    expect(JSON.stringify(q.plan)).toContain('"initPlan":true');
  });
});

describe('sub-plan numbering', () => {
  it('WITH queries first, then the target list, then WHERE, as PostgreSQL numbers them', () => {
    const p = ok(
      f.plan(
        'with m as materialized (select 1) select (select max(x) from u) from t where a > (select max(y) from u) and exists (select 1 from m)',
      ),
    );
    expect(p.subplanNames).toEqual([
      'CTE m',
      'InitPlan 2 (returns $0)',
      'InitPlan 3 (returns $1)',
      'InitPlan 4 (returns $2)',
    ]);
  });
});

describe('WITH and set operations', () => {
  const w = () => select([rel(f, 't')], [0], [te(col(0, 1), 'a'), te(col(0, 3), 'c')]);
  const ref = (alias: string) => ({
    kind: 'cte' as const,
    name: 'w',
    index: 0,
    levelsUp: 0,
    self: false,
    alias,
    columnNames: ['a', 'c'],
    columnTypes: [
      { type: INT4, typmod: -1 },
      { type: INT4, typmod: -1 },
    ],
  });

  it('a WITH query referenced once is inlined (and pulled up); twice (or MATERIALIZED) it is a CTE Scan of one subplan', () => {
    const once = plan(select([ref('w')], [0], [te(col(0, 1), 'a')], { ctes: [cte('w', w())] }));
    expect(once.subplans).toHaveLength(0);
    expect(kinds(once)).not.toMatch(/subqueryscan/);
    expect(kinds(once)).toMatch(/SeqScan t/);
    const mat = plan(
      select([ref('w')], [0], [te(col(0, 1), 'a')], {
        ctes: [cte('w', w(), { materialized: 'always' })],
      }),
    );
    expect(mat.subplanNames).toEqual(['CTE w']);
    const twice = plan(
      select([ref('w'), ref('w2')], [0, 1], [te(col(0, 1), 'a')], {
        ctes: [cte('w', w(), { refCount: 2 })],
        where: op('=', col(0, 1), col(1, 2)),
      }),
    );
    expect(twice.subplanNames).toEqual(['CTE w']);
    expect(planShape(twice).match(/ctescan/g)).toHaveLength(2);
  });

  it('WITH RECURSIVE: RecursiveUnion over the non-recursive term and a WorkTableScan', () => {
    const R = (levelsUp: number, self: boolean) => ({
      kind: 'cte' as const,
      name: 'r',
      index: 0,
      levelsUp,
      self,
      alias: 'r',
      columnNames: ['n'],
      columnTypes: [{ type: INT4, typmod: -1 }],
    });
    const nonrec = select([], [], [te(int(1), 'n')]);
    const recq = select([R(2, true)], [0], [te(op('+', col(0, 1), int(1)), 'n')], {
      where: op('<', col(0, 1), int(10)),
    });
    const u = select(
      [
        { kind: 'subquery', query: nonrec, alias: '*SELECT* 1', columnNames: ['n'] },
        { kind: 'subquery', query: recq, alias: '*SELECT* 2', columnNames: ['n'] },
      ],
      [],
      [te(col(0, 1), 'n')],
      {
        setOp: {
          kind: 'setop',
          op: 'union',
          all: false,
          left: { kind: 'leaf', rt: 0 },
          right: { kind: 'leaf', rt: 1 },
          columnTypes: [{ type: INT4, typmod: -1 }],
        },
      },
    );
    const p = plan(
      select([R(0, false)], [0], [te(col(0, 1), 'n')], {
        ctes: [cte('r', u, { recursive: true })],
      }),
    );
    expect(p.subplanNames).toEqual(['CTE r']);
    const ru = p.subplans[0]!;
    const r = find(ru, 'recursiveunion');
    const wt = find(ru, 'worktablescan');
    if (r?.kind !== 'recursiveunion' || wt?.kind !== 'worktablescan') throw new Error(planShape(p));
    expect(r.all).toBe(false);
    expect(wt.worktable).toBe(r.worktable);
    expect(r.worktable).toBeLessThan(p.execParams);
  });

  const leaf = (name: string) => select([rel(f, name)], [0], [te(col(0, 1), 'x')]);
  const setop = (op: 'union' | 'intersect' | 'except', all: boolean) =>
    select(
      [
        { kind: 'subquery', query: leaf('u'), alias: '*SELECT* 1', columnNames: ['x'] },
        { kind: 'subquery', query: leaf('v'), alias: '*SELECT* 2', columnNames: ['x'] },
      ],
      [],
      [te(col(0, 1), 'x')],
      {
        setOp: {
          kind: 'setop',
          op,
          all,
          left: { kind: 'leaf', rt: 0 },
          right: { kind: 'leaf', rt: 1 },
          columnTypes: [{ type: INT4, typmod: -1 }],
        },
      },
    );

  it('UNION ALL: Append; UNION: Append + duplicate removal; INTERSECT / EXCEPT: SetOp', () => {
    expect(plan(setop('union', true)).plan.kind).toBe('append');
    const u = plan(setop('union', false));
    expect(['agg', 'unique']).toContain(u.plan.kind);
    expect(find(u.plan, 'append')).toBeDefined();
    expect(plan(setop('intersect', false)).plan).toMatchObject({
      kind: 'setop',
      op: 'intersect',
      all: false,
      strategy: 'hashed',
    });
    const ex = plan(setop('except', true), { enableHashagg: false });
    expect(ex.plan).toMatchObject({ kind: 'setop', op: 'except', all: true, strategy: 'sorted' });
    if (ex.plan.kind !== 'setop') throw new Error();
    expect(ex.plan.left.kind).toBe('sort');
  });
});
