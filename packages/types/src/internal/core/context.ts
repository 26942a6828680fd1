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
