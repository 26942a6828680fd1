/**
 * Expressions as EXPLAIN prints them: PostgreSQL's ruleutils.c
 * (get_rule_expr with no pretty flags), reduced to the expression kinds of
 * @pg/sql's query tree. Without pretty flags every operator, boolean
 * combination and test is wrapped in its own parentheses: `(a = 1)`,
 * `((a > 1) AND (b < 2))`, `(NOT (a IS NULL))`.
 *
 * What a Var prints as depends on the plan around it, so the caller hands
 * in a DeparseContext: the range-table level the Var belongs to (with the
 * unique names EXPLAIN gives entries, `t_1` for a second `t`), whether to
 * qualify columns (PostgreSQL's useprefix), and how to resolve the
 * planner's ExecParams and SubPlans.
 */
import type {
  AggregateCall,
  Const,
  Expr,
  RangeTblEntry,
  SelectQuery,
  SubPlanExpr,
  WindowFuncCall,
} from '@pg/sql';
import { systemColumnOf } from '@pg/sql'; // issue 9 (F)
import { defaultContext, type Registry, SqlError, type TypeContext } from '@pg/types';

/** One query level: its range table and the EXPLAIN name of each entry. */
export interface DeparseLevel {
  readonly query: SelectQuery;
  /** The range table Vars index: the query's, with pulled-up sub-SELECTs' entries appended. */
  readonly rtable: readonly RangeTblEntry[];
  /** rtable index -> unique reference name (set_rtable_names). */
  readonly names: readonly string[];
}

export interface DeparseContext {
  readonly registry: Registry;
  readonly level: DeparseLevel | undefined;
  /** Qualify column names with their entry's name. */
  readonly prefix: boolean;
  /** What Aggref(i) / WindowFunc(i) refer to. */
  readonly aggregates: readonly AggregateCall[] | undefined;
  readonly windowFuncs: readonly WindowFuncCall[] | undefined;
  /**
   * The expression an ExecParam stands for (a NestLoop's outer value or a
   * SubPlan's argument), with the context to print it in; undefined
   * prints `$id`.
   */
  readonly resolveParam: (id: number) => { expr: Expr; ctx: DeparseContext } | undefined;
  /** How a SubPlan prints: `(SubPlan 1)`, `(hashed SubPlan 1)`, or an InitPlan's `$0`. */
  readonly subplan: (e: SubPlanExpr) => string;
  /**
   * Expressions the input computes (non-Var columns of the input's
   * output): PostgreSQL prints a reference to one in parentheses.
   */
  readonly computed?: readonly Expr[] | undefined;
}

const TYPE_CTX: TypeContext = defaultContext();

const INT4 = 23;
const NUMERIC = 1700;
const BOOL = 16;
const UNKNOWN = 705;
const BPCHAR = 1042;

