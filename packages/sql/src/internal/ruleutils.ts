/**
 * A view's query printed back as SQL, as PostgreSQL 15's ruleutils.c does
 * for pg_get_viewdef (get_query_def with PRETTYFLAG_INDENT, and with
 * PRETTYFLAG_PAREN too for the `pretty` form; wrap column 0, so every
 * output column after the first starts a new line):
 *
 *    SELECT t.a,
 *       t.b AS bee
 *      FROM t
 *     WHERE (t.a > 1)
 *
 * Indentation follows appendContextKeyword: a keyword starts a new line
 * indented by the current level plus its own amount, and the level moves
 * by PRETTYINDENT_STD (8) around each query level. Every column is
 * qualified with its range-table entry's name (PostgreSQL 15's view
 * queries always have several entries), a relation's name is qualified
 * with its schema when the search path would not find it.
 *
 * The text is also what a view stores (pg_rewrite.ev_action): analyzing
 * it again gives the same query, so the output must be valid SQL that
 * means the same thing. Shapes we cannot print faithfully yet (functions
 * or VALUES in FROM, FOR UPDATE, grouping sets) raise 0A000.
 */
import { defaultContext, type Registry, SqlError, type TypeContext } from '@pg/types';
import type {
  AggregateCall,
  CommonTableExpr,
  Const,
  Expr,
  JoinRte,
  RangeTblEntry,
  SelectQuery,
  SetOperationTree,
  SortClause,
  TargetEntry,
  WindowClause,
} from './query.js';
import { systemColumnOf } from './system-columns.js'; // issue 9 (F)

export interface DeparseQueryOptions {
  readonly registry: Registry;
  /** PRETTYFLAG_PAREN: only the parentheses precedence needs (pg_get_viewdef(v, true)). */
  readonly pretty: boolean;
  /** generate_relation_name: the relation's name, schema-qualified when not visible. */
  readonly relationName: (oid: number) => string;
  /** The view's column names (the result descriptor): an output named otherwise gets `AS`. */
  readonly columnNames?: readonly string[];
}

const STD = 8;
const JOIN = 4;
const VAR = 4;
const TYPE_CTX: TypeContext = defaultContext();

/** One query level's range-table names (innermost first in Ctx.levels). */
interface Level {
  readonly query: SelectQuery;
  readonly names: readonly string[];
}

interface Ctx {
  readonly o: DeparseQueryOptions;
  buf: string;
  indent: number;
  levels: Level[];
}

/** The query as pg_get_viewdef prints it, without the final semicolon. */
export function deparseQuery(q: SelectQuery, options: DeparseQueryOptions): string {
  const ctx: Ctx = { o: options, buf: '', indent: 0, levels: [] };
  queryDef(ctx, q, options.columnNames, 0);
  return ctx.buf;
}

function unsupported(what: string): never {
  throw new SqlError('0A000', `a view whose query has ${what} is not supported yet`);
}

/** appendContextKeyword. */
function keyword(ctx: Ctx, str: string, before: number, after: number, plus: number): void {
  ctx.indent += before;
  ctx.buf = ctx.buf.replace(/ +$/, '');
  ctx.buf += `\n${' '.repeat(Math.max(ctx.indent, 0) + plus)}${str}`;
  ctx.indent += after;
  if (ctx.indent < 0) ctx.indent = 0;
}

/** Runs `f` with its own output buffer and returns what it printed. */
function capture(ctx: Ctx, f: () => void): string {
  const saved = ctx.buf;
  ctx.buf = '';
  f();
  const out = ctx.buf;
  ctx.buf = saved;
  return out;
}

/** get_query_def for a SELECT at indentation `startIndent`. */
function queryDef(
  ctx: Ctx,
  q: SelectQuery,
  resultNames: readonly string[] | undefined,
  startIndent: number,
  namesVisible = true,
): void {
  const savedIndent = ctx.indent;
  ctx.indent = startIndent;
  const level: Level = { query: q, names: rtableNames(ctx, q) };
  ctx.levels.unshift(level);
  try {
    if (q.rowMarks.length > 0) unsupported('FOR UPDATE/SHARE');
    if (q.groupingSets !== undefined) unsupported('GROUPING SETS');
    withClause(ctx, q);
    if (q.setOp !== undefined) {
      setopQuery(ctx, q, q.setOp, resultNames);
      orderLimit(ctx, q, true);
    } else {
      basicSelect(ctx, q, resultNames, namesVisible);
    }
  } finally {
    ctx.levels.shift();
    ctx.indent = savedIndent;
  }
}

