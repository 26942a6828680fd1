/**
 * The varlena forms and the thresholds, without PostgreSQL (toast.pg.test.ts
 * reads PostgreSQL's own):
 *
 * - every form round-trips: encode, decode at an offset inside a larger
 *   buffer, encode again gives the same bytes;
 * - decoding arbitrary bytes at any offset either succeeds with a value
 *   that lies inside the buffer and re-encodes to exactly the bytes it was
 *   read from, or throws ToastError XX001 — nothing else;
 * - hand-made headers of each form, and each way a header can be wrong;
 * - toastCompressDatum keeps PostgreSQL's "more than 2 bytes saved" rule;
 * - the thresholds are PostgreSQL 15's numbers for 8 KiB pages.
 *
 * PG_PROPERTY_RUNS scales the number of runs (default 300).
 */
import {
  canMakeShort,
  decodeToastPointer,
  decodeVarlena,
  decompressDatum,
  detoastInline,
  EXTERN_TUPLE_MAX_SIZE,
  encodeCompressed,
  encodePlain,
  encodeShort,
  encodeToastPointer,
  encodeVarlena,
  MAX_HEAP_TUPLE_SIZE,
  maximumBytesPerTuple,
  pglzCompress,
  storageAllowsCompression,
  storageAllowsExternal,
  storageAllowsShortHeader,
  TOAST_INDEX_TARGET,
  TOAST_MAX_CHUNK_SIZE,
  TOAST_POINTER_SIZE,
  TOAST_TUPLE_TARGET,
  TOAST_TUPLE_TARGET_MAIN,
  TOAST_TUPLE_THRESHOLD,
  ToastCompressionId,
  ToastError,
  type ToastPointer,
  ToastStorage,
  toastChunkCount,
  toastCompressDatum,
  toastPointerIsCompressed,
  type Varlena,
  varsizeAny,
} from '@pg/toast';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);

const pointerArb: fc.Arbitrary<ToastPointer> = fc
  .tuple(
    fc.integer({ min: 0, max: 0x3fffffff - 4 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.constantFrom(ToastCompressionId.PGLZ, ToastCompressionId.LZ4),
    fc.integer({ min: 1, max: 0xffffffff }),
    fc.integer({ min: 1, max: 0xffffffff }),
  )
  .map(([len, frac, method, valueId, toastRelId]) => {
    const compressed = frac < 0.5 && len >= 5;
    const extsize = compressed ? 4 + Math.floor(frac * 2 * (len - 4)) : len;
    return {
      rawsize: len + 4,
      extsize: Math.min(extsize, compressed ? len - 1 : len),
      method: compressed ? method : ToastCompressionId.PGLZ,
      valueId,
      toastRelId,
    };
  });

const varlenaArb: fc.Arbitrary<Varlena> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((data) => ({ kind: 'plain' as const, data })),
  fc.uint8Array({ maxLength: 126 }).map((data) => ({ kind: 'short' as const, data })),
  fc
    .tuple(
      fc.integer({ min: 0, max: 0x3fffffff - 4 }),
      fc.constantFrom(ToastCompressionId.PGLZ, ToastCompressionId.LZ4),
      fc.uint8Array({ maxLength: 200 }),
    )
    .map(([rawsize, method, data]) => ({ kind: 'compressed' as const, rawsize, method, data })),
  pointerArb.map((pointer) => ({ kind: 'external' as const, pointer })),
);

function code(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(ToastError);
    return (e as ToastError).code;
  }
}

