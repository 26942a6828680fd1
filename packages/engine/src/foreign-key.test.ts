/**
 * Foreign-key actions against a reference model: random inserts, deletes
 * and key updates on a parent and two children — one ON DELETE / ON
 * UPDATE CASCADE, one SET NULL — with each statement's outcome (done or
 * the SQLSTATE it failed with) and the three tables compared with the
 * model after every step, and the invariant checked that no child row
 * references a missing parent.
 */
import { Database } from '@pg/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 15);

type Op =
  | { t: 'insP'; id: number }
  | { t: 'delP'; id: number }
  | { t: 'updP'; id: number; to: number }
  | { t: 'insC'; which: 1 | 2; cid: number; pid: number | null }
  | { t: 'updC'; which: 1 | 2; cid: number; pid: number | null }
  | { t: 'delC'; which: 1 | 2; cid: number };

const key = fc.integer({ min: 1, max: 4 });
const pidArb = fc.option(key, { nil: null, freq: 5 });
const which = fc.constantFrom(1 as const, 2 as const);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('insP' as const), id: key }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('delP' as const), id: key }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('updP' as const), id: key, to: key }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('insC' as const),
      which,
      cid: fc.integer({ min: 1, max: 8 }),
      pid: pidArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('updC' as const),
      which,
      cid: fc.integer({ min: 1, max: 8 }),
      pid: pidArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('delC' as const),
      which,
      cid: fc.integer({ min: 1, max: 8 }),
    }),
  },
);

/** The model: parent keys and each child's rows (cid -> pid). */
interface Model {
  parent: Set<number>;
  c1: Map<number, number | null>;
  c2: Map<number, number | null>;
}

/** What the statement does to the model: its outcome ('ok' or a SQLSTATE). */
function apply(m: Model, op: Op): string {
  const child = (w: 1 | 2) => (w === 1 ? m.c1 : m.c2);
  switch (op.t) {
    case 'insP':
      if (m.parent.has(op.id)) return '23505';
      m.parent.add(op.id);
      return 'ok';
    case 'delP':
      if (!m.parent.delete(op.id)) return 'ok';
      for (const [cid, pid] of m.c1) if (pid === op.id) m.c1.delete(cid);
      for (const [cid, pid] of m.c2) if (pid === op.id) m.c2.set(cid, null);
      return 'ok';
    case 'updP':
      if (!m.parent.has(op.id) || op.id === op.to) return 'ok';
      if (m.parent.has(op.to)) return '23505';
      m.parent.delete(op.id);
      m.parent.add(op.to);
      for (const [cid, pid] of m.c1) if (pid === op.id) m.c1.set(cid, op.to);
      for (const [cid, pid] of m.c2) if (pid === op.id) m.c2.set(cid, null);
      return 'ok';
    case 'insC': {
      const c = child(op.which);
      if (c.has(op.cid)) return '23505';
      if (op.pid !== null && !m.parent.has(op.pid)) return '23503';
      c.set(op.cid, op.pid);
      return 'ok';
    }
    case 'updC': {
      const c = child(op.which);
      if (!c.has(op.cid)) return 'ok';
      if (op.pid !== null && !m.parent.has(op.pid)) return '23503';
      c.set(op.cid, op.pid);
      return 'ok';
    }
    case 'delC':
      child(op.which).delete(op.cid);
      return 'ok';
  }
}

const lit = (v: number | null) => (v === null ? 'NULL' : String(v));

function sqlOf(op: Op): string {
  switch (op.t) {
    case 'insP':
      return `INSERT INTO p VALUES (${op.id})`;
    case 'delP':
      return `DELETE FROM p WHERE id = ${op.id}`;
    case 'updP':
      return `UPDATE p SET id = ${op.to} WHERE id = ${op.id}`;
    case 'insC':
      return `INSERT INTO c${op.which} VALUES (${op.cid}, ${lit(op.pid)})`;
    case 'updC':
      return `UPDATE c${op.which} SET pid = ${lit(op.pid)} WHERE id = ${op.cid}`;
    case 'delC':
      return `DELETE FROM c${op.which} WHERE id = ${op.cid}`;
  }
}

describe('foreign-key actions against a model', () => {
  it('CASCADE and SET NULL keep every reference valid, statement by statement', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        const db = await Database.open();
        try {
          const s = await db.connect();
          await s.query('CREATE TABLE p (id int PRIMARY KEY)');
          await s.query(
            'CREATE TABLE c1 (id int PRIMARY KEY, pid int REFERENCES p ON DELETE CASCADE ON UPDATE CASCADE)',
          );
          await s.query(
            'CREATE TABLE c2 (id int PRIMARY KEY, pid int REFERENCES p ON DELETE SET NULL ON UPDATE SET NULL)',
          );
          const m: Model = { parent: new Set(), c1: new Map(), c2: new Map() };
          for (const op of ops) {
            const want = apply(m, op);
            let got = 'ok';
            try {
              await s.query(sqlOf(op));
            } catch (e) {
              got = (e as { code?: string }).code ?? 'error';
            }
            expect(`${sqlOf(op)}: ${got}`).toBe(`${sqlOf(op)}: ${want}`);
            const rows = async (sql: string) =>
              (await s.query(sql, [], { rowMode: 'array' })).rows as unknown as [
                number,
                number | null,
              ][];
            const parent = (await rows('SELECT id, 0 FROM p ORDER BY id')).map((r) => r[0]);
            expect(parent).toEqual([...m.parent].sort((a, b) => a - b));
            for (const w of [1, 2] as const) {
              const got = await rows(`SELECT id, pid FROM c${w} ORDER BY id`);
              const c = w === 1 ? m.c1 : m.c2;
              expect(got).toEqual([...c].sort((a, b) => a[0] - b[0]));
              // the invariant: no child references a missing parent
              for (const [, pid] of got) if (pid !== null) expect(parent).toContain(pid);
            }
          }
        } finally {
          await db.close();
        }
      }),
      {
        numRuns: RUNS,
        examples: [
          [
            [
              { t: 'insP', id: 1 },
              { t: 'insC', which: 1, cid: 1, pid: 1 },
              { t: 'insC', which: 2, cid: 1, pid: 1 },
              { t: 'updP', id: 1, to: 2 },
              { t: 'delP', id: 2 },
            ],
          ],
        ],
      },
    );
  }, 300_000);
});