/** set_rtable_names, reduced: each entry's alias, `_N` appended to a name already used. */
function rtableNames(ctx: Ctx, q: SelectQuery): string[] {
  const used = new Set<string>();
  for (const l of ctx.levels) for (const n of l.names) used.add(n);
  return q.rtable.map((rte) => {
    if (rte.kind === 'join' && rte.alias === 'unnamed_join') return '';
    let name = rte.alias;
    if (used.has(name) && rte.kind !== 'join') {
      let i = 1;
      while (used.has(`${rte.alias}_${i}`)) i++;
      name = `${rte.alias}_${i}`;
    }
    used.add(name);
    return name;
  });
}

function withClause(ctx: Ctx, q: SelectQuery): void {
  const ctes = q.ctes ?? [];
  if (ctes.length === 0) return;
  ctx.indent += STD;
  ctx.buf += ' ';
  let sep = ctes.some((c) => c.recursive) ? 'WITH RECURSIVE ' : 'WITH ';
  for (const c of ctes) {
    if (c.modify !== undefined) unsupported('a data-modifying WITH query');
    ctx.buf += sep + quoteName(c.name, ctx.o.registry);
    if (hasAliasColumns(c))
      ctx.buf += `(${c.columnNames.map((n) => quoteName(n, ctx.o.registry)).join(', ')})`;
    ctx.buf += ' AS ';
    if (c.materialized === 'always') ctx.buf += 'MATERIALIZED ';
    if (c.materialized === 'never') ctx.buf += 'NOT MATERIALIZED ';
    ctx.buf += '(';
    keyword(ctx, '', 0, 0, 0);
    queryDef(ctx, c.query, undefined, ctx.indent);
    keyword(ctx, '', 0, 0, 0);
    ctx.buf += ')';
    sep = ', ';
  }
  ctx.indent -= STD;
  keyword(ctx, '', 0, 0, 0);
}

/** A WITH query's column list was written when its names differ from its query's outputs. */
function hasAliasColumns(c: CommonTableExpr): boolean {
  const outs = c.query.targetList.filter((t) => !t.junk).map((t) => t.name);
  return c.columnNames.some((n, i) => n !== outs[i]);
}

function basicSelect(
  ctx: Ctx,
  q: SelectQuery,
  resultNames: readonly string[] | undefined,
  namesVisible: boolean,
): void {
  ctx.indent += STD;
  ctx.buf += ' SELECT';
  if (q.distinct === 'all') ctx.buf += ' DISTINCT';
  else if (q.distinct !== undefined) {
    ctx.buf += ` DISTINCT ON (${q.distinct
      .map((i) => sortGroupExpr(ctx, q.targetList[i] as TargetEntry))
      .join(', ')})`;
  }
  targetList(ctx, q.targetList, resultNames, namesVisible);
  fromClause(ctx, q, ' FROM ');
  if (q.where !== undefined) {
    keyword(ctx, ' WHERE ', -STD, STD, 1);
    ctx.buf += expr(ctx, q.where, false);
  }
  if (q.group !== undefined && q.group.length > 0) {
    keyword(ctx, ' GROUP BY ', -STD, STD, 1);
    ctx.buf += q.group.map((i) => sortGroupExpr(ctx, q.targetList[i] as TargetEntry)).join(', ');
  }
  if (q.having !== undefined) {
    keyword(ctx, ' HAVING ', -STD, STD, 0);
    ctx.buf += expr(ctx, q.having, false);
  }
  windowClause(ctx, q);
  orderLimit(ctx, q, false);
}

