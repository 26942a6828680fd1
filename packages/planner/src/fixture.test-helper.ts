/** Test fixture: a fake catalog of a few tables with B-tree indexes, and a planner context over it. */
import type { IndexDesc, RelationDesc } from '@pg/catalog';
import {
  defaultPlannerSettings,
  type PlannedSelect,
  type PlannerContext,
  type PlannerSettings,
  planSelect,
} from '@pg/planner';
import { analyze, type CatalogView, loadParser, parse, type SelectQuery } from '@pg/sql';
import { fakeCatalog, fakeRelation } from '@pg/sql/testing';
import { builtins } from '@pg/types';

let nextIndexOid = 50000;

export function btree(
  rel: RelationDesc,
  name: string,
  columns: number[],
  opts: { unique?: boolean; nkeys?: number; desc?: boolean[] } = {},
): IndexDesc {
  const nkeys = opts.nkeys ?? columns.length;
  return {
    oid: nextIndexOid++,
    name,
    relfilenode: 0,
    tableOid: rel.oid,
    am: 'btree',
    columns,
    nkeys,
    unique: opts.unique ?? false,
    primary: false,
    descending: opts.desc ?? columns.slice(0, nkeys).map(() => false),
    nullsFirst: opts.desc ?? columns.slice(0, nkeys).map(() => false),
    valid: true,
    nullsNotDistinct: false,
  };
}

export interface Fixture {
  catalog: CatalogView;
  rels: Map<string, RelationDesc>;
  sizes: Map<number, { pages: number; tuples: number; allVisible: number }>;
  q(sql: string): SelectQuery;
  plan(sql: string, settings?: Partial<PlannerSettings>): PlannedSelect;
  ctx(settings?: Partial<PlannerSettings>): PlannerContext;
}

/** Tables t(a int, b text, c int) 1000 pages / 100k rows, u(x int, y int, z text) 100 pages / 10k rows, v(k int, w text) small. */
export async function fixture(): Promise<Fixture> {
  await loadParser();
  const t0 = fakeRelation({ sql: 'create table t (a int not null, b text, c int)' });
  const t = {
    ...t0,
    indexes: [
      btree(t0, 't_pkey', [1], { unique: true }),
      btree(t0, 't_c_idx', [3]),
      btree(t0, 't_c_a_idx', [3, 1]),
    ],
  };
  const u0 = fakeRelation({ sql: 'create table u (x int, y int, z text)' });
  const u = {
    ...u0,
    indexes: [btree(u0, 'u_x_idx', [1]), btree(u0, 'u_y_idx', [2], { nkeys: 1 })],
  };
  const v = fakeRelation({ sql: 'create table v (k int, w text)' });
  const e = fakeRelation({ sql: 'create table e (p int, q int)' });
  const rels = new Map<string, RelationDesc>([
    ['t', t],
    ['u', u],
    ['v', v],
    ['e', e],
  ]);
  const catalog = fakeCatalog([t, u, v, e]);
  const sizes = new Map<number, { pages: number; tuples: number; allVisible: number }>([
    [t.oid, { pages: 1000, tuples: 100000, allVisible: 0 }],
    [u.oid, { pages: 100, tuples: 10000, allVisible: 100 }],
    [v.oid, { pages: 1, tuples: -1, allVisible: 0 }],
    [e.oid, { pages: 0, tuples: -1, allVisible: 0 }],
  ]);
  for (const r of [t, u])
    for (const i of r.indexes)
      sizes.set(i.oid, {
        pages: Math.ceil((sizes.get(r.oid)?.tuples ?? 0) / 300) + 1,
        tuples: -1,
        allVisible: 0,
      });
  const byOid = new Map([...rels.values()].map((r) => [r.oid, r]));
  const ctx = (settings: Partial<PlannerSettings> = {}): PlannerContext => ({
    registry: builtins,
    relation(oid) {
      const r = byOid.get(oid);
      if (r === undefined) throw new Error(`no relation ${oid}`);
      return r;
    },
    size(oid) {
      return sizes.get(oid) ?? { pages: 0, tuples: -1, allVisible: 0 };
    },
    settings: { ...defaultPlannerSettings, ...settings },
  });
  const q = (sql: string): SelectQuery => {
    const [stmt] = parse(sql);
    const query = analyze(stmt!, catalog, {});
    if (query.command !== 'select') throw new Error('not a SELECT');
    return query;
  };
  return {
    catalog,
    rels,
    sizes,
    q,
    ctx,
    plan: (sql, settings) => planSelect(q(sql), ctx(settings)),
  };
}
