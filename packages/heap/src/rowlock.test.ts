/**
 * Row locks (SELECT ... FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE,
 * NOWAIT, SKIP LOCKED) on the session layer: the tuple lock-mode conflict
 * table, the header bits a lock leaves, waits that end when the holder
 * commits or aborts, and locks next to UPDATE.
 */
import {
  attachMultiXacts,
  MemorySlruStore,
  MultiXactStatus,
  MultiXacts,
  MvccError,
} from '@pg/mvcc';
import { describe, expect, it } from 'vitest';
import {
  HEAP_KEYS_UPDATED,
  HEAP_XMAX_EXCL_LOCK,
  HEAP_XMAX_KEYSHR_LOCK,
  HEAP_XMAX_LOCK_ONLY,
  HEAP_XMAX_SHR_LOCK,
} from './index.js';
import {
  heldLockMode,
  lockInfomaskBits,
  type RowLockStrength,
  rowLockOf,
  tupleLockConflicts,
} from './internal/rowlock.js';
import { addTo, byKey, sessionSetup, settle, track } from './internal/session-harness.js';

const all = () => true;
const MODES: readonly RowLockStrength[] = ['key share', 'share', 'no key update', 'update'];

async function withRows(rows: [number, number][]) {
  const s = sessionSetup();
  const multixacts = new MultiXacts({
    offsetsStore: new MemorySlruStore(),
    membersStore: new MemorySlruStore(),
  });
  attachMultiXacts(s.transam, multixacts);
  s.table.begin(9, 'read committed');
  for (const r of rows) s.table.insert(9, r);
  await s.table.commit(9);
  const locker = s.table;
  const committed = () => {
    s.table.begin(9, 'read committed');
    const out = s.table
      .read(9, all)
      .map((r) => r.values as number[])
      .sort((a, b) => a[0]! - b[0]!);
    s.table.rollback(9);
    return out;
  };
  return { ...s, locker, committed, multixacts };
}

const keys = (rows: readonly { values: unknown[] }[]) =>
  rows.map((r) => (r.values as number[])[0]).sort();

function errorText(e: unknown): string {
  return e instanceof MvccError ? `${e.code} ${e.message}` : String(e);
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return errorText(e);
  }
}

describe('the tuple lock-mode conflict table', () => {
  // PostgreSQL's documentation, "Conflicting Row-Level Locks" (13.3.2)
  const expected: Record<RowLockStrength, readonly RowLockStrength[]> = {
    'key share': ['update'],
    share: ['no key update', 'update'],
    'no key update': ['share', 'no key update', 'update'],
    update: ['key share', 'share', 'no key update', 'update'],
  };

  for (const held of MODES) {
    for (const asked of MODES) {
      const conflicts = expected[held].includes(asked);
      it(`held FOR ${held.toUpperCase()}, asked FOR ${asked.toUpperCase()}: ${conflicts ? 'conflict' : 'no conflict'}`, async () => {
        expect(tupleLockConflicts(held, asked)).toBe(conflicts);
        // on the heap: the second transaction (NOWAIT) fails with 55P03 on a
        // conflict; otherwise both hold the row: a multixact of both
        const { table, locker, heap, manager, multixacts } = await withRows([[1, 10]]);
        table.begin(1, 'read committed');
        table.begin(2, 'read committed');
        expect(keys(await locker.lockRows(1, byKey(1), held))).toEqual([1]);
        const second = await outcome(locker.lockRows(2, byKey(1), asked, { nowait: true }));
        expect(second).toBe(
          conflicts ? '55P03 could not obtain lock on row in relation "t"' : 'ok',
        );
        const lock = rowLockOf(heap, { block: 0, offset: 1 });
        if (!conflicts) {
          expect(lock?.multi).toBe(true);
          expect(multixacts.getMembers(lock!.xmax).map((m) => m.xid)).toEqual([
            manager.getXid(1),
            manager.getXid(2),
          ]);
          // the stronger of the two decides the bits
          const strongest = MODES.indexOf(held) > MODES.indexOf(asked) ? held : asked;
          expect(lock?.mode).toBe(strongest);
        }
        // the same transaction asking again never conflicts with itself (with
        // both holding the row, asking what it holds already)
        const again = conflicts ? asked : held;
        expect(keys(await locker.lockRows(1, byKey(1), again, { nowait: true }))).toEqual([1]);
      });
    }
  }
});

