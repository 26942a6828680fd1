import { builtins, defaultContext, type PgRange, SqlError } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const ctx = defaultContext();
const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);

function t(name: string) {
  const type = builtins.typeByName(name);
  if (!type) throw new Error(name);
  return type;
}
const io = (name: string, text: string) => t(name).output(t(name).input(text, -1, ctx), ctx);
const op = (name: string, a: unknown, b: unknown): unknown => {
  const l = (a as PgRange).rangeType ?? 23;
  const r = (b as PgRange).rangeType ?? 23;
  return builtins.operate(name, l, r, [a, b], ctx);
};
const i4 = (text: string) => t('int4range').input(text, -1, ctx) as PgRange;

function sqlError(f: () => unknown): SqlError {
  try {
    f();
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('range text I/O (range_in / range_out)', () => {
  it('prints as PostgreSQL 15 does', () => {
    expect(io('int4range', '[1,5)')).toBe('[1,5)');
    expect(io('int4range', '[1,5]')).toBe('[1,6)');
    expect(io('int4range', '(1,5]')).toBe('[2,6)');
    expect(io('int4range', '(1,2)')).toBe('empty');
    expect(io('int4range', ' EMPTY ')).toBe('empty');
    expect(io('int4range', '(,)')).toBe('(,)');
    expect(io('int4range', '[,5]')).toBe('(,6)');
    expect(io('int4range', '[ 3 , 7 )')).toBe('[3,7)');
    expect(io('int4range', '["3","7")')).toBe('[3,7)');
    expect(io('numrange', '(1.5,2.50]')).toBe('(1.5,2.50]');
    expect(io('numrange', '[3,3]')).toBe('[3,3]');
    expect(io('numrange', '[3,3)')).toBe('empty');
    expect(io('daterange', '[2020-01-01,2020-01-31]')).toBe('[2020-01-01,2020-02-01)');
    expect(io('daterange', '(-infinity,infinity]')).toBe('(-infinity,infinity]');
    expect(io('tsrange', '[2020-01-01 10:00,2020-01-02)')).toBe(
      '["2020-01-01 10:00:00","2020-01-02 00:00:00")',
    );
    expect(io('int8range', '(9,10]')).toBe('[10,11)');
  });

  it('rejects malformed literals with the DETAIL PostgreSQL gives', () => {
    const cases: [string, string][] = [
      ['1,5)', 'Missing left parenthesis or bracket.'],
      ['[1;5)', 'Missing comma after lower bound.'],
      ['[1 5)', 'Missing comma after lower bound.'],
      ['[1,5', 'Unexpected end of input.'],
      ['[1,5,7)', 'Too many commas.'],
      ['[1,5) x', 'Junk after right parenthesis or bracket.'],
      ['empty x', 'Junk after "empty" key word.'],
      ['(1', 'Unexpected end of input.'],
    ];
    for (const [text, detail] of cases) {
      const e = sqlError(() => i4(text));
      expect(e.code).toBe('22P02');
      expect(e.message).toBe(`malformed range literal: "${text}"`);
      expect(e.detail).toBe(detail);
    }
    const e = sqlError(() => i4('[5,1)'));
    expect([e.code, e.message]).toEqual([
      '22000',
      'range lower bound must be less than or equal to range upper bound',
    ]);
  });

  it('round-trips text, binary and on-disk forms', () => {
    const arb = fc
      .tuple(
        fc.option(fc.integer({ min: -1000, max: 1000 })),
        fc.option(fc.integer({ min: -1000, max: 1000 })),
        fc.boolean(),
        fc.boolean(),
      )
      .map(([a, b, li, ui]) => {
        const [lo, hi] = a !== null && b !== null && a > b ? [b, a] : [a, b];
        return builtins.call(
          'int4range',
          [23, 23, 25],
          [lo, hi, `${li ? '[' : '('}${ui ? ']' : ')'}`],
          ctx,
        ) as PgRange;
      });
    const type = t('int4range');
    fc.assert(
      fc.property(arb, (r) => {
        expect(type.compare(type.input(type.output(r, ctx), -1, ctx), r)).toBe(0);
        expect(type.compare(type.receive(type.send(r, ctx), -1, ctx), r)).toBe(0);
        expect(type.compare(type.decode(type.encode(r)), r)).toBe(0);
        expect(type.decode(type.encode(r))).toEqual(r);
      }),
      { numRuns: RUNS },
    );
  });

  it('lays a range out on disk as range_serialize does', () => {
    // [1,6): rangetypid 3904, lower 1, upper 6, flags LB_INC (0x02)
    expect([...t('int4range').encode(i4('[1,5]'))]).toEqual([
      0x40, 0x0f, 0, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0x02,
    ]);
    expect([...t('int4range').encode(i4('empty'))]).toEqual([0x40, 0x0f, 0, 0, 0x01]);
  });
});

describe('range operators (rangetypes.c)', () => {
  it('answers as PostgreSQL does', () => {
    expect(op('@>', i4('[1,10)'), i4('[2,3)'))).toBe(true);
    expect(op('@>', i4('[1,10)'), 10)).toBe(false);
    expect(op('@>', i4('[1,10)'), 9)).toBe(true);
    expect(op('<@', 1, i4('[1,10)'))).toBe(true);
    expect(op('&&', i4('[1,3)'), i4('[3,5)'))).toBe(false);
    expect(op('-|-', i4('[1,3)'), i4('[3,5)'))).toBe(true);
    expect(op('-|-', i4('[1,2]'), i4('[3,5)'))).toBe(true);
    expect(op('<<', i4('[1,3)'), i4('[3,5)'))).toBe(true);
    expect(op('&<', i4('[1,3)'), i4('[1,2)'))).toBe(false);
    expect(op('&>', i4('[1,3)'), i4('[0,2)'))).toBe(true);
    const out = (v: unknown) => t('int4range').output(v, ctx);
    expect(out(op('+', i4('[1,3)'), i4('[3,5)')))).toBe('[1,5)');
    expect(out(op('*', i4('[1,5)'), i4('[3,8)')))).toBe('[3,5)');
    expect(out(op('-', i4('[1,5)'), i4('[3,8)')))).toBe('[1,3)');
    expect(out(op('-', i4('[1,5)'), i4('[1,5)')))).toBe('empty');
    expect(sqlError(() => op('+', i4('[1,2)'), i4('[3,4)'))).message).toBe(
      'result of range union would not be contiguous',
    );
    expect(sqlError(() => op('-', i4('[1,9)'), i4('[3,4)'))).message).toBe(
      'result of range difference would not be contiguous',
    );
  });

  it('orders ranges: empty first, then by lower bound, then upper', () => {
    const sorted = ['[1,5)', 'empty', '(,3)', '[1,3)', '[0,)', '(,)'].map(i4);
    sorted.sort((a, b) => t('int4range').compare(a, b));
    expect(sorted.map((r) => t('int4range').output(r, ctx))).toEqual([
      'empty',
      '(,3)',
      '(,)',
      '[0,)',
      '[1,3)',
      '[1,5)',
    ]);
  });

  it('merge contains both sides; union equals merge when it exists', () => {
    const arb = fc
      .tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 20 }))
      .map(([a, n]) => i4(`[${a},${a + n})`));
    fc.assert(
      fc.property(arb, arb, fc.integer({ min: -80, max: 80 }), (a, b, x) => {
        const m = builtins.call('range_merge', [3904, 3904], [a, b], ctx) as PgRange;
        expect(op('@>', m, a)).toBe(true);
        expect(op('@>', m, b)).toBe(true);
        if ((op('@>', a, x) as boolean) || (op('@>', b, x) as boolean)) {
          expect(op('@>', m, x)).toBe(true);
        }
        expect(op('&&', a, b)).toBe((op('@>', a, x) && op('@>', b, x)) || op('&&', a, b));
      }),
      { numRuns: RUNS },
    );
  });
});
