/**
 * Transparent toasting through the Heap (README "Transparent toasting"):
 * values too big for a row are compressed and moved out of line on insert
 * and update and read back on scan and fetch; the tuple is PostgreSQL's
 * (HEAP_HASEXTERNAL, the 18-byte pointer 01 12 ...); an update that keeps a
 * toasted value keeps its pointer and writes no chunks (TS5); a delete
 * deletes the chunks with its xid, an aborted insert's chunks are never
 * seen (TS4); a model-based run checks values and the chunk count after
 * every transaction; and the 1 GB limit.
 */
import { BTree } from '@pg/btree';
import { LP_NORMAL, Page } from '@pg/page';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { decodeToastPointer, TOAST_MAX_CHUNK_SIZE, ToastStorage } from '@pg/toast';
import { builtins } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDatumSize, Heap } from './internal/heapam.js';
import { FakeTransactions, type FakeXact } from './internal/heapam-model.js';
import { Toaster } from './internal/toaster.js';
import {
  attributeSpans,
  formHeapTuple,
  HEAP_HASEXTERNAL,
  readHeapTupleHeader,
  tupleInfomask,
  tupleXmax,
} from './internal/tuple.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 40);
const MAIN_REL = { spcOid: 1663, dbOid: 5, relNumber: 16900 };
const TOAST_REL = { spcOid: 1663, dbOid: 5, relNumber: 16901 };
const TOAST_INDEX_REL = { spcOid: 1663, dbOid: 5, relNumber: 16902 };
const type = (n: string) => builtins.typeByName(n)!;
/** (id int4, doc text, data bytea, n int8) */
const TYPES = [type('int4'), type('text'), type('bytea'), type('int8')];

function setup(storage?: readonly ToastStorage[]) {
  const smgr = new MemorySmgr();
  smgr.create(MAIN_REL, 0);
  smgr.create(TOAST_REL, 0);
  const pool = new BufferPool({ smgr, sharedBuffers: 256 * 8192 });
  const toastHeap = new Heap({
    pool,
    rel: TOAST_REL,
    types: [type('oid'), type('int4'), type('bytea')],
  });
  const index = BTree.create({
    pool,
    rel: TOAST_INDEX_REL,
    descriptor: {
      name: 'pg_toast_16901_index',
      keys: [
        { name: 'chunk_id', type: type('oid') },
        { name: 'chunk_seq', type: type('int4') },
      ],
      unique: true,
    },
  });
  const toaster = new Toaster({ heap: toastHeap, index, toastRelId: 16901 });
  const heap = new Heap({
    pool,
    rel: MAIN_REL,
    types: TYPES,
    toast: storage ? { toaster, storage } : { toaster },
  });
  const xacts = new FakeTransactions();
  return { heap, toastHeap, toaster, xacts };
}
type T = ReturnType<typeof setup>;

/** Deterministic incompressible bytes (xorshift). */
function noise(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed | 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}

/** Compressible text of n characters. */
function prose(n: number, seed = 0): string {
  const words = ['tuple', 'toast', 'chunk', 'pointer', 'heap', 'page', 'snapshot', 'xmin'];
  let out = '';
  for (let i = 0; out.length < n; i++) out += `${words[(i * 7 + seed) % words.length]} `;
  return out.slice(0, n);
}

/** Chunk tuples on the toast heap's pages, whatever their visibility. */
function chunkTuples(t: T): number {
  let n = 0;
  for (let b = 0; b < t.toastHeap.nblocks(); b++) {
    const page = Page.wrap(t.toastHeap.readCopy(b));
    if (page.isNew()) continue;
    for (let off = 1; off <= page.maxOffsetNumber; off++)
      if (page.itemId(off).flags === LP_NORMAL) n++;
  }
  return n;
}

