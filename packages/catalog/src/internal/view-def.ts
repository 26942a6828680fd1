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

import type { ViewDef } from './pg15-data.js';

/** pg_rewrite.ev_action of a view: its query as SQL (to analyze) and as pg_get_viewdef prints it. */
export interface ViewAction {
  /** The query with every relation schema-qualified: what the analyzer expands the view into. */
  readonly sql: string;
  /** pg_get_viewdef(v): ruleutils' text for the creating session's search path, no final semicolon. */
  readonly display: string;
  /** pg_get_viewdef(v, true): the same with only the parentheses precedence needs. */
  readonly pretty: string;
  /**
   * issue 9 (D): pg_relation_is_updatable's bits when the view was
   * defined (4 UPDATE, 8 INSERT, 16 DELETE), for information_schema.
   */
  readonly events?: number;
  /** issue 9 (D): the view's columns pg_column_is_updatable says yes for (attnums). */
  readonly updatableColumns?: readonly number[];
}

export function encodeViewAction(a: ViewAction): string {
  return JSON.stringify({
    sql: a.sql,
    display: a.display,
    pretty: a.pretty,
    ...(a.events === undefined ? {} : { events: a.events }),
    ...(a.updatableColumns === undefined ? {} : { updatableColumns: a.updatableColumns }),
  });
}

export function decodeViewAction(text: string): ViewAction | undefined {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (typeof v.sql !== 'string') return undefined;
    const display = typeof v.display === 'string' ? v.display : v.sql;
    return {
      sql: v.sql,
      display,
      pretty: typeof v.pretty === 'string' ? v.pretty : display,
      ...(typeof v.events === 'number' ? { events: v.events } : {}),
      ...(Array.isArray(v.updatableColumns)
        ? { updatableColumns: v.updatableColumns.filter((n): n is number => typeof n === 'number') }
        : {}),
    };
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

/** issue 9 (D): check_option=local|cascaded among a view's reloptions, for its RelationDesc. */
export function viewCheckOption(reloptions: readonly string[]): {
  checkOption?: 'local' | 'cascaded';
} {
  const o = reloptions
    .find((r) => r.startsWith('check_option='))
    ?.slice('check_option='.length)
    .toLowerCase();
  return o === 'local' || o === 'cascaded' ? { checkOption: o } : {};
}

// ---------------------------------------------------------------- issue 9 (D): pg_matviews, information_schema.views

/** pg_catalog.pg_matviews (PostgreSQL 15's OIDs and columns). */
export const PG_MATVIEWS_VIEW: ViewDef = {
  name: 'pg_matviews',
  nsp: 11,
  oid: 12038,
  rowtype: 12040,
  columns: [
    ['schemaname', 19, -1],
    ['matviewname', 19, -1],
    ['matviewowner', 19, -1],
    ['tablespace', 19, -1],
    ['hasindexes', 16, -1],
    ['ispopulated', 16, -1],
    ['definition', 25, -1],
  ],
};

/** information_schema.views (its domains as their base types, as views.ts does). */
export const INFORMATION_SCHEMA_VIEWS_VIEW: ViewDef = {
  name: 'views',
  nsp: 13207,
  oid: 13483,
  rowtype: 13485,
  columns: [
    ['table_catalog', 19, -1],
    ['table_schema', 19, -1],
    ['table_name', 19, -1],
    ['view_definition', 1043, -1],
    ['check_option', 1043, -1],
    ['is_updatable', 1043, -1],
    ['is_insertable_into', 1043, -1],
    ['is_trigger_updatable', 1043, -1],
    ['is_trigger_deletable', 1043, -1],
    ['is_trigger_insertable_into', 1043, -1],
  ],
};

/** What the two views read: the catalogs' rows, by column name. */
export interface ViewRowsSource {
  scan(catalog: string): Record<string, unknown>[];
  readonly currentDatabase: string;
}

/** pg_get_viewdef's text and the stored events of each view with a _RETURN rule. */
function rules(src: ViewRowsSource): Map<number, ViewAction> {
  const out = new Map<number, ViewAction>();
  for (const r of src.scan('pg_rewrite')) {
    if (r.rulename !== '_RETURN') continue;
    const a = decodeViewAction(String(r.ev_action));
    if (a !== undefined) out.set(r.ev_class as number, a);
  }
  return out;
}

function names(src: ViewRowsSource, catalog: string, key: string): Map<number, unknown> {
  return new Map(src.scan(catalog).map((r) => [r.oid as number, r[key]]));
}

/** The rows of pg_matviews or information_schema.views, by column name. */
export function viewCatalogRows(name: string, src: ViewRowsSource): Record<string, unknown>[] {
  const nsp = names(src, 'pg_namespace', 'nspname');
  const defs = rules(src);
  if (name === 'pg_matviews') {
    const roles = names(src, 'pg_authid', 'rolname');
    const spaces = names(src, 'pg_tablespace', 'spcname');
    return src
      .scan('pg_class')
      .filter((c) => c.relkind === 'm')
      .map((c) => ({
        schemaname: nsp.get(c.relnamespace as number),
        matviewname: c.relname,
        matviewowner: roles.get(c.relowner as number) ?? null,
        tablespace: c.reltablespace === 0 ? null : (spaces.get(c.reltablespace as number) ?? null),
        hasindexes: c.relhasindex,
        ispopulated: c.relispopulated,
        definition: defs.has(c.oid as number) ? `${defs.get(c.oid as number)?.display};` : null,
      }));
  }
  return src
    .scan('pg_class')
    .filter((c) => c.relkind === 'v')
    .map((c) => {
      const a = defs.get(c.oid as number);
      const events = a?.events ?? 0;
      const options = (c.reloptions as { elements: (string | null)[] } | null)?.elements ?? [];
      const check = viewCheckOption(options.filter((o): o is string => o !== null)).checkOption;
      return {
        table_catalog: src.currentDatabase,
        table_schema: nsp.get(c.relnamespace as number),
        table_name: c.relname,
        view_definition: a === undefined ? null : `${a.display};`,
        check_option: check === undefined ? 'NONE' : check.toUpperCase(),
        is_updatable: (events & 20) === 20 ? 'YES' : 'NO',
        is_insertable_into: (events & 8) === 8 ? 'YES' : 'NO',
        is_trigger_updatable: 'NO',
        is_trigger_deletable: 'NO',
        is_trigger_insertable_into: 'NO',
      };
    });
}

/** information_schema.tables.is_insertable_into of a view (pg_relation_is_updatable & 8). */
export function viewInsertable(src: ViewRowsSource): ReadonlySet<number> {
  const out = new Set<number>();
  for (const [oid, a] of rules(src)) if (((a.events ?? 0) & 8) === 8) out.add(oid);
  return out;
}

/** information_schema.columns.is_updatable of views' columns: "relid:attnum" keys that are. */
export function updatableViewColumns(src: ViewRowsSource): ReadonlySet<string> {
  const out = new Set<string>();
  for (const [oid, a] of rules(src))
    for (const n of a.updatableColumns ?? []) out.add(`${oid}:${n}`);
  return out;
}
