/**
 * CREATE INDEX's key expressions and predicate (PostgreSQL's
 * ComputeIndexAttrs and CheckPredicate in commands/indexcmds.c): each
 * expression and the WHERE clause are analyzed against the table, refused
 * when they use a subquery, an aggregate, a window function, a
 * set-returning function or anything not IMMUTABLE, and stored in
 * pg_index as SQL text in PostgreSQL's deparsed form (`lower(name)`,
 * `(status = 'pending'::text)`), which reads back to the same expression.
 *
 * The index build and every later insert compute an entry from a row the
 * same way: the key expressions evaluated over the row, and no entry when
 * the predicate is not true (FormIndexDatum, ExecQual).
 */
import type { IndexExpression, RelationDesc } from '@pg/catalog';
import { quoteIdent } from '@pg/catalog';
import { compileExpr, type EvalEnv } from '@pg/executor';
import {
  analyzeExpression,
  type CatalogView,
  type Const,
  type Expr,
  type PNode,
  SYSTEM_COLUMNS as SYSTEM_COLUMN_LIST, // issue 9 (F)
} from '@pg/sql';
import { defaultContext, type Registry, SqlError, type TypeContext } from '@pg/types';

export interface IndexDefinition {
  /** indkey: attnums, 0 for an expression column; keys first, then INCLUDE columns. */
  readonly columns: number[];
  /** indnkeyatts. */
  readonly nkeys: number;
  readonly expressions: IndexExpression[];
  readonly predicate?: string;
  /** The entry of a row, or undefined when it is not in the (partial) index. */
  readonly entryOf?: (values: readonly unknown[]) => unknown[] | undefined;
  /** The columns the expressions and predicate read. */
  readonly referencedColumns?: number[];
}

const BOOL = 16;
const TIMESTAMPTZ = 1184;

/** Analyzes CREATE INDEX's columns, expressions and WHERE clause against `table`. */
export function analyzeIndexDefinition(
  body: PNode,
  source: string,
  table: RelationDesc,
  view: CatalogView,
  typeContext: TypeContext,
  env: EvalEnv,
): IndexDefinition {
  const registry = view.registry;
  const columns: number[] = [];
  const expressions: IndexExpression[] = [];
  const analyzed: Expr[] = [];
  for (const p of body.indexParams ?? []) {
    const elem = p.IndexElem;
    if (elem.ordering === 'SORTBY_DESC' || elem.nulls_ordering !== 'SORTBY_NULLS_DEFAULT') {
      throw new SqlError('0A000', 'DESC and NULLS FIRST/LAST index columns are not supported yet');
    }
    if (elem?.name !== undefined) {
      const c = table.columns.find((col) => col.name === elem.name && !col.dropped);
      // issue 9 (F): DefineIndex refuses a system column (attno < 0)
      if (c === undefined && SYSTEM_COLUMN_NAMES.has(String(elem.name)))
        throw new SqlError('0A000', 'index creation on system columns is not supported');
      if (c === undefined)
        throw new SqlError('42703', `column "${String(elem.name)}" does not exist`);
      columns.push(c.attnum);
      continue;
    }
    const e = analyzeIndexExpr(elem.expr, source, table, view, typeContext, 'index expressions');
    if (e.kind === 'var') {
      columns.push(e.attnum); // `((a))` is the column a
      continue;
    }
    checkImmutable(e, 'functions in index expression must be marked IMMUTABLE');
    columns.push(0);
    analyzed.push(e);
    expressions.push({
      text: deparse(e, table, registry),
      name: e.kind === 'func' ? e.fn.name : 'expr',
      typeOid: e.type,
      typmod: e.typmod,
    });
  }
  // INCLUDE columns: plain columns only, after the keys
  const nkeys = columns.length;
  for (const p of body.indexIncludingParams ?? []) {
    const elem = p.IndexElem;
    if (elem?.name === undefined)
      throw new SqlError('0A000', 'expressions are not supported in included columns');
    const c = table.columns.find((col) => col.name === elem.name && !col.dropped);
    if (c === undefined)
      throw new SqlError('42703', `column "${String(elem.name)}" does not exist`);
    columns.push(c.attnum);
  }
  let pred: Expr | undefined;
  if (body.whereClause !== undefined) {
    pred = analyzeIndexExpr(body.whereClause, source, table, view, typeContext, 'index predicates');
    if (pred.type !== BOOL) {
      throw new SqlError(
        '42804',
        `argument of WHERE must be type boolean, not type ${registry.type(pred.type)?.displayName ?? pred.type}`,
      );
    }
    checkImmutable(pred, 'functions in index predicate must be marked IMMUTABLE');
  }
  if (analyzed.length === 0 && pred === undefined) return { columns, nkeys, expressions };
  return {
    columns,
    nkeys,
    expressions,
    ...(pred !== undefined ? { predicate: deparse(pred, table, registry) } : {}),
    entryOf: entryFunction(columns, analyzed, pred, registry, env),
    referencedColumns: [
      ...new Set(
        [...analyzed, ...(pred ? [pred] : [])].flatMap((x) => {
          const out: number[] = [];
          walk(x, (y) => {
            if (y.kind === 'var') out.push(y.attnum);
          });
          return out;
        }),
      ),
    ],
  };
}