describe('the header a lock leaves (heap_lock_tuple, compute_new_xmax_infomask)', () => {
  it('xmax = the locker, LOCK_ONLY and the strength bits; FOR UPDATE sets HEAP_KEYS_UPDATED', async () => {
    expect(lockInfomaskBits('key share')).toEqual({
      infomask: HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_KEYSHR_LOCK,
      infomask2: 0,
    });
    expect(lockInfomaskBits('share')).toEqual({
      infomask: HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_SHR_LOCK,
      infomask2: 0,
    });
    expect(lockInfomaskBits('no key update')).toEqual({
      infomask: HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_EXCL_LOCK,
      infomask2: 0,
    });
    expect(lockInfomaskBits('update')).toEqual({
      infomask: HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_EXCL_LOCK,
      infomask2: HEAP_KEYS_UPDATED,
    });
    for (const m of MODES) {
      const b = lockInfomaskBits(m);
      expect(heldLockMode(b.infomask, b.infomask2)).toBe(m);
    }
    // an update or delete in progress: FOR UPDATE with HEAP_KEYS_UPDATED, else FOR NO KEY UPDATE
    expect(heldLockMode(0, HEAP_KEYS_UPDATED)).toBe('update');
    expect(heldLockMode(0, 0)).toBe('no key update');

    for (const m of MODES) {
      const { table, locker, manager, heap } = await withRows([[1, 10]]);
      table.begin(1, 'read committed');
      const [row] = await locker.lockRows(1, byKey(1), m);
      expect(rowLockOf(heap, row!.tid)).toEqual({
        xmax: manager.getXid(1),
        mode: m,
        lockOnly: true,
      });
    }
  });

  it('a stronger lock by the same transaction replaces a weaker one; a weaker one changes nothing', async () => {
    const { table, locker, heap, manager } = await withRows([[1, 10]]);
    table.begin(1, 'read committed');
    const [row] = await locker.lockRows(1, byKey(1), 'share');
    await locker.lockRows(1, byKey(1), 'key share');
    expect(rowLockOf(heap, row!.tid)?.mode).toBe('share');
    await locker.lockRows(1, byKey(1), 'update');
    expect(rowLockOf(heap, row!.tid)).toEqual({
      xmax: manager.getXid(1),
      mode: 'update',
      lockOnly: true,
    });
    // a subtransaction strengthening its parent's lock: a multixact of both
    const { table: t2, locker: l2, heap: h2, manager: m2, multixacts } = await withRows([[1, 10]]);
    t2.begin(1, 'read committed');
    await l2.lockRows(1, byKey(1), 'key share');
    const parent = m2.getXid(1);
    t2.savepoint(1, 's');
    expect(await outcome(l2.lockRows(1, byKey(1), 'update'))).toBe('ok');
    const lock = rowLockOf(h2, { block: 0, offset: 1 });
    expect(lock).toMatchObject({ mode: 'update', lockOnly: true, multi: true });
    expect(multixacts.getMembers(lock!.xmax)).toEqual([
      { xid: parent, status: MultiXactStatus.ForKeyShare },
      { xid: m2.getXid(1), status: MultiXactStatus.ForUpdate },
    ]);
  });

  it('a transaction updates and deletes rows it locked itself, without waiting', async () => {
    const { table, locker, committed } = await withRows([
      [1, 10],
      [2, 20],
    ]);
    table.begin(1, 'read committed');
    await locker.lockRows(1, all, 'update');
    expect(await table.update(1, byKey(1), addTo(5))).toBe(1);
    expect(await table.delete(1, byKey(2))).toBe(1);
    await table.commit(1);
    expect(committed()).toEqual([[1, 15]]);
  });

  it('the lock does not change what anyone sees', async () => {
    const { table, locker, committed } = await withRows([
      [1, 10],
      [2, 20],
    ]);
    table.begin(1, 'read committed');
    await locker.lockRows(1, all, 'update');
    expect(committed()).toEqual([
      [1, 10],
      [2, 20],
    ]);
    await table.commit(1);
    expect(committed()).toEqual([
      [1, 10],
      [2, 20],
    ]);
  });
});

