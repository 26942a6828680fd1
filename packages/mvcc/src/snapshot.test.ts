/**
 * Snapshots: GetSnapshotData over a ProcArray (own xids left out, xmin the
 * oldest running xid, subtransactions in subxip until a cache overflows),
 * XidInMVCCSnapshot with and without overflow, the pg_current_snapshot()
 * text, and a property: for random sets of running transactions, every
 * snapshot keeps S1..S4 and says "running" of exactly the running xids.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SubTrans } from './internal/clog-subtrans.js';
import {
  checkSnapshot,
  formatSnapshot,
  parseSnapshot,
  type Snapshot,
  xidInMVCCSnapshot,
} from './internal/snapshot.js';
import { ProcArray } from './internal/snapshot-procarray.js';
import { fullTransactionIdFromEpochAndXid, transactionIdAdvance } from './internal/xid.js';
import { MvccError } from './internal/xid-errors.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);

describe('formatSnapshot', () => {
  const s = (xmin: number, xmax: number, xip: number[]): Snapshot => ({
    xmin,
    xmax,
    xip,
    subxip: [],
    suboverflowed: false,
    curcid: 0,
  });
  it('prints as pg_current_snapshot() does', () => {
    expect(formatSnapshot(s(10, 20, [15, 10, 14, 14]), 20n)).toBe('10:20:10,14,15');
    expect(formatSnapshot(s(10, 10, []), 10n)).toBe('10:10:');
    // with an epoch, and running xids from before the wrap
    const next = fullTransactionIdFromEpochAndXid(2, 5);
    expect(formatSnapshot(s(0xffff_fff0, 5, [0xffff_fff0, 3]), next)).toBe(
      `${fullTransactionIdFromEpochAndXid(1, 0xffff_fff0)}:${next}:${fullTransactionIdFromEpochAndXid(1, 0xffff_fff0)},${fullTransactionIdFromEpochAndXid(2, 3)}`,
    );
  });
  it('parses pg_snapshot text and rejects what PostgreSQL rejects', () => {
    expect(parseSnapshot('10:20:10,14,15')).toEqual({ xmin: 10n, xmax: 20n, xip: [10n, 14n, 15n] });
    expect(parseSnapshot('10:20:14,14')).toEqual({ xmin: 10n, xmax: 20n, xip: [14n] });
    for (const bad of ['20:10:', '10:20:9', '10:20:20', '10:20:15,14', 'x', '10:20', '0:1:']) {
      expect(() => parseSnapshot(bad)).toThrow(expect.objectContaining({ code: '22P02' }));
    }
  });
});

describe('GetSnapshotData', () => {
  it('lists the others running transactions and their subtransactions, not its own', () => {
    const pa = new ProcArray({ latestCompletedXid: 104 });
    pa.addTransaction(1, 100);
    pa.addSubtransaction(1, 101);
    pa.addSubtransaction(1, 103);
    pa.addTransaction(2, 102);
    pa.addTransaction(3, 104); // our own
    const snap = pa.getSnapshotData(3, 7);
    expect(snap).toEqual({
      xmin: 100,
      xmax: 105,
      xip: [100, 102],
      subxip: [101, 103],
      suboverflowed: false,
      curcid: 7,
    });
    expect(formatSnapshot(snap, 105n)).toBe('100:105:100,102');
    expect(checkSnapshot(snap)).toEqual([]);
    // nothing running but us: xmin = xmax
    pa.endTransaction(1, 103);
    pa.endTransaction(2, 102);
    expect(pa.getSnapshotData(3, 0)).toMatchObject({ xmin: 105, xmax: 105, xip: [] });
  });

  it('overflows past the subxid cache and then asks pg_subtrans', () => {
    const pa = new ProcArray({ latestCompletedXid: 30, maxCachedSubxids: 1 });
    const st = new SubTrans();
    pa.addTransaction(1, 20);
    for (const x of [21, 22]) {
      pa.addSubtransaction(1, x);
      st.setParent(x, x - 1);
    }
    const snap = pa.getSnapshotData(undefined, 0);
    expect(snap.suboverflowed).toBe(true);
    expect(snap.subxip).toEqual([]);
    expect(() => xidInMVCCSnapshot(22, snap)).toThrow(MvccError);
    const top = (x: number) => st.getTopmost(x);
    expect(xidInMVCCSnapshot(22, snap, top)).toBe(true);
    expect(xidInMVCCSnapshot(25, snap, top)).toBe(false); // finished, no parent: itself, not in xip
    expect(pa.isInProgress(22, st)).toBe(true);
    expect(pa.isInProgress(25, st)).toBe(false);
    expect(pa.isInProgress(31, st)).toBe(true); // newer than latestCompletedXid
  });

  it('keeps S1..S4 and says "running" of exactly the running xids', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 0xffff_ffff }),
        fc.uniqueArray(fc.nat(60), { maxLength: 12 }),
        fc.nat(3),
        (base, offsets, cache) => {
          // xids base+1 .. base+60 (wrapping past 2^32, skipping 0..2); some of them running
          const xidAt = (i: number) => {
            let x = base;
            for (let k = 0; k <= i; k++) x = transactionIdAdvance(x);
            return x;
          };
          const latest = xidAt(60);
          const pa = new ProcArray({ latestCompletedXid: latest, maxCachedSubxids: cache });
          const st = new SubTrans();
          const running = new Set<number>();
          let backend = 0;
          let lastTop: number | undefined;
          // in xid order: a subtransaction is always newer than its parent
          for (const off of [...offsets].sort((a, b) => a - b)) {
            const x = xidAt(off);
            running.add(x);
            if (lastTop !== undefined && off % 3 === 0) {
              pa.addSubtransaction(backend, x);
              st.setParent(x, lastTop);
            } else {
              backend++;
              pa.addTransaction(backend, x);
              lastTop = x;
            }
          }
          const snap = pa.getSnapshotData(undefined, 0);
          expect(checkSnapshot(snap)).toEqual([]);
          for (let i = -5; i <= 65; i++) {
            const x = i < 0 ? base : xidAt(i);
            const expected = running.has(x) || i > 60;
            expect(xidInMVCCSnapshot(x, snap, (y) => st.getTopmost(y))).toBe(expected);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reports broken snapshots by rule', () => {
    const bad: Snapshot = {
      xmin: 50,
      xmax: 40,
      xip: [60, 60],
      subxip: [],
      suboverflowed: false,
      curcid: 0,
    };
    expect(checkSnapshot(bad).map((v) => v.rule)).toEqual(['S1', 'S2', 'S2', 'S3', 'S4']);
  });
});
