/**
 * Test-only: a model of the catalog for model-based tests — random DDL
 * operations, what each does to the model (or which SQLSTATE it must fail
 * with), how to run it on a Catalog, and descriptors projected to what the
 * model tracks.
 */

import fc from 'fast-check';
import type { Catalog } from './catalog.js';
import type { RelationDesc } from './desc.js';

export interface MCol {
  name: string;
  typeOid: number;
  notNull: boolean;
  dropped: boolean;
}
export interface MIndex {
  name: string;
  columns: number[];
  unique: boolean;
}
export interface MTable {
  columns: MCol[];
  indexes: MIndex[];
}
export type Model = Map<string, MTable>;

export const TABLES = ['t0', 't1'];
const COLS = ['a', 'b', 'c', 'd'];

export type Op =
  | { kind: 'createTable'; t: number; cols: number[]; types: boolean[] }
  | { kind: 'createIndex'; t: number; cols: number[]; unique: boolean }
  | { kind: 'addColumn'; t: number; c: number; text: boolean }
  | { kind: 'dropColumn'; t: number; c: number }
  | { kind: 'renameColumn'; t: number; c: number; to: number }
  | { kind: 'dropTable'; t: number }
  | { kind: 'dropIndex'; t: number; i: number }
  | { kind: 'truncate'; t: number }
  | { kind: 'commit' }
  | { kind: 'rollback' }
  | { kind: 'savepoint' }
  | { kind: 'rollbackTo' };

const t = fc.nat(TABLES.length - 1);
const c = fc.nat(COLS.length - 1);
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('createTable' as const),
      t,
      cols: fc.uniqueArray(c, { minLength: 1, maxLength: 3 }),
      types: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('createIndex' as const),
      t,
      cols: fc.uniqueArray(c, { minLength: 1, maxLength: 2 }),
      unique: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('addColumn' as const), t, c, text: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dropColumn' as const), t, c }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('renameColumn' as const), t, c, to: c }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropTable' as const), t }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropIndex' as const), t, i: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), t }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'rollback' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'savepoint' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'rollbackTo' as const }) },
);

export function clone(m: Model): Model {
  return new Map(
    [...m].map(([k, v]) => [
      k,
      {
        columns: v.columns.map((x) => ({ ...x })),
        indexes: v.indexes.map((x) => ({ ...x, columns: [...x.columns] })),
      },
    ]),
  );
}

function live(tb: MTable, name: string): number {
  return tb.columns.findIndex((x) => x.name === name && !x.dropped);
}

function relNames(m: Model): Set<string> {
  const s = new Set<string>();
  for (const [k, v] of m) {
    s.add(k);
    for (const i of v.indexes) s.add(i.name);
  }
  return s;
}

/** Applies `op` to the model; returns the expected SQLSTATE when it must fail. */
export function applyModel(m: Model, op: Op): string | undefined {
  if (
    op.kind === 'commit' ||
    op.kind === 'rollback' ||
    op.kind === 'savepoint' ||
    op.kind === 'rollbackTo'
  )
    return undefined;
  const name = TABLES[op.t] as string;
  const tb = m.get(name);
  switch (op.kind) {
    case 'createTable':
      if (tb) return '42P07';
      m.set(name, {
        columns: op.cols.map((ci, i) => ({
          name: COLS[ci] as string,
          typeOid: op.types[i] ? 25 : 23,
          notNull: false,
          dropped: false,
        })),
        indexes: [],
      });
      return undefined;
    case 'createIndex': {
      if (!tb) return 'skip';
      const attnums: number[] = [];
      for (const ci of op.cols) {
        const at = live(tb, COLS[ci] as string);
        if (at < 0) return 'skip';
        attnums.push(at + 1);
      }
      const base = `${name}_${attnums.map((a) => tb.columns[a - 1]?.name).join('_')}_${op.unique ? 'key' : 'idx'}`;
      const taken = relNames(m);
      let nm = base;
      for (let i = 1; taken.has(nm); i++) nm = `${base}${i}`;
      tb.indexes.push({ name: nm, columns: attnums, unique: op.unique });
      return undefined;
    }
    case 'addColumn': {
      if (!tb) return 'skip';
      if (live(tb, COLS[op.c] as string) >= 0) return '42701';
      tb.columns.push({
        name: COLS[op.c] as string,
        typeOid: op.text ? 25 : 23,
        notNull: false,
        dropped: false,
      });
      return undefined;
    }
    case 'dropColumn': {
      if (!tb) return 'skip';
      const at = live(tb, COLS[op.c] as string);
      if (at < 0) return '42703';
      tb.columns[at] = {
        name: `........pg.dropped.${at + 1}........`,
        typeOid: 0,
        notNull: false,
        dropped: true,
      };
      tb.indexes = tb.indexes.filter((i) => !i.columns.includes(at + 1));
      return undefined;
    }
    case 'renameColumn': {
      if (!tb) return 'skip';
      const at = live(tb, COLS[op.c] as string);
      if (at < 0) return '42703';
      if (live(tb, COLS[op.to] as string) >= 0) return '42701';
      (tb.columns[at] as MCol).name = COLS[op.to] as string;
      return undefined;
    }
    case 'dropTable':
      if (!tb) return 'skip';
      m.delete(name);
      return undefined;
    case 'dropIndex':
      if (!tb || op.i >= tb.indexes.length) return 'skip';
      tb.indexes.splice(op.i, 1);
      return undefined;
    case 'truncate':
      return tb ? undefined : 'skip';
  }
}

