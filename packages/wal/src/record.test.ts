import {
  type BlockRef,
  decodeRecord,
  encodeRecord,
  readPageHeader,
  SIZE_OF_LONG_PAGE_HEADER,
  SIZE_OF_RECORD_HEADER,
  tryDecodeRecord,
  validatePageHeader,
  WAL_PAGE_MAGIC,
  WAL_PAGE_SIZE,
  WalError,
  type WalRecordInput,
  walCrc,
  writePageHeader,
  XLP_FIRST_IS_CONTRECORD,
  XLP_LONG_HEADER,
} from '@pg/wal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);

const block: fc.Arbitrary<BlockRef> = fc
  .record({
    rel: fc.record({ spcOid: fc.nat(), dbOid: fc.nat(), relNumber: fc.nat() }),
    fork: fc.integer({ min: 0, max: 3 }),
    blockNumber: fc.nat(),
    image: fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
    data: fc.option(fc.uint8Array({ maxLength: 100 }), { nil: undefined }),
  })
  .map((b) => {
    const { image, data, ...rest } = b;
    return {
      ...rest,
      ...(image === undefined ? {} : { image }),
      ...(data === undefined ? {} : { data }),
    };
  });

const recordInput: fc.Arbitrary<WalRecordInput> = fc.record({
  rmid: fc.integer({ min: 0, max: 255 }),
  info: fc.integer({ min: 0, max: 255 }),
  xid: fc.nat(),
  blocks: fc.array(block, { maxLength: 4 }),
  data: fc.uint8Array({ maxLength: 500 }),
});

describe('record encoding', () => {
  it('uses CRC-32C (Castagnoli): the standard check value', () => {
    expect(walCrc(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(
      walCrc(new TextEncoder().encode('56789'), walCrc(new TextEncoder().encode('1234'))),
    ).toBe(0xe3069283);
  });

  it('lays out the header as documented', () => {
    const bytes = encodeRecord(
      { rmid: 10, info: 0x20, xid: 742, data: Uint8Array.of(1, 2, 3) },
      0x1000028n,
    );
    const dv = new DataView(bytes.buffer);
    expect(bytes.length).toBe(SIZE_OF_RECORD_HEADER + 3);
    expect(dv.getUint32(0, true)).toBe(35);
    expect(dv.getUint32(4, true)).toBe(742);
    expect(dv.getBigUint64(8, true)).toBe(0x1000028n);
    expect(bytes[16]).toBe(0x20);
    expect(bytes[17]).toBe(10);
    expect(bytes[18]).toBe(0);
    expect(dv.getUint32(24, true)).toBe(3);
    expect([...bytes.subarray(32)]).toEqual([1, 2, 3]);
  });

  it('round-trips any record', () => {
    fc.assert(
      fc.property(recordInput, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (r, prev) => {
        const d = decodeRecord(encodeRecord(r, prev), { expectedPrev: prev });
        expect(d.rmid).toBe(r.rmid);
        expect(d.info).toBe(r.info);
        expect(d.xid).toBe(r.xid);
        expect(d.prev).toBe(prev);
        expect(d.data).toEqual(r.data);
        expect(d.blocks).toEqual(r.blocks);
      }),
      { numRuns: RUNS },
    );
  });

  it('reports any flipped bit as a typed problem, never a RangeError', () => {
    fc.assert(
      fc.property(recordInput, fc.nat(), fc.integer({ min: 0, max: 7 }), (r, at, bit) => {
        const bytes = encodeRecord(r, 8n);
        const i = at % bytes.length;
        bytes[i] = (bytes[i] ?? 0) ^ (1 << bit);
        const res = tryDecodeRecord(bytes, { expectedPrev: 8n });
        expect(res.ok).toBe(false);
        if (!res.ok) {
          expect([
            'invalid-record-length',
            'crc-mismatch',
            'prev-link-mismatch',
            'invalid-record-layout',
          ]).toContain(res.problem.kind);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('checks the prev-link, the rmgr when strict, and truncation', () => {
    const bytes = encodeRecord({ rmid: 99, info: 0 }, 16n);
    expect(tryDecodeRecord(bytes, { expectedPrev: 24n })).toMatchObject({
      ok: false,
      problem: { kind: 'prev-link-mismatch', prev: 16n, expected: 24n },
    });
    expect(tryDecodeRecord(bytes, { isKnownRmgr: (id) => id === 0 })).toMatchObject({
      ok: false,
      problem: { kind: 'unknown-rmgr', rmid: 99 },
    });
    expect(tryDecodeRecord(bytes.subarray(0, 20))).toMatchObject({
      ok: false,
      problem: { kind: 'invalid-record-length' },
    });
    expect(() => decodeRecord(bytes.subarray(0, 31))).toThrow(WalError);
  });

  it('rejects bad input fields with invalid-request', () => {
    expect(() => encodeRecord({ rmid: 256, info: 0 }, 0n)).toThrow(WalError);
    expect(() => encodeRecord({ rmid: 0, info: -1 }, 0n)).toThrow(WalError);
    expect(() =>
      encodeRecord(
        {
          rmid: 0,
          info: 0,
          blocks: [{ rel: { spcOid: 0, dbOid: 0, relNumber: 0 }, fork: 4, blockNumber: 0 }],
        },
        0n,
      ),
    ).toThrow(WalError);
  });
});

describe('page headers', () => {
  const opts = { timeline: 1, segmentSize: 65536, systemIdentifier: 7n };

  it('writes a long header on the first page of a segment', () => {
    const page = new Uint8Array(WAL_PAGE_SIZE);
    writePageHeader(page, { ...opts, pageAddress: 0x20000n, remainingLength: 0 });
    const h = readPageHeader(page);
    expect(h).toEqual({
      magic: WAL_PAGE_MAGIC,
      info: XLP_LONG_HEADER,
      timeline: 1,
      pageAddress: 0x20000n,
      remainingLength: 0,
      systemIdentifier: 7n,
      segmentSize: 65536,
      pageSize: WAL_PAGE_SIZE,
    });
    expect(validatePageHeader(page, 0x20000n, opts)).toBeNull();
    expect(SIZE_OF_LONG_PAGE_HEADER).toBe(40);
  });

  it('writes a short header with the continuation flag', () => {
    const page = new Uint8Array(WAL_PAGE_SIZE);
    writePageHeader(page, { ...opts, pageAddress: 0x22000n, remainingLength: 1234 });
    const h = readPageHeader(page);
    expect(h.info).toBe(XLP_FIRST_IS_CONTRECORD);
    expect(h.remainingLength).toBe(1234);
    expect(h.systemIdentifier).toBeUndefined();
    expect(validatePageHeader(page, 0x22000n, opts)).toBeNull();
  });

  it('rejects a wrong address, timeline, magic or system identifier', () => {
    const page = new Uint8Array(WAL_PAGE_SIZE);
    writePageHeader(page, { ...opts, pageAddress: 0x20000n, remainingLength: 0 });
    expect(validatePageHeader(page, 0x30000n, opts)?.kind).toBe('invalid-page-header');
    expect(validatePageHeader(page, 0x20000n, { ...opts, timeline: 2 })?.kind).toBe(
      'invalid-page-header',
    );
    expect(validatePageHeader(page, 0x20000n, { ...opts, systemIdentifier: 8n })?.kind).toBe(
      'invalid-page-header',
    );
    page[0] = 0;
    expect(validatePageHeader(page, 0x20000n, opts)?.kind).toBe('invalid-page-header');
  });
});
