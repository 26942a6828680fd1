/**
 * Views and materialized views in the catalogs (issue 9, task G), as
 * PostgreSQL 15 stores them (DefineView, DefineViewRules, InsertRule,
 * create_ctas_internal):
 *
 *   pg_class      relkind 'v' (no storage: relam 0, relfilenode 0,
 *                 relfrozenxid 0, relhasrules) or 'm' (a heap, like a
 *                 table; relispopulated false after WITH NO DATA)
 *   pg_attribute  one row per output column (a view has no system columns)
 *   pg_type       the row type and its array, as for a table
 *   pg_rewrite    the _RETURN rule: ev_type '1' (SELECT), ev_enabled 'O',
 *                 is_instead, ev_qual '<>', ev_action the query
 *   pg_depend     rule -> view 'i' (the rule is part of the view) and 'n'
 *                 (the query's own range table names it in PostgreSQL 15);
 *                 rule -> each column the query uses 'n' (whole relation
 *                 when it uses none), so DROP TABLE refuses or cascades
 *
 * Difference from PostgreSQL: ev_action is not a node tree but the query
 * as SQL text, printed as pg_get_viewdef prints it but with every
 * relation schema-qualified (JSON: {"sql", "display", "pretty"}, the last
 * two pg_get_viewdef's answers for the creating session's search path).
 * Analyzing `sql` again gives the query back, whatever a later session's
 * search path is. pg_get_viewdef answers the stored texts, so a relation
 * it shows unqualified stays so when the search path changes. Column
 * references are by name, so renaming a column or table a view uses
 * would break the view: those renames are refused while a view depends
 * on them (see the engine's view-ddl.ts).
 */

/** pg_rewrite.ev_action of a view: its query as SQL (to analyze) and as pg_get_viewdef prints it. */
export interface ViewAction {
  /** The query with every relation schema-qualified: what the analyzer expands the view into. */
  readonly sql: string;
  /** pg_get_viewdef(v): ruleutils' text for the creating session's search path, no final semicolon. */
  readonly display: string;
  /** pg_get_viewdef(v, true): the same with only the parentheses precedence needs. */
  readonly pretty: string;
}

export function encodeViewAction(a: ViewAction): string {
  return JSON.stringify({ sql: a.sql, display: a.display, pretty: a.pretty });
}

export function decodeViewAction(text: string): ViewAction | undefined {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (typeof v.sql !== 'string') return undefined;
    const display = typeof v.display === 'string' ? v.display : v.sql;
    return { sql: v.sql, display, pretty: typeof v.pretty === 'string' ? v.pretty : display };
  } catch {
    return undefined;
  }
}

/** One column a view's query reads: attnum 0 for the relation as a whole. */
export interface ViewReference {
  readonly relid: number;
  readonly attnum: number;
}

/** The view's rule row (InsertRule's values). */
export function rewriteRow(
  oid: number,
  relid: number,
  action: ViewAction,
): Record<string, unknown> {
  return {
    oid,
    rulename: '_RETURN',
    ev_class: relid,
    ev_type: '1',
    ev_enabled: 'O',
    is_instead: true,
    ev_qual: '<>',
    ev_action: encodeViewAction(action),
  };
}

/**
 * eliminate_duplicate_dependencies: by relation, then column, duplicates
 * removed, and a whole-relation reference dropped when a column of the
 * same relation is referenced.
 */
export function sortedReferences(refs: readonly ViewReference[]): ViewReference[] {
  const out: ViewReference[] = [];
  for (const r of [...refs].sort((a, b) => a.relid - b.relid || a.attnum - b.attnum)) {
    const prior = out.at(-1);
    if (prior !== undefined && prior.relid === r.relid) {
      if (prior.attnum === r.attnum) continue;
      if (prior.attnum === 0) {
        out[out.length - 1] = r;
        continue;
      }
    }
    out.push(r);
  }
  return out;
}