export function runOp(cat: Catalog, op: Op, before: Model): void {
  if (
    op.kind === 'commit' ||
    op.kind === 'rollback' ||
    op.kind === 'savepoint' ||
    op.kind === 'rollbackTo'
  )
    return;
  const name = TABLES[op.t] as string;
  const d = () => cat.lookupRelation('public', name) as RelationDesc;
  const colName = (i: number) => COLS[i] as string;
  switch (op.kind) {
    case 'createTable':
      cat.createTable({
        namespace: 'public',
        name,
        columns: op.cols.map((ci, i) => ({
          name: colName(ci),
          typeOid: op.types[i] ? 25 : 23,
          typmod: -1,
          notNull: false,
        })),
      });
      return;
    case 'createIndex': {
      const desc = d();
      cat.createIndex({
        table: desc.oid,
        columns: op.cols.map(
          (ci) =>
            (desc.columns.find((x) => x.name === colName(ci) && !x.dropped) as { attnum: number })
              .attnum,
        ),
        unique: op.unique,
        constraint: op.unique,
      });
      return;
    }
    case 'addColumn':
      cat.addColumn(d().oid, {
        name: colName(op.c),
        typeOid: op.text ? 25 : 23,
        typmod: -1,
        notNull: false,
      });
      return;
    case 'dropColumn':
      cat.dropColumn(d().oid, colName(op.c));
      return;
    case 'renameColumn':
      cat.renameColumn(d().oid, colName(op.c), colName(op.to));
      return;
    case 'dropTable':
      cat.dropRelation(d().oid);
      return;
    case 'dropIndex': {
      const ixName = before.get(name)?.indexes[op.i]?.name as string;
      const ix = cat.lookupRelation('public', ixName) as RelationDesc;
      if (before.get(name)?.indexes[op.i]?.unique) {
        // a constraint's index: DROP INDEX is refused (2BP01); the model skipped nothing, so drop via the table's constraint is not modelled
        cat.dropRelation(ix.oid);
        return;
      }
      cat.dropRelation(ix.oid);
      return;
    }
    case 'truncate':
      cat.truncate(d().oid);
      return;
  }
}

export function project(d: RelationDesc | undefined) {
  if (!d) return undefined;
  return {
    columns: d.columns.map((x) => ({
      name: x.name,
      typeOid: x.dropped ? 0 : x.typeOid,
      notNull: x.notNull,
      dropped: x.dropped,
    })),
    indexes: d.indexes.map((i) => ({ name: i.name, columns: [...i.columns], unique: i.unique })),
  };
}

export function projectModel(m: Model, name: string) {
  const tb = m.get(name);
  if (!tb) return undefined;
  return { columns: tb.columns, indexes: [...tb.indexes] };
}
