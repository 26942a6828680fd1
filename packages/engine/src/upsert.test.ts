/**
 * INSERT ... ON CONFLICT (issue 9), model-based: random upserts, deletes
 * and multi-row statements on one table, checked against a Map after
 * every statement (row count, RETURNING rows) and at the end (a full scan
 * and a look-up of every key through the primary key). A multi-row DO
 * UPDATE whose row meets a row the same statement inserted or updated is
 * 21000 and changes nothing; DO NOTHING keeps the first of them.
 */
import { Database } from '@pg/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 10);

type Op =
  | { kind: 'nothing'; rows: [number, number][] }
  | { kind: 'update'; rows: [number, number][]; where: boolean }
  | { kind: 'delete'; key: number };

const key = fc.integer({ min: 0, max: 7 });
const row = fc.tuple(key, fc.integer({ min: -50, max: 50 }));
const rows = fc.array(row, { minLength: 1, maxLength: 4 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('nothing' as const), rows }),
  fc.record({ kind: fc.constant('update' as const), rows, where: fc.boolean() }),
  fc.record({ kind: fc.constant('delete' as const), key }),
);

const values = (rs: readonly [number, number][]) => rs.map(([k, v]) => `(${k}, ${v})`).join(', ');

/** The model's effect of one statement: the rows RETURNING gives, or an error code. */
function apply(model: Map<number, number>, o: Op): { rows: number[][] } | { error: string } {
  if (o.kind === 'delete') {
    const had = model.get(o.key);
    model.delete(o.key);
    return { rows: had === undefined ? [] : [[o.key, had]] };
  }
  const next = new Map(model);
  const touched = new Set<number>();
  const out: number[][] = [];
  for (const [k, v] of o.rows) {
    const old = next.get(k);
    if (old === undefined) {
      next.set(k, v);
      touched.add(k);
      out.push([k, v]);
    } else if (o.kind === 'update') {
      // a row this statement inserted or updated cannot be updated again
      if (touched.has(k)) return { error: '21000' };
      if (o.where && !(v > old)) continue;
      next.set(k, old + v);
      touched.add(k);
      out.push([k, old + v]);
    }
  }
  model.clear();
  for (const [k, v] of next) model.set(k, v);
  return { rows: out };
}

function sql(o: Op): string {
  switch (o.kind) {
    case 'delete':
      return `DELETE FROM kv WHERE k = ${o.key} RETURNING k, v`;
    case 'nothing':
      return `INSERT INTO kv VALUES ${values(o.rows)} ON CONFLICT (k) DO NOTHING RETURNING k, v`;
    case 'update':
      return `INSERT INTO kv AS t VALUES ${values(o.rows)} ON CONFLICT (k) DO UPDATE SET v = t.v + excluded.v${o.where ? ' WHERE excluded.v > t.v' : ''} RETURNING k, v`;
  }
}

describe('INSERT ... ON CONFLICT against a Map', () => {
  it('random upserts keep the table equal to the model', async () => {
    const db = await Database.open();
    try {
      const s = await db.connect();
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
          const table = `kv`;
          await s.query(`DROP TABLE IF EXISTS ${table}`);
          await s.query(`CREATE TABLE ${table} (k int PRIMARY KEY, v int NOT NULL)`);
          n++;
          const model = new Map<number, number>();
          for (const o of ops) {
            const expected = apply(model, o);
            let got: { rows: number[][] } | { error: string };
            try {
              const r = await s.query(sql(o), [], { rowMode: 'array' });
              got = { rows: (r.rows as unknown as unknown[][]).map((x) => x.map(Number)) };
            } catch (e) {
              got = { error: String((e as { code?: string }).code) };
            }
            expect(got).toEqual(expected);
          }
          const all = await s.query('SELECT k, v FROM kv ORDER BY k', [], { rowMode: 'array' });
          const want = [...model].sort((a, b) => a[0] - b[0]);
          expect((all.rows as unknown as unknown[][]).map((x) => x.map(Number))).toEqual(want);
          for (let k = 0; k <= 7; k++) {
            const r = await s.query('SELECT v FROM kv WHERE k = $1', [k], { rowMode: 'array' });
            const v = model.get(k);
            expect((r.rows as unknown as unknown[][]).map((x) => Number(x[0]))).toEqual(
              v === undefined ? [] : [v],
            );
          }
        }),
        { numRuns: RUNS },
      );
      expect(n).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  }, 60_000);
});
