/**
 * Plan shapes against real PostgreSQL 15: tables with known data, VACUUM
 * ANALYZE run, the same sizes and statistics given to our planner; for
 * each query the node types (join types and aggregate strategies
 * included) of our plan and of PostgreSQL's EXPLAIN are compared. Every
 * plan must satisfy R1–R4; the share that matches PostgreSQL is reported
 * and must not fall below the floor (raise it as the planner improves).
 */
import type { IndexDesc, RelationDesc } from '@pg/catalog';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { type ColumnStats, defaultPlannerSettings, type PlanNode, planSelect } from '@pg/planner';
import { checkPlan } from '@pg/planner/testing';
import { analyze, loadParser, parse } from '@pg/sql';
import { fakeCatalog, fakeRelation } from '@pg/sql/testing';
import { builtins } from '@pg/types';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { btree } from './fixture.test-helper.js';

let pg: ReferencePostgres;

const TABLES: { ddl: string; fill: string; indexes: [string, number[], boolean][] }[] = [
  {
    ddl: 'create table t1 (a int not null, b int, c text)',
    fill: "insert into t1 select g, g % 100, 'c' || (g % 1000) from generate_series(1, 20000) g",
    indexes: [
      ['t1_pkey', [1], true],
      ['t1_b_idx', [2], false],
    ],
  },
  {
    ddl: 'create table t2 (x int, y int, z text)',
    fill: "insert into t2 select g, g % 50, 'z' || g from generate_series(1, 2000) g",
    indexes: [['t2_x_idx', [1], false]],
  },
  {
    ddl: 'create table t3 (k int, v text)',
    fill: "insert into t3 select g, 'v' || g from generate_series(1, 100) g",
    indexes: [],
  },
];

const QUERIES = [
  'select * from t1',
  'select * from t1 where a = 42',
  'select a from t1 where a < 100',
  'select * from t1 where a < 5000',
  'select * from t1 where b = 7',
  'select * from t1 where b = 7 or a = 3',
  'select * from t1 where a in (1, 2, 3)',
  'select * from t1 order by a limit 10',
  'select * from t1 order by a desc limit 10',
  'select * from t1 order by c limit 10',
  'select * from t1 order by c',
  'select b, count(*) from t1 group by b',
  'select c, count(*) from t1 group by c',
  'select count(*) from t1',
  'select b, sum(a) from t1 group by b order by b',
  'select distinct b from t1',
  'select distinct c from t1 order by c',
  'select distinct on (b) b, a from t1 order by b, a',
  'select a, row_number() over (partition by b order by a) from t1',
  'select a, sum(a) over () from t1',
  'select * from t1 join t2 on t1.a = t2.x',
  'select * from t1 join t2 on t1.b = t2.y',
  'select * from t2 join t3 on t2.x = t3.k',
  'select * from t1 join t3 on t1.a = t3.k',
  'select * from t1 left join t2 on t1.a = t2.x',
  'select * from t2 left join t1 on t1.a = t2.x',
  'select * from t1 right join t3 on t1.a = t3.k',
  'select * from t1 full join t2 on t1.a = t2.x',
  'select * from t1, t2, t3 where t1.a = t2.x and t2.y = t3.k',
  'select * from t1 join t2 on t1.a = t2.x where t2.y = 3',
  'select * from t1 where exists (select 1 from t2 where t2.x = t1.a)',
  'select * from t1 where not exists (select 1 from t2 where t2.x = t1.a)',
  'select * from t1 where a in (select y from t2)',
  'select * from t1 where a not in (select y from t2)',
  'select a, (select max(y) from t2 where t2.x = t1.a) from t1',
  'select * from t1 where a > (select max(x) from t2)',
  'select * from t2 where x in (select k from t3 where v = $$v1$$)',
  'select x from t2 union select k from t3',
  'select x from t2 union all select k from t3',
  'select x from t2 intersect select k from t3',
  'select x from t2 except select k from t3',
  'with w as (select * from t2 where y = 1) select * from w',
  'with w as materialized (select * from t2) select * from w where x = 1',
  'with recursive r(n) as (select 1 union all select n + 1 from r where n < 10) select * from r',
  'select * from t3 where k = 5',
  'select * from t3 order by v',
  'select t2.y, count(*) from t1 join t2 on t1.a = t2.x group by t2.y',
  'select * from t1 join t2 on t1.a = t2.x order by t1.a limit 5',
  'select * from (select b, count(*) as n from t1 group by b) s where n > 1',
  'select * from generate_series(1, 10) g',
  'select * from t3, generate_series(1, t3.k) g',
  "select * from (values (1, 'a'), (2, 'b')) v(i, s)",
  'select generate_series(1, 3)',
  'select 1',
  'select * from t1 where c like $$c1%$$',
  'select b from t1 where b between 10 and 20',
  'select * from t1 where b is null',
  'select count(distinct b) from t1',
  'select b, c, count(*) from t1 group by rollup (b, c)',
  'select * from t1 t1a join t1 t1b on t1a.a = t1b.b where t1a.a < 10',
  'select * from t1 left join t2 on t1.a = t2.x where t2.y = 3',
  'select * from t1 full join t2 on t1.a = t2.x where t1.b = 3',
  'select b, max(a) from t1 where a < 1000 group by b order by b',
  'select * from t1 where a = 1 or a = 2',
  'select * from t2 where y in (1, 2) and x < 100',
];

