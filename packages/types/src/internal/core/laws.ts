/**
 * Test-only: the laws every type must obey, as fast-check properties.
 * Each family's tests call checkTypeLaws(type, arbitrary of its values).
 *
 *  L1 text:     input(output(v)) equals v, and output is stable under it
 *  L2 binary:   receive(send(v)) equals v
 *  L3 on disk:  decode(encode(v)) equals v; fixed-length types encode to len bytes
 *  L4 order:    compare is reflexive, antisymmetric and transitive (a total order)
 *  L5 hashing:  compare(a, b) = 0 implies hash(a) = hash(b)
 *  L6 datum:    encodeRow/decodeRow round-trip the value among other columns
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { defaultContext, type TypeContext } from './context.js';
import { decodeRow, encodeRow } from './datum.js';
import type { PgType } from './type.js';

export interface LawOptions {
  readonly ctx?: TypeContext;
  readonly runs?: number;
  /** Equality for L1-L3 when compare() is too coarse (e.g. numeric 1.0 vs 1.00 differ in scale). */
  readonly same?: (a: unknown, b: unknown) => boolean;
}

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 200);

export function checkTypeLaws<T>(
  type: PgType<T>,
  values: fc.Arbitrary<T>,
  options: LawOptions = {},
): void {
  const ctx = options.ctx ?? defaultContext();
  const runs = options.runs ?? RUNS;
  const same = options.same ?? ((a: unknown, b: unknown) => type.compare(a as T, b as T) === 0);
  const expectSame = (a: T, b: T) => {
    if (!same(a, b)) expect(b).toEqual(a);
  };

  // L1
  fc.assert(
    fc.property(values, (v) => {
      const text = type.output(v, ctx);
      const back = type.input(text, -1, ctx);
      expectSame(v, back);
      expect(type.output(back, ctx)).toBe(text);
    }),
    { numRuns: runs },
  );
  // L2
  fc.assert(
    fc.property(values, (v) => {
      expectSame(v, type.receive(type.send(v, ctx), -1, ctx));
    }),
    { numRuns: runs },
  );
  // L3
  fc.assert(
    fc.property(values, (v) => {
      const bytes = type.encode(v);
      if (type.len > 0) expect(bytes.length).toBe(type.len);
      expectSame(v, type.decode(bytes));
    }),
    { numRuns: runs },
  );
  // L4
  fc.assert(
    fc.property(values, values, values, (a, b, c) => {
      expect(type.compare(a, a) === 0).toBe(true);
      expect(Math.sign(type.compare(a, b)) + Math.sign(type.compare(b, a)) === 0).toBe(true);
      if (type.compare(a, b) <= 0 && type.compare(b, c) <= 0) {
        expect(type.compare(a, c)).toBeLessThanOrEqual(0);
      }
    }),
    { numRuns: runs },
  );
  // L5: also on pairs that are equal by construction (a value and its re-read copy)
  fc.assert(
    fc.property(values, values, (a, b) => {
      if (type.compare(a, b) === 0) expect(type.hash(a)).toBe(type.hash(b));
      const copy = type.input(type.output(a, ctx), -1, ctx);
      if (type.compare(a, copy) === 0) expect(type.hash(copy)).toBe(type.hash(a));
    }),
    { numRuns: runs },
  );
  // L6
  fc.assert(
    fc.property(values, fc.boolean(), (v, nullFirst) => {
      const { data, nullBitmap } = encodeRow([type, type], nullFirst ? [null, v] : [v, v]);
      const [a, b] = decodeRow([type, type], data, nullBitmap);
      if (nullFirst) expect(a).toBeNull();
      else expectSame(v, a as T);
      expectSame(v, b as T);
    }),
    { numRuns: runs },
  );
}