/** Deparses `e` as EXPLAIN shows it (`showImplicit`: show a top-level implicit cast). */
export function deparseExpr(e: Expr, ctx: DeparseContext, showImplicit = false): string {
  const computed = ctx.computed;
  if (computed !== undefined && e.kind !== 'var' && computed.some((c) => sameExpr(c, e))) {
    return `(${deparseExpr(e, { ...ctx, computed: undefined }, showImplicit)})`;
  }
  const d = (x: Expr, implicit = true) => deparseExpr(x, ctx, implicit);
  switch (e.kind) {
    case 'const':
      return deparseConst(e, ctx.registry, 0);
    case 'param':
      return `$${e.index}`;
    case 'var':
      return deparseVar(e.rt, e.attnum, ctx);
    case 'func':
      return `${quoteName(e.fn.name, ctx.registry)}(${e.args.map((a) => d(a)).join(', ')})`;
    case 'op': {
      if (e.args.length === 1) return `(${e.op.name} ${d(e.args[0] as Expr)})`;
      return `(${d(e.args[0] as Expr)} ${e.op.name} ${d(e.args[1] as Expr)})`;
    }
    case 'distinct':
      return `(${d(e.args[0])} IS DISTINCT FROM ${d(e.args[1])})`;
    case 'bool': {
      if (e.op === 'not') return `(NOT ${deparseExpr(e.args[0] as Expr, ctx, false)})`;
      const sep = e.op === 'and' ? ' AND ' : ' OR ';
      return `(${e.args.map((a) => deparseExpr(a, ctx, false)).join(sep)})`;
    }
    case 'nulltest':
      return `(${d(e.arg)} ${e.isNull ? 'IS NULL' : 'IS NOT NULL'})`;
    case 'booltest':
      return `(${d(e.arg)} IS ${e.test.toUpperCase()})`;
    case 'case': {
      let s = 'CASE';
      for (const w of e.whens) s += ` WHEN ${deparseExpr(w.when, ctx, false)} THEN ${d(w.then)}`;
      const o = e.otherwise;
      if (!(o.kind === 'const' && o.value === null)) s += ` ELSE ${d(o)}`;
      return `${s} END`;
    }
    case 'coalesce':
      return `COALESCE(${e.args.map((a) => d(a)).join(', ')})`;
    case 'minmax':
      return `${e.op === 'greatest' ? 'GREATEST' : 'LEAST'}(${e.args.map((a) => d(a)).join(', ')})`;
    case 'nullif':
      return `NULLIF(${d(e.args[0])}, ${d(e.args[1])})`;
    case 'scalararrayop':
      return `(${d(e.scalar)} ${e.op.name} ${e.useOr ? 'ANY' : 'ALL'} (${d(e.array)}))`;
    case 'coerce': {
      if (!e.explicit && !showImplicit) return deparseExpr(e.arg, ctx, false);
      const target = formatType(ctx.registry, e.type, e.typmod);
      const arg = e.arg;
      if (arg.kind === 'const' && arg.type === e.type && arg.typmod === -1) {
        return `${deparseConst(arg, ctx.registry, -1)}::${target}`;
      }
      return `(${deparseExpr(arg, ctx, false)})::${target}`;
    }
    case 'array': {
      const s = `ARRAY[${e.elements.map((a) => d(a)).join(', ')}]`;
      return e.elements.length === 0 ? `${s}::${formatType(ctx.registry, e.type, e.typmod)}` : s;
    }
    case 'row':
      if (e.wholeRow !== undefined) return `${e.wholeRow.alias}.*`;
      return `ROW(${e.args.map((a) => d(a)).join(', ')})`;
    case 'rowcompare':
      return `(ROW(${e.left.map((a) => d(a)).join(', ')}) ${e.op} ROW(${e.right.map((a) => d(a)).join(', ')}))`;
    case 'fieldselect':
      return `(${d(e.arg)}).${e.fieldName}`;
    case 'subscript': {
      const base = e.arg.kind === 'var' ? d(e.arg) : `(${d(e.arg)})`;
      const opt = (x: Expr | undefined) => (x === undefined ? '' : d(x));
      const subs = e.upper.map((u, i) =>
        e.lower === undefined ? `[${opt(u)}]` : `[${opt(e.lower[i])}:${opt(u)}]`,
      );
      return base + subs.join('');
    }
    case 'sqlvalue':
      return e.name.toUpperCase();
    case 'aggref': {
      const agg = ctx.aggregates?.[e.index];
      if (agg === undefined) return `aggregate ${e.index}`;
      return deparseAggregate(agg, ctx);
    }
    case 'windowfunc': {
      const w = ctx.windowFuncs?.[e.index];
      if (w === undefined) return `window function ${e.index}`;
      const args =
        w.aggregate !== undefined
          ? aggregateArgs(w.aggregate, ctx)
          : w.args.map((a) => d(a)).join(', ');
      const filter =
        w.filter !== undefined ? ` FILTER (WHERE ${deparseExpr(w.filter, ctx, false)})` : '';
      return `${quoteName(w.name, ctx.registry)}(${args})${filter} OVER (?)`;
    }
    case 'groupingfunc': {
      const tl = ctx.level?.query.targetList;
      return `GROUPING(${e.refs
        .map((r) => {
          const te = tl?.[r];
          return te === undefined ? '?' : d(te.expr);
        })
        .join(', ')})`;
    }
    case 'execparam': {
      const r = ctx.resolveParam(e.id);
      if (r === undefined) return `$${e.id}`;
      // ruleutils qualifies the referent's Vars: they are from another scope.
      return deparseExpr(r.expr, { ...r.ctx, prefix: true }, true);
    }
    case 'subplan':
      return ctx.subplan(e);
    case 'sublink':
    case 'sublinkparam':
      throw new SqlError('0A000', `EXPLAIN of an unplanned ${e.kind} is not supported yet`);
  }
}

function deparseVar(rt: number, attnum: number, ctx: DeparseContext): string {
  const level = ctx.level;
  const rte = level?.rtable[rt];
  // issue 9 (F): a system column by its name
  const col = attnum < 0 ? systemColumnOf(attnum)?.name : rte?.columnNames[attnum - 1];
  const colName = col === undefined || col === '' ? `column${attnum}` : col;
  const quoted = quoteName(colName, ctx.registry);
  if (!ctx.prefix) return quoted;
  const name = level?.names[rt] ?? rte?.alias ?? `rt${rt}`;
  return `${quoteName(name, ctx.registry)}.${quoted}`;
}

