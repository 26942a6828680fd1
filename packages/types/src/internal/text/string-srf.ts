/**
 * string_to_table(text, delimiter [, null_string]): the set-returning twin
 * of string_to_array (PostgreSQL 14+). Not strict: a NULL input gives no
 * rows, a NULL delimiter splits into characters, an empty delimiter keeps
 * the input whole, an empty input gives no rows; pieces equal to
 * null_string come out as NULL.
 */
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';

/** The pieces string_to_table returns (and string_to_array holds). */
export function stringToTable(
  input: string | null,
  delimiter: string | null,
  nullString: string | null,
): (string | null)[] {
  if (input === null || input === '') return [];
  const pieces =
    delimiter === null ? Array.from(input) : delimiter === '' ? [input] : input.split(delimiter);
  return nullString === null ? pieces : pieces.map((p) => (p === nullString ? null : p));
}

export function registerStringSrfs(r: Registry): void {
  const { text } = TypeOid;
  for (const args of [
    [text, text],
    [text, text, text],
  ]) {
    r.addFunction({
      name: 'string_to_table',
      args,
      result: text,
      volatility: 'i',
      strict: false,
      retset: true,
      impl: ([s, d, n]) =>
        stringToTable(
          (s ?? null) as string | null,
          (d ?? null) as string | null,
          (n ?? null) as string | null,
        ),
    });
  }
}
