import {
  DEFAULT_SEGMENT_SIZE,
  formatLsn,
  lsnToSegment,
  pageOffset,
  pageStartLsn,
  parseLsn,
  parseSegmentFileName,
  segmentFileName,
  segmentOffset,
  segmentStartLsn,
  WalError,
} from '@pg/wal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);

describe('LSN text', () => {
  it('formats as PostgreSQL does', () => {
    expect(formatLsn(0n)).toBe('0/0');
    expect(formatLsn(0x16b3748n)).toBe('0/16B3748');
    expect(formatLsn(0x1_0000_0028n)).toBe('1/28');
    expect(formatLsn(0xffffffff_ffffffffn)).toBe('FFFFFFFF/FFFFFFFF');
  });

  it('parses what it formats', () => {
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parseLsn('a/b')).toBe(0xa_0000_000bn);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (lsn) => {
        expect(parseLsn(formatLsn(lsn))).toBe(lsn);
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects malformed text with a typed problem', () => {
    for (const bad of ['', '0', '0/', '/0', 'G/0', '123456789/0', '0/0/0', ' 0/0']) {
      try {
        parseLsn(bad);
        expect.fail(`parsed ${bad}`);
      } catch (e) {
        expect(e).toBeInstanceOf(WalError);
        expect((e as WalError).problem.kind).toBe('invalid-lsn-syntax');
        expect((e as WalError).code).toBe('22P02');
      }
    }
  });
});

describe('segments and pages', () => {
  it('names segments as PostgreSQL does for timeline 1', () => {
    expect(segmentFileName(1n)).toBe('000000010000000000000001');
    expect(segmentFileName(lsnToSegment(0x16b3748n))).toBe('000000010000000000000001');
    expect(segmentFileName(lsnToSegment(0x1_2345_6789n))).toBe('000000010000000100000023');
    expect(segmentFileName(lsnToSegment(0x1_0000_0000n))).toBe('000000010000000100000000');
    expect(segmentFileName(3n, DEFAULT_SEGMENT_SIZE, 2)).toBe('000000020000000000000003');
    // 64 MiB segments: 64 per 4 GiB "log".
    expect(segmentFileName(65n, 64 * 1024 * 1024)).toBe('000000010000000100000001');
  });

  it('parses segment names back', () => {
    expect(parseSegmentFileName('000000010000000100000023')).toEqual({
      timeline: 1,
      segno: 0x123n,
    });
    expect(() => parseSegmentFileName('00000001000000010000002')).toThrow(WalError);
    expect(() => parseSegmentFileName('000000010000000100000100')).toThrow(WalError);
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }),
        fc.constantFrom(64 * 1024, 1024 * 1024, DEFAULT_SEGMENT_SIZE),
        (segno, size) => {
          expect(parseSegmentFileName(segmentFileName(segno, size), size).segno).toBe(segno);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('does segment and page arithmetic', () => {
    const lsn = 0x16b3748n;
    expect(lsnToSegment(lsn)).toBe(1n);
    expect(segmentOffset(lsn)).toBe(0x6b3748);
    expect(segmentStartLsn(2n)).toBe(0x2000000n);
    expect(pageStartLsn(lsn)).toBe(0x16b2000n);
    expect(pageOffset(lsn)).toBe(0x1748);
  });
});
