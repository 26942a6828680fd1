/**
 * SEARCH and CYCLE clauses of a recursive WITH query (PostgreSQL 14+),
 * rewritten before analysis as PostgreSQL's rewriteSearchAndCycle does,
 * on the raw parse tree of `non-recursive-term UNION [ALL] recursive-term`:
 *
 * - SEARCH DEPTH FIRST BY c1, c2 SET seq: a column seq, ARRAY[ROW(c1, c2)]
 *   in the non-recursive term and `ref.seq || ROW(c1, c2)` in the
 *   recursive one (ref: its reference to the WITH query), so ORDER BY seq
 *   is the depth-first order.
 * - CYCLE c1, c2 SET mark [TO v DEFAULT d] USING path: columns mark (d in
 *   the non-recursive term; in the recursive one v when ROW(c1, c2) is in
 *   ref.path, else d) and path (as seq above); the recursive term goes on
 *   only from rows whose mark is not v (`AND ref.mark <> v`).
 *
 * - SEARCH BREADTH FIRST BY c1, c2 SET seq: seq is ROW(depth, c1, c2),
 *   depth 0 in the non-recursive term and the reference's depth + 1 in the
 *   recursive one (read back as `(to_jsonb(ref.seq) ->> 'f1')::int8`, as
 *   field selection on a record column is not available here).
 *
 * ROW(c1, c2) takes the term's own output expressions for c1, c2 (the
 * recursive term's are evaluated twice, which is the same for the
 * non-volatile expressions such queries use).
 */
import { Code } from './errors.js';
import { errorAt, type ParseState } from './expr.js';
import type { PNode } from './parse.js';

const str = (s: string): PNode => ({ String: { sval: s } });
const colRef = (...names: string[]): PNode => ({
  ColumnRef: { fields: names.map(str), location: -1 },
});
const op = (name: string, lexpr: PNode, rexpr: PNode, kind = 'AEXPR_OP'): PNode => ({
  A_Expr: { kind, name: [str(name)], lexpr, rexpr, location: -1 },
});
const row = (args: PNode[]): PNode => ({
  RowExpr: { args, row_format: 'COERCE_IMPLICIT_CAST', location: -1 },
});
const target = (name: string, val: PNode): PNode => ({ ResTarget: { name, val, location: -1 } });

/** A target's output name as PostgreSQL would choose it for a column reference (else ?column?). */
function targetName(t: PNode): string {
  const rt = t.ResTarget;
  if (rt.name) return rt.name;
  const fields: PNode[] | undefined = rt.val?.ColumnRef?.fields;
  const last = fields?.[fields.length - 1]?.String?.sval;
  return typeof last === 'string' ? last : '?column?';
}

