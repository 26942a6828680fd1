/**
 * issue 9 (H): stored generated columns — `GENERATED ALWAYS AS (expr)
 * STORED` (PostgreSQL's transformColumnDefinition, cookDefault with
 * EXPR_KIND_GENERATED_COLUMN, check_nested_generated and
 * ExecComputeStoredGenerated).
 *
 * A generated column is stored like any column; pg_attribute.attgenerated
 * is 's' and pg_attrdef holds the generation expression as pg_get_expr
 * prints it. The analyzer refuses values for it (INSERT: 428C9 unless
 * DEFAULT; UPDATE: only SET g = DEFAULT) and gives it NULL as its
 * "default"; the executor then calls RowTriggers.generate on each new row
 * version (INSERT, UPDATE, ON CONFLICT DO UPDATE), before NOT NULL and
 * CHECK, which computes every generated column from the row's other
 * columns.
 *
 * Rules checked at CREATE TABLE (each with PostgreSQL's SQLSTATE):
 *   G1. the expression is immutable (42P17);
 *   G2. it references no generated column, itself included (42P17) and no
 *       system column (42P10);
 *   G3. no sub-SELECT, aggregate, window function or set-returning
 *       function (the analyzer's refusals for this expression kind);
 *   G4. a column has at most one generation clause, and not also a
 *       DEFAULT or an identity (42601).
 */
import type { Catalog, ColumnDef, ColumnDesc, RelationDesc } from '@pg/catalog';
import { compileExpr, type EvalEnv, type RowTriggers } from '@pg/executor';
import { analyzeExpression, type CatalogView, type Expr, type PNode, parse } from '@pg/sql';
import { builtins, SqlError, type TypeContext } from '@pg/types';
import { checkImmutable, deparse } from './index-ddl.js';
import { EngineError } from './result.js';

const SYSTEM_COLUMNS = new Set(['ctid', 'xmin', 'cmin', 'xmax', 'cmax', 'tableoid']);
const KIND = 'column generation expression';

/** 1-based character position of a parser byte offset in `source`. */
function positionOf(source: string, loc: unknown): number | undefined {
  if (typeof loc !== 'number' || loc < 0) return undefined;
  return Buffer.from(source, 'utf8').subarray(0, loc).toString('utf8').length + 1;
}

/**
 * G4: the generation clause of one column definition, or undefined; the
 * conflicting clauses are refused at the later one's position.
 */
export function generationClause(def: PNode, table: string, source: string): PNode | undefined {
  let generated: PNode | undefined;
  let other: 'default' | 'identity' | undefined;
  const column = String(def.colname);
  for (const c of def.constraints ?? []) {
    const con = c.Constraint;
    const kind =
      con?.contype === 'CONSTR_GENERATED'
        ? 'generated'
        : con?.contype === 'CONSTR_DEFAULT'
          ? 'default'
          : con?.contype === 'CONSTR_IDENTITY'
            ? 'identity'
            : undefined;
    if (kind === undefined) continue;
    const at = { position: positionOf(source, con.location) };
    if (kind === 'generated' && generated !== undefined) {
      throw new EngineError(
        '42601',
        `multiple generation clauses specified for column "${column}" of table "${table}"`,
        at,
      );
    }
    if ((kind === 'generated' && other !== undefined) || (kind !== 'generated' && generated)) {
      const what = (kind === 'generated' ? other : kind) === 'identity' ? 'identity' : 'default';
      throw new EngineError(
        '42601',
        `both ${what} and generation expression specified for column "${column}" of table "${table}"`,
        at,
      );
    }
    if (kind === 'generated') generated = con;
    else other = kind;
  }
  return generated;
}

/** A stand-in RelationDesc of a table being created, for analyzing its generation expressions. */
function draftRelation(name: string, columns: readonly ColumnDef[]): RelationDesc {
  return {
    oid: 0,
    name,
    namespaceOid: 0,
    namespaceName: '',
    kind: 'r',
    persistence: 'p',
    relfilenode: 0,
    tablespace: 0,
    shared: false,
    columns: columns.map(
      (c, i): ColumnDesc => ({
        attnum: i + 1,
        name: c.name,
        typeOid: c.typeOid,
        typmod: c.typmod,
        notNull: c.notNull,
        hasDefault: false,
        dropped: false,
        storage: 'p',
      }),
    ),
    indexes: [],
    toastRelid: 0,
    fillfactor: 100,
  } as RelationDesc;
}

