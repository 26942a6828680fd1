/**
 * Test-only: running the same thing on real PostgreSQL 15 and here, and
 * comparing outcomes: the text of the result, or the SQLSTATE of the error.
 */

import type { ReferencePostgres } from '@pg/pg-reference';
import { expect } from 'vitest';
import { SqlError } from './errors.js';

export type Outcome =
  | { readonly ok: true; readonly text: string | null }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** Runs `sql` (one row, one column, cast to text by the caller's SQL) on PostgreSQL. */
export async function pgOutcome(
  pg: ReferencePostgres,
  sql: string,
  params: readonly unknown[] = [],
): Promise<Outcome> {
  try {
    const rows = await pg.query<{ v: string | null }>(sql, [...params]);
    const row = rows[0];
    return { ok: true, text: row ? (row.v ?? null) : null };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (typeof err.code !== 'string') throw e;
    return { ok: false, code: err.code, message: err.message ?? '' };
  }
}

/** Runs `fn` here: its text result, or the SqlError it throws. */
export function ourOutcome(fn: () => string | null): Outcome {
  try {
    return { ok: true, text: fn() };
  } catch (e) {
    if (e instanceof SqlError) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

/**
 * Expects the same outcome: equal text, or equal SQLSTATE (and, with
 * `messages`, equal message text). `label` names the case in failures.
 */
export function expectSameOutcome(
  label: string,
  ours: Outcome,
  theirs: Outcome,
  messages = false,
): void {
  const shape = (o: Outcome) =>
    o.ok ? { text: o.text } : messages ? { code: o.code, message: o.message } : { code: o.code };
  expect({ case: label, ...shape(ours) }).toEqual({ case: label, ...shape(theirs) });
}
