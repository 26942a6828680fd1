/**
 * The entry a table row gets in an index (FormIndexDatum with the
 * predicate check of ExecInsertIndexTuples): the key columns read from the
 * row or computed by the index's expressions, or no entry when a partial
 * index's predicate is not true for the row.
 *
 * pg_index stores expressions and predicate as SQL text; they are analyzed
 * against the table once per index descriptor (the relation cache makes a
 * new descriptor after any DDL, so a WeakMap keyed by it is never stale).
 */
import type { IndexDesc, RelationDesc } from '@pg/catalog';
import { analyzeExpression, type CatalogView, type Expr, parse } from '@pg/sql';
import { type Registry, SqlError } from '@pg/types';
import type { EvalEnv } from './context.js';
import { compileExpr } from './expr.js';

export type EntryOf = (values: readonly unknown[], env: EvalEnv) => unknown[] | undefined;

const cache = new WeakMap<IndexDesc, EntryOf>();

/** The index entry of a row (values by attnum - 1), undefined when a partial index leaves it out. */
export function indexEntryOf(table: RelationDesc, index: IndexDesc, registry: Registry): EntryOf {
  const hit = cache.get(index);
  if (hit !== undefined) return hit;
  let f: EntryOf;
  if (index.expressions === undefined && index.predicate === undefined) {
    const cols = index.columns;
    f = (values) => cols.map((attnum) => values[attnum - 1] ?? null);
  } else {
    let e = 0;
    const keys = index.columns.map((attnum) => {
      if (attnum !== 0) return (values: readonly unknown[]) => values[attnum - 1] ?? null;
      const text = index.expressions?.[e++]?.text ?? '';
      const c = compileExpr(analyzeStored(text, table, registry), registry);
      return (values: readonly unknown[], env: EvalEnv) => c(values, env) ?? null;
    });
    const pred =
      index.predicate === undefined
        ? undefined
        : compileExpr(analyzeStored(index.predicate, table, registry), registry);
    f = (values, env) => {
      if (pred !== undefined && pred(values, env) !== true) return undefined;
      return keys.map((k) => k(values, env));
    };
  }
  cache.set(index, f);
  return f;
}

/**
 * The table columns an index depends on: its plain columns and every
 * column its expressions and predicate read (an UPDATE changing one is
 * not HOT).
 */
export function indexReferencedColumns(
  table: RelationDesc,
  index: IndexDesc,
  registry: Registry,
): number[] {
  const out = index.columns.filter((n) => n !== 0);
  const texts = [...(index.expressions ?? []).map((x) => x.text)];
  if (index.predicate !== undefined) texts.push(index.predicate);
  for (const t of texts) out.push(...varsOf(analyzeStored(t, table, registry)));
  return out;
}

const analyzedCache = new Map<string, { table: RelationDesc; expr: Expr }>();

/** A stored index expression or predicate (SQL text over the table's columns) analyzed. */
function analyzeStored(text: string, table: RelationDesc, registry: Registry): Expr {
  const key = `${table.oid}:${text}`;
  const hit = analyzedCache.get(key);
  if (hit !== undefined && hit.table === table) return hit.expr;
  const [stmt] = parse(`SELECT ${text}`);
  const node = stmt?.node?.SelectStmt?.targetList?.[0]?.ResTarget?.val;
  if (!stmt || !node) throw new SqlError('XX000', `invalid index expression "${text}"`);
  const view: CatalogView = {
    registry,
    searchPath: ['pg_catalog'],
    lookupRelation: () => undefined,
    currentUser: '',
    currentDatabase: '',
  };
  const e = analyzeExpression(node, view, { relation: table, source: stmt.source });
  analyzedCache.set(key, { table, expr: e });
  return e;
}

function varsOf(e: unknown, out: number[] = []): number[] {
  if (Array.isArray(e)) {
    for (const x of e) varsOf(x, out);
    return out;
  }
  if (typeof e !== 'object' || e === null) return out;
  const o = e as { kind?: unknown; attnum?: unknown; fn?: unknown };
  if (o.kind === 'var' && typeof o.attnum === 'number') out.push(o.attnum);
  for (const [k, v] of Object.entries(e))
    if (k !== 'fn' && k !== 'op' && k !== 'cast') varsOf(v, out);
  return out;
}

/** The type of index column `c` (1-based): its table column's, or its expression's result type. */
export function indexColumnType(table: RelationDesc, index: IndexDesc, c: number): number {
  const attnum = index.columns[c - 1] ?? 0;
  if (attnum !== 0) return table.columns[attnum - 1]?.typeOid ?? 0;
  const nth = index.columns.slice(0, c - 1).filter((n) => n === 0).length;
  return index.expressions?.[nth]?.typeOid ?? 0;
}