function targetList(
  ctx: Ctx,
  tl: readonly TargetEntry[],
  resultNames: readonly string[] | undefined,
  namesVisible: boolean,
): void {
  let sep = ' ';
  let colno = 0;
  for (const te of tl) {
    if (te.junk) continue;
    ctx.buf += sep;
    sep = ', ';
    colno++;
    const text = capture(ctx, () => {
      let attname: string | undefined;
      if (te.expr.kind === 'var') {
        ctx.buf += varName(ctx, te.expr.rt, te.expr.attnum, te.expr.levelsUp ?? 0);
        attname = varColumn(ctx, te.expr.rt, te.expr.attnum, te.expr.levelsUp ?? 0);
      } else {
        ctx.buf += expr(ctx, te.expr, true);
      }
      const colname = resultNames?.[colno - 1] ?? te.name;
      // a sub-SELECT's names are not seen: its "?column?" goes unsaid
      const unseen = !namesVisible && colname === '?column?';
      if (attname !== colname && !unseen) ctx.buf += ` AS ${quoteName(colname, ctx.o.registry)}`;
    });
    if (text.startsWith('\n')) ctx.buf = ctx.buf.replace(/ +$/, '');
    else if (colno > 1) keyword(ctx, '', -STD, STD, VAR);
    ctx.buf += text;
  }
}

function fromClause(ctx: Ctx, q: SelectQuery, prefix: string): void {
  let first = true;
  for (const rt of q.from) {
    if (first) {
      keyword(ctx, prefix, -STD, STD, 2);
      first = false;
      fromItem(ctx, q, rt);
    } else {
      ctx.buf += ', ';
      const item = capture(ctx, () => fromItem(ctx, q, rt));
      if (item.startsWith('\n')) ctx.buf = ctx.buf.replace(/ +$/, '');
      else keyword(ctx, '', -STD, STD, VAR);
      ctx.buf += item;
    }
  }
}

function fromItem(ctx: Ctx, q: SelectQuery, rt: number): void {
  const rte = q.rtable[rt] as RangeTblEntry;
  const names = (ctx.levels[0] as Level).names;
  const refname = names[rt] ?? rte.alias;
  switch (rte.kind) {
    case 'relation': {
      const name = ctx.o.relationName(rte.relationOid);
      ctx.buf += name;
      const bare = name.slice(name.lastIndexOf('.') + 1);
      if (quoteName(refname, ctx.o.registry) !== bare)
        ctx.buf += ` ${quoteName(refname, ctx.o.registry)}`;
      return;
    }
    case 'subquery':
      if (rte.view !== undefined) {
        // an expanded view prints as the view
        const name = ctx.o.relationName(rte.view);
        ctx.buf += name;
        const bare = name.slice(name.lastIndexOf('.') + 1);
        if (quoteName(refname, ctx.o.registry) !== bare)
          ctx.buf += ` ${quoteName(refname, ctx.o.registry)}`;
        return;
      }
      ctx.buf += '(';
      queryDef(ctx, rte.query, undefined, ctx.indent);
      ctx.buf += `) ${quoteName(refname, ctx.o.registry)}`;
      columnAliases(
        ctx,
        rte.columnNames,
        rte.query.targetList.filter((t) => !t.junk).map((t) => t.name),
      );
      return;
    case 'cte':
      ctx.buf += quoteName(rte.name, ctx.o.registry);
      if (refname !== rte.name) ctx.buf += ` ${quoteName(refname, ctx.o.registry)}`;
      return;
    case 'join':
      joinItem(ctx, q, rte, refname);
      return;
    case 'function':
      unsupported('a function in FROM');
      break;
    case 'values':
      unsupported('VALUES in FROM');
  }
}

function columnAliases(ctx: Ctx, names: readonly string[], natural: readonly string[]): void {
  if (names.every((n, i) => n === natural[i])) return;
  ctx.buf += `(${names.map((n) => quoteName(n, ctx.o.registry)).join(', ')})`;
}

