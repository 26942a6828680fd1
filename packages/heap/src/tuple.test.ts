/**
 * Heap tuples: property round trips over random mixes of column types and
 * NULLs (form -> check invariants T1..T9 -> read header -> deform), the
 * header setters and the HEAP_XMAX_* predicates against PostgreSQL's
 * macros, heap page limits, and corrupt bytes (every corruption is a clear
 * XX001 error, never a crash or a wrong length).
 */
import type { Tid } from '@pg/access';
import {
  addHeapTuple,
  deformHeapTuple,
  effectiveXmin,
  FROZEN_TRANSACTION_ID,
  formHeapTuple,
  HEAP_COMBOCID,
  HEAP_HASEXTERNAL,
  HEAP_HASNULL,
  HEAP_HASVARWIDTH,
  HEAP_HOT_UPDATED,
  HEAP_KEYS_UPDATED,
  HEAP_MOVED_OFF,
  HEAP_NATTS_MASK,
  HEAP_ONLY_TUPLE,
  HEAP_UPDATED,
  HEAP_XMAX_COMMITTED,
  HEAP_XMAX_EXCL_LOCK,
  HEAP_XMAX_INVALID,
  HEAP_XMAX_IS_MULTI,
  HEAP_XMAX_KEYSHR_LOCK,
  HEAP_XMAX_LOCK_ONLY,
  HEAP_XMAX_SHR_LOCK,
  HEAP_XMIN_COMMITTED,
  HEAP_XMIN_FROZEN,
  HEAP_XMIN_INVALID,
  HeapTupleError,
  heapFreeSpace,
  indicatesMovedPartitions,
  isHeapOnly,
  isHotUpdated,
  isSpeculative,
  lockedUpgraded,
  MAX_HEAP_TUPLE_SIZE,
  MAX_HEAP_TUPLES_PER_PAGE,
  putHeapTuple,
  readHeapTupleHeader,
  setTupleCtid,
  setTupleXmaxAndBits,
  targetPageFreeSpace,
  tupleCid,
  tupleCtid,
  tupleInfomask,
  tupleInfomask2,
  tupleXmax,
  tupleXmin,
  updateInfomask,
  updateInfomask2,
  xmaxIsExclLocked,
  xmaxIsKeyShrLocked,
  xmaxIsLockedOnly,
  xmaxIsShrLocked,
  xminCommitted,
  xminFrozen,
  xminInvalid,
} from '@pg/heap';
import { checkHeapTuple } from '@pg/heap/testing';
import { Page } from '@pg/page';
import { type AnyPgType, builtins, defaultContext, SqlError } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 200);
const ctx = defaultContext();

function typ(name: string): AnyPgType {
  const t = builtins.typeByName(name);
  if (!t) throw new Error(`no type ${name}`);
  return t;
}

const text = fc.string({ unit: 'grapheme', maxLength: 160 }).filter((s) => !s.includes('\u0000'));
const quoted = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/** Each column type with an arbitrary of its text literals. */
const COLUMNS: ReadonlyArray<readonly [string, fc.Arbitrary<string>]> = [
  ['int2', fc.integer({ min: -32768, max: 32767 }).map(String)],
  ['int4', fc.integer().map(String)],
  ['int8', fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String)],
  [
    'float8',
    fc.double().map((d) => (Object.is(d, -0) ? '-0' : Number.isNaN(d) ? 'NaN' : String(d))),
  ],
  ['bool', fc.constantFrom('t', 'f')],
  ['text', text],
  ['varchar', text],
  [
    'name',
    fc.string({ unit: 'grapheme-ascii', maxLength: 63 }).filter((s) => !s.includes('\u0000')),
  ],
  [
    'numeric',
    fc.oneof(
      fc
        .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.nat(99999))
        .map(([i, f]) => `${i}.${String(f).padStart(5, '0')}`),
      fc.constantFrom('NaN', 'Infinity', '-Infinity', '0', '1e-20', '9'.repeat(80)),
    ),
  ],
  [
    'timestamp',
    fc.oneof(
      fc
        .date({ min: new Date('0100-01-01'), max: new Date('9999-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().replace('T', ' ').replace('Z', '')),
      fc.constantFrom('infinity', '-infinity'),
    ),
  ],
  ['date', fc.constantFrom('2024-02-29', 'infinity', '0044-03-15 BC', '2000-01-01')],
  ['uuid', fc.uuid()],
  [
    'jsonb',
    fc.oneof(
      fc.json({ maxDepth: 3 }),
      fc.constantFrom(
        '{"b": 1, "a": [1, 2.50, null, true]}',
        '[]',
        '"x"',
        `{"k": "${'v'.repeat(150)}"}`,
      ),
    ),
  ],
  ['bytea', fc.uint8Array({ maxLength: 300 }).map((b) => `\\x${Buffer.from(b).toString('hex')}`)],
  [
    '_int4',
    fc
      .array(fc.option(fc.integer(), { nil: null }), { maxLength: 40 })
      .map((a) => `{${a.map((x) => (x === null ? 'NULL' : String(x))).join(',')}}`),
  ],
  [
    '_text',
    fc
      .array(fc.option(text, { nil: null }), { maxLength: 8 })
      .map((a) => `{${a.map((x) => (x === null ? 'NULL' : quoted(x))).join(',')}}`),
  ],
  [
    '_float8',
    fc
      .array(fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }), {
        maxLength: 10,
      })
      .map((a) => `{${a.map((x) => (x === null ? 'NULL' : String(x))).join(',')}}`),
  ],
];

