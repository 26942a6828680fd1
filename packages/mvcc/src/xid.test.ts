/**
 * Transaction ids: modulo-2^32 comparison (checked against 64-bit
 * arithmetic on full xids near and across the wrap), the counter skipping
 * the special xids, widening, and the wraparound limits with PostgreSQL
 * 15's WARNING and 54000 texts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeXidLimits,
  epochFromFullTransactionId,
  fullTransactionIdAdvance,
  fullTransactionIdFromEpochAndXid,
  MAX_TRANSACTION_ID,
  transactionIdAdvance,
  transactionIdFollows,
  transactionIdFollowsOrEquals,
  transactionIdPrecedes,
  transactionIdPrecedesOrEquals,
  transactionIdRetreat,
  widenTransactionId,
  XidGenerator,
  xidFromFullTransactionId,
} from './internal/xid.js';
import { MvccError } from './internal/xid-errors.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);

describe('TransactionIdPrecedes', () => {
  it('agrees with full-xid order for any two normal xids less than 2^31 apart', () => {
    // a full xid anywhere (often near a wrap), and a distance under 2^31 either way
    const fullArb = fc.oneof(
      fc.bigInt({ min: 3n, max: (1n << 40n) - 1n }),
      fc.bigInt({ min: -1000n, max: 1000n }).map((d) => (5n << 32n) + d),
    );
    fc.assert(
      fc.property(fullArb, fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 }), (fa, d) => {
        const fb = fa + BigInt(d);
        const a = xidFromFullTransactionId(fa);
        const b = xidFromFullTransactionId(fb);
        fc.pre(a >= 3 && b >= 3);
        expect(transactionIdPrecedes(a, b)).toBe(fa < fb);
        expect(transactionIdPrecedesOrEquals(a, b)).toBe(fa <= fb);
        expect(transactionIdFollows(a, b)).toBe(fa > fb);
        expect(transactionIdFollowsOrEquals(a, b)).toBe(fa >= fb);
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it('near 2^32: the xids after the wrap follow the ones before it', () => {
    expect(transactionIdPrecedes(MAX_TRANSACTION_ID, 3)).toBe(true);
    expect(transactionIdPrecedes(3, MAX_TRANSACTION_ID)).toBe(false);
    expect(transactionIdPrecedes(0xffff_fff0, 100)).toBe(true);
    // exactly 2^31 apart: the difference is -2^31, so "precedes" (PostgreSQL's int32 sign)
    expect(transactionIdPrecedes(100, 100 + 2 ** 31)).toBe(true);
    expect(transactionIdPrecedes(100 + 2 ** 31, 100)).toBe(true);
    // 2^31 + 1 apart: the order flips
    expect(transactionIdPrecedes(100, 100 + 2 ** 31 + 1)).toBe(false);
  });

  it('special xids precede every normal xid, as plain numbers', () => {
    for (const s of [0, 1, 2]) {
      expect(transactionIdPrecedes(s, 3)).toBe(true);
      expect(transactionIdPrecedes(s, MAX_TRANSACTION_ID)).toBe(true);
      expect(transactionIdFollows(MAX_TRANSACTION_ID, s)).toBe(true);
    }
    expect(transactionIdPrecedes(2, 0)).toBe(false);
  });
});

describe('the counter', () => {
  it('skips 0, 1 and 2 when the 32-bit part wraps, and bumps the epoch', () => {
    expect(transactionIdAdvance(MAX_TRANSACTION_ID)).toBe(3);
    expect(transactionIdAdvance(10)).toBe(11);
    expect(transactionIdRetreat(3)).toBe(MAX_TRANSACTION_ID);
    const last = fullTransactionIdFromEpochAndXid(4, MAX_TRANSACTION_ID);
    expect(fullTransactionIdAdvance(last)).toBe(fullTransactionIdFromEpochAndXid(5, 3));
    expect(fullTransactionIdAdvance(0n)).toBe(1n); // epoch 0 below FirstNormal: plain +1

    const gen = new XidGenerator({ nextFullXid: fullTransactionIdFromEpochAndXid(0, 0xffff_fffe) });
    const got = Array.from({ length: 4 }, () => gen.getNewTransactionId());
    expect(got.map((g) => g.xid)).toEqual([0xffff_fffe, 0xffff_ffff, 3, 4]);
    expect(got.map((g) => epochFromFullTransactionId(g.fullXid))).toEqual([0, 0, 1, 1]);
  });

  it('calls extend for every xid it hands out, before handing it out', () => {
    const seen: number[] = [];
    const gen = new XidGenerator({ nextFullXid: 10n, extend: (x) => seen.push(x) });
    gen.getNewTransactionId();
    gen.getNewTransactionId();
    expect(seen).toEqual([10, 11]);
    expect(gen.nextFullXid).toBe(12n);
  });

  it('moves past xids replayed from WAL, across a wrap', () => {
    const gen = new XidGenerator({ nextFullXid: fullTransactionIdFromEpochAndXid(2, 0xffff_fff0) });
    gen.advancePastXid(0xffff_ff00); // older: nothing
    expect(gen.nextFullXid).toBe(fullTransactionIdFromEpochAndXid(2, 0xffff_fff0));
    gen.advancePastXid(5); // wrapped: epoch 3
    expect(gen.nextFullXid).toBe(fullTransactionIdFromEpochAndXid(3, 6));
  });

  it('widens 32-bit xids against the next full xid', () => {
    const next = fullTransactionIdFromEpochAndXid(3, 100);
    expect(widenTransactionId(next, 50)).toBe(fullTransactionIdFromEpochAndXid(3, 50));
    expect(widenTransactionId(next, 100)).toBe(fullTransactionIdFromEpochAndXid(3, 100));
    expect(widenTransactionId(next, 0xffff_0000)).toBe(
      fullTransactionIdFromEpochAndXid(2, 0xffff_0000),
    );
    expect(widenTransactionId(next, 2)).toBe(2n);
  });
});

describe('wraparound limits', () => {
  it('computes PostgreSQL 15s limits', () => {
    const l = computeXidLimits(3, 1, { datname: 'postgres' });
    expect(l.xidWrapLimit).toBe(2 ** 31 + 2);
    expect(l.xidStopLimit).toBe(2 ** 31 + 2 - 3_000_000);
    expect(l.xidWarnLimit).toBe(2 ** 31 + 2 - 40_000_000);
    expect(l.xidVacLimit).toBe(200_000_003);
    // an oldest xid that puts the wrap limit on a special xid moves it past
    const w = computeXidLimits(2 ** 31 + 1, 1);
    expect(w.xidWrapLimit).toBe(3);
    expect(w.xidStopLimit).toBe((3 - 3_000_000) >>> 0);
    // and a stop limit that lands on a special xid moves back past them
    expect(computeXidLimits((3_000_001 - 0x7fff_ffff) >>> 0, 1).xidStopLimit).toBe(0xffff_fffe);
  });

  it('WARNs from xidWarnLimit and refuses with 54000 from xidStopLimit, with PostgreSQL 15s texts', () => {
    const limits = computeXidLimits(1000, 5, { datname: 'app' });
    const start = BigInt(limits.xidWarnLimit - 1);
    const gen = new XidGenerator({ nextFullXid: start, limits });
    const before = gen.getNewTransactionId();
    expect(before.warning).toBeUndefined();
    expect(before.autovacuumWanted).toBe(true);
    const first = gen.getNewTransactionId();
    expect(first.xid).toBe(limits.xidWarnLimit);
    expect(first.warning).toEqual({
      severity: 'WARNING',
      message: 'database "app" must be vacuumed within 40000000 transactions',
      hint:
        'To avoid a database shutdown, execute a database-wide VACUUM in that database.\n' +
        'You might also need to commit or roll back old prepared transactions, or drop stale replication slots.',
    });

    const stopAt = new XidGenerator({ nextFullXid: BigInt(limits.xidStopLimit), limits });
    let err: unknown;
    try {
      stopAt.getNewTransactionId();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MvccError);
    expect(err).toMatchObject({
      code: '54000',
      message: 'database is not accepting commands to avoid wraparound data loss in database "app"',
      hint:
        'Stop the postmaster and vacuum that database in single-user mode.\n' +
        'You might also need to commit or roll back old prepared transactions, or drop stale replication slots.',
    });
    expect(stopAt.nextFullXid).toBe(BigInt(limits.xidStopLimit)); // nothing consumed

    // without a name, the OID form; in single-user mode only the warning
    const anon = computeXidLimits(1000, 5);
    const single = new XidGenerator({
      nextFullXid: BigInt(anon.xidStopLimit),
      limits: anon,
      singleUser: true,
    });
    expect(single.getNewTransactionId().warning?.message).toBe(
      'database with OID 5 must be vacuumed within 3000000 transactions',
    );
  });

  it('limits and warnings follow the counter across the 2^32 wrap', () => {
    // oldest datfrozenxid late in the 32-bit range: the limits wrap past 0
    const limits = computeXidLimits(0xf000_0000, 7);
    expect(limits.xidWrapLimit).toBe((0xf000_0000 + 0x7fff_ffff) >>> 0);
    const gen = new XidGenerator({
      nextFullXid: fullTransactionIdFromEpochAndXid(1, 5),
      limits,
    });
    expect(gen.getNewTransactionId().warning).toBeUndefined(); // xid 5 of epoch 1 is far from the limit
    const near = new XidGenerator({
      nextFullXid: fullTransactionIdFromEpochAndXid(1, limits.xidWarnLimit + 10),
      limits,
    });
    expect(near.getNewTransactionId().warning?.message).toBe(
      'database with OID 7 must be vacuumed within 39999990 transactions',
    );
  });
});
