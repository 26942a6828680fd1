/**
 * Builds query trees by hand (the analyzer does not produce joins, WITH
 * and set operations yet): a small DSL over the fixture's tables.
 */
import type {
  CommonTableExpr,
  Const,
  Expr,
  JoinRte,
  OpExpr,
  RangeTblEntry,
  RelationRte,
  SelectQuery,
  SubLink,
  TargetEntry,
  Var,
} from '@pg/sql';
import { builtins } from '@pg/types';
import type { Fixture } from './fixture.test-helper.js';

export const INT4 = 23;
export const TEXT = 25;
export const BOOL = 16;
export const INT8 = 20;

export function col(rt: number, attnum: number, type = INT4, levelsUp = 0): Var {
  return levelsUp === 0
    ? { kind: 'var', rt, attnum, type, typmod: -1 }
    : { kind: 'var', rt, attnum, type, typmod: -1, levelsUp };
}

export function int(n: number | null): Const {
  return { kind: 'const', value: n, type: INT4, typmod: -1 };
}

export function op(name: string, l: Expr, r: Expr): OpExpr {
  const o = builtins.findOperator(name, l.type, r.type);
  if (o === undefined) throw new Error(`no operator ${name}`);
  const fn = builtins.findFunction(o.fn, [o.left, o.right]);
  if (fn === undefined) throw new Error(`no function ${o.fn}`);
  return { kind: 'op', op: o, fn, args: [l, r], type: o.result, typmod: -1 };
}

export function and(...args: Expr[]): Expr {
  return args.length === 1 ? args[0]! : { kind: 'bool', op: 'and', args, type: BOOL, typmod: -1 };
}

export function or(...args: Expr[]): Expr {
  return { kind: 'bool', op: 'or', args, type: BOOL, typmod: -1 };
}

export function not(arg: Expr): Expr {
  return { kind: 'bool', op: 'not', args: [arg], type: BOOL, typmod: -1 };
}

export function te(expr: Expr, name = '?column?', junk = false): TargetEntry {
  return { expr, name, junk };
}

export function rel(f: Fixture, name: string, alias = name): RelationRte {
  const d = f.rels.get(name)!;
  return {
    kind: 'relation',
    alias,
    columnNames: d.columns.map((c) => c.name),
    relationOid: d.oid,
    lockMode: 'AccessShareLock',
  };
}

/** The types of a fixture table's columns. */
export function types(f: Fixture, name: string): number[] {
  return f.rels.get(name)!.columns.map((c) => c.typeOid);
}

export function join(
  joinType: JoinRte['joinType'],
  left: number,
  right: number,
  quals?: Expr,
): JoinRte {
  return {
    kind: 'join',
    joinType,
    left,
    right,
    alias: 'unnamed_join',
    columnNames: [],
    columns: [],
    ...(quals === undefined ? {} : { quals }),
  };
}

export function select(
  rtable: RangeTblEntry[],
  from: number[],
  targetList: TargetEntry[],
  extra: Partial<SelectQuery> = {},
): SelectQuery {
  return {
    command: 'select',
    rtable,
    from,
    targetList,
    paramTypes: [],
    sort: [],
    rowMarks: [],
    ...extra,
  };
}

export function sublink(
  linkType: SubLink['linkType'],
  query: SelectQuery,
  testExpr?: Expr,
  type = BOOL,
): SubLink {
  return {
    kind: 'sublink',
    linkType,
    query,
    type,
    typmod: -1,
    ...(testExpr === undefined ? {} : { testExpr }),
  };
}

export function cte(
  name: string,
  query: SelectQuery,
  opts: Partial<CommonTableExpr> = {},
): CommonTableExpr {
  return {
    name,
    columnNames: query.targetList.filter((t) => !t.junk).map((t) => t.name),
    query,
    recursive: false,
    materialized: 'default',
    refCount: 1,
    ...opts,
  };
}

export function count(): { aggregates: NonNullable<SelectQuery['aggregates']>; ref: Expr } {
  return {
    aggregates: [
      {
        name: 'count',
        args: [],
        argTypes: [],
        star: true,
        distinct: false,
        type: INT8,
        typmod: -1,
      },
    ],
    ref: { kind: 'aggref', index: 0, type: INT8, typmod: -1 },
  };
}