/** Parses a literal, or undefined when the type refuses it (a generator edge, skipped). */
function parse(type: AnyPgType, literal: string): unknown {
  try {
    return type.input(literal, -1, ctx);
  } catch (error) {
    if (error instanceof SqlError) return undefined;
    throw error;
  }
}

/** A table: 0..40 columns of random types, and a row of values (a third of them NULL). */
const rowArb = fc
  .array(fc.integer({ min: 0, max: COLUMNS.length - 1 }), { maxLength: 40 })
  .chain((indexes) =>
    fc.tuple(
      fc.constant(indexes.map((i) => typ(COLUMNS[i]![0]))),
      fc.tuple(
        ...indexes.map((i) => fc.option(COLUMNS[i]![1], { nil: null, freq: 3 })),
      ) as fc.Arbitrary<Array<string | null>>,
    ),
  )
  .map(([types, literals]) => {
    const values = literals.map((l, i) => (l === null ? null : (parse(types[i]!, l) ?? null)));
    return { types, values };
  });

const tidArb: fc.Arbitrary<Tid> = fc.record({
  block: fc.nat({ max: 0xffffffff }),
  offset: fc.nat({ max: 0xffff }),
});

const fieldsArb = fc.record({
  xmin: fc.nat({ max: 0xffffffff }),
  xmax: fc.nat({ max: 0xffffffff }),
  cid: fc.nat({ max: 0xffffffff }),
  ctid: tidArb,
  // Any bits but the ones that describe the data or break H6 (tested on its own).
  infomask: fc
    .nat({ max: 0xffff })
    .map(
      (m) =>
        m & ~(HEAP_HASNULL | HEAP_HASVARWIDTH | HEAP_HASEXTERNAL | 0x0008 | HEAP_XMAX_COMMITTED),
    ),
  infomask2: fc.constantFrom(
    0,
    HEAP_HOT_UPDATED,
    HEAP_ONLY_TUPLE,
    HEAP_HOT_UPDATED | HEAP_ONLY_TUPLE,
  ),
});

function out(types: readonly AnyPgType[], values: readonly unknown[]): Array<string | null> {
  return values.map((v, i) => (v === null ? null : types[i]!.output(v, ctx)));
}

function expectCorrupt(f: () => unknown, kind?: string): HeapTupleError {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(HeapTupleError);
  const e = error as HeapTupleError;
  expect(e.code).toBe('XX001');
  if (kind) expect(e.problem.kind).toBe(kind);
  return e;
}