function joinItem(ctx: Ctx, q: SelectQuery, j: JoinRte, refname: string): void {
  const pretty = ctx.o.pretty;
  const hasAlias = j.alias !== 'unnamed_join' && refname !== '';
  const right = q.rtable[j.right];
  const parenRight = pretty && right?.kind === 'join';
  const using = j.using !== undefined && j.using.length > 0 ? j.using : undefined;
  if (!pretty || hasAlias) ctx.buf += '(';
  fromItem(ctx, q, j.left);
  const word =
    j.joinType === 'inner'
      ? j.quals === undefined && using === undefined
        ? ' CROSS JOIN '
        : ' JOIN '
      : ` ${j.joinType.toUpperCase()} JOIN `;
  keyword(ctx, word, -STD, STD, JOIN);
  if (parenRight) ctx.buf += '(';
  fromItem(ctx, q, j.right);
  if (parenRight) ctx.buf += ')';
  if (using !== undefined) {
    ctx.buf += ` USING (${using.map((n) => quoteName(n, ctx.o.registry)).join(', ')})`;
  } else if (j.quals !== undefined) {
    ctx.buf += ' ON ';
    if (!pretty) ctx.buf += '(';
    ctx.buf += expr(ctx, j.quals, false);
    if (!pretty) ctx.buf += ')';
  } else if (j.joinType !== 'inner') {
    ctx.buf += ' ON TRUE';
  }
  if (!pretty || hasAlias) ctx.buf += ')';
  if (hasAlias) ctx.buf += ` ${quoteName(refname, ctx.o.registry)}`;
}

function windowClause(ctx: Ctx, q: SelectQuery): void {
  const named = (q.windows ?? []).filter((w) => w.name !== undefined);
  if (named.length === 0) return;
  keyword(ctx, ' WINDOW ', -STD, STD, 0);
  ctx.buf += named
    .map((w) => `${quoteName(w.name as string, ctx.o.registry)} AS ${windowSpec(ctx, w)}`)
    .join(', ');
}

function windowSpec(ctx: Ctx, w: WindowClause): string {
  const parts: string[] = [];
  if (w.partition.length > 0)
    parts.push(`PARTITION BY ${w.partition.map((e) => sortKeyExpr(ctx, e)).join(', ')}`);
  if (w.order.length > 0) {
    parts.push(
      `ORDER BY ${w.order.map((k) => sortKeyExpr(ctx, k.expr) + orderSuffix(k.descending, k.nullsFirst)).join(', ')}`,
    );
  }
  const f = w.frame;
  const isDefault =
    f.mode === 'range' &&
    f.start.kind === 'unbounded preceding' &&
    f.end.kind === 'current row' &&
    f.exclude === 'no others';
  if (!isDefault) {
    const bound = (b: typeof f.start) => {
      const k = b.kind.toUpperCase();
      return b.offset !== undefined ? `${expr(ctx, b.offset, false)} ${k}` : k;
    };
    let s = `${f.mode.toUpperCase()} BETWEEN ${bound(f.start)} AND ${bound(f.end)}`;
    if (f.exclude !== 'no others') s += ` EXCLUDE ${f.exclude.toUpperCase()}`;
    parts.push(s);
  }
  return `(${parts.join(' ')})`;
}

function orderLimit(ctx: Ctx, q: SelectQuery, forceColno: boolean): void {
  if (q.sort.length > 0) {
    keyword(ctx, ' ORDER BY ', -STD, STD, 1);
    ctx.buf += q.sort
      .map((s: SortClause) => {
        const te = q.targetList[s.index] as TargetEntry;
        const key = forceColno ? String(s.index + 1) : sortGroupExpr(ctx, te);
        return key + orderSuffix(s.descending, s.nullsFirst);
      })
      .join(', ');
  }
  if (q.offset !== undefined) {
    keyword(ctx, ' OFFSET ', -STD, STD, 0);
    ctx.buf += expr(ctx, q.offset, false);
  }
  if (q.limit !== undefined) {
    if (q.limitWithTies) {
      keyword(ctx, ' FETCH FIRST ', -STD, STD, 0);
      ctx.buf += `${expr(ctx, q.limit, false)} ROWS WITH TIES`;
    } else {
      keyword(ctx, ' LIMIT ', -STD, STD, 0);
      const l = q.limit;
      ctx.buf += l.kind === 'const' && l.value === null ? 'ALL' : expr(ctx, l, false);
    }
  }
}

