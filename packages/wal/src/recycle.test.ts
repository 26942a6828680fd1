/**
 * Segment recycling and removal after a checkpoint: the rule (which
 * segments go, which are renamed to what), its limits, and what happens
 * when the writer reuses a recycled segment full of stale WAL, torn writes
 * included.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkpointRecord,
  FileWalStorage,
  MemoryWalStorage,
  type RemoveOldSegmentsOptions,
  recycleSegmentLimit,
  removeOldSegments,
  SECTOR_SIZE,
  SIZE_OF_LONG_PAGE_HEADER,
  segmentFileName,
  truncateWalAfter,
  updateDistanceEstimate,
  WAL_PAGE_SIZE,
  WalError,
  WalPanic,
  WalReader,
  WalWriter,
} from '@pg/wal';
import { FaultyWalStorage } from '@pg/wal/testing';
import { afterEach, describe, expect, it } from 'vitest';

const SEG = 64 * 1024;
const name = (segno: number, timeline = 1) => segmentFileName(BigInt(segno), SEG, timeline);
const lsn = (segno: number, offset = 0) => BigInt(segno * SEG + offset);

/** A memory storage holding zero-filled segments with these numbers. */
function storageWith(segnos: readonly number[]): MemoryWalStorage {
  const s = new MemoryWalStorage();
  for (const n of segnos) s.create(name(n), SEG);
  return s;
}

function options(o: Partial<RemoveOldSegmentsOptions>): RemoveOldSegmentsOptions {
  return {
    redoLsn: lsn(6, 100),
    endLsn: lsn(8, 500),
    segmentSize: SEG,
    minWalSize: 5 * SEG,
    maxWalSize: 10 * SEG,
    ...o,
  };
}

