/**
 * The session settings that change how values are read and printed. Only
 * PostgreSQL's defaults are supported for the style settings so far; the
 * types check what they are given and refuse what they do not support.
 */
export interface TypeContext {
  /** TimeZone: an IANA zone name ('UTC', 'Europe/Paris') or a POSIX-style offset. */
  readonly timeZone: string;
  /** DateStyle: only PostgreSQL's default 'ISO, MDY' so far. */
  readonly dateStyle: 'ISO, MDY';
  /** IntervalStyle: only 'postgres' so far. */
  readonly intervalStyle: 'postgres';
  /** extra_float_digits: 1 (the default) and above print the shortest exact form. */
  readonly extraFloatDigits: number;
  /** bytea_output. */
  readonly byteaOutput: 'hex' | 'escape';
  /**
   * The transaction's start time, in microseconds since 2000-01-01 UTC
   * (PostgreSQL's timestamp epoch): what now() and CURRENT_DATE return.
   */
  readonly transactionStart: bigint;
  /** The statement's start time (statement_timestamp()). */
  readonly statementStart: bigint;
  /** random(): a source of doubles in [0, 1). */
  readonly random: () => number;
  /**
   * The catalog, for the OID alias types (regclass, regtype, regnamespace,
   * regrole) to turn names into OIDs and back. Optional: without it they
   * read and print numbers only (regtype still knows the built-in types).
   */
  readonly catalog?: RegCatalog;
  /**
   * The session's transaction, for age(xid), mxid_age(xid), txid_current()
   * and pg_current_xact_id(). Optional: without it those functions raise
   * 0A000.
   */
  readonly xact?: XactContext;
}

/** What the transaction-id functions ask of the session's transaction (xid.c, xid8funcs.c). */
export interface XactContext {
  /**
   * GetStableLatestTransactionId: the top-level xid when one is assigned,
   * else the next xid as read at the transaction's first call (stable
   * within a transaction).
   */
  stableLatestXid(): number;
  /** ReadNextMultiXactId. */
  nextMultiXactId(): number;
  /**
   * GetTopFullTransactionId when `assign` (an xid is assigned if there is
   * none yet: it may fail past the wraparound stop limit), else
   * GetTopFullTransactionIdIfAny (undefined when none).
   */
  topFullXid(assign: boolean): bigint | undefined;
}

/**
 * What regclassin/regclassout and their kin ask the catalog, in the
 * session's current state (its transaction's snapshot and search_path).
 * Names arrive already split and case-folded (stringToQualifiedNameList).
 */
export interface RegCatalog {
  /**
   * RangeVarGetRelid: relation `name` in `schema`, or with no schema the
   * first one along the search path; undefined when there is none. Throws
   * `3F000 schema "x" does not exist` for a schema that does not exist.
   */
  relationOid(schema: string | undefined, name: string): number | undefined;
  /** pg_class's relname and its schema's nspname, or undefined for an unknown OID. */
  relation(oid: number): { readonly name: string; readonly schema: string } | undefined;
  /** pg_namespace: the schema called `name`, or undefined. */
  namespaceOid(name: string): number | undefined;
  /** pg_namespace: the name of schema `oid`, or undefined. */
  namespaceName(oid: number): string | undefined;
  /** current_database(): a three-part name must name it (else 0A000 cross-database references). */
  readonly databaseName: string;
  /**
   * parseTypeString: the type named by `text` in full SQL type syntax
   * (`character varying(10)`, `int[]`, `s.t`), typmod dropped. Throws
   * PostgreSQL's errors (42704, 3F000, 42601). Optional: without it
   * regtype reads the built-in types' names only.
   */
  typeOid?(text: string): number;
  /** format_type for a type the registry does not hold (a table's row type); undefined when unknown. */
  typeName?(oid: number): string | undefined;
  /** pg_authid: the role called `name`, or undefined. Optional (regrole reads numbers only without it). */
  roleOid?(name: string): number | undefined;
  /** pg_authid: the name of role `oid`, or undefined. */
  roleName?(oid: number): string | undefined;
  /**
   * current_schemas(include_implicit): the schemas of search_path that
   * exist, in order ("$user" resolved), with pg_catalog first when
   * `includeImplicit` and it is not listed. Optional (0A000 without it).
   */
  currentSchemas?(includeImplicit: boolean): readonly string[];
}

/** Microseconds between 1970-01-01 and 2000-01-01. */
export const POSTGRES_EPOCH_OFFSET_MICROS = 946_684_800_000_000n;

/** Now, in PostgreSQL's timestamp representation. */
export function currentTimestamp(): bigint {
  return BigInt(Date.now()) * 1000n - POSTGRES_EPOCH_OFFSET_MICROS;
}

/** PostgreSQL's defaults, with TimeZone 'UTC' and the clock read now. */
export function defaultContext(overrides: Partial<TypeContext> = {}): TypeContext {
  const now = currentTimestamp();
  return {
    timeZone: 'UTC',
    dateStyle: 'ISO, MDY',
    intervalStyle: 'postgres',
    extraFloatDigits: 1,
    byteaOutput: 'hex',
    transactionStart: now,
    statementStart: now,
    random: Math.random,
    ...overrides,
  };
}