/** The function from a row to its index entry (undefined: not in the partial index). */
export function entryFunction(
  columns: readonly number[],
  expressions: readonly Expr[],
  predicate: Expr | undefined,
  registry: Registry,
  env: EvalEnv,
): (values: readonly unknown[]) => unknown[] | undefined {
  const keys = (() => {
    let e = 0;
    return columns.map((attnum) => {
      if (attnum !== 0) return (row: readonly unknown[]) => row[attnum - 1] ?? null;
      const c = compileExpr(expressions[e++] as Expr, registry);
      return (row: readonly unknown[]) => c(row, env) ?? null;
    });
  })();
  const pred = predicate === undefined ? undefined : compileExpr(predicate, registry);
  return (row) => {
    if (pred !== undefined && pred(row, env) !== true) return undefined;
    return keys.map((k) => k(row));
  };
}

function analyzeIndexExpr(
  node: PNode,
  source: string,
  table: RelationDesc,
  view: CatalogView,
  typeContext: TypeContext,
  where: 'index expressions' | 'index predicates',
): Expr {
  const singular = where === 'index expressions' ? 'index expression' : 'index predicate';
  walkRaw(node, (n) => {
    if (n.SubLink !== undefined) throw new SqlError('0A000', `cannot use subquery in ${singular}`);
    if (n.FuncCall?.over !== undefined)
      throw new SqlError('42P20', `window functions are not allowed in ${where}`);
  });
  let e: Expr;
  try {
    e = analyzeExpression(node, view, { relation: table, source, typeContext });
  } catch (err) {
    if (err instanceof SqlError && err.code === '42803' && /^aggregate functions/.test(err.message))
      throw new SqlError('42803', `aggregate functions are not allowed in ${where}`);
    throw err;
  }
  walk(e, (x) => {
    if (
      (x.kind === 'func' && x.fn.retset === true) ||
      x.kind === 'aggref' ||
      x.kind === 'windowfunc'
    )
      throw new SqlError(
        x.kind === 'func' ? '0A000' : '42803',
        `${x.kind === 'func' ? 'set-returning functions' : 'aggregate functions'} are not allowed in ${where}`,
      );
    if (x.kind === 'sublink' || x.kind === 'subplan')
      throw new SqlError('0A000', `cannot use subquery in ${singular}`);
  });
  return e;
}

/** contain_mutable_functions: any function, operator, cast or SQL value function not IMMUTABLE. */
export function checkImmutable(e: Expr, message: string): void {
  walk(e, (x) => {
    let mutable = false;
    switch (x.kind) {
      case 'func':
      case 'op':
      case 'distinct':
      case 'scalararrayop':
        mutable = x.fn.volatility !== 'i';
        break;
      case 'nullif':
        mutable = x.eq.fn.volatility !== 'i';
        break;
      case 'sqlvalue':
      case 'param':
        mutable = x.kind === 'sqlvalue';
        break;
      case 'coerce': {
        // casts between timestamptz and the zone-less types depend on TimeZone (stable)
        const from = x.arg.type;
        mutable = from !== x.type && (from === TIMESTAMPTZ || x.type === TIMESTAMPTZ);
        break;
      }
      default:
    }
    if (mutable) throw new SqlError('42P17', message);
  });
}

function walkRaw(n: unknown, visit: (n: PNode) => void): void {
  if (Array.isArray(n)) {
    for (const x of n) walkRaw(x, visit);
    return;
  }
  if (typeof n !== 'object' || n === null) return;
  visit(n as PNode);
  for (const v of Object.values(n)) walkRaw(v, visit);
}