/**
 * cookDefault for a generated column: analyzes `node` over the table's
 * columns (G2, G3), coerces it to the column's type, checks G1 and returns
 * the text pg_get_expr prints for it (what pg_attrdef stores).
 */
export function cookGenerationExpression(
  node: PNode,
  target: ColumnDef,
  table: string,
  columns: readonly ColumnDef[],
  generatedNames: ReadonlySet<string>,
  view: CatalogView,
  source: string,
  typeContext: TypeContext,
): string {
  // G2, before analysis (PostgreSQL refuses them as it resolves the names)
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    if (typeof n !== 'object' || n === null) return;
    const ref = (n as PNode).ColumnRef;
    if (ref !== undefined) {
      const fields: string[] = (ref.fields ?? []).map((f: PNode) => String(f.String?.sval ?? '*'));
      const name = fields[fields.length - 1] as string;
      const at = { position: positionOf(source, ref.location) };
      if (fields.length === 1 && SYSTEM_COLUMNS.has(name)) {
        throw new EngineError('42P10', `cannot use system column "${name}" in ${KIND}`, at);
      }
      if (fields.length === 1 && generatedNames.has(name)) {
        throw new EngineError('42P17', `cannot use generated column "${name}" in ${KIND}`, {
          ...at,
          detail: 'A generated column cannot reference another generated column.',
        });
      }
    }
    for (const v of Object.values(n)) visit(v);
  };
  visit(node);
  const relation = draftRelation(table, columns);
  const column = relation.columns.find((c) => c.name === target.name) as ColumnDesc;
  let e: Expr;
  try {
    e = analyzeExpression(node, view, { relation, column, source, typeContext, exprKind: KIND });
  } catch (err) {
    if (err instanceof SqlError && err.code === '42804') {
      throw new EngineError(
        '42804',
        err.message.replace(/but expression is/, 'but default expression is'),
        { hint: 'You will need to rewrite or cast the expression.' },
      );
    }
    throw err;
  }
  checkImmutable(e, 'generation expression is not immutable'); // G1
  return deparse(e, relation, builtins);
}

interface Compiled {
  readonly attnum: number;
  readonly compute: ReturnType<typeof compileExpr>;
}

/** What computing generated columns needs from the session. */
export interface GeneratedHost {
  readonly view: () => CatalogView;
  readonly env: () => EvalEnv;
}

const compiled = new WeakMap<RelationDesc, readonly Compiled[]>();

function generatedOf(host: GeneratedHost, desc: RelationDesc): readonly Compiled[] {
  const cached = compiled.get(desc);
  if (cached !== undefined) return cached;
  const list: Compiled[] = [];
  for (const col of desc.columns) {
    if (col.generated !== 's' || col.dropped || col.defaultExpr === undefined) continue;
    const e = analyzeStoredExpression(col.defaultExpr, desc, col, host.view());
    list.push({ attnum: col.attnum, compute: compileExpr(e, builtins) });
  }
  compiled.set(desc, list);
  return list;
}

function analyzeStoredExpression(
  text: string,
  desc: RelationDesc,
  column: ColumnDesc,
  view: CatalogView,
): Expr {
  // the stored text parses as the target of a SELECT, over the table's columns
  const [stmt] = parse(`SELECT ${text}`);
  const node = stmt?.node?.SelectStmt?.targetList?.[0]?.ResTarget?.val;
  if (!stmt || !node) throw new SqlError('XX000', `invalid generation expression "${text}"`);
  const { generated: _g, defaultExpr: _d, ...rest } = column;
  return analyzeExpression(node, view, {
    relation: desc,
    column: { ...rest, hasDefault: false },
    source: stmt.source,
  });
}

/**
 * The executor's RowTriggers with generated columns added: `generate`
 * computes each generated column of `desc` from the new row version.
 */
export function withGeneratedColumns(triggers: RowTriggers, host: GeneratedHost): RowTriggers {
  return {
    ...bind(triggers),
    generate(desc, values) {
      triggers.generate?.(desc, values);
      if (!desc.columns.some((c) => c.generated === 's')) return;
      const list = generatedOf(host, desc);
      if (list.length === 0) return;
      const env = host.env();
      for (const g of list) values[g.attnum - 1] = g.compute(values, env);
    },
  };
}