interface PgNode {
  'Node Type': string;
  'Join Type'?: string;
  Strategy?: string;
  'Parent Relationship'?: string;
  'Scan Direction'?: string;
  Filter?: string;
  Plans?: PgNode[];
}

const rels: RelationDesc[] = [];
const sizes = new Map<number, { pages: number; tuples: number; allVisible: number }>();
const stats = new Map<string, ColumnStats>();

beforeAll(async () => {
  await loadParser();
  pg = await startReferencePostgres({
    extensions: [],
    settings: { autovacuum: 'off', max_parallel_workers_per_gather: '0', jit: 'off' },
  });
  for (const t of TABLES) {
    await pg.query(t.ddl);
    await pg.query(t.fill);
    const base = fakeRelation({ sql: t.ddl });
    const indexes: IndexDesc[] = [];
    for (const [name, cols, unique] of t.indexes) {
      const cols2 = cols.map((c) => base.columns[c - 1]!.name).join(', ');
      await pg.query(`create ${unique ? 'unique ' : ''}index ${name} on ${base.name} (${cols2})`);
      indexes.push(btree(base, name, cols, { unique }));
    }
    rels.push({ ...base, indexes });
  }
  await pg.query('vacuum analyze');
  for (const r of rels) {
    for (const rel of [r, ...r.indexes]) {
      const [row] = await pg.query<{ pages: string; reltuples: number; relallvisible: number }>(
        `select pg_relation_size('${rel.name}') / 8192 as pages, reltuples, relallvisible from pg_class where relname = '${rel.name}'`,
      );
      sizes.set(rel.oid, {
        pages: Number(row!.pages),
        tuples: Number(row!.reltuples),
        allVisible: Number(row!.relallvisible),
      });
    }
    const rows = await pg.query<{
      attname: string;
      null_frac: number;
      avg_width: number;
      n_distinct: number;
      correlation: number | null;
      histogram_bounds: string | null;
      most_common_vals: string | null;
      most_common_freqs: number[] | null;
    }>(
      `select attname, null_frac, avg_width, n_distinct, correlation, histogram_bounds::text, most_common_vals::text, most_common_freqs from pg_stats where tablename = '${r.name}'`,
    );
    for (const s of rows) {
      const c = r.columns.find((x) => x.name === s.attname)!;
      const parse = (v: string | null) =>
        v === null
          ? undefined
          : v
              .slice(1, -1)
              .split(',')
              .map((x) => (c.typeOid === 23 ? Number(x) : x.replace(/^"|"$/g, '')));
      const hist = parse(s.histogram_bounds);
      const mcv = parse(s.most_common_vals);
      stats.set(`${r.oid}.${c.attnum}`, {
        nullFrac: s.null_frac,
        avgWidth: s.avg_width,
        nDistinct: s.n_distinct,
        ...(s.correlation === null ? {} : { correlation: s.correlation }),
        ...(hist === undefined ? {} : { histogram: hist }),
        ...(mcv === undefined ? {} : { mcvValues: mcv, mcvFreqs: s.most_common_freqs ?? [] }),
      });
    }
  }
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

function pgShape(n: PgNode): string[] {
  const kids = (n.Plans ?? []).filter(
    (c) => c['Parent Relationship'] !== 'InitPlan' && c['Parent Relationship'] !== 'SubPlan',
  );
  if (n['Node Type'] === 'Subquery Scan' && n.Filter === undefined) return kids.flatMap(pgShape);
  if (n['Node Type'] === 'SetOp')
    return [
      `SetOp:${n.Strategy}`,
      ...kids.flatMap((k) =>
        k['Node Type'] === 'Append' ? (k.Plans ?? []).flatMap(pgShape) : pgShape(k),
      ),
    ];
  let label = n['Node Type'];
  if (n['Join Type'] !== undefined) label += `:${n['Join Type']}`;
  if (n['Node Type'] === 'Aggregate') label += `:${n.Strategy}`;
  if (n['Scan Direction'] === 'Backward') label += ':Backward';
  return [label, ...kids.flatMap(pgShape)];
}

const NAMES: Record<string, string> = {
  seqscan: 'Seq Scan',
  indexscan: 'Index Scan',
  indexonlyscan: 'Index Only Scan',
  bitmapheapscan: 'Bitmap Heap Scan',
  bitmapindexscan: 'Bitmap Index Scan',
  bitmapand: 'BitmapAnd',
  bitmapor: 'BitmapOr',
  valuesscan: 'Values Scan',
  functionscan: 'Function Scan',
  subqueryscan: 'Subquery Scan',
  ctescan: 'CTE Scan',
  worktablescan: 'WorkTable Scan',
  result: 'Result',
  projectset: 'ProjectSet',
  nestloop: 'Nested Loop',
  hashjoin: 'Hash Join',
  hash: 'Hash',
  mergejoin: 'Merge Join',
  sort: 'Sort',
  incrementalsort: 'Incremental Sort',
  agg: 'Aggregate',
  windowagg: 'WindowAgg',
  unique: 'Unique',
  limit: 'Limit',
  append: 'Append',
  mergeappend: 'Merge Append',
  setop: 'SetOp',
  recursiveunion: 'Recursive Union',
  material: 'Materialize',
  memoize: 'Memoize',
};

function ourShape(n: PlanNode | import('@pg/planner').BitmapNode): string[] {
  const kids: (PlanNode | import('@pg/planner').BitmapNode)[] = [];
  switch (n.kind) {
    case 'bitmapheapscan':
      kids.push(n.bitmap);
      break;
    case 'bitmapand':
    case 'bitmapor':
    case 'append':
    case 'mergeappend':
      kids.push(...n.children);
      break;
    case 'nestloop':
    case 'hashjoin':
    case 'mergejoin':
      kids.push(n.outer, n.inner);
      break;
    case 'setop':
      kids.push(n.left, n.right);
      break;
    case 'recursiveunion':
      kids.push(n.nonRecursive, n.recursive);
      break;
    default:
      if ('input' in n && n.input !== undefined) kids.push(n.input);
  }
  if (
    n.kind === 'result' &&
    n.input !== undefined &&
    n.filter === undefined &&
    n.oneTimeFilter === undefined
  )
    return kids.flatMap(ourShape);
  if (n.kind === 'subqueryscan' && n.filter === undefined) return kids.flatMap(ourShape);
  let label = NAMES[n.kind] ?? n.kind;
  if ('joinType' in n) label += `:${n.joinType[0]!.toUpperCase()}${n.joinType.slice(1)}`;
  if (n.kind === 'agg') label += `:${n.strategy[0]!.toUpperCase()}${n.strategy.slice(1)}`;
  if (n.kind === 'setop') label = `SetOp:${n.strategy[0]!.toUpperCase()}${n.strategy.slice(1)}`;
  if ((n.kind === 'indexscan' || n.kind === 'indexonlyscan') && n.direction === 'backward')
    label += ':Backward';
  return [label, ...kids.flatMap(ourShape)];
}

it('plan shapes: ours against PostgreSQL 15', async () => {
  const catalog = fakeCatalog(rels);
  const byOid = new Map(rels.map((r) => [r.oid, r]));
  let matches = 0;
  const misses: string[] = [];
  for (const sql of QUERIES) {
    const [stmt] = parse(sql);
    const q = analyze(stmt!, catalog, {});
    if (q.command !== 'select') throw new Error(sql);
    const planned = planSelect(q, {
      registry: builtins,
      relation: (oid) => byOid.get(oid)!,
      size: (oid) => sizes.get(oid) ?? { pages: 0, tuples: -1, allVisible: 0 },
      columnStats: (oid, attnum) => stats.get(`${oid}.${attnum}`),
      settings: defaultPlannerSettings,
    });
    expect(checkPlan(planned), sql).toEqual([]);
    const r = await pg.query(`explain (format json) ${sql}`);
    const theirs = pgShape(
      (r[0] as { 'QUERY PLAN': { Plan: PgNode }[] })['QUERY PLAN'][0]!.Plan,
    ).join(' > ');
    const mine = ourShape(planned.plan).join(' > ');
    if (mine === theirs) matches++;
    else misses.push(`${sql}\n    pg:   ${theirs}\n    ours: ${mine}`);
  }
  console.log(
    `plan shapes matching PostgreSQL: ${matches} of ${QUERIES.length}\n${misses.join('\n')}`,
  );
  // 62 of 65 when written; the misses: a tie between equal Merge Left/Right Join orientations,
  // the analyzer turning a select-list SRF into a FROM function, IS NULL as an index condition
  expect(matches).toBeGreaterThanOrEqual(60);
}, 120_000);

/** Sub-SELECTs in FROM (and inlined WITH queries) that PostgreSQL pulls up into the parent query. */
const PULL_UPS = [
  'select * from (select a, b from t1 where b = 7) s',
  'select s.x, t3.v from (select x, y from t2 where y < 10) s join t3 on s.x = t3.k',
  'select * from t3 left join (select x, y from t2) s on s.x = t3.k',
  'select * from t3 left join (select x, y from t2 where y = 3) s on s.x = t3.k',
  'select * from (select t2.x, t3.v from t2 join t3 on t2.x = t3.k) s where s.x < 50',
  'select count(*) from (select a from t1 where b < 5) s',
  'select * from (select * from (select k, v from t3 where k > 5) a where k < 50) b',
  'with w as (select x, y from t2 where y = 1) select * from w join t3 on w.x = t3.k',
  'select * from t3 where k in (select x from (select x from t2 where y = 3) s)',
  'select s.k2, count(*) from (select k * 2 as k2 from t3) s group by s.k2',
  'select * from t2 join (select k, v from t3 where k < 20) s on s.k = t2.y where t2.x < 100',
  'select (select max(z) from (select z from t2 where t2.x = t3.k) s) from t3',
  'select t3.k, s.y2 from t3 left join (select x, y * 2 as y2 from t2) s on s.x = t3.k',
];

it("sub-SELECTs in FROM are pulled up: the shapes equal PostgreSQL 15's", async () => {
  const catalog = fakeCatalog(rels);
  const byOid = new Map(rels.map((r) => [r.oid, r]));
  let matches = 0;
  const misses: string[] = [];
  for (const sql of PULL_UPS) {
    const [stmt] = parse(sql);
    const q = analyze(stmt!, catalog, {});
    if (q.command !== 'select') throw new Error(sql);
    const planned = planSelect(q, {
      registry: builtins,
      relation: (oid) => byOid.get(oid)!,
      size: (oid) => sizes.get(oid) ?? { pages: 0, tuples: -1, allVisible: 0 },
      columnStats: (oid, attnum) => stats.get(`${oid}.${attnum}`),
      settings: defaultPlannerSettings,
    });
    expect(checkPlan(planned), sql).toEqual([]);
    const r = await pg.query(`explain (format json) ${sql}`);
    const theirs = pgShape(
      (r[0] as { 'QUERY PLAN': { Plan: PgNode }[] })['QUERY PLAN'][0]!.Plan,
    ).join(' > ');
    const mine = ourShape(planned.plan).join(' > ');
    expect(theirs, sql).not.toMatch(/Subquery Scan/);
    expect(mine, sql).not.toMatch(/Subquery Scan/);
    if (mine === theirs) matches++;
    else misses.push(`${sql}\n    pg:   ${theirs}\n    ours: ${mine}`);
  }
  console.log(
    `pulled-up shapes matching PostgreSQL: ${matches} of ${PULL_UPS.length}\n${misses.join('\n')}`,
  );
  // 8 of 12 when written: the misses are join-method choices (a merge join over t2's index
  // where we hash), not the pull-up: no Subquery Scan is left in any of them
  expect(matches).toBeGreaterThanOrEqual(8);
}, 120_000);

it('min/max over an indexed column: InitPlans of a Limit over an index scan under a Result, as PostgreSQL', async () => {
  const catalog = fakeCatalog(rels);
  const byOid = new Map(rels.map((r) => [r.oid, r]));
  const plan = (sql: string) => {
    const [stmt] = parse(sql);
    const q = analyze(stmt!, catalog, {});
    if (q.command !== 'select') throw new Error(sql);
    const planned = planSelect(q, {
      registry: builtins,
      relation: (oid) => byOid.get(oid)!,
      size: (oid) => sizes.get(oid) ?? { pages: 0, tuples: -1, allVisible: 0 },
      columnStats: (oid, attnum) => stats.get(`${oid}.${attnum}`),
      settings: defaultPlannerSettings,
    });
    expect(checkPlan(planned), sql).toEqual([]);
    return planned;
  };
  const pgTop = async (sql: string) => {
    const r = await pg.query(`explain (format json) ${sql}`);
    return (r[0] as { 'QUERY PLAN': { Plan: PgNode }[] })['QUERY PLAN'][0]!.Plan['Node Type'];
  };
  for (const sql of ['select min(a), max(a) from t1', 'select max(b) + 1 from t1 where a < 500']) {
    const p = plan(sql);
    expect(await pgTop(sql), sql).toBe('Result');
    expect(p.plan.kind, sql).toBe('result');
    // a projection Result between them is EXPLAIN's to fold
    const under = (n: PlanNode | undefined): PlanNode | undefined =>
      n?.kind === 'result' && n.input !== undefined ? under(n.input) : n;
    expect(
      p.subplans.map((sp) => `${sp.kind}>${under('input' in sp ? sp.input : undefined)?.kind}`),
      sql,
    ).toEqual(p.subplans.map(() => expect.stringMatching(/^limit>index(only)?scan$/)));
    expect(p.subplanNames[0], sql).toMatch(/^InitPlan 1 \(returns \$0\)$/);
  }
  // no index leads with c: the plain Aggregate, as PostgreSQL
  const sql = 'select min(c) from t1';
  expect(await pgTop(sql)).toBe('Aggregate');
  expect(plan(sql).plan.kind).toBe('agg');
}, 60_000);

it.skipIf(!process.env.SHAPES_DEBUG)(
  'debug',
  async () => {
    const catalog = fakeCatalog(rels);
    const byOid = new Map(rels.map((r) => [r.oid, r]));
    const sql = process.env.SHAPES_DEBUG!;
    const [stmt] = parse(sql);
    const q = analyze(stmt!, catalog, {});
    if (q.command !== 'select') throw new Error(sql);
    for (const [set, mine] of [
      ['', {}],
      ['set enable_mergejoin = off', { enableMergejoin: false }],
      ['set enable_hashjoin = off', { enableHashjoin: false }],
      ['set enable_nestloop = off', { enableNestloop: false }],
    ] as const) {
      const planned = planSelect(q, {
        registry: builtins,
        relation: (oid) => byOid.get(oid)!,
        size: (oid) => sizes.get(oid) ?? { pages: 0, tuples: -1, allVisible: 0 },
        columnStats: (oid, attnum) => stats.get(`${oid}.${attnum}`),
        settings: { ...defaultPlannerSettings, ...mine },
      });
      const c = await pg.connect();
      if (set) await c.query(set);
      const r = await c.query(`explain ${sql}`);
      await c.end();
      const fmt = (n: PlanNode | import('@pg/planner').BitmapNode, d: number): string[] => {
        const kids: (PlanNode | import('@pg/planner').BitmapNode)[] = [];
        if ('outer' in n) kids.push(n.outer, n.inner);
        else if ('input' in n && n.input) kids.push(n.input);
        else if ('bitmap' in n) kids.push(n.bitmap);
        return [
          `${'  '.repeat(d)}${n.kind}${'joinType' in n ? ` ${n.joinType}` : ''} (${n.startupCost.toFixed(2)}..${n.totalCost.toFixed(2)} rows=${n.rows} width=${n.width})`,
          ...kids.flatMap((k) => fmt(k, d + 1)),
        ];
      };
      console.log(
        `--- ${set}\n${r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n')}\n${fmt(planned.plan, 0).join('\n')}`,
      );
    }
  },
  60_000,
);
