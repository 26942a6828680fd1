/**
 * pglz, without PostgreSQL (toast.pg.test.ts compares with the real one):
 *
 * - known streams for small inputs, worked out by hand from pg_lzcompress.c;
 * - round trips for random inputs of every shape the compressor cares about
 *   (random bytes, small alphabets, repeated phrases, long runs, inputs
 *   around the hash-table size steps 128/256/512/1024, beyond the 4 KiB
 *   history), under the default and the "always" strategies, each stream
 *   checked against the invariants Z1-Z5 (checkPglzStream);
 * - the decompressor against the reference decoder (@pg/toast/testing) on
 *   arbitrary bytes and on valid streams with random damage: it returns what
 *   the reference returns or throws XX001 `compressed pglz data is corrupt`
 *   exactly when the reference fails, and never anything else;
 * - slices (checkComplete false) are prefixes of the whole value.
 *
 * PG_PROPERTY_RUNS scales the number of runs (default 300).
 */
import {
  ERRCODE_DATA_CORRUPTED,
  PGLZ_STRATEGY_ALWAYS,
  PGLZ_STRATEGY_DEFAULT,
  pglzCompress,
  pglzDecompress,
  pglzMaximumCompressedSize,
  ToastError,
} from '@pg/toast';
import { checkPglzStream, pglzItems, referencePglzDecompress } from '@pg/toast/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);
const enc = new TextEncoder();

/** Inputs of the shapes that exercise different paths of the compressor. */
const inputArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  // random bytes: mostly incompressible
  fc.uint8Array({ minLength: 0, maxLength: 3000 }),
  // a small alphabet: many short matches, long hash chains
  fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 9000 }), fc.integer())
    .map(([k, n, seed]) => {
      const out = new Uint8Array(n);
      let x = seed | 1;
      for (let i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        out[i] = 0x61 + ((x >>> 0) % k);
      }
      return out;
    }),
  // phrases repeated with variations: long matches, 3-byte tags, good_match cut-offs
  fc
    .tuple(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.nat(), { minLength: 1, maxLength: 600 }),
    )
    .map(([phrases, picks]) => concat(picks.map((p) => phrases[p % phrases.length] as Uint8Array))),
  // long runs of one byte (matches of 273, offsets of 1)
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 2000 })), {
      minLength: 1,
      maxLength: 8,
    })
    .map((runs) => concat(runs.map(([b, n]) => new Uint8Array(n).fill(b)))),
  // sizes around the hash-size steps, with high bytes (signed char hashing)
  fc
    .tuple(
      fc.constantFrom(127, 128, 255, 256, 511, 512, 1023, 1024, 4095, 4096, 4097, 8200),
      fc.integer(),
    )
    .map(([n, seed]) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++)
        out[i] = (((i * 7919) ^ seed) >>> (i % 5)) & (i % 3 === 0 ? 0xff : 0x8f);
      return out;
    }),
);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function corruptCode(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(ToastError);
    expect((e as ToastError).message).toBe('compressed pglz data is corrupt');
    return (e as ToastError).code;
  }
}

