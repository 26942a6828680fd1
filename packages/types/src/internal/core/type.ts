/**
 * The contract every built-in type implements. One object per type holds
 * its catalog facts (what pg_type says of it) and its behaviour (text and
 * binary I/O, on-disk form, ordering, hashing, typmod). Values are plain
 * JavaScript values; each type's module documents its representation.
 */
import type { TypeContext } from './context.js';

/** typalign: char (1), short (2), int (4), double (8). */
export type TypAlign = 'c' | 's' | 'i' | 'd';
/** typstorage: plain, external, main, extended. */
export type TypStorage = 'p' | 'e' | 'm' | 'x';

export interface PgType<T = unknown> {
  /** pg_type.typname: 'int4', '_int4' for its array. */
  readonly name: string;
  /** The name PostgreSQL prints in messages (format_type): 'integer', 'character varying'. */
  readonly displayName: string;
  readonly oid: number;
  /** typarray: the OID of the array of this type, 0 if none (arrays themselves). */
  readonly arrayOid: number;
  /** typelem: for an array type its element type's OID, else 0. */
  readonly elemOid: number;
  /** typlen: bytes for fixed-length types, -1 for varlena. */
  readonly len: number;
  /** typbyval. */
  readonly byVal: boolean;
  readonly align: TypAlign;
  readonly storage: TypStorage;
  /** typcategory: 'B' boolean, 'N' numeric, 'S' string, 'D' datetime, 'T' timespan, 'U' user, 'A' array. */
  readonly category: string;
  /** typispreferred. */
  readonly preferred: boolean;

  /** Text input (typinput); typmod -1 when none. Throws SqlError (22P02, 22003, ...). */
  input(text: string, typmod: number, ctx: TypeContext): T;
  /** Text output (typoutput). */
  output(value: T, ctx: TypeContext): string;
  /** Binary send (typsend), the wire protocol's binary format. */
  send(value: T, ctx: TypeContext): Uint8Array;
  /** Binary receive (typreceive). Throws SqlError 22P03 on malformed bytes. */
  receive(bytes: Uint8Array, typmod: number, ctx: TypeContext): T;
  /**
   * The on-disk datum as PostgreSQL stores it in a heap tuple: for
   * fixed-length types exactly `len` bytes (little-endian); for varlena
   * types the payload only, without the varlena header (see datum.ts).
   */
  encode(value: T): Uint8Array;
  /** The inverse of encode (payload only for varlena types). */
  decode(bytes: Uint8Array): T;
  /**
   * For fixed-length types, optionally: decode(data.subarray(offset,
   * offset + len)) without making the subarray (row decoding's hot path).
   */
  decodeAt?(data: Uint8Array, offset: number): T;
  /** The B-tree order of the default operator class: negative, zero or positive. */
  compare(a: T, b: T): number;
  /** A 32-bit hash, equal for values that compare equal. */
  hash(value: T): number;
  /** typmodin: the typmod for `type(mods)`, e.g. varchar(10) -> 14. */
  typmodIn?(mods: readonly number[]): number;
  /** typmodout: '(10,2)' for numeric(10,2). */
  typmodOut?(typmod: number): string;
  /**
   * Length coercion to a typmod, as the type's own cast does (varchar(n)
   * truncates silently when explicit, errors 22001 otherwise; numeric(p,s)
   * rounds and checks precision).
   */
  applyTypmod?(value: T, typmod: number, isExplicit: boolean): T;
}

/** Any type, with its value type erased. */
// biome-ignore lint/suspicious/noExplicitAny: the registry stores types of every value type
export type AnyPgType = PgType<any>;
