/**
 * The normalised plan cache (issue 10, throughput): statements sent through
 * the simple query protocol whose texts differ only in numeric constants
 * (pgbench's `WHERE aid = 12345`) share one analyzed and planned form in
 * which those constants are parameters, as PostgreSQL's plancache.c shares
 * a generic plan between executions of a prepared statement.
 *
 * Three parts:
 *  - `scanNumbers`: a small lexer that finds the numeric literals of a text
 *    without parsing it and gives the text's key (the text with each numeric
 *    literal replaced by NUL, a character no SQL text contains). A text the
 *    lexer is unsure about (non-ASCII, backslashes, junk after a number) has
 *    no key and is never served from this cache.
 *  - `parameterize`: on a miss, which of the parsed statement's constants
 *    may become parameters without changing what PostgreSQL would do — only
 *    values whose choice cannot change the plan: an INSERT's single VALUES
 *    row, a target-list or SET value that is a constant or `column op
 *    constant` (so no constant folding can raise an error at plan time that
 *    the generic plan would raise only per row), and WHERE conjuncts
 *    `column = constant`, which the caller accepts only when the generic plan
 *    answers them with equality quals covering a unique index (the estimate,
 *    and so the plan, is then the same for every value). Every other numeric
 *    literal stays part of the key as its text (LIMIT 10, ORDER BY 1,
 *    varchar(10), ...). The generic raw tree is a copy with those constants
 *    replaced by `$n` references at the constants' locations (so errors keep
 *    their cursor positions), typed as the constants are (int4, int8 or
 *    numeric by value).
 *  - `NormalizedPlanCache`: key → entry; an entry is used only while its
 *    validity stamp (catalog invalidations, DDL, settings, role) is unchanged
 *    and the new constants have the same types.
 */
import type { PNode } from '@pg/sql';

