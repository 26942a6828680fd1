/**
 * Model-based: random transactions of INSERT / UPDATE / DELETE / SELECT on
 * t(id int4 NOT NULL, a int4, b text) with a unique index on id and a
 * plain one on a, against an array of rows. Every SELECT runs twice — as
 * planned (an index scan when the WHERE allows) and with the column hidden
 * behind `+ 0` (a sequential scan) — and both must equal the model. A
 * failed statement rolls its transaction back (the model too).
 */
import type { ExecResult } from '@pg/executor';
import { describePlan, planQuery } from '@pg/executor';
import {
  col,
  deleteFrom,
  insertInto,
  lit,
  op,
  selectFrom,
  TestDb,
  updateOf,
} from '@pg/executor/testing';
import type { Expr, Query } from '@pg/sql';
import { SqlError, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);
const { int4, text } = TypeOid;

type Row = readonly [number, number | null, string | null];

/** A WHERE as an expression (index-friendly or hidden from indexes) and as a predicate. */
interface Cond {
  readonly expr: (hidden: boolean) => Expr | undefined;
  readonly holds: (r: Row) => boolean;
  readonly text: string;
}

const colOf = (attnum: 1 | 2, hidden: boolean): Expr =>
  hidden ? op('+', col(attnum, int4), lit(0, int4)) : col(attnum, int4);

const condArb: fc.Arbitrary<Cond> = fc.oneof(
  fc.constant<Cond>({ expr: () => undefined, holds: () => true, text: 'true' }),
  fc
    .tuple(
      fc.constantFrom<1 | 2>(1, 2),
      fc.constantFrom('=', '<', '<=', '>', '>='),
      fc.integer({ min: -1, max: 12 }),
      fc.boolean(),
    )
    .map(([attnum, o, k, flip]) => {
      const cmp = (x: number) =>
        o === '=' ? x === k : o === '<' ? x < k : o === '<=' ? x <= k : o === '>' ? x > k : x >= k;
      const commuted: Record<string, string> = {
        '=': '=',
        '<': '>',
        '<=': '>=',
        '>': '<',
        '>=': '<=',
      };
      return {
        expr: (hidden: boolean) =>
          flip
            ? op(commuted[o]!, lit(k, int4), colOf(attnum, hidden))
            : op(o, colOf(attnum, hidden), lit(k, int4)),
        holds: (r: Row) => {
          const v = r[attnum - 1] as number | null;
          return v !== null && cmp(v);
        },
        text: `${attnum === 1 ? 'id' : 'a'} ${o} ${k}`,
      };
    }),
  fc
    .tuple(
      fc.constantFrom<1 | 2>(1, 2),
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: 0, max: 12 }),
    )
    .map(([attnum, lo, hi]) => ({
      expr: (hidden: boolean) => ({
        kind: 'bool' as const,
        op: 'and' as const,
        args: [
          op('>=', colOf(attnum, hidden), lit(lo, int4)),
          op('<=', colOf(attnum, hidden), lit(hi, int4)),
        ],
        type: TypeOid.bool,
        typmod: -1,
      }),
      holds: (r: Row) => {
        const v = r[attnum - 1] as number | null;
        return v !== null && v >= lo && v <= hi;
      },
      text: `${attnum === 1 ? 'id' : 'a'} between ${lo} and ${hi}`,
    })),
);

type Op =
  | { readonly kind: 'insert'; readonly rows: readonly Row[] }
  | { readonly kind: 'setA'; readonly cond: Cond; readonly add: number }
  | { readonly kind: 'setId'; readonly from: number; readonly to: number }
  | { readonly kind: 'delete'; readonly cond: Cond }
  | { readonly kind: 'select'; readonly cond: Cond };

const rowArb: fc.Arbitrary<Row> = fc.tuple(
  fc.integer({ min: 0, max: 12 }),
  fc.option(fc.integer({ min: 0, max: 6 }), { freq: 5, nil: null }),
  fc.option(fc.constantFrom('x', 'y', 'zz'), { freq: 4, nil: null }),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(rowArb, { minLength: 1, maxLength: 3 })
      .map((rows) => ({ kind: 'insert' as const, rows })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(condArb, fc.integer({ min: -2, max: 3 }))
      .map(([cond, add]) => ({ kind: 'setA' as const, cond, add })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 }))
      .map(([from, to]) => ({ kind: 'setId' as const, from, to })),
  },
  { weight: 1, arbitrary: condArb.map((cond) => ({ kind: 'delete' as const, cond })) },
  { weight: 3, arbitrary: condArb.map((cond) => ({ kind: 'select' as const, cond })) },
);

const txArb = fc.record({
  ops: fc.array(opArb, { minLength: 1, maxLength: 6 }),
  commit: fc.boolean(),
});

