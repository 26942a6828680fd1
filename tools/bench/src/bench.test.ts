import { FakeTransactions } from '@pg/heap/testing';
import { describe, expect, it } from 'vitest';
import {
  BTREE_SUBJECT,
  btreeWorkloads,
  permutation,
  SORTED_BTREE,
  SQLITE,
} from './btree-workloads.js';
import { parseArgs, run, selectWorkloads } from './cli.js';
import {
  HEAP_SUBJECT,
  HOT_UPDATE,
  heapUpdater,
  heapWorkloads,
  NON_HOT_UPDATE,
  PGLZ_SUBJECT,
  SQLITE_COUNT,
  SQLITE_SCAN,
  textLike,
  ZLIB,
} from './heap-workloads.js';
import {
  type MeasureConfig,
  measureWorkload,
  median,
  ratios,
  type WorkloadResult,
} from './measure.js';
import { renderMemory } from './memory.js';
import { Progress } from './progress.js';
import {
  bar,
  describeEnvironment,
  formatCount,
  type Report,
  renderChart,
  renderHeader,
  renderJson,
  renderTable,
} from './render.js';
import { POOL_SUBJECT, storageSink, storageWorkloads } from './storage-workloads.js';
import {
  TOAST_SQLITE,
  TOAST_SUBJECT,
  TOAST_ZLIB,
  toastedHeap,
  toastValue,
  toastWorkloads,
} from './toast-workloads.js';
import {
  appendWorkload,
  COMMITTERS,
  CRC_ONLY,
  commitWorkload,
  NO_GROUP_COMMIT,
  RAW_APPEND,
  RECORD_SHAPES,
  STORAGE_KINDS,
  WAL_SUBJECT,
  walWorkloads,
} from './wal-workloads.js';
import {
  addWorkload,
  checksumWorkload,
  compactionWorkload,
  defaultWorkloads,
  itemsPerPage,
  NAIVE_OBJECTS,
  RAW_COPY,
  readWorkload,
  SUBJECT,
} from './workloads.js';

// Smoke tests only: the numbers depend on the machine, so nothing here
// asserts how fast anything is, only that measuring works and renders.
const TINY: MeasureConfig = { warmupMs: 1, roundMs: 2, rounds: 2 };

const isPositiveFinite = (n: number) => Number.isFinite(n) && n > 0;

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns: 40, write: (text: string) => chunks.push(text) };
}

describe('workloads', () => {
  it('measure positive finite rates for every variant', async () => {
    const workloads = [
      addWorkload(16),
      readWorkload(16),
      checksumWorkload(16),
      compactionWorkload(100),
    ];
    for (const workload of workloads) {
      const result = await measureWorkload(workload, TINY);
      expect(result.variants.map((v) => v.name)[0]).toBe(SUBJECT);
      expect(result.variants).toHaveLength(3);
      for (const v of result.variants) {
        expect(v.rounds).toHaveLength(TINY.rounds);
        expect(v.rounds.every(isPositiveFinite)).toBe(true);
        expect(isPositiveFinite(v.opsPerSec)).toBe(true);
      }
      expect(ratios(result).every((r) => isPositiveFinite(r.ratio))).toBe(true);
    }
  });

  it('lists the add, read, checksum and compaction workloads', () => {
    const titles = defaultWorkloads([16]).map((w) => w.title);
    expect(titles).toEqual([
      'add 16-byte items',
      'read 16-byte items',
      'checksum 8 KiB pages',
      'compact 16-byte items',
    ]);
    expect(defaultWorkloads()).toHaveLength(7);
  });

  it('fill pages to the heap limits', () => {
    // (8192 - 24) / (8 + 4) = 680 would fit, but a heap page stops at 291 line pointers.
    expect(itemsPerPage(8)).toBe(291);
    expect(itemsPerPage(40)).toBe(Math.floor((8192 - 24) / (40 + 4)));
  });

  it('reports progress while measuring', async () => {
    const seen: string[] = [];
    await measureWorkload(addWorkload(16), TINY, (p) => seen.push(`${p.variant} ${p.round}`));
    expect(seen.slice(0, 3)).toEqual([`${SUBJECT} 0`, `${RAW_COPY} 0`, `${NAIVE_OBJECTS} 0`]);
    expect(seen).toHaveLength(3 + 3 * TINY.rounds);
  });
});