describe('formHeapTuple and deformHeapTuple', () => {
  it('round-trip random rows of mixed types with NULLs, keeping T1..T9 and every header field', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(rowArb, fieldsArb, ({ types, values }, fields) => {
        for (const [i, v] of values.entries()) if (v !== null) seen.add(types[i]!.name);
        const bytes = formHeapTuple(types, values, fields);
        expect(checkHeapTuple(types, bytes)).toEqual([]);
        const h = readHeapTupleHeader(bytes);
        const hasNull = values.some((v) => v === null);
        expect(h).toMatchObject({
          xmin: fields.xmin,
          xmax: fields.xmax,
          field3: fields.cid,
          ctid: fields.ctid,
          natts: types.length,
          len: bytes.length,
        });
        expect(h.infomask & ~(HEAP_HASNULL | HEAP_HASVARWIDTH)).toBe(fields.infomask);
        expect(h.infomask2).toBe(fields.infomask2 | types.length);
        expect((h.infomask & HEAP_HASNULL) !== 0).toBe(hasNull);
        expect(h.nullBitmap === undefined).toBe(!hasNull);
        expect(h.hoff).toBe(hasNull ? (23 + ((types.length + 7) >> 3) + 7) & ~7 : 24);
        expect(out(types, deformHeapTuple(types, bytes))).toEqual(out(types, values));
        // Columns added later (ALTER TABLE ADD COLUMN without a default) read as NULL.
        const more = [...types, typ('int4'), typ('text')];
        expect(out(more, deformHeapTuple(more, bytes))).toEqual([
          ...out(types, values),
          null,
          null,
        ]);
        // A narrower descriptor reads the leading attributes only.
        const fewer = types.slice(0, types.length >> 1);
        expect(out(fewer, deformHeapTuple(fewer, bytes))).toEqual(
          out(fewer, values.slice(0, fewer.length)),
        );
        // The getters read what readHeapTupleHeader reads.
        expect([tupleXmin(bytes), tupleXmax(bytes), tupleCid(bytes), tupleCtid(bytes)]).toEqual([
          h.xmin,
          h.xmax,
          h.field3,
          h.ctid,
        ]);
        expect([tupleInfomask(bytes), tupleInfomask2(bytes)]).toEqual([h.infomask, h.infomask2]);
      }),
      { numRuns: RUNS },
    );
    // Every column type took part with non-null values.
    expect([...seen].sort()).toEqual(COLUMNS.map(([name]) => name).sort());
  });

  it('lays out a known row byte for byte (int4, NULL, text, int8)', () => {
    const types = [typ('int4'), typ('text'), typ('text'), typ('int8')];
    const bytes = formHeapTuple(types, [7, null, 'ab', 1n], {
      xmin: 0x11223344,
      ctid: { block: 0x00010002, offset: 3 },
      infomask: HEAP_XMAX_INVALID,
    });
    // prettier-ignore
    expect([...bytes]).toEqual([
      0x44,
      0x33,
      0x22,
      0x11,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0, // t_xmin, t_xmax, t_cid
      1,
      0,
      2,
      0,
      3,
      0, // t_ctid (bi_hi, bi_lo, ip_posid)
      4,
      0, // t_infomask2: 4 attributes
      0x03,
      0x08, // t_infomask: HASNULL|HASVARWIDTH, XMAX_INVALID
      24, // t_hoff
      0b1101, // t_bits: attribute 2 is null
      7,
      0,
      0,
      0, // int4 7
      0x07,
      0x61,
      0x62, // text 'ab', short varlena
      0, // pad to 8 for int8
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0, // int8 1
    ]);
  });

  it('refuses more than MaxHeapAttributeNumber columns with 54011', () => {
    const types = Array.from({ length: 1601 }, () => typ('bool'));
    expect(() =>
      formHeapTuple(
        types,
        types.map(() => null),
      ),
    ).toThrowError(expect.objectContaining({ code: '54011' }));
    const ok = formHeapTuple(
      types.slice(1),
      types.slice(1).map(() => null),
    );
    expect(readHeapTupleHeader(ok).natts).toBe(1600);
    expect(readHeapTupleHeader(ok).hoff).toBe(224); // MAXALIGN(23 + 200)
  });

  it('says a TOASTed value needs @pg/toast (0A000), not that the tuple is corrupt', () => {
    const bytes = formHeapTuple([typ('int4'), typ('text')], [1, 'x'.repeat(200)]);
    // Turn the 4-byte varlena header into a compressed one (VARATT_IS_4B_C).
    bytes[24 + 4] = (bytes[24 + 4]! & ~0x03) | 0x02;
    expect(() => deformHeapTuple([typ('int4'), typ('text')], bytes)).toThrowError(
      expect.objectContaining({ code: '0A000' }),
    );
  });
});

