/**
 * Multixacts on the heap, two and three sessions: shared row locks held by
 * several transactions at once (HEAP_XMAX_IS_MULTI), waits for every
 * conflicting member, a no-key UPDATE next to FOR KEY SHARE lockers, and
 * what every snapshot sees meanwhile.
 */
import {
  attachMultiXacts,
  MemorySlruStore,
  type MultiXactMember,
  MultiXactStatus,
  MultiXacts,
} from '@pg/mvcc';
import { Page } from '@pg/page';
import { describe, expect, it } from 'vitest';
import {
  HEAP_KEYS_UPDATED,
  HEAP_XMAX_EXCL_LOCK,
  HEAP_XMAX_IS_MULTI,
  HEAP_XMAX_KEYSHR_LOCK,
  HEAP_XMAX_LOCK_ONLY,
  HEAP_XMAX_SHR_LOCK,
  multiXactHintBits,
  tupleInfomask,
  tupleInfomask2,
  tupleXmax,
} from './index.js';
import { addTo, byKey, sessionSetup, settle, track } from './internal/session-harness.js';

const all = () => true;
const XMAX_BITS =
  HEAP_XMAX_IS_MULTI | HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_SHR_LOCK | HEAP_XMAX_EXCL_LOCK;

async function setup(rows: [number, number][]) {
  const s = sessionSetup();
  const multixacts = new MultiXacts({
    offsetsStore: new MemorySlruStore(),
    membersStore: new MemorySlruStore(),
  });
  attachMultiXacts(s.transam, multixacts);
  s.table.begin(9, 'read committed');
  for (const r of rows) s.table.insert(9, r);
  await s.table.commit(9);
  /** the header of the tuple at (0, offset) */
  const header = (offset: number) => {
    const item = Page.wrap(s.heap.readCopy(0)).mustItem(offset);
    const mask = tupleInfomask(item);
    return {
      xmax: tupleXmax(item),
      bits: mask & (XMAX_BITS | HEAP_XMAX_KEYSHR_LOCK),
      keysUpdated: (tupleInfomask2(item) & HEAP_KEYS_UPDATED) !== 0,
    };
  };
  const members = (offset: number): readonly MultiXactMember[] =>
    multixacts.getMembers(header(offset).xmax);
  const read = (session: number) => {
    s.table.begin(session, 'read committed');
    const out = s.table
      .read(session, all)
      .map((r) => r.values as number[])
      .sort((a, b) => a[0]! - b[0]!);
    s.table.rollback(session);
    return out;
  };
  return { ...s, multixacts, header, members, read };
}

describe('GetMultiXactIdHintBits', () => {
  it('takes the strongest member and LOCK_ONLY when no member updated', () => {
    const m = (status: MultiXactStatus) => ({ xid: 5, status });
    expect(multiXactHintBits([m(0), m(0)])).toEqual({
      infomask: HEAP_XMAX_IS_MULTI | HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_KEYSHR_LOCK,
      infomask2: 0,
    });
    expect(multiXactHintBits([m(0), m(1)])).toEqual({
      infomask: HEAP_XMAX_IS_MULTI | HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_SHR_LOCK,
      infomask2: 0,
    });
    expect(multiXactHintBits([m(0), m(4)])).toEqual({
      infomask: HEAP_XMAX_IS_MULTI | HEAP_XMAX_EXCL_LOCK,
      infomask2: 0,
    });
    expect(multiXactHintBits([m(0), m(3)])).toEqual({
      infomask: HEAP_XMAX_IS_MULTI | HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_EXCL_LOCK,
      infomask2: HEAP_KEYS_UPDATED,
    });
  });
});

