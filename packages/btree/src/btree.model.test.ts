/**
 * The B-tree against a sorted multimap: random inserts (many duplicates, so
 * posting lists form; long text keys, so pivots are truncated), bulk
 * deletes, bulk builds and scans of every shape (equality, ranges, both
 * directions, null tests, several columns, DESC and NULLS FIRST), with the
 * tree's structural invariants checked after every batch.
 */
import {
  compareTids,
  type IndexColumn,
  type ScanKey,
  Strategy,
  scanKey,
  strategyHolds,
  type Tid,
} from '@pg/access';
import { BTree } from '@pg/btree';
import { checkTree } from '@pg/btree/testing';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { builtins } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 150);
const int4 = builtins.typeByName('int4')!;
const text = builtins.typeByName('text')!;
const REL = { spcOid: 1663, dbOid: 5, relNumber: 16400 };

interface Config {
  readonly name: string;
  readonly keys: readonly IndexColumn[];
  readonly value: fc.Arbitrary<unknown[]>;
  readonly unique?: boolean;
}

const smallInt = fc.integer({ min: 0, max: 40 });
const longText = fc
  .tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 30 }))
  .map(([p, n]) => `${p.repeat(300)}-${String(n).padStart(3, '0')}`);

const CONFIGS: readonly Config[] = [
  { name: 'int4', keys: [{ name: 'k', type: int4 }], value: smallInt.map((v) => [v]) },
  { name: 'long text', keys: [{ name: 't', type: text }], value: longText.map((v) => [v]) },
  {
    name: 'int4 DESC NULLS LAST, text NULLS FIRST',
    keys: [
      { name: 'a', type: int4, desc: true, nullsFirst: false },
      { name: 'b', type: text, nullsFirst: true },
    ],
    value: fc.tuple(
      fc.option(fc.integer({ min: 0, max: 8 }), { freq: 6 }),
      fc.option(fc.constantFrom('x', 'y', 'zz', 'w'.repeat(40)), { freq: 5 }),
    ),
  },
];

interface Entry {
  readonly values: readonly unknown[];
  readonly tid: Tid;
}

function indexOrder(tree: BTree) {
  const shape = tree.shape;
  return (a: Entry, b: Entry) => {
    for (let i = 0; i < shape.nkeys; i++) {
      const r = -shape.compareColumn(i, a.values[i], b.values[i]);
      if (r !== 0) return -r;
    }
    return compareTids(a.tid, b.tid);
  };
}

function matches(tree: BTree, e: Entry, keys: readonly ScanKey[]): boolean {
  return keys.every((k) => {
    const v = e.values[k.attno - 1];
    const isNull = v === null || v === undefined;
    if (k.searchNull) return isNull;
    if (k.searchNotNull) return !isNull;
    if (isNull || k.argument === null) return false;
    return strategyHolds(k.strategy, tree.shape.keyTypes[k.attno - 1]!.compare(v, k.argument));
  });
}

type Op =
  | { kind: 'insert'; values: unknown[]; tid: Tid }
  | { kind: 'delete'; modulo: number; rest: number }
  | { kind: 'scan'; keys: ScanKey[]; backward: boolean };

function scanArb(config: Config): fc.Arbitrary<Op> {
  const strategy = fc.constantFrom(
    Strategy.less,
    Strategy.lessEqual,
    Strategy.equal,
    Strategy.greaterEqual,
    Strategy.greater,
  );
  const keyFor = (attno: number) =>
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .tuple(strategy, config.value)
          .map(([s, v]) => ({ ...scanKey(attno, s, v[attno - 1]) }) as ScanKey),
      },
      {
        weight: 1,
        arbitrary: fc.constant({
          attno,
          strategy: Strategy.equal,
          argument: null,
          searchNull: true,
        } as ScanKey),
      },
      {
        weight: 1,
        arbitrary: fc.constant({
          attno,
          strategy: Strategy.equal,
          argument: null,
          searchNotNull: true,
        } as ScanKey),
      },
    );
  const keys = fc
    .array(fc.integer({ min: 1, max: config.keys.length }).chain(keyFor), { maxLength: 3 })
    // A null argument without a null test matches nothing; keep it, but rarely.
    .map((ks) =>
      ks.filter(
        (k) => k.searchNull || k.searchNotNull || k.argument !== null || Math.random() < 0.1,
      ),
    );
  return fc.record({ kind: fc.constant('scan' as const), keys, backward: fc.boolean() });
}

function opsArb(config: Config): fc.Arbitrary<Op[]> {
  const insert = fc.record({
    kind: fc.constant('insert' as const),
    values: config.value,
    tid: fc.record({
      block: fc.integer({ min: 0, max: 2000 }),
      offset: fc.integer({ min: 1, max: 200 }),
    }),
  });
  const del = fc.record({
    kind: fc.constant('delete' as const),
    modulo: fc.integer({ min: 2, max: 5 }),
    rest: fc.integer({ min: 0, max: 4 }),
  });
  return fc.array(
    fc.oneof(
      { weight: 30, arbitrary: insert },
      { weight: 1, arbitrary: del },
      { weight: 4, arbitrary: scanArb(config) },
    ),
    { minLength: 1, maxLength: 600, size: 'max' },
  );
}

function runScan(tree: BTree, keys: readonly ScanKey[], backward: boolean): Entry[] {
  const scan = tree.beginScan();
  scan.rescan(keys);
  const out: Entry[] = [];
  const dir = backward ? 'backward' : 'forward';
  for (let r = scan.next(dir); r !== null; r = scan.next(dir))
    out.push({ values: r.values!, tid: r.tid });
  scan.end();
  return out;
}