function orderSuffix(descending: boolean, nullsFirst: boolean): string {
  if (descending) return nullsFirst ? ' DESC' : ' DESC NULLS LAST';
  return nullsFirst ? ' NULLS FIRST' : '';
}

/** get_rule_sortgroupclause: a constant shows its type, a function-like expression is parenthesized. */
function sortGroupExpr(ctx: Ctx, te: TargetEntry): string {
  return sortKeyExpr(ctx, te.expr);
}

function sortKeyExpr(ctx: Ctx, e: Expr): string {
  if (e.kind === 'const') return constText(ctx.o.registry, e, 1);
  if (e.kind === 'var') return expr(ctx, e, true);
  const paren = ctx.o.pretty || e.kind === 'func' || e.kind === 'aggref' || e.kind === 'windowfunc';
  const s = expr(ctx, e, true);
  return paren ? `(${s})` : s;
}

/** get_setop_query. */
function setopQuery(
  ctx: Ctx,
  q: SelectQuery,
  node: SetOperationTree,
  resultNames: readonly string[] | undefined,
): void {
  if (node.kind === 'leaf') {
    const rte = q.rtable[node.rt];
    if (rte?.kind !== 'subquery') unsupported('a set operation over a non-subquery');
    const sub = rte.query;
    const paren =
      (sub.ctes ?? []).length > 0 ||
      sub.sort.length > 0 ||
      sub.rowMarks.length > 0 ||
      sub.limit !== undefined ||
      sub.offset !== undefined;
    if (paren) ctx.buf += '(';
    queryDef(
      ctx,
      sub,
      resultNames ?? q.targetList.filter((t) => !t.junk).map((t) => t.name),
      ctx.indent,
    );
    if (paren) ctx.buf += ')';
    return;
  }
  let paren = false;
  if (node.left.kind === 'setop') paren = !(node.left.op === node.op && node.left.all === node.all);
  let sub = 0;
  if (paren) {
    ctx.buf += '(';
    sub = STD;
    keyword(ctx, '', sub, 0, 0);
  }
  setopQuery(ctx, q, node.left, resultNames);
  if (paren) keyword(ctx, ') ', -sub, 0, 0);
  else keyword(ctx, '', -sub, 0, 0);
  ctx.buf += `${node.op.toUpperCase()} `;
  if (node.all) ctx.buf += 'ALL ';
  paren = node.right.kind === 'setop';
  if (paren) {
    ctx.buf += '(';
    sub = STD;
  } else sub = 0;
  keyword(ctx, '', sub, 0, 0);
  setopQuery(ctx, q, node.right, resultNames);
  ctx.indent -= sub;
  if (paren) keyword(ctx, ')', 0, 0, 0);
}

// ---------------------------------------------------------------- expressions

function levelAt(ctx: Ctx, up: number): Level | undefined {
  return ctx.levels[up];
}

function varColumn(ctx: Ctx, rt: number, attnum: number, up: number): string {
  const rte = levelAt(ctx, up)?.query.rtable[rt];
  // issue 9 (F): a system column by its name
  const col = attnum < 0 ? systemColumnOf(attnum)?.name : rte?.columnNames[attnum - 1];
  return col === undefined || col === '' ? `column${attnum}` : col;
}

function varName(ctx: Ctx, rt: number, attnum: number, up: number): string {
  const level = levelAt(ctx, up);
  const name = level?.names[rt] ?? level?.query.rtable[rt]?.alias ?? `rt${rt}`;
  return `${quoteName(name, ctx.o.registry)}.${quoteName(varColumn(ctx, rt, attnum, up), ctx.o.registry)}`;
}

type Parent = Expr['kind'] | 'cast' | undefined;

