/**
 * The record type (pg_type 2249, PostgreSQL's rowtypes.c): text output
 * (record_out), text input against a known column list (record_in), the
 * B-tree order (record_cmp) and hashing. Values are PgRecords, which carry
 * their column types, so every function here needs only the registry to
 * reach those types.
 *
 * Text form: `(v1,v2,...)`; a NULL column is empty; a value that is
 * empty or contains `"`, `\`, `(`, `)`, `,` or white space is double-quoted
 * with `"` and `\` doubled inside:
 *
 *   ROW(1, 'a b', '', NULL, 'x"y')  ->  (1,"a b","",,"x""y")
 *
 * Order (record_cmp): column by column with each column type's order; two
 * NULLs are equal and NULL sorts after any value; columns of different
 * types cannot be compared (42804), nor records of different lengths.
 */
import type { TypeContext } from '../core/context.js';
import { SqlError, SqlState } from '../core/errors.js';
import { combineHash } from '../core/hash.js';
import type { Registry } from '../core/registry.js';
import type { PgType } from '../core/type.js';
import type { PgRecord, RecordField } from './record-value.js';

/**
 * The unknown pseudo-type (705): an untyped literal in ROW('a') keeps it, as
 * in PostgreSQL; its value is the literal's text, printed and ordered as text.
 */
const UNKNOWN = 705;

function columnType(r: Registry, oid: number) {
  return r.mustType(oid === UNKNOWN ? 25 : oid);
}

function typeName(r: Registry, oid: number): string {
  return oid === UNKNOWN ? 'unknown' : (r.type(oid)?.displayName ?? String(oid));
}

/** Characters that make record_out quote a column (plus C isspace). */
const NEEDS_QUOTE = /["\\(),\s]/;

/** record_out: the text form of `rec`. */
export function recordOut(rec: PgRecord, r: Registry, ctx: TypeContext): string {
  let out = '(';
  for (let i = 0; i < rec.fields.length; i++) {
    if (i > 0) out += ',';
    const v = rec.values[i] ?? null;
    if (v === null) continue;
    const text = columnType(r, rec.fields[i]!.type).output(v, ctx);
    if (text === '' || NEEDS_QUOTE.test(text)) {
      out += `"${text.replace(/["\\]/g, (c) => c + c)}"`;
    } else {
      out += text;
    }
  }
  return `${out})`;
}

function malformed(text: string, detail: string): SqlError {
  return new SqlError(SqlState.INVALID_TEXT_REPRESENTATION, `malformed record literal: "${text}"`, {
    detail,
  });
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/**
 * record_in: reads `text` as a record of `fields` (each column through its
 * type's input function). An unquoted empty column is NULL, `""` the empty
 * string; `\x` is x; inside quotes `""` is `"`.
 */
export function recordIn(
  text: string,
  fields: readonly RecordField[],
  r: Registry,
  ctx: TypeContext,
): PgRecord {
  let p = 0;
  while (isSpace(text[p])) p++;
  if (text[p] !== '(') throw malformed(text, 'Missing left parenthesis.');
  p++;
  const values: unknown[] = [];
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) {
      if (text[p] === ',') p++;
      else throw malformed(text, 'Too few columns.');
    }
    if (text[p] === ',' || text[p] === ')') {
      values.push(null);
      continue;
    }
    let buf = '';
    let inQuote = false;
    for (;;) {
      const c = text[p];
      if (c === undefined) throw malformed(text, 'Unexpected end of input.');
      if (!inQuote && (c === ',' || c === ')')) break;
      p++;
      if (c === '\\') {
        const next = text[p];
        if (next === undefined) throw malformed(text, 'Unexpected end of input.');
        buf += next;
        p++;
      } else if (c === '"') {
        if (!inQuote) inQuote = true;
        else if (text[p] === '"') {
          buf += '"';
          p++;
        } else inQuote = false;
      } else {
        buf += c;
      }
    }
    const f = fields[i]!;
    values.push(columnType(r, f.type).input(buf, f.typmod, ctx));
  }
  if (text[p] !== ')') throw malformed(text, 'Too many columns.');
  p++;
  while (isSpace(text[p])) p++;
  if (p < text.length) throw malformed(text, 'Junk after right parenthesis.');
  return { fields, values };
}

/** record_cmp: negative, zero or positive. */
export function recordCompare(a: PgRecord, b: PgRecord, r: Registry): number {
  const n = Math.min(a.fields.length, b.fields.length);
  for (let i = 0; i < n; i++) {
    const ta = a.fields[i]!.type;
    const tb = b.fields[i]!.type;
    if (ta !== tb) {
      throw new SqlError(
        SqlState.DATATYPE_MISMATCH,
        `cannot compare dissimilar column types ${typeName(r, ta)} and ${typeName(r, tb)} at record column ${i + 1}`,
      );
    }
    const x = a.values[i] ?? null;
    const y = b.values[i] ?? null;
    if (x === null || y === null) {
      if (x === null && y === null) continue;
      return x === null ? 1 : -1;
    }
    const c = columnType(r, ta).compare(x, y);
    if (c !== 0) return c;
  }
  if (a.fields.length !== b.fields.length) {
    throw new SqlError(
      SqlState.DATATYPE_MISMATCH,
      'cannot compare record types with different numbers of columns',
    );
  }
  return 0;
}

/** hash_record: equal for records that compare equal. */
export function recordHash(a: PgRecord, r: Registry): number {
  let h = 0;
  for (let i = 0; i < a.fields.length; i++) {
    const v = a.values[i] ?? null;
    h = combineHash(h, v === null ? 0 : columnType(r, a.fields[i]!.type).hash(v));
  }
  return h;
}

function notSupported(what: string): SqlError {
  return new SqlError(SqlState.FEATURE_NOT_SUPPORTED, `${what} is not supported yet`);
}

/** The record pseudo-type's PgType (typcategory P), its functions reaching column types through `r`. */
export function makeRecordType(r: Registry): PgType<PgRecord> {
  return {
    name: 'record',
    displayName: 'record',
    oid: 2249,
    arrayOid: 2287,
    elemOid: 0,
    len: -1,
    byVal: false,
    align: 'd',
    storage: 'x',
    category: 'P',
    preferred: false,
    input() {
      throw new SqlError(
        SqlState.FEATURE_NOT_SUPPORTED,
        'input of anonymous composite types is not implemented',
      );
    },
    output: (v, ctx) => recordOut(v, r, ctx),
    send(v, ctx) {
      // record_send: column count, then per column its type OID, length (-1 for NULL) and bytes
      const parts: Uint8Array[] = [];
      const head = new DataView(new ArrayBuffer(4));
      head.setInt32(0, v.fields.length);
      parts.push(new Uint8Array(head.buffer));
      for (let i = 0; i < v.fields.length; i++) {
        const x = v.values[i] ?? null;
        const bytes = x === null ? undefined : columnType(r, v.fields[i]!.type).send(x, ctx);
        const dv = new DataView(new ArrayBuffer(8));
        dv.setUint32(0, v.fields[i]!.type);
        dv.setInt32(4, bytes === undefined ? -1 : bytes.length);
        parts.push(new Uint8Array(dv.buffer));
        if (bytes !== undefined) parts.push(bytes);
      }
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    },
    receive() {
      throw notSupported('binary input of record values');
    },
    encode() {
      throw notSupported('storing record values');
    },
    decode() {
      throw notSupported('storing record values');
    },
    compare: (a, b) => recordCompare(a, b, r),
    hash: (v) => recordHash(v, r),
  };
}
