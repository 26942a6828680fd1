/**
 * Functions pg_dump calls that neither the @pg/types registry nor
 * psql-functions.ts has (issue 10, H9): pg_is_in_recovery, acldefault and
 * pg_options_to_table. The analyzer looks among them after the psql ones
 * (they are appended to PSQL_FUNCTIONS).
 *
 * Differences from PostgreSQL: there is no aclitem type, so acldefault
 * returns NULL (like every *acl column here), which pg_dump reads as
 * "no privileges to dump"; the server is never a standby.
 */
import type { FunctionDef } from '@pg/types';

const BOOL = 16;
const CHAR = 18;
const OID = 26;
const TEXT_ARRAY = 1009;
const ACLITEM_ARRAY = 1034;
const RECORD = 2249;

/** An option array element 'name=value' as pg_options_to_table's (option_name, option_value). */
function splitOption(opt: string): [string, string | null] {
  const eq = opt.indexOf('=');
  return eq < 0 ? [opt, null] : [opt.slice(0, eq), opt.slice(eq + 1)];
}

function elements(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  const e = (v as { elements?: unknown[] } | null)?.elements;
  return Array.isArray(e) ? e : [];
}

export const PGDUMP_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: 'pg_is_in_recovery',
    args: [],
    result: BOOL,
    volatility: 'v',
    strict: true,
    impl: () => false,
  },
  {
    name: 'acldefault',
    args: [CHAR, OID],
    result: ACLITEM_ARRAY,
    volatility: 'i',
    strict: true,
    impl: () => null,
  },
  {
    // FROM pg_options_to_table(reloptions): rows (option_name, option_value), see from.ts RECORD_COLUMNS
    name: 'pg_options_to_table',
    args: [TEXT_ARRAY],
    result: RECORD,
    volatility: 's',
    strict: true,
    retset: true,
    impl: ([options]) =>
      elements(options)
        .filter((o) => o !== null)
        .map((o) => splitOption(String(o))),
  },
];

/** What qualifyRegclassLiterals reads (psql-functions.ts's per-statement snapshot). */
export interface RegclassCatalog {
  rows(name: string): readonly Readonly<Record<string, unknown>>[];
  byOid(name: string, oid: number): Readonly<Record<string, unknown>> | undefined;
  readonly searchPath: readonly number[];
}

/**
 * pg_get_expr over stored SQL text: each `'name'::regclass` literal (a
 * serial column's nextval default) printed as regclassout would print
 * that relation now — schema-qualified unless it is visible on the current
 * search_path (pg_dump runs with search_path = ''), bare when it is. An
 * unqualified name is taken as the relation of that name in `rel`'s schema,
 * else the only one of that name; a literal naming no relation stays.
 */
export function qualifyRegclassLiterals(
  text: string,
  rel: number,
  s: RegclassCatalog,
  quoteIdent: (name: string) => string,
): string {
  if (!text.includes('::regclass')) return text;
  return text.replace(/'((?:[^']|'')*)'::regclass/g, (whole, lit: string) => {
    const parts = splitName(lit.replaceAll("''", "'"));
    if (parts === undefined) return whole;
    const [schema, name] = parts;
    const namespaces = s.rows('pg_namespace');
    const nspOid = (n: string) => namespaces.find((r) => r.nspname === n)?.oid;
    const candidates = s.rows('pg_class').filter((c) => c.relname === name);
    let target: Readonly<Record<string, unknown>> | undefined;
    if (schema !== undefined) {
      const nsp = nspOid(schema);
      target = candidates.find((c) => c.relnamespace === nsp);
    } else {
      const home = s.byOid('pg_class', rel)?.relnamespace;
      target =
        candidates.find((c) => c.relnamespace === home) ??
        (candidates.length === 1 ? candidates[0] : undefined);
    }
    if (target === undefined) return whole;
    const first = s.searchPath.find((nsp) =>
      candidates.some((c) => Number(c.relnamespace) === nsp),
    );
    const visible = first !== undefined && first === Number(target.relnamespace);
    const nspname = String(s.byOid('pg_namespace', Number(target.relnamespace))?.nspname ?? '');
    const shown = visible ? quoteIdent(name) : `${quoteIdent(nspname)}.${quoteIdent(name)}`;
    return `'${shown.replaceAll("'", "''")}'::regclass`;
  });
}

/** A regclass literal's [schema, name] (identifiers downcased unless quoted); undefined when it does not parse. */
function splitName(lit: string): [string | undefined, string] | undefined {
  const re = /\s*(?:"((?:[^"]|"")*)"|([^".\s]+))\s*/y;
  const out: string[] = [];
  let at = 0;
  while (at <= lit.length) {
    re.lastIndex = at;
    const m = re.exec(lit);
    if (m === null) return undefined;
    out.push(m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]!.toLowerCase());
    at = re.lastIndex;
    if (at === lit.length) break;
    if (lit[at] !== '.') return undefined;
    at++;
  }
  if (out.length === 1) return [undefined, out[0]!];
  if (out.length === 2) return [out[0], out[1]!];
  return undefined;
}