describe('the recycling rule', () => {
  it('recycles old segments, oldest first, to free names after the end, up to min_wal_size', () => {
    const s = storageWith([1, 2, 3, 4, 5, 6, 7, 8]);
    // Limit: redo segment 6 + 5 segments of min_wal_size - 1 = 10; the
    // estimate is 0, so min_wal_size decides. 8 exists: 9 and 10 are free.
    const r = removeOldSegments(s, options({}));
    expect(r.recycleLimit).toBe(10n);
    expect(r.recycled).toEqual([
      [name(1), name(9)],
      [name(2), name(10)],
    ]);
    expect(r.removed).toEqual([name(3), name(4), name(5)]);
    expect(s.list()).toEqual([6, 7, 8, 9, 10].map((n) => name(n)));
  });

  it('keeps more for the WAL expected before the next checkpoint ends, at most max_wal_size', () => {
    // distance = (1 + 0.9) × 4 segments × 1.1 = 8.36 segments: ceil(6.0015 + 8.36) = 15.
    expect(recycleSegmentLimit(options({ distanceEstimate: 4 * SEG }))).toBe(15n);
    // 6 segments: 18.6 -> capped by max_wal_size at 6 + 10 - 1 = 15.
    expect(recycleSegmentLimit(options({ distanceEstimate: 6 * SEG }))).toBe(15n);
    expect(recycleSegmentLimit(options({ distanceEstimate: 2 * SEG }))).toBe(11n);
    // checkpoint_completion_target takes part: (1 + 0.5) × 2 × 1.1 = 3.3 -> 10 (min).
    expect(
      recycleSegmentLimit(options({ distanceEstimate: 2 * SEG, checkpointCompletionTarget: 0.5 })),
    ).toBe(10n);
    const s = storageWith([1, 2, 3, 4, 5, 6, 7, 8]);
    const r = removeOldSegments(s, options({ distanceEstimate: 6 * SEG }));
    expect(r.recycled.map(([, to]) => to)).toEqual([9, 10, 11, 12, 13].map((n) => name(n)));
    expect(r.removed).toEqual([]);
  });

  it('removes everything when max_wal_size leaves no free name after the end', () => {
    const s = storageWith([1, 2, 3, 4, 5, 6, 7, 8]);
    // max_wal_size of 2 segments: limit 6 + 2 - 1 = 7, before the end segment 8.
    const r = removeOldSegments(s, options({ minWalSize: 2 * SEG, maxWalSize: 2 * SEG }));
    expect(r.recycleLimit).toBe(7n);
    expect(r.recycled).toEqual([]);
    expect(r.removed).toEqual([1, 2, 3, 4, 5].map((n) => name(n)));
  });

  it('max_wal_size wins over a larger min_wal_size, as in PostgreSQL', () => {
    expect(recycleSegmentLimit(options({ minWalSize: 20 * SEG, maxWalSize: 4 * SEG }))).toBe(9n);
  });

  it('skips names that exist, and may use the end segment itself if it was not written yet', () => {
    // End at the start of segment 8, which the writer has not created: the
    // first free name is 8 itself. 9 exists (recycled earlier), 10 is free.
    const s = storageWith([2, 3, 4, 6, 7, 9]);
    const r = removeOldSegments(s, options({ endLsn: lsn(8, 0) }));
    expect(r.recycled).toEqual([
      [name(2), name(8)],
      [name(3), name(10)],
    ]);
    expect(r.removed).toEqual([name(4)]);
  });

  it('never touches the redo segment or anything after it', () => {
    const s = storageWith([3, 4, 5, 6, 7]);
    // Redo exactly at the start of segment 5, end in segment 7.
    const r = removeOldSegments(s, options({ redoLsn: lsn(5), endLsn: lsn(7, 40) }));
    expect([...r.removed, ...r.recycled.map(([from]) => from)].sort()).toEqual([name(3), name(4)]);
    expect(s.list()).toEqual([5, 6, 7, 8, 9].map((n) => name(n)));
    // Redo in the first segment there is: nothing is old.
    const t = storageWith([5, 6, 7]);
    expect(removeOldSegments(t, options({ redoLsn: lsn(5, 9000), endLsn: lsn(7) }))).toMatchObject({
      removed: [],
      recycled: [],
    });
    expect(t.list()).toEqual([5, 6, 7].map((n) => name(n)));
  });

  it("ignores timelines when choosing old segments, as PostgreSQL does; recycled ones get the given timeline's names", () => {
    const s = storageWith([4, 6, 8]);
    s.create(name(3, 2), SEG);
    s.create(name(7, 2), SEG);
    const r = removeOldSegments(s, options({ timeline: 1 }));
    expect(r.recycled).toEqual([
      [name(4), name(9)],
      [name(3, 2), name(10)],
    ]);
    expect(s.list()).toContain(name(7, 2));
  });

  it('ignores names that are not segments of this size', () => {
    const s = storageWith([3, 6]);
    // 0x10000 is not a valid segment number within a "log" of 64 KiB segments.
    s.create('000000010000000000010000', SEG);
    const r = removeOldSegments(s, options({}));
    expect(r.recycled).toEqual([[name(3), name(8)]]);
    expect(s.list()).toContain('000000010000000000010000');
  });

  it('updates the checkpoint distance estimate: up at once, down slowly', () => {
    expect(updateDistanceEstimate(0, 1000)).toBe(1000);
    expect(updateDistanceEstimate(1000, 3000)).toBe(3000);
    expect(updateDistanceEstimate(1000, 0)).toBeCloseTo(900);
    expect(updateDistanceEstimate(1000, 500)).toBeCloseTo(950);
    const s = storageWith([1, 2, 3, 4, 5, 6, 7, 8]);
    // The previous redo was 4 segments earlier: the estimate becomes 4 segments.
    const r = removeOldSegments(s, options({ previousRedoLsn: lsn(2, 100), distanceEstimate: 0 }));
    expect(r.distanceEstimate).toBe(4 * SEG);
    expect(r.recycleLimit).toBe(15n);
    expect(r.recycled.length).toBe(5);
  });

  it('refuses bad settings before touching anything', () => {
    const s = storageWith([1, 2, 6, 8]);
    const bad: Partial<RemoveOldSegmentsOptions>[] = [
      { minWalSize: SEG },
      { maxWalSize: 2 * SEG - 1 },
      { checkpointCompletionTarget: 1.5 },
      { distanceEstimate: -1 },
      { distanceEstimate: Number.NaN },
      { endLsn: lsn(5) },
      { previousRedoLsn: lsn(7) },
      { timeline: 0 },
      { segmentSize: 1000 },
    ];
    for (const o of bad) {
      expect(() => removeOldSegments(s, options(o)), Object.keys(o).join()).toThrow(WalError);
      expect(s.list()).toEqual([1, 2, 6, 8].map((n) => name(n)));
    }
    // PostgreSQL's defaults (80 MB, 1 GB) are valid with 16 MiB segments.
    expect(recycleSegmentLimit({ redoLsn: 0x5a000000n, segmentSize: 16 * 1024 * 1024 })).toBe(
      0x5an + 5n - 1n,
    );
  });

  it('PANIC: a failed rename', () => {
    const faulty = new FaultyWalStorage(storageWith([1, 2, 6, 8]));
    faulty.failRename = true;
    expect(() => removeOldSegments(faulty, options({}))).toThrow(WalPanic);
    expect(faulty.renameCalls).toBe(1);
    faulty.failRename = false;
    removeOldSegments(faulty, options({}));
    expect(faulty.renameCalls).toBe(3);
    expect(faulty.list()).toEqual([6, 8, 9, 10].map((n) => name(n)));
  });
});

