import type { Expr, FuncExpr } from '@pg/sql';
import { describe, expect, it } from 'vitest';
import { exprKey } from './exprs.js';
import { srfLevels } from './project-set.js';

const int = (v: number): Expr => ({ kind: 'const', value: v, type: 23, typmod: -1 });
const call = (name: string, retset: boolean, args: Expr[]): FuncExpr => ({
  kind: 'func',
  fn: {
    name,
    args: args.map(() => 23),
    result: 23,
    volatility: 'i',
    strict: true,
    retset,
    impl: () => null,
  },
  args,
  type: 23,
  typmod: -1,
});

describe('srfLevels', () => {
  it('puts plain set-returning calls on level 1, nested ones above', () => {
    const inner = call('generate_series', true, [int(1), int(3)]);
    const outer = call('generate_series', true, [int(1), inner]);
    const other = call('generate_series', true, [int(1), int(2)]);
    const levels = srfLevels([outer, other]);
    expect(levels.map((l) => l.length)).toEqual([2, 1]);
    expect(levels[0]).toContain(inner);
    expect(levels[0]).toContain(other);
    expect(levels[1]).toEqual([outer]);
  });
  it('sees through plain expressions and counts each call once', () => {
    const g = call('generate_series', true, [int(1), int(3)]);
    const plus = call('int4pl', false, [g, int(1)]);
    expect(srfLevels([plus, g])).toEqual([[g]]);
    expect(srfLevels([int(1), call('abs', false, [int(-1)])])).toEqual([]);
  });
  it('treats calls computed below as plain values', () => {
    const g = call('generate_series', true, [int(1), int(3)]);
    const outer = call('generate_series', true, [int(1), g]);
    expect(srfLevels([outer], new Set([exprKey(g)]))).toEqual([[outer]]);
    expect(srfLevels([g], new Set([exprKey(g)]))).toEqual([]);
  });
});
