/**
 * UPDATE ... FROM, DELETE ... USING and data-modifying WITH with two
 * sessions racing on one row: the outcomes PostgreSQL's READ COMMITTED
 * (wait, then re-check the newest version) and REPEATABLE READ (40001)
 * give.
 */
import { Database, type Session } from '@pg/engine';
import { failure } from '@pg/engine/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let db: Database;

beforeEach(async () => {
  db = await Database.open();
});

afterEach(async () => {
  await db.close();
});

/** Lets the event loop run until pending statements have done what they can. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A statement's promise with its state observable. */
function track<T>(p: Promise<T>): {
  state: () => 'pending' | 'done' | 'failed';
  result: Promise<T>;
} {
  let state: 'pending' | 'done' | 'failed' = 'pending';
  const result = p.then(
    (v) => {
      state = 'done';
      return v;
    },
    (e) => {
      state = 'failed';
      throw e;
    },
  );
  result.catch(() => {});
  return { state: () => state, result };
}

async function setup(): Promise<[Session, Session]> {
  const a = await db.connect();
  const b = await db.connect();
  await a.query('CREATE TABLE acct (id int PRIMARY KEY, bal int)');
  await a.query('CREATE TABLE dep (acct_id int, amt int)');
  await a.query('INSERT INTO acct VALUES (1, 100), (2, 200)');
  await a.query('INSERT INTO dep VALUES (1, 5), (2, 7)');
  return [a, b];
}

const balances = async (s: Session) => (await s.query('SELECT id, bal FROM acct ORDER BY id')).rows;

describe('UPDATE ... FROM / DELETE ... USING racing another session', () => {
  it('READ COMMITTED: the waiting UPDATE ... FROM recomputes SET from the committed version', async () => {
    const [a, b] = await setup();
    await a.query('BEGIN');
    await a.query('UPDATE acct SET bal = bal + 10 WHERE id = 1');
    const upd = track(
      b.query('UPDATE acct SET bal = bal + d.amt FROM dep d WHERE d.acct_id = acct.id'),
    );
    await settle();
    expect(upd.state()).toBe('pending');
    await a.query('COMMIT');
    expect((await upd.result).command).toBe('UPDATE 2');
    expect(await balances(a)).toEqual([
      { id: 1, bal: 115 },
      { id: 2, bal: 207 },
    ]);
  });

  it('READ COMMITTED: a row deleted meanwhile is skipped', async () => {
    const [a, b] = await setup();
    await a.query('BEGIN');
    await a.query('DELETE FROM acct WHERE id = 1');
    const upd = track(b.query('UPDATE acct SET bal = 0 FROM dep WHERE dep.acct_id = acct.id'));
    await settle();
    expect(upd.state()).toBe('pending');
    await a.query('COMMIT');
    expect((await upd.result).command).toBe('UPDATE 1');
    expect(await balances(a)).toEqual([{ id: 2, bal: 0 }]);
  });

  it('READ COMMITTED: DELETE ... USING re-checks its WHERE on the committed version', async () => {
    const [a, b] = await setup();
    await a.query('BEGIN');
    await a.query('UPDATE acct SET bal = 1000 WHERE id = 1');
    const del = track(
      b.query('DELETE FROM acct USING dep WHERE dep.acct_id = acct.id AND acct.bal < 500'),
    );
    await settle();
    expect(del.state()).toBe('pending');
    await a.query('COMMIT');
    // row 1 no longer qualifies (1000), row 2 was never locked by a
    expect((await del.result).command).toBe('DELETE 1');
    expect(await balances(a)).toEqual([{ id: 1, bal: 1000 }]);
  });

  it('REPEATABLE READ: the waiting UPDATE ... FROM fails with 40001 when the other commits', async () => {
    const [a, b] = await setup();
    await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await b.query('SELECT count(*) FROM acct');
    await a.query('BEGIN');
    await a.query('UPDATE acct SET bal = bal + 10 WHERE id = 1');
    const upd = track(
      b.query('UPDATE acct SET bal = bal + d.amt FROM dep d WHERE d.acct_id = acct.id'),
    );
    await settle();
    expect(upd.state()).toBe('pending');
    await a.query('COMMIT');
    const e = await failure(upd.result);
    expect(e.code).toBe('40001');
    expect(e.message).toBe('could not serialize access due to concurrent update');
    await b.query('ROLLBACK');
    expect(await balances(a)).toEqual([
      { id: 1, bal: 110 },
      { id: 2, bal: 200 },
    ]);
  });

  it('READ COMMITTED: the other rolls back, so the waiting DELETE ... USING deletes the row', async () => {
    const [a, b] = await setup();
    await a.query('BEGIN');
    await a.query('UPDATE acct SET bal = 1000 WHERE id = 1');
    const del = track(
      b.query('DELETE FROM acct USING dep WHERE dep.acct_id = acct.id RETURNING acct.id, acct.bal'),
    );
    await settle();
    expect(del.state()).toBe('pending');
    await a.query('ROLLBACK');
    const r = await del.result;
    expect(r.command).toBe('DELETE 2');
    expect(r.rows).toEqual([
      { id: 1, bal: 100 },
      { id: 2, bal: 200 },
    ]);
  });
});

