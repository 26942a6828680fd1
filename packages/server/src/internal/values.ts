/**
 * Values on the wire: a result value as a DataRow column (text format 0 or
 * binary format 1) and a Bind parameter back into the JavaScript value the
 * engine takes. Text goes through each type's output/input function with
 * the session's settings (TimeZone, extra_float_digits, bytea_output,
 * DateStyle, IntervalStyle); binary through typsend/typreceive, which
 * @pg/types implements byte for byte as PostgreSQL 15 does (checked by
 * values.pg.test.ts against a real server).
 *
 * Types outside the built-in registry that system catalogs still return
 * (regproc, xid, cid, aclitem[], oidvector, ...) print as the engine
 * holds them (numbers in decimal, strings as they are); their binary form
 * is the 4-byte integer for the OID-like ones and refused otherwise
 * (42883 "no binary output function available for type ...", as
 * PostgreSQL words it for a type without typsend).
 */
import { EngineError, type Session } from '@pg/engine';
import { type AnyPgType, builtins, type PgArray, type TypeContext } from '@pg/types';
import { arrayText, type DateStyle, intervalText, parseDateStyle, restyle } from './datestyle.js';

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Types the registry does not hold whose values are 32-bit unsigned integers (oidsend/oidrecv). */
const OID_LIKE = new Set([
  24 /* regproc */, 28 /* xid */, 29 /* cid */, 2202 /* regprocedure */, 2203 /* regoper */,
  2204 /* regoperator */, 3734 /* regconfig */, 3769 /* regdictionary */, 4191 /* regcollation */,
]);

/** A type's display name for messages, when the registry does not know it. */
function typeLabel(oid: number): string {
  return builtins.type(oid)?.displayName ?? String(oid);
}

/** Any thrown error as the client sees it: the type layer's SqlErrors keep their SQLSTATE. */
function asEngineError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const e = err as { code?: unknown; message?: unknown; detail?: unknown; hint?: unknown };
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    return new EngineError(e.code, String(e.message), {
      detail: typeof e.detail === 'string' ? e.detail : undefined,
      hint: typeof e.hint === 'string' ? e.hint : undefined,
      cause: err,
    });
  }
  return new EngineError('XX000', err instanceof Error ? err.message : String(err), {
    cause: err,
  });
}

/** Text of a value whose type the registry does not hold. */
function fallbackText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) {
    return `{${value.map((v) => (v === null ? 'NULL' : quoteArrayElement(fallbackText(v)))).join(',')}}`;
  }
  return String(value);
}

function quoteArrayElement(text: string): string {
  if (text !== '' && !/[{}",\\\s]/.test(text) && text.toUpperCase() !== 'NULL') return text;
  return `"${text.replace(/(["\\])/g, '\\$1')}"`;
}

function uint32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0);
  return out;
}

/** The session's output settings that @pg/types does not read itself (DateStyle, IntervalStyle). */
interface Styles {
  readonly dateStyle: DateStyle;
  readonly intervalStyle: string;
  readonly timeZone: string;
}

const stylesByContext = new WeakMap<TypeContext, Styles>();

function styles(session: Session, ctx: TypeContext): Styles {
  let s = stylesByContext.get(ctx);
  if (s === undefined) {
    s = {
      dateStyle: parseDateStyle(session.setting('DateStyle')),
      intervalStyle: session.setting('IntervalStyle'),
      timeZone: ctx.timeZone,
    };
    stylesByContext.set(ctx, s);
  }
  return s;
}

/** Whether a type's text form depends on DateStyle / IntervalStyle (itself or its array's element). */
function styleFamily(oid: number): 'date' | 'interval' | undefined {
  const t = builtins.type(oid);
  const base = t !== undefined && t.elemOid !== 0 ? t.elemOid : oid;
  if (base === 1082 || base === 1114 || base === 1184) return 'date';
  if (base === 1186) return 'interval';
  return undefined;
}

/**
 * Encodes one result value for a DataRow: text (format 0) with the
 * session's settings, or binary (format 1, typsend). null -> null (a -1
 * length on the wire).
 */
