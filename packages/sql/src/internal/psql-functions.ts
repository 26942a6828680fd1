/**
 * The catalog functions psql's meta-commands call (\d, \dt, \di, \dn, \du,
 * \l, \df, \dT, ...): pg_get_userbyid, pg_table_is_visible & co.,
 * format_type, pg_get_expr, pg_get_indexdef, pg_get_constraintdef,
 * pg_get_function_arguments/result, obj_description & co.,
 * pg_encoding_to_char, pg_size_pretty, pg_table_size & co.,
 * pg_relation_is_publishable, pg_tablespace_location.
 *
 * They read the system catalogs, which the @pg/types registry's functions
 * cannot see: the session's RegCatalog hook (TypeContext.catalog, made by
 * reg-catalog.ts) carries a PsqlCatalogSource, attached here, that scans a
 * catalog's visible rows and measures relation forks. Each statement gets
 * its own TypeContext, so the catalogs are read at most once per statement
 * and per catalog (the cache is keyed by the context).
 *
 * Differences from PostgreSQL: expressions (pg_attrdef.adbin,
 * pg_index.indpred, pg_constraint.conbin) are stored as SQL text, so
 * pg_get_expr returns that text, and its "pretty" mode only drops the
 * parentheses around the whole expression; temporary schemas are not part
 * of the visibility rules; interval typmods print their precision only.
 */
import { decodeViewAction, indexDefParts } from '@pg/catalog'; // issue 9 (G)
import {
  type FunctionDef,
  quoteIdent,
  type RegCatalog,
  SqlError,
  type TypeContext,
} from '@pg/types';
import { PGDUMP_FUNCTIONS, qualifyRegclassLiterals } from './pgdump-functions.js';

/** What the functions read, attached to a session's RegCatalog. */
export interface PsqlCatalogSource {
  /** Every visible row of system catalog `name` (pg_class, pg_namespace, ...), by column name. */
  rows(name: string): readonly Record<string, unknown>[];
  /** The effective search path's schema OIDs, pg_catalog first unless listed. */
  searchPath(): readonly number[];
  /** The length in bytes of fork `fork` (0 main, 1 fsm, 2 vm, 3 init) of relation `oid`. */
  forkBytes?(oid: number, fork: number): number | undefined;
}

const sources = new WeakMap<RegCatalog, PsqlCatalogSource>();

/** Makes `source` what the psql functions read through `hook`. */
export function attachPsqlSource(hook: RegCatalog, source: PsqlCatalogSource): void {
  sources.set(hook, source);
}

type Row = Readonly<Record<string, unknown>>;

/** One statement's view of the catalogs. */
class Snapshot {
  readonly #src: PsqlCatalogSource;
  readonly #rows = new Map<string, readonly Row[]>();
  readonly #byOid = new Map<string, Map<number, Row>>();
  #path: readonly number[] | undefined;

  constructor(src: PsqlCatalogSource) {
    this.#src = src;
  }

  rows(name: string): readonly Row[] {
    let r = this.#rows.get(name);
    if (r === undefined) {
      r = this.#src.rows(name);
      this.#rows.set(name, r);
    }
    return r;
  }

  /** The row of `name` whose `key` column (default oid) is `oid`. */
  byOid(name: string, oid: number, key = 'oid'): Row | undefined {
    const k = `${name}.${key}`;
    let m = this.#byOid.get(k);
    if (m === undefined) {
      m = new Map(this.rows(name).map((r) => [Number(r[key]), r]));
      this.#byOid.set(k, m);
    }
    return m.get(oid);
  }

  get searchPath(): readonly number[] {
    this.#path ??= this.#src.searchPath();
    return this.#path;
  }