describe('pglzCompress: known streams', () => {
  it('codes a run as one literal and one 3-byte tag of offset 1', () => {
    const src = new Uint8Array(100).fill(0x61);
    // ctrl 0b10: a literal 'a', then a tag: T1 = 0x0f (length 18 + T3), T2 = 0x01 (offset 1), T3 = 99 - 18
    expect([...(pglzCompress(src) ?? [])]).toEqual([0x02, 0x61, 0x0f, 0x01, 99 - 18]);
  });

  it('codes a repeated phrase as one tag', () => {
    const src = enc.encode('abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123');
    const out = pglzCompress(src, PGLZ_STRATEGY_ALWAYS);
    expect(out).not.toBeNull();
    const parsed = pglzItems(out as Uint8Array);
    const tags = parsed?.items.filter((i) => i.kind === 'tag');
    // 36 literals, then one tag: 30 bytes from 36 back (a 3-byte tag: length > 17)
    expect(tags).toEqual([{ kind: 'tag', offset: 36, length: 30, bytes: 3 }]);
    expect(out?.length).toBe(5 + 36 + 3);
  });

  it('codes a short repeat with a 2-byte tag', () => {
    const src = enc.encode('0123456789abcdef_0123456789_xyzw');
    const out = pglzCompress(src, PGLZ_STRATEGY_ALWAYS) as Uint8Array;
    const tags = pglzItems(out)?.items.filter((i) => i.kind === 'tag');
    // '0123456789' again 17 bytes back: T1 = (offset >> 8) << 4 | (10 - 3), T2 = 17
    expect(tags).toEqual([{ kind: 'tag', offset: 17, length: 10, bytes: 2 }]);
    expect([...out.subarray(out.length - 7, out.length - 4)]).toEqual([0x07, 17, 0x5f]);
  });

  it('declines what PGLZ_strategy_default declines', () => {
    expect(pglzCompress(new Uint8Array(31))).toBeNull(); // min_input_size 32
    expect(pglzCompress(new Uint8Array(32))).not.toBeNull();
    expect(pglzCompress(enc.encode('0123456789abcdefghijklmnopqrstuvwxyz'))).toBeNull(); // no match, 25% not reached
    expect(pglzCompress(new Uint8Array(0), PGLZ_STRATEGY_ALWAYS)).toBeNull(); // nothing saved
    // first_success_by: 1024 output bytes without a match give up even if a match follows
    const head = new Uint8Array(1100);
    let x = 12345;
    for (let i = 0; i < head.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      head[i] = x >>> 24;
    }
    const distinct = new Set<string>();
    for (let i = 0; i + 3 <= head.length; i++) distinct.add(head.subarray(i, i + 3).join());
    expect(distinct.size).toBe(head.length - 2); // no 3-byte match anywhere in the head
    const src = concat([head, new Uint8Array(100000)]);
    expect(pglzCompress(src)).toBeNull();
    expect(pglzCompress(src, PGLZ_STRATEGY_ALWAYS)).not.toBeNull();
  });

  it('hashes bytes >= 0x80 as signed or unsigned char, both decodable', () => {
    const src = new Uint8Array(3000);
    for (let i = 0; i < src.length; i++)
      src[i] = 0x80 | ((i * 13) % 97 === 0 ? i & 0x7f : (i % 29) * 3);
    const signed = pglzCompress(src, PGLZ_STRATEGY_ALWAYS);
    const unsigned = pglzCompress(src, PGLZ_STRATEGY_ALWAYS, { charSigned: false });
    expect(signed).not.toBeNull();
    expect(unsigned).not.toBeNull();
    expect(pglzDecompress(signed as Uint8Array, src.length)).toEqual(src);
    expect(pglzDecompress(unsigned as Uint8Array, src.length)).toEqual(src);
    // ASCII input hashes the same either way
    const ascii = enc.encode('the quick brown fox jumps over the lazy dog; '.repeat(40));
    expect(pglzCompress(ascii, PGLZ_STRATEGY_DEFAULT, { charSigned: false })).toEqual(
      pglzCompress(ascii),
    );
  });
});