/** Every sub-expression of `e` (e included). */
function walk(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  for (const v of Object.values(e)) {
    if (Array.isArray(v)) {
      for (const x of v) {
        if (isExpr(x)) walk(x, visit);
        else if (typeof x === 'object' && x !== null) {
          for (const y of Object.values(x)) if (isExpr(y)) walk(y, visit); // CASE's whens
        }
      }
    } else if (isExpr(v)) walk(v, visit);
  }
}

function isExpr(v: unknown): v is Expr {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { kind?: unknown }).kind === 'string' &&
    'type' in v
  );
}

// ---------------------------------------------------------------- deparse (ruleutils, no pretty flags)

const INT4 = 23;
const NUMERIC = 1700;
const UNKNOWN = 705;

/** An expression over `table`'s columns as pg_get_expr prints it. */
export function deparse(
  e: Expr,
  table: RelationDesc,
  registry: Registry,
  implicit = false,
): string {
  const d = (x: Expr) => deparse(x, table, registry, true);
  switch (e.kind) {
    case 'const':
      return deparseConst(e, registry, 0);
    case 'var':
      return quoteIdent(table.columns[e.attnum - 1]?.name ?? `column${e.attnum}`);
    case 'func':
      return `${quoteIdent(e.fn.name)}(${e.args.map(d).join(', ')})`;
    case 'op':
      if (e.args.length === 1) return `(${e.op.name} ${d(e.args[0] as Expr)})`;
      return `(${d(e.args[0] as Expr)} ${e.op.name} ${d(e.args[1] as Expr)})`;
    case 'distinct':
      return `(${d(e.args[0])} IS DISTINCT FROM ${d(e.args[1])})`;
    case 'bool': {
      const arg = (x: Expr) => deparse(x, table, registry, false);
      if (e.op === 'not') return `(NOT ${arg(e.args[0] as Expr)})`;
      return `(${e.args.map(arg).join(e.op === 'and' ? ' AND ' : ' OR ')})`;
    }
    case 'nulltest':
      return `(${d(e.arg)} ${e.isNull ? 'IS NULL' : 'IS NOT NULL'})`;
    case 'booltest':
      return `(${d(e.arg)} IS ${e.test.toUpperCase()})`;
    case 'coalesce':
      return `COALESCE(${e.args.map(d).join(', ')})`;
    case 'nullif':
      return `NULLIF(${d(e.args[0])}, ${d(e.args[1])})`;
    case 'minmax':
      return `${e.op === 'greatest' ? 'GREATEST' : 'LEAST'}(${e.args.map(d).join(', ')})`;
    case 'scalararrayop':
      return `(${d(e.scalar)} ${e.op.name} ${e.useOr ? 'ANY' : 'ALL'} (${d(e.array)}))`;
    case 'case': {
      let s = 'CASE';
      for (const w of e.whens)
        s += ` WHEN ${deparse(w.when, table, registry, false)} THEN ${d(w.then)}`;
      if (!(e.otherwise.kind === 'const' && e.otherwise.value === null))
        s += ` ELSE ${d(e.otherwise)}`;
      return `${s} END`;
    }
    case 'array':
      return `ARRAY[${e.elements.map(d).join(', ')}]`;
    case 'coerce': {
      if (!e.explicit && !implicit) return deparse(e.arg, table, registry, false);
      if (!e.explicit) return deparse(e.arg, table, registry, false);
      const target = formatType(registry, e.type, e.typmod);
      if (e.arg.kind === 'const' && e.arg.type === e.type && e.arg.typmod === -1)
        return `${deparseConst(e.arg, registry, -1)}::${target}`;
      return `(${deparse(e.arg, table, registry, false)})::${target}`;
    }
    default:
      throw new SqlError('0A000', `${e.kind} in an index definition is not supported yet`);
  }
}

/** get_const_expr: label the literal unless it reads back as the same type. */
function deparseConst(c: Const, registry: Registry, showType: -1 | 0): string {
  const typeName = () => formatType(registry, c.type, c.typmod);
  if (c.value === null || c.value === undefined)
    return showType >= 0 ? `NULL::${typeName()}` : 'NULL';
  const t = registry.type(c.type);
  const text = t !== undefined ? t.output(c.value, DEPARSE_CTX) : String(c.value);
  let s: string;
  let label = false;
  switch (c.type) {
    case INT4:
      label = text.startsWith('-');
      s = label ? `'${text}'` : text;
      break;
    case NUMERIC:
      label = !(/^[0-9]/.test(text) && /[eE.]/.test(text));
      s = label ? `'${text}'` : text;
      label ||= c.typmod >= 0;
      break;
    case BOOL:
      return text === 't' || text === 'true' ? 'true' : 'false';
    case UNKNOWN:
      return `'${text.replaceAll("'", "''")}'`;
    default:
      s = `'${text.replaceAll("'", "''")}'`;
      label = true;
  }
  return label && showType >= 0 ? `${s}::${typeName()}` : s;
}