describe('varlena forms', () => {
  it('round-trip at any offset (property)', () => {
    fc.assert(
      fc.property(
        varlenaArb,
        fc.uint8Array({ maxLength: 9 }),
        fc.uint8Array({ maxLength: 9 }),
        (v, pre, post) => {
          const bytes = encodeVarlena(v);
          const buf = new Uint8Array(pre.length + bytes.length + post.length);
          buf.set(pre);
          buf.set(bytes, pre.length);
          buf.set(post, pre.length + bytes.length);
          const { value, size } = decodeVarlena(buf, pre.length);
          expect(size).toBe(bytes.length);
          expect(varsizeAny(buf, pre.length)).toBe(bytes.length);
          expect(value).toEqual(v);
          expect(encodeVarlena(value)).toEqual(bytes);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('arbitrary bytes decode inside the buffer and re-encode exactly, or are XX001 (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 40 }),
        fc.nat({ max: 45 }),
        (buf, offset) => {
          let decoded: { value: Varlena; size: number } | undefined;
          const c = code(() => {
            decoded = decodeVarlena(buf, offset);
          });
          if (decoded === undefined) {
            expect(c).toBe('XX001');
            return;
          }
          expect(offset + decoded.size).toBeLessThanOrEqual(buf.length);
          expect(encodeVarlena(decoded.value)).toEqual(buf.subarray(offset, offset + decoded.size));
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });

  it('reads hand-made headers of each form', () => {
    // 4B_U: 'hello' -> size 9 << 2 = 0x24
    expect(encodePlain(new TextEncoder().encode('hello'))).toEqual(
      Uint8Array.from([0x24, 0, 0, 0, 104, 101, 108, 108, 111]),
    );
    // 1B: size 6 << 1 | 1 = 0x0d
    expect(encodeShort(new TextEncoder().encode('hello'))).toEqual(
      Uint8Array.from([0x0d, 104, 101, 108, 108, 111]),
    );
    // 4B_C: size 10 << 2 | 2 = 0x2a; tcinfo 1000 | lz4 << 30
    const c = encodeCompressed(1000, ToastCompressionId.LZ4, Uint8Array.from([1, 2]));
    expect([...c]).toEqual([0x2a, 0, 0, 0, 0xe8, 0x03, 0, 0x40, 1, 2]);
    // toast pointer
    const p = encodeToastPointer({
      rawsize: 10004,
      extsize: 3000,
      method: 0,
      valueId: 16400,
      toastRelId: 16387,
    });
    expect([...p]).toEqual([
      0x01, 18, 0x14, 0x27, 0, 0, 0xb8, 0x0b, 0, 0, 0x10, 0x40, 0, 0, 0x03, 0x40, 0, 0,
    ]);
    expect(p.length).toBe(TOAST_POINTER_SIZE);
    expect(toastPointerIsCompressed(decodeToastPointer(p))).toBe(true);
    // an empty short varlena and an empty plain one
    expect(decodeVarlena(Uint8Array.from([0x03])).value).toEqual({
      kind: 'short',
      data: new Uint8Array(0),
    });
    expect(decodeVarlena(Uint8Array.from([0x10, 0, 0, 0])).value).toEqual({
      kind: 'plain',
      data: new Uint8Array(0),
    });
  });

  it('rejects each kind of bad header with XX001', () => {
    const bad: Array<[string, number[]]> = [
      ['nothing', []],
      ['4B cut off', [0x10, 0]],
      ['4B size below header', [0x0c, 0, 0, 0]],
      ['4B runs past the end', [0x40, 0, 0, 0, 1]],
      ['4B_C size below 8', [0x1e, 0, 0, 0, 0, 0, 0, 0]],
      ['4B_C method 2', [0x22, 0, 0, 0, 1, 0, 0, 0x80]],
      ['4B_C method 3', [0x22, 0, 0, 0, 1, 0, 0, 0xc0]],
      ['1B past the end', [0x0d, 1, 2]],
      ['1B one byte short', [0x0d, 1, 2, 3, 4]],
      ['4B one byte short', [0x18, 0, 0, 0, 1]],
      ['4B_C one byte short', [0x2a, 0, 0, 0, 1, 0, 0, 0, 1]],
      ['1B_E cut off', [0x01]],
      ['1B_E indirect tag', [0x01, 1, ...new Array(16).fill(0)]],
      ['1B_E expanded tag', [0x01, 3, ...new Array(16).fill(0)]],
      ['pointer cut off', [0x01, 18, 0, 0, 0]],
    ];
    const pointer = (rawsize: number, extinfo: number, valueId = 1, relId = 1): number[] => {
      const b = new Uint8Array(18);
      const dv = new DataView(b.buffer);
      b[0] = 1;
      b[1] = 18;
      dv.setInt32(2, rawsize, true);
      dv.setUint32(6, extinfo >>> 0, true);
      dv.setUint32(10, valueId, true);
      dv.setUint32(14, relId, true);
      return [...b];
    };
    bad.push(
      ['pointer rawsize < 4', pointer(3, 0)],
      ['pointer extsize > rawsize - 4', pointer(100, 97)],
      ['pointer uncompressed with method bits', pointer(100, 96 | (1 << 30))],
      ['pointer compressed with method 2', pointer(100, 50 | (2 << 30))],
      ['pointer compressed below va_tcinfo', pointer(100, 3)],
      ['pointer valueid 0', pointer(100, 96, 0)],
      ['pointer toastrelid 0', pointer(100, 96, 1, 0)],
    );
    for (const [name, bytes] of bad)
      expect(
        code(() => decodeVarlena(Uint8Array.from(bytes))),
        name,
      ).toBe('XX001');
    expect(code(() => decodeVarlena(new Uint8Array(8), 9))).toBe('XX001');
    expect(code(() => decodeToastPointer(encodeShort(new Uint8Array(3))))).toBe('XX001');
  });

  it('refuses to encode what cannot be stored (XX000)', () => {
    expect(code(() => encodeShort(new Uint8Array(127)))).toBe('XX000');
    expect(code(() => encodeCompressed(0x40000000, 0, new Uint8Array(0)))).toBe('XX000');
    expect(code(() => encodeCompressed(1, 2 as ToastCompressionId, new Uint8Array(0)))).toBe(
      'XX000',
    );
    expect(
      code(() =>
        encodeToastPointer({ rawsize: 100, extsize: 97, method: 0, valueId: 1, toastRelId: 1 }),
      ),
    ).toBe('XX000');
    expect(
      code(() =>
        encodeToastPointer({ rawsize: 100, extsize: 96, method: 0, valueId: 0, toastRelId: 1 }),
      ),
    ).toBe('XX000');
    expect(canMakeShort(126)).toBe(true);
    expect(canMakeShort(127)).toBe(false);
  });
});

describe('compression of datums', () => {
  it('toastCompressDatum compresses exactly when pglz saves more than 2 bytes beyond the 8-byte header (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          fc
            .tuple(fc.integer({ min: 0, max: 255 }), fc.nat({ max: 400 }))
            .map(([b, n]) => new Uint8Array(n).fill(b)),
          fc.string({ maxLength: 60 }).map((s) => new TextEncoder().encode(s.repeat(5))),
        ),
        (data) => {
          const stream = pglzCompress(data);
          const datum = toastCompressDatum(data);
          if (stream === null || 8 + stream.length >= data.length - 2) {
            expect(datum).toBeNull();
            return;
          }
          expect(datum).toEqual(encodeCompressed(data.length, ToastCompressionId.PGLZ, stream));
          const { value } = decodeVarlena(datum as Uint8Array);
          expect(value.kind).toBe('compressed');
          expect(detoastInline(datum as Uint8Array)).toEqual(data);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('declines at exactly 2 bytes saved, accepts at 3 (toast_compress_datum)', () => {
    // Search a fixed family of inputs for streams at the boundary.
    const seen = new Map<number, Uint8Array>();
    for (let n = 32; n < 48 && seen.size < 2; n++) {
      for (let seed = 1; seed < 400 && seen.size < 2; seed++) {
        const data = new Uint8Array(n);
        let x = seed;
        for (let i = 0; i < n; i++) {
          x = (x * 1103515245 + 12345) >>> 0;
          data[i] = 0x61 + ((x >>> 16) % 3);
        }
        const stream = pglzCompress(data);
        if (stream === null) continue;
        const saved = n - (8 + stream.length);
        if ((saved === 2 || saved === 3) && !seen.has(saved)) seen.set(saved, data);
      }
    }
    expect([...seen.keys()].sort()).toEqual([2, 3]);
    expect(toastCompressDatum(seen.get(2) as Uint8Array)).toBeNull();
    expect(toastCompressDatum(seen.get(3) as Uint8Array)).not.toBeNull();
  });

  it('lz4 is 0A000, a corrupt stream XX001, a pointer XX000', () => {
    const lz4 = decodeVarlena(
      encodeCompressed(10, ToastCompressionId.LZ4, Uint8Array.from([0xf0, 1, 2])),
    );
    if (lz4.value.kind !== 'compressed') throw new Error('expected compressed');
    expect(code(() => decompressDatum(lz4.value as Extract<Varlena, { kind: 'compressed' }>))).toBe(
      '0A000',
    );
    expect(
      code(() => detoastInline(encodeCompressed(10, 0, Uint8Array.from([0x01, 0x01, 0x00])))),
    ).toBe('XX001');
    const p = encodeToastPointer({
      rawsize: 100,
      extsize: 96,
      method: 0,
      valueId: 1,
      toastRelId: 1,
    });
    expect(code(() => detoastInline(p))).toBe('XX000');
    expect(detoastInline(encodeShort(Uint8Array.from([7])))).toEqual(Uint8Array.from([7]));
  });
});

describe('PostgreSQL 15 thresholds for 8 KiB pages', () => {
  it('has the numbers heaptoast.h derives', () => {
    expect(TOAST_TUPLE_THRESHOLD).toBe(2032);
    expect(TOAST_TUPLE_TARGET).toBe(2032);
    expect(TOAST_TUPLE_TARGET_MAIN).toBe(8160);
    expect(MAX_HEAP_TUPLE_SIZE).toBe(8160);
    expect(TOAST_INDEX_TARGET).toBe(510);
    expect(EXTERN_TUPLE_MAX_SIZE).toBe(2032);
    expect(TOAST_MAX_CHUNK_SIZE).toBe(1996);
    expect(maximumBytesPerTuple(2)).toBe(4080); // (8192 - 32) / 2
    expect(toastChunkCount(0)).toBe(0);
    expect(toastChunkCount(1996)).toBe(1);
    expect(toastChunkCount(1997)).toBe(2);
  });

  it('names the storage strategies by attstorage', () => {
    expect(ToastStorage).toEqual({ PLAIN: 'p', EXTENDED: 'x', EXTERNAL: 'e', MAIN: 'm' });
    const rows = Object.values(ToastStorage).map((s) => [
      s,
      storageAllowsCompression(s),
      storageAllowsExternal(s),
      storageAllowsShortHeader(s),
    ]);
    expect(rows).toEqual([
      ['p', false, false, false],
      ['x', true, true, true],
      ['e', false, true, true],
      ['m', true, true, true],
    ]);
  });
});