export function encodeValue(
  session: Session,
  value: unknown,
  typeOid: number,
  format: 0 | 1,
): Uint8Array | null {
  if (value === null || value === undefined) return null;
  const ctx = session.typeContext();
  const type = builtins.type(typeOid);
  if (format === 1) {
    if (type !== undefined) {
      try {
        return type.send(value, ctx);
      } catch (err) {
        throw asEngineError(err);
      }
    }
    if (OID_LIKE.has(typeOid) && typeof value === 'number') return uint32(value);
    throw new EngineError(
      '42883',
      `no binary output function available for type ${typeLabel(typeOid)}`,
    );
  }
  // issue 10 (H9): int2vector / oidvector print space-separated (int2vectorout, oidvectorout); pg_dump parses them
  if ((typeOid === 22 || typeOid === 30) && Array.isArray(value) && type === undefined)
    return utf8.encode(value.join(' '));
  if (type === undefined) return utf8.encode(fallbackText(value));
  try {
    const family = styleFamily(typeOid);
    if (family === undefined) return utf8.encode(type.output(value, ctx));
    const st = styles(session, ctx);
    if (family === 'interval') {
      if (st.intervalStyle === 'postgres') return utf8.encode(type.output(value, ctx));
      const one = (v: unknown) =>
        intervalText(v as Parameters<typeof intervalText>[0], st.intervalStyle);
      return utf8.encode(type.elemOid === 0 ? one(value) : arrayText(value as PgArray, one));
    }
    if (st.dateStyle.style === 'ISO') return utf8.encode(type.output(value, ctx));
    return utf8.encode(dateStyleText(value, type, ctx, st));
  } catch (err) {
    throw asEngineError(err);
  }
}

/** A date/timestamp[tz] (or an array of them) in a non-ISO DateStyle. */
function dateStyleText(value: unknown, type: AnyPgType, ctx: TypeContext, st: Styles): string {
  const element = type.elemOid === 0 ? type : builtins.type(type.elemOid);
  if (element === undefined) return type.output(value, ctx);
  const zone = element.oid === 1184 ? st.timeZone : undefined;
  const one = (v: unknown) => restyle(element.output(v, ctx), st.dateStyle, zone);
  return type.elemOid === 0 ? one(value) : arrayText(value as PgArray, one);
}

/**
 * Decodes one Bind parameter: text (format 0) through the type's input
 * function, binary (format 1) through typreceive; null for a NULL.
 * `paramNumber` (1-based) names the parameter in the 22P03 message.
 * A parameter of an unknown or unspecified type (0, 705) stays text, as
 * the engine reads it once the statement's types are known.
 */
export function decodeParam(
  session: Session,
  bytes: Uint8Array | null,
  typeOid: number,
  format: 0 | 1,
  paramNumber = 1,
): unknown {
  if (bytes === null) return null;
  const ctx = session.typeContext();
  const type = builtins.type(typeOid);
  if (format === 0) {
    let text: string;
    try {
      text = utf8Strict.decode(bytes);
    } catch {
      throw new EngineError('22021', 'invalid byte sequence for encoding "UTF8"');
    }
    if (text.includes('\0')) {
      throw new EngineError('22021', 'invalid byte sequence for encoding "UTF8": 0x00');
    }
    if (type === undefined) {
      if (OID_LIKE.has(typeOid) && /^\s*\d+\s*$/.test(text)) return Number(text);
      return text;
    }
    try {
      return type.input(text, -1, ctx);
    } catch (err) {
      throw asEngineError(err);
    }
  }
  if (type === undefined) {
    if (OID_LIKE.has(typeOid)) {
      if (bytes.length !== 4) throw badBinary(paramNumber);
      return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
    }
    throw new EngineError(
      '42883',
      `no binary input function available for type ${typeLabel(typeOid)}`,
    );
  }
  try {
    return type.receive(bytes, -1, ctx);
  } catch (err) {
    const e = asEngineError(err);
    // exec_bind_message: a receive function's own complaint, or bytes left over
    if (e.code === '22P03') throw badBinary(paramNumber);
    throw e;
  }
}

function badBinary(paramNumber: number): EngineError {
  return new EngineError('22P03', `incorrect binary data format in bind parameter ${paramNumber}`);
}
