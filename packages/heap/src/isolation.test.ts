/**
 * Fixed scenarios of concurrent row changes, mirroring PostgreSQL's
 * isolation tests (src/test/isolation: lost updates, EvalPlanQual,
 * serialization failures, deadlocks), on the session layer.
 */
import { MvccError } from '@pg/mvcc';
import { describe, expect, it } from 'vitest';
import {
  addTo,
  byKey,
  DEADLOCK_TIMEOUT_MS,
  sessionSetup,
  settle,
  track,
} from './internal/session-harness.js';

const all = () => true;

async function withRows(rows: [number, number][]) {
  const s = sessionSetup();
  s.table.begin(9, 'read committed');
  for (const r of rows) s.table.insert(9, r);
  await s.table.commit(9);
  const committed = () => {
    s.table.begin(9, 'read committed');
    const out = s.table
      .read(9, all)
      .map((r) => r.values as number[])
      .sort((a, b) => a[0]! - b[0]!);
    s.table.rollback(9);
    return out;
  };
  return { ...s, committed };
}

const sorted = (rows: readonly { values: unknown[] }[]) =>
  rows.map((r) => r.values as number[]).sort((a, b) => a[0]! - b[0]!);

function errorCode(e: unknown): string {
  return e instanceof MvccError ? `${e.code} ${e.message}` : String(e);
}