/** isSimpleNode: whether `e` needs no parentheses of its own under `parent` (pretty mode). */
function isSimple(e: Expr, parent: Parent, parentExpr?: Expr, first?: boolean): boolean {
  switch (e.kind) {
    case 'var':
    case 'const':
    case 'param':
    case 'subscript':
    case 'array':
    case 'row':
    case 'coalesce':
    case 'minmax':
    case 'sqlvalue':
    case 'nullif':
    case 'aggref':
    case 'groupingfunc':
    case 'windowfunc':
    case 'func':
    case 'case':
      return true;
    case 'fieldselect':
      return parent !== 'fieldselect';
    case 'coerce':
      if (!e.explicit) return isSimple(e.arg, parent, parentExpr, first);
      return true;
    case 'op':
      if (parent === 'op' && parentExpr?.kind === 'op') {
        const op = e.args.length === 2 ? e.op.name : '';
        const pop = parentExpr.args.length === 2 ? parentExpr.op.name : '';
        const lo = (s: string) => s === '+' || s === '-';
        const hi = (s: string) => s === '*' || s === '/' || s === '%';
        if (!(lo(op) || hi(op)) || !(lo(pop) || hi(pop))) return false;
        if (hi(op) && lo(pop)) return true;
        if (lo(op) && hi(pop)) return false;
        return first === true;
      }
      return simpleUnder(parent);
    case 'sublink':
    case 'nulltest':
    case 'booltest':
    case 'distinct':
      return simpleUnder(parent);
    case 'bool':
      if (parent === 'bool' && parentExpr?.kind === 'bool') {
        if (e.op === 'not' || e.op === 'and')
          return parentExpr.op === 'and' || parentExpr.op === 'or';
        return parentExpr.op === 'or';
      }
      return parent !== 'bool' && simpleUnder(parent);
    default:
      return false;
  }
}

function simpleUnder(parent: Parent): boolean {
  switch (parent) {
    case 'bool':
    case 'subscript':
    case 'array':
    case 'row':
    case 'coalesce':
    case 'minmax':
    case 'nullif':
    case 'aggref':
    case 'windowfunc':
    case 'case':
    case 'func':
      return true;
    default:
      return false;
  }
}

/** get_rule_expr_paren: `e` under `parent`, parenthesized in pretty mode unless simple there. */
function sub(ctx: Ctx, e: Expr, parent: Expr | 'cast', implicit: boolean, first = false): string {
  const s = expr(ctx, e, implicit);
  if (!ctx.o.pretty) return s;
  const kind: Parent = parent === 'cast' ? 'cast' : parent.kind;
  return isSimple(e, kind, parent === 'cast' ? undefined : parent, first) ? s : `(${s})`;
}