/** `count` records of `size` bytes, the i-th filled with `from + i`. */
function fill(w: WalWriter, count: number, size = 3000, from = 0) {
  return Array.from({ length: count }, (_, i) =>
    w.insert({ rmid: 1, info: (from + i) & 0xff, data: new Uint8Array(size).fill(from + i) }),
  );
}

/** A checkpoint at the insert position (redo = where the checkpoint record starts). */
function checkpoint(w: WalWriter) {
  const pos = w.insertLsn;
  const redo =
    pos % BigInt(WAL_PAGE_SIZE) !== 0n
      ? pos
      : pos + BigInt(pos % BigInt(SEG) === 0n ? SIZE_OF_LONG_PAGE_HEADER : 24);
  const prev = w.prevLsn;
  const r = w.insert(checkpointRecord({ redo, nextXid: 3n, nextOid: 1, timeline: 1 }, false));
  expect(r.start).toBe(redo);
  return { redo, prev, end: r.end };
}

describe('writing into recycled segments', () => {
  it('the writer writes over stale WAL and the reader stops at the first stale page', async () => {
    const s = new MemoryWalStorage();
    const w = new WalWriter({ storage: s, segmentSize: SEG });
    // About 5 segments of records whose bytes differ from what comes later.
    fill(w, 110);
    const cp = checkpoint(w);
    await w.flush();
    const r = removeOldSegments(s, {
      redoLsn: cp.redo,
      endLsn: cp.end,
      segmentSize: SEG,
      minWalSize: 6 * SEG,
      maxWalSize: 8 * SEG,
    });
    expect(r.recycled.length).toBeGreaterThan(0);
    // The recycled segments still hold the old pages.
    const firstRecycled = r.recycled[0]?.[1] ?? '';
    expect(s.pread(firstRecycled, 0, 2)).toEqual(Uint8Array.of(0xa7, 0xd0));
    // Write into the recycled segments, ending in the middle of one.
    const more = fill(w, 40, 2500, 200);
    const last = more.at(-1);
    if (!last) throw new Error('unreachable');
    expect(s.list()).toContain(segmentFileName(last.end / BigInt(SEG), SEG));
    await w.flush();
    s.crash();
    const reader = new WalReader({
      storage: s,
      segmentSize: SEG,
      startLsn: cp.redo,
      expectedPrev: cp.prev,
    });
    const got = [...reader.records()];
    expect(got.length).toBe(1 + more.length);
    expect(got.slice(1).map((g) => g.lsn)).toEqual(more.map((m) => m.start));
    expect(got.slice(1).every((g, i) => g.record.data.every((b) => b === 200 + i))).toBe(true);
    const end = reader.next();
    // The rest of the last page was written as zeros: a clean end.
    expect(end).toMatchObject({ kind: 'end', lsn: last.end, problem: null });
  });

  it('a page boundary into a stale page ends WAL with "unexpected pageaddr", never a stale record', async () => {
    const s = new MemoryWalStorage();
    const w = new WalWriter({ storage: s, segmentSize: SEG });
    fill(w, 110);
    const cp = checkpoint(w);
    await w.flush();
    removeOldSegments(s, {
      redoLsn: cp.redo,
      endLsn: cp.end,
      segmentSize: SEG,
      minWalSize: 8 * SEG,
    });
    // Fill exactly to the end of a page of a recycled segment (not its last
    // page): the next page in the file is stale.
    const page = BigInt(WAL_PAGE_SIZE);
    const endSeg = cp.end / BigInt(SEG);
    let r: { start: bigint; end: bigint };
    do {
      const pos = w.insertLsn;
      const off = Number(pos % page);
      const room =
        off !== 0 ? WAL_PAGE_SIZE - off : WAL_PAGE_SIZE - (pos % BigInt(SEG) === 0n ? 40 : 24);
      r = w.insert({ rmid: 1, info: 0, data: new Uint8Array(room >= 32 ? room - 32 : 100) });
    } while (r.end % page !== 0n || r.end / BigInt(SEG) <= endSeg || r.end % BigInt(SEG) === 0n);
    await w.flush();
    const reader = new WalReader({ storage: s, segmentSize: SEG, startLsn: cp.redo });
    const got = [...reader.records()];
    expect(got.at(-1)?.end).toBe(r.end);
    const end = reader.next();
    expect(end).toMatchObject({
      kind: 'end',
      lsn: r.end,
      problem: {
        kind: 'invalid-page-header',
        detail: expect.stringMatching(/^unexpected pageaddr/),
      },
    });
  });

  it('a torn write into a recycled segment never makes stale bytes look valid', async () => {
    // The most dangerous stale WAL there is: segment 2 is written with the
    // same records (sizes and bytes) at the same offsets as the new stream
    // will have in segment 5, the file it is recycled to. Stale and new
    // records then differ only in xl_prev (and so xl_crc), stale pages only
    // in xlp_pageaddr.
    const SIZE = 300;
    const write = (w: WalWriter, from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) =>
        w.insert({ rmid: 1, info: from + k, data: new Uint8Array(SIZE).fill(from + k + 1) }),
      );
    // (records durable before the crash, records being flushed when it comes):
    // 24 records fill the first page of segment 5, 40 span three pages.
    const cases = [
      [0, 24],
      [10, 24],
      [0, 40],
      [30, 40],
    ] as const;
    for (const [durableCount, total] of cases) {
      for (let keep = 0; keep <= WAL_PAGE_SIZE / SECTOR_SIZE; keep++) {
        const mem = new MemoryWalStorage();
        const s = new FaultyWalStorage(mem);
        const w = new WalWriter({ storage: s, segmentSize: SEG });
        w.insert({ rmid: 1, info: 0 });
        w.switchSegment();
        write(w, 0, total); // segment 2, from offset 40
        w.switchSegment();
        const cp = checkpoint(w); // segment 3
        await w.flush();
        const r = removeOldSegments(s, {
          redoLsn: cp.redo,
          endLsn: cp.end,
          segmentSize: SEG,
          minWalSize: 8 * SEG,
        });
        expect(r.recycled).toEqual([
          [name(1), name(4)],
          [name(2), name(5)],
        ]);
        const expected = [{ start: cp.redo, prev: cp.prev }];
        const track = (x: { start: bigint }) =>
          expected.push({ start: x.start, prev: expected.at(-1)?.start ?? 0n });
        track(w.switchSegment()); // into segment 4, the old segment 1
        track(w.switchSegment()); // into segment 5, the old segment 2
        // Segment 5, from offset 40: the old layout. Some records durable,
        // the rest being flushed when the crash comes.
        const fresh = write(w, 0, durableCount);
        await w.flush();
        fresh.push(...write(w, durableCount, total));
        expect(fresh[0]?.start).toBe(lsn(5, SIZE_OF_LONG_PAGE_HEADER));
        fresh.forEach(track);
        s.failFsync = true;
        await expect(w.flush()).rejects.toBeInstanceOf(WalPanic);
        mem.crash({ tornSectors: () => keep });

        const reader = new WalReader({
          storage: mem,
          segmentSize: SEG,
          startLsn: cp.redo,
          expectedPrev: cp.prev,
        });
        const got = [...reader.records()];
        const mustHave = 3 + durableCount;
        expect(got.length, `durable ${durableCount}, keep ${keep}`).toBeGreaterThanOrEqual(
          mustHave,
        );
        expect(got.length).toBeLessThanOrEqual(expected.length);
        got.forEach((g, i) => {
          expect(g.lsn).toBe(expected[i]?.start);
          expect(g.record.prev).toBe(expected[i]?.prev);
        });
        const end = reader.next();
        if (end.kind !== 'end') throw new Error('unreachable');
        // Resume: zero the stale rest of the segment, write on, read it all back.
        s.failFsync = false;
        truncateWalAfter(s, end.lsn, SEG);
        const w2 = new WalWriter({
          storage: s,
          segmentSize: SEG,
          startLsn: end.lsn,
          prevLsn: end.prevLsn,
        });
        const after = w2.insert({ rmid: 9, info: 0, data: new Uint8Array(5000).fill(7) });
        await w2.flush();
        mem.crash();
        const again = [
          ...new WalReader({ storage: mem, segmentSize: SEG, startLsn: cp.redo }).records(),
        ];
        expect(again.length).toBe(got.length + 1);
        expect(again.at(-1)?.lsn).toBe(after.start);
        expect(again.at(-1)?.record.prev).toBe(got.at(-1)?.lsn);
      }
    }
  });
});

