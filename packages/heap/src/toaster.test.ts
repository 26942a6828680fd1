/**
 * Out-of-line TOAST storage: round trips under every strategy, the chunk
 * layout (TS1, TS2), corruption of the chunk set (XX001 with PostgreSQL's
 * messages), the policy's choices, an update that keeps a pointer (TS5),
 * visibility following the row's transaction (TS4), and a model-based run
 * of store / read / delete against a Map.
 */
import { BTree } from '@pg/btree';
import { BufferPool, MemorySmgr } from '@pg/storage';
import {
  decodeToastPointer,
  decodeVarlena,
  decompressDatum,
  TOAST_MAX_CHUNK_SIZE,
  ToastError,
  ToastStorage,
  toastCompressDatum,
  toastPointerIsCompressed,
} from '@pg/toast';
import { builtins } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Heap } from './internal/heapam.js';
import { FakeTransactions, type FakeXact } from './internal/heapam-model.js';
import { Toaster } from './internal/toaster.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);
const HEAP_REL = { spcOid: 1663, dbOid: 5, relNumber: 16801 };
const INDEX_REL = { spcOid: 1663, dbOid: 5, relNumber: 16802 };
const TYPES = ['oid', 'int4', 'bytea'].map((n) => builtins.typeByName(n)!);

function setup() {
  const smgr = new MemorySmgr();
  smgr.create(HEAP_REL, 0);
  const pool = new BufferPool({ smgr, sharedBuffers: 512 * 8192 });
  const heap = new Heap({ pool, rel: HEAP_REL, types: TYPES });
  const index = BTree.create({
    pool,
    rel: INDEX_REL,
    descriptor: {
      name: 'pg_toast_16800_index',
      keys: [
        { name: 'chunk_id', type: TYPES[0]! },
        { name: 'chunk_seq', type: TYPES[1]! },
      ],
      unique: true,
    },
  });
  const toaster = new Toaster({ heap, index, toastRelId: 16800 });
  const xacts = new FakeTransactions();
  const io = (x: FakeXact) => ({
    writer: xacts.writer(x),
    reader: { snapshot: xacts.snapshot(x), ctx: xacts.context(x) },
  });
  const reader = (x?: FakeXact) => ({ snapshot: xacts.snapshot(x), ctx: xacts.context(x) });
  return { heap, index, toaster, xacts, io, reader };
}

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

function text(n: number): Uint8Array {
  const phrase = new TextEncoder().encode('PostgreSQL stores oversized attributes out of line. ');
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = phrase[i % phrase.length]!;
  return out;
}