describe('NOWAIT and SKIP LOCKED', () => {
  it('A locks row 1 FOR UPDATE; B NOWAIT gets 55P03, B SKIP LOCKED gets the other rows, after A commits B gets row 1', async () => {
    const { table, locker } = await withRows([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    table.begin(1, 'read committed');
    table.begin(2, 'read committed');
    expect(keys(await locker.lockRows(1, byKey(1), 'update'))).toEqual([1]);
    expect(await outcome(locker.lockRows(2, all, 'update', { nowait: true }))).toBe(
      '55P03 could not obtain lock on row in relation "t"',
    );
    // the error failed B's transaction block
    expect(await outcome(locker.lockRows(2, all, 'update'))).toMatch(/^25P02/);
    table.rollback(2);
    table.begin(2, 'read committed');
    expect(keys(await locker.lockRows(2, all, 'update', { skipLocked: true }))).toEqual([2, 3]);
    table.rollback(2);
    await table.commit(1);
    table.begin(2, 'read committed');
    expect(keys(await locker.lockRows(2, all, 'update', { nowait: true }))).toEqual([1, 2, 3]);
    await table.commit(2);
  });

  it('SKIP LOCKED and NOWAIT also see an UPDATE in progress as a lock', async () => {
    const { table, locker } = await withRows([
      [1, 10],
      [2, 20],
    ]);
    table.begin(1, 'read committed');
    table.begin(2, 'read committed');
    expect(await table.update(1, byKey(2), addTo(1))).toBe(1); // no key change: FOR NO KEY UPDATE
    expect(keys(await locker.lockRows(2, all, 'share', { skipLocked: true }))).toEqual([1]);
    table.rollback(2);
    table.begin(2, 'read committed');
    expect(await outcome(locker.lockRows(2, byKey(2), 'no key update', { nowait: true }))).toBe(
      '55P03 could not obtain lock on row in relation "t"',
    );
    table.begin(3, 'read committed');
    // FOR KEY SHARE next to a no-key UPDATE: a multixact of the updater and the locker
    expect(await outcome(locker.lockRows(3, byKey(2), 'key share'))).toBe('ok');
  });
});

describe('waiting for the holder', () => {
  for (const end of ['commit', 'rollback'] as const) {
    it(`B waits for A's FOR UPDATE lock and gets the row when A ends (${end})`, async () => {
      const { table, locker, heap, manager } = await withRows([
        [1, 10],
        [2, 20],
      ]);
      table.begin(1, 'read committed');
      table.begin(2, 'read committed');
      await locker.lockRows(1, byKey(1), 'update');
      const b = track(locker.lockRows(2, all, 'share'));
      await settle();
      expect(b.state()).toBe('pending');
      if (end === 'commit') await table.commit(1);
      else table.rollback(1);
      await settle();
      expect(b.state()).toBe('done');
      expect(keys(b.value!)).toEqual([1, 2]);
      const lock = rowLockOf(heap, b.value![0]!.tid);
      expect(lock).toEqual({ xmax: manager.getXid(2), mode: 'share', lockOnly: true });
      await table.commit(2);
    });
  }

  it("an UPDATE waits for another transaction's FOR SHARE lock, then goes on once it committed", async () => {
    const { table, locker, committed } = await withRows([[1, 10]]);
    table.begin(1, 'read committed');
    table.begin(2, 'read committed');
    await locker.lockRows(1, byKey(1), 'share');
    const u = track(table.update(2, byKey(1), addTo(5)));
    await settle();
    expect(u.state()).toBe('pending');
    await table.commit(1);
    await settle();
    expect(u.state()).toBe('done');
    expect(u.value).toBe(1);
    await table.commit(2);
    expect(committed()).toEqual([[1, 15]]);
  });

  it('READ COMMITTED: a locker waiting on an UPDATE locks the new version, or skips it when it no longer matches', async () => {
    const { table, locker } = await withRows([
      [1, 10],
      [2, 20],
    ]);
    table.begin(1, 'read committed');
    table.begin(2, 'read committed');
    await table.update(1, all, addTo(1)); // 11, 21
    const b = track(locker.lockRows(2, (v) => v[1] === 10 || v[1] === 11 || v[1] === 20, 'update'));
    await settle();
    expect(b.state()).toBe('pending');
    await table.commit(1);
    await settle();
    expect(b.state()).toBe('done');
    expect(b.value!.map((r) => r.values)).toEqual([[1, 11]]);
    await table.commit(2);
  });

  it('REPEATABLE READ: a row updated by a transaction that committed meanwhile is 40001', async () => {
    const { table, locker } = await withRows([[1, 10]]);
    table.begin(2, 'repeatable read');
    table.read(2, all); // the snapshot
    table.begin(1, 'read committed');
    await table.update(1, byKey(1), addTo(1));
    await table.commit(1);
    expect(await outcome(locker.lockRows(2, byKey(1), 'share'))).toBe(
      '40001 could not serialize access due to concurrent update',
    );
  });

  it('FOR KEY SHARE on a version whose committed update kept the key: a multixact and the chain locked in PostgreSQL, 0A000 here', async () => {
    const { table, locker } = await withRows([[1, 10]]);
    table.begin(2, 'repeatable read');
    table.read(2, all);
    table.begin(1, 'read committed');
    await table.update(1, byKey(1), addTo(1)); // column 1 (the key) unchanged
    await table.commit(1);
    expect(await outcome(locker.lockRows(2, byKey(1), 'key share'))).toMatch(
      /^0A000 locking a row version whose update committed/,
    );
    table.begin(3, 'read committed');
    expect(await outcome(locker.lockRows(3, byKey(1), 'key share'))).toBe('ok'); // the newest version
  });

  it('READ COMMITTED: the newer version is locked first, then re-checked (a waiter waits even when it will not match)', async () => {
    const { table, locker, heap, manager } = await withRows([[1, 10]]);
    table.begin(1, 'read committed');
    await table.update(1, byKey(1), addTo(1)); // 10 -> 11
    table.begin(2, 'read committed');
    const s = track(locker.lockRows(2, byKey(1), 'share'));
    table.begin(3, 'read committed');
    const u = track(locker.lockRows(3, (v) => v[1] === 10, 'update'));
    await settle();
    await table.commit(1);
    await settle();
    expect(s.state()).toBe('done');
    expect(u.state()).toBe('pending'); // on session 2's share lock of (1, 11)
    await table.commit(2);
    await settle();
    expect(u.value).toEqual([]);
    expect(rowLockOf(heap, s.value![0]!.tid)).toEqual({
      xmax: manager.getXid(3),
      mode: 'update',
      lockOnly: true,
    });
  });
});