describe('data-modifying WITH', () => {
  it('runs every data-modifying WITH query once, on one snapshot, even when not read', async () => {
    const [a] = await setup();
    const r = await a.query(
      'WITH d AS (DELETE FROM dep RETURNING *), u AS (UPDATE acct SET bal = 0 WHERE id = 2) SELECT (SELECT count(*) FROM dep) AS visible, (SELECT count(*) FROM d) AS deleted',
    );
    expect(r.rows).toEqual([{ visible: 2n, deleted: 2n }]);
    expect((await a.query('SELECT count(*) AS n FROM dep')).rows).toEqual([{ n: 0n }]);
    expect(await balances(a)).toEqual([
      { id: 1, bal: 100 },
      { id: 2, bal: 0 },
    ]);
  });

  it('a failing main statement undoes the WITH queries (one statement)', async () => {
    const [a] = await setup();
    const e = await failure(
      a.query('WITH d AS (DELETE FROM dep RETURNING *) INSERT INTO acct SELECT 1, amt FROM d'),
    );
    expect(e.code).toBe('23505');
    expect((await a.query('SELECT count(*) AS n FROM dep')).rows).toEqual([{ n: 2n }]);
  });
});

describe('UPDATE ... FROM / DELETE ... USING against a model (property)', () => {
  it('random tables and statements agree with a row-by-row model', async () => {
    const fc = (await import('fast-check')).default;
    const s = await db.connect();
    const row = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: -5, max: 5 }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 8 }),
        fc.array(row, { maxLength: 8 }),
        fc.integer({ min: -5, max: 5 }),
        fc.constantFrom('from', 'using', 'sublink', 'cte'),
        async (tRows, sRows, k, form) => {
          await s.query('DROP TABLE IF EXISTS pt');
          await s.query('DROP TABLE IF EXISTS ps');
          await s.query('CREATE TABLE pt (n serial, id int, v int)');
          await s.query('CREATE TABLE ps (id int, w int)');
          for (const [id, v] of tRows)
            await s.query('INSERT INTO pt (id, v) VALUES ($1, $2)', [id, v]);
          for (const [id, w] of sRows) await s.query('INSERT INTO ps VALUES ($1, $2)', [id, w]);
          const matches = (id: number) =>
            sRows.filter(([sid, w]) => sid === id && w > k).map(([, w]) => w);
          let expected: (number[] | undefined)[];
          if (form === 'from') {
            await s.query(
              'UPDATE pt SET v = pt.v + ps.w FROM ps WHERE ps.id = pt.id AND ps.w > $1',
              [k],
            );
            // a row joined to several ps rows is updated once, by one of them
            expected = tRows.map(([id, v]) => {
              const m = matches(id);
              return m.length === 0 ? [v] : m.map((w) => v + w);
            });
          } else if (form === 'using') {
            await s.query('DELETE FROM pt USING ps WHERE ps.id = pt.id AND ps.w > $1', [k]);
            expected = tRows.map(([id, v]) => (matches(id).length === 0 ? [v] : undefined));
          } else if (form === 'sublink') {
            await s.query(
              'UPDATE pt SET v = (SELECT sum(w) FROM ps WHERE ps.id = pt.id AND ps.w > $1) WHERE EXISTS (SELECT 1 FROM ps WHERE ps.id = pt.id AND ps.w > $1)',
              [k],
            );
            expected = tRows.map(([id, v]) => {
              const m = matches(id);
              return m.length === 0 ? [v] : [m.reduce((a, b) => a + b, 0)];
            });
          } else {
            await s.query(
              'WITH d AS (DELETE FROM ps WHERE w > $1 RETURNING id, w) UPDATE pt SET v = v + 1000 WHERE id IN (SELECT id FROM d)',
              [k],
            );
            expected = tRows.map(([id, v]) => [matches(id).length === 0 ? v : v + 1000]);
          }
          const got = (await s.query('SELECT n, v FROM pt ORDER BY n')).rows as {
            n: number;
            v: number;
          }[];
          const live = expected.flatMap((e, i) =>
            e === undefined ? [] : [{ n: i + 1, allowed: e }],
          );
          expect(got.map((r) => r.n)).toEqual(live.map((l) => l.n));
          got.forEach((r, i) => {
            expect(live[i]!.allowed).toContain(r.v);
          });
        },
      ),
      { numRuns: 40 },
    );
  });
});