function aggregateArgs(a: AggregateCall, ctx: DeparseContext): string {
  if (a.star) return '*';
  let s = a.distinct ? 'DISTINCT ' : '';
  s += a.args.map((x) => deparseExpr(x, ctx, true)).join(', ');
  if (a.order !== undefined && a.order.length > 0) {
    // an ordered-set aggregate: `f(direct) WITHIN GROUP (ORDER BY keys)`
    if (a.aggkind !== undefined) s += ') WITHIN GROUP (';
    s += `${a.aggkind !== undefined ? '' : ' '}ORDER BY ${a.order.map((k) => deparseExpr(k.expr, ctx, true) + sortOrderSuffix(k.descending, k.nullsFirst)).join(', ')}`;
  }
  return s;
}

/** `count(*)`, `sum(x)`, `string_agg(c, ','::text ORDER BY c)`, `sum(b) FILTER (WHERE (b > 1))`. */
export function deparseAggregate(a: AggregateCall, ctx: DeparseContext): string {
  const filter =
    a.filter !== undefined ? ` FILTER (WHERE ${deparseExpr(a.filter, ctx, false)})` : '';
  return `${quoteName(a.name, ctx.registry)}(${aggregateArgs(a, ctx)})${filter}`;
}

/** The DESC / NULLS FIRST decoration of a sort key (show_sortorder_options). */
export function sortOrderSuffix(descending: boolean, nullsFirst: boolean): string {
  if (descending) return nullsFirst ? ' DESC' : ' DESC NULLS LAST';
  return nullsFirst ? ' NULLS FIRST' : '';
}

/**
 * get_const_expr: showType -1 never labels, 0 labels when the literal
 * alone would not read back as the same type, 1 always labels.
 */
export function deparseConst(c: Const, registry: Registry, showType: -1 | 0 | 1): string {
  const typeName = () => formatType(registry, c.type, c.typmod);
  if (c.value === null || c.value === undefined) {
    return showType >= 0 ? `NULL::${typeName()}` : 'NULL';
  }
  const t = registry.type(c.type);
  const text = t !== undefined ? t.output(c.value, TYPE_CTX) : String(c.value);
  let s: string;
  let needLabel = false;
  switch (c.type) {
    case INT4:
      if (!text.startsWith('-')) s = text;
      else {
        s = `'${text}'`;
        needLabel = true;
      }
      break;
    case NUMERIC:
      if (/^[0-9]/.test(text) && /[eE.]/.test(text)) s = text;
      else {
        s = `'${text}'`;
        needLabel = true;
      }
      break;
    case BOOL:
      s = text === 't' || text === 'true' ? 'true' : 'false';
      break;
    default:
      s = quoteLiteral(text);
  }
  if (showType < 0) return s;
  switch (c.type) {
    case BOOL:
    case UNKNOWN:
      needLabel = false;
      break;
    case INT4:
      break;
    case NUMERIC:
      needLabel ||= c.typmod >= 0;
      break;
    default:
      needLabel = true;
  }
  return needLabel || showType > 0 ? `${s}::${typeName()}` : s;
}

/** simple_quote_literal with standard_conforming_strings on. */
function quoteLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** format_type_with_typemod. */
export function formatType(registry: Registry, oid: number, typmod: number): string {
  const t = registry.type(oid);
  if (t === undefined) return oid === UNKNOWN ? 'unknown' : `type ${oid}`;
  if (oid === BPCHAR && typmod < 0) return 'bpchar';
  // bit without a typmod is quoted: a bare BIT would mean bit(1)
  if (oid === 1560 && typmod < 0) return '"bit"';
  const mod = typmod >= 0 && t.typmodOut !== undefined ? t.typmodOut(typmod) : '';
  if (mod === '') return t.displayName;
  for (const tail of [' without time zone', ' with time zone']) {
    if (t.displayName.endsWith(tail)) return t.displayName.slice(0, -tail.length) + mod + tail;
  }
  if (t.displayName.endsWith('[]')) return `${t.displayName.slice(0, -2)}${mod}[]`;
  return t.displayName + mod;
}

/** quote_identifier, keyword-aware (through the registry's quote_ident). */
export function quoteName(name: string, registry: Registry): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name)) {
    try {
      return String(registry.call('quote_ident', [25], [name], TYPE_CTX));
    } catch {
      return name;
    }
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** Structural equality of two expressions (R2's match). */
export function sameExpr(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    if (typeof a === 'bigint' || typeof b === 'bigint') return a === b;
    return false;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameExpr(x, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => {
    const va = (a as Record<string, unknown>)[k];
    const vb = (b as Record<string, unknown>)[k];
    // Function and operator definitions are shared objects: identity is enough.
    if (k === 'fn' || k === 'op' || k === 'cast') return va === vb || sameExpr(va, vb);
    return sameExpr(va, vb);
  });
}
