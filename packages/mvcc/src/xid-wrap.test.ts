/**
 * TransactionIdPrecedes and its kin near the 32-bit wrap (freeze, issue
 * 11): for two full xids less than 2^31 apart, comparing their 32-bit
 * forms modulo 2^32 gives the same answer as comparing the full (64-bit)
 * xids, wherever they fall relative to the wrap; the counter skips the
 * special xids 0, 1, 2; widening a 32-bit xid against the counter gives
 * back its full xid; and the limits computed from an oldest datfrozenxid
 * near the wrap keep their order (vac < warn < stop < wrap, modulo 2^32).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeXidLimits,
  type FullTransactionId,
  fullTransactionIdAdvance,
  transactionIdFollows,
  transactionIdFollowsOrEquals,
  transactionIdPrecedes,
  transactionIdPrecedesOrEquals,
  widenTransactionId,
  XidGenerator,
  xidFromFullTransactionId,
} from './internal/xid.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);
const TWO32 = 2n ** 32n;

/** A normal full xid within `spread` of an epoch boundary (epochs 1..3). */
const nearWrap = (spread: number): fc.Arbitrary<FullTransactionId> =>
  fc
    .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: -spread, max: spread }))
    .map(([epoch, d]) => BigInt(epoch) * TWO32 + BigInt(d))
    .filter((f) => xidFromFullTransactionId(f) >= 3);

describe('xid comparison near the wrap', () => {
  it('agrees with 64-bit order for xids less than 2^31 apart', () => {
    fc.assert(
      fc.property(
        nearWrap(1 << 20),
        fc.integer({ min: -(2 ** 31 - 1), max: 2 ** 31 - 1 }),
        (a, d) => {
          const b = a + BigInt(d);
          fc.pre(b > 0n && xidFromFullTransactionId(b) >= 3);
          const x = xidFromFullTransactionId(a);
          const y = xidFromFullTransactionId(b);
          expect(transactionIdPrecedes(x, y)).toBe(a < b);
          expect(transactionIdPrecedesOrEquals(x, y)).toBe(a <= b);
          expect(transactionIdFollows(x, y)).toBe(a > b);
          expect(transactionIdFollowsOrEquals(x, y)).toBe(a >= b);
          // widening against a counter just past the newer of the two recovers both
          const next = (a > b ? a : b) + 1n;
          expect(widenTransactionId(next, x)).toBe(a);
          expect(widenTransactionId(next, y)).toBe(b);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('special xids precede every normal xid, also past the wrap', () => {
    fc.assert(
      fc.property(nearWrap(1 << 16), fc.integer({ min: 0, max: 2 }), (a, special) => {
        const x = xidFromFullTransactionId(a);
        expect(transactionIdPrecedes(special, x)).toBe(true);
        expect(transactionIdFollows(x, special)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('the counter skips 0, 1 and 2 at the wrap and hands out increasing full xids', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 40 }),
        (epoch, before) => {
          const gen = new XidGenerator({ nextFullXid: BigInt(epoch) * TWO32 - BigInt(before) });
          let prev: FullTransactionId | undefined;
          for (let i = 0; i < before + 5; i++) {
            const { fullXid, xid } = gen.getNewTransactionId();
            expect(xid).toBeGreaterThanOrEqual(3);
            if (prev !== undefined) {
              expect(fullXid).toBe(fullTransactionIdAdvance(prev));
              expect(transactionIdPrecedes(xidFromFullTransactionId(prev), xid)).toBe(true);
            }
            prev = fullXid;
          }
          expect(gen.nextFullXid >> 32n).toBe(BigInt(epoch));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('limits from any oldest datfrozenxid keep their order modulo 2^32', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 0xffff_ffff }),
        fc.integer({ min: 100_000, max: 2_000_000_000 }),
        (oldest, freezeMaxAge) => {
          const l = computeXidLimits(oldest, 1, { autovacuumFreezeMaxAge: freezeMaxAge });
          for (const v of [l.xidVacLimit, l.xidWarnLimit, l.xidStopLimit, l.xidWrapLimit])
            expect(v).toBeGreaterThanOrEqual(3);
          expect(transactionIdPrecedes(oldest, l.xidWarnLimit)).toBe(true);
          expect(transactionIdPrecedes(l.xidWarnLimit, l.xidStopLimit)).toBe(true);
          expect(transactionIdPrecedes(l.xidStopLimit, l.xidWrapLimit)).toBe(true);
          // the wrap limit is (about) 2^31 ahead: the oldest xid still precedes it
          expect(((l.xidWrapLimit - oldest) >>> 0) - 0x7fff_ffff).toBeLessThanOrEqual(3);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