function chunksOf(t: ReturnType<typeof setup>, valueId: number, x?: FakeXact) {
  const out: { seq: number; len: number }[] = [];
  for (const row of t.heap.scan(t.xacts.snapshot(x), t.xacts.context(x))) {
    const [id, seq, data] = row.values as [number, number, Uint8Array];
    if (id === valueId) out.push({ seq, len: data.length });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

function expectXX001(f: () => unknown, message: RegExp) {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ToastError);
  expect((err as ToastError).code).toBe('XX001');
  expect((err as ToastError).message).toMatch(message);
}

describe('Toaster: one value', () => {
  const sizes = [5, 100, 2000, 2100, 1996 * 3, 1996 * 3 + 1, 100_000, 3_000_000];
  for (const storage of Object.values(ToastStorage)) {
    for (const kind of ['compressible', 'incompressible'] as const) {
      it(`round trips ${kind} values under ${storage}`, () => {
        const t = setup();
        const x = t.xacts.begin();
        const seenForms = new Set<string>();
        for (const n of sizes) {
          if (storage === ToastStorage.PLAIN && n > 8000) continue; // would not fit a page
          const raw = kind === 'compressible' ? text(n) : noise(n, n);
          const { writer, reader } = t.io(x);
          const { datum, form } = t.toaster.toastValue(raw, storage, writer, reader);
          x.cid++; // CommandCounterIncrement: our chunks become visible to us
          // What the policy must choose, by PostgreSQL's rules: a datum of
          // more than 2032 - 24 bytes is toasted; compressing first where the
          // strategy allows and the result is kept (toast_compress_datum).
          const plainSize = n + 4;
          const c = storage === ToastStorage.EXTERNAL ? null : toastCompressDatum(raw);
          let want: string;
          if (plainSize <= 2008 || storage === ToastStorage.PLAIN)
            want = n + 1 <= 127 && storage !== ToastStorage.PLAIN ? 'short' : 'plain';
          else if (storage === ToastStorage.MAIN)
            want =
              c !== null
                ? c.length <= 8136
                  ? 'compressed'
                  : 'external'
                : plainSize <= 8136
                  ? 'plain'
                  : 'external';
          else want = c !== null && c.length <= 2008 ? 'compressed' : 'external';
          expect(form).toBe(want);
          seenForms.add(form);
          expect(kind === 'incompressible' ? c : null).toBeNull();
          const read =
            form === 'external'
              ? t.toaster.detoast(datum, t.reader(x))
              : (() => {
                  const { value } = decodeVarlena(datum, 0);
                  if (value.kind === 'compressed') return decompressDatum(value);
                  if (value.kind === 'plain' || value.kind === 'short') return value.data;
                  throw new Error(`unexpected ${value.kind}`);
                })();
          if (form === 'external') {
            const p = decodeToastPointer(datum);
            expect(datum.length).toBe(18);
            expect(p.rawsize).toBe(n + 4);
            expect(p.toastRelId).toBe(16800);
            expect(toastPointerIsCompressed(p)).toBe(c !== null);
            const chunks = chunksOf(t, p.valueId, x);
            const count = Math.ceil(p.extsize / TOAST_MAX_CHUNK_SIZE);
            expect(chunks.map((c) => c.seq)).toEqual([...Array(count).keys()]); // TS1
            expect(chunks.slice(0, -1).every((c) => c.len === 1996)).toBe(true);
            expect(chunks.at(-1)!.len).toBe(p.extsize - (count - 1) * 1996);
          }
          expect(Buffer.from(read).equals(Buffer.from(raw))).toBe(true);
        }
        if (storage !== ToastStorage.PLAIN) expect(seenForms).toContain('external');
        if (
          storage !== ToastStorage.PLAIN &&
          storage !== ToastStorage.EXTERNAL &&
          kind === 'compressible'
        )
          expect(seenForms).toContain('compressed');
      });
    }
  }

  it('a value of exactly k chunks has k chunks of 1996 bytes', () => {
    const t = setup();
    const x = t.xacts.begin();
    for (const k of [1, 2, 5]) {
      const raw = noise(k * 1996, k);
      const p = t.toaster.saveRaw(raw, t.xacts.writer(x));
      x.cid++;
      const chunks = chunksOf(t, decodeToastPointer(p).valueId, x);
      expect(chunks).toEqual([...Array(k).keys()].map((seq) => ({ seq, len: 1996 })));
      expect(Buffer.from(t.toaster.detoast(p, t.reader(x))).equals(Buffer.from(raw))).toBe(true);
    }
  });
});

describe('Toaster: corruption', () => {
  function stored() {
    const t = setup();
    const x = t.xacts.begin();
    const p = t.toaster.saveRaw(noise(1996 * 3 + 10), t.xacts.writer(x));
    t.xacts.end(x, true);
    return { t, p, id: decodeToastPointer(p).valueId };
  }

  it('a missing chunk is XX001 "missing chunk number"', () => {
    const { t, p, id } = stored();
    // Delete chunk 1 behind the toaster's back, committed.
    const d = t.xacts.begin();
    const victim = [...t.heap.scan(t.xacts.snapshot(d), t.xacts.context(d))].find(
      (r) => r.values[0] === id && r.values[1] === 1,
    )!;
    expect(t.heap.delete(victim.tid, t.xacts.writer(d)).result).toBe('TM_Ok');
    t.xacts.end(d, true);
    expectXX001(
      () => t.toaster.detoast(p, t.reader()),
      /^unexpected chunk number 2 \(expected 1\) for toast value \d+ in pg_toast_16800$/,
    );
    // The last one missing: the count check.
    const d2 = t.xacts.begin();
    for (const r of t.heap.scan(t.xacts.snapshot(d2), t.xacts.context(d2)))
      if (r.values[0] === id && (r.values[1] as number) >= 1)
        t.heap.delete(r.tid, t.xacts.writer(d2));
    t.xacts.end(d2, true);
    expectXX001(
      () => t.toaster.detoast(p, t.reader()),
      new RegExp(`^missing chunk number 1 for toast value ${id} in pg_toast_16800$`),
    );
  });

  it('an extra chunk and a wrongly sized chunk are XX001', () => {
    const { t, p, id } = stored();
    const x = t.xacts.begin();
    const tid = t.heap.insert([id, 4, new Uint8Array(5)], x.xid, 0);
    t.index.insert([id, 4], tid, { unique: 'no' });
    t.xacts.end(x, true);
    expectXX001(() => t.toaster.detoast(p, t.reader()), /out of range 0\.\.3/);

    const s = stored();
    const y = s.t.xacts.begin();
    const sp = decodeToastPointer(s.p);
    // A pointer claiming one byte more than stored: the last chunk is short.
    const bad = new Uint8Array(s.p);
    new DataView(bad.buffer).setUint32(2, sp.rawsize + 1, true);
    new DataView(bad.buffer).setUint32(6, sp.extsize + 1, true);
    expectXX001(
      () => s.t.toaster.detoast(bad, s.t.reader(y)),
      /^unexpected chunk size 10 \(expected 11\) in chunk 3 of 4 for toast value \d+ in pg_toast_16800$/,
    );
  });
});

describe('Toaster: tuples, updates, visibility', () => {
  it('moves the biggest EXTENDED column out first and leaves small ones inline', () => {
    const t = setup();
    const x = t.xacts.begin();
    const { writer, reader } = t.io(x);
    const r = t.toaster.toastTuple(
      [
        { storage: ToastStorage.EXTENDED, value: noise(1500, 3) },
        { storage: ToastStorage.EXTENDED, value: noise(1200, 4) },
        { storage: ToastStorage.EXTENDED, value: text(40) },
      ],
      writer,
      reader,
    );
    expect(r.forms).toEqual(['external', 'plain', 'short']);
    expect(r.tupleLength).toBeLessThanOrEqual(2032);
  });

  it('moves a value still too big after pass 1 out at once, before compressing the next', () => {
    const t = setup();
    const x = t.xacts.begin();
    const { writer, reader } = t.io(x);
    // PostgreSQL's pass 1 externalizes the 2500-byte incompressible value as
    // soon as it is found too big alone, after which the tuple fits and the
    // compressible 1900-byte value is never compressed.
    const r = t.toaster.toastTuple(
      [
        { storage: ToastStorage.EXTENDED, value: noise(2500, 5) },
        { storage: ToastStorage.EXTENDED, value: text(1900) },
      ],
      writer,
      reader,
    );
    expect(r.forms).toEqual(['external', 'plain']);
    // MAIN values are compressed only after EXTENDED/EXTERNAL ones are moved out.
    const m = t.toaster.toastTuple(
      [
        { storage: ToastStorage.MAIN, value: text(1500) },
        { storage: ToastStorage.EXTERNAL, value: text(1500) },
      ],
      writer,
      reader,
    );
    expect(m.forms).toEqual(['plain', 'external']);
  });

  it('an update that keeps a toasted column reuses its pointer and copies no chunks (TS5)', () => {
    const t = setup();
    const x = t.xacts.begin();
    const big = noise(10_000, 9);
    const first = t.toaster.toastTuple(
      [
        { storage: ToastStorage.EXTENDED, value: big },
        { storage: ToastStorage.EXTENDED, value: text(10) },
      ],
      ...(Object.values(t.io(x)) as [never, never]),
    );
    t.xacts.end(x, true);
    const chunkRows = () =>
      [...t.heap.scan(t.xacts.snapshot(undefined), t.xacts.context(undefined))].length;
    const before = chunkRows();
    expect(before).toBe(6);
    const y = t.xacts.begin();
    const { writer, reader } = t.io(y);
    const second = t.toaster.toastTuple(
      [
        { storage: ToastStorage.EXTENDED, pointer: first.datums[0]! },
        { storage: ToastStorage.EXTENDED, value: text(20) },
      ],
      writer,
      reader,
      { old: first.datums },
    );
    expect(second.datums[0]).toEqual(first.datums[0]);
    expect(second.deleted).toEqual([]);
    t.xacts.end(y, true);
    expect(chunkRows()).toBe(before);
    // Changing it instead writes a new value and deletes the old chunks with the updater.
    const z = t.xacts.begin();
    const io = t.io(z);
    const third = t.toaster.toastTuple(
      [
        { storage: ToastStorage.EXTENDED, value: noise(10_000, 10) },
        { storage: ToastStorage.EXTENDED, value: text(20) },
      ],
      io.writer,
      io.reader,
      { old: second.datums },
    );
    expect(third.deleted).toEqual([first.datums[0]]);
    // Visibility follows the row's transaction (TS4): before z commits,
    // a new reader still reads the old value and does not see the new one.
    expect(
      Buffer.from(t.toaster.detoast(first.datums[0]!, t.reader())).equals(Buffer.from(big)),
    ).toBe(true);
    expectXX001(() => t.toaster.detoast(third.datums[0]!, t.reader()), /missing chunk number 0/);
    t.xacts.end(z, true);
    expectXX001(() => t.toaster.detoast(first.datums[0]!, t.reader()), /missing chunk number 0/);
    expect(t.toaster.detoast(third.datums[0]!, t.reader()).length).toBe(10_000);
  });

  it('an aborted store leaves nothing visible, and its OID is not reused', () => {
    const t = setup();
    const x = t.xacts.begin();
    const p = t.toaster.saveRaw(noise(3000), t.xacts.writer(x));
    t.xacts.end(x, false);
    expectXX001(() => t.toaster.detoast(p, t.reader()), /missing chunk number 0/);
    const y = t.xacts.begin();
    const q = t.toaster.saveRaw(noise(3000), t.xacts.writer(y));
    expect(decodeToastPointer(q).valueId).toBe(decodeToastPointer(p).valueId + 1);
  });
});

describe('Toaster against a Map (model-based)', () => {
  it('stores, reads and deletes values as a Map of id to bytes does', () => {
    type Op =
      | { kind: 'store'; size: number; seed: number; compressible: boolean; storage: ToastStorage }
      | { kind: 'read'; pick: number }
      | { kind: 'delete'; pick: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('store' as const),
        size: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 3000, max: 30_000 })),
        seed: fc.integer({ min: 1, max: 1 << 30 }),
        compressible: fc.boolean(),
        storage: fc.constantFrom(ToastStorage.EXTENDED, ToastStorage.EXTERNAL, ToastStorage.MAIN),
      }),
      fc.record({ kind: fc.constant('read' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), (ops) => {
        const t = setup();
        const model = new Map<string, { datum: Uint8Array; raw: Uint8Array }>();
        let n = 0;
        for (const op of ops) {
          const x = t.xacts.begin();
          const { writer, reader } = t.io(x);
          const keys = [...model.keys()];
          if (op.kind === 'store') {
            const raw = op.compressible ? text(op.size) : noise(op.size, op.seed);
            const { datum } = t.toaster.toastValue(raw, op.storage, writer, reader);
            model.set(String(n++), { datum, raw });
          } else if (keys.length > 0) {
            const key = keys[op.pick % keys.length]!;
            const v = model.get(key)!;
            if (op.kind === 'delete') {
              if (v.datum[0] === 0x01) {
                const p = decodeToastPointer(v.datum);
                expect(t.toaster.deleteValue(v.datum, writer, reader.snapshot)).toBe(
                  Math.ceil(p.extsize / 1996),
                );
              }
              model.delete(key);
            }
          }
          t.xacts.end(x, true);
          // Every stored value reads back; deleted ones are gone.
          for (const v of model.values()) {
            if (v.datum[0] !== 0x01) continue;
            const got = t.toaster.detoast(v.datum, t.reader());
            expect(Buffer.from(got).equals(Buffer.from(v.raw))).toBe(true);
          }
        }
        const live = [...model.values()]
          .filter((v) => v.datum[0] === 0x01)
          .reduce((s, v) => s + Math.ceil(decodeToastPointer(v.datum).extsize / 1996), 0);
        expect(
          [...t.heap.scan(t.xacts.snapshot(undefined), t.xacts.context(undefined))].length,
        ).toBe(live);
      }),
      { numRuns: Math.max(10, Math.ceil(RUNS / 10)) },
    );
  });
});
