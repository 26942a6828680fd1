import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtins } from '../builtins.js';
import { defaultContext } from '../core/context.js';
import { SqlError } from '../core/errors.js';
import { TypeOid } from '../core/oids.js';
import { toJsonbElement, toJsonText } from '../json/to-json.js';
import { recordCompare, recordIn, recordOut } from './record-type.js';
import { type PgRecord, pgRecord, type RecordField } from './record-value.js';

const ctx = defaultContext();
const f = (name: string, type: number): RecordField => ({ name, type, typmod: -1 });
const TEXT_INT = [f('f1', TypeOid.int4), f('f2', TypeOid.text)];

describe('record_out', () => {
  it('prints columns as PostgreSQL does, quoting what needs it', () => {
    const fields = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => f(n, TypeOid.text));
    const rec = pgRecord(fields, ['plain', 'a b', '', null, 'x"y', 'a,b', '(', '\\']);
    expect(recordOut(rec, builtins, ctx)).toBe('(plain,"a b","",,"x""y","a,b","(","\\\\")');
    expect(recordOut(pgRecord([], []), builtins, ctx)).toBe('()');
  });

  it('nests records and arrays as their text', () => {
    const inner = pgRecord(TEXT_INT, [1, 'x y']);
    const rec = pgRecord(
      [f('f1', TypeOid.record), f('f2', TypeOid._int4)],
      [inner, { dims: [2], lbounds: [1], elements: [1, 2] }],
    );
    expect(builtins.mustType(TypeOid.record).output(rec, ctx)).toBe('("(1,""x y"")","{1,2}")');
  });

  it('refuses input of an anonymous record', () => {
    expect(() => builtins.mustType(TypeOid.record).input('(1,2)', -1, ctx)).toThrow(
      'input of anonymous composite types is not implemented',
    );
  });
});

describe('record_in', () => {
  it('reads NULLs, quotes and escapes', () => {
    const rec = recordIn(' (1,"a""b\\\\") ', TEXT_INT, builtins, ctx);
    expect(rec.values).toEqual([1, 'a"b\\']);
    expect(recordIn('(,)', TEXT_INT, builtins, ctx).values).toEqual([null, null]);
    expect(recordIn('(,"")', TEXT_INT, builtins, ctx).values).toEqual([null, '']);
  });

  it('reports malformed literals with PostgreSQL details', () => {
    const detail = (text: string) => {
      try {
        recordIn(text, TEXT_INT, builtins, ctx);
      } catch (e) {
        return (e as SqlError).detail;
      }
      return undefined;
    };
    expect(detail('1,2)')).toBe('Missing left parenthesis.');
    expect(detail('(1)')).toBe('Too few columns.');
    expect(detail('(1,2,3)')).toBe('Too many columns.');
    expect(detail('(1,2) x')).toBe('Junk after right parenthesis.');
    expect(detail('(1,"ab')).toBe('Unexpected end of input.');
  });

  it('round-trips record_out for any text and integer columns', () => {
    const column = fc.oneof(
      fc.record({ type: fc.constant(TypeOid.text), value: fc.option(fc.string(), { nil: null }) }),
      fc.record({ type: fc.constant(TypeOid.int4), value: fc.option(fc.integer(), { nil: null }) }),
    );
    fc.assert(
      fc.property(fc.array(column, { minLength: 1, maxLength: 6 }), (cols) => {
        const fields = cols.map((c, i) => f(`f${i + 1}`, c.type));
        const rec = pgRecord(
          fields,
          cols.map((c) => c.value),
        );
        const back = recordIn(recordOut(rec, builtins, ctx), fields, builtins, ctx);
        expect(back.values).toEqual(rec.values);
      }),
    );
  });
});

describe('record_cmp', () => {
  const rec = (a: number | null, b: string | null): PgRecord => pgRecord(TEXT_INT, [a, b]);

  it('orders column by column with NULLs last and equal to each other', () => {
    expect(recordCompare(rec(1, 'a'), rec(1, 'b'), builtins)).toBeLessThan(0);
    expect(recordCompare(rec(2, 'a'), rec(1, 'b'), builtins)).toBeGreaterThan(0);
    expect(recordCompare(rec(1, null), rec(1, 'z'), builtins)).toBeGreaterThan(0);
    expect(recordCompare(rec(1, null), rec(1, null), builtins)).toBe(0);
  });

  it('refuses dissimilar columns and lengths (42804)', () => {
    const other = pgRecord([f('f1', TypeOid.int4), f('f2', TypeOid.int4)], [1, 2]);
    expect(() => recordCompare(rec(1, 'a'), other, builtins)).toThrow(
      'cannot compare dissimilar column types text and integer at record column 2',
    );
    const longer = pgRecord([...TEXT_INT, f('f3', TypeOid.int4)], [1, 'a', 3]);
    expect(() => recordCompare(rec(1, 'a'), longer, builtins)).toThrow(
      'cannot compare record types with different numbers of columns',
    );
  });

  it('is a total order consistent with hashing', () => {
    const arb = fc
      .tuple(
        fc.option(fc.integer({ min: -3, max: 3 }), { nil: null }),
        fc.option(fc.constantFrom('a', 'b'), { nil: null }),
      )
      .map(([a, b]) => rec(a, b));
    const type = builtins.mustType(TypeOid.record);
    fc.assert(
      fc.property(arb, arb, arb, (x, y, z) => {
        expect(Math.sign(type.compare(x, y)) + Math.sign(type.compare(y, x))).toBe(0);
        if (type.compare(x, y) <= 0 && type.compare(y, z) <= 0) {
          expect(type.compare(x, z)).toBeLessThanOrEqual(0);
        }
        if (type.compare(x, y) === 0) expect(type.hash(x)).toBe(type.hash(y));
      }),
    );
  });
});

describe('records as json', () => {
  it('is an object of the columns', () => {
    const r = pgRecord(TEXT_INT, [1, null]);
    expect(toJsonText(r, TypeOid.record, builtins, ctx)).toBe('{"f1":1,"f2":null}');
    const jb = toJsonbElement(r, TypeOid.record, builtins, ctx);
    expect(builtins.mustType(TypeOid.jsonb).output(jb, ctx)).toBe('{"f1": 1, "f2": null}');
    expect(builtins.call('row_to_json', [TypeOid.record], [r], ctx)).toBe('{"f1":1,"f2":null}');
  });

  it('is a SqlError for the unsupported binary input', () => {
    expect(() => builtins.mustType(TypeOid.record).receive(new Uint8Array(), -1, ctx)).toThrow(
      SqlError,
    );
  });
});
