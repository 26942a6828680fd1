/**
 * FigureColname (parse_target.c): the column name PostgreSQL gives an
 * output column that has no alias — a column's name, a function's name,
 * `case`, `coalesce`, a cast's type name, or `?column?`.
 */
import type { PNode } from './parse.js';

const SVF_NAMES: Readonly<Record<string, string>> = {
  SVFOP_CURRENT_DATE: 'current_date',
  SVFOP_CURRENT_TIME: 'current_time',
  SVFOP_CURRENT_TIME_N: 'current_time',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
  SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
  SVFOP_LOCALTIME: 'localtime',
  SVFOP_LOCALTIME_N: 'localtime',
  SVFOP_LOCALTIMESTAMP: 'localtimestamp',
  SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
  SVFOP_CURRENT_ROLE: 'current_role',
  SVFOP_CURRENT_USER: 'current_user',
  SVFOP_USER: 'user',
  SVFOP_SESSION_USER: 'session_user',
  SVFOP_CURRENT_CATALOG: 'current_catalog',
  SVFOP_CURRENT_SCHEMA: 'current_schema',
};

/** The name of SQLValueFunction `op` (SVFOP_CURRENT_DATE -> current_date). */
export function sqlValueFunctionName(op: string): string {
  return SVF_NAMES[op] ?? op.toLowerCase();
}

/**
 * The output column name of each scalar sub-SELECT analyzed, by its parse
 * node (PostgreSQL reads it from the transformed subquery).
 */
export const subLinkColumnNames: WeakMap<object, string> = new WeakMap();

export function figureColname(node: PNode): string {
  return internal(node)?.name ?? '?column?';
}

function internal(node: PNode): { name: string; strength: number } | undefined {
  if (node === undefined || node === null) return undefined;
  const [tag] = Object.keys(node);
  const n = node[tag!];
  switch (tag) {
    case 'ColumnRef': {
      const last = n.fields[n.fields.length - 1];
      return last?.String ? { name: last.String.sval, strength: 2 } : undefined;
    }
    case 'A_Indirection': {
      for (let i = (n.indirection ?? []).length - 1; i >= 0; i--) {
        const f = n.indirection[i];
        if (f.String) return { name: f.String.sval, strength: 2 };
      }
      return internal(n.arg);
    }
    case 'FuncCall': {
      const last = n.funcname[n.funcname.length - 1];
      return { name: last.String.sval, strength: 2 };
    }
    case 'A_Expr':
      return n.kind === 'AEXPR_NULLIF' ? { name: 'nullif', strength: 2 } : undefined;
    case 'TypeCast': {
      const inner = internal(n.arg);
      if (inner && inner.strength > 1) return inner;
      const names = n.typeName.names;
      const last = names[names.length - 1];
      return { name: last.String.sval, strength: 1 };
    }
    case 'CollateClause':
      return internal(n.arg);
    case 'SubLink':
      if (n.subLinkType === 'EXISTS_SUBLINK') return { name: 'exists', strength: 2 };
      if (n.subLinkType === 'ARRAY_SUBLINK') return { name: 'array', strength: 2 };
      if (n.subLinkType === 'EXPR_SUBLINK') {
        // the sub-SELECT's column name, once analysis has seen it
        const name = subLinkColumnNames.get(n);
        if (name !== undefined) return { name, strength: 2 };
      }
      return undefined;
    case 'CaseExpr': {
      const inner = internal(n.defresult);
      if (inner && inner.strength > 1) return inner;
      return { name: 'case', strength: 1 };
    }
    case 'A_ArrayExpr':
      return { name: 'array', strength: 2 };
    case 'RowExpr':
      return { name: 'row', strength: 2 };
    case 'CoalesceExpr':
      return { name: 'coalesce', strength: 2 };
    case 'MinMaxExpr':
      return { name: n.op === 'IS_GREATEST' ? 'greatest' : 'least', strength: 2 };
    case 'SQLValueFunction':
      return { name: sqlValueFunctionName(n.op), strength: 2 };
    case 'GroupingFunc':
      return { name: 'grouping', strength: 2 };
    default:
      return undefined;
  }
}
