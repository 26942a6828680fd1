/**
 * BRIN against a model heap: random inserts into random heap blocks (with
 * nulls), bulk deletes as vacuum runs them, vacuum cleanups, summarising
 * (all new ranges, one range), desummarising and scans of random keys. The
 * pages a scan returns must be a superset of the pages holding a live row
 * that satisfies the keys, the structural invariants must hold after every
 * step, and a freshly summarised range's summary is exactly the model's
 * min and max.
 */
import { type ScanKey, Strategy, strategyHolds, type Tid, TidBitmap } from '@pg/access';
import { Brin, type BrinHeap, rangeInclusionOps } from '@pg/brin';
import { checkIndex } from '@pg/brin/testing';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { builtins, defaultContext, type PgRange } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);
const int4 = builtins.typeByName('int4')!;
const text = builtins.typeByName('text')!;
const REL = { spcOid: 1663, dbOid: 5, relNumber: 17400 };
const DESCRIPTOR = {
  name: 'brin_idx',
  keys: [
    { name: 'a', type: int4 },
    { name: 'b', type: text },
  ],
};

interface Row {
  readonly tid: Tid;
  readonly values: readonly [number | null, string | null];
}

/** The heap: rows by block, and how many blocks it has. */
class ModelHeap implements BrinHeap {
  rows: Row[] = [];
  blocks = 0;
  private nextOffset = new Map<number, number>();

  add(block: number, values: readonly [number | null, string | null]): Row {
    const offset = (this.nextOffset.get(block) ?? 0) + 1;
    this.nextOffset.set(block, offset);
    const row = { tid: { block, offset }, values };
    this.rows.push(row);
    this.blocks = Math.max(this.blocks, block + 1);
    return row;
  }

  nblocks(): number {
    return this.blocks;
  }

  *tuples(start: number, end: number) {
    for (const r of this.rows) if (r.tid.block >= start && r.tid.block < end) yield r;
  }
}

type Op =
  | { kind: 'insert'; block: number; a: number | null; b: string | null; n: number }
  | { kind: 'delete'; modulo: number }
  | { kind: 'vacuum' }
  | { kind: 'summarize' }
  | { kind: 'summarizeRange'; block: number }
  | { kind: 'desummarize'; block: number }
  | { kind: 'scan'; keys: ScanKey[] };

const MAX_BLOCK = 60;
const textValue = fc.constantFrom('', 'a', 'm', 'zz', 'q'.repeat(200), 'b'.repeat(1500));