/** get_rule_expr. */
function expr(ctx: Ctx, e: Expr, showImplicit: boolean): string {
  const p = ctx.o.pretty;
  const r = ctx.o.registry;
  const open = p ? '' : '(';
  const close = p ? '' : ')';
  switch (e.kind) {
    case 'const':
      return constText(r, e, 0);
    case 'param':
      return `$${e.index}`;
    case 'var':
      return varName(ctx, e.rt, e.attnum, e.levelsUp ?? 0);
    case 'func':
      return `${quoteName(e.fn.name, r)}(${e.args.map((a) => expr(ctx, a, true)).join(', ')})`;
    case 'op': {
      if (e.args.length === 1)
        return `${open}${e.op.name} ${sub(ctx, e.args[0] as Expr, e, true)}${close}`;
      return `${open}${sub(ctx, e.args[0] as Expr, e, true, true)} ${e.op.name} ${sub(ctx, e.args[1] as Expr, e, true)}${close}`;
    }
    case 'distinct':
      return `${open}${sub(ctx, e.args[0], e, true)} IS DISTINCT FROM ${sub(ctx, e.args[1], e, true)}${close}`;
    case 'bool': {
      if (e.op === 'not') return `${open}NOT ${sub(ctx, e.args[0] as Expr, e, false)}${close}`;
      const sep = e.op === 'and' ? ' AND ' : ' OR ';
      return `${open}${e.args.map((a, i) => sub(ctx, a, e, false, i === 0)).join(sep)}${close}`;
    }
    case 'nulltest':
      return `${open}${sub(ctx, e.arg, e, true)} ${e.isNull ? 'IS NULL' : 'IS NOT NULL'}${close}`;
    case 'booltest':
      return `${open}${sub(ctx, e.arg, e, false)} IS ${e.test.toUpperCase()}${close}`;
    case 'case': {
      let s = kw(ctx, 'CASE', 0, VAR, 0);
      for (const w of e.whens) {
        s += `${kw(ctx, 'WHEN ', 0, 0, 0)}${expr(ctx, w.when, false)} THEN ${expr(ctx, w.then, true)}`;
      }
      const o = e.otherwise;
      if (!(o.kind === 'const' && o.value === null))
        s += kw(ctx, 'ELSE ', 0, 0, 0) + expr(ctx, o, true);
      return s + kw(ctx, 'END', -VAR, 0, 0);
    }
    case 'coalesce':
      return `COALESCE(${e.args.map((a) => expr(ctx, a, true)).join(', ')})`;
    case 'minmax':
      return `${e.op === 'greatest' ? 'GREATEST' : 'LEAST'}(${e.args.map((a) => expr(ctx, a, true)).join(', ')})`;
    case 'nullif':
      return `NULLIF(${expr(ctx, e.args[0], true)}, ${expr(ctx, e.args[1], true)})`;
    case 'scalararrayop':
      return `${open}${sub(ctx, e.scalar, e, true)} ${e.op.name} ${e.useOr ? 'ANY' : 'ALL'} (${sub(ctx, e.array, e, true)})${close}`;
    case 'coerce': {
      if (!e.explicit && !showImplicit) return expr(ctx, e.arg, false);
      const target = formatType(r, e.type, e.typmod);
      const a = e.arg;
      if (a.kind === 'const' && a.type === e.type && a.typmod === -1)
        return `${constText(r, a, -1)}::${target}`;
      return `${open}${sub(ctx, a, 'cast', false)}${close}::${target}`;
    }
    case 'array': {
      const s = `ARRAY[${e.elements.map((a) => expr(ctx, a, true)).join(', ')}]`;
      return e.elements.length === 0 ? `${s}::${formatType(r, e.type, e.typmod)}` : s;
    }
    case 'row':
      if (e.wholeRow !== undefined) return `${quoteName(e.wholeRow.alias, r)}.*`;
      return `ROW(${e.args.map((a) => expr(ctx, a, true)).join(', ')})`;
    case 'rowcompare':
      // get_rule_expr parenthesizes a row comparison in every mode
      return `(ROW(${e.left.map((a) => expr(ctx, a, true)).join(', ')}) ${e.op} ROW(${e.right.map((a) => expr(ctx, a, true)).join(', ')}))`;
    case 'fieldselect':
      return `(${expr(ctx, e.arg, true)}).${quoteName(e.fieldName, r)}`;
    case 'subscript': {
      const base = e.arg.kind === 'var' ? expr(ctx, e.arg, true) : `(${expr(ctx, e.arg, true)})`;
      const opt = (x: Expr | undefined) => (x === undefined ? '' : expr(ctx, x, true));
      return (
        base +
        e.upper
          .map((u, i) => (e.lower === undefined ? `[${opt(u)}]` : `[${opt(e.lower[i])}:${opt(u)}]`))
          .join('')
      );
    }
    case 'sqlvalue':
      return e.name.toUpperCase();
    case 'aggref': {
      if ((e.levelsUp ?? 0) !== 0) unsupported('an outer-level aggregate');
      const agg = ctx.levels[0]?.query.aggregates?.[e.index];
      if (agg === undefined) unsupported('an aggregate it cannot find');
      return aggregate(ctx, agg);
    }
    case 'windowfunc': {
      const q = ctx.levels[0]?.query;
      const w = q?.windowFuncs?.[e.index];
      if (w === undefined || q === undefined) unsupported('a window function it cannot find');
      const args =
        w.aggregate !== undefined
          ? aggregateArgs(ctx, w.aggregate)
          : w.args.map((a) => expr(ctx, a, true)).join(', ');
      const filter = w.filter !== undefined ? ` FILTER (WHERE ${expr(ctx, w.filter, false)})` : '';
      const win = q.windows?.[w.window];
      const over =
        win === undefined
          ? '()'
          : win.name !== undefined
            ? quoteName(win.name, r)
            : windowSpec(ctx, win);
      return `${quoteName(w.name, r)}(${args})${filter} OVER ${over}`;
    }
    case 'groupingfunc': {
      const tl = ctx.levels[0]?.query.targetList ?? [];
      return `GROUPING(${e.refs.map((i) => expr(ctx, (tl[i] as TargetEntry).expr, true)).join(', ')})`;
    }
    case 'sublink':
      return sublink(ctx, e);
    case 'sublinkparam':
    case 'execparam':
    case 'subplan':
      unsupported(`a ${e.kind}`);
  }
}

