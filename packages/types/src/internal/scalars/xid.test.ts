/**
 * xid and xid8 (freeze, issue 11): text input is strtoul(str, NULL, 0)
 * with no error checking, as PostgreSQL 15's xidin / xid8in (values
 * checked against real PostgreSQL 15 by hand and in tools/difftest's
 * freeze/age case); the transaction-id functions need a session.
 */
import { describe, expect, it } from 'vitest';
import { builtins, defaultContext, TypeOid } from '../../../src/index.js';
import { strtoul64, xid8Type, xidType } from './xid.js';

describe('xid and xid8', () => {
  it('read text as strtoul does', () => {
    expect(xidType.input('42', -1, defaultContext())).toBe(42);
    expect(xidType.input('  0x10zz', -1, defaultContext())).toBe(16);
    expect(xidType.input('010', -1, defaultContext())).toBe(8);
    expect(xidType.input('-1', -1, defaultContext())).toBe(0xffff_ffff);
    expect(xidType.input('abc', -1, defaultContext())).toBe(0);
    expect(xidType.input('4294967296', -1, defaultContext())).toBe(0);
    expect(xidType.input('99999999999999999999999', -1, defaultContext())).toBe(0xffff_ffff);
    expect(xid8Type.input('-1', -1, defaultContext())).toBe(2n ** 64n - 1n);
    expect(strtoul64('0x')).toBe(0n);
  });

  it('round-trip on disk and compare', () => {
    expect(xidType.decode(xidType.encode(0xfedc_ba98))).toBe(0xfedc_ba98);
    expect(xid8Type.decode(xid8Type.encode(2n ** 64n - 2n))).toBe(2n ** 64n - 2n);
    expect(
      builtins.call('xideqint4', [TypeOid.xid, TypeOid.int4], [0xffff_ffff, -1], defaultContext()),
    ).toBe(true);
  });

  it('age(xid) reads the session; special xids are INT_MAX old', () => {
    const ctx = defaultContext({
      xact: { stableLatestXid: () => 10, nextMultiXactId: () => 1, topFullXid: () => 10n },
    });
    expect(builtins.call('age', [TypeOid.xid], [7], ctx)).toBe(3);
    expect(builtins.call('age', [TypeOid.xid], [2], ctx)).toBe(2147483647);
    // modulo 2^32: an xid from before the wrap
    expect(builtins.call('age', [TypeOid.xid], [0xffff_fff0], ctx)).toBe(26);
    expect(() => builtins.call('age', [TypeOid.xid], [7], defaultContext())).toThrow(
      /not supported/,
    );
  });
});
