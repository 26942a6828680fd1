/**
 * Model-based property test with crashes: random inserts (0 bytes to more
 * than a 64 KiB segment), segment switches, flushes, checkpoints and crashes
 * of the memory storage, some of them in the middle of a flush (between the
 * writes and the fdatasync, tearing the last write at a 512-byte boundary).
 * A checkpoint inserts a checkpoint record at the insert position (its redo
 * LSN), flushes, and runs removeOldSegments with small min/max_wal_size, so
 * later WAL is written into recycled segments full of stale WAL. After every
 * crash a reader started at the last checkpoint's redo LSN recovers every
 * flushed record from there byte-identical, at the LSN the writer returned,
 * then at most a prefix of the unflushed ones, and stops cleanly; a new
 * writer resumes at the end of valid WAL.
 *
 * PG_PROPERTY_RUNS scales the number of runs (default 300 -> 25 runs here).
 */
import {
  checkpointRecord,
  MemoryWalStorage,
  parseSegmentFileName,
  type ReadResult,
  removeOldSegments,
  SIZE_OF_LONG_PAGE_HEADER,
  SIZE_OF_SHORT_PAGE_HEADER,
  truncateWalAfter,
  WAL_PAGE_SIZE,
  WalPanic,
  WalReader,
  type WalRecordInput,
  WalWriter,
  XLOG_SWITCH,
} from '@pg/wal';
import { FaultyWalStorage } from '@pg/wal/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Math.max(10, Math.round(Number(process.env.PG_PROPERTY_RUNS ?? 300) / 12));
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
  | { op: 'checkpoint' }
  | { op: 'crash' }
  | { op: 'crashDuringFlush'; torn: number[] };

const size = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 200 }) },
  { weight: 3, arbitrary: fc.integer({ min: 201, max: 9000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 9001, max: 24000 }) },
  { weight: 1, arbitrary: fc.integer({ min: SEG - 100, max: SEG + 9000 }) },
);

/** Relative weights of the kinds of step. */
interface Mix {
  insert: number;
  switch: number;
  flush: number;
  checkpoint: number;
  crash: number;
  crashDuringFlush: number;
}