describe('setters and predicates', () => {
  it('a delete, update and lock change xmax, its bits, keys-updated and ctid only', () => {
    const types = [typ('int4'), typ('text')];
    const bytes = formHeapTuple(types, [1, 'one'], {
      xmin: 100,
      cid: 3,
      ctid: { block: 0, offset: 1 },
      infomask: HEAP_XMIN_COMMITTED | HEAP_XMAX_INVALID,
    });
    setTupleXmaxAndBits(bytes, {
      xmax: 101,
      infomask: 0,
      infomask2: HEAP_KEYS_UPDATED,
      cid: 0,
      ctid: { block: 5, offset: 9 },
    });
    let h = readHeapTupleHeader(bytes);
    expect(h).toMatchObject({ xmin: 100, xmax: 101, field3: 0, ctid: { block: 5, offset: 9 } });
    expect(h.infomask).toBe(HEAP_XMIN_COMMITTED | HEAP_HASVARWIDTH);
    expect(h.infomask2).toBe(HEAP_KEYS_UPDATED | 2);
    // Abort of the deleter: a lock by 102 FOR KEY SHARE replaces it.
    setTupleXmaxAndBits(bytes, {
      xmax: 102,
      infomask: HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_KEYSHR_LOCK,
    });
    h = readHeapTupleHeader(bytes);
    expect(h.infomask2).toBe(2);
    expect(xmaxIsLockedOnly(h.infomask) && xmaxIsKeyShrLocked(h.infomask)).toBe(true);
    expect(out(types, deformHeapTuple(types, bytes))).toEqual(['1', 'one']);
    updateInfomask2(bytes, HEAP_HOT_UPDATED);
    expect(isHotUpdated(readHeapTupleHeader(bytes))).toBe(true);
    updateInfomask(bytes, HEAP_XMAX_INVALID);
    expect(isHotUpdated(readHeapTupleHeader(bytes))).toBe(false);
    setTupleCtid(bytes, { block: 0xffffffff, offset: 0xfffd });
    expect(indicatesMovedPartitions(tupleCtid(bytes))).toBe(true);
    expect(() => updateInfomask(bytes, HEAP_HASNULL)).toThrow(RangeError);
    expect(() => updateInfomask2(bytes, 1)).toThrow(RangeError);
    expect(tupleInfomask2(bytes) & HEAP_NATTS_MASK).toBe(2);
  });

  it("match htup_details.h's macros for every t_infomask", () => {
    const wrong: string[] = [];
    const check = (name: string, m: number, ours: boolean, theirs: boolean) => {
      if (ours !== theirs) wrong.push(`${name}(0x${m.toString(16)})`);
    };
    for (let m = 0; m <= 0xffff; m++) {
      const lockOnly =
        (m & HEAP_XMAX_LOCK_ONLY) !== 0 ||
        (m & (HEAP_XMAX_IS_MULTI | 0x50)) === HEAP_XMAX_EXCL_LOCK;
      check('xmaxIsLockedOnly', m, xmaxIsLockedOnly(m), lockOnly);
      check('xmaxIsShrLocked', m, xmaxIsShrLocked(m), (m & 0x50) === 0x50);
      check('xmaxIsExclLocked', m, xmaxIsExclLocked(m), (m & 0x50) === 0x40);
      check('xmaxIsKeyShrLocked', m, xmaxIsKeyShrLocked(m), (m & 0x50) === 0x10);
      check(
        'lockedUpgraded',
        m,
        lockedUpgraded(m),
        (m & 0x1000) !== 0 && (m & 0x80) !== 0 && (m & 0x50) === 0,
      );
      check('xminCommitted', m, xminCommitted(m), (m & 0x100) !== 0);
      check('xminInvalid', m, xminInvalid(m), (m & 0x300) === 0x200);
      check('xminFrozen', m, xminFrozen(m), (m & 0x300) === 0x300);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(HEAP_XMAX_SHR_LOCK).toBe(0x50);
    expect(HEAP_XMIN_FROZEN).toBe(0x300);
    expect(effectiveXmin({ xmin: 500, infomask: HEAP_XMIN_FROZEN })).toBe(FROZEN_TRANSACTION_ID);
    expect(effectiveXmin({ xmin: 500, infomask: HEAP_XMIN_COMMITTED })).toBe(500);
    expect(isHeapOnly(HEAP_ONLY_TUPLE | 3)).toBe(true);
    expect(isHeapOnly(HEAP_HOT_UPDATED | 3)).toBe(false);
    expect(isSpeculative({ block: 0, offset: 0xfffe })).toBe(true);
    // HOT-updated counts only while xmax is not known invalid and xmin not aborted.
    expect(isHotUpdated({ infomask2: HEAP_HOT_UPDATED, infomask: 0 })).toBe(true);
    expect(isHotUpdated({ infomask2: HEAP_HOT_UPDATED, infomask: HEAP_XMIN_INVALID })).toBe(false);
    expect(isHotUpdated({ infomask2: HEAP_HOT_UPDATED, infomask: HEAP_XMIN_FROZEN })).toBe(true);
    expect(isHotUpdated({ infomask2: 0, infomask: 0 })).toBe(false);
    expect([HEAP_COMBOCID, HEAP_UPDATED, HEAP_MOVED_OFF]).toEqual([0x20, 0x2000, 0x4000]);
  });
});

describe('heap pages', () => {
  it('hold at most MaxHeapTuplesPerPage (291) tuples, and tuples up to MaxHeapTupleSize (8160)', () => {
    expect(MAX_HEAP_TUPLES_PER_PAGE).toBe(291);
    expect(MAX_HEAP_TUPLE_SIZE).toBe(8160);
    const page = Page.create();
    const empty = formHeapTuple([], []);
    expect(empty.length).toBe(24);
    for (let i = 1; i <= 291; i++) expect(addHeapTuple(page, empty)).toBe(i);
    expect(heapFreeSpace(page)).toBe(0);
    expect(page.freeSpace()).toBe(8192 - 24 - 291 * 28 - 4);
    expect(addHeapTuple(page, empty)).toBeUndefined();
    // Pruned to dead line pointers and compacted: room for tuples, but no 292nd line pointer.
    for (let i = 1; i <= 290; i++) page.setDead(i);
    page.repairFragmentation();
    expect(page.freeSpace()).toBe(8192 - 24 - 291 * 4 - 24 - 4);
    expect(heapFreeSpace(page)).toBe(0);
    expect(addHeapTuple(page, empty)).toBeUndefined();

    const big = formHeapTuple([typ('bytea')], [new Uint8Array(8160 - 24 - 4)]);
    expect(big.length).toBe(8160);
    const page2 = Page.create();
    expect(heapFreeSpace(page2)).toBe(8164);
    expect(putHeapTuple(page2, 7, big)).toEqual({ block: 7, offset: 1 });
    expect(tupleCtid(page2.mustItem(1))).toEqual({ block: 7, offset: 1 });
    expect(page2.exactFreeSpace()).toBe(4); // 8192 - 24 - 4 - 8160
    const tooBig = formHeapTuple([typ('bytea')], [new Uint8Array(8160 - 24 - 3)]);
    expect(() => addHeapTuple(Page.create(), tooBig)).toThrowError(
      expect.objectContaining({
        code: '54000',
        message: 'row is too big: size 8161, maximum size 8160',
      }),
    );
  });

  it('put speculative tuples without touching their token, and into a chosen free slot', () => {
    const page = Page.create();
    const t = formHeapTuple([typ('int4')], [1], { ctid: { block: 0, offset: 0xfffe } });
    expect(putHeapTuple(page, 3, t, true)).toEqual({ block: 3, offset: 1 });
    expect(tupleCtid(page.mustItem(1))).toEqual({ block: 0, offset: 0xfffe });
    expect(putHeapTuple(page, 3, t)).toEqual({ block: 3, offset: 2 });
    expect(tupleCtid(page.mustItem(2))).toEqual({ block: 3, offset: 2 });
    expect(addHeapTuple(page, t)).toBe(3);
    page.setUnused(2);
    expect(addHeapTuple(page, t, { offsetNumber: 2 })).toBe(2);
    expect(() => addHeapTuple(page, t, { offsetNumber: 3 })).toThrow(
      /will not overwrite a used ItemId/,
    );
  });

  it("leave fillfactor's share of the page free (RelationGetTargetPageFreeSpace)", () => {
    expect(targetPageFreeSpace()).toBe(0);
    expect(targetPageFreeSpace(100)).toBe(0);
    expect(targetPageFreeSpace(90)).toBe(819);
    expect(targetPageFreeSpace(50)).toBe(4096);
    expect(targetPageFreeSpace(10)).toBe(7372);
    for (const bad of [9, 101, 50.5]) {
      expect(() => targetPageFreeSpace(bad)).toThrowError(
        expect.objectContaining({ code: '22023' }),
      );
    }
  });
});

describe('corrupt tuples', () => {
  // Ten columns: a two-byte null bitmap, so t_hoff is 32 (24 without it).
  const types = [
    'int2',
    'text',
    'int8',
    'numeric',
    '_int4',
    'jsonb',
    'bool',
    'float8',
    'uuid',
    'date',
  ].map(typ);
  const literals = [
    '1',
    'hello',
    '2',
    '3.14',
    null,
    '{"a": [1, "b"]}',
    't',
    null,
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    '2024-02-29',
  ];
  const values = literals.map((l, i) => (l === null ? null : parse(types[i]!, l)));
  const good = () => formHeapTuple(types, values, { xmin: 5, infomask: HEAP_XMAX_INVALID });

  it('are named precisely: each broken header rule H1..H6 is XX001 with its kind', () => {
    expectCorrupt(() => readHeapTupleHeader(good().subarray(0, 22)), 'too-short');
    expectCorrupt(() => tupleXmax(new Uint8Array(10)), 'too-short');
    let b = good();
    b[18] = 0x41;
    b[19] = 0x06; // natts 1601
    expectCorrupt(() => readHeapTupleHeader(b), 'too-many-attributes');
    b = good();
    b[22] = 33;
    expectCorrupt(() => readHeapTupleHeader(b), 'hoff-misaligned');
    b = good();
    b[22] = 24; // a bitmap of two bytes needs t_hoff 32
    expectCorrupt(() => readHeapTupleHeader(b), 'hoff-mismatch');
    b = good();
    b[20] = b[20]! & ~HEAP_HASNULL; // no bitmap claimed, t_hoff 32 left
    expectCorrupt(() => readHeapTupleHeader(b), 'hoff-mismatch');
    b = good();
    expectCorrupt(() => readHeapTupleHeader(b.subarray(0, 31)), 'hoff-past-end');
    b = good();
    updateInfomask(b, HEAP_XMAX_IS_MULTI | HEAP_XMAX_COMMITTED);
    expectCorrupt(() => readHeapTupleHeader(b), 'multi-committed');
    // SELECT FOR UPDATE sets HEAP_XMAX_LOCK_ONLY with HEAP_KEYS_UPDATED: legal.
    b = good();
    updateInfomask(b, HEAP_XMAX_LOCK_ONLY | HEAP_XMAX_EXCL_LOCK);
    updateInfomask2(b, HEAP_KEYS_UPDATED);
    expect(readHeapTupleHeader(b).infomask2 & HEAP_KEYS_UPDATED).toBe(HEAP_KEYS_UPDATED);
  });

  it('with data cut short name the attribute that runs past the end', () => {
    const b = good();
    for (let cut = 32; cut < b.length; cut++) {
      let error: unknown;
      try {
        deformHeapTuple(types, b.subarray(0, cut));
      } catch (e) {
        error = e;
      }
      // Cutting into the last value is always noticed.
      if (cut < b.length) {
        expect(error).toBeInstanceOf(HeapTupleError);
        expect((error as HeapTupleError).problem.kind).toBe('bad-data');
      }
    }
    const e = expectCorrupt(() => deformHeapTuple(types, b.subarray(0, 33)), 'bad-data');
    expect(e.message).toMatch(/^heap tuple attribute 1 is corrupted/);
  });

  it('of random bytes, flipped bytes or cut tuples never crash: values or XX001 (0A000 for TOAST)', () => {
    const tupleArb = fc.oneof(
      rowArb.map(({ types, values }) => ({ types, bytes: formHeapTuple(types, values) })),
      fc.constant({ types, bytes: good() }),
    );
    fc.assert(
      fc.property(
        tupleArb,
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        ({ types: ts, bytes }, flips, cut) => {
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          const item = cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
          try {
            const row = deformHeapTuple(ts, item);
            expect(row.length).toBe(ts.length);
          } catch (error) {
            expect(error).toBeInstanceOf(SqlError);
            expect(['XX001', '0A000']).toContain((error as SqlError).code);
          }
        },
      ),
      { numRuns: RUNS * 5 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          readHeapTupleHeader(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(HeapTupleError);
        }
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