const byId = (rows: readonly (readonly unknown[])[]) =>
  [...rows].map((r) => [...r]).sort((x, y) => (x[0] as number) - (y[0] as number));

describe('executor against an array model', () => {
  it('random transactions agree with the model; index and sequential scans agree', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(txArb, { minLength: 1, maxLength: 8 }), async (txs) => {
        const db = new TestDb();
        const t = db.createTable(
          't',
          [
            { name: 'id', type: int4, notNull: true },
            { name: 'a', type: int4 },
            { name: 'b', type: text },
          ],
          [
            { name: 't_pkey', columns: [1], unique: true },
            { name: 't_a_idx', columns: [2] },
          ],
        );
        let committed: Row[] = [];
        const s = 1;
        for (const tx of txs) {
          let model: Row[] = [...committed];
          db.manager.begin(s);
          let failed = false;
          for (const o of tx.ops) {
            let expected: Row[] | 'unique' = model;
            let query: Query;
            let check: ((r: ExecResult) => void) | undefined;
            if (o.kind === 'insert') {
              const next = [...model];
              for (const r of o.rows) {
                if (next.some((m) => m[0] === r[0])) {
                  expected = 'unique';
                  break;
                }
                next.push(r);
              }
              if (expected !== 'unique') expected = next;
              query = insertInto(t, o.rows);
            } else if (o.kind === 'setA') {
              const n = model.filter(o.cond.holds).length;
              expected = model.map((r) =>
                o.cond.holds(r) ? ([r[0], r[1] === null ? null : r[1] + o.add, r[2]] as Row) : r,
              );
              query = updateOf(
                t,
                new Map([[2, op('+', col(2, int4), lit(o.add, int4))]]),
                o.cond.expr(false),
              );
              check = (r) => expect(r.rowCount).toBe(n);
            } else if (o.kind === 'setId') {
              const hit = model.some((r) => r[0] === o.from);
              expected =
                hit && o.from !== o.to && model.some((r) => r[0] === o.to)
                  ? 'unique'
                  : model.map((r) => (r[0] === o.from ? ([o.to, r[1], r[2]] as Row) : r));
              query = updateOf(
                t,
                new Map([[1, lit(o.to, int4)]]),
                op('=', col(1, int4), lit(o.from, int4)),
              );
            } else if (o.kind === 'delete') {
              const n = model.filter(o.cond.holds).length;
              expected = model.filter((r) => !o.cond.holds(r));
              query = deleteFrom(t, o.cond.expr(false));
              check = (r) => expect(r.rowCount).toBe(n);
            } else {
              const want = byId(model.filter(o.cond.holds));
              const a = await db.run(s, selectFrom(t, { where: o.cond.expr(false)! }));
              const b = await db.run(s, selectFrom(t, { where: o.cond.expr(true)! }));
              expect(byId(a.rows), o.cond.text).toEqual(want);
              expect(byId(b.rows), o.cond.text).toEqual(want);
              continue;
            }
            try {
              const r = await db.run(s, query);
              expect(expected, `${o.kind} should fail`).not.toBe('unique');
              check?.(r);
              model = expected as Row[];
            } catch (e) {
              if (!(e instanceof SqlError) || e.code !== '23505' || expected !== 'unique') throw e;
              failed = true;
              break;
            }
          }
          if (failed || !tx.commit) db.manager.rollback(s);
          else {
            await db.manager.commit(s);
            committed = model;
          }
        }
        db.manager.begin(s);
        const all = await db.run(s, selectFrom(t));
        expect(byId(all.rows)).toEqual(byId(committed));
        // every row is found through each index
        for (const r of committed) {
          const viaPk = await db.run(
            s,
            selectFrom(t, { where: op('=', col(1, int4), lit(r[0], int4)) }),
          );
          expect(viaPk.rows).toEqual([[...r]]);
          if (r[1] !== null) {
            const viaA = await db.run(
              s,
              selectFrom(t, { where: op('=', col(2, int4), lit(r[1], int4)) }),
            );
            expect(byId(viaA.rows)).toEqual(byId(committed.filter((m) => m[1] === r[1])));
          }
        }
        db.manager.rollback(s);
      }),
      { numRuns: Math.max(20, Math.ceil(RUNS / 3)) },
    );
  });

  it('the model test exercises index scans', () => {
    const db = new TestDb();
    const t = db.createTable(
      't',
      [{ name: 'id', type: int4 }],
      [{ name: 't_pkey', columns: [1], unique: true }],
    );
    expect(
      describePlan(planQuery(selectFrom(t, { where: op('<', lit(3, int4), col(1, int4)) }), db)),
    ).toMatch(/Index Scan (using|on) t_pkey/);
  });
});