const key: fc.Arbitrary<ScanKey> = fc.oneof(
  fc
    .record({
      attno: fc.constant(1),
      strategy: fc.constantFrom(1, 2, 3, 4, 5) as fc.Arbitrary<Strategy>,
      argument: fc.option(fc.integer({ min: -5, max: 105 }), { freq: 10 }),
    })
    .map((k) => k as ScanKey),
  fc
    .record({
      attno: fc.constant(2),
      strategy: fc.constantFrom(1, 2, 3, 4, 5) as fc.Arbitrary<Strategy>,
      argument: textValue,
    })
    .map((k) => k as ScanKey),
  fc
    .record({ attno: fc.constantFrom(1, 2), nullTest: fc.boolean() })
    .map(({ attno, nullTest }) =>
      nullTest
        ? { attno, strategy: Strategy.equal, argument: null, searchNull: true }
        : { attno, strategy: Strategy.equal, argument: null, searchNotNull: true },
    ),
);

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      block: fc.integer({ min: 0, max: MAX_BLOCK }),
      a: fc.option(fc.integer({ min: 0, max: 100 }), { freq: 8 }),
      b: fc.option(textValue, { freq: 6 }),
      n: fc.integer({ min: 1, max: 6 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      modulo: fc.integer({ min: 2, max: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'vacuum' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'summarize' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('summarizeRange' as const),
      block: fc.integer({ min: 0, max: MAX_BLOCK }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('desummarize' as const),
      block: fc.integer({ min: 0, max: MAX_BLOCK }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('scan' as const),
      keys: fc.array(key, { minLength: 0, maxLength: 2 }),
    }),
  },
);

function rowMatches(r: Row, keys: readonly ScanKey[]): boolean {
  return keys.every((k) => {
    const v = r.values[k.attno - 1];
    if (k.searchNull) return v === null;
    if (k.searchNotNull) return v !== null;
    if (v === null || k.argument === null) return false;
    const type = k.attno === 1 ? int4 : text;
    return strategyHolds(k.strategy, type.compare(v as never, k.argument as never));
  });
}

/** Checks a scan: every page holding a live matching row is returned, by both interfaces. */
function checkScan(index: Brin, heap: ModelHeap, keys: readonly ScanKey[]): void {
  const pages = new Set(index.matchingPages(keys));
  const scan = index.beginScan();
  scan.rescan(keys);
  const bitmap = new TidBitmap();
  scan.getBitmap(bitmap);
  scan.end();
  for (const r of heap.rows) {
    if (!rowMatches(r, keys)) continue;
    expect(pages.has(r.tid.block), `page ${r.tid.block} missed for ${JSON.stringify(keys)}`).toBe(
      true,
    );
    expect(bitmap.has(r.tid)).toBe(true);
  }
}

/** A summary just made from the heap is exactly the model's min and max per column. */
function checkExact(index: Brin, heap: ModelHeap, block: number): void {
  const found = index.summaryOf(block);
  if (!found) return;
  const ppr = index.pagesPerRange;
  const start = block - (block % ppr);
  const rows = [...heap.tuples(start, start + ppr)];
  [int4, text].forEach((type, i) => {
    const c = found.summary.columns[i]!;
    const vals = rows.map((r) => r.values[i]).filter((v) => v !== null);
    expect(c.allNulls).toBe(vals.length === 0);
    expect(c.hasNulls).toBe(rows.some((r) => r.values[i] === null));
    if (vals.length > 0) {
      const sorted = [...vals].sort((x, y) => type.compare(x as never, y as never));
      expect(c.min).toEqual(sorted[0]);
      expect(c.max).toEqual(sorted.at(-1));
    }
  });
}

function run(ops: readonly Op[], ppr: number, build: boolean, autosummarize = false): void {
  const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 64 * 8192 });
  const heap = new ModelHeap();
  const index = Brin.create({
    pool,
    rel: REL,
    descriptor: DESCRIPTOR,
    heap,
    pagesPerRange: ppr,
    autosummarize,
  });
  if (build) {
    for (let i = 0; i < 20; i++) heap.add((i * 7) % 23, [i * 3, `v${i}`]);
    index.build(heap.rows);
  }
  for (const o of ops) {
    switch (o.kind) {
      case 'insert':
        for (let i = 0; i < o.n; i++) {
          const row = heap.add(o.block, [o.a === null ? null : o.a + i, o.b]);
          index.insert(row.values, row.tid);
        }
        break;
      case 'delete': {
        let k = 0;
        const dead = new Set(heap.rows.filter(() => k++ % o.modulo === 0));
        index.bulkDelete((tid) => heap.rows.some((r) => dead.has(r) && r.tid === tid));
        heap.rows = heap.rows.filter((r) => !dead.has(r));
        break;
      }
      case 'vacuum':
        index.vacuumCleanup();
        break;
      case 'summarize':
        index.summarizeNewValues();
        for (let b = 0; b < heap.blocks; b += ppr) expect(index.summaryOf(b)).not.toBeNull();
        break;
      case 'summarizeRange': {
        const had = index.summaryOf(o.block) !== null;
        const n = index.summarizeRangeOf(o.block);
        expect(n).toBe(!had && o.block - (o.block % ppr) < heap.blocks ? 1 : 0);
        if (!had) checkExact(index, heap, o.block);
        break;
      }
      case 'desummarize':
        index.desummarizeRange(o.block);
        expect(index.summaryOf(o.block)).toBeNull();
        break;
      case 'scan':
        checkScan(index, heap, o.keys);
        break;
    }
    expect(checkIndex(index)).toEqual([]);
  }
  for (const k of [[], [{ attno: 1, strategy: Strategy.equal, argument: 50 }]] as ScanKey[][]) {
    checkScan(index, heap, k);
  }
}

