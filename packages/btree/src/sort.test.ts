import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The sorter is internal to the B-tree (CREATE INDEX sorts through it), so
// this test reaches it by its path rather than through the package's name.
import {
  bufferBytes,
  ExternalSorter,
  type ExternalSorterOptions,
  type SortProgress,
} from './internal/sort.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 60);

/** A tuple of the tests: an int4-like key and a payload of varying length. */
interface Tuple {
  readonly key: number;
  readonly text: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A total order, so that sorted output is unique and can be compared with Array.prototype.sort. */
function compareTuples(a: Tuple, b: Tuple): number {
  return a.key - b.key || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
}

function serialize(t: Tuple): Uint8Array {
  const text = encoder.encode(t.text);
  const out = new Uint8Array(4 + text.length);
  new DataView(out.buffer).setInt32(0, t.key, true);
  out.set(text, 4);
  return out;
}

function deserialize(bytes: Uint8Array): Tuple {
  const key = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(0, true);
  return { key, text: decoder.decode(bytes.subarray(4)) };
}

/** What a tuple costs in memory, roughly: an object header and fields, and the string. */
function sizeOf(t: Tuple): number {
  return 32 + 2 * t.text.length;
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'sort-test-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A fresh parent directory for one sorter, so the test can see what it leaves behind. */
function tempParent(): string {
  return mkdtempSync(join(scratch, 'p'));
}

function sorterFor(
  memoryBytes: number,
  extra: Partial<ExternalSorterOptions<Tuple>> = {},
): ExternalSorter<Tuple> {
  return new ExternalSorter<Tuple>({
    compare: compareTuples,
    serialize,
    deserialize,
    sizeOf,
    memoryBytes,
    tempDir: tempParent(),
    ...extra,
  });
}

function sortAll(sorter: ExternalSorter<Tuple>, tuples: readonly Tuple[]): Tuple[] {
  for (const t of tuples) sorter.add(t);
  return [...sorter.sorted()];
}

/** The documented memory bound: the budget, or the minimum that can merge two runs. */
function memoryBound(memoryBytes: number, tuples: readonly Tuple[]): number {
  const largest = tuples.reduce((m, t) => Math.max(m, sizeOf(t)), 0);
  return Math.max(memoryBytes, 3 * bufferBytes(memoryBytes) + 2 * largest);
}

/** The first index where the tuple lists differ, or -1. */
function firstDifference(a: readonly Tuple[], b: readonly Tuple[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || compareTuples(x, y) !== 0) return i;
  }
  return -1;
}

const tupleArb = (keys: number, maxText: number) =>
  fc.record({
    key: fc.integer({ min: -keys, max: keys }),
    text: fc.string({ maxLength: maxText }),
  });

function keysOf(n: number, seed: number): Tuple[] {
  const out: Tuple[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push({ key: (s >>> 8) - (1 << 23), text: (s & 0xff).toString(16) });
  }
  return out;
}

describe('ExternalSorter', () => {
  it('sorts like Array.prototype.sort, in memory or through runs and merges', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(tupleArb(1 << 30, 12), { maxLength: 1500, size: 'max' }),
          // Many duplicates: few distinct keys and short payloads.
          fc.array(tupleArb(5, 1), { maxLength: 1500, size: 'max' }),
        ),
        // From a budget that holds a few tuples to one that holds them all.
        fc.integer({ min: 64, max: 64 * 1024 }),
        fc.integer({ min: 2, max: 8 }),
        // Small segments, so that runs span several files and files are recycled.
        fc.constantFrom(512, 4096, 1 << 20),
        (tuples, memoryBytes, maxMergeOrder, segmentBytes) => {
          const sorter = sorterFor(memoryBytes, { maxMergeOrder, segmentBytes });
          const got = sortAll(sorter, tuples);
          // Plain comparisons, not expect(): a failing case must be cheap to
          // report, or shrinking a 1,500-tuple counterexample takes minutes.
          const { stats } = sorter;
          return (
            firstDifference(got, [...tuples].sort(compareTuples)) === -1 &&
            stats.tuples === tuples.length &&
            stats.maxMemoryBytes <= memoryBound(memoryBytes, tuples) &&
            (stats.runs > 0 || stats.spilledBytes === 0)
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('merges in several passes when a tiny budget makes many runs', () => {
    const tuples = keysOf(3000, 7);
    const events: SortProgress[] = [];
    // 100 bytes hold about one tuple beside a buffer: only two-way merges fit.
    const sorter = sorterFor(100, { onProgress: (p) => events.push(p) });
    const got = sortAll(sorter, tuples);
    expect(firstDifference(got, [...tuples].sort(compareTuples))).toBe(-1);
    const { stats } = sorter;
    expect(stats.runs).toBeGreaterThan(1000);
    expect(stats.mergeSteps).toBe(stats.runs - 2);
    expect(stats.spilledBytes).toBeGreaterThan(stats.runs * 8);
    expect(stats.maxMemoryBytes).toBeLessThanOrEqual(memoryBound(100, tuples));
    expect(events.filter((e) => e.kind === 'run')).toHaveLength(stats.runs);
    const merges = events.filter((e) => e.kind === 'merge');
    expect(merges).toHaveLength(stats.mergeSteps);
    expect(merges.every((e) => e.inputs === 2)).toBe(true);
    expect(events.at(-1)).toEqual({ kind: 'final-merge', inputs: 2, inMemoryTail: false });
  });

  it('never merges more runs at once than maxMergeOrder', () => {
    // 16 KiB hold ~400 tuples: ~25 runs, merged three at a time.
    const tuples = keysOf(10_000, 17);
    const events: SortProgress[] = [];
    const sorter = sorterFor(16 * 1024, { maxMergeOrder: 3, onProgress: (p) => events.push(p) });
    expect(firstDifference(sortAll(sorter, tuples), [...tuples].sort(compareTuples))).toBe(-1);
    const { stats } = sorter;
    expect(stats.runs).toBeGreaterThan(20);
    const merges = events.filter((e) => e.kind === 'merge');
    expect(merges.length).toBeGreaterThan(5);
    expect(merges.every((e) => e.inputs >= 2 && e.inputs <= 3)).toBe(true);
    // The last intermediate step merges just enough runs to leave three.
    expect(events.at(-1)).toEqual({ kind: 'final-merge', inputs: 3, inMemoryTail: false });
    expect(stats.maxMemoryBytes).toBeLessThanOrEqual(16 * 1024);
  });

  it('stays within a realistic budget and keeps a small tail in memory', () => {
    // 40,000 tuples of ~36 bytes in 256 KiB: about six runs, one final merge.
    const tuples = keysOf(40_000, 11);
    const memoryBytes = 256 * 1024;
    const events: SortProgress[] = [];
    const sorter = sorterFor(memoryBytes, { onProgress: (p) => events.push(p) });
    const got = sortAll(sorter, tuples);
    expect(got.every((t, i) => i === 0 || compareTuples(got[i - 1]!, t) <= 0)).toBe(true);
    expect(got).toHaveLength(tuples.length);
    const { stats } = sorter;
    expect(stats.runs).toBeGreaterThanOrEqual(5);
    expect(stats.mergeSteps).toBe(0);
    expect(stats.maxMemoryBytes).toBeLessThanOrEqual(memoryBytes);
    // The budget is used: runs are not written long before it is full.
    expect(stats.maxMemoryBytes).toBeGreaterThan(memoryBytes * 0.9);
    expect(events.at(-1)).toMatchObject({ kind: 'final-merge', inMemoryTail: true });
  });

  it('handles records larger than its I/O buffers', () => {
    const tuples = keysOf(60, 3).map((t, i) => ({ ...t, text: 'x'.repeat((i * 997) % 5000) }));
    const sorter = sorterFor(4096, { maxMergeOrder: 3 });
    expect(firstDifference(sortAll(sorter, tuples), [...tuples].sort(compareTuples))).toBe(-1);
    expect(sorter.stats.runs).toBeGreaterThan(10);
    expect(sorter.stats.maxMemoryBytes).toBeLessThanOrEqual(memoryBound(4096, tuples));
  });

  it('sorts an empty input without touching the disk', () => {
    const parent = tempParent();
    const sorter = sorterFor(1024, { tempDir: parent });
    expect([...sorter.sorted()]).toEqual([]);
    expect(sorter.stats).toEqual({
      tuples: 0,
      runs: 0,
      mergeSteps: 0,
      spilledBytes: 0,
      maxMemoryBytes: 0,
    });
    expect(readdirSync(parent)).toEqual([]);
  });

  it('allows equal keys in any order under a partial order', () => {
    const tuples = keysOf(2000, 5).map((t) => ({ ...t, key: t.key & 7 }));
    const sorter = new ExternalSorter<Tuple>({
      compare: (a, b) => a.key - b.key,
      serialize,
      deserialize,
      sizeOf,
      memoryBytes: 300,
      tempDir: tempParent(),
    });
    const got = sortAll(sorter, tuples);
    expect(got.map((t) => t.key)).toEqual(tuples.map((t) => t.key).sort((a, b) => a - b));
    expect(firstDifference([...got].sort(compareTuples), [...tuples].sort(compareTuples))).toBe(-1);
  });

  it('removes its temporary files when done, when closed, and when abandoned', () => {
    const tuples = keysOf(2000, 9);

    const done = tempParent();
    const finished = sorterFor(500, { tempDir: done, segmentBytes: 2048 });
    for (const t of tuples) finished.add(t);
    expect(finished.tempPath).toBeDefined();
    expect(readdirSync(done)).toEqual([finished.tempPath!.slice(done.length + 1)]);
    expect(readdirSync(done)[0]).toMatch(new RegExp(`^pgsql_tmp${process.pid}\\.`));
    const segments = readdirSync(finished.tempPath!).length;
    expect(segments).toBeGreaterThan(5);
    const iterator = finished.sorted();
    iterator.next();
    // Merged segments are gone before the sort ends.
    expect(readdirSync(finished.tempPath!).length).toBeLessThan(segments);
    expect([...iterator]).toHaveLength(tuples.length - 1);
    expect(readdirSync(done)).toEqual([]);

    const closed = tempParent();
    const neverSorted = sorterFor(500, { tempDir: closed });
    for (const t of tuples) neverSorted.add(t);
    expect(readdirSync(closed)).toHaveLength(1);
    neverSorted.close();
    neverSorted.close();
    expect(readdirSync(closed)).toEqual([]);
    expect(() => neverSorted.add(tuples[0]!)).toThrow(/closed/);

    const abandoned = tempParent();
    const partly = sorterFor(500, { tempDir: abandoned, maxMergeOrder: 4 });
    for (const t of tuples) partly.add(t);
    let seen = 0;
    for (const _ of partly.sorted()) {
      if (++seen === 10) break;
    }
    expect(seen).toBe(10);
    expect(readdirSync(abandoned)).toEqual([]);
  });

  it('keeps open files bounded by the merge order', () => {
    const openFds = () => readdirSync('/proc/self/fd').length;
    if (!existsSync('/proc/self/fd')) return;
    const before = openFds();
    const sorter = sorterFor(200, { maxMergeOrder: 6, segmentBytes: 1024 });
    for (const t of keysOf(1500, 13)) sorter.add(t);
    expect(openFds()).toBeLessThanOrEqual(before + 1);
    const iterator = sorter.sorted();
    iterator.next();
    expect(openFds()).toBeLessThanOrEqual(before + 6);
    iterator.return();
    expect(openFds()).toBeLessThanOrEqual(before);
  });

  it('reports a serializer error and still removes its files', () => {
    const parent = tempParent();
    let calls = 0;
    const failure = new Error('cannot serialize this tuple');
    const sorter = sorterFor(500, {
      tempDir: parent,
      serialize: (t) => {
        if (++calls === 100) throw failure;
        return serialize(t);
      },
    });
    const tuples = keysOf(1000, 21);
    expect(() => {
      for (const t of tuples) sorter.add(t);
    }).toThrow(failure);
    expect(calls).toBe(100);
    expect(readdirSync(parent)).toEqual([]);
    expect(() => sorter.add(tuples[0]!)).toThrow(/closed/);
    sorter.close();
  });

  it('reports a deserializer error from the merge and still removes its files', () => {
    const parent = tempParent();
    let calls = 0;
    const sorter = sorterFor(500, {
      tempDir: parent,
      deserialize: (bytes) => {
        if (++calls === 30) throw new RangeError('bad tuple');
        return deserialize(bytes);
      },
    });
    for (const t of keysOf(1000, 23)) sorter.add(t);
    expect(() => [...sorter.sorted()]).toThrow(RangeError);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('rejects misuse', () => {
    expect(() => sorterFor(0)).toThrow(RangeError);
    expect(() => sorterFor(1024, { maxMergeOrder: 1 })).toThrow(RangeError);
    const sorter = sorterFor(1024);
    sorter.add({ key: 1, text: '' });
    const iterator = sorter.sorted();
    expect(() => sorter.sorted()).toThrow();
    expect(() => sorter.add({ key: 2, text: '' })).toThrow();
    expect([...iterator]).toEqual([{ key: 1, text: '' }]);
    const closedFirst = sorterFor(1024);
    closedFirst.add({ key: 1, text: '' });
    const never = closedFirst.sorted();
    closedFirst.close();
    expect(() => never.next()).toThrow(/closed/);
    const bad = sorterFor(1024, { sizeOf: () => Number.NaN });
    expect(() => bad.add({ key: 1, text: '' })).toThrow(RangeError);
  });
});