  forkBytes(oid: number, fork: number): number {
    const f = this.#src.forkBytes;
    if (f === undefined) throw new SqlError('0A000', 'relation sizes are not supported here');
    return f.call(this.#src, oid, fork) ?? 0;
  }
}

const snapshots = new WeakMap<TypeContext, Snapshot>();

function snapshot(ctx: TypeContext): Snapshot {
  let s = snapshots.get(ctx);
  if (s === undefined) {
    const hook = ctx.catalog;
    const src = hook === undefined ? undefined : sources.get(hook);
    if (src === undefined) {
      throw new SqlError('0A000', 'catalog functions are not supported without a catalog');
    }
    s = new Snapshot(src);
    snapshots.set(ctx, s);
  }
  return s;
}

const PG_CATALOG = 11;

// ---------------------------------------------------------------- format_type

const TYPE_NAMES: Readonly<Record<number, string>> = {
  16: 'boolean',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  700: 'real',
  701: 'double precision',
  1043: 'character varying',
  1560: 'bit',
  1562: 'bit varying',
};

/** format_type_extended(type, typmod, flags) as format_type(oid, int4) calls it. */
export function formatType(s: Snapshot, oid: number, typmod: number | null): string {
  if (oid === 0) return '-';
  const t = s.byOid('pg_type', oid);
  if (t === undefined) return '???';
  const given = typmod !== null;
  const withMod = given && typmod >= 0;
  const elem = Number(t.typelem);
  // a true array type: its element's name (with the typmod) and []
  if (
    elem !== 0 &&
    Number(t.typlen) === -1 &&
    t.typsubscript !== 0 &&
    String(t.typname).startsWith('_')
  )
    return `${formatType(s, elem, typmod)}[]`;
  const mod = typmod ?? -1;
  // the *typmodout functions' suffixes
  const chars = mod > 4 ? `(${mod - 4})` : '';
  switch (oid) {
    case 1042:
      return withMod ? `character${chars}` : given ? 'bpchar' : 'character';
    case 1043:
      return withMod ? `character varying${chars}` : 'character varying';
    case 1560:
      // bit with typmod -1 is not BIT (which means BIT(1)): the quoted type name
      return withMod ? `bit(${mod})` : given ? '"bit"' : 'bit';
    case 1562:
      return withMod ? `bit varying(${mod})` : 'bit varying';
    case 1700: {
      const precision = ((mod - 4) >> 16) & 0xffff;
      const scale = (((mod - 4) & 0x7ff) ^ 1024) - 1024;
      return mod >= 4 ? `numeric(${precision},${scale})` : 'numeric';
    }
    case 1083:
      return withMod ? `time(${mod}) without time zone` : 'time without time zone';
    case 1266:
      return withMod ? `time(${mod}) with time zone` : 'time with time zone';
    case 1114:
      return withMod ? `timestamp(${mod}) without time zone` : 'timestamp without time zone';
    case 1184:
      return withMod ? `timestamp(${mod}) with time zone` : 'timestamp with time zone';
    case 1186:
      return withMod ? `interval${intervalTypmod(mod)}` : 'interval';
  }
  const name = TYPE_NAMES[oid];
  if (name !== undefined) return name;
  // a type without a typmodout function prints its typmod as is
  const suffix = withMod ? `(${mod})` : '';
  const nsp = Number(t.typnamespace);
  const bare = quoteIdent(String(t.typname));
  if (typeVisible(s, oid) === true) return bare + suffix;
  const schema = s.byOid('pg_namespace', nsp)?.nspname;
  return (schema === undefined ? bare : `${quoteIdent(String(schema))}.${bare}`) + suffix;
}

/** intervaltypmodout: the fields (range << 16) and the precision (0xffff: none). */
function intervalTypmod(typmod: number): string {
  const range = (typmod >> 16) & 0x7fff;
  const precision = typmod & 0xffff;
  const M = 1 << 1;
  const Y = 1 << 2;
  const D = 1 << 3;
  const H = 1 << 10;
  const MI = 1 << 11;
  const S = 1 << 12;
  const fields = new Map<number, string>([
    [Y, ' year'],
    [M, ' month'],
    [D, ' day'],
    [H, ' hour'],
    [MI, ' minute'],
    [S, ' second'],
    [Y | M, ' year to month'],
    [D | H, ' day to hour'],
    [D | H | MI, ' day to minute'],
    [D | H | MI | S, ' day to second'],
    [H | MI, ' hour to minute'],
    [H | MI | S, ' hour to second'],
    [MI | S, ' minute to second'],
    [0x7fff, ''],
  ]);
  const f = fields.get(range);
  if (f === undefined) throw new SqlError('XX000', 'invalid INTERVAL typmod');
  return precision === 0xffff ? f : `${f}(${precision})`;
}

// ---------------------------------------------------------------- visibility

/** Whether the first row named like `row` along the search path is `row` (RelationIsVisible & co.). */
function visible(
  s: Snapshot,
  row: Row,
  nspCol: string,
  same: (other: Row) => boolean,
  catalog: string,
): boolean {
  const nsp = Number(row[nspCol]);
  const path = s.searchPath;
  const at = path.indexOf(nsp);
  if (at < 0) return false;
  const earlier = new Set(path.slice(0, at));
  if (earlier.size === 0) return true;
  return !s.rows(catalog).some((o) => earlier.has(Number(o[nspCol])) && same(o));
}

/** issue 9 (G): pg_get_viewdef's text: the _RETURN rule's stored definition, with its semicolon. */
function viewDef(s: Snapshot, oid: number, pretty: boolean): string | null {
  const rule = s
    .rows('pg_rewrite')
    .find((r) => Number(r.ev_class) === oid && r.rulename === '_RETURN');
  if (rule === undefined) return null;
  const a = decodeViewAction(String(rule.ev_action));
  if (a === undefined) return null;
  return `${pretty ? a.pretty : a.display};`;
}

/** A relation name (optionally schema-qualified) along the search path, as regclass input resolves it. */
function viewOid(s: Snapshot, name: string): number {
  const parts = name.split('.');
  const rel = parts.at(-1) ?? '';
  const schema = parts.length > 1 ? parts.at(-2) : undefined;
  const nsps =
    schema === undefined
      ? s.searchPath
      : s
          .rows('pg_namespace')
          .filter((r) => r.nspname === schema)
          .map((r) => Number(r.oid));
  for (const nsp of nsps) {
    const c = s.rows('pg_class').find((r) => r.relname === rel && Number(r.relnamespace) === nsp);
    if (c !== undefined) return Number(c.oid);
  }
  throw new SqlError('42P01', `relation "${name}" does not exist`);
}

function tableVisible(s: Snapshot, oid: number): boolean | null {
  const c = s.byOid('pg_class', oid);
  if (c === undefined) return null;
  return visible(s, c, 'relnamespace', (o) => o.relname === c.relname, 'pg_class');
}

function typeVisible(s: Snapshot, oid: number): boolean | null {
  const t = s.byOid('pg_type', oid);
  if (t === undefined) return null;
  return visible(s, t, 'typnamespace', (o) => o.typname === t.typname, 'pg_type');
}

function argTypes(p: Row): number[] {
  const a = p.proargtypes;
  if (Array.isArray(a)) return a.map(Number);
  if (typeof a === 'string') return a.trim() === '' ? [] : a.trim().split(/\s+/).map(Number);
  return [];
}

function functionVisible(s: Snapshot, oid: number): boolean | null {
  const p = s.byOid('pg_proc', oid);
  if (p === undefined) return null;
  const args = argTypes(p).join(',');
  return visible(
    s,
    p,
    'pronamespace',
    (o) => o.proname === p.proname && argTypes(o).join(',') === args,
    'pg_proc',
  );
}

function collationVisible(s: Snapshot, oid: number): boolean | null {
  const c = s.byOid('pg_collation', oid);
  if (c === undefined) return null;
  return visible(s, c, 'collnamespace', (o) => o.collname === c.collname, 'pg_collation');
}

// ---------------------------------------------------------------- expressions

/** pg_get_expr's pretty mode on stored text: the parentheses around the whole expression go. */
function pretty(text: string): string {
  return prettyBool(stripParens(text));
}

function stripParens(text: string): string {
  let t = text;
  while (t.startsWith('(') && t.endsWith(')') && closesAtEnd(t)) t = t.slice(1, -1);
  return t;
}

type BoolKind = 'AND' | 'OR' | 'NOT' | 'other';

/**
 * The top level of `text` split at ` AND ` / ` OR ` outside parentheses
 * and quotes (PostgreSQL's non-pretty deparse parenthesizes every nested
 * boolean expression, so one level has one operator).
 */
function splitBool(text: string): { kind: BoolKind; parts: string[] } {
  if (text.startsWith('NOT ')) return { kind: 'NOT', parts: [text.slice(4)] };
  const parts: string[] = [];
  let kind: BoolKind = 'other';
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && c === ' ') {
      for (const op of ['AND', 'OR'] as const) {
        if (text.startsWith(` ${op} `, i) && (kind === 'other' || kind === op)) {
          kind = op;
          parts.push(text.slice(start, i));
          start = i + op.length + 2;
          i = start - 1;
          break;
        }
      }
    }
  }
  if (kind === 'other') return { kind, parts: [text] };
  parts.push(text.slice(start));
  return { kind, parts };
}

