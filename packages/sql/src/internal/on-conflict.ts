/**
 * INSERT ... ON CONFLICT (issue 9, upsert): PostgreSQL's
 * transformOnConflictClause and transformOnConflictArbiter.
 *
 *   ON CONFLICT [ ( elem [, ...] ) [ WHERE pred ] | ON CONSTRAINT name ]
 *     DO NOTHING | DO UPDATE SET ... [ WHERE cond ]
 *
 * The arbiter specification is analyzed here (the elements and predicate
 * over the target's columns only; an unknown constraint is 42704); which
 * unique indexes it names is the planner's business (@pg/planner's
 * inferArbiterIndexes, as plancat.c's infer_arbiter_indexes). DO UPDATE
 * adds the EXCLUDED pseudo relation (a relation entry of the target
 * named "excluded") to the range table; the SET list and WHERE see both it
 * and the target (by its name or alias), columns of either unqualified
 * (so a name both have is ambiguous, as in PostgreSQL). RETURNING, analyzed
 * after, sees only the target.
 */
import type { RelationDesc } from '@pg/catalog';
import {
  assignToColumn,
  columnByName,
  defaultFor,
  inClause,
  MULTI_COLUMN,
  multiAssignValue,
  multiColumnValue,
  type State,
} from './analyze.js';
import { Code, PositionedSqlError } from './errors.js';
import { coerceToBoolean, errorAt, type ScopeEntry, transformExpr } from './expr.js';
import type { PNode } from './parse.js';
import type { Expr, InferenceElem, OnConflict, RelationRte } from './query.js';
import { WITHOUT_SYSTEM_COLUMNS } from './system-columns.js'; // issue 9 (F)

/** The system columns a SET may not assign (transformAssignedExpr's 0A000). */
const SYSTEM_COLUMNS = new Set(['ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid']);

/**
 * B-tree operator classes an inference element may name, with their input
 * type (pg_opclass.opcintype); 0 for a non-default class of the type (it
 * never matches the default classes the engine's indexes use).
 */
const BTREE_OPCLASSES: Readonly<Record<string, number>> = {
  bool_ops: 16,
  bytea_ops: 17,
  char_ops: 18,
  name_ops: 19,
  int8_ops: 20,
  int2_ops: 21,
  int4_ops: 23,
  text_ops: 25,
  oid_ops: 26,
  float4_ops: 700,
  float8_ops: 701,
  bpchar_ops: 1042,
  varchar_ops: 25,
  date_ops: 1082,
  time_ops: 1083,
  timestamp_ops: 1114,
  timestamptz_ops: 1184,
  interval_ops: 1186,
  numeric_ops: 1700,
  uuid_ops: 2950,
  jsonb_ops: 3802,
  text_pattern_ops: 0,
  varchar_pattern_ops: 0,
  bpchar_pattern_ops: 0,
};

function names(list: PNode[] | undefined): string[] {
  return (list ?? []).map((n) => String(n.String?.sval ?? ''));
}

/** transformOnConflictClause: `clause` is the InsertStmt's onConflictClause. */
export function transformOnConflict(ps: State, clause: PNode, target: ScopeEntry): OnConflict {
  const update = clause.action === 'ONCONFLICT_UPDATE';
  const rel = target.relation;
  const infer: PNode | undefined = clause.infer;
  if (infer === undefined && update) {
    throw errorAt(
      ps,
      Code.SYNTAX_ERROR,
      'ON CONFLICT DO UPDATE requires inference specification or constraint name',
      clause.location,
      { hint: 'For example, ON CONFLICT (column_name).' },
    );
  }
  // the arbiter is analyzed with only the target visible
  const saved = ps.scope.slice();
  ps.scope.length = 0;
  ps.scope.push(target);
  let arbiter: Pick<OnConflict, 'inferElems' | 'inferWhere' | 'constraint'> = {};
  try {
    if (infer !== undefined) arbiter = transformArbiter(ps, infer, rel);
  } finally {
    ps.scope.length = 0;
    ps.scope.push(...saved);
  }
  if (!update) return { action: 'nothing', ...arbiter };

  // EXCLUDED: the proposed row, a relation entry of the target that is never scanned
  const excludedRte: RelationRte = {
    kind: 'relation',
    relationOid: rel.oid,
    alias: 'excluded',
    columnNames: rel.columns.map((c) => (c.dropped ? '' : c.name)),
    lockMode: 'RowExclusiveLock',
  };
  ps.rtable.push(excludedRte);
  WITHOUT_SYSTEM_COLUMNS.add(excludedRte); // issue 9 (F): excluded.ctid does not exist
  const excluded: ScopeEntry = { rt: ps.rtable.length - 1, rte: excludedRte, relation: rel };
  ps.scope.length = 0;
  ps.scope.push(target, excluded);
  try {
    const set = transformSet(ps, clause.targetList ?? [], target);
    const where = clause.whereClause
      ? inClause(ps, 'WHERE', false, () =>
          coerceToBoolean(ps, transformExpr(ps, clause.whereClause), 'WHERE'),
        )
      : undefined;
    return {
      action: 'update',
      ...arbiter,
      excluded: excluded.rt,
      set,
      ...(where === undefined ? {} : { where }),
    };
  } finally {
    ps.scope.length = 0;
    ps.scope.push(...saved);
  }
}