/** The trigger object's methods bound to it (they may be class methods using `this`). */
function bind(t: RowTriggers): RowTriggers {
  return {
    check: (r, v) => t.check(r, v),
    inserted: (r, v, tid) => t.inserted(r, v, tid),
    updated: (r, o, n, nt, ot) => t.updated(r, o, n, nt, ot),
    deleted: (r, o, tid) => t.deleted(r, o, tid),
  };
}

/** The names of the columns a stored generation expression reads (its text's identifiers). */
function referencedColumns(desc: RelationDesc, text: string): Set<string> {
  const out = new Set<string>();
  const [stmt] = parse(`SELECT ${text}`);
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    if (typeof n !== 'object' || n === null) return;
    const ref = (n as PNode).ColumnRef;
    if (ref !== undefined) {
      const fields: string[] = (ref.fields ?? []).map((f: PNode) => String(f.String?.sval ?? '*'));
      const name = fields[fields.length - 1] as string;
      if (desc.columns.some((c) => c.name === name && !c.dropped)) out.add(name);
    }
    for (const v of Object.values(n)) visit(v);
  };
  visit(stmt?.node);
  return out;
}

/**
 * ALTER TABLE subcommands as they touch generated columns (ATExecDropExpression,
 * ATExecColumnDefault's and ATPrepAlterColumnType's refusals, the dependency
 * of a generated column on the columns it reads). Returns true when it ran
 * the subcommand itself (DROP EXPRESSION); false to let the caller run it.
 */
export function alterGeneratedColumn(
  catalog: Catalog,
  desc: RelationDesc,
  cmd: PNode,
  notice: (message: string) => void,
): boolean {
  const name = cmd.name === undefined ? undefined : String(cmd.name);
  const col = desc.columns.find((c) => c.name === name && !c.dropped);
  switch (cmd.subtype) {
    case 'AT_DropExpression': {
      if (col === undefined) {
        throw new EngineError(
          '42703',
          `column "${name}" of relation "${desc.name}" does not exist`,
        );
      }
      if (col.generated !== 's') {
        const message = `column "${name}" of relation "${desc.name}" is not a stored generated column`;
        if (cmd.missing_ok === true) {
          notice(`${message}, skipping`);
          return true;
        }
        throw new EngineError('55000', message);
      }
      catalog.dropExpression(desc.oid, col.attnum);
      return true;
    }
    case 'AT_ColumnDefault':
      if (col?.generated === 's') {
        throw new EngineError(
          '42601',
          `column "${name}" of relation "${desc.name}" is a generated column`,
          cmd.def === undefined
            ? { hint: 'Use ALTER TABLE ... ALTER COLUMN ... DROP EXPRESSION instead.' }
            : {},
        );
      }
      return false;
    case 'AT_AddColumn':
      if (
        (cmd.def?.ColumnDef?.constraints ?? []).some(
          (c: PNode) => c.Constraint?.contype === 'CONSTR_GENERATED',
        )
      ) {
        throw new EngineError('0A000', 'ADD COLUMN ... GENERATED ALWAYS AS is not supported yet');
      }
      return false;
    case 'AT_AlterColumnType':
    case 'AT_DropColumn': {
      if (col === undefined) return false;
      for (const g of desc.columns) {
        if (g.generated !== 's' || g.dropped || g.defaultExpr === undefined || g === col) continue;
        if (!referencedColumns(desc, g.defaultExpr).has(col.name)) continue;
        if (cmd.subtype === 'AT_AlterColumnType') {
          throw new EngineError(
            '0A000',
            'cannot alter type of a column used by a generated column',
            {
              detail: `Column "${col.name}" is used by generated column "${g.name}".`,
            },
          );
        }
        if (cmd.behavior === 'DROP_CASCADE') {
          throw new EngineError(
            '0A000',
            'DROP COLUMN ... CASCADE of a column a generated column uses is not supported yet',
          );
        }
        throw new EngineError(
          '2BP01',
          `cannot drop column ${col.name} of table ${desc.name} because other objects depend on it`,
          {
            detail: `column ${g.name} of table ${desc.name} depends on column ${col.name} of table ${desc.name}`,
            hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
          },
        );
      }
      return false;
    }
    default:
      return false;
  }
}