function run(config: Config, ops: readonly Op[], poolBuffers = 64): void {
  const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: poolBuffers * 8192 });
  const tree = BTree.create({
    pool,
    rel: REL,
    descriptor: { name: 'model_idx', keys: config.keys },
  });
  let model: Entry[] = [];
  const order = indexOrder(tree);
  const used = new Set<string>();
  for (const op of ops) {
    if (op.kind === 'insert') {
      const key = `${op.tid.block}/${op.tid.offset}`;
      if (used.has(key)) continue;
      used.add(key);
      tree.insert(op.values, op.tid);
      model.push({ values: op.values, tid: op.tid });
    } else if (op.kind === 'delete') {
      const dead = (t: Tid) => (t.block + t.offset) % op.modulo === op.rest;
      const before = model.length;
      const r = tree.bulkDelete(dead);
      model = model.filter((e) => !dead(e.tid));
      expect(r.tuplesRemoved).toBe(before - model.length);
      expect(checkTree(tree)).toEqual([]);
    } else {
      const expected = model.filter((e) => matches(tree, e, op.keys)).sort(order);
      if (op.backward) expected.reverse();
      const got = runScan(tree, op.keys, op.backward);
      expect(got.map((e) => [e.values, e.tid])).toEqual(expected.map((e) => [e.values, e.tid]));
    }
  }
  expect(checkTree(tree)).toEqual([]);
  const all = runScan(tree, [], false);
  expect(all.map((e) => [e.values, e.tid])).toEqual(
    [...model].sort(order).map((e) => [e.values, e.tid]),
  );
}

describe('B-tree (model-based)', () => {
  for (const config of CONFIGS) {
    it(`matches a sorted multimap: ${config.name}`, () => {
      fc.assert(
        fc.property(opsArb(config), (ops) => run(config, ops)),
        { numRuns: Math.max(10, Math.ceil(RUNS / 10)) },
      );
    });
  }
});

describe('bulk build (model-based)', () => {
  for (const config of CONFIGS) {
    it(`builds what inserting would hold: ${config.name}`, () => {
      const arb = fc.record({
        entries: fc.array(config.value, { maxLength: 2500, size: 'max' }),
        memory: fc.constantFrom(4 * 1024, 64 * 1024, 64 * 1024 * 1024),
        after: opsArb(config),
      });
      fc.assert(
        fc.property(arb, ({ entries, memory, after }) => {
          const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 128 * 8192 });
          const tree = BTree.create({
            pool,
            rel: REL,
            descriptor: { name: 'built_idx', keys: config.keys },
          });
          const tuples = entries.map((values, i) => ({
            tid: { block: 3000 + Math.floor(i / 100), offset: (i % 100) + 1 },
            values,
          }));
          const r = tree.build(tuples, { memoryBytes: memory });
          expect(r.indexTuples).toBe(entries.length);
          expect(checkTree(tree)).toEqual([]);
          const order = indexOrder(tree);
          const model: Entry[] = tuples.map((t) => ({ values: t.values, tid: t.tid }));
          expect(runScan(tree, [], false).map((e) => [e.values, e.tid])).toEqual(
            [...model].sort(order).map((e) => [e.values, e.tid]),
          );
          // The built tree takes inserts, deletes and scans like any other.
          for (const op of after.slice(0, 150)) {
            if (op.kind === 'insert') {
              if (model.some((e) => e.tid.block === op.tid.block && e.tid.offset === op.tid.offset))
                continue;
              tree.insert(op.values, op.tid);
              model.push({ values: op.values, tid: op.tid });
            } else if (op.kind === 'scan') {
              const expected = model.filter((e) => matches(tree, e, op.keys)).sort(order);
              if (op.backward) expected.reverse();
              expect(runScan(tree, op.keys, op.backward).map((e) => [e.values, e.tid])).toEqual(
                expected.map((e) => [e.values, e.tid]),
              );
            }
          }
          expect(checkTree(tree)).toEqual([]);
        }),
        { numRuns: Math.max(10, Math.ceil(RUNS / 20)) },
      );
    });
  }

  it('builds and maintains a tree of 200,000 keys, spilling the sort', () => {
    const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 2048 * 8192 });
    const tree = BTree.create({
      pool,
      rel: REL,
      descriptor: { name: 'big_idx', keys: [{ name: 'k', type: int4 }] },
    });
    const N = 200_000;
    const key = (i: number) => (i * 7919) % 50_000; // four entries per key
    const tuples = Array.from({ length: N }, (_, i) => ({
      tid: { block: Math.floor(i / 100), offset: (i % 100) + 1 },
      values: [key(i)],
    }));
    tree.build(tuples, { memoryBytes: 1024 * 1024 });
    expect(checkTree(tree)).toEqual([]);
    expect(tree.meta().level).toBeGreaterThanOrEqual(1);
    for (let i = N; i < N + 20_000; i++)
      tree.insert([key(i)], { block: Math.floor(i / 100), offset: (i % 100) + 1 });
    const dead = (t: Tid) => t.offset % 3 === 0;
    tree.bulkDelete(dead);
    expect(checkTree(tree)).toEqual([]);
    const scan = tree.beginScan();
    scan.rescan([scanKey(1, Strategy.equal, 1234)]);
    let n = 0;
    for (let r = scan.next(); r !== null; r = scan.next()) {
      expect(r.values).toEqual([1234]);
      expect(dead(r.tid)).toBe(false);
      n++;
    }
    let expected = 0;
    for (let i = 0; i < N + 20_000; i++)
      if (key(i) === 1234 && !dead({ block: Math.floor(i / 100), offset: (i % 100) + 1 }))
        expected++;
    expect(n).toBe(expected);
  }, 60_000);
});