/** transformOnConflictArbiter: the inference elements and predicate, or the constraint. */
function transformArbiter(
  ps: State,
  infer: PNode,
  rel: RelationDesc,
): Pick<OnConflict, 'inferElems' | 'inferWhere' | 'constraint'> {
  if (infer.conname !== undefined) {
    const name = String(infer.conname);
    const index = rel.indexes.find((i) => i.constraintName === name);
    if (index !== undefined) return { constraint: { name, indexOid: index.oid } };
    const other = ps.catalog.constraintsOf?.(rel.oid).find((c) => c.name === name);
    if (other !== undefined) return { constraint: { name, indexOid: other.indexOid } };
    throw new PositionedSqlError(
      Code.UNDEFINED_OBJECT,
      `constraint "${name}" for table "${rel.name}" does not exist`,
    );
  }
  const elems: InferenceElem[] = [];
  for (const item of (infer.indexElems ?? []) as PNode[]) {
    const ie = item.IndexElem ?? {};
    if (ie.ordering !== undefined && ie.ordering !== 'SORTBY_DEFAULT') {
      throw errorAt(
        ps,
        Code.SYNTAX_ERROR,
        'ASC/DESC is not allowed in ON CONFLICT clause',
        infer.location,
      );
    }
    if (ie.nulls_ordering !== undefined && ie.nulls_ordering !== 'SORTBY_NULLS_DEFAULT') {
      throw errorAt(
        ps,
        Code.SYNTAX_ERROR,
        'NULLS FIRST/LAST is not allowed in ON CONFLICT clause',
        infer.location,
      );
    }
    const node: PNode =
      ie.expr ??
      ({
        ColumnRef: { fields: [{ String: { sval: ie.name } }], location: infer.location },
      } as PNode);
    const system =
      ie.expr === undefined &&
      SYSTEM_COLUMNS.has(ie.name) &&
      !rel.columns.some((c) => !c.dropped && c.name === ie.name);
    // a system column is no index key: a Var of a negative attnum, which no index matches (42P10)
    const expr: Expr = system
      ? { kind: 'var', rt: ps.scope[0]?.rt ?? 0, attnum: -1, type: 0, typmod: -1 }
      : inClause(ps, 'index expressions', false, () => transformExpr(ps, node));
    let collation: string | undefined;
    if (ie.collation !== undefined) {
      const full = names(ie.collation).join('.');
      const bare = full.startsWith('pg_catalog.') ? full.slice('pg_catalog.'.length) : full;
      if (!['C', 'POSIX', 'default', 'ucs_basic'].includes(bare)) {
        throw errorAt(
          ps,
          Code.UNDEFINED_OBJECT,
          `collation "${full}" for encoding "UTF8" does not exist`,
          infer.location,
        );
      }
      collation = bare;
    }
    let opclass: InferenceElem['opclass'];
    if (ie.opclass !== undefined) {
      const name = names(ie.opclass).at(-1) ?? '';
      const inputType = BTREE_OPCLASSES[name];
      if (inputType === undefined) {
        throw new PositionedSqlError(
          Code.UNDEFINED_OBJECT,
          `operator class "${name}" does not exist for access method "btree"`,
        );
      }
      opclass = { name, inputType };
    }
    elems.push({
      expr,
      ...(collation === undefined ? {} : { collation }),
      ...(opclass === undefined ? {} : { opclass }),
    });
  }
  const inferWhere = infer.whereClause
    ? inClause(ps, 'index predicate', false, () =>
        coerceToBoolean(ps, transformExpr(ps, infer.whereClause), 'WHERE'),
      )
    : undefined;
  return { inferElems: elems, ...(inferWhere === undefined ? {} : { inferWhere }) };
}

/** DO UPDATE SET (transformUpdateTargetList): attnum -> value, DEFAULT and (a, b) = (...) included. */
function transformSet(ps: State, list: PNode[], target: ScopeEntry): Map<number, Expr> {
  const set = new Map<number, Expr>();
  for (const item of list) {
    const rt = item.ResTarget;
    if (rt.indirection) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        'assignment to array elements or fields is not supported yet',
        rt.location,
      );
    }
    if (SYSTEM_COLUMNS.has(rt.name)) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        `cannot assign to system column "${rt.name}"`,
        rt.location,
      );
    }
    const col = columnByName(ps, target, rt.name, rt.location);
    if (set.has(col.attnum)) {
      throw errorAt(ps, Code.SYNTAX_ERROR, `multiple assignments to same column "${rt.name}"`);
    }
    const node = rt.val?.MultiAssignRef ? multiAssignValue(ps, rt.val.MultiAssignRef) : rt.val;
    if (col.generated !== undefined && !node.SetToDefault) {
      // issue 9 (H): a generated column is only updated to DEFAULT
      throw new PositionedSqlError('428C9', `column "${col.name}" can only be updated to DEFAULT`, {
        detail: `Column "${col.name}" is a generated column.`,
      });
    }
    const value = node.SetToDefault
      ? defaultFor(ps, target.relation, col)
      : inClause(ps, 'UPDATE', false, () =>
          assignToColumn(
            ps,
            node[MULTI_COLUMN]
              ? multiColumnValue(ps, node[MULTI_COLUMN].ref)
              : transformExpr(ps, node),
            col,
          ),
        );
    set.set(col.attnum, value);
  }
  return set;
}

/** fixQuery's part: the parameters' final types in every expression. */
export function fixOnConflict(oc: OnConflict, fix: (e: Expr) => Expr): OnConflict {
  return {
    ...oc,
    ...(oc.inferElems === undefined
      ? {}
      : { inferElems: oc.inferElems.map((e) => ({ ...e, expr: fix(e.expr) })) }),
    ...(oc.inferWhere === undefined ? {} : { inferWhere: fix(oc.inferWhere) }),
    ...(oc.set === undefined ? {} : { set: new Map([...oc.set].map(([k, v]) => [k, fix(v)])) }),
    ...(oc.where === undefined ? {} : { where: fix(oc.where) }),
  };
}