describe('BRIN against a model heap', () => {
  it('scans return every page with a matching live row, whatever was summarised', () => {
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 80 }),
        fc.constantFrom(1, 2, 4, 16),
        fc.boolean(),
        fc.boolean(),
        (ops, ppr, build, autosummarize) => run(ops, ppr, build, autosummarize),
      ),
      { numRuns: Math.max(20, Math.ceil(RUNS / 3)) },
    );
  });

  it('autosummarize: the first row on the first page of a range summarises the range before it', () => {
    for (const autosummarize of [false, true]) {
      const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 64 * 8192 });
      const heap = new ModelHeap();
      const index = Brin.create({
        pool,
        rel: REL,
        descriptor: DESCRIPTOR,
        heap,
        pagesPerRange: 4,
        autosummarize,
      });
      index.build([]);
      for (let b = 0; b < 4; b++) {
        const row = heap.add(b, [b, null]);
        index.insert(row.values, row.tid);
      }
      // range 0 was summarised (empty) by the build and widened since; range 4 has none
      const row = heap.add(5, [50, null]);
      index.insert(row.values, row.tid);
      expect(index.summaryOf(4)).toBeNull();
      // the first row of block 8 (offset 1): range 4..7 gets summarised when autosummarize is on
      const first = heap.add(8, [80, null]);
      index.insert(first.values, first.tid);
      expect(index.summaryOf(4) !== null).toBe(autosummarize);
      // a second row on block 8 asks nothing more
      const second = heap.add(8, [81, null]);
      index.insert(second.values, second.tid);
      expect(index.summaryOf(8)).toBeNull();
      if (autosummarize) checkExact(index, heap, 4);
      expect(checkIndex(index)).toEqual([]);
    }
  });

  it('summarised ranges exclude pages that cannot match', () => {
    const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 64 * 8192 });
    const heap = new ModelHeap();
    const index = Brin.create({ pool, rel: REL, descriptor: DESCRIPTOR, heap, pagesPerRange: 2 });
    for (let b = 0; b < 10; b++) heap.add(b, [b * 10, null]);
    expect(index.summarizeNewValues()).toBe(5);
    expect(index.matchingPages([{ attno: 1, strategy: Strategy.equal, argument: 30 }])).toEqual([
      2, 3,
    ]);
    expect(index.matchingPages([{ attno: 1, strategy: Strategy.equal, argument: 35 }])).toEqual([]);
    expect(index.matchingPages([{ attno: 1, strategy: Strategy.greater, argument: 75 }])).toEqual([
      8, 9,
    ]);
    const row = heap.add(9, [35, 'x']);
    index.insert(row.values, row.tid);
    expect(index.matchingPages([{ attno: 1, strategy: Strategy.equal, argument: 35 }])).toEqual([
      8, 9,
    ]);
    expect(index.desummarizeRange(0)).toBe(true);
    expect(
      index.matchingPages([{ attno: 2, strategy: Strategy.equal, argument: 'x' }] as ScanKey[]),
    ).toEqual([0, 1, 8, 9]);
    expect(checkIndex(index)).toEqual([]);
    const scan = index.beginScan();
    scan.rescan([]);
    expect(() => scan.next()).toThrow(expect.objectContaining({ code: '0A000' }));
  });
});

// ---------------------------------------------------------------- the inclusion class (ranges)

const int4range = builtins.typeByName('int4range')!;
const tctx = defaultContext();
const RANGE_DESCRIPTOR = {
  name: 'brin_range_idx',
  keys: [
    { name: 'during', type: int4range },
    { name: 'n', type: int4 },
  ],
};
/** range_inclusion_ops' strategies: operator and whether the query is an element. */
const INCLUSION_STRATEGIES: readonly (readonly [number, string, boolean])[] = [
  [1, '<<', false],
  [2, '&<', false],
  [3, '&&', false],
  [4, '&>', false],
  [5, '>>', false],
  [7, '@>', false],
  [8, '<@', false],
  [16, '@>', true],
  [17, '-|-', false],
  [18, '=', false],
  [20, '<', false],
  [21, '<=', false],
  [22, '>', false],
  [23, '>=', false],
];
const rangeText = fc.oneof(
  { weight: 1, arbitrary: fc.constant('empty') },
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.option(fc.integer({ min: 0, max: 200 }), { freq: 8 }),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom('[', '('),
        fc.constantFrom(']', ')'),
      )
      .map(([lo, len, l, u]) => (lo === null ? `${l},${len * 7})` : `${l}${lo},${lo + len}${u}`)),
  },
);
const range = rangeText.map(
  (s) =>
    int4range.input(
      s.startsWith('[') || s.startsWith('(') || s === 'empty' ? s : `(${s}`,
      -1,
      tctx,
    ) as PgRange,
);