function formatType(registry: Registry, oid: number, typmod: number): string {
  const t = registry.type(oid);
  if (t === undefined) return `type ${oid}`;
  if (oid === 1042 && typmod < 0) return 'bpchar';
  const mod = typmod >= 0 && t.typmodOut !== undefined ? t.typmodOut(typmod) : '';
  if (mod === '') return t.displayName;
  for (const tail of [' without time zone', ' with time zone'])
    if (t.displayName.endsWith(tail)) return t.displayName.slice(0, -tail.length) + mod + tail;
  return t.displayName + mod;
}

/** The type context constants print in (ISO dates, as pg_get_expr prints them). */
const DEPARSE_CTX: TypeContext = defaultContext();

// ---------------------------------------------------------------- issue 12: USING gin | brin | hash

export type IndexAm = 'btree' | 'hash' | 'gin' | 'brin';

export interface IndexAmClause {
  readonly am: IndexAm;
  /** The operator class named for each key column (undefined: the default). */
  readonly opclassNames: (string | undefined)[];
  /** WITH (name = value, ...) as defGetString gives each value; a bare name has none. */
  readonly withOptions: { name: string; value: string | undefined }[];
}

/** defGetString of a reloption's argument. */
function defString(arg: PNode | undefined): string | undefined {
  if (arg === undefined) return undefined;
  if (arg.String !== undefined) return String(arg.String.sval ?? '');
  if (arg.Integer !== undefined) return String(arg.Integer.ival ?? 0);
  if (arg.Float !== undefined) return String(arg.Float.fval ?? '0');
  if (arg.Boolean !== undefined) return arg.Boolean.boolval === true ? 'true' : 'false';
  if (arg.TypeName !== undefined)
    return ((arg.TypeName.names ?? []) as PNode[]).map((n) => String(n.String?.sval)).join('.');
  return undefined;
}

/**
 * CREATE INDEX's access method (42704 when it does not exist; gist and
 * spgist are 0A000 here), its key columns' operator class names and ASC /
 * DESC options (an AM without amcanorder refuses them, 0A000), and the WITH
 * options (validated by the catalog against the AM's reloptions).
 */
export function indexAmClause(body: PNode): IndexAmClause {
  const raw = body.accessMethod === undefined ? 'btree' : String(body.accessMethod);
  if (!['btree', 'hash', 'gin', 'brin', 'gist', 'spgist'].includes(raw))
    throw new SqlError('42704', `access method "${raw}" does not exist`);
  if (raw === 'gist' || raw === 'spgist')
    throw new SqlError('0A000', `access method "${raw}" is not supported yet`);
  const am = raw as IndexAm;
  const opclassNames: (string | undefined)[] = [];
  for (const p of (body.indexParams ?? []) as PNode[]) {
    const elem = p.IndexElem;
    const names = (elem?.opclass ?? []) as PNode[];
    opclassNames.push(names.length === 0 ? undefined : String(names.at(-1)?.String?.sval));
    if (am === 'btree') continue;
    if (elem?.ordering !== undefined && elem.ordering !== 'SORTBY_DEFAULT')
      throw new SqlError('0A000', `access method "${am}" does not support ASC/DESC options`);
    if (elem?.nulls_ordering !== undefined && elem.nulls_ordering !== 'SORTBY_NULLS_DEFAULT')
      throw new SqlError(
        '0A000',
        `access method "${am}" does not support NULLS FIRST/LAST options`,
      );
  }
  const withOptions = ((body.options ?? []) as PNode[]).map((o) => ({
    name: String(o.DefElem?.defname),
    value: defString(o.DefElem?.arg),
  }));
  return { am, opclassNames, withOptions };
}

/** issue 9 (F): the system columns' names. */
const SYSTEM_COLUMN_NAMES: ReadonlySet<string> = new Set(SYSTEM_COLUMN_LIST.map((c) => c.name));
