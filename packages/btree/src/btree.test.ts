import { type HeapTupleStatus, Strategy, scanKey, type Tid, TidBitmap } from '@pg/access';
import { BTP_DELETED, BTree, type XidHorizon } from '@pg/btree';
import { checkTree } from '@pg/btree/testing';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { builtins, SqlError } from '@pg/types';
import { describe, expect, it } from 'vitest';

const int4 = builtins.typeByName('int4')!;
const text = builtins.typeByName('text')!;
const REL = { spcOid: 1663, dbOid: 5, relNumber: 16700 };
const tid = (i: number): Tid => ({ block: Math.floor(i / 100), offset: (i % 100) + 1 });

function tree(
  options: {
    unique?: boolean;
    include?: boolean;
    nullsNotDistinct?: boolean;
    horizon?: XidHorizon;
  } = {},
) {
  const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 256 * 8192 });
  return BTree.create({
    pool,
    rel: REL,
    descriptor: {
      name: 't_pkey',
      keys: [{ name: 'id', type: int4 }],
      ...(options.include ? { include: [{ name: 'note', type: text }] } : {}),
      ...(options.unique ? { unique: true } : {}),
      ...(options.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
    },
    ...(options.horizon ? { horizon: options.horizon } : {}),
  });
}

function collect(
  t: BTree,
  keys: Parameters<ReturnType<BTree['beginScan']>['rescan']>[0],
  backward = false,
): unknown[] {
  const scan = t.beginScan();
  scan.rescan(keys);
  const out: unknown[] = [];
  for (
    let r = scan.next(backward ? 'backward' : 'forward');
    r;
    r = scan.next(backward ? 'backward' : 'forward')
  ) {
    out.push(r.values![0]);
  }
  scan.end();
  return out;
}

describe('unique indexes', () => {
  it("refuse a duplicate live key with 23505 and PostgreSQL's message", () => {
    const t = tree({ unique: true });
    for (let i = 0; i < 1000; i++) t.insert([i], tid(i));
    let error: unknown;
    try {
      t.insert([500], tid(5000));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).code).toBe('23505');
    expect((error as SqlError).message).toBe(
      'duplicate key value violates unique constraint "t_pkey"',
    );
    expect((error as SqlError).detail).toBe('Key (id)=(500) already exists.');
    expect(checkTree(t)).toEqual([]);
  });

  it('let a key in whose equal entries are dead, and make the inserter wait for one in progress', () => {
    const t = tree({ unique: true });
    for (let i = 0; i < 300; i++) t.insert([i], tid(i));
    const status = new Map<string, HeapTupleStatus>([
      [`${tid(7).block}/${tid(7).offset}`, { kind: 'dead' }],
    ]);
    const heapStatus = (x: Tid): HeapTupleStatus =>
      status.get(`${x.block}/${x.offset}`) ?? { kind: 'live' };
    expect(t.insert([7], tid(1000), { heapStatus })).toEqual({ kind: 'inserted' });
    status.set(`${tid(8).block}/${tid(8).offset}`, { kind: 'in-progress', xid: 742 });
    expect(t.insert([8], tid(1001), { heapStatus })).toEqual({ kind: 'wait', xid: 742 });
    // Nothing was inserted for the waiting one.
    expect(collect(t, [scanKey(1, Strategy.equal, 8)])).toEqual([8]);
    expect(collect(t, [scanKey(1, Strategy.equal, 7)])).toEqual([7, 7]);
    expect(t.insert([8], tid(1002), { unique: 'partial' })).toEqual({ kind: 'maybe-conflict' });
  });

  it('treat NULLs as distinct, unless NULLS NOT DISTINCT', () => {
    const distinct = tree({ unique: true });
    distinct.insert([null], tid(1));
    expect(distinct.insert([null], tid(2))).toEqual({ kind: 'inserted' });
    const notDistinct = tree({ unique: true, nullsNotDistinct: true });
    notDistinct.insert([null], tid(1));
    expect(() => notDistinct.insert([null], tid(2))).toThrow(
      'duplicate key value violates unique constraint "t_pkey"',
    );
  });

  it('check duplicates across a bulk build', () => {
    const t = tree({ unique: true });
    expect(() => t.build([1, 2, 3, 2].map((v, i) => ({ tid: tid(i), values: [v] })))).toThrow(
      expect.objectContaining({ code: '23505', detail: 'Key (id)=(2) already exists.' }),
    );
  });
});