describe('file storage', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('renames segments durably and the writer reuses them', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pg-wal-recycle-')), 'pg_wal');
    dirs.push(join(dir, '..'));
    const storage = new FileWalStorage(dir);
    const w = new WalWriter({ storage, segmentSize: SEG });
    fill(w, 60, 5000);
    const cp = checkpoint(w);
    await w.flush();
    const before = readdirSync(dir).sort();
    const r = removeOldSegments(storage, {
      redoLsn: cp.redo,
      endLsn: cp.end,
      segmentSize: SEG,
      minWalSize: 8 * SEG,
    });
    expect(r.recycled.length).toBe(
      before.filter((n) => n < name(Number(cp.redo / BigInt(SEG)))).length,
    );
    expect(readdirSync(dir).sort()).toEqual(storage.list());
    expect(() =>
      storage.rename(r.recycled[0]?.[1] ?? '', name(Number(cp.end / BigInt(SEG)))),
    ).toThrow(/target exists/);
    const more = fill(w, 40, 5000, 100);
    await w.flush();
    storage.close();
    const again = new FileWalStorage(dir);
    const got = [
      ...new WalReader({ storage: again, segmentSize: SEG, startLsn: cp.redo }).records(),
    ];
    expect(got.slice(1).map((g) => g.lsn)).toEqual(more.map((m) => m.start));
    again.close();
  });
});