/**
 * ruleutils' PRETTYFLAG_PAREN for boolean expressions (isSimpleNode): an
 * operand of AND / OR / NOT loses its parentheses when it is not itself
 * boolean, an AND or NOT operand of AND / OR loses them, an OR operand of
 * OR too. Other parentheses (arithmetic inside comparisons) stay.
 */
function prettyBool(text: string): string {
  const { kind, parts } = splitBool(text);
  if (kind === 'other') return text;
  const operands = parts.map((part) => {
    const grouped = part.startsWith('(') && part.endsWith(')') && closesAtEnd(part);
    if (!grouped) return part;
    const inner = part.slice(1, -1);
    const innerKind = splitBool(inner).kind;
    const simple =
      innerKind === 'other' ||
      (kind !== 'NOT' && (innerKind === 'AND' || innerKind === 'NOT')) ||
      (kind === 'OR' && innerKind === 'OR');
    return simple ? prettyBool(inner) : `(${prettyBool(inner)})`;
  });
  return kind === 'NOT' ? `NOT ${operands[0]}` : operands.join(` ${kind} `);
}

/** Whether the parenthesis opening `text` closes at its last character. */
function closesAtEnd(text: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i === text.length - 1;
    }
  }
  return false;
}

function getExpr(tree: unknown, prettyFlag: boolean): string | null {
  if (tree === null || tree === undefined) return null;
  const text = String(tree);
  return prettyFlag ? pretty(text) : text;
}