function holds(strategy: number, value: unknown, query: unknown): boolean {
  const [, name, elem] = INCLUSION_STRATEGIES.find((s) => s[0] === strategy)!;
  return builtins.operate(name, 3904, elem ? 23 : 3904, [value, query], tctx) === true;
}

const inclusionKey: fc.Arbitrary<ScanKey> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...INCLUSION_STRATEGIES), range, fc.integer({ min: -5, max: 240 }))
    .map(
      ([[strategy, , elem], r, x]) => ({ attno: 1, strategy, argument: elem ? x : r }) as ScanKey,
    ),
  fc
    .boolean()
    .map(
      (isNull) =>
        (isNull
          ? { attno: 1, strategy: 3, argument: null, searchNull: true }
          : { attno: 1, strategy: 3, argument: null, searchNotNull: true }) as ScanKey,
    ),
);

type RangeOp =
  | { kind: 'insert'; block: number; r: PgRange | null; n: number }
  | { kind: 'delete'; modulo: number }
  | { kind: 'vacuum' }
  | { kind: 'summarize' }
  | { kind: 'desummarize'; block: number }
  | { kind: 'scan'; keys: ScanKey[] };

const rangeOp: fc.Arbitrary<RangeOp> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      block: fc.integer({ min: 0, max: 40 }),
      r: fc.option(range, { freq: 8 }),
      n: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      modulo: fc.integer({ min: 2, max: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'vacuum' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'summarize' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('desummarize' as const),
      block: fc.integer({ min: 0, max: 40 }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('scan' as const),
      keys: fc.array(inclusionKey, { minLength: 1, maxLength: 2 }),
    }),
  },
);

interface RangeRow {
  readonly tid: Tid;
  readonly values: readonly [PgRange | null, number];
}

/** The model of one range's inclusion summary: the merge of its non-empty ranges, and whether any was empty. */
function modelUnion(rows: readonly RangeRow[]): { union: PgRange | null; containsEmpty: boolean } {
  let union: PgRange | null = null;
  let containsEmpty = false;
  for (const { values } of rows) {
    const r = values[0];
    if (r === null) continue;
    if (r.empty) containsEmpty = true;
    else
      union =
        union === null
          ? r
          : (builtins.call('range_merge', [3904, 3904], [union, r], tctx) as PgRange);
  }
  return { union, containsEmpty };
}

