/**
 * Evaluation of row values, row comparisons, field selection, record
 * null tests and array subscripts (expr.ts), over hand-built expressions.
 */
import type { Expr } from '@pg/sql';
import { builtins, defaultContext, isPgRecord, type PgArray, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvalEnv } from './context.js';
import { compileExpr } from './expr.js';

const env: EvalEnv = { params: [], tctx: defaultContext(), user: 'u', database: 'd' };
const int4 = (value: number | null): Expr => ({
  kind: 'const',
  type: TypeOid.int4,
  typmod: -1,
  value,
});
const col = (attnum: number, type: number = TypeOid.int4): Expr => ({
  kind: 'var',
  rt: 0,
  attnum,
  type,
  typmod: -1,
});
const run = (e: Expr, row: readonly unknown[] = []) => compileExpr(e, builtins)(row, env);
const row = (args: Expr[], wholeRow?: { alias: string; nullable: boolean }): Expr => ({
  kind: 'row',
  args,
  fieldNames: args.map((_, i) => `f${i + 1}`),
  ...(wholeRow ? { wholeRow } : {}),
  type: TypeOid.record,
  typmod: -1,
});
const arr = (elements: (number | null)[], lbound = 1): PgArray =>
  elements.length === 0
    ? { dims: [], lbounds: [], elements: [] }
    : { dims: [elements.length], lbounds: [lbound], elements };

describe('ROW(...)', () => {
  it('builds a record that prints as PostgreSQL prints it', () => {
    const v = run(row([int4(1), { kind: 'const', type: TypeOid.text, typmod: -1, value: 'a b' }]));
    expect(isPgRecord(v)).toBe(true);
    expect(builtins.mustType(TypeOid.record).output(v, env.tctx)).toBe('(1,"a b")');
  });

  it('a whole row on the nullable side is NULL when all its columns are', () => {
    const e = row([col(1), col(2)], { alias: 't', nullable: true });
    expect(run(e, [null, null])).toBeNull();
    expect(isPgRecord(run(e, [1, null]))).toBe(true);
    const inner = row([col(1), col(2)], { alias: 't', nullable: false });
    expect(isPgRecord(run(inner, [null, null]))).toBe(true);
  });

  it('IS NULL is true when every column is NULL, IS NOT NULL when none is', () => {
    const test = (isNull: boolean, values: unknown[]) =>
      run(
        { kind: 'nulltest', isNull, arg: row([col(1), col(2)]), type: TypeOid.bool, typmod: -1 },
        values,
      );
    expect([test(true, [null, null]), test(true, [1, null]), test(true, [1, 2])]).toEqual([
      true,
      false,
      false,
    ]);
    expect([test(false, [null, null]), test(false, [1, null]), test(false, [1, 2])]).toEqual([
      false,
      false,
      true,
    ]);
  });
});

describe('row comparison', () => {
  const cmp = (op: '<' | '<=' | '>' | '>=', l: (number | null)[], r: (number | null)[]) =>
    run({
      kind: 'rowcompare',
      op,
      left: l.map(int4),
      right: r.map(int4),
      type: TypeOid.bool,
      typmod: -1,
    });

  it('the first unequal pair decides; a NULL before it gives NULL', () => {
    expect(cmp('<', [1, null], [2, 1])).toBe(true);
    expect(cmp('<', [1, null], [1, 1])).toBeNull();
    expect(cmp('<=', [1, 2], [1, 2])).toBe(true);
    expect(cmp('>', [1, 2], [1, 2])).toBe(false);
  });

  it('agrees with lexicographic order on non-NULL pairs', () => {
    const pair = fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 }));
    fc.assert(
      fc.property(pair, pair, ([a, b], [c, d]) => {
        const lex = a !== c ? a < c : b < d;
        expect(cmp('<', [a, b], [c, d])).toBe(lex);
        expect(cmp('>=', [a, b], [c, d])).toBe(!lex);
      }),
    );
  });
});

describe('field selection', () => {
  it('reads a column of a record, NULL of a NULL record', () => {
    const e = (arg: Expr): Expr => ({
      kind: 'fieldselect',
      arg,
      field: 2,
      fieldName: 'f2',
      type: TypeOid.int4,
      typmod: -1,
    });
    expect(run(e(row([int4(1), int4(7)])))).toBe(7);
    expect(run(e({ kind: 'const', type: TypeOid.record, typmod: -1, value: null }))).toBeNull();
  });
});

describe('subscripts', () => {
  const fetch = (a: PgArray | null, ...subs: (number | null)[]) =>
    run({
      kind: 'subscript',
      arg: { kind: 'const', type: TypeOid._int4, typmod: -1, value: a },
      upper: subs.map(int4),
      type: TypeOid.int4,
      typmod: -1,
    });
  const slice = (a: PgArray, lo: number | null | undefined, hi: number | null | undefined) =>
    run({
      kind: 'subscript',
      arg: { kind: 'const', type: TypeOid._int4, typmod: -1, value: a },
      lower: [lo === undefined ? undefined : int4(lo)],
      upper: [hi === undefined ? undefined : int4(hi)],
      type: TypeOid._int4,
      typmod: -1,
    });

  it('fetches elements, NULL out of range or for NULL subscripts', () => {
    expect(fetch(arr([10, 20, 30]), 2)).toBe(20);
    expect(fetch(arr([10, 20, 30]), 0)).toBeNull();
    expect(fetch(arr([10, 20, 30]), 4)).toBeNull();
    expect(fetch(arr([10, 20, 30]), null)).toBeNull();
    expect(fetch(arr([10, 20, 30]), 1, 1)).toBeNull();
    expect(fetch(null, 1)).toBeNull();
    expect(fetch(arr([5, 6], 0), 0)).toBe(5);
  });

  it('slices with lower bound 1, clipping to the array', () => {
    expect(slice(arr([1, 2, 3, 4]), 2, 3)).toEqual(arr([2, 3]));
    expect(slice(arr([1, 2, 3, 4]), undefined, 2)).toEqual(arr([1, 2]));
    expect(slice(arr([1, 2, 3, 4]), 3, undefined)).toEqual(arr([3, 4]));
    expect(slice(arr([1, 2, 3]), 0, 10)).toEqual(arr([1, 2, 3]));
    expect(slice(arr([1, 2, 3]), 3, 1)).toEqual(arr([]));
    expect(slice(arr([1, 2, 3]), null, 2)).toBeNull();
  });

  it('a slice is the elements whose subscript is in range, for any bounds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { maxLength: 6 }),
        fc.integer({ min: -2, max: 8 }),
        fc.integer({ min: -2, max: 8 }),
        (elements, lo, hi) => {
          const expected = elements.filter((_, i) => i + 1 >= lo && i + 1 <= hi);
          expect(slice(arr(elements), lo, hi)).toEqual(arr(expected));
        },
      ),
    );
  });
});