describe('WAL workloads', () => {
  it('append every record shape to memory and files, against CRC only and raw append', async () => {
    for (const shape of RECORD_SHAPES) {
      for (const kind of STORAGE_KINDS) {
        const result = await measureWorkload(appendWorkload(shape, kind), TINY);
        expect(result.variants.map((v) => v.name)).toEqual([WAL_SUBJECT, CRC_ONLY, RAW_APPEND]);
        expect(result.variants.every((v) => isPositiveFinite(v.opsPerSec))).toBe(true);
        expect(ratios(result).map((r) => r.baseline)).toEqual([CRC_ONLY, RAW_APPEND]);
        expect(result.bytesPerOp).toBe(
          shape.id === '64' ? 64 : shape.id === '512' ? 512 : 32 + 28 + 8192,
        );
      }
    }
  });

  it('commit durably with and without group commit, counting fsyncs per commit', async () => {
    const result = await measureWorkload(commitWorkload([4, 1]), TINY);
    expect(result.variants.map((v) => v.name)).toEqual([
      '4 committers',
      '1 committer',
      NO_GROUP_COMMIT,
    ]);
    for (const v of result.variants) {
      expect(isPositiveFinite(v.opsPerSec)).toBe(true);
      const perCommit = v.perOp?.['fsyncs/commit'] ?? Number.NaN;
      // One committer and no group commit: one fdatasync per commit (a
      // segment switch may add one); never more than one per commit.
      expect(perCommit).toBeGreaterThan(0);
      expect(perCommit).toBeLessThanOrEqual(v.name === '4 committers' ? 1 : 1.01);
    }
    expect(ratios(result).map((r) => `${r.subject} ÷ ${r.baseline}`)).toEqual([
      `4 committers ÷ ${NO_GROUP_COMMIT}`,
      '4 committers ÷ 1 committer',
      `1 committer ÷ ${NO_GROUP_COMMIT}`,
    ]);
    expect(ratios(result).every((r) => isPositiveFinite(r.ratio))).toBe(true);
  });

  it('lists the append workloads for each shape and storage, then the commits', () => {
    const titles = walWorkloads().map((w) => w.title);
    expect(titles).toHaveLength(RECORD_SHAPES.length * STORAGE_KINDS.length + 1);
    expect(titles[0]).toBe('append 64-byte WAL records, memory storage');
    expect(titles.at(-1)).toBe('durable commits, file storage');
    expect(COMMITTERS).toEqual([16, 4, 1]);
    expect(selectWorkloads({ page: true, wal: true, storage: false, btree: false })).toHaveLength(
      7 + titles.length,
    );
    expect(
      selectWorkloads({ page: false, wal: true, storage: false, btree: false }).map((w) => w.title),
    ).toEqual(titles);
    expect(selectWorkloads({ page: false, wal: false, storage: true, btree: false })).toHaveLength(
      3,
    );
    expect(selectWorkloads({ page: false, wal: false, storage: false, btree: true })).toHaveLength(
      5,
    );
  });
});