function runInclusion(ops: readonly RangeOp[], ppr: number): void {
  const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 64 * 8192 });
  let rows: RangeRow[] = [];
  let blocks = 0;
  const offsets = new Map<number, number>();
  const heap: BrinHeap = {
    nblocks: () => blocks,
    *tuples(start, end) {
      for (const r of rows) if (r.tid.block >= start && r.tid.block < end) yield r;
    },
  };
  const index = Brin.create({
    pool,
    rel: REL,
    descriptor: RANGE_DESCRIPTOR,
    heap,
    pagesPerRange: ppr,
    opclasses: [rangeInclusionOps],
  });
  index.build([]);
  const checkScan = (keys: readonly ScanKey[]) => {
    const pages = new Set(index.matchingPages(keys));
    for (const row of rows) {
      const ok = keys.every((k) => {
        const v = row.values[0];
        if (k.searchNull) return v === null;
        if (k.searchNotNull) return v !== null;
        return v !== null && holds(k.strategy, v, k.argument);
      });
      if (ok)
        expect(
          pages.has(row.tid.block),
          `page ${row.tid.block} missed for ${JSON.stringify(keys)}`,
        ).toBe(true);
    }
  };
  for (const o of ops) {
    switch (o.kind) {
      case 'insert':
        for (let i = 0; i < o.n; i++) {
          const offset = (offsets.get(o.block) ?? 0) + 1;
          offsets.set(o.block, offset);
          const row: RangeRow = { tid: { block: o.block, offset }, values: [o.r, i] };
          rows.push(row);
          blocks = Math.max(blocks, o.block + 1);
          index.insert(row.values, row.tid);
        }
        break;
      case 'delete': {
        let k = 0;
        rows = rows.filter(() => k++ % o.modulo !== 0);
        break;
      }
      case 'vacuum':
        index.vacuumCleanup();
        break;
      case 'summarize': {
        const fresh = new Set<number>();
        for (let b = 0; b < blocks; b += ppr) if (index.summaryOf(b) === null) fresh.add(b);
        index.summarizeNewValues();
        // a summary just made is the model's union recomputed from the heap; an older one holds it
        for (let b = 0; b < blocks; b += ppr) {
          const found = index.summaryOf(b);
          expect(found).not.toBeNull();
          const c = found!.summary.columns[0]!;
          const m = modelUnion([...heap.tuples(b, b + ppr)] as RangeRow[]);
          if (m.containsEmpty) expect(c.containsEmpty).toBe(true);
          if (m.union === null) continue;
          expect(c.allNulls).toBe(false);
          if (fresh.has(b)) {
            expect(int4range.compare(c.union, m.union)).toBe(0);
            expect(c.containsEmpty).toBe(m.containsEmpty);
          } else {
            expect(builtins.operate('@>', 3904, 3904, [c.union, m.union], tctx)).toBe(true);
          }
        }
        break;
      }
      case 'desummarize':
        index.desummarizeRange(o.block);
        break;
      case 'scan':
        checkScan(o.keys);
        break;
    }
    expect(checkIndex(index)).toEqual([]);
  }
  for (const [strategy, , elem] of INCLUSION_STRATEGIES) {
    checkScan([
      { attno: 1, strategy, argument: elem ? 50 : int4range.input('[40,60)', -1, tctx) } as ScanKey,
    ]);
  }
}

describe('BRIN range_inclusion_ops against a model heap', () => {
  it('scans return every page whose rows match, for every inclusion strategy', () => {
    fc.assert(
      fc.property(
        fc.array(rangeOp, { minLength: 1, maxLength: 60 }),
        fc.constantFrom(1, 2, 4),
        (ops, ppr) => runInclusion(ops, ppr),
      ),
      { numRuns: Math.max(15, Math.ceil(RUNS / 6)) },
    );
  });

  it('summarises a block range as the union of its ranges, with the contains-empty flag', () => {
    const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 64 * 8192 });
    const values: [string, number][] = [
      ['empty', 0],
      ['[10,20)', 0],
      ['[30,40)', 1],
      ['[100,110)', 2],
      ['empty', 3],
    ];
    const rows = values.map(([s, block], i) => ({
      tid: { block, offset: i + 1 },
      values: [int4range.input(s, -1, tctx), i],
    }));
    const heap: BrinHeap = {
      nblocks: () => 4,
      tuples: (a, b) => rows.filter((r) => r.tid.block >= a && r.tid.block < b),
    };
    const index = Brin.create({
      pool,
      rel: REL,
      descriptor: RANGE_DESCRIPTOR,
      heap,
      pagesPerRange: 2,
      opclasses: [rangeInclusionOps],
    });
    index.build(rows);
    const c0 = index.summaryOf(0)!.summary.columns[0]!;
    expect(int4range.output(c0.union, tctx)).toBe('[10,40)');
    expect([c0.containsEmpty, c0.unmergeable]).toEqual([true, false]);
    const c1 = index.summaryOf(2)!.summary.columns[0]!;
    expect(int4range.output(c1.union, tctx)).toBe('[100,110)');
    const q = (s: string) => int4range.input(s, -1, tctx);
    const k = (strategy: number, argument: unknown) => [
      { attno: 1, strategy, argument } as unknown as ScanKey,
    ];
    expect(index.matchingPages(k(3, q('[20,30)')))).toEqual([0, 1]);
    expect(index.matchingPages(k(3, q('[50,60)')))).toEqual([]);
    expect(index.matchingPages(k(16, 105))).toEqual([2, 3]);
    // empty ranges are contained by everything: both block ranges hold one
    expect(index.matchingPages(k(8, q('[500,600)')))).toEqual([0, 1, 2, 3]);
    expect(checkIndex(index)).toEqual([]);
  });
});
