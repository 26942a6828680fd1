/** Limit WITH TIES (FETCH FIRST n ROWS WITH TIES) and nested ProjectSets, on hand-made plans. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlanNode, PlannedSelect } from '@pg/planner';
import { TypeOid } from '@pg/types';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { col, fn, lit, TestDb } from './harness.js';
import { executeSelect } from './run.js';

const INT4 = TypeOid.int4;
const INT8 = TypeOid.int8;
const est = { startupCost: 0, totalCost: 0, rows: 0, width: 0 };
const dir = mkdtempSync(join(tmpdir(), 'exec-ties-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function planned(plan: PlanNode): PlannedSelect {
  return {
    plan,
    subplans: [],
    subplanNames: [],
    execParams: 0,
    columns: plan.output.map((e, i) => ({
      name: `c${i}`,
      typeOid: e.type,
      typmod: -1,
      tableOid: 0,
      attnum: 0,
    })),
    relations: [],
  };
}

async function run(db: TestDb, p: PlannedSelect) {
  db.manager.begin(1, 'read committed');
  try {
    const r = await executeSelect(p, db.context(1), { tempDir: dir });
    await db.manager.commit(1);
    return r;
  } catch (e) {
    db.manager.rollback(1);
    throw e;
  }
}

/** VALUES rows (k, id) sorted on k, then a Limit WITH TIES on k. */
function tiesPlan(rows: (number | null)[][], count: unknown, offset?: number): PlanNode {
  const values: PlanNode = {
    kind: 'valuesscan',
    rt: 0,
    values: rows.map((r) => r.map((v) => lit(v, INT4))),
    output: [col(1, INT4, 0), col(2, INT4, 0)],
    ...est,
  } as PlanNode;
  const keys = [{ expr: col(1, INT4, 0), descending: false, nullsFirst: false }];
  const sort: PlanNode = { kind: 'sort', input: values, keys, output: values.output, ...est };
  return {
    kind: 'limit',
    input: sort,
    limit: lit(count, INT8),
    ...(offset === undefined ? {} : { offset: lit(BigInt(offset), INT8) }),
    withTies: keys,
    output: sort.output,
    ...est,
  };
}

/** The model: sort on k (NULLs last, stable), skip `offset`, take n, then every row tying the n-th. */
function model(rows: (number | null)[][], n: number, offset: number): (number | null)[][] {
  const key = (r: (number | null)[]) => (r[0] === null ? Number.POSITIVE_INFINITY : r[0]!);
  const sorted = rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => key(a.r) - key(b.r) || a.i - b.i)
    .map((x) => x.r)
    .slice(offset);
  if (n === 0) return [];
  const out = sorted.slice(0, n);
  const last = out[out.length - 1];
  for (const r of sorted.slice(n)) {
    if (last === undefined || r[0] !== last[0]) break;
    out.push(r);
  }
  return out;
}

describe('Limit WITH TIES', () => {
  it('returns the rows tying the last one', async () => {
    const db = new TestDb();
    const rows = [
      [3, 1],
      [1, 2],
      [3, 3],
      [2, 4],
      [3, 5],
    ];
    const r = await run(db, planned(tiesPlan(rows, 3n)));
    expect(r.rows).toEqual([
      [1, 2],
      [2, 4],
      [3, 1],
      [3, 3],
      [3, 5],
    ]);
    expect((await run(db, planned(tiesPlan(rows, 0n)))).rows).toEqual([]);
    await expect(run(db, planned(tiesPlan(rows, null)))).rejects.toMatchObject({
      code: '2201W',
      message: 'row count cannot be null in FETCH FIRST ... WITH TIES clause',
    });
  });
  it('agrees with the model (property)', async () => {
    const db = new TestDb();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.option(fc.integer({ min: 0, max: 4 })), fc.integer()), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        async (rows, n, offset) => {
          const r = await run(db, planned(tiesPlan(rows, BigInt(n), offset)));
          expect(r.rows).toEqual(model(rows, n, offset));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('nested ProjectSet', () => {
  it('runs the outer set-returning call once per row of the inner one', async () => {
    const db = new TestDb();
    const inner = fn('generate_series', lit(1, INT4), lit(3, INT4));
    const outer = fn('generate_series', lit(1, INT4), inner);
    const lower: PlanNode = { kind: 'projectset', output: [inner], ...est };
    const upper: PlanNode = { kind: 'projectset', input: lower, output: [outer], ...est };
    expect((await run(db, planned(upper))).rows).toEqual([[1], [1], [2], [1], [2], [3]]);
  });
});