describe('measure', () => {
  it('takes the median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
});

const sample: WorkloadResult[] = [
  {
    id: 'add-40',
    title: 'add 40-byte items',
    unit: 'items',
    variants: [
      { name: SUBJECT, opsPerSec: 10e6, rounds: [9e6, 10e6, 11e6] },
      { name: RAW_COPY, opsPerSec: 20e6, rounds: [20e6, 20e6, 20e6] },
      { name: NAIVE_OBJECTS, opsPerSec: 5e6, rounds: [5e6, 5e6, 5e6] },
    ],
  },
  {
    id: 'checksum',
    title: 'checksum 8 KiB pages',
    unit: 'pages',
    bytesPerOp: 8192,
    variants: [
      { name: SUBJECT, opsPerSec: 250e3, rounds: [250e3] },
      { name: RAW_COPY, opsPerSec: 1e6, rounds: [1e6] },
    ],
  },
];

const commits: WorkloadResult = {
  id: 'wal-commit',
  title: 'durable commits, file storage',
  unit: 'commits',
  variants: [
    { name: '4 committers', opsPerSec: 40e3, rounds: [40e3], perOp: { 'fsyncs/commit': 0.25 } },
    { name: '1 committer', opsPerSec: 10e3, rounds: [10e3], perOp: { 'fsyncs/commit': 1 } },
    { name: 'no group commit', opsPerSec: 8e3, rounds: [8e3], perOp: { 'fsyncs/commit': 1 } },
  ],
  ratios: [
    { subject: '4 committers', baseline: 'no group commit' },
    { subject: '4 committers', baseline: '1 committer' },
    { subject: '1 committer', baseline: 'no group commit' },
  ],
};

const report: Report = {
  environment: describeEnvironment(),
  mode: 'quick',
  config: TINY,
  results: sample,
};

describe('rendering', () => {
  it('formats counts with SI prefixes', () => {
    expect(formatCount(12_345_678)).toBe('12.3 M');
    expect(formatCount(999_700)).toBe('1.00 M');
    expect(formatCount(123)).toBe('123');
    expect(formatCount(2.5e9)).toBe('2.50 G');
  });

  it('draws bars in eighths of a cell', () => {
    expect(bar(1, 4)).toBe('████');
    expect(bar(0.5, 4)).toBe('██  ');
    expect(bar(1 / 32, 4)).toBe('▏   ');
    expect(bar(0, 4)).toBe('    ');
  });

  it('names the machine in the header', () => {
    const header = renderHeader(report);
    expect(header).toContain(process.version);
    expect(header).toContain(`${report.environment.cores} cores`);
  });

  it('charts one group of bars per workload with the ratios', () => {
    const lines = renderChart(sample, 20).split('\n');
    expect(lines[0]).toBe('add 40-byte items (items/s): 0.50x raw copy, 2.00x naive objects');
    expect(lines[1]).toMatch(/^ {2}@pg\/page {7}█{10} {10} +10\.0 M\/s$/);
    expect(lines[2]).toMatch(/^ {2}raw copy {7}█{20} +20\.0 M\/s$/);
    expect(lines[3]).toMatch(/^ {2}naive objects {2}█{5} {15} +5\.00 M\/s$/);
    expect(lines[4]).toBe('');
    expect(lines[5]).toBe('checksum 8 KiB pages (pages/s, 2048 MB/s): 0.25x raw copy');
    expect(lines).toHaveLength(8);
  });

  it('charts ratios a workload chose, grouped by subject, and counts per operation', () => {
    const lines = renderChart([commits], 20).split('\n');
    expect(lines[0]).toBe(
      'durable commits, file storage (commits/s): 4 committers: 5.00x no group commit, ' +
        '4.00x 1 committer; 1 committer: 1.25x no group commit',
    );
    expect(lines[1]).toMatch(/^ {2}4 committers {5}█{20} +40\.0 k\/s {2}0\.25 fsyncs\/commit$/);
    expect(lines[3]).toMatch(
      /^ {2}no group commit {2}█{4} {16} +8\.00 k\/s {2}1\.00 fsyncs\/commit$/,
    );
    const table = renderTable([commits]).split('\n');
    expect(table[0]).toMatch(/ratio +MB\/s +per op$/);
    expect(table[3]).toMatch(
      /1 committer +10\.0 k commits +100000 +±0\.0% +4\.00x +1\.00 fsyncs\/commit$/,
    );
    const json = JSON.parse(renderJson({ ...report, results: [commits] }));
    expect(json.results[0].ratios).toEqual({
      '4 committers ÷ no group commit': 5,
      '4 committers ÷ 1 committer': 4,
      '1 committer ÷ no group commit': 1.25,
    });
    expect(json.results[0].variants[0].perOp).toEqual({ 'fsyncs/commit': 0.25 });
  });

  it('tabulates every variant', () => {
    const lines = renderTable(sample).split('\n');
    expect(lines[0]).toMatch(
      /^workload +variant +per second +ns\/op +spread +ratio +MB\/s +per op$/,
    );
    expect(lines[1]).toMatch(/^[─ ]+$/);
    expect(lines).toHaveLength(2 + 5);
    expect(lines[2]).toMatch(/^add 40-byte items +@pg\/page +10\.0 M items +100 +±10\.0%$/);
    expect(lines[3]).toMatch(/raw copy +20\.0 M items +50\.0 +±0\.0% +0\.50x$/);
    expect(lines[5]).toMatch(/^checksum 8 KiB pages +@pg\/page +250 k pages +4000 +±0\.0% +2048$/);
  });

  it('puts everything, with ratios, in the JSON', () => {
    const json = JSON.parse(renderJson(report));
    expect(json.benchmark).toBe('@pg/bench');
    expect(json.environment.node).toBe(process.version);
    expect(json.mode).toBe('quick');
    expect(json.results).toHaveLength(2);
    expect(json.results[0].ratios).toEqual({ [RAW_COPY]: 0.5, [NAIVE_OBJECTS]: 2 });
    expect(json.results[0].variants[0]).toEqual({
      name: SUBJECT,
      opsPerSec: 10e6,
      rounds: [9e6, 10e6, 11e6],
    });
    expect(json.results[0].megabytesPerSec).toBeUndefined();
    expect(json.results[1].megabytesPerSec).toBeCloseTo(2048);
  });
});

describe('progress', () => {
  it('rewrites one line on a terminal', () => {
    const out = fakeStream(true);
    const progress = new Progress(out);
    progress.step(1, 2, 'add');
    progress.detail('raw copy, round 1/7');
    progress.detail('a very long detail that does not fit in forty columns');
    progress.done('finished');
    expect(out.chunks[0]).toBe('\r\x1b[2K[1/2] add ...');
    expect(out.chunks[1]).toBe('\r\x1b[2K[1/2] add · raw copy, round 1/7');
    expect(out.chunks[2]).toHaveLength('\r\x1b[2K'.length + 39);
    expect(out.chunks[3]).toBe('\r\x1b[2K');
    expect(out.chunks.join('')).not.toContain('\n');
  });

  it('prints plain lines elsewhere, one per step', () => {
    const out = fakeStream(false);
    const progress = new Progress(out);
    progress.step(1, 2, 'add');
    progress.detail('raw copy, round 1/7');
    progress.step(2, 2, 'read');
    progress.done('finished');
    expect(out.chunks).toEqual(['[1/2] add ...\n', '[2/2] read ...\n', 'finished\n']);
  });
});

describe('command line', () => {
  it('parses the flags', () => {
    expect(parseArgs([])).toEqual({
      quick: false,
      json: false,
      help: false,
      page: true,
      wal: true,
      storage: true,
      btree: true,
      heap: true,
      toast: true,
      engine: true,
      memory: true,
      queries: true,
      copy: false,
    });
    expect(parseArgs(['--', '--quick', '--json'])).toEqual({
      quick: true,
      json: true,
      help: false,
      page: true,
      wal: true,
      storage: true,
      btree: true,
      heap: true,
      toast: true,
      engine: true,
      memory: true,
      queries: true,
      copy: false,
    });
    expect(parseArgs(['--wal'])).toMatchObject({ page: false, wal: true, storage: false });
    expect(parseArgs(['--storage'])).toMatchObject({ page: false, wal: false, storage: true });
    expect(parseArgs(['--btree'])).toMatchObject({
      page: false,
      wal: false,
      storage: false,
      btree: true,
    });
    expect(parseArgs(['--heap'])).toMatchObject({ page: false, btree: false, heap: true });
    expect(parseArgs(['--toast'])).toMatchObject({ heap: false, toast: true });
    expect(parseArgs(['--engine'])).toMatchObject({ toast: false, engine: true, memory: true });
    expect(parseArgs(['--memory'])).toMatchObject({ engine: false, memory: true, page: false });
    expect(parseArgs(['--queries'])).toMatchObject({ engine: false, memory: false, queries: true });
    expect(parseArgs(['--page', '--wal'])).toMatchObject({ page: true, wal: true });
    expect(parseArgs(['--copy'])).toMatchObject({ copy: true, page: false, engine: false });
    expect(() => parseArgs(['--fast'])).toThrow('unknown argument: --fast');
  });

  it('prints usage for --help and rejects unknown flags', async () => {
    const out = fakeStream(false);
    const err = fakeStream(false);
    expect(await run(['--help'], out, err)).toBe(0);
    expect(out.chunks.join('')).toContain('--quick');
    expect(out.chunks.join('')).toContain('--wal');
    expect(out.chunks.join('')).toContain('--btree');
    expect(out.chunks.join('')).toContain('--heap');
    expect(out.chunks.join('')).toContain('--toast');
    expect(await run(['--nope'], out, err)).toBe(2);
    expect(err.chunks.join('')).toContain('unknown argument: --nope');
  });
});

describe('buffer pool workloads', () => {
  it('run every variant, @pg/storage first', () => {
    for (const { make } of storageWorkloads()) {
      const w = make();
      expect(w.variants[0]!.name).toBe(POOL_SUBJECT);
      for (const v of w.variants) {
        if (!('batch' in v)) throw new Error(`${v.name} has no batch`);
        expect(v.batch()).toBeGreaterThan(0);
      }
    }
    expect(Number.isFinite(storageSink())).toBe(true);
  });
});

describe('B-tree workloads', () => {
  it('run every variant on small indexes, @pg/btree first, against sorted-btree and SQLite', () => {
    // 600 keys: full insert indexes start over within a few batches, and
    // lookups and range scans check every variant's answers while being made.
    const workloads = btreeWorkloads({ keys: 600, buildKeys: 500 });
    expect(workloads.map((w) => w.title)).toEqual([
      'B-tree sequential inserts',
      'B-tree random inserts',
      'B-tree point lookups',
      'B-tree range scans',
      'B-tree bulk build',
    ]);
    for (const { make } of workloads) {
      const w = make();
      try {
        expect(w.variants.map((v) => v.name)).toEqual([BTREE_SUBJECT, SORTED_BTREE, SQLITE]);
        for (const v of w.variants) {
          if (!('batch' in v)) throw new Error(`${v.name} has no batch`);
          for (let i = 0; i < 4; i++) expect(v.batch()).toBeGreaterThan(0);
        }
      } finally {
        w.dispose?.();
      }
    }
  });

  it('shuffle keys with a fixed permutation', () => {
    const p = permutation(1000);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(permutation(1000)).toEqual(p);
    expect(p.slice(0, 10)).not.toEqual(Int32Array.from({ length: 10 }, (_, i) => i));
  });
});

describe('heap and TOAST workloads', () => {
  it('run every variant on small tables, @pg/heap first, against SQLite and zlib', () => {
    const workloads = heapWorkloads({
      insertRows: 600,
      updateRows: 300,
      scanRows: 500,
      textBytes: 16 * 1024,
    });
    expect(workloads.map((w) => w.title)).toEqual([
      'heap inserts',
      'heap HOT and non-HOT updates',
      'heap sequential scans',
      'pglz compression',
      'pglz decompression',
    ]);
    const names: string[][] = [];
    for (const { make } of workloads) {
      const w = make();
      try {
        names.push(w.variants.map((v) => v.name));
        for (const v of w.variants) {
          if (!('batch' in v)) throw new Error(`${v.name} has no batch`);
          // Inserts start over after 600 rows, updates go round the 300 rows.
          for (let i = 0; i < 4; i++) expect(v.batch()).toBeGreaterThan(0);
        }
      } finally {
        w.dispose?.();
      }
    }
    expect(names).toEqual([
      [HEAP_SUBJECT, SQLITE],
      [HOT_UPDATE, NON_HOT_UPDATE, SQLITE],
      [HEAP_SUBJECT, SQLITE_SCAN, SQLITE_COUNT],
      [PGLZ_SUBJECT, ZLIB],
      [PGLZ_SUBJECT, ZLIB],
    ]);
    expect(
      selectWorkloads({ page: false, wal: false, storage: false, btree: false, heap: true }),
    ).toHaveLength(5);
  });

  it('updates a non-indexed column HOT and an indexed one not', () => {
    const hot = heapUpdater(3000, true);
    const cold = heapUpdater(3000, false);
    for (let i = 0; i < 8; i++) {
      hot.batch();
      cold.batch();
    }
    expect(hot.hotUpdates()).toBe(8 * 256);
    expect(cold.hotUpdates()).toBe(0);
    // Pruning keeps the HOT table at its loaded size.
    expect(hot.heap.nblocks()).toBe(heapUpdater(3000, true).heap.nblocks());
  });

  it('makes the same text-like bytes every time', () => {
    const text = textLike(4096);
    expect(text).toHaveLength(4096);
    expect(textLike(4096)).toEqual(text);
    expect(text.every((b) => b === 0x0a || (b >= 0x20 && b < 0x7f))).toBe(true);
  });
});

describe('TOAST workloads', () => {
  it('write and read 100 KiB values out of line, @pg/heap first, against SQLite and zlib', () => {
    const workloads = toastWorkloads([100 * 1024]);
    expect(workloads.map((w) => w.title)).toEqual([
      'toast writes, 100 KiB compressible',
      'toast reads, 100 KiB compressible',
      'toast writes, 100 KiB incompressible',
      'toast reads, 100 KiB incompressible',
    ]);
    for (const { make } of workloads) {
      const w = make();
      try {
        expect(w.bytesPerOp).toBe(100 * 1024);
        expect(w.variants.map((v) => v.name)).toEqual([TOAST_SUBJECT, TOAST_SQLITE, TOAST_ZLIB]);
        for (const v of w.variants) {
          if (!('batch' in v)) throw new Error(`${v.name} has no batch`);
          expect(v.batch()).toBeGreaterThan(0);
        }
      } finally {
        w.dispose?.();
      }
    }
    expect(
      selectWorkloads({ page: false, wal: false, storage: false, btree: false, toast: true }),
    ).toHaveLength(8);
  });

  it('stores the values out of line and reads them back whole', () => {
    const heap = toastedHeap();
    const xacts = new FakeTransactions();
    const x = xacts.begin();
    const value = toastValue(300_000, 'incompressible');
    const tid = heap.insert([1, value], x.xid, x.cid);
    xacts.end(x, true);
    expect(heap.toaster!.heap.nblocks()).toBeGreaterThan(300_000 / 8192);
    const row = heap.fetch(tid, xacts.snapshot(undefined), xacts.context(undefined));
    expect(Buffer.from(row!.values[1] as Uint8Array).equals(Buffer.from(value))).toBe(true);
  });
});

describe('renderMemory', () => {
  it('draws a bar per process and compares each peer with @pg/engine', () => {
    const text = renderMemory(
      [
        { name: '@pg/engine', peakBytes: 300 * 2 ** 20 },
        { name: 'PGlite', peakBytes: 600 * 2 ** 20 },
        { name: '(node alone)', peakBytes: 90 * 2 ** 20 },
      ],
      1000,
    );
    expect(text).toContain('after loading 1000 rows');
    expect(text).toMatch(/PGlite .*600 MB {2}@pg\/engine uses 0\.50x of this/);
    expect(text).not.toMatch(/node alone.*uses/);
  });
});
