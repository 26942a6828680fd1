/** string_to_table: the pieces, NULL handling, and agreement with string_to_array. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringToArray } from '../arrays/functions.js';
import { defaultContext } from '../core/context.js';
import { TypeOid } from '../core/oids.js';
import { Registry } from '../core/registry.js';
import { register } from './index.js';
import { stringToTable } from './string-srf.js';

const r = new Registry();
register(r);
const ctx = defaultContext();
const { text } = TypeOid;

describe('string_to_table', () => {
  it('splits on the delimiter, keeping empty pieces', () => {
    expect(stringToTable('a,b,,c', ',', null)).toEqual(['a', 'b', '', 'c']);
    expect(stringToTable('one::two', '::', null)).toEqual(['one', 'two']);
  });
  it('follows text_to_table for NULL and empty inputs and delimiters', () => {
    expect(stringToTable(null, ',', null)).toEqual([]);
    expect(stringToTable('', ',', null)).toEqual([]);
    expect(stringToTable('abc', null, null)).toEqual(['a', 'b', 'c']);
    expect(stringToTable('abc', '', null)).toEqual(['abc']);
  });
  it('turns pieces equal to null_string into NULL', () => {
    expect(stringToTable('x|NULL|y', '|', 'NULL')).toEqual(['x', null, 'y']);
    expect(stringToTable('a,,b', ',', '')).toEqual(['a', null, 'b']);
  });
  it('is registered as a non-strict set-returning function of two and three texts', () => {
    for (const args of [
      [text, text],
      [text, text, text],
    ]) {
      const def = r.findFunction('string_to_table', args);
      expect(def?.retset).toBe(true);
      expect(def?.strict).toBe(false);
      expect([...(def!.impl(['p q', ' ', null], ctx, args) as Iterable<unknown>)]).toEqual([
        'p',
        'q',
      ]);
    }
  });
  it('returns exactly the elements string_to_array holds (property)', () => {
    const piece = fc.string({ unit: fc.constantFrom('a', 'b', ',', ';', 'x'), maxLength: 12 });
    fc.assert(
      fc.property(
        fc.option(piece),
        fc.option(fc.constantFrom(',', ';', 'ab', '')),
        fc.option(fc.constantFrom('', 'a', 'x')),
        (s, d, n) => {
          const arr = stringToArray(s, d, n);
          expect(stringToTable(s, d, n)).toEqual(arr === null ? [] : [...arr.elements]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