const opOf = (mix: Mix): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: mix.insert,
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
    { weight: mix.switch, arbitrary: fc.constant({ op: 'switch' as const }) },
    { weight: mix.flush, arbitrary: fc.constant({ op: 'flush' as const }) },
    { weight: mix.checkpoint, arbitrary: fc.constant({ op: 'checkpoint' as const }) },
    { weight: mix.crash, arbitrary: fc.constant({ op: 'crash' as const }) },
    {
      weight: mix.crashDuringFlush,
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

/** min_wal_size and max_wal_size in segments; null for PostgreSQL's defaults (80 MB, 1 GB). */
const walSizes = fc.option(
  fc.record({ min: fc.integer({ min: 2, max: 6 }), max: fc.integer({ min: 2, max: 12 }) }),
  { freq: 4 },
);

/** Where recovery starts: the last checkpoint's redo LSN and the prev-link of the record there. */
interface Checkpoint {
  redo: bigint;
  prev: bigint;
}

const segnoOf = (name: string) => parseSegmentFileName(name, SEG).segno;

function readAll(storage: MemoryWalStorage, from: Checkpoint | null) {
  const reader = new WalReader({
    storage,
    startLsn: from?.redo ?? START,
    segmentSize: SEG,
    expectedPrev: from?.prev ?? 0n,
  });
  const got: Extract<ReadResult, { kind: 'record' }>[] = [];
  for (;;) {
    const r = reader.next();
    if (r.kind === 'end') return { got, end: r };
    got.push(r);
  }
}

/**
 * Runs random step sequences of `mix` against the model: up to `maxSteps`
 * long, mostly short (fast-check's default size) unless `long`.
 */
async function runModel(mix: Mix, maxSteps: number, numRuns: number, long = false): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opOf(mix), {
        minLength: 1,
        maxLength: maxSteps,
        ...(long ? { size: 'max' as const } : {}),
      }),
      fc.constantFrom(2, 5, 2048),
      walSizes,
      async (ops, walBuffers, sizes) => {
        const mem = new MemoryWalStorage();
        const storage = new FaultyWalStorage(mem);
        let writer = new WalWriter({ storage, segmentSize: SEG, walBuffers });
        let model: ModelRecord[] = [];
        let durable = START;
        let checkpoint: Checkpoint | null = null;
        let distanceEstimate = 0;

        /**
         * Reads from the last checkpoint's redo LSN (or the start) and checks
         * what comes back against the model: every durable record, exactly
         * when `exact`, else perhaps a prefix of the rest; a clean end after
         * a crash that tore nothing. Returns the records read and the end.
         */
        const check = (exact: boolean) => {
          const base = checkpoint ? model.findIndex((m) => m.start === checkpoint?.redo) : 0;
          expect(base).toBeGreaterThanOrEqual(0);
          const { got, end } = readAll(mem, checkpoint);
          const mustHave = model.filter((m) => m.end <= durable).length - base;
          expect(got.length).toBeGreaterThanOrEqual(mustHave);
          if (exact) expect(got.length).toBe(mustHave);
          expect(got.length).toBeLessThanOrEqual(model.length - base);
          got.forEach((g, i) => {
            const m = model[base + i];
            if (!m) throw new Error('unreachable');
            expect(g.lsn).toBe(m.start);
            expect(g.end).toBe(m.end);
            expect(g.record.rmid).toBe(m.input.rmid);
            expect(g.record.info).toBe(m.input.info);
            expect(g.record.xid).toBe(m.input.xid ?? 0);
            expect(g.record.data).toEqual(m.input.data ?? new Uint8Array(0));
            expect(g.record.blocks).toEqual(m.input.blocks ?? []);
          });
          if (exact) {
            // Zeros, a missing segment, or the first stale page of a recycled segment.
            if (end.problem !== null) {
              expect(end.problem).toMatchObject({
                kind: 'invalid-page-header',
                detail: expect.stringMatching(/^unexpected pageaddr/),
              });
            }
          }
          return { base, got, end };
        };

        const recover = (exact: boolean) => {
          const { base, got, end } = check(exact);
          model = model.slice(0, base + got.length);
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
            case 'checkpoint': {
              // An online checkpoint with nothing between its redo point and
              // its record: redo is where the record starts (past a page
              // header when the insert position is on a page boundary).
              const pos = writer.insertLsn;
              const redo =
                pos % BigInt(WAL_PAGE_SIZE) !== 0n
                  ? pos
                  : pos +
                    BigInt(
                      pos % BigInt(SEG) === 0n
                        ? SIZE_OF_LONG_PAGE_HEADER
                        : SIZE_OF_SHORT_PAGE_HEADER,
                    );
              const prev = writer.prevLsn;
              const input = checkpointRecord(
                { redo, nextXid: 3n, nextOid: 16384, timeline: 1 },
                false,
              );
              const r = writer.insert(input);
              expect(r.start).toBe(redo);
              model.push({ start: r.start, end: r.end, input });
              // The record is durable (and pg_control would point at it)
              // before any segment goes.
              await writer.flush();
              durable = writer.flushedLsn;
              const previousRedo = checkpoint?.redo;
              checkpoint = { redo, prev };
              const before = mem.list();
              const result = removeOldSegments(storage, {
                redoLsn: redo,
                endLsn: r.end,
                segmentSize: SEG,
                ...(sizes ? { minWalSize: sizes.min * SEG, maxWalSize: sizes.max * SEG } : {}),
                distanceEstimate,
                ...(previousRedo === undefined ? {} : { previousRedoLsn: previousRedo }),
              });
              distanceEstimate = result.distanceEstimate;
              // Exactly the segments before the redo segment went; recycled
              // ones got names that were free, from the end segment to the limit.
              const redoSeg = redo / BigInt(SEG);
              const gone = [...result.removed, ...result.recycled.map(([from]) => from)];
              expect(gone.sort()).toEqual(before.filter((n) => segnoOf(n) < redoSeg));
              for (const [, to] of result.recycled) {
                expect(before).not.toContain(to);
                expect(segnoOf(to)).toBeGreaterThanOrEqual(r.end / BigInt(SEG));
                expect(segnoOf(to)).toBeLessThanOrEqual(result.recycleLimit);
              }
              expect(mem.list().every((n) => segnoOf(n) >= redoSeg)).toBe(true);
              // Everything from the redo point reads back now, without a crash.
              check(true);
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
    { numRuns },
  );
}

describe('WAL model with crashes', () => {
  it('recovers exactly the durable records, then resumes', async () => {
    await runModel(
      { insert: 10, switch: 1, flush: 4, checkpoint: 1, crash: 1, crashDuringFlush: 2 },
      30,
      RUNS,
    );
  });

  it('with frequent checkpoints, writes into recycled segments and recovers from the redo point', async () => {
    // Segment switches and big records use up segments quickly, so that old
    // ones are recycled and the writer fills them again before the crashes.
    await runModel(
      { insert: 8, switch: 3, flush: 3, checkpoint: 3, crash: 1, crashDuringFlush: 2 },
      60,
      RUNS,
      true,
    );
  });
});