describe('pglz round trips (property)', () => {
  it('decompress(compress(x)) = x, and every stream keeps Z1-Z5', () => {
    fc.assert(
      fc.property(inputArb, fc.boolean(), fc.boolean(), (src, always, charSigned) => {
        const strategy = always ? PGLZ_STRATEGY_ALWAYS : PGLZ_STRATEGY_DEFAULT;
        const out = pglzCompress(src, strategy, { charSigned });
        if (out === null) {
          return;
        }
        expect(checkPglzStream(out, src, always ? 0 : 25)).toEqual([]);
        expect(pglzDecompress(out, src.length)).toEqual(src);
        // deterministic
        expect(pglzCompress(src, strategy, { charSigned })).toEqual(out);
      }),
      { numRuns: RUNS },
    );
  });

  it('slices (checkComplete false) are prefixes, within pglzMaximumCompressedSize bytes', () => {
    fc.assert(
      fc.property(inputArb, fc.nat(), (src, cut) => {
        const out = pglzCompress(src, PGLZ_STRATEGY_ALWAYS);
        if (out === null) return;
        const n = cut % (src.length + 1);
        expect(pglzDecompress(out, n, false)).toEqual(src.subarray(0, n));
        const need = pglzMaximumCompressedSize(n, out.length);
        expect(pglzDecompress(out.subarray(0, need), n, false)).toEqual(src.subarray(0, n));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('pglzDecompress on untrusted input (property)', () => {
  it('arbitrary bytes: the reference decoder result, or XX001', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 5000 }), (stream, rawsize) => {
        const expected = referencePglzDecompress(stream, rawsize);
        let got: Uint8Array | undefined;
        const code = corruptCode(() => {
          got = pglzDecompress(stream, rawsize);
        });
        if (expected === null) expect(code).toBe(ERRCODE_DATA_CORRUPTED);
        else expect(got).toEqual(expected);
        // a slice never throws anything but XX001 either
        const sliceCode = corruptCode(() => pglzDecompress(stream, rawsize, false));
        if (sliceCode !== undefined) expect(sliceCode).toBe(ERRCODE_DATA_CORRUPTED);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('damaged valid streams: the reference decoder result, or XX001', () => {
    const damage = fc.oneof(
      fc.record({
        kind: fc.constant('flip' as const),
        at: fc.nat(),
        xor: fc.integer({ min: 1, max: 255 }),
      }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('append' as const),
        bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }),
      }),
      fc.record({
        kind: fc.constant('rawsize' as const),
        delta: fc.integer({ min: -300, max: 300 }),
      }),
    );
    fc.assert(
      fc.property(inputArb, fc.array(damage, { minLength: 1, maxLength: 4 }), (src, damages) => {
        const out = pglzCompress(src, PGLZ_STRATEGY_ALWAYS);
        if (out === null) return;
        let stream: Uint8Array = out.slice();
        let rawsize = src.length;
        for (const d of damages) {
          if (d.kind === 'flip' && stream.length > 0) {
            const i = d.at % stream.length;
            stream[i] = (stream[i] as number) ^ d.xor;
          } else if (d.kind === 'truncate') stream = stream.slice(0, d.at % (stream.length + 1));
          else if (d.kind === 'append') stream = concat([stream, d.bytes]);
          else if (d.kind === 'rawsize') rawsize = Math.max(0, rawsize + d.delta);
        }
        const expected = referencePglzDecompress(stream, rawsize);
        let got: Uint8Array | undefined;
        const code = corruptCode(() => {
          got = pglzDecompress(stream, rawsize);
        });
        if (expected === null) expect(code).toBe(ERRCODE_DATA_CORRUPTED);
        else expect(got).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects impossible sizes before allocating', () => {
    expect(corruptCode(() => pglzDecompress(new Uint8Array(10), 0x3fffffff))).toBe(
      ERRCODE_DATA_CORRUPTED,
    );
    expect(corruptCode(() => pglzDecompress(new Uint8Array(10), -1))).toBe(ERRCODE_DATA_CORRUPTED);
    expect(corruptCode(() => pglzDecompress(new Uint8Array(10), 1.5))).toBe(ERRCODE_DATA_CORRUPTED);
    // the bound is exact enough for the densest stream: a literal then 3-byte tags of 273
    const dense = [0xfe, 0x61];
    for (let i = 0; i < 7; i++) dense.push(0x0f, 0x01, 0xff);
    const stream = Uint8Array.from(dense);
    expect(pglzDecompress(stream, 1 + 7 * 273)).toEqual(new Uint8Array(1 + 7 * 273).fill(0x61));
  });

  it('names what is wrong in the detail', () => {
    const tooFarBack = Uint8Array.from([0x02, 0x61, 0x00, 0x02]); // offset 2 with 1 byte decoded
    try {
      pglzDecompress(tooFarBack, 4);
      expect.unreachable();
    } catch (e) {
      expect((e as ToastError).code).toBe('XX001');
      expect((e as ToastError).detail).toBe(
        'tag at byte 2 copies from 2 bytes back with only 1 bytes decoded',
      );
    }
  });
});
