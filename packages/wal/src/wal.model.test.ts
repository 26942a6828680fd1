/**
 * Model-based property test with crashes: random inserts (0 bytes to more
 * than a 64 KiB segment), segment switches, flushes and crashes of the
 * memory storage, some of them in the middle of a flush (between the writes
 * and the fdatasync, tearing the last write at a 512-byte boundary). After
 * every crash a reader recovers every flushed record byte-identical, at the
 * LSN the writer returned, then at most a prefix of the unflushed ones, and
 * stops cleanly; a new writer resumes at the end of valid WAL.
 *
 * PG_PROPERTY_RUNS scales the number of runs (default 300 -> 40 runs here).
 */
import {
  MemoryWalStorage,
  type ReadResult,
  SIZE_OF_LONG_PAGE_HEADER,
  truncateWalAfter,
  WalPanic,
  WalReader,
  type WalRecordInput,
  WalWriter,
  XLOG_SWITCH,
} from '@pg/wal';
import { FaultyWalStorage } from '@pg/wal/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Math.max(10, Math.round(Number(process.env.PG_PROPERTY_RUNS ?? 300) / 7.5));
const SEG = 64 * 1024;
const START = BigInt(SEG + SIZE_OF_LONG_PAGE_HEADER);

function bytesOf(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

type Op =
  | {
      op: 'insert';
      rmid: number;
      info: number;
      xid: number;
      size: number;
      seed: number;
      fpi: boolean;
    }
  | { op: 'switch' }
  | { op: 'flush' }
  | { op: 'crash' }
  | { op: 'crashDuringFlush'; torn: number[] };

const size = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 200 }) },
  { weight: 3, arbitrary: fc.integer({ min: 201, max: 9000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 9001, max: 24000 }) },
  { weight: 1, arbitrary: fc.integer({ min: SEG - 100, max: SEG + 9000 }) },
);

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      rmid: fc.integer({ min: 1, max: 255 }),
      info: fc.integer({ min: 0, max: 255 }),
      xid: fc.nat(),
      size,
      seed: fc.integer(),
      fpi: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'switch' as const }) },
  { weight: 4, arbitrary: fc.constant({ op: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'crash' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('crashDuringFlush' as const),
      torn: fc.array(fc.nat({ max: 20 }), { minLength: 1, maxLength: 8 }),
    }),
  },
);

interface ModelRecord {
  start: bigint;
  end: bigint;
  input: WalRecordInput;
}

function recordFor(o: Extract<Op, { op: 'insert' }>): WalRecordInput {
  const data = bytesOf(o.size, o.seed);
  if (!o.fpi) return { rmid: o.rmid, info: o.info, xid: o.xid, data };
  return {
    rmid: o.rmid,
    info: o.info,
    xid: o.xid,
    blocks: [
      {
        rel: { spcOid: 1663, dbOid: 5, relNumber: 16384 },
        fork: 0,
        blockNumber: o.seed >>> 0,
        image: bytesOf(8192, o.seed + 1),
        data: bytesOf(o.size % 50, o.seed + 2),
      },
    ],
    data: data.subarray(0, 10),
  };
}

function readAll(storage: MemoryWalStorage) {
  const reader = new WalReader({ storage, startLsn: START, segmentSize: SEG, expectedPrev: 0n });
  const got: Extract<ReadResult, { kind: 'record' }>[] = [];
  for (;;) {
    const r = reader.next();
    if (r.kind === 'end') return { got, end: r };
    got.push(r);
  }
}

describe('WAL model with crashes', () => {
  it('recovers exactly the durable records, then resumes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 30 }),
        fc.constantFrom(2, 5, 2048),
        async (ops, walBuffers) => {
          const mem = new MemoryWalStorage();
          const storage = new FaultyWalStorage(mem);
          let writer = new WalWriter({ storage, segmentSize: SEG, walBuffers });
          let model: ModelRecord[] = [];
          let durable = START;

          const recover = (exact: boolean) => {
            const { got, end } = readAll(mem);
            const mustHave = model.filter((m) => m.end <= durable).length;
            expect(got.length).toBeGreaterThanOrEqual(mustHave);
            if (exact) expect(got.length).toBe(mustHave);
            expect(got.length).toBeLessThanOrEqual(model.length);
            got.forEach((g, i) => {
              const m = model[i];
              if (!m) throw new Error('unreachable');
              expect(g.lsn).toBe(m.start);
              expect(g.end).toBe(m.end);
              expect(g.record.rmid).toBe(m.input.rmid);
              expect(g.record.info).toBe(m.input.info);
              expect(g.record.xid).toBe(m.input.xid ?? 0);
              expect(g.record.data).toEqual(m.input.data ?? new Uint8Array(0));
              expect(g.record.blocks).toEqual(m.input.blocks ?? []);
            });
            model = model.slice(0, got.length);
            durable = model.at(-1)?.end ?? START;
            storage.failFsync = false;
            truncateWalAfter(storage, end.lsn, SEG);
            writer = new WalWriter({
              storage,
              segmentSize: SEG,
              startLsn: end.lsn,
              prevLsn: end.prevLsn,
              walBuffers,
            });
          };

          for (const o of ops) {
            switch (o.op) {
              case 'insert': {
                const input = recordFor(o);
                const r = writer.insert(input);
                expect(r.start % 8n).toBe(0n);
                model.push({ start: r.start, end: r.end, input });
                break;
              }
              case 'switch': {
                const r = writer.switchSegment();
                model.push({
                  start: r.start,
                  end: r.end,
                  input: { rmid: 0, info: XLOG_SWITCH, xid: 0 },
                });
                break;
              }
              case 'flush': {
                const before = writer.flushedLsn;
                await writer.flush();
                expect(writer.flushedLsn).toBeGreaterThanOrEqual(before);
                expect(writer.flushedLsn).toBe(writer.endLsn);
                durable = writer.flushedLsn;
                break;
              }
              case 'crash':
                mem.crash();
                recover(true);
                break;
              case 'crashDuringFlush': {
                storage.failFsync = true;
                const wrote = writer.endLsn > writer.flushedLsn;
                if (wrote) {
                  await expect(writer.flush()).rejects.toBeInstanceOf(WalPanic);
                  expect(() => writer.insert({ rmid: 1, info: 0 })).toThrow(WalPanic);
                }
                let k = 0;
                mem.crash({ tornSectors: () => o.torn[k++ % o.torn.length] ?? 0 });
                recover(false);
                break;
              }
            }
          }
          // Finally everything inserted, once flushed, reads back.
          await writer.flush();
          durable = writer.flushedLsn;
          mem.crash();
          recover(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