describe('concurrent updates (PostgreSQL isolation scenarios)', () => {
  it('READ COMMITTED: UPDATE v = v + 1 from two sessions gives +2 (the second waits, then re-reads)', async () => {
    const { table, committed } = await withRows([[1, 10]]);
    table.begin(1, 'read committed');
    table.begin(2, 'read committed');
    expect(await table.update(1, byKey(1), addTo(1))).toBe(1);
    const second = track(table.update(2, byKey(1), addTo(1)));
    await settle();
    expect(second.state()).toBe('pending'); // blocked on session 1's transaction lock
    await table.commit(1);
    await settle();
    expect(second.state()).toBe('done');
    expect(second.value).toBe(1);
    expect(table.read(2, all).map((r) => r.values)).toEqual([[1, 12]]);
    await table.commit(2);
    expect(committed()).toEqual([[1, 12]]);
  });

  it('READ COMMITTED: the re-check skips a row that no longer matches, or was deleted', async () => {
    const { table, committed } = await withRows([
      [1, 10],
      [2, 20],
    ]);
    table.begin(1, 'read committed');
    table.begin(2, 'read committed');
    await table.update(1, byKey(1), addTo(1)); // 1: 10 -> 11
    await table.delete(1, byKey(2));
    const u = track(
      table.update(
        2,
        (v) => v[1] === 10 || v[1] === 20,
        (v) => [v[0], 0],
      ),
    );
    await settle();
    expect(u.state()).toBe('pending');
    await table.commit(1);
    await settle();
    expect(u.value).toBe(0);
    await table.commit(2);
    expect(committed()).toEqual([[1, 11]]);
  });

  it('REPEATABLE READ: 40001 when the row was changed by a transaction that committed after the snapshot', async () => {
    const { table, committed } = await withRows([
      [1, 10],
      [2, 20],
    ]);
    table.begin(1, 'read committed');
    table.begin(2, 'repeatable read');
    expect(table.read(2, all)).toHaveLength(2); // the snapshot is taken here
    await table.update(1, byKey(1), addTo(1));
    const u = track(table.update(2, byKey(1), addTo(1)));
    await settle();
    expect(u.state()).toBe('pending');
    await table.commit(1);
    await settle();
    expect(errorCode(u.error)).toBe('40001 could not serialize access due to concurrent update');
    expect(() => table.read(2, all)).toThrow(/current transaction is aborted/);
    expect(await table.commit(2)).toBe('ROLLBACK');
    // a change committed before the snapshot is no conflict; a concurrent delete is
    table.begin(2, 'repeatable read');
    table.read(2, all);
    table.begin(1, 'read committed');
    await table.delete(1, byKey(2));
    await table.commit(1);
    expect(sorted(table.read(2, all))).toEqual([
      [1, 11],
      [2, 20],
    ]);
    await expect(table.delete(2, byKey(2))).rejects.toThrow(
      'could not serialize access due to concurrent delete',
    );
    table.rollback(2);
    expect(committed()).toEqual([[1, 11]]);
  });

  it('REPEATABLE READ: no error when the other transaction aborts, or committed before the snapshot', async () => {
    const { table, committed } = await withRows([[1, 10]]);
    table.begin(1, 'read committed');
    table.begin(2, 'repeatable read');
    await table.update(1, byKey(1), addTo(5));
    const u = track(table.update(2, byKey(1), addTo(1)));
    await settle();
    table.rollback(1);
    await settle();
    expect(u.value).toBe(1);
    await table.commit(2);
    expect(committed()).toEqual([[1, 11]]);
  });

  it('ROLLBACK TO SAVEPOINT wakes the sessions waiting for the subtransaction', async () => {
    const { table, committed } = await withRows([[1, 10]]);
    table.begin(1, 'read committed');
    table.begin(2, 'read committed');
    table.read(1, all);
    table.savepoint(1, 'a');
    await table.update(1, byKey(1), addTo(100));
    const u = track(table.update(2, byKey(1), addTo(1)));
    await settle();
    expect(u.state()).toBe('pending');
    table.rollbackTo(1, 'a');
    await settle();
    expect(u.value).toBe(1);
    await table.commit(2);
    // session 1 now waits for nobody; it updates the row session 2 committed (EvalPlanQual)
    expect(await table.update(1, byKey(1), addTo(1000))).toBe(1);
    await table.commit(1);
    expect(committed()).toEqual([[1, 1011]]);
  });

  it('two sessions updating two rows in opposite orders: exactly one 40P01, the other goes on', async () => {
    const { table, clock, committed } = await withRows([
      [1, 10],
      [2, 20],
    ]);
    table.begin(1, 'read committed');
    table.begin(2, 'read committed');
    await table.update(1, byKey(1), addTo(1));
    await table.update(2, byKey(2), addTo(1));
    const a = track(table.update(1, byKey(2), addTo(1)));
    const b = track(table.update(2, byKey(1), addTo(1)));
    await settle();
    expect([a.state(), b.state()]).toEqual(['pending', 'pending']);
    clock.advance(DEADLOCK_TIMEOUT_MS);
    await settle();
    // session 1 waited first, so its deadlock check runs first and it is the victim
    expect(errorCode(a.error)).toMatch(/^40P01 deadlock detected/);
    expect(b.state()).toBe('done');
    expect(await table.commit(1)).toBe('ROLLBACK');
    await table.commit(2);
    expect(committed()).toEqual([
      [1, 11],
      [2, 21],
    ]);
  });

  it('reads: READ COMMITTED sees each statement’s committed state, REPEATABLE READ the first one’s', async () => {
    const { table } = await withRows([[1, 10]]);
    table.begin(1, 'read committed');
    table.begin(2, 'repeatable read');
    table.begin(3, 'read committed');
    expect(table.read(1, all).map((r) => r.values)).toEqual([[1, 10]]);
    expect(table.read(2, all).map((r) => r.values)).toEqual([[1, 10]]);
    await table.update(3, byKey(1), addTo(1));
    table.insert(3, [2, 20]);
    expect(table.read(1, all).map((r) => r.values)).toEqual([[1, 10]]); // not committed yet
    expect(table.read(3, all).map((r) => r.values)).toEqual([
      [1, 11],
      [2, 20],
    ]);
    await table.commit(3);
    expect(table.read(1, all).map((r) => r.values)).toEqual([
      [1, 11],
      [2, 20],
    ]);
    expect(table.read(2, all).map((r) => r.values)).toEqual([[1, 10]]);
  });

  it('SERIALIZABLE is refused (0A000)', async () => {
    const { table } = await withRows([]);
    expect(() => table.begin(1, 'serializable')).toThrow(
      'SERIALIZABLE isolation is not supported yet',
    );
  });
});