// ---------------------------------------------------------------- indexes and constraints

function attName(s: Snapshot, rel: number, attnum: number): string {
  const a = s
    .rows('pg_attribute')
    .find((r) => Number(r.attrelid) === rel && Number(r.attnum) === attnum);
  return a === undefined ? `(${attnum})` : String(a.attname);
}

function numbers(v: unknown): number[] {
  if (Array.isArray(v)) return v.map(Number);
  if (v !== null && typeof v === 'object' && 'elements' in v)
    return ((v as { elements: unknown[] }).elements ?? []).map(Number);
  if (typeof v === 'string') return v.trim() === '' ? [] : v.trim().split(/\s+/).map(Number);
  return [];
}

/** The expressions of pg_index.indexprs (stored as a JSON array of SQL texts). */
function indexExprs(ix: Row): string[] {
  if (ix.indexprs === null || ix.indexprs === undefined) return [];
  try {
    const v = JSON.parse(String(ix.indexprs)) as unknown;
    return Array.isArray(v) ? v.map(String) : [String(ix.indexprs)];
  } catch {
    return [String(ix.indexprs)];
  }
}

/** A bare function call (`lower(name)`) prints as is, any other expression in parentheses. */
function looksLikeFunction(text: string): boolean {
  const open = text.indexOf('(');
  return /^[A-Za-z_][A-Za-z_0-9.]*\(/.test(text) && closesAtEnd(text.slice(open));
}

/** pg_get_indexdef_worker: the whole definition (column 0) or one column's. */
function indexDef(s: Snapshot, oid: number, column: number, prettyFlag: boolean): string | null {
  const ix = s.byOid('pg_index', oid, 'indexrelid');
  if (ix === undefined) return null;
  const rel = Number(ix.indrelid);
  const keys = numbers(ix.indkey);
  const nkeys = Number(ix.indnkeyatts);
  const options = numbers(ix.indoption);
  const exprs = indexExprs(ix);
  let e = 0;
  const texts = keys.map((k) => {
    if (k !== 0) return quoteIdent(attName(s, rel, k));
    const text = exprs[e++] ?? '';
    return looksLikeFunction(text) ? text : `(${pretty(text)})`;
  });
  if (column > 0) return texts[column - 1] ?? '';
  const idx = s.byOid('pg_class', oid);
  const tbl = s.byOid('pg_class', rel);
  if (idx === undefined || tbl === undefined) return null;
  const am = s.byOid('pg_am', Number(idx.relam))?.amname ?? 'btree';
  const schema = s.byOid('pg_namespace', Number(tbl.relnamespace))?.nspname;
  // issue 12 (index AMs): a non-default operator class after its column, WITH (reloptions)
  const amParts = indexDefParts(
    Number(idx.relam),
    numbers(ix.indclass),
    (idx.reloptions as { elements: (string | null)[] } | null)?.elements,
  );
  const cols = texts.slice(0, nkeys).map((t0, i) => {
    const a = s
      .rows('pg_attribute')
      .find((r) => Number(r.attrelid) === oid && Number(r.attnum) === i + 1);
    const t = t0 + amParts.opclass(i, Number(a?.atttypid ?? 0));
    const o = options[i] ?? 0;
    const desc = (o & 1) !== 0;
    const nullsFirst = (o & 2) !== 0;
    if (desc) return t + (nullsFirst ? ' DESC' : ' DESC NULLS LAST');
    return nullsFirst ? `${t} NULLS FIRST` : t;
  });
  const include = texts.slice(nkeys);
  const pred = getExpr(ix.indpred, prettyFlag);
  return (
    `CREATE ${ix.indisunique === true ? 'UNIQUE ' : ''}INDEX ${quoteIdent(String(idx.relname))} ON ` +
    `${schema === undefined || (prettyFlag && tableVisible(s, rel) === true) ? '' : `${quoteIdent(String(schema))}.`}${quoteIdent(String(tbl.relname))} USING ${String(am)} (${cols.join(', ')})` +
    (include.length > 0 ? ` INCLUDE (${include.join(', ')})` : '') +
    (ix.indnullsnotdistinct === true ? ' NULLS NOT DISTINCT' : '') +
    amParts.withClause +
    (pred === null ? '' : ` WHERE ${pred}`)
  );
}

const FK_ACTIONS: Readonly<Record<string, string>> = {
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

/** pg_get_constraintdef_worker for PRIMARY KEY, UNIQUE, CHECK and FOREIGN KEY constraints. */
function constraintDef(s: Snapshot, oid: number, prettyFlag: boolean): string | null {
  const c = s.byOid('pg_constraint', oid);
  if (c === undefined) return null;
  const rel = Number(c.conrelid);
  const cols = (rel2: number, v: unknown) =>
    numbers(v)
      .map((n) => quoteIdent(attName(s, rel2, n)))
      .join(', ');
  const deferrable = () =>
    (c.condeferrable === true ? ' DEFERRABLE' : '') +
    (c.condeferred === true ? ' INITIALLY DEFERRED' : '') +
    (c.convalidated === false ? ' NOT VALID' : '');
  switch (c.contype) {
    case 'p':
    case 'u': {
      const ix = s.byOid('pg_index', Number(c.conindid), 'indexrelid');
      const keys = ix === undefined ? [] : numbers(ix.indkey);
      const nkeys = ix === undefined ? keys.length : Number(ix.indnkeyatts);
      const names = (list: number[]) => list.map((n) => quoteIdent(attName(s, rel, n))).join(', ');
      const key = ix === undefined ? cols(rel, c.conkey) : names(keys.slice(0, nkeys));
      const include = keys.slice(nkeys);
      return (
        `${c.contype === 'p' ? 'PRIMARY KEY' : 'UNIQUE'}` +
        (ix?.indnullsnotdistinct === true ? ' NULLS NOT DISTINCT' : '') +
        ` (${key})` +
        (include.length > 0 ? ` INCLUDE (${names(include)})` : '') +
        deferrable()
      );
    }
    case 'c': {
      const expr = getExpr(c.conbin, prettyFlag) ?? '';
      return `CHECK (${expr})${c.connoinherit === true ? ' NO INHERIT' : ''}${
        c.convalidated === false ? ' NOT VALID' : ''
      }`;
    }
    case 'f': {
      const ref = Number(c.confrelid);
      const refRel = s.byOid('pg_class', ref);
      const refName =
        refRel === undefined
          ? String(ref)
          : tableVisible(s, ref) === true
            ? quoteIdent(String(refRel.relname))
            : `${quoteIdent(String(s.byOid('pg_namespace', Number(refRel.relnamespace))?.nspname))}.${quoteIdent(String(refRel.relname))}`;
      let out = `FOREIGN KEY (${cols(rel, c.conkey)}) REFERENCES ${refName}(${cols(ref, c.confkey)})`;
      if (c.confmatchtype === 'f') out += ' MATCH FULL';
      const upd = FK_ACTIONS[String(c.confupdtype)];
      const del = FK_ACTIONS[String(c.confdeltype)];
      if (upd !== undefined) out += ` ON UPDATE ${upd}`;
      if (del !== undefined) out += ` ON DELETE ${del}`;
      return out + deferrable();
    }
    default:
      throw new SqlError(
        '0A000',
        `pg_get_constraintdef of a constraint of type "${String(c.contype)}" is not supported yet`,
      );
  }
}

// ---------------------------------------------------------------- functions

function functionArguments(s: Snapshot, oid: number, identity: boolean): string | null {
  const p = s.byOid('pg_proc', oid);
  if (p === undefined) return null;
  const all =
    p.proallargtypes === null || p.proallargtypes === undefined
      ? argTypes(p)
      : numbers(p.proallargtypes);
  const modes = Array.isArray(p.proargmodes) ? (p.proargmodes as unknown[]).map(String) : [];
  const names = Array.isArray(p.proargnames) ? (p.proargnames as unknown[]).map(String) : [];
  const out: string[] = [];
  all.forEach((t, i) => {
    const mode = modes[i] ?? 'i';
    if (mode === 't' || (identity && mode === 'o')) return;
    const prefix =
      mode === 'o' ? 'OUT ' : mode === 'b' ? 'INOUT ' : mode === 'v' ? 'VARIADIC ' : '';
    const name = names[i] !== undefined && names[i] !== '' ? `${quoteIdent(names[i]!)} ` : '';
    out.push(`${prefix}${name}${formatType(s, t, null)}`);
  });
  return out.join(', ');
}

function functionResult(s: Snapshot, oid: number): string | null {
  const p = s.byOid('pg_proc', oid);
  if (p === undefined) return null;
  if (p.prokind === 'p') return null;
  const modes = Array.isArray(p.proargmodes) ? (p.proargmodes as unknown[]).map(String) : [];
  if (modes.includes('t')) {
    const all = numbers(p.proallargtypes);
    const names = Array.isArray(p.proargnames) ? (p.proargnames as unknown[]).map(String) : [];
    const cols = all
      .map((t, i) =>
        modes[i] === 't' ? `${quoteIdent(names[i] ?? '')} ${formatType(s, t, null)}` : '',
      )
      .filter((x) => x !== '');
    return `TABLE(${cols.join(', ')})`;
  }
  return (p.proretset === true ? 'SETOF ' : '') + formatType(s, Number(p.prorettype), null);
}

// ---------------------------------------------------------------- descriptions, encodings, sizes

function description(s: Snapshot, oid: number, catalog: string, subid: number): string | null {
  const cls = s
    .rows('pg_class')
    .find((c) => c.relname === catalog && Number(c.relnamespace) === PG_CATALOG);
  if (cls === undefined) return null;
  const d = s
    .rows('pg_description')
    .find(
      (r) =>
        Number(r.objoid) === oid &&
        Number(r.classoid) === Number(cls.oid) &&
        Number(r.objsubid) === subid,
    );
  return d === undefined ? null : String(d.description);
}

/** shobj_description: pg_shdescription's comment of a shared object (issue 9, H). */
function sharedDescription(s: Snapshot, oid: number, catalog: string): string | null {
  const cls = s
    .rows('pg_class')
    .find((c) => c.relname === catalog && Number(c.relnamespace) === PG_CATALOG);
  if (cls === undefined) return null;
  const d = s
    .rows('pg_shdescription')
    .find((r) => Number(r.objoid) === oid && Number(r.classoid) === Number(cls.oid));
  return d === undefined ? null : String(d.description);
}

/** pg_enc2name_tbl's names, by encoding number. */
const ENCODINGS = [
  'SQL_ASCII',
  'EUC_JP',
  'EUC_CN',
  'EUC_KR',
  'EUC_TW',
  'EUC_JIS_2004',
  'UTF8',
  'MULE_INTERNAL',
  'LATIN1',
  'LATIN2',
  'LATIN3',
  'LATIN4',
  'LATIN5',
  'LATIN6',
  'LATIN7',
  'LATIN8',
  'LATIN9',
  'LATIN10',
  'WIN1256',
  'WIN1258',
  'WIN866',
  'WIN874',
  'KOI8R',
  'WIN1251',
  'WIN1252',
  'ISO_8859_5',
  'ISO_8859_6',
  'ISO_8859_7',
  'ISO_8859_8',
  'WIN1250',
  'WIN1253',
  'WIN1254',
  'WIN1255',
  'WIN1257',
  'KOI8U',
  'SJIS',
  'BIG5',
  'GBK',
  'UHC',
  'GB18030',
  'JOHAB',
  'SHIFT_JIS_2004',
];

/** pg_size_pretty(bigint): bytes below 10 kB, then kB, MB, GB, TB, PB, each half-rounded. */
export function sizePretty(size: bigint): string {
  const units: readonly [string, bigint, boolean, number][] = [
    ['bytes', 10n * 1024n, false, 0],
    ['kB', 20n * 1024n - 1n, true, 10],
    ['MB', 20n * 1024n - 1n, true, 20],
    ['GB', 20n * 1024n - 1n, true, 30],
    ['TB', 20n * 1024n - 1n, true, 40],
    ['PB', 20n * 1024n - 1n, true, 50],
  ];
  const abs = (x: bigint) => (x < 0n ? -x : x);
  const halfRounded = (x: bigint) => (x + (x < 0n ? -1n : 1n)) / 2n;
  let v = size;
  for (let i = 0; i < units.length; i++) {
    const [name, limit, round, bits] = units[i]!;
    const next = units[i + 1];
    if (next === undefined || abs(v) < limit) {
      if (round) v = halfRounded(v);
      return `${v} ${name}`;
    }
    const shift = next[3] - bits - (next[2] ? 1 : 0) + (round ? 1 : 0);
    v /= 1n << BigInt(shift);
  }
  return `${v} bytes`;
}

function allForks(s: Snapshot, oid: number): number {
  let n = 0;
  for (let fork = 0; fork <= 3; fork++) n += s.forkBytes(oid, fork);
  return n;
}

/** pg_table_size: every fork of the table, its TOAST table and the TOAST table's index. */
function tableSize(s: Snapshot, oid: number): bigint | null {
  const c = s.byOid('pg_class', oid);
  if (c === undefined) return null;
  let n = allForks(s, oid);
  const toast = Number(c.reltoastrelid);
  if (toast !== 0) {
    n += allForks(s, toast);
    for (const ix of s.rows('pg_index'))
      if (Number(ix.indrelid) === toast) n += allForks(s, Number(ix.indexrelid));
  }
  return BigInt(n);
}

function indexesSize(s: Snapshot, oid: number): bigint | null {
  if (s.byOid('pg_class', oid) === undefined) return null;
  let n = 0;
  for (const ix of s.rows('pg_index'))
    if (Number(ix.indrelid) === oid) n += allForks(s, Number(ix.indexrelid));
  return BigInt(n);
}

const FORKS: Readonly<Record<string, number>> = { main: 0, fsm: 1, vm: 2, init: 3 };

/** pg_get_triggerdef: NULL for an unknown trigger (there are no triggers here yet). */
function triggerDef(s: Snapshot, oid: number): string | null {
  if (s.byOid('pg_trigger', oid) === undefined) return null;
  throw new SqlError('0A000', 'pg_get_triggerdef is not supported yet');
}

// ---------------------------------------------------------------- the definitions

const OID = 26;
const NAME = 19;
const TEXT = 25;
const INT4 = 23;
const INT8 = 20;
const BOOL = 16;
const REGCLASS = 2205;
const PG_NODE_TREE = 194;
const ACLITEM_ARRAY = 1034;

function def(
  name: string,
  args: readonly number[],
  result: number,
  impl: (s: () => Snapshot, args: readonly unknown[], ctx: TypeContext) => unknown,
  strict = true,
): FunctionDef {
  return {
    name,
    args,
    result,
    volatility: 's',
    strict,
    impl: (a, ctx) => impl(() => snapshot(ctx), a, ctx),
  };
}

const n = (v: unknown) => Number(v);

/** The definitions, resolved by the analyzer after the registry's (expr.ts). */
export const PSQL_FUNCTIONS: readonly FunctionDef[] = [
  def('pg_get_userbyid', [OID], NAME, (s, [oid]) => {
    const r = s().byOid('pg_authid', n(oid));
    return r === undefined ? `unknown (OID=${n(oid)})` : String(r.rolname);
  }),
  def('pg_table_is_visible', [OID], BOOL, (s, [oid]) => tableVisible(s(), n(oid))),
  def('pg_type_is_visible', [OID], BOOL, (s, [oid]) => typeVisible(s(), n(oid))),
  def('pg_function_is_visible', [OID], BOOL, (s, [oid]) => functionVisible(s(), n(oid))),
  def('pg_collation_is_visible', [OID], BOOL, (s, [oid]) => collationVisible(s(), n(oid))),
  def(
    'format_type',
    [OID, INT4],
    TEXT,
    (s, [oid, typmod]) =>
      oid === null ? null : formatType(s(), n(oid), typmod === null ? null : n(typmod)),
    false,
  ),
  // issue 10 (H9): 'name'::regclass literals printed for the current search_path (pgdump-functions.ts)
  def('pg_get_expr', [PG_NODE_TREE, OID], TEXT, (s, [tree, rel]) =>
    getExpr(qualifyRegclassLiterals(String(tree), n(rel), s(), quoteIdent), false),
  ),
  def('pg_get_expr', [PG_NODE_TREE, OID, BOOL], TEXT, (s, [tree, rel, p]) =>
    getExpr(qualifyRegclassLiterals(String(tree), n(rel), s(), quoteIdent), p === true),
  ),
  def('pg_get_indexdef', [OID], TEXT, (s, [oid]) => indexDef(s(), n(oid), 0, false)),
  def('pg_get_indexdef', [OID, INT4, BOOL], TEXT, (s, [oid, col, p]) =>
    indexDef(s(), n(oid), n(col), p === true),
  ),
  // issue 9 (G): views (the rule's stored texts, @pg/catalog's view-def.ts)
  def('pg_get_viewdef', [OID], TEXT, (s, [oid]) => viewDef(s(), n(oid), false)),
  def('pg_get_viewdef', [OID, BOOL], TEXT, (s, [oid, p]) => viewDef(s(), n(oid), p === true)),
  def('pg_get_viewdef', [TEXT], TEXT, (s, [name]) =>
    viewDef(s(), viewOid(s(), String(name)), false),
  ),
  def('pg_get_viewdef', [TEXT, BOOL], TEXT, (s, [name, p]) =>
    viewDef(s(), viewOid(s(), String(name)), p === true),
  ),
  def('pg_get_constraintdef', [OID], TEXT, (s, [oid]) => constraintDef(s(), n(oid), false)),
  def('pg_get_constraintdef', [OID, BOOL], TEXT, (s, [oid, p]) =>
    constraintDef(s(), n(oid), p === true),
  ),
  def('pg_get_function_arguments', [OID], TEXT, (s, [oid]) =>
    functionArguments(s(), n(oid), false),
  ),
  def('pg_get_function_identity_arguments', [OID], TEXT, (s, [oid]) =>
    functionArguments(s(), n(oid), true),
  ),
  def('pg_get_function_result', [OID], TEXT, (s, [oid]) => functionResult(s(), n(oid))),
  def('pg_get_statisticsobjdef_columns', [OID], TEXT, () => null),
  def('obj_description', [OID, NAME], TEXT, (s, [oid, cat]) =>
    description(s(), n(oid), String(cat), 0),
  ),
  def('obj_description', [OID], TEXT, (s, [oid]) => description(s(), n(oid), 'pg_class', 0)),
  def('col_description', [OID, INT4], TEXT, (s, [oid, col]) =>
    description(s(), n(oid), 'pg_class', n(col)),
  ),
  // issue 9 (H): COMMENT ON ROLE / DATABASE
  def('shobj_description', [OID, NAME], TEXT, (s, [oid, cat]) =>
    sharedDescription(s(), n(oid), String(cat)),
  ),
  {
    name: 'pg_encoding_to_char',
    args: [INT4],
    result: NAME,
    volatility: 's',
    strict: true,
    impl: ([enc]) => ENCODINGS[n(enc)] ?? '',
  },
  {
    name: 'pg_size_pretty',
    args: [INT8],
    result: TEXT,
    volatility: 'i',
    strict: true,
    impl: ([size]) => sizePretty(BigInt(size as bigint)),
  },
  def('pg_table_size', [REGCLASS], INT8, (s, [oid]) => tableSize(s(), n(oid))),
  def('pg_indexes_size', [REGCLASS], INT8, (s, [oid]) => indexesSize(s(), n(oid))),
  def('pg_total_relation_size', [REGCLASS], INT8, (s, [oid]) => {
    const t = tableSize(s(), n(oid));
    const i = indexesSize(s(), n(oid));
    return t === null || i === null ? null : t + i;
  }),
  def('pg_relation_size', [REGCLASS], INT8, (s, [oid]) =>
    s().byOid('pg_class', n(oid)) === undefined ? null : BigInt(s().forkBytes(n(oid), 0)),
  ),
  def('pg_relation_size', [REGCLASS, TEXT], INT8, (s, [oid, fork]) => {
    const f = FORKS[String(fork)];
    if (f === undefined) {
      throw new SqlError('22023', 'invalid fork name', {
        hint: 'Valid fork names are "main", "fsm", "vm", and "init".',
      });
    }
    return s().byOid('pg_class', n(oid)) === undefined ? null : BigInt(s().forkBytes(n(oid), f));
  }),
  // issue 11: pg_relation_filenode (VACUUM FULL, CLUSTER, REINDEX and TRUNCATE change it); NULL without storage
  def('pg_relation_filenode', [REGCLASS], OID, (s, [oid]) => {
    const c = s().byOid('pg_class', n(oid));
    if (c === undefined || ['v', 'c', 'f', 'p', 'I'].includes(String(c.relkind))) return null;
    return n(c.relfilenode);
  }),
  def('pg_relation_is_publishable', [REGCLASS], BOOL, (s, [oid]) => {
    const c = s().byOid('pg_class', n(oid));
    if (c === undefined) return null;
    const nsp = n(c.relnamespace);
    const nspname = String(s().byOid('pg_namespace', nsp)?.nspname ?? '');
    return (
      (c.relkind === 'r' || c.relkind === 'p') &&
      nsp !== PG_CATALOG &&
      nspname !== 'information_schema' &&
      !nspname.startsWith('pg_toast') &&
      n(oid) >= 16384 &&
      c.relpersistence === 'p'
    );
  }),
  def('pg_tablespace_location', [OID], TEXT, () => ''),
  // no partitions here: a table has no partition ancestors (not even itself, as in PostgreSQL)
  {
    name: 'pg_partition_ancestors',
    args: [REGCLASS],
    result: REGCLASS,
    volatility: 'v',
    strict: true,
    retset: true,
    impl: () => [],
  },
  def('pg_get_triggerdef', [OID], TEXT, (s, [oid]) => triggerDef(s(), n(oid))),
  def('pg_get_triggerdef', [OID, BOOL], TEXT, (s, [oid]) => triggerDef(s(), n(oid))),
  // aclitem[] (pg_database.datacl & co.): no aclitem type here, so these arrays are always NULL
  def('array_to_string', [ACLITEM_ARRAY, TEXT], TEXT, () => null),
  // issue 10 (H9): pg_dump's (pgdump-functions.ts)
  ...PGDUMP_FUNCTIONS,
];

/** Their names (the analyzer looks among them only for these). */
export const PSQL_FUNCTION_NAMES: ReadonlySet<string> = new Set(PSQL_FUNCTIONS.map((f) => f.name));