describe('scans', () => {
  it('return INCLUDE columns for index-only scans, and fill bitmaps', () => {
    const t = tree({ include: true });
    for (let i = 0; i < 2000; i++) t.insert([i % 500, `note ${i}`], tid(i));
    const scan = t.beginScan();
    scan.rescan([scanKey(1, Strategy.equal, 42)]);
    const rows: unknown[][] = [];
    for (let r = scan.next(); r; r = scan.next()) rows.push([...r.values!]);
    expect(rows).toEqual([42, 542, 1042, 1542].map((i) => [42, `note ${i}`]));
    expect(t.canReturn(2)).toBe(true);
    const bitmap = new TidBitmap();
    scan.rescan([scanKey(1, Strategy.less, 10)]);
    expect(scan.getBitmap(bitmap)).toBe(40);
    expect(bitmap.exactTids()).toHaveLength(40);
  });

  it('turn around in the middle, and return to a marked position', () => {
    const t = tree();
    for (let i = 0; i < 5000; i++) t.insert([i], tid(i));
    const scan = t.beginScan();
    scan.rescan([scanKey(1, Strategy.greaterEqual, 100)]);
    const seen: unknown[] = [];
    for (let i = 0; i < 600; i++) seen.push(scan.next('forward')!.values![0]);
    expect(seen.at(-1)).toBe(699);
    scan.markPosition();
    expect(scan.next('backward')!.values![0]).toBe(698);
    expect(scan.next('backward')!.values![0]).toBe(697);
    expect(scan.next('forward')!.values![0]).toBe(698);
    scan.restorePosition();
    expect(scan.next('forward')!.values![0]).toBe(700);
    // Backward from the start runs off the lower bound.
    scan.rescan([scanKey(1, Strategy.greaterEqual, 100), scanKey(1, Strategy.less, 103)]);
    expect(
      [
        scan.next('backward'),
        scan.next('backward'),
        scan.next('backward'),
        scan.next('backward'),
      ].map((r) => (r === null ? null : r.values![0])),
    ).toEqual([102, 101, 100, null]);
  });

  it('skip entries a scan found dead, and drop them when a page needs room', () => {
    const t = tree();
    for (let i = 0; i < 3000; i++) t.insert([i], tid(i));
    const scan = t.beginScan();
    scan.rescan([scanKey(1, Strategy.less, 200)]);
    for (let r = scan.next(); r; r = scan.next())
      if ((r.values![0] as number) % 2 === 0) scan.killPrior();
    expect(collect(t, [scanKey(1, Strategy.less, 10)])).toEqual([1, 3, 5, 7, 9]);
    // Inserting into the full pages with killed items removes them instead of splitting.
    const splits = t.stats.splits;
    for (let i = 0; i < 100; i++) t.insert([i], tid(10000 + i));
    expect(t.stats.killedRemoved).toBeGreaterThan(0);
    expect(t.stats.splits).toBe(splits);
    expect(checkTree(t)).toEqual([]);
  });
});

describe('vacuum', () => {
  it('deletes empty pages and recycles them once no scan can reach them', () => {
    let next = 100n;
    let oldest = 100n;
    const horizon: XidHorizon = { nextXid: () => next, oldestXmin: () => oldest };
    const t = tree({ horizon });
    for (let i = 0; i < 20000; i++) t.insert([i], tid(i));
    const r = t.bulkDelete((x) => x.block >= 20 && x.block < 150);
    expect(r.tuplesRemoved).toBe(13000);
    expect(r.pagesNewlyDeleted).toBeGreaterThan(20);
    expect(checkTree(t)).toEqual([]);
    expect(
      collect(t, [scanKey(1, Strategy.greaterEqual, 1990), scanKey(1, Strategy.less, 15010)]),
    ).toEqual([
      ...Array.from({ length: 10 }, (_, i) => 1990 + i),
      ...Array.from({ length: 10 }, (_, i) => 15000 + i),
    ]);
    // Not yet recyclable: a snapshot older than the deletion may still be scanning.
    const again = t.bulkDelete(() => false);
    expect(again.pagesFree).toBe(0);
    next = 200n;
    oldest = 150n;
    const later = t.bulkDelete(() => false);
    expect(later.pagesFree).toBe(r.pagesNewlyDeleted);
    const blocks = t.pool.smgr.nblocks(REL, 0);
    for (let i = 0; i < 5000; i++) t.insert([1000 + i * 3 + 1], tid(100000 + i));
    expect(t.stats.pagesReused).toBeGreaterThan(0);
    expect(t.pool.smgr.nblocks(REL, 0)).toBeLessThan(blocks + 15);
    expect(checkTree(t)).toEqual([]);
    let deleted = 0;
    for (let b = 1; b < t.pool.smgr.nblocks(REL, 0); b++) {
      const bytes = t.readCopy(b);
      if ((bytes[8192 - 16 + 12]! | (bytes[8192 - 16 + 13]! << 8)) & BTP_DELETED) deleted++;
    }
    expect(deleted).toBeLessThan(r.pagesNewlyDeleted);
  });
});

describe('errors', () => {
  it('refuse a row too large for a B-tree page (54000)', () => {
    const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 64 * 8192 });
    const t = BTree.create({
      pool,
      rel: REL,
      descriptor: { name: 'big', keys: [{ name: 't', type: text }] },
    });
    expect(() => t.insert(['x'.repeat(3000)], tid(1))).toThrow(
      expect.objectContaining({
        code: '54000',
        message: 'index row size 3016 exceeds btree version 4 maximum 2704 for index "big"',
      }),
    );
  });
});

describe('a cached root', () => {
  it('stays usable after another handle on the same index splits the root', () => {
    const pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 256 * 8192 });
    const descriptor = { name: 'shared', keys: [{ name: 'k', type: int4 }] };
    const a = BTree.create({ pool, rel: REL, descriptor });
    for (let i = 0; i < 100; i++) a.insert([i * 1000], tid(i));
    const b = new BTree({ pool, rel: REL, descriptor });
    for (let i = 0; i < 60000; i++) b.insert([i], tid(1000 + i));
    expect(b.meta().level).toBeGreaterThanOrEqual(1);
    // `a` still descends from the old root, which is now the leftmost leaf.
    for (let i = 0; i < 20000; i++) a.insert([99_999_000 - i], tid(100_000 + i));
    expect(checkTree(a)).toEqual([]);
    expect(collect(a, [scanKey(1, Strategy.greater, 99_998_995)])).toEqual([
      99_998_996, 99_998_997, 99_998_998, 99_998_999, 99_999_000,
    ]);
  });
});
