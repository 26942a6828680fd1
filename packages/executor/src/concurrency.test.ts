/**
 * Two sessions on one table: PostgreSQL's waits and re-checks (EvalPlanQual)
 * under READ COMMITTED, 40001 under REPEATABLE READ, unique checks that
 * wait for the inserting transaction, FOR UPDATE with NOWAIT.
 */
import {
  col,
  insertInto,
  lit,
  op,
  selectFrom,
  settle,
  TestDb,
  updateOf,
} from '@pg/executor/testing';
import type { Query } from '@pg/sql';
import { TypeOid } from '@pg/types';
import { describe, expect, it } from 'vitest';

const { int4, text } = TypeOid;

async function setup() {
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
  await db.autocommit(
    9,
    insertInto(t, [
      [1, 1, 'x'],
      [2, 2, 'y'],
    ]),
  );
  const rows = async () => {
    const r = await db.autocommit(
      9,
      selectFrom(t, { sort: [{ index: 0, descending: false, nullsFirst: false }] }),
    );
    return r.rows;
  };
  return { db, t, rows };
}

function track<T>(p: Promise<T>) {
  const s: { state: 'pending' | 'done' | 'error'; value?: T; error?: unknown } = {
    state: 'pending',
  };
  p.then(
    (v) => {
      s.state = 'done';
      s.value = v;
    },
    (e: unknown) => {
      s.state = 'error';
      s.error = e;
    },
  );
  return s;
}

const codeOf = (e: unknown) => (e as { code?: string }).code;

describe('READ COMMITTED', () => {
  it('UPDATE waits for a concurrent updater, then re-checks its WHERE on the new version', async () => {
    const { db, t, rows } = await setup();
    const addA = (d: number, where: Query['where']): Query =>
      updateOf(t, new Map([[2, op('+', col(2, int4), lit(d, int4))]]), where);
    db.manager.begin(1);
    db.manager.begin(2);
    await db.run(1, addA(1, op('=', col(1, int4), lit(1, int4)))); // a: 1 -> 2
    // session 2: WHERE a = 1 matched the old version; after the wait the new one has a = 2
    const second = track(db.run(2, addA(100, op('=', col(2, int4), lit(1, int4)))));
    // session 2 (another statement later): WHERE id = 1 still matches
    await settle();
    expect(second.state).toBe('pending');
    await db.manager.commit(1);
    await settle();
    expect(second.state).toBe('done');
    expect(second.value?.rowCount).toBe(0);
    const third = await db.run(2, addA(10, op('=', col(1, int4), lit(1, int4))));
    expect(third.rowCount).toBe(1);
    await db.manager.commit(2);
    expect(await rows()).toEqual([
      [1, 12, 'x'],
      [2, 2, 'y'],
    ]);
  });

  it('two increments of the same row both count (the second re-reads the first)', async () => {
    const { db, t, rows } = await setup();
    const inc = updateOf(
      t,
      new Map([[2, op('+', col(2, int4), lit(1, int4))]]),
      op('=', col(1, int4), lit(2, int4)),
    );
    db.manager.begin(1);
    db.manager.begin(2);
    await db.run(1, inc);
    const second = track(db.run(2, inc));
    await settle();
    expect(second.state).toBe('pending');
    await db.manager.commit(1);
    await settle();
    expect(second.value?.rowCount).toBe(1);
    await db.manager.commit(2);
    expect((await rows())[1]).toEqual([2, 4, 'y']);
  });

  it('REPEATABLE READ: the waiting update fails with 40001', async () => {
    const { db, t } = await setup();
    const inc = updateOf(
      t,
      new Map([[2, op('+', col(2, int4), lit(1, int4))]]),
      op('=', col(1, int4), lit(1, int4)),
    );
    db.manager.begin(1);
    db.manager.begin(2, 'repeatable read');
    await db.run(2, selectFrom(t)); // takes the transaction snapshot
    await db.run(1, inc);
    const second = track(db.run(2, inc));
    await db.manager.commit(1);
    await settle();
    expect(second.state).toBe('error');
    expect(codeOf(second.error)).toBe('40001');
    db.manager.rollback(2);
  });

  it('a unique insert waits for the inserter of an equal key: 23505 after its commit, success after its rollback', async () => {
    const { db, t, rows } = await setup();
    db.manager.begin(1);
    await db.run(1, insertInto(t, [[5, 0, 'first']]));
    db.manager.begin(2);
    const second = track(db.run(2, insertInto(t, [[5, 0, 'second']])));
    await settle();
    expect(second.state).toBe('pending');
    db.manager.rollback(1);
    await settle();
    expect(second.state).toBe('done');
    await db.manager.commit(2);

    db.manager.begin(1);
    await db.run(1, insertInto(t, [[6, 0, 'first']]));
    db.manager.begin(2);
    const third = track(db.run(2, insertInto(t, [[6, 0, 'second']])));
    await settle();
    expect(third.state).toBe('pending');
    await db.manager.commit(1);
    await settle();
    expect(third.state).toBe('error');
    expect(codeOf(third.error)).toBe('23505');
    db.manager.rollback(2);
    expect((await rows()).map((r) => r[2])).toEqual(['x', 'y', 'second', 'first']);
  });

  it('SELECT FOR UPDATE blocks an UPDATE; NOWAIT fails with 55P03; SKIP LOCKED skips', async () => {
    const { db, t } = await setup();
    const id1 = op('=', col(1, int4), lit(1, int4));
    db.manager.begin(1);
    const locked = await db.run(1, selectFrom(t, { where: id1, forUpdate: 'update' }));
    expect(locked.rows).toEqual([[1, 1, 'x']]);
    db.manager.begin(2);
    let err: unknown;
    try {
      await db.run(2, selectFrom(t, { where: id1, forUpdate: 'update', wait: 'nowait' }));
    } catch (e) {
      err = e;
    }
    expect(codeOf(err)).toBe('55P03');
    expect((err as Error).message).toBe('could not obtain lock on row in relation "t"');
    db.manager.rollback(2);
    db.manager.begin(2);
    const skip = await db.run(2, selectFrom(t, { forUpdate: 'update', wait: 'skip locked' }));
    expect(skip.rows).toEqual([[2, 2, 'y']]);
    db.manager.rollback(2);
    db.manager.begin(2);
    const upd = track(db.run(2, updateOf(t, new Map([[3, lit('z', text)]]), id1)));
    await settle();
    expect(upd.state).toBe('pending');
    await db.manager.commit(1);
    await settle();
    expect(upd.value?.rowCount).toBe(1);
    await db.manager.commit(2);
  });
});