/** A numeric literal of the text: [start, end) and its characters. */
export interface NumberToken {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface ScannedText {
  /** The text with each numeric literal replaced by NUL. */
  readonly key: string;
  readonly tokens: readonly NumberToken[];
}

const NUMBER = /\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?/y;
const IDENT_START = /[A-Za-z_]/;
const IDENT_CHAR = /[A-Za-z0-9_$]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/y;

/**
 * The numeric literals of `sql` and its key; undefined when the text has
 * something this lexer does not follow exactly as PostgreSQL's scanner does.
 */
export function scanNumbers(sql: string): ScannedText | undefined {
  // eslint-style ranges: only printable ASCII and whitespace; no backslash (E'' strings)
  if (!/^[\t\n\r\x20-\x5b\x5d-\x7e]*$/.test(sql)) return undefined;
  const tokens: NumberToken[] = [];
  let key = '';
  let copied = 0;
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i] as string;
    if (c === "'" || c === '"') {
      // a string or quoted identifier; the doubled quote is the escape
      let j = i + 1;
      for (;;) {
        const k = sql.indexOf(c, j);
        if (k < 0) return undefined;
        if (sql[k + 1] === c) j = k + 2;
        else {
          i = k + 1;
          break;
        }
      }
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const k = sql.indexOf('\n', i);
      i = k < 0 ? n : k + 1;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      let depth = 1;
      let j = i + 2;
      while (depth > 0) {
        if (j >= n) return undefined;
        if (sql[j] === '/' && sql[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (sql[j] === '*' && sql[j + 1] === '/') {
          depth--;
          j += 2;
        } else j++;
      }
      i = j;
      continue;
    }
    if (c === '$') {
      if (/\d/.test(sql[i + 1] ?? '')) {
        i++;
        while (i < n && /\d/.test(sql[i] as string)) i++;
        continue;
      }
      DOLLAR_TAG.lastIndex = i;
      const m = DOLLAR_TAG.exec(sql);
      if (m === null) return undefined;
      const close = sql.indexOf(m[0], i + m[0].length);
      if (close < 0) return undefined;
      i = close + m[0].length;
      continue;
    }
    if (IDENT_START.test(c)) {
      i++;
      while (i < n && IDENT_CHAR.test(sql[i] as string)) i++;
      continue;
    }
    if (/\d/.test(c) || (c === '.' && /\d/.test(sql[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(sql);
      if (m === null) return undefined;
      const end = i + m[0].length;
      // trailing junk (PostgreSQL 15 rejects it) or a second dot: not ours to judge
      if (end < n && /[A-Za-z0-9_.$]/.test(sql[end] as string)) return undefined;
      tokens.push({ start: i, end, text: m[0] });
      key += `${sql.slice(copied, i)}\0`;
      copied = end;
      i = end;
      continue;
    }
    i++;
  }
  key += sql.slice(copied);
  return { key, tokens };
}

/** The type of a numeric constant, as the analyzer types it (transformConst): int4, int8 or numeric. */
export function numericConstType(text: string): number {
  if (/^-?\d+$/.test(text)) {
    const v = BigInt(text);
    if (v >= -2147483648n && v <= 2147483647n) return 23;
    if (v >= -(2n ** 63n) && v < 2n ** 63n) return 20;
  }
  return 1700;
}

/** What becomes of one numeric literal of the text. */
export type Slot =
  | { readonly param: number; readonly negate: boolean }
  | { readonly literal: string };

export interface Parameterized {
  /** The statement with the chosen constants as `$n` (a copy). */
  readonly generic: PNode;
  /** One per numeric literal of the text, in order. */
  readonly slots: readonly Slot[];
  /** The parameters' types (int4, int8, numeric). */
  readonly paramTypes: readonly number[];
  /** The parameters (1-based) that stand for WHERE `column = constant` values. */
  readonly whereParams: ReadonlySet<number>;
}

interface Candidate {
  readonly holder: Record<string, PNode>;
  readonly field: string;
  readonly where: boolean;
}

/** `column op constant` or `constant op column`: the constant's place. */
function opWithColumn(e: PNode, op?: string): Candidate | undefined {
  const x = e?.A_Expr;
  if (x === undefined || x.kind !== 'AEXPR_OP' || !Array.isArray(x.name) || x.name.length !== 1)
    return undefined;
  if (op !== undefined && x.name[0]?.String?.sval !== op) return undefined;
  if (x.lexpr?.ColumnRef !== undefined && x.rexpr?.A_Const !== undefined)
    return { holder: x, field: 'rexpr', where: false };
  if (x.rexpr?.ColumnRef !== undefined && x.lexpr?.A_Const !== undefined)
    return { holder: x, field: 'lexpr', where: false };
  return undefined;
}

/** A value in a target list or SET: a constant, or `column op constant`. */
function valueCandidates(targets: PNode[] | undefined, out: Candidate[]): void {
  for (const t of targets ?? []) {
    const rt = t?.ResTarget;
    if (rt === undefined || rt.val === undefined) continue;
    if (rt.val.A_Const !== undefined) out.push({ holder: rt, field: 'val', where: false });
    else {
      const c = opWithColumn(rt.val);
      if (c !== undefined) out.push(c);
    }
  }
}

/** WHERE's top-level conjuncts `column = constant`. */
function whereCandidates(where: PNode | undefined, out: Candidate[]): void {
  if (where === undefined) return;
  const conjuncts: PNode[] =
    where.BoolExpr?.boolop === 'AND_EXPR' ? (where.BoolExpr.args ?? []) : [where];
  for (const c of conjuncts) {
    const cand = opWithColumn(c, '=');
    if (cand !== undefined) out.push({ ...cand, where: true });
  }
}

function oneRelation(from: PNode[] | undefined): boolean {
  return from !== undefined && from.length === 1 && from[0]?.RangeVar !== undefined;
}

/** The constants of a statement that may become parameters; undefined: none of this shape. */
function candidates(stmt: PNode): Candidate[] | undefined {
  const out: Candidate[] = [];
  const sel = stmt.SelectStmt;
  if (sel !== undefined) {
    if (
      sel.withClause !== undefined ||
      sel.groupClause !== undefined ||
      sel.havingClause !== undefined ||
      sel.windowClause !== undefined ||
      sel.distinctClause !== undefined ||
      sel.valuesLists !== undefined ||
      sel.intoClause !== undefined ||
      sel.groupDistinct === true ||
      (sel.op !== undefined && sel.op !== 'SETOP_NONE') ||
      !oneRelation(sel.fromClause)
    )
      return undefined;
    valueCandidates(sel.targetList, out);
    whereCandidates(sel.whereClause, out);
    return out;
  }
  const upd = stmt.UpdateStmt;
  if (upd !== undefined) {
    if (upd.withClause !== undefined || (upd.fromClause?.length ?? 0) > 0) return undefined;
    valueCandidates(upd.targetList, out);
    whereCandidates(upd.whereClause, out);
    return out;
  }
  const del = stmt.DeleteStmt;
  if (del !== undefined) {
    if (del.withClause !== undefined || (del.usingClause?.length ?? 0) > 0) return undefined;
    whereCandidates(del.whereClause, out);
    return out;
  }
  const ins = stmt.InsertStmt;
  if (ins !== undefined) {
    const values = ins.selectStmt?.SelectStmt?.valuesLists;
    if (
      ins.withClause !== undefined ||
      ins.onConflictClause !== undefined ||
      !Array.isArray(values) ||
      values.length !== 1
    )
      return undefined;
    const items: PNode[] = values[0]?.List?.items ?? [];
    const list = values[0].List as Record<string, PNode>;
    items.forEach((item, k) => {
      if (item?.A_Const !== undefined)
        out.push({ holder: list.items as Record<string, PNode>, field: String(k), where: false });
    });
    return out;
  }
  return undefined;
}

/** The constant's text: ival (libpg-query omits 0) or fval; undefined for other constants. */
function numericText(c: PNode): string | undefined {
  if (c.isnull === true) return undefined;
  if (c.ival !== undefined) return String(c.ival.ival ?? 0);
  if (c.fval !== undefined) return String(c.fval.fval);
  return undefined;
}

/**
 * Which numeric literals of `sql` (scanned) become parameters of the
 * statement `node` (parsed from `sql`, which is the whole text); undefined
 * when none does (the statement is not worth a normalised entry).
 */
export function parameterize(
  node: PNode,
  sql: string,
  scanned: ScannedText,
): Parameterized | undefined {
  const generic = structuredClone(node) as PNode;
  const cands = candidates(generic);
  if (cands === undefined || cands.length === 0) return undefined;
  const byStart = new Map<number, number>();
  scanned.tokens.forEach((t, k) => {
    byStart.set(t.start, k);
  });
  const slots: Slot[] = scanned.tokens.map((t) => ({ literal: t.text }));
  const paramTypes: number[] = [];
  const whereParams = new Set<number>();
  for (const cand of cands) {
    const c = cand.holder[cand.field]?.A_Const;
    if (c === undefined) continue;
    const text = numericText(c);
    const loc = c.location;
    if (text === undefined || typeof loc !== 'number') continue;
    let k = byStart.get(loc);
    let negate = false;
    if (k === undefined && sql[loc] === '-') {
      // doNegate: `- 5` is the constant -5 at the minus sign
      const next = scanned.tokens.findIndex((t) => t.start > loc);
      const tok = scanned.tokens[next];
      if (tok !== undefined && sql.slice(loc + 1, tok.start).trim() === '') {
        k = next;
        negate = true;
      }
    }
    if (k === undefined) continue;
    const tok = scanned.tokens[k] as NumberToken;
    const value = negate ? `-${tok.text}` : tok.text;
    // the parser's value must be the literal's (or its negation)
    const same =
      c.ival !== undefined
        ? Number(value) === Number(text)
        : value === text && c.fval !== undefined;
    if (!same || !('literal' in (slots[k] as Slot))) continue;
    const param = paramTypes.length + 1;
    paramTypes.push(numericConstType(value));
    slots[k] = { param, negate };
    if (cand.where) whereParams.add(param);
    cand.holder[cand.field] = { ParamRef: { number: param, location: loc } };
  }
  if (paramTypes.length === 0) return undefined;
  return { generic, slots, paramTypes, whereParams };
}

/** A normalised entry: the generic plan and how a text's literals map onto its parameters. */
export interface NormalizedEntry<P> {
  readonly plan: P;
  readonly slots: readonly Slot[];
  readonly paramTypes: readonly number[];
  /** The session-local part of its validity (DDL here, settings, role). */
  readonly stamp: string;
  /** The relations (tables, indexes) the plan reads or writes. */
  readonly relations: ReadonlySet<number>;
  /** The cluster's invalidation sequence number the entry was last found valid at. */
  seq: number;
}

/** A committed catalog change: relcache invalidation of `relOid` in database `dbOid` (0: shared). */
export interface Invalidations {
  readonly invalidationSeq: number;
  invalidationsSince(
    seq: number,
  ): readonly { readonly seq: number; readonly dbOid: number; readonly relOid: number }[];
}

/**
 * Whether no committed change since the entry's sequence number touches
 * its relations (RelationCacheInvalidate is per relation, so an ANALYZE of
 * another, older table does not drop the plans of this one). A change of a
 * relation newer than all of the entry's (a table created since, which may
 * now come first in search_path) drops it too. Not seen: an older relation
 * renamed or moved into an earlier schema (PostgreSQL's prepared statements
 * do not see that either). An entry older than the bounded log is invalid.
 */
export function stillValid(
  entry: { readonly relations: ReadonlySet<number>; seq: number },
  cluster: Invalidations,
  dbOid: number,
): boolean {
  const now = cluster.invalidationSeq;
  if (entry.seq === now) return true;
  const messages = cluster.invalidationsSince(entry.seq);
  if (messages.length === 0 || (messages[0] as { seq: number }).seq !== entry.seq + 1) return false;
  // a relation created after the entry (a higher OID than all it names) may shadow one of its
  // relations in search_path, as a new table in an earlier schema does: plan again
  let newest = 0;
  for (const oid of entry.relations) if (oid > newest) newest = oid;
  for (const m of messages) {
    if (m.dbOid !== dbOid && m.dbOid !== 0) continue;
    if (entry.relations.has(m.relOid) || m.relOid > newest) return false;
  }
  entry.seq = now;
  return true;
}

/** Every relation OID a plan names (relationOid, indexOid, targetOid, a subquery's view: at any depth, its query too). */
export function planRelations(plan: unknown): Set<number> {
  const out = new Set<number>();
  const seen = new Set<unknown>();
  const walk = (x: unknown): void => {
    if (x === null || typeof x !== 'object' || seen.has(x)) return;
    seen.add(x);
    if (Array.isArray(x)) {
      for (const y of x) walk(y);
      return;
    }
    if (x instanceof Map) {
      for (const y of x.values()) walk(y);
      return;
    }
    for (const [k, v] of Object.entries(x)) {
      if (
        typeof v === 'number' &&
        (k === 'relationOid' || k === 'indexOid' || k === 'targetOid' || k === 'view')
      )
        out.add(v);
      else if (typeof v === 'object') walk(v);
    }
  };
  walk(plan);
  return out;
}

/** The parameter values (as text) a scanned text gives an entry; undefined when it does not fit. */
export function bindEntry<P>(
  entry: NormalizedEntry<P>,
  scanned: ScannedText,
): string[] | undefined {
  if (scanned.tokens.length !== entry.slots.length) return undefined;
  const values: string[] = [];
  for (let k = 0; k < entry.slots.length; k++) {
    const slot = entry.slots[k] as Slot;
    const text = (scanned.tokens[k] as NumberToken).text;
    if ('literal' in slot) {
      if (slot.literal !== text) return undefined;
      continue;
    }
    const value = slot.negate ? `-${text}` : text;
    if (numericConstType(value) !== entry.paramTypes[slot.param - 1]) return undefined;
    values[slot.param - 1] = value;
  }
  return values;
}

/** Key → entry, the oldest dropped past `limit`. */
export class NormalizedPlanCache<P> {
  readonly #entries = new Map<string, NormalizedEntry<P>>();
  constructor(readonly limit = 256) {}

  get(
    key: string,
    stamp: string,
    cluster: Invalidations,
    dbOid: number,
  ): NormalizedEntry<P> | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    if (e.stamp !== stamp || !stillValid(e, cluster, dbOid)) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  set(key: string, entry: NormalizedEntry<P>): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.limit) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, entry);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Keys that do not make a plan's shape: the analyzed query, positions, a node's output expressions. */
const SHAPE_SKIP = new Set(['query', 'paramTypes', 'location', 'output']);

/**
 * Whether two plans are the same but for constants standing where the
 * other has parameters of the same type (the custom and the generic plan
 * of one statement): same nodes, indexes, estimates and output columns.
 */
export function sameShape(a: unknown, b: unknown, seen: Set<unknown> = new Set()): boolean {
  if (a === b) return true;
  if (typeof a === 'function' && typeof b === 'function') return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (seen.has(a)) return true;
  seen.add(a);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, k) => sameShape(x, b[k], seen));
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !sameShape(v, b.get(k), seen)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const kx = x.kind;
  const ky = y.kind;
  if ((kx === 'const' || kx === 'param') && (ky === 'const' || ky === 'param')) {
    return kx === ky ? sameShapeFields(x, y, seen) : x.type === y.type;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  return sameShapeFields(x, y, seen);
}

function sameShapeFields(
  x: Record<string, unknown>,
  y: Record<string, unknown>,
  seen: Set<unknown>,
): boolean {
  const keys = Object.keys(x).filter((k) => !SHAPE_SKIP.has(k) && x[k] !== undefined);
  const keysY = Object.keys(y).filter((k) => !SHAPE_SKIP.has(k) && y[k] !== undefined);
  if (keys.length !== keysY.length) return false;
  for (const k of keys) if (!sameShape(x[k], y[k], seen)) return false;
  return true;
}

/**
 * What decides a plan's choice: its plan trees (the SELECT's, or the
 * row-finding one of an UPDATE/DELETE, with their sub-plans), its scan and
 * its output columns. (How the executor wires parameters into an UPDATE's
 * values differs between a constant and a parameter without changing the plan.)
 */
export function planShape(plan: {
  readonly scan?: unknown;
  readonly columns: unknown;
  readonly planned?: { readonly plan: unknown; readonly subplans: unknown } | undefined;
  readonly modify?:
    | {
        readonly find?: {
          readonly planned: { readonly plan: unknown; readonly subplans: unknown };
        };
      }
    | undefined;
}): unknown {
  const find = plan.modify?.find?.planned;
  return {
    scan: plan.scan,
    columns: plan.columns,
    plan: plan.planned?.plan,
    subplans: plan.planned?.subplans,
    find: find?.plan,
    findSubplans: find?.subplans,
  };
}
