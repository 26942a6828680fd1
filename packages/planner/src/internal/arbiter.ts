/**
 * ON CONFLICT's arbiter indexes and EXPLAIN lines (issue 9, upsert):
 * PostgreSQL's infer_arbiter_indexes (optimizer/util/plancat.c) and
 * show_modifytable_info's ON CONFLICT part (commands/explain.c).
 *
 * infer_arbiter_indexes, in order:
 *   1. no inference elements and no constraint (DO NOTHING without a
 *      target): no arbiters — every unique index arbitrates at run time;
 *   2. ON CONSTRAINT: that constraint's index (42809 when it has none);
 *   3. otherwise every valid unique index whose plain key columns are
 *      exactly the elements' columns, whose key expressions are exactly
 *      the elements' expressions (equal trees), whose collations and
 *      operator classes match those written, and whose predicate (a
 *      partial index) is implied by the inference WHERE (predtest.c,
 *      reduced: indexpred.ts); none is 42P10.
 */
import type { IndexDesc, RelationDesc } from '@pg/catalog';
import type { Expr, InferenceElem, InsertQuery, SelectQuery } from '@pg/sql';
import { type Registry, SqlError } from '@pg/types';
import { type DeparseContext, deparseExpr, sameExpr } from './deparse.js';
import { indexExprs, predicateImpliedBy } from './indexpred.js';

const TEXT = 25;
const VARCHAR = 1043;
const BPCHAR = 1042;
const NAME = 19;

/** The collation an index column of this type has (indcollation): default, "C" for name, none. */
function columnCollation(type: number): string | undefined {
  if (type === TEXT || type === VARCHAR || type === BPCHAR) return 'default';
  if (type === NAME) return 'C';
  return undefined;
}

/** The opclass input type (opcintype) of the default B-tree class of a column type. */
function opclassInputType(type: number): number {
  return type === VARCHAR ? TEXT : type;
}

/** The arbiter index OIDs of an INSERT ... ON CONFLICT (empty: every unique index). */
export function inferArbiterIndexes(
  q: InsertQuery,
  table: RelationDesc,
  registry: Registry,
): number[] {
  const oc = q.onConflict;
  if (oc === undefined) return [];
  if (oc.constraint !== undefined) {
    const index = table.indexes.find((i) => i.oid === oc.constraint?.indexOid);
    if (oc.constraint.indexOid === 0 || index === undefined) {
      throw new SqlError('42809', 'constraint in ON CONFLICT clause has no associated index');
    }
    return [index.oid];
  }
  const elems = oc.inferElems ?? [];
  if (elems.length === 0) return [];
  const inferAttrs = new Set<number>();
  const inferExprs: Expr[] = [];
  for (const el of elems) {
    const e = el.expr;
    if (e.kind === 'row' && e.wholeRow !== undefined) {
      throw new SqlError(
        '0A000',
        'whole row unique index inference specifications are not supported',
      );
    }
    if (e.kind === 'var' && e.rt === q.target && (e.levelsUp ?? 0) === 0) inferAttrs.add(e.attnum);
    else inferExprs.push(e);
  }
  const where = oc.inferWhere === undefined ? [] : [oc.inferWhere];
  const out: number[] = [];
  for (const index of table.indexes) {
    if (!index.valid || !index.unique) continue;
    if (matches(index, table, q.target, elems, inferAttrs, inferExprs, where, registry)) {
      out.push(index.oid);
    }
  }
  if (out.length === 0) {
    throw new SqlError(
      '42P10',
      'there is no unique or exclusion constraint matching the ON CONFLICT specification',
    );
  }
  return out;
}

function matches(
  index: IndexDesc,
  table: RelationDesc,
  rt: number,
  elems: readonly InferenceElem[],
  inferAttrs: ReadonlySet<number>,
  inferExprs: readonly Expr[],
  where: readonly Expr[],
  registry: Registry,
): boolean {
  const keys = index.columns.slice(0, index.nkeys);
  const plain = new Set(keys.filter((a) => a !== 0));
  if (plain.size !== inferAttrs.size || [...plain].some((a) => !inferAttrs.has(a))) return false;
  const ix = indexExprs(table, index, registry, rt);
  const keyExprs = ix.keys.slice(0, index.nkeys);
  const idxExprs = keyExprs.filter((_, k) => keys[k] === 0);
  for (const el of elems) {
    if (!collationOpclassMatch(el, keys, keyExprs, table, index)) return false;
    if (el.expr.kind === 'var') continue;
    if (el.collation !== undefined || el.opclass !== undefined) continue;
    if (!idxExprs.some((x) => sameExpr(x, el.expr))) return false;
  }
  // every key expression of the index must have been named
  if (idxExprs.some((x) => !inferExprs.some((e) => sameExpr(x, e)))) return false;
  return predicateImpliedBy(ix.predicate, where, registry);
}

/** infer_collation_opclass_match: some key column equal to the element has its collation and class. */
function collationOpclassMatch(
  el: InferenceElem,
  keys: readonly number[],
  keyExprs: readonly Expr[],
  table: RelationDesc,
  index: IndexDesc,
): boolean {
  if (el.collation === undefined && el.opclass === undefined) return true;
  let e = 0;
  for (let k = 0; k < keys.length; k++) {
    const attnum = keys[k]!;
    const type =
      attnum !== 0
        ? (table.columns[attnum - 1]?.typeOid ?? 0)
        : (index.expressions?.[e++]?.typeOid ?? 0);
    if (el.collation !== undefined && el.collation !== columnCollation(type)) continue;
    if (el.opclass !== undefined && el.opclass.inputType !== opclassInputType(type)) continue;
    const x = el.expr;
    if (attnum !== 0 ? x.kind === 'var' && x.attnum === attnum : sameExpr(keyExprs[k], x)) {
      return true;
    }
  }
  return false;
}

/**
 * EXPLAIN's ON CONFLICT lines under the ModifyTable line (two spaces in):
 * `Conflict Resolution: UPDATE`, `Conflict Arbiter Indexes: t_pkey`,
 * `Conflict Filter: (t.a <> 'zz'::text)`.
 */
export function explainOnConflict(
  q: InsertQuery,
  arbiterNames: readonly string[],
  registry: Registry,
): string[] {
  const oc = q.onConflict;
  if (oc === undefined) return [];
  const lines = [`Conflict Resolution: ${oc.action === 'update' ? 'UPDATE' : 'NOTHING'}`];
  if (arbiterNames.length > 0) lines.push(`Conflict Arbiter Indexes: ${arbiterNames.join(', ')}`);
  if (oc.where !== undefined) {
    const level = {
      query: q as unknown as SelectQuery,
      rtable: q.rtable,
      names: q.rtable.map((r) => r.alias),
    };
    const ctx: DeparseContext = {
      registry,
      level,
      prefix: true,
      aggregates: undefined,
      windowFuncs: undefined,
      resolveParam: () => undefined,
      subplan: () => '(SubPlan)',
    };
    lines.push(`Conflict Filter: ${deparseExpr(oc.where, ctx)}`);
  }
  return lines;
}