describe('two and three sessions sharing a row', () => {
  it('FOR SHARE + FOR SHARE: both hold the row in one lock-only multi', async () => {
    const { table, manager, header, members, read } = await setup([[1, 10]]);
    table.begin(1, 'read committed');
    table.begin(2, 'read committed');
    expect(await table.lockRows(1, byKey(1), 'share')).toHaveLength(1);
    expect(await table.lockRows(2, byKey(1), 'share', { nowait: true })).toHaveLength(1);
    expect(header(1).bits).toBe(HEAP_XMAX_IS_MULTI | HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_SHR_LOCK);
    expect(members(1)).toEqual([
      { xid: manager.getXid(1), status: MultiXactStatus.ForShare },
      { xid: manager.getXid(2), status: MultiXactStatus.ForShare },
    ]);
    // a lock-only multi hides nothing
    expect(read(5)).toEqual([[1, 10]]);
    // a third sharer joins: a new multi of all three
    table.begin(3, 'read committed');
    expect(await table.lockRows(3, byKey(1), 'key share', { nowait: true })).toHaveLength(1);
    expect(members(1).map((m) => m.xid)).toEqual([1, 2, 3].map((s) => manager.getXid(s)));
    expect(header(1).bits).toBe(HEAP_XMAX_IS_MULTI | HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_SHR_LOCK);
    await table.commit(1);
    await table.commit(2);
    await table.commit(3);
  });

  it('FOR UPDATE waits for both sharers, one after the other', async () => {
    const { table, manager, header } = await setup([[1, 10]]);
    for (const s of [1, 2, 3]) table.begin(s, 'read committed');
    await table.lockRows(1, byKey(1), 'share');
    await table.lockRows(2, byKey(1), 'share');
    const u = track(table.lockRows(3, byKey(1), 'update'));
    await settle();
    expect(u.state()).toBe('pending');
    await table.commit(1);
    await settle();
    expect(u.state()).toBe('pending'); // session 2 still holds it
    table.rollback(2);
    await settle();
    expect(u.state()).toBe('done');
    // nobody else left: a plain xmax again
    expect(header(1)).toEqual({
      xmax: manager.getXid(3),
      bits: HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_EXCL_LOCK,
      keysUpdated: true,
    });
    await table.commit(3);
  });

  it('a DELETE waits for every locker of a multi; NOWAIT lockers get 55P03, SKIP LOCKED skips', async () => {
    const { table, read } = await setup([
      [1, 10],
      [2, 20],
    ]);
    for (const s of [1, 2, 3]) table.begin(s, 'read committed');
    await table.lockRows(1, byKey(1), 'key share');
    await table.lockRows(2, byKey(1), 'key share');
    table.begin(4, 'read committed');
    expect(
      (await table.lockRows(4, all, 'update', { skipLocked: true })).map((r) => r.values[0]),
    ).toEqual([2]);
    table.rollback(4);
    const d = track(table.delete(3, byKey(1)));
    await settle();
    expect(d.state()).toBe('pending');
    await table.commit(2);
    await settle();
    expect(d.state()).toBe('pending');
    await table.commit(1);
    await settle();
    expect(d.state()).toBe('done');
    expect(d.value).toBe(1);
    await table.commit(3);
    expect(read(5)).toEqual([[2, 20]]);
  });

  it('FOR KEY SHARE + UPDATE of a non-key column proceeds, leaving a multi of locker and updater', async () => {
    const { table, manager, header, members, read } = await setup([[1, 10]]);
    table.begin(1, 'read committed');
    table.begin(2, 'read committed');
    await table.lockRows(1, byKey(1), 'key share');
    // column 1 is the indexed key; the update changes column 2 only: no wait
    expect(await table.update(2, byKey(1), addTo(5))).toBe(1);
    expect(header(1).bits).toBe(HEAP_XMAX_IS_MULTI | HEAP_XMAX_EXCL_LOCK);
    expect(header(1).keysUpdated).toBe(false);
    expect(members(1)).toEqual([
      { xid: manager.getXid(1), status: MultiXactStatus.ForKeyShare },
      { xid: manager.getXid(2), status: MultiXactStatus.NoKeyUpdate },
    ]);
    // the updater inside the multi decides what others see
    expect(read(5)).toEqual([[1, 10]]);
    expect(table.read(1, all).map((r) => r.values)).toEqual([[1, 10]]);
    await table.commit(2);
    expect(read(5)).toEqual([[1, 15]]);
    // the locker still runs: a key update of the old version would wait for it,
    // the newest version is free
    table.begin(3, 'read committed');
    expect(await table.update(3, byKey(1), (v) => [7, v[1]])).toBe(1);
    await table.commit(3);
    await table.commit(1);
    expect(read(5)).toEqual([[7, 15]]);
  });

  it('a key-changing UPDATE waits for a FOR KEY SHARE locker; a no-key one does not', async () => {
    const { table, read } = await setup([
      [1, 10],
      [2, 20],
    ]);
    table.begin(1, 'read committed');
    table.begin(2, 'read committed');
    await table.lockRows(1, all, 'key share');
    expect(await table.update(2, byKey(2), addTo(1))).toBe(1);
    const u = track(table.update(2, byKey(1), (v) => [3, v[1]]));
    await settle();
    expect(u.state()).toBe('pending');
    await table.commit(1);
    await settle();
    expect(u.state()).toBe('done');
    await table.commit(2);
    expect(read(5)).toEqual([
      [2, 21],
      [3, 10],
    ]);
  });

  it('three sessions: two KEY SHARE lockers and a no-key updater; a DELETE waits for all three', async () => {
    const { table, manager, members, read } = await setup([[1, 10]]);
    for (const s of [1, 2, 3, 4]) table.begin(s, 'read committed');
    await table.lockRows(1, byKey(1), 'key share');
    await table.lockRows(2, byKey(1), 'key share');
    expect(await table.update(3, byKey(1), addTo(1))).toBe(1);
    expect(members(1)).toEqual([
      { xid: manager.getXid(1), status: MultiXactStatus.ForKeyShare },
      { xid: manager.getXid(2), status: MultiXactStatus.ForKeyShare },
      { xid: manager.getXid(3), status: MultiXactStatus.NoKeyUpdate },
    ]);
    const d = track(table.delete(4, byKey(1)));
    for (const s of [1, 2]) {
      await settle();
      expect(d.state()).toBe('pending');
      await table.commit(s);
    }
    await settle();
    expect(d.state()).toBe('pending'); // the updater still runs
    await table.commit(3);
    await settle();
    // READ COMMITTED: the delete follows the update to the newest version
    expect(d.state()).toBe('done');
    expect(d.value).toBe(1);
    await table.commit(4);
    expect(read(5)).toEqual([]);
  });

  it('an updater inside a multi that rolls back leaves the row as it was', async () => {
    const { table, read } = await setup([[1, 10]]);
    table.begin(1, 'read committed');
    table.begin(2, 'read committed');
    await table.lockRows(1, byKey(1), 'key share');
    await table.update(2, byKey(1), addTo(5));
    table.rollback(2);
    expect(read(5)).toEqual([[1, 10]]);
    // the locker is still there: a FOR UPDATE waits for it
    table.begin(3, 'read committed');
    const u = track(table.lockRows(3, byKey(1), 'update'));
    await settle();
    expect(u.state()).toBe('pending');
    await table.commit(1);
    await settle();
    expect(u.state()).toBe('done');
    await table.commit(3);
  });
});