/** The alias of `name`'s reference among the FROM items (joins looked into), if at the top level. */
function findReference(items: readonly PNode[], name: string): string | undefined {
  for (const item of items) {
    if (item.RangeVar && !item.RangeVar.schemaname && item.RangeVar.relname === name)
      return item.RangeVar.alias?.aliasname ?? name;
    if (item.JoinExpr) {
      const found = findReference([item.JoinExpr.larg, item.JoinExpr.rarg], name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The CommonTableExpr node with its SEARCH / CYCLE clause rewritten into the query. */
export function rewriteSearchCycle(ps: ParseState, cte: PNode): PNode {
  const search = cte.search_clause;
  const cycle = cte.cycle_clause;
  if (!search && !cycle) return cte;
  const q = cte.ctequery?.SelectStmt;
  const clauseLoc: number | undefined = (search ?? cycle).location;
  if (q?.op !== 'SETOP_UNION') {
    throw errorAt(
      ps,
      Code.FEATURE_NOT_SUPPORTED,
      'with a SEARCH or CYCLE clause, the recursive query must be a UNION of a non-recursive and a recursive term',
      clauseLoc,
    );
  }
  const larg: PNode = q.larg?.SelectStmt ?? q.larg;
  const rarg: PNode = q.rarg?.SelectStmt ?? q.rarg;
  for (const [side, term] of [
    ['left', larg],
    ['right', rarg],
  ] as const) {
    if (term.op !== 'SETOP_NONE' || !term.targetList) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        `with a SEARCH or CYCLE clause, the ${side} side of the UNION must be a SELECT`,
        clauseLoc,
      );
    }
  }
  const given: string[] = (cte.aliascolnames ?? []).map((c: PNode) => c.String.sval);
  const names = (larg.targetList as PNode[]).map((t, i) => given[i] ?? targetName(t));
  const columnsOf = (list: PNode[], what: string): number[] =>
    list.map((c) => {
      const name: string = c.String.sval;
      const i = names.indexOf(name);
      if (i < 0) {
        throw errorAt(
          ps,
          Code.INVALID_COLUMN_REFERENCE,
          `${what} column "${name}" not in WITH query column list`,
          clauseLoc,
        );
      }
      return i;
    });
  const ref = findReference(rarg.fromClause ?? [], cte.ctename);
  if (ref === undefined) {
    throw errorAt(
      ps,
      Code.FEATURE_NOT_SUPPORTED,
      `with a SEARCH or CYCLE clause, the recursive reference to WITH query "${cte.ctename}" must be at the top level of its right-hand SELECT`,
      clauseLoc,
    );
  }
  const exprOf = (term: PNode, i: number): PNode => {
    const t: PNode = term.targetList[i];
    if (!t?.ResTarget || t.ResTarget.val?.ColumnRef?.fields?.some((f: PNode) => f.A_Star)) {
      throw errorAt(
        ps,
        Code.FEATURE_NOT_SUPPORTED,
        'SEARCH and CYCLE over a WITH query whose terms select * are not supported yet',
        clauseLoc,
      );
    }
    return t.ResTarget.val;
  };
  const rowOf = (term: PNode, cols: number[]): PNode => row(cols.map((i) => exprOf(term, i)));
  const addL: PNode[] = [];
  const addR: PNode[] = [];
  const addNames: string[] = [];
  let where: PNode | undefined = rarg.whereClause;
  if (search) {
    const seq: string = search.search_seq_column;
    const cols = columnsOf(search.search_col_list ?? [], 'search');
    if (search.search_breadth_first) {
      // ROW(depth, cols): depth 0 in the non-recursive term, the reference's depth + 1 after it
      const int8 = (arg: PNode): PNode => ({
        TypeCast: {
          arg,
          typeName: { names: [str('pg_catalog'), str('int8')], typemod: -1, location: -1 },
          location: -1,
        },
      });
      const depth = op(
        '+',
        int8(
          op(
            '->>',
            {
              FuncCall: {
                funcname: [str('to_jsonb')],
                args: [colRef(ref, seq)],
                funcformat: 'COERCE_EXPLICIT_CALL',
                location: -1,
              },
            },
            { A_Const: { sval: { sval: 'f1' }, location: -1 } },
          ),
        ),
        { A_Const: { ival: { ival: 1 }, location: -1 } },
      );
      const zero = int8({ A_Const: { sval: { sval: '0' }, location: -1 } });
      addL.push(target(seq, row([zero, ...cols.map((i) => exprOf(larg, i))])));
      addR.push(target(seq, row([depth, ...cols.map((i) => exprOf(rarg, i))])));
    } else {
      addL.push(target(seq, { A_ArrayExpr: { elements: [rowOf(larg, cols)], location: -1 } }));
      addR.push(target(seq, op('||', colRef(ref, seq), rowOf(rarg, cols))));
    }
    addNames.push(seq);
  }
  if (cycle) {
    const mark: string = cycle.cycle_mark_column;
    const path: string = cycle.cycle_path_column;
    if (mark === path) {
      throw errorAt(
        ps,
        Code.SYNTAX_ERROR,
        'cycle mark column name and cycle path column name are the same',
        clauseLoc,
      );
    }
    if (addNames.includes(mark) || addNames.includes(path)) {
      throw errorAt(
        ps,
        Code.SYNTAX_ERROR,
        `search sequence column name and cycle ${addNames.includes(mark) ? 'mark' : 'path'} column name are the same`,
        clauseLoc,
      );
    }
    const cols = columnsOf(cycle.cycle_col_list ?? [], 'cycle');
    const value: PNode = cycle.cycle_mark_value ?? { A_Const: { boolval: { boolval: true } } };
    const dflt: PNode = cycle.cycle_mark_default ?? { A_Const: { boolval: {} } };
    const rowR = rowOf(rarg, cols);
    addL.push(target(mark, dflt));
    addR.push(
      target(mark, {
        CaseExpr: {
          args: [
            {
              CaseWhen: {
                expr: op('=', rowR, colRef(ref, path), 'AEXPR_OP_ANY'),
                result: value,
                location: -1,
              },
            },
          ],
          defresult: dflt,
          location: -1,
        },
      }),
    );
    addL.push(target(path, { A_ArrayExpr: { elements: [rowOf(larg, cols)], location: -1 } }));
    addR.push(target(path, op('||', colRef(ref, path), rowR)));
    addNames.push(mark, path);
    const going = op('<>', colRef(ref, mark), value);
    where =
      where === undefined
        ? going
        : { BoolExpr: { boolop: 'AND_EXPR', args: [where, going], location: -1 } };
  }
  const newL = { ...larg, targetList: [...larg.targetList, ...addL] };
  const newR = {
    ...rarg,
    targetList: [...rarg.targetList, ...addR],
    ...(where === undefined ? {} : { whereClause: where }),
  };
  const wrap = (orig: PNode, term: PNode): PNode => (orig.SelectStmt ? { SelectStmt: term } : term);
  const { search_clause: _s, cycle_clause: _c, ...rest } = cte;
  return {
    ...rest,
    ...(given.length > 0 ? { aliascolnames: [...cte.aliascolnames, ...addNames.map(str)] } : {}),
    ctequery: { SelectStmt: { ...q, larg: wrap(q.larg, newL), rarg: wrap(q.rarg, newR) } },
  };
}