/** The chunks a snapshot sees, by chunk_id. */
function visibleChunks(t: T, x?: FakeXact): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of t.toastHeap.scan(t.xacts.snapshot(x), t.xacts.context(x))) {
    const id = r.values[0] as number;
    out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

/** The raw item of a main-heap TID. */
function item(t: T, tid: { block: number; offset: number }): Uint8Array {
  return Page.wrap(t.heap.readCopy(tid.block)).mustItem(tid.offset);
}

/** The 18-byte pointers in a main-heap tuple. */
function pointers(_t: T, bytes: Uint8Array): Uint8Array[] {
  const h = readHeapTupleHeader(bytes);
  const data = bytes.subarray(h.hoff);
  return attributeSpans(TYPES, data, h.nullBitmap, h.natts)
    .filter((s) => s !== null && s.varlena === 'external')
    .map((s) => data.slice(s!.offset, s!.offset + s!.size));
}

const row = (id: number, doc: string | null, data: Uint8Array | null) => [
  id,
  doc,
  data,
  BigInt(id),
];

describe('Heap with TOAST: insert and read', () => {
  it('stores small rows byte for byte as formHeapTuple does, big ones toasted', () => {
    const t = setup();
    const x = t.xacts.begin();
    const small = row(1, 'hello', new Uint8Array([1, 2, 3]));
    const tid1 = t.heap.insert(small, x.xid, x.cid);
    const want = formHeapTuple(TYPES, small, { xmin: x.xid, infomask: 0x0800 });
    const got = item(t, tid1);
    expect(Buffer.from(got.subarray(23)).equals(Buffer.from(want.subarray(23)))).toBe(true);
    expect(chunkTuples(t)).toBe(0);

    const big = row(2, prose(100_000), noise(5000, 7)); // doc compresses inline, data goes out
    const tid2 = t.heap.insert(big, x.xid, x.cid);
    const bytes = item(t, tid2);
    expect(tupleInfomask(bytes) & HEAP_HASEXTERNAL).toBe(HEAP_HASEXTERNAL);
    const ps = pointers(t, bytes);
    expect(ps.length).toBeGreaterThanOrEqual(1);
    for (const p of ps) {
      expect([p[0], p[1]]).toEqual([0x01, 18]); // VARATT_EXTERNAL_ONDISK, vartag 18
      const d = decodeToastPointer(p);
      expect(d.toastRelId).toBe(16901);
    }
    expect(bytes.length).toBeLessThanOrEqual(2032);
    x.cid++;
    const seen = [...t.heap.scan(t.xacts.snapshot(x), t.xacts.context(x))].map((r) => r.values);
    expect(seen).toEqual([small, big]);
    expect(t.heap.fetch(tid2, t.xacts.snapshot(x), t.xacts.context(x))!.values).toEqual(big);
  });

  it('follows each column strategy: EXTERNAL is stored raw out of line, MAIN is compressed inline', () => {
    const t = setup([
      ToastStorage.PLAIN,
      ToastStorage.MAIN,
      ToastStorage.EXTERNAL,
      ToastStorage.PLAIN,
    ]);
    const x = t.xacts.begin();
    const r = row(1, prose(50_000), new TextEncoder().encode(prose(50_000)));
    const tid = t.heap.insert(r, x.xid, x.cid);
    const [p] = pointers(t, item(t, tid));
    expect(pointers(t, item(t, tid))).toHaveLength(1); // MAIN stayed inline
    const d = decodeToastPointer(p!);
    expect(d.rawsize).toBe(50_004);
    expect(d.extsize).toBe(50_000); // EXTERNAL: not compressed
    expect(chunkTuples(t)).toBe(Math.ceil(50_000 / TOAST_MAX_CHUNK_SIZE));
    x.cid++;
    expect(t.heap.fetch(tid, t.xacts.snapshot(x), t.xacts.context(x))!.values).toEqual(r);
  });

  it("an aborted insert's chunks are seen by nobody", () => {
    const t = setup();
    const a = t.xacts.begin();
    t.heap.insert(row(1, null, noise(10_000)), a.xid, a.cid);
    a.cid++;
    expect([...visibleChunks(t, a).values()]).toEqual([Math.ceil(10_000 / 1996)]);
    t.xacts.end(a, false);
    expect(visibleChunks(t).size).toBe(0);
    expect([...t.heap.scan(t.xacts.snapshot(undefined), t.xacts.context(undefined))]).toEqual([]);
  });

  it('a row too big even toasted is 54000; a value over 1 GB - 1 is XX000', () => {
    const t = setup([
      ToastStorage.PLAIN,
      ToastStorage.PLAIN,
      ToastStorage.PLAIN,
      ToastStorage.PLAIN,
    ]);
    const x = t.xacts.begin();
    expect(() => t.heap.insert(row(1, null, noise(9000)), x.xid, x.cid)).toThrow(
      expect.objectContaining({ code: '54000' }),
    );
    // The length check alone (no 1 GB allocation): MaxAllocSize is 0x3fffffff.
    expect(() => checkDatumSize(0x3fffffff)).not.toThrow();
    expect(() => checkDatumSize(0x40000000)).toThrow(
      expect.objectContaining({
        code: 'XX000',
        message: 'invalid memory alloc request size 1073741824',
      }),
    );
  });

  it('round trips a 64 MB value', () => {
    const t = setup();
    const x = t.xacts.begin();
    const big = new Uint8Array(64 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i >>> 12; // compressible
    const tid = t.heap.insert(row(1, null, big), x.xid, x.cid);
    x.cid++;
    const back = t.heap.fetch(tid, t.xacts.snapshot(x), t.xacts.context(x))!
      .values[2] as Uint8Array;
    expect(back.length).toBe(big.length);
    expect(Buffer.from(back).equals(Buffer.from(big))).toBe(true);
  }, 20_000);
});

describe('Heap with TOAST: update and delete', () => {
  it('an update that keeps a toasted value keeps its pointer and writes no chunk (TS5)', () => {
    const t = setup();
    const a = t.xacts.begin();
    const data = noise(20_000, 3);
    const tid = t.heap.insert(row(1, 'v1', data), a.xid, a.cid);
    t.xacts.end(a, true);
    const before = chunkTuples(t);
    const oldPointer = pointers(t, item(t, tid))[0]!;

    const b = t.xacts.begin();
    const r = t.heap.update(tid, row(1, 'v2', data.slice()), t.xacts.writer(b));
    expect(r.result).toBe('TM_Ok');
    const newTid = (r as { tid: { block: number; offset: number } }).tid;
    expect(chunkTuples(t)).toBe(before); // no chunk written
    expect(pointers(t, item(t, newTid))).toEqual([oldPointer]); // the same pointer
    b.cid++;
    // no chunk deleted either
    for (let bl = 0; bl < t.toastHeap.nblocks(); bl++) {
      const page = Page.wrap(t.toastHeap.readCopy(bl));
      for (let off = 1; off <= page.maxOffsetNumber; off++)
        expect(tupleXmax(page.mustItem(off))).toBe(0);
    }
    t.xacts.end(b, true);
    // fetched through the HOT chain's root
    expect(
      t.heap.fetch(tid, t.xacts.snapshot(undefined), t.xacts.context(undefined))!.values,
    ).toEqual(row(1, 'v2', data));
  });

  it('an update that changes it writes new chunks and deletes the old with its xid', () => {
    const t = setup();
    const a = t.xacts.begin();
    const tid = t.heap.insert(row(1, null, noise(20_000, 3)), a.xid, a.cid);
    t.xacts.end(a, true);
    const before = chunkTuples(t);
    const oldId = decodeToastPointer(pointers(t, item(t, tid))[0]!).valueId;

    const b = t.xacts.begin();
    const r = t.heap.update(tid, row(1, null, noise(20_000, 4)), t.xacts.writer(b));
    expect(r.result).toBe('TM_Ok');
    expect(chunkTuples(t)).toBe(2 * before);
    // the old value's chunks carry the updater's xid as xmax
    const xmaxes = new Set<number>();
    for (const rr of t.toastHeap.scan(t.xacts.snapshot(undefined), t.xacts.context(undefined))) {
      if (rr.values[0] !== oldId) continue;
      xmaxes.add(tupleXmax(Page.wrap(t.toastHeap.readCopy(rr.tid.block)).mustItem(rr.tid.offset)));
    }
    expect([...xmaxes]).toEqual([b.xid]);
    expect(visibleChunks(t).get(oldId)).toBe(before); // still seen by others until b commits
    t.xacts.end(b, true);
    expect(visibleChunks(t).get(oldId)).toBeUndefined();
    expect([...visibleChunks(t).values()]).toEqual([before]);
    expect(
      t.heap.scan(t.xacts.snapshot(undefined), t.xacts.context(undefined)).next().value!.values,
    ).toEqual(row(1, null, noise(20_000, 4)));
  });

  it("a delete deletes the row's chunks with its xid; an aborted delete leaves them", () => {
    const t = setup();
    const a = t.xacts.begin();
    const r1 = row(1, prose(30_000), noise(9000, 1));
    const tid = t.heap.insert(r1, a.xid, a.cid);
    t.xacts.end(a, true);
    const n = [...visibleChunks(t).values()].reduce((s, v) => s + v, 0);
    expect(n).toBeGreaterThan(0);

    const d1 = t.xacts.begin();
    expect(t.heap.delete(tid, t.xacts.writer(d1)).result).toBe('TM_Ok');
    t.xacts.end(d1, false);
    expect([...visibleChunks(t).values()].reduce((s, v) => s + v, 0)).toBe(n);
    expect(
      t.heap.fetch(tid, t.xacts.snapshot(undefined), t.xacts.context(undefined))!.values,
    ).toEqual(r1);

    const d2 = t.xacts.begin();
    expect(t.heap.delete(tid, t.xacts.writer(d2)).result).toBe('TM_Ok');
    let deletedBy = 0;
    for (let bl = 0; bl < t.toastHeap.nblocks(); bl++) {
      const page = Page.wrap(t.toastHeap.readCopy(bl));
      for (let off = 1; off <= page.maxOffsetNumber; off++)
        if (tupleXmax(page.mustItem(off)) === d2.xid) deletedBy++;
    }
    expect(deletedBy).toBe(n);
    t.xacts.end(d2, true);
    expect(visibleChunks(t).size).toBe(0);
  });
});

// ------------------------------------------------------------ model-based

type Op =
  | { kind: 'insert'; doc: number; data: number }
  | { kind: 'updateKeep'; pick: number }
  | { kind: 'updateChange'; pick: number; doc: number; data: number }
  | { kind: 'delete'; pick: number };

/** Value sizes: inline, inline compressed, out of line (compressible and not). */
const SIZES = [0, 50, 3000, 12_000, 40_000];
const docOf = (size: number, seed: number) => (size === 0 ? null : prose(size, seed));
const dataOf = (size: number, seed: number) => (size === 0 ? null : noise(size, seed));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    doc: fc.constantFrom(...SIZES),
    data: fc.constantFrom(...SIZES),
  }),
  fc.record({ kind: fc.constant('updateKeep' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('updateChange' as const),
    pick: fc.nat(),
    doc: fc.constantFrom(...SIZES),
    data: fc.constantFrom(...SIZES),
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
);

describe('Heap with TOAST: model-based', () => {
  it('reads back exactly the committed values, and the chunks seen are exactly those of the rows seen', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ ops: fc.array(opArb, { minLength: 1, maxLength: 4 }), commit: fc.boolean() }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        (txns) => {
          const t = setup();
          /** id → [tid, row] of the committed state */
          let model = new Map<number, { tid: { block: number; offset: number }; row: unknown[] }>();
          let nextId = 1;
          let seed = 1;
          for (const txn of txns) {
            const x = t.xacts.begin();
            const cur = new Map(model);
            for (const op of txn.ops) {
              const ids = [...cur.keys()];
              const victim =
                ids.length > 0 && 'pick' in op ? ids[op.pick % ids.length]! : undefined;
              if (op.kind === 'insert') {
                const r = row(nextId, docOf(op.doc, seed), dataOf(op.data, seed));
                seed++;
                cur.set(nextId, { tid: t.heap.insert(r, x.xid, x.cid), row: r });
                nextId++;
              } else if (victim !== undefined) {
                const v = cur.get(victim)!;
                if (op.kind === 'delete') {
                  expect(t.heap.delete(v.tid, t.xacts.writer(x)).result).toBe('TM_Ok');
                  cur.delete(victim);
                } else {
                  const r =
                    op.kind === 'updateKeep'
                      ? [v.row[0], v.row[1], v.row[2], (v.row[3] as bigint) + 1n]
                      : row(victim, docOf(op.doc, seed), dataOf(op.data, seed++));
                  const res = t.heap.update(v.tid, r, t.xacts.writer(x));
                  expect(res.result).toBe('TM_Ok');
                  cur.set(victim, {
                    tid: (res as { tid: { block: number; offset: number } }).tid,
                    row: r,
                  });
                }
              }
              x.cid++;
            }
            t.xacts.end(x, txn.commit);
            if (txn.commit) model = cur;
            // what a new snapshot sees
            const seen = [...t.heap.scan(t.xacts.snapshot(undefined), t.xacts.context(undefined))];
            const byId = new Map(seen.map((r) => [r.values[0] as number, r.values]));
            expect(byId).toEqual(new Map([...model].map(([id, v]) => [id, v.row])));
            // every visible chunk belongs to a pointer of a visible row, and every pointer's chunks are seen
            const want = new Map<number, number>();
            for (const r of seen)
              for (const p of pointers(t, item(t, r.tid))) {
                const d = decodeToastPointer(p);
                want.set(d.valueId, Math.ceil(d.extsize / TOAST_MAX_CHUNK_SIZE));
              }
            expect(visibleChunks(t)).toEqual(want);
          }
        },
      ),
      { numRuns: RUNS },
    );
  }, 60_000);
});
