/**
 * White-box: what ANALYZE stores for the planner (plannerStatistics'
 * size and columnStats), over @pg/catalog's in-memory harness — the
 * column statistics of a known table, the column list, a dropped column
 * losing its statistics, and a later ANALYZE replacing them.
 */
import { catalogHarness } from '@pg/catalog/testing';
import { describe, expect, it } from 'vitest';
import { type AnalyzeContext, plannerStatistics, runVacuumStatement } from './analyze-command.js';
import type { Notice } from './result.js';

function setup() {
  const h = catalogHarness();
  const s = h.session();
  const notices: Notice[] = [];
  const oid = s.run((c) =>
    c.createTable({
      namespace: 'public',
      name: 't',
      columns: [
        { name: 'id', typeOid: 23, typmod: -1, notNull: false },
        { name: 'k', typeOid: 25, typmod: -1, notNull: false },
        { name: 'n', typeOid: 23, typmod: -1, notNull: false },
      ],
    }),
  ) as number;
  const insert = (rows: unknown[][]) =>
    s.run((c) => {
      const w = s.txn?.writer();
      if (w === undefined) throw new Error('no transaction');
      const { heap } = c.openTable(oid);
      for (const r of rows) heap.insert(r, w.xid, w.cid);
    });
  const ctx = (): AnalyzeContext => {
    s.run(() => undefined);
    const txn = s.txn;
    if (txn === undefined) throw new Error('no transaction');
    return {
      catalog: s.catalog,
      txn,
      searchPath: ['public'],
      inBlock: false,
      notice: (n) => notices.push(n),
      setting: () => 100,
      lock: async () => {},
    };
  };
  return { s, oid, insert, ctx, notices };
}

/** ANALYZE statement bodies as the parser gives them. */
const analyzeT = (cols?: string[]) => ({
  rels: [
    {
      VacuumRelation: {
        relation: { relname: 't' },
        ...(cols ? { va_cols: cols.map((sval) => ({ String: { sval } })) } : {}),
      },
    },
  ],
});

describe('what ANALYZE stores for the planner', () => {
  it('column statistics and the relation size', async () => {
    const { s, oid, insert, ctx } = setup();
    insert(Array.from({ length: 100 }, (_, i) => [i + 1, `k${i % 4}`, i % 10 === 0 ? null : 5]));
    const before = plannerStatistics(ctx().catalog, ctx().txn);
    expect(before.size(oid)).toEqual({ pages: 1, tuples: -1, allVisible: 0 });
    expect(before.columnStats(oid, 1)).toBeUndefined();
    await runVacuumStatement(analyzeT(), ctx());
    const p = plannerStatistics(s.catalog, ctx().txn);
    expect(p.size(oid)).toEqual({ pages: 1, tuples: 100, allVisible: 0 });
    const id = p.columnStats(oid, 1);
    expect(id).toMatchObject({ nullFrac: 0, avgWidth: 4, nDistinct: -1, correlation: 1 });
    expect(id?.histogram?.length).toBe(100);
    expect(id?.mcvValues).toBeUndefined();
    expect(p.columnStats(oid, 2)).toEqual({
      nullFrac: 0,
      avgWidth: 3,
      nDistinct: 4,
      mcvValues: ['k0', 'k1', 'k2', 'k3'],
      mcvFreqs: [0.25, 0.25, 0.25, 0.25],
      correlation: expect.any(Number),
    });
    expect(p.columnStats(oid, 3)).toEqual({
      nullFrac: Math.fround(0.1),
      avgWidth: 4,
      nDistinct: 1,
      mcvValues: [5],
      mcvFreqs: [Math.fround(0.9)],
      correlation: 1,
    });
  });

  it('a column list analyzes only those columns; a dropped column loses its statistics', async () => {
    const { s, oid, insert, ctx } = setup();
    insert([
      [1, 'a', 1],
      [2, 'b', 1],
    ]);
    await runVacuumStatement(analyzeT(['k']), ctx());
    const p = plannerStatistics(s.catalog, ctx().txn);
    expect(p.columnStats(oid, 1)).toBeUndefined();
    expect(p.columnStats(oid, 2)?.nDistinct).toBe(-1);
    await runVacuumStatement(analyzeT(), ctx());
    expect(p.columnStats(oid, 3)?.mcvValues).toEqual([1]);
    s.run((c) => c.dropColumn(oid, 'n'));
    expect(plannerStatistics(s.catalog, ctx().txn).columnStats(oid, 3)).toBeUndefined();
    expect(plannerStatistics(s.catalog, ctx().txn).columnStats(oid, 2)?.nDistinct).toBe(-1);
  });

  // one value in 2 rows: 1 distinct value is above 10% of the rows, so n_distinct scales: -0.5
  it('a later ANALYZE replaces the statistics', async () => {
    const { s, oid, insert, ctx } = setup();
    insert([[1, 'a', 7]]);
    await runVacuumStatement(analyzeT(), ctx());
    expect(plannerStatistics(s.catalog, ctx().txn).columnStats(oid, 3)?.nDistinct).toBe(-1);
    insert([[2, 'a', 7]]);
    await runVacuumStatement(analyzeT(), ctx());
    const p = plannerStatistics(s.catalog, ctx().txn);
    expect(p.columnStats(oid, 3)).toMatchObject({ nDistinct: -0.5, mcvValues: [7], mcvFreqs: [1] });
    expect(p.size(oid).tuples).toBe(2);
  });
});