/** appendContextKeyword inside an expression being built: the text to append. */
function kw(ctx: Ctx, str: string, before: number, after: number, plus: number): string {
  ctx.indent += before;
  const s = `\n${' '.repeat(Math.max(ctx.indent, 0) + plus)}${str}`;
  ctx.indent += after;
  if (ctx.indent < 0) ctx.indent = 0;
  return s;
}

function aggregateArgs(ctx: Ctx, a: AggregateCall): string {
  if (a.star) return '*';
  let s = a.distinct ? 'DISTINCT ' : '';
  s += a.args.map((x) => expr(ctx, x, true)).join(', ');
  if (a.order !== undefined && a.order.length > 0) {
    if (a.aggkind !== undefined) s += ') WITHIN GROUP (';
    else s += ' ';
    s += `ORDER BY ${a.order.map((k) => sortKeyExpr(ctx, k.expr) + orderSuffix(k.descending, k.nullsFirst)).join(', ')}`;
  }
  return s;
}

function aggregate(ctx: Ctx, a: AggregateCall): string {
  const filter = a.filter !== undefined ? ` FILTER (WHERE ${expr(ctx, a.filter, false)})` : '';
  return `${quoteName(a.name, ctx.o.registry)}(${aggregateArgs(ctx, a)})${filter}`;
}

/** get_sublink_expr. */
function sublink(ctx: Ctx, e: Extract<Expr, { kind: 'sublink' }>): string {
  let s = e.linkType === 'array' ? 'ARRAY(' : '(';
  let opname = '';
  const t = e.testExpr;
  if (t !== undefined) {
    if (t.kind === 'op' && t.args.length === 2) {
      s += expr(ctx, t.args[0] as Expr, true);
      opname = t.op.name;
    } else if (t.kind === 'bool' && t.op === 'and') {
      const lefts = t.args.map((a) => (a.kind === 'op' ? (a.args[0] as Expr) : a));
      s += `(${lefts.map((a) => expr(ctx, a, true)).join(', ')})`;
      const first = t.args[0];
      opname = first?.kind === 'op' ? first.op.name : '=';
    } else unsupported('a sub-SELECT comparison it cannot print');
  }
  let paren = true;
  switch (e.linkType) {
    case 'exists':
      s += 'EXISTS ';
      break;
    case 'any':
      s += opname === '=' ? ' IN ' : ` ${opname} ANY `;
      break;
    case 'all':
      s += ` ${opname} ALL `;
      break;
    default:
      paren = false;
  }
  if (paren) s += '(';
  const body = capture(ctx, () => queryDef(ctx, e.query, undefined, ctx.indent, false));
  return s + body + (paren ? '))' : ')');
}

// ---------------------------------------------------------------- constants, types, names

const INT4 = 23;
const NUMERIC = 1700;
const BOOL = 16;
const UNKNOWN = 705;
const BPCHAR = 1042;

/** get_const_expr: showType -1 never labels, 0 when the literal alone would read back as another type, 1 always. */
function constText(registry: Registry, c: Const, showType: -1 | 0 | 1): string {
  const typeName = () => formatType(registry, c.type, c.typmod);
  if (c.value === null || c.value === undefined)
    return showType >= 0 ? `NULL::${typeName()}` : 'NULL';
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
      s = `'${text.replaceAll("'", "''")}'`;
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

/** format_type_with_typemod. */
function formatType(registry: Registry, oid: number, typmod: number): string {
  const t = registry.type(oid);
  if (t === undefined) return oid === UNKNOWN ? 'unknown' : `type ${oid}`;
  if (oid === BPCHAR && typmod < 0) return 'bpchar';
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
